//! Helpers for the end-to-end tests: find and run the real `certbridge`
//! binary, read its `--json` events, find the shared test vectors.
//!
//! The tests themselves live in `tests/tests/`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use serde_json::Value;

pub mod text;
pub use text::{TextProc, gpki_fixtures, openssl_fixtures};

pub mod servers;
pub use servers::{Redis, Relay, free_port, round_robin, wait_for_port};

pub mod adversary;

/// How long any one expected event may take.
pub const EVENT_TIMEOUT: Duration = Duration::from_secs(30);

/// The workspace's root folder.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The `certbridge` binary: `$CERTBRIDGE_BIN`, or the one cargo built next
/// to this test (built now if missing). `scripts/test.sh` builds every
/// target first; building here only when missing keeps one build (a
/// single-package build would resolve features differently and rebuild).
pub fn certbridge() -> PathBuf {
    if let Some(bin) = std::env::var_os("CERTBRIDGE_BIN") {
        return bin.into();
    }
    static BUILD: Once = Once::new();
    built_binary("certbridge-desktop", "certbridge", &BUILD)
}

/// The `certbridge-relay` binary cargo built next to this test (built now
/// if missing).
pub fn relay_bin() -> PathBuf {
    static BUILD: Once = Once::new();
    built_binary("certbridge-relay", "certbridge-relay", &BUILD)
}

/// Binary `bin` of `package` in this test's target folder, built once (by
/// `once`) when cargo has not built it already.
fn built_binary(package: &str, bin: &str, once: &'static Once) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/<test> → target/<profile>/<bin>
    let path = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
    once.call_once(|| {
        if path.exists() {
            return;
        }
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "-p", package, "--bin", bin])
            .current_dir(workspace_root())
            .status()
            .unwrap();
        assert!(status.success(), "building {bin} failed");
    });
    assert!(path.exists(), "no {bin} binary at {}", path.display());
    path
}

/// The shared test vector folder, or `None` (with a message) when absent.
pub fn test_vector(name: &str) -> Option<PathBuf> {
    let base = std::env::var_os("CERTBRIDGE_TESTVECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/testvectors"));
    let dir = base.join(name);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: test vector not found at {}", dir.display());
        None
    }
}

/// A running `certbridge` with `--json` output read line by line.
pub struct Proc {
    pub name: &'static str,
    child: Child,
    stdin: Option<ChildStdin>,
    events: mpsc::Receiver<Value>,
    stderr: std::sync::Arc<Mutex<String>>,
    pub seen: Vec<Value>,
}

impl Proc {
    /// Starts `certbridge ARGS` (the caller includes `--json`).
    pub fn start(name: &'static str, args: &[&str], env: &[(&str, &Path)]) -> Self {
        Self::spawn(name, Command::new(certbridge()), args, env)
    }

    /// [`Proc::start`] inside the network namespace `ns`.
    pub fn start_in(ns: &Netns, name: &'static str, args: &[&str], env: &[(&str, &Path)]) -> Self {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &ns.name]).arg(certbridge());
        Self::spawn(name, cmd, args, env)
    }

