//! Tables on a page. With drawn rules: the rules that cross each other form a grid; its cells are the regions
//! between rules, and where a rule is missing between two regions they merge into one cell with a row or column
//! span. Without rules: consecutive lines split at wide gutters into chunks that line up in columns.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::content::{Glyph, Rule};
use super::geom::Rect;
use super::lines::{block_text, group_lines, Line};

/// Rules whose positions differ by at most this much (points) are the same rule; so are grid lines.
const SAME_POSITION: f64 = 4.0;
/// Collinear pieces closer than this (points) are one rule.
const JOIN_GAP: f64 = 2.5;
/// A rule must cover this share of a cell side to separate the cells on either side.
const MIN_COVER: f64 = 0.5;
/// Above this many rules of one orientation a page is a drawing, not a table.
const MAX_RULES: usize = 4000;
/// A gap wider than this many ems splits a line of an unruled table into cells.
const GUTTER: f64 = 1.5;
/// An unruled table has at least this many lines with two or more cells.
const MIN_ALIGNED_ROWS: usize = 3;
/// Overlaps narrower than this (points) are boxes touching, not text crossing.
const SLIVER: f64 = 1.5;
/// A table ruled only between its rows has at least this many horizontal rules (distinct positions).
const MIN_ROW_RULES: usize = 3;
/// Consecutive rules of one such table are at most this far apart (points): a row is never taller.
const MAX_ROW_GAP: f64 = 150.0;
/// Inside a table ruled between its rows, a gap wider than this many ems separates cells (the cell padding of
/// narrow columns in small type is about an em).
const CELL_GAP: f64 = 0.6;

/// A numbered section heading (`三、收到和处理…`), never a cell of a report table's header.
static SECTION_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[一二三四五六七八九十]{1,3}[、.．]\S{2,}$").expect("valid"));

static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$").expect("valid"));

/// A cell holding a number (`26`, `1,024`, `9.63`, `5%`).
pub fn is_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    NUMBER.is_match(&t)
}

/// A table as read from a page: rows of cells, each with its grid column and spans.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRows {
    pub rect: Rect,
    pub rows: Vec<Vec<TableCell>>,
    /// No rule closes the top (bottom) of the table: a row split by a page break continues there.
    pub open_top: bool,
    pub open_bottom: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableCell {
    pub text: String,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    /// The cell's left and right edges (points), to line up the columns of a table's parts on several pages.
    pub x0: f64,
    pub x1: f64,
}

/// A ruled grid with the glyphs assigned to it.
#[derive(Debug)]
pub struct Grid {
    xs: Vec<f64>,
    ys: Vec<f64>,
    open_top: bool,
    open_bottom: bool,
    cells: Vec<GridCell>,
    /// Elementary position `row * columns + col` → index in `cells`.
    cell_of: Vec<usize>,
}

#[derive(Debug)]
struct GridCell {
    row: usize,
    col: usize,
    rowspan: usize,
    colspan: usize,
    glyphs: Vec<Glyph>,
}

impl Grid {
    pub fn rect(&self) -> Rect {
        let (x0, x1) = (self.xs.first().copied().unwrap_or(0.0), self.xs.last().copied().unwrap_or(0.0));
        let (y0, y1) = (self.ys.first().copied().unwrap_or(0.0), self.ys.last().copied().unwrap_or(0.0));
        Rect::new(x0, y0, x1, y1)
    }

    /// Whether a glyph's centre lies inside the grid.
    pub fn contains(&self, g: &Glyph) -> bool {
        let r = self.rect();
        Rect::new(r.x0 - 1.0, r.y0 - 1.0, r.x1 + 1.0, r.y1 + 1.0).contains_point(g.rect.cx(), g.rect.cy())
    }

    /// Puts a glyph into the cell under its centre.
    pub fn add(&mut self, g: Glyph) {
        let col = band(&self.xs, g.rect.cx());
        let row = band(&self.ys, g.rect.cy());
        let columns = self.xs.len().saturating_sub(1);
        if let Some(cell) = self.cell_of.get(row * columns + col).and_then(|&i| self.cells.get_mut(i)) {
            cell.glyphs.push(g);
        }
    }

    pub fn into_rows(self) -> TableRows {
        let rect = self.rect();
        let mut rows: Vec<Vec<TableCell>> = (0..self.ys.len().saturating_sub(1)).map(|_| Vec::new()).collect();
        for cell in self.cells {
            let text = block_text(cell.glyphs);
            let x0 = self.xs.get(cell.col).copied().unwrap_or(rect.x0);
            let x1 = self.xs.get(cell.col + cell.colspan).copied().unwrap_or(rect.x1);
            if let Some(row) = rows.get_mut(cell.row) {
                row.push(TableCell { text, col: cell.col, rowspan: cell.rowspan, colspan: cell.colspan, x0, x1 });
            }
        }
        for row in &mut rows {
            row.sort_by_key(|c| c.col);
        }
        TableRows { rect, rows, open_top: self.open_top, open_bottom: self.open_bottom }
    }
}

