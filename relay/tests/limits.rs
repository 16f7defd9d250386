//! Limits and hostile clients: oversized messages, byte limits, idle
//! sessions, slowloris, garbage on the port, many idle connections, rates
//! and the connection cap.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use std::time::{Duration, Instant};

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;


#[tokio::test]
async fn an_oversized_message_closes_with_4009_and_the_relay_stays_up() {
    let relay = Relay::start(config()).await;
    let (mut host, mut guest) = paired(&relay, &relay).await;
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
    paired(&relay, &relay).await;
    relay.shutdown().await;
}

#[tokio::test]
async fn the_session_byte_limit_closes_both_sides_with_4008() {
    let mut c = config();
    c.limits.max_session_bytes = 100_000;
    let relay = Relay::start(c).await;
    let (mut host, mut guest) = paired(&relay, &relay).await; // 8 bytes so far
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
    let (mut host, mut guest) = paired(&relay, &relay).await;
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
    let (mut host, mut guest) = paired(&relay, &relay).await;
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
    paired(&relay, &relay).await;
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
    paired(&relay, &relay).await;
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
    let mut raw = raw_upgrade(relay.addr, &id, "guest").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    raw.write_all(&[0xff; 64]).await.unwrap(); // reserved opcode, unmasked
    assert_eq!(expect_close(&mut host).await, (4000, "peer closed".into()));
    paired(&relay, &relay).await;
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
    paired(&relay, &relay).await;
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    drop(idle);
    relay.shutdown().await;
}

#[tokio::test]
async fn per_address_rates_answer_429_and_count_guests_as_sessions() {
    let mut c = config();
    c.limits.connections_per_ip_per_minute = 5;
    c.limits.sessions_per_ip_per_minute = 3;
    let relay = Relay::start(c).await;
    let _a = relay.connect(&new_id(), "host").await;
    let _b = relay.connect(&new_id(), "host").await;
    let _g = relay.connect(&new_id(), "guest").await;
    // A fourth new session from this address is refused, host or guest.
    assert_eq!(refused_status(&relay.url(&new_id(), "guest")).await, 429);
    assert_eq!(refused_status(&relay.url(&new_id(), "host")).await, 429);
    // Five requests in all: the sixth is refused as a request.
    assert_eq!(refused_status(&relay.url(&new_id(), "host")).await, 429);
    assert_eq!(metric(relay.addr, "certbridge_refusals_total{reason=\"session_rate\"}").await, 2.0);
    assert_eq!(metric(relay.addr, "certbridge_refusals_total{reason=\"connection_rate\"}").await, 1.0);
    // Health checks are not rate-limited.
    assert_eq!(http_get(relay.addr, "/healthz").await.0, 200);
    relay.shutdown().await;
}

/// Opens a host session claiming to come from `xff`; true if accepted.
async fn host_from(relay: &Relay, xff: &str) -> Option<Client> {
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(relay.url(&new_id(), "host")).unwrap();
    req.headers_mut().insert("x-forwarded-for", xff.parse().unwrap());
    match tokio_tungstenite::connect_async(req).await {
        Ok((ws, _)) => Some(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status(), 429);
            None
        }
        Err(e) => panic!("{e}"),
    }
}

#[tokio::test]
async fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    let mut c = config();
    c.limits.sessions_per_ip_per_minute = 3;
    let relay = Relay::start(c).await;
    // Not a trusted proxy: a client cannot pick a bucket per request.
    let mut held = Vec::new();
    for i in 0..6 {
        held.extend(host_from(&relay, &format!("203.0.113.{i}")).await);
    }
    assert_eq!(held.len(), 3, "spoofed X-Forwarded-For must not pass the limit");
    relay.shutdown().await;

    // Behind a trusted proxy (127.0.0.1 here), the right-most untrusted
    // hop is the client; what the client put on the left is not.
    let mut c = config();
    c.limits.sessions_per_ip_per_minute = 2;
    c.trusted_proxies = vec![certbridge_relay::parse_net("127.0.0.0/8").unwrap(), certbridge_relay::parse_net("10.0.0.0/8").unwrap()];
    let relay = Relay::start(c).await;
    let mut held = Vec::new();
    for i in 0..4 {
        // The client varies its own entry; the proxies' entries name it.
        held.extend(host_from(&relay, &format!("198.51.100.{i}, 203.0.113.9, 10.1.1.1")).await);
    }
    assert_eq!(held.len(), 2);
    // Another client behind the same proxy has its own bucket.
    assert!(host_from(&relay, "203.0.113.10").await.is_some());
    relay.shutdown().await;
}

#[tokio::test]
async fn an_ipv6_client_is_counted_by_its_64() {
    let mut c = config();
    c.limits.sessions_per_ip_per_minute = 3;
    c.trusted_proxies = vec![certbridge_relay::parse_net("127.0.0.1").unwrap()];
    let relay = Relay::start(c).await;
    let mut held = Vec::new();
    for i in 1..=6 {
        held.extend(host_from(&relay, &format!("2001:db8:1:2::{i:x}")).await);
    }
    assert_eq!(held.len(), 3, "walking through one /64 must not pass the limit");
    assert!(host_from(&relay, "2001:db8:1:3::1").await.is_some(), "the next /64 is another client");
    relay.shutdown().await;
}

