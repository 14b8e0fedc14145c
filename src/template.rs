//! The official table templates, loaded from the TOML files in `templates/`.
//!
//! This module owns the *schema* of a template file and the lookups the rest of the program needs (which
//! columns a row has, which version applies to a year). It knows nothing about any particular row label: every
//! label, alias, header cell and arithmetic rule lives in the data files, which are embedded in the binary so it
//! runs with no files beside it.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::report::CellKey;

/// The template files, embedded at build time. A new revision of the official form is a new file here.
const EMBEDDED: &[(&str, &str)] =
    &[("gov2019", include_str!("../templates/gov2019.toml")), ("gov2021", include_str!("../templates/gov2021.toml"))];

static TEMPLATES: LazyLock<Vec<Template>> = LazyLock::new(|| {
    EMBEDDED
        .iter()
        .map(|(name, text)| {
            // The embedded files are part of the build and are checked by the unit tests below, so a parse
            // failure here is a build defect, not a user input problem.
            toml::from_str::<Template>(text).unwrap_or_else(|e| panic!("embedded template {name} is invalid: {e}"))
        })
        .collect()
});

/// All known template versions, oldest first.
pub fn all() -> &'static [Template] {
    &TEMPLATES
}

/// The template with this version key (`gov2019`, `gov2021`).
pub fn by_version(version: &str) -> Option<&'static Template> {
    all().iter().find(|t| t.version == version)
}

/// The template that applies to reports about `year`, if any (reports before 2019 have none).
pub fn for_year(year: i32) -> Option<&'static Template> {
    all()
        .iter()
        .filter(|t| year >= t.first_year && t.last_year.is_none_or(|last| year <= last))
        .max_by_key(|t| t.first_year)
}

/// One version of the official form: its three tables.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Template {
    /// Machine key, e.g. `gov2021`.
    pub version: String,
    /// The instrument that defines it, as printed.
    pub name: String,
    /// First report year this version applies to.
    pub first_year: i32,
    /// Last report year, if superseded.
    #[serde(default)]
    pub last_year: Option<i32>,
    pub tables: Vec<TableSpec>,
}

impl Template {
    pub fn table(&self, key: &str) -> Option<&TableSpec> {
        self.tables.iter().find(|t| t.key == key)
    }
}

/// One standard table (`t2`, `t3`, `t4`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TableSpec {
    /// `t2`, `t3` or `t4`.
    pub key: String,
    /// The section title the table belongs to, e.g. `二、主动公开政府信息情况`.
    pub title: String,
    /// Worksheet name used by the writers, e.g. `主动公开`.
    pub sheet: String,
    /// Substrings (compared on normalised compact text) that identify a source row as part of this table in any
    /// version: header words, block captions, distinctive row labels.
    pub cues: Vec<String>,
    /// Substrings that only this version of the table prints; they decide the version of a found table.
    #[serde(default)]
    pub version_cues: Vec<String>,
    pub columns: Vec<ColumnSpec>,
    /// Groups of rows that share a printed group label, e.g. `（三）不予公开`.
    #[serde(default)]
    pub groups: Vec<GroupSpec>,
    /// Value rows in official order.
    pub rows: Vec<RowSpec>,
    /// The official form, row by row, for writers that draw it.
    pub layout: Vec<LayoutRow>,
    /// Arithmetic rules over this table's cells.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

impl TableSpec {
    pub fn column(&self, key: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.key == key)
    }

    pub fn row(&self, key: &str) -> Option<&RowSpec> {
        self.rows.iter().find(|r| r.key == key)
    }

    /// Every cell key (`<row>.<col>`) of this table, in official order.
    pub fn cell_keys(&self) -> Vec<CellKey> {
        self.rows.iter().flat_map(|r| r.columns.iter().map(move |c| CellKey::new(&r.key, c))).collect()
    }

    /// Number of value cells in this table.
    pub fn cell_count(&self) -> usize {
        self.rows.iter().map(|r| r.columns.len()).sum()
    }

    /// Columns in the order they first appear across rows: the physical order of value columns.
    pub fn ordered_columns(&self) -> Vec<&ColumnSpec> {
        let mut seen: Vec<&str> = Vec::new();
        for row in &self.rows {
            for col in &row.columns {
                if !seen.contains(&col.as_str()) {
                    seen.push(col);
                }
            }
        }
        seen.iter().filter_map(|k| self.column(k)).collect()
    }
}

