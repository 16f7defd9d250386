//! SPAKE2 over a short code, and the key it gives the Noise handshake
//! (`docs/PROTOCOL.md` §7.2).
//!
//! SPAKE2 is RustCrypto's `spake2` crate over the Ed25519 group, the
//! construction magic-wormhole uses (never hand-rolled here). The scanner is
//! side A, the desktop side B, with the identities below; the password is
//! the whole code bound to its channel ([`super::ShortCode`]). Each side
//! sends one 33-byte message; both get the same 32-byte key only when they
//! hold the same code. That key becomes the Noise PSK through HKDF, so a
//! wrong code shows as a handshake that does not decrypt, and nothing seen
//! on the wire lets anyone test guesses offline.

use hkdf::Hkdf;
use sha2::Sha256;
use spake2::{Ed25519Group, Identity, Password, Spake2};
use zeroize::Zeroizing;

use super::ShortCode;

/// The scanner's SPAKE2 identity (side A).
pub const ID_SCANNER: &[u8] = b"certbridge/1 scanner";
/// The desktop's SPAKE2 identity (side B).
pub const ID_DESKTOP: &[u8] = b"certbridge/1 desktop";
/// HKDF label of the Noise PSK derived from the SPAKE2 key.
pub const LABEL_CODE_PSK: &str = "certbridge/1 code psk";
/// Bytes in a SPAKE2 message: a side byte (`A` or `B`) and a point.
pub const PAKE_MESSAGE_LEN: usize = 33;

/// Why the PAKE could not finish. No detail, by design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the other device's code message is not valid")]
pub struct PakeError;

/// One side's PAKE in progress.
pub struct Pake(Spake2<Ed25519Group>);

impl std::fmt::Debug for Pake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pake(..)")
    }
}

fn ids() -> (Identity, Identity) {
    (Identity::new(ID_SCANNER), Identity::new(ID_DESKTOP))
}

impl Pake {
    /// The scanner's side: its state and the message to send first.
    pub fn scanner(code: &ShortCode) -> (Self, Vec<u8>) {
        let (a, b) = ids();
        let (state, msg) = Spake2::<Ed25519Group>::start_a(&Password::new(code.password().as_slice()), &a, &b);
        (Self(state), msg)
    }

    /// The desktop's side: its state and its message.
    pub fn desktop(code: &ShortCode) -> (Self, Vec<u8>) {
        let (a, b) = ids();
        let (state, msg) = Spake2::<Ed25519Group>::start_b(&Password::new(code.password().as_slice()), &a, &b);
        (Self(state), msg)
    }

    /// Both sides with a given random source, for test vectors.
    #[cfg(test)]
    pub(crate) fn with_rng(code: &ShortCode, scanner: bool, rng: impl rand_core::RngCore + rand_core::CryptoRng) -> (Self, Vec<u8>) {
        let (a, b) = ids();
        let password = Password::new(code.password().as_slice());
        let (state, msg) = if scanner {
            Spake2::<Ed25519Group>::start_a_with_rng(&password, &a, &b, rng)
        } else {
            Spake2::<Ed25519Group>::start_b_with_rng(&password, &a, &b, rng)
        };
        (Self(state), msg)
    }

    /// Finishes with the other side's message: the Noise PSK.
    pub fn finish(self, theirs: &[u8]) -> Result<Zeroizing<[u8; 32]>, PakeError> {
        if theirs.len() != PAKE_MESSAGE_LEN {
            return Err(PakeError);
        }
        let key = Zeroizing::new(self.0.finish(theirs).map_err(|_| PakeError)?);
        Ok(psk_from_key(&key))
    }
}

