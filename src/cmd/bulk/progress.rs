//! What `bulk` says while it works: on a terminal, a live line with the count, the rate, the time left and the
//! failures so far; a `path: reason` line for each input that could not be read (unless `--quiet`); nothing else
//! until the one-line summary at the end, which is always printed.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Progress on standard error.
pub struct Progress {
    bar: Option<ProgressBar>,
    quiet: bool,
    failed: u64,
}

impl Progress {
    /// Progress over `total` inputs: live on a terminal unless `quiet`.
    pub fn new(total: usize, quiet: bool) -> Progress {
        let live = !quiet && std::io::stderr().is_terminal();
        let bar = live.then(|| {
            let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr_with_hz(4));
            let style = ProgressStyle::with_template(
                "{bar:30.cyan/blue} {pos}/{len} reports · {per_sec} · {elapsed} elapsed, about {eta} left · {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style.progress_chars("█▌ "));
            bar.set_message("0 failed");
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        Progress { bar, quiet, failed: 0 }
    }

    /// One more input done.
    pub fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// One more input that could not be read, with why.
    pub fn failed(&mut self, name: &str, reason: &str) {
        self.failed += 1;
        if self.quiet {
            return;
        }
        let line = format!("{name}: {reason}");
        match &self.bar {
            Some(bar) => {
                bar.set_message(format!("{} failed", self.failed));
                bar.suspend(|| eprintln!("{line}"));
            }
            None => eprintln!("{line}"),
        }
    }

    /// Clears the live line before the summary.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
