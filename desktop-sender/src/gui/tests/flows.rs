//! Each flow of the window, end to end: the window shows the code, a real
//! `certbridge scan` process uses it over 127.0.0.1 (or a real relay), the
//! number it shows is typed into the window, and the files are checked on
//! both sides.

use std::time::Duration;

use certbridge_e2e::Proc;
use certbridge_i18n::{Lang, Msg};
use egui_kittest::kittest::{NodeT, Queryable};

use super::*;
use crate::gui::session::Phase;

const KO: Lang = Lang::Ko;

/// Goes to 휴대폰으로 보내기, picks the shared certificate (expired, so
/// "also send expired" first) and makes the code; returns its text.
pub(super) fn start_export(h: &mut Harness<'static, Window>, lang: Lang) -> String {
    start_export_with(h, lang, &[], |_| {})
}

/// [`start_export`], ticking the boxes labelled `options` too; `check`
/// runs once they are ticked, before the code is made.
pub(super) fn start_export_with(
    h: &mut Harness<'static, Window>,
    lang: Lang,
    options: &[&str],
    check: impl Fn(&Harness<'static, Window>),
) -> String {
    if h.state().app.screen != crate::gui::screens::Screen::Export {
        click(h, &t(lang, "gui-nav-export"));
    }
    click(h, &t(lang, "gui-allow-expired"));
    for option in options {
        click(h, option);
    }
    check(h);
    let cert = h.get_all_by_role(egui::accesskit::Role::CheckBox).find(|n| n.accesskit_node().label().is_some_and(|l| l.contains("yessign"))).unwrap();
    cert.click();
    h.step();
    click(h, &t(lang, "gui-make-code"));
    invite_text(h, lang)
}

/// The number the scanner shows.
pub(super) fn number_of(scanner: &mut Proc) -> String {
    scanner.expect("verification_code")["code"].as_str().unwrap().to_owned()
}

/// A scanner that receives into `phone` with the window's code, its number
/// typed into the window, and the window's result awaited.
pub(super) fn export_through(h: &mut Harness<'static, Window>, text: &str, phone: &Path, extra: &[&str]) -> Proc {
    let mut scanner = Proc::scan_into("scanner", text, phone, extra);
    let number = number_of(&mut scanner);
    type_number(h, KO, &number);
    wait_for(h, &t(KO, "gui-done-title"));
    assert!(scanner.wait().success());
    scanner
}

pub(super) fn phase_is(h: &Harness<'static, Window>, f: impl Fn(&Phase) -> bool) -> bool {
    h.state().app.shared.transfer.as_ref().is_some_and(|t| f(&t.phase))
}

#[test]
fn export_to_a_scanner_on_loopback() {
    let Some(fx) = Fixture::new() else { return };
    let mut h = fx.window(KO, fx.setup(), Settings::default());
    let text = start_export(&mut h, KO);
    let phone = tempfile::tempdir().unwrap();
    export_through(&mut h, &text, phone.path(), &[]);
    assert!(shows(&h, "설치되었습니다"), "no result line");
    assert!(shows(&h, &Msg::new("path-lan").arg("address", "127.0.0.1").render(KO)));
    // Byte for byte what the PC holds.
    let sent: Vec<_> = files(&fx.vector).into_iter().filter(|(n, _)| n == "signCert.der" || n == "signPri.key").collect();
    let got: Vec<_> = files(phone.path()).into_iter().map(|(n, b)| (n.rsplit('/').next().unwrap().to_owned(), b)).collect();
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert!(got == sent, "received {:?}, sent {:?}", names(&got), names(&sent));
    // A copy, not a move: the PC keeps its certificate and says nothing of removing it.
    let kept = npki::list(&[fx.root.path().to_path_buf()], SystemTime::now()).certificates;
    assert_eq!(kept.len(), 1);
    assert!(!shows(&h, &Msg::new("result-removed-here").arg("name", kept[0].holder.as_str()).render(KO)));
}

#[test]
fn import_asks_the_phone_for_consent_and_offers_a_password_check() {
    let Some(fx) = Fixture::new() else { return };
    let pc = tempfile::tempdir().unwrap();
    let mut setup = fx.setup();
    setup.default_install_roots = Some(npki::InstallRoots::beside(pc.path().to_path_buf()));
    setup.roots = vec![pc.path().to_path_buf()];
    let mut h = fx.window(KO, setup, Settings::default());
    click(&mut h, &t(KO, "gui-nav-import"));
    assert!(shows(&h, &pc.path().display().to_string()), "the install folder is named");
    click(&mut h, &t(KO, "gui-make-code"));
    let text = invite_text(&mut h, KO);
    let mut scanner = Proc::scan_sending(&text, &fx.vector, &[]);
    // The phone asks first; the window already waits for the number and says why.
    scanner.expect("consent_required");
    wait_for(&mut h, &t(KO, "gui-number-after-consent"));
    scanner.type_line("y");
    let number = number_of(&mut scanner);
    type_number(&mut h, KO, &number);
    wait_for(&mut h, &t(KO, "gui-done-title"));
    assert!(scanner.wait().success());
    let installed = npki::list(&[pc.path().to_path_buf()], SystemTime::now());
    assert_eq!(installed.certificates.len(), 1);
    let holder = installed.certificates[0].holder.clone();
    let folder = installed.certificates[0].folder.clone().unwrap();
    assert!(shows(&h, &Msg::new("result-installed").arg("name", holder.as_str()).arg("folder", folder.as_str()).render(KO)));
    // "Check the password now" opens 내 인증서 with the check ready.
    click(&mut h, &Msg::new("gui-check-now").arg("name", holder.as_str()).render(KO));
    let field = prompt(KO, Msg::new("password-prompt-for").arg("name", holder.as_str()));
    wait_for(&mut h, &field);
    let expected: serde_json::Value = serde_json::from_slice(&std::fs::read(fx.vector.join("expected.json")).unwrap()).unwrap();
    h.get_by_label(&field).type_text(expected["password"].as_str().unwrap());
    h.step();
    click(&mut h, &t(KO, "gui-check"));
    wait_for(&mut h, &t(KO, "password-right"));
}

#[test]
fn three_wrong_numbers_stop_both_sides_and_nothing_moves() {
    let Some(fx) = Fixture::new() else { return };
    let mut h = fx.window(KO, fx.setup(), Settings::default());
    let text = start_export(&mut h, KO);
    let phone = tempfile::tempdir().unwrap();
    let mut scanner = Proc::scan_into("scanner", &text, phone.path(), &[]);
    let number = number_of(&mut scanner);
    let wrong = format!("{:06}", (number.parse::<u32>().unwrap() + 1) % 1_000_000);
    type_number(&mut h, KO, &wrong);
    wait_for(&mut h, &Msg::new("number-wrong").arg("left", 2u8).render(KO));
    type_number(&mut h, KO, &wrong);
    wait_for(&mut h, &Msg::new("number-wrong").arg("left", 1u8).render(KO));
    type_number(&mut h, KO, &wrong);
    wait_for(&mut h, &t(KO, "err-code-mismatch"));
    assert_eq!(scanner.fails_with(), "peer_aborted");
    assert!(files(phone.path()).is_empty(), "something was installed");
}

#[test]
fn an_expired_code_is_replaced_in_place_with_one_key() {
    let Some(fx) = Fixture::new() else { return };
    let mut setup = fx.setup();
    setup.code_lifetime = Some(Duration::from_secs(3));
    let mut h = fx.window(KO, setup, Settings::default());
    let old = start_export(&mut h, KO);
    wait_for(&mut h, &t(KO, "gui-code-expired"));
    // The new-code button has the focus; F5 works from anywhere.
    assert!(h.get_by_label(&t(KO, "gui-new-code")).is_focused());
    h.key_press(egui::Key::F5);
    wait_until(&mut h, "a new code", |h| phase_is(h, |p| matches!(p, Phase::Code)));
    let new = invite_text(&mut h, KO);
    assert_ne!(old, new);
    let phone = tempfile::tempdir().unwrap();
    let mut stale = Proc::scan_into("stale", &old, phone.path(), &[]);
    assert_eq!(stale.fails_with(), "expired");
    export_through(&mut h, &new, phone.path(), &[]);
}

#[test]
fn the_relay_set_in_the_settings_carries_an_export() {
    let Some(fx) = Fixture::new() else { return };
    let relay = certbridge_e2e::Relay::start(&[]);
    let url = relay.url();
    let mut h = fx.window(KO, fx.setup(), Settings::default());
    // Set the relay as a user would: in 설정, then leave the field.
    click(&mut h, &t(KO, "gui-nav-settings"));
    let field = t(KO, "gui-settings-relay");
    h.get_by_label(&field).focus();
    h.step();
    h.get_by_label(&field).type_text(&url);
    h.step();
    h.key_press(egui::Key::Enter);
    h.step();
    assert_eq!(h.state().app.shared.settings.relay, url);
    let text = start_export(&mut h, KO);
    let phone = tempfile::tempdir().unwrap();
    export_through(&mut h, &text, phone.path(), &["--no-lan"]);
    assert!(shows(&h, &Msg::new("path-relay").arg("url", url.as_str()).render(KO)));
    assert_eq!(files(phone.path()).len(), 2);
}

#[test]
fn cancelling_tells_the_scanner_and_a_new_transfer_can_start() {
    let Some(fx) = Fixture::new() else { return };
    let mut h = fx.window(KO, fx.setup(), Settings::default());
    let text = start_export(&mut h, KO);
    let phone = tempfile::tempdir().unwrap();
    let mut scanner = Proc::scan_into("scanner", &text, phone.path(), &[]);
    number_of(&mut scanner);
    wait_until(&mut h, "the number entry", |h| phase_is(h, |p| matches!(p, Phase::Number { .. })));
    // Other transfer screens wait for this one.
    click(&mut h, &t(KO, "gui-nav-import"));
    assert!(shows(&h, &t(KO, "gui-busy")));
    click(&mut h, &t(KO, "gui-busy-show"));
    click(&mut h, &t(KO, "gui-cancel"));
    wait_for(&mut h, &t(KO, "err-cancelled"));
    assert_eq!(scanner.fails_with(), "peer_aborted");
    assert!(files(phone.path()).is_empty());
    click(&mut h, &t(KO, "gui-back"));
    click(&mut h, &t(KO, "gui-nav-import"));
    assert!(!shows(&h, &t(KO, "gui-busy")));
}

#[test]
fn closing_mid_transfer_asks_first_then_cancels_cleanly() {
    let Some(fx) = Fixture::new() else { return };
    let mut h = fx.window(Lang::En, fx.setup(), Settings::default());
    let text = start_export(&mut h, Lang::En);
    let phone = tempfile::tempdir().unwrap();
    let mut scanner = Proc::scan_into("scanner", &text, phone.path(), &[]);
    number_of(&mut scanner);
    wait_until(&mut h, "the number entry", |h| phase_is(h, |p| matches!(p, Phase::Number { .. })));
    let close = |h: &mut Harness<'static, Window>| {
        h.input_mut().viewports.entry(egui::ViewportId::ROOT).or_default().events.push(egui::ViewportEvent::Close);
        h.step();
        h.step();
    };
    let closes = |h: &Harness<'static, Window>| {
        h.output().viewport_output.get(&egui::ViewportId::ROOT).is_some_and(|v| v.commands.contains(&egui::ViewportCommand::Close))
    };
    // Asked first; "keep going" keeps the transfer.
    close(&mut h);
    assert!(shows(&h, &t(Lang::En, "gui-close-question")));
    click(&mut h, &t(Lang::En, "gui-close-keep"));
    assert!(!shows(&h, &t(Lang::En, "gui-close-question")));
    assert!(phase_is(&h, |p| matches!(p, Phase::Number { .. })));
    // Asked again; this time the transfer is cancelled, then the window closes.
    close(&mut h);
    click(&mut h, &t(Lang::En, "gui-close-confirm"));
    wait_until(&mut h, "the close command", closes);
    assert_eq!(scanner.fails_with(), "peer_aborted");
    assert!(files(phone.path()).is_empty());
}
