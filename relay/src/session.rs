//! One rendezvous connection, from upgrade to close, in three phases:
//!
//! 1. **claim** the role (Redis `SET NX` when shared, the local
//!    [`Registry`](crate::registry::Registry) always); taken → 4001;
//! 2. **pair**: a host waits for a guest ([`Limits::host_wait`], 4005); a
//!    guest looks for the host locally, then through its Redis claim
//!    ([`Limits::guest_wait`], 4004). Messages sent before pairing wait at
//!    the relay, about one message size's worth; beyond that the relay
//!    stops reading until the peer comes;
//! 3. **forward** binary messages verbatim to the peer, local (its inbox)
//!    or remote (Redis), under the message, session-byte, idle and
//!    session-time limits,
//!    until one side ends; then the other side is closed too.
//!
//! A connection is one task. Phases that are rare or large (Redis calls,
//! forwarding) are boxed, so that a waiting connection's task stays small.
//!
//! [`Limits::host_wait`]: crate::Limits::host_wait
//! [`Limits::guest_wait`]: crate::Limits::guest_wait

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use tokio::io::AsyncReadExt;
use tokio::time::{Instant, sleep};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::error::{CapacityError, Error as WsError, ProtocolError};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tracing::{debug, info};

use crate::close::CloseReason;
use crate::inbox::{Inbox, InboxSender, inbox};
use crate::limits::ConnectionPermit;
use crate::registry::{Entry, Event, Peer};
use crate::request::{Rendezvous, Role};
use crate::shared::Shared;
use crate::wire::{Body, Envelope, Origin};

/// A server-side WebSocket over an upgraded HTTP connection.
pub(crate) type Ws = WebSocketStream<TokioIo<Upgraded>>;

/// How long a client gets to answer the relay's close frame.
const CLOSE_GRACE: Duration = Duration::from_secs(2);
/// How often a waiting guest looks for its host.
const GUEST_POLL: Duration = Duration::from_millis(20);

/// Serves one upgraded rendezvous connection to its end.
pub(crate) async fn serve(ws: Ws, rv: Rendezvous, shared: Arc<Shared>, permit: ConnectionPermit) {
    let token = shared.next_token();
    let (tx, rx) = inbox();
    let mut conn = Conn { ws, rx, tx, rv, token, shared, pending: Vec::new(), pending_bytes: 0, bytes: 0 };
    let reason = conn.run().await;
    Box::pin(conn.finish(reason)).await;
    drop(permit);
}

/// What a read from the client's socket gave.
enum Incoming {
    /// A binary message.
    Data(Bytes),
    /// A ping or pong; tungstenite answers pings itself.
    Control,
    /// A close frame; `normal` when its code is 1000.
    Closed { normal: bool },
}

