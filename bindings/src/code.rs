//! Typed codes (`123-456-789`) on a phone: reading what the user typed
//! (the core's `ShortCode` rules), and the app's own LAN search where the
//! core's mDNS browser cannot run (iOS, where raw multicast needs an
//! entitlement, uses Bonjour; Android may use `NsdManager`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use certbridge_core::code::{CodeError as CoreCodeError, LanFinder, ShortCode};

use crate::error::{FailureKind, TransferFailure};
use crate::text::Message;

/// A typed code, read: what the screen and a screen reader show. The
/// secret digits are in it, as on the PC's screen: never log it.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct TypedCode {
    /// Grouped for the screen: `123-456-789`, `1234-567-890`.
    pub grouped: String,
    /// For a screen reader, digit by digit: `1 2 3, 4 5 6, 7 8 9`.
    pub spoken: String,
    /// The channel (the digits before the secret), which finds the PC.
    pub channel: String,
}

impl std::fmt::Debug for TypedCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedCode").field("channel", &self.channel).finish_non_exhaustive()
    }
}

impl From<&ShortCode> for TypedCode {
    fn from(code: &ShortCode) -> Self {
        TypedCode { grouped: code.grouped(), spoken: code.spoken(), channel: code.channel().to_owned() }
    }
}

/// A typed code that cannot be used (too short, too long, not digits).
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[non_exhaustive]
pub enum CodeError {
    /// Not 9 to 12 digits.
    #[error("{reason}")]
    Malformed {
        /// The core's sentence, for the app's log (never shown).
        reason: String,
        /// The kind and the words for the user (`err-code-malformed`).
        failure: TransferFailure,
    },
}

impl From<CoreCodeError> for CodeError {
    fn from(e: CoreCodeError) -> Self {
        CodeError::Malformed {
            reason: e.to_string(),
            failure: TransferFailure { kind: FailureKind::InvalidInvite, explanation: Message::plain("err-code-malformed") },
        }
    }
}

/// Reads a typed code: 9 to 12 digits, spaces and dashes ignored.
#[uniffi::export]
pub fn read_code(text: String) -> Result<TypedCode, CodeError> {
    Ok(TypedCode::from(&ShortCode::parse(&text)?))
}

/// Finds PCs on the LAN that show a code with `channel`, for platforms
/// whose own service discovery must be used (iOS Bonjour, Android
/// `NsdManager`): browse `_certbridge._tcp` and keep the services whose TXT
/// record has `ch=<channel>`. Called on a background thread; may block up
/// to `timeout_ms`, and may return as soon as one PC is found. Without one,
/// the library browses mDNS itself (a build with the `mdns` feature).
#[uniffi::export(with_foreign)]
pub trait CodeFinder: Send + Sync {
    /// The PCs' addresses, each `IP:PORT` (`192.168.0.10:50123`,
    /// `[fe80::1%2]:50123`).
    fn find(&self, channel: String, timeout_ms: u64) -> Vec<String>;
}

/// The app's finder as the core sees it.
pub(crate) struct AppFinder(pub(crate) Arc<dyn CodeFinder>);

impl LanFinder for AppFinder {
    fn find(&self, channel: &str, timeout: Duration) -> Vec<SocketAddr> {
        let ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        let found = self.0.find(channel.to_owned(), ms);
        let addresses: Vec<SocketAddr> = found.iter().filter_map(|a| a.trim().parse().ok()).collect();
        if addresses.len() < found.len() {
            tracing::info!("the app's code finder gave {} addresses that are not IP:PORT", found.len() - addresses.len());
        }
        addresses
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a panic is a failed test
    use super::*;

    #[test]
    fn typed_codes_are_read_by_the_cores_rules() {
        let code = read_code(" 728 166-322 ".into()).unwrap();
        assert_eq!((code.grouped.as_str(), code.channel.as_str()), ("728-166-322", "728"));
        assert_eq!(code.spoken, "7 2 8, 1 6 6, 3 2 2");
        assert!(!format!("{code:?}").contains("166"), "Debug never shows the secret");
        for bad in ["72816632", "1234567890123", "728-166-32x"] {
            let Err(CodeError::Malformed { failure, .. }) = read_code(bad.into()) else { panic!("{bad} was read") };
            assert_eq!((failure.kind, failure.explanation.id.as_str()), (FailureKind::InvalidInvite, "err-code-malformed"));
        }
    }

    struct Fixed(Vec<String>);
    impl CodeFinder for Fixed {
        fn find(&self, channel: String, _timeout_ms: u64) -> Vec<String> {
            if channel == "728" { self.0.clone() } else { Vec::new() }
        }
    }

    #[test]
    fn an_apps_finder_gives_addresses_and_junk_is_dropped() {
        let finder = AppFinder(Arc::new(Fixed(vec!["127.0.0.1:5000".into(), "nonsense".into(), "[::1]:6000".into()])));
        let found = finder.find("728", Duration::from_secs(1));
        assert_eq!(found, ["127.0.0.1:5000".parse().unwrap(), "[::1]:6000".parse().unwrap()]);
        assert!(finder.find("729", Duration::from_secs(1)).is_empty());
    }
}
