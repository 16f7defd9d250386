//! Helpers for the relay's integration tests: an in-process relay on
//! 127.0.0.1:0, WebSocket clients, plain HTTP requests and a throwaway
//! `redis-server`.

#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used)] // test code: a panic is a failed test

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use certbridge_relay::{Config, Limits, run};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

pub type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long any single expectation may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A relay running in this process.
pub struct Relay {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    pub task: JoinHandle<Result<(), certbridge_relay::RelayError>>,
}

impl Relay {
    /// Starts a relay with `config`.
    pub async fn start(config: Config) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(run(listener, config, async {
            let _ = stopped.await;
        }));
        Relay { addr, stop: Some(stop), task }
    }

    /// Starts shutting down (returns at once).
    pub fn begin_shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Shuts down and waits until `run` returns.
    pub async fn shutdown(mut self) {
        self.begin_shutdown();
        tokio::time::timeout(Duration::from_secs(60), &mut self.task)
            .await
            .expect("relay did not stop")
            .unwrap()
            .unwrap();
    }

    pub fn url(&self, id: &str, role: &str) -> String {
        format!("ws://{}/v1/rendezvous/{id}?role={role}", self.addr)
    }

    pub async fn connect(&self, id: &str, role: &str) -> Client {
        connect(self.addr, id, role).await
    }
}

/// Test limits: short waits, no per-address rate limits.
pub fn config() -> Config {
    let mut c = Config::default();
    c.limits = test_limits();
    c
}

pub fn test_limits() -> Limits {
    let mut l = Limits::default();
    l.guest_wait = Duration::from_millis(500);
    l.connections_per_ip_per_minute = 0;
    l.sessions_per_ip_per_minute = 0;
    l.channel_lookups_per_ip_per_minute = 0;
    l.channels_per_ip_per_minute = 0;
    l.pending_per_ip = 0;
    l.header_timeout = Duration::from_secs(1);
    l.drain_deadline = Duration::from_secs(1);
    l
}

/// A fresh rendezvous id (32 hex characters).
pub fn new_id() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{:08x}{:08x}{:016x}", std::process::id(), nanos, n)
}

pub async fn connect(addr: SocketAddr, id: &str, role: &str) -> Client {
    let url = format!("ws://{addr}/v1/rendezvous/{id}?role={role}");
    let (ws, resp) = tokio::time::timeout(PATIENCE, connect_async(url)).await.expect("connect timed out").unwrap();
    assert_eq!(resp.status(), 101);
    ws
}

/// A channel host: its socket, its channel and the seconds it was told
/// the channel lives.
pub struct ChannelHost {
    pub ws: Client,
    pub channel: String,
    pub expires_in: u64,
}

pub fn channel_host_url(addr: SocketAddr) -> String {
    format!("ws://{addr}/v1/channel?role=host")
}

pub fn channel_guest_url(addr: SocketAddr, channel: &str) -> String {
    format!("ws://{addr}/v1/channel/{channel}?role=guest")
}

/// Asks the relay at `addr` for a channel; checks that the first message
/// is the text announcement, exactly `{"channel":"…","expires_in":…}`.
pub async fn channel_host(addr: SocketAddr) -> ChannelHost {
    let (ws, resp) =
        tokio::time::timeout(PATIENCE, connect_async(channel_host_url(addr))).await.expect("connect timed out").unwrap();
    assert_eq!(resp.status(), 101);
    announced(ws).await
}

/// Reads a channel host's announcement.
pub async fn announced(mut ws: Client) -> ChannelHost {
    let msg = tokio::time::timeout(PATIENCE, ws.next()).await.expect("no announcement in time").unwrap().unwrap();
    let Message::Text(text) = msg else { panic!("expected the text announcement, got {msg:?}") };
    let json: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
    let fields = json.as_object().unwrap();
    assert_eq!(fields.len(), 2, "{text}");
    let channel = fields["channel"].as_str().unwrap().to_owned();
    assert!((3..=6).contains(&channel.len()) && channel.bytes().all(|b| b.is_ascii_digit()), "{text}");
    let expires_in = fields["expires_in"].as_u64().unwrap();
    ChannelHost { ws, channel, expires_in }
}

/// A guest for `channel` at the relay at `addr` (upgraded; the lookup
/// follows).
pub async fn channel_guest(addr: SocketAddr, channel: &str) -> Client {
    let (ws, resp) = tokio::time::timeout(PATIENCE, connect_async(channel_guest_url(addr, channel)))
        .await
        .expect("connect timed out")
        .unwrap();
    assert_eq!(resp.status(), 101);
    ws
}

/// A channel of the same length as `channel` that is not it.
pub fn other_channel(channel: &str) -> String {
    let n: u32 = channel.parse().unwrap();
    let space = 10u32.pow(channel.len() as u32);
    format!("{:0w$}", (n + 1) % space, w = channel.len())
}

