//! What a transfer looks like, whichever screen started it: the code (QR,
//! the typed code and the text) with its time and a new-code button, the number entry with
//! its tries and its wait, the consent question and the number to type
//! elsewhere (scanning side), progress, and the result per certificate.
//!
//! No time punishes a slow user (KWCAG 2.2.1): an expired code is replaced
//! in place with one click or F5/Enter, and the wait for the number can be
//! extended as often as needed.

use std::time::{Instant, SystemTime};

use certbridge_core::code::ShortCode;
use certbridge_core::{ItemStatus, Outcome, Progress};
use certbridge_i18n::Msg;
use certbridge_i18n::explain::link_path;

use super::egui;
use crate::gui::a11y;
use crate::gui::app::Shared;
use crate::gui::session::{Kind, Phase, Transfer};

/// What the user asked of the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    /// A new code in place of the shown one.
    Renew,
    /// Leave the finished transfer: back to the screen's start.
    Close,
    /// Start the same transfer again.
    Retry,
    /// Start the same import again, replacing different certificates.
    RetryReplacing,
    /// Check the password of the certificate installed in this folder.
    CheckPassword(String),
}

/// The view's own state: the number being typed, the QR code's size.
#[derive(Debug)]
pub(crate) struct View {
    typed: String,
    qr_scale: f32,
    focused_serial: u64,
}

impl Default for View {
    fn default() -> Self {
        Self { typed: String::new(), qr_scale: 1.0, focused_serial: u64::MAX }
    }
}

fn minutes_seconds(shared: &Shared, id: &'static str, secs: u64) -> String {
    shared.text(Msg::new(id).arg("minutes", secs / 60).arg("seconds", format!("{:02}", secs % 60)))
}

