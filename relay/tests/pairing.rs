//! Pairing and forwarding on one node: verbatim, ordered, both ways; the
//! close codes of the pairing rules.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use std::time::Duration;

use common::*;
use futures_util::SinkExt;
use tokio_tungstenite::tungstenite::Message;

/// A distinct, recognisable binary message: index, then bytes of every value.
fn message(i: u32, len: usize) -> Vec<u8> {
    let mut m = i.to_be_bytes().to_vec();
    m.extend((0..len).map(|j| (j as u32).wrapping_mul(31).wrapping_add(i) as u8));
    m
}

#[tokio::test]
async fn forwards_many_binary_messages_verbatim_in_order_both_ways() {
    let mut c = config();
    c.limits.max_session_bytes = 8 << 20;
    let relay = Relay::start(c).await;
    let id = new_id();
    let mut host = relay.connect(&id, "host").await;
    let mut guest = relay.connect(&id, "guest").await;

    const N: u32 = 300;
    // Both sides send at once, then read; sizes vary from 0 to ~5 KiB,
    // and every byte value occurs.
    let h2g: Vec<Vec<u8>> = (0..N).map(|i| message(i, (i as usize * 17) % 5000)).collect();
    let g2h: Vec<Vec<u8>> = (0..N).map(|i| message(i + 1000, (i as usize * 29) % 3000)).collect();
    let (mut host_tx, mut host_rx) = futures_util::StreamExt::split(host);
    let (mut guest_tx, mut guest_rx) = futures_util::StreamExt::split(guest);
    let h2g_send = h2g.clone();
    let g2h_send = g2h.clone();
    let a = tokio::spawn(async move {
        for m in h2g_send {
            host_tx.send(Message::Binary(m.into())).await.unwrap();
        }
        host_tx
    });
    let b = tokio::spawn(async move {
        for m in g2h_send {
            guest_tx.send(Message::Binary(m.into())).await.unwrap();
        }
        guest_tx
    });
    let mut got_by_guest = Vec::new();
    let mut got_by_host = Vec::new();
    while got_by_guest.len() < N as usize {
        match tokio::time::timeout(PATIENCE, futures_util::StreamExt::next(&mut guest_rx)).await.unwrap() {
            Some(Ok(Message::Binary(b))) => got_by_guest.push(b.to_vec()),
            other => panic!("guest got {other:?}"),
        }
    }
    // The host is told its guest arrived (a ping with payload `paired`)
    // before anything else.
    let mut host_pings = Vec::new();
    while got_by_host.len() < N as usize {
        match tokio::time::timeout(PATIENCE, futures_util::StreamExt::next(&mut host_rx)).await.unwrap() {
            Some(Ok(Message::Binary(b))) => got_by_host.push(b.to_vec()),
            Some(Ok(Message::Ping(p))) if got_by_host.is_empty() => host_pings.push(p.to_vec()),
            other => panic!("host got {other:?}"),
        }
    }
    assert_eq!(host_pings, [b"paired".to_vec()]);
    assert_eq!(got_by_guest, h2g);
    assert_eq!(got_by_host, g2h);

    // The host finishes normally: the guest gets a normal close.
    let host_tx = a.await.unwrap();
    let guest_tx = b.await.unwrap();
    host = host_tx.reunite(host_rx).unwrap();
    guest = guest_tx.reunite(guest_rx).unwrap();
    close_normally(&mut host).await;
    assert_eq!(expect_close(&mut guest).await, (1000, "session finished".into()));
    relay.shutdown().await;
}

