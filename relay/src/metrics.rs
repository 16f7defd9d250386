//! Counters and gauges of the relay and their Prometheus text rendering
//! (exposition format 0.0.4), written by hand: a handful of atomics is all
//! `/metrics` needs.
//!
//! Nothing here ever holds a rendezvous id or payload bytes.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use crate::close::CloseReason;

/// Upper bounds (seconds) of the `certbridge_pairing_seconds` buckets.
const PAIRING_BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 60.0, 600.0];
/// Upper bounds (seconds) of the `certbridge_redis_command_seconds` buckets.
const REDIS_BUCKETS: [f64; 10] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.0];

/// A histogram with fixed buckets.
#[derive(Debug)]
struct Histogram<const N: usize> {
    buckets: [AtomicU64; N],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl<const N: usize> Default for Histogram<N> {
    fn default() -> Self {
        Histogram { buckets: std::array::from_fn(|_| AtomicU64::new(0)), count: AtomicU64::new(0), sum_micros: AtomicU64::new(0) }
    }
}

impl<const N: usize> Histogram<N> {
    fn observe(&self, bounds: &[f64; N], took: Duration) {
        let secs = took.as_secs_f64();
        for (bound, bucket) in bounds.iter().zip(&self.buckets) {
            if secs <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str, bounds: &[f64; N]) {
        let c = |o: &AtomicU64| o.load(Ordering::Relaxed);
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        for (bound, n) in bounds.iter().zip(&self.buckets) {
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {}", c(n));
        }
        let count = c(&self.count);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "{name}_sum {}", c(&self.sum_micros) as f64 / 1e6);
        let _ = writeln!(out, "{name}_count {count}");
    }
}

/// Why a request was refused before the upgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// HTTP 400.
    BadRequest,
    /// HTTP 429, connections per address.
    ConnectionRate,
    /// HTTP 429, sessions per address.
    SessionRate,
    /// HTTP 503, the connection cap.
    Full,
    /// HTTP 503, shutting down.
    Draining,
    /// Dropped at accept: too many connections from one client before
    /// their upgrade.
    Pending,
    /// HTTP 426, a WebSocket version other than 13.
    WrongVersion,
    /// HTTP 429, channel lookups per address.
    ChannelLookupRate,
    /// HTTP 429, channel allocations per address.
    ChannelRate,
    /// HTTP 503, every channel length up to 6 digits is full.
    ChannelsFull,
    /// HTTP 503, no channel without Redis (configured but unreachable).
    BackendUnavailable,
}

impl Refusal {
    const ALL: [Refusal; 11] = [
        Refusal::BadRequest,
        Refusal::ConnectionRate,
        Refusal::SessionRate,
        Refusal::Full,
        Refusal::Draining,
        Refusal::Pending,
        Refusal::WrongVersion,
        Refusal::ChannelLookupRate,
        Refusal::ChannelRate,
        Refusal::ChannelsFull,
        Refusal::BackendUnavailable,
    ];
    const IN_ORDER: () = {
        let mut i = 0;
        while i < Refusal::ALL.len() {
            assert!(Refusal::ALL[i] as usize == i);
            i += 1;
        }
    };

    fn label(self) -> &'static str {
        match self {
            Refusal::BadRequest => "bad_request",
            Refusal::ConnectionRate => "connection_rate",
            Refusal::SessionRate => "session_rate",
            Refusal::Full => "full",
            Refusal::Draining => "draining",
            Refusal::Pending => "pending_per_ip",
            Refusal::WrongVersion => "wrong_version",
            Refusal::ChannelLookupRate => "channel_lookup_rate",
            Refusal::ChannelRate => "channel_rate",
            Refusal::ChannelsFull => "channels_full",
            Refusal::BackendUnavailable => "backend_unavailable",
        }
    }
}

/// What became of a guest's channel lookup (`certbridge_channel_lookups_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// A host waited there: the guest joins it.
    Paired,
    /// Nobody holds that channel (4004).
    Unknown,
    /// Refused before the upgrade by a per-address limit (429).
    Limited,
    /// Redis unreachable (4010).
    Unavailable,
}

