//! Spreadsheet reader: an XLSX, legacy XLS (also WPS's `.et` saved in that format) or OpenDocument (`.ods`)
//! workbook, through calamine → one grid [`Table`] per block of cells on each worksheet.
//!
//! Each worksheet with content becomes a `Block::Heading` holding the sheet name (a sheet ends the context of the
//! one before it) followed by a `Block::Table` named after the sheet, so the mapper prints cell origins as
//! `Sheet!B12`. Cells keep their sheet coordinates in [`Position`] (`row`, `col`, 0-based; `line` is 0 as for
//! every non-text source). The workbook's title (its document properties) comes first, as a heading: it names the
//! report. Values are turned into the text a reader of the sheet sees:
//!
//! * numbers as their shortest decimal text (`12.0` → `12`), rounded to Excel's 15 significant digits;
//! * strings as they are (`"12"` typed as text is read as 12 by the mapper, `十二` stays text);
//! * formulas as their cached value; a formula a program saved without computing it (openpyxl does) as its
//!   formula text (`=SUM(D6:D7)`), which no reader takes for a number;
//! * errors as Excel prints them (`#REF!`); dates as `YYYY-MM-DD`; empty cells as `""`.
//!
//! **Read by labels and values, not by merges.** Forms come back edited: rows inserted by a program that does not
//! move merged regions, merges removed or split, OpenDocument files whose merges calamine does not report. So:
//! * a merged region counts only while it still matches the data: its corner holds text and no other cell under
//!   it does. Otherwise it is ignored and every cell is read where it stands;
//! * an empty cell right of a row label, in a column that is part of the labels (left of where the values start
//!   in the block, holding no value anywhere), belongs to the label — as if still merged — and is no value;
//! * empty cells drawn on the sheet (they carry a format, as the borders of a blank form do) in the rows right
//!   under a table belong to it: the blank value row of a form reads as blank, not as missing.
//!
//! **nianbao's own workbook.** Its narrative and findings sheets (recognised by the heading they start with,
//! whatever they are called now) describe the data; they are left out and listed in
//! [`Spreadsheet::derived_sheets`]. Its live checks beside and below each form (labelled `核对 R1…`) are left out
//! too: their cached results are text (`✓`), but a program that saves them as numbers (LibreOffice's `.xls`) would
//! make them look like data.
//!
//! Rows and columns holding nothing at all are left out (their neighbours keep their true coordinates), so a
//! sheet with one cell at `A1` and one at `XFD1048576` costs two cells, not seventeen billion. What the
//! mapper does with the tables is not this module's concern; nothing here knows the template.

use crate::hash::{HashMap, HashSet};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::ops::Range;
use std::sync::LazyLock;

use calamine::{Data, DataRef, Dimensions, Ods, OdsError, Reader, Xls, XlsError, Xlsx, XlsxError};
use regex::Regex;

use crate::doc::{Block, Cell, Document, Position, Table, TableShape};
use crate::map::records::is_value_text;
use crate::map::value::classify;
use crate::read::biff_guard;
use crate::read::zip_guard::{self, ZipLimits};
use crate::read::ReadError;

/// The signature of an OLE compound file: a legacy `.xls` workbook, or an encrypted `.xlsx` (Office wraps
/// password-protected workbooks in one).
pub const CFB_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The first cell of nianbao's narrative sheet (`叙述与指标`).
pub const NARRATIVE_MARK: &str = "报告信息";
/// The first cells of the header row of nianbao's findings sheet (`校验`).
pub const FINDINGS_MARK: [&str; 3] = ["级别", "规则", "结果"];
/// The word a live-check label of nianbao's forms starts with (`核对 R1：一＋二＝（七）＋四`).
pub const CHECK_MARK: &str = "核对";

/// A live-check label: the mark, a rule id, optionally what it checks.
static CHECK_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^{CHECK_MARK}\s*[A-Z]+\d+(?:\s*[：:].*)?$")).expect("valid"));

/// More non-empty cells than this in one workbook is not an annual report.
const MAX_CELLS: usize = 2_000_000;

/// Upper bound on the positions of one sheet once empty rows and columns are left out (rows × columns).
const MAX_SLOTS: usize = 5_000_000;

/// Upper bound on the work spent resolving merged regions of one sheet.
const MAX_MERGE_WORK: usize = 5_000_000;

/// A workbook as read: the document of its data sheets, and the sheets left out as nianbao's derived output.
#[derive(Debug, Clone, Default)]
pub struct Spreadsheet {
    pub document: Document,
    /// Names of the sheets recognised as nianbao's narrative and findings sheets, in workbook order.
    pub derived_sheets: Vec<String>,
}

/// Reads a workbook. Fails with [`ReadError::Spreadsheet`] when the bytes are not a readable workbook.
pub fn read_xlsx(bytes: &[u8], source: &str) -> Result<Document, ReadError> {
    read_spreadsheet(bytes, source).map(|s| s.document)
}

/// Reads a workbook (XLSX, XLS or ODS, decided by content) with the sheets it leaves out.
pub fn read_spreadsheet(bytes: &[u8], source: &str) -> Result<Spreadsheet, ReadError> {
    // calamine and its zip and XML parsers are third-party code run on untrusted bytes; a panic inside them
    // must end this file's reading with an error, not the program.
    let result = std::panic::catch_unwind(|| {
        let book = if bytes.starts_with(&CFB_SIGNATURE) {
            load_xls(bytes)?
        } else if super::zip_kind(bytes) == super::ZipKind::OpenDocumentSpreadsheet {
            load_ods(bytes)?
        } else {
            load_xlsx(bytes)?
        };
        assemble(book, source)
    });
    result.unwrap_or_else(|_| Err(ReadError::Spreadsheet("the workbook's structure is corrupt".to_string())))
}

