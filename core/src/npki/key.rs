//! The password-encrypted private keys (`signPri.key`, `kmPri.key`): which
//! scheme protects them, and checking a password by decrypting.
//!
//! Korean keys are PKCS#8 `EncryptedPrivateKeyInfo` with SEED-CBC under one
//! of three schemes (`docs/NPKI.md`): PBES1 seedCBCWithSHA1
//! (`1.2.410.200004.1.15`), the legacy top-level SEED-CBC
//! (`1.2.410.200004.1.4`, fixed IV), and PBES2 with PBKDF2 and SEED-CBC. A
//! password is right when the key decrypts, parses as PKCS#8, and its
//! public key is the certificate's. Decrypted keys and derived keys are
//! wiped after use; nothing here is ever logged.

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, KeyIvInit};
use serde::Serialize;
use sha1::{Digest, Sha1};
use x509_parser::der_parser::ber::BerObject;
use x509_parser::der_parser::der::parse_der;
use zeroize::Zeroizing;

const OID_PBES1_SEED_SHA1: &str = "1.2.410.200004.1.15";
const OID_SEED_CBC: &str = "1.2.410.200004.1.4";
const OID_PBES2: &str = "1.2.840.113549.1.5.13";
const OID_PBKDF2: &str = "1.2.840.113549.1.5.12";
const OID_HMAC_SHA1: &str = "1.2.840.113549.2.7";
const OID_HMAC_SHA256: &str = "1.2.840.113549.2.9";
const OID_RSA: &str = "1.2.840.113549.1.1.1";
/// The `randomNum` (R) attribute of Korean private keys.
pub const OID_RANDOM_NUM: &str = "1.2.410.200004.10.1.1.3";
/// The legacy scheme's fixed IV.
const LEGACY_IV: &[u8; 16] = b"0123456789012345";
/// More iterations than any real key uses: refuse rather than spin.
const MAX_ITERATIONS: u32 = 1_000_000;

/// Why a key could not be read or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The password does not open the key (or the key is not the
    /// certificate's). Deliberately without detail.
    #[error("wrong password")]
    WrongPassword,
    /// The key opens but belongs to another certificate.
    #[error("the private key does not belong to this certificate")]
    KeyMismatch,
    /// The key file is not an encrypted private key this program knows.
    #[error("the key file is damaged or not a Korean NPKI key ({0})")]
    Malformed(&'static str),
    /// An encryption scheme or PRF this program does not implement.
    #[error("the key is protected by an unsupported scheme ({0})")]
    Unsupported(String),
    /// The system gave no random numbers for a new salt or IV.
    #[error("this system could not provide random numbers to protect the key; nothing was changed")]
    NoRandomness,
}

/// How a key file is protected, readable without the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyEncryption {
    /// `pbes1-seed`, `seed-legacy` or `pbes2-seed`.
    pub scheme: &'static str,
    /// Key-derivation iterations.
    pub iterations: u32,
    /// `hmac-sha1` or `hmac-sha256` for PBES2; `sha1` otherwise.
    pub prf: &'static str,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Prf {
    Sha1,
    Sha256,
}

/// Everything needed to decrypt, parsed from the key file.
struct Parsed<'a> {
    scheme: &'static str,
    salt: &'a [u8],
    iterations: u32,
    prf: Prf,
    /// Explicit IV (PBES2) or none (derived or fixed).
    iv: Option<&'a [u8]>,
    ciphertext: &'a [u8],
}

fn seq<'a, 'b>(
    obj: &'b BerObject<'a>,
    what: &'static str,
) -> Result<&'b [BerObject<'a>], KeyError> {
    obj.as_sequence()
        .map(Vec::as_slice)
        .map_err(|_| KeyError::Malformed(what))
}

fn oid(obj: &BerObject<'_>, what: &'static str) -> Result<String, KeyError> {
    obj.as_oid()
        .map(|o| o.to_id_string())
        .map_err(|_| KeyError::Malformed(what))
}

fn octets<'a>(obj: &BerObject<'a>, what: &'static str) -> Result<&'a [u8], KeyError> {
    obj.as_slice().map_err(|_| KeyError::Malformed(what))
}

