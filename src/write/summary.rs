//! `summary.xlsx` of `bulk`: a batch of reports at a glance, for officials who do not use pandas.
//!
//! Sheets, in order:
//! * **概览** — the counts of the batch, and three native charts with the figures they draw: a table's cell summed
//!   per year (表三's applications received), a table's mix (表三's outcomes, summed over every report) and the
//!   agencies with the most errors;
//! * one sheet per table (`表二 主动公开` …) — one row per report (agency, year, the table's version and status, its
//!   key cells, its number of errors, the file), sorted by agency and year, with autofilters, frozen headers and a
//!   totals row that sums the rows left visible by the filters (`SUBTOTAL(109, …)`);
//! * **问题** — every error and warning of every report, sorted the same way;
//! * **跨年核对** — the cross-report findings.
//!
//! What each table shows (key cells, the per-year cell, the mix) is the `summary` of its template version
//! (`templates/`); the columns are the key cells of every version, in order. The reports are those `bulk` read as
//! annual reports, each content once (a duplicate is left out). Blank, not-applicable and absent cells are empty and
//! count for nothing in the totals.
//!
//! The workbook is written row by row in constant memory: [`SummaryBook`] takes the reports already sorted, as
//! [`SummaryEntry`]s (what a report contributes, small enough to be kept on disk until the batch is sorted), and
//! [`Totals`] gathers the charts' figures as the reports stream. The output depends only on the entries: the
//! creation date is the year after the newest report's, never the clock.

use crate::hash::HashMap;
use std::collections::BTreeMap;
use std::io::{Seek, Write};

use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartLegendPosition, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder,
    Formula, Workbook, Worksheet, XlsxError,
};
use serde::{Deserialize, Serialize};

use super::wide::merge_in_order;
use crate::check::cross::{CrossFinding, Figures};
use crate::check::Labels;
use crate::report::{CellKey, CellState, Report, Rule, Severity, TableStatus, Unit};
use crate::template::{Catalog, MixPart, ValueKind};

/// The file's name.
pub const FILE_NAME: &str = "summary.xlsx";

/// The rows a worksheet can hold.
const MAX_ROWS: u32 = 1_048_576;

/// The agencies the errors chart shows.
const TOP_AGENCIES: usize = 15;

/// What the workbook shows of every table, from the templates of a catalog.
#[derive(Debug, Clone)]
pub struct SummaryLayout {
    tables: Vec<TableLayout>,
    /// Printed names of every version's cells, to name a finding's cells.
    labels: HashMap<(String, String), Labels>,
    /// Per version and table: the per-year cell, and the mix parts with their cells.
    charted: HashMap<(String, String), (Option<CellKey>, Vec<MixPart>)>,
    /// Every rule id of the templates with its Chinese name, and the glossary's checks.
    rule_names: HashMap<String, String>,
    severity_names: HashMap<Severity, String>,
    status_names: HashMap<TableStatus, String>,
}

#[derive(Debug, Clone)]
struct TableLayout {
    key: String,
    /// `表三 依申请公开`.
    sheet: String,
    /// `表三`.
    name: String,
    columns: Vec<Column>,
    per_year_title: Option<String>,
    /// Mix parts by key, with the newest version's label.
    mix: Vec<(String, String)>,
    mix_title: Option<String>,
}

#[derive(Debug, Clone)]
struct Column {
    key: CellKey,
    label: String,
    money: bool,
}

/// What one report contributes to the workbook.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SummaryEntry {
    pub path: String,
    pub agency: Option<String>,
    pub year: Option<i32>,
    tables: Vec<TableEntry>,
    findings: Vec<FindingEntry>,
    /// What the cross-report checks read of the report.
    pub figures: Figures,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct TableEntry {
    status: TableStatus,
    template: Option<String>,
    /// Per column of the table's layout.
    values: Vec<Option<f64>>,
    errors: u32,
    per_year: Option<f64>,
    /// Per mix part of the table's layout.
    mix: Vec<Option<f64>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct FindingEntry {
    severity: Severity,
    rule: String,
    table: String,
    cells: String,
    message: String,
}

/// The counts of the batch the overview prints.
#[derive(Debug, Clone, Copy, Default)]
pub struct BatchCounts {
    /// Files read.
    pub read: u64,
    /// Files that could not be read.
    pub failed: u64,
    /// Files read that are the same report as an earlier one.
    pub duplicates: u64,
    /// Files skipped as no report (images, archives, data files).
    pub skipped: u64,
}

/// The charts' figures, gathered as the reports stream.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    reports: u64,
    /// Per table, per year: the sum of the per-year cell, and the number of reports that printed it.
    per_year: Vec<BTreeMap<i32, (f64, u64)>>,
    /// Per table, per mix part.
    mix: Vec<Vec<f64>>,
    errors_by_agency: BTreeMap<String, u64>,
    newest_year: Option<i32>,
}

