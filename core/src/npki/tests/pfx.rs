//! PKCS#12 export and import, against the shared vector's `cert.pfx` and
//! files made by OpenSSL.

use std::path::Path;
use std::process::Command;

use super::{expected, openssl_fixtures, password, vector, vector_item};
use crate::npki::*;

fn text(pw: &[u8]) -> &str {
    std::str::from_utf8(pw).unwrap()
}

fn decrypted(item: &crate::message::BundleItem, pw: &[u8]) -> Vec<u8> {
    check_password(item, pw).unwrap().pkcs8_der().to_vec()
}

#[test]
fn the_vectors_pfx_imports_with_r_restored() {
    let Some(dir) = vector() else { return };
    let pfx = std::fs::read(dir.join("cert.pfx")).unwrap();
    let pw = expected(&dir)["pfx_password"].as_str().unwrap().to_owned();
    let imported = import_pfx(&pfx, &pw).unwrap();
    assert!(imported.has_random_num);
    assert_eq!(
        imported.item.files["signCert.der"].as_slice(),
        std::fs::read(dir.join("signCert.der")).unwrap()
    );
    // The new signPri.key opens to exactly the vector's plaintext, R included.
    assert_eq!(
        decrypted(&imported.item, pw.as_bytes()),
        std::fs::read(dir.join("plainSignPri.der")).unwrap()
    );
    let enc = key_encryption(imported.item.files["signPri.key"].as_slice()).unwrap();
    assert_eq!(
        (enc.scheme, enc.iterations),
        ("pbes1-seed", NEW_KEY_ITERATIONS)
    );
    imported.item.validate().unwrap();
}

#[test]
fn a_wrong_pfx_password_is_a_clean_result() {
    let Some(dir) = vector() else { return };
    let pfx = std::fs::read(dir.join("cert.pfx")).unwrap();
    for wrong in ["", "wtua8ev0lwxvfsii!", "비밀번호123!"] {
        assert!(
            matches!(import_pfx(&pfx, wrong), Err(PfxError::WrongPassword)),
            "{wrong}"
        );
    }
}

#[test]
fn damaged_pfx_files_give_clear_errors() {
    let Some(dir) = vector() else { return };
    let pfx = std::fs::read(dir.join("cert.pfx")).unwrap();
    let pw = text(&password(&dir)).to_owned();
    for bad in [
        &pfx[..pfx.len() - 7],
        &pfx[..100],
        b"",
        b"not a pfx at all",
        &[0x30, 0x03, 0x02, 0x01, 0x03][..],
    ] {
        let err = import_pfx(bad, &pw).unwrap_err();
        assert!(
            matches!(err, PfxError::Malformed(_)),
            "{} bytes: {err:?}",
            bad.len()
        );
    }
    let mut extra = pfx.clone();
    extra.push(0);
    assert!(matches!(
        import_pfx(&extra, &pw),
        Err(PfxError::Malformed(_))
    ));
    // A changed byte inside the MAC-protected content fails the MAC.
    let mut flipped = pfx.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 1;
    assert!(matches!(
        import_pfx(&flipped, &pw),
        Err(PfxError::WrongPassword)
    ));
}

#[test]
fn export_then_import_keeps_the_key_and_r_in_both_formats() {
    let Some(dir) = vector() else { return };
    let item = vector_item(&dir);
    let pw = password(&dir);
    for format in [PfxFormat::Modern, PfxFormat::Legacy] {
        let exported = export_pfx(&item, text(&pw), format).unwrap();
        assert!(exported.has_random_num && !exported.km_left_out);
        let back = import_pfx(&exported.bytes, text(&pw)).unwrap();
        assert!(back.has_random_num, "{format:?}");
        assert_eq!(back.item.files["signCert.der"], item.files["signCert.der"]);
        assert_eq!(
            decrypted(&back.item, &pw),
            decrypted(&item, &pw),
            "{format:?}"
        );
    }
}

#[test]
fn export_checks_the_password_first() {
    let Some(dir) = vector() else { return };
    let item = vector_item(&dir);
    assert!(matches!(
        export_pfx(&item, "wrong", PfxFormat::Modern),
        Err(PfxError::WrongPassword)
    ));
}

