//! `send`, `receive` and `scan`: start a session, show its events, pass the
//! user's answers back. The session itself is the core's; this file only
//! decides how it looks on a terminal.
//!
//! The screen is laid out for an 80×24 terminal: the long text code first
//! (it scrolls away; it is for another computer), then the QR code with one
//! line of instructions above and the expiry below, so that the code, what
//! to do with it and until when all stay in view.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use certbridge_core::code::ShortCode;
use certbridge_core::npki::{self, NpkiStore, Status};
use certbridge_core::{
    CertificateStore, Event, Events, GuestConfig, Hello, HostConfig, Invite, ItemReport, ItemStatus, Mode, Outcome,
    Progress, SessionHandle, start_guest, start_host,
};
use certbridge_i18n::explain::{self, link_path};
use certbridge_i18n::{Msg, when};
use serde_json::json;

use crate::certs::{local_date, summary_of};
use crate::cli::{HostArgs, ReceiveArgs, ScanArgs, SendArgs};
use crate::lines::Lines;
use crate::output::Output;
use crate::{Failure, atomic, choose, qr_image};

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

/// Where received certificates go: `--install-root` for NPKI ones, with
/// GPKI and EPKI ones beside it; otherwise the system's usual places.
pub(crate) fn install_roots(chosen: Option<PathBuf>) -> Result<npki::InstallRoots, Failure> {
    match chosen {
        Some(dir) => Ok(npki::InstallRoots::beside(dir)),
        None => npki::InstallRoots::for_env(&npki::Env::current())
            .ok_or_else(|| Failure::usage(Msg::new("err-not-a-folder").arg("path", "NPKI"))),
    }
}

/// Reads every folder to send and refuses expired certificates (unless
/// allowed), warning about ones that expire soon, before any code is shown.
fn check_outgoing(dirs: &[PathBuf], allow_expired: bool, out: Output) -> Result<(), Failure> {
    for dir in dirs {
        let summary = summary_of(dir)?;
        let name = summary.holder.as_str();
        match summary.status {
            Status::Expired if !allow_expired => {
                let msg = Msg::new("err-expired-certificate").arg("name", name).arg("date", local_date(&summary.not_after));
                return Err(Failure::new("expired_certificate", msg));
            }
            Status::Expired => {
                out.warn(&Msg::new("warn-expired-certificate").arg("name", name).arg("date", local_date(&summary.not_after)))
            }
            Status::Expiring => {
                out.warn(&Msg::new("warn-expiring-certificate").arg("name", name).arg("days", summary.days_left))
            }
            _ => {}
        }
    }
    Ok(())
}

fn host_config(mode: Mode, args: &HostArgs) -> HostConfig {
    let mut config = HostConfig::new(mode, hello(args.name.as_deref()));
    config.listen = args.listen.clone();
    config.invite_lifetime = Duration::from_secs(args.timeout);
    config.idle_timeout = Duration::from_secs(args.idle);
    config.relay_url = args.relay.clone().filter(|_| !args.no_relay);
    config.allow_insecure_relay = args.allow_insecure_relay;
    config.use_lan = !args.no_lan;
    config.offer_code = !args.no_code;
    config
}

/// `certbridge send`.
pub(crate) async fn send(args: SendArgs, out: Output) -> Result<(), Failure> {
    let dirs = choose::folders_to_send(&args.cert_dirs, out)?;
    check_outgoing(&dirs, args.allow_expired, out)?;
    if args.check_password {
        for dir in &dirs {
            let name = summary_of(dir)?.holder;
            let prompt = Msg::new("password-prompt-for").arg("name", name);
            let password = crate::certs::read_password(false, &prompt, out)?;
            crate::certs::verify_password(dir, &password)?;
        }
    }
    let store = NpkiStore::sender(dirs);
    let mut config = host_config(Mode::DesktopSends, &args.host);
    config.move_sent = args.move_sent;
    if args.move_sent {
        out.say(&Msg::new("move-notice"));
    }
    let (handle, events) = start_host(config, Arc::new(store));
    View::new(out, args.host.qr_png).run(handle, events).await
}