impl SummaryEntry {
    /// The version of one of the report's tables.
    pub fn table_template<'e>(&'e self, layout: &SummaryLayout, table: &str) -> Option<&'e str> {
        let at = layout.tables.iter().position(|t| t.key == table)?;
        self.tables.get(at)?.template.as_deref()
    }
}

impl SummaryLayout {
    /// The layout of every table of `catalog`'s form.
    pub fn new(catalog: &Catalog) -> SummaryLayout {
        let mut labels = HashMap::default();
        let mut charted = HashMap::default();
        let mut rule_names: HashMap<String, String> = HashMap::default();
        for template in catalog.all() {
            for spec in &template.tables {
                let key = (template.version.clone(), spec.key.clone());
                labels.insert(key.clone(), spec.labels().clone());
                let per_year = spec.summary.per_year.as_deref().and_then(|k| CellKey::parse(k).ok());
                charted.insert(key, (per_year, spec.mix().to_vec()));
                for rule in &spec.rules {
                    rule_names.entry(rule.id.clone()).or_insert_with(|| rule.name.clone());
                }
            }
        }
        let glossary = catalog.glossary();
        for rule in Rule::built_in() {
            let id = rule.to_string();
            if let Some(entry) = glossary.check(&id) {
                rule_names.insert(id, entry.label.clone());
            }
        }
        let value_names =
            |set: &str, value: &str| glossary.value(set, value).map_or_else(|| value.to_string(), |e| e.label.clone());
        let tables = catalog.table_keys().iter().map(|key| table_layout(catalog, &labels, key)).collect();
        SummaryLayout {
            tables,
            labels,
            charted,
            rule_names,
            severity_names: Severity::ALL.iter().map(|s| (*s, value_names("severity", s.as_str()))).collect(),
            status_names: TableStatus::ALL.iter().map(|s| (*s, value_names("table_status", s.as_str()))).collect(),
        }
    }

    /// What a report contributes; `figures` are what the cross-report checks read of it.
    pub fn entry(&self, path: &str, report: &Report, figures: Figures) -> SummaryEntry {
        let tables = self
            .tables
            .iter()
            .map(|layout| {
                let table = report.tables.get(&layout.key);
                let version = table.and_then(|t| t.template.as_deref());
                let charted = version.and_then(|v| self.charted.get(&(v.to_string(), layout.key.clone())));
                let number = |key: &CellKey| {
                    let cell = table?.cells.get(key)?;
                    if cell.state != CellState::Value || cell.unit == Unit::Unstated {
                        return None;
                    }
                    cell.value.map(|v| v.as_f64())
                };
                let sum = |keys: &[CellKey]| -> Option<f64> {
                    let values: Vec<f64> = keys.iter().filter_map(number).collect();
                    (!values.is_empty()).then(|| values.iter().sum())
                };
                let per_year = charted.and_then(|(k, _)| k.as_ref()).and_then(number);
                let mix = layout
                    .mix
                    .iter()
                    .map(|(part, _)| {
                        let parts = charted.map(|(_, parts)| parts.as_slice()).unwrap_or_default();
                        parts.iter().find(|m| m.key == *part).and_then(|m| sum(&m.cells))
                    })
                    .collect();
                let errors = report
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error && f.table.as_deref() == Some(&layout.key))
                    .count();
                TableEntry {
                    status: table.map_or(TableStatus::Absent, |t| t.status),
                    template: version.map(str::to_string),
                    values: layout.columns.iter().map(|c| number(&c.key)).collect(),
                    errors: u32::try_from(errors).unwrap_or(u32::MAX),
                    per_year,
                    mix,
                }
            })
            .collect();
        let findings = report
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .map(|f| {
                let table = f.table.as_deref().unwrap_or_default();
                let version = report.tables.get(table).and_then(|t| t.template.clone()).or(report.template.clone());
                let labels = version.and_then(|v| self.labels.get(&(v, table.to_string())));
                let cells = f
                    .cells
                    .iter()
                    .map(|k| labels.map_or_else(|| k.as_str().to_string(), |l| l.cell(k)))
                    .collect::<Vec<_>>()
                    .join("、");
                let id = f.rule.to_string();
                let rule = match self.rule_names.get(&id) {
                    Some(name) => format!("{id} {name}"),
                    None => id,
                };
                let table_name =
                    self.tables.iter().find(|t| t.key == table).map_or_else(|| table.to_string(), |t| t.name.clone());
                FindingEntry { severity: f.severity, rule, table: table_name, cells, message: f.message.clone() }
            })
            .collect();
        SummaryEntry {
            path: path.to_string(),
            agency: report.agency.clone(),
            year: report.year,
            tables,
            findings,
            figures,
        }
    }
}

