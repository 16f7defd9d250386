//! Admission limits checked before a WebSocket upgrade: per-client rates
//! (HTTP 429), counted in Redis across all nodes when it is reachable and
//! on this node otherwise; connections from one client still before their
//! upgrade (dropped beyond the cap); and the cap on WebSockets held at
//! once (HTTP 503).
//!
//! Clients are counted by [`ClientKey`] (an IPv4 address or an IPv6 /64).
//! Each rate is a [`RateKind`] with its own limit, counted by the same
//! code: every request, new sessions, and for channels the lookups by
//! guests and the allocations by hosts.
//!
//! Per-message, per-session and time limits are enforced where the bytes
//! flow, in [`session`](crate::session).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::client_addr::ClientKey;
use crate::config::Limits;
use crate::redis_bus::Bus;

/// Entries kept before stale ones are swept out of a rate limiter's map.
const SWEEP_AT: usize = 4096;
/// The rate limits' window.
pub(crate) const WINDOW: Duration = Duration::from_secs(60);

/// What a per-client rate counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum RateKind {
    /// Every rendezvous request.
    Requests,
    /// Every new session (host or guest).
    Sessions,
    /// Every channel lookup by a guest, whether the channel exists or not.
    ChannelLookups,
    /// Every channel asked for by a host.
    Channels,
}

impl RateKind {
    const ALL: [RateKind; 4] = [RateKind::Requests, RateKind::Sessions, RateKind::ChannelLookups, RateKind::Channels];

    /// The kind's name in Redis keys.
    fn name(self) -> &'static str {
        match self {
            RateKind::Requests => "requests",
            RateKind::Sessions => "sessions",
            RateKind::ChannelLookups => "lookups",
            RateKind::Channels => "channels",
        }
    }

    /// The configured limit per window (0: none).
    fn limit(self, limits: &Limits) -> u32 {
        match self {
            RateKind::Requests => limits.connections_per_ip_per_minute,
            RateKind::Sessions => limits.sessions_per_ip_per_minute,
            RateKind::ChannelLookups => limits.channel_lookups_per_ip_per_minute,
            RateKind::Channels => limits.channels_per_ip_per_minute,
        }
    }
}

/// Counts events per client in fixed one-window buckets, on this node,
/// and says whether one more is allowed.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    max: u32,
    window: Duration,
    buckets: Mutex<Buckets>,
}

#[derive(Debug, Default)]
struct Buckets {
    map: HashMap<ClientKey, (Instant, u32)>,
    /// Size at which stale entries are next swept out: doubles when a sweep
    /// frees little, so sweeping stays cheap on average.
    sweep_at: usize,
}

impl RateLimiter {
    /// At most `max` events per `window` per client; `max == 0` allows all.
    pub(crate) fn new(max: u32, window: Duration) -> RateLimiter {
        RateLimiter { max, window, buckets: Mutex::new(Buckets { map: HashMap::new(), sweep_at: SWEEP_AT }) }
    }

    /// Records an event from `key` at `now` and says whether it is allowed.
    pub(crate) fn allow(&self, key: ClientKey, now: Instant) -> bool {
        if self.max == 0 {
            return true;
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.map.len() >= buckets.sweep_at {
            let window = self.window;
            buckets.map.retain(|_, (start, _)| now.duration_since(*start) < window);
            buckets.sweep_at = (buckets.map.len() * 2).max(SWEEP_AT);
        }
        let bucket = buckets.map.entry(key).or_insert((now, 0));
        if now.duration_since(bucket.0) >= self.window {
            *bucket = (now, 0);
        }
        if bucket.1 >= self.max {
            return false;
        }
        bucket.1 += 1;
        true
    }
}

/// The per-client rates of a node: shared through Redis when it is up,
/// local otherwise.
#[derive(Debug)]
pub(crate) struct Rates {
    local: Vec<(RateKind, u32, RateLimiter)>,
}

impl Rates {
    pub(crate) fn new(limits: &Limits) -> Rates {
        let local = RateKind::ALL
            .into_iter()
            .map(|k| (k, k.limit(limits), RateLimiter::new(k.limit(limits), WINDOW)))
            .collect();
        Rates { local }
    }

