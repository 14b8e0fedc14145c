//! Pages into the document model. On each page: glyphs inside a ruled grid go to its cells, the rest form lines;
//! aligned lines become unruled tables. Across pages: running headers, footers and page numbers are dropped,
//! wrapped lines join into paragraphs (headings by the shared prose rule), and a table that runs on at the top
//! of the next page continues the same table, a repeated header dropped.

use std::sync::LazyLock;

use regex::Regex;

use super::content::PageContent;
use super::geom::Rect;
use super::lines::{group_lines, join_wrapped, Line};
use super::table::{aligned_tables, is_number, ruled_tables, TableCell, TableRows};
use crate::doc::{Block, Cell, Document, Position, Table, TableShape};
use crate::read::prose_block;

/// What a page shows, top to bottom.
#[derive(Debug)]
pub struct PageLayout {
    pub page: u32,
    pub items: Vec<Item>,
}

#[derive(Debug)]
pub enum Item {
    Line(Line),
    Table(TableRows),
}

impl Item {
    fn rect(&self) -> Rect {
        match self {
            Item::Line(l) => l.rect,
            Item::Table(t) => t.rect,
        }
    }
}

/// Lays out one page's content.
pub fn lay_out_page(content: PageContent, page: u32) -> PageLayout {
    let mut grids = ruled_tables(&content.rules, &content.glyphs);
    let mut free = Vec::new();
    for g in content.glyphs {
        match grids.iter_mut().find(|grid| grid.contains(&g)) {
            Some(grid) => grid.add(g),
            None => free.push(g),
        }
    }
    let mut items: Vec<Item> = grids.into_iter().map(|g| Item::Table(g.into_rows())).collect();
    let lines = group_lines(free);
    let mut taken = vec![false; lines.len()];
    for (range, table) in aligned_tables(&lines) {
        for t in taken.iter_mut().take(range.end).skip(range.start) {
            *t = true;
        }
        items.push(Item::Table(table));
    }
    items.extend(lines.into_iter().zip(taken).filter(|(_, t)| !t).map(|(l, _)| Item::Line(l)));
    items.sort_by(|a, b| a.rect().y0.total_cmp(&b.rect().y0).then(a.rect().x0.total_cmp(&b.rect().x0)));
    PageLayout { page, items }
}

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)^(?:
            [-—–－~\s]*\d{1,4}[-—–－~\s]*
          | [-—–－]\s*[一二三四五六七八九十百]+\s*[-—–－]
          | 第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?
          | 共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页
          | \d{1,4}\s*/\s*\d{1,4}
          | page\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?
        )$",
    )
    .expect("valid")
});

/// A page number as printed in a header or footer: `3`, `- 3 -`, `— 3 —`, `第 3 页`, `第3页 共10页`, `3/10`.
pub fn is_page_number(text: &str) -> bool {
    PAGE_NUMBER.is_match(text.trim())
}

/// How many lines at the top and at the bottom of a page may be running headers or footers.
const FURNITURE_LINES: usize = 2;

/// Drops page numbers and running headers/footers: lines among the first or last two of a page that are a page
/// number, or that repeat (digits aside) at the same height on another page.
pub fn drop_furniture(pages: &mut [PageLayout]) {
    let key = |l: &Line| -> String {
        l.text().chars().filter(|c| !c.is_whitespace()).map(|c| if c.is_ascii_digit() { '#' } else { c }).collect()
    };
    let candidates = |items: &[Item]| -> Vec<usize> {
        let n = items.len();
        let top = items.iter().take_while(|i| matches!(i, Item::Line(_))).count().min(FURNITURE_LINES);
        let bottom = items.iter().rev().take_while(|i| matches!(i, Item::Line(_))).count().min(FURNITURE_LINES);
        let mut idx: Vec<usize> = (0..top).chain(n - bottom..n).collect();
        idx.dedup();
        idx
    };
    let mut seen: Vec<(usize, String, f64)> = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        for i in candidates(&page.items) {
            if let Some(Item::Line(l)) = page.items.get(i) {
                seen.push((p, key(l), l.rect.y0));
            }
        }
    }
    for (p, page) in pages.iter_mut().enumerate() {
        let drop: Vec<usize> = candidates(&page.items)
            .into_iter()
            .filter(|&i| match page.items.get(i) {
                Some(Item::Line(l)) => {
                    let k = key(l);
                    is_page_number(&l.text())
                        || seen.iter().any(|(q, k2, y)| *q != p && *k2 == k && (y - l.rect.y0).abs() < 3.0)
                }
                _ => false,
            })
            .collect();
        for i in drop.into_iter().rev() {
            page.items.remove(i);
        }
    }
}