fn table_layout(catalog: &Catalog, labels: &HashMap<(String, String), Labels>, key: &str) -> TableLayout {
    let versions: Vec<_> = catalog.all().iter().filter_map(|t| t.table(key).map(|s| (t, s))).collect();
    let cells = merge_in_order(
        versions.iter().map(|(_, s)| s.summary.cells.iter().filter_map(|c| CellKey::parse(c).ok()).collect::<Vec<_>>()),
    );
    let columns = cells
        .into_iter()
        .map(|cell| {
            // The newest version that has the cell names it.
            let newest = versions.iter().rev().find(|(_, s)| s.cell_keys().contains(&cell));
            let label = newest
                .and_then(|(t, _)| labels.get(&(t.version.clone(), key.to_string())))
                .map_or_else(|| cell.as_str().to_string(), |l| short_label(l, &cell));
            let money = newest.and_then(|(_, s)| s.column(cell.col())).is_some_and(|c| c.kind == ValueKind::Money);
            Column { key: cell, label, money }
        })
        .collect();
    let mix_keys = merge_in_order(versions.iter().map(|(_, s)| s.mix().iter().map(|m| m.key.clone()).collect()));
    let mix = mix_keys
        .into_iter()
        .map(|part| {
            let label = versions
                .iter()
                .rev()
                .find_map(|(_, s)| s.mix().iter().find(|m| m.key == part).map(|m| m.label.clone()))
                .unwrap_or_else(|| part.clone());
            (part, label)
        })
        .collect();
    let newest = versions.last().map(|(_, s)| *s);
    TableLayout {
        key: key.to_string(),
        sheet: newest.map_or_else(|| key.to_string(), |s| format!("{} {}", s.name, s.sheet)),
        name: newest.map_or_else(|| key.to_string(), |s| s.name.clone()),
        columns,
        per_year_title: versions.iter().rev().find_map(|(_, s)| s.summary.per_year_title.clone()),
        mix,
        mix_title: versions.iter().rev().find_map(|(_, s)| s.summary.mix_title.clone()),
    }
}

/// A column header: the row label and the column's, or the column's alone for a row printed without a label.
fn short_label(labels: &Labels, cell: &CellKey) -> String {
    let row = labels.row(cell.row());
    if row.is_empty() {
        labels.column(cell).to_string()
    } else {
        format!("{row}｜{}", labels.column(cell))
    }
}

impl Totals {
    /// Adds a report's figures.
    pub fn add(&mut self, layout: &SummaryLayout, entry: &SummaryEntry) {
        self.reports += 1;
        self.per_year.resize_with(layout.tables.len(), BTreeMap::new);
        self.mix.resize_with(layout.tables.len(), Vec::new);
        for (i, (table, layout)) in entry.tables.iter().zip(&layout.tables).enumerate() {
            if let (Some(year), Some(value), Some(per_year)) = (entry.year, table.per_year, self.per_year.get_mut(i)) {
                let slot = per_year.entry(year).or_default();
                slot.0 += value;
                slot.1 += 1;
            }
            if let Some(mix) = self.mix.get_mut(i) {
                mix.resize(layout.mix.len(), 0.0);
                for (sum, value) in mix.iter_mut().zip(&table.mix) {
                    *sum += value.unwrap_or(0.0);
                }
            }
        }
        let errors = entry.tables.iter().map(|t| u64::from(t.errors)).sum::<u64>();
        if errors > 0 {
            *self.errors_by_agency.entry(agency_name(entry.agency.as_deref())).or_default() += errors;
        }
        self.newest_year = self.newest_year.max(entry.year);
    }
}

fn agency_name(agency: Option<&str>) -> String {
    agency.unwrap_or("（未识别机关）").to_string()
}

/// The formats of the workbook.
#[derive(Clone)]
struct Formats {
    header: Format,
    text: Format,
    count: Format,
    money: Format,
    total_label: Format,
    total_count: Format,
    total_money: Format,
    title: Format,
    note: Format,
}

impl Formats {
    fn new() -> Formats {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color("#DDEBF7")
            .set_border(FormatBorder::Thin);
        let total = Format::new().set_bold().set_border_top(FormatBorder::Double).set_background_color("#F2F2F2");
        Formats {
            header,
            text: Format::new().set_align(FormatAlign::VerticalCenter),
            count: Format::new().set_num_format("#,##0"),
            money: Format::new().set_num_format("#,##0.00##"),
            total_label: total.clone(),
            total_count: total.clone().set_num_format("#,##0"),
            total_money: total.set_num_format("#,##0.00##"),
            title: Format::new().set_bold().set_font_size(16),
            note: Format::new().set_font_color("#595959").set_italic(),
        }
    }
}

