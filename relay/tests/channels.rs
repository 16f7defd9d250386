//! Channels on one node (kept in its memory): a host asks for a short
//! channel number, a guest who typed it finds the host, single use, the
//! channel freed when the host leaves, the digit count growing, and the
//! per-address limits that keep channels from being enumerated or
//! exhausted. The same across nodes through Redis is in
//! `channels_multinode.rs`.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;

/// The next binary message, and whether the relay's `paired` ping came
/// before it.
async fn recv_after_paired_ping(ws: &mut Client) -> (Vec<u8>, bool) {
    let mut pinged = false;
    loop {
        match tokio::time::timeout(PATIENCE, ws.next()).await.expect("no message in time").unwrap().unwrap() {
            Message::Binary(b) => return (b.to_vec(), pinged),
            Message::Ping(p) => pinged |= p.as_ref() == b"paired",
            Message::Pong(_) => {}
            other => panic!("expected a binary message, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_host_gets_a_three_digit_channel_and_a_guest_who_types_it_pairs_with_it() {
    let relay = Relay::start(config()).await;
    let mut host = channel_host(relay.addr).await;
    assert_eq!(host.channel.len(), 3, "few hosts: 3 digits");
    assert_eq!(host.expires_in, 600, "the host wait, in seconds");
    assert_eq!(metric(relay.addr, "certbridge_channels_waiting").await, 1.0);
    assert_eq!(metric(relay.addr, "certbridge_sessions_waiting").await, 1.0);

    let mut guest = channel_guest(relay.addr, &host.channel).await;
    send(&mut guest, b"first").await;
    let (first, pinged) = recv_after_paired_ping(&mut host.ws).await;
    assert_eq!(first, b"first");
    assert!(pinged, "the host is told its guest arrived, as a rendezvous host is");
    // Then exactly a rendezvous pair: binary messages verbatim both ways.
    for i in 0..50u32 {
        let m: Vec<u8> = i.to_be_bytes().iter().copied().chain((0..i * 37).map(|j| j as u8)).collect();
        send(&mut host.ws, &m).await;
        assert_eq!(recv(&mut guest).await, m);
        send(&mut guest, &m).await;
        assert_eq!(recv(&mut host.ws).await, m);
    }
    assert_eq!(metric(relay.addr, "certbridge_channels_waiting").await, 0.0, "taken by its guest");
    assert_eq!(metric(relay.addr, "certbridge_sessions_paired").await, 1.0);
    close_normally(&mut guest).await;
    assert_eq!(expect_close(&mut host.ws).await, (1000, "session finished".into()));
    assert_eq!(metric(relay.addr, "certbridge_channel_lookups_total{result=\"paired\"}").await, 1.0);
    assert_eq!(metric(relay.addr, "certbridge_channel_allocations_total{result=\"allocated\"}").await, 1.0);
    assert_eq!(metric(relay.addr, "certbridge_closes_total{reason=\"finished\"}").await, 2.0);
    relay.shutdown().await;
}

#[tokio::test]
async fn a_channel_is_single_use_and_an_unknown_one_gets_4004_without_the_guest_wait() {
    let mut c = config();
    // Far longer than the test waits: a 4004 must not come from it.
    c.limits.guest_wait = Duration::from_secs(120);
    let relay = Relay::start(c).await;
    let mut host = channel_host(relay.addr).await;
    let mut guest = channel_guest(relay.addr, &host.channel).await;
    send(&mut guest, b"mine").await;
    assert_eq!(recv(&mut host.ws).await, b"mine");

    let mut second = channel_guest(relay.addr, &host.channel).await;
    assert_eq!(expect_close_within(&mut second, Duration::from_secs(10)).await, (4004, "no such session".into()));
    let mut unknown = channel_guest(relay.addr, &other_channel(&host.channel)).await;
    assert_eq!(expect_close_within(&mut unknown, Duration::from_secs(10)).await, (4004, "no such session".into()));
    // A 6-digit channel nobody was given, and leading zeros that make
    // another number.
    let mut long = channel_guest(relay.addr, &format!("000{}", host.channel)).await;
    assert_eq!(expect_close_within(&mut long, Duration::from_secs(10)).await.0, 4004);
    // The first pair is untouched.
    send(&mut host.ws, b"still here").await;
    assert_eq!(recv(&mut guest).await, b"still here");
    assert_eq!(metric(relay.addr, "certbridge_channel_lookups_total{result=\"unknown\"}").await, 3.0);
    assert_eq!(metric(relay.addr, "certbridge_closes_total{reason=\"no_such_session\"}").await, 3.0);
    relay.shutdown().await;
}

#[tokio::test]
async fn a_host_that_leaves_or_waits_too_long_frees_its_channel() {
    let mut c = config();
    c.limits.host_wait = Duration::from_secs(2);
    let relay = Relay::start(c).await;
    // A host that hangs up.
    let host = channel_host(relay.addr).await;
    assert_eq!(host.expires_in, 2);
    let channel = host.channel.clone();
    drop(host);
    wait_for_metric(relay.addr, "certbridge_channels_waiting", 0.0).await;
    let mut guest = channel_guest(relay.addr, &channel).await;
    assert_eq!(expect_close(&mut guest).await.0, 4004);
    // A host whose wait ends.
    let mut host = channel_host(relay.addr).await;
    assert_eq!(expect_close(&mut host.ws).await, (4005, "host wait expired".into()));
    let mut guest = channel_guest(relay.addr, &host.channel).await;
    assert_eq!(expect_close(&mut guest).await.0, 4004);
    assert_eq!(metric(relay.addr, "certbridge_channels_waiting").await, 0.0);
    relay.shutdown().await;
}

#[tokio::test]
async fn channels_are_unique_and_get_a_fourth_digit_once_a_tenth_of_three_is_taken() {
    let relay = Relay::start(config()).await;
    let mut hosts = Vec::new();
    for _ in 0..101 {
        hosts.push(channel_host(relay.addr).await);
    }
    let channels: HashSet<&str> = hosts.iter().map(|h| h.channel.as_str()).collect();
    assert_eq!(channels.len(), 101, "no channel given twice");
    let lengths: Vec<usize> = hosts.iter().map(|h| h.channel.len()).collect();
    assert!(lengths[..100].iter().all(|&l| l == 3), "{lengths:?}");
    assert_eq!(lengths[100], 4, "100 of 1,000 three-digit numbers taken: the next has four digits");
    // Random, not sequential: 100 numbers in order would be 100 in a row.
    let mut three: Vec<u32> = hosts[..100].iter().map(|h| h.channel.parse().unwrap()).collect();
    three.sort_unstable();
    assert!(three[99] - three[0] > 100, "{three:?}");
    // One three-digit host leaves: three digits come back.
    let gone = hosts.remove(0);
    drop(gone);
    wait_for_metric(relay.addr, "certbridge_channels_waiting", 100.0).await;
    assert_eq!(channel_host(relay.addr).await.channel.len(), 3);
    relay.shutdown().await;
}

/// Waits until a metric has a value.
async fn wait_for_metric(addr: std::net::SocketAddr, name: &str, value: f64) {
    for _ in 0..100 {
        if metric(addr, name).await == value {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{name} did not reach {value}");
}

/// A relay behind a trusted proxy (127.0.0.1), so that a test can speak
/// for many client addresses through `X-Forwarded-For`.
fn behind_proxy() -> certbridge_relay::Config {
    let mut c = config();
    c.trusted_proxies = vec![certbridge_relay::parse_net("127.0.0.1").unwrap()];
    c
}

#[tokio::test]
async fn the_eleventh_channel_lookup_in_a_minute_from_one_64_is_refused_with_429() {
    let mut c = behind_proxy();
    c.limits.channel_lookups_per_ip_per_minute = 10;
    let relay = Relay::start(c).await;
    let host = channel_host(relay.addr).await;
    let guest_from = |ip: String, channel: &str| {
        let url = channel_guest_url(relay.addr, channel);
        async move {
            let (status, ws) = connect_as(&url, &ip).await;
            assert_eq!(status, 101, "{ip}");
            ws.unwrap()
        }
    };
    // Ten lookups from addresses of one /64: one finds the host, nine
    // find nothing; all count the same.
    let mut found = guest_from("2001:db8:1:2::1".into(), &host.channel).await;
    send(&mut found, b"x").await;
    for i in 2..=10 {
        let mut ws = guest_from(format!("2001:db8:1:2::{i:x}"), &other_channel(&host.channel)).await;
        assert_eq!(expect_close(&mut ws).await.0, 4004);
    }
    let url = channel_guest_url(relay.addr, "123");
    assert_eq!(refusal(&url, &[("x-forwarded-for", "2001:db8:1:2:ffff::1")]).await, (429, Some("60".into())));
    assert_eq!(metric(relay.addr, "certbridge_channel_lookups_total{result=\"limited\"}").await, 1.0);
    assert_eq!(metric(relay.addr, "certbridge_refusals_total{reason=\"channel_lookup_rate\"}").await, 1.0);
    // Another /64, and another IPv4 client, are other clients.
    for other in ["2001:db8:1:3::1", "192.0.2.1"] {
        let mut ws = guest_from(other.into(), "999999").await;
        assert_eq!(expect_close(&mut ws).await.0, 4004);
    }
    // Lookups do not use up allocations: the limited client's own host is
    // still served.
    assert_eq!(connect_as(&channel_host_url(relay.addr), "2001:db8:1:2::1").await.0, 101);
    relay.shutdown().await;
}

#[tokio::test]
async fn the_eleventh_channel_asked_for_in_a_minute_is_refused_with_429() {
    let mut c = behind_proxy();
    c.limits.channels_per_ip_per_minute = 10;
    let relay = Relay::start(c).await;
    let url = channel_host_url(relay.addr);
    let mut held = Vec::new();
    for i in 1..=10 {
        let (status, ws) = connect_as(&url, &format!("2001:db8:5:6::{i:x}")).await;
        assert_eq!(status, 101);
        held.push(announced(ws.unwrap()).await);
    }
    assert_eq!(refusal(&url, &[("x-forwarded-for", "2001:db8:5:6::99")]).await, (429, Some("60".into())));
    // A host that left still counts: the limit is on asking, not holding.
    held.clear();
    assert_eq!(refusal(&url, &[("x-forwarded-for", "2001:db8:5:6::1")]).await.0, 429);
    assert_eq!(metric(relay.addr, "certbridge_channel_allocations_total{result=\"limited\"}").await, 2.0);
    assert_eq!(metric(relay.addr, "certbridge_refusals_total{reason=\"channel_rate\"}").await, 2.0);
    // Another client is served.
    let (_, ws) = connect_as(&url, "203.0.113.7").await;
    assert_eq!(announced(ws.unwrap()).await.channel.len(), 3);
    relay.shutdown().await;
}

#[tokio::test]
async fn malformed_channel_requests_get_400_and_a_host_may_send_no_text() {
    let relay = Relay::start(config()).await;
    for (path, why) in [
        ("/v1/channel/12?role=guest", "3 to 6 digits"),
        ("/v1/channel/1234567?role=guest", "3 to 6 digits"),
        ("/v1/channel/12a?role=guest", "3 to 6 digits"),
        ("/v1/channel/123?role=host", "a host asks"),
        ("/v1/channel?role=guest", "a guest names it"),
        ("/v1/channel", "role"),
    ] {
        let (status, body) = http_get(relay.addr, path).await;
        assert_eq!(status, 400, "{path}");
        assert!(body.contains(why), "{path}: {body}");
    }
    // Not a WebSocket upgrade.
    let (status, _) = http_get(relay.addr, "/v1/channel?role=host").await;
    assert_eq!(status, 400);
    assert_eq!(metric(relay.addr, "certbridge_channel_allocations_total{result=\"allocated\"}").await, 0.0);
    assert_eq!(http_get(relay.addr, "/v1/channels").await.0, 404);
    // A channel host follows the rendezvous rules: binary messages only.
    let mut host = channel_host(relay.addr).await;
    use futures_util::SinkExt;
    host.ws.send(Message::Text("hello".into())).await.unwrap();
    assert_eq!(expect_close(&mut host.ws).await, (4002, "binary messages only".into()));
    wait_for_metric(relay.addr, "certbridge_channels_waiting", 0.0).await;
    relay.shutdown().await;
}

#[tokio::test]
async fn waiting_channel_hosts_are_told_1001_on_shutdown() {
    let mut relay = Relay::start(config()).await;
    let mut host = channel_host(relay.addr).await;
    relay.begin_shutdown();
    assert_eq!(expect_close(&mut host.ws).await.0, 1001);
    tokio::time::timeout(Duration::from_secs(30), &mut relay.task).await.unwrap().unwrap().unwrap();
}
