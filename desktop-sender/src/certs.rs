//! `inspect`, `list`, `check-password` and `passwd`: what certificates are
//! here, and their passwords.

use std::path::Path;
use std::time::SystemTime;

use certbridge_core::npki::{self, CertSummary, Env, Status};
use certbridge_i18n::explain::{self, shown};
use certbridge_i18n::{Msg, when};
use serde_json::json;

use crate::Failure;
use crate::cli::{CheckPasswordArgs, InspectArgs, ListArgs, PasswdArgs};
use crate::output::Output;

/// Reads a password: a line from stdin, or a prompt without echo.
pub(crate) fn read_password(from_stdin: bool, prompt: &Msg, out: Output) -> Result<zeroize::Zeroizing<String>, Failure> {
    let failed = |e: std::io::Error| Failure::new("io", Msg::new("err-read-password")).because(e);
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map_err(failed)?;
        line.truncate(line.trim_end_matches(['\r', '\n']).len());
        line
    } else {
        rpassword::prompt_password(format!("{} ", out.text(prompt))).map_err(failed)?
    };
    Ok(zeroize::Zeroizing::new(password))
}

/// Checks a folder's password; `Ok` when right.
pub(crate) fn verify_password(dir: &Path, password: &str) -> Result<(), Failure> {
    let item = npki::read_certificate(dir).map_err(|e| Failure::npki(&e))?;
    match npki::check_password(&item, password.as_bytes()) {
        Ok(_) => Ok(()),
        Err(npki::KeyError::WrongPassword) => Err(Failure::wrong_password()),
        Err(e) => Err(Failure::new("key", explain::key_error(&e, dir)).because(e)),
    }
}

/// Reads and describes a certificate folder, or explains why it cannot.
pub(crate) fn summary_of(dir: &Path) -> Result<CertSummary, Failure> {
    npki::inspect(dir, SystemTime::now()).map_err(|e| Failure::npki(&e))
}

/// `certbridge check-password`.
pub(crate) fn check_password(args: CheckPasswordArgs, out: Output) -> Result<(), Failure> {
    // Fail on a bad folder before asking for anything.
    let summary = summary_of(&args.cert_dir)?;
    let prompt = Msg::new("password-prompt-for").arg("name", summary.holder.as_str());
    let password = read_password(args.password_stdin, &prompt, out)?;
    verify_password(&args.cert_dir, &password)?;
    out.say(&Msg::new("password-right"));
    Ok(())
}

/// `certbridge inspect`.
pub(crate) fn inspect(args: InspectArgs, out: Output) -> Result<(), Failure> {
    let summary = summary_of(&args.cert_dir)?;
    if args.json {
        let mut value = json!(summary);
        let item = npki::read_certificate(&args.cert_dir).ok();
        let key = item.as_ref().and_then(|i| i.file(certbridge_core::message::Role::SignKey)).map(|k| k.as_slice().to_vec());
        value["key_encryption"] = match key.as_deref().map(npki::key_encryption) {
            Some(Ok(enc)) => json!(enc),
            _ => serde_json::Value::Null,
        };
        println!("{value}");
    } else {
        print!("{}", describe(&summary, out));
    }
    Ok(())
}

/// `certbridge list`.
pub(crate) fn list(args: ListArgs, out: Output) -> Result<(), Failure> {
    let roots = if args.npki_root.is_empty() { npki::candidate_roots(&Env::current()) } else { args.npki_root.clone() };
    let listing = npki::list(&roots, SystemTime::now());
    if args.json {
        println!("{}", json!({"roots": roots, "certificates": listing.certificates, "failures": listing.failures}));
        return Ok(());
    }
    if listing.certificates.is_empty() {
        out.say(&Msg::new("list-none"));
        for root in &roots {
            out.say(&Msg::new("list-root").arg("path", shown(root)));
        }
    }
    for summary in &listing.certificates {
        println!("{}", describe(summary, out));
    }
    for failure in &listing.failures {
        tracing::debug!(folder = %failure.folder, "{}", failure.error);
        out.warn(&Msg::new("list-broken").arg("folder", failure.folder.as_str()).arg("why", explain::npki_error(&failure.cause)));
    }
    Ok(())
}

/// How a certificate's state reads: valid, expiring or expired, with days.
pub(crate) fn status_of(s: &CertSummary) -> Msg {
    match s.status {
        Status::Expired => Msg::new("status-expired").arg("days", -s.days_left),
        Status::Expiring => Msg::new("status-expiring").arg("days", s.days_left),
        _ => Msg::new("status-valid").arg("days", s.days_left),
    }
}

/// The date a summary's RFC 3339 time falls on, locally.
pub(crate) fn local_date(rfc3339: &str) -> Msg {
    match when::parse_rfc3339(rfc3339) {
        Some(t) => when::date(t),
        None => Msg::new("time-unknown"),
    }
}

