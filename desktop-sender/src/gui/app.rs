//! The window's state: what every screen shares ([`Shared`]: language,
//! settings, the certificates found, the one transfer), which screen is
//! shown, and closing the window in the middle of a transfer (asked first,
//! then the transfer is cancelled and the other device told).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use certbridge_core::npki::{self, Env, InstallRoots, Listing, NpkiStore};
use certbridge_core::{CertificateStore, GuestConfig, HostConfig, Mode};
use certbridge_i18n::{Lang, Msg, when};
use tokio::runtime::Handle;

use super::egui;
use super::fonts::FontSource;
use super::screens::{self, Screen};
use super::session::{Kind, Transfer};
use crate::transfer::Scanned;
use super::settings::Settings;
use super::{a11y, words};

/// What the window runs with besides the user's settings: the real
/// machine's, or a test's.
pub(crate) struct Setup {
    /// Where sessions run.
    pub(crate) runtime: Handle,
    /// Where the settings are kept; `None`: not kept.
    pub(crate) settings_file: Option<PathBuf>,
    /// Where to look for certificates; empty: every known place.
    pub(crate) roots: Vec<PathBuf>,
    /// Where to install when the settings name no folder (NPKI, with GPKI
    /// and EPKI beside it or in their own usual places).
    pub(crate) default_install_roots: Option<InstallRoots>,
    /// Addresses to listen on; empty: this machine's LAN addresses.
    pub(crate) listen: Vec<SocketAddr>,
    /// A fixed "now" for the certificates' days left (tests' snapshots).
    pub(crate) clock: Option<SystemTime>,
    /// The time zone dates are shown in.
    pub(crate) tz: jiff::tz::TimeZone,
    /// How long a code stays valid, instead of the settings' (tests).
    pub(crate) code_lifetime: Option<Duration>,
    /// The session's own limit on waiting for a person; the window asks
    /// the user before it (settings' wait), and can be told to wait more.
    pub(crate) idle_limit: Duration,
}

impl Setup {
    /// This machine.
    pub(crate) fn system(runtime: Handle, settings_file: Option<PathBuf>) -> Self {
        Self {
            runtime,
            settings_file,
            roots: Vec::new(),
            // The command line's places (`certbridge receive` without
            // `--install-root`).
            default_install_roots: crate::transfer::install_roots(None).ok(),
            listen: Vec::new(),
            clock: None,
            tz: when::local_zone(),
            code_lifetime: None,
            // The longest the command line allows (`--idle 3600`).
            idle_limit: Duration::from_secs(3600),
        }
    }

    /// Now, or the fixed time of a test.
    pub(crate) fn now(&self) -> SystemTime {
        self.clock.unwrap_or_else(SystemTime::now)
    }

    fn roots(&self) -> Vec<PathBuf> {
        if self.roots.is_empty() { npki::candidate_roots(&Env::current()) } else { self.roots.clone() }
    }
}

/// What every screen shares.
pub(crate) struct Shared {
    pub(crate) lang: Lang,
    pub(crate) settings: Settings,
    pub(crate) setup: Setup,
    /// The certificates found (refreshed after every change).
    pub(crate) listing: Listing,
    /// The one transfer of this window, running or just finished.
    pub(crate) transfer: Option<Transfer>,
    /// Where Korean glyphs come from (shown in 정보).
    pub(crate) font: FontSource,
    /// A screen asked to show another.
    pub(crate) goto: Option<Goto>,
}

/// A request to change screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Goto {
    /// Show this screen.
    Screen(Screen),
    /// Show this certificate's details in 내 인증서 (the snapshots).
    #[cfg(test)]
    Details(String),
    /// Show this certificate in 내 인증서 with its password check open.
    CheckPassword(String),
    /// Start 휴대폰으로 보내기 with this certificate picked.
    Export(String),
}

impl Shared {
    /// `msg` in the window's language, in the window's words.
    pub(crate) fn text(&self, msg: Msg) -> String {
        words::drawable(words::for_window(msg).render(self.lang))
    }

    /// The message `id` (without arguments).
    pub(crate) fn t(&self, id: &'static str) -> String {
        self.text(Msg::new(id))
    }

    /// Looks for certificates again.
    pub(crate) fn refresh(&mut self) {
        self.listing = npki::list(&self.setup.roots(), self.setup.now());
    }

