//! `relay-load`: the relay's load generator and benchmark.
//!
//! It starts fresh `certbridge-relay` processes on 127.0.0.1 (and a
//! throwaway `redis-server` for the two-node runs) and measures:
//!
//! 1. **memory**: opens N waiting host sessions (default 20,000) and
//!    reports the relay's resident memory growth (`VmRSS` in
//!    `/proc/<pid>/status`) divided by N;
//! 2. **rate**: for a fixed time, with a fixed number of workers, runs
//!    complete rendezvous (host connects, guest connects, 8 KiB each way,
//!    normal close) and reports rendezvous per second and the p50/p99
//!    pairing latency (from the guest's TCP connect to the host receiving
//!    the guest's first message); on one node, then with the host on node
//!    A and the guest on node B sharing Redis;
//! 3. **the machine's ceiling**: the same socket work (two TCP connections,
//!    a request and a reply on each, 8 KiB each way, the guest hanging up)
//!    through a bare TCP pairing server, this program started again with
//!    `--raw-server`: no WebSocket, no HTTP, no limits, no metrics. It says
//!    what the kernel and the runtime alone allow on this machine, so the
//!    relay's rate can be read against it.
//!
//! With `--channels`, hosts and guests meet by channel number
//! (`/v1/channel`, docs/RELAY.md "Channels (typed codes)") instead of a
//! rendezvous id: the memory run holds waiting channel hosts, and a
//! rendezvous is a host asking for a channel, reading it from the text
//! message, and a guest naming it.
//!
//! Build and run it in release mode (see `relay/BENCH.md`):
//!
//! ```text
//! cargo build --release -p certbridge-relay
//! target/release/relay-load --sessions 20000 --concurrency 64 --duration 10s
//! ```
//!
//! Each session is a socket on both ends, so the generator raises its
//! file-descriptor limit (inherited by the relays it starts); as root it
//! can raise the hard limit too, otherwise raise it first with
//! `ulimit -n 65536`.

#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used)] // a benchmark: a failure is a panic with its message

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use certbridge_relay::parse_duration;
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::{WebSocketStream, client_async_with_config};

/// Bytes each side sends in a rendezvous.
const EXCHANGE: usize = 8 * 1024;
/// Source addresses the clients spread over (127.0.0.1 to 127.0.0.8), so
/// ephemeral ports never run short.
const SOURCES: u8 = 8;
/// Connections opened at once while filling the relay.
const OPEN_PARALLEL: usize = 256;

#[derive(Debug, Parser)]
#[command(name = "relay-load", about = "Load generator and benchmark for certbridge-relay")]
struct Args {
    /// Waiting host sessions to open for the memory measurement.
    #[arg(long, default_value_t = 20_000)]
    sessions: usize,
    /// Concurrent rendezvous workers for the rate measurement.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// How long each rate measurement runs.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    duration: Duration,
    /// The relay binary (default: `certbridge-relay` next to this one).
    #[arg(long)]
    relay_bin: Option<PathBuf>,
    /// The redis-server binary for the two-node run.
    #[arg(long, default_value = "/usr/bin/redis-server")]
    redis_server: PathBuf,
    /// Log filter passed to the relays (`--log`).
    #[arg(long, default_value = "warn")]
    relay_log: String,
    /// Drive a relay that is already running at this address (one-node rate
    /// only; nothing is started, and its CPU is not measured).
    #[arg(long, value_name = "ADDR")]
    target: Option<SocketAddr>,
    /// Skip the memory measurement.
    #[arg(long)]
    skip_memory: bool,
    /// Skip the one-node rate measurement.
    #[arg(long)]
    skip_single: bool,
    /// Skip the two-node (Redis) rate measurement.
    #[arg(long)]
    skip_redis: bool,
    /// Skip the bare-TCP ceiling measurement.
    #[arg(long)]
    skip_baseline: bool,
    /// Meet by channel number (`/v1/channel`) instead of rendezvous id.
    #[arg(long)]
    channels: bool,
    /// Run only the bare TCP pairing server of the ceiling measurement on
    /// this address (the benchmark starts it this way itself).
    #[arg(long, value_name = "ADDR", hide = true)]
    raw_server: Option<SocketAddr>,
}

type Ws = WebSocketStream<TcpStream>;

