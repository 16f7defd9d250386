//! One rendezvous connection, from upgrade to close, in three phases:
//!
//! 1. **claim** the role in the local [`Registry`](crate::registry::Registry)
//!    and, when shared, in Redis. Taken → 4001 when a pair is formed, 4011
//!    (retry) when the holder waits alone (it is probed meanwhile). With
//!    Redis unreachable the claim is local only: pairs on this node still
//!    work (see `docs/RELAY.md`, "Losing Redis", for why that is safe);
//! 2. **pair** ([`pairing`](crate::pairing)): the second of the two to
//!    arrive starts it, with no polling;
//! 3. **forward** binary messages verbatim to the peer, local (its inbox)
//!    or remote (Redis), under the message, session-byte, idle,
//!    session-time and ping limits, until one side ends; then the other
//!    side is closed too.
//!
//! A channel host ([`channel`](crate::channel)) is a host under its
//! channel's internal rendezvous key: it is told its channel in a text
//! message once it has claimed its role, then waits as any host does; its
//! channel is released when it stops waiting. A channel guest first takes
//! the channel (single use; 4004 at once if nobody holds it), then joins
//! that key as any guest does.
//!
//! A connection is one task. Phases that are rare or large (Redis calls,
//! forwarding) are boxed, so that a waiting connection's task stays small.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::Either;
use futures_util::{SinkExt, StreamExt};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use tokio::io::AsyncReadExt;
use tokio::time::{Instant, sleep, sleep_until};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::error::{CapacityError, Error as WsError, ProtocolError};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tracing::{debug, info};

use crate::channel::{Channel, announcement};
use crate::channel_store::{self, ChannelHold};
use crate::close::CloseReason;
use crate::inbox::{Inbox, InboxSender, inbox};
use crate::limits::ConnectionPermit;
use crate::liveness::{Liveness, Wake};
use crate::redis_bus::ClaimOutcome;
use crate::registry::{Entry, Event, Peer};
use crate::request::{Rendezvous, Role};
use crate::shared::Shared;
use crate::wire::{Body, Envelope, Origin};

/// A server-side WebSocket over an upgraded HTTP connection.
pub(crate) type Ws = WebSocketStream<TokioIo<Upgraded>>;

/// How long a client gets to answer the relay's close frame.
const CLOSE_GRACE: Duration = Duration::from_secs(2);
/// The payload of the ping that tells a host its guest arrived.
const PAIRED_PING: &[u8] = b"paired";

/// What an upgraded connection was admitted as.
pub(crate) enum Admitted {
    /// `/v1/rendezvous/{id}`.
    Rendezvous(Rendezvous),
    /// `/v1/channel?role=host`, with the channel allocated for it.
    ChannelHost(ChannelHold),
    /// `/v1/channel/{digits}?role=guest`, looked up now.
    ChannelGuest(Channel),
}

/// Serves one upgraded connection to its end.
///
/// Not an `async fn`: its arguments would be kept in the task beside the
/// [`Conn`] they are moved into. The connection is built first, then
/// served; a channel guest's lookup is boxed, so that it adds nothing to
/// every other connection's task.
pub(crate) fn serve(ws: Ws, admitted: Admitted, shared: Arc<Shared>, permit: ConnectionPermit) -> impl Future<Output = ()> {
    let (rv, channel) = match admitted {
        Admitted::Rendezvous(rv) => (rv, None),
        Admitted::ChannelHost(hold) => (Rendezvous { id: hold.key().clone(), role: Role::Host }, Some(hold)),
        Admitted::ChannelGuest(channel) => return Either::Right(Box::pin(serve_channel_guest(ws, channel, shared, permit))),
    };
    Either::Left(serve_conn(Conn::new(ws, rv, channel, shared), permit))
}

/// A connection's life; `permit` (its place under the connection cap) is
/// freed at the end. A plain `fn` returning an `async move` block, so that
/// the task holds the connection once (an `async fn` would hold its
/// argument and a `mut` copy of it).
#[allow(clippy::manual_async_fn)] // the `async fn` holds the connection twice (above)
fn serve_conn(mut conn: Conn, permit: ConnectionPermit) -> impl Future<Output = ()> {
    async move {
        let reason = conn.run().await;
        // Released before the close handshake, however the connection ended.
        conn.channel = None;
        Box::pin(conn.finish(reason)).await;
        drop(permit);
    }
}

