//! Long-format CSV for many reports at once: one row per report, per cell, per metric, per finding, each row
//! starting with the report's path so the files can be filtered, joined and pivoted.
//!
//! * `reports.csv` — `path,status,error,kind,year,agency,published,template,t2,t3,t4,cells,unplaced,errors,warnings,
//!   sha256,duplicate_of`, one status column per table of the form (a file that could not be read is a row with
//!   `status` `error` and the reason);
//! * `cells.csv` — `path,agency,year,template,table_key,row_key,col_key,value,raw,state,unit,source_kind,origin`
//!   (`template` is the table's version, which is the report's unless the report mixes versions);
//! * `metrics.csv` — `path,agency,year,template,key,value,unit,qualifier,sentence,offset`;
//! * `findings.csv` — `path,agency,year,template,severity,rule,status,table_key,cells,expected,found,message`;
//! * `cross_findings.csv` — `path,agency,year,template,prior_path,prior_year,severity,rule,status,table_key,cells,
//!   prior_cells,expected,found,message`: the cross-report findings, the later report first (its table's version
//!   in `template`), then the same agency's report of the year before ([`crate::check::cross`]).
//!
//! Every row but the report's own carries the report's agency, year and template beside the path, so a question
//! needs no join. Absent cells have no row (absent is not zero); blank and `na` cells have an empty `value` and
//! their `state`. Columns that hold amounts print every number with a decimal point (`24380.0`, `25.1`, see
//! [`real_text`]), so that a reader guessing types from the first rows types them as decimals and never truncates
//! a later fraction. Like every writer this one only formats a [`Report`]; reading and mapping happened before.

use std::fmt::Write;

use crate::check::cross::CrossFinding;
use crate::report::{write_uint, CellKey, FindingStatus, Report, Severity, TableStatus};
use crate::template::Catalog;

/// The four long files, by name.
pub const FILE_NAMES: [&str; 4] = ["reports.csv", "cells.csv", "metrics.csv", "findings.csv"];

/// `reports.csv`'s status of a file that was read.
pub const STATUS_OK: &str = "ok";
/// `reports.csv`'s status of a file that could not be read.
pub const STATUS_ERROR: &str = "error";

/// The columns every file but `reports.csv` starts with: the report and what a question filters it by.
const REPORT_COLUMNS: [&str; 4] = ["path", "agency", "year", "template"];

/// The header rows of the four files, in [`FILE_NAMES`] order: `reports.csv` has a status column per table of
/// `catalog`'s form.
pub fn headers(catalog: &Catalog) -> [Vec<String>; 4] {
    let strings = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let with_report = |names: &[&str]| strings(&REPORT_COLUMNS).into_iter().chain(strings(names)).collect::<Vec<_>>();
    let mut reports = strings(&["path", "status", "error", "kind", "year", "agency", "published", "template"]);
    reports.extend(catalog.table_keys().iter().cloned());
    reports.extend(strings(&["cells", "unplaced", "errors", "warnings", "sha256", "duplicate_of"]));
    [
        reports,
        with_report(&["table_key", "row_key", "col_key", "value", "raw", "state", "unit", "source_kind", "origin"]),
        with_report(&["key", "value", "unit", "qualifier", "sentence", "offset"]),
        with_report(&["severity", "rule", "status", "table_key", "cells", "expected", "found", "message"]),
    ]
}

/// The rows one input contributes to each of the four files, in [`FILE_NAMES`] order.
pub type Rows = [Vec<Vec<String>>; 4];

/// Where the rows of [`emit_report_rows`] go, one at a time: kept as strings ([`Rows`]) or encoded as they come
/// (`bulk` encodes in its workers).
pub trait RowSink {
    /// Sets the fields that every following row of file `file` (an index into [`FILE_NAMES`], not `reports.csv`)
    /// starts with, until they are set again: the columns a report's rows repeat, handed over once.
    fn lead(&mut self, file: usize, fields: &[&str]);

