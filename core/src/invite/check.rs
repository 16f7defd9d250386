//! The check digits at the end of an invite's text form, so that a code
//! copied or typed wrong is caught before anything connects
//! (`docs/PROTOCOL.md` §2).
//!
//! ISO 7064 MOD 97-10, as in IBANs: two check digits `C` are computed so
//! that the number `digits ‖ C` leaves 1 when divided by 97, and, as in an
//! IBAN, they are written first: `C ‖ digits`. Because 97 is a prime larger
//! than 10, every change of a single digit and every swap of two
//! neighbouring digits changes the remainder, so each is caught; other
//! random damage is caught 96 times in 97.
//!
//! Writing them first matters for codes cut short: a code that lost its
//! end never looks like a whole code of the older form without check
//! digits, so it is reported as copied wrong, never as "old".

/// Digits the check adds.
pub(crate) const CHECK_DIGITS: usize = 2;

/// The remainder of the decimal number written by `digits` (ASCII) divided
/// by 97, computed a digit at a time.
fn mod97(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0u32, |r, d| (r * 10 + u32::from(d - b'0')) % 97)
}

/// The two check digits for `digits` (ASCII decimal digits).
pub(crate) fn compute(digits: &[u8]) -> [u8; CHECK_DIGITS] {
    // (digits ‖ "00") mod 97, then 98 minus that: appending the result makes
    // the remainder 1.
    let r = (mod97(digits) * 100) % 97;
    let check = 98 - r;
    [b'0' + (check / 10) as u8, b'0' + (check % 10) as u8]
}

/// True when `digits` (ASCII decimal digits) ends in the right check digits.
pub(crate) fn verify(digits: &[u8]) -> bool {
    digits.len() > CHECK_DIGITS && mod97(digits) == 1
}

/// `digits` with its check digits written in front.
pub(crate) fn prepend(digits: &str) -> String {
    let check = compute(digits.as_bytes());
    let mut out = String::with_capacity(CHECK_DIGITS + digits.len());
    out.extend(check.iter().map(|&d| char::from(d)));
    out.push_str(digits);
    out
}

/// The digits after the check digits, when the check digits in front of
/// them are right.
pub(crate) fn verified_body(text: &str) -> Option<&str> {
    let (check, body) = text.split_at_checked(CHECK_DIGITS)?;
    let mut moved = Vec::with_capacity(text.len());
    moved.extend_from_slice(body.as_bytes());
    moved.extend_from_slice(check.as_bytes());
    (!body.is_empty() && verify(&moved)).then_some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_7064_known_answer() {
        // The IBAN example GB82 WEST 1234 5698 7654 32, rearranged and with
        // letters as numbers (W=32, E=14, S=28, T=29, G=16, B=11), holds
        // check digits 82.
        let body = b"3214282912345698765432161100";
        assert_eq!(compute(&body[..body.len() - 2]), *b"82");
        let mut whole = body[..body.len() - 2].to_vec();
        whole.extend_from_slice(b"82");
        assert!(verify(&whole));
    }

    #[test]
    fn every_single_digit_change_and_neighbour_swap_is_caught() {
        let body = b"2477199699063619810454307453345824124323590543869821441041065542";
        let code = prepend(std::str::from_utf8(body).unwrap()).into_bytes();
        assert_eq!(verified_body(std::str::from_utf8(&code).unwrap()), Some(std::str::from_utf8(body).unwrap()));
        let reads = |c: &[u8]| verified_body(std::str::from_utf8(c).unwrap()).is_some();
        for i in 0..code.len() {
            for d in b'0'..=b'9' {
                if d == code[i] {
                    continue;
                }
                let mut bad = code.clone();
                bad[i] = d;
                assert!(!reads(&bad), "digit {i} changed to {}", d as char);
            }
            if i + 1 < code.len() && code[i] != code[i + 1] {
                let mut swapped = code.clone();
                swapped.swap(i, i + 1);
                assert!(!reads(&swapped), "digits {i} and {} swapped", i + 1);
            }
        }
    }
}
