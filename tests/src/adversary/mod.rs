//! The adversarial suite's machinery (issue 14, "The evidence"): a man in
//! the middle on the LAN path, a hostile relay, hostile peers built from
//! the core's public API, and the verdict every case must meet. The cases
//! themselves are in `tests/tests/adversarial*.rs`; `docs/adversarial-suite.md`
//! describes the suite.
//!
//! # Layout
//!
//! * [`ops`]: the nine frame operations and the per-direction [`ops::Mangler`].
//! * [`lan`]: the proxy that sits in the scanner's network namespace.
//! * [`relay`]: the hostile WebSocket relay.
//! * [`peer`]: hostile scanners and desktops, and the bytes they send.
//! * [`run`]: driving the real programs to their end without panicking.
//! * [`frames`]: one whole session through the LAN proxy or the relay.
//! * [`verdict`]: the checks, running cases a few at a time, the summary.
//! * [`cases`]: invites misused (seen QR, reused, expired, unknown
//!   version) and a flooded LAN port.
//! * [`hostile`]: hostile peers holding the keys, and a hostile relay.

pub mod cases;
pub mod frames;
pub mod hostile;
pub mod lan;
pub mod ops;
pub mod peer;
pub mod relay;
pub mod run;
pub mod verdict;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::{Netns, in_ci, test_vector};

/// How long each program of a case may take before it is killed (and the
/// case fails): the 10 s for a person (`--idle 10`), the core's 30 s for
/// the other device's next step, and slack for a loaded machine.
pub const DEADLINE: Duration = Duration::from_secs(75);
/// Cases run at once: they mostly wait on deadlines.
pub const AT_ONCE: usize = 10;
/// The shared test vector every case moves.
pub const VECTOR: &str = "npki-yessign-test";

/// What every case of a test shares: a tokio runtime for the middle and
/// the hostile parties, the scanner's network namespace, the vector.
pub struct Env {
    pub rt: tokio::runtime::Runtime,
    pub ns: Option<Netns>,
    pub vector: PathBuf,
}

impl Env {
    /// `None` (with a message) when the vector is absent, or when a
    /// namespace is needed but cannot be made outside CI.
    pub fn new(tag: &str, with_namespace: bool) -> Option<Arc<Self>> {
        let vector = test_vector(VECTOR)?;
        let ns = if with_namespace {
            let ns = Netns::new(tag)?;
            // `ip netns exec` and `setns` need the namespace's file.
            if !std::path::Path::new("/var/run/netns").join(&ns.name).exists() {
                assert!(!in_ci(), "no /var/run/netns/{} in CI", ns.name);
                eprintln!("skipping: /var/run/netns/{} is missing", ns.name);
                return None;
            }
            Some(ns)
        } else {
            None
        };
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().ok()?;
        Some(Arc::new(Self { rt, ns, vector }))
    }

    pub fn ns(&self) -> &Netns {
        self.ns.as_ref().expect("this test made a namespace")
    }

    pub fn vector_str(&self) -> &str {
        self.vector.to_str().expect("UTF-8 paths")
    }
}

/// Which way certificates move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flow {
    /// `certbridge send` on the desktop; the scanner receives.
    Export,
    /// `certbridge receive` on the desktop; the scanner sends.
    Import,
}

impl Flow {
    pub const BOTH: [Flow; 2] = [Flow::Export, Flow::Import];

    pub fn name(self) -> &'static str {
        match self {
            Flow::Export => "export",
            Flow::Import => "import",
        }
    }
}
