//! Every number's raw text is where its `origin` says, checked in the source itself:
//!
//! - `line N`: line N of the input (decoded as UTF-8, or GB18030 when it is not UTF-8) contains the raw text;
//! - `table T, row R, cell C` (HTML): the `inspect --doc` model has the raw text at the R-th row, C-th cell of its
//!   T-th table, and that model table is a faithful copy of a `<table>` of the page parsed here on its own
//!   (`scraper`): the same rows of `<td>`/`<th>`, the same texts — so the raw text is at that row and cell of the
//!   page;
//! - `Sheet!B12`: the workbook's cell, read with calamine, shows the raw text ([`Workbook`]);
//! - a sentence (cells from the prose): the sentence is in the input and contains the raw text.
//!
//! Normalisation is kept to what HTML and copying make meaningless: in HTML cell texts and in sentences, runs of
//! whitespace (including U+00A0, U+3000, zero-width spaces and `<br>`) count as one space, and ends are trimmed.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};
use regex::Regex;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

/// Where a number came from, as the JSON contract writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    Line(usize),
    /// 1-based table, row and cell numbers in reading order; `page` for paged documents.
    TableCell {
        page: Option<usize>,
        table: usize,
        row: usize,
        cell: usize,
    },
    /// A sheet and an A1 reference, 0-based row and column.
    Sheet {
        sheet: String,
        row: u32,
        col: u32,
    },
    Sentence(String),
}

/// Parses an origin; anything that is not one of the positional forms is a sentence. A positional origin may end
/// with how the value was placed (` (placed by template order and totals)`), which says nothing about where.
pub fn parse(origin: &str) -> Origin {
    if let Some((place, _how)) = origin.strip_suffix(')').and_then(|o| o.rsplit_once(" (placed by ")) {
        let parsed = parse_place(place);
        if !matches!(parsed, Origin::Sentence(_)) {
            return parsed;
        }
    }
    parse_place(origin)
}

fn parse_place(origin: &str) -> Origin {
    static LINE: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| Regex::new(r"^line (\d+)$").expect("regex"));
    static CELL: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r"^(?:page (\d+), )?table (\d+), row (\d+), cell (\d+)$").expect("regex")
    });
    static SHEET: std::sync::LazyLock<Regex> =
        std::sync::LazyLock::new(|| Regex::new(r"^(.+)!([A-Z]{1,3})([1-9][0-9]*)$").expect("regex"));
    let num = |s: &str| s.parse::<usize>().unwrap_or(0);
    if let Some(c) = LINE.captures(origin) {
        return Origin::Line(num(&c[1]));
    }
    if let Some(c) = CELL.captures(origin) {
        return Origin::TableCell {
            page: c.get(1).map(|m| num(m.as_str())),
            table: num(&c[2]),
            row: num(&c[3]),
            cell: num(&c[4]),
        };
    }
    if let Some(c) = SHEET.captures(origin) {
        let col = c[2].bytes().fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1)) - 1;
        return Origin::Sheet { sheet: c[1].to_string(), row: num(&c[3]) as u32 - 1, col };
    }
    Origin::Sentence(origin.to_string())
}

/// Whitespace runs (incl. U+00A0, U+3000, zero-width space, BOM) as one space, trimmed.
pub fn collapse(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || matches!(c, '\u{200b}' | '\u{feff}'))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The input's text: UTF-8, or GB18030 when the bytes are not UTF-8.
pub fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// A document opened for origin checks.
pub struct Source {
    text: String,
    lines: Vec<String>,
    /// The tables of the `inspect --doc` model, as rows of cell texts.
    model_tables: Vec<Vec<Vec<String>>>,
    /// The `<table>`s of the page parsed here, as rows of collapsed cell texts (HTML inputs only).
    html_tables: Option<Vec<Vec<Vec<String>>>>,
}

