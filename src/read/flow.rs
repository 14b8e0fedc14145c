//! The flow of a word-processor document — paragraphs and tables in reading order — as the DOCX, legacy Word
//! and RTF readers produce it, and its conversion into the [`Document`] model. The three readers differ in how
//! they decode a file; what a paragraph, a merged cell or a nested table becomes is decided here, once.
//!
//! * Runs of body paragraphs are read like text ([`crate::read::text`]): a report whose tables were typed with
//!   tabs or pasted as text reads as it would from a text file, and prose goes through
//!   [`crate::read::prose_block`]. A paragraph with a heading style or outline level is a heading.
//! * Paragraphs are numbered in reading order (body paragraphs only, empty ones included): the number is the
//!   block's `line` and the origin of cells read from text-shaped tables.
//! * Tables keep their grid: a cell knows its first grid column and its column span; vertical merges (a cell
//!   that restarts a merge and the continuation cells below it) become a row span. Cell positions are grid
//!   coordinates, so origins read `table 2, row 5, cell 3`.
//! * A table whose every row holds one cell is a frame around the content (a layout device, as on web pages): its
//!   paragraphs and tables are read as if they stood in the body. Any other table nested in a cell becomes a
//!   table of its own right after the outer one — a report table must stay a grid the mapper can read, and the
//!   cell keeps its own paragraphs as text.

use crate::doc::{Block, Cell, Document, Position, Table, TableShape};
use crate::normalize;
use crate::read::text;

/// One item of a document's flow.
#[derive(Debug, Clone)]
pub enum Flow {
    Paragraph(Paragraph),
    Table(FlowTable),
}

#[derive(Debug, Clone, Default)]
pub struct Paragraph {
    /// The text, line breaks inside the paragraph as `\n`.
    pub text: String,
    /// Marked as a heading by its style or outline level.
    pub heading: bool,
}

impl Paragraph {
    pub fn new(text: impl Into<String>) -> Self {
        Paragraph { text: text.into(), heading: false }
    }
}

#[derive(Debug, Clone, Default)]
pub struct FlowTable {
    pub rows: Vec<Vec<FlowCell>>,
}

/// A cell's part in a vertical merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VMerge {
    #[default]
    None,
    /// The first cell of a vertically merged range.
    Restart,
    /// Covered by the merge started above at the same grid column.
    Continue,
}

#[derive(Debug, Clone, Default)]
pub struct FlowCell {
    pub content: Vec<Flow>,
    /// The first grid column the cell occupies (0-based).
    pub col: usize,
    pub colspan: u32,
    pub vmerge: VMerge,
}

impl FlowCell {
    /// The cell's paragraphs as lines: whitespace runs collapsed, empty lines dropped (nested tables are not
    /// part of the text).
    fn text(&self) -> String {
        let mut lines = Vec::new();
        for item in &self.content {
            if let Flow::Paragraph(p) = item {
                for line in p.text.split('\n') {
                    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !line.is_empty() {
                        lines.push(line);
                    }
                }
            }
        }
        normalize::strip_glosses(&lines.join("\n")).into_owned()
    }

    fn nested_tables(&self) -> impl Iterator<Item = &FlowTable> {
        self.content.iter().filter_map(|f| match f {
            Flow::Table(t) => Some(t),
            Flow::Paragraph(_) => None,
        })
    }
}

/// Upper bound on how deep frames and nested tables are followed; deeper content is dropped (or, while tables are
/// built from cell and row marks, read into the deepest level).
pub const MAX_NESTING: usize = 16;

/// Turns a flow into a document.
pub fn into_document(flow: &[Flow], source: &str) -> Document {
    let mut builder = Builder { source, ..Builder::default() };
    builder.items(flow, 0);
    builder.flush_text();
    Document::new(source, builder.blocks)
}

#[derive(Default)]
struct Builder<'s> {
    source: &'s str,
    blocks: Vec<Block>,
    paragraphs: usize,
    /// Body text not yet read: its lines, and the paragraph number of each line.
    text: String,
    line_paragraph: Vec<usize>,
}

