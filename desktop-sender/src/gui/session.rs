//! One transfer in the window: a core session ([`start_host`], or
//! [`Scanned::start`] for the scanning side: the very sessions the command
//! line runs), its events
//! turned into the phase the window shows, and the user's answers passed
//! back through its [`SessionHandle`]. Nothing of the protocol is decided
//! here.
//!
//! Events are forwarded from the session's channel by a small task that
//! also wakes the window, so the window repaints only when something
//! happened (or once a second while a time runs).

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use std::path::PathBuf;

use certbridge_core::code::ShortCode;
use certbridge_core::npki::InstallRoots;
use certbridge_core::{
    CertificateStore, ErrorKind, Event, Events, GuestConfig, Hello, HostConfig, Outcome, Path as LinkPath, Progress, SessionHandle,
    start_host,
};
use certbridge_i18n::Msg;
use certbridge_i18n::explain;
use tokio::runtime::Handle;

use super::egui;
use super::qr::QrTexture;
use crate::transfer::Scanned;

/// Which screen a transfer belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// 휴대폰으로 보내기: this PC shows a code and sends.
    Export,
    /// 휴대폰에서 가져오기: this PC shows a code and receives.
    Import,
    /// PC끼리: this PC scanned another PC's code.
    Scan,
}

/// Where a transfer is, as the window shows it.
pub(crate) enum Phase {
    /// The session is setting up (listening, reaching the relay).
    Starting,
    /// The code is shown; nobody has connected yet.
    Code,
    /// The code's time ran out before anyone connected: a new one is one
    /// click or key away.
    Expired,
    /// Scanning side: reaching the other PC.
    Connecting,
    /// Showing side: type the number the other device shows.
    Number {
        /// Tries left.
        attempts_left: u8,
    },
    /// Scanning side, the other PC receives: send or not?
    Consent {
        /// The certificates to send.
        items: Vec<String>,
    },
    /// Scanning side: show this number; it is typed on the other PC.
    ShowNumber {
        /// `123 456`.
        grouped: String,
    },
    /// The number was right; certificates are moving.
    Working(Option<Progress>),
    /// It worked (possibly with refused items).
    Done(Outcome),
    /// It stopped.
    Failed {
        /// What to tell the user.
        msg: Msg,
    },
}

/// What is needed to start the same kind of session again (a new code).
#[derive(Clone)]
struct Restart {
    config: HostConfig,
    store: Arc<dyn CertificateStore>,
}

/// The code the window shows.
pub(crate) struct ShownCode {
    /// The text form, for another PC.
    pub(crate) text: String,
    /// The code a person can type instead of scanning, when there is one
    /// (replaced in place when a wrong try burns it).
    pub(crate) short: Option<ShortCode>,
    /// True once the typed code was replaced (a try with a wrong code).
    pub(crate) renewed: bool,
    /// The QR code, if it could be drawn.
    pub(crate) qr: Option<QrTexture>,
    /// Unix seconds.
    pub(crate) expires_at: u64,
}

/// A running or finished transfer.
pub(crate) struct Transfer {
    pub(crate) kind: Kind,
    handle: SessionHandle,
    events: mpsc::Receiver<Event>,
    pub(crate) phase: Phase,
    pub(crate) peer: Option<Hello>,
    pub(crate) path: Option<LinkPath>,
    pub(crate) code: Option<ShownCode>,
    /// The last wrong or malformed number, said under the field.
    pub(crate) notice: Option<Msg>,
    /// When the window stops waiting for the number, unless extended.
    pub(crate) wait_until: Option<Instant>,
    wait: Duration,
    /// True when the window stopped the session because the wait ran out.
    gave_up_waiting: bool,
    restart: Option<Restart>,
    /// Bumped when a new phase wants the keyboard focus on its first field.
    pub(crate) focus_serial: u64,
}

/// Wakes the window for each event of a session.
fn forward(runtime: &Handle, mut events: Events, ctx: &egui::Context) -> mpsc::Receiver<Event> {
    let (tx, rx) = mpsc::channel();
    let ctx = ctx.clone();
    runtime.spawn(async move {
        while let Some(event) = events.recv().await {
            if tx.send(event).is_err() {
                return;
            }
            ctx.request_repaint();
        }
    });
    rx
}

impl Transfer {
    /// Starts the desktop's side: show a code, then send or receive.
    /// `wait` is how long the window waits for the number before asking to
    /// stop (the session's own `idle_timeout` is the hard limit behind it).
    pub(crate) fn host(
        kind: Kind,
        config: HostConfig,
        store: Arc<dyn CertificateStore>,
        wait: Duration,
        runtime: &Handle,
        ctx: &egui::Context,
    ) -> Self {
        let restart = Restart { config, store };
        let (handle, events) = {
            let _entered = runtime.enter();
            start_host(restart.config.clone(), restart.store.clone())
        };
        Self::with(kind, handle, forward(runtime, events, ctx), wait, Some(restart))
    }

    /// Starts the scanning side with another PC's code (its invite or a
    /// typed code), sending `dirs` or installing into `roots` as the other
    /// side asks: [`Scanned::start`], as `certbridge scan` does.
    pub(crate) fn guest(
        scanned: Scanned,
        config: GuestConfig,
        dirs: Vec<PathBuf>,
        roots: Option<InstallRoots>,
        runtime: &Handle,
        ctx: &egui::Context,
    ) -> Self {
        let (handle, events) = {
            let _entered = runtime.enter();
            scanned.start(config, dirs, roots, false)
        };
        Self::with(Kind::Scan, handle, forward(runtime, events, ctx), Duration::ZERO, None)
    }

