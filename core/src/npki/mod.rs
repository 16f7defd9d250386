//! Korean certificates on disk: reading them, describing them, and
//! installing received ones safely, in both layouts.
//!
//! An NPKI certificate (공동인증서) is a folder of its own,
//! `<root>/<CA>/USER/<subject folder>/`, holding `signCert.der` and
//! `signPri.key`, and sometimes the key-management pair
//! `kmCert.der`/`kmPri.key`. A GPKI (행정전자서명) or EPKI certificate lives
//! beside others in `GPKI/Certificate/class2/` (or `EPKI/…`) as
//! `<id>_sig.cer`, `<id>_sig.key` and sometimes `<id>_env.cer`/`<id>_env.key`
//! ([`flat`]). See `docs/NPKI.md`. Files are moved byte for byte. Keys are
//! decrypted only to check a password, to change it, or to convert to and
//! from PKCS#12.

mod cert;
pub mod flat;
mod folder;
mod install;
mod key;
mod pfx;
mod remove;
mod roots;
mod store;
mod swap;
mod usage;

use std::io;
use std::path::PathBuf;

pub use cert::{CertSummary, EXPIRING_DAYS, Status, ca_folder_name, holder_name, inspect, subject_folder_name};
pub use folder::{read_certificate, read_folder};

pub use install::{InstallStatus, Installed, install, install_target};
pub use key::{
    DecryptedKey, KeyEncryption, KeyError, NEW_KEY_ITERATIONS, OID_RANDOM_NUM, decrypt_private_key,
    encrypt_private_key, key_encryption, reencrypt,
};
pub use remove::remove_sent;
pub use pfx::{ExportedPfx, ImportedPfx, MAX_PFX_LEN, PfxError, PfxFormat, export_pfx, import_pfx};
pub use roots::{Env, InstallRoots, ListFailure, Listing, Os, candidate_roots, default_root, install_root, list};
pub use store::NpkiStore;
pub use usage::{Label, Usage, UsageKind};

/// What can go wrong with certificate folders.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NpkiError {
    /// The path is not a folder.
    #[error("{0} is not a certificate folder (it does not exist or is not a directory)")]
    NotAFolder(PathBuf),
    /// A required file is absent.
    #[error("no {file} in {folder}: a certificate folder needs signCert.der and signPri.key")]
    MissingFile {
        /// The missing file's name.
        file: &'static str,
        /// The folder.
        folder: PathBuf,
    },
    /// Only one of kmCert.der and kmPri.key is present.
    #[error("{0} has only one of kmCert.der and kmPri.key; both or neither are needed")]
    HalfKmPair(PathBuf),
    /// A file is empty or far larger than any certificate file.
    #[error("{0} is empty or too large to be a certificate file")]
    BadSize(PathBuf),
    /// A received certificate is not an X.509 certificate.
    #[error("the certificate is damaged or not an X.509 certificate ({0})")]
    BadCertificate(String),
    /// A certificate file on disk is not an X.509 certificate.
    #[error("{} is damaged or not an X.509 certificate ({reason})", file.display())]
    BadCertificateFile {
        /// The file.
        file: PathBuf,
        /// What the parser said (for the log).
        reason: String,
    },
    /// A key file on disk is not a password-encrypted private key in a form
    /// this program can read.
    #[error("{}: {error}", file.display())]
    BadKeyFile {
        /// The file.
        file: PathBuf,
        /// What is wrong with it.
        error: KeyError,
    },
    /// A different certificate is already installed under the same name.
    #[error("{} already holds a different certificate; use --replace to replace it (the old one is kept as a backup)", folder.display())]
    Conflict {
        /// The occupied folder.
        folder: PathBuf,
    },
    /// A certificate to remove after a move is no longer what was sent.
    #[error("{0} changed after it was sent, so it was kept")]
    Changed(PathBuf),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
}

/// Checks `password` against a certificate folder's keys: `signPri.key`
/// (and `kmPri.key` when present) must decrypt and belong to their
/// certificates. Returns the decrypted signing key.
pub fn check_password(
    item: &crate::message::BundleItem,
    password: &[u8],
) -> Result<DecryptedKey, KeyError> {
    use crate::message::Role;
    let file = |role: Role| item.file(role).map(|f| f.as_slice());
    let pairs = [(Role::SignCert, Role::SignKey), (Role::SecondCert, Role::SecondKey)];
    let mut sign = None;
    for (cert, key) in pairs {
        let (Some(cert), Some(key)) = (file(cert), file(key)) else {
            continue;
        };
        let modulus = cert::rsa_modulus(cert).map_err(|_| KeyError::Malformed("certificate"))?;
        let decrypted = key::check_against(key, password, &modulus)?;
        sign.get_or_insert(decrypted);
    }
    sign.ok_or(KeyError::Malformed("no signPri.key"))
}

/// Why a password change failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PasswordChangeError {
    /// The folder could not be read or written.
    #[error(transparent)]
    Folder(#[from] NpkiError),
    /// The old password is wrong, or a key is damaged.
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// Changes the password of the certificate `path` names (an NPKI folder or
/// a GPKI/EPKI `_sig.cer`): checks the old one against every key,
/// re-encrypts the signing key (and the second pair's key) with the same
/// scheme, checks the new files open with the new password, then puts them
/// in place. An NPKI folder is swapped whole in one atomic exchange (Linux)
/// or each key file replaced by an atomic rename; a GPKI or EPKI
/// certificate, which shares its folder with others, has its key files
/// renamed over the old ones. R and the key are unchanged.
pub fn change_password(
    path: &std::path::Path,
    old: &[u8],
    new: &[u8],
) -> Result<(), PasswordChangeError> {
    use crate::message::Role;
    let mut item = read_certificate(path)?;
    check_password(&item, old)?;
    let mut staged = Vec::new();
    for role in [Role::SignKey, Role::SecondKey] {
        let (Some(name), Some(file)) = (item.file_name(role).map(str::to_owned), item.file(role)) else {
            continue;
        };
        let bytes = reencrypt(file.as_slice(), old, new)?;
        item.files.insert(name.clone(), crate::message::FileBytes::new(bytes.to_vec()));
        staged.push(name);
    }
    check_password(&item, new)?;
    if item.layout().is_ok_and(crate::message::Layout::is_flat) {
        flat::replace_keys(path, &item)?;
        return Ok(());
    }
    let dir = path;
    if swap::replace_keys(dir, &item)? {
        return Ok(());
    }
    // Where folders cannot be exchanged atomically: one rename per key.
    let mut temps = Vec::new();
    for name in &staged {
        let tmp = dir.join(format!("{name}.certbridge-new"));
        let bytes = item
            .files
            .get(name.as_str())
            .map(|f| f.as_slice())
            .unwrap_or_default();
        if let Err(e) = install::write_private_file(&tmp, bytes) {
            for t in &temps {
                let _ = std::fs::remove_file(t);
            }
            return Err(NpkiError::io(&tmp)(e).into());
        }
        temps.push(tmp);
    }
    for (name, tmp) in staged.iter().zip(&temps) {
        std::fs::rename(tmp, dir.join(name)).map_err(NpkiError::io(dir.join(name)))?;
    }
    Ok(())
}

impl NpkiError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Self {
        let path = path.into();
        move |source| NpkiError::Io { path, source }
    }
}

#[cfg(test)]
mod tests;
