//! Runs a session: sets up the connection, then feeds a state machine from
//! the channel, the user's inputs, the store and the clock, and carries out
//! the steps it returns. All I/O of a session happens here.

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::connect::{Acceptor, Claimed, CodeSetup, Dialer, connect_relay_host};
use super::typed::CodeDoor;
use super::machine::{GuestMachine, HostMachine, SaveResult, Step};
use super::store::{CertificateStore, OutgoingItem};
use super::{Event, GuestConfig, HostConfig, Input, ItemReport, Outcome, SAVE_TIMEOUT, SessionError};
use crate::channel::{Channel, ChannelError};
use crate::handshake::{Established, Hello};
use crate::invite::{HostInvite, Invite, InviteParams, unix_seconds};
use crate::kdf::RendezvousId;
use crate::message::{BundleItem, ItemStatus, Message};
use crate::transport::{Link, LinkError};
use crate::transport::lan::{self, LanListener, ListenError};

type EventSink = mpsc::UnboundedSender<Event>;

fn emit(events: &EventSink, event: Event) {
    // A UI that stopped listening does not stop the session.
    let _ = events.send(event);
}

fn finish(events: &EventSink, result: Result<Outcome, SessionError>) {
    match result {
        Ok(outcome) => emit(events, Event::Done(outcome)),
        Err(e) => emit(events, Event::Failed(e)),
    }
}

/// The desktop's whole session.
pub(super) async fn run_host(
    config: HostConfig,
    store: Arc<dyn CertificateStore>,
    mut inputs: mpsc::UnboundedReceiver<Input>,
    events: EventSink,
) {
    let result = host(config, store, &mut inputs, &events).await;
    finish(&events, result);
}

async fn host(
    config: HostConfig,
    store: Arc<dyn CertificateStore>,
    inputs: &mut mpsc::UnboundedReceiver<Input>,
    events: &EventSink,
) -> Result<Outcome, SessionError> {
    let outgoing = if config.mode.scanner_sends() {
        Vec::new()
    } else {
        load_outgoing(&store).await?
    };
    if let Some(url) = &config.relay_url {
        // A code naming a malformed relay would be refused by every scanner.
        crate::transport::relay::check_url_policy(url, config.allow_insecure_relay).map_err(SessionError::RelayUnreachable)?;
    }
    let listener = if config.use_lan {
        Some(bind(&config.listen).await?)
    } else if config.relay_url.is_none() {
        return Err(SessionError::NoPath);
    } else {
        None
    };
    let params = InviteParams {
        mode: config.mode,
        lifetime: config.invite_lifetime,
        relay_url: config.relay_url.clone(),
        lan: listener
            .as_ref()
            .map(|l| l.endpoints().to_vec())
            .unwrap_or_default(),
        // The name travels in the handshake; leaving it out of the code
        // keeps the QR code small enough for an 80×24 terminal.
        name: None,
    };
    let lan_endpoints = listener.as_ref().map(|l| l.endpoints().to_vec()).unwrap_or_default();
    let host = Arc::new(HostInvite::generate(params, SystemTime::now())?);
    let invite = host.invite().clone();
    // When the relay is the only path, it must answer before the invite is
    // shown: a code that no device could ever use helps nobody. (Beside
    // the LAN, a relay that is down is retried in the background.)
    let first_relay = match &config.relay_url {
        Some(url) if listener.is_none() => {
            let id = RendezvousId::derive(host.invite().secret());
            Some(connect_relay_host(url, &id).await.map_err(SessionError::RelayUnreachable)?)
        }
        _ => None,
    };
    let (renewals_tx, mut renewals) = mpsc::unbounded_channel();
    let (code_setup, first_code) = if config.offer_code {
        match open_door(&config, &invite, lan_endpoints, renewals_tx).await {
            Some((setup, code)) => (Some(setup), Some(code)),
            None => (None, None),
        }
    } else {
        (None, None)
    };
    // Keeps refusing later devices until the session ends.
    let (_acceptor, mut claims) = Acceptor::start(host.clone(), listener, first_relay, code_setup);
    emit(events, Event::InviteReady { invite: invite.clone(), code: first_code });

    let until_expiry = Duration::from_secs(
        invite
            .expires_at()
            .saturating_sub(unix_seconds(SystemTime::now())),
    );
    let deadline = tokio::time::sleep(until_expiry);
    tokio::pin!(deadline);
    let claimed = loop {
        tokio::select! {
            claimed = claims.recv() => break claimed.ok_or(SessionError::InviteExpired)?,
            // A typed code was burned or moved: the user sees the new one.
            Some(code) = renewals.recv() => emit(events, Event::InviteReady { invite: invite.clone(), code: Some(code) }),
            () = &mut deadline => return Err(SessionError::InviteExpired),
            () = wait_for_cancel(inputs) => return Err(SessionError::Cancelled),
        }
    };
    let (link, established, peer) = match claimed {
        Claimed::Qr { mut link, pending } => {
            let peer = pending.peer().clone();
            let (established, msg2) = pending.reply(&config.hello)?;
            link.send(&msg2).await.map_err(|error| SessionError::Disconnected { error, after_sending: false })?;
            (link, established, peer)
        }
        Claimed::Code { link, established } => {
            let peer = established.peer().clone();
            (link, established, peer)
        }
    };
    let (machine, steps) = HostMachine::new(config.mode, outgoing, established.verification_code());
    let sent = !config.mode.scanner_sends();
    let connected = Connected { link, established, peer, sent };
    let timing = Timing { idle: config.idle_timeout, peer_step: config.step_timeout };
    converse(connected, machine, steps, inputs, events, store, timing, config.move_sent).await
}