impl Builder<'_> {
    fn items(&mut self, flow: &[Flow], depth: usize) {
        if depth > MAX_NESTING {
            return;
        }
        for item in flow {
            match item {
                Flow::Paragraph(p) => self.paragraph(p),
                Flow::Table(t) if is_frame(t) => {
                    for cell in t.rows.iter().flatten() {
                        self.items(&cell.content, depth + 1);
                    }
                }
                Flow::Table(t) => {
                    self.flush_text();
                    self.table(t);
                    for inner in t.rows.iter().flatten().flat_map(FlowCell::nested_tables) {
                        self.items(&[Flow::Table(inner.clone())], depth + 1);
                    }
                }
            }
        }
    }

    fn paragraph(&mut self, p: &Paragraph) {
        self.paragraphs += 1;
        let text = normalize::strip_glosses(&p.text);
        if p.heading && !text.trim().is_empty() {
            self.flush_text();
            let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
            self.blocks.push(Block::Heading { text: line, line: self.paragraphs });
            return;
        }
        for line in text.split('\n') {
            self.text.push_str(line);
            self.text.push('\n');
            self.line_paragraph.push(self.paragraphs);
        }
    }

    /// Reads the pending body text like a text file and renumbers its lines as paragraphs.
    fn flush_text(&mut self) {
        let text = std::mem::take(&mut self.text);
        let lines = std::mem::take(&mut self.line_paragraph);
        if text.trim().is_empty() {
            return;
        }
        let paragraph_of = |line: usize| line.checked_sub(1).and_then(|i| lines.get(i)).copied().unwrap_or(0);
        for mut block in text::read_text(&text, self.source).blocks {
            match &mut block {
                Block::Heading { line, .. } | Block::Paragraph { line, .. } => *line = paragraph_of(*line),
                Block::Table(table) => {
                    for cell in table.rows.iter_mut().flatten() {
                        cell.pos.line = paragraph_of(cell.pos.line);
                    }
                }
            }
            self.blocks.push(block);
        }
    }

    fn table(&mut self, table: &FlowTable) {
        let rows = grid_rows(table);
        // A grid with no text at all is a spacer, not a report table.
        if rows.iter().flatten().any(|c| !c.text.is_empty()) {
            self.blocks.push(Block::Table(Table::new(TableShape::Grid, rows)));
        }
    }
}

/// A table whose rows each hold a single cell frames its content rather than tabulating it.
fn is_frame(table: &FlowTable) -> bool {
    !table.rows.is_empty() && table.rows.iter().all(|row| row.len() == 1)
}

/// The table's rows as document cells: continuation cells of a vertical merge folded into the row span of the
/// cell that starts it, gaps before a cell (a row starting further right, `gridBefore`) filled with empty cells
/// so that every cell lands on its grid column.
fn grid_rows(table: &FlowTable) -> Vec<Vec<Cell>> {
    // (row, index) of the cell each continuation belongs to, by grid column, while a merge is open.
    let mut open: std::collections::HashMap<usize, (usize, usize)> = std::collections::HashMap::new();
    let mut rows: Vec<Vec<(Cell, usize)>> = Vec::with_capacity(table.rows.len());
    for (r, source_row) in table.rows.iter().enumerate() {
        let mut cells: Vec<(Cell, usize)> = Vec::with_capacity(source_row.len());
        let mut still_open = std::collections::HashMap::new();
        for fc in source_row {
            let text = fc.text();
            if fc.vmerge == VMerge::Continue {
                if let Some(&(or, oi)) = open.get(&fc.col) {
                    if let Some((origin, _)) = rows.get_mut(or).and_then(|row| row.get_mut(oi)) {
                        origin.rowspan += 1;
                        // Word shows a merged cell's content as one; text left in a continuation is kept.
                        if !text.is_empty() {
                            if !origin.text.is_empty() {
                                origin.text.push('\n');
                            }
                            origin.text.push_str(&text);
                        }
                        still_open.insert(fc.col, (or, oi));
                        continue;
                    }
                }
            }
            let pos = Position { page: 0, line: 0, row: r, col: fc.col };
            if fc.vmerge == VMerge::Restart {
                still_open.insert(fc.col, (r, cells.len()));
            }
            cells.push((Cell::new(text, pos).spanning(1, fc.colspan), fc.col));
        }
        open = still_open;
        rows.push(cells);
    }
    fill_gaps(rows)
}

