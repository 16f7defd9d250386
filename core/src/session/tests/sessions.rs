//! Whole sessions over loopback TCP: the real driver, listener, dialer and
//! channel, with in-memory stores.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{MemoryStore, item};
use crate::handshake::{Hello, Initiator};
use crate::invite::{Invite, Mode};
use crate::session::{
    ErrorKind, Event, Events, GuestConfig, HostConfig, SessionError, SessionHandle, start_guest, start_host,
};

const WAIT: Duration = Duration::from_secs(20);

pub(super) async fn next(events: &mut Events) -> Event {
    tokio::time::timeout(WAIT, events.recv())
        .await
        .expect("no event within 20 s")
        .expect("the event stream ended")
}

/// Skips events until one matches.
pub(super) async fn until<T>(events: &mut Events, mut pick: impl FnMut(Event) -> Option<T>) -> T {
    loop {
        let event = next(events).await;
        let shown = format!("{event:?}");
        if let Some(t) = pick(event) {
            return t;
        }
        if shown.starts_with("Done") || shown.starts_with("Failed") {
            panic!("session ended before the expected event: {shown}");
        }
    }
}

pub(super) async fn outcome(events: &mut Events) -> Result<crate::session::Outcome, SessionError> {
    loop {
        match next(events).await {
            Event::Done(o) => return Ok(o),
            Event::Failed(e) => return Err(e),
            _ => {}
        }
    }
}

pub(super) fn loopback() -> Vec<SocketAddr> {
    vec!["127.0.0.1:0".parse().unwrap()]
}

async fn host(mode: Mode, store: Arc<MemoryStore>) -> (SessionHandle, Events, Invite) {
    let mut config = HostConfig::new(mode, Hello::new("desk", "test"));
    config.listen = loopback();
    let (handle, mut events) = start_host(config, store);
    let invite = until(&mut events, |e| match e {
        Event::InviteReady { invite, .. } => Some(invite),
        _ => None,
    })
    .await;
    (handle, events, invite)
}

fn guest(
    invite: Invite,
    store: Arc<MemoryStore>,
    consent: Option<bool>,
) -> (SessionHandle, Events) {
    let mut config = GuestConfig::new(Hello::new("phone", "test"));
    config.consent = consent;
    start_guest(invite, config, store)
}

pub(super) async fn shown_code(events: &mut Events) -> String {
    until(events, |e| match e {
        Event::VerificationCode { code } => Some(code.digits()),
        _ => None,
    })
    .await
}

pub(super) async fn asked_for_code(events: &mut Events) {
    until(events, |e| {
        matches!(e, Event::EnterCode { .. }).then_some(())
    })
    .await;
}

#[tokio::test]
async fn export_over_loopback_delivers_the_exact_files() {
    let items = [item(1, true), item(2, false)];
    let desk_store = Arc::new(MemoryStore::sending(&items));
    let phone_store = Arc::new(MemoryStore::default());
    let (desk, mut desk_events, invite) = host(Mode::DesktopSends, desk_store).await;
    let text = invite.to_text();
    let scanned = Invite::parse(&text, std::time::SystemTime::now()).unwrap();
    let (_phone, mut phone_events) = guest(scanned, phone_store.clone(), None);

    let code = shown_code(&mut phone_events).await;
    asked_for_code(&mut desk_events).await;
    desk.submit_code(&code);

    let desk_outcome = outcome(&mut desk_events).await.unwrap();
    let phone_outcome = outcome(&mut phone_events).await.unwrap();
    assert_eq!(phone_store.saved(), items.to_vec());
    assert!(desk_outcome.sent && !phone_outcome.sent);
    assert_eq!(desk_outcome.peer.name, "phone");
    assert_eq!(phone_outcome.peer.name, "desk");
    assert_eq!(phone_outcome.path.kind(), "lan");
    assert_eq!(desk_outcome.items.len(), 2);
}

