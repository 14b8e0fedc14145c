//! What `validate` requires of a workbook beyond the rules: that it was read completely. What was not read was
//! not checked, so a workbook passes only when every template cell of every table present in it was read — a
//! number, a blank, a not-applicable mark — or is declared absent by the workbook itself (the names nianbao
//! writes for a partial table).
//!
//! [`reading_problems`] reports, as findings of severity error, each with the sheet cells (`依申请公开!D12`) and
//! what to do:
//! * `unreadable` — a cell whose text is no value (`三十六`, `#REF!`, a formula saved without its value);
//! * `unplaced` — numbers the mapper could not put on the template (a row whose label was cleared or changed);
//! * `unread` — template cells read from nowhere (their row or column was not found). Their sheet cell is
//!   inferred where the neighbours tell: the column of the same column's other cells, the row of the same row's
//!   other cells, or the one sheet row between the rows before and after it in the form.
//!
//! Nothing here reads a file; it works from the mapped report, its cells' origins and the document's text.

use crate::hash::HashMap;

use crate::check::Labels;
use crate::doc::Document;
use crate::report::{CellKey, Finding, Origin, Place, Report, Rule, Severity, TableResult, TableStatus};
use crate::template::{Catalog, TableSpec};

/// The error findings of everything a workbook brought for validation holds that could not be read, table by
/// table; they replace the mapper's warnings about the same cells.
pub fn reading_problems(report: &Report, doc: &Document, catalog: &Catalog) -> Vec<Finding> {
    let texts = sheet_texts(doc);
    let mut out = Vec::new();
    for key in catalog.table_keys() {
        let Some(table) = report.tables.get(key).filter(|t| t.status != TableStatus::Absent) else { continue };
        let version = table.template.as_deref().or(report.template.as_deref());
        let Some(spec) = version.and_then(|v| catalog.by_version(v)).and_then(|t| t.table(key)) else { continue };
        let labels = spec.labels();
        out.extend(unreadable(report, spec, labels, &texts));
        out.extend(unplaced(report, spec));
        out.extend(unread(report, table, spec, labels));
    }
    out
}

/// The text of every spreadsheet cell of the document, by its reference (`依申请公开!D9`).
fn sheet_texts(doc: &Document) -> HashMap<String, String> {
    let mut out = HashMap::default();
    for table in doc.tables() {
        let Some(sheet) = table.name.as_deref() else { continue };
        for cell in table.rows.iter().flatten() {
            let (Ok(row), Ok(col)) = (u32::try_from(cell.pos.row), u16::try_from(cell.pos.col)) else { continue };
            out.insert(Origin::sheet_cell(sheet, row, col).to_string(), cell.text.clone());
        }
    }
    out
}

/// What to do about a cell whose text is no value, by what the text is.
fn advice_for(raw: &str) -> &'static str {
    let raw = raw.trim();
    if raw.starts_with('=') {
        "公式没有计算结果（保存文件的程序不计算公式，如 openpyxl）：请在 Excel、WPS 或 LibreOffice 中打开、保存后再校验"
    } else if raw.starts_with('#') {
        "公式出错：请改正公式，或直接填写数值"
    } else if raw.chars().all(|c| "零〇一二三四五六七八九十百千万两壹贰叁肆伍陆柒捌玖拾佰仟".contains(c))
    {
        "请改用阿拉伯数字填写"
    } else {
        "请填写数值；不适用的单元格填“/”，没有数据的留空"
    }
}

fn unreadable(report: &Report, spec: &TableSpec, labels: &Labels, texts: &HashMap<String, String>) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in report.findings.iter().filter(|f| f.rule == Rule::Unreadable && f.table.as_deref() == Some(&spec.key)) {
        let Some(key) = f.cells.first() else { continue };
        let place = f.refs.first().cloned().unwrap_or_default();
        let raw = texts.get(&place).map_or("", String::as_str);
        let message = format!(
            "{place}：{}{}的内容“{raw}”不是数值。{} (cell {key} at {place} holds no value)",
            spec.name,
            labels.cell(key),
            advice_for(raw)
        );
        let mut finding = Finding::new(Severity::Error, Rule::Unreadable, message).in_table(&spec.key);
        finding.cells = vec![key.clone()];
        finding.refs = f.refs.clone();
        out.push(finding);
    }
    out
}

