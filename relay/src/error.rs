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
    /// The Redis URL is malformed.
    #[error("the Redis URL is not valid: {0}; write it as redis://host:port/db")]
    RedisUrl(#[source] redis::RedisError),
    /// Redis could not be reached at startup.
    #[error("cannot reach Redis at startup: {0}; start redis-server or drop --redis to run a single node")]
    RedisUnreachable(#[source] redis::RedisError),
    /// The node id has characters Redis keys should not carry.
    #[error("the node id `{0}` must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'")]
    BadNodeId(String),
    /// A size does not fit this machine's `usize`.
    #[error("the value of {0} is too large")]
    TooLarge(&'static str),
}
