//! Every error the foreign side sees, and its mapping from the core's.
//!
//! Each is an enum whose cases carry a `reason`, so Kotlin, Swift and Python get typed
//! cases to `when`/`switch` on and a sentence to show.

use certbridge_core::invite::InviteError as CoreInviteError;
use certbridge_core::npki::{KeyError, NpkiError};
use certbridge_core::session::{ErrorKind, SessionError};

/// A scanned code that cannot be used.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[non_exhaustive]
pub enum InviteError {
    /// Not a CertBridge code, or damaged.
    #[error("{reason}")]
    Invalid {
        /// What is wrong, for the user.
        reason: String,
    },
    /// A CertBridge code whose time has passed.
    #[error("{reason}")]
    Expired {
        /// What to do, for the user.
        reason: String,
    },
}

impl From<CoreInviteError> for InviteError {
    fn from(e: CoreInviteError) -> Self {
        let message = e.to_string();
        match e {
            CoreInviteError::Expired(_) => InviteError::Expired { reason: message },
            _ => InviteError::Invalid { reason: message },
        }
    }
}

/// A certificate that cannot be read or checked.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[non_exhaustive]
pub enum CertificateError {
    /// The files are not a usable certificate and key.
    #[error("{reason}")]
    Damaged {
        /// What is wrong.
        reason: String,
    },
    /// The key belongs to another certificate.
    #[error("{reason}")]
    KeyMismatch {
        /// What is wrong.
        reason: String,
    },
    /// The key uses a scheme this version cannot open.
    #[error("{reason}")]
    Unsupported {
        /// What is wrong.
        reason: String,
    },
}

impl From<NpkiError> for CertificateError {
    fn from(e: NpkiError) -> Self {
        CertificateError::Damaged { reason: e.to_string() }
    }
}

impl From<KeyError> for CertificateError {
    fn from(e: KeyError) -> Self {
        let message = e.to_string();
        match e {
            KeyError::KeyMismatch => CertificateError::KeyMismatch { reason: message },
            KeyError::Unsupported(_) => CertificateError::Unsupported { reason: message },
            _ => CertificateError::Damaged { reason: message },
        }
    }
}

/// An error the app's store reports. `Failed` ends the session; a single
/// refused certificate is a [`crate::SaveResult`] instead.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store cannot work (storage full, locked, …).
    #[error("{reason}")]
    Failed {
        /// What is wrong, for the user.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for StoreError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        StoreError::Failed { reason: format!("the app's certificate store failed: {}", e.reason) }
    }
}

/// Calling a session method at the wrong time.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[non_exhaustive]
pub enum SessionStateError {
    /// `start()` was called twice.
    #[error("the session was already started; create a new one for another transfer")]
    AlreadyStarted,
    /// The library could not start its threads.
    #[error("{reason}")]
    Internal {
        /// What failed.
        reason: String,
    },
}

/// Why a session failed, for the app to choose its message. The event
/// carries the core's sentence too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
#[non_exhaustive]
pub enum FailureKind {
    /// The code expired.
    Expired,
    /// The code is damaged.
    InvalidInvite,
    /// The app's store failed.
    Store,
    /// There was nothing to send.
    NothingToSend,
    /// The desktop could not be reached.
    Unreachable,
    /// The desktop refused (its code was used by another device).
    Refused,
    /// A typed code did not match (the desktop shows a new one).
    WrongCode,
    /// The secure connection could not be set up.
    Handshake,
    /// The number was typed wrong too often on the desktop.
    CodeMismatch,
    /// The desktop stopped the transfer.
    PeerAborted,
    /// The user declined to send.
    Declined,
    /// The user cancelled.
    Cancelled,
    /// The connection was lost.
    Disconnected,
    /// A message was tampered with.
    Tampered,
    /// The desktop broke the protocol.
    Protocol,
    /// Nothing happened for too long.
    Timeout,
    /// The receipt did not match what was sent.
    ReceiptMismatch,
    /// Anything else.
    Other,
}

impl From<&SessionError> for FailureKind {
    fn from(e: &SessionError) -> Self {
        match e.kind() {
            ErrorKind::Expired => FailureKind::Expired,
            ErrorKind::InvalidInvite => FailureKind::InvalidInvite,
            ErrorKind::Store => FailureKind::Store,
            ErrorKind::NothingToSend => FailureKind::NothingToSend,
            ErrorKind::Unreachable | ErrorKind::RelayUnreachable => FailureKind::Unreachable,
            ErrorKind::Refused => FailureKind::Refused,
            ErrorKind::WrongCode => FailureKind::WrongCode,
            ErrorKind::Handshake => FailureKind::Handshake,
            ErrorKind::CodeMismatch => FailureKind::CodeMismatch,
            ErrorKind::PeerAborted => FailureKind::PeerAborted,
            ErrorKind::Declined => FailureKind::Declined,
            ErrorKind::Cancelled => FailureKind::Cancelled,
            ErrorKind::Disconnected => FailureKind::Disconnected,
            ErrorKind::Tampered => FailureKind::Tampered,
            ErrorKind::Protocol => FailureKind::Protocol,
            ErrorKind::Timeout => FailureKind::Timeout,
            ErrorKind::ReceiptMismatch => FailureKind::ReceiptMismatch,
            // Only a desktop (the host) fails these ways; a phone scans.
            ErrorKind::Listen | ErrorKind::NoPath => FailureKind::Other,
        }
    }
}
