//! `export-pfx` and `import-pfx`: PKCS#12 files for software that wants
//! one file instead of an NPKI folder.

use std::path::Path;
use std::time::SystemTime;

use certbridge_core::message::SIGN_CERT;
use certbridge_core::npki::{self, InstallStatus, PfxError, PfxFormat};

use crate::Failure;
use crate::atomic;
use crate::certs::read_password;
use crate::cli::{ExportPfxArgs, ImportPfxArgs};
use crate::transfer::install_root;

fn pfx_failure(e: PfxError, what: &str) -> Failure {
    match e {
        PfxError::WrongPassword => Failure::wrong_password(format!("wrong password for {what}; nothing was written")),
        other => Failure::new("pfx", format!("{what}: {other}; nothing was written")),
    }
}

fn already_exists(path: &Path) -> Failure {
    Failure::new(
        "exists",
        format!(
            "{} already exists; choose another name or pass --force to overwrite it",
            path.display()
        ),
    )
}

/// `certbridge export-pfx`.
pub(crate) fn export(args: ExportPfxArgs) -> Result<(), Failure> {
    let item =
        npki::read_folder(&args.cert_dir).map_err(|e| Failure::new("store", e.to_string()))?;
    // Checked before the password prompt too, so that nobody types a
    // password for nothing; the write itself never clobbers either.
    if args.output.exists() && !args.force {
        return Err(already_exists(&args.output));
    }
    let password = read_password(args.password_stdin, "Certificate password (인증서 암호): ")?;
    let format = if args.legacy {
        PfxFormat::Legacy
    } else {
        PfxFormat::Modern
    };
    let exported = npki::export_pfx(&item, &password, format)
        .map_err(|e| pfx_failure(e, &args.cert_dir.display().to_string()))?;
    atomic::write_file(&args.output, &exported.bytes, args.force).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            already_exists(&args.output)
        } else {
            Failure::new(
                "io",
                format!("could not write {}: {e}; nothing was written", args.output.display()),
            )
        }
    })?;
    let summary = npki::CertSummary::from_item(&item, SystemTime::now())
        .map_err(|e| Failure::new("store", e.to_string()))?;
    let scheme = match format {
        PfxFormat::Modern => "AES-256-CBC, PBKDF2-HMAC-SHA256",
        PfxFormat::Legacy => "3DES, SHA-1 (legacy)",
    };
    println!(
        "Exported {} to {} ({scheme}).",
        summary.subject_cn,
        args.output.display()
    );
    println!(
        "The file is protected by the certificate's password (인증서 암호와 같은 암호로 보호됩니다)."
    );
    if !exported.has_random_num {
        eprintln!(
            "warning: the key carries no R (randomNum); identity checks by banks may fail with it"
        );
    }
    if exported.km_left_out {
        eprintln!(
            "note: the key-management pair (kmCert.der/kmPri.key) is not part of a PKCS#12 file"
        );
    }
    Ok(())
}

/// `certbridge import-pfx`.
pub(crate) fn import(args: ImportPfxArgs) -> Result<(), Failure> {
    let what = args.file.display().to_string();
    let data = std::fs::read(&args.file)
        .map_err(|e| Failure::new("io", format!("cannot read {what}: {e}")))?;
    if data.len() > npki::MAX_PFX_LEN {
        return Err(Failure::new(
            "pfx",
            format!("{what} is far too large to be a certificate file"),
        ));
    }
    let root = install_root(args.install_root)?;
    let password = read_password(args.password_stdin, "PKCS#12 file password (파일 암호): ")?;
    let imported = npki::import_pfx(&data, &password).map_err(|e| pfx_failure(e, &what))?;
    let item = &imported.item;
    let cert = item
        .files
        .get(SIGN_CERT)
        .map(|f| f.as_slice())
        .unwrap_or_default();
    let summary = npki::CertSummary::from_item(item, SystemTime::now())
        .map_err(|e| Failure::new("store", e.to_string()))?;
    // A fresh signPri.key never equals the installed one byte for byte:
    // the same certificate already installed is a duplicate.
    let target =
        npki::install_target(&root, cert).map_err(|e| Failure::new("store", e.to_string()))?;
    if std::fs::read(target.join(SIGN_CERT)).is_ok_and(|installed| installed == cert)
        && !args.replace
    {
        println!(
            "{} is already installed in {}; nothing was changed.",
            summary.subject_cn,
            target.display()
        );
        return Ok(());
    }
    let installed = npki::install(&root, item, args.replace)
        .map_err(|e| Failure::new("store", e.to_string()))?;
    match installed.status {
        InstallStatus::Replaced => println!(
            "Installed {} into {} (the previous certificate is kept in {}).",
            summary.subject_cn,
            installed.folder.display(),
            installed
                .backup
                .as_deref()
                .map(|b| b.display().to_string())
                .unwrap_or_default()
        ),
        _ => println!(
            "Installed {} into {}.",
            summary.subject_cn,
            installed.folder.display()
        ),
    }
    println!("Its password is the file's password (인증서 암호는 파일 암호와 같습니다).");
    if !imported.has_random_num {
        eprintln!(
            "warning: the file carries no R (randomNum): the certificate can sign, but identity checks by banks (본인확인) may fail"
        );
    }
    if summary.status.as_str() != "valid" {
        eprintln!(
            "warning: the certificate is {} ({} days left)",
            summary.status.as_str(),
            summary.days_left
        );
    }
    Ok(())
}
