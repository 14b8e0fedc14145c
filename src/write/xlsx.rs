//! XLSX output: the three tables drawn as the official form, with live checks, plus the narrative and findings
//! sheets; and the blank form that `nianbao template` writes.
//!
//! Sheets, in order: `主动公开` (表二), `依申请公开` (表三), `复议诉讼` (表四), `叙述与指标`, `校验`. Each table sheet
//! follows the plan of [`Form`]: title in row 1, the form from row 3, check formulas to the right of and below the
//! form. Check formulas always return text (`✓`, `✗ 29≠23`, or empty when nothing is filled in), so a reader that
//! maps rows by label takes them for remarks, never for values; their cached results are computed here, so a
//! reader that does not recalculate sees the same thing a spreadsheet program shows.
//!
//! The output depends only on the report and the input bytes: the creation date is taken from the report (date
//! published, else the last day of the report year), never from the clock, so converting twice gives identical
//! files.

use crate::hash::HashMap;

use rust_xlsxwriter::{
    utility::{cell_range, cell_range_absolute},
    ConditionalFormatFormula, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Note, Workbook, Worksheet,
};

use unicode_width::UnicodeWidthChar;

use crate::report::{
    CellKey, CellSource, CellState, CellValue, DocKind, Finding, FindingStatus, Inference, Origin, Place, Qualifier,
    Report, Rule, Severity, TableResult, TableStatus,
};
use crate::template::{self, Catalog, TableSpec, Template, ValueKind};
use crate::write::form::{CheckCell, Content, Form, Placed, FORM_TOP, TITLE_ROW};
use crate::write::{drawing_spec, drawing_template, format_number, OutputFile, SourceInfo, WriteError, Writer};

/// Name of the narrative sheet.
pub const NARRATIVE_SHEET: &str = "叙述与指标";
/// Name of the findings sheet.
pub const FINDINGS_SHEET: &str = "校验";
/// Prefix of the workbook-level names that list a found table's cells the source does not have
/// (`nianbao_absent_t2`).
pub const ABSENT_NAME_PREFIX: &str = "nianbao_absent_";
/// The note written on a table sheet instead of a form when the report lacks the table.
pub const ABSENT_NOTE: &str = "原文未提供此表";
/// The note of a cell of a found table that the source does not have.
pub const MISSING_CELL_NOTE: &str = "原文未提供此格";

const FONT: &str = "宋体";
const FONT_SIZE: f64 = 10.0;
/// Line height in points for [`FONT_SIZE`] text.
const LINE: f64 = 13.5;
/// Excel's limit on the length of a cell's text (UTF-16 units).
const MAX_CELL_TEXT: usize = 32_767;

/// The sheet reference (`依申请公开!J12`) of value cell `<row>.<col>` of `table` in a workbook drawn with the
/// embedded template `version`, as this module writes it.
pub fn cell_ref(version: &str, table: &str, cell_key: &str) -> Option<String> {
    let spec = template::by_version(version)?.table(table)?;
    let (row, col) = Form::new(spec).position(cell_key)?;
    Some(Origin::sheet_cell(&spec.sheet, row, col).to_string())
}

/// A finding's cells as sheet references of the workbook written for `report`: the finding's own `refs` if it
/// has any, else its `cells` placed on the table's sheet.
pub fn finding_refs(catalog: &Catalog, report: &Report, finding: &Finding) -> Vec<String> {
    if !finding.refs.is_empty() {
        return finding.refs.clone();
    }
    let Some(table) = finding.table.as_deref() else { return Vec::new() };
    let Some(spec) = drawing_spec(catalog, report, table) else { return Vec::new() };
    let form = Form::new(spec);
    finding
        .cells
        .iter()
        .filter_map(|key| form.position(key))
        .map(|(r, c)| Origin::sheet_cell(&spec.sheet, r, c).to_string())
        .collect()
}

/// `<stem>.xlsx`: the workbook of a report.
pub struct XlsxWriter<'c> {
    pub catalog: &'c Catalog,
}

impl Writer for XlsxWriter<'_> {
    fn files(&self, report: &Report, source: &SourceInfo) -> Result<Vec<OutputFile>, WriteError> {
        Ok(vec![OutputFile::Made {
            suffix: ".xlsx".to_string(),
            bytes: report_workbook(self.catalog, report, source)?,
        }])
    }
}

/// The workbook for a converted report, drawn with `catalog`'s templates.
pub fn report_workbook(catalog: &Catalog, report: &Report, source: &SourceInfo) -> Result<Vec<u8>, WriteError> {
    let styles = Styles::new();
    let mut wb = Workbook::new();
    let absent = TableResult::absent();
    let header = report_title(report);
    for key in catalog.table_keys() {
        let Some(spec) = drawing_spec(catalog, report, key) else { continue };
        let result = report.tables.get(key).unwrap_or(&absent);
        let ws = wb.add_worksheet();
        ws.set_name(&spec.sheet)?;
        let fill = if result.status == TableStatus::Absent { Fill::Absent } else { Fill::Report(result) };
        table_sheet(ws, spec, fill, &styles, &header)?;
    }
    for key in catalog.table_keys() {
        if let Some(formula) = absent_cells_formula(catalog, report, key) {
            wb.define_name(format!("{ABSENT_NAME_PREFIX}{key}"), &formula)?;
        }
    }
    narrative_sheet(wb.add_worksheet(), catalog, report, source, &styles, &header)?;
    findings_sheet(wb.add_worksheet(), catalog, report, &styles, &header)?;
    wb.set_properties(&report_properties(report, source));
    // Deflate at its fastest level: a report's workbook is a few dozen kilobytes of repetitive XML, which level 1
    // compresses nearly as well as the default 6 at a fraction of the time (compression was an eighth of the
    // time `convert` spent).
    wb.set_zip_compression_level(1);
    Ok(wb.save_to_buffer()?)
}

/// The cells of a found table that the source does not have, as the formula of the workbook-level name
/// `nianbao_absent_<table>` (`='主动公开'!$B$5:$D$5`): they look like blank cells on the sheet, and this name is how
/// a reader of the workbook tells them apart. `None` when the table is absent or complete.
fn absent_cells_formula(catalog: &Catalog, report: &Report, table: &str) -> Option<String> {
    let result = report.tables.get(table).filter(|t| t.status != TableStatus::Absent)?;
    let spec = drawing_spec(catalog, report, table)?;
    let form = Form::new(spec);
    let missing: Vec<(u32, u16)> =
        spec.cell_keys().iter().filter(|k| !result.cells.contains_key(*k)).filter_map(|k| form.position(k)).collect();
    if missing.is_empty() {
        return None;
    }
    let areas: Vec<String> = ranges(&missing, true).split(',').map(|area| format!("'{}'!{area}", spec.sheet)).collect();
    Some(format!("={}", areas.join(",")))
}

