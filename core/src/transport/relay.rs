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
        /// The HTTP status, when the relay answered without upgrading.
        status: Option<u16>,
        /// How long the relay asked to wait (`Retry-After`).
        retry_after: Option<Duration>,
    },
}

/// What a client does after a relay attempt ended without a session
/// (`docs/RELAY.md`, "Retrying").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Try again at once (the node is going away; another takes over).
    Now,
    /// Try again after this long (the relay said so).
    After(Duration),
    /// Try again after the next back-off pause.
    Backoff,
    /// Do not try again.
    Never,
}

impl Retry {
    /// The advice for a close code the relay sent.
    pub fn after_close(code: u16) -> Self {
        match code {
            1001 => Retry::Now,
            4011 => Retry::After(Duration::from_secs(1)),
            4010 | 1011 => Retry::Backoff,
            _ => Retry::Never,
        }
    }
}

/// A relay close code that means this id's pair is formed with someone
/// else: the code is in use.
pub const CLOSE_CROWDED: u16 = 4001;
/// A relay close code that means no host is waiting for this id.
pub const CLOSE_NO_SUCH_SESSION: u16 = 4004;
/// The payload of the ping a relay sends a host when its guest arrives.
pub const PAIRED_PING: &[u8] = b"paired";

impl RelayError {
    /// What to do next after this failure to connect.
    pub fn retry(&self) -> Retry {
        match self {
            RelayError::Connect { status: Some(503 | 429), retry_after: Some(wait), .. } => Retry::After(*wait),
            RelayError::Connect { status: Some(429), .. } => Retry::After(Duration::from_secs(60)),
            RelayError::Connect { status: Some(503), .. } => Retry::After(Duration::from_secs(5)),
            // Any other answer without an upgrade is a client bug or the
            // wrong server: trying again changes nothing.
            RelayError::Connect { status: Some(_), .. } => Retry::Never,
            // Refused, reset, TLS or DNS failure, no answer in time.
            RelayError::Connect { status: None, .. } => Retry::Backoff,
            RelayError::BadUrl(_) | RelayError::Insecure(_) | RelayError::Tls(_) => Retry::Never,
        }
    }

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

/// The URL at which a host asks the relay for a channel number.
pub fn channel_host_url(base: &str) -> String {
    format!("{}/v1/channel?role=host", base.trim_end_matches('/'))
}

/// The URL at which a guest that typed a code looks up its channel.
pub fn channel_guest_url(base: &str, channel: &str) -> String {
    format!("{}/v1/channel/{channel}?role=guest", base.trim_end_matches('/'))
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
    /// The relay said the peer arrived ([`PAIRED_PING`]).
    paired: bool,
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
        Self::connect_url(base, rendezvous_url(base, id, role), timeout).await
    }

    /// Asks the relay at `base` for a channel for a typed code: the link
    /// (waiting for its guest, like a rendezvous host) and the channel
    /// number the relay gave, from its first (text) message.
    pub async fn channel_host(base: &str, timeout: Duration) -> Result<(Self, String), RelayError> {
        let mut link = Self::connect_url(base, channel_host_url(base), timeout).await?;
        let refused = |reason: &str| RelayError::Connect {
            url: base.to_owned(),
            reason: reason.to_owned(),
            status: None,
            retry_after: None,
        };
        let first = tokio::time::timeout(timeout, link.ws.next()).await.map_err(|_| refused("no channel given"))?;
        let Some(Ok(Message::Text(text))) = first else {
            return Err(refused("no channel given"));
        };
        let channel = channel_of(text.as_str()).ok_or_else(|| refused("the relay gave no valid channel"))?;
        Ok((link, channel))
    }

    /// A guest's link to the host waiting on `channel` at the relay `base`.
    pub async fn channel_guest(base: &str, channel: &str, timeout: Duration) -> Result<Self, RelayError> {
        Self::connect_url(base, channel_guest_url(base, channel), timeout).await
    }

    async fn connect_url(base: &str, url: String, timeout: Duration) -> Result<Self, RelayError> {
        let tls = if base.starts_with("wss://") { Some(tls_config()?) } else { None };
        Self::connect_url_with(base, url, timeout, tls).await
    }

    /// [`RelayLink::connect`] with the TLS settings given (the tests dial
    /// with Android's bundled roots on any host).
    #[cfg(test)]
    async fn connect_with(
        base: &str,
        id: &RendezvousId,
        role: Role,
        timeout: Duration,
        tls: Option<Arc<rustls::ClientConfig>>,
    ) -> Result<Self, RelayError> {
        Self::connect_url_with(base, rendezvous_url(base, id, role), timeout, tls).await
    }

