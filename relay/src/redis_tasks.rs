//! The Redis bus's background work: the subscription to this node's
//! channel (delivering what arrives, noticing its loss, reconnecting with
//! backoff) and the housekeeping (heartbeat and alive key, claim refresh
//! and release, watching the peer nodes' alive keys).
//!
//! Liveness: every [`HEARTBEAT`] the node sets its alive key (a write,
//! which also fails at once on a demoted master after a Sentinel
//! failover) and publishes an empty message to its own channel. Silence
//! on the subscription for [`LIVENESS`] counts as losing Redis, even if
//! TCP looks open (a frozen server, a silent partition).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use redis::AsyncConnectionConfig;
use redis::aio::{MultiplexedConnection, PubSubStream};
use tokio::sync::mpsc;
use tracing::{debug, info, warn};

use crate::close::CloseReason;
use crate::redis_bus::{Bus, BusError, OP_TIMEOUT, Release};
use crate::registry::{Event, Peer};
use crate::wire::{self, ALIVE_TTL_MS, Body, Envelope};

/// Longest pause between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// Claims refreshed per script call.
const REFRESH_BATCH: usize = 500;
/// How often a node proves its subscription alive.
pub(crate) const HEARTBEAT: Duration = Duration::from_secs(1);
/// Silence on the subscription after which it counts as lost.
pub(crate) const LIVENESS: Duration = Duration::from_secs(4);

/// Refreshes claims: `KEYS` are claim keys, `ARGV[1]` the lifetime in
/// seconds, `ARGV[i + 1]` the value of `KEYS[i]`. A key is (re)set when it
/// is missing (Redis restarted, or the claim was made while Redis was
/// unreachable) or still ours, never when someone else holds it.
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

/// Opens the command connection and the subscription to this node's
/// channel, and sets the node's alive key.
pub(crate) async fn connect(bus: &Bus) -> Result<(MultiplexedConnection, PubSubStream), BusError> {
    // redis-rs has its own timeouts (1 s to connect, 500 ms per response by
    // default): set them to ours so that the library never gives up first.
    let cfg = AsyncConnectionConfig::new()
        .set_connection_timeout(Some(OP_TIMEOUT))
        .set_response_timeout(Some(OP_TIMEOUT));
    let client = bus.op(bus.backend.client()).await?;
    let mut conn = bus.op(client.get_multiplexed_async_connection_with_config(&cfg)).await?;
    let mut pubsub = bus.op(client.get_async_pubsub()).await?;
    bus.op(pubsub.subscribe(wire::node_channel(&bus.node))).await?;
    bus.op(set_alive(&mut conn, &bus.node)).await?;
    Ok((conn, pubsub.into_on_message()))
}

fn set_alive(conn: &mut MultiplexedConnection, node: &str) -> impl Future<Output = redis::RedisResult<()>> {
    let mut cmd = redis::cmd("SET");
    cmd.arg(wire::alive_key(node)).arg(1).arg("PX").arg(ALIVE_TTL_MS);
    let mut conn = conn.clone();
    async move { cmd.query_async(&mut conn).await }
}

