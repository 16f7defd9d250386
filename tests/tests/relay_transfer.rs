//! Transfers through real `certbridge-relay` processes on 127.0.0.1: one
//! node, two nodes sharing a real `redis-server` behind a round-robin load
//! balancer, LAN and relay racing, and the relay dying mid-session.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use certbridge_e2e::{Proc, folders, in_ci, pass_the_number, relay_bin, test_vector, tree, which};

const VECTOR: &str = "npki-yessign-test";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not come up on port {port}"
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// A relay process, killed on drop.
struct Relay {
    child: Child,
    port: u16,
}

impl Relay {
    fn start(extra: &[&str]) -> Self {
        Self::start_on(free_port(), extra)
    }

    fn start_on(port: u16, extra: &[&str]) -> Self {
        let child = Command::new(relay_bin())
            .args(["--listen", &format!("127.0.0.1:{port}"), "--log", "warn"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_port(port, "the relay");
        Relay { child, port }
    }

    fn url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A `redis-server` of our own on a free port, killed on drop.
struct Redis(Child, u16);

impl Redis {
    fn start() -> Option<Self> {
        let Some(bin) = which("redis-server") else {
            assert!(
                !in_ci(),
                "redis-server is missing in CI; scripts/setup-test-tools.sh installs it"
            );
            eprintln!("skipping: redis-server is not installed");
            return None;
        };
        let port = free_port();
        let child = Command::new(bin)
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_port(port, "redis-server");
        Some(Redis(child, port))
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.1)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A TCP load balancer sending each new connection to the next backend in
/// turn, like a round-robin balancer in front of relay nodes.
fn round_robin(backends: Vec<u16>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let next = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            let backend = backends[next.fetch_add(1, Ordering::SeqCst) % backends.len()];
            let Ok(server) = TcpStream::connect(("127.0.0.1", backend)) else {
                continue;
            };
            for (mut from, mut to) in [
                (client.try_clone().unwrap(), server.try_clone().unwrap()),
                (server, client),
            ] {
                std::thread::spawn(move || {
                    let mut buf = [0u8; 16 * 1024];
                    while let Ok(n) = from.read(&mut buf) {
                        if n == 0 || to.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = to.shutdown(Shutdown::Write);
                });
            }
        }
    });
    port
}

/// Runs an export through `relay_url`: desktop `send`, scanner `scan`,
/// each with `extra` flags. Returns the path both sides report.
fn export(
    vector: &Path,
    relay_url: &str,
    desktop_flags: &[&str],
    scanner_flags: &[&str],
    root: &Path,
) -> String {
    let mut flags = vec!["--relay", relay_url];
    flags.extend_from_slice(desktop_flags);
    let (mut desktop, text) = Proc::desktop_send(vector, &flags);
    let mut scanner = Proc::scan_into("scanner", &text, root, scanner_flags);
    pass_the_number(&mut desktop, &mut scanner);
    let done = scanner.expect("done");
    let desktop_done = desktop.expect("done");
    assert!(desktop.wait().success() && scanner.wait().success());
    assert_eq!(done["path"], desktop_done["path"]);
    let installed = tree(root);
    assert_eq!(
        installed.len(),
        2,
        "{:?}",
        installed.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for (name, bytes) in &installed {
        let file = Path::new(name).file_name().unwrap();
        assert!(
            std::fs::read(vector.join(file)).unwrap() == *bytes,
            "{name} differs"
        );
    }
    done["path"].as_str().unwrap().to_owned()
}

#[test]
fn a_transfer_through_one_relay_node() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let relay = Relay::start(&[]);
    let tmp = tempfile::tempdir().unwrap();
    let path = export(&vector, &relay.url(), &["--no-lan"], &[], tmp.path());
    assert_eq!(path, "relay");
}

#[test]
fn the_scanner_can_refuse_the_lan_and_use_the_relay() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let relay = Relay::start(&[]);
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(
        export(&vector, &relay.url(), &[], &["--no-lan"], tmp.path()),
        "relay"
    );
}

#[test]
fn lan_and_relay_race_and_the_lan_wins_nearby() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let relay = Relay::start(&[]);
    let tmp = tempfile::tempdir().unwrap();
    // Both paths offered: the LAN answers within the relay's 300 ms head start.
    assert_eq!(export(&vector, &relay.url(), &[], &[], tmp.path()), "lan");
}

#[test]
fn host_and_guest_on_two_nodes_sharing_redis() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let Some(redis) = Redis::start() else { return };
    let a = Relay::start(&["--redis", &redis.url(), "--node-id", "a"]);
    let b = Relay::start(&["--redis", &redis.url(), "--node-id", "b"]);
    // The desktop's connection lands on node a, the scanner's on node b.
    let balancer = round_robin(vec![a.port, b.port]);
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("ws://127.0.0.1:{balancer}");
    assert_eq!(
        export(&vector, &url, &["--no-lan"], &[], tmp.path()),
        "relay"
    );
}

#[test]
fn a_relay_only_desktop_whose_relay_is_down_says_so_and_shows_no_code() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("NPKI");
    // Nothing listens there.
    let url = format!("ws://127.0.0.1:{}", free_port());
    let mut desktop = Proc::start(
        "desktop",
        &["receive", "--install-root", root.to_str().unwrap(), "--json", "--no-lan", "--relay", &url],
        &[],
    );
    assert_eq!(desktop.fails_with(), "relay_unreachable");
    assert!(
        desktop.seen.iter().all(|v| v["event"] != "invite"),
        "no code may be shown: {:?}",
        desktop.seen
    );
    let error = desktop.seen.iter().find(|v| v["event"] == "error").unwrap();
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("cannot be reached") && message.contains(&url), "{message}");
}

#[test]
fn a_relay_killed_mid_session_fails_both_sides_cleanly_and_a_new_code_works() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let mut relay = Relay::start(&[]);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("NPKI");
    let url = relay.url();
    let (mut desktop, text) = Proc::start(
        "desktop",
        &[
            "send",
            vector.to_str().unwrap(),
            "--allow-expired",
            "--json",
            "--no-lan",
            "--relay",
            &url,
        ],
        &[],
    )
    .with_invite();
    let mut scanner = Proc::scan_into("scanner", &text, &root, &[]);
    scanner.expect("verification_code");
    desktop.expect("enter_code");
    // The relay dies before the number is typed.
    relay.kill();
    let scanner_error = scanner.fails_with();
    let desktop_error = desktop.fails_with();
    assert_eq!(desktop_error, "disconnected");
    assert_eq!(scanner_error, "disconnected");
    assert!(
        folders(&root).is_empty(),
        "nothing installed: {:?}",
        folders(&root)
    );

    // The relay comes back on the same address; a new code works.
    let _relay = Relay::start_on(relay.port, &[]);
    assert_eq!(
        export(&vector, &url, &["--no-lan"], &[], &tmp.path().join("again")),
        "relay"
    );
}
