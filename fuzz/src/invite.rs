//! The invite's two forms: the `CERTBRIDGE:/` digit text a camera reads
//! (`Invite::parse_ignoring_expiry`) and the CBOR bytes inside it
//! (`Invite::from_cbor`). Both come from whatever QR code is in front of
//! the phone's camera.

use certbridge_core::Invite;
use certbridge_core::invite::{MAX_ENDPOINTS, MAX_INVITE_LEN, MAX_NAME_LEN, TEXT_PREFIX};
use certbridge_core::transport::relay::check_url;

use crate::Outcome;

/// Target `invite_text`: any UTF-8 text as a scanned code.
pub fn invite_text(data: &[u8]) -> Outcome {
    let Ok(text) = std::str::from_utf8(data) else {
        return Outcome::Refused; // a QR decoder hands over text; other bytes cannot reach the parser
    };
    let Ok(invite) = Invite::parse_ignoring_expiry(text) else {
        return Outcome::Refused;
    };
    // The digits decode one way only: writing the invite again gives back
    // exactly the digits that were read. What a pasted code may carry
    // besides them (line breaks, spaces, dashes) is skipped, and the
    // prefix may differ in case.
    let again = invite.to_text();
    let digits = |t: &str| -> String { t.chars().filter(|c| !c.is_whitespace() && *c != '-').skip(TEXT_PREFIX.len()).collect() };
    assert_eq!(digits(&again), digits(text), "two digit texts decode to the same invite");
    check_accepted(&invite);
    Outcome::Accepted
}

/// Target `invite_cbor`: any bytes as an invite's CBOR.
pub fn invite_cbor(data: &[u8]) -> Outcome {
    let Ok(invite) = Invite::from_cbor(data.to_vec()) else {
        return Outcome::Refused;
    };
    // The handshake binds these exact bytes: they must be kept as read.
    assert_eq!(invite.cbor(), data, "the invite's bytes changed");
    let reread = Invite::parse_ignoring_expiry(&invite.to_text())
        .expect("an accepted invite's own text must parse");
    assert_eq!(reread.cbor(), invite.cbor());
    assert_eq!(reread.mode(), invite.mode());
    assert_eq!(reread.public_key(), invite.public_key());
    assert_eq!(reread.expires_at(), invite.expires_at());
    assert_eq!(reread.relay_url(), invite.relay_url());
    assert_eq!(reread.lan_endpoints(), invite.lan_endpoints());
    assert_eq!(reread.desktop_name(), invite.desktop_name());
    check_accepted(&invite);
    Outcome::Accepted
}

/// What every accepted invite must satisfy (`docs/PROTOCOL.md` §2).
fn check_accepted(invite: &Invite) {
    assert!(invite.cbor().len() <= MAX_INVITE_LEN);
    assert!(
        !invite.lan_endpoints().is_empty() || invite.relay_url().is_some(),
        "an invite with no way to reach the desktop"
    );
    assert!(invite.lan_endpoints().len() <= MAX_ENDPOINTS);
    assert!(invite.lan_endpoints().iter().all(|a| a.port() != 0));
    if let Some(name) = invite.desktop_name() {
        assert!(name.len() <= MAX_NAME_LEN);
    }
    if let Some(url) = invite.relay_url() {
        assert!(check_url(url).is_ok(), "a relay URL the desktop could not have used");
        assert!(!url.chars().any(char::is_control));
    }
}