/// Inserts empty cells where a row leaves grid columns uncovered before a cell, so that the HTML placement of
/// [`crate::doc::layout_grid`] puts each cell on its own grid column.
fn fill_gaps(rows: Vec<Vec<(Cell, usize)>>) -> Vec<Vec<Cell>> {
    let mut covered: Vec<Vec<bool>> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for (r, row) in rows.into_iter().enumerate() {
        let mut cells = Vec::with_capacity(row.len());
        let mut next_free = 0usize;
        let is_covered = |covered: &Vec<Vec<bool>>, col: usize| {
            covered.get(r).and_then(|row| row.get(col)).copied().unwrap_or(false)
        };
        for (cell, col) in row {
            while next_free < col {
                if !is_covered(&covered, next_free) {
                    cells.push(Cell::new("", Position { page: 0, line: 0, row: r, col: next_free }));
                }
                next_free += 1;
            }
            while is_covered(&covered, next_free) {
                next_free += 1;
            }
            let (rowspan, colspan) = (cell.rowspan as usize, cell.colspan as usize);
            for dr in 1..rowspan.min(MAX_SPAN) {
                let target = r + dr;
                if covered.len() <= target {
                    covered.resize_with(target + 1, Vec::new);
                }
                let row = &mut covered[target];
                let end = next_free + colspan.min(MAX_SPAN);
                if row.len() < end {
                    row.resize(end, false);
                }
                row[next_free..end].iter_mut().for_each(|c| *c = true);
            }
            next_free += colspan.max(1);
            cells.push(cell);
        }
        out.push(cells);
    }
    out
}

/// Spans beyond this are clamped when marking covered positions (the model clamps them the same way).
const MAX_SPAN: usize = 1000;

/// Grid columns of cells given by their left and right edges (RTF `\cellx`, Word's cell boundaries): all edges of
/// the table, sorted, with edges closer than `tolerance` taken as one. Returns each cell's `(col, colspan)`.
pub fn columns_from_edges(rows: &[Vec<(i32, i32)>], tolerance: i32) -> Vec<Vec<(usize, u32)>> {
    let mut edges: Vec<i32> = rows.iter().flatten().flat_map(|&(l, r)| [l, r]).collect();
    edges.sort_unstable();
    let mut grid: Vec<i32> = Vec::new();
    for e in edges {
        // Edges come from the file: any `i32`, so the distances are taken in `i64`.
        if grid.last().is_none_or(|&last| i64::from(e) - i64::from(last) > i64::from(tolerance)) {
            grid.push(e);
        }
    }
    let index = |x: i32| grid.iter().rposition(|&g| g <= x.saturating_add(tolerance)).unwrap_or(0);
    rows.iter()
        .map(|row| {
            row.iter()
                .map(|&(l, r)| {
                    let (a, b) = (index(l), index(r));
                    (a, b.saturating_sub(a).max(1) as u32)
                })
                .collect()
        })
        .collect()
}

/// A cell of a row definition: its right edge (twips) and how it merges with its neighbours.
#[derive(Debug, Clone, Copy, Default)]
pub struct CellDef {
    pub right: i32,
    /// Merged into the cell on its left.
    pub hmerge_continue: bool,
    pub vmerge: VMerge,
}

/// A row definition: the left edge of the first cell and each cell's right edge and merges.
#[derive(Debug, Clone, Default)]
pub struct RowDef {
    pub left: i32,
    pub cells: Vec<CellDef>,
}

/// A table being built at one nesting depth: its finished rows (cells with their left and right edges), the
/// cells of the current row, and the content of the current cell.
#[derive(Debug, Default)]
struct Level {
    rows: Vec<Vec<(FlowCell, i32, i32)>>,
    row_cells: Vec<Vec<Flow>>,
    cell: Vec<Flow>,
}

