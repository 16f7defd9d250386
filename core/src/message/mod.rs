//! The messages of protocol v1, after the handshake (`docs/PROTOCOL.md` §5).
//!
//! Every message is one CBOR map in one Noise transport message, with a text
//! key `t` naming it. Unknown keys are ignored; an unknown `t` is an error
//! that ends the session. This module holds every shape that crosses the
//! wire; the session modules decide when each may appear. [`layout`] holds
//! the file-naming rules of the certificate layouts an item can carry.

mod layout;

pub use layout::{Layout, MAX_ID_LEN, Role, is_valid_id, parse_flat_name};

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The signing certificate.
pub const SIGN_CERT: &str = "signCert.der";
/// The encrypted signing key.
pub const SIGN_KEY: &str = "signPri.key";
/// The key-management certificate (optional).
pub const KM_CERT: &str = "kmCert.der";
/// The encrypted key-management key (optional).
pub const KM_KEY: &str = "kmPri.key";
/// The only file names a bundle item may carry.
pub const FILE_NAMES: [&str; 4] = [SIGN_CERT, SIGN_KEY, KM_CERT, KM_KEY];
/// The largest single certificate or key file accepted.
pub const MAX_FILE_LEN: usize = 16 * 1024;
/// The longest `reason` text accepted or sent.
pub const MAX_REASON_LEN: usize = 200;
/// The most certificates one bundle carries. A person has a handful; the
/// bound keeps the receipt (about 200 bytes an item) far inside one
/// message, whatever a peer sends.
pub const MAX_BUNDLE_ITEMS: usize = 32;

/// One message of the session.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Message {
    /// Desktop → scanner: the verification number was typed right.
    Confirmed,
    /// The sending side's certificates.
    Bundle {
        /// One entry per certificate folder.
        items: Vec<BundleItem>,
    },
    /// The receiving side's answer to a bundle, item by item.
    Receipt {
        /// One entry per bundle item, in the same order.
        items: Vec<ReceiptItem>,
    },
    /// Either side gives up; the session ends.
    Abort {
        /// Why, in words for the other user (shown only when `code` is
        /// absent or unknown).
        reason: String,
        /// Why, as an [`AbortCode`] name, so the other side can say it in
        /// its user's language. Absent from older peers; unknown names are
        /// kept as text and ignored.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
    },
}

/// Why a side aborted, in a form the other side can put in its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbortCode {
    /// The user cancelled (Ctrl-C, a Cancel button).
    Cancelled,
    /// The verification number was typed wrong too often.
    CodeMismatch,
    /// The user declined to send.
    Declined,
    /// A deadline passed.
    Timeout,
    /// The receiving side could not save.
    SaveFailed,
    /// The other side broke the protocol.
    Protocol,
}

impl AbortCode {
    /// Every code.
    pub const ALL: [AbortCode; 6] = [
        AbortCode::Cancelled,
        AbortCode::CodeMismatch,
        AbortCode::Declined,
        AbortCode::Timeout,
        AbortCode::SaveFailed,
        AbortCode::Protocol,
    ];

    /// The code's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            AbortCode::Cancelled => "cancelled",
            AbortCode::CodeMismatch => "code_mismatch",
            AbortCode::Declined => "declined",
            AbortCode::Timeout => "timeout",
            AbortCode::SaveFailed => "save_failed",
            AbortCode::Protocol => "protocol",
        }
    }

    /// The code of a wire name; `None` for names this version does not know.
    pub fn from_wire(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// Why a receiver refused one item, in a form the sender can put in its
/// own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectCode {
    /// A different certificate of the same name is installed there.
    Conflict,
    /// The item is not a valid certificate.
    Invalid,
    /// The item's layout is one this receiver cannot install.
    Unsupported,
}

impl RejectCode {
    /// Every code.
    pub const ALL: [RejectCode; 3] = [RejectCode::Conflict, RejectCode::Invalid, RejectCode::Unsupported];

