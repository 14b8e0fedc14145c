//! `nianbao validate FILE.xlsx [--json] [--out DIR] [--force]`: check a filled or hand-corrected workbook against
//! the template's rules.
//!
//! The workbook goes through the same pipeline as any report (spreadsheet reader → label mapper → rules), so a
//! sheet is found by its labels, not by fixed cell positions. The findings' cells are resolved to the sheet
//! cells they were read from (`依申请公开!D6`). The sheets nianbao writes as derived output of a conversion (the
//! narrative and findings sheets) are not read: they describe the data, they are not the data.
//!
//! Exit code: 0 no finding of severity error, 1 at least one, 2 the file could not be read as a workbook or holds
//! no table of the official form (one line on stderr: `FILE: reason`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use indexmap::IndexMap;
use serde::Serialize;

use nianbao::doc::{Block, Document};
use nianbao::read::{self, Format};
use nianbao::report::{CellState, Report, Severity, TableStatus};
use nianbao::template::Catalog;
use nianbao::write::csv::CsvOptions;
use nianbao::write::output::Destination;
use nianbao::write::{xlsx, OutputFile, OutputFormat, SourceInfo};

#[derive(clap::Args)]
#[command(after_help = "Examples:\n  nianbao validate 2024年报表.xlsx\n  \
nianbao validate out/report.xlsx --json | jq '.findings[] | select(.severity == \"error\")'\n  \
nianbao validate corrected.xlsx --out checked/\n\n\
Exit codes: 0 no errors, 1 findings of severity error, 2 the file is not a readable .xlsx workbook or holds no \
table of the official form.")]
pub struct Args {
    /// The workbook to check (.xlsx), or `-` for standard input.
    #[arg(value_name = "FILE.xlsx")]
    pub file: String,
    /// Print the result as JSON: the `inspect --json` object plus a `validation` summary.
    #[arg(long)]
    pub json: bool,
    /// Also write the values read as CSV (one file per table) and JSON, as `convert` does, into DIR.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Overwrite existing files in the --out directory.
    #[arg(long)]
    pub force: bool,
}

/// Sheets of nianbao's own workbooks that are derived output, not data.
const DERIVED_SHEETS: [&str; 2] = [xlsx::NARRATIVE_SHEET, xlsx::FINDINGS_SHEET];

