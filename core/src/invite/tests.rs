use std::time::{Duration, UNIX_EPOCH};

use ciborium::value::Value;

use super::*;

const EXPIRES: u64 = 2_000_000_000;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// The invite of `docs/PROTOCOL.md`'s test vector: key 0x20..0x3f, secret
/// 0x00..0x0f, one LAN endpoint, no relay, no name.
fn vector_invite() -> HostInvite {
    HostInvite::from_parts(
        Mode::DesktopSends,
        [0x42; 32],
        core::array::from_fn(|i| 0x20 + i as u8),
        InviteSecret::from_bytes(core::array::from_fn(|i| i as u8)),
        EXPIRES,
        None,
        vec!["192.168.0.10:40000".parse().unwrap()],
        None,
    )
}

fn with(lan: &[&str], name: Option<&str>, relay: Option<&str>) -> HostInvite {
    HostInvite::from_parts(
        Mode::DesktopReceives,
        [0x42; 32],
        [0xab; 32],
        InviteSecret::from_bytes([0xcd; 16]),
        EXPIRES,
        relay.map(str::to_owned),
        lan.iter().map(|a| a.parse().unwrap()).collect(),
        name.map(str::to_owned),
    )
}

fn cbor(map: Vec<(Value, Value)>) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(&Value::Map(map), &mut out).unwrap();
    out
}

fn base_map() -> Vec<(Value, Value)> {
    vec![
        (0.into(), 1.into()),
        (1.into(), 0.into()),
        (2.into(), Value::Bytes(vec![1; 32])),
        (3.into(), Value::Bytes(vec![2; 16])),
        (4.into(), EXPIRES.into()),
        (
            6.into(),
            Value::Array(vec![Value::Bytes(vec![127, 0, 0, 1, 0x1f, 0x90])]),
        ),
    ]
}

/// The text form of any CBOR bytes, with the right check digits.
fn text_of(cbor: &[u8]) -> String {
    format!("{TEXT_PREFIX}{}", super::check::prepend(&digits::encode(cbor)))
}

/// The text form older versions wrote: no check digits.
fn old_text_of(cbor: &[u8]) -> String {
    format!("{TEXT_PREFIX}{}", digits::encode(cbor))
}

#[test]
fn golden_bytes_of_the_test_vector() {
    let inv = vector_invite();
    assert_eq!(
        hex::encode(inv.invite().cbor()),
        concat!(
            "a6",
            "0001",
            "0100",
            "02",
            "5820",
            "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
            "03",
            "50",
            "000102030405060708090a0b0c0d0e0f",
            "04",
            "1a77359400",
            "06",
            "81",
            "46",
            "c0a8000a9c40",
        )
    );
}

#[test]
fn text_round_trips_every_field() {
    let host = with(
        &["192.168.0.10:40000", "[fd00::1]:5000"],
        Some("김철수의 PC"),
        Some("wss://relay.example/"),
    );
    let text = host.invite().to_text();
    assert!(text.starts_with(TEXT_PREFIX));
    let back = Invite::parse(&text, at(EXPIRES - 60)).unwrap();
    assert_eq!(back.cbor(), host.invite().cbor());
    assert_eq!(back.mode(), Mode::DesktopReceives);
    assert_eq!(back.public_key(), &[0xab; 32]);
    assert_eq!(back.secret().expose(), &[0xcd; 16]);
    assert_eq!(back.expires_at(), EXPIRES);
    assert_eq!(back.relay_url(), Some("wss://relay.example/"));
    assert_eq!(
        back.lan_endpoints(),
        &[
            "192.168.0.10:40000".parse().unwrap(),
            "[fd00::1]:5000".parse().unwrap()
        ]
    );
    assert_eq!(back.desktop_name(), Some("김철수의 PC"));
}

#[test]
fn the_prefix_is_matched_without_case() {
    let text = vector_invite().invite().to_text().to_lowercase();
    assert!(Invite::parse(&text, at(0)).is_ok());
}

#[test]
fn wrong_prefix() {
    let digits = digits::encode(vector_invite().invite().cbor());
    for bad in [
        format!("FIDO:/{digits}"),
        digits.clone(),
        String::new(),
        "CERTBRIDGE".into(),
    ] {
        assert_eq!(
            Invite::parse(&bad, at(0)).unwrap_err(),
            InviteError::WrongPrefix,
            "{bad}"
        );
    }
}

