//! `inspect` and `list`: what certificates are here, without passwords.

use std::time::SystemTime;

use certbridge_core::npki::{self, CertSummary, Env};
use serde_json::json;

use crate::Failure;
use crate::cli::{CheckPasswordArgs, InspectArgs, ListArgs, PasswdArgs};

/// Exit status of `check-password` for a wrong password.
pub(crate) const EXIT_WRONG_PASSWORD: u8 = 3;

/// Reads a password: a line from stdin, or a prompt without echo.
pub(crate) fn read_password(
    from_stdin: bool,
    prompt: &str,
) -> Result<zeroize::Zeroizing<String>, Failure> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| Failure::new("io", format!("could not read the password: {e}")))?;
        line.truncate(line.trim_end_matches(['\r', '\n']).len());
        line
    } else {
        rpassword::prompt_password(prompt)
            .map_err(|e| Failure::new("io", format!("could not read the password: {e}")))?
    };
    Ok(zeroize::Zeroizing::new(password))
}

/// Checks a folder's password; `Ok` when right.
pub(crate) fn verify_password(dir: &std::path::Path, password: &str) -> Result<(), Failure> {
    let item = npki::read_folder(dir).map_err(|e| Failure::new("store", e.to_string()))?;
    match npki::check_password(&item, password.as_bytes()) {
        Ok(_) => Ok(()),
        Err(npki::KeyError::WrongPassword) => Err(Failure::wrong_password(format!(
                "the password does not open the certificate in {}",
                dir.display()
            ))),
        Err(e) => Err(Failure::new("key", format!("{}: {e}", dir.display()))),
    }
}

/// `certbridge check-password`.
pub(crate) fn check_password(args: CheckPasswordArgs) -> Result<(), Failure> {
    // Fail on a bad folder before asking for anything.
    npki::read_folder(&args.cert_dir).map_err(|e| Failure::new("store", e.to_string()))?;
    let password = read_password(args.password_stdin, "Certificate password (인증서 암호): ")?;
    verify_password(&args.cert_dir, &password)?;
    println!("The password is right (암호가 맞습니다).");
    Ok(())
}

/// `certbridge inspect`.
pub(crate) fn inspect(args: InspectArgs) -> Result<(), Failure> {
    let summary = npki::inspect(&args.cert_dir, SystemTime::now())
        .map_err(|e| Failure::new("store", e.to_string()))?;
    if args.json {
        let mut value = json!(summary);
        let key = std::fs::read(args.cert_dir.join("signPri.key")).ok();
        value["key_encryption"] = match key.as_deref().map(npki::key_encryption) {
            Some(Ok(enc)) => json!(enc),
            _ => serde_json::Value::Null,
        };
        println!("{value}");
    } else {
        print!("{}", describe(&summary));
    }
    Ok(())
}

/// `certbridge list`.
pub(crate) fn list(args: ListArgs) -> Result<(), Failure> {
    let roots = if args.npki_root.is_empty() {
        npki::candidate_roots(&Env::current())
    } else {
        args.npki_root.clone()
    };
    let listing = npki::list(&roots, SystemTime::now());
    if args.json {
        println!(
            "{}",
            json!({"roots": roots, "certificates": listing.certificates, "failures": listing.failures})
        );
        return Ok(());
    }
    if listing.certificates.is_empty() {
        println!("No certificates found in:");
        for root in &roots {
            println!("  {}", root.display());
        }
    }
    for summary in &listing.certificates {
        print!("{}", describe(summary));
        println!();
    }
    for failure in &listing.failures {
        eprintln!("warning: {}: {}", failure.folder, failure.error);
    }
    Ok(())
}

/// A readable summary, in Korean and English.
fn describe(s: &CertSummary) -> String {
    let status = match s.status.as_str() {
        "expired" => format!("만료됨 expired ({} days ago)", -s.days_left),
        "expiring" => format!("곧 만료 expiring: {} days left — renew soon", s.days_left),
        _ => format!("유효 valid: {} days left", s.days_left),
    };
    let mut out = String::new();
    out.push_str(&format!("{}\n", s.subject_cn));
    out.push_str(&format!("  발급자 Issuer     {} ({})\n", s.issuer_cn, s.ca));
    out.push_str(&format!(
        "  용도 Usage        {} / {}\n",
        s.usage.label_ko, s.usage.label_en
    ));
    out.push_str(&format!(
        "  유효기간 Valid    {} → {}\n",
        s.not_before, s.not_after
    ));
    out.push_str(&format!("  상태 Status       {status}\n"));
    out.push_str(&format!("  일련번호 Serial   {}\n", s.serial_hex));
    out.push_str(&format!(
        "  키 Key            {} {} bits{}\n",
        s.key_algorithm,
        s.key_bits,
        if s.has_km { ", with km pair" } else { "" }
    ));
    out.push_str(&format!("  주체 Subject      {}\n", s.subject_dn));
    if let Some(folder) = &s.folder {
        out.push_str(&format!("  폴더 Folder       {folder}\n"));
    }
    out
}

/// `certbridge passwd`.
pub(crate) fn passwd(args: PasswdArgs) -> Result<(), Failure> {
    npki::read_folder(&args.cert_dir).map_err(|e| Failure::new("store", e.to_string()))?;
    let old = read_password(args.password_stdin, "Current password (현재 암호): ")?;
    let new = read_password(args.password_stdin, "New password (새 암호): ")?;
    if !args.password_stdin {
        let again = read_password(false, "New password again (새 암호 확인): ")?;
        if *again != *new {
            return Err(Failure::new(
                "usage",
                "the two new passwords differ; nothing was changed",
            ));
        }
    }
    if new.is_empty() {
        return Err(Failure::new(
            "usage",
            "the new password is empty; nothing was changed",
        ));
    }
    match npki::change_password(&args.cert_dir, old.as_bytes(), new.as_bytes()) {
        Ok(()) => {
            println!("The password was changed (암호가 변경되었습니다).");
            Ok(())
        }
        Err(npki::PasswordChangeError::Key(npki::KeyError::WrongPassword)) => Err(Failure::wrong_password("the current password is wrong; nothing was changed")),
        Err(e) => Err(Failure::new("key", format!("{e}; nothing was changed"))),
    }
}