    /// Counts one request of each of `kinds` (in order) from `key`;
    /// returns the first kind over its limit. All nodes sharing `bus`
    /// count together; without Redis this node counts alone.
    pub(crate) async fn check(&self, kinds: &[RateKind], key: ClientKey, bus: Option<&Bus>) -> Option<RateKind> {
        let limited: Vec<&(RateKind, u32, RateLimiter)> =
            kinds.iter().filter_map(|k| self.local.iter().find(|(kind, max, _)| kind == k && *max > 0)).collect();
        if limited.is_empty() {
            return None;
        }
        if let Some(bus) = bus.filter(|b| b.is_up()) {
            let window = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() / WINDOW.as_secs());
            let counters: Vec<(String, u32)> = limited
                .iter()
                .map(|(kind, max, _)| (format!("certbridge:rate:{}:{key}:{window}", kind.name()), *max))
                .collect();
            match bus.count(&counters, WINDOW).await {
                Ok(over) => return over.map(|i| limited[i].0),
                // Counted here instead, for this request.
                Err(e) => tracing::debug!(error = %e, "cannot count the request in Redis"),
            }
        }
        let now = Instant::now();
        limited.iter().find(|(_, _, rl)| !rl.allow(key, now)).map(|(kind, _, _)| *kind)
    }
}

/// Connections per client that have not been upgraded yet, with a cap.
#[derive(Debug)]
pub(crate) struct PendingLimiter {
    max: u32,
    counts: Arc<Mutex<HashMap<ClientKey, u32>>>,
    total: Arc<AtomicUsize>,
}

/// One pending connection; dropping it frees its place.
#[derive(Debug)]
pub(crate) struct PendingPermit {
    key: Option<ClientKey>,
    counts: Arc<Mutex<HashMap<ClientKey, u32>>>,
    total: Arc<AtomicUsize>,
}

impl Drop for PendingPermit {
    fn drop(&mut self) {
        self.total.fetch_sub(1, Ordering::AcqRel);
        if let Some(key) = self.key {
            let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(n) = counts.get_mut(&key) {
                *n -= 1;
                if *n == 0 {
                    counts.remove(&key);
                }
            }
        }
    }
}

impl PendingLimiter {
    /// At most `max` pending connections per client; `0` means no cap.
    pub(crate) fn new(max: u32) -> PendingLimiter {
        PendingLimiter { max, counts: Arc::default(), total: Arc::default() }
    }

    /// A permit for one more pending connection from `key` (`None`: a
    /// trusted proxy, counted only in the total), or `None` when the
    /// client has too many.
    pub(crate) fn try_acquire(&self, key: Option<ClientKey>) -> Option<PendingPermit> {
        let counted = key.filter(|_| self.max > 0);
        if let Some(k) = counted {
            let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
            let n = counts.entry(k).or_insert(0);
            if *n >= self.max {
                return None;
            }
            *n += 1;
        }
        self.total.fetch_add(1, Ordering::AcqRel);
        Some(PendingPermit { key: counted, counts: Arc::clone(&self.counts), total: Arc::clone(&self.total) })
    }

    /// Connections not upgraded yet, all clients together.
    pub(crate) fn total(&self) -> usize {
        self.total.load(Ordering::Acquire)
    }
}

/// The number of WebSocket connections held, with a cap.
#[derive(Debug)]
pub(crate) struct ConnectionCap {
    max: usize,
    held: Arc<AtomicUsize>,
}

/// One held connection; dropping it frees the place.
#[derive(Debug)]
pub(crate) struct ConnectionPermit {
    held: Arc<AtomicUsize>,
}

impl Drop for ConnectionPermit {
    fn drop(&mut self) {
        self.held.fetch_sub(1, Ordering::AcqRel);
    }
}

impl ConnectionCap {
    /// At most `max` connections; `0` means no cap.
    pub(crate) fn new(max: usize) -> ConnectionCap {
        ConnectionCap { max, held: Arc::new(AtomicUsize::new(0)) }
    }

