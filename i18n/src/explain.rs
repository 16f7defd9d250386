//! What each core error means for the person in front of the screen: what
//! happened and what to do next, as a [`Msg`]. The error's own text (which
//! may name program internals) is for the debug log, never for these.

use std::path::Path;

use certbridge_core::invite::InviteError;
use certbridge_core::message::{AbortCode, RejectCode};
use certbridge_core::npki::{KeyError, NpkiError, PfxError};
use certbridge_core::session::SessionError;
use certbridge_core::transport::Path as LinkPath;
use certbridge_core::transport::lan::ListenError;
use certbridge_core::transport::relay::RelayError;

use crate::Msg;

/// Which way a connection goes, for "connected to … (…)".
pub fn link_path(path: &LinkPath) -> Msg {
    match path {
        LinkPath::Lan { peer } => Msg::new("path-lan").arg("address", peer.ip().to_string()),
        LinkPath::Relay { url } => Msg::new("path-relay").arg("url", url.as_str()),
        _ => Msg::new("path-relay").arg("url", ""),
    }
}

/// A file or folder path as shown to the user.
pub fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Why a session failed.
pub fn session_error(e: &SessionError) -> Msg {
    match e {
        SessionError::Invite(e) => invite_error(e),
        SessionError::InviteExpired => Msg::new("err-no-one-came"),
        SessionError::Store(_) => Msg::new("err-save-failed"),
        SessionError::Load(_) => Msg::new("err-load-failed"),
        SessionError::NothingToSend => Msg::new("err-nothing-to-send"),
        SessionError::TooManyItems(n) => {
            Msg::new("err-too-many-items").arg("count", *n).arg("max", certbridge_core::message::MAX_BUNDLE_ITEMS)
        }
        SessionError::Listen(ListenError::NoAddress) => Msg::new("err-no-address"),
        SessionError::Listen(ListenError::Bind { addr, .. }) => {
            Msg::new("err-listen").arg("address", addr.to_string())
        }
        SessionError::Listen(ListenError::Unspecified(ip)) => Msg::new("err-listen").arg("address", ip.to_string()),
        SessionError::Listen(_) => Msg::new("err-listen").arg("address", "?"),
        SessionError::NoPath => Msg::new("err-no-path"),
        SessionError::RelayUnreachable(e @ RelayError::Insecure(_)) => {
            Msg::new("err-relay-insecure").arg("url", e.url().unwrap_or("?"))
        }
        SessionError::RelayUnreachable(e) => Msg::new("err-relay-unreachable").arg("url", e.url().unwrap_or("?")),
        SessionError::Unreachable(_) => Msg::new("err-unreachable"),
        SessionError::Refused => Msg::new("err-refused"),
        SessionError::WrongCode => Msg::new("err-wrong-code"),
        SessionError::NoDesktopForCode => Msg::new("err-no-desktop-for-code"),
        SessionError::Handshake(_) => Msg::new("err-handshake"),
        SessionError::CodeMismatch => Msg::new("err-code-mismatch"),
        SessionError::PeerAborted { code, reason } => peer_abort(*code, reason),
        SessionError::Declined => Msg::new("err-declined"),
        SessionError::Cancelled => Msg::new("err-cancelled"),
        SessionError::Disconnected { after_sending: true, .. } => Msg::new("err-disconnected-after-sending"),
        SessionError::Disconnected { .. } => Msg::new("err-disconnected"),
        SessionError::Tampered => Msg::new("err-tampered"),
        SessionError::Protocol(_) => Msg::new("err-protocol"),
        SessionError::Timeout(secs) => Msg::new("err-timeout").arg("seconds", *secs),
        SessionError::PeerSilent => Msg::new("err-timeout-waiting"),
        SessionError::ReceiptMismatch => Msg::new("err-receipt-mismatch"),
        _ => Msg::new("err-internal"),
    }
}

/// Why the other device stopped, in this user's words when it said so with
/// a code, or in its own (already sanitised) words otherwise.
pub fn peer_abort(code: Option<AbortCode>, reason: &str) -> Msg {
    match code {
        Some(AbortCode::Cancelled) => Msg::new("err-peer-cancelled"),
        Some(AbortCode::CodeMismatch) => Msg::new("err-peer-code-mismatch"),
        Some(AbortCode::Declined) => Msg::new("err-peer-declined"),
        Some(AbortCode::Timeout) => Msg::new("err-peer-timeout"),
        Some(AbortCode::SaveFailed) => Msg::new("err-peer-save-failed"),
        Some(AbortCode::Protocol) => Msg::new("err-peer-protocol"),
        None => Msg::new("err-peer-other").arg("reason", reason),
    }
}

/// Why the receiver refused a certificate, for the sender.
pub fn remote_rejection(code: Option<RejectCode>, reason: Option<&str>) -> Msg {
    match code {
        Some(RejectCode::Conflict) => Msg::new("reject-conflict-remote"),
        Some(RejectCode::Invalid) => Msg::new("reject-invalid"),
        Some(RejectCode::Unsupported) => Msg::new("reject-unsupported"),
        None => Msg::new("reject-other").arg("reason", reason.unwrap_or("")),
    }
}

/// Why a code cannot be used.
pub fn invite_error(e: &InviteError) -> Msg {
    match e {
        InviteError::Expired(_) => Msg::new("err-invite-expired"),
        InviteError::WrongPrefix => Msg::new("err-invite-not-certbridge"),
        InviteError::UnknownVersion(_) => Msg::new("err-invite-version"),
        InviteError::OldFormat => Msg::new("err-invite-old-format"),
        _ => Msg::new("err-invite-damaged"),
    }
}

