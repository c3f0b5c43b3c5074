//! How the commands write to disk: a file whole or not at all, and Ctrl-C that never leaves half
//! an output behind.
//!
//! A command that writes installs [`on_ctrl_c`] once. While nothing is being written, Ctrl-C ends
//! the process at once (exit 130): no file is open. While a writer holds a [`Writing`]
//! guard (the builder's staging folder, the import's, a file being replaced), Ctrl-C only marks
//! the run as interrupted: the writer's next step fails with [`ErrorKind::Interrupted`], its
//! temporary files are removed as the error unwinds, and the command exits 130 with the previous
//! output as it was. A second Ctrl-C ends the process at once.

use std::io::{self, ErrorKind};
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The exit code of a command stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED_EXIT: u8 = 130;

#[derive(Default)]
struct State {
    /// Writers under way ([`Writing`] guards alive).
    writers: usize,
    interrupted: bool,
}

static STATE: Mutex<State> = Mutex::new(State {
    writers: 0,
    interrupted: false,
});

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Installs the Ctrl-C handler described above; `program` starts its message.
pub fn on_ctrl_c(program: &'static str) {
    // Without a handler Ctrl-C still stops the command, only less tidily: not worth failing for.
    let _ = ctrlc::set_handler(move || {
        let mut state = state();
        if state.writers == 0 || state.interrupted {
            eprintln!("{program}: interrupted by Ctrl-C; no file was left half-written");
            // The lock is held to the end: no writer can start between the check and the exit.
            std::process::exit(i32::from(INTERRUPTED_EXIT));
        }
        state.interrupted = true;
    });
}

/// A writer under way: while one is alive, Ctrl-C waits for it to clean up.
pub struct Writing(());

impl Writing {
    /// Starts a writer, or fails if Ctrl-C was pressed already.
    pub fn start() -> io::Result<Writing> {
        let mut state = state();
        if state.interrupted {
            return Err(interrupted());
        }
        state.writers += 1;
        Ok(Writing(()))
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        state().writers -= 1;
    }
}

/// Fails with [`ErrorKind::Interrupted`] once Ctrl-C was pressed.
pub fn check() -> io::Result<()> {
    if state().interrupted {
        Err(interrupted())
    } else {
        Ok(())
    }
}

/// Whether Ctrl-C was pressed.
pub fn was_interrupted() -> bool {
    state().interrupted
}

/// The error of a step refused after Ctrl-C.
pub fn interrupted() -> io::Error {
    io::Error::new(ErrorKind::Interrupted, "interrupted by Ctrl-C")
}

/// Replaces `path` with `bytes` as a whole: they are written to a hidden file beside it, which is
/// renamed over it only once complete. A full disk, a failure or Ctrl-C leaves the old file (or
/// none) and no hidden file.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let _writing = Writing::start()?;
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(ErrorKind::InvalidInput, "a file needs a name"))?;
    let temp = path.with_file_name(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::write(&temp, bytes)
        .and_then(|()| check())
        .and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}