/// The band `i` with `edges[i] <= v < edges[i + 1]`, clamped to the outer bands.
fn band(edges: &[f64], v: f64) -> usize {
    let bands = edges.len().saturating_sub(1);
    edges.partition_point(|e| *e <= v).saturating_sub(1).min(bands.saturating_sub(1))
}

/// Finds the ruled tables on a page: grids of crossing rules, and tables ruled only between their rows (inside a
/// frame or not; see [`row_ruled_grids`]).
pub fn ruled_tables(rules: &[Rule], glyphs: &[Glyph]) -> Vec<Grid> {
    let (mut grids, row_rules) = ruled_grids(rules);
    grids.extend(row_ruled_grids(row_rules, glyphs));
    grids
}

/// Finds the ruled grids among a page's rules; returns them with the horizontal rules that no vertical rule
/// crosses, or only the two sides of a frame (a box with rules under its rows, but no rule between columns).
fn ruled_grids(rules: &[Rule]) -> (Vec<Grid>, Vec<Rule>) {
    let horizontal = merge_rules(rules.iter().filter(|r| r.horizontal));
    let vertical = merge_rules(rules.iter().filter(|r| !r.horizontal));
    if horizontal.len() > MAX_RULES || vertical.len() > MAX_RULES {
        return (Vec::new(), Vec::new());
    }
    // Connected components of crossing rules: horizontal ones are 0..h, vertical ones h..h+v.
    let h = horizontal.len();
    let mut parent: Vec<usize> = (0..h + vertical.len()).collect();
    for (i, hr) in horizontal.iter().enumerate() {
        for (j, vr) in vertical.iter().enumerate() {
            if crosses(hr, vr) {
                union(&mut parent, i, h + j);
            }
        }
    }
    let mut components: Vec<(Vec<Rule>, Vec<Rule>)> = Vec::new();
    let mut index_of_root: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for i in 0..parent.len() {
        let root = find(&mut parent, i);
        let k = *index_of_root.entry(root).or_insert_with(|| {
            components.push((Vec::new(), Vec::new()));
            components.len() - 1
        });
        match horizontal.get(i) {
            Some(r) => components[k].0.push(*r),
            None => components[k].1.push(vertical[i - h]),
        }
    }
    let mut grids = Vec::new();
    let mut row_rules = Vec::new();
    for (hs, vs) in components {
        if vs.is_empty() || (cluster(vs.iter().map(|r| r.at).collect()).len() == 2 && hs.len() >= MIN_ROW_RULES) {
            row_rules.extend(hs);
        } else {
            grids.extend(grid_of(&hs, &vs));
        }
    }
    (grids, row_rules)
}

fn crosses(h: &Rule, v: &Rule) -> bool {
    let t = SAME_POSITION;
    h.from - t <= v.at && v.at <= h.to + t && v.from - t <= h.at && h.at <= v.to + t
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut root = i;
    while parent[root] != root {
        root = parent[root];
    }
    let mut j = i;
    while parent[j] != root {
        let next = parent[j];
        parent[j] = root;
        j = next;
    }
    root
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra] = rb;
    }
}

/// Merges rules of one orientation: same position, overlapping or touching extents.
fn merge_rules<'a>(rules: impl Iterator<Item = &'a Rule>) -> Vec<Rule> {
    let mut rules: Vec<Rule> = rules.copied().collect();
    rules.sort_by(|a, b| a.at.total_cmp(&b.at));
    let mut out = Vec::new();
    let mut i = 0;
    while i < rules.len() {
        let mut j = i + 1;
        while j < rules.len() && rules[j].at - rules[i].at <= SAME_POSITION / 2.0 {
            j += 1;
        }
        let mut group: Vec<Rule> = rules[i..j].to_vec();
        let at = group.iter().map(|r| r.at).sum::<f64>() / group.len() as f64;
        group.sort_by(|a, b| a.from.total_cmp(&b.from));
        let mut current: Option<Rule> = None;
        for r in group {
            current = match current {
                Some(mut c) if r.from <= c.to + JOIN_GAP => {
                    c.to = c.to.max(r.to);
                    Some(c)
                }
                Some(c) => {
                    out.push(c);
                    Some(Rule { at, ..r })
                }
                None => Some(Rule { at, ..r }),
            };
        }
        out.extend(current);
        i = j;
    }
    out
}

/// Positions closer than [`SAME_POSITION`] collapse into their mean.
fn cluster(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    let mut group: Vec<f64> = Vec::new();
    for v in values {
        if group.last().is_some_and(|last| v - last > SAME_POSITION) {
            out.push(group.iter().sum::<f64>() / group.len() as f64);
            group.clear();
        }
        group.push(v);
    }
    if !group.is_empty() {
        out.push(group.iter().sum::<f64>() / group.len() as f64);
    }
    out
}

/// How much of `[from, to]` the rules at position `at` cover, as a share.
fn cover(rules: &[Rule], at: f64, from: f64, to: f64) -> f64 {
    let len = to - from;
    if len <= 0.0 {
        return 1.0;
    }
    let covered: f64 = rules
        .iter()
        .filter(|r| (r.at - at).abs() <= SAME_POSITION)
        .map(|r| (r.to.min(to) - r.from.max(from)).max(0.0))
        .sum();
    covered / len
}

