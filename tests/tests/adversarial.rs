//! The adversarial suite (issue 14): a man in the middle applying every
//! frame operation (bit-flip, truncate, cut, duplicate, drop, reorder,
//! inject, junk after, replay from an earlier session) to every frame of
//! both modes in both directions, on the LAN (a proxy in the scanner's
//! network namespace) and through a hostile relay; invites misused (an
//! attacker who saw the QR code first, reused, expired, an unknown
//! version); silent and slow connections; hostile peers holding the keys
//! (hostile names, traversal names, huge declared lengths, deep nesting);
//! a hostile relay. The real `certbridge` runs every case.
//!
//! The brief run (the default, in CI) takes every frame with one
//! operation each, the operations rotating so that all nine are used on
//! each path, and one mode of the slower cases; `CERTBRIDGE_ADVERSARIAL=full`
//! runs every operation on every frame and every case in both modes.
//! `cargo nextest run -p certbridge-e2e --test adversarial --no-capture`
//! prints the summary; `docs/adversarial-suite.md` explains it.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::sync::Arc;
use std::time::Instant;

use certbridge_e2e::adversary::frames::{Transport, session};
use certbridge_e2e::adversary::ops::{Dir, Op, Plan, Recording};
use certbridge_e2e::adversary::verdict::{Case, Checks, report, run_cases};
use certbridge_e2e::adversary::{AT_ONCE, Env, Flow, cases, hostile};

/// The frames of a whole session in one direction, as `docs/PROTOCOL.md`
/// orders them: the handshake's, then the messages.
fn frame_names(flow: Flow, dir: Dir) -> &'static [&'static str] {
    match (flow, dir) {
        (Flow::Export, Dir::ToDesktop) => &["msg1", "receipt"],
        (Flow::Export, Dir::ToScanner) => &["msg2", "confirmed", "bundle"],
        (Flow::Import, Dir::ToDesktop) => &["msg1", "bundle"],
        (Flow::Import, Dir::ToScanner) => &["msg2", "confirmed", "receipt"],
    }
}

fn full() -> bool {
    std::env::var("CERTBRIDGE_ADVERSARIAL").is_ok_and(|v| v == "full")
}

/// A clean session: both sides succeed, the vector is installed, and the
/// middle's recording gives the frames of each direction (the replays'
/// "earlier session").
fn clean_run(env: &Env, flow: Flow, transport: Transport) -> Recording {
    let mut checks = Checks::default();
    let s = session(env, flow, transport, None, (&["done"], &["done"]), &mut checks);
    assert!(checks.problems.is_empty(), "the clean {} {} run: {:?}", transport.name(), flow.name(), checks.problems);
    let s = s.unwrap();
    assert!(checks.installed, "the clean run installed the vector");
    for dir in Dir::BOTH {
        assert_eq!(
            s.recording.frames(dir).len(),
            frame_names(flow, dir).len(),
            "{} {} {}: the frames the protocol names",
            transport.name(),
            flow.name(),
            dir.arrow()
        );
    }
    assert_eq!(s.recording.sessions, 1);
    s.recording
}

/// The frame cases of one path: every operation on every frame (full), or
/// one operation per frame, rotating from `offset` (brief).
fn frame_cases(env: &Arc<Env>, transport: Transport, full: bool, offset: usize) -> Vec<Case> {
    let mut out = Vec::new();
    let mut frame = offset;
    for flow in Flow::BOTH {
        let recording = clean_run(env, flow, transport);
        for dir in Dir::BOTH {
            for (index, name) in frame_names(flow, dir).iter().enumerate() {
                frame += 1;
                for (k, op) in Op::ALL.into_iter().enumerate() {
                    if !full && k != frame % Op::ALL.len() {
                        continue;
                    }
                    let plan = Plan {
                        dir,
                        index,
                        op,
                        seed: 1 + (index as u64) * 100 + k as u64,
                        replay: Some(recording.frames(dir)[index].clone()),
                    };
                    let env = Arc::clone(env);
                    let label = format!("{} {} {name} {op}", flow.name(), dir.arrow());
                    out.push(Case::new(transport.name(), label, move |checks| {
                        match session(&env, flow, transport, Some(plan), (&[], &[]), checks) {
                            Some(s) => (s.duo.desktop.outcome(), s.duo.scanner.outcome()),
                            None => ("?".into(), "?".into()),
                        }
                    }));
                }
            }
        }
    }
    out
}

#[test]
fn adversarial_suite() {
    let full = full();
    let started = Instant::now();
    let Some(plain) = Env::new("adv", false) else { return };
    let mut all = Vec::new();
    match Env::new("adv-lan", true) {
        Some(lan) => all.extend(frame_cases(&lan, Transport::Lan, full, 0)),
        None => eprintln!("skipping the LAN frame cases: no network namespace"),
    }
    all.extend(frame_cases(&plain, Transport::Relay, full, 4));
    all.extend(cases::cases(&plain, full));
    all.extend(hostile::cases(&plain, full));
    let verdicts = run_cases(all, AT_ONCE);
    let title = if full { "adversarial suite (full)" } else { "adversarial suite (brief; CERTBRIDGE_ADVERSARIAL=full for all)" };
    println!("{}", report(title, &verdicts, started.elapsed().as_secs_f64()));
    let failed: Vec<_> = verdicts.iter().filter(|v| !v.passed()).map(|v| format!("{} {}", v.group, v.name)).collect();
    assert!(failed.is_empty(), "{} cases failed: {failed:?}", failed.len());
}
