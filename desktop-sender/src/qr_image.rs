//! Reading a code from a picture of its QR code (`scan --qr-image`), with
//! `rqrr`, a decoder independent of the `qrcode` crate that drew it.

use std::path::Path;

use crate::Failure;

/// The text of the first QR code found in the image at `path`.
pub(crate) fn decode(path: &Path) -> Result<String, Failure> {
    let image = image::open(path)
        .map_err(|e| {
            Failure::new(
                "invalid_invite",
                format!("could not read the picture {}: {e}", path.display()),
            )
        })?
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    let Some(grid) = grids.first() else {
        return Err(Failure::new(
            "invalid_invite",
            format!("no QR code found in {}", path.display()),
        ));
    };
    let (_meta, text) = grid.decode().map_err(|e| {
        Failure::new(
            "invalid_invite",
            format!("the QR code in {} could not be read: {e}", path.display()),
        )
    })?;
    Ok(text.trim().to_owned())
}