/// What became of a host's request for a channel
/// (`certbridge_channel_allocations_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Allocation {
    /// The host got a channel.
    Allocated,
    /// Refused by a per-address limit (429).
    Limited,
    /// Every length is full (503).
    Full,
    /// Redis unreachable (503).
    Unavailable,
}

const LOOKUPS: [(Lookup, &str); 4] =
    [(Lookup::Paired, "paired"), (Lookup::Unknown, "unknown"), (Lookup::Limited, "limited"), (Lookup::Unavailable, "unavailable")];
const ALLOCATIONS: [(Allocation, &str); 4] = [
    (Allocation::Allocated, "allocated"),
    (Allocation::Limited, "limited"),
    (Allocation::Full, "full"),
    (Allocation::Unavailable, "unavailable"),
];
const _: () = {
    let mut i = 0;
    while i < LOOKUPS.len() {
        assert!(LOOKUPS[i].0 as usize == i && ALLOCATIONS[i].0 as usize == i);
        i += 1;
    }
};

/// The relay's metrics.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    /// Hosts waiting for a guest on this node.
    sessions_waiting: AtomicI64,
    /// Paired sessions whose host is on this node.
    sessions_paired: AtomicI64,
    /// Channels allocated on this node and not yet released.
    channels_waiting: AtomicI64,
    channel_lookups: [AtomicU64; LOOKUPS.len()],
    channel_allocations: [AtomicU64; ALLOCATIONS.len()],
    /// Payload bytes this node delivered to its clients.
    bytes_forwarded: AtomicU64,
    /// Messages this node delivered to its clients.
    messages_forwarded: AtomicU64,
    /// Accepted TCP connections.
    connections_accepted: AtomicU64,
    /// WebSocket upgrades.
    upgrades: AtomicU64,
    /// Connections dropped before sending their request in time.
    header_timeouts: AtomicU64,
    closes: [AtomicU64; CloseReason::ALL.len()],
    refusals: [AtomicU64; Refusal::ALL.len()],
    pairing: Histogram<{ PAIRING_BUCKETS.len() }>,
    redis_commands: Histogram<{ REDIS_BUCKETS.len() }>,
    redis_errors: AtomicU64,
    /// 1 while the shared backend (Redis) is reachable, 0 when not,
    /// -1 when the node runs alone.
    backend_up: AtomicI64,
}

impl Metrics {
    pub(crate) fn new(with_backend: bool) -> Metrics {
        let m = Metrics::default();
        m.backend_up.store(if with_backend { 1 } else { -1 }, Ordering::Relaxed);
        m
    }

    pub(crate) fn waiting(&self, delta: i64) {
        self.sessions_waiting.fetch_add(delta, Ordering::Relaxed);
    }

    pub(crate) fn paired(&self, delta: i64) {
        self.sessions_paired.fetch_add(delta, Ordering::Relaxed);
    }

    pub(crate) fn channels_waiting(&self, delta: i64) {
        self.channels_waiting.fetch_add(delta, Ordering::Relaxed);
    }

