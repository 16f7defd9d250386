//! Checking a WebSocket upgrade request (RFC 6455 §4.2.1) before the relay
//! answers 101, kept apart from any I/O so that every malformed request is
//! testable alone.
//!
//! Refused with 400: not `GET`, not HTTP/1.1, no `Host`, a body, no
//! `Connection: Upgrade` / `Upgrade: websocket`, a missing, repeated or
//! malformed `Sec-WebSocket-Key` (it must be the base64 of 16 bytes). A
//! `Sec-WebSocket-Version` other than 13 gets 426 with
//! `Sec-WebSocket-Version: 13`, as §4.4 asks.

use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, StatusCode, Version};

/// Why a request is not an acceptable WebSocket upgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum UpgradeError {
    #[error("expected a WebSocket upgrade: GET with Connection: Upgrade and Upgrade: websocket")]
    NotUpgrade,
    #[error("a WebSocket upgrade needs HTTP/1.1")]
    NotHttp11,
    #[error("the request has no Host header")]
    NoHost,
    #[error("a WebSocket upgrade request has no body")]
    HasBody,
    #[error("Sec-WebSocket-Key must be one header holding the base64 of 16 bytes")]
    BadKey,
    #[error("this relay speaks WebSocket version 13 only")]
    WrongVersion,
}

impl UpgradeError {
    /// The HTTP status to answer with.
    pub(crate) fn status(self) -> StatusCode {
        match self {
            UpgradeError::WrongVersion => StatusCode::UPGRADE_REQUIRED,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

/// The `Sec-WebSocket-Key` of an acceptable upgrade request.
pub(crate) fn check_upgrade(method: &Method, version: Version, h: &HeaderMap) -> Result<HeaderValue, UpgradeError> {
    let has_token = |name: header::HeaderName, token: &str| {
        h.get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    };
    if method != Method::GET || !has_token(header::CONNECTION, "upgrade") || !has_token(header::UPGRADE, "websocket") {
        return Err(UpgradeError::NotUpgrade);
    }
    if version != Version::HTTP_11 {
        return Err(UpgradeError::NotHttp11);
    }
    if h.get(header::HOST).is_none_or(|v| v.as_bytes().iter().all(u8::is_ascii_whitespace)) {
        return Err(UpgradeError::NoHost);
    }
    let has_body = h.contains_key(header::TRANSFER_ENCODING)
        || h.get_all(header::CONTENT_LENGTH).iter().any(|v| v.as_bytes() != b"0");
    if has_body {
        return Err(UpgradeError::HasBody);
    }
    let mut versions = h.get_all(header::SEC_WEBSOCKET_VERSION).iter();
    if !(versions.next().is_some_and(|v| v == "13") && versions.next().is_none()) {
        return Err(UpgradeError::WrongVersion);
    }
    let mut keys = h.get_all(header::SEC_WEBSOCKET_KEY).iter();
    match (keys.next(), keys.next()) {
        (Some(key), None) if is_base64_of_16_bytes(key.as_bytes()) => Ok(key.clone()),
        _ => Err(UpgradeError::BadKey),
    }
}

/// Whether `s` is canonical base64 of exactly 16 bytes: 22 characters of
/// the alphabet, the last carrying no stray bits, then `==`.
fn is_base64_of_16_bytes(s: &[u8]) -> bool {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let value = |c: u8| ALPHABET.iter().position(|&a| a == c);
    if s.len() != 24 || &s[22..] != b"==" {
        return false;
    }
    // 16 bytes = 128 bits; 22 characters carry 132, so the last one's low
    // 4 bits must be zero.
    s[..22].iter().all(|&c| value(c).is_some()) && value(s[21]).is_some_and(|v| v & 0x0f == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(header::HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn good() -> Vec<(&'static str, &'static str)> {
        vec![
            ("host", "relay"),
            ("connection", "keep-alive, Upgrade"),
            ("upgrade", "websocket"),
            ("sec-websocket-version", "13"),
            ("sec-websocket-key", KEY),
        ]
    }

    fn check(pairs: &[(&str, &str)]) -> Result<HeaderValue, UpgradeError> {
        check_upgrade(&Method::GET, Version::HTTP_11, &headers(pairs))
    }

    fn without(name: &str) -> Vec<(&'static str, &'static str)> {
        good().into_iter().filter(|(k, _)| *k != name).collect()
    }

    fn with(name: &'static str, value: &'static str) -> Vec<(&'static str, &'static str)> {
        let mut h = without(name);
        h.push((name, value));
        h
    }

    #[test]
    fn accepts_the_rfc_example() {
        assert_eq!(check(&good()).unwrap(), KEY);
    }

    #[test]
    fn refuses_bad_keys() {
        for key in ["", "   ", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZR==", "dGhlIHNhbXBsZSBub25j!Q==", "AAAAAAAAAAAAAAAAAAAAAAAAAAAA"] {
            assert_eq!(check(&with("sec-websocket-key", key)), Err(UpgradeError::BadKey), "{key:?}");
        }
        assert_eq!(check(&without("sec-websocket-key")), Err(UpgradeError::BadKey));
        let mut two = good();
        two.push(("sec-websocket-key", KEY));
        assert_eq!(check(&two), Err(UpgradeError::BadKey));
    }

    #[test]
    fn a_wrong_version_gets_426() {
        let e = check(&with("sec-websocket-version", "8")).unwrap_err();
        assert_eq!((e, e.status()), (UpgradeError::WrongVersion, StatusCode::UPGRADE_REQUIRED));
        assert_eq!(check(&without("sec-websocket-version")), Err(UpgradeError::WrongVersion));
    }

    #[test]
    fn refuses_no_host_a_body_and_old_http() {
        assert_eq!(check(&without("host")), Err(UpgradeError::NoHost));
        assert_eq!(check(&with("host", " ")), Err(UpgradeError::NoHost));
        assert_eq!(check(&with("content-length", "5")), Err(UpgradeError::HasBody));
        assert_eq!(check(&with("transfer-encoding", "chunked")), Err(UpgradeError::HasBody));
        assert!(check(&with("content-length", "0")).is_ok());
        let h = headers(&good());
        assert_eq!(check_upgrade(&Method::GET, Version::HTTP_10, &h), Err(UpgradeError::NotHttp11));
        assert_eq!(check_upgrade(&Method::POST, Version::HTTP_11, &h), Err(UpgradeError::NotUpgrade));
        assert_eq!(check(&without("upgrade")), Err(UpgradeError::NotUpgrade));
        assert_eq!(check(&with("connection", "close")), Err(UpgradeError::NotUpgrade));
        assert_eq!(UpgradeError::NoHost.status(), StatusCode::BAD_REQUEST);
    }
}