/// A channel guest: takes the channel, then is a guest of its host's key.
async fn serve_channel_guest(mut ws: Ws, channel: Channel, shared: Arc<Shared>, permit: ConnectionPermit) {
    match channel_store::take(&shared, channel).await {
        Ok(id) => serve_conn(Conn::new(ws, Rendezvous { id, role: Role::Guest }, None, shared), permit).await,
        Err(reason) => {
            shared.metrics.closed(reason);
            debug!(reason = reason.label(), "channel lookup found no host");
            close_socket(&mut ws, reason, false).await;
        }
    }
}

/// What a read from the client's socket gave.
pub(crate) enum Incoming {
    /// A binary message.
    Data(Bytes),
    /// A ping or pong; tungstenite answers pings itself.
    Control,
    /// A close frame; `normal` when its code is 1000.
    Closed { normal: bool },
}

/// Sorts a read from the client into data, control or the reason to end.
pub(crate) fn classify(msg: Option<Result<Message, WsError>>) -> Result<Incoming, CloseReason> {
    match msg {
        None => Err(CloseReason::ConnectionLost),
        Some(Ok(Message::Binary(b))) => Ok(Incoming::Data(b)),
        Some(Ok(Message::Text(_))) => Err(CloseReason::BinaryOnly),
        Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => Ok(Incoming::Control),
        Some(Ok(Message::Close(frame))) => {
            Ok(Incoming::Closed { normal: frame.is_some_and(|f| f.code == CloseCode::Normal) })
        }
        Some(Err(WsError::Capacity(CapacityError::MessageTooLong { .. }))) => Err(CloseReason::MessageTooLarge),
        Some(Err(WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake))) => Err(CloseReason::ConnectionLost),
        Some(Err(WsError::Capacity(_) | WsError::Protocol(_) | WsError::Utf8(_))) => Err(CloseReason::ProtocolError),
        Some(Err(_)) => Err(CloseReason::ConnectionLost),
    }
}

/// What the peer is told when this side ends for `reason`.
fn for_peer(reason: CloseReason) -> CloseReason {
    match reason {
        CloseReason::Finished
        | CloseReason::GoingAway
        | CloseReason::Idle
        | CloseReason::SessionTimeLimit
        | CloseReason::SessionByteLimit
        | CloseReason::BackendUnavailable => reason,
        _ => CloseReason::PeerClosed,
    }
}

/// A held role; releases it when dropped.
struct Claim {
    shared: Arc<Shared>,
    id: Arc<str>,
    role: Role,
    token: u64,
}

impl Drop for Claim {
    fn drop(&mut self) {
        self.shared.registry.remove(&self.id, self.role, self.token);
        if let Some(bus) = &self.shared.bus {
            bus.release(&self.id, self.role, self.token);
        }
    }
}

/// Who claiming found holding the other role.
pub(crate) enum Found {
    /// Nobody (yet).
    Nothing,
    /// A connection on this node.
    Local(InboxSender),
    /// A connection on another node.
    Remote(Origin),
}

/// One connection's state.
pub(crate) struct Conn {
    pub(crate) ws: Ws,
    pub(crate) rx: Inbox,
    pub(crate) tx: InboxSender,
    pub(crate) rv: Rendezvous,
    pub(crate) token: u64,
    pub(crate) shared: Arc<Shared>,
    /// A channel host's channel, while it waits.
    pub(crate) channel: Option<ChannelHold>,
    /// Messages the client sent before pairing.
    pending: Vec<Bytes>,
    pending_bytes: usize,
    /// Bytes this session carried, both directions.
    bytes: u64,
    /// The client sent a close frame (tungstenite has queued the reply).
    client_closed: bool,
}

impl Conn {
    fn new(ws: Ws, rv: Rendezvous, channel: Option<ChannelHold>, shared: Arc<Shared>) -> Conn {
        let token = shared.next_token();
        let (tx, rx) = inbox();
        Conn { ws, rx, tx, rv, token, shared, channel, pending: Vec::new(), pending_bytes: 0, bytes: 0, client_closed: false }
    }

