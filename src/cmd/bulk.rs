//! `nianbao bulk INPUT... -o DIR`: many reports — files, or directories walked recursively — into four long CSV
//! files (`reports.csv`, `cells.csv`, `metrics.csv`, `findings.csv`; see [`nianbao::write::long`]).
//!
//! Reports are read and mapped on every core; their rows are written in input order as they complete, through a
//! window of bounded size, so memory stays flat however many reports there are. A file that cannot be read gets
//! its own `error` row in `reports.csv` and the batch goes on. The four files are written to temporary files and
//! renamed into place at the end; existing files are kept unless `--force`.

use std::collections::HashSet;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use walkdir::WalkDir;

use nianbao::template::Catalog;
use nianbao::write::long::{self, Rows, FILE_NAMES};
use nianbao::write::output::Destination;

#[derive(clap::Args)]
#[command(after_help = concat!(
    "Examples:\n  nianbao bulk reports/ -o export\n  nianbao bulk 2023/*.html 2024/ -o export --force\n\n\
Writes DIR/reports.csv (one row per input, `error` rows for files that could not be read), DIR/cells.csv (one row \
per table cell: source, table, template, row_key, col_key, value, raw, state, unit, from, origin), DIR/metrics.csv \
and DIR/findings.csv.\n\n",
    exit_codes_help!()
))]
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
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("{}: cannot create output directory", super::display_name(&args.output)))?;
    // What an earlier run killed part-way left in the output directory is undone before anything is written.
    nianbao::write::output::clean_stale(&args.output);
    let inputs = collect_inputs(&args.inputs, &args.output);
    let catalog = Catalog::embedded();
    // The four files are written to temporary files and put in place together once the batch is done.
    let mut staged = Destination::new(&args.output, "", args.force).stage(&FILE_NAMES)?;
    let targets: Vec<PathBuf> = staged.targets().map(Path::to_path_buf).collect();
    let mut writers = Vec::with_capacity(FILE_NAMES.len());
    for ((header, file), target) in long::headers(catalog).iter().zip(staged.files_mut()).zip(&targets) {
        let mut file = BufWriter::new(file);
        if !args.no_bom {
            file.write_all("\u{feff}".as_bytes()).with_context(|| super::display_name(target))?;
        }
        let mut w = csv::Writer::from_writer(file);
        w.write_record(header).with_context(|| super::display_name(target))?;
        writers.push(w);
    }

    let jobs = args.jobs.unwrap_or_else(super::parallel::default_jobs);
    let mut progress = Progress::new(inputs.len());
    super::parallel::for_each_ordered(
        &inputs,
        jobs,
        |_, input| rows_for(catalog, input),
        |index, (rows, ok)| {
            for ((writer, file_rows), target) in writers.iter_mut().zip(rows).zip(&targets) {
                for row in file_rows {
                    // A write error (a full disk) names the file the user asked for, not its temporary file.
                    writer.write_record(&row).with_context(|| super::display_name(target))?;
                }
            }
            progress.done(ok, inputs.get(index));
            Ok(())
        },
    )?;

    for (writer, target) in writers.into_iter().zip(&targets) {
        let name = super::display_name(target);
        let file = writer.into_inner().map_err(|e| anyhow::anyhow!("{name}: {}", e.error()))?;
        file.into_inner().map_err(|e| anyhow::anyhow!("{name}: {}", e.error()))?;
    }
    staged.commit()?;
    let failed = progress.finish();
    eprintln!(
        "bulk: {} of {} inputs read, {failed} failed → {}: {}",
        inputs.len() - failed,
        inputs.len(),
        super::display_name(&args.output),
        FILE_NAMES.join(", ")
    );
    Ok(if failed > 0 { super::Exit::Input } else { super::Exit::Ok }.into())
}

