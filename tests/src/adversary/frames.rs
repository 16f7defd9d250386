//! One whole session of the real programs with a hostile middle: on the
//! LAN through [`super::lan::FrameProxy`] (the scanner in the namespace),
//! or through [`super::relay::HostileRelay`] (both sides `--no-lan` /
//! relay only). The same verdict follows either way.

use std::path::{Path, PathBuf};

use super::lan::{FrameProxy, listen_in};
use super::ops::{Plan, Recording};
use super::relay::{Behaviour, HostileRelay};
use super::run::{Duo, Typing, drive};
use super::verdict::Checks;
use super::{DEADLINE, Env, Flow};
use crate::Proc;

/// Which way the two programs reach each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Lan,
    Relay,
}

impl Transport {
    pub fn name(self) -> &'static str {
        match self {
            Transport::Lan => "lan",
            Transport::Relay => "relay",
        }
    }
}

/// How long the desktop's invite lives (`--timeout`): a desktop whose
/// scanner never got through ends when it expires.
pub const INVITE_SECS: &str = "10";

/// What the sending side sends: `moved` (a copy of the vector, sent with
/// `--move`), or the shared vector itself, copied.
fn sent_args(env: &Env, moved: Option<&Path>) -> Vec<String> {
    match moved {
        Some(copy) => vec![path(copy), "--allow-expired".into(), "--move".into()],
        None => vec![env.vector_str().into(), "--allow-expired".into()],
    }
}

/// The desktop's command line for `flow`, installing into `root` on import
/// and sending `moved` (see [`sent_args`]) on export.
pub fn desktop_args(env: &Env, flow: Flow, transport: Transport, root: &Path, relay: Option<&str>, moved: Option<&Path>) -> Vec<String> {
    let mut args: Vec<String> = match flow {
        Flow::Export => [vec!["send".into()], sent_args(env, moved)].concat(),
        Flow::Import => vec!["receive".into(), "--install-root".into(), path(root)],
    };
    args.extend(["--json", "--no-code", "--idle", "10", "--timeout", INVITE_SECS].map(String::from));
    match (transport, relay) {
        (Transport::Relay, Some(url)) => args.extend(["--no-lan".into(), "--relay".into(), url.to_owned()]),
        _ => args.extend(["--listen".into(), "127.0.0.1".into()]),
    }
    args
}

/// The scanner's command line for `flow` and the invite `text`, sending
/// `moved` (see [`sent_args`]) on import.
pub fn scanner_args(env: &Env, flow: Flow, transport: Transport, text: &str, root: &Path, moved: Option<&Path>) -> Vec<String> {
    let mut args = vec!["scan".into(), text.to_owned(), "--json".into(), "--idle".into(), "10".into()];
    match flow {
        Flow::Export => args.extend(["--install-root".into(), path(root)]),
        Flow::Import => {
            args.push("--cert".into());
            args.extend(sent_args(env, moved));
            args.push("--yes".into());
        }
    }
    args.push(match transport {
        Transport::Lan => "--no-relay".into(),
        Transport::Relay => "--no-lan".into(),
    });
    args
}

/// The vector's two files copied into `folder` (made).
fn copy_vector(vector: &Path, folder: &Path) {
    std::fs::create_dir_all(folder).expect("the source folder");
    for file in ["signCert.der", "signPri.key"] {
        std::fs::copy(vector.join(file), folder.join(file)).expect("a copy of the vector");
    }
}

fn path(p: &Path) -> String {
    p.to_str().expect("UTF-8 paths").to_owned()
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// What a session left: both endings, what the middle saw, the invite.
pub struct Session {
    pub duo: Duo,
    pub recording: Recording,
    pub invite: String,
    /// The case's folder (the install roots are inside); removed on drop.
    pub dir: tempfile::TempDir,
    pub installer_root: PathBuf,
}

/// Runs one session with `plan` applied in the middle (none: a clean
/// pass-through), the right number typed whenever the desktop asks. Fills
/// `checks` with the common verdict, `allowed` outcomes per side.
pub fn session(
    env: &Env,
    flow: Flow,
    transport: Transport,
    plan: Option<Plan>,
    allowed: (&[&str], &[&str]),
    checks: &mut Checks,
) -> Option<Session> {
    let dir = tempfile::tempdir().unwrap();
    let (desk_root, scan_root) = (dir.path().join("desktop/NPKI"), dir.path().join("scanner/NPKI"));
    let relay = (transport == Transport::Relay).then(|| HostileRelay::start(env.rt.handle(), Behaviour::Forward(plan.clone())));
    let url = relay.as_ref().map(HostileRelay::url);
    // The sending side moves a copy of the vector of the case's own.
    let source = dir.path().join("source/yessign/USER/cn=test");
    copy_vector(&env.vector, &source);
    let args = desktop_args(env, flow, transport, &desk_root, url.as_deref(), Some(&source));
    let mut desktop = Proc::start("desktop", &strs(&args), &[]);
    let Some(invite) = super::run::wait_for(&mut desktop, "invite", std::time::Duration::from_secs(30)) else {
        checks.fail(format!("the desktop showed no invite: {}", desktop.stderr()));
        return None;
    };
    let text = invite["text"].as_str().unwrap_or_default().to_owned();
    let args = scanner_args(env, flow, transport, &text, &scan_root, Some(&source));
    let (mut scanner, proxy) = match transport {
        Transport::Lan => {
            let port = certbridge_core::Invite::parse_ignoring_expiry(&text).ok()?.lan_endpoints()[0].port();
            let listener = listen_in(env.ns(), port).expect("a listener in the namespace");
            let upstream = ([127, 0, 0, 1], port).into();
            let proxy = FrameProxy::start(env.rt.handle(), listener, upstream, plan, false);
            (Proc::start_in(env.ns(), "scanner", &strs(&args), &[]), Some(proxy))
        }
        Transport::Relay => (Proc::start("scanner", &strs(&args), &[]), None),
    };
    let duo = drive(&mut desktop, &mut scanner, Typing::TheNumber, DEADLINE);
    let recording = match (&proxy, &relay) {
        (Some(p), _) => p.recording(),
        (_, Some(r)) => r.recording(),
        _ => Recording::default(),
    };
    checks.ending(&duo.desktop, allowed.0);
    checks.ending(&duo.scanner, allowed.1);
    checks.no_temp_folders(dir.path());
    let (installer_root, installer) = match flow {
        Flow::Export => (scan_root, &duo.scanner),
        Flow::Import => (desk_root, &duo.desktop),
    };
    checks.install(&installer_root, &env.vector, installer, duo.typed_the_number);
    checks.listed(&installer_root, checks.installed);
    let sender = match flow {
        Flow::Export => &duo.desktop,
        Flow::Import => &duo.scanner,
    };
    checks.moved(&source, &env.vector, sender);
    Some(Session { duo, recording, invite: text, dir, installer_root })
}
