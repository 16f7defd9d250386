//! CertBridge's message catalog: every sentence a person reads, in Korean
//! and English, for the command line, the desktop window and the phone apps
//! (through the bindings).
//!
//! Texts live in Fluent files (`locales/ko/certbridge.ftl`,
//! `locales/en/certbridge.ftl`), compiled into the library. Code never
//! writes a user-facing sentence itself: it builds a [`Msg`] (a message id
//! and its arguments) and renders it in the user's [`Lang`]. Program
//! internals (error chains, type names) never go into a `Msg`; they go to
//! the debug log.
//!
//! # Layout
//!
//! * [`lang`]: which language to speak (`--lang`, `CERTBRIDGE_LANG`, the
//!   system's locale).
//! * `catalog`: the Fluent bundles and [`Msg`] rendering.
//! * [`when`]: dates and times in the local time zone, as people read them.
//! * [`explain`]: what each core error means for the user, as a [`Msg`].

#![forbid(unsafe_code)]

mod catalog;
pub mod explain;
pub mod lang;
pub mod when;

pub use catalog::{Arg, Msg, render};

/// `n` with its thousands grouped by commas, as both languages write
/// amounts: `12,345`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
#[test]
fn thousands_are_grouped() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(2764), "2,764");
    assert_eq!(thousands(1_234_567), "1,234,567");
}
pub use lang::Lang;

/// The catalog's sources, for tests and tools that check them.
pub mod sources {
    /// The Korean catalog.
    pub const KO: &str = include_str!("../locales/ko/certbridge.ftl");
    /// The English catalog.
    pub const EN: &str = include_str!("../locales/en/certbridge.ftl");
}
