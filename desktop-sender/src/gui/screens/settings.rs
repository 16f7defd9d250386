//! 설정: the language (applied at once), the relay for devices on other
//! networks, where received certificates are installed, and how long
//! codes and the wait for the number last. Each change is kept at once; a
//! relay address that cannot be used is refused with the reason.

use certbridge_i18n::{Lang, Msg};

use super::egui;
use crate::gui::a11y;
use crate::gui::app::Shared;
use crate::gui::settings::{CODE_MINUTES, WAIT_MINUTES};

/// The settings screen's state: fields being edited.
#[derive(Debug, Default)]
pub(crate) struct State {
    relay: Option<String>,
    install_root: Option<String>,
    relay_error: Option<Msg>,
    saved: bool,
}

impl State {
    pub(crate) fn show(&mut self, shared: &mut Shared, ui: &mut egui::Ui) {
        a11y::heading(ui, &shared.t("gui-settings-title"));
        let mut changed = false;

        ui.add_space(6.0);
        ui.label(egui::RichText::new(shared.t("gui-settings-language")).strong());
        ui.horizontal_wrapped(|ui| {
            let system = shared.settings.lang().is_none();
            if a11y::radio(ui, system, &shared.t("gui-settings-language-system")).clicked() && !system {
                shared.settings.language.clear();
                shared.lang = Lang::detect(None);
                changed = true;
            }
            for lang in Lang::ALL {
                let on = shared.settings.lang() == Some(lang);
                if a11y::radio(ui, on, lang.native_name()).clicked() && !on {
                    shared.settings.language = lang.tag().to_owned();
                    shared.lang = lang;
                    changed = true;
                }
            }
        });

        ui.add_space(10.0);
        let relay = self.relay.get_or_insert_with(|| shared.settings.relay.clone());
        let label = shared.t("gui-settings-relay");
        let response = a11y::field(ui, &label, relay, false);
        ui.label(egui::RichText::new(shared.t("gui-settings-relay-help")).small());
        if response.lost_focus() || a11y::submitted(ui, &response) {
            let typed = relay.trim().to_owned();
            match certbridge_core::transport::relay::check_url(&typed) {
                _ if typed.is_empty() => {
                    self.relay_error = None;
                    changed |= shared.settings.relay != typed;
                    shared.settings.relay = typed;
                }
                Ok(()) => {
                    self.relay_error = None;
                    changed |= shared.settings.relay != typed;
                    shared.settings.relay = typed;
                }
                Err(_) => self.relay_error = Some(Msg::new("gui-settings-relay-bad").arg("url", typed)),
            }
        }
        if let Some(error) = &self.relay_error {
            a11y::colored(ui, a11y::BAD, &shared.text(error.clone()));
        }

        ui.add_space(10.0);
        let default_root = shared.setup.default_install_roots.as_ref().map(|r| r.npki.display().to_string()).unwrap_or_default();
        let root = self.install_root.get_or_insert_with(|| shared.settings.install_root.clone());
        let label = shared.t("gui-settings-install-root");
        let response = a11y::field(ui, &label, root, false);
        ui.label(egui::RichText::new(shared.text(Msg::new("gui-settings-install-root-help").arg("path", default_root))).small());
        if response.lost_focus() && shared.settings.install_root != root.trim() {
            shared.settings.install_root = root.trim().to_owned();
            changed = true;
        }

        ui.add_space(10.0);
        changed |= minutes(ui, shared, "gui-settings-code-time", &CODE_MINUTES, |s| &mut s.code_minutes);
        changed |= minutes(ui, shared, "gui-settings-wait", &WAIT_MINUTES, |s| &mut s.wait_minutes);
        ui.label(egui::RichText::new(shared.t("gui-settings-wait-help")).small());

        if changed {
            shared.save_settings();
            self.saved = true;
        }
        if self.saved {
            ui.add_space(8.0);
            a11y::colored(ui, a11y::GOOD, &shared.t("gui-settings-saved"));
        }
    }
}

/// A choice of minutes, as radio buttons under a title; true when changed.
fn minutes(
    ui: &mut egui::Ui,
    shared: &mut Shared,
    title: &'static str,
    choices: &[u64],
    field: impl Fn(&mut crate::gui::settings::Settings) -> &mut u64,
) -> bool {
    let mut changed = false;
    ui.label(egui::RichText::new(shared.t(title)).strong());
    ui.horizontal_wrapped(|ui| {
        for &choice in choices {
            let label = shared.text(Msg::new("gui-minutes").arg("minutes", choice));
            let value = field(&mut shared.settings);
            let on = *value == choice;
            if a11y::radio(ui, on, &label).clicked() && !on {
                *value = choice;
                changed = true;
            }
        }
    });
    changed
}
