//! Where waiting channels are kept: allocating a channel for a host,
//! taking it for a guest (single use), releasing it when the host leaves.
//!
//! A channel maps its number to the internal key of a fresh rendezvous
//! ([`RendezvousId::channel_key`]): the host waits under that key, and the
//! guest that takes the channel joins it there, so that pairing,
//! forwarding and every limit are the rendezvous machinery's own.
//!
//! * **One node** (no Redis): a map in memory, as the registry is for
//!   rendezvous.
//! * **Many nodes**: Redis. `certbridge:channel:{digits}` holds
//!   `{node}/{key}`, set with `NX` and the host wait as its lifetime;
//!   `certbridge:channels:{d}`, one sorted set per length, counts the
//!   waiting channels of `d` digits (scored by expiry, so that channels
//!   of a node that died stop counting when they expire). Allocating,
//!   taking and releasing are one script call each. While this node has
//!   no Redis it can neither promise a number unique on every node nor
//!   find a host elsewhere: allocations are refused (HTTP 503) and
//!   lookups end with 4010, both to be retried.
//!
//! Numbers are drawn at random among the free ones (rejection sampling
//! from the OS's randomness), so that channels cannot be predicted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use crate::channel::{Channel, LENGTHS, MAX_CHANNEL_DIGITS, MIN_CHANNEL_DIGITS, capacity, digits_for, space};
use crate::close::CloseReason;
use crate::metrics::{Allocation, Lookup};
use crate::redis_bus::{Bus, BusError, Release};
use crate::request::RendezvousId;
use crate::shared::Shared;
use crate::wire;

/// Random numbers tried per length in one allocation script call.
const CANDIDATES: usize = 8;
/// Script calls before an allocation gives up (each finds a free number
/// with odds of at least 1 - 10⁻⁸).
const ATTEMPTS: usize = 3;
/// Random draws before a local allocation gives up.
const LOCAL_DRAWS: usize = 64;

/// Allocates a channel. `KEYS[1..L]` are the sets of waiting channels of
/// each length (3 to 6 digits), `KEYS[L+1..]` the candidates' channel keys,
/// `ARGV[3]` (`per`) of them for each length in the same order. `ARGV[1]`
/// is the value, `ARGV[2]` the lifetime in ms, `ARGV[4..3+L]` each
/// length's capacity, `ARGV[4+L..]` the candidates' numbers. The first
/// length whose set is under capacity is used: its first candidate that
/// `SET NX` takes is returned, `{1, i}` (the candidate's 1-based index);
/// `{0, 0}` when all its candidates were taken (try again), `{-1, 0}` when
/// every length is full.
const ALLOCATE_SCRIPT: &str = r"
local per = tonumber(ARGV[3])
local lengths = #KEYS / (per + 1)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
for i = 1, lengths do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  if redis.call('ZCARD', KEYS[i]) < tonumber(ARGV[3 + i]) then
    for j = 1, per do
      local c = (i - 1) * per + j
      if redis.call('SET', KEYS[lengths + c], ARGV[1], 'NX', 'PX', ttl) then
        redis.call('ZADD', KEYS[i], now + ttl, ARGV[3 + lengths + c])
        return {1, c}
      end
    end
    return {0, 0}
  end
end
return {-1, 0}
";

/// Takes a channel for a guest: `KEYS[1]` the channel key, `KEYS[2]` its
/// length's set, `ARGV[1]` its number, `ARGV[2]` the alive-key prefix.
/// Deletes it and returns the host's rendezvous key, or nil when there is
/// no such channel or its host's node is gone.
const TAKE_SCRIPT: &str = r"
local v = redis.call('GET', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if not v then return false end
redis.call('DEL', KEYS[1])
local node, key = string.match(v, '^([^/]+)/(.+)$')
if node == nil or redis.call('EXISTS', ARGV[2] .. node) == 0 then return false end
return key
";

/// Releases a host's channel if it is still the host's: `KEYS[1]` the
/// channel key, `KEYS[2]` its length's set, `ARGV[1]` the host's value,
/// `ARGV[2]` the number.
const RELEASE_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[2])
  return 1