impl View {
    /// Shows the window's transfer; what the user asked, if anything.
    pub(crate) fn show(&mut self, ui: &mut egui::Ui, shared: &mut Shared) -> Option<Action> {
        let now = SystemTime::now();
        let shared_ro: &Shared = shared;
        let transfer = shared_ro.transfer.as_ref()?;
        let wants_focus = transfer.focus_serial != self.focused_serial;
        if wants_focus {
            self.focused_serial = transfer.focus_serial;
        }
        let mut action = None;
        let mut typed_code = None;
        let mut consent = None;
        let mut cancel = false;
        let mut extend = false;
        match &transfer.phase {
            Phase::Starting => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(shared_ro.t("gui-starting"));
                });
            }
            Phase::Code => {
                action = self.code(ui, shared_ro, transfer, now);
                cancel = a11y::button(ui, shared_ro.t("gui-cancel")).clicked();
            }
            Phase::Expired => {
                a11y::heading(ui, &shared_ro.t(direction(transfer.kind)));
                let frame = egui::Frame::group(ui.style()).inner_margin(24.0);
                frame.show(ui, |ui| {
                    a11y::colored(ui, a11y::WARN, &shared_ro.t("gui-code-expired"));
                    let renew = a11y::primary(ui, &shared_ro.t("gui-new-code"));
                    if wants_focus {
                        renew.request_focus();
                    }
                    if renew.clicked() || ui.input(|i| i.key_pressed(egui::Key::F5)) {
                        action = Some(Action::Renew);
                    }
                });
                if a11y::button(ui, shared_ro.t("gui-back")).clicked() {
                    action = Some(Action::Close);
                }
            }
            Phase::Connecting => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(shared_ro.t("connecting"));
                });
                cancel = a11y::button(ui, shared_ro.t("gui-cancel")).clicked();
            }
            Phase::Number { attempts_left } => {
                a11y::heading(ui, &shared_ro.t("gui-number-title"));
                self.peer_line(ui, shared_ro, transfer);
                typed_code = self.number(ui, shared_ro, transfer, *attempts_left, wants_focus);
                if let Some(until) = transfer.wait_until {
                    let left = until.saturating_duration_since(Instant::now()).as_secs();
                    ui.horizontal_wrapped(|ui| {
                        let color = if left < 60 { a11y::WARN } else { a11y::INK };
                        a11y::colored(ui, color, &minutes_seconds(shared_ro, "gui-wait-left", left));
                        extend = a11y::button(ui, shared_ro.t("gui-wait-more")).clicked();
                    });
                }
                cancel = a11y::button(ui, shared_ro.t("gui-cancel")).clicked();
            }
            Phase::Consent { items } => {
                a11y::heading(ui, &shared_ro.t("gui-consent-title"));
                self.peer_line(ui, shared_ro, transfer);
                let (peer, path) = peer_and_path(transfer);
                ui.label(shared_ro.text(Msg::new("consent-intro").arg("peer", peer.as_str()).arg("path", path).arg("count", items.len())));
                for item in items {
                    ui.label(shared_ro.text(Msg::new("consent-item").arg("name", item.as_str())));
                }
                a11y::colored(ui, a11y::WARN, &shared_ro.text(Msg::new("gui-consent-question").arg("peer", peer.as_str())));
                ui.horizontal(|ui| {
                    let yes = a11y::primary(ui, &shared_ro.t("gui-consent-yes"));
                    if yes.clicked() {
                        consent = Some(true);
                    }
                    let no = a11y::button(ui, shared_ro.t("gui-consent-no"));
                    if wants_focus {
                        // The safe answer has the focus.
                        no.request_focus();
                    }
                    if no.clicked() {
                        consent = Some(false);
                    }
                });
            }
            Phase::ShowNumber { grouped } => {
                a11y::heading(ui, &shared_ro.t("gui-show-number-title"));
                self.peer_line(ui, shared_ro, transfer);
                ui.label(egui::RichText::new(shared_ro.text(Msg::new("number-show").arg("number", grouped.as_str()))).size(40.0).strong());
                ui.label(shared_ro.t("gui-number-type-it"));
                a11y::colored(ui, a11y::BAD, &shared_ro.t("number-never-share"));
                cancel = a11y::button(ui, shared_ro.t("gui-cancel")).clicked();
            }
            Phase::Working(progress) => {
                self.peer_line(ui, shared_ro, transfer);
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(shared_ro.text(working(transfer.kind, progress.as_ref())));
                });
                ui.label(shared_ro.t("gui-working-note"));
                cancel = a11y::button(ui, shared_ro.t("gui-cancel")).clicked();
            }
            Phase::Done(outcome) => action = self.done(ui, shared_ro, transfer.kind, outcome, wants_focus),
            Phase::Failed { msg, .. } => {
                a11y::heading(ui, &shared_ro.t("gui-failed-title"));
                a11y::colored(ui, a11y::BAD, &shared_ro.text(msg.clone()));
                ui.horizontal(|ui| {
                    let retry = a11y::primary(ui, &shared_ro.t("gui-retry"));
                    if wants_focus {
                        retry.request_focus();
                    }
                    if retry.clicked() {
                        action = Some(Action::Retry);
                    }
                    if a11y::button(ui, shared_ro.t("gui-back")).clicked() {
                        action = Some(Action::Close);
                    }
                });
            }
        }
        if let Some(transfer) = shared.transfer.as_mut() {
            if let Some(code) = typed_code {
                transfer.submit_code(&code);
            }
            if let Some(yes) = consent {
                transfer.set_consent(yes);
            }
            if extend {
                transfer.extend_wait();
            }
            if cancel {
                transfer.cancel();
            }
        }
        action
    }

    fn peer_line(&self, ui: &mut egui::Ui, shared: &Shared, transfer: &Transfer) {
        if transfer.peer.is_some() {
            let (peer, path) = peer_and_path(transfer);
            ui.label(shared.text(Msg::new("connected").arg("peer", peer).arg("path", path)));
        }
    }

    fn code(&mut self, ui: &mut egui::Ui, shared: &Shared, transfer: &Transfer, now: SystemTime) -> Option<Action> {
        let mut action = None;
        let code = transfer.code.as_ref()?;
        a11y::heading(ui, &shared.t(direction(transfer.kind)));
        ui.label(shared.t(if code.short.is_some() { "invite-scan-or-type" } else { "invite-scan" }));
        // The QR code as large as the window allows, the rest beside it
        // (or under it in a narrow window).
        let wide = ui.available_width() > 760.0;
        let room = if wide { (ui.available_width() - 340.0).min(ui.available_height() - 60.0) } else { ui.available_width() };
        let room = room.clamp(200.0, 620.0);
        let scale = self.qr_scale;
        let qr_scale = &mut self.qr_scale;
        let mut side = |ui: &mut egui::Ui| {
            if let Some(short) = &code.short {
                typed_code(ui, shared, short, code.renewed);
            }
            let left = transfer.code_seconds_left(now);
            let color = if left < 60 { a11y::WARN } else { a11y::INK };
            a11y::colored(ui, color, &minutes_seconds(shared, "gui-code-left", left));
            if a11y::button(ui, shared.t("gui-new-code")).clicked() || ui.input(|i| i.key_pressed(egui::Key::F5)) {
                action = Some(Action::Renew);
            }
            ui.horizontal_wrapped(|ui| {
                if a11y::button(ui, shared.t("gui-qr-larger")).clicked() {
                    *qr_scale = (*qr_scale * 1.25).min(3.0);
                }
                if a11y::button(ui, shared.t("gui-qr-smaller")).clicked() {
                    *qr_scale = (*qr_scale / 1.25).max(0.4);
                }
            });
            ui.add_space(8.0);
            egui::CollapsingHeader::new(shared.t("gui-code-text-title")).id_salt("code-text").show(ui, |ui| {
                ui.label(shared.t("gui-code-text-intro"));
                let label = ui.label(shared.t("gui-code-text-label"));
                let mut text = code.text.as_str();
                let edit = egui::TextEdit::multiline(&mut text).desired_rows(4).desired_width(f32::min(ui.available_width(), 560.0));
                let response = ui.add(edit).labelled_by(label.id);
                a11y::ring(ui, &response);
                if a11y::button(ui, shared.t("gui-copy-code")).clicked() {
                    ui.ctx().copy_text(code.text.clone());
                }
            });
        };
        let draw_qr = |ui: &mut egui::Ui| {
            if let Some(qr) = &code.qr {
                qr.show(ui, room, scale, &shared.t("gui-qr-label"));
            }
        };
        if wide {
            ui.horizontal_top(|ui| {
                draw_qr(ui);
                ui.vertical(|ui| side(ui));
            });
        } else {
            draw_qr(ui);
            side(ui);
        }
        action
    }

    fn number(&mut self, ui: &mut egui::Ui, shared: &Shared, transfer: &Transfer, attempts_left: u8, wants_focus: bool) -> Option<String> {
        let device = if transfer.peer.as_ref().is_some_and(certbridge_core::Hello::is_phone) { "phone" } else { "computer" };
        if transfer.kind == Kind::Import {
            ui.label(shared.t("gui-number-after-consent"));
        }
        a11y::colored(ui, a11y::BAD, &shared.t("number-never-share"));
        let label = shared.text(Msg::new("enter-number").arg("device", device));
        let label = label.trim_end_matches([':', ' ']).to_owned();
        let shown = ui.label(egui::RichText::new(&label).strong());
        let mut submitted = None;
        ui.horizontal(|ui| {
            let edit = egui::TextEdit::singleline(&mut self.typed)
                .char_limit(11)
                .font(egui::FontId::monospace(28.0))
                .desired_width(200.0);
            let response = ui.add(edit).labelled_by(shown.id);
            a11y::ring(ui, &response);
            if wants_focus {
                response.request_focus();
            }
            // Pasted text may carry anything: keep digits, spaces, dashes.
            self.typed.retain(|c| c.is_ascii_digit() || c == ' ' || c == '-');
            let ok = a11y::primary(ui, &shared.t("gui-number-ok"));
            if ok.clicked() || a11y::submitted(ui, &response) {
                submitted = Some(std::mem::take(&mut self.typed));
                response.request_focus();
            }
        });
        if let Some(notice) = &transfer.notice {
            a11y::colored(ui, a11y::BAD, &shared.text(notice.clone()));
        } else {
            ui.label(shared.text(Msg::new("gui-attempts-left").arg("left", attempts_left)));
        }
        submitted
    }

    fn done(&mut self, ui: &mut egui::Ui, shared: &Shared, kind: Kind, outcome: &Outcome, wants_focus: bool) -> Option<Action> {
        let mut action = None;
        a11y::heading(ui, &shared.t("gui-done-title"));
        ui.label(shared.text(Msg::new("gui-done-path").arg("path", link_path(&outcome.path))));
        let mut conflict = false;
        for item in &outcome.items {
            let color = match item.status {
                ItemStatus::Rejected => a11y::BAD,
                _ => a11y::GOOD,
            };
            a11y::colored(ui, color, &shared.text(crate::transfer::item_line(item, outcome)));
            if let Some((removed, msg)) = crate::transfer::removal_line(item) {
                a11y::colored(ui, if removed { a11y::GOOD } else { a11y::WARN }, &shared.text(msg));
            }
            conflict |= item.code == Some(certbridge_core::message::RejectCode::Conflict) && !outcome.sent;
            if !outcome.sent && item.status != ItemStatus::Rejected {
                if let Some(folder) = &item.location {
                    let name = item.label.clone().unwrap_or_default();
                    if a11y::button(ui, shared.text(Msg::new("gui-check-now").arg("name", name))).clicked() {
                        action = Some(Action::CheckPassword(folder.clone()));
                    }
                }
            }
        }
        if conflict && kind != Kind::Scan {
            ui.label(shared.t("gui-replace-offer"));
            if a11y::button(ui, shared.t("gui-replace-retry")).clicked() {
                action = Some(Action::RetryReplacing);
            }
        }
        let back = a11y::primary(ui, &shared.t("gui-again"));
        if wants_focus {
            back.request_focus();
        }
        if back.clicked() {
            action = Some(Action::Close);
        }
        action
    }
}

