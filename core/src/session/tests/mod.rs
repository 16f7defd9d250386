//! Session tests: the machines without I/O, then whole sessions over
//! loopback TCP.

mod hardening;
mod typed;
mod machines;
mod moves;
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
    /// Items this store refuses (as a conflict).
    pub(super) refuse: Vec<BundleItem>,
    /// What `load_outgoing` gives after its first call (the files changed
    /// on disk meanwhile), when set.
    pub(super) outgoing_later: Option<Vec<OutgoingItem>>,
    /// Whether `remove_sent` fails.
    pub(super) fail_removes: bool,
    /// How many times `load_outgoing` was called.
    pub(super) loads: Mutex<usize>,
    /// The indices `remove_sent` removed.
    pub(super) removed: Mutex<Vec<usize>>,
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
        let mut loads = self.loads.lock().unwrap();
        *loads += 1;
        match &self.outgoing_later {
            Some(later) if *loads > 1 => Ok(later.clone()),
            _ => Ok(self.outgoing.clone()),
        }
    }

    fn remove_sent(&self, index: usize, sent: &OutgoingItem) -> Result<(), StoreError> {
        if self.fail_removes {
            return Err(StoreError::new("the folder is read-only"));
        }
        assert_eq!(sent.item, self.outgoing[index].item, "asked to remove another item than the one sent");
        self.removed.lock().unwrap().push(index);
        Ok(())
    }

    fn save_incoming(&self, item: &BundleItem) -> Result<Saved, StoreError> {
        if self.fail_saves {
            return Err(StoreError::new("the disk is full"));
        }
        if let Some(delay) = self.save_delay {
            std::thread::sleep(delay);
        }
        if self.refuse.contains(item) {
            return Ok(Saved::rejected(crate::message::RejectCode::Conflict, "taken"));
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
