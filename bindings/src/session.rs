//! The phone's side of a transfer: one [`ScanSession`] per scanned QR code
//! or typed code.
//!
//! The session is the core's guest session, the same state machine the
//! desktop's `certbridge scan` runs (for a typed code, after the core finds
//! the PC on the LAN or at the relay's channel and runs the code exchange). It runs on a tokio runtime owned by
//! this library; its events are delivered, in order, on one thread per
//! session to the app's [`SessionListener`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use certbridge_core::code::ShortCode;
use certbridge_core::handshake::Hello;
use certbridge_core::invite::Invite as CoreInvite;
use certbridge_core::message::ItemStatus as CoreItemStatus;
use certbridge_core::session::{self, Event, Events, GuestConfig, Progress, SessionHandle};
use certbridge_core::transport::Path;

use crate::code::{AppFinder, CodeError, CodeFinder};
use crate::error::{InviteError, SessionStateError, TransferFailure};
use crate::invite::Invite;
use crate::store::{AppStore, CertificateStore, RejectReason};

/// How the devices are connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TransferPath {
    /// Directly, on the same network.
    Lan,
    /// Through the relay server (still end-to-end encrypted).
    Relay,
}

impl From<&Path> for TransferPath {
    fn from(path: &Path) -> Self {
        match path {
            Path::Relay { .. } => TransferPath::Relay,
            _ => TransferPath::Lan,
        }
    }
}

/// What became of one certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ItemStatus {
    /// Saved.
    Installed,
    /// Already there; nothing changed.
    Duplicate,
    /// Not saved; see the reason.
    Rejected,
}

impl From<CoreItemStatus> for ItemStatus {
    fn from(status: CoreItemStatus) -> Self {
        match status {
            CoreItemStatus::Installed => ItemStatus::Installed,
            CoreItemStatus::Duplicate => ItemStatus::Duplicate,
            CoreItemStatus::Rejected => ItemStatus::Rejected,
        }
    }
}

/// One certificate's result in [`SessionEvent::Finished`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ItemResult {
    /// Whose it is, as people say it (홍길동), when it could be read.
    pub label: Option<String>,
    /// Where it was saved (when this device received it).
    pub location: Option<String>,
    /// Where the copy it replaced was kept, when it replaced one.
    pub replaced: Option<String>,
    /// Saved, duplicate or refused.
    pub status: ItemStatus,
    /// Why it was refused, when the receiver said it with a code this
    /// version knows.
    pub code: Option<RejectReason>,
    /// Why it was refused, in the receiver's words (sanitised), for when
    /// there is no code.
    pub reason: Option<String>,
    /// When this phone moved it (sent with `set_move_sent(true)`): whether
    /// its copy here was removed after the PC confirmed every file
    /// (`false`: it is still here). `None` when it was copied, or not taken.
    #[uniffi(default = None)]
    pub removed: Option<bool>,
}

impl From<session::ItemReport> for ItemResult {
    fn from(r: session::ItemReport) -> Self {
        ItemResult {
            label: r.label,
            location: r.location,
            replaced: r.replaced,
            status: r.status.into(),
            code: r.code.map(RejectReason::from),
            reason: r.reason,
            removed: r.removed,
        }
    }
}

/// What the session reports, in order. The last event is `Finished` or
/// `Failed`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SessionEvent {
    /// Looking for the desktop.
    Connecting,
    /// The secure connection is up.
    Connected {
        /// LAN or relay.
        path: TransferPath,
        /// The desktop's name.
        peer_name: String,
    },
    /// Show this six-digit number; the user types it on the desktop.
    VerificationNumber {
        /// Six digits.
        number: String,
    },
    /// Phone → PC: ask the user whether to send these certificates.
    ConsentRequired {
        /// The desktop's name.
        desktop_name: String,
        /// Whether the desktop is on the same network or via the relay.
        path: TransferPath,
        /// The certificates to send.
        certificates: Vec<String>,
    },
    /// Waiting for the desktop (the number being typed, or saving).
    WaitingForDesktop,
    /// Certificates are moving.
    Progress {
        /// True when this device sends.
        sending: bool,
        /// How many certificates.
        certificates: u32,
        /// Their total size in bytes.
        bytes: u64,
    },
    /// Done.
    Finished {
        /// True when this device sent.
        sent: bool,
        /// The desktop's name.
        peer_name: String,
        /// The path taken.
        path: TransferPath,
        /// One result per certificate.
        items: Vec<ItemResult>,
    },
    /// The transfer failed; nothing was saved by this device.
    Failed {
        /// The kind and the words for the user.
        failure: TransferFailure,
        /// The core's own sentence, for the app's log (never shown).
        detail: String,
    },
}

