//! Removing a certificate this side sent, once the receiver confirmed it
//! holds every file byte for byte (a *move*): all of its files, or none.
//!
//! The files are renamed, signing certificate first (so that no program
//! lists a half-removed certificate), into a temporary folder beside them;
//! their bytes are compared there with what was sent; only then is that
//! folder deleted. If a file is missing or differs, or a rename fails,
//! every file is put back where it was. A crash in between leaves the
//! temporary folder, which the next install sweeps away like any other.
//!
//! Deleting does not overwrite the bytes first: on flash storage that does
//! not reach the old blocks anyway, and the key files are encrypted.

use std::fs;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::NpkiError;
use super::install::{TEMP_PREFIX, sync_dir};
use crate::message::{BundleItem, Role};

/// The order files leave in: the signing certificate first.
const ORDER: [Role; 4] = [Role::SignCert, Role::SignKey, Role::SecondCert, Role::SecondKey];

/// Removes the certificate at `path` (an NPKI folder, or a GPKI/EPKI
/// `_sig.cer`) if its files are still exactly `sent`. An NPKI folder left
/// empty goes too.
pub fn remove_sent(path: &Path, sent: &BundleItem) -> Result<(), NpkiError> {
    let is_folder = path.is_dir();
    let dir = if is_folder { path.to_path_buf() } else { path.parent().unwrap_or(Path::new(".")).to_path_buf() };
    let names: Vec<String> = ORDER.iter().filter_map(|&role| sent.file_name(role)).map(str::to_owned).collect();
    if names.is_empty() {
        return Err(NpkiError::Changed(path.to_path_buf()));
    }
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|e| NpkiError::io(&dir)(std::io::Error::other(e.to_string())))?;
    let staging = dir.join(format!("{TEMP_PREFIX}moved-{}", hex::encode(random)));
    create_private_dir(&staging).map_err(NpkiError::io(&staging))?;

    let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
    let staged = stage(&dir, &staging, &names, sent, &mut moved, path);
    if let Err(e) = staged {
        for (from, to) in moved.iter().rev() {
            if let Err(put_back) = fs::rename(to, from) {
                tracing::error!(file = %from.display(), "a file could not be put back: {put_back}");
            }
        }
        let _ = fs::remove_dir(&staging);
        return Err(e);
    }
    sync_dir(&dir);
    fs::remove_dir_all(&staging).map_err(NpkiError::io(&staging))?;
    if is_folder && fs::read_dir(&dir).is_ok_and(|mut entries| entries.next().is_none()) {
        let _ = fs::remove_dir(&dir);
    }
    Ok(())
}

/// Renames each file into `staging` and checks its bytes against `sent`.
fn stage(
    dir: &Path,
    staging: &Path,
    names: &[String],
    sent: &BundleItem,
    moved: &mut Vec<(PathBuf, PathBuf)>,
    path: &Path,
) -> Result<(), NpkiError> {
    for name in names {
        let (from, to) = (dir.join(name), staging.join(name));
        fs::rename(&from, &to).map_err(NpkiError::io(&from))?;
        moved.push((from, to));
    }
    for (name, (_, to)) in names.iter().zip(moved.iter()) {
        let now = Zeroizing::new(fs::read(to).map_err(NpkiError::io(to))?);
        let same = sent.files.get(name).is_some_and(|bytes| bytes.as_slice() == now.as_slice());
        if !same {
            return Err(NpkiError::Changed(path.to_path_buf()));
        }
    }
    Ok(())
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}
