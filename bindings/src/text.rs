//! The message catalog (`certbridge-i18n`) for the apps: a [`Message`] is a
//! catalog id with its arguments, rendered in a [`Language`] by [`render`].
//!
//! The apps keep no sentences of their own: their screen models take every
//! text from here, so Korean and English stay in one place for the command
//! line, the desktop window and both phones.

use std::collections::HashMap;
use std::sync::OnceLock;

use certbridge_i18n::{Arg, Lang, Msg};

/// A language of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Language {
    /// 한국어.
    Korean,
    /// English.
    English,
}

impl From<Language> for Lang {
    fn from(language: Language) -> Self {
        match language {
            Language::Korean => Lang::Ko,
            Language::English => Lang::En,
        }
    }
}

/// The language for a system locale tag (`ko`, `ko-KR`, `en_US`, …):
/// Korean for Korean, English for everything else.
#[uniffi::export]
pub fn language_for_tag(tag: String) -> Language {
    match Lang::from_tag(&tag) {
        Some(Lang::Ko) => Language::Korean,
        _ => Language::English,
    }
}

/// One argument's value.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ArgValue {
    /// Shown as it is (a name, a number already formatted).
    Text {
        /// The text.
        text: String,
    },
    /// A number: English plurals select on it.
    Number {
        /// The number.
        number: i64,
    },
    /// Another message of the catalog (without arguments), rendered in the
    /// same language.
    Nested {
        /// Its id.
        id: String,
    },
}

/// One named argument of a message.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MessageArg {
    /// The variable's name in the catalog (without `$`).
    pub name: String,
    /// Its value.
    pub value: ArgValue,
}

/// A catalog message with its arguments, not yet in a language.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Message {
    /// The catalog id, e.g. `err-unreachable`.
    pub id: String,
    /// Its arguments.
    pub args: Vec<MessageArg>,
}

impl Message {
    /// A message without arguments.
    pub(crate) fn plain(id: &str) -> Self {
        Message { id: id.to_owned(), args: Vec::new() }
    }

    /// Adds a text argument.
    pub(crate) fn text(mut self, name: &str, text: impl Into<String>) -> Self {
        self.args.push(MessageArg { name: name.to_owned(), value: ArgValue::Text { text: text.into() } });
        self
    }

    /// Adds a number argument.
    pub(crate) fn number(mut self, name: &str, number: i64) -> Self {
        self.args.push(MessageArg { name: name.to_owned(), value: ArgValue::Number { number } });
        self
    }

    /// Adds a nested message argument.
    pub(crate) fn nested(mut self, name: &str, id: &str) -> Self {
        self.args.push(MessageArg { name: name.to_owned(), value: ArgValue::Nested { id: id.to_owned() } });
        self
    }

    /// The core's form, when the id is in the catalog. Unknown argument
    /// names are dropped (the catalog's tests keep the apps' names right).
    fn to_msg(&self) -> Option<Msg> {
        let (id, vars) = catalog().get_key_value(self.id.as_str())?;
        let mut msg = Msg::new(id);
        for arg in &self.args {
            let Some(name) = vars.iter().find(|v| **v == arg.name) else {
                tracing::warn!(id = %self.id, name = %arg.name, "an argument the message does not use");
                continue;
            };
            msg = match &arg.value {
                ArgValue::Text { text } => msg.arg(name, text.as_str()),
                ArgValue::Number { number } => msg.arg(name, *number),
                ArgValue::Nested { id } => match catalog().get_key_value(id.as_str()) {
                    Some((nested, _)) => msg.arg(name, Msg::new(nested)),
                    None => msg.arg(name, id.as_str()),
                },
            };
        }
        Some(msg)
    }

