//! The connections living on this node, by rendezvous id and role, and the
//! [`Event`]s they send each other.
//!
//! Each connection owns an [inbox](crate::inbox). A local peer writes straight into it; the Redis bus writes
//! into it what arrives from a peer on another node. Without Redis the
//! registry is also the only claim store: one host and one guest per key.
//!
//! The registry is keyed by the rendezvous key as a string: the hex id of
//! `/v1/rendezvous/{id}`, or a channel's internal key (`ch:` and 32 hex
//! digits, [`channel_store`](crate::channel_store)), in the same map and
//! under the same one-host-one-guest rule.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;

use crate::close::CloseReason;
use crate::inbox::InboxSender;
use crate::request::Role;

/// Something that happens to a connection, from outside its own socket.
#[derive(Debug)]
pub(crate) enum Event {
    /// To a host: a guest is here.
    Joined(Peer),
    /// To a guest on another node than its host: the host accepted it.
    Accepted(Peer),
    /// To a waiting guest: its host has arrived (and waits for a join).
    Called(Peer),
    /// To the holder of a role someone else asked for: answer a ping soon
    /// or make way.
    Probe,
    /// A node that sessions here may be paired with lost Redis or died.
    NodeLost(Arc<str>),
    /// A message from the peer.
    Data(Bytes),
    /// The peer is gone, for this reason.
    PeerClosed(CloseReason),
    /// This node lost Redis: sessions with a peer elsewhere must end.
    BackendLost,
    /// Shutdown has begun: sessions still waiting for a peer close (1001).
    Drain,
    /// The drain deadline has passed: every session closes (1001).
    Force,
}

/// Where the peer of a connection is.
#[derive(Debug, Clone)]
pub(crate) enum Peer {
    /// On this node: its inbox.
    Local(InboxSender),
    /// On another node, reached through Redis.
    Remote {
        /// The node's id.
        node: Arc<str>,
        /// The peer connection's token.
        token: u64,
    },
}

impl Peer {
    pub(crate) fn is_remote(&self) -> bool {
        matches!(self, Peer::Remote { .. })
    }

    /// The node of a remote peer.
    pub(crate) fn node(&self) -> Option<&Arc<str>> {
        match self {
            Peer::Remote { node, .. } => Some(node),
            Peer::Local(_) => None,
        }
    }
}

/// A place already taken.
#[derive(Debug)]
pub(crate) struct Taken {
    /// The connection holding it.
    pub(crate) holder: Entry,
    /// Whether the other role of the same key is held too.
    pub(crate) other_held: bool,
}

/// A connection as the registry knows it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) token: u64,
    pub(crate) inbox: InboxSender,
}

#[derive(Debug, Default)]
struct Slot {
    host: Option<Entry>,
    guest: Option<Entry>,
}

impl Slot {
    fn role(&mut self, role: Role) -> &mut Option<Entry> {
        match role {
            Role::Host => &mut self.host,
            Role::Guest => &mut self.guest,
        }
    }
}

/// The connections on this node.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    slots: Mutex<HashMap<Arc<str>, Slot>>,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Arc<str>, Slot>> {
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Puts a connection in its place and returns the holder of the other
    /// role, if any: of two connections of one key, exactly the second to
    /// arrive learns of the first, so it starts the pairing.
    pub(crate) fn insert(&self, id: &Arc<str>, role: Role, entry: Entry) -> Result<Option<Entry>, Taken> {
        let mut slots = self.lock();
        let slot = slots.entry(Arc::clone(id)).or_default();
        let other = slot.role(role.peer()).clone();
        let place = slot.role(role);
        if let Some(holder) = place {
            return Err(Taken { holder: holder.clone(), other_held: other.is_some() });
        }
        *place = Some(entry);
        Ok(other)
    }

    /// Takes a connection out, if it is still the one with `token`.
    pub(crate) fn remove(&self, id: &str, role: Role, token: u64) {
        let mut slots = self.lock();
        if let Some((key, mut slot)) = slots.remove_entry(id) {
            let place = slot.role(role);
            if place.as_ref().is_some_and(|e| e.token == token) {
                *place = None;
            }
            if slot.host.is_some() || slot.guest.is_some() {
                slots.insert(key, slot);
            }
        }
    }

    /// The connection in a place.
    pub(crate) fn get(&self, id: &str, role: Role) -> Option<Entry> {
        self.lock().get_mut(id).and_then(|s| s.role(role).clone())
    }

    /// Every connection's place and token, for refreshing claims.
    pub(crate) fn claims(&self) -> Vec<(Arc<str>, Role, u64)> {
        let slots = self.lock();
        let mut out = Vec::with_capacity(slots.len());
        for (id, slot) in slots.iter() {
            if let Some(e) = &slot.host {
                out.push((Arc::clone(id), Role::Host, e.token));
            }
            if let Some(e) = &slot.guest {
                out.push((Arc::clone(id), Role::Guest, e.token));
            }
        }
        out
    }

    /// Sends an event to every connection (Redis lost, shutdown). Events
    /// rather than a shared signal each connection would wait on: a
    /// waiting connection's task stays smaller.
    pub(crate) fn broadcast(&self, event: impl Fn() -> Event) {
        let slots = self.lock();
        for slot in slots.values() {
            for e in [&slot.host, &slot.guest].into_iter().flatten() {
                let _ = e.inbox.send(event());
            }
        }
    }

    /// Connections registered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().values().map(|s| usize::from(s.host.is_some()) + usize::from(s.guest.is_some())).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_per_role_and_removal_by_token() {
        let r = Registry::default();
        let id: Arc<str> = Arc::from("aa");
        let (tx, _rx) = crate::inbox::inbox();
        assert!(r.insert(&id, Role::Host, Entry { token: 1, inbox: tx.clone() }).unwrap().is_none());
        let taken = r.insert(&id, Role::Host, Entry { token: 2, inbox: tx.clone() }).unwrap_err();
        assert_eq!((taken.holder.token, taken.other_held), (1, false));
        // The second to arrive learns of the first.
        let host = r.insert(&id, Role::Guest, Entry { token: 3, inbox: tx.clone() }).unwrap();
        assert_eq!(host.map(|e| e.token), Some(1));
        let taken = r.insert(&id, Role::Guest, Entry { token: 4, inbox: tx.clone() }).unwrap_err();
        assert_eq!((taken.holder.token, taken.other_held), (3, true));
        assert_eq!(r.len(), 2);
        r.remove("aa", Role::Host, 2); // not the holder
        assert_eq!(r.get("aa", Role::Host).map(|e| e.token), Some(1));
        r.remove("aa", Role::Host, 1);
        assert!(r.get("aa", Role::Host).is_none());
        assert_eq!(r.claims().len(), 1);
        r.remove("aa", Role::Guest, 3);
        assert_eq!(r.len(), 0);
        assert!(r.slots.lock().unwrap().is_empty());
    }
}
