//! Which inputs are skipped because they would be slow by design.
//!
//! Key files and PKCS#12 files declare their own key-derivation iteration
//! counts. The code under test accepts up to 1,000,000 (NPKI keys:
//! `npki::key`'s `MAX_ITERATIONS`; PKCS#12: `p12-keystore`'s limits) and
//! refuses more before deriving anything. A million rounds take about a
//! second under AddressSanitizer, which would make a fuzzer crawl without
//! finding anything a count of 2048 does not. So the targets run an input
//! only when every count it declares is at most [`MAX_FUZZ_ITERATIONS`]
//! (what real keys use), or above the code's own limit, so that the refusal
//! is exercised too. Nothing in the code under test is weakened.

/// The most iterations an input may declare and still be run.
pub const MAX_FUZZ_ITERATIONS: u64 = 2048;

/// Above this the code under test refuses without deriving.
const CODE_LIMIT: u64 = 1_000_000;

/// scrypt (1.3.6.1.4.1.11591.4.11) as DER: its cost is memory as well as
/// time (`p12-keystore` allows up to 1 GiB), so inputs naming it are skipped.
const SCRYPT_OID: &[u8] = &[0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b];

/// True when `iterations` would be derived and takes long.
pub fn too_slow(iterations: u64) -> bool {
    iterations > MAX_FUZZ_ITERATIONS && iterations <= CODE_LIMIT
}

/// True when `der` may declare a slow key derivation: scrypt is named, or
/// an INTEGER that follows an OCTET STRING in the same SEQUENCE (where
/// PKCS#5, PKCS#12 and NPKI keys put the count after the salt, and PKCS#12
/// MacData after the MAC salt) has a value [`too_slow`] refuses. The walk
/// also looks inside OCTET STRINGs, where PKCS#12 nests its contents; it
/// stops at the first malformed element of a level, as a strict DER
/// decoder does.
pub fn declares_slow_derivation(der: &[u8]) -> bool {
    der.windows(SCRYPT_OID.len()).any(|w| w == SCRYPT_OID) || walk(der, 0)
}

/// Nesting deeper than this is not followed (no real file comes close).
const MAX_DEPTH: u32 = 32;

fn walk(mut level: &[u8], depth: u32) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let mut after_octets = false;
    while let Some((tag, content, rest)) = element(level) {
        level = rest;
        let slow = match tag {
            0x02 => after_octets && count_too_slow(content),
            0x04 => walk(content, depth + 1),
            t if t & 0x20 != 0 => walk(content, depth + 1),
            _ => false,
        };
        if slow {
            return true;
        }
        after_octets = tag == 0x04;
    }
    false
}

/// One DER element at the start of `bytes`: tag, contents, what follows.
/// Only single-byte tags and definite lengths, as DER has them.
fn element(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let (len, rest) = (rest.get(..n)?, rest.get(n..)?);
        (len.iter().fold(0usize, |v, &b| (v << 8) | usize::from(b)), rest)
    };
    Some((tag, rest.get(..len)?, rest.get(len..)?))
}

fn count_too_slow(content: &[u8]) -> bool {
    if content.is_empty() || content.len() > 8 || content[0] & 0x80 != 0 {
        return false; // negative or huge: refused as a count
    }
    too_slow(content.iter().fold(0u64, |v, &b| (v << 8) | u64::from(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `SEQUENCE { OCTET STRING salt, INTEGER count }`.
    fn params(count: &[u8]) -> Vec<u8> {
        let mut v = vec![0x30, (4 + count.len()) as u8, 0x04, 0x00, 0x02, count.len() as u8];
        v.extend_from_slice(count);
        v
    }

    #[test]
    fn counts_up_to_2048_run_and_larger_ones_are_skipped() {
        assert!(!declares_slow_derivation(&params(&[0x08, 0x00])));
        assert!(declares_slow_derivation(&params(&[0x08, 0x01])));
        assert!(declares_slow_derivation(&params(&[0x0f, 0x42, 0x40]))); // 1,000,000
        // Above the code's limit: refused before deriving, so it runs.
        assert!(!declares_slow_derivation(&params(&[0x0f, 0x42, 0x41])));
        assert!(declares_slow_derivation(SCRYPT_OID));
    }

    #[test]
    fn counts_inside_octet_strings_are_seen_and_other_integers_are_not() {
        let inner = params(&[0x10, 0x00]);
        let mut wrapped = vec![0x30, (inner.len() + 2) as u8, 0x04, inner.len() as u8];
        wrapped.extend_from_slice(&inner);
        assert!(declares_slow_derivation(&wrapped));
        // An RSA public exponent (65537) follows the modulus, not a salt.
        assert!(!declares_slow_derivation(&[0x30, 0x08, 0x02, 0x01, 0x05, 0x02, 0x03, 0x01, 0x00, 0x01]));
        // A truncated element ends the walk without reading past the input.
        assert!(!declares_slow_derivation(&[0x30, 0x05, 0x04, 0x00, 0x02, 0x04, 0x7f]));
    }
}
