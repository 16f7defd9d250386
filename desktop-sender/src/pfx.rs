//! `export-pfx` and `import-pfx`: PKCS#12 files for software that wants
//! one file instead of an NPKI folder.

use std::path::Path;
use std::time::SystemTime;

use certbridge_core::message::SIGN_CERT;
use certbridge_core::npki::{self, InstallStatus, PfxError, PfxFormat, Status};
use certbridge_i18n::Msg;
use certbridge_i18n::explain::{self, shown};

use crate::Failure;
use crate::atomic;
use crate::certs::{read_password, summary_of};
use crate::cli::{ExportPfxArgs, ImportPfxArgs};
use crate::output::Output;
use crate::transfer::install_roots;

fn pfx_failure(e: PfxError, file: &Path) -> Failure {
    match e {
        PfxError::WrongPassword => Failure::wrong_password(),
        other => Failure::new("pfx", explain::pfx_error(&other, file)).because(&other),
    }
}

fn already_exists(path: &Path) -> Failure {
    Failure::new("exists", Msg::new("err-file-exists").arg("path", shown(path)))
}

/// `certbridge export-pfx`.
pub(crate) fn export(args: ExportPfxArgs, out: Output) -> Result<(), Failure> {
    let summary = summary_of(&args.cert_dir)?;
    let item = npki::read_certificate(&args.cert_dir).map_err(|e| Failure::npki(&e))?;
    // Checked before the password prompt too, so that nobody types a
    // password for nothing; the write itself never clobbers either.
    if args.output.exists() && !args.force {
        return Err(already_exists(&args.output));
    }
    let prompt = Msg::new("password-prompt-for").arg("name", summary.holder.as_str());
    let password = read_password(args.password_stdin, &prompt, out)?;
    let format = if args.legacy { PfxFormat::Legacy } else { PfxFormat::Modern };
    let exported = npki::export_pfx(&item, &password, format).map_err(|e| pfx_failure(e, &args.cert_dir))?;
    atomic::write_file(&args.output, &exported.bytes, args.force).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            already_exists(&args.output)
        } else {
            Failure::io("err-write-file", &args.output, &e)
        }
    })?;
    let scheme = Msg::new(match format {
        PfxFormat::Modern => "pfx-scheme-modern",
        PfxFormat::Legacy => "pfx-scheme-legacy",
    });
    out.say(
        &Msg::new("pfx-exported")
            .arg("name", summary.holder.as_str())
            .arg("path", shown(&args.output))
            .arg("scheme", scheme),
    );
    out.say(&Msg::new("pfx-same-password"));
    if !exported.has_random_num {
        out.warn(&Msg::new("warn-pfx-no-random"));
    }
    if exported.km_left_out {
        out.warn(&Msg::new("note-pfx-km-left-out"));
    }
    Ok(())
}

/// `certbridge import-pfx`.
pub(crate) fn import(args: ImportPfxArgs, out: Output) -> Result<(), Failure> {
    let data = std::fs::read(&args.file).map_err(|e| Failure::io("err-read-file", &args.file, &e))?;
    if data.len() > npki::MAX_PFX_LEN {
        return Err(Failure::new("pfx", Msg::new("err-pfx-too-large").arg("path", shown(&args.file))));
    }
    let root = install_roots(args.install_root)?.npki;
    let password = read_password(args.password_stdin, &Msg::new("pfx-password-prompt"), out)?;
    let imported = npki::import_pfx(&data, &password).map_err(|e| pfx_failure(e, &args.file))?;
    let item = &imported.item;
    let cert = item.files.get(SIGN_CERT).map(|f| f.as_slice()).unwrap_or_default();
    let summary = npki::CertSummary::from_item(item, SystemTime::now()).map_err(|e| Failure::npki(&e))?;
    let name = summary.holder.as_str();
    // A fresh signPri.key never equals the installed one byte for byte:
    // the same certificate already installed is a duplicate.
    let target = npki::install_target(&root, cert).map_err(|e| Failure::npki(&e))?;
    if std::fs::read(target.join(SIGN_CERT)).is_ok_and(|installed| installed == cert) && !args.replace {
        out.say(&Msg::new("pfx-already-installed").arg("name", name).arg("folder", shown(&target)));
        return Ok(());
    }
    let installed = npki::install(&root, item, args.replace).map_err(|e| Failure::npki(&e))?;
    match (installed.status, &installed.backup) {
        (InstallStatus::Replaced, Some(backup)) => out.say(
            &Msg::new("pfx-imported-replaced")
                .arg("name", name)
                .arg("folder", shown(&installed.folder))
                .arg("backup", shown(backup)),
        ),
        _ => out.say(&Msg::new("pfx-imported").arg("name", name).arg("folder", shown(&installed.folder))),
    }
    out.say(&Msg::new("pfx-password-is-file-password"));
    if !imported.has_random_num {
        out.warn(&Msg::new("warn-pfx-no-random"));
    }
    match summary.status {
        Status::Expired => out.warn(
            &Msg::new("warn-expired-certificate").arg("name", name).arg("date", crate::certs::local_date(&summary.not_after)),
        ),
        Status::Expiring => out.warn(&Msg::new("warn-expiring-certificate").arg("name", name).arg("days", summary.days_left)),
        _ => {}
    }
    Ok(())
}
