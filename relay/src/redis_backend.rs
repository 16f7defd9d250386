//! Where the Redis master is: a fixed `redis://` or `rediss://` URL, or
//! whatever the sentinels name as master right now (Sentinel failover).
//! Also builds the TLS settings for `rediss://` from the configured PEM
//! files. Every (re)connection asks [`Backend::client`] afresh, so after a
//! failover the bus reconnects to the promoted replica.

use std::path::Path;

use redis::sentinel::{SentinelClient, SentinelClientBuilder, SentinelServerType};
use redis::{ClientTlsConfig, ConnectionAddr, IntoConnectionInfo, TlsCertificates, TlsMode};

use crate::config::{Config, RedisTlsFiles, SentinelConfig};
use crate::error::RelayError;

/// How to reach the Redis master.
pub(crate) enum Backend {
    /// One fixed server.
    Direct(redis::Client),
    /// The master the sentinels name; the lock serialises lookups.
    Sentinel(tokio::sync::Mutex<Box<SentinelClient>>),
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL: it may hold a password.
        f.write_str(match self {
            Backend::Direct(_) => "Backend::Direct",
            Backend::Sentinel(_) => "Backend::Sentinel",
        })
    }
}

impl Backend {
    /// The backend `config` describes, or `None` without Redis. Fails on a
    /// malformed URL or unreadable TLS files, never because Redis is down.
    pub(crate) fn from_config(config: &Config) -> Result<Option<Backend>, RelayError> {
        let certs = certificates(&config.redis_tls)?;
        if let Some(sentinel) = &config.redis_sentinel {
            return sentinel_backend(sentinel, certs).map(Some);
        }
        let Some(url) = &config.redis_url else { return Ok(None) };
        let info = url.as_str().into_connection_info().map_err(RelayError::RedisUrl)?;
        let client = match certs {
            Some(certs) if matches!(info.addr(), ConnectionAddr::TcpTls { .. }) => {
                redis::Client::build_with_tls(info, certs).map_err(RelayError::RedisUrl)?
            }
            _ => redis::Client::open(info).map_err(RelayError::RedisUrl)?,
        };
        Ok(Some(Backend::Direct(client)))
    }

    /// A client for the current master.
    pub(crate) async fn client(&self) -> redis::RedisResult<redis::Client> {
        match self {
            Backend::Direct(c) => Ok(c.clone()),
            Backend::Sentinel(s) => s.lock().await.async_get_client().await,
        }
    }
}

fn sentinel_backend(cfg: &SentinelConfig, certs: Option<TlsCertificates>) -> Result<Backend, RelayError> {
    let bad = |msg: String| RelayError::RedisUrl(redis::RedisError::from((redis::ErrorKind::InvalidClientConfig, "sentinel", msg)));
    let mut addrs = Vec::with_capacity(cfg.sentinels.len());
    for s in &cfg.sentinels {
        let (host, port) = s.rsplit_once(':').ok_or_else(|| bad(format!("`{s}` is not host:port")))?;
        let port: u16 = port.parse().map_err(|_| bad(format!("`{s}` has no valid port")))?;
        let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        addrs.push(if cfg.tls {
            ConnectionAddr::TcpTls { host, port, insecure: false, tls_params: None }
        } else {
            ConnectionAddr::Tcp(host, port)
        });
    }
    let mut b = SentinelClientBuilder::new(addrs, &cfg.master, SentinelServerType::Master).map_err(RelayError::RedisUrl)?;
    if let Some(pw) = &cfg.password {
        b = b.set_client_to_redis_password(pw);
    }
    if cfg.tls {
        b = b.set_client_to_redis_tls_mode(TlsMode::Secure).set_client_to_sentinel_tls_mode(TlsMode::Secure);
        if let Some(certs) = certs {
            b = b.set_client_to_redis_certificates(certs.clone()).set_client_to_sentinel_certificates(certs);
        }
    }
    let client = b.build().map_err(RelayError::RedisUrl)?;
    Ok(Backend::Sentinel(tokio::sync::Mutex::new(Box::new(client))))
}

/// The TLS material for Redis, when any file is configured.
fn certificates(files: &RedisTlsFiles) -> Result<Option<TlsCertificates>, RelayError> {
    let read = |p: &Path| std::fs::read(p).map_err(|source| RelayError::RedisTlsFile { path: p.to_owned(), source });
    let root_cert = files.ca.as_deref().map(read).transpose()?;
    let client_tls = match (&files.cert, &files.key) {
        (Some(cert), Some(key)) => Some(ClientTlsConfig { client_cert: read(cert)?, client_key: read(key)? }),
        _ => None,
    };
    Ok((root_cert.is_some() || client_tls.is_some()).then_some(TlsCertificates { client_tls, root_cert }))
}
