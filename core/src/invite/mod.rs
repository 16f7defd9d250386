//! The invite: what the desktop's QR code carries to the scanner.
//!
//! An invite is a CBOR map with small integer keys (protocol v1, see
//! `docs/PROTOCOL.md` §2), written as `CERTBRIDGE:/` followed by decimal
//! digits. It names the desktop's fresh X25519 key, a 16-byte secret from
//! which the handshake's PSK and the relay rendezvous id are derived, an
//! expiry, and where the desktop can be reached. The exact CBOR bytes are
//! kept: the handshake binds them as its prologue, so any change to the code
//! between screen and camera makes the handshake fail.
//!
//! [`Invite`] is the public part both sides hold; [`HostInvite`] adds the
//! desktop's private key and never leaves the desktop.

mod check;
mod digits;
mod qr;

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ciborium::value::{Integer, Value};
use zeroize::Zeroizing;

use crate::transport::relay::check_url;

pub use qr::{InviteQr, QrError};

/// The protocol version this implementation speaks.
pub const PROTOCOL_VERSION: u8 = 1;
/// What every invite's text form starts with.
pub const TEXT_PREFIX: &str = "CERTBRIDGE:/";
/// Bytes in the invite secret.
pub const SECRET_LEN: usize = 16;
/// Bytes in an X25519 public key.
pub const PUBLIC_KEY_LEN: usize = 32;
/// The longest desktop name an invite carries, in UTF-8 bytes.
pub const MAX_NAME_LEN: usize = 32;
/// The most LAN endpoints an invite lists.
pub const MAX_ENDPOINTS: usize = 8;
/// The longest relay URL an invite carries, in bytes.
pub const MAX_RELAY_URL_LEN: usize = 200;
/// The most CBOR bytes an invite may have (a QR code holds ~1,200 at ECC M).
pub const MAX_INVITE_LEN: usize = 600;
/// The most digits a text form of [`MAX_INVITE_LEN`] bytes can have.
const MAX_TEXT_DIGITS: usize = MAX_INVITE_LEN / 7 * 17 + 17 + check::CHECK_DIGITS;

// Map keys, protocol v1.
const KEY_VERSION: u64 = 0;
const KEY_MODE: u64 = 1;
const KEY_PUBLIC_KEY: u64 = 2;
const KEY_SECRET: u64 = 3;
const KEY_EXPIRES: u64 = 4;
const KEY_RELAY: u64 = 5;
const KEY_LAN: u64 = 6;
const KEY_NAME: u64 = 7;

/// Which way certificates move, from the desktop's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Export: the desktop sends, the scanner receives.
    DesktopSends,
    /// Import: the scanner sends, the desktop receives.
    DesktopReceives,
}

impl Mode {
    pub(crate) fn wire(self) -> u8 {
        match self {
            Mode::DesktopSends => 0,
            Mode::DesktopReceives => 1,
        }
    }

    pub(crate) fn from_wire(v: u64) -> Option<Self> {
        match v {
            0 => Some(Mode::DesktopSends),
            1 => Some(Mode::DesktopReceives),
            _ => None,
        }
    }

    /// True when the scanner is the side that sends certificates.
    pub fn scanner_sends(self) -> bool {
        self == Mode::DesktopReceives
    }
}

