//! Where certificates live on each OS, in both layouts, and listing what
//! they hold.
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

/// Where received certificates are installed, one root per layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallRoots {
    /// NPKI certificates: `<npki>/<CA>/USER/<subject>/`.
    pub npki: PathBuf,
    /// GPKI certificates: `<gpki>/Certificate/class2/<id>_sig.cer` …
    pub gpki: PathBuf,
    /// EPKI certificates: `<epki>/Certificate/class2/<id>_sig.cer` …
    pub epki: PathBuf,
}

impl InstallRoots {
    /// The usual places on this machine: the OS's NPKI folder, and GPKI and
    /// EPKI under `C:\` (Windows) or the home folder. When
    /// `CERTBRIDGE_NPKI_ROOT` names the NPKI folder, GPKI and EPKI go
    /// beside it.
    pub fn for_env(env: &Env) -> Option<Self> {
        let npki = install_root(env)?;
        if env.override_root.is_some() {
            return Some(Self::beside(npki));
        }
        let base = match env.os() {
            Os::Windows => PathBuf::from(r"C:\"),
            Os::MacOs | Os::Linux => env.home.clone()?,
        };
        Some(Self { npki, gpki: base.join("GPKI"), epki: base.join("EPKI") })
    }

    /// `npki` chosen by the user (`--install-root`), with GPKI and EPKI
    /// beside it, as they sit on a USB stick: `<npki>/../GPKI`, `…/EPKI`.
    pub fn beside(npki: PathBuf) -> Self {
        let parent = npki.parent().map(Path::to_path_buf).unwrap_or_default();
        Self { gpki: parent.join("GPKI"), epki: parent.join("EPKI"), npki }
    }

    /// The root for certificates of `layout`.
    pub fn for_layout(&self, layout: crate::message::Layout) -> &Path {
        match layout {
            crate::message::Layout::Npki => &self.npki,
            crate::message::Layout::Gpki => &self.gpki,
            crate::message::Layout::Epki => &self.epki,
        }
    }
}

/// Every place certificates may be found, in order of preference (the
/// install roots first), NPKI roots and GPKI/EPKI roots alike. Existence is
/// not checked.
pub fn candidate_roots(env: &Env) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Some(installs) = InstallRoots::for_env(env) {
        roots.extend([installs.npki, installs.gpki, installs.epki]);
    }
    match env.os() {
        Os::Windows => {
            roots.push(PathBuf::from(r"C:\Program Files\NPKI"));
            roots.push(PathBuf::from(r"C:\Program Files (x86)\NPKI"));
            roots.push(PathBuf::from(r"C:\GPKI"));
            roots.push(PathBuf::from(r"C:\EPKI"));
            for d in env.drives.iter().filter(|d| ('D'..='Z').contains(*d)) {
                for name in ["NPKI", "GPKI", "EPKI"] {
                    roots.push(PathBuf::from(format!(r"{d}:\{name}")));
                }
            }
        }
        Os::MacOs => {
            if let Some(h) = &env.home {
                roots.push(h.join("Library").join("Preferences").join("NPKI"));
                roots.push(h.join("Documents").join("NPKI"));
                roots.push(h.join("NPKI"));
                roots.push(h.join("GPKI"));
                roots.push(h.join("EPKI"));
            }
        }
        Os::Linux => {
            if let Some(h) = &env.home {
                roots.push(h.join("NPKI"));
                roots.push(h.join("GPKI"));
                roots.push(h.join("EPKI"));
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

/// Lists the certificates under each root: NPKI folders
/// (`<root>/<CA>/USER/<folder>/`) and GPKI/EPKI certificates
/// (`<root>/Certificate/class{1,2}/<id>_sig.cer`, or `<root>` itself when it
/// is such a folder). Broken ones are reported and the search goes on;
/// keys are not decrypted.
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
                listing.add(&folder, now);
            }
        }
        let mut flat_dirs = super::flat::class_dirs(root);
        flat_dirs.push(root.clone());
        for dir in flat_dirs {
            for sig_cert in super::flat::certificates_in(&dir) {
                listing.add(&sig_cert, now);
            }
        }
    }
    listing
}

impl Listing {
    fn add(&mut self, path: &Path, now: SystemTime) {
        match super::inspect(path, now) {
            // The same certificate reached twice (two roots that are one,
            // a name in two normalisation forms) is listed once.
            Ok(summary) if self.certificates.iter().any(|c| c.folder == summary.folder) => {}
            Ok(summary) => self.certificates.push(summary),
            Err(e) => self.failures.push(ListFailure {
                folder: path.display().to_string(),
                error: e.to_string(),
                cause: std::sync::Arc::new(e),
            }),
        }
    }
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
