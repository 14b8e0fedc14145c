//! Text reader: prose, and the table shapes that reach people as plain text.
//!
//! Lines are classified one by one, and runs of table lines become table blocks:
//! * **cell-per-line** (crawled pages): every cell on its own line ending in ` |`, runs of `|` for spanned or
//!   empty positions, no row separators — a [`TableShape::CellStream`] table;
//! * **Markdown pipe rows** `| a | b |` (separator rows dropped) and lines with several ` | ` cells — grid rows;
//! * **space-separated rows** copied out of PDF or Word: a label followed by numbers (`（一）予以公开 19 0 0 0 0 0
//!   19`), numbers alone (表四's unlabelled row), or a label with the digits run into it (`行政许可3960181`).
//!   Short label-only lines between such rows (wrapped labels, vertical headers one character per line) stay in
//!   the table; page footers (`— 4 —`) are dropped;
//! * **one cell per line with no separator at all** (a page's text as a crawler extracts it): lone values with
//!   the short label lines around them become a cell stream; a numbered label (`一、本年新收…`) directly before a
//!   value is a row label, not a section heading;
//! * **a whole page on one line** (a crawler's page text: chrome, title, sections and tables with nothing between
//!   the cells): [`flat`] cuts it back into headings, sentences, table labels and rows, which are then read like
//!   the lines above.
//!
//! Everything else is prose, through [`crate::read::prose_block`].

mod flat;

use std::borrow::Cow;
use std::sync::LazyLock;

use flat::PieceKind;
use regex::Regex;

use crate::doc::{Block, Cell, Document, Position, Table, TableShape};
use crate::map::value::{classify, is_run_mark, Token};
use crate::read::prose_block;

/// Reads decoded, gloss-free text.
pub fn read_text(text: &str, source: &str) -> Document {
    let mut builder = Builder::default();
    let mut lines: Vec<(usize, Line<'_>)> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let trimmed = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        match flat::split(trimmed) {
            // A whole page on one line: its pieces are read as the lines they were.
            Some(pieces) => lines.extend(pieces.into_iter().map(|p| (index + 1, Line::from_piece(p.kind)))),
            None => lines.push((index + 1, classify_line(trimmed))),
        }
    }
    for (at, (line_no, line)) in lines.iter().enumerate() {
        let line_no = *line_no;
        match line {
            Line::Blank => builder.blank(),
            Line::PageFooter | Line::MarkdownSeparator => {}
            Line::Pipe(cells) => builder.pipe_line(cells.clone(), line_no),
            Line::Markdown(cells) => builder.grid_row(cells.clone(), line_no, RowKind::Markdown),
            Line::SpacedRow(cells) => builder.grid_row(cells.clone(), line_no, RowKind::Spaced),
            Line::LoneValue(value) => builder.lone_value(value, line_no),
            Line::Heading(text) => builder.heading(text, line_no),
            Line::TableLabel(text) => builder.table_label(text, line_no),
            Line::Prose(text) => match text.strip_prefix('#') {
                // A Markdown heading (`## 一、总体情况`), as OCR and converters write them.
                Some(rest) => builder.heading(rest.trim_start_matches('#').trim(), line_no),
                // A numbered line right before a lone value is a row label (`一、本年新收…` then `29`), not a
                // section heading.
                None if crate::read::is_section_heading(text) && next_is_lone_value(&lines[at + 1..]) => {
                    builder.label_line(text, line_no)
                }
                None => builder.prose(text, line_no),
            },
        }
    }
    builder.finish(source)
}

