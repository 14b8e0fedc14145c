//! Printed names of template cells, for messages: the row label and the column headers a reader of the official
//! form sees above and beside a value cell (`「（七）总计」行「自然人」列`, `「行政复议/总计」`).
//!
//! Everything is derived from the template's `rows`, `groups` and `layout`; no label is written here.

use crate::hash::HashMap;

use crate::doc::{layout_grid, Slot};
use crate::report::CellKey;
use crate::template::TableSpec;

/// Printed names of one table's rows and value cells.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    /// Row key → row label, prefixed with its group label (`（六）其他处理 3.其他`); empty for unlabelled rows.
    rows: HashMap<String, String>,
    /// Cell key (`<row>.<col>`) → column headers above the cell, most general first, joined by `/`.
    columns: HashMap<CellKey, String>,
}

impl Labels {
    /// Builds the names of every row and value cell of `spec` from its layout.
    pub fn new(spec: &TableSpec) -> Self {
        let mut rows = HashMap::default();
        for row in &spec.rows {
            let group =
                row.group.as_deref().and_then(|g| spec.groups.iter().find(|x| x.key == g)).map(|g| g.label.as_str());
            let label = match group {
                Some(g) if !row.label.is_empty() => format!("{g} {}", row.label),
                _ => row.label.clone(),
            };
            rows.insert(row.key.clone(), label);
        }
        Labels { rows, columns: column_headers(spec) }
    }

    /// The printed row label, empty for the unlabelled row of 表四.
    pub fn row(&self, row_key: &str) -> &str {
        self.rows.get(row_key).map(String::as_str).unwrap_or("")
    }

    /// The column headers above a cell (`自然人`, `法人或其他组织/商业企业`), or the column key when the layout
    /// does not draw the cell.
    pub fn column<'a>(&'a self, cell_key: &'a CellKey) -> &'a str {
        self.columns.get(cell_key).map_or(cell_key.col(), String::as_str)
    }

    /// A cell as a reader of the form names it: `「（七）总计」行「自然人」列`, or `「行政复议/总计」` in a row
    /// printed without a label.
    pub fn cell(&self, cell_key: &CellKey) -> String {
        let row = self.row(cell_key.row());
        let column = self.column(cell_key);
        if row.is_empty() {
            format!("「{column}」")
        } else {
            format!("「{row}」行「{column}」列")
        }
    }
}

/// For every value cell of the layout, the header texts printed above it: walking up from its value row past
/// other value rows to the nearest block of header rows. A header spanning every value column of the row (a
/// block caption such as `第二十条第（一）项`, or `申请人情况`) says nothing about the column and is left out,
/// unless it is the only one.
fn column_headers(spec: &TableSpec) -> HashMap<CellKey, String> {
    let grid =
        layout_grid(spec.layout.iter().map(|r| r.cells.iter().map(|c| (c.rowspan, c.colspan)).collect::<Vec<_>>()));
    let cell = |slot: Slot| match slot {
        Slot::Origin { row, index } | Slot::Covered { row, index, .. } => {
            spec.layout.get(row).and_then(|r| r.cells.get(index)).map(|c| ((row, index), c))
        }
        Slot::Empty => None,
    };
    let mut out = HashMap::default();
    for (y, layout_row) in spec.layout.iter().enumerate() {
        let Some(row_key) = &layout_row.row else {
            continue;
        };
        let Some(grid_row) = grid.get(y) else {
            continue;
        };
        // The grid columns holding this row's values.
        let value_columns: Vec<usize> = grid_row
            .iter()
            .enumerate()
            .filter(|(_, s)| cell(**s).is_some_and(|(_, c)| c.value.is_some()))
            .map(|(x, _)| x)
            .collect();
        for (x, slot) in grid_row.iter().enumerate() {
            let Slot::Origin { .. } = slot else {
                continue;
            };
            let Some((_, value_cell)) = cell(*slot) else {
                continue;
            };
            let Some(col_key) = &value_cell.value else {
                continue;
            };
            let mut headers: Vec<(String, bool)> = Vec::new();
            let mut seen: Vec<(usize, usize)> = Vec::new();
            let mut in_header = false;
            for up in (0..y).rev() {
                let is_value_row = spec.layout.get(up).is_some_and(|r| r.row.is_some());
                if is_value_row {
                    if in_header {
                        break;
                    }
                    continue;
                }
                in_header = true;
                let Some(slot) = grid.get(up).and_then(|r| r.get(x)) else {
                    continue;
                };
                let Some((id, header)) = cell(*slot) else {
                    continue;
                };
                let Some(text) = &header.text else {
                    continue;
                };
                if seen.contains(&id) {
                    continue;
                }
                seen.push(id);
                let spans_all = value_columns.iter().all(|vx| {
                    grid.get(up).and_then(|r| r.get(*vx)).and_then(|s| cell(*s)).is_some_and(|(o, _)| o == id)
                });
                headers.push((text.clone(), spans_all));
            }
            headers.reverse();
            let specific: Vec<&str> = headers.iter().filter(|(_, all)| !all).map(|(t, _)| t.as_str()).collect();
            let name = if specific.is_empty() {
                headers.last().map(|(t, _)| t.clone()).unwrap_or_else(|| col_key.clone())
            } else {
                specific.join("/")
            };
            out.insert(CellKey::new(row_key, col_key), name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template;

    fn key(text: &str) -> CellKey {
        CellKey::parse(text).expect("cell key")
    }

    fn labels(version: &str, table: &str) -> Labels {
        Labels::new(template::by_version(version).and_then(|t| t.table(table)).expect("table"))
    }

    #[test]
    fn table_three_columns_and_rows_use_the_printed_labels() {
        let l = labels("gov2021", "t3");
        assert_eq!(l.column(&key("results_total.natural_person")), "自然人");
        assert_eq!(l.column(&key("granted.commercial_enterprise")), "法人或其他组织/商业企业");
        assert_eq!(l.column(&key("carried_forward.total")), "总计");
        assert_eq!(l.row("other_misc"), "（六）其他处理 3.其他");
        assert_eq!(l.cell(&key("results_total.natural_person")), "「（七）总计」行「自然人」列");
    }

    #[test]
    fn table_four_names_the_group_of_each_total() {
        let l = labels("gov2019", "t4");
        assert_eq!(l.column(&key("cases.review_total")), "行政复议/总计");
        assert_eq!(l.column(&key("cases.suit_direct_pending")), "行政诉讼/未经复议直接起诉/尚未审结");
        assert_eq!(l.cell(&key("cases.suit_after_review_total")), "「行政诉讼/复议后起诉/总计」");
    }

    #[test]
    fn table_two_uses_the_header_of_its_own_block() {
        let l = labels("gov2021", "t2");
        assert_eq!(l.column(&key("regulations.issued")), "本年制发件数");
        assert_eq!(l.column(&key("admin_coercion.decisions")), "本年处理决定数量");
        assert_eq!(l.column(&key("admin_fees.fee_amount")), "本年收费金额（单位：万元）");
        let l = labels("gov2019", "t2");
        assert_eq!(l.column(&key("admin_fees.change_this_year")), "本年增/减");
        assert_eq!(
            l.cell(&key("centralized_procurement.procurement_amount")),
            "「政府集中采购」行「采购总金额（单位：万元）」列"
        );
    }
}