/// The blank official form of `template`: its tables with their live checks and no values.
pub fn blank_workbook(template: &Template) -> Result<Vec<u8>, WriteError> {
    let styles = Styles::new();
    let mut wb = Workbook::new();
    for spec in &template.tables {
        let ws = wb.add_worksheet();
        ws.set_name(&spec.sheet)?;
        table_sheet(ws, spec, Fill::Blank, &styles, &format!("政府信息公开工作年度报告（{}）", template.name))?;
    }
    let created = ExcelDateTime::from_ymd(year_u16(template.first_year), 1, 1)?;
    let properties = DocProperties::new()
        .set_title(format!("政府信息公开工作年度报告 表二至表四（{}，空白）", template.version))
        .set_subject(template.name.clone())
        .set_author("nianbao")
        .set_comment(format!("nianbao {} template {}", env!("CARGO_PKG_VERSION"), template.version))
        .set_creation_datetime(&created);
    wb.set_properties(&properties);
    Ok(wb.save_to_buffer()?)
}

/// What goes into a table sheet's value cells.
#[derive(Clone, Copy)]
enum Fill<'a> {
    /// The report's cells.
    Report(&'a TableResult),
    /// Nothing: the blank form.
    Blank,
    /// The report lacks the table: a note instead of the form.
    Absent,
}

impl Fill<'_> {
    fn cell(&self, key: &CellKey) -> Option<&CellValue> {
        match self {
            Fill::Report(t) => t.cells.get(key),
            Fill::Blank | Fill::Absent => None,
        }
    }

    fn value(&self, key: &CellKey) -> Option<f64> {
        self.cell(key).filter(|c| c.state == CellState::Value).and_then(|c| c.value).map(|v| v.as_f64())
    }
}

/// Cell formats used across the workbook.
struct Styles {
    title: Format,
    header: Format,
    label: Format,
    group_label: Format,
    check: Format,
    check_label: Format,
    check_failed: Format,
    check_unverifiable: Format,
    note: Format,
    sheet_head: Format,
    key: Format,
    text: Format,
    wrap: Format,
}

impl Styles {
    fn new() -> Styles {
        let base = Format::new().set_font_name(FONT).set_font_size(FONT_SIZE);
        let boxed = base.clone().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter).set_text_wrap();
        Styles {
            title: base.clone().set_font_size(14).set_bold().set_align(FormatAlign::Center),
            header: boxed.clone().set_align(FormatAlign::Center).set_bold(),
            label: boxed.clone().set_align(FormatAlign::Left),
            group_label: boxed.clone().set_align(FormatAlign::Center),
            check: base
                .clone()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_font_color("006100"),
            check_label: base.clone().set_align(FormatAlign::Left).set_font_color("595959"),
            check_failed: Format::new().set_font_color("9C0006").set_background_color("FFC7CE"),
            check_unverifiable: Format::new().set_font_color("9C5700").set_background_color("FFEB9C"),
            note: base.clone().set_italic().set_font_color("595959"),
            sheet_head: base.clone().set_bold().set_background_color("D9E1F2").set_border(FormatBorder::Thin),
            key: base.clone().set_bold().set_align(FormatAlign::Top),
            text: base.clone().set_align(FormatAlign::Top),
            wrap: base.set_align(FormatAlign::Top).set_text_wrap(),
        }
    }

    /// The format of a value cell of `kind`; `prose` and `missing` cells are tinted so they stand out.
    fn value(&self, kind: ValueKind, state: Option<CellState>, source: Option<CellSource>) -> Format {
        let mut f = Format::new()
            .set_font_name(FONT)
            .set_font_size(FONT_SIZE)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        f = match kind {
            ValueKind::Count | ValueKind::SignedCount => f.set_num_format("0"),
            ValueKind::Money => f.set_num_format("0.00####"),
        };
        if state == Some(CellState::Na) {
            f = f.set_align(FormatAlign::Center);
        }
        if source == Some(CellSource::Prose) {
            f = f.set_background_color("FFF2CC");
        }
        f
    }

    fn missing_cell(&self) -> Format {
        Format::new().set_border(FormatBorder::Thin).set_background_color("EDEDED")
    }
}

/// Draws one table sheet: title, form, values, checks, validation, sizes and print setup.
fn table_sheet(
    ws: &mut Worksheet,
    spec: &TableSpec,
    fill: Fill,
    styles: &Styles,
    title: &str,
) -> Result<(), WriteError> {
    let form = Form::new(spec);
    ws.set_default_note_author("nianbao");
    // A check with nothing to check shows nothing: its cached result is the empty string, not 0.
    ws.set_formula_result_default("");
    ws.set_screen_gridlines(false);
    let sizes = Sizes::new(&form);
    for (col, width) in sizes.widths.iter().enumerate() {
        ws.set_column_width(col as u16, *width)?;
    }
    let last_col = form.width.saturating_sub(1);
    if last_col > 0 {
        ws.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, &spec.title, &styles.title)?;
    } else {
        ws.write_string_with_format(TITLE_ROW, 0, &spec.title, &styles.title)?;
    }
    ws.set_row_height(TITLE_ROW, 24)?;
    if let Fill::Absent = fill {
        ws.write_string_with_format(FORM_TOP, 0, ABSENT_NOTE, &styles.note)?;
        page_setup(ws, FORM_TOP, last_col, title)?;
        return Ok(());
    }
    for (row, height) in &sizes.heights {
        ws.set_row_height(*row, *height)?;
    }
    for placed in &form.cells {
        match &placed.content {
            Content::Text(text) => {
                let format = if !placed.is_label {
                    &styles.header
                } else if placed.rowspan > 1 {
                    &styles.group_label
                } else {
                    &styles.label
                };
                write_spanned(ws, placed, text, format)?;
            }
            Content::Value(key) => value_cell(ws, spec, placed, key, fill, styles)?,
        }
    }
    live_checks(ws, spec, &form, fill, styles)?;
    input_validation(ws, spec, &form)?;
    if form.headers_on_top {
        if let Some(first) = form.first_value_row {
            ws.set_freeze_panes(first, form.label_cols)?;
            if first > FORM_TOP {
                ws.set_repeat_rows(FORM_TOP, first - 1)?;
            }
        }
    } else {
        ws.set_freeze_panes(FORM_TOP, 0)?;
    }
    page_setup(ws, FORM_TOP + form.height.saturating_sub(1), last_col, title)?;
    Ok(())
}

