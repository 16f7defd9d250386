//! Replacing a certificate folder's key files all at once.
//!
//! A password change rewrites `signPri.key` and `kmPri.key`. Renaming them
//! one after the other leaves, after a crash in between, two keys under
//! different passwords. On Linux a complete new copy of the folder is
//! written beside it and the two folders are exchanged in one step
//! (`renameat2` with `RENAME_EXCHANGE`), so the folder is always wholly
//! old or wholly new. Elsewhere the caller falls back to one rename per key.

use std::path::Path;

use super::NpkiError;
use crate::message::BundleItem;

/// Swaps in a copy of `dir` holding `item`'s files (and any other file the
/// folder had). Returns `false`, having changed nothing, where an atomic
/// exchange is not possible.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn replace_keys(dir: &Path, item: &BundleItem) -> Result<bool, NpkiError> {
    use std::fs;

    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => Path::new(".").to_path_buf(),
    };
    // Only plain folders of files are copied; anything else keeps the
    // per-file path.
    let mut others = Vec::new();
    for entry in fs::read_dir(dir).map_err(NpkiError::io(dir))? {
        let entry = entry.map_err(NpkiError::io(dir))?;
        let kind = entry.file_type().map_err(NpkiError::io(entry.path()))?;
        let name = entry.file_name();
        if !kind.is_file() {
            return Ok(false);
        }
        if !name.to_str().is_some_and(|n| item.files.contains_key(n)) {
            others.push(name);
        }
    }
    let tmp = super::install::write_temp(&parent, item)?;
    let result = (|| {
        for name in &others {
            let copy = tmp.join(name);
            fs::copy(dir.join(name), &copy).map_err(NpkiError::io(dir.join(name)))?;
            // On disk before the exchange, like the files write_temp wrote.
            fs::File::open(&copy).and_then(|f| f.sync_all()).map_err(NpkiError::io(&copy))?;
        }
        if !others.is_empty() {
            super::install::sync_dir(&tmp);
        }
        Ok::<_, NpkiError>(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let exchanged = rustix::fs::renameat_with(
        rustix::fs::CWD,
        &tmp,
        rustix::fs::CWD,
        dir,
        rustix::fs::RenameFlags::EXCHANGE,
    );
    // After an exchange `tmp` holds the old folder; otherwise the new copy.
    let _ = fs::remove_dir_all(&tmp);
    if exchanged.is_err() {
        // E.g. a file system without RENAME_EXCHANGE: nothing changed.
        return Ok(false);
    }
    super::install::sync_dir(&parent);
    Ok(true)
}

/// See the Linux version: no atomic exchange here.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn replace_keys(_dir: &Path, _item: &BundleItem) -> Result<bool, NpkiError> {
    Ok(false)
}
