//! Finding the other device and running the handshake on the first path
//! that works (`docs/PROTOCOL.md` §6).
//!
//! The desktop accepts connections and reads each one's first message; the
//! first that proves knowledge of the invite wins, and every later one is
//! closed unanswered (one handshake per invite). Connections that send
//! garbage, nothing, or too much are dropped without disturbing anything.
//!
//! The scanner tries every path at once and keeps the first on which the
//! handshake completes.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinSet};

use super::SessionError;
use crate::handshake::{
    Established, HandshakeError, Hello, Initiator, MAX_HANDSHAKE_MESSAGE, PendingReply, Responder,
};
use crate::invite::{HostInvite, Invite};
use crate::kdf::RendezvousId;
use crate::transport::lan::{self, LanListener};
use crate::transport::relay::{RelayError, RelayLink, Retry, Role};
use crate::transport::{Link, LinkError};

/// Time a LAN connection gets to send its first handshake message. A real
/// scanner sends it the moment it connects; this is far shorter than the
/// scanner's own patience (`GuestConfig::handshake_timeout`), so that
/// connections that say nothing are gone long before a real one gives up.
const FIRST_MESSAGE_TIMEOUT: Duration = Duration::from_secs(3);
/// Time allowed to connect to the relay.
pub(crate) const RELAY_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a guest that arrived at the relay gets to send its first message.
pub(crate) const RELAY_FIRST_MESSAGE_TIMEOUT: Duration = Duration::from_secs(10);
/// LAN connections whose first message is awaited at once. When this many
/// wait, the oldest is dropped for each new one: silence cannot fill the
/// desktop's door, it can only be pushed out of it.
const MAX_PENDING_PROBES: usize = 256;
/// LAN connections from one address whose first message is awaited at once;
/// more from the same address are closed at once.
const MAX_PROBES_PER_ADDRESS: usize = 8;

/// A connection that claimed the invite.
pub(crate) enum Claimed {
    /// A QR scanner's first message, valid, to be answered.
    Qr {
        link: Box<dyn Link>,
        pending: PendingReply,
    },
    /// A typed code's handshake, complete.
    Code {
        link: Box<dyn Link>,
        established: Established,
    },
}

/// The typed code's part of an acceptor: its door, and the relay to hold
/// a channel at (with the connection that already holds one).
pub(crate) struct CodeSetup {
    pub(crate) door: Arc<super::typed::CodeDoor>,
    pub(crate) relay: Option<(String, Option<(RelayLink, String)>)>,
}

/// Accepts connections for an invite until dropped. The first valid
/// handshake is passed on through the returned channel; every later one is
/// refused by closing it.
pub(crate) struct Acceptor {
    _tasks: JoinSet<()>,
}

impl Acceptor {
    /// Starts accepting on `listener` (if any) and, if the invite names a
    /// relay, at the relay: on `relay` when the caller has connected
    /// already.
    pub(crate) fn start(
        host: Arc<HostInvite>,
        listener: Option<LanListener>,
        relay: Option<RelayLink>,
        code: Option<CodeSetup>,
    ) -> (Self, mpsc::Receiver<Claimed>) {
        let (tx, rx) = mpsc::channel(1);
        let claimed = Arc::new(AtomicBool::new(false));
        let mut tasks = JoinSet::new();
        let door = code.as_ref().map(|c| c.door.clone());
        if let Some(listener) = listener {
            tasks.spawn(accept_lan(listener, host.clone(), door, claimed.clone(), tx.clone()));
        }
        if let Some(CodeSetup { door, relay: Some((url, first)) }) = code {
            tasks.spawn(super::typed::accept_code_relay(url, first, door, claimed.clone(), tx.clone()));
        }
        if host.invite().relay_url().is_some() {
            tasks.spawn(accept_relay(relay, host, claimed, tx));
        }
        (Self { _tasks: tasks }, rx)
    }
}

/// Connects to the relay at `url` and takes the host's place for `id`.
pub(crate) async fn connect_relay_host(url: &str, id: &RendezvousId) -> Result<RelayLink, RelayError> {
    RelayLink::connect(url, id, Role::Host, RELAY_CONNECT_TIMEOUT).await
}