fn write_spanned(ws: &mut Worksheet, p: &Placed, text: &str, format: &Format) -> Result<(), WriteError> {
    if p.rowspan > 1 || p.colspan > 1 {
        ws.merge_range(p.row, p.col, p.last_row(), p.last_col(), text, format)?;
    } else {
        ws.write_string_with_format(p.row, p.col, text, format)?;
    }
    Ok(())
}

fn value_cell(
    ws: &mut Worksheet,
    spec: &TableSpec,
    p: &Placed,
    key: &CellKey,
    fill: Fill,
    styles: &Styles,
) -> Result<(), WriteError> {
    let kind = spec.column(key.col()).map_or(ValueKind::Count, |c| c.kind);
    let cell = fill.cell(key);
    let format = match (fill, cell) {
        (Fill::Report(_), None) => styles.missing_cell(),
        _ => styles.value(kind, cell.map(|c| c.state), cell.map(|c| c.source)),
    };
    write_spanned(ws, p, "", &format)?;
    let Some(cell) = cell else {
        if let Fill::Report(_) = fill {
            ws.insert_note(p.row, p.col, &note(MISSING_CELL_NOTE))?;
        }
        return Ok(());
    };
    match (cell.state, cell.value) {
        (CellState::Value, Some(v)) => {
            ws.write_number_with_format(p.row, p.col, v.as_f64(), &format)?;
        }
        (CellState::Na, _) => {
            ws.write_string_with_format(p.row, p.col, cell.raw.trim(), &format)?;
        }
        _ => {}
    }
    if let Some(text) = provenance(cell) {
        ws.insert_note(p.row, p.col, &note(&text))?;
    }
    Ok(())
}

