//! An Xvfb display of the test's own, the window started on it, and the
//! checks of the screenshot (shared by `gui_window.rs` and
//! `gui_package.rs`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use certbridge_e2e::{in_ci, which};

/// An Xvfb server on a free display number, stopped on drop.
pub struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    /// Starts Xvfb, or `None` (said) when it or `import` is missing.
    pub fn start() -> Option<Self> {
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
    pub fn run_window(&self, program: &Path, args: &[&str], home: &Path, name: &str) -> image::RgbImage {
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
                if ink(&shot) > 0.01 || Instant::now() > deadline {
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

/// The share of pixels that are clearly dark (text, lines) on the screen.
fn ink(shot: &image::RgbImage) -> f64 {
    let dark = shot.pixels().filter(|p| p.0.iter().map(|&c| u32::from(c)).sum::<u32>() < 3 * 96).count();
    dark as f64 / (shot.width() * shot.height()) as f64
}

/// A window is drawn: mostly light (the white panels), some dark ink
/// (text), many shades (anti-aliased glyphs), and not one colour.
pub fn assert_live_window(shot: &image::RgbImage) {
    let total = f64::from(shot.width() * shot.height());
    let light = shot.pixels().filter(|p| p.0.iter().all(|&c| c > 230)).count() as f64 / total;
    let mut shades = std::collections::BTreeSet::new();
    for p in shot.pixels() {
        shades.insert(p.0);
        if shades.len() > 64 {
            break;
        }
    }
    let ink = ink(shot);
    assert!(light > 0.3, "the screen is not a drawn window: {:.0}% light pixels", light * 100.0);
    assert!(ink > 0.002 && ink < 0.5, "no text on screen: {:.2}% dark pixels", ink * 100.0);
    assert!(shades.len() > 64, "only {} colours: a blank window", shades.len());
}

/// The OCR engine (tesseract with its Korean model) reads `words` on the
/// screenshot: the Hangul was drawn as letters, not as boxes.
pub fn assert_korean_words(shot: &image::RgbImage, words: &[&str]) {
    let ok = which("tesseract").is_some()
        && Command::new("tesseract").arg("--list-langs").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).lines().any(|l| l == "kor"));
    if !ok {
        assert!(!in_ci(), "tesseract with its Korean model is needed in CI (scripts/setup-test-tools.sh)");
        eprintln!("skipping the OCR check: tesseract-ocr-kor is not installed");
        return;
    }
    // The navigation, enlarged: OCR reads large text best.
    let left = image::imageops::crop_imm(shot, 0, 0, 320.min(shot.width()), 420.min(shot.height())).to_image();
    let big = image::imageops::resize(&left, left.width() * 2, left.height() * 2, image::imageops::FilterType::Triangle);
    let file = std::env::temp_dir().join(format!("certbridge-ocr-{}.png", std::process::id()));
    big.save(&file).unwrap();
    let out = Command::new("tesseract").arg(&file).args(["-", "-l", "kor"]).output().unwrap();
    let text: String = String::from_utf8_lossy(&out.stdout).chars().filter(|c| !c.is_whitespace()).collect();
    for word in words {
        assert!(text.contains(word), "OCR did not read {word:?} on the window; it read {text:?}");
    }
}