/// The grid a component of crossing rules draws, if it has at least two cells.
fn grid_of(hs: &[Rule], vs: &[Rule]) -> Option<Grid> {
    if hs.len() < 2 || vs.len() < 2 {
        return None;
    }
    let left = hs.iter().map(|r| r.from).fold(f64::MAX, f64::min);
    let right = hs.iter().map(|r| r.to).fold(f64::MIN, f64::max);
    let top = vs.iter().map(|r| r.from).fold(f64::MAX, f64::min);
    let bottom = vs.iter().map(|r| r.to).fold(f64::MIN, f64::max);
    let xs = cluster(vs.iter().map(|r| r.at).chain([left, right]).collect());
    let ys = cluster(hs.iter().map(|r| r.at).chain([top, bottom]).collect());
    let (rows, cols) = (ys.len().checked_sub(1)?, xs.len().checked_sub(1)?);
    if rows == 0 || cols == 0 || rows * cols < 2 {
        return None;
    }
    // Elementary regions merge where no rule separates them.
    let mut parent: Vec<usize> = (0..rows * cols).collect();
    for r in 0..rows {
        for c in 0..cols {
            if c + 1 < cols && cover(vs, xs[c + 1], ys[r], ys[r + 1]) < MIN_COVER {
                union(&mut parent, r * cols + c, r * cols + c + 1);
            }
            if r + 1 < rows && cover(hs, ys[r + 1], xs[c], xs[c + 1]) < MIN_COVER {
                union(&mut parent, r * cols + c, (r + 1) * cols + c);
            }
        }
    }
    let mut bounds: std::collections::HashMap<usize, (usize, usize, usize, usize, usize)> =
        std::collections::HashMap::new();
    for r in 0..rows {
        for c in 0..cols {
            let root = find(&mut parent, r * cols + c);
            let b = bounds.entry(root).or_insert((r, c, r, c, 0));
            *b = (b.0.min(r), b.1.min(c), b.2.max(r), b.3.max(c), b.4 + 1);
        }
    }
    let mut cells = Vec::new();
    let mut cell_of = vec![0usize; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            let root = find(&mut parent, r * cols + c);
            let Some(&(r0, c0, r1, c1, count)) = bounds.get(&root) else { continue };
            let rectangular = (r1 - r0 + 1) * (c1 - c0 + 1) == count;
            if !rectangular {
                // An irregular region (a rule missing at a corner) splits back into its elementary cells.
                cell_of[r * cols + c] = cells.len();
                cells.push(GridCell { row: r, col: c, rowspan: 1, colspan: 1, glyphs: Vec::new() });
            } else if (r, c) == (r0, c0) {
                for rr in r0..=r1 {
                    for cc in c0..=c1 {
                        cell_of[rr * cols + cc] = cells.len();
                    }
                }
                cells.push(GridCell {
                    row: r0,
                    col: c0,
                    rowspan: r1 - r0 + 1,
                    colspan: c1 - c0 + 1,
                    glyphs: Vec::new(),
                });
            }
        }
    }
    if cells.len() < 2 {
        return None;
    }
    let (first_x, last_x) = (xs[0], xs[cols]);
    let open_top = cover(hs, ys[0], first_x, last_x) < MIN_COVER;
    let open_bottom = cover(hs, ys[rows], first_x, last_x) < MIN_COVER;
    Some(Grid { xs, ys, open_top, open_bottom, cells, cell_of })
}

