//! Text that comes from the other side: the peer's device name, its abort
//! reasons, a relay's close reason. Such text reaches terminals, windows and
//! screen readers, so before anything shows it, it is made inert here:
//! control characters (terminal escapes), bidirectional-text controls (which
//! can make a name read backwards) and invisible format characters are
//! removed, runs of white space are folded, and the length is capped.

/// Bidirectional-text controls: embeddings, overrides, isolates and marks.
const BIDI_CONTROLS: [char; 12] = [
    '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
    '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

/// Invisible characters that can hide or join text.
const INVISIBLE: [char; 6] = ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}'];

/// True for a character that must never be shown as it came.
fn is_unsafe(c: char) -> bool {
    c.is_control() || BIDI_CONTROLS.contains(&c) || INVISIBLE.contains(&c)
}

/// Makes `text` from the other side safe to show: no control, bidi or
/// invisible characters, white space folded to single spaces, trimmed, and
/// at most `max_bytes` bytes (cut at a character boundary).
pub fn sanitize(text: &str, max_bytes: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_bytes));
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || c == '\u{2028}' || c == '\u{2029}' {
            pending_space = !out.is_empty();
            continue;
        }
        if is_unsafe(c) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    crate::invite::truncate_utf8(&out, max_bytes).trim_end().to_owned()
}

/// True when `text` is already what [`sanitize`] would make of it.
pub fn is_clean(text: &str, max_bytes: usize) -> bool {
    sanitize(text, max_bytes) == text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_bidi_and_invisible_characters_are_removed() {
        assert_eq!(sanitize("\x1b[2J\x1b]0;pwned\x07Evil PC", 64), "[2J]0;pwnedEvil PC");
        assert_eq!(sanitize("abc\u{202E}gnp.exe", 64), "abcgnp.exe");
        assert_eq!(sanitize("\u{2066}홍길동\u{2069}의 PC", 64), "홍길동의 PC");
        assert_eq!(sanitize("zero\u{200B}width\u{FEFF}", 64), "zerowidth");
        assert_eq!(sanitize("a\r\nb\tc\u{2028}d", 64), "a b c d");
        assert_eq!(sanitize("   spaced   out  ", 64), "spaced out");
    }

    #[test]
    fn length_is_capped_at_a_character_boundary() {
        let s = sanitize(&"가".repeat(30), 10);
        assert_eq!(s, "가가가");
        assert!(s.len() <= 10);
    }

    #[test]
    fn clean_text_is_unchanged() {
        for s in ["Galaxy S24", "홍길동의 MacBook", "desk-01.example"] {
            assert!(is_clean(s, 64), "{s}");
        }
        assert!(!is_clean("a\u{202E}b", 64));
    }
}
