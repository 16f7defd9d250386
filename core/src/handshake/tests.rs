use std::net::SocketAddr;

use super::*;
use crate::invite::{HostInvite, InviteSecret, Mode};

fn host_invite(secret: [u8; 16], expires_at: u64) -> HostInvite {
    let kp = generate_keypair().unwrap();
    HostInvite::from_parts(
        Mode::DesktopSends,
        kp.private.try_into().unwrap(),
        kp.public.try_into().unwrap(),
        InviteSecret::from_bytes(secret),
        expires_at,
        None,
        vec!["192.168.0.10:40000".parse::<SocketAddr>().unwrap()],
        Some("desk".into()),
    )
}

fn hello(name: &str) -> Hello {
    Hello::new(name, "test")
}

fn run(
    host: &HostInvite,
    scanner_view: &Invite,
) -> Result<(Established, Established), HandshakeError> {
    let (init, msg1) = Initiator::start(scanner_view, &hello("phone"))?;
    let pending = Responder::read_first(host, &msg1)?;
    assert_eq!(pending.peer().name, "phone");
    let (desk, msg2) = pending.reply(&hello("desk"))?;
    let phone = init.finish(&msg2)?;
    Ok((desk, phone))
}

#[test]
fn both_sides_agree_on_the_number_and_can_talk() {
    let host = host_invite([1; 16], 2_000_000_000);
    let scanner_view = Invite::from_cbor(host.invite().cbor().to_vec()).unwrap();
    let (mut desk, mut phone) = run(&host, &scanner_view).unwrap();
    assert_eq!(desk.verification_code(), phone.verification_code());
    assert_eq!(desk.peer().name, "phone");
    assert_eq!(phone.peer().name, "desk");

    let mut buf = [0u8; 64];
    let n = desk.transport.write_message(b"hi", &mut buf).unwrap();
    let mut out = [0u8; 64];
    let m = phone.transport.read_message(&buf[..n], &mut out).unwrap();
    assert_eq!(&out[..m], b"hi");
}

#[test]
fn a_different_secret_fails_at_the_desktop() {
    let host = host_invite([1; 16], 2_000_000_000);
    // Same key, same everything, but the secret the scanner holds differs.
    let other = HostInvite::from_parts(
        Mode::DesktopSends,
        [0; 32],
        *host.invite().public_key(),
        InviteSecret::from_bytes([2; 16]),
        2_000_000_000,
        None,
        host.invite().lan_endpoints().to_vec(),
        Some("desk".into()),
    );
    let (_, msg1) = Initiator::start(other.invite(), &hello("phone")).unwrap();
    assert!(matches!(
        Responder::read_first(&host, &msg1),
        Err(HandshakeError::Failed)
    ));
}

#[test]
fn a_changed_invite_byte_fails_even_with_the_right_keys() {
    // The prologue binds the invite bytes: a QR whose expiry was edited (but
    // key and secret kept) does not complete the handshake.
    let host = host_invite([3; 16], 2_000_000_000);
    let edited = HostInvite::from_parts(
        Mode::DesktopSends,
        [0; 32],
        *host.invite().public_key(),
        InviteSecret::from_bytes([3; 16]),
        2_000_000_001,
        None,
        host.invite().lan_endpoints().to_vec(),
        Some("desk".into()),
    );
    let (_, msg1) = Initiator::start(edited.invite(), &hello("phone")).unwrap();
    assert!(matches!(
        Responder::read_first(&host, &msg1),
        Err(HandshakeError::Failed)
    ));
}

#[test]
fn a_different_desktop_key_fails() {
    let host = host_invite([4; 16], 2_000_000_000);
    let impostor = host_invite([4; 16], 2_000_000_000);
    let (_, msg1) = Initiator::start(impostor.invite(), &hello("phone")).unwrap();
    assert!(matches!(
        Responder::read_first(&host, &msg1),
        Err(HandshakeError::Failed)
    ));
}

#[test]
fn a_tampered_msg2_fails_at_the_scanner() {
    let host = host_invite([5; 16], 2_000_000_000);
    let (init, msg1) = Initiator::start(host.invite(), &hello("phone")).unwrap();
    let (_, mut msg2) = Responder::read_first(&host, &msg1)
        .unwrap()
        .reply(&hello("desk"))
        .unwrap();
    let last = msg2.len() - 1;
    msg2[last] ^= 1;
    assert!(matches!(init.finish(&msg2), Err(HandshakeError::Failed)));
}

#[test]
fn garbage_and_oversized_messages_are_rejected() {
    let host = host_invite([6; 16], 2_000_000_000);
    assert!(matches!(
        Responder::read_first(&host, &[0u8; 80]),
        Err(HandshakeError::Failed)
    ));
    assert!(matches!(
        Responder::read_first(&host, &[]),
        Err(HandshakeError::Failed)
    ));
    assert!(matches!(
        Responder::read_first(&host, &vec![0u8; MAX_HANDSHAKE_MESSAGE + 1]),
        Err(HandshakeError::TooLarge)
    ));
}

#[test]
fn a_racing_second_scanner_gets_a_different_number() {
    // Someone who photographed the QR completes their own handshake; the
    // number they see is unrelated to the real phone's.
    let host = host_invite([7; 16], 2_000_000_000);
    let (a, _) = run(&host, host.invite()).unwrap();
    let (b, _) = run(&host, host.invite()).unwrap();
    assert_ne!(a.verification_code(), b.verification_code());
}

