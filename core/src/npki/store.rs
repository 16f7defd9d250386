//! The desktop's [`CertificateStore`]: sends folders from disk and installs
//! received ones into an NPKI root.

use std::path::PathBuf;
use std::time::SystemTime;

use super::{CertSummary, InstallRoots, InstallStatus, NpkiError, install, read_certificate};
use crate::message::{BundleItem, ItemStatus, Layout, RejectCode};
use crate::session::store::{CertificateStore, OutgoingItem, Saved, StoreError};

/// Certificates on disk, in both layouts.
#[derive(Debug, Clone)]
pub struct NpkiStore {
    outgoing: Vec<PathBuf>,
    install_roots: Option<InstallRoots>,
    replace: bool,
}

impl NpkiStore {
    /// A store that sends these certificates (NPKI folders or GPKI/EPKI
    /// `_sig.cer` paths).
    pub fn sender(certificates: Vec<PathBuf>) -> Self {
        Self {
            outgoing: certificates,
            install_roots: None,
            replace: false,
        }
    }

    /// A store that installs into `roots`, each certificate in its own
    /// layout's root, replacing a different certificate of the same name
    /// only if `replace`.
    pub fn receiver(roots: InstallRoots, replace: bool) -> Self {
        Self {
            outgoing: Vec::new(),
            install_roots: Some(roots),
            replace,
        }
    }
}

impl NpkiStore {
    /// A store that may do either, for a scanner that typed a code (the
    /// desktop says which way certificates move): sends `certificates`,
    /// installs into `roots`.
    pub fn either(certificates: Vec<PathBuf>, roots: InstallRoots, replace: bool) -> Self {
        Self { outgoing: certificates, install_roots: Some(roots), replace }
    }
}

/// Installs `item` under the root of its layout.
fn install_any(roots: &InstallRoots, item: &BundleItem, replace: bool) -> Result<super::Installed, NpkiError> {
    let layout = item.layout().map_err(|e| NpkiError::BadCertificate(e.to_string()))?;
    if layout == Layout::Npki {
        return install(&roots.npki, item, replace);
    }
    super::install::check_received(item)?;
    let summary = CertSummary::from_item(item, SystemTime::now())?;
    let server = super::usage::is_server(summary.policy_oid.as_deref());
    let dir = super::flat::install_dir(roots.for_layout(layout), server);
    super::flat::install_flat(&dir, item, replace)
}

impl CertificateStore for NpkiStore {
    fn load_outgoing(&self) -> Result<Vec<OutgoingItem>, StoreError> {
        self.outgoing
            .iter()
            .map(|dir| {
                let item = read_certificate(dir).map_err(|e| StoreError::new(e.to_string()))?;
                let label = CertSummary::from_item(&item, SystemTime::now())
                    .map(|s| s.holder)
                    .unwrap_or_else(|_| dir.display().to_string());
                Ok(OutgoingItem { label, item })
            })
            .collect()
    }

    fn save_incoming(&self, item: &BundleItem) -> Result<Saved, StoreError> {
        let Some(roots) = &self.install_roots else {
            return Err(StoreError::new(
                "this device is not set up to receive certificates",
            ));
        };
        if let Err(e) = item.layout() {
            return Ok(Saved::rejected(RejectCode::Unsupported, e.to_string()));
        }
        match install_any(roots, item, self.replace) {
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

    fn remove_sent(&self, index: usize, sent: &OutgoingItem) -> Result<(), StoreError> {
        let path = self.outgoing.get(index).ok_or_else(|| StoreError::new("no such certificate was sent"))?;
        super::remove_sent(path, &sent.item).map_err(|e| StoreError::new(e.to_string()))
    }
}
