//! The short code a person can type instead of scanning the QR code
//! (`docs/PROTOCOL.md` §7): a channel number that finds the desktop (on the
//! LAN by mDNS, or through the relay), followed by six secret digits that
//! only the desktop's screen shows, e.g. `123-456-789`.
//!
//! The secret digits are a password for a PAKE ([`pake`]): an attacker on
//! the network or a hostile relay gets one online guess per code (success
//! 10⁻⁶) and learns nothing it could test offline; the desktop burns a code
//! after any attempt that does not finish the handshake and shows a new one.

pub mod pake;

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use zeroize::Zeroizing;

/// Finds desktops on the LAN that advertise a code's channel. The desktop
/// program and Android use mDNS (`crate::discovery::MdnsFinder`); an iOS
/// app gives one of its own over the platform's Bonjour. Blocking: called
/// off the async runtime.
pub trait LanFinder: Send + Sync {
    /// The addresses of desktops advertising `channel`, found within
    /// `timeout` (returning early once one is found is allowed).
    fn find(&self, channel: &str, timeout: Duration) -> Vec<SocketAddr>;
}

/// Secret digits in every code.
pub const SECRET_DIGITS: usize = 6;
/// The fewest digits of a channel number.
pub const MIN_CHANNEL_DIGITS: usize = 3;
/// The most digits of a channel number (a code stays ≤ 12 digits).
pub const MAX_CHANNEL_DIGITS: usize = 6;

/// Why a typed code cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeError {
    /// Not 9 to 12 digits (spaces and dashes aside).
    #[error("a code is 9 to 12 digits")]
    BadLength(usize),
    /// Something other than a digit, a space or a dash.
    #[error("a code holds only digits")]
    BadCharacter(char),
    /// The system gave no random numbers.
    #[error("this device could not generate random numbers")]
    NoRandomness,
}

/// A short code: a channel and the secret digits.
#[derive(Clone, PartialEq, Eq)]
pub struct ShortCode {
    channel: String,
    secret: Zeroizing<String>,
}

impl fmt::Debug for ShortCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShortCode").field("channel", &self.channel).finish_non_exhaustive()
    }
}

/// `n` uniformly random decimal digits.
fn random_digits(n: usize) -> Result<String, CodeError> {
    let mut out = String::with_capacity(n);
    while out.len() < n {
        let mut byte = [0u8; 1];
        getrandom::fill(&mut byte).map_err(|_| CodeError::NoRandomness)?;
        // 250 is the largest multiple of 10 below 256: no digit is likelier.
        if byte[0] < 250 {
            out.push(char::from(b'0' + byte[0] % 10));
        }
    }
    Ok(out)
}