/// The note of a value cell: where it came from, and the printed text when it differs from what the cell shows.
fn provenance(cell: &CellValue) -> Option<String> {
    let mut lines = Vec::new();
    let raw = cell.raw.trim();
    let shown = match (cell.state, cell.value) {
        (CellState::Value, Some(v)) => v.to_string(),
        _ => raw.to_string(),
    };
    if raw != shown {
        lines.push(format!("原文：{raw}"));
    }
    match (cell.source, cell.origin.as_ref()) {
        (CellSource::Prose, Some(sentence)) => lines.push(format!("取自正文：{sentence}")),
        (CellSource::Prose, None) => lines.push("取自正文".to_string()),
        (CellSource::Table, Some(origin)) => lines.push(format!("来源：{}", origin_zh(origin))),
        (CellSource::Table, None) => {}
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// Where a value came from, as a Chinese reader says it: `第 37 行`, `表 2 第 4 行第 2 格`,
/// `第 3 页 表 1 第 5 行第 2 格`, `Sheet1!B12`, the sentence itself; `（按模板行序与合计推断）` after a place that
/// no label gave.
pub fn origin_zh(origin: &Origin) -> String {
    let place = match &origin.place {
        Place::Line(line) => format!("第 {line} 行"),
        Place::TableCell { table, row, cell } => format!("表 {table} 第 {row} 行第 {cell} 格"),
        Place::PageCell { page, table, row, cell } => format!("第 {page} 页 表 {table} 第 {row} 行第 {cell} 格"),
        Place::SheetCell { .. } | Place::Sentence(_) => Origin::from(origin.place.clone()).to_string(),
    };
    match origin.inference {
        Some(Inference::TemplateOrderAndTotals) => format!("{place}（按模板行序与合计推断）"),
        None => place,
    }
}

fn note(text: &str) -> Note {
    Note::new(text).add_author_prefix(false).set_font_name(FONT).set_width(240)
}

/// Writes every check formula with its cached result, its label, and the conditional formats that turn the
/// checked cells red when the check fails.
fn live_checks(
    ws: &mut Worksheet,
    spec: &TableSpec,
    form: &Form,
    fill: Fill,
    styles: &Styles,
) -> Result<(), WriteError> {
    for label in &form.check_labels {
        let p = Placed {
            row: label.row,
            col: label.col,
            rowspan: label.rowspan,
            colspan: label.colspan,
            content: Content::Text(label.text.clone()),
            is_label: false,
        };
        write_spanned(ws, &p, &label.text, &styles.check_label)?;
        if let Some(rule) = spec.rules.iter().find(|r| r.id == label.rule) {
            let text = format!(
                "{} {}\n{}\n✓ 两边相等（空格按 0 计）；✗ a≠b：左边之和 a 不等于右边之和 b；\
                 ？ a≠b：不相等，但有空格或“/”等标记，无法核实。",
                rule.id, rule.name, rule.gloss
            );
            ws.insert_note(label.row, label.col, &note(&text))?;
        }
    }
    let values: HashMap<(u32, u16), Option<f64>> =
        form.value_cells().map(|(p, key)| ((p.row, p.col), fill.value(key))).collect();
    for check in &form.checks {
        let formula = Formula::new(check_formula(check)).set_result(check_result(check, &values));
        ws.write_formula_with_format(check.row, check.col, formula, &styles.check)?;
        let mut targets = all_cells(check);
        targets.push((check.row, check.col));
        let targets = ranges(&targets, false).replace(',', " ");
        let (all, l, r) = (ranges(&all_cells(check), true), ranges(&check.lhs, true), ranges(&check.rhs, true));
        let n = all_cells(check).len();
        let fails = format!("ROUND(SUM({l})-SUM({r}),6)<>0");
        for (condition, format) in [
            (format!("=AND(COUNT({all})={n},{fails})"), &styles.check_failed),
            (format!("=AND(COUNT({all})>0,COUNT({all})<{n},{fails})"), &styles.check_unverifiable),
        ] {
            let cf = ConditionalFormatFormula::new()
                .set_rule(condition.as_str())
                .set_format(format)
                .set_multi_range(targets.as_str());
            ws.add_conditional_format(check.row, check.col, check.row, check.col, &cf)?;
        }
    }
    Ok(())
}

fn all_cells(check: &CheckCell) -> Vec<(u32, u16)> {
    check.lhs.iter().chain(&check.rhs).copied().collect()
}

/// The check formula, text in every case, with the verdicts of the rules engine: empty when no cell of the
/// equation holds a number; `✓` when the sides agree (blank and `na` cells count as 0); `✗ a≠b` when they
/// disagree and every cell holds a number; `？ a≠b` (cannot be verified) when they disagree but some cell is
/// blank or not applicable.
fn check_formula(check: &CheckCell) -> String {
    let all = ranges(&all_cells(check), false);
    let l = ranges(&check.lhs, false);
    let r = ranges(&check.rhs, false);
    let n = all_cells(check).len();
    format!(
        "=IF(COUNT({all})=0,\"\",IF(ROUND(SUM({l})-SUM({r}),6)=0,\"✓\",\
         IF(COUNT({all})<{n},\"？ \",\"✗ \")&SUM({l})&\"≠\"&SUM({r})))"
    )
}

/// What [`check_formula`] evaluates to over the written values (`None`: blank, `na` or missing).
fn check_result(check: &CheckCell, values: &HashMap<(u32, u16), Option<f64>>) -> String {
    let value = |p: &(u32, u16)| values.get(p).copied().flatten();
    let cells = all_cells(check);
    let numbers = cells.iter().filter(|p| value(p).is_some()).count();
    if numbers == 0 {
        return String::new();
    }
    let sum = |cells: &[(u32, u16)]| cells.iter().filter_map(value).sum::<f64>();
    let (l, r) = (sum(&check.lhs), sum(&check.rhs));
    if ((l - r) * 1e6).round() == 0.0 {
        "✓".to_string()
    } else {
        let mark = if numbers < cells.len() { "？" } else { "✗" };
        format!("{mark} {}≠{}", format_number(l), format_number(r))
    }
}

/// Cell positions as a comma-separated list of references, with runs of adjacent cells in a row or column
/// written as ranges (`D6:I6`).
fn ranges(cells: &[(u32, u16)], absolute: bool) -> String {
    let range = |(r0, c0): (u32, u16), (r1, c1): (u32, u16)| {
        if absolute {
            cell_range_absolute(r0, c0, r1, c1)
        } else {
            cell_range(r0, c0, r1, c1)
        }
    };
    let mut out: Vec<String> = Vec::new();
    let mut run: Vec<(u32, u16)> = Vec::new();
    let flush = |run: &mut Vec<(u32, u16)>, out: &mut Vec<String>| {
        if let (Some(&a), Some(&b)) = (run.first(), run.last()) {
            out.push(range(a, b));
        }
        run.clear();
    };
    for &cell in cells {
        let extends = match (run.first(), run.get(1), run.last()) {
            (None, _, _) => true,
            (Some(&only), None, _) => {
                (only.0 == cell.0 && only.1 + 1 == cell.1) || (only.1 == cell.1 && only.0 + 1 == cell.0)
            }
            (Some(&first), Some(&second), Some(&last)) => {
                if first.0 == second.0 {
                    last.0 == cell.0 && last.1 + 1 == cell.1
                } else {
                    last.1 == cell.1 && last.0 + 1 == cell.0
                }
            }
            (Some(_), Some(_), None) => false,
        };
        if !extends {
            flush(&mut run, &mut out);
        }
        run.push(cell);
    }
    flush(&mut run, &mut out);
    out.join(",")
}

/// Data validation on the value cells: whole numbers ≥ 0 for counts, whole numbers for signed counts, numbers
/// ≥ 0 for money. A warning, not a stop, so a not-applicable mark such as `/` can still be typed in.
fn input_validation(ws: &mut Worksheet, spec: &TableSpec, form: &Form) -> Result<(), WriteError> {
    let mut by_kind: Vec<(ValueKind, Vec<String>)> = Vec::new();
    for (p, key) in form.value_cells() {
        let kind = spec.column(key.col()).map_or(ValueKind::Count, |c| c.kind);
        let range = cell_range(p.row, p.col, p.last_row(), p.last_col());
        match by_kind.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, list)) => list.push(range),
            None => by_kind.push((kind, vec![range])),
        }
    }
    for (kind, list) in by_kind {
        let (dv, message) = match kind {
            ValueKind::Count => (
                DataValidation::new().allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0)),
                "请填写不小于 0 的整数（件）。",
            ),
            ValueKind::SignedCount => (
                DataValidation::new().allow_whole_number(DataValidationRule::Between(i32::MIN, i32::MAX)),
                "请填写整数，减少用负数表示，如 -8。",
            ),
            ValueKind::Money => (
                DataValidation::new().allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
                "请填写不小于 0 的金额，单位见表头。",
            ),
        };
        let dv = dv
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_title("数值有误")?
            .set_error_message(message)?
            .set_multi_range(list.join(" "));
        let Some((row, col)) = form.value_cells().next().map(|(p, _)| (p.row, p.col)) else { continue };
        ws.add_data_validation(row, col, row, col, &dv)?;
    }
    Ok(())
}

/// A4 landscape, one page wide, the form only.
fn page_setup(ws: &mut Worksheet, last_row: u32, last_col: u16, title: &str) -> Result<(), WriteError> {
    plain_page_setup(ws, title);
    ws.set_print_area(0, 0, last_row, last_col)?;
    Ok(())
}

/// A4 landscape, one page wide, the report's title (`title`) in the header and page numbers in the footer.
fn plain_page_setup(ws: &mut Worksheet, title: &str) {
    ws.set_header(page_header(title));
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.4, 0.4, 0.5, 0.5, 0.3, 0.3);
    ws.set_footer("&C第 &P 页，共 &N 页");
}

/// Column widths and row heights of a table sheet, estimated from the text so wrapped labels show in full.
struct Sizes {
    widths: Vec<f64>,
    heights: Vec<(u32, f64)>,
}

/// Display width of text in column-width units: a narrow character is a little wider than a digit, a wide one
/// (CJK, and the punctuation a Chinese font prints full width) two digits; combining and zero-width characters
/// take no room.
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| match c.width_cjk() {
            Some(1) => 1.1,
            Some(w) => w as f64,
            None => 0.0,
        })
        .sum()
}

/// Lines `text` takes in a cell `width` units wide, at most what fits in Excel's tallest row.
fn text_lines(text: &str, width: f64) -> f64 {
    let lines: f64 = text.split('\n').map(|part| (text_width(part) / width).ceil().max(1.0)).sum();
    lines.min(409.0 / 15.0)
}

