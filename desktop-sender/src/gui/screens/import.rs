//! 휴대폰에서 가져오기: a receive code, the same number entry, then what was
//! installed where (duplicates and refusals explained), with an offer to
//! check each installed certificate's password at once.

use certbridge_i18n::Msg;
use certbridge_i18n::explain::shown;

use super::egui;
use super::export::busy_elsewhere;
use super::transfer_view::{Action, View};
use crate::gui::a11y;
use crate::gui::app::{Goto, Shared};
use crate::gui::session::Kind;

/// The import screen's state.
#[derive(Debug, Default)]
pub(crate) struct State {
    view: View,
    error: Option<Msg>,
    replacing: bool,
    /// The list was read again after this transfer installed something.
    refreshed: bool,
}

impl State {
    pub(crate) fn show(&mut self, shared: &mut Shared, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if shared.transfer.as_ref().is_some_and(|t| t.kind == Kind::Import) {
            let action = self.view.show(ui, shared);
            if shared.transfer.as_ref().is_some_and(|t| matches!(t.phase, crate::gui::session::Phase::Done(_))) {
                // What was installed shows in 내 인증서 at once.
                if !self.refreshed {
                    shared.refresh();
                    self.refreshed = true;
                }
            }
            match action {
                Some(Action::Renew) => {
                    if let Some(t) = shared.transfer.as_mut() {
                        t.renew(&shared.setup.runtime, &ctx);
                    }
                }
                Some(Action::Retry) => self.start(shared, self.replacing, &ctx),
                Some(Action::RetryReplacing) => self.start(shared, true, &ctx),
                Some(Action::CheckPassword(folder)) => {
                    shared.refresh();
                    shared.goto = Some(Goto::CheckPassword(folder));
                }
                Some(Action::Close) => {
                    shared.transfer = None;
                    shared.refresh();
                }
                None => {}
            }
            return;
        }
        a11y::heading(ui, &shared.t("gui-import-title"));
        if busy_elsewhere(ui, shared) {
            return;
        }
        ui.label(shared.t("gui-import-intro"));
        match shared.install_root() {
            Some(root) => ui.label(shared.text(Msg::new("gui-install-to").arg("path", shown(&root)))),
            None => ui.label(shared.t("gui-err-no-install-root")),
        };
        if let Some(error) = &self.error {
            a11y::colored(ui, a11y::BAD, &shared.text(error.clone()));
        }
        if a11y::primary(ui, &shared.t("gui-make-code")).clicked() {
            self.start(shared, false, &ctx);
        }
    }

    fn start(&mut self, shared: &mut Shared, replace: bool, ctx: &egui::Context) {
        shared.transfer = None;
        self.replacing = replace;
        self.refreshed = false;
        self.error = shared.start_host(Kind::Import, Vec::new(), replace, false, ctx).err();
        self.view = View::default();
    }
}