fn count(obj: &BerObject<'_>) -> Result<u32, KeyError> {
    let n = obj
        .as_u32()
        .map_err(|_| KeyError::Malformed("iteration count"))?;
    if n == 0 || n > MAX_ITERATIONS {
        return Err(KeyError::Malformed("iteration count out of range"));
    }
    Ok(n)
}

fn parse(key_file: &[u8]) -> Result<Parsed<'_>, KeyError> {
    let (rest, top) = parse_der(key_file).map_err(|_| KeyError::Malformed("not DER"))?;
    if !rest.is_empty() {
        return Err(KeyError::Malformed("trailing bytes"));
    }
    let [algorithm, ciphertext] = seq(&top, "EncryptedPrivateKeyInfo")? else {
        return Err(KeyError::Malformed("EncryptedPrivateKeyInfo"));
    };
    let ciphertext = octets(ciphertext, "encrypted data")?;
    let [alg_oid, params] = seq(algorithm, "algorithm")? else {
        return Err(KeyError::Malformed("algorithm"));
    };
    let alg = oid(alg_oid, "algorithm")?;
    match alg.as_str() {
        OID_PBES1_SEED_SHA1 | OID_SEED_CBC => {
            let [salt, iterations] = seq(params, "PBES1 parameters")? else {
                return Err(KeyError::Malformed("PBES1 parameters"));
            };
            Ok(Parsed {
                scheme: if alg == OID_SEED_CBC {
                    "seed-legacy"
                } else {
                    "pbes1-seed"
                },
                salt: octets(salt, "salt")?,
                iterations: count(iterations)?,
                prf: Prf::Sha1,
                iv: None,
                ciphertext,
            })
        }
        OID_PBES2 => {
            let [kdf, cipher] = seq(params, "PBES2 parameters")? else {
                return Err(KeyError::Malformed("PBES2 parameters"));
            };
            let [kdf_oid, kdf_params] = seq(kdf, "key derivation")? else {
                return Err(KeyError::Malformed("key derivation"));
            };
            if oid(kdf_oid, "key derivation")? != OID_PBKDF2 {
                return Err(KeyError::Unsupported(
                    "a key derivation other than PBKDF2".into(),
                ));
            }
            let kdf_params = seq(kdf_params, "PBKDF2 parameters")?;
            let (salt, iterations) = match kdf_params {
                [salt, iterations, ..] => (octets(salt, "salt")?, count(iterations)?),
                _ => return Err(KeyError::Malformed("PBKDF2 parameters")),
            };
            // Optional keyLength (INTEGER) and prf (SEQUENCE) follow.
            let mut prf = Prf::Sha1;
            for extra in &kdf_params[2..] {
                if let Ok([prf_oid, ..]) = extra.as_sequence().map(Vec::as_slice) {
                    prf = match oid(prf_oid, "PRF")?.as_str() {
                        OID_HMAC_SHA1 => Prf::Sha1,
                        OID_HMAC_SHA256 => Prf::Sha256,
                        other => return Err(KeyError::Unsupported(format!("PRF {other}"))),
                    };
                } else if extra.as_u32().is_ok_and(|len| len != 16) {
                    return Err(KeyError::Unsupported(
                        "a key length other than 16 bytes".into(),
                    ));
                }
            }
            let [cipher_oid, iv] = seq(cipher, "encryption scheme")? else {
                return Err(KeyError::Malformed("encryption scheme"));
            };
            let cipher_oid = oid(cipher_oid, "encryption scheme")?;
            if cipher_oid != OID_SEED_CBC {
                return Err(KeyError::Unsupported(format!("cipher {cipher_oid}")));
            }
            Ok(Parsed {
                scheme: "pbes2-seed",
                salt,
                iterations,
                prf,
                iv: Some(octets(iv, "IV")?),
                ciphertext,
            })
        }
        other => Err(KeyError::Unsupported(format!("algorithm {other}"))),
    }
}

