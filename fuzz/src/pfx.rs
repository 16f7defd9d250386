//! PKCS#12 import (`npki::import_pfx`): a `.pfx`/`.p12` file the user
//! picked, from wherever it came.

use certbridge_core::npki::{CertSummary, import_pfx};
use std::time::UNIX_EPOCH;

use crate::{FIXTURE_PASSWORD, Outcome};
use crate::budget::declares_slow_derivation;

/// Target `pfx_import`: any bytes as a PKCS#12 file, opened with the
/// fixtures' password.
pub fn pfx_import(data: &[u8]) -> Outcome {
    if declares_slow_derivation(data) {
        return Outcome::Skipped;
    }
    let Ok(imported) = import_pfx(data, FIXTURE_PASSWORD) else {
        return Outcome::Refused;
    };
    // What an import yields is a folder the rest of the program accepts.
    imported.item.validate().expect("an imported folder is a valid bundle item");
    CertSummary::from_item(&imported.item, UNIX_EPOCH).expect("an imported certificate parses");
    Outcome::Accepted
}