impl Sizes {
    fn new(form: &Form) -> Sizes {
        const LABEL_MAX: f64 = 44.0;
        const VALUE_MIN: f64 = 9.0;
        const VALUE_MAX: f64 = 16.0;
        const GROUP_WRAP: f64 = 8.0;
        let last = form.last_used_col() as usize;
        let mut widths = vec![0.0f64; last + 1];
        let value_cols: Vec<u16> = form.value_cells().map(|(p, _)| p.col).collect();
        for (c, w) in widths.iter_mut().enumerate() {
            let c = c as u16;
            *w = if c >= form.width {
                if form.check_cols.contains(&c) {
                    10.0
                } else {
                    2.0
                }
            } else if value_cols.contains(&c) {
                VALUE_MIN
            } else {
                6.0
            };
        }
        for p in &form.cells {
            let Content::Text(text) = &p.content else { continue };
            if p.colspan != 1 {
                continue;
            }
            let Some(w) = widths.get_mut(p.col as usize) else { continue };
            let full = text_width(text) + 2.0;
            let need = if value_cols.contains(&p.col) {
                full.min(VALUE_MAX)
            } else if p.rowspan > 1 {
                full.min(GROUP_WRAP + 2.0)
            } else {
                full.min(LABEL_MAX)
            };
            *w = w.max(need);
        }
        for label in &form.check_labels {
            if label.col >= form.width {
                if let Some(w) = widths.get_mut(label.col as usize) {
                    *w = w.max(text_width(&label.text) + 2.0);
                }
            }
        }
        let span_width =
            |p: &Placed| -> f64 { (p.col..=p.last_col()).filter_map(|c| widths.get(c as usize)).sum::<f64>() - 1.0 };
        let lines = |p: &Placed| -> f64 {
            let Content::Text(text) = &p.content else { return 1.0 };
            text.split('\n').map(|part| (text_width(part) / span_width(p).max(1.0)).ceil().max(1.0)).sum()
        };
        let mut heights: HashMap<u32, f64> = HashMap::default();
        for r in FORM_TOP..FORM_TOP + form.height {
            heights.insert(r, LINE + 6.0);
        }
        for p in form.cells.iter().filter(|p| p.rowspan == 1) {
            let need = lines(p) * LINE + 6.0;
            if let Some(h) = heights.get_mut(&p.row) {
                *h = h.max(need);
            }
        }
        for p in form.cells.iter().filter(|p| p.rowspan > 1) {
            let need = lines(p) * LINE + 6.0;
            let have: f64 = (p.row..=p.last_row()).filter_map(|r| heights.get(&r)).sum();
            if need > have {
                let extra = (need - have) / f64::from(p.rowspan);
                for r in p.row..=p.last_row() {
                    if let Some(h) = heights.get_mut(&r) {
                        *h += extra;
                    }
                }
            }
        }
        let mut heights: Vec<(u32, f64)> = heights.into_iter().map(|(r, h)| (r, h.ceil())).collect();
        heights.sort_by_key(|(r, _)| *r);
        Sizes { widths, heights }
    }
}

/// `叙述与指标`: metadata, the tables' status, the sections, the metrics, the numbers that could not be placed.
fn narrative_sheet(
    ws: &mut Worksheet,
    catalog: &Catalog,
    report: &Report,
    source: &SourceInfo,
    s: &Styles,
    title: &str,
) -> Result<(), WriteError> {
    ws.set_name(NARRATIVE_SHEET)?;
    plain_page_setup(ws, title);
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 14)?;
    ws.set_column_width(2, 8)?;
    ws.set_column_width(3, 8)?;
    ws.set_column_width(4, 80)?;
    let mut row = 0u32;
    let heading = |ws: &mut Worksheet, row: u32, cells: &[&str]| -> Result<(), WriteError> {
        for (c, text) in cells.iter().enumerate() {
            ws.write_string_with_format(row, c as u16, *text, &s.sheet_head)?;
        }
        Ok(())
    };
    // Columns B–E together, less a margin for glyphs that print wider than estimated.
    const TEXT_WIDTH: f64 = 109.0 * 0.9;

    heading(ws, row, &["报告信息", "", "", "", ""])?;
    row += 1;
    let template_text = match report.template.as_deref().and_then(|v| catalog.by_version(v)) {
        Some(t) => format!("{}（{}）", t.version, t.name),
        None => "无（2019 年以前的报告或非年度报告）".to_string(),
    };
    let kind = match report.kind {
        DocKind::AnnualReport => "政府信息公开工作年度报告",
        DocKind::Other => "不是政府信息公开工作年度报告",
    };
    let meta: Vec<(&str, String)> = vec![
        ("机关", report.agency.clone().unwrap_or_default()),
        ("报告年度", report.year.map(|y| y.to_string()).unwrap_or_default()),
        ("文档类型", kind.to_string()),
        ("模板", template_text),
        ("发布日期", report.published.clone().unwrap_or_default()),
        ("来源文件", source.path.clone()),
        ("SHA-256", source.sha256.clone()),
        ("生成工具", format!("nianbao {}", env!("CARGO_PKG_VERSION"))),
    ];
    for (k, v) in meta {
        ws.write_string_with_format(row, 0, k, &s.key)?;
        ws.merge_range(row, 1, row, 4, &cell_text(&v), &s.text)?;
        row += 1;
    }
    for key in catalog.table_keys() {
        let Some(spec) = drawing_spec(catalog, report, key) else { continue };
        let absent = TableResult::absent();
        let t = report.tables.get(key).unwrap_or(&absent);
        let status = match t.status {
            TableStatus::Found => "完整",
            TableStatus::Partial => "部分",
            TableStatus::Absent => "原文未提供",
        };
        let version = drawing_template(catalog, report, key).map(|t| t.version.as_str()).unwrap_or_default();
        let text = match t.status {
            TableStatus::Absent => status.to_string(),
            _ => format!("{status}：{} / {} 格（{version}）", t.cells.len(), spec.cell_count()),
        };
        ws.write_string_with_format(row, 0, format!("{}（{}）", spec.sheet, spec.name), &s.key)?;
        ws.merge_range(row, 1, row, 4, &text, &s.text)?;
        row += 1;
    }

    row += 1;
    heading(ws, row, &["章节", "正文", "", "", ""])?;
    row += 1;
    for section in &report.sections {
        ws.write_string_with_format(row, 0, cell_text(&section.heading), &s.wrap)?;
        // The heading may need more lines than the text.
        let heading_lines = text_lines(&section.heading, 27.0 * 0.9);
        let pieces = text_pieces(&section.text, TEXT_WIDTH, SECTION_ROW_LINES);
        for (i, piece) in pieces.iter().enumerate() {
            ws.merge_range(row, 1, row, 4, piece, &s.wrap)?;
            let lines = text_lines(piece, TEXT_WIDTH);
            let lines = if i == 0 { lines.max(heading_lines) } else { lines };
            ws.set_row_height(row, lines * 15.0 + 3.0)?;
            row += 1;
        }
        if pieces.is_empty() {
            ws.set_row_height(row, heading_lines * 15.0 + 3.0)?;
            row += 1;
        }
    }

    row += 1;
    heading(ws, row, &["指标", "数值", "单位", "限定", "原句"])?;
    row += 1;
    for m in &report.metrics {
        let name = catalog.glossary().metric(&m.key).map_or(m.key.as_str(), |e| e.label.as_str());
        ws.write_string_with_format(row, 0, name, &s.wrap)?;
        ws.write_number_with_format(row, 1, m.value.as_f64(), &s.text)?;
        ws.write_string_with_format(row, 2, m.unit.clone().unwrap_or_default(), &s.text)?;
        let qualifier = match m.qualifier {
            Qualifier::Exact => "",
            Qualifier::Approx => "约",
            Qualifier::AtLeast => "至少",
            Qualifier::AtMost => "至多",
        };
        ws.write_string_with_format(row, 3, qualifier, &s.text)?;
        ws.write_string_with_format(row, 4, cell_text(&m.sentence), &s.wrap)?;
        let lines = text_lines(&m.sentence, 79.0 * 0.9).max(text_lines(name, 27.0 * 0.9));
        ws.set_row_height(row, lines * 15.0 + 3.0)?;
        row += 1;
    }

    if !report.unplaced.is_empty() {
        row += 1;
        heading(ws, row, &["未能归位的数字", "原文", "表", "", "上下文（位置）"])?;
        row += 1;
        for u in &report.unplaced {
            ws.write_string_with_format(row, 1, cell_text(&u.raw), &s.text)?;
            let table =
                catalog.by_version(report.template.as_deref().unwrap_or_default()).and_then(|t| t.table(&u.table));
            ws.write_string_with_format(row, 2, table.map_or(u.table.as_str(), |t| t.name.as_str()), &s.text)?;
            let context = match &u.origin {
                Some(o) => format!("{}（{o}）", u.context),
                None => u.context.clone(),
            };
            ws.write_string_with_format(row, 4, cell_text(&context), &s.wrap)?;
            ws.set_row_height(row, text_lines(&context, 79.0 * 0.9) * 15.0 + 3.0)?;
            row += 1;
        }
    }
    Ok(())
}

