//! [`Origin`]: where a value was read, so every exported number can be traced back to its source.
//!
//! An origin is a [`Place`] in the source (a text line, a spreadsheet cell, a cell of the n-th table, of a table
//! on a page, or the sentence of the prose) and, for a value whose label did not place it, how it was placed
//! ([`Inference`]). Its printed form is part of the JSON contract and never changes:
//!
//! | place | printed |
//! |---|---|
//! | text line | `line 57` |
//! | spreadsheet cell | `Sheet!B12` |
//! | table cell (HTML, Word) | `table 2, row 5, cell 3` |
//! | table cell on a page (PDF) | `page 3, table 1, row 5, cell 2` |
//! | sentence | the sentence itself |
//! | placed by inference | the place, then ` (placed by template order and totals)` |
//!
//! Table, row, cell and page numbers are 1-based as printed; sheet rows and columns are 0-based like a sheet's
//! own coordinates and print as `A1` references.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use rust_xlsxwriter::utility::{column_name_to_number, row_col_to_cell};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Where a value was read, and how it was placed when its label did not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub place: Place,
    /// How the value was placed on the template when no label placed it; `None` for values placed by their label.
    pub inference: Option<Inference>,
}

/// A place in the source document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A line of a text source (1-based): `line 57`.
    Line(usize),
    /// A cell of a spreadsheet (0-based row and column): `Sheet!B12`.
    SheetCell { sheet: String, row: u32, col: u16 },
    /// A cell of the `table`-th table of the document (all 1-based): `table 2, row 5, cell 3`.
    TableCell { table: usize, row: usize, cell: usize },
    /// A cell of a table on a page (all 1-based): `page 3, table 1, row 5, cell 2`.
    PageCell { page: u32, table: usize, row: usize, cell: usize },
    /// A sentence of the prose, quoted as printed.
    Sentence(String),
}

/// How a value was placed on the template when its label did not place it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inference {
    /// The only placement consistent with the order of the template's rows and its arithmetic rules.
    TemplateOrderAndTotals,
}

impl Inference {
    /// Every inference, for reading printed origins back.
    const ALL: [Inference; 1] = [Inference::TemplateOrderAndTotals];

    /// The words printed after the place, in parentheses.
    pub fn as_str(self) -> &'static str {
        match self {
            Inference::TemplateOrderAndTotals => "placed by template order and totals",
        }
    }
}

impl Origin {
    /// `line 57`.
    pub fn line(line: usize) -> Origin {
        Place::Line(line).into()
    }

    /// `Sheet!B12`, from 0-based sheet coordinates.
    pub fn sheet_cell(sheet: &str, row: u32, col: u16) -> Origin {
        Place::SheetCell { sheet: sheet.to_string(), row, col }.into()
    }

    /// `table 2, row 5, cell 3`, 1-based.
    pub fn table_cell(table: usize, row: usize, cell: usize) -> Origin {
        Place::TableCell { table, row, cell }.into()
    }

    /// `page 3, table 1, row 5, cell 2`, 1-based.
    pub fn page_cell(page: u32, table: usize, row: usize, cell: usize) -> Origin {
        Place::PageCell { page, table, row, cell }.into()
    }

    /// The sentence a prose figure was stated in.
    pub fn sentence(text: &str) -> Origin {
        Place::Sentence(text.to_string()).into()
    }

    /// The same place, placed by `inference`.
    pub fn inferred(self, inference: Inference) -> Origin {
        Origin { inference: Some(inference), ..self }
    }

    /// Reads a printed origin back. Never fails: text that is no other kind of place is a sentence.
    pub fn parse(text: &str) -> Origin {
        for inference in Inference::ALL {
            let suffix = format!(" ({})", inference.as_str());
            if let Some(place) = text.strip_suffix(&suffix) {
                return Origin { place: Place::parse(place), inference: Some(inference) };
            }
        }
        Place::parse(text).into()
    }
}

impl From<Place> for Origin {
    fn from(place: Place) -> Origin {
        Origin { place, inference: None }
    }
}

static LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^line ([1-9]\d{0,18})$").expect("valid"));
static TABLE_CELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:page ([1-9]\d{0,9}), )?table ([1-9]\d{0,18}), row ([1-9]\d{0,18}), cell ([1-9]\d{0,18})$")
        .expect("valid")
});
static A1: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([A-Z]{1,3})([1-9]\d{0,6})$").expect("valid"));

impl Place {
    fn parse(text: &str) -> Place {
        let number = |m: Option<regex::Match>| m.and_then(|m| m.as_str().parse::<usize>().ok());
        if let Some(line) = LINE.captures(text).and_then(|c| number(c.get(1))) {
            return Place::Line(line);
        }
        if let Some(c) = TABLE_CELL.captures(text) {
            if let (Some(table), Some(row), Some(cell)) = (number(c.get(2)), number(c.get(3)), number(c.get(4))) {
                let page = c.get(1).and_then(|m| m.as_str().parse::<u32>().ok());
                return match page {
                    Some(page) => Place::PageCell { page, table, row, cell },
                    None => Place::TableCell { table, row, cell },
                };
            }
        }
        if let Some(place) = sheet_cell(text) {
            return place;
        }
        Place::Sentence(text.to_string())
    }
}

