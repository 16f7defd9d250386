//! What a certificate says: subject, issuer, serial, validity, policy, key,
//! as shown by `certbridge inspect` and used to name install folders.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::X509Name;

use super::usage::{self, Usage};
use super::{NpkiError, read_certificate};
use crate::message::{BundleItem, Layout, Role};

/// Days before expiry from which a certificate counts as expiring (Korean
/// CAs allow renewal 30 days ahead).
pub const EXPIRING_DAYS: i64 = 30;

/// Whether a certificate can still be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// More than 30 days left.
    Valid,
    /// 30 days or fewer left: renew soon.
    Expiring,
    /// Past its end date.
    Expired,
}

impl Status {
    /// The status's name in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Expiring => "expiring",
            Status::Expired => "expired",
        }
    }
}

/// A certificate's description, readable without its password.
#[derive(Debug, Clone, Serialize)]
pub struct CertSummary {
    /// Subject DN, e.g. `C=kr, O=yessign, OU=…, CN=…`.
    pub subject_dn: String,
    /// Subject common name (often the holder's name in Hangul).
    pub subject_cn: String,
    /// The holder's name as people say it (`홍길동` of
    /// `홍길동()0011045…`): see [`holder_name`].
    pub holder: String,
    /// Issuer DN.
    pub issuer_dn: String,
    /// Issuer common name.
    pub issuer_cn: String,
    /// The CA's folder name (`yessign`, `KICA`, …); `GPKI` or `EPKI` for
    /// those layouts.
    pub ca: String,
    /// Which layout the certificate's files have: `npki`, `gpki`, `epki`.
    pub layout: &'static str,
    /// The holder's id, for GPKI and EPKI certificates (their files are
    /// named by it).
    pub id: Option<String>,
    /// The issuing body of a government certificate, in Korean and English
    /// (`CA131000001` → 행정안전부 / Ministry of the Interior and Safety).
    pub issuer_body: Option<usage::Label>,
    /// Serial number, upper-case hex without leading zeros.
    pub serial_hex: String,
    /// Start of validity, RFC 3339 UTC.
    pub not_before: String,
    /// End of validity, RFC 3339 UTC.
    pub not_after: String,
    /// Whole days until the end of validity (negative once expired).
    pub days_left: i64,
    /// Valid, expiring or expired.
    pub status: Status,
    /// The first certificate policy OID.
    pub policy_oid: Option<String>,
    /// What the certificate may be used for, from its policy.
    pub usage: Usage,
    /// `RSA`, `EC` or the algorithm's OID.
    pub key_algorithm: String,
    /// The public key's size in bits.
    pub key_bits: usize,
    /// Whether the second pair is present: key management (NPKI) or
    /// encryption (GPKI/EPKI `_env`).
    pub has_km: bool,
    /// Where the certificate was read from, if anywhere: the NPKI folder,
    /// or the GPKI/EPKI `_sig.cer`. Commands take this path.
    pub folder: Option<String>,
}

pub(crate) fn parse(der: &[u8]) -> Result<X509Certificate<'_>, NpkiError> {
    match X509Certificate::from_der(der) {
        Ok(([], cert)) => Ok(cert),
        Ok(_) => Err(NpkiError::BadCertificate(
            "trailing bytes after the certificate".into(),
        )),
        Err(e) => Err(NpkiError::BadCertificate(e.to_string())),
    }
}

fn short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.6" => "C",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.3" => "CN",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.5" => "serialNumber",
        "1.2.840.113549.1.9.1" => "E",
        _ => return None,
    })
}

/// The name's attributes in order, as (short name or OID, value).
fn attributes(name: &X509Name<'_>) -> Vec<(String, String)> {
    name.iter_rdn()
        .flat_map(|rdn| rdn.iter())
        .map(|attr| {
            let oid = attr.attr_type().to_id_string();
            let key = short_name(&oid).map(str::to_owned).unwrap_or(oid);
            let value = attr
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|_| hex::encode(attr.attr_value().data));
            (key, value)
        })
        .collect()
}