/// `校验`: one row per finding, the header alone when there are none. Every column speaks Chinese: the rule's
/// name, the result (for every finding: its status, else what its severity means), the table's printed name,
/// each cell as its sheet reference and printed labels (`依申请公开!D6 一、本年新收政府信息公开申请数量／自然人`),
/// and the message without its English gloss. Rows are as tall as their wrapped text.
fn findings_sheet(
    ws: &mut Worksheet,
    catalog: &Catalog,
    report: &Report,
    s: &Styles,
    title: &str,
) -> Result<(), WriteError> {
    ws.set_name(FINDINGS_SHEET)?;
    plain_page_setup(ws, title);
    const HEADER: [&str; 8] = ["级别", "规则", "结果", "表", "单元格", "应为", "实为", "说明"];
    const WIDTHS: [f64; 8] = [6.0, 16.0, 12.0, 6.0, 44.0, 8.0, 8.0, 70.0];
    for (c, (text, width)) in HEADER.iter().zip(WIDTHS).enumerate() {
        ws.set_column_width(c as u16, width)?;
        ws.write_string_with_format(0, c as u16, *text, &s.sheet_head)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_repeat_rows(0, 0)?;
    let glossary = catalog.glossary();
    let label = |set: &str, value: &str| glossary.value(set, value).map_or(value.to_string(), |e| e.label.clone());
    for (i, f) in report.findings.iter().enumerate() {
        let row = i as u32 + 1;
        let spec = f.table.as_deref().and_then(|t| drawing_spec(catalog, report, t));
        let severity = label("severity", severity_key(f.severity));
        let result = match f.status {
            Some(status) => label("finding_status", status_key(status)),
            None => result_by_severity(f.severity).to_string(),
        };
        let texts = [
            severity,
            rule_name_zh(catalog, spec, &f.rule),
            result,
            spec.map(|s| s.name.clone()).unwrap_or_default(),
            finding_cells_zh(catalog, report, f),
            f.expected.map(format_number).unwrap_or_default(),
            f.found.map(format_number).unwrap_or_default(),
            f.message_zh().to_string(),
        ];
        let mut lines = 1.0f64;
        for (c, (text, width)) in texts.iter().zip(WIDTHS).enumerate() {
            let text = cell_text(text);
            // Printed glyphs run a little wider than the estimate: leave room so nothing is cut on paper.
            lines = lines.max(text_lines(&text, (width - 1.0) * 0.9));
            let number = match c {
                5 => f.expected,
                6 => f.found,
                _ => None,
            };
            match number {
                Some(x) => ws.write_number_with_format(row, c as u16, x, &s.wrap)?,
                None => ws.write_string_with_format(row, c as u16, &text, &s.wrap)?,
            };
        }
        ws.set_row_height(row, (lines * 15.0 + 3.0).min(409.0))?;
    }
    Ok(())
}

fn severity_key(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn status_key(status: FindingStatus) -> &'static str {
    match status {
        FindingStatus::Failed => "failed",
        FindingStatus::Unverifiable => "unverifiable",
        FindingStatus::NotApplicable => "not_applicable",
        FindingStatus::HoldsWithBlanks => "holds_with_blanks",
    }
}

/// The result of a finding that is not a rule's verdict (a number not placed, a cell not read, a figure of the
/// text compared with the table): what its severity says of it.
fn result_by_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "有误",
        Severity::Warning => "请核对",
        Severity::Info => "提示",
    }
}

/// A rule as the sheet names it: `R1 勾稽关系` with the template's name, `D1 件数为非负整数` or `无法读取的单元格`
/// with the glossary's label; the rules of an absent table joined by `、`.
fn rule_name_zh(catalog: &Catalog, spec: Option<&TableSpec>, rule: &Rule) -> String {
    match rule {
        Rule::AbsentTable(rules) => rules.iter().map(|r| rule_name_zh(catalog, spec, r)).collect::<Vec<_>>().join("、"),
        Rule::Template(id) => match spec.and_then(|s| s.rules.iter().find(|r| &r.id == id)) {
            Some(r) => format!("{id} {}", r.name),
            None => id.clone(),
        },
        other => {
            let id = other.id().unwrap_or_default();
            let label = catalog.glossary().check(id).map(|e| e.label.as_str()).unwrap_or(id);
            // Built-in ids that are words (`unplaced`) are replaced by their label; short codes (`D1`) keep it.
            if id.chars().any(|c| c.is_ascii_lowercase()) {
                label.to_string()
            } else {
                format!("{id} {label}")
            }
        }
    }
}

