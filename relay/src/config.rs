//! The relay's settings: [`Config`] and its [`Limits`], with the defaults
//! documented in `docs/RELAY.md`, and [`Args`], the command line (every
//! flag also read from a `CERTBRIDGE_RELAY_*` environment variable).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use ipnet::IpNet;

use crate::error::RelayError;

/// Everything [`run`](crate::run) needs to know.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// This node's name in Redis claims and channels. Must be unique among
    /// the nodes sharing one Redis.
    pub node_id: String,
    /// `redis://…` or `rediss://…` URL of the Redis shared by all nodes;
    /// `None` for a single node (or with [`Config::redis_sentinel`]).
    pub redis_url: Option<String>,
    /// Find the Redis master through Sentinel instead of a fixed URL.
    pub redis_sentinel: Option<SentinelConfig>,
    /// Files for TLS to Redis (`rediss://`, or Sentinel with TLS).
    pub redis_tls: RedisTlsFiles,
    /// Certificate and key to serve TLS directly; `None` for plain HTTP
    /// behind a proxy that terminates TLS.
    pub tls: Option<TlsFiles>,
    /// Networks of the proxies whose `X-Forwarded-For` is believed: the
    /// client is the right-most address that is not one of them.
    pub trusted_proxies: Vec<IpNet>,
    /// The limits.
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            node_id: random_node_id(),
            redis_url: None,
            redis_sentinel: None,
            redis_tls: RedisTlsFiles::default(),
            tls: None,
            trusted_proxies: Vec::new(),
            limits: Limits::default(),
        }
    }
}

impl Config {
    /// Whether this node shares state through Redis.
    pub fn uses_redis(&self) -> bool {
        self.redis_url.is_some() || self.redis_sentinel.is_some()
    }
}

/// Redis behind Sentinel: where the sentinels are and which master to ask
/// them for.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SentinelConfig {
    /// `host:port` of each sentinel.
    pub sentinels: Vec<String>,
    /// The master's name in the sentinels' configuration.
    pub master: String,
    /// Password of the master (not of the sentinels), if it has one.
    pub password: Option<String>,
    /// Speak TLS to the sentinels and the master.
    pub tls: bool,
}

impl SentinelConfig {
    /// Sentinels at `sentinels` watching the master named `master`.
    pub fn new(sentinels: Vec<String>, master: impl Into<String>) -> SentinelConfig {
        SentinelConfig { sentinels, master: master.into(), password: None, tls: false }
    }
}

/// PEM files for TLS to Redis. Without a CA file the system's roots are
/// used; the client certificate and key are for servers that require
/// client authentication (`tls-auth-clients yes`, Redis's default).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RedisTlsFiles {
    /// CA certificates that sign the Redis server's certificate.
    pub ca: Option<PathBuf>,
    /// Client certificate chain.
    pub cert: Option<PathBuf>,
    /// Client private key.
    pub key: Option<PathBuf>,
}

impl RedisTlsFiles {
    /// Trust `ca` for the Redis server; no client certificate.
    pub fn with_ca(ca: impl Into<PathBuf>) -> RedisTlsFiles {
        RedisTlsFiles { ca: Some(ca.into()), cert: None, key: None }
    }
}

/// PEM files for TLS.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// Certificate chain, leaf first.
    pub cert: PathBuf,
    /// Private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// Bounds on what one client or the whole relay may use. `0` in a rate or
