//! `nianbao bulk`: many reports into four long CSV files, with an error row per unreadable input.

use std::collections::HashMap;
use std::path::Path;

mod common;
use common::*;

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).expect("csv written");
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|r| r.expect("valid csv").iter().map(String::from).collect()).collect()
}

/// The column of `name` in a CSV's header row.
fn col(rows: &[Vec<String>], name: &str) -> usize {
    rows[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]))
}

/// A directory with three seeds, an HTML fixture in a subdirectory, an empty file and a hidden file.
fn corpus(dir: &Path) {
    let input = dir.join("in");
    std::fs::create_dir_all(input.join("html")).expect("mkdir");
    for seed in ["002_bc2901b205bfb866.txt", "003_f86e26e747344a50.txt", "004_6f66df5c291edce3.txt"] {
        std::fs::copy(root().join("fixtures").join(seed), input.join(seed)).expect("copy");
    }
    std::fs::copy(root().join("fixtures/html/gov2019_2020.html"), input.join("html/gov2019_2020.html")).expect("copy");
    std::fs::write(input.join("empty.txt"), b"").expect("write");
    std::fs::write(input.join(".hidden.txt"), b"not read").expect("write");
}

#[test]
fn a_directory_becomes_long_csvs_with_an_error_row_per_bad_input() {
    let tmp = tempfile::tempdir().expect("tempdir");
    corpus(tmp.path());
    let out = run_in(tmp.path(), &["bulk", "in", "missing.html", "-o", "out"]);
    assert_eq!(out.status.code(), Some(2), "inputs that could not be read: {}", stderr(&out));
    assert!(stderr(&out).contains("4 of 6 inputs read, 2 failed"), "{}", stderr(&out));

    let reports = read_csv(&tmp.path().join("out/reports.csv"));
    let summary: Vec<(String, String, String, String, String)> =
        reports[1..].iter().map(|r| (r[0].clone(), r[1].clone(), r[2].clone(), r[4].clone(), r[7].clone())).collect();
    let row = |a: &str, b: &str, c: &str, d: &str, e: &str| (a.into(), b.into(), c.into(), d.into(), e.into());
    assert_eq!(
        summary,
        vec![
            row("in/002_bc2901b205bfb866.txt", "ok", "", "2023", "gov2021"),
            row("in/003_f86e26e747344a50.txt", "ok", "", "2020", "gov2019"),
            row("in/004_6f66df5c291edce3.txt", "ok", "", "2022", ""),
            row("in/empty.txt", "error", "empty file", "", ""),
            row("in/html/gov2019_2020.html", "ok", "", "2020", "gov2019"),
            row("missing.html", "error", "cannot read: No such file or directory (os error 2)", "", ""),
        ]
    );
    assert_eq!(reports[0][..3], ["path", "status", "error"]);

    // Every cell inspect reports, and nothing else: absent tables and cells have no rows.
    let cells = read_csv(&tmp.path().join("out/cells.csv"));
    let mut per_source: HashMap<&str, usize> = HashMap::new();
    for r in &cells[1..] {
        *per_source.entry(r[0].as_str()).or_default() += 1;
    }
    assert_eq!(per_source.get("in/002_bc2901b205bfb866.txt"), Some(&200));
    assert_eq!(per_source.get("in/003_f86e26e747344a50.txt"), Some(&195));
    assert_eq!(per_source.get("in/004_6f66df5c291edce3.txt"), None);
    assert_eq!(
        cells[0],
        [
            "path",
            "agency",
            "year",
            "template",
            "table_key",
            "row_key",
            "col_key",
            "value",
            "raw",
            "state",
            "unit",
            "source_kind",
            "origin"
        ]
    );
    let (row_key, col_key) = (col(&cells, "row_key"), col(&cells, "col_key"));
    let licensing = cells
        .iter()
        .find(|r| r[0] == "in/002_bc2901b205bfb866.txt" && r[row_key] == "admin_licensing" && r[col_key] == "decisions")
        .expect("licensing cell");
    // The report's agency, year and template beside its path, as reports.csv has them; amounts always with a
    // decimal point.
    let report = reports.iter().find(|r| r[0] == "in/002_bc2901b205bfb866.txt").expect("report row");
    assert_eq!(licensing[1..4], [&report[5], "2023", "gov2021"]);
    assert_eq!(licensing[4..11], ["t2", "admin_licensing", "decisions", "24380.0", "24380", "value", ""]);
    let amount = cells
        .iter()
        .find(|r| r[0] == "in/html/gov2019_2020.html" && r[col_key] == "procurement_amount")
        .expect("procurement amount");
    assert_eq!(amount[7..11], ["25.1", "251000元", "value", "万元"]);

    // Findings: seed 003's three R1 errors.
    let findings = read_csv(&tmp.path().join("out/findings.csv"));
    assert_eq!(findings[0][..8], ["path", "agency", "year", "template", "severity", "rule", "status", "table_key"]);
    let r1: Vec<&Vec<String>> =
        findings.iter().filter(|r| r[0] == "in/003_f86e26e747344a50.txt" && r[4] == "error").collect();
    assert_eq!(r1.len(), 3);
    assert!(r1.iter().all(|r| r[2] == "2020" && r[3] == "gov2019" && r[5] == "R1" && r[7] == "t3"));
    let metrics = read_csv(&tmp.path().join("out/metrics.csv"));
    assert_eq!(metrics[0][..6], ["path", "agency", "year", "template", "key", "value"]);
    assert!(metrics
        .iter()
        .any(|r| r[0] == "in/003_f86e26e747344a50.txt" && r[4] == "applications_received" && r[5] == "29.0"));
}