    fn spawn(name: &'static str, mut cmd: Command, args: &[&str], env: &[(&str, &Path)]) -> Self {
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("CERTBRIDGE_NPKI_ROOT")
            // English unless a test asks for Korean (the tests read messages).
            .env("CERTBRIDGE_LANG", "en");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let stderr_pipe = child.stderr.take().unwrap();
        let (tx, events) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                match serde_json::from_str::<Value>(&line) {
                    Ok(v) => {
                        if tx.send(v).is_err() {
                            return;
                        }
                    }
                    Err(_) => panic!("{name}: stdout line is not JSON: {line:?}"),
                }
            }
        });
        let stderr = std::sync::Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr_pipe).lines() {
                let Ok(line) = line else { return };
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        let stdin = child.stdin.take();
        Self {
            name,
            child,
            stdin,
            events,
            stderr,
            seen: Vec::new(),
        }
    }

    /// `certbridge send CERT --allow-expired --json --listen 127.0.0.1
    /// EXTRA` as "desktop", with the text of the invite it shows.
    pub fn desktop_send(cert: &Path, extra: &[&str]) -> (Self, String) {
        let mut args = vec![
            "send",
            path_str(cert),
            "--allow-expired",
            "--json",
            "--listen",
            "127.0.0.1",
        ];
        args.extend_from_slice(extra);
        Self::with_invite(Self::start("desktop", &args, &[]))
    }

    /// `certbridge receive --install-root ROOT --json --listen 127.0.0.1
    /// EXTRA` as "desktop", with the text of the invite it shows.
    pub fn desktop_receive(root: &Path, extra: &[&str]) -> (Self, String) {
        let mut args = vec![
            "receive",
            "--install-root",
            path_str(root),
            "--json",
            "--listen",
            "127.0.0.1",
        ];
        args.extend_from_slice(extra);
        Self::with_invite(Self::start("desktop", &args, &[]))
    }

    /// `certbridge scan TEXT --install-root ROOT --json EXTRA`: a scanner
    /// that receives into `root`.
    pub fn scan_into(name: &'static str, text: &str, root: &Path, extra: &[&str]) -> Self {
        let mut args = vec!["scan", text, "--install-root", path_str(root), "--json"];
        args.extend_from_slice(extra);
        Self::start(name, &args, &[])
    }

    /// `certbridge scan TEXT --cert CERT --allow-expired --json EXTRA`: a
    /// scanner that sends `cert`.
    pub fn scan_sending(text: &str, cert: &Path, extra: &[&str]) -> Self {
        let mut args = vec![
            "scan",
            text,
            "--cert",
            path_str(cert),
            "--allow-expired",
            "--json",
        ];
        args.extend_from_slice(extra);
        Self::start("scanner", &args, &[])
    }

    /// Waits for the `invite` event; returns the program and the invite text.
    pub fn with_invite(mut self) -> (Self, String) {
        let text = self.expect("invite")["text"].as_str().unwrap().to_owned();
        (self, text)
    }

    /// The next event named `event`, skipping others; panics on `error`
    /// unless that is what is awaited.
    pub fn expect(&mut self, event: &str) -> Value {
        let deadline = Instant::now() + EVENT_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let v = match self.events.recv_timeout(left) {
                Ok(v) => v,
                Err(_) => panic!(
                    "{}: no {event:?} event; saw {:?}; stderr: {}",
                    self.name,
                    self.seen,
                    self.stderr()
                ),
            };
            self.seen.push(v.clone());
            let name = v["event"].as_str().unwrap_or_default();
            if name == event {
                return v;
            }
            if name == "error" {
                panic!("{}: error while waiting for {event:?}: {v}", self.name);
            }
        }
    }

    /// Types a line on the program's standard input.
    pub fn type_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// Waits for the program to exit; returns its status.
    pub fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + EVENT_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Collect what is left on stdout.
                while let Ok(v) = self.events.recv_timeout(Duration::from_millis(200)) {
                    self.seen.push(v);
                }
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "{} did not exit; saw {:?}; stderr: {}",
                    self.name,
                    self.seen,
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the exit and returns the final `error` event's kind.
    pub fn fails_with(&mut self) -> String {
        let status = self.wait();
        assert_eq!(
            status.code(),
            Some(1),
            "{}: expected exit 1; saw {:?}",
            self.name,
            self.seen
        );
        let error = self
            .seen
            .iter()
            .rev()
            .find(|v| v["event"] == "error")
            .unwrap_or_else(|| panic!("{}: no error event in {:?}", self.name, self.seen));
        error["kind"].as_str().unwrap().to_owned()
    }

    /// Kills the program at once (a crash, a pulled cable).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Everything written to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads the verification number the scanner shows (six digits) and types
/// it on the desktop.
pub fn pass_the_number(desktop: &mut Proc, scanner: &mut Proc) {
    let code = scanner.expect("verification_code")["code"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(code.len(), 6);
    desktop.expect("enter_code");
    desktop.type_line(&code);
}

/// A path as the `&str` of a command-line argument.
fn path_str(path: &Path) -> &str {
    path.to_str().expect("test paths are UTF-8")
}

/// Types `text` into a child's standard input and closes it. A program may
/// exit (refusing its arguments) before it reads anything; the broken pipe
/// that leaves is not the test's failure, so it is ignored.
pub fn type_into(stdin: Option<ChildStdin>, text: &str) {
    let Some(mut stdin) = stdin else {
        panic!("the child's standard input was not piped");
    };
    match stdin.write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.expect("writing to the child's standard input"),
    }
}

