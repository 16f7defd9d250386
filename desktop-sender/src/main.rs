//! `certbridge`: the desktop program. Shows the code and sends or receives
//! certificates, or plays the phone's part (`scan`) on a second computer.
//! It speaks Korean or English (`--lang`, `CERTBRIDGE_LANG`, the system's
//! language); every sentence comes from the message catalog.
//!
//! Exit status: 0 success, 1 failure, 2 usage error (and 3 for a wrong
//! password).

mod atomic;
mod certs;
mod choose;
mod cli;
mod failure;
#[cfg(feature = "gui")]
mod gui;
mod lines;
mod output;
mod pfx;
mod qr_image;
mod transfer;

use std::process::ExitCode;

use certbridge_i18n::{Lang, Msg};
use serde_json::json;

use cli::Command;
pub(crate) use failure::Failure;
use output::Output;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let lang = Lang::detect(cli::lang_in(&args).as_deref());
    init_logging();
    // Started from a launcher (no arguments, no terminal, a display): the window.
    #[cfg(feature = "gui")]
    if gui::opens_without_arguments(&args) {
        return gui::run(gui::GuiArgs::default(), None);
    }
    let cli = match cli::parse(args, lang) {
        Ok(cli) => cli,
        Err(e) => return clap_failure(e, lang),
    };
    // The window runs on the main thread, outside the command line's runtime.
    #[cfg(feature = "gui")]
    if let Command::Gui(args) = cli.command {
        return gui::run(args, cli.lang);
    }
    let lang = Lang::detect(cli.lang.as_deref());
    let json = match &cli.command {
        Command::Send(a) => a.host.json,
        Command::Receive(a) => a.host.json,
        Command::Scan(a) => a.json,
        Command::Inspect(a) => a.json,
        Command::List(a) => a.json,
        Command::CheckPassword(_) | Command::Passwd(_) | Command::ExportPfx(_) | Command::ImportPfx(_) => false,
        #[cfg(feature = "gui")]
        Command::Gui(_) => false,
    };
    let out = Output::new(json, lang);
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            let failure = Failure::new("internal", Msg::new("err-internal")).because(e);
            out.error(&failure.kind, &failure.msg);
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Send(args) => transfer::send(args, out).await,
            Command::Receive(args) => transfer::receive(args, out).await,
            Command::Scan(args) => transfer::scan(args, out).await,
            Command::Inspect(args) => certs::inspect(args, out),
            Command::List(args) => certs::list(args, out),
            Command::CheckPassword(args) => certs::check_password(args, out),
            Command::Passwd(args) => certs::passwd(args, out),
            Command::ExportPfx(args) => pfx::export(args, out),
            Command::ImportPfx(args) => pfx::import(args, out),
            #[cfg(feature = "gui")]
            Command::Gui(_) => Ok(()),
        }
    });
    // Standard input may still be read by a thread; don't wait for it.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if out.is_json() {
                let mut event = json!({"event": "error", "kind": failure.kind, "message": out.text(&failure.msg)});
                if let (Some(extra), Some(map)) = (failure.extra, event.as_object_mut()) {
                    if let Some(fields) = extra.as_object() {
                        map.extend(fields.clone());
                    }
                }
                out.event(event);
            } else {
                out.error(&failure.kind, &failure.msg);
            }
            ExitCode::from(failure.exit)
        }
    }
}

/// `--help` and `--version` print and succeed; anything else clap refuses
/// is introduced in the user's language, then shown as clap says it.
fn clap_failure(e: clap::Error, lang: Lang) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand) {
        let _ = e.print();
        return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand { ExitCode::from(2) } else { ExitCode::SUCCESS };
    }
    eprintln!("{}", Msg::new("err-usage").arg("what", Msg::new("err-usage-clap")).render(lang));
    let _ = e.print();
    ExitCode::from(2)
}

/// Diagnostics go to stderr, off unless `CERTBRIDGE_LOG` asks for them
/// (e.g. `CERTBRIDGE_LOG=debug`). Nothing secret is ever logged.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CERTBRIDGE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()) && std::env::var_os("NO_COLOR").is_none())
        .with_writer(std::io::stderr)
        .try_init();
}
