//! Which catalog message a phone shows for each failure kind, item status
//! and certificate status: typed helpers, so that the apps' screen models
//! never pick ids by hand for what the core reports.
//!
//! The core's explanations (`certbridge_i18n::explain`) are written for
//! every front end; the few that name a PC's folders, flags or log switches
//! are swapped for the phone's own wording (the catalog's `## Phone app`
//! section) in [`for_phone`].

use certbridge_i18n::Msg;

use crate::certificate::{CertificateInfo, CertificateStatus};
use crate::error::FailureKind;
use crate::session::{ItemResult, ItemStatus};
use crate::store::RejectReason;
use crate::text::Message;

/// Core explanations that speak of a PC's folders, flags or logs, and the
/// phone's words for the same thing.
const PHONE_WORDS: [(&str, &str); 5] = [
    ("err-save-failed", "phone-err-save-failed"),
    ("err-load-failed", "phone-err-load-failed"),
    ("err-internal", "phone-err-internal"),
    ("err-invite-damaged", "phone-err-invite-damaged"),
    ("err-invite-not-certbridge", "phone-err-invite-not-certbridge"),
];

/// A core explanation as a phone says it.
pub(crate) fn for_phone(msg: &Msg) -> Message {
    match PHONE_WORDS.iter().find(|(core, _)| *core == msg.id()) {
        Some((_, phone)) => Message::plain(phone),
        None => Message::from_msg(msg),
    }
}

/// The failure screen's title for `kind`.
#[uniffi::export]
pub fn failure_title(kind: FailureKind) -> Message {
    Message::plain(match kind {
        FailureKind::Cancelled => "phone-title-cancelled",
        FailureKind::Declined => "phone-title-declined",
        FailureKind::Expired => "phone-title-expired",
        FailureKind::InvalidInvite => "phone-title-invalid-code",
        FailureKind::WrongCode => "phone-title-wrong-code",
        FailureKind::CodeMismatch => "phone-title-code-mismatch",
        FailureKind::Disconnected | FailureKind::Unreachable => "phone-title-no-connection",
        _ => "phone-title-failed",
    })
}

/// What to say for `kind` when nothing more precise is known (a session's
/// own [`crate::TransferFailure`] carries the precise words).
#[uniffi::export]
pub fn failure_explanation(kind: FailureKind) -> Message {
    let id = match kind {
        FailureKind::Expired => "err-invite-expired",
        FailureKind::InvalidInvite => "phone-err-invite-damaged",
        FailureKind::Store => "phone-err-save-failed",
        FailureKind::NothingToSend => "err-nothing-to-send",
        FailureKind::Unreachable => "err-unreachable",
        FailureKind::Refused => "err-refused",
        FailureKind::WrongCode => "err-wrong-code",
        FailureKind::Handshake => "err-handshake",
        FailureKind::CodeMismatch => "err-peer-code-mismatch",
        FailureKind::PeerAborted => "phone-err-peer-stopped",
        FailureKind::Declined => "err-declined",
        FailureKind::Cancelled => "err-cancelled",
        FailureKind::Disconnected => "err-disconnected",
        FailureKind::Tampered => "err-tampered",
        FailureKind::Protocol => "err-protocol",
        FailureKind::Timeout => "err-timeout-waiting",
        FailureKind::ReceiptMismatch => "err-receipt-mismatch",
        FailureKind::Other => "phone-err-internal",
    };
    Message::plain(id)
}

/// Why a certificate was refused: by the PC when this phone sent it, by
/// this phone's store when it received it.
#[uniffi::export]
pub fn rejection_explanation(code: Option<RejectReason>, reason: Option<String>, sent: bool) -> Message {
    match (code, sent) {
        (Some(RejectReason::Conflict), true) => Message::plain("reject-conflict-remote"),
        (Some(RejectReason::Conflict), false) => Message::plain("phone-reject-conflict"),
        (Some(RejectReason::Invalid), _) => Message::plain("reject-invalid"),
        (Some(RejectReason::Unsupported), true) => Message::plain("reject-unsupported"),
        (Some(RejectReason::Unsupported), false) => Message::plain("phone-reject-unsupported"),
        (None, _) => Message::plain("reject-other").text("reason", reason.unwrap_or_default()),
    }
}

