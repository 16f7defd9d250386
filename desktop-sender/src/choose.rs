//! Which certificates to send when the user names a folder that holds
//! certificates rather than one certificate: `send ~/NPKI`, a CA folder, a
//! `USER` folder, a GPKI `Certificate/class2` folder with several holders'
//! files. In a terminal the certificates are listed with numbers to pick
//! from; with `--json` (or no terminal to ask in) the failure names them,
//! so a script can choose.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use certbridge_core::npki::{self, CertSummary};
use certbridge_i18n::Msg;
use certbridge_i18n::explain::shown;
use serde_json::json;

use crate::Failure;
use crate::certs::{local_date, usage_label};
use crate::output::Output;

/// How deep below a named folder certificate folders are looked for:
/// `NPKI/<CA>/USER/<certificate>`.
const MAX_DEPTH: usize = 3;

/// True when `path` names one certificate: an NPKI certificate folder, or
/// a GPKI/EPKI `_sig.cer`.
fn is_certificate(path: &Path) -> bool {
    path.join(certbridge_core::message::SIGN_CERT).is_file() || npki::flat::is_flat_certificate(path)
}

/// Every certificate folder below `dir`, readable ones with their summary,
/// in name order; temporary and backup folders are skipped.
fn certificates_under(dir: &Path) -> Vec<CertSummary> {
    let mut found = Vec::new();
    walk(dir, 0, &mut found);
    found.sort();
    found.dedup();
    found.iter().filter_map(|f| npki::inspect(f, SystemTime::now()).ok()).collect()
}

fn walk(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) {
    if is_certificate(dir) {
        found.push(dir.to_path_buf());
        return;
    }
    found.extend(npki::flat::certificates_in(dir));
    if depth == MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.contains(".bak-") {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            walk(&entry.path(), depth + 1, found);
        }
    }
}

/// The certificate folders to send for what the user named: each named
/// certificate folder as it is, and for each other folder the
/// certificates in it, picked by the user when there are several.
pub(crate) fn folders_to_send(named: &[PathBuf], out: Output) -> Result<Vec<PathBuf>, Failure> {
    let mut chosen = Vec::new();
    for dir in named {
        if is_certificate(dir) || !dir.is_dir() {
            // Reading it later explains what is wrong, if anything.
            chosen.push(dir.clone());
            continue;
        }
        let inside = certificates_under(dir);
        match inside.as_slice() {
            [] => return Err(Failure::new("store", Msg::new("err-no-certificate-here").arg("path", shown(dir)))),
            [one] => chosen.extend(one.folder.as_ref().map(PathBuf::from)),
            several => chosen.extend(pick(dir, several, out)?),
        }
    }
    Ok(chosen)
}

/// Lists `several` and asks which to send, or fails naming them when
/// nobody can be asked.
fn pick(dir: &Path, several: &[CertSummary], out: Output) -> Result<Vec<PathBuf>, Failure> {
    let folders: Vec<String> = several.iter().filter_map(|s| s.folder.clone()).collect();
    if out.is_json() || !std::io::stdin().is_terminal() {
        let msg = Msg::new("err-folder-ambiguous").arg("path", shown(dir)).arg("folders", folders.join(", "));
        return Err(Failure::new("folder_ambiguous", msg).with_extra(json!({ "folders": folders })));
    }
    out.say(&Msg::new("folder-choose-intro").arg("path", shown(dir)).arg("count", several.len()));
    for (i, s) in several.iter().enumerate() {
        out.say(
            &Msg::new("folder-choose-item")
                .arg("n", i + 1)
                .arg("name", s.holder.as_str())
                .arg("ca", s.ca.as_str())
                .arg("usage", usage_label(s, out))
                .arg("until", local_date(&s.not_after)),
        );
    }
    loop {
        out.ask(&Msg::new("folder-choose-question"));
        let mut line = String::new();
        let read = std::io::stdin().read_line(&mut line);
        if matches!(read, Ok(0) | Err(_)) {
            return Err(Failure::new("cancelled", Msg::new("err-cancelled")));
        }
        match parse_choice(&line, several.len()) {
            Some(picked) => return Ok(picked.into_iter().map(|i| PathBuf::from(&folders[i])).collect()),
            None => out.say(&Msg::new("folder-choose-invalid")),
        }
    }
}

/// Reads `1`, `1,3`, `2 3` or `all` into indexes below `count`.
fn parse_choice(line: &str, count: usize) -> Option<Vec<usize>> {
    let line = line.trim();
    if line.eq_ignore_ascii_case("all") || line == "모두" {
        return Some((0..count).collect());
    }
    let mut picked = Vec::new();
    for part in line.split([',', ' ']).filter(|p| !p.is_empty()) {
        let n: usize = part.parse().ok()?;
        if n == 0 || n > count {
            return None;
        }
        if !picked.contains(&(n - 1)) {
            picked.push(n - 1);
        }
    }
    (!picked.is_empty()).then_some(picked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_are_read_strictly() {
        assert_eq!(parse_choice("1\n", 3), Some(vec![0]));
        assert_eq!(parse_choice("1,3", 3), Some(vec![0, 2]));
        assert_eq!(parse_choice(" 2 3 2 ", 3), Some(vec![1, 2]));
        assert_eq!(parse_choice("ALL", 2), Some(vec![0, 1]));
        assert_eq!(parse_choice("모두", 2), Some(vec![0, 1]));
        for bad in ["", "0", "4", "1,x", "-1", "1.5"] {
            assert_eq!(parse_choice(bad, 3), None, "{bad:?}");
        }
    }
}