fn openssl_info(pfx: &Path, pw: &str, legacy: bool) -> Option<String> {
    let mut cmd = Command::new("openssl");
    cmd.args(["pkcs12", "-info", "-nodes", "-passin"])
        .arg(format!("pass:{pw}"))
        .arg("-in")
        .arg(pfx);
    if legacy {
        cmd.args(["-legacy"]);
    }
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("skipping: openssl not runnable: {e}");
            return None;
        }
    };
    assert!(
        out.status.success(),
        "openssl could not read our file: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

#[test]
fn openssl_reads_what_we_export_with_r_as_a_key_attribute() {
    let Some(dir) = vector() else { return };
    let item = vector_item(&dir);
    let pw = text(&password(&dir)).to_owned();
    let r = expected(&dir)["random_num_r_hex"]
        .as_str()
        .unwrap()
        .to_uppercase();
    let r_spaced: String = r
        .as_bytes()
        .chunks(2)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    let tmp = tempfile::tempdir().unwrap();
    for (format, legacy, expect) in [
        (PfxFormat::Modern, false, "AES-256-CBC"),
        (PfxFormat::Legacy, true, "pbeWithSHA1And3-KeyTripleDES-CBC"),
    ] {
        let path = tmp.path().join("out.pfx");
        std::fs::write(&path, &*export_pfx(&item, &pw, format).unwrap().bytes).unwrap();
        let Some(info) = openssl_info(&path, &pw, legacy) else {
            return;
        };
        assert!(info.contains(expect), "{format:?}: {info}");
        assert!(
            info.contains(&format!("1.2.410.200004.10.1.1.3: {r_spaced}")),
            "R missing: {info}"
        );
        assert!(info.contains("BEGIN CERTIFICATE") && info.contains("BEGIN PRIVATE KEY"));
        // And OpenSSL refuses our file under a wrong password.
        let wrong = Command::new("openssl")
            .args([
                "pkcs12",
                "-info",
                "-nodes",
                "-passin",
                "pass:nope",
                "-legacy",
                "-in",
            ])
            .arg(&path)
            .output()
            .unwrap();
        assert!(!wrong.status.success());
        let said = String::from_utf8_lossy(&wrong.stderr);
        assert!(said.contains("Mac verify error"), "{format:?}: {said}");
    }
}

#[test]
fn pfx_files_made_by_openssl_import_modern_and_legacy() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fixtures) = openssl_fixtures(tmp.path()) else {
        return;
    };
    let pw = std::fs::read_to_string(fixtures.join("password")).unwrap();
    let cert = std::fs::read(fixtures.join("demo/signCert.der")).unwrap();
    let folder_key = read_folder(&fixtures.join("demo")).unwrap();
    let mut checked = 0;
    for name in ["demo.pfx", "demo-legacy.pfx"] {
        let path = fixtures.join(name);
        if !path.exists() {
            eprintln!("skipping {name}: OpenSSL could not make it here");
            continue;
        }
        checked += 1;
        let imported = import_pfx(&std::fs::read(&path).unwrap(), &pw).unwrap();
        // OpenSSL drops PKCS#8 attributes, so its files carry no R.
        assert!(!imported.has_random_num);
        assert_eq!(
            imported.item.files["signCert.der"].as_slice(),
            cert.as_slice()
        );
        // Same RSA key as the OpenSSL-made NPKI folder of that certificate.
        assert_eq!(
            key::pkcs8_modulus(&decrypted(&imported.item, pw.as_bytes())).unwrap(),
            key::pkcs8_modulus(&decrypted(&folder_key, pw.as_bytes())).unwrap(),
        );
        assert!(matches!(
            import_pfx(&std::fs::read(&path).unwrap(), "틀린 비밀번호"),
            Err(PfxError::WrongPassword)
        ));
    }
    // The modern file needs no legacy provider: OpenSSL always makes it.
    assert!(checked >= 1, "no OpenSSL-made PKCS#12 file was checked");
}

#[test]
fn a_pfx_whose_key_has_no_certificate_is_refused() {
    let Some(dir) = vector() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let Some(fixtures) = openssl_fixtures(tmp.path()) else {
        return;
    };
    // The vector's key next to the OpenSSL certificate: no pair matches.
    let key =
        p12_keystore::PrivateKey::from_der(&std::fs::read(dir.join("plainSignPri.der")).unwrap())
            .unwrap();
    let cert = p12_keystore::Certificate::from_der(
        &std::fs::read(fixtures.join("demo/signCert.der")).unwrap(),
    )
    .unwrap();
    let mut store = p12_keystore::KeyStore::new();
    store.add_entry(
        "x",
        p12_keystore::KeyStoreEntry::PrivateKeyChain(p12_keystore::PrivateKeyChain::new(
            vec![1],
            key,
            [cert],
        )),
    );
    let pfx = store.writer("pw").write().unwrap();
    assert!(matches!(import_pfx(&pfx, "pw"), Err(PfxError::NoKeyPair)));
}
