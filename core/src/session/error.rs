//! Why a session failed: [`SessionError`], with a message a user can act
//! on, and [`ErrorKind`], the closed set of failure kinds that apps map to
//! their own words and `--json` output names.

use crate::handshake::HandshakeError;
use crate::invite::InviteError;
use crate::message::AbortCode;
use crate::transport::LinkError;
use crate::transport::lan::ListenError;
use crate::transport::relay::RelayError;

use super::StoreError;

/// Why a session failed. [`SessionError::kind`] sorts each case into an
/// [`ErrorKind`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The invite is damaged or expired.
    #[error(transparent)]
    Invite(#[from] InviteError),
    /// The certificates could not be read or saved.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The certificates to send could not be read.
    #[error("the certificates to send could not be read: {0}")]
    Load(StoreError),
    /// Sending was asked for, with nothing to send.
    #[error("there is no certificate to send")]
    NothingToSend,
    /// More certificates than one transfer carries.
    #[error("{0} certificates are more than one transfer carries ({max})", max = crate::message::MAX_BUNDLE_ITEMS)]
    TooManyItems(usize),
    /// The desktop could not listen.
    #[error(transparent)]
    Listen(#[from] ListenError),
    /// The LAN is turned off and no relay is set: the desktop has no way
    /// to be reached.
    #[error("there is no way to connect: the LAN is turned off and no relay is set")]
    NoPath,
    /// The relay, the desktop's only path, could not be reached.
    #[error("{0}; check the relay's address and this computer's internet connection")]
    RelayUnreachable(RelayError),
    /// No address of the desktop answered.
    #[error("could not reach the desktop ({0}); check that both devices are on the same network")]
    Unreachable(String),
    /// The typed code does not match the desktop's (mistyped, or already
    /// replaced by a new one).
    #[error("the code does not match the desktop's; it shows a new one now")]
    WrongCode,
    /// No desktop showing this typed code was found.
    #[error("no desktop with this code was found")]
    NoDesktopForCode,
    /// The desktop closed the connection during the handshake.
    #[error(
        "the desktop refused the connection: its code was already used by another device or does not match; scan a new code"
    )]
    Refused,
    /// The handshake failed.
    #[error(transparent)]
    Handshake(#[from] HandshakeError),
    /// The desktop's user typed a wrong number too often.
    #[error(
        "the verification number was typed wrong 3 times; the transfer was stopped and nothing was sent"
    )]
    CodeMismatch,
    /// The other device stopped the session, with its reason (sanitised).
    #[error("the other device stopped the transfer: {reason}")]
    PeerAborted {
        /// Why, when the other device said it in a code this version knows.
        code: Option<AbortCode>,
        /// Why, in the other device's words (for when there is no code).
        reason: String,
    },
    /// The user declined to send.
    #[error("sending was declined; nothing was sent")]
    Declined,
    /// The user cancelled.
    #[error("the transfer was cancelled")]
    Cancelled,
    /// The connection broke.
    #[error("the connection to the other device was lost ({error})")]
    Disconnected {
        /// How it broke.
        error: LinkError,
        /// True when this side had sent its certificates and was waiting
        /// for the receipt: they may or may not have been installed.
        after_sending: bool,
    },
    /// A message did not decrypt.
    #[error("a message from the other device did not decrypt; the connection was tampered with")]
    Tampered,
    /// The other device sent something out of order or malformed.
    #[error("the other device broke the protocol: {0}")]
    Protocol(String),
    /// Nothing happened for too long.
    #[error("nothing happened for {0} seconds, so the transfer was stopped")]
    Timeout(u64),
    /// The other device did not take its next step (send the certificates,
    /// the receipt, the confirmation) within the few seconds it needs.
    #[error("the other device did not answer in time")]
    PeerSilent,
    /// The invite expired before any device connected.
    #[error("the code expired before a device connected; start again for a new code")]
    InviteExpired,
    /// The receiver's digests differ from what was sent.
    #[error("the other device's receipt does not match what was sent; check the certificate there")]
    ReceiptMismatch,
}

