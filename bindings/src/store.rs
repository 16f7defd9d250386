//! The app's certificate storage, seen by the core.
//!
//! Apps implement [`CertificateStore`] over their protected storage
//! (Android Keystore-wrapped files, the iOS Keychain, a folder in Python);
//! [`AppStore`] adapts it to the core's store trait.

use std::sync::Arc;
use std::time::SystemTime;

use certbridge_core::message::{BundleItem, FileBytes, ItemStatus as CoreItemStatus, Layout, RejectCode, Role};
use certbridge_core::npki::CertSummary;
use certbridge_core::session::{self, OutgoingItem, Saved};

use crate::certificate::CertificateInfo;
use crate::error::{CertificateError, StoreError};
use crate::session::ItemStatus;

/// Which rules a certificate's files follow on a PC's disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CertificateLayout {
    /// 공동인증서: a folder of its own (`signCert.der`, `signPri.key`, …).
    Npki,
    /// 행정전자서명: `<id>_sig.cer`, `<id>_sig.key`, … in a shared folder.
    Gpki,
    /// 교육 전자서명: as GPKI, in the EPKI folder.
    Epki,
}

impl From<Layout> for CertificateLayout {
    fn from(layout: Layout) -> Self {
        match layout {
            Layout::Npki => CertificateLayout::Npki,
            Layout::Gpki => CertificateLayout::Gpki,
            Layout::Epki => CertificateLayout::Epki,
        }
    }
}

impl From<CertificateLayout> for Layout {
    fn from(layout: CertificateLayout) -> Self {
        match layout {
            CertificateLayout::Npki => Layout::Npki,
            CertificateLayout::Gpki => Layout::Gpki,
            CertificateLayout::Epki => Layout::Epki,
        }
    }
}

/// One certificate's files, byte for byte: the signing pair and, when
/// present, the second pair (NPKI's key-management `kmCert.der` +
/// `kmPri.key`, GPKI/EPKI's encryption `_env` pair).
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct CertificateFiles {
    /// `signCert.der` / `<id>_sig.cer`.
    pub sign_cert: Vec<u8>,
    /// `signPri.key` / `<id>_sig.key` (encrypted; never decrypted by the transfer).
    pub sign_key: Vec<u8>,
    /// `kmCert.der` / `<id>_env.cer`, when present.
    pub km_cert: Option<Vec<u8>>,
    /// `kmPri.key` / `<id>_env.key`, when present.
    pub km_key: Option<Vec<u8>>,
    /// The layout; `None` is NPKI, as every certificate before layouts.
    #[uniffi(default = None)]
    pub layout: Option<CertificateLayout>,
    /// GPKI/EPKI: the holder's id the file names start with.
    #[uniffi(default = None)]
    pub holder_id: Option<String>,
}

impl std::fmt::Debug for CertificateFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateFiles")
            .field("layout", &self.layout)
            .field("has_km", &self.km_cert.is_some())
            .finish_non_exhaustive()
    }
}

impl CertificateFiles {
    /// The core's form, checked like a received folder.
    pub(crate) fn into_item(self) -> Result<BundleItem, CertificateError> {
        let layout = Layout::from(self.layout.unwrap_or(CertificateLayout::Npki));
        let id = match (layout.is_flat(), self.holder_id) {
            (false, _) => String::new(),
            (true, Some(id)) => id,
            (true, None) => return Err(CertificateError::Damaged { reason: "a GPKI/EPKI certificate needs its holder's id".into() }),
        };
        let mut item = BundleItem::with_layout(layout, Default::default());
        let pairs = [
            (Role::SignCert, Some(self.sign_cert)),
            (Role::SignKey, Some(self.sign_key)),
            (Role::SecondCert, self.km_cert),
            (Role::SecondKey, self.km_key),
        ];
        for (role, bytes) in pairs {
            if let Some(bytes) = bytes {
                item.files.insert(role.file_name(layout, &id), FileBytes::new(bytes));
            }
        }
        item.validate().map_err(|e| CertificateError::Damaged { reason: e.to_string() })?;
        Ok(item)
    }

    pub(crate) fn from_item(item: &BundleItem) -> Self {
        let file = |role: Role| item.file(role).map(|f| f.as_slice().to_vec());
        let layout = item.layout().unwrap_or(Layout::Npki);
        CertificateFiles {
            sign_cert: file(Role::SignCert).unwrap_or_default(),
            sign_key: file(Role::SignKey).unwrap_or_default(),
            km_cert: file(Role::SecondCert),
            km_key: file(Role::SecondKey),
            layout: layout.is_flat().then_some(layout.into()),
            holder_id: item.flat_id().map(str::to_owned),
        }
    }
}

