//! Cases where one side itself is hostile and holds the keys: a scanner or
//! a desktop built from the core's public API (see [`super::peer`]) that
//! completes the handshake by the book and then sends hostile names,
//! bundles with traversal names, CBOR with huge declared lengths or deep
//! nesting; and a hostile relay that closes with an escape-laden reason or
//! never answers. The real `certbridge` is the other side.

use std::sync::Arc;
use std::time::Duration;

use certbridge_core::channel::Channel;
use certbridge_core::{Invite, Message, Mode};

use super::cases::{Desk, kind, strs, vector_files};
use super::frames::{Transport, scanner_args};
use super::peer::{HOSTILE_INVITE_NAME, HOSTILE_NAME, HostileDesktop, bundle_of, deep_nesting, huge_declared_lengths, raw_hello, scanner_handshake};
use super::relay::{Behaviour, HostileRelay};
use super::run::{Duo, Typing, drive, drive_one, wait_for};
use super::verdict::{Case, Checks};
use super::{DEADLINE, Env, Flow};
use crate::Proc;

/// What the hostile side sends once the number is confirmed.
#[derive(Debug, Clone)]
pub enum Payload {
    /// A well-formed bundle of the vector's files (the names are the attack).
    Vector,
    /// A bundle of the vector's files plus one under this name.
    Named(String),
    /// A plaintext that is not a valid message.
    Raw(Vec<u8>),
}

impl Payload {
    fn send_bytes(&self, env: &Env) -> Result<Vec<u8>, Message> {
        let files = vector_files(env);
        let mut named: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
        match self {
            Payload::Vector => Err(bundle_of(&named)),
            Payload::Named(name) => {
                named.push((name.as_str(), files[0].1.as_slice()));
                Err(bundle_of(&named))
            }
            Payload::Raw(bytes) => Ok(bytes.clone()),
        }
    }
}

/// Sends `payload` (a message or raw bytes) and returns the kind of what
/// comes back within 15 s.
async fn send_and_listen(channel: &mut Channel, payload: Result<Vec<u8>, Message>) -> Option<&'static str> {
    let sent = match payload {
        Ok(raw) => channel.send_unchecked_plaintext(&raw).await,
        Err(message) => channel.send(&message).await,
    };
    sent.ok()?;
    let got = tokio::time::timeout(Duration::from_secs(15), channel.recv()).await.ok()?.ok()?;
    Some(kind(&got))
}

/// Import: a hostile scanner named `name` sends `payload` to the real
/// `certbridge receive` once the person typed the number it shows.
fn hostile_scanner(env: &Env, name: &str, payload: &Payload, checks: &mut Checks) -> (String, String) {
    let Some(mut desk) = Desk::start(env, Flow::Import, Transport::Lan, None, checks) else { return ("?".into(), "?".into()) };
    let Ok(invite) = Invite::parse_ignoring_expiry(&desk.text) else {
        checks.fail("the desktop's invite does not parse");
        return ("?".into(), "?".into());
    };
    let hello = raw_hello(name);
    let bytes = payload.send_bytes(env);
    let (number_tx, number_rx) = std::sync::mpsc::channel();
    let peer = env.rt.spawn(async move {
        let (mut channel, number) = scanner_handshake(&invite, &hello).await?;
        let _ = number_tx.send(number.digits());
        match tokio::time::timeout(Duration::from_secs(30), channel.recv()).await {
            Ok(Ok(Message::Confirmed)) => Ok(send_and_listen(&mut channel, bytes).await),
            Ok(Ok(other)) => Err(format!("the desktop sent {} instead of confirmed", kind(&other))),
            _ => Err("the desktop never confirmed".to_owned()),
        }
    });
    let number = number_rx.recv_timeout(Duration::from_secs(20)).ok();
    let desktop = drive_one(&mut desk.desktop, number.as_deref(), DEADLINE);
    let scanner_outcome = peer_outcome(env.rt.block_on(peer), "scanner", checks);
    judge_real(env, &desktop, desk.dir.path(), &desk.desk_root, number.is_some(), checks);
    (desktop.outcome(), scanner_outcome)
}