#[tokio::test]
async fn import_over_loopback_asks_for_consent_and_saves_on_the_desktop() {
    let items = [item(5, false)];
    let desk_store = Arc::new(MemoryStore::default());
    let phone_store = Arc::new(MemoryStore::sending(&items));
    let (desk, mut desk_events, invite) = host(Mode::DesktopReceives, desk_store.clone()).await;
    let (phone, mut phone_events) = guest(invite, phone_store, None);

    until(&mut phone_events, |e| {
        matches!(e, Event::ConsentRequired { .. }).then_some(())
    })
    .await;
    phone.set_consent(true);
    let code = shown_code(&mut phone_events).await;
    asked_for_code(&mut desk_events).await;
    desk.submit_code(&code);

    let desk_outcome = outcome(&mut desk_events).await.unwrap();
    outcome(&mut phone_events).await.unwrap();
    assert_eq!(desk_store.saved(), items.to_vec());
    assert_eq!(desk_outcome.items[0].location.as_deref(), Some("memory/1"));
}

#[tokio::test]
async fn three_wrong_numbers_end_both_sessions_and_nothing_is_saved() {
    let desk_store = Arc::new(MemoryStore::sending(&[item(1, false)]));
    let phone_store = Arc::new(MemoryStore::default());
    let (desk, mut desk_events, invite) = host(Mode::DesktopSends, desk_store).await;
    let (_phone, mut phone_events) = guest(invite, phone_store.clone(), None);
    let code: u32 = shown_code(&mut phone_events).await.parse().unwrap();
    for _ in 0..3 {
        asked_for_code(&mut desk_events).await;
        desk.submit_code(&format!("{:06}", (code + 500_000) % 1_000_000));
    }
    assert!(matches!(
        outcome(&mut desk_events).await,
        Err(SessionError::CodeMismatch)
    ));
    assert!(matches!(
        outcome(&mut phone_events).await,
        Err(SessionError::PeerAborted { .. })
    ));
    assert!(phone_store.saved().is_empty());
}

#[tokio::test]
async fn a_second_scanner_is_refused_and_the_first_carries_on() {
    let items = [item(1, false)];
    let (desk, mut desk_events, invite) =
        host(Mode::DesktopSends, Arc::new(MemoryStore::sending(&items))).await;
    let first_store = Arc::new(MemoryStore::default());
    let (_first, mut first_events) = guest(invite.clone(), first_store.clone(), None);
    let code = shown_code(&mut first_events).await;

    let second_store = Arc::new(MemoryStore::default());
    let (_second, mut second_events) = guest(invite, second_store.clone(), None);
    assert!(matches!(
        outcome(&mut second_events).await,
        Err(SessionError::Refused)
    ));

    asked_for_code(&mut desk_events).await;
    desk.submit_code(&code);
    outcome(&mut desk_events).await.unwrap();
    outcome(&mut first_events).await.unwrap();
    assert_eq!(first_store.saved(), items.to_vec());
    assert!(second_store.saved().is_empty());
}

#[tokio::test]
async fn garbage_and_silent_connections_do_not_disturb_the_session() {
    let items = [item(1, false)];
    let (desk, mut desk_events, invite) =
        host(Mode::DesktopSends, Arc::new(MemoryStore::sending(&items))).await;
    let addr = invite.lan_endpoints()[0];
    // Random bytes, a frame longer than any handshake message, a valid
    // length with junk inside, and a connection that says nothing.
    let mut junk = TcpStream::connect(addr).await.unwrap();
    junk.write_all(&[0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 0, 1, 2])
        .await
        .unwrap();
    let mut oversized = TcpStream::connect(addr).await.unwrap();
    oversized.write_all(&[0xff, 0xff]).await.unwrap();
    oversized.write_all(&[0u8; 4096]).await.unwrap();
    let mut wrong = TcpStream::connect(addr).await.unwrap();
    wrong.write_all(&[0, 96]).await.unwrap();
    wrong.write_all(&[7u8; 96]).await.unwrap();
    let _silent = TcpStream::connect(addr).await.unwrap();

    // The desktop closes the bad ones without answering.
    for stream in [&mut oversized, &mut wrong] {
        let mut buf = [0u8; 16];
        let n = tokio::time::timeout(WAIT, stream.read(&mut buf))
            .await
            .unwrap()
            .unwrap_or(0);
        assert_eq!(n, 0, "the desktop answered a bad handshake");
    }

    let store = Arc::new(MemoryStore::default());
    let (_phone, mut phone_events) = guest(invite, store.clone(), None);
    let code = shown_code(&mut phone_events).await;
    asked_for_code(&mut desk_events).await;
    desk.submit_code(&code);
    outcome(&mut phone_events).await.unwrap();
    assert_eq!(store.saved(), items.to_vec());
}