/// `HKDF-SHA256(key, info = "certbridge/1 code psk")`, empty salt, 32 bytes.
pub fn psk_from_key(key: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(None, key)
        .expand(LABEL_CODE_PSK.as_bytes(), out.as_mut())
        .unwrap_or_else(|_| unreachable!("32 bytes of HKDF-SHA256"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes `start, start+1, …`: a fixed "random" source for vectors.
    struct Counting(u8);

    impl rand_core::RngCore for Counting {
        fn next_u32(&mut self) -> u32 {
            rand_core::impls::next_u32_via_fill(self)
        }
        fn next_u64(&mut self) -> u64 {
            rand_core::impls::next_u64_via_fill(self)
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            for b in dest {
                *b = self.0;
                self.0 = self.0.wrapping_add(1);
            }
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }
    impl rand_core::CryptoRng for Counting {}

    #[test]
    fn the_same_code_gives_both_sides_the_same_psk_and_a_wrong_one_does_not() {
        let code = ShortCode::parse("123-456-789").unwrap();
        let (scanner, m1) = Pake::scanner(&code);
        let (desktop, m2) = Pake::desktop(&code);
        assert_eq!((m1.len(), m1[0], m2[0]), (PAKE_MESSAGE_LEN, b'A', b'B'));
        assert_eq!(*scanner.finish(&m2).unwrap(), *desktop.finish(&m1).unwrap());

        let guess = ShortCode::parse("123-456-780").unwrap();
        let (scanner, m1) = Pake::scanner(&guess);
        let (desktop, m2) = Pake::desktop(&code);
        assert_ne!(*scanner.finish(&m2).unwrap(), *desktop.finish(&m1).unwrap());
        // The same secret on another channel is another code.
        let elsewhere = ShortCode::parse("124-456-789").unwrap();
        let (scanner, m1) = Pake::scanner(&elsewhere);
        let (desktop, m2) = Pake::desktop(&code);
        assert_ne!(*scanner.finish(&m2).unwrap(), *desktop.finish(&m1).unwrap());
    }

    #[test]
    fn malformed_messages_are_refused() {
        let code = ShortCode::parse("123-456-789").unwrap();
        let (_, m1) = Pake::scanner(&code);
        let (desktop, _) = Pake::desktop(&code);
        assert_eq!(desktop.finish(&m1[..32]).unwrap_err(), PakeError);
        let (desktop, _) = Pake::desktop(&code);
        let mut wrong_side = m1.clone();
        wrong_side[0] = b'B';
        assert_eq!(desktop.finish(&wrong_side).unwrap_err(), PakeError);
    }

    /// Known answers (docs/PROTOCOL.md §7.2): the scanner's scalar from the
    /// 64 bytes 00 01 … 3f, the desktop's from 40 41 … 7f (each read
    /// little-endian, reduced mod ℓ), code 123-456-789.
    #[test]
    fn known_answers() {
        let code = ShortCode::parse("123-456-789").unwrap();
        let (scanner, m1) = Pake::with_rng(&code, true, Counting(0x00));
        let (desktop, m2) = Pake::with_rng(&code, false, Counting(0x40));
        let psk = scanner.finish(&m2).unwrap();
        assert_eq!(*desktop.finish(&m1).unwrap(), *psk);
        assert_eq!(hex::encode(&m1), KAT_M1);
        assert_eq!(hex::encode(&m2), KAT_M2);
        assert_eq!(hex::encode(*psk), KAT_PSK);
        // HKDF alone, from a given SPAKE2 key.
        assert_eq!(hex::encode(*psk_from_key(&[0x11; 32])), KAT_PSK_OF_11);
    }

    const KAT_M1: &str = "414e871f7b1c8043ad39b3fa12720d22f65a80310c4f44c84c797052957391f5b5";
    const KAT_M2: &str = "42559a91c142bacb4797e1a58ebccbf2e5456dc1e9d592e0ae930989f76e959de4";
    const KAT_PSK: &str = "8fb792b5c67121517d81fda5b7a8c28b5347e528178c05f2d2a1c00425c34c0c";
    /// Computed independently (Python's `hmac`, RFC 5869 by hand).
    const KAT_PSK_OF_11: &str = "3165ed2b85b90d8e3d3033ae169d2726a8989347aaac244f5166bf7b0cced0fc";
}
