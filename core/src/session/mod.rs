//! Sessions: one transfer, from the invite to the receipt, for the desktop
//! (host) and for the scanner (guest), in both modes.
//!
//! A session is started with [`start_host`] or [`start_guest`] on a tokio
//! runtime. It reports what happens as [`Event`]s on a channel and takes the
//! user's answers (the typed number, consent, cancel) through a
//! [`SessionHandle`]. The phone apps (through the bindings), the desktop CLI
//! and GUI, and `certbridge scan` all run these same sessions; only the
//! [`CertificateStore`] and the way events are shown differ.
//!
//! Inside, `machine` holds the protocol's state machines without I/O,
//! `connect` finds the other device and runs the handshake, and `driver`
//! runs a machine over the encrypted channel.

mod connect;
mod driver;
mod error;
mod machine;
pub mod store;
mod typed;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::handshake::Hello;
use crate::invite::{Invite, Mode};
use crate::message::{ItemStatus, RejectCode};
use crate::transport::Path;
use crate::verification::VerificationCode;
pub use error::{ErrorKind, SessionError};
pub use store::{CertificateStore, OutgoingItem, Saved, StoreError};

/// How long an invite stays valid by default.
pub const DEFAULT_INVITE_LIFETIME: Duration = Duration::from_secs(300);
/// How long a session waits for a person (the number typed, consent given)
/// by default.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(300);
/// How long a session waits for a step the other device takes by itself
/// once the number was confirmed: the certificates follow `confirmed` at
/// once, the receipt follows them once they are saved.
pub const PEER_STEP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long saving received certificates may take.
pub(crate) const SAVE_TIMEOUT: Duration = Duration::from_secs(60);

/// What a session reports to its user interface, in order.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event {
    /// Desktop: the invite is ready to be shown as a QR code, with the
    /// short code to show beside it. Sent again with a new code whenever
    /// the old one was burned (a failed try) or moved (the relay gave a
    /// new channel); the QR code stays the same.
    InviteReady {
        /// The invite to show.
        invite: Invite,
        /// The code a person can type instead of scanning, when offered.
        code: Option<crate::code::ShortCode>,
    },
    /// Scanner: trying to reach the desktop.
    Connecting,
    /// Both: the handshake completed with this peer, by this path.
    PeerConnected {
        /// Who the other device says it is.
        peer: Hello,
        /// LAN or relay.
        path: Path,
    },
    /// Scanner: show this number; the user types it on the desktop.
    VerificationCode {
        /// The number.
        code: VerificationCode,
    },
    /// Desktop: ask the user for the number shown on the other device.
    EnterCode {
        /// Tries left, this one included.
        attempts_left: u8,
    },
    /// Desktop: the number typed was wrong.
    CodeRejected {
        /// Tries left.
        attempts_left: u8,
    },
    /// Desktop: what was typed is not six digits; it did not count as a try.
    CodeMalformed,
    /// Scanner in import mode: ask whether to send these certificates to
    /// the peer named in [`Event::PeerConnected`]. The verification number
    /// follows once the user agreed.
    ConsentRequired {
        /// Labels of the certificates to send.
        items: Vec<String>,
    },
    /// Waiting for the other device (to confirm, to answer, to save).
    WaitingForPeer,
    /// Certificates are moving.
    Progress(Progress),
    /// The session ended well.
    Done(Outcome),
    /// The session failed; nothing was installed by this side.
    Failed(SessionError),
}

/// How far a transfer got.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Progress {
    /// This side is sending certificates.
    Sending {
        /// Certificates.
        items: usize,
        /// Total file bytes.
        bytes: usize,
    },
    /// This side received certificates and is saving them.
    Received {
        /// Certificates.
        items: usize,
        /// Total file bytes.
        bytes: usize,
    },
}