#[test]
fn hello_rejects_invalid_greetings() {
    assert!(matches!(
        Hello::decode(b"\xff\x00"),
        Err(HandshakeError::BadHello)
    ));
    let long = Hello {
        name: "x".repeat(MAX_PEER_NAME_LEN + 1),
        platform: None,
        version: None,
    };
    assert!(matches!(
        Hello::decode(&long.encode()),
        Err(HandshakeError::BadHello)
    ));
    let empty = Hello {
        name: String::new(),
        platform: None,
        version: None,
    };
    assert!(matches!(
        Hello::decode(&empty.encode()),
        Err(HandshakeError::BadHello)
    ));
    // Unknown keys are ignored.
    let mut map = Vec::new();
    ciborium::ser::into_writer(
        &ciborium::value::Value::Map(vec![
            ("name".into(), "a".into()),
            ("future".into(), 1.into()),
        ]),
        &mut map,
    )
    .unwrap();
    assert_eq!(Hello::decode(&map).unwrap().name, "a");
}

#[test]
fn hello_names_are_cut_at_a_character_boundary() {
    let h = Hello::new(&"가".repeat(30), "linux");
    assert!(h.name.len() <= MAX_PEER_NAME_LEN);
    assert!(h.name.chars().all(|c| c == '가'));
}

/// Runs the Cacophony test vectors for our exact pattern, from the copy the
/// `snow` package ships, through the same Noise parameters we use.
#[test]
fn cacophony_vectors_for_nkpsk0() {
    let Some(path) = find_cacophony() else {
        eprintln!("SKIPPED: snow's tests/vectors/cacophony.txt is not in the cargo registry here");
        return;
    };
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let h = |v: &serde_json::Value| hex::decode(v.as_str().unwrap()).unwrap();
    let vectors: Vec<_> = doc["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["protocol_name"] == NOISE_PATTERN)
        .collect();
    assert!(
        !vectors.is_empty(),
        "no {NOISE_PATTERN} vector in {}",
        path.display()
    );
    for v in vectors {
        let psk: [u8; 32] = h(&v["init_psks"][0]).try_into().unwrap();
        let (ie, ip, rs_pub) = (
            h(&v["init_ephemeral"]),
            h(&v["init_prologue"]),
            h(&v["init_remote_static"]),
        );
        let (rs, re, rp) = (
            h(&v["resp_static"]),
            h(&v["resp_ephemeral"]),
            h(&v["resp_prologue"]),
        );
        let mut init = Builder::new(params())
            .remote_public_key(&rs_pub)
            .unwrap()
            .psk(0, &psk)
            .unwrap()
            .prologue(&ip)
            .unwrap()
            .fixed_ephemeral_key_for_testing_only(&ie)
            .build_initiator()
            .unwrap();
        let mut resp = Builder::new(params())
            .local_private_key(&rs)
            .unwrap()
            .psk(0, &psk)
            .unwrap()
            .prologue(&rp)
            .unwrap()
            .fixed_ephemeral_key_for_testing_only(&re)
            .build_responder()
            .unwrap();
        let messages = v["messages"].as_array().unwrap();
        let mut buf = vec![0u8; 65535];
        let mut out = vec![0u8; 65535];
        // Two handshake messages, then transport messages in alternation.
        for (i, m) in messages.iter().take(2).enumerate() {
            let (payload, ct) = (h(&m["payload"]), h(&m["ciphertext"]));
            let (tx, rx) = if i % 2 == 0 {
                (&mut init, &mut resp)
            } else {
                (&mut resp, &mut init)
            };
            let n = tx.write_message(&payload, &mut buf).unwrap();
            assert_eq!(
                hex::encode(&buf[..n]),
                hex::encode(&ct),
                "handshake message {i}"
            );
            let k = rx.read_message(&ct, &mut out).unwrap();
            assert_eq!(&out[..k], &payload[..]);
        }
        assert_eq!(
            hex::encode(init.get_handshake_hash()),
            v["handshake_hash"].as_str().unwrap()
        );
        let mut init = init.into_transport_mode().unwrap();
        let mut resp = resp.into_transport_mode().unwrap();
        for (i, m) in messages.iter().enumerate().skip(2) {
            let (payload, ct) = (h(&m["payload"]), h(&m["ciphertext"]));
            let (tx, rx) = if i % 2 == 0 {
                (&mut init, &mut resp)
            } else {
                (&mut resp, &mut init)
            };
            let n = tx.write_message(&payload, &mut buf).unwrap();
            assert_eq!(
                hex::encode(&buf[..n]),
                hex::encode(&ct),
                "transport message {i}"
            );
            let k = rx.read_message(&ct, &mut out).unwrap();
            assert_eq!(&out[..k], &payload[..]);
        }
    }
}

fn find_cacophony() -> Option<std::path::PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cargo")))?;
    for index in std::fs::read_dir(cargo_home.join("registry/src"))
        .ok()?
        .flatten()
    {
        for pkg in std::fs::read_dir(index.path()).ok()?.flatten() {
            let name = pkg.file_name();
            if name.to_string_lossy().starts_with("snow-0.10.") {
                let p = pkg.path().join("tests/vectors/cacophony.txt");
                if p.is_file() {
                    return Some(p);
                }
            }
        }
    }
    None
}