/// The workbook being written: sheets in constant memory, filled with reports in sorted order.
///
/// Its two parts fill different sheets and can be filled at once, each on a thread of its own (see
/// [`SummaryBook::parts`]): the table sheets, and the sheets of findings.
pub struct SummaryBook<'l> {
    layout: &'l SummaryLayout,
    workbook: Workbook,
    formats: Formats,
    tables: TableSheets<'l>,
    notes: NoteSheets<'l>,
}

/// The table sheets of a [`SummaryBook`]: one row per report.
pub struct TableSheets<'l> {
    layout: &'l SummaryLayout,
    formats: Formats,
    /// Per table: its sheet, the next row, the column sums, the reports left out beyond the sheet's last row.
    sheets: Vec<(Worksheet, SheetState)>,
}

/// The findings sheets of a [`SummaryBook`]: every report's errors and warnings, and the cross-report findings.
///
/// They write no cell with a format of its own while they are filled (they have none to write): the workbook numbers
/// its formats in the order the table sheets first use them, the same whether the two parts are filled one after
/// the other or at once, and the file is the same.
pub struct NoteSheets<'l> {
    layout: &'l SummaryLayout,
    findings: (Worksheet, SheetState),
    cross: (Worksheet, SheetState),
}

#[derive(Debug, Clone, Default)]
struct SheetState {
    next_row: u32,
    sums: Vec<f64>,
    left_out: u64,
}

impl SheetState {
    /// The row to write next, or `None` (counted) when the sheet is full; the last row is kept for a note.
    fn take_row(&mut self) -> Option<u32> {
        if self.next_row >= MAX_ROWS - 2 {
            self.left_out += 1;
            return None;
        }
        self.next_row += 1;
        Some(self.next_row - 1)
    }
}

const OVERVIEW: usize = 0;
const OVERVIEW_NAME: &str = "概览";

/// The leading columns of a table sheet.
const TABLE_LEADING: [&str; 4] = ["机关", "年度", "模板", "表格状态"];
const FINDINGS_HEADER: [&str; 8] = ["机关", "年度", "级别", "规则", "表", "单元格", "说明", "文件"];
const CROSS_HEADER: [&str; 12] = [
    "机关",
    "上年度",
    "年度",
    "级别",
    "规则",
    "本年单元格",
    "上年单元格",
    "本年数值",
    "应为",
    "说明",
    "上年文件",
    "文件",
];

