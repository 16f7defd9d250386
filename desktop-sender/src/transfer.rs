//! `send`, `receive` and `scan`: start a session, show its events, pass the
//! user's answers back. The session itself is the core's; this file only
//! decides how it looks on a terminal.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use certbridge_core::npki::{self, NpkiStore};
use certbridge_core::{
    CertificateStore, Event, Events, GuestConfig, Hello, HostConfig, Invite, ItemStatus, Mode,
    Outcome, Progress, SessionError, SessionHandle, start_guest, start_host,
};
use serde_json::json;

use crate::cli::{HostArgs, ReceiveArgs, ScanArgs, SendArgs};
use crate::lines::Lines;
use crate::output::Output;
use crate::{Failure, atomic, qr_image};

/// Who we are to the other device.
fn hello(name: Option<&str>) -> Hello {
    let name = name.map(str::to_owned).unwrap_or_else(host_name);
    Hello::new(&name, std::env::consts::OS)
}

fn host_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "CertBridge desktop".to_owned())
}

pub(crate) fn install_root(chosen: Option<PathBuf>) -> Result<PathBuf, Failure> {
    chosen.or_else(npki::default_root).ok_or_else(|| {
        Failure::new(
            "store",
            "cannot tell where the NPKI folder is; pass --install-root DIR",
        )
    })
}

/// Refuses expired certificates (unless allowed) and warns about ones that
/// expire soon, before any code is shown.
fn check_validity(dirs: &[PathBuf], allow_expired: bool, out: Output) -> Result<(), Failure> {
    for dir in dirs {
        let summary = npki::inspect(dir, SystemTime::now())
            .map_err(|e| Failure::new("store", e.to_string()))?;
        match summary.status.as_str() {
            "expired" if !allow_expired => {
                return Err(Failure::new(
                    "expired_certificate",
                    format!(
                        "the certificate in {} ({}) expired on {}; banks will not accept it. Renew it, or pass --allow-expired to move it anyway",
                        dir.display(),
                        summary.subject_cn,
                        summary.not_after
                    ),
                ));
            }
            "expired" => out.warn(format!(
                "{} expired on {}",
                summary.subject_cn, summary.not_after
            )),
            "expiring" => out.warn(format!(
                "{} expires in {} days; renew it soon",
                summary.subject_cn, summary.days_left
            )),
            _ => {}
        }
    }
    Ok(())
}

fn host_config(mode: Mode, args: &HostArgs) -> HostConfig {
    let mut config = HostConfig::new(mode, hello(args.name.as_deref()));
    config.listen = args.listen.clone();
    config.invite_lifetime = Duration::from_secs(args.timeout);
    config.relay_url = args.relay.clone().filter(|_| !args.no_relay);
    config.use_lan = !args.no_lan;
    config
}

/// `certbridge send`.
pub(crate) async fn send(args: SendArgs) -> Result<(), Failure> {
    let out = Output::new(args.host.json);
    check_validity(&args.cert_dirs, args.allow_expired, out)?;
    if args.check_password {
        for dir in &args.cert_dirs {
            let password = crate::certs::read_password(
                false,
                &format!("Password for {} (인증서 암호): ", dir.display()),
            )?;
            crate::certs::verify_password(dir, &password)?;
        }
    }
    let store = NpkiStore::sender(args.cert_dirs.clone());
    let config = host_config(Mode::DesktopSends, &args.host);
    let (handle, events) = start_host(config, Arc::new(store));
    let view = View {
        out,
        qr_png: args.host.qr_png,
        sources: args.cert_dirs,
    };
    view.run(handle, events).await
}

/// `certbridge receive`.
pub(crate) async fn receive(args: ReceiveArgs) -> Result<(), Failure> {
    let out = Output::new(args.host.json);
    let root = install_root(args.install_root)?;
    let store = NpkiStore::receiver(root, args.replace);
    let config = host_config(Mode::DesktopReceives, &args.host);
    let (handle, events) = start_host(config, Arc::new(store));
    let view = View {
        out,
        qr_png: args.host.qr_png,
        sources: Vec::new(),
    };
    view.run(handle, events).await
}