/// Invites of the shapes people meet: the test vector, a relay-only one,
/// two LAN addresses and a name.
fn sample_texts() -> Vec<String> {
    vec![
        vector_invite().invite().to_text(),
        with(&[], None, Some("wss://relay.certbridge.kr")).invite().to_text(),
        with(&["192.168.0.10:40000", "[fd00::1]:40001"], Some("홍길동의 PC"), None).invite().to_text(),
    ]
}

#[test]
fn every_truncation_is_refused_as_damage() {
    for text in sample_texts() {
        for cut in TEXT_PREFIX.len()..text.len() {
            let err = Invite::parse_ignoring_expiry(&text[..cut]).unwrap_err();
            assert!(err.is_damage(), "cut at {cut}: {err:?}");
        }
    }
}

#[test]
fn every_single_digit_change_is_refused_as_damage() {
    let p = TEXT_PREFIX.len();
    for text in sample_texts() {
        for i in p..text.len() {
            for d in b'0'..=b'9' {
                if text.as_bytes()[i] == d {
                    continue;
                }
                let mut bad = text.clone().into_bytes();
                bad[i] = d;
                let bad = String::from_utf8(bad).unwrap();
                assert_eq!(Invite::parse_ignoring_expiry(&bad).unwrap_err(), InviteError::BadCheck, "digit {i}");
            }
        }
    }
}

#[test]
fn tampered_text() {
    let text = vector_invite().invite().to_text();
    let p = TEXT_PREFIX.len();
    // A letter where a digit belongs.
    let mut letter = text.clone();
    letter.replace_range(p + 5..p + 6, "x");
    assert_eq!(Invite::parse(&letter, at(0)).unwrap_err(), InviteError::BadCharacter('x'));
    // Right check digits over digits that are not a code: the digits'
    // own rules still refuse them.
    assert_eq!(
        Invite::parse_ignoring_expiry(&format!("{TEXT_PREFIX}99999999999999999{}", "")).unwrap_err(),
        InviteError::BadCheck
    );
    let out_of_range = format!("{TEXT_PREFIX}{}", super::check::prepend("99999999999999999"));
    assert_eq!(Invite::parse_ignoring_expiry(&out_of_range).unwrap_err(), InviteError::ChunkOutOfRange);
}

#[test]
fn spaces_line_breaks_and_dashes_are_ignored() {
    let text = vector_invite().invite().to_text();
    let digits = &text[TEXT_PREFIX.len()..];
    let grouped: Vec<String> = digits.as_bytes().chunks(5).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    for pasted in [
        format!("  {TEXT_PREFIX}{}\n", grouped.join(" ")),
        format!("{TEXT_PREFIX}{}", grouped.join("-")),
        format!("{TEXT_PREFIX}\r\n{}", grouped.join("\n")),
        format!("certbridge:/{digits}"),
    ] {
        let invite = Invite::parse_ignoring_expiry(&pasted).unwrap();
        assert_eq!(invite.to_text(), text);
    }
}

#[test]
fn codes_without_check_digits_are_old_codes_not_misread() {
    let old = old_text_of(vector_invite().invite().cbor());
    assert_eq!(Invite::parse_ignoring_expiry(&old).unwrap_err(), InviteError::OldFormat);
    // The v1 text of docs/PROTOCOL.md before check digits were added.
    let published = concat!(
        "CERTBRIDGE:/",
        "24771996990636198104543074533458241243235905438698214410410655428141163884622564693002252156829887596",
        "30169436464873497603672416249776135417170822070310540018554377004800004234250"
    );
    assert_eq!(Invite::parse_ignoring_expiry(published).unwrap_err(), InviteError::OldFormat);
}

#[test]
fn the_common_invite_fits_qr_version_5() {
    // One IPv4 LAN address, no relay, no name: what `certbridge send` shows.
    let host = with(&["192.168.0.10:40000"], None, None);
    let qr = host.invite().to_qr().unwrap();
    assert!(qr.version() <= 5, "version {}", qr.version());
    // Its terminal rendering is 21 rows: room for two lines in 24.
    assert!(qr.to_terminal(false).lines().count() <= 21);
}

#[test]
fn expired() {
    let text = vector_invite().invite().to_text();
    assert_eq!(
        Invite::parse(&text, at(EXPIRES)).unwrap_err(),
        InviteError::Expired(0)
    );
    assert_eq!(
        Invite::parse(&text, at(EXPIRES + 90)).unwrap_err(),
        InviteError::Expired(90)
    );
    assert!(Invite::parse(&text, at(EXPIRES - 1)).is_ok());
    assert!(Invite::parse_ignoring_expiry(&text).is_ok());
}

