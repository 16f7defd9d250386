//! The key derivations of protocol v1 (`docs/PROTOCOL.md` §3).
//!
//! Every value both sides must agree on, beyond what Noise itself derives,
//! comes from here: the PSK and the relay rendezvous id from the invite
//! secret, and the verification number's bytes from the handshake hash. Each
//! is HKDF-SHA256 with an empty salt and its own label, so no two uses share
//! output.

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::invite::InviteSecret;

/// HKDF label of the Noise PSK.
pub const LABEL_PSK: &str = "certbridge/1 psk";
/// HKDF label of the relay rendezvous id.
pub const LABEL_RENDEZVOUS: &str = "certbridge/1 rendezvous";
/// HKDF label of the verification number.
pub const LABEL_SAS: &str = "certbridge/1 sas";

/// Bytes in a rendezvous id.
pub const RENDEZVOUS_LEN: usize = 16;

/// HKDF-SHA256(ikm, info = label) with an empty salt, `N` bytes out.
fn expand<const N: usize>(ikm: &[u8], label: &str) -> Zeroizing<[u8; N]> {
    let mut out = Zeroizing::new([0u8; N]);
    Hkdf::<Sha256>::new(None, ikm)
        .expand(label.as_bytes(), out.as_mut())
        // N is at most 32 here, far below HKDF-SHA256's limit of 8,160 bytes.
        .unwrap_or_else(|_| unreachable!("HKDF output of {N} bytes"));
    out
}

/// The Noise PSK both sides derive from the invite secret.
pub(crate) fn psk(secret: &InviteSecret) -> Zeroizing<[u8; 32]> {
    expand::<32>(secret.expose(), LABEL_PSK)
}

/// The id under which both sides meet at the relay. The relay sees this,
/// never the secret it comes from.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RendezvousId([u8; RENDEZVOUS_LEN]);

impl RendezvousId {
    /// Derives the id from an invite secret.
    pub fn derive(secret: &InviteSecret) -> Self {
        Self(*expand::<RENDEZVOUS_LEN>(secret.expose(), LABEL_RENDEZVOUS))
    }

    /// The id in lowercase hex, as relay URLs carry it.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Reads an id from 32 hex digits.
    pub fn from_hex(s: &str) -> Option<Self> {
        let mut out = [0u8; RENDEZVOUS_LEN];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(Self(out))
    }
}

impl std::fmt::Debug for RendezvousId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RendezvousId({})", self.to_hex())
    }
}

/// The eight bytes the verification number is read from.
pub(crate) fn sas_bytes(handshake_hash: &[u8]) -> [u8; 8] {
    *expand::<8>(handshake_hash, LABEL_SAS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5869 test case 3 (SHA-256, empty salt and info) pins down the HKDF
    /// construction itself before our labels are layered on it.
    #[test]
    fn hkdf_matches_rfc5869_case_3() {
        let ikm = [0x0b; 22];
        let mut okm = [0u8; 42];
        Hkdf::<Sha256>::new(None, &ikm)
            .expand(&[], &mut okm)
            .unwrap();
        assert_eq!(
            hex::encode(okm),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
        );
    }

    /// Known answers for the secret 00 01 … 0f, computed independently with
    /// Python's `hmac` module; docs/PROTOCOL.md lists the same.
    #[test]
    fn derivations_known_answers() {
        let secret = InviteSecret::from_bytes(core::array::from_fn(|i| i as u8));
        assert_eq!(
            hex::encode(*psk(&secret)),
            "f81c880427f71d0e904ac666b1cb526b289602b3cca7e79468bf45bf328de416"
        );
        assert_eq!(
            RendezvousId::derive(&secret).to_hex(),
            "2fc3633c29772c74e73e86c7a1ee9995"
        );
    }

    #[test]
    fn labels_separate_outputs() {
        let secret = InviteSecret::from_bytes([7; 16]);
        let psk = psk(&secret);
        let rv = RendezvousId::derive(&secret);
        assert_ne!(&psk[..16], &rv.0[..]);
    }

    #[test]
    fn rendezvous_hex_round_trips() {
        let rv = RendezvousId::derive(&InviteSecret::from_bytes([9; 16]));
        assert_eq!(RendezvousId::from_hex(&rv.to_hex()), Some(rv));
        assert_eq!(RendezvousId::from_hex("zz"), None);
        assert_eq!(RendezvousId::from_hex(&"0".repeat(30)), None);
    }
}
