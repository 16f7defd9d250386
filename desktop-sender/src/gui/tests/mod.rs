//! The window under test, headless, through its AccessKit tree: every
//! control is found by its role and label (the catalog's text), the way a
//! screen reader finds it, and transfers are real ones against
//! `certbridge scan` on 127.0.0.1 (and `certbridge-relay` on loopback).
//!
//! * `flows`: export, import with consent, three wrong numbers, an expired
//!   code replaced, the relay path, cancelling and closing mid-transfer.
//! * `typed_code`: the typed code shown, spoken, typed, renewed and burned;
//!   typed into PC끼리, and mistyped.
//! * `moving`: a move instead of a copy; GPKI and EPKI certificates listed.
//! * `keyboard`: an export with the keyboard only.
//! * `snapshots`: each main screen in Korean and English, compared with
//!   the images in `desktop-sender/tests/snapshots/`
//!   (`UPDATE_SNAPSHOTS=1` to accept new ones).

mod flows;
mod keyboard;
mod moving;
mod snapshots;
mod typed_code;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use certbridge_core::npki;
use certbridge_i18n::{Lang, Msg};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::egui;
use super::fonts::{self, FontSource};
use super::settings::Settings;
use super::{App, Setup, a11y};

/// The shared test vector's name.
pub(super) const VECTOR: &str = "npki-yessign-test";

/// How long a test waits for the window to show something.
const WAIT: Duration = Duration::from_secs(30);

/// The app with its style and fonts put in place on the first frame.
pub(super) struct Window {
    pub(super) app: App,
    styled: bool,
}

impl Window {
    fn frame(&mut self, ctx: &egui::Context) {
        if !self.styled {
            fonts::install(ctx, false);
            a11y::apply_style(ctx);
            self.styled = true;
        }
        self.app.ui(ctx);
    }
}

/// What a test's window runs on.
pub(super) struct Fixture {
    /// Sessions run here; kept alive for the harness's life.
    pub(super) runtime: tokio::runtime::Runtime,
    /// The NPKI folder the window lists (the vector installed in it).
    pub(super) root: tempfile::TempDir,
    /// The vector's folder in the shared test vectors.
    pub(super) vector: PathBuf,
}

impl Fixture {
    /// A fixture with the shared certificate installed, or `None` (said)
    /// when the test vectors are absent.
    pub(super) fn new() -> Option<Self> {
        let vector = certbridge_e2e::test_vector(VECTOR)?;
        let root = tempfile::tempdir().unwrap();
        install(root.path(), &vector);
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        Some(Self { runtime, root, vector })
    }

    /// The setup of a window listing `self.root` and installing there,
    /// listening on 127.0.0.1 only.
    pub(super) fn setup(&self) -> Setup {
        let mut setup = Setup::system(self.runtime.handle().clone(), None);
        setup.roots = vec![self.root.path().to_path_buf()];
        setup.default_install_roots = Some(npki::InstallRoots::beside(self.root.path().to_path_buf()));
        setup.listen = vec!["127.0.0.1:0".parse().unwrap()];
        setup
    }

    /// A window in `lang` with `settings`.
    pub(super) fn window(&self, lang: Lang, setup: Setup, settings: Settings) -> Harness<'static, Window> {
        harness(App::new(setup, settings, lang, FontSource::Bundled), [1000.0, 1300.0])
    }
}

/// A harness of `app` at `size`.
pub(super) fn harness(app: App, size: [f32; 2]) -> Harness<'static, Window> {
    Harness::builder().with_size(size).with_max_steps(50).build_state(|ctx, w: &mut Window| w.frame(ctx), Window { app, styled: false })
}

/// Installs the certificate folder `vector` under `root` as a received one would be.
pub(super) fn install(root: &Path, vector: &Path) -> PathBuf {
    let item = npki::read_folder(vector).unwrap();
    npki::install(root, &item, false).unwrap().folder
}

/// The catalog's text `id` in `lang` (how the tests find controls).
pub(super) fn t(lang: Lang, id: &'static str) -> String {
    super::words::drawable(super::words::for_window(Msg::new(id)).render(lang))
}

/// A prompt as the window shows it as a field's label (without its colon).
pub(super) fn prompt(lang: Lang, msg: Msg) -> String {
    msg.render(lang).trim_end_matches([':', ' ']).to_owned()
}

/// Runs frames (20 ms apart, as a real window would) until `done` holds.
#[track_caller]
pub(super) fn wait_until(h: &mut Harness<'static, Window>, what: &str, done: impl Fn(&Harness<'static, Window>) -> bool) {
    let deadline = Instant::now() + WAIT;
    loop {
        h.step();
        if done(h) {
            return;
        }
        assert!(Instant::now() < deadline, "the window never showed {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// True when a node whose label contains `text` is on screen.
pub(super) fn shows(h: &Harness<'static, Window>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// Waits until `text` is on screen.
#[track_caller]
pub(super) fn wait_for(h: &mut Harness<'static, Window>, text: &str) {
    wait_until(h, text, |h| shows(h, text));
}

/// Clicks the one control labelled exactly `label`, then runs a frame.
#[track_caller]
pub(super) fn click(h: &mut Harness<'static, Window>, label: &str) {
    h.get_by_label(label).click();
    h.step();
    h.step();
}

/// The invite text the window shows (opening its "as text" part).
pub(super) fn invite_text(h: &mut Harness<'static, Window>, lang: Lang) -> String {
    let label = t(lang, "gui-code-text-label");
    let title = t(lang, "gui-code-text-title");
    wait_for(h, &title);
    let exact = |h: &Harness<'static, Window>| h.query_all_by_label(&label).next().is_some();
    if !exact(h) {
        click(h, &title);
    }
    wait_until(h, "the code as text", exact);
    let text = h.get_by_label(&label).value().unwrap_or_default();
    assert!(text.starts_with("CERTBRIDGE:/"), "{text}");
    text
}

/// Waits for the number field, types `number` into it and presses Enter.
pub(super) fn type_number(h: &mut Harness<'static, Window>, lang: Lang, number: &str) {
    let label = prompt(lang, Msg::new("enter-number").arg("device", "computer"));
    wait_for(h, &label);
    let field = h.get_by_label(&label);
    field.focus();
    h.step();
    h.get_by_label(&label).type_text(number);
    h.step();
    h.key_press(egui::Key::Enter);
    h.step();
}

/// Every file under `dir`, relative path → bytes (for comparing folders).
pub(super) fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    certbridge_e2e::tree(dir)
}

/// A fixed "now" for the certificates' days left: 2026-12-01 00:00 UTC.
pub(super) fn fixed_now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_083_200)
}
