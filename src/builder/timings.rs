//! Stage timings for large sites: with `FIELDNOTES_TIMINGS=1` in the environment, each stage of a
//! build prints its wall time and the process's peak memory so far to stderr.

use std::sync::OnceLock;
use std::time::Instant;

/// Whether timings were asked for (read once).
fn wanted() -> bool {
    static WANTED: OnceLock<bool> = OnceLock::new();
    *WANTED.get_or_init(|| std::env::var_os("FIELDNOTES_TIMINGS").is_some_and(|v| v != "0"))
}

/// A running stage; [`Stage::done`] reports it.
pub struct Stage {
    name: &'static str,
    start: Instant,
}

impl Stage {
    pub fn start(name: &'static str) -> Stage {
        Stage {
            name,
            start: Instant::now(),
        }
    }

    /// Prints the stage's time (when timings were asked for) and starts the next one.
    pub fn next(self, name: &'static str) -> Stage {
        self.done();
        Stage::start(name)
    }

    pub fn done(self) {
        if wanted() {
            let peak = peak_memory_mb().map_or(String::new(), |mb| format!(", peak {mb} MB"));
            eprintln!(
                "fieldnotes: {:<14} {:>7.0} ms{peak}",
                self.name,
                self.start.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
}

/// The process's peak resident memory, where the system tells it (Linux).
fn peak_memory_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}
