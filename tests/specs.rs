//! The fixture specs (`fixtures/**/<stem>.expect.md`, format in `fixtures/README.md`) against the program and
//! against the expected JSON files.
//!
//! Every report fixture has a spec written by hand from the source document. `inspect --json` must agree with it
//! (values, states, units, statuses, templates, kind, year, agency, publication date, unplaced numbers), and so
//! must `fixtures/expected/<stem>.json`, which additionally pins what the spec leaves open (raw text, origins).
//!
//! `NIANBAO_BLESS=1 cargo test --test specs` rewrites the expected files from the program's output, and only when
//! every fixture's output agrees with its spec: blessing can change formatting and provenance, never a value.

use std::path::Path;

use serde_json::Value;

mod common;
use common::fixtures::{self, Fixture};
use common::spec::{self, Cell, Source, Spec, Status};
use common::*;

fn inspect_json(fixture: &Fixture) -> Value {
    let out = run_in(&root(), &["inspect", "--json", &fixture.input]);
    assert!(out.status.success(), "{}: {}", fixture.input, stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{}: invalid JSON: {e}", fixture.input))
}

fn load_spec(fixture: &Fixture) -> Spec {
    spec::load(&fixture.spec_path()).unwrap_or_else(|e| panic!("{e}"))
}

/// The fields an expected file pins; findings, sections and metrics have tests of their own.
const PINNED_FIELDS: [&str; 8] = ["source", "kind", "year", "agency", "published", "template", "tables", "unplaced"];

fn pinned(report: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for key in PINNED_FIELDS {
        out.insert(key.to_string(), report.get(key).cloned().unwrap_or(Value::Null));
    }
    Value::Object(out)
}

fn read_expected(fixture: &Fixture) -> Value {
    let path = fixture.expected_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `problems` under a heading naming the fixture and what disagreed, or nothing.
fn section(fixture: &Fixture, what: &str, problems: &[String]) -> Option<String> {
    (!problems.is_empty())
        .then(|| format!("{}: {what} ({}):\n  {}", fixture.input, fixture.spec_path().display(), problems.join("\n  ")))
}

/// Where the program's output differs from the expected file in what the expected file pins.
fn differences_from_expected(actual: &Value, expected: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for field in PINNED_FIELDS.iter().filter(|f| **f != "tables") {
        if actual[field] != expected[field] {
            out.push(format!("{field}: expected {}, got {}", expected[field], actual[field]));
        }
    }
    for table in common::form::TABLES {
        let (a, e) = (&actual["tables"][table], &expected["tables"][table]);
        for key in ["status", "template"] {
            if a[key] != e[key] {
                out.push(format!("{table} {key}: expected {}, got {}", e[key], a[key]));
            }
        }
        let empty = serde_json::Map::new();
        let (ac, ec) = (a["cells"].as_object().unwrap_or(&empty), e["cells"].as_object().unwrap_or(&empty));
        for (key, cell) in ec {
            if ac.get(key) != Some(cell) {
                out.push(format!("{table}.{key}: expected {cell}, got {}", ac.get(key).unwrap_or(&Value::Null)));
            }
        }
        for key in ac.keys().filter(|k| !ec.contains_key(*k)) {
            out.push(format!("{table}.{key}: not in the expected file, got {}", ac[key]));
        }
    }
    out
}

#[test]
fn every_report_fixture_has_a_spec_and_an_expected_file_and_nothing_else_has() {
    let list = fixtures::reports();
    let mut stems: Vec<&str> = list.iter().map(|f| f.stem.as_str()).collect();
    stems.sort();
    let before = stems.len();
    stems.dedup();
    assert_eq!(before, stems.len(), "fixture stems must be unique: {list:?}");
    for fixture in &list {
        assert!(fixture.spec_path().is_file(), "{}: no spec {}", fixture.input, fixture.spec_path().display());
        assert!(fixture.expected_path().is_file(), "{}: no expected file", fixture.input);
    }
    // No orphans: every expected file and every spec belongs to a report fixture.
    for entry in std::fs::read_dir(root().join("fixtures/expected")).expect("fixtures/expected") {
        let path = entry.expect("entry").path();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        assert!(stems.contains(&stem.as_str()), "{}: no report fixture for this expected file", path.display());
    }
    let mut specs = Vec::new();
    find_specs(&root().join("fixtures"), &mut specs);
    for path in specs {
        assert!(list.iter().any(|f| f.spec_path() == path), "{}: no report fixture for this spec", path.display());
    }
}

fn find_specs(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            find_specs(&path, out);
        } else if path.to_string_lossy().ends_with(".expect.md") {
            out.push(path);
        }
    }
}