/// Opens the typed code's door: a channel from the relay when there is one
/// (the relay hands them out, unique among its waiting desktops), else one
/// no other desktop on this LAN announces. `None` when there is no way to
/// be found by a code.
async fn open_door(
    config: &HostConfig,
    invite: &Invite,
    lan: Vec<SocketAddr>,
    renewals: mpsc::UnboundedSender<crate::code::ShortCode>,
) -> Option<(CodeSetup, crate::code::ShortCode)> {
    let relay = config.relay_url.clone().filter(|url| {
        config.allow_insecure_relay || !crate::transport::relay::is_insecure(url)
    });
    let mut first = None;
    if let Some(url) = &relay {
        match crate::transport::relay::RelayLink::channel_host(url, super::connect::RELAY_CONNECT_TIMEOUT).await {
            Ok(held) => first = Some(held),
            Err(e) => tracing::info!("the relay gave no channel for a typed code: {e}"),
        }
    }
    let channel = match &first {
        Some((_, channel)) => channel.clone(),
        None if !lan.is_empty() => super::typed::lan_channel().await.ok()?,
        None if relay.is_some() => return None,
        None => return None,
    };
    let (door, code) =
        CodeDoor::open(&channel, config.hello.clone(), config.mode, invite.expires_at(), lan, renewals).ok()?;
    Some((CodeSetup { door, relay: relay.map(|url| (url, first)) }, code))
}

/// The scanner's whole session, with a typed code instead of a scanned
/// one: the desktop is found by the code's channel, and says in the
/// handshake which way certificates move.
pub(super) async fn run_guest_code(
    code: crate::code::ShortCode,
    config: GuestConfig,
    store: Arc<dyn CertificateStore>,
    mut inputs: mpsc::UnboundedReceiver<Input>,
    events: EventSink,
) {
    let result = guest_code(code, config, store, &mut inputs, &events).await;
    finish(&events, result);
}

