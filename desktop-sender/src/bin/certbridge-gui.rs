//! `certbridge-gui`: the window without a console. Windows gives every
//! program of the console subsystem (as `certbridge` must be, for its
//! command line) a console window of its own when it is started from the
//! Start menu; this small launcher is a Windows-subsystem program that
//! starts `certbridge gui` beside it without one. It is what the Start-menu
//! shortcut of the MSI points at; elsewhere `certbridge gui` is started
//! directly.

#![cfg_attr(windows, windows_subsystem = "windows")]

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let Ok(me) = std::env::current_exe() else {
        return ExitCode::FAILURE;
    };
    let mut command = Command::new(me.with_file_name(format!("certbridge{}", std::env::consts::EXE_SUFFIX)));
    command.arg("gui").args(std::env::args_os().skip(1));
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt;
        /// `CREATE_NO_WINDOW`: the console program gets no console window.
        const CREATE_NO_WINDOW: u32 = 0x0800_0000;
        command.creation_flags(CREATE_NO_WINDOW);
    }
    match command.status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}
