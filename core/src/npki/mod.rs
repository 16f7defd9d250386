//! NPKI certificates (공동인증서) on disk: reading a certificate folder,
//! describing the certificate, and installing received folders safely.
//!
//! A certificate folder is `<root>/<CA>/USER/<subject folder>/` holding
//! `signCert.der` and `signPri.key`, and sometimes the key-management pair
//! `kmCert.der`/`kmPri.key` (see `docs/NPKI.md`). Files are moved byte for
//! byte. Keys are decrypted only to check a password, to change it, or to
//! convert to and from PKCS#12.

mod cert;
mod folder;
mod install;
mod key;
mod pfx;
mod roots;
mod store;
mod swap;
mod usage;

use std::io;
use std::path::PathBuf;

pub use cert::{CertSummary, EXPIRING_DAYS, Status, ca_folder_name, holder_name, inspect, subject_folder_name};
pub use folder::read_folder;

pub use install::{InstallStatus, Installed, install, install_target};
pub use key::{
    DecryptedKey, KeyEncryption, KeyError, NEW_KEY_ITERATIONS, OID_RANDOM_NUM, decrypt_private_key,
    encrypt_private_key, key_encryption, reencrypt,
};
pub use pfx::{ExportedPfx, ImportedPfx, MAX_PFX_LEN, PfxError, PfxFormat, export_pfx, import_pfx};
pub use roots::{Env, ListFailure, Listing, Os, candidate_roots, default_root, install_root, list};
pub use store::NpkiStore;
pub use usage::{Usage, UsageKind};

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
    use crate::message::{KM_CERT, KM_KEY, SIGN_CERT, SIGN_KEY};
    let file = |name: &str| item.files.get(name).map(|f| f.as_slice());
    let pairs = [(SIGN_CERT, SIGN_KEY), (KM_CERT, KM_KEY)];
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

/// Changes the password of the certificate folder `dir`: checks the old
/// one against every key, re-encrypts `signPri.key` (and `kmPri.key`) with
/// the same scheme, checks the new files open with the new password, then
/// swaps in a new copy of the folder in one atomic exchange (Linux), or
/// replaces each key file by an atomic rename. R and the key are unchanged.
pub fn change_password(
    dir: &std::path::Path,
    old: &[u8],
    new: &[u8],
) -> Result<(), PasswordChangeError> {
    use crate::message::{KM_KEY, SIGN_KEY};
    let mut item = read_folder(dir)?;
    check_password(&item, old)?;
    let mut staged = Vec::new();
    for name in [SIGN_KEY, KM_KEY] {
        let Some(file) = item.files.get(name) else {
            continue;
        };
        let bytes = reencrypt(file.as_slice(), old, new)?;
        item.files.insert(
            name.to_owned(),
            crate::message::FileBytes::new(bytes.to_vec()),
        );
        staged.push(name);
    }
    check_password(&item, new)?;
    if swap::replace_keys(dir, &item)? {
        return Ok(());
    }
    // Where folders cannot be exchanged atomically: one rename per key.
    let mut temps = Vec::new();
    for name in &staged {
        let tmp = dir.join(format!("{name}.certbridge-new"));
        let bytes = item
            .files
            .get(*name)
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