#[test]
fn output_is_the_same_bytes_whatever_the_number_of_jobs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    corpus(tmp.path());
    for (dir, jobs) in [("one", "1"), ("four", "4")] {
        let out = run_in(tmp.path(), &["bulk", "in", "-o", dir, "-j", jobs]);
        assert_eq!(out.status.code(), Some(2), "-j {jobs}: the empty file fails: {}", stderr(&out));
        assert!(stderr(&out).contains("4 of 5 inputs read, 1 failed"), "-j {jobs}: {}", stderr(&out));
    }
    for name in ["reports.csv", "cells.csv", "metrics.csv", "findings.csv"] {
        let a = std::fs::read(tmp.path().join("one").join(name)).expect("written");
        let b = std::fs::read(tmp.path().join("four").join(name)).expect("written");
        assert!(a == b, "{name} differs between -j 1 and -j 4");
    }
}

#[test]
fn existing_outputs_are_kept_without_force_and_bom_is_optional() {
    let tmp = tempfile::tempdir().expect("tempdir");
    corpus(tmp.path());
    std::fs::create_dir(tmp.path().join("out")).expect("mkdir");
    std::fs::write(tmp.path().join("out/cells.csv"), b"keep me").expect("write");
    let out = run_in(tmp.path(), &["bulk", "in", "-o", "out"]);
    assert_eq!(out.status.code(), Some(3), "an output not written: {}", stderr(&out));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(std::fs::read(tmp.path().join("out/cells.csv")).expect("kept"), b"keep me");
    assert!(!tmp.path().join("out/reports.csv").exists(), "nothing written when a target exists");

    let out = run_in(tmp.path(), &["bulk", "in", "-o", "out", "--force", "--no-bom"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let cells = std::fs::read(tmp.path().join("out/cells.csv")).expect("rewritten");
    assert!(cells.starts_with(b"path,agency,year,template,table_key"), "{}", String::from_utf8_lossy(&cells[..40]));
    let leftovers = std::fs::read_dir(tmp.path().join("out"))
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".nianbao-"))
        .count();
    assert_eq!(leftovers, 0, "no temporary files left behind");
}

