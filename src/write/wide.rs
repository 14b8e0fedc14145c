//! Wide tables for `bulk`: one CSV per table of the form (`t2_wide.csv` …), one row per report read, one numeric
//! column per template cell, named by its key (`new_received.natural_person`), so a spreadsheet user filters and
//! sums without a pivot.
//!
//! The columns are the cells of every version of the form, in template order ([`union_cells`]): a cell only one
//! version has (gov2019's `regulations.newly_made`, gov2021's `regulations.issued`) is a column of its own, empty
//! for reports of the other version. A row holds a number only where the report printed one that the column can
//! hold: blank, not-applicable and absent cells are empty, and so is an amount of money printed without a unit
//! (its unit, and so its value in the column's unit, is unknown); `cells.csv` keeps every one of them with its state
//! and raw text. Numbers print with a decimal point ([`super::long::real_text`]).

use crate::report::{CellKey, CellState, Report, TableStatus, Unit};
use crate::template::{Catalog, ValueKind};

use super::long::push_real;
use super::record::{Holed, HoledBuilder};

/// The columns before the cells.
const LEADING: [&str; 6] = ["path", "agency", "year", "template", "status", "duplicate_of"];

/// The position of `duplicate_of` in a row.
const DUPLICATE_OF: usize = 5;

/// One wide table: a table key of the form and the cells of every version.
#[derive(Debug, Clone)]
pub struct WideTable {
    table: String,
    cells: Vec<CellKey>,
}

impl WideTable {
    /// The wide table of every table of `catalog`'s form, in form order.
    pub fn all(catalog: &Catalog) -> Vec<WideTable> {
        catalog
            .table_keys()
            .iter()
            .map(|table| WideTable { table: table.clone(), cells: union_cells(catalog, table) })
            .collect()
    }

    /// The file's name: `t2_wide.csv`.
    pub fn file_name(&self) -> String {
        format!("{}_wide.csv", self.table)
    }

    pub fn header(&self) -> Vec<String> {
        LEADING.iter().map(|c| c.to_string()).chain(self.cells.iter().map(|k| k.as_str().to_string())).collect()
    }

    /// A report's row: the table's status and template version, and a number for every cell that printed one.
    /// `duplicate_of` is filled later by [`set_duplicate_of`], once the batch knows it.
    pub fn row(&self, path: &str, report: &Report) -> Vec<String> {
        let mut row = Vec::with_capacity(LEADING.len() + self.cells.len());
        self.each_field(path, report, |field| row.push(field.to_string()));
        row
    }

    /// The row of [`WideTable::row`] encoded as CSV, with `duplicate_of` left to fill.
    pub fn encoded(&self, path: &str, report: &Report) -> Holed {
        let mut record = HoledBuilder::new(DUPLICATE_OF);
        self.each_field(path, report, |field| {
            record.field(field);
        });
        record.finish()
    }

    /// Hands every field of the row to `each`, in column order (`duplicate_of` empty).
    fn each_field(&self, path: &str, report: &Report, mut each: impl FnMut(&str)) {
        let table = report.tables.get(&self.table);
        let year = report.year.map(|y| y.to_string()).unwrap_or_default();
        let leading = [
            path,
            report.agency.as_deref().unwrap_or_default(),
            &year,
            table.and_then(|t| t.template.as_deref()).unwrap_or_default(),
            table.map_or(TableStatus::Absent, |t| t.status).as_str(),
            "",
        ];
        leading.into_iter().for_each(&mut each);
        let mut number = String::new();
        for key in &self.cells {
            number.clear();
            match table.and_then(|t| t.cells.get(key)) {
                Some(c) if c.state == CellState::Value && c.unit != Unit::Unstated => {
                    if let Some(v) = c.value {
                        push_real(&mut number, v.as_f64());
                    }
                }
                _ => {}
            }
            each(&number);
        }
    }
}

/// Sets the `duplicate_of` column of a wide row.
pub fn set_duplicate_of(row: &mut [String], duplicate_of: &str) {
    if let Some(cell) = row.get_mut(DUPLICATE_OF) {
        *cell = duplicate_of.to_string();
    }
}

