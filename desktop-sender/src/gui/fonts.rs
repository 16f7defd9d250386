//! Korean glyphs: egui's own fonts have no Hangul. The window uses the
//! system's Korean font where there is one (Malgun Gothic on Windows, Apple
//! SD Gothic Neo on macOS, Noto Sans CJK or Nanum on Linux) and otherwise
//! the subset of NanumGothic shipped in `assets/fonts/` (OFL 1.1, made by
//! `scripts/make-gui-font.sh`), so that Hangul never shows as boxes. egui's
//! fonts stay behind them for symbols (✔, ✘) that Korean fonts lack.

use std::path::PathBuf;
use std::sync::Arc;

use super::egui;
use egui::{FontData, FontDefinitions, FontFamily};

/// The bundled fallback: Latin, punctuation, every Hangul syllable.
pub(crate) const BUNDLED: &[u8] = include_bytes!("../../assets/fonts/CertBridgeHangul.ttf");

/// Where the Korean text's glyphs come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FontSource {
    /// A font of this computer.
    System(PathBuf),
    /// The font shipped with CertBridge.
    Bundled,
}

/// Known Korean system fonts and their index in a collection: Noto Sans
/// CJK's collections hold JP, KR, SC, TC, HK in that order.
fn system_candidates() -> Vec<(PathBuf, u32)> {
    let mut out = Vec::new();
    if cfg!(windows) {
        let windir = std::env::var_os("WINDIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(r"C:\Windows"));
        out.push((windir.join("Fonts").join("malgun.ttf"), 0));
    }
    if cfg!(target_os = "macos") {
        out.push((PathBuf::from("/System/Library/Fonts/AppleSDGothicNeo.ttc"), 0));
        out.push((PathBuf::from("/Library/Fonts/AppleSDGothicNeo.ttc"), 0));
    }
    for dir in ["/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk", "/usr/share/fonts/google-noto-cjk", "/usr/share/fonts/opentype/noto-cjk"] {
        out.push((PathBuf::from(dir).join("NotoSansCJK-Regular.ttc"), 1));
    }
    for dir in ["/usr/share/fonts/truetype/nanum", "/usr/share/fonts/nanum", "/usr/share/fonts/naver-nanum"] {
        out.push((PathBuf::from(dir).join("NanumGothic.ttf"), 0));
    }
    out
}

/// Puts a Korean font in front of egui's fonts. With `use_system` false
/// (the tests' snapshots, which must not depend on the machine) only the
/// bundled font is used.
pub(crate) fn install(ctx: &egui::Context, use_system: bool) -> FontSource {
    let mut fonts = FontDefinitions::default();
    let mut front = Vec::new();
    let mut source = FontSource::Bundled;
    if use_system {
        for (path, index) in system_candidates() {
            // A font file is read once, at start; a few MB at most.
            if let Ok(bytes) = std::fs::read(&path) {
                let mut data = FontData::from_owned(bytes);
                data.index = index;
                fonts.font_data.insert("korean-system".into(), Arc::new(data));
                front.push("korean-system".to_owned());
                source = FontSource::System(path);
                break;
            }
        }
    }
    fonts.font_data.insert("korean-bundled".into(), Arc::new(FontData::from_static(BUNDLED)));
    front.push("korean-bundled".to_owned());
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        let list = fonts.families.entry(family.clone()).or_default();
        if family == FontFamily::Proportional {
            // Korean and Latin from the same font, egui's for symbols.
            for (i, name) in front.iter().enumerate() {
                list.insert(i, name.clone());
            }
        } else {
            // Digits and codes keep egui's monospace; Hangul after it.
            list.extend(front.iter().cloned());
        }
    }
    ctx.set_fonts(fonts);
    tracing::debug!(?source, "Korean font");
    source
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character of every Korean and English message (and the
    /// window's own texts among them) has a glyph in the bundled font or
    /// in egui's, so nothing shows as a box even without a system font.
    #[test]
    fn the_bundled_font_covers_the_whole_catalog() {
        use ab_glyph::Font;
        let bundled = ab_glyph::FontRef::try_from_slice(BUNDLED).unwrap();
        let defaults = FontDefinitions::default();
        let egui_fonts: Vec<ab_glyph::FontRef<'_>> =
            defaults.font_data.values().filter_map(|d| ab_glyph::FontRef::try_from_slice(d.font.as_ref()).ok()).collect();
        let mut missing = std::collections::BTreeSet::new();
        let sources = [certbridge_i18n::sources::KO, certbridge_i18n::sources::EN];
        for text in sources.iter().flat_map(|s| s.lines()).filter(|l| !l.starts_with('#')) {
            for c in super::super::words::drawable(text.to_owned()).chars().filter(|c| !c.is_control()) {
                let has = |f: &ab_glyph::FontRef<'_>| f.glyph_id(c).0 != 0;
                if !has(&bundled) && !egui_fonts.iter().any(has) {
                    missing.insert(c);
                }
            }
        }
        assert!(missing.is_empty(), "no glyph for {missing:?}");
        // Any holder's name: every Hangul syllable.
        for c in ('\u{AC00}'..='\u{D7A3}').step_by(97) {
            assert_ne!(bundled.glyph_id(c).0, 0, "{c}");
        }
    }
}