/// Why an invite could not be read. Each variant is a different way the text
/// can be wrong, so that the app can say which.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InviteError {
    /// The text does not start with `CERTBRIDGE:/`.
    #[error("this is not a CertBridge code (it should start with {TEXT_PREFIX})")]
    WrongPrefix,
    /// The number of digits matches no byte count.
    #[error("the code is damaged or incomplete: {0} digits cannot be a whole code")]
    BadDigitCount(usize),
    /// Something other than a digit follows the prefix.
    #[error("the code is damaged: it contains {0:?} where only digits belong")]
    BadCharacter(char),
    /// A block of digits is larger than its bytes can hold.
    #[error("the code is damaged: a block of digits is out of range")]
    ChunkOutOfRange,
    /// The bytes are not the CBOR map an invite is.
    #[error("the code is damaged: its contents are not a valid invite ({0})")]
    BadCbor(String),
    /// The code was made for a protocol this build does not speak.
    #[error("this code needs CertBridge protocol version {0}; update CertBridge on this device")]
    UnknownVersion(u64),
    /// A field every invite has is absent.
    #[error("the code is incomplete: it has no {0}")]
    MissingField(&'static str),
    /// A field is present but its value is not allowed.
    #[error("the code is damaged: its {0} is not valid")]
    InvalidField(&'static str),
    /// The invite names neither a LAN address nor a relay.
    #[error("the code names no way to reach the desktop (no LAN address and no relay)")]
    NoEndpoint,
    /// The invite's expiry has passed.
    #[error("this code expired {0} seconds ago; ask the desktop for a new one")]
    Expired(u64),
    /// The invite is longer than any valid invite.
    #[error("the code is too long to be a CertBridge invite")]
    TooLong,
    /// The check digits do not match the rest: the code was copied or
    /// typed wrong.
    #[error("the code's check digits do not match: it was copied or typed wrong")]
    BadCheck,
    /// A code in the form older versions wrote (no check digits).
    #[error("this code was made by an older version of CertBridge; update it and make a new code")]
    OldFormat,
}

impl InviteError {
    /// True when the text is damaged (copied or typed wrong, cut short), as
    /// opposed to a whole code that cannot be used (expired, another
    /// version, not a CertBridge code).
    pub fn is_damage(&self) -> bool {
        !matches!(
            self,
            InviteError::WrongPrefix
                | InviteError::UnknownVersion(_)
                | InviteError::Expired(_)
                | InviteError::OldFormat
        )
    }
}

/// The invite secret. It never prints itself.
#[derive(Clone)]
pub struct InviteSecret(Zeroizing<[u8; SECRET_LEN]>);

impl InviteSecret {
    /// Draws a fresh secret from the operating system's generator.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = Zeroizing::new([0u8; SECRET_LEN]);
        getrandom::fill(bytes.as_mut())?;
        Ok(Self(bytes))
    }

    /// Wraps known bytes (tests and test vectors).
    pub fn from_bytes(bytes: [u8; SECRET_LEN]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    pub(crate) fn expose(&self) -> &[u8; SECRET_LEN] {
        &self.0
    }
}

impl fmt::Debug for InviteSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InviteSecret(..)")
    }
}

/// What the desktop chooses when it makes an invite.
#[derive(Debug, Clone)]
pub struct InviteParams {
    /// Which way certificates move.
    pub mode: Mode,
    /// How long the invite stays valid.
    pub lifetime: Duration,
    /// The relay's base URL, if the relay path is offered.
    pub relay_url: Option<String>,
    /// The addresses the desktop listens on.
    pub lan: Vec<SocketAddr>,
    /// The desktop's display name; longer names are cut at a character
    /// boundary to [`MAX_NAME_LEN`] bytes.
    pub name: Option<String>,
}