/// How a cell's value is to be read and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// Non-negative whole number (件).
    Count,
    /// Whole number that may be negative (本年增/减).
    SignedCount,
    /// Non-negative amount of money, reported in the column's `unit`.
    Money,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ColumnSpec {
    /// Machine key (reference §7), e.g. `natural_person`.
    pub key: String,
    /// Printed label in the official form.
    pub label: String,
    /// Other printed forms seen in the wild.
    #[serde(default)]
    pub aliases: Vec<String>,
    pub kind: ValueKind,
    /// Template unit of the value (money columns: `万元`).
    #[serde(default)]
    pub unit: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct GroupSpec {
    pub key: String,
    /// Printed group label, e.g. `（三）不予公开`.
    pub label: String,
    /// Distinctive substrings of the group label (normalised compact text).
    #[serde(rename = "match")]
    pub patterns: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RowSpec {
    /// Machine key (reference §7), e.g. `new_received`.
    pub key: String,
    /// Printed label in the official form (the most specific label cell).
    pub label: String,
    /// Distinctive substrings of the label (normalised compact text); the longest match wins.
    #[serde(rename = "match", default)]
    pub patterns: Vec<String>,
    /// The group this row belongs to, if any.
    #[serde(default)]
    pub group: Option<String>,
    /// Match this row's patterns only while its group label is the current context (for generic labels such
    /// as `3.其他`).
    #[serde(default)]
    pub needs_group: bool,
    /// The row is printed without a label (表四's single data row): an unlabelled value row in this table is it.
    #[serde(default)]
    pub unlabelled: bool,
    /// Column keys of this row's value cells, in printed order.
    pub columns: Vec<String>,
}

/// One row of the official form as printed: captions, headers and value rows.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct LayoutRow {
    /// The value row drawn here, if this is a value row.
    #[serde(default)]
    pub row: Option<String>,
    /// Cells from left to right, skipping positions covered by a span from a row above (as in HTML).
    pub cells: Vec<LayoutCell>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct LayoutCell {
    /// Literal text (caption, header, row label, note).
    #[serde(default)]
    pub text: Option<String>,
    /// Column key of the value drawn here (value rows only).
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default = "one")]
    pub colspan: u32,
    #[serde(default = "one")]
    pub rowspan: u32,
}

fn one() -> u32 {
    1
}

/// An arithmetic rule: `lhs = rhs`, each side a sum of cell keys, instantiated for every binding of `each`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RuleSpec {
    /// Rule id as in the reference: `R1` … `R4`.
    pub id: String,
    /// Chinese name of the rule.
    pub name: String,
    /// English gloss.
    pub gloss: String,
    /// Expression such as `new_received.{c} + carried_over.{c} = results_total.{c} + carried_forward.{c}`.
    pub expr: String,
    /// Placeholder bindings: `{ c = ["natural_person", …] }`. Empty: the expression is used once.
    #[serde(default)]
    pub each: BTreeMap<String, Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_templates_parse_and_have_the_official_cell_counts() {
        let counts: Vec<(String, Vec<usize>)> =
            all().iter().map(|t| (t.version.clone(), t.tables.iter().map(|s| s.cell_count()).collect())).collect();
        assert_eq!(
            counts,
            vec![("gov2019".to_string(), vec![22, 161, 15]), ("gov2021".to_string(), vec![10, 175, 15]),]
        );
    }

    #[test]
    fn every_row_column_and_rule_key_is_declared() {
        for t in all() {
            for spec in &t.tables {
                // Cell keys are `<row>.<col>`: a dot inside a key would make them ambiguous.
                let keys = spec.rows.iter().map(|r| &r.key).chain(spec.columns.iter().map(|c| &c.key));
                for key in keys {
                    assert!(!key.is_empty() && !key.contains('.'), "{} {} key `{key}`", t.version, spec.key);
                }
                for row in &spec.rows {
                    for col in &row.columns {
                        assert!(spec.column(col).is_some(), "{} {} {}", t.version, row.key, col);
                    }
                    if let Some(g) = &row.group {
                        assert!(spec.groups.iter().any(|x| &x.key == g), "{} group {g}", t.version);
                    }
                }
                for lr in &spec.layout {
                    if let Some(r) = &lr.row {
                        let row = spec.row(r).unwrap_or_else(|| panic!("layout row {r}"));
                        let drawn: Vec<&str> = lr.cells.iter().filter_map(|c| c.value.as_deref()).collect();
                        assert_eq!(drawn, row.columns.iter().map(String::as_str).collect::<Vec<_>>());
                    }
                }
                let laid: Vec<&str> = spec.layout.iter().filter_map(|l| l.row.as_deref()).collect();
                let rows: Vec<&str> = spec.rows.iter().map(|r| r.key.as_str()).collect();
                assert_eq!(laid, rows, "{} {} layout rows", t.version, spec.key);
            }
        }
    }

    #[test]
    fn year_selects_version() {
        assert_eq!(for_year(2018).map(|t| t.version.as_str()), None);
        assert_eq!(for_year(2020).map(|t| t.version.as_str()), Some("gov2019"));
        assert_eq!(for_year(2023).map(|t| t.version.as_str()), Some("gov2021"));
    }
}
