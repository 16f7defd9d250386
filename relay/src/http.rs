//! The HTTP side of a node: routing (`/v1/rendezvous/{id}`, `/healthz`,
//! `/readyz`, `/metrics`), the admission checks of a rendezvous request
//! (shape, upgrade headers, drain, per-client rates, the connection cap)
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

use crate::client_addr::ClientKey;
use crate::handshake::{UpgradeError, check_upgrade};
use crate::limits::RateKind;
use crate::metrics::Refusal;
use crate::request::{RENDEZVOUS_PREFIX, parse_rendezvous};
use crate::session;
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
        _ => text(StatusCode::NOT_FOUND, "not found; the relay serves /v1/rendezvous/{id}, /healthz, /readyz and /metrics\n"),
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

async fn rendezvous(mut req: Request<Incoming>, remote: SocketAddr, shared: &Arc<Shared>) -> Response<Body> {
    let rv = match parse_rendezvous(req.uri().path(), req.uri().query()) {
        Ok(rv) => rv,
        Err(e) => {
            shared.metrics.refused(Refusal::BadRequest);
            return text(StatusCode::BAD_REQUEST, format!("{e}\n"));
        }
    };
    let key = match check_upgrade(req.method(), req.version(), req.headers()) {
        Ok(key) => key,
        Err(e) => {
            let wrong_version = e == UpgradeError::WrongVersion;
            shared.metrics.refused(if wrong_version { Refusal::WrongVersion } else { Refusal::BadRequest });
            let mut resp = text(e.status(), format!("{e}\n"));
            if wrong_version {
                resp.headers_mut().insert(header::SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
            }
            return resp;
        }
    };
    if shared.drain.is_cancelled() {
        shared.metrics.refused(Refusal::Draining);
        // Another node can take it at once.
        return with_retry_after(text(StatusCode::SERVICE_UNAVAILABLE, "the relay is shutting down; try again\n"), "1");
    }
    let forwarded = req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
    let client = ClientKey::from(shared.trusted_proxies.client_ip(remote.ip(), forwarded));
    match shared.rates.check(&[RateKind::Requests, RateKind::Sessions], client, shared.bus.as_deref()).await {
        Some(RateKind::Requests) => {
            shared.metrics.refused(Refusal::ConnectionRate);
            return too_many("too many connections from your address; wait a minute\n");
        }
        Some(RateKind::Sessions) => {
            shared.metrics.refused(Refusal::SessionRate);
            return too_many("too many new sessions from your address; wait a minute\n");
        }
        None => {}
    }
    let Some(permit) = shared.cap.try_acquire() else {
        shared.metrics.refused(Refusal::Full);
        return with_retry_after(text(StatusCode::SERVICE_UNAVAILABLE, "relay full; try again later\n"), "5");
    };

    let on_upgrade = hyper::upgrade::on(&mut req);
    let task_shared = Arc::clone(shared);
    let fut = async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                task_shared.metrics.upgraded();
                let config = task_shared.ws_config;
                let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), WsRole::Server, Some(config)).await;
                session::serve(ws, rv, task_shared, permit).await;
            }
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

fn too_many(msg: &'static str) -> Response<Body> {
    with_retry_after(text(StatusCode::TOO_MANY_REQUESTS, msg), "60")
}
