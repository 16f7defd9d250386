//! The man in the middle on the LAN path.
//!
//! The invite's bytes are the Noise prologue, so the middle cannot change
//! the address the scanner dials. Instead the scanner runs in a network
//! namespace of the test's own, and the proxy listens *inside* it on the
//! very `127.0.0.1:PORT` the desktop advertises, while it dials the
//! desktop's real `127.0.0.1:PORT` from the host's namespace. A socket
//! keeps the namespace it was made in, so only a short-lived thread ever
//! enters the namespace (`setns`), to make the listening socket.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::runtime::Handle;
use tokio::sync::mpsc;

use super::ops::{Dir, Mangler, Out, Plan, Recording};
use crate::Netns;

/// A listening socket on `127.0.0.1:port` inside `ns`.
pub fn listen_in(ns: &Netns, port: u16) -> std::io::Result<std::net::TcpListener> {
    use std::os::fd::AsFd;
    let file = std::fs::File::open(format!("/var/run/netns/{}", ns.name))?;
    std::thread::spawn(move || {
        rustix::thread::move_into_link_name_space(file.as_fd(), Some(rustix::thread::LinkNameSpaceType::Network))?;
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        Ok(listener)
    })
    .join()
    .expect("the namespace thread does not panic")
}

/// The running proxy; it stops when dropped.
pub struct FrameProxy {
    recording: Arc<Mutex<Recording>>,
    task: tokio::task::AbortHandle,
}

impl FrameProxy {
    /// Forwards every connection to `listener` to `upstream`, frame by
    /// frame; the first connection gets `plan`, later ones pass untouched.
    /// When `replay_ahead` is set, the first frame to the desktop is first
    /// sent on a connection of the proxy's own, as an eavesdropper would
    /// replay it, before it is forwarded.
    pub fn start(
        rt: &Handle,
        listener: std::net::TcpListener,
        upstream: SocketAddr,
        plan: Option<Plan>,
        replay_ahead: bool,
    ) -> Self {
        let recording = Arc::new(Mutex::new(Recording::default()));
        let record = recording.clone();
        let task = rt.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
            let mut plan = plan;
            let mut replay_ahead = replay_ahead;
            loop {
                let Ok((scanner, _)) = listener.accept().await else { return };
                let first = record.lock().unwrap().sessions == 0;
                record.lock().unwrap().sessions += 1;
                let plan = plan.take();
                let ahead = std::mem::take(&mut replay_ahead);
                let record = first.then(|| record.clone());
                tokio::spawn(async move {
                    let Ok(desktop) = TcpStream::connect(upstream).await else { return };
                    connection(scanner, desktop, plan, record, ahead.then_some(upstream)).await;
                });
            }
        });
        Self { recording, task: task.abort_handle() }
    }

    /// What the first connection carried so far.
    pub fn recording(&self) -> Recording {
        self.recording.lock().unwrap().clone()
    }
}

impl Drop for FrameProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One proxied connection: two pumps; either may close both.
async fn connection(
    scanner: TcpStream,
    desktop: TcpStream,
    plan: Option<Plan>,
    record: Option<Arc<Mutex<Recording>>>,
    replay_ahead: Option<SocketAddr>,
) {
    let _ = scanner.set_nodelay(true);
    let _ = desktop.set_nodelay(true);
    let (s_read, s_write) = scanner.into_split();
    let (d_read, d_write) = desktop.into_split();
    let (close_tx, mut close_rx) = mpsc::channel::<()>(2);
    let up = Pump {
        mangler: Mangler::new(Dir::ToDesktop, plan.as_ref()),
        record: record.clone(),
        close: close_tx.clone(),
        replay_ahead,
    };
    let down = Pump { mangler: Mangler::new(Dir::ToScanner, plan.as_ref()), record, close: close_tx, replay_ahead: None };
    let a = tokio::spawn(up.run(s_read, d_write));
    let b = tokio::spawn(down.run(d_read, s_write));
    // Some(()) when a pump closes the connection; None once both ended.
    if close_rx.recv().await.is_some() {
        a.abort();
        b.abort();
    }
    let _ = a.await;
    let _ = b.await;
}

struct Pump {
    mangler: Mangler,
    record: Option<Arc<Mutex<Recording>>>,
    close: mpsc::Sender<()>,
    replay_ahead: Option<SocketAddr>,
}

impl Pump {
    async fn run(mut self, mut from: OwnedReadHalf, mut to: OwnedWriteHalf) {
        // Connections the replayer opened stay open as long as this pump.
        let mut replayers = Vec::new();
        loop {
            let Some(frame) = read_frame(&mut from).await else {
                for out in self.mangler.on_end() {
                    let _ = write(&mut to, &out).await;
                }
                let _ = to.shutdown().await;
                return;
            };
            if let Some(record) = &self.record {
                record.lock().unwrap().push(self.mangler.dir(), &frame);
            }
            if let Some(addr) = self.replay_ahead.take() {
                if let Ok(mut eavesdropper) = TcpStream::connect(addr).await {
                    let _ = write(&mut eavesdropper, &Out::Frame(frame.clone())).await;
                    replayers.push(eavesdropper);
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
            }
            for out in self.mangler.on_frame(frame) {
                if out == Out::Close || write(&mut to, &out).await.is_err() {
                    let _ = self.close.send(()).await;
                    return;
                }
            }
        }
    }
}

/// Reads one frame (without its prefix); `None` at the end of the stream
/// or when it breaks, even mid-frame.
async fn read_frame(from: &mut OwnedReadHalf) -> Option<Vec<u8>> {
    let mut prefix = [0u8; 2];
    from.read_exact(&mut prefix).await.ok()?;
    let mut frame = vec![0u8; usize::from(u16::from_be_bytes(prefix))];
    from.read_exact(&mut frame).await.ok()?;
    Some(frame)
}

async fn write(to: &mut (impl AsyncWriteExt + Unpin), out: &Out) -> std::io::Result<()> {
    let bytes = match out {
        Out::Frame(frame) => prefixed(frame, frame.len()),
        Out::Truncated { frame, keep } => prefixed(&frame[..*keep], frame.len()),
        Out::Junk(junk) => junk.clone(),
        Out::Close => return Ok(()),
    };
    to.write_all(&bytes).await?;
    to.flush().await
}

/// `bytes` after a length prefix announcing `announced` bytes.
fn prefixed(bytes: &[u8], announced: usize) -> Vec<u8> {
    let len = u16::try_from(announced).expect("frames fit their 2-byte length");
    [&len.to_be_bytes()[..], bytes].concat()
}
