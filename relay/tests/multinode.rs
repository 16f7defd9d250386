//! Many nodes as one relay through a real `redis-server`: cross-node
//! pairing, claims, and what happens when Redis goes away.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use std::time::Duration;

use common::*;

async fn node(redis: &RedisServer, name: &str) -> Relay {
    let mut c = config();
    c.node_id = name.to_owned();
    c.redis_url = Some(redis.url());
    c.limits.guest_wait = Duration::from_secs(2);
    Relay::start(c).await
}

/// Two nodes sharing `redis`: A and B.
async fn nodes(redis: &RedisServer) -> (Relay, Relay) {
    (node(redis, "node-a").await, node(redis, "node-b").await)
}

/// A host on `host_node` and a guest on `guest_node` for a fresh id, with
/// one message checked each way.
async fn paired(host_node: &Relay, guest_node: &Relay) -> (Client, Client) {
    let id = new_id();
    let mut host = host_node.connect(&id, "host").await;
    let mut guest = guest_node.connect(&id, "guest").await;
    send(&mut guest, b"hi").await;
    assert_eq!(recv(&mut host).await, b"hi");
    send(&mut host, b"hello").await;
    assert_eq!(recv(&mut guest).await, b"hello");
    (host, guest)
}

#[tokio::test]
async fn host_on_one_node_and_guest_on_another_talk_both_ways() {
    let Some(redis) = RedisServer::start().await else { return };
    let (a, b) = nodes(&redis).await;
    let id = new_id();
    let mut host = a.connect(&id, "host").await;
    let mut guest = b.connect(&id, "guest").await;
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
    assert_eq!(metric(a.addr, "certbridge_messages_forwarded_total").await, 100.0);
    assert_eq!(metric(b.addr, "certbridge_messages_forwarded_total").await, 100.0);
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
    // ...and afterwards nothing is left in Redis.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(redis.command("DBSIZE").await.trim(), ":0");
    a.shutdown().await;
    b.shutdown().await;
}

/// Waits (up to 10 s) until every node at `addrs` reports Redis up again.
async fn wait_until_backend_up(addrs: &[std::net::SocketAddr]) {
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut all = true;
        for addr in addrs {
            all &= metric(*addr, "certbridge_backend_up").await == 1.0;
        }
        if all {
            return;
        }
    }
    panic!("the nodes did not reconnect to Redis");
}

#[tokio::test]
async fn roles_are_claimed_once_across_nodes() {
    let Some(redis) = RedisServer::start().await else { return };
    let (a, b) = nodes(&redis).await;
    let id = new_id();
    let mut host = a.connect(&id, "host").await;
    let mut other_host = b.connect(&id, "host").await;
    assert_eq!(expect_close(&mut other_host).await, (4001, "crowded".into()));
    let mut guest = a.connect(&id, "guest").await;
    let mut other_guest = b.connect(&id, "guest").await;
    assert_eq!(expect_close(&mut other_guest).await, (4001, "crowded".into()));
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
async fn losing_redis_closes_cross_node_sessions_with_4010_but_not_local_ones() {
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
    // While Redis is down a new session cannot be claimed: 4010, cleanly.
    let mut refused = a.connect(&new_id(), "host").await;
    assert_eq!(expect_close(&mut refused).await.0, 4010);
    // /healthz still answers.
    assert_eq!(http_get(a.addr, "/healthz").await.0, 200);

    // Redis comes back: the nodes reconnect and pair across again.
    let _redis = RedisServer::start_on(port).await.unwrap();
    wait_until_backend_up(&[a.addr, b.addr]).await;
    let _pair = paired(&a, &b).await;
    // The local session lived through it all.
    send(&mut local_host, b"still").await;
    assert_eq!(recv(&mut local_guest).await, b"still");
    a.shutdown().await;
    b.shutdown().await;
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
    assert!(started.elapsed() >= Duration::from_secs(4), "{:?}", started.elapsed());
    assert_eq!(metric(a.addr, "certbridge_backend_up").await, 0.0);
    redis.signal("CONT");
    // And the nodes come back.
    wait_until_backend_up(&[a.addr, b.addr]).await;
}

#[tokio::test]
async fn a_node_needs_redis_at_startup_when_configured() {
    let mut c = config();
    c.redis_url = Some(format!("redis://127.0.0.1:{}/", free_port()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let err = certbridge_relay::run(listener, c, std::future::pending()).await.unwrap_err();
    assert!(err.to_string().contains("Redis"), "{err}");
}
