//! The suite's cases beyond the frame operations: invites used by the
//! wrong party or at the wrong time (an attacker who saw the QR code
//! connects first, a reused invite, an expired one, one of an unknown
//! protocol version) and a LAN port flooded with silent and slow
//! connections. The real `certbridge` plays both sides unless the case is
//! about a hostile one ([`super::hostile`] has those).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use certbridge_core::{Hello, Invite, Message};
use tokio::io::AsyncWriteExt;

use super::frames::{Transport, desktop_args, scanner_args};
use super::peer::{bundle_of, scanner_handshake};
use super::run::{Duo, Ending, Typing, drive, drive_one, wait_for};
use super::verdict::{Case, Checks};
use super::{DEADLINE, Env, Flow};
use crate::Proc;

/// A real desktop on `127.0.0.1` (no middle) and the case's folders.
pub struct Desk {
    pub dir: tempfile::TempDir,
    pub desk_root: PathBuf,
    pub scan_root: PathBuf,
    pub desktop: Proc,
    pub text: String,
}

impl Desk {
    /// Starts `certbridge send` or `receive` and waits for its invite;
    /// `None` (a problem in `checks`) when it shows none.
    pub fn start(env: &Env, flow: Flow, transport: Transport, relay: Option<&str>, checks: &mut Checks) -> Option<Self> {
        let dir = tempfile::tempdir().ok()?;
        let (desk_root, scan_root) = (dir.path().join("desktop/NPKI"), dir.path().join("scanner/NPKI"));
        let args = desktop_args(env, flow, transport, &desk_root, relay, None);
        let mut desktop = Proc::start("desktop", &strs(&args), &[]);
        let Some(invite) = wait_for(&mut desktop, "invite", Duration::from_secs(30)) else {
            checks.fail(format!("the desktop showed no invite: {}", desktop.stderr()));
            return None;
        };
        let text = invite["text"].as_str().unwrap_or_default().to_owned();
        Some(Self { dir, desk_root, scan_root, desktop, text })
    }

    /// The real scanner for `text` (in the host's namespace), installing
    /// into `root` when the desktop sends.
    pub fn scanner(&self, env: &Env, flow: Flow, transport: Transport, text: &str, root: &std::path::Path) -> Proc {
        Proc::start("scanner", &strs(&scanner_args(env, flow, transport, text, root, None)), &[])
    }

    /// The common verdict of a session whose two endings are `duo`.
    pub fn judge(&self, env: &Env, flow: Flow, duo: &Duo, allowed: (&[&str], &[&str]), checks: &mut Checks) {
        checks.ending(&duo.desktop, allowed.0);
        checks.ending(&duo.scanner, allowed.1);
        checks.no_temp_folders(self.dir.path());
        let (root, installer) = match flow {
            Flow::Export => (&self.scan_root, &duo.scanner),
            Flow::Import => (&self.desk_root, &duo.desktop),
        };
        checks.install(root, &env.vector, installer, duo.typed_the_number);
        checks.listed(root, checks.installed);
    }
}

pub fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// The vector's two files, as a sending peer would put them in a bundle.
pub fn vector_files(env: &Env) -> Vec<(String, Vec<u8>)> {
    ["signCert.der", "signPri.key"]
        .iter()
        .filter_map(|n| std::fs::read(env.vector.join(n)).ok().map(|b| ((*n).to_owned(), b)))
        .collect()
}

/// A message's kind, as the suite reports what a hostile peer received.
pub fn kind(m: &Message) -> &'static str {
    match m {
        Message::Confirmed => "confirmed",
        Message::Bundle { .. } => "bundle",
        Message::Receipt { .. } => "receipt",
        Message::Abort { .. } => "abort",
    }
}

fn outcomes(duo: &Duo) -> (String, String) {
    (duo.desktop.outcome(), duo.scanner.outcome())
}

