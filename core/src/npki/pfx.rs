//! PKCS#12 (`.pfx`/`.p12`): exporting a certificate folder for programs
//! that want one file, and importing such a file back into NPKI form.
//!
//! The PKCS#12 encoding and its encryption are `p12-keystore`'s. What is
//! ours is the NPKI side: the private key goes in and comes out as the
//! exact PKCS#8 bytes, so the `randomNum` attribute (R, needed for identity
//! checks by banks) travels as a key attribute and is restored on import.
//! The PKCS#12 password is the certificate's password.

use p12_keystore::{
    Certificate, EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, Pkcs12Archive,
    PrivateKey, PrivateKeyChain, error::Error as P12Error,
};
use sha1::{Digest, Sha1};
use x509_parser::der_parser::der::parse_der;
use zeroize::Zeroizing;

use super::key::{self, KeyError};
use super::{cert, check_password};
use crate::message::{BundleItem, FileBytes, SIGN_CERT, SIGN_KEY};

/// Key-derivation iterations of exported files (encryption and MAC).
/// OpenSSL 3 uses 2048; modern files get more.
const MODERN_ITERATIONS: u32 = 10_000;
const LEGACY_ITERATIONS: u32 = 2048;
/// Far larger than any certificate-and-key file.
pub const MAX_PFX_LEN: usize = 256 * 1024;

/// How an exported file is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PfxFormat {
    /// PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, HMAC-SHA256 MAC.
    Modern,
    /// pbeWithSHAAnd3-KeyTripleDES-CBC and an HMAC-SHA1 MAC, for old
    /// banking software.
    Legacy,
}

/// Why a PKCS#12 file could not be written or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PfxError {
    /// The password does not open the certificate or the file.
    #[error("wrong password")]
    WrongPassword,
    /// The file is not PKCS#12, or is damaged.
    #[error("the file is damaged or not a PKCS#12 (.pfx/.p12) file ({0})")]
    Malformed(String),
    /// The file uses an algorithm this program does not read.
    #[error("the PKCS#12 file uses something this program can't read ({0})")]
    Unsupported(String),
    /// No private key in the file has its certificate beside it.
    #[error("the PKCS#12 file holds no private key together with its certificate")]
    NoKeyPair,
    /// The certificate folder's key could not be used.
    #[error(transparent)]
    Key(KeyError),
    /// The certificate is damaged.
    #[error(transparent)]
    Certificate(#[from] super::NpkiError),
}

impl From<KeyError> for PfxError {
    fn from(e: KeyError) -> Self {
        match e {
            KeyError::WrongPassword => PfxError::WrongPassword,
            other => PfxError::Key(other),
        }
    }
}

/// A PKCS#12 file made from a certificate folder.
pub struct ExportedPfx {
    /// The file's bytes (they hold the encrypted key).
    pub bytes: Zeroizing<Vec<u8>>,
    /// Whether R went in as a key attribute.
    pub has_random_num: bool,
    /// Whether the folder had a km pair, which PKCS#12 leaves out.
    pub km_left_out: bool,
}

/// Exports the signing certificate and key of `item` as PKCS#12, after
/// checking `password` against the folder's keys. The file is protected by
/// the same password.
pub fn export_pfx(
    item: &BundleItem,
    password: &str,
    format: PfxFormat,
) -> Result<ExportedPfx, PfxError> {
    let decrypted = check_password(item, password.as_bytes())?;
    let cert_der = item
        .file(crate::message::Role::SignCert)
        .ok_or(PfxError::Key(KeyError::Malformed("no signing certificate")))?
        .as_slice();
    let alias = cert::subject_cn(cert_der)?;
    let bad = |e: P12Error| PfxError::Malformed(e.to_string());
    let chain = PrivateKeyChain::new(
        Sha1::digest(cert_der).to_vec(),
        PrivateKey::from_der(decrypted.pkcs8_der()).map_err(bad)?,
        [Certificate::from_der(cert_der).map_err(bad)?],
    );
    let mut store = KeyStore::new();
    store.add_entry(&alias, KeyStoreEntry::PrivateKeyChain(chain));
    let (encryption, mac, iterations) = match format {
        PfxFormat::Modern => (
            EncryptionAlgorithm::PbeWithHmacSha256AndAes256,
            MacAlgorithm::HmacSha256,
            MODERN_ITERATIONS,
        ),
        PfxFormat::Legacy => (
            EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc,
            MacAlgorithm::HmacSha1,
            LEGACY_ITERATIONS,
        ),
    };
    let bytes = store
        .writer(password)
        .encryption_algorithm(encryption)
        .encryption_iterations(iterations)
        .mac_algorithm(mac)
        .mac_iterations(iterations)
        .write()
        .map_err(bad)?;
    Ok(ExportedPfx {
        bytes: Zeroizing::new(bytes),
        has_random_num: decrypted.random_num().is_some(),
        km_left_out: item.has_second_pair(),
    })
}

