//! The encrypted channel: session messages as Noise transport messages over
//! a [`Link`] (protocol v1, `docs/PROTOCOL.md` §5).
//!
//! Every message is one CBOR map encrypted into one Noise transport message
//! of at most 65,535 bytes. Plaintext buffers are wiped after use, and any
//! decryption failure is final: the channel is unusable afterwards, because
//! a Noise nonce that failed may never be retried.

use std::fmt;

use snow::TransportState;
use zeroize::Zeroizing;

use crate::handshake::Established;
use crate::message::{Message, MessageError};
use crate::transport::{Link, LinkError};

/// The largest Noise transport message (the Noise spec's limit).
pub(crate) const MAX_NOISE_MESSAGE: usize = 65_535;
/// Bytes of the ChaCha20-Poly1305 tag on each message.
const TAG_LEN: usize = 16;
/// The largest plaintext one message can carry.
pub(crate) const MAX_PLAINTEXT: usize = MAX_NOISE_MESSAGE - TAG_LEN;

/// Why the channel stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum ChannelError {
    /// The link failed or closed.
    #[error(transparent)]
    Link(#[from] LinkError),
    /// A message did not decrypt. No detail, by design.
    #[error("a message from the other device did not decrypt; the connection was tampered with")]
    Decrypt,
    /// A message decrypted but is not a valid session message.
    #[error(transparent)]
    Message(#[from] MessageError),
    /// A message to send is larger than one Noise message can carry.
    #[error("a message of {0} bytes is too large to send")]
    TooLarge(usize),
}

/// An established, encrypted channel to the other device.
pub(crate) struct Channel {
    link: Box<dyn Link>,
    noise: TransportState,
}

impl fmt::Debug for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Channel")
            .field("path", self.link.path())
            .finish_non_exhaustive()
    }
}

impl Channel {
    /// Wraps a link on which `established` was just negotiated.
    pub(crate) fn new(link: Box<dyn Link>, established: Established) -> Self {
        Self {
            link,
            noise: established.transport,
        }
    }

    /// Encrypts and sends one message.
    pub(crate) async fn send(&mut self, message: &Message) -> Result<(), ChannelError> {
        let plain = message.encode();
        if plain.len() > MAX_PLAINTEXT {
            return Err(ChannelError::TooLarge(plain.len()));
        }
        let mut sealed = vec![0u8; plain.len() + TAG_LEN];
        let n = self
            .noise
            .write_message(&plain, &mut sealed)
            .map_err(|_| ChannelError::TooLarge(plain.len()))?;
        sealed.truncate(n);
        self.link.send(&sealed).await?;
        Ok(())
    }

    /// Receives and decrypts one message. Cancel-safe: dropping the future
    /// before it completes loses nothing, because the link's receive is.
    pub(crate) async fn recv(&mut self) -> Result<Message, ChannelError> {
        let sealed = self.link.recv(MAX_NOISE_MESSAGE).await?;
        if sealed.len() < TAG_LEN {
            return Err(ChannelError::Decrypt);
        }
        let mut plain = Zeroizing::new(vec![0u8; sealed.len()]);
        let n = self
            .noise
            .read_message(&sealed, &mut plain)
            .map_err(|_| ChannelError::Decrypt)?;
        Ok(Message::decode(&plain[..n])?)
    }

    /// Sends bytes that are not a sealed message, as an attacker without
    /// the keys would (tests only).
    #[cfg(test)]
    pub(crate) async fn send_raw_for_tests(&mut self, bytes: &[u8]) {
        let _ = self.link.send(bytes).await;
    }

    /// Closes the link after a finished transfer; best effort.
    pub(crate) async fn finish(&mut self) {
        self.link.finish().await;
    }

    /// Closes the sending side; best effort.
    pub(crate) async fn close(&mut self) {
        self.link.close().await;
    }
}