/// What validation adds to the report: which sheets were read, the version found per table, the counts.
#[derive(Debug, Serialize)]
struct Summary {
    /// Sheets read, in workbook order.
    sheets: Vec<String>,
    /// Sheets left out as nianbao's derived output.
    skipped_sheets: Vec<String>,
    /// Template version found per table (null when the table is absent).
    templates: IndexMap<String, Option<String>>,
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    #[serde(flatten)]
    report: &'a Report,
    validation: &'a Summary,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let bytes = super::read_input(&args.file).with_context(|| args.file.clone())?;
    let (report, summary) = match validate(&bytes, &args.file) {
        Ok(result) => result,
        Err(reason) => {
            eprintln!("{}: {reason}", args.file);
            return Ok(ExitCode::from(2));
        }
    };
    {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        if args.json {
            serde_json::to_writer_pretty(&mut out, &JsonOutput { report: &report, validation: &summary })?;
            writeln!(out)?;
        } else {
            write_human(&mut out, &report, &summary)?;
        }
        out.flush()?;
    }
    if let Some(dir) = &args.out {
        write_values(dir, &SourceInfo::new(&args.file, &bytes), &report, args.force)?;
    }
    Ok(if summary.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Why a file cannot be validated.
#[derive(Debug, thiserror::Error)]
enum ValidateError {
    #[error("not an .xlsx workbook (no zip container)")]
    NotAWorkbook,
    #[error("a Word document, not an .xlsx workbook: `nianbao inspect` or `convert` read reports")]
    WordDocument,
    #[error(transparent)]
    Unreadable(#[from] read::ReadError),
    /// The sheets read hold no table of the official form.
    #[error("no table of the official form found ({})", sheets_read(.sheets))]
    NoTable { sheets: Vec<String> },
}

fn sheets_read(sheets: &[String]) -> String {
    if sheets.is_empty() {
        "no sheet with content".to_string()
    } else {
        format!("sheets: {}", sheets.join(", "))
    }
}

/// Reads and checks a workbook.
fn validate(bytes: &[u8], source: &str) -> Result<(Report, Summary), ValidateError> {
    match read::sniff(bytes) {
        Format::Xlsx => {}
        Format::Docx | Format::Doc | Format::Rtf => return Err(ValidateError::WordDocument),
        _ => return Err(ValidateError::NotAWorkbook),
    }
    let doc = read::read(bytes, source)?;
    let (doc, sheets, skipped_sheets) = without_derived_sheets(doc);
    let mut report = nianbao::analyse(&doc);
    if report.tables.values().all(|t| t.status == TableStatus::Absent) {
        return Err(ValidateError::NoTable { sheets });
    }
    nianbao::check::attach_refs(&mut report);
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let summary = Summary {
        sheets,
        skipped_sheets,
        templates: Catalog::embedded()
            .table_keys()
            .iter()
            .map(|k| (k.clone(), report.tables.get(k).and_then(|t| t.template.clone())))
            .collect(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
    };
    Ok((report, summary))
}

/// The document without nianbao's derived sheets, with the names of the sheets kept and left out.
fn without_derived_sheets(doc: Document) -> (Document, Vec<String>, Vec<String>) {
    let mut kept = Vec::new();
    let mut skipped = Vec::new();
    let mut blocks = Vec::with_capacity(doc.blocks.len());
    for block in doc.blocks {
        let name = match &block {
            Block::Table(t) => t.name.clone(),
            Block::Heading { text, .. } => Some(text.clone()),
            Block::Paragraph { .. } => None,
        };
        match name {
            Some(name) if DERIVED_SHEETS.contains(&name.as_str()) => {
                if matches!(block, Block::Table(_)) && !skipped.contains(&name) {
                    skipped.push(name);
                }
            }
            _ => {
                if let Block::Table(t) = &block {
                    // A sheet may hold several tables side by side; list it once.
                    let name = t.name.clone().unwrap_or_default();
                    if !kept.contains(&name) {
                        kept.push(name);
                    }
                }
                blocks.push(block);
            }
        }
    }
    (Document { source: doc.source, blocks }, kept, skipped)
}

fn write_human(out: &mut impl Write, r: &Report, s: &Summary) -> std::io::Result<()> {
    writeln!(out, "{}", r.source)?;
    write!(out, "  sheets: {}", s.sheets.join(", "))?;
    if !s.skipped_sheets.is_empty() {
        write!(out, " (not read, nianbao's derived output: {})", s.skipped_sheets.join(", "))?;
    }
    writeln!(out)?;
    for (key, table) in &r.tables {
        let status = table.status.as_str();
        let total = table
            .template
            .as_deref()
            .and_then(nianbao::template::by_version)
            .and_then(|t| t.table(key))
            .map(|spec| spec.cell_count());
        let blank = table.cells.values().filter(|c| c.state == CellState::Blank).count();
        let na = table.cells.values().filter(|c| c.state == CellState::Na).count();
        match (&table.template, total) {
            (Some(version), Some(total)) => writeln!(
                out,
                "  {key}: {status:<7} {version}  {} of {total} cells ({blank} blank, {na} n/a)",
                table.cells.len()
            )?,
            _ => writeln!(out, "  {key}: {status}")?,
        }
    }
    let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
    writeln!(out, "  result: {}, {}, {} info", plural(s.errors, "error"), plural(s.warnings, "warning"), s.infos)?;
    for f in &r.findings {
        let place = if f.refs.is_empty() { String::new() } else { format!(" {}", f.refs.join(", ")) };
        writeln!(out, "    [{}] {}{place}  {}", f.severity, f.rule, f.message)?;
    }
    if !r.unplaced.is_empty() {
        writeln!(out, "  cells not placed on the template: {}", r.unplaced.len())?;
        for u in &r.unplaced {
            let origin = u.origin.as_ref().map_or_else(|| "?".to_string(), ToString::to_string);
            writeln!(out, "    {} {origin} “{}”  {}", u.table, u.raw, u.context)?;
        }
    }
    Ok(())
}

/// Writes `<stem>.json` and `<stem>_<table>.csv` for the tables present, as `convert` names them.
fn write_values(dir: &Path, source: &SourceInfo, report: &Report, force: bool) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create output directory", dir.display()))?;
    let mut files = Vec::new();
    for format in [OutputFormat::Json, OutputFormat::Csv] {
        for file in format.writer(Catalog::embedded(), CsvOptions::default()).files(report, source)? {
            if let OutputFile::Made { suffix, bytes } = file {
                files.push((suffix, bytes));
            }
        }
    }
    let written = Destination::for_input(dir, &source.path, force).write_all(&files)?;
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    eprintln!("{}: wrote {}", source.path, names.join(", "));
    Ok(())
}
