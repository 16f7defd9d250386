//! Session tests: the machines without I/O, then whole sessions over
//! loopback TCP.

mod hardening;
mod typed;
mod machines;
mod sessions;

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::store::{CertificateStore, OutgoingItem, Saved, StoreError};
use crate::message::{BundleItem, FileBytes, ItemStatus};

/// A certificate folder with recognisable bytes.
pub(super) fn item(seed: u8, with_km: bool) -> BundleItem {
    let mut files = BTreeMap::new();
    files.insert("signCert.der".to_owned(), FileBytes::new(vec![seed; 900]));
    files.insert(
        "signPri.key".to_owned(),
        FileBytes::new(vec![seed.wrapping_add(1); 1200]),
    );
    if with_km {
        files.insert(
            "kmCert.der".to_owned(),
            FileBytes::new(vec![seed.wrapping_add(2); 800]),
        );
        files.insert(
            "kmPri.key".to_owned(),
            FileBytes::new(vec![seed.wrapping_add(3); 1100]),
        );
    }
    BundleItem::npki(files)
}

pub(super) fn outgoing(items: &[BundleItem]) -> Vec<OutgoingItem> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| OutgoingItem {
            label: format!("cert {i}"),
            item: item.clone(),
        })
        .collect()
}

/// An in-memory store that records what it saved.
#[derive(Default)]
pub(super) struct MemoryStore {
    pub(super) outgoing: Vec<OutgoingItem>,
    pub(super) saved: Mutex<Vec<BundleItem>>,
    pub(super) fail_saves: bool,
    /// How long each save takes, to catch a session that ends mid-save.
    pub(super) save_delay: Option<std::time::Duration>,
}

impl MemoryStore {
    pub(super) fn sending(items: &[BundleItem]) -> Self {
        Self {
            outgoing: outgoing(items),
            ..Self::default()
        }
    }

    pub(super) fn saved(&self) -> Vec<BundleItem> {
        self.saved.lock().unwrap().clone()
    }
}

impl CertificateStore for MemoryStore {
    fn load_outgoing(&self) -> Result<Vec<OutgoingItem>, StoreError> {
        Ok(self.outgoing.clone())
    }

    fn save_incoming(&self, item: &BundleItem) -> Result<Saved, StoreError> {
        if self.fail_saves {
            return Err(StoreError::new("the disk is full"));
        }
        if let Some(delay) = self.save_delay {
            std::thread::sleep(delay);
        }
        let mut saved = self.saved.lock().unwrap();
        let status = if saved.contains(item) {
            ItemStatus::Duplicate
        } else {
            saved.push(item.clone());
            ItemStatus::Installed
        };
        Ok(Saved {
            status,
            reason: None,
            code: None,
            replaced: None,
            location: Some(format!("memory/{}", saved.len())),
        })
    }
}