fn next_is_lone_value(rest: &[(usize, Line<'_>)]) -> bool {
    matches!(rest.iter().map(|(_, l)| l).find(|l| **l != Line::Blank), Some(Line::LoneValue(_)))
}

#[derive(Debug, PartialEq)]
enum Line<'a> {
    Blank,
    PageFooter,
    /// Cells of a line ending in `|` (not starting with one); empty strings for bare `|` positions.
    Pipe(Vec<String>),
    Markdown(Vec<String>),
    MarkdownSeparator,
    SpacedRow(Vec<String>),
    /// A line holding one value and nothing else (`0`, `/`): a cell of a table printed one cell per line.
    LoneValue(&'a str),
    Prose(Cow<'a, str>),
    /// A section heading cut out of a flattened page.
    Heading(String),
    /// Table text without values cut out of a flattened page (a caption, a header, a group label).
    TableLabel(String),
}

impl Line<'_> {
    fn from_piece(kind: PieceKind) -> Self {
        match kind {
            PieceKind::Heading(text) => Line::Heading(text),
            PieceKind::Prose(text) => Line::Prose(Cow::Owned(text)),
            PieceKind::Label(text) => Line::TableLabel(text),
            PieceKind::Row { label, values } => {
                Line::SpacedRow((!label.is_empty()).then_some(label).into_iter().chain(values).collect())
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowKind {
    Markdown,
    Spaced,
}

static PAGE_FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[—–\-－]+\s*\d{1,4}\s*[—–\-－]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$")
        .expect("valid")
});

/// A numeric token of a space-separated row: a number, possibly signed or with a unit, a not-applicable mark, or
/// a run of digits too long for one number (the cells of a row that ran together).
fn is_value_token(token: &str) -> bool {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    digits || matches!(classify(token), Token::Number { .. } | Token::Na)
}

static RUN_TOGETHER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?P<label>.*[^\d\s.,，、．])(?P<digits>\d+)$").expect("valid"));

fn classify_line(line: &str) -> Line<'_> {
    if line.is_empty() {
        return Line::Blank;
    }
    if PAGE_FOOTER.is_match(line) {
        return Line::PageFooter;
    }
    if line.starts_with('|') && line.ends_with('|') && line.chars().any(|c| c != '|' && !c.is_whitespace()) {
        let inner = &line[1..line.len() - 1];
        let cells: Vec<String> = inner.split('|').map(|c| unwrap_cell(c).trim().to_string()).collect();
        let is_separator = cells.iter().all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')));
        return if is_separator { Line::MarkdownSeparator } else { Line::Markdown(cells) };
    }
    if line.ends_with('|') {
        return Line::Pipe(split_pipe_line(line));
    }
    if let Some(cells) = tab_row(line) {
        return Line::SpacedRow(cells);
    }
    if !line.contains(char::is_whitespace) && is_value_token(line) {
        return Line::LoneValue(line);
    }
    if let Some(cells) = spaced_row(line) {
        return Line::SpacedRow(cells);
    }
    Line::Prose(Cow::Borrowed(line))
}

static LINE_BREAK_TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<br\s*/?>").expect("valid"));

/// A Markdown cell's text with the line breaks a converter wrote as `<br>` (a label wrapped in a narrow cell) made
/// spaces, which label matching ignores.
fn unwrap_cell(cell: &str) -> Cow<'_, str> {
    LINE_BREAK_TAG.replace_all(cell, " ")
}

/// A row copied out of a table with tabs between its cells: the cells as printed, an empty field an empty cell
/// (a tab keeps the place of a blank cell, where spaces lose it). At least one field must be a value.
fn tab_row(line: &str) -> Option<Vec<String>> {
    if !line.contains('\t') || line.contains('。') {
        return None;
    }
    let mut cells: Vec<String> = line.split('\t').map(|c| c.trim().to_string()).collect();
    while cells.last().is_some_and(String::is_empty) && cells.len() > 1 {
        cells.pop();
    }
    let label_len = cells.first().map_or(0, |c| c.chars().count());
    let has_value = cells.iter().any(|c| is_value_token(c));
    (has_value && label_len <= 80).then_some(cells)
}

/// `a | b |` → `["a", "b"]`; `|||` → three empty cells.
fn split_pipe_line(line: &str) -> Vec<String> {
    let body = line.strip_suffix('|').unwrap_or(line);
    body.split('|').map(|c| c.trim().to_string()).collect()
}

/// A line that is a table row copied out of PDF or Word: optional label, then value tokens.
fn spaced_row(line: &str) -> Option<Vec<String>> {
    if line.contains('。') || line.contains('；') || line.chars().count() > 160 {
        return None;
    }
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let values_from = tokens.iter().rposition(|t| !is_value_token(t)).map_or(0, |i| i + 1);
    let values = &tokens[values_from..];
    let label = tokens[..values_from].join(" ");
    // A lone run of digits (a row whose cells all ran together) counts too.
    let lone_run =
        values.len() == 1 && label.is_empty() && values[0].len() >= 5 && values[0].bytes().all(|b| b.is_ascii_digit());
    if !values.is_empty() && (!label.is_empty() || values.len() >= 2 || lone_run) {
        if label.chars().count() > 80 || label.contains('，') && label.chars().count() > 40 {
            return None;
        }
        let mut cells = Vec::with_capacity(values.len() + 1);
        if !label.is_empty() {
            cells.push(label);
        }
        cells.extend(values.iter().map(|v| v.to_string()));
        return Some(cells);
    }
    // Digits run into the label with no separator at all: `行政许可3960181`.
    if tokens.len() == 1 && line.chars().count() <= 60 {
        if let Some(caps) = RUN_TOGETHER.captures(line) {
            let (label, digits) = marks_into_run(caps["label"].trim(), &caps["digits"]);
            let prose_lead_in = ['年', '月', '日', '第', '约', '共', '至', '达', '为', '近', '超', '余'];
            if !label.is_empty() && !label.ends_with(prose_lead_in) {
                return Some(vec![label.to_string(), digits]);
            }
        }
    }
    None
}

/// Not-applicable marks glued among a row's digits (`规章/00`, `规范性文件8/0`) belong to the run, not to the
/// label: the end of `label` made of digits and marks moves into `digits` when it holds a mark.
fn marks_into_run<'a>(label: &'a str, digits: &str) -> (&'a str, String) {
    let tail = label.len() - label.trim_end_matches(|c: char| c.is_ascii_digit() || is_run_mark(c)).len();
    let (head, glued) = label.split_at(label.len() - tail);
    if glued.chars().any(is_run_mark) {
        (head.trim_end(), format!("{glued}{digits}"))
    } else {
        (label, digits.to_string())
    }
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    /// Cell-per-line cells of the table being read.
    stream: Vec<Cell>,
    /// Grid rows of the table being read.
    grid: Vec<Vec<Cell>>,
    grid_kind: Option<RowKind>,
    /// Short label lines seen right after a spaced row; they join the table if another row follows.
    pending_labels: Vec<(String, usize)>,
    /// The stream being read has one cell per line and no `|` separators.
    bare_stream: bool,
}