    /// A row of file `file` (an index into [`FILE_NAMES`]): the file's lead fields, then `fields`.
    fn row(&mut self, file: usize, fields: &[&str]);
}

/// [`Rows`] being collected, with the lead fields of each file.
#[derive(Default)]
struct Collected {
    rows: Rows,
    leads: [Vec<String>; 4],
}

impl RowSink for Collected {
    fn lead(&mut self, file: usize, fields: &[&str]) {
        if let Some(lead) = self.leads.get_mut(file) {
            *lead = fields.iter().map(|f| f.to_string()).collect();
        }
    }

    fn row(&mut self, file: usize, fields: &[&str]) {
        if let (Some(rows), Some(lead)) = (self.rows.get_mut(file), self.leads.get(file)) {
            rows.push(lead.iter().cloned().chain(fields.iter().map(|f| f.to_string())).collect());
        }
    }
}

/// What `reports.csv` records about the input file itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct FileFacts<'a> {
    /// SHA-256 of the input bytes, lower-case hex; empty when the file could not be read at all.
    pub sha256: &'a str,
    /// The path of the first report with the same content, or the same agency, year and cells; empty if none.
    pub duplicate_of: &'a str,
}

/// The rows of a report that was read, with a table status for each table of `catalog`'s form.
pub fn report_rows(catalog: &Catalog, path: &str, report: &Report, file: FileFacts) -> Rows {
    let mut rows = Collected::default();
    emit_report_rows(catalog, path, report, file, &mut rows);
    rows.rows
}

/// The rows of [`report_rows`], handed to `sink` one by one.
pub fn emit_report_rows(catalog: &Catalog, path: &str, report: &Report, file: FileFacts, sink: &mut impl RowSink) {
    let status = |t: &str| report.tables.get(t).map_or(TableStatus::Absent, |r| r.status).as_str();
    let count = |severity: Severity| report.findings.iter().filter(|f| f.severity == severity).count().to_string();
    let year = report.year.map(|y| y.to_string()).unwrap_or_default();
    let agency = report.agency.as_deref().unwrap_or_default();
    let template = report.template.as_deref().unwrap_or_default();
    let cells = report.tables.values().map(|t| t.cells.len()).sum::<usize>().to_string();
    let (unplaced, errors, warnings) =
        (report.unplaced.len().to_string(), count(Severity::Error), count(Severity::Warning));
    let mut summary = vec![
        path,
        STATUS_OK,
        "",
        report.kind.as_str(),
        &year,
        agency,
        report.published.as_deref().unwrap_or_default(),
        template,
    ];
    summary.extend(catalog.table_keys().iter().map(|t| status(t)));
    summary.extend([cells.as_str(), &unplaced, &errors, &warnings, file.sha256, file.duplicate_of]);
    sink.row(0, &summary);

    // Buffers for the fields that are formatted, reused from row to row.
    let (mut value, mut origin) = (String::new(), String::new());
    for (table, result) in &report.tables {
        let version = result.template.as_deref().unwrap_or_default();
        sink.lead(1, &[path, agency, &year, version, table]);
        for (key, cell) in &result.cells {
            value.clear();
            if let Some(v) = cell.value {
                push_real(&mut value, v.as_f64());
            }
            origin.clear();
            if let Some(o) = &cell.origin {
                let _ = o.write_to(&mut origin);
            }
            sink.row(
                1,
                &[
                    key.row(),
                    key.col(),
                    &value,
                    &cell.raw,
                    cell.state.as_str(),
                    cell.unit.name().unwrap_or_default(),
                    cell.source.as_str(),
                    &origin,
                ],
            );
        }
    }

    let mut offset = String::new();
    sink.lead(2, &[path, agency, &year, template]);
    for m in &report.metrics {
        value.clear();
        push_real(&mut value, m.value.as_f64());
        offset.clear();
        let _ = write_uint(&mut offset, m.offset as u64);
        let metric =
            [&m.key, &value, m.unit.as_deref().unwrap_or_default(), m.qualifier.as_str(), &m.sentence, &offset];
        sink.row(2, &metric);
    }

    let (mut rule, mut cells, mut expected) = (String::new(), String::new(), String::new());
    let mut found = String::new();
    sink.lead(3, &[path, agency, &year, template]);
    for f in &report.findings {
        rule.clear();
        let _ = write!(rule, "{}", f.rule);
        cells.clear();
        for (i, key) in f.cells.iter().enumerate() {
            if i > 0 {
                cells.push(' ');
            }
            cells.push_str(key.as_str());
        }
        expected.clear();
        if let Some(x) = f.expected {
            push_real(&mut expected, x);
        }
        found.clear();
        if let Some(x) = f.found {
            push_real(&mut found, x);
        }
        let finding = [
            f.severity.as_str(),
            &rule,
            f.status.map(|s| s.as_str()).unwrap_or_default(),
            f.table.as_deref().unwrap_or_default(),
            &cells,
            &expected,
            &found,
            &f.message,
        ];
        sink.row(3, &finding);
    }
}