    /// The code's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::Conflict => "conflict",
            RejectCode::Invalid => "invalid",
            RejectCode::Unsupported => "unsupported",
        }
    }

    /// The code of a wire name; `None` for names this version does not know.
    pub fn from_wire(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl Message {
    /// The message's name, as in its `t` key.
    pub fn name(&self) -> &'static str {
        match self {
            Message::Confirmed => "confirmed",
            Message::Bundle { .. } => "bundle",
            Message::Receipt { .. } => "receipt",
            Message::Abort { .. } => "abort",
        }
    }

    /// An abort with `reason` cut to [`MAX_REASON_LEN`] bytes, and no code.
    pub fn abort(reason: &str) -> Self {
        Message::Abort {
            reason: crate::invite::truncate_utf8(reason, MAX_REASON_LEN).to_owned(),
            code: None,
        }
    }

    /// An abort with its code and a reason for peers that do not know the
    /// code.
    pub fn abort_with(code: AbortCode, reason: &str) -> Self {
        Message::Abort {
            reason: crate::invite::truncate_utf8(reason, MAX_REASON_LEN).to_owned(),
            code: Some(code.as_str().to_owned()),
        }
    }

    /// The CBOR bytes, in a buffer wiped when dropped (bundles hold keys).
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::new());
        ciborium::ser::into_writer(self, &mut *out)
            .unwrap_or_else(|e| unreachable!("CBOR into a Vec: {e}"));
        out
    }

    /// Reads a message from CBOR bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, MessageError> {
        ciborium::de::from_reader(bytes).map_err(|e| MessageError::Malformed(e.to_string()))
    }
}

/// A message that is not valid protocol v1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MessageError {
    /// Not CBOR, not a map, an unknown `t`, or a field of the wrong type.
    #[error("the other device sent a message this version does not understand ({0})")]
    Malformed(String),
}

/// A file's bytes. Keys are sensitive even encrypted (their password can be
/// guessed offline), so the buffer is wiped when dropped and never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct FileBytes(Zeroizing<Vec<u8>>);

impl Serialize for FileBytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for FileBytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bytes: serde_bytes::ByteBuf = Deserialize::deserialize(deserializer)?;
        Ok(Self::new(bytes.into_vec()))
    }
}

impl FileBytes {
    /// Wraps bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// SHA-256 of the bytes.
    pub fn sha256(&self) -> [u8; 32] {
        Sha256::digest(self.as_slice()).into()
    }
}

impl fmt::Debug for FileBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FileBytes({} bytes)", self.0.len())
    }
}

/// The files of one certificate, by file name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleItem {
    /// File name → bytes. See [`BundleItem::validate`] for what is allowed.
    pub files: BTreeMap<String, FileBytes>,
    /// The layout whose file names the item uses ([`Layout::wire`]); absent
    /// for NPKI, so that items are what older peers sent and expect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<String>,
}

/// Why a received bundle item is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ItemError {
    /// A file name outside [`FILE_NAMES`].
    #[error("unexpected file {0:?}")]
    UnexpectedFile(String),
    /// `signCert.der` or `signPri.key` is absent.
    #[error("{0} is missing")]
    MissingFile(&'static str),
    /// One of the km pair is present without the other.
    #[error("kmCert.der and kmPri.key must come together")]
    HalfKmPair,
    /// A file is empty or larger than [`MAX_FILE_LEN`].
    #[error("{0} has an impossible size")]
    BadSize(String),
    /// A layout this version does not know.
    #[error("the certificate has a layout this version does not know ({0:?})")]
    UnknownLayout(String),
    /// A flat-layout item with files of more than one holder.
    #[error("the files belong to more than one holder")]
    MixedHolders,
}

impl BundleItem {
    /// Checks the item carries exactly what one certificate of its layout
    /// holds: the signing pair, optionally the second pair, nothing else,
    /// no file empty or huge, one holder. File names come from the peer,
    /// so nothing else may ever reach the file system.
    pub fn validate(&self) -> Result<(), ItemError> {
        self.check_names()?;
        for (name, bytes) in &self.files {
            if bytes.as_slice().is_empty() || bytes.as_slice().len() > MAX_FILE_LEN {
                return Err(ItemError::BadSize(crate::invite::truncate_utf8(name, 64).to_owned()));
            }
        }
        Ok(())
    }

    /// SHA-256 of every file, by name.
    pub fn digests(&self) -> BTreeMap<String, Digest32> {
        self.files
            .iter()
            .map(|(n, b)| (n.clone(), Digest32(b.sha256())))
            .collect()
    }

