//! 내 인증서: every certificate found (name as people say it, CA, use, a
//! badge for valid / 30 days or fewer / expired), its details, and what can
//! be done with it here: check or change its password, save it as a PFX
//! file, send it to the phone, or move it to the trash. PFX files are
//! installed from here too.
//!
//! The list shows whatever [`CertSummary`] carries, so new kinds of
//! certificate (GPKI) appear without changes here.

use std::path::{Path, PathBuf};

use certbridge_core::npki::{CertSummary, PfxFormat};
use certbridge_i18n::Msg;
use certbridge_i18n::explain::shown;
use zeroize::{Zeroize, Zeroizing};

use super::egui;
use super::pick;
use crate::gui::a11y;
use crate::gui::app::{Goto, Shared};
use crate::pfx::Note;

/// What the panel under the details does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Panel {
    #[default]
    None,
    Check,
    Change,
    Export,
    Delete,
    Import,
}

/// The result of the last action, as lines to show.
#[derive(Debug, Clone)]
struct Report {
    ok: bool,
    notes: Vec<Note>,
}

impl Report {
    fn ok(msg: Msg) -> Self {
        Self { ok: true, notes: vec![Note::Say(msg)] }
    }

    fn failed(failure: crate::Failure) -> Self {
        Self { ok: false, notes: vec![Note::Say(failure.msg)] }
    }
}

/// The screen's state.
#[derive(Debug, Default)]
pub(crate) struct State {
    selected: Option<String>,
    panel: Panel,
    password: Zeroizing<String>,
    new_password: Zeroizing<String>,
    again: Zeroizing<String>,
    pfx_path: String,
    legacy: bool,
    import_path: String,
    import_replace: bool,
    report: Option<Report>,
    /// The panel just opened: its first field takes the focus.
    focus_panel: bool,
}

fn prompt(shared: &Shared, msg: Msg) -> String {
    shared.text(msg).trim_end_matches([':', ' ']).to_owned()
}

impl State {
    /// Selects the certificate in `folder`.
    #[cfg(test)]
    pub(crate) fn select(&mut self, folder: String) {
        self.selected = Some(folder);
        self.panel = Panel::None;
        self.report = None;
    }

    /// Selects the certificate in `folder` with its password check open.
    pub(crate) fn open_password_check(&mut self, folder: String) {
        self.selected = Some(folder);
        self.open(Panel::Check);
    }

    fn open(&mut self, panel: Panel) {
        self.panel = panel;
        self.report = None;
        self.focus_panel = true;
        self.forget_passwords();
    }

    fn forget_passwords(&mut self) {
        self.password.zeroize();
        self.new_password.zeroize();
        self.again.zeroize();
    }

    pub(crate) fn show(&mut self, shared: &mut Shared, ui: &mut egui::Ui) {
        a11y::heading(ui, &shared.t("gui-certs-title"));
        ui.horizontal_wrapped(|ui| {
            if a11y::button(ui, shared.t("gui-refresh")).clicked() {
                shared.refresh();
            }
            if a11y::button(ui, shared.t("gui-action-import-pfx")).clicked() {
                self.selected = None;
                self.open(Panel::Import);
            }
        });
        ui.add_space(6.0);
        if shared.listing.certificates.is_empty() {
            ui.label(shared.t("list-none"));
            for root in npki_roots(shared) {
                ui.label(shared.text(Msg::new("list-root").arg("path", shown(&root))));
            }
        }
        let certs = shared.listing.certificates.clone();
        for cert in &certs {
            let Some(folder) = &cert.folder else { continue };
            let selected = self.selected.as_deref() == Some(folder.as_str());
            ui.horizontal_wrapped(|ui| {
                pick::badge(ui, shared, cert);
                let row = ui.add(egui::Button::selectable(selected, egui::RichText::new(pick::line(shared, cert)).size(18.0)));
                a11y::ring(ui, &row);
                if row.clicked() {
                    self.selected = if selected { None } else { Some(folder.clone()) };
                    self.panel = Panel::None;
                    self.report = None;
                }
            });
        }
        for failure in &shared.listing.failures {
            let why = certbridge_i18n::explain::npki_error(&failure.cause);
            a11y::colored(ui, a11y::WARN, &shared.text(Msg::new("list-broken").arg("folder", failure.folder.as_str()).arg("why", why)));
        }
        ui.add_space(10.0);
        let selected = self.selected.as_deref().and_then(|f| certs.iter().find(|c| c.folder.as_deref() == Some(f)));
        match selected {
            Some(cert) => {
                ui.separator();
                self.details(ui, shared, cert);
                self.actions(ui, shared, cert);
                self.panel(ui, shared, cert);
            }
            None if self.panel == Panel::Import => {
                ui.separator();
                self.import_panel(ui, shared);
            }
            None => {
                if !certs.is_empty() {
                    ui.label(shared.t("gui-certs-pick"));
                }
            }
        }
        self.report(ui, shared);
    }

