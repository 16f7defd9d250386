//! The HTTP side of a node: routing (`/v1/rendezvous/{id}`,
//! `/v1/channel[/{digits}]`, `/healthz`, `/readyz`, `/metrics`), the
//! admission checks of an upgrade (shape, upgrade headers, drain,
//! per-client rates, the connection cap; for a channel host, its channel)
//! and the 101 answer that hands the connection to its
//! [`session`](crate::session).

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role as WsRole;
use tracing::debug;

use crate::channel::{CHANNEL_PATH, ChannelRequest, parse_channel};
use crate::channel_store::{self, AllocError};
use crate::client_addr::ClientKey;
use crate::handshake::{UpgradeError, check_upgrade};
use crate::limits::{ConnectionPermit, RateKind};
use crate::metrics::{Allocation, Lookup, Refusal};
use crate::request::{RENDEZVOUS_PREFIX, RequestError, parse_rendezvous};
use crate::session::{self, Admitted};
use crate::shared::Shared;

pub(crate) type Body = Full<Bytes>;

/// Which listener a request came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Surface {
    /// The relay's own address: rendezvous, health, and metrics unless
    /// they have their own listener.
    Relay,
    /// `--metrics-listen`: metrics and health only.
    Metrics,
}

fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    let mut resp = Response::new(Full::new(body.into()));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    resp
}

fn with_retry_after(mut resp: Response<Body>, secs: &'static str) -> Response<Body> {
    resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static(secs));
    resp
}

pub(crate) async fn route(req: Request<Incoming>, remote: SocketAddr, shared: &Arc<Shared>, on: Surface) -> Response<Body> {
    let path = req.uri().path();
    if on == Surface::Relay && path.starts_with(RENDEZVOUS_PREFIX) {
        return rendezvous(req, remote, shared).await;
    }
    let channel_path = path.strip_prefix(CHANNEL_PATH).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if on == Surface::Relay && channel_path {
        return channel(req, remote, shared).await;
    }
    let metrics_here = on == Surface::Metrics || !shared.metrics_elsewhere;
    match (req.method(), path) {
        (&Method::GET, "/healthz") => text(StatusCode::OK, "ok"),
        (&Method::GET, "/readyz") => readiness(shared),
        (&Method::GET, "/metrics") if metrics_here => {
            let mut resp = text(StatusCode::OK, shared.metrics.render(shared.cap.held(), shared.pending.total()));
            resp.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
            resp
        }
        _ => text(
            StatusCode::NOT_FOUND,
            "not found; the relay serves /v1/rendezvous/{id}, /v1/channel, /v1/channel/{digits}, /healthz, /readyz and /metrics\n",
        ),
    }
}

/// `/readyz`: 200 when the node can take sessions as one of many; 503
/// while it drains or cannot reach its Redis (a balancer then sends new
/// clients elsewhere; `/healthz` stays 200, the process is fine).
fn readiness(shared: &Shared) -> Response<Body> {
    if shared.drain.is_cancelled() {
        return text(StatusCode::SERVICE_UNAVAILABLE, "draining\n");
    }
    match &shared.bus {
        Some(bus) if !bus.is_up() => text(StatusCode::SERVICE_UNAVAILABLE, "Redis unreachable\n"),
        _ => text(StatusCode::OK, "ready\n"),
    }
}

async fn rendezvous(req: Request<Incoming>, remote: SocketAddr, shared: &Arc<Shared>) -> Response<Body> {
    let rv = match parse_rendezvous(req.uri().path(), req.uri().query()) {
        Ok(rv) => rv,
        Err(e) => return bad_request(shared, &e),
    };
    match admit(&req, remote, shared, &[RateKind::Requests, RateKind::Sessions]).await {
        Ok(admission) => upgrade(req, shared, admission, Admitted::Rendezvous(rv)),
        Err(refused) => refused.resp,
    }
}

/// `GET /v1/channel?role=host` (a channel is allocated before the 101, so
/// that a full space or a missing Redis is an HTTP 503) and
/// `GET /v1/channel/{digits}?role=guest` (looked up after the 101: an
/// unknown channel is a close 4004). Both are also counted in their own
/// per-address rate.
async fn channel(req: Request<Incoming>, remote: SocketAddr, shared: &Arc<Shared>) -> Response<Body> {
    let request = match parse_channel(req.uri().path(), req.uri().query()) {
        Ok(r) => r,
        Err(e) => return bad_request(shared, &e),
    };
    let kind = match request {
        ChannelRequest::Host => RateKind::Channels,
        ChannelRequest::Guest(_) => RateKind::ChannelLookups,
    };
    let admission = match admit(&req, remote, shared, &[RateKind::Requests, RateKind::Sessions, kind]).await {
        Ok(a) => a,
        Err(refused) => {
            if refused.rate_limited {
                match request {
                    ChannelRequest::Host => shared.metrics.allocation(Allocation::Limited),
                    ChannelRequest::Guest(_) => shared.metrics.lookup(Lookup::Limited),
                }
            }
            return refused.resp;
        }
    };
    let admitted = match request {
        ChannelRequest::Guest(channel) => Admitted::ChannelGuest(channel),
        ChannelRequest::Host => match channel_store::allocate(shared).await {
            Ok(hold) => Admitted::ChannelHost(hold),
            Err(AllocError::Full) => {
                shared.metrics.refused(Refusal::ChannelsFull);
                let msg = "every channel number is taken; try again later\n";
                return with_retry_after(text(StatusCode::SERVICE_UNAVAILABLE, msg), "5");
            }
            Err(AllocError::Unavailable) => {
                shared.metrics.refused(Refusal::BackendUnavailable);
                // Another node, with Redis, can take it at once.
                let msg = "this relay node cannot reach its shared backend; try again\n";
                return with_retry_after(text(StatusCode::SERVICE_UNAVAILABLE, msg), "1");
            }
        },
    };
    upgrade(req, shared, admission, admitted)
}

