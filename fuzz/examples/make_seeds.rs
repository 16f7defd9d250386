//! Writes the seed corpora of `fuzz/seeds/`, one folder per target, from
//! the project's own encoders (invites, messages, frames, relay requests)
//! and from the OpenSSL fixtures `fuzz/make-seeds.sh` makes (certificates,
//! key files, PKCS#12 files). Run through that script.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use certbridge_core::kdf::RendezvousId;
use certbridge_core::message::{Digest32, KM_CERT, KM_KEY, SIGN_CERT, SIGN_KEY};
use certbridge_core::npki::{decrypt_private_key, encrypt_private_key};
use certbridge_core::transport::relay::{Role, rendezvous_url};
use certbridge_core::{BundleItem, FileBytes, HostInvite, InviteSecret, ItemStatus, Message, Mode, ReceiptItem};
use certbridge_fuzz::FIXTURE_PASSWORD;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let (Some(fixtures), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: make_seeds FIXTURES_DIR OUT_DIR".into());
    };
    let seeds = Seeds { out };
    invites(&seeds)?;
    messages(&seeds, &fixtures)?;
    frames(&seeds)?;
    relay_requests(&seeds)?;
    npki(&seeds, &fixtures)?;
    Ok(())
}

struct Seeds {
    out: PathBuf,
}

