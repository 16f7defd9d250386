//! The handshake after a typed code (`docs/PROTOCOL.md` §7.3).
//!
//! The scanner holds no key of the desktop's (there is no QR code), so the
//! pattern is `Noise_NNpsk0_25519_ChaChaPoly_SHA256` with the PAKE's key as
//! its PSK, and the desktop, which answers the scanner's PAKE message, is
//! the initiator:
//!
//! ```text
//! scanner → desktop   SPAKE2 message (33 bytes)
//! desktop → scanner   SPAKE2 message (33 bytes), then msg1: psk, e + offer
//! scanner → desktop   msg2: e, ee + hello
//! ```
//!
//! The prologue binds the channel and both PAKE messages. The desktop's
//! offer (its hello, the mode and the expiry) travels encrypted under the
//! PSK, so a scanner with a wrong code learns nothing but that msg1 does not
//! decrypt. The verification number comes from the handshake hash exactly as
//! after a QR code.

use serde::{Deserialize, Serialize};
use snow::Builder;

use super::{Established, HandshakeError, Hello, MAX_HELLO_FIELD_LEN, MAX_PEER_NAME_LEN, established, read, write};
use crate::code::ShortCode;
use crate::code::pake::{PAKE_MESSAGE_LEN, Pake};
use crate::invite::Mode;

/// The Noise protocol name after a typed code.
pub const CODE_PATTERN: &str = "Noise_NNpsk0_25519_ChaChaPoly_SHA256";
/// What the prologue starts with after a typed code.
pub const CODE_PROLOGUE_LABEL: &[u8] = b"certbridge/1 code";

/// What the desktop offers in its msg1, beside its hello.
#[derive(Serialize, Deserialize)]
struct Terms {
    mode: u8,
    expires: u64,
}

/// What a scanner learns from a desktop whose code it typed.
#[derive(Debug, Clone)]
pub struct CodeOffer {
    /// Who the desktop says it is.
    pub peer: Hello,
    /// Which way certificates move.
    pub mode: Mode,
    /// When the code stops being valid, in Unix seconds.
    pub expires_at: u64,
}

fn prologue(channel: &str, scanner_msg: &[u8], desktop_msg: &[u8]) -> Vec<u8> {
    let mut p = Vec::with_capacity(CODE_PROLOGUE_LABEL.len() + 1 + channel.len() + 2 * PAKE_MESSAGE_LEN);
    p.extend_from_slice(CODE_PROLOGUE_LABEL);
    p.push(u8::try_from(channel.len()).unwrap_or(u8::MAX));
    p.extend_from_slice(channel.as_bytes());
    p.extend_from_slice(scanner_msg);
    p.extend_from_slice(desktop_msg);
    p
}

fn builder() -> Builder<'static> {
    Builder::new(CODE_PATTERN.parse().unwrap_or_else(|e| unreachable!("{CODE_PATTERN} is a valid Noise name: {e}")))
}

/// The desktop's side, after msg1 went out.
pub struct DesktopCode {
    state: snow::HandshakeState,
}

impl std::fmt::Debug for DesktopCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DesktopCode(..)")
    }
}

impl DesktopCode {
    /// Answers a scanner's PAKE message for `code`: the state, the
    /// desktop's PAKE message and msg1, to send in that order.
    pub fn answer(
        code: &ShortCode,
        scanner_msg: &[u8],
        hello: &Hello,
        mode: Mode,
        expires_at: u64,
    ) -> Result<(Self, Vec<u8>, Vec<u8>), HandshakeError> {
        let (pake, desktop_msg) = Pake::desktop(code);
        let psk = pake.finish(scanner_msg).map_err(|_| HandshakeError::Failed)?;
        let prologue = prologue(code.channel(), scanner_msg, &desktop_msg);
        let mut state = builder()
            .psk(0, &psk)
            .and_then(|b| b.prologue(&prologue))
            .and_then(|b| b.build_initiator())
            .map_err(|_| HandshakeError::Failed)?;
        let mut offer = ciborium::value::Value::serialized(hello).map_err(|_| HandshakeError::BadHello)?;
        if let ciborium::value::Value::Map(entries) = &mut offer {
            let terms = Terms { mode: mode.wire(), expires: expires_at };
            entries.push(("mode".into(), u64::from(terms.mode).into()));
            entries.push(("expires".into(), terms.expires.into()));
        }
        let mut payload = Vec::new();
        ciborium::ser::into_writer(&offer, &mut payload).map_err(|_| HandshakeError::BadHello)?;
        let msg1 = write(&mut state, &payload)?;
        Ok((Self { state }, desktop_msg, msg1))
    }

    /// Reads the scanner's msg2: the handshake is complete.
    pub fn finish(mut self, msg2: &[u8]) -> Result<Established, HandshakeError> {
        let payload = read(&mut self.state, msg2)?;
        let peer = Hello::decode(&payload)?;
        established(self.state, peer)
    }
}

/// The scanner's side, after its PAKE message went out.
pub struct ScannerCode {
    pake: Pake,
    scanner_msg: Vec<u8>,
    channel: String,
}

