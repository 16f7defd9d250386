//! Where NPKI folders live on each OS, and listing what they hold.
//!
//! The path logic takes an [`Env`] instead of reading the process's, so
//! every OS's rules are tested on any OS.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;

use super::CertSummary;
use super::install::TEMP_PREFIX;

/// An operating system's path rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    /// Linux and other Unix.
    Linux,
    /// macOS.
    MacOs,
    /// Windows.
    Windows,
}

/// What the root search needs to know about the machine.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// The OS (`None`: this machine's).
    pub os: Option<Os>,
    /// `$HOME`.
    pub home: Option<PathBuf>,
    /// `%USERPROFILE%`.
    pub user_profile: Option<PathBuf>,
    /// `$CERTBRIDGE_NPKI_ROOT`.
    pub override_root: Option<PathBuf>,
    /// Drive letters present (Windows), e.g. `['C', 'D']`.
    pub drives: Vec<char>,
}

impl Env {
    /// This process's environment.
    pub fn current() -> Self {
        let os = if cfg!(windows) {
            Os::Windows
        } else if cfg!(target_os = "macos") {
            Os::MacOs
        } else {
            Os::Linux
        };
        let drives = if os == Os::Windows {
            ('C'..='Z')
                .filter(|d| Path::new(&format!("{d}:\\")).exists())
                .collect()
        } else {
            Vec::new()
        };
        Self {
            os: Some(os),
            home: std::env::var_os("HOME").map(PathBuf::from),
            user_profile: std::env::var_os("USERPROFILE").map(PathBuf::from),
            override_root: std::env::var_os("CERTBRIDGE_NPKI_ROOT").map(PathBuf::from),
            drives,
        }
    }

    fn os(&self) -> Os {
        self.os.unwrap_or(Os::Linux)
    }
}

/// Where certificates are installed by default: `$CERTBRIDGE_NPKI_ROOT`,
/// else the OS's usual NPKI folder.
pub fn default_root() -> Option<PathBuf> {
    install_root(&Env::current())
}

/// [`default_root`] for a given environment.
pub fn install_root(env: &Env) -> Option<PathBuf> {
    if let Some(root) = &env.override_root {
        return Some(root.clone());
    }
    match env.os() {
        Os::Windows => env
            .user_profile
            .as_ref()
            .map(|p| p.join("AppData").join("LocalLow").join("NPKI")),
        Os::MacOs => env
            .home
            .as_ref()
            .map(|h| h.join("Library").join("Preferences").join("NPKI")),
        Os::Linux => env.home.as_ref().map(|h| h.join("NPKI")),
    }
}

/// Every place certificates may be found, in order of preference (the
/// install root first). Existence is not checked.
pub fn candidate_roots(env: &Env) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = install_root(env).into_iter().collect();
    match env.os() {
        Os::Windows => {
            roots.push(PathBuf::from(r"C:\Program Files\NPKI"));
            roots.push(PathBuf::from(r"C:\Program Files (x86)\NPKI"));
            for d in env.drives.iter().filter(|d| ('D'..='Z').contains(*d)) {
                roots.push(PathBuf::from(format!(r"{d}:\NPKI")));
            }
            if let Some(p) = &env.user_profile {
                roots.push(p.join("AppData").join("LocalLow").join("GPKI"));
            }
            roots.push(PathBuf::from(r"C:\GPKI"));
        }
        Os::MacOs => {
            if let Some(h) = &env.home {
                roots.push(h.join("Library").join("Preferences").join("NPKI"));
                roots.push(h.join("Documents").join("NPKI"));
                roots.push(h.join("NPKI"));
                roots.push(h.join("Library").join("Preferences").join("GPKI"));
            }
        }
        Os::Linux => {
            if let Some(h) = &env.home {
                roots.push(h.join("NPKI"));
                roots.push(h.join("GPKI"));
            }
        }
    }
    let mut seen = Vec::new();
    roots.retain(|r| {
        let new = !seen.contains(r);
        seen.push(r.clone());
        new
    });
    roots
}

/// A folder that looked like a certificate folder but could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct ListFailure {
    /// The folder.
    pub folder: String,
    /// What is wrong with it (in English, for logs and scripts).
    pub error: String,
    /// What is wrong with it, for a front end to explain.
    #[serde(skip)]
    pub cause: std::sync::Arc<super::NpkiError>,
}

/// What a search of NPKI roots found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Listing {
    /// Readable certificates.
    pub certificates: Vec<CertSummary>,
    /// Broken folders, with their errors.
    pub failures: Vec<ListFailure>,
}

/// Lists `<root>/<CA>/USER/<folder>/` under each root. Broken folders are
/// reported and the search goes on; keys are not decrypted.
pub fn list(roots: &[PathBuf], now: SystemTime) -> Listing {
    let mut listing = Listing::default();
    for root in roots {
        for ca in subdirs(root) {
            for folder in subdirs(&ca.join("USER")) {
                let name = folder
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if name.starts_with(TEMP_PREFIX) || name.contains(".bak-") {
                    continue;
                }
                match super::inspect(&folder, now) {
                    // The same folder reached twice (two roots that are one,
                    // a name in two normalisation forms) is listed once.
                    Ok(summary) if listing.certificates.iter().any(|c| c.folder == summary.folder) => {}
                    Ok(summary) => listing.certificates.push(summary),
                    Err(e) => listing.failures.push(ListFailure {
                        folder: folder.display().to_string(),
                        error: e.to_string(),
                        cause: std::sync::Arc::new(e),
                    }),
                }
            }
        }
    }
    listing
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs
}