/// Reads how `key_file` is protected, without a password.
pub fn key_encryption(key_file: &[u8]) -> Result<KeyEncryption, KeyError> {
    let p = parse(key_file)?;
    Ok(KeyEncryption {
        scheme: p.scheme,
        iterations: p.iterations,
        prf: match (p.scheme, p.prf) {
            ("pbes2-seed", Prf::Sha256) => "hmac-sha256",
            ("pbes2-seed", Prf::Sha1) => "hmac-sha1",
            _ => "sha1",
        },
    })
}

/// A decrypted private key (PKCS#8 DER), wiped when dropped.
pub struct DecryptedKey {
    pkcs8: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for DecryptedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DecryptedKey(..)")
    }
}

impl DecryptedKey {
    /// The PKCS#8 `PrivateKeyInfo` bytes. Handle with care.
    pub fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The `randomNum` attribute (R), as the bit string's bytes.
    pub fn random_num(&self) -> Option<Vec<u8>> {
        let info = PrivateKeyInfo::parse(&self.pkcs8).ok()?;
        info.random_num.map(<[u8]>::to_vec)
    }
}

/// The parts of a PKCS#8 `PrivateKeyInfo` the checks need.
struct PrivateKeyInfo<'a> {
    modulus: &'a [u8],
    random_num: Option<&'a [u8]>,
}

impl<'a> PrivateKeyInfo<'a> {
    fn parse(der: &'a [u8]) -> Result<Self, KeyError> {
        let bad = KeyError::WrongPassword;
        let (_, top) = parse_der(der).map_err(|_| bad.clone())?;
        let fields = top.as_sequence().map_err(|_| bad.clone())?;
        let [_version, algorithm, private_key, rest @ ..] = fields.as_slice() else {
            return Err(bad);
        };
        let alg = algorithm
            .as_sequence()
            .ok()
            .and_then(|a| a.first())
            .and_then(|o| o.as_oid().ok())
            .map(|o| o.to_id_string());
        if alg.as_deref() != Some(OID_RSA) {
            return Err(KeyError::Unsupported(
                "a private key that is not RSA".into(),
            ));
        }
        let rsa_der = private_key.as_slice().map_err(|_| bad.clone())?;
        let (_, rsa) = parse_der(rsa_der).map_err(|_| bad.clone())?;
        let modulus = rsa
            .as_sequence()
            .ok()
            .and_then(|s| s.get(1))
            .and_then(|n| n.as_slice().ok())
            .ok_or(bad)?;
        let random_num = rest
            .iter()
            .find_map(|attrs| random_num_of(attrs.as_slice().ok()?));
        Ok(Self {
            modulus,
            random_num,
        })
    }
}

/// Finds R in the content bytes of the `[0] Attributes` field.
fn random_num_of(mut attrs: &[u8]) -> Option<&[u8]> {
    while !attrs.is_empty() {
        let (rest, attr) = parse_der(attrs).ok()?;
        attrs = rest;
        let parts = attr.as_sequence().ok()?;
        if parts.first()?.as_oid().ok()?.to_id_string() == OID_RANDOM_NUM {
            let value = parts.get(1)?.as_set().ok()?.first()?;
            return match &value.content {
                x509_parser::der_parser::ber::BerObjectContent::BitString(_, bits) => {
                    Some(bits.data)
                }
                _ => value.as_slice().ok(),
            };
        }
    }
    None
}

/// The RSA modulus of a plain PKCS#8 key.
#[cfg(test)]
pub(crate) fn pkcs8_modulus(pkcs8_der: &[u8]) -> Result<&[u8], KeyError> {
    PrivateKeyInfo::parse(pkcs8_der).map(|info| info.modulus)
}

pub(crate) fn strip_zeros(n: &[u8]) -> &[u8] {
    let first = n.iter().position(|&b| b != 0).unwrap_or(n.len());
    &n[first..]
}

