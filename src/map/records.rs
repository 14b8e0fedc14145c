//! From document tables to *records*: a record is what one source row says — its label cells and the value
//! cells after them. Grid tables give one record per grid row; cell streams are cut into records wherever a
//! run of value cells ends. Records carry no template knowledge yet.

use std::sync::LazyLock;

use regex::Regex;

use crate::doc::{Block, Cell, Document, Slot, Table, TableShape};
use crate::map::value::{classify, Token};
use crate::normalize::compact;
use crate::report::Origin;

/// A source cell as the mapper sees it.
#[derive(Debug, Clone)]
pub struct SourceCell {
    pub raw: String,
    pub token: Token,
    /// Where it was printed, for provenance (`line 57`, `table 2, row 3, cell 4`, `Sheet1!B12`).
    pub origin: Origin,
    /// The source declares the (empty) cell not provided: it stays absent, not blank.
    pub absent: bool,
}

/// A label cell with its matching key.
#[derive(Debug, Clone)]
pub struct Label {
    pub raw: String,
    pub compact: String,
}

#[derive(Debug, Clone, Default)]
pub struct Record {
    pub labels: Vec<Label>,
    pub values: Vec<SourceCell>,
    /// The source shape: in a cell stream, trailing blanks may be span filler rather than blank cells.
    pub from_stream: bool,
}

impl Record {
    /// The labels joined, for messages and `unplaced` context.
    pub fn label_text(&self) -> String {
        self.labels.iter().map(|l| l.raw.as_str()).collect::<Vec<_>>().join(" / ")
    }
}

/// One item of the mapper's input: a record, or a break in the flow where a table context ends.
#[derive(Debug, Clone)]
pub enum Item {
    Record(Record),
    /// A heading or long paragraph: the table being read, if any, has ended.
    Break,
}

/// Paragraphs this long end a table context; shorter ones (a caption, a unit note) do not.
const CONTEXT_BREAK_CHARS: usize = 40;

/// Records of all tables in reading order, with the breaks between them.
pub fn items(doc: &Document) -> Vec<Item> {
    let mut out = Vec::new();
    let mut table_no = 0;
    for block in &doc.blocks {
        match block {
            Block::Heading { .. } => out.push(Item::Break),
            Block::Paragraph { text, .. } => {
                if text.chars().count() > CONTEXT_BREAK_CHARS {
                    out.push(Item::Break);
                }
            }
            Block::Table(table) => {
                table_no += 1;
                let records = match table.shape {
                    TableShape::Grid => grid_records(table, table_no),
                    TableShape::CellStream => stream_records(table, table_no),
                };
                out.extend(records.into_iter().map(Item::Record));
            }
        }
    }
    out
}

/// Where a cell was printed: its sheet cell in a spreadsheet, its page and table in a paged source, its line in
/// text, else its table, row and cell.
fn origin(table: &Table, table_no: usize, cell: &Cell) -> Origin {
    let (row, col) = (cell.pos.row + 1, cell.pos.col + 1);
    let sheet_cell = table.name.as_deref().and_then(|sheet| {
        Some(Origin::sheet_cell(sheet, u32::try_from(cell.pos.row).ok()?, u16::try_from(cell.pos.col).ok()?))
    });
    if let Some(origin) = sheet_cell {
        origin
    } else if cell.pos.page > 0 {
        Origin::page_cell(cell.pos.page, table_no, row, col)
    } else if cell.pos.line > 0 {
        Origin::line(cell.pos.line)
    } else {
        Origin::table_cell(table_no, row, col)
    }
}

fn source_cell(table: &Table, table_no: usize, cell: &Cell) -> SourceCell {
    SourceCell {
        raw: cell.text.clone(),
        token: classify(&cell.text),
        origin: origin(table, table_no, cell),
        absent: cell.absent && cell.text.trim().is_empty(),
    }
}

fn label(text: &str) -> Label {
    Label { raw: text.to_string(), compact: compact(text) }
}

fn grid_records(table: &Table, table_no: usize) -> Vec<Record> {
    let mut records = Vec::new();
    for row in table.grid() {
        let mut cells: Vec<(SourceCell, bool)> = Vec::new();
        for slot in row {
            let Some(cell) = table.cell_at(slot) else {
                continue;
            };
            match slot {
                Slot::Covered { across: true, .. } => continue,
                // A label spanning rows from above (`三、本年度办理结果`) is context for this row too; a value
                // spanning rows is read once, where it starts.
                Slot::Covered { across: false, .. } => {
                    if classify(&cell.text) == Token::Text {
                        cells.push((source_cell(table, table_no, cell), true));
                    }
                }
                _ => cells.push((source_cell(table, table_no, cell), false)),
            }
        }
        records.push(split_row(cells));
    }
    records
}

