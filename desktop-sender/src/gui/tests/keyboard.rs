//! An export done with the keyboard alone: Tab moves between controls,
//! Space ticks boxes, Enter presses buttons, the number field takes the
//! focus by itself when the number is due, and the result's button has the
//! focus when the transfer is over.

use certbridge_e2e::Proc;
use certbridge_i18n::{Lang, Msg};
use egui_kittest::kittest::Queryable;

use super::*;

/// Presses Tab until the control labelled `label` (or, with `contains`,
/// the first whose label contains it) has the focus.
#[track_caller]
fn tab_to(h: &mut Harness<'static, Window>, label: &str, contains: bool) {
    for _ in 0..80 {
        let focused = if contains {
            h.query_all_by_label_contains(label).any(|n| n.is_focused())
        } else {
            h.query_by_label(label).is_some_and(|n| n.is_focused())
        };
        if focused {
            return;
        }
        h.key_press(egui::Key::Tab);
        h.step();
    }
    panic!("Tab never reached {label:?}");
}

#[test]
fn an_export_with_the_keyboard_only() {
    let Some(fx) = Fixture::new() else { return };
    let lang = Lang::Ko;
    let mut h = fx.window(lang, fx.setup(), Settings::default());
    tab_to(&mut h, &t(lang, "gui-nav-export"), false);
    h.key_press(egui::Key::Enter);
    h.step();
    tab_to(&mut h, &t(lang, "gui-allow-expired"), false);
    h.key_press(egui::Key::Space);
    h.step();
    tab_to(&mut h, "yessign", true);
    h.key_press(egui::Key::Space);
    h.step();
    tab_to(&mut h, &t(lang, "gui-make-code"), false);
    h.key_press(egui::Key::Enter);
    wait_for(&mut h, &t(lang, "gui-code-text-title"));
    tab_to(&mut h, &t(lang, "gui-code-text-title"), false);
    h.key_press(egui::Key::Enter);
    h.step();
    let text = invite_text(&mut h, lang);
    let phone = tempfile::tempdir().unwrap();
    let mut scanner = Proc::scan_into("scanner", &text, phone.path(), &[]);
    let number = scanner.expect("verification_code")["code"].as_str().unwrap().to_owned();
    let field = prompt(lang, Msg::new("enter-number").arg("device", "computer"));
    wait_until(&mut h, "the number field with the focus", |h| h.query_by_label(&field).is_some_and(|n| n.is_focused()));
    h.get_by_label(&field).type_text(&number);
    h.step();
    h.key_press(egui::Key::Enter);
    wait_for(&mut h, &t(lang, "gui-done-title"));
    assert!(scanner.wait().success());
    assert_eq!(files(phone.path()).len(), 2);
    wait_until(&mut h, "the focus on the way back", |h| h.get_by_label(&t(lang, "gui-again")).is_focused());
    h.key_press(egui::Key::Enter);
    h.step();
    h.step();
    assert!(shows(&h, &t(lang, "gui-export-intro")));
}