/// `certbridge receive`.
pub(crate) async fn receive(args: ReceiveArgs, out: Output) -> Result<(), Failure> {
    let roots = install_roots(args.install_root)?;
    let store = NpkiStore::receiver(roots, args.replace);
    let config = host_config(Mode::DesktopReceives, &args.host);
    let (handle, events) = start_host(config, Arc::new(store));
    View::new(out, args.host.qr_png).run(handle, events).await
}

/// `certbridge scan`.
pub(crate) async fn scan(args: ScanArgs, out: Output) -> Result<(), Failure> {
    let text = match (&args.invite, &args.qr_image) {
        (Some(text), _) => text.clone(),
        (None, Some(image)) => qr_image::decode(image)?,
        (None, None) => return Err(Failure::usage(Msg::new("err-invite-not-certbridge"))),
    };
    if ShortCode::looks_like(&text) {
        return scan_code(&text, args, out).await;
    }
    let invite = Invite::parse(&text, SystemTime::now())
        .map_err(|e| Failure::new(certbridge_core::SessionError::from(e.clone()).kind().as_str(), explain::invite_error(&e)).because(&e))?;
    let store: Arc<dyn CertificateStore> = if invite.mode().scanner_sends() {
        if args.certs.is_empty() {
            return Err(Failure::usage(Msg::new("err-nothing-to-send")));
        }
        let dirs = choose::folders_to_send(&args.certs, out)?;
        check_outgoing(&dirs, args.allow_expired, out)?;
        Arc::new(NpkiStore::sender(dirs))
    } else {
        Arc::new(NpkiStore::receiver(install_roots(args.install_root)?, args.replace))
    };
    let mut config = GuestConfig::new(hello(args.name.as_deref()));
    if args.yes {
        config.consent = Some(true);
    }
    config.use_lan = !args.no_lan;
    config.use_relay = !args.no_relay;
    config.allow_insecure_relay = args.allow_insecure_relay;
    config.idle_timeout = Duration::from_secs(args.idle);
    config.move_sent = args.move_sent;
    let (handle, events) = start_guest(invite, config, store);
    View::new(out, None).run(handle, events).await
}

/// `certbridge scan 123-456-789`: a typed code. Which way certificates
/// move is the desktop's to say, so the store can do both: send `--cert`
/// folders, install into the install root.
async fn scan_code(text: &str, args: ScanArgs, out: Output) -> Result<(), Failure> {
    let code = ShortCode::parse(text)
        .map_err(|e| Failure::new("invalid_invite", Msg::new("err-code-malformed")).because(e))?;
    let dirs = if args.certs.is_empty() { Vec::new() } else { choose::folders_to_send(&args.certs, out)? };
    check_outgoing(&dirs, args.allow_expired, out)?;
    let store = Arc::new(NpkiStore::either(dirs, install_roots(args.install_root.clone())?, args.replace));
    let mut config = GuestConfig::new(hello(args.name.as_deref()));
    if args.yes {
        config.consent = Some(true);
    }
    config.use_lan = !args.no_lan;
    config.use_relay = !args.no_relay;
    config.allow_insecure_relay = args.allow_insecure_relay;
    config.relay_url = args.relay.clone();
    config.idle_timeout = Duration::from_secs(args.idle);
    config.move_sent = args.move_sent;
    let (handle, events) = certbridge_core::start_guest_with_code(code, config, store);
    View::new(out, None).run(handle, events).await
}

/// What the view is waiting for the user to type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Asking {
    Nothing,
    Code,
    Consent,
}

/// Shows one session's events on the terminal (or as JSON).
struct View {
    out: Output,
    qr_png: Option<PathBuf>,
    asking: Asking,
    /// The other device, once connected.
    peer: Option<Hello>,
    path: Option<Msg>,
    /// The "never tell anyone" warning is shown once.
    warned: bool,
    /// Certificates on their way from this side, for the waiting line.
    sending: usize,
    /// The QR code was shown; later invites only bring new typed codes.
    shown: bool,
}

