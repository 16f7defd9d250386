//! Every error the foreign side sees, and its mapping from the core's.
//!
//! Each is an enum whose cases carry a `reason` (the core's sentence, for
//! logs), so Kotlin, Swift and Python get typed cases to `when`/`switch` on.
//! What a user reads comes from the catalog: a session's and a scanned
//! code's failures carry a [`TransferFailure`], whose explanation is a catalog
//! [`Message`].

use certbridge_core::invite::InviteError as CoreInviteError;
use certbridge_core::message::AbortCode;
use certbridge_core::npki::{KeyError, NpkiError};
use certbridge_core::session::{ErrorKind, SessionError};

use crate::text::Message;
use crate::wording;

/// Why a transfer did not happen, for the app's failure screen.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TransferFailure {
    /// The kind, to choose the screen's title and buttons.
    pub kind: FailureKind,
    /// What happened and what to do, from the catalog.
    pub explanation: Message,
}

/// A scanned code that cannot be used.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[non_exhaustive]
pub enum InviteError {
    /// Not a CertBridge code, or damaged.
    #[error("{reason}")]
    Invalid {
        /// What is wrong (the core's words, for logs).
        reason: String,
        /// What the user reads.
        failure: TransferFailure,
    },
    /// A CertBridge code whose time has passed.
    #[error("{reason}")]
    Expired {
        /// What is wrong (the core's words, for logs).
        reason: String,
        /// What the user reads.
        failure: TransferFailure,
    },
}

impl InviteError {
    /// What the user reads, whichever the case.
    pub fn failure(&self) -> &TransferFailure {
        match self {
            InviteError::Invalid { failure, .. } | InviteError::Expired { failure, .. } => failure,
        }
    }
}

impl From<CoreInviteError> for InviteError {
    fn from(e: CoreInviteError) -> Self {
        let reason = e.to_string();
        let explanation = wording::for_phone(&certbridge_i18n::explain::invite_error(&e));
        match e {
            CoreInviteError::Expired(_) => {
                InviteError::Expired { reason, failure: TransferFailure { kind: FailureKind::Expired, explanation } }
            }
            _ => InviteError::Invalid { reason, failure: TransferFailure { kind: FailureKind::InvalidInvite, explanation } },
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

/// Why a session failed, for the app to choose its screen. The
/// [`TransferFailure`] beside it carries the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
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

impl FailureKind {
    /// Every kind, for the apps' tests.
    pub const ALL: [FailureKind; 18] = [
        FailureKind::Expired,
        FailureKind::InvalidInvite,
        FailureKind::Store,
        FailureKind::NothingToSend,
        FailureKind::Unreachable,
        FailureKind::Refused,
        FailureKind::WrongCode,
        FailureKind::Handshake,
        FailureKind::CodeMismatch,
        FailureKind::PeerAborted,
        FailureKind::Declined,
        FailureKind::Cancelled,
        FailureKind::Disconnected,
        FailureKind::Tampered,
        FailureKind::Protocol,
        FailureKind::Timeout,
        FailureKind::ReceiptMismatch,
        FailureKind::Other,
    ];
}

impl From<&SessionError> for TransferFailure {
    fn from(e: &SessionError) -> Self {
        TransferFailure { kind: e.into(), explanation: wording::for_phone(&certbridge_i18n::explain::session_error(e)) }
    }
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
            // The phone's user cares what happened, not who said it.
            ErrorKind::PeerAborted => match e {
                SessionError::PeerAborted { code: Some(AbortCode::CodeMismatch), .. } => FailureKind::CodeMismatch,
                SessionError::PeerAborted { code: Some(AbortCode::Timeout), .. } => FailureKind::Timeout,
                _ => FailureKind::PeerAborted,
            },
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
