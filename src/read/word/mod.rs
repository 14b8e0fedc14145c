//! Legacy binary Word reader (`.doc` from Word 97 on, and `.wps` files WPS writes in the same format): the
//! main document's text through the piece table, paragraphs, and tables from cell and row marks, into the
//! paragraph-and-table flow ([`crate::read::flow`]). Files with a `WordDocument` stream are read whatever their
//! name says.
//!
//! * `fib.rs` — the File Information Block: where the structures are, how long the main text is, whether the
//!   file is encrypted.
//! * `pieces.rs` — the piece table (CLX): compressed 8-bit pieces (cp1252) and UTF-16 pieces, character position
//!   → file offset.
//! * `lists.rs` — the list tables, for the label (`一、`, `（二）`) Word draws before a numbered paragraph.
//! * `props.rs` — paragraph properties (PAPX in FKP pages or, when too large, in the `Data` stream, and piece
//!   modifiers): table depth, cell and row ends,
//!   the row's cell edges and merges (`sprmTDefTable`, `sprmTVertMerge`), outline level; heading styles from the
//!   style sheet.
//! * `mod.rs` — the compound file, and the text walked into paragraphs and tables: a cell ends at `0x07`, a row
//!   at the `0x07` of a paragraph marked as a row end (TTP); nested tables end cells and rows at paragraph marks
//!   with inner-cell and inner-row properties. Fields (`0x13` code `0x14` result `0x15`) show their result.
//!
//! Only the main document is read (the first `ccpText` characters): footnotes, headers, comments and text
//! boxes are other stories of the same text and are left out.

mod fib;
mod lists;
mod pieces;
mod props;

use std::io::{Cursor, Read};

use crate::doc::Document;
use crate::read::flow::{self, Paragraph, RowDef, TableStack};
use crate::read::numbering::{Counters, Numbering};
use crate::read::ReadError;

use fib::Fib;
use pieces::PieceTable;
use props::{ParagraphProps, PropertyReader, Styles};

/// Largest stream read from the compound file.
const MAX_STREAM_BYTES: u64 = 128 << 20;
/// Edges closer than this (twips) are one grid line.
const EDGE_TOLERANCE: i32 = 30;
/// Bound on open fields.
const MAX_FIELDS: usize = 64;

/// Reads a legacy Word document from its compound file.
pub fn read_doc(bytes: &[u8], source: &str) -> Result<Document, ReadError> {
    let mut file =
        cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| error(format!("broken compound file ({e})")))?;
    let word = read_stream(&mut file, "/WordDocument")?.ok_or_else(|| error("no WordDocument stream"))?;
    let fib = Fib::parse(&word)?;
    let table_name = if fib.table_stream_1 { "/1Table" } else { "/0Table" };
    let table = read_stream(&mut file, table_name)?.ok_or_else(|| error(format!("no {} stream", &table_name[1..])))?;
    let pieces = PieceTable::parse(&table, fib.clx)?;
    let text = pieces.text(&word, fib.ccp_text)?;
    let styles = Styles::parse(&table, fib.stsh);
    let numbering = lists::parse(&table, fib.lists, fib.list_instances);
    let data = read_stream(&mut file, "/Data")?.unwrap_or_default();
    let properties = PropertyReader::new(&word, &table, &data, fib.papx_bins, &pieces);
    let flow = build_flow(&text, &properties, &Lists { styles: &styles, numbering: &numbering });
    Ok(flow::into_document(&flow, source))
}

fn error(reason: impl Into<String>) -> ReadError {
    ReadError::Word(reason.into())
}

fn read_stream(file: &mut cfb::CompoundFile<Cursor<&[u8]>>, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
    if !file.is_stream(name) {
        return Ok(None);
    }
    let stream = file.open_stream(name).map_err(|e| error(format!("{}: {e}", &name[1..])))?;
    if stream.len() > MAX_STREAM_BYTES {
        return Err(error(format!("{} is larger than {} MB", &name[1..], MAX_STREAM_BYTES >> 20)));
    }
    let mut bytes = Vec::new();
    stream.take(MAX_STREAM_BYTES).read_to_end(&mut bytes).map_err(|e| error(format!("{}: {e}", &name[1..])))?;
    Ok(Some(bytes))
}

/// Little-endian readers over bytes that came from the file: `None` past the end.
pub(super) fn u8_at(b: &[u8], at: usize) -> Option<u8> {
    b.get(at).copied()
}

pub(super) fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

pub(super) fn i16_at(b: &[u8], at: usize) -> Option<i16> {
    u16_at(b, at).map(|v| v as i16)
}

pub(super) fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

