//! 휴대폰으로 보내기: pick certificates, then the transfer view (a large QR
//! code, the number typed here, progress, the result per certificate).
//!
//! Under the list, "보낸 뒤 이 PC에서 지우기" (a move, off by default: the
//! core removes the PC's copy of each certificate the phone's receipt
//! confirms byte for byte, as `certbridge send --move` does); the result
//! says per certificate whether it was removed here or must be removed by
//! hand.

use std::path::PathBuf;

use certbridge_i18n::Msg;

use super::egui;
use super::pick::{self, Picked};
use super::transfer_view::{Action, View};
use crate::gui::a11y;
use crate::gui::app::{Goto, Shared};
use crate::gui::session::Kind;

/// The export screen's state.
#[derive(Debug, Default)]
pub(crate) struct State {
    picked: Picked,
    view: View,
    /// Why the last start failed.
    error: Option<Msg>,
    /// What the running transfer sends (for "retry").
    sending: Vec<PathBuf>,
    /// Remove what was sent from this PC once the phone confirms it.
    move_sent: bool,
}

impl State {
    /// Starts over with only `folder` picked.
    pub(crate) fn pick_only(&mut self, folder: String, shared: &Shared) {
        if shared.transfer.as_ref().is_some_and(|t| t.kind == Kind::Export && !t.is_active()) {
            return;
        }
        self.picked.folders.clear();
        self.picked.folders.insert(folder);
    }

    pub(crate) fn show(&mut self, shared: &mut Shared, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if shared.transfer.as_ref().is_some_and(|t| t.kind == Kind::Export) {
            match self.view.show(ui, shared) {
                Some(Action::Renew) => {
                    if let Some(t) = shared.transfer.as_mut() {
                        t.renew(&shared.setup.runtime, &ctx);
                    }
                }
                Some(Action::Retry) => {
                    shared.transfer = None;
                    self.start(shared, self.sending.clone(), &ctx);
                }
                Some(Action::Close) => {
                    shared.transfer = None;
                    shared.refresh();
                }
                _ => {}
            }
            return;
        }
        a11y::heading(ui, &shared.t("gui-export-title"));
        if busy_elsewhere(ui, shared) {
            return;
        }
        ui.label(shared.t("gui-export-intro"));
        ui.add_space(6.0);
        pick::show(ui, shared, &mut self.picked);
        self.options(ui, shared);
        let chosen = self.picked.chosen(shared);
        ui.add_space(8.0);
        if let Some(error) = &self.error {
            a11y::colored(ui, a11y::BAD, &shared.text(error.clone()));
        }
        let start = ui.add_enabled_ui(!chosen.is_empty(), |ui| a11y::primary(ui, &shared.t("gui-make-code"))).inner;
        if chosen.is_empty() {
            ui.label(shared.t("gui-export-pick-first"));
        }
        if start.clicked() {
            self.start(shared, chosen, &ctx);
        }
    }

    /// Options for what is sent: move instead of copy.
    fn options(&mut self, ui: &mut egui::Ui, shared: &Shared) {
        ui.add_space(4.0);
        a11y::checkbox(ui, &mut self.move_sent, shared.t("gui-move"));
        if self.move_sent {
            a11y::colored(ui, a11y::WARN, &shared.t("move-notice"));
        }
    }

    fn start(&mut self, shared: &mut Shared, folders: Vec<PathBuf>, ctx: &egui::Context) {
        self.sending = folders.clone();
        self.error = shared.start_host(Kind::Export, folders, false, self.move_sent, ctx).err();
        self.view = View::default();
    }
}

/// Says so, and offers a way there, when another screen's transfer runs.
pub(crate) fn busy_elsewhere(ui: &mut egui::Ui, shared: &mut Shared) -> bool {
    let Some(transfer) = shared.transfer.as_ref().filter(|t| t.is_active()) else {
        return false;
    };
    let screen = match transfer.kind {
        Kind::Export => super::Screen::Export,
        Kind::Import => super::Screen::Import,
        Kind::Scan => super::Screen::Pc,
    };
    a11y::colored(ui, a11y::WARN, &shared.t("gui-busy"));
    if a11y::button(ui, shared.t("gui-busy-show")).clicked() {
        shared.goto = Some(Goto::Screen(screen));
    }
    true
}