/// Receives a session's events. Called on a background thread.
#[uniffi::export(with_foreign)]
pub trait SessionListener: Send + Sync {
    /// One event.
    fn on_event(&self, event: SessionEvent);
}

/// What a session was started from.
#[derive(Debug)]
enum Start {
    /// A scanned QR code (or its text).
    Invite(CoreInvite),
    /// A typed code: which way certificates move is the PC's to say.
    Code(ShortCode),
}

/// A transfer started from a scanned or a typed code.
#[derive(uniffi::Object)]
pub struct ScanSession {
    start: Start,
    config: Mutex<GuestConfig>,
    store: Arc<dyn CertificateStore>,
    listener: Arc<dyn SessionListener>,
    handle: Mutex<Option<SessionHandle>>,
    /// Set by `cancel()`, so that a cancel that comes before `start()` (a
    /// user quicker than the app's coroutine) still ends the session.
    cancelled: AtomicBool,
}

impl std::fmt::Debug for ScanSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanSession").field("start", &self.start).finish_non_exhaustive()
    }
}

#[uniffi::export]
impl ScanSession {
    /// Prepares a session for a scanned code. Damaged and expired codes are
    /// refused here, before anything connects.
    #[uniffi::constructor]
    pub fn new(
        invite_text: String,
        device_name: String,
        store: Arc<dyn CertificateStore>,
        listener: Arc<dyn SessionListener>,
    ) -> Result<Arc<Self>, InviteError> {
        let invite = CoreInvite::parse(invite_text.trim(), SystemTime::now())?;
        Ok(Self::with(Start::Invite(invite), GuestConfig::new(Hello::new(&device_name, std::env::consts::OS)), store, listener))
    }

    /// Prepares a session for a code the user typed (`728-166-322`). The PC
    /// is looked for on the LAN (by `finder`, or the library's own mDNS
    /// browser when `finder` is `None` and this build has one) and, when
    /// `relay_url` is given, at that relay's channel, at the same time. The
    /// store must be able to do both: which way certificates move is only
    /// known once connected (`load_outgoing` is asked only if the PC
    /// receives). A code of the wrong length is refused here.
    #[uniffi::constructor]
    pub fn for_code(
        code: String,
        device_name: String,
        relay_url: Option<String>,
        finder: Option<Arc<dyn CodeFinder>>,
        store: Arc<dyn CertificateStore>,
        listener: Arc<dyn SessionListener>,
    ) -> Result<Arc<Self>, CodeError> {
        let code = ShortCode::parse(&code)?;
        let mut config = GuestConfig::new(Hello::new(&device_name, std::env::consts::OS));
        config.relay_url = relay_url;
        config.finder = finder.map(|f| Arc::new(AppFinder(f)) as Arc<dyn certbridge_core::code::LanFinder>);
        Ok(Self::with(Start::Code(code), config, store, listener))
    }

    /// What the scanned code says; `None` for a typed code, whose PC says
    /// it once connected.
    pub fn invite(&self) -> Option<Invite> {
        match &self.start {
            Start::Invite(invite) => Some(Invite::from(invite)),
            Start::Code(_) => None,
        }
    }

    /// Phone → PC: remove this phone's copy of each certificate the PC
    /// confirmed it holds byte for byte (a *move*; the store's `remove`).
    /// Off by default; call before `start()`.
    pub fn set_move_sent(&self, move_sent: bool) {
        if let Ok(mut config) = self.config.lock() {
            config.move_sent = move_sent;
        }
    }

