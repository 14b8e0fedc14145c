//! Writers: a mapped [`Report`] and its template in, file contents out.
//!
//! Every output format of a report is a [`Writer`], listed once in [`OutputFormat`]: `convert --format` and
//! `validate --out` ask the formats for their files and hand them to [`output::Destination`], which names them
//! and writes them all or nothing. A new format is a new `Writer` and a variant of `OutputFormat`.
//!
//! * [`form`] — where each cell of the official form and each live check goes on a sheet (from `templates/`);
//! * [`xlsx`] — the workbook: the forms with live checks, the narrative sheet, the findings sheet; also the blank
//!   form for `nianbao template`;
//! * [`csv`] — one CSV per table;
//! * [`json`] — the `inspect --json` object;
//! * [`long`] — the four long CSV files of `bulk`, rows for many reports;
//! * [`wide`] — `bulk`'s wide tables, one row per report and one column per template cell;
//! * [`dictionary`] — `bulk`'s dictionary of every key with its label and meaning;
//! * [`summary`] — `bulk`'s summary workbook: a sheet per table, the findings, charts;
//! * [`record`] — CSV records encoded straight into bytes, for `bulk`'s many rows;
//! * [`output`] — where files go and how they are put on disk (temporary files, then renames);
//! * [`writeback`] — `bulk`'s long files sent on to disk while the batch goes on.
//!
//! Writers never parse and never look at label-matching data: they take the report as mapped. Absent stays
//! absent, blank stays blank, `na` keeps its mark; nothing is zero-filled.

pub mod csv;
pub mod dictionary;
pub mod form;
pub mod json;
pub mod long;
pub mod output;
pub mod record;
pub mod summary;
pub mod wide;
pub mod writeback;
pub mod xlsx;

use sha2::{Digest, Sha256};

use crate::report::{Report, TableResult};
use crate::template::{Catalog, TableSpec, Template};

/// An output format of a report.
pub trait Writer {
    /// The files for one report, each named by its suffix after the output stem.
    fn files(&self, report: &Report, source: &SourceInfo) -> Result<Vec<OutputFile>, WriteError>;
}

/// A file a [`Writer`] made for a report, or one it did not make and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputFile {
    /// The file's suffix after the output stem (`.xlsx`, `_t2.csv`) and its contents.
    Made { suffix: String, bytes: Vec<u8> },
    /// No file with this suffix, for this reason (a table the report lacks has no CSV).
    Skipped { suffix: String, reason: String },
}

/// The output formats of a report, in the order `convert` writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// The workbook: the official form filled, with live checks, the narrative and the findings.
    Xlsx,
    /// One CSV per table.
    Csv,
    /// The `inspect --json` object.
    Json,
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 3] = [OutputFormat::Xlsx, OutputFormat::Csv, OutputFormat::Json];

    /// The format's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Xlsx => "xlsx",
            OutputFormat::Csv => "csv",
            OutputFormat::Json => "json",
        }
    }

    /// The format with this name.
    pub fn from_name(name: &str) -> Option<OutputFormat> {
        OutputFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The writer of this format, drawing with `catalog`'s templates; `csv` sets the CSV files' header and BOM.
    pub fn writer<'c>(self, catalog: &'c Catalog, csv: csv::CsvOptions) -> Box<dyn Writer + 'c> {
        match self {
            OutputFormat::Xlsx => Box::new(xlsx::XlsxWriter { catalog }),
            OutputFormat::Csv => Box::new(csv::CsvWriter { catalog, options: csv }),
            OutputFormat::Json => Box::new(json::JsonWriter),
        }
    }
}

/// Errors of the writers.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot build the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("cannot write CSV: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("unknown template version `{0}`")]
    UnknownVersion(String),
}

/// What the writers record about the input file itself.
#[derive(Debug, Clone)]
pub struct SourceInfo {
    /// The input as named on the command line.
    pub path: String,
    /// SHA-256 of the input bytes, lower-case hex.
    pub sha256: String,
}

impl SourceInfo {
    pub fn new(path: &str, bytes: &[u8]) -> SourceInfo {
        let digest = Sha256::digest(bytes);
        let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
        SourceInfo { path: path.to_string(), sha256 }
    }
}

/// The template of `catalog` a report's table is drawn with: the table's own version, else the report's, else the
/// one for the report year, else the newest (a pre-2019 report, a document that is no report).
pub fn drawing_template<'c>(catalog: &'c Catalog, report: &Report, table: &str) -> Option<&'c Template> {
    let own = report.tables.get(table).and_then(|t| t.template.as_deref());
    own.or(report.template.as_deref())
        .and_then(|v| catalog.by_version(v))
        .or_else(|| report.year.and_then(|y| catalog.for_year(y)))
        .or_else(|| catalog.newest())
}

/// The table spec a report's table is drawn with (see [`drawing_template`]).
pub fn drawing_spec<'c>(catalog: &'c Catalog, report: &Report, table: &str) -> Option<&'c TableSpec> {
    drawing_template(catalog, report, table).and_then(|t| t.table(table))
}

/// The table result, or an absent one when the report lacks the key.
fn table_result<'a>(report: &'a Report, table: &str, absent: &'a TableResult) -> &'a TableResult {
    report.tables.get(table).unwrap_or(absent)
}

/// A number as the sheet's `General` format and CSV print it: whole numbers without a decimal point.
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.10}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_a_spreadsheet_general_format() {
        assert_eq!(format_number(29.0), "29");
        assert_eq!(format_number(-3.0), "-3");
        assert_eq!(format_number(25.1), "25.1");
        assert_eq!(format_number(9.63211), "9.63211");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
    }

    #[test]
    fn sha256_is_lower_hex() {
        assert_eq!(
            SourceInfo::new("x", b"abc").sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
