//! A hostile relay: a WebSocket server of the test's own on 127.0.0.1 that
//! speaks enough of `docs/RELAY.md` for the real programs to use it
//! (`GET /v1/rendezvous/{id}?role=host|guest`, the `paired` ping, 1000 and
//! 4000 closes, 4004 for a guest without a host) and applies the suite's
//! operations to the binary messages of the first pair it forms. Later
//! pairs (a desktop that came back as host) are forwarded untouched.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message as Ws;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::ops::{Dir, Mangler, Out, Plan, Recording};

type Socket = WebSocketStream<TcpStream>;

/// What the relay does with its first pair.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Forwards, applying the plan (if any).
    Forward(Option<Plan>),
    /// Closes every guest at once with this code and reason.
    CloseGuest(u16, String),
    /// Accepts every WebSocket and then never answers: no pairing, no
    /// ping, no close.
    Silent,
}

/// The running relay; it stops when dropped.
pub struct HostileRelay {
    pub port: u16,
    recording: Arc<Mutex<Recording>>,
    task: tokio::task::AbortHandle,
}

struct State {
    behaviour: Mutex<Option<Behaviour>>,
    silent: bool,
    close_guests: Option<(u16, String)>,
    waiting: Mutex<HashMap<String, Waiting>>,
    recording: Arc<Mutex<Recording>>,
}

/// A connection waiting for its other half.
struct Waiting {
    role: Role,
    token: u64,
    partner: oneshot::Sender<Socket>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Host,
    Guest,
}

impl HostileRelay {
    pub fn start(rt: &Handle, behaviour: Behaviour) -> Self {
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind the relay");
        let port = listener.local_addr().expect("the relay's port").port();
        let recording = Arc::new(Mutex::new(Recording::default()));
        let close_guests = match &behaviour {
            Behaviour::CloseGuest(code, reason) => Some((*code, reason.clone())),
            Behaviour::Forward(_) | Behaviour::Silent => None,
        };
        let silent = matches!(behaviour, Behaviour::Silent);
        let state = Arc::new(State {
            behaviour: Mutex::new(Some(behaviour)),
            silent,
            close_guests,
            waiting: Mutex::new(HashMap::new()),
            recording: recording.clone(),
        });
        let task = rt.spawn(async move {
            let mut token = 0u64;
            loop {
                let Ok((tcp, _)) = listener.accept().await else { return };
                token += 1;
                tokio::spawn(arrive(tcp, state.clone(), token));
            }
        });
        Self { port, recording, task: task.abort_handle() }
    }

    pub fn url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }

    /// What the first pair carried so far.
    pub fn recording(&self) -> Recording {
        self.recording.lock().unwrap().clone()
    }
}

impl Drop for HostileRelay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The rendezvous id and role of a request path, if it is one.
fn rendezvous(path_and_query: &str) -> Option<(String, Role)> {
    let rest = path_and_query.strip_prefix("/v1/rendezvous/")?;
    let (id, query) = rest.split_once('?')?;
    let role = match query {
        "role=host" => Role::Host,
        "role=guest" => Role::Guest,
        _ => return None,
    };
    (!id.is_empty()).then(|| (id.to_owned(), role))
}

async fn arrive(tcp: TcpStream, state: Arc<State>, token: u64) {
    let mut asked = None;
    // tungstenite's callback type: its error is a whole HTTP response.
    #[allow(clippy::result_large_err)]
    let callback = |request: &Request, response: Response| {
        asked = request.uri().path_and_query().map(|p| p.as_str().to_owned());
        Ok(response)
    };
    let Ok(mut ws) = tokio_tungstenite::accept_hdr_async(tcp, callback).await else { return };
    if state.silent {
        // Read (and drop) whatever comes, until the client gives up.
        while let Some(Ok(_)) = ws.next().await {}
        return;
    }
    let Some((id, role)) = asked.as_deref().and_then(rendezvous) else {
        let _ = close(&mut ws, 1002, "not a rendezvous").await;
        return;
    };
    if role == Role::Guest {
        if let Some((code, reason)) = &state.close_guests {
            let _ = close(&mut ws, *code, reason).await;
            return;
        }
    }
    enum Next {
        Pair(oneshot::Sender<Socket>),
        Crowded,
        Wait(oneshot::Receiver<Socket>),
    }
    let next = {
        let mut waiting = state.waiting.lock().unwrap();
        match waiting.remove(&id) {
            Some(w) if w.role != role => Next::Pair(w.partner),
            Some(w) => {
                waiting.insert(id.clone(), w);
                Next::Crowded
            }
            None => {
                let (tx, rx) = oneshot::channel();
                waiting.insert(id.clone(), Waiting { role, token, partner: tx });
                Next::Wait(rx)
            }
        }
    };
    let partner = match next {
        Next::Pair(partner) => Some(partner),
        Next::Crowded => {
            let _ = close(&mut ws, 4001, "crowded").await;
            return;
        }
        Next::Wait(rx) => {
            wait_alone(ws, rx, role, id, token, state).await;
            return;
        }
    };
    if let Some(partner) = partner {
        if let Err(ws) = partner.send(ws) {
            let mut ws = ws;
            let _ = close(&mut ws, 4000, "peer closed").await;
        }
    }
}

