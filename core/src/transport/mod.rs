//! The ways two devices reach each other: the LAN (TCP, the embedded
//! default, no server) and the relay (WebSocket).
//!
//! Every path ends up as a [`Link`]: a pipe of whole messages, so the
//! handshake and the session never see how bytes travel. A TCP link frames
//! messages with a 2-byte length (see [`frame`]); a relay link sends one
//! WebSocket binary message per Noise message.

pub mod frame;
pub mod lan;
pub mod relay;

use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;

use tokio::io::{AsyncRead, AsyncWrite};

use frame::FramedStream;

/// A boxed, sendable future: what [`Link`]'s methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Which way a link goes: shown to the user, because a LAN link is a sign
/// that the other device is nearby.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Path {
    /// Directly over the local network.
    Lan {
        /// The other device's address.
        peer: SocketAddr,
    },
    /// Through a relay server.
    Relay {
        /// The relay's base URL.
        url: String,
    },
}

impl Path {
    /// `"lan"` or `"relay"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Path::Lan { .. } => "lan",
            Path::Relay { .. } => "relay",
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Lan { peer } => write!(f, "the local network ({})", peer.ip()),
            Path::Relay { url } => write!(f, "the relay {url}"),
        }
    }
}

/// Why a link stopped carrying messages.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LinkError {
    /// The peer closed the connection between messages.
    #[error("the other device closed the connection")]
    Closed,
    /// The connection ended in the middle of a message.
    #[error("the connection was cut in the middle of a message")]
    Truncated,
    /// A message is larger than allowed at this point.
    #[error("a message of {len} bytes is larger than the {max} allowed")]
    TooLarge {
        /// The announced or actual length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The relay closed the connection, with its code and reason.
    #[error("the relay closed the connection: {reason} ({code})")]
    Relay {
        /// The WebSocket close code (`docs/RELAY.md`).
        code: u16,
        /// The relay's words, sanitised.
        reason: String,
    },
    /// The peer arrived at the relay but sent nothing in time.
    #[error("the other device connected through the relay but said nothing")]
    Silent,
    /// A network error.
    #[error("network error: {0}")]
    Io(#[from] io::Error),
}

/// A pipe of whole messages to the other device.
pub trait Link: Send {
    /// Sends one message.
    fn send<'a>(&'a mut self, message: &'a [u8]) -> BoxFuture<'a, Result<(), LinkError>>;

    /// Receives one message of at most `max_len` bytes. Must be cancel-safe:
    /// a call dropped before it completes loses nothing.
    fn recv(&mut self, max_len: usize) -> BoxFuture<'_, Result<Vec<u8>, LinkError>>;

    /// Closes the link's sending side cleanly; errors are ignored.
    fn close(&mut self) -> BoxFuture<'_, ()>;

    /// Closes the link after a finished transfer. The same as
    /// [`Link::close`] except on a relay, which counts this as a success.
    fn finish(&mut self) -> BoxFuture<'_, ()> {
        self.close()
    }

    /// Which way the link goes.
    fn path(&self) -> &Path;
}

/// A [`Link`] over any byte stream, framed with a 2-byte length.
pub struct StreamLink<S> {
    framed: FramedStream<S>,
    path: Path,
}

impl<S> fmt::Debug for StreamLink<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamLink")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> StreamLink<S> {
    /// Wraps a connected stream that goes by `path`.
    pub fn new(stream: S, path: Path) -> Self {
        Self {
            framed: FramedStream::new(stream),
            path,
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Link for StreamLink<S> {
    fn send<'a>(&'a mut self, message: &'a [u8]) -> BoxFuture<'a, Result<(), LinkError>> {
        Box::pin(self.framed.write_frame(message))
    }

    fn recv(&mut self, max_len: usize) -> BoxFuture<'_, Result<Vec<u8>, LinkError>> {
        Box::pin(self.framed.read_frame(max_len))
    }

    fn close(&mut self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let _ = self.framed.shutdown().await;
        })
    }

    fn path(&self) -> &Path {
        &self.path
    }
}
