//! `certbridge-relay`: runs one relay node until SIGTERM or Ctrl-C, then
//! drains. Every flag is also an environment variable; see `--help` and
//! `docs/RELAY.md`. `--health-check` instead asks a running node for
//! `/readyz` (the container image's health check).

#![forbid(unsafe_code)]

use std::io::{IsTerminal, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use certbridge_relay::{Args, Listeners, bind, run};
use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let args = Args::parse();
    if args.health_check {
        return health_check(args.listen);
    }
    init_logging(&args);
    let config = match args.to_config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("certbridge-relay: {e}");
            return ExitCode::from(2);
        }
    };
    // Every session is a socket: take all the descriptors the system allows.
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => tracing::debug!(limit = n, "file descriptor limit"),
        Err(e) => tracing::warn!(error = %e, "cannot raise the file descriptor limit"),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("certbridge-relay: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let listeners = match listeners(&args) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("certbridge-relay: {e}");
                return ExitCode::FAILURE;
            }
        };
        match run(listeners, config, shutdown_signal()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("certbridge-relay: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

/// Logs to standard error, with colours only on a terminal. Only the
/// relay's own `tracing` events are shown: the `log` records of its
/// libraries (tungstenite's trace lines name frame contents) are not
/// bridged in, so no level shows payload bytes.
fn init_logging(args: &Args) {
    let filter = EnvFilter::try_new(&args.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(filter);
    let installed = if args.log_json {
        tracing::subscriber::set_global_default(builder.json().finish())
    } else {
        tracing::subscriber::set_global_default(builder.finish())
    };
    if installed.is_err() {
        eprintln!("certbridge-relay: logging was already set up");
    }
}

fn listeners(args: &Args) -> Result<Listeners, certbridge_relay::RelayError> {
    let relay = bind(args.listen, args.listen_backlog)?;
    let metrics = args.metrics_listen.map(|a| bind(a, 128)).transpose()?;
    Ok(Listeners { relay, metrics })
}

/// `GET /readyz` on the node at `listen` (a wildcard address means this
/// machine): exit 0 on 200, 1 otherwise.
fn health_check(listen: SocketAddr) -> ExitCode {
    let ip = match listen.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let addr = SocketAddr::new(ip, listen.port());
    let ask = || -> std::io::Result<String> {
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
        s.set_read_timeout(Some(Duration::from_secs(2)))?;
        s.write_all(b"GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
        let mut reply = String::new();
        s.read_to_string(&mut reply)?;
        Ok(reply)
    };
    match ask() {
        Ok(reply) if reply.starts_with("HTTP/1.1 200") => ExitCode::SUCCESS,
        Ok(reply) => {
            eprintln!("not ready: {}", reply.lines().next().unwrap_or(""));
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("cannot reach the relay at {addr}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "cannot watch SIGTERM; only Ctrl-C stops the relay");
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
    tracing::info!("shutdown requested");
}
