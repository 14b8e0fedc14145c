//! Spreadsheet reader: an `.xlsx` workbook (through calamine) → one grid [`Table`] per worksheet.
//!
//! Each worksheet with content becomes a `Block::Heading` holding the sheet name (a sheet ends the context of the
//! one before it) followed by a `Block::Table` named after the sheet, so the mapper prints cell origins as
//! `Sheet!B12`. Cells keep their sheet coordinates in [`Position`] (`row`, `col`, 0-based; `line` is 0 as for
//! every non-text source). Merged regions become `rowspan`/`colspan` on their top-left cell and the cells they
//! cover are left out, as in an HTML table. Values are turned into the text a reader of the sheet sees:
//!
//! * numbers as their shortest decimal text (`12.0` → `12`), rounded to Excel's 15 significant digits;
//! * strings as they are (`"12"` typed as text is read as 12 by the mapper, `十二` stays text);
//! * formulas as their cached value (a formula with no cached value is empty);
//! * errors as Excel prints them (`#REF!`); dates as `YYYY-MM-DD`; empty cells as `""`.
//!
//! Rows and columns holding nothing at all are left out (their neighbours keep their true coordinates), so a
//! sheet with one cell at `A1` and one at `XFD1048576` costs two cells, not seventeen billion. What the
//! mapper does with the tables is not this module's concern; nothing here knows the template.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Cursor;

use calamine::{Data, DataRef, Dimensions, Reader, Xls, Xlsx, XlsxError};

use crate::doc::{Block, Cell, Document, Position, Table, TableShape};
use crate::read::ReadError;

/// The signature of an OLE compound file: a legacy `.xls` workbook, or an encrypted `.xlsx` (Office wraps
/// password-protected workbooks in one).
pub const CFB_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// More non-empty cells than this in one workbook is not an annual report.
const MAX_CELLS: usize = 2_000_000;

/// Upper bound on the positions of one sheet once empty rows and columns are left out (rows × columns).
const MAX_SLOTS: usize = 5_000_000;

/// Upper bound on the work spent resolving merged regions of one sheet.
const MAX_MERGE_WORK: usize = 5_000_000;

/// Reads a workbook. Fails with [`ReadError::Spreadsheet`] when the bytes are not a readable `.xlsx`.
pub fn read_xlsx(bytes: &[u8], source: &str) -> Result<Document, ReadError> {
    // calamine and its zip and XML parsers are third-party code run on untrusted bytes; a panic inside them
    // must end this file's reading with an error, not the program.
    let result = std::panic::catch_unwind(|| {
        if bytes.starts_with(&CFB_SIGNATURE) {
            read_legacy_xls(bytes, source)
        } else {
            read_workbook(bytes, source)
        }
    });
    result.unwrap_or_else(|_| Err(ReadError::Spreadsheet("the workbook's structure is corrupt".to_string())))
}

fn read_workbook(bytes: &[u8], source: &str) -> Result<Document, ReadError> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(describe)?;
    let absent = declared_absent(workbook.defined_names());
    let mut blocks = Vec::new();
    let mut total_cells = 0usize;
    for name in workbook.sheet_names() {
        let cells = match sheet_cells(&mut workbook, &name, &mut total_cells) {
            Ok(cells) => cells,
            // Chart sheets and dialog sheets hold no cells.
            Err(SheetError::Xlsx(XlsxError::NotAWorksheet(_))) => continue,
            Err(SheetError::Xlsx(e)) => return Err(ReadError::Spreadsheet(format!("sheet {name}: {}", describe(e)))),
            Err(SheetError::TooLarge(reason)) => return Err(ReadError::Spreadsheet(format!("sheet {name}: {reason}"))),
        };
        let merges = workbook
            .merge_cells_by_sheet_name(&name)
            .map_err(|e| ReadError::Spreadsheet(format!("sheet {name}: {}", describe(e))))?;
        let sheet = sheet_blocks(&name, &cells, &merges, absent.get(&name))
            .map_err(|reason| ReadError::Spreadsheet(format!("sheet {name}: {reason}")))?;
        blocks.extend(sheet);
    }
    Ok(Document { source: source.to_string(), blocks })
}

