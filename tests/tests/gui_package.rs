//! The Linux package as a user gets it: `cargo deb` packs the program
//! built for the tests, `dpkg -i` installs it, the files a desktop needs
//! are where launchers look (the `.desktop` entry, the icon, the font's
//! licence), and the installed `/usr/bin/certbridge gui` opens its window
//! under Xvfb with Korean text. The package is removed again at the end.
//!
//! Needs root, dpkg, cargo-deb and Xvfb (scripts/setup-test-tools.sh);
//! skips without them outside CI, and when a `certbridge` package this
//! test did not install is present (it is not replaced).

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

#[path = "gui_window/display.rs"]
mod display;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use certbridge_e2e::{in_ci, which, workspace_root};

const PACKAGE: &str = "certbridge";

fn skip(why: &str) {
    assert!(!in_ci(), "{why} (needed in CI: scripts/setup-test-tools.sh)");
    eprintln!("skipping: {why}");
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn installed() -> bool {
    Command::new("dpkg-query").args(["-W", "-f=${Status}", PACKAGE]).output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

/// `dpkg ARGS`, retried while another dpkg or apt holds the lock.
fn dpkg(args: &[&str]) -> std::process::Output {
    for _ in 0..60 {
        let out = Command::new("dpkg").args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        if out.status.success() || !err.contains("lock") {
            return out;
        }
        std::thread::sleep(Duration::from_secs(5));
    }
    panic!("dpkg stayed locked");
}

/// Removes the package when the test ends, passed or not.
struct Removal;

impl Drop for Removal {
    fn drop(&mut self) {
        let _ = dpkg(&["-r", PACKAGE]);
    }
}

/// The target folder and profile folder the tests were built in.
fn built_dirs() -> (PathBuf, String) {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let profile = profile_dir.file_name().unwrap().to_string_lossy().into_owned();
    (profile_dir.parent().unwrap().to_path_buf(), profile)
}

#[test]
fn the_deb_installs_and_its_window_starts() {
    if which("dpkg").is_none() || !is_root() {
        return skip("dpkg -i needs dpkg and root");
    }
    if !Command::new("cargo").args(["deb", "--version"]).output().is_ok_and(|o| o.status.success()) {
        return skip("cargo-deb is not installed");
    }
    if installed() {
        return skip("a certbridge package is already installed; not replacing it");
    }
    // The program the other tests run, built already by the test build.
    let program = certbridge_e2e::certbridge();
    let (target, profile) = built_dirs();
    let cargo_profile = if profile == "debug" { "dev" } else { profile.as_str() };
    let out = tempfile::tempdir().unwrap();
    let made = Command::new("cargo")
        .args(["deb", "-p", "certbridge-desktop", "--no-build", "--fast", "--strip", "--profile", cargo_profile, "-o"])
        .arg(out.path())
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(workspace_root())
        .output()
        .unwrap();
    assert!(made.status.success(), "cargo deb failed: {}", String::from_utf8_lossy(&made.stderr));
    let deb = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|e| e == "deb")).unwrap();
    eprintln!("{}: {} bytes (from {})", deb.display(), std::fs::metadata(&deb).unwrap().len(), program.display());

    let _removal = Removal;
    let result = dpkg(&["-i", deb.to_str().unwrap()]);
    assert!(result.status.success(), "dpkg -i failed: {}", String::from_utf8_lossy(&result.stderr));
    let listed = String::from_utf8_lossy(&dpkg(&["-L", PACKAGE]).stdout).into_owned();
    for file in [
        "/usr/bin/certbridge",
        "/usr/share/applications/certbridge.desktop",
        "/usr/share/icons/hicolor/256x256/apps/certbridge.png",
        "/usr/share/icons/hicolor/scalable/apps/certbridge.svg",
        "/usr/share/doc/certbridge/OFL-CertBridgeHangul.txt",
        "/usr/share/doc/certbridge/copyright",
    ] {
        assert!(listed.lines().any(|l| l == file), "{file} is not in the package: {listed}");
        assert!(Path::new(file).exists(), "{file} was not installed");
    }
    if which("desktop-file-validate").is_some() {
        let valid = Command::new("desktop-file-validate").arg("/usr/share/applications/certbridge.desktop").output().unwrap();
        assert!(valid.status.success(), "{}", String::from_utf8_lossy(&valid.stdout));
    }
    // What the launcher runs: the desktop entry's Exec line.
    let entry = std::fs::read_to_string("/usr/share/applications/certbridge.desktop").unwrap();
    assert!(entry.lines().any(|l| l == "Exec=certbridge gui"), "{entry}");

    let Some(screen) = display::Xvfb::start() else {
        return skip("Xvfb and ImageMagick's import are not installed");
    };
    let home = tempfile::tempdir().unwrap();
    let shot = screen.run_window(Path::new("/usr/bin/certbridge"), &["gui"], home.path(), "installed-window");
    display::assert_live_window(&shot);
    display::assert_korean_words(&shot, &["인증서", "휴대폰"]);
}