/// Builds a flow for formats that mark tables in their text stream (RTF, legacy Word): paragraphs at a nesting
/// depth (0 is the body), cell ends and row ends with the row's definition. A paragraph at a shallower depth ends
/// the tables below it, which go into the cell that holds them; grid columns come from the cell edges of all rows
/// of a table.
#[derive(Debug)]
pub struct TableStack {
    flow: Vec<Flow>,
    /// Open tables, outermost first: `levels[0]` is depth 1.
    levels: Vec<Level>,
    /// Edges closer than this are one grid line (writers round widths differently row by row).
    tolerance: i32,
}

impl TableStack {
    pub fn new(tolerance: i32) -> Self {
        TableStack { flow: Vec::new(), levels: Vec::new(), tolerance }
    }

    pub fn paragraph(&mut self, depth: usize, paragraph: Paragraph) {
        self.enter(depth);
        self.push(Flow::Paragraph(paragraph));
    }

    /// The end of a cell at `depth` (at least 1), `last` being the cell's last paragraph.
    pub fn cell_end(&mut self, depth: usize, last: Paragraph) {
        self.enter(depth.max(1));
        self.push(Flow::Paragraph(last));
        if let Some(level) = self.levels.last_mut() {
            let cell = std::mem::take(&mut level.cell);
            level.row_cells.push(cell);
        }
    }

    /// The end of a row at `depth` (at least 1): its cells are placed on the edges of `def`.
    pub fn row_end(&mut self, depth: usize, def: &RowDef) {
        self.enter(depth.max(1));
        if let Some(level) = self.levels.last_mut() {
            finish_row(level, def);
        }
    }

    /// The flow, with any table still open closed.
    pub fn finish(mut self) -> Vec<Flow> {
        self.enter(0);
        self.flow
    }

    /// Makes `depth` the innermost open level: deeper tables have ended and go into the cell that holds them,
    /// missing levels are opened.
    fn enter(&mut self, depth: usize) {
        let depth = depth.min(MAX_NESTING);
        while self.levels.len() > depth {
            self.close_innermost();
        }
        while self.levels.len() < depth {
            self.levels.push(Level::default());
        }
    }

    fn push(&mut self, block: Flow) {
        match self.levels.last_mut() {
            Some(level) => level.cell.push(block),
            None => self.flow.push(block),
        }
    }

    /// Closes the innermost table and puts it where it stands: in the cell of the level above, or the body.
    fn close_innermost(&mut self) {
        let Some(mut level) = self.levels.pop() else {
            return;
        };
        if !level.cell.is_empty() {
            let cell = std::mem::take(&mut level.cell);
            level.row_cells.push(cell);
        }
        finish_row(&mut level, &RowDef::default());
        if level.rows.is_empty() {
            return;
        }
        let edges: Vec<Vec<(i32, i32)>> =
            level.rows.iter().map(|r| r.iter().map(|(_, l, r)| (*l, *r)).collect()).collect();
        let columns = columns_from_edges(&edges, self.tolerance);
        let rows = level
            .rows
            .into_iter()
            .zip(columns)
            .map(|(cells, cols)| {
                cells
                    .into_iter()
                    .zip(cols)
                    .map(|((cell, _, _), (col, colspan))| FlowCell { col, colspan, ..cell })
                    .collect()
            })
            .collect();
        self.push(Flow::Table(FlowTable { rows }));
    }
}

/// Turns the cells collected for a row into a row: each cell on the edges of its definition (cells the
/// definition does not cover get a nominal width), cells merged into the one on their left folded into it.
fn finish_row(level: &mut Level, def: &RowDef) {
    let contents = std::mem::take(&mut level.row_cells);
    if contents.is_empty() {
        return;
    }
    let mut left = def.left;
    let mut row: Vec<(FlowCell, i32, i32)> = Vec::with_capacity(contents.len());
    for (i, content) in contents.into_iter().enumerate() {
        let cell_def = def
            .cells
            .get(i)
            .copied()
            .unwrap_or(CellDef { right: left.saturating_add(NOMINAL_WIDTH), ..CellDef::default() });
        let right = cell_def.right.max(left.saturating_add(1));
        match row.last_mut() {
            Some((previous, _, previous_right)) if cell_def.hmerge_continue => {
                *previous_right = right;
                previous.content.extend(content);
            }
            _ => row.push((FlowCell { content, col: 0, colspan: 1, vmerge: cell_def.vmerge }, left, right)),
        }
        left = right;
    }
    level.rows.push(row);
}

