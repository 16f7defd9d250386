//! Pairing a host with its guest, with no polling: of the two, the second
//! to claim its role learns of the first (from the local registry or the
//! Redis claim script) and starts the pairing; the first waits on its
//! inbox.
//!
//! * The guest is second: it joins the host (`Joined` locally, a `Join`
//!   message to the host's node otherwise); a remote host answers
//!   `Accept`.
//! * The host is second: it calls the waiting guest (`Called`, or a
//!   `Call` message), and the guest joins it as above.
//!
//! A waiting host is pinged while it waits ([`Liveness`]), and its socket
//! is read all the while, so a host that leaves is seen at once.

use std::sync::Arc;

use futures_util::StreamExt;
use tokio::time::{Instant, sleep, sleep_until};
use tracing::debug;

use crate::close::CloseReason;
use crate::liveness::{Liveness, Wake};
use crate::registry::{Event, Peer};
use crate::request::Role;
use crate::session::{Conn, Found};
use crate::wire::{Body, Origin};

impl Conn {
    /// A host that arrived second tells the waiting guest it is here.
    pub(crate) async fn call(&mut self, found: Found) {
        match found {
            Found::Nothing => {}
            Found::Local(guest) => {
                let _ = guest.send(Event::Called(Peer::Local(self.tx.clone())));
            }
            Found::Remote(guest) => {
                if let Some(bus) = &self.shared.bus {
                    let env = self.envelope(Role::Guest, guest.token, Body::Call);
                    if let Err(e) = bus.send(&guest.node, &env).await {
                        debug!(id = self.rv.id.short(), error = %e, "could not call the waiting guest");
                    }
                }
            }
        }
    }

    /// A host waits for its guest. A channel host's wait counts from its
    /// channel's allocation (when its channel's lifetime in Redis starts
    /// too), and ends (4010) if this node loses Redis: its guest can no
    /// longer find the channel, and the channel may not outlive the outage.
    pub(crate) async fn wait_for_guest(&mut self) -> Result<Peer, CloseReason> {
        let shared = Arc::clone(&self.shared);
        shared.metrics.waiting(1);
        let started = Instant::now();
        let deadline = self.channel.as_ref().map_or(started, |c| c.since()) + shared.limits.host_wait;
        let mut live = Liveness::new(started, &shared.limits);
        let wake = sleep_until(deadline.min(live.next_wake()));
        tokio::pin!(wake);
        let result = loop {
            tokio::select! {
                biased;
                ev = self.rx.recv() => match ev {
                    Event::Joined(peer @ Peer::Local(_)) => break Ok(peer),
                    Event::Joined(Peer::Remote { node, token }) => {
                        if Box::pin(self.accept(&node, token)).await {
                            break Ok(Peer::Remote { node, token });
                        }
                    }
                    Event::Drain | Event::Force => break Err(CloseReason::GoingAway),
                    Event::Probe => {
                        live.probe(Instant::now());
                        wake.as_mut().reset(deadline.min(live.next_wake()));
                    }
                    Event::BackendLost if self.channel.is_some() => break Err(CloseReason::BackendUnavailable),
                    // A waiting host keeps waiting through a Redis outage:
                    // a guest on this node can still come.
                    Event::BackendLost | Event::NodeLost(_) | Event::Data(_) | Event::PeerClosed(_)
                    | Event::Accepted(_) | Event::Called(_) => {}
                },
                msg = self.ws.next() => {
                    if let Err(r) = self.hold(msg) {
                        break Err(r);
                    }
                    live.heard(Instant::now(), &shared.limits);
                    wake.as_mut().reset(deadline.min(live.next_wake()));
                }
                () = &mut wake => {
                    let now = Instant::now();
                    if now >= deadline {
                        break Err(CloseReason::HostWaitExpired);
                    }
                    match live.on_wake(now, &shared.limits) {
                        Wake::Ping => {
                            if let Err(r) = Box::pin(self.ping()).await {
                                break Err(r);
                            }
                        }
                        Wake::Dead => break Err(CloseReason::Unresponsive),
                        Wake::Nothing => {}
                    }
                    wake.as_mut().reset(deadline.min(live.next_wake()));
                }
            }
        };
        shared.metrics.waiting(-1);
        let peer = result?;
        shared.metrics.pairing(started.elapsed());
        Ok(peer)
    }

    /// Accepts a guest on another node; `false` when it cannot be told
    /// (its node is gone): the host goes on waiting.
    async fn accept(&mut self, node: &str, token: u64) -> bool {
        let Some(bus) = &self.shared.bus else { return false };
        let env = self.envelope(Role::Guest, token, Body::Accept);
        match bus.send(node, &env).await {
            Ok(()) => true,
            Err(e) => {
                debug!(id = self.rv.id.short(), error = %e, "could not accept a guest on another node");
                false
            }
        }
    }

    /// Asks a host on another node to pair; `false` if its node cannot be
    /// reached.
    async fn join(&mut self, host: &Origin) -> bool {
        let Some(bus) = &self.shared.bus else { return false };
        let env = self.envelope(Role::Host, host.token, Body::Join);
        bus.send(&host.node, &env).await.is_ok()
    }

    /// Joins a host on this node; `false` if it has just ended.
    fn join_local(&self, host: &crate::inbox::InboxSender) -> bool {
        host.send(Event::Joined(Peer::Local(self.tx.clone()))).is_ok()
    }

    /// A guest finds its host: the one claiming found, or the one that
    /// calls while it waits ([`Limits::guest_wait`], then 4004; 4010 if
    /// Redis was away meanwhile, since the host may be on another node).
    ///
    /// [`Limits::guest_wait`]: crate::Limits::guest_wait
    pub(crate) async fn find_host(&mut self, found: Found, local_only: bool) -> Result<Peer, CloseReason> {
        let shared = Arc::clone(&self.shared);
        // The remote host this guest asked to pair with, if any.
        let mut asked: Option<Origin> = None;
        let mut backend_missing = local_only;
        match found {
            Found::Local(host) => {
                if self.join_local(&host) {
                    return Ok(Peer::Local(host));
                }
            }
            Found::Remote(host) => {
                if self.join(&host).await {
                    asked = Some(host);
                }
            }
            Found::Nothing => {}
        }
        let deadline = sleep(shared.limits.guest_wait);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                biased;
                ev = self.rx.recv() => match ev {
                    Event::Accepted(peer) => return Ok(peer),
                    Event::Called(Peer::Local(host)) => {
                        if self.join_local(&host) {
                            return Ok(Peer::Local(host));
                        }
                    }
                    Event::Called(Peer::Remote { node, token }) => {
                        let host = Origin { node: node.to_string(), token };
                        if asked.as_ref() != Some(&host) && self.join(&host).await {
                            asked = Some(host);
                        }
                    }
                    // "No such host there" (a stale claim): wait for a call.
                    Event::PeerClosed(_) => asked = None,
                    Event::Drain | Event::Force => return Err(CloseReason::GoingAway),
                    Event::BackendLost => {
                        if asked.is_some() {
                            return Err(CloseReason::BackendUnavailable);
                        }
                        backend_missing = true;
                    }
                    Event::Joined(other) => self.refuse(other).await,
                    Event::Data(_) | Event::Probe | Event::NodeLost(_) => {}
                },
                msg = self.ws.next() => self.hold(msg)?,
                _ = &mut deadline => {
                    return Err(if backend_missing { CloseReason::BackendUnavailable } else { CloseReason::NoSuchSession });
                }
            }
        }
    }
}