/// What became of one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemReport {
    /// Who it belongs to, as people say it (both sides).
    pub label: Option<String>,
    /// Where it was saved (on the receiving side); for a conflict, the
    /// place that is taken.
    pub location: Option<String>,
    /// Where the certificate it replaced was kept (on the receiving side).
    pub replaced: Option<String>,
    /// Installed, duplicate or rejected.
    pub status: ItemStatus,
    /// Why it was rejected, in the receiver's words (sanitised).
    pub reason: Option<String>,
    /// Why it was rejected, when the receiver gave a code this version knows.
    pub code: Option<RejectCode>,
    /// SHA-256 of each file, by file name.
    pub sha256: BTreeMap<String, [u8; 32]>,
    /// On the sending side of a move: whether this side's copy was removed
    /// after the receipt confirmed it (`Some(false)`: it could not be, and
    /// is still here). `None` when no move was asked or the item was not
    /// taken.
    pub removed: Option<bool>,
}

/// A finished transfer.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The other device.
    pub peer: Hello,
    /// The path the transfer took.
    pub path: Path,
    /// True when this side sent the certificates.
    pub sent: bool,
    /// One report per certificate, in the order sent.
    pub items: Vec<ItemReport>,
}

/// What the user says to a running session.
#[derive(Debug)]
enum Input {
    Code(String),
    Consent(bool),
    Cancel,
}

/// Controls a running session. Cheap to clone; calls after the session
/// ended do nothing.
#[derive(Debug, Clone)]
pub struct SessionHandle {
    inputs: mpsc::UnboundedSender<Input>,
}

impl SessionHandle {
    /// Desktop: the number the user typed.
    pub fn submit_code(&self, typed: &str) {
        let _ = self.inputs.send(Input::Code(typed.to_owned()));
    }

    /// Scanner in import mode: the user's answer to [`Event::ConsentRequired`].
    pub fn set_consent(&self, yes: bool) {
        let _ = self.inputs.send(Input::Consent(yes));
    }

    /// Stops the session; the other device is told.
    pub fn cancel(&self) {
        let _ = self.inputs.send(Input::Cancel);
    }
}

/// The stream of a session's events; it ends after `Done` or `Failed`.
pub type Events = mpsc::UnboundedReceiver<Event>;

/// How the desktop runs a session.
#[derive(Debug, Clone)]
pub struct HostConfig {
    /// Which way certificates move.
    pub mode: Mode,
    /// Who this desktop is.
    pub hello: Hello,
    /// Addresses to listen on (port 0 for an ephemeral port). Empty means
    /// this machine's private LAN addresses.
    pub listen: Vec<SocketAddr>,
    /// Whether to listen on the LAN at all.
    pub use_lan: bool,
    /// The relay to offer, if any.
    pub relay_url: Option<String>,
    /// Allow a `ws://` relay on a public address (see
    /// [`crate::transport::relay::is_insecure`]).
    pub allow_insecure_relay: bool,
    /// How long the invite is valid.
    pub invite_lifetime: Duration,
    /// Whether to offer a typed code beside the QR code (announced on the
    /// LAN by mDNS, and held at the relay's channel when there is a relay).
    pub offer_code: bool,
    /// How long the session waits for a person once connected (the number
    /// typed here).
    pub idle_timeout: Duration,
    /// How long it waits for each step the scanner takes by itself
    /// ([`PEER_STEP_TIMEOUT`]).
    pub step_timeout: Duration,
    /// When this side sends: remove its copy of each certificate the
    /// receiver confirmed byte for byte (a *move*; see
    /// [`CertificateStore::remove_sent`]). Off by default.
    pub move_sent: bool,
}

impl HostConfig {
    /// The defaults: LAN only, 5-minute invite.
    pub fn new(mode: Mode, hello: Hello) -> Self {
        Self {
            mode,
            hello,
            listen: Vec::new(),
            use_lan: true,
            relay_url: None,
            allow_insecure_relay: false,
            offer_code: false,
            invite_lifetime: DEFAULT_INVITE_LIFETIME,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            step_timeout: PEER_STEP_TIMEOUT,
            move_sent: false,
        }
    }
}

