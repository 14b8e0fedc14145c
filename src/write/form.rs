//! The geometry of one table's worksheet: where the official form's cells go, and where the live checks go.
//!
//! Everything here is computed from the template: the form from its `layout` (placed with
//! [`crate::doc::layout_grid`], HTML span semantics), the checks from its `rules` (through
//! [`crate::rules::equations`]). The XLSX writer draws this plan and the validator can ask it where a cell is, so
//! both agree on positions by construction. No report values are involved; no file is written.
//!
//! Sheet plan, 0-based rows and columns:
//!
//! * row 0: the table title, merged across the form;
//! * row 1: empty;
//! * rows 2…: the form, exactly as laid out in the template;
//! * right of the form, after one empty column: one check column per rule whose equations each lie in one row
//!   (R3: `总计` = the six applicant columns);
//! * below the form, after one empty row: one check row per other rule (R1, R2 per column; R4 under 表四's
//!   `总计` columns), its check cells under the cells they check.

use crate::hash::HashMap;

use crate::doc::{layout_grid, Slot};
use crate::report::CellKey;
use crate::rules::{self, Equation};
use crate::template::{LayoutCell, TableSpec};

/// Row of the table title.
pub const TITLE_ROW: u32 = 0;
/// Row where the form starts.
pub const FORM_TOP: u32 = 2;

/// What a placed cell of the form holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Printed text: a caption, header or row label.
    Text(String),
    /// The value cell `<row>.<col>`.
    Value(CellKey),
}

/// A cell of the form at its sheet position, with its spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub row: u32,
    pub col: u16,
    pub rowspan: u32,
    pub colspan: u16,
    pub content: Content,
    /// True for text in a value row (row labels), false for captions and headers.
    pub is_label: bool,
}

impl Placed {
    pub fn last_row(&self) -> u32 {
        self.row + self.rowspan - 1
    }

    pub fn last_col(&self) -> u16 {
        self.col + self.colspan - 1
    }
}

/// One live check: a formula cell that recomputes one equation of a rule.
#[derive(Debug, Clone)]
pub struct CheckCell {
    pub row: u32,
    pub col: u16,
    pub equation: Equation,
    /// Sheet positions of the equation's left-hand and right-hand cells.
    pub lhs: Vec<(u32, u16)>,
    pub rhs: Vec<(u32, u16)>,
}

/// A caption for a group of check cells: the header of a check column or the label of a check row.
#[derive(Debug, Clone)]
pub struct CheckLabel {
    pub row: u32,
    pub col: u16,
    pub rowspan: u32,
    pub colspan: u16,
    pub text: String,
    /// Rule id this label describes.
    pub rule: String,
}

/// The complete plan of a table's sheet.
#[derive(Debug, Clone)]
pub struct Form {
    pub cells: Vec<Placed>,
    /// Width of the form in columns.
    pub width: u16,
    /// Height of the form in rows.
    pub height: u32,
    /// Number of leading columns that hold labels only (left of every value cell).
    pub label_cols: u16,
    /// First row of the form that holds values, if any.
    pub first_value_row: Option<u32>,
    /// True when every caption/header row of the form lies above the first value row (表三, 表四), so freezing
    /// the panes there keeps the right headers in view.
    pub headers_on_top: bool,
    pub checks: Vec<CheckCell>,
    pub check_labels: Vec<CheckLabel>,
    /// Columns used by check columns (right of the form).
    pub check_cols: Vec<u16>,
    /// Rows used by check rows (below the form).
    pub check_rows: Vec<u32>,
    positions: HashMap<CellKey, (u32, u16)>,
}

impl Form {
    /// Plans the sheet of a table. Rules whose cells are not all on the form are left out (the template tests
    /// make sure that does not happen for the shipped templates).
    pub fn new(spec: &TableSpec) -> Form {
        let mut form = place(spec);
        let equations = rules::equations(spec).unwrap_or_default();
        plan_checks(&mut form, spec, &equations);
        form
    }

    /// Sheet position `(row, col)` of the value cell `<row>.<col>` (a [`CellKey`] or its printed form).
    pub fn position<K: AsRef<str> + ?Sized>(&self, cell_key: &K) -> Option<(u32, u16)> {
        self.positions.get(cell_key.as_ref()).copied()
    }

    /// The value cells in form order.
    pub fn value_cells(&self) -> impl Iterator<Item = (&Placed, &CellKey)> {
        self.cells.iter().filter_map(|p| match &p.content {
            Content::Value(key) => Some((p, key)),
            Content::Text(_) => None,
        })
    }