impl Seeds {
    fn write(&self, target: &str, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let dir = self.out.join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(name), bytes)
    }

    fn copy(&self, target: &str, name: &str, from: &Path) -> std::io::Result<()> {
        self.write(target, name, &std::fs::read(from)?)
    }
}

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn invites(seeds: &Seeds) -> Result<(), Box<dyn std::error::Error>> {
    type Variant = (&'static str, Mode, Option<&'static str>, Vec<SocketAddr>, Option<&'static str>);
    let variants: [Variant; 4] = [
        ("lan-one", Mode::DesktopSends, None, vec![addr("192.168.0.10:50123")], Some("PC")),
        (
            "lan-three-relay-hangul",
            Mode::DesktopSends,
            Some("wss://relay.example.com"),
            vec![addr("192.168.0.10:50123"), addr("10.0.0.7:50123"), addr("[fd00::1]:50123")],
            Some("홍길동의 사무실 컴퓨터"),
        ),
        ("relay-only", Mode::DesktopReceives, Some("wss://relay.example.com/base"), vec![], None),
        ("import-lan", Mode::DesktopReceives, None, vec![addr("127.0.0.1:40000")], Some("desk")),
    ];
    for (i, (name, mode, relay, lan, desk)) in variants.into_iter().enumerate() {
        let n = u8::try_from(i)?;
        let invite = HostInvite::from_parts(
            mode,
            [n + 1; 32],
            [n + 0x40; 32],
            InviteSecret::from_bytes([n + 0x80; 16]),
            1_900_000_000,
            relay.map(str::to_owned),
            lan,
            desk.map(str::to_owned),
        );
        seeds.write("invite_text", name, invite.invite().to_text().as_bytes())?;
        seeds.write("invite_cbor", name, invite.invite().cbor())?;
    }
    // An unknown key (skipped by the decoder) holding deep nesting, and a
    // name whose declared length runs far past the end.
    let mut deep = vec![0xa1, 0x18, 0x63];
    deep.extend_from_slice(&[0x81; 500]);
    seeds.write("invite_cbor", "deep-unknown-key", &deep)?;
    seeds.write("invite_cbor", "huge-name-length", &[0xa2, 0x00, 0x01, 0x07, 0x7b, 0, 0, 0, 1, 0, 0, 0, 0, b'x'])?;
    Ok(())
}

fn bundle(files: &[(&str, Vec<u8>)]) -> BundleItem {
    BundleItem {
        files: files.iter().map(|(n, b)| ((*n).to_owned(), FileBytes::new(b.clone()))).collect(),
        layout: None,
    }
}

fn messages(seeds: &Seeds, fixtures: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let cert = std::fs::read(fixtures.join("demo/signCert.der"))?;
    let key = std::fs::read(fixtures.join("demo/signPri.key"))?;
    let small = bundle(&[(SIGN_CERT, vec![0x30, 0x03, 0x02, 0x01, 0x01]), (SIGN_KEY, vec![0x30, 0x00])]);
    let km = bundle(&[
        (SIGN_CERT, vec![1; 8]),
        (SIGN_KEY, vec![2; 8]),
        (KM_CERT, vec![3; 8]),
        (KM_KEY, vec![4; 8]),
    ]);
    let real = bundle(&[(SIGN_CERT, cert), (SIGN_KEY, key)]);
    let mut gpki = bundle(&[("홍길동_sig.cer", vec![5; 8]), ("홍길동_sig.key", vec![6; 8])]);
    gpki.layout = Some("gpki".into());
    let receipt = Message::Receipt {
        items: vec![
            ReceiptItem { status: ItemStatus::Installed, reason: None, code: None, sha256: small.digests() },
            ReceiptItem {
                status: ItemStatus::Rejected,
                reason: Some("이미 있는 인증서".into()),
                code: Some("conflict".into()),
                sha256: [(SIGN_CERT.to_owned(), Digest32([7; 32]))].into(),
            },
            ReceiptItem { status: ItemStatus::Duplicate, reason: None, code: None, sha256: Default::default() },
        ],
    };
    let all = [
        ("confirmed", Message::Confirmed),
        ("abort", Message::abort("the user cancelled")),
        ("bundle-small", Message::Bundle { items: vec![small, km] }),
        ("bundle-real", Message::Bundle { items: vec![real] }),
        ("bundle-gpki", Message::Bundle { items: vec![gpki] }),
        ("receipt", receipt),
    ];
    for (name, msg) in all {
        seeds.write("message", name, &msg.encode())?;
    }
    // Hostile shapes a mutator is slow to find: lengths and counts far
    // beyond the bytes that follow, and deep nesting.
    let bundle_of = |value: &[u8]| {
        let mut m = vec![0xa2, 0x61, b't', 0x66];
        m.extend_from_slice(b"bundle");
        m.extend_from_slice(&[0x65]);
        m.extend_from_slice(b"items");
        m.extend_from_slice(value);
        m
    };
    let mut file = vec![0x81, 0xa1, 0x65];
    file.extend_from_slice(b"files");
    file.extend_from_slice(&[0xa1, 0x6c]);
    file.extend_from_slice(SIGN_CERT.as_bytes());
    file.extend_from_slice(&[0x5b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 1, 2, 3]);
    seeds.write("message", "huge-declared-length", &bundle_of(&file))?;
    seeds.write("message", "huge-declared-count", &bundle_of(&[0x9b, 0, 0, 0, 1, 0, 0, 0, 0, 0xa0]))?;
    seeds.write("message", "deep-nesting", &bundle_of(&[0x81; 5000]))?;
    Ok(())
}

/// `max_len`, the chunking seed, then the stream (see the `frame` target).
fn frames(seeds: &Seeds) -> std::io::Result<()> {
    let framed = |max: u16, seed: u8, frames: &[&[u8]], tail: &[u8]| {
        let mut out = max.to_be_bytes().to_vec();
        out.push(seed);
        for f in frames {
            out.extend_from_slice(&u16::try_from(f.len()).unwrap_or(u16::MAX).to_be_bytes());
            out.extend_from_slice(f);
        }
        out.extend_from_slice(tail);
        out
    };
    let big = vec![0xa5; 700];
    seeds.write("frame", "three-frames", &framed(u16::MAX, 1, &[b"hello", b"", &big], &[]))?;
    seeds.write("frame", "cut-mid-frame", &framed(1024, 2, &[b"msg1"], &[0x00, 0x10, 1, 2, 3]))?;
    seeds.write("frame", "too-large", &framed(64, 3, &[&[9; 64]], &[0x00, 0x41]))?;
    seeds.write("frame", "odd-byte", &framed(300, 4, &[&big[..300]], &[0x01]))?;
    // The largest length the prefix can announce, then the stream stops.
    seeds.write("frame", "largest-announced", &framed(u16::MAX, 5, &[], &[0xff, 0xff, 1, 2, 3]))
}

fn relay_requests(seeds: &Seeds) -> std::io::Result<()> {
    let id = RendezvousId::derive(&InviteSecret::from_bytes([0x11; 16]));
    for (name, role) in [("host", Role::Host), ("guest", Role::Guest)] {
        let url = rendezvous_url("ws://127.0.0.1:8080", &id, role);
        let target = url.trim_start_matches("ws://127.0.0.1:8080");
        let request = format!(
            "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
             Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        );
        seeds.write("relay_request", name, request.as_bytes())?;
    }
    seeds.write("relay_request", "healthz", b"GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n")
}

fn npki(seeds: &Seeds, fixtures: &Path) -> Result<(), Box<dyn std::error::Error>> {
    seeds.copy("npki_cert", "demo", &fixtures.join("demo/signCert.der"))?;
    seeds.copy("npki_key", "pbes2-sha1", &fixtures.join("demo/signPri.key"))?;
    seeds.copy("npki_key", "pbes2-sha256", &fixtures.join("demo-sha256/signPri.key"))?;
    for entry in std::fs::read_dir(fixtures)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "pfx") {
            let name = path.file_stem().and_then(|s| s.to_str()).ok_or("a fixture name")?.to_owned();
            seeds.copy("pfx_import", &name, &path)?;
        }
    }
    // The decrypted key, as an import hands it over, with and without the
    // randomNum attribute (OpenSSL writes none; Korean CAs always do).
    let key = decrypt_private_key(&std::fs::read(fixtures.join("demo/signPri.key"))?, FIXTURE_PASSWORD.as_bytes())?;
    let plain = key.pkcs8_der();
    let with_r = with_random_num(plain)?;
    seeds.write("npki_pkcs8", "plain", plain)?;
    seeds.write("npki_pkcs8", "with-random-num", &with_r)?;
    // PBES1 seedCBCWithSHA1, as Korean CAs write keys, by our own encoder;
    // and the legacy top-level SEED-CBC OID over the same parameters (it
    // parses but does not open: the IV differs).
    let pbes1 = encrypt_private_key(&with_r, FIXTURE_PASSWORD.as_bytes())?;
    let reopened = decrypt_private_key(&pbes1, FIXTURE_PASSWORD.as_bytes())?;
    if reopened.random_num().is_none() {
        return Err("the randomNum attribute was not found in the seed".into());
    }
    seeds.write("npki_key", "pbes1-seed", &pbes1)?;
    let pbes1_oid = [0x06, 0x08, 0x2a, 0x83, 0x1a, 0x8c, 0x9a, 0x44, 0x01, 0x0f];
    let legacy_oid = [0x06, 0x08, 0x2a, 0x83, 0x1a, 0x8c, 0x9a, 0x44, 0x01, 0x04];
    let at = pbes1.windows(pbes1_oid.len()).position(|w| w == pbes1_oid).ok_or("the PBES1 OID")?;
    let mut legacy = pbes1.to_vec();
    legacy[at..at + legacy_oid.len()].copy_from_slice(&legacy_oid);
    seeds.write("npki_key", "seed-legacy", &legacy)?;
    Ok(())
}