/// a count means "no limit".
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Limits {
    /// Largest single message (close 4009).
    pub max_message_bytes: usize,
    /// Most bytes a session carries, both directions together (close 4008).
    pub max_session_bytes: u64,
    /// How long a host waits for its guest (close 4005).
    pub host_wait: Duration,
    /// How long a guest waits for a host to exist (close 4004).
    pub guest_wait: Duration,
    /// How long a paired session may go without a message (close 4006).
    pub idle: Duration,
    /// How long a paired session may last in all (close 4007).
    pub max_session_time: Duration,
    /// Rendezvous requests per client address per minute (HTTP 429),
    /// counted across all nodes sharing Redis. An IPv6 client is counted
    /// by its /64.
    pub connections_per_ip_per_minute: u32,
    /// New sessions (hosts and guests) per client address per minute
    /// (HTTP 429), counted across all nodes sharing Redis.
    pub sessions_per_ip_per_minute: u32,
    /// Channel lookups by guests (`/v1/channel/{digits}`) per client
    /// address per minute (HTTP 429), counted across all nodes sharing
    /// Redis, whether the channel exists or not: what keeps channels from
    /// being enumerated.
    pub channel_lookups_per_ip_per_minute: u32,
    /// Channels asked for by hosts (`/v1/channel`) per client address per
    /// minute (HTTP 429), counted across all nodes sharing Redis: what
    /// keeps the channel space from being exhausted.
    pub channels_per_ip_per_minute: u32,
    /// Connections from one address that may be open on this node before
    /// their WebSocket upgrade (TLS handshake, headers); more are dropped
    /// at once. Trusted proxies are exempt.
    pub pending_per_ip: u32,
    /// WebSocket connections (waiting or paired) the node holds at once
    /// (HTTP 503).
    pub max_connections: usize,
    /// Time to complete the TLS handshake and send the request headers,
    /// both together; slower connections are dropped.
    pub header_timeout: Duration,
    /// How long a waiting or paired connection may be silent before the
    /// relay pings it.
    pub ping_interval: Duration,
    /// How long a pinged connection has to answer (close 4003).
    pub ping_timeout: Duration,
    /// On shutdown, how long paired sessions may go on before they are
    /// closed with 1001.
    pub drain_deadline: Duration,
    /// The WebSocket read buffer per connection. Small, so that 20,000
    /// waiting sessions fit in little memory; it grows for large messages.
    pub ws_buffer_bytes: usize,
    /// Lifetime of the Redis claim keys; refreshed every third of it.
    pub claim_ttl: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 64 * 1024,
            max_session_bytes: 1024 * 1024,
            host_wait: Duration::from_secs(600),
            guest_wait: Duration::from_secs(5),
            idle: Duration::from_secs(60),
            max_session_time: Duration::from_secs(600),
            connections_per_ip_per_minute: 120,
            sessions_per_ip_per_minute: 60,
            channel_lookups_per_ip_per_minute: 10,
            channels_per_ip_per_minute: 10,
            pending_per_ip: 20,
            max_connections: 50_000,
            header_timeout: Duration::from_secs(10),
            ping_interval: Duration::from_secs(15),
            ping_timeout: Duration::from_secs(10),
            drain_deadline: Duration::from_secs(20),
            ws_buffer_bytes: 1024,
            claim_ttl: Duration::from_secs(30),
        }
    }
}

/// A fresh node id: `node-` and 8 random hex digits.
fn random_node_id() -> String {
    let mut b = [0u8; 4];
    // Without randomness the id is still unique enough per process.
    if getrandom::fill(&mut b).is_err() {
        b = std::process::id().to_be_bytes();
    }
    format!("node-{:02x}{:02x}{:02x}{:02x}", b[0], b[1], b[2], b[3])
}

/// Checks a node id: 1–64 characters of `A-Z a-z 0-9 . _ -`.
pub(crate) fn check_node_id(id: &str) -> Result<(), RelayError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(RelayError::BadNodeId(id.to_owned()))
    }
}

/// Splits `s` (trimmed) into its leading decimal number and the unit after
/// it (trimmed); `what` completes "`s` is not …" when there is no number.
fn number_and_unit<'a>(s: &'a str, what: &str) -> Result<(&'a str, u64, &'a str), String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n = num.parse().map_err(|_| format!("`{s}` is not {what}"))?;
    Ok((s, n, unit.trim()))
}

/// Parses a duration: a number with a unit (`250ms`, `5s`, `10m`, `1h`),
/// or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let (s, n, unit) = number_and_unit(s, "a duration; write e.g. 500ms, 5s, 10m or 1h")?;
    let d = match unit {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        "h" => Duration::from_secs(n.saturating_mul(3600)),
        other => return Err(format!("unknown unit `{other}` in `{s}`; use ms, s, m or h")),
    };
    Ok(d)
}

/// Parses a byte size: a number with an optional `K`/`KiB` or `M`/`MiB`
/// suffix (powers of 1024).
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let (s, n, unit) = number_and_unit(s, "a size; write e.g. 65536, 64KiB or 1MiB")?;
    let mul = match unit {
        "" | "B" => 1,
        "K" | "KiB" | "k" => 1024,
        "M" | "MiB" => 1024 * 1024,
        other => return Err(format!("unknown unit `{other}` in `{s}`; use KiB or MiB")),
    };
    n.checked_mul(mul).ok_or_else(|| format!("`{s}` is too large"))
}

