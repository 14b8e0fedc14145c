//! CSV output: one file per table, `row_key,row_label,` then one column per template column of the table, then
//! `source` (`table`, or `prose` for values a report without tables states in its text), then `marks`.
//!
//! Rows follow the template's order. The value columns hold numbers only, so a program reads them as numeric
//! columns: a cell that holds no number is empty there, and `marks` says why, one `<column>=<state>` per such
//! cell joined by `;` — `blank` (printed empty), `na:<mark>` (a not-applicable mark such as `/`, as printed) or
//! `absent` (the source does not have the cell). A row's cells that the row does not have (表二's blocks have
//! different columns) are empty and have no mark. An absent table has no CSV at all (the caller says so on
//! stderr).

use crate::report::{CellKey, CellSource, CellState, CellValue, Report, TableResult, TableStatus};
use crate::template::{Catalog, TableSpec};
use crate::write::{drawing_spec, table_result, OutputFile, SourceInfo, WriteError, Writer};

/// How the header line names the value columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Header {
    /// The printed column labels (`自然人`).
    #[default]
    Labels,
    /// The machine keys (`natural_person`).
    Keys,
}

/// CSV options.
#[derive(Debug, Clone, Copy)]
pub struct CsvOptions {
    pub header: Header,
    /// Start with a UTF-8 byte-order mark, so spreadsheet programs detect the encoding.
    pub bom: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions { header: Header::Labels, bom: true }
    }
}

/// `<stem>_t2.csv`, `_t3.csv`, `_t4.csv`: one CSV per table of `catalog`'s form; none for a table the report
/// lacks.
pub struct CsvWriter<'c> {
    pub catalog: &'c Catalog,
    pub options: CsvOptions,
}

impl Writer for CsvWriter<'_> {
    fn files(&self, report: &Report, _source: &SourceInfo) -> Result<Vec<OutputFile>, WriteError> {
        let mut files = Vec::new();
        for key in self.catalog.table_keys() {
            let suffix = format!("_{key}.csv");
            files.push(match table_csv(self.catalog, report, key, self.options)? {
                Some(bytes) => OutputFile::Made { suffix, bytes },
                None => OutputFile::Skipped { suffix, reason: format!("{key} absent from the report") },
            });
        }
        Ok(files)
    }
}

/// The CSV of one table, drawn with `catalog`'s templates, or `None` when the table is absent from the report.
pub fn table_csv(
    catalog: &Catalog,
    report: &Report,
    table: &str,
    options: CsvOptions,
) -> Result<Option<Vec<u8>>, WriteError> {
    let absent = TableResult::absent();
    let result = table_result(report, table, &absent);
    // An absent table has no CSV, unless the prose supplied some of its cells (a pre-2019 report).
    if result.status == TableStatus::Absent && result.cells.is_empty() {
        return Ok(None);
    }
    let Some(spec) = drawing_spec(catalog, report, table) else {
        return Ok(None);
    };
    let columns = spec.ordered_columns();
    let mut out = Vec::new();
    if options.bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    {
        let mut w = ::csv::Writer::from_writer(&mut out);
        let mut header = vec!["row_key".to_string(), "row_label".to_string()];
        match options.header {
            Header::Labels => header.extend(column_labels(spec)),
            Header::Keys => header.extend(columns.iter().map(|c| c.key.clone())),
        }
        let names: Vec<String> = header.iter().skip(2).cloned().collect();
        header.push("source".to_string());
        header.push("marks".to_string());
        w.write_record(&header)?;
        for row in &spec.rows {
            let mut record = vec![row.key.clone(), row_label(spec, &row.key)];
            let mut marks = Vec::new();
            for (col, name) in columns.iter().zip(&names) {
                if !row.columns.contains(&col.key) {
                    record.push(String::new());
                    continue;
                }
                let (number, mark) = field(result.cells.get(&CellKey::new(&row.key, &col.key)));
                record.push(number);
                if let Some(mark) = mark {
                    marks.push(format!("{name}={mark}"));
                }
            }
            record.push(row_source(result, &row.key));
            record.push(marks.join(";"));
            w.write_record(&record)?;
        }
        w.flush().map_err(::csv::Error::from)?;
    }
    Ok(Some(out))
}

/// A template cell as a CSV field and its mark: the number, or an empty field and why it is empty.
fn field(cell: Option<&CellValue>) -> (String, Option<String>) {
    match cell {
        None => (String::new(), Some("absent".to_string())),
        Some(cell) => match (cell.state, cell.value) {
            (CellState::Value, Some(v)) => (v.to_string(), None),
            // A value cell without a number does not occur; say it is absent rather than invent one.
            (CellState::Value, None) => (String::new(), Some("absent".to_string())),
            (CellState::Blank, _) => (String::new(), Some("blank".to_string())),
            (CellState::Na, _) => (String::new(), Some(format!("na:{}", cell.raw.trim()))),
        },
    }
}