/// `plain` with `[0] { randomNum: BIT STRING (20 bytes) }` appended.
fn with_random_num(plain: &[u8]) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let body = sequence_contents(plain).ok_or("a PKCS#8 SEQUENCE")?;
    // OID 1.2.410.200004.10.1.1.3
    let oid = [0x06, 0x0a, 0x2a, 0x83, 0x1a, 0x8c, 0x9a, 0x44, 0x0a, 0x01, 0x01, 0x03];
    let mut bits = vec![0x03, 21, 0x00];
    bits.extend((1..=20u8).map(|b| b.wrapping_mul(37)));
    let set = tlv(0x31, &bits);
    let attr = tlv(0x30, &[&oid[..], &set].concat());
    let attrs = tlv(0xa0, &attr);
    Ok(tlv(0x30, &[body, &attrs].concat()))
}

/// The contents of the DER SEQUENCE at the start of `der`.
fn sequence_contents(der: &[u8]) -> Option<&[u8]> {
    if *der.first()? != 0x30 {
        return None;
    }
    let first = *der.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        let len = der.get(2..2 + n)?.iter().fold(0usize, |v, &b| (v << 8) | usize::from(b));
        (len, 2 + n)
    };
    der.get(header..header + len)
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len.to_be_bytes().into_iter().skip_while(|&b| b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}
