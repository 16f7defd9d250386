//! What a hostile network found (issue 14's findings), each as a test that
//! failed before the fix: a session ending mid-save, a dropped message
//! stalling both sides, silent connections locking the desktop out, a
//! hostile relay making the desktop hammer it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use futures_util::{SinkExt, StreamExt};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpSocket};

use super::{MemoryStore, item};
use crate::channel::Channel;
use crate::handshake::{Hello, MAX_HANDSHAKE_MESSAGE, Responder};
use crate::invite::{HostInvite, InviteParams, Mode};
use crate::message::Message;
use crate::session::{Event, Events, GuestConfig, HostConfig, SessionError, start_guest, start_host};
use crate::transport::Link;
use crate::transport::lan::LanListener;

const WAIT: Duration = Duration::from_secs(30);

async fn outcome(events: &mut Events) -> Result<crate::session::Outcome, SessionError> {
    loop {
        match tokio::time::timeout(WAIT, events.recv()).await.expect("no outcome in time").expect("events ended") {
            Event::Done(o) => return Ok(o),
            Event::Failed(e) => return Err(e),
            _ => {}
        }
    }
}

/// A desktop of the test's own: it completes the handshake by the book,
/// then does whatever `script` says on the encrypted channel.
async fn scripted_desktop<F, Fut>(mode: Mode, script: F) -> crate::invite::Invite
where
    F: FnOnce(Channel) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = LanListener::bind(&["127.0.0.1:0".parse().unwrap()]).await.unwrap();
    let params = InviteParams {
        mode,
        lifetime: Duration::from_secs(60),
        relay_url: None,
        lan: listener.endpoints().to_vec(),
        name: None,
    };
    let host = HostInvite::generate(params, SystemTime::now()).unwrap();
    let invite = host.invite().clone();
    tokio::spawn(async move {
        let mut link = listener.accept().await.unwrap();
        let msg1 = link.recv(MAX_HANDSHAKE_MESSAGE).await.unwrap();
        let pending = Responder::read_first(&host, &msg1).unwrap();
        let (established, msg2) = pending.reply(&Hello::new("scripted desk", "test")).unwrap();
        link.send(&msg2).await.unwrap();
        script(Channel::new(Box::new(link), established)).await;
    });
    invite
}

