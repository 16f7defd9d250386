//! The Rust half of the QR robustness suite (`scripts/qr-robustness.py`
//! degrades the images and runs the other two decoders): renders invites to
//! PNG through the core's own code, so that any change to the invite's
//! format reaches the suite, and reads PNGs back with `rqrr`.
//!
//! ```text
//! qr-robustness render OUT_DIR SAMPLES PX[,PX…]
//!     SAMPLES fresh invites of each variant, each drawn at every module
//!     size PX (pixels per module): OUT_DIR/<variant>-<n>-m<PX>.png, and one
//!     JSON line per image on stdout (file, text, variant, version,
//!     modules, module_px).
//! qr-robustness decode
//!     image paths on stdin, one a line; one JSON line each on stdout:
//!     {"file": …, "text": the first code rqrr reads, or null}.
//! ```

use std::error::Error;
use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use certbridge_core::{HostInvite, InviteParams, Mode};
use serde_json::json;

/// A desktop name longer than an invite carries: the core cuts it to 32
/// bytes (10 Hangul syllables), the longest name a code can hold.
const LONG_HANGUL_NAME: &str = "김철수의 사무실 데스크톱 컴퓨터";

/// What an invite holds, from the smallest code to the largest.
struct Variant {
    name: &'static str,
    lan: usize,
    relay: bool,
    desktop: &'static str,
}

const VARIANTS: [Variant; 4] = [
    Variant { name: "lan1-hangul", lan: 1, relay: false, desktop: LONG_HANGUL_NAME },
    Variant { name: "lan2-relay", lan: 2, relay: true, desktop: "Office PC" },
    Variant { name: "lan3-hangul", lan: 3, relay: false, desktop: LONG_HANGUL_NAME },
    Variant { name: "lan3-relay-hangul", lan: 3, relay: true, desktop: LONG_HANGUL_NAME },
];

const LAN: [&str; 3] = ["192.168.0.23:53117", "10.20.30.40:53117", "[fd12:3456:789a::1]:53117"];
const RELAY: &str = "wss://relay.certbridge.example";

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["render", out, samples, sizes] => {
            let sizes = sizes.split(',').map(str::parse).collect::<Result<Vec<u32>, _>>()?;
            render(Path::new(out), samples.parse()?, &sizes)
        }
        ["decode"] => decode(),
        _ => Err("usage: qr-robustness render OUT_DIR SAMPLES PX[,PX…] | qr-robustness decode".into()),
    }
}

fn render(out: &Path, samples: usize, sizes: &[u32]) -> Result<(), Box<dyn Error>> {
    std::fs::create_dir_all(out)?;
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    for variant in &VARIANTS {
        let lan = LAN[..variant.lan].iter().map(|a| a.parse()).collect::<Result<Vec<SocketAddr>, _>>()?;
        for n in 0..samples {
            // A fresh key and secret each time: every sample is a different code.
            let host = HostInvite::generate(
                InviteParams {
                    mode: Mode::DesktopSends,
                    lifetime: Duration::from_secs(300),
                    relay_url: variant.relay.then(|| RELAY.to_owned()),
                    lan: lan.clone(),
                    name: Some(variant.desktop.to_owned()),
                },
                SystemTime::now(),
            )?;
            let invite = host.invite();
            let qr = invite.to_qr()?;
            for &px in sizes {
                let file: PathBuf = out.join(format!("{}-{n}-m{px}.png", variant.name));
                std::fs::write(&file, qr.to_png(px)?)?;
                let line = json!({
                    "file": file,
                    "text": invite.to_text(),
                    "variant": variant.name,
                    "version": qr.version(),
                    "modules": qr.width(),
                    "module_px": px,
                });
                writeln!(stdout, "{line}")?;
            }
        }
    }
    Ok(())
}

fn decode() -> Result<(), Box<dyn Error>> {
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    for line in std::io::stdin().lock().lines() {
        let file = line?;
        if file.is_empty() {
            continue;
        }
        let text = read(Path::new(&file));
        writeln!(stdout, "{}", json!({ "file": file, "text": text }))?;
        stdout.flush()?;
    }
    Ok(())
}

/// The first code rqrr finds and decodes in the image, if any.
fn read(file: &Path) -> Option<String> {
    let image = image::open(file).ok()?.to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    prepared.detect_grids().iter().find_map(|grid| grid.decode().ok().map(|(_, text)| text))
}