/// The program's output and the expected file agree with the spec; the output equals the expected file in
/// everything it pins. With `NIANBAO_BLESS=1` the expected files are rewritten instead — all of them, and only if
/// the output of every fixture agrees with its spec.
#[test]
fn every_fixture_agrees_with_its_spec_and_expected_json() {
    let bless = std::env::var_os("NIANBAO_BLESS").is_some();
    let mut failures = Vec::new();
    let mut blessed = Vec::new();
    for fixture in fixtures::reports() {
        let spec = load_spec(&fixture);
        let actual = pinned(&inspect_json(&fixture));
        let problems = common::oracle::disagreements(&spec, &actual);
        failures.extend(section(&fixture, "inspect --json disagrees with the spec", &problems));
        if bless {
            blessed.push((fixture, actual));
            continue;
        }
        let expected = read_expected(&fixture);
        let problems = common::oracle::disagreements(&spec, &expected);
        failures.extend(section(&fixture, "the expected file disagrees with the spec", &problems));
        let problems = differences_from_expected(&actual, &expected);
        failures.extend(section(&fixture, "inspect --json differs from the expected file", &problems));
    }
    if bless && !failures.is_empty() {
        panic!("refusing to bless: the output disagrees with the specs\n{}", failures.join("\n"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for (fixture, actual) in blessed {
        let text = serde_json::to_string_pretty(&actual).expect("serialises") + "\n";
        std::fs::write(fixture.expected_path(), text).expect("write expected");
    }
}

/// A spec's own numbers obey R1–R4 except for the errors of the source it records: a typo in a spec breaks a rule
/// and fails here, before any comparison with the program.
#[test]
fn every_spec_obeys_the_rules_except_its_known_errors_of_the_source() {
    for fixture in fixtures::reports() {
        let spec = load_spec(&fixture);
        assert_eq!(
            common::oracle::failures_in_spec(&spec),
            common::oracle::known_failures(&spec),
            "{}: rule failures of the spec's own numbers vs its known errors of the source",
            fixture.spec_path().display()
        );
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The parser: strict, so that a typo cannot silently drop an expectation.

const MINIMAL: &str = "\
# x.txt

Free text here is for people.

## Report
- kind: annual_report
- year: 2023
- agency: 某局 (as printed)
- published: none
- template: gov2021

## Tables
- t2: found, gov2021
- t3: absent
- t4: partial, gov2021
- every other cell of a found table is 0

## t2 — non-zero cells
- `t2.admin_licensing.decisions` = 12
- `t2.admin_penalty.decisions` = -1.5, printed `减1.5` (a comment)

## t4 — non-zero cells
- `t4.cases`: `review_maintained` 1, `review_total` 1

## Blank cells
- `t2.regulations`: every column

## Not-applicable cells
- `t2.admin_coercion.decisions`: `/`

## Absent cells
- `t4.cases`: `suit_direct_total`, `suit_after_review_total`

## Units
- `t2.admin_fees.fee_amount`: 万元

## Unplaced numbers
- t2 `3012` (three digits that ran together)

## Known errors of the source
- none: the rules hold

## Notes
anything at all
";

fn parse(text: &str) -> Result<Spec, spec::SpecError> {
    spec::parse(text, Path::new("x.expect.md"))
}

fn parse_err(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("parsed, but should not:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_spec_in_every_bullet_form_parses_into_the_cells_it_states() {
    let s = parse(MINIMAL).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (s.kind.as_str(), s.year, s.agency.as_deref(), s.published.as_deref()),
        ("annual_report", Some(2023), Some("某局"), None)
    );
    assert_eq!(s.tables["t3"].status, Status::Absent);
    let t2 = s.expected_cells("t2");
    assert_eq!(t2.len(), 10);
    assert_eq!(t2["admin_licensing.decisions"], Cell::Value { value: 12.0, printed: None, source: Source::Table });
    assert_eq!(
        t2["admin_penalty.decisions"],
        Cell::Value { value: -1.5, printed: Some("减1.5".into()), source: Source::Table }
    );
    assert_eq!(t2["regulations.in_force"], Cell::Blank);
    assert_eq!(t2["admin_coercion.decisions"], Cell::Na { mark: "/".into() });
    assert_eq!(t2["normative_documents.issued"], Cell::Value { value: 0.0, printed: None, source: Source::Table });
    assert!(s.expected_cells("t3").is_empty());
    let t4 = s.expected_cells("t4");
    assert_eq!(t4.len(), 13);
    assert!(!t4.contains_key("suit_direct_total"));
    assert_eq!(t4["cases.review_total"], Cell::Value { value: 1.0, printed: None, source: Source::Table });
    assert_eq!(s.unit("t2", "admin_fees.fee_amount"), Some(Some("万元".into())));
    assert_eq!(s.unit("t2", "admin_licensing.decisions"), None);
    assert_eq!(s.unplaced, vec![("t2".to_string(), "3012".to_string())]);
}

#[test]
fn an_unknown_line_in_a_machine_section_is_an_error() {
    for (from, to) in [
        ("- `t2.admin_licensing.decisions` = 12", "- `t2.admin_licensing.decisions` 12"),
        ("- `t2.admin_licensing.decisions` = 12", "* `t2.admin_licensing.decisions` = 12"),
        ("- `t2.admin_licensing.decisions` = 12", "`t2.admin_licensing.decisions` = 12"),
        ("- `t2.admin_licensing.decisions` = 12", "- `t2.admin_licensing.decisions` = 1,2"),
        ("- `t2.admin_licensing.decisions` = 12", "- `t2.admin_licensing.decisions` = twelve"),
        ("- `t2.admin_licensing.decisions` = 12", "- t2.admin_licensing.decisions = 12"),
        ("- kind: annual_report", "- kind: annual report"),
        ("- kind: annual_report", "- kinds: annual_report"),
        ("- year: 2023", "- year: 23"),
        ("- published: none", "- published: 2023/01/02"),
        ("- t4: partial, gov2021", "- t4: partly, gov2021"),
        ("- every other cell of a found table is 0", "- every other cell is 0"),
        ("- `t2.admin_coercion.decisions`: `/`", "- `t2.admin_coercion.decisions`: /"),
        ("- `t2.admin_fees.fee_amount`: 万元", "- `t2.admin_fees.fee_amount`: 元"),
        ("- t2 `3012` (three digits that ran together)", "- t2 3012"),
        ("- none: the rules hold", "- R5 `natural_person`"),
        ("- none: the rules hold", "the rules hold"),
    ] {
        assert!(MINIMAL.contains(from), "{from}");
        parse_err(&MINIMAL.replacen(from, to, 1));
    }
}

#[test]
fn unknown_sections_and_keys_and_restated_cells_are_errors() {
    let cases = [
        ("## Blank cells", "## Blank cell"),
        ("## t2 — non-zero cells", "## t2 - non-zero cells"),
        ("`t2.admin_licensing.decisions` = 12", "`t2.admin_licencing.decisions` = 12"),
        ("`t2.admin_licensing.decisions` = 12", "`t2.admin_licensing.fee_amount` = 12"),
        ("`t2.admin_licensing.decisions` = 12", "`t2.admin_coercion.decisions` = 12"),
        ("`t2.admin_licensing.decisions` = 12", "`t2.admin_licensing.decisions` = 0"),
        ("`t2.admin_licensing.decisions` = 12", "`t3.granted.total` = 12"),
        ("- `t2.regulations`: every column", "- `t2.regulationz`: every column"),
        ("`suit_direct_total`, `suit_after_review_total`", "`suit_direct_total`, `review_total`"),
        ("- `t2.admin_fees.fee_amount`: 万元", "- `t2.admin_licensing.decisions`: 万元"),
        ("- none: the rules hold", "- R1 `no_such_column`"),
    ];
    for (from, to) in cases {
        assert!(MINIMAL.contains(from), "{from}");
        parse_err(&MINIMAL.replacen(from, to, 1));
    }
    // A section stated twice, or a required one missing.
    parse_err(&format!("{MINIMAL}\n## Units\n- `t2.admin_fees.fee_amount`: none\n"));
    parse_err(&MINIMAL.replacen("## Unplaced numbers\n- t2 `3012` (three digits that ran together)\n", "", 1));
    parse_err(&MINIMAL.replacen("- year: 2023\n", "", 1));
    parse_err(&MINIMAL.replacen("- t3: absent\n", "", 1));
}

#[test]
fn a_spec_must_be_consistent_with_itself() {
    // A partial table without absent cells, a found one with them.
    parse_err(&MINIMAL.replacen("- t4: partial, gov2021", "- t4: found, gov2021", 1));
    // A money cell of a found table without its unit.
    parse_err(&MINIMAL.replacen("- `t2.admin_fees.fee_amount`: 万元\n", "", 1));
    // A found table without its values section; `none` beside items.
    parse_err(&MINIMAL.replacen(
        "## t4 — non-zero cells\n- `t4.cases`: `review_maintained` 1, `review_total` 1\n",
        "",
        1,
    ));
    parse_err(&MINIMAL.replacen("- t2 `3012` (three digits that ran together)", "- t2 `3012`\n- none", 1));
    // Cells for an absent table, or prose cells for a found one.
    parse_err(&format!("{MINIMAL}\n## Cells from the prose\n- `t2.admin_licensing.decisions` = 3\n"));
    // No default with a found table.
    parse_err(&MINIMAL.replacen("- every other cell of a found table is 0\n", "", 1));
}