/// The usage label in the user's language.
pub(crate) fn usage_label(s: &CertSummary, out: Output) -> String {
    match out.lang() {
        certbridge_i18n::Lang::Ko => s.usage.label_ko.clone(),
        certbridge_i18n::Lang::En => s.usage.label_en.clone(),
    }
}

/// A readable description in the user's language.
fn describe(s: &CertSummary, out: Output) -> String {
    let field = |id: &'static str, value: String| {
        let label = out.text(&Msg::new(id));
        let pad = 10usize.saturating_sub(unicode_width::UnicodeWidthStr::width(label.as_str()));
        format!("  {label}{} {value}\n", " ".repeat(pad))
    };
    let mut text = format!("{}\n", s.holder);
    let kind = match s.layout {
        "gpki" => "kind-gpki",
        "epki" => "kind-epki",
        _ => "kind-npki",
    };
    text.push_str(&field("field-kind", out.text(&Msg::new(kind))));
    let issuer = match (&s.issuer_body, out.lang()) {
        (Some(body), certbridge_i18n::Lang::Ko) => format!("{} ({})", body.ko, s.issuer_cn),
        (Some(body), certbridge_i18n::Lang::En) => format!("{} ({})", body.en, s.issuer_cn),
        (None, _) => format!("{} ({})", s.issuer_cn, s.ca),
    };
    text.push_str(&field("field-issuer", issuer));
    if let Some(id) = &s.id {
        text.push_str(&field("field-id", id.clone()));
    }
    text.push_str(&field("field-usage", usage_label(s, out)));
    let range = Msg::new("valid-range").arg("from", local_date(&s.not_before)).arg("to", local_date(&s.not_after));
    text.push_str(&field("field-valid", out.text(&range)));
    text.push_str(&field("field-status", out.text(&status_of(s))));
    text.push_str(&field("field-serial", s.serial_hex.clone()));
    let key_id = if s.has_km { "key-with-km" } else { "key-description" };
    let key = Msg::new(key_id).arg("algorithm", s.key_algorithm.as_str()).arg("bits", s.key_bits);
    text.push_str(&field("field-key", out.text(&key)));
    text.push_str(&field("field-subject", s.subject_dn.clone()));
    if let Some(folder) = &s.folder {
        text.push_str(&field("field-folder", folder.clone()));
    }
    text
}

/// The rules banks apply to certificate passwords: at least 10 characters
/// mixing letters, digits and symbols.
pub(crate) fn is_weak(password: &str) -> bool {
    let letters = password.chars().any(|c| c.is_alphabetic());
    let digits = password.chars().any(|c| c.is_ascii_digit());
    let symbols = password.chars().any(|c| !c.is_alphanumeric() && !c.is_whitespace());
    password.chars().count() < 10 || !(letters && digits && symbols)
}

/// `certbridge passwd`.
pub(crate) fn passwd(args: PasswdArgs, out: Output) -> Result<(), Failure> {
    summary_of(&args.cert_dir)?;
    // The current password is checked before a new one is asked for.
    let old = read_password(args.password_stdin, &Msg::new("password-current-prompt"), out)?;
    verify_password(&args.cert_dir, &old)?;
    let new = read_password(args.password_stdin, &Msg::new("password-new-prompt"), out)?;
    if new.is_empty() {
        return Err(Failure::new("usage", Msg::new("err-password-empty")));
    }
    if !args.password_stdin {
        let again = read_password(false, &Msg::new("password-again-prompt"), out)?;
        if *again != *new {
            return Err(Failure::new("usage", Msg::new("err-passwords-differ")));
        }
    }
    if is_weak(&new) {
        out.warn(&Msg::new("warn-weak-password"));
    }
    match npki::change_password(&args.cert_dir, old.as_bytes(), new.as_bytes()) {
        Ok(()) => {
            out.say(&Msg::new("password-changed"));
            Ok(())
        }
        Err(npki::PasswordChangeError::Key(npki::KeyError::WrongPassword)) => Err(Failure::wrong_password()),
        Err(npki::PasswordChangeError::Key(e)) => Err(Failure::new("key", explain::key_error(&e, &args.cert_dir)).because(e)),
        Err(npki::PasswordChangeError::Folder(e)) => Err(Failure::npki(&e)),
        Err(e) => Err(Failure::new("key", Msg::new("err-internal")).because(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_those_banks_refuse() {
        for weak in ["short1!", "onlyletters!!", "1234567890!", "letters1234", "가나다라마바사아자차"] {
            assert!(is_weak(weak), "{weak}");
        }
        for strong in ["WTuA8Ev0lWXVFSiI!", "테스트-password-1!", "correct horse 9!"] {
            assert!(!is_weak(strong), "{strong}");
        }
    }
}