    fn details(&self, ui: &mut egui::Ui, shared: &Shared, s: &CertSummary) {
        a11y::heading(ui, &s.holder);
        let range = Msg::new("valid-range").arg("from", shared.date(&s.not_before)).arg("to", shared.date(&s.not_after));
        let key_id = if s.has_km { "key-with-km" } else { "key-description" };
        let key = Msg::new(key_id).arg("algorithm", s.key_algorithm.as_str()).arg("bits", s.key_bits);
        let mut rows = vec![
            ("field-kind", shared.t(crate::certs::kind_of(s))),
            ("field-issuer", crate::certs::issuer_in(s, shared.lang)),
        ];
        if let Some(id) = &s.id {
            rows.push(("field-id", id.clone()));
        }
        rows.extend([
            ("field-usage", crate::certs::usage_label_in(s, shared.lang)),
            ("field-valid", shared.text(range)),
            ("field-status", shared.text(crate::certs::status_of(s))),
            ("field-serial", s.serial_hex.clone()),
            ("field-key", shared.text(key)),
            ("field-subject", s.subject_dn.clone()),
            ("field-folder", s.folder.clone().unwrap_or_default()),
        ]);
        egui::Grid::new("details").num_columns(2).spacing([16.0, 6.0]).show(ui, |ui| {
            for (label, value) in rows {
                ui.label(egui::RichText::new(shared.t(label)).strong());
                ui.add(egui::Label::new(value).wrap());
                ui.end_row();
            }
        });
    }

    fn actions(&mut self, ui: &mut egui::Ui, shared: &mut Shared, cert: &CertSummary) {
        ui.add_space(6.0);
        ui.horizontal_wrapped(|ui| {
            for (panel, id) in [
                (Panel::Check, "gui-action-check"),
                (Panel::Change, "gui-action-change"),
                (Panel::Export, "gui-action-export-pfx"),
                (Panel::Delete, "gui-action-delete"),
            ] {
                if a11y::button(ui, shared.t(id)).clicked() {
                    self.open(panel);
                    if panel == Panel::Export {
                        self.pfx_path = default_pfx_path(cert).display().to_string();
                    }
                }
            }
            if a11y::button(ui, shared.t("gui-action-send")).clicked() {
                if let Some(folder) = &cert.folder {
                    shared.goto = Some(Goto::Export(folder.clone()));
                }
            }
        });
    }

    fn first_field(&mut self, response: &egui::Response) {
        if std::mem::take(&mut self.focus_panel) {
            response.request_focus();
        }
    }

    fn panel(&mut self, ui: &mut egui::Ui, shared: &mut Shared, cert: &CertSummary) {
        let Some(dir) = cert.folder.as_ref().map(PathBuf::from) else { return };
        let name = cert.holder.as_str();
        match self.panel {
            Panel::None | Panel::Import => {}
            Panel::Check => {
                let field = a11y::field(ui, &prompt(shared, Msg::new("password-prompt-for").arg("name", name)), &mut self.password, true);
                self.first_field(&field);
                if a11y::primary(ui, &shared.t("gui-check")).clicked() || a11y::submitted(ui, &field) {
                    let result = crate::certs::verify_password(&dir, &self.password);
                    self.report = Some(match result {
                        Ok(()) => Report::ok(Msg::new("password-right")),
                        Err(failure) => Report::failed(failure),
                    });
                    self.password.zeroize();
                }
            }
            Panel::Change => {
                let first = a11y::field(ui, &prompt(shared, Msg::new("password-current-prompt")), &mut self.password, true);
                self.first_field(&first);
                a11y::field(ui, &prompt(shared, Msg::new("password-new-prompt")), &mut self.new_password, true);
                let last = a11y::field(ui, &prompt(shared, Msg::new("password-again-prompt")), &mut self.again, true);
                if a11y::primary(ui, &shared.t("gui-change")).clicked() || a11y::submitted(ui, &last) {
                    self.report = Some(self.change(&dir));
                    self.forget_passwords();
                }
            }
            Panel::Export => {
                let path = a11y::field(ui, &shared.t("gui-pfx-path"), &mut self.pfx_path, false);
                self.first_field(&path);
                a11y::checkbox(ui, &mut self.legacy, shared.t("gui-pfx-legacy"));
                let field = a11y::field(ui, &prompt(shared, Msg::new("password-prompt-for").arg("name", name)), &mut self.password, true);
                if a11y::primary(ui, &shared.t("gui-save")).clicked() || a11y::submitted(ui, &field) {
                    let format = if self.legacy { PfxFormat::Legacy } else { PfxFormat::Modern };
                    let target = PathBuf::from(self.pfx_path.trim());
                    self.report = Some(match crate::pfx::save_pfx(&dir, &target, &self.password, format, false) {
                        Ok(notes) => Report { ok: true, notes },
                        Err(failure) => Report::failed(failure),
                    });
                    self.password.zeroize();
                }
            }
            Panel::Delete => {
                ui.label(shared.text(Msg::new("gui-delete-question").arg("name", name)));
                let delete = a11y::primary(ui, &shared.t("gui-delete-confirm"));
                self.first_field(&delete);
                if delete.clicked() {
                    self.report = Some(match trash::delete(&dir) {
                        Ok(()) => Report::ok(Msg::new("gui-deleted").arg("name", name)),
                        Err(e) => {
                            tracing::debug!("moving to the trash failed: {e}");
                            Report { ok: false, notes: vec![Note::Say(Msg::new("gui-err-delete").arg("folder", shown(&dir)))] }
                        }
                    });
                    self.selected = None;
                    self.panel = Panel::None;
                    shared.refresh();
                }
            }
        }
    }