/// Workbook names whose formula lists cells the source did not provide.
const ABSENT_NAME_PREFIX: &str = "nianbao_absent_";

/// The cells, by sheet, that workbook names `nianbao_absent_*` declare not provided (`'主动公开'!$B$5:$D$5,…`).
/// nianbao writes them for partial tables, so that an empty cell it could not fill reads back as absent, not blank.
fn declared_absent(names: &[(String, String)]) -> HashMap<String, HashSet<(u32, u32)>> {
    let mut out: HashMap<String, HashSet<(u32, u32)>> = HashMap::new();
    for (name, formula) in names {
        if !name.starts_with(ABSENT_NAME_PREFIX) {
            continue;
        }
        for area in formula.trim_start_matches('=').split(',') {
            let Some((sheet, range)) = area.rsplit_once('!') else { continue };
            let sheet = sheet.trim().trim_matches('\'').replace("''", "'");
            let (from, to) = range.split_once(':').unwrap_or((range, range));
            let (Some((r0, c0)), Some((r1, c1))) = (parse_a1(from), parse_a1(to)) else { continue };
            // A name is data from the file: bound the area so a hostile one cannot cost much.
            if (r1.saturating_sub(r0) as u64 + 1) * (c1.saturating_sub(c0) as u64 + 1) > 100_000 {
                continue;
            }
            let cells = out.entry(sheet).or_default();
            for r in r0..=r1 {
                for c in c0..=c1 {
                    cells.insert((r, c));
                }
            }
        }
    }
    out
}

/// `$B$5` → (4, 1), 0-based: an `A1` reference, absolute or not.
fn parse_a1(reference: &str) -> Option<(u32, u32)> {
    crate::report::parse_a1(&reference.trim().replace('$', "")).map(|(row, col)| (row, u32::from(col)))
}

/// A legacy `.xls` workbook (BIFF in an OLE container). An encrypted `.xlsx` is an OLE container too; calamine
/// refuses both it and password-protected `.xls`, and the message says what to do.
fn read_legacy_xls(bytes: &[u8], source: &str) -> Result<Document, ReadError> {
    let refuse = |detail: String| {
        ReadError::Spreadsheet(format!(
            "encrypted workbook or unreadable legacy .xls ({detail}); save it as .xlsx without a password"
        ))
    };
    let mut workbook: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| refuse(e.to_string()))?;
    let mut blocks = Vec::new();
    let mut total_cells = 0usize;
    for name in workbook.sheet_names() {
        let Ok(range) = workbook.worksheet_range(&name) else { continue };
        let (top, left) = range.start().unwrap_or((0, 0));
        let mut cells = BTreeMap::new();
        for (r, c, value) in range.used_cells() {
            let text = cell_text(&as_data_ref(value));
            if text.is_empty() {
                continue;
            }
            total_cells += 1;
            if total_cells > MAX_CELLS {
                return Err(ReadError::Spreadsheet(format!("sheet {name}: more than {MAX_CELLS} non-empty cells")));
            }
            let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else { continue };
            cells.insert((top.saturating_add(r), left.saturating_add(c)), text);
        }
        let merges = workbook.merge_cells_by_sheet_name(&name).unwrap_or_default();
        let sheet = sheet_blocks(&name, &cells, &merges, None)
            .map_err(|reason| ReadError::Spreadsheet(format!("sheet {name}: {reason}")))?;
        blocks.extend(sheet);
    }
    Ok(Document { source: source.to_string(), blocks })
}

/// A cell of a loaded range seen as the streaming reader sees it, so both read cells the same way.
fn as_data_ref(value: &Data) -> DataRef<'_> {
    match value {
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::String(s) => DataRef::SharedString(s),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(d) => DataRef::DateTime(*d),
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
        Data::Error(e) => DataRef::Error(e.clone()),
        Data::Empty => DataRef::Empty,
    }
}