/// `url` as a client at `ip` (in `X-Forwarded-For`, believed from a
/// trusted proxy): the status of the upgrade (101 or the refusal) and the
/// socket if upgraded.
pub async fn connect_as(url: &str, ip: &str) -> (u16, Option<Client>) {
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url).unwrap();
    req.headers_mut().insert("x-forwarded-for", ip.parse().unwrap());
    match connect_async(req).await {
        Ok((ws, resp)) => (resp.status().as_u16(), Some(ws)),
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => (resp.status().as_u16(), None),
        Err(e) => panic!("{e}"),
    }
}

/// The HTTP status and `Retry-After` of a refused upgrade to `url` with
/// these extra headers.
pub async fn refusal(url: &str, headers: &[(&'static str, &str)]) -> (u16, Option<String>) {
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url).unwrap();
    for (name, value) in headers {
        req.headers_mut().insert(*name, value.parse().unwrap());
    }
    match connect_async(req).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            let retry = resp.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
            (resp.status().as_u16(), retry)
        }
        Ok(_) => panic!("upgrade to {url} was accepted"),
        Err(e) => panic!("unexpected error: {e}"),
    }
}

/// The HTTP status of a refused upgrade.
pub async fn refused_status(url: &str) -> u16 {
    match connect_async(url).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => resp.status().as_u16(),
        Ok(_) => panic!("upgrade to {url} was accepted"),
        Err(e) => panic!("unexpected error: {e}"),
    }
}

/// Sends a binary message.
pub async fn send(ws: &mut Client, data: &[u8]) {
    ws.send(Message::Binary(data.to_vec().into())).await.unwrap();
}

/// The next binary message.
pub async fn recv(ws: &mut Client) -> Vec<u8> {
    loop {
        let msg = tokio::time::timeout(PATIENCE, ws.next())
            .await
            .expect("no message in time")
            .expect("stream ended")
            .expect("read error");
        match msg {
            Message::Binary(b) => return b.to_vec(),
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("expected a binary message, got {other:?}"),
        }
    }
}

/// Reads until the relay's close frame; returns its code and reason.
pub async fn expect_close(ws: &mut Client) -> (u16, String) {
    expect_close_within(ws, PATIENCE).await
}

pub async fn expect_close_within(ws: &mut Client, within: Duration) -> (u16, String) {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let msg = tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("no close frame in time");
        match msg {
            Some(Ok(Message::Close(Some(frame)))) => return (u16::from(frame.code), frame.reason.to_string()),
            Some(Ok(Message::Close(None))) => return (1005, String::new()),
            Some(Ok(_)) => {}
            Some(Err(e)) => panic!("read error before the close frame: {e}"),
            None => panic!("connection ended without a close frame"),
        }
    }
}

/// Closes normally (1000).
pub async fn close_normally(ws: &mut Client) {
    ws.close(Some(tokio_tungstenite::tungstenite::protocol::CloseFrame {
        code: CloseCode::Normal,
        reason: "done".into(),
    }))
    .await
    .unwrap();
}