impl ShortCode {
    /// A fresh code for `channel` (3–6 digits), with new secret digits.
    pub fn generate(channel: &str) -> Result<Self, CodeError> {
        if !(MIN_CHANNEL_DIGITS..=MAX_CHANNEL_DIGITS).contains(&channel.len()) || !channel.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::BadLength(channel.len() + SECRET_DIGITS));
        }
        Ok(Self { channel: channel.to_owned(), secret: Zeroizing::new(random_digits(SECRET_DIGITS)?) })
    }

    /// A random channel number for a desktop that finds its own (LAN only,
    /// no relay to hand one out).
    pub fn random_channel() -> Result<String, CodeError> {
        random_digits(MIN_CHANNEL_DIGITS)
    }

    /// Reads a typed code: 9 to 12 digits; spaces and dashes are ignored.
    /// The last six digits are the secret, the rest the channel.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let mut digits = Zeroizing::new(String::with_capacity(12));
        for c in text.chars() {
            match c {
                '0'..='9' => digits.push(c),
                c if c.is_whitespace() || c == '-' => {}
                other => return Err(CodeError::BadCharacter(other)),
            }
        }
        let len = digits.len();
        if !(MIN_CHANNEL_DIGITS + SECRET_DIGITS..=MAX_CHANNEL_DIGITS + SECRET_DIGITS).contains(&len) {
            return Err(CodeError::BadLength(len));
        }
        let (channel, secret) = digits.split_at(len - SECRET_DIGITS);
        Ok(Self { channel: channel.to_owned(), secret: Zeroizing::new(secret.to_owned()) })
    }

    /// True when `text` is a short code rather than an invite's long text:
    /// up to 12 digits with spaces or dashes, nothing else.
    pub fn looks_like(text: &str) -> bool {
        let digits = text.chars().filter(char::is_ascii_digit).count();
        digits <= MAX_CHANNEL_DIGITS + SECRET_DIGITS
            && digits > 0
            && text.chars().all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '-')
    }

    /// The channel number, which finds the desktop.
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// The code grouped for reading aloud: the channel, then the secret in
    /// two groups of three: `123-456-789`, `1234-567-890`.
    pub fn grouped(&self) -> String {
        format!("{}-{}-{}", self.channel, &self.secret[..3], &self.secret[3..])
    }

    /// The code as a screen reader should say it, digit by digit with a
    /// pause between groups: `1 2 3, 4 5 6, 7 8 9`.
    pub fn spoken(&self) -> String {
        let spell = |s: &str| s.chars().map(String::from).collect::<Vec<_>>().join(" ");
        format!("{}, {}, {}", spell(&self.channel), spell(&self.secret[..3]), spell(&self.secret[3..]))
    }

    /// The PAKE password: the whole code, bound to its channel.
    pub(crate) fn password(&self) -> Zeroizing<Vec<u8>> {
        let mut pw = Zeroizing::new(Vec::with_capacity(40));
        pw.extend_from_slice(b"certbridge/1 code ");
        pw.extend_from_slice(self.channel.as_bytes());
        pw.push(b'-');
        pw.extend_from_slice(self.secret.as_bytes());
        pw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_nine_to_twelve_digits_grouped_for_reading_aloud() {
        let code = ShortCode::parse("123-456-789").unwrap();
        assert_eq!(code.channel(), "123");
        assert_eq!(code.grouped(), "123-456-789");
        assert_eq!(code.spoken(), "1 2 3, 4 5 6, 7 8 9");
        assert_eq!(ShortCode::parse(" 1234 567 890\n").unwrap().grouped(), "1234-567-890");
        assert_eq!(ShortCode::parse("007000000").unwrap().channel(), "007", "leading zeros count");
        for bad in ["12345678", "1234567890123", "", "---"] {
            assert!(matches!(ShortCode::parse(bad), Err(CodeError::BadLength(_))), "{bad:?}");
        }
        assert_eq!(ShortCode::parse("123-456-78x"), Err(CodeError::BadCharacter('x')));
    }

    #[test]
    fn fresh_codes_have_new_uniform_secrets() {
        let a = ShortCode::generate("123").unwrap();
        let b = ShortCode::generate("123").unwrap();
        assert_eq!(a.channel(), "123");
        assert_eq!(a.grouped().len(), 11);
        assert_ne!(a.password(), b.password(), "a 1-in-a-million coincidence, or no randomness");
        // Every digit turns up in every position over many codes.
        let mut seen = [[false; 10]; SECRET_DIGITS];
        for _ in 0..400 {
            let code = ShortCode::generate("123").unwrap();
            for (i, d) in code.secret.bytes().enumerate() {
                seen[i][usize::from(d - b'0')] = true;
            }
        }
        assert!(seen.iter().all(|pos| pos.iter().all(|&s| s)));
        assert!(ShortCode::generate("12").is_err() && ShortCode::generate("1234567").is_err());
        assert_eq!(ShortCode::random_channel().unwrap().len(), 3);
    }

    #[test]
    fn a_short_code_is_told_from_an_invites_text() {
        assert!(ShortCode::looks_like("123-456-789"));
        assert!(ShortCode::looks_like("123 456 789"));
        assert!(!ShortCode::looks_like("CERTBRIDGE:/85247719969906361981045430"));
        assert!(!ShortCode::looks_like(&"1".repeat(40)));
        assert!(!ShortCode::looks_like(""));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let code = ShortCode::parse("123-456-789").unwrap();
        assert!(!format!("{code:?}").contains("456"));
    }
}
