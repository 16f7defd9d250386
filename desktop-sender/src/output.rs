//! How the program talks: readable text for people, or one JSON object per
//! line (`--json`) for scripts. Both say the same things.

use std::io::Write;

use serde_json::{Value, json};

/// Where messages go, and in which form.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    json: bool,
}

impl Output {
    pub(crate) fn new(json: bool) -> Self {
        Self { json }
    }

    pub(crate) fn is_json(self) -> bool {
        self.json
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
    pub(crate) fn say(self, text: impl AsRef<str>) {
        if !self.json {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}", text.as_ref());
            let _ = out.flush();
        }
    }

    /// A question for people, without a line break (text mode only).
    pub(crate) fn ask(self, text: impl AsRef<str>) {
        if !self.json {
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "{}", text.as_ref());
            let _ = out.flush();
        }
    }

    /// A warning: to stderr in text mode, a `warning` event in JSON mode.
    pub(crate) fn warn(self, text: impl AsRef<str>) {
        if self.json {
            self.event(json!({"event": "warning", "message": text.as_ref()}));
        } else {
            eprintln!("warning: {}", text.as_ref());
        }
    }

    /// A failure with its stable kind.
    pub(crate) fn error(self, kind: &str, message: impl AsRef<str>) {
        if self.json {
            self.event(json!({"event": "error", "kind": kind, "message": message.as_ref()}));
        } else {
            eprintln!("error: {}", message.as_ref());
        }
    }
}