/// Waits for the other half (a guest gets 3 s, then 4004), reading this
/// connection meanwhile: its first messages are kept for its partner.
async fn wait_alone(mut ws: Socket, mut rx: oneshot::Receiver<Socket>, role: Role, id: String, token: u64, state: Arc<State>) {
    let mut early = Vec::new();
    let give_up = tokio::time::sleep(if role == Role::Guest { Duration::from_secs(3) } else { Duration::from_secs(3600) });
    tokio::pin!(give_up);
    let other = loop {
        tokio::select! {
            other = &mut rx => match other {
                Ok(other) => break other,
                Err(_) => return,
            },
            message = ws.next() => match message {
                Some(Ok(Ws::Binary(b))) => early.push(b.to_vec()),
                Some(Ok(Ws::Close(_))) | None | Some(Err(_)) => {
                    leave(&state, &id, token);
                    return;
                }
                Some(Ok(_)) => {}
            },
            () = &mut give_up => {
                leave(&state, &id, token);
                let _ = close(&mut ws, 4004, "no such session").await;
                return;
            }
        }
    };
    let behaviour = state.behaviour.lock().unwrap().take();
    let plan = match behaviour {
        Some(Behaviour::Forward(plan)) => plan,
        _ => None,
    };
    let first = state.recording.lock().unwrap().sessions == 0;
    state.recording.lock().unwrap().sessions += 1;
    let record = first.then(|| state.recording.clone());
    let (mut host, mut guest) = if role == Role::Host { (ws, other) } else { (other, ws) };
    let _ = host.send(Ws::Ping(certbridge_core::transport::relay::PAIRED_PING.to_vec().into())).await;
    let mut pair = Pair {
        to_scanner: Mangler::new(Dir::ToScanner, plan.as_ref()),
        to_desktop: Mangler::new(Dir::ToDesktop, plan.as_ref()),
        record,
    };
    // What waited came from the one who waited.
    let early_dir = if role == Role::Host { Dir::ToScanner } else { Dir::ToDesktop };
    for message in early {
        if !pair.forward(early_dir, message, &mut host, &mut guest).await {
            return;
        }
    }
    pair.run(host, guest).await;
}

fn leave(state: &State, id: &str, token: u64) {
    let mut waiting = state.waiting.lock().unwrap();
    if waiting.get(id).is_some_and(|w| w.token == token) {
        waiting.remove(id);
    }
}

struct Pair {
    to_scanner: Mangler,
    to_desktop: Mangler,
    record: Option<Arc<Mutex<Recording>>>,
}

impl Pair {
    async fn run(mut self, mut host: Socket, mut guest: Socket) {
        loop {
            let (dir, message) = tokio::select! {
                m = host.next() => (Dir::ToScanner, m),
                m = guest.next() => (Dir::ToDesktop, m),
            };
            match message {
                Some(Ok(Ws::Binary(b))) => {
                    if !self.forward(dir, b.to_vec(), &mut host, &mut guest).await {
                        return;
                    }
                }
                Some(Ok(Ws::Text(_))) => {
                    let _ = close(&mut host, 4002, "binary messages only").await;
                    let _ = close(&mut guest, 4002, "binary messages only").await;
                    return;
                }
                Some(Ok(Ws::Close(frame))) => {
                    let finished = frame.is_some_and(|f| f.code == CloseCode::Normal);
                    let (mangler, to) = self.side(dir, &mut host, &mut guest);
                    for out in mangler.on_end() {
                        let _ = send(to, &out).await;
                    }
                    let (code, reason) = if finished { (1000, "session finished") } else { (4000, "peer closed") };
                    let _ = close(to, code, reason).await;
                    return;
                }
                None | Some(Err(_)) => {
                    let (_, to) = self.side(dir, &mut host, &mut guest);
                    let _ = close(to, 4000, "peer closed").await;
                    return;
                }
                Some(Ok(_)) => {}
            }
        }
    }

    /// The mangler of direction `dir` and the socket its messages go to.
    fn side<'a>(&'a mut self, dir: Dir, host: &'a mut Socket, guest: &'a mut Socket) -> (&'a mut Mangler, &'a mut Socket) {
        match dir {
            Dir::ToScanner => (&mut self.to_scanner, guest),
            Dir::ToDesktop => (&mut self.to_desktop, host),
        }
    }

    /// Passes one message on, mangled; false when the pair is over.
    async fn forward(&mut self, dir: Dir, message: Vec<u8>, host: &mut Socket, guest: &mut Socket) -> bool {
        if let Some(record) = &self.record {
            record.lock().unwrap().push(dir, &message);
        }
        let (mangler, to) = self.side(dir, host, guest);
        for out in mangler.on_frame(message) {
            if out == Out::Close || send(to, &out).await.is_err() {
                // Both sockets are dropped without a close frame: cut.
                return false;
            }
            if matches!(out, Out::Truncated { .. }) {
                return false;
            }
        }
        true
    }
}

async fn send(ws: &mut Socket, out: &Out) -> Result<(), ()> {
    match out {
        Out::Frame(frame) => ws.send(Ws::Binary(frame.clone().into())).await.map_err(drop),
        Out::Truncated { frame, keep } => ws.send(Ws::Binary(frame[..*keep].to_vec().into())).await.map_err(drop),
        // Raw bytes on the TCP stream, after the WebSocket frame.
        Out::Junk(junk) => {
            ws.flush().await.map_err(drop)?;
            ws.get_mut().write_all(junk).await.map_err(drop)?;
            ws.get_mut().flush().await.map_err(drop)
        }
        Out::Close => Ok(()),
    }
}

async fn close(ws: &mut Socket, code: u16, reason: &str) -> Result<(), ()> {
    let frame = CloseFrame { code: CloseCode::from(code), reason: reason.to_owned().into() };
    ws.close(Some(frame)).await.map_err(drop)
}
