//! Which language to speak.
//!
//! The user's choice wins (`--lang ko|en`, then `CERTBRIDGE_LANG`); without
//! one, Korean wherever the system's locale is Korean and English
//! elsewhere. On Unix the locale is read from `LC_ALL`, `LC_MESSAGES` and
//! `LANG`, in that order, as the C library does; on Windows and macOS it is
//! the user's UI language.

use std::fmt;

/// A language of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// 한국어.
    Ko,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order the settings list them.
    pub const ALL: [Lang; 2] = [Lang::Ko, Lang::En];

    /// Reads a language tag or locale name: `ko`, `ko-KR`, `ko_KR.UTF-8`,
    /// `en`, `en_US`, … Unknown languages are `None`.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary: String = tag
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_ascii_lowercase();
        match primary.as_str() {
            "ko" | "kor" => Some(Lang::Ko),
            "en" | "eng" => Some(Lang::En),
            _ => None,
        }
    }

    /// The BCP 47 tag: `ko` or `en`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    /// The language's own name, as a language menu shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Ko => "한국어",
            Lang::En => "English",
        }
    }

    /// The language to use: `chosen` (a `--lang` value) if given, then
    /// `CERTBRIDGE_LANG`, then the system's locale.
    pub fn detect(chosen: Option<&str>) -> Self {
        Self::detect_in(chosen, &|name| std::env::var(name).ok(), system_ui_language)
    }

    /// [`Lang::detect`] with the environment and the system's UI language
    /// given, so that every rule is testable.
    pub fn detect_in(
        chosen: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
        ui_language: fn() -> Option<String>,
    ) -> Self {
        if let Some(lang) = chosen.and_then(Self::from_tag) {
            return lang;
        }
        if let Some(lang) = env("CERTBRIDGE_LANG").as_deref().and_then(Self::from_tag) {
            return lang;
        }
        let system = if cfg!(unix) && !cfg!(target_os = "macos") {
            unix_locale(env)
        } else {
            ui_language()
        };
        system.as_deref().and_then(Self::from_tag).unwrap_or(Lang::En)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// The messages locale as the C library chooses it: the first of
/// `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and not empty.
fn unix_locale(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(env)
        .find(|v| !v.trim().is_empty())
}

/// The user's UI language on Windows and macOS (and the locale elsewhere).
fn system_ui_language() -> Option<String> {
    sys_locale::get_locale()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    fn no_ui() -> Option<String> {
        None
    }

    fn korean_ui() -> Option<String> {
        Some("ko-KR".into())
    }

    #[test]
    fn tags_and_locale_names_are_read() {
        for (tag, want) in [
            ("ko", Some(Lang::Ko)),
            ("ko-KR", Some(Lang::Ko)),
            ("ko_KR.UTF-8", Some(Lang::Ko)),
            ("KO", Some(Lang::Ko)),
            ("en_US.UTF-8", Some(Lang::En)),
            ("en", Some(Lang::En)),
            ("C", None),
            ("POSIX", None),
            ("ja_JP.UTF-8", None),
            ("", None),
        ] {
            assert_eq!(Lang::from_tag(tag), want, "{tag:?}");
        }
    }

    #[test]
    fn the_choice_beats_the_environment_which_beats_the_system() {
        let env = env_of(&[("CERTBRIDGE_LANG", "en"), ("LANG", "ko_KR.UTF-8")]);
        assert_eq!(Lang::detect_in(Some("ko"), &env, korean_ui), Lang::Ko);
        assert_eq!(Lang::detect_in(None, &env, korean_ui), Lang::En);
        // A choice that names no known language is ignored.
        assert_eq!(Lang::detect_in(Some("xx"), &env, korean_ui), Lang::En);
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn unix_reads_lc_all_then_lc_messages_then_lang() {
        let lang_only = env_of(&[("LANG", "ko_KR.UTF-8")]);
        assert_eq!(Lang::detect_in(None, &lang_only, no_ui), Lang::Ko);
        let messages = env_of(&[("LC_MESSAGES", "en_US.UTF-8"), ("LANG", "ko_KR.UTF-8")]);
        assert_eq!(Lang::detect_in(None, &messages, no_ui), Lang::En);
        let all = env_of(&[("LC_ALL", "ko_KR.UTF-8"), ("LC_MESSAGES", "en_US.UTF-8")]);
        assert_eq!(Lang::detect_in(None, &all, no_ui), Lang::Ko);
        let empty_all = env_of(&[("LC_ALL", ""), ("LANG", "ko_KR.UTF-8")]);
        assert_eq!(Lang::detect_in(None, &empty_all, no_ui), Lang::Ko);
        let c = env_of(&[("LANG", "C.UTF-8")]);
        assert_eq!(Lang::detect_in(None, &c, no_ui), Lang::En);
        assert_eq!(Lang::detect_in(None, &env_of(&[]), no_ui), Lang::En);
    }
}