/// A finding's cells, one a line: the sheet reference and the printed row and column labels
/// (`依申请公开!D6 一、本年新收政府信息公开申请数量／自然人`); a finding without template cells lists its references.
fn finding_cells_zh(catalog: &Catalog, report: &Report, f: &Finding) -> String {
    let refs = finding_refs(catalog, report, f);
    let spec = f.table.as_deref().and_then(|t| drawing_spec(catalog, report, t));
    let Some(spec) = spec.filter(|_| !f.cells.is_empty()) else { return refs.join("\n") };
    let labels = spec.labels();
    let named: Vec<String> = f
        .cells
        .iter()
        .map(|key| {
            let row = labels.row(key.row());
            let column = labels.column(key);
            if row.is_empty() {
                column.to_string()
            } else {
                format!("{row}／{column}")
            }
        })
        .collect();
    if refs.len() == named.len() {
        refs.iter().zip(&named).map(|(r, n)| format!("{r} {n}")).collect::<Vec<_>>().join("\n")
    } else {
        refs.into_iter().chain(named).collect::<Vec<_>>().join("\n")
    }
}

/// Most lines of a section's text in one row of the narrative sheet: a longer section goes on over several rows,
/// so no row is taller than a spreadsheet allows (409 points) or than a printed page.
const SECTION_ROW_LINES: f64 = 20.0;

/// `text` in pieces of at most `max_lines` lines of `width` units each, cut between paragraphs where possible,
/// else after a sentence end, else between characters. Nothing is dropped: the pieces joined with line breaks are
/// the text (less the breaks at the cuts).
fn text_pieces(text: &str, width: f64, max_lines: f64) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    let push = |piece: String, pieces: &mut Vec<String>, current: &mut String| {
        let joined = if current.is_empty() { piece.clone() } else { format!("{current}\n{piece}") };
        if text_lines(&joined, width) <= max_lines {
            *current = joined;
        } else {
            if !current.is_empty() {
                pieces.push(std::mem::take(current));
            }
            *current = piece;
        }
    };
    for paragraph in text.split('\n') {
        for part in paragraph_parts(paragraph, width * max_lines) {
            push(part, &mut pieces, &mut current);
        }
    }
    if !current.trim().is_empty() {
        pieces.push(current);
    }
    pieces
}

/// A paragraph cut into parts no wider than `room` units: after the last sentence end that fits, else at the
/// width.
fn paragraph_parts(paragraph: &str, room: f64) -> Vec<String> {
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut used = 0.0;
    // Byte length of `part` just after its last sentence end, and the width up to there.
    let mut sentence_end: Option<(usize, f64)> = None;
    for c in paragraph.chars() {
        let w = text_width(c.encode_utf8(&mut [0; 4]));
        if used + w > room && !part.is_empty() {
            match sentence_end.filter(|(at, _)| *at < part.len()) {
                Some((at, width)) => {
                    let tail = part.split_off(at);
                    parts.push(std::mem::replace(&mut part, tail));
                    used -= width;
                }
                None => {
                    parts.push(std::mem::take(&mut part));
                    used = 0.0;
                }
            }
            sentence_end = None;
        }
        part.push(c);
        used += w;
        if matches!(c, '。' | '；' | '！' | '？' | ';') {
            sentence_end = Some((part.len(), used));
        }
    }
    parts.push(part);
    parts
}

/// Text cut to what a cell can hold, marked when cut.
fn cell_text(text: &str) -> String {
    const MARK: &str = "…（已截断）";
    if text.encode_utf16().count() <= MAX_CELL_TEXT {
        return text.to_string();
    }
    let budget = MAX_CELL_TEXT - MARK.encode_utf16().count();
    let mut used = 0;
    let mut out = String::new();
    for c in text.chars() {
        used += c.len_utf16();
        if used > budget {
            break;
        }
        out.push(c);
    }
    out.push_str(MARK);
    out
}

/// The report as its printed pages name it: `鄂州市行政审批局2020年度政府信息公开工作年度报告`, with what the report
/// states of its agency and year.
fn report_title(report: &Report) -> String {
    let year = report.year.map(|y| format!("{y}年度")).unwrap_or_default();
    let agency = report.agency.clone().unwrap_or_default();
    format!("{agency}{year}政府信息公开工作年度报告")
}

/// The page header: `title` centred, `&` escaped, cut to what a header holds (255 characters with its codes).
fn page_header(title: &str) -> String {
    const ROOM: usize = 200;
    let title: String = title.chars().filter(|c| !c.is_control()).take(ROOM).collect();
    format!("&C{}", title.replace('&', "&&"))
}

/// Title, subject and a creation date taken from the report, never from the clock.
fn report_properties(report: &Report, source: &SourceInfo) -> DocProperties {
    let title = report_title(report);
    let subject = match report.template.as_deref() {
        Some(v) => format!("表二至表四（{v}）"),
        None => "表二至表四".to_string(),
    };
    let mut properties = DocProperties::new()
        .set_title(title)
        .set_subject(subject)
        .set_author("nianbao")
        .set_comment(format!("nianbao {} · {} · sha256 {}", env!("CARGO_PKG_VERSION"), source.path, source.sha256));
    if let Some(date) = creation_date(report) {
        properties = properties.set_creation_datetime(&date);
    }
    properties
}

/// The date published, else 31 December of the report year, else 1 January 2000.
fn creation_date(report: &Report) -> Option<ExcelDateTime> {
    let published = report.published.as_deref().and_then(|p| {
        let mut parts = p.split('-').map(str::parse::<u32>);
        let (y, m, d) = (parts.next()?.ok()?, parts.next()?.ok()?, parts.next()?.ok()?);
        ExcelDateTime::from_ymd(u16::try_from(y).ok()?, u8::try_from(m).ok()?, u8::try_from(d).ok()?).ok()
    });
    published
        .or_else(|| report.year.and_then(|y| ExcelDateTime::from_ymd(year_u16(y), 12, 31).ok()))
        .or_else(|| ExcelDateTime::from_ymd(2000, 1, 1).ok())
}

