//! Redis without a single point of failure: nodes that find their master
//! through real Redis Sentinels and follow a failover, and TLS to Redis
//! (`rediss://`) against a real TLS-enabled `redis-server`.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use certbridge_relay::{RedisTlsFiles, SentinelConfig};
use common::*;



/// A process killed on drop.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `redis-cli -p PORT ARGS` and returns its output.
fn cli(port: u16, args: &[&str]) -> String {
    let out = Command::new("redis-cli").args(["-p", &port.to_string()]).args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[tokio::test]
async fn nodes_follow_a_sentinel_failover() {
    let Some(bin) = redis_server_bin() else { return };
    let (mport, rport) = (free_port(), free_port());
    let mut master = RedisServer::start_on(mport).await.unwrap();
    let _replica = RedisServer::start_with(rport, &["--replicaof", "127.0.0.1", &mport.to_string()]).await.unwrap();
    for _ in 0..100 {
        if cli(mport, &["INFO", "replication"]).contains("connected_slaves:1") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Three sentinels, quorum two, quick to act.
    let dir = tempfile::tempdir().unwrap();
    let mut sentinels = Vec::new();
    let mut addrs = Vec::new();
    for i in 0..3 {
        let port = free_port();
        let conf = dir.path().join(format!("sentinel-{i}.conf"));
        std::fs::write(
            &conf,
            format!(
                "port {port}\nbind 127.0.0.1\ndir {}\nsentinel monitor certbridge 127.0.0.1 {mport} 2\n\
                 sentinel down-after-milliseconds certbridge 1000\nsentinel failover-timeout certbridge 4000\n",
                dir.path().display()
            ),
        )
        .unwrap();
        let child = Command::new(bin)
            .arg(&conf)
            .arg("--sentinel")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        sentinels.push(Killed(child));
        wait_for_redis(port).await;
        addrs.push((port, format!("127.0.0.1:{port}")));
    }
    // The sentinels know each other (needed for a quorum).
    for _ in 0..100 {
        if cli(addrs[0].0, &["SENTINEL", "sentinels", "certbridge"]).matches("127.0.0.1").count() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let node = |name: &'static str| {
        let mut c = config();
        c.node_id = name.to_owned();
        c.redis_sentinel = Some(SentinelConfig::new(addrs.iter().map(|(_, a)| a.clone()).collect(), "certbridge"));
        c.limits.guest_wait = Duration::from_secs(2);
        Relay::start(c)
    };
    let (a, b) = (node("node-a").await, node("node-b").await);
    wait_until_backend_up(&[a.addr, b.addr], Duration::from_secs(10)).await;
    let (mut cross_host, _cross_guest) = paired(&a, &b).await;
    let (mut local_host, mut local_guest) = paired(&a, &a).await;

    // The master dies; the sentinels promote the replica.
    master.kill();
    assert_eq!(expect_close_within(&mut cross_host, Duration::from_secs(20)).await.0, 4010);
    wait_until_backend_up(&[a.addr, b.addr], Duration::from_secs(30)).await;
    assert!(cli(rport, &["ROLE"]).starts_with("master"), "the replica was promoted");
    // Pairs across nodes form again, through the new master...
    let _again = paired(&a, &b).await;
    // ...and the pair on one node never noticed.
    send(&mut local_host, b"through it all").await;
    assert_eq!(recv(&mut local_guest).await, b"through it all");
    a.shutdown().await;
    b.shutdown().await;
}

/// A CA, and a certificate for localhost signed by it, as PEM files.
struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        let cert = params.signed_by(&key, &ca).unwrap();
        std::fs::write(dir.path().join("ca.pem"), ca.pem()).unwrap();
        std::fs::write(dir.path().join("server.pem"), cert.pem()).unwrap();
        std::fs::write(dir.path().join("server.key"), key.serialize_pem()).unwrap();
        Pki { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_owned()
    }
}

#[tokio::test]
async fn rediss_connects_with_the_configured_ca_and_refuses_an_unknown_server() {
    let Some(bin) = redis_server_bin() else { return };
    let pki = Pki::new();
    let port = free_port();
    let _redis = Killed(
        Command::new(bin)
            .args(["--port", "0", "--tls-port", &port.to_string(), "--bind", "127.0.0.1", "--save", ""])
            .args(["--tls-cert-file", &pki.path("server.pem"), "--tls-key-file", &pki.path("server.key")])
            .args(["--tls-ca-cert-file", &pki.path("ca.pem"), "--tls-auth-clients", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let node = |name: &'static str, ca: Option<String>| {
        let mut c = config();
        c.node_id = name.to_owned();
        c.redis_url = Some(format!("rediss://localhost:{port}/"));
        if let Some(ca) = ca {
            c.redis_tls = RedisTlsFiles::with_ca(ca);
        }
        c.limits.guest_wait = Duration::from_secs(2);
        Relay::start(c)
    };
    let a = node("node-a", Some(pki.path("ca.pem"))).await;
    let b = node("node-b", Some(pki.path("ca.pem"))).await;
    wait_until_backend_up(&[a.addr, b.addr], Duration::from_secs(10)).await;
    let _pair = paired(&a, &b).await;
    // Without the CA the server's certificate is not trusted: no backend.
    let stranger = node("node-c", None).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(metric(stranger.addr, "certbridge_backend_up").await, 0.0);
    assert_eq!(http_get(stranger.addr, "/readyz").await.0, 503);
    a.shutdown().await;
    b.shutdown().await;
}
