//! Reading a code from a picture of its QR code (`scan --qr-image`), with
//! `rqrr`, a decoder independent of the `qrcode` crate that drew it.

use std::path::Path;

use certbridge_i18n::Msg;

use crate::Failure;

/// The text of the first QR code found in the image at `path`.
pub(crate) fn decode(path: &Path) -> Result<String, Failure> {
    let shown = path.display().to_string();
    let image = image::open(path)
        .map_err(|e| Failure::new("invalid_invite", Msg::new("err-image-unreadable").arg("path", shown.as_str())).because(e))?
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    let Some(grid) = grids.first() else {
        return Err(Failure::new("invalid_invite", Msg::new("err-image-no-qr").arg("path", shown)));
    };
    let (_meta, text) = grid.decode().map_err(|e| {
        Failure::new("invalid_invite", Msg::new("err-image-qr-unreadable").arg("path", shown.as_str())).because(e)
    })?;
    Ok(text.trim().to_owned())
}
