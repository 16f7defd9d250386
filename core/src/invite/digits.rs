//! The base-10 text form of an invite's CBOR bytes.
//!
//! This is the encoding of FIDO CTAP 2.2 hybrid QR codes: bytes are taken in
//! 7-byte chunks, each read as a little-endian integer and written as exactly
//! 17 decimal digits; a shorter final chunk of 1 to 6 bytes takes 3, 5, 8, 10,
//! 13 or 15 digits. Digits go into a QR code's numeric segment, which packs
//! them at 10 bits per 3 digits, about 99% as dense as raw bytes.
//! See `docs/PROTOCOL.md` §2.

use super::InviteError;

/// Bytes in a full chunk.
const CHUNK_BYTES: usize = 7;

/// Digits written for a chunk of `n` bytes, for `n` in `0..=7`.
const DIGITS_FOR_BYTES: [usize; CHUNK_BYTES + 1] = [0, 3, 5, 8, 10, 13, 15, 17];

/// Writes `bytes` as decimal digits.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let chunks = bytes.len().div_ceil(CHUNK_BYTES);
    let mut out = String::with_capacity(chunks * DIGITS_FOR_BYTES[CHUNK_BYTES]);
    for chunk in bytes.chunks(CHUNK_BYTES) {
        let mut le = [0u8; 8];
        le[..chunk.len()].copy_from_slice(chunk);
        let value = u64::from_le_bytes(le);
        let width = DIGITS_FOR_BYTES[chunk.len()];
        out.push_str(&format!("{value:0width$}"));
    }
    out
}

/// Reads decimal digits back into bytes, rejecting anything [`encode`] could
/// not have written: a character other than an ASCII digit, a length that no
/// byte count maps to, or a chunk whose value does not fit its byte count.
pub(crate) fn decode(digits: &str) -> Result<Vec<u8>, InviteError> {
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(InviteError::BadCharacter(bad));
    }
    let full = DIGITS_FOR_BYTES[CHUNK_BYTES];
    let tail_digits = digits.len() % full;
    let tail_bytes = DIGITS_FOR_BYTES
        .iter()
        .position(|&d| d == tail_digits)
        .ok_or(InviteError::BadDigitCount(digits.len()))?;

    let mut out = Vec::with_capacity(digits.len() / full * CHUNK_BYTES + tail_bytes);
    let digits = digits.as_bytes();
    let (body, tail) = digits.split_at(digits.len() - tail_digits);
    for chunk in body.chunks(full) {
        push_chunk(&mut out, chunk, CHUNK_BYTES)?;
    }
    if tail_bytes > 0 {
        push_chunk(&mut out, tail, tail_bytes)?;
    }
    Ok(out)
}

fn push_chunk(out: &mut Vec<u8>, ascii_digits: &[u8], n_bytes: usize) -> Result<(), InviteError> {
    // At most 17 digits: always fits in a u64 (10^17 < 2^64).
    let value = ascii_digits
        .iter()
        .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
    if value >> (8 * n_bytes) != 0 {
        return Err(InviteError::ChunkOutOfRange);
    }
    out.extend_from_slice(&value.to_le_bytes()[..n_bytes]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn digit_counts_follow_the_fido_table() {
        for n in 0..=21 {
            let digits = encode(&vec![0xff; n]);
            let expected = n / 7 * 17 + DIGITS_FOR_BYTES[n % 7];
            assert_eq!(digits.len(), expected, "{n} bytes");
        }
    }

    #[test]
    fn known_answers() {
        assert_eq!(encode(&[]), "");
        assert_eq!(encode(&[0x01]), "001");
        assert_eq!(encode(&[0xff]), "255");
        assert_eq!(encode(&[0x01, 0x02]), "00513");
        // 7 bytes 0x01..=0x07, little-endian = 0x07060504030201.
        assert_eq!(encode(&[1, 2, 3, 4, 5, 6, 7]), "01976943448883713");
        assert_eq!(encode(&[0xff; 7]), "72057594037927935");
    }

    #[test]
    fn rejects_lengths_no_byte_count_maps_to() {
        for bad in [1, 2, 4, 6, 7, 9, 11, 12, 14, 16, 18] {
            let s = "0".repeat(bad);
            assert_eq!(
                decode(&s),
                Err(InviteError::BadDigitCount(bad)),
                "{bad} digits"
            );
        }
    }

    #[test]
    fn rejects_chunks_out_of_range() {
        // 256 does not fit one byte; 2^56 does not fit seven.
        assert_eq!(decode("256"), Err(InviteError::ChunkOutOfRange));
        assert_eq!(
            decode("72057594037927936"),
            Err(InviteError::ChunkOutOfRange)
        );
        assert_eq!(
            decode("99999999999999999"),
            Err(InviteError::ChunkOutOfRange)
        );
        assert_eq!(decode("65536"), Err(InviteError::ChunkOutOfRange));
    }

    #[test]
    fn rejects_non_digits() {
        assert_eq!(decode("00a"), Err(InviteError::BadCharacter('a')));
        assert_eq!(decode("001 "), Err(InviteError::BadCharacter(' ')));
        assert_eq!(decode("٣٣٣"), Err(InviteError::BadCharacter('٣')));
    }

    proptest! {
        #[test]
        fn round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let digits = encode(&bytes);
            prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()));
            prop_assert_eq!(decode(&digits).unwrap(), bytes);
        }
    }
}