/// A paragraph being built from wrapped lines.
struct Paragraph {
    text: String,
    line: usize,
    last: Rect,
    size: f64,
    horizontal: bool,
}

/// A table being built, possibly over several pages.
struct OpenTable {
    rows: Vec<Vec<PlacedCell>>,
    rect: Rect,
    page: u32,
    open_bottom: bool,
    /// The first rows' texts, to recognise a header repeated on the next page.
    header: Vec<Vec<String>>,
}

/// A cell with its place on its page; columns are numbered when the table is complete.
struct PlacedCell {
    text: String,
    rowspan: usize,
    x0: f64,
    x1: f64,
    page: u32,
    row: usize,
}

impl OpenTable {
    fn new(rows: TableRows, page: u32) -> OpenTable {
        let header = rows.rows.iter().take(4).map(|r| r.iter().map(|c| c.text.clone()).collect()).collect();
        let mut open = OpenTable { rows: Vec::new(), rect: rows.rect, page, open_bottom: false, header };
        open.append(rows, page, 0);
        open
    }

    fn append(&mut self, rows: TableRows, page: u32, skip: usize) {
        let offset = self.rows.len();
        for (r, row) in rows.rows.into_iter().skip(skip).enumerate() {
            let row = row
                .into_iter()
                .map(|c| PlacedCell { text: c.text, rowspan: c.rowspan, x0: c.x0, x1: c.x1, page, row: offset + r })
                .collect();
            self.rows.push(row);
        }
        self.rect = self.rect.union(&rows.rect);
        self.page = page;
        self.open_bottom = rows.open_bottom;
    }

    /// The cell that reaches down to the last row over the columns `x0..x1`.
    fn above(&mut self, x0: f64, x1: f64) -> Option<&mut PlacedCell> {
        let last = self.rows.len().checked_sub(1)?;
        self.rows
            .iter_mut()
            .flatten()
            .find(|c| c.row + c.rowspan - 1 == last && (c.x0 - x0).abs() < 3.0 && (c.x1 - x1).abs() < 3.0)
    }

