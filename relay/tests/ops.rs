//! Operating the relay: `/healthz`, `/metrics`, graceful shutdown, and the
//! real `certbridge-relay` binary.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

#[tokio::test]
async fn healthz_and_metrics_after_a_session() {
    let relay = Relay::start(config()).await;
    assert_eq!(http_get(relay.addr, "/healthz").await, (200, "ok".into()));

    let id = new_id();
    let mut host = relay.connect(&id, "host").await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(metric(relay.addr, "certbridge_sessions_waiting").await, 1.0);
    let mut guest = relay.connect(&id, "guest").await;
    send(&mut guest, &[1u8; 1000]).await;
    assert_eq!(recv(&mut host).await.len(), 1000);
    send(&mut host, &[2u8; 24]).await;
    assert_eq!(recv(&mut guest).await.len(), 24);
    assert_eq!(metric(relay.addr, "certbridge_sessions_waiting").await, 0.0);
    assert_eq!(metric(relay.addr, "certbridge_sessions_paired").await, 1.0);
    close_normally(&mut guest).await;
    assert_eq!(expect_close(&mut host).await.0, 1000);
    let crowd = relay.connect(&id, "host").await; // a fresh host on the same id is fine now...
    let _guest = relay.connect(&id, "guest").await;
    let mut crowd2 = relay.connect(&id, "host").await; // ...a second one, with a pair formed, is crowded
    assert_eq!(expect_close(&mut crowd2).await.0, 4001);
    drop(crowd);
    tokio::time::sleep(Duration::from_millis(100)).await;

    let (status, body) = http_get(relay.addr, "/metrics").await;
    assert_eq!(status, 200);
    let value = |name: &str| -> f64 {
        body.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(' ')))
            .unwrap_or_else(|| panic!("no {name} in\n{body}"))
            .parse()
            .unwrap()
    };
    assert_eq!(value("certbridge_sessions_paired"), 0.0);
    assert_eq!(value("certbridge_sessions_waiting"), 0.0);
    assert_eq!(value("certbridge_forwarded_bytes_total"), 1024.0);
    assert_eq!(value("certbridge_forwarded_messages_total"), 2.0);
    // The guest's normal close and the host closed after it: both a success.
    assert_eq!(value("certbridge_closes_total{reason=\"finished\"}"), 2.0);
    assert_eq!(value("certbridge_closes_total{reason=\"client_closed\"}"), 0.0);
    // Only the second pair's guest, whose host vanished.
    assert_eq!(value("certbridge_closes_total{reason=\"peer_closed\"}"), 1.0);
    assert_eq!(value("certbridge_closes_total{reason=\"crowded\"}"), 1.0);
    assert_eq!(value("certbridge_closes_total{reason=\"connection_lost\"}"), 1.0);
    assert_eq!(value("certbridge_pairing_seconds_count"), 2.0);
    assert_eq!(value("certbridge_pairing_seconds_bucket{le=\"+Inf\"}"), 2.0);
    assert_eq!(value("certbridge_pairing_seconds_bucket{le=\"600\"}"), 2.0);
    assert!(value("certbridge_pairing_seconds_sum") > 0.0);
    assert_eq!(value("certbridge_upgrades_total"), 5.0);
    assert!(body.contains("# TYPE certbridge_pairing_seconds histogram"));
    assert!(body.contains("# TYPE certbridge_closes_total counter"));
    assert!(body.contains(&format!("certbridge_build_info{{version=\"{}\"}} 1", env!("CARGO_PKG_VERSION"))));
    assert_eq!(value("certbridge_connections_pending"), 1.0); // this very request
    assert_eq!(value("certbridge_backend_up"), -1.0);
    // The metrics never carry a rendezvous id.
    assert!(!body.contains(&id[..8]));
    relay.shutdown().await;
}

#[tokio::test]
async fn a_normal_close_after_a_transfer_counts_as_finished_and_a_dropped_one_does_not() {
    let relay = Relay::start(config()).await;
    // 1000 after the exchange: a success on both sides.
    let (mut host, mut guest) = paired(&relay, &relay).await;
    close_normally(&mut guest).await;
    assert_eq!(expect_close(&mut host).await, (1000, "session finished".into()));
    // The TCP connection dropped after the exchange: not a success.
    let (mut host, guest) = paired(&relay, &relay).await;
    drop(guest);
    assert_eq!(expect_close(&mut host).await, (4000, "peer closed".into()));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let m = |r: &'static str| metric(relay.addr, Box::leak(format!("certbridge_closes_total{{reason=\"{r}\"}}").into_boxed_str()));
    assert_eq!(m("finished").await, 2.0);
    assert_eq!(m("connection_lost").await, 1.0);
    assert_eq!(m("peer_closed").await, 1.0);
    assert_eq!(m("client_closed").await, 0.0);
    relay.shutdown().await;
}