end
return 0
";

/// The Redis scripts of channels, hashed once per node.
#[derive(Debug)]
pub(crate) struct Scripts {
    allocate: redis::Script,
    take: redis::Script,
    release: redis::Script,
}

impl Default for Scripts {
    fn default() -> Scripts {
        Scripts {
            allocate: redis::Script::new(ALLOCATE_SCRIPT),
            take: redis::Script::new(TAKE_SCRIPT),
            release: redis::Script::new(RELEASE_SCRIPT),
        }
    }
}

/// The Redis key of a channel.
pub(crate) fn channel_key(channel: Channel) -> String {
    format!("certbridge:channel:{channel}")
}

/// The Redis sorted set of the waiting channels of `digits` digits.
pub(crate) fn waiting_key(digits: usize) -> String {
    format!("certbridge:channels:{digits}")
}

/// A channel's value in Redis: `{node}/{key}`.
fn value(node: &str, key: &RendezvousId) -> String {
    format!("{node}/{}", key.as_str())
}

/// Why no channel could be allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AllocError {
    /// Every length up to 6 digits has a tenth of its numbers waiting.
    Full,
    /// Redis is configured but unreachable (or randomness failed).
    Unavailable,
}

/// The channels of a node without Redis.
#[derive(Debug, Default)]
pub(crate) struct LocalChannels {
    inner: Mutex<Local>,
}

#[derive(Debug, Default)]
struct Local {
    map: HashMap<Channel, RendezvousId>,
    /// Waiting channels of each length.
    taken: [u64; LENGTHS],
}

impl LocalChannels {
    fn lock(&self) -> std::sync::MutexGuard<'_, Local> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A free channel, now held by `key`.
    fn allocate(&self, key: &RendezvousId) -> Result<Channel, AllocError> {
        let mut local = self.lock();
        let digits = digits_for(|d| local.taken[d - MIN_CHANNEL_DIGITS]).ok_or(AllocError::Full)?;
        for _ in 0..LOCAL_DRAWS {
            let channel = random_channel(digits).ok_or(AllocError::Unavailable)?;
            if let std::collections::hash_map::Entry::Vacant(e) = local.map.entry(channel) {
                e.insert(key.clone());
                local.taken[digits - MIN_CHANNEL_DIGITS] += 1;
                return Ok(channel);
            }
        }
        // Under a tenth taken, 64 draws all taken has odds below 10⁻⁶⁴.
        Err(AllocError::Full)
    }

    /// Takes a channel out; its host's key, if it was there.
    fn take(&self, channel: Channel) -> Option<RendezvousId> {
        let mut local = self.lock();
        let key = local.map.remove(&channel)?;
        local.taken[channel.digits() - MIN_CHANNEL_DIGITS] -= 1;
        Some(key)
    }

    /// Takes a channel out if `key` still holds it.
    fn release(&self, channel: Channel, key: &RendezvousId) {
        let mut local = self.lock();
        if local.map.get(&channel) == Some(key) {
            local.map.remove(&channel);
            local.taken[channel.digits() - MIN_CHANNEL_DIGITS] -= 1;
        }
    }
}

/// A uniformly random channel of `digits` digits, from the OS's
/// randomness; `None` if that fails.
fn random_channel(digits: usize) -> Option<Channel> {
    let n = space(digits);
    // Draws at or above the largest multiple of n under 2³² are thrown
    // away, so that every number is equally likely.
    let limit = (1u64 << 32) / n * n;
    loop {
        let mut b = [0u8; 4];
        getrandom::fill(&mut b).ok()?;
        let x = u64::from(u32::from_be_bytes(b));
        if x < limit {
            return Channel::new(u32::try_from(x % n).ok()?, digits);
        }
    }
}

/// A host's channel: waiting from its allocation until dropped, when it is
/// released (if no guest took it first) on every node.
#[derive(Debug)]
pub(crate) struct ChannelHold {
    shared: Arc<Shared>,
    channel: Channel,
    key: RendezvousId,
    since: Instant,
    /// A guest took it (and deleted it): nothing to release.
    taken: bool,
}