fn year_u16(year: i32) -> u16 {
    u16::try_from(year.clamp(1900, 9999)).unwrap_or(2000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_refs_follow_the_official_layout() {
        assert_eq!(cell_ref("gov2021", "t3", "new_received.natural_person").as_deref(), Some("依申请公开!D6"));
        assert_eq!(cell_ref("gov2021", "t3", "carried_forward.total").as_deref(), Some("依申请公开!J30"));
        assert_eq!(cell_ref("gov2019", "t3", "carried_forward.total").as_deref(), Some("依申请公开!J28"));
        assert_eq!(cell_ref("gov2021", "t4", "cases.review_total").as_deref(), Some("复议诉讼!E6"));
        assert_eq!(cell_ref("gov2021", "t2", "admin_fees.fee_amount").as_deref(), Some("主动公开!B16"));
        assert_eq!(cell_ref("gov2021", "t2", "admin_fees.prev_year_items"), None);
        assert_eq!(cell_ref("gov2030", "t2", "admin_fees.fee_amount"), None);
    }

    #[test]
    fn adjacent_cells_become_ranges() {
        assert_eq!(ranges(&[(5, 3), (5, 4), (5, 5), (5, 6), (5, 7), (5, 8)], false), "D6:I6");
        assert_eq!(ranges(&[(5, 9), (6, 9), (28, 9), (29, 9)], false), "J6:J7,J29:J30");
        assert_eq!(ranges(&[(5, 9)], true), "$J$6");
    }

    #[test]
    fn check_formulas_return_text_and_cached_results_match() {
        let spec = template::by_version("gov2021").and_then(|t| t.table("t3")).expect("t3");
        let form = Form::new(spec);
        let r1 =
            form.checks.iter().find(|c| c.equation.rule == "R1" && c.equation.binding == "natural_person").expect("R1");
        assert_eq!(
            check_formula(r1),
            "=IF(COUNT(D6:D7,D29:D30)=0,\"\",IF(ROUND(SUM(D6:D7)-SUM(D29:D30),6)=0,\"✓\",\
             IF(COUNT(D6:D7,D29:D30)<4,\"？ \",\"✗ \")&SUM(D6:D7)&\"≠\"&SUM(D29:D30)))"
        );
        let mut values: HashMap<(u32, u16), Option<f64>> = HashMap::default();
        assert_eq!(check_result(r1, &values), "");
        values.insert((5, 3), Some(29.0));
        values.insert((6, 3), Some(0.0));
        values.insert((28, 3), Some(23.0));
        values.insert((29, 3), None);
        assert_eq!(check_result(r1, &values), "？ 29≠23", "a blank cell: cannot be verified");
        values.insert((29, 3), Some(0.0));
        assert_eq!(check_result(r1, &values), "✗ 29≠23");
        values.insert((28, 3), Some(29.0));
        assert_eq!(check_result(r1, &values), "✓");
    }

    #[test]
    fn provenance_names_the_printed_text_only_when_it_differs() {
        let cell = |raw: &str, value, source, origin: Option<&str>| CellValue {
            value,
            raw: raw.into(),
            state: CellState::Value,
            unit: crate::report::Unit::NotMoney,
            source,
            origin: origin.map(Origin::parse),
        };
        use crate::report::Amount;
        assert_eq!(
            provenance(&cell("251000元", Some(Amount::Real(25.1)), CellSource::Table, Some("line 57"))).as_deref(),
            Some("原文：251000元\n来源：第 57 行")
        );
        assert_eq!(
            provenance(&cell(" 0", Some(Amount::Int(0)), CellSource::Table, Some("line 9"))).as_deref(),
            Some("来源：第 9 行")
        );
        assert_eq!(
            provenance(&cell("12", Some(Amount::Int(12)), CellSource::Prose, Some("共受理申请12件。"))).as_deref(),
            Some("取自正文：共受理申请12件。")
        );
    }

    #[test]
    fn text_widths_count_wide_characters_twice() {
        assert_eq!(text_width("ab"), 2.2);
        assert_eq!(text_width("行政许可"), 8.0);
        assert_eq!(text_width("“三安全一稳定”（）"), 20.0);
        assert_eq!(text_width("e\u{301}\u{200b}"), 1.1);
    }

    #[test]
    fn long_sections_go_on_over_rows_cut_between_paragraphs_then_sentences() {
        let sentence = "本机关全面推进政务公开工作。"; // 14 wide characters: 28 units
        let paragraph = sentence.repeat(10); // 280 units: 3 lines of 100
        let text = [paragraph.as_str(); 5].join("\n"); // 15 lines
        let pieces = text_pieces(&text, 100.0, 7.0);
        assert_eq!(
            pieces,
            vec![[paragraph.as_str(); 2].join("\n"), [paragraph.as_str(); 2].join("\n"), paragraph.clone()]
        );
        // One paragraph longer than a row: cut after the last sentence that fits (3 sentences in 100 units).
        let pieces = text_pieces(&paragraph, 100.0, 1.0);
        assert_eq!(pieces.first().map(String::as_str), Some(sentence.repeat(3).as_str()));
        assert_eq!(pieces.concat(), paragraph);
        assert!(pieces.iter().all(|p| text_lines(p, 100.0) <= 1.0));
        // No sentence end: cut at the width, nothing lost.
        let run = "字".repeat(120);
        let pieces = text_pieces(&run, 100.0, 1.0);
        assert_eq!(pieces.iter().map(|p| p.chars().count()).collect::<Vec<_>>(), vec![50, 50, 20]);
        assert!(text_pieces("", 100.0, 7.0).is_empty());
    }

    #[test]
    fn origins_in_notes_read_in_chinese() {
        assert_eq!(origin_zh(&Origin::line(37)), "第 37 行");
        assert_eq!(origin_zh(&Origin::table_cell(2, 4, 2)), "表 2 第 4 行第 2 格");
        assert_eq!(origin_zh(&Origin::page_cell(3, 1, 5, 2)), "第 3 页 表 1 第 5 行第 2 格");
        assert_eq!(origin_zh(&Origin::sheet_cell("Sheet1", 11, 1)), "Sheet1!B12");
        assert_eq!(
            origin_zh(&Origin::line(12).inferred(Inference::TemplateOrderAndTotals)),
            "第 12 行（按模板行序与合计推断）"
        );
    }

    #[test]
    fn long_text_is_cut_to_fit_a_cell() {
        let text = "字".repeat(40_000);
        let cut = cell_text(&text);
        assert_eq!(cut.encode_utf16().count(), MAX_CELL_TEXT);
        assert!(cut.ends_with("（已截断）"));
        assert_eq!(cell_text("短"), "短");
    }
}