    async fn connect_url_with(
        base: &str,
        url: String,
        timeout: Duration,
        tls: Option<Arc<rustls::ClientConfig>>,
    ) -> Result<Self, RelayError> {
        check_url(base)?;
        let connector = tls.map(Connector::Rustls);
        let mut config = WebSocketConfig::default();
        config.max_message_size = Some(MAX_RELAY_MESSAGE + 1024);
        config.max_frame_size = Some(MAX_RELAY_MESSAGE + 1024);
        let failed = |reason: String, status: Option<u16>, retry_after: Option<Duration>| RelayError::Connect {
            url: base.to_owned(),
            reason: crate::text::sanitize(&reason, 200),
            status,
            retry_after,
        };
        let connecting = tokio_tungstenite::connect_async_tls_with_config(url, Some(config), true, connector);
        let (ws, _) = tokio::time::timeout(timeout, connecting)
            .await
            .map_err(|_| failed("timed out".into(), None, None))?
            .map_err(|e| match e {
                WsError::Http(response) => {
                    let retry_after = response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(|s| Duration::from_secs(s.min(300)));
                    failed(format!("HTTP {}", response.status()), Some(response.status().as_u16()), retry_after)
                }
                other => failed(other.to_string(), None, None),
            })?;
        Ok(Self { ws, path: Path::Relay { url: base.to_owned() }, paired: false })
    }

    /// The host's wait for its guest's first message: as long as no guest
    /// came (the invite's life bounds it), then at most `after_pairing`
    /// once the relay said the guest arrived, so that a party that only
    /// knows the id cannot hold it by saying nothing.
    pub async fn recv_first(&mut self, max_len: usize, after_pairing: Duration) -> Result<Vec<u8>, LinkError> {
        let mut deadline = None;
        loop {
            let next = match deadline {
                Some(at) => match tokio::time::timeout_at(at, self.ws.next()).await {
                    Ok(next) => next,
                    Err(_) => return Err(LinkError::Silent),
                },
                None => self.ws.next().await,
            };
            match next {
                Some(Ok(Message::Ping(payload))) if payload.as_ref() == PAIRED_PING => {
                    self.paired = true;
                    deadline.get_or_insert_with(|| tokio::time::Instant::now() + after_pairing);
                }
                Some(Ok(Message::Binary(bytes))) if bytes.len() > max_len => {
                    return Err(LinkError::TooLarge { len: bytes.len(), max: max_len });
                }
                Some(Ok(Message::Binary(bytes))) => return Ok(bytes.to_vec()),
                Some(Ok(Message::Close(frame))) => return Err(closed_by_relay(frame)),
                Some(Ok(Message::Text(_))) => return Err(LinkError::Relay { code: 1003, reason: "the relay sent text".into() }),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(ws_error(e)),
                None => return Err(LinkError::Closed),
            }
        }
    }
}

/// The channel in a relay's `{"channel":"123","expires_in":600}`: 3 to 6
/// digits, or `None`. A small reader of its own, for one known shape.
fn channel_of(text: &str) -> Option<String> {
    let rest = text.split("\"channel\"").nth(1)?;
    let value = rest.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    let closed = value[digits.len()..].starts_with('"');
    (closed && (3..=6).contains(&digits.len())).then_some(digits)
}

fn closed_by_relay(frame: Option<CloseFrame>) -> LinkError {
    match frame {
        Some(f) if f.code != CloseCode::Normal => {
            // The relay's words come from the other side: made inert.
            LinkError::Relay { code: u16::from(f.code), reason: crate::text::sanitize(&f.reason, 120) }
        }
        _ => LinkError::Closed,
    }
}

fn ws_error(e: WsError) -> LinkError {
    match e {
        WsError::ConnectionClosed | WsError::AlreadyClosed => LinkError::Closed,
        WsError::Io(e) => LinkError::Io(e),
        WsError::Capacity(_) => LinkError::TooLarge { len: MAX_RELAY_MESSAGE + 1, max: MAX_RELAY_MESSAGE },
        other => LinkError::Relay { code: 1002, reason: crate::text::sanitize(&other.to_string(), 120) },
    }
}

impl RelayLink {
    fn close_with(&mut self, code: CloseCode, reason: &'static str) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let frame = CloseFrame { code, reason: reason.into() };
            let _ = tokio::time::timeout(Duration::from_secs(2), self.ws.close(Some(frame))).await;
        })
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
                    Some(Ok(Message::Text(_))) => {
                        return Err(LinkError::Relay { code: 1003, reason: "the relay sent text".into() });
                    }
                    // Pings are answered by tungstenite; nothing else carries data.
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => return Err(ws_error(e)),
                    None => return Err(LinkError::Closed),
                }
            }
        })
    }

    fn close(&mut self) -> BoxFuture<'_, ()> {
        // Not a finished transfer: "going away", which the relay does not
        // count as a success.
        self.close_with(CloseCode::Away, "closed")
    }

    fn finish(&mut self) -> BoxFuture<'_, ()> {
        self.close_with(CloseCode::Normal, "done")
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
    fn channels_are_read_from_the_relays_first_message() {
        assert_eq!(channel_of(r#"{"channel":"123","expires_in":600}"#).as_deref(), Some("123"));
        assert_eq!(channel_of(r#"{ "expires_in": 600, "channel" : "007123" }"#).as_deref(), Some("007123"));
        for bad in [r#"{"channel":"12"}"#, r#"{"channel":"1234567"}"#, r#"{"channel":123}"#, r#"{"channel":"12a"}"#, "{}", ""] {
            assert_eq!(channel_of(bad), None, "{bad}");
        }
        assert_eq!(channel_host_url("wss://r.example/"), "wss://r.example/v1/channel?role=host");
        assert_eq!(channel_guest_url("wss://r.example", "123"), "wss://r.example/v1/channel/123?role=guest");
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
