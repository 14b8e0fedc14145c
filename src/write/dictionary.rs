//! `dictionary.csv` of `bulk`: every key the other files use, with its Chinese label and a one-line meaning, so
//! nobody must read `templates/` to understand a column or a value.
//!
//! Columns: `kind,table_key,key,templates,label,meaning,value_kind,unit`. The kinds, in order: `table`, then per
//! table its `row`s, `group`s, `column`s and `cell`s (the wide tables' columns, in their order) and its `rule`s
//! and `cross_rule`s; then `metric` keys, `check`s (rule ids that are not template rules), and the values of the
//! enumerated columns, each set by its name ([`value_sets`]: `report_status`, `state`, `severity` …).
//!
//! Labels of the form's keys are the templates' (joined with the version when the versions print them
//! differently); meanings come from `templates/glossary.toml`, a cell's from its row's and column's. `templates`
//! lists the versions that have a key of the form.

use crate::check::Labels;
use crate::glossary::Glossary;
use crate::prose::metrics::SPECS;
use crate::report::{CellSource, CellState, DocKind, FindingStatus, Qualifier, Rule, Severity, TableStatus};
use crate::template::{Catalog, TableSpec, Template, ValueKind};

use super::long::{STATUS_ERROR, STATUS_OK};
use super::wide::{merge_in_order, union_cells};

/// The file's name.
pub const FILE_NAME: &str = "dictionary.csv";

/// The file's header.
pub const HEADER: [&str; 8] = ["kind", "table_key", "key", "templates", "label", "meaning", "value_kind", "unit"];

/// The enumerated columns of `bulk`'s files, each a set of values by name: the dictionary's `kind` for them.
pub fn value_sets() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("report_status", vec![STATUS_OK, STATUS_ERROR]),
        ("report_kind", DocKind::ALL.iter().map(|k| k.as_str()).collect()),
        ("table_status", TableStatus::ALL.iter().map(|s| s.as_str()).collect()),
        ("state", CellState::ALL.iter().map(|s| s.as_str()).collect()),
        ("source_kind", CellSource::ALL.iter().map(|s| s.as_str()).collect()),
        ("qualifier", Qualifier::ALL.iter().map(|q| q.as_str()).collect()),
        ("severity", Severity::ALL.iter().map(|s| s.as_str()).collect()),
        ("finding_status", FindingStatus::ALL.iter().map(|s| s.as_str()).collect()),
    ]
}

/// One row of the dictionary, in [`HEADER`] order.
struct Row {
    kind: &'static str,
    table: String,
    key: String,
    templates: Vec<String>,
    label: String,
    meaning: String,
    value_kind: Option<ValueKind>,
    unit: Option<String>,
}

impl Row {
    fn new(kind: &'static str, table: &str, key: &str, label: &str, meaning: &str) -> Row {
        Row {
            kind,
            table: table.to_string(),
            key: key.to_string(),
            templates: Vec::new(),
            label: label.to_string(),
            meaning: meaning.to_string(),
            value_kind: None,
            unit: None,
        }
    }

    fn into_record(self) -> Vec<String> {
        let value_kind = self.value_kind.map(|k| match k {
            ValueKind::Count => "count",
            ValueKind::SignedCount => "signed_count",
            ValueKind::Money => "money",
        });
        vec![
            self.kind.to_string(),
            self.table,
            self.key,
            self.templates.join(" "),
            self.label,
            self.meaning,
            value_kind.unwrap_or_default().to_string(),
            self.unit.unwrap_or_default(),
        ]
    }
}

/// Every row of the dictionary, in order.
pub fn rows(catalog: &Catalog) -> Vec<Vec<String>> {
    let glossary = catalog.glossary();
    let mut out: Vec<Row> = Vec::new();
    for table in catalog.table_keys() {
        out.extend(table_rows(catalog, glossary, table));
    }
    for spec in SPECS {
        let entry = glossary.metric(spec.key).cloned().unwrap_or_default();
        out.push(Row::new("metric", "", spec.key, &entry.label, &entry.meaning));
    }
    for rule in Rule::built_in() {
        let id = rule.to_string();
        let entry = glossary.check(&id).cloned().unwrap_or_default();
        out.push(Row::new("check", "", &id, &entry.label, &entry.meaning));
    }
    for (set, values) in value_sets() {
        for value in values {
            let entry = glossary.value(set, value).cloned().unwrap_or_default();
            out.push(Row::new(set, "", value, &entry.label, &entry.meaning));
        }
    }
    out.into_iter().map(Row::into_record).collect()
}