/// Holds the host's place at the invite's relay: connects (unless given a
/// connection), waits for the guest's first message, and checks it like
/// any connection. Failures are retried as `docs/RELAY.md` ("Retrying")
/// says, after a pause that grows and that nothing the relay sends resets;
/// a guest that arrives but says nothing for [`RELAY_FIRST_MESSAGE_TIMEOUT`]
/// is closed and the host waits again. The relay path ends for good when
/// the relay says the id is taken or the wait expired.
async fn accept_relay(
    mut first: Option<RelayLink>,
    host: Arc<HostInvite>,
    claimed: Arc<AtomicBool>,
    tx: mpsc::Sender<Claimed>,
) {
    let Some(url) = host.invite().relay_url().map(str::to_owned) else { return };
    let id = RendezvousId::derive(host.invite().secret());
    let mut backoff = Backoff::new();
    while !claimed.load(Ordering::SeqCst) {
        let connected = match first.take() {
            Some(link) => Ok(link),
            None => connect_relay_host(&url, &id).await,
        };
        let next = match connected {
            Ok(mut link) => match link.recv_first(MAX_HANDSHAKE_MESSAGE, RELAY_FIRST_MESSAGE_TIMEOUT).await {
                Ok(first) => {
                    if check_first(Box::new(link), &first, &host, &claimed, &tx).await {
                        return;
                    }
                    // Junk from the relay is a failure like any other.
                    Retry::Backoff
                }
                Err(LinkError::Relay { code, reason }) => {
                    tracing::info!(relay = %url, code, "the relay closed the host's connection: {reason}");
                    match code {
                        crate::transport::relay::CLOSE_CROWDED | 4005 => Retry::Never,
                        // The session ended (4000, 4006–4008): wait again
                        // as host while the invite lives.
                        4000 | 4006..=4008 => Retry::Backoff,
                        other => Retry::after_close(other),
                    }
                }
                Err(e) => {
                    tracing::info!(relay = %url, "the relay connection ended: {e}");
                    link.close().await;
                    Retry::Backoff
                }
            },
            Err(e) => {
                tracing::info!("{e}");
                e.retry()
            }
        };
        match next {
            Retry::Never => {
                tracing::info!(relay = %url, "giving up the relay path for this code");
                return;
            }
            Retry::Now => {}
            Retry::After(wait) => tokio::time::sleep(wait).await,
            Retry::Backoff => tokio::time::sleep(backoff.pause()).await,
        }
    }
}

/// Pauses between relay attempts (`docs/RELAY.md`): 250 ms, doubling to
/// 5 s, each with ±20 % jitter so that clients that failed together do not
/// come back together.
pub(crate) struct Backoff {
    next: Duration,
}

impl Backoff {
    pub(crate) fn new() -> Self {
        Self { next: Duration::from_millis(250) }
    }

    pub(crate) fn pause(&mut self) -> Duration {
        let mut byte = [0u8; 1];
        let jitter = if getrandom::fill(&mut byte).is_ok() { f64::from(byte[0]) / 255.0 * 0.4 - 0.2 } else { 0.0 };
        let pause = self.next.mul_f64(1.0 + jitter);
        self.next = (self.next * 2).min(Duration::from_secs(5));
        pause
    }
}

/// Connections waiting for their first message, per source address.
#[derive(Default)]
struct PerAddress(Mutex<HashMap<IpAddr, usize>>);

impl PerAddress {
    /// Counts one more connection from `ip`, unless it has too many.
    fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<AddressSlot> {
        let mut counts = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = counts.entry(ip).or_insert(0);
        if *n >= MAX_PROBES_PER_ADDRESS {
            return None;
        }
        *n += 1;
        Some(AddressSlot { table: self.clone(), ip })
    }
}

/// One counted connection; uncounted when dropped.
struct AddressSlot {
    table: Arc<PerAddress>,
    ip: IpAddr,
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut counts = self.table.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = counts.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}