/// A child process killed on drop.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn wait_for_port(addr: SocketAddr) {
    for _ in 0..400 {
        if TcpStream::connect(addr).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("nothing listens on {addr}");
}

/// Starts a relay with no per-address limits (all load comes from
/// 127.0.0.x) and waits until it listens. The ping interval is long: the
/// generator does not read the sessions it holds open for the memory
/// measurement, so they would not answer pings.
async fn start_relay(bin: &PathBuf, log: &str, node: &str, redis: Option<&str>) -> (Proc, SocketAddr) {
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let mut cmd = Command::new(bin);
    cmd.args(["--listen", &addr.to_string(), "--node-id", node])
        .args(["--connections-per-ip", "0", "--sessions-per-ip", "0", "--max-connections", "0"])
        .args(["--pending-per-ip", "0", "--ping-interval", "10m"])
        .args(["--channels-per-ip", "0", "--channel-lookups-per-ip", "0"])
        .args(["--host-wait", "1h", "--log", log])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let Some(url) = redis {
        cmd.args(["--redis", url]);
    }
    let child = Proc(cmd.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display())));
    wait_for_port(addr).await;
    (child, addr)
}

async fn start_redis(bin: &PathBuf) -> (Proc, String) {
    let port = free_port();
    let child = Proc(
        Command::new(bin)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display())),
    );
    wait_for_port(format!("127.0.0.1:{port}").parse().unwrap()).await;
    (child, format!("redis://127.0.0.1:{port}/"))
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// CPU time (user + system) a process has used so far.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the parenthesised command name; utime and stime are
    // the 14th and 15th fields of the whole line.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_secs_f64(ticks as f64 / clock_ticks())
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

async fn metric(addr: SocketAddr, name: &str) -> f64 {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut body = String::new();
    s.read_to_string(&mut body).await.unwrap();
    body.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(' ')))
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

static NEXT: AtomicU64 = AtomicU64::new(1);
static PID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();

fn new_id() -> String {
    format!("{:016x}{:016x}", PID.get_or_init(std::process::id), NEXT.fetch_add(1, Ordering::Relaxed))
}

fn client_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(4096).write_buffer_size(0)
}

/// The next source address and port, round robin over 127.0.0.1–8 and
/// ports [`FIRST_PORT`] to 65535.
///
/// The generator picks the port itself: binding to port 0 makes the kernel
/// search for a port free for every destination, and with tens of
/// thousands of recent connections in TIME_WAIT that search took a tenth
/// of the generator's CPU, which the relay then lacked. A named port is
/// one lookup; one still in use elsewhere fails and the next is tried.
fn next_source() -> SocketAddr {
    static SOURCE: AtomicU64 = AtomicU64::new(0);
    let n = SOURCE.fetch_add(1, Ordering::Relaxed);
    let ip = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1 + (n % u64::from(SOURCES)) as u8));
    let span = u64::from(u16::MAX - FIRST_PORT) + 1;
    SocketAddr::new(ip, FIRST_PORT + ((n / u64::from(SOURCES)) % span) as u16)
}

/// The lowest source port the generator uses.
const FIRST_PORT: u16 = 10_000;

/// A TCP connection to the relay from one of the 127.0.0.x addresses.
async fn tcp_connect(relay: SocketAddr) -> Result<TcpStream, String> {
    let mut last = String::new();
    for _ in 0..64 {
        let socket = TcpSocket::new_v4().map_err(|e| format!("socket: {e}"))?;
        // Lets the port be taken again while an old connection from it
        // sits in TIME_WAIT.
        socket.set_reuseaddr(true).map_err(|e| format!("reuseaddr: {e}"))?;
        if let Err(e) = socket.bind(next_source()) {
            last = format!("bind: {e}");
            continue;
        }
        match socket.connect(relay).await {
            Ok(stream) => return Ok(stream),
            Err(e) if e.kind() == std::io::ErrorKind::AddrNotAvailable => last = format!("connect: {e}"),
            Err(e) => return Err(format!("connect: {e}")),
        }
    }
    Err(last)
}

/// Opens a WebSocket to the relay's rendezvous `id` as `role`.
async fn connect(relay: SocketAddr, id: &str, role: &str) -> Result<Ws, String> {
    connect_path(relay, &format!("/v1/rendezvous/{id}?role={role}")).await
}

