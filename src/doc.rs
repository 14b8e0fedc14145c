//! The document model every reader produces and every later stage consumes.
//!
//! A [`Document`] is a list of [`Block`]s in reading order: headings, paragraphs and tables. A table is a list of
//! source rows, each a list of [`Cell`]s with their spans and position, exactly as the source printed them; the
//! [`Table::grid`] method expands spans into a rectangular grid (HTML semantics). Readers fill this model;
//! nothing here parses bytes or knows the official template.

use serde::Serialize;

/// A report after reading: its blocks in reading order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Document {
    /// Where the document came from (a path, or `-` for standard input).
    pub source: String,
    pub blocks: Vec<Block>,
    /// What the reader left out because it passed a limit (a table too large to lay out): each becomes a finding,
    /// so nothing is dropped silently.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub omitted: Vec<Omission>,
}

impl Document {
    /// A document of these blocks, nothing omitted.
    pub fn new(source: impl Into<String>, blocks: Vec<Block>) -> Document {
        Document { source: source.into(), blocks, omitted: Vec::new() }
    }
}

/// A part of the source a reader did not read because it passed a limit, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Omission {
    /// What was left out, as the user finds it in the source (`table 3`).
    pub what: String,
    /// Why, with the limit (`its grid would have more than 250000 positions`).
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Heading { text: String, line: usize },
    Paragraph { text: String, line: usize },
    Table(Table),
}

/// How a reader knows the table's row structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableShape {
    /// Rows and cells are known (HTML, spreadsheets, Markdown, one-row-per-line text).
    Grid,
    /// Only the sequence of cells is known (text where every cell stands on its own line); each source row holds
    /// one cell, and row boundaries must be inferred from the content.
    CellStream,
}

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub shape: TableShape,
    /// The sheet name, for tables read from a spreadsheet (cell origins are then `Sheet!B12`).
    pub name: Option<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(shape: TableShape, rows: Vec<Vec<Cell>>) -> Self {
        Table { shape, name: None, rows }
    }
}

/// Where a cell was found, for provenance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Position {
    /// 1-based page, when the source is paged (PDF); 0 otherwise.
    pub page: u32,
    /// 1-based line in the source text, when the source is text.
    pub line: usize,
    /// 0-based sheet row and column, when the source is a spreadsheet or a grid.
    pub row: usize,
    pub col: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// The cell's text as printed (after decoding and gloss removal), line breaks kept as `\n`.
    pub text: String,
    pub rowspan: u32,
    pub colspan: u32,
    pub pos: Position,
    /// The source declares this empty cell *not provided* (a workbook written from a partial table lists such
    /// cells), so it is absent rather than blank.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub absent: bool,
}

impl Cell {
    pub fn new(text: impl Into<String>, pos: Position) -> Self {
        Cell { text: text.into(), rowspan: 1, colspan: 1, pos, absent: false }
    }

    pub fn spanning(mut self, rowspan: u32, colspan: u32) -> Self {
        self.rowspan = rowspan.max(1);
        self.colspan = colspan.max(1);
        self
    }
}

/// One position of an expanded grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Nothing was printed here (a short row).
    Empty,
    /// The top-left position of source cell `(row, index)`.
    Origin { row: usize, index: usize },
    /// Covered by a span of source cell `(row, index)`; `across` is true when covered by its colspan in the
    /// same grid row, false when covered from a row above by its rowspan.
    Covered { row: usize, index: usize, across: bool },
}

/// Upper bound on spans, so a hostile `colspan="100000000"` cannot exhaust memory.
const MAX_SPAN: u32 = 1000;

/// The most positions the grid of one table may have (rows × columns once spans are laid out). An official table
/// has a few hundred; the largest real tables a few thousand. Readers check [`Table::grid_area`] against it and
/// leave a larger table out with an [`Omission`] rather than build it.
pub const MAX_TABLE_SLOTS: usize = 250_000;

/// The most grid positions of all the tables of one document together.
pub const MAX_DOCUMENT_SLOTS: usize = 1_000_000;

/// [`layout_grid`] never builds more positions than this, whatever it is given: a backstop for a reader that did
/// not check [`Table::grid_area`]. Cells past it are not placed.
const GRID_BACKSTOP: usize = 4 * MAX_DOCUMENT_SLOTS;

impl Table {
    /// Expands the rows into a rectangular grid of [`Slot`]s with HTML table semantics: each cell takes the first
    /// free position of its row, and its spans cover positions to the right and below.
    pub fn grid(&self) -> Vec<Vec<Slot>> {
        layout_grid(self.rows.iter().map(|r| r.iter().map(|c| (c.rowspan, c.colspan))))
    }

    /// The number of positions of the table's grid (rows × columns), worked out without building it; `None` as soon
    /// as it would pass `budget`. The work is bounded by the budget too.
    pub fn grid_area(&self, budget: usize) -> Option<usize> {
        grid_area(self.rows.iter().map(|r| r.iter().map(|c| (c.rowspan, c.colspan))), budget)
    }

    /// The cell at a grid slot, if the slot holds or is covered by one.
    pub fn cell_at(&self, slot: Slot) -> Option<&Cell> {
        match slot {
            Slot::Empty => None,
            Slot::Origin { row, index } | Slot::Covered { row, index, .. } => {
                self.rows.get(row).and_then(|r| r.get(index))
            }
        }
    }
}