/// Labels are the text cells before the first value; values run from just after the last of those labels.
/// Text after the last value (a remark column, a ✓/✗ check column) is not a value, and ends the values there:
/// blank cells before it are still value positions (a blank 总计 followed by a check column). Text between
/// values is a value (an unreadable one such as `十二`), and so is text that only a value would be — Chinese
/// numerals or a spreadsheet error like `#REF!` — right after the label or after the last number, where it would
/// otherwise pass for a label or a remark.
fn split_row(cells: Vec<(SourceCell, bool)>) -> Record {
    let is_value = |c: &SourceCell| matches!(c.token, Token::Number { .. } | Token::Na);
    let first_value = cells.iter().position(|(c, _)| is_value(c));
    let head_end = first_value.unwrap_or(cells.len());
    let last_label = cells[..head_end].iter().rposition(|(c, _)| c.token == Token::Text && !is_value_text(&c.raw));
    let values_from = last_label.map_or(0, |i| i + 1);
    let values_to = match cells.iter().rposition(|(c, _)| is_value(c)) {
        Some(last) => cells[last + 1..]
            .iter()
            .position(|(c, _)| c.token == Token::Text && !is_value_text(&c.raw))
            .map_or(cells.len(), |i| last + 1 + i),
        None => cells.len(),
    };
    let mut record = Record::default();
    for (i, (cell, _)) in cells.into_iter().enumerate() {
        if i < values_from {
            if cell.token == Token::Text {
                record.labels.push(label(&cell.raw));
            }
        } else if i < values_to {
            record.values.push(cell);
        }
    }
    record
}

static VALUE_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[零〇一二三四五六七八九十百千万两壹贰叁肆伍陆柒捌玖拾佰仟]{1,12}|[0-9OoIl〇]{1,8}|[0-9]+|#(?:REF!|DIV/0!|N/A|NAME\?|NULL!|NUM!|VALUE!|DATA!|SPILL!|CALC!)|=\S.*|(?i:true|false|nan|[+-]?inf(?:inity)?)|[+-]?[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]+)$")
        .expect("valid")
});

/// Text that can only stand where a value belongs: a number in Chinese numerals (`十二`), a number OCR read as
/// letters (`ll` for 11), digits too many for one number or with not-applicable marks glued among them (the cells
/// of a row that ran together: `/00`), a spreadsheet error (`#REF!`), a formula saved without its computed value
/// (`=SUM(D6:D7)`), a spreadsheet's boolean or not-a-number (`TRUE`, `NaN`, `inf`), or a number in scientific
/// notation (`1e308`, far beyond any count). It is never a label.
pub fn is_value_text(raw: &str) -> bool {
    VALUE_TEXT.is_match(raw.trim()) || crate::map::value::marked_run(raw).is_some()
}