/// The 16-byte SEED key and IV for the scheme, from the password.
fn derive(p: &Parsed<'_>, password: &[u8]) -> (Zeroizing<[u8; 16]>, Zeroizing<[u8; 16]>) {
    let mut key = Zeroizing::new([0u8; 16]);
    let mut iv = Zeroizing::new([0u8; 16]);
    match p.scheme {
        "pbes2-seed" => {
            match p.prf {
                Prf::Sha1 => pbkdf2::pbkdf2_hmac::<Sha1>(password, p.salt, p.iterations, &mut *key),
                Prf::Sha256 => {
                    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, p.salt, p.iterations, &mut *key)
                }
            }
            if let Some(explicit) = p.iv {
                let n = explicit.len().min(16);
                iv[..n].copy_from_slice(&explicit[..n]);
            }
        }
        scheme => {
            // PBKDF1-SHA1: dk = SHA1^iter(password ‖ salt).
            let mut dk = Zeroizing::new(<[u8; 20]>::from(
                Sha1::new()
                    .chain_update(password)
                    .chain_update(p.salt)
                    .finalize(),
            ));
            for _ in 1..p.iterations {
                *dk = Sha1::digest(dk.as_slice()).into();
            }
            key.copy_from_slice(&dk[..16]);
            if scheme == "seed-legacy" {
                iv.copy_from_slice(LEGACY_IV);
            } else {
                let digest = Sha1::digest(&dk[16..20]);
                iv.copy_from_slice(&digest[..16]);
            }
        }
    }
    (key, iv)
}

/// Decrypts `key_file` with `password`. The result parsing as an RSA
/// PKCS#8 key is checked; matching the certificate is [`check_password`]'s.
pub fn decrypt_private_key(key_file: &[u8], password: &[u8]) -> Result<DecryptedKey, KeyError> {
    let p = parse(key_file)?;
    if p.iv.is_some_and(|iv| iv.len() != 16) {
        return Err(KeyError::Malformed("IV length"));
    }
    if p.ciphertext.is_empty() || p.ciphertext.len() % 16 != 0 {
        return Err(KeyError::Malformed("encrypted data length"));
    }
    let (key, iv) = derive(&p, password);
    let decryptor = cbc::Decryptor::<kisaseed::SEED>::new_from_slices(&*key, &*iv)
        .map_err(|_| KeyError::Malformed("key or IV length"))?;
    let pkcs8 = Zeroizing::new(
        decryptor
            .decrypt_padded_vec_mut::<Pkcs7>(p.ciphertext)
            .map_err(|_| KeyError::WrongPassword)?,
    );
    PrivateKeyInfo::parse(&pkcs8)?;
    Ok(DecryptedKey { pkcs8 })
}

/// Checks that `password` opens `key_file` and that the key belongs to the
/// certificate whose RSA modulus is `cert_modulus`.
pub(crate) fn check_against(
    key_file: &[u8],
    password: &[u8],
    cert_modulus: &[u8],
) -> Result<DecryptedKey, KeyError> {
    let key = decrypt_private_key(key_file, password)?;
    if belongs_to(key.pkcs8_der(), cert_modulus)? {
        Ok(key)
    } else {
        Err(KeyError::KeyMismatch)
    }
}

/// Whether the RSA key in `pkcs8_der` is the one of the certificate whose
/// modulus is `cert_modulus` (compared in constant time).
pub(crate) fn belongs_to(pkcs8_der: &[u8], cert_modulus: &[u8]) -> Result<bool, KeyError> {
    let info = PrivateKeyInfo::parse(pkcs8_der)?;
    Ok(subtle::ConstantTimeEq::ct_eq(strip_zeros(info.modulus), strip_zeros(cert_modulus)).into())
}

fn offset_of(buf: &[u8], part: &[u8]) -> Result<std::ops::Range<usize>, KeyError> {
    let start = (part.as_ptr() as usize)
        .checked_sub(buf.as_ptr() as usize)
        .filter(|s| s + part.len() <= buf.len())
        .ok_or(KeyError::Malformed("layout"))?;
    Ok(start..start + part.len())
}

