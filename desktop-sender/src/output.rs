//! How the program talks: sentences from the message catalog in the user's
//! language for people, or one JSON object per line (`--json`) for scripts.
//! Both say the same things.
//!
//! Colour and other escape codes are used only on a terminal and only when
//! `NO_COLOR` is not set, so that piped output is plain text.

use std::io::{IsTerminal, Write};

use certbridge_i18n::{Lang, Msg};
use serde_json::{Value, json};

/// Where messages go, in which form and language.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    json: bool,
    lang: Lang,
    color: bool,
}

impl Output {
    pub(crate) fn new(json: bool, lang: Lang) -> Self {
        let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Self { json, lang, color }
    }

    pub(crate) fn is_json(self) -> bool {
        self.json
    }

    pub(crate) fn lang(self) -> Lang {
        self.lang
    }

    /// True when escape codes may be written to stdout.
    pub(crate) fn color(self) -> bool {
        self.color
    }

    /// `msg` in the user's language.
    pub(crate) fn text(self, msg: &Msg) -> String {
        msg.render(self.lang)
    }

    /// A JSON event (in `--json` mode only).
    pub(crate) fn event(self, value: Value) {
        if self.json {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{value}");
            let _ = out.flush();
        }
    }

    /// A line for people (in text mode only).
    pub(crate) fn say(self, msg: &Msg) {
        self.raw(&self.text(msg));
    }

    /// Text that is not a sentence (a QR code, a code to copy), for people.
    pub(crate) fn raw(self, text: &str) {
        if !self.json {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{text}");
            let _ = out.flush();
        }
    }

    /// A question for people, on its own line, the answer typed after it.
    pub(crate) fn ask(self, msg: &Msg) {
        if !self.json {
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "{} ", self.text(msg));
            let _ = out.flush();
        }
    }

    /// A warning: to stderr in text mode, a `warning` event in JSON mode.
    pub(crate) fn warn(self, msg: &Msg) {
        let text = self.text(msg);
        if self.json {
            self.event(json!({"event": "warning", "id": msg.id(), "message": text}));
        } else {
            eprintln!("{} {text}", self.mark("!"));
        }
    }

    /// A failure with its stable kind.
    pub(crate) fn error(self, kind: &str, msg: &Msg) {
        let text = self.text(msg);
        if self.json {
            self.event(json!({"event": "error", "kind": kind, "message": text}));
        } else {
            eprintln!("{} {text}", self.mark("✘"));
        }
    }

    /// A mark for a warning or error line, red on a colour terminal.
    fn mark(self, mark: &str) -> String {
        if self.color && std::io::stderr().is_terminal() {
            format!("\x1b[31m{mark}\x1b[0m")
        } else {
            mark.to_owned()
        }
    }
}