/// The kind of a [`SessionError`]. Unlike the error, the set is closed, so
/// a `match` over it is checked by the compiler wherever it is mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The invite expired, or expired before anyone connected.
    Expired,
    /// The invite is damaged.
    InvalidInvite,
    /// The certificates could not be read or saved.
    Store,
    /// Sending was asked for, with nothing to send.
    NothingToSend,
    /// The desktop could not listen on the LAN.
    Listen,
    /// Neither the LAN nor a relay is enabled.
    NoPath,
    /// The scanner reached no address of the desktop.
    Unreachable,
    /// The desktop could not reach its relay.
    RelayUnreachable,
    /// The desktop closed the connection during the handshake.
    Refused,
    /// A typed code did not match.
    WrongCode,
    /// The handshake failed.
    Handshake,
    /// The verification number was typed wrong too often.
    CodeMismatch,
    /// The other device stopped the session.
    PeerAborted,
    /// The user declined to send.
    Declined,
    /// The user cancelled.
    Cancelled,
    /// The connection broke.
    Disconnected,
    /// A message did not decrypt.
    Tampered,
    /// The other device broke the protocol.
    Protocol,
    /// Nothing happened for too long.
    Timeout,
    /// The receiver's digests differ from what was sent.
    ReceiptMismatch,
}

impl ErrorKind {
    /// A stable name, as used in `--json` output.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Expired => "expired",
            ErrorKind::InvalidInvite => "invalid_invite",
            ErrorKind::Store => "store",
            ErrorKind::NothingToSend => "nothing_to_send",
            ErrorKind::Listen => "listen",
            ErrorKind::NoPath => "no_path",
            ErrorKind::Unreachable => "unreachable",
            ErrorKind::RelayUnreachable => "relay_unreachable",
            ErrorKind::Refused => "refused",
            ErrorKind::WrongCode => "wrong_code",
            ErrorKind::Handshake => "handshake",
            ErrorKind::CodeMismatch => "code_mismatch",
            ErrorKind::PeerAborted => "peer_aborted",
            ErrorKind::Declined => "declined",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::Disconnected => "disconnected",
            ErrorKind::Tampered => "tampered",
            ErrorKind::Protocol => "protocol",
            ErrorKind::Timeout => "timeout",
            ErrorKind::ReceiptMismatch => "receipt_mismatch",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl SessionError {
    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        match self {
            SessionError::Invite(InviteError::Expired(_)) | SessionError::InviteExpired => ErrorKind::Expired,
            SessionError::Invite(_) => ErrorKind::InvalidInvite,
            SessionError::Store(_) | SessionError::Load(_) => ErrorKind::Store,
            SessionError::NothingToSend | SessionError::TooManyItems(_) => ErrorKind::NothingToSend,
            SessionError::Listen(_) => ErrorKind::Listen,
            SessionError::NoPath => ErrorKind::NoPath,
            SessionError::Unreachable(_) => ErrorKind::Unreachable,
            SessionError::RelayUnreachable(_) => ErrorKind::RelayUnreachable,
            SessionError::Refused => ErrorKind::Refused,
            SessionError::WrongCode => ErrorKind::WrongCode,
            SessionError::NoDesktopForCode => ErrorKind::Unreachable,
            SessionError::Handshake(_) => ErrorKind::Handshake,
            SessionError::CodeMismatch => ErrorKind::CodeMismatch,
            SessionError::PeerAborted { .. } => ErrorKind::PeerAborted,
            SessionError::Declined => ErrorKind::Declined,
            SessionError::Cancelled => ErrorKind::Cancelled,
            SessionError::Disconnected { .. } => ErrorKind::Disconnected,
            SessionError::Tampered => ErrorKind::Tampered,
            SessionError::Protocol(_) => ErrorKind::Protocol,
            SessionError::Timeout(_) | SessionError::PeerSilent => ErrorKind::Timeout,
            SessionError::ReceiptMismatch => ErrorKind::ReceiptMismatch,
        }
    }

    /// The abort that tells the other device this error ended the
    /// session: a code it can put in its user's words, and a sentence for
    /// peers that do not know codes.
    pub(super) fn abort_message(&self) -> crate::message::Message {
        let (code, reason) = match self {
            SessionError::CodeMismatch => (AbortCode::CodeMismatch, "the verification number was typed wrong 3 times"),
            SessionError::Declined => (AbortCode::Declined, "the user declined to send"),
            SessionError::Cancelled => (AbortCode::Cancelled, "cancelled by the user"),
            SessionError::Timeout(_) | SessionError::PeerSilent => (AbortCode::Timeout, "timed out"),
            SessionError::Store(_) => (AbortCode::SaveFailed, "the certificates could not be saved"),
            _ => (AbortCode::Protocol, "protocol error"),
        };
        crate::message::Message::abort_with(code, reason)
    }
}