async fn guest_code(
    code: crate::code::ShortCode,
    config: GuestConfig,
    store: Arc<dyn CertificateStore>,
    inputs: &mut mpsc::UnboundedReceiver<Input>,
    events: &EventSink,
) -> Result<Outcome, SessionError> {
    emit(events, Event::Connecting);
    let (link, established, offer) = tokio::select! {
        dialed = super::typed::dial(&code, &config.hello, &config) => dialed?,
        () = wait_for_cancel(inputs) => return Err(SessionError::Cancelled),
    };
    let mut channel_for_abort = None;
    let outgoing = if offer.mode.scanner_sends() {
        match load_outgoing(&store).await {
            Ok(items) => items,
            Err(e) => {
                channel_for_abort = Some(e);
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    if !super::typed::offer_is_fresh(&offer) {
        channel_for_abort = Some(SessionError::Invite(crate::invite::InviteError::Expired(0)));
    }
    if let Some(error) = channel_for_abort {
        // Tell the desktop, then report.
        let mut channel = Channel::new(link, established);
        let _ = channel.send(&error.abort_message()).await;
        channel.close().await;
        return Err(error);
    }
    let peer = established.peer().clone();
    let (machine, steps) = GuestMachine::new(offer.mode, outgoing, established.verification_code(), config.consent);
    let connected = Connected { link, established, peer, sent: offer.mode.scanner_sends() };
    let timing = Timing { idle: config.idle_timeout, peer_step: config.step_timeout };
    converse(connected, machine, steps, inputs, events, store, timing, config.move_sent).await
}

/// The scanner's whole session.
pub(super) async fn run_guest(
    invite: Invite,
    config: GuestConfig,
    store: Arc<dyn CertificateStore>,
    mut inputs: mpsc::UnboundedReceiver<Input>,
    events: EventSink,
) {
    let result = guest(invite, config, store, &mut inputs, &events).await;
    finish(&events, result);
}

async fn guest(
    invite: Invite,
    config: GuestConfig,
    store: Arc<dyn CertificateStore>,
    inputs: &mut mpsc::UnboundedReceiver<Input>,
    events: &EventSink,
) -> Result<Outcome, SessionError> {
    invite.check_fresh(SystemTime::now())?;
    let mode = invite.mode();
    let outgoing = if mode.scanner_sends() {
        load_outgoing(&store).await?
    } else {
        Vec::new()
    };
    emit(events, Event::Connecting);
    let invite = Arc::new(invite);
    let mut dialer = Dialer::new(
        invite.clone(),
        config.hello.clone(),
        config.handshake_timeout,
    );
    if config.use_lan {
        dialer.dial_lan(config.connect_timeout);
    }
    let relay_allowed = invite.relay_url().is_some_and(|url| {
        let allowed = config.allow_insecure_relay || !crate::transport::relay::is_insecure(url);
        if !allowed {
            tracing::info!(relay = url, "not using a relay without TLS on a public address");
        }
        allowed
    });
    if config.use_relay && relay_allowed {
        let delay = if config.use_lan && !invite.lan_endpoints().is_empty() { config.relay_delay } else { Duration::ZERO };
        dialer.dial_relay(delay);
    }
    let (link, established) = tokio::select! {
        won = dialer.first() => won?,
        () = wait_for_cancel(inputs) => return Err(SessionError::Cancelled),
    };
    let peer = established.peer().clone();
    let (machine, steps) = GuestMachine::new(mode, outgoing, established.verification_code(), config.consent);
    let connected = Connected { link, established, peer, sent: mode.scanner_sends() };
    let timing = Timing { idle: config.idle_timeout, peer_step: config.step_timeout };
    converse(connected, machine, steps, inputs, events, store, timing, config.move_sent).await
}

/// How long a connected session waits for each kind of step.
#[derive(Debug, Clone, Copy)]
struct Timing {
    /// For a person (the number, consent).
    idle: Duration,
    /// For the other device's own next step.
    peer_step: Duration,
}

/// A connection whose handshake has completed, on either side.
struct Connected {
    link: Box<dyn Link>,
    established: Established,
    peer: Hello,
    /// True when this side sends the certificates.
    sent: bool,
}

/// What both sides do once their handshake has won: tell the UI who
/// connected and by which path, then run `machine` over the encrypted
/// channel to its end.
async fn converse(
    connected: Connected,
    machine: impl Machine,
    steps: Vec<Step>,
    inputs: &mut mpsc::UnboundedReceiver<Input>,
    events: &EventSink,
    store: Arc<dyn CertificateStore>,
    timing: Timing,
    move_sent: bool,
) -> Result<Outcome, SessionError> {
    let Connected { link, established, peer, sent } = connected;
    let path = link.path().clone();
    emit(
        events,
        Event::PeerConnected {
            peer: peer.clone(),
            path: path.clone(),
        },
    );
    let channel = Channel::new(link, established);
    let mut items = drive(machine, steps, channel, inputs, events, store.clone(), timing).await?;
    if sent && move_sent {
        remove_sent(&store, &mut items).await;
    }
    Ok(Outcome { peer, path, sent, items })
}

/// A move: removes this side's copy of every item the receiver took (its
/// receipt's digests were already checked against what was sent). A copy
/// that cannot be removed stays, and its report says so.
async fn remove_sent(store: &Arc<dyn CertificateStore>, items: &mut [ItemReport]) {
    let outgoing = {
        let store = store.clone();
        tokio::task::spawn_blocking(move || store.load_outgoing()).await
    };
    let Ok(Ok(outgoing)) = outgoing else {
        tracing::warn!("the certificates sent could not be read again; none removed");
        for item in items.iter_mut().filter(|i| i.status != ItemStatus::Rejected) {
            item.removed = Some(false);
        }
        return;
    };
    for (index, report) in items.iter_mut().enumerate() {
        if report.status == ItemStatus::Rejected {
            continue;
        }
        // The copy still here must be what went out, file for file.
        let same = outgoing.get(index).is_some_and(|now| {
            let digests: std::collections::BTreeMap<String, [u8; 32]> =
                now.item.digests().into_iter().map(|(n, d)| (n, d.0)).collect();
            digests == report.sha256
        });
        if !same {
            tracing::warn!(index, "a certificate changed after it was sent; kept");
            report.removed = Some(false);
            continue;
        }
        let (store, sent) = (store.clone(), outgoing[index].clone());
        let removed = tokio::task::spawn_blocking(move || store.remove_sent(index, &sent)).await;
        report.removed = Some(match removed {
            Ok(Ok(())) => true,
            Ok(Err(e)) => {
                tracing::warn!(index, "a sent certificate could not be removed: {e}");
                false
            }
            Err(e) => {
                tracing::warn!(index, "removing a sent certificate stopped: {e}");
                false
            }
        });
    }
}

/// Resolves once the user cancels. Other inputs before a connection are
/// ignored; if the handle is gone, it never resolves.
async fn wait_for_cancel(inputs: &mut mpsc::UnboundedReceiver<Input>) {
    loop {
        match inputs.recv().await {
            Some(Input::Cancel) => return,
            Some(_) => continue,
            None => std::future::pending::<()>().await,
        }
    }
}

async fn load_outgoing(
    store: &Arc<dyn CertificateStore>,
) -> Result<Vec<OutgoingItem>, SessionError> {
    let store = store.clone();
    let items = tokio::task::spawn_blocking(move || store.load_outgoing())
        .await
        .map_err(|e| SessionError::Load(super::StoreError::new(format!("reading certificates failed: {e}"))))?
        .map_err(SessionError::Load)?;
    if items.is_empty() {
        return Err(SessionError::NothingToSend);
    }
    if items.len() > crate::message::MAX_BUNDLE_ITEMS {
        return Err(SessionError::TooManyItems(items.len()));
    }
    for outgoing in &items {
        outgoing.item.validate().map_err(|e| {
            SessionError::Load(super::StoreError::new(format!("{} cannot be sent: {e}", outgoing.label)))
        })?;
    }
    Ok(items)
}

/// Binds the listener on the chosen addresses, or on this machine's
/// private LAN addresses.
async fn bind(listen: &[SocketAddr]) -> Result<LanListener, ListenError> {
    let addrs: Vec<SocketAddr> = if listen.is_empty() {
        lan::private_addresses()
            .into_iter()
            .map(|ip: IpAddr| SocketAddr::new(ip, 0))
            .collect()
    } else {
        listen.to_vec()
    };
    LanListener::bind(&addrs).await
}

/// The two machines, seen the same way by [`drive`].
trait Machine {
    fn on_code(&mut self, _typed: &str) -> Vec<Step> {
        Vec::new()
    }
    fn on_consent(&mut self, _yes: bool) -> Vec<Step> {
        Vec::new()
    }
    fn on_message(&mut self, message: Message) -> Vec<Step>;
    fn on_saved(&mut self, results: Result<Vec<SaveResult>, SessionError>) -> Vec<Step>;
    /// True while the next step is a person's (typing the number, agreeing
    /// to send): those phases get the long `idle` deadline, every other
    /// phase the short [`PEER_STEP_TIMEOUT`].
    fn waits_for_person(&self) -> bool;
}

impl Machine for HostMachine {
    fn on_code(&mut self, typed: &str) -> Vec<Step> {
        HostMachine::on_code(self, typed)
    }
    fn on_message(&mut self, message: Message) -> Vec<Step> {
        HostMachine::on_message(self, message)
    }
    fn on_saved(&mut self, results: Result<Vec<SaveResult>, SessionError>) -> Vec<Step> {
        HostMachine::on_saved(self, results)
    }
    fn waits_for_person(&self) -> bool {
        HostMachine::waits_for_person(self)
    }
}

impl Machine for GuestMachine {
    fn on_consent(&mut self, yes: bool) -> Vec<Step> {
        GuestMachine::on_consent(self, yes)
    }
    fn on_message(&mut self, message: Message) -> Vec<Step> {
        GuestMachine::on_message(self, message)
    }
    fn on_saved(&mut self, results: Result<Vec<SaveResult>, SessionError>) -> Vec<Step> {
        GuestMachine::on_saved(self, results)
    }
    fn waits_for_person(&self) -> bool {
        GuestMachine::waits_for_person(self)
    }
}

/// Runs `machine` over `channel` until it finishes.
///
/// A save in progress is always waited for: each item is installed
/// atomically, but a process that exits in the middle of one leaves a
/// temporary folder behind. While saving, nothing from the peer is read
/// (the receiver needs nothing more from it) and a cancel waits until the
/// save is over; the result is then reported as it is.
async fn drive(
    mut machine: impl Machine,
    initial: Vec<Step>,
    mut channel: Channel,
    inputs: &mut mpsc::UnboundedReceiver<Input>,
    events: &EventSink,
    store: Arc<dyn CertificateStore>,
    timing: Timing,
) -> Result<Vec<ItemReport>, SessionError> {
    let mut queue: VecDeque<Step> = initial.into();
    let mut saving: Option<JoinHandle<Result<Vec<SaveResult>, SessionError>>> = None;
    let mut inputs_open = true;
    // Once this side's bundle is out, a lost connection leaves it unknown
    // whether the other side installed it.
    let mut sent_bundle = false;
    loop {
        while let Some(step) = queue.pop_front() {
            match step {
                Step::Send(message) => {
                    // An abort is a courtesy, and a receipt follows a save
                    // that already happened: neither changes the outcome
                    // when it cannot be delivered.
                    let best_effort = matches!(message, Message::Abort { .. } | Message::Receipt { .. });
                    let is_bundle = matches!(message, Message::Bundle { .. });
                    if let Err(e) = channel.send(&message).await {
                        if best_effort {
                            tracing::info!("could not deliver the {}: {e}", message.name());
                        } else {
                            return Err(channel_error(e, sent_bundle || is_bundle));
                        }
                    }
                    sent_bundle |= is_bundle;
                }
                Step::Emit(event) => emit(events, event),
                Step::Save(items) => {
                    let store = store.clone();
                    saving = Some(tokio::task::spawn_blocking(move || save_all(&*store, items)));
                }
                Step::Finish(result) => {
                    if result.is_ok() {
                        channel.finish().await;
                    } else {
                        channel.close().await;
                    }
                    return result;
                }
            }
        }
        if saving.is_some() {
            // Nothing else is looked at until the save is over.
            let saved = tokio::time::timeout(SAVE_TIMEOUT, join(&mut saving))
                .await
                .unwrap_or_else(|_| Err(SessionError::Store(super::StoreError::new("saving took too long"))));
            saving = None;
            queue.extend(machine.on_saved(saved));
            continue;
        }
        let deadline = if machine.waits_for_person() { timing.idle } else { timing.peer_step };
        let stopped = tokio::select! {
            received = channel.recv() => match received {
                Ok(message) => { queue.extend(machine.on_message(message)); None }
                Err(e) => Some(channel_error(e, sent_bundle)),
            },
            input = inputs.recv(), if inputs_open => match input {
                Some(Input::Code(typed)) => { queue.extend(machine.on_code(&typed)); None }
                Some(Input::Consent(yes)) => { queue.extend(machine.on_consent(yes)); None }
                Some(Input::Cancel) => Some(SessionError::Cancelled),
                None => { inputs_open = false; None }
            },
            () = tokio::time::sleep(deadline) => Some(if machine.waits_for_person() {
                SessionError::Timeout(timing.idle.as_secs())
            } else {
                SessionError::PeerSilent
            }),
        };
        if let Some(error) = stopped {
            if !matches!(error, SessionError::Disconnected { .. } | SessionError::Tampered) {
                let _ = channel.send(&error.abort_message()).await;
            }
            channel.close().await;
            return Err(error);
        }
    }
}

async fn join(
    saving: &mut Option<JoinHandle<Result<Vec<SaveResult>, SessionError>>>,
) -> Result<Vec<SaveResult>, SessionError> {
    match saving {
        Some(handle) => handle.await.unwrap_or_else(|e| {
            Err(SessionError::Store(super::StoreError::new(format!(
                "saving failed: {e}"
            ))))
        }),
        None => std::future::pending().await,
    }
}

fn channel_error(e: ChannelError, after_sending: bool) -> SessionError {
    match e {
        ChannelError::Link(LinkError::TooLarge { len, max }) => SessionError::Protocol(format!(
            "a message of {len} bytes exceeds the {max} allowed"
        )),
        ChannelError::Link(error) => SessionError::Disconnected { error, after_sending },
        ChannelError::Decrypt => SessionError::Tampered,
        ChannelError::Message(e) => SessionError::Protocol(e.to_string()),
        ChannelError::TooLarge(n) => {
            SessionError::Protocol(format!("a message of {n} bytes is too large to send"))
        }
    }
}

/// Validates and saves each received item; a refused item is reported in
/// the receipt, a store failure ends the session.
fn save_all(
    store: &dyn CertificateStore,
    items: Vec<BundleItem>,
) -> Result<Vec<SaveResult>, SessionError> {
    items
        .iter()
        .map(|item| {
            let digests = item.digests().into_iter().map(|(n, d)| (n, d.0)).collect();
            let saved = match item.validate() {
                Err(e) => super::Saved::rejected(crate::message::RejectCode::Invalid, e.to_string()),
                Ok(()) => store.save_incoming(item)?,
            };
            let label = crate::npki::CertSummary::from_item(item, std::time::SystemTime::now())
                .ok()
                .map(|s| s.holder);
            Ok((digests, saved, label))
        })
        .collect()
}
