//! PC끼리: this PC plays the phone's part with another PC's code: its typed
//! code (`123-456-789`), its text pasted, or a picture of its QR code
//! (opened by its path or dropped on the window), read by the command
//! line's own [`Scanned::read`]. When the other PC receives (or may: a
//! typed code does not say), the certificates to send are picked here
//! first; then the consent question, the number to type on the other PC,
//! and the result.

use std::path::PathBuf;

use certbridge_i18n::Msg;

use super::egui;
use super::export::busy_elsewhere;
use super::pick::{self, Picked};
use super::transfer_view::{Action, View};
use crate::gui::a11y;
use crate::gui::app::Shared;
use crate::gui::session::Kind;
use crate::transfer::Scanned;

/// The PC-to-PC screen's state.
#[derive(Debug, Default)]
pub(crate) struct State {
    code: String,
    image: String,
    /// A code of a PC that receives, or a typed code: waiting for the
    /// certificates to send.
    sending_to: Option<Scanned>,
    picked: Picked,
    error: Option<Msg>,
    view: View,
}

impl State {
    pub(crate) fn show(&mut self, shared: &mut Shared, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if shared.transfer.as_ref().is_some_and(|t| t.kind == Kind::Scan) {
            if let Some(Action::Close | Action::Retry) = self.view.show(ui, shared) {
                shared.transfer = None;
                shared.refresh();
                self.code.clear();
            }
            return;
        }
        a11y::heading(ui, &shared.t("gui-pc-title"));
        if busy_elsewhere(ui, shared) {
            return;
        }
        if let Some(scanned) = &self.sending_to {
            // A typed code may turn out to be a PC that sends: then nothing
            // needs picking.
            let must = scanned.needs_certificates();
            ui.label(shared.t(if must { "gui-pc-pick" } else { "gui-pc-pick-code" }));
            pick::show(ui, shared, &mut self.picked);
            let chosen = self.picked.chosen(shared);
            ui.horizontal(|ui| {
                let label = shared.t(if must { "gui-pc-send" } else { "gui-pc-connect" });
                let send = ui.add_enabled_ui(!must || !chosen.is_empty(), |ui| a11y::primary(ui, &label)).inner;
                if send.clicked() {
                    if let Some(scanned) = self.sending_to.take() {
                        self.start(shared, scanned, chosen, &ctx);
                    }
                }
                if a11y::button(ui, shared.t("gui-back")).clicked() {
                    self.sending_to = None;
                }
            });
            return;
        }
        ui.label(shared.t("gui-pc-intro"));
        let response = a11y::field(ui, &shared.t("gui-pc-code-label"), &mut self.code, false);
        let mut connect = a11y::submitted(ui, &response);
        ui.add_space(4.0);
        let image = a11y::field(ui, &shared.t("gui-pc-image-label"), &mut self.image, false);
        let open = a11y::button(ui, shared.t("gui-pc-open-image")).clicked() || a11y::submitted(ui, &image);
        let dropped = ctx.input(|i| i.raw.dropped_files.iter().find_map(|f| f.path.clone()));
        if let Some(path) = &dropped {
            self.image = path.display().to_string();
        }
        if open || dropped.is_some() {
            match crate::qr_image::decode(&PathBuf::from(self.image.trim())) {
                Ok(text) => {
                    self.code = text;
                    self.error = None;
                    connect = true;
                }
                Err(failure) => self.error = Some(failure.msg),
            }
        }
        if let Some(error) = &self.error {
            a11y::colored(ui, a11y::BAD, &shared.text(error.clone()));
        }
        ui.add_space(6.0);
        connect |= a11y::primary(ui, &shared.t("gui-pc-connect")).clicked();
        if connect {
            match Scanned::read(&self.code) {
                Err(failure) => self.error = Some(failure.msg),
                Ok(scanned) if scanned.may_send() => {
                    self.error = None;
                    self.sending_to = Some(scanned);
                }
                Ok(scanned) => self.start(shared, scanned, Vec::new(), &ctx),
            }
        }
    }

    fn start(&mut self, shared: &mut Shared, scanned: Scanned, folders: Vec<PathBuf>, ctx: &egui::Context) {
        self.error = shared.start_guest(scanned, folders, ctx).err();
        self.view = View::default();
    }
}