    fn with(kind: Kind, handle: SessionHandle, events: mpsc::Receiver<Event>, wait: Duration, restart: Option<Restart>) -> Self {
        Self {
            kind,
            handle,
            events,
            phase: if kind == Kind::Scan { Phase::Connecting } else { Phase::Starting },
            peer: None,
            path: None,
            code: None,
            notice: None,
            wait_until: None,
            wait,
            gave_up_waiting: false,
            restart,
            focus_serial: 0,
        }
    }

    /// A new code in place of this one (the old session, if still
    /// waiting, is stopped first). Only for the showing side.
    pub(crate) fn renew(&mut self, runtime: &Handle, ctx: &egui::Context) {
        let Some(restart) = self.restart.clone() else { return };
        self.handle.cancel();
        let serial = self.focus_serial;
        *self = Self::host(self.kind, restart.config, restart.store, self.wait, runtime, ctx);
        self.focus_serial = serial + 1;
    }

    /// True until the transfer is over (a code that expired is over: no
    /// session runs behind it).
    pub(crate) fn is_active(&self) -> bool {
        !matches!(self.phase, Phase::Done(_) | Phase::Failed { .. } | Phase::Expired)
    }

    /// Stops the session; the other device is told.
    pub(crate) fn cancel(&self) {
        self.handle.cancel();
    }

    /// The number typed or pasted.
    pub(crate) fn submit_code(&mut self, typed: &str) {
        self.notice = None;
        self.handle.submit_code(typed);
    }

    /// The answer to the consent question (scanning side).
    pub(crate) fn set_consent(&mut self, yes: bool) {
        self.handle.set_consent(yes);
        self.phase = Phase::Working(None);
    }

    /// More time for the number.
    pub(crate) fn extend_wait(&mut self) {
        if let Some(until) = &mut self.wait_until {
            *until = Instant::now().max(*until) + self.wait;
        }
    }

    /// Seconds left on the code, or on the wait for the number.
    pub(crate) fn code_seconds_left(&self, now: SystemTime) -> u64 {
        let now = now.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        self.code.as_ref().map(|c| c.expires_at.saturating_sub(now)).unwrap_or(0)
    }

    /// Takes in what the session reported. Returns true when something changed.
    pub(crate) fn poll(&mut self, ctx: &egui::Context) -> bool {
        let mut changed = false;
        while let Ok(event) = self.events.try_recv() {
            changed = true;
            self.on_event(event, ctx);
        }
        if let (Phase::Number { .. }, Some(until)) = (&self.phase, self.wait_until) {
            if Instant::now() >= until && !self.gave_up_waiting {
                self.gave_up_waiting = true;
                self.handle.cancel();
            }
        }
        changed
    }

    fn on_event(&mut self, event: Event, ctx: &egui::Context) {
        match event {
            Event::InviteReady { invite, code } => {
                match &mut self.code {
                    // A wrong try burned the typed code (or the relay moved
                    // it): the same QR code, a new typed code.
                    Some(shown) if shown.text == invite.to_text() => {
                        shown.renewed = shown.short.is_some() && code.is_some();
                        shown.short = code;
                    }
                    _ => {
                        self.code = Some(ShownCode {
                            text: invite.to_text(),
                            short: code,
                            renewed: false,
                            qr: QrTexture::new(ctx, &invite),
                            expires_at: invite.expires_at(),
                        });
                    }
                }
                if matches!(self.phase, Phase::Starting) {
                    self.phase = Phase::Code;
                }
            }
            Event::Connecting => self.phase = Phase::Connecting,
            Event::PeerConnected { peer, path } => {
                self.peer = Some(peer);
                self.path = Some(path);
                self.phase = Phase::Working(None);
            }
            Event::EnterCode { attempts_left } => {
                if !matches!(self.phase, Phase::Number { .. }) {
                    self.wait_until = Some(Instant::now() + self.wait);
                    self.focus_serial += 1;
                }
                self.phase = Phase::Number { attempts_left };
            }
            Event::CodeRejected { attempts_left } => {
                self.notice = Some(Msg::new("number-wrong").arg("left", attempts_left));
            }
            Event::CodeMalformed => self.notice = Some(Msg::new("number-malformed")),
            Event::ConsentRequired { items } => {
                self.phase = Phase::Consent { items };
                self.focus_serial += 1;
            }
            Event::VerificationCode { code } => {
                self.phase = Phase::ShowNumber { grouped: code.grouped() };
            }
            Event::WaitingForPeer => {
                if matches!(self.phase, Phase::Number { .. }) {
                    self.phase = Phase::Working(None);
                }
            }
            Event::Progress(progress) => self.phase = Phase::Working(Some(progress)),
            Event::Done(outcome) => {
                self.phase = Phase::Done(outcome);
                self.focus_serial += 1;
            }
            Event::Failed(e) => {
                let kind = e.kind();
                tracing::debug!(kind = %kind, "{e}");
                self.phase = if kind == ErrorKind::Expired && self.restart.is_some() {
                    Phase::Expired
                } else if self.gave_up_waiting {
                    Phase::Failed { msg: Msg::new("gui-wait-over") }
                } else {
                    Phase::Failed { msg: super::words::for_window(explain::session_error(&e)) }
                };
                self.focus_serial += 1;
            }
            _ => {}
        }
    }
}
