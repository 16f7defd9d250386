//! The generated UniFFI bindings, run for real from Python, from Kotlin on
//! the JVM and from Swift (in a Debian trixie tree), each doing a real
//! export and import against the `certbridge` desktop program on 127.0.0.1.
//! The scenarios live beside the bindings (`bindings/tests/<language>/`);
//! this file generates the bindings and runs them.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Once;

use certbridge_e2e::{certbridge, in_ci, test_vector, which, workspace_root};

const VECTOR: &str = "npki-yessign-test";

/// target/<profile>, where cargo put this test.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf()
}

/// The cdylib and the workspace's uniffi-bindgen, built once if missing.
fn built() -> (PathBuf, PathBuf) {
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
fn generate(language: &str, out: &Path) {
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

fn show(what: &str, output: &Output) -> String {
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    println!("--- {what} ---\n{text}");
    text
}

/// Skips (returns false) where a tool is missing, except in CI.
fn have(tool: &str, present: bool) -> bool {
    if !present {
        assert!(!in_ci(), "{tool} is missing in CI; scripts/setup-test-tools.sh installs it");
        eprintln!("skipping: {tool} is not installed (scripts/setup-test-tools.sh installs it)");
    }
    present
}

#[test]
fn python_bindings_export_and_import() {
    let Some(vector) = test_vector(VECTOR) else { return };
    if !have("python3", which("python3").is_some()) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    generate("python", tmp.path());
    let output = Command::new("python3")
        .arg(workspace_root().join("bindings/tests/python/test_bindings.py"))
        .env("PYTHONPATH", tmp.path())
        .env("CERTBRIDGE_BIN", certbridge())
        .env("CERTBRIDGE_VECTOR", &vector)
        .output()
        .unwrap();
    let text = show("python", &output);
    assert!(output.status.success(), "the Python tests failed");
    assert!(text.contains("Ran 5 tests") && text.contains("OK"), "not every Python test ran");
}

fn cache_dir() -> PathBuf {
    std::env::var_os("CERTBRIDGE_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/certbridge"))
}

#[test]
fn kotlin_bindings_export_and_import() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let kotlin = cache_dir().join("kotlin-2.4.20/package");
    let jna = Path::new("/usr/share/java/jna.jar");
    if !have("kotlinc", kotlin.join("bin/kotlinc").exists()) || !have("JNA (libjna-java)", jna.exists()) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    generate("kotlin", tmp.path());
    let sdk = workspace_root().join("android/certbridge/src/main/kotlin/kr/certbridge/sdk");
    let jar = tmp.path().join("tests.jar");
    let compiled = Command::new(kotlin.join("bin/kotlinc"))
        .arg("-nowarn")
        .arg("-classpath")
        .arg(jna)
        .arg("-d")
        .arg(&jar)
        .arg(tmp.path().join("kr/certbridge/ffi/certbridge_ffi.kt"))
        .arg(sdk.join("FolderCertificateStore.kt"))
        .arg(sdk.join("TransferState.kt"))
        .arg(workspace_root().join("bindings/tests/kotlin/BindingsTest.kt"))
        .output()
        .unwrap();
    show("kotlinc", &compiled);
    assert!(compiled.status.success(), "kotlinc failed");
    let classpath = format!("{}:{}:{}", jar.display(), jna.display(), kotlin.join("lib/kotlin-stdlib.jar").display());
    let output = Command::new("java")
        .arg(format!("-Djna.library.path={}", tmp.path().display()))
        .args(["-cp", &classpath, "BindingsTestKt"])
        .env("CERTBRIDGE_BIN", certbridge())
        .env("CERTBRIDGE_VECTOR", &vector)
        .output()
        .unwrap();
    let text = show("kotlin", &output);
    assert!(output.status.success(), "the Kotlin tests failed");
    assert!(text.contains("kotlin: 4 passed, 0 failed"), "not every Kotlin test ran");
}

/// Bind-mounts /proc and /dev into the Swift tree while it is in use.
struct Mounts(Vec<PathBuf>);

impl Drop for Mounts {
    fn drop(&mut self) {
        for m in self.0.iter().rev() {
            let _ = Command::new("umount").arg(m).status();
        }
    }
}

#[test]
fn swift_bindings_export_and_import() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let root = cache_dir().join("swift-trixie");
    if !root.join(".certbridge-ready").exists() {
        // Building the tree needs root and debootstrap; where it could not
        // be built, setup-test-tools.sh said why.
        eprintln!("skipping: no Swift tree at {} (scripts/setup-test-tools.sh builds it)", root.display());
        return;
    }
    let work = tempfile::Builder::new().prefix("certbridge-swift-").tempdir_in(root.join("tmp")).unwrap();
    let inside = Path::new("/tmp").join(work.path().file_name().unwrap());
    generate("swift", work.path());
    let copy = |from: &Path, name: &str| std::fs::copy(from, work.path().join(name)).unwrap();
    copy(&certbridge(), "certbridge");
    for file in ["FolderCertificateStore.swift", "TransferState.swift", "CertBridgeSession.swift"] {
        copy(&workspace_root().join("ios/CertBridge/Sources/CertBridge").join(file), file);
    }
    copy(&workspace_root().join("bindings/tests/swift/main.swift"), "main.swift");
    std::fs::create_dir(work.path().join("vector")).unwrap();
    for entry in std::fs::read_dir(&vector).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), work.path().join("vector").join(entry.file_name())).unwrap();
    }
    let mut mounts = Mounts(Vec::new());
    for m in ["proc", "dev"] {
        let target = root.join(m);
        let ok = Command::new("mount").arg("--bind").arg(format!("/{m}")).arg(&target).status().is_ok_and(|s| s.success());
        if !ok {
            assert!(!in_ci(), "cannot bind-mount /{m} into the Swift tree");
            eprintln!("skipping: cannot bind-mount /{m} (needs root)");
            return;
        }
        mounts.0.push(target);
    }
    let dir = inside.display();
    let script = format!(
        "cd {dir} && /usr/libexec/swift/bin/swiftc -suppress-warnings -module-name App \
         -Xcc -fmodule-map-file={dir}/certbridge_ffiFFI.modulemap -I {dir} -L {dir} -lcertbridge_ffi \
         certbridge_ffi.swift FolderCertificateStore.swift TransferState.swift CertBridgeSession.swift main.swift -o t \
         && CERTBRIDGE_BIN={dir}/certbridge CERTBRIDGE_VECTOR={dir}/vector LD_LIBRARY_PATH={dir} ./t"
    );
    let output = Command::new("chroot").arg(&root).args(["/bin/sh", "-c", &script]).output().unwrap();
    drop(mounts);
    let text = show("swift", &output);
    assert!(output.status.success(), "the Swift tests failed");
    assert!(text.contains("swift: 4 passed, 0 failed"), "not every Swift test ran");
}
