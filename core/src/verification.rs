//! The six-digit verification number (`docs/PROTOCOL.md` §4).
//!
//! The scanner shows the number; the user types it on the desktop. It is
//! derived from the Noise handshake hash, so a second device that saw the QR
//! code and raced the real phone ends up with a different number. The
//! desktop's ephemeral key is picked only after the scanner's first message,
//! so an attacker cannot search for a colliding number. Three wrong entries
//! end the session: the chance of a guess getting through is 3 in 10^6.

use std::fmt;

use subtle::ConstantTimeEq;

use crate::kdf;

/// Digits in a verification number.
pub const CODE_DIGITS: usize = 6;
/// How many wrong entries the desktop accepts before it gives up.
pub const MAX_ATTEMPTS: u8 = 3;

/// A verification number. It prints itself only through [`Self::digits`]
/// and [`Self::grouped`], never through `Debug`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct VerificationCode(u32);

/// Why a typed number was not even compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeFormatError {
    /// The entry is not six digits (spaces and dashes aside).
    #[error("type the {CODE_DIGITS} digits shown on the other device")]
    NotSixDigits,
}

impl VerificationCode {
    /// `u64_be(HKDF(h, "certbridge/1 sas", 8)) mod 10^6`.
    pub fn from_handshake_hash(handshake_hash: &[u8]) -> Self {
        let n = u64::from_be_bytes(kdf::sas_bytes(handshake_hash));
        Self((n % 1_000_000) as u32)
    }

    /// The six digits, zero-padded: `"012345"`.
    pub fn digits(&self) -> String {
        format!("{:06}", self.0)
    }

    /// The digits grouped for reading: `"012 345"`.
    pub fn grouped(&self) -> String {
        let d = self.digits();
        format!("{} {}", &d[..3], &d[3..])
    }

    /// Compares a typed entry with this number in constant time. Spaces and
    /// dashes are ignored; anything else that is not six digits is a
    /// [`CodeFormatError`] and is not counted as an attempt.
    pub fn check(&self, typed: &str) -> Result<bool, CodeFormatError> {
        let entered: Vec<u8> = typed
            .trim()
            .bytes()
            .filter(|b| !matches!(b, b' ' | b'-' | b'\t'))
            .collect();
        if entered.len() != CODE_DIGITS || !entered.iter().all(u8::is_ascii_digit) {
            return Err(CodeFormatError::NotSixDigits);
        }
        Ok(bool::from(entered.ct_eq(self.digits().as_bytes())))
    }
}

impl fmt::Debug for VerificationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VerificationCode(******)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(n: u32) -> VerificationCode {
        VerificationCode(n)
    }

    /// Known answer computed independently with Python's `hmac` module for
    /// the handshake hash 00 01 … 1f; docs/PROTOCOL.md lists the same.
    #[test]
    fn known_answer() {
        let h: [u8; 32] = core::array::from_fn(|i| i as u8);
        assert_eq!(VerificationCode::from_handshake_hash(&h).digits(), "309385");
    }

    #[test]
    fn formats_with_leading_zeros() {
        assert_eq!(code(42).digits(), "000042");
        assert_eq!(code(42).grouped(), "000 042");
        assert_eq!(code(999_999).grouped(), "999 999");
    }

    #[test]
    fn accepts_the_number_with_or_without_grouping() {
        let c = code(123_456);
        assert_eq!(c.check("123456"), Ok(true));
        assert_eq!(c.check("123 456"), Ok(true));
        assert_eq!(c.check(" 123-456\n"), Ok(true));
        assert_eq!(c.check("123457"), Ok(false));
        assert_eq!(c.check("654321"), Ok(false));
    }

    #[test]
    fn malformed_entries_are_not_compared() {
        let c = code(123_456);
        for bad in ["", "12345", "1234567", "12345a", "１２３４５６", "123_456"] {
            assert_eq!(c.check(bad), Err(CodeFormatError::NotSixDigits), "{bad:?}");
        }
    }

    #[test]
    fn debug_hides_the_number() {
        assert!(!format!("{:?}", code(123_456)).contains("123"));
    }
}
