//! Transfers through real `certbridge-relay` processes on 127.0.0.1: one
//! node, two nodes sharing a real `redis-server` behind a round-robin load
//! balancer or behind a real nginx running the shipped
//! `relay/deploy/nginx.conf`, LAN and relay racing, and the relay dying
//! mid-session.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use certbridge_e2e::{Proc, assert_installed_copy_of, Redis, Relay, folders, free_port, in_ci, pass_the_number, round_robin, test_vector, wait_for_port, which};

const VECTOR: &str = "npki-yessign-test";

/// Runs an export through `relay_url`: desktop `send`, scanner `scan`,
/// each with `extra` flags. Returns the path both sides report.
fn export(
    vector: &Path,
    relay_url: &str,
    desktop_flags: &[&str],
    scanner_flags: &[&str],
    root: &Path,
) -> String {
    export_with_env(vector, relay_url, desktop_flags, scanner_flags, root, &[])
}

/// [`export`] with environment variables for both programs (a CA file
/// for a relay behind TLS).
fn export_with_env(
    vector: &Path,
    relay_url: &str,
    desktop_flags: &[&str],
    scanner_flags: &[&str],
    root: &Path,
    env: &[(&str, &Path)],
) -> String {
    let mut args = vec![
        "send",
        vector.to_str().unwrap(),
        "--allow-expired",
        "--json",
        "--listen",
        "127.0.0.1",
        "--relay",
        relay_url,
    ];
    args.extend_from_slice(desktop_flags);
    let (mut desktop, text) = Proc::start("desktop", &args, env).with_invite();
    let mut args = vec!["scan", &text, "--install-root", root.to_str().unwrap(), "--json"];
    args.extend_from_slice(scanner_flags);
    let mut scanner = Proc::start("scanner", &args, env);
    pass_the_number(&mut desktop, &mut scanner);
    let done = scanner.expect("done");
    let desktop_done = desktop.expect("done");
    assert!(desktop.wait().success() && scanner.wait().success());
    assert_eq!(done["path"], desktop_done["path"]);
    assert_installed_copy_of(root, vector);
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

/// The relay's count of sessions that ended well (both sides closed with
/// 1000 after the transfer).
fn finished_closes(relay: &Relay) -> u64 {
    use std::io::{Read, Write};
    let mut tcp = std::net::TcpStream::connect(("127.0.0.1", relay.port)).unwrap();
    write!(tcp, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    tcp.read_to_string(&mut text).unwrap();
    text.lines()
        .find(|l| l.starts_with("certbridge_closes_total{reason=\"finished\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_finished_transfer_is_counted_as_finished_by_the_relay() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let relay = Relay::start(&[]);
    let before = finished_closes(&relay);
    let tmp = tempfile::tempdir().unwrap();
    export(&vector, &relay.url(), &["--no-lan"], &[], tmp.path());
    // Both sides closed with 1000, not with nothing.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while finished_closes(&relay) < before + 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(finished_closes(&relay), before + 2);
}

#[test]
fn a_scanner_and_a_desktop_wait_for_a_relay_that_comes_up_late() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    // The relay is not there yet when both start: the desktop (on the LAN
    // too) keeps trying in the background, the scanner (relay only)
    // retries with back-off, and both meet once the relay is up.
    let port = free_port();
    let url = format!("ws://127.0.0.1:{port}");
    let (mut desktop, text) = Proc::start(
        "desktop",
        &["send", vector.to_str().unwrap(), "--allow-expired", "--json", "--listen", "127.0.0.1", "--relay", &url],
        &[],
    )
    .with_invite();
    let tmp = tempfile::tempdir().unwrap();
    let mut scanner = Proc::start(
        "scanner",
        &["scan", &text, "--install-root", tmp.path().to_str().unwrap(), "--json", "--no-lan"],
        &[],
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let _relay = Relay::start_on(port, &[]);
    pass_the_number(&mut desktop, &mut scanner);
    assert_eq!(scanner.expect("done")["path"], "relay");
    assert!(desktop.wait().success() && scanner.wait().success());
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

/// The nginx binary, or `None` (with a message) outside CI.
fn nginx_bin() -> Option<std::path::PathBuf> {
    let found = which("nginx").or_else(|| {
        let p = Path::new("/usr/sbin/nginx");
        p.is_file().then(|| p.to_path_buf())
    });
    if found.is_none() {
        assert!(!in_ci(), "nginx is missing in CI; scripts/setup-test-tools.sh installs it");
        eprintln!("skipping: nginx is not installed");
    }
    found
}

/// A CA and a certificate for localhost signed by it (openssl).
fn make_pki(dir: &Path) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl").args(args).current_dir(dir).output().unwrap();
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    run(&[&["req", "-x509"][..], &ec, &["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=certbridge test CA"]].concat());
    run(&[&["req"][..], &ec, &["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"]].concat());
    std::fs::write(dir.join("san.ext"), "subjectAltName=DNS:localhost\n").unwrap();
    run(&[
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
        "server.pem", "-days", "2", "-extfile", "san.ext",
    ]);
}

/// `relay/deploy/nginx.conf` with only its addresses and file paths
/// replaced by the test's, each replacement checked to have happened.
fn shipped_nginx_conf(dir: &Path, nodes: [u16; 2], http: u16, https: u16) -> String {
    let shipped = certbridge_e2e::workspace_root().join("relay/deploy/nginx.conf");
    let mut conf = std::fs::read_to_string(shipped).unwrap();
    let log = dir.join("access.log");
    for (from, to) in [
        ("server 10.0.0.11:8080", format!("server 127.0.0.1:{}", nodes[0])),
        ("server 10.0.0.12:8080", format!("server 127.0.0.1:{}", nodes[1])),
        ("listen 80;", format!("listen 127.0.0.1:{http};")),
        ("listen 443 ssl;", format!("listen 127.0.0.1:{https} ssl;")),
        ("/etc/letsencrypt/live/relay.example.org/fullchain.pem", dir.join("server.pem").display().to_string()),
        ("/etc/letsencrypt/live/relay.example.org/privkey.pem", dir.join("server.key").display().to_string()),
        ("/var/log/nginx/certbridge-relay.access.log", log.display().to_string()),
    ] {
        assert!(conf.contains(from), "relay/deploy/nginx.conf no longer has {from:?}: update this test");
        conf = conf.replace(from, &to);
    }
    conf
}

#[test]
fn a_transfer_through_nginx_with_the_shipped_config() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let Some(nginx) = nginx_bin() else { return };
    let Some(redis) = Redis::start() else { return };
    let trust = ["--trusted-proxy", "127.0.0.1/32", "--redis", &redis.url()];
    let a = Relay::start(&[&trust[..], &["--node-id", "a"]].concat());
    let b = Relay::start(&[&trust[..], &["--node-id", "b"]].concat());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    make_pki(dir);
    let (http, https) = (free_port(), free_port());
    std::fs::write(dir.join("certbridge.conf"), shipped_nginx_conf(dir, [a.port, b.port], http, https)).unwrap();
    let d = dir.display();
    std::fs::write(
        dir.join("nginx.conf"),
        format!(
            "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  \
             uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  include {d}/certbridge.conf;\n}}\n"
        ),
    )
    .unwrap();
    let conf = dir.join("nginx.conf");
    let conf = conf.to_str().unwrap();
    // The shipped file loads on this nginx.
    let check = Command::new(&nginx).args(["-t", "-p", &d.to_string(), "-c", conf]).output().unwrap();
    assert!(check.status.success(), "nginx -t: {}", String::from_utf8_lossy(&check.stderr));
    let mut server = Command::new(&nginx)
        .args(["-p", &d.to_string(), "-c", conf])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_port(https, "nginx");
    let ca = dir.join("ca.pem");
    let url = format!("wss://localhost:{https}");
    let root = dir.join("NPKI");
    let path = export_with_env(&vector, &url, &["--no-lan"], &[], &root, &[("SSL_CERT_FILE", &ca)]);
    // nginx writes a WebSocket's log line when it closes.
    std::thread::sleep(Duration::from_millis(300));
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(path, "relay");
    // nginx logged the rendezvous requests, each naming its session by
    // 8 characters of the id at most.
    let log = std::fs::read_to_string(dir.join("access.log")).unwrap();
    let prefix = "/v1/rendezvous/";
    let logged: Vec<&str> = log.lines().filter(|l| l.contains(prefix)).collect();
    assert!(!logged.is_empty(), "no rendezvous in the access log:\n{log}");
    for line in logged {
        let after = &line[line.find(prefix).unwrap() + prefix.len()..];
        let hex = after.chars().take_while(char::is_ascii_hexdigit).count();
        assert!(hex <= 8, "the access log holds a rendezvous id: {line}");
        assert!(line.contains(" 101 "), "the upgrade went through: {line}");
    }
}
