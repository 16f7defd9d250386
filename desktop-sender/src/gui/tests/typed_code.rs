//! The typed code in the window, end to end against the real binaries
//! and a real `certbridge-relay` on 127.0.0.1 (the relay gives the code
//! its channel, so no multicast is needed): shown large beside the QR code
//! on both transfer screens (sending and receiving)
//! and spoken digit by digit to screen readers, typed into a real
//! `certbridge scan`, renewed with the QR code by "new code", burned and
//! replaced in place by a wrong try; and typed into PC끼리, where mistakes
//! are said in the catalog's words.

use std::time::SystemTime;

use certbridge_core::Invite;
use certbridge_core::code::ShortCode;
use certbridge_e2e::{Proc, Relay};
use certbridge_i18n::{Lang, Msg, explain};

use super::flows::{number_of, phase_is, start_export};
use super::*;
use crate::gui::session::Phase;

const KO: Lang = Lang::Ko;

/// A window whose settings name `relay`.
fn window_with_relay(fx: &Fixture, relay: &Relay, lang: Lang) -> Harness<'static, Window> {
    let settings = Settings { relay: relay.url(), ..Settings::default() };
    fx.window(lang, fx.setup(), settings)
}

/// A Korean window whose settings name `relay`, listing and installing
/// into the empty NPKI folder `pc` (the receiving PC).
fn receiving_window(fx: &Fixture, relay: &Relay, pc: &Path) -> Harness<'static, Window> {
    let mut setup = fx.setup();
    setup.roots = vec![pc.to_path_buf()];
    setup.default_install_roots = Some(npki::InstallRoots::beside(pc.to_path_buf()));
    let settings = Settings { relay: relay.url(), ..Settings::default() };
    fx.window(KO, setup, settings)
}

/// The typed code the window shows, once it shows one, and its QR text.
fn shown_code(h: &mut Harness<'static, Window>) -> (ShortCode, String) {
    wait_until(h, "a typed code", |h| {
        h.state().app.shared.transfer.as_ref().and_then(|t| t.code.as_ref()).is_some_and(|c| c.short.is_some())
    });
    let code = h.state().app.shared.transfer.as_ref().and_then(|t| t.code.as_ref()).unwrap();
    (code.short.clone().unwrap(), code.text.clone())
}

/// What a screen reader hears for `code`.
fn spoken(lang: Lang, code: &ShortCode) -> String {
    Msg::new("code-spoken").arg("spoken", code.spoken()).render(lang)
}

#[test]
fn export_shows_a_typed_code_that_a_scanner_types_through_the_relay() {
    let Some(fx) = Fixture::new() else { return };
    let relay = Relay::start(&[]);
    let mut h = window_with_relay(&fx, &relay, KO);
    start_export(&mut h, KO);
    let (code, _) = shown_code(&mut h);
    // The catalog's words, the code in its groups, and the code as a
    // screen reader says it (one labelled node, the way AccessKit shows it).
    assert!(shows(&h, &t(KO, "invite-scan-or-type")));
    assert!(shows(&h, &t(KO, "gui-code-typed")));
    let label = spoken(KO, &code);
    assert_eq!(h.query_all_by_label(&label).count(), 1, "no node says {label:?}");
    assert!(code.grouped().matches('-').count() == 2 && code.grouped().len() >= 11, "{}", code.grouped());

    let phone = tempfile::tempdir().unwrap();
    let mut scanner = Proc::scan_into("scanner", &code.grouped(), phone.path(), &["--relay", &relay.url(), "--no-lan"]);
    let number = number_of(&mut scanner);
    type_number(&mut h, KO, &number);
    wait_for(&mut h, &t(KO, "gui-done-title"));
    assert!(scanner.wait().success());
    assert!(shows(&h, &Msg::new("path-relay").arg("url", relay.url().as_str()).render(KO)));
    let sent: Vec<_> = files(&fx.vector).into_iter().filter(|(n, _)| n == "signCert.der" || n == "signPri.key").collect();
    let got: Vec<_> = files(phone.path()).into_iter().map(|(n, b)| (n.rsplit('/').next().unwrap().to_owned(), b)).collect();
    assert!(got == sent, "the typed code did not carry the certificate byte for byte");
}

