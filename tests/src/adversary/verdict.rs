//! The verdict of every case, by the same rules: both sides ended within
//! the deadline, each with `done` or a clear error kind the case allows, no
//! panic, nothing half-written (`.certbridge-tmp-*`) anywhere under the
//! case's folders, and nothing installed unless it is byte for byte the
//! vector's files and the side that installed reports it. Cases run a few
//! at a time (they mostly wait); the summary table counts them.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use certbridge_core::ErrorKind;

use super::run::Ending;
use crate::tree;

/// The error kinds a program may end with: the core's, and the desktop
/// program's own `rejected` (some certificate was refused) and
/// `not_removed` (a `--move` left a copy to delete by hand).
fn known_kind(kind: &str) -> bool {
    use ErrorKind as K;
    let core = [
        K::Expired, K::InvalidInvite, K::Store, K::NothingToSend, K::Listen, K::NoPath, K::Unreachable,
        K::RelayUnreachable, K::Refused, K::WrongCode, K::Handshake, K::CodeMismatch, K::PeerAborted,
        K::Declined, K::Cancelled, K::Disconnected, K::Tampered, K::Protocol, K::Timeout, K::ReceiptMismatch,
    ];
    matches!(kind, "rejected" | "not_removed") || core.iter().any(|k| k.as_str() == kind)
}

/// One case's result.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub group: String,
    pub name: String,
    pub desktop: String,
    pub scanner: String,
    pub problems: Vec<String>,
    /// The vector was installed, byte for byte, after a confirmation.
    pub installed: bool,
    pub secs: f64,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The checks of one case, collected rather than panicking, so that every
/// case reports.
#[derive(Debug, Default)]
pub struct Checks {
    pub problems: Vec<String>,
    /// Set by [`Checks::install`] when the vector was installed as it must be.
    pub installed: bool,
}

impl Checks {
    pub fn fail(&mut self, problem: impl Into<String>) {
        self.problems.push(problem.into());
    }

    /// A program ended by itself, without a panic, with one of `allowed`
    /// (`done` or error kinds; any known kind when `allowed` is empty).
    pub fn ending(&mut self, e: &Ending, allowed: &[&str]) {
        let outcome = e.outcome();
        if e.code.is_none() {
            self.fail(format!("{} did not end by itself within the deadline", e.name));
        }
        if e.stderr.contains("panicked") {
            self.fail(format!("{} panicked: {}", e.name, e.stderr.trim()));
        }
        if outcome != "done" && !known_kind(&outcome) {
            self.fail(format!("{} ended without a clear error: {outcome} ({:?})", e.name, e.events.last()));
        } else if !allowed.is_empty() && !allowed.contains(&outcome.as_str()) {
            self.fail(format!("{} ended with {outcome}, expected one of {allowed:?}", e.name));
        }
    }

    /// Nothing half-written anywhere under `dir`.
    pub fn no_temp_folders(&mut self, dir: &Path) {
        for name in every_entry(dir) {
            if name.contains(".certbridge-tmp") {
                self.fail(format!("a half-written folder is left: {name}"));
            }
        }
    }

    /// `root` holds nothing, or exactly the vector's two files in one
    /// certificate folder; and something only when `installer` reports it
    /// installed (a failed session installs nothing on its side) and
    /// `allowed` (the number was confirmed).
    pub fn install(&mut self, root: &Path, vector: &Path, installer: &Ending, allowed: bool) {
        let files = tree(root);
        let reported = installer.outcome() == "done"
            && installer.event("done").is_some_and(|d| d["items"].as_array().is_some_and(|i| i.iter().any(|i| i["status"] == "installed")));
        if files.is_empty() {
            if reported {
                self.fail(format!("{} reports an install but nothing is there", installer.name));
            }
            return;
        }
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        let identical = files.len() == 2
            && files.iter().all(|(name, bytes)| {
                let file = Path::new(name).file_name().and_then(|f| f.to_str()).unwrap_or_default();
                name.starts_with("yessign/USER/") && std::fs::read(vector.join(file)).is_ok_and(|want| &want == bytes)
            });
        if !identical {
            self.fail(format!("installed files are not the vector's: {names:?}"));
        }
        if !allowed {
            self.fail(format!("installed without the number confirmed: {names:?}"));
        }
        if !reported {
            self.fail(format!("installed although {} ended with {}: {names:?}", installer.name, installer.outcome()));
        }
        self.installed = identical && allowed && reported;
    }

