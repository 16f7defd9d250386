//! Parsing of the rendezvous request, `GET /v1/rendezvous/{id}?role=host|guest`,
//! kept apart from any I/O so that malformed requests are testable alone.
//!
//! The id is the hex rendezvous id both devices derive from the invite
//! (`certbridge-core`'s `kdf` module; `docs/PROTOCOL.md`); the relay only
//! checks its shape. A session found through a channel number
//! ([`channel`](crate::channel)) meets under an internal key instead,
//! `ch:` and 32 random hex digits, which no rendezvous request can name.

use std::fmt;
use std::sync::Arc;

/// The path prefix of the rendezvous endpoint.
pub const RENDEZVOUS_PREFIX: &str = "/v1/rendezvous/";
/// Fewest hex characters in a rendezvous id.
pub const MIN_ID_LEN: usize = 16;
/// Most hex characters in a rendezvous id.
pub const MAX_ID_LEN: usize = 64;

/// Which side of a rendezvous a connection plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The side that shows the invite and waits (the desktop).
    Host,
    /// The side that scans the invite and joins (the phone).
    Guest,
}

impl Role {
    /// `"host"` or `"guest"`, as in the query string and Redis keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Host => "host",
            Role::Guest => "guest",
        }
    }

    /// The other side.
    pub fn peer(self) -> Role {
        match self {
            Role::Host => Role::Guest,
            Role::Guest => Role::Host,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A validated rendezvous id: 16–64 lowercase hex characters (uppercase
/// input is folded to lowercase so both spellings meet).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RendezvousId(Arc<str>);

impl RendezvousId {
    /// Checks and normalises an id.
    pub fn parse(s: &str) -> Result<RendezvousId, RequestError> {
        if !(MIN_ID_LEN..=MAX_ID_LEN).contains(&s.len()) {
            return Err(RequestError::IdLength(s.len()));
        }
        if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(RequestError::IdNotHex);
        }
        Ok(RendezvousId(Arc::from(s.to_ascii_lowercase())))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The shared string, cheap to clone.
    pub(crate) fn shared(&self) -> Arc<str> {
        Arc::clone(&self.0)
    }

    /// The first 8 characters, enough to follow a session in the logs
    /// without writing out the whole id.
    pub fn short(&self) -> &str {
        &self.0[..8]
    }

    /// The internal key of a channel's session: [`CHANNEL_KEY_PREFIX`] and
    /// `random` in hex. The `:` keeps it out of reach of
    /// `/v1/rendezvous/{id}`, whose ids are hex only.
    pub(crate) fn channel_key(random: [u8; 16]) -> RendezvousId {
        let mut s = String::with_capacity(CHANNEL_KEY_PREFIX.len() + 32);
        s.push_str(CHANNEL_KEY_PREFIX);
        for b in random {
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
        RendezvousId(Arc::from(s))
    }

    /// Reads back a key made by [`RendezvousId::channel_key`] (from Redis).
    pub(crate) fn parse_channel_key(s: &str) -> Option<RendezvousId> {
        let hex = s.strip_prefix(CHANNEL_KEY_PREFIX)?;
        (hex.len() == 32 && hex.bytes().all(|b| HEX.contains(&b))).then(|| RendezvousId(Arc::from(s)))
    }
}

/// The prefix of a channel session's internal key.
pub(crate) const CHANNEL_KEY_PREFIX: &str = "ch:";
const HEX: &[u8; 16] = b"0123456789abcdef";

/// A parsed rendezvous request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendezvous {
    /// Where to meet.
    pub id: RendezvousId,
    /// Which side this connection is.
    pub role: Role,
}

/// What is wrong with a rendezvous request (answered with HTTP 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The id has the wrong length.
    #[error("the rendezvous id has {0} characters; it must have 16 to 64 hex characters")]
    IdLength(usize),
    /// The id has a character that is not hex.
    #[error("the rendezvous id must be hex (0-9, a-f)")]
    IdNotHex,
    /// The `role` query parameter is missing.
    #[error("the query must name the role: ?role=host or ?role=guest")]
    MissingRole,
    /// The `role` query parameter has another value.
    #[error("unknown role; use ?role=host or ?role=guest")]
    BadRole,
    /// The path is not under `/v1/rendezvous/`.
    #[error("not a rendezvous path; use /v1/rendezvous/{{id}}?role=host|guest")]
    NotRendezvous,
    /// A channel number that is not 3 to 6 decimal digits.
    #[error("the channel must be 3 to 6 digits (0-9); use /v1/channel/{{digits}}?role=guest")]
    ChannelDigits,
    /// A host that names a channel, or a guest that names none.
    #[error("a host asks for a channel with /v1/channel?role=host; a guest names it: /v1/channel/{{digits}}?role=guest")]
    ChannelRole,
}

/// Parses the path and query of a rendezvous request.
pub fn parse_rendezvous(path: &str, query: Option<&str>) -> Result<Rendezvous, RequestError> {
    let id = path
        .strip_prefix(RENDEZVOUS_PREFIX)
        .ok_or(RequestError::NotRendezvous)?;
    if id.contains('/') {
        return Err(RequestError::NotRendezvous);
    }
    let id = RendezvousId::parse(id)?;
    let role = parse_role(query)?;
    Ok(Rendezvous { id, role })
}

/// The `role` of a query string (`role=host` or `role=guest`; the last
/// one counts).
pub(crate) fn parse_role(query: Option<&str>) -> Result<Role, RequestError> {
    let mut role = None;
    for pair in query.unwrap_or("").split('&') {
        if let Some(value) = pair.strip_prefix("role=") {
            role = Some(match value {
                "host" => Role::Host,
                "guest" => Role::Guest,
                _ => return Err(RequestError::BadRole),
            });
        }
    }
    role.ok_or(RequestError::MissingRole)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "00112233445566778899aabbccddeeff";

    #[test]
    fn parses_host_and_guest() {
        let r = parse_rendezvous(&format!("/v1/rendezvous/{ID}"), Some("role=host")).unwrap();
        assert_eq!(r.role, Role::Host);
        assert_eq!(r.id.as_str(), ID);
        let r = parse_rendezvous(&format!("/v1/rendezvous/{ID}"), Some("x=1&role=guest")).unwrap();
        assert_eq!(r.role, Role::Guest);
    }

    #[test]
    fn folds_uppercase() {
        let r = parse_rendezvous(&format!("/v1/rendezvous/{}", ID.to_uppercase()), Some("role=host")).unwrap();
        assert_eq!(r.id.as_str(), ID);
        assert_eq!(r.id.short(), "00112233");
    }

    #[test]
    fn rejects_bad_ids() {
        let q = Some("role=host");
        assert_eq!(parse_rendezvous("/v1/rendezvous/abc", q), Err(RequestError::IdLength(3)));
        assert_eq!(
            parse_rendezvous(&format!("/v1/rendezvous/{}", "a".repeat(65)), q),
            Err(RequestError::IdLength(65))
        );
        assert_eq!(parse_rendezvous("/v1/rendezvous/0011223344556677zz", q), Err(RequestError::IdNotHex));
        assert_eq!(parse_rendezvous(&format!("/v1/rendezvous/{ID}/x"), q), Err(RequestError::NotRendezvous));
        assert_eq!(parse_rendezvous("/v2/rendezvous/00112233445566778899", q), Err(RequestError::NotRendezvous));
        // 16 and 64 characters are the bounds, both allowed.
        assert!(parse_rendezvous(&format!("/v1/rendezvous/{}", "a".repeat(16)), q).is_ok());
        assert!(parse_rendezvous(&format!("/v1/rendezvous/{}", "a".repeat(64)), q).is_ok());
    }

    #[test]
    fn channel_keys_are_not_rendezvous_ids_and_round_trip() {
        let key = RendezvousId::channel_key([0xab; 16]);
        assert_eq!(key.as_str(), format!("ch:{}", "ab".repeat(16)));
        assert_eq!(key.short(), "ch:ababa");
        assert_eq!(RendezvousId::parse_channel_key(key.as_str()), Some(key.clone()));
        assert!(RendezvousId::parse(key.as_str()).is_err());
        assert_eq!(RendezvousId::parse_channel_key("ch:abc"), None);
        assert_eq!(RendezvousId::parse_channel_key(&format!("ch:{}", "AB".repeat(16))), None);
        assert_eq!(RendezvousId::parse_channel_key(&"ab".repeat(16)), None);
    }

    #[test]
    fn rejects_bad_roles() {
        let p = format!("/v1/rendezvous/{ID}");
        assert_eq!(parse_rendezvous(&p, None), Err(RequestError::MissingRole));
        assert_eq!(parse_rendezvous(&p, Some("role=admin")), Err(RequestError::BadRole));
        assert_eq!(parse_rendezvous(&p, Some("rolex=host")), Err(RequestError::MissingRole));
    }
}
