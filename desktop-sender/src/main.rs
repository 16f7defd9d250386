//! `certbridge`: the desktop program. Shows the code and sends or receives
//! certificates, or plays the phone's part (`scan`) on a second computer.
//!
//! Exit status: 0 success, 1 failure, 2 usage error (and 3 for a wrong
//! password in `check-password`).

mod atomic;
mod certs;
mod cli;
mod lines;
mod output;
mod pfx;
mod qr_image;
mod transfer;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use output::Output;

/// A failure to report: a stable kind for scripts and a message for people.
#[derive(Debug)]
pub(crate) struct Failure {
    kind: String,
    message: String,
    exit: u8,
}

impl Failure {
    pub(crate) fn new(kind: &str, message: impl Into<String>) -> Self {
        Self {
            kind: kind.to_owned(),
            message: message.into(),
            exit: 1,
        }
    }

    pub(crate) fn with_exit(mut self, exit: u8) -> Self {
        self.exit = exit;
        self
    }

    /// A wrong password: exit 3 ([`certs::EXIT_WRONG_PASSWORD`]), so that
    /// scripts can ask again.
    pub(crate) fn wrong_password(message: impl Into<String>) -> Self {
        Self::new("wrong_password", message).with_exit(certs::EXIT_WRONG_PASSWORD)
    }

    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self {
            kind: "usage".to_owned(),
            message: message.into(),
            exit: 2,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let json = match &cli.command {
        Command::Send(a) => a.host.json,
        Command::Receive(a) => a.host.json,
        Command::Scan(a) => a.json,
        Command::Inspect(a) => a.json,
        Command::List(a) => a.json,
        Command::CheckPassword(_)
        | Command::Passwd(_)
        | Command::ExportPfx(_)
        | Command::ImportPfx(_) => false,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            Output::new(json).error("internal", format!("could not start: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Send(args) => transfer::send(args).await,
            Command::Receive(args) => transfer::receive(args).await,
            Command::Scan(args) => transfer::scan(args).await,
            Command::Inspect(args) => certs::inspect(args),
            Command::List(args) => certs::list(args),
            Command::CheckPassword(args) => certs::check_password(args),
            Command::Passwd(args) => certs::passwd(args),
            Command::ExportPfx(args) => pfx::export(args),
            Command::ImportPfx(args) => pfx::import(args),
        }
    });
    // Standard input may still be read by a thread; don't wait for it.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            Output::new(json).error(&failure.kind, &failure.message);
            ExitCode::from(failure.exit)
        }
    }
}

/// Diagnostics go to stderr, off unless `CERTBRIDGE_LOG` asks for them
/// (e.g. `CERTBRIDGE_LOG=debug`). Nothing secret is ever logged.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CERTBRIDGE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