/// Re-encrypts `key_file` under `new_password` with the same scheme and
/// iteration count, a fresh salt and (PBES2) a fresh IV. The plaintext key,
/// and so R, is unchanged byte for byte; so is the file's layout, because
/// the same plaintext pads to the same length.
pub fn reencrypt(
    key_file: &[u8],
    old_password: &[u8],
    new_password: &[u8],
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let plain = decrypt_private_key(key_file, old_password)?;
    let p = parse(key_file)?;
    let mut out = Zeroizing::new(key_file.to_vec());
    let mut salt = vec![0u8; p.salt.len()];
    getrandom::fill(&mut salt).map_err(|_| KeyError::NoRandomness)?;
    out[offset_of(key_file, p.salt)?].copy_from_slice(&salt);
    let mut iv = [0u8; 16];
    if let Some(old_iv) = p.iv {
        getrandom::fill(&mut iv).map_err(|_| KeyError::NoRandomness)?;
        out[offset_of(key_file, old_iv)?].copy_from_slice(&iv);
    }
    let fresh = Parsed {
        salt: &salt,
        iv: p.iv.map(|_| &iv[..]),
        ..p
    };
    let sealed = seal(&fresh, new_password, plain.pkcs8_der())?;
    let range = offset_of(key_file, fresh.ciphertext)?;
    if sealed.len() != range.len() {
        return Err(KeyError::Malformed("encrypted data length"));
    }
    out[range].copy_from_slice(&sealed);
    Ok(out)
}

/// SEED-CBC encryption of `plain` with the key and IV that `p`'s scheme
/// derives from `password`.
fn seal(p: &Parsed<'_>, password: &[u8], plain: &[u8]) -> Result<Vec<u8>, KeyError> {
    let (key, iv) = derive(p, password);
    let encryptor = cbc::Encryptor::<kisaseed::SEED>::new_from_slices(&*key, &*iv)
        .map_err(|_| KeyError::Malformed("key or IV length"))?;
    Ok(cbc::cipher::BlockEncryptMut::encrypt_padded_vec_mut::<Pkcs7>(encryptor, plain))
}

/// Iterations for keys this program creates: what Korean CAs issue.
pub const NEW_KEY_ITERATIONS: u32 = 2048;

/// [`OID_PBES1_SEED_SHA1`], checked at compile time.
const PBES1_SEED_SHA1: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap(OID_PBES1_SEED_SHA1);

/// `EncryptedPrivateKeyInfo` as written for a new key file.
#[derive(der::Sequence)]
struct NewKeyFile {
    algorithm: NewKeyAlgorithm,
    data: der::asn1::OctetString,
}

#[derive(der::Sequence)]
struct NewKeyAlgorithm {
    oid: der::asn1::ObjectIdentifier,
    params: Pbes1Params,
}

#[derive(der::Sequence)]
struct Pbes1Params {
    salt: der::asn1::OctetString,
    iterations: u32,
}

/// Encrypts a PKCS#8 key (with its attributes, so R is kept) into a new
/// `signPri.key`: PBES1 seedCBCWithSHA1, the scheme every Korean program
/// reads, with a fresh 8-byte salt and [`NEW_KEY_ITERATIONS`].
pub fn encrypt_private_key(
    pkcs8_der: &[u8],
    password: &[u8],
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    PrivateKeyInfo::parse(pkcs8_der)
        .map_err(|_| KeyError::Malformed("not an RSA PKCS#8 private key"))?;
    let mut salt = [0u8; 8];
    getrandom::fill(&mut salt).map_err(|_| KeyError::NoRandomness)?;
    let params = Parsed {
        scheme: "pbes1-seed",
        salt: &salt,
        iterations: NEW_KEY_ITERATIONS,
        prf: Prf::Sha1,
        iv: None,
        ciphertext: &[],
    };
    let sealed = seal(&params, password, pkcs8_der)?;
    let encoding = |_| KeyError::Malformed("encoding");
    let file = NewKeyFile {
        algorithm: NewKeyAlgorithm {
            oid: PBES1_SEED_SHA1,
            params: Pbes1Params {
                salt: der::asn1::OctetString::new(salt.to_vec()).map_err(encoding)?,
                iterations: NEW_KEY_ITERATIONS,
            },
        },
        data: der::asn1::OctetString::new(sealed).map_err(encoding)?,
    };
    der::Encode::to_der(&file)
        .map(Zeroizing::new)
        .map_err(encoding)
}
