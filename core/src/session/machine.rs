//! The two session state machines, free of I/O: the desktop's
//! ([`HostMachine`]) and the scanner's ([`GuestMachine`]), in both modes.
//!
//! Each takes what happened (a typed number, consent, a message from the
//! peer, the result of saving) and answers with [`Step`]s for the driver to
//! carry out: messages to send, events to report, bundles to save, the end.
//! Protocol v1's ordering rule lives here and only here: no certificate byte
//! moves before the desktop has sent `confirmed`, which it does only once
//! the user typed the right verification number (`docs/PROTOCOL.md` §4–5).

use std::collections::BTreeMap;

use super::store::{OutgoingItem, Saved};
use super::{Event, ItemReport, Progress, SessionError};
use crate::invite::Mode;
use crate::message::{AbortCode, BundleItem, ItemStatus, Message, ReceiptItem, RejectCode};
use crate::verification::{MAX_ATTEMPTS, VerificationCode};

/// What the driver must do next.
#[derive(Debug)]
pub(crate) enum Step {
    /// Encrypt and send a message.
    Send(Message),
    /// Report an event to the user interface.
    Emit(Event),
    /// Save received items (off the async runtime), then call `on_saved`.
    Save(Vec<BundleItem>),
    /// The session is over.
    Finish(Result<Vec<ItemReport>, SessionError>),
}

/// What one received item became: its digests, what the store did, and
/// who it belongs to.
pub(crate) type SaveResult = (BTreeMap<String, [u8; 32]>, Saved, Option<String>);

fn abort_and_fail(error: SessionError) -> Vec<Step> {
    vec![Step::Send(error.abort_message()), Step::Finish(Err(error))]
}

fn unexpected(message: &Message, state: &str) -> Vec<Step> {
    match message {
        Message::Abort { reason, code } => vec![Step::Finish(Err(SessionError::PeerAborted {
            code: code.as_deref().and_then(AbortCode::from_wire),
            reason: sanitize(reason),
        }))],
        other => abort_and_fail(SessionError::Protocol(format!(
            "unexpected {} message while {state}",
            other.name()
        ))),
    }
}

/// Keeps peer-supplied text inert and short.
pub(crate) fn sanitize(text: &str) -> String {
    crate::text::sanitize(text, crate::message::MAX_REASON_LEN)
}

fn bundle_of(outgoing: &[OutgoingItem]) -> (Message, Progress) {
    let items: Vec<BundleItem> = outgoing.iter().map(|o| o.item.clone()).collect();
    let bytes = items.iter().map(BundleItem::len).sum();
    let progress = Progress::Sending {
        items: items.len(),
        bytes,
    };
    (Message::Bundle { items }, progress)
}

/// Checks the receiver's receipt against what was sent: one entry per item,
/// and the digests of everything it kept equal to ours.
fn check_receipt(
    outgoing: &[OutgoingItem],
    receipt: Vec<ReceiptItem>,
) -> Result<Vec<ItemReport>, SessionError> {
    if receipt.len() != outgoing.len() {
        return Err(SessionError::ReceiptMismatch);
    }
    let mut reports = Vec::with_capacity(receipt.len());
    for (sent, got) in outgoing.iter().zip(receipt) {
        let ours: BTreeMap<String, [u8; 32]> = sent
            .item
            .digests()
            .into_iter()
            .map(|(n, d)| (n, d.0))
            .collect();
        let theirs: BTreeMap<String, [u8; 32]> =
            got.sha256.into_iter().map(|(n, d)| (n, d.0)).collect();
        if got.status != ItemStatus::Rejected && ours != theirs {
            return Err(SessionError::ReceiptMismatch);
        }
        reports.push(ItemReport {
            label: Some(sent.label.clone()),
            location: None,
            replaced: None,
            status: got.status,
            reason: got.reason.as_deref().map(sanitize),
            code: got.code.as_deref().and_then(RejectCode::from_wire),
            sha256: ours,
            removed: None,
        });
    }
    Ok(reports)
}

