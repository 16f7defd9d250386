//! What the man in the middle does to one frame: the nine operations of the
//! adversarial suite, applied the same way to LAN frames (a 2-byte length
//! and a Noise message) and to relay messages (one WebSocket binary message
//! each). [`Mangler`] sees one direction's frames in order, counts them,
//! records them (for later replays) and says what to send instead.

use std::fmt;

/// Which way a frame goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dir {
    /// From the scanner to the desktop.
    ToDesktop,
    /// From the desktop to the scanner.
    ToScanner,
}

impl Dir {
    pub const BOTH: [Dir; 2] = [Dir::ToDesktop, Dir::ToScanner];

    pub fn arrow(self) -> &'static str {
        match self {
            Dir::ToDesktop => "S→D",
            Dir::ToScanner => "D→S",
        }
    }
}

/// One operation on one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// One random bit of the frame's payload flipped.
    BitFlip,
    /// The frame's bytes cut short, then the connection closed.
    Truncate,
    /// The connection closed before the frame.
    Cut,
    /// The frame sent twice.
    Duplicate,
    /// The frame never sent; later frames still are.
    Drop,
    /// The frame swapped with the next one in the same direction (or with
    /// the end of that direction, when it is the last).
    Reorder,
    /// A frame of random bytes, as long as the real one, sent before it.
    Inject,
    /// Random bytes, not a frame, sent right after the frame.
    JunkAfter,
    /// The frame replaced by the frame of the same index and direction
    /// from an earlier session.
    Replay,
}

impl Op {
    pub const ALL: [Op; 9] = [
        Op::BitFlip,
        Op::Truncate,
        Op::Cut,
        Op::Duplicate,
        Op::Drop,
        Op::Reorder,
        Op::Inject,
        Op::JunkAfter,
        Op::Replay,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Op::BitFlip => "bit-flip",
            Op::Truncate => "truncate",
            Op::Cut => "cut",
            Op::Duplicate => "duplicate",
            Op::Drop => "drop",
            Op::Reorder => "reorder",
            Op::Inject => "inject",
            Op::JunkAfter => "junk-after",
            Op::Replay => "replay",
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The one frame a case tampers with, and how.
#[derive(Debug, Clone)]
pub struct Plan {
    pub dir: Dir,
    pub index: usize,
    pub op: Op,
    /// Seeds the random bytes and bit positions, so a case is repeatable.
    pub seed: u64,
    /// For [`Op::Replay`]: the earlier session's frame.
    pub replay: Option<Vec<u8>>,
}

/// What to put on the wire instead of a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    /// A whole frame.
    Frame(Vec<u8>),
    /// The start of a frame announced whole: the first `keep` bytes only.
    Truncated { frame: Vec<u8>, keep: usize },
    /// Bytes that are not a frame.
    Junk(Vec<u8>),
    /// Close the connection, both ways, at once.
    Close,
}

/// Small, seeded random numbers (splitmix64): test data, not secrets.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

/// One direction of the middle: counts and records frames, and applies the
/// plan when its frame comes by.
#[derive(Debug)]
pub struct Mangler {
    dir: Dir,
    plan: Option<Plan>,
    rng: Rng,
    seen: usize,
    held: Option<Vec<u8>>,
}

impl Mangler {
    /// The middle of direction `dir`; `plan` applies only if it names `dir`.
    pub fn new(dir: Dir, plan: Option<&Plan>) -> Self {
        let plan = plan.filter(|p| p.dir == dir).cloned();
        let seed = plan.as_ref().map_or(0, |p| p.seed);
        Self { dir, plan, rng: Rng::new(seed), seen: 0, held: None }
    }

    pub fn dir(&self) -> Dir {
        self.dir
    }