impl View {
    fn new(out: Output, qr_png: Option<PathBuf>) -> Self {
        Self { out, qr_png, asking: Asking::Nothing, peer: None, path: None, warned: false, sending: 0, shown: false }
    }

    async fn run(mut self, handle: SessionHandle, mut events: Events) -> Result<(), Failure> {
        let mut lines = Lines::new();
        let mut interrupted = false;
        loop {
            let event = tokio::select! {
                event = events.recv() => event,
                line = lines.next(), if self.asking != Asking::Nothing => {
                    self.answer(&handle, line);
                    continue;
                }
                _ = tokio::signal::ctrl_c() => {
                    if interrupted {
                        // A second Ctrl-C: the user wants out now.
                        return Err(Failure::new("cancelled", Msg::new("err-cancelled")));
                    }
                    interrupted = true;
                    // The session tells the other device, then ends with
                    // `Failed(Cancelled)`.
                    self.out.raw("");
                    handle.cancel();
                    continue;
                }
            };
            let Some(event) = event else {
                return Err(Failure::new("internal", Msg::new("err-internal")));
            };
            if let Some(result) = self.show(&handle, event)? {
                return result;
            }
        }
    }

    /// Shows one event; `Some` when the session is over.
    #[allow(clippy::too_many_lines)]
    fn show(&mut self, handle: &SessionHandle, event: Event) -> Result<Option<Result<(), Failure>>, Failure> {
        let out = self.out;
        match event {
            Event::InviteReady { invite, code } => {
                if self.shown {
                    self.show_new_code(&invite, code.as_ref());
                } else {
                    self.show_invite(&invite, code.as_ref())?;
                    self.shown = true;
                }
            }
            Event::Connecting => out.say(&Msg::new("connecting")),
            Event::PeerConnected { peer, path } => {
                out.event(json!({"event": "connected", "peer": peer.name, "path": path.kind()}));
                let shown = link_path(&path);
                out.say(&Msg::new("connected").arg("peer", peer.name.as_str()).arg("path", shown.clone()));
                self.peer = Some(peer);
                self.path = Some(shown);
            }
            Event::VerificationCode { code } => {
                out.event(json!({"event": "verification_code", "code": code.digits()}));
                out.raw("");
                out.say(&Msg::new("number-show").arg("number", code.grouped()));
                out.say(&Msg::new("number-type-it"));
                out.say(&Msg::new("number-never-share"));
                out.raw("");
            }
            Event::EnterCode { attempts_left } => {
                out.event(json!({"event": "enter_code", "attempts_left": attempts_left}));
                if !self.warned {
                    out.say(&Msg::new("number-never-share"));
                    self.warned = true;
                }
                let device = if self.peer.as_ref().is_some_and(Hello::is_phone) { "phone" } else { "computer" };
                out.ask(&Msg::new("enter-number").arg("device", device));
                self.asking = Asking::Code;
            }
            Event::CodeRejected { attempts_left } => {
                out.event(json!({"event": "code_rejected", "attempts_left": attempts_left}));
                out.say(&Msg::new("number-wrong").arg("left", attempts_left));
            }
            Event::CodeMalformed => {
                out.event(json!({"event": "code_malformed"}));
                out.say(&Msg::new("number-malformed"));
            }
            Event::ConsentRequired { items } => {
                out.event(json!({"event": "consent_required", "items": items}));
                let peer = self.peer.as_ref().map(|p| p.name.clone()).unwrap_or_default();
                let path = self.path.clone().unwrap_or_else(|| Msg::new("time-unknown"));
                out.say(&Msg::new("consent-intro").arg("peer", peer.as_str()).arg("path", path).arg("count", items.len()));
                for name in &items {
                    out.say(&Msg::new("consent-item").arg("name", name.as_str()));
                }
                out.ask(&Msg::new("consent-question").arg("peer", peer));
                self.asking = Asking::Consent;
            }
            Event::WaitingForPeer => {
                // Never printed into a question the user is answering.
                if self.asking == Asking::Nothing {
                    self.say_waiting();
                }
            }
            Event::Progress(progress) => self.show_progress(&progress),
            Event::Done(outcome) => return Ok(Some(self.show_outcome(&outcome))),
            Event::Failed(e) => {
                let _ = handle;
                let failure = Failure::new(e.kind().as_str(), explain::session_error(&e)).because(&e);
                return Ok(Some(Err(failure)));
            }
            _ => {}
        }
        Ok(None)
    }

