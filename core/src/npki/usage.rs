//! What a certificate may be used for, from its policy OID (the table of
//! `docs/NPKI.md`). Unknown OIDs are reported as unknown, never guessed.

use serde::Serialize;

/// The broad class of use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageKind {
    /// 범용 (개인): every service, personal.
    GeneralPersonal,
    /// 범용 (법인): every service, corporate.
    GeneralCorporate,
    /// 용도제한용: restricted to some services (e.g. banking).
    Restricted,
    /// 행정전자서명 / 교육 전자서명 of a person (a civil servant, school staff).
    OfficialPersonal,
    /// 전자관인: an organisation's official seal.
    OfficialSeal,
    /// 컴퓨터용 (서버용): a server's certificate.
    Server,
    /// 특수목적용: special purpose.
    SpecialPurpose,
    /// A policy this table does not know.
    Unknown,
}

/// The use, with labels in Korean and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Usage {
    /// The class of use.
    pub kind: UsageKind,
    /// Korean label, e.g. `은행/신용카드/보험용 (yessign 개인)`.
    pub label_ko: String,
    /// English label.
    pub label_en: String,
}

/// (OID, CA, kind, Korean use, English use).
const TABLE: &[(&str, &str, UsageKind, &str, &str)] = {
    use UsageKind::{GeneralCorporate as C, GeneralPersonal as P, Restricted as R};
    &[
        (
            "1.2.410.200005.1.1.1",
            "yessign",
            P,
            "범용",
            "general purpose",
        ),
        (
            "1.2.410.200005.1.1.5",
            "yessign",
            C,
            "범용",
            "general purpose",
        ),
        (
            "1.2.410.200005.1.1.4",
            "yessign",
            R,
            "은행/신용카드/보험용",
            "banking, credit cards and insurance",
        ),
        ("1.2.410.200005.1.1.2", "yessign", R, "은행용", "banking"),
        (
            "1.2.410.200004.5.2.1.2",
            "KICA",
            P,
            "범용",
            "general purpose",
        ),
        (
            "1.2.410.200004.5.2.1.1",
            "KICA",
            C,
            "범용",
            "general purpose",
        ),
        (
            "1.2.410.200004.5.2.1.7.1",
            "KICA",
            R,
            "용도제한용",
            "restricted use",
        ),
        (
            "1.2.410.200004.5.2.1.7.2",
            "KICA",
            R,
            "용도제한용",
            "restricted use",
        ),
        (
            "1.2.410.200004.5.2.1.7.3",
            "KICA",
            R,
            "용도제한용",
            "restricted use",
        ),
        (
            "1.2.410.200004.5.1.1.5",
            "SignKorea",
            P,
            "범용",
            "general purpose",
        ),
        (
            "1.2.410.200004.5.1.1.7",
            "SignKorea",
            C,
            "범용",
            "general purpose",
        ),
        (
            "1.2.410.200004.5.1.1.9",
            "SignKorea",
            R,
            "용도제한용",
            "restricted use",
        ),
        (
            "1.2.410.200004.5.1.1.9.2",
            "SignKorea",
            R,
            "용도제한용",
            "restricted use",
        ),
        (
            "1.2.410.200004.5.4.1.1",
            "CrossCert",
            P,
            "범용",
            "general purpose",
        ),
        (
            "1.2.410.200004.5.4.1.2",
            "CrossCert",
            C,
            "범용",
            "general purpose",
        ),
        (
            "1.2.410.200004.5.4.1.101",
            "CrossCert",
            R,
            "용도제한용",
            "restricted use",
        ),
        (
            "1.2.410.200004.5.4.1.102",
            "CrossCert",
            R,
            "용도제한용",
            "restricted use",
        ),
        (
            "1.2.410.200004.5.4.1.103",
            "CrossCert",
            R,
            "용도제한용",
            "restricted use",
        ),
        (
            "1.2.410.200004.5.4.1.104",
            "CrossCert",
            R,
            "용도제한용",
            "restricted use",
        ),
        (
            "1.2.410.200012.1.1.1",
            "TradeSign",
            P,
            "범용",
            "general purpose",
        ),
        (
            "1.2.410.200012.1.1.3",
            "TradeSign",
            C,
            "범용",
            "general purpose",
        ),
        (
            "1.2.410.200012.1.1.101",
            "TradeSign",
            R,
            "용도제한용",
            "restricted use",
        ),
        (
            "1.2.410.200012.1.1.103",
            "TradeSign",
            R,
            "용도제한용",
            "restricted use",
        ),
        (
            "1.2.410.200012.1.1.105",
            "TradeSign",
            R,
            "용도제한용",
            "restricted use",
        ),
        (
            "1.2.410.200004.5.3.1.9",
            "NCASign",
            P,
            "범용",
            "general purpose",
        ),
        (
            "1.2.410.200004.5.3.1.2",
            "NCASign",
            C,
            "범용",
            "general purpose",
        ),
        (
            "1.2.410.200004.5.5.1.1",
            "INIPASS",
            P,
            "범용",
            "general purpose",
        ),
        (
            "1.2.410.200004.5.5.1.2",
            "INIPASS",
            C,
            "범용",
            "general purpose",
        ),
    ]
};