/// The area of the grid [`layout_grid`] would build, or `None` once it passes `budget`: the same placement on a
/// grid of flags, which never holds more than `budget` of them.
pub fn grid_area<R, C>(rows: R, budget: usize) -> Option<usize>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = (u32, u32)>,
{
    let mut taken: Vec<Vec<bool>> = Vec::new();
    let mut allocated = 0usize;
    let mut width = 0usize;
    for (r, cells) in rows.into_iter().enumerate() {
        if taken.len() <= r {
            taken.resize_with(r + 1, Vec::new);
        }
        let mut col = 0usize;
        for (rowspan, colspan) in cells {
            while taken.get(r).and_then(|row| row.get(col)).copied().unwrap_or(false) {
                col += 1;
            }
            let rowspan = rowspan.clamp(1, MAX_SPAN) as usize;
            let colspan = colspan.clamp(1, MAX_SPAN) as usize;
            let end = col + colspan;
            // The grid is at least this wide and this tall: fail before allocating anything.
            if end.max(width).checked_mul((r + rowspan).max(taken.len()))? > budget {
                return None;
            }
            if taken.len() < r + rowspan {
                taken.resize_with(r + rowspan, Vec::new);
            }
            for row in taken.iter_mut().skip(r).take(rowspan) {
                if row.len() < end {
                    allocated += end - row.len();
                    if allocated > budget {
                        return None;
                    }
                    row.resize(end, false);
                }
                row.iter_mut().skip(col).take(colspan).for_each(|t| *t = true);
            }
            width = width.max(end);
            col = end;
        }
    }
    let area = width.checked_mul(taken.len())?;
    (area <= budget).then_some(area)
}

/// Places rows of `(rowspan, colspan)` cells on a grid (HTML table algorithm). Shared by readers that expand
/// source tables and writers that draw the official form.
pub fn layout_grid<R, C>(rows: R) -> Vec<Vec<Slot>>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = (u32, u32)>,
{
    let mut grid: Vec<Vec<Slot>> = Vec::new();
    let mut allocated = 0usize;
    for (r, cells) in rows.into_iter().enumerate() {
        if grid.len() <= r {
            grid.resize_with(r + 1, Vec::new);
        }
        let mut col = 0usize;
        for (index, (rowspan, colspan)) in cells.into_iter().enumerate() {
            while grid[r].get(col).is_some_and(|s| *s != Slot::Empty) {
                col += 1;
            }
            let rowspan = rowspan.clamp(1, MAX_SPAN) as usize;
            let colspan = colspan.clamp(1, MAX_SPAN) as usize;
            allocated = allocated.saturating_add(rowspan * colspan);
            if allocated > GRID_BACKSTOP {
                break;
            }
            for dr in 0..rowspan {
                let gr = r + dr;
                if grid.len() <= gr {
                    grid.resize_with(gr + 1, Vec::new);
                }
                for dc in 0..colspan {
                    let gc = col + dc;
                    if grid[gr].len() <= gc {
                        grid[gr].resize(gc + 1, Slot::Empty);
                    }
                    grid[gr][gc] = if dr == 0 && dc == 0 {
                        Slot::Origin { row: r, index }
                    } else {
                        Slot::Covered { row: r, index, across: dr == 0 }
                    };
                }
            }
            col += colspan;
        }
    }
    let width = grid.iter().map(Vec::len).max().unwrap_or(0);
    if width.saturating_mul(grid.len()) > GRID_BACKSTOP {
        grid.truncate(GRID_BACKSTOP / width.max(1));
    }
    for row in &mut grid {
        row.resize(width, Slot::Empty);
    }
    grid
}

impl Document {
    /// The text of all headings and paragraphs, one block per line, in reading order.
    pub fn prose_text(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            match block {
                Block::Heading { text, .. } | Block::Paragraph { text, .. } => {
                    out.push_str(text);
                    out.push('\n');
                }
                Block::Table(_) => {}
            }
        }
        out
    }

    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str, rs: u32, cs: u32) -> Cell {
        Cell::new(text, Position::default()).spanning(rs, cs)
    }

    #[test]
    fn grid_expands_rowspan_and_colspan_like_html() {
        let table = Table {
            shape: TableShape::Grid,
            name: None,
            rows: vec![vec![cell("a", 2, 1), cell("b", 1, 2)], vec![cell("c", 1, 1), cell("d", 1, 1)]],
        };
        let g = table.grid();
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].len(), 3);
        assert_eq!(g[1][0], Slot::Covered { row: 0, index: 0, across: false });
        assert_eq!(table.cell_at(g[1][1]).map(|c| c.text.as_str()), Some("c"));
        assert_eq!(table.cell_at(g[1][2]).map(|c| c.text.as_str()), Some("d"));
        assert_eq!(g[0][2], Slot::Covered { row: 0, index: 1, across: true });
    }

    #[test]
    fn grid_area_is_the_laid_out_area_or_none_past_the_budget() {
        let table = Table::new(
            TableShape::Grid,
            vec![vec![cell("a", 2, 1), cell("b", 1, 2)], vec![cell("c", 1, 1), cell("d", 1, 1)]],
        );
        let g = table.grid();
        assert_eq!(table.grid_area(100), Some(g.len() * g[0].len()));
        assert_eq!(table.grid_area(5), None);
        // A hundred cells spanning 65535 rows and 1000 columns each: refused without building anything.
        let bomb = Table::new(TableShape::Grid, vec![(0..100).map(|_| cell("x", 65535, 1000)).collect()]);
        assert_eq!(bomb.grid_area(MAX_TABLE_SLOTS), None);
        let rows: Vec<Vec<Cell>> = (0..100).map(|_| vec![cell("x", 65535, 1000)]).collect();
        assert_eq!(Table::new(TableShape::Grid, rows).grid_area(MAX_TABLE_SLOTS), None);
    }

    #[test]
    fn hostile_spans_are_clamped() {
        let table = Table::new(TableShape::Grid, vec![vec![cell("x", 1, u32::MAX)]]);
        assert_eq!(table.grid()[0].len(), MAX_SPAN as usize);
    }
}
