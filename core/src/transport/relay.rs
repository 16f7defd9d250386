//! The relay path: a WebSocket to a CertBridge relay, which pairs the
//! desktop (host) and the scanner (guest) by a rendezvous id and forwards
//! their messages verbatim (`docs/RELAY.md`). One binary WebSocket message
//! carries one Noise message, so the relay only ever sees ciphertext.
//!
//! `wss://` is verified against the platform's trust store
//! (`rustls-platform-verifier`) on desktops and iOS. On Android that
//! verifier needs JNI initialisation (a `JavaVM` and an app `Context`),
//! which a library loaded through JNA, as the UniFFI Kotlin bindings load
//! it, never gets: there the relay is verified against Mozilla's roots
//! compiled in (`webpki-roots`), the set browsers ship. `ws://` is for
//! relays on the local machine and private networks.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use super::{BoxFuture, Link, LinkError, Path};
use crate::invite::MAX_RELAY_URL_LEN;
use crate::kdf::RendezvousId;

/// The largest message a relay link accepts (the relay's own default limit).
pub const MAX_RELAY_MESSAGE: usize = 64 * 1024;

/// Which side of a rendezvous this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The desktop, which showed the code.
    Host,
    /// The scanner.
    Guest,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Host => "host",
            Role::Guest => "guest",
        }
    }
}

/// Why the relay could not be reached.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RelayError {
    /// Not a `ws://` or `wss://` URL.
    #[error("{0:?} is not a relay address (it must start with wss:// or ws://)")]
    BadUrl(String),
    /// A `ws://` relay (no TLS) on a public address, not explicitly allowed.
    #[error("{0} has no TLS (ws://) and is not on this computer or a private network; use wss://")]
    Insecure(String),
    /// TLS could not be set up with the platform's trust store.
    #[error("cannot verify the relay's certificate on this system: {0}")]
    Tls(String),
    /// The connection or the WebSocket upgrade failed.
    #[error("cannot reach the relay {url}: {reason}")]
    Connect {
        /// The relay.
        url: String,
        /// What failed.
        reason: String,
    },
}

impl RelayError {
    /// The relay's address, when the error is about one.
    pub fn url(&self) -> Option<&str> {
        match self {
            RelayError::BadUrl(url) | RelayError::Insecure(url) | RelayError::Connect { url, .. } => Some(url),
            RelayError::Tls(_) => None,
        }
    }
}

/// Checks a relay URL's form (scheme, length, host present).
pub fn check_url(url: &str) -> Result<(), RelayError> {
    let rest = url
        .strip_prefix("wss://")
        .or_else(|| url.strip_prefix("ws://"))
        .ok_or_else(|| RelayError::BadUrl(url.to_owned()))?;
    if url.len() > MAX_RELAY_URL_LEN || rest.is_empty() || rest.starts_with('/') || rest.contains(['?', '#', ' ']) {
        return Err(RelayError::BadUrl(url.to_owned()));
    }
    Ok(())
}

/// True for a relay without TLS (`ws://`) that is not on this machine or a
/// private network: what passes over it is end-to-end encrypted, but its
/// close reasons and pairing are not authenticated, so such a relay is used
/// only when explicitly allowed.
pub fn is_insecure(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("ws://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    if host.eq_ignore_ascii_case("localhost") {
        return false;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => !(ip.is_loopback() || ip.is_private() || ip.is_link_local()),
        Ok(std::net::IpAddr::V6(ip)) => {
            let ula = (ip.segments()[0] & 0xfe00) == 0xfc00;
            let link_local = (ip.segments()[0] & 0xffc0) == 0xfe80;
            !(ip.is_loopback() || ula || link_local)
        }
        Err(_) => true,
    }
}

/// [`check_url`], and refuses [`is_insecure`] relays unless `allow_insecure`.
pub fn check_url_policy(url: &str, allow_insecure: bool) -> Result<(), RelayError> {
    check_url(url)?;
    if !allow_insecure && is_insecure(url) {
        return Err(RelayError::Insecure(url.to_owned()));
    }
    Ok(())
}

