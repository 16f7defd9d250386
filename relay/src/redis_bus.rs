//! Many nodes as one relay, through Redis: atomic role claims, shared
//! per-address counters, and the pub/sub channels that carry frames
//! between nodes. The background tasks (subscription, heartbeat, claim
//! refresh, peer-node watch) are in [`redis_tasks`](crate::redis_tasks).
//!
//! * A connection claims its role with one script call ([`CLAIM_SCRIPT`]):
//!   `SET certbridge:{id}:{role} {node}/{token} EX {ttl}` unless a live
//!   holder has it, returning in the same round trip who holds the other
//!   role. Of a host and a guest arriving on different nodes, the second
//!   to claim sees the first and starts the pairing (a guest sends `Join`,
//!   a host sends `Call`): no polling. A claim whose holder's node has no
//!   alive key (the node died or lost Redis) is taken over at once.
//! * Each node subscribes to its own channel, `certbridge:node:{node}`,
//!   and sets `certbridge:alive:{node}` (a few seconds' lifetime) on each
//!   heartbeat while the subscription is healthy. A `PUBLISH` that reaches
//!   no subscriber, a message for a connection that is gone (answered with
//!   a `Close`), and a peer node whose alive key lapses all end the
//!   session with 4010 within seconds instead of leaving it to the idle
//!   limit.
//! * Without Redis (unreachable at start, or lost later) the node keeps
//!   serving: pairs with both sides on it still work, claims are made in
//!   the local registry only and written to Redis when it is back.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::channel::Channel;
use crate::metrics::Metrics;
use crate::redis_backend::Backend;
use crate::registry::Registry;
use crate::request::Role;
use crate::wire::{self, Envelope, Origin};

/// Longest wait for any Redis command or connection.
pub(crate) const OP_TIMEOUT: Duration = Duration::from_secs(2);

/// Claims a role. `KEYS[1]` the claim, `KEYS[2]` the other role's claim;
/// `ARGV[1]` our value, `ARGV[2]` the lifetime in seconds, `ARGV[3]` the
/// alive-key prefix. Returns `{1, other holder or ""}` when claimed,
/// `{0, holder, other role held (0/1)}` when taken. A holder counts only
/// while its node's alive key exists.
const CLAIM_SCRIPT: &str = r"
local function live(v)
  if not v then return false end
  local node = string.match(v, '^(.+)/[0-9a-f]+$')
  return node ~= nil and redis.call('EXISTS', ARGV[3] .. node) == 1
end
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] or not live(cur) then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  local other = redis.call('GET', KEYS[2])
  if not live(other) then other = '' end
  return {1, other, 0}
end
return {0, cur, redis.call('EXISTS', KEYS[2])}
";

/// Counts one event in each of `KEYS` (fixed-window counters that expire
/// after `ARGV[1]` seconds), in order, stopping at the first over its
/// limit `ARGV[i + 1]` (`0`: none). Returns that key's 1-based index, or
/// 0 when all are within their limits.
const RATE_SCRIPT: &str = r"
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, ARGV[1]) end
  local max = tonumber(ARGV[i + 1])
  if max > 0 and n > max then return i end
end
return 0
";

/// Why a Redis operation failed. Sessions turn any of these into close
/// 4010.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BusError {
    #[error("not connected to Redis")]
    Down,
    #[error("Redis did not answer within {OP_TIMEOUT:?}")]
    Timeout,
    #[error("no node listens on that channel")]
    NotListening,
    #[error("Redis: {0}")]
    Redis(#[from] redis::RedisError),
}

/// A key to delete in Redis if it is still ours, queued for the
/// housekeeping task (so that a guard can release from `Drop`).
#[derive(Debug)]
pub(crate) enum Release {
    /// A role's claim key and our value in it.
    Claim { key: String, value: String },
    /// A host's channel and our value in it.
    Channel { channel: Channel, value: String },
}

/// What claiming a role found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ClaimOutcome {
    /// Ours now; the other role's live holder, if any.
    Claimed { other: Option<Origin> },
    /// A live connection holds it; `other_held` when the other role is
    /// held too (a pair is formed or forming).
    Taken { holder: Option<Origin>, other_held: bool },
}

