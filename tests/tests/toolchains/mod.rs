//! What the binding and phone-app tests share: the cdylib and the
//! workspace's uniffi-bindgen (built once if missing), generated bindings,
//! kotlinc and JNA, and the Debian trixie tree with Swift.

#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Once;

use certbridge_e2e::{in_ci, workspace_root};

/// The shared NPKI test vector the transfers send.
pub(crate) const VECTOR: &str = "npki-yessign-test";
/// Debian's JNA (libjna-java).
pub(crate) const JNA: &str = "/usr/share/java/jna.jar";
/// Debian's JUnit 4 and Hamcrest (junit4).
pub(crate) const JUNIT: [&str; 2] = ["/usr/share/java/junit4.jar", "/usr/share/java/hamcrest-core.jar"];

/// target/<profile>, where cargo put this test.
pub(crate) fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf()
}

/// The cdylib and the workspace's uniffi-bindgen, built once if missing.
pub(crate) fn built() -> (PathBuf, PathBuf) {
    static BUILD: Once = Once::new();
    let dir = profile_dir();
    let lib = dir.join(format!("{}certbridge_ffi{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX));
    let bindgen = dir.join(format!("uniffi-bindgen{}", std::env::consts::EXE_SUFFIX));
    BUILD.call_once(|| {
        if lib.exists() && bindgen.exists() {
            return;
        }
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "-p", "certbridge-ffi", "-p", "certbridge-uniffi-bindgen"])
            .current_dir(workspace_root())
            .status()
            .unwrap();
        assert!(status.success(), "building the bindings failed");
    });
    (lib, bindgen)
}

/// Generates `language` bindings into `out` with the cdylib copied beside them.
pub(crate) fn generate(language: &str, out: &Path) {
    let (lib, bindgen) = built();
    let output = Command::new(bindgen)
        .args(["generate", "--language", language, "--no-format", "--out-dir"])
        .arg(out)
        .arg(&lib)
        .current_dir(workspace_root())
        .output()
        .unwrap();
    assert!(output.status.success(), "uniffi-bindgen {language}: {}", String::from_utf8_lossy(&output.stderr));
    std::fs::copy(&lib, out.join(lib.file_name().unwrap())).unwrap();
}

/// Prints a tool's output (shown when the test fails) and returns it.
pub(crate) fn show(what: &str, output: &Output) -> String {
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    println!("--- {what} ---\n{text}");
    text
}

/// Skips (returns false) where a tool is missing, except in CI.
pub(crate) fn have(tool: &str, present: bool) -> bool {
    if !present {
        assert!(!in_ci(), "{tool} is missing in CI; scripts/setup-test-tools.sh installs it");
        eprintln!("skipping: {tool} is not installed (scripts/setup-test-tools.sh installs it)");
    }
    present
}

pub(crate) fn cache_dir() -> PathBuf {
    std::env::var_os("CERTBRIDGE_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/certbridge"))
}

/// kotlinc from npm's `kotlin-compiler` (with its own stdlib and coroutines jars).
pub(crate) struct Kotlin {
    home: PathBuf,
}

impl Kotlin {
    /// kotlinc and JNA, or `None` (skipping) when either is missing.
    pub(crate) fn find() -> Option<Self> {
        let home = cache_dir().join("kotlin-2.4.20/package");
        let ok = have("kotlinc", home.join("bin/kotlinc").exists()) && have("JNA (libjna-java)", Path::new(JNA).exists());
        ok.then_some(Kotlin { home })
    }

    /// The compiler.
    pub(crate) fn kotlinc(&self) -> PathBuf {
        self.home.join("bin/kotlinc")
    }

    /// A jar of kotlinc's own `lib/`.
    pub(crate) fn lib(&self, jar: &str) -> PathBuf {
        self.home.join("lib").join(jar)
    }

    /// Compiles `sources` into the jar `out` against `classpath`; warnings
    /// are errors, so the app's code stays clean.
    pub(crate) fn compile(&self, classpath: &[PathBuf], out: &Path, sources: &[PathBuf]) -> Output {
        Command::new(self.kotlinc())
            .arg("-Werror")
            .arg("-classpath")
            .arg(join(classpath))
            .arg("-d")
            .arg(out)
            .args(sources)
            .output()
            .unwrap()
    }
}

/// `a:b:c`.
pub(crate) fn join(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(":")
}

/// Every `.kt` file under `dir`.
pub(crate) fn kotlin_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "kt"))
        .collect();
    out.sort();
    out
}

/// The Debian trixie tree with Swift that setup-test-tools.sh builds.
pub(crate) struct SwiftTree {
    pub(crate) root: PathBuf,
}

impl SwiftTree {
    /// The tree, or `None` (skipping) where it could not be built.
    pub(crate) fn find() -> Option<Self> {
        let root = cache_dir().join("swift-trixie");
        if !root.join(".certbridge-ready").exists() {
            // Building the tree needs root and debootstrap; where it could
            // not be built, setup-test-tools.sh said why.
            assert!(!in_ci(), "no Swift tree at {} in CI", root.display());
            eprintln!("skipping: no Swift tree at {} (scripts/setup-test-tools.sh builds it)", root.display());
            return None;
        }
        Some(SwiftTree { root })
    }

    /// A fresh folder inside the tree: (its path outside, its path inside).
    pub(crate) fn workdir(&self) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::Builder::new().prefix("certbridge-swift-").tempdir_in(self.root.join("tmp")).unwrap();
        let inside = Path::new("/tmp").join(dir.path().file_name().unwrap());
        (dir, inside)
    }

    /// Runs `script` with /bin/sh inside the tree, with /proc and /dev
    /// bind-mounted in a mount namespace of its own: the mounts vanish with
    /// the process, and tests running at the same time never share them.
    pub(crate) fn run(&self, script: &str) -> Option<Output> {
        let output = Command::new("unshare")
            .args(["--mount", "--propagation", "private", "/bin/sh", "-c"])
            .arg(r#"mount --bind /proc "$CB_ROOT/proc" && mount --bind /dev "$CB_ROOT/dev" && exec chroot "$CB_ROOT" /bin/sh -c "$CB_SCRIPT""#)
            .env("CB_ROOT", &self.root)
            .env("CB_SCRIPT", script)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stderr);
        if text.contains("Operation not permitted") && text.contains("unshare") {
            assert!(!in_ci(), "cannot make a mount namespace for the Swift tree: {text}");
            eprintln!("skipping: cannot make a mount namespace (needs root): {text}");
            return None;
        }
        Some(output)
    }
}