/// Connects like a scanner, completes the handshake by hand and returns
/// the raw stream, so a test can misbehave afterwards.
async fn raw_scanner(invite: &Invite) -> TcpStream {
    let mut stream = TcpStream::connect(invite.lan_endpoints()[0]).await.unwrap();
    let (initiator, msg1) = Initiator::start(invite, &Hello::new("raw", "test")).unwrap();
    stream
        .write_all(&(msg1.len() as u16).to_be_bytes())
        .await
        .unwrap();
    stream.write_all(&msg1).await.unwrap();
    let len = stream.read_u16().await.unwrap() as usize;
    let mut msg2 = vec![0u8; len];
    stream.read_exact(&mut msg2).await.unwrap();
    initiator.finish(&msg2).unwrap();
    stream
}

#[tokio::test]
async fn a_peer_cut_off_mid_transfer_leaves_nothing_saved() {
    let store = Arc::new(MemoryStore::default());
    let (desk, mut desk_events, invite) = host(Mode::DesktopReceives, store.clone()).await;
    let mut stream = raw_scanner(&invite).await;
    asked_for_code(&mut desk_events).await;
    // The number is unknown to the test; the desktop's side must end on the
    // cut connection whatever state it is in.
    desk.submit_code("000000");
    stream.write_all(&[0x20, 0x00]).await.unwrap();
    stream.write_all(&[9u8; 100]).await.unwrap();
    drop(stream);
    let err = outcome(&mut desk_events).await.unwrap_err();
    assert!(matches!(err, SessionError::Disconnected { .. }), "{err:?}");
    assert!(store.saved().is_empty());
}

#[tokio::test]
async fn a_forged_message_after_the_handshake_ends_the_session() {
    let store = Arc::new(MemoryStore::default());
    let (_desk, mut desk_events, invite) = host(Mode::DesktopReceives, store.clone()).await;
    let mut stream = raw_scanner(&invite).await;
    asked_for_code(&mut desk_events).await;
    stream.write_all(&[0, 40]).await.unwrap();
    stream.write_all(&[1u8; 40]).await.unwrap();
    let err = outcome(&mut desk_events).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tampered);
    assert!(store.saved().is_empty());
}

#[tokio::test]
async fn cancelling_before_anyone_connects_ends_the_desktop_session() {
    let (desk, mut desk_events, invite) = host(
        Mode::DesktopSends,
        Arc::new(MemoryStore::sending(&[item(1, false)])),
    )
    .await;
    desk.cancel();
    assert!(matches!(
        outcome(&mut desk_events).await,
        Err(SessionError::Cancelled)
    ));
    // The invite is dead: a scanner now cannot connect or is refused.
    let (_phone, mut phone_events) = guest(invite, Arc::new(MemoryStore::default()), None);
    let err = outcome(&mut phone_events).await.unwrap_err();
    assert!(
        matches!(err, SessionError::Unreachable(_) | SessionError::Refused),
        "{err:?}"
    );
}

