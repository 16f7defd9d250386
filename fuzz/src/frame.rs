//! The TCP frame reader (`core/src/transport/frame.rs`, `FramedStream`):
//! 2-byte big-endian lengths and payloads as a LAN peer sends them.
//!
//! The input is `max_len` (2 bytes), a seed (1 byte) and the stream. The
//! seed decides how the stream arrives: in chunks of 1 to 300 bytes, and
//! with reads that wait, which the target answers by dropping the read
//! half-way, as a `select!` does when a deadline fires. What comes out must
//! be what a plain reading of the whole stream gives (the reader is
//! cancel-safe and loses or invents nothing), the reader must end the way
//! the stream ends, and writing the frames back must give the bytes read.

use std::future::Future;
use std::io;
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use certbridge_core::LinkError;
use certbridge_core::transport::frame::{FramedStream, PREFIX_LEN};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::Outcome;

/// Target `frame`.
pub fn frame(data: &[u8]) -> Outcome {
    let [m0, m1, seed, stream @ ..] = data else {
        return Outcome::Refused;
    };
    let max_len = usize::from(u16::from_be_bytes([*m0, *m1]));
    let (expected, ending) = reference(stream, max_len);

    let state = Arc::new(Mutex::new(Script {
        input: stream.to_vec(),
        pos: 0,
        rng: u64::from(*seed) | 0x9e37_79b9_0000_0000,
        waited: false,
        written: Vec::new(),
    }));
    let mut framed = FramedStream::new(Scripted(Arc::clone(&state)));
    let mut frames = Vec::new();
    let end = loop {
        match poll_once(framed.read_frame(max_len)) {
            None => continue, // cancelled half-way: the next read carries on
            Some(Ok(f)) => {
                poll_once(framed.write_frame(&f))
                    .expect("writes to this stream never wait")
                    .expect("writing a frame that was read");
                frames.push(f);
            }
            Some(Err(e)) => break e,
        }
    };

    assert_eq!(frames.len(), expected.len(), "frame count");
    for (got, want) in frames.iter().zip(&expected) {
        assert_eq!(got.as_slice(), *want);
    }
    match (ending, &end) {
        (Ending::Closed, LinkError::Closed) | (Ending::Truncated, LinkError::Truncated) => {}
        (Ending::TooLarge(len), LinkError::TooLarge { len: l, max }) if len == *l && *max == max_len => {}
        (want, got) => panic!("the reader ended with {got:?}; the stream ends with {want:?}"),
    }
    let consumed: usize = expected.iter().map(|f| PREFIX_LEN + f.len()).sum();
    let script = state.lock().unwrap_or_else(PoisonError::into_inner);
    assert_eq!(script.written, stream[..consumed], "frames written back differ from those read");
    Outcome::Accepted
}

/// How a plain reading of the stream ends.
#[derive(Debug, Clone, Copy)]
enum Ending {
    Closed,
    Truncated,
    TooLarge(usize),
}

/// The frames of `stream`, read the obvious way, and how it ends.
fn reference(mut stream: &[u8], max_len: usize) -> (Vec<&[u8]>, Ending) {
    let mut frames = Vec::new();
    loop {
        match stream {
            [] => return (frames, Ending::Closed),
            [_] => return (frames, Ending::Truncated),
            [a, b, rest @ ..] => {
                let len = usize::from(u16::from_be_bytes([*a, *b]));
                if len > max_len {
                    return (frames, Ending::TooLarge(len));
                }
                if rest.len() < len {
                    return (frames, Ending::Truncated);
                }
                frames.push(&rest[..len]);
                stream = &rest[len..];
            }
        }
    }
}

/// Polls `fut` once: its output, or `None` when it waited (and is dropped).
fn poll_once<F: Future>(fut: F) -> Option<F::Output> {
    let mut fut = pin!(fut);
    match fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

struct Script {
    input: Vec<u8>,
    pos: usize,
    rng: u64,
    /// The last read waited; the next one delivers, so reading progresses.
    waited: bool,
    written: Vec<u8>,
}

impl Script {
    fn next(&mut self) -> u64 {
        // xorshift64: deterministic for a given input, so findings replay.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng
    }
}

/// The stream: reads follow the script, writes are collected.
struct Scripted(Arc<Mutex<Script>>);

impl Scripted {
    fn script(&self) -> std::sync::MutexGuard<'_, Script> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl AsyncRead for Scripted {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let mut s = self.script();
        let r = s.next();
        if !s.waited && r.is_multiple_of(3) {
            s.waited = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        s.waited = false;
        let n = ((r >> 8) % 300 + 1) as usize;
        let n = n.min(s.input.len() - s.pos).min(buf.remaining());
        let start = s.pos;
        buf.put_slice(&s.input[start..start + n]);
        s.pos += n;
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Scripted {
    fn poll_write(self: Pin<&mut Self>, _cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.script().written.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
