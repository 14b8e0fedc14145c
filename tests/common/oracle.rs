//! Oracles that are not the program: a report (the `inspect --json` object or an expected file) compared with its
//! hand-written spec, and the rules R1–R4 evaluated from the form as the tests know it (`form.rs`).

use std::collections::BTreeSet;

use serde_json::Value;

use super::form::{self, Term, Verdict};
use super::spec::{Cell, Spec};

/// Every way `report` disagrees with `spec`, one line each; empty when they agree. Compares the report's kind,
/// year, agency, publication date and template, each table's status and template, every cell's presence, state,
/// value, unit, source and (where the spec fixes it) printed text, and the unplaced numbers.
pub fn disagreements(spec: &Spec, report: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let text = |v: &Option<String>| v.as_deref().map_or(Value::Null, Value::from);
    let fields = [
        ("kind", Value::from(spec.kind.as_str())),
        ("year", spec.year.map_or(Value::Null, Value::from)),
        ("agency", text(&spec.agency)),
        ("published", text(&spec.published)),
        ("template", text(&spec.template)),
    ];
    for (field, want) in fields {
        let got = report.get(field).cloned().unwrap_or(Value::Null);
        if got != want {
            out.push(format!("{field}: spec {want}, got {got}"));
        }
    }
    for table in form::TABLES {
        let got = &report["tables"][table];
        let line = &spec.tables[table];
        if got["status"] != line.status.as_str() {
            out.push(format!("{table} status: spec {}, got {}", line.status.as_str(), got["status"]));
        }
        if got["template"] != text(&line.template) {
            out.push(format!("{table} template: spec {}, got {}", text(&line.template), got["template"]));
        }
        let empty = serde_json::Map::new();
        let cells = got["cells"].as_object().unwrap_or(&empty);
        let expected = spec.expected_cells(table);
        for (key, want) in &expected {
            match cells.get(key) {
                None => out.push(format!("{table}.{key}: spec {}, missing from the report", describe(want))),
                Some(cell) => out.extend(cell_disagreements(spec, table, key, want, cell)),
            }
        }
        for key in cells.keys().filter(|k| !expected.contains_key(*k)) {
            out.push(format!("{table}.{key}: not in the spec (absent), but the report has {}", cells[key]));
        }
    }
    let mut want: Vec<(String, String)> = spec.unplaced.clone();
    let mut got: Vec<(String, String)> = report["unplaced"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| (u["table"].as_str().unwrap_or("").to_string(), u["raw"].as_str().unwrap_or("").to_string()))
        .collect();
    want.sort();
    got.sort();
    if want != got {
        out.push(format!("unplaced: spec {want:?}, got {got:?}"));
    }
    out
}

fn describe(cell: &Cell) -> String {
    match cell {
        Cell::Value { value, source, .. } => format!("{value} ({})", source.as_str()),
        Cell::Blank => "blank".into(),
        Cell::Na { mark } => format!("n/a `{mark}`"),
    }
}

fn cell_disagreements(spec: &Spec, table: &str, key: &str, want: &Cell, cell: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let at = format!("{table}.{key}");
    let state = cell["state"].as_str().unwrap_or("");
    let raw = cell["raw"].as_str().unwrap_or("");
    let (want_state, want_source) = match want {
        Cell::Value { source, .. } => ("value", source.as_str()),
        Cell::Blank => ("blank", "table"),
        Cell::Na { .. } => ("na", "table"),
    };
    if state != want_state {
        out.push(format!("{at}: spec {}, got state {state} (raw `{raw}`)", describe(want)));
        return out;
    }
    if cell["source"] != want_source {
        out.push(format!("{at}: spec source {want_source}, got {}", cell["source"]));
    }
    match want {
        Cell::Value { value, printed, .. } => {
            match cell["value"].as_f64() {
                Some(v) if (v - value).abs() < 1e-9 => {}
                _ => out.push(format!("{at}: spec {value}, got {} (raw `{raw}`)", cell["value"])),
            }
            if let Some(p) = printed {
                if raw.trim() != p {
                    out.push(format!("{at}: spec printed `{p}`, got raw `{raw}`"));
                }
            }
        }
        Cell::Blank => {
            if !cell["value"].is_null() {
                out.push(format!("{at}: blank, but the report has value {}", cell["value"]));
            }
        }
        Cell::Na { mark } => {
            if raw.trim() != mark {
                out.push(format!("{at}: spec n/a mark `{mark}`, got raw `{raw}`"));
            }
            if !cell["value"].is_null() {
                out.push(format!("{at}: not applicable, but the report has value {}", cell["value"]));
            }
        }
    }
    let got_unit = cell.as_object().and_then(|c| c.get("unit")).map(|u| u.as_str().map(String::from));
    if got_unit != spec.unit(table, key) {
        out.push(format!("{at}: spec unit {:?}, got {:?}", spec.unit(table, key), got_unit));
    }
    out
}

/// One rule instance that fails: `(rule, binding)`.
pub type Failure = (String, String);

/// The rule instances no non-negative value of the blank, not-applicable or absent cells can make hold, in
/// `report`'s found and partial tables, judged by the tests' own reading of the rules.
pub fn failures_in_report(report: &Value) -> BTreeSet<Failure> {
    let mut out = BTreeSet::new();
    for eq_table in ["t3", "t4"] {
        let table = &report["tables"][eq_table];
        if table["status"] == "absent" {
            continue;
        }
        let Some(version) = table["template"].as_str() else { continue };
        let term = |key: &str| match table["cells"][key]["value"].as_f64() {
            Some(v) if table["cells"][key]["state"] == "value" => Term::Known(v),
            _ => Term::Unknown,
        };
        for eq in form::equations(version).iter().filter(|e| e.table == eq_table) {
            if form::judge(eq, term) == Verdict::Fails {
                out.insert((eq.rule.to_string(), eq.binding.clone()));
            }
        }
    }
    out
}

/// The same, judged on the cells the spec itself states: a spec whose own numbers break a rule it does not
/// record as a known error of the source has a typo.
pub fn failures_in_spec(spec: &Spec) -> BTreeSet<Failure> {
    let mut out = BTreeSet::new();
    for eq_table in ["t3", "t4"] {
        let line = &spec.tables[eq_table];
        if line.status == super::spec::Status::Absent {
            continue;
        }
        let Some(version) = line.template.as_deref() else { continue };
        let cells = spec.expected_cells(eq_table);
        let term = |key: &str| match cells.get(key) {
            Some(Cell::Value { value, .. }) => Term::Known(*value),
            _ => Term::Unknown,
        };
        for eq in form::equations(version).iter().filter(|e| e.table == eq_table) {
            if form::judge(eq, term) == Verdict::Fails {
                out.insert((eq.rule.to_string(), eq.binding.clone()));
            }
        }
    }
    out
}

/// The spec's known errors as failures.
pub fn known_failures(spec: &Spec) -> BTreeSet<Failure> {
    spec.known_errors.iter().map(|e| (e.rule.clone(), e.binding.clone())).collect()
}
