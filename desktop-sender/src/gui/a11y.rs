//! Accessibility helpers (KWCAG 2.2 / WCAG 2.2 AA): a high-contrast light
//! style with large text and large targets, a focus ring that cannot be
//! missed, and fields that screen readers announce by their label
//! (AccessKit's `labelled_by`).

use super::egui;
use egui::{Color32, CornerRadius, Response, RichText, Stroke, StrokeKind, TextStyle, Ui};

/// Text on the window's background: contrast above 15:1.
pub(crate) const INK: Color32 = Color32::from_rgb(0x11, 0x11, 0x11);
/// The focus ring: dark blue, 3 px, outside the widget (WCAG 2.4.11/2.4.13).
pub(crate) const FOCUS: Color32 = Color32::from_rgb(0x00, 0x3D, 0xA5);
/// Good news (installed, valid): dark green, 7:1 on white.
pub(crate) const GOOD: Color32 = Color32::from_rgb(0x0B, 0x6B, 0x2B);
/// Attention (expiring): dark amber, 5:1 on white.
pub(crate) const WARN: Color32 = Color32::from_rgb(0x8A, 0x4B, 0x00);
/// Bad news (expired, failed): dark red, 7:1 on white.
pub(crate) const BAD: Color32 = Color32::from_rgb(0xA3, 0x00, 0x1B);
/// The smallest height of anything clickable (WCAG 2.5.8 asks 24 px).
const TARGET: f32 = 34.0;

/// The window's style: light, black on white, large text and targets.
pub(crate) fn apply_style(ctx: &egui::Context) {
    ctx.set_theme(egui::ThemePreference::Light);
    ctx.style_mut_of(egui::Theme::Light, |style| {
        use egui::FontId;
        style.text_styles = [
            (TextStyle::Heading, FontId::proportional(26.0)),
            (TextStyle::Body, FontId::proportional(17.0)),
            (TextStyle::Button, FontId::proportional(17.0)),
            (TextStyle::Monospace, FontId::monospace(16.0)),
            (TextStyle::Small, FontId::proportional(15.0)),
        ]
        .into();
        style.spacing.button_padding = egui::vec2(14.0, 7.0);
        style.spacing.item_spacing = egui::vec2(10.0, 10.0);
        style.spacing.interact_size.y = TARGET;
        style.spacing.icon_width = 22.0;
        style.spacing.icon_width_inner = 12.0;
        let v = &mut style.visuals;
        v.override_text_color = Some(INK);
        v.panel_fill = Color32::WHITE;
        v.window_fill = Color32::WHITE;
        v.extreme_bg_color = Color32::WHITE;
        v.faint_bg_color = Color32::from_gray(0xF2);
        v.hyperlink_color = FOCUS;
        v.selection.bg_fill = Color32::from_rgb(0xCC, 0xDD, 0xFF);
        v.selection.stroke = Stroke::new(2.0, FOCUS);
        let edge = Stroke::new(1.5, Color32::from_gray(0x55));
        v.widgets.inactive.bg_stroke = edge;
        v.widgets.inactive.weak_bg_fill = Color32::from_gray(0xEE);
        v.widgets.inactive.bg_fill = Color32::from_gray(0xEE);
        v.widgets.inactive.fg_stroke = Stroke::new(1.5, INK);
        v.widgets.hovered.bg_stroke = Stroke::new(2.0, INK);
        v.widgets.hovered.weak_bg_fill = Color32::from_gray(0xE0);
        v.widgets.hovered.fg_stroke = Stroke::new(1.5, INK);
        v.widgets.active.bg_stroke = Stroke::new(3.0, FOCUS);
        v.widgets.active.weak_bg_fill = Color32::from_gray(0xD6);
        v.widgets.active.fg_stroke = Stroke::new(2.0, INK);
        v.widgets.noninteractive.fg_stroke = Stroke::new(1.0, INK);
        v.widgets.noninteractive.bg_stroke = Stroke::new(1.0, Color32::from_gray(0x99));
        for w in [&mut v.widgets.inactive, &mut v.widgets.hovered, &mut v.widgets.active] {
            w.corner_radius = CornerRadius::same(5);
        }
    });
}

/// Draws the focus ring around `response` when it has the keyboard focus.
pub(crate) fn ring(ui: &Ui, response: &Response) {
    if response.has_focus() {
        ui.painter().rect_stroke(response.rect.expand(3.0), 6.0, Stroke::new(3.0, FOCUS), StrokeKind::Outside);
    }
}

/// A button with a focus ring; `None` for a disabled one.
pub(crate) fn button(ui: &mut Ui, text: impl Into<egui::WidgetText>) -> Response {
    let response = ui.add(egui::Button::new(text).min_size(egui::vec2(0.0, TARGET)));
    ring(ui, &response);
    response
}

/// The window's main action on a screen: larger and filled.
pub(crate) fn primary(ui: &mut Ui, text: &str) -> Response {
    let text = RichText::new(text).strong().color(Color32::WHITE);
    let response = ui.add(egui::Button::new(text).fill(FOCUS).min_size(egui::vec2(0.0, TARGET + 6.0)));
    ring(ui, &response);
    response
}

/// A checkbox with a focus ring.
pub(crate) fn checkbox(ui: &mut Ui, checked: &mut bool, text: impl Into<egui::WidgetText>) -> Response {
    let response = ui.checkbox(checked, text);
    ring(ui, &response);
    response
}

/// A radio button with a focus ring.
pub(crate) fn radio(ui: &mut Ui, selected: bool, text: &str) -> Response {
    let response = ui.radio(selected, text);
    ring(ui, &response);
    response
}

/// A one-line field announced by `label`, shown above it.
pub(crate) fn field(ui: &mut Ui, label: &str, text: &mut String, password: bool) -> Response {
    let shown = ui.label(label);
    let edit = egui::TextEdit::singleline(text).password(password).desired_width(f32::min(ui.available_width(), 460.0));
    let response = ui.add(edit).labelled_by(shown.id);
    ring(ui, &response);
    response
}

/// A heading for a screen or a part of one.
pub(crate) fn heading(ui: &mut Ui, text: &str) -> Response {
    ui.heading(RichText::new(text).strong())
}

/// A line in a colour that carries meaning, always with words that say
/// the same (colour is never the only sign, WCAG 1.4.1).
pub(crate) fn colored(ui: &mut Ui, color: Color32, text: &str) -> Response {
    ui.label(RichText::new(text).color(color).strong())
}

/// True when Enter was pressed while `response` had the focus (a field
/// that loses focus on Enter, as egui's single-line fields do).
pub(crate) fn submitted(ui: &Ui, response: &Response) -> bool {
    response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}
