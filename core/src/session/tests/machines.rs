//! The state machines alone: every rule of the protocol's ordering, with no
//! sockets and no clock.

use std::collections::VecDeque;

use super::{MemoryStore, item, outgoing};
use crate::invite::Mode;
use crate::message::{AbortCode, BundleItem, Digest32, ItemStatus, Message};
use crate::session::machine::{GuestMachine, HostMachine, SaveResult, Step};
use crate::session::store::CertificateStore;
use crate::session::{Event, ItemReport, SessionError};
use crate::verification::VerificationCode;

fn code() -> VerificationCode {
    VerificationCode::from_handshake_hash(&[7; 32])
}

fn wrong(code: &VerificationCode) -> String {
    let n: u32 = code.digits().parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

/// What one side did with a batch of steps.
#[derive(Default, Debug)]
struct Effects {
    sent: Vec<Message>,
    events: Vec<Event>,
    save: Option<Vec<BundleItem>>,
    finished: Option<Result<Vec<ItemReport>, SessionError>>,
}

fn apply(steps: Vec<Step>) -> Effects {
    let mut fx = Effects::default();
    for step in steps {
        assert!(fx.finished.is_none(), "a step after Finish");
        match step {
            Step::Send(m) => fx.sent.push(m),
            Step::Emit(e) => fx.events.push(e),
            Step::Save(items) => fx.save = Some(items),
            Step::Finish(r) => fx.finished = Some(r),
        }
    }
    fx
}

fn save(store: &MemoryStore, items: &[BundleItem]) -> Result<Vec<SaveResult>, SessionError> {
    Ok(items
        .iter()
        .map(|i| {
            let digests = i.digests().into_iter().map(|(n, d)| (n, d.0)).collect();
            (digests, store.save_incoming(i).unwrap(), None)
        })
        .collect())
}

/// Runs both machines against each other until both finish, typing
/// `typed` numbers on the desktop in turn.
struct Pair {
    host: HostMachine,
    guest: GuestMachine,
    to_guest: VecDeque<Message>,
    to_host: VecDeque<Message>,
    host_store: MemoryStore,
    guest_store: MemoryStore,
    host_done: Option<Result<Vec<ItemReport>, SessionError>>,
    guest_done: Option<Result<Vec<ItemReport>, SessionError>>,
    host_events: Vec<Event>,
    guest_events: Vec<Event>,
}

impl Pair {
    fn new(mode: Mode, items: &[BundleItem], consent: Option<bool>) -> Self {
        let (host_out, guest_out) = match mode {
            Mode::DesktopSends => (outgoing(items), Vec::new()),
            Mode::DesktopReceives => (Vec::new(), outgoing(items)),
        };
        let (host, hs) = HostMachine::new(mode, host_out, code());
        let (guest, gs) = GuestMachine::new(mode, guest_out, code(), consent);
        let mut pair = Self {
            host,
            guest,
            to_guest: VecDeque::new(),
            to_host: VecDeque::new(),
            host_store: MemoryStore::default(),
            guest_store: MemoryStore::default(),
            host_done: None,
            guest_done: None,
            host_events: Vec::new(),
            guest_events: Vec::new(),
        };
        pair.host_steps(hs);
        pair.guest_steps(gs);
        pair
    }

    fn host_steps(&mut self, steps: Vec<Step>) {
        let fx = apply(steps);
        self.to_guest.extend(fx.sent);
        self.host_events.extend(fx.events);
        if let Some(r) = fx.finished {
            self.host_done = Some(r);
        }
        if let Some(items) = fx.save {
            let saved = save(&self.host_store, &items);
            let steps = self.host.on_saved(saved);
            self.host_steps(steps);
        }
    }

    fn guest_steps(&mut self, steps: Vec<Step>) {
        let fx = apply(steps);
        self.to_host.extend(fx.sent);
        self.guest_events.extend(fx.events);
        if let Some(r) = fx.finished {
            self.guest_done = Some(r);
        }
        if let Some(items) = fx.save {
            let saved = save(&self.guest_store, &items);
            let steps = self.guest.on_saved(saved);
            self.guest_steps(steps);
        }
    }

    /// Delivers messages until both queues are empty.
    fn pump(&mut self) {
        loop {
            if let Some(m) = self.to_guest.pop_front() {
                if self.guest_done.is_none() {
                    let steps = self.guest.on_message(m);
                    self.guest_steps(steps);
                }
            } else if let Some(m) = self.to_host.pop_front() {
                if self.host_done.is_none() {
                    let steps = self.host.on_message(m);
                    self.host_steps(steps);
                }
            } else {
                return;
            }
        }
    }

    fn type_code(&mut self, typed: &str) {
        let steps = self.host.on_code(typed);
        self.host_steps(steps);
        self.pump();
    }
}

#[test]
fn export_moves_every_item_after_the_right_number() {
    let items = [item(1, true), item(9, false)];
    let mut pair = Pair::new(Mode::DesktopSends, &items, None);
    pair.pump();
    assert!(
        pair.guest_store.saved().is_empty(),
        "nothing moves before the number"
    );
    assert!(pair.to_guest.is_empty());
    pair.type_code(&code().grouped());

    assert_eq!(pair.guest_store.saved(), items.to_vec());
    let host_items = pair.host_done.take().unwrap().unwrap();
    let guest_items = pair.guest_done.take().unwrap().unwrap();
    assert_eq!(host_items.len(), 2);
    assert!(host_items.iter().all(|i| i.status == ItemStatus::Installed));
    assert_eq!(host_items[0].label.as_deref(), Some("cert 0"));
    assert_eq!(guest_items[1].location.as_deref(), Some("memory/2"));
    for (h, g) in host_items.iter().zip(&guest_items) {
        assert_eq!(h.sha256, g.sha256);
    }
    assert!(
        pair.guest_events
            .iter()
            .any(|e| matches!(e, Event::VerificationCode { code: c } if *c == code()))
    );
    assert!(
        !pair
            .guest_events
            .iter()
            .any(|e| matches!(e, Event::ConsentRequired { .. }))
    );
}

#[test]
fn import_asks_for_consent_before_it_shows_the_number() {
    let items = [item(3, false)];
    let mut pair = Pair::new(Mode::DesktopReceives, &items, None);
    assert!(matches!(
        pair.guest_events.iter().find(|e| matches!(e, Event::ConsentRequired { .. })),
        Some(Event::ConsentRequired { items }) if items == &["cert 0".to_owned()]
    ));
    let shows_number = |events: &[Event]| events.iter().any(|e| matches!(e, Event::VerificationCode { .. }));
    assert!(!shows_number(&pair.guest_events), "the number comes after consent");
    assert!(pair.guest.waits_for_person());

    let steps = pair.guest.on_consent(true);
    pair.guest_steps(steps);
    assert!(shows_number(&pair.guest_events));
    assert!(pair.host_store.saved().is_empty(), "nothing before the number");
    pair.type_code(&code().digits());
    assert_eq!(pair.host_store.saved(), items.to_vec());
    assert!(pair.host_done.take().unwrap().is_ok());
    assert!(pair.guest_done.take().unwrap().is_ok());
}

#[test]
fn a_confirmation_before_consent_still_waits_for_consent() {
    let items = [item(3, false)];
    let mut pair = Pair::new(Mode::DesktopReceives, &items, None);
    // Only a guess can do this: the number was never shown.
    pair.type_code(&code().digits());
    assert!(pair.host_store.saved().is_empty(), "no consent yet");
    assert!(pair.host_done.is_none() && pair.guest_done.is_none());
    let steps = pair.guest.on_consent(true);
    pair.guest_steps(steps);
    pair.pump();
    assert_eq!(pair.host_store.saved(), items.to_vec());
}

#[test]
fn only_the_person_phases_wait_long() {
    let items = [item(3, false)];
    let (mut host, _) = HostMachine::new(Mode::DesktopSends, outgoing(&items), code());
    assert!(host.waits_for_person(), "typing the number");
    let _ = apply(host.on_code(&code().digits()));
    assert!(!host.waits_for_person(), "the receipt follows by itself");
    let (mut guest, _) = GuestMachine::new(Mode::DesktopSends, Vec::new(), code(), None);
    assert!(guest.waits_for_person(), "the number is typed on the desktop");
    let _ = apply(guest.on_message(Message::Confirmed));
    assert!(!guest.waits_for_person(), "the bundle follows confirmed at once");
}

#[test]
fn a_bundle_of_too_many_items_is_refused_unsaved() {
    let (mut guest, _) = GuestMachine::new(Mode::DesktopSends, Vec::new(), code(), None);
    let _ = apply(guest.on_message(Message::Confirmed));
    let many = (0..=crate::message::MAX_BUNDLE_ITEMS).map(|i| item(i as u8, false)).collect();
    let fx = apply(guest.on_message(Message::Bundle { items: many }));
    assert!(fx.save.is_none());
    assert!(matches!(fx.finished, Some(Err(SessionError::Protocol(_)))));
    assert!(matches!(fx.sent.as_slice(), [Message::Abort { .. }]));
}

#[test]
fn consent_given_in_advance_sends_right_after_confirmation() {
    let items = [item(3, false)];
    let mut pair = Pair::new(Mode::DesktopReceives, &items, Some(true));
    assert!(
        !pair
            .guest_events
            .iter()
            .any(|e| matches!(e, Event::ConsentRequired { .. }))
    );
    pair.type_code(&code().digits());
    assert_eq!(pair.host_store.saved(), items.to_vec());
}

#[test]
fn declining_aborts_and_sends_nothing() {
    let items = [item(3, false)];
    let mut pair = Pair::new(Mode::DesktopReceives, &items, None);
    let steps = pair.guest.on_consent(false);
    pair.guest_steps(steps);
    pair.pump();
    assert!(matches!(pair.guest_done, Some(Err(SessionError::Declined))));
    assert!(matches!(
        pair.host_done,
        Some(Err(SessionError::PeerAborted { .. }))
    ));
    assert!(pair.host_store.saved().is_empty());
}

#[test]
fn three_wrong_numbers_abort_both_sides_with_nothing_sent() {
    let items = [item(1, false)];
    let mut pair = Pair::new(Mode::DesktopSends, &items, None);
    let bad = wrong(&code());
    pair.type_code(&bad);
    pair.type_code(&bad);
    assert!(pair.host_done.is_none());
    assert!(
        pair.host_events
            .iter()
            .any(|e| matches!(e, Event::CodeRejected { attempts_left: 1 }))
    );
    pair.type_code(&bad);
    assert!(matches!(
        pair.host_done,
        Some(Err(SessionError::CodeMismatch))
    ));
    assert!(
        matches!(&pair.guest_done, Some(Err(SessionError::PeerAborted { code: Some(AbortCode::CodeMismatch), reason })) if reason.contains("wrong"))
    );
    assert!(pair.guest_store.saved().is_empty());
    // The right number after the end changes nothing.
    pair.type_code(&code().digits());
    assert!(pair.guest_store.saved().is_empty());
}

#[test]
fn malformed_entries_do_not_use_up_tries() {
    let items = [item(1, false)];
    let mut pair = Pair::new(Mode::DesktopSends, &items, None);
    for typed in ["", "12345", "abcdef", "1234567"] {
        pair.type_code(typed);
    }
    assert!(
        pair.host_events
            .iter()
            .filter(|e| matches!(e, Event::CodeMalformed))
            .count()
            == 4
    );
    assert!(matches!(
        pair.host_events.last(),
        Some(Event::EnterCode { attempts_left: 3 })
    ));
    pair.type_code(&code().digits());
    assert_eq!(pair.guest_store.saved().len(), 1);
}

#[test]
fn a_bundle_before_confirmation_is_a_protocol_error() {
    // A desktop that skips the number: the scanner must refuse the files.
    let (mut guest, _) = GuestMachine::new(Mode::DesktopSends, Vec::new(), code(), None);
    let fx = apply(guest.on_message(Message::Bundle {
        items: vec![item(1, false)],
    }));
    assert!(fx.save.is_none());
    assert!(matches!(fx.sent.as_slice(), [Message::Abort { .. }]));
    assert!(matches!(fx.finished, Some(Err(SessionError::Protocol(_)))));

    // A scanner that pushes files before the number was typed.
    let (mut host, _) = HostMachine::new(Mode::DesktopReceives, Vec::new(), code());
    let fx = apply(host.on_message(Message::Bundle {
        items: vec![item(1, false)],
    }));
    assert!(fx.save.is_none());
    assert!(matches!(fx.finished, Some(Err(SessionError::Protocol(_)))));
}

#[test]
fn the_desktop_never_accepts_confirmation_from_the_scanner() {
    let (mut host, _) = HostMachine::new(Mode::DesktopReceives, Vec::new(), code());
    let fx = apply(host.on_message(Message::Confirmed));
    assert!(matches!(fx.finished, Some(Err(SessionError::Protocol(_)))));
    // And afterwards the right number does not revive the session.
    assert!(apply(host.on_code(&code().digits())).sent.is_empty());
}

#[test]
fn a_receipt_with_other_digests_is_reported() {
    let items = [item(1, false)];
    let (mut host, _) = HostMachine::new(Mode::DesktopSends, outgoing(&items), code());
    let _ = apply(host.on_code(&code().digits()));
    let mut forged = item(2, false).digests();
    forged.insert("signCert.der".into(), Digest32([0; 32]));
    let receipt = Message::Receipt {
        items: vec![crate::message::ReceiptItem {
            status: ItemStatus::Installed,
            reason: None,
            code: None,
            sha256: forged,
        }],
    };
    let fx = apply(host.on_message(receipt));
    assert!(matches!(
        fx.finished,
        Some(Err(SessionError::ReceiptMismatch))
    ));
}

#[test]
fn a_receipt_for_fewer_items_is_reported() {
    let items = [item(1, false), item(2, false)];
    let (mut host, _) = HostMachine::new(Mode::DesktopSends, outgoing(&items), code());
    let _ = apply(host.on_code(&code().digits()));
    let fx = apply(host.on_message(Message::Receipt { items: Vec::new() }));
    assert!(matches!(
        fx.finished,
        Some(Err(SessionError::ReceiptMismatch))
    ));
}

#[test]
fn the_peers_abort_reason_is_cleaned_before_it_is_shown() {
    let (mut guest, _) = GuestMachine::new(Mode::DesktopSends, Vec::new(), code(), None);
    let reason = format!("bad\u{1b}[31m\n{}", "x".repeat(500));
    let fx = apply(guest.on_message(Message::Abort { reason, code: Some("no_such_code".into()) }));
    match fx.finished {
        Some(Err(SessionError::PeerAborted { code: None, reason: shown })) => {
            assert!(!shown.chars().any(char::is_control));
            assert!(shown.len() <= crate::message::MAX_REASON_LEN);
            assert!(shown.starts_with("bad[31m"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(fx.sent.is_empty(), "no abort is answered with an abort");
}

#[test]
fn a_store_failure_aborts_the_sender_too() {
    let (mut guest, _) = GuestMachine::new(Mode::DesktopSends, Vec::new(), code(), None);
    assert!(apply(guest.on_message(Message::Confirmed)).sent.is_empty());
    let fx = apply(guest.on_message(Message::Bundle {
        items: vec![item(1, false)],
    }));
    assert!(fx.save.is_some());
    let fx = apply(
        guest.on_saved(Err(SessionError::Store(crate::session::StoreError::new(
            "disk full",
        )))),
    );
    assert!(matches!(fx.sent.as_slice(), [Message::Abort { .. }]));
    assert!(matches!(fx.finished, Some(Err(SessionError::Store(_)))));
}
