//! The real window: `certbridge gui` started under Xvfb (software
//! OpenGL), in Korean, then a screenshot of the screen that must show a
//! live window with text on it — not a blank, black or crashed one — and,
//! read back by an OCR engine with its Korean model, the navigation's
//! Korean words. The same check runs on the program installed from the
//! `.deb` (`gui_package.rs`).

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

#[path = "gui_window/display.rs"]
mod display;

use certbridge_e2e::{certbridge, in_ci, test_vector};

#[test]
fn the_window_opens_with_korean_text_under_xvfb() {
    let Some(screen) = display::Xvfb::start() else {
        assert!(!in_ci(), "Xvfb and ImageMagick's import are needed in CI (scripts/setup-test-tools.sh)");
        return;
    };
    let home = tempfile::tempdir().unwrap();
    if let Some(vector) = test_vector("npki-yessign-test") {
        let item = certbridge_core::npki::read_folder(&vector).unwrap();
        certbridge_core::npki::install(&home.path().join("NPKI"), &item, false).unwrap();
    }
    let shot = screen.run_window(&certbridge(), &["gui"], home.path(), "window");
    display::assert_live_window(&shot);
    display::assert_korean_words(&shot, &["인증서", "휴대폰"]);
}

/// A launcher starts `certbridge` without arguments and without a
/// terminal: that opens the window too.
#[test]
fn certbridge_alone_from_a_launcher_opens_the_window() {
    let Some(screen) = display::Xvfb::start() else {
        assert!(!in_ci(), "Xvfb and ImageMagick's import are needed in CI (scripts/setup-test-tools.sh)");
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let shot = screen.run_window(&certbridge(), &[], home.path(), "launched-window");
    display::assert_live_window(&shot);
}

/// Without a display, `certbridge` alone still prints its help.
#[test]
fn certbridge_alone_without_a_display_prints_help() {
    let out = std::process::Command::new(certbridge())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("CERTBRIDGE_LANG", "en")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{help}");
    assert!(help.contains("Usage") && help.contains("gui"), "{help}");
}