/// Delivers what arrives on this node's channel; on loss, tells the
/// sessions and reconnects. `first` is the connection made at start.
pub(crate) async fn subscription(bus: Arc<Bus>, first: Result<(MultiplexedConnection, PubSubStream), BusError>) {
    let mut next = first;
    let mut backoff = Duration::from_millis(100);
    loop {
        let mut stream = match next {
            Ok((conn, stream)) => {
                *bus.conn.write().unwrap_or_else(|p| p.into_inner()) = Some(conn);
                bus.up.store(true, Ordering::Release);
                bus.metrics.backend(true);
                info!(node = %bus.node, "connected to Redis");
                backoff = Duration::from_millis(100);
                // Claims made while Redis was away become visible now.
                if let Err(e) = refresh_all(&bus, &redis::Script::new(REFRESH_SCRIPT)).await {
                    warn!(error = %e, "claim refresh after reconnecting failed");
                }
                stream
            }
            Err(e) => {
                warn!(node = %bus.node, error = %e, retry_in = ?backoff, "Redis unreachable");
                tokio::select! {
                    _ = bus.stop.cancelled() => return,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                next = connect(&bus).await;
                continue;
            }
        };
        let silence = tokio::time::sleep(LIVENESS);
        tokio::pin!(silence);
        loop {
            tokio::select! {
                _ = bus.stop.cancelled() => return,
                () = bus.reconnect.notified() => {
                    warn!(node = %bus.node, "a Redis write failed");
                    break;
                }
                msg = stream.next() => match msg {
                    Some(msg) => {
                        silence.as_mut().reset(tokio::time::Instant::now() + LIVENESS);
                        let payload = msg.get_payload_bytes();
                        // An empty message is this node's own heartbeat.
                        if !payload.is_empty() {
                            dispatch(&bus, Bytes::copy_from_slice(payload)).await;
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
        bus.up.store(false, Ordering::Release);
        bus.metrics.backend(false);
        // The command connection stays for a moment: sessions ending now
        // try to tell their peers through it (it may still work when only
        // the subscription broke).
        bus.registry.broadcast(|| Event::BackendLost);
        let conn = bus.conn.read().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(mut conn) = conn {
            let del = async { redis::cmd("DEL").arg(wire::alive_key(&bus.node)).query_async::<i64>(&mut conn).await };
            let _ = tokio::time::timeout(Duration::from_millis(500), del).await;
        }
        drop(stream);
        next = connect(&bus).await;
    }
}

/// Hands a message from another node to the connection it is for; a
/// message for a connection that is not here is answered with a `Close`,
/// so that its sender does not go on talking into nothing.
async fn dispatch(bus: &Bus, bytes: Bytes) {
    let env = match Envelope::decode(bytes) {
        Ok(e) => e,
        Err(e) => {
            warn!(error = %e, "dropped a malformed message from the Redis channel");
            return;
        }
    };
    let entry = bus.registry.get(&env.id, env.to).filter(|e| e.token == env.token);
    let Some(entry) = entry else {
        let reply = match env.body {
            // "No such host here": the guest waits for another.
            Body::Join => CloseReason::NoSuchSession,
            Body::Accept => CloseReason::PeerClosed,
            // This side's end never reached the sender: the relay lost it.
            Body::Data(_) => CloseReason::BackendUnavailable,
            Body::Close(_) | Body::Call | Body::Probe => return,
        };
        debug!(id = &env.id[..env.id.len().min(8)], "message for a connection not on this node; telling its sender");
        let back = Envelope {
            to: env.to.peer(),
            token: env.from.token,
            id: env.id,
            from: wire::Origin { node: bus.node.to_string(), token: env.token },
            body: Body::Close(reply.code()),
        };
        let _ = bus.send(&env.from.node, &back).await;
        return;
    };
    let from = || Peer::Remote { node: Arc::from(env.from.node.as_str()), token: env.from.token };
    let event = match env.body {
        Body::Join => Event::Joined(from()),
        Body::Accept => Event::Accepted(from()),
        Body::Call => Event::Called(from()),
        Body::Probe => Event::Probe,
        Body::Data(d) => Event::Data(d),
        Body::Close(code) => Event::PeerClosed(CloseReason::from_code(code).unwrap_or(CloseReason::PeerClosed)),
    };
    let _ = entry.inbox.send(event);
}

/// Heartbeat, claim refresh and release, peer-node watch.
pub(crate) async fn housekeeping(bus: Arc<Bus>, mut releases: mpsc::UnboundedReceiver<Release>) {
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
                while let Ok(r) = releases.try_recv() {
                    let _ = release_one(&bus, &release, r).await;
                }
                if let Ok(mut conn) = bus.conn() {
                    let _ = bus.op(redis::cmd("DEL").arg(wire::alive_key(&bus.node)).query_async::<i64>(&mut conn)).await;
                }
                return;
            }
            _ = heartbeat.tick() => {
                if let Err(e) = heartbeat_once(&bus).await {
                    if !matches!(e, BusError::Down) {
                        warn!(error = %e, "Redis heartbeat failed");
                        bus.reconnect.notify_one();
                    }
                }
                if let Err(e) = watch_peers(&bus).await {
                    debug!(error = %e, "cannot check the peer nodes");
                }
            }
            _ = tick.tick() => {
                if let Err(e) = refresh_all(&bus, &refresh).await {
                    if !matches!(e, BusError::Down) {
                        warn!(error = %e, "claim refresh failed");
                    }
                }
            }
            Some(r) = releases.recv() => {
                if let Err(e) = release_one(&bus, &release, r).await {
                    // The key expires on its own within its lifetime.
                    if !matches!(e, BusError::Down) {
                        warn!(error = %e, "releasing a claim or channel failed");
                    }
                }
            }
        }
    }
}

/// Sets this node's alive key and publishes an empty message to its own
/// channel: proof, when it comes back, that the subscription is alive.
async fn heartbeat_once(bus: &Bus) -> Result<(), BusError> {
    let mut conn = bus.conn()?;
    bus.op(set_alive(&mut conn, &bus.node)).await?;
    let _: i64 = bus
        .op(redis::cmd("PUBLISH").arg(wire::node_channel(&bus.node)).arg(&[] as &[u8]).query_async(&mut conn))
        .await?;
    Ok(())
}

/// Ends the sessions paired with a node whose alive key has lapsed.
async fn watch_peers(bus: &Bus) -> Result<(), BusError> {
    let nodes: Vec<Arc<str>> = bus.peers.lock().unwrap_or_else(|p| p.into_inner()).keys().cloned().collect();
    if nodes.is_empty() {
        return Ok(());
    }
    let mut conn = bus.conn()?;
    let keys: Vec<String> = nodes.iter().map(|n| wire::alive_key(n)).collect();
    let alive: Vec<Option<String>> = bus.op(redis::cmd("MGET").arg(&keys).query_async(&mut conn)).await?;
    for (node, alive) in nodes.into_iter().zip(alive) {
        if alive.is_none() {
            warn!(node = %bus.node, peer = %node, "a peer node lost Redis or died; closing the sessions paired with it");
            bus.registry.broadcast(|| Event::NodeLost(Arc::clone(&node)));
        }
    }
    Ok(())
}

async fn release_one(bus: &Bus, script: &redis::Script, release: Release) -> Result<(), BusError> {
    match release {
        Release::Claim { key, value } => {
            let mut conn = bus.conn()?;
            let _: i64 = bus.op(script.key(key).arg(value).invoke_async(&mut conn)).await?;
            Ok(())
        }
        Release::Channel { channel, value } => crate::channel_store::release_in_redis(bus, channel, &value).await,
    }
}

async fn refresh_all(bus: &Bus, script: &redis::Script) -> Result<(), BusError> {
    let claims = bus.registry.claims();
    for chunk in claims.chunks(REFRESH_BATCH) {
        let mut conn = bus.conn()?;
        let mut inv = script.prepare_invoke();
        inv.arg(bus.claim_ttl.as_secs());
        for (id, role, token) in chunk {
            inv.key(wire::claim_key(id, *role));
            inv.arg(wire::claim_value(&bus.node, *token));
        }
        let _: i64 = bus.op(inv.invoke_async(&mut conn)).await?;
    }
    Ok(())
}

