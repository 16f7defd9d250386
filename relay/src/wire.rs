//! The messages relay nodes send each other through Redis pub/sub, and
//! their exact bytes. Parsing is separate from I/O and every length is
//! checked before use.
//!
//! Each node subscribes to one channel, `certbridge:node:{node-id}`
//! ([`node_channel`]). A message is addressed to one connection on that
//! node by rendezvous id, role and the connection's token (a random
//! per-connection number that also appears in its claim key's value), so
//! a message meant for a connection that has gone, or for an earlier run
//! of a restarted node, matches nothing and is dropped.
//!
//! ```text
//! 0        1      2      3..11        11       12..12+n   +1         +m         +8            rest
//! version  kind   to     token (BE)   id len   id         from len   from node  from token    body
//! ```
//!
//! Every message names its sender (`from`: node and token), so that a node
//! that gets a message for a connection it does not have can answer the
//! sender with a `Close` instead of dropping it in silence. Bodies: `Data`
//! carries the payload verbatim; `Close` a 2-byte close code; `Join`,
//! `Accept`, `Call` and `Probe` nothing.

use bytes::Bytes;

use crate::request::Role;

/// The version byte of every message. Version 1 had no `from`; nodes of
/// different versions drop each other's messages, so upgrade all nodes
/// together (a rolling restart of a mixed cluster loses cross-node pairs
/// during it, which then end with 4010).
pub(crate) const VERSION: u8 = 2;
/// Longest id or node id in a message.
const MAX_NAME: usize = 64;

const KIND_JOIN: u8 = 1;
const KIND_ACCEPT: u8 = 2;
const KIND_DATA: u8 = 3;
const KIND_CLOSE: u8 = 4;
const KIND_CALL: u8 = 5;
const KIND_PROBE: u8 = 6;

/// The pub/sub channel of a node.
pub(crate) fn node_channel(node: &str) -> String {
    format!("certbridge:node:{node}")
}

/// The claim key of a role in a rendezvous. `key` is the registry's
/// rendezvous key: the hex id, or a channel's internal `ch:` key.
pub(crate) fn claim_key(key: &str, role: Role) -> String {
    format!("certbridge:{key}:{}", role.as_str())
}

/// The key that says a node's subscription is alive: set with a short
/// lifetime on each heartbeat; gone within [`ALIVE_TTL_MS`] of the node
/// losing Redis or dying.
pub(crate) fn alive_key(node: &str) -> String {
    format!("certbridge:alive:{node}")
}

/// Lifetime of an [`alive_key`], in milliseconds.
pub(crate) const ALIVE_TTL_MS: u64 = 5000;

/// The value of a claim key: `{node}/{token}`.
pub(crate) fn claim_value(node: &str, token: u64) -> String {
    format!("{node}/{token:016x}")
}

/// Reads a claim value back.
pub(crate) fn parse_claim_value(v: &str) -> Option<Origin> {
    let (node, token) = v.rsplit_once('/')?;
    let token = u64::from_str_radix(token, 16).ok()?;
    (!node.is_empty() && node.len() <= MAX_NAME).then(|| Origin { node: node.to_owned(), token })
}

/// Where a connection lives: its node and token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    pub(crate) node: String,
    pub(crate) token: u64,
}

/// What a message says; the sender is the envelope's `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Body {
    /// To a host: a guest wants to pair.
    Join,
    /// To a guest: the host accepted it.
    Accept,
    /// To a guest that waits for its host: the host has arrived; join it.
    Call,
    /// To a connection holding a role someone else asks for: prove you
    /// are alive (answer a ping soon).
    Probe,
    /// A message to deliver to the client, verbatim.
    Data(Bytes),
    /// The peer is gone; close with this code.
    Close(u16),
}

/// A message to one connection on a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Envelope {
    pub(crate) to: Role,
    pub(crate) token: u64,
    pub(crate) id: String,
    pub(crate) from: Origin,
    pub(crate) body: Body,
}

/// Why bytes from the bus are not a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum WireError {
    #[error("the message is cut short")]
    Truncated,
    #[error("unknown message version {0}")]
    Version(u8),
    #[error("unknown message kind {0}")]
    Kind(u8),
    #[error("unknown role byte {0}")]
    Role(u8),
    #[error("a name is too long or not UTF-8")]
    Name,
    #[error("trailing bytes after the message")]
    Trailing,
}

impl Envelope {
    /// The message's bytes.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let extra = match &self.body {
            Body::Data(d) => d.len(),
            Body::Close(_) => 2,
            Body::Join | Body::Accept | Body::Call | Body::Probe => 0,
        };
        let mut out = Vec::with_capacity(12 + self.id.len() + 9 + self.from.node.len() + extra);
        let kind = match self.body {
            Body::Join => KIND_JOIN,
            Body::Accept => KIND_ACCEPT,
            Body::Data(_) => KIND_DATA,
            Body::Close(_) => KIND_CLOSE,
            Body::Call => KIND_CALL,
            Body::Probe => KIND_PROBE,
        };
        out.push(VERSION);
        out.push(kind);
        out.push(match self.to {
            Role::Host => 0,
            Role::Guest => 1,
        });
        out.extend_from_slice(&self.token.to_be_bytes());
        push_name(&mut out, &self.id);
        push_name(&mut out, &self.from.node);
        out.extend_from_slice(&self.from.token.to_be_bytes());
        match &self.body {
            Body::Data(d) => out.extend_from_slice(d),
            Body::Close(code) => out.extend_from_slice(&code.to_be_bytes()),
            Body::Join | Body::Accept | Body::Call | Body::Probe => {}
        }
        out
    }

    /// Parses a message. `Data` bodies are sliced out of `bytes` without a
    /// copy.
    pub(crate) fn decode(bytes: Bytes) -> Result<Envelope, WireError> {
        let mut r = Reader { bytes: &bytes, pos: 0 };
        let version = r.u8()?;
        if version != VERSION {
            return Err(WireError::Version(version));
        }
        let kind = r.u8()?;
        let to = match r.u8()? {
            0 => Role::Host,
            1 => Role::Guest,
            other => return Err(WireError::Role(other)),
        };
        let token = r.u64()?;
        let id = r.name()?;
        let node = r.name()?;
        let from = Origin { node, token: r.u64()? };
        let body = match kind {
            KIND_JOIN => Body::Join,
            KIND_ACCEPT => Body::Accept,
            KIND_CALL => Body::Call,
            KIND_PROBE => Body::Probe,
            KIND_DATA => {
                let start = r.pos;
                r.pos = bytes.len();
                Body::Data(bytes.slice(start..))
            }
            KIND_CLOSE => Body::Close(u16::from_be_bytes([r.u8()?, r.u8()?])),
            other => return Err(WireError::Kind(other)),
        };
        if r.pos != bytes.len() {
            return Err(WireError::Trailing);
        }
        Ok(Envelope { to, token, id, from, body })
    }
}