impl<'l> SummaryBook<'l> {
    /// A workbook with its sheets and their headers.
    pub fn new(layout: &'l SummaryLayout) -> Result<SummaryBook<'l>, XlsxError> {
        let mut workbook = Workbook::new();
        // The fastest deflate: the batch waits on the workbook once its last report is read, and on the benchmark
        // corpus level 1 takes half the time of level 3 (15 against 29 ms) for a file a third larger (0.53 against
        // 0.39 MB), about a hundredth of the batch's CSV files.
        workbook.set_zip_compression_level(1);
        let formats = Formats::new();
        workbook.add_worksheet().set_name(OVERVIEW_NAME)?;
        let mut sheets = Vec::new();
        for table in &layout.tables {
            let mut sheet = workbook.new_worksheet_with_constant_memory()?;
            sheet.set_name(&table.sheet)?;
            let mut header: Vec<String> = TABLE_LEADING.iter().map(|s| s.to_string()).collect();
            header.extend(table.columns.iter().map(|c| c.label.clone()));
            header.extend(["本表错误".to_string(), "文件".to_string()]);
            write_header(&mut sheet, &header, &formats)?;
            let widths: Vec<f64> = TABLE_LEADING
                .iter()
                .map(|h| if *h == "机关" { 28.0 } else { 9.0 })
                .chain(table.columns.iter().map(|_| 14.0))
                .chain([8.0, 40.0])
                .collect();
            set_widths(&mut sheet, &widths)?;
            sheet.set_row_height(0, 75)?;
            sheet.set_freeze_panes(1, 2)?;
            print_across(&mut sheet);
            let state = SheetState { next_row: 1, sums: vec![0.0; table.columns.len() + 1], left_out: 0 };
            sheets.push((sheet, state));
        }
        let mut findings = workbook.new_worksheet_with_constant_memory()?;
        findings.set_name("问题")?;
        write_header(&mut findings, &FINDINGS_HEADER, &formats)?;
        set_widths(&mut findings, &[28.0, 7.0, 7.0, 18.0, 7.0, 40.0, 80.0, 40.0])?;
        findings.set_freeze_panes(1, 2)?;
        print_across(&mut findings);
        let mut cross = workbook.new_worksheet_with_constant_memory()?;
        cross.set_name("跨年核对")?;
        write_header(&mut cross, &CROSS_HEADER, &formats)?;
        set_widths(&mut cross, &[28.0, 7.0, 7.0, 7.0, 16.0, 36.0, 36.0, 9.0, 9.0, 80.0, 40.0, 40.0])?;
        cross.set_freeze_panes(1, 3)?;
        print_across(&mut cross);
        let fresh = SheetState { next_row: 1, ..SheetState::default() };
        Ok(SummaryBook {
            layout,
            workbook,
            tables: TableSheets { layout, formats: formats.clone(), sheets },
            notes: NoteSheets { layout, findings: (findings, fresh.clone()), cross: (cross, fresh) },
            formats,
        })
    }

    /// The table sheets and the findings sheets, to be filled each on a thread of its own: both take every
    /// report in sorted order, and the findings sheets also the cross-report findings.
    pub fn parts(&mut self) -> (&mut TableSheets<'l>, &mut NoteSheets<'l>) {
        (&mut self.tables, &mut self.notes)
    }

    /// Adds a report: a row on every table sheet, and its errors and warnings. Reports come sorted by agency and
    /// year.
    pub fn add_report(&mut self, entry: &SummaryEntry) -> Result<(), XlsxError> {
        self.tables.add_report(entry)?;
        self.notes.add_report(entry)
    }

    /// Adds a cross-report finding between `prior` and `later` (rows come sorted by agency and year).
    pub fn add_cross(&mut self, prior: &SummaryEntry, later: &SummaryEntry, f: &CrossFinding) -> Result<(), XlsxError> {
        self.notes.add_cross(prior, later, f)
    }

    /// Writes the totals rows, the filters and the overview with its charts, and saves the workbook to `out`.
    pub fn finish<W: Write + Seek + Send>(
        mut self,
        totals: &Totals,
        counts: BatchCounts,
        out: W,
    ) -> Result<(), XlsxError> {
        let created = ExcelDateTime::from_ymd(creation_year(totals.newest_year), 1, 1)?;
        self.workbook.set_properties(
            &DocProperties::new().set_title("政府信息公开工作年度报告汇总").set_creation_datetime(&created),
        );
        for ((mut sheet, state), layout) in self.tables.sheets.into_iter().zip(&self.layout.tables) {
            let last_col = (TABLE_LEADING.len() + layout.columns.len() + 1) as u16;
            totals_row(&mut sheet, &state, layout, &self.formats)?;
            sheet.autofilter(0, 0, state.next_row.saturating_sub(1).max(1), last_col)?;
            self.workbook.push_worksheet(sheet);
        }
        for ((mut sheet, state), width) in
            [(self.notes.findings, FINDINGS_HEADER.len()), (self.notes.cross, CROSS_HEADER.len())]
        {
            if state.left_out > 0 {
                let note = format!("另有 {} 行未列出（超出工作表行数），见 CSV 文件", state.left_out);
                sheet.write_string_with_format(state.next_row, 0, note, &self.formats.note)?;
            }
            sheet.autofilter(0, 0, state.next_row.saturating_sub(1).max(1), width as u16 - 1)?;
            self.workbook.push_worksheet(sheet);
        }
        let sheet = self.workbook.worksheet_from_index(OVERVIEW)?;
        overview(sheet, self.layout, totals, counts, &self.formats)?;
        self.workbook.save_to_writer(out)
    }
}

impl TableSheets<'_> {
    /// Adds a report's row to every table sheet. Reports come sorted by agency and year.
    pub fn add_report(&mut self, entry: &SummaryEntry) -> Result<(), XlsxError> {
        let agency = agency_name(entry.agency.as_deref());
        let f = &self.formats;
        for (table, ((sheet, state), layout)) in
            entry.tables.iter().zip(self.sheets.iter_mut().zip(&self.layout.tables))
        {
            let Some(row) = state.take_row() else {
                continue;
            };
            sheet.write_string_with_format(row, 0, &agency, &f.text)?;
            if let Some(year) = entry.year {
                sheet.write_number(row, 1, year)?;
            }
            sheet.write_string(row, 2, table.template.as_deref().unwrap_or_default())?;
            sheet.write_string(row, 3, self.layout.status_names.get(&table.status).map_or("", String::as_str))?;
            let first = TABLE_LEADING.len() as u16;
            for (j, (value, column)) in table.values.iter().zip(&layout.columns).enumerate() {
                if let Some(v) = value {
                    let format = if column.money { &f.money } else { &f.count };
                    sheet.write_number_with_format(row, first + j as u16, *v, format)?;
                    if let Some(sum) = state.sums.get_mut(j) {
                        *sum += v;
                    }
                }
            }
            let errors_col = first + layout.columns.len() as u16;
            sheet.write_number(row, errors_col, table.errors)?;
            if let Some(sum) = state.sums.last_mut() {
                *sum += f64::from(table.errors);
            }
            sheet.write_string(row, errors_col + 1, &entry.path)?;
        }
        Ok(())
    }
}

