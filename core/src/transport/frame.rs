//! Length-prefixed frames over a byte stream (`docs/PROTOCOL.md` §6).
//!
//! On TCP every Noise message travels as a 2-byte big-endian length followed
//! by that many bytes. Parsing is separate from I/O so that malformed input
//! can be tested without sockets, and reading is cancel-safe: bytes that
//! arrived stay in the buffer when a `select!` drops the read.

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::LinkError;

/// Bytes in the length prefix.
pub const PREFIX_LEN: usize = 2;
/// The largest frame the prefix can describe, and Noise's message limit.
pub const MAX_FRAME_LEN: usize = u16::MAX as usize;

/// Looks for one whole frame at the start of `buf`. Returns the frame's
/// payload range and the bytes it occupies, `None` when more bytes are
/// needed, or an error when the announced length exceeds `max_len`: such a
/// peer is dropped before its bytes are read.
pub(crate) fn parse(
    buf: &[u8],
    max_len: usize,
) -> Result<Option<(std::ops::Range<usize>, usize)>, LinkError> {
    if buf.len() < PREFIX_LEN {
        return Ok(None);
    }
    let len = usize::from(u16::from_be_bytes([buf[0], buf[1]]));
    if len > max_len {
        return Err(LinkError::TooLarge { len, max: max_len });
    }
    let end = PREFIX_LEN + len;
    if buf.len() < end {
        return Ok(None);
    }
    Ok(Some((PREFIX_LEN..end, end)))
}

/// A byte stream that carries frames.
#[derive(Debug)]
pub struct FramedStream<S> {
    stream: S,
    buf: Vec<u8>,
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> FramedStream<S> {
    /// Wraps a connected stream.
    pub fn new(stream: S) -> Self {
        Self {
            stream,
            buf: Vec::with_capacity(1024),
        }
    }

    /// Reads one frame of at most `max_len` bytes. Cancel-safe.
    pub async fn read_frame(&mut self, max_len: usize) -> Result<Vec<u8>, LinkError> {
        loop {
            if let Some((range, used)) = parse(&self.buf, max_len)? {
                let frame = self.buf[range].to_vec();
                self.buf.drain(..used);
                return Ok(frame);
            }
            // Read only what the current frame still needs, up to 16 KiB a time.
            let want = match parse_len(&self.buf) {
                Some(len) => (PREFIX_LEN + len - self.buf.len()).min(16 * 1024),
                None => PREFIX_LEN - self.buf.len(),
            };
            self.buf.reserve(want);
            let n = (&mut self.stream)
                .take(want as u64)
                .read_buf(&mut self.buf)
                .await?;
            if n == 0 {
                return Err(if self.buf.is_empty() {
                    LinkError::Closed
                } else {
                    LinkError::Truncated
                });
            }
        }
    }

    /// Writes one frame.
    pub async fn write_frame(&mut self, frame: &[u8]) -> Result<(), LinkError> {
        let len = u16::try_from(frame.len()).map_err(|_| LinkError::TooLarge {
            len: frame.len(),
            max: MAX_FRAME_LEN,
        })?;
        let mut out = Vec::with_capacity(PREFIX_LEN + frame.len());
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(frame);
        self.stream.write_all(&out).await?;
        self.stream.flush().await?;
        Ok(())
    }

    /// Shuts down the write side, so the peer reads a clean end of stream.
    pub async fn shutdown(&mut self) -> io::Result<()> {
        self.stream.shutdown().await
    }
}

fn parse_len(buf: &[u8]) -> Option<usize> {
    (buf.len() >= PREFIX_LEN).then(|| usize::from(u16::from_be_bytes([buf[0], buf[1]])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_needs_the_whole_frame() {
        assert!(matches!(parse(&[], 10), Ok(None)));
        assert!(matches!(parse(&[0], 10), Ok(None)));
        assert!(matches!(parse(&[0, 3, 1, 2], 10), Ok(None)));
        let (range, used) = parse(&[0, 3, 1, 2, 3, 9], 10).unwrap().unwrap();
        assert_eq!((range, used), (2..5, 5));
        let (range, used) = parse(&[0, 0], 10).unwrap().unwrap();
        assert_eq!((range, used), (2..2, 2));
    }

    #[test]
    fn parse_refuses_oversized_lengths_before_reading_them() {
        assert!(matches!(
            parse(&[0xff, 0xff], 1024),
            Err(LinkError::TooLarge {
                len: 65535,
                max: 1024
            })
        ));
        assert!(matches!(
            parse(&[0x04, 0x01], 1024),
            Err(LinkError::TooLarge { len: 1025, .. })
        ));
    }

    #[tokio::test]
    async fn frames_round_trip_and_eof_is_reported() {
        let (a, b) = tokio::io::duplex(64);
        let mut a = FramedStream::new(a);
        let mut b = FramedStream::new(b);
        let big = vec![7u8; 5000];
        let writer = tokio::spawn(async move {
            a.write_frame(b"hello").await.unwrap();
            a.write_frame(&[]).await.unwrap();
            a.write_frame(&big).await.unwrap();
            a.shutdown().await.unwrap();
        });
        assert_eq!(b.read_frame(MAX_FRAME_LEN).await.unwrap(), b"hello");
        assert_eq!(b.read_frame(MAX_FRAME_LEN).await.unwrap(), b"");
        assert_eq!(b.read_frame(MAX_FRAME_LEN).await.unwrap(), vec![7u8; 5000]);
        assert!(matches!(
            b.read_frame(MAX_FRAME_LEN).await,
            Err(LinkError::Closed)
        ));
        writer.await.unwrap();
    }

    #[tokio::test]
    async fn a_stream_cut_mid_frame_is_truncated() {
        let (mut a, b) = tokio::io::duplex(64);
        let mut b = FramedStream::new(b);
        a.write_all(&[0, 10, 1, 2, 3]).await.unwrap();
        drop(a);
        assert!(matches!(
            b.read_frame(MAX_FRAME_LEN).await,
            Err(LinkError::Truncated)
        ));
    }

    #[tokio::test]
    async fn reads_survive_cancellation() {
        let (mut a, b) = tokio::io::duplex(64);
        let mut b = FramedStream::new(b);
        a.write_all(&[0, 4, 1, 2]).await.unwrap();
        // The read is dropped after the first half arrived…
        let timed_out =
            tokio::time::timeout(std::time::Duration::from_millis(20), b.read_frame(100)).await;
        assert!(timed_out.is_err());
        // …and the frame still comes out whole once the rest arrives.
        a.write_all(&[3, 4]).await.unwrap();
        assert_eq!(b.read_frame(100).await.unwrap(), vec![1, 2, 3, 4]);
    }

    #[tokio::test]
    async fn writing_an_oversized_frame_fails_cleanly() {
        let (a, _b) = tokio::io::duplex(64);
        let mut a = FramedStream::new(a);
        assert!(matches!(
            a.write_frame(&vec![0; MAX_FRAME_LEN + 1]).await,
            Err(LinkError::TooLarge { .. })
        ));
    }
}
