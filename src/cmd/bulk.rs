//! `nianbao bulk INPUT... -o DIR`: many reports — files, or directories walked recursively — into four long CSV
//! files (`reports.csv`, `cells.csv`, `metrics.csv`, `findings.csv`; see [`nianbao::write::long`]).
//!
//! Reports are read and mapped on every core; their rows are written in input order as they complete, through a
//! window of bounded size, so memory stays flat however many reports there are. A file that cannot be read gets
//! its own `error` row in `reports.csv` and the batch goes on. The four files are written to temporary files and
//! renamed into place at the end; existing files are kept unless `--force`.

use std::collections::BTreeMap;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;

use nianbao::write::atomic;
use nianbao::write::long::{self, Rows, FILES};

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  nianbao bulk reports/ -o export\n  nianbao bulk 2023/*.html 2024/ -o export --force\n\n\
Writes DIR/reports.csv (one row per input, `error` rows for files that could not be read), DIR/cells.csv (one row \
per table cell: source, table, template, row_key, col_key, value, raw, state, unit, from, origin), DIR/metrics.csv \
and DIR/findings.csv. Exit code 1 if any input could not be read."
)]
pub struct Args {
    /// Report files, or directories to walk for them (hidden files are skipped).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output directory, created if missing.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,
    /// Overwrite existing output files.
    #[arg(long)]
    pub force: bool,
    /// Write CSV without the UTF-8 byte-order mark (for pipelines; spreadsheet programs want it).
    #[arg(long)]
    pub no_bom: bool,
    /// Reports processed at once (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// Reports a worker may run ahead of the oldest one not yet written, per worker: bounds the rows held in memory.
const WINDOW_PER_WORKER: usize = 8;

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let inputs = collect_inputs(&args.inputs);
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("{}: cannot create output directory", args.output.display()))?;
    let targets: Vec<PathBuf> = FILES.iter().map(|(name, _)| args.output.join(name)).collect();
    for target in &targets {
        atomic::check_target(target, args.force)?;
    }
    let mut writers = Vec::with_capacity(FILES.len());
    for ((_, header), target) in FILES.iter().zip(&targets) {
        let tmp = atomic::temporary_for(target)?;
        let mut file = BufWriter::new(tmp);
        if !args.no_bom {
            file.write_all("\u{feff}".as_bytes())?;
        }
        let mut w = csv::Writer::from_writer(file);
        w.write_record(*header)?;
        writers.push(w);
    }

    let workers =
        args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).clamp(1, 256);
    let window = workers * WINDOW_PER_WORKER;
    let next = AtomicUsize::new(0);
    let window =
        Window { written: Mutex::new(0), moved: Condvar::new(), stopped: AtomicBool::new(false), size: window };
    let (sender, receiver) = mpsc::sync_channel::<(usize, Rows, bool)>(window.size);
    let mut progress = Progress::new(inputs.len());
    let outcome: anyhow::Result<()> = std::thread::scope(|scope| {
        for _ in 0..workers.min(inputs.len().max(1)) {
            let sender = sender.clone();
            let (next, window, inputs) = (&next, &window, &inputs);
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(input) = inputs.get(index) else { break };
                if !window.wait_for(index) {
                    break;
                }
                let (rows, ok) = rows_for(input);
                if sender.send((index, rows, ok)).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        let mut write_in_order = || -> anyhow::Result<()> {
            let mut ready: BTreeMap<usize, (Rows, bool)> = BTreeMap::new();
            let mut next_to_write = 0usize;
            for (index, rows, ok) in &receiver {
                ready.insert(index, (rows, ok));
                while let Some((rows, ok)) = ready.remove(&next_to_write) {
                    for (writer, file_rows) in writers.iter_mut().zip(rows) {
                        for row in file_rows {
                            writer.write_record(&row)?;
                        }
                    }
                    progress.done(ok, inputs.get(next_to_write));
                    next_to_write += 1;
                    window.advance(next_to_write);
                }
            }
            Ok(())
        };
        let outcome = write_in_order();
        // Workers waiting on the window must not wait for a writer that has stopped.
        window.stop();
        drop(receiver);
        outcome
    });
    outcome?;

    for (writer, target) in writers.into_iter().zip(&targets) {
        let file = writer.into_inner().map_err(|e| anyhow::anyhow!("{}: {}", target.display(), e.error()))?;
        let tmp = file.into_inner().map_err(|e| anyhow::anyhow!("{}: {}", target.display(), e.error()))?;
        atomic::persist(tmp, target, args.force)?;
    }
    let failed = progress.finish();
    let names: Vec<&str> = FILES.iter().map(|(name, _)| *name).collect();
    eprintln!(
        "bulk: {} of {} inputs read, {failed} failed → {}: {}",
        inputs.len() - failed,
        inputs.len(),
        args.output.display(),
        names.join(", ")
    );
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// How far workers may run ahead of the writer: report `index` starts only once it is within `size` of the
/// oldest report not yet written.
struct Window {
    written: Mutex<usize>,
    moved: Condvar,
    stopped: AtomicBool,
    size: usize,
}

impl Window {
    /// Waits until report `index` may start. False if the writer has stopped.
    fn wait_for(&self, index: usize) -> bool {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        while index >= *written + self.size {
            if self.stopped.load(Ordering::Relaxed) {
                return false;
            }
            written = self.moved.wait_timeout(written, Duration::from_millis(200)).unwrap_or_else(|e| e.into_inner()).0;
        }
        !self.stopped.load(Ordering::Relaxed)
    }

    fn advance(&self, written: usize) {
        *self.written.lock().unwrap_or_else(|e| e.into_inner()) = written;
        self.moved.notify_all();
    }

    fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
        self.moved.notify_all();
    }
}

/// The rows of one input, and whether it could be read.
fn rows_for(input: &Path) -> (Rows, bool) {
    let source = input.display().to_string();
    let bytes = match std::fs::read(input) {
        Ok(bytes) => bytes,
        Err(e) => return (long::error_rows(&source, &format!("cannot read: {e}")), false),
    };
    match nianbao::inspect_bytes(&bytes, &source) {
        Ok(report) => (long::report_rows(&source, &report), true),
        Err(e) => (long::error_rows(&source, &e.to_string()), false),
    }
}

/// Files named on the command line, and the files under directories named there (recursively, sorted, hidden
/// entries skipped). A name that does not exist is kept, to get its own error row.
fn collect_inputs(names: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for name in names {
        if name.is_dir() {
            walk(name, &mut out);
        } else {
            out.push(name.clone());
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        out.push(dir.to_path_buf());
        return;
    };
    let mut paths: Vec<PathBuf> =
        entries.flatten().filter(|e| !e.file_name().to_string_lossy().starts_with('.')).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, out);
        } else if path.is_file() {
            out.push(path);
        }
    }
}

/// Progress on standard error: a live counter on a terminal, otherwise one line per failed input.
struct Progress {
    total: usize,
    done: usize,
    failed: usize,
    live: bool,
    last: Instant,
}

impl Progress {
    fn new(total: usize) -> Self {
        Progress { total, done: 0, failed: 0, live: std::io::stderr().is_terminal(), last: Instant::now() }
    }

    fn done(&mut self, ok: bool, input: Option<&PathBuf>) {
        self.done += 1;
        if !ok {
            self.failed += 1;
            if let Some(input) = input {
                if self.live {
                    eprint!("\r\x1b[K");
                }
                eprintln!("{}: could not be read (see reports.csv)", input.display());
            }
        }
        if self.live && (self.last.elapsed() >= Duration::from_millis(200) || self.done == self.total) {
            self.last = Instant::now();
            eprint!("\r{} / {} reports, {} failed", self.done, self.total, self.failed);
        }
    }

    fn finish(&self) -> usize {
        if self.live {
            eprintln!();
        }
        self.failed
    }
}
