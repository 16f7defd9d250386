//! Certificate details and the password check, for the app's screens.

use std::time::SystemTime;

use certbridge_core::npki::{self, CertSummary, KeyError, Status, UsageKind as CoreUsageKind};

use crate::error::CertificateError;
use crate::store::{CertificateFiles, CertificateLayout};

/// Whether a certificate can still be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CertificateStatus {
    /// More than 30 days left.
    Valid,
    /// 30 days or fewer left.
    Expiring,
    /// Past its end date.
    Expired,
}

/// What a certificate may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum UsageKind {
    /// 범용 (개인).
    GeneralPersonal,
    /// 범용 (법인).
    GeneralCorporate,
    /// 용도제한용 (e.g. banking only).
    Restricted,
    /// 행정전자서명 / 교육 전자서명 of a person.
    OfficialPersonal,
    /// 전자관인: an organisation's official seal.
    OfficialSeal,
    /// A server's certificate.
    Server,
    /// 특수목적용.
    SpecialPurpose,
    /// A policy the table does not know.
    Unknown,
}

/// A certificate as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CertificateInfo {
    /// The holder's name as people say it (홍길동 of `홍길동()0011…`).
    pub holder: String,
    /// The subject's common name, in full.
    pub subject_cn: String,
    /// The whole subject.
    pub subject_dn: String,
    /// The issuing CA's common name.
    pub issuer_cn: String,
    /// The CA (yessign, KICA, …).
    pub ca: String,
    /// NPKI, GPKI or EPKI.
    pub layout: CertificateLayout,
    /// GPKI/EPKI: the holder's id (`085홍길동003`) its files are named by.
    pub holder_id: Option<String>,
    /// Serial number, hexadecimal.
    pub serial_hex: String,
    /// Start of validity, RFC 3339 UTC.
    pub not_before: String,
    /// End of validity, RFC 3339 UTC.
    pub not_after: String,
    /// Whole days left (negative once expired).
    pub days_left: i64,
    /// Valid, expiring or expired.
    pub status: CertificateStatus,
    /// The kind of use.
    pub usage_kind: UsageKind,
    /// The use, in Korean (e.g. 은행/신용카드/보험용).
    pub usage_label_ko: String,
    /// The use, in English.
    pub usage_label_en: String,
    /// The policy OID.
    pub policy_oid: Option<String>,
    /// Key size in bits.
    pub key_bits: u32,
    /// Whether the key-management pair is present.
    pub has_km: bool,
}

impl From<CertSummary> for CertificateInfo {
    fn from(s: CertSummary) -> Self {
        CertificateInfo {
            holder: s.holder,
            subject_cn: s.subject_cn,
            subject_dn: s.subject_dn,
            issuer_cn: s.issuer_cn,
            ca: s.ca,
            layout: match s.layout {
                "gpki" => CertificateLayout::Gpki,
                "epki" => CertificateLayout::Epki,
                _ => CertificateLayout::Npki,
            },
            holder_id: s.id,
            serial_hex: s.serial_hex,
            not_before: s.not_before,
            not_after: s.not_after,
            days_left: s.days_left,
            status: match s.status {
                Status::Valid => CertificateStatus::Valid,
                Status::Expiring => CertificateStatus::Expiring,
                Status::Expired => CertificateStatus::Expired,
            },
            usage_kind: match s.usage.kind {
                CoreUsageKind::GeneralPersonal => UsageKind::GeneralPersonal,
                CoreUsageKind::GeneralCorporate => UsageKind::GeneralCorporate,
                CoreUsageKind::Restricted => UsageKind::Restricted,
                CoreUsageKind::OfficialPersonal => UsageKind::OfficialPersonal,
                CoreUsageKind::OfficialSeal => UsageKind::OfficialSeal,
                CoreUsageKind::Server => UsageKind::Server,
                CoreUsageKind::SpecialPurpose => UsageKind::SpecialPurpose,
                CoreUsageKind::Unknown => UsageKind::Unknown,
            },
            usage_label_ko: s.usage.label_ko,
            usage_label_en: s.usage.label_en,
            policy_oid: s.policy_oid,
            key_bits: u32::try_from(s.key_bits).unwrap_or(u32::MAX),
            has_km: s.has_km,
        }
    }
}

/// Describes a certificate from its files, without a password.
#[uniffi::export]
pub fn inspect_certificate(files: CertificateFiles) -> Result<CertificateInfo, CertificateError> {
    let item = files.into_item()?;
    Ok(CertSummary::from_item(&item, SystemTime::now())?.into())
}

/// Checks a certificate's password: `true` when it opens the key(s) and the
/// key belongs to the certificate, `false` when it is wrong.
#[uniffi::export]
pub fn check_password(files: CertificateFiles, password: String) -> Result<bool, CertificateError> {
    let item = files.into_item()?;
    match npki::check_password(&item, password.as_bytes()) {
        Ok(_) => Ok(true),
        Err(KeyError::WrongPassword) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