impl NoteSheets<'_> {
    /// Adds a report's errors and warnings. Reports come sorted by agency and year.
    pub fn add_report(&mut self, entry: &SummaryEntry) -> Result<(), XlsxError> {
        let agency = agency_name(entry.agency.as_deref());
        let (sheet, state) = &mut self.findings;
        for finding in &entry.findings {
            let Some(row) = state.take_row() else {
                continue;
            };
            sheet.write_string(row, 0, &agency)?;
            if let Some(year) = entry.year {
                sheet.write_number(row, 1, year)?;
            }
            sheet.write_string(row, 2, self.layout.severity_names.get(&finding.severity).map_or("", String::as_str))?;
            sheet.write_string(row, 3, &finding.rule)?;
            sheet.write_string(row, 4, &finding.table)?;
            sheet.write_string(row, 5, &finding.cells)?;
            sheet.write_string(row, 6, &finding.message)?;
            sheet.write_string(row, 7, &entry.path)?;
        }
        Ok(())
    }

    /// Adds a cross-report finding between `prior` and `later` (rows come sorted by agency and year).
    pub fn add_cross(&mut self, prior: &SummaryEntry, later: &SummaryEntry, f: &CrossFinding) -> Result<(), XlsxError> {
        let (sheet, state) = &mut self.cross;
        let Some(row) = state.take_row() else {
            return Ok(());
        };
        let severity = self.layout.severity_names.get(&f.severity).map_or("", String::as_str).to_string();
        // Both reports' cells are named as the later report's version prints them: the rule is written in its keys.
        let version = later.tables.iter().zip(&self.layout.tables).find(|(_, l)| l.key == f.table);
        let labels =
            version.and_then(|(t, _)| t.template.clone()).and_then(|v| self.layout.labels.get(&(v, f.table.clone())));
        let names = |cells: &[CellKey]| -> String {
            cells
                .iter()
                .map(|k| labels.map_or_else(|| k.as_str().to_string(), |l| l.cell(k)))
                .collect::<Vec<_>>()
                .join("、")
        };
        let (cells, prior_cells) = (names(&f.cells), names(&f.prior_cells));
        let rule = match self.layout.rule_names.get(&f.rule) {
            Some(name) => format!("{} {name}", f.rule),
            None => f.rule.clone(),
        };
        sheet.write_string(row, 0, agency_name(later.agency.as_deref()))?;
        if let Some(year) = prior.year {
            sheet.write_number(row, 1, year)?;
        }
        if let Some(year) = later.year {
            sheet.write_number(row, 2, year)?;
        }
        sheet.write_string(row, 3, &severity)?;
        sheet.write_string(row, 4, &rule)?;
        sheet.write_string(row, 5, &cells)?;
        sheet.write_string(row, 6, &prior_cells)?;
        sheet.write_number(row, 7, f.found)?;
        sheet.write_number(row, 8, f.expected)?;
        sheet.write_string(row, 9, &f.message)?;
        sheet.write_string(row, 10, &prior.path)?;
        sheet.write_string(row, 11, &later.path)?;
        Ok(())
    }
}

fn creation_year(newest: Option<i32>) -> u16 {
    newest.and_then(|y| u16::try_from(y + 1).ok()).filter(|y| (1900..=9999).contains(y)).unwrap_or(2019)
}

/// Printed in landscape, as many pages long as it takes and one page wide, so a printed table keeps its columns
/// together.
fn print_across(sheet: &mut Worksheet) {
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
}

fn write_header<S: AsRef<str>>(sheet: &mut Worksheet, header: &[S], formats: &Formats) -> Result<(), XlsxError> {
    for (col, text) in header.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, text.as_ref(), &formats.header)?;
    }
    Ok(())
}

fn set_widths(sheet: &mut Worksheet, widths: &[f64]) -> Result<(), XlsxError> {
    for (col, width) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
    }
    Ok(())
}

/// The totals row under a table sheet's reports: `SUBTOTAL(109, …)` of every number column, so a filter narrows
/// the total, with the sum of every row as its cached result.
fn totals_row(sheet: &mut Worksheet, state: &SheetState, layout: &TableLayout, f: &Formats) -> Result<(), XlsxError> {
    let row = state.next_row;
    let reports = row - 1;
    let mut label = format!("合计（{reports} 份报告）");
    if state.left_out > 0 {
        label.push_str(&format!("；另有 {} 份未列出（超出工作表行数）", state.left_out));
    }
    sheet.write_string_with_format(row, 0, label, &f.total_label)?;
    for col in 1..TABLE_LEADING.len() as u16 {
        sheet.write_blank(row, col, &f.total_label)?;
    }
    let first = TABLE_LEADING.len() as u16;
    let money = layout.columns.iter().map(|c| c.money).chain([false]);
    for (j, (sum, money)) in state.sums.iter().zip(money).enumerate() {
        let col = first + j as u16;
        let letter = column_letter(col);
        let formula = Formula::new(format!("=SUBTOTAL(109,{letter}2:{letter}{})", row.max(2)))
            .set_result(super::format_number(*sum));
        sheet.write_formula_with_format(row, col, formula, if money { &f.total_money } else { &f.total_count })?;
    }
    sheet.write_blank(row, first + state.sums.len() as u16, &f.total_label)?;
    Ok(())
}