/// The rows of an input that could not be read: its own line in `reports.csv` (as wide as `headers(catalog)`),
/// nothing elsewhere.
pub fn error_rows(catalog: &Catalog, path: &str, reason: &str, file: FileFacts) -> Rows {
    let [reports, ..] = headers(catalog);
    let mut summary = vec![path.to_string(), STATUS_ERROR.to_string(), reason.to_string()];
    summary.resize(reports.len() - 2, String::new());
    summary.extend([file.sha256.to_string(), file.duplicate_of.to_string()]);
    [vec![summary], Vec::new(), Vec::new(), Vec::new()]
}

/// The file of cross-report findings.
pub const CROSS_FILE_NAME: &str = "cross_findings.csv";

/// The header of [`CROSS_FILE_NAME`].
pub fn cross_header() -> Vec<String> {
    let rest = [
        "prior_path",
        "prior_year",
        "severity",
        "rule",
        "status",
        "table_key",
        "cells",
        "prior_cells",
        "expected",
        "found",
        "message",
    ];
    REPORT_COLUMNS.iter().chain(rest.iter()).map(|c| c.to_string()).collect()
}

/// A report a cross-report finding names.
#[derive(Debug, Clone, Copy)]
pub struct ReportRef<'a> {
    pub path: &'a str,
    pub agency: &'a str,
    pub year: Option<i32>,
}

/// The row of a cross-report finding between `prior` and `later`, whose table is of version `template`.
pub fn cross_row(prior: ReportRef, later: ReportRef, template: &str, f: &CrossFinding) -> Vec<String> {
    let year = |y: Option<i32>| y.map(|y| y.to_string()).unwrap_or_default();
    let keys = |cells: &[CellKey]| cells.iter().map(CellKey::as_str).collect::<Vec<_>>().join(" ");
    vec![
        later.path.to_string(),
        later.agency.to_string(),
        year(later.year),
        template.to_string(),
        prior.path.to_string(),
        year(prior.year),
        f.severity.to_string(),
        f.rule.clone(),
        FindingStatus::Failed.as_str().to_string(),
        f.table.clone(),
        keys(&f.cells),
        keys(&f.prior_cells),
        real_text(f.expected),
        real_text(f.found),
        f.message.clone(),
    ]
}

/// Sets the `duplicate_of` column of an input's `reports.csv` row, once the batch knows it.
pub fn set_duplicate_of(rows: &mut Rows, duplicate_of: &str) {
    if let Some(last) = rows[0].first_mut().and_then(|row| row.last_mut()) {
        *last = duplicate_of.to_string();
    }
}