/// Which part of a field the text is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldPart {
    Code,
    Result,
}

/// The styles and list definitions, which say how paragraphs are numbered.
struct Lists<'a> {
    styles: &'a Styles,
    numbering: &'a Numbering,
}

impl Lists<'_> {
    /// The label of a numbered paragraph (empty for others), counting it.
    fn label(&self, props: &ParagraphProps, counters: &mut Counters) -> String {
        let (style_list, style_level) = self.styles.list(props.style);
        match props.list.or(style_list) {
            Some(list) if list > 0 => {
                let level = props.list_level.or(style_level).unwrap_or(0);
                counters.label(self.numbering, i64::from(list), usize::from(level))
            }
            _ => String::new(),
        }
    }
}

/// Walks the main text into paragraphs and tables.
fn build_flow(text: &[u16], properties: &PropertyReader<'_>, lists: &Lists<'_>) -> Vec<flow::Flow> {
    let styles = lists.styles;
    let mut counters = Counters::default();
    let mut tables = TableStack::new(EDGE_TOLERANCE);
    let mut fields: Vec<FieldPart> = Vec::new();
    let mut ignored_fields = 0usize;
    let mut units: Vec<u16> = Vec::new();
    // Whether the last mark was a cell end at depth 1, for files whose paragraph properties cannot be read.
    let mut after_cell_mark = false;
    for (cp, &unit) in text.iter().enumerate() {
        match unit {
            0x13 if fields.len() >= MAX_FIELDS => ignored_fields += 1,
            0x13 => fields.push(FieldPart::Code),
            0x14 if ignored_fields == 0 => {
                if let Some(top) = fields.last_mut() {
                    *top = FieldPart::Result;
                }
            }
            0x15 if ignored_fields > 0 => ignored_fields -= 1,
            0x15 => {
                fields.pop();
            }
            0x0D | 0x07 => {
                let props = properties.at(cp as u32);
                let mut paragraph = String::from_utf16_lossy(&units);
                units.clear();
                if let Some(p) = props.as_ref().filter(|p| !p.row_end && !p.inner_row_end) {
                    paragraph.insert_str(0, &lists.label(p, &mut counters));
                }
                after_cell_mark = mark(&mut tables, unit, props, paragraph, styles, after_cell_mark);
            }
            _ if fields.contains(&FieldPart::Code) => {}
            0x09 => units.push(u16::from(b' ')),
            0x0B | 0x0C | 0x0E => units.push(u16::from(b'\n')),
            0x1E => units.push(u16::from(b'-')),
            // Other control characters are anchors (pictures, drawn objects, notes) or hyphenation marks; the
            // private-use area holds symbol-font glyphs, which say nothing without their font.
            u if u < 0x20 || (0xF000..=0xF0FF).contains(&u) => {}
            u => units.push(u),
        }
    }
    if units.iter().any(|&u| !char::from_u32(u32::from(u)).is_some_and(char::is_whitespace)) {
        tables.paragraph(0, Paragraph::new(String::from_utf16_lossy(&units)));
    }
    tables.finish()
}

/// A paragraph mark (`0x0D`) or cell mark (`0x07`) ending `paragraph`. Returns whether it was a cell end at depth 1.
fn mark(
    tables: &mut TableStack,
    unit: u16,
    props: Option<ParagraphProps>,
    paragraph: String,
    styles: &Styles,
    after_cell_mark: bool,
) -> bool {
    let Some(props) = props else {
        // Without properties: a cell mark ends a cell, and a second one right after with nothing between ends the
        // row (an empty cell reads the same, so this is only the fallback).
        if unit == 0x07 {
            if after_cell_mark && paragraph.is_empty() {
                tables.row_end(1, &RowDef::default());
                return false;
            }
            tables.cell_end(1, Paragraph::new(paragraph));
            return true;
        }
        tables.paragraph(0, Paragraph::new(paragraph));
        return false;
    };
    let depth = props.depth();
    let row = || props.row.clone().unwrap_or_default();
    match unit {
        0x07 if props.row_end => tables.row_end(depth.max(1), &row()),
        0x07 => {
            tables.cell_end(depth.max(1), Paragraph::new(paragraph));
            return depth <= 1;
        }
        _ if props.inner_row_end && depth >= 2 => tables.row_end(depth, &row()),
        _ if props.inner_cell_end && depth >= 2 => tables.cell_end(depth, Paragraph::new(paragraph)),
        _ => {
            let heading = depth == 0 && (props.is_outline_heading() || styles.is_heading(props.style));
            tables.paragraph(depth, Paragraph { text: paragraph, heading });
        }
    }
    false
}

#[cfg(test)]
pub(crate) mod tests;