/// Why a certificate folder or file cannot be used.
pub fn npki_error(e: &NpkiError) -> Msg {
    match e {
        NpkiError::NotAFolder(path) => Msg::new("err-not-a-folder").arg("path", shown(path)),
        NpkiError::MissingFile { file, folder } => Msg::new("err-missing-file")
            .arg("file", *file)
            .arg("folder", shown(folder)),
        NpkiError::HalfKmPair(folder) => Msg::new("err-half-km-pair").arg("folder", shown(folder)),
        NpkiError::BadSize(file) => Msg::new("err-bad-size").arg("file", shown(file)),
        NpkiError::BadCertificateFile { file, .. } => Msg::new("err-bad-certificate").arg("file", shown(file)),
        NpkiError::BadCertificate(_) => Msg::new("reject-invalid"),
        NpkiError::BadKeyFile { file, error } => key_error(error, file),
        NpkiError::Conflict { folder } => Msg::new("err-conflict").arg("folder", shown(folder)),
        NpkiError::Io { path, .. } => Msg::new("err-read-file").arg("path", shown(path)),
        _ => Msg::new("err-internal"),
    }
}

/// Why a key could not be opened; `file` is the key file (or its folder).
pub fn key_error(e: &KeyError, file: &Path) -> Msg {
    match e {
        KeyError::WrongPassword => Msg::new("err-wrong-password"),
        KeyError::KeyMismatch => {
            let folder = if file.is_dir() { file } else { file.parent().unwrap_or(file) };
            Msg::new("err-key-mismatch").arg("folder", shown(folder))
        }
        KeyError::Unsupported(_) => Msg::new("err-unsupported-key").arg("file", shown(file)),
        KeyError::NoRandomness => Msg::new("err-no-randomness"),
        _ => Msg::new("err-bad-key").arg("file", shown(file)),
    }
}

/// Why a PKCS#12 file could not be made or read; `file` is the PKCS#12
/// file or the certificate folder it is made from.
pub fn pfx_error(e: &PfxError, file: &Path) -> Msg {
    match e {
        PfxError::WrongPassword => Msg::new("err-wrong-password"),
        PfxError::Malformed(_) => Msg::new("err-pfx-damaged").arg("path", shown(file)),
        PfxError::Unsupported(_) => Msg::new("err-pfx-unsupported").arg("path", shown(file)),
        PfxError::NoKeyPair => Msg::new("err-pfx-contents").arg("path", shown(file)),
        PfxError::Key(k) => key_error(k, file),
        PfxError::Certificate(c) => npki_error(c),
        _ => Msg::new("err-internal"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use certbridge_core::transport::LinkError;

    /// Words that mean a program's insides reached the user.
    const INTERNALS: [&str; 12] = [
        "Error {", "kind:", "Os {", "Io(", "Some(", "None", "::", "Syntax(", "NomError", "WebSocket", "tungstenite", "Utf8",
    ];

    fn assert_plain(msg: &Msg) {
        for lang in Lang::ALL {
            let text = msg.render(lang);
            assert!(!text.is_empty() && text != msg.id(), "{} does not render", msg.id());
            for bad in INTERNALS {
                assert!(!text.contains(bad), "{:?} in {lang}: {text}", bad);
            }
        }
    }

    #[test]
    fn every_session_error_has_plain_words() {
        let errors = [
            SessionError::Invite(InviteError::BadCbor("Syntax(3)".into())),
            SessionError::Invite(InviteError::Expired(5)),
            SessionError::Invite(InviteError::OldFormat),
            SessionError::InviteExpired,
            SessionError::NothingToSend,
            SessionError::Listen(ListenError::NoAddress),
            SessionError::NoPath,
            SessionError::Unreachable("Io(Error { kind: ConnectionRefused })".into()),
            SessionError::Refused,
            SessionError::CodeMismatch,
            SessionError::PeerAborted { code: None, reason: "disk full".into() },
            SessionError::PeerAborted { code: Some(AbortCode::Cancelled), reason: String::new() },
            SessionError::Declined,
            SessionError::Cancelled,
            SessionError::Disconnected { error: LinkError::Closed, after_sending: false },
            SessionError::Disconnected { error: LinkError::Truncated, after_sending: true },
            SessionError::Tampered,
            SessionError::Protocol("NomError(Eof)".into()),
            SessionError::Timeout(300),
            SessionError::PeerSilent,
            SessionError::ReceiptMismatch,
        ];
        for e in &errors {
            assert_plain(&session_error(e));
        }
        assert_eq!(
            session_error(&SessionError::PeerAborted { code: Some(AbortCode::Cancelled), reason: "x".into() }).render(Lang::Ko),
            "상대 기기에서 전송을 취소했습니다."
        );
        // A sender cannot know what happened after its bundle went out.
        let lost = session_error(&SessionError::Disconnected { error: LinkError::Closed, after_sending: true }).render(Lang::En);
        assert!(!lost.contains("Nothing was installed"), "{lost}");
    }

    #[test]
    fn every_code_error_is_copied_wrong_unless_it_is_a_whole_code() {
        assert_eq!(invite_error(&InviteError::BadCheck).id(), "err-invite-damaged");
        assert_eq!(invite_error(&InviteError::ChunkOutOfRange).id(), "err-invite-damaged");
        assert_eq!(invite_error(&InviteError::BadDigitCount(7)).id(), "err-invite-damaged");
        assert_eq!(invite_error(&InviteError::WrongPrefix).id(), "err-invite-not-certbridge");
        assert_eq!(invite_error(&InviteError::OldFormat).id(), "err-invite-old-format");
        assert_eq!(invite_error(&InviteError::UnknownVersion(2)).id(), "err-invite-version");
    }
}