/// An attacker who saw the QR code completes the handshake before the
/// real scanner; in import mode it sends a bundle at once, unconfirmed.
/// The person types nothing (their phone shows no number): nothing moves
/// either way, and the real scanner is turned away.
fn attacker_first(env: &Env, flow: Flow, checks: &mut Checks) -> (String, String) {
    let Some(mut desk) = Desk::start(env, flow, Transport::Lan, None, checks) else { return ("?".into(), "?".into()) };
    let Ok(invite) = Invite::parse_ignoring_expiry(&desk.text) else {
        checks.fail("the desktop's invite does not parse");
        return ("?".into(), "?".into());
    };
    let files = vector_files(env);
    let attacker = env.rt.spawn(async move {
        let (mut channel, _number) = scanner_handshake(&invite, &Hello::new("Galaxy S24", "android")).await?;
        if flow == Flow::Import {
            let named: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
            let _ = channel.send(&bundle_of(&named)).await;
        }
        let got = tokio::time::timeout(Duration::from_secs(20), channel.recv()).await;
        Ok::<_, String>(got.ok().and_then(Result::ok).map(|m| kind(&m)))
    });
    if wait_for(&mut desk.desktop, "connected", Duration::from_secs(15)).is_none() {
        checks.fail("the attacker's handshake did not reach the desktop");
    }
    let mut scanner = desk.scanner(env, flow, Transport::Lan, &desk.text.clone(), &desk.scan_root.clone());
    let duo = drive(&mut desk.desktop, &mut scanner, Typing::TheNumber, DEADLINE);
    match env.rt.block_on(attacker) {
        Ok(Ok(Some("bundle"))) => checks.fail("the attacker received the certificates"),
        Ok(Ok(_)) => {}
        Ok(Err(e)) => checks.fail(format!("the attacker's handshake failed: {e}")),
        Err(e) => checks.fail(format!("the attacker panicked: {e}")),
    }
    if scanner_saw_number(&duo.scanner) {
        checks.fail("the real scanner got through although the invite was claimed");
    }
    desk.judge(env, flow, &duo, (&[], &["refused", "unreachable", "handshake", "disconnected", "timeout"]), checks);
    outcomes(&duo)
}

fn scanner_saw_number(e: &Ending) -> bool {
    e.saw("verification_code")
}

/// A complete session, then a second scanner with the same invite: it is
/// turned away and installs nothing; the first install stays as it was.
fn reused(env: &Env, flow: Flow, checks: &mut Checks) -> (String, String) {
    let Some(mut desk) = Desk::start(env, flow, Transport::Lan, None, checks) else { return ("?".into(), "?".into()) };
    let mut first = desk.scanner(env, flow, Transport::Lan, &desk.text.clone(), &desk.scan_root.clone());
    let duo = drive(&mut desk.desktop, &mut first, Typing::TheNumber, DEADLINE);
    desk.judge(env, flow, &duo, (&["done"], &["done"]), checks);
    let installed = checks.installed;
    let again_root = desk.dir.path().join("again/NPKI");
    let mut again = desk.scanner(env, flow, Transport::Lan, &desk.text.clone(), &again_root);
    let second = drive_one(&mut again, None, DEADLINE);
    checks.ending(&second, &["unreachable", "refused", "expired"]);
    if !crate::tree(&again_root).is_empty() {
        checks.fail("the reused invite installed something");
    }
    checks.no_temp_folders(desk.dir.path());
    checks.installed = installed;
    (duo.desktop.outcome(), format!("{}+{}", duo.scanner.outcome(), second.outcome()))
}

/// The desktop's invite expires with nobody there; a scanner that comes
/// later is refused before it dials.
fn expired(env: &Env, flow: Flow, checks: &mut Checks) -> (String, String) {
    let Some(mut desk) = Desk::start(env, flow, Transport::Lan, None, checks) else { return ("?".into(), "?".into()) };
    let desktop = drive_one(&mut desk.desktop, None, DEADLINE);
    let mut scanner = desk.scanner(env, flow, Transport::Lan, &desk.text.clone(), &desk.scan_root.clone());
    let scanner = drive_one(&mut scanner, None, DEADLINE);
    let duo = Duo { desktop, scanner, typed_the_number: false };
    desk.judge(env, flow, &duo, (&["expired", "timeout"], &["expired"]), checks);
    outcomes(&duo)
}

/// The text form of `cbor` (docs/PROTOCOL.md, "Text form"), written here
/// independently of the core so the suite can make invites the core would
/// never write.
pub fn text_of(cbor: &[u8]) -> String {
    const WIDTH: [usize; 8] = [0, 3, 5, 8, 10, 13, 15, 17];
    let mut digits = String::new();
    for chunk in cbor.chunks(7) {
        let value = chunk.iter().rev().fold(0u64, |v, b| (v << 8) | u64::from(*b));
        digits.push_str(&format!("{value:0width$}", width = WIDTH[chunk.len()]));
    }
    let mod97 = |s: &str| s.bytes().fold(0u32, |r, c| (r * 10 + u32::from(c - b'0')) % 97);
    let check = 98 - mod97(&format!("{digits}00"));
    format!("CERTBRIDGE:/{check:02}{digits}")
}