    /// The foreign form of a core message. Nested messages keep their id;
    /// the core's explanations nest none that have arguments.
    pub(crate) fn from_msg(msg: &Msg) -> Self {
        let mut out = Message::plain(msg.id());
        for name in catalog().get(msg.id()).map(Vec::as_slice).unwrap_or_default() {
            out = match msg.get(name) {
                Some(Arg::Text(text)) => out.text(name, text.as_str()),
                Some(Arg::Number(n)) => out.number(name, *n),
                Some(Arg::Msg(inner)) => out.nested(name, inner.id()),
                None => out,
            };
        }
        out
    }
}

/// Renders `message` in `language`. An id missing from the catalog renders
/// as itself (the apps' tests make sure none reaches a user).
#[uniffi::export]
pub fn render(message: Message, language: Language) -> String {
    match message.to_msg() {
        Some(msg) => msg.render(language.into()),
        None => {
            tracing::error!(id = %message.id, "message missing from the catalog");
            message.id
        }
    }
}

/// Whether the catalog has a message `id` (for the apps' tests).
#[uniffi::export]
pub fn has_message(id: String) -> bool {
    catalog().contains_key(id.as_str())
}

/// Every id of the catalog with the variables it uses, as slices of the
/// catalog's own (static) source, so that foreign ids and names map to
/// the `&'static str`s a [`Msg`] holds without leaking anything.
fn catalog() -> &'static HashMap<&'static str, Vec<&'static str>> {
    static TABLE: OnceLock<HashMap<&'static str, Vec<&'static str>>> = OnceLock::new();
    TABLE.get_or_init(|| parse_ids(certbridge_i18n::sources::EN))
}

fn parse_ids(source: &'static str) -> HashMap<&'static str, Vec<&'static str>> {
    let mut table: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
    let mut current: Option<&'static str> = None;
    for line in source.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if line.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let id = line.split(" =").next().unwrap_or(line).trim_end();
            table.entry(id).or_default();
            current = Some(id);
        }
        let Some(id) = current else { continue };
        let vars = table.entry(id).or_default();
        let mut rest = line;
        while let Some(at) = rest.find('$') {
            rest = &rest[at + 1..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).unwrap_or(rest.len());
            let name = &rest[..end];
            if !name.is_empty() && !vars.contains(&name) {
                vars.push(name);
            }
            rest = &rest[end..];
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_variables_come_from_the_catalog() {
        let table = catalog();
        assert_eq!(table["number-wrong"], vec!["left"]);
        assert_eq!(table["enter-number"], vec!["device"]);
        assert!(table["done"].is_empty());
        let mut ko: Vec<_> = parse_ids(certbridge_i18n::sources::KO).into_keys().collect();
        let mut en: Vec<_> = table.keys().copied().collect();
        ko.sort_unstable();
        en.sort_unstable();
        assert_eq!(ko, en);
    }

    #[test]
    fn renders_with_arguments_plurals_and_nesting() {
        let wrong = |n| Message::plain("number-wrong").number("left", n);
        assert_eq!(render(wrong(1), Language::English), "That is not the number shown. 1 try left.");
        assert_eq!(render(wrong(2), Language::Korean), "인증번호가 맞지 않습니다. 2번 더 입력할 수 있습니다.");
        let nested = Message::plain("enter-number").text("device", "phone");
        assert!(render(nested, Language::Korean).starts_with("휴대폰에"));
        assert_eq!(render(Message::plain("no-such-id"), Language::Korean), "no-such-id");
    }

    #[test]
    fn core_messages_keep_their_arguments() {
        let msg = Msg::new("err-timeout").arg("seconds", 30u64);
        let foreign = Message::from_msg(&msg);
        assert_eq!(foreign, Message::plain("err-timeout").number("seconds", 30));
        assert_eq!(render(foreign, Language::English), msg.render(Lang::En));
    }

    #[test]
    fn locale_tags_choose_the_language() {
        assert_eq!(language_for_tag("ko-KR".into()), Language::Korean);
        assert_eq!(language_for_tag("en_US".into()), Language::English);
        assert_eq!(language_for_tag("ja".into()), Language::English);
    }
}
