//! Limits and hostile clients: oversized messages, byte limits, idle
//! sessions, slowloris, garbage on the port, many idle connections, rates
//! and the connection cap.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use std::time::{Duration, Instant};

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Pairs a host and a guest and checks that one message crosses.
async fn working_pair(relay: &Relay) -> (Client, Client) {
    let id = new_id();
    let mut host = relay.connect(&id, "host").await;
    let mut guest = relay.connect(&id, "guest").await;
    send(&mut guest, b"ping").await;
    assert_eq!(recv(&mut host).await, b"ping");
    send(&mut host, b"pong").await;
    assert_eq!(recv(&mut guest).await, b"pong");
    (host, guest)
}

#[tokio::test]
async fn an_oversized_message_closes_with_4009_and_the_relay_stays_up() {
    let relay = Relay::start(config()).await;
    let (mut host, mut guest) = working_pair(&relay).await;
    // Exactly the limit passes.
    let limit = 64 * 1024;
    send(&mut host, &vec![7u8; limit]).await;
    assert_eq!(recv(&mut guest).await.len(), limit);
    // One byte more does not.
    send(&mut host, &vec![7u8; limit + 1]).await;
    assert_eq!(expect_close(&mut host).await, (4009, "message too large".into()));
    assert_eq!(expect_close(&mut guest).await, (4000, "peer closed".into()));
    // Much larger, before pairing.
    let mut lone = relay.connect(&new_id(), "host").await;
    let _ = futures_util::SinkExt::send(
        &mut lone,
        tokio_tungstenite::tungstenite::Message::Binary(vec![1u8; 1 << 20].into()),
    )
    .await;
    assert_eq!(expect_close(&mut lone).await.0, 4009);
    working_pair(&relay).await;
    relay.shutdown().await;
}

#[tokio::test]
async fn the_session_byte_limit_closes_both_sides_with_4008() {
    let mut c = config();
    c.limits.max_session_bytes = 100_000;
    let relay = Relay::start(c).await;
    let (mut host, mut guest) = working_pair(&relay).await; // 8 bytes so far
    let chunk = vec![0u8; 30_000];
    for _ in 0..3 {
        send(&mut host, &chunk).await;
        assert_eq!(recv(&mut guest).await.len(), chunk.len());
    }
    // 90,008 bytes carried; 30,000 more would pass the limit.
    send(&mut guest, &chunk).await;
    assert_eq!(expect_close(&mut guest).await, (4008, "session byte limit".into()));
    assert_eq!(expect_close(&mut host).await, (4008, "session byte limit".into()));
    relay.shutdown().await;
}

#[tokio::test]
async fn an_idle_session_closes_with_4006() {
    let mut c = config();
    c.limits.idle = Duration::from_millis(1000);
    let relay = Relay::start(c).await;
    let (mut host, mut guest) = working_pair(&relay).await;
    // Traffic keeps the session alive past the idle time...
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        send(&mut host, b"tick").await;
        assert_eq!(recv(&mut guest).await, b"tick");
    }
    // ...silence does not.
    let started = Instant::now();
    assert_eq!(expect_close(&mut host).await, (4006, "idle".into()));
    assert_eq!(expect_close(&mut guest).await, (4006, "idle".into()));
    assert!(started.elapsed() >= Duration::from_millis(800));
    relay.shutdown().await;
}