/// `Sheet!B12` with a non-empty sheet name and a plain `A1` reference.
fn sheet_cell(text: &str) -> Option<Place> {
    let (sheet, reference) = text.rsplit_once('!')?;
    let (row, col) = parse_a1(reference)?;
    (!sheet.is_empty()).then(|| Place::SheetCell { sheet: sheet.to_string(), row, col })
}

/// A plain `A1` reference (`B12`, no `$`) within a sheet's bounds, as 0-based `(row, column)`.
pub fn parse_a1(reference: &str) -> Option<(u32, u16)> {
    let caps = A1.captures(reference)?;
    let letters = caps.get(1)?.as_str();
    // Excel's last column is XFD (16384 columns); later names are no cell.
    if letters.len() == 3 && letters > "XFD" {
        return None;
    }
    let row = caps.get(2)?.as_str().parse::<u32>().ok()?.checked_sub(1)?;
    Some((row, column_name_to_number(letters)))
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

impl Place {
    /// The printed form (see the module's table), written to `w`. Numbers go out digit by digit rather than
    /// through the formatting machinery: bulk prints the origin of every cell of every report.
    fn write_to<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        match self {
            Place::Line(line) => {
                w.write_str("line ")?;
                write_uint(w, *line as u64)
            }
            Place::SheetCell { sheet, row, col } => write!(w, "{sheet}!{}", row_col_to_cell(*row, *col)),
            Place::TableCell { table, row, cell } => write_table_cell(w, *table, *row, *cell),
            Place::PageCell { page, table, row, cell } => {
                w.write_str("page ")?;
                write_uint(w, u64::from(*page))?;
                w.write_str(", ")?;
                write_table_cell(w, *table, *row, *cell)
            }
            Place::Sentence(text) => w.write_str(text),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

impl Origin {
    /// The printed form, written to `w` (a `String` as well as a formatter).
    pub fn write_to<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        self.place.write_to(w)?;
        if let Some(inference) = self.inference {
            w.write_str(" (")?;
            w.write_str(inference.as_str())?;
            w.write_str(")")?;
        }
        Ok(())
    }
}

/// `table 2, row 5, cell 3`.
fn write_table_cell<W: fmt::Write>(w: &mut W, table: usize, row: usize, cell: usize) -> fmt::Result {
    w.write_str("table ")?;
    write_uint(w, table as u64)?;
    w.write_str(", row ")?;
    write_uint(w, row as u64)?;
    w.write_str(", cell ")?;
    write_uint(w, cell as u64)
}

/// An unsigned integer in decimal, written to `w` without the formatting machinery.
pub fn write_uint<W: fmt::Write>(w: &mut W, mut n: u64) -> fmt::Result {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    w.write_str(std::str::from_utf8(&digits[start..]).unwrap_or_default())
}

impl Serialize for Origin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Origin {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|text| Origin::parse(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_print_as_the_formatter_prints_them() {
        for n in [0, 1, 9, 10, 99, 100, 4_294_967_295, 10_000_000_000_000_000_000, u64::MAX] {
            let mut ours = String::new();
            write_uint(&mut ours, n).unwrap();
            assert_eq!(ours, n.to_string());
        }
        let far = Origin::page_cell(u32::MAX, usize::MAX, 100, 1000);
        assert_eq!(far.to_string(), format!("page {}, table {}, row 100, cell 1000", u32::MAX, usize::MAX));
    }

    #[test]
    fn every_kind_of_place_prints_as_the_contract_says_and_reads_back() {
        let cases = [
            (Origin::line(57), "line 57"),
            (Origin::sheet_cell("依申请公开", 11, 9), "依申请公开!J12"),
            (Origin::sheet_cell("Sheet1", 0, 26), "Sheet1!AA1"),
            (Origin::table_cell(2, 5, 3), "table 2, row 5, cell 3"),
            (Origin::page_cell(3, 1, 5, 2), "page 3, table 1, row 5, cell 2"),
            (Origin::sentence("全年共受理政府信息公开申请12件"), "全年共受理政府信息公开申请12件"),
            (
                Origin::line(12).inferred(Inference::TemplateOrderAndTotals),
                "line 12 (placed by template order and totals)",
            ),
        ];
        for (origin, printed) in cases {
            assert_eq!(origin.to_string(), printed);
            assert_eq!(Origin::parse(printed), origin, "{printed}");
            let json = serde_json::to_string(&origin).expect("serialises");
            assert_eq!(serde_json::from_str::<Origin>(&json).expect("deserialises"), origin);
        }
    }

    #[test]
    fn text_that_only_resembles_a_place_is_a_sentence() {
        for text in ["line 0", "line 07", "表!B0", "!B2", "表!XFE1", "table 1, row 2", "共 12 件!"] {
            assert_eq!(Origin::parse(text), Origin::sentence(text), "{text}");
            assert_eq!(Origin::parse(text).to_string(), text);
        }
        assert_eq!(Origin::parse("a!b!C3"), Origin::sheet_cell("a!b", 2, 2));
    }
}
