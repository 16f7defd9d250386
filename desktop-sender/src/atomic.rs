//! Files the program writes for the user (the QR code's PNG, exported
//! PKCS#12 files): whole or not at all, readable by the owner only, and
//! never written over unless asked.

use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to a new 0600 file beside `path`, flushed to disk, then
/// moves it to `path`. With `overwrite` false an existing `path` is left
/// alone and the error is [`io::ErrorKind::AlreadyExists`], even when the
/// file appeared after an earlier check. On any error `path` is unchanged.
pub(crate) fn write_file(path: &Path, bytes: &[u8], overwrite: bool) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".certbridge-tmp-")
        .tempfile_in(dir)?;
    #[cfg(unix)]
    std::fs::set_permissions(
        tmp.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if overwrite {
        tmp.persist(path).map_err(|e| e.error)?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
    }
    Ok(())
}