/// Opens a WebSocket to `path` at the relay.
async fn connect_path(relay: SocketAddr, path: &str) -> Result<Ws, String> {
    let stream = tcp_connect(relay).await?;
    stream.set_nodelay(true).map_err(|e| format!("nodelay: {e}"))?;
    let url = format!("ws://{relay}{path}");
    let (ws, _) = client_async_with_config(url, stream, Some(client_config()))
        .await
        .map_err(|e| format!("upgrade: {e}"))?;
    Ok(ws)
}

async fn recv_binary(ws: &mut Ws) -> Result<bytes::Bytes, String> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Binary(b))) => return Ok(b),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            other => return Err(format!("expected a binary message, got {other:?}")),
        }
    }
}

async fn expect_close(ws: &mut Ws) -> Result<u16, String> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Close(Some(f)))) => return Ok(u16::from(f.code)),
            Some(Ok(_)) => {}
            other => return Err(format!("expected a close frame, got {other:?}")),
        }
    }
}

/// How a host and a guest find each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meet {
    /// Both name a rendezvous id.
    Id,
    /// The host asks for a channel; the guest names it.
    Channel,
}

/// A waiting host at `relay`.
async fn host(relay: SocketAddr, meet: Meet) -> Result<(Ws, Option<String>), String> {
    match meet {
        Meet::Id => Ok((connect(relay, &new_id(), "host").await?, None)),
        Meet::Channel => {
            let mut ws = connect_path(relay, "/v1/channel?role=host").await?;
            let channel = match ws.next().await {
                Some(Ok(Message::Text(t))) => t
                    .as_str()
                    .split('"')
                    .nth(3)
                    .map(str::to_owned)
                    .ok_or_else(|| format!("not a channel announcement: {t}"))?,
                other => return Err(format!("expected the channel announcement, got {other:?}")),
            };
            Ok((ws, Some(channel)))
        }
    }
}

/// A host and its guest, paired; the time from the guest's TCP connect on
/// starts at the returned instant.
async fn meet(host_relay: SocketAddr, guest_relay: SocketAddr, meet: Meet) -> Result<(Ws, Ws, Instant), String> {
    match meet {
        Meet::Id => {
            let id = new_id();
            let host = connect(host_relay, &id, "host").await?;
            let started = Instant::now();
            Ok((host, connect(guest_relay, &id, "guest").await?, started))
        }
        Meet::Channel => {
            let (host, channel) = host(host_relay, meet).await?;
            let channel = channel.unwrap_or_default();
            let started = Instant::now();
            Ok((host, connect_path(guest_relay, &format!("/v1/channel/{channel}?role=guest")).await?, started))
        }
    }
}

/// One complete rendezvous; returns the pairing latency.
async fn rendezvous(host_relay: SocketAddr, guest_relay: SocketAddr, how: Meet, payload: &[u8]) -> Result<Duration, String> {
    let (mut host, mut guest, started) = meet(host_relay, guest_relay, how).await?;
    let send_err = |e| format!("send: {e}");
    guest.send(Message::Binary(payload.to_vec().into())).await.map_err(send_err)?;
    if recv_binary(&mut host).await? != payload {
        return Err("the host got a different message from the one the guest sent".into());
    }
    let latency = started.elapsed();
    host.send(Message::Binary(payload.to_vec().into())).await.map_err(send_err)?;
    if recv_binary(&mut guest).await? != payload {
        return Err("the guest got a different message from the one the host sent".into());
    }
    guest
        .close(Some(CloseFrame { code: CloseCode::Normal, reason: "done".into() }))
        .await
        .map_err(send_err)?;
    let code = expect_close(&mut host).await?;
    if code != 1000 {
        return Err(format!("the host was closed with {code}"));
    }
    // Let the close handshakes finish so the relay ends both tasks.
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while guest.next().await.is_some() {}
    })
    .await;
    drop(host);
    Ok(latency)
}

/// The size of a bare-TCP client's request; about a WebSocket upgrade
/// request's.
const RAW_REQUEST: usize = 200;
/// The size of the bare-TCP server's reply; about a 101 response's.
const RAW_REPLY: usize = 130;