/// Export: a hostile desktop (its invite and hello named `name`) confirms
/// at once and sends `payload` to the real `certbridge scan`.
/// With `lang`, the scanner runs as a person runs it (text, not `--json`)
/// in that language: what a terminal would show is checked.
fn hostile_desktop(env: &Env, name: &str, payload: &Payload, lang: Option<&'static str>, checks: &mut Checks) -> (String, String) {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            checks.fail(e.to_string());
            return ("?".into(), "?".into());
        }
    };
    let root = dir.path().join("scanner/NPKI");
    let invite_name: String = name.chars().scan(0, |n, c| { *n += c.len_utf8(); (*n <= 32).then_some(c) }).collect();
    let desk = env.rt.block_on(HostileDesktop::new(Mode::DesktopSends, Some(&invite_name)));
    let text = desk.text();
    let hello = raw_hello(name);
    let bytes = payload.send_bytes(env);
    let peer = env.rt.spawn(async move {
        let (mut channel, _number) = desk.accept(&hello).await?;
        channel.send(&Message::Confirmed).await.map_err(|e| e.to_string())?;
        Ok::<_, String>(send_and_listen(&mut channel, bytes).await)
    });
    let args = scanner_args(env, Flow::Export, Transport::Lan, &text, &root, None);
    let ending = match lang {
        None => drive_one(&mut Proc::start("scanner", &strs(&args), &[]), None, DEADLINE),
        Some(lang) => as_a_person(&args, lang),
    };
    let desktop_outcome = peer_outcome(env.rt.block_on(peer), "desktop", checks);
    if lang.is_some() && !ending.stderr.contains(&certbridge_core::text::sanitize(name, 64)) {
        checks.fail(format!("the terminal did not show the desktop's name, cleaned: {:?}", ending.stderr));
    }
    // The hostile desktop confirmed: it knows the number.
    judge_real(env, &ending, dir.path(), &root, true, checks);
    (desktop_outcome, ending.outcome())
}

/// `certbridge ARGS` without `--json`, in `lang`, to its end: its exit
/// code and everything it printed (as the ending's `stderr`, where the
/// checks look), with a `done` event standing for a successful exit (text
/// mode installs only on success, and says so).
fn as_a_person(args: &[String], lang: &str) -> super::run::Ending {
    let started = std::time::Instant::now();
    let args: Vec<&str> = args.iter().map(String::as_str).filter(|a| *a != "--json").collect();
    let mut person = crate::TextProc::start("scanner", lang, &args, &[]);
    let code = person.wait().code();
    let events = if code == Some(0) {
        vec![serde_json::json!({"event": "done", "items": [{"status": "installed"}]})]
    } else {
        vec![serde_json::json!({"event": "error", "kind": "protocol"})]
    };
    let shown = format!("{}{}", person.stdout(), person.stderr());
    super::run::Ending { name: "scanner", code, events, stderr: shown, elapsed: started.elapsed() }
}

/// What the hostile `who` got back, for the report; its failures are the
/// case's problems.
fn peer_outcome(joined: Result<Result<Option<&'static str>, String>, tokio::task::JoinError>, who: &str, checks: &mut Checks) -> String {
    match joined {
        Ok(Ok(got)) => format!("peer:{}", got.unwrap_or("nothing")),
        Ok(Err(e)) => {
            checks.fail(format!("the hostile {who}: {e}"));
            "peer:failed".to_owned()
        }
        Err(e) => {
            checks.fail(format!("the hostile {who} panicked: {e}"));
            "peer:panic".to_owned()
        }
    }
}

/// The verdict on the real program `real` facing a hostile peer, which
/// installs into `root` under the case's folder `dir`.
fn judge_real(env: &Env, real: &super::run::Ending, dir: &std::path::Path, root: &std::path::Path, confirmed: bool, checks: &mut Checks) {
    checks.ending(real, &[]);
    checks.shown_clean(real);
    checks.no_temp_folders(dir);
    checks.install(root, &env.vector, real, confirmed);
    checks.listed(root, checks.installed);
    outside_root(dir, checks);
}

/// Nothing a traversal name points at exists: no `x` or `pwned` anywhere
/// in the case's folder.
fn outside_root(dir: &std::path::Path, checks: &mut Checks) {
    if std::path::Path::new(&traversal_names()[2]).exists() {
        checks.fail(format!("a traversal name was written: {}", traversal_names()[2]));
    }
    for (name, _) in crate::tree(dir) {
        let file = name.rsplit(['/', '\\']).next().unwrap_or_default();
        if matches!(file, "x" | "pwned" | "..\\x") {
            checks.fail(format!("a traversal name was written: {name}"));
        }
    }
}

/// File names a hostile peer may try to write outside the install root;
/// the absolute one points into a folder of the suite's own under the
/// system's temporary folder (never anything that matters, even as root).
fn traversal_names() -> Vec<String> {
    let absolute = std::env::temp_dir().join("certbridge-adversarial-pwned").join("pwned");
    vec![
        "../x".into(),
        "../../../x".into(),
        absolute.to_string_lossy().into_owned(),
        "..\\x".into(),
        "signCert.der\u{0}".into(),
        "sub/x".into(),
    ]
}

