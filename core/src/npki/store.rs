//! The desktop's [`CertificateStore`]: sends folders from disk and installs
//! received ones into an NPKI root.

use std::path::PathBuf;
use std::time::SystemTime;

use super::{CertSummary, InstallStatus, NpkiError, install, read_folder};
use crate::message::{BundleItem, ItemStatus, RejectCode};
use crate::session::store::{CertificateStore, OutgoingItem, Saved, StoreError};

/// Certificate folders on disk.
#[derive(Debug, Clone)]
pub struct NpkiStore {
    outgoing: Vec<PathBuf>,
    install_root: Option<PathBuf>,
    replace: bool,
}

impl NpkiStore {
    /// A store that sends these folders.
    pub fn sender(folders: Vec<PathBuf>) -> Self {
        Self {
            outgoing: folders,
            install_root: None,
            replace: false,
        }
    }

    /// A store that installs into `root`, replacing a different certificate
    /// of the same name only if `replace`.
    pub fn receiver(root: PathBuf, replace: bool) -> Self {
        Self {
            outgoing: Vec::new(),
            install_root: Some(root),
            replace,
        }
    }
}

impl CertificateStore for NpkiStore {
    fn load_outgoing(&self) -> Result<Vec<OutgoingItem>, StoreError> {
        self.outgoing
            .iter()
            .map(|dir| {
                let item = read_folder(dir).map_err(|e| StoreError::new(e.to_string()))?;
                let label = CertSummary::from_item(&item, SystemTime::now())
                    .map(|s| s.holder)
                    .unwrap_or_else(|_| dir.display().to_string());
                Ok(OutgoingItem { label, item })
            })
            .collect()
    }

    fn save_incoming(&self, item: &BundleItem) -> Result<Saved, StoreError> {
        let Some(root) = &self.install_root else {
            return Err(StoreError::new(
                "this device is not set up to receive certificates",
            ));
        };
        match install(root, item, self.replace) {
            Ok(installed) => Ok(Saved {
                status: match installed.status {
                    InstallStatus::Duplicate => ItemStatus::Duplicate,
                    InstallStatus::Installed | InstallStatus::Replaced => ItemStatus::Installed,
                },
                reason: None,
                code: None,
                location: Some(installed.folder.display().to_string()),
                replaced: installed.backup.map(|b| b.display().to_string()),
            }),
            Err(NpkiError::Conflict { folder }) => Ok(Saved {
                location: Some(folder.display().to_string()),
                ..Saved::rejected(
                    RejectCode::Conflict,
                    "a different certificate with the same name is already installed there (it can be replaced with --replace)",
                )
            }),
            Err(NpkiError::BadCertificate(why)) => {
                Ok(Saved::rejected(RejectCode::Invalid, format!("not a valid certificate: {why}")))
            }
            Err(e) => Err(StoreError::new(format!(
                "could not install the certificate: {e}"
            ))),
        }
    }
}
