//! Channels across nodes sharing a real `redis-server`: numbers unique on
//! every node (claimed with `SET NX`), pairing by channel across nodes,
//! release on every node, the key's lifetime, a full space, shared
//! per-address limits, and a node without Redis.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;

async fn node_at(url: &str, name: &str, tweak: impl FnOnce(&mut certbridge_relay::Limits)) -> Relay {
    let mut c = config();
    c.node_id = name.to_owned();
    c.redis_url = Some(url.to_owned());
    c.trusted_proxies = vec![certbridge_relay::parse_net("127.0.0.1").unwrap()];
    tweak(&mut c.limits);
    Relay::start(c).await
}

async fn nodes(redis: &RedisServer, tweak: impl Fn(&mut certbridge_relay::Limits)) -> (Relay, Relay) {
    (node_at(&redis.url(), "node-a", &tweak).await, node_at(&redis.url(), "node-b", &tweak).await)
}

async fn redis_get(redis: &RedisServer, key: &str) -> Option<String> {
    redis::cmd("GET").arg(key).query_async(&mut redis.client().await).await.unwrap()
}

async fn redis_int(redis: &RedisServer, args: &[&str]) -> i64 {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query_async(&mut redis.client().await).await.unwrap()
}

/// Waits until `key` is gone from Redis.
async fn wait_until_gone(redis: &RedisServer, key: &str) {
    for _ in 0..100 {
        if redis_int(redis, &["EXISTS", key]).await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{key} is still in Redis");
}

#[tokio::test]
async fn channels_are_unique_across_two_nodes_and_get_a_fourth_digit_past_a_tenth() {
    let Some(redis) = RedisServer::start().await else { return };
    let (a, b) = nodes(&redis, |_| {}).await;
    // 150 hosts at once, alternating between the nodes.
    let mut tasks = Vec::new();
    for i in 0..150 {
        let addr = if i % 2 == 0 { a.addr } else { b.addr };
        tasks.push(tokio::spawn(async move { channel_host(addr).await }));
    }
    let mut hosts = Vec::new();
    for t in tasks {
        hosts.push(t.await.unwrap());
    }
    let channels: HashSet<&str> = hosts.iter().map(|h| h.channel.as_str()).collect();
    assert_eq!(channels.len(), 150, "a channel was given twice");
    let three = hosts.iter().filter(|h| h.channel.len() == 3).count();
    let four = hosts.iter().filter(|h| h.channel.len() == 4).count();
    assert_eq!((three, four), (100, 50), "exactly a tenth of the three-digit numbers, then four digits");
    assert_eq!(redis_int(&redis, &["ZCARD", "certbridge:channels:3"]).await, 100);
    assert_eq!(redis_int(&redis, &["ZCARD", "certbridge:channels:4"]).await, 50);
    // Each channel's key names its host's node.
    let on_a = redis_get(&redis, &format!("certbridge:channel:{}", hosts[0].channel)).await.unwrap();
    let on_b = redis_get(&redis, &format!("certbridge:channel:{}", hosts[1].channel)).await.unwrap();
    assert!(on_a.starts_with("node-a/ch:") && on_b.starts_with("node-b/ch:"), "{on_a} {on_b}");
    assert_eq!(metric(a.addr, "certbridge_channels_waiting").await, 75.0);
    assert_eq!(metric(b.addr, "certbridge_channels_waiting").await, 75.0);
    // Every host leaves: every channel is released in Redis.
    drop(hosts);
    wait_until_gone(&redis, "certbridge:channels:3").await;
    wait_until_gone(&redis, "certbridge:channels:4").await;
    let keys: Vec<String> = redis::cmd("KEYS").arg("certbridge:channel*").query_async(&mut redis.client().await).await.unwrap();
    assert!(keys.is_empty(), "{keys:?}");
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn a_guest_pairs_by_channel_across_nodes_and_on_one_and_the_channel_is_single_use() {
    let Some(redis) = RedisServer::start().await else { return };
    // A guest wait far longer than the test: a 4004 must come at once.
    let (a, b) = nodes(&redis, |l| l.guest_wait = Duration::from_secs(120)).await;
    for guest_node in [&b, &a] {
        let mut host = channel_host(a.addr).await;
        let key = format!("certbridge:channel:{}", host.channel);
        assert!(redis_get(&redis, &key).await.is_some());
        let mut guest = channel_guest(guest_node.addr, &host.channel).await;
        send(&mut guest, b"hello").await;
        assert_eq!(recv(&mut host.ws).await, b"hello");
        for i in 0..20u8 {
            send(&mut host.ws, &[i; 300]).await;
            assert_eq!(recv(&mut guest).await, [i; 300]);
            send(&mut guest, &[i; 7]).await;
            assert_eq!(recv(&mut host.ws).await, [i; 7]);
        }
        // Taken at once, on every node.
        assert_eq!(redis_get(&redis, &key).await, None);
        for late in [&a, &b] {
            let mut second = channel_guest(late.addr, &host.channel).await;
            assert_eq!(expect_close_within(&mut second, Duration::from_secs(10)).await, (4004, "no such session".into()));
        }
        close_normally(&mut guest).await;
        assert_eq!(expect_close(&mut host.ws).await.0, 1000);
    }
    let mut unknown = channel_guest(b.addr, "000000").await;
    assert_eq!(expect_close_within(&mut unknown, Duration::from_secs(10)).await.0, 4004);
    assert_eq!(metric(b.addr, "certbridge_channel_lookups_total{result=\"paired\"}").await, 1.0);
    assert_eq!(metric(a.addr, "certbridge_channel_lookups_total{result=\"paired\"}").await, 1.0);
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn a_host_that_leaves_frees_its_channel_on_every_node() {
    let Some(redis) = RedisServer::start().await else { return };
    let (a, b) = nodes(&redis, |l| l.host_wait = Duration::from_secs(2)).await;
    let host = channel_host(a.addr).await;
    let key = format!("certbridge:channel:{}", host.channel);
    let channel = host.channel.clone();
    drop(host);
    wait_until_gone(&redis, &key).await;
    let mut guest = channel_guest(b.addr, &channel).await;
    assert_eq!(expect_close(&mut guest).await.0, 4004);
    // A host whose wait ends, likewise.
    let mut host = channel_host(b.addr).await;
    assert_eq!(expect_close(&mut host.ws).await.0, 4005);
    let mut guest = channel_guest(a.addr, &host.channel).await;
    assert_eq!(expect_close(&mut guest).await.0, 4004);
    assert_eq!(redis_int(&redis, &["ZCARD", &format!("certbridge:channels:{}", host.channel.len())]).await, 0);
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn a_channel_key_expires_with_the_host_wait_even_when_its_node_cannot_release_it() {
    let Some(redis) = RedisServer::start().await else { return };
    let proxy = Proxy::start(redis.port).await;
    let node = node_at(&proxy.url(), "node-a", |l| l.host_wait = Duration::from_secs(2)).await;
    wait_until_backend_up(&[node.addr], Duration::from_secs(10)).await;
    let mut host = channel_host(node.addr).await;
    let key = format!("certbridge:channel:{}", host.channel);
    let pttl = redis_int(&redis, &["PTTL", &key]).await;
    assert!((1000..=2000).contains(&pttl), "the key lives as long as the host wait: {pttl} ms");
    // The node loses Redis: it cannot release the channel, and its host
    // is told to retry (its channel may not outlive the outage).
    proxy.cut();
    assert_eq!(expect_close(&mut host.ws).await, (4010, "relay backend unavailable".into()));
    assert_eq!(redis_int(&redis, &["EXISTS", &key]).await, 1, "nobody could release it");
    // Redis forgets it when the host wait is over.
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(redis_int(&redis, &["EXISTS", &key]).await, 0);
    // Claim refreshes never extend a channel: only claims are refreshed.
    node.shutdown().await;
}

/// Fills the set of waiting `digits`-digit channels with the numbers
/// `0..n`, expiring in an hour, as if that many hosts waited on other
/// nodes (in chunks: one script call per 10,000).
async fn pre_claim(redis: &RedisServer, digits: usize, n: u32) {
    let script = "local t = redis.call('TIME'); local exp = t[1] * 1000 + 3600000; \
                  for i = tonumber(ARGV[1]), tonumber(ARGV[2]) - 1 do \
                  redis.call('ZADD', KEYS[1], exp, string.format('%0' .. ARGV[3] .. 'd', i)) end; return 1";
    let mut conn = redis.client().await;
    for from in (0..n).step_by(10_000) {
        let _: i64 = redis::cmd("EVAL")
            .arg(script)
            .arg(1)
            .arg(format!("certbridge:channels:{digits}"))
            .arg(from)
            .arg((from + 10_000).min(n))
            .arg(digits)
            .query_async(&mut conn)
            .await
            .unwrap();
    }
    assert!(redis_int(redis, &["ZCARD", &format!("certbridge:channels:{digits}")]).await >= i64::from(n));
}

#[tokio::test]
async fn a_full_length_is_skipped_and_a_full_space_is_refused_with_503() {
    let Some(redis) = RedisServer::start().await else { return };
    let (a, b) = nodes(&redis, |_| {}).await;
    pre_claim(&redis, 3, 100).await;
    let four = channel_host(a.addr).await;
    assert_eq!(four.channel.len(), 4);
    // Gone before the four-digit set is filled, so that it holds exactly
    // the numbers filled in.
    let key = format!("certbridge:channel:{}", four.channel);
    drop(four);
    wait_until_gone(&redis, &key).await;
    pre_claim(&redis, 4, 1000).await;
    pre_claim(&redis, 5, 10_000).await;
    let six = channel_host(b.addr).await;
    assert_eq!(six.channel.len(), 6);
    pre_claim(&redis, 6, 100_000).await;
    for node in [&a, &b] {
        assert_eq!(refusal(&channel_host_url(node.addr), &[]).await, (503, Some("5".into())));
    }
    assert_eq!(metric(a.addr, "certbridge_channel_allocations_total{result=\"full\"}").await, 1.0);
    assert_eq!(metric(a.addr, "certbridge_refusals_total{reason=\"channels_full\"}").await, 1.0);
    // Rendezvous are not affected.
    let _pair = paired(&a, &b).await;
    // One four-digit place frees: four digits again.
    let _: i64 = redis::cmd("ZREM").arg("certbridge:channels:4").arg("0000").query_async(&mut redis.client().await).await.unwrap();
    assert_eq!(channel_host(a.addr).await.channel.len(), 4);
    drop(six);
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn channel_limits_are_counted_by_all_nodes_together_per_64() {
    let Some(redis) = RedisServer::start().await else { return };
    let (a, b) = nodes(&redis, |l| {
        l.channel_lookups_per_ip_per_minute = 10;
        l.channels_per_ip_per_minute = 10;
    })
    .await;
    // Lookups: five on each node, from addresses of one /64.
    for i in 1..=10 {
        let node = if i % 2 == 0 { &a } else { &b };
        let (status, ws) = connect_as(&channel_guest_url(node.addr, "424242"), &format!("2001:db8:7:7::{i:x}")).await;
        assert_eq!(status, 101);
        assert_eq!(expect_close(&mut ws.unwrap()).await.0, 4004);
    }
    assert_eq!(connect_as(&channel_guest_url(a.addr, "424242"), "2001:db8:7:7::ff").await.0, 429);
    assert_eq!(connect_as(&channel_guest_url(b.addr, "424242"), "2001:db8:7:7:1::1").await.0, 429);
    let key = redis.command("KEYS certbridge:rate:lookups:*").await;
    assert!(key.contains("certbridge:rate:lookups:2001:db8:7:7::/64:"), "{key}");
    // Allocations: likewise, counted apart from lookups.
    let mut held = Vec::new();
    for i in 1..=10 {
        let node = if i % 2 == 0 { &a } else { &b };
        let (status, ws) = connect_as(&channel_host_url(node.addr), &format!("2001:db8:7:7::{i:x}")).await;
        assert_eq!(status, 101, "allocation {i}");
        held.push(ws.unwrap());
    }
    assert_eq!(connect_as(&channel_host_url(b.addr), "2001:db8:7:7::ff").await.0, 429);
    assert_eq!(metric(a.addr, "certbridge_channel_lookups_total{result=\"limited\"}").await, 1.0);
    assert_eq!(metric(b.addr, "certbridge_channel_allocations_total{result=\"limited\"}").await, 1.0);
    // Another client is not limited.
    assert_eq!(connect_as(&channel_guest_url(a.addr, "424242"), "198.51.100.4").await.0, 101);
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn a_channel_whose_host_s_node_is_gone_is_unknown_at_once() {
    let Some(redis) = RedisServer::start().await else { return };
    let (a, _b) = nodes(&redis, |l| l.guest_wait = Duration::from_secs(120)).await;
    // Left by a node that died: its alive key is gone.
    let value = format!("node-gone/ch:{}", "0f".repeat(16));
    let _: () = redis::cmd("SET").arg("certbridge:channel:4242").arg(&value).query_async(&mut redis.client().await).await.unwrap();
    let mut guest = channel_guest(a.addr, "4242").await;
    assert_eq!(expect_close_within(&mut guest, Duration::from_secs(10)).await.0, 4004);
    assert_eq!(redis_get(&redis, "certbridge:channel:4242").await, None, "and it is cleared");
}

#[tokio::test]
async fn without_redis_channels_are_refused_until_it_is_back() {
    let Some(mut redis) = RedisServer::start().await else { return };
    let port = redis.port;
    let (a, b) = nodes(&redis, |_| {}).await;
    let mut waiting = channel_host(a.addr).await;
    redis.kill();
    // A waiting channel host is told to retry: its channel may be lost.
    assert_eq!(expect_close(&mut waiting.ws).await.0, 4010);
    wait_until_backend_down(a.addr).await;
    // No number can be promised unique on every node: 503, retry soon.
    assert_eq!(refusal(&channel_host_url(a.addr), &[]).await, (503, Some("1".into())));
    assert_eq!(metric(a.addr, "certbridge_refusals_total{reason=\"backend_unavailable\"}").await, 1.0);
    // A guest cannot find a host elsewhere: 4010, retry.
    let mut guest = channel_guest(a.addr, &waiting.channel).await;
    assert_eq!(expect_close(&mut guest).await, (4010, "relay backend unavailable".into()));
    assert_eq!(metric(a.addr, "certbridge_channel_lookups_total{result=\"unavailable\"}").await, 1.0);
    // Redis is back: channels work again, across nodes.
    let _redis = RedisServer::start_on(port).await.unwrap();
    wait_until_backend_up(&[a.addr, b.addr], Duration::from_secs(10)).await;
    let mut host = channel_host(a.addr).await;
    let mut guest = channel_guest(b.addr, &host.channel).await;
    send(&mut guest, b"back").await;
    assert_eq!(recv(&mut host.ws).await, b"back");
    a.shutdown().await;
    b.shutdown().await;
}

async fn wait_until_backend_down(addr: std::net::SocketAddr) {
    for _ in 0..200 {
        if metric(addr, "certbridge_backend_up").await == 0.0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the node did not notice Redis was gone");
}