/// A hostile relay: with a close reason made of terminal escapes (which
/// the scanner's debug log must show cleaned), or one that accepts and
/// then never answers.
fn hostile_relay(env: &Env, behaviour: Behaviour, checks: &mut Checks) -> (String, String) {
    let relay = HostileRelay::start(env.rt.handle(), behaviour.clone());
    let url = relay.url();
    let Some(mut desk) = Desk::start(env, Flow::Export, Transport::Relay, Some(&url), checks) else { return ("?".into(), "?".into()) };
    // With debug logs, where the relay's close reason is written.
    let args = scanner_args(env, Flow::Export, Transport::Relay, &desk.text, &desk.scan_root, None);
    let mut scanner = Proc::start("scanner", &strs(&args), &[("CERTBRIDGE_LOG", std::path::Path::new("debug"))]);
    let duo: Duo = drive(&mut desk.desktop, &mut scanner, Typing::TheNumber, DEADLINE);
    if let Behaviour::CloseGuest(_, reason) = &behaviour {
        // The reason reaches the (debug) output, cleaned.
        let cleaned = certbridge_core::text::sanitize(reason, 120);
        if !duo.scanner.stderr.contains(&cleaned) {
            checks.fail(format!("the scanner's log does not show the relay's reason, cleaned ({cleaned:?})"));
        }
    }
    checks.shown_clean(&duo.desktop);
    checks.shown_clean(&duo.scanner);
    desk.judge(env, Flow::Export, &duo, (&[], &[]), checks);
    (duo.desktop.outcome(), duo.scanner.outcome())
}

/// A hostile name seen by the real desktop: the scanner's hello, shown in
/// `connected` and the prompt; the scanner then leaves.
fn named_scanner(env: &Env, checks: &mut Checks) -> (String, String) {
    let Some(mut desk) = Desk::start(env, Flow::Export, Transport::Lan, None, checks) else { return ("?".into(), "?".into()) };
    let Ok(invite) = Invite::parse_ignoring_expiry(&desk.text) else {
        checks.fail("the desktop's invite does not parse");
        return ("?".into(), "?".into());
    };
    let peer = env.rt.spawn(async move {
        let (channel, _) = scanner_handshake(&invite, &raw_hello(HOSTILE_NAME)).await?;
        tokio::time::sleep(Duration::from_secs(2)).await;
        drop(channel);
        Ok::<_, String>(())
    });
    let connected = wait_for(&mut desk.desktop, "connected", Duration::from_secs(15));
    if !connected.as_ref().is_some_and(|c| c["peer"].as_str().is_some_and(|p| p.contains("Bank"))) {
        checks.fail(format!("the desktop did not show the scanner's name, cleaned: {connected:?}"));
    }
    let desktop = drive_one(&mut desk.desktop, None, DEADLINE);
    if let Ok(Err(e)) = env.rt.block_on(peer) {
        checks.fail(format!("the hostile scanner: {e}"));
    }
    checks.ending(&desktop, &[]);
    checks.shown_clean(&desktop);
    checks.no_temp_folders(desk.dir.path());
    (desktop.outcome(), "peer:left".into())
}

/// Every case of this module; the brief run keeps one of each kind.
pub fn cases(env: &Arc<Env>, full: bool) -> Vec<Case> {
    let mut out = Vec::new();
    let mut both = |group: &str, label: String, payload: Payload, name: &'static str, desktop_too: bool| {
        let (e, p) = (Arc::clone(env), payload.clone());
        out.push(Case::new(group, format!("import {label}"), move |c| hostile_scanner(&e, name, &p, c)));
        if desktop_too {
            let e = Arc::clone(env);
            out.push(Case::new(group, format!("export {label}"), move |c| hostile_desktop(&e, name, &payload, None, c)));
        }
    };
    both("hostile-name", "escapes-and-bidi".into(), Payload::Vector, HOSTILE_NAME, true);
    for (i, name) in traversal_names().into_iter().enumerate() {
        let label = format!("traversal {}", name.escape_debug());
        if full || i == 0 {
            both("traversal", label, Payload::Named(name), "Galaxy", true);
        } else if i == 2 || i == 4 {
            both("traversal", label, Payload::Named(name), "Galaxy", false);
        }
    }
    for (i, (what, bytes)) in huge_declared_lengths().into_iter().enumerate() {
        if full || i == 0 || i == 2 {
            both("huge-length", what.into(), Payload::Raw(bytes), "Galaxy", full || i == 0);
        }
    }
    for (what, bytes) in deep_nesting() {
        both("deep-nesting", what.into(), Payload::Raw(bytes), "Galaxy", full);
    }
    for lang in ["en", "ko"] {
        let e = Arc::clone(env);
        let label = format!("export escapes-and-bidi on a terminal ({lang})");
        out.push(Case::new("hostile-name", label, move |c| hostile_desktop(&e, HOSTILE_NAME, &Payload::Vector, Some(lang), c)));
    }
    let e = Arc::clone(env);
    out.push(Case::new("hostile-name", "export scanner-name-at-the-desktop", move |c| named_scanner(&e, c)));
    let reason = format!("{HOSTILE_INVITE_NAME} relay");
    let e = Arc::clone(env);
    out.push(Case::new("hostile-relay", "close-reason-with-escapes", move |c| hostile_relay(&e, Behaviour::CloseGuest(4000, reason), c)));
    let e = Arc::clone(env);
    out.push(Case::new("hostile-relay", "silent", move |c| hostile_relay(&e, Behaviour::Silent, c)));
    out
}