fn bad_request(shared: &Shared, e: &RequestError) -> Response<Body> {
    shared.metrics.refused(Refusal::BadRequest);
    text(StatusCode::BAD_REQUEST, format!("{e}\n"))
}

/// A request that passed the checks common to every upgrade.
struct Admission {
    /// Its `Sec-WebSocket-Key`.
    key: HeaderValue,
    /// Its place under the connection cap.
    permit: ConnectionPermit,
}

/// A request turned away before the upgrade.
struct Refused {
    resp: Response<Body>,
    /// By a per-address rate (429).
    rate_limited: bool,
}

impl From<Response<Body>> for Refused {
    fn from(resp: Response<Body>) -> Refused {
        Refused { resp, rate_limited: false }
    }
}

/// The checks of every upgrade, in order: the WebSocket handshake, the
/// drain, the per-address rates of `kinds` (all nodes together), the
/// connection cap.
async fn admit(req: &Request<Incoming>, remote: SocketAddr, shared: &Shared, kinds: &[RateKind]) -> Result<Admission, Refused> {
    let key = match check_upgrade(req.method(), req.version(), req.headers()) {
        Ok(key) => key,
        Err(e) => {
            let wrong_version = e == UpgradeError::WrongVersion;
            shared.metrics.refused(if wrong_version { Refusal::WrongVersion } else { Refusal::BadRequest });
            let mut resp = text(e.status(), format!("{e}\n"));
            if wrong_version {
                resp.headers_mut().insert(header::SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
            }
            return Err(resp.into());
        }
    };
    if shared.drain.is_cancelled() {
        shared.metrics.refused(Refusal::Draining);
        // Another node can take it at once.
        return Err(with_retry_after(text(StatusCode::SERVICE_UNAVAILABLE, "the relay is shutting down; try again\n"), "1").into());
    }
    let forwarded = req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
    let client = ClientKey::from(shared.trusted_proxies.client_ip(remote.ip(), forwarded));
    if let Some(kind) = shared.rates.check(kinds, client, shared.bus.as_deref()).await {
        let (why, msg) = match kind {
            RateKind::Requests => (Refusal::ConnectionRate, "too many connections from your address; wait a minute\n"),
            RateKind::Sessions => (Refusal::SessionRate, "too many new sessions from your address; wait a minute\n"),
            RateKind::ChannelLookups => (Refusal::ChannelLookupRate, "too many channel lookups from your address; wait a minute\n"),
            RateKind::Channels => (Refusal::ChannelRate, "too many channels asked for from your address; wait a minute\n"),
        };
        shared.metrics.refused(why);
        return Err(Refused { resp: with_retry_after(text(StatusCode::TOO_MANY_REQUESTS, msg), "60"), rate_limited: true });
    }
    let Some(permit) = shared.cap.try_acquire() else {
        shared.metrics.refused(Refusal::Full);
        return Err(with_retry_after(text(StatusCode::SERVICE_UNAVAILABLE, "relay full; try again later\n"), "5").into());
    };
    Ok(Admission { key, permit })
}

/// Answers 101 and hands the upgraded connection to its session.
fn upgrade(mut req: Request<Incoming>, shared: &Arc<Shared>, admission: Admission, admitted: Admitted) -> Response<Body> {
    let Admission { key, permit } = admission;
    let on_upgrade = hyper::upgrade::on(&mut req);
    let task_shared = Arc::clone(shared);
    let fut = async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                task_shared.metrics.upgraded();
                let config = task_shared.ws_config;
                let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), WsRole::Server, Some(config)).await;
                session::serve(ws, admitted, task_shared, permit).await;
            }
            // A channel allocated for this host is released as `admitted` drops.
            Err(e) => debug!(error = %e, "the WebSocket upgrade did not complete"),
        }
    };
    shared.tracker.spawn(fut);

    let mut resp = Response::new(Full::new(Bytes::new()));
    *resp.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = resp.headers_mut();
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(accept) = HeaderValue::from_str(&derive_accept_key(key.as_bytes())) {
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    }
    resp
}
