//! `nianbao convert INPUT... [-o DIR] [--format xlsx,csv,json] [--force]`: each report to a filled XLSX workbook,
//! one CSV per table and/or the JSON of `inspect`.
//!
//! Every input is read, analysed and written on its own, on as many threads as there are cores: a failure is
//! reported as `path: reason` and the run goes on; the exit code is 1 if any input failed. Outputs are written through a temporary file and renamed,
//! never over an existing file without `--force`, never over the input.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::ValueEnum;

use nianbao::report::{DocKind, Report};
use nianbao::template::Catalog;
use nianbao::write::{self, atomic, csv, SourceInfo};

#[derive(clap::Args)]
#[command(after_help = "Examples:\n  nianbao convert fixtures/002_bc2901b205bfb866.txt -o out\n  \
nianbao convert reports/*.html -o out --format xlsx,csv,json\n\n\
Writes <stem>.xlsx (sheets 主动公开, 依申请公开, 复议诉讼, 叙述与指标, 校验), <stem>_t2.csv, <stem>_t3.csv, \
<stem>_t4.csv and <stem>.json. A table the report lacks gets a note in the workbook and no CSV.")]
pub struct Args {
    /// Reports to convert (HTML, text, Markdown, XLSX); `-` reads standard input (output stem `stdin`).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Output directory, created if missing.
    #[arg(short = 'o', long = "output", value_name = "DIR", default_value = ".")]
    pub output: PathBuf,
    /// Formats to write, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "xlsx,csv")]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Xlsx,
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CsvHeader {
    Labels,
    Keys,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("{}: cannot create output directory", args.output.display()))?;
    // Two inputs with the same file stem would write the same outputs: the later ones fail up front.
    let mut stems = HashSet::new();
    let clashes: Vec<bool> = args.inputs.iter().map(|input| !stems.insert(output_stem(input))).collect();

    let inputs = &args.inputs;
    let mut failed = 0usize;
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
                    eprintln!("{}: {err:#}", inputs[index]);
                }
            }
            Ok(())
        },
    )?;
    if inputs.len() > 1 {
        eprintln!("{} of {} inputs converted", inputs.len() - failed, inputs.len());
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Converts one input; returns the summary line.
fn convert_one(input: &str, args: &Args) -> anyhow::Result<String> {
    let bytes = super::read_input(input)?;
    let report = nianbao::inspect_bytes(&bytes, input)?;
    let source = SourceInfo::new(input, &bytes);
    let stem = output_stem(input);
    let catalog = Catalog::embedded();

    let mut outputs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for format in dedup(&args.format) {
        match format {
            OutputFormat::Xlsx => outputs.push((
                args.output.join(format!("{stem}.xlsx")),
                write::xlsx::report_workbook(catalog, &report, &source)?,
            )),
            OutputFormat::Csv => {
                let options = csv::CsvOptions {
                    header: match args.csv_header {
                        CsvHeader::Labels => csv::Header::Labels,
                        CsvHeader::Keys => csv::Header::Keys,
                    },
                    bom: !args.no_bom,
                };
                for key in catalog.table_keys() {
                    match csv::table_csv(catalog, &report, key, options)? {
                        Some(bytes) => outputs.push((args.output.join(format!("{stem}_{key}.csv")), bytes)),
                        None => notes.push(format!("{input}: {key} absent from the report, no {stem}_{key}.csv")),
                    }
                }
            }
            OutputFormat::Json => {
                outputs.push((args.output.join(format!("{stem}.json")), write::json::to_json(&report)?))
            }
        }
    }

    let input_path = Path::new(input).canonicalize().ok();
    for (path, _) in &outputs {
        if input_path.is_some() && path.canonicalize().ok() == input_path {
            bail!("{}: is the input itself", path.display());
        }
        atomic::check_target(path, args.force)?;
    }
    for (path, bytes) in &outputs {
        atomic::write_file(path, bytes, args.force)?;
    }

    let names: Vec<String> = outputs.iter().map(|(p, _)| p.display().to_string()).collect();
    let mut summary = format!("{input}: {}", describe(&report));
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

/// The file stem outputs are named after: `002_bc2901b205bfb866` for `fixtures/002_bc2901b205bfb866.txt`.
fn output_stem(input: &str) -> String {
    if input == "-" {
        return "stdin".to_string();
    }
    Path::new(input)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "output".to_string())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_come_from_the_file_name() {
        assert_eq!(output_stem("fixtures/002_bc2901b205bfb866.txt"), "002_bc2901b205bfb866");
        assert_eq!(output_stem("a/b/report.2023.html"), "report.2023");
        assert_eq!(output_stem("-"), "stdin");
    }
}
