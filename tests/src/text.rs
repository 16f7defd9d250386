//! A `certbridge` run as a person runs it: text on stdout and stderr (not
//! `--json`), answers typed on stdin. Prompts end without a line break, so
//! output is collected as it comes and searched, not read line by line.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::{EVENT_TIMEOUT, certbridge};

/// A running `certbridge` in text mode.
pub struct TextProc {
    pub name: &'static str,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

fn collect(mut from: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let sink = Arc::new(Mutex::new(String::new()));
    let into = sink.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let mut pending = Vec::new();
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            pending.extend_from_slice(&buf[..n]);
            // Keep a multi-byte character that was split between reads.
            let valid = match std::str::from_utf8(&pending) {
                Ok(s) => s.len(),
                Err(e) => e.valid_up_to(),
            };
            let text = String::from_utf8_lossy(&pending[..valid]).into_owned();
            pending.drain(..valid);
            into.lock().unwrap().push_str(&text);
        }
    });
    sink
}

impl TextProc {
    /// Starts `certbridge ARGS` with `env` (in addition to a clean
    /// `CERTBRIDGE_NPKI_ROOT`), speaking `lang`.
    pub fn start(name: &'static str, lang: &str, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut cmd = Command::new(certbridge());
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("CERTBRIDGE_NPKI_ROOT")
            .env("CERTBRIDGE_LANG", lang);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        let stdin = child.stdin.take();
        Self { name, child, stdin, stdout, stderr }
    }

    /// Everything written to stdout so far.
    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// Everything written to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until stdout holds `text`; returns all of stdout.
    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + EVENT_TIMEOUT;
        loop {
            let out = self.stdout();
            if out.contains(text) {
                return out;
            }
            assert!(
                Instant::now() < deadline,
                "{}: {text:?} never appeared.\n--- stdout ---\n{out}\n--- stderr ---\n{}",
                self.name,
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until stdout has a line starting with `prefix`; returns it.
    pub fn wait_for_line(&self, prefix: &str) -> String {
        let out = self.wait_for(prefix);
        let start = out.find(prefix).unwrap_or(0);
        out[start..].lines().next().unwrap_or_default().to_owned()
    }

    /// Types a line on stdin.
    pub fn type_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// Sends SIGINT, as Ctrl-C in a terminal does.
    #[cfg(unix)]
    pub fn interrupt(&self) {
        let status = Command::new("kill").arg("-INT").arg(self.child.id().to_string()).status().unwrap();
        assert!(status.success());
    }

    /// Waits for the exit.
    pub fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + EVENT_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                std::thread::sleep(Duration::from_millis(100));
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("{} did not exit.\n--- stdout ---\n{}\n--- stderr ---\n{}", self.name, self.stdout(), self.stderr());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for TextProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Makes OpenSSL fixtures (certificates with a Hangul name, made by an
/// implementation independent of ours) in `dir`; `None`, with a message,
/// where OpenSSL is missing outside CI.
pub fn openssl_fixtures(dir: &Path) -> Option<std::path::PathBuf> {
    if crate::which("openssl").is_none() {
        assert!(!crate::in_ci(), "openssl is missing in CI");
        eprintln!("skipping: openssl not found");
        return None;
    }
    let script = crate::workspace_root().join("scripts/make-npki-fixtures.sh");
    let status = Command::new("bash").arg(script).arg(dir).stdout(Stdio::null()).stderr(Stdio::null()).status().unwrap();
    assert!(status.success(), "make-npki-fixtures.sh failed");
    Some(dir.to_path_buf())
}
