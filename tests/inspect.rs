//! `nianbao inspect`: the JSON contract on the seeds, standard input, unreadable and hostile inputs, the human
//! summary. Every fixture's full result is compared with its hand-written spec and its expected JSON by
//! `tests/specs.rs`.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::*;

fn run(args: &[&str]) -> Output {
    Command::new(bin()).args(args).current_dir(root()).output().expect("binary runs")
}

fn inspect_json(path: &str) -> Value {
    let out = run(&["inspect", "--json", path]);
    assert!(out.status.success(), "{path}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn cells(v: &Value, table: &str) -> serde_json::Map<String, Value> {
    v["tables"][table]["cells"].as_object().cloned().unwrap_or_default()
}

fn value(v: &Value, table: &str, key: &str) -> Value {
    v["tables"][table]["cells"][key]["value"].clone()
}

#[test]
fn seed_002_is_a_gov2021_report_with_200_cells_all_zero_but_licensing() {
    let v = inspect_json("fixtures/002_bc2901b205bfb866.txt");
    assert_eq!(v["kind"], "annual_report");
    assert_eq!(v["year"], 2023);
    assert_eq!(v["agency"], Value::Null);
    assert_eq!(v["template"], "gov2021");
    let mut total = 0;
    for table in ["t2", "t3", "t4"] {
        assert_eq!(v["tables"][table]["status"], "found", "{table}");
        assert_eq!(v["tables"][table]["template"], "gov2021", "{table}");
        for (key, cell) in cells(&v, table) {
            total += 1;
            assert_eq!(cell["state"], "value", "{table}.{key}");
            let expected = if table == "t2" && key == "admin_licensing.decisions" { 24380 } else { 0 };
            assert_eq!(cell["value"], expected, "{table}.{key}");
        }
    }
    assert_eq!(total, 200);
    assert_eq!(v["unplaced"], Value::Array(vec![]));
    assert_eq!(v["tables"]["t2"]["cells"]["admin_fees.fee_amount"]["unit"], "万元");
}

#[test]
fn seed_003_is_gov2019_with_the_regulations_row_absent_and_money_in_wanyuan() {
    let v = inspect_json("fixtures/003_f86e26e747344a50.txt");
    assert_eq!((v["year"].clone(), v["agency"].clone()), (Value::from(2020), Value::from("鄂州市行政审批局")));
    assert_eq!(v["published"], "2021-01-24");
    assert_eq!(v["tables"]["t2"]["status"], "partial");
    assert!(cells(&v, "t2").keys().all(|k| !k.starts_with("regulations.")), "规章 row is not in the text");
    assert_eq!(cells(&v, "t2").len(), 19);
    let amount = &v["tables"]["t2"]["cells"]["centralized_procurement.procurement_amount"];
    assert_eq!(amount["value"], 278.334);
    assert_eq!(amount["raw"], "278.334万元");
    assert_eq!(amount["unit"], "万元");
    assert_eq!(value(&v, "t2", "admin_penalty.change_this_year"), 3);
    assert_eq!(value(&v, "t3", "new_received.total"), 29);
    assert_eq!(value(&v, "t3", "results_total.natural_person"), 23);
    assert_eq!(cells(&v, "t3").len(), 161);
    assert_eq!(v["tables"]["t4"]["template"], "gov2019");
    assert_eq!(cells(&v, "t4").len(), 15);
}

#[test]
fn seeds_without_tables_report_them_absent_not_zero() {
    for (path, year) in [("fixtures/000_062ddeea1ee84d73.txt", 2023), ("fixtures/001_d922dcabc256b160.txt", 2018)] {
        let v = inspect_json(path);
        assert_eq!(v["kind"], "annual_report", "{path}");
        assert_eq!(v["year"], year, "{path}");
        for table in ["t2", "t3", "t4"] {
            assert_eq!(v["tables"][table]["status"], "absent", "{path} {table}");
            let table_cells = cells(&v, table);
            assert!(table_cells.values().all(|c| c["source"] == "prose"), "{path} {table}: only prose values");
        }
    }
    let v = inspect_json("fixtures/000_062ddeea1ee84d73.txt");
    assert_eq!(v["agency"], "常州市政务服务管理办公室");
    let v = inspect_json("fixtures/001_d922dcabc256b160.txt");
    assert_eq!(v["template"], Value::Null);
    assert_eq!(v["agency"], "常熟市");
}

#[test]
fn a_quarterly_bulletin_is_not_an_annual_report() {
    let v = inspect_json("fixtures/004_6f66df5c291edce3.txt");
    assert_eq!(v["kind"], "other");
    assert_eq!(v["template"], Value::Null);
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let input = std::fs::read(root().join("fixtures/002_bc2901b205bfb866.txt")).expect("fixture");
    let mut child = Command::new(bin())
        .args(["inspect", "--json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(&input).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["source"], "-");
    assert_eq!(value(&v, "t2", "admin_licensing.decisions"), 24380);
}

#[test]
fn unreadable_inputs_exit_2_with_one_line_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: Vec<(PathBuf, Vec<u8>)> = vec![
        (dir.path().join("empty.txt"), Vec::new()),
        (
            dir.path().join("image.png"),
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\0\0\0".to_vec(),
        ),
    ];
    for (path, bytes) in &cases {
        std::fs::write(path, bytes).expect("write");
    }
    let missing = dir.path().join("missing.html");
    for path in cases.iter().map(|(p, _)| p.as_path()).chain([missing.as_path(), dir.path()]) {
        let out = run(&["inspect", path.to_str().expect("utf-8 path")]);
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(&*path.to_string_lossy()), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn hostile_inputs_never_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cases: Vec<Vec<u8>> = vec![
        b"<table><tr><td rowspan=99999999 colspan=99999999>1</td></tr></table>".to_vec(),
        b"<html><body><table><table><tr><td>".to_vec(),
        "|||||\n|\n| |\n||| 0 |\n-1 |\n".as_bytes().to_vec(),
        "一、本年新收政府信息公开申请数量99999999999999999999999999999999".as_bytes().to_vec(),
        b"PK\x03\x04garbage".to_vec(),
        vec![0xff, 0xfe, 0x00],
        (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect(),
    ];
    cases.push("行政许可 1 2 3 4 5 6 7 8 9 10\n".repeat(2000).into_bytes());
    for (i, bytes) in cases.iter().enumerate() {
        let path = dir.path().join(format!("case{i}"));
        std::fs::write(&path, bytes).expect("write");
        let out = run(&["inspect", "--json", path.to_str().expect("utf-8")]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "case {i}: {err}");
        assert!(matches!(out.status.code(), Some(0) | Some(2)), "case {i}: {:?} {err}", out.status);
    }
}

#[test]
fn human_output_summarises_tables() {
    let out = run(&["inspect", "fixtures/003_f86e26e747344a50.txt"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("t3: found"), "{text}");
    assert!(text.contains("t2: partial"), "{text}");
    assert!(text.contains("鄂州市行政审批局"), "{text}");
}

/// nianbao's own workbook read back with `inspect` and `bulk`: its narrative and findings sheets (whatever they are
/// called) and the live checks beside the forms are not data, so no number goes unplaced, and the workbook's
/// title keeps the agency and the year.
#[test]
fn nianbaos_own_workbook_reads_back_without_unplaced_numbers() {
    // Saved as .xls by LibreOffice: the check results came back as numbers (0), the sheets as written.
    let xls = inspect_json("fixtures/xls/official_2021.xls");
    assert_eq!(xls["unplaced"], serde_json::json!([]), "{:#}", xls["unplaced"]);
    assert_eq!(xls["agency"], "青禾市自然资源和规划局");
    assert_eq!(xls["year"], 2022);
    for table in ["t2", "t3", "t4"] {
        assert_eq!(xls["tables"][table]["status"], "found", "{table}");
    }

    let tmp = tempfile::tempdir().expect("tempdir");
    let seeds: Vec<String> = (0..=3)
        .map(|i| common::fixtures::reports().into_iter().find(|f| f.stem.starts_with(&format!("00{i}_"))))
        .map(|f| f.expect("seed").path().display().to_string())
        .collect();
    let mut args = vec!["convert", "--format", "xlsx", "-o"];
    let out_dir = tmp.path().join("out");
    let out_str = out_dir.display().to_string();
    args.push(&out_str);
    args.extend(seeds.iter().map(String::as_str));
    let out = run(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for seed in &seeds {
        let source = inspect_json(seed);
        let stem = PathBuf::from(seed).file_stem().expect("stem").to_string_lossy().to_string();
        // Renamed sheets are recognised by what they hold, not by their names.
        let workbook = out_dir.join(format!("{stem}.xlsx"));
        let renamed =
            rename_sheets(&std::fs::read(&workbook).expect("written"), &[("叙述与指标", "说明"), ("校验", "Sheet5")]);
        std::fs::write(&workbook, renamed).expect("rewrite");
        let read = inspect_json(workbook.to_str().expect("utf-8"));
        assert_eq!(read["unplaced"], serde_json::json!([]), "{stem}: {:#}", read["unplaced"]);
        assert_eq!(read["agency"], source["agency"], "{stem}");
        assert_eq!(read["year"], source["year"], "{stem}");
        for table in ["t2", "t3", "t4"] {
            assert_eq!(read["tables"][table]["status"], source["tables"][table]["status"], "{stem} {table}");
        }
    }
    let long = tmp.path().join("long");
    let out = run(&["bulk", &out_str, "-o", long.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let reports = std::fs::read_to_string(long.join("reports.csv")).expect("written");
    let mut rows = csv::Reader::from_reader(reports.trim_start_matches('\u{feff}').as_bytes());
    let header = rows.headers().expect("header").clone();
    let unplaced = header.iter().position(|h| h == "unplaced").expect("unplaced column");
    for row in rows.records() {
        let row = row.expect("row");
        assert_eq!(row.get(unplaced), Some("0"), "{row:?}");
    }
}

/// A workbook with sheets renamed in `xl/workbook.xml`, as a spreadsheet program saves a renamed sheet.
fn rename_sheets(bytes: &[u8], names: &[(&str, &str)]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("entry");
        let name = file.name().expect("name").to_string();
        let mut data = Vec::new();
        file.read_to_end(&mut data).expect("read");
        if name == "xl/workbook.xml" {
            let mut text = String::from_utf8(data).expect("utf-8");
            for (old, new) in names {
                let (old, new) = (format!("name=\"{old}\""), format!("name=\"{new}\""));
                assert!(text.contains(&old), "{old}");
                text = text.replace(&old, &new);
            }
            data = text.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).expect("entry");
        out.write_all(&data).expect("write");
    }
    out.finish().expect("zip").into_inner()
}