    /// Last column used by the form or its checks.
    pub fn last_used_col(&self) -> u16 {
        let labels = self.check_labels.iter().map(|l| l.col + l.colspan - 1);
        self.check_cols.iter().copied().chain(labels).fold(self.width.saturating_sub(1), u16::max)
    }
}

/// Places the layout rows on the sheet.
fn place(spec: &TableSpec) -> Form {
    let grid =
        layout_grid(spec.layout.iter().map(|r| r.cells.iter().map(|c| (c.rowspan, c.colspan)).collect::<Vec<_>>()));
    let mut cells = Vec::new();
    let mut positions = HashMap::default();
    let width = grid.first().map_or(0, Vec::len);
    let mut first_value_row = None;
    let mut last_header_row = None;
    for (r, grid_row) in grid.iter().enumerate() {
        for (c, slot) in grid_row.iter().enumerate() {
            let Slot::Origin { row, index } = *slot else {
                continue;
            };
            let Some(layout_row) = spec.layout.get(row) else {
                continue;
            };
            let Some(cell) = layout_row.cells.get(index) else {
                continue;
            };
            let sheet_row = FORM_TOP + r as u32;
            let sheet_col = c as u16;
            let content = content(cell, layout_row.row.as_deref());
            if let Content::Value(key) = &content {
                positions.insert(key.clone(), (sheet_row, sheet_col));
            }
            cells.push(Placed {
                row: sheet_row,
                col: sheet_col,
                rowspan: cell.rowspan.max(1),
                colspan: cell.colspan.max(1) as u16,
                content,
                is_label: layout_row.row.is_some(),
            });
        }
        if spec.layout.get(r).is_some_and(|l| l.row.is_some()) {
            first_value_row.get_or_insert(FORM_TOP + r as u32);
        } else if r < spec.layout.len() {
            last_header_row = Some(FORM_TOP + r as u32);
        }
    }
    let label_cols =
        cells.iter().filter(|p| matches!(p.content, Content::Value { .. })).map(|p| p.col).min().unwrap_or(0);
    let headers_on_top = match (first_value_row, last_header_row) {
        (Some(v), Some(h)) => h < v,
        _ => true,
    };
    Form {
        cells,
        width: width as u16,
        height: grid.len() as u32,
        label_cols,
        first_value_row,
        headers_on_top,
        checks: Vec::new(),
        check_labels: Vec::new(),
        check_cols: Vec::new(),
        check_rows: Vec::new(),
        positions,
    }
}

fn content(cell: &LayoutCell, row: Option<&str>) -> Content {
    match (&cell.value, row) {
        (Some(col), Some(row)) => Content::Value(CellKey::new(row, col)),
        _ => Content::Text(cell.text.clone().unwrap_or_default()),
    }
}

