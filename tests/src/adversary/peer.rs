//! Hostile peers, built from the core's public handshake API: a scanner or
//! a desktop that completes the handshake by the book (so it knows the
//! verification number, because it computes it) and then says whatever a
//! case wants: hostile names, bundles with traversal names, CBOR with huge
//! declared lengths or deep nesting, messages out of order.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use certbridge_core::channel::Channel;
use certbridge_core::handshake::{Initiator, MAX_HANDSHAKE_MESSAGE, Responder};
use certbridge_core::message::{BundleItem, FileBytes};
use certbridge_core::transport::Link;
use certbridge_core::transport::lan::{self, LanListener};
use certbridge_core::{Hello, HostInvite, Invite, InviteParams, Message, Mode, VerificationCode};

/// A name made to attack a terminal: colour and title escapes, a bidi
/// override that makes the rest read backwards, zero-width characters and
/// a bell. At most 64 bytes (the hello's limit), so the peer accepts it.
pub const HOSTILE_NAME: &str = "\u{1b}[2J\u{1b}]0;pwn\u{7}Bank\u{202e}gpj.exe\u{200b}\u{2066}x\u{feff}";
/// The same for the invite's own desktop name (at most 32 bytes).
pub const HOSTILE_INVITE_NAME: &str = "\u{1b}[31mPC\u{202e}\u{200d}\u{7}";

/// True when `text` holds any character that must never reach a screen as
/// it came from a peer: controls (ESC, BEL, …), bidi controls, zero-width
/// and other invisible characters.
pub fn has_unsafe_chars(text: &str) -> bool {
    text.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{00ad}')
    })
}

/// A hello with `name` as is: not cut, not cleaned.
pub fn raw_hello(name: &str) -> Hello {
    Hello { name: name.to_owned(), platform: Some("android".to_owned()), version: Some("\u{1b}[5m9.9".to_owned()) }
}

/// A hostile scanner: dials the invite's first LAN address and completes
/// the handshake as `hello`.
pub async fn scanner_handshake(invite: &Invite, hello: &Hello) -> Result<(Channel, VerificationCode), String> {
    let addr = invite.lan_endpoints().first().copied().ok_or("the invite has no LAN address")?;
    let mut link = lan::connect(addr, Duration::from_secs(5)).await.map_err(|e| e.to_string())?;
    let (initiator, msg1) = Initiator::start(invite, hello).map_err(|e| e.to_string())?;
    link.send(&msg1).await.map_err(|e| e.to_string())?;
    let msg2 = tokio::time::timeout(Duration::from_secs(10), link.recv(MAX_HANDSHAKE_MESSAGE))
        .await
        .map_err(|_| "no msg2".to_owned())?
        .map_err(|e| e.to_string())?;
    let established = initiator.finish(&msg2).map_err(|e| e.to_string())?;
    let code = established.verification_code();
    Ok((Channel::new(Box::new(link), established), code))
}

/// A hostile desktop, listening on 127.0.0.1 with an invite of its own.
pub struct HostileDesktop {
    listener: LanListener,
    host: HostInvite,
}

impl HostileDesktop {
    pub async fn new(mode: Mode, name: Option<&str>) -> Self {
        let listener = LanListener::bind(&["127.0.0.1:0".parse::<SocketAddr>().unwrap()]).await.unwrap();
        let params = InviteParams {
            mode,
            lifetime: Duration::from_secs(60),
            relay_url: None,
            lan: listener.endpoints().to_vec(),
            name: name.map(str::to_owned),
        };
        let host = HostInvite::generate(params, SystemTime::now()).unwrap();
        Self { listener, host }
    }

    pub fn text(&self) -> String {
        self.host.invite().to_text()
    }

    /// Accepts the scanner and completes the handshake as `hello`.
    pub async fn accept(self, hello: &Hello) -> Result<(Channel, VerificationCode), String> {
        let mut link = tokio::time::timeout(Duration::from_secs(20), self.listener.accept())
            .await
            .map_err(|_| "no scanner came".to_owned())?
            .map_err(|e| e.to_string())?;
        let msg1 = link.recv(MAX_HANDSHAKE_MESSAGE).await.map_err(|e| e.to_string())?;
        let pending = Responder::read_first(&self.host, &msg1).map_err(|e| e.to_string())?;
        let (established, msg2) = pending.reply(hello).map_err(|e| e.to_string())?;
        link.send(&msg2).await.map_err(|e| e.to_string())?;
        let code = established.verification_code();
        Ok((Channel::new(Box::new(link), established), code))
    }
}

/// A bundle of one item whose files are `files` (name → bytes), unchecked.
pub fn bundle_of(files: &[(&str, &[u8])]) -> Message {
    let files: BTreeMap<String, FileBytes> =
        files.iter().map(|(n, b)| ((*n).to_owned(), FileBytes::new(b.to_vec()))).collect();
    Message::Bundle { items: vec![BundleItem { files, layout: None }] }
}

/// CBOR text `s` (a short definite-length string).
fn text(s: &str) -> Vec<u8> {
    assert!(s.len() < 24);
    [&[0x60 | s.len() as u8][..], s.as_bytes()].concat()
}

/// `{"t": "bundle", "items": ITEMS}` with `items` already encoded.
fn bundle_with_items(items: &[u8]) -> Vec<u8> {
    [&[0xa2][..], &text("t"), &text("bundle"), &text("items"), items].concat()
}

/// Plaintexts that announce far more than they hold, by what they lie
/// about: a byte string, a text string, an array, a map.
pub fn huge_declared_lengths() -> Vec<(&'static str, Vec<u8>)> {
    let huge = |major: u8| [&[(major << 5) | 27][..], &(1u64 << 62).to_be_bytes()].concat();
    let one_file = |value: Vec<u8>| [&[0x81, 0xa1][..], &text("files"), &[0xa1], &text("signCert.der"), &value].concat();
    vec![
        ("bytes", bundle_with_items(&one_file([huge(2), vec![0x30; 64]].concat()))),
        ("text", [&[0xa1][..], &huge(3), b"bundle"].concat()),
        ("array", bundle_with_items(&[huge(4), vec![0xa0]].concat())),
        ("map", bundle_with_items(&[&[0x81][..], &huge(5), &text("files")].concat())),
    ]
}

/// Plaintexts nested far deeper than any message: arrays where the items
/// belong, and maps under a key the receiver must skip.
pub fn deep_nesting() -> Vec<(&'static str, Vec<u8>)> {
    let depth = 30_000;
    let arrays = [vec![0x81; depth], vec![0xa0]].concat();
    let mut maps = Vec::with_capacity(2 * depth + 8);
    for _ in 0..depth {
        maps.extend_from_slice(&[0xa1, 0x00]);
    }
    maps.push(0x00);
    let unknown_key = [&[0xa3][..], &text("t"), &text("bundle"), &text("items"), &[0x80], &text("zz"), &maps].concat();
    vec![("arrays", bundle_with_items(&arrays)), ("maps", unknown_key)]
}
