//! Why the relay could not start or keep running. Per-connection problems
//! never become a [`RelayError`]: they end that connection with a close code
//! ([`CloseReason`](crate::CloseReason)).

use std::path::PathBuf;

/// An error that stops the relay.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RelayError {
    /// A TLS file could not be read.
    #[error("cannot read the TLS {what} file {path}: {source}; check the path given to --tls-{what}")]
    TlsFile {
        /// `cert` or `key`.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: rustls_pki_types::pem::Error,
    },
    /// The certificate file holds no certificate.
    #[error("the TLS certificate file {0} holds no PEM certificate (-----BEGIN CERTIFICATE-----)")]
    NoCertificate(PathBuf),
    /// rustls refused the certificate and key.
    #[error("the TLS certificate and key do not make a usable server configuration: {0}; check that the key belongs to the certificate")]
    Tls(#[from] tokio_rustls::rustls::Error),
    /// The Redis URL or Sentinel settings are malformed.
    #[error("the Redis settings are not valid: {0}; write --redis as redis://host:port/db or rediss://host:port/db, --redis-sentinel as host:port")]
    RedisUrl(#[source] redis::RedisError),
    /// A file for TLS to Redis could not be read.
    #[error("cannot read the Redis TLS file {path}: {source}; check --redis-ca, --redis-cert and --redis-key")]
    RedisTlsFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A flag that was replaced by another.
    #[error("{old} was replaced by {new}; see docs/RELAY.md")]
    Replaced {
        /// The old flag.
        old: &'static str,
        /// What to use instead.
        new: &'static str,
    },
    /// A listening socket could not be set up.
    #[error("cannot listen on {addr}: {source}; choose another address")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The node id has characters Redis keys should not carry.
    #[error("the node id `{0}` must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'")]
    BadNodeId(String),
    /// A size does not fit this machine's `usize`.
    #[error("the value of {0} is too large")]
    TooLarge(&'static str),
}
