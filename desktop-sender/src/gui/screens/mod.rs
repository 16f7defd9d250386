//! The screens, one module each, and what they share: the transfer view
//! (code, number, progress, result) and the list to pick certificates from.

mod about;
mod certs;
mod export;
mod import;
mod pc;
mod pick;
mod settings;
mod transfer_view;

use super::app::{Goto, Shared};
use super::egui;

/// A screen of the window, in the order the navigation lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Screen {
    /// 내 인증서.
    Certs,
    /// 휴대폰으로 보내기.
    Export,
    /// 휴대폰에서 가져오기.
    Import,
    /// PC끼리.
    Pc,
    /// 설정.
    Settings,
    /// 정보.
    About,
}

impl Screen {
    /// Every screen, in the navigation's order.
    pub(crate) const ALL: [Screen; 6] = [Screen::Certs, Screen::Export, Screen::Import, Screen::Pc, Screen::Settings, Screen::About];

    /// The screen's name in the navigation.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Screen::Certs => "gui-nav-certs",
            Screen::Export => "gui-nav-export",
            Screen::Import => "gui-nav-import",
            Screen::Pc => "gui-nav-pc",
            Screen::Settings => "gui-nav-settings",
            Screen::About => "gui-nav-about",
        }
    }
}

/// Each screen's own state, kept while the user looks at another.
#[derive(Default)]
pub(crate) struct States {
    certs: certs::State,
    export: export::State,
    import: import::State,
    pc: pc::State,
    settings: settings::State,
}

impl States {
    /// Shows `screen`.
    pub(crate) fn show(&mut self, screen: Screen, shared: &mut Shared, ui: &mut egui::Ui) {
        match screen {
            Screen::Certs => self.certs.show(shared, ui),
            Screen::Export => self.export.show(shared, ui),
            Screen::Import => self.import.show(shared, ui),
            Screen::Pc => self.pc.show(shared, ui),
            Screen::Settings => self.settings.show(shared, ui),
            Screen::About => about::show(shared, ui),
        }
    }

    /// Prepares the screen a request asks for and says which it is.
    pub(crate) fn goto(&mut self, goto: Goto, shared: &Shared) -> Screen {
        match goto {
            Goto::Screen(screen) => screen,
            #[cfg(test)]
            Goto::Details(folder) => {
                self.certs.select(folder);
                Screen::Certs
            }
            Goto::CheckPassword(folder) => {
                self.certs.open_password_check(folder);
                Screen::Certs
            }
            Goto::Export(folder) => {
                self.export.pick_only(folder, shared);
                Screen::Export
            }
        }
    }
}
