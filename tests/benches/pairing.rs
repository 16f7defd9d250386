//! How long a person waits from entering the code to seeing the
//! verification number, through the real binaries: a scanned QR code's
//! text and a typed short code, on the LAN (two processes in a network
//! namespace of their own, the code's desktop found by real mDNS) and
//! through a real `certbridge-relay` on 127.0.0.1. Each sample starts when
//! `certbridge scan` is launched and ends at its `verification_code` event,
//! so it includes the program's start and, for a typed code on the LAN, the
//! mDNS search. Run with `cargo bench -p certbridge-e2e --bench pairing`
//! (root, for the namespace).

#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use certbridge_e2e::{Netns, Proc, Relay, test_vector};

const RUNS: usize = 20;

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pick = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    println!(
        "{name:<48} n={:<3} p50={:>9.1?} p90={:>9.1?} max={:>9.1?}",
        samples.len(),
        pick(0.5),
        pick(0.9),
        samples[samples.len() - 1]
    );
}

/// Where the two programs run.
enum Place<'a> {
    Lan(&'a Netns),
    Relay(&'a Relay),
}

fn start(place: &Place<'_>, name: &'static str, args: &[&str]) -> Proc {
    match place {
        Place::Lan(ns) => Proc::start_in(ns, name, args, &[]),
        Place::Relay(_) => Proc::start(name, args, &[]),
    }
}

/// One pairing: the time from launching the scanner to its number.
fn once(place: &Place<'_>, cert: &str, typed: bool) -> Duration {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("in");
    let url;
    let mut desk = vec!["send", cert, "--allow-expired", "--json"];
    let mut scan_extra: Vec<&str> = Vec::new();
    match place {
        Place::Lan(_) => desk.extend(["--listen", "127.0.0.1"]),
        Place::Relay(relay) => {
            url = relay.url();
            desk.extend(["--no-lan", "--relay", url.as_str()]);
            scan_extra.extend(["--no-lan", "--relay", url.as_str()]);
        }
    }
    let mut desktop = start(place, "desktop", &desk);
    let invite = desktop.expect("invite");
    let entered = if typed { invite["code"].as_str().unwrap().to_owned() } else { invite["text"].as_str().unwrap().to_owned() };
    let mut scan = vec!["scan", entered.as_str(), "--install-root", root.to_str().unwrap(), "--json"];
    scan.extend(scan_extra);
    let t = Instant::now();
    let mut scanner = start(place, "scanner", &scan);
    scanner.expect("verification_code");
    let took = t.elapsed();
    scanner.kill();
    desktop.kill();
    took
}

fn series(name: &str, place: &Place<'_>, cert: &str, typed: bool) {
    let _ = once(place, cert, typed); // warm-up
    report(name, (0..RUNS).map(|_| once(place, cert, typed)).collect());
}

fn main() {
    let Some(vector) = test_vector("npki-yessign-test") else { return };
    let cert = vector.to_str().unwrap();
    match Netns::new("bench") {
        Some(ns) => {
            let lan = Place::Lan(&ns);
            series("QR text → number, LAN", &lan, cert, false);
            series("typed code → number, LAN (mDNS)", &lan, cert, true);
        }
        None => println!("LAN figures need a network namespace (run as root)"),
    }
    let relay = Relay::start(&[]);
    let via = Place::Relay(&relay);
    series("QR text → number, relay on 127.0.0.1", &via, cert, false);
    series("typed code → number, relay on 127.0.0.1", &via, cert, true);
}
