//! Many nodes as one relay through a real `redis-server`: cross-node
//! pairing, claims, and what happens when Redis goes away.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use std::time::Duration;

use common::*;

async fn node(redis: &RedisServer, name: &str) -> Relay {
    node_at(&redis.url(), name).await
}

async fn node_at(url: &str, name: &str) -> Relay {
    let mut c = config();
    c.node_id = name.to_owned();
    c.redis_url = Some(url.to_owned());
    c.limits.guest_wait = Duration::from_secs(2);
    Relay::start(c).await
}

/// Two nodes sharing `redis`: A and B.
async fn nodes(redis: &RedisServer) -> (Relay, Relay) {
    (node(redis, "node-a").await, node(redis, "node-b").await)
}


#[tokio::test]
async fn host_on_one_node_and_guest_on_another_talk_both_ways() {
    let Some(redis) = RedisServer::start().await else { return };
    let (a, b) = nodes(&redis).await;
    let id = new_id();
    let mut host = a.connect(&id, "host").await;
    let mut guest = b.connect(&id, "guest").await;
    // The first message pairs them (more than one message's worth sent
    // before pairing would be refused with 4012).
    send(&mut guest, b"first").await;
    assert_eq!(recv(&mut host).await, b"first");
    // Messages of many sizes, each starting with its number.
    let message =
        |i: u32| -> Vec<u8> { i.to_be_bytes().iter().copied().chain((0..(i * 41 % 3000)).map(|j| j as u8)).collect() };
    for i in 0..100u32 {
        send(&mut guest, &message(i)).await;
        send(&mut host, &message(i)).await;
    }
    for i in 0..100u32 {
        let m = message(i);
        assert_eq!(recv(&mut host).await, m);
        assert_eq!(recv(&mut guest).await, m);
    }
    // Each node counts what it delivered; the host's node counts the pair.
    assert_eq!(metric(a.addr, "certbridge_sessions_paired").await, 1.0);
    assert_eq!(metric(b.addr, "certbridge_sessions_paired").await, 0.0);
    assert_eq!(metric(a.addr, "certbridge_forwarded_messages_total").await, 101.0);
    assert_eq!(metric(b.addr, "certbridge_forwarded_messages_total").await, 100.0);
    assert_eq!(metric(a.addr, "certbridge_backend_up").await, 1.0);

    // The claims live in Redis with a lifetime while the session lives...
    let ttl = redis.command(&format!("TTL certbridge:{id}:host")).await;
    let ttl: i64 = ttl.trim().trim_start_matches(':').parse().unwrap();
    assert!(ttl > 0 && ttl <= 30, "{ttl}");
    let holder = redis.command(&format!("GET certbridge:{id}:guest")).await;
    assert!(holder.contains("node-b/"), "{holder}");

    // ...a normal close crosses nodes...
    close_normally(&mut guest).await;
    assert_eq!(expect_close(&mut host).await, (1000, "session finished".into()));
    // ...and afterwards nothing is left in Redis but the nodes' alive keys.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let keys = redis.command("KEYS certbridge:*").await;
    assert!(!keys.contains(&id), "{keys}");
    a.shutdown().await;
    b.shutdown().await;
}