    /// A `--move` of `source` (a copy of `vector`): the copy is gone only
    /// when the certificate arrived identical (this case installed it) and
    /// `sender` says it removed it; otherwise it is there, byte for byte,
    /// with nothing set aside beside it.
    pub fn moved(&mut self, source: &Path, vector: &Path, sender: &Ending) {
        let removed = sender
            .event("done")
            .is_some_and(|d| d["items"].as_array().is_some_and(|i| i.iter().any(|i| i["removed"] == true)));
        if !source.exists() {
            if !self.installed {
                self.fail(format!("{} deleted its copy although the certificate was not installed", sender.name));
            }
            if !removed {
                self.fail(format!("{} deleted its copy without saying so ({})", sender.name, sender.outcome()));
            }
            return;
        }
        if removed {
            self.fail(format!("{} says it removed its copy, but it is there", sender.name));
        } else if self.installed && sender.outcome() == "done" {
            self.fail(format!("{} ended done without moving its copy", sender.name));
        }
        for file in ["signCert.der", "signPri.key"] {
            if std::fs::read(source.join(file)).ok() != std::fs::read(vector.join(file)).ok() {
                self.fail(format!("{} changed its copy's {file}", sender.name));
            }
        }
        let beside: Vec<String> = every_entry(source.parent().unwrap_or(source));
        if beside.len() != 3 {
            self.fail(format!("the sender's folder holds more than its copy: {beside:?}"));
        }
    }

    /// `certbridge list` of `root` shows the one certificate when it was
    /// `installed`, and nothing (no failure either) otherwise: no
    /// half-written folder ever shows there.
    pub fn listed(&mut self, root: &Path, installed: bool) {
        let (code, out, err) = crate::run(&["list", "--json", "--npki-root", &root.to_string_lossy()], &[]);
        let Ok(v) = serde_json::from_str::<serde_json::Value>(out.trim()) else {
            self.fail(format!("`list` printed no JSON ({code:?}): {err}"));
            return;
        };
        let certs = v["certificates"].as_array().map_or(0, Vec::len);
        let failures = v["failures"].as_array().map_or(0, Vec::len);
        if certs != usize::from(installed) || failures != 0 {
            self.fail(format!("`list` shows {certs} certificates and {failures} broken folders, expected {}", usize::from(installed)));
        }
    }

    /// No text that came from a peer reaches the screen raw: every string
    /// in `e`'s events, and its standard error, are free of controls,
    /// bidi controls and invisible characters.
    pub fn shown_clean(&mut self, e: &Ending) {
        fn strings<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
            match v {
                serde_json::Value::String(s) => out.push(s),
                serde_json::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
                serde_json::Value::Object(o) => o.values().for_each(|v| strings(v, out)),
                _ => {}
            }
        }
        let mut shown = vec![e.stderr.as_str()];
        for v in &e.events {
            strings(v, &mut shown);
        }
        if let Some(bad) = shown.iter().find(|s| super::peer::has_unsafe_chars(s)) {
            self.fail(format!("{} showed a peer's text raw: {bad:?}", e.name));
        }
    }
}

/// Every path under `dir` (files and folders, hidden ones too), relative.
fn every_entry(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            out.push(path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().into_owned());
            if path.is_dir() {
                todo.push(path);
            }
        }
    }
    out
}

/// What a case runs: it fills the checks and returns the desktop's and
/// the scanner's outcomes.
type Run = Box<dyn FnOnce(&mut Checks) -> (String, String) + Send>;

/// A case: a name in a group, and what it runs.
pub struct Case {
    pub group: String,
    pub name: String,
    run: Run,
}

impl Case {
    /// `run` fills the checks and returns the desktop's and the scanner's
    /// outcomes.
    pub fn new(group: &str, name: impl Into<String>, run: impl FnOnce(&mut Checks) -> (String, String) + Send + 'static) -> Self {
        Self { group: group.to_owned(), name: name.into(), run: Box::new(run) }
    }
}