/// The cells of a table across every version of `catalog`, in template order: the rows of every version merged
/// in order, and within a row its columns of every version merged in order ([`merge_in_order`], oldest version
/// first). gov2019's and gov2021's `regulations` give `newly_made, newly_published, total_published, issued,
/// repealed, in_force`; 表三's gov2019 `other_processing` comes before gov2021's three rows of （六）.
pub fn union_cells(catalog: &Catalog, table: &str) -> Vec<CellKey> {
    let specs: Vec<_> = catalog.all().iter().filter_map(|t| t.table(table)).collect();
    let rows = merge_in_order(specs.iter().map(|s| s.rows.iter().map(|r| r.key.clone()).collect()));
    rows.iter()
        .flat_map(|row| {
            let columns = merge_in_order(specs.iter().filter_map(|s| s.row(row)).map(|r| r.columns.clone()));
            columns.into_iter().map(move |col| CellKey::new(row, &col))
        })
        .collect()
}

/// The value kind of a cell in the newest version that has it.
pub fn value_kind(catalog: &Catalog, table: &str, cell: &CellKey) -> Option<ValueKind> {
    catalog.all().iter().rev().find_map(|t| t.table(table)?.column(cell.col()).map(|c| c.kind))
}

/// The union of lists, each item once, keeping every list's order: an item a list adds goes before the next item
/// of that list already placed (after the earlier lists' items in the same gap), or at the end.
pub fn merge_in_order<T: PartialEq + Clone>(lists: impl IntoIterator<Item = Vec<T>>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for list in lists {
        for (i, item) in list.iter().enumerate() {
            if out.contains(item) {
                continue;
            }
            let anchor = list.get(i + 1..).into_iter().flatten().find_map(|next| out.iter().position(|x| x == next));
            match anchor {
                Some(at) => out.insert(at, item.clone()),
                None => out.push(item.clone()),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(cells: &[CellKey]) -> Vec<&str> {
        cells.iter().map(CellKey::as_str).collect()
    }

    #[test]
    fn lists_merge_in_every_list_order() {
        let merged = merge_in_order([vec!["a", "b", "x", "c"], vec!["a", "b", "y", "z", "c", "d"], vec!["e", "a"]]);
        assert_eq!(merged, ["e", "a", "b", "x", "y", "z", "c", "d"]);
    }

    #[test]
    fn the_columns_are_the_cells_of_every_version() {
        let catalog = Catalog::embedded();
        let t2 = union_cells(catalog, "t2");
        assert_eq!(t2.len(), 22 + 10 - 3, "three cells are in both versions");
        assert_eq!(
            keys(&t2[..6]),
            [
                "regulations.newly_made",
                "regulations.newly_published",
                "regulations.total_published",
                "regulations.issued",
                "regulations.repealed",
                "regulations.in_force"
            ]
        );
        let t3 = union_cells(catalog, "t3");
        assert_eq!(t3.len(), 7 * 26);
        let other: Vec<&str> =
            keys(&t3).into_iter().filter(|k| k.ends_with(".total") && k.starts_with("other")).collect();
        assert_eq!(
            other,
            ["other_processing.total", "other_no_correction.total", "other_fee_unpaid.total", "other_misc.total"]
        );
        assert_eq!(union_cells(catalog, "t4").len(), 15);
    }

    #[test]
    fn only_printed_numbers_fill_a_row() {
        let report = crate::inspect_bytes(
            "二、主动公开政府信息情况\n信息内容 本年处理决定数量\n行政许可 5\n行政强制 /\n".as_bytes(),
            "a.txt",
        )
        .expect("readable");
        let table = &WideTable::all(Catalog::embedded())[0];
        let header = table.header();
        let mut row = table.row("a.txt", &report);
        assert_eq!(row.len(), header.len());
        let at = |key: &str| header.iter().position(|h| h == key).expect("column");
        assert_eq!(row[at("admin_licensing.decisions")], "5.0");
        assert_eq!(row[at("admin_coercion.decisions")], "", "na is empty");
        assert_eq!(row[at("admin_penalty.decisions")], "", "absent is empty");
        set_duplicate_of(&mut row, "b.txt");
        assert_eq!(row[at("duplicate_of")], "b.txt");
        // The encoded row, filled, is the CSV record of the same fields.
        let mut encoded = Vec::new();
        table.encoded("a.txt", &report).fill_into(&mut encoded, "b.txt");
        let mut expected = Vec::new();
        crate::write::record::push_record(&mut expected, &row);
        assert_eq!(String::from_utf8(encoded).unwrap(), String::from_utf8(expected).unwrap());
    }
}