/// A table's versions, each with its spec.
type Versions<'c> = Vec<(&'c Template, &'c TableSpec)>;

/// The rows of one table: the table, its rows, groups, columns, cells, rules and cross-report rules.
fn table_rows(catalog: &Catalog, glossary: &Glossary, table: &str) -> Vec<Row> {
    let versions: Versions = catalog.all().iter().filter_map(|t| t.table(table).map(|s| (t, s))).collect();
    let mut out = Vec::new();
    // A key with the label each version that has it prints (`label_of` gives none for a version without it).
    let described =
        |kind, key: &str, meaning: Option<&str>, label_of: &dyn Fn(&Template, &TableSpec) -> Option<String>| {
            let labels: Vec<(String, String)> =
                versions.iter().filter_map(|(t, s)| label_of(t, s).map(|l| (t.version.clone(), l))).collect();
            let mut row = Row::new(kind, table, key, &joined_labels(&labels), meaning.unwrap_or_default());
            row.templates = labels.into_iter().map(|(version, _)| version).collect();
            row
        };

    let title = |_: &Template, s: &TableSpec| Some(format!("{} {}", s.name, s.title));
    out.push(described("table", table, glossary.table(table), &title));

    let row_keys = merge_in_order(versions.iter().map(|(_, s)| s.rows.iter().map(|r| r.key.clone()).collect()));
    for key in &row_keys {
        // 表四's single row is printed without a label: the table's name stands for it.
        let label = |_: &Template, s: &TableSpec| {
            s.row(key).map(|r| if r.label.is_empty() { s.name.clone() } else { s.labels().row(key).to_string() })
        };
        out.push(described("row", key, glossary.row(table, key), &label));
    }
    let group_keys = merge_in_order(versions.iter().map(|(_, s)| s.groups.iter().map(|g| g.key.clone()).collect()));
    for key in &group_keys {
        let label = |_: &Template, s: &TableSpec| s.groups.iter().find(|g| g.key == *key).map(|g| g.label.clone());
        out.push(described("group", key, glossary.group(table, key), &label));
    }
    let column_keys = merge_in_order(versions.iter().map(|(_, s)| s.columns.iter().map(|c| c.key.clone()).collect()));
    for key in &column_keys {
        let label = |_: &Template, s: &TableSpec| s.column(key).map(|c| c.label.clone());
        let mut row = described("column", key, glossary.column(table, key), &label);
        let newest = versions.iter().rev().find_map(|(_, s)| s.column(key));
        row.value_kind = newest.map(|c| c.kind);
        row.unit = newest.and_then(|c| c.unit.clone());
        out.push(row);
    }

    let labels: Vec<(String, &Labels)> = versions.iter().map(|(t, s)| (t.version.clone(), s.labels())).collect();
    for cell in union_cells(catalog, table) {
        let label = |t: &Template, s: &TableSpec| {
            let names = labels.iter().find(|(v, _)| *v == t.version).map(|(_, l)| l)?;
            s.cell_keys().contains(&cell).then(|| {
                let row = names.row(cell.row());
                if row.is_empty() {
                    names.column(&cell).to_string()
                } else {
                    format!("{row} · {}", names.column(&cell))
                }
            })
        };
        let meaning = match (glossary.row(table, cell.row()), glossary.column(table, cell.col())) {
            (Some(row), Some(column)) => format!("{row}: {column}"),
            _ => String::new(),
        };
        let mut row = described("cell", cell.as_str(), Some(&meaning), &label);
        let newest = versions.iter().rev().find_map(|(_, s)| s.column(cell.col()));
        row.value_kind = newest.map(|c| c.kind);
        row.unit = newest.and_then(|c| c.unit.clone());
        out.push(row);
    }

    let rule_ids = merge_in_order(versions.iter().map(|(_, s)| s.rules.iter().map(|r| r.id.clone()).collect()));
    for id in &rule_ids {
        let newest = versions.iter().rev().find_map(|(_, s)| s.rules.iter().find(|r| r.id == *id));
        let label = |_: &Template, s: &TableSpec| s.rules.iter().find(|r| r.id == *id).map(|r| r.name.clone());
        out.push(described("rule", id, newest.map(|r| r.gloss.as_str()), &label));
    }
    let cross_ids = merge_in_order(versions.iter().map(|(_, s)| s.cross_rules.iter().map(|r| r.id.clone()).collect()));
    for id in &cross_ids {
        let newest = versions.iter().rev().find_map(|(_, s)| s.cross_rules.iter().find(|r| r.id == *id));
        let meaning = newest.map(|r| format!("{} ({} when it fails)", r.gloss, r.severity));
        let label = |_: &Template, s: &TableSpec| s.cross_rules.iter().find(|r| r.id == *id).map(|r| r.name.clone());
        out.push(described("cross_rule", id, meaning.as_deref(), &label));
    }
    out
}