/// A decoded invite: the part both sides know.
#[derive(Clone)]
pub struct Invite {
    mode: Mode,
    public_key: [u8; PUBLIC_KEY_LEN],
    secret: InviteSecret,
    expires_at: u64,
    relay_url: Option<String>,
    lan: Vec<SocketAddr>,
    name: Option<String>,
    /// The exact CBOR bytes, bound into the handshake's prologue. They hold
    /// the secret, so they are wiped when dropped.
    cbor: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for Invite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Invite")
            .field("mode", &self.mode)
            .field("expires_at", &self.expires_at)
            .field("relay_url", &self.relay_url)
            .field("lan", &self.lan)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Invite {
    /// Reads an invite's text form, checking it has not expired at `now`.
    pub fn parse(text: &str, now: SystemTime) -> Result<Self, InviteError> {
        let invite = Self::parse_ignoring_expiry(text)?;
        invite.check_fresh(now)?;
        Ok(invite)
    }

    /// Reads an invite's text form without looking at its expiry (for test
    /// vectors and for showing what an old code was). White space and `-`
    /// anywhere in the text are ignored, so a code pasted across lines or
    /// typed in groups reads the same.
    pub fn parse_ignoring_expiry(text: &str) -> Result<Self, InviteError> {
        // Each 17 digits carry 7 bytes; refuse before copying more.
        if text.len() > 4 * (TEXT_PREFIX.len() + MAX_TEXT_DIGITS) {
            return Err(InviteError::TooLong);
        }
        // The digits hold the secret: the copy is wiped when dropped.
        let compact: Zeroizing<String> = Zeroizing::new(text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect());
        let digits = strip_prefix(&compact).ok_or(InviteError::WrongPrefix)?;
        if digits.len() > MAX_TEXT_DIGITS {
            return Err(InviteError::TooLong);
        }
        if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
            return Err(InviteError::BadCharacter(bad));
        }
        if let Some(body) = check::verified_body(digits) {
            return Self::from_cbor(digits::decode(body)?);
        }
        // Codes written before the check digits existed are whole digits
        // of an invite: say so, rather than that they were copied wrong.
        if digits::decode(digits).is_ok_and(|cbor| Self::from_cbor(cbor).is_ok()) {
            return Err(InviteError::OldFormat);
        }
        Err(InviteError::BadCheck)
    }

    /// Reads an invite's CBOR bytes (no expiry check).
    pub fn from_cbor(cbor: Vec<u8>) -> Result<Self, InviteError> {
        let cbor = Zeroizing::new(cbor);
        if cbor.len() > MAX_INVITE_LEN {
            return Err(InviteError::TooLong);
        }
        let fields = Fields::decode(&cbor)?;
        fields.into_invite(cbor)
    }

    /// Fails with [`InviteError::Expired`] when the invite's time is up.
    pub fn check_fresh(&self, now: SystemTime) -> Result<(), InviteError> {
        let now = unix_seconds(now);
        if now >= self.expires_at {
            return Err(InviteError::Expired(now - self.expires_at));
        }
        Ok(())
    }

    /// The text form: `CERTBRIDGE:/`, two check digits, the digits.
    pub fn to_text(&self) -> String {
        format!("{TEXT_PREFIX}{}", self.digits())
    }

    /// The digits of the text form: the two check digits, then the
    /// invite's digits.
    fn digits(&self) -> String {
        check::prepend(&digits::encode(&self.cbor))
    }

    /// The QR code of the text form, at ECC level L (see [`InviteQr`]).
    pub fn to_qr(&self) -> Result<InviteQr, QrError> {
        InviteQr::new(&self.digits())
    }

    /// Which way certificates move.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The desktop's static public key for this invite.
    pub fn public_key(&self) -> &[u8; PUBLIC_KEY_LEN] {
        &self.public_key
    }

    pub(crate) fn secret(&self) -> &InviteSecret {
        &self.secret
    }

    /// When the invite stops being valid, in Unix seconds.
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }

    /// The relay's base URL, if the desktop offers the relay path.
    pub fn relay_url(&self) -> Option<&str> {
        self.relay_url.as_deref()
    }

    /// The desktop's LAN endpoints.
    pub fn lan_endpoints(&self) -> &[SocketAddr] {
        &self.lan
    }

    /// The desktop's display name, as the invite carries it.
    pub fn desktop_name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The exact CBOR bytes.
    pub fn cbor(&self) -> &[u8] {
        &self.cbor
    }
}

/// An invite together with the desktop's private key. Only the desktop holds
/// one; it is made fresh for every invite and wiped when dropped.
pub struct HostInvite {
    invite: Invite,
    private_key: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for HostInvite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HostInvite")
            .field("invite", &self.invite)
            .finish_non_exhaustive()
    }
}