/// The bare-TCP counterpart of [`connect`]: a request naming the role and
/// the rendezvous id, and the server's reply.
async fn raw_connect(server: SocketAddr, id: &str, role: u8) -> Result<TcpStream, String> {
    let mut stream = tcp_connect(server).await?;
    stream.set_nodelay(true).map_err(|e| format!("nodelay: {e}"))?;
    let mut request = [b' '; RAW_REQUEST];
    request[0] = role;
    request[1..1 + id.len()].copy_from_slice(id.as_bytes());
    stream.write_all(&request).await.map_err(|e| format!("request: {e}"))?;
    let mut reply = [0u8; RAW_REPLY];
    stream.read_exact(&mut reply).await.map_err(|e| format!("reply: {e}"))?;
    Ok(stream)
}

/// The bare-TCP counterpart of [`rendezvous`], step for step.
async fn raw_rendezvous(server: SocketAddr, payload: &[u8]) -> Result<Duration, String> {
    let id = new_id();
    let mut host = raw_connect(server, &id, b'H').await?;
    let started = Instant::now();
    let mut guest = raw_connect(server, &id, b'G').await?;
    let mut got = vec![0u8; payload.len()];
    guest.write_all(payload).await.map_err(|e| format!("send: {e}"))?;
    host.read_exact(&mut got).await.map_err(|e| format!("receive: {e}"))?;
    if got != payload {
        return Err("the host got different bytes from the ones the guest sent".into());
    }
    let latency = started.elapsed();
    host.write_all(payload).await.map_err(|e| format!("send: {e}"))?;
    guest.read_exact(&mut got).await.map_err(|e| format!("receive: {e}"))?;
    if got != payload {
        return Err("the guest got different bytes from the ones the host sent".into());
    }
    drop(guest);
    // The server hangs up on the host once the guest has gone.
    match host.read(&mut got).await {
        Ok(0) => Ok(latency),
        Ok(_) => Err("the host got bytes after the exchange".into()),
        Err(e) => Err(format!("the host's connection failed: {e}")),
    }
}

/// Hosts waiting for their guest in the bare-TCP server, by rendezvous id.
type RawWaiting = Arc<std::sync::Mutex<std::collections::HashMap<Vec<u8>, tokio::sync::oneshot::Sender<TcpStream>>>>;

/// The bare-TCP pairing server: the least a relay must do with the same
/// sockets. Runs until the process is killed.
async fn raw_server(addr: SocketAddr) {
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let waiting = RawWaiting::default();
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(raw_serve(stream, Arc::clone(&waiting)));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

/// One bare-TCP connection: a host waits for its guest's stream and then
/// copies the exchange both ways; a guest hands its stream to the host.
async fn raw_serve(mut stream: TcpStream, waiting: RawWaiting) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut request = [0u8; RAW_REQUEST];
    stream.read_exact(&mut request).await?;
    let id = request[1..].split(|b| *b == b' ').next().unwrap_or_default().to_vec();
    if request[0] == b'H' {
        let (tx, rx) = tokio::sync::oneshot::channel();
        waiting.lock().unwrap().insert(id, tx);
        stream.write_all(&[0u8; RAW_REPLY]).await?;
        let Ok(mut guest) = rx.await else { return Ok(()) };
        let mut buf = vec![0u8; 16 * 1024];
        if !raw_copy(&mut guest, &mut stream, &mut buf).await? || !raw_copy(&mut stream, &mut guest, &mut buf).await? {
            return Ok(());
        }
        // Wait for the guest to hang up, then hang up on the host.
        while guest.read(&mut buf).await? > 0 {}
    } else {
        stream.write_all(&[0u8; RAW_REPLY]).await?;
        let host = waiting.lock().unwrap().remove(&id);
        if let Some(host) = host {
            let _ = host.send(stream);
        }
    }
    Ok(())
}

/// Copies one exchange's bytes; false when `from` hung up first.
async fn raw_copy(from: &mut TcpStream, to: &mut TcpStream, buf: &mut [u8]) -> std::io::Result<bool> {
    let mut left = EXCHANGE;
    while left > 0 {
        let n = from.read(buf).await?;
        if n == 0 {
            return Ok(false);
        }
        to.write_all(&buf[..n]).await?;
        left = left.saturating_sub(n);
    }
    Ok(true)
}

/// What a rate measurement drives.
#[derive(Clone, Copy)]
enum Target {
    /// Relays: the host connects to the first, the guest to the second.
    Relay { host: SocketAddr, guest: SocketAddr, meet: Meet },
    /// The bare-TCP pairing server.
    RawTcp(SocketAddr),
}