/// The typed code, large, in its groups (`123-456-789`); a screen reader
/// hears it digit by digit (`코드: 1 2 3, 4 5 6, 7 8 9`). After a wrong
/// try burned the old one, says that this is a new code.
fn typed_code(ui: &mut egui::Ui, shared: &Shared, short: &ShortCode, renewed: bool) {
    ui.label(egui::RichText::new(shared.t("gui-code-typed")).strong());
    let spoken = shared.text(Msg::new("code-spoken").arg("spoken", short.spoken()));
    let shown = ui.label(egui::RichText::new(short.grouped()).font(egui::FontId::monospace(44.0)).strong().color(a11y::INK));
    shown.widget_info(move || egui::WidgetInfo::labeled(egui::WidgetType::Label, true, &spoken));
    if renewed {
        a11y::colored(ui, a11y::WARN, &shared.text(Msg::new("invite-code-renewed").arg("code", short.grouped())));
    }
    ui.add_space(6.0);
}

fn peer_and_path(transfer: &Transfer) -> (String, Msg) {
    let peer = transfer.peer.as_ref().map(|p| p.name.clone()).unwrap_or_default();
    let path = transfer.path.as_ref().map(link_path).unwrap_or_else(|| Msg::new("time-unknown"));
    (peer, path)
}

fn direction(kind: Kind) -> &'static str {
    match kind {
        Kind::Export => "invite-direction-send",
        Kind::Import | Kind::Scan => "invite-direction-receive",
    }
}

fn working(kind: Kind, progress: Option<&Progress>) -> Msg {
    match progress {
        Some(Progress::Sending { items, bytes }) => {
            Msg::new("sending").arg("count", *items).arg("bytes", certbridge_i18n::thousands(*bytes as u64))
        }
        Some(Progress::Received { items, .. }) => Msg::new("received-installing").arg("count", *items),
        _ if kind == Kind::Import => Msg::new("gui-waiting-for-phone"),
        _ => Msg::new("gui-working"),
    }
}