impl ChannelHold {
    /// The channel's number.
    pub(crate) fn channel(&self) -> Channel {
        self.channel
    }

    /// The rendezvous key its host waits under.
    pub(crate) fn key(&self) -> &RendezvousId {
        &self.key
    }

    /// When it was allocated: its host wait, and its lifetime in Redis,
    /// count from here.
    pub(crate) fn since(&self) -> Instant {
        self.since
    }

    /// Ends the hold of a channel its guest has taken: the lookup deleted
    /// it already, on every node.
    pub(crate) fn taken(mut self) {
        self.taken = true;
    }

    /// Seconds until the host wait ends, rounded up (what the host is told).
    pub(crate) fn expires_in(&self, now: Instant) -> u64 {
        let left = (self.since + self.shared.limits.host_wait).saturating_duration_since(now);
        left.as_secs() + u64::from(left.subsec_nanos() > 0)
    }
}

impl Drop for ChannelHold {
    fn drop(&mut self) {
        self.shared.metrics.channels_waiting(-1);
        if self.taken {
            return;
        }
        match &self.shared.bus {
            Some(bus) => bus.release_later(Release::Channel { channel: self.channel, value: value(bus.node(), &self.key) }),
            None => self.shared.channels.release(self.channel, &self.key),
        }
    }
}

/// Allocates a channel for a new host, with a fresh rendezvous key.
pub(crate) async fn allocate(shared: &Arc<Shared>) -> Result<ChannelHold, AllocError> {
    let result = allocate_inner(shared).await;
    shared.metrics.allocation(match &result {
        Ok(_) => Allocation::Allocated,
        Err(AllocError::Full) => Allocation::Full,
        Err(AllocError::Unavailable) => Allocation::Unavailable,
    });
    result
}

async fn allocate_inner(shared: &Arc<Shared>) -> Result<ChannelHold, AllocError> {
    let mut random = [0u8; 16];
    getrandom::fill(&mut random).map_err(|_| AllocError::Unavailable)?;
    let key = RendezvousId::channel_key(random);
    let since = Instant::now();
    let channel = match &shared.bus {
        None => shared.channels.allocate(&key)?,
        Some(bus) => allocate_in_redis(bus, &value(bus.node(), &key), shared.limits.host_wait).await?,
    };
    shared.metrics.channels_waiting(1);
    Ok(ChannelHold { shared: Arc::clone(shared), channel, key, since, taken: false })
}

async fn allocate_in_redis(bus: &Bus, value: &str, ttl: Duration) -> Result<Channel, AllocError> {
    let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
    for _ in 0..ATTEMPTS {
        let mut candidates = Vec::with_capacity(LENGTHS * CANDIDATES);
        for digits in MIN_CHANNEL_DIGITS..=MAX_CHANNEL_DIGITS {
            for _ in 0..CANDIDATES {
                candidates.push(random_channel(digits).ok_or(AllocError::Unavailable)?);
            }
        }
        let mut inv = bus.channel_scripts.allocate.prepare_invoke();
        inv.arg(value).arg(ttl_ms).arg(CANDIDATES);
        for digits in MIN_CHANNEL_DIGITS..=MAX_CHANNEL_DIGITS {
            inv.key(waiting_key(digits)).arg(capacity(digits));
        }
        for c in &candidates {
            inv.key(channel_key(*c));
        }
        for c in &candidates {
            inv.arg(c.to_string());
        }
        let mut conn = bus.conn().map_err(|_| AllocError::Unavailable)?;
        let (status, index): (i64, usize) = bus.op(inv.invoke_async(&mut conn)).await.map_err(|e| {
            tracing::debug!(error = %e, "cannot allocate a channel in Redis");
            AllocError::Unavailable
        })?;
        match status {
            1 => return index.checked_sub(1).and_then(|i| candidates.get(i).copied()).ok_or(AllocError::Unavailable),
            0 => continue,
            _ => return Err(AllocError::Full),
        }
    }
    Err(AllocError::Full)
}