/// The numbers left unplaced, one finding per source row (label and sheet row), with the mapper's reason.
fn unplaced(report: &Report, spec: &TableSpec) -> Vec<Finding> {
    let mut groups: Vec<(String, Option<u32>, Vec<&crate::report::Unplaced>)> = Vec::new();
    for u in report.unplaced.iter().filter(|u| u.table == spec.key) {
        let row = u.origin.as_ref().and_then(sheet_row);
        match groups.iter_mut().find(|(context, r, _)| *context == u.context && *r == row) {
            Some((_, _, members)) => members.push(u),
            None => groups.push((u.context.clone(), row, vec![u])),
        }
    }
    let reasons: Vec<&Finding> =
        report.findings.iter().filter(|f| f.rule == Rule::Unplaced && f.table.as_deref() == Some(&spec.key)).collect();
    groups
        .into_iter()
        .map(|(context, _, members)| {
            let refs: Vec<String> = members.iter().filter_map(|u| u.origin.as_ref().map(ToString::to_string)).collect();
            let raws: Vec<&str> = members.iter().map(|u| u.raw.as_str()).collect();
            let reason = reasons
                .iter()
                .find(|f| f.message.contains(&format!("「{context}」")))
                .and_then(|f| f.message_zh().split_once("未能放入模板：").map(|(_, r)| r.to_string()))
                .unwrap_or_default();
            let label = if context.is_empty() { "（无标签）".to_string() } else { format!("「{context}」") };
            let message = format!(
                "{}：{}{label}这一行的 {} 个数值（{}）未能对应到模板的单元格{}。请核对这一行的标签和数值个数，与官方表格一致后再校验 \
                 ({} values of the row labelled `{context}` could not be placed)",
                join_refs(&refs),
                spec.name,
                members.len(),
                raws.join(" "),
                if reason.is_empty() { String::new() } else { format!("：{reason}") },
                members.len(),
            );
            let mut finding = Finding::new(Severity::Error, Rule::Unplaced, message).in_table(&spec.key);
            finding.refs = refs;
            finding
        })
        .collect()
}

/// Template cells that were read from nowhere, one finding per template row.
fn unread(report: &Report, table: &TableResult, spec: &TableSpec, labels: &Labels) -> Vec<Finding> {
    let unreadable: Vec<&CellKey> = report
        .findings
        .iter()
        .filter(|f| f.rule == Rule::Unreadable && f.table.as_deref() == Some(&spec.key))
        .flat_map(|f| &f.cells)
        .collect();
    let places = Places::new(table, spec);
    let mut out = Vec::new();
    for row in &spec.rows {
        let missing: Vec<CellKey> = row
            .columns
            .iter()
            .map(|c| CellKey::new(&row.key, c))
            .filter(|k| !table.cells.contains_key(k) && !table.declared_absent.contains(k) && !unreadable.contains(&k))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let refs: Vec<String> = missing.iter().filter_map(|k| places.of(k)).map(|o| o.to_string()).collect();
        let what = if missing.len() == row.columns.len() {
            let name = if row.label.is_empty() {
                "数值行".to_string()
            } else {
                format!("「{}」行", labels.row(&row.key))
            };
            format!("{name}（{} 格）未能读取：工作表上没有找到这一行", missing.len())
        } else {
            let names: Vec<String> = missing.iter().map(|k| labels.cell(k)).collect();
            format!("{}未能读取：工作表上没有找到这些单元格", names.join("、"))
        };
        let place = if refs.is_empty() { String::new() } else { format!("（应在 {}）", join_refs(&refs)) };
        let message = format!(
            "{}{what}{place}。请检查标签是否被改动或删除，改回官方表格的写法后再校验 ({} of row {} could not be read)",
            spec.name,
            missing.iter().map(CellKey::as_str).collect::<Vec<_>>().join(", "),
            row.key
        );
        let mut finding = Finding::new(Severity::Error, Rule::Unread, message).in_table(&spec.key);
        finding.cells = missing;
        finding.refs = refs;
        out.push(finding);
    }
    out
}