/// Runs `cases`, `at_once` at a time; a panic inside a case is a problem
/// of that case.
pub fn run_cases(cases: Vec<Case>, at_once: usize) -> Vec<Verdict> {
    let total = cases.len();
    let queue = Arc::new(Mutex::new(cases.into_iter().enumerate().collect::<VecDeque<_>>()));
    let results = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..at_once.max(1))
        .map(|_| {
            let (queue, results) = (queue.clone(), results.clone());
            std::thread::spawn(move || {
                loop {
                    let Some((i, case)) = queue.lock().unwrap().pop_front() else { return };
                    let started = Instant::now();
                    let Case { group, name, run } = case;
                    let mut checks = Checks::default();
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&mut checks)));
                    let (desktop, scanner) = outcome.unwrap_or_else(|panic| {
                        let what = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()));
                        checks.fail(format!("the case itself failed: {}", what.unwrap_or_default()));
                        ("?".into(), "?".into())
                    });
                    let verdict = Verdict {
                        group,
                        name,
                        desktop,
                        scanner,
                        problems: checks.problems,
                        installed: checks.installed,
                        secs: started.elapsed().as_secs_f64(),
                    };
                    results.lock().unwrap().push((i, verdict));
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let mut results = std::mem::take(&mut *results.lock().unwrap());
    assert_eq!(results.len(), total);
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, v)| v).collect()
}