fn dn(attrs: &[(String, String)]) -> String {
    attrs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn first(attrs: &[(String, String)], key: &str) -> String {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Makes a value safe as part of a file name on every OS.
fn sanitize(value: &str) -> String {
    let cleaned: String = value
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c == ' ');
    if trimmed.is_empty() {
        "_".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The folder name Korean certificate software gives a subject: the DN's
/// attributes in reverse order (CN first), keys in lower case, joined by
/// commas, e.g. `cn=홍길동()0001,ou=INITECH,o=yessign,c=kr`.
pub fn subject_folder_name(cert_der: &[u8]) -> Result<String, NpkiError> {
    let cert = parse(cert_der)?;
    let attrs = attributes(cert.subject());
    if attrs.is_empty() {
        return Err(NpkiError::BadCertificate(
            "the certificate has an empty subject".into(),
        ));
    }
    let name = attrs
        .iter()
        .rev()
        .map(|(k, v)| format!("{}={}", k.to_lowercase(), sanitize(v)))
        .collect::<Vec<_>>()
        .join(",");
    Ok(crate::invite::truncate_utf8(&super::install::nfc(&name), 200).to_owned())
}

/// The subject's common name, e.g. to label an exported file.
pub(crate) fn subject_cn(cert_der: &[u8]) -> Result<String, NpkiError> {
    let cert = parse(cert_der)?;
    Ok(first(&attributes(cert.subject()), "CN"))
}

/// The holder's name as people say it. Korean CAs write a person's CN as
/// the name, a parenthesis (empty, or the name in Latin letters) and a long
/// number: `홍길동()0011045…`, `HKD(KILDONG.HONG)0091041…`. The name is what
/// comes before; a CN of another shape is shown whole.
pub fn holder_name(cn: &str) -> String {
    let Some(open) = cn.rfind('(') else {
        return cn.to_owned();
    };
    let Some(close) = cn[open..].find(')').map(|i| open + i) else {
        return cn.to_owned();
    };
    let tail = &cn[close + 1..];
    let name = cn[..open].trim();
    if tail.len() >= 6 && tail.bytes().all(|b| b.is_ascii_digit()) && !name.is_empty() {
        name.to_owned()
    } else {
        cn.to_owned()
    }
}

/// The CA folder a certificate belongs in, from its issuer's organisation.
pub fn ca_folder_name(cert_der: &[u8]) -> Result<String, NpkiError> {
    let cert = parse(cert_der)?;
    Ok(ca_of(&first(&attributes(cert.issuer()), "O")))
}

fn ca_of(organisation: &str) -> String {
    const KNOWN: [&str; 7] = [
        "yessign",
        "SignKorea",
        "KICA",
        "CrossCert",
        "TradeSign",
        "NCASign",
        "INIPASS",
    ];
    let lower = organisation.to_lowercase();
    if let Some(known) = KNOWN.iter().find(|k| k.to_lowercase() == lower) {
        return (*known).to_owned();
    }
    if lower.contains("government") || organisation.contains("정부") {
        return "GPKI".to_owned();
    }
    sanitize(organisation)
}

fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

impl CertSummary {
    /// Describes the certificate of a folder's files at time `now`.
    pub fn from_item(item: &BundleItem, now: SystemTime) -> Result<Self, NpkiError> {
        let der = item
            .file(Role::SignCert)
            .ok_or(NpkiError::BadCertificate("there is no signing certificate".into()))?;
        let layout = item.layout().map_err(|e| NpkiError::BadCertificate(e.to_string()))?;
        let cert = parse(der.as_slice())?;
        let subject = attributes(cert.subject());
        let issuer = attributes(cert.issuer());
        let serial = hex::encode_upper(cert.raw_serial());
        let serial_hex = match serial.trim_start_matches('0') {
            "" => "0".to_owned(),
            s => s.to_owned(),
        };
        let not_before = cert.validity().not_before.timestamp();
        let not_after = cert.validity().not_after.timestamp();
        let now = now
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let days_left = (not_after - now).div_euclid(86_400);
        let status = if now > not_after {
            Status::Expired
        } else if days_left <= EXPIRING_DAYS {
            Status::Expiring
        } else {
            Status::Valid
        };
        let policy_oid = cert
            .extensions()
            .iter()
            .find_map(|ext| match ext.parsed_extension() {
                ParsedExtension::CertificatePolicies(policies) => {
                    policies.first().map(|p| p.policy_id.to_id_string())
                }
                _ => None,
            });
        let (key_algorithm, key_bits) = match cert.public_key().parsed() {
            Ok(PublicKey::RSA(rsa)) => ("RSA".to_owned(), rsa.key_size()),
            Ok(PublicKey::EC(ec)) => ("EC".to_owned(), ec.key_size()),
            _ => (cert.public_key().algorithm.algorithm.to_id_string(), 0),
        };
        let issuer_cn = first(&issuer, "CN");
        let ca = match layout {
            Layout::Npki => ca_of(&first(&issuer, "O")),
            Layout::Gpki => "GPKI".to_owned(),
            Layout::Epki => "EPKI".to_owned(),
        };
        Ok(Self {
            layout: layout.as_str(),
            id: item.flat_id().map(str::to_owned),
            issuer_body: usage::issuer_body(&issuer_cn),
            subject_dn: dn(&subject),
            holder: holder_name(&first(&subject, "CN")),
            subject_cn: first(&subject, "CN"),
            issuer_dn: dn(&issuer),
            issuer_cn,
            ca,
            serial_hex,
            not_before: rfc3339(not_before),
            not_after: rfc3339(not_after),
            days_left,
            status,
            usage: usage::of(policy_oid.as_deref()),
            policy_oid,
            key_algorithm,
            key_bits,
            has_km: item.has_second_pair(),
            folder: None,
        })
    }
}

/// Reads and describes the certificate `dir` names (an NPKI folder or a
/// GPKI/EPKI `_sig.cer`).
pub fn inspect(dir: &Path, now: SystemTime) -> Result<CertSummary, NpkiError> {
    let item = read_certificate(dir)?;
    let mut summary = CertSummary::from_item(&item, now)?;
    summary.folder = Some(super::install::nfc(&dir.display().to_string()));
    Ok(summary)
}

/// The RSA modulus of a certificate, to match its private key.
pub(crate) fn rsa_modulus(cert_der: &[u8]) -> Result<Vec<u8>, NpkiError> {
    let cert = parse(cert_der)?;
    match cert.public_key().parsed() {
        Ok(PublicKey::RSA(rsa)) => Ok(rsa.modulus.to_vec()),
        _ => Err(NpkiError::BadCertificate(
            "the certificate's key is not RSA".into(),
        )),
    }
}
