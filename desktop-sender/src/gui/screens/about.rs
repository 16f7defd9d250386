//! 정보: what CertBridge is, its version and protocol version, where the
//! settings are kept, and the licences (the program's and the font's).

use certbridge_i18n::Msg;

use super::egui;
use crate::gui::a11y;
use crate::gui::app::Shared;
use crate::gui::fonts::FontSource;

pub(crate) fn show(shared: &mut Shared, ui: &mut egui::Ui) {
    a11y::heading(ui, &shared.t("gui-about-title"));
    ui.label(shared.t("help-about"));
    ui.add_space(6.0);
    ui.label(shared.text(Msg::new("gui-about-version").arg("version", env!("CARGO_PKG_VERSION"))));
    ui.label(shared.text(Msg::new("gui-about-protocol").arg("version", certbridge_core::invite::PROTOCOL_VERSION)));
    ui.label(shared.t("gui-about-safety"));
    ui.add_space(6.0);
    ui.label(shared.t("gui-about-license"));
    let font = match &shared.font {
        FontSource::System(path) => Msg::new("gui-about-font-system").arg("path", path.display().to_string()),
        FontSource::Bundled => Msg::new("gui-about-font-bundled"),
    };
    ui.label(shared.text(font));
    ui.label(shared.t("gui-about-font-license"));
    if let Some(file) = &shared.setup.settings_file {
        ui.label(shared.text(Msg::new("gui-about-settings-file").arg("path", file.display().to_string())));
    }
}