    /// A permit, or `None` when the relay is full.
    pub(crate) fn try_acquire(&self) -> Option<ConnectionPermit> {
        let max = if self.max == 0 { usize::MAX } else { self.max };
        self.held
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < max).then_some(n + 1))
            .ok()
            .map(|_| ConnectionPermit { held: Arc::clone(&self.held) })
    }

    /// Connections held now.
    pub(crate) fn held(&self) -> usize {
        self.held.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{IpAddr, Ipv4Addr};

    fn key(ip: &str) -> ClientKey {
        ClientKey::from(ip.parse::<IpAddr>().unwrap())
    }

    #[test]
    fn rate_limiter_counts_per_client_and_window() {
        let rl = RateLimiter::new(2, Duration::from_secs(60));
        let (a, b) = (key("10.0.0.1"), key("10.0.0.2"));
        let t0 = Instant::now();
        assert!(rl.allow(a, t0));
        assert!(rl.allow(a, t0));
        assert!(!rl.allow(a, t0 + Duration::from_secs(1)));
        assert!(rl.allow(b, t0 + Duration::from_secs(1)));
        assert!(rl.allow(a, t0 + Duration::from_secs(61)));
    }

    #[test]
    fn an_ipv6_64_is_one_client() {
        let rl = RateLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(rl.allow(key("2001:db8:0:1::1"), t0));
        assert!(rl.allow(key("2001:db8:0:1::2"), t0));
        assert!(!rl.allow(key("2001:db8:0:1:ffff::3"), t0));
        assert!(rl.allow(key("2001:db8:0:2::1"), t0));
    }

    #[test]
    fn zero_means_unlimited() {
        let rl = RateLimiter::new(0, Duration::from_secs(60));
        let a = ClientKey::from(IpAddr::V4(Ipv4Addr::LOCALHOST));
        let t0 = Instant::now();
        assert!((0..10_000).all(|_| rl.allow(a, t0)));
    }

    #[test]
    fn sweep_keeps_the_map_bounded() {
        let rl = RateLimiter::new(1, Duration::from_secs(60));
        let t0 = Instant::now();
        for i in 0..(SWEEP_AT as u32 * 2) {
            rl.allow(ClientKey::from(IpAddr::V4(Ipv4Addr::from(i))), t0);
        }
        let later = t0 + Duration::from_secs(120);
        rl.allow(ClientKey::from(IpAddr::V4(Ipv4Addr::LOCALHOST)), later);
        assert!(rl.buckets.lock().unwrap().map.len() <= SWEEP_AT);
    }

    #[tokio::test]
    async fn local_rates_check_kinds_in_order() {
        let l = Limits { connections_per_ip_per_minute: 3, sessions_per_ip_per_minute: 1, ..Limits::default() };
        let rates = Rates::new(&l);
        let a = key("192.0.2.1");
        let both = [RateKind::Requests, RateKind::Sessions];
        assert_eq!(rates.check(&both, a, None).await, None);
        assert_eq!(rates.check(&both, a, None).await, Some(RateKind::Sessions));
        assert_eq!(rates.check(&[RateKind::Requests], a, None).await, None);
        assert_eq!(rates.check(&[RateKind::Requests], a, None).await, Some(RateKind::Requests));
    }

    #[test]
    fn pending_connections_are_capped_per_client() {
        let p = PendingLimiter::new(2);
        let a = key("10.0.0.1");
        let p1 = p.try_acquire(Some(a)).unwrap();
        let _p2 = p.try_acquire(Some(a)).unwrap();
        assert!(p.try_acquire(Some(a)).is_none());
        assert!(p.try_acquire(Some(key("10.0.0.2"))).is_some());
        // A trusted proxy is counted in the total only.
        let _proxy: Vec<_> = (0..10).map(|_| p.try_acquire(None).unwrap()).collect();
        assert_eq!(p.total(), 12);
        drop(p1);
        assert!(p.try_acquire(Some(a)).is_some());
    }

    #[test]
    fn cap_hands_out_and_takes_back_permits() {
        let cap = ConnectionCap::new(2);
        let p1 = cap.try_acquire().unwrap();
        let _p2 = cap.try_acquire().unwrap();
        assert!(cap.try_acquire().is_none());
        drop(p1);
        assert_eq!(cap.held(), 1);
        assert!(cap.try_acquire().is_some());
    }
}
