//! The invite's QR code in the window: black on white with its quiet
//! zone, drawn from the core's own image one pixel per module and scaled
//! up without smoothing, so it stays crisp at any size. It fills the room
//! it is given (it grows with the window) and the user can make it larger
//! or smaller; screen readers hear what it is for.

use super::egui;
use egui::{Color32, ColorImage, TextureHandle, TextureOptions};

use certbridge_core::Invite;

/// The smallest and largest side of the code, in points.
const MIN_SIDE: f32 = 180.0;
const MAX_SIDE: f32 = 900.0;

/// A QR code ready to draw.
pub(crate) struct QrTexture {
    texture: TextureHandle,
    /// Pixels per side, quiet zone included.
    side: usize,
}

impl QrTexture {
    /// The invite's code as a texture; `None` if it cannot be drawn
    /// (too long for a QR code: the text form still works).
    pub(crate) fn new(ctx: &egui::Context, invite: &Invite) -> Option<Self> {
        let png = invite.to_qr().ok()?.to_png(1).ok()?;
        let image = image::load_from_memory(&png).ok()?.to_luma8();
        let side = image.width() as usize;
        let color = ColorImage::from_gray([side, image.height() as usize], image.as_raw());
        let texture = ctx.load_texture("invite-qr", color, TextureOptions::NEAREST);
        Some(Self { texture, side })
    }

    /// Draws the code as large as `room` allows, times `scale`, in whole
    /// pixels per module. `label` is what a screen reader says.
    pub(crate) fn show(&self, ui: &mut egui::Ui, room: f32, scale: f32, label: &str) -> egui::Response {
        let ppp = ui.ctx().pixels_per_point();
        let wanted = (room * scale).clamp(MIN_SIDE, MAX_SIDE) * ppp;
        // Whole device pixels per module keep every module the same size.
        let per_module = (wanted / self.side as f32).floor().max(1.0);
        let side = per_module * self.side as f32 / ppp;
        let (rect, response) = ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
        let painter = ui.painter();
        painter.rect_filled(rect.expand(2.0), 0.0, Color32::WHITE);
        let uv = egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
        painter.image(self.texture.id(), rect, uv, Color32::WHITE);
        let label = label.to_owned();
        response.widget_info(move || egui::WidgetInfo::labeled(egui::WidgetType::Image, true, &label));
        response
    }
}