    /// Continues the table with its part on the next page. A header the page repeats is dropped; a row the page
    /// break split (the table open at the bottom of one page and at the top of the next) joins back into one; a
    /// label cell spanning rows runs on over the empty cell below it.
    fn run_on(&mut self, mut rows: TableRows, page: u32) {
        let texts = |r: &[TableCell]| -> Vec<String> { r.iter().map(|c| c.text.clone()).collect() };
        let repeated = self
            .header
            .iter()
            .zip(&rows.rows)
            .take_while(|(h, r)| **h == texts(r) && h.iter().any(|t| !t.trim().is_empty()))
            .count();
        rows.rows.drain(..repeated);
        if let Some(first) = rows.rows.first_mut() {
            let aligned: Vec<bool> = first.iter().map(|c| self.above(c.x0, c.x1).is_some()).collect();
            // A row the page break split: the part on the new page carries only the rest of its labels, none starting
            // a new item, while the part above carries the numbers. (Rules drawn or not at the break say nothing:
            // producers close or leave open a table cut at a row boundary just as at a split row.)
            let last_has_numbers = self.rows.len().checked_sub(1).is_some_and(|last| {
                self.rows.iter().flatten().any(|c| c.row + c.rowspan - 1 == last && is_number(&c.text))
            });
            let split_row = repeated == 0
                && aligned.iter().all(|a| *a)
                && last_has_numbers
                && first.iter().any(|c| !c.text.trim().is_empty())
                && !first.iter().any(|c| is_number(&c.text) || ITEM_MARKER.is_match(c.text.trim()));
            let cells = std::mem::take(first);
            let mut kept = Vec::new();
            for cell in cells {
                let target = self.above(cell.x0, cell.x1).filter(|up| split_row || runs_on(up, &cell));
                match target {
                    Some(up) => {
                        up.text = join_wrapped([up.text.as_str(), cell.text.as_str()]);
                        // A split row disappears into the row above; otherwise the cell's rows are new rows.
                        up.rowspan += if split_row { cell.rowspan.saturating_sub(1) } else { cell.rowspan };
                    }
                    None => kept.push(cell),
                }
            }
            if kept.is_empty() {
                rows.rows.remove(0);
            } else {
                *first = kept;
            }
        }
        self.append(rows, page, 0);
    }

    /// The finished table: columns numbered over the edges of all its parts.
    fn close(self) -> Block {
        let edges = columns(self.rows.iter().flatten().flat_map(|c| [c.x0, c.x1]));
        let col_of = |x: f64| {
            edges.iter().enumerate().min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs())).map_or(0, |(i, _)| i)
        };
        let rows = self
            .rows
            .into_iter()
            .filter(|r| !r.is_empty())
            .map(|row| {
                row.into_iter()
                    .map(|c| {
                        let (col, end) = (col_of(c.x0), col_of(c.x1));
                        let pos = Position { page: c.page, line: 0, row: c.row, col };
                        Cell::new(c.text, pos).spanning(c.rowspan as u32, end.saturating_sub(col).max(1) as u32)
                    })
                    .collect()
            })
            .collect();
        Block::Table(Table::new(TableShape::Grid, rows))
    }
}

/// A merged label cell cut by a page break: its two parts, one of them empty (the label is printed in one part
/// only), the other a label, not a number.
fn runs_on(up: &PlacedCell, below: &TableCell) -> bool {
    let label = |t: &str| !t.trim().is_empty() && !is_number(t);
    let (up_empty, below_empty) = (up.text.trim().is_empty(), below.text.trim().is_empty());
    (up.rowspan > 1 || below.rowspan > 1)
        && ((below_empty && label(&up.text) && up.rowspan > 1) || (up_empty && label(&below.text)))
}

static ITEM_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．])")
        .expect("valid")
});

/// Column edges: positions closer than 3 points are one edge.
fn columns(xs: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut xs: Vec<f64> = xs.collect();
    xs.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    for x in xs {
        if out.last().is_none_or(|last| x - last > 3.0) {
            out.push(x);
        }
    }
    out
}