    /// Connects and runs the transfer; events follow on the listener.
    pub fn start(&self) -> Result<(), SessionStateError> {
        let mut handle = self.handle.lock().map_err(|_| SessionStateError::AlreadyStarted)?;
        if handle.is_some() {
            return Err(SessionStateError::AlreadyStarted);
        }
        let runtime = runtime()?;
        let _entered = runtime.enter();
        let store = Arc::new(AppStore(self.store.clone()));
        let config = self.config.lock().map_err(|_| SessionStateError::AlreadyStarted)?.clone();
        let (session, events) = match &self.start {
            Start::Invite(invite) => session::start_guest(invite.clone(), config, store),
            Start::Code(code) => session::start_guest_with_code(code.clone(), config, store),
        };
        let listener = self.listener.clone();
        let forwarder = std::thread::Builder::new()
            .name("certbridge-events".into())
            .spawn(move || forward(events, listener.as_ref()));
        if let Err(e) = forwarder {
            session.cancel();
            return Err(SessionStateError::Internal { reason: format!("could not start: {e}") });
        }
        if self.cancelled.load(Ordering::SeqCst) {
            session.cancel();
        }
        *handle = Some(session);
        Ok(())
    }

    /// Phone → PC: the user's answer to `ConsentRequired`.
    pub fn set_consent(&self, consent: bool) {
        if let Ok(Some(handle)) = self.handle.lock().as_deref() {
            handle.set_consent(consent);
        }
    }

    /// Stops the transfer; the desktop is told. Ends with `Failed(Cancelled)`,
    /// also when called before `start()` (the session then ends as soon as
    /// it starts).
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        if let Ok(Some(handle)) = self.handle.lock().as_deref() {
            handle.cancel();
        }
    }
}

impl ScanSession {
    fn with(start: Start, config: GuestConfig, store: Arc<dyn CertificateStore>, listener: Arc<dyn SessionListener>) -> Arc<Self> {
        Arc::new(ScanSession {
            start,
            config: Mutex::new(config),
            store,
            listener,
            handle: Mutex::new(None),
            cancelled: AtomicBool::new(false),
        })
    }
}

/// The runtime every session runs on, made on first use.
fn runtime() -> Result<&'static tokio::runtime::Runtime, SessionStateError> {
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("certbridge")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| SessionStateError::Internal { reason: format!("could not start the runtime: {e}") })
}

/// Delivers the core's events to the listener until the session ends.
fn forward(mut events: Events, listener: &dyn SessionListener) {
    let mut peer: Option<(String, TransferPath)> = None;
    while let Some(event) = events.blocking_recv() {
        let adapted = match event {
            Event::Connecting => SessionEvent::Connecting,
            Event::PeerConnected { peer: hello, path } => {
                let path = TransferPath::from(&path);
                peer = Some((hello.name.clone(), path));
                SessionEvent::Connected { path, peer_name: hello.name }
            }
            Event::VerificationCode { code } => SessionEvent::VerificationNumber { number: code.digits() },
            Event::ConsentRequired { items } => {
                let (desktop_name, path) = peer.clone().unwrap_or_else(|| (String::new(), TransferPath::Lan));
                SessionEvent::ConsentRequired { desktop_name, path, certificates: items }
            }
            Event::WaitingForPeer => SessionEvent::WaitingForDesktop,
            Event::Progress(Progress::Sending { items, bytes }) => SessionEvent::Progress {
                sending: true,
                certificates: count(items),
                bytes: bytes as u64,
            },
            Event::Progress(Progress::Received { items, bytes }) => SessionEvent::Progress {
                sending: false,
                certificates: count(items),
                bytes: bytes as u64,
            },
            Event::Done(outcome) => SessionEvent::Finished {
                sent: outcome.sent,
                peer_name: outcome.peer.name.clone(),
                path: TransferPath::from(&outcome.path),
                items: outcome.items.into_iter().map(ItemResult::from).collect(),
            },
            Event::Failed(error) => SessionEvent::Failed { failure: TransferFailure::from(&error), detail: error.to_string() },
            // Desktop-only events never reach a scanner.
            _ => continue,
        };
        listener.on_event(adapted);
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