/// The `row_label` of a row: its printed label (`1.属于国家秘密`). 表四's one row,
/// which the form prints without a label, is named by the table's title without its number
/// (`政府信息公开行政复议、行政诉讼情况`).
pub fn row_label(spec: &TableSpec, row_key: &str) -> String {
    let label = spec.rows.iter().find(|r| r.key == row_key).map(|r| r.label.as_str()).unwrap_or_default();
    if !label.is_empty() {
        return label.to_string();
    }
    let title = spec.title.trim();
    title.split_once('、').map_or(title, |(_, rest)| rest).to_string()
}

/// The printed labels of a table's value columns, in CSV order. A label printed over several columns (表四's
/// `结果维持` under 行政复议 and twice under 行政诉讼) is qualified by the headers above it (`行政复议/结果维持`),
/// so every CSV column has a distinct name.
pub fn column_labels(spec: &TableSpec) -> Vec<String> {
    let columns = spec.ordered_columns();
    let labels = spec.labels();
    columns
        .iter()
        .map(|c| {
            let repeated = columns.iter().filter(|o| o.label == c.label).count() > 1;
            let first_row = spec.rows.iter().find(|r| r.columns.contains(&c.key));
            match first_row {
                Some(row) if repeated => labels.column(&CellKey::new(&row.key, &c.key)).to_string(),
                _ => c.label.clone(),
            }
        })
        .collect()
}

/// Where a row's values came from: `table`, `prose`, both joined by `+`, or empty for a row with no cells.
fn row_source(result: &TableResult, row_key: &str) -> String {
    let mut sources: Vec<&str> = Vec::new();
    for (key, cell) in &result.cells {
        if key.row() == row_key {
            let source = match cell.source {
                CellSource::Table => "table",
                CellSource::Prose => "prose",
            };
            if !sources.contains(&source) {
                sources.push(source);
            }
        }
    }
    sources.join("+")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::IndexMap;
    use crate::report::{Amount, CellSource, CellValue, DocKind, Unit};

    fn cell(value: Option<Amount>, raw: &str, state: CellState) -> CellValue {
        CellValue { value, raw: raw.into(), state, unit: Unit::NotMoney, source: CellSource::Table, origin: None }
    }

    fn report_with_t2() -> Report {
        let mut cells = IndexMap::default();
        cells.insert(
            CellKey::parse("regulations.issued").expect("key"),
            cell(Some(Amount::Int(3)), "3", CellState::Value),
        );
        cells.insert(CellKey::parse("regulations.repealed").expect("key"), cell(None, "", CellState::Blank));
        cells.insert(CellKey::parse("regulations.in_force").expect("key"), cell(None, "/", CellState::Na));
        cells.insert(
            CellKey::parse("admin_fees.fee_amount").expect("key"),
            cell(Some(Amount::Real(9.63211)), "9.63211", CellState::Value),
        );
        let mut tables = IndexMap::default();
        tables.insert(
            "t2".to_string(),
            TableResult {
                status: TableStatus::Partial,
                template: Some("gov2021".into()),
                cells,
                declared_absent: Vec::new(),
            },
        );
        tables.insert("t3".to_string(), TableResult::absent());
        Report {
            source: "x".into(),
            kind: DocKind::AnnualReport,
            year: Some(2022),
            agency: None,
            published: None,
            template: Some("gov2021".into()),
            tables,
            unplaced: Vec::new(),
            findings: Vec::new(),
            sections: Vec::new(),
            metrics: Vec::new(),
        }
    }

    #[test]
    fn rows_in_template_order_with_blank_na_and_absent_cells() {
        let report = report_with_t2();
        let bytes = table_csv(Catalog::embedded(), &report, "t2", CsvOptions { header: Header::Keys, bom: false })
            .expect("csv")
            .expect("t2 present");
        let text = String::from_utf8(bytes).expect("utf-8");
        assert_eq!(
            text,
            "row_key,row_label,issued,repealed,in_force,decisions,fee_amount,source,marks\n\
             regulations,规章,3,,,,,table,repealed=blank;in_force=na:/\n\
             normative_documents,行政规范性文件,,,,,,,issued=absent;repealed=absent;in_force=absent\n\
             admin_licensing,行政许可,,,,,,,decisions=absent\n\
             admin_penalty,行政处罚,,,,,,,decisions=absent\n\
             admin_coercion,行政强制,,,,,,,decisions=absent\n\
             admin_fees,行政事业性收费,,,,,9.63211,table,\n"
        );
    }

    #[test]
    fn labels_header_and_bom_by_default_and_absent_tables_give_nothing() {
        let report = report_with_t2();
        let bytes = table_csv(Catalog::embedded(), &report, "t2", CsvOptions::default()).expect("csv").expect("t2");
        assert!(bytes.starts_with("\u{feff}row_key,row_label,本年制发件数,".as_bytes()));
        assert!(table_csv(Catalog::embedded(), &report, "t3", CsvOptions::default()).expect("csv").is_none());
        assert!(table_csv(Catalog::embedded(), &report, "t4", CsvOptions::default()).expect("csv").is_none());
    }
}
