//! Pairing by a typed code (`docs/PROTOCOL.md` §7), on both sides.
//!
//! The desktop keeps one [`CodeDoor`]: the code it shows, and the rule that
//! a code gets exactly one try. A scanner's PAKE message, on the LAN port
//! (told apart from a QR scanner's first message by its length) or at the
//! relay's channel, starts an attempt; while one runs, others are refused;
//! an attempt that does not finish the handshake burns the code, and the
//! desktop shows a new one. The scanner finds the desktop by the code's
//! channel (mDNS on the LAN, or the relay) and runs the same exchange from
//! its side. After the handshake, both sides run the same sessions as after
//! a QR code.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::SessionError;
use super::connect::{Claimed, RELAY_CONNECT_TIMEOUT};
use crate::code::{LanFinder, ShortCode};
use crate::handshake::code::{CodeOffer, DesktopCode, ScannerCode};
use crate::handshake::{Established, HandshakeError, Hello, MAX_HANDSHAKE_MESSAGE};
use crate::invite::Mode;
use crate::transport::relay::{CLOSE_NO_SUCH_SESSION, RelayLink, Retry};
use crate::transport::{Link, LinkError, lan};

/// Time each step of a code exchange may take: a scanner answers at once.
const CODE_STEP_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a scanner looks for a desktop on the LAN.
pub(crate) const LAN_SEARCH: Duration = Duration::from_secs(3);

/// The desktop's typed code and its one-try rule.
pub(crate) struct CodeDoor {
    state: Mutex<DoorState>,
    hello: Hello,
    mode: Mode,
    expires_at: u64,
    /// New codes, for the user interface to show.
    renewals: mpsc::UnboundedSender<ShortCode>,
    /// Where the LAN listener is, to advertise the channel there.
    lan: Vec<SocketAddr>,
}

struct DoorState {
    code: ShortCode,
    busy: bool,
    #[cfg(feature = "mdns")]
    advert: Option<crate::discovery::Advert>,
}

impl std::fmt::Debug for CodeDoor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeDoor").field("mode", &self.mode).finish_non_exhaustive()
    }
}