#[tokio::test]
async fn messages_sent_before_the_peer_arrives_are_delivered_first() {
    let relay = Relay::start(config()).await;
    let id = new_id();
    let mut host = relay.connect(&id, "host").await;
    send(&mut host, b"early 1").await;
    send(&mut host, b"early 2").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut guest = relay.connect(&id, "guest").await;
    send(&mut host, b"late").await;
    assert_eq!(recv(&mut guest).await, b"early 1");
    assert_eq!(recv(&mut guest).await, b"early 2");
    assert_eq!(recv(&mut guest).await, b"late");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_third_party_on_a_taken_role_is_crowded() {
    let relay = Relay::start(config()).await;
    let id = new_id();
    let mut host = relay.connect(&id, "host").await;
    // The host waits alone: a second one may be its own replacement, so
    // it is told to retry while the first is checked.
    let mut second_host = relay.connect(&id, "host").await;
    assert_eq!(expect_close(&mut second_host).await, (4011, "role busy, retry".into()));

    let mut guest = relay.connect(&id, "guest").await;
    // A pair is formed: crowded, for good.
    let mut second_guest = relay.connect(&id, "guest").await;
    assert_eq!(expect_close(&mut second_guest).await, (4001, "crowded".into()));
    let mut third_host = relay.connect(&id, "host").await;
    assert_eq!(expect_close(&mut third_host).await, (4001, "crowded".into()));

    // The pair is undisturbed.
    send(&mut guest, b"still here").await;
    assert_eq!(recv(&mut host).await, b"still here");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_guest_without_a_host_gets_no_such_session() {
    let relay = Relay::start(config()).await;
    let mut guest = relay.connect(&new_id(), "guest").await;
    let started = std::time::Instant::now();
    assert_eq!(expect_close(&mut guest).await, (4004, "no such session".into()));
    // The configured wait is 500 ms.
    assert!(started.elapsed() >= Duration::from_millis(400), "{:?}", started.elapsed());
    relay.shutdown().await;
}

#[tokio::test]
async fn a_guest_that_comes_first_waits_briefly_for_its_host() {
    let relay = Relay::start(config()).await;
    let id = new_id();
    let mut guest = relay.connect(&id, "guest").await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let mut host = relay.connect(&id, "host").await;
    send(&mut guest, b"hello").await;
    assert_eq!(recv(&mut host).await, b"hello");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_host_waits_only_so_long() {
    let mut c = config();
    c.limits.host_wait = Duration::from_millis(300);
    let relay = Relay::start(c).await;
    let mut host = relay.connect(&new_id(), "host").await;
    assert_eq!(expect_close(&mut host).await, (4005, "host wait expired".into()));
    relay.shutdown().await;
}

#[tokio::test]
async fn text_messages_are_a_protocol_error_and_the_peer_is_told() {
    let relay = Relay::start(config()).await;
    let id = new_id();
    let mut host = relay.connect(&id, "host").await;
    let mut guest = relay.connect(&id, "guest").await;
    send(&mut guest, b"pair first").await;
    assert_eq!(recv(&mut host).await, b"pair first");
    host.send(Message::Text("hello".into())).await.unwrap();
    assert_eq!(expect_close(&mut host).await, (4002, "binary messages only".into()));
    assert_eq!(expect_close(&mut guest).await, (4000, "peer closed".into()));
    relay.shutdown().await;
}

#[tokio::test]
async fn a_peer_that_vanishes_closes_the_other_side_with_peer_closed() {
    let relay = Relay::start(config()).await;
    let id = new_id();
    let host = relay.connect(&id, "host").await;
    let mut guest = relay.connect(&id, "guest").await;
    send(&mut guest, b"x").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(host); // TCP closed without a close frame
    assert_eq!(expect_close(&mut guest).await, (4000, "peer closed".into()));
    relay.shutdown().await;
}

#[tokio::test]
async fn after_a_session_the_id_can_be_used_again() {
    let relay = Relay::start(config()).await;
    let id = new_id();
    for round in 0..3u8 {
        let mut host = relay.connect(&id, "host").await;
        let mut guest = relay.connect(&id, "guest").await;
        send(&mut host, &[round]).await;
        assert_eq!(recv(&mut guest).await, [round]);
        close_normally(&mut guest).await;
        assert_eq!(expect_close(&mut host).await.0, 1000);
        // Let the relay release the roles.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    relay.shutdown().await;
}

#[tokio::test]
async fn malformed_requests_get_400() {
    let relay = Relay::start(config()).await;
    let base = format!("ws://{}", relay.addr);
    assert_eq!(refused_status(&format!("{base}/v1/rendezvous/abc?role=host")).await, 400);
    assert_eq!(refused_status(&format!("{base}/v1/rendezvous/{}?role=host", "g".repeat(32))).await, 400);
    assert_eq!(refused_status(&format!("{base}/v1/rendezvous/{}?role=both", new_id())).await, 400);
    assert_eq!(refused_status(&format!("{base}/v1/rendezvous/{}", new_id())).await, 400);
    assert_eq!(refused_status(&format!("{base}/v1/rendezvous/{}?role=host", "a".repeat(65))).await, 400);
    // A plain GET (no upgrade) on a valid path.
    let (status, body) = http_get(relay.addr, &format!("/v1/rendezvous/{}?role=host", new_id())).await;
    assert_eq!(status, 400);
    assert!(body.contains("WebSocket upgrade"), "{body}");
    let (status, _) = http_get(relay.addr, "/nothing-here").await;
    assert_eq!(status, 404);
    relay.shutdown().await;
}

/// Sends a raw request head; returns the status line and the headers.
async fn raw_request(relay: &Relay, head: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(PATIENCE, s.read(&mut buf)).await.unwrap().unwrap();
    String::from_utf8_lossy(&buf[..n]).to_string()
}

#[tokio::test]
async fn malformed_websocket_handshakes_are_refused() {
    let relay = Relay::start(config()).await;
    let path = format!("/v1/rendezvous/{}?role=host", new_id());
    let head = |version: &str, extra: &str| {
        format!("GET {path} {version}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n")
    };
    let key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    // The well-formed request is accepted, as a control.
    assert!(raw_request(&relay, &head("HTTP/1.1", &format!("Host: r\r\n{key}"))).await.starts_with("HTTP/1.1 101"));
    let path = format!("/v1/rendezvous/{}?role=host", new_id());
    let head = |version: &str, extra: &str| {
        format!("GET {path} {version}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n")
    };
    for (what, request) in [
        ("an empty key", head("HTTP/1.1", "Host: r\r\nSec-WebSocket-Key: \r\n")),
        ("a key that is not base64 of 16 bytes", head("HTTP/1.1", "Host: r\r\nSec-WebSocket-Key: hello\r\n")),
        ("no key", head("HTTP/1.1", "Host: r\r\n")),
        ("no Host", head("HTTP/1.1", key)),
        ("HTTP/1.0", head("HTTP/1.0", &format!("Host: r\r\n{key}"))),
        ("a body", head("HTTP/1.1", &format!("Host: r\r\n{key}Content-Length: 3\r\n"))),
    ] {
        let reply = raw_request(&relay, &request).await;
        assert!(reply.starts_with("HTTP/1.1 400") || reply.starts_with("HTTP/1.0 400"), "{what}: {reply}");
    }
    // A wrong version: 426 naming the one spoken.
    let reply = raw_request(
        &relay,
        &format!("GET {path} HTTP/1.1\r\nHost: r\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 8\r\n{key}\r\n"),
    )
    .await;
    assert!(reply.starts_with("HTTP/1.1 426"), "{reply}");
    assert!(reply.to_ascii_lowercase().contains("sec-websocket-version: 13"), "{reply}");
    assert_eq!(metric(relay.addr, "certbridge_upgrades_total").await, 1.0, "only the control was upgraded");
    relay.shutdown().await;
}