    async fn run(&mut self) -> CloseReason {
        let (_claim, found, local_only) = match Box::pin(self.claim()).await {
            Ok(c) => c,
            Err(r) => return r,
        };
        debug!(id = self.rv.id.short(), role = %self.rv.role, local_only, "claimed");
        let peer = match self.rv.role {
            Role::Host => {
                if self.channel.is_some() {
                    if let Err(r) = Box::pin(self.announce(local_only)).await {
                        return r;
                    }
                }
                Box::pin(self.call(found)).await;
                let peer = self.wait_for_guest().await;
                // Only the guest that took the channel (and so deleted it)
                // knows this key: a paired host's channel is gone already.
                // Otherwise it is released now, on every node.
                if let (Some(hold), Ok(_)) = (self.channel.take(), &peer) {
                    hold.taken();
                }
                peer
            }
            // Guests wait briefly: their larger state is boxed, so that
            // only a waiting host's state sizes every connection's task.
            Role::Guest => Box::pin(self.find_host(found, local_only)).await,
        };
        match peer {
            Ok(peer) => Box::pin(self.forward(peer)).await,
            Err(r) => r,
        }
    }

    /// An envelope from this connection to `token` (in `to`'s role).
    pub(crate) fn envelope(&self, to: Role, token: u64, body: Body) -> Envelope {
        Envelope {
            to,
            token,
            id: self.rv.id.as_str().to_owned(),
            from: Origin { node: self.shared.node.to_string(), token: self.token },
            body,
        }
    }

    /// Takes the role: in the local registry first (so that a `Join` from
    /// another node, sent as soon as the Redis claim is visible, finds
    /// this connection), then in Redis if shared. Returns who holds the
    /// other role, and whether the claim is local only (Redis is away).
    async fn claim(&mut self) -> Result<(Claim, Found, bool), CloseReason> {
        let id = self.rv.id.shared();
        let role = self.rv.role;
        let other = match self.shared.registry.insert(&id, role, Entry { token: self.token, inbox: self.tx.clone() }) {
            Ok(other) => other,
            Err(taken) if taken.other_held => return Err(CloseReason::Crowded),
            Err(taken) => {
                // The holder waits alone: maybe a half-open connection the
                // same client is replacing. Check it; the newcomer retries.
                let _ = taken.holder.inbox.send(Event::Probe);
                return Err(CloseReason::Busy);
            }
        };
        let claim = Claim { shared: Arc::clone(&self.shared), id: Arc::clone(&id), role, token: self.token };
        // Registered before this check: either shutdown's broadcast reaches
        // this connection, or this check sees shutdown.
        if self.shared.drain.is_cancelled() {
            return Err(CloseReason::GoingAway);
        }
        let mut found = other.map_or(Found::Nothing, |e| Found::Local(e.inbox));
        let Some(bus) = &self.shared.bus else { return Ok((claim, found, false)) };
        // On failure, dropping `claim` takes the registry place back (and
        // releases nothing in Redis that is not ours).
        match bus.claim(&id, role, self.token).await {
            Ok(ClaimOutcome::Claimed { other }) => {
                if let (Found::Nothing, Some(o)) = (&found, other) {
                    // Same node: the registry has already paired them.
                    if o.node != bus.node() {
                        found = Found::Remote(o);
                    }
                }
                Ok((claim, found, false))
            }
            Ok(ClaimOutcome::Taken { other_held: true, .. }) => Err(CloseReason::Crowded),
            Ok(ClaimOutcome::Taken { holder, other_held: false }) => {
                if let Some(h) = holder.filter(|h| h.node != bus.node()) {
                    let _ = bus.send(&h.node, &self.envelope(role, h.token, Body::Probe)).await;
                }
                Err(CloseReason::Busy)
            }
            Err(e) => {
                debug!(id = self.rv.id.short(), error = %e, "Redis unavailable: claimed on this node only");
                Ok((claim, found, true))
            }
        }
    }