#[tokio::test]
async fn nothing_to_send_fails_before_any_invite() {
    let mut config = HostConfig::new(Mode::DesktopSends, Hello::new("desk", "test"));
    config.listen = loopback();
    let (_desk, mut events) = start_host(config, Arc::new(MemoryStore::default()));
    match next(&mut events).await {
        Event::Failed(SessionError::NothingToSend) => {}
        other => panic!("expected an early failure, got {other:?}"),
    }
}

#[tokio::test]
async fn a_desktop_that_is_gone_is_unreachable() {
    let (desk, mut desk_events, invite) = host(
        Mode::DesktopSends,
        Arc::new(MemoryStore::sending(&[item(1, false)])),
    )
    .await;
    desk.cancel();
    outcome(&mut desk_events).await.unwrap_err();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (_phone, mut events) = guest(invite, Arc::new(MemoryStore::default()), None);
    assert_eq!(
        outcome(&mut events).await.unwrap_err().kind(),
        ErrorKind::Unreachable
    );
}

#[tokio::test]
async fn a_relay_only_desktop_whose_relay_is_down_fails_before_showing_a_code() {
    // A port nobody listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut config = HostConfig::new(Mode::DesktopReceives, Hello::new("desk", "test"));
    config.use_lan = false;
    config.relay_url = Some(format!("ws://127.0.0.1:{port}"));
    let (_desk, mut events) = start_host(config, Arc::new(MemoryStore::default()));
    match next(&mut events).await {
        Event::Failed(e @ SessionError::RelayUnreachable(_)) => {
            assert_eq!(e.kind(), ErrorKind::RelayUnreachable);
            let message = e.to_string();
            assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
        }
        other => panic!("expected the relay to be unreachable before any invite, got {other:?}"),
    }
}

#[tokio::test]
async fn a_malformed_relay_address_fails_before_showing_a_code() {
    let mut config = HostConfig::new(Mode::DesktopReceives, Hello::new("desk", "test"));
    config.listen = loopback();
    config.relay_url = Some("https://relay.example".into());
    let (_desk, mut events) = start_host(config, Arc::new(MemoryStore::default()));
    match next(&mut events).await {
        Event::Failed(e) => {
            assert_eq!(e.kind(), ErrorKind::RelayUnreachable);
            assert!(e.to_string().contains("wss://"), "{e}");
        }
        other => panic!("expected a bad relay address, got {other:?}"),
    }
}

#[tokio::test]
async fn a_desktop_with_neither_lan_nor_relay_has_no_path() {
    let mut config = HostConfig::new(Mode::DesktopReceives, Hello::new("desk", "test"));
    config.use_lan = false;
    let (_desk, mut events) = start_host(config, Arc::new(MemoryStore::default()));
    match next(&mut events).await {
        Event::Failed(e) => assert_eq!(e.kind(), ErrorKind::NoPath),
        other => panic!("expected no path, got {other:?}"),
    }
}

#[test]
fn every_error_kind_has_its_own_stable_name() {
    let kinds = [
        ErrorKind::Expired,
        ErrorKind::InvalidInvite,
        ErrorKind::Store,
        ErrorKind::NothingToSend,
        ErrorKind::Listen,
        ErrorKind::NoPath,
        ErrorKind::Unreachable,
        ErrorKind::RelayUnreachable,
        ErrorKind::Refused,
        ErrorKind::Handshake,
        ErrorKind::CodeMismatch,
        ErrorKind::PeerAborted,
        ErrorKind::Declined,
        ErrorKind::Cancelled,
        ErrorKind::Disconnected,
        ErrorKind::Tampered,
        ErrorKind::Protocol,
        ErrorKind::Timeout,
        ErrorKind::ReceiptMismatch,
    ];
    let names: std::collections::BTreeSet<&str> = kinds.iter().map(|k| k.as_str()).collect();
    assert_eq!(names.len(), kinds.len(), "two kinds share a name");
    assert!(names.iter().all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')));
    assert_eq!(ErrorKind::RelayUnreachable.to_string(), "relay_unreachable");
}
