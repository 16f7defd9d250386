//! A node's accept loop: binding with a chosen backlog, the cap on
//! connections per client before their upgrade, TLS, hyper with one
//! deadline for the TLS handshake and the request headers together (the
//! slowloris guard), an optional separate listener for `/metrics`, and
//! graceful shutdown. Routing is in [`http`](crate::http).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;
use tracing::{debug, info, warn};

use crate::client_addr::{ClientKey, TrustedProxies};
use crate::config::{Config, check_node_id};
use crate::error::RelayError;
use crate::http::{Surface, route};
use crate::limits::PendingPermit;
use crate::metrics::{Metrics, Refusal};
use crate::redis_backend::Backend;
use crate::redis_bus::Bus;
use crate::registry::{Event, Registry};
use crate::shared::Shared;
use crate::tls;

/// Extra time after the drain deadline for sessions to send their 1001.
const FORCE_GRACE: Duration = Duration::from_secs(5);
/// Largest request head hyper buffers (its minimum): a rendezvous request
/// is a few hundred bytes, and 300 unfinished ones must not hold
/// hundreds of MiB.
const MAX_HEAD: usize = 8192;
/// Most header lines in a request.
const MAX_HEADERS: usize = 32;

/// The sockets a node serves.
#[derive(Debug)]
pub struct Listeners {
    /// Rendezvous, `/healthz`, `/readyz` (and `/metrics` without a
    /// listener of its own).
    pub relay: TcpListener,
    /// `/metrics` (and the health checks) only, e.g. on a private address.
    pub metrics: Option<TcpListener>,
}

impl From<TcpListener> for Listeners {
    fn from(relay: TcpListener) -> Listeners {
        Listeners { relay, metrics: None }
    }
}

/// Binds a listening socket with `backlog` queued connections (the kernel
/// caps it at `net.core.somaxconn`): a burst of connections waits in the
/// queue instead of being dropped.
pub fn bind(addr: SocketAddr, backlog: u32) -> Result<TcpListener, RelayError> {
    let listen = || -> std::io::Result<TcpListener> {
        let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
        socket.set_reuseaddr(true)?;
        socket.bind(addr)?;
        socket.listen(backlog)
    };
    listen().map_err(|source| RelayError::Listen { addr, source })
}

/// Runs a relay node on `listeners` until `shutdown` completes, then
/// drains: new connections stop, waiting sessions close with 1001, paired
/// sessions get [`Limits::drain_deadline`](crate::Limits::drain_deadline)
/// to finish before they too are closed with 1001.
///
/// Fails only at startup: unreadable TLS files, a bad node id or Redis
/// settings. A Redis that cannot be reached is not an error: the node
/// serves what it can and reconnects (`/readyz` says 503 meanwhile).
pub async fn run(
    listeners: impl Into<Listeners>,
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> Result<(), RelayError> {
    let listeners = listeners.into();
    check_node_id(&config.node_id)?;
    // rustls (TLS to Redis) needs one process-wide provider; the relay's
    // own TLS names ring explicitly. An error means one is installed.
    let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
    let tls = config.tls.as_ref().map(tls::acceptor).transpose()?;
    let backend = Backend::from_config(&config)?;
    let node: Arc<str> = Arc::from(config.node_id.as_str());
    let metrics = Arc::new(Metrics::new(backend.is_some()));
    let registry = Arc::new(Registry::default());
    let bus = match backend {
        Some(b) => Some(
            Bus::start(b, Arc::clone(&node), config.limits.claim_ttl, Arc::clone(&registry), Arc::clone(&metrics)).await,
        ),
        None => None,
    };
    let shared = Arc::new(Shared::new(
        config.limits,
        Arc::clone(&node),
        TrustedProxies::new(config.trusted_proxies),
        metrics,
        registry,
        bus.clone(),
        listeners.metrics.is_some(),
    ));
    info!(
        addr = ?listeners.relay.local_addr().ok(),
        metrics = ?listeners.metrics.as_ref().and_then(|l| l.local_addr().ok()),
        node = %node,
        redis = bus.is_some(),
        tls = tls.is_some(),
        "relay listening"
    );
    // Served until the node stops, drain included (`/readyz` says 503).
    let metrics_task = listeners.metrics.map(|l| tokio::spawn(serve_metrics(l, Arc::clone(&shared))));

    let listener = listeners.relay;
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, remote)) => {
                    shared.metrics.accepted();
                    // A trusted proxy carries many clients: not capped.
                    let key = (!shared.trusted_proxies.contains(remote.ip())).then(|| ClientKey::from(remote.ip()));
                    match shared.pending.try_acquire(key) {
                        Some(permit) => {
                            shared.tracker.spawn(serve_tcp(stream, remote, Arc::clone(&shared), tls.clone(), permit));
                        }
                        None => {
                            shared.metrics.refused(Refusal::Pending);
                            debug!(%remote, "too many connections from one client before their upgrade");
                        }
                    }
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
    if let Some(t) = metrics_task {
        t.abort();
    }
    info!("relay stopped");
    Ok(())
}

/// The metrics listener: plain HTTP, `/metrics` and the health checks.
async fn serve_metrics(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        if let Ok((stream, remote)) = listener.accept().await {
            let deadline = Instant::now() + shared.limits.header_timeout;
            tokio::spawn(serve_http(stream, remote, Arc::clone(&shared), deadline, Surface::Metrics));
        }
    }
}

/// One TCP connection: TLS if configured, then HTTP/1.1, all within one
/// header deadline. `_pending` counts it until it is upgraded or closed.
async fn serve_tcp(stream: TcpStream, remote: SocketAddr, shared: Arc<Shared>, tls: Option<TlsAcceptor>, _pending: PendingPermit) {
    let _ = stream.set_nodelay(true);
    let deadline = Instant::now() + shared.limits.header_timeout;
    match tls {
        None => serve_http(stream, remote, shared, deadline, Surface::Relay).await,
        Some(acceptor) => match tokio::time::timeout_at(deadline, acceptor.accept(stream)).await {
            Ok(Ok(stream)) => serve_http(stream, remote, shared, deadline, Surface::Relay).await,
            Ok(Err(e)) => debug!(%remote, error = %e, "TLS handshake failed"),
            Err(_) => {
                shared.metrics.header_timeout();
                debug!(%remote, "TLS handshake timed out");
            }
        },
    }
}

/// HTTP/1.1 on a connection, with upgrades; the first request's headers
/// must be in by `deadline`. Stops gracefully on drain.
async fn serve_http<I>(io: I, remote: SocketAddr, shared: Arc<Shared>, deadline: Instant, on: Surface)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        shared.metrics.header_timeout();
        return;
    }
    let svc_shared = Arc::clone(&shared);
    let svc = service_fn(move |req| {
        let shared = Arc::clone(&svc_shared);
        async move { Ok::<_, Infallible>(route(req, remote, &shared, on).await) }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(left)
        .max_buf_size(MAX_HEAD)
        .max_headers(MAX_HEADERS)
        .serve_connection(TokioIo::new(io), svc)
        .with_upgrades();
    tokio::pin!(conn);
    // The metrics listener keeps answering through the drain.
    let drain = async {
        match on {
            Surface::Relay => shared.drain.cancelled().await,
            Surface::Metrics => std::future::pending().await,
        }
    };
    let result = tokio::select! {
        r = conn.as_mut() => r,
        () = drain => {
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