/// Lines this short with no sentence punctuation may be table text (captions, header rows, wrapped labels,
/// vertical headers): they are held until a table row or lone value follows, else they become prose.
const SHORT_LABEL_CHARS: usize = 80;

impl Builder {
    fn blank(&mut self) {
        // Markdown tables end at a blank line; cell streams and spaced rows often have blank lines inside.
        if self.grid_kind == Some(RowKind::Markdown) {
            self.flush_grid();
        }
    }

    fn pipe_line(&mut self, cells: Vec<String>, line: usize) {
        self.flush_pending_as_prose();
        self.flush_grid();
        let all_empty = cells.iter().all(String::is_empty);
        if cells.len() == 1 || all_empty {
            let count = cells.len();
            let text = cells.into_iter().next().unwrap_or_default();
            if is_prose_like(&text) {
                self.flush_stream();
                self.blocks.push(prose_block(&text, line));
                return;
            }
            if all_empty {
                for i in 0..count {
                    self.stream.push(Cell::new("", Position { page: 0, line, row: 0, col: i }));
                }
            } else {
                self.stream.push(Cell::new(text, Position { page: 0, line, row: 0, col: 0 }));
            }
        } else {
            // Several cells on one line: keep them together as a row of the stream, in order.
            for (col, text) in cells.into_iter().enumerate() {
                self.stream.push(Cell::new(text, Position { page: 0, line, row: 0, col }));
            }
        }
    }

    fn grid_row(&mut self, cells: Vec<String>, line: usize, kind: RowKind) {
        self.flush_stream();
        if self.grid_kind.is_some_and(|k| k != kind) {
            self.flush_grid();
        }
        if kind == RowKind::Spaced {
            for (text, line) in std::mem::take(&mut self.pending_labels) {
                self.grid.push(vec![Cell::new(text, Position { page: 0, line, row: 0, col: 0 })]);
            }
        } else {
            self.flush_pending_as_prose();
        }
        self.grid_kind = Some(kind);
        let row = self.grid.len();
        self.grid.push(
            cells
                .into_iter()
                .enumerate()
                .map(|(col, text)| Cell::new(text, Position { page: 0, line, row, col }))
                .collect(),
        );
    }

    /// One value alone on its line. Next to space-separated rows it is a row of its own; otherwise it is a cell
    /// of a table printed one cell per line without separators, and the short label lines before it are too.
    fn lone_value(&mut self, value: &str, line: usize) {
        if self.grid_kind == Some(RowKind::Spaced) {
            self.grid_row(vec![value.to_string()], line, RowKind::Spaced);
            return;
        }
        self.flush_grid();
        for (text, line) in std::mem::take(&mut self.pending_labels) {
            self.stream.push(Cell::new(text, Position { page: 0, line, row: 0, col: 0 }));
        }
        self.stream.push(Cell::new(value, Position { page: 0, line, row: 0, col: 0 }));
        self.bare_stream = true;
    }

