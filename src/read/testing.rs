//! Helpers for the readers' unit tests: a document's prose and a table's shape, compact enough to compare.

use crate::doc::{Block, Document, Table};

/// Headings (marked `# `) and paragraphs in reading order.
pub fn prose(doc: &Document) -> Vec<String> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { text, .. } => Some(format!("# {text}")),
            Block::Paragraph { text, .. } => Some(text.clone()),
            Block::Table(_) => None,
        })
        .collect()
}

/// Each cell as `(text, rowspan, colspan, grid column)`, row by row.
pub type Shape = Vec<Vec<(String, u32, u32, usize)>>;

pub fn shape(table: &Table) -> Shape {
    table.rows.iter().map(|r| r.iter().map(|c| (c.text.clone(), c.rowspan, c.colspan, c.pos.col)).collect()).collect()
}

/// The shapes of all tables of a document.
pub fn tables(doc: &Document) -> Vec<Shape> {
    doc.tables().map(shape).collect()
}
