//! Invariants over every report fixture's expected file, judged by oracles that are not the program:
//!
//! - R1–R4 hold, evaluated by the tests' own reading of the rules (`common::form`, from the reference §5), except
//!   for the rule instances the spec records as errors of the source;
//! - the program's checker fails exactly those instances too;
//! - every cell's and every unplaced number's raw text is at its origin in the source (`common::origin`).

use std::collections::BTreeSet;

use serde_json::Value;

mod common;
use common::fixtures::{self, Fixture};
use common::oracle::{failures_in_report, known_failures, Failure};
use common::*;

fn run_json(args: &[&str]) -> Value {
    let out = run_in(&root(), args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: invalid JSON: {e}"))
}

fn expected(fixture: &Fixture) -> Value {
    let path = fixture.expected_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn spec(fixture: &Fixture) -> common::spec::Spec {
    common::spec::load(&fixture.spec_path()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn rules_hold_in_every_expected_file_except_the_known_errors_of_the_source() {
    let mut with_errors = 0;
    for fixture in fixtures::reports() {
        let known = known_failures(&spec(&fixture));
        with_errors += usize::from(!known.is_empty());
        assert_eq!(
            failures_in_report(&expected(&fixture)),
            known,
            "{}: R1–R4 failures in the expected file vs the known errors of the source",
            fixture.input
        );
    }
    assert!(with_errors >= 2, "seed 003 and blanks_2021 record errors of their sources");
}

/// The rule instance a finding reports, found by its cells among the tests' own equations.
fn instance(report: &Value, finding: &Value) -> Failure {
    let table = finding["table"].as_str().unwrap_or("");
    let version = report["tables"][table]["template"].as_str().unwrap_or("");
    let cells: BTreeSet<&str> = finding["cells"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let rule = finding["rule"].as_str().unwrap_or("");
    common::form::equations(version)
        .into_iter()
        .find(|eq| {
            eq.rule == rule
                && eq.table == table
                && eq.lhs.iter().chain(&eq.rhs).map(String::as_str).collect::<BTreeSet<_>>() == cells
        })
        .map(|eq| (eq.rule.to_string(), eq.binding))
        .unwrap_or_else(|| (rule.to_string(), format!("no equation with cells {cells:?}")))
}

#[test]
fn the_program_fails_exactly_the_rule_instances_the_oracle_fails() {
    for fixture in fixtures::reports() {
        let report = run_json(&["inspect", "--json", &fixture.input]);
        let reported: BTreeSet<Failure> = report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["status"] == "failed" && matches!(f["rule"].as_str(), Some("R1" | "R2" | "R3" | "R4")))
            .map(|f| instance(&report, f))
            .collect();
        assert_eq!(
            reported,
            failures_in_report(&report),
            "{}: the program's failed rules vs the oracle's",
            fixture.input
        );
    }
}

#[test]
fn every_raw_text_is_at_its_origin() {
    let mut checked = 0;
    for fixture in fixtures::reports() {
        let doc = run_json(&["inspect", "--doc", &fixture.input]);
        let source = common::origin::Source::open(&fixture.path(), &doc);
        let report = expected(&fixture);
        let mut problems = Vec::new();
        for table in common::form::TABLES {
            for (key, cell) in report["tables"][table]["cells"].as_object().into_iter().flatten() {
                let (raw, origin) = (cell["raw"].as_str().unwrap_or(""), cell["origin"].as_str().unwrap_or(""));
                if let Some(problem) = source.check(raw, origin, cell["source"] == "prose") {
                    problems.push(format!("{table}.{key}: {problem}"));
                }
                checked += 1;
            }
        }
        for unplaced in report["unplaced"].as_array().into_iter().flatten() {
            let (raw, origin) = (unplaced["raw"].as_str().unwrap_or(""), unplaced["origin"].as_str().unwrap_or(""));
            if let Some(problem) = source.check(raw, origin, false) {
                problems.push(format!("unplaced `{raw}`: {problem}"));
            }
            checked += 1;
        }
        assert!(problems.is_empty(), "{}:\n  {}", fixture.input, problems.join("\n  "));
    }
    assert!(checked > 3000, "checked {checked} origins");
}
