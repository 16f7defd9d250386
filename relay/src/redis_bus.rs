//! Many nodes as one relay, through Redis: atomic role claims and the
//! pub/sub channels that carry frames between nodes.
//!
//! * A connection claims its role with
//!   `SET certbridge:{id}:{role} {node}/{token} NX EX {ttl}`; failing that,
//!   the role is taken (close 4001). Claims are refreshed every third of
//!   their lifetime while the connection lives and deleted (if still ours)
//!   when it ends, so nothing stays in Redis but live claims.
//! * Each node subscribes to its own channel, `certbridge:node:{node}`.
//!   A guest reads the host's claim to learn the host's node and token,
//!   and publishes a `Join` there; the host answers with `Accept`, and from
//!   then on both sides publish `Data` and finally `Close` to each other's
//!   node (message layout in [`wire`](crate::wire)).
//! * When the subscription drops, or stays silent for longer than
//!   [`LIVENESS`] although the node publishes a heartbeat to itself every
//!   [`HEARTBEAT`], every local session with a peer on another node is
//!   told ([`Event::BackendLost`]) and closes with 4010;
//!   the bus reconnects with backoff. Sessions whose two sides are on this
//!   node never touch Redis after their claims.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use redis::AsyncConnectionConfig;
use redis::aio::{MultiplexedConnection, PubSubStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use crate::close::CloseReason;
use crate::error::RelayError;
use crate::metrics::Metrics;
use crate::registry::{Event, Peer, Registry};
use crate::request::Role;
use crate::wire::{self, Body, Envelope, Origin};

/// Longest wait for any Redis command or connection.
const OP_TIMEOUT: Duration = Duration::from_secs(2);
/// Longest pause between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// Claims refreshed per script call.
const REFRESH_BATCH: usize = 500;
/// How often a node publishes a heartbeat (an empty message) to its own
/// channel.
const HEARTBEAT: Duration = Duration::from_secs(2);
/// Silence on the subscription after which it counts as lost, even if the
/// TCP connection looks open (a silent network partition).
const LIVENESS: Duration = Duration::from_secs(7);

/// Refreshes claims: `KEYS` are claim keys, `ARGV[1]` the lifetime in
/// seconds, `ARGV[i + 1]` the value of `KEYS[i]`. A key is (re)set when it
/// is missing (Redis restarted) or still ours, never when someone else
/// holds it.
const REFRESH_SCRIPT: &str = r"
local ttl = ARGV[1]
for i, key in ipairs(KEYS) do
  local v = redis.call('GET', key)
  if v == false or v == ARGV[i + 1] then
    redis.call('SET', key, ARGV[i + 1], 'EX', ttl)
  end
end
return #KEYS
";

/// Deletes a claim if it is still ours.
const RELEASE_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
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
    #[error("Redis: {0}")]
    Redis(#[from] redis::RedisError),
}

/// This node's link to Redis.
#[derive(Debug)]
pub(crate) struct Bus {
    client: redis::Client,
    node: Arc<str>,
    claim_ttl: Duration,
    conn: RwLock<Option<MultiplexedConnection>>,
    releases: mpsc::UnboundedSender<(String, String)>,
    stop: CancellationToken,
    tasks: std::sync::Mutex<Vec<JoinHandle<()>>>,
}

async fn within<T>(f: impl Future<Output = redis::RedisResult<T>>) -> Result<T, BusError> {
    match tokio::time::timeout(OP_TIMEOUT, f).await {
        Ok(r) => Ok(r?),
        Err(_) => Err(BusError::Timeout),
    }
}

/// Opens the command connection and the subscription to `node`'s channel.
async fn connect(client: &redis::Client, node: &str) -> Result<(MultiplexedConnection, PubSubStream), BusError> {
    // redis-rs has its own timeouts (1 s to connect, 500 ms per response by
    // default): set them to ours so that the library never gives up first.
    // `within` stays the one limit we rely on; it also covers the pub/sub
    // calls, which have no such setting.
    let cfg = AsyncConnectionConfig::new()
        .set_connection_timeout(Some(OP_TIMEOUT))
        .set_response_timeout(Some(OP_TIMEOUT));
    let conn = within(client.get_multiplexed_async_connection_with_config(&cfg)).await?;
    let mut pubsub = within(client.get_async_pubsub()).await?;
    within(pubsub.subscribe(wire::node_channel(node))).await?;
    Ok((conn, pubsub.into_on_message()))
}

impl Bus {
    /// Connects (failing if Redis is unreachable now) and starts the
    /// subscription and claim-refresh tasks.
    pub(crate) async fn start(
        url: &str,
        node: Arc<str>,
        claim_ttl: Duration,
        registry: Arc<Registry>,
        metrics: Arc<Metrics>,
    ) -> Result<Arc<Bus>, RelayError> {
        let client = redis::Client::open(url).map_err(RelayError::RedisUrl)?;
        let (conn, stream) = match connect(&client, &node).await {
            Ok(c) => c,
            Err(BusError::Redis(e)) => return Err(RelayError::RedisUnreachable(e)),
            Err(e) => {
                return Err(RelayError::RedisUnreachable(redis::RedisError::from(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    e.to_string(),
                ))));
            }
        };
        let (releases, release_rx) = mpsc::unbounded_channel();
        let bus = Arc::new(Bus {
            client,
            node,
            claim_ttl: claim_ttl.max(Duration::from_secs(3)),
            conn: RwLock::new(Some(conn)),
            releases,
            stop: CancellationToken::new(),
            tasks: std::sync::Mutex::new(Vec::new()),
        });
        let sub = tokio::spawn(subscription(Arc::clone(&bus), stream, Arc::clone(&registry), metrics));
        let keep = tokio::spawn(housekeeping(Arc::clone(&bus), release_rx, registry));
        bus.tasks.lock().unwrap_or_else(|p| p.into_inner()).extend([sub, keep]);
        Ok(bus)
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

    fn conn(&self) -> Result<MultiplexedConnection, BusError> {
        self.conn.read().unwrap_or_else(|p| p.into_inner()).clone().ok_or(BusError::Down)
    }

    fn set_conn(&self, conn: Option<MultiplexedConnection>) {
        *self.conn.write().unwrap_or_else(|p| p.into_inner()) = conn;
    }

    /// Claims a role; `false` if someone holds it.
    pub(crate) async fn claim(&self, id: &str, role: Role, token: u64) -> Result<bool, BusError> {
        let mut conn = self.conn()?;
        let set: Option<String> = within(
            redis::cmd("SET")
                .arg(wire::claim_key(id, role))
                .arg(wire::claim_value(&self.node, token))
                .arg("NX")
                .arg("EX")
                .arg(self.claim_ttl.as_secs())
                .query_async(&mut conn),
        )
        .await?;
        Ok(set.is_some())
    }

    /// Who holds a role, if anyone.
    pub(crate) async fn holder(&self, id: &str, role: Role) -> Result<Option<Origin>, BusError> {
        let mut conn = self.conn()?;
        let v: Option<String> = within(redis::cmd("GET").arg(wire::claim_key(id, role)).query_async(&mut conn)).await?;
        Ok(v.as_deref().and_then(wire::parse_claim_value))
    }

    /// Publishes a message to a node.
    pub(crate) async fn send(&self, node: &str, envelope: &Envelope) -> Result<(), BusError> {
        let mut conn = self.conn()?;
        let _receivers: i64 =
            within(redis::cmd("PUBLISH").arg(wire::node_channel(node)).arg(envelope.encode()).query_async(&mut conn))
                .await?;
        Ok(())
    }

    /// Queues the deletion of a claim (done by the housekeeping task, so
    /// that a connection can release from `Drop`).
    pub(crate) fn release(&self, id: &str, role: Role, token: u64) {
        let _ = self
            .releases
            .send((wire::claim_key(id, role), wire::claim_value(&self.node, token)));
    }
}

/// Delivers what arrives on this node's channel; on loss, tells the
/// sessions and reconnects.
async fn subscription(bus: Arc<Bus>, mut stream: PubSubStream, registry: Arc<Registry>, metrics: Arc<Metrics>) {
    loop {
        let silence = tokio::time::sleep(LIVENESS);
        tokio::pin!(silence);
        loop {
            tokio::select! {
                _ = bus.stop.cancelled() => return,
                msg = stream.next() => match msg {
                    Some(msg) => {
                        silence.as_mut().reset(tokio::time::Instant::now() + LIVENESS);
                        let payload = msg.get_payload_bytes();
                        // An empty message is this node's own heartbeat.
                        if !payload.is_empty() {
                            dispatch(&bus, &registry, Bytes::copy_from_slice(payload)).await;
                        }
                    }
                    None => break,
                },
                _ = &mut silence => {
                    warn!(node = %bus.node, "no heartbeat from Redis for {LIVENESS:?}");
                    break;
                }
            }
        }
        warn!(node = %bus.node, "lost Redis; closing sessions with a peer on another node and reconnecting");
        bus.set_conn(None);
        metrics.backend(false);
        registry.broadcast(|| Event::BackendLost);
        let mut backoff = Duration::from_millis(100);
        loop {
            tokio::select! {
                _ = bus.stop.cancelled() => return,
                _ = tokio::time::sleep(backoff) => {}
            }
            match connect(&bus.client, &bus.node).await {
                Ok((conn, s)) => {
                    bus.set_conn(Some(conn));
                    stream = s;
                    metrics.backend(true);
                    info!(node = %bus.node, "reconnected to Redis");
                    break;
                }
                Err(e) => {
                    debug!(error = %e, "Redis still unreachable");
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }
}

/// Hands a message from another node to the connection it is for.
async fn dispatch(bus: &Bus, registry: &Registry, bytes: Bytes) {
    let env = match Envelope::decode(bytes) {
        Ok(e) => e,
        Err(e) => {
            warn!(error = %e, "dropped a malformed message from the Redis channel");
            return;
        }
    };
    let entry = registry.get(&env.id, env.to).filter(|e| e.token == env.token);
    let Some(entry) = entry else {
        // A guest asked for a host that is not (or no longer) here: tell
        // it, so it keeps looking instead of waiting for an answer.
        if let Body::Join(origin) = env.body {
            let reply = Envelope {
                to: Role::Guest,
                token: origin.token,
                id: env.id,
                body: Body::Close(CloseReason::NoSuchSession.code()),
            };
            let _ = Box::pin(bus.send(&origin.node, &reply)).await;
        }
        return;
    };
    let event = match env.body {
        Body::Join(o) => Event::Joined(Peer::Remote { node: Arc::from(o.node), token: o.token }),
        Body::Accept(o) => Event::Accepted(Peer::Remote { node: Arc::from(o.node), token: o.token }),
        Body::Data(d) => Event::Data(d),
        Body::Close(code) => Event::PeerClosed(CloseReason::from_code(code).unwrap_or(CloseReason::PeerClosed)),
    };
    let _ = entry.inbox.send(event);
}

/// Refreshes live claims and deletes released ones.
async fn housekeeping(bus: Arc<Bus>, mut releases: mpsc::UnboundedReceiver<(String, String)>, registry: Arc<Registry>) {
    let refresh = redis::Script::new(REFRESH_SCRIPT);
    let release = redis::Script::new(RELEASE_SCRIPT);
    let mut tick = tokio::time::interval(bus.claim_ttl / 3);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = bus.stop.cancelled() => {
                // Release what is queued, then stop.
                while let Ok((key, value)) = releases.try_recv() {
                    let _ = release_one(&bus, &release, &key, &value).await;
                }
                return;
            }
            _ = heartbeat.tick() => {
                if let Err(e) = heartbeat_once(&bus).await {
                    debug!(error = %e, "heartbeat not sent");
                }
            }
            _ = tick.tick() => {
                if let Err(e) = refresh_all(&bus, &refresh, &registry).await {
                    debug!(error = %e, "claim refresh failed");
                }
            }
            Some((key, value)) = releases.recv() => {
                if let Err(e) = release_one(&bus, &release, &key, &value).await {
                    // The claim expires on its own within its lifetime.
                    debug!(error = %e, "claim release failed");
                }
            }
        }
    }
}

/// Publishes an empty message to this node's own channel: proof, when it
/// comes back, that the subscription is alive.
async fn heartbeat_once(bus: &Bus) -> Result<(), BusError> {
    let mut conn = bus.conn()?;
    let _: i64 =
        within(redis::cmd("PUBLISH").arg(wire::node_channel(&bus.node)).arg(&[] as &[u8]).query_async(&mut conn)).await?;
    Ok(())
}

async fn release_one(bus: &Bus, script: &redis::Script, key: &str, value: &str) -> Result<(), BusError> {
    let mut conn = bus.conn()?;
    let _: i64 = within(script.key(key).arg(value).invoke_async(&mut conn)).await?;
    Ok(())
}

async fn refresh_all(bus: &Bus, script: &redis::Script, registry: &Registry) -> Result<(), BusError> {
    let claims = registry.claims();
    for chunk in claims.chunks(REFRESH_BATCH) {
        let mut conn = bus.conn()?;
        let mut inv = script.prepare_invoke();
        inv.arg(bus.claim_ttl.as_secs());
        for (id, role, token) in chunk {
            inv.key(wire::claim_key(id, *role));
            inv.arg(wire::claim_value(&bus.node, *token));
        }
        let _: i64 = within(inv.invoke_async(&mut conn)).await?;
    }
    Ok(())
}