/// Builds the document from laid-out pages (furniture already dropped).
pub fn assemble(pages: Vec<PageLayout>, source: &str) -> Document {
    let mut blocks = Vec::new();
    let mut line_no = 0usize;
    let mut para: Option<Paragraph> = None;
    let mut table: Option<OpenTable> = None;
    for page in pages {
        let horizontal = || {
            page.items.iter().filter_map(|i| match i {
                Item::Line(l) if l.is_horizontal() => Some(l.rect),
                _ => None,
            })
        };
        let left = horizontal().map(|r| r.x0).fold(f64::MAX, f64::min);
        let right = horizontal().map(|r| r.x1).fold(f64::MIN, f64::max);
        for (idx, item) in page.items.into_iter().enumerate() {
            match item {
                Item::Line(line) => {
                    line_no += 1;
                    blocks.extend(table.take().map(OpenTable::close));
                    let text = line.text();
                    let continues = para.as_ref().is_some_and(|p| {
                        let new_page = idx == 0;
                        let at_left = line.rect.x0 <= left + p.size;
                        // The rest of a centred title: short, under the middle of the full line above it.
                        let centred = line.rect.x0 > left + 2.0 * p.size
                            && line.rect.width() < 0.8 * (right - left)
                            && (line.rect.cx() - p.last.cx()).abs() < p.size;
                        p.horizontal
                            && line.is_horizontal()
                            && (line.size - p.size).abs() <= 0.2 * p.size
                            && p.last.x1 >= right - 2.0 * p.size
                            && (at_left || centred)
                            && (new_page || line.rect.y0 - p.last.y1 < if centred { 1.5 } else { 1.0 } * p.size)
                    });
                    match para.as_mut() {
                        Some(p) if continues => {
                            p.text = join_wrapped([p.text.as_str(), text.as_str()]);
                            p.last = line.rect;
                        }
                        _ => {
                            blocks.extend(para.take().map(|p| prose_block(&p.text, p.line)));
                            para = Some(Paragraph {
                                text,
                                line: line_no,
                                last: line.rect,
                                size: line.size,
                                horizontal: line.is_horizontal(),
                            });
                        }
                    }
                }
                Item::Table(rows) => {
                    blocks.extend(para.take().map(|p| prose_block(&p.text, p.line)));
                    let runs_on = table.as_ref().is_some_and(|t| {
                        idx == 0
                            && t.page + 1 == page.page
                            && (t.rect.x0 - rows.rect.x0).abs() < 3.0
                            && (t.rect.x1 - rows.rect.x1).abs() < 3.0
                    });
                    match table.as_mut() {
                        Some(open) if runs_on => open.run_on(rows, page.page),
                        _ => {
                            blocks.extend(table.take().map(OpenTable::close));
                            table = Some(OpenTable::new(rows, page.page));
                        }
                    }
                }
            }
        }
    }
    blocks.extend(para.take().map(|p| prose_block(&p.text, p.line)));
    blocks.extend(table.take().map(OpenTable::close));
    Document::new(source, blocks)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::lines::tests::run;
    use super::*;

    /// The blocks of a document, one short string each: `H:` heading, `P:` paragraph, `T:` table rows (`|` between
    /// cells, `/` between rows).
    pub(crate) fn describe(doc: &Document) -> Vec<String> {
        doc.blocks
            .iter()
            .map(|b| match b {
                Block::Heading { text, .. } => format!("H:{text}"),
                Block::Paragraph { text, .. } => format!("P:{text}"),
                Block::Table(t) => {
                    let rows: Vec<String> = t
                        .rows
                        .iter()
                        .map(|r| r.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join("|"))
                        .collect();
                    format!("T:{}", rows.join("/"))
                }
            })
            .collect()
    }

    /// The rows (text and rowspan of each cell) of a table whose parts stand at the bottom of page 1 and the top of
    /// page 2.
    fn across_break(above: Vec<Vec<TableCell>>, below: Vec<Vec<TableCell>>) -> Vec<Vec<(String, u32)>> {
        let pages = vec![
            PageLayout { page: 1, items: vec![part(above, 600.0)] },
            PageLayout { page: 2, items: vec![part(below, 50.0)] },
        ];
        rows_of(&assemble(pages, "x"))
    }

    fn line(text: &str, x: f64, y: f64) -> Item {
        Item::Line(group_lines(run(text, x, y, 10.0)).remove(0))
    }

    fn cell(text: &str, col: usize, rowspan: usize, colspan: usize) -> TableCell {
        let x0 = 50.0 + 100.0 * col as f64;
        TableCell { text: text.to_string(), col, rowspan, colspan, x0, x1: x0 + 100.0 * colspan as f64 }
    }

    fn table(rows: &[&[&str]], y: f64) -> Item {
        let rows: Vec<Vec<TableCell>> =
            rows.iter().map(|r| r.iter().enumerate().map(|(col, t)| cell(t, col, 1, 1)).collect()).collect();
        Item::Table(TableRows {
            rect: Rect::new(50.0, y, 500.0, y + 20.0 * rows.len() as f64),
            rows,
            open_top: false,
            open_bottom: false,
        })
    }

    #[test]
    fn page_numbers_in_their_usual_forms() {
        for t in [
            "3",
            "- 3 -",
            "— 3 —",
            "－12－",
            "第 3 页",
            "第3页 共10页",
            "共10页 第3页",
            "3/10",
            "Page 3 of 10",
            "— 三 —",
        ] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["2021年", "一、总体情况", "3件", "第三章"] {
            assert!(!is_page_number(t), "{t}");
        }
    }

    #[test]
    fn headers_footers_and_page_numbers_are_dropped() {
        let page = |n: u32, body: &str| PageLayout {
            page: n,
            items: vec![
                line("某某市人民政府办公室", 200.0, 30.0),
                line(body, 50.0, 100.0),
                line(&format!("— {n} —"), 280.0, 800.0),
            ],
        };
        let mut pages = vec![page(1, "一、总体情况"), page(2, "二、主动公开政府信息情况")];
        drop_furniture(&mut pages);
        let texts: Vec<String> = pages
            .iter()
            .flat_map(|p| &p.items)
            .filter_map(|i| match i {
                Item::Line(l) => Some(l.text()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, vec!["一、总体情况", "二、主动公开政府信息情况"]);
    }

    #[test]
    fn a_table_running_onto_the_next_page_is_one_table_without_its_repeated_header() {
        let pages = vec![
            PageLayout {
                page: 1,
                items: vec![
                    line("三、收到和处理政府信息公开申请情况", 50.0, 50.0),
                    table(&[&["项目", "数量"], &["新收", "5"]], 700.0),
                ],
            },
            PageLayout {
                page: 2,
                items: vec![table(&[&["项目", "数量"], &["办结", "4"]], 60.0), line("四、其他", 50.0, 200.0)],
            },
        ];
        let doc = assemble(pages, "x.pdf");
        let tables: Vec<&Table> = doc.tables().collect();
        assert_eq!(tables.len(), 1);
        let rows: Vec<Vec<&str>> = tables[0].rows.iter().map(|r| r.iter().map(|c| c.text.as_str()).collect()).collect();
        assert_eq!(rows, vec![vec!["项目", "数量"], vec!["新收", "5"], vec!["办结", "4"]]);
        let last = &tables[0].rows[2][1];
        assert_eq!((last.pos.page, last.pos.row, last.pos.col), (2, 2, 1));
        assert!(matches!(&doc.blocks[0], Block::Heading { text, line: 1 } if text.starts_with("三、")));
    }

    fn rows_of(doc: &Document) -> Vec<Vec<(String, u32)>> {
        let table = doc.tables().next().expect("a table");
        table.rows.iter().map(|r| r.iter().map(|c| (c.text.clone(), c.rowspan)).collect()).collect()
    }

    fn part(rows: Vec<Vec<TableCell>>, y: f64) -> Item {
        Item::Table(TableRows { rect: Rect::new(50.0, y, 350.0, y + 100.0), rows, open_top: false, open_bottom: false })
    }

    #[test]
    fn a_row_split_by_the_page_break_joins_back() {
        // `（四）无法提供` spans rows and is cut after `（`; `1.本机关不掌握相关政府信息` after `不掌握`.
        let above = vec![
            vec![cell("（三）不予公开", 0, 1, 1), cell("1.属于国家秘密", 1, 1, 1), cell("0", 2, 1, 1)],
            vec![cell("（", 0, 1, 1), cell("1.本机关不掌握", 1, 1, 1), cell("8", 2, 1, 1)],
        ];
        let below = vec![
            vec![cell("四）无法提供", 0, 2, 1), cell("相关政府信息", 1, 1, 1), cell("", 2, 1, 1)],
            vec![cell("2.没有现成信息", 1, 1, 1), cell("1", 2, 1, 1)],
        ];
        let rows = across_break(above, below);
        let s = |t: &str, span: u32| (t.to_string(), span);
        assert_eq!(
            rows,
            vec![
                vec![s("（三）不予公开", 1), s("1.属于国家秘密", 1), s("0", 1)],
                vec![s("（四）无法提供", 2), s("1.本机关不掌握相关政府信息", 1), s("8", 1)],
                vec![s("2.没有现成信息", 1), s("1", 1)],
            ]
        );
    }

    #[test]
    fn a_new_item_at_the_top_of_a_page_is_not_a_split_row() {
        let above = vec![vec![cell("二、上年结转", 0, 1, 1), cell("2", 1, 1, 1)]];
        let below = vec![
            vec![cell("三、本年度办理结果", 0, 1, 1), cell("", 1, 1, 1)],
            vec![cell("（一）予以公开", 0, 1, 1), cell("5", 1, 1, 1)],
        ];
        assert_eq!(across_break(above, below).len(), 3);
    }

    #[test]
    fn a_label_spanning_rows_runs_on_over_the_break() {
        let above = vec![
            vec![cell("三、本年度办理结果", 0, 2, 1), cell("（一）予以公开", 1, 1, 1), cell("16", 2, 1, 1)],
            vec![cell("（二）部分公开", 1, 1, 1), cell("3", 2, 1, 1)],
        ];
        let below = vec![
            vec![cell("", 0, 2, 1), cell("（三）不予公开", 1, 1, 1), cell("0", 2, 1, 1)],
            vec![cell("（七）总计", 1, 1, 1), cell("19", 2, 1, 1)],
        ];
        let rows = across_break(above, below);
        assert_eq!(rows[0][0], ("三、本年度办理结果".to_string(), 4));
        assert_eq!(rows[2], vec![("（三）不予公开".to_string(), 1), ("0".to_string(), 1)]);

        // The label printed only in the taller part, below the break.
        let above = vec![vec![cell("", 0, 1, 1), cell("（一）予以公开", 1, 1, 1), cell("16", 2, 1, 1)]];
        let below = vec![
            vec![cell("三、本年度办理结果", 0, 2, 1), cell("（二）部分公开", 1, 1, 1), cell("3", 2, 1, 1)],
            vec![cell("（七）总计", 1, 1, 1), cell("19", 2, 1, 1)],
        ];
        let rows = across_break(above, below);
        assert_eq!(rows[0][0], ("三、本年度办理结果".to_string(), 3));
        assert_eq!(rows[1].len(), 2);
    }

    #[test]
    fn tables_apart_stay_apart() {
        let pages = vec![PageLayout {
            page: 1,
            items: vec![table(&[&["a", "1"]], 100.0), line("表二", 50.0, 200.0), table(&[&["b", "2"]], 300.0)],
        }];
        assert_eq!(assemble(pages, "x").tables().count(), 2);
    }

    #[test]
    fn wrapped_lines_join_into_a_paragraph() {
        let pages = vec![PageLayout {
            page: 1,
            items: vec![
                line("一、总体情况", 50.0, 50.0),
                line("本机关认真贯彻落实条例要求，全面推进", 70.0, 70.0),
                line("政务公开工作。", 50.0, 82.0),
                line("二、主动公开政府信息情况", 50.0, 110.0),
            ],
        }];
        assert_eq!(
            describe(&assemble(pages, "x")),
            vec![
                "H:一、总体情况",
                "P:本机关认真贯彻落实条例要求，全面推进政务公开工作。",
                "H:二、主动公开政府信息情况"
            ]
        );
    }
}