#[test]
fn the_new_code_button_renews_the_qr_code_and_the_typed_code() {
    let Some(fx) = Fixture::new() else { return };
    let relay = Relay::start(&[]);
    let mut h = window_with_relay(&fx, &relay, Lang::En);
    start_export(&mut h, Lang::En);
    let (old_code, old_text) = shown_code(&mut h);
    click(&mut h, &t(Lang::En, "gui-new-code"));
    wait_until(&mut h, "a new QR code", |h| {
        h.state().app.shared.transfer.as_ref().and_then(|t| t.code.as_ref()).is_some_and(|c| c.text != old_text && c.short.is_some())
    });
    let (new_code, _) = shown_code(&mut h);
    assert_ne!(new_code.grouped(), old_code.grouped());
    assert!(shows(&h, &spoken(Lang::En, &new_code)));
    assert!(!shows(&h, &spoken(Lang::En, &old_code)), "the old code is still on screen");
    // The old code leads nowhere any more.
    let phone = tempfile::tempdir().unwrap();
    let mut late = Proc::scan_into("late", &old_code.grouped(), phone.path(), &["--relay", &relay.url(), "--no-lan"]);
    assert_ne!(late.fails_with(), "");
    assert!(files(phone.path()).is_empty());
}

#[test]
fn a_wrong_typed_code_is_burned_and_a_new_one_replaces_it_in_place() {
    let Some(fx) = Fixture::new() else { return };
    let relay = Relay::start(&[]);
    let mut h = window_with_relay(&fx, &relay, KO);
    start_export(&mut h, KO);
    let (code, text) = shown_code(&mut h);
    let mut wrong = code.grouped().into_bytes();
    let last = wrong.len() - 1;
    wrong[last] = if wrong[last] == b'0' { b'1' } else { b'0' };
    let wrong = String::from_utf8(wrong).unwrap();
    let thief = tempfile::tempdir().unwrap();
    let mut scanner = Proc::scan_into("thief", &wrong, thief.path(), &["--relay", &relay.url(), "--no-lan"]);
    assert_eq!(scanner.fails_with(), "wrong_code");
    wait_until(&mut h, "a new typed code", |h| {
        h.state().app.shared.transfer.as_ref().and_then(|t| t.code.as_ref()).is_some_and(|c| c.short.as_ref() != Some(&code))
    });
    let (new, same_text) = shown_code(&mut h);
    assert_eq!(same_text, text, "the QR code stays the same");
    assert!(shows(&h, &Msg::new("invite-code-renewed").arg("code", new.grouped()).render(KO)));
    assert!(shows(&h, &spoken(KO, &new)));
    assert!(phase_is(&h, |p| matches!(p, Phase::Code)), "the window still waits");
    assert!(files(thief.path()).is_empty(), "nothing moved");
}

/// Types `text` into PC끼리's code field and presses 연결.
fn type_pc_code(h: &mut Harness<'static, Window>, lang: Lang, text: &str) {
    let field = t(lang, "gui-pc-code-label");
    h.get_by_label(&field).focus();
    h.step();
    h.get_by_label(&field).type_text(text);
    h.step();
    click(h, &t(lang, "gui-pc-connect"));
}

