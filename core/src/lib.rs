//! CertBridge core: moves Korean NPKI certificates (공동인증서) between a
//! desktop and a phone, or two desktops, over an end-to-end encrypted channel
//! authenticated by a QR code and a 6-digit verification number.
//!
//! The core holds no UI and no FFI: the desktop CLI, the GUI, the phone
//! apps (through `certbridge-bindings`) and `certbridge scan` all drive the
//! same session state machines defined here.
//!
//! # Layout
//!
//! * [`invite`]: the QR's CBOR map, its `CERTBRIDGE:/` digit text, QR images.
//! * [`code`]: the short code typed instead of scanning, and its PAKE.
//! * [`kdf`]: the HKDF derivations (PSK, rendezvous id, verification number).
//! * [`handshake`]: `Noise_NKpsk0_25519_ChaChaPoly_SHA256`, the hello payloads.
//! * [`verification`]: the 6-digit number and its constant-time check.
//! * [`message`]: the CBOR messages sent once the channel is up.
//! * `channel`: Noise transport messages over a [`transport::Link`].
//! * [`transport`]: LAN (TCP) framing and listening.
//! * [`npki`]: certificate folders: reading, describing, installing.
//! * [`text`]: making text from the other side safe to show.
//! * [`session`]: the desktop's and the scanner's session state machines,
//!   and the driver that runs them over a channel.
//!
//! The wire format is specified in `docs/PROTOCOL.md`.

#![forbid(unsafe_code)]

mod channel;
pub mod code;
#[cfg(feature = "mdns")]
pub mod discovery;
pub mod handshake;
pub mod invite;
pub mod kdf;
pub mod message;
pub mod npki;
pub mod session;
pub mod text;
pub mod transport;
pub mod verification;

pub use handshake::{HandshakeError, Hello};
pub use invite::{HostInvite, Invite, InviteError, InviteParams, InviteQr, InviteSecret, Mode};
pub use kdf::RendezvousId;
pub use message::{BundleItem, FileBytes, ItemStatus, Message, ReceiptItem};
pub use session::{
    CertificateStore, Event, Events, GuestConfig, HostConfig, ItemReport, Outcome, OutgoingItem,
    Progress, Saved, SessionError, SessionHandle, StoreError, start_guest, start_guest_with_code, start_host, ErrorKind,
};
pub use transport::{Link, LinkError, Path};
pub use verification::VerificationCode;
