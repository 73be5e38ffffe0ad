//! Progress on a terminal (tiến độ): spinners and bars on stderr for anything that may take more
//! than about two seconds. Shown only when stderr is a terminal and never with `--json`, so
//! pipes, files and machine output stay clean. Dropping a [`Progress`] clears it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether progress may be drawn: stderr is a terminal and the output is not JSON.
pub fn visible(json: bool) -> bool {
    !json && std::io::stderr().is_terminal()
}

/// A spinner or a bar on stderr, hidden when not [`visible`]; cleared when dropped.
#[derive(Debug)]
pub struct Progress(ProgressBar);

impl Progress {
    fn new(len: Option<u64>, message: &str, show: bool) -> Progress {
        let target = if show {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(len, target);
        let template = if len.is_some() {
            "{spinner} {msg} [{bar:30}] {pos}/{len} ({elapsed})"
        } else {
            "{spinner} {msg} ({elapsed})"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message.to_string());
        if show {
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        Progress(bar)
    }

    /// A spinner for work of unknown length, e.g. `Đang lập kế hoạch (planning)`.
    pub fn spinner(message: &str, show: bool) -> Progress {
        Progress::new(None, message, show)
    }

    /// A bar for `len` steps.
    pub fn bar(len: u64, message: &str, show: bool) -> Progress {
        Progress::new(Some(len), message, show)
    }

    /// One more step done (callable from any thread).
    pub fn inc(&self) {
        self.0.inc(1);
    }

    /// Changes the message, e.g. when a second stage starts.
    pub fn set_message(&self, message: &str) {
        self.0.set_message(message.to_string());
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_never_shows_progress_and_hidden_bars_count() {
        assert!(!visible(true));
        let bar = Progress::bar(3, "x", false);
        bar.inc();
        bar.inc();
        assert_eq!(bar.0.position(), 2);
        assert!(bar.0.is_hidden());
    }
}
