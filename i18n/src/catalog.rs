//! The Fluent bundles, one per language, and the rendering of [`Msg`]s.
//!
//! Bundles are built once per process from the catalog compiled into the
//! library. Unicode isolation marks around placeables are off: texts go to
//! terminals and logs as well as windows, and every text that comes from the
//! other device is sanitised before it becomes an argument.

use std::borrow::Cow;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::Lang;

/// One argument of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Text shown as it is (a name, a path, a number already formatted).
    Text(String),
    /// A number: English plural rules select on it.
    Number(i64),
    /// Another message, rendered first in the same language.
    Msg(Box<Msg>),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_owned())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl From<Msg> for Arg {
    fn from(m: Msg) -> Self {
        Arg::Msg(Box::new(m))
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_args!(u8, u16, u32, u64, usize, i32, i64);

/// A message of the catalog with its arguments, not yet in a language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    id: &'static str,
    args: Vec<(&'static str, Arg)>,
}

impl Msg {
    /// The message `id` of the catalog, without arguments yet.
    pub fn new(id: &'static str) -> Self {
        Self { id, args: Vec::new() }
    }

    /// Adds the argument `name`.
    #[must_use]
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// The message's id.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The argument `name`, if given.
    pub fn get(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
    }

    /// The text in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        render(lang, self)
    }
}

struct Bundles {
    ko: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(lang: Lang, source: &'static str) -> FluentBundle<FluentResource> {
    let tag = lang
        .tag()
        .parse()
        .unwrap_or_else(|e| unreachable!("{} is a valid language tag: {e}", lang.tag()));
    let mut bundle = FluentBundle::new_concurrent(vec![tag]);
    bundle.set_use_isolating(false);
    // The catalog is part of the program; its tests keep it valid.
    let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, errors)| {
        tracing::error!(lang = %lang, ?errors, "the message catalog has syntax errors");
        resource
    });
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(lang = %lang, ?errors, "the message catalog has duplicate messages");
    }
    bundle
}

fn bundles() -> &'static Bundles {
    static BUNDLES: OnceLock<Bundles> = OnceLock::new();
    BUNDLES.get_or_init(|| Bundles {
        ko: bundle(Lang::Ko, crate::sources::KO),
        en: bundle(Lang::En, crate::sources::EN),
    })
}

/// Renders `msg` in `lang`. A message missing from the catalog renders as
/// its id (and is reported in the log): the catalog's tests make sure this
/// never reaches a user.
pub fn render(lang: Lang, msg: &Msg) -> String {
    let b = bundles();
    let bundle = match lang {
        Lang::Ko => &b.ko,
        Lang::En => &b.en,
    };
    let Some(pattern) = bundle.get_message(msg.id).and_then(|m| m.value()) else {
        tracing::error!(id = msg.id, lang = %lang, "message missing from the catalog");
        return msg.id.to_owned();
    };
    let mut args = FluentArgs::new();
    for (name, arg) in &msg.args {
        let value: FluentValue<'_> = match arg {
            Arg::Text(s) => FluentValue::String(Cow::Owned(s.clone())),
            Arg::Number(n) => FluentValue::from(*n),
            Arg::Msg(inner) => FluentValue::String(Cow::Owned(render(lang, inner))),
        };
        args.set(*name, value);
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&args), &mut errors).into_owned();
    if !errors.is_empty() {
        tracing::error!(id = msg.id, lang = %lang, ?errors, "a message was rendered with errors");
        debug_assert!(errors.is_empty(), "{}: {errors:?}", msg.id);
    }
    text
}

#[cfg(test)]
mod tests;
