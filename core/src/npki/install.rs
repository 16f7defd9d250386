//! Installing a received certificate folder: atomically, never silently
//! over another certificate.
//!
//! Files are written into a temporary folder next to the target and renamed
//! into place in one step, so a crash or a full disk leaves either the old
//! state or the new folder, never half of one. Folders are 0700 and files
//! 0600 on Unix.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::NpkiError;
use super::cert::{ca_folder_name, parse, subject_folder_name};
use crate::message::{BundleItem, FILE_NAMES, SIGN_CERT};

/// Prefix of temporary folders; left-overs from a crash are recognisable.
pub(crate) const TEMP_PREFIX: &str = ".certbridge-tmp-";
/// A temporary folder this old is a left-over: a save takes milliseconds
/// and a session gives up on one after a minute.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(120);

/// What an install did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallStatus {
    /// A new folder was created.
    Installed,
    /// The same files were already there; nothing changed.
    Duplicate,
    /// A different certificate was moved to a backup and replaced.
    Replaced,
}

/// Where a certificate was installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    /// What happened.
    pub status: InstallStatus,
    /// The certificate folder.
    pub folder: PathBuf,
    /// Where the replaced certificate was kept.
    pub backup: Option<PathBuf>,
}

/// The folder a certificate is installed in: `<root>/<CA>/USER/<subject folder>`.
pub fn install_target(root: &Path, cert_der: &[u8]) -> Result<PathBuf, NpkiError> {
    Ok(root
        .join(ca_folder_name(cert_der)?)
        .join("USER")
        .join(subject_folder_name(cert_der)?))
}

/// Installs `item` under `root` as `<root>/<CA>/USER/<subject folder>/`.
/// The same certificate already there is a duplicate; a different one is a
/// conflict unless `replace`, in which case it is kept as a backup.
pub fn install(root: &Path, item: &BundleItem, replace: bool) -> Result<Installed, NpkiError> {
    check_received(item)?;
    let cert = item
        .files
        .get(SIGN_CERT)
        .map(|f| f.as_slice())
        .unwrap_or_default();
    parse(cert)?;
    let target = install_target(root, cert)?;
    let user_dir = target
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.to_path_buf());
    create_private_dirs(&user_dir)?;
    sweep_stale(&user_dir);
    // The same name written decomposed (macOS writes Hangul file names in
    // NFD) is the same folder.
    let target = existing_spelling(&user_dir, &target).unwrap_or(target);

    let mut backup = None;
    if target.exists() {
        match compare(&target, item)? {
            Existing::Same => {
                return Ok(Installed {
                    status: InstallStatus::Duplicate,
                    folder: target,
                    backup: None,
                });
            }
            Existing::Empty => fs::remove_dir(&target).map_err(NpkiError::io(&target))?,
            Existing::Different if !replace => return Err(NpkiError::Conflict { folder: target }),
            Existing::Different => backup = Some(backup_name(&target)),
        }
    }

    let tmp = write_temp(&user_dir, item)?;
    if let Some(backup) = &backup {
        if let Err(e) = fs::rename(&target, backup) {
            let _ = fs::remove_dir_all(&tmp);
            return Err(NpkiError::io(&target)(e));
        }
    }
    if let Err(e) = fs::rename(&tmp, &target) {
        let _ = fs::remove_dir_all(&tmp);
        if let Some(backup) = &backup {
            let _ = fs::rename(backup, &target);
        }
        return Err(NpkiError::io(&target)(e));
    }
    sync_dir(&user_dir);
    Ok(Installed {
        status: if backup.is_some() {
            InstallStatus::Replaced
        } else {
            InstallStatus::Installed
        },
        folder: target,
        backup,
    })
}

enum Existing {
    Same,
    Empty,
    Different,
}

/// Checks a received item before anything is written: valid names, a
/// parseable certificate, keys that are encrypted keys.
pub(crate) fn check_received(item: &BundleItem) -> Result<(), NpkiError> {
    item.validate().map_err(|e| NpkiError::BadCertificate(e.to_string()))?;
    for role in [crate::message::Role::SignKey, crate::message::Role::SecondKey] {
        if let Some(key) = item.file(role) {
            match super::key::key_encryption(key.as_slice()) {
                Ok(_) | Err(super::KeyError::Unsupported(_)) => {}
                Err(e) => return Err(NpkiError::BadCertificate(format!("{}: {e}", item.file_name(role).unwrap_or("key")))),
            }
        }
    }
    for role in [crate::message::Role::SignCert, crate::message::Role::SecondCert] {
        if let Some(cert) = item.file(role) {
            parse(cert.as_slice())?;
        }
    }
    Ok(())
}

