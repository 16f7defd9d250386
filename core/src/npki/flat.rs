//! GPKI (행정전자서명) and EPKI (교육 전자서명) certificates on disk: several
//! holders' files side by side in one folder, `Certificate/class2/` under a
//! `GPKI` or `EPKI` root (`class1/` for servers), each certificate named by
//! its holder's id: `<id>_sig.cer`, `<id>_sig.key` and, when present,
//! `<id>_env.cer`, `<id>_env.key` (see `docs/NPKI.md`).
//!
//! A certificate is named by the path of its `_sig.cer`. Installing one
//! writes only its own files, each under a temporary name first and then
//! moved into place without overwriting anything; the signing certificate
//! goes last, so a crash part-way leaves at most files no GPKI software
//! looks at (the temporaries, or an encryption pair without its signing
//! pair), which the next install cleans up. Other holders' files in the
//! folder are never touched.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::NpkiError;
use super::install::{TEMP_PREFIX, private_file_write, sweep_stale, sync_dir};
use crate::message::{BundleItem, FileBytes, Layout, MAX_FILE_LEN, Role, parse_flat_name};

/// The folder people's certificates live in, under a GPKI or EPKI root.
pub const PEOPLE_CLASS: &str = "class2";
/// The folder servers' certificates live in.
pub const SERVER_CLASS: &str = "class1";

/// The layout a flat certificate at `path` has: EPKI when the path runs
/// through an `EPKI` folder, GPKI otherwise.
pub fn layout_of_path(path: &Path) -> Layout {
    let epki = path.components().any(|c| c.as_os_str().to_string_lossy().eq_ignore_ascii_case("EPKI"));
    if epki { Layout::Epki } else { Layout::Gpki }
}

/// True when `path` names a flat certificate (`…_sig.cer`).
pub fn is_flat_certificate(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .and_then(parse_flat_name)
        .is_some_and(|(_, role)| role == Role::SignCert)
}

/// Reads the certificate whose `_sig.cer` is at `sig_cert`, with its key
/// and, when present, its encryption pair, exactly as they are on disk.
pub fn read_flat(sig_cert: &Path) -> Result<BundleItem, NpkiError> {
    let name = sig_cert.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let Some((id, Role::SignCert)) = parse_flat_name(name) else {
        return Err(NpkiError::NotAFolder(sig_cert.to_path_buf()));
    };
    let dir = sig_cert.parent().unwrap_or(Path::new("."));
    let layout = layout_of_path(sig_cert);
    let mut files = BTreeMap::new();
    for role in Role::ALL {
        let file = role.file_name(layout, id);
        let path = dir.join(&file);
        match fs::metadata(&path) {
            Ok(meta) if meta.len() == 0 || meta.len() > MAX_FILE_LEN as u64 => return Err(NpkiError::BadSize(path)),
            Ok(_) => {
                let bytes = fs::read(&path).map_err(NpkiError::io(&path))?;
                files.insert(file, FileBytes::new(bytes));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if matches!(role, Role::SignCert | Role::SignKey) {
                    return Err(NpkiError::MissingFile { file: role.flat_suffix(), folder: dir.to_path_buf() });
                }
            }
            Err(e) => return Err(NpkiError::io(&path)(e)),
        }
    }
    let item = BundleItem::with_layout(layout, files);
    if item.file(Role::SecondCert).is_some() != item.file(Role::SecondKey).is_some() {
        return Err(NpkiError::HalfKmPair(dir.to_path_buf()));
    }
    super::folder::check_files(dir, &item)?;
    Ok(item)
}

/// The `_sig.cer` files in `dir`, in name order (temporaries and backups
/// left out).
pub fn certificates_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| is_flat_certificate(p))
        .collect();
    found.sort();
    found
}

/// The class folders under a GPKI or EPKI root, however their names are
/// cased (`Certificate/class2`, `certificate/Class2`, …).
pub fn class_dirs(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for certificate in child_dirs_named(root, "Certificate") {
        for class in [PEOPLE_CLASS, SERVER_CLASS] {
            out.extend(child_dirs_named(&certificate, class));
        }
    }
    out
}

