//! Glyphs into lines: glyphs that advance the same way on a shared axis form a line, ordered along it; a line's
//! text puts a space where a gap between Latin letters or digits shows one; lines split into chunks at wide gaps
//! (column gutters); wrapped lines join back into one text.

use super::content::{Dir, Glyph};
use super::geom::Rect;

/// A run of glyphs on one baseline (or one column, for vertical text), in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub glyphs: Vec<Glyph>,
    pub rect: Rect,
    pub dir: Dir,
    /// The median em size of its glyphs.
    pub size: f64,
}

/// Glyphs whose cross-axis centres differ by less than this many ems share a line.
const SAME_LINE: f64 = 0.5;
/// A gap wider than this many ems between Latin letters or digits is a space.
const SPACE_GAP: f64 = 0.2;
/// A gap wider than this many ems is a space in any script (`来源：某局　　发布日期`).
const WIDE_GAP: f64 = 0.8;
/// A duplicate glyph (drawn twice for a bold effect) lies within this many ems of the first.
const DUPLICATE: f64 = 0.3;

impl Line {
    fn new(glyphs: Vec<Glyph>, dir: Dir) -> Line {
        let rect =
            glyphs.iter().skip(1).fold(glyphs.first().map(|g| g.rect).unwrap_or_default(), |r, g| r.union(&g.rect));
        let mut sizes: Vec<f64> = glyphs.iter().map(|g| g.size).collect();
        sizes.sort_by(f64::total_cmp);
        let size = sizes.get(sizes.len() / 2).copied().unwrap_or(1.0);
        Line { glyphs, rect, dir, size }
    }

    /// Where a glyph starts and ends along the line's direction.
    fn span(&self, g: &Glyph) -> (f64, f64) {
        along(self.dir, &g.rect)
    }

    /// The gaps between consecutive glyphs, in points.
    fn gaps(&self) -> impl Iterator<Item = f64> + '_ {
        self.glyphs.windows(2).map(|w| self.span(&w[1]).0 - self.span(&w[0]).1)
    }

    /// The line's text, with spaces where gaps between Latin text show them.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let gaps: Vec<f64> = self.gaps().collect();
        for (i, g) in self.glyphs.iter().enumerate() {
            if i > 0 {
                let gap = gaps.get(i - 1).copied().unwrap_or(0.0);
                let prev = out.chars().last();
                let next = g.text.chars().next();
                let latin = prev.is_some_and(is_latin) && next.is_some_and(is_latin);
                if gap > WIDE_GAP * self.size || (gap > SPACE_GAP * self.size && latin) {
                    out.push(' ');
                }
            }
            out.push_str(&g.text);
        }
        out
    }

    /// Splits the line where a gap is wider than `gap` points.
    pub fn chunks(&self, gap: f64) -> Vec<Line> {
        let mut out = Vec::new();
        let mut current: Vec<Glyph> = Vec::new();
        let gaps: Vec<f64> = self.gaps().collect();
        for (i, g) in self.glyphs.iter().enumerate() {
            if i > 0 && gaps.get(i - 1).is_some_and(|w| *w > gap) {
                out.push(Line::new(std::mem::take(&mut current), self.dir));
            }
            current.push(g.clone());
        }
        if !current.is_empty() {
            out.push(Line::new(current, self.dir));
        }
        out
    }

    pub fn is_horizontal(&self) -> bool {
        matches!(self.dir, Dir::Right | Dir::Left)
    }
}

fn along(dir: Dir, r: &Rect) -> (f64, f64) {
    match dir {
        Dir::Right => (r.x0, r.x1),
        Dir::Left => (-r.x1, -r.x0),
        Dir::Down => (r.y0, r.y1),
        Dir::Up => (-r.y1, -r.y0),
    }
}

fn across(dir: Dir, r: &Rect) -> f64 {
    match dir {
        Dir::Right | Dir::Left => r.cy(),
        Dir::Down | Dir::Up => r.cx(),
    }
}

/// Latin letters and digits: text whose words a gap separates.
fn is_latin(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | ',' | '%' | ')' | '(' | '-' | ':' | '/')
}

/// Groups glyphs into lines: by direction, then by their cross-axis centre; each line ordered along its
/// direction, with glyphs drawn twice at the same place kept once. Lines come out top to bottom.
pub fn group_lines(glyphs: Vec<Glyph>) -> Vec<Line> {
    let mut lines = Vec::new();
    for dir in [Dir::Right, Dir::Down, Dir::Up, Dir::Left] {
        let mut mine: Vec<Glyph> = glyphs.iter().filter(|g| g.dir == dir).cloned().collect();
        if mine.is_empty() {
            continue;
        }
        mine.sort_by(|a, b| across(dir, &a.rect).total_cmp(&across(dir, &b.rect)));
        let mut current: Vec<Glyph> = Vec::new();
        let mut anchor = 0.0;
        for g in mine {
            let c = across(dir, &g.rect);
            let tolerance = SAME_LINE * current.first().map_or(g.size, |f: &Glyph| f.size.min(g.size));
            if !current.is_empty() && c - anchor > tolerance {
                lines.push(finish_line(std::mem::take(&mut current), dir));
            }
            if current.is_empty() {
                anchor = c;
            }
            current.push(g);
        }
        if !current.is_empty() {
            lines.push(finish_line(current, dir));
        }
    }
    lines.sort_by(|a, b| a.rect.y0.total_cmp(&b.rect.y0).then(a.rect.x0.total_cmp(&b.rect.x0)));
    lines
}

