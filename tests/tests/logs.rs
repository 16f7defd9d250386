//! The debug log holds no secret: a whole transfer with
//! `CERTBRIDGE_LOG=trace` on both sides, then the logs are searched for the
//! invite's text, the typed code's secret digits, the verification number
//! and the certificate's bytes (in hex, or as a list of numbers).

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::path::Path;

use certbridge_e2e::{Proc, test_vector};

#[test]
fn a_traced_transfer_logs_no_secret() {
    let Some(vector) = test_vector("npki-yessign-test") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("phone");
    let trace: &[(&str, &Path)] = &[("CERTBRIDGE_LOG", Path::new("trace"))];
    let args = ["send", vector.to_str().unwrap(), "--allow-expired", "--json", "--listen", "127.0.0.1"];
    let mut desktop = Proc::start("desktop", &args, trace);
    let invite = desktop.expect("invite");
    let text = invite["text"].as_str().unwrap().to_owned();
    let code = invite["code"].as_str().unwrap().replace('-', "");
    let scan = ["scan", text.as_str(), "--install-root", root.to_str().unwrap(), "--json"];
    let mut scanner = Proc::start("scanner", &scan, trace);
    let number = scanner.expect("verification_code")["code"].as_str().unwrap().to_owned();
    desktop.expect("enter_code");
    desktop.type_line(&number);
    scanner.expect("done");
    desktop.expect("done");
    assert_eq!(scanner.wait().code(), Some(0));
    assert_eq!(desktop.wait().code(), Some(0));

    let logs = format!("{}\n{}", desktop.stderr(), scanner.stderr());
    assert!(logs.lines().count() > 10, "the trace logged something: {logs}");
    let digits = text.trim_start_matches("CERTBRIDGE:/");
    let mut secrets = vec![
        ("the invite's digits", digits[20..60].to_owned()),
        ("the typed code's secret", code[code.len() - 6..].to_owned()),
        ("the verification number", number.clone()),
    ];
    for file in ["signCert.der", "signPri.key"] {
        let bytes = std::fs::read(vector.join(file)).unwrap();
        let chunk = &bytes[40..72];
        secrets.push(("a file's bytes in hex", hex::encode(chunk)));
        secrets.push(("a file's bytes as a list", format!("{:?}", &chunk[..8]).trim_matches(['[', ']']).to_owned()));
    }
    for (what, secret) in secrets {
        assert!(!contains_token(&logs, &secret), "{what} ({secret}) is in the log");
    }
}

/// True when `needle` is in `text` not as part of a longer number (six
/// digits turn up by chance inside timestamps).
fn contains_token(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        !digit(before) && !digit(after)
    })
}
