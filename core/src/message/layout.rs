//! Which files a bundle item carries, and what they are called: the layout
//! of the certificate on the disk it came from (`docs/PROTOCOL.md` §5).
//!
//! * **NPKI** (공동인증서): a folder of its own holding `signCert.der`,
//!   `signPri.key` and, sometimes, `kmCert.der` + `kmPri.key`.
//! * **GPKI** (행정전자서명) and **EPKI** (교육 전자서명): several holders'
//!   files side by side in one folder, named by the holder's id:
//!   `<id>_sig.cer` + `<id>_sig.key` (signing) and, sometimes,
//!   `<id>_env.cer` + `<id>_env.key` (encryption, the counterpart of NPKI's
//!   km pair).
//!
//! The files travel with their own names and bytes; an item's `layout` key
//! says which rules its names follow. An item without one is NPKI, as every
//! item was before layouts existed, so older peers keep working.

use super::{BundleItem, ItemError};

/// The layout of one certificate's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// `<root>/<CA>/USER/<subject>/signCert.der` …
    Npki,
    /// `GPKI/Certificate/class2/<id>_sig.cer` …
    Gpki,
    /// `EPKI/Certificate/class2/<id>_sig.cer` …
    Epki,
}

impl Layout {
    /// Every layout.
    pub const ALL: [Layout; 3] = [Layout::Npki, Layout::Gpki, Layout::Epki];

    /// The name in an item's `layout` key; NPKI items carry none.
    pub fn wire(self) -> Option<&'static str> {
        match self {
            Layout::Npki => None,
            Layout::Gpki => Some("gpki"),
            Layout::Epki => Some("epki"),
        }
    }

    /// A stable name (JSON output): `npki`, `gpki`, `epki`.
    pub fn as_str(self) -> &'static str {
        self.wire().unwrap_or("npki")
    }

    /// The layout of an item's `layout` key; `None` for a name this version
    /// does not know.
    pub fn from_wire(name: Option<&str>) -> Option<Self> {
        match name {
            None | Some("npki") => Some(Layout::Npki),
            Some("gpki") => Some(Layout::Gpki),
            Some("epki") => Some(Layout::Epki),
            Some(_) => None,
        }
    }

    /// True for the layouts that keep several holders in one folder.
    pub fn is_flat(self) -> bool {
        self != Layout::Npki
    }
}

/// What a file is to its certificate, whatever its layout calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The signing certificate (`signCert.der`, `<id>_sig.cer`).
    SignCert,
    /// Its encrypted key (`signPri.key`, `<id>_sig.key`).
    SignKey,
    /// The second certificate: key management (`kmCert.der`) or
    /// encryption (`<id>_env.cer`).
    SecondCert,
    /// Its encrypted key (`kmPri.key`, `<id>_env.key`).
    SecondKey,
}

impl Role {
    /// Every role, certificates before keys of each pair.
    pub const ALL: [Role; 4] = [Role::SignCert, Role::SignKey, Role::SecondCert, Role::SecondKey];

    /// True for the two key files.
    pub fn is_key(self) -> bool {
        matches!(self, Role::SignKey | Role::SecondKey)
    }

    /// The NPKI file name of this role.
    pub fn npki_name(self) -> &'static str {
        match self {
            Role::SignCert => super::SIGN_CERT,
            Role::SignKey => super::SIGN_KEY,
            Role::SecondCert => super::KM_CERT,
            Role::SecondKey => super::KM_KEY,
        }
    }

    /// The suffix a flat layout puts after the holder's id.
    pub fn flat_suffix(self) -> &'static str {
        match self {
            Role::SignCert => "_sig.cer",
            Role::SignKey => "_sig.key",
            Role::SecondCert => "_env.cer",
            Role::SecondKey => "_env.key",
        }
    }

    /// The file name of this role in `layout` for the holder `id`.
    pub fn file_name(self, layout: Layout, id: &str) -> String {
        match layout {
            Layout::Npki => self.npki_name().to_owned(),
            Layout::Gpki | Layout::Epki => format!("{id}{}", self.flat_suffix()),
        }
    }
}

/// The longest holder id accepted, in UTF-8 bytes.
pub const MAX_ID_LEN: usize = 64;

/// Splits a flat-layout file name into the holder's id and the file's role:
/// `085홍길동003_sig.cer` → (`085홍길동003`, `SignCert`).
pub fn parse_flat_name(name: &str) -> Option<(&str, Role)> {
    Role::ALL.into_iter().find_map(|role| {
        let id = name.strip_suffix(role.flat_suffix())?;
        is_valid_id(id).then_some((id, role))
    })
}

/// True for an id that is safe as part of a file name on every system:
/// not empty, not too long, no path separators, no characters Windows
/// refuses, no control characters, not starting with a dot.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && !id.starts_with('.')
        && !id.ends_with([' ', '.'])
        && !id.chars().any(|c| {
            c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
        })
}

impl BundleItem {
    /// An NPKI item of these files.
    pub fn npki(files: std::collections::BTreeMap<String, super::FileBytes>) -> Self {
        Self { files, layout: None }
    }

    /// An item of `layout` with these files.
    pub fn with_layout(layout: Layout, files: std::collections::BTreeMap<String, super::FileBytes>) -> Self {
        Self { files, layout: layout.wire().map(str::to_owned) }
    }

    /// The item's layout, or why it has none this version knows.
    pub fn layout(&self) -> Result<Layout, ItemError> {
        Layout::from_wire(self.layout.as_deref())
            .ok_or_else(|| ItemError::UnknownLayout(crate::invite::truncate_utf8(self.layout.as_deref().unwrap_or(""), 32).to_owned()))
    }

