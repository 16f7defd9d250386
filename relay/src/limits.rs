//! Admission limits checked before a WebSocket upgrade: per-address rates
//! (HTTP 429) and the cap on connections held at once (HTTP 503).
//!
//! Per-message, per-session and time limits are enforced where the bytes
//! flow, in [`session`](crate::session).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Entries kept before stale ones are swept out of a rate limiter's map.
const SWEEP_AT: usize = 4096;

/// Counts events per client address in fixed one-window buckets and says
/// whether one more is allowed.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    max: u32,
    window: Duration,
    buckets: Mutex<Buckets>,
}

#[derive(Debug, Default)]
struct Buckets {
    map: HashMap<IpAddr, (Instant, u32)>,
    /// Size at which stale entries are next swept out: doubles when a sweep
    /// frees little, so sweeping stays cheap on average.
    sweep_at: usize,
}

impl RateLimiter {
    /// At most `max` events per `window` per address; `max == 0` allows all.
    pub(crate) fn new(max: u32, window: Duration) -> RateLimiter {
        RateLimiter { max, window, buckets: Mutex::new(Buckets { map: HashMap::new(), sweep_at: SWEEP_AT }) }
    }

    /// Records an event from `ip` at `now` and says whether it is allowed.
    pub(crate) fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        if self.max == 0 {
            return true;
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.map.len() >= buckets.sweep_at {
            let window = self.window;
            buckets.map.retain(|_, (start, _)| now.duration_since(*start) < window);
            buckets.sweep_at = (buckets.map.len() * 2).max(SWEEP_AT);
        }
        let bucket = buckets.map.entry(ip).or_insert((now, 0));
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
    use std::net::Ipv4Addr;

    #[test]
    fn rate_limiter_counts_per_address_and_window() {
        let rl = RateLimiter::new(2, Duration::from_secs(60));
        let a = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        let b = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
        let t0 = Instant::now();
        assert!(rl.allow(a, t0));
        assert!(rl.allow(a, t0));
        assert!(!rl.allow(a, t0 + Duration::from_secs(1)));
        assert!(rl.allow(b, t0 + Duration::from_secs(1)));
        assert!(rl.allow(a, t0 + Duration::from_secs(61)));
    }

    #[test]
    fn zero_means_unlimited() {
        let rl = RateLimiter::new(0, Duration::from_secs(60));
        let a = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let t0 = Instant::now();
        assert!((0..10_000).all(|_| rl.allow(a, t0)));
    }

    #[test]
    fn sweep_keeps_the_map_bounded() {
        let rl = RateLimiter::new(1, Duration::from_secs(60));
        let t0 = Instant::now();
        for i in 0..(SWEEP_AT as u32 * 2) {
            rl.allow(IpAddr::V4(Ipv4Addr::from(i)), t0);
        }
        let later = t0 + Duration::from_secs(120);
        rl.allow(IpAddr::V4(Ipv4Addr::LOCALHOST), later);
        assert!(rl.buckets.lock().unwrap().map.len() <= SWEEP_AT);
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