fn describe(e: XlsxError) -> ReadError {
    let reason = match e {
        XlsxError::Password => "encrypted workbook (password protected)".to_string(),
        XlsxError::Zip(z) => format!("not a valid xlsx zip archive ({z})"),
        other => format!("not a valid xlsx workbook ({other})"),
    };
    ReadError::Spreadsheet(reason)
}

enum SheetError {
    Xlsx(XlsxError),
    TooLarge(String),
}

impl From<XlsxError> for SheetError {
    fn from(e: XlsxError) -> Self {
        SheetError::Xlsx(e)
    }
}

/// The non-empty cells of a sheet as text, by (row, col).
fn sheet_cells(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    total: &mut usize,
) -> Result<BTreeMap<(u32, u32), String>, SheetError> {
    let mut reader = workbook.worksheet_cells_reader(name)?;
    let mut cells = BTreeMap::new();
    while let Some(cell) = reader.next_cell()? {
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        *total += 1;
        if *total > MAX_CELLS {
            return Err(SheetError::TooLarge(format!("more than {MAX_CELLS} non-empty cells")));
        }
        cells.insert(cell.get_position(), text);
    }
    Ok(cells)
}

/// The text a reader of the sheet sees in a cell.
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) => {
            let serial = d.as_f64();
            if d.is_datetime() && (0.0..2_958_466.0).contains(&serial) {
                let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
                if (h, min, s) == (0, 0, 0) {
                    format!("{y:04}-{m:02}-{day:02}")
                } else {
                    format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}")
                }
            } else {
                number_text(serial)
            }
        }
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

/// A number as Excel displays it in a General cell: whole numbers without a decimal point, others with at most
/// 15 significant digits (`0.1 + 0.2` → `0.3`, `9.63211` → `9.63211`).
fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded}")
    }
}

/// The blocks of one sheet: a heading with the sheet's name, then its tables. Tables standing side by side,
/// separated by a column that is empty from top to bottom and not crossed by a merged region (a form and a notes or
/// check area beside it), are separate tables, each after a heading: a new sheet, or a new table beside the form,
/// is a new context, so its rows do not continue the table before it.
fn sheet_blocks(
    name: &str,
    cells: &BTreeMap<(u32, u32), String>,
    merges: &[Dimensions],
    absent: Option<&HashSet<(u32, u32)>>,
) -> Result<Vec<Block>, String> {
    let mut cols: Vec<u32> = cells.keys().map(|(_, c)| *c).collect();
    cols.sort_unstable();
    cols.dedup();
    let crossed = |gap_after: u32| merges.iter().any(|m| m.start.1 <= gap_after && m.end.1 > gap_after);
    let mut bands: Vec<(u32, u32)> = Vec::new();
    for &c in &cols {
        match bands.last_mut() {
            Some((_, end)) if c == *end + 1 || crossed(*end) => *end = c,
            _ => bands.push((c, c)),
        }
    }
    let mut blocks = Vec::new();
    for (first, last) in bands {
        let band: BTreeMap<(u32, u32), String> =
            cells.iter().filter(|((_, c), _)| (first..=last).contains(c)).map(|(k, v)| (*k, v.clone())).collect();
        let band_merges: Vec<Dimensions> =
            merges.iter().filter(|m| m.start.1 >= first && m.start.1 <= last).copied().collect();
        if let Some(table) = sheet_table(name, &band, &band_merges, absent)? {
            blocks.push(Block::Heading { text: name.to_string(), line: 0 });
            blocks.push(Block::Table(table));
        }
    }
    Ok(blocks)
}

