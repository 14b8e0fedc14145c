//! `nianbao bulk INPUT... -o DIR`: many reports — files, directories walked recursively, or lists of paths — into
//! the files an analyst works with, all in `DIR`:
//!
//! * the four long files `reports.csv`, `cells.csv`, `metrics.csv`, `findings.csv` ([`nianbao::write::long`]);
//! * the wide tables `t2_wide.csv`, `t3_wide.csv`, `t4_wide.csv` ([`nianbao::write::wide`]);
//! * `dictionary.csv`, every key with its label and meaning ([`nianbao::write::dictionary`]);
//! * `cross_findings.csv`, the checks between an agency's reports of consecutive years
//!   ([`nianbao::check::cross`]);
//! * `summary.xlsx`, the batch at a glance with charts ([`nianbao::write::summary`]).
//!
//! Reports are read and mapped on every core; their rows are written in input order as they complete, through a
//! window of bounded size, so the output is the same whatever the number of workers and memory stays flat however
//! many reports there are: what the batch must remember of each report (its digests for duplicates, its summary
//! entry on disk) is in [`ledger`]. A file that cannot be read gets its own `error` row in `reports.csv` and the
//! batch goes on; a walked file that is no report is skipped and counted ([`inputs`]). Every file is written to a
//! temporary file and all are put in place at the end; existing files are kept unless `--force`.

mod inputs;
mod ledger;
mod progress;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use nianbao::check::cross::{check_pair, CrossCells, CrossFinding, Side};
use nianbao::report::DocKind;
use nianbao::template::Catalog;
use nianbao::write::long::{self, FileFacts, RowSink, FILE_NAMES};
use nianbao::write::output::Destination;
use nianbao::write::record::{self, Holed, Record};
use nianbao::write::summary::{BatchCounts, SummaryBook, SummaryEntry, SummaryLayout, Totals};
use nianbao::write::wide::WideTable;
use nianbao::write::writeback::Writeback;
use nianbao::write::{dictionary, summary::FILE_NAME as SUMMARY_FILE};

use inputs::Input;
use ledger::{Digest16, Ledger};
use progress::Progress;

#[derive(clap::Args)]
#[command(after_help = concat!(
    "Examples:\n  nianbao bulk reports/ -o export\n  nianbao bulk 2023/*.html 2024/ -o export --force\n  \
find crawl/ -name '*.html' -print0 | nianbao bulk - -o export\n  nianbao bulk --files-from list.txt -o export\n\n\
Writes to DIR: reports.csv (one row per input, `error` rows for files that could not be read, sha256 and \
duplicate_of), cells.csv, metrics.csv and findings.csv (one row per cell, metric, finding, each with the report's \
path, agency, year and template), t2_wide.csv, t3_wide.csv, t4_wide.csv (one row per report, one column per \
template cell), dictionary.csv (every key with its Chinese label and meaning), cross_findings.csv (an agency's \
reports of consecutive years checked against each other) and summary.xlsx (one sheet per table, the findings, \
charts). Walked directories yield only report files: images, archives, JSON and other files are skipped and \
counted; a file named explicitly is always tried.\n\n",
    exit_codes_help!()
))]
pub struct Args {
    /// Report files, or directories to walk for them (hidden files are skipped); `-` reads a list of paths from
    /// standard input.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Reads a list of paths (files or directories) from FILE, one per line or separated by NUL bytes; `-` for
    /// standard input.
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,
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
    /// No progress display and no line per failed input: only the summary at the end.
    #[arg(short, long)]
    pub quiet: bool,
}

/// What one input gave.
enum Outcome {
    /// A walked file that is no report.
    Skipped,
    /// The input could not be read: its `reports.csv` row, the digest of its bytes (if any were read) and why.
    Failed { row: Holed, content: Option<Digest16>, reason: String },
    /// A report was read.
    Read(Box<ReadReport>),
}

struct ReadReport {
    /// The rows, encoded by the worker: `duplicate_of` is left to fill in the rows that have it.
    rows: Encoded,
    wide: Vec<Holed>,
    content: Digest16,
    values: Option<Digest16>,
    /// What an annual report contributes to the summary and the cross checks.
    entry: Option<SummaryEntry>,
}

/// What every worker reads from.
struct Shared<'c> {
    catalog: &'c Catalog,
    wide: Vec<WideTable>,
    layout: SummaryLayout,
    cross: CrossCells,
}