/// Sorts a read from the client into data, control or the reason to end.
fn classify(msg: Option<Result<Message, WsError>>) -> Result<Incoming, CloseReason> {
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
        CloseReason::GoingAway
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

/// One connection's state.
struct Conn {
    ws: Ws,
    rx: Inbox,
    tx: InboxSender,
    rv: Rendezvous,
    token: u64,
    shared: Arc<Shared>,
    /// Messages the client sent before pairing.
    pending: Vec<Bytes>,
    pending_bytes: usize,
    /// Bytes this session carried, both directions.
    bytes: u64,
}

impl Conn {
    async fn run(&mut self) -> CloseReason {
        let _claim = match Box::pin(self.claim()).await {
            Ok(c) => c,
            Err(r) => return r,
        };
        debug!(id = self.rv.id.short(), role = %self.rv.role, "claimed");
        let peer = match self.rv.role {
            Role::Host => self.wait_for_guest().await,
            // Guests wait briefly: their larger state is boxed, so that
            // only a waiting host's state sizes every connection's task.
            Role::Guest => Box::pin(self.find_host()).await,
        };
        match peer {
            Ok(peer) => Box::pin(self.forward(peer)).await,
            Err(r) => r,
        }
    }

    /// Takes the role: in the local registry first (so that a `Join` from
    /// another node, sent as soon as the Redis claim is visible, finds
    /// this connection), then in Redis if shared.
    async fn claim(&mut self) -> Result<Claim, CloseReason> {
        let id = self.rv.id.shared();
        let role = self.rv.role;
        if !self.shared.registry.insert(&id, role, Entry { token: self.token, inbox: self.tx.clone() }) {
            return Err(CloseReason::Crowded);
        }
        let claim = Claim { shared: Arc::clone(&self.shared), id: Arc::clone(&id), role, token: self.token };
        // Registered before this check: either shutdown's broadcast reaches
        // this connection, or this check sees shutdown.
        if self.shared.drain.is_cancelled() {
            return Err(CloseReason::GoingAway);
        }
        if let Some(bus) = &self.shared.bus {
            // On failure, dropping `claim` takes the registry place back
            // (and releases nothing in Redis that is not ours).
            match bus.claim(&id, role, self.token).await {
                Ok(true) => {}
                Ok(false) => return Err(CloseReason::Crowded),
                Err(e) => {
                    info!(id = self.rv.id.short(), error = %e, "cannot claim in Redis");
                    return Err(CloseReason::BackendUnavailable);
                }
            }
        }
        Ok(claim)
    }

    /// Whether to read more before pairing: up to one message size's worth
    /// waits at the relay; beyond that the relay stops reading and TCP
    /// pushes back on the client.
    fn may_hold(&self) -> bool {
        self.pending_bytes < self.shared.limits.max_message_bytes
    }

    /// Keeps a message the client sent before pairing.
    fn hold(&mut self, msg: Option<Result<Message, WsError>>) -> Result<(), CloseReason> {
        match classify(msg)? {
            Incoming::Data(b) => {
                self.pending_bytes += b.len();
                self.pending.push(b);
                Ok(())
            }
            Incoming::Control => Ok(()),
            Incoming::Closed { .. } => Err(CloseReason::ClientClosed),
        }
    }

    /// A host waits for its guest.
    async fn wait_for_guest(&mut self) -> Result<Peer, CloseReason> {
        let shared = Arc::clone(&self.shared);
        shared.metrics.waiting(1);
        let started = Instant::now();
        let deadline = sleep(shared.limits.host_wait);
        tokio::pin!(deadline);
        let result = loop {
            tokio::select! {
                biased;
                ev = self.rx.recv() => match ev {
                    Event::Joined(peer) => break Ok(peer),
                    Event::Drain | Event::Force => break Err(CloseReason::GoingAway),
                    // A waiting host keeps waiting through a Redis outage:
                    // a guest on this node can still come.
                    Event::BackendLost | Event::Data(_) | Event::PeerClosed(_) | Event::Accepted(_) => {}
                },
                msg = self.ws.next(), if self.may_hold() => if let Err(r) = self.hold(msg) { break Err(r) },
                _ = &mut deadline => break Err(CloseReason::HostWaitExpired),
            }
        };
        shared.metrics.waiting(-1);
        let peer = result?;
        if let Peer::Remote { node, token } = &peer {
            let accept = Envelope {
                to: Role::Guest,
                token: *token,
                id: self.rv.id.as_str().to_owned(),
                body: Body::Accept(Origin { node: shared.node.to_string(), token: self.token }),
            };
            let bus = shared.bus.as_ref().ok_or(CloseReason::Internal)?;
            Box::pin(bus.send(node, &accept)).await.map_err(|_| CloseReason::BackendUnavailable)?;
        }
        shared.metrics.pairing(started.elapsed());
        Ok(peer)
    }

    /// A guest looks for its host: on this node, then through Redis.
    async fn find_host(&mut self) -> Result<Peer, CloseReason> {
        let shared = Arc::clone(&self.shared);
        let deadline = sleep(shared.limits.guest_wait);
        tokio::pin!(deadline);
        let mut poll = tokio::time::interval(GUEST_POLL);
        // The remote host this guest asked to pair with, if any.
        let mut asked: Option<Origin> = None;
        loop {
            tokio::select! {
                biased;
                ev = self.rx.recv() => match ev {
                    Event::Accepted(peer) => return Ok(peer),
                    Event::Drain | Event::Force => return Err(CloseReason::GoingAway),
                    Event::BackendLost if asked.is_some() => return Err(CloseReason::BackendUnavailable),
                    // "No such host there" (it may be registering as we
                    // speak): ask again at the next look, until the deadline.
                    Event::PeerClosed(_) => asked = None,
                    Event::BackendLost | Event::Data(_) => {}
                    Event::Joined(other) => self.refuse(other).await,
                },
                msg = self.ws.next(), if self.may_hold() => self.hold(msg)?,
                _ = &mut deadline => return Err(CloseReason::NoSuchSession),
                _ = poll.tick() => {
                    if let Some(host) = shared.registry.get(self.rv.id.as_str(), Role::Host) {
                        if host.inbox.send(Event::Joined(Peer::Local(self.tx.clone()))).is_ok() {
                            return Ok(Peer::Local(host.inbox));
                        }
                    } else if let Some(bus) = &shared.bus {
                        let holder = Box::pin(bus.holder(self.rv.id.as_str(), Role::Host))
                            .await
                            .map_err(|_| CloseReason::BackendUnavailable)?;
                        match holder {
                            Some(host) if host.node != bus.node() && asked.as_ref() != Some(&host) => {
                                let join = Envelope {
                                    to: Role::Host,
                                    token: host.token,
                                    id: self.rv.id.as_str().to_owned(),
                                    body: Body::Join(Origin { node: shared.node.to_string(), token: self.token }),
                                };
                                Box::pin(bus.send(&host.node, &join))
                                    .await
                                    .map_err(|_| CloseReason::BackendUnavailable)?;
                                asked = Some(host);
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
    }

    /// Turns away a second guest that reached a host already paired.
    async fn refuse(&mut self, other: Peer) {
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
                    let env = Envelope {
                        to: peer_role,
                        token: *token,
                        id: self.rv.id.as_str().to_owned(),
                        body: Body::Close(reason.code()),
                    };
                    let _ = Box::pin(bus.send(node, &env)).await;
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
                let env = Envelope {
                    to: self.rv.role.peer(),
                    token: *token,
                    id: self.rv.id.as_str().to_owned(),
                    body: Body::Data(data),
                };
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
        info!(id = self.rv.id.short(), role = %self.rv.role, remote = peer.is_remote(), "paired");
        let (mine, theirs) = 'session: {
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
                        Event::Joined(other) => self.refuse(other).await,
                        // Paired sessions may finish during the drain.
                        Event::BackendLost | Event::Accepted(_) | Event::Drain => {}
                    },
                    msg = self.ws.next() => match classify(msg) {
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
                            let theirs = if normal { CloseReason::Finished } else { CloseReason::PeerClosed };
                            break 'session (CloseReason::ClientClosed, Some(theirs));
                        }
                        Err(r) => break 'session (r, Some(for_peer(r))),
                    },
                    _ = &mut idle => break 'session (CloseReason::Idle, Some(CloseReason::Idle)),
                    _ = &mut lifetime => {
                        break 'session (CloseReason::SessionTimeLimit, Some(CloseReason::SessionTimeLimit))
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

    /// Sends the close frame (when the client is still there), then gives
    /// the client a moment to answer it, so the frame is not lost to a
    /// reset.
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
        let frame = reason
            .sends_frame()
            .then(|| CloseFrame { code: CloseCode::from(reason.code()), reason: reason.reason().into() });
        let ws = &mut self.ws;
        let client_closed = reason == CloseReason::ClientClosed;
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
        assert_eq!(for_peer(CloseReason::Idle), CloseReason::Idle);
        assert_eq!(for_peer(CloseReason::SessionByteLimit), CloseReason::SessionByteLimit);
        assert_eq!(for_peer(CloseReason::MessageTooLarge), CloseReason::PeerClosed);
        assert_eq!(for_peer(CloseReason::ConnectionLost), CloseReason::PeerClosed);
    }
}
