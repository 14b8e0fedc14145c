//! The report fixtures in the layouts other sites publish them in (`fixtures/formats/variants/`, made by
//! `tools/fixtures/make_variants.sh`), scored against the hand-written spec of their original: cells read right,
//! cells read wrong, cells missing and numbers left unplaced. A wrong cell fails the test on every file; each file
//! must also read at least the cells listed for it in [`FLOORS`], the number checked by hand on the rendered file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::fixtures::by_stem;
use common::spec::{self, Cell, Spec};
use common::*;

/// How one derived file reads against the spec of its original.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Score {
    /// Cells the spec expects that the report has, with the same state and value.
    right: usize,
    /// Cells the report has that the spec says are something else, or that the spec does not have.
    wrong: usize,
    /// Cells the spec expects that the report lacks.
    missing: usize,
    /// Numbers the report lists as unplaced beyond those the spec expects.
    unplaced: usize,
}

fn matches(want: &Cell, got: &Value) -> bool {
    let state = got["state"].as_str().unwrap_or_default();
    match want {
        Cell::Value { value, .. } => {
            state == "value" && got["value"].as_f64().is_some_and(|v| (v - value).abs() < 1e-9)
        }
        Cell::Blank => state == "blank",
        Cell::Na { .. } => state == "na",
    }
}

fn score(spec: &Spec, report: &Value) -> (Score, Vec<String>) {
    let mut s = Score::default();
    let mut wrong = Vec::new();
    for table in ["t2", "t3", "t4"] {
        let empty = serde_json::Map::new();
        let cells = report["tables"][table]["cells"].as_object().unwrap_or(&empty);
        let expected: BTreeMap<String, Cell> = spec.expected_cells(table);
        for (key, want) in &expected {
            match cells.get(key) {
                None => s.missing += 1,
                Some(got) if matches(want, got) => s.right += 1,
                Some(got) => {
                    s.wrong += 1;
                    wrong.push(format!("{table}.{key}: spec {want:?}, got {} `{}`", got["state"], got["raw"]));
                }
            }
        }
        for (key, got) in cells.iter().filter(|(k, _)| !expected.contains_key(*k)) {
            s.wrong += 1;
            wrong.push(format!("{table}.{key}: not in the spec, got `{}`", got["raw"]));
        }
    }
    let got = report["unplaced"].as_array().map_or(0, Vec::len);
    s.unplaced = got.saturating_sub(spec.unplaced.len());
    (s, wrong)
}

fn variants() -> Vec<PathBuf> {
    let dir = root().join("fixtures/formats/variants");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("pdf" | "docx" | "doc")))
        .collect();
    out.sort();
    out
}

fn name(path: &Path) -> String {
    path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string()
}

/// The variants not yet read completely, with the number of their spec's cells each must read right at least (the
/// cells it reads today, every one agreeing with the hand-written spec): tables drawn without any rule, or ruled
/// only between rows with blank cells and a page break. A file not listed must read every cell of its spec.
const FLOORS: [(&str, usize); 4] = [
    ("003_f86e26e747344a50.lo-hrules-breaks.pdf", 178),
    ("blank_zeros_2021.chromium-hrules.pdf", 158),
    ("official_2021.chromium-borderless.pdf", 108),
    ("official_2021.lo-borderless.pdf", 130),
];

#[test]
fn variants_read_no_wrong_cell_and_at_least_their_floor() {
    let files = variants();
    assert!(files.len() >= 22, "expected the variants of tools/fixtures/make_variants.sh, found {}", files.len());
    let mut failures = Vec::new();
    let mut board = String::new();
    for path in files {
        let file = name(&path);
        let stem = file.split('.').next().unwrap_or_default();
        let original = by_stem(stem);
        let spec = spec::load(&original.spec_path()).unwrap_or_else(|e| panic!("{e}"));
        let out = run_in(&root(), &["inspect", "--json", &path.to_string_lossy()]);
        if !out.status.success() {
            failures.push(format!("{file}: {}", stderr(&out).trim()));
            continue;
        }
        let report: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
        let (s, wrong) = score(&spec, &report);
        let total = s.right + s.missing;
        board.push_str(&format!(
            "{file:<55} right {:>3}/{total:<3} wrong {:>2} missing {:>3} unplaced {:>2}\n",
            s.right, s.wrong, s.missing, s.unplaced
        ));
        if s.wrong > 0 {
            failures.push(format!("{file}: {} wrong cells: {wrong:?}", s.wrong));
        }
        let floor = FLOORS.iter().find(|(f, _)| *f == file).map_or(total, |(_, n)| *n);
        if s.right < floor {
            failures.push(format!("{file}: {} cells right, at least {floor} expected", s.right));
        }
    }
    println!("{board}");
    assert!(failures.is_empty(), "{board}\n{}", failures.join("\n"));
}