/// One line of the result screen for `item`. `sent` is true when this
/// phone sent it to `peer_name`.
#[uniffi::export]
pub fn item_line(item: ItemResult, sent: bool, peer_name: String) -> Message {
    let name = item.label.clone().unwrap_or_default();
    let line = |id: &str| Message::plain(id).text("name", name.clone());
    match (item.status, sent, item.removed) {
        // A move: the PC confirmed it; this phone's copy is gone, or is not.
        (ItemStatus::Installed | ItemStatus::Duplicate, true, Some(true)) => line("phone-item-moved").text("peer", peer_name),
        (ItemStatus::Installed | ItemStatus::Duplicate, true, Some(false)) => {
            line("phone-item-not-removed").text("peer", peer_name)
        }
        _ => copied_line(item, sent, peer_name),
    }
}

fn copied_line(item: ItemResult, sent: bool, peer_name: String) -> Message {
    let name = item.label.clone().unwrap_or_default();
    let line = |id: &str| Message::plain(id).text("name", name.clone());
    match (item.status, sent) {
        (ItemStatus::Installed, true) => line("result-sent-installed").text("peer", peer_name),
        (ItemStatus::Duplicate, true) => line("result-sent-duplicate").text("peer", peer_name),
        (ItemStatus::Rejected, true) => line("phone-item-sent-rejected")
            .text("peer", peer_name)
            .with_reason(rejection_explanation(item.code, item.reason, true)),
        (ItemStatus::Installed, false) if item.replaced.is_some() => line("phone-item-replaced"),
        (ItemStatus::Installed, false) => line("phone-item-installed"),
        (ItemStatus::Duplicate, false) => line("phone-item-duplicate"),
        (ItemStatus::Rejected, false) => {
            line("phone-item-rejected").with_reason(rejection_explanation(item.code, item.reason, false))
        }
    }
}

/// The result screen's title: everything saved, some refused, none saved.
#[uniffi::export]
pub fn finished_title(sent: bool, items: Vec<ItemResult>) -> Message {
    let refused = items.iter().filter(|i| i.status == ItemStatus::Rejected).count();
    let fresh = items.iter().filter(|i| i.status == ItemStatus::Installed).count();
    let id = match (sent, refused, fresh) {
        (_, r, _) if r == items.len() => "phone-done-none",
        (_, r, _) if r > 0 => "phone-done-some-refused",
        (true, _, 0) => "phone-done-sent-already-there",
        (false, _, 0) => "phone-done-already-there",
        (true, _, _) => "phone-done-sent",
        (false, _, _) => "phone-done-received",
    };
    Message::plain(id).number("count", i64::try_from(items.len()).unwrap_or(i64::MAX))
}

/// "valid, 120 days left" and the like, for the list and details.
#[uniffi::export]
pub fn certificate_status_line(info: CertificateInfo) -> Message {
    match info.status {
        CertificateStatus::Valid => Message::plain("status-valid").number("days", info.days_left),
        CertificateStatus::Expiring => Message::plain("status-expiring").number("days", info.days_left),
        CertificateStatus::Expired => Message::plain("status-expired").number("days", -info.days_left),
    }
}