    fn say_waiting(&self) {
        if self.sending > 0 {
            self.out.say(&Msg::new("waiting-for-receipt").arg("count", self.sending));
        }
    }

    fn answer(&mut self, handle: &SessionHandle, line: Option<String>) {
        let Some(line) = line else {
            // End of input: nobody can answer any more.
            handle.cancel();
            self.asking = Asking::Nothing;
            return;
        };
        match self.asking {
            Asking::Code => handle.submit_code(&line),
            Asking::Consent => {
                let yes = matches!(line.trim().to_lowercase().as_str(), "y" | "yes" | "예" | "네" | "ㅇ");
                handle.set_consent(yes);
            }
            Asking::Nothing => {}
        }
        self.asking = Asking::Nothing;
    }

    /// The `invite` event, with the typed code when there is one.
    fn invite_event(invite: &Invite, code: Option<&ShortCode>, qr_version: u8) -> serde_json::Value {
        let mut event = json!({
            "event": "invite",
            "text": invite.to_text(),
            "qr_version": qr_version,
            "expires_at": rfc3339(invite.expires_at()),
            "mode": if invite.mode().scanner_sends() { "receive" } else { "send" },
        });
        if let Some(code) = code {
            event["code"] = json!(code.grouped());
            event["code_spoken"] = json!(code.spoken());
        }
        event
    }

    /// A typed code was burned (a wrong try) or moved: the new one.
    fn show_new_code(&self, invite: &Invite, code: Option<&ShortCode>) {
        let version = invite.to_qr().map(|q| q.version()).unwrap_or_default();
        self.out.event(Self::invite_event(invite, code, version));
        if let Some(code) = code {
            self.out.say(&Msg::new("invite-code-renewed").arg("code", code.grouped()));
        }
    }

    fn show_invite(&self, invite: &Invite, code: Option<&ShortCode>) -> Result<(), Failure> {
        let out = self.out;
        let text = invite.to_text();
        let qr = invite.to_qr().map_err(|e| Failure::new("invite", Msg::new("err-internal")).because(e))?;
        if let Some(path) = &self.qr_png {
            let png = qr.to_png(8).map_err(|e| Failure::new("invite", Msg::new("err-internal")).because(e))?;
            atomic::write_file(path, &png, true).map_err(|e| Failure::io("err-write-file", path, &e))?;
        }
        out.event(Self::invite_event(invite, code, qr.version()));
        if out.is_json() {
            return Ok(());
        }
        let direction = if invite.mode().scanner_sends() { "invite-direction-receive" } else { "invite-direction-send" };
        out.say(&Msg::new(direction));
        out.say(&Msg::new("invite-text-intro"));
        out.raw(&text);
        if let Some(path) = &self.qr_png {
            out.say(&Msg::new("qr-written").arg("path", path.display().to_string()));
        }
        out.raw("");
        // From here on, 23 lines: what stays in view on an 80×24 terminal.
        out.say(&Msg::new(if code.is_some() { "invite-scan-or-type" } else { "invite-scan" }));
        out.raw(qr.to_terminal(out.color()).trim_end_matches('\n'));
        let until = when::date_time(i64::try_from(invite.expires_at()).unwrap_or(i64::MAX));
        match code {
            Some(code) => out.say(&Msg::new("invite-code-until").arg("code", code.grouped()).arg("until", until)),
            None => out.say(&Msg::new("invite-valid-until").arg("until", until)),
        }
        Ok(())
    }