/// Parses a proxy network: `10.0.0.0/8`, `2001:db8::/32`, or one address.
pub fn parse_net(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{s}` is not a network; write e.g. 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32"))
}

/// The command line of `certbridge-relay`.
#[derive(Debug, Parser)]
#[command(name = "certbridge-relay", version, about = "CertBridge WebSocket rendezvous relay")]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "CERTBRIDGE_RELAY_LISTEN", default_value = "0.0.0.0:8080")]
    pub listen: SocketAddr,
    /// Listen backlog: connections the kernel queues before the relay
    /// accepts them (capped by net.core.somaxconn).
    #[arg(long, env = "CERTBRIDGE_RELAY_LISTEN_BACKLOG", default_value_t = 4096)]
    pub listen_backlog: u32,
    /// Serve /metrics on this address only (and not on --listen).
    #[arg(long, env = "CERTBRIDGE_RELAY_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// Redis shared by all nodes (redis://host:port/db, or rediss:// for
    /// TLS). Without it (and without --redis-sentinel) the node works alone.
    #[arg(long, env = "CERTBRIDGE_RELAY_REDIS", conflicts_with = "redis_sentinel")]
    pub redis: Option<String>,
    /// A Redis Sentinel (host:port); repeat for each. The relay asks them
    /// for the master named by --redis-master and follows failovers.
    #[arg(long, env = "CERTBRIDGE_RELAY_REDIS_SENTINEL", value_delimiter = ',')]
    pub redis_sentinel: Vec<String>,
    /// The master's name in the sentinels' configuration.
    #[arg(long, env = "CERTBRIDGE_RELAY_REDIS_MASTER", default_value = "certbridge")]
    pub redis_master: String,
    /// Password of the Redis master found through Sentinel.
    #[arg(long, env = "CERTBRIDGE_RELAY_REDIS_PASSWORD", hide_env_values = true)]
    pub redis_password: Option<String>,
    /// Speak TLS to the sentinels and the master.
    #[arg(long, env = "CERTBRIDGE_RELAY_REDIS_SENTINEL_TLS")]
    pub redis_sentinel_tls: bool,
    /// CA certificates (PEM) for TLS to Redis; default: the system's roots.
    #[arg(long, env = "CERTBRIDGE_RELAY_REDIS_CA")]
    pub redis_ca: Option<PathBuf>,
    /// Client certificate (PEM) for TLS to Redis.
    #[arg(long, env = "CERTBRIDGE_RELAY_REDIS_CERT", requires = "redis_key")]
    pub redis_cert: Option<PathBuf>,
    /// Client private key (PEM) for TLS to Redis.
    #[arg(long, env = "CERTBRIDGE_RELAY_REDIS_KEY", requires = "redis_cert")]
    pub redis_key: Option<PathBuf>,
    /// This node's unique name among the nodes sharing Redis (default: random).
    #[arg(long, env = "CERTBRIDGE_RELAY_NODE_ID")]
    pub node_id: Option<String>,
    /// TLS certificate chain (PEM). With --tls-key, serve wss:// directly.
    #[arg(long, env = "CERTBRIDGE_RELAY_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, env = "CERTBRIDGE_RELAY_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// A proxy network (CIDR) whose X-Forwarded-For is believed; repeat for
    /// each. The client is the right-most address not in these networks.
    #[arg(long, env = "CERTBRIDGE_RELAY_TRUSTED_PROXY", value_delimiter = ',', value_parser = parse_net)]
    pub trusted_proxy: Vec<IpNet>,
    /// Replaced by --trusted-proxy (refused with a message).
    #[arg(long, env = "CERTBRIDGE_RELAY_TRUST_FORWARDED_FOR", hide = true)]
    pub trust_forwarded_for: bool,
    /// Largest message (close 4009).
    #[arg(long, env = "CERTBRIDGE_RELAY_MAX_MESSAGE", default_value = "64KiB", value_parser = parse_bytes)]
    pub max_message: u64,
    /// Most bytes per session, both directions (close 4008).
    #[arg(long, env = "CERTBRIDGE_RELAY_MAX_SESSION_BYTES", default_value = "1MiB", value_parser = parse_bytes)]
    pub max_session_bytes: u64,
    /// How long a host waits for its guest (close 4005).
    #[arg(long, env = "CERTBRIDGE_RELAY_HOST_WAIT", default_value = "10m", value_parser = parse_duration)]
    pub host_wait: Duration,
    /// How long a guest waits for its host to appear (close 4004).
    #[arg(long, env = "CERTBRIDGE_RELAY_GUEST_WAIT", default_value = "5s", value_parser = parse_duration)]
    pub guest_wait: Duration,
    /// Longest silence in a paired session (close 4006).
    #[arg(long, env = "CERTBRIDGE_RELAY_IDLE", default_value = "60s", value_parser = parse_duration)]
    pub idle: Duration,
    /// Longest paired session (close 4007).
    #[arg(long, env = "CERTBRIDGE_RELAY_MAX_SESSION_TIME", default_value = "10m", value_parser = parse_duration)]
    pub max_session_time: Duration,
    /// Rendezvous requests per client address per minute, all nodes
    /// together; 0 = no limit (HTTP 429).
    #[arg(long, env = "CERTBRIDGE_RELAY_CONNECTIONS_PER_IP", default_value_t = 120)]
    pub connections_per_ip: u32,
    /// New sessions (host or guest) per client address per minute, all
    /// nodes together; 0 = no limit (HTTP 429).
    #[arg(long, env = "CERTBRIDGE_RELAY_SESSIONS_PER_IP", default_value_t = 60)]
    pub sessions_per_ip: u32,
    /// Channel lookups by guests per client address per minute, all nodes
    /// together, found or not; 0 = no limit (HTTP 429).
    #[arg(long, env = "CERTBRIDGE_RELAY_CHANNEL_LOOKUPS_PER_IP", default_value_t = 10)]
    pub channel_lookups_per_ip: u32,
    /// Channels asked for by hosts per client address per minute, all
    /// nodes together; 0 = no limit (HTTP 429).
    #[arg(long, env = "CERTBRIDGE_RELAY_CHANNELS_PER_IP", default_value_t = 10)]
    pub channels_per_ip: u32,
    /// Connections per client address open before their upgrade, on this
    /// node; 0 = no limit (dropped).
    #[arg(long, env = "CERTBRIDGE_RELAY_PENDING_PER_IP", default_value_t = 20)]
    pub pending_per_ip: u32,
    /// WebSocket connections held at once; 0 = no limit (HTTP 503).
    #[arg(long, env = "CERTBRIDGE_RELAY_MAX_CONNECTIONS", default_value_t = 50_000)]
    pub max_connections: usize,
    /// Time for the TLS handshake and request headers together (slowloris guard).
    #[arg(long, env = "CERTBRIDGE_RELAY_HEADER_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub header_timeout: Duration,
    /// Silence after which the relay pings a connection.
    #[arg(long, env = "CERTBRIDGE_RELAY_PING_INTERVAL", default_value = "15s", value_parser = parse_duration)]
    pub ping_interval: Duration,
    /// Time a pinged connection has to answer (close 4003).
    #[arg(long, env = "CERTBRIDGE_RELAY_PING_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub ping_timeout: Duration,
    /// On shutdown, how long paired sessions may finish before 1001.
    #[arg(long, env = "CERTBRIDGE_RELAY_DRAIN", default_value = "20s", value_parser = parse_duration)]
    pub drain: Duration,
    /// WebSocket read buffer per connection.
    #[arg(long, env = "CERTBRIDGE_RELAY_WS_BUFFER", default_value = "1KiB", value_parser = parse_bytes)]
    pub ws_buffer: u64,
    /// Lifetime of Redis claim keys (refreshed every third of it).
    #[arg(long, env = "CERTBRIDGE_RELAY_CLAIM_TTL", default_value = "30s", value_parser = parse_duration)]
    pub claim_ttl: Duration,
    /// Log filter (tracing `EnvFilter` syntax), e.g. `info` or `certbridge_relay=debug`.
    #[arg(long, env = "CERTBRIDGE_RELAY_LOG", default_value = "info")]
    pub log: String,
    /// Log as JSON lines instead of text.
    #[arg(long, env = "CERTBRIDGE_RELAY_LOG_JSON")]
    pub log_json: bool,
    /// Ask the relay at --listen (127.0.0.1 for a wildcard address) for
    /// /readyz and exit 0 if it is ready, 1 if not: a container health check.
    #[arg(long)]
    pub health_check: bool,
}

impl Args {
    /// The [`Config`] these arguments describe.
    pub fn to_config(&self) -> Result<Config, RelayError> {
        if self.trust_forwarded_for {
            return Err(RelayError::Replaced { old: "--trust-forwarded-for", new: "--trusted-proxy CIDR" });
        }
        let usize_of = |v: u64, what: &'static str| usize::try_from(v).map_err(|_| RelayError::TooLarge(what));
        let config = Config {
            node_id: self.node_id.clone().unwrap_or_else(random_node_id),
            redis_url: self.redis.clone(),
            redis_sentinel: (!self.redis_sentinel.is_empty()).then(|| SentinelConfig {
                sentinels: self.redis_sentinel.clone(),
                master: self.redis_master.clone(),
                password: self.redis_password.clone(),
                tls: self.redis_sentinel_tls,
            }),
            redis_tls: RedisTlsFiles {
                ca: self.redis_ca.clone(),
                cert: self.redis_cert.clone(),
                key: self.redis_key.clone(),
            },
            tls: match (&self.tls_cert, &self.tls_key) {
                (Some(cert), Some(key)) => Some(TlsFiles { cert: cert.clone(), key: key.clone() }),
                _ => None,
            },
            trusted_proxies: self.trusted_proxy.clone(),
            limits: Limits {
                max_message_bytes: usize_of(self.max_message, "--max-message")?,
                max_session_bytes: self.max_session_bytes,
                host_wait: self.host_wait,
                guest_wait: self.guest_wait,
                idle: self.idle,
                max_session_time: self.max_session_time,
                connections_per_ip_per_minute: self.connections_per_ip,
                sessions_per_ip_per_minute: self.sessions_per_ip,
                channel_lookups_per_ip_per_minute: self.channel_lookups_per_ip,
                channels_per_ip_per_minute: self.channels_per_ip,
                pending_per_ip: self.pending_per_ip,
                max_connections: self.max_connections,
                header_timeout: self.header_timeout,
                ping_interval: self.ping_interval,
                ping_timeout: self.ping_timeout,
                drain_deadline: self.drain,
                ws_buffer_bytes: usize_of(self.ws_buffer, "--ws-buffer")?,
                claim_ttl: self.claim_ttl,
            },
        };
        check_node_id(&config.node_id)?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_secs(7)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("ms").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_bytes("65536"), Ok(65536));
        assert_eq!(parse_bytes("64KiB"), Ok(65536));
        assert_eq!(parse_bytes("1MiB"), Ok(1 << 20));
        assert!(parse_bytes("1GiB").is_err());
        assert!(parse_bytes("99999999999999999999").is_err());
    }

    #[test]
    fn proxy_networks() {
        assert_eq!(parse_net("10.0.0.0/8").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(parse_net("192.0.2.7").unwrap().to_string(), "192.0.2.7/32");
        assert_eq!(parse_net("2001:db8::/32").unwrap().to_string(), "2001:db8::/32");
        assert!(parse_net("10.0.0.0/33").is_err());
        assert!(parse_net("proxy.example").is_err());
    }

    #[test]
    fn the_old_forwarded_for_switch_is_refused_with_its_replacement() {
        let args = Args::try_parse_from(["certbridge-relay", "--trust-forwarded-for"]).unwrap();
        let err = args.to_config().unwrap_err().to_string();
        assert!(err.contains("--trusted-proxy"), "{err}");
    }

    #[test]
    fn node_ids() {
        assert!(check_node_id("relay-a.eu_1").is_ok());
        assert!(check_node_id("").is_err());
        assert!(check_node_id("a/b").is_err());
        assert!(check_node_id(&"a".repeat(65)).is_err());
        assert!(check_node_id(&Config::default().node_id).is_ok());
    }

    #[test]
    fn defaults_from_the_command_line_match_limits_default() {
        let args = Args::try_parse_from(["certbridge-relay"]).unwrap();
        let c = args.to_config().unwrap();
        let d = Limits::default();
        assert_eq!(c.limits.max_message_bytes, d.max_message_bytes);
        assert_eq!(c.limits.max_session_bytes, d.max_session_bytes);
        assert_eq!(c.limits.host_wait, d.host_wait);
        assert_eq!(c.limits.guest_wait, d.guest_wait);
        assert_eq!(c.limits.idle, d.idle);
        assert_eq!(c.limits.max_session_time, d.max_session_time);
        assert_eq!(c.limits.connections_per_ip_per_minute, d.connections_per_ip_per_minute);
        assert_eq!(c.limits.sessions_per_ip_per_minute, d.sessions_per_ip_per_minute);
        assert_eq!(c.limits.channel_lookups_per_ip_per_minute, d.channel_lookups_per_ip_per_minute);
        assert_eq!(c.limits.channels_per_ip_per_minute, d.channels_per_ip_per_minute);
        assert_eq!(c.limits.max_connections, d.max_connections);
        assert_eq!(c.limits.header_timeout, d.header_timeout);
        assert_eq!(c.limits.pending_per_ip, d.pending_per_ip);
        assert_eq!(c.limits.ping_interval, d.ping_interval);
        assert_eq!(c.limits.ping_timeout, d.ping_timeout);
        assert_eq!(c.limits.drain_deadline, d.drain_deadline);
        assert_eq!(c.limits.ws_buffer_bytes, d.ws_buffer_bytes);
        assert_eq!(c.limits.claim_ttl, d.claim_ttl);
    }
}
