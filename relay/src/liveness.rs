//! Whether a client is still there: the relay pings a connection that has
//! been silent for [`Limits::ping_interval`] and ends it (close 4003) if
//! nothing comes back within [`Limits::ping_timeout`]. A frozen or
//! half-open client is thus noticed in under half a minute instead of at
//! the end of the host wait, and its rendezvous id is free again.
//!
//! When another connection asks for the role this one holds, the holder
//! is [probed](Liveness::probe): pinged at once and given only
//! [`PROBE_TIMEOUT`] to answer, so that a desktop reconnecting after its
//! old connection died half-open gets its id back within seconds.
//!
//! Pure state, no I/O: the connection's task asks when to wake up and
//! what to do then.
//!
//! [`Limits::ping_interval`]: crate::Limits::ping_interval
//! [`Limits::ping_timeout`]: crate::Limits::ping_timeout

use std::time::Duration;

use tokio::time::Instant;

use crate::config::Limits;

/// How long a probed holder has to answer.
pub(crate) const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// A connection's ping state.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Liveness {
    /// When to ping if nothing is heard before.
    next_ping: Instant,
    /// When the answer to the ping in flight is overdue.
    pong_due: Option<Instant>,
    /// The next ping is a probe: its answer is due sooner.
    probing: bool,
}

/// What to do at [`Liveness::next_wake`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wake {
    /// Nothing (woken early).
    Nothing,
    /// Send a ping now.
    Ping,
    /// The client did not answer: end the connection (4003).
    Dead,
}

impl Liveness {
    pub(crate) fn new(now: Instant, limits: &Limits) -> Liveness {
        Liveness { next_ping: now + limits.ping_interval, pong_due: None, probing: false }
    }

    /// Anything arrived from the client (a message, a pong, a ping).
    pub(crate) fn heard(&mut self, now: Instant, limits: &Limits) {
        *self = Liveness::new(now, limits);
    }

    /// Someone wants this connection's role: ask for an answer soon.
    pub(crate) fn probe(&mut self, now: Instant) {
        match self.pong_due {
            Some(due) => self.pong_due = Some(due.min(now + PROBE_TIMEOUT)),
            None => {
                self.next_ping = now;
                self.probing = true;
            }
        }
    }

    /// When the task must look at this state again.
    pub(crate) fn next_wake(&self) -> Instant {
        self.pong_due.unwrap_or(self.next_ping)
    }

    /// What to do now that the task woke up.
    pub(crate) fn on_wake(&mut self, now: Instant, limits: &Limits) -> Wake {
        match self.pong_due {
            Some(due) if now >= due => Wake::Dead,
            Some(_) => Wake::Nothing,
            None if now >= self.next_ping => {
                let wait = if self.probing { PROBE_TIMEOUT } else { limits.ping_timeout };
                self.pong_due = Some(now + wait);
                self.probing = false;
                Wake::Ping
            }
            None => Wake::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits { ping_interval: Duration::from_secs(15), ping_timeout: Duration::from_secs(10), ..Limits::default() }
    }

    #[test]
    fn silence_gets_a_ping_and_no_answer_ends_it() {
        let l = limits();
        let t0 = Instant::now();
        let mut s = Liveness::new(t0, &l);
        assert_eq!(s.next_wake(), t0 + l.ping_interval);
        assert_eq!(s.on_wake(t0 + Duration::from_secs(1), &l), Wake::Nothing);
        let t1 = t0 + l.ping_interval;
        assert_eq!(s.on_wake(t1, &l), Wake::Ping);
        assert_eq!(s.next_wake(), t1 + l.ping_timeout);
        assert_eq!(s.on_wake(t1 + Duration::from_secs(1), &l), Wake::Nothing);
        assert_eq!(s.on_wake(t1 + l.ping_timeout, &l), Wake::Dead);
    }

    #[test]
    fn an_answer_starts_over() {
        let l = limits();
        let t0 = Instant::now();
        let mut s = Liveness::new(t0, &l);
        let t1 = t0 + l.ping_interval;
        assert_eq!(s.on_wake(t1, &l), Wake::Ping);
        s.heard(t1 + Duration::from_secs(1), &l);
        assert_eq!(s.next_wake(), t1 + Duration::from_secs(1) + l.ping_interval);
        assert_eq!(s.on_wake(t1 + l.ping_timeout, &l), Wake::Nothing);
    }

    #[test]
    fn a_probe_pings_at_once_and_waits_briefly() {
        let l = limits();
        let t0 = Instant::now();
        let mut s = Liveness::new(t0, &l);
        let t1 = t0 + Duration::from_secs(3);
        s.probe(t1);
        assert_eq!(s.next_wake(), t1);
        assert_eq!(s.on_wake(t1, &l), Wake::Ping);
        assert_eq!(s.next_wake(), t1 + PROBE_TIMEOUT);
        // A probe while a normal ping is out shortens its wait.
        let mut s = Liveness::new(t0, &l);
        let t2 = t0 + l.ping_interval;
        assert_eq!(s.on_wake(t2, &l), Wake::Ping);
        s.probe(t2 + Duration::from_secs(1));
        assert_eq!(s.next_wake(), t2 + Duration::from_secs(1) + PROBE_TIMEOUT);
    }
}
