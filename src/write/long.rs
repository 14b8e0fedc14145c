//! Long-format CSV for many reports at once: one row per report, per cell, per metric, per finding, each row
//! starting with the report's source so the files can be filtered, joined and pivoted.
//!
//! * `reports.csv` — `source,status,error,kind,year,agency,published,template,t2,t3,t4,cells,unplaced,errors,warnings`,
//!   one status column per table of the form (a file that could not be read is a row with `status` `error` and the
//!   reason);
//! * `cells.csv` — `source,table,template,row_key,col_key,value,raw,state,unit,from,origin`;
//! * `metrics.csv` — `source,key,value,unit,qualifier,sentence,offset`;
//! * `findings.csv` — `source,severity,rule,status,table,cells,expected,found,message`.
//!
//! Absent cells have no row (absent is not zero); blank and `na` cells have an empty `value` and their `state`.
//! Like every writer this one only formats a [`Report`]; reading and mapping happened before.

use crate::report::{Amount, CellSource, CellState, Qualifier, Report, Severity, TableStatus};
use crate::template::Catalog;

/// The four long files, by name.
pub const FILE_NAMES: [&str; 4] = ["reports.csv", "cells.csv", "metrics.csv", "findings.csv"];

/// `reports.csv`'s status of a file that was read.
pub const STATUS_OK: &str = "ok";
/// `reports.csv`'s status of a file that could not be read.
pub const STATUS_ERROR: &str = "error";

/// The header rows of the four files, in [`FILE_NAMES`] order: `reports.csv` has a status column per table of
/// `catalog`'s form.
pub fn headers(catalog: &Catalog) -> [Vec<String>; 4] {
    let strings = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let mut reports = strings(&["source", "status", "error", "kind", "year", "agency", "published", "template"]);
    reports.extend(catalog.table_keys().iter().cloned());
    reports.extend(strings(&["cells", "unplaced", "errors", "warnings"]));
    [
        reports,
        strings(&[
            "source", "table", "template", "row_key", "col_key", "value", "raw", "state", "unit", "from", "origin",
        ]),
        strings(&["source", "key", "value", "unit", "qualifier", "sentence", "offset"]),
        strings(&["source", "severity", "rule", "status", "table", "cells", "expected", "found", "message"]),
    ]
}

/// The rows one input contributes to each of the four files, in [`FILE_NAMES`] order.
pub type Rows = [Vec<Vec<String>>; 4];

/// The rows of a report that was read, with a table status for each table of `catalog`'s form.
pub fn report_rows(catalog: &Catalog, source: &str, report: &Report) -> Rows {
    let status = |t: &str| report.tables.get(t).map_or(TableStatus::Absent, |r| r.status).as_str().to_string();
    let count = |severity: Severity| report.findings.iter().filter(|f| f.severity == severity).count().to_string();
    let mut summary = vec![
        source.to_string(),
        STATUS_OK.to_string(),
        String::new(),
        report.kind.as_str().to_string(),
        report.year.map(|y| y.to_string()).unwrap_or_default(),
        report.agency.clone().unwrap_or_default(),
        report.published.clone().unwrap_or_default(),
        report.template.clone().unwrap_or_default(),
    ];
    summary.extend(catalog.table_keys().iter().map(|t| status(t)));
    summary.extend([
        report.tables.values().map(|t| t.cells.len()).sum::<usize>().to_string(),
        report.unplaced.len().to_string(),
        count(Severity::Error),
        count(Severity::Warning),
    ]);

    let mut cells = Vec::new();
    for (table, result) in &report.tables {
        for (key, cell) in &result.cells {
            cells.push(vec![
                source.to_string(),
                table.clone(),
                result.template.clone().unwrap_or_default(),
                key.row().to_string(),
                key.col().to_string(),
                cell.value.map(amount_text).unwrap_or_default(),
                cell.raw.clone(),
                match cell.state {
                    CellState::Value => "value",
                    CellState::Blank => "blank",
                    CellState::Na => "na",
                }
                .to_string(),
                cell.unit.name().unwrap_or_default().to_string(),
                match cell.source {
                    CellSource::Table => "table",
                    CellSource::Prose => "prose",
                }
                .to_string(),
                cell.origin.as_ref().map(ToString::to_string).unwrap_or_default(),
            ]);
        }
    }

    let metrics = report
        .metrics
        .iter()
        .map(|m| {
            vec![
                source.to_string(),
                m.key.clone(),
                amount_text(m.value),
                m.unit.clone().unwrap_or_default(),
                match m.qualifier {
                    Qualifier::Exact => "exact",
                    Qualifier::Approx => "approx",
                    Qualifier::AtLeast => "at_least",
                    Qualifier::AtMost => "at_most",
                }
                .to_string(),
                m.sentence.clone(),
                m.offset.to_string(),
            ]
        })
        .collect();

    let findings = report
        .findings
        .iter()
        .map(|f| {
            vec![
                source.to_string(),
                f.severity.to_string(),
                f.rule.to_string(),
                f.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
                f.table.clone().unwrap_or_default(),
                f.cells.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" "),
                f.expected.map(|v| v.to_string()).unwrap_or_default(),
                f.found.map(|v| v.to_string()).unwrap_or_default(),
                f.message.clone(),
            ]
        })
        .collect();

    [vec![summary], cells, metrics, findings]
}