/// The rows of one input, and whether it could be read.
fn rows_for(catalog: &Catalog, input: &Path) -> (Rows, bool) {
    let source = super::display_name(input);
    let bytes = match super::read_path(input) {
        Ok(bytes) => bytes,
        Err(e) => {
            let reason = match std::fs::read_link(input) {
                Ok(target) if !input.exists() => {
                    format!("a symbolic link to {}, which does not exist", super::display_name(target))
                }
                _ => error_chain(&e),
            };
            return (long::error_rows(catalog, &source, &reason), false);
        }
    };
    let doc = match nianbao::read::read(&bytes, &source) {
        Ok(doc) => doc,
        Err(e) => return (long::error_rows(catalog, &source, &e.to_string()), false),
    };
    drop(bytes);
    let report = nianbao::analyse_with(&doc, catalog);
    (long::report_rows(catalog, &source, &report), true)
}

/// `cannot read: Permission denied (os error 13)`: an error and its causes on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Files named on the command line, and every entry under directories named there that is not a directory
/// (recursively, sorted by name, hidden entries skipped, symbolic links followed). A name that does not exist is
/// kept, and so is every entry under a directory that is no regular file — a dangling link, a named pipe, a
/// device, an entry that cannot be read — each to get its own error row: nothing is skipped silently.
///
/// Every real directory is walked once, however many links lead to it, so a link back to a parent (a loop) or a
/// second link to a directory never counts its files twice. The output directory is never walked, nor bulk's own
/// files in it, so an earlier run's CSV files are never read as reports.
fn collect_inputs(names: &[PathBuf], output: &Path) -> Vec<PathBuf> {
    let output = output.canonicalize().ok();
    let is_own_output = |path: &Path| {
        let in_output = path.parent().and_then(|p| p.canonicalize().ok()).is_some_and(|p| Some(p) == output);
        in_output && path.file_name().and_then(|n| n.to_str()).is_some_and(|n| FILE_NAMES.contains(&n))
    };
    let mut out = Vec::new();
    let mut walked: HashSet<PathBuf> = HashSet::new();
    for name in names {
        if !name.is_dir() {
            out.push(name.clone());
            continue;
        }
        let walk = WalkDir::new(name).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
            let hidden = e.depth() > 0 && e.file_name().as_encoded_bytes().starts_with(b".");
            if hidden || !e.file_type().is_dir() {
                return !hidden;
            }
            let real = e.path().canonicalize().ok();
            // The output directory below an input directory holds what bulk writes, not reports.
            let is_output = e.depth() > 0 && real.is_some() && real == output;
            // A directory already walked (through another link) is not entered again.
            !is_output && real.is_none_or(|real| walked.insert(real))
        });
        for entry in walk {
            match entry {
                Ok(e) if e.file_type().is_dir() => {}
                Ok(e) if is_own_output(e.path()) => {}
                Ok(e) => out.push(e.into_path()),
                // A loop back to a directory being walked: its files are listed already.
                Err(e) if e.loop_ancestor().is_some() => {}
                Err(e) => out.extend(e.path().map(Path::to_path_buf)),
            }
        }
    }
    out
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
                eprintln!("{}: could not be read (see reports.csv)", super::display_name(input));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_to_walked_directories_are_not_followed_twice() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("reports");
        std::fs::create_dir_all(root.join("a/b")).expect("mkdir");
        std::fs::write(root.join("a/one.txt"), "1").expect("write");
        std::fs::write(root.join("a/b/two.txt"), "2").expect("write");
        std::fs::write(root.join("a/.hidden.txt"), "h").expect("write");
        symlink(&root, root.join("a/b/loop")).expect("link to an ancestor");
        symlink(root.join("a/b"), root.join("again")).expect("second link to a directory");
        let found: Vec<String> = collect_inputs(std::slice::from_ref(&root), &dir.path().join("out"))
            .iter()
            .map(|p| p.strip_prefix(&root).expect("under root").display().to_string())
            .collect();
        assert_eq!(found, ["a/b/two.txt", "a/one.txt"]);
        let missing = root.join("missing.txt");
        assert_eq!(collect_inputs(std::slice::from_ref(&missing), dir.path()), [missing]);
    }
}