    /// A date of a certificate summary, as people read it here.
    pub(crate) fn date(&self, rfc3339: &str) -> String {
        let msg = match when::parse_rfc3339(rfc3339) {
            Some(t) => when::date_in(t, &self.setup.tz),
            None => Msg::new("time-unknown"),
        };
        self.text(msg)
    }

    /// Where received certificates go: the settings' NPKI folder (GPKI and
    /// EPKI beside it), or the usual places.
    pub(crate) fn install_roots(&self) -> Option<InstallRoots> {
        match self.settings.install_root() {
            Some(dir) => Some(InstallRoots::beside(dir)),
            None => self.setup.default_install_roots.clone(),
        }
    }

    /// Where received NPKI certificates go.
    pub(crate) fn install_root(&self) -> Option<PathBuf> {
        self.install_roots().map(|roots| roots.npki)
    }

    /// Keeps the settings, if they are kept.
    pub(crate) fn save_settings(&self) {
        if let Some(file) = &self.setup.settings_file {
            if let Err(e) = self.settings.save(file) {
                tracing::info!(file = %file.display(), "settings not saved: {e}");
            }
        }
    }

    /// True while a transfer runs: the other transfer screens wait for it.
    pub(crate) fn busy(&self) -> bool {
        self.transfer.as_ref().is_some_and(Transfer::is_active)
    }

    fn host_config(&self, mode: Mode) -> HostConfig {
        let mut config = HostConfig::new(mode, crate::transfer::hello(None));
        config.listen = self.setup.listen.clone();
        config.invite_lifetime = self.setup.code_lifetime.unwrap_or_else(|| self.settings.code_lifetime());
        config.idle_timeout = self.setup.idle_limit.max(self.settings.wait());
        config.relay_url = self.settings.relay_url();
        // A typed code beside the QR code, as the command line offers.
        config.offer_code = true;
        config
    }

    /// Starts showing a code: sending `folders` (removing each from this PC
    /// once the other side confirms it, if `move_sent`), or receiving into
    /// the install folder (replacing a different certificate only if
    /// `replace`).
    pub(crate) fn start_host(&mut self, kind: Kind, folders: Vec<PathBuf>, replace: bool, move_sent: bool, ctx: &egui::Context) -> Result<(), Msg> {
        if self.busy() {
            return Err(Msg::new("gui-busy"));
        }
        let (mode, store): (Mode, Arc<dyn CertificateStore>) = match kind {
            Kind::Export => (Mode::DesktopSends, Arc::new(NpkiStore::sender(folders))),
            Kind::Import | Kind::Scan => {
                let roots = self.install_roots().ok_or_else(|| Msg::new("gui-err-no-install-root"))?;
                (Mode::DesktopReceives, Arc::new(NpkiStore::receiver(roots, replace)))
            }
        };
        let mut config = self.host_config(mode);
        config.move_sent = move_sent && kind == Kind::Export;
        let wait = self.settings.wait();
        self.transfer = Some(Transfer::host(kind, config, store, wait, &self.setup.runtime, ctx));
        Ok(())
    }

    /// Starts the scanning side with another PC's code (its invite or a
    /// typed code), sending `folders` if the other PC receives.
    pub(crate) fn start_guest(&mut self, scanned: Scanned, folders: Vec<PathBuf>, ctx: &egui::Context) -> Result<(), Msg> {
        if self.busy() {
            return Err(Msg::new("gui-busy"));
        }
        let roots = match scanned.may_receive() {
            true => Some(self.install_roots().ok_or_else(|| Msg::new("gui-err-no-install-root"))?),
            false => None,
        };
        let mut config = GuestConfig::new(crate::transfer::hello(None));
        config.idle_timeout = self.setup.idle_limit;
        // Where a typed code's desktop is looked up when the LAN does not
        // find it (an invite names its own relay).
        config.relay_url = self.settings.relay_url();
        self.transfer = Some(Transfer::guest(scanned, config, folders, roots, &self.setup.runtime, ctx));
        Ok(())
    }
}

/// Where closing the window stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closing {
    No,
    /// The user asked to close during a transfer: asked whether to stop it.
    Asking,
    /// The transfer was told to stop; the window closes once it has.
    Cancelling(Instant),
}

/// How long closing waits for a cancelled session to tell the other device.
const CANCEL_GRACE: Duration = Duration::from_secs(3);