/// The labels of a key in each version: one label when they agree, else each with its version.
fn joined_labels(labels: &[(String, String)]) -> String {
    let first = labels.first().map(|(_, l)| l.as_str()).unwrap_or_default();
    if labels.iter().all(|(_, l)| l == first) {
        return first.to_string();
    }
    labels.iter().map(|(v, l)| format!("{l}（{v}）")).collect::<Vec<_>>().join("；")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(rows: &'a [Vec<String>], kind: &str, table: &str, key: &str) -> &'a [String] {
        rows.iter().find(|r| r[0] == kind && r[1] == table && r[2] == key).unwrap_or_else(|| panic!("{kind} {key}"))
    }

    #[test]
    fn every_key_has_a_label_and_a_meaning() {
        let rows = rows(Catalog::embedded());
        for row in &rows {
            assert_eq!(row.len(), HEADER.len());
            assert!(!row[4].is_empty() && !row[5].is_empty(), "{row:?}");
        }
        let cell = find(&rows, "cell", "t3", "new_received.natural_person");
        assert_eq!(
            cell[3..],
            [
                "gov2019 gov2021",
                "一、本年新收政府信息公开申请数量 · 自然人",
                "Applications received this year: From natural persons",
                "count",
                ""
            ]
        );
        let fee = find(&rows, "cell", "t2", "admin_fees.fee_amount");
        assert_eq!(fee[3], "gov2021");
        assert_eq!(fee[6..], ["money", "万元"]);
        let documents = find(&rows, "row", "t2", "normative_documents");
        assert_eq!(documents[4], "规范性文件（gov2019）；行政规范性文件（gov2021）");
        assert_eq!(find(&rows, "cell", "t4", "cases.review_total")[4], "行政复议/总计");
        assert!(find(&rows, "cross_rule", "t3", "X1")[5].ends_with("(error when it fails)"));
        assert_eq!(find(&rows, "finding_status", "", "holds_with_blanks")[4], "视空白为零时成立");
        assert_eq!(find(&rows, "metric", "", "applications_received")[4], "收到政府信息公开申请");
        assert_eq!(find(&rows, "check", "", "D1")[4], "件数为非负整数");
    }

    #[test]
    fn value_sets_print_as_the_json_does() {
        for state in CellState::ALL {
            assert_eq!(serde_json::to_value(state).expect("json"), state.as_str());
        }
        for source in CellSource::ALL {
            assert_eq!(serde_json::to_value(source).expect("json"), source.as_str());
        }
        for q in Qualifier::ALL {
            assert_eq!(serde_json::to_value(q).expect("json"), q.as_str());
        }
        for s in Severity::ALL {
            assert_eq!(serde_json::to_value(s).expect("json"), s.as_str());
        }
        for s in FindingStatus::ALL {
            assert_eq!(serde_json::to_value(s).expect("json"), s.as_str());
        }
        for s in TableStatus::ALL {
            assert_eq!(serde_json::to_value(s).expect("json"), s.as_str());
        }
        for k in DocKind::ALL {
            assert_eq!(serde_json::to_value(k).expect("json"), k.as_str());
        }
    }
}