    /// A line known to be a row label of a one-cell-per-line table.
    fn label_line(&mut self, text: &str, line: usize) {
        if self.bare_stream {
            self.stream.push(Cell::new(text, Position { page: 0, line, row: 0, col: 0 }));
        } else {
            self.pending_labels.push((text.to_string(), line));
        }
    }

    /// Table text without values from a flattened page: held like a short label line, whatever its length.
    fn table_label(&mut self, text: &str, line: usize) {
        self.flush_stream();
        if self.grid_kind == Some(RowKind::Markdown) {
            self.flush_grid();
        }
        self.pending_labels.push((text.to_string(), line));
    }

    fn prose(&mut self, text: &str, line: usize) {
        // A colon inside a parenthesised note (`（本列数据的勾稽关系为：…）`, a header cell's note) is not a sentence's.
        let short = text.chars().count() <= SHORT_LABEL_CHARS
            && !outside_parentheses(text).contains(['。', '；', '：', ':'])
            && !crate::read::is_section_heading(text);
        if short && self.bare_stream {
            self.stream.push(Cell::new(text, Position { page: 0, line, row: 0, col: 0 }));
            return;
        }
        self.flush_stream();
        // Short label lines next to space-separated rows are part of the table (captions, header rows, wrapped
        // labels, vertical headers); they are held until the next line decides.
        if short && self.grid_kind != Some(RowKind::Markdown) {
            self.pending_labels.push((text.to_string(), line));
            return;
        }
        self.flush_pending_as_prose();
        self.flush_grid();
        self.blocks.push(prose_block(text, line));
    }

    fn heading(&mut self, text: &str, line: usize) {
        self.flush_stream();
        self.flush_pending_as_prose();
        self.flush_grid();
        self.blocks.push(Block::Heading { text: text.to_string(), line });
    }

    fn flush_pending_as_prose(&mut self) {
        let pending = std::mem::take(&mut self.pending_labels);
        if pending.is_empty() {
            return;
        }
        self.flush_grid();
        for (text, line) in pending {
            self.blocks.push(prose_block(&text, line));
        }
    }

    fn flush_stream(&mut self) {
        self.bare_stream = false;
        if self.stream.is_empty() {
            return;
        }
        let cells = std::mem::take(&mut self.stream);
        if cells.iter().all(|c| c.text.is_empty()) {
            return;
        }
        let rows = cells.into_iter().map(|c| vec![c]).collect();
        self.blocks.push(Block::Table(Table::new(TableShape::CellStream, rows)));
    }

    fn flush_grid(&mut self) {
        self.grid_kind = None;
        if self.grid.is_empty() {
            return;
        }
        let rows = std::mem::take(&mut self.grid);
        self.blocks.push(Block::Table(Table::new(TableShape::Grid, rows)));
    }

    fn finish(mut self, source: &str) -> Document {
        self.flush_stream();
        self.flush_pending_as_prose();
        self.flush_grid();
        Document::new(source, self.blocks)
    }
}

/// The text outside parentheses (full- or half-width).
fn outside_parentheses(text: &str) -> String {
    let mut depth = 0usize;
    text.chars()
        .filter(|&c| match c {
            '（' | '(' => {
                depth += 1;
                false
            }
            '）' | ')' if depth > 0 => {
                depth -= 1;
                false
            }
            _ => depth == 0,
        })
        .collect()
}

