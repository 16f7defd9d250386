//! The Noise handshake of protocol v1 (`docs/PROTOCOL.md` §3).
//!
//! `Noise_NKpsk0_25519_ChaChaPoly_SHA256`, by the `snow` crate: the scanner is
//! the initiator and knows the desktop's static key from the invite; both
//! sides mix in a PSK derived from the invite secret and a prologue binding
//! the exact invite bytes. One round trip:
//!
//! ```text
//! scanner → desktop   msg1: psk, e, es   + hello
//! desktop → scanner   msg2: e, ee        + hello
//! ```
//!
//! Phases are types. The scanner's [`Initiator`] is consumed by
//! [`Initiator::finish`]; the desktop reads msg1 into a [`PendingReply`],
//! which it turns into msg2 only once it has claimed the invite for this
//! connection, so that two connections can never both complete.

use std::fmt;

use serde::{Deserialize, Serialize};
use snow::{Builder, HandshakeState, TransportState};

pub mod code;

use crate::invite::{HostInvite, Invite};
use crate::kdf;
use crate::verification::VerificationCode;

/// The Noise protocol name.
pub const NOISE_PATTERN: &str = "Noise_NKpsk0_25519_ChaChaPoly_SHA256";
/// What the prologue starts with, before the invite bytes.
pub const PROLOGUE_LABEL: &[u8] = b"certbridge/1";
/// The largest handshake message either side accepts. A hello is small; a
/// peer that announces more is not speaking this protocol.
pub const MAX_HANDSHAKE_MESSAGE: usize = 1024;
/// The longest device name in a hello, in UTF-8 bytes.
pub const MAX_PEER_NAME_LEN: usize = 64;
/// The longest platform or version string in a hello, in UTF-8 bytes.
pub const MAX_HELLO_FIELD_LEN: usize = 32;

/// Why a handshake failed. Cryptographic failures carry no detail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HandshakeError {
    /// A message did not decrypt: the peer does not hold this invite's
    /// secret or key, or the bytes were changed on the way.
    #[error(
        "the secure connection could not be set up: the other device does not hold this code, or the connection was tampered with"
    )]
    Failed,
    /// The peer's hello is not a valid CBOR greeting.
    #[error("the other device sent an invalid greeting")]
    BadHello,
    /// A handshake message is larger than [`MAX_HANDSHAKE_MESSAGE`].
    #[error("the other device sent an oversized handshake message")]
    TooLarge,
    /// The operating system's random generator failed.
    #[error("this device could not generate random numbers")]
    Random,
}

/// The greeting each side sends inside the handshake: who it is.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// The device's display name.
    pub name: String,
    /// The platform, e.g. `linux`, `android`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// The app's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl fmt::Debug for Hello {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hello")
            .field("name", &self.name)
            .field("platform", &self.platform)
            .field("version", &self.version)
            .finish()
    }
}

impl Hello {
    /// A hello for this build, with the given device name, cut to
    /// [`MAX_PEER_NAME_LEN`] bytes.
    pub fn new(name: &str, platform: &str) -> Self {
        Self {
            name: crate::invite::truncate_utf8(name, MAX_PEER_NAME_LEN).to_owned(),
            platform: Some(crate::invite::truncate_utf8(platform, MAX_HELLO_FIELD_LEN).to_owned()),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        ciborium::ser::into_writer(self, &mut out)
            .unwrap_or_else(|e| unreachable!("CBOR into a Vec: {e}"));
        out
    }

    /// Reads the peer's hello. Its texts come from the other side: they are
    /// sanitised here, once, so that nothing downstream shows them raw.
    fn decode(bytes: &[u8]) -> Result<Self, HandshakeError> {
        let hello: Hello =
            ciborium::de::from_reader(bytes).map_err(|_| HandshakeError::BadHello)?;
        let field_ok =
            |f: &Option<String>| f.as_ref().is_none_or(|s| s.len() <= MAX_HELLO_FIELD_LEN);
        if hello.name.len() > MAX_PEER_NAME_LEN || !field_ok(&hello.platform) || !field_ok(&hello.version) {
            return Err(HandshakeError::BadHello);
        }
        let clean = |s: &str| crate::text::sanitize(s, MAX_HELLO_FIELD_LEN);
        let hello = Hello {
            name: crate::text::sanitize(&hello.name, MAX_PEER_NAME_LEN),
            platform: hello.platform.as_deref().map(clean).filter(|s| !s.is_empty()),
            version: hello.version.as_deref().map(clean).filter(|s| !s.is_empty()),
        };
        if hello.name.is_empty() {
            return Err(HandshakeError::BadHello);
        }
        Ok(hello)
    }

    /// True when the platform is a phone's (`android`, `ios`).
    pub fn is_phone(&self) -> bool {
        matches!(self.platform.as_deref(), Some("android" | "ios"))
    }
}

/// A completed handshake: the transport keys, who the peer says it is, and
/// the verification number both sides now share.
pub struct Established {
    pub(crate) transport: TransportState,
    peer: Hello,
    code: VerificationCode,
}

impl fmt::Debug for Established {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Established")
            .field("peer", &self.peer)
            .finish_non_exhaustive()
    }
}