/// The window.
pub(crate) struct App {
    pub(crate) shared: Shared,
    pub(crate) screen: Screen,
    screens: screens::States,
    closing: Closing,
}

impl App {
    /// A window with `settings`, speaking `lang`.
    pub(crate) fn new(setup: Setup, settings: Settings, lang: Lang, font: FontSource) -> Self {
        let mut shared = Shared { lang, settings, setup, listing: Listing::default(), transfer: None, font, goto: None };
        shared.refresh();
        Self { shared, screen: Screen::Certs, screens: screens::States::default(), closing: Closing::No }
    }

    /// One frame of the window (eframe's `update`, and the tests' frames).
    pub(crate) fn ui(&mut self, ctx: &egui::Context) {
        if let Some(transfer) = &mut self.shared.transfer {
            transfer.poll(ctx);
            if transfer.is_active() {
                // Times on screen count down.
                ctx.request_repaint_after(Duration::from_millis(500));
            }
        }
        self.handle_close(ctx);
        if let Some(goto) = self.shared.goto.take() {
            self.screen = self.screens.goto(goto, &self.shared);
        }
        egui::SidePanel::left("navigation").resizable(false).exact_width(220.0).show(ctx, |ui| {
            self.navigation(ui);
        });
        egui::CentralPanel::default().show(ctx, |ui| {
            egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
                self.screens.show(self.screen, &mut self.shared, ui);
            });
        });
        self.close_dialog(ctx);
    }

    fn navigation(&mut self, ui: &mut egui::Ui) {
        ui.add_space(8.0);
        ui.label(egui::RichText::new("CertBridge").size(22.0).strong());
        ui.add_space(12.0);
        for screen in Screen::ALL {
            let text = self.shared.t(screen.title());
            let selected = self.screen == screen;
            let button = egui::Button::new(egui::RichText::new(text).size(18.0)).selected(selected).frame(true);
            let response = ui.add_sized([200.0, 40.0], button);
            a11y::ring(ui, &response);
            if response.clicked() {
                self.screen = screen;
            }
        }
        if let Some(transfer) = &self.shared.transfer {
            if transfer.is_active() {
                ui.add_space(16.0);
                a11y::colored(ui, a11y::WARN, &self.shared.t("gui-nav-transfer-running"));
            }
        }
    }

    fn handle_close(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && self.shared.busy() && !matches!(self.closing, Closing::Cancelling(_)) {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.closing = Closing::Asking;
        }
        if let Closing::Cancelling(since) = self.closing {
            if !self.shared.busy() || since.elapsed() > CANCEL_GRACE {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            } else {
                ctx.request_repaint_after(Duration::from_millis(100));
            }
        }
    }

    fn close_dialog(&mut self, ctx: &egui::Context) {
        if self.closing != Closing::Asking {
            return;
        }
        if !self.shared.busy() {
            // The transfer ended while the question was open.
            self.closing = Closing::No;
            return;
        }
        let shared = &self.shared;
        let mut answer = None;
        egui::Modal::new(egui::Id::new("close-question")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            a11y::heading(ui, &shared.t("gui-close-title"));
            ui.label(shared.t("gui-close-question"));
            ui.horizontal(|ui| {
                let keep = a11y::primary(ui, &shared.t("gui-close-keep"));
                if keep.clicked() {
                    answer = Some(false);
                }
                if a11y::button(ui, shared.t("gui-close-confirm")).clicked() {
                    answer = Some(true);
                }
                if !ui.memory(|m| m.focused().is_some()) {
                    keep.request_focus();
                }
            });
            if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                answer = Some(false);
            }
        });
        match answer {
            Some(true) => {
                if let Some(transfer) = &self.shared.transfer {
                    transfer.cancel();
                }
                self.closing = Closing::Cancelling(Instant::now());
            }
            Some(false) => self.closing = Closing::No,
            None => {}
        }
    }
}

/// The window's icon (the launcher's icon, in the title bar and task bar).
pub(crate) fn icon() -> egui::IconData {
    let png = include_bytes!("../../assets/certbridge.png");
    match image::load_from_memory(png) {
        Ok(image) => {
            let rgba = image.to_rgba8();
            egui::IconData { width: rgba.width(), height: rgba.height(), rgba: rgba.into_raw() }
        }
        Err(_) => egui::IconData::default(),
    }
}