/// Runs `certbridge ARGS` to completion: (exit code, stdout, stderr).
pub fn run(args: &[&str], env: &[(&str, &Path)]) -> (Option<i32>, String, String) {
    let mut cmd = Command::new(certbridge());
    cmd.args(args)
        .stdin(Stdio::null())
        .env_remove("CERTBRIDGE_NPKI_ROOT")
        .env("CERTBRIDGE_LANG", "en");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A network namespace of the test's own, with only a loopback interface
/// on which multicast works: mDNS between two processes, isolated from the
/// machine's own network. Needs root (CI runs as root); deleted on drop.
pub struct Netns {
    pub name: String,
}

impl Netns {
    /// `None` (with a message) where namespaces cannot be made, outside CI.
    pub fn new(tag: &str) -> Option<Self> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!("cb-{tag}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
        let ip = |args: &[&str]| Command::new("ip").args(args).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
        if !ip(&["netns", "add", &name]) {
            assert!(!in_ci(), "cannot make a network namespace in CI (root and iproute2 are needed)");
            eprintln!("skipping: cannot make a network namespace (needs root and iproute2)");
            return None;
        }
        let ns = Self { name };
        for args in [
            &["link", "set", "lo", "up"][..],
            &["link", "set", "lo", "multicast", "on"],
            &["route", "add", "224.0.0.0/4", "dev", "lo"],
        ] {
            let mut full = vec!["netns", "exec", &ns.name, "ip"];
            full.extend_from_slice(args);
            assert!(ip(&full), "ip {args:?} in {}", ns.name);
        }
        Some(ns)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.name]).status();
    }
}

/// Runs `certbridge ARGS` in `lang` with `stdin` typed in and its input
/// closed: (exit code, stdout, stderr).
pub fn run_typed(lang: &str, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let mut cmd = Command::new(certbridge());
    cmd.args(args)
        .env_remove("CERTBRIDGE_NPKI_ROOT")
        .env("CERTBRIDGE_LANG", lang)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    type_into(child.stdin.take(), stdin);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The shared vector's password, from its `expected.json`.
pub fn vector_password(dir: &Path) -> String {
    let v: Value = serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    v["password"].as_str().unwrap().to_owned()
}

/// Checks that `root` holds exactly one certificate folder whose two files
/// are byte for byte the ones in `vector`.
pub fn assert_installed_copy_of(root: &Path, vector: &Path) {
    let installed = tree(root);
    assert_eq!(installed.len(), 2, "{:?}", installed.iter().map(|f| &f.0).collect::<Vec<_>>());
    for (name, bytes) in &installed {
        let file = Path::new(name).file_name().unwrap();
        assert!(std::fs::read(vector.join(file)).unwrap() == *bytes, "{name} differs");
    }
}

/// Every file under `dir`, relative path → bytes, sorted.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Every folder under `dir` (relative paths), to prove nothing was left.
pub fn folders(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.push(
                    path.strip_prefix(base)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
                walk(base, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Finds a program on `PATH`.
pub fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(program))
        .find(|p| p.is_file())
}

/// True in CI, where skipping for a missing tool is a failure.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// The Python of the proof suites' venv (`$CERTBRIDGE_CACHE/py-bench`, made
/// by `scripts/setup-test-tools.sh`), or `None` with a message when it is
/// missing outside CI; in CI a missing venv fails the test.
pub fn bench_python() -> Option<PathBuf> {
    let cache = std::env::var_os("CERTBRIDGE_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/certbridge")))?;
    let python = cache.join("py-bench/bin/python");
    if python.is_file() {
        return Some(python);
    }
    assert!(!in_ci(), "{} is missing in CI; scripts/setup-test-tools.sh makes it", python.display());
    eprintln!("skipping: no {} (scripts/setup-test-tools.sh makes it)", python.display());
    None
}
