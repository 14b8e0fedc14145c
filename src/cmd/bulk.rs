//! `nianbao bulk INPUT... -o DIR`: many reports — files, or directories walked recursively — into four long CSV
//! files (`reports.csv`, `cells.csv`, `metrics.csv`, `findings.csv`; see [`nianbao::write::long`]).
//!
//! Reports are read and mapped on every core; their rows are written in input order as they complete, through a
//! window of bounded size, so memory stays flat however many reports there are. A file that cannot be read gets
//! its own `error` row in `reports.csv` and the batch goes on. The four files are written to temporary files and
//! renamed into place at the end; existing files are kept unless `--force`.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;

use nianbao::template::Catalog;
use nianbao::write::atomic;
use nianbao::write::long::{self, Rows, FILE_NAMES};

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

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let inputs = collect_inputs(&args.inputs);
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("{}: cannot create output directory", args.output.display()))?;
    let catalog = Catalog::embedded();
    let targets: Vec<PathBuf> = FILE_NAMES.iter().map(|name| args.output.join(name)).collect();
    for target in &targets {
        atomic::check_target(target, args.force)?;
    }
    let mut writers = Vec::with_capacity(FILE_NAMES.len());
    for (header, target) in long::headers(catalog).iter().zip(&targets) {
        let tmp = atomic::temporary_for(target)?;
        let mut file = BufWriter::new(tmp);
        if !args.no_bom {
            file.write_all("\u{feff}".as_bytes())?;
        }
        let mut w = csv::Writer::from_writer(file);
        w.write_record(header)?;
        writers.push(w);
    }

    let jobs = args.jobs.unwrap_or_else(super::parallel::default_jobs);
    let mut progress = Progress::new(inputs.len());
    super::parallel::for_each_ordered(
        &inputs,
        jobs,
        |_, input| rows_for(catalog, input),
        |index, (rows, ok)| {
            for (writer, file_rows) in writers.iter_mut().zip(rows) {
                for row in file_rows {
                    writer.write_record(&row)?;
                }
            }
            progress.done(ok, inputs.get(index));
            Ok(())
        },
    )?;

    for (writer, target) in writers.into_iter().zip(&targets) {
        let file = writer.into_inner().map_err(|e| anyhow::anyhow!("{}: {}", target.display(), e.error()))?;
        let tmp = file.into_inner().map_err(|e| anyhow::anyhow!("{}: {}", target.display(), e.error()))?;
        atomic::persist(tmp, target, args.force)?;
    }
    let failed = progress.finish();
    let names = FILE_NAMES;
    eprintln!(
        "bulk: {} of {} inputs read, {failed} failed → {}: {}",
        inputs.len() - failed,
        inputs.len(),
        args.output.display(),
        names.join(", ")
    );
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The rows of one input, and whether it could be read.
fn rows_for(catalog: &Catalog, input: &Path) -> (Rows, bool) {
    let source = input.display().to_string();
    let bytes = match std::fs::read(input) {
        Ok(bytes) => bytes,
        Err(e) => return (long::error_rows(catalog, &source, &format!("cannot read: {e}")), false),
    };
    match nianbao::inspect_bytes_with(&bytes, &source, catalog) {
        Ok(report) => (long::report_rows(catalog, &source, &report), true),
        Err(e) => (long::error_rows(catalog, &source, &e.to_string()), false),
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