/// Builds the grid of one sheet: kept rows and columns (those with content or the corner of a merged region),
/// merged regions as spans. `None` for a sheet with no content.
fn sheet_table(
    name: &str,
    cells: &BTreeMap<(u32, u32), String>,
    merges: &[Dimensions],
    absent: Option<&HashSet<(u32, u32)>>,
) -> Result<Option<Table>, String> {
    if cells.is_empty() {
        return Ok(None);
    }
    let mut rows: Vec<u32> = cells.keys().map(|(r, _)| *r).collect();
    let mut cols: Vec<u32> = cells.keys().map(|(_, c)| *c).collect();
    // A merged region only matters where its corner is in a row that has content.
    let merges: Vec<&Dimensions> = merges
        .iter()
        .filter(|m| m.start.0 <= m.end.0 && m.start.1 <= m.end.1)
        .filter(|m| rows.binary_search(&m.start.0).is_ok() || cells.contains_key(&m.start))
        .collect();
    rows.sort_unstable();
    rows.dedup();
    cols.extend(merges.iter().map(|m| m.start.1));
    cols.sort_unstable();
    cols.dedup();
    let slots = rows.len().saturating_mul(cols.len());
    if slots > MAX_SLOTS {
        return Err(format!("too large ({} used rows × {} used columns)", rows.len(), cols.len()));
    }
    let index_of = |kept: &[u32], v: u32| kept.partition_point(|x| *x < v);
    let width = cols.len();
    // covered[r * width + c]: the position is inside a merged region but not its corner.
    let mut covered = vec![false; slots];
    let mut spans: BTreeMap<(usize, usize), (u32, u32)> = BTreeMap::new();
    let mut work = 0usize;
    let mut sorted = merges;
    sorted.sort_by_key(|m| (m.start, m.end));
    for m in sorted {
        let (r0, r1) = (index_of(&rows, m.start.0), index_of(&rows, m.end.0.saturating_add(1)));
        let (c0, c1) = (index_of(&cols, m.start.1), index_of(&cols, m.end.1.saturating_add(1)));
        // The corner must be kept and not already inside an earlier region (overlapping merges are invalid;
        // the first one wins).
        if rows.get(r0) != Some(&m.start.0) || cols.get(c0) != Some(&m.start.1) {
            continue;
        }
        if covered.get(r0 * width + c0).copied().unwrap_or(true) || spans.contains_key(&(r0, c0)) {
            continue;
        }
        let (rowspan, colspan) = (r1 - r0, c1 - c0);
        work = work.saturating_add(rowspan.saturating_mul(colspan));
        if work > MAX_MERGE_WORK {
            return Err("too many merged cells".to_string());
        }
        for r in r0..r1 {
            for c in c0..c1 {
                if (r, c) != (r0, c0) {
                    if let Some(slot) = covered.get_mut(r * width + c) {
                        *slot = true;
                    }
                }
            }
        }
        spans
            .insert((r0, c0), (u32::try_from(rowspan).unwrap_or(u32::MAX), u32::try_from(colspan).unwrap_or(u32::MAX)));
    }
    let lefts = block_left_edges(&rows, &cols, cells, &spans);
    let mut table_rows = Vec::with_capacity(rows.len());
    for (ri, &row) in rows.iter().enumerate() {
        let mut out = Vec::new();
        let left = lefts.get(ri).copied().unwrap_or(0);
        for (ci, &col) in cols.iter().enumerate().skip(left) {
            if covered.get(ri * width + ci).copied().unwrap_or(false) {
                continue;
            }
            let text = cells.get(&(row, col)).cloned().unwrap_or_default();
            let pos = Position { page: 0, line: 0, row: row as usize, col: col as usize };
            let mut cell = Cell::new(text, pos);
            cell.absent = absent.is_some_and(|set| set.contains(&(row, col)));
            if let Some((rowspan, colspan)) = spans.get(&(ri, ci)) {
                cell = cell.spanning(*rowspan, *colspan);
            }
            out.push(cell);
        }
        table_rows.push(out);
    }
    Ok(Some(Table { shape: TableShape::Grid, name: Some(name.to_string()), rows: table_rows }))
}