fn child_dirs_named(dir: &Path, name: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| e.file_name().to_string_lossy().eq_ignore_ascii_case(name))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// Where a flat certificate is installed under `root` (a GPKI or EPKI
/// root): the class folder that already exists, in whatever case, or
/// `Certificate/<class>`; servers' certificates in `class1`.
pub fn install_dir(root: &Path, server: bool) -> PathBuf {
    let class = if server { SERVER_CLASS } else { PEOPLE_CLASS };
    let certificate = child_dirs_named(root, "Certificate").into_iter().next().unwrap_or_else(|| root.join("Certificate"));
    child_dirs_named(&certificate, class).into_iter().next().unwrap_or_else(|| certificate.join(class))
}

/// Installs a flat certificate into `dir` (see the module's notes). The same
/// files there already are a duplicate; a different certificate of the same
/// holder is a conflict unless `replace`, in which case its files are kept
/// as `<name>.bak-<local date>`.
pub fn install_flat(dir: &Path, item: &BundleItem, replace: bool) -> Result<super::Installed, NpkiError> {
    let Some(id) = item.flat_id() else {
        return Err(NpkiError::BadCertificate("not a GPKI or EPKI certificate".into()));
    };
    super::install::create_private_dirs(dir)?;
    let sig_cert = spelled(dir, &Role::SignCert.file_name(item.layout().unwrap_or(Layout::Gpki), id));
    sweep_stale(dir);
    let replacing = sig_cert.exists();
    if replacing {
        match compare(dir, item, id)? {
            Same::Yes => {
                return Ok(super::Installed { status: super::InstallStatus::Duplicate, folder: sig_cert, backup: None });
            }
            Same::No if !replace => return Err(NpkiError::Conflict { folder: sig_cert }),
            Same::No => {}
        }
    }
    // The holder's files are put aside: a replaced certificate, or an
    // encryption pair left without its signing pair (a crash, another
    // program), which would block a move that must not overwrite.
    let backups = back_up(dir, id, item.layout().unwrap_or(Layout::Gpki))?;
    let written = match write_all(dir, item) {
        Ok(written) => written,
        Err(e) => {
            restore(&backups);
            return Err(e);
        }
    };
    sync_dir(dir);
    tracing::debug!(files = written, "installed a flat certificate");
    Ok(super::Installed {
        status: if replacing { super::InstallStatus::Replaced } else { super::InstallStatus::Installed },
        folder: sig_cert,
        backup: backups.into_iter().find(|(from, _)| is_flat_certificate(from)).map(|(_, to)| to),
    })
}

enum Same {
    Yes,
    No,
}

/// Compares the holder's files in `dir` with the item's.
fn compare(dir: &Path, item: &BundleItem, id: &str) -> Result<Same, NpkiError> {
    let layout = item.layout().unwrap_or(Layout::Gpki);
    for role in Role::ALL {
        let path = spelled(dir, &role.file_name(layout, id));
        let theirs = match fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(NpkiError::io(path)(e)),
        };
        if theirs.as_deref() != item.file(role).map(FileBytes::as_slice) {
            return Ok(Same::No);
        }
    }
    Ok(Same::Yes)
}

/// Moves the holder's existing files aside; returns (from, to) pairs.
fn back_up(dir: &Path, id: &str, layout: Layout) -> Result<Vec<(PathBuf, PathBuf)>, NpkiError> {
    let stamp = super::install::local_stamp();
    let mut moved = Vec::new();
    for role in Role::ALL {
        let from = spelled(dir, &role.file_name(layout, id));
        if !from.exists() {
            continue;
        }
        let to = unused(&dir.join(format!("{}.bak-{stamp}", role.file_name(layout, id))));
        if let Err(e) = fs::rename(&from, &to) {
            restore(&moved);
            return Err(NpkiError::io(&from)(e));
        }
        moved.push((from, to));
    }
    Ok(moved)
}