/// `A`, `B`, … `Z`, `AA` …
fn column_letter(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// The overview sheet: the batch's counts, and per chart its figures beside it.
fn overview(
    sheet: &mut Worksheet,
    layout: &SummaryLayout,
    totals: &Totals,
    counts: BatchCounts,
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, "政府信息公开工作年度报告汇总", &f.title)?;
    let facts: [(&str, u64); 5] = [
        ("汇总的报告（不含重复）", totals.reports),
        ("读取的文件", counts.read),
        ("其中与前文重复", counts.duplicates),
        ("无法读取的文件", counts.failed),
        ("跳过的非报告文件", counts.skipped),
    ];
    for (i, (label, n)) in facts.iter().enumerate() {
        let row = 2 + i as u32;
        sheet.write_string(row, 0, *label)?;
        sheet.write_number_with_format(row, 1, *n as f64, &f.count)?;
    }
    sheet.write_string_with_format(
        8,
        0,
        "各表每份报告一行，见各表工作表；问题与跨年核对见其工作表；各项含义见 dictionary.csv。",
        &f.note,
    )?;
    sheet.set_column_width(0, 30)?;
    sheet.set_column_width(1, 14)?;
    print_across(sheet);
    sheet.set_column_width(3, 30)?;
    sheet.set_column_width(4, 14)?;

    let mut top = 10u32;
    for (i, table) in layout.tables.iter().enumerate() {
        if let (Some(title), Some(per_year)) = (&table.per_year_title, totals.per_year.get(i)) {
            if !per_year.is_empty() {
                let rows: Vec<(String, f64)> =
                    per_year.iter().map(|(year, (sum, _))| (year.to_string(), *sum)).collect();
                let mut chart = Chart::new_column();
                chart.legend().set_hidden();
                chart.set_width(640).set_height(320);
                let figures = ChartData { headers: ["年度", title.as_str()], rows: &rows, title: title.as_str() };
                let last = chart_with_figures(sheet, f, top, figures, chart, ChartDataLabel::new().show_value())?;
                sheet.set_row_height(top, 45)?;
                top = (last + 2).max(top + 18);
            }
        }
        if let (Some(title), Some(mix)) = (&table.mix_title, totals.mix.get(i)) {
            if mix.iter().any(|v| *v > 0.0) {
                let rows: Vec<(String, f64)> =
                    table.mix.iter().zip(mix).map(|((_, label), value)| (label.clone(), *value)).collect();
                let mut chart = Chart::new_pie();
                chart.legend().set_position(ChartLegendPosition::Right);
                chart.set_width(640).set_height(360);
                let header = format!("{}办理结果", table.name);
                let figures = ChartData { headers: [header.as_str(), "件数"], rows: &rows, title: title.as_str() };
                let mut label = ChartDataLabel::new();
                label.show_percentage().show_category_name();
                let last = chart_with_figures(sheet, f, top, figures, chart, &label)?;
                top = (last + 2).max(top + 20);
            }
        }
    }

    let mut agencies: Vec<(&String, &u64)> = totals.errors_by_agency.iter().collect();
    agencies.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    agencies.truncate(TOP_AGENCIES);
    let Some(most) = agencies.first().map(|(_, errors)| **errors) else {
        sheet.write_string_with_format(top, 0, "机关", &f.header)?;
        sheet.write_string_with_format(top, 1, "错误数", &f.header)?;
        sheet.write_string_with_format(top + 1, 0, "没有报告有错误", &f.note)?;
        return Ok(());
    };
    // The bar chart draws its first category at the bottom: the list runs from the fewest errors down to the most.
    let rows: Vec<(String, f64)> =
        agencies.iter().rev().map(|(agency, errors)| ((*agency).clone(), **errors as f64)).collect();
    let mut chart = Chart::new_bar();
    chart.legend().set_hidden();
    // Whole numbers of errors: no axis steps of 0.2.
    chart.x_axis().set_min(0).set_num_format("0").set_major_unit(major_unit(most));
    chart.set_width(640).set_height(60 + 24 * rows.len() as u32);
    let title = format!("错误最多的机关（前 {TOP_AGENCIES} 个）");
    let figures = ChartData { headers: ["机关", "错误数"], rows: &rows, title: &title };
    chart_with_figures(sheet, f, top, figures, chart, ChartDataLabel::new().show_value())?;
    Ok(())
}