/// The rendezvous URL for `id` and `role` under the relay's base URL.
pub fn rendezvous_url(base: &str, id: &RendezvousId, role: Role) -> String {
    format!("{}/v1/rendezvous/{}?role={}", base.trim_end_matches('/'), id.to_hex(), role.as_str())
}

/// The TLS settings for `wss://` relays, built once per process: the host
/// reconnects to its relay for as long as the invite lives.
fn tls_config() -> Result<Arc<rustls::ClientConfig>, RelayError> {
    static CONFIG: std::sync::OnceLock<Result<Arc<rustls::ClientConfig>, String>> = std::sync::OnceLock::new();
    CONFIG
        .get_or_init(system_config)
        .clone()
        .map_err(RelayError::Tls)
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Android: the bundled roots (see the module's documentation).
#[cfg(target_os = "android")]
fn system_config() -> Result<Arc<rustls::ClientConfig>, String> {
    config_with_roots(bundled_roots())
}

/// The system's own verifier (desktops, iOS).
#[cfg(not(target_os = "android"))]
fn system_config() -> Result<Arc<rustls::ClientConfig>, String> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_platform_verifier()
        .map_err(|e| e.to_string())?
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Android's trust: Mozilla's roots, compiled in. Nothing in the library
/// can add to them; only this module's tests add a CA of their own.
#[cfg(any(test, target_os = "android"))]
fn bundled_roots() -> rustls::RootCertStore {
    rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() }
}

/// WebPKI verification (names, dates, chains) against `roots`.
#[cfg(any(test, target_os = "android"))]
fn config_with_roots(roots: rustls::RootCertStore) -> Result<Arc<rustls::ClientConfig>, String> {
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// A [`Link`] through a relay.
pub struct RelayLink {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    path: Path,
}

impl std::fmt::Debug for RelayLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayLink").field("path", &self.path).finish_non_exhaustive()
    }
}

impl RelayLink {
    /// Connects to the relay at `base` as `role` for the rendezvous `id`,
    /// within `timeout`.
    pub async fn connect(base: &str, id: &RendezvousId, role: Role, timeout: Duration) -> Result<Self, RelayError> {
        let tls = if base.starts_with("wss://") { Some(tls_config()?) } else { None };
        Self::connect_with(base, id, role, timeout, tls).await
    }

    /// [`RelayLink::connect`] with the TLS settings given.
    async fn connect_with(
        base: &str,
        id: &RendezvousId,
        role: Role,
        timeout: Duration,
        tls: Option<Arc<rustls::ClientConfig>>,
    ) -> Result<Self, RelayError> {
        check_url(base)?;
        let url = rendezvous_url(base, id, role);
        let connector = tls.map(Connector::Rustls);
        let mut config = WebSocketConfig::default();
        config.max_message_size = Some(MAX_RELAY_MESSAGE + 1024);
        config.max_frame_size = Some(MAX_RELAY_MESSAGE + 1024);
        let failed = |reason: String| RelayError::Connect { url: base.to_owned(), reason };
        let connecting = tokio_tungstenite::connect_async_tls_with_config(url, Some(config), true, connector);
        let (ws, _) = tokio::time::timeout(timeout, connecting)
            .await
            .map_err(|_| failed("timed out".into()))?
            .map_err(|e| failed(e.to_string()))?;
        Ok(Self { ws, path: Path::Relay { url: base.to_owned() } })
    }
}

fn closed_by_relay(frame: Option<CloseFrame>) -> LinkError {
    match frame {
        Some(f) if f.code != CloseCode::Normal && f.code != CloseCode::Away => {
            // The relay's words come from the other side: made inert.
            LinkError::Relay(format!("{} ({})", crate::text::sanitize(&f.reason, 120), u16::from(f.code)))
        }
        _ => LinkError::Closed,
    }
}