#[tokio::test]
async fn a_session_that_lasts_too_long_closes_with_4007() {
    let mut c = config();
    c.limits.max_session_time = Duration::from_millis(700);
    let relay = Relay::start(c).await;
    let (mut host, mut guest) = working_pair(&relay).await;
    let started = Instant::now();
    // Busy, never idle, but too long.
    let (code, reason) = loop {
        send(&mut host, b"busy").await;
        match tokio::time::timeout(PATIENCE, futures_util::StreamExt::next(&mut guest)).await.unwrap() {
            Some(Ok(tokio_tungstenite::tungstenite::Message::Binary(_))) => {}
            Some(Ok(tokio_tungstenite::tungstenite::Message::Close(Some(f)))) => break (u16::from(f.code), f.reason.to_string()),
            other => panic!("{other:?}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!((code, reason.as_str()), (4007, "session time limit"));
    assert!(started.elapsed() >= Duration::from_millis(600));
    assert_eq!(expect_close(&mut host).await.0, 4007);
    relay.shutdown().await;
}

#[tokio::test]
async fn slowloris_connections_are_dropped_and_others_still_served() {
    let relay = Relay::start(config()).await; // header timeout 1 s
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut s = TcpStream::connect(relay.addr).await.unwrap();
        s.write_all(b"GET /v1/rendezvous/0011223344556677?ro").await.unwrap();
        slow.push(s);
    }
    // Silent ones too.
    for _ in 0..20 {
        slow.push(TcpStream::connect(relay.addr).await.unwrap());
    }
    // Meanwhile the relay serves others.
    working_pair(&relay).await;
    assert_eq!(http_get(relay.addr, "/healthz").await, (200, "ok".into()));
    let started = Instant::now();
    for mut s in slow {
        let mut buf = [0u8; 256];
        // The relay hangs up: EOF or reset, never a request served.
        let r = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
            .await
            .expect("the relay kept a slow connection open");
        match r {
            Ok(0) | Err(_) => {}
            Ok(n) => {
                let text = String::from_utf8_lossy(&buf[..n]).to_string();
                // hyper may answer 408 before closing; that is a drop too.
                assert!(text.starts_with("HTTP/1.1 408"), "{text}");
            }
        }
    }
    assert!(started.elapsed() < Duration::from_secs(8));
    assert!(metric(relay.addr, "certbridge_header_timeouts_total").await >= 40.0);
    working_pair(&relay).await;
    relay.shutdown().await;
}

#[tokio::test]
async fn random_bytes_on_the_port_do_no_harm() {
    let relay = Relay::start(config()).await;
    let mut seed = 0x1234_5678_9abc_def0u64;
    for round in 0..50 {
        let mut s = TcpStream::connect(relay.addr).await.unwrap();
        let junk: Vec<u8> = (0..(round * 97 + 13))
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        let _ = s.write_all(&junk).await;
        let _ = s.write_all(b"\r\n\r\n").await;
        let mut buf = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf))
            .await
            .expect("the relay did not hang up on garbage");
    }
    // Garbage after a successful upgrade: invalid WebSocket frames.
    let id = new_id();
    let mut host = relay.connect(&id, "host").await;
    let mut raw = TcpStream::connect(relay.addr).await.unwrap();
    raw.write_all(
        format!(
            "GET /v1/rendezvous/{id}?role=guest HTTP/1.1\r\nHost: r\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
             Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut head = [0u8; 12];
    raw.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 101");
    tokio::time::sleep(Duration::from_millis(100)).await;
    raw.write_all(&[0xff; 64]).await.unwrap(); // reserved opcode, unmasked
    assert_eq!(expect_close(&mut host).await, (4000, "peer closed".into()));
    working_pair(&relay).await;
    relay.shutdown().await;
}

#[tokio::test]
async fn a_thousand_idle_connections_do_not_block_a_real_exchange() {
    let relay = Relay::start(config()).await;
    let mut idle = Vec::new();
    for _ in 0..1000 {
        idle.push(relay.connect(&new_id(), "host").await);
    }
    assert_eq!(metric(relay.addr, "certbridge_sessions_waiting").await, 1000.0);
    let started = Instant::now();
    working_pair(&relay).await;
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    drop(idle);
    relay.shutdown().await;
}

#[tokio::test]
async fn per_address_rates_answer_429() {
    let mut c = config();
    c.limits.connections_per_ip_per_minute = 5;
    c.limits.sessions_per_ip_per_minute = 2;
    let relay = Relay::start(c).await;
    let _a = relay.connect(&new_id(), "host").await;
    let _b = relay.connect(&new_id(), "host").await;
    // A third new session from this address is refused...
    assert_eq!(refused_status(&relay.url(&new_id(), "host")).await, 429);
    // ...guests are not new sessions, but they count as connections.
    let _g = relay.connect(&new_id(), "guest").await;
    let _h = relay.connect(&new_id(), "guest").await;
    assert_eq!(refused_status(&relay.url(&new_id(), "guest")).await, 429);
    // Health checks are not rate-limited.
    assert_eq!(http_get(relay.addr, "/healthz").await.0, 200);
    relay.shutdown().await;
}

#[tokio::test]
async fn a_full_relay_answers_503() {
    let mut c = config();
    c.limits.max_connections = 3;
    let relay = Relay::start(c).await;
    let a = relay.connect(&new_id(), "host").await;
    let _b = relay.connect(&new_id(), "host").await;
    let _c = relay.connect(&new_id(), "host").await;
    assert_eq!(refused_status(&relay.url(&new_id(), "host")).await, 503);
    drop(a);
    // The place is freed once the relay sees the connection gone.
    let mut ok = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if tokio_tungstenite::connect_async(relay.url(&new_id(), "host")).await.is_ok() {
            ok = true;
            break;
        }
    }
    assert!(ok, "the relay never freed the closed connection's place");
    relay.shutdown().await;
}
