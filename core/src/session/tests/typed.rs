//! Pairing by a typed code over loopback: the real door, dialer and
//! sessions, with a LAN finder of the test's own (the desktop's listening
//! addresses), so that no multicast is needed here; mDNS itself is tested
//! through the real binaries.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{MemoryStore, item};
use crate::code::{LanFinder, ShortCode};
use crate::handshake::Hello;
use crate::invite::Mode;
use crate::session::{Event, Events, GuestConfig, HostConfig, SessionError, SessionHandle, start_guest_with_code, start_host};

const WAIT: Duration = Duration::from_secs(30);

/// Finds whatever addresses it was given.
#[derive(Debug)]
struct Fixed(Mutex<Vec<SocketAddr>>);

impl LanFinder for Fixed {
    fn find(&self, _channel: &str, _timeout: Duration) -> Vec<SocketAddr> {
        self.0.lock().unwrap().clone()
    }
}

async fn next(events: &mut Events) -> Event {
    tokio::time::timeout(WAIT, events.recv()).await.expect("no event in time").expect("events ended")
}

/// A desktop offering a code on loopback: its handle, events, first code
/// and listening addresses.
async fn desktop(mode: Mode, store: Arc<MemoryStore>) -> (SessionHandle, Events, ShortCode, Vec<SocketAddr>) {
    let mut config = HostConfig::new(mode, Hello::new("desk", "linux"));
    config.listen = vec!["127.0.0.1:0".parse().unwrap()];
    config.offer_code = true;
    let (handle, mut events) = start_host(config, store);
    loop {
        if let Event::InviteReady { invite, code: Some(code) } = next(&mut events).await {
            return (handle, events, code, invite.lan_endpoints().to_vec());
        }
    }
}

fn scanner_config(at: &[SocketAddr]) -> GuestConfig {
    let mut config = GuestConfig::new(Hello::new("phone", "android"));
    config.finder = Some(Arc::new(Fixed(Mutex::new(at.to_vec()))));
    config.use_relay = false;
    config
}

async fn number_shown(events: &mut Events) -> String {
    loop {
        match next(events).await {
            Event::VerificationCode { code } => return code.digits(),
            Event::Failed(e) => panic!("failed: {e:?}"),
            _ => {}
        }
    }
}

async fn asked_for_number(events: &mut Events) {
    loop {
        match next(events).await {
            Event::EnterCode { .. } => return,
            Event::Failed(e) => panic!("failed: {e:?}"),
            _ => {}
        }
    }
}

async fn outcome(events: &mut Events) -> Result<crate::session::Outcome, SessionError> {
    loop {
        match next(events).await {
            Event::Done(o) => return Ok(o),
            Event::Failed(e) => return Err(e),
            _ => {}
        }
    }
}

#[tokio::test]
async fn an_export_by_typed_code_moves_the_certificate() {
    let items = [item(4, true)];
    let (desk, mut desk_events, code, at) = desktop(Mode::DesktopSends, Arc::new(MemoryStore::sending(&items))).await;
    assert_eq!(code.grouped().len(), 11, "nine digits: {}", code.grouped());
    let phone_store = Arc::new(MemoryStore::default());
    let typed = ShortCode::parse(&code.grouped()).unwrap();
    let (_phone, mut phone_events) = start_guest_with_code(typed, scanner_config(&at), phone_store.clone());
    let number = number_shown(&mut phone_events).await;
    asked_for_number(&mut desk_events).await;
    desk.submit_code(&number);
    outcome(&mut desk_events).await.unwrap();
    let done = outcome(&mut phone_events).await.unwrap();
    assert!(!done.sent, "the desktop sent, as it said in the handshake");
    assert_eq!(phone_store.saved(), items.to_vec());
}

#[tokio::test]
async fn an_import_by_typed_code_asks_for_consent_then_sends() {
    let items = [item(6, false)];
    let desk_store = Arc::new(MemoryStore::default());
    let (desk, mut desk_events, code, at) = desktop(Mode::DesktopReceives, desk_store.clone()).await;
    let (phone, mut phone_events) =
        start_guest_with_code(code.clone(), scanner_config(&at), Arc::new(MemoryStore::sending(&items)));
    loop {
        if let Event::ConsentRequired { items: asked } = next(&mut phone_events).await {
            assert_eq!(asked, ["cert 0"]);
            break;
        }
    }
    phone.set_consent(true);
    let number = number_shown(&mut phone_events).await;
    asked_for_number(&mut desk_events).await;
    desk.submit_code(&number);
    outcome(&mut desk_events).await.unwrap();
    assert!(outcome(&mut phone_events).await.unwrap().sent);
    assert_eq!(desk_store.saved(), items.to_vec());
}

#[tokio::test]
async fn a_wrong_code_fails_on_both_sides_burns_the_code_and_moves_nothing() {
    let items = [item(8, false)];
    let (_desk, mut desk_events, code, at) = desktop(Mode::DesktopSends, Arc::new(MemoryStore::sending(&items))).await;
    // An attacker's one guess: the right channel, a wrong secret.
    let secret_last = code.grouped().pop().unwrap();
    let mut guess = code.grouped();
    guess.pop();
    guess.push(if secret_last == '0' { '1' } else { '0' });
    let thief_store = Arc::new(MemoryStore::default());
    let (_thief, mut thief_events) = start_guest_with_code(ShortCode::parse(&guess).unwrap(), scanner_config(&at), thief_store.clone());
    assert!(matches!(outcome(&mut thief_events).await, Err(SessionError::WrongCode)));
    // The desktop shows a new code (the QR code stays), and still waits.
    let renewed = loop {
        if let Event::InviteReady { code: Some(new), .. } = next(&mut desk_events).await {
            break new;
        }
    };
    assert_ne!(renewed.grouped(), code.grouped());
    assert_eq!(renewed.channel(), code.channel());
    // The old code no longer works, even typed right; that try is spent
    // too, and another code is shown.
    let (_late, mut late_events) = start_guest_with_code(code, scanner_config(&at), Arc::new(MemoryStore::default()));
    assert!(matches!(outcome(&mut late_events).await, Err(SessionError::WrongCode)));
    let latest = loop {
        if let Event::InviteReady { code: Some(new), .. } = next(&mut desk_events).await {
            break new;
        }
    };
    assert_ne!(latest.grouped(), renewed.grouped());
    // The code shown now works.
    let phone_store = Arc::new(MemoryStore::default());
    let (_phone, mut phone_events) = start_guest_with_code(latest, scanner_config(&at), phone_store.clone());
    number_shown(&mut phone_events).await;
    assert!(thief_store.saved().is_empty());
}

#[tokio::test]
async fn no_desktop_with_the_code_is_said_plainly() {
    let (_p, mut events) = start_guest_with_code(ShortCode::parse("123-456-789").unwrap(), scanner_config(&[]), Arc::new(MemoryStore::default()));
    assert!(matches!(outcome(&mut events).await, Err(SessionError::NoDesktopForCode)));
}