impl HostInvite {
    /// Makes a fresh invite: a new X25519 key pair and a new secret.
    pub fn generate(
        params: InviteParams,
        now: SystemTime,
    ) -> Result<Self, crate::handshake::HandshakeError> {
        let keypair = crate::handshake::generate_keypair()?;
        let secret =
            InviteSecret::generate().map_err(|_| crate::handshake::HandshakeError::Random)?;
        let public_key: [u8; PUBLIC_KEY_LEN] = keypair
            .public
            .as_slice()
            .try_into()
            .map_err(|_| crate::handshake::HandshakeError::Random)?;
        let expires_at = unix_seconds(now).saturating_add(params.lifetime.as_secs().max(1));
        let invite = Invite::assemble(
            params.mode,
            public_key,
            secret,
            expires_at,
            params.relay_url,
            params.lan,
            params
                .name
                .map(|n| truncate_utf8(&n, MAX_NAME_LEN).to_owned()),
        );
        Ok(Self {
            invite,
            private_key: Zeroizing::new(keypair.private),
        })
    }

    /// Builds an invite from known parts (test vectors and tests).
    #[allow(clippy::too_many_arguments)]
    pub fn from_parts(
        mode: Mode,
        private_key: [u8; 32],
        public_key: [u8; PUBLIC_KEY_LEN],
        secret: InviteSecret,
        expires_at: u64,
        relay_url: Option<String>,
        lan: Vec<SocketAddr>,
        name: Option<String>,
    ) -> Self {
        let invite = Invite::assemble(mode, public_key, secret, expires_at, relay_url, lan, name);
        Self {
            invite,
            private_key: Zeroizing::new(private_key.to_vec()),
        }
    }

    /// The public invite, to show as a QR code.
    pub fn invite(&self) -> &Invite {
        &self.invite
    }

    pub(crate) fn private_key(&self) -> &[u8] {
        &self.private_key
    }
}

impl Invite {
    fn assemble(
        mode: Mode,
        public_key: [u8; PUBLIC_KEY_LEN],
        secret: InviteSecret,
        expires_at: u64,
        relay_url: Option<String>,
        lan: Vec<SocketAddr>,
        name: Option<String>,
    ) -> Self {
        let int = |v: u64| Value::Integer(Integer::from(v));
        let mut map = vec![
            (int(KEY_VERSION), int(u64::from(PROTOCOL_VERSION))),
            (int(KEY_MODE), int(u64::from(mode.wire()))),
            (int(KEY_PUBLIC_KEY), Value::Bytes(public_key.to_vec())),
            (int(KEY_SECRET), Value::Bytes(secret.expose().to_vec())),
            (int(KEY_EXPIRES), int(expires_at)),
        ];
        if let Some(url) = &relay_url {
            map.push((int(KEY_RELAY), Value::Text(url.clone())));
        }
        if !lan.is_empty() {
            let endpoints = lan
                .iter()
                .map(|a| Value::Bytes(endpoint_bytes(a)))
                .collect();
            map.push((int(KEY_LAN), Value::Array(endpoints)));
        }
        if let Some(name) = &name {
            map.push((int(KEY_NAME), Value::Text(name.clone())));
        }
        let mut cbor = Zeroizing::new(Vec::with_capacity(128));
        let mut map = Value::Map(map);
        // Writing a Value into a Vec cannot fail.
        ciborium::ser::into_writer(&map, &mut *cbor)
            .unwrap_or_else(|e| unreachable!("CBOR into a Vec: {e}"));
        wipe(&mut map);
        Self {
            mode,
            public_key,
            secret,
            expires_at,
            relay_url,
            lan,
            name,
            cbor,
        }
    }
}

