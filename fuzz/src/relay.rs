//! The relay's rendezvous request (`relay/src/request.rs`,
//! `parse_rendezvous`, compiled into this crate from that file), from any
//! client on the internet.

use crate::Outcome;
use crate::relay_request_rs::{MAX_ID_LEN, MIN_ID_LEN, RENDEZVOUS_PREFIX, RendezvousId, parse_rendezvous};

/// Target `relay_request`: the bytes are a request as it arrives on the
/// socket (parsed as hyper does: `httparse`, then `http::Uri`, whose path
/// and query the relay routes on), and also any text split at its first
/// `?`, reaching the parser with what a URI would have refused.
pub fn relay_request(data: &[u8]) -> Outcome {
    let mut outcome = Outcome::Refused;
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut request = httparse::Request::new(&mut headers);
    if let Ok(httparse::Status::Complete(_)) = request.parse(data)
        && let Some(uri) = request.path.and_then(|p| p.parse::<http::Uri>().ok())
    {
        outcome = check(uri.path(), uri.query());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let (path, query) = match text.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (text, None),
        };
        check(path, query);
    }
    outcome
}

/// An accepted request names a well-formed id, the one in its path.
fn check(path: &str, query: Option<&str>) -> Outcome {
    let Ok(rendezvous) = parse_rendezvous(path, query) else {
        return Outcome::Refused;
    };
    let id = rendezvous.id.as_str();
    assert!((MIN_ID_LEN..=MAX_ID_LEN).contains(&id.len()));
    assert!(id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')), "id {id:?} is not lowercase hex");
    assert_eq!(rendezvous.id.short().len(), 8);
    let named = path.strip_prefix(RENDEZVOUS_PREFIX).expect("accepted paths are rendezvous paths");
    assert!(named.eq_ignore_ascii_case(id));
    assert_eq!(RendezvousId::parse(id).as_ref(), Ok(&rendezvous.id));
    Outcome::Accepted
}