/// A report's rows of the four long files as the worker encoded them: the `reports.csv` row with its
/// `duplicate_of` left to fill, the other files' rows as CSV bytes.
#[derive(Default)]
struct Encoded {
    report: Holed,
    others: [Vec<u8>; 3],
    /// The other files' lead fields, encoded once for all their rows.
    leads: [record::Fields; 3],
}

impl RowSink for Encoded {
    fn lead(&mut self, file: usize, fields: &[&str]) {
        if let Some(lead) = file.checked_sub(1).and_then(|i| self.leads.get_mut(i)) {
            lead.set(fields);
        }
    }

    fn row(&mut self, file: usize, fields: &[&str]) {
        let other = file.checked_sub(1);
        match other.and_then(|i| Some((self.others.get_mut(i)?, self.leads.get(i)?))) {
            Some((out, lead)) => {
                let mut record = Record::new(out);
                record.encoded(lead).fields(fields);
                record.end();
            }
            // `duplicate_of` is the last column of `reports.csv`.
            None => self.report = Holed::new(fields, fields.len().saturating_sub(1)),
        }
    }
}

/// A CSV file being written, with the name its errors give (the file the user asked for, not its temporary file).
struct CsvOut<'f> {
    file: BufWriter<&'f mut File>,
    name: String,
    /// A record being encoded, reused.
    line: Vec<u8>,
    /// The file's number among the outputs, where its stretches go on to disk, and how many bytes are written and
    /// how many of them sent.
    id: usize,
    writeback: &'f Writeback,
    written: u64,
    sent: u64,
}

/// Bytes of a CSV file written before they are sent on to disk while the batch goes on: at the end, the sync of
/// the files waits for no more than this of each file, instead of the whole (tens of megabytes for `cells.csv`).
const WRITEBACK_STRETCH: u64 = 4 << 20;