#[tokio::test]
async fn a_session_that_fails_while_saving_waits_for_the_save() {
    let invite = scripted_desktop(Mode::DesktopSends, |mut channel| async move {
        channel.send(&Message::Confirmed).await.unwrap();
        channel.send(&Message::Bundle { items: vec![item(7, false)] }).await.unwrap();
        // An attacker with no keys appends a frame: it cannot decrypt.
        channel.send_raw_for_tests(&[0u8; 40]).await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    let store = Arc::new(MemoryStore { save_delay: Some(Duration::from_millis(800)), ..MemoryStore::default() });
    let (_h, mut events) = start_guest(invite, GuestConfig::new(Hello::new("phone", "test")), store.clone());
    let result = outcome(&mut events).await;
    // When the session reports, the save is over: nothing half-written.
    assert_eq!(store.saved(), vec![item(7, false)], "the save finished before the session ended");
    // And what is reported is what happened: the certificate is here.
    assert!(result.is_ok(), "{result:?}");
}

#[tokio::test]
async fn a_dropped_bundle_ends_the_scanner_in_seconds() {
    let invite = scripted_desktop(Mode::DesktopSends, |mut channel| async move {
        channel.send(&Message::Confirmed).await.unwrap();
        // The bundle is dropped on the way: nothing more comes.
        tokio::time::sleep(Duration::from_secs(20)).await;
    })
    .await;
    let store = Arc::new(MemoryStore::default());
    let mut config = GuestConfig::new(Hello::new("phone", "test"));
    config.step_timeout = Duration::from_secs(1);
    let (_h, mut events) = start_guest(invite, config, store.clone());
    let result = outcome(&mut events).await;
    assert!(matches!(result, Err(SessionError::PeerSilent)), "{result:?}");
    assert!(store.saved().is_empty());
}

#[tokio::test]
async fn a_dropped_receipt_ends_the_desktop_in_seconds() {
    let desk_store = Arc::new(MemoryStore::sending(&[item(1, false)]));
    let mut config = HostConfig::new(Mode::DesktopSends, Hello::new("desk", "test"));
    config.listen = vec!["127.0.0.1:0".parse().unwrap()];
    config.step_timeout = Duration::from_secs(1);
    let (desk, mut desk_events) = start_host(config, desk_store);
    let invite = loop {
        if let Some(Event::InviteReady { invite, .. }) = desk_events.recv().await {
            break invite;
        }
    };
    // A scanner that completes the handshake and then never answers.
    let addr = invite.lan_endpoints()[0];
    let mut link = crate::transport::lan::connect(addr, Duration::from_secs(2)).await.unwrap();
    let (initiator, msg1) = crate::handshake::Initiator::start(&invite, &Hello::new("mute", "test")).unwrap();
    link.send(&msg1).await.unwrap();
    let msg2 = link.recv(MAX_HANDSHAKE_MESSAGE).await.unwrap();
    let established = initiator.finish(&msg2).unwrap();
    desk.submit_code(&established.verification_code().digits());
    let result = outcome(&mut desk_events).await;
    assert!(matches!(result, Err(SessionError::PeerSilent)), "{result:?}");
}

#[tokio::test]
async fn hundreds_of_silent_connections_do_not_lock_the_desktop_out() {
    let desk_store = Arc::new(MemoryStore::sending(&[item(1, false)]));
    let mut config = HostConfig::new(Mode::DesktopSends, Hello::new("desk", "test"));
    config.listen = vec!["127.0.0.1:0".parse().unwrap()];
    let (_desk, mut desk_events) = start_host(config, desk_store);
    let invite = loop {
        if let Some(Event::InviteReady { invite, .. }) = desk_events.recv().await {
            break invite;
        }
    };
    let addr: SocketAddr = invite.lan_endpoints()[0];
    // 300 connections that never say a word, from 100 LAN addresses.
    let mut silent = Vec::new();
    for i in 0..300u32 {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::from(([127, 0, 0, 2 + (i % 100) as u8], 0))).unwrap();
        silent.push(socket.connect(addr).await.unwrap());
    }
    // The real scanner, with its own ordinary patience, still gets in.
    let phone_store = Arc::new(MemoryStore::default());
    let (_p, mut phone_events) = start_guest(invite, GuestConfig::new(Hello::new("phone", "test")), phone_store);
    loop {
        match tokio::time::timeout(WAIT, phone_events.recv()).await.unwrap().unwrap() {
            Event::VerificationCode { .. } => break,
            Event::Failed(e) => panic!("the scanner was locked out: {e:?}"),
            _ => {}
        }
    }
    drop(silent);
}

#[tokio::test]
async fn junk_from_a_hostile_relay_does_not_reset_the_back_off() {
    let relay = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}", relay.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = relay.accept().await else { return };
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else { return };
                // Junk where the scanner's first handshake message belongs.
                let _ = ws.send(tokio_tungstenite::tungstenite::Message::Binary(vec![0xAB; 64].into())).await;
                let _ = ws.next().await;
            });
        }
    });
    let mut config = HostConfig::new(Mode::DesktopSends, Hello::new("desk", "test"));
    config.use_lan = false;
    config.relay_url = Some(url);
    let (_desk, _events) = start_host(config, Arc::new(MemoryStore::sending(&[item(1, false)])));
    tokio::time::sleep(Duration::from_secs(4)).await;
    let n = connections.load(Ordering::SeqCst);
    // 250 ms, then 0.5, 1 and 2 s between attempts: a handful in 4 s.
    assert!((2..=6).contains(&n), "{n} connections to the hostile relay in 4 s");
}

#[tokio::test]
async fn a_silent_lan_connection_is_dropped_before_the_scanner_would_give_up() {
    let desk_store = Arc::new(MemoryStore::sending(&[item(1, false)]));
    let mut config = HostConfig::new(Mode::DesktopSends, Hello::new("desk", "test"));
    config.listen = vec!["127.0.0.1:0".parse().unwrap()];
    let (_desk, mut desk_events) = start_host(config, desk_store);
    let invite = loop {
        if let Some(Event::InviteReady { invite, .. }) = desk_events.recv().await {
            break invite;
        }
    };
    let mut silent = tokio::net::TcpStream::connect(invite.lan_endpoints()[0]).await.unwrap();
    let mut buf = [0u8; 1];
    let closed = tokio::time::timeout(GuestConfig::new(Hello::new("x", "y")).handshake_timeout, async {
        tokio::io::AsyncReadExt::read(&mut silent, &mut buf).await
    })
    .await;
    assert!(matches!(closed, Ok(Ok(0)) | Ok(Err(_))), "the desktop kept a silent connection: {closed:?}");
    let _ = silent.shutdown().await;
}