/// The desktop's own invite with protocol version 2: the scanner says to
/// update and never dials; the desktop's invite expires unused.
fn unknown_version(env: &Env, flow: Flow, checks: &mut Checks) -> (String, String) {
    let Some(mut desk) = Desk::start(env, flow, Transport::Lan, None, checks) else { return ("?".into(), "?".into()) };
    let Ok(invite) = Invite::parse_ignoring_expiry(&desk.text) else {
        checks.fail("the desktop's invite does not parse");
        return ("?".into(), "?".into());
    };
    if text_of(invite.cbor()) != desk.text {
        checks.fail("the suite's text encoder disagrees with the desktop's");
    }
    let mut cbor = invite.cbor().to_vec();
    // A map, then key 0 (the version) = 1.
    if cbor.get(1..3) != Some(&[0x00, 0x01][..]) {
        checks.fail(format!("the invite does not start with version 1: {:02x?}", cbor.get(..3)));
        return ("?".into(), "?".into());
    }
    cbor[2] = 0x02;
    let mut scanner = desk.scanner(env, flow, Transport::Lan, &text_of(&cbor), &desk.scan_root.clone());
    let duo = drive(&mut desk.desktop, &mut scanner, Typing::TheNumber, DEADLINE);
    if duo.desktop.saw("connected") {
        checks.fail("a scanner dialled with an invite of an unknown version");
    }
    let says_update = |m: &str| m.to_lowercase().contains("update");
    if !says_update(&duo.scanner.stderr) && !duo.scanner.events.iter().any(|e| e["message"].as_str().is_some_and(says_update)) {
        checks.fail("the scanner did not say to update");
    }
    desk.judge(env, flow, &duo, (&["expired", "timeout"], &["invalid_invite"]), checks);
    outcomes(&duo)
}

/// Connections that say nothing, and connections that dribble a byte now
/// and then, from 100 loopback addresses, then the real scanner, which
/// must still get through and finish.
fn flooded(env: &Env, flow: Flow, silent: u32, slow: u32, checks: &mut Checks) -> (String, String) {
    let Some(mut desk) = Desk::start(env, flow, Transport::Lan, None, checks) else { return ("?".into(), "?".into()) };
    let Ok(invite) = Invite::parse_ignoring_expiry(&desk.text) else {
        checks.fail("the desktop's invite does not parse");
        return ("?".into(), "?".into());
    };
    let addr = invite.lan_endpoints()[0];
    let flood = env.rt.spawn(flood(addr, silent, slow));
    // Let the flood arrive first.
    std::thread::sleep(Duration::from_secs(2));
    let mut scanner = desk.scanner(env, flow, Transport::Lan, &desk.text.clone(), &desk.scan_root.clone());
    let duo = drive(&mut desk.desktop, &mut scanner, Typing::TheNumber, DEADLINE);
    flood.abort();
    desk.judge(env, flow, &duo, (&["done"], &["done"]), checks);
    outcomes(&duo)
}

/// Opens the silent and the slow connections and keeps them until aborted.
async fn flood(addr: SocketAddr, silent: u32, slow: u32) {
    let mut held = Vec::new();
    for i in 0..silent + slow {
        let Ok(socket) = tokio::net::TcpSocket::new_v4() else { continue };
        if socket.bind(SocketAddr::from(([127, 0, 0, 2 + (i % 100) as u8], 0))).is_err() {
            continue;
        }
        if let Ok(mut stream) = socket.connect(addr).await {
            if i >= silent {
                let _ = stream.write_all(&[0x00, 0x60]).await;
            }
            held.push(stream);
        }
    }
    // The slow ones announce a handshake message and send it a byte every
    // half second.
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    loop {
        tick.tick().await;
        for stream in held.iter_mut().skip(silent as usize) {
            let _ = stream.write_all(&[0x00]).await;
        }
    }
}

/// Every case of this module (all of them in both modes; the brief run
/// keeps one mode of the slower ones).
pub fn cases(env: &Arc<Env>, full: bool) -> Vec<Case> {
    let mut out = Vec::new();
    for flow in Flow::BOTH {
        let e = Arc::clone(env);
        out.push(Case::new("invite", format!("{} attacker-who-saw-the-QR-first", flow.name()), move |c| attacker_first(&e, flow, c)));
        let e = Arc::clone(env);
        out.push(Case::new("invite", format!("{} unknown-version", flow.name()), move |c| unknown_version(&e, flow, c)));
        if full || flow == Flow::Export {
            let e = Arc::clone(env);
            out.push(Case::new("invite", format!("{} reused", flow.name()), move |c| reused(&e, flow, c)));
            let e = Arc::clone(env);
            out.push(Case::new("invite", format!("{} expired", flow.name()), move |c| expired(&e, flow, c)));
        }
        if full || flow == Flow::Import {
            let e = Arc::clone(env);
            let (silent, slow) = if full { (400, 40) } else { (200, 20) };
            out.push(Case::new("flood", format!("{} {silent}-silent-{slow}-slow", flow.name()), move |c| flooded(&e, flow, silent, slow, c)));
        }
    }
    out
}
