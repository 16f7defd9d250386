//! Parsing of the rendezvous request, `GET /v1/rendezvous/{id}?role=host|guest`,
//! kept apart from any I/O so that malformed requests are testable alone.
//!
//! The id is the hex rendezvous id both devices derive from the invite
//! (`certbridge-core`'s `kdf` module; `docs/PROTOCOL.md`); the relay only
//! checks its shape.

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
}

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
    let role = role.ok_or(RequestError::MissingRole)?;
    Ok(Rendezvous { id, role })
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
    fn rejects_bad_roles() {
        let p = format!("/v1/rendezvous/{ID}");
        assert_eq!(parse_rendezvous(&p, None), Err(RequestError::MissingRole));
        assert_eq!(parse_rendezvous(&p, Some("role=admin")), Err(RequestError::BadRole));
        assert_eq!(parse_rendezvous(&p, Some("rolex=host")), Err(RequestError::MissingRole));
    }
}