/// A chart's figures on the overview: a two-column table (its headers, then a label and a number per row).
struct ChartData<'a> {
    headers: [&'a str; 2],
    rows: &'a [(String, f64)],
    title: &'a str,
}

/// Writes `figures` at row `top` of the overview and `chart` (its type, legend and size set) drawing them beside
/// it; returns the table's last row.
fn chart_with_figures(
    sheet: &mut Worksheet,
    f: &Formats,
    top: u32,
    figures: ChartData,
    mut chart: Chart,
    label: &ChartDataLabel,
) -> Result<u32, XlsxError> {
    for (col, header) in figures.headers.iter().enumerate() {
        sheet.write_string_with_format(top, col as u16, *header, &f.header)?;
    }
    for (k, (label, value)) in figures.rows.iter().enumerate() {
        sheet.write_string(top + 1 + k as u32, 0, label.as_str())?;
        sheet.write_number_with_format(top + 1 + k as u32, 1, *value, &f.count)?;
    }
    let last = top + figures.rows.len() as u32;
    chart
        .add_series()
        .set_name(figures.title)
        .set_categories((OVERVIEW_NAME, top + 1, 0, last, 0))
        .set_values((OVERVIEW_NAME, top + 1, 1, last, 1))
        .set_data_label(label);
    chart.title().set_name(figures.title);
    sheet.insert_chart(top, 3, &chart)?;
    Ok(last)
}

/// An axis step that is a whole number and leaves at most about ten steps up to `max`.
fn major_unit(max: u64) -> f64 {
    let raw = (max as f64 / 10.0).ceil().max(1.0);
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|step| *step >= raw).unwrap_or(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_steps_are_whole_and_few() {
        assert_eq!(major_unit(1), 1.0);
        assert_eq!(major_unit(9), 1.0);
        assert_eq!(major_unit(23), 5.0);
        assert_eq!(major_unit(140), 20.0);
    }

    #[test]
    fn column_letters_run_past_z() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    /// The workbook of some fixtures, filled one report after the other through the book, or through its two parts
    /// at once.
    fn workbook_of_fixtures(at_once: bool) -> Vec<u8> {
        let catalog = Catalog::embedded();
        let layout = SummaryLayout::new(catalog);
        let cross = crate::check::cross::CrossCells::new(catalog);
        let fixtures: [(&str, &[u8]); 3] = [
            ("gbk_2022.html", include_bytes!("../../fixtures/html/gbk_2022.html")),
            ("blank_zeros_2021.html", include_bytes!("../../fixtures/html/blank_zeros_2021.html")),
            ("003.txt", include_bytes!("../../fixtures/003_f86e26e747344a50.txt")),
        ];
        let entries: Vec<SummaryEntry> = fixtures
            .iter()
            .map(|(name, bytes)| {
                let report = crate::inspect_bytes(bytes, name).expect("readable");
                layout.entry(name, &report, cross.figures(catalog, &report))
            })
            .collect();
        assert!(entries.iter().any(|e| !e.findings.is_empty()), "some report has findings");
        let mut totals = Totals::default();
        entries.iter().for_each(|e| totals.add(&layout, e));
        let mut book = SummaryBook::new(&layout).expect("book");
        if at_once {
            let (tables, notes) = book.parts();
            std::thread::scope(|s| {
                s.spawn(|| entries.iter().try_for_each(|e| tables.add_report(e)).expect("table rows"));
                entries.iter().try_for_each(|e| notes.add_report(e)).expect("findings");
            });
        } else {
            entries.iter().try_for_each(|e| book.add_report(e)).expect("rows");
        }
        let mut out = std::io::Cursor::new(Vec::new());
        book.finish(&totals, BatchCounts::default(), &mut out).expect("saved");
        out.into_inner()
    }

    #[test]
    fn the_two_parts_filled_at_once_give_the_same_file() {
        assert_eq!(workbook_of_fixtures(true), workbook_of_fixtures(false));
    }

    #[test]
    fn every_table_shows_the_key_cells_of_every_version() {
        let layout = SummaryLayout::new(Catalog::embedded());
        let t2: Vec<&str> = layout.tables[0].columns.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(t2.len(), 10 + 8 - 3, "admin_licensing, admin_penalty, admin_coercion are in both");
        assert!(t2.contains(&"regulations.newly_made") && t2.contains(&"admin_fees.fee_amount"));
        let t3 = &layout.tables[1];
        assert_eq!(t3.sheet, "表三 依申请公开");
        assert_eq!(t3.mix.len(), 6);
        assert_eq!(t3.mix[5].1, "（六）其他处理");
        assert_eq!(t3.columns[0].label, "一、本年新收政府信息公开申请数量｜自然人");
    }
}
