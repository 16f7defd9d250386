//! An Xvfb display of the test's own, the window started on it, and the
//! checks of the screenshot (shared by `gui_window.rs` and
//! `gui_package.rs`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use certbridge_e2e::{in_ci, which};

/// An Xvfb server on a free display number, stopped on drop.
pub(crate) struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    /// Starts Xvfb, or `None` (said) when it or `import` is missing.
    pub(crate) fn start() -> Option<Self> {
        if which("Xvfb").is_none() || which("import").is_none() {
            eprintln!("skipping: Xvfb or ImageMagick's import is not installed");
            return None;
        }
        // A display number of our own: free, and not another test's.
        for n in (90 + std::process::id() % 400)..1000 {
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() || Path::new(&format!("/tmp/.X{n}-lock")).exists() {
                continue;
            }
            let child = Command::new("Xvfb")
                .args([format!(":{n}").as_str(), "-screen", "0", "1280x900x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok()?;
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
            let deadline = Instant::now() + Duration::from_secs(10);
            while !socket.exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            let mut screen = Self { child, display: format!(":{n}") };
            if socket.exists() {
                return Some(screen);
            }
            let _ = screen.child.kill();
        }
        None
    }

    /// Starts `program ARGS` in Korean with `home` as its home (settings,
    /// NPKI folder), waits until a window with text is on screen (or 60 s),
    /// takes the screenshot (kept beside the test's target as `NAME.png`),
    /// checks the program is still running, and stops it.
    pub(crate) fn run_window(&self, program: &Path, args: &[&str], home: &Path, name: &str) -> image::RgbImage {
        let mut window = Command::new(program)
            .args(args)
            .env("DISPLAY", &self.display)
            .env_remove("WAYLAND_DISPLAY")
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("CERTBRIDGE_NPKI_ROOT", home.join("NPKI"))
            .env("CERTBRIDGE_LANG", "ko")
            .env("LIBGL_ALWAYS_SOFTWARE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let file = std::env::temp_dir().join(format!("certbridge-{name}-{}.png", std::process::id()));
        let deadline = Instant::now() + Duration::from_secs(60);
        let shot = loop {
            std::thread::sleep(Duration::from_millis(500));
            if let Some(status) = window.try_wait().unwrap() {
                let mut err = String::new();
                std::io::Read::read_to_string(window.stderr.as_mut().unwrap(), &mut err).unwrap();
                panic!("the window exited ({status}): {err}");
            }
            let taken = Command::new("import")
                .args(["-display", &self.display, "-window", "root", file.to_str().unwrap()])
                .status()
                .is_ok_and(|s| s.success());
            if taken {
                let shot = image::open(&file).unwrap().to_rgb8();
                // Drawn: the window's white panels cover much of the screen.
                if light(&shot) > 0.3 || Instant::now() > deadline {
                    break shot;
                }
            }
            assert!(Instant::now() < deadline, "no screenshot could be taken");
        };
        // Still alive after drawing: not a crash on the first frame.
        std::thread::sleep(Duration::from_millis(500));
        assert!(window.try_wait().unwrap().is_none(), "the window exited after drawing");
        let _ = window.kill();
        let _ = window.wait();
        let kept = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.png"));
        let _ = std::fs::copy(&file, &kept);
        eprintln!("screenshot: {}", kept.display());
        shot
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The share of pixels that are near white.
fn light(shot: &image::RgbImage) -> f64 {
    let light = shot.pixels().filter(|p| p.0.iter().all(|&c| c > 230)).count();
    light as f64 / f64::from(shot.width() * shot.height())
}

/// The share of pixels that are clearly dark (text, lines) on the screen.
fn ink(shot: &image::RgbImage) -> f64 {
    let dark = shot.pixels().filter(|p| p.0.iter().map(|&c| u32::from(c)).sum::<u32>() < 3 * 96).count();
    dark as f64 / (shot.width() * shot.height()) as f64
}

/// The part of the screen the window covers: Xvfb's root around it stays
/// black (there is no window manager to draw anything else).
fn window_of(shot: &image::RgbImage) -> image::RgbImage {
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for (x, y, p) in shot.enumerate_pixels() {
        if p.0.iter().any(|&c| c > 40) {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
    }
    assert!(x0 < x1 && y0 < y1, "the screen is black: no window was drawn");
    image::imageops::crop_imm(shot, x0, y0, x1 - x0 + 1, y1 - y0 + 1).to_image()
}

/// A window is drawn: mostly light (the white panels), some dark ink
/// (text), many shades (anti-aliased glyphs), and not one colour.
pub(crate) fn assert_live_window(shot: &image::RgbImage) {
    let window = window_of(shot);
    let light = light(&window);
    let mut shades = std::collections::BTreeSet::new();
    for p in window.pixels() {
        shades.insert(p.0);
        if shades.len() > 64 {
            break;
        }
    }
    let ink = ink(&window);
    assert!(light > 0.3, "the screen is not a drawn window: {:.0}% light pixels", light * 100.0);
    assert!(ink > 0.002 && ink < 0.5, "no text on screen: {:.2}% dark pixels", ink * 100.0);
    assert!(shades.len() > 64, "only {} colours: a blank window", shades.len());
}

/// The OCR engine (tesseract with its Korean model) reads `words` on the
/// screenshot: the Hangul was drawn as letters, not as boxes.
pub(crate) fn assert_korean_words(shot: &image::RgbImage, words: &[&str]) {
    let ok = which("tesseract").is_some()
        && Command::new("tesseract").arg("--list-langs").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).lines().any(|l| l == "kor"));
    if !ok {
        assert!(!in_ci(), "tesseract with its Korean model is needed in CI (scripts/setup-test-tools.sh)");
        eprintln!("skipping the OCR check: tesseract-ocr-kor is not installed");
        return;
    }
    // The whole window, enlarged (OCR reads large text best), read as one
    // block of text: page segmentation mode 6 keeps the framed navigation
    // buttons from being taken for pictures.
    let window = window_of(shot);
    let big = image::imageops::resize(&window, window.width() * 2, window.height() * 2, image::imageops::FilterType::Triangle);
    let file = std::env::temp_dir().join(format!("certbridge-ocr-{}.png", std::process::id()));
    big.save(&file).unwrap();
    let out = Command::new("tesseract").arg(&file).args(["-", "-l", "kor", "--psm", "6"]).output().unwrap();
    let text: String = String::from_utf8_lossy(&out.stdout).chars().filter(|c| !c.is_whitespace()).collect();
    for word in words {
        assert!(text.contains(word), "OCR did not read {word:?} on the window; it read {text:?}");
    }
}