    /// The holder's id of a flat-layout item (`None` for NPKI).
    pub fn flat_id(&self) -> Option<&str> {
        if !self.layout().is_ok_and(Layout::is_flat) {
            return None;
        }
        self.files.keys().find_map(|n| parse_flat_name(n)).map(|(id, _)| id)
    }

    /// The file of `role`, whatever the layout calls it.
    pub fn file(&self, role: Role) -> Option<&super::FileBytes> {
        match self.layout() {
            Ok(Layout::Npki) => self.files.get(role.npki_name()),
            Ok(_) => self.files.iter().find_map(|(n, b)| (parse_flat_name(n)?.1 == role).then_some(b)),
            Err(_) => None,
        }
    }

    /// The name of the file of `role`, when the item has one.
    pub fn file_name(&self, role: Role) -> Option<&str> {
        match self.layout() {
            Ok(Layout::Npki) => self.files.get_key_value(role.npki_name()).map(|(n, _)| n.as_str()),
            Ok(_) => self.files.keys().find(|n| parse_flat_name(n).is_some_and(|(_, r)| r == role)).map(String::as_str),
            Err(_) => None,
        }
    }

    /// True when the second pair (km or env) is present.
    pub fn has_second_pair(&self) -> bool {
        self.file(Role::SecondCert).is_some()
    }

    /// Checks the file names against the layout's rules (see
    /// [`BundleItem::validate`]).
    pub(super) fn check_names(&self) -> Result<Layout, ItemError> {
        let layout = self.layout()?;
        let shown = |n: &str| crate::invite::truncate_utf8(n, 64).to_owned();
        let mut ids = Vec::new();
        for name in self.files.keys() {
            let known = match layout {
                Layout::Npki => super::FILE_NAMES.contains(&name.as_str()),
                Layout::Gpki | Layout::Epki => match parse_flat_name(name) {
                    Some((id, _)) => {
                        ids.push(id);
                        true
                    }
                    None => false,
                },
            };
            if !known {
                return Err(ItemError::UnexpectedFile(shown(name)));
            }
        }
        ids.dedup();
        if ids.len() > 1 {
            return Err(ItemError::MixedHolders);
        }
        for role in [Role::SignCert, Role::SignKey] {
            if self.file(role).is_none() {
                let name = match layout {
                    Layout::Npki => role.npki_name(),
                    _ => role.flat_suffix(),
                };
                return Err(ItemError::MissingFile(name));
            }
        }
        if self.file(Role::SecondCert).is_some() != self.file(Role::SecondKey).is_some() {
            return Err(ItemError::HalfKmPair);
        }
        Ok(layout)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::message::FileBytes;

    fn flat(layout: Layout, names: &[&str]) -> BundleItem {
        let files: BTreeMap<String, FileBytes> =
            names.iter().map(|n| ((*n).to_owned(), FileBytes::new(vec![1, 2, 3]))).collect();
        BundleItem::with_layout(layout, files)
    }

    #[test]
    fn flat_names_split_into_holder_and_role() {
        assert_eq!(parse_flat_name("085홍길동003_sig.cer"), Some(("085홍길동003", Role::SignCert)));
        assert_eq!(parse_flat_name("SVRB551982002_env.key"), Some(("SVRB551982002", Role::SecondKey)));
        for bad in ["_sig.cer", "../x_sig.cer", "a/b_sig.cer", "x_sig.der", ".hidden_sig.cer", "x:y_sig.key", "signCert.der"] {
            assert_eq!(parse_flat_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_gpki_item_needs_its_signing_pair_and_one_holder() {
        let ok = flat(Layout::Gpki, &["085홍길동003_sig.cer", "085홍길동003_sig.key", "085홍길동003_env.cer", "085홍길동003_env.key"]);
        assert_eq!(ok.check_names(), Ok(Layout::Gpki));
        assert_eq!(ok.flat_id(), Some("085홍길동003"));
        assert_eq!(ok.file_name(Role::SecondKey), Some("085홍길동003_env.key"));
        assert!(ok.has_second_pair());
        let sign_only = flat(Layout::Epki, &["e1_sig.cer", "e1_sig.key"]);
        assert_eq!(sign_only.check_names(), Ok(Layout::Epki));
        assert!(!sign_only.has_second_pair());
        assert_eq!(flat(Layout::Gpki, &["a_sig.cer", "a_sig.key", "b_env.cer", "b_env.key"]).check_names(), Err(ItemError::MixedHolders));
        assert_eq!(flat(Layout::Gpki, &["a_sig.cer", "a_sig.key", "a_env.cer"]).check_names(), Err(ItemError::HalfKmPair));
        assert!(matches!(flat(Layout::Gpki, &["a_sig.cer"]).check_names(), Err(ItemError::MissingFile("_sig.key"))));
        // NPKI names in a GPKI item, GPKI names in an NPKI item: refused.
        assert!(matches!(flat(Layout::Gpki, &["signCert.der", "signPri.key"]).check_names(), Err(ItemError::UnexpectedFile(_))));
        assert!(matches!(flat(Layout::Npki, &["a_sig.cer", "a_sig.key"]).check_names(), Err(ItemError::UnexpectedFile(_))));
    }

    #[test]
    fn an_unknown_layout_is_named_not_guessed() {
        let mut item = flat(Layout::Gpki, &["a_sig.cer", "a_sig.key"]);
        item.layout = Some("xpki".into());
        assert_eq!(item.layout(), Err(ItemError::UnknownLayout("xpki".into())));
        assert!(item.file(Role::SignCert).is_none());
    }
}
