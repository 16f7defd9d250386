//! The invite as a QR code: PNG for windows and files, half blocks for
//! terminals.
//!
//! The prefix `CERTBRIDGE:/` goes in an alphanumeric segment and the digits in
//! a numeric segment, at error-correction level L, in the smallest version
//! that holds them. A generic encoder would put the whole text in one segment
//! and lose about 40% of the capacity.
//!
//! Level L (7% of codewords recoverable) suits a code on a screen: nothing
//! scratches or stains it, and what makes a camera fail on a screen (blur,
//! moiré, glare, small modules) is helped more by larger modules than by
//! more redundancy. At L the common invite (one LAN address) fits version 5,
//! 37×37 modules, small enough for an 80×24 terminal; see
//! `docs/PROTOCOL.md` §2 and the QR robustness figures in `docs/SECURITY.md`.

use std::fmt;

#[cfg(feature = "qr-png")]
use image::{GrayImage, ImageEncoder, Luma};
use qrcode::bits::Bits;
use qrcode::types::QrError as EncodeError;
use qrcode::{Color, EcLevel, QrCode, Version};

use super::TEXT_PREFIX;

/// Modules of light margin around the code, as the QR standard asks.
#[cfg(feature = "qr-png")]
pub(crate) const QUIET_ZONE: u32 = 4;

/// The error-correction level of every invite's QR code.
pub(crate) const EC_LEVEL: EcLevel = EcLevel::L;

/// Why a QR code could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QrError {
    /// The invite does not fit in any QR version at level L.
    #[error("the invite is too long for a QR code")]
    TooLong,
    /// The PNG could not be written.
    #[cfg(feature = "qr-png")]
    #[error("could not write the QR image: {0}")]
    Image(String),
}

/// An invite's QR code.
pub struct InviteQr {
    code: QrCode,
}

impl fmt::Debug for InviteQr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InviteQr")
            .field("version", &self.version())
            .finish()
    }
}

impl InviteQr {
    /// Encodes `CERTBRIDGE:/` followed by `digits` in the smallest version
    /// at [`EC_LEVEL`].
    pub(crate) fn new(digits: &str) -> Result<Self, QrError> {
        for v in 1..=40 {
            match Self::at_version(digits, Version::Normal(v)) {
                Ok(code) => return Ok(Self { code }),
                Err(EncodeError::DataTooLong) => continue,
                Err(_) => return Err(QrError::TooLong),
            }
        }
        Err(QrError::TooLong)
    }

    fn at_version(digits: &str, version: Version) -> Result<QrCode, EncodeError> {
        let mut bits = Bits::new(version);
        bits.push_alphanumeric_data(TEXT_PREFIX.as_bytes())?;
        bits.push_numeric_data(digits.as_bytes())?;
        bits.push_terminator(EC_LEVEL)?;
        QrCode::with_bits(bits, EC_LEVEL)
    }

    /// The QR version (1 to 40): 5 is 37×37 modules, 7 is 45×45.
    pub fn version(&self) -> u8 {
        match self.code.version() {
            Version::Normal(v) | Version::Micro(v) => u8::try_from(v).unwrap_or(u8::MAX),
        }
    }

    /// Modules per side, without the quiet zone.
    pub fn width(&self) -> usize {
        self.code.width()
    }

    fn is_dark(&self, x: i64, y: i64) -> bool {
        let w = self.code.width() as i64;
        if x < 0 || y < 0 || x >= w || y >= w {
            return false;
        }
        self.code[(x as usize, y as usize)] == Color::Dark
    }

    /// A grayscale PNG, `module_px` pixels per module, with the quiet zone.
    #[cfg(feature = "qr-png")]
    pub fn to_png(&self, module_px: u32) -> Result<Vec<u8>, QrError> {
        let module_px = module_px.max(1);
        let modules = self.code.width() as u32 + 2 * QUIET_ZONE;
        let side = modules * module_px;
        let q = i64::from(QUIET_ZONE);
        let img = GrayImage::from_fn(side, side, |px, py| {
            let x = i64::from(px / module_px) - q;
            let y = i64::from(py / module_px) - q;
            if self.is_dark(x, y) {
                Luma([0])
            } else {
                Luma([255])
            }
        });
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(img.as_raw(), side, side, image::ExtendedColorType::L8)
            .map_err(|e| QrError::Image(e.to_string()))?;
        Ok(png)
    }

    /// The code drawn with Unicode half blocks, two modules per character
    /// cell, with a quiet zone of two modules. With `ansi`, the code is drawn
    /// black on white whatever the terminal's colours; without, dark modules
    /// are drawn as blocks, which suits a light background.
    pub fn to_terminal(&self, ansi: bool) -> String {
        const QZ: i64 = 2;
        let w = self.code.width() as i64;
        let mut out = String::new();
        let mut y = -QZ;
        while y < w + QZ {
            if ansi {
                out.push_str("\x1b[30;47m");
            }
            for x in -QZ..w + QZ {
                let top = self.is_dark(x, y);
                let bottom = y + 1 < w + QZ && self.is_dark(x, y + 1);
                out.push(match (top, bottom) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                });
            }
            if ansi {
                out.push_str("\x1b[0m");
            }
            out.push('\n');
            y += 2;
        }
        out
    }
}