    /// Total bytes of all files.
    pub fn len(&self) -> usize {
        self.files.values().map(|b| b.as_slice().len()).sum()
    }

    /// True when the item holds no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// A SHA-256 digest, as CBOR bytes.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Digest32(#[serde(with = "serde_bytes")] pub [u8; 32]);

impl fmt::Debug for Digest32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", hex::encode(self.0))
    }
}

/// What became of one bundle item on the receiving side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Written to the store.
    Installed,
    /// The same certificate was already there; nothing changed.
    Duplicate,
    /// Not installed; see the reason.
    Rejected,
}

impl ItemStatus {
    /// The status's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Installed => "installed",
            ItemStatus::Duplicate => "duplicate",
            ItemStatus::Rejected => "rejected",
        }
    }
}

/// One item of a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptItem {
    /// What happened to the item.
    pub status: ItemStatus,
    /// Why it was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Why it was rejected, as a [`RejectCode`] name (absent from older
    /// peers; unknown names are ignored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// SHA-256 of each file as received, so the sender can check that what
    /// arrived is what it sent.
    #[serde(default)]
    pub sha256: BTreeMap<String, Digest32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> BundleItem {
        BundleItem::npki(BTreeMap::from([
            (SIGN_CERT.to_owned(), FileBytes::new(vec![1, 2, 3])),
            (SIGN_KEY.to_owned(), FileBytes::new(vec![4, 5])),
        ]))
    }

    fn hex_of(m: &Message) -> String {
        hex::encode(&*m.encode())
    }

    /// Golden bytes, checked against an independent encoder (Python's
    /// `cbor2`): what other implementations must produce and accept.
    #[test]
    fn golden_bytes() {
        assert_eq!(hex_of(&Message::Confirmed), "a1617469636f6e6669726d6564");
        assert_eq!(
            hex_of(&Message::abort("no")),
            "a261746561626f727466726561736f6e626e6f"
        );
        // {"t": "abort", "reason": "no", "code": "cancelled"}
        assert_eq!(
            hex_of(&Message::abort_with(AbortCode::Cancelled, "no")),
            "a361746561626f727466726561736f6e626e6f64636f64656963616e63656c6c6564"
        );
        assert_eq!(
            hex_of(&Message::Bundle {
                items: vec![item()]
            }),
            concat!(
                "a2",
                "6174",
                "6662756e646c65", // t: "bundle"
                "656974656d73",
                "81", // items: [ 1 item ]
                "a1",
                "6566696c6573",
                "a2", // { files: { 2 files } }
                "6c7369676e436572742e646572",
                "43010203", // "signCert.der": h'010203'
                "6b7369676e5072692e6b6579",
                "420405", // "signPri.key": h'0405'
            )
        );
        let receipt = Message::Receipt {
            items: vec![ReceiptItem {
                status: ItemStatus::Rejected,
                reason: Some("x".into()),
                code: None,
                sha256: BTreeMap::new(),
            }],
        };
        assert_eq!(
            hex_of(&receipt),
            concat!(
                "a2",
                "6174",
                "6772656365697074", // t: "receipt"
                "656974656d73",
                "81", // items: [ 1 item ]
                "a3",
                "66737461747573",
                "6872656a6563746564", // status: "rejected"
                "66726561736f6e",
                "6178", // reason: "x"
                "66736861323536",
                "a0", // sha256: {}
            )
        );
    }

    #[test]
    fn codes_round_trip_and_unknown_codes_are_tolerated() {
        for code in AbortCode::ALL {
            let Message::Abort { code: Some(name), .. } = Message::decode(&Message::abort_with(code, "r").encode()).unwrap() else {
                panic!("{code:?}")
            };
            assert_eq!(AbortCode::from_wire(&name), Some(code));
        }
        for code in RejectCode::ALL {
            assert_eq!(RejectCode::from_wire(code.as_str()), Some(code));
        }
        // A later version's code still decodes; it is just not known.
        let later = ciborium::value::Value::Map(vec![
            ("t".into(), "abort".into()),
            ("reason".into(), "r".into()),
            ("code".into(), "solar_flare".into()),
        ]);
        let mut bytes = Vec::new();
        ciborium::ser::into_writer(&later, &mut bytes).unwrap();
        let Message::Abort { code: Some(name), .. } = Message::decode(&bytes).unwrap() else { panic!() };
        assert_eq!(AbortCode::from_wire(&name), None);
    }

    #[test]
    fn a_gpki_item_carries_its_layout_and_an_npki_item_none() {
        let gpki = BundleItem::with_layout(
            Layout::Gpki,
            BTreeMap::from([
                ("h1_sig.cer".to_owned(), FileBytes::new(vec![1])),
                ("h1_sig.key".to_owned(), FileBytes::new(vec![2])),
            ]),
        );
        // {"files": {"h1_sig.cer": h'01', "h1_sig.key": h'02'}, "layout": "gpki"}
        assert_eq!(
            hex::encode(&*Message::Bundle { items: vec![gpki.clone()] }.encode()),
            concat!(
                "a2", "6174", "6662756e646c65", "656974656d73", "81",
                "a2", "6566696c6573", "a2", "6a68315f7369672e636572", "4101", "6a68315f7369672e6b6579", "4102",
                "666c61796f7574", "6467706b69",
            )
        );
        let Message::Bundle { items } = Message::decode(&Message::Bundle { items: vec![gpki.clone()] }.encode()).unwrap() else {
            panic!()
        };
        assert_eq!(items[0], gpki);
        assert_eq!(items[0].layout(), Ok(Layout::Gpki));
        assert!(!hex_of(&Message::Bundle { items: vec![item()] }).contains("666c61796f7574"), "NPKI items carry no layout key");
    }

    #[test]
    fn round_trips() {
        let m = Message::Bundle {
            items: vec![item()],
        };
        let Message::Bundle { items } = Message::decode(&m.encode()).unwrap() else {
            panic!()
        };
        assert_eq!(items, vec![item()]);
    }

    #[test]
    fn unknown_keys_are_ignored_but_unknown_types_fail() {
        let with_extra = ciborium::value::Value::Map(vec![
            ("t".into(), "confirmed".into()),
            ("later".into(), 1.into()),
        ]);
        let mut bytes = Vec::new();
        ciborium::ser::into_writer(&with_extra, &mut bytes).unwrap();
        assert!(matches!(Message::decode(&bytes), Ok(Message::Confirmed)));

        let unknown = ciborium::value::Value::Map(vec![("t".into(), "delete_everything".into())]);
        let mut bytes = Vec::new();
        ciborium::ser::into_writer(&unknown, &mut bytes).unwrap();
        assert!(matches!(
            Message::decode(&bytes),
            Err(MessageError::Malformed(_))
        ));

        for junk in [&b""[..], b"\xa0", b"\x01", b"\xff\xff"] {
            assert!(Message::decode(junk).is_err());
        }
    }

    #[test]
    fn validate_accepts_only_certificate_files() {
        assert_eq!(item().validate(), Ok(()));

        let mut traversal = item();
        traversal
            .files
            .insert("../../.bashrc".into(), FileBytes::new(vec![1]));
        assert!(matches!(
            traversal.validate(),
            Err(ItemError::UnexpectedFile(_))
        ));

        let mut no_key = item();
        no_key.files.remove(SIGN_KEY);
        assert_eq!(no_key.validate(), Err(ItemError::MissingFile(SIGN_KEY)));

        let mut half_km = item();
        half_km
            .files
            .insert(KM_CERT.into(), FileBytes::new(vec![1]));
        assert_eq!(half_km.validate(), Err(ItemError::HalfKmPair));

        let mut huge = item();
        huge.files
            .insert(SIGN_CERT.into(), FileBytes::new(vec![0; MAX_FILE_LEN + 1]));
        assert!(matches!(huge.validate(), Err(ItemError::BadSize(_))));

        let mut empty = item();
        empty.files.insert(SIGN_CERT.into(), FileBytes::new(vec![]));
        assert!(matches!(empty.validate(), Err(ItemError::BadSize(_))));
    }

    #[test]
    fn debug_never_prints_file_bytes() {
        let dbg = format!(
            "{:?}",
            Message::Bundle {
                items: vec![item()]
            }
        );
        assert!(dbg.contains("3 bytes"), "{dbg}");
        assert!(!dbg.contains("[1, 2, 3]"), "{dbg}");
    }
}
