//! The state every connection of one relay node shares: settings, limits,
//! metrics, the local registry, the optional Redis bus and the shutdown
//! signals.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::channel_store::LocalChannels;
use crate::client_addr::TrustedProxies;
use crate::config::Limits;
use crate::limits::{ConnectionCap, PendingLimiter, Rates};
use crate::metrics::Metrics;
use crate::redis_bus::Bus;
use crate::registry::Registry;

/// One node's shared state.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) limits: Limits,
    pub(crate) node: Arc<str>,
    pub(crate) trusted_proxies: TrustedProxies,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) registry: Arc<Registry>,
    pub(crate) bus: Option<Arc<Bus>>,
    /// Waiting channels, when the node runs without Redis (with Redis
    /// they are kept there).
    pub(crate) channels: LocalChannels,
    /// Cancelled when shutdown starts: refuse new sessions, close waiting
    /// ones (registered sessions also get [`Event::Drain`]).
    ///
    /// [`Event::Drain`]: crate::registry::Event::Drain
    pub(crate) drain: CancellationToken,
    /// Cancelled when the drain deadline passes: close paired sessions
    /// (registered sessions also get [`Event::Force`]).
    ///
    /// [`Event::Force`]: crate::registry::Event::Force
    pub(crate) force: CancellationToken,
    /// Every connection task, so shutdown can wait for them.
    pub(crate) tracker: TaskTracker,
    pub(crate) cap: ConnectionCap,
    pub(crate) pending: PendingLimiter,
    pub(crate) rates: Rates,
    /// `/metrics` is served on its own listener, not on the relay's.
    pub(crate) metrics_elsewhere: bool,
    pub(crate) ws_config: WebSocketConfig,
    tokens: AtomicU64,
}

impl Shared {
    pub(crate) fn new(
        limits: Limits,
        node: Arc<str>,
        trusted_proxies: TrustedProxies,
        metrics: Arc<Metrics>,
        registry: Arc<Registry>,
        bus: Option<Arc<Bus>>,
        metrics_elsewhere: bool,
    ) -> Shared {
        let ws_config = WebSocketConfig::default()
            .read_buffer_size(limits.ws_buffer_bytes)
            // Write each message straight through: no per-connection
            // write buffer waiting to fill.
            .write_buffer_size(0)
            .max_write_buffer_size(limits.max_message_bytes.saturating_mul(2).max(64 * 1024))
            .max_message_size(Some(limits.max_message_bytes))
            .max_frame_size(Some(limits.max_message_bytes));
        let mut seed = [0u8; 8];
        // Tokens only need to differ between this node's runs; the clock
        // does if randomness is missing.
        if getrandom::fill(&mut seed).is_err() {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0);
            seed = nanos.to_be_bytes();
        }
        Shared {
            rates: Rates::new(&limits),
            pending: PendingLimiter::new(limits.pending_per_ip),
            cap: ConnectionCap::new(limits.max_connections),
            metrics_elsewhere,
            limits,
            node,
            trusted_proxies,
            metrics,
            registry,
            bus,
            channels: LocalChannels::default(),
            drain: CancellationToken::new(),
            force: CancellationToken::new(),
            tracker: TaskTracker::new(),
            ws_config,
            tokens: AtomicU64::new(u64::from_be_bytes(seed)),
        }
    }

    /// A token no other connection of this run has.
    pub(crate) fn next_token(&self) -> u64 {
        self.tokens.fetch_add(1, Ordering::Relaxed)
    }
}