impl CodeDoor {
    /// A door with a first code on `channel`, advertised on the LAN at
    /// `lan` (when not empty). Returns the door and its first code.
    pub(crate) fn open(
        channel: &str,
        hello: Hello,
        mode: Mode,
        expires_at: u64,
        lan: Vec<SocketAddr>,
        renewals: mpsc::UnboundedSender<ShortCode>,
    ) -> Result<(Arc<Self>, ShortCode), SessionError> {
        let code = ShortCode::generate(channel).map_err(|_| SessionError::Handshake(HandshakeError::Random))?;
        let door = Arc::new(Self {
            state: Mutex::new(DoorState {
                code: code.clone(),
                busy: false,
                #[cfg(feature = "mdns")]
                advert: None,
            }),
            hello,
            mode,
            expires_at,
            renewals,
            lan,
        });
        door.advertise(channel);
        Ok((door, code))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DoorState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Announces `channel` on the LAN, replacing an earlier announcement.
    fn advertise(&self, channel: &str) {
        #[cfg(feature = "mdns")]
        if !self.lan.is_empty() {
            let advert = match crate::discovery::Advert::start(channel, &self.lan) {
                Ok(advert) => Some(advert),
                Err(e) => {
                    tracing::info!("the code cannot be announced on the LAN: {e}");
                    None
                }
            };
            self.lock().advert = advert;
        }
        #[cfg(not(feature = "mdns"))]
        let _ = (channel, &self.lan);
    }

    /// The channel of the code shown now.
    pub(crate) fn channel(&self) -> String {
        self.lock().code.channel().to_owned()
    }

    /// Replaces the code with a new one on `channel` (the relay gave a new
    /// channel, or the old code was burned) and tells the user interface.
    fn renew(&self, channel: &str) {
        let Ok(code) = ShortCode::generate(channel) else {
            tracing::error!("no randomness for a new code");
            return;
        };
        let moved = {
            let mut state = self.lock();
            let moved = state.code.channel() != channel;
            state.code = code.clone();
            moved
        };
        if moved {
            self.advertise(channel);
        }
        let _ = self.renewals.send(code);
    }

    /// The relay gave `channel` for this desktop's code.
    pub(crate) fn use_channel(&self, channel: &str) {
        if self.channel() != channel {
            self.renew(channel);
        }
    }

    /// Runs one attempt: a scanner's PAKE message `first` on `link`. True
    /// when the invite was claimed by it.
    pub(crate) async fn attempt(
        &self,
        mut link: Box<dyn Link>,
        first: &[u8],
        claimed: &AtomicBool,
        tx: &mpsc::Sender<Claimed>,
    ) -> bool {
        let code = {
            let mut state = self.lock();
            if state.busy || claimed.load(Ordering::SeqCst) {
                None
            } else {
                state.busy = true;
                Some(state.code.clone())
            }
        };
        let Some(code) = code else {
            tracing::info!(path = %link.path(), "refused a code attempt while another runs");
            link.close().await;
            return false;
        };
        let result = self.exchange(&mut *link, &code, first).await;
        let claimed_now = match result {
            Ok(established) if !claimed.swap(true, Ordering::SeqCst) => {
                let _ = tx.send(Claimed::Code { link, established }).await;
                true
            }
            Ok(_) => {
                link.close().await;
                false
            }
            Err(e) => {
                // One try per code: whatever went wrong, it is spent.
                tracing::info!(path = %link.path(), "a code attempt failed ({e}); showing a new code");
                link.close().await;
                self.renew(code.channel());
                false
            }
        };
        self.lock().busy = false;
        claimed_now
    }

    async fn exchange(&self, link: &mut dyn Link, code: &ShortCode, first: &[u8]) -> Result<Established, SessionError> {
        let (desktop, desktop_msg, msg1) = DesktopCode::answer(code, first, &self.hello, self.mode, self.expires_at)?;
        link.send(&desktop_msg).await.map_err(|error| SessionError::Disconnected { error, after_sending: false })?;
        link.send(&msg1).await.map_err(|error| SessionError::Disconnected { error, after_sending: false })?;
        let msg2 = tokio::time::timeout(CODE_STEP_TIMEOUT, link.recv(MAX_HANDSHAKE_MESSAGE))
            .await
            .map_err(|_| SessionError::PeerSilent)?
            .map_err(|error| SessionError::Disconnected { error, after_sending: false })?;
        Ok(desktop.finish(&msg2)?)
    }
}

/// The desktop's place at the relay for its typed code: asks for a channel,
/// waits for a scanner's PAKE message there, runs the attempt, and asks for
/// a new channel after each (the relay gives each channel once).
pub(crate) async fn accept_code_relay(
    url: String,
    mut first: Option<(RelayLink, String)>,
    door: Arc<CodeDoor>,
    claimed: Arc<AtomicBool>,
    tx: mpsc::Sender<Claimed>,
) {
    let mut backoff = super::connect::Backoff::new();
    while !claimed.load(Ordering::SeqCst) {
        let connected = match first.take() {
            Some(given) => Ok(given),
            None => RelayLink::channel_host(&url, RELAY_CONNECT_TIMEOUT).await,
        };
        let next = match connected {
            Ok((mut link, channel)) => {
                door.use_channel(&channel);
                match link.recv_first(MAX_HANDSHAKE_MESSAGE, super::connect::RELAY_FIRST_MESSAGE_TIMEOUT).await {
                    Ok(pake) => {
                        if door.attempt(Box::new(link), &pake, &claimed, &tx).await {
                            return;
                        }
                        Retry::Now
                    }
                    Err(LinkError::Relay { code, .. }) => Retry::after_close(code),
                    Err(e) => {
                        tracing::info!(relay = %url, "the code's relay connection ended: {e}");
                        Retry::Backoff
                    }
                }
            }
            Err(e) => e.retry(),
        };
        match next {
            Retry::Never => return,
            Retry::Now => {}
            Retry::After(wait) => tokio::time::sleep(wait).await,
            Retry::Backoff => tokio::time::sleep(backoff.pause()).await,
        }
    }
}

/// A channel for a LAN-only desktop: one no other desktop here announces.
pub(crate) async fn lan_channel() -> Result<String, SessionError> {
    #[cfg(feature = "mdns")]
    let taken = tokio::task::spawn_blocking(|| crate::discovery::channels_in_use(Duration::from_millis(400)))
        .await
        .unwrap_or_default();
    #[cfg(not(feature = "mdns"))]
    let taken: Vec<String> = Vec::new();
    for _ in 0..20 {
        let channel = ShortCode::random_channel().map_err(|_| SessionError::Handshake(HandshakeError::Random))?;
        if !taken.contains(&channel) {
            return Ok(channel);
        }
    }
    ShortCode::random_channel().map_err(|_| SessionError::Handshake(HandshakeError::Random))
}

/// What a scanner's code exchange gives.
pub(crate) type Dialed = (Box<dyn Link>, Established, CodeOffer);

/// One message of a code exchange, within [`CODE_STEP_TIMEOUT`].
async fn step(link: &mut dyn Link) -> Result<Result<Vec<u8>, LinkError>, tokio::time::error::Elapsed> {
    tokio::time::timeout(CODE_STEP_TIMEOUT, link.recv(MAX_HANDSHAKE_MESSAGE)).await
}

/// Runs the scanner's side of a code exchange on `link`.
async fn exchange(link: &mut dyn Link, code: &ShortCode, hello: &Hello) -> Result<(Established, CodeOffer), SessionError> {
    let (scanner, scanner_msg) = ScannerCode::start(code);
    let lost = |error| SessionError::Disconnected { error, after_sending: false };
    link.send(&scanner_msg).await.map_err(|_| SessionError::Refused)?;
    let desktop_msg = match step(link).await {
        Ok(Ok(m)) => m,
        Ok(Err(LinkError::Relay { code: CLOSE_NO_SUCH_SESSION, .. })) => return Err(SessionError::NoDesktopForCode),
        Ok(Err(_)) => return Err(SessionError::Refused),
        Err(_) => return Err(SessionError::Unreachable("the desktop did not answer".into())),
    };
    let msg1 = step(link).await.map_err(|_| SessionError::PeerSilent)?.map_err(lost)?;
    let (offer, established, msg2) = scanner.reply(&desktop_msg, &msg1, hello).map_err(|e| match e {
        HandshakeError::Failed => SessionError::WrongCode,
        other => other.into(),
    })?;
    link.send(&msg2).await.map_err(lost)?;
    Ok((established, offer))
}

/// Finds the desktop of a typed code (the LAN by mDNS, the relay by
/// channel, raced) and runs the exchange; the first that completes wins. A
/// wrong code ends the search: the desktop has burned it.
pub(crate) async fn dial(
    code: &ShortCode,
    hello: &Hello,
    config: &super::GuestConfig,
) -> Result<Dialed, SessionError> {
    let mut attempts: JoinSet<Result<Dialed, SessionError>> = JoinSet::new();
    if config.use_lan {
        let finder = config.finder.clone().or_else(default_finder);
        if let Some(finder) = finder {
            let (code, hello, connect_timeout) = (code.clone(), hello.clone(), config.connect_timeout);
            attempts.spawn(async move {
                let channel = code.channel().to_owned();
                let found = tokio::task::spawn_blocking(move || finder.find(&channel, LAN_SEARCH)).await.unwrap_or_default();
                let mut last = SessionError::NoDesktopForCode;
                for addr in found {
                    let Ok(link) = lan::connect(addr, connect_timeout).await else { continue };
                    let mut link: Box<dyn Link> = Box::new(link);
                    match exchange(&mut *link, &code, &hello).await {
                        Ok((established, offer)) => return Ok((link, established, offer)),
                        Err(SessionError::WrongCode) => return Err(SessionError::WrongCode),
                        Err(e) => last = e,
                    }
                }
                Err(last)
            });
        }
    }
    if let (true, Some(url)) = (config.use_relay, config.relay_url.clone()) {
        let (code, hello) = (code.clone(), hello.clone());
        let delay = if config.use_lan { config.relay_delay } else { Duration::ZERO };
        attempts.spawn(async move {
            tokio::time::sleep(delay).await;
            let mut link: Box<dyn Link> = Box::new(
                RelayLink::channel_guest(&url, code.channel(), RELAY_CONNECT_TIMEOUT)
                    .await
                    .map_err(SessionError::RelayUnreachable)?,
            );
            let (established, offer) = exchange(&mut *link, &code, &hello).await?;
            Ok((link, established, offer))
        });
    }
    let mut best: Option<SessionError> = None;
    while let Some(joined) = attempts.join_next().await {
        match joined {
            Ok(Ok(won)) => return Ok(won),
            Ok(Err(SessionError::WrongCode)) => return Err(SessionError::WrongCode),
            Ok(Err(e)) => {
                if best.is_none() || matches!(best, Some(SessionError::NoDesktopForCode)) {
                    best = Some(e);
                }
            }
            Err(e) => tracing::debug!("a code attempt task ended: {e}"),
        }
    }
    Err(best.unwrap_or(SessionError::NoDesktopForCode))
}

fn default_finder() -> Option<Arc<dyn LanFinder>> {
    #[cfg(feature = "mdns")]
    return Some(Arc::new(crate::discovery::MdnsFinder));
    #[cfg(not(feature = "mdns"))]
    None
}

/// True when a code's offer is still valid.
pub(crate) fn offer_is_fresh(offer: &CodeOffer) -> bool {
    crate::invite::unix_seconds(SystemTime::now()) < offer.expires_at
}