#[test]
fn pc_to_pc_takes_another_pcs_typed_code() {
    let Some(fx) = Fixture::new() else { return };
    let relay = Relay::start(&[]);
    let pc = tempfile::tempdir().unwrap();
    let mut h = receiving_window(&fx, &relay, pc.path());
    // The other PC: `certbridge send` offering its code at the relay.
    let mut desktop = Proc::start("desktop", &["send", fx.vector.to_str().unwrap(), "--allow-expired", "--json", "--relay", &relay.url(), "--no-lan"], &[]);
    let invite = desktop.expect("invite");
    let code = invite["code"].as_str().unwrap_or_else(|| panic!("no typed code in {invite}")).to_owned();
    click(&mut h, &t(KO, "gui-nav-pc"));
    type_pc_code(&mut h, KO, &code);
    // Which way is the other PC's to say: nothing needs picking to receive.
    wait_for(&mut h, &t(KO, "gui-pc-pick-code"));
    click(&mut h, &t(KO, "gui-pc-connect"));
    wait_until(&mut h, "the number to type on the other PC", |h| phase_is(h, |p| matches!(p, Phase::ShowNumber { .. })));
    desktop.expect("enter_code");
    let grouped = match &h.state().app.shared.transfer.as_ref().unwrap().phase {
        Phase::ShowNumber { grouped } => grouped.clone(),
        _ => unreachable!(),
    };
    desktop.type_line(&grouped.replace(' ', ""));
    wait_for(&mut h, &t(KO, "gui-done-title"));
    assert!(desktop.wait().success());
    let installed = npki::list(&[pc.path().to_path_buf()], SystemTime::now()).certificates;
    assert_eq!(installed.len(), 1, "the certificate was not installed here");
}

#[test]
fn pc_to_pc_says_what_is_wrong_with_a_mistyped_code() {
    let Some(fx) = Fixture::new() else { return };
    let mut h = fx.window(KO, fx.setup(), Settings::default());
    click(&mut h, &t(KO, "gui-nav-pc"));
    // Too few digits for a typed code.
    type_pc_code(&mut h, KO, "123-456");
    wait_for(&mut h, &t(KO, "err-code-malformed"));
    assert!(h.state().app.shared.transfer.is_none(), "a session started");
    // A typo in an invite's text: its check digits catch it.
    let receiver = tempfile::tempdir().unwrap();
    let (_desktop, text) = Proc::desktop_receive(receiver.path(), &[]);
    let mut typo = text.clone().into_bytes();
    let at = typo.len() / 2;
    typo[at] = if typo[at] == b'0' { b'1' } else { b'0' };
    let typo = String::from_utf8(typo).unwrap();
    let expected = explain::invite_error(&Invite::parse(&typo, SystemTime::now()).unwrap_err());
    let field = t(KO, "gui-pc-code-label");
    h.get_by_label(&field).focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label(&field).type_text(&typo);
    h.step();
    click(&mut h, &t(KO, "gui-pc-connect"));
    wait_for(&mut h, &expected.render(KO));
    assert!(!shows(&h, &t(KO, "err-code-malformed")), "the old error is still shown");
    assert!(h.state().app.shared.transfer.is_none(), "a session started");
}

#[test]
fn the_import_screen_shows_a_typed_code_that_a_sending_scanner_types() {
    let Some(fx) = Fixture::new() else { return };
    let relay = Relay::start(&[]);
    let pc = tempfile::tempdir().unwrap();
    let mut h = receiving_window(&fx, &relay, pc.path());
    click(&mut h, &t(KO, "gui-nav-import"));
    click(&mut h, &t(KO, "gui-make-code"));
    let (code, _) = shown_code(&mut h);
    assert!(shows(&h, &t(KO, "invite-scan-or-type")));
    assert!(shows(&h, &spoken(KO, &code)));
    let mut scanner = Proc::scan_sending(&code.grouped(), &fx.vector, &["--relay", &relay.url(), "--no-lan"]);
    scanner.expect("consent_required");
    scanner.type_line("y");
    let number = number_of(&mut scanner);
    type_number(&mut h, KO, &number);
    wait_for(&mut h, &t(KO, "gui-done-title"));
    assert!(scanner.wait().success());
    assert_eq!(npki::list(&[pc.path().to_path_buf()], SystemTime::now()).certificates.len(), 1, "nothing was installed");
}