/// This node's link to Redis.
#[derive(Debug)]
pub(crate) struct Bus {
    pub(crate) backend: Backend,
    pub(crate) node: Arc<str>,
    pub(crate) claim_ttl: Duration,
    pub(crate) conn: RwLock<Option<MultiplexedConnection>>,
    /// The subscription is healthy: claims go to Redis, `/readyz` is 200.
    pub(crate) up: AtomicBool,
    pub(crate) releases: mpsc::UnboundedSender<Release>,
    pub(crate) stop: CancellationToken,
    /// Asks the subscription task to drop everything and reconnect (a
    /// failed heartbeat: a demoted master, a dead command connection).
    pub(crate) reconnect: Notify,
    pub(crate) tasks: Mutex<Vec<JoinHandle<()>>>,
    /// Other nodes that sessions on this node are paired with, and how
    /// many sessions each: their alive keys are watched.
    pub(crate) peers: Mutex<HashMap<Arc<str>, usize>>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) registry: Arc<Registry>,
    claim: redis::Script,
    rate: redis::Script,
    pub(crate) channel_scripts: crate::channel_store::Scripts,
}

/// A session's interest in a peer node; dropping it ends the interest.
pub(crate) struct PeerWatch {
    bus: Arc<Bus>,
    node: Arc<str>,
}

impl Drop for PeerWatch {
    fn drop(&mut self) {
        let mut peers = self.bus.peers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = peers.get_mut(&self.node) {
            *n -= 1;
            if *n == 0 {
                peers.remove(&self.node);
            }
        }
    }
}

impl Bus {
    /// Starts the bus: tries to connect once (within [`OP_TIMEOUT`]), then
    /// keeps (re)connecting in the background. A node whose Redis is down
    /// at start serves what it can, like one that lost Redis later.
    pub(crate) async fn start(
        backend: Backend,
        node: Arc<str>,
        claim_ttl: Duration,
        registry: Arc<Registry>,
        metrics: Arc<Metrics>,
    ) -> Arc<Bus> {
        let (releases, release_rx) = mpsc::unbounded_channel();
        let bus = Arc::new(Bus {
            backend,
            node,
            claim_ttl: claim_ttl.max(Duration::from_secs(3)),
            conn: RwLock::new(None),
            up: AtomicBool::new(false),
            releases,
            stop: CancellationToken::new(),
            reconnect: Notify::new(),
            tasks: Mutex::new(Vec::new()),
            peers: Mutex::new(HashMap::new()),
            metrics,
            registry,
            claim: redis::Script::new(CLAIM_SCRIPT),
            rate: redis::Script::new(RATE_SCRIPT),
            channel_scripts: crate::channel_store::Scripts::default(),
        });
        bus.metrics.backend(false);
        let first = crate::redis_tasks::connect(&bus).await;
        let sub = tokio::spawn(crate::redis_tasks::subscription(Arc::clone(&bus), first));
        let keep = tokio::spawn(crate::redis_tasks::housekeeping(Arc::clone(&bus), release_rx));
        bus.tasks.lock().unwrap_or_else(|p| p.into_inner()).extend([sub, keep]);
        bus
    }

