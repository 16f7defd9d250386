//! Each main screen as pixels, in Korean and English, compared with the
//! images kept in `desktop-sender/tests/snapshots/` (kittest renders them
//! with wgpu, no GPU needed). The screens are made deterministic: the
//! bundled font only, a fixed "now" and time zone, fixed folders.

use std::path::PathBuf;

use certbridge_i18n::Lang;

use super::*;
use crate::gui::screens::Screen;

/// The same folders on every run, so that paths on screen do not change.
fn fixed_root() -> PathBuf {
    std::env::temp_dir().join("certbridge-gui-snapshots").join("NPKI")
}

fn snapshot(screen: Screen, name: &str) {
    let Some(vector) = certbridge_e2e::test_vector(VECTOR) else { return };
    let root = fixed_root();
    // Several tests may install at once: each install is atomic, and the
    // same certificate again is a duplicate.
    install(&root, &vector);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // Both languages' results, reported (and accepted) together.
    let mut results = egui_kittest::SnapshotResults::new();
    for lang in Lang::ALL {
        let mut setup = Setup::system(runtime.handle().clone(), None);
        setup.roots = vec![root.clone()];
        setup.default_install_roots = Some(npki::InstallRoots::beside(root.clone()));
        setup.clock = Some(fixed_now());
        setup.tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(9));
        let mut app = App::new(setup, Settings::default(), lang, FontSource::Bundled);
        app.screen = screen;
        if screen == Screen::Certs {
            // With the certificate's details open.
            let folder = app.shared.listing.certificates[0].folder.clone().unwrap();
            app.shared.goto = Some(crate::gui::app::Goto::Details(folder));
        }
        let mut h = harness(app, [1000.0, 760.0]);
        h.run_ok();
        h.snapshot(format!("{name}_{}", lang.tag()));
        results.extend_harness(&mut h);
    }
    results.unwrap();
}

#[test]
fn my_certificates() {
    snapshot(Screen::Certs, "certs");
}

#[test]
fn send_to_phone() {
    snapshot(Screen::Export, "export");
}

#[test]
fn get_from_phone() {
    snapshot(Screen::Import, "import");
}

#[test]
fn pc_to_pc() {
    snapshot(Screen::Pc, "pc");
}

#[test]
fn settings() {
    snapshot(Screen::Settings, "settings");
}

#[test]
fn about() {
    snapshot(Screen::About, "about");
}