/// Turns what the store did into the receipt to send and the local report.
fn receipt_of(results: Vec<SaveResult>) -> (Message, Vec<ItemReport>) {
    let mut items = Vec::with_capacity(results.len());
    let mut reports = Vec::with_capacity(results.len());
    for (digests, saved, label) in results {
        items.push(ReceiptItem {
            status: saved.status,
            reason: saved.reason.clone(),
            code: saved.code.map(|c| c.as_str().to_owned()),
            sha256: digests
                .iter()
                .map(|(n, d)| (n.clone(), crate::message::Digest32(*d)))
                .collect(),
        });
        reports.push(ItemReport {
            label,
            location: saved.location,
            replaced: saved.replaced,
            status: saved.status,
            reason: saved.reason,
            code: saved.code,
            sha256: digests,
            removed: None,
        });
    }
    (Message::Receipt { items }, reports)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HostState {
    AwaitingCode,
    AwaitingReceipt,
    AwaitingBundle,
    Saving,
    Over,
}

/// The desktop's session: asks for the number, then sends or receives.
#[derive(Debug)]
pub(crate) struct HostMachine {
    mode: Mode,
    outgoing: Vec<OutgoingItem>,
    code: VerificationCode,
    attempts_left: u8,
    state: HostState,
}

impl HostMachine {
    /// A machine for a completed handshake; the first steps ask for the number.
    pub(crate) fn new(
        mode: Mode,
        outgoing: Vec<OutgoingItem>,
        code: VerificationCode,
    ) -> (Self, Vec<Step>) {
        let machine = Self {
            mode,
            outgoing,
            code,
            attempts_left: MAX_ATTEMPTS,
            state: HostState::AwaitingCode,
        };
        (
            machine,
            vec![Step::Emit(Event::EnterCode {
                attempts_left: MAX_ATTEMPTS,
            })],
        )
    }

    /// The user typed a number.
    pub(crate) fn on_code(&mut self, typed: &str) -> Vec<Step> {
        if self.state != HostState::AwaitingCode {
            return Vec::new();
        }
        match self.code.check(typed) {
            Err(_) => vec![
                Step::Emit(Event::CodeMalformed),
                Step::Emit(Event::EnterCode {
                    attempts_left: self.attempts_left,
                }),
            ],
            Ok(false) => {
                self.attempts_left = self.attempts_left.saturating_sub(1);
                if self.attempts_left == 0 {
                    self.state = HostState::Over;
                    abort_and_fail(SessionError::CodeMismatch)
                } else {
                    vec![
                        Step::Emit(Event::CodeRejected {
                            attempts_left: self.attempts_left,
                        }),
                        Step::Emit(Event::EnterCode {
                            attempts_left: self.attempts_left,
                        }),
                    ]
                }
            }
            Ok(true) => {
                let mut steps = vec![Step::Send(Message::Confirmed)];
                match self.mode {
                    Mode::DesktopSends => {
                        let (bundle, progress) = bundle_of(&self.outgoing);
                        steps.push(Step::Emit(Event::Progress(progress)));
                        steps.push(Step::Send(bundle));
                        steps.push(Step::Emit(Event::WaitingForPeer));
                        self.state = HostState::AwaitingReceipt;
                    }
                    Mode::DesktopReceives => {
                        steps.push(Step::Emit(Event::WaitingForPeer));
                        self.state = HostState::AwaitingBundle;
                    }
                }
                steps
            }
        }
    }

    /// A message arrived from the scanner.
    pub(crate) fn on_message(&mut self, message: Message) -> Vec<Step> {
        let state = self.state;
        let steps = match (state, message) {
            (HostState::AwaitingReceipt, Message::Receipt { items }) => {
                vec![Step::Finish(check_receipt(&self.outgoing, items))]
            }
            (HostState::AwaitingBundle, Message::Bundle { items }) if too_many(&items) => {
                abort_and_fail(SessionError::Protocol(format!("a bundle of {} items", items.len())))
            }
            (HostState::AwaitingBundle, Message::Bundle { items }) if !items.is_empty() => {
                self.state = HostState::Saving;
                let bytes = items.iter().map(BundleItem::len).sum();
                return vec![
                    Step::Emit(Event::Progress(Progress::Received {
                        items: items.len(),
                        bytes,
                    })),
                    Step::Save(items),
                ];
            }
            (HostState::Over, _) => return Vec::new(),
            (_, message) => unexpected(&message, host_state_name(state)),
        };
        self.state = HostState::Over;
        steps
    }

    /// The store finished saving the received bundle.
    pub(crate) fn on_saved(&mut self, results: Result<Vec<SaveResult>, SessionError>) -> Vec<Step> {
        if self.state != HostState::Saving {
            return Vec::new();
        }
        self.state = HostState::Over;
        match results {
            Ok(results) => {
                let (receipt, reports) = receipt_of(results);
                vec![Step::Send(receipt), Step::Finish(Ok(reports))]
            }
            Err(e) => abort_and_fail(e),
        }
    }
}

/// More items than a bundle may carry (`docs/PROTOCOL.md` §5).
fn too_many(items: &[BundleItem]) -> bool {
    items.len() > crate::message::MAX_BUNDLE_ITEMS
}

impl HostMachine {
    /// True while the user is to type the number.
    pub(crate) fn waits_for_person(&self) -> bool {
        self.state == HostState::AwaitingCode
    }
}

fn host_state_name(state: HostState) -> &'static str {
    match state {
        HostState::AwaitingCode => "waiting for the verification number",
        HostState::AwaitingReceipt => "waiting for the receipt",
        HostState::AwaitingBundle => "waiting for certificates",
        HostState::Saving => "saving",
        HostState::Over => "finished",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GuestState {
    /// Import mode: the user is asked whether to send, before the number is
    /// shown, so that once the number is typed on the desktop everything
    /// else follows at once.
    AwaitingConsent,
    /// Waiting for `confirmed` (the user is typing the number on the desktop).
    AwaitingConfirmation,
    AwaitingBundle,
    AwaitingReceipt,
    Saving,
    Over,
}

/// The scanner's session: shows the number, then receives or sends.
#[derive(Debug)]
pub(crate) struct GuestMachine {
    mode: Mode,
    outgoing: Vec<OutgoingItem>,
    code: VerificationCode,
    state: GuestState,
    /// `confirmed` came while consent was still asked for (the desktop's
    /// user can only have guessed the number): sending waits for consent.
    confirmed_early: bool,
}

impl GuestMachine {
    /// A machine for a completed handshake. `consent` is the user's answer
    /// if already given (`--yes`); in import mode it is otherwise asked for
    /// first, and the number shown once the user agreed.
    pub(crate) fn new(
        mode: Mode,
        outgoing: Vec<OutgoingItem>,
        code: VerificationCode,
        consent: Option<bool>,
    ) -> (Self, Vec<Step>) {
        let mut machine = Self {
            mode,
            outgoing,
            code,
            state: GuestState::AwaitingConfirmation,
            confirmed_early: false,
        };
        if mode.scanner_sends() {
            match consent {
                None => {
                    machine.state = GuestState::AwaitingConsent;
                    let items = machine.outgoing.iter().map(|o| o.label.clone()).collect();
                    return (machine, vec![Step::Emit(Event::ConsentRequired { items })]);
                }
                Some(false) => {
                    machine.state = GuestState::Over;
                    return (machine, abort_and_fail(SessionError::Declined));
                }
                Some(true) => {}
            }
        }
        let steps = machine.show_number();
        (machine, steps)
    }

    fn show_number(&self) -> Vec<Step> {
        vec![
            Step::Emit(Event::VerificationCode { code: self.code }),
            Step::Emit(Event::WaitingForPeer),
        ]
    }

    /// True while a person is to act: agree here, or type the number on
    /// the desktop.
    pub(crate) fn waits_for_person(&self) -> bool {
        matches!(self.state, GuestState::AwaitingConsent | GuestState::AwaitingConfirmation)
    }

    /// The user answered the consent question (import mode).
    pub(crate) fn on_consent(&mut self, yes: bool) -> Vec<Step> {
        if self.state != GuestState::AwaitingConsent {
            return Vec::new();
        }
        if !yes {
            self.state = GuestState::Over;
            return abort_and_fail(SessionError::Declined);
        }
        if self.confirmed_early {
            return self.send_bundle();
        }
        self.state = GuestState::AwaitingConfirmation;
        self.show_number()
    }

    fn send_bundle(&mut self) -> Vec<Step> {
        let (bundle, progress) = bundle_of(&self.outgoing);
        self.state = GuestState::AwaitingReceipt;
        vec![
            Step::Emit(Event::Progress(progress)),
            Step::Send(bundle),
            Step::Emit(Event::WaitingForPeer),
        ]
    }

    /// A message arrived from the desktop.
    pub(crate) fn on_message(&mut self, message: Message) -> Vec<Step> {
        let state = self.state;
        let steps = match (state, message) {
            (GuestState::AwaitingConsent, Message::Confirmed) if !self.confirmed_early => {
                self.confirmed_early = true;
                return Vec::new();
            }
            (GuestState::AwaitingConfirmation, Message::Confirmed) => {
                if self.mode.scanner_sends() {
                    return self.send_bundle();
                }
                self.state = GuestState::AwaitingBundle;
                return Vec::new();
            }
            (GuestState::AwaitingBundle, Message::Bundle { items }) if too_many(&items) => {
                abort_and_fail(SessionError::Protocol(format!("a bundle of {} items", items.len())))
            }
            (GuestState::AwaitingBundle, Message::Bundle { items }) if !items.is_empty() => {
                self.state = GuestState::Saving;
                let bytes = items.iter().map(BundleItem::len).sum();
                return vec![
                    Step::Emit(Event::Progress(Progress::Received {
                        items: items.len(),
                        bytes,
                    })),
                    Step::Save(items),
                ];
            }
            (GuestState::AwaitingReceipt, Message::Receipt { items }) => {
                vec![Step::Finish(check_receipt(&self.outgoing, items))]
            }
            (GuestState::Over, _) => return Vec::new(),
            (_, message) => unexpected(&message, guest_state_name(state)),
        };
        self.state = GuestState::Over;
        steps
    }

    /// The store finished saving the received bundle.
    pub(crate) fn on_saved(&mut self, results: Result<Vec<SaveResult>, SessionError>) -> Vec<Step> {
        if self.state != GuestState::Saving {
            return Vec::new();
        }
        self.state = GuestState::Over;
        match results {
            Ok(results) => {
                let (receipt, reports) = receipt_of(results);
                vec![Step::Send(receipt), Step::Finish(Ok(reports))]
            }
            Err(e) => abort_and_fail(e),
        }
    }
}

fn guest_state_name(state: GuestState) -> &'static str {
    match state {
        GuestState::AwaitingConsent => "waiting for consent",
        GuestState::AwaitingConfirmation => "waiting for the desktop to confirm",
        GuestState::AwaitingBundle => "waiting for certificates",
        GuestState::AwaitingReceipt => "waiting for the receipt",
        GuestState::Saving => "saving",
        GuestState::Over => "finished",
    }
}