    fn change(&self, dir: &Path) -> Report {
        if let Err(failure) = crate::certs::verify_password(dir, &self.password) {
            return Report::failed(failure);
        }
        if self.new_password.is_empty() {
            return Report { ok: false, notes: vec![Note::Say(Msg::new("err-password-empty"))] };
        }
        if *self.new_password != *self.again {
            return Report { ok: false, notes: vec![Note::Say(Msg::new("err-passwords-differ"))] };
        }
        let mut notes = Vec::new();
        if crate::certs::is_weak(&self.new_password) {
            notes.push(Note::Warn(Msg::new("warn-weak-password")));
        }
        match crate::certs::change_password(dir, &self.password, &self.new_password) {
            Ok(()) => {
                notes.insert(0, Note::Say(Msg::new("password-changed")));
                Report { ok: true, notes }
            }
            Err(failure) => Report::failed(failure),
        }
    }

    fn import_panel(&mut self, ui: &mut egui::Ui, shared: &mut Shared) {
        a11y::heading(ui, &shared.t("gui-import-pfx-title"));
        let dropped = ui.ctx().input(|i| i.raw.dropped_files.iter().find_map(|f| f.path.clone()));
        if let Some(path) = dropped {
            self.import_path = path.display().to_string();
        }
        let path = a11y::field(ui, &shared.t("gui-import-pfx-path"), &mut self.import_path, false);
        self.first_field(&path);
        let field = a11y::field(ui, &prompt(shared, Msg::new("pfx-password-prompt")), &mut self.password, true);
        a11y::checkbox(ui, &mut self.import_replace, shared.t("gui-pfx-replace"));
        if a11y::primary(ui, &shared.t("gui-import-pfx-go")).clicked() || a11y::submitted(ui, &field) {
            let file = PathBuf::from(self.import_path.trim());
            let result = match shared.install_root() {
                None => Err(crate::Failure::new("usage", Msg::new("gui-err-no-install-root"))),
                Some(root) => crate::pfx::read_pfx_file(&file)
                    .and_then(|data| crate::pfx::install_pfx(&data, &file, &root, &self.password, self.import_replace)),
            };
            self.report = Some(match result {
                Ok(notes) => Report { ok: true, notes },
                Err(failure) => Report::failed(failure),
            });
            self.password.zeroize();
            shared.refresh();
        }
    }

    fn report(&self, ui: &mut egui::Ui, shared: &Shared) {
        let Some(report) = &self.report else { return };
        ui.add_space(8.0);
        for note in &report.notes {
            match note {
                Note::Say(msg) => {
                    let color = if report.ok { a11y::GOOD } else { a11y::BAD };
                    a11y::colored(ui, color, &shared.text(msg.clone()));
                }
                Note::Warn(msg) => {
                    a11y::colored(ui, a11y::WARN, &shared.text(msg.clone()));
                }
            }
        }
    }
}

/// Where a PFX file is offered to go: the documents folder, named after
/// the holder.
fn default_pfx_path(cert: &CertSummary) -> PathBuf {
    let dir = dirs::document_dir().or_else(dirs::home_dir).unwrap_or_else(|| PathBuf::from("."));
    let name: String = cert.holder.chars().filter(|c| !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')).collect();
    dir.join(format!("{}.pfx", if name.is_empty() { "certificate" } else { &name }))
}

fn npki_roots(shared: &Shared) -> Vec<PathBuf> {
    if shared.setup.roots.is_empty() {
        certbridge_core::npki::candidate_roots(&certbridge_core::npki::Env::current())
    } else {
        shared.setup.roots.clone()
    }
}
