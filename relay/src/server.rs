//! The HTTP side: the accept loop, TLS, hyper with a header-read timeout
//! (the slowloris guard), routing (`/v1/rendezvous/{id}`, `/healthz`,
//! `/metrics`), admission limits, the WebSocket upgrade (RFC 6455 §4.2)
//! and graceful shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role as WsRole;
use tracing::{debug, info, warn};

use crate::config::{Config, check_node_id};
use crate::error::RelayError;
use crate::metrics::{Metrics, Refusal};
use crate::redis_bus::Bus;
use crate::registry::{Event, Registry};
use crate::request::{RENDEZVOUS_PREFIX, Role, parse_rendezvous};
use crate::session;
use crate::shared::Shared;
use crate::tls;

/// Extra time after the drain deadline for sessions to send their 1001.
const FORCE_GRACE: Duration = Duration::from_secs(5);

type Body = Full<Bytes>;

/// Runs a relay node on `listener` until `shutdown` completes, then drains:
/// new connections stop, waiting sessions close with 1001, paired sessions
/// get [`Limits::drain_deadline`](crate::Limits::drain_deadline) to finish
/// before they too are closed with 1001.
///
/// Fails only at startup: unreadable TLS files, a bad node id, or Redis
/// unreachable when `redis_url` is set.
pub async fn run(listener: TcpListener, config: Config, shutdown: impl Future<Output = ()>) -> Result<(), RelayError> {
    check_node_id(&config.node_id)?;
    let tls = config.tls.as_ref().map(tls::acceptor).transpose()?;
    let node: Arc<str> = Arc::from(config.node_id.as_str());
    let metrics = Arc::new(Metrics::new(config.redis_url.is_some()));
    let registry = Arc::new(Registry::default());
    let bus = match &config.redis_url {
        Some(url) => Some(
            Bus::start(url, Arc::clone(&node), config.limits.claim_ttl, Arc::clone(&registry), Arc::clone(&metrics))
                .await?,
        ),
        None => None,
    };
    let shared = Arc::new(Shared::new(
        config.limits,
        Arc::clone(&node),
        config.trust_forwarded_for,
        metrics,
        registry,
        bus.clone(),
    ));
    info!(
        addr = ?listener.local_addr().ok(),
        node = %node,
        redis = bus.is_some(),
        tls = tls.is_some(),
        "relay listening"
    );

    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, remote)) => {
                    shared.metrics.accepted();
                    shared.tracker.spawn(serve_tcp(stream, remote, Arc::clone(&shared), tls.clone()));
                }
                Err(e) => {
                    // Out of file descriptors or a connection reset before
                    // accept: pause a moment rather than spin.
                    warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    drop(listener);

    info!(deadline = ?shared.limits.drain_deadline, "shutting down: draining sessions");
    // Cancel first, then tell the registered sessions: a session that
    // registers after the broadcast sees the cancelled token instead.
    shared.drain.cancel();
    shared.registry.broadcast(|| Event::Drain);
    shared.tracker.close();
    if tokio::time::timeout(shared.limits.drain_deadline, shared.tracker.wait()).await.is_err() {
        info!("drain deadline passed: closing the remaining sessions");
        shared.force.cancel();
        shared.registry.broadcast(|| Event::Force);
        let _ = tokio::time::timeout(FORCE_GRACE, shared.tracker.wait()).await;
    }
    if let Some(bus) = bus {
        bus.shutdown().await;
    }
    info!("relay stopped");
    Ok(())
}

/// One TCP connection: TLS if configured, then HTTP/1.1.
async fn serve_tcp(stream: TcpStream, remote: SocketAddr, shared: Arc<Shared>, tls: Option<TlsAcceptor>) {
    let _ = stream.set_nodelay(true);
    match tls {
        None => serve_http(stream, remote, shared).await,
        Some(acceptor) => match tokio::time::timeout(shared.limits.header_timeout, acceptor.accept(stream)).await {
            Ok(Ok(stream)) => serve_http(stream, remote, shared).await,
            Ok(Err(e)) => debug!(%remote, error = %e, "TLS handshake failed"),
            Err(_) => {
                shared.metrics.header_timeout();
                debug!(%remote, "TLS handshake timed out");
            }
        },
    }
}

