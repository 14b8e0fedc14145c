//! Cross-format equivalence: the same report published as PDF, DOCX or DOC reads to exactly the tables of its
//! original (the HTML page or text fixture it was produced from).
//!
//! Derived files live in `fixtures/formats/`, named `<original stem>.<producer>.<ext>` (for example
//! `official_2021.libreoffice.pdf`); the original is the fixture with that stem elsewhere under `fixtures/`.
//! `tools/fixtures/` holds the script that produced them.
#![allow(dead_code)] // the per-format tests below use these helpers as their readers land

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::*;

/// Derived fixtures with extension `ext`, each with the original it was produced from.
fn derived_fixtures(ext: &str) -> Vec<(PathBuf, PathBuf)> {
    let dir = root().join("fixtures/formats");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some(ext) {
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let stem = name.split('.').next().unwrap_or_default();
        let original = original_of(stem).unwrap_or_else(|| panic!("{name}: no original fixture named {stem}.*"));
        out.push((path, original));
    }
    out.sort();
    out
}

/// The fixture `fixtures/<stem>.*` or `fixtures/<dir>/<stem>.*` outside `fixtures/formats/` that is not a spec.
fn original_of(stem: &str) -> Option<PathBuf> {
    let fixtures = root().join("fixtures");
    let mut dirs = vec![fixtures.clone()];
    for entry in std::fs::read_dir(&fixtures).ok()?.flatten() {
        let p = entry.path();
        if p.is_dir() && !matches!(p.file_name().and_then(|n| n.to_str()), Some("formats" | "expected")) {
            dirs.push(p);
        }
    }
    dirs.into_iter().flat_map(|d| std::fs::read_dir(d).into_iter().flatten().flatten()).map(|e| e.path()).find(|p| {
        p.is_file()
            && p.file_stem().and_then(|s| s.to_str()) == Some(stem)
            && !p.to_string_lossy().ends_with(".expect.md")
    })
}

