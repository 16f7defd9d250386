//! Servers the end-to-end tests run: `certbridge-relay` nodes, a
//! `redis-server` of their own, and a round-robin TCP balancer.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::{in_ci, relay_bin, which};

/// A free port on 127.0.0.1 (free when asked; a race is possible but rare).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn wait_for_port(port: u16, what: &str) {
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
pub struct Relay {
    child: Child,
    pub port: u16,
}

impl Relay {
    pub fn start(extra: &[&str]) -> Self {
        Self::start_on(free_port(), extra)
    }

    pub fn start_on(port: u16, extra: &[&str]) -> Self {
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

    pub fn url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }

    pub fn kill(&mut self) {
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
pub struct Redis(Child, pub u16);

impl Redis {
    pub fn start() -> Option<Self> {
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

    pub fn url(&self) -> String {
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
pub fn round_robin(backends: Vec<u16>) -> u16 {
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