/// Wipes the byte strings of a CBOR value (the secret travels as one).
fn wipe(value: &mut Value) {
    use zeroize::Zeroize;
    match value {
        Value::Bytes(b) => b.zeroize(),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            wipe(k);
            wipe(v);
        }),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        _ => {}
    }
}

/// The fields of an invite as they come off the wire, before validation.
#[derive(Default)]
struct Fields {
    version: Option<u64>,
    mode: Option<u64>,
    public_key: Option<Vec<u8>>,
    secret: Option<Zeroizing<Vec<u8>>>,
    expires_at: Option<u64>,
    relay_url: Option<String>,
    lan: Option<Vec<Value>>,
    name: Option<String>,
}

impl Fields {
    fn decode(cbor: &[u8]) -> Result<Self, InviteError> {
        let mut rest = cbor;
        let mut value: Value = ciborium::de::from_reader(&mut rest)
            .map_err(|e| InviteError::BadCbor(e.to_string()))?;
        if !rest.is_empty() {
            wipe(&mut value);
            return Err(InviteError::BadCbor(format!(
                "{} bytes after the map",
                rest.len()
            )));
        }
        let Value::Map(entries) = value else {
            wipe(&mut value);
            return Err(InviteError::BadCbor("not a map".into()));
        };
        let mut entries = entries;
        let read = Self::read_entries(&mut entries);
        // Whatever was not taken (on an early error, the secret too) is wiped.
        for (k, v) in &mut entries {
            wipe(k);
            wipe(v);
        }
        read
    }

    fn read_entries(entries: &mut [(Value, Value)]) -> Result<Self, InviteError> {
        let mut f = Fields::default();
        for (key, value) in entries.iter_mut() {
            let value = std::mem::replace(value, Value::Null);
            // Keys this version does not know are skipped: later versions may add some.
            let Some(key) = key.as_integer().and_then(|i| u64::try_from(i).ok()) else {
                continue;
            };
            match key {
                KEY_VERSION => set_once(
                    &mut f.version,
                    uint(value, "protocol version")?,
                    "protocol version",
                )?,
                KEY_MODE => set_once(&mut f.mode, uint(value, "mode")?, "mode")?,
                KEY_PUBLIC_KEY => set_once(
                    &mut f.public_key,
                    bytes(value, "desktop key")?,
                    "desktop key",
                )?,
                KEY_SECRET => set_once(
                    &mut f.secret,
                    Zeroizing::new(bytes(value, "secret")?),
                    "secret",
                )?,
                KEY_EXPIRES => set_once(&mut f.expires_at, uint(value, "expiry")?, "expiry")?,
                KEY_RELAY => set_once(
                    &mut f.relay_url,
                    text(value, "relay address")?,
                    "relay address",
                )?,
                KEY_LAN => set_once(&mut f.lan, array(value, "LAN addresses")?, "LAN addresses")?,
                KEY_NAME => set_once(&mut f.name, text(value, "desktop name")?, "desktop name")?,
                _ => {}
            }
        }
        Ok(f)
    }

