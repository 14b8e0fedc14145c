//! What the keys of nianbao's outputs mean: the data of `templates/glossary.toml`, loaded with the templates
//! ([`crate::template::Catalog::glossary`]).
//!
//! The template files hold each version's printed labels; the glossary holds, once for every version, the
//! meaning of each table, row, column and group key (a key means the same thing in every version that has it),
//! and the Chinese label and meaning of the keys the program itself defines: the metric keys of figures stated
//! in the prose, the checks that are not template rules, and the values of the outputs' enumerated columns
//! (finding statuses, severities, cell states …). `bulk`'s `dictionary.csv` is written from it; any writer that
//! names a metric or a check in Chinese takes the label from here.
//!
//! This module only reads the data; unit tests check that every key the templates and the program use has an
//! entry, and that no entry names a key nobody uses.

use indexmap::IndexMap;
use serde::Deserialize;

/// A key's Chinese label and one-line meaning.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Entry {
    pub label: String,
    pub meaning: String,
}

/// The contents of `templates/glossary.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Glossary {
    /// Per table key, what the table holds.
    #[serde(default)]
    tables: IndexMap<String, String>,
    /// Per table key, per row key, what the row counts.
    #[serde(default)]
    rows: IndexMap<String, IndexMap<String, String>>,
    /// Per table key, per column key, what the column counts.
    #[serde(default)]
    columns: IndexMap<String, IndexMap<String, String>>,
    /// Per table key, per group key, what the group of rows counts.
    #[serde(default)]
    groups: IndexMap<String, IndexMap<String, String>>,
    /// Metric keys: the figures the prose states.
    #[serde(default)]
    metrics: IndexMap<String, Entry>,
    /// Checks that are not rules of a template (`D1`, `P1`, `unplaced` …), by rule id.
    #[serde(default)]
    checks: IndexMap<String, Entry>,
    /// The values of the outputs' enumerated columns, per set of values (`severity`, `state` …).
    #[serde(default)]
    values: IndexMap<String, IndexMap<String, Entry>>,
}

impl Glossary {
    /// What a table holds.
    pub fn table(&self, table: &str) -> Option<&str> {
        self.tables.get(table).map(String::as_str)
    }

    /// What a row of a table counts.
    pub fn row(&self, table: &str, row: &str) -> Option<&str> {
        self.rows.get(table)?.get(row).map(String::as_str)
    }

    /// What a column of a table counts.
    pub fn column(&self, table: &str, column: &str) -> Option<&str> {
        self.columns.get(table)?.get(column).map(String::as_str)
    }

    /// What a group of rows of a table counts.
    pub fn group(&self, table: &str, group: &str) -> Option<&str> {
        self.groups.get(table)?.get(group).map(String::as_str)
    }

    /// A metric key's label and meaning.
    pub fn metric(&self, key: &str) -> Option<&Entry> {
        self.metrics.get(key)
    }

    /// Every metric key with its entry, in the file's order.
    pub fn metrics(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.metrics.iter().map(|(k, e)| (k.as_str(), e))
    }

    /// A check's label and meaning, by rule id (`D1`, `P1`, `unplaced`).
    pub fn check(&self, id: &str) -> Option<&Entry> {
        self.checks.get(id)
    }

    /// A value's label and meaning in a set of values (`severity`, `error`).
    pub fn value(&self, set: &str, value: &str) -> Option<&Entry> {
        self.values.get(set)?.get(value)
    }

    /// Every key of every part, as `part/…/key`, for the tests that compare the glossary with its users.
    pub fn all_keys(&self) -> Vec<String> {
        let nested = |part: &str, map: &IndexMap<String, IndexMap<String, String>>| -> Vec<String> {
            map.iter().flat_map(|(t, m)| m.keys().map(move |k| format!("{part}/{t}/{k}"))).collect()
        };
        let mut out: Vec<String> = self.tables.keys().map(|k| format!("tables/{k}")).collect();
        out.extend(nested("rows", &self.rows));
        out.extend(nested("columns", &self.columns));
        out.extend(nested("groups", &self.groups));
        out.extend(self.metrics.keys().map(|k| format!("metrics/{k}")));
        out.extend(self.checks.keys().map(|k| format!("checks/{k}")));
        out.extend(self.values.iter().flat_map(|(s, m)| m.keys().map(move |k| format!("values/{s}/{k}"))));
        out
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::prose::metrics::SPECS;
    use crate::report::Rule;
    use crate::template::Catalog;

    /// Every key the embedded templates and the program use, as [`super::Glossary::all_keys`] names them.
    fn used_keys() -> BTreeSet<String> {
        let catalog = Catalog::embedded();
        let mut used = BTreeSet::new();
        for template in catalog.all() {
            for spec in &template.tables {
                let t = &spec.key;
                used.insert(format!("tables/{t}"));
                used.extend(spec.rows.iter().map(|r| format!("rows/{t}/{}", r.key)));
                used.extend(spec.columns.iter().map(|c| format!("columns/{t}/{}", c.key)));
                used.extend(spec.groups.iter().map(|g| format!("groups/{t}/{}", g.key)));
            }
        }
        used.extend(SPECS.iter().map(|m| format!("metrics/{}", m.key)));
        used.extend(Rule::built_in().iter().map(|r| format!("checks/{r}")));
        for (set, values) in crate::write::dictionary::value_sets() {
            used.extend(values.iter().map(|v| format!("values/{set}/{v}")));
        }
        used
    }

    #[test]
    fn every_key_in_use_has_an_entry_and_every_entry_a_use() {
        let glossary = Catalog::embedded().glossary();
        let have: BTreeSet<String> = glossary.all_keys().into_iter().collect();
        let used = used_keys();
        let missing: Vec<&String> = used.difference(&have).collect();
        let unused: Vec<&String> = have.difference(&used).collect();
        assert!(missing.is_empty(), "keys without a glossary entry: {missing:?}");
        assert!(unused.is_empty(), "glossary entries nobody uses: {unused:?}");
    }

    #[test]
    fn every_entry_has_a_label_and_a_one_line_meaning() {
        let glossary = Catalog::embedded().glossary();
        let entries =
            glossary.metrics.iter().chain(&glossary.checks).chain(glossary.values.values().flat_map(|m| m.iter()));
        for (key, entry) in entries {
            assert!(!entry.label.is_empty() && !entry.meaning.is_empty(), "{key}");
            assert!(!entry.meaning.contains('\n'), "{key}: one line");
        }
        let texts = glossary.tables.values().chain(
            [&glossary.rows, &glossary.columns, &glossary.groups]
                .into_iter()
                .flat_map(|m| m.values().flatten().map(|(_, v)| v)),
        );
        for text in texts {
            assert!(!text.is_empty() && !text.contains('\n'), "{text:?}");
        }
    }
}
