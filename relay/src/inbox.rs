//! A connection's inbox: the queue of [`Event`]s that its peer (local, or
//! remote through the Redis bus) and the node put in for it.
//!
//! A hand-made queue rather than a tokio channel because of memory: an
//! empty tokio `mpsc` channel allocates a block of 32 slots up front
//! (about 1.5 KiB with our event size), while 20,000 waiting sessions should
//! cost under 4 KiB each in all. This one is an `Arc` with a mutex, a
//! `VecDeque` that allocates only on first use, and a [`Notify`].
//!
//! What can queue here is bounded by the session byte limit, which the
//! sending side enforces.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

use crate::registry::Event;

#[derive(Debug, Default)]
struct Queue {
    events: VecDeque<Event>,
    /// The receiving connection has ended.
    closed: bool,
}

#[derive(Debug, Default)]
struct Inner {
    queue: Mutex<Queue>,
    notify: Notify,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The sending end; cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct InboxSender(Arc<Inner>);

/// The receiving end, owned by the connection.
#[derive(Debug)]
pub(crate) struct Inbox(Arc<Inner>);

/// A new, empty inbox.
pub(crate) fn inbox() -> (InboxSender, Inbox) {
    let inner = Arc::new(Inner::default());
    (InboxSender(Arc::clone(&inner)), Inbox(inner))
}

impl InboxSender {
    /// Queues an event; gives it back if the connection has ended.
    pub(crate) fn send(&self, event: Event) -> Result<(), Event> {
        let mut q = self.0.lock();
        if q.closed {
            return Err(event);
        }
        q.events.push_back(event);
        drop(q);
        // Stores a permit if the receiver is not waiting right now, so no
        // wake-up is lost between its check of the queue and its wait.
        self.0.notify.notify_one();
        Ok(())
    }
}

impl Inbox {
    /// The next event, waiting for one. Cancel-safe: an event is only taken
    /// out of the queue when it is returned.
    pub(crate) async fn recv(&mut self) -> Event {
        loop {
            if let Some(event) = self.0.lock().events.pop_front() {
                return event;
            }
            self.0.notify.notified().await;
        }
    }
}

impl Drop for Inbox {
    fn drop(&mut self) {
        let mut q = self.0.lock();
        q.closed = true;
        q.events.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::close::CloseReason;
    use bytes::Bytes;
    use std::time::Duration;

    #[tokio::test]
    async fn delivers_in_order_and_wakes_the_receiver() {
        let (tx, mut rx) = inbox();
        tx.send(Event::Data(Bytes::from_static(b"1"))).unwrap();
        tx.send(Event::Data(Bytes::from_static(b"2"))).unwrap();
        assert!(matches!(rx.recv().await, Event::Data(b) if b == "1"));
        assert!(matches!(rx.recv().await, Event::Data(b) if b == "2"));
        let tx2 = tx.clone();
        let waiter = tokio::spawn(async move { rx.recv().await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        tx2.send(Event::PeerClosed(CloseReason::Idle)).unwrap();
        let got = tokio::time::timeout(Duration::from_secs(5), waiter).await.unwrap().unwrap();
        assert!(matches!(got, Event::PeerClosed(CloseReason::Idle)));
    }

    #[tokio::test]
    async fn a_cancelled_wait_loses_nothing() {
        let (tx, mut rx) = inbox();
        // A wait that is dropped before anything arrives...
        assert!(tokio::time::timeout(Duration::from_millis(10), rx.recv()).await.is_err());
        tx.send(Event::BackendLost).unwrap();
        // ...does not swallow what comes next.
        let got = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.unwrap();
        assert!(matches!(got, Event::BackendLost));
    }

    #[test]
    fn sending_to_an_ended_connection_fails() {
        let (tx, rx) = inbox();
        drop(rx);
        assert!(tx.send(Event::BackendLost).is_err());
    }
}
