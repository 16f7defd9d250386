//! The desktop window (`certbridge gui`, or `certbridge` started from a
//! launcher): the same sessions as the command line ([`crate::transfer`]
//! shows them on a terminal, this module in a window), the same message
//! catalog, and the same certificate helpers ([`crate::certs`],
//! [`crate::pfx`]).
//!
//! # Layout
//!
//! * `app`: the window's state, the navigation and closing mid-transfer.
//! * `session`: one transfer at a time: a core session, its events turned
//!   into what the window shows.
//! * `screens`: one module per screen (내 인증서, 휴대폰으로 보내기,
//!   휴대폰에서 가져오기, PC끼리, 설정, 정보) and the transfer view they share.
//! * `settings`: what the user chose (language, relay, install folder,
//!   waiting times), kept in a small JSON file.
//! * `fonts`: a system Korean font, or the bundled fallback.
//! * `a11y`: focus rings, labelled fields, the high-contrast style.
//! * `qr`: the QR code as a large, crisp, resizable image.
//! * `words`: catalog messages that name command-line flags, put in the
//!   window's terms.

mod a11y;
mod app;
mod fonts;
mod qr;
mod screens;
mod session;
mod settings;
mod words;

use eframe::egui;

#[cfg(test)]
mod tests;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use certbridge_i18n::{Lang, Msg};

pub(crate) use app::{App, Setup};

/// `certbridge gui`.
#[derive(Debug, Default, clap::Args)]
pub(crate) struct GuiArgs {
    /// The settings file [default: certbridge/window.json in the OS's
    /// configuration folder].
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
}

/// True when `certbridge` was started without arguments by a launcher: a
/// display to open a window on and no terminal to print help to.
pub(crate) fn opens_without_arguments(args: &[String]) -> bool {
    let no_terminal = !std::io::stdin().is_terminal() && !std::io::stdout().is_terminal() && !std::io::stderr().is_terminal();
    // macOS may add a process serial number when Finder starts an app.
    let launched = args.len() <= 1 || (cfg!(target_os = "macos") && args.len() == 2 && args[1].starts_with("-psn_"));
    launched && no_terminal && display_available()
}

/// Whether a window can be opened: always on Windows and macOS; on other
/// Unix systems when an X11 or Wayland display is named.
fn display_available() -> bool {
    if cfg!(any(windows, target_os = "macos")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()))
}

/// Opens the window and runs it until it is closed. `lang` is the language
/// asked for on the command line or in `CERTBRIDGE_LANG`, which wins over
/// the one chosen in the window's settings.
pub(crate) fn run(args: GuiArgs, lang: Option<String>) -> ExitCode {
    let settings_file = args.config.or_else(settings::default_file);
    let settings = settings::Settings::load(settings_file.as_deref());
    let lang = match (lang.as_deref(), settings.lang()) {
        (Some(chosen), _) => Lang::detect(Some(chosen)),
        (None, Some(saved)) => saved,
        (None, None) => Lang::detect(None),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::debug!("{e}");
            eprintln!("{}", Msg::new("err-internal").render(lang));
            return ExitCode::FAILURE;
        }
    };
    let setup = Setup::system(runtime.handle().clone(), settings_file);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(Msg::new("gui-title").render(lang))
            .with_app_id("certbridge")
            .with_inner_size([1000.0, 720.0])
            .with_min_inner_size([560.0, 480.0])
            .with_icon(app::icon()),
        ..Default::default()
    };
    let title = Msg::new("gui-title").render(lang);
    let result = eframe::run_native(
        &title,
        options,
        Box::new(move |cc| {
            let font = fonts::install(&cc.egui_ctx, true);
            a11y::apply_style(&cc.egui_ctx);
            Ok(Box::new(App::new(setup, settings, lang, font)))
        }),
    );
    // Sessions still running were told to stop by the window.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::debug!("the window could not be opened: {e}");
            eprintln!("{}", Msg::new("gui-err-no-window").render(lang));
            ExitCode::FAILURE
        }
    }
}

/// eframe drives the same [`App::ui`] the tests drive through kittest.
impl eframe::App for App {
    fn update(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.ui(ctx);
    }
}