fn inspect(path: &Path) -> Value {
    let out = run_in(&root(), &["inspect", "--json", &path.to_string_lossy()]);
    assert!(out.status.success(), "{}: {}", path.display(), stderr(&out));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// What must be identical across formats: the report's identity, each table's status and version, and every
/// cell's value, state and unit (raw text and origin naturally differ between formats).
fn essence(v: &Value) -> Value {
    let mut tables = serde_json::Map::new();
    for t in ["t2", "t3", "t4"] {
        let table = &v["tables"][t];
        let mut cells = serde_json::Map::new();
        for (key, cell) in table["cells"].as_object().into_iter().flatten() {
            let mut c = serde_json::Map::new();
            for field in ["value", "state", "unit", "source"] {
                c.insert(field.to_string(), cell.get(field).cloned().unwrap_or(Value::Null));
            }
            cells.insert(key.clone(), Value::Object(c));
        }
        tables.insert(
            t.to_string(),
            serde_json::json!({"status": table["status"], "template": table["template"], "cells": cells}),
        );
    }
    serde_json::json!({
        "kind": v["kind"], "year": v["year"], "agency": v["agency"], "template": v["template"],
        "tables": tables, "unplaced": v["unplaced"].as_array().map_or(0, Vec::len),
    })
}

/// Asserts that every derived fixture of `ext` reads to the same report as its original, and that there are at
/// least `min` of them.
fn assert_formats_match(ext: &str, min: usize) {
    let fixtures = derived_fixtures(ext);
    assert!(
        fixtures.len() >= min,
        "expected at least {min} .{ext} fixtures in fixtures/formats, found {}",
        fixtures.len()
    );
    for (derived, original) in fixtures {
        let (want, got) = (essence(&inspect(&original)), essence(&inspect(&derived)));
        for field in ["kind", "year", "agency", "template", "unplaced"] {
            assert_eq!(got[field], want[field], "{}: {field}", derived.display());
        }
        for t in ["t2", "t3", "t4"] {
            let (g, w) = (&got["tables"][t], &want["tables"][t]);
            assert_eq!((&g["status"], &g["template"]), (&w["status"], &w["template"]), "{}: {t}", derived.display());
            let (gc, wc) = (g["cells"].as_object().expect("cells"), w["cells"].as_object().expect("cells"));
            for (key, cell) in wc {
                assert_eq!(gc.get(key), Some(cell), "{}: {t}.{key}", derived.display());
            }
            let extra: Vec<&String> = gc.keys().filter(|k| !wc.contains_key(*k)).collect();
            assert!(extra.is_empty(), "{}: {t} has cells its original lacks: {extra:?}", derived.display());
        }
    }
}

#[test]
fn docx_fixtures_match_their_originals() {
    assert_formats_match("docx", 11);
}

#[test]
fn doc_fixtures_match_their_originals() {
    // Legacy Word binaries, and `.doc` files that are really RTF or HTML pages (Word's "Web Page" HTML too).
    assert_formats_match("doc", 11);
}

#[test]
fn wps_fixtures_match_their_originals() {
    assert_formats_match("wps", 1);
}

fn doc_model(path: &str) -> Value {
    let out = run_in(&root(), &["inspect", "--doc", path]);
    assert!(out.status.success(), "{path}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

#[test]
fn word_cells_name_their_table_row_and_grid_cell() {
    // 表三 is the second table of official_2021; its first value row (一、本年新收…, 35 from natural persons) is
    // the fourth row, under three header rows, and 35 stands in the fourth grid column, right of the label that
    // spans the three label columns.
    for ext in ["libreoffice.docx", "libreoffice.doc", "rtf.doc", "libreoffice.wps"] {
        let path = root().join(format!("fixtures/formats/official_2021.{ext}"));
        let cell = &inspect(&path)["tables"]["t3"]["cells"]["new_received.natural_person"];
        assert_eq!(
            (&cell["raw"], &cell["origin"]),
            (&Value::from("35"), &Value::from("table 2, row 4, cell 4")),
            "{ext}"
        );
    }
    // The model shows the merged cells as the document has them: 自然人 spans the two lower header rows.
    for ext in ["docx", "doc"] {
        let doc = doc_model(&format!("fixtures/formats/official_2021.libreoffice.{ext}"));
        let tables: Vec<&Value> =
            doc["blocks"].as_array().expect("blocks").iter().filter(|b| b["type"] == "table").collect();
        let natural = &tables[1]["rows"][1][0];
        assert_eq!((&natural["text"], &natural["rowspan"]), (&Value::from("自然人"), &Value::from(2)), "{ext}");
        // Paragraphs are numbered in reading order: the title is the first.
        let first = &doc["blocks"][0];
        assert_eq!(first["line"], 1, "{ext}");
        assert!(first["text"].as_str().is_some_and(|t| t.ends_with("年度报告")), "{ext}: {first}");
    }
}

#[test]
fn damaged_word_files_are_one_line_errors() {
    for (file, says) in [
        ("truncated.docx", "not a readable Word document: broken zip container"),
        ("truncated.doc", "a damaged or truncated Office file"),
        ("empty.docx", "empty file"),
    ] {
        let path = format!("fixtures/formats/bad/{file}");
        let out = run_in(&root(), &["inspect", &path]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        let err = stderr(&out);
        assert_eq!(err.trim_end().lines().count(), 1, "{file}: {err}");
        assert!(err.contains(&path) && err.contains(says), "{file}: {err}");
    }
}

#[test]
fn validate_names_a_word_file_as_such() {
    let out = run_in(&root(), &["validate", "fixtures/formats/official_2021.libreoffice.docx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("a Word document, not a spreadsheet"), "{}", stderr(&out));
}

/// Every PDF (LibreOffice exports, Chromium prints, WPS- and Word-style files, encrypted ones that open without a
/// password) reads to exactly the cells of its original.
#[test]
fn pdf_fixtures_match_their_originals() {
    assert_formats_match("pdf", 16);
}

/// The one-line reason each file of `fixtures/formats/bad/` gives (its README says why).
const BAD_PDFS: [(&str, &str); 5] = [
    ("empty.pdf", "empty file"),
    ("needs_password.pdf", "not a readable PDF: it is encrypted and needs a password to open"),
    ("no_tounicode.pdf", "not a readable PDF: its fonts have no Unicode map for"),
    ("scanned.pdf", "no text layer (a scanned PDF); run OCR first"),
    ("truncated.pdf", "not a readable PDF: damaged or truncated"),
];

#[test]
fn bad_pdfs_fail_with_exit_2_and_one_line_each() {
    let dir = root().join("fixtures/formats/bad");
    let mut present: Vec<String> = std::fs::read_dir(&dir)
        .expect("bad fixtures")
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    present.sort();
    assert_eq!(present, BAD_PDFS.map(|(n, _)| n.to_string()), "every bad PDF has its expected reason");
    for (name, reason) in BAD_PDFS {
        let path = dir.join(name);
        for args in
            [vec!["inspect", path.to_str().expect("utf-8")], vec!["inspect", "--json", path.to_str().expect("utf-8")]]
        {
            let out = run_in(&root(), &args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{name}: {err}");
            assert_eq!(err.trim_end().lines().count(), 1, "{name}: one line: {err}");
            assert!(err.contains(reason), "{name}: {err}");
            assert!(stdout(&out).is_empty(), "{name}: nothing read");
        }
    }
}

/// `convert` reports the reason on the file's line and writes nothing for it (its exit code is 2, as for any input
/// that cannot be read).
#[test]
fn a_scanned_pdf_is_not_converted() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let scan = root().join("fixtures/formats/bad/scanned.pdf");
    let out = run_in(tmp.path(), &["convert", scan.to_str().expect("utf-8"), "-o", "out"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no text layer (a scanned PDF); run OCR first"), "{}", stderr(&out));
    assert!(!tmp.path().join("out/scanned.xlsx").exists());
}