    /// What to send for the next frame from this direction's source.
    pub fn on_frame(&mut self, frame: Vec<u8>) -> Vec<Out> {
        let index = self.seen;
        self.seen += 1;
        let held = self.held.take();
        let mut out = Vec::new();
        match self.plan.as_ref().filter(|p| p.index == index).map(|p| p.op) {
            None => out.push(Out::Frame(frame)),
            Some(Op::BitFlip) => {
                let mut frame = frame;
                if !frame.is_empty() {
                    let bit = self.rng.below(frame.len() * 8);
                    frame[bit / 8] ^= 1 << (bit % 8);
                }
                out.push(Out::Frame(frame));
            }
            Some(Op::Truncate) => {
                let keep = if frame.len() > 1 { 1 + self.rng.below(frame.len() - 1) } else { 0 };
                out.push(Out::Truncated { frame, keep });
                out.push(Out::Close);
            }
            Some(Op::Cut) => out.push(Out::Close),
            Some(Op::Duplicate) => {
                out.push(Out::Frame(frame.clone()));
                out.push(Out::Frame(frame));
            }
            Some(Op::Drop) => {}
            Some(Op::Reorder) => self.held = Some(frame),
            Some(Op::Inject) => {
                out.push(Out::Frame(self.rng.bytes(frame.len().max(1))));
                out.push(Out::Frame(frame));
            }
            Some(Op::JunkAfter) => {
                let n = 1 + self.rng.below(32);
                out.push(Out::Frame(frame));
                out.push(Out::Junk(self.rng.bytes(n)));
            }
            Some(Op::Replay) => {
                let earlier = self.plan.as_ref().and_then(|p| p.replay.clone());
                out.push(Out::Frame(earlier.expect("a replay needs the earlier session's frame")));
            }
        }
        // A held frame goes right after the one that overtook it.
        if let Some(held) = held {
            out.push(Out::Frame(held));
        }
        out
    }

    /// The source closed its side: what is still held goes out first.
    pub fn on_end(&mut self) -> Vec<Out> {
        self.held.take().map(Out::Frame).into_iter().collect()
    }

    /// Frames seen so far.
    pub fn count(&self) -> usize {
        self.seen
    }
}

/// The frames a middle saw in one session, by direction.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    pub to_desktop: Vec<Vec<u8>>,
    pub to_scanner: Vec<Vec<u8>>,
    /// Connections (LAN) or pairs (relay) that came.
    pub sessions: usize,
}

impl Recording {
    pub fn frames(&self, dir: Dir) -> &[Vec<u8>] {
        match dir {
            Dir::ToDesktop => &self.to_desktop,
            Dir::ToScanner => &self.to_scanner,
        }
    }

    pub fn push(&mut self, dir: Dir, frame: &[u8]) {
        match dir {
            Dir::ToDesktop => self.to_desktop.push(frame.to_vec()),
            Dir::ToScanner => self.to_scanner.push(frame.to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(op: Op, index: usize) -> Plan {
        Plan { dir: Dir::ToDesktop, index, op, seed: 7, replay: Some(b"old".to_vec()) }
    }

    fn run(op: Op, index: usize) -> Vec<Out> {
        let p = plan(op, index);
        let mut m = Mangler::new(Dir::ToDesktop, Some(&p));
        let mut out = Vec::new();
        for f in [b"aaaa".to_vec(), b"bbbb".to_vec(), b"cccc".to_vec()] {
            out.extend(m.on_frame(f));
        }
        out.extend(m.on_end());
        out
    }

    fn frame(b: &[u8]) -> Out {
        Out::Frame(b.to_vec())
    }

    #[test]
    fn each_operation_touches_only_its_frame() {
        assert_eq!(run(Op::Drop, 1), [frame(b"aaaa"), frame(b"cccc")]);
        assert_eq!(run(Op::Duplicate, 0), [frame(b"aaaa"), frame(b"aaaa"), frame(b"bbbb"), frame(b"cccc")]);
        assert_eq!(run(Op::Reorder, 0), [frame(b"bbbb"), frame(b"aaaa"), frame(b"cccc")]);
        assert_eq!(run(Op::Reorder, 2), [frame(b"aaaa"), frame(b"bbbb"), frame(b"cccc")]);
        assert_eq!(run(Op::Cut, 1), [frame(b"aaaa"), Out::Close, frame(b"cccc")]);
        assert_eq!(run(Op::Replay, 2), [frame(b"aaaa"), frame(b"bbbb"), frame(b"old")]);
        let flipped = run(Op::BitFlip, 1);
        let Out::Frame(f) = &flipped[1] else { panic!("{flipped:?}") };
        let diff: u32 = f.iter().zip(b"bbbb").map(|(a, b)| (a ^ b).count_ones()).sum();
        assert_eq!(diff, 1);
        assert!(matches!(run(Op::Truncate, 0)[..2], [Out::Truncated { keep: 1..=3, .. }, Out::Close]));
        assert!(matches!(&run(Op::JunkAfter, 0)[1], Out::Junk(j) if !j.is_empty()));
        assert!(matches!(&run(Op::Inject, 0)[..2], [Out::Frame(j), Out::Frame(f)] if j.len() == 4 && f == b"aaaa"));
    }

    #[test]
    fn a_plan_for_the_other_direction_changes_nothing() {
        let p = plan(Op::Drop, 0);
        let mut m = Mangler::new(Dir::ToScanner, Some(&p));
        assert_eq!(m.on_frame(b"x".to_vec()), [frame(b"x")]);
    }
}