#[tokio::test]
async fn connections_before_the_upgrade_are_capped_per_address() {
    let mut c = config();
    c.limits.pending_per_ip = 4;
    c.limits.header_timeout = std::time::Duration::from_secs(5);
    let relay = Relay::start(c).await;
    let mut silent = Vec::new();
    for _ in 0..4 {
        silent.push(TcpStream::connect(relay.addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The fifth is dropped at once, long before the header timeout.
    let mut fifth = TcpStream::connect(relay.addr).await.unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(Duration::from_secs(2), fifth.read(&mut buf)).await.expect("not dropped").unwrap_or(0);
    assert_eq!(n, 0);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(metric_after_freeing(&relay, silent).await, 1.0);
    relay.shutdown().await;
}

/// Frees the held connections, then reads the pending-refusal counter
/// (the metrics request itself needs a place).
async fn metric_after_freeing(relay: &Relay, held: Vec<TcpStream>) -> f64 {
    drop(held);
    tokio::time::sleep(Duration::from_millis(100)).await;
    metric(relay.addr, "certbridge_refusals_total{reason=\"pending_per_ip\"}").await
}

#[tokio::test]
async fn oversized_request_heads_are_refused() {
    let relay = Relay::start(config()).await;
    let mut s = TcpStream::connect(relay.addr).await.unwrap();
    let big = "a".repeat(20_000);
    let _ = s.write_all(format!("GET /healthz HTTP/1.1\r\nHost: r\r\nX-Big: {big}\r\n\r\n").as_bytes()).await;
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await.expect("the relay kept reading");
    let text = String::from_utf8_lossy(&buf);
    assert!(text.is_empty() || text.starts_with("HTTP/1.1 431"), "{text}");
    paired(&relay, &relay).await;
    relay.shutdown().await;
}

#[tokio::test]
async fn a_waiting_host_is_read_all_along_and_sending_too_much_early_ends_it() {
    let relay = Relay::start(config()).await;
    // Fills its allowance (one message size) before any guest...
    let mut host = relay.connect(&new_id(), "host").await;
    send(&mut host, &vec![1u8; 64 * 1024]).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    // ...then leaves: the relay sees it go.
    drop(host);
    let mut gone = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if metric(relay.addr, "certbridge_sessions_waiting").await == 0.0 {
            gone = true;
            break;
        }
    }
    assert!(gone, "the relay did not notice the waiting host leave");
    // One more byte than the allowance before pairing: 4012.
    let mut host = relay.connect(&new_id(), "host").await;
    send(&mut host, &vec![1u8; 64 * 1024]).await;
    send(&mut host, b"x").await;
    assert_eq!(expect_close(&mut host).await, (4012, "too much before pairing".into()));
    relay.shutdown().await;
}

/// A host that completes the upgrade and then never reads or answers
/// again (a frozen or half-open device).
async fn frozen_host(relay: &Relay, id: &str) -> TcpStream {
    raw_upgrade(relay.addr, id, "host").await
}

/// Test limits with a ping after 300 ms of silence and 300 ms to answer.
fn quick_pings() -> certbridge_relay::Config {
    let mut c = config();
    c.limits.ping_interval = Duration::from_millis(300);
    c.limits.ping_timeout = Duration::from_millis(300);
    c
}

#[tokio::test]
async fn a_frozen_waiting_host_is_pinged_out_and_its_id_freed() {
    let relay = Relay::start(quick_pings()).await;
    let id = new_id();
    let _frozen = frozen_host(&relay, &id).await;
    // A live client, reading, answers the pings (tungstenite does) and stays.
    let live_id = new_id();
    let mut live = relay.connect(&live_id, "host").await;
    let reader = tokio::spawn(async move { recv(&mut live).await });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // The frozen one is gone, its id free again.
    assert_eq!(metric(relay.addr, "certbridge_closes_total{reason=\"unresponsive\"}").await, 1.0);
    let mut host = relay.connect(&id, "host").await;
    let mut guest = relay.connect(&id, "guest").await;
    send(&mut guest, b"mine now").await;
    assert_eq!(recv(&mut host).await, b"mine now");
    // The live one is still there.
    let mut guest = relay.connect(&live_id, "guest").await;
    send(&mut guest, b"still").await;
    assert_eq!(reader.await.unwrap(), b"still");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_desktop_replacing_its_half_open_connection_is_told_to_retry_and_gets_its_id_in_seconds() {
    // Long ping interval: only the probe can free the id quickly.
    let relay = Relay::start(config()).await;
    let id = new_id();
    let _frozen = frozen_host(&relay, &id).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let mut second = relay.connect(&id, "host").await;
    assert_eq!(expect_close(&mut second).await, (4011, "role busy, retry".into()));
    // Retrying (as the client spec says) soon succeeds.
    let mut host = loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut h = relay.connect(&id, "host").await;
        match tokio::time::timeout(Duration::from_millis(200), futures_util::StreamExt::next(&mut h)).await {
            Err(_) => break h,
            Ok(Some(Ok(tokio_tungstenite::tungstenite::Message::Close(Some(f))))) => assert_eq!(u16::from(f.code), 4011),
            Ok(other) => panic!("{other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(8), "the stale host was not reaped");
    };
    let mut guest = relay.connect(&id, "guest").await;
    send(&mut guest, b"back").await;
    assert_eq!(recv(&mut host).await, b"back");
    // A role held by a pair is crowded for good: 4001.
    let mut third = relay.connect(&id, "host").await;
    assert_eq!(expect_close(&mut third).await, (4001, "crowded".into()));
    relay.shutdown().await;
}

#[tokio::test]
async fn a_paired_peer_that_stops_answering_is_closed() {
    let relay = Relay::start(quick_pings()).await;
    let id = new_id();
    let mut guest = relay.connect(&id, "guest").await;
    let _frozen = frozen_host(&relay, &id).await;
    send(&mut guest, b"hello").await;
    // The host never reads: after a ping unanswered, the guest is told.
    assert_eq!(expect_close_within(&mut guest, Duration::from_secs(5)).await, (4000, "peer closed".into()));
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