#[test]
fn unknown_version() {
    let mut map = base_map();
    map[0].1 = 2.into();
    assert_eq!(
        Invite::from_cbor(cbor(map)).unwrap_err(),
        InviteError::UnknownVersion(2)
    );
}

#[test]
fn missing_fields() {
    for (key, name) in [
        (0, "protocol version"),
        (1, "mode"),
        (2, "desktop key"),
        (3, "secret"),
        (4, "expiry"),
    ] {
        let map: Vec<_> = base_map()
            .into_iter()
            .filter(|(k, _)| *k != Value::from(key))
            .collect();
        assert_eq!(
            Invite::from_cbor(cbor(map)).unwrap_err(),
            InviteError::MissingField(name)
        );
    }
}

#[test]
fn invalid_fields() {
    let cases: Vec<(usize, Value, &str)> = vec![
        (1, 2.into(), "mode"),
        (2, Value::Bytes(vec![1; 31]), "desktop key"),
        (3, Value::Bytes(vec![1; 15]), "secret"),
        (3, "text".into(), "secret"),
        (
            5,
            Value::Array(vec![Value::Bytes(vec![1, 2, 3])]),
            "LAN addresses",
        ),
        (
            5,
            Value::Array(vec![Value::Bytes(vec![127, 0, 0, 1, 0, 0])]),
            "LAN addresses",
        ),
    ];
    for (idx, value, field) in cases {
        let mut map = base_map();
        map[idx].1 = value;
        assert_eq!(
            Invite::from_cbor(cbor(map)).unwrap_err(),
            InviteError::InvalidField(field)
        );
    }
    for bad_relay in ["", "https://relay.example", "relay.example", "ws://", "wss://r.example/?x", "wss://r\u{7}.example"] {
        let mut map = base_map();
        map.push((5.into(), bad_relay.into()));
        assert_eq!(
            Invite::from_cbor(cbor(map)).unwrap_err(),
            InviteError::InvalidField("relay address"),
            "{bad_relay:?}"
        );
    }
    let mut long_relay = base_map();
    long_relay.push((5.into(), format!("wss://{}", "r".repeat(MAX_RELAY_URL_LEN)).into()));
    assert_eq!(
        Invite::from_cbor(cbor(long_relay)).unwrap_err(),
        InviteError::InvalidField("relay address")
    );
    let mut good_relay = base_map();
    good_relay.push((5.into(), "wss://relay.example/base".into()));
    assert_eq!(Invite::from_cbor(cbor(good_relay)).unwrap().relay_url(), Some("wss://relay.example/base"));
    let mut long_name = base_map();
    long_name.push((7.into(), "n".repeat(MAX_NAME_LEN + 1).into()));
    assert_eq!(
        Invite::from_cbor(cbor(long_name)).unwrap_err(),
        InviteError::InvalidField("desktop name")
    );
}

#[test]
fn no_endpoint() {
    let map: Vec<_> = base_map()
        .into_iter()
        .filter(|(k, _)| *k != Value::from(6))
        .collect();
    assert_eq!(
        Invite::from_cbor(cbor(map)).unwrap_err(),
        InviteError::NoEndpoint
    );
}

#[test]
fn bad_cbor() {
    for bytes in [
        vec![],
        vec![0xff],
        vec![0x01],
        cbor(vec![]).into_iter().chain([0x00]).collect(),
    ] {
        assert!(matches!(
            Invite::from_cbor(bytes),
            Err(InviteError::BadCbor(_))
        ));
    }
    let mut dup = base_map();
    dup.push((4.into(), 5.into()));
    assert!(matches!(
        Invite::from_cbor(cbor(dup)),
        Err(InviteError::BadCbor(_))
    ));
}

#[test]
fn unknown_keys_are_ignored() {
    let mut map = base_map();
    map.push((99.into(), "later".into()));
    map.push(("text key".into(), 1.into()));
    assert!(Invite::from_cbor(cbor(map)).is_ok());
}

#[test]
fn oversized_text_is_refused_before_decoding() {
    let text = format!("{TEXT_PREFIX}{}", "0".repeat(5000));
    assert_eq!(
        Invite::parse(&text, at(0)).unwrap_err(),
        InviteError::TooLong
    );
}

