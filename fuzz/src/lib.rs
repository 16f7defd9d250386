//! The bodies of CertBridge's fuzz targets, one function per target.
//!
//! They live in a library, not in the `fuzz_targets/` files, so that
//! `cargo test` replays every seed and every past finding through exactly
//! the code libFuzzer runs (`replay` below). Each target feeds untrusted
//! bytes to one decoder of the project the way they arrive (from a peer, a
//! relay client, a camera or a file) and checks more than "no panic": what
//! is accepted must survive a round trip or keep the invariant stated
//! beside the check.
//!
//! # Layout
//!
//! * `invite`: [`invite_text`] and [`invite_cbor`], the QR code's two forms.
//! * `message`: [`message`], the CBOR messages after the handshake.
//! * `frame`: [`frame`], the TCP frame reader, over a stream that delivers
//!   bytes in odd chunks and whose reads are cancelled half-way.
//! * `npki`: [`npki_cert`], [`npki_key`] and [`npki_pkcs8`]: certificates
//!   and the folders they are installed in, encrypted key files, decrypted
//!   keys.
//! * `pfx`: [`pfx_import`], PKCS#12 import.
//! * `relay`: [`relay_request`], the relay's rendezvous request.
//! * `budget`: which inputs declare too many key-derivation iterations to
//!   be run quickly, and are skipped.

#![forbid(unsafe_code)]

mod budget;
mod frame;
mod invite;
mod message;
mod npki;
mod pfx;
mod relay;

/// The relay's request parser, compiled from its own source file: the
/// target fuzzes exactly that code without building the relay's server
/// (hyper, Redis, TLS), which would double the fuzz build's time.
#[allow(dead_code, unreachable_pub)]
#[path = "../../relay/src/request.rs"]
mod relay_request_rs;

// The targets, by the names of their `fuzz_targets/` files.
pub use frame::frame;
pub use invite::{invite_cbor, invite_text};
pub use message::message;
pub use npki::{npki_cert, npki_key, npki_pkcs8};
pub use pfx::pfx_import;
pub use relay::relay_request;

/// What a target made of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The code under test accepted it, and the checks on what it accepted
    /// held.
    Accepted,
    /// The code under test refused it with an error.
    Refused,
    /// Not run: it would be slow by design (see `budget`). libFuzzer is told
    /// not to keep it.
    Skipped,
}

impl Outcome {
    fn of<T, E>(r: &Result<T, E>) -> Self {
        if r.is_ok() { Outcome::Accepted } else { Outcome::Refused }
    }
}

impl From<Outcome> for libfuzzer_sys::Corpus {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Skipped => libfuzzer_sys::Corpus::Reject,
            Outcome::Accepted | Outcome::Refused => libfuzzer_sys::Corpus::Keep,
        }
    }
}

/// The password `scripts/make-npki-fixtures.sh` gives its keys and PKCS#12
/// files: seeds made with it decrypt, so the fuzzers reach the code that
/// runs after a right password.
pub const FIXTURE_PASSWORD: &str = "테스트-password-1!";

#[cfg(test)]
mod replay;