/// The width given to a cell its row definition does not describe (twips; about 1.8 cm).
const NOMINAL_WIDTH: i32 = 1000;

/// The character a symbol-font glyph draws (Word's `w:sym`, RTF text in a symbol font). Symbol fonts put their
/// glyphs at U+F020–U+F0FF or at the plain byte; the common marks of Wingdings and Symbol are mapped to Unicode,
/// other symbol-font glyphs are dropped (no guess). A code in another font is the character itself.
pub fn symbol_char(font: &str, code: u32) -> Option<char> {
    let font = font.trim().to_ascii_lowercase();
    let byte = if (0xF000..=0xF0FF).contains(&code) { code - 0xF000 } else { code };
    if font.starts_with("wingdings") {
        return match byte {
            0xFC => Some('✓'),
            0xFB => Some('✗'),
            0xFD => Some('☒'),
            0xFE => Some('☑'),
            0xA8 | 0x6F => Some('□'),
            0x6C => Some('●'),
            0x9F => Some('•'),
            _ => None,
        };
    }
    if font == "symbol" {
        return match byte {
            0xB4 => Some('×'),
            0xB8 => Some('÷'),
            0xB1 => Some('±'),
            0xD6 => Some('√'),
            0x2D => Some('−'),
            0xB3 => Some('≥'),
            0xA3 => Some('≤'),
            0xB9 => Some('≠'),
            0xB7 => Some('•'),
            0x20..=0x7E => char::from_u32(byte),
            _ => None,
        };
    }
    if (0xE000..=0xF8FF).contains(&code) {
        return None;
    }
    char::from_u32(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::testing::shape as texts;

    fn cell(text: &str, col: usize, colspan: u32, vmerge: VMerge) -> FlowCell {
        FlowCell { content: vec![Flow::Paragraph(Paragraph::new(text))], col, colspan, vmerge }
    }

    #[test]
    fn vertical_merges_become_rowspans_on_grid_columns() {
        let table = FlowTable {
            rows: vec![
                vec![
                    cell("三、结果", 0, 1, VMerge::Restart),
                    cell("（一）予以公开", 1, 2, VMerge::None),
                    cell("19", 3, 1, VMerge::None),
                ],
                vec![
                    cell("", 0, 1, VMerge::Continue),
                    cell("（二）部分公开", 1, 2, VMerge::None),
                    cell("1", 3, 1, VMerge::None),
                ],
                vec![cell("四、结转", 0, 3, VMerge::None), cell("0", 3, 1, VMerge::None)],
            ],
        };
        let doc = into_document(&[Flow::Table(table)], "t");
        let Some(Block::Table(t)) = doc.blocks.first() else { panic!("a table") };
        let rows = texts(t);
        assert_eq!(rows[0][0], ("三、结果".to_string(), 2, 1, 0));
        assert_eq!(rows[1], vec![("（二）部分公开".to_string(), 1, 2, 1), ("1".to_string(), 1, 1, 3)]);
        assert_eq!(rows[2][0], ("四、结转".to_string(), 1, 3, 0));
        let g = t.grid();
        assert_eq!(t.cell_at(g[1][0]).map(|c| c.text.as_str()), Some("三、结果"));
        assert_eq!(t.cell_at(g[1][3]).map(|c| c.text.as_str()), Some("1"));
    }

    #[test]
    fn a_row_starting_further_right_gets_empty_cells_before() {
        let table = FlowTable {
            rows: vec![
                vec![cell("a", 0, 1, VMerge::None), cell("b", 1, 1, VMerge::None), cell("c", 2, 1, VMerge::None)],
                vec![cell("x", 2, 1, VMerge::None)],
            ],
        };
        let doc = into_document(&[Flow::Table(table)], "t");
        let Some(Block::Table(t)) = doc.blocks.first() else { panic!("a table") };
        let g = t.grid();
        assert_eq!(t.cell_at(g[1][2]).map(|c| c.text.as_str()), Some("x"));
        assert_eq!(t.cell_at(g[1][0]).map(|c| c.text.as_str()), Some(""));
    }

    #[test]
    fn an_orphan_continuation_is_an_ordinary_cell() {
        let table = FlowTable { rows: vec![vec![cell("a", 0, 1, VMerge::Continue), cell("1", 1, 1, VMerge::None)]] };
        let doc = into_document(&[Flow::Table(table)], "t");
        let Some(Block::Table(t)) = doc.blocks.first() else { panic!("a table") };
        assert_eq!(texts(t)[0].len(), 2);
    }

    #[test]
    fn frames_are_unwrapped_and_nested_tables_follow_their_outer_table() {
        let inner = FlowTable { rows: vec![vec![cell("规章", 0, 1, VMerge::None), cell("3", 1, 1, VMerge::None)]] };
        let mut outer_cell = cell("标签", 0, 1, VMerge::None);
        outer_cell.content.push(Flow::Table(inner.clone()));
        let outer = FlowTable { rows: vec![vec![outer_cell, cell("x", 1, 1, VMerge::None)]] };
        let frame = FlowTable {
            rows: vec![vec![FlowCell {
                content: vec![Flow::Paragraph(Paragraph::new("一、总体情况")), Flow::Table(outer)],
                col: 0,
                colspan: 1,
                vmerge: VMerge::None,
            }]],
        };
        let doc = into_document(&[Flow::Table(frame)], "t");
        let kinds: Vec<String> = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Heading { text, .. } => format!("h:{text}"),
                Block::Paragraph { text, .. } => format!("p:{text}"),
                Block::Table(t) => format!("t:{}", t.rows[0][0].text),
            })
            .collect();
        assert_eq!(kinds, vec!["h:一、总体情况", "t:标签", "t:规章"]);
    }

    #[test]
    fn paragraphs_are_numbered_and_read_like_text() {
        let flow: Vec<Flow> = ["一、总体情况", "", "本年度共收到申请12件。", "（一）予以公开 19 0 0 0 0 0 19"]
            .iter()
            .map(|t| Flow::Paragraph(Paragraph::new(*t)))
            .chain([Flow::Paragraph(Paragraph { text: "总体情况".into(), heading: true })])
            .collect();
        let doc = into_document(&flow, "t");
        let lines: Vec<(String, usize)> = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Heading { text, line } => (format!("h:{text}"), *line),
                Block::Paragraph { text, line } => (format!("p:{text}"), *line),
                Block::Table(t) => (format!("t:{}", t.rows[0][0].text), t.rows[0][0].pos.line),
            })
            .collect();
        assert_eq!(
            lines,
            vec![
                ("h:一、总体情况".to_string(), 1),
                ("p:本年度共收到申请12件。".to_string(), 3),
                ("t:（一）予以公开".to_string(), 4),
                ("h:总体情况".to_string(), 5)
            ]
        );
    }

    #[test]
    fn edges_become_grid_columns() {
        let rows = vec![vec![(0, 100), (100, 400)], vec![(0, 100), (100, 200), (203, 300), (300, 400)]];
        let cols = columns_from_edges(&rows, 10);
        assert_eq!(cols[0], vec![(0, 1), (1, 3)]);
        assert_eq!(cols[1], vec![(0, 1), (1, 1), (2, 1), (3, 1)]);
    }

    #[test]
    fn edges_at_the_ends_of_the_integers_are_columns_too() {
        // A damaged file can put an edge anywhere an `i32` reaches: the two far ends are two columns apart.
        let rows = vec![vec![(i32::MIN, 0), (0, i32::MAX)], vec![(i32::MIN, i32::MAX)]];
        let cols = columns_from_edges(&rows, 10);
        assert_eq!(cols[0], vec![(0, 1), (1, 1)]);
        assert_eq!(cols[1], vec![(0, 2)]);
    }
}