/// `certbridge scan`.
pub(crate) async fn scan(args: ScanArgs) -> Result<(), Failure> {
    let out = Output::new(args.json);
    let text = match (&args.invite, &args.qr_image) {
        (Some(text), _) => text.trim().to_owned(),
        (None, Some(image)) => qr_image::decode(image)?,
        (None, None) => return Err(Failure::usage("give the code's text or --qr-image FILE")),
    };
    let invite = Invite::parse(&text, SystemTime::now()).map_err(|e| {
        let e = SessionError::from(e);
        Failure::new(e.kind().as_str(), e.to_string())
    })?;
    let store: Arc<dyn CertificateStore> = if invite.mode().scanner_sends() {
        if args.certs.is_empty() {
            return Err(Failure::usage(
                "this code is for sending certificates to the desktop: name them with --cert CERT_DIR",
            ));
        }
        check_validity(&args.certs, args.allow_expired, out)?;
        Arc::new(NpkiStore::sender(args.certs.clone()))
    } else {
        Arc::new(NpkiStore::receiver(
            install_root(args.install_root)?,
            args.replace,
        ))
    };
    let mut config = GuestConfig::new(hello(args.name.as_deref()));
    if args.yes {
        config.consent = Some(true);
    }
    config.use_lan = !args.no_lan;
    config.use_relay = !args.no_relay;
    let (handle, events) = start_guest(invite, config, store);
    let view = View {
        out,
        qr_png: None,
        sources: args.certs,
    };
    view.run(handle, events).await
}

/// Shows one session's events.
struct View {
    out: Output,
    qr_png: Option<PathBuf>,
    /// The folders being sent, in order, to name them in the result.
    sources: Vec<PathBuf>,
}

/// What the view is waiting for the user to type.
enum Asking {
    Nothing,
    Code,
    Consent,
}

impl View {
    async fn run(self, handle: SessionHandle, mut events: Events) -> Result<(), Failure> {
        let mut lines = Lines::new();
        let mut asking = Asking::Nothing;
        let mut peer_name = String::new();
        let mut path_text = String::new();
        loop {
            let event = tokio::select! {
                event = events.recv() => event,
                line = lines.next(), if !matches!(asking, Asking::Nothing) => {
                    self.answer(&handle, &mut asking, line);
                    continue;
                }
            };
            let Some(event) = event else {
                return Err(Failure::new(
                    "internal",
                    "the session ended without a result",
                ));
            };
            match event {
                Event::InviteReady { invite } => self.show_invite(&invite)?,
                Event::Connecting => self.out.say("Connecting to the desktop…"),
                Event::PeerConnected { peer, path } => {
                    peer_name = peer.name.clone();
                    path_text = path.to_string();
                    self.out.event(
                        json!({"event": "connected", "peer": peer.name, "path": path.kind()}),
                    );
                    self.out
                        .say(format!("Connected to “{}” over {}.", peer.name, path));
                }
                Event::VerificationCode { code } => {
                    self.out
                        .event(json!({"event": "verification_code", "code": code.digits()}));
                    self.out.say(format!(
                        "\nVerification number:  {}\nType this number on the other device.\n",
                        code.grouped()
                    ));
                }
                Event::EnterCode { attempts_left } => {
                    self.out
                        .event(json!({"event": "enter_code", "attempts_left": attempts_left}));
                    self.out.ask("Enter the number shown on the other device: ");
                    asking = Asking::Code;
                }
                Event::CodeRejected { attempts_left } => {
                    self.out
                        .event(json!({"event": "code_rejected", "attempts_left": attempts_left}));
                    let tries = if attempts_left == 1 { "try" } else { "tries" };
                    self.out.say(format!(
                        "That number is not the one shown. {attempts_left} {tries} left."
                    ));
                }
                Event::CodeMalformed => {
                    self.out.event(json!({"event": "code_malformed"}));
                    self.out.say("Type the 6 digits shown on the other device.");
                }
                Event::ConsentRequired { items } => {
                    self.out
                        .event(json!({"event": "consent_required", "items": items}));
                    self.out.ask(format!(
                        "Send {} to “{peer_name}” over {path_text}? Only say yes if that is your computer. [y/N] ",
                        plural(items.len(), "certificate")
                    ));
                    asking = Asking::Consent;
                }
                Event::WaitingForPeer => self.out.say("Waiting for the other device…"),
                Event::Progress(progress) => self.show_progress(&progress),
                Event::Done(outcome) => return self.show_outcome(&outcome),
                Event::Failed(e) => return Err(Failure::new(e.kind().as_str(), e.to_string())),
                _ => {}
            }
        }
    }