fn finish_line(mut glyphs: Vec<Glyph>, dir: Dir) -> Line {
    glyphs.sort_by(|a, b| along(dir, &a.rect).0.total_cmp(&along(dir, &b.rect).0));
    let mut kept: Vec<Glyph> = Vec::with_capacity(glyphs.len());
    for g in glyphs {
        let duplicate = kept.iter().rev().take(3).any(|k| {
            k.text == g.text
                && (k.rect.x0 - g.rect.x0).abs() < DUPLICATE * g.size
                && (k.rect.y0 - g.rect.y0).abs() < DUPLICATE * g.size
        });
        if !duplicate {
            kept.push(g);
        }
    }
    Line::new(kept, dir)
}

/// Joins wrapped lines into one text: without a separator (CJK text, and digits split by a narrow cell, `2` above
/// `6` → `26`), or with a space between two Latin words.
pub fn join_wrapped<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for part in parts {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let prev = out.chars().last();
        let next = part.chars().next();
        if prev.is_some_and(|c| c.is_ascii_alphabetic()) && next.is_some_and(|c| c.is_ascii_alphabetic()) {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// The text of a cell's glyphs: its lines in reading order, joined. Horizontal lines read top to bottom;
/// vertical columns (vertical writing) right to left.
pub fn block_text(glyphs: Vec<Glyph>) -> String {
    let mut lines = group_lines(glyphs);
    if lines.iter().all(|l| !l.is_horizontal()) {
        lines.sort_by(|a, b| b.rect.x1.total_cmp(&a.rect.x1));
    }
    let texts: Vec<String> = lines.iter().map(Line::text).collect();
    join_wrapped(texts.iter().map(String::as_str))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A horizontal glyph of em `size` whose box starts at `(x, top)`.
    pub fn glyph(text: &str, x: f64, top: f64, size: f64) -> Glyph {
        Glyph { text: text.to_string(), rect: Rect::new(x, top, x + size, top + size), dir: Dir::Right, size }
    }

    /// A run of horizontal glyphs, one em apart, starting at `(x, top)`.
    pub fn run(text: &str, x: f64, top: f64, size: f64) -> Vec<Glyph> {
        let mut x = x;
        text.chars()
            .map(|c| {
                let w = if c.is_ascii() { size / 2.0 } else { size };
                let g =
                    Glyph { text: c.to_string(), rect: Rect::new(x, top, x + w, top + size), dir: Dir::Right, size };
                x += w;
                g
            })
            .collect()
    }

    #[test]
    fn glyphs_on_a_baseline_form_one_line_in_x_order() {
        let mut glyphs = run("行政许可", 100.0, 50.0, 12.0);
        glyphs.reverse();
        glyphs.extend(run("信息公开", 100.0, 70.0, 12.0));
        // A digit set 1pt lower in another font still belongs to the first line.
        glyphs.push(glyph("7", 148.0, 51.0, 12.0));
        let lines = group_lines(glyphs);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text(), "行政许可7");
        assert_eq!(lines[1].text(), "信息公开");
    }

    #[test]
    fn gaps_make_spaces_between_latin_words_and_chunks_at_gutters() {
        let mut glyphs = run("page", 0.0, 0.0, 10.0);
        glyphs.extend(run("one", 25.0, 0.0, 10.0));
        glyphs.extend(run("事项", 100.0, 0.0, 10.0));
        let line = group_lines(glyphs).remove(0);
        // A gap of an em or more is a space in any script.
        assert_eq!(line.text(), "page one 事项");
        let chunks = line.chunks(15.0);
        assert_eq!(chunks.iter().map(Line::text).collect::<Vec<_>>(), vec!["page one", "事项"]);
    }

    #[test]
    fn glyphs_drawn_twice_for_bold_are_kept_once() {
        let mut glyphs = run("总计", 0.0, 0.0, 10.0);
        glyphs.extend(run("总计", 0.4, 0.2, 10.0));
        assert_eq!(group_lines(glyphs)[0].text(), "总计");
    }

    #[test]
    fn wrapped_lines_join_without_spaces_except_between_words() {
        assert_eq!(join_wrapped(["2", "6"]), "26");
        assert_eq!(join_wrapped(["本年新收政府信息", "公开申请数量"]), "本年新收政府信息公开申请数量");
        assert_eq!(join_wrapped(["open", "data"]), "open data");
    }

    #[test]
    fn a_label_printed_one_character_per_line_joins_top_to_bottom() {
        let glyphs: Vec<Glyph> = "三、本年度办理结果"
            .chars()
            .enumerate()
            .map(|(i, c)| glyph(&c.to_string(), 10.0, 100.0 + 14.0 * i as f64, 12.0))
            .collect();
        assert_eq!(block_text(glyphs), "三、本年度办理结果");
    }

    #[test]
    fn vertical_writing_reads_down_each_column() {
        let down = |c: &str, x: f64, y: f64| Glyph {
            text: c.into(),
            rect: Rect::new(x, y, x + 12.0, y + 12.0),
            dir: Dir::Down,
            size: 12.0,
        };
        let glyphs = vec![down("结", 10.0, 40.0), down("办", 10.0, 0.0), down("理", 10.0, 20.0)];
        assert_eq!(block_text(glyphs), "办理结");
    }
}
