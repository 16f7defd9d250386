//! Lines typed on standard input, read on a thread of their own so that the
//! session keeps reacting (a peer that gives up, a timeout) while the user
//! types.

use std::io::BufRead;

use tokio::sync::mpsc;

/// Standard input, one line at a time.
pub(crate) struct Lines {
    rx: Option<mpsc::UnboundedReceiver<String>>,
}

impl Lines {
    /// Nothing is read until the first line is asked for.
    pub(crate) fn new() -> Self {
        Self { rx: None }
    }

    /// The next line without its line break; `None` at end of input.
    pub(crate) async fn next(&mut self) -> Option<String> {
        let rx = self.rx.get_or_insert_with(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            std::thread::spawn(move || {
                for line in std::io::stdin().lock().lines() {
                    let Ok(line) = line else { return };
                    if tx.send(line).is_err() {
                        return;
                    }
                }
            });
            rx
        });
        rx.recv().await
    }
}