/// (OID, kind, Korean use, English use) of government (GPKI) and
/// education (EPKI) certificates, from public code of the 행정전자서명 and
/// 교육부 certificate software; other OIDs are shown as unknown.
const OFFICIAL: &[(&str, UsageKind, &str, &str)] = {
    use UsageKind::{OfficialPersonal as P, OfficialSeal as S, Server as V, SpecialPurpose as X};
    &[
        ("1.2.410.100001.2.2.1", P, "행정기관 개인용", "Government agency, personal"),
        ("1.2.410.100001.2.2.2", P, "공공기관 개인용", "Public institution, personal"),
        ("1.2.410.100001.2.1.1", S, "행정기관 전자관인", "Government agency, official seal"),
        ("1.2.410.100001.2.1.4", S, "공공기관 전자관인", "Public institution, official seal"),
        ("1.2.410.100001.2.1.2", V, "행정기관 서버용", "Government agency, server"),
        ("1.2.410.100001.2.1.5", V, "공공기관 서버용", "Public institution, server"),
        ("1.2.410.100001.2.1.3", X, "행정기관 특수목적용", "Government agency, special purpose"),
        ("1.2.410.100001.2.1.6", X, "공공기관 특수목적용", "Public institution, special purpose"),
        ("1.2.410.100001.5.3.1.3", P, "교육기관 개인용", "Education, personal"),
    ]
};

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Korean.
    pub ko: String,
    /// English.
    pub en: String,
}

/// The issuing bodies of government certificates, by the issuer's CN.
pub(super) fn issuer_body(issuer_cn: &str) -> Option<Label> {
    let (ko, en) = match issuer_cn {
        "CA131000001" | "CA131000002" => ("행정안전부", "Ministry of the Interior and Safety"),
        "CA134040001" | "CA134100031" => ("교육부", "Ministry of Education"),
        "CA974000001" => ("대법원", "Supreme Court of Korea"),
        _ => return None,
    };
    Some(Label { ko: ko.into(), en: en.into() })
}

/// True for the policies of servers' certificates (installed in `class1`).
pub(super) fn is_server(oid: Option<&str>) -> bool {
    oid.is_some_and(|oid| OFFICIAL.iter().any(|row| row.0 == oid && row.1 == UsageKind::Server))
}

/// The use of a certificate with policy `oid`.
pub(super) fn of(oid: Option<&str>) -> Usage {
    let Some(oid) = oid else {
        return unknown("no policy");
    };
    if let Some(&(_, kind, ko, en)) = OFFICIAL.iter().find(|row| row.0 == oid) {
        return Usage { kind, label_ko: ko.to_owned(), label_en: en.to_owned() };
    }
    if let Some(&(_, ca, kind, ko, en)) = TABLE.iter().find(|row| row.0 == oid) {
        let (who_ko, who_en) = if kind == UsageKind::GeneralCorporate {
            ("법인", "corporate")
        } else {
            ("개인", "personal")
        };
        return Usage {
            kind,
            label_ko: format!("{ko} ({ca} {who_ko})"),
            label_en: format!("{} ({ca}, {who_en})", capitalise(en)),
        };
    }
    // yessign's restricted family 1.2.410.200005.1.1.6.x.
    if oid.starts_with("1.2.410.200005.1.1.6.") {
        return Usage {
            kind: UsageKind::Restricted,
            label_ko: "용도제한용 (yessign)".into(),
            label_en: "Restricted use (yessign)".into(),
        };
    }
    unknown(oid)
}

fn unknown(what: &str) -> Usage {
    Usage {
        kind: UsageKind::Unknown,
        label_ko: format!("알 수 없는 용도 ({what})"),
        label_en: format!("Unknown use ({what})"),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
