//! Running the real programs through a case without ever panicking: events
//! are polled, the verification number is passed on as a person would
//! (read on the scanner, typed on the desktop), and each program's end is
//! collected as an [`Ending`] even when it has to be killed at the deadline.

use std::process::ExitStatus;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::Proc;

/// How a program ended.
#[derive(Debug, Clone)]
pub struct Ending {
    pub name: &'static str,
    /// The exit code; `None` when it was killed at the deadline.
    pub code: Option<i32>,
    pub events: Vec<Value>,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Ending {
    /// `done`, the `error` event's kind, or what went wrong instead.
    pub fn outcome(&self) -> String {
        let last_error = self.events.iter().rev().find(|v| v["event"] == "error");
        match (self.code, last_error) {
            (None, _) => "KILLED".to_owned(),
            (Some(0), _) if self.saw("done") => "done".to_owned(),
            (Some(1), Some(e)) => e["kind"].as_str().unwrap_or("?").to_owned(),
            (Some(c), _) => format!("exit-{c}"),
        }
    }

    pub fn saw(&self, event: &str) -> bool {
        self.events.iter().any(|v| v["event"] == event)
    }

    pub fn event(&self, event: &str) -> Option<&Value> {
        self.events.iter().find(|v| v["event"] == event)
    }
}

impl Proc {
    /// The next event within `wait`, if any; recorded in `seen`.
    pub fn poll_event(&mut self, wait: Duration) -> Option<Value> {
        let v = if wait.is_zero() {
            self.events.try_recv().ok()
        } else {
            self.events.recv_timeout(wait).ok()
        }?;
        self.seen.push(v.clone());
        Some(v)
    }

    /// Types a line if the program still reads; never panics.
    pub fn try_type_line(&mut self, line: &str) {
        use std::io::Write;
        if let Some(stdin) = self.stdin.as_mut() {
            let _ = writeln!(stdin, "{line}").and_then(|()| stdin.flush());
        }
    }

    /// Exited already?
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Collects the rest of the output after the exit (or kills at once
    /// when `kill`) into an [`Ending`].
    pub fn ending(&mut self, started: Instant, kill: bool) -> Ending {
        let code = if kill {
            let _ = self.child.kill();
            let _ = self.child.wait();
            None
        } else {
            self.child.wait().ok().and_then(|s| s.code())
        };
        let elapsed = started.elapsed();
        // The reader thread ends at the end of stdout.
        while let Ok(v) = self.events.recv_timeout(Duration::from_secs(2)) {
            self.seen.push(v);
        }
        Ending { name: self.name, code, events: self.seen.clone(), stderr: self.stderr(), elapsed }
    }
}

/// What the person at the desktop types when asked for the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typing {
    /// The number the scanner shows, once it shows one.
    TheNumber,
    /// A wrong number, each time.
    Wrong,
    /// Nothing.
    Nothing,
}

/// Both programs' endings, and whether the right number was typed.
#[derive(Debug, Clone)]
pub struct Duo {
    pub desktop: Ending,
    pub scanner: Ending,
    pub typed_the_number: bool,
}

/// Runs `desktop` and `scanner` to their ends (killing what is still
/// running at `deadline` after the start), typing as `typing` says.
pub fn drive(desktop: &mut Proc, scanner: &mut Proc, typing: Typing, deadline: Duration) -> Duo {
    let started = Instant::now();
    let mut number: Option<String> = None;
    let mut asked = 0usize;
    let mut typed_the_number = false;
    let (mut d_end, mut s_end) = (None, None);
    while d_end.is_none() || s_end.is_none() {
        let over = started.elapsed() > deadline;
        if s_end.is_none() {
            while let Some(v) = scanner.poll_event(Duration::ZERO) {
                if v["event"] == "verification_code" {
                    number = v["code"].as_str().map(str::to_owned);
                }
            }
            if over || scanner.exit_status().is_some() {
                s_end = Some(scanner.ending(started, over));
            }
        }
        if d_end.is_none() {
            while let Some(v) = desktop.poll_event(Duration::ZERO) {
                if v["event"] == "enter_code" {
                    asked += 1;
                }
            }
            if asked > 0 {
                match (typing, &number) {
                    (Typing::TheNumber, Some(n)) => {
                        desktop.try_type_line(n);
                        typed_the_number = true;
                        asked -= 1;
                    }
                    (Typing::Wrong, n) => {
                        let wrong = n.as_deref().map_or(0, |n| n.parse::<u32>().unwrap_or(0) + 1) % 1_000_000;
                        desktop.try_type_line(&format!("{wrong:06}"));
                        asked -= 1;
                    }
                    _ => {}
                }
            }
            if over || desktop.exit_status().is_some() {
                d_end = Some(desktop.ending(started, over));
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Duo { desktop: d_end.unwrap(), scanner: s_end.unwrap(), typed_the_number }
}

/// Runs one program to its end (killed at `deadline`), typing `number`
/// (when given) each time it asks for the verification number.
pub fn drive_one(proc: &mut Proc, number: Option<&str>, deadline: Duration) -> Ending {
    let started = Instant::now();
    loop {
        while let Some(v) = proc.poll_event(Duration::ZERO) {
            if v["event"] == "enter_code" {
                if let Some(n) = number {
                    proc.try_type_line(n);
                }
            }
        }
        let over = started.elapsed() > deadline;
        if over || proc.exit_status().is_some() {
            return proc.ending(started, over);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits up to `wait` for the event `name`; `None` if the program ended
/// or the time passed first.
pub fn wait_for(proc: &mut Proc, name: &str, wait: Duration) -> Option<Value> {
    let until = Instant::now() + wait;
    while Instant::now() < until {
        if let Some(v) = proc.poll_event(Duration::from_millis(50)) {
            if v["event"] == name {
                return Some(v);
            }
        } else if proc.exit_status().is_some() {
            // Drain what is left.
            while let Some(v) = proc.poll_event(Duration::from_millis(100)) {
                if v["event"] == name {
                    return Some(v);
                }
            }
            return None;
        }
    }
    None
}