    /// Tells a channel host its channel (the text message of
    /// `docs/RELAY.md`), once its role is claimed. A claim made while
    /// Redis was away ends it (4010): its channel may not outlive the
    /// outage, so the host asks for a new one.
    async fn announce(&mut self, local_only: bool) -> Result<(), CloseReason> {
        let Some(hold) = &self.channel else { return Ok(()) };
        if local_only {
            return Err(CloseReason::BackendUnavailable);
        }
        let text = announcement(hold.channel(), hold.expires_in(Instant::now()));
        match tokio::time::timeout(CLOSE_GRACE, self.ws.send(Message::Text(text.into()))).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(CloseReason::ConnectionLost),
        }
    }

    /// Keeps a message the client sent before pairing: up to one message
    /// size's worth in all (a guest's first handshake message, sent before
    /// its host is there); more ends the connection (4012), so that the
    /// relay never stops reading a waiting client and sees it leave.
    pub(crate) fn hold(&mut self, msg: Option<Result<Message, WsError>>) -> Result<(), CloseReason> {
        match classify(msg)? {
            Incoming::Data(b) => {
                if self.pending_bytes + b.len() > self.shared.limits.max_message_bytes {
                    return Err(CloseReason::EarlyDataLimit);
                }
                self.pending_bytes += b.len();
                self.pending.push(b);
                Ok(())
            }
            Incoming::Control => Ok(()),
            Incoming::Closed { .. } => {
                self.client_closed = true;
                Err(CloseReason::ClientClosed)
            }
        }
    }

    /// Pings the client (bounded: a client that does not read cannot
    /// block the relay).
    pub(crate) async fn ping(&mut self) -> Result<(), CloseReason> {
        match tokio::time::timeout(CLOSE_GRACE, self.ws.send(Message::Ping(Bytes::new()))).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(CloseReason::ConnectionLost),
        }
    }

    /// Turns away a second guest that reached a host already paired.
    pub(crate) async fn refuse(&mut self, other: Peer) {
        self.notify(&other, Role::Guest, CloseReason::Crowded).await;
    }

    /// Tells a peer to close with `reason`.
    async fn notify(&mut self, peer: &Peer, peer_role: Role, reason: CloseReason) {
        match peer {
            Peer::Local(inbox) => {
                let _ = inbox.send(Event::PeerClosed(reason));
            }
            Peer::Remote { node, token } => {
                if let Some(bus) = &self.shared.bus {
                    let env = self.envelope(peer_role, *token, Body::Close(reason.code()));
                    let _ = Box::pin(bus.send_on_the_way_out(node, &env)).await;
                }
            }
        }
    }

    /// Sends a client's message to the peer.
    async fn send_to_peer(&mut self, peer: &Peer, data: Bytes) -> Result<(), CloseReason> {
        match peer {
            Peer::Local(inbox) => inbox.send(Event::Data(data)).map_err(|_| CloseReason::PeerClosed),
            Peer::Remote { node, token } => {
                let bus = self.shared.bus.as_ref().ok_or(CloseReason::Internal)?;
                let env = self.envelope(self.rv.role.peer(), *token, Body::Data(data));
                bus.send(node, &env).await.map_err(|_| CloseReason::BackendUnavailable)
            }
        }
    }

    /// Forwards messages both ways until one side ends.
    async fn forward(&mut self, peer: Peer) -> CloseReason {
        let shared = Arc::clone(&self.shared);
        let limits = &shared.limits;
        let peer_role = self.rv.role.peer();
        if self.rv.role == Role::Host {
            shared.metrics.paired(1);
        }
        // A peer on another node is watched: if its node dies or loses
        // Redis, this side learns it within seconds.
        let _watch = match (&shared.bus, peer.node()) {
            (Some(bus), Some(node)) => Some(bus.watch(node)),
            _ => None,
        };
        info!(id = self.rv.id.short(), role = %self.rv.role, remote = peer.is_remote(), "paired");
        let (mine, theirs) = 'session: {
            // The host is told its guest arrived, so that it can bound its
            // wait for the guest's first message (docs/RELAY.md).
            if self.rv.role == Role::Host {
                let told = tokio::time::timeout(CLOSE_GRACE, self.ws.send(Message::Ping(Bytes::from_static(PAIRED_PING)))).await;
                if !matches!(told, Ok(Ok(()))) {
                    break 'session (CloseReason::PeerClosed, Some(CloseReason::PeerClosed));
                }
            }
            for data in std::mem::take(&mut self.pending) {
                self.bytes += data.len() as u64;
                if let Err(r) = self.send_to_peer(&peer, data).await {
                    break 'session (r, Some(for_peer(r)));
                }
            }
            self.pending_bytes = 0;
            let idle = sleep(limits.idle);
            tokio::pin!(idle);
            let lifetime = sleep(limits.max_session_time);
            tokio::pin!(lifetime);
            let mut live = Liveness::new(Instant::now(), limits);
            let wake = sleep_until(live.next_wake());
            tokio::pin!(wake);
            // Paired after the drain deadline's broadcast: end now.
            if shared.force.is_cancelled() {
                break 'session (CloseReason::GoingAway, Some(CloseReason::GoingAway));
            }
            loop {
                tokio::select! {
                    biased;
                    ev = self.rx.recv() => match ev {
                        Event::Force => break 'session (CloseReason::GoingAway, Some(CloseReason::GoingAway)),
                        Event::Data(data) => {
                            idle.as_mut().reset(Instant::now() + limits.idle);
                            let len = data.len();
                            self.bytes += len as u64;
                            match tokio::time::timeout(limits.idle, self.ws.send(Message::Binary(data))).await {
                                Ok(Ok(())) => shared.metrics.forwarded(len),
                                Ok(Err(_)) => break 'session (CloseReason::ConnectionLost, Some(CloseReason::PeerClosed)),
                                Err(_) => break 'session (CloseReason::Idle, Some(CloseReason::Idle)),
                            }
                        }
                        Event::PeerClosed(r) => break 'session (r, None),
                        Event::BackendLost if peer.is_remote() => {
                            break 'session (CloseReason::BackendUnavailable, Some(CloseReason::BackendUnavailable))
                        }
                        Event::NodeLost(node) if peer.node() == Some(&node) => {
                            break 'session (CloseReason::BackendUnavailable, None)
                        }
                        Event::Joined(other) => self.refuse(other).await,
                        // Paired sessions may finish during the drain.
                        Event::BackendLost | Event::NodeLost(_) | Event::Accepted(_) | Event::Called(_)
                        | Event::Probe | Event::Drain => {}
                    },
                    msg = self.ws.next() => {
                        live.heard(Instant::now(), limits);
                        wake.as_mut().reset(live.next_wake());
                        match classify(msg) {
                            Ok(Incoming::Data(data)) => {
                                idle.as_mut().reset(Instant::now() + limits.idle);
                                self.bytes += data.len() as u64;
                                if self.bytes > limits.max_session_bytes {
                                    break 'session (CloseReason::SessionByteLimit, Some(CloseReason::SessionByteLimit));
                                }
                                if let Err(r) = self.send_to_peer(&peer, data).await {
                                    break 'session (r, Some(for_peer(r)));
                                }
                            }
                            Ok(Incoming::Control) => {}
                            Ok(Incoming::Closed { normal }) => {
                                // A normal close after a transfer is a
                                // success, and counted as one.
                                self.client_closed = true;
                                let r = if normal { CloseReason::Finished } else { CloseReason::ClientClosed };
                                break 'session (r, Some(for_peer(r)));
                            }
                            Err(r) => break 'session (r, Some(for_peer(r))),
                        }
                    }
                    _ = &mut idle => break 'session (CloseReason::Idle, Some(CloseReason::Idle)),
                    _ = &mut lifetime => {
                        break 'session (CloseReason::SessionTimeLimit, Some(CloseReason::SessionTimeLimit))
                    }
                    () = &mut wake => {
                        match live.on_wake(Instant::now(), limits) {
                            Wake::Ping => if let Err(r) = self.ping().await { break 'session (r, Some(for_peer(r))) },
                            Wake::Dead => break 'session (CloseReason::Unresponsive, Some(CloseReason::PeerClosed)),
                            Wake::Nothing => {}
                        }
                        wake.as_mut().reset(live.next_wake());
                    }
                }
            }
        };
        if let Some(theirs) = theirs {
            self.notify(&peer, peer_role, theirs).await;
        }
        if self.rv.role == Role::Host {
            shared.metrics.paired(-1);
        }
        mine
    }

    /// Counts and logs the end, then sends the close frame (when the
    /// client is still there) and gives the client a moment to answer it,
    /// so the frame is not lost to a reset.
    async fn finish(&mut self, reason: CloseReason) {
        self.shared.metrics.closed(reason);
        info!(
            id = self.rv.id.short(),
            role = %self.rv.role,
            reason = reason.label(),
            code = reason.code(),
            bytes = self.bytes,
            "closed"
        );
        close_socket(&mut self.ws, reason, self.client_closed).await;
    }
}