#[test]
fn generated_invites_are_fresh_and_expire_on_time() {
    let params = InviteParams {
        mode: Mode::DesktopSends,
        lifetime: Duration::from_secs(300),
        relay_url: None,
        lan: vec!["10.0.0.2:1234".parse().unwrap()],
        name: Some("가".repeat(20)),
    };
    let a = HostInvite::generate(params.clone(), at(1_000)).unwrap();
    let b = HostInvite::generate(params, at(1_000)).unwrap();
    assert_ne!(a.invite().public_key(), b.invite().public_key());
    assert_ne!(a.invite().secret().expose(), b.invite().secret().expose());
    assert_eq!(a.invite().expires_at(), 1_300);
    // 20 Hangul syllables are 60 bytes: cut to 10 whole ones.
    assert_eq!(a.invite().desktop_name(), Some("가".repeat(10).as_str()));
    assert!(!format!("{a:?}").contains("private"));
}

#[test]
fn debug_output_hides_the_secret() {
    let inv = vector_invite();
    let dbg = format!("{:?}", inv.invite());
    assert!(!dbg.contains("secret"), "{dbg}");
    assert_eq!(format!("{:?}", inv.invite().secret()), "InviteSecret(..)");
}

fn qr_version(host: &HostInvite) -> u8 {
    host.invite().to_qr().unwrap().version()
}

/// The compactness targets of the core issue: each is a property of the
/// encoding, not a timing.
#[test]
fn qr_versions_stay_small() {
    assert!(qr_version(&with(&["192.168.0.10:40000"], None, None)) <= 5);
    assert!(
        qr_version(&with(
            &["192.168.0.10:40000", "10.0.0.7:40001"],
            Some("DESKTOP-ABCD1234"),
            None
        )) <= 7
    );
    assert!(
        qr_version(&with(
            &["192.168.0.10:40000", "10.0.0.7:40001"],
            Some("DESKTOP-ABCD1234"),
            Some("wss://relay.certbridge.app/ab1"),
        )) <= 8
    );
}

#[cfg(feature = "qr-png")]
#[test]
fn the_qr_code_decodes_to_the_text() {
    let host = with(
        &["192.168.0.10:40000"],
        Some("desk"),
        Some("wss://relay.example/"),
    );
    let qr = host.invite().to_qr().unwrap();
    let png = qr.to_png(6).unwrap();
    let img = image::load_from_memory(&png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let (meta, content) = grids[0].decode().unwrap();
    assert_eq!(content, host.invite().to_text());
    assert_eq!(meta.version.0 as u8, qr.version());
    assert_eq!(meta.ecc_level, 1, "ECC level L"); // rqrr numbers levels M=0, L=1, H=2, Q=3
}

#[test]
fn the_terminal_rendering_has_the_right_shape() {
    let qr = vector_invite().invite().to_qr().unwrap();
    let plain = qr.to_terminal(false);
    let rows: Vec<&str> = plain.lines().collect();
    let side = qr.width() + 4;
    assert_eq!(rows.len(), side.div_ceil(2));
    assert!(rows.iter().all(|r| r.chars().count() == side));
    // The top-left finder pattern starts two modules in: a full dark row.
    assert!(
        rows[1]
            .chars()
            .skip(2)
            .take(7)
            .all(|c| c == '█' || c == '▀' || c == '▄')
    );
    assert!(qr.to_terminal(true).contains("\x1b[30;47m"));
}

#[test]
fn text_of_other_cbor_is_refused_with_its_reason() {
    // A CBOR integer, not a map.
    assert!(matches!(
        Invite::parse_ignoring_expiry(&text_of(&[0x18, 0x2a])),
        Err(InviteError::BadCbor(_))
    ));
    // A well-formed invite of a future protocol version.
    let mut future = base_map();
    future[0] = (0.into(), 2.into());
    assert_eq!(
        Invite::parse_ignoring_expiry(&text_of(&cbor(future))).unwrap_err(),
        InviteError::UnknownVersion(2)
    );
}

#[test]
fn golden_text_of_the_test_vector() {
    // Computed independently from the golden CBOR bytes (docs/PROTOCOL.md).
    assert_eq!(
        vector_invite().invite().to_text(),
        concat!(
            "CERTBRIDGE:/85",
            "24771996990636198104543074533458241243235905438698214410410655428141163884622564693002252156829887596",
            "30169436464873497603672416249776135417170822070310540018554377004800004234250"
        )
    );
}