fn push_name(out: &mut Vec<u8>, name: &str) {
    // Names are node ids and rendezvous ids, both checked to be at most
    // 64 bytes long when they enter the relay.
    let len = name.len().min(MAX_NAME);
    out.push(len as u8);
    out.extend_from_slice(&name.as_bytes()[..len]);
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], WireError> {
        let end = self.pos.checked_add(n).ok_or(WireError::Truncated)?;
        let s = self.bytes.get(self.pos..end).ok_or(WireError::Truncated)?;
        self.pos = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.take(1)?[0])
    }

    fn u64(&mut self) -> Result<u64, WireError> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(u64::from_be_bytes(b))
    }

    fn name(&mut self) -> Result<String, WireError> {
        let len = usize::from(self.u8()?);
        if len == 0 || len > MAX_NAME {
            return Err(WireError::Name);
        }
        let s = self.take(len)?;
        std::str::from_utf8(s).map(str::to_owned).map_err(|_| WireError::Name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(body: Body) -> Envelope {
        let from = Origin { node: "n1".into(), token: 255 };
        Envelope { to: Role::Guest, token: 0x0102030405060708, id: "abcd".into(), from, body }
    }

    const HEAD: &[u8] = b"\x01\x02\x03\x04\x05\x06\x07\x08\x04abcd\x02n1\0\0\0\0\0\0\0\xff";

    #[test]
    fn golden_data() {
        let e = env(Body::Data(Bytes::from_static(b"\x00hi")));
        let bytes = e.encode();
        assert_eq!(bytes, [b"\x02\x03\x01", HEAD, b"\x00hi"].concat());
        assert_eq!(Envelope::decode(Bytes::from(bytes)).unwrap(), e);
    }

    #[test]
    fn golden_join_accept_call_probe_close() {
        assert_eq!(env(Body::Join).encode(), [b"\x02\x01\x01", HEAD].concat());
        let accept = Envelope { to: Role::Host, ..env(Body::Accept) }.encode();
        assert_eq!(accept, [b"\x02\x02\x00", HEAD].concat());
        assert_eq!(env(Body::Call).encode(), [b"\x02\x05\x01", HEAD].concat());
        assert_eq!(env(Body::Probe).encode(), [b"\x02\x06\x01", HEAD].concat());
        let close = env(Body::Close(4000)).encode();
        assert_eq!(close, [b"\x02\x04\x01", HEAD, b"\x0f\xa0"].concat());
        for body in [Body::Join, Body::Accept, Body::Call, Body::Probe, Body::Close(4010)] {
            let b = env(body).encode();
            let e = Envelope::decode(Bytes::from(b.clone())).unwrap();
            assert_eq!(e.encode(), b);
        }
    }

    #[test]
    fn empty_data_is_fine() {
        let e = env(Body::Data(Bytes::new()));
        assert_eq!(Envelope::decode(Bytes::from(e.encode())).unwrap(), e);
    }

    #[test]
    fn rejects_malformed() {
        let good = env(Body::Close(1000)).encode();
        for cut in 0..good.len() {
            assert!(Envelope::decode(Bytes::copy_from_slice(&good[..cut])).is_err(), "cut at {cut}");
        }
        let mut v = good.clone();
        v[0] = 1;
        assert_eq!(Envelope::decode(Bytes::from(v)), Err(WireError::Version(1)));
        let mut v = good.clone();
        v[1] = 9;
        assert_eq!(Envelope::decode(Bytes::from(v)), Err(WireError::Kind(9)));
        let mut v = good.clone();
        v[2] = 7;
        assert_eq!(Envelope::decode(Bytes::from(v)), Err(WireError::Role(7)));
        let mut v = good.clone();
        v.push(0);
        assert_eq!(Envelope::decode(Bytes::from(v)), Err(WireError::Trailing));
        let mut v = good;
        v[11] = 0;
        assert_eq!(Envelope::decode(Bytes::from(v)), Err(WireError::Name));
    }

    #[test]
    fn claim_values_round_trip() {
        let v = claim_value("node-a", 0xdead_beef);
        assert_eq!(v, "node-a/00000000deadbeef");
        assert_eq!(parse_claim_value(&v), Some(Origin { node: "node-a".into(), token: 0xdead_beef }));
        assert_eq!(parse_claim_value("nonsense"), None);
        assert_eq!(parse_claim_value("/12"), None);
        assert_eq!(claim_key("ab", Role::Host), "certbridge:ab:host");
        assert_eq!(node_channel("a"), "certbridge:node:a");
        assert_eq!(alive_key("a"), "certbridge:alive:a");
    }
}