/// Sends the close frame for `reason` (when the client is still there),
/// or the reply to the client's own close, and waits a moment for the
/// client to hang up.
async fn close_socket(ws: &mut Ws, reason: CloseReason, client_closed: bool) {
    let frame =
        reason.sends_frame().then(|| CloseFrame { code: CloseCode::from(reason.code()), reason: reason.reason().into() });
    let _ = tokio::time::timeout(CLOSE_GRACE, async move {
        if client_closed {
            // tungstenite has queued the reply to the client's close:
            // send it.
            let _ = ws.flush().await;
        } else {
            let _ = ws.close(frame).await;
        }
        loop {
            match ws.next().await {
                Some(Ok(_)) => {}
                None => break,
                Some(Err(_)) => {
                    // The stream is out of step (the rest of an
                    // oversized message): read raw bytes until the
                    // client hangs up.
                    let mut sink = [0u8; 256];
                    while let Ok(n) = ws.get_mut().read(&mut sink).await {
                        if n == 0 {
                            break;
                        }
                    }
                    break;
                }
            }
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_sorts_reads() {
        assert!(matches!(classify(None), Err(CloseReason::ConnectionLost)));
        assert!(matches!(classify(Some(Ok(Message::Binary(Bytes::from_static(b"x"))))), Ok(Incoming::Data(_))));
        assert!(matches!(classify(Some(Ok(Message::Text("x".into())))), Err(CloseReason::BinaryOnly)));
        assert!(matches!(classify(Some(Ok(Message::Ping(Bytes::new())))), Ok(Incoming::Control)));
        assert!(matches!(classify(Some(Ok(Message::Close(None)))), Ok(Incoming::Closed { normal: false })));
        let normal = CloseFrame { code: CloseCode::Normal, reason: "".into() };
        assert!(matches!(classify(Some(Ok(Message::Close(Some(normal))))), Ok(Incoming::Closed { normal: true })));
        let big = WsError::Capacity(CapacityError::MessageTooLong { size: 10, max_size: 5 });
        assert!(matches!(classify(Some(Err(big))), Err(CloseReason::MessageTooLarge)));
        assert!(matches!(classify(Some(Err(WsError::ConnectionClosed))), Err(CloseReason::ConnectionLost)));
        let reset = WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake);
        assert!(matches!(classify(Some(Err(reset))), Err(CloseReason::ConnectionLost)));
        let bad = WsError::Protocol(ProtocolError::InvalidOpcode(15));
        assert!(matches!(classify(Some(Err(bad))), Err(CloseReason::ProtocolError)));
    }

    #[test]
    fn peers_learn_the_session_wide_reasons() {
        assert_eq!(for_peer(CloseReason::Finished), CloseReason::Finished);
        assert_eq!(for_peer(CloseReason::ClientClosed), CloseReason::PeerClosed);
        assert_eq!(for_peer(CloseReason::Idle), CloseReason::Idle);
        assert_eq!(for_peer(CloseReason::SessionByteLimit), CloseReason::SessionByteLimit);
        assert_eq!(for_peer(CloseReason::MessageTooLarge), CloseReason::PeerClosed);
        assert_eq!(for_peer(CloseReason::ConnectionLost), CloseReason::PeerClosed);
    }
}