impl Source {
    /// Opens `input` with the document model `doc` (`inspect --doc`).
    pub fn open(input: &Path, doc: &Value) -> Source {
        let bytes = std::fs::read(input).unwrap_or_else(|e| panic!("{}: {e}", input.display()));
        let text = decode(&bytes);
        let lines = text.lines().map(String::from).collect();
        let model_tables = doc["blocks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|b| b["type"] == "table")
            .map(|t| {
                t["rows"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|r| {
                        r.as_array()
                            .into_iter()
                            .flatten()
                            .map(|c| c["text"].as_str().unwrap_or("").to_string())
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let is_html = matches!(input.extension().and_then(|e| e.to_str()), Some("html" | "htm"));
        let html_tables = is_html.then(|| html_tables(&text));
        Source { text, lines, model_tables, html_tables }
    }

    /// What is wrong with `raw` at `origin`, if anything. `from_prose` cells have sentence origins.
    pub fn check(&self, raw: &str, origin: &str, from_prose: bool) -> Option<String> {
        if from_prose {
            let sentence = collapse(origin);
            if !collapse(&self.text).contains(&sentence) {
                return Some(format!("sentence `{origin}` is not in the document"));
            }
            return (!sentence.contains(&collapse(raw))).then(|| format!("`{raw}` is not in its sentence `{origin}`"));
        }
        match parse(origin) {
            Origin::Line(n) => match self.lines.get(n.wrapping_sub(1)) {
                None => Some(format!("line {n} is past the end ({} lines)", self.lines.len())),
                Some(line) => (!line.contains(raw)).then(|| format!("line {n} `{line}` does not contain `{raw}`")),
            },
            Origin::TableCell { table, row, cell, .. } => self.check_table_cell(raw, table, row, cell),
            Origin::Sheet { .. } => Some(format!("`{origin}`: a sheet origin in a document that is not a workbook")),
            Origin::Sentence(_) => Some(format!("`{origin}` is no position a table cell can have")),
        }
    }

    fn check_table_cell(&self, raw: &str, table: usize, row: usize, cell: usize) -> Option<String> {
        let Some(model) = self.model_tables.get(table.wrapping_sub(1)) else {
            return Some(format!("the document model has no table {table}"));
        };
        let at = model.get(row.wrapping_sub(1)).and_then(|r| r.get(cell.wrapping_sub(1)));
        match at {
            None => return Some(format!("table {table} of the model has no row {row}, cell {cell}")),
            Some(text) if text != raw => {
                return Some(format!("table {table}, row {row}, cell {cell} of the model is `{text}`, not `{raw}`"))
            }
            Some(_) => {}
        }
        let html = self.html_tables.as_ref()?;
        let collapsed: Vec<Vec<String>> = model.iter().map(|r| r.iter().map(|c| collapse(c)).collect()).collect();
        let twin = html.iter().find(|t| **t == collapsed);
        match twin {
            None => Some(format!("table {table} of the model is no <table> of the page")),
            Some(t) => {
                let text =
                    t.get(row.wrapping_sub(1)).and_then(|r| r.get(cell.wrapping_sub(1))).cloned().unwrap_or_default();
                (text != collapse(raw))
                    .then(|| format!("row {row}, cell {cell} of the page's table is `{text}`, not `{raw}`"))
            }
        }
    }
}

/// Every `<table>` of the page as rows (its own `<tr>`, not those of nested tables) of cells (`<td>`/`<th>`
/// children), each cell's text collapsed; `<br>` counts as whitespace.
fn html_tables(text: &str) -> Vec<Vec<Vec<String>>> {
    let page = Html::parse_document(text);
    let tables = Selector::parse("table").expect("selector");
    let rows = Selector::parse("tr").expect("selector");
    page.select(&tables)
        .map(|table| {
            table
                .select(&rows)
                .filter(|tr| nearest_table(*tr) == Some(table))
                .map(|tr| {
                    tr.children()
                        .filter_map(ElementRef::wrap)
                        .filter(|c| matches!(c.value().name(), "td" | "th"))
                        .map(|c| collapse(&cell_text(c)))
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// The `<table>` an element belongs to directly.
fn nearest_table(el: ElementRef<'_>) -> Option<ElementRef<'_>> {
    el.ancestors().filter_map(ElementRef::wrap).find(|a| a.value().name() == "table")
}

/// A cell's text without scripts and styles, `<br>` as a space.
fn cell_text(cell: ElementRef) -> String {
    let mut out = String::new();
    for node in cell.descendants() {
        if let Some(text) = node.value().as_text() {
            let hidden =
                node.ancestors().filter_map(ElementRef::wrap).any(|a| matches!(a.value().name(), "script" | "style"));
            if !hidden {
                out.push_str(text);
            }
        } else if node.value().as_element().is_some_and(|e| e.name() == "br") {
            out.push(' ');
        }
    }
    out
}

/// A workbook opened for origin checks: every sheet read once with calamine.
pub struct Workbook {
    sheets: std::collections::HashMap<String, calamine::Range<Data>>,
}

impl Workbook {
    pub fn open(path: &Path) -> Workbook {
        let mut workbook = open_workbook_auto(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let sheets = workbook.worksheets().into_iter().collect();
        Workbook { sheets }
    }

    /// What is wrong with `raw` at the sheet reference `origin`, if anything. A number shows as its shortest
    /// decimal form (`35`, `9.63211`).
    pub fn check(&self, raw: &str, origin: &str) -> Option<String> {
        let Origin::Sheet { sheet, row, col } = parse(origin) else {
            return Some(format!("`{origin}` is not a sheet reference"));
        };
        let Some(range) = self.sheets.get(&sheet) else {
            return Some(format!("`{origin}`: the workbook has no sheet {sheet}"));
        };
        let shown = match range.get_value((row, col)) {
            None | Some(Data::Empty) => String::new(),
            Some(Data::Float(f)) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Some(Data::Float(f)) => format!("{f}"),
            Some(Data::Int(i)) => i.to_string(),
            Some(Data::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        (shown.trim() != raw.trim()).then(|| format!("`{origin}` shows `{shown}`, not `{raw}`"))
    }
}