/// Cuts a cell stream into records: a run of label cells, then a run of value cells.
fn stream_records(table: &Table, table_no: usize) -> Vec<Record> {
    let mut records = Vec::new();
    let mut current = Record { from_stream: true, ..Record::default() };
    for cell in table.rows.iter().flatten() {
        let sc = source_cell(table, table_no, cell);
        match sc.token {
            Token::Text if !is_value_text(&sc.raw) => {
                if current.values.iter().any(|v| v.token != Token::Blank) {
                    records.push(std::mem::replace(&mut current, Record { from_stream: true, ..Record::default() }));
                } else {
                    // Blank positions between labels are span filler.
                    current.values.clear();
                }
                current.labels.push(label(&sc.raw));
            }
            _ => current.values.push(sc),
        }
    }
    if !current.labels.is_empty() || current.values.iter().any(|v| v.token != Token::Blank) {
        records.push(current);
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Position;

    fn cell(text: &str, rs: u32, cs: u32) -> Cell {
        Cell::new(text, Position::default()).spanning(rs, cs)
    }

    #[test]
    fn origins_name_the_sheet_cell_the_page_the_line_or_the_table() {
        let at = |pos: Position| Cell::new("1", pos);
        let mut table = Table::new(TableShape::Grid, vec![]);
        let pos = Position { page: 0, line: 0, row: 11, col: 9 };
        assert_eq!(origin(&table, 2, &at(pos)).to_string(), "table 2, row 12, cell 10");
        assert_eq!(origin(&table, 2, &at(Position { line: 57, ..pos })).to_string(), "line 57");
        assert_eq!(origin(&table, 2, &at(Position { page: 3, ..pos })).to_string(), "page 3, table 2, row 12, cell 10");
        table.name = Some("依申请公开".into());
        assert_eq!(origin(&table, 2, &at(pos)).to_string(), "依申请公开!J12");
        // A column beyond any sheet's is named by its table position rather than by a wrong reference.
        let far = Position { col: 70_000, ..pos };
        assert_eq!(origin(&table, 2, &at(far)).to_string(), "table 2, row 12, cell 70001");
    }

    #[test]
    fn grid_rows_keep_rowspan_labels_and_skip_colspan_copies() {
        let table = Table {
            shape: TableShape::Grid,
            name: None,
            rows: vec![
                vec![cell("三、本年度办理结果", 2, 1), cell("（一）予以公开", 1, 2), cell("19", 1, 1), cell("", 1, 1)],
                vec![cell("（二）部分公开", 1, 2), cell("1", 1, 1), cell("/", 1, 1)],
            ],
        };
        let records = grid_records(&table, 1);
        let labels: Vec<Vec<&str>> =
            records.iter().map(|r| r.labels.iter().map(|l| l.raw.as_str()).collect()).collect();
        assert_eq!(labels[1], vec!["三、本年度办理结果", "（二）部分公开"]);
        assert_eq!(records[0].values.len(), 2);
        assert_eq!(records[0].values[1].token, Token::Blank);
        assert_eq!(records[1].values[1].token, Token::Na);
    }

    #[test]
    fn text_after_the_values_is_a_remark_not_a_value() {
        let table = Table {
            shape: TableShape::Grid,
            name: None,
            rows: vec![vec![
                cell("规章", 1, 1),
                cell("3", 1, 1),
                cell("十二", 1, 1),
                cell("4", 1, 1),
                cell("", 1, 1),
                cell("✓", 1, 1),
            ]],
        };
        let records = grid_records(&table, 1);
        let raws: Vec<&str> = records[0].values.iter().map(|v| v.raw.as_str()).collect();
        assert_eq!(raws, vec!["3", "十二", "4", ""]);
    }

    #[test]
    fn a_blank_last_value_before_a_check_column_stays_a_value() {
        let table = Table {
            shape: TableShape::Grid,
            name: None,
            rows: vec![vec![cell("规章", 1, 1), cell("3", 1, 1), cell("", 1, 1), cell("✗ 0≠4", 1, 1)]],
        };
        let records = grid_records(&table, 1);
        let raws: Vec<&str> = records[0].values.iter().map(|v| v.raw.as_str()).collect();
        assert_eq!(raws, vec!["3", ""]);
    }

    #[test]
    fn numerals_and_sheet_errors_after_the_label_are_values_not_labels() {
        for bad in ["十二", "#REF!", "TRUE", "NaN", "1e308", "-inf"] {
            let table = Table {
                shape: TableShape::Grid,
                name: None,
                rows: vec![vec![cell("一、本年新收", 1, 1), cell(bad, 1, 1), cell("4", 1, 1), cell("5", 1, 1)]],
            };
            let records = grid_records(&table, 1);
            let labels: Vec<&str> = records[0].labels.iter().map(|l| l.raw.as_str()).collect();
            let raws: Vec<&str> = records[0].values.iter().map(|v| v.raw.as_str()).collect();
            assert_eq!((labels, raws), (vec!["一、本年新收"], vec![bad, "4", "5"]));
            let table = Table {
                shape: TableShape::Grid,
                name: None,
                rows: vec![vec![cell("4", 1, 1), cell(bad, 1, 1), cell("", 1, 1), cell("✓", 1, 1)]],
            };
            let raws: Vec<String> = grid_records(&table, 1)[0].values.iter().map(|v| v.raw.clone()).collect();
            assert_eq!(raws, vec!["4", bad, ""]);
        }
        assert!(!is_value_text("一、本年新收"));
        assert!(!is_value_text("其他"));
        assert!(!is_value_text("Information"));
    }

    #[test]
    fn a_label_row_with_blank_values_keeps_its_blanks() {
        let table = Table {
            shape: TableShape::Grid,
            name: None,
            rows: vec![vec![cell("规章", 1, 1), cell("", 1, 1), cell("\u{a0}", 1, 1)]],
        };
        let records = grid_records(&table, 1);
        assert_eq!(records[0].labels.len(), 1);
        assert_eq!(records[0].values.len(), 2);
    }

    #[test]
    fn streams_cut_after_each_run_of_values() {
        let rows = ["第二十条第(五)项", "", "", "信息内容", "本年处理决定数量", "", "行政许可", "24380", "", ""]
            .iter()
            .map(|t| vec![cell(t, 1, 1)])
            .collect();
        let table = Table { shape: TableShape::CellStream, name: None, rows };
        let records = stream_records(&table, 1);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].labels.len(), 4);
        assert_eq!(records[0].values.len(), 3);
        assert_eq!(records[0].values[0].raw, "24380");
    }
}