    pub(crate) fn lookup(&self, result: Lookup) {
        self.channel_lookups[result as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn allocation(&self, result: Allocation) {
        self.channel_allocations[result as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn forwarded(&self, bytes: usize) {
        self.bytes_forwarded.fetch_add(bytes as u64, Ordering::Relaxed);
        self.messages_forwarded.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn accepted(&self) {
        self.connections_accepted.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn upgraded(&self) {
        self.upgrades.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn header_timeout(&self) {
        self.header_timeouts.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn closed(&self, reason: CloseReason) {
        self.closes[reason.index()].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn refused(&self, why: Refusal) {
        let () = Refusal::IN_ORDER;
        self.refusals[why as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn pairing(&self, waited: Duration) {
        self.pairing.observe(&PAIRING_BUCKETS, waited);
    }

    /// One Redis command (or connection attempt) and whether it worked.
    pub(crate) fn redis_command(&self, took: Duration, ok: bool) {
        self.redis_commands.observe(&REDIS_BUCKETS, took);
        if !ok {
            self.redis_errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn backend(&self, up: bool) {
        self.backend_up.store(i64::from(up), Ordering::Relaxed);
    }

    /// The metrics in Prometheus text format; `connections` is the number
    /// of WebSocket connections held now, `pending` the connections not
    /// upgraded yet.
    pub(crate) fn render(&self, connections: usize, pending: usize) -> String {
        let mut out = String::with_capacity(8192);
        let _ = writeln!(
            out,
            "# HELP certbridge_build_info The relay's version.\n# TYPE certbridge_build_info gauge\ncertbridge_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        let g = |o: &AtomicI64| o.load(Ordering::Relaxed);
        let c = |o: &AtomicU64| o.load(Ordering::Relaxed);
        let gauge = |out: &mut String, name: &str, help: &str, v: i64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        };
        gauge(&mut out, "certbridge_sessions_waiting", "Hosts on this node waiting for their guest.", g(&self.sessions_waiting));
        gauge(&mut out, "certbridge_sessions_paired", "Paired sessions whose host is on this node.", g(&self.sessions_paired));
        gauge(
            &mut out,
            "certbridge_channels_waiting",
            "Channels held by hosts on this node, waiting for their guest.",
            g(&self.channels_waiting),
        );
        gauge(&mut out, "certbridge_connections", "WebSocket connections held by this node.", connections as i64);
        gauge(
            &mut out,
            "certbridge_connections_pending",
            "Connections on this node not upgraded yet (TLS handshake or request headers).",
            pending as i64,
        );
        gauge(
            &mut out,
            "certbridge_backend_up",
            "1 if Redis is reachable, 0 if not, -1 if this node runs without Redis.",
            g(&self.backend_up),
        );
        let counter = |out: &mut String, name: &str, help: &str, v: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}");
        };
        counter(&mut out, "certbridge_forwarded_bytes_total", "Payload bytes delivered to clients.", c(&self.bytes_forwarded));
        counter(&mut out, "certbridge_forwarded_messages_total", "Messages delivered to clients.", c(&self.messages_forwarded));
        counter(&mut out, "certbridge_redis_errors_total", "Redis commands that failed or timed out.", c(&self.redis_errors));
        counter(&mut out, "certbridge_connections_accepted_total", "TCP connections accepted.", c(&self.connections_accepted));
        counter(&mut out, "certbridge_upgrades_total", "WebSocket upgrades.", c(&self.upgrades));
        counter(
            &mut out,
            "certbridge_header_timeouts_total",
            "Connections dropped for not sending their request in time.",
            c(&self.header_timeouts),
        );

        let _ = writeln!(out, "# HELP certbridge_closes_total WebSocket connections ended, by reason.");
        let _ = writeln!(out, "# TYPE certbridge_closes_total counter");
        for (r, n) in CloseReason::ALL.iter().zip(&self.closes) {
            let _ = writeln!(out, "certbridge_closes_total{{reason=\"{}\"}} {}", r.label(), c(n));
        }
        let _ = writeln!(out, "# HELP certbridge_refusals_total Requests refused before the upgrade, by reason.");
        let _ = writeln!(out, "# TYPE certbridge_refusals_total counter");
        for (r, n) in Refusal::ALL.iter().zip(&self.refusals) {
            let _ = writeln!(out, "certbridge_refusals_total{{reason=\"{}\"}} {}", r.label(), c(n));
        }
        let labelled = |out: &mut String, name: &str, help: &str, rows: &mut dyn Iterator<Item = (&str, u64)>| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            for (label, v) in rows {
                let _ = writeln!(out, "{name}{{result=\"{label}\"}} {v}");
            }
        };
        labelled(
            &mut out,
            "certbridge_channel_lookups_total",
            "Guests' channel lookups on this node, by result.",
            &mut LOOKUPS.iter().zip(&self.channel_lookups).map(|((_, l), n)| (*l, c(n))),
        );
        labelled(
            &mut out,
            "certbridge_channel_allocations_total",
            "Hosts' requests for a channel on this node, by result.",
            &mut ALLOCATIONS.iter().zip(&self.channel_allocations).map(|((_, l), n)| (*l, c(n))),
        );

        self.pairing.render(&mut out, "certbridge_pairing_seconds", "How long hosts on this node waited for their guest.", &PAIRING_BUCKETS);
        self.redis_commands.render(
            &mut out,
            "certbridge_redis_command_seconds",
            "Time of each Redis command or connection attempt.",
            &REDIS_BUCKETS,
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let m = Metrics::new(false);
        m.waiting(2);
        m.waiting(-1);
        m.paired(1);
        m.forwarded(100);
        m.closed(CloseReason::Crowded);
        m.pairing(Duration::from_millis(30));
        m.pairing(Duration::from_secs(2));
        m.redis_command(Duration::from_millis(3), true);
        m.redis_command(Duration::from_secs(3), false);
        m.channels_waiting(2);
        m.channels_waiting(-1);
        m.lookup(Lookup::Unknown);
        m.lookup(Lookup::Unknown);
        m.lookup(Lookup::Limited);
        m.allocation(Allocation::Full);
        m.refused(Refusal::ChannelLookupRate);
        let text = m.render(3, 4);
        assert!(text.contains("\ncertbridge_sessions_waiting 1\n"), "{text}");
        assert!(text.contains("\ncertbridge_sessions_paired 1\n"));
        assert!(text.contains("\ncertbridge_connections 3\n"));
        assert!(text.contains("\ncertbridge_backend_up -1\n"));
        assert!(text.contains("\ncertbridge_forwarded_bytes_total 100\n"));
        assert!(text.contains("\ncertbridge_connections_pending 4\n"));
        assert!(text.starts_with("# HELP certbridge_build_info"));
        assert!(text.contains(&format!("\ncertbridge_build_info{{version=\"{}\"}} 1\n", env!("CARGO_PKG_VERSION"))));
        assert!(text.contains("\ncertbridge_redis_errors_total 1\n"));
        assert!(text.contains("\ncertbridge_redis_command_seconds_bucket{le=\"0.005\"} 1\n"));
        assert!(text.contains("\ncertbridge_redis_command_seconds_count 2\n"));
        assert!(text.contains("\ncertbridge_closes_total{reason=\"crowded\"} 1\n"));
        assert!(text.contains("\ncertbridge_closes_total{reason=\"idle\"} 0\n"));
        assert!(text.contains("\ncertbridge_pairing_seconds_bucket{le=\"0.025\"} 0\n"));
        assert!(text.contains("\ncertbridge_pairing_seconds_bucket{le=\"0.05\"} 1\n"));
        assert!(text.contains("\ncertbridge_pairing_seconds_bucket{le=\"2.5\"} 2\n"));
        assert!(text.contains("\ncertbridge_pairing_seconds_bucket{le=\"+Inf\"} 2\n"));
        assert!(text.contains("\ncertbridge_pairing_seconds_sum 2.03\n"));
        assert!(text.contains("\ncertbridge_pairing_seconds_count 2\n"));
        assert!(text.contains("\n# TYPE certbridge_channels_waiting gauge\ncertbridge_channels_waiting 1\n"));
        assert!(text.contains("\n# TYPE certbridge_channel_lookups_total counter\n"));
        assert!(text.contains("\ncertbridge_channel_lookups_total{result=\"paired\"} 0\n"));
        assert!(text.contains("\ncertbridge_channel_lookups_total{result=\"unknown\"} 2\n"));
        assert!(text.contains("\ncertbridge_channel_lookups_total{result=\"limited\"} 1\n"));
        assert!(text.contains("\ncertbridge_channel_allocations_total{result=\"full\"} 1\n"));
        assert!(text.contains("\ncertbridge_channel_allocations_total{result=\"allocated\"} 0\n"));
        assert!(text.contains("\ncertbridge_refusals_total{reason=\"channel_lookup_rate\"} 1\n"));
        // Every sample line is "name{labels} value".
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            assert_eq!(line.split(' ').count(), 2, "{line}");
        }
    }
}
