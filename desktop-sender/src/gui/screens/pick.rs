//! The list to pick certificates from (휴대폰으로 보내기, and PC끼리 when
//! the other PC receives): one checkbox per certificate, named as people
//! say it with its CA, use and end date. Expired certificates can be
//! picked only once the user said so, as the command line asks for
//! `--allow-expired`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use certbridge_core::npki::{CertSummary, Status};
use certbridge_i18n::Msg;

use super::egui;
use crate::gui::a11y;
use crate::gui::app::Shared;

/// What the user picked.
#[derive(Debug, Default)]
pub(crate) struct Picked {
    /// Folders of the picked certificates.
    pub(crate) folders: BTreeSet<String>,
    /// Expired certificates may be picked.
    pub(crate) allow_expired: bool,
}

impl Picked {
    /// The picked folders that are still listed (and allowed).
    pub(crate) fn chosen(&self, shared: &Shared) -> Vec<PathBuf> {
        shared
            .listing
            .certificates
            .iter()
            .filter(|c| c.folder.as_ref().is_some_and(|f| self.folders.contains(f)))
            .filter(|c| self.allow_expired || c.status != Status::Expired)
            .filter_map(|c| c.folder.as_ref().map(PathBuf::from))
            .collect()
    }
}

/// A certificate in one line: `홍길동 · yessign · 은행용 · 2026년 3월 25일까지`;
/// a GPKI or EPKI one names its kind where NPKI ones name their CA
/// (`홍길동 · 행정전자서명 인증서 (GPKI) · 행정기관 개인용 · …`).
pub(crate) fn line(shared: &Shared, cert: &CertSummary) -> String {
    let usage = crate::certs::usage_label_in(cert, shared.lang);
    let ca = match crate::certs::kind_of(cert) {
        "kind-npki" => cert.ca.clone(),
        kind => shared.t(kind),
    };
    shared.text(
        Msg::new("gui-cert-line")
            .arg("name", cert.holder.as_str())
            .arg("ca", ca)
            .arg("usage", usage)
            .arg("until", shared.date(&cert.not_after)),
    )
}

/// The certificate's state in words, in a colour that says the same.
pub(crate) fn badge(ui: &mut egui::Ui, shared: &Shared, cert: &CertSummary) {
    let color = match cert.status {
        Status::Expired => a11y::BAD,
        Status::Expiring => a11y::WARN,
        _ => a11y::GOOD,
    };
    a11y::colored(ui, color, &shared.text(crate::certs::status_of(cert)));
}

/// The checkboxes.
pub(crate) fn show(ui: &mut egui::Ui, shared: &Shared, picked: &mut Picked) {
    let certs = &shared.listing.certificates;
    if certs.is_empty() {
        ui.label(shared.t("gui-no-certs"));
        return;
    }
    let any_expired = certs.iter().any(|c| c.status == Status::Expired);
    for cert in certs {
        let Some(folder) = cert.folder.clone() else { continue };
        let allowed = cert.status != Status::Expired || picked.allow_expired;
        ui.horizontal_wrapped(|ui| {
            badge(ui, shared, cert);
            let mut on = picked.folders.contains(&folder) && allowed;
            let response = ui.add_enabled_ui(allowed, |ui| a11y::checkbox(ui, &mut on, line(shared, cert))).inner;
            if response.changed() {
                if on {
                    picked.folders.insert(folder.clone());
                } else {
                    picked.folders.remove(&folder);
                }
            }
        });
    }
    if any_expired {
        ui.add_space(4.0);
        if !picked.allow_expired {
            ui.label(shared.t("gui-expired-hint"));
        }
        a11y::checkbox(ui, &mut picked.allow_expired, shared.t("gui-allow-expired"));
    }
}
