//! What the user chose in the window's settings, kept between runs in a
//! small JSON file (`certbridge/window.json` in the OS's configuration
//! folder). A missing or unreadable file means the defaults; nothing
//! secret is ever kept there.

use std::path::{Path, PathBuf};
use std::time::Duration;

use certbridge_i18n::Lang;
use serde::{Deserialize, Serialize};

/// The choices the code offers for how long a code stays valid, in minutes.
pub(crate) const CODE_MINUTES: [u64; 3] = [5, 10, 30];
/// The choices for how long the window waits for the number, in minutes.
pub(crate) const WAIT_MINUTES: [u64; 3] = [5, 10, 20];

/// The user's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Settings {
    /// `ko`, `en`, or empty for the system's language.
    pub(crate) language: String,
    /// The relay to offer besides the LAN (`wss://…`), or empty.
    pub(crate) relay: String,
    /// Where received certificates are installed; empty for the OS's NPKI folder.
    pub(crate) install_root: String,
    /// How long a code stays valid, in minutes.
    pub(crate) code_minutes: u64,
    /// How long the window waits for the number before it asks to stop,
    /// in minutes (the user can always ask for more).
    pub(crate) wait_minutes: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            language: String::new(),
            relay: String::new(),
            install_root: String::new(),
            code_minutes: CODE_MINUTES[0],
            wait_minutes: WAIT_MINUTES[0],
        }
    }
}

impl Settings {
    /// The settings in `file`, or the defaults.
    pub(crate) fn load(file: Option<&Path>) -> Self {
        let Some(file) = file else { return Self::default() };
        match std::fs::read(file) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::info!(file = %file.display(), "settings not readable, using the defaults: {e}");
                Self::default()
            }),
            Err(_) => Self::default(),
        }
    }

    /// Writes the settings to `file` (whole or not at all).
    pub(crate) fn save(&self, file: &Path) -> std::io::Result<()> {
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::atomic::write_file(file, &json, true)
    }

    /// The language chosen in the window, if any.
    pub(crate) fn lang(&self) -> Option<Lang> {
        Lang::from_tag(&self.language)
    }

    /// The relay to offer, if one is set.
    pub(crate) fn relay_url(&self) -> Option<String> {
        let relay = self.relay.trim();
        (!relay.is_empty()).then(|| relay.to_owned())
    }

    /// How long a code stays valid.
    pub(crate) fn code_lifetime(&self) -> Duration {
        Duration::from_secs(self.code_minutes.clamp(1, 60) * 60)
    }

    /// How long to wait for the number before asking to stop.
    pub(crate) fn wait(&self) -> Duration {
        Duration::from_secs(self.wait_minutes.clamp(1, 60) * 60)
    }

    /// The folder chosen for installing, if any.
    pub(crate) fn install_root(&self) -> Option<PathBuf> {
        let root = self.install_root.trim();
        (!root.is_empty()).then(|| PathBuf::from(root))
    }
}

/// `certbridge/window.json` in the OS's configuration folder.
pub(crate) fn default_file() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("certbridge").join("window.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_a_round_trip_and_junk_means_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub").join("window.json");
        assert_eq!(Settings::load(Some(&file)), Settings::default());
        let chosen = Settings { language: "en".into(), relay: "wss://relay.example.kr".into(), code_minutes: 10, ..Settings::default() };
        chosen.save(&file).unwrap();
        assert_eq!(Settings::load(Some(&file)), chosen);
        assert_eq!(chosen.lang(), Some(Lang::En));
        assert_eq!(chosen.code_lifetime(), Duration::from_secs(600));
        std::fs::write(&file, b"{not json").unwrap();
        assert_eq!(Settings::load(Some(&file)), Settings::default());
        // Unknown keys and missing keys are fine.
        std::fs::write(&file, br#"{"relay": " ", "future": 1}"#).unwrap();
        let partial = Settings::load(Some(&file));
        assert_eq!(partial.relay_url(), None);
        assert_eq!(partial.wait(), Duration::from_secs(300));
    }
}
