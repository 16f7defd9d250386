//! Serving `wss://` directly: loads the PEM certificate chain and key into
//! a rustls server configuration (ring provider, TLS 1.2 and 1.3, ALPN
//! `http/1.1`). Behind a proxy that terminates TLS, none of this is used.

use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring;

use crate::config::TlsFiles;
use crate::error::RelayError;

/// Builds the TLS acceptor from the configured files.
pub(crate) fn acceptor(files: &TlsFiles) -> Result<TlsAcceptor, RelayError> {
    let cert_err = |source| RelayError::TlsFile { what: "cert", path: files.cert.clone(), source };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .map_err(cert_err)?
        .collect::<Result<_, _>>()
        .map_err(cert_err)?;
    if certs.is_empty() {
        return Err(RelayError::NoCertificate(files.cert.clone()));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|source| RelayError::TlsFile { what: "key", path: files.key.clone(), source })?;
    let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
