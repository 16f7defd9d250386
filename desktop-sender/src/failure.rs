//! A failure to report: a stable kind for scripts, a sentence from the
//! catalog for people, and an exit status. What went wrong inside (an
//! error chain) goes to the debug log, never to the sentence.

use certbridge_i18n::Msg;

/// Exit status of `check-password` (and others) for a wrong password.
pub(crate) const EXIT_WRONG_PASSWORD: u8 = 3;

#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) kind: String,
    pub(crate) msg: Msg,
    pub(crate) exit: u8,
    /// Extra JSON fields for the `error` event (e.g. the folders to choose from).
    pub(crate) extra: Option<serde_json::Value>,
}

impl Failure {
    pub(crate) fn new(kind: &str, msg: Msg) -> Self {
        Self { kind: kind.to_owned(), msg, exit: 1, extra: None }
    }

    /// Notes the inner error in the debug log (`CERTBRIDGE_LOG=debug`).
    pub(crate) fn because(self, inner: impl std::fmt::Display) -> Self {
        tracing::debug!(kind = %self.kind, "{inner}");
        self
    }

    pub(crate) fn with_exit(mut self, exit: u8) -> Self {
        self.exit = exit;
        self
    }

    pub(crate) fn with_extra(mut self, extra: serde_json::Value) -> Self {
        self.extra = Some(extra);
        self
    }

    /// A wrong password: exit 3, so that scripts can ask again.
    pub(crate) fn wrong_password() -> Self {
        Self::new("wrong_password", Msg::new("err-wrong-password")).with_exit(EXIT_WRONG_PASSWORD)
    }

    /// A command line that cannot be used: exit 2.
    pub(crate) fn usage(what: Msg) -> Self {
        Self::new("usage", Msg::new("err-usage").arg("what", what)).with_exit(2)
    }

    /// A certificate folder or file that cannot be used.
    pub(crate) fn npki(e: &certbridge_core::npki::NpkiError) -> Self {
        Self::new("store", certbridge_i18n::explain::npki_error(e)).because(e)
    }

    /// A file that could not be read or written.
    pub(crate) fn io(id: &'static str, path: &std::path::Path, e: &std::io::Error) -> Self {
        Self::new("io", Msg::new(id).arg("path", path.display().to_string())).because(e)
    }
}