    fn answer(&self, handle: &SessionHandle, asking: &mut Asking, line: Option<String>) {
        let Some(line) = line else {
            // End of input: nobody can answer any more.
            handle.cancel();
            *asking = Asking::Nothing;
            return;
        };
        match asking {
            Asking::Code => handle.submit_code(&line),
            Asking::Consent => {
                let yes = matches!(
                    line.trim().to_lowercase().as_str(),
                    "y" | "yes" | "예" | "네"
                );
                handle.set_consent(yes);
            }
            Asking::Nothing => {}
        }
        *asking = Asking::Nothing;
    }

    fn show_invite(&self, invite: &Invite) -> Result<(), Failure> {
        let text = invite.to_text();
        let qr = invite
            .to_qr()
            .map_err(|e| Failure::new("invite", e.to_string()))?;
        if let Some(path) = &self.qr_png {
            let png = qr
                .to_png(8)
                .map_err(|e| Failure::new("invite", e.to_string()))?;
            atomic::write_file(path, &png, true).map_err(|e| {
                Failure::new(
                    "io",
                    format!("could not write the QR code to {}: {e}", path.display()),
                )
            })?;
        }
        let expires = rfc3339(invite.expires_at());
        self.out.event(json!({
            "event": "invite",
            "text": text,
            "qr_version": qr.version(),
            "expires_at": expires,
            "mode": if invite.mode().scanner_sends() { "receive" } else { "send" },
        }));
        if !self.out.is_json() {
            let what = if invite.mode().scanner_sends() {
                "to send certificates to this computer"
            } else {
                "to receive certificates from this computer"
            };
            self.out.say(format!(
                "Scan this code with CertBridge on your phone {what}:\n"
            ));
            self.out.say(qr.to_terminal(true));
            self.out.say(format!(
                "Or type this code into `certbridge scan` on another computer:\n{text}\n"
            ));
            self.out.say(format!(
                "The code is valid until {expires}. Waiting for the other device…"
            ));
        }
        Ok(())
    }

    fn show_progress(&self, progress: &Progress) {
        match progress {
            Progress::Sending { items, bytes } => {
                self.out.event(json!({"event": "progress", "stage": "sending", "items": items, "bytes": bytes}));
                self.out.say(format!(
                    "Sending {} ({bytes} bytes)…",
                    plural(*items, "certificate")
                ));
            }
            Progress::Received { items, bytes } => {
                self.out.event(json!({"event": "progress", "stage": "received", "items": items, "bytes": bytes}));
                self.out.say(format!(
                    "Received {} ({bytes} bytes); installing…",
                    plural(*items, "certificate")
                ));
            }
            _ => {}
        }
    }

    fn show_outcome(&self, outcome: &Outcome) -> Result<(), Failure> {
        let mut items = Vec::new();
        for (i, item) in outcome.items.iter().enumerate() {
            let folder = item
                .location
                .clone()
                .or_else(|| self.sources.get(i).map(|p| p.display().to_string()))
                .or_else(|| item.label.clone())
                .unwrap_or_default();
            let sha256: serde_json::Map<String, serde_json::Value> = item
                .sha256
                .iter()
                .map(|(n, d)| (n.clone(), json!(hex::encode(d))))
                .collect();
            let mut entry =
                json!({"folder": folder, "status": item.status.as_str(), "sha256": sha256});
            if let Some(reason) = &item.reason {
                entry["reason"] = json!(reason);
            }
            items.push(entry);
            let line = match (item.status, outcome.sent) {
                (ItemStatus::Installed, true) => {
                    format!("✔ sent and installed on “{}”: {folder}", outcome.peer.name)
                }
                (ItemStatus::Installed, false) => format!("✔ installed: {folder}"),
                (ItemStatus::Duplicate, _) => format!("✔ already there, unchanged: {folder}"),
                (ItemStatus::Rejected, _) => format!(
                    "✘ not installed: {folder}: {}",
                    item.reason.as_deref().unwrap_or("refused")
                ),
            };
            self.out.say(line);
        }
        self.out
            .event(json!({"event": "done", "path": outcome.path.kind(), "items": items}));
        let rejected = outcome
            .items
            .iter()
            .filter(|i| i.status == ItemStatus::Rejected)
            .count();
        if rejected > 0 {
            return Err(Failure::new(
                "rejected",
                format!(
                    "{} of {} could not be installed",
                    rejected,
                    plural(outcome.items.len(), "certificate")
                ),
            ));
        }
        self.out.say("Done.");
        Ok(())
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn rfc3339(unix: u64) -> String {
    let t = UNIX_EPOCH + Duration::from_secs(unix);
    time::OffsetDateTime::from(t)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| unix.to_string())
}

