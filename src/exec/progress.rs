//! Progress for humans: an indicatif bar per phase on a terminal, a plain
//! log line every few seconds otherwise (Slurm logs, CI), nothing with
//! `--quiet`. Tasks only bump atomic counters; one thread draws.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::pipeline::plan::human_bytes;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    Bar,
    Log,
    Quiet,
}

impl ProgressMode {
    /// Bar on a terminal, log lines otherwise, unless quiet.
    pub fn detect(quiet: bool) -> Self {
        if quiet {
            ProgressMode::Quiet
        } else if std::io::stderr().is_terminal() {
            ProgressMode::Bar
        } else {
            ProgressMode::Log
        }
    }
}

/// Counters shared by the tasks of one phase.
#[derive(Debug, Default)]
pub struct PhaseCounters {
    pub docs: AtomicU64,
    /// Raw input bytes read (the unit of the bar's total).
    pub bytes: AtomicU64,
    pub tasks_done: AtomicU64,
}

static ACTIVE_BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);
static QUIET: AtomicBool = AtomicBool::new(false);

/// Prints a message on stderr without tearing the progress bar.
pub fn say(msg: &str) {
    if QUIET.load(Ordering::Relaxed) {
        return;
    }
    match ACTIVE_BAR.lock().ok().and_then(|b| b.clone()) {
        Some(bar) => bar.println(msg),
        None => eprintln!("{msg}"),
    }
}

/// Sets whether [`say`] prints.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Draws one phase until [`PhaseProgress::finish`].
pub struct PhaseProgress {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    pub counters: Arc<PhaseCounters>,
}

impl PhaseProgress {
    /// Starts drawing `label`; `total_bytes` 0 means unknown, then tasks count.
    pub fn start(mode: ProgressMode, label: String, total_bytes: u64, tasks: u64) -> Self {
        let counters = Arc::new(PhaseCounters::default());
        let stop = Arc::new(AtomicBool::new(false));
        let thread = match mode {
            ProgressMode::Quiet => None,
            ProgressMode::Bar => {
                let bar = if total_bytes > 0 {
                    let b = ProgressBar::new(total_bytes);
                    b.set_style(
                        ProgressStyle::with_template(
                            "{prefix} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} {msg} ETA {eta}",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                    );
                    b
                } else {
                    let b = ProgressBar::new(tasks);
                    b.set_style(
                        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} tasks {msg}")
                            .unwrap_or_else(|_| ProgressStyle::default_bar())
                            .progress_chars("=> "),
                    );
                    b
                };
                bar.set_prefix(label);
                *ACTIVE_BAR.lock().expect("progress lock") = Some(bar.clone());
                let (c, s) = (counters.clone(), stop.clone());
                Some(std::thread::spawn(move || {
                    while !s.load(Ordering::Relaxed) {
                        if total_bytes > 0 {
                            bar.set_position(c.bytes.load(Ordering::Relaxed).min(total_bytes));
                        } else {
                            bar.set_position(c.tasks_done.load(Ordering::Relaxed));
                        }
                        bar.set_message(format!("{} docs", c.docs.load(Ordering::Relaxed)));
                        std::thread::sleep(Duration::from_millis(150));
                    }
                    bar.finish_and_clear();
                    *ACTIVE_BAR.lock().expect("progress lock") = None;
                }))
            }
            ProgressMode::Log => {
                let (c, s) = (counters.clone(), stop.clone());
                Some(std::thread::spawn(move || {
                    let t0 = Instant::now();
                    let mut last = Instant::now();
                    while !s.load(Ordering::Relaxed) {
                        std::thread::sleep(Duration::from_millis(200));
                        if last.elapsed() >= Duration::from_secs(10) {
                            last = Instant::now();
                            let bytes = c.bytes.load(Ordering::Relaxed);
                            let rate = bytes as f64 / t0.elapsed().as_secs_f64().max(1e-3);
                            let pct = if total_bytes > 0 {
                                format!(" ({:.0}%)", 100.0 * bytes as f64 / total_bytes as f64)
                            } else {
                                String::new()
                            };
                            eprintln!(
                                "{label}: {} docs, {} of {}{pct}, {}/s, {}/{} tasks done",
                                c.docs.load(Ordering::Relaxed),
                                human_bytes(bytes),
                                human_bytes(total_bytes),
                                human_bytes(rate as u64),
                                c.tasks_done.load(Ordering::Relaxed),
                                tasks
                            );
                        }
                    }
                }))
            }
        };
        PhaseProgress { stop, thread, counters }
    }

    /// Stops drawing.
    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