impl std::fmt::Debug for ScannerCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScannerCode").field("channel", &self.channel).finish_non_exhaustive()
    }
}

impl ScannerCode {
    /// Starts with a typed code: the state and the PAKE message to send.
    pub fn start(code: &ShortCode) -> (Self, Vec<u8>) {
        let (pake, scanner_msg) = Pake::scanner(code);
        let msg = scanner_msg.clone();
        (Self { pake, scanner_msg, channel: code.channel().to_owned() }, msg)
    }

    /// Reads the desktop's PAKE message and msg1, and answers with msg2.
    /// A wrong code shows here, as a msg1 that does not decrypt
    /// ([`HandshakeError::Failed`]).
    pub fn reply(self, desktop_msg: &[u8], msg1: &[u8], hello: &Hello) -> Result<(CodeOffer, Established, Vec<u8>), HandshakeError> {
        let psk = self.pake.finish(desktop_msg).map_err(|_| HandshakeError::Failed)?;
        let prologue = prologue(&self.channel, &self.scanner_msg, desktop_msg);
        let mut state = builder()
            .psk(0, &psk)
            .and_then(|b| b.prologue(&prologue))
            .and_then(|b| b.build_responder())
            .map_err(|_| HandshakeError::Failed)?;
        let payload = read(&mut state, msg1)?;
        let peer = Hello::decode(&payload)?;
        let terms: Terms = ciborium::de::from_reader(payload.as_slice()).map_err(|_| HandshakeError::BadHello)?;
        let mode = Mode::from_wire(u64::from(terms.mode)).ok_or(HandshakeError::BadHello)?;
        let msg2 = write(&mut state, &hello.encode())?;
        let offer = CodeOffer { peer: peer.clone(), mode, expires_at: terms.expires };
        Ok((offer, established(state, peer)?, msg2))
    }
}

// The offer's hello fields are bounded like any hello's.
const _: () = assert!(MAX_PEER_NAME_LEN <= 255 && MAX_HELLO_FIELD_LEN <= 255);

#[cfg(test)]
mod tests {
    use super::*;

    fn run(desk_code: &str, scan_code: &str) -> Result<(CodeOffer, Established, Established), HandshakeError> {
        let desk = ShortCode::parse(desk_code).unwrap();
        let scan = ShortCode::parse(scan_code).unwrap();
        let (scanner, m_scanner) = ScannerCode::start(&scan);
        let (desktop, m_desktop, msg1) =
            DesktopCode::answer(&desk, &m_scanner, &Hello::new("홍길동의 PC", "linux"), Mode::DesktopReceives, 2_000_000_000)?;
        let (offer, scanner_est, msg2) = scanner.reply(&m_desktop, &msg1, &Hello::new("Galaxy S24", "android"))?;
        let desktop_est = desktop.finish(&msg2)?;
        Ok((offer, scanner_est, desktop_est))
    }

    #[test]
    fn the_right_code_completes_with_the_same_number_on_both_sides() {
        let (offer, scanner, desktop) = run("123-456-789", "123 456 789").unwrap();
        assert_eq!(offer.peer.name, "홍길동의 PC");
        assert_eq!(offer.mode, Mode::DesktopReceives);
        assert_eq!(offer.expires_at, 2_000_000_000);
        assert_eq!(desktop.peer().name, "Galaxy S24");
        assert_eq!(scanner.verification_code(), desktop.verification_code());
    }

    #[test]
    fn a_wrong_code_fails_where_the_scanner_reads_msg1() {
        assert!(matches!(run("123-456-789", "123-456-788"), Err(HandshakeError::Failed)));
        assert!(matches!(run("123-456-789", "999-456-789"), Err(HandshakeError::Failed)));
    }

    #[test]
    fn a_tampered_pake_message_fails_cleanly() {
        let code = ShortCode::parse("123-456-789").unwrap();
        // A changed bit either leaves no curve point (the desktop refuses at
        // once) or a different one (the desktop cannot tell; the scanner can:
        // msg1 does not decrypt). Both must end in `Failed`, never a panic.
        for byte in [0, 5, 17, 31] {
            let (scanner, mut m_scanner) = ScannerCode::start(&code);
            m_scanner[byte] ^= 1;
            match DesktopCode::answer(&code, &m_scanner, &Hello::new("pc", "linux"), Mode::DesktopSends, 1) {
                Err(e) => assert!(matches!(e, HandshakeError::Failed), "{e:?}"),
                Ok((_, m_desktop, msg1)) => assert!(matches!(
                    scanner.reply(&m_desktop, &msg1, &Hello::new("p", "android")),
                    Err(HandshakeError::Failed)
                )),
            }
        }
        // And a desktop message changed on the way fails too.
        let (scanner, m_scanner) = ScannerCode::start(&code);
        let (_, mut m_desktop, msg1) = DesktopCode::answer(&code, &m_scanner, &Hello::new("pc", "linux"), Mode::DesktopSends, 1).unwrap();
        m_desktop[9] ^= 1;
        assert!(matches!(scanner.reply(&m_desktop, &msg1, &Hello::new("p", "android")), Err(HandshakeError::Failed)));
    }
}