/// A raw client that completes the WebSocket upgrade as `role` and then
/// does nothing more unless the test makes it (a frozen or half-open
/// device, or one that sends garbage frames).
pub async fn raw_upgrade(addr: SocketAddr, id: &str, role: &str) -> TcpStream {
    let mut raw = TcpStream::connect(addr).await.unwrap();
    raw.write_all(
        format!(
            "GET /v1/rendezvous/{id}?role={role} HTTP/1.1\r\nHost: r\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
             Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut head = [0u8; 12];
    raw.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 101");
    raw
}

/// A host on `host_node` and a guest on `guest_node` for a fresh id, with
/// one message checked each way.
pub async fn paired(host_node: &Relay, guest_node: &Relay) -> (Client, Client) {
    let id = new_id();
    let mut host = host_node.connect(&id, "host").await;
    let mut guest = guest_node.connect(&id, "guest").await;
    send(&mut guest, b"hi").await;
    assert_eq!(recv(&mut host).await, b"hi");
    send(&mut host, b"hello").await;
    assert_eq!(recv(&mut guest).await, b"hello");
    (host, guest)
}

/// Waits (up to `within`) until every node at `addrs` reports Redis up.
pub async fn wait_until_backend_up(addrs: &[SocketAddr], within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let mut all = true;
        for addr in addrs {
            all &= metric(*addr, "certbridge_backend_up").await == 1.0;
        }
        if all {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "the nodes did not reach Redis in {within:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A plain HTTP GET; returns the status and body.
pub async fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(PATIENCE, s.read_to_end(&mut buf)).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&buf).to_string();
    let status: u16 = text.split(' ').nth(1).unwrap().parse().unwrap();
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// The value of a metric line `name value` in `/metrics`.
pub async fn metric(addr: SocketAddr, name: &str) -> f64 {
    let (status, body) = http_get(addr, "/metrics").await;
    assert_eq!(status, 200);
    body.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no metric {name} in\n{body}"))
        .parse()
        .unwrap()
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A `redis-server` of our own, killed on drop.
pub struct RedisServer {
    pub port: u16,
    child: Child,
}

/// The redis-server binary, or `None` (after saying so) when it is not
/// installed. With `CI` set, a missing redis-server fails the test.
pub fn redis_server_bin() -> Option<&'static str> {
    let bin = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    if bin.is_none() {
        if std::env::var_os("CI").is_some() {
            panic!("redis-server is not installed, and CI is set: install redis-server to run the multi-node tests");
        }
        eprintln!("SKIPPED: redis-server is not installed; install it to run the multi-node tests");
    }
    bin
}

/// Waits until a plain-TCP Redis (or sentinel) answers PING on `port`.
pub async fn wait_for_redis(port: u16) {
    for _ in 0..200 {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)).await {
            let _ = s.write_all(b"PING\r\n").await;
            let mut b = [0u8; 7];
            if s.read_exact(&mut b).await.is_ok() && &b == b"+PONG\r\n" {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("redis-server did not come up on port {port}");
}

impl RedisServer {
    /// Starts one, or returns `None` (after saying so) when redis-server is
    /// not installed. With `CI` set, a missing redis-server fails the test.
    pub async fn start() -> Option<RedisServer> {
        RedisServer::start_on(free_port()).await
    }

    /// Starts one on a given port (to restart a killed one).
    pub async fn start_on(port: u16) -> Option<RedisServer> {
        RedisServer::start_with(port, &[]).await
    }

    /// Starts one on `port` with extra arguments (a replica, TLS, …).
    pub async fn start_with(port: u16, extra: &[&str]) -> Option<RedisServer> {
        let bin = redis_server_bin()?;
        let child = Command::new(bin)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start redis-server");
        let server = RedisServer { port, child };
        wait_for_redis(port).await;
        Some(server)
    }

    /// A raw multiplexed connection, for what the relay's nodes would send.
    pub async fn client(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url()).unwrap().get_multiplexed_async_connection().await.unwrap()
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Kills the server (SIGKILL) and waits for it to be gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends a signal (`STOP`, `CONT`, …) to the server process.
    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill").args([&format!("-{sig}"), &self.child.id().to_string()]).status().unwrap();
        assert!(ok.success());
    }

    /// Sends a raw command line and returns the raw reply.
    pub async fn command(&self, line: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).await.unwrap();
        s.write_all(format!("{line}\r\n").as_bytes()).await.unwrap();
        let mut buf = vec![0u8; 4096];
        let n = tokio::time::timeout(PATIENCE, s.read(&mut buf)).await.unwrap().unwrap();
        String::from_utf8_lossy(&buf[..n]).to_string()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-CONT", &self.child.id().to_string()]).status();
        self.kill();
    }
}

/// A TCP proxy in front of a server, which a test can freeze (stop
/// forwarding, keep every connection open: a silent partition) or cut
/// (close every connection and refuse new ones: a node gone from the
/// server's view).
pub struct Proxy {
    pub port: u16,
    state: std::sync::Arc<tokio::sync::watch::Sender<u8>>,
}

const RUN: u8 = 0;
const FROZEN: u8 = 1;
const CUT: u8 = 2;

impl Proxy {
    pub async fn start(target: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (state, _) = tokio::sync::watch::channel(RUN);
        let state = std::sync::Arc::new(state);
        let st = std::sync::Arc::clone(&state);
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else { return };
                if *st.borrow() == CUT {
                    continue;
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)).await else { continue };
                let (cr, cw) = client.into_split();
                let (sr, sw) = server.into_split();
                tokio::spawn(pipe(cr, sw, st.subscribe()));
                tokio::spawn(pipe(sr, cw, st.subscribe()));
            }
        });
        Proxy { port, state }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    pub fn freeze(&self) {
        self.state.send_replace(FROZEN);
    }

    pub fn run(&self) {
        self.state.send_replace(RUN);
    }

    pub fn cut(&self) {
        self.state.send_replace(CUT);
    }
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut state: tokio::sync::watch::Receiver<u8>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let now = *state.borrow_and_update();
        match now {
            CUT => return,
            FROZEN => {
                if state.changed().await.is_err() {
                    return;
                }
                continue;
            }
            _ => {}
        }
        tokio::select! {
            r = from.read(&mut buf) => match r {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    // Bytes read just as the proxy froze are held back too.
                    while *state.borrow() == FROZEN {
                        if state.changed().await.is_err() {
                            return;
                        }
                    }
                    if *state.borrow() == CUT || to.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            },
            _ = state.changed() => {}
        }
    }
}