/// For every kept row, the first kept column of its *block*: a run of adjacent sheet rows (or rows joined by a
/// merged region), as a form sits on a sheet between empty rows. Columns left of a block's edge are empty in the
/// whole block, so leaving them out changes no row's order; it keeps a form drawn from column B under a title in
/// A1 from starting every row with an empty cell (which the unlabelled row of 表四 would take for a value).
fn block_left_edges(
    rows: &[u32],
    cols: &[u32],
    cells: &BTreeMap<(u32, u32), String>,
    spans: &BTreeMap<(usize, usize), (u32, u32)>,
) -> Vec<usize> {
    // joined[ri] > 0: a merged region covers kept rows ri - 1 and ri.
    let mut joined = vec![0i64; rows.len() + 1];
    for (&(r0, _), &(rowspan, _)) in spans {
        let r1 = r0.saturating_add(rowspan as usize).min(rows.len());
        if r0 + 1 < r1 {
            joined[r0 + 1] += 1;
            joined[r1] -= 1;
        }
    }
    let first_col = |ri: usize, row: u32| -> usize {
        let by_text = cells
            .range((row, 0)..=(row, u32::MAX))
            .next()
            .map(|((_, c), _)| cols.partition_point(|x| x < c))
            .unwrap_or(usize::MAX);
        let by_span = spans.range((ri, 0)..(ri + 1, 0)).next().map(|((_, ci), _)| *ci).unwrap_or(usize::MAX);
        by_text.min(by_span)
    };
    let mut lefts = vec![0usize; rows.len()];
    let mut block_start = 0usize;
    let mut block_left = usize::MAX;
    let mut depth = 0i64;
    for (ri, &row) in rows.iter().enumerate() {
        depth += joined.get(ri).copied().unwrap_or(0);
        let adjacent = ri > 0 && rows.get(ri - 1).is_some_and(|prev| prev.saturating_add(1) == row);
        if ri > 0 && !adjacent && depth <= 0 {
            lefts[block_start..ri].fill(block_left);
            block_start = ri;
            block_left = usize::MAX;
        }
        block_left = block_left.min(first_col(ri, row));
    }
    lefts[block_start..].fill(block_left);
    lefts
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_declare_absent_cells() {
        let names = vec![
            ("nianbao_absent_t2".to_string(), "'主动公开'!$B$5:$D$5,'主动公开'!$B$9".to_string()),
            ("Print_Area".to_string(), "'主动公开'!$A$1:$Z$99".to_string()),
        ];
        let absent = declared_absent(&names);
        let cells = absent.get("主动公开").expect("sheet listed");
        let mut sorted: Vec<_> = cells.iter().copied().collect();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![(4, 1), (4, 2), (4, 3), (8, 1)]);
        assert_eq!(parse_a1("$AA$10"), Some((9, 26)));
        assert_eq!(parse_a1("B0"), None);
        assert_eq!(parse_a1("#REF!"), None);
    }

    use super::*;
    use rust_xlsxwriter::{Format, Formula, Workbook};

    fn texts(table: &Table) -> Vec<Vec<String>> {
        table.rows.iter().map(|r| r.iter().map(|c| c.text.clone()).collect()).collect()
    }

    fn tables(doc: &Document) -> Vec<&Table> {
        doc.tables().collect()
    }

    #[test]
    fn numbers_read_as_displayed() {
        assert_eq!(number_text(12.0), "12");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(9.63211), "9.63211");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(278.334), "278.334");
    }

    #[test]
    fn cells_merges_formulas_and_errors() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("依申请").unwrap();
        let fmt = Format::new();
        ws.merge_range(2, 0, 3, 0, "三、本年度办理结果", &fmt).unwrap();
        ws.write_string(2, 1, "（一）予以公开").unwrap();
        ws.write_number(2, 2, 12.0).unwrap();
        ws.write_string(2, 3, "12").unwrap();
        ws.write_formula(2, 4, Formula::new("=C3+1").set_result("13")).unwrap();
        ws.write_string(3, 1, "（二）部分公开").unwrap();
        ws.write_number(3, 2, 9.5).unwrap();
        ws.write_string(3, 3, "十二").unwrap();
        ws.write_formula(3, 4, Formula::new("=#REF!").set_result("#REF!")).unwrap();
        ws.merge_range(5, 1, 5, 4, "备注", &fmt).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let doc = read_xlsx(&bytes, "x.xlsx").unwrap();
        let t = tables(&doc);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].name.as_deref(), Some("依申请"));
        assert_eq!(
            texts(t[0]),
            vec![
                vec!["三、本年度办理结果", "（一）予以公开", "12", "12", "13"],
                vec!["（二）部分公开", "9.5", "十二", "#REF!"],
                vec!["备注"],
            ]
        );
        let first = &t[0].rows[0][0];
        assert_eq!((first.rowspan, first.colspan, first.pos.row, first.pos.col), (2, 1, 2, 0));
        let note = &t[0].rows[2][0];
        assert_eq!((note.colspan, note.pos.row, note.pos.col), (4, 5, 1));
        assert_eq!(t[0].rows[1][0].pos, Position { page: 0, line: 0, row: 3, col: 1 });
    }

    #[test]
    fn a_form_below_a_title_starts_at_its_own_left_edge() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "表四").unwrap();
        ws.merge_range(2, 1, 3, 1, "结果维持", &Format::new()).unwrap();
        ws.write_string(2, 2, "总计").unwrap();
        ws.write_number(4, 1, 2.0).unwrap();
        ws.write_number(4, 3, 2.0).unwrap();
        ws.write_string(6, 0, "备注").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let doc = read_xlsx(&bytes, "x.xlsx").unwrap();
        let t = tables(&doc);
        assert_eq!(
            texts(t[0]),
            vec![vec!["表四", "", "", ""], vec!["结果维持", "总计", ""], vec!["2", "", "2"], vec!["备注", "", "", ""]]
        );
        assert_eq!(t[0].rows[2][0].pos, Position { page: 0, line: 0, row: 4, col: 1 });
    }

    #[test]
    fn far_apart_cells_cost_nothing() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "a").unwrap();
        ws.write_string(1_048_575, 16_383, "b").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let doc = read_xlsx(&bytes, "x.xlsx").unwrap();
        // Empty columns between them: two tables side by side.
        let t = tables(&doc);
        assert_eq!(texts(t[0]), vec![vec!["a"]]);
        assert_eq!(texts(t[1]), vec![vec!["b"]]);
        assert_eq!(t[1].rows[0][0].pos, Position { page: 0, line: 0, row: 1_048_575, col: 16_383 });
    }

    #[test]
    fn empty_sheets_are_skipped_and_sheets_keep_their_order() {
        let mut wb = Workbook::new();
        wb.add_worksheet().set_name("B").unwrap().write_string(0, 0, "b").unwrap();
        wb.add_worksheet().set_name("empty").unwrap();
        wb.add_worksheet().set_name("A").unwrap().write_number(0, 0, 1.0).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let doc = read_xlsx(&bytes, "x.xlsx").unwrap();
        let names: Vec<_> = doc.tables().map(|t| t.name.clone().unwrap_or_default()).collect();
        assert_eq!(names, vec!["B", "A"]);
        assert!(matches!(&doc.blocks[0], Block::Heading { text, .. } if text == "B"));
        assert_eq!(doc.blocks.len(), 4);
    }

    #[test]
    fn hostile_bytes_are_errors_not_panics() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"PK\x03\x04 not really a zip".to_vec(), "not a valid xlsx zip archive"),
            (CFB_SIGNATURE.iter().copied().chain([0u8; 504]).collect(), "encrypted workbook or unreadable legacy .xls"),
        ];
        for (bytes, reason) in cases {
            match read_xlsx(&bytes, "x") {
                Err(ReadError::Spreadsheet(msg)) => assert!(msg.starts_with(reason), "{msg}"),
                other => panic!("{other:?}"),
            }
        }
        let mut wb = Workbook::new();
        wb.add_worksheet().write_string(0, 0, "x").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        for cut in [bytes.len() / 2, bytes.len() - 30, 30] {
            assert!(read_xlsx(&bytes[..cut], "x").is_err(), "cut at {cut}");
        }
    }
}