    fn into_invite(self, cbor: Zeroizing<Vec<u8>>) -> Result<Invite, InviteError> {
        let version = self
            .version
            .ok_or(InviteError::MissingField("protocol version"))?;
        if version != u64::from(PROTOCOL_VERSION) {
            return Err(InviteError::UnknownVersion(version));
        }
        let mode = self.mode.ok_or(InviteError::MissingField("mode"))?;
        let mode = Mode::from_wire(mode).ok_or(InviteError::InvalidField("mode"))?;
        let public_key: [u8; PUBLIC_KEY_LEN] = self
            .public_key
            .ok_or(InviteError::MissingField("desktop key"))?
            .try_into()
            .map_err(|_| InviteError::InvalidField("desktop key"))?;
        let secret = self.secret.ok_or(InviteError::MissingField("secret"))?;
        let secret: [u8; SECRET_LEN] = secret
            .as_slice()
            .try_into()
            .map_err(|_| InviteError::InvalidField("secret"))?;
        let expires_at = self.expires_at.ok_or(InviteError::MissingField("expiry"))?;

        if let Some(url) = &self.relay_url {
            // The same form the desktop's `--relay` must have: a damaged or
            // forged code is refused here, before anything connects.
            if check_url(url).is_err() || url.chars().any(char::is_control) {
                return Err(InviteError::InvalidField("relay address"));
            }
        }
        let lan = match self.lan {
            None => Vec::new(),
            Some(items) if items.len() > MAX_ENDPOINTS => {
                return Err(InviteError::InvalidField("LAN addresses"));
            }
            Some(items) => items
                .into_iter()
                .map(|v| match v {
                    Value::Bytes(b) => endpoint_from_bytes(&b),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
                .ok_or(InviteError::InvalidField("LAN addresses"))?,
        };
        if lan.is_empty() && self.relay_url.is_none() {
            return Err(InviteError::NoEndpoint);
        }
        if let Some(name) = &self.name {
            if name.len() > MAX_NAME_LEN {
                return Err(InviteError::InvalidField("desktop name"));
            }
        }
        Ok(Invite {
            mode,
            public_key,
            secret: InviteSecret::from_bytes(secret),
            expires_at,
            relay_url: self.relay_url,
            lan,
            name: self.name,
            cbor,
        })
    }
}

fn set_once<T>(slot: &mut Option<T>, value: T, field: &'static str) -> Result<(), InviteError> {
    if slot.is_some() {
        return Err(InviteError::BadCbor(format!("{field} appears twice")));
    }
    *slot = Some(value);
    Ok(())
}

fn uint(v: Value, field: &'static str) -> Result<u64, InviteError> {
    v.as_integer()
        .and_then(|i| u64::try_from(i).ok())
        .ok_or(InviteError::InvalidField(field))
}

fn bytes(v: Value, field: &'static str) -> Result<Vec<u8>, InviteError> {
    match v {
        Value::Bytes(b) => Ok(b),
        _ => Err(InviteError::InvalidField(field)),
    }
}

fn text(v: Value, field: &'static str) -> Result<String, InviteError> {
    match v {
        Value::Text(t) => Ok(t),
        _ => Err(InviteError::InvalidField(field)),
    }
}

fn array(v: Value, field: &'static str) -> Result<Vec<Value>, InviteError> {
    match v {
        Value::Array(a) => Ok(a),
        _ => Err(InviteError::InvalidField(field)),
    }
}

/// The prefix is matched without regard to case, like a URI scheme; the
/// digits that follow are matched exactly.
fn strip_prefix(text: &str) -> Option<&str> {
    let head = text.get(..TEXT_PREFIX.len())?;
    head.eq_ignore_ascii_case(TEXT_PREFIX)
        .then(|| &text[TEXT_PREFIX.len()..])
}

/// An endpoint on the wire: 4 or 16 address bytes, then the port big-endian.
fn endpoint_bytes(addr: &SocketAddr) -> Vec<u8> {
    let mut out = match addr.ip() {
        IpAddr::V4(ip) => ip.octets().to_vec(),
        IpAddr::V6(ip) => ip.octets().to_vec(),
    };
    out.extend_from_slice(&addr.port().to_be_bytes());
    out
}

fn endpoint_from_bytes(b: &[u8]) -> Option<SocketAddr> {
    let (ip, port) = match b.len() {
        6 => (
            IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(&b[..4]).ok()?)),
            &b[4..],
        ),
        18 => (
            IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(&b[..16]).ok()?)),
            &b[16..],
        ),
        _ => return None,
    };
    let port = u16::from_be_bytes([port[0], port[1]]);
    (port != 0).then_some(SocketAddr::new(ip, port))
}

/// Cuts `s` to at most `max` bytes without splitting a character.
pub(crate) fn truncate_utf8(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Seconds since the Unix epoch; times before it count as zero.
pub(crate) fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