impl Message {
    /// Adds why an item was refused: as the nested `reason` message, or,
    /// when the reason carries the other side's own words (a nested message
    /// cannot have arguments), as the `words` text of the `-words` variant
    /// of this message.
    fn with_reason(mut self, reason: Message) -> Self {
        let words = reason.args.into_iter().find_map(|a| match a.value {
            crate::text::ArgValue::Text { text } => Some(text),
            _ => None,
        });
        match words {
            None => self.nested("reason", &reason.id),
            Some(words) => {
                self.id.push_str("-words");
                self.text("words", words)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{Language, has_message, render};

    fn item(status: ItemStatus, code: Option<RejectReason>, replaced: bool) -> ItemResult {
        ItemResult {
            label: Some("홍길동".into()),
            location: None,
            replaced: replaced.then(|| "old".into()),
            status,
            code,
            reason: Some("disk full".into()),
            removed: None,
        }
    }

    fn assert_renders(msg: &Message) {
        assert!(has_message(msg.id.clone()), "{} is not in the catalog", msg.id);
        for lang in [Language::Korean, Language::English] {
            let text = render(msg.clone(), lang);
            assert!(!text.contains("phone-") && !text.contains("err-") && !text.contains('{'), "{lang:?}: {text}");
        }
    }

    #[test]
    fn every_kind_has_a_title_and_an_explanation() {
        for kind in FailureKind::ALL {
            assert_renders(&failure_title(kind));
            assert_renders(&failure_explanation(kind));
        }
        for (core, phone) in PHONE_WORDS {
            assert!(has_message(core.into()) && has_message(phone.into()), "{core} → {phone}");
        }
    }

    #[test]
    fn every_item_status_has_a_line_in_both_directions() {
        let codes = [None, Some(RejectReason::Conflict), Some(RejectReason::Invalid), Some(RejectReason::Unsupported)];
        for sent in [true, false] {
            for status in [ItemStatus::Installed, ItemStatus::Duplicate, ItemStatus::Rejected] {
                for code in codes {
                    for replaced in [false, true] {
                        let line = item_line(item(status, code, replaced), sent, "Test PC".into());
                        assert_renders(&line);
                        let ko = render(line, Language::Korean);
                        assert!(ko.contains("홍길동"), "{ko}");
                    }
                }
            }
        }
        let refused = item_line(item(ItemStatus::Rejected, None, false), false, String::new());
        assert!(render(refused, Language::English).contains("disk full"));
        let conflict = item_line(item(ItemStatus::Rejected, Some(RejectReason::Conflict), false), false, String::new());
        assert!(!render(conflict, Language::Korean).contains("--replace"));
    }

    #[test]
    fn a_move_says_whether_this_phones_copy_is_gone() {
        let moved = |removed| ItemResult { removed, ..item(ItemStatus::Installed, None, false) };
        let gone = item_line(moved(Some(true)), true, "Test PC".into());
        let kept = item_line(moved(Some(false)), true, "Test PC".into());
        let copied = item_line(moved(None), true, "Test PC".into());
        assert_eq!((gone.id.as_str(), kept.id.as_str(), copied.id.as_str()), ("phone-item-moved", "phone-item-not-removed", "result-sent-installed"));
        for line in [gone, kept] {
            assert_renders(&line);
            assert!(render(line, Language::Korean).contains("홍길동"));
        }
        // A refused certificate was not taken, so nothing was removed.
        let refused = ItemResult { removed: None, ..item(ItemStatus::Rejected, None, false) };
        assert!(item_line(refused, true, String::new()).id.starts_with("phone-item-sent-rejected"));
    }

    #[test]
    fn titles_tell_saved_from_refused_and_already_there() {
        let installed = item(ItemStatus::Installed, None, false);
        let duplicate = item(ItemStatus::Duplicate, None, false);
        let rejected = item(ItemStatus::Rejected, Some(RejectReason::Invalid), false);
        assert_eq!(finished_title(false, vec![installed.clone()]).id, "phone-done-received");
        assert_eq!(finished_title(false, vec![duplicate.clone()]).id, "phone-done-already-there");
        assert_eq!(finished_title(true, vec![duplicate]).id, "phone-done-sent-already-there");
        assert_eq!(finished_title(false, vec![rejected.clone()]).id, "phone-done-none");
        assert_eq!(finished_title(true, vec![installed.clone(), rejected]).id, "phone-done-some-refused");
        assert_eq!(finished_title(true, vec![installed]).id, "phone-done-sent");
    }
}