/// What the three containers give: the title, the defined names, the sheets.
struct Book {
    title: Option<String>,
    names: Vec<(String, String)>,
    sheets: Vec<Sheet>,
}

/// One worksheet: its non-empty cells as text, its drawn empty cells, its merged regions.
#[derive(Debug, Default)]
struct Sheet {
    name: String,
    cells: BTreeMap<(u32, u32), String>,
    /// Cells present in the file but empty (a format, a border, a formula computing `""`): XLSX only.
    drawn: BTreeSet<(u32, u32)>,
    merges: Vec<Dimensions>,
}

fn load_xlsx(bytes: &[u8]) -> Result<Book, ReadError> {
    zip_guard::check_workbook(bytes, &ZipLimits::DEFAULT).map_err(ReadError::Spreadsheet)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(describe)?;
    let names = workbook.defined_names().to_vec();
    let title = workbook.workbook_properties().ok().and_then(|p| p.title);
    let mut sheets = Vec::new();
    let mut total = 0usize;
    for name in workbook.sheet_names() {
        let mut sheet = match xlsx_cells(&mut workbook, &name, &mut total) {
            Ok(sheet) => sheet,
            // Chart sheets and dialog sheets hold no cells.
            Err(SheetError::Xlsx(XlsxError::NotAWorksheet(_))) => continue,
            Err(SheetError::Xlsx(e)) => return Err(ReadError::Spreadsheet(format!("sheet {name}: {}", describe(e)))),
            Err(SheetError::TooLarge(reason)) => return Err(ReadError::Spreadsheet(format!("sheet {name}: {reason}"))),
        };
        sheet.merges = workbook
            .merge_cells_by_sheet_name(&name)
            .map_err(|e| ReadError::Spreadsheet(format!("sheet {name}: {}", describe(e))))?;
        sheet.name = name;
        sheets.push(sheet);
    }
    Ok(Book { title, names, sheets })
}

/// A legacy `.xls` workbook (BIFF in an OLE container; WPS saves `.et` files in it too). An encrypted `.xlsx`
/// is an OLE container as well; calamine refuses both it and password-protected `.xls`, and the message says
/// what to do.
fn load_xls(bytes: &[u8]) -> Result<Book, ReadError> {
    biff_guard::check_xls(bytes).map_err(ReadError::Spreadsheet)?;
    let mut workbook: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| xls_error(bytes, &e))?;
    let names = workbook.defined_names().to_vec();
    let title = workbook.workbook_properties().ok().and_then(|p| p.title);
    let mut sheets = Vec::new();
    let mut total = 0usize;
    for name in workbook.sheet_names() {
        let Ok(range) = workbook.worksheet_range(&name) else { continue };
        let cells = range_cells(&range, &name, &mut total)?;
        let merges = workbook.merge_cells_by_sheet_name(&name).unwrap_or_default();
        sheets.push(Sheet { name, cells, merges, ..Sheet::default() });
    }
    Ok(Book { title, names, sheets })
}

/// An OpenDocument spreadsheet (LibreOffice's and WPS's own format). calamine reports no merged regions for it:
/// the form is read by its labels and values alone.
fn load_ods(bytes: &[u8]) -> Result<Book, ReadError> {
    zip_guard::check_workbook(bytes, &ZipLimits::DEFAULT).map_err(ReadError::Spreadsheet)?;
    let mut workbook: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|e| {
        ReadError::Spreadsheet(match e {
            OdsError::Password => {
                "encrypted spreadsheet (password protected); save it again without a password".to_string()
            }
            other => format!("not a valid OpenDocument spreadsheet ({other})"),
        })
    })?;
    let names = workbook.defined_names().to_vec();
    let title = workbook.workbook_properties().ok().and_then(|p| p.title);
    let mut sheets = Vec::new();
    let mut total = 0usize;
    for name in workbook.sheet_names() {
        let Ok(range) = workbook.worksheet_range(&name) else { continue };
        let cells = range_cells(&range, &name, &mut total)?;
        sheets.push(Sheet { name, cells, ..Sheet::default() });
    }
    Ok(Book { title, names, sheets })
}

/// Why a compound file is no readable workbook, from what its directory holds.
fn xls_error(bytes: &[u8], error: &XlsError) -> ReadError {
    let streams: Vec<String> = cfb::CompoundFile::open(Cursor::new(bytes))
        .map(|file| file.walk().map(|entry| entry.name().to_string()).collect())
        .unwrap_or_default();
    let has = |name: &str| streams.iter().any(|s| s == name);
    let reason = if matches!(error, XlsError::Password) || has("EncryptedPackage") || has("EncryptionInfo") {
        "encrypted workbook (password protected); save it again without a password".to_string()
    } else if !streams.is_empty() && !has("Workbook") && !has("Book") {
        "an Office file with no workbook inside (a WPS .et file in WPS's own format, or another program's \
         file): open it in WPS or Excel and save it as .xlsx"
            .to_string()
    } else {
        format!("encrypted workbook or unreadable legacy .xls ({error}); save it as .xlsx without a password")
    };
    ReadError::Spreadsheet(reason)
}