/// A number in a column of amounts: always with a decimal point (`24380.0`, `25.1`, `-3.0`), the shortest text
/// that reads back as the same number. A whole number printed without one would let a reader that guesses column
/// types from the first rows (DuckDB, for one) type the column as integers and round a later `25.1` to 25.
pub fn real_text(x: f64) -> String {
    let mut text = String::new();
    push_real(&mut text, x);
    text
}

/// [`real_text`], appended to `out`.
pub fn push_real(out: &mut String, x: f64) {
    // A whole number that an i64 holds exactly prints as that integer and `.0` (what `{:.1}` prints, without its
    // exact decimal expansion); `-0.0` keeps its sign through the general path.
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    let _ = if x.fract() == 0.0 && x.abs() < EXACT && !(x == 0.0 && x.is_sign_negative()) {
        let whole = x as i64;
        if whole < 0 {
            out.push('-');
        }
        let _ = write_uint(out, whole.unsigned_abs());
        out.push_str(".0");
        Ok(())
    } else if x.fract() == 0.0 {
        write!(out, "{x:.1}")
    } else {
        write!(out, "{x}")
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_amounts_print_as_the_general_format_prints_them() {
        for x in [0.0, -0.0, 1.0, -3.0, 24380.0, 1e15, -1e15, 9_007_199_254_740_991.0, 9_007_199_254_740_992.0, 1e300] {
            assert_eq!(real_text(x), format!("{x:.1}"), "{x}");
        }
        assert_eq!(real_text(25.1), "25.1");
        assert_eq!(real_text(f64::NAN), "NaN");
        for x in [-9_007_199_254_740_991.0, -1.0, 7.0, 10.0, 99.0, 100.0, 123_456_789.0] {
            assert_eq!(real_text(x), format!("{x:.1}"), "{x}");
        }
    }

    #[test]
    fn every_row_has_its_file_header_width() {
        let report = crate::inspect_bytes(
            "二、主动公开政府信息情况\n信息内容 本年处理决定数量\n行政许可 5\n行政强制 /\n".as_bytes(),
            "a.txt",
        )
        .expect("readable");
        let catalog = Catalog::embedded();
        let file = FileFacts { sha256: "ab12", duplicate_of: "" };
        let mut rows = report_rows(catalog, "a.txt", &report, file);
        let headers = headers(catalog);
        assert_eq!(headers[0][8..11], ["t2", "t3", "t4"]);
        assert_eq!(headers[0][15..], ["sha256", "duplicate_of"]);
        for (i, (name, header)) in FILE_NAMES.iter().zip(&headers).enumerate() {
            for row in &rows[i] {
                assert_eq!(row.len(), header.len(), "{name}");
            }
        }
        let cells = &rows[1];
        assert_eq!(cells.len(), 2);
        assert_eq!(cells[0][4..10], ["t2", "admin_licensing", "decisions", "5.0", "5", "value"]);
        assert_eq!(cells[1][7..10], ["", "/", "na"]);
        set_duplicate_of(&mut rows, "b.txt");
        assert_eq!(rows[0][0][15..], ["ab12", "b.txt"]);
        let errors = error_rows(catalog, "b.txt", "empty file", FileFacts { sha256: "e3b0", duplicate_of: "" });
        assert_eq!(errors[0][0].len(), headers[0].len());
        assert_eq!(errors[0][0][1..3], ["error", "empty file"]);
        assert_eq!(errors[0][0][15], "e3b0");
    }

    #[test]
    fn amounts_always_print_a_decimal_point() {
        assert_eq!(real_text(24380.0), "24380.0");
        assert_eq!(real_text(-3.0), "-3.0");
        assert_eq!(real_text(0.0), "0.0");
        assert_eq!(real_text(25.1), "25.1");
        assert_eq!(real_text(9.63211), "9.63211");
        assert_eq!(real_text(278.334), "278.334");
        assert_eq!(real_text(1e16), "10000000000000000.0");
    }
}