impl Established {
    /// The peer's hello.
    pub fn peer(&self) -> &Hello {
        &self.peer
    }

    /// The verification number of this session.
    pub fn verification_code(&self) -> VerificationCode {
        self.code
    }
}

/// Generates an X25519 key pair for a new invite.
pub(crate) fn generate_keypair() -> Result<snow::Keypair, HandshakeError> {
    builder_without_keys()?
        .generate_keypair()
        .map_err(|_| HandshakeError::Random)
}

fn params() -> snow::params::NoiseParams {
    NOISE_PATTERN
        .parse()
        .unwrap_or_else(|e| unreachable!("{NOISE_PATTERN} is a valid Noise name: {e}"))
}

fn builder_without_keys() -> Result<Builder<'static>, HandshakeError> {
    Ok(Builder::new(params()))
}

fn prologue(invite: &Invite) -> Vec<u8> {
    [PROLOGUE_LABEL, invite.cbor()].concat()
}

fn established(state: HandshakeState, peer: Hello) -> Result<Established, HandshakeError> {
    let code = VerificationCode::from_handshake_hash(state.get_handshake_hash());
    let transport = state
        .into_transport_mode()
        .map_err(|_| HandshakeError::Failed)?;
    Ok(Established {
        transport,
        peer,
        code,
    })
}

/// The scanner's side of the handshake, after sending msg1.
pub struct Initiator {
    state: HandshakeState,
}

impl Initiator {
    /// Starts a handshake with the desktop named in `invite`: returns the
    /// state and msg1 to send.
    pub fn start(invite: &Invite, hello: &Hello) -> Result<(Self, Vec<u8>), HandshakeError> {
        let psk = kdf::psk(invite.secret());
        let prologue = prologue(invite);
        let mut state = builder_without_keys()?
            .remote_public_key(invite.public_key())
            .and_then(|b| b.psk(0, &psk))
            .and_then(|b| b.prologue(&prologue))
            .and_then(|b| b.build_initiator())
            .map_err(|_| HandshakeError::Failed)?;
        let msg1 = write(&mut state, &hello.encode())?;
        Ok((Self { state }, msg1))
    }

    /// Reads msg2 and completes the handshake.
    pub fn finish(mut self, msg2: &[u8]) -> Result<Established, HandshakeError> {
        let payload = read(&mut self.state, msg2)?;
        let peer = Hello::decode(&payload)?;
        established(self.state, peer)
    }
}

/// The desktop's side of the handshake.
pub struct Responder;

impl Responder {
    /// Reads msg1 from a scanner. Success means the scanner holds this
    /// invite's secret; the desktop should then claim the invite and call
    /// [`PendingReply::reply`].
    pub fn read_first(host: &HostInvite, msg1: &[u8]) -> Result<PendingReply, HandshakeError> {
        let invite = host.invite();
        let psk = kdf::psk(invite.secret());
        let prologue = prologue(invite);
        let mut state = builder_without_keys()?
            .local_private_key(host.private_key())
            .and_then(|b| b.psk(0, &psk))
            .and_then(|b| b.prologue(&prologue))
            .and_then(|b| b.build_responder())
            .map_err(|_| HandshakeError::Failed)?;
        let payload = read(&mut state, msg1)?;
        let peer = Hello::decode(&payload)?;
        Ok(PendingReply { state, peer })
    }
}

/// A scanner's valid msg1, not yet answered. The desktop's ephemeral key is
/// generated only in [`PendingReply::reply`], after msg1 arrived, so the
/// scanner cannot choose its key to steer the verification number.
pub struct PendingReply {
    state: HandshakeState,
    peer: Hello,
}

impl fmt::Debug for PendingReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingReply")
            .field("peer", &self.peer)
            .finish_non_exhaustive()
    }
}

impl PendingReply {
    /// The scanner's hello.
    pub fn peer(&self) -> &Hello {
        &self.peer
    }

    /// Writes msg2 and completes the handshake.
    pub fn reply(mut self, hello: &Hello) -> Result<(Established, Vec<u8>), HandshakeError> {
        let msg2 = write(&mut self.state, &hello.encode())?;
        Ok((established(self.state, self.peer)?, msg2))
    }
}

fn write(state: &mut HandshakeState, payload: &[u8]) -> Result<Vec<u8>, HandshakeError> {
    let mut buf = vec![0u8; MAX_HANDSHAKE_MESSAGE];
    let n = state
        .write_message(payload, &mut buf)
        .map_err(|e| match e {
            snow::Error::Rng => HandshakeError::Random,
            _ => HandshakeError::TooLarge,
        })?;
    buf.truncate(n);
    Ok(buf)
}

fn read(state: &mut HandshakeState, message: &[u8]) -> Result<Vec<u8>, HandshakeError> {
    if message.len() > MAX_HANDSHAKE_MESSAGE {
        return Err(HandshakeError::TooLarge);
    }
    let mut buf = vec![0u8; message.len()];
    let n = state
        .read_message(message, &mut buf)
        .map_err(|_| HandshakeError::Failed)?;
    buf.truncate(n);
    Ok(buf)
}

#[cfg(test)]
mod tests;