/// The file `name` in `dir` as it is spelled there: macOS writes Hangul
/// names decomposed (NFD), and such files travel on USB sticks; the same
/// name in another normalisation form is the same file.
fn spelled(dir: &Path, name: &str) -> PathBuf {
    let wanted = super::install::nfc(name);
    let found = fs::read_dir(dir).ok().and_then(|entries| {
        entries.filter_map(Result::ok).find(|e| super::install::nfc(&e.file_name().to_string_lossy()) == wanted)
    });
    found.map_or_else(|| dir.join(name), |e| e.path())
}

fn restore(moved: &[(PathBuf, PathBuf)]) {
    for (from, to) in moved.iter().rev() {
        let _ = fs::rename(to, from);
    }
}

fn unused(path: &Path) -> PathBuf {
    let mut candidate = path.to_path_buf();
    let mut n = 1;
    while candidate.exists() {
        candidate = PathBuf::from(format!("{}-{n}", path.display()));
        n += 1;
    }
    candidate
}

/// Writes every file under a temporary name, then moves each into place
/// without overwriting, the signing certificate last; on any failure the
/// files this call placed and its temporaries are removed.
fn write_all(dir: &Path, item: &BundleItem) -> Result<usize, NpkiError> {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|e| NpkiError::io(dir)(std::io::Error::other(e.to_string())))?;
    let tag = hex::encode(random);
    let order = [Role::SecondCert, Role::SecondKey, Role::SignKey, Role::SignCert];
    let mut temps = Vec::new();
    let mut placed: Vec<PathBuf> = Vec::new();
    let result = (|| {
        for role in order {
            let (Some(name), Some(bytes)) = (item.file_name(role), item.file(role)) else { continue };
            let tmp = dir.join(format!("{TEMP_PREFIX}{tag}-{name}"));
            private_file_write(&tmp, bytes.as_slice()).map_err(NpkiError::io(&tmp))?;
            temps.push((tmp, dir.join(name)));
        }
        for (tmp, target) in &temps {
            move_no_clobber(tmp, target).map_err(NpkiError::io(target))?;
            placed.push(target.clone());
        }
        Ok(placed.len())
    })();
    if result.is_err() {
        for (tmp, _) in &temps {
            let _ = fs::remove_file(tmp);
        }
        for p in &placed {
            let _ = fs::remove_file(p);
        }
    }
    result
}

/// Moves `from` to `to`, failing if `to` exists, where the system allows
/// it atomically (a hard link then an unlink); on file systems without hard
/// links (FAT on USB sticks), a check then a rename.
fn move_no_clobber(from: &Path, to: &Path) -> std::io::Result<()> {
    match fs::hard_link(from, to) {
        Ok(()) => fs::remove_file(from),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(_) if to.exists() => Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists)),
        Err(_) => fs::rename(from, to),
    }
}

/// Replaces a flat certificate's key files with `item`'s (a password
/// change): each is written under a temporary name and verified by the
/// caller first, then renamed over the old one.
pub(crate) fn replace_keys(sig_cert: &Path, item: &BundleItem) -> Result<(), NpkiError> {
    let dir = sig_cert.parent().unwrap_or(Path::new("."));
    let mut staged = Vec::new();
    for role in [Role::SignKey, Role::SecondKey] {
        let (Some(name), Some(bytes)) = (item.file_name(role), item.file(role)) else { continue };
        let tmp = dir.join(format!("{TEMP_PREFIX}new-{name}"));
        if let Err(e) = private_file_write(&tmp, bytes.as_slice()) {
            for (t, _) in &staged {
                let _ = fs::remove_file(t);
            }
            return Err(NpkiError::io(&tmp)(e));
        }
        staged.push((tmp, dir.join(name)));
    }
    for (tmp, target) in &staged {
        fs::rename(tmp, target).map_err(NpkiError::io(target))?;
    }
    sync_dir(dir);
    Ok(())
}