/// Every report fixture (the shared list) in one batch: one `ok` row each, in input order, and exactly the cells of
/// its expected file with their values, raw texts, states, units, sources and origins.
#[test]
fn every_fixture_exports_the_cells_of_its_expected_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fixtures = common::fixtures::reports();
    let mut args = vec!["bulk".to_string()];
    args.extend(fixtures.iter().map(|f| f.input.clone()));
    args.extend(["-o".to_string(), tmp.path().display().to_string(), "-j".to_string(), "2".to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_in(&root(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let reports = read_csv(&tmp.path().join("reports.csv"));
    let sources: Vec<(&str, &str)> = reports[1..].iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    let wanted: Vec<(&str, &str)> = fixtures.iter().map(|f| (f.input.as_str(), "ok")).collect();
    assert_eq!(sources, wanted);

    let cells = read_csv(&tmp.path().join("cells.csv"));
    assert_eq!(
        cells[0][3..13],
        ["template", "table_key", "row_key", "col_key", "value", "raw", "state", "unit", "source_kind", "origin"]
    );
    for fixture in &fixtures {
        let path = fixture.expected_path();
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("expected file")).expect("json");
        let mut want: Vec<Vec<String>> = Vec::new();
        for table in ["t2", "t3", "t4"] {
            let t = &expected["tables"][table];
            for (key, c) in t["cells"].as_object().into_iter().flatten() {
                let (row, col) = key.split_once('.').expect("row.col");
                let text = |v: &serde_json::Value| match v {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                want.push(vec![
                    table.to_string(),
                    text(&t["template"]),
                    row.to_string(),
                    col.to_string(),
                    // Amounts always print with a decimal point in bulk's files.
                    match &c["value"] {
                        serde_json::Value::Number(n) => format!("{:?}", n.as_f64().expect("number")),
                        other => text(other),
                    },
                    text(&c["raw"]),
                    text(&c["state"]),
                    text(c.get("unit").unwrap_or(&serde_json::Value::Null)),
                    text(&c["source"]),
                    text(&c["origin"]),
                ]);
            }
        }
        let got: Vec<Vec<String>> =
            cells.iter().filter(|r| r[0] == fixture.input).map(|r| [&r[4..5], &r[3..4], &r[5..13]].concat()).collect();
        assert_eq!(got, want, "{}: cells.csv vs {}", fixture.input, path.display());
    }
}

#[test]
fn word_files_of_every_kind_read_in_bulk_like_their_originals() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    let formats = root().join("fixtures/formats");
    let copies = [
        "official_2021.libreoffice.docx",
        "official_2021.libreoffice.doc",
        "official_2021.rtf.doc",
        "official_2021.libreoffice.wps",
        "gov2019_2020.libreoffice.doc",
        "gov2019_2020.mso-html.doc",
        "layout_wrapped_2022.nested-textbox.docx",
    ];
    for name in copies {
        std::fs::copy(formats.join(name), input.join(name)).expect("copy");
    }
    std::fs::copy(formats.join("bad/truncated.doc"), input.join("truncated.doc")).expect("copy");
    for original in ["official_2021.html", "gov2019_2020.html", "layout_wrapped_2022.html"] {
        std::fs::copy(root().join("fixtures/html").join(original), input.join(original)).expect("copy");
    }
    let out = run_in(tmp.path(), &["bulk", "in", "-o", "out"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    let reports = read_csv(&tmp.path().join("out/reports.csv"));
    assert_eq!(reports.len(), 1 + copies.len() + 1 + 3, "one row per file");
    for row in &reports[1..] {
        let ok = !row[0].ends_with("truncated.doc");
        assert_eq!(row[1], if ok { "ok" } else { "error" }, "{row:?}");
    }
    let truncated = reports.iter().find(|r| r[0] == "in/truncated.doc").expect("error row");
    assert!(truncated[2].starts_with("a damaged or truncated Office file"), "{truncated:?}");

    // Each copy's cells are its original's: same keys, values, raw text and states.
    let cells = read_csv(&tmp.path().join("out/cells.csv"));
    let of = |source: &str| -> Vec<Vec<String>> {
        let mut rows: Vec<Vec<String>> = cells.iter().filter(|r| r[0] == source).map(|r| r[4..11].to_vec()).collect();
        rows.sort();
        rows
    };
    for name in copies {
        let stem = name.split('.').next().expect("stem");
        let (copy, original) = (of(&format!("in/{name}")), of(&format!("in/{stem}.html")));
        assert!(original.len() >= 198, "{stem}: {} cells", original.len());
        assert_eq!(copy, original, "{name}");
    }
    // Word cells say where in the file they were printed.
    let origin = cells
        .iter()
        .find(|r| r[0] == "in/official_2021.libreoffice.doc" && r[5] == "new_received" && r[6] == "natural_person")
        .map(|r| r[12].clone());
    assert_eq!(origin.as_deref(), Some("table 2, row 4, cell 4"));
}

/// PDFs in a folder: one row each, the scanned one an error row with its reason, the readable ones with their
/// year and template.
#[test]
fn a_folder_of_pdfs_gives_one_row_per_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    for name in ["official_2021.wps-style.pdf", "gov2019_2020.word-style.pdf", "blank_zeros_2021.chromium.pdf"] {
        std::fs::copy(root().join("fixtures/formats").join(name), input.join(name)).expect("copy");
    }
    std::fs::copy(root().join("fixtures/formats/bad/scanned.pdf"), input.join("scanned.pdf")).expect("copy");
    let out = run_in(tmp.path(), &["bulk", "in", "-o", "out"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let reports = read_csv(&tmp.path().join("out/reports.csv"));
    let summary: Vec<(&str, &str, &str, &str, &str)> = reports[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str(), r[4].as_str(), r[7].as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("in/blank_zeros_2021.chromium.pdf", "ok", "", "2023", "gov2021"),
            ("in/gov2019_2020.word-style.pdf", "ok", "", "2020", "gov2019"),
            ("in/official_2021.wps-style.pdf", "ok", "", "2022", "gov2021"),
            ("in/scanned.pdf", "error", "no text layer (a scanned PDF); run OCR first", "", ""),
        ]
    );
    // Cells from a PDF name their page, table, row and cell.
    let cells = read_csv(&tmp.path().join("out/cells.csv"));
    let origin = cells[0].iter().position(|h| h == "origin").expect("origin column");
    assert!(cells[1..].iter().filter(|r| r[0].ends_with(".pdf")).all(|r| r[origin].starts_with("page ")), "origins");
}