/// Takes `channel` for a guest (single use): the key its host waits
/// under. [`CloseReason::NoSuchSession`] when nobody holds it (at once,
/// without the guest wait), [`CloseReason::BackendUnavailable`] when this
/// node cannot reach Redis.
pub(crate) async fn take(shared: &Shared, channel: Channel) -> Result<RendezvousId, CloseReason> {
    let result = match &shared.bus {
        None => shared.channels.take(channel).ok_or(CloseReason::NoSuchSession),
        Some(bus) => match take_in_redis(bus, channel).await {
            Ok(Some(key)) => RendezvousId::parse_channel_key(&key).ok_or(CloseReason::NoSuchSession),
            Ok(None) => Err(CloseReason::NoSuchSession),
            Err(e) => {
                tracing::debug!(error = %e, "cannot look a channel up in Redis");
                Err(CloseReason::BackendUnavailable)
            }
        },
    };
    shared.metrics.lookup(match &result {
        Ok(_) => Lookup::Paired,
        Err(CloseReason::NoSuchSession) => Lookup::Unknown,
        Err(_) => Lookup::Unavailable,
    });
    result
}

async fn take_in_redis(bus: &Bus, channel: Channel) -> Result<Option<String>, BusError> {
    let mut conn = bus.conn()?;
    let mut inv = bus.channel_scripts.take.prepare_invoke();
    inv.key(channel_key(channel))
        .key(waiting_key(channel.digits()))
        .arg(channel.to_string())
        .arg(wire::alive_key(""));
    bus.op(inv.invoke_async(&mut conn)).await
}

/// Releases a channel in Redis if `value` still holds it (the
/// housekeeping task's half of [`ChannelHold`]'s drop).
pub(crate) async fn release_in_redis(bus: &Bus, channel: Channel, value: &str) -> Result<(), BusError> {
    let mut conn = bus.conn()?;
    let mut inv = bus.channel_scripts.release.prepare_invoke();
    inv.key(channel_key(channel)).key(waiting_key(channel.digits())).arg(value).arg(channel.to_string());
    let _: i64 = bus.op(inv.invoke_async(&mut conn)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> RendezvousId {
        RendezvousId::channel_key([n; 16])
    }

    #[test]
    fn random_channels_cover_their_length() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..20_000 {
            let c = random_channel(3).unwrap();
            assert_eq!(c.digits(), 3);
            seen.insert(c);
        }
        // 20,000 draws from 1,000 numbers miss one with odds ~10⁻⁶.
        assert_eq!(seen.len(), 1000);
        assert!((0..100).all(|_| random_channel(6).unwrap().to_string().len() == 6));
    }

    #[test]
    fn local_channels_are_unique_grow_and_fill_up() {
        let local = LocalChannels::default();
        let mut all = std::collections::HashSet::new();
        let mut by_length = [0usize; LENGTHS];
        // 100 + 1,000 + 10,000 + 100,000: every length at its tenth.
        for i in 0..111_100u32 {
            let c = local.allocate(&key((i % 251) as u8)).unwrap();
            assert!(all.insert(c), "{c} given twice");
            by_length[c.digits() - MIN_CHANNEL_DIGITS] += 1;
        }
        assert_eq!(by_length, [100, 1000, 10_000, 100_000]);
        assert_eq!(local.allocate(&key(0)), Err(AllocError::Full));
        // One 3-digit channel taken frees a place, and 3 digits come back.
        let three = *all.iter().find(|c| c.digits() == 3).unwrap();
        assert!(local.take(three).is_some());
        assert!(local.take(three).is_none(), "single use");
        assert_eq!(local.allocate(&key(1)).unwrap().digits(), 3);
    }

    #[test]
    fn a_local_release_frees_only_its_own_channel() {
        let local = LocalChannels::default();
        let c = local.allocate(&key(1)).unwrap();
        local.release(c, &key(2));
        assert_eq!(local.take(c), Some(key(1)));
        let c = local.allocate(&key(3)).unwrap();
        local.release(c, &key(3));
        assert_eq!(local.take(c), None);
        assert_eq!(local.lock().taken, [0; LENGTHS]);
    }
}
