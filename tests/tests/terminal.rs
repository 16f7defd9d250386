//! `certbridge` in a real terminal (tmux): the QR code as the terminal
//! shows it, rendered from a capture of the screen and read by `zbarimg`,
//! an independent decoder; what stays in view on an 80×24 terminal; the
//! numbered list of certificates to pick from; `NO_COLOR`.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use certbridge_core::Invite;
use certbridge_e2e::{certbridge, in_ci, openssl_fixtures, test_vector, which};

const VECTOR: &str = "npki-yessign-test";

/// A tmux server of the test's own, with one window running a command.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// `None` (with a message) where tmux or zbarimg is missing outside CI.
    fn start(name: &str, cols: u16, rows: u16, command: &str) -> Option<Self> {
        for tool in ["tmux", "zbarimg"] {
            if which(tool).is_none() {
                assert!(!in_ci(), "{tool} is missing in CI; scripts/setup-test-tools.sh installs it");
                eprintln!("skipping: {tool} is not installed");
                return None;
            }
        }
        let socket = format!("certbridge-{name}-{}", std::process::id());
        let status = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-s", "t"])
            .args(["-x", &cols.to_string(), "-y", &rows.to_string()])
            .arg(format!("{command}; sleep 600"))
            .status()
            .unwrap();
        assert!(status.success(), "tmux did not start");
        Some(Self { socket })
    }

    /// What the screen shows now, line by line (no colours).
    fn screen(&self) -> Vec<String> {
        let out = Command::new("tmux").args(["-L", &self.socket, "capture-pane", "-p", "-t", "t"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect()
    }

    /// The screen with colour escapes, as the terminal received them.
    fn screen_with_escapes(&self) -> String {
        let out = Command::new("tmux").args(["-L", &self.socket, "capture-pane", "-p", "-e", "-t", "t"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until a line of the screen contains `text`.
    fn wait_for(&self, text: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.iter().any(|l| l.contains(text)) {
                return screen;
            }
            assert!(Instant::now() < deadline, "{text:?} never appeared:\n{}", screen.join("\n"));
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn keys(&self, keys: &str) {
        Command::new("tmux").args(["-L", &self.socket, "send-keys", "-t", "t", keys, "Enter"]).status().unwrap();
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).status();
    }
}

/// Draws the half-block characters of `screen` as an image, one cell one
/// module wide and two tall, with a white margin: a photograph of the
/// terminal, as exact as a camera could wish.
fn render(screen: &[String], path: &Path) {
    const PX: u32 = 6;
    const MARGIN: u32 = 4;
    let rows: Vec<Vec<char>> = screen.iter().map(|l| l.chars().collect()).collect();
    let width = rows.iter().map(Vec::len).max().unwrap_or(0) as u32;
    let height = rows.len() as u32 * 2;
    let mut img = image::GrayImage::from_pixel((width + 2 * MARGIN) * PX, (height + 2 * MARGIN) * PX, image::Luma([255]));
    for (y, row) in rows.iter().enumerate() {
        for (x, c) in row.iter().enumerate() {
            let (top, bottom) = match c {
                '█' => (true, true),
                '▀' => (true, false),
                '▄' => (false, true),
                _ => (false, false),
            };
            for (half, dark) in [(0, top), (1, bottom)] {
                if !dark {
                    continue;
                }
                let (mx, my) = (x as u32 + MARGIN, y as u32 * 2 + half + MARGIN);
                for dy in 0..PX {
                    for dx in 0..PX {
                        img.put_pixel(mx * PX + dx, my * PX + dy, image::Luma([0]));
                    }
                }
            }
        }
    }
    img.save(path).unwrap();
}

fn zbar(png: &Path) -> Option<String> {
    let out = Command::new("zbarimg").args(["--raw", "-q"]).arg(png).output().unwrap();
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The first `ddd-ddd-ddd…` group of digits in `line`: a typed code.
fn typed_code_in(line: &str) -> Option<&str> {
    line.split(|c: char| !(c.is_ascii_digit() || c == '-')).find(|w| {
        let groups: Vec<&str> = w.split('-').collect();
        groups.len() >= 3 && groups.iter().all(|g| g.len() >= 3 && g.bytes().all(|b| b.is_ascii_digit()))
    })
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The QR code of the common invite (one LAN address, the computer's name
/// in the handshake) fits the terminal with the instruction above it and
/// the expiry below, and decodes from what the screen shows; once a phone
/// connects, the prompt is in view.
#[test]
fn the_qr_code_fits_and_decodes_from_the_screen_in_common_terminal_sizes() {
    let Some(vector) = test_vector(VECTOR) else { return };
    for (cols, rows) in [(80u16, 24u16), (100, 30), (120, 40)] {
        for lang in ["ko", "en"] {
            let tmp = tempfile::tempdir().unwrap();
            let command = format!(
                "env CERTBRIDGE_LANG={lang} {} send {} --allow-expired --listen 127.0.0.1",
                shell_quote(certbridge().to_str().unwrap()),
                shell_quote(vector.to_str().unwrap())
            );
            let Some(tmux) = Tmux::start(&format!("qr-{cols}x{rows}-{lang}"), cols, rows, &command) else { return };
            let (until, scan) = if lang == "ko" {
                ("까지 유효합니다.", "QR 코드를 스캔하거나 아래 코드를 입력해 주세요.")
            } else {
                ("valid until", "Scan this QR code")
            };
            let screen = tmux.wait_for(until);
            assert!(screen.len() <= rows as usize, "{} lines on a {rows}-line screen", screen.len());
            assert!(screen.iter().any(|l| l.contains(scan)), "{cols}×{rows} {lang}: the instruction scrolled away:\n{}", screen.join("\n"));
            // The typed code (for a phone without a camera) is in view too.
            let expiry = screen.iter().find(|l| l.contains(until)).unwrap();
            assert!(typed_code_in(expiry).is_some(), "{cols}×{rows} {lang}: no typed code beside the expiry: {expiry}");
            let png = tmp.path().join("screen.png");
            render(&screen, &png);
            let text = zbar(&png).unwrap_or_else(|| panic!("{cols}×{rows} {lang}: zbarimg read nothing:\n{}", screen.join("\n")));
            let invite = Invite::parse_ignoring_expiry(&text).unwrap();
            assert_eq!(invite.lan_endpoints().len(), 1);
            assert!(invite.to_qr().unwrap().version() <= 5);
            println!("QR decoded by zbarimg from a {cols}×{rows} terminal ({lang})");

            // A phone connects: the prompt for the number is on screen.
            let mut scanner = Command::new(certbridge())
                .args(["scan", &text, "--install-root", tmp.path().join("phone").to_str().unwrap(), "--json"])
                .env("CERTBRIDGE_LANG", lang)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap();
            let prompt = if lang == "ko" { "인증번호 6자리를 입력해 주세요:" } else { "Enter the 6-digit verification number" };
            tmux.wait_for(prompt);
            let _ = scanner.kill();
            let _ = scanner.wait();
        }
    }
}

#[test]
fn a_folder_of_several_certificates_is_a_numbered_list_to_pick_from() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let Some(fixtures) = openssl_fixtures(&tmp.path().join("fx")) else { return };
    let root = tmp.path().join("NPKI");
    for (ca, from) in [("yessign", vector.clone()), ("KICA", fixtures.join("demo"))] {
        let dir = root.join(ca).join("USER").join(format!("cn={ca}-holder"));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["signCert.der", "signPri.key"] {
            std::fs::copy(from.join(name), dir.join(name)).unwrap();
        }
    }
    let command = format!(
        "env CERTBRIDGE_LANG=ko {} send {} --allow-expired --listen 127.0.0.1",
        shell_quote(certbridge().to_str().unwrap()),
        shell_quote(root.to_str().unwrap())
    );
    let Some(tmux) = Tmux::start("pick", 100, 30, &command) else { return };
    let screen = tmux.wait_for("보낼 공동인증서의 번호를 입력해 주세요");
    let listed: Vec<&String> = screen.iter().filter(|l| l.starts_with("1. ") || l.starts_with("2. ")).collect();
    assert_eq!(listed.len(), 2, "{}", screen.join("\n"));
    assert!(screen.iter().any(|l| l.starts_with("1. ") && l.contains("홍길동")), "{}", screen.join("\n"));
    tmux.keys("3");
    tmux.wait_for("목록에 있는 번호를");
    tmux.keys("1");
    tmux.wait_for("까지 유효합니다.");
}

#[test]
fn no_color_and_pipes_get_no_escape_codes() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let base = format!(
        "{} send {} --allow-expired --listen 127.0.0.1",
        shell_quote(certbridge().to_str().unwrap()),
        shell_quote(vector.to_str().unwrap())
    );
    let Some(colored) = Tmux::start("color", 100, 30, &format!("env CERTBRIDGE_LANG=en {base}")) else { return };
    colored.wait_for("valid until");
    // tmux writes the attributes back one by one: black text, white ground.
    let black_on_white = |s: &str| s.contains("\x1b[30m\x1b[47m") || s.contains("\x1b[30;47m");
    assert!(black_on_white(&colored.screen_with_escapes()), "a terminal gets a black-on-white code");
    let plain = Tmux::start("nocolor", 100, 30, &format!("env CERTBRIDGE_LANG=en NO_COLOR=1 {base}")).unwrap();
    plain.wait_for("valid until");
    let seen = plain.screen_with_escapes();
    assert!(!black_on_white(&seen) && !seen.contains("\x1b[31m"), "NO_COLOR: {seen:?}");
    // The QR code still reads without colour (dark blocks on a light screen).
    let tmp = tempfile::tempdir().unwrap();
    let png = tmp.path().join("plain.png");
    render(&plain.screen(), &png);
    assert!(zbar(&png).is_some_and(|t| t.starts_with("CERTBRIDGE:/")));
}