/// How the scanner runs a session.
#[derive(Clone)]
pub struct GuestConfig {
    /// Who this device is.
    pub hello: Hello,
    /// Consent given in advance (`--yes`); otherwise asked in import mode.
    pub consent: Option<bool>,
    /// Whether to try the desktop's LAN addresses.
    pub use_lan: bool,
    /// Whether to try the relay.
    pub use_relay: bool,
    /// Allow a `ws://` relay on a public address (see
    /// [`crate::transport::relay::is_insecure`]).
    pub allow_insecure_relay: bool,
    /// The relay at which to look a typed code up (a scanned code names its
    /// own).
    pub relay_url: Option<String>,
    /// How to find a typed code's desktop on the LAN; `None` for this
    /// build's own mDNS browser, where it has one.
    pub finder: Option<Arc<dyn crate::code::LanFinder>>,
    /// Time allowed for one TCP connection.
    pub connect_timeout: Duration,
    /// Time allowed for the desktop to answer the handshake.
    pub handshake_timeout: Duration,
    /// How long the LAN gets before the relay is tried too.
    pub relay_delay: Duration,
    /// How long the session waits for a person once connected (consent
    /// here, the number typed on the desktop).
    pub idle_timeout: Duration,
    /// How long it waits for each step the desktop takes by itself
    /// ([`PEER_STEP_TIMEOUT`]).
    pub step_timeout: Duration,
    /// When this side sends: remove its copy of each certificate the
    /// receiver confirmed byte for byte (a *move*; see
    /// [`CertificateStore::remove_sent`]). Off by default.
    pub move_sent: bool,
}

impl GuestConfig {
    /// The defaults: both paths, 2 s connect timeout, relay after 300 ms.
    pub fn new(hello: Hello) -> Self {
        Self {
            hello,
            consent: None,
            use_lan: true,
            use_relay: true,
            allow_insecure_relay: false,
            relay_url: None,
            finder: None,
            connect_timeout: Duration::from_secs(2),
            handshake_timeout: Duration::from_secs(10),
            relay_delay: Duration::from_millis(300),
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            step_timeout: PEER_STEP_TIMEOUT,
            move_sent: false,
        }
    }
}

/// Starts the desktop's side of a session on the current tokio runtime.
/// The first event is [`Event::InviteReady`], or [`Event::Failed`] when the
/// certificates to send cannot be read or no address can be listened on.
pub fn start_host(config: HostConfig, store: Arc<dyn CertificateStore>) -> (SessionHandle, Events) {
    let (inputs_tx, inputs) = mpsc::unbounded_channel();
    let (events_tx, events) = mpsc::unbounded_channel();
    tokio::spawn(driver::run_host(config, store, inputs, events_tx));
    (SessionHandle { inputs: inputs_tx }, events)
}

impl std::fmt::Debug for GuestConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuestConfig")
            .field("hello", &self.hello)
            .field("consent", &self.consent)
            .field("use_lan", &self.use_lan)
            .field("use_relay", &self.use_relay)
            .field("relay_url", &self.relay_url)
            .finish_non_exhaustive()
    }
}

/// Starts the scanner's side of a session with a typed code on the current
/// tokio runtime. The desktop is looked for on the LAN and, with
/// [`GuestConfig::relay_url`], at the relay; which way certificates move is
/// the desktop's to say, so `store` must be ready to send (import) and to
/// save (export).
pub fn start_guest_with_code(
    code: crate::code::ShortCode,
    config: GuestConfig,
    store: Arc<dyn CertificateStore>,
) -> (SessionHandle, Events) {
    let (inputs_tx, inputs) = mpsc::unbounded_channel();
    let (events_tx, events) = mpsc::unbounded_channel();
    tokio::spawn(driver::run_guest_code(code, config, store, inputs, events_tx));
    (SessionHandle { inputs: inputs_tx }, events)
}

/// Starts the scanner's side of a session with a scanned invite on the
/// current tokio runtime.
pub fn start_guest(
    invite: Invite,
    config: GuestConfig,
    store: Arc<dyn CertificateStore>,
) -> (SessionHandle, Events) {
    let (inputs_tx, inputs) = mpsc::unbounded_channel();
    let (events_tx, events) = mpsc::unbounded_channel();
    tokio::spawn(driver::run_guest(invite, config, store, inputs, events_tx));
    (SessionHandle { inputs: inputs_tx }, events)
}

#[cfg(test)]
mod tests;
