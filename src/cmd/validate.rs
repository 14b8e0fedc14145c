//! `nianbao validate FILE [--json] [--out DIR] [--force]`: check a filled or hand-corrected workbook (XLSX, XLS,
//! ODS, WPS `.et`) against the template's rules.
//!
//! The workbook goes through the same pipeline as any report (spreadsheet reader → label mapper → rules), so a
//! sheet is found by its labels, not by fixed cell positions. The findings' cells are resolved to the sheet
//! cells they were read from (`依申请公开!D6`). The sheets nianbao writes as derived output of a conversion (the
//! narrative and findings sheets) are not read: they describe the data, they are not the data.
//!
//! Validation never passes what it could not read: a template cell of a table present in the workbook that was
//! not read, a number that could not be placed and a cell whose text is no value are errors, as a broken rule is
//! ([`nianbao::check::reading`]).
//!
//! Exit code: 0 every table present was read completely and no rule fails; 1 errors; 2 the file could not be read
//! as a workbook or holds no table of the official form (one line on stderr: `FILE: reason`); 3 `--out` files
//! exist.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use indexmap::IndexMap;
use serde::Serialize;

use nianbao::check::reading::reading_problems;
use nianbao::read::{self, Format};
use nianbao::report::{CellState, Report, Rule, Severity, TableStatus};
use nianbao::template::Catalog;
use nianbao::write::csv::CsvOptions;
use nianbao::write::output::Destination;
use nianbao::write::{OutputFile, OutputFormat, SourceInfo};

use super::Exit;

#[derive(clap::Args)]
#[command(after_help = concat!(
    "Examples:\n  nianbao validate 2024年报表.xlsx\n  nianbao validate 年报.ods\n  \
nianbao validate out/report.xlsx --json | jq '.findings[] | select(.severity == \"error\")'\n  \
nianbao validate corrected.xlsx --out checked/\n\n\
A workbook passes (exit 0) only when every table present in it was read completely — every cell of the form a \
number, a blank or a not-applicable mark (/) — and no rule fails. A cell that could not be read (#REF!, 三十六, \
a formula saved without its value), a number that could not be placed on the form (a row whose label was \
changed) and a cell of the form that was not found are errors, named by sheet and cell, as a broken rule is.\n\n",
    exit_codes_help!()
))]
pub struct Args {
    /// The workbook to check (.xlsx, .xls, .ods, .et), or `-` for standard input.
    #[arg(value_name = "FILE")]
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

/// What validation adds to the report: which sheets were read, the version found per table, the counts.
#[derive(Debug, Serialize)]
struct Summary {
    /// Sheets read, in workbook order.
    sheets: Vec<String>,
    /// Sheets left out as nianbao's derived output.
    skipped_sheets: Vec<String>,
    /// Template version found per table (null when the table is absent).
    templates: IndexMap<String, Option<String>>,
    /// Every cell of every table present was read (a number, a blank, a not-applicable mark, or declared absent
    /// by the workbook): nothing went unchecked.
    complete: bool,
    /// The workbook passes: read completely and no finding of severity error.
    passed: bool,
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
    let bytes = super::read_named(&args.file)?;
    let name = super::message_name(&args.file);
    let (report, summary) = match validate(&bytes, &args.file) {
        Ok(result) => result,
        Err(reason) => {
            eprintln!("{name}: {reason}");
            return Ok(Exit::Input.into());
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
    Ok(if summary.passed { Exit::Ok } else { Exit::Problems }.into())
}

/// Why a file cannot be validated.
#[derive(Debug, thiserror::Error)]
enum ValidateError {
    #[error("not a spreadsheet (XLSX, XLS, ODS): `nianbao inspect` or `convert` read reports in other formats")]
    NotAWorkbook,
    #[error("a PDF, not a spreadsheet: `nianbao inspect` or `convert` read reports")]
    Pdf,
    #[error("a Word document, not a spreadsheet: `nianbao inspect` or `convert` read reports")]
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
        Format::Pdf => return Err(ValidateError::Pdf),
        Format::Unsupported(kind) => return Err(read::ReadError::Unsupported(kind).into()),
        Format::Html | Format::Text => return Err(ValidateError::NotAWorkbook),
    }
    let workbook = read::xlsx::read_spreadsheet(bytes, source).map_err(|e| read::refine_error(bytes, e))?;
    let doc = workbook.document;
    let mut sheets: Vec<String> = Vec::new();
    for table in doc.tables() {
        // A sheet may hold several tables side by side; list it once.
        let name = table.name.clone().unwrap_or_default();
        if !sheets.contains(&name) {
            sheets.push(name);
        }
    }
    let mut report = nianbao::analyse(&doc);
    if report.tables.values().all(|t| t.status == TableStatus::Absent) {
        return Err(ValidateError::NoTable { sheets });
    }
    nianbao::check::attach_refs(&mut report);
    // What could not be read replaces the mapper's warnings about it, as errors, first.
    let problems = reading_problems(&report, &doc, Catalog::embedded());
    let complete = problems.is_empty();
    report.findings.retain(|f| !matches!(f.rule, Rule::Unplaced | Rule::Unreadable));
    report.findings.splice(0..0, problems);
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let errors = count(Severity::Error);
    let summary = Summary {
        sheets,
        skipped_sheets: workbook.derived_sheets,
        templates: Catalog::embedded()
            .table_keys()
            .iter()
            .map(|k| (k.clone(), report.tables.get(k).and_then(|t| t.template.clone())))
            .collect(),
        complete,
        passed: complete && errors == 0,
        errors,
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
    };
    Ok((report, summary))
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
        let all_blank = !table.cells.is_empty() && blank == table.cells.len();
        match (&table.template, total) {
            (Some(version), Some(total)) if all_blank => {
                writeln!(out, "  {key}: {status} (all blank) {version}  {} of {total} cells", table.cells.len())?
            }
            (Some(version), Some(total)) => writeln!(
                out,
                "  {key}: {status:<7} {version}  {} of {total} cells ({blank} blank, {na} n/a)",
                table.cells.len()
            )?,
            _ => writeln!(out, "  {key}: {status}")?,
        }
    }
    let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
    let verdict = match (s.passed, s.complete) {
        (true, _) => "passed: every table present was read completely and no rule fails",
        (false, false) => "NOT PASSED: cells of the form could not be read; what was not read was not checked",
        (false, true) => "NOT PASSED: rules fail",
    };
    writeln!(out, "  result: {}, {}, {} info", plural(s.errors, "error"), plural(s.warnings, "warning"), s.infos)?;
    for f in &r.findings {
        // Messages about what could not be read name their cells themselves.
        let named = f.refs.first().is_some_and(|r| f.message.starts_with(r.as_str()) || f.message.contains("（应在 "));
        let place = if f.refs.is_empty() || named { String::new() } else { format!(" {}", f.refs.join(", ")) };
        writeln!(out, "    [{}] {}{place}  {}", f.severity, f.rule, f.message)?;
    }
    writeln!(out, "  {verdict}")?;
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
    eprintln!("{}: wrote {}", super::display_name(&source.path), names.join(", "));
    Ok(())
}