/// The rows of an input that could not be read: its own line in `reports.csv` (as wide as `headers(catalog)`),
/// nothing elsewhere.
pub fn error_rows(catalog: &Catalog, source: &str, reason: &str) -> Rows {
    let [reports, ..] = headers(catalog);
    let mut summary = vec![source.to_string(), STATUS_ERROR.to_string(), reason.to_string()];
    summary.resize(reports.len(), String::new());
    [vec![summary], Vec::new(), Vec::new(), Vec::new()]
}

fn amount_text(a: Amount) -> String {
    a.to_string()
}

/// A number in a column of amounts: always with a decimal point (`24380.0`, `25.1`, `-3.0`), the shortest text
/// that reads back as the same number. A whole number printed without one would let a reader that guesses column
/// types from the first rows (DuckDB, for one) type the column as integers and round a later `25.1` to 25.
pub fn real_text(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.1}")
    } else {
        x.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_has_its_file_header_width() {
        let report = crate::inspect_bytes(
            "二、主动公开政府信息情况\n信息内容 本年处理决定数量\n行政许可 5\n行政强制 /\n".as_bytes(),
            "a.txt",
        )
        .expect("readable");
        let catalog = Catalog::embedded();
        let rows = report_rows(catalog, "a.txt", &report);
        let headers = headers(catalog);
        assert_eq!(headers[0][8..11], ["t2", "t3", "t4"]);
        for (i, (name, header)) in FILE_NAMES.iter().zip(&headers).enumerate() {
            for row in &rows[i] {
                assert_eq!(row.len(), header.len(), "{name}");
            }
        }
        let cells = &rows[1];
        assert_eq!(cells.len(), 2);
        assert_eq!(cells[0][3..8], ["admin_licensing", "decisions", "5", "5", "value"]);
        assert_eq!(cells[1][5..8], ["", "/", "na"]);
        let errors = error_rows(catalog, "b.txt", "empty file");
        assert_eq!(errors[0][0].len(), headers[0].len());
        assert_eq!(errors[0][0][1..3], ["error", "empty file"]);
    }

    #[test]
    fn amounts_always_print_a_decimal_point() {
        assert_eq!(real_text(24380.0), "24380.0");
        assert_eq!(real_text(-3.0), "-3.0");
        assert_eq!(real_text(0.0), "0.0");
        assert_eq!(real_text(25.1), "25.1");
        assert_eq!(real_text(9.63211), "9.63211");
        assert_eq!(real_text(1e16), "10000000000000000.0");
    }
}