/// Compares the certificate files in `folder` with `item`'s.
fn compare(folder: &Path, item: &BundleItem) -> Result<Existing, NpkiError> {
    let mut any = false;
    let mut same = true;
    for name in FILE_NAMES {
        let path = folder.join(name);
        match fs::read(&path) {
            Ok(bytes) => {
                any = true;
                same &= item
                    .files
                    .get(name)
                    .is_some_and(|f| f.as_slice() == bytes.as_slice());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                same &= !item.files.contains_key(name)
            }
            Err(e) => return Err(NpkiError::io(path)(e)),
        }
    }
    let empty = !any
        && fs::read_dir(folder)
            .map_err(NpkiError::io(folder))?
            .next()
            .is_none();
    Ok(match (same, empty) {
        (_, true) => Existing::Empty,
        (true, false) => Existing::Same,
        (false, false) => Existing::Different,
    })
}

/// Now in the local time zone, for file names: `2026-12-02-044700`.
pub(crate) fn local_stamp() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    jiff::Timestamp::from_second(secs)
        .map(|t| {
            let zone = jiff::tz::TimeZone::try_system().unwrap_or(jiff::tz::TimeZone::UTC);
            t.to_zoned_datetime(zone).strftime("%Y-%m-%d-%H%M%S").to_string()
        })
        .unwrap_or_else(|_| secs.to_string())
}

/// Removes temporary folders a crashed run left in `dir` (a killed process
/// cannot clean up after itself). Best effort: what cannot be removed stays
/// hidden from `list` anyway.
pub(crate) fn sweep_stale(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age >= STALE_AFTER));
        if old {
            tracing::info!(path = %entry.path().display(), "removing a temporary file left by an earlier run");
            let _ = if entry.file_type().is_ok_and(|t| t.is_dir()) {
                fs::remove_dir_all(entry.path())
            } else {
                fs::remove_file(entry.path())
            };
        }
    }
}

/// The folder in `dir` whose name is `target`'s in another Unicode
/// normalisation form, if there is one.
fn existing_spelling(dir: &Path, target: &Path) -> Option<PathBuf> {
    let wanted = nfc(&target.file_name()?.to_string_lossy());
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .find(|e| nfc(&e.file_name().to_string_lossy()) == wanted)
        .map(|e| e.path())
}

/// `s` in Unicode normalisation form C, as certificates and Windows write
/// names.
pub(crate) fn nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().collect()
}

/// `<folder>.bak-<local date and time>`, e.g. `….bak-2026-12-02-044700`,
/// with a counter if that exists too.
fn backup_name(target: &Path) -> PathBuf {
    let stamp = local_stamp();
    let base = target.as_os_str().to_string_lossy().into_owned();
    let mut candidate = PathBuf::from(format!("{base}.bak-{stamp}"));
    let mut n = 1;
    while candidate.exists() {
        candidate = PathBuf::from(format!("{base}.bak-{stamp}-{n}"));
        n += 1;
    }
    candidate
}

/// Writes every file into a fresh temporary folder in `parent`; on any
/// error the folder is removed.
pub(crate) fn write_temp(parent: &Path, item: &BundleItem) -> Result<PathBuf, NpkiError> {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random)
        .map_err(|e| NpkiError::io(parent)(std::io::Error::other(e.to_string())))?;
    let tmp = parent.join(format!("{TEMP_PREFIX}{}", hex::encode(random)));
    let result = (|| {
        create_private_dir(&tmp)?;
        for (name, bytes) in &item.files {
            let path = tmp.join(name);
            let mut file = private_file(&path).map_err(NpkiError::io(&path))?;
            file.write_all(bytes.as_slice())
                .map_err(NpkiError::io(&path))?;
            file.sync_all().map_err(NpkiError::io(&path))?;
        }
        sync_dir(&tmp);
        Ok(())
    })();
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

pub(crate) fn create_private_dirs(dir: &Path) -> Result<(), NpkiError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(NpkiError::io(dir))
}

fn create_private_dir(dir: &Path) -> Result<(), NpkiError> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(NpkiError::io(dir))
}

/// Writes a new 0600 file and syncs it.
pub(crate) fn write_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let _ = fs::remove_file(path);
    private_file_write(path, bytes)
}

/// Writes a file that must not exist yet (0600) and syncs it.
pub(crate) fn private_file_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = private_file(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn private_file(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Makes a rename durable (Unix); best effort elsewhere.
pub(crate) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
