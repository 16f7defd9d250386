//! The messages after the handshake (`Message::decode`): CBOR from the
//! other device, decrypted but otherwise as the peer chose to write it.

use certbridge_core::Message;
use certbridge_core::message::FILE_NAMES;

use crate::Outcome;

/// Target `message`: any bytes as a decrypted transport message.
pub fn message(data: &[u8]) -> Outcome {
    let Ok(msg) = Message::decode(data) else {
        return Outcome::Refused;
    };
    // What was accepted can be written, and writing is stable.
    let bytes = msg.encode();
    let again = Message::decode(&bytes).expect("a message's own encoding must decode");
    assert_eq!(again.name(), msg.name());
    assert_eq!(*again.encode(), *bytes, "encoding a decoded message changed it");
    // What the receiving side does with a bundle before installing it.
    if let Message::Bundle { items } = &msg {
        for item in items {
            let _ = item.digests();
            let _ = item.len();
            if item.validate().is_ok() {
                // Whatever the layout, a name stays one plain file name;
                // an NPKI item holds only the names NPKI folders use.
                for name in item.files.keys() {
                    let plain = !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0']);
                    assert!(plain, "a validated item names {name:?}");
                }
                if item.layout.is_none() {
                    assert!(item.files.keys().all(|name| FILE_NAMES.contains(&name.as_str())));
                }
            }
        }
    }
    Outcome::Accepted
}