/// A cell that is really a paragraph that happened to end in `|` (a crawler's row marker).
fn is_prose_like(text: &str) -> bool {
    text.chars().count() > 80 || (text.contains('。') && text.chars().count() > 30)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(doc: &Document) -> Vec<&Table> {
        doc.tables().collect()
    }

    #[test]
    fn cell_per_line_becomes_a_cell_stream() {
        let doc = read_text("二、主动公开政府信息情况\n第二十条第(一)项 |\n|||\n规章 |\n0 |\n||\n三、收到", "x");
        let t = tables(&doc);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].shape, TableShape::CellStream);
        let texts: Vec<&str> = t[0].rows.iter().map(|r| r[0].text.as_str()).collect();
        assert_eq!(texts, vec!["第二十条第(一)项", "", "", "", "规章", "0", "", ""]);
        assert!(matches!(doc.blocks[0], Block::Heading { .. }));
        assert!(matches!(doc.blocks.last(), Some(Block::Heading { .. })));
    }

    #[test]
    fn a_long_paragraph_ending_in_a_pipe_is_prose() {
        let para = format!("五、存在的主要问题及改进情况 {}。 |", "进一步提升网站栏目保障的整体质量".repeat(5));
        let doc = read_text(&para, "x");
        assert_eq!(doc.tables().count(), 0);
    }

    #[test]
    fn markdown_rows_become_a_grid_without_separator() {
        let doc = read_text("| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 0 |\n\n后文", "x");
        let t = tables(&doc);
        assert_eq!(t[0].shape, TableShape::Grid);
        assert_eq!(t[0].rows.len(), 2);
        assert_eq!(t[0].rows[1][1].text, "0");
    }

    #[test]
    fn pdf_rows_with_wrapped_labels_and_footers() {
        let text = "（一）予以公开 19 0 0 0 0 0 19\n（二）部分公开（区分处理的，只计这一情形，\n— 4 —\n不计其他情形） 1 0 0 0 0 0 1\n0 0 0 0 0";
        let doc = read_text(text, "x");
        let t = tables(&doc);
        assert_eq!(t.len(), 1, "{:?}", doc.blocks);
        let rows: Vec<Vec<&str>> = t[0].rows.iter().map(|r| r.iter().map(|c| c.text.as_str()).collect()).collect();
        assert_eq!(rows[0], vec!["（一）予以公开", "19", "0", "0", "0", "0", "0", "19"]);
        assert_eq!(rows[1], vec!["（二）部分公开（区分处理的，只计这一情形，"]);
        assert_eq!(rows[2][0], "不计其他情形）");
        assert_eq!(rows[3], vec!["0", "0", "0", "0", "0"]);
    }

    #[test]
    fn a_mark_among_the_values_of_a_pdf_row_is_a_cell() {
        let doc = read_text("行政许可 0 2 8\n其他对外管理服务事项 0 无 0\n政府集中采购 无 0", "x");
        let t = tables(&doc);
        let rows: Vec<Vec<&str>> = t[0].rows.iter().map(|r| r.iter().map(|c| c.text.as_str()).collect()).collect();
        assert_eq!(
            rows,
            vec![
                vec!["行政许可", "0", "2", "8"],
                vec!["其他对外管理服务事项", "0", "无", "0"],
                vec!["政府集中采购", "无", "0"]
            ]
        );
    }

    #[test]
    fn one_cell_per_line_without_separators_is_a_cell_stream() {
        let doc = read_text("二、主动公开政府信息情况\n信息内容\n本年处理决定数量\n行政许可\n12\n行政处罚\n/\n五、存在的问题。今年我局……", "x");
        let t = tables(&doc);
        assert_eq!(t.len(), 1, "{:?}", doc.blocks);
        assert_eq!(t[0].shape, TableShape::CellStream);
        let texts: Vec<&str> = t[0].rows.iter().map(|r| r[0].text.as_str()).collect();
        assert_eq!(texts, vec!["信息内容", "本年处理决定数量", "行政许可", "12", "行政处罚", "/"]);
    }

    #[test]
    fn digits_run_into_a_label_are_split_off() {
        let doc = read_text("行政许可3960181\n行政处罚 5", "x");
        let t = tables(&doc);
        assert_eq!(t[0].rows[0][0].text, "行政许可");
        assert_eq!(t[0].rows[0][1].text, "3960181");
    }

    #[test]
    fn marks_glued_among_a_rows_digits_belong_to_the_run() {
        let doc = read_text("规章/00\n行政规范性文件8/0\n行政强制无187\n（四）无法提供", "x");
        let t = tables(&doc);
        let rows: Vec<Vec<&str>> = t[0].rows.iter().map(|r| r.iter().map(|c| c.text.as_str()).collect()).collect();
        assert_eq!(rows[..3], [vec!["规章", "/00"], vec!["行政规范性文件", "8/0"], vec!["行政强制", "无187"]]);
    }

    #[test]
    fn prose_with_numbers_is_not_a_table() {
        let doc = read_text("2023年，我局未收到政府信息公开申请。\n截至2020年12月31日", "x");
        assert_eq!(doc.tables().count(), 0);
    }
}