/// A certificate folder made from a PKCS#12 file.
#[derive(Debug)]
pub struct ImportedPfx {
    /// `signCert.der` and a new `signPri.key` under the same password.
    pub item: BundleItem,
    /// Whether the key carried R (without it, identity checks fail).
    pub has_random_num: bool,
}

/// Reads a PKCS#12 file and turns its key and certificate into a
/// certificate folder: the certificate as is, the PKCS#8 key (with R when
/// present) encrypted as a PBES1 SEED `signPri.key` under the same
/// password. The result is checked to open with that password.
pub fn import_pfx(data: &[u8], password: &str) -> Result<ImportedPfx, PfxError> {
    let has_mac = outline(data)?;
    let archive = Pkcs12Archive::from_pkcs12(data, password).map_err(|e| classify(e, has_mac))?;
    let (key, cert_der) = archive
        .keys
        .iter()
        .find_map(|bag| {
            let pkcs8 = bag.key.as_der();
            let cert = archive.certs.iter().find(|c| {
                cert::rsa_modulus(c.cert.as_der())
                    .is_ok_and(|m| key::belongs_to(pkcs8, &m).unwrap_or(false))
            })?;
            Some((pkcs8, cert.cert.as_der()))
        })
        .ok_or(PfxError::NoKeyPair)?;
    let sealed = key::encrypt_private_key(key, password.as_bytes())?;
    let mut item = BundleItem::npki(Default::default());
    item.files
        .insert(SIGN_CERT.to_owned(), FileBytes::new(cert_der.to_vec()));
    item.files
        .insert(SIGN_KEY.to_owned(), FileBytes::new(sealed.to_vec()));
    let reopened = check_password(&item, password.as_bytes())?;
    Ok(ImportedPfx {
        has_random_num: reopened.random_num().is_some(),
        item,
    })
}

/// Checks the outer PFX structure before any password is tried, so that a
/// damaged file is not reported as a wrong password. Returns whether the
/// file carries a MAC.
fn outline(data: &[u8]) -> Result<bool, PfxError> {
    if data.len() > MAX_PFX_LEN {
        return Err(PfxError::Malformed("far too large".into()));
    }
    let (rest, top) = parse_der(data).map_err(|_| PfxError::Malformed("not DER".into()))?;
    if !rest.is_empty() {
        return Err(PfxError::Malformed("trailing bytes".into()));
    }
    let fields = top
        .as_sequence()
        .map_err(|_| PfxError::Malformed("not a PFX".into()))?;
    match fields.as_slice() {
        [version, _auth_safe, mac @ ..] if version.as_u32().ok() == Some(3) && mac.len() <= 1 => {
            Ok(mac.len() == 1)
        }
        [version, ..] if version.as_u32().is_ok_and(|v| v != 3) => {
            Err(PfxError::Unsupported("a PFX version other than 3".into()))
        }
        _ => Err(PfxError::Malformed("not a PFX".into())),
    }
}

/// Maps `p12-keystore`'s errors. With a MAC, only a MAC failure means a
/// wrong password; without one, a failed decryption does too.
fn classify(e: P12Error, has_mac: bool) -> PfxError {
    match e {
        P12Error::MacError(_) => PfxError::WrongPassword,
        P12Error::UnpadError
        | P12Error::Pkcs5Error(_)
        | P12Error::InvalidPrivateKey
        | P12Error::DerError(_)
            if !has_mac =>
        {
            PfxError::WrongPassword
        }
        P12Error::UnsupportedEncryptionScheme
        | P12Error::UnsupportedMacAlgorithm
        | P12Error::UnsupportedContentType
        | P12Error::UnsupportedCertificateType
        | P12Error::InvalidVersion => PfxError::Unsupported(e.to_string()),
        other => PfxError::Malformed(other.to_string()),
    }
}