/// Why a receiver refused a certificate, in a form the sender puts in its
/// own user's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RejectReason {
    /// A different certificate is stored under the same name (serial).
    Conflict,
    /// Not a valid certificate.
    Invalid,
    /// A kind of certificate this receiver cannot store.
    Unsupported,
}

impl From<RejectCode> for RejectReason {
    fn from(code: RejectCode) -> Self {
        match code {
            RejectCode::Conflict => RejectReason::Conflict,
            RejectCode::Invalid => RejectReason::Invalid,
            RejectCode::Unsupported => RejectReason::Unsupported,
        }
    }
}

impl From<RejectReason> for RejectCode {
    fn from(reason: RejectReason) -> Self {
        match reason {
            RejectReason::Conflict => RejectCode::Conflict,
            RejectReason::Invalid => RejectCode::Invalid,
            RejectReason::Unsupported => RejectCode::Unsupported,
        }
    }
}

/// What the store did with a received certificate.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SaveResult {
    /// Installed, already there, or refused.
    pub status: ItemStatus,
    /// Why it was refused, as a code the sender can put in its words.
    pub code: Option<RejectReason>,
    /// Why it was refused, in words for senders that know no codes.
    pub reason: Option<String>,
    /// Where it is now, in the app's words.
    pub location: Option<String>,
    /// Set when it replaced a stored copy (one this device could no longer
    /// open): what became of that copy.
    pub replaced: Option<String>,
}

/// The app's certificate storage.
#[uniffi::export(with_foreign)]
pub trait CertificateStore: Send + Sync {
    /// Every stored certificate (for the home screen).
    fn list(&self) -> Result<Vec<CertificateFiles>, StoreError>;
    /// Saves a received certificate. Must be atomic: when it fails or
    /// refuses, nothing of the certificate may remain.
    fn save(&self, certificate: CertificateFiles) -> Result<SaveResult, StoreError>;
    /// The certificates the user chose to send (phone → PC).
    fn load_outgoing(&self) -> Result<Vec<CertificateFiles>, StoreError>;
    /// A move (`ScanSession::set_move_sent`): removes this phone's copy of
    /// `certificate`, one of those `load_outgoing` gave, after the PC
    /// confirmed it holds every file byte for byte. All of its files or
    /// none; an error leaves it in place (the result then says so).
    fn remove(&self, certificate: CertificateFiles) -> Result<(), StoreError>;
}

/// A stored certificate: its description, with the files it describes.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct StoredCertificate {
    /// What the home screen shows.
    pub info: CertificateInfo,
    /// The files, to send this certificate.
    pub files: CertificateFiles,
}

/// Describes every certificate in the store, each with its own files, in one
/// pass over the store; damaged ones are skipped.
#[uniffi::export]
pub fn list_certificates(store: Arc<dyn CertificateStore>) -> Result<Vec<StoredCertificate>, StoreError> {
    let now = SystemTime::now();
    Ok(store
        .list()?
        .into_iter()
        .filter_map(|files| {
            let item = files.clone().into_item().ok()?;
            let info = CertSummary::from_item(&item, now).ok()?.into();
            Some(StoredCertificate { info, files })
        })
        .collect())
}

/// The app's store as the core sees it.
pub(crate) struct AppStore(pub(crate) Arc<dyn CertificateStore>);

impl session::CertificateStore for AppStore {
    fn load_outgoing(&self) -> Result<Vec<OutgoingItem>, session::StoreError> {
        let now = SystemTime::now();
        self.0
            .load_outgoing()
            .map_err(|e| session::StoreError::new(e.to_string()))?
            .into_iter()
            .map(|files| {
                let item = files.into_item().map_err(|e| session::StoreError::new(e.to_string()))?;
                let label = CertSummary::from_item(&item, now)
                    .map(|s| s.holder)
                    .map_err(|e| session::StoreError::new(e.to_string()))?;
                Ok(OutgoingItem { label, item })
            })
            .collect()
    }

    fn save_incoming(&self, item: &BundleItem) -> Result<Saved, session::StoreError> {
        let result = self.0.save(CertificateFiles::from_item(item)).map_err(|e| session::StoreError::new(e.to_string()))?;
        Ok(Saved {
            status: match result.status {
                ItemStatus::Installed => CoreItemStatus::Installed,
                ItemStatus::Duplicate => CoreItemStatus::Duplicate,
                ItemStatus::Rejected => CoreItemStatus::Rejected,
            },
            reason: result.reason,
            code: result.code.map(RejectCode::from),
            replaced: result.replaced,
            location: result.location,
        })
    }

    fn remove_sent(&self, _index: usize, sent: &OutgoingItem) -> Result<(), session::StoreError> {
        self.0.remove(CertificateFiles::from_item(&sent.item)).map_err(|e| session::StoreError::new(e.to_string()))
    }
}