/// Places every rule's check cells: a check column for rules that check rows one by one, check rows below the
/// form for the others.
fn plan_checks(form: &mut Form, spec: &TableSpec, equations: &[Equation]) {
    let mut rule_ids: Vec<&str> = Vec::new();
    for eq in equations {
        if !rule_ids.contains(&eq.rule.as_str()) {
            rule_ids.push(&eq.rule);
        }
    }
    let form_bottom = FORM_TOP + form.height; // first row below the form
    let form_right = form.width; // first column right of the form
    let mut row_rules: Vec<(&str, Vec<CheckCell>)> = Vec::new();
    let mut col_rules: Vec<(&str, Vec<CheckCell>)> = Vec::new();
    for id in rule_ids {
        let placed: Vec<CheckCell> = equations
            .iter()
            .filter(|e| e.rule == id)
            .filter_map(|e| {
                let lhs = e.lhs.iter().map(|k| form.position(k)).collect::<Option<Vec<_>>>()?;
                let rhs = e.rhs.iter().map(|k| form.position(k)).collect::<Option<Vec<_>>>()?;
                Some(CheckCell { row: 0, col: 0, equation: e.clone(), lhs, rhs })
            })
            .collect();
        if placed.is_empty() {
            continue;
        }
        let one_row_each = placed.iter().all(|c| c.lhs.iter().chain(&c.rhs).all(|p| p.0 == c.lhs[0].0));
        let mut rows: Vec<u32> = placed.iter().map(|c| c.lhs[0].0).collect();
        rows.sort_unstable();
        rows.dedup();
        if one_row_each && rows.len() == placed.len() && placed.len() > 1 {
            row_rules.push((id, placed));
        } else {
            col_rules.push((id, placed));
        }
    }

    // Check columns, right of the form after one empty column.
    for (i, (id, cells)) in row_rules.into_iter().enumerate() {
        let col = form_right + 1 + i as u16;
        form.check_cols.push(col);
        let top = FORM_TOP;
        let header_rows = form.first_value_row.map_or(1, |v| (v - top).max(1));
        form.check_labels.push(CheckLabel {
            row: top,
            col,
            rowspan: header_rows,
            colspan: 1,
            text: format!("核对 {id}"),
            rule: id.to_string(),
        });
        for mut cell in cells {
            cell.row = cell.lhs[0].0;
            cell.col = col;
            form.checks.push(cell);
        }
    }

    // Check rows, below the form after one empty row; labels in the label columns, or right of the form when
    // the form has none (表四).
    let right_label_col = form.check_cols.last().map_or(form_right, |c| c + 1) + 1;
    let mut next_row = form_bottom + 1;
    for (id, cells) in col_rules {
        let text = check_row_label(spec, id, cells.first().map(|c| &c.equation));
        let mut taken: Vec<Vec<u16>> = Vec::new();
        let first_row = next_row;
        for mut cell in cells {
            let col = cell.lhs[0].1;
            let slot = match taken.iter().position(|cols| !cols.contains(&col)) {
                Some(i) => i,
                None => {
                    taken.push(Vec::new());
                    taken.len() - 1
                }
            };
            if let Some(cols) = taken.get_mut(slot) {
                cols.push(col);
            }
            cell.row = first_row + slot as u32;
            cell.col = col;
            form.checks.push(cell);
        }
        for i in 0..taken.len() as u32 {
            let row = first_row + i;
            form.check_rows.push(row);
            let (col, colspan) = if form.label_cols > 0 { (0, form.label_cols) } else { (right_label_col, 1) };
            form.check_labels.push(CheckLabel {
                row,
                col,
                rowspan: 1,
                colspan,
                text: text.clone(),
                rule: id.to_string(),
            });
        }
        next_row = first_row + taken.len() as u32;
    }
}

/// `核对 R1：一＋二＝（七）＋四` when every row of the equation has a numbered label, else `核对 R1`.
///
/// The label describes the equation by the rows' printed numbering only, so it never repeats a row label or
/// header word of the form: a reader that maps rows by their labels cannot take a check row for a form row.
fn check_row_label(spec: &TableSpec, id: &str, equation: Option<&Equation>) -> String {
    let plain = format!("核对 {id}");
    let Some(eq) = equation else { return plain };
    let side = |keys: &[CellKey]| -> Option<String> {
        let numbers = keys.iter().map(|k| row_number(spec, k.row())).collect::<Option<Vec<_>>>()?;
        let mut uniq: Vec<String> = Vec::new();
        for n in numbers {
            if !uniq.contains(&n) {
                uniq.push(n);
            }
        }
        match uniq.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            [first, .., last] if uniq.len() > 4 => Some(format!("{first}至{last}之和")),
            many => Some(many.join("＋")),
        }
    };
    match (side(&eq.lhs), side(&eq.rhs)) {
        (Some(l), Some(r)) if l != r => format!("{plain}：{l}＝{r}"),
        _ => plain,
    }
}

/// The printed numbering of a row: `一` for `一、本年新收…`, `（七）` for `（七）总计`, `（三）1` for item 1 of
/// group `（三）不予公开`.
fn row_number(spec: &TableSpec, row_key: &str) -> Option<String> {
    let row = spec.row(row_key)?;
    if let Some(n) = leading_number(&row.label) {
        if n.starts_with(|c: char| c.is_ascii_digit()) {
            let group = row.group.as_deref().and_then(|g| spec.groups.iter().find(|x| x.key == g))?;
            return Some(format!("{}{n}", leading_number(&group.label)?));
        }
        return Some(n);
    }
    None
}