/// The non-empty cells of a loaded range as text, by sheet position.
fn range_cells(range: &calamine::Range<Data>, name: &str, total: &mut usize) -> Result<Cells, ReadError> {
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut cells = BTreeMap::new();
    for (r, c, value) in range.used_cells() {
        let text = cell_text(&as_data_ref(value));
        if text.is_empty() {
            continue;
        }
        *total += 1;
        if *total > MAX_CELLS {
            return Err(ReadError::Spreadsheet(format!("sheet {name}: more than {MAX_CELLS} non-empty cells")));
        }
        let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else { continue };
        cells.insert((top.saturating_add(r), left.saturating_add(c)), text);
    }
    Ok(cells)
}

type Cells = BTreeMap<(u32, u32), String>;

/// Workbook names whose formula lists cells the source did not provide.
const ABSENT_NAME_PREFIX: &str = "nianbao_absent_";

/// The cells, by sheet, that workbook names `nianbao_absent_*` declare not provided (`'主动公开'!$B$5:$D$5,…`, or
/// as OpenDocument writes it, `$'主动公开'.$B$5:.$D$5`). nianbao writes them for partial tables, so that an empty
/// cell it could not fill reads back as absent, not blank.
fn declared_absent(names: &[(String, String)]) -> HashMap<String, HashSet<(u32, u32)>> {
    let mut out: HashMap<String, HashSet<(u32, u32)>> = HashMap::default();
    for (name, formula) in names {
        if !name.starts_with(ABSENT_NAME_PREFIX) {
            continue;
        }
        for area in areas(formula) {
            let Some((sheet, (r0, c0), (r1, c1))) = parse_area(area) else { continue };
            // A name is data from the file: bound the area so a hostile one cannot cost much.
            if (u64::from(r1.saturating_sub(r0)) + 1) * (u64::from(c1.saturating_sub(c0)) + 1) > 100_000 {
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

/// The areas of a name's formula: separated by `,` (Excel), `;` or spaces (OpenDocument), outside quoted sheet
/// names.
fn areas(formula: &str) -> Vec<&str> {
    let formula = formula.trim().trim_start_matches('=');
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0usize, false);
    for (i, c) in formula.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            ',' | ';' | ' ' if !quoted => {
                out.push(&formula[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&formula[start..]);
    out.into_iter().map(|a| a.trim().trim_start_matches('[').trim_end_matches(']')).filter(|a| !a.is_empty()).collect()
}

/// An area of a sheet: its name and its corners, 0-based `(row, column)`.
type Area = (String, (u32, u32), (u32, u32));

/// `'主动公开'!$B$5:$D$5` or `$'主动公开'.$B$5:.$D$5` → the sheet and the corners, 0-based.
fn parse_area(area: &str) -> Option<Area> {
    let (first, second) = match area.split_once(':') {
        // A `:` inside a quoted sheet name is not the range's.
        Some((a, b)) if a.matches('\'').count() % 2 == 0 => (a, Some(b)),
        _ => (area, None),
    };
    let (sheet, from) = split_sheet(first)?;
    let to = match second {
        Some(second) => split_sheet(second).map_or(second, |(_, cell)| cell),
        None => from,
    };
    let sheet = sheet.trim_start_matches('$');
    let sheet = sheet.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')).unwrap_or(sheet).replace("''", "'");
    Some((sheet, parse_a1(from)?, parse_a1(to.trim_start_matches('.'))?))
}

/// `Sheet!A1` or `Sheet.A1` → (`Sheet`, `A1`): the separator is the last `!`, else the last `.`, outside quotes.
fn split_sheet(reference: &str) -> Option<(&str, &str)> {
    let quote_end = reference.rfind('\'').map_or(0, |i| i + 1);
    let tail = &reference[quote_end..];
    let at = tail.rfind('!').or_else(|| tail.rfind('.'))? + quote_end;
    Some((&reference[..at], &reference[at + 1..]))
}

/// `$B$5` → (4, 1), 0-based: an `A1` reference, absolute or not.
fn parse_a1(reference: &str) -> Option<(u32, u32)> {
    crate::report::parse_a1(&reference.trim().replace('$', "")).map(|(row, col)| (row, u32::from(col)))
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

/// The cells of an XLSX sheet: non-empty ones as text, empty ones that are drawn.
fn xlsx_cells(workbook: &mut Xlsx<Cursor<&[u8]>>, name: &str, total: &mut usize) -> Result<Sheet, SheetError> {
    let mut reader = workbook.worksheet_cells_reader(name)?;
    let mut sheet = Sheet::default();
    while let Some(cell) = reader.next_cell_with_formula()? {
        let mut text = cell_text(&cell.value);
        if text.is_empty() && cell.value == DataRef::Empty {
            if let Some(formula) = cell.formula.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
                text = format!("={}", formula.trim_start_matches('='));
            }
        }
        *total += 1;
        if *total > MAX_CELLS {
            return Err(SheetError::TooLarge(format!("more than {MAX_CELLS} cells")));
        }
        if text.is_empty() {
            sheet.drawn.insert(cell.pos);
        } else {
            sheet.cells.insert(cell.pos, text);
        }
    }
    Ok(sheet)
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
    // Beyond 15 digits a cell holds no count or amount a report prints: shown as Excel shows it (`1E+308`), in
    // scientific notation, which the mapper reads as a value it cannot use.
    if f.abs() >= 1e15 {
        return format!("{f:e}");
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

/// The document of a loaded workbook: its title, then the blocks of every data sheet.
fn assemble(book: Book, source: &str) -> Result<Spreadsheet, ReadError> {
    let absent = declared_absent(&book.names);
    let mut blocks = Vec::new();
    if let Some(title) = book.title.as_deref().map(str::trim).filter(|t| !t.is_empty() && t.chars().count() <= 200) {
        blocks.push(Block::Heading { text: title.to_string(), line: 0 });
    }
    let mut derived_sheets = Vec::new();
    for sheet in book.sheets {
        if is_derived(&sheet.cells) {
            derived_sheets.push(sheet.name);
            continue;
        }
        let sheet_blocks = sheet_blocks(&sheet, absent.get(&sheet.name))
            .map_err(|reason| ReadError::Spreadsheet(format!("sheet {}: {reason}", sheet.name)))?;
        blocks.extend(sheet_blocks);
    }
    Ok(Spreadsheet { document: Document::new(source, blocks), derived_sheets })
}

/// nianbao's narrative or findings sheet, by the heading its first row starts with.
fn is_derived(cells: &Cells) -> bool {
    let Some(&(first_row, _)) = cells.keys().next() else { return false };
    let heading: Vec<&str> = cells.range((first_row, 0)..=(first_row, u32::MAX)).map(|(_, t)| t.trim()).collect();
    heading.first() == Some(&NARRATIVE_MARK) || heading.starts_with(&FINDINGS_MARK)
}

/// A live-check label of nianbao's forms.
fn is_check_label(text: &str) -> bool {
    CHECK_LABEL.is_match(text.trim())
}

/// A cell whose text stands where a value belongs: a number, a not-applicable mark, or text only a value would be.
fn is_data(text: &str) -> bool {
    !text.trim().is_empty() && (classify(text).is_value_like() || is_value_text(text))
}

/// The merged regions that still describe the data: the corner holds text and no other cell under the region
/// does. A region a program left in place while the rows moved, or one over a cleared label, no longer does.
fn sound_merges(cells: &Cells, merges: &[Dimensions]) -> Result<Vec<Dimensions>, String> {
    let mut work = 0usize;
    let mut out = Vec::new();
    for m in merges {
        if m.start.0 > m.end.0 || m.start.1 > m.end.1 || m.start == m.end {
            continue;
        }
        if cells.get(&m.start).is_none_or(|t| t.trim().is_empty()) {
            continue;
        }
        let mut clean = true;
        for (&(r, c), text) in cells.range((m.start.0, 0)..=(m.end.0, u32::MAX)) {
            work += 1;
            if work > MAX_MERGE_WORK {
                return Err("too many merged cells".to_string());
            }
            if (r, c) != m.start && (m.start.1..=m.end.1).contains(&c) && !text.trim().is_empty() {
                clean = false;
                break;
            }
        }
        if clean {
            out.push(*m);
        }
    }
    Ok(out)
}

/// The blocks of one sheet: a heading with the sheet's name, then its tables. Tables standing side by side,
/// separated by a column that is empty from top to bottom and not crossed by a merged region (a form and a notes or
/// check area beside it), are separate tables, each after a heading: a new sheet, or a new table beside the form,
/// is a new context, so its rows do not continue the table before it. Live checks are left out.
fn sheet_blocks(sheet: &Sheet, absent: Option<&HashSet<(u32, u32)>>) -> Result<Vec<Block>, String> {
    let merges = sound_merges(&sheet.cells, &sheet.merges)?;
    let mut cols: Vec<u32> = sheet.cells.keys().map(|(_, c)| *c).collect();
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
    let in_band = |(first, last): (u32, u32), c: u32| (first..=last).contains(&c);
    // A band that starts with a check label is a check column (label on top, results below) or the label of a
    // check row printed right of a form that has no label columns (表四): its row is a check row.
    let mut check_rows: HashSet<u32> = HashSet::default();
    bands.retain(|&band| {
        let mut band_cells = sheet.cells.iter().filter(|((_, c), _)| in_band(band, *c));
        let Some((&(row, _), text)) = band_cells.next() else { return false };
        if !is_check_label(text) {
            return true;
        }
        if band_cells.all(|((r, _), _)| *r == row) {
            check_rows.insert(row);
        }
        false
    });
    let mut blocks = Vec::new();
    for band in bands {
        let mut band_cells: Cells = BTreeMap::new();
        for (&(r, c), text) in &sheet.cells {
            if in_band(band, c) && !check_rows.contains(&r) {
                band_cells.insert((r, c), text.clone());
            }
        }
        // A check row with its label in the label columns: the row's first text is the label.
        let label_rows: Vec<u32> = band_cells
            .iter()
            .filter(|((r, c), text)| is_check_label(text) && band_cells.range((*r, 0)..(*r, *c)).next().is_none())
            .map(|((r, _), _)| *r)
            .collect();
        band_cells.retain(|(r, _), _| !label_rows.contains(r));
        let drawn: BTreeSet<(u32, u32)> = sheet
            .drawn
            .iter()
            .filter(|(r, c)| in_band(band, *c) && !check_rows.contains(r) && !label_rows.contains(r))
            .copied()
            .collect();
        let band_merges: Vec<Dimensions> =
            merges.iter().filter(|m| in_band(band, m.start.1) && band_cells.contains_key(&m.start)).copied().collect();
        if let Some(table) = sheet_table(&sheet.name, &band_cells, &drawn, &band_merges, absent)? {
            blocks.push(Block::Heading { text: sheet.name.clone(), line: 0 });
            blocks.push(Block::Table(table));
        }
    }
    Ok(blocks)
}

/// The rows of a table: those with content, and below them the rows of drawn empty cells that continue them
/// (the blank value row of a form).
fn table_rows(cells: &Cells, drawn: &BTreeSet<(u32, u32)>, cols: &[u32]) -> Vec<u32> {
    let mut rows: BTreeSet<u32> = cells.keys().map(|(r, _)| *r).collect();
    let drawn_rows: BTreeSet<u32> =
        drawn.iter().filter(|(_, c)| cols.binary_search(c).is_ok()).map(|(r, _)| *r).collect();
    for r in drawn_rows {
        if r > 0 && rows.contains(&(r - 1)) {
            rows.insert(r);
        }
    }
    rows.into_iter().collect()
}

/// Builds the grid of one table: kept rows and columns (those with content or the corner of a merged region),
/// merged regions as spans, label filler joined to its label. `None` for a table with no content.
fn sheet_table(
    name: &str,
    cells: &Cells,
    drawn: &BTreeSet<(u32, u32)>,
    merges: &[Dimensions],
    absent: Option<&HashSet<(u32, u32)>>,
) -> Result<Option<Table>, String> {
    if cells.is_empty() {
        return Ok(None);
    }
    let mut cols: Vec<u32> = cells.keys().map(|(_, c)| *c).collect();
    cols.extend(merges.iter().map(|m| m.start.1));
    cols.sort_unstable();
    cols.dedup();
    let rows = table_rows(cells, drawn, &cols);
    let slots = rows.len().saturating_mul(cols.len());
    if slots > MAX_SLOTS {
        return Err(format!("too large ({} used rows × {} used columns)", rows.len(), cols.len()));
    }
    let index_of = |kept: &[u32], v: u32| kept.partition_point(|x| *x < v);
    let width = cols.len();
    let mut grid = Grid { width, covered: vec![false; slots], spans: BTreeMap::new() };
    let mut work = 0usize;
    let mut sorted: Vec<&Dimensions> = merges.iter().collect();
    sorted.sort_by_key(|m| (m.start, m.end));
    for m in sorted {
        let (r0, r1) = (index_of(&rows, m.start.0), index_of(&rows, m.end.0.saturating_add(1)));
        let (c0, c1) = (index_of(&cols, m.start.1), index_of(&cols, m.end.1.saturating_add(1)));
        // The corner must be kept and not already inside an earlier region (overlapping merges are invalid;
        // the first one wins).
        if rows.get(r0) != Some(&m.start.0) || cols.get(c0) != Some(&m.start.1) {
            continue;
        }
        if grid.is_covered(r0, c0) || grid.spans.contains_key(&(r0, c0)) {
            continue;
        }
        let (rowspan, colspan) = (r1 - r0, c1 - c0);
        work = work.saturating_add(rowspan.saturating_mul(colspan));
        if work > MAX_MERGE_WORK {
            return Err("too many merged cells".to_string());
        }
        grid.span(r0, c0, rowspan, colspan);
    }
    let text_at = |ri: usize, ci: usize| -> &str {
        match (rows.get(ri), cols.get(ci)) {
            (Some(r), Some(c)) => cells.get(&(*r, *c)).map_or("", String::as_str),
            _ => "",
        }
    };
    let blocks = row_blocks(&rows, &grid.spans);
    for block in &blocks {
        join_label_filler(&mut grid, block.clone(), &text_at);
    }
    let mut table_rows = Vec::with_capacity(rows.len());
    for block in &blocks {
        let left = block_left_edge(block.clone(), &rows, &cols, cells, &grid.spans);
        for ri in block.clone() {
            let Some(&row) = rows.get(ri) else { continue };
            let mut out = Vec::new();
            for (ci, &col) in cols.iter().enumerate().skip(left) {
                if grid.is_covered(ri, ci) {
                    continue;
                }
                let text = cells.get(&(row, col)).cloned().unwrap_or_default();
                let pos = Position { page: 0, line: 0, row: row as usize, col: col as usize };
                let mut cell = Cell::new(text, pos);
                cell.absent = absent.is_some_and(|set| set.contains(&(row, col)));
                if let Some((rowspan, colspan)) = grid.spans.get(&(ri, ci)) {
                    cell = cell.spanning(*rowspan, *colspan);
                }
                out.push(cell);
            }
            table_rows.push(out);
        }
    }
    Ok(Some(Table { shape: TableShape::Grid, name: Some(name.to_string()), rows: table_rows }))
}

/// The spans of a table's kept rows and columns.
struct Grid {
    width: usize,
    /// `covered[r * width + c]`: the position is inside a span but not its corner.
    covered: Vec<bool>,
    /// Corner → (rowspan, colspan), in kept rows and columns.
    spans: BTreeMap<(usize, usize), (u32, u32)>,
}

impl Grid {
    fn is_covered(&self, ri: usize, ci: usize) -> bool {
        ci >= self.width || self.covered.get(ri * self.width + ci).copied().unwrap_or(true)
    }

    fn span(&mut self, r0: usize, c0: usize, rowspan: usize, colspan: usize) {
        for r in r0..r0 + rowspan {
            for c in c0..c0 + colspan {
                if (r, c) != (r0, c0) {
                    if let Some(slot) = self.covered.get_mut(r * self.width + c) {
                        *slot = true;
                    }
                }
            }
        }
        let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.spans.insert((r0, c0), (to_u32(rowspan), to_u32(colspan)));
    }
}

/// The *blocks* of a table, as ranges of kept rows: runs of adjacent sheet rows (or rows joined by a merged
/// region), as forms sit on a sheet between empty rows.
fn row_blocks(rows: &[u32], spans: &BTreeMap<(usize, usize), (u32, u32)>) -> Vec<Range<usize>> {
    // joined[ri] > 0: a merged region covers kept rows ri - 1 and ri.
    let mut joined = vec![0i64; rows.len() + 1];
    for (&(r0, _), &(rowspan, _)) in spans {
        let r1 = r0.saturating_add(rowspan as usize).min(rows.len());
        if r0 + 1 < r1 {
            joined[r0 + 1] += 1;
            joined[r1] -= 1;
        }
    }
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut depth = 0i64;
    for (ri, &row) in rows.iter().enumerate() {
        depth += joined.get(ri).copied().unwrap_or(0);
        let adjacent = ri > 0 && rows.get(ri - 1).is_some_and(|prev| prev.saturating_add(1) == row);
        if ri > 0 && !adjacent && depth <= 0 {
            out.push(start..ri);
            start = ri;
        }
    }
    if start < rows.len() {
        out.push(start..rows.len());
    }
    out
}

/// The first kept column of a block. Columns left of it are empty in the whole block, so leaving them out changes
/// no row's order; it keeps a form drawn from column B under a title in A1 from starting every row with an empty
/// cell (which the unlabelled row of 表四 would take for a value).
fn block_left_edge(
    block: Range<usize>,
    rows: &[u32],
    cols: &[u32],
    cells: &Cells,
    spans: &BTreeMap<(usize, usize), (u32, u32)>,
) -> usize {
    let first_col = |ri: usize, row: u32| -> usize {
        let by_text = cells
            .range((row, 0)..=(row, u32::MAX))
            .next()
            .map(|((_, c), _)| cols.partition_point(|x| x < c))
            .unwrap_or(usize::MAX);
        let by_span = spans.range((ri, 0)..(ri + 1, 0)).next().map(|((_, ci), _)| *ci).unwrap_or(usize::MAX);
        by_text.min(by_span)
    };
    let left = block.filter_map(|ri| rows.get(ri).map(|&row| first_col(ri, row))).min().unwrap_or(0);
    if left == usize::MAX {
        0
    } else {
        left
    }
}

/// Joins to a row label the empty cells right of it that are part of the labels, as the merged region the
/// label lost would: in a block whose rows print labels and then values, the columns left of where values start
/// (up to the last label printed before a row's first value) that hold no value anywhere in the block.
/// A block with no value at all (a blank form) is left as it is: nothing tells its label columns apart.
fn join_label_filler<'a>(grid: &mut Grid, block: Range<usize>, text_at: &impl Fn(usize, usize) -> &'a str) {
    let width = grid.width;
    let mut has_data = vec![false; width];
    let mut label_edge: Option<usize> = None;
    for ri in block.clone() {
        let mut last_label: Option<usize> = None;
        let mut first_data: Option<usize> = None;
        for (ci, data) in has_data.iter_mut().enumerate() {
            if grid.is_covered(ri, ci) {
                continue;
            }
            let text = text_at(ri, ci);
            if text.trim().is_empty() {
                continue;
            }
            if is_data(text) {
                *data = true;
                first_data.get_or_insert(ci);
            } else if first_data.is_none() {
                let colspan = grid.spans.get(&(ri, ci)).map_or(1, |(_, c)| *c as usize);
                last_label = Some(ci + colspan - 1);
            }
        }
        if let (Some(_), Some(label)) = (first_data, last_label) {
            label_edge = Some(label_edge.map_or(label, |edge: usize| edge.max(label)));
        }
    }
    let Some(edge) = label_edge else { return };
    for ri in block {
        let mut ci = 0;
        while ci < width {
            let text = text_at(ri, ci);
            let (rowspan, colspan) = grid.spans.get(&(ri, ci)).map_or((1, 1), |(r, c)| (*r as usize, *c as usize));
            if grid.is_covered(ri, ci) || text.trim().is_empty() || is_data(text) || rowspan > 1 {
                ci += 1;
                continue;
            }
            let mut end = ci + colspan;
            while end <= edge
                && end < width
                && !has_data[end]
                && !grid.is_covered(ri, end)
                && !grid.spans.contains_key(&(ri, end))
                && text_at(ri, end).trim().is_empty()
            {
                end += 1;
            }
            if end > ci + colspan {
                grid.span(ri, ci, 1, end - ci);
            }
            ci = end;
        }
    }
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
        // As LibreOffice keeps them in an OpenDocument file, with a sheet name holding a space and a dot.
        let names =
            vec![("nianbao_absent_t3".to_string(), "$'申请 情况.2'.$B$5:.$C$5 $'申请 情况.2'.$D$9".to_string())];
        let absent = declared_absent(&names);
        let mut sorted: Vec<_> = absent.get("申请 情况.2").expect("sheet listed").iter().copied().collect();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![(4, 1), (4, 2), (8, 3)]);
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
        assert_eq!(number_text(1e308), "1e308");
        assert_eq!(number_text(f64::NAN), "NaN");
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

    /// The grid of the only table of a one-sheet workbook.
    fn only_table(bytes: &[u8]) -> Vec<Vec<String>> {
        let doc = read_xlsx(bytes, "x.xlsx").unwrap();
        let t = tables(&doc);
        assert_eq!(t.len(), 1, "{t:?}");
        texts(t[0])
    }

    fn strings(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect()
    }

    /// A form with two label columns: a row label over both, a group label and its items.
    fn labelled_form(ws: &mut rust_xlsxwriter::Worksheet, top: u32) {
        ws.write_string(top, 2, "甲").unwrap();
        ws.write_string(top, 3, "乙").unwrap();
        ws.write_string(top + 1, 0, "一、本年新收").unwrap();
        ws.write_string(top + 2, 0, "（三）不予公开").unwrap();
        ws.write_string(top + 2, 1, "1.属于国家秘密").unwrap();
        ws.write_string(top + 3, 1, "2.其他法律行政法规禁止公开").unwrap();
        for (r, values) in [(top + 1, [3.0, 4.0]), (top + 2, [1.0, 0.0]), (top + 3, [0.0, 2.0])] {
            ws.write_number(r, 2, values[0]).unwrap();
            ws.write_number(r, 3, values[1]).unwrap();
        }
    }

    const LABELLED: &[&[&str]] = &[
        &["", "", "甲", "乙"],
        &["一、本年新收", "3", "4"],
        &["（三）不予公开", "1.属于国家秘密", "1", "0"],
        &["2.其他法律行政法规禁止公开", "0", "2"],
    ];

    #[test]
    fn merges_that_no_longer_fit_the_data_are_ignored_and_label_cells_are_not_values() {
        // As drawn: the row label spans both label columns, the group label spans its two rows.
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.merge_range(0, 0, 0, 1, "", &Format::new()).unwrap();
        ws.merge_range(1, 0, 1, 1, "一、本年新收", &Format::new()).unwrap();
        ws.merge_range(2, 0, 3, 0, "（三）不予公开", &Format::new()).unwrap();
        labelled_form(ws, 0);
        let drawn = only_table(&wb.save_to_buffer().unwrap());
        assert_eq!(drawn, strings(LABELLED));

        // Merges removed (or never reported, as in an OpenDocument file): the empty cell beside a row label is
        // part of the label, not a blank value.
        let mut wb = Workbook::new();
        labelled_form(wb.add_worksheet(), 0);
        assert_eq!(
            only_table(&wb.save_to_buffer().unwrap()),
            strings(&[
                &["", "", "甲", "乙"],
                &["一、本年新收", "3", "4"],
                &["（三）不予公开", "1.属于国家秘密", "1", "0"],
                &["", "2.其他法律行政法规禁止公开", "0", "2"],
            ])
        );

        // A row inserted above by a program that leaves the merged regions where they were: the regions now
        // cover labels they did not cover, or have lost their text, and are not used.
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.merge_range(1, 0, 1, 1, "", &Format::new()).unwrap();
        ws.merge_range(2, 0, 3, 0, "", &Format::new()).unwrap();
        labelled_form(ws, 1);
        let doc = read_xlsx(&wb.save_to_buffer().unwrap(), "x.xlsx").unwrap();
        let t = tables(&doc);
        assert_eq!(texts(t[0])[1], vec!["一、本年新收", "3", "4"]);
        assert_eq!(texts(t[0])[2], vec!["（三）不予公开", "1.属于国家秘密", "1", "0"]);
        let label = &t[0].rows[1][0];
        assert_eq!((label.rowspan, label.colspan, label.pos.row), (1, 2, 2));
    }

    #[test]
    fn a_blank_form_keeps_its_drawn_value_row_and_no_label_filler() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let border = Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin);
        ws.write_string(0, 0, "行政复议").unwrap();
        ws.write_string(0, 1, "行政诉讼").unwrap();
        ws.write_string_with_format(1, 0, "", &border).unwrap();
        ws.write_blank(1, 1, &border).unwrap();
        // A drawn cell far below, not attached to the table, is not a row of it.
        ws.write_blank(5, 0, &border).unwrap();
        assert_eq!(only_table(&wb.save_to_buffer().unwrap()), strings(&[&["行政复议", "行政诉讼"], &["", ""]]));
    }

    #[test]
    fn live_checks_of_nianbao_forms_are_left_out() {
        // As LibreOffice saves nianbao's workbook as .xls: the check results come back as numbers.
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "项目").unwrap();
        ws.write_string(0, 1, "甲").unwrap();
        ws.write_string(0, 3, "核对 R3").unwrap();
        ws.write_string(1, 0, "一、本年新收").unwrap();
        ws.write_number(1, 1, 5.0).unwrap();
        ws.write_number(1, 3, 0.0).unwrap();
        ws.write_string(3, 0, "核对 R1：一＋二＝（七）＋四").unwrap();
        ws.write_number(3, 1, 0.0).unwrap();
        ws.write_number(4, 1, 0.0).unwrap();
        ws.write_string(4, 5, "核对 R4").unwrap();
        assert_eq!(only_table(&wb.save_to_buffer().unwrap()), strings(&[&["项目", "甲"], &["一、本年新收", "5"]]));
        assert!(is_check_label("核对 R2：（七）＝（一）至（六）3之和"));
        assert!(!is_check_label("核对情况"));
    }

    #[test]
    fn nianbao_narrative_and_findings_sheets_are_recognised_by_their_heading() {
        let mut wb = Workbook::new();
        wb.add_worksheet().set_name("表").unwrap().write_string(0, 0, "规章").unwrap();
        let narrative = wb.add_worksheet().set_name("Sheet9").unwrap();
        narrative.write_string(2, 0, NARRATIVE_MARK).unwrap();
        narrative.write_string(3, 0, "proactive_disclosures").unwrap();
        narrative.write_number(3, 1, 157.0).unwrap();
        let findings = wb.add_worksheet().set_name("checks").unwrap();
        for (c, text) in FINDINGS_MARK.iter().enumerate() {
            findings.write_string(0, c as u16, *text).unwrap();
        }
        wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_title("示例局2023年度政府信息公开工作年度报告"));
        let read = read_spreadsheet(&wb.save_to_buffer().unwrap(), "x.xlsx").unwrap();
        assert_eq!(read.derived_sheets, vec!["Sheet9", "checks"]);
        let names: Vec<_> = read.document.tables().map(|t| t.name.clone().unwrap_or_default()).collect();
        assert_eq!(names, vec!["表"]);
        assert!(
            matches!(&read.document.blocks[0], Block::Heading { text, .. } if text == "示例局2023年度政府信息公开工作年度报告")
        );
    }

    #[test]
    fn a_formula_saved_without_its_value_reads_as_its_formula() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "规章").unwrap();
        ws.write_number(0, 1, 2.0).unwrap();
        ws.write_formula(0, 2, Formula::new("=B1*2").set_result("4")).unwrap();
        // A formula computing the empty string (nianbao's checks with nothing to check) is an empty cell.
        ws.set_formula_result_default("");
        ws.write_formula(0, 3, Formula::new("=IF(B1>9,\"x\",\"\")")).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        assert_eq!(only_table(&bytes), strings(&[&["规章", "2", "4"]]));
        // openpyxl writes `<f>` with an empty `<v>`: no value to read.
        let unsaved = replace_in_zip(&bytes, "xl/worksheets/sheet1.xml", "<v>4</v>", "<v></v>");
        assert_eq!(only_table(&unsaved), strings(&[&["规章", "2", "=B1*2"]]));
    }

    /// `bytes` with `from` replaced by `to` in the zip entry `entry`.
    pub(super) fn replace_in_zip(bytes: &[u8], entry: &str, from: &str, to: &str) -> Vec<u8> {
        use std::io::{Read, Write};
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            let name = file.name().unwrap().to_string();
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            if name == entry {
                let text = String::from_utf8(data).unwrap();
                assert!(text.contains(from), "{from} in {entry}");
                data = text.replace(from, to).into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            out.write_all(&data).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    /// A minimal OpenDocument spreadsheet: one sheet of `rows`, a named range, a title.
    fn ods(rows: &[&[&str]], named: &str) -> Vec<u8> {
        use std::io::Write;
        let cell = |t: &str| match t.parse::<f64>() {
            Ok(v) => format!(
                r#"<table:table-cell office:value-type="float" office:value="{v}"><text:p>{t}</text:p></table:table-cell>"#
            ),
            Err(_) if t.is_empty() => "<table:table-cell/>".to_string(),
            Err(_) => {
                format!(r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#)
            }
        };
        let body: String = rows
            .iter()
            .map(|r| format!("<table:table-row>{}</table:table-row>", r.iter().map(|t| cell(t)).collect::<String>()))
            .collect();
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="依申请"><table:table-column/>{body}</table:table><table:named-expressions><table:named-range table:name="nianbao_absent_t3" table:base-cell-address="$依申请.$A$1" table:cell-range-address="{named}"/></table:named-expressions></office:spreadsheet></office:body></office:document-content>"#
        );
        let meta = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2"><office:meta><dc:title>示例局2023年政府信息公开工作年度报告</dc:title></office:meta></office:document-meta>"#;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
        let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
        for (name, data) in [("content.xml", content.as_str()), ("meta.xml", meta), ("META-INF/manifest.xml", manifest)]
        {
            zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(data.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn an_opendocument_spreadsheet_is_read_by_labels() {
        let bytes = ods(
            &[&["", "", "甲", "乙"], &["一、本年新收", "", "3", ""], &["（三）不予公开", "1.属于国家秘密", "1", "0"]],
            "$依申请.$D$2",
        );
        assert_eq!(crate::read::sniff(&bytes), crate::read::Format::Xlsx);
        let doc = read_xlsx(&bytes, "x.ods").unwrap();
        assert!(
            matches!(&doc.blocks[0], Block::Heading { text, .. } if text == "示例局2023年政府信息公开工作年度报告")
        );
        let t = tables(&doc);
        assert_eq!(
            texts(t[0]),
            strings(&[
                &["", "", "甲", "乙"],
                &["一、本年新收", "3", ""],
                &["（三）不予公开", "1.属于国家秘密", "1", "0"]
            ])
        );
        let declared = &t[0].rows[1][2];
        assert_eq!((declared.pos.row, declared.pos.col, declared.absent), (1, 3, true));
    }

    #[test]
    fn hostile_bytes_are_errors_not_panics() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"PK\x03\x04 not really a zip".to_vec(), "not a valid xlsx zip archive"),
            (CFB_SIGNATURE.iter().copied().chain([0u8; 504]).collect(), "a damaged workbook"),
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
