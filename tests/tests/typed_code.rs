//! Pairing by a typed code through the real binaries: the desktop shows a
//! short code beside the QR code, `certbridge scan 123-456-789` types it,
//! and the desktop is found on the LAN by real mDNS, in a network
//! namespace made by the test (only a loopback interface, with multicast).

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use certbridge_e2e::{Netns, Proc, Redis, Relay, assert_installed_copy_of, folders, pass_the_number, test_vector};

const VECTOR: &str = "npki-yessign-test";

fn code_of(invite: &serde_json::Value) -> String {
    let code = invite["code"].as_str().unwrap_or_else(|| panic!("no code in {invite}")).to_owned();
    assert_eq!(code.len(), 11, "9 digits and two dashes: {code}");
    code
}

#[test]
fn a_certificate_moves_pc_to_pc_by_a_typed_code_found_by_mdns() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let Some(ns) = Netns::new("code") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("second-pc");
    let v = vector.to_str().unwrap();
    let mut desktop = Proc::start_in(&ns, "desktop", &["send", v, "--allow-expired", "--json", "--listen", "127.0.0.1"], &[]);
    let invite = desktop.expect("invite");
    let code = code_of(&invite);
    assert!(invite["code_spoken"].as_str().unwrap().contains(", "), "{invite}");
    let mut scanner = Proc::start_in(&ns, "scanner", &["scan", &code, "--install-root", root.to_str().unwrap(), "--json"], &[]);
    pass_the_number(&mut desktop, &mut scanner);
    assert_eq!(scanner.expect("done")["path"], "lan");
    assert!(desktop.wait().success() && scanner.wait().success());
    assert_installed_copy_of(&root, &vector);
}

#[test]
fn an_import_by_typed_code_asks_the_sending_side_first() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let Some(ns) = Netns::new("codein") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("pc");
    let mut desktop = Proc::start_in(&ns, "desktop", &["receive", "--install-root", root.to_str().unwrap(), "--json", "--listen", "127.0.0.1"], &[]);
    let code = code_of(&desktop.expect("invite"));
    let mut scanner = Proc::start_in(&ns, "scanner", &["scan", &code, "--cert", vector.to_str().unwrap(), "--allow-expired", "--json"], &[]);
    scanner.expect("consent_required");
    scanner.type_line("y");
    pass_the_number(&mut desktop, &mut scanner);
    assert_eq!(desktop.expect("done")["items"][0]["status"], "installed");
    assert!(desktop.wait().success() && scanner.wait().success());
    assert_eq!(folders(&root.join("yessign/USER")).len(), 1);
}

#[test]
fn a_wrong_code_is_refused_burned_and_replaced_and_nothing_moves() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let Some(ns) = Netns::new("wrong") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let v = vector.to_str().unwrap();
    let mut desktop = Proc::start_in(&ns, "desktop", &["send", v, "--allow-expired", "--json", "--listen", "127.0.0.1"], &[]);
    let first = desktop.expect("invite");
    let code = code_of(&first);
    let mut wrong = code.clone().into_bytes();
    let last = wrong.len() - 1;
    wrong[last] = if wrong[last] == b'0' { b'1' } else { b'0' };
    let wrong = String::from_utf8(wrong).unwrap();
    let thief_root = tmp.path().join("thief");
    let mut thief = Proc::start_in(&ns, "thief", &["scan", &wrong, "--install-root", thief_root.to_str().unwrap(), "--json"], &[]);
    assert_eq!(thief.fails_with(), "wrong_code");
    // A new invite event: the same QR code, a new typed code.
    let renewed = desktop.expect("invite");
    assert_eq!(renewed["text"], first["text"]);
    assert_ne!(code_of(&renewed), code);
    // The old code, typed right, is spent.
    let mut late = Proc::start_in(&ns, "late", &["scan", &code, "--install-root", thief_root.to_str().unwrap(), "--json"], &[]);
    assert_eq!(late.fails_with(), "wrong_code");
    assert!(folders(&thief_root).is_empty(), "nothing moved");
}

/// Through a relay the code's first digits are the relay's channel number
/// (3 digits while few are taken) and the rest the secret: `scan` types it
/// with `--relay`, no LAN at all.
fn by_relay(desktop_relay: &str, scanner_relay: &str) {
    let Some(vector) = test_vector(VECTOR) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("phone");
    let v = vector.to_str().unwrap();
    let mut desktop = Proc::start("desktop", &["send", v, "--allow-expired", "--json", "--no-lan", "--relay", desktop_relay], &[]);
    let code = code_of(&desktop.expect("invite"));
    let scan = ["scan", &code, "--install-root", root.to_str().unwrap(), "--json", "--no-lan", "--relay", scanner_relay];
    let mut scanner = Proc::start("scanner", &scan, &[]);
    pass_the_number(&mut desktop, &mut scanner);
    assert_eq!(scanner.expect("done")["path"], "relay");
    assert!(desktop.wait().success() && scanner.wait().success());
    assert_installed_copy_of(&root, &vector);
    // The channel was single use: the same code finds nobody now.
    let late_root = tmp.path().join("late");
    let late = ["scan", &code, "--install-root", late_root.to_str().unwrap(), "--json", "--no-lan", "--relay", scanner_relay];
    let kind = Proc::start("late", &late, &[]).fails_with();
    assert_eq!(kind, "unreachable", "a spent channel");
    assert!(folders(&late_root).is_empty());
}

#[test]
fn a_typed_code_pairs_through_a_relay_channel() {
    let relay = Relay::start(&[]);
    by_relay(&relay.url(), &relay.url());
}

#[test]
fn a_typed_code_pairs_across_two_relay_nodes_sharing_redis() {
    let Some(redis) = Redis::start() else { return };
    let a = Relay::start(&["--redis", &redis.url(), "--node-id", "a"]);
    let b = Relay::start(&["--redis", &redis.url(), "--node-id", "b"]);
    by_relay(&a.url(), &b.url());
}

#[test]
fn a_code_nobody_holds_at_the_relay_is_told_at_once() {
    let relay = Relay::start(&[]);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("phone");
    // A well-formed code (its check digit right) on a channel never given.
    let code = certbridge_core::code::ShortCode::generate("4321").unwrap().grouped();
    let started = std::time::Instant::now();
    let scan = ["scan", &code, "--install-root", root.to_str().unwrap(), "--json", "--no-lan", "--relay", &relay.url()];
    let kind = Proc::start("scanner", &scan, &[]).fails_with();
    assert_eq!(kind, "unreachable");
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "told at once, not after the invite's lifetime");
    assert!(folders(&root).is_empty());
}