    fn show_progress(&mut self, progress: &Progress) {
        let out = self.out;
        match progress {
            Progress::Sending { items, bytes } => {
                out.event(json!({"event": "progress", "stage": "sending", "items": items, "bytes": bytes}));
                out.say(&Msg::new("sending").arg("count", *items).arg("bytes", certbridge_i18n::thousands(*bytes as u64)));
                self.sending = *items;
            }
            Progress::Received { items, bytes } => {
                out.event(json!({"event": "progress", "stage": "received", "items": items, "bytes": bytes}));
                out.say(&Msg::new("received-installing").arg("count", *items));
            }
            _ => {}
        }
    }

    fn show_outcome(&self, outcome: &Outcome) -> Result<(), Failure> {
        let out = self.out;
        let mut items = Vec::new();
        for item in &outcome.items {
            items.push(item_json(item));
            out.say(&self.item_line(item, outcome));
            let name = item.label.clone().unwrap_or_default();
            match item.removed {
                Some(true) => out.say(&Msg::new("result-removed-here").arg("name", name)),
                Some(false) => out.warn(&Msg::new("result-not-removed").arg("name", name)),
                None => {}
            }
        }
        out.event(json!({"event": "done", "path": outcome.path.kind(), "items": items}));
        let rejected = outcome.items.iter().filter(|i| i.status == ItemStatus::Rejected).count();
        if rejected > 0 {
            let msg = Msg::new("some-rejected").arg("rejected", rejected).arg("total", outcome.items.len());
            return Err(Failure::new("rejected", msg));
        }
        let kept = outcome.items.iter().filter(|i| i.removed == Some(false)).count();
        if kept > 0 {
            return Err(Failure::new("not_removed", Msg::new("err-not-removed").arg("count", kept)));
        }
        out.say(&Msg::new("done"));
        Ok(())
    }

    /// One certificate's result, as its side can tell it.
    fn item_line(&self, item: &ItemReport, outcome: &Outcome) -> Msg {
        let name = item.label.clone().unwrap_or_default();
        let folder = item.location.clone().unwrap_or_default();
        let peer = outcome.peer.name.as_str();
        match (item.status, outcome.sent) {
            (ItemStatus::Installed, true) => Msg::new("result-sent-installed").arg("peer", peer).arg("name", name),
            (ItemStatus::Duplicate, true) => Msg::new("result-sent-duplicate").arg("peer", peer).arg("name", name),
            (ItemStatus::Rejected, true) => Msg::new("result-sent-rejected")
                .arg("peer", peer)
                .arg("name", name)
                .arg("reason", explain::remote_rejection(item.code, item.reason.as_deref())),
            (ItemStatus::Installed, false) => match &item.replaced {
                Some(backup) => Msg::new("result-replaced").arg("name", name).arg("folder", folder).arg("backup", backup.as_str()),
                None => Msg::new("result-installed").arg("name", name).arg("folder", folder),
            },
            (ItemStatus::Duplicate, false) => Msg::new("result-duplicate").arg("name", name).arg("folder", folder),
            (ItemStatus::Rejected, false) => {
                let reason = match item.code {
                    Some(certbridge_core::message::RejectCode::Conflict) => {
                        Msg::new("reject-conflict-local").arg("folder", folder)
                    }
                    _ => Msg::new("reject-invalid"),
                };
                Msg::new("result-rejected").arg("name", name).arg("reason", reason)
            }
        }
    }
}

fn item_json(item: &ItemReport) -> serde_json::Value {
    let sha256: serde_json::Map<String, serde_json::Value> =
        item.sha256.iter().map(|(n, d)| (n.clone(), json!(hex::encode(d)))).collect();
    let mut entry = json!({
        "name": item.label,
        "folder": item.location,
        "status": item.status.as_str(),
        "sha256": sha256,
    });
    if let Some(reason) = &item.reason {
        entry["reason"] = json!(reason);
    }
    if let Some(code) = item.code {
        entry["code"] = json!(code.as_str());
    }
    if let Some(backup) = &item.replaced {
        entry["replaced"] = json!(backup);
    }
    if let Some(removed) = item.removed {
        entry["removed"] = json!(removed);
    }
    entry
}

fn rfc3339(unix: u64) -> String {
    let t = UNIX_EPOCH + Duration::from_secs(unix);
    time::OffsetDateTime::from(t)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| unix.to_string())
}
