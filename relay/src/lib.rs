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
//! * `channel`: channel numbers for typed codes, `GET /v1/channel?role=host`
//!   and `GET /v1/channel/{digits}?role=guest`, and how long a new one is;
//!   `channel_store` where they are kept (memory, or Redis).
//! * `handshake`: checking the WebSocket upgrade headers.
//! * `client_addr`: who a client is behind trusted proxies, and the bucket
//!   (IPv4 address, IPv6 /64) it is counted in.
//! * `limits`: per-client rates (shared through Redis), the cap on
//!   connections before their upgrade, the connection cap.
//! * `server`: [`run`], [`bind`], the accept loop, TLS, header deadline,
//!   shutdown.
//! * `http`: routing, `/healthz`, `/readyz`, admission, the upgrade.
//! * `session`: one connection's life: claim, forward, close.
//! * `pairing`: a host and a guest finding each other, without polling.
//! * `liveness`: pinging waiting and paired clients.
//! * `registry`: the connections on this node and the events between them.
//! * `inbox`: the small queue each connection receives its events in.
//! * `redis_bus`: many nodes as one relay, through Redis claims and pub/sub;
//!   `redis_tasks` its background work; `redis_backend` where the master
//!   is (a URL, or Sentinel) and TLS to it.
//! * `wire`: the bytes nodes send each other through Redis.
//! * `close`: the close codes, [`CloseReason`].
//! * `metrics`: the Prometheus `/metrics` text.
//! * `tls`: loading the certificate and key.
//!
//! Operating the relay (flags, close codes, metrics, deployment) is
//! described in `docs/RELAY.md`.

#![forbid(unsafe_code)]

mod channel;
mod channel_store;
mod client_addr;
mod close;
mod config;
mod error;
mod handshake;
mod http;
mod inbox;
mod limits;
mod liveness;
mod metrics;
mod pairing;
mod redis_backend;
mod redis_bus;
mod redis_tasks;
mod registry;
mod request;
mod server;
mod session;
mod shared;
mod tls;
mod wire;

// The public interface.
pub use channel::{CHANNEL_PATH, Channel, ChannelRequest, MAX_CHANNEL_DIGITS, MIN_CHANNEL_DIGITS, parse_channel};
pub use close::CloseReason;
pub use config::{
    Args, Config, Limits, RedisTlsFiles, SentinelConfig, TlsFiles, parse_bytes, parse_duration, parse_net,
};
pub use error::RelayError;
pub use request::{
    MAX_ID_LEN, MIN_ID_LEN, RENDEZVOUS_PREFIX, Rendezvous, RendezvousId, RequestError, Role, parse_rendezvous,
};
pub use server::{Listeners, bind, run};