fn sheet_row(origin: &Origin) -> Option<u32> {
    match &origin.place {
        Place::SheetCell { row, .. } => Some(*row),
        _ => None,
    }
}

/// References of one row shortened for reading: `依申请公开!D12:J12` for a run on one row, else a list.
fn join_refs(refs: &[String]) -> String {
    let parsed: Vec<Origin> = refs.iter().map(|r| Origin::parse(r)).collect();
    let cells: Vec<(&str, u32, u16)> = parsed
        .iter()
        .filter_map(|o| match &o.place {
            Place::SheetCell { sheet, row, col } => Some((sheet.as_str(), *row, *col)),
            _ => None,
        })
        .collect();
    if let (Some(first), Some(last)) = (cells.first(), cells.last()) {
        let one_run = cells.len() == refs.len()
            && cells.len() > 2
            && cells.iter().all(|(s, r, _)| *s == first.0 && *r == first.1)
            && cells.windows(2).all(|w| w[1].2 == w[0].2 + 1);
        if one_run {
            let end = rust_xlsxwriter::utility::row_col_to_cell(last.1, last.2);
            return format!("{}:{end}", Origin::sheet_cell(first.0, first.1, first.2));
        }
    }
    refs.join("、")
}

/// Where the cells of a table were read, to infer where a missing one should have been.
struct Places<'a> {
    spec: &'a TableSpec,
    /// Row key → (sheet, sheet row) of its read cells.
    rows: HashMap<&'a str, (String, u32)>,
    /// Column key → sheet column of its read cells.
    cols: HashMap<&'a str, u16>,
}

impl<'a> Places<'a> {
    fn new(table: &TableResult, spec: &'a TableSpec) -> Places<'a> {
        let mut rows = HashMap::default();
        let mut cols = HashMap::default();
        for row in &spec.rows {
            for col in &row.columns {
                let key = CellKey::new(&row.key, col);
                let Some(Place::SheetCell { sheet, row: r, col: c }) =
                    table.cells.get(&key).and_then(|v| v.origin.as_ref()).map(|o| &o.place)
                else {
                    continue;
                };
                rows.entry(row.key.as_str()).or_insert((sheet.clone(), *r));
                cols.entry(col.as_str()).or_insert(*c);
            }
        }
        Places { spec, rows, cols }
    }

    /// The sheet cell a missing cell should be in, when its neighbours say so.
    fn of(&self, key: &CellKey) -> Option<Origin> {
        let col = *self.cols.get(key.col())?;
        let (sheet, row) = self.row(key.row())?;
        Some(Origin::sheet_cell(&sheet, row, col))
    }

    /// The sheet row of a template row: where its cells were read, else the one row between the rows read before
    /// and after it in the form.
    fn row(&self, row_key: &str) -> Option<(String, u32)> {
        if let Some(found) = self.rows.get(row_key) {
            return Some(found.clone());
        }
        let at = self.spec.rows.iter().position(|r| r.key == row_key)?;
        let before = self.spec.rows.get(..at)?.iter().rev().find_map(|r| self.rows.get(r.key.as_str()))?;
        let after = self.spec.rows.get(at + 1..)?.iter().find_map(|r| self.rows.get(r.key.as_str()))?;
        (before.0 == after.0 && after.1 == before.1 + 2).then(|| (before.0.clone(), before.1 + 1))
    }
}
