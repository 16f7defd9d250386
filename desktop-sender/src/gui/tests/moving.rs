//! A move instead of a copy (보낸 뒤 이 PC에서 지우기, the core's
//! `move_sent`), and GPKI/EPKI certificates in 내 인증서 with the words the
//! command line's `list` uses for them.

use std::path::PathBuf;
use std::time::SystemTime;

use certbridge_core::npki::CertSummary;
use certbridge_i18n::{Lang, Msg};
use egui_kittest::kittest::NodeT;

use super::flows::{export_through, start_export_with};
use super::*;

const KO: Lang = Lang::Ko;

#[test]
fn a_move_removes_the_certificate_here_once_the_phone_confirms_it() {
    let Some(fx) = Fixture::new() else { return };
    let listed = npki::list(&[fx.root.path().to_path_buf()], SystemTime::now()).certificates;
    let (holder, folder) = (listed[0].holder.clone(), PathBuf::from(listed[0].folder.clone().unwrap()));
    let mut h = fx.window(KO, fx.setup(), Settings::default());
    // Off by default; ticked, it says what will happen.
    click(&mut h, &t(KO, "gui-nav-export"));
    let off = h.get_by_label(&t(KO, "gui-move")).accesskit_node().toggled();
    assert_eq!(off, Some(egui::accesskit::Toggled::False), "moving is not off by default");
    assert!(!shows(&h, &t(KO, "move-notice")));
    let text = start_export_with(&mut h, KO, &[&t(KO, "gui-move")], |h| {
        assert!(shows(h, &t(KO, "move-notice")), "ticked, the box does not say what it does");
        let label = t(KO, "gui-move");
        assert_eq!(h.get_by_label(&label).accesskit_node().toggled(), Some(egui::accesskit::Toggled::True));
    });
    let phone = tempfile::tempdir().unwrap();
    export_through(&mut h, &text, phone.path(), &[]);
    assert!(shows(&h, &Msg::new("result-removed-here").arg("name", holder.as_str()).render(KO)), "no removal line");
    assert!(!folder.exists(), "the PC still holds {}", folder.display());
    assert!(npki::list(&[fx.root.path().to_path_buf()], SystemTime::now()).certificates.is_empty());
    let got: Vec<_> = files(phone.path()).into_iter().map(|(n, b)| (n.rsplit('/').next().unwrap().to_owned(), b)).collect();
    let sent: Vec<_> = files(&fx.vector).into_iter().filter(|(n, _)| n == "signCert.der" || n == "signPri.key").collect();
    assert!(got == sent, "the phone did not get the certificate byte for byte");
}

#[test]
fn a_move_keeps_a_certificate_changed_after_it_was_sent_and_says_so() {
    let Some(fx) = Fixture::new() else { return };
    let listed = npki::list(&[fx.root.path().to_path_buf()], SystemTime::now()).certificates;
    let (holder, folder) = (listed[0].holder.clone(), PathBuf::from(listed[0].folder.clone().unwrap()));
    let mut h = fx.window(KO, fx.setup(), Settings::default());
    let text = start_export_with(&mut h, KO, &[&t(KO, "gui-move")], |_| {});
    // The session read the certificate when it made the code; it changes
    // on disk before the phone's receipt confirms what was sent.
    let key = folder.join("signPri.key");
    let mut changed = std::fs::read(&key).unwrap();
    changed.push(0);
    std::fs::write(&key, &changed).unwrap();
    let phone = tempfile::tempdir().unwrap();
    export_through(&mut h, &text, phone.path(), &[]);
    assert!(shows(&h, &Msg::new("result-not-removed").arg("name", holder.as_str()).render(KO)), "no by-hand line");
    assert!(!shows(&h, &Msg::new("result-removed-here").arg("name", holder.as_str()).render(KO)));
    assert_eq!(std::fs::read(&key).unwrap(), changed, "the changed copy was touched");
}

#[test]
fn gpki_and_epki_certificates_are_listed_with_their_usage_and_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fx) = certbridge_e2e::gpki_fixtures(tmp.path()) else { return };
    let roots = vec![fx.join("GPKI"), fx.join("EPKI")];
    let listed: Vec<CertSummary> = npki::list(&roots, SystemTime::now()).certificates;
    assert_eq!(listed.iter().filter(|c| c.layout != "npki").count(), 3, "the fixtures hold three holders");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    for lang in Lang::ALL {
        let mut setup = Setup::system(runtime.handle().clone(), None);
        setup.roots = roots.clone();
        let mut h = harness(App::new(setup, Settings::default(), lang, fonts::FontSource::Bundled), [1100.0, 900.0]);
        h.run_ok();
        for cert in &listed {
            let kind = t(lang, if cert.layout == "gpki" { "kind-gpki" } else { "kind-epki" });
            let usage = crate::certs::usage_label_in(cert, lang);
            assert!(!usage.is_empty());
            let line = h.state().app.shared.text(
                Msg::new("gui-cert-line")
                    .arg("name", cert.holder.as_str())
                    .arg("ca", kind.as_str())
                    .arg("usage", usage.as_str())
                    .arg("until", h.state().app.shared.date(&cert.not_after)),
            );
            assert!(shows(&h, &line), "{lang:?}: no row {line:?}");
        }
        // The details of 홍길동's GPKI certificate: its kind, issuing body and id.
        let hong = listed.iter().find(|c| c.id.as_deref() == Some("085홍길동003")).unwrap();
        let row = h.state().app.shared.text(Msg::new("gui-cert-line")
            .arg("name", hong.holder.as_str())
            .arg("ca", t(lang, "kind-gpki"))
            .arg("usage", crate::certs::usage_label_in(hong, lang))
            .arg("until", h.state().app.shared.date(&hong.not_after)));
        click(&mut h, &row);
        h.run_ok();
        assert!(shows(&h, &t(lang, "kind-gpki")), "{lang:?}: no kind in the details");
        assert!(!shows(&h, &t(lang, "kind-npki")), "{lang:?}: a GPKI certificate called NPKI");
        let issuer = crate::certs::issuer_in(hong, lang);
        assert!(issuer.contains("CA131000001"), "{issuer}");
        assert!(shows(&h, &issuer), "{lang:?}: no issuer {issuer:?}");
        assert!(shows(&h, "085홍길동003"), "{lang:?}: no id");
    }
}
