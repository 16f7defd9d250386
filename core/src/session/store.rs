//! Where certificates come from and go to: the one thing a session asks of
//! its embedder.
//!
//! The desktop backs this with NPKI folders ([`crate::npki::NpkiStore`]); a
//! phone app backs it with its own protected storage through the bindings.
//! Calls are blocking and run off the async runtime.

use crate::message::{BundleItem, ItemStatus, RejectCode};

/// One certificate offered for sending, with a label for the user.
#[derive(Debug, Clone)]
pub struct OutgoingItem {
    /// What the user calls it (usually the subject CN).
    pub label: String,
    /// The folder's files, byte for byte.
    pub item: BundleItem,
}

/// What the store did with one received item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// Installed, duplicate or rejected.
    pub status: ItemStatus,
    /// Why it was rejected, in words for the sender's user (for peers
    /// that do not know `code`).
    pub reason: Option<String>,
    /// Why it was rejected, as a code the sender can put in its user's
    /// words.
    pub code: Option<RejectCode>,
    /// Where it is (a folder path or an app-specific name); for a conflict,
    /// the place that is taken.
    pub location: Option<String>,
    /// Where the certificate it replaced was kept, when it replaced one.
    pub replaced: Option<String>,
}

impl Saved {
    /// An item the store refused, with its code and a reason for peers
    /// that do not know codes.
    pub fn rejected(code: RejectCode, reason: impl Into<String>) -> Self {
        Self {
            status: ItemStatus::Rejected,
            reason: Some(reason.into()),
            code: Some(code),
            location: None,
            replaced: None,
        }
    }
}

/// A store failure that ends the session (as opposed to one refused item).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StoreError {
    /// What went wrong, in words a user can act on.
    pub message: String,
}

impl StoreError {
    /// A store error with a message for the user.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// The certificates a session sends from and saves into.
pub trait CertificateStore: Send + Sync {
    /// The certificates to send, when this side sends. Called before the
    /// invite is shown or the connection made, so a bad folder is reported
    /// before the user scans anything.
    fn load_outgoing(&self) -> Result<Vec<OutgoingItem>, StoreError>;

    /// Saves one received, already validated item. Must be atomic: on error
    /// or rejection nothing of the item may remain.
    fn save_incoming(&self, item: &BundleItem) -> Result<Saved, StoreError>;

    /// Removes this side's copy of the `index`-th item [`load_outgoing`]
    /// gave, after the receiver confirmed it holds every file byte for
    /// byte (a *move*). `sent` is what went out: a store must not remove
    /// files that changed since. Either everything of the item goes or
    /// nothing does. Stores that cannot remove keep the default.
    ///
    /// [`load_outgoing`]: CertificateStore::load_outgoing
    fn remove_sent(&self, index: usize, sent: &OutgoingItem) -> Result<(), StoreError> {
        let _ = (index, sent);
        Err(StoreError::new("this device cannot remove certificates it sent"))
    }
}