impl Target {
    async fn rendezvous(self, payload: &[u8]) -> Result<Duration, String> {
        match self {
            Target::Relay { host, guest, meet } => rendezvous(host, guest, meet, payload).await,
            Target::RawTcp(server) => raw_rendezvous(server, payload).await,
        }
    }
}

struct RateResult {
    count: usize,
    elapsed: Duration,
    errors: Vec<String>,
    per_sec: f64,
    p50: Duration,
    p99: Duration,
}

async fn measure_rate(target: Target, concurrency: usize, duration: Duration) -> RateResult {
    let payload: Arc<Vec<u8>> = Arc::new((0..EXCHANGE).map(|i| i as u8).collect());
    // Warm up (connections, allocator, Redis scripts).
    for _ in 0..20 {
        target.rendezvous(&payload).await.unwrap();
    }
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let payload = Arc::clone(&payload);
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = Vec::new();
            while Instant::now() < deadline {
                match tokio::time::timeout(Duration::from_secs(10), target.rendezvous(&payload)).await {
                    Ok(Ok(l)) => latencies.push(l),
                    Ok(Err(e)) => errors.push(e),
                    Err(_) => errors.push("a rendezvous took more than 10 s".into()),
                }
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = Vec::new();
    for w in workers {
        let (l, e) = w.await.unwrap();
        all.extend(l);
        errors.extend(e);
    }
    let elapsed = started.elapsed();
    all.sort_unstable();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    RateResult { count: all.len(), elapsed, errors, per_sec: all.len() as f64 / elapsed.as_secs_f64(), p50: pct(0.50), p99: pct(0.99) }
}

/// Prints a rate measurement; `server_cpu` is what the relay (or the
/// bare-TCP server) used meanwhile, under the name `server`.
fn print_rate(label: &str, r: &RateResult, concurrency: usize, duration: Duration, server_cpu: Option<(&str, Duration)>) {
    println!(
        "{label}: {} rendezvous in {:?} with {concurrency} workers = {:.0} rendezvous/s; pairing latency p50 {:.2} ms, p99 {:.2} ms",
        r.count,
        duration,
        r.per_sec,
        r.p50.as_secs_f64() * 1e3,
        r.p99.as_secs_f64() * 1e3
    );
    if let Some((server, cpu)) = server_cpu {
        println!(
            "{label}: {server} CPU {:.1} s over {:.1} s ({:.0}% of one core), {:.0} µs of {server} CPU per rendezvous",
            cpu.as_secs_f64(),
            r.elapsed.as_secs_f64(),
            cpu.as_secs_f64() / r.elapsed.as_secs_f64() * 100.0,
            cpu.as_secs_f64() * 1e6 / r.count.max(1) as f64
        );
    }
    if !r.errors.is_empty() {
        println!("{label}: {} failed rendezvous; first: {}", r.errors.len(), r.errors[0]);
    }
}

async fn measure_memory(bin: &PathBuf, log: &str, sessions: usize, how: Meet) {
    let (relay, addr) = start_relay(bin, log, "mem", None).await;
    let pid = relay.0.id();
    // One rendezvous first, so that one-time allocations are not counted.
    let payload = vec![0u8; EXCHANGE];
    rendezvous(addr, addr, how, &payload).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = rss_kib(pid);
    let started = Instant::now();
    let sem = Arc::new(tokio::sync::Semaphore::new(OPEN_PARALLEL));
    let mut tasks = Vec::with_capacity(sessions);
    for _ in 0..sessions {
        let permit = Arc::clone(&sem).acquire_owned().await.unwrap();
        tasks.push(tokio::spawn(async move {
            let (ws, _) = host(addr, how).await.unwrap();
            drop(permit);
            ws
        }));
    }
    let mut held = Vec::with_capacity(sessions);
    for t in tasks {
        held.push(t.await.unwrap());
    }
    let opened = started.elapsed();
    // Wait until the relay counts them all as waiting.
    for _ in 0..200 {
        if metric(addr, "certbridge_sessions_waiting").await as usize >= sessions {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let waiting = metric(addr, "certbridge_sessions_waiting").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = rss_kib(pid);
    let per = (after.saturating_sub(before)) as f64 * 1024.0 / sessions as f64;
    let what = if how == Meet::Channel { "channel hosts" } else { "sessions" };
    let channels = metric(addr, "certbridge_channels_waiting").await;
    println!(
        "memory: {sessions} waiting {what} opened in {:.1} s ({waiting} counted by the relay); {channels} channels waiting; relay RSS {before} KiB -> {after} KiB = {per:.0} bytes per waiting session",
        opened.as_secs_f64()
    );
    // And a rendezvous still works with all of them waiting.
    let t = Instant::now();
    rendezvous(addr, addr, how, &payload).await.unwrap();
    println!("memory: a rendezvous beside {sessions} waiting sessions took {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    drop(held);
}

fn raise_fd_limit(want: u64) {
    use rlimit::Resource;
    if rlimit::setrlimit(Resource::NOFILE, want, want).is_err() {
        match rlimit::increase_nofile_limit(want) {
            Ok(n) if n < want => eprintln!(
                "warning: only {n} file descriptors allowed; run `ulimit -n {want}` first (or as root) for the full test"
            ),
            Ok(_) => {}
            Err(e) => eprintln!("warning: cannot raise the file descriptor limit: {e}"),
        }
    }
}

fn main() {
    let args = Args::parse();
    raise_fd_limit((args.sessions as u64 * 2 + 4096).max(65_536));
    let bin = args.relay_bin.clone().unwrap_or_else(|| {
        let me = std::env::current_exe().unwrap();
        me.with_file_name("certbridge-relay")
    });
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        if let Some(addr) = args.raw_server {
            raw_server(addr).await;
            return;
        }
        let how = if args.channels { Meet::Channel } else { Meet::Id };
        if let Some(addr) = args.target {
            let r = measure_rate(Target::Relay { host: addr, guest: addr, meet: how }, args.concurrency, args.duration).await;
            print_rate(&format!("relay at {addr}"), &r, args.concurrency, args.duration, None);
            return;
        }
        if !args.skip_memory {
            measure_memory(&bin, &args.relay_log, args.sessions, how).await;
        }
        if !args.skip_single {
            let (relay, addr) = start_relay(&bin, &args.relay_log, "single", None).await;
            let cpu = cpu_time(relay.0.id());
            let r = measure_rate(Target::Relay { host: addr, guest: addr, meet: how }, args.concurrency, args.duration).await;
            let cpu = cpu_time(relay.0.id()).saturating_sub(cpu);
            print_rate("one node", &r, args.concurrency, args.duration, Some(("relay", cpu)));
        }
        if !args.skip_baseline {
            let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
            let me = std::env::current_exe().unwrap();
            let server = Proc(
                Command::new(me).args(["--raw-server", &addr.to_string()]).stdout(Stdio::null()).spawn().unwrap(),
            );
            wait_for_port(addr).await;
            let cpu = cpu_time(server.0.id());
            let r = measure_rate(Target::RawTcp(addr), args.concurrency, args.duration).await;
            let cpu = cpu_time(server.0.id()).saturating_sub(cpu);
            print_rate("ceiling (bare TCP, no WebSocket)", &r, args.concurrency, args.duration, Some(("server", cpu)));
        }
        if !args.skip_redis {
            if !args.redis_server.exists() {
                println!("two nodes: skipped, {} is not installed", args.redis_server.display());
                return;
            }
            let (redis, url) = start_redis(&args.redis_server).await;
            let (node_a, a) = start_relay(&bin, &args.relay_log, "node-a", Some(&url)).await;
            let (node_b, b) = start_relay(&bin, &args.relay_log, "node-b", Some(&url)).await;
            let pids = [node_a.0.id(), node_b.0.id(), redis.0.id()];
            let cpu: Vec<Duration> = pids.iter().map(|p| cpu_time(*p)).collect();
            let r = measure_rate(Target::Relay { host: a, guest: b, meet: how }, args.concurrency, args.duration).await;
            let used: Vec<Duration> = pids.iter().zip(&cpu).map(|(p, c)| cpu_time(*p).saturating_sub(*c)).collect();
            let label = "two nodes (host on A, guest on B, Redis)";
            print_rate(label, &r, args.concurrency, args.duration, Some(("relay", used[0] + used[1])));
            println!(
                "{label}: node A {:.1} s, node B {:.1} s, redis-server {:.1} s of CPU",
                used[0].as_secs_f64(),
                used[1].as_secs_f64(),
                used[2].as_secs_f64()
            );
        }
    });
}
