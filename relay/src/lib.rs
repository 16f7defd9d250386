//! The CertBridge relay: a WebSocket rendezvous server that pairs one host
//! (the desktop) with one guest (the phone) under a rendezvous id and
//! forwards their binary messages verbatim, in order, both ways. The relay
//! never sees plaintext: the two devices run an end-to-end Noise session
//! through it (`docs/PROTOCOL.md`; DESIGN.md §4, "Transports").
//!
//! # Layout
//!
//! * `config`: [`Config`], [`Limits`] and the command line, [`Args`].
//! * `request`: parsing `GET /v1/rendezvous/{id}?role=host|guest`.
//! * `limits`: per-address rates and the connection cap, checked before
//!   the upgrade.
//! * `server`: [`run`], the accept loop, TLS, HTTP, the upgrade, shutdown.
//! * `session`: one connection's life: claim, pair, forward, close.
//! * `registry`: the connections on this node and the events between them.
//! * `inbox`: the small queue each connection receives its events in.
//! * `redis_bus`: many nodes as one relay, through Redis claims and pub/sub.
//! * `wire`: the bytes nodes send each other through Redis.
//! * `close`: the close codes, [`CloseReason`].
//! * `metrics`: the Prometheus `/metrics` text.
//! * `tls`: loading the certificate and key.
//!
//! Operating the relay (flags, close codes, metrics, deployment) is
//! described in `docs/RELAY.md`.

#![forbid(unsafe_code)]

mod close;
mod config;
mod error;
mod inbox;
mod limits;
mod metrics;
mod redis_bus;
mod registry;
mod request;
mod server;
mod session;
mod shared;
mod tls;
mod wire;

// The public interface.
pub use close::CloseReason;
pub use config::{Args, Config, Limits, TlsFiles, parse_bytes, parse_duration};
pub use error::RelayError;
pub use request::{
    MAX_ID_LEN, MIN_ID_LEN, RENDEZVOUS_PREFIX, Rendezvous, RendezvousId, RequestError, Role, parse_rendezvous,
};
pub use server::run;