/// Finds tables without rules among a page's lines (top to bottom): runs of lines that split into two or more
/// chunks at wide gutters, the chunks lining up in columns. Returns each table with the range of lines it took.
pub fn aligned_tables(lines: &[Line]) -> Vec<(Range<usize>, TableRows)> {
    let chunks: Vec<Vec<Line>> =
        lines.iter().map(|l| if l.is_horizontal() { l.chunks(GUTTER * l.size) } else { vec![l.clone()] }).collect();
    let multi = |i: usize| chunks.get(i).is_some_and(|c| c.len() >= 2);
    let close = |i: usize| match (lines.get(i), lines.get(i + 1)) {
        (Some(a), Some(b)) => b.rect.y0 - a.rect.y1 < 2.5 * a.size.max(b.size),
        _ => false,
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !multi(i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        // A single-chunk line between two aligned lines (a label-only row) stays in the table.
        while end < lines.len() && close(end - 1) && (multi(end) || (multi(end + 1) && close(end))) {
            end += 1;
        }
        let rows = (start..end).filter(|&k| multi(k)).count();
        if rows >= MIN_ALIGNED_ROWS {
            if let Some(table) = columns_table(&chunks[start..end]) {
                out.push((start..end, table));
            }
        }
        i = end;
    }
    out
}

/// Column bands from the chunks of many lines, then each line as a row of cells over those bands.
fn columns_table(rows: &[Vec<Line>]) -> Option<TableRows> {
    let bands = column_bands(rows, 2, false);
    if bands.len() < 2 {
        return None;
    }
    let edges = column_edges(&bands);
    let cell = |text: String, col: usize, colspan: usize| TableCell {
        text,
        col,
        rowspan: 1,
        colspan,
        x0: edges[col],
        x1: edges[col + colspan],
    };
    let mut rect: Option<Rect> = None;
    let mut out_rows = Vec::new();
    for row in rows {
        let mut cells: Vec<TableCell> = Vec::new();
        let mut next_col = 0;
        for chunk in row {
            rect = Some(rect.map_or(chunk.rect, |r| r.union(&chunk.rect)));
            let touched: Vec<usize> =
                (0..bands.len()).filter(|&b| chunk.rect.x0 < bands[b].1 && bands[b].0 < chunk.rect.x1).collect();
            let nearest = || {
                (0..bands.len())
                    .min_by(|&a, &b| {
                        let d =
                            |k: usize| (bands[k].0 - chunk.rect.cx()).abs().min((bands[k].1 - chunk.rect.cx()).abs());
                        d(a).total_cmp(&d(b))
                    })
                    .unwrap_or(0)
            };
            let first = touched.first().copied().unwrap_or_else(nearest).max(next_col);
            let last = touched.last().copied().unwrap_or(first).max(first);
            if first >= bands.len() {
                // More chunks than columns left: the text joins the last cell.
                if let Some(cell) = cells.last_mut() {
                    cell.text.push(' ');
                    cell.text.push_str(&chunk.text());
                }
                continue;
            }
            for col in next_col..first {
                cells.push(cell(String::new(), col, 1));
            }
            cells.push(cell(chunk.text(), first, last - first + 1));
            next_col = last + 1;
        }
        // Positions after the last chunk are blank cells of a row that prints values; a line of labels only (a
        // section label, or the wrapped part of one) printed no cells there: it stays a short row.
        if row.iter().any(|chunk| is_number(&chunk.text())) {
            for col in next_col..bands.len() {
                cells.push(cell(String::new(), col, 1));
            }
        }
        out_rows.push(cells);
    }
    Some(TableRows { rect: rect?, rows: out_rows, open_top: false, open_bottom: false })
}

/// The x-extents of a table's columns, from the chunks of lines with at least `min_chunks` chunks. With
/// `numbers_first`, numbers shape the value columns first (they stand in their column, whatever the header above
/// them spans; a table ruled between its rows has its rows, so its numbers are known to be values), and the other
/// chunks only where they are clear of those columns. Every chunk shapes the columns, unless it is a spanning header or a label over several label columns: a chunk over two chunks of other lines that lie side by
/// side. (The two may stand on different lines: header cells of different heights are centred at different
/// heights.)
fn column_bands(rows: &[Vec<Line>], min_chunks: usize, numbers_first: bool) -> Vec<(f64, f64)> {
    // Glyph boxes of neighbouring cells may touch: an overlap must be wider than a sliver.
    let overlaps = |a: (f64, f64), b: (f64, f64)| a.0 < b.1 - SLIVER && b.0 < a.1 - SLIVER;
    let span = |c: &Line| (c.rect.x0, c.rect.x1);
    let chunks: Vec<(&Line, bool)> =
        rows.iter().filter(|r| r.len() >= min_chunks).flatten().map(|c| (c, is_number(&c.text()))).collect();
    let numbers = if numbers_first {
        merge_intervals(chunks.iter().filter(|(_, n)| *n).map(|(c, _)| span(c)).collect())
    } else {
        Vec::new()
    };
    let spanning = |chunk: &Line| {
        let (mut first_end, mut last_start) = (f64::MAX, f64::MIN);
        for other in rows.iter().flatten().filter(|o| !std::ptr::eq(*o, chunk) && overlaps(span(chunk), span(o))) {
            first_end = first_end.min(other.rect.x1);
            last_start = last_start.max(other.rect.x0);
        }
        first_end <= last_start
    };
    let labels = chunks
        .iter()
        .filter(|(c, n)| {
            let shaped = (numbers_first && *n) || numbers.iter().any(|b| overlaps(*b, span(c)));
            !shaped && !spanning(c)
        })
        .map(|(c, _)| span(c));
    merge_intervals(numbers.iter().copied().chain(labels).collect())
}

/// Overlapping intervals merged, in order.
fn merge_intervals(mut intervals: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    intervals.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut bands: Vec<(f64, f64)> = Vec::new();
    for (x0, x1) in intervals {
        match bands.last_mut() {
            Some(last) if x0 < last.1 => last.1 = last.1.max(x1),
            _ => bands.push((x0, x1)),
        }
    }
    bands
}

/// Contiguous column edges over bands: the gutters split in the middle.
fn column_edges(bands: &[(f64, f64)]) -> Vec<f64> {
    let mut edges: Vec<f64> = bands.first().map(|b| b.0).into_iter().collect();
    edges.extend(bands.windows(2).map(|w| (w[0].1 + w[1].0) / 2.0));
    edges.extend(bands.last().map(|b| b.1));
    edges
}

/// Finds the tables ruled only between their rows: stacks of horizontal rules `free` of vertical rules (the rules
/// under each row, or a heavy rule above and below; perhaps inside a frame), the columns taken from the alignment of the
/// text between them. The row rules keep their meaning: where one stops short of a column, the cells above and
/// below it are one cell spanning rows. A stack whose rows would put two lines of numbers into one cell (a table
/// ruled only above and below its header and body) is left to the unruled reading, line by line.
fn row_ruled_grids(mut free: Vec<Rule>, glyphs: &[Glyph]) -> Vec<Grid> {
    if free.len() < MIN_ROW_RULES {
        return Vec::new();
    }
    free.sort_by(|a, b| a.at.total_cmp(&b.at));
    let lines: Vec<Line> = group_lines(glyphs.to_vec()).into_iter().filter(Line::is_horizontal).collect();
    // Text between two rules that reads as prose (a sentence, a numbered heading) and holds no number separates
    // two tables: a heading or a lead-in line between them.
    let prose_between = |x0: f64, x1: f64, y0: f64, y1: f64| {
        let band: Vec<&Line> =
            lines.iter().filter(|l| y0 < l.rect.cy() && l.rect.cy() < y1 && l.rect.x0 < x1 && x0 < l.rect.x1).collect();
        let number = band.iter().any(|l| l.chunks(CELL_GAP * l.size).iter().any(|c| is_number(&c.text())));
        !number
            && band.iter().any(|l| {
                let text = l.text();
                let text = text.trim();
                text.ends_with(['。', '：', ':']) || SECTION_HEADING.is_match(text)
            })
    };
    let mut stacks: Vec<Vec<Rule>> = Vec::new();
    for rule in free {
        let joins = stacks.last().is_some_and(|stack| {
            let (x0, x1) = extent(stack);
            let shared = rule.to.min(x1) - rule.from.max(x0);
            stack.last().is_some_and(|last| {
                rule.at - last.at <= MAX_ROW_GAP && !prose_between(x0, x1, last.at + 0.1, rule.at - 0.1)
            }) && shared >= 0.5 * (rule.to - rule.from)
        });
        match stacks.last_mut() {
            Some(stack) if joins => stack.push(rule),
            _ => stacks.push(vec![rule]),
        }
    }
    for stack in &mut stacks {
        open_top(stack, &lines);
    }
    stacks.into_iter().filter_map(|stack| row_ruled_grid(&stack, glyphs)).collect()
}

/// A table continued from the page before may have no rule above its first row (the rules are under the rows):
/// the text just above the first rule, within a row's height and not prose, is that row, closed by a rule of its
/// own above it.
fn open_top(stack: &mut Vec<Rule>, lines: &[Line]) {
    let ys = cluster(stack.iter().map(|r| r.at).collect());
    let mut heights: Vec<f64> = ys.windows(2).map(|w| w[1] - w[0]).collect();
    heights.sort_by(f64::total_cmp);
    let (Some(&reach), Some(first)) = (heights.get(heights.len() / 2), ys.first()) else { return };
    let (x0, x1) = extent(stack);
    // The nearest line within a row's height, and the lines right above it (a label wrapped in that row).
    let mut candidates: Vec<&Line> =
        lines.iter().filter(|l| l.rect.cy() < *first && l.rect.x0 < x1 && x0 < l.rect.x1).collect();
    candidates.sort_by(|a, b| b.rect.cy().total_cmp(&a.rect.cy()));
    let mut above: Vec<&Line> = Vec::new();
    for line in candidates {
        let near = match above.last() {
            None => first - reach < line.rect.cy(),
            Some(below) => below.rect.y0 - line.rect.y1 < 0.6 * line.size,
        };
        if !near {
            break;
        }
        above.push(line);
    }
    let prose = above.iter().any(|l| {
        let text = l.text();
        let text = text.trim();
        text.ends_with(['。', '：', ':']) || SECTION_HEADING.is_match(text)
    });
    let Some(y) = above.iter().map(|l| l.rect.y0).reduce(f64::min) else { return };
    if !prose && above.iter().all(|l| l.rect.x0 >= x0 - SLIVER && l.rect.x1 <= x1 + SLIVER) {
        stack.insert(0, Rule { horizontal: true, at: y - 1.0, from: x0, to: x1 });
    }
}

/// The left and right ends of a stack of horizontal rules.
fn extent(stack: &[Rule]) -> (f64, f64) {
    (stack.iter().map(|r| r.from).fold(f64::MAX, f64::min), stack.iter().map(|r| r.to).fold(f64::MIN, f64::max))
}

fn row_ruled_grid(stack: &[Rule], glyphs: &[Glyph]) -> Option<Grid> {
    if cluster(stack.iter().map(|r| r.at).collect()).len() < MIN_ROW_RULES {
        return None;
    }
    let (x0, x1) = extent(stack);
    let (top, bottom) = (stack.first()?.at, stack.last()?.at);
    let inside: Vec<Glyph> = glyphs
        .iter()
        .filter(|g| Rect::new(x0, top, x1, bottom).contains_point(g.rect.cx(), g.rect.cy()))
        .cloned()
        .collect();
    let ys = cluster(stack.iter().map(|r| r.at).collect());
    // Each row band's lines, split into chunks at cell gaps.
    let mut band_rows: Vec<Vec<Vec<Line>>> = vec![Vec::new(); ys.len().saturating_sub(1)];
    for line in group_lines(inside.clone()).iter().filter(|l| l.is_horizontal()) {
        if let Some(rows) = band_rows.get_mut(band(&ys, line.rect.cy())) {
            rows.push(line.chunks(CELL_GAP * line.size));
        }
    }
    // A band holding one piece of text, centred, and nothing else is a caption row across the table
    // (`第二十条第（五）项`): the parts between captions may have columns of their own (the sub-tables of 表二).
    // A label alone at the left is a row whose values are blank.
    // Ruled across the whole width above and below, unlike a row beside a label spanning rows.
    let across = |k: usize| [ys[k], ys[k + 1]].iter().all(|&y| cover(stack, y, x0, x1) > 0.95);
    let caption = |k: usize| {
        let mut chunks = band_rows[k].iter().flatten();
        across(k)
            && matches!((chunks.next(), chunks.next()), (Some(c), None)
            if !is_number(&c.text()) && (c.rect.cx() - (x0 + x1) / 2.0).abs() < (x1 - x0) / 6.0)
    };
    let mut vs: Vec<Rule> = Vec::new();
    let mut columnar = false;
    let mut b = 0;
    while b < band_rows.len() {
        if caption(b) {
            b += 1;
            continue;
        }
        let end = (b..band_rows.len()).find(|&e| caption(e)).unwrap_or(band_rows.len());
        let part: Vec<Vec<Line>> = band_rows[b..end].iter().flatten().cloned().collect();
        let bands = column_bands(&part, 1, true);
        columnar |= bands.len() >= 2;
        let edges = column_edges(&bands);
        // A virtual rule at each inner column edge, band by band, except where text crosses it: a cell spanning
        // columns there.
        for &at in edges.iter().skip(1).take(edges.len().saturating_sub(2)) {
            for (k, rows) in band_rows.iter().enumerate().take(end).skip(b) {
                let crossed = rows.iter().flatten().any(|c| c.rect.x0 < at - SLIVER && at + SLIVER < c.rect.x1);
                if !crossed {
                    vs.push(Rule { horizontal: false, at, from: ys[k], to: ys[k + 1] });
                }
            }
        }
        b = end;
    }
    if !columnar {
        return None;
    }
    vs.extend([x0, x1].map(|at| Rule { horizontal: false, at, from: top, to: bottom }));
    let mut grid = grid_of(stack, &vs)?;
    for g in inside {
        grid.add(g);
    }
    let stacked_numbers = grid.cells.iter().any(|cell| {
        let lines = group_lines(cell.glyphs.clone());
        lines.iter().filter(|l| l.chunks(CELL_GAP * l.size).iter().any(|c| is_number(&c.text()))).count() >= 2
    });
    if stacked_numbers {
        return None;
    }
    for cell in &mut grid.cells {
        cell.glyphs.clear();
    }
    Some(grid)
}

#[cfg(test)]
mod tests {
    use super::super::lines::group_lines;
    use super::super::lines::tests::run;
    use super::*;

    fn h(y: f64, x0: f64, x1: f64) -> Rule {
        Rule { horizontal: true, at: y, from: x0, to: x1 }
    }

    fn v(x: f64, y0: f64, y1: f64) -> Rule {
        Rule { horizontal: false, at: x, from: y0, to: y1 }
    }

    fn texts(t: &TableRows) -> Vec<Vec<(String, usize, usize, usize)>> {
        t.rows.iter().map(|r| r.iter().map(|c| (c.text.clone(), c.col, c.rowspan, c.colspan)).collect()).collect()
    }

    fn cell(text: &str, col: usize, rowspan: usize, colspan: usize) -> (String, usize, usize, usize) {
        (text.to_string(), col, rowspan, colspan)
    }

    #[test]
    fn a_full_grid_gives_one_cell_per_region() {
        // Two rows, three columns, each rule drawn in pieces as some producers do.
        let rules = vec![
            h(100.0, 0.0, 150.0),
            h(100.3, 150.0, 300.0),
            h(120.0, 0.0, 300.0),
            h(140.0, 0.0, 300.0),
            v(0.0, 100.0, 140.0),
            v(100.0, 100.0, 140.0),
            v(200.0, 100.0, 120.0),
            v(200.0, 120.0, 140.0),
            v(300.0, 100.0, 140.0),
        ];
        let mut grids = ruled_grids(&rules).0;
        assert_eq!(grids.len(), 1);
        let mut grid = grids.remove(0);
        for g in run("规章", 10.0, 104.0, 10.0).into_iter().chain(run("12", 240.0, 124.0, 10.0)) {
            assert!(grid.contains(&g));
            grid.add(g);
        }
        let t = grid.into_rows();
        assert_eq!(
            texts(&t),
            vec![
                vec![cell("规章", 0, 1, 1), cell("", 1, 1, 1), cell("", 2, 1, 1)],
                vec![cell("", 0, 1, 1), cell("", 1, 1, 1), cell("12", 2, 1, 1)],
            ]
        );
    }

    #[test]
    fn missing_rules_merge_cells_into_spans() {
        // A label column whose first cell spans both rows, and a header spanning two columns.
        let rules = vec![
            h(0.0, 0.0, 300.0),
            h(20.0, 100.0, 300.0),
            h(40.0, 100.0, 300.0),
            h(60.0, 0.0, 300.0),
            v(0.0, 0.0, 60.0),
            v(100.0, 0.0, 60.0),
            v(200.0, 20.0, 60.0),
            v(300.0, 0.0, 60.0),
        ];
        let mut grid = ruled_grids(&rules).0.remove(0);
        for g in run("结果", 10.0, 24.0, 10.0).into_iter().chain(run("申请人", 160.0, 4.0, 10.0)) {
            grid.add(g);
        }
        let t = grid.into_rows();
        assert_eq!(
            texts(&t),
            vec![
                vec![cell("结果", 0, 3, 1), cell("申请人", 1, 1, 2)],
                vec![cell("", 1, 1, 1), cell("", 2, 1, 1)],
                vec![cell("", 1, 1, 1), cell("", 2, 1, 1)],
            ]
        );
    }

    #[test]
    fn lone_rules_and_boxes_are_not_tables() {
        assert!(ruled_grids(&[h(10.0, 0.0, 500.0), h(800.0, 0.0, 500.0)]).0.is_empty());
        // A frame around a paragraph is one cell: not a table.
        let frame = [h(0.0, 0.0, 100.0), h(50.0, 0.0, 100.0), v(0.0, 0.0, 50.0), v(100.0, 0.0, 50.0)];
        assert!(ruled_grids(&frame).0.is_empty());
    }

    /// Glyphs of a row of texts at `y`, each starting at its x.
    fn row_glyphs(cells: &[(&str, f64)], y: f64) -> Vec<Glyph> {
        cells.iter().flat_map(|(t, x)| run(t, *x, y, 10.0)).collect()
    }

    fn read(rules: &[Rule], glyphs: Vec<Glyph>) -> Vec<TableRows> {
        let mut grids = ruled_tables(rules, &glyphs);
        for g in glyphs {
            if let Some(grid) = grids.iter_mut().find(|grid| grid.contains(&g)) {
                grid.add(g);
            }
        }
        grids.into_iter().map(Grid::into_rows).collect()
    }

    #[test]
    fn rules_under_each_row_and_aligned_text_make_a_grid() {
        // No vertical rule: a rule under each row; the rule under 行政处罚 stops at the label column, where
        // 第二十条 spans both rows.
        let rules = vec![h(0.0, 0.0, 300.0), h(20.0, 0.0, 300.0), h(40.0, 100.0, 300.0), h(60.0, 0.0, 300.0)];
        let mut glyphs = row_glyphs(&[("本机关主动公开政府信息内容", 0.0), ("上年", 150.0), ("本年", 250.0)], 5.0);
        glyphs.extend(row_glyphs(&[("第二十条", 0.0), ("行政处罚", 100.0), ("86", 160.0), ("4", 255.0)], 25.0));
        glyphs.extend(row_glyphs(&[("行政强制", 100.0), ("9", 160.0), ("", 255.0)], 45.0));
        let tables = read(&rules, glyphs);
        assert_eq!(tables.len(), 1);
        let rows = texts(&tables[0]);
        assert_eq!(
            rows[1],
            vec![cell("第二十条", 0, 2, 1), cell("行政处罚", 1, 1, 1), cell("86", 2, 1, 1), cell("4", 3, 1, 1)]
        );
        assert_eq!(rows[2], vec![cell("行政强制", 1, 1, 1), cell("9", 2, 1, 1), cell("", 3, 1, 1)]);
        // The header text over the label columns is one cell spanning them.
        assert_eq!(rows[0][0], cell("本机关主动公开政府信息内容", 0, 1, 2));
    }

    #[test]
    fn a_table_ruled_only_around_its_body_is_read_by_lines_not_rows() {
        // The three-line style: rules above and below the header and below the body. Reading the body as one ruled
        // row would stack every number of a column into one cell.
        let rules = vec![h(0.0, 0.0, 300.0), h(20.0, 0.0, 300.0), h(80.0, 0.0, 300.0)];
        let mut glyphs = row_glyphs(&[("项目", 0.0), ("数量", 150.0)], 5.0);
        for (i, (label, n)) in [("规章", "3"), ("规范性文件", "17"), ("其他", "2")].into_iter().enumerate() {
            glyphs.extend(row_glyphs(&[(label, 0.0), (n, 150.0)], 25.0 + 18.0 * i as f64));
        }
        assert!(read(&rules, glyphs).is_empty());
    }

    #[test]
    fn a_caption_row_across_the_table_separates_column_layouts() {
        // 表二's sub-tables under their `第二十条第（X）项` captions, ruled under each row only.
        let rules: Vec<Rule> = (0..=6).map(|i| h(20.0 * i as f64, 0.0, 400.0)).collect();
        let mut glyphs = row_glyphs(&[("第二十条第（一）项", 155.0)], 5.0);
        glyphs.extend(row_glyphs(&[("信息内容", 0.0), ("制发", 110.0), ("废止", 210.0), ("有效", 310.0)], 25.0));
        glyphs.extend(row_glyphs(&[("规章", 0.0), ("1", 115.0), ("2", 215.0), ("3", 315.0)], 45.0));
        glyphs.extend(row_glyphs(&[("第二十条第（五）项", 155.0)], 65.0));
        glyphs.extend(row_glyphs(&[("信息内容", 0.0), ("处理决定数量", 230.0)], 85.0));
        glyphs.extend(row_glyphs(&[("行政许可", 0.0), ("12", 260.0)], 105.0));
        let tables = read(&rules, glyphs);
        let rows = texts(&tables[0]);
        assert_eq!(rows[2].iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), vec!["规章", "1", "2", "3"]);
        // The second part has two columns of its own, not the first part's four.
        assert_eq!(rows[5].iter().filter(|c| !c.0.is_empty()).count(), 2);
        assert_eq!(rows[5].len(), 2, "{:?}", rows[5]);
    }

    #[test]
    fn unruled_columns_from_aligned_text() {
        let mut glyphs = Vec::new();
        glyphs.extend(run("第二十条第（一）项", 150.0, 0.0, 10.0));
        for (i, (label, a, b)) in
            [("信息内容", "本年制发件数", "现行有效件数"), ("规章", "3", "17"), ("行政规范性文件", "0", "5")]
                .into_iter()
                .enumerate()
        {
            let y = 20.0 + 16.0 * i as f64;
            glyphs.extend(run(label, 0.0, y, 10.0));
            glyphs.extend(run(a, 150.0, y, 10.0));
            glyphs.extend(run(b, 300.0, y, 10.0));
        }
        let lines = group_lines(glyphs);
        let found = aligned_tables(&lines);
        assert_eq!(found.len(), 1);
        let (range, table) = &found[0];
        // The single-chunk caption above is not part of the table.
        assert_eq!(*range, 1..4);
        assert_eq!(texts(table)[2], vec![cell("行政规范性文件", 0, 1, 1), cell("0", 1, 1, 1), cell("5", 2, 1, 1)]);
        assert_eq!(texts(table)[1], vec![cell("规章", 0, 1, 1), cell("3", 1, 1, 1), cell("17", 2, 1, 1)]);
    }

    #[test]
    fn unruled_blank_positions_stay_blank() {
        let mut glyphs = Vec::new();
        for (i, (label, a, b)) in
            [("项目", "甲", "乙"), ("一", "1", ""), ("二", "", "2"), ("三", "3", "4")].into_iter().enumerate()
        {
            let y = 16.0 * i as f64;
            glyphs.extend(run(label, 0.0, y, 10.0));
            glyphs.extend(run(a, 100.0, y, 10.0));
            glyphs.extend(run(b, 200.0, y, 10.0));
        }
        let found = aligned_tables(&group_lines(glyphs));
        let rows = texts(&found[0].1);
        assert_eq!(rows[1], vec![cell("一", 0, 1, 1), cell("1", 1, 1, 1), cell("", 2, 1, 1)]);
        assert_eq!(rows[2], vec![cell("二", 0, 1, 1), cell("", 1, 1, 1), cell("2", 2, 1, 1)]);
    }

    #[test]
    fn an_unruled_line_of_labels_claims_no_blank_cells() {
        // `（二）部分公开（区分处理的，` wraps: its first line holds only label text, its values stand on the next.
        let mut glyphs = Vec::new();
        for (i, (labels, values)) in [
            (vec![("（一）", 0.0), ("予以公开", 60.0)], vec!["16", "2"]),
            (vec![("（二）部分公开（区分", 60.0)], vec![]),
            (vec![("处理的）", 60.0)], vec!["3", "0"]),
            (vec![("（三）", 0.0), ("不予公开", 60.0)], vec!["0", ""]),
        ]
        .into_iter()
        .enumerate()
        {
            let y = 16.0 * i as f64;
            for (label, x) in labels {
                glyphs.extend(run(label, x, y, 10.0));
            }
            for (k, v) in values.iter().enumerate() {
                glyphs.extend(run(v, 200.0 + 60.0 * k as f64, y, 10.0));
            }
        }
        let found = aligned_tables(&group_lines(glyphs));
        let rows = texts(&found[0].1);
        assert_eq!(rows[1], vec![cell("", 0, 1, 1), cell("（二）部分公开（区分", 1, 1, 1)]);
        assert_eq!(rows[3].last(), Some(&cell("", 3, 1, 1)), "a blank beside a value is a blank cell");
    }

    #[test]
    fn prose_is_not_an_unruled_table() {
        let mut glyphs = Vec::new();
        for i in 0..5 {
            glyphs.extend(run("本机关认真贯彻落实政府信息公开条例，不断加强公开工作。", 0.0, 16.0 * i as f64, 10.0));
        }
        assert!(aligned_tables(&group_lines(glyphs)).is_empty());
    }
}