/// A relay of the test's own: it accepts WebSockets and, for each, does
/// what `script` says; returns its URL and how many connections came.
async fn fake_relay<F, Fut>(script: F) -> (String, Arc<AtomicUsize>)
where
    F: Fn(tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let relay = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}", relay.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    let script = Arc::new(script);
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = relay.accept().await else { return };
            counted.fetch_add(1, Ordering::SeqCst);
            let script = script.clone();
            tokio::spawn(async move {
                if let Ok(ws) = tokio_tungstenite::accept_async(tcp).await {
                    script(ws).await;
                }
            });
        }
    });
    (url, connections)
}

fn relay_only_invite(url: &str) -> crate::invite::Invite {
    let params = InviteParams {
        mode: Mode::DesktopSends,
        lifetime: Duration::from_secs(60),
        relay_url: Some(url.to_owned()),
        lan: Vec::new(),
        name: None,
    };
    HostInvite::generate(params, SystemTime::now()).unwrap().invite().clone()
}

fn relay_guest_config() -> GuestConfig {
    let mut config = GuestConfig::new(Hello::new("phone", "test"));
    config.use_lan = false;
    config
}

#[tokio::test]
async fn a_guest_that_arrives_but_says_nothing_cannot_hold_the_hosts_place() {
    use tokio_tungstenite::tungstenite::Message as Ws;
    // Every host connection is told "paired" at once, and then nothing.
    let (url, connections) = fake_relay(|mut ws| async move {
        let _ = ws.send(Ws::Ping(crate::transport::relay::PAIRED_PING.to_vec().into())).await;
        while let Some(Ok(_)) = ws.next().await {}
    })
    .await;
    let mut config = HostConfig::new(Mode::DesktopSends, Hello::new("desk", "test"));
    config.use_lan = false;
    config.relay_url = Some(url);
    let (_desk, _events) = start_host(config, Arc::new(MemoryStore::sending(&[item(1, false)])));
    tokio::time::sleep(Duration::from_secs(12)).await;
    // The silent guest was given 10 s; then the host came back for the next.
    assert!(connections.load(Ordering::SeqCst) >= 2, "the host waited on a silent guest");
}

#[tokio::test]
async fn a_scanner_asks_once_more_for_a_desktop_not_at_the_relay_and_then_says_so() {
    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
    let (url, connections) = fake_relay(|mut ws| async move {
        let _ = ws.next().await;
        let frame = CloseFrame { code: CloseCode::Library(4004), reason: "no such session".into() };
        let _ = ws.close(Some(frame)).await;
    })
    .await;
    let (_h, mut events) = start_guest(relay_only_invite(&url), relay_guest_config(), Arc::new(MemoryStore::default()));
    let result = outcome(&mut events).await;
    assert!(matches!(result, Err(SessionError::Unreachable(_))), "{result:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 2, "one more try, 2 s later, then no more");
}

#[tokio::test]
async fn a_scanner_retries_a_relay_that_is_briefly_unavailable() {
    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
    // The first three attempts meet "backend unavailable" (4010); then a
    // code in use (4001), which is not retried.
    let tries = Arc::new(AtomicUsize::new(0));
    let seen = tries.clone();
    let (url, connections) = fake_relay(move |mut ws| {
        let n = seen.fetch_add(1, Ordering::SeqCst);
        async move {
            let _ = ws.next().await;
            let code = if n < 3 { 4010 } else { 4001 };
            let _ = ws.close(Some(CloseFrame { code: CloseCode::Library(code), reason: "".into() })).await;
        }
    })
    .await;
    let (_h, mut events) = start_guest(relay_only_invite(&url), relay_guest_config(), Arc::new(MemoryStore::default()));
    let result = outcome(&mut events).await;
    assert!(matches!(result, Err(SessionError::Refused)), "{result:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 4, "three transient failures retried, the fourth final");
}