    /// Stops the tasks, after releasing the claims still queued.
    pub(crate) async fn shutdown(&self) {
        self.stop.cancel();
        let tasks = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(|p| p.into_inner()));
        for t in tasks {
            let _ = t.await;
        }
    }

    /// This node's id.
    pub(crate) fn node(&self) -> &str {
        &self.node
    }

    /// Whether Redis is usable now.
    pub(crate) fn is_up(&self) -> bool {
        self.up.load(Ordering::Acquire)
    }

    /// Runs one Redis operation within [`OP_TIMEOUT`], counting its time
    /// and failures in the metrics.
    pub(crate) async fn op<T>(&self, f: impl Future<Output = redis::RedisResult<T>>) -> Result<T, BusError> {
        let started = Instant::now();
        let result = match tokio::time::timeout(OP_TIMEOUT, f).await {
            Ok(r) => r.map_err(BusError::from),
            Err(_) => Err(BusError::Timeout),
        };
        self.metrics.redis_command(started.elapsed(), result.is_ok());
        result
    }

    /// The command connection, while Redis is up.
    pub(crate) fn conn(&self) -> Result<MultiplexedConnection, BusError> {
        if !self.is_up() {
            return Err(BusError::Down);
        }
        self.conn.read().unwrap_or_else(|p| p.into_inner()).clone().ok_or(BusError::Down)
    }

    /// The command connection even while the subscription is down (to tell
    /// peers a session's end on the way out).
    fn any_conn(&self) -> Result<MultiplexedConnection, BusError> {
        self.conn.read().unwrap_or_else(|p| p.into_inner()).clone().ok_or(BusError::Down)
    }

    /// Claims a role for the connection with `token`.
    pub(crate) async fn claim(&self, key: &str, role: Role, token: u64) -> Result<ClaimOutcome, BusError> {
        let mut conn = self.conn()?;
        let mut inv = self.claim.prepare_invoke();
        inv.key(wire::claim_key(key, role))
            .key(wire::claim_key(key, role.peer()))
            .arg(wire::claim_value(&self.node, token))
            .arg(self.claim_ttl.as_secs())
            .arg(wire::alive_key(""));
        let (claimed, value, other_held): (i64, String, i64) = self.op(inv.invoke_async(&mut conn)).await?;
        let origin = wire::parse_claim_value(&value);
        Ok(if claimed == 1 {
            ClaimOutcome::Claimed { other: origin }
        } else {
            ClaimOutcome::Taken { holder: origin, other_held: other_held == 1 }
        })
    }

    /// Counts a request from one client in each `(counter key, limit)`
    /// pair, all nodes together; returns the index of the first counter
    /// over its limit.
    pub(crate) async fn count(&self, counters: &[(String, u32)], window: Duration) -> Result<Option<usize>, BusError> {
        let mut conn = self.conn()?;
        let mut inv = self.rate.prepare_invoke();
        inv.arg(window.as_secs() * 2);
        for (key, max) in counters {
            inv.key(key).arg(*max);
        }
        let over: usize = self.op(inv.invoke_async(&mut conn)).await?;
        Ok(over.checked_sub(1))
    }

    /// Publishes a message to a node; [`BusError::NotListening`] when no
    /// node is subscribed to that channel (it died or lost Redis).
    pub(crate) async fn send(&self, node: &str, envelope: &Envelope) -> Result<(), BusError> {
        let mut conn = self.conn()?;
        self.publish(&mut conn, node, envelope).await
    }

    /// Like [`Bus::send`], but also while the subscription is down: a
    /// session ending because of the outage still tries to tell its peer.
    pub(crate) async fn send_on_the_way_out(&self, node: &str, envelope: &Envelope) -> Result<(), BusError> {
        let mut conn = self.any_conn()?;
        self.publish(&mut conn, node, envelope).await
    }

    async fn publish(&self, conn: &mut MultiplexedConnection, node: &str, envelope: &Envelope) -> Result<(), BusError> {
        let receivers: i64 = self
            .op(redis::cmd("PUBLISH").arg(wire::node_channel(node)).arg(envelope.encode()).query_async(conn))
            .await?;
        if receivers == 0 { Err(BusError::NotListening) } else { Ok(()) }
    }

    /// Queues the deletion of a claim (done by the housekeeping task, so
    /// that a connection can release from `Drop`).
    pub(crate) fn release(&self, key: &str, role: Role, token: u64) {
        self.release_later(Release::Claim { key: wire::claim_key(key, role), value: wire::claim_value(&self.node, token) });
    }

    /// Queues a release for the housekeeping task.
    pub(crate) fn release_later(&self, release: Release) {
        let _ = self.releases.send(release);
    }

    /// Watches `node`'s alive key while the returned guard lives.
    pub(crate) fn watch(self: &Arc<Self>, node: &Arc<str>) -> PeerWatch {
        *self.peers.lock().unwrap_or_else(|p| p.into_inner()).entry(Arc::clone(node)).or_insert(0) += 1;
        PeerWatch { bus: Arc::clone(self), node: Arc::clone(node) }
    }
}