impl<'f> CsvOut<'f> {
    /// Starts a staged file (output number `id`) with its byte-order mark (if `bom`) and its header.
    fn new<S: AsRef<str>>(
        (id, file, target): (usize, &'f mut File, &Path),
        writeback: &'f Writeback,
        header: &[S],
        bom: bool,
    ) -> anyhow::Result<Self> {
        let name = super::display_name(target);
        let file = BufWriter::with_capacity(1 << 16, file);
        let mut out = CsvOut { file, name, line: Vec::new(), id, writeback, written: 0, sent: 0 };
        if bom {
            out.bytes("\u{feff}".as_bytes())?;
        }
        out.write(header)?;
        Ok(out)
    }

    /// Writes one record of `row`.
    fn write<S: AsRef<str>>(&mut self, row: &[S]) -> anyhow::Result<()> {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        record::push_record(&mut line, row);
        let written = self.bytes(&line);
        self.line = line;
        written
    }

    /// Writes a record with `fill` in its hole.
    fn holed(&mut self, row: &Holed, fill: &str) -> anyhow::Result<()> {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        row.fill_into(&mut line, fill);
        let written = self.bytes(&line);
        self.line = line;
        written
    }

    /// Writes records already encoded, and sends each stretch of the file on to disk once it is written.
    fn bytes(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.file.write_all(bytes).with_context(|| self.name.clone())?;
        self.written += bytes.len() as u64;
        if self.written - self.sent >= WRITEBACK_STRETCH {
            self.file.flush().with_context(|| self.name.clone())?;
            self.writeback.send(self.id, self.file.get_ref(), self.sent, self.written - self.sent);
            self.sent = self.written;
        }
        Ok(())
    }

    /// Flushes everything to the staged file and sends the rest of it on to disk.
    fn finish(self) -> anyhow::Result<()> {
        // The I/O error itself, so that a full disk exits as an output that cannot be written.
        let file = self.file.into_inner().map_err(|e| e.into_error()).with_context(|| self.name)?;
        self.writeback.send(self.id, file, self.sent, 0);
        Ok(())
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // The patterns compile on another core while the inputs are listed. Detached: if it cannot start, the
    // workers compile them as they need them.
    let _ = std::thread::Builder::new().name("prepare".into()).spawn(nianbao::prepare);
    let names = inputs::names(&args.inputs, args.files_from.as_deref())
        .map_err(super::InputError::File)
        .context("the list of inputs")?;
    if names.is_empty() {
        anyhow::bail!("no inputs: name report files or directories, `-` (a list on standard input) or --files-from");
    }
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("{}: cannot create output directory", super::display_name(&args.output)))?;
    // What an earlier run killed part-way left in the output directory is undone before anything is written.
    nianbao::write::output::clean_stale(&args.output);
    let catalog = Catalog::embedded();
    let ctx = Shared {
        catalog,
        wide: WideTable::all(catalog),
        layout: SummaryLayout::new(catalog),
        cross: CrossCells::new(catalog),
    };
    let mut file_names: Vec<String> = FILE_NAMES.iter().map(|n| n.to_string()).collect();
    file_names.extend(ctx.wide.iter().map(WideTable::file_name));
    file_names.extend([dictionary::FILE_NAME, long::CROSS_FILE_NAME, SUMMARY_FILE].map(String::from));
    let (inputs, skipped_by_name) = inputs::collect(&names, &args.output, &file_names);

    // Every file is written to a temporary file and all are put in place together once the batch is done.
    let mut staged = Destination::new(&args.output, "", args.force).stage(&file_names)?;
    let targets: Vec<PathBuf> = staged.targets().map(Path::to_path_buf).collect();
    let mut files = staged.files_mut().zip(&targets).enumerate();
    let writeback = Writeback::start();
    let bom = !args.no_bom;
    let mut next_csv = |header: &[String]| -> anyhow::Result<CsvOut> {
        let (id, (file, target)) = files.next().context("every output file is staged")?;
        CsvOut::new((id, file, target), &writeback, header, bom)
    };
    let mut long_out = long::headers(catalog).iter().map(|h| next_csv(h)).collect::<anyhow::Result<Vec<_>>>()?;
    let mut wide_out = ctx.wide.iter().map(|t| next_csv(&t.header())).collect::<anyhow::Result<Vec<_>>>()?;
    let mut dictionary_out = next_csv(&dictionary::HEADER.map(String::from))?;
    let mut cross_out = next_csv(&long::cross_header())?;
    let (_, (summary_file, summary_target)) = files.next().context("the summary workbook is staged")?;

    let jobs = args.jobs.unwrap_or_else(super::parallel::default_jobs);
    let mut progress = Progress::new(inputs.len(), args.quiet);
    let mut ledger = Ledger::new().context("cannot create a temporary file")?;
    let mut totals = Totals::default();
    let mut counts = BatchCounts { skipped: skipped_by_name, ..BatchCounts::default() };
    super::parallel::for_each_ordered(
        &inputs,
        jobs,
        |_, input| process(&ctx, input),
        |index, outcome| {
            let index = u32::try_from(index).context("too many inputs")?;
            let name =
                |i: u32| inputs.get(i as usize).map(|input| super::display_name(&input.path)).unwrap_or_default();
            match outcome {
                Outcome::Skipped => counts.skipped += 1,
                Outcome::Failed { row, content, reason } => {
                    counts.failed += 1;
                    let duplicate = ledger.duplicate_of(index, content, None).map(name).unwrap_or_default();
                    long_out[0].holed(&row, &duplicate)?;
                    progress.failed(&name(index), &reason);
                }
                Outcome::Read(read) => {
                    counts.read += 1;
                    let duplicate = ledger.duplicate_of(index, Some(read.content), read.values).map(name);
                    let duplicate_of = duplicate.as_deref().unwrap_or_default();
                    if let [reports, others @ ..] = long_out.as_mut_slice() {
                        reports.holed(&read.rows.report, duplicate_of)?;
                        for (out, bytes) in others.iter_mut().zip(&read.rows.others) {
                            out.bytes(bytes)?;
                        }
                    }
                    for (out, row) in wide_out.iter_mut().zip(&read.wide) {
                        out.holed(row, duplicate_of)?;
                    }
                    match (duplicate, read.entry) {
                        (Some(_), _) => counts.duplicates += 1,
                        (None, Some(entry)) => {
                            totals.add(&ctx.layout, &entry);
                            ledger.keep(index, &entry).context("cannot write a temporary file")?;
                        }
                        (None, None) => {}
                    }
                }
            }
            progress.done();
            Ok(())
        },
    )?;
    for out in long_out.into_iter().chain(wide_out) {
        out.finish()?;
    }
    dictionary::rows(catalog).iter().try_for_each(|row| dictionary_out.write(row))?;
    dictionary_out.finish()?;

    // Once every report is read: the summary and the cross checks, over the reports sorted by agency and year.
    // The summary workbook is built on threads of their own (its table sheets on one, its findings on another) while
    // this one reads the reports back and checks them.
    let cross_findings = std::thread::scope(|scope| -> anyhow::Result<u64> {
        let (to_tables, table_items) = crossbeam_channel::bounded::<Arc<SummaryEntry>>(BOOK_QUEUE);
        let (to_notes, note_items) = crossbeam_channel::bounded::<BookItem>(BOOK_QUEUE);
        let layout = &ctx.layout;
        let totals = &totals;
        let book = scope.spawn(move || -> anyhow::Result<()> {
            let mut book = SummaryBook::new(layout)?;
            let (tables, notes) = book.parts();
            std::thread::scope(|inner| -> anyhow::Result<()> {
                let filled = inner.spawn(move || -> anyhow::Result<()> {
                    for entry in table_items {
                        tables.add_report(&entry)?;
                    }
                    Ok(())
                });
                let noted = (|| -> anyhow::Result<()> {
                    for item in note_items {
                        match item {
                            BookItem::Report(entry) => notes.add_report(&entry)?,
                            BookItem::Cross(prior, later, finding) => notes.add_cross(&prior, &later, &finding)?,
                        }
                    }
                    Ok(())
                })();
                filled.join().unwrap_or_else(|_| Err(anyhow::anyhow!("building the summary workbook failed")))?;
                noted
            })?;
            book.finish(totals, counts, BufWriter::new(summary_file))
                .with_context(|| super::display_name(summary_target))
        });
        let checked = cross_check_sorted(&ctx, ledger, &Book { tables: to_tables, notes: to_notes }, &mut cross_out);
        let built = book.join().unwrap_or_else(|_| Err(anyhow::anyhow!("building the summary workbook failed")));
        // The workbook's own error first: the reading side only sees that it stopped.
        built?;
        let found = checked?;
        cross_out.finish()?;
        Ok(found)
    })?;
    drop(files);
    // A stretch that could not be made durable fails the batch as the commit's own sync would have.
    writeback.finish().map_err(|(id, e)| {
        let name = targets.get(id).map(super::display_name).unwrap_or_default();
        anyhow::Error::new(e).context(name)
    })?;
    staged.commit()?;

    progress.finish();
    let tried = counts.read + counts.failed;
    eprintln!(
        "bulk: {} of {tried} inputs read, {} failed; {} other files skipped; {} duplicates; {cross_findings} \
         cross-report findings → {}: {}",
        counts.read,
        counts.failed,
        counts.skipped,
        counts.duplicates,
        super::display_name(&args.output),
        file_names.join(", ")
    );
    Ok(if counts.failed > 0 { super::Exit::Input } else { super::Exit::Ok }.into())
}

/// What one input gives.
fn process(ctx: &Shared, input: &Input) -> Outcome {
    let path = super::display_name(&input.path);
    let failed = |reason: String, sha256: &str, content: Option<Digest16>| {
        let [mut rows, ..] = long::error_rows(ctx.catalog, &path, &reason, FileFacts { sha256, duplicate_of: "" });
        let row = rows.pop().map(|row| Holed::new(&row, row.len().saturating_sub(1))).unwrap_or_default();
        Outcome::Failed { row, content, reason }
    };
    let bytes = match super::read_path(&input.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let reason = match std::fs::read_link(&input.path) {
                Ok(target) if !input.path.exists() => {
                    format!("a symbolic link to {}, which does not exist", super::display_name(target))
                }
                _ => error_chain(&e),
            };
            return failed(reason, "", None);
        }
    };
    if !input.explicit && !inputs::looks_like_report(&input.path, &bytes) {
        return Outcome::Skipped;
    }
    let (sha256, content) = ledger::content_digest(&bytes);
    let sha256: String = sha256.iter().map(|b| format!("{b:02x}")).collect();
    let doc = match nianbao::read::read(&bytes, &path) {
        Ok(doc) => doc,
        Err(e) => return failed(e.to_string(), &sha256, Some(content)),
    };
    drop(bytes);
    let report = match nianbao::analyse_readable(&doc, ctx.catalog) {
        Ok(report) => report,
        Err(e) => return failed(e.to_string(), &sha256, Some(content)),
    };
    drop(doc);
    let entry = (report.kind == DocKind::AnnualReport)
        .then(|| ctx.layout.entry(&path, &report, ctx.cross.figures(ctx.catalog, &report)));
    let facts = FileFacts { sha256: &sha256, duplicate_of: "" };
    let mut rows = Encoded::default();
    long::emit_report_rows(ctx.catalog, &path, &report, facts, &mut rows);
    Outcome::Read(Box::new(ReadReport {
        rows,
        wide: ctx.wide.iter().map(|t| t.encoded(&path, &report)).collect(),
        content,
        values: ledger::values_digest(&report),
        entry,
    }))
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

/// The summary workbook's two threads, as the reading side hands them their rows: every report to both, the cross
/// findings to the findings' thread. Dropped, it tells both that nothing more comes.
struct Book {
    tables: crossbeam_channel::Sender<Arc<SummaryEntry>>,
    notes: crossbeam_channel::Sender<BookItem>,
}

/// What the summary workbook's findings thread is handed, in the order it writes them.
enum BookItem {
    Report(Arc<SummaryEntry>),
    Cross(Arc<SummaryEntry>, Arc<SummaryEntry>, CrossFinding),
}

/// Items handed to each of the summary workbook's threads that it has not taken yet, at most.
const BOOK_QUEUE: usize = 256;

/// Reads the kept reports back sorted by agency and year, hands each to the summary workbook and runs the cross
/// checks of every agency's reports. Returns the number of cross findings.
fn cross_check_sorted(ctx: &Shared, ledger: Ledger, book: &Book, csv: &mut CsvOut) -> anyhow::Result<u64> {
    // A closed channel means the workbook's thread stopped on an error, which its result gives.
    let stopped = || anyhow::anyhow!("the summary workbook stopped");
    let hand = |item: BookItem| book.notes.send(item).map_err(|_| stopped());
    let mut agency: Vec<Arc<SummaryEntry>> = Vec::new();
    let mut found = 0;
    for entry in ledger.into_sorted().context("cannot read a temporary file")? {
        let entry = Arc::new(entry.context("cannot read a temporary file")?);
        book.tables.send(Arc::clone(&entry)).map_err(|_| stopped())?;
        hand(BookItem::Report(Arc::clone(&entry)))?;
        if agency.first().is_some_and(|first| first.agency != entry.agency) {
            found += cross_check(ctx, &agency, &hand, csv)?;
            agency.clear();
        }
        // Reports that name no agency are never the same agency's: they are not kept for the cross checks.
        if entry.agency.is_some() && entry.year.is_some() {
            agency.push(entry);
        }
    }
    found += cross_check(ctx, &agency, &hand, csv)?;
    Ok(found)
}

/// The cross checks between one agency's reports (sorted by year, each with a year): every report against each
/// of the year before.
/// Returns the number of findings.
fn cross_check(
    ctx: &Shared,
    reports: &[Arc<SummaryEntry>],
    hand: &impl Fn(BookItem) -> anyhow::Result<()>,
    csv: &mut CsvOut,
) -> anyhow::Result<u64> {
    let mut found = 0;
    for later in reports {
        let Some(later_side) = side(later) else { continue };
        for prior in reports.iter().filter(|p| p.year == Some(later_side.year - 1)) {
            let Some(prior_side) = side(prior) else { continue };
            for finding in check_pair(ctx.catalog, &ctx.cross, prior_side, later_side) {
                let template = later.table_template(&ctx.layout, &finding.table).unwrap_or_default();
                csv.write(&long::cross_row(report_ref(prior), report_ref(later), template, &finding))?;
                hand(BookItem::Cross(Arc::clone(prior), Arc::clone(later), finding))?;
                found += 1;
            }
        }
    }
    Ok(found)
}

fn side(entry: &SummaryEntry) -> Option<Side<'_>> {
    Some(Side { year: entry.year?, figures: &entry.figures })
}

fn report_ref(entry: &SummaryEntry) -> long::ReportRef<'_> {
    long::ReportRef { path: &entry.path, agency: entry.agency.as_deref().unwrap_or_default(), year: entry.year }
}
