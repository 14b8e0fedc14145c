//! `nianbao convert INPUT... [-o DIR] [--format xlsx,csv,json] [--force]`: each report to a filled XLSX workbook,
//! one CSV per table and/or the JSON of `inspect`.
//!
//! Every input is read, analysed and written on its own, on as many threads as there are cores: a failure is
//! reported as `path: reason` and the run goes on; the exit code says what failed (2 an input could not be read,
//! 3 an output was not written; the larger when both happened). The formats are the
//! writers of [`nianbao::write::OutputFormat`]; an input's files are written all or nothing through temporary
//! files and renames, never over an existing file without `--force`, never over the input.

use nianbao::hash::HashSet;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::ValueEnum;

use nianbao::report::{DocKind, Report};
use nianbao::template::Catalog;
use nianbao::write::output::Destination;
use nianbao::write::{csv, OutputFile, OutputFormat, SourceInfo};

#[derive(clap::Args)]
#[command(after_help = concat!(
    "Examples:\n  nianbao convert fixtures/002_bc2901b205bfb866.txt -o out\n  \
nianbao convert reports/*.html -o out --format xlsx,csv,json\n\n\
Writes <stem>.xlsx (sheets 主动公开, 依申请公开, 复议诉讼, 叙述与指标, 校验), <stem>_t2.csv, <stem>_t3.csv, \
<stem>_t4.csv and <stem>.json. A table the report lacks gets a note in the workbook and no CSV.\n\n",
    exit_codes_help!()
))]
pub struct Args {
    /// Reports to convert (HTML, text, Markdown, PDF, Word, XLSX/XLS/ODS); `-` reads standard input (output stem
    /// `stdin`).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<OsString>,
    /// Output directory, created if missing.
    #[arg(short = 'o', long = "output", value_name = "DIR", default_value = ".")]
    pub output: PathBuf,
    /// Formats to write, comma-separated.
    #[arg(long, value_parser = formats(), value_delimiter = ',', default_value = "xlsx,csv")]
    pub format: Vec<OutputFormat>,
    /// Overwrite existing output files.
    #[arg(long)]
    pub force: bool,
    /// Header line of the CSV files: printed column labels, or machine keys.
    #[arg(long, value_enum, default_value = "labels")]
    pub csv_header: CsvHeader,
    /// Write CSV without the UTF-8 byte-order mark (for pipelines; spreadsheet programs want it).
    #[arg(long)]
    pub no_bom: bool,
}

/// The output formats by name.
fn formats() -> impl TypedValueParser<Value = OutputFormat> {
    PossibleValuesParser::new(OutputFormat::ALL.map(OutputFormat::name))
        .try_map(|name| OutputFormat::from_name(&name).ok_or_else(|| format!("unknown format {name}")))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CsvHeader {
    Labels,
    Keys,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("{}: cannot create output directory", super::display_name(&args.output)))?;
    // What an earlier run killed part-way left in the output directory is undone before anything is written.
    nianbao::write::output::clean_stale(&args.output);
    // Two inputs with the same file stem would write the same outputs: the later ones fail up front.
    let mut stems = HashSet::default();
    let clashes: Vec<bool> = args
        .inputs
        .iter()
        .map(|input| !stems.insert(Destination::for_input(&args.output, input, args.force).stem().to_os_string()))
        .collect();

    let inputs = &args.inputs;
    let mut failed = 0usize;
    let mut exit = super::Exit::Ok;
    // Each worker reads, analyses and writes one report at a time, so memory stays flat however many inputs
    // there are; the results are printed in input order.
    super::parallel::for_each_ordered(
        inputs,
        super::parallel::default_jobs(),
        |index, input| {
            if clashes.get(index).copied().unwrap_or(false) {
                Err(anyhow::anyhow!("an earlier input has the same file name; its outputs would be overwritten"))
            } else {
                convert_one(input, &args)
            }
        },
        |index, result| {
            match result {
                Ok(summary) => eprintln!("{summary}"),
                Err(err) => {
                    failed += 1;
                    // A clash of output names is an output not written.
                    let clash = clashes.get(index).copied().unwrap_or(false);
                    exit = exit.max(if clash { super::Exit::Output } else { super::exit_for(&err) });
                    match err.downcast_ref::<super::InputError>() {
                        // Standard input's own messages name it.
                        Some(super::InputError::Stdin(_) | super::InputError::EmptyStdin) => eprintln!("{err:#}"),
                        _ => eprintln!("{}: {err:#}", super::message_name(&inputs[index])),
                    }
                }
            }
            Ok(())
        },
    )?;
    if inputs.len() > 1 {
        eprintln!("{} of {} inputs converted", inputs.len() - failed, inputs.len());
    }
    Ok(exit.into())
}

/// Converts one input; returns the summary line.
fn convert_one(input: &OsString, args: &Args) -> anyhow::Result<String> {
    let name = super::display_name(input);
    let bytes = super::read_input(input)?;
    let source = SourceInfo::new(&name, &bytes);
    // The bytes go as soon as the document is read: a large input is not held twice while it is analysed.
    let doc = nianbao::read::read(&bytes, &name)?;
    drop(bytes);
    let report = nianbao::analyse_readable(&doc, nianbao::template::Catalog::embedded())?;
    drop(doc);
    let destination = Destination::for_input(&args.output, input, args.force);
    let stem = super::display_name(destination.stem());
    let options = csv::CsvOptions {
        header: match args.csv_header {
            CsvHeader::Labels => csv::Header::Labels,
            CsvHeader::Keys => csv::Header::Keys,
        },
        bom: !args.no_bom,
    };

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for format in dedup(&args.format) {
        for file in format.writer(Catalog::embedded(), options).files(&report, &source)? {
            match file {
                OutputFile::Made { suffix, bytes } => files.push((suffix, bytes)),
                OutputFile::Skipped { suffix, reason } => {
                    notes.push(format!("{name}: {reason}, no {stem}{suffix}"));
                    skipped.push(suffix);
                }
            }
        }
    }
    // With --force, a file of this stem an earlier run wrote and this one does not (the CSV of a table the new
    // report lacks) would sit beside the new ones as if it belonged to them: it goes in the same commit.
    let written = destination.write_replacing(&files, &skipped)?;

    let names: Vec<String> = written.iter().map(super::display_name).collect();
    let mut summary = format!("{name}: {}", describe(&report));
    if names.is_empty() {
        summary.push_str("; nothing written");
    } else {
        summary.push_str(&format!(" → {}", names.join(", ")));
    }
    for note in notes {
        summary.push('\n');
        summary.push_str(&note);
    }
    Ok(summary)
}

/// `gov2021, 3 tables, 2 findings` or `not an annual report`.
fn describe(report: &Report) -> String {
    if report.kind == DocKind::Other {
        return "not an annual report".to_string();
    }
    let found = report.tables.values().filter(|t| t.status != nianbao::report::TableStatus::Absent).count();
    let version = report.template.as_deref().unwrap_or("no template");
    format!("{version}, {found} of {} tables, {} findings", report.tables.len(), report.findings.len())
}

fn dedup(formats: &[OutputFormat]) -> Vec<OutputFormat> {
    let mut out = Vec::new();
    for f in formats {
        if !out.contains(f) {
            out.push(*f);
        }
    }
    out
}