fn leading_number(label: &str) -> Option<String> {
    const NUMERALS: &str = "一二三四五六七八九十";
    let mut chars = label.chars();
    let first = chars.next()?;
    if first == '（' || first == '(' {
        let inner: String = chars.by_ref().take_while(|c| *c != '）' && *c != ')').collect();
        if !inner.is_empty() && inner.chars().all(|c| NUMERALS.contains(c)) {
            return Some(format!("（{inner}）"));
        }
        return None;
    }
    if NUMERALS.contains(first) {
        let numeral: String = label.chars().take_while(|c| NUMERALS.contains(*c)).collect();
        let rest = label.get(numeral.len()..)?;
        return rest.starts_with('、').then_some(numeral);
    }
    if first.is_ascii_digit() {
        let digits: String = label.chars().take_while(char::is_ascii_digit).collect();
        let rest = label.get(digits.len()..)?;
        return (rest.starts_with('.') || rest.starts_with('．')).then_some(digits);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::compact;
    use crate::template;

    fn spec(version: &str, table: &str) -> &'static TableSpec {
        template::by_version(version).and_then(|t| t.table(table)).expect("table exists")
    }

    #[test]
    fn t3_cells_sit_where_the_official_form_puts_them() {
        let form = Form::new(spec("gov2021", "t3"));
        assert_eq!((form.width, form.height, form.label_cols), (10, 28, 3));
        // Three header rows, then 一 on the fourth row of the form (sheet row 5 in A1 terms).
        assert_eq!(form.position("new_received.natural_person"), Some((5, 3)));
        assert_eq!(form.position("new_received.total"), Some((5, 9)));
        assert_eq!(form.position("carried_forward.total"), Some((29, 9)));
        assert_eq!(form.first_value_row, Some(5));
        assert!(form.headers_on_top);
        let note = &form.cells[0];
        assert_eq!((note.row, note.col, note.rowspan, note.colspan), (2, 0, 3, 3));
    }

    #[test]
    fn t2_keeps_its_interleaved_block_headers() {
        let form = Form::new(spec("gov2019", "t2"));
        assert_eq!(form.width, 4);
        assert_eq!(form.position("admin_fees.change_this_year"), Some((2 + 14, 2)));
        assert_eq!(form.position("centralized_procurement.procurement_amount"), Some((2 + 17, 2)));
        assert!(!form.headers_on_top);
        assert!(form.checks.is_empty());
    }

    #[test]
    fn r3_gets_a_check_column_and_r1_r2_check_rows() {
        let form = Form::new(spec("gov2021", "t3"));
        assert_eq!(form.check_cols, vec![11]);
        assert_eq!(form.check_rows, vec![31, 32]);
        let r3: Vec<&CheckCell> = form.checks.iter().filter(|c| c.equation.rule == "R3").collect();
        assert_eq!(r3.len(), 25);
        assert!(r3.iter().all(|c| c.col == 11 && c.row == c.lhs[0].0));
        let r1_total =
            form.checks.iter().find(|c| c.equation.rule == "R1" && c.equation.binding == "total").expect("R1 total");
        assert_eq!((r1_total.row, r1_total.col), (31, 9));
        let labels: Vec<&str> = form.check_labels.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(labels, vec!["核对 R3", "核对 R1：一＋二＝（七）＋四", "核对 R2：（七）＝（一）至（六）3之和"]);
    }

    #[test]
    fn r4_checks_sit_under_the_three_total_columns_with_the_label_right_of_the_form() {
        let form = Form::new(spec("gov2021", "t4"));
        assert_eq!((form.width, form.height, form.label_cols), (15, 4, 0));
        let cols: Vec<(u32, u16)> = form.checks.iter().map(|c| (c.row, c.col)).collect();
        assert_eq!(cols, vec![(7, 4), (7, 9), (7, 14)]);
        let label = form.check_labels.first().expect("label");
        assert_eq!((label.row, label.col, label.text.as_str()), (7, 16, "核对 R4"));
    }

    /// The check labels must not read as a row or column of any table to a reader that maps by labels.
    #[test]
    fn check_labels_carry_no_label_or_cue_of_any_template() {
        let mut words: Vec<String> = Vec::new();
        for t in template::all() {
            for s in &t.tables {
                words.extend(s.cues.iter().chain(&s.version_cues).cloned());
                for r in &s.rows {
                    words.extend(r.patterns.iter().cloned());
                    if !r.label.is_empty() {
                        words.push(r.label.clone());
                    }
                }
                for g in &s.groups {
                    words.extend(g.patterns.iter().cloned());
                }
                for c in &s.columns {
                    words.push(c.label.clone());
                    words.extend(c.aliases.iter().cloned());
                }
            }
        }
        let words: Vec<String> = words.iter().map(|w| compact(w)).filter(|w| !w.is_empty()).collect();
        for t in template::all() {
            for s in &t.tables {
                for label in Form::new(s).check_labels {
                    let text = compact(&label.text);
                    for w in &words {
                        assert!(!text.contains(w.as_str()), "{} {}: `{}` contains `{w}`", t.version, s.key, label.text);
                    }
                }
            }
        }
    }
}