/// The summary: counts, outcomes by kind, every case's line, and the
/// problems of the cases that failed.
pub fn report(title: &str, verdicts: &[Verdict], wall_secs: f64) -> String {
    use std::fmt::Write;
    let passed = verdicts.iter().filter(|v| v.passed()).count();
    let mut out = String::new();
    let _ = writeln!(out, "\n=== {title} ===");
    let installs = verdicts.iter().filter(|v| v.passed() && v.installed).count();
    let _ = writeln!(
        out,
        "cases {}, clean errors (nothing installed) {}, identical installs {installs}, failures {}, wall {wall_secs:.0} s",
        verdicts.len(),
        passed - installs,
        verdicts.len() - passed
    );
    let mut groups: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for v in verdicts {
        let g = groups.entry(v.group.as_str()).or_default();
        match (v.passed(), v.installed) {
            (false, _) => g.2 += 1,
            (true, true) => g.1 += 1,
            (true, false) => g.0 += 1,
        }
    }
    let _ = writeln!(out, "{:<22} {:>6} {:>13} {:>10} {:>9}", "group", "cases", "clean errors", "installs", "failures");
    for (g, (e, i, f)) in &groups {
        let _ = writeln!(out, "{g:<22} {:>6} {e:>13} {i:>10} {f:>9}", e + i + f);
    }
    let mut by_outcome: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut by_side: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for v in verdicts {
        *by_outcome.entry((v.desktop.clone(), v.scanner.clone())).or_default() += 1;
        by_side.entry(v.desktop.clone()).or_default().0 += 1;
        by_side.entry(v.scanner.clone()).or_default().1 += 1;
    }
    let _ = writeln!(out, "{:<22} {:>8} {:>8}", "outcome", "desktop", "scanner");
    for (kind, (d, s)) in &by_side {
        let _ = writeln!(out, "{kind:<22} {d:>8} {s:>8}");
    }
    let _ = writeln!(out, "{:<46} {:>6}", "desktop / scanner", "cases");
    for ((d, s), n) in &by_outcome {
        let _ = writeln!(out, "{:<46} {n:>6}", format!("{d} / {s}"));
    }
    let _ = writeln!(out, "{:<44} {:<18} {:<18} {:>5}  verdict", "case", "desktop", "scanner", "secs");
    for v in verdicts {
        let mark = if v.passed() { "ok" } else { "FAILED" };
        let _ = writeln!(out, "{:<44} {:<18} {:<18} {:>5.1}  {mark}", format!("{} {}", v.group, v.name), v.desktop, v.scanner, v.secs);
    }
    for v in verdicts.iter().filter(|v| !v.passed()) {
        let _ = writeln!(out, "FAILED {} {}:", v.group, v.name);
        for p in &v.problems {
            let _ = writeln!(out, "    {p}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ending(code: Option<i32>, events: &[serde_json::Value], stderr: &str) -> Ending {
        Ending { name: "scanner", code, events: events.to_vec(), stderr: stderr.to_owned(), elapsed: std::time::Duration::ZERO }
    }

    /// A folder holding a `signCert.der` of "cert" and a `signPri.key` of "key".
    fn pair(folder: &Path) {
        std::fs::create_dir_all(folder).unwrap();
        std::fs::write(folder.join("signCert.der"), b"cert").unwrap();
        std::fs::write(folder.join("signPri.key"), b"key").unwrap();
    }

    /// A vector of that pair, and an empty folder for the case.
    fn fixture() -> (tempfile::TempDir, tempfile::TempDir) {
        let vector = tempfile::tempdir().unwrap();
        pair(vector.path());
        (vector, tempfile::tempdir().unwrap())
    }

    fn installed() -> Ending {
        ending(Some(0), &[serde_json::json!({"event": "done", "items": [{"status": "installed"}]})], "")
    }

    #[test]
    fn endings_that_are_not_clear_fail() {
        let error = |kind: &str| ending(Some(1), &[serde_json::json!({"event": "error", "kind": kind})], "");
        for (e, allowed, ok) in [
            (ending(None, &[], ""), &[][..], false),
            (ending(Some(101), &[], "thread 'main' panicked at"), &[], false),
            (error("no_such_kind"), &[], false),
            (error("tampered"), &["done"], false),
            (error("tampered"), &[], true),
            (installed(), &["done"], true),
        ] {
            let mut c = Checks::default();
            c.ending(&e, allowed);
            assert_eq!(c.problems.is_empty(), ok, "{e:?} {allowed:?}: {:?}", c.problems);
        }
    }

    #[test]
    fn installs_must_be_identical_confirmed_and_reported() {
        let (vector, root) = fixture();
        let user = root.path().join("yessign/USER/cn");
        pair(&user);
        let judge = |installer: &Ending, confirmed: bool| {
            let mut c = Checks::default();
            c.install(root.path(), vector.path(), installer, confirmed);
            (c.problems.len(), c.installed)
        };
        assert_eq!(judge(&installed(), true), (0, true));
        assert_eq!(judge(&installed(), false).0, 1, "unconfirmed");
        assert_eq!(judge(&ending(Some(1), &[], ""), true).0, 1, "not reported");
        std::fs::write(user.join("signPri.key"), b"kez").unwrap();
        assert_eq!(judge(&installed(), true), (1, false), "changed");
    }

    #[test]
    fn a_move_deletes_only_what_arrived() {
        let (vector, dir) = fixture();
        let source = dir.path().join("USER/cn");
        let removed = ending(Some(0), &[serde_json::json!({"event": "done", "items": [{"removed": true}]})], "");
        let judge = |sender: &Ending, installed: bool| {
            let mut c = Checks { installed, ..Checks::default() };
            c.moved(&source, vector.path(), sender);
            c.problems.len()
        };
        assert_eq!(judge(&removed, true), 0, "gone after an install");
        assert_eq!(judge(&removed, false), 1, "gone without an install");
        pair(&source);
        assert_eq!(judge(&ending(Some(1), &[], ""), false), 0, "kept");
        assert_eq!(judge(&removed, true), 1, "kept but said removed");
        std::fs::write(source.join("signPri.key"), b"ke").unwrap();
        assert_eq!(judge(&ending(Some(1), &[], ""), false), 1, "changed");
    }

    #[test]
    fn temp_folders_and_raw_peer_text_are_found() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/.certbridge-tmp-1")).unwrap();
        let mut c = Checks::default();
        c.no_temp_folders(dir.path());
        assert_eq!(c.problems.len(), 1);
        let mut c = Checks::default();
        c.shown_clean(&ending(Some(1), &[serde_json::json!({"event": "connected", "peer": "a\u{202e}b"})], ""));
        c.shown_clean(&ending(Some(1), &[], "relay said \u{1b}[2J"));
        c.shown_clean(&ending(Some(1), &[serde_json::json!({"event": "connected", "peer": "홍길동의 PC"})], ""));
        assert_eq!(c.problems.len(), 2, "{:?}", c.problems);
    }
}
