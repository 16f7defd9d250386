//! Bad input given to the real binaries: stale, damaged and forged codes,
//! junk on the desktop's port. Each one gets a clear error and changes
//! nothing; the desktop's session survives what is not its scanner.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use certbridge_core::{HostInvite, Invite, InviteSecret, Mode};
use certbridge_e2e::{Proc, folders, pass_the_number, run, test_vector};

const VECTOR: &str = "npki-yessign-test";

fn scan_fails(text: &str) -> (String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("npki");
    let (code, stdout, _) = run(
        &[
            "scan",
            text,
            "--install-root",
            root.to_str().unwrap(),
            "--json",
        ],
        &[],
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(folders(&root).is_empty());
    let error: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(error["event"], "error");
    (
        error["kind"].as_str().unwrap().to_owned(),
        error["message"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn an_expired_code_is_refused_before_connecting() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let host = HostInvite::from_parts(
        Mode::DesktopSends,
        [1; 32],
        [2; 32],
        InviteSecret::from_bytes([3; 16]),
        now - 60,
        None,
        vec!["127.0.0.1:9".parse().unwrap()],
        Some("old".into()),
    );
    let (kind, message) = scan_fails(&host.invite().to_text());
    assert_eq!(kind, "expired");
    assert!(message.contains("new code"), "{message}");
}

#[test]
fn damaged_codes_are_refused_with_what_is_wrong() {
    let (kind, message) = scan_fails("HTTPS://EXAMPLE.COM/");
    assert_eq!(kind, "invalid_invite");
    assert!(message.contains("CERTBRIDGE:/"), "{message}");
    let (kind, _) = scan_fails("CERTBRIDGE:/1234");
    assert_eq!(kind, "invalid_invite");
    let (kind, _) = scan_fails("CERTBRIDGE:/12345678901234567x");
    assert_eq!(kind, "invalid_invite");
    let (kind, _) = scan_fails("CERTBRIDGE:/99999999999999999");
    assert_eq!(kind, "invalid_invite");
}

#[test]
fn truncated_and_tampered_codes_fail_and_the_desktop_carries_on() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("npki");
    let (mut desktop, text) = Proc::desktop_send(&vector, &[]);

    // Cut off: whole chunks missing.
    let (kind, _) = scan_fails(&text[..text.len() - 17]);
    assert_eq!(kind, "invalid_invite");

    // Tampered: one bit of the secret flipped, re-encoded so the text is
    // well-formed but no longer the desktop's.
    let invite = Invite::parse_ignoring_expiry(&text).unwrap();
    let mut cbor = invite.cbor().to_vec();
    let secret_at = cbor.windows(2).position(|w| w == [0x03, 0x50]).unwrap() + 2;
    cbor[secret_at] ^= 0x01;
    let forged = Invite::from_cbor(cbor).unwrap().to_text();
    let (kind, _) = scan_fails(&forged);
    assert!(matches!(kind.as_str(), "refused" | "handshake"), "{kind}");

    // The real scanner still gets through afterwards.
    let mut scanner = Proc::scan_into("scanner", &text, &root, &[]);
    pass_the_number(&mut desktop, &mut scanner);
    assert_eq!(scanner.wait().code(), Some(0));
    assert_eq!(desktop.wait().code(), Some(0));
}

#[test]
fn junk_on_the_port_is_ignored() {
    let Some(vector) = test_vector(VECTOR) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("npki");
    let (mut desktop, text) = Proc::desktop_send(&vector, &[]);
    let addr = Invite::parse_ignoring_expiry(&text)
        .unwrap()
        .lan_endpoints()[0];

    // Random bytes, then an oversized frame (65,535 announced bytes where a
    // handshake message is at most 1,024), then an HTTP request.
    let mut random = [0u8; 512];
    for (i, b) in random.iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(151).wrapping_add(7);
    }
    let mut junk = TcpStream::connect(addr).unwrap();
    junk.write_all(&random).unwrap();
    let mut huge = TcpStream::connect(addr).unwrap();
    huge.write_all(&[0xff, 0xff]).unwrap();
    let _ = huge.write_all(&vec![0x55; 65_535]);
    let mut http = TcpStream::connect(addr).unwrap();
    http.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));

    let mut scanner = Proc::scan_into("scanner", &text, &root, &[]);
    pass_the_number(&mut desktop, &mut scanner);
    assert_eq!(scanner.wait().code(), Some(0));
    assert_eq!(desktop.wait().code(), Some(0));
    assert_eq!(
        folders(&root).len(),
        3,
        "yessign, USER and the certificate folder"
    );
}