/// A relay in this process with a separate metrics listener: its two
/// addresses, the stop switch and the task.
struct WithMetrics {
    addr: std::net::SocketAddr,
    maddr: std::net::SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), certbridge_relay::RelayError>>,
}

async fn start_with_metrics(c: certbridge_relay::Config) -> WithMetrics {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (addr, maddr) = (listener.local_addr().unwrap(), metrics.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(certbridge_relay::run(
        certbridge_relay::Listeners { relay: listener, metrics: Some(metrics) },
        c,
        async {
            let _ = stopped.await;
        },
    ));
    WithMetrics { addr, maddr, stop, task }
}

#[tokio::test]
async fn readyz_turns_503_while_draining() {
    let mut c = config();
    c.limits.drain_deadline = Duration::from_secs(5);
    let WithMetrics { addr, maddr, stop, task } = start_with_metrics(c).await;
    assert_eq!(http_get(maddr, "/readyz").await, (200, "ready\n".into()));
    let id = new_id();
    let mut host = connect(addr, &id, "host").await;
    let mut guest = connect(addr, &id, "guest").await;
    send(&mut host, b"x").await;
    assert_eq!(recv(&mut guest).await, b"x");
    let _ = stop.send(());
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Still alive, no longer ready, while the paired session finishes.
    assert_eq!(http_get(maddr, "/healthz").await.0, 200);
    assert_eq!(http_get(maddr, "/readyz").await, (503, "draining\n".into()));
    close_normally(&mut guest).await;
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn metrics_can_have_their_own_listener() {
    let WithMetrics { addr, maddr, stop, task } = start_with_metrics(config()).await;
    assert_eq!(http_get(addr, "/metrics").await.0, 404);
    let (status, body) = http_get(maddr, "/metrics").await;
    assert_eq!(status, 200);
    assert!(body.contains("certbridge_connections "), "{body}");
    assert_eq!(http_get(maddr, "/readyz").await.0, 200);
    // No rendezvous on the metrics address.
    assert_eq!(http_get(maddr, &format!("/v1/rendezvous/{}?role=host", new_id())).await.0, 404);
    assert_eq!(http_get(addr, "/healthz").await.0, 200);
    let _ = stop.send(());
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn graceful_shutdown_lets_a_paired_session_finish() {
    let mut c = config();
    c.limits.drain_deadline = Duration::from_secs(5);
    let mut relay = Relay::start(c).await;
    let id = new_id();
    let mut host = relay.connect(&id, "host").await;
    let mut guest = relay.connect(&id, "guest").await;
    let mut waiting = relay.connect(&new_id(), "host").await;
    send(&mut host, b"before").await;
    assert_eq!(recv(&mut guest).await, b"before");

    relay.begin_shutdown();
    // A waiting host is sent away at once.
    assert_eq!(expect_close(&mut waiting).await, (1001, "going away".into()));
    // New connections are not accepted.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(tokio_tungstenite::connect_async(relay.url(&new_id(), "host")).await.is_err());
    // The paired session carries on...
    for i in 0..10u8 {
        send(&mut guest, &[i]).await;
        assert_eq!(recv(&mut host).await, [i]);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // ...and finishes on its own terms.
    close_normally(&mut host).await;
    assert_eq!(expect_close(&mut guest).await, (1000, "session finished".into()));
    let started = Instant::now();
    relay.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
}

#[tokio::test]
async fn the_drain_deadline_closes_lingering_sessions_with_1001() {
    let mut c = config();
    c.limits.drain_deadline = Duration::from_millis(500);
    let mut relay = Relay::start(c).await;
    let id = new_id();
    let mut host = relay.connect(&id, "host").await;
    let mut guest = relay.connect(&id, "guest").await;
    send(&mut host, b"x").await;
    assert_eq!(recv(&mut guest).await, b"x");
    let started = Instant::now();
    relay.begin_shutdown();
    assert_eq!(expect_close(&mut host).await, (1001, "going away".into()));
    assert_eq!(expect_close(&mut guest).await, (1001, "going away".into()));
    assert!(started.elapsed() >= Duration::from_millis(400));
    drop((host, guest));
    relay.shutdown().await;
}

/// The real binary, killed on drop if a test fails half-way.
struct Binary(std::process::Child);

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the real binary on a free port and waits until it answers.
async fn spawn_binary(extra: &[&str]) -> (Binary, std::net::SocketAddr) {
    spawn_binary_logging(extra, Stdio::null()).await
}

async fn spawn_binary_logging(extra: &[&str], stderr: Stdio) -> (Binary, std::net::SocketAddr) {
    let port = free_port();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let child = Binary(
        Command::new(env!("CARGO_BIN_EXE_certbridge-relay"))
            .args(["--listen", &addr.to_string()])
            .args(extra)
            .env("CERTBRIDGE_RELAY_GUEST_WAIT", "300ms")
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap(),
    );
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            return (child, addr);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the relay binary did not start listening");
}

#[tokio::test]
async fn the_binary_serves_reads_env_and_stops_on_sigterm() {
    let (mut child, addr) = spawn_binary(&["--node-id", "bin-test"]).await;
    assert_eq!(http_get(addr, "/healthz").await, (200, "ok".into()));
    let id = new_id();
    let mut host = connect(addr, &id, "host").await;
    let mut guest = connect(addr, &id, "guest").await;
    send(&mut host, b"from the binary").await;
    assert_eq!(recv(&mut guest).await, b"from the binary");
    // The guest wait comes from the environment (300 ms).
    let mut lone = connect(addr, &new_id(), "guest").await;
    let started = Instant::now();
    assert_eq!(expect_close(&mut lone).await.0, 4004);
    assert!(started.elapsed() < Duration::from_secs(2));
    drop((host, guest));

    // SIGTERM: a graceful stop with exit status 0.
    let status = Command::new("kill").args(["-TERM", &child.0.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(s) = child.0.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "the relay did not stop on SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "{exit:?}");
}

#[tokio::test]
async fn the_binary_logs_no_payload_and_no_colours_at_trace_level() {
    let log = tempfile::NamedTempFile::new().unwrap();
    let stderr = Stdio::from(log.reopen().unwrap());
    let (mut child, addr) = spawn_binary_logging(&["--log", "trace"], stderr).await;
    let id = new_id();
    let mut host = connect(addr, &id, "host").await;
    let mut guest = connect(addr, &id, "guest").await;
    let marker = b"PAYLOAD-MARKER-7f3a";
    send(&mut guest, marker).await;
    assert_eq!(recv(&mut host).await, marker);
    send(&mut host, b"REPLY-MARKER-9c1e").await;
    recv(&mut guest).await;
    close_normally(&mut guest).await;
    expect_close(&mut host).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    let text = std::fs::read(log.path()).unwrap();
    let text = String::from_utf8_lossy(&text);
    assert!(text.contains("paired"), "the log says what happened: {text}");
    for needle in ["PAYLOAD-MARKER", "REPLY-MARKER", "7f3a", "50 41 59 4c", "80, 65, 89, 76", "\x1b["] {
        assert!(!text.contains(needle), "the log holds {needle:?}:\n{text}");
    }
    // Nor the whole id.
    assert!(!text.contains(&id), "{text}");
}

#[tokio::test]
async fn the_binary_listens_with_the_configured_backlog() {
    let Some(ss) = ["/usr/bin/ss", "/bin/ss", "/usr/sbin/ss"].into_iter().find(|p| std::path::Path::new(p).exists())
    else {
        assert!(std::env::var_os("CI").is_none(), "ss (iproute2) is missing in CI");
        eprintln!("SKIPPED: ss is not installed");
        return;
    };
    let (_child, addr) = spawn_binary(&["--listen-backlog", "2048"]).await;
    let out = Command::new(ss).args(["-ltnH", &format!("sport = :{}", addr.port())]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // For a listening socket, Send-Q is its backlog (capped by somaxconn).
    let somaxconn: u32 = std::fs::read_to_string("/proc/sys/net/core/somaxconn").unwrap().trim().parse().unwrap();
    let send_q: u32 = text.split_whitespace().nth(2).unwrap_or_else(|| panic!("{text}")).parse().unwrap();
    assert_eq!(send_q, 2048.min(somaxconn), "{text}");
}

#[tokio::test]
async fn the_health_check_flag_asks_readyz() {
    let (_child, addr) = spawn_binary(&[]).await;
    let ok = Command::new(env!("CARGO_BIN_EXE_certbridge-relay"))
        .args(["--health-check", "--listen", &format!("0.0.0.0:{}", addr.port())])
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    // Nothing there: not healthy.
    let down = Command::new(env!("CARGO_BIN_EXE_certbridge-relay"))
        .args(["--health-check", "--listen", &format!("127.0.0.1:{}", free_port())])
        .output()
        .unwrap();
    assert!(!down.status.success());
    assert!(String::from_utf8_lossy(&down.stderr).contains("cannot reach the relay"));
}

#[tokio::test]
async fn the_binary_can_be_killed() {
    let (mut child, addr) = spawn_binary(&[]).await;
    let id = new_id();
    let mut host = connect(addr, &id, "host").await;
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    // The client sees the connection end (no close frame from a dead process).
    let end = tokio::time::timeout(PATIENCE, futures_util::StreamExt::next(&mut host)).await.unwrap();
    assert!(matches!(end, None | Some(Err(_))), "the connection should just end: {end:?}");
}

#[test]
fn the_binary_explains_bad_settings() {
    let out = Command::new(env!("CARGO_BIN_EXE_certbridge-relay"))
        .args(["--node-id", "bad/id", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("node id"), "{err}");

    let out = Command::new(env!("CARGO_BIN_EXE_certbridge-relay"))
        .args(["--idle", "5 parsecs"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unit"));

    let out = Command::new(env!("CARGO_BIN_EXE_certbridge-relay"))
        .args(["--trust-forwarded-for", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--trusted-proxy"));

    let out = Command::new(env!("CARGO_BIN_EXE_certbridge-relay"))
        .args(["--listen", "127.0.0.1:0", "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tls-cert"));
}

/// The shipped systemd unit parses without unknown or malformed keys
/// (`systemd-analyze verify`) and carries the hardening and bounds the
/// deployment relies on.
#[test]
fn the_systemd_unit_verifies() {
    let Some(analyze) = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].into_iter().find(|p| std::path::Path::new(p).exists())
    else {
        assert!(std::env::var_os("CI").is_none(), "systemd-analyze is missing in CI");
        eprintln!("SKIPPED: systemd-analyze is not installed");
        return;
    };
    let unit = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/certbridge-relay.service")).unwrap();
    for key in ["ProtectProc=invisible", "ProcSubset=pid", "UMask=0077", "MemoryMax=", "TasksMax=", "LimitNOFILE="] {
        assert!(unit.lines().any(|l| l.starts_with(key)), "the unit lacks {key}");
    }
    // The binary it names must exist for verify: point it at this build's.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("certbridge-relay.service");
    std::fs::write(&path, unit.replace("/usr/local/bin/certbridge-relay", env!("CARGO_BIN_EXE_certbridge-relay"))).unwrap();
    let out = Command::new(analyze).arg("verify").arg(&path).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let problems: Vec<&str> = err.lines().filter(|l| l.contains("certbridge-relay.service")).collect();
    assert!(out.status.success() && problems.is_empty(), "{err}");
}

/// The benchmark's load generator still speaks the relay's protocol: a
/// short run against a fresh relay and against the bare-TCP server
/// completes rendezvous with the exchanged bytes checked, and none fails.
#[test]
fn the_load_generator_drives_the_relay_and_the_bare_tcp_server() {
    let stdout = load_generator(&["--sessions", "100", "--concurrency", "4", "--duration", "1s", "--skip-redis"]);
    assert!(stdout.contains("memory: 100 waiting sessions opened"), "{stdout}");
    assert!(stdout.contains("(100 counted by the relay)"), "{stdout}");
    assert!(completed(&stdout, "one node") > 0, "{stdout}");
    assert!(completed(&stdout, "ceiling (bare TCP, no WebSocket)") > 0, "{stdout}");

    // Meeting by channel number: waiting channel hosts, then rendezvous
    // by channel.
    let stdout = load_generator(&["--sessions", "150", "--concurrency", "4", "--duration", "1s", "--skip-redis", "--skip-baseline", "--channels"]);
    assert!(stdout.contains("memory: 150 waiting channel hosts opened"), "{stdout}");
    assert!(stdout.contains("; 150 channels waiting;"), "{stdout}");
    assert!(completed(&stdout, "one node") > 0, "{stdout}");
}

/// Runs `relay-load` with `args` against this build's relay; its output,
/// after checking that it succeeded and no rendezvous failed.
fn load_generator(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_relay-load"))
        .args(args)
        .args(["--relay-bin", env!("CARGO_BIN_EXE_certbridge-relay")])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(!stdout.contains("failed"), "{stdout}");
    stdout
}

/// The rendezvous completed in the rate line that starts with `label`.
fn completed(stdout: &str, label: &str) -> u64 {
    let line = stdout
        .lines()
        .find(|l| l.starts_with(label) && l.contains("rendezvous/s"))
        .unwrap_or_else(|| panic!("no {label} line in {stdout}"));
    line[label.len()..].trim_start_matches(": ").split(' ').next().unwrap().parse().unwrap()
}