/// HTTP/1.1 on a connection, with upgrades; stops gracefully on drain.
async fn serve_http<I>(io: I, remote: SocketAddr, shared: Arc<Shared>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let svc_shared = Arc::clone(&shared);
    let svc = service_fn(move |req| {
        let shared = Arc::clone(&svc_shared);
        async move { Ok::<_, Infallible>(route(req, remote, &shared)) }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(shared.limits.header_timeout)
        .serve_connection(TokioIo::new(io), svc)
        .with_upgrades();
    tokio::pin!(conn);
    let result = tokio::select! {
        r = conn.as_mut() => r,
        _ = shared.drain.cancelled() => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = result {
        if e.is_timeout() {
            shared.metrics.header_timeout();
            debug!(%remote, "dropped a connection that did not send its request in time");
        } else {
            debug!(%remote, error = %e, "HTTP connection ended with an error");
        }
    }
}

fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    let mut resp = Response::new(Full::new(body.into()));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    resp
}

fn route(req: Request<Incoming>, remote: SocketAddr, shared: &Arc<Shared>) -> Response<Body> {
    let path = req.uri().path();
    if path.starts_with(RENDEZVOUS_PREFIX) {
        return rendezvous(req, remote, shared);
    }
    match (req.method(), path) {
        (&Method::GET, "/healthz") => text(StatusCode::OK, "ok"),
        (&Method::GET, "/metrics") => {
            let mut resp = text(StatusCode::OK, shared.metrics.render(shared.cap.held()));
            resp.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
            resp
        }
        _ => text(StatusCode::NOT_FOUND, "not found; the relay serves /v1/rendezvous/{id}, /healthz and /metrics\n"),
    }
}

/// The client's address: the socket's, or with `trust_forwarded_for` the
/// last `X-Forwarded-For` entry (the one the trusted proxy added).
fn client_ip(req: &Request<Incoming>, remote: SocketAddr, trust_forwarded_for: bool) -> IpAddr {
    if trust_forwarded_for {
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .next_back();
        if let Some(ip) = forwarded {
            return ip;
        }
    }
    remote.ip()
}

/// The `Sec-WebSocket-Key` of a valid upgrade request, if it is one.
fn websocket_key(req: &Request<Incoming>) -> Option<HeaderValue> {
    let h = req.headers();
    let has_token = |name: header::HeaderName, token: &str| {
        h.get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    };
    let ok = req.method() == Method::GET
        && has_token(header::CONNECTION, "upgrade")
        && has_token(header::UPGRADE, "websocket")
        && h.get(header::SEC_WEBSOCKET_VERSION).is_some_and(|v| v == "13");
    ok.then(|| h.get(header::SEC_WEBSOCKET_KEY).cloned()).flatten()
}

fn rendezvous(mut req: Request<Incoming>, remote: SocketAddr, shared: &Arc<Shared>) -> Response<Body> {
    let rv = match parse_rendezvous(req.uri().path(), req.uri().query()) {
        Ok(rv) => rv,
        Err(e) => {
            shared.metrics.refused(Refusal::BadRequest);
            return text(StatusCode::BAD_REQUEST, format!("{e}\n"));
        }
    };
    let Some(key) = websocket_key(&req) else {
        shared.metrics.refused(Refusal::BadRequest);
        return text(
            StatusCode::BAD_REQUEST,
            "expected a WebSocket upgrade: GET with Connection: Upgrade, Upgrade: websocket, Sec-WebSocket-Version: 13 and a Sec-WebSocket-Key\n",
        );
    };
    if shared.drain.is_cancelled() {
        shared.metrics.refused(Refusal::Draining);
        return text(StatusCode::SERVICE_UNAVAILABLE, "the relay is shutting down; try again\n");
    }
    let ip = client_ip(&req, remote, shared.trust_forwarded_for);
    let now = std::time::Instant::now();
    if !shared.connection_rate.allow(ip, now) {
        shared.metrics.refused(Refusal::ConnectionRate);
        return too_many("too many connections from your address; wait a minute\n");
    }
    if rv.role == Role::Host && !shared.session_rate.allow(ip, now) {
        shared.metrics.refused(Refusal::SessionRate);
        return too_many("too many new sessions from your address; wait a minute\n");
    }
    let Some(permit) = shared.cap.try_acquire() else {
        shared.metrics.refused(Refusal::Full);
        return text(StatusCode::SERVICE_UNAVAILABLE, "relay full; try again later\n");
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
    let mut resp = text(StatusCode::TOO_MANY_REQUESTS, msg);
    resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    resp
}