fn ws_error(e: WsError) -> LinkError {
    match e {
        WsError::ConnectionClosed | WsError::AlreadyClosed => LinkError::Closed,
        WsError::Io(e) => LinkError::Io(e),
        WsError::Capacity(_) => LinkError::TooLarge { len: MAX_RELAY_MESSAGE + 1, max: MAX_RELAY_MESSAGE },
        other => LinkError::Relay(crate::text::sanitize(&other.to_string(), 120)),
    }
}

impl Link for RelayLink {
    fn send<'a>(&'a mut self, message: &'a [u8]) -> BoxFuture<'a, Result<(), LinkError>> {
        Box::pin(async move {
            if message.len() > MAX_RELAY_MESSAGE {
                return Err(LinkError::TooLarge { len: message.len(), max: MAX_RELAY_MESSAGE });
            }
            self.ws.send(Message::Binary(message.to_vec().into())).await.map_err(ws_error)
        })
    }

    fn recv(&mut self, max_len: usize) -> BoxFuture<'_, Result<Vec<u8>, LinkError>> {
        // `next()` keeps a partly read message inside the stream, so this is
        // cancel-safe.
        Box::pin(async move {
            loop {
                match self.ws.next().await {
                    Some(Ok(Message::Binary(bytes))) if bytes.len() > max_len => {
                        return Err(LinkError::TooLarge { len: bytes.len(), max: max_len });
                    }
                    Some(Ok(Message::Binary(bytes))) => return Ok(bytes.to_vec()),
                    Some(Ok(Message::Close(frame))) => return Err(closed_by_relay(frame)),
                    Some(Ok(Message::Text(_))) => return Err(LinkError::Relay("the relay sent text".into())),
                    // Pings are answered by tungstenite; nothing else carries data.
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => return Err(ws_error(e)),
                    None => return Err(LinkError::Closed),
                }
            }
        })
    }

    fn close(&mut self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let _ = self.ws.close(None).await;
        })
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_built() {
        for good in ["wss://relay.certbridge.kr", "ws://127.0.0.1:8080", "wss://r.example/base/"] {
            check_url(good).unwrap();
        }
        for bad in ["https://relay", "relay.example", "wss://", "wss:///x", "ws://a b", "wss://x?y=1"] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        let id = RendezvousId::from_hex("000102030405060708090a0b0c0d0e0f").unwrap();
        assert_eq!(
            rendezvous_url("wss://r.example/base/", &id, Role::Guest),
            "wss://r.example/base/v1/rendezvous/000102030405060708090a0b0c0d0e0f?role=guest"
        );
    }

    #[test]
    fn ws_is_only_for_this_machine_and_private_networks() {
        for local in ["ws://127.0.0.1:8080", "ws://localhost:1/x", "ws://[::1]:9", "ws://192.168.0.7", "ws://10.1.2.3:80", "ws://[fd00::2]:8"] {
            assert!(!is_insecure(local), "{local}");
            check_url_policy(local, false).unwrap();
        }
        for public in ["ws://relay.example.kr", "ws://8.8.8.8:80", "ws://[2001:db8::1]:80"] {
            assert!(is_insecure(public), "{public}");
            assert!(matches!(check_url_policy(public, false), Err(RelayError::Insecure(_))));
            check_url_policy(public, true).unwrap();
        }
        assert!(!is_insecure("wss://relay.example.kr"));
    }

    #[test]
    fn the_platform_trust_store_configures_tls() {
        tls_config().unwrap();
    }

    /// Android's trust (the bundled roots and WebPKI verification) dialling
    /// a real `wss://` relay on loopback: `certbridge-relay --tls-cert
    /// --tls-key` with a certificate from a CA this test makes with OpenSSL.
    /// With that CA added the host and guest pair and a message crosses;
    /// with the bundled roots alone the relay is refused.
    #[tokio::test]
    async fn androids_bundled_roots_dial_a_tls_relay() {
        let Some(relay) = tls_relay::start() else { return };
        let id = RendezvousId::from_hex("00112233445566778899aabbccddeeff").unwrap();
        let url = relay.url();
        let timeout = Duration::from_secs(10);

        let refused = RelayLink::connect_with(&url, &id, Role::Guest, timeout, Some(config_with_roots(bundled_roots()).unwrap())).await;
        let refused = refused.unwrap_err().to_string();
        assert!(refused.contains("certificate") || refused.contains("UnknownIssuer"), "{refused}");

        let mut roots = bundled_roots();
        roots.add(relay.ca.clone()).unwrap();
        let tls = config_with_roots(roots).unwrap();
        let mut host = RelayLink::connect_with(&url, &id, Role::Host, timeout, Some(tls.clone())).await.unwrap();
        let mut guest = RelayLink::connect_with(&url, &id, Role::Guest, timeout, Some(tls)).await.unwrap();
        guest.send(b"msg1").await.unwrap();
        assert_eq!(host.recv(MAX_RELAY_MESSAGE).await.unwrap(), b"msg1");
        host.send(b"msg2").await.unwrap();
        assert_eq!(guest.recv(MAX_RELAY_MESSAGE).await.unwrap(), b"msg2");
        assert_eq!(guest.path(), &Path::Relay { url });
    }

    /// A `certbridge-relay` serving TLS on 127.0.0.1 with a fresh test CA.
    mod tls_relay {
        use std::path::PathBuf;
        use std::process::{Child, Command, Stdio};
        use std::time::{Duration, Instant};

        use rustls::pki_types::CertificateDer;

        pub(super) struct Relay {
            child: Child,
            port: u16,
            pub(super) ca: CertificateDer<'static>,
            _dir: tempfile::TempDir,
        }

        impl Relay {
            pub(super) fn url(&self) -> String {
                format!("wss://127.0.0.1:{}", self.port)
            }
        }

        impl Drop for Relay {
            fn drop(&mut self) {
                let _ = self.child.kill();
                let _ = self.child.wait();
            }
        }

        /// Skips (None, with a message) where the relay binary or OpenSSL is
        /// missing, except in CI, where both must be there.
        fn tool(path: PathBuf, what: &str) -> Option<PathBuf> {
            if path.exists() {
                return Some(path);
            }
            assert!(std::env::var_os("CI").is_none(), "{what} is missing in CI");
            eprintln!("skipping: {what} is missing ({})", path.display());
            None
        }

        fn openssl(dir: &std::path::Path, args: &[&str]) {
            let out = Command::new("openssl").args(args).current_dir(dir).output().unwrap();
            assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        }

        pub(super) fn start() -> Option<Relay> {
            // target/<profile>/deps/<test> → target/<profile>/certbridge-relay,
            // built by the workspace build before the tests run.
            let exe = std::env::current_exe().unwrap();
            let bin = tool(exe.parent()?.parent()?.join("certbridge-relay"), "certbridge-relay (cargo build -p certbridge-relay)")?;
            tool(PathBuf::from("/usr/bin/openssl"), "openssl")?;
            let dir = tempfile::tempdir().unwrap();
            let d = dir.path();
            std::fs::write(d.join("leaf.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n").unwrap();
            openssl(d, &["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=CertBridge test CA"]);
            openssl(d, &["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=127.0.0.1"]);
            openssl(d, &["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "leaf.pem", "-days", "1", "-extfile", "leaf.ext"]);
            openssl(d, &["x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.der"]);
            let ca = CertificateDer::from(std::fs::read(d.join("ca.der")).unwrap());
            let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let child = Command::new(bin)
                .arg("--listen")
                .arg(format!("127.0.0.1:{port}"))
                .arg("--tls-cert")
                .arg(d.join("leaf.pem"))
                .arg("--tls-key")
                .arg(d.join("leaf.key"))
                .args(["--log", "warn"])
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .unwrap();
            let deadline = Instant::now() + Duration::from_secs(20);
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(Instant::now() < deadline, "the relay did not come up");
                std::thread::sleep(Duration::from_millis(25));
            }
            Some(Relay { child, port, ca, _dir: dir })
        }
    }
}
