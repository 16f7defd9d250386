//! Some messages of the catalog tell a command-line user which flag to add
//! (`--relay`, `--replace`, `--listen`, …). In the window the same advice
//! points at a setting or a button instead: this module swaps those
//! messages for the window's own, keeping their arguments. Everything else
//! passes through unchanged.
//!
//! One mark of the catalog, ✘ (U+2718), is in no font the window carries;
//! the window draws ✖ (U+2716) in its place ([`drawable`]).

use certbridge_i18n::{Arg, Msg};

/// (the command line's message, the window's, the arguments to carry over).
const SWAPS: &[(&str, &str, &[&str])] = &[
    ("err-no-address", "gui-err-no-address", &[]),
    ("err-listen", "gui-err-listen", &["address"]),
    ("err-no-path", "gui-err-no-path", &[]),
    ("err-relay-insecure", "gui-err-relay-insecure", &["url"]),
    ("err-conflict", "gui-err-conflict", &["folder"]),
    ("reject-conflict-local", "gui-reject-conflict-local", &["folder"]),
    ("err-internal", "gui-err-internal", &[]),
    ("err-file-exists", "gui-err-file-exists", &["path"]),
    ("err-usage", "gui-err-internal", &[]),
];

/// `text` with the marks the window's fonts lack replaced by ones they have.
pub(crate) fn drawable(text: String) -> String {
    if text.contains('✘') { text.replace('✘', "✖") } else { text }
}

/// `msg` as the window says it.
pub(crate) fn for_window(msg: Msg) -> Msg {
    if let Some((_, window, args)) = SWAPS.iter().find(|(cli, _, _)| *cli == msg.id()) {
        let mut swapped = Msg::new(window);
        for name in *args {
            if let Some(value) = msg.get(name) {
                swapped = swapped.arg(name, value.clone());
            }
        }
        return swapped;
    }
    // Results carry their reason as a message of its own.
    if msg.id() == "result-rejected" {
        if let Some(Arg::Msg(reason)) = msg.get("reason") {
            let name = msg.get("name").cloned().unwrap_or_else(|| Arg::Text(String::new()));
            return Msg::new("result-rejected").arg("name", name).arg("reason", for_window((**reason).clone()));
        }
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use certbridge_i18n::Lang;

    #[test]
    fn no_window_message_names_a_flag() {
        for (cli, window, args) in SWAPS {
            let mut msg = Msg::new(cli);
            for a in *args {
                msg = msg.arg(a, "/x");
            }
            for lang in Lang::ALL {
                let text = for_window(msg.clone()).render(lang);
                assert!(!text.contains("--"), "{window} in {lang}: {text}");
                assert!(!text.contains(window), "{window} is not in the catalog");
            }
        }
        let nested = Msg::new("result-rejected").arg("name", "홍길동").arg("reason", Msg::new("reject-conflict-local").arg("folder", "/n"));
        let text = for_window(nested).render(Lang::Ko);
        assert!(text.contains("홍길동") && text.contains("/n") && !text.contains("--replace"), "{text}");
        // Messages without flags pass through.
        assert_eq!(for_window(Msg::new("err-refused")), Msg::new("err-refused"));
    }
}