#[tokio::test]
async fn roles_are_claimed_once_across_nodes() {
    let Some(redis) = RedisServer::start().await else { return };
    let (a, b) = nodes(&redis).await;
    let id = new_id();
    let mut host = a.connect(&id, "host").await;
    // The upgrade is answered before the claim reaches Redis: wait for it.
    wait_until(|| async { metric(a.addr, "certbridge_sessions_waiting").await == 1.0 }).await;
    // Held by a host waiting alone (on another node): retry.
    let mut other_host = b.connect(&id, "host").await;
    assert_eq!(expect_close(&mut other_host).await, (4011, "role busy, retry".into()));
    let mut guest = a.connect(&id, "guest").await;
    wait_until(|| async { metric(a.addr, "certbridge_sessions_paired").await == 1.0 }).await;
    // A pair is formed: crowded.
    let mut other_guest = b.connect(&id, "guest").await;
    assert_eq!(expect_close(&mut other_guest).await, (4001, "crowded".into()));
    let mut third_host = b.connect(&id, "host").await;
    assert_eq!(expect_close(&mut third_host).await, (4001, "crowded".into()));
    // The same-node pair works, without Redis carrying frames.
    send(&mut host, b"local").await;
    assert_eq!(recv(&mut guest).await, b"local");
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn a_guest_whose_host_is_nowhere_gets_4004() {
    let Some(redis) = RedisServer::start().await else { return };
    let (_a, b) = nodes(&redis).await;
    let mut guest = b.connect(&new_id(), "guest").await;
    assert_eq!(expect_close(&mut guest).await, (4004, "no such session".into()));
}

#[tokio::test]
async fn a_guest_that_comes_first_finds_a_host_arriving_on_another_node() {
    let Some(redis) = RedisServer::start().await else { return };
    let (a, b) = nodes(&redis).await;
    let id = new_id();
    let mut guest = b.connect(&id, "guest").await;
    send(&mut guest, b"early").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut host = a.connect(&id, "host").await;
    assert_eq!(recv(&mut host).await, b"early");
    send(&mut host, b"welcome").await;
    assert_eq!(recv(&mut guest).await, b"welcome");
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn losing_redis_closes_cross_node_sessions_with_4010_but_local_pairs_still_form() {
    let Some(mut redis) = RedisServer::start().await else { return };
    let port = redis.port;
    let (a, b) = nodes(&redis).await;
    // Cross-node: host on A, guest on B.
    let (mut cross_host, mut cross_guest) = paired(&a, &b).await;
    // Same node: both on A.
    let (mut local_host, mut local_guest) = paired(&a, &a).await;

    redis.kill();

    assert_eq!(expect_close(&mut cross_host).await, (4010, "relay backend unavailable".into()));
    assert_eq!(expect_close(&mut cross_guest).await, (4010, "relay backend unavailable".into()));
    for i in 0..20u8 {
        send(&mut local_host, &[i]).await;
        assert_eq!(recv(&mut local_guest).await, [i]);
        send(&mut local_guest, &[i, i]).await;
        assert_eq!(recv(&mut local_host).await, [i, i]);
    }
    assert_eq!(metric(a.addr, "certbridge_backend_up").await, 0.0);
    assert_eq!(metric(a.addr, "certbridge_closes_total{reason=\"backend_unavailable\"}").await, 1.0);
    // While Redis is down a new pair on one node still forms (claimed on
    // the node only)...
    let (_h, _g) = paired(&a, &a).await;
    // ...and a guest whose host is not on its node learns that the relay,
    // not the host, is missing: 4010, a code to retry.
    let mut lost = b.connect(&new_id(), "guest").await;
    assert_eq!(expect_close(&mut lost).await.0, 4010);
    // /healthz still answers; /readyz says the node cannot serve as one of many.
    assert_eq!(http_get(a.addr, "/healthz").await.0, 200);
    assert_eq!(http_get(a.addr, "/readyz").await.0, 503);

    // Redis comes back: the nodes reconnect and pair across again.
    let _redis = RedisServer::start_on(port).await.unwrap();
    wait_until_backend_up(&[a.addr, b.addr], Duration::from_secs(10)).await;
    assert_eq!(http_get(a.addr, "/readyz").await, (200, "ready\n".into()));
    let _pair = paired(&a, &b).await;
    // The local session lived through it all.
    send(&mut local_host, b"still").await;
    assert_eq!(recv(&mut local_guest).await, b"still");
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn a_host_claimed_while_redis_was_away_is_found_from_another_node_once_it_is_back() {
    let Some(mut redis) = RedisServer::start().await else { return };
    let port = redis.port;
    let (a, b) = nodes(&redis).await;
    redis.kill();
    wait_until(|| async { metric(a.addr, "certbridge_backend_up").await == 0.0 }).await;
    let id = new_id();
    let mut host = a.connect(&id, "host").await;
    let _redis = RedisServer::start_on(port).await.unwrap();
    wait_until_backend_up(&[a.addr, b.addr], Duration::from_secs(10)).await;
    let mut guest = b.connect(&id, "guest").await;
    send(&mut guest, b"found you").await;
    assert_eq!(recv(&mut host).await, b"found you");
}

#[tokio::test]
async fn a_frozen_redis_is_noticed_by_its_silence() {
    let Some(redis) = RedisServer::start().await else { return };
    let (a, b) = nodes(&redis).await;
    let (mut host, mut guest) = paired(&a, &b).await;
    // The TCP connections stay open, but nothing answers: only the
    // missing heartbeats tell.
    redis.signal("STOP");
    let started = std::time::Instant::now();
    assert_eq!(expect_close_within(&mut host, Duration::from_secs(20)).await.0, 4010);
    assert_eq!(expect_close_within(&mut guest, Duration::from_secs(20)).await.0, 4010);
    // Not at once: only the silence told (heartbeats every second, lost
    // after four without one).
    assert!(started.elapsed() >= Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(metric(a.addr, "certbridge_backend_up").await, 0.0);
    redis.signal("CONT");
    // And the nodes come back.
    wait_until_backend_up(&[a.addr, b.addr], Duration::from_secs(10)).await;
}

/// Waits (up to 10 s) until `check` holds.
async fn wait_until<F, Fut>(check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the condition did not come true in time");
}

#[tokio::test]
async fn a_node_whose_redis_is_down_at_start_serves_and_reports_not_ready_until_it_comes() {
    let Some(bin) = redis_server_bin() else { return };
    let _ = bin;
    let port = free_port();
    let a = node_at(&format!("redis://127.0.0.1:{port}/"), "node-a").await;
    // It started, serves same-node pairs, and says it is not ready.
    assert_eq!(http_get(a.addr, "/healthz").await.0, 200);
    assert_eq!(http_get(a.addr, "/readyz").await, (503, "Redis unreachable\n".into()));
    assert_eq!(metric(a.addr, "certbridge_backend_up").await, 0.0);
    let (_h, _g) = paired(&a, &a).await;
    // Redis appears: the node connects on its own.
    let _redis = RedisServer::start_on(port).await.unwrap();
    wait_until_backend_up(&[a.addr], Duration::from_secs(10)).await;
    assert_eq!(http_get(a.addr, "/readyz").await.0, 200);
    assert!(metric(a.addr, "certbridge_redis_errors_total").await >= 1.0);
    a.shutdown().await;
}

/// Node A on `redis`, node B reaching it through a [`Proxy`], and a pair
/// with its host on A and its guest on B.
async fn pair_across_a_proxy(redis: &RedisServer) -> (Proxy, Relay, Relay, Client, Client) {
    let proxy = Proxy::start(redis.port).await;
    let a = node(redis, "node-a").await;
    let b = node_at(&proxy.url(), "node-b").await;
    let (host, guest) = paired(&a, &b).await;
    (proxy, a, b, host, guest)
}

#[tokio::test]
async fn a_partitioned_node_s_peers_are_told_within_seconds() {
    let Some(redis) = RedisServer::start().await else { return };
    // Node B reaches Redis through a proxy that will go silent: Redis
    // still sees B subscribed, so publishes to B "succeed" into nothing.
    let (proxy, a, b, mut host, mut guest) = pair_across_a_proxy(&redis).await;
    proxy.freeze();
    let started = std::time::Instant::now();
    // The host keeps talking; it must be told, not left to the idle limit.
    let (code, _) = loop {
        send(&mut host, b"anyone there?").await;
        match tokio::time::timeout(Duration::from_millis(250), futures_util::StreamExt::next(&mut host)).await {
            Ok(Some(Ok(tokio_tungstenite::tungstenite::Message::Close(Some(f))))) => {
                break (u16::from(f.code), f.reason.to_string());
            }
            Ok(other) => panic!("{other:?}"),
            Err(_) => assert!(started.elapsed() < Duration::from_secs(15), "the host was never told"),
        }
    };
    assert_eq!(code, 4010);
    // Within the alive key's lifetime and a check, not the 60 s idle limit.
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    // B noticed its own loss too, and closed its side.
    assert_eq!(expect_close_within(&mut guest, Duration::from_secs(15)).await.0, 4010);
    proxy.run();
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn a_peer_node_gone_from_redis_ends_the_sender_at_its_next_message() {
    let Some(redis) = RedisServer::start().await else { return };
    let (proxy, a, _b, mut host, _guest) = pair_across_a_proxy(&redis).await;
    // B's connections to Redis close and it cannot reconnect: nobody is
    // subscribed to its channel any more (its alive key still lives).
    proxy.cut();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = std::time::Instant::now();
    send(&mut host, b"hello?").await;
    assert_eq!(expect_close(&mut host).await.0, 4010);
    // The publish reached no one: told at once, not when the alive key lapses.
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    a.shutdown().await;
}

#[tokio::test]
async fn a_message_for_a_connection_that_is_gone_is_answered_with_a_close() {
    let Some(redis) = RedisServer::start().await else { return };
    let a = node(&redis, "node-a").await;
    let client = redis::Client::open(redis.url()).unwrap();
    let mut sub = client.get_async_pubsub().await.unwrap();
    sub.subscribe("certbridge:node:ghost").await.unwrap();
    let mut incoming = sub.into_on_message();
    // A `Data` (wire version 2, kind 3) from "ghost"/token 7 to a guest of
    // node A that does not exist.
    let id = b"00112233445566778899aabbccddeeff";
    let mut msg = vec![2u8, 3, 1];
    msg.extend_from_slice(&42u64.to_be_bytes());
    msg.push(id.len() as u8);
    msg.extend_from_slice(id);
    msg.push(5);
    msg.extend_from_slice(b"ghost");
    msg.extend_from_slice(&7u64.to_be_bytes());
    msg.extend_from_slice(b"payload");
    let mut conn = redis.client().await;
    let receivers: i64 = redis::cmd("PUBLISH").arg("certbridge:node:node-a").arg(&msg).query_async(&mut conn).await.unwrap();
    assert_eq!(receivers, 1);
    let reply = tokio::time::timeout(PATIENCE, futures_util::StreamExt::next(&mut incoming)).await.unwrap().unwrap();
    let reply: Vec<u8> = reply.get_payload_bytes().to_vec();
    // A `Close` (kind 4) to the ghost's host connection, token 7, code 4010.
    assert_eq!(&reply[..3], &[2, 4, 0]);
    assert_eq!(&reply[3..11], &7u64.to_be_bytes());
    assert_eq!(&reply[reply.len() - 2..], &4010u16.to_be_bytes());
    a.shutdown().await;
}

/// Calls of one Redis command so far (`INFO commandstats`).
async fn calls(redis: &RedisServer, command: &str) -> u64 {
    let mut conn = redis.client().await;
    let info: String = redis::cmd("INFO").arg("commandstats").query_async(&mut conn).await.unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("cmdstat_{command}:calls=")))
        .and_then(|rest| rest.split(',').next())
        .map_or(0, |n| n.parse().unwrap())
}

#[tokio::test]
async fn a_waiting_guest_costs_redis_nothing_while_it_waits() {
    let Some(redis) = RedisServer::start().await else { return };
    let (a, b) = nodes(&redis).await;
    let id = new_id();
    let mut guest = b.connect(&id, "guest").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = calls(&redis, "get").await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    // It waited 1.2 s without a single look-up (it used to poll every 20 ms).
    assert_eq!(calls(&redis, "get").await, before);
    // And the host arriving on the other node still finds it at once.
    let mut host = a.connect(&id, "host").await;
    send(&mut guest, b"waited").await;
    assert_eq!(recv(&mut host).await, b"waited");
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn per_address_limits_hold_across_nodes() {
    let Some(redis) = RedisServer::start().await else { return };
    let start = |name: &'static str| {
        let url = redis.url();
        async move {
            let mut c = config();
            c.node_id = name.to_owned();
            c.redis_url = Some(url);
            c.limits.sessions_per_ip_per_minute = 10;
            Relay::start(c).await
        }
    };
    let (a, b) = (start("node-a").await, start("node-b").await);
    let mut accepted = Vec::new();
    let mut refused = 0;
    for i in 0..24 {
        let relay = if i % 2 == 0 { &a } else { &b };
        match tokio_tungstenite::connect_async(relay.url(&new_id(), "host")).await {
            Ok((ws, _)) => accepted.push(ws),
            Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
                assert_eq!(resp.status(), 429);
                refused += 1;
            }
            Err(e) => panic!("{e}"),
        }
    }
    // Ten in all from this address, not ten per node.
    assert_eq!((accepted.len(), refused), (10, 14));
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn a_host_replacing_one_on_a_vanished_node_is_told_to_retry_and_then_gets_its_id() {
    let Some(redis) = RedisServer::start().await else { return };
    let proxy = Proxy::start(redis.port).await;
    let a = node_at(&proxy.url(), "node-a").await;
    let b = node(&redis, "node-b").await;
    let id = new_id();
    let _old = a.connect(&id, "host").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Node A disappears from Redis; its claim on the id stays for now.
    proxy.cut();
    let mut retry = b.connect(&id, "host").await;
    assert_eq!(expect_close(&mut retry).await, (4011, "role busy, retry".into()));
    // Once A's alive key has lapsed the claim is taken over at once.
    let started = std::time::Instant::now();
    let host = loop {
        let mut h = b.connect(&id, "host").await;
        match tokio::time::timeout(Duration::from_millis(300), futures_util::StreamExt::next(&mut h)).await {
            Err(_) => break h,
            Ok(Some(Ok(tokio_tungstenite::tungstenite::Message::Close(Some(f))))) => {
                assert_eq!(u16::from(f.code), 4011);
                assert!(started.elapsed() < Duration::from_secs(10), "never got the id back");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Ok(other) => panic!("{other:?}"),
        }
    };
    let mut host = host;
    let mut guest = b.connect(&id, "guest").await;
    send(&mut guest, b"new host").await;
    assert_eq!(recv(&mut host).await, b"new host");
    b.shutdown().await;
}

#[tokio::test]
async fn a_desktop_reconnecting_through_another_node_gets_its_half_open_hosts_id_in_seconds() {
    let Some(redis) = RedisServer::start().await else { return };
    let (a, b) = nodes(&redis).await;
    let id = new_id();
    // The old connection, on A, went half-open: it never answers again.
    let _frozen = raw_upgrade(a.addr, &id, "host").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The desktop comes back through the balancer, to B: told to retry,
    // while B asks A to check its holder.
    let started = std::time::Instant::now();
    let mut retry = b.connect(&id, "host").await;
    assert_eq!(expect_close(&mut retry).await, (4011, "role busy, retry".into()));
    let mut host = loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut h = b.connect(&id, "host").await;
        match tokio::time::timeout(Duration::from_millis(300), futures_util::StreamExt::next(&mut h)).await {
            Err(_) => break h,
            Ok(Some(Ok(tokio_tungstenite::tungstenite::Message::Close(Some(f))))) => assert_eq!(u16::from(f.code), 4011),
            Ok(other) => panic!("{other:?}"),
        }
        // Probed with 2 s to answer, not left to the 15 s ping or the claim's 30 s.
        assert!(started.elapsed() < Duration::from_secs(6), "the half-open host was not reaped");
    };
    let mut guest = a.connect(&id, "guest").await;
    send(&mut guest, b"welcome back").await;
    assert_eq!(recv(&mut host).await, b"welcome back");
    a.shutdown().await;
    b.shutdown().await;
}