async fn accept_lan(
    listener: LanListener,
    host: Arc<HostInvite>,
    door: Option<Arc<super::typed::CodeDoor>>,
    claimed: Arc<AtomicBool>,
    tx: mpsc::Sender<Claimed>,
) {
    let per_address = Arc::new(PerAddress::default());
    // Oldest first, so that a full door drops the longest silence.
    let mut pending: VecDeque<AbortHandle> = VecDeque::new();
    let mut running = JoinSet::new();
    // Held until the invite is claimed; after that later devices are only
    // refused, which needs no key.
    let mut host = Some(host);
    loop {
        let link = match listener.accept().await {
            Ok(link) => link,
            Err(e) => {
                tracing::debug!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        while running.try_join_next().is_some() {}
        if claimed.load(Ordering::SeqCst) {
            host = None;
        }
        let Some(invite) = host.clone() else {
            tracing::info!(path = %link.path(), "refused a device on a used invite");
            drop(link);
            continue;
        };
        let Some(slot) = peer_ip(&link).and_then(|ip| per_address.admit(ip)) else {
            tracing::debug!(path = %link.path(), "dropped a connection: too many from one address");
            continue;
        };
        pending.retain(|h| !h.is_finished());
        if pending.len() >= MAX_PENDING_PROBES {
            if let Some(oldest) = pending.pop_front() {
                oldest.abort();
            }
        }
        let (claimed, tx, door) = (claimed.clone(), tx.clone(), door.clone());
        let handle = running.spawn(async move {
            let _slot = slot;
            probe(Box::new(link), &invite, door.as_deref(), &claimed, &tx).await;
        });
        pending.push_back(handle);
    }
}

fn peer_ip(link: &impl Link) -> Option<IpAddr> {
    match link.path() {
        crate::transport::Path::Lan { peer } => Some(peer.ip()),
        _ => None,
    }
}

/// Reads a connection's first message and claims the invite if it is a
/// valid handshake and nobody claimed it before. A first message of
/// exactly a PAKE message's length is a typed code's (a QR scanner's msg1
/// is never that short) and goes to the code's door.
pub(crate) async fn probe(
    mut link: Box<dyn Link>,
    host: &HostInvite,
    door: Option<&super::typed::CodeDoor>,
    claimed: &AtomicBool,
    tx: &mpsc::Sender<Claimed>,
) {
    let first =
        match tokio::time::timeout(FIRST_MESSAGE_TIMEOUT, link.recv(MAX_HANDSHAKE_MESSAGE)).await {
            Ok(Ok(first)) => first,
            Ok(Err(e)) => {
                tracing::debug!(path = %link.path(), "dropped a connection: {e}");
                return;
            }
            Err(_) => {
                tracing::debug!(path = %link.path(), "dropped a silent connection");
                return;
            }
        };
    match door {
        Some(door) if first.len() == crate::code::pake::PAKE_MESSAGE_LEN => {
            door.attempt(link, &first, claimed, tx).await;
        }
        _ => {
            check_first(link, &first, host, claimed, tx).await;
        }
    }
}

/// Claims the invite for `link` if `first` is a valid first handshake
/// message and nobody claimed it before. True when claimed.
async fn check_first(
    mut link: Box<dyn Link>,
    first: &[u8],
    host: &HostInvite,
    claimed: &AtomicBool,
    tx: &mpsc::Sender<Claimed>,
) -> bool {
    let pending = match Responder::read_first(host, first) {
        Ok(pending) => pending,
        Err(e) => {
            tracing::debug!(path = %link.path(), "dropped a connection: {e}");
            return false;
        }
    };
    if claimed.swap(true, Ordering::SeqCst) {
        tracing::info!(path = %link.path(), "refused a second device on a used invite");
        link.close().await;
        return false;
    }
    let _ = tx.send(Claimed::Qr { link, pending }).await;
    true
}

/// One finished attempt of the scanner.
type Attempt = Result<(Box<dyn Link>, Established), SessionError>;

/// The scanner's dialer: runs attempts over every path and keeps the first
/// handshake that completes.
pub(crate) struct Dialer {
    attempts: JoinSet<Attempt>,
    invite: Arc<Invite>,
    hello: Arc<Hello>,
    handshake_timeout: Duration,
}

impl Dialer {
    pub(crate) fn new(invite: Arc<Invite>, hello: Hello, handshake_timeout: Duration) -> Self {
        Self {
            attempts: JoinSet::new(),
            invite,
            hello: Arc::new(hello),
            handshake_timeout,
        }
    }

    /// Tries every LAN endpoint of the invite.
    pub(crate) fn dial_lan(&mut self, connect_timeout: Duration) {
        let invite = self.invite.clone();
        for &addr in invite.lan_endpoints() {
            let connect = async move {
                lan::connect(addr, connect_timeout)
                    .await
                    .map(|link| Box::new(link) as Box<dyn Link>)
                    .map_err(|e| SessionError::Unreachable(format!("{addr}: {e}")))
            };
            self.dial(connect);
        }
    }

    /// Tries the invite's relay, if it names one, after `delay` (so that a
    /// LAN path, when there is one, usually wins), retrying what the relay
    /// calls transient within the invite's life (`docs/RELAY.md`).
    pub(crate) fn dial_relay(&mut self, delay: Duration) {
        let Some(url) = self.invite.relay_url().map(str::to_owned) else { return };
        let (invite, hello, timeout) = (self.invite.clone(), self.hello.clone(), self.handshake_timeout);
        self.attempts.spawn(async move {
            tokio::time::sleep(delay).await;
            relay_guest(&url, &invite, &hello, timeout).await
        });
    }

    /// Runs the handshake over a link that `connect` makes.
    pub(crate) fn dial(
        &mut self,
        connect: impl std::future::Future<Output = Result<Box<dyn Link>, SessionError>> + Send + 'static,
    ) {
        let (invite, hello, timeout) = (
            self.invite.clone(),
            self.hello.clone(),
            self.handshake_timeout,
        );
        self.attempts.spawn(async move {
            let mut link = connect.await?;
            match handshake(&mut *link, &invite, &hello, timeout).await {
                Ok(est) => Ok((link, est)),
                Err(failed) => Err(failed.into_error()),
            }
        });
    }

    /// Waits for the first attempt that succeeds. When all fail, the most
    /// telling failure is returned: a failed handshake, then a refusal, then
    /// unreachable.
    pub(crate) async fn first(mut self) -> Attempt {
        let mut best: Option<SessionError> = None;
        while let Some(joined) = self.attempts.join_next().await {
            match joined {
                Ok(Ok(won)) => return Ok(won),
                Ok(Err(e)) => {
                    if best.as_ref().is_none_or(|b| rank(&e) > rank(b)) {
                        best = Some(e);
                    }
                }
                Err(e) => tracing::debug!("an attempt task ended: {e}"),
            }
        }
        Err(best.unwrap_or_else(|| {
            SessionError::Unreachable("the code names no address to try".into())
        }))
    }
}

fn rank(e: &SessionError) -> u8 {
    match e {
        SessionError::Handshake(_) => 3,
        SessionError::Refused => 2,
        SessionError::Unreachable(_) => 0,
        _ => 1,
    }
}

/// How a handshake attempt failed.
enum Failed {
    /// For good: the handshake itself failed, or the desktop refused.
    Final(SessionError),
    /// The relay closed the connection with this code.
    Relay(u16, String),
    /// No answer within the handshake's time.
    Silent,
}

impl Failed {
    fn into_error(self) -> SessionError {
        match self {
            Failed::Final(e) => e,
            Failed::Relay(code, reason) => SessionError::Unreachable(format!("relay: {reason} ({code})")),
            Failed::Silent => SessionError::Unreachable("the desktop did not answer".into()),
        }
    }
}

async fn handshake(link: &mut dyn Link, invite: &Invite, hello: &Hello, timeout: Duration) -> Result<Established, Failed> {
    let (initiator, msg1) = Initiator::start(invite, hello).map_err(|e| Failed::Final(e.into()))?;
    link.send(&msg1).await.map_err(|_| Failed::Final(SessionError::Refused))?;
    let msg2 = match tokio::time::timeout(timeout, link.recv(MAX_HANDSHAKE_MESSAGE)).await {
        Ok(Ok(msg2)) => msg2,
        Ok(Err(LinkError::TooLarge { .. })) => return Err(Failed::Final(HandshakeError::TooLarge.into())),
        Ok(Err(LinkError::Relay { code, reason })) => return Err(Failed::Relay(code, reason)),
        Ok(Err(_)) => return Err(Failed::Final(SessionError::Refused)),
        Err(_) => return Err(Failed::Silent),
    };
    initiator.finish(&msg2).map_err(|e| Failed::Final(e.into()))
}

/// The scanner's relay path: connects and runs the handshake, retrying
/// what `docs/RELAY.md` ("Retrying") calls transient until the invite
/// expires. A code whose pair is formed elsewhere is refused; a desktop
/// that is not at the relay is asked for once more after 2 s, in case it
/// was reconnecting.
async fn relay_guest(url: &str, invite: &Invite, hello: &Hello, timeout: Duration) -> Attempt {
    let id = RendezvousId::derive(invite.secret());
    let mut backoff = Backoff::new();
    let mut asked_again = false;
    loop {
        let (next, error) = match RelayLink::connect(url, &id, Role::Guest, RELAY_CONNECT_TIMEOUT).await {
            Err(e) => (e.retry(), SessionError::Unreachable(e.to_string())),
            Ok(link) => {
                let mut link: Box<dyn Link> = Box::new(link);
                match handshake(&mut *link, invite, hello, timeout).await {
                    Ok(established) => return Ok((link, established)),
                    Err(Failed::Final(e)) => return Err(e),
                    Err(Failed::Relay(crate::transport::relay::CLOSE_CROWDED, _)) => return Err(SessionError::Refused),
                    Err(failed @ Failed::Relay(crate::transport::relay::CLOSE_NO_SUCH_SESSION, _)) => {
                        let next = if asked_again { Retry::Never } else { Retry::After(Duration::from_secs(2)) };
                        asked_again = true;
                        (next, failed.into_error())
                    }
                    Err(Failed::Relay(code, reason)) => {
                        (Retry::after_close(code), Failed::Relay(code, reason).into_error())
                    }
                    Err(failed @ Failed::Silent) => {
                        link.close().await;
                        (Retry::Backoff, failed.into_error())
                    }
                }
            }
        };
        let pause = match next {
            Retry::Never => return Err(error),
            Retry::Now => Duration::ZERO,
            Retry::After(wait) => wait,
            Retry::Backoff => backoff.pause(),
        };
        let left = invite.expires_at().saturating_sub(crate::invite::unix_seconds(std::time::SystemTime::now()));
        if pause.as_secs() >= left {
            return Err(error);
        }
        tracing::info!(relay = url, "trying the relay again in {pause:?}: {error}");
        tokio::time::sleep(pause).await;
    }
}
