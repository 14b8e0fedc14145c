//! `nianbao validate`: the real binary run on workbooks built here (with rust_xlsxwriter), on nianbao's own
//! `convert` and `template` output, and on hostile files.
//!
//! Values come from the rule fixtures in `fixtures/rules/` (read through the library), so every workbook's
//! expected result is known exactly: the consistent fixture passes every rule; one changed cell gives exactly
//! its consequences.

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::process::{Command, Output};

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Formula, Workbook, Worksheet};
use serde_json::Value;

use nianbao::doc::{layout_grid, Slot};
use nianbao::report::{CellState, Finding, Report, Severity, TableStatus};
use nianbao::template::{self, TableSpec};
use nianbao::write::xlsx::cell_ref;

mod common;
use common::*;

/// The tables of the form, as the embedded templates define them.
fn table_keys() -> &'static [String] {
    nianbao::template::Catalog::embedded().table_keys()
}

fn exit_code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

/// The report of a fixture, through the library (the source of truth for the workbooks built here).
fn fixture_report(name: &str) -> Report {
    let path = root().join("fixtures").join(name);
    let bytes = std::fs::read(&path).expect("fixture");
    nianbao::inspect_bytes(&bytes, name).expect("fixture reads")
}

/// `validate --json` on `file` in `dir`: exit code, report, the `validation` summary.
fn validate_json(dir: &Path, file: &str) -> (i32, Report, Value) {
    let out = run_in(dir, &["validate", "--json", file]);
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    let value: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{file}: {e}; stderr: {}", stderr(&out)));
    let report: Report = serde_json::from_value(value.clone()).expect("validate JSON is a Report");
    (exit_code(&out), report, value["validation"].clone())
}

/// A finding as the tests compare it: (table, rule, status, cells, refs, expected, found).
type Seen = (String, String, String, Vec<String>, Vec<String>, Option<f64>, Option<f64>);

/// A rule finding without its sheet references: (rule, status, cells, expected, found).
type RuleOutcome = (String, String, Vec<String>, Option<f64>, Option<f64>);

fn seen(f: &Finding) -> Seen {
    (
        f.table.clone().unwrap_or_default(),
        f.rule.to_string(),
        f.status.map(|s| s.to_string()).unwrap_or_default(),
        f.cells.iter().map(ToString::to_string).collect(),
        f.refs.clone(),
        f.expected,
        f.found,
    )
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Every present cell of `expected` is in `actual` with the same state and value.
fn assert_same_values(expected: &Report, actual: &Report, context: &str) {
    for key in table_keys() {
        let (e, a) = (&expected.tables[key], &actual.tables[key]);
        assert_eq!(e.template, a.template, "{context} {key} template");
        for (cell, value) in &e.cells {
            let got = a.cells.get(cell).unwrap_or_else(|| panic!("{context}: {key}.{cell} missing"));
            assert_eq!((got.state, got.value), (value.state, value.value), "{context}: {key}.{cell}");
        }
        assert_eq!(e.cells.len(), a.cells.len(), "{context} {key} cell count");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Drawing the official form by hand, from the template's layout data.

/// What to put in one value cell.
#[derive(Debug, Clone)]
enum Put {
    Number(f64),
    Text(String),
    /// A formula with its cached result.
    Formula(String, String),
    Blank,
}

/// The fixture's cells as `Put`s: numbers as numbers, n/a marks as their text, blanks empty.
fn puts_of(report: &Report) -> HashMap<String, Put> {
    let mut out = HashMap::new();
    for key in table_keys() {
        for (cell, v) in &report.tables[key].cells {
            let put = match (v.state, v.value) {
                (CellState::Value, Some(x)) => Put::Number(x.as_f64()),
                (CellState::Na, _) => Put::Text(v.raw.clone()),
                _ => Put::Blank,
            };
            out.insert(format!("{key}.{cell}"), put);
        }
    }
    out
}

fn put(ws: &mut Worksheet, row: u32, col: u16, value: &Put) {
    match value {
        Put::Number(x) => ws.write_number(row, col, *x).map(|_| ()),
        Put::Text(t) => ws.write_string(row, col, t).map(|_| ()),
        Put::Formula(f, result) => ws.write_formula(row, col, Formula::new(f).set_result(result)).map(|_| ()),
        Put::Blank => Ok(()),
    }
    .expect("write cell");
}

/// Draws table `spec` of the official form with its top-left corner at (`row0`, `col0`); value cells come from
/// `values` (keys `t3.granted.total`). Returns the sheet position of every value cell and the rows used.
fn draw_form(
    ws: &mut Worksheet,
    spec: &TableSpec,
    row0: u32,
    col0: u16,
    values: &HashMap<String, Put>,
) -> (HashMap<String, (u32, u16)>, u32) {
    let grid =
        layout_grid(spec.layout.iter().map(|r| r.cells.iter().map(|c| (c.rowspan, c.colspan)).collect::<Vec<_>>()));
    let fmt = Format::new();
    let mut positions = HashMap::new();
    for (r, layout_row) in spec.layout.iter().enumerate() {
        for (i, cell) in layout_row.cells.iter().enumerate() {
            let x = grid[r].iter().position(|s| *s == Slot::Origin { row: r, index: i }).expect("placed");
            let (row, col) = (row0 + r as u32, col0 + x as u16);
            let (last_row, last_col) = (row + cell.rowspan - 1, col + cell.colspan as u16 - 1);
            let spanned = cell.rowspan > 1 || cell.colspan > 1;
            if let Some(text) = &cell.text {
                if spanned {
                    ws.merge_range(row, col, last_row, last_col, text, &fmt).expect("merge");
                } else {
                    ws.write_string(row, col, text).expect("text");
                }
            }
            if let (Some(col_key), Some(row_key)) = (&cell.value, &layout_row.row) {
                if spanned {
                    ws.merge_range(row, col, last_row, last_col, "", &fmt).expect("merge");
                }
                let key = format!("{}.{row_key}.{col_key}", spec.key);
                if let Some(value) = values.get(&key) {
                    put(ws, row, col, value);
                }
                positions.insert(key, (row, col));
            }
        }
    }
    (positions, spec.layout.len() as u32)
}

fn spec(version: &str, table: &str) -> &'static TableSpec {
    template::by_version(version).and_then(|t| t.table(table)).expect("table spec")
}

fn a1(row: u32, col: u16) -> String {
    rust_xlsxwriter::utility::row_col_to_cell(row, col)
}

/// One sheet holding the three tables under their section titles, as an official builds it from the printed
/// form. Returns the bytes and each value cell's reference (`年报表格!D8`).
fn one_sheet_form(values: &HashMap<String, Put>) -> (Vec<u8>, HashMap<String, String>) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("年报表格").expect("name");
    ws.write_string(0, 0, "示例局2023年政府信息公开工作年度报告").expect("title");
    let mut row = 2;
    let mut refs = HashMap::new();
    for key in table_keys() {
        let spec = spec("gov2021", key);
        ws.write_string(row, 0, &spec.title).expect("section title");
        let (positions, used) = draw_form(ws, spec, row + 1, 0, values);
        refs.extend(positions.into_iter().map(|(k, (r, c))| (k, format!("年报表格!{}", a1(r, c)))));
        row += used + 3;
    }
    (wb.save_to_buffer().expect("xlsx"), refs)
}

/// One sheet per table, in the order t4, t2, t3, named freely, with three rows of notes above each form and the
/// form starting in column B.
fn sheet_per_table_form(values: &HashMap<String, Put>) -> (Vec<u8>, HashMap<String, String>) {
    let mut wb = Workbook::new();
    let mut refs = HashMap::new();
    for (key, name) in [("t4", "Sheet1"), ("t2", "表二"), ("t3", "申请 情况")] {
        let ws = wb.add_worksheet();
        ws.set_name(name).expect("name");
        ws.set_column_width(1, 40).expect("width");
        ws.write_string(0, 0, "填报单位：示例局").expect("note");
        ws.write_string(1, 0, "填报说明：空白表示无此项数据。").expect("note");
        let (positions, _) = draw_form(ws, spec("gov2021", key), 3, 1, values);
        refs.extend(positions.into_iter().map(|(k, (r, c))| (k, format!("{name}!{}", a1(r, c)))));
    }
    (wb.save_to_buffer().expect("xlsx"), refs)
}

fn consistent() -> (Report, HashMap<String, Put>) {
    let report = fixture_report("rules/consistent_2021.md");
    let puts = puts_of(&report);
    (report, puts)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("write input");
}

#[test]
fn hand_built_form_on_one_sheet_passes_with_the_fixture_values() {
    let (expected, values) = consistent();
    let (bytes, _) = one_sheet_form(&values);
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "form.xlsx", &bytes);
    let (code, report, summary) = validate_json(dir.path(), "form.xlsx");
    assert_eq!(code, 0);
    assert_same_values(&expected, &report, "one sheet");
    assert!(report.tables.values().all(|t| t.status == TableStatus::Found));
    assert_eq!(summary["templates"], serde_json::json!({"t2": "gov2021", "t3": "gov2021", "t4": "gov2021"}));
    assert_eq!(summary["sheets"], serde_json::json!(["年报表格"]));
    assert_eq!((summary["errors"].as_u64(), summary["warnings"].as_u64()), (Some(0), Some(0)));
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert!(report.unplaced.is_empty(), "{:?}", report.unplaced);
}

#[test]
fn hand_built_form_one_sheet_per_table_reordered_and_renamed_passes() {
    let (expected, values) = consistent();
    let (bytes, refs) = sheet_per_table_form(&values);
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "form.xlsx", &bytes);
    let (code, report, summary) = validate_json(dir.path(), "form.xlsx");
    assert_eq!(code, 0, "{:?}", report.findings);
    assert_same_values(&expected, &report, "sheet per table");
    assert_eq!(summary["sheets"], serde_json::json!(["Sheet1", "表二", "申请 情况"]));
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    // Origins are the real sheet cells: the form starts at B4.
    assert_eq!(
        report.cell("t3", "new_received.natural_person").and_then(|c| c.origin.as_ref()).map(ToString::to_string),
        Some("申请 情况!E7".into())
    );
    assert_eq!(refs["t3.new_received.natural_person"], "申请 情况!E7");
    assert_eq!(
        report.cell("t4", "cases.review_total").and_then(|c| c.origin.as_ref()).map(ToString::to_string),
        Some("Sheet1!F7".into())
    );
}

#[test]
fn numbers_typed_as_text_and_formulas_with_cached_values_are_read_as_numbers() {
    let (expected, mut values) = consistent();
    values.insert("t3.new_received.natural_person".into(), Put::Text("30".into()));
    values.insert("t3.new_received.commercial_enterprise".into(), Put::Text(" 4 ".into()));
    values.insert("t3.new_received.total".into(), Put::Formula("=SUM(D6:I6)".into(), "38".into()));
    values.insert("t4.cases.review_total".into(), Put::Formula("=SUM(A30:D30)".into(), "4".into()));
    let (bytes, _) = one_sheet_form(&values);
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "form.xlsx", &bytes);
    let (code, report, _) = validate_json(dir.path(), "form.xlsx");
    assert_eq!(code, 0, "{:?}", report.findings);
    assert_same_values(&expected, &report, "text and formulas");
    assert_eq!(report.cell("t3", "new_received.total").map(|c| c.raw.as_str()), Some("38"));
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn one_changed_value_reports_exactly_its_consequences_with_sheet_references() {
    let (_, mut values) = consistent();
    values.insert("t3.carried_forward.natural_person".into(), Put::Number(4.0));
    let (bytes, refs) = one_sheet_form(&values);
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "form.xlsx", &bytes);
    let (code, report, summary) = validate_json(dir.path(), "form.xlsx");
    assert_eq!(code, 1);
    let r = |keys: &[&str]| -> Vec<String> { keys.iter().map(|k| refs[&format!("t3.{k}")].clone()).collect() };
    let r1 = [
        "new_received.natural_person",
        "carried_over.natural_person",
        "results_total.natural_person",
        "carried_forward.natural_person",
    ];
    let r3 = [
        "carried_forward.total",
        "carried_forward.natural_person",
        "carried_forward.commercial_enterprise",
        "carried_forward.research_institution",
        "carried_forward.social_welfare_org",
        "carried_forward.legal_service_org",
        "carried_forward.other_org",
    ];
    let found: Vec<Seen> = report.findings.iter().map(seen).collect();
    assert_eq!(
        found,
        vec![
            ("t3".into(), "R1".into(), "failed".into(), strings(&r1), r(&r1), Some(33.0), Some(32.0)),
            ("t3".into(), "R3".into(), "failed".into(), strings(&r3), r(&r3), Some(5.0), Some(4.0)),
        ]
    );
    assert_eq!(r(&r1), strings(&["年报表格!D24", "年报表格!D25", "年报表格!D47", "年报表格!D48"]));
    assert_eq!(summary["errors"].as_u64(), Some(2));
    // The human output names the sheet cells too.
    let out = run_in(dir.path(), &["validate", "form.xlsx"]);
    assert_eq!(exit_code(&out), 1);
    assert!(
        stdout(&out).contains(
            "[error] R1 年报表格!D24, 年报表格!D25, 年报表格!D47, 年报表格!D48  表三「勾稽关系」（R1）不成立"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn unreadable_cells_fail_naming_their_sheet_references() {
    let (_, mut values) = consistent();
    values.insert("t3.granted.natural_person".into(), Put::Text("十二".into()));
    values.insert("t4.cases.review_other".into(), Put::Formula("=#REF!".into(), "#REF!".into()));
    let (bytes, refs) = one_sheet_form(&values);
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "form.xlsx", &bytes);
    let (code, report, summary) = validate_json(dir.path(), "form.xlsx");
    assert_eq!(code, 1, "what could not be read was not checked: {:?}", report.findings);
    assert_eq!((summary["complete"].as_bool(), summary["passed"].as_bool()), (Some(false), Some(false)));
    let unreadable: Vec<(Severity, String, Vec<String>, Vec<String>)> = report
        .findings
        .iter()
        .filter(|f| f.rule == "unreadable")
        .map(|f| {
            let cells = f.cells.iter().map(ToString::to_string).collect();
            (f.severity, f.table.clone().unwrap_or_default(), cells, f.refs.clone())
        })
        .collect();
    assert_eq!(
        unreadable,
        vec![
            (
                Severity::Error,
                "t3".into(),
                strings(&["granted.natural_person"]),
                vec![refs["t3.granted.natural_person"].clone()]
            ),
            (
                Severity::Error,
                "t4".into(),
                strings(&["cases.review_other"]),
                vec![refs["t4.cases.review_other"].clone()]
            ),
        ]
    );
    assert_eq!(refs["t3.granted.natural_person"], "年报表格!D26");
    // The rules that need those cells cannot be verified; nothing fails, no other cell of the row is lost.
    let rules: Vec<(String, String, Vec<String>)> = report
        .findings
        .iter()
        .filter(|f| f.status.is_some())
        .map(|f| {
            let cells = f.cells.iter().map(ToString::to_string).collect();
            (f.rule.to_string(), f.status.map(|s| s.to_string()).unwrap_or_default(), cells)
        })
        .collect();
    assert_eq!(
        rules,
        vec![
            ("R2".into(), "unverifiable".into(), strings(&["granted.natural_person"])),
            ("R3".into(), "unverifiable".into(), strings(&["granted.natural_person"])),
            ("R4".into(), "unverifiable".into(), strings(&["cases.review_other"])),
        ]
    );
    assert_eq!(report.tables["t3"].cells.len(), 174);
    let out = run_in(dir.path(), &["validate", "form.xlsx"]);
    assert_eq!(exit_code(&out), 1);
    let text = stdout(&out);
    assert!(
        text.contains("年报表格!D26：表三「（一）予以公开」行「自然人」列的内容“十二”不是数值。请改用阿拉伯数字填写"),
        "{text}"
    );
    assert!(text.contains("年报表格!C55：表四「行政复议/其他结果」的内容“#REF!”不是数值。公式出错"), "{text}");
    assert!(text.contains("NOT PASSED"), "{text}");
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile files.

fn tiny_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "序号").expect("cell");
    ws.write_string(0, 1, "金额").expect("cell");
    ws.write_number(1, 0, 1.0).expect("cell");
    ws.write_number(1, 1, 250.5).expect("cell");
    wb.save_to_buffer().expect("xlsx")
}

#[test]
fn unreadable_files_exit_2_with_a_one_line_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let workbook = tiny_workbook();
    let mut plain_zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    plain_zip.start_file("a.txt", zip::write::SimpleFileOptions::default()).expect("entry");
    plain_zip.write_all(b"hello").expect("write");
    let plain_zip = plain_zip.finish().expect("zip").into_inner();
    let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    cfb.resize(4096, 0);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("renamed.xlsx", "一、总体情况\n本年新收申请 5 件。".as_bytes().to_vec(), "not a spreadsheet (XLSX, XLS, ODS)"),
        ("empty.xlsx", Vec::new(), "not a spreadsheet (XLSX, XLS, ODS)"),
        ("picture.xlsx", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), "a PNG image, not a document nianbao reads"),
        (
            "truncated.xlsx",
            workbook[..workbook.len() / 2].to_vec(),
            "not a readable spreadsheet: not a valid xlsx zip archive",
        ),
        ("plain.zip.xlsx", plain_zip, "a ZIP archive, not a document nianbao reads: unpack it"),
        // A compound-file signature and nothing readable after it: not even its directory says what it held.
        ("damaged.xlsx", cfb, "a damaged or truncated Office file"),
        ("unrelated.xlsx", workbook.clone(), "no table of the official form found (sheets: Sheet1)"),
    ];
    for (name, bytes, reason) in cases {
        write(dir.path(), name, &bytes);
        for json in [false, true] {
            let args: Vec<&str> = if json { vec!["validate", "--json", name] } else { vec!["validate", name] };
            let out = run_in(dir.path(), &args);
            let err = stderr(&out);
            assert_eq!(exit_code(&out), 2, "{name}: {err}");
            assert_eq!(err.lines().count(), 1, "{name}: {err}");
            assert!(err.starts_with(&format!("{name}: {reason}")), "{name}: {err}");
            assert!(out.stdout.is_empty(), "{name}");
        }
    }
    let out = run_in(dir.path(), &["validate", "missing.xlsx"]);
    assert_eq!(exit_code(&out), 2);
    assert!(stderr(&out).contains("missing.xlsx"), "{}", stderr(&out));
}

#[test]
fn a_hundred_thousand_rows_are_read_or_refused_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Only noise: no table, exit 2.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for i in 0..100_000u32 {
        ws.write_string(i, 0, format!("记录{i}")).expect("cell");
        ws.write_number(i, 1, f64::from(i)).expect("cell");
        ws.write_number(i, 2, f64::from(i % 7)).expect("cell");
    }
    write(dir.path(), "noise.xlsx", &wb.save_to_buffer().expect("xlsx"));
    let out = run_in(dir.path(), &["validate", "noise.xlsx"]);
    assert_eq!(exit_code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).starts_with("noise.xlsx: no table of the official form found"), "{}", stderr(&out));

    // The form on its own sheet, and a second sheet of 100,000 rows of numbers: the form is read as usual.
    let (expected, values) = consistent();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("表格").expect("name");
    let mut row = 0;
    for key in table_keys() {
        let (_, used) = draw_form(ws, spec("gov2021", key), row, 0, &values);
        row += used + 2;
    }
    let noise = wb.add_worksheet();
    for i in 0..100_000u32 {
        noise.write_number(i, 0, f64::from(i)).expect("cell");
        noise.write_number(i, 1, 1.5).expect("cell");
    }
    write(dir.path(), "big.xlsx", &wb.save_to_buffer().expect("xlsx"));
    let (code, report, _) = validate_json(dir.path(), "big.xlsx");
    assert_eq!(code, 0, "{:?}", report.findings);
    assert_same_values(&expected, &report, "big");
    assert!(report.unplaced.is_empty());
}

// ---------------------------------------------------------------------------------------------------------------
// nianbao's own output: `template` filled by a script, `convert` edited by hand.

/// A workbook with the XML of one entry (`xl/worksheets/sheet2.xml`) edited, as a program that rewrites the file
/// would leave it.
fn edit_zip(bytes: &[u8], entry: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut found = false;
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("entry");
        let name = file.name().expect("entry name").to_string();
        let mut data = Vec::new();
        file.read_to_end(&mut data).expect("read entry");
        if name == entry {
            found = true;
            data = edit(String::from_utf8(data).expect("utf-8 XML")).into_bytes();
        }
        out.start_file(name, options).expect("start entry");
        out.write_all(&data).expect("write entry");
    }
    assert!(found, "{entry} in the workbook");
    out.finish().expect("zip written").into_inner()
}

/// Sets cells of a workbook in place, in the sheet XML (`<c r="D6" s="4"/>` → `<c r="D6" s="4"><v>30</v></c>`),
/// as a spreadsheet program would store a typed value. `sheet_file` is `xl/worksheets/sheet2.xml`.
fn set_cells(bytes: &[u8], sheet_file: &str, cells: &[(String, Put)]) -> Vec<u8> {
    edit_zip(bytes, sheet_file, |mut text| {
        for (reference, value) in cells {
            let pattern = regex::Regex::new(&format!(r#"<c r="{reference}"( s="\d+")?/>"#)).expect("regex");
            let body = match value {
                Put::Number(x) => format!("><v>{x}</v></c>"),
                Put::Text(t) => format!(r#" t="inlineStr"><is><t>{t}</t></is></c>"#),
                Put::Formula(f, v) => format!("><f>{}</f><v>{v}</v></c>", f.trim_start_matches('=')),
                Put::Blank => "/>".to_string(),
            };
            assert_eq!(pattern.find_iter(&text).count(), 1, "{reference} in {sheet_file}");
            text = pattern.replace(&text, format!(r#"<c r="{reference}"${{1}}{body}"#)).into_owned();
        }
        text
    })
}

/// Replaces a whole cell element of a sheet (`<c r="D9" …>…</c>` or `<c r="D9" …/>`) by `element`.
fn replace_cell(xml: &str, reference: &str, element: &str) -> String {
    let pattern = regex::Regex::new(&format!(r#"<c r="{reference}"[^>]*?(?:/>|>.*?</c>)"#)).expect("regex");
    assert_eq!(pattern.find_iter(xml).count(), 1, "{reference}");
    pattern.replace(xml, regex::NoExpand(element)).into_owned()
}

/// The sheet file of each table in nianbao's workbooks (sheets are written in table order).
fn sheet_file(table: &str) -> String {
    let index = table_keys().iter().position(|k| k == table).expect("table") + 1;
    format!("xl/worksheets/sheet{index}.xml")
}

/// Fills a blank template workbook with `values` (keys `t3.granted.total`) where the template draws them.
fn fill_template(bytes: &[u8], version: &str, values: &HashMap<String, Put>) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    for table in table_keys() {
        let prefix = format!("{table}.");
        let cells: Vec<(String, Put)> = values
            .iter()
            .filter_map(|(k, v)| k.strip_prefix(&prefix).map(|cell| (cell, v)))
            .filter(|(_, v)| !matches!(v, Put::Blank))
            .map(|(cell, v)| {
                let reference = cell_ref(version, table, cell).expect("cell drawn");
                let (_, a1) = reference.split_once('!').expect("sheet!cell");
                (a1.to_string(), v.clone())
            })
            .collect();
        bytes = set_cells(&bytes, &sheet_file(table), &cells);
    }
    bytes
}

#[test]
fn template_filled_by_a_script_passes_and_an_inconsistent_value_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_in(dir.path(), &["template", "-o", "blank.xlsx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let blank = std::fs::read(dir.path().join("blank.xlsx")).expect("template");

    // The blank form itself: every cell of the three tables blank (表四's unlabelled row too: its cells are drawn
    // on the sheet), no error, one line of information.
    let (code, report, summary) = validate_json(dir.path(), "blank.xlsx");
    assert_eq!(code, 0);
    for key in ["t2", "t3", "t4"] {
        let t = &report.tables[key];
        assert_eq!(t.status, TableStatus::Found, "{key}");
        assert!(t.cells.values().all(|c| c.state == CellState::Blank), "{key}");
    }
    assert_eq!(report.tables["t4"].cells.len(), 15);
    let findings: Vec<(Severity, String)> = report.findings.iter().map(|f| (f.severity, f.rule.to_string())).collect();
    assert_eq!(findings, vec![(Severity::Info, "blank_form".to_string())]);
    assert_eq!(summary["passed"].as_bool(), Some(true));
    let out = run_in(dir.path(), &["validate", "blank.xlsx"]);
    assert_eq!(stdout(&out).lines().filter(|l| l.contains("[info]")).count(), 1, "{}", stdout(&out));
    assert!(stdout(&out).contains("t4: found (all blank) gov2021  15 of 15 cells"), "{}", stdout(&out));

    let (expected, mut values) = consistent();
    write(dir.path(), "filled.xlsx", &fill_template(&blank, "gov2021", &values));
    let (code, report, _) = validate_json(dir.path(), "filled.xlsx");
    assert_eq!(code, 0, "{:?}", report.findings);
    assert_same_values(&expected, &report, "filled template");
    assert!(report.findings.is_empty(), "{:?}", report.findings);

    values.insert("t4.cases.suit_direct_total".into(), Put::Number(3.0));
    write(dir.path(), "wrong.xlsx", &fill_template(&blank, "gov2021", &values));
    let (code, report, _) = validate_json(dir.path(), "wrong.xlsx");
    assert_eq!(code, 1);
    let keys = ["total", "maintained", "corrected", "other", "pending"].map(|c| format!("cases.suit_direct_{c}"));
    let refs: Vec<String> = keys.iter().map(|k| cell_ref("gov2021", "t4", k).expect("ref")).collect();
    assert_eq!(
        report.findings.iter().map(seen).collect::<Vec<_>>(),
        vec![("t4".into(), "R4".into(), "failed".into(), keys.to_vec(), refs, Some(2.0), Some(3.0))]
    );
}

/// Re-saves a workbook the way a spreadsheet program does after hand edits: every sheet's cells and merged
/// regions copied (formulas keep their cached values), with `shift` rows inserted above everything, sheets
/// renamed and reordered by `sheets` (old name → new name, in the new order), and `edits` (old sheet, A1) applied.
fn resave(bytes: &[u8], shift: u32, sheets: &[(&str, &str)], edits: &HashMap<(String, String), Put>) -> Vec<u8> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("xlsx");
    let mut wb = Workbook::new();
    let fmt = Format::new();
    for (old, new) in sheets {
        let range = book.worksheet_range(old).expect("sheet");
        let merges = book.merge_cells_by_sheet_name(old).expect("merges");
        let ws = wb.add_worksheet();
        ws.set_name(*new).expect("name");
        for m in &merges {
            let (r0, c0, r1, c1) = (m.start.0 + shift, m.start.1 as u16, m.end.0 + shift, m.end.1 as u16);
            ws.merge_range(r0, c0, r1, c1, "", &fmt).expect("merge");
        }
        for (row, col, data) in range.used_cells() {
            let (abs_row, abs_col) =
                (range.start().map_or(0, |s| s.0) + row as u32, range.start().map_or(0, |s| s.1) + col as u32);
            let (r, c) = (abs_row + shift, abs_col as u16);
            let key = (old.to_string(), a1(abs_row, abs_col as u16));
            let value = match edits.get(&key) {
                Some(edit) => edit.clone(),
                None => match data {
                    Data::Int(i) => Put::Number(*i as f64),
                    Data::Float(f) => Put::Number(*f),
                    Data::String(s) => Put::Text(s.clone()),
                    Data::Empty => Put::Blank,
                    other => Put::Text(other.to_string()),
                },
            };
            put(ws, r, c, &value);
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

#[test]
fn a_converted_workbook_edited_by_hand_reports_exactly_the_edit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = root().join("fixtures/rules/consistent_2021.md");
    let out = run_in(dir.path(), &["convert", fixture.to_str().expect("path"), "-o", "."]);
    assert!(out.status.success(), "{}", stderr(&out));
    let converted = std::fs::read(dir.path().join("consistent_2021.xlsx")).expect("converted");
    let expected = fixture_report("rules/consistent_2021.md");

    // Untouched: the same values as inspect, no finding.
    let (code, report, summary) = validate_json(dir.path(), "consistent_2021.xlsx");
    assert_eq!(code, 0, "{:?}", report.findings);
    assert_same_values(&expected, &report, "converted");
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(summary["skipped_sheets"], serde_json::json!(["叙述与指标", "校验"]));

    // Two rows inserted above, sheets renamed and reordered, a number typed as text, one value changed.
    let at = |key: &str| -> (String, String) {
        let reference = cell_ref("gov2021", "t3", key).expect("ref");
        let (sheet, cell) = reference.split_once('!').expect("sheet!cell");
        (sheet.to_string(), cell.to_string())
    };
    let mut edits = HashMap::new();
    edits.insert(at("granted.natural_person"), Put::Text("15".into()));
    edits.insert(at("carried_forward.natural_person"), Put::Number(4.0));
    let sheets = [("复议诉讼", "T4"), ("依申请公开", "三 依申请"), ("主动公开", "T2"), ("校验", "校验")];
    write(dir.path(), "edited.xlsx", &resave(&converted, 2, &sheets, &edits));
    let (code, report, summary) = validate_json(dir.path(), "edited.xlsx");
    assert_eq!(code, 1);
    assert_eq!(summary["sheets"], serde_json::json!(["T4", "三 依申请", "T2"]));
    let moved = |key: &str| -> String {
        let (_, cell) = at(key);
        let digits = cell.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        let letters = &cell[..cell.len() - digits.len()];
        format!("三 依申请!{letters}{}", digits.parse::<u32>().expect("row") + 2)
    };
    let r1 = [
        "new_received.natural_person",
        "carried_over.natural_person",
        "results_total.natural_person",
        "carried_forward.natural_person",
    ];
    let r3 = [
        "carried_forward.total",
        "carried_forward.natural_person",
        "carried_forward.commercial_enterprise",
        "carried_forward.research_institution",
        "carried_forward.social_welfare_org",
        "carried_forward.legal_service_org",
        "carried_forward.other_org",
    ];
    assert_eq!(
        report.findings.iter().map(seen).collect::<Vec<_>>(),
        vec![
            (
                "t3".into(),
                "R1".into(),
                "failed".into(),
                strings(&r1),
                r1.iter().map(|k| moved(k)).collect(),
                Some(33.0),
                Some(32.0)
            ),
            (
                "t3".into(),
                "R3".into(),
                "failed".into(),
                strings(&r3),
                r3.iter().map(|k| moved(k)).collect(),
                Some(5.0),
                Some(4.0)
            ),
        ]
    );
    let granted = report.cell("t3", "granted.natural_person").expect("cell");
    assert_eq!((granted.value.map(|v| v.as_f64()), granted.raw.as_str()), (Some(15.0), "15"));
    assert_eq!(granted.origin.as_ref().map(ToString::to_string), Some(moved("granted.natural_person")));
}

// ---------------------------------------------------------------------------------------------------------------
// Workbooks edited so that a reader going by merged regions could not place their cells, and cells that hold no
// value: validation must fail, naming the cells, never pass what it could not read.

/// nianbao's workbook of the consistent fixture, and the fixture's report.
fn converted_consistent(dir: &Path) -> (Vec<u8>, Report) {
    let fixture = root().join("fixtures/rules/consistent_2021.md");
    let out = run_in(dir, &["convert", fixture.to_str().expect("path"), "-o", "converted", "--format", "xlsx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(dir.join("converted/consistent_2021.xlsx")).expect("converted");
    (bytes, fixture_report("rules/consistent_2021.md"))
}

/// The A1 reference of a 表三 cell in nianbao's workbook (`D9`).
fn t3_a1(key: &str) -> String {
    let reference = cell_ref("gov2021", "t3", key).expect("drawn");
    reference.split_once('!').expect("sheet!cell").1.to_string()
}

/// Sets a number cell of the sheet XML to another number.
fn set_number(xml: &str, reference: &str, value: f64) -> String {
    let pattern = regex::Regex::new(&format!(r#"(<c r="{reference}"[^>]*>)<v>[^<]*</v>"#)).expect("regex");
    assert_eq!(pattern.find_iter(xml).count(), 1, "{reference}");
    pattern.replace(xml, format!("${{1}}<v>{value}</v>")).into_owned()
}

/// Every sheet row from `from` (1-based) on moved down by `by`, as a program inserting rows writes them, with the
/// merged regions left where they were (openpyxl's `insert_rows` does not move them).
fn insert_rows_keeping_merges(xml: &str, from: u32, by: u32) -> String {
    let rows = regex::Regex::new(r#"<row r="(\d+)""#).expect("regex");
    let cells = regex::Regex::new(r#"<c r="([A-Z]+)(\d+)""#).expect("regex");
    let moved = |n: u32| if n >= from { n + by } else { n };
    let xml = rows.replace_all(xml, |c: &regex::Captures| format!(r#"<row r="{}""#, moved(c[1].parse().expect("row"))));
    cells
        .replace_all(&xml, |c: &regex::Captures| format!(r#"<c r="{}{}""#, &c[1], moved(c[2].parse().expect("row"))))
        .into_owned()
}

/// (rule, status) of the findings about rules, in order.
fn rule_outcomes(report: &Report) -> Vec<(String, String)> {
    report
        .findings
        .iter()
        .filter(|f| f.status.is_some())
        .map(|f| (f.rule.to_string(), f.status.map(|s| s.to_string()).unwrap_or_default()))
        .collect()
}

#[test]
fn rows_inserted_without_moving_merged_regions_are_read_by_their_labels() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (converted, expected) = converted_consistent(dir.path());
    // Two rows inserted above 「（三）不予公开」, and one value changed so that the sheet is wrong: its error must be
    // found, not lost with cells the stale merged regions would hide or misplace.
    let edited = edit_zip(&converted, &sheet_file("t3"), |xml| {
        let xml = set_number(&xml, &t3_a1("partially_granted.natural_person"), 13.0);
        insert_rows_keeping_merges(&xml, 10, 2)
    });
    write(dir.path(), "inserted.xlsx", &edited);
    let (code, report, summary) = validate_json(dir.path(), "inserted.xlsx");
    assert_eq!(code, 1);
    assert_eq!(summary["complete"].as_bool(), Some(true), "{:?}", report.findings);
    assert_eq!(report.tables["t3"].status, TableStatus::Found);
    assert!(report.unplaced.is_empty(), "{:?}", report.unplaced);
    for (key, cell) in &expected.tables["t3"].cells {
        let got = report.cell("t3", key.as_str()).expect("read");
        let origin = got.origin.as_ref().map(ToString::to_string).unwrap_or_default();
        let a1 = t3_a1(key.as_str());
        // 表三's value columns are D to J: one letter.
        let (letters, row) = a1.split_at(1);
        let row: u32 = row.parse().expect("row");
        let moved = if row >= 10 { row + 2 } else { row };
        assert_eq!(origin, format!("依申请公开!{letters}{moved}"), "{key}");
        if key.as_str() != "partially_granted.natural_person" {
            assert_eq!(got.value, cell.value, "{key}");
        }
    }
    assert_eq!(rule_outcomes(&report), vec![("R2".into(), "failed".into()), ("R3".into(), "failed".into())]);
    let r3 = report.findings.iter().find(|f| f.rule == "R3").expect("R3");
    assert!(r3.refs.contains(&"依申请公开!D9".to_string()), "{:?}", r3.refs);
}

#[test]
fn forms_whose_merged_regions_were_removed_are_read_by_their_labels() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (converted, expected) = converted_consistent(dir.path());
    let unmerge =
        |xml: String| regex::Regex::new(r"<mergeCells.*?</mergeCells>").expect("regex").replace(&xml, "").into_owned();
    let mut edited = converted.clone();
    for table in table_keys() {
        edited = edit_zip(&edited, &sheet_file(table), unmerge);
    }
    edited =
        edit_zip(&edited, &sheet_file("t3"), |xml| set_number(&xml, &t3_a1("partially_granted.natural_person"), 13.0));
    write(dir.path(), "unmerged.xlsx", &edited);
    let (code, report, summary) = validate_json(dir.path(), "unmerged.xlsx");
    assert_eq!(code, 1);
    assert_eq!(summary["complete"].as_bool(), Some(true), "{:?}", report.findings);
    for key in table_keys() {
        assert_eq!(report.tables[key].status, TableStatus::Found, "{key}");
    }
    assert!(report.unplaced.is_empty(), "{:?}", report.unplaced);
    assert_eq!(
        report.cell("t3", "carried_forward.total").and_then(|c| c.origin.as_ref()).map(ToString::to_string),
        Some("依申请公开!J30".into())
    );
    assert_eq!(
        report.cell("t3", "new_received.total").map(|c| c.value),
        expected.cell("t3", "new_received.total").map(|c| c.value)
    );
    assert_eq!(rule_outcomes(&report), vec![("R2".into(), "failed".into()), ("R3".into(), "failed".into())]);
}

#[test]
fn a_cleared_row_label_fails_naming_the_cells_it_leaves_unread() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (converted, _) = converted_consistent(dir.path());
    // The label 「3.危及“三安全一稳定”」 (C12) cleared: its row's numbers belong nowhere.
    let edited = edit_zip(&converted, &sheet_file("t3"), |xml| replace_cell(&xml, "C12", r#"<c r="C12"/>"#));
    write(dir.path(), "cleared.xlsx", &edited);
    let (code, report, summary) = validate_json(dir.path(), "cleared.xlsx");
    assert_eq!(code, 1);
    assert_eq!(summary["complete"].as_bool(), Some(false));
    let row: Vec<String> = ["D", "E", "F", "G", "H", "I", "J"].iter().map(|c| format!("依申请公开!{c}12")).collect();
    let errors: Vec<(String, Vec<String>)> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (f.rule.to_string(), f.refs.clone()))
        .collect();
    assert_eq!(errors, vec![("unplaced".into(), row.clone()), ("unread".into(), row.clone())]);
    let unread = report.findings.iter().find(|f| f.rule == "unread").expect("unread");
    assert_eq!(unread.cells.len(), 7);
    assert!(unread.cells.iter().all(|k| k.row() == "withheld_three_security_one_stability"), "{:?}", unread.cells);
    let out = run_in(dir.path(), &["validate", "cleared.xlsx"]);
    assert_eq!(exit_code(&out), 1);
    assert!(
        stdout(&out).contains("表三「（三）不予公开 3.危及“三安全一稳定”」行（7 格）未能读取：工作表上没有找到这一行（应在 依申请公开!D12:J12）"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn cells_holding_no_value_fail_naming_the_cell_and_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (converted, _) = converted_consistent(dir.path());
    let edited = edit_zip(&converted, &sheet_file("t3"), |xml| {
        let xml = replace_cell(&xml, "D9", r#"<c r="D9" t="inlineStr"><is><t>三十六</t></is></c>"#);
        let xml = replace_cell(&xml, "E9", r#"<c r="E9" t="e"><f>#REF!+1</f><v>#REF!</v></c>"#);
        let xml = replace_cell(&xml, "F9", r#"<c r="F9" t="e"><f>1/0</f><v>#DIV/0!</v></c>"#);
        // A formula as openpyxl writes it: no computed value.
        replace_cell(&xml, "G9", r#"<c r="G9"><f>SUM(G6:G7)</f><v></v></c>"#)
    });
    write(dir.path(), "unreadable.xlsx", &edited);
    let (code, report, _) = validate_json(dir.path(), "unreadable.xlsx");
    assert_eq!(code, 1);
    let errors: Vec<(String, Vec<String>)> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (f.rule.to_string(), f.refs.clone()))
        .collect();
    let expected: Vec<(String, Vec<String>)> =
        ["D9", "E9", "F9", "G9"].iter().map(|c| ("unreadable".to_string(), vec![format!("依申请公开!{c}")])).collect();
    assert_eq!(errors, expected);
    let out = run_in(dir.path(), &["validate", "unreadable.xlsx"]);
    let text = stdout(&out);
    for said in [
        "依申请公开!D9：表三「（二）部分公开（区分处理的，只计这一情形，不计其他情形）」行「自然人」列的内容“三十六”不是数值。请改用阿拉伯数字填写",
        "依申请公开!F9：表三「（二）部分公开（区分处理的，只计这一情形，不计其他情形）」行「法人或其他组织/科研机构」列的内容“#DIV/0!”不是数值。公式出错",
        "的内容“=SUM(G6:G7)”不是数值。公式没有计算结果",
    ] {
        assert!(text.contains(said), "{said}\n{text}");
    }
}

/// The prose ↔ table checks (`P…`) compare the report's sentences with its tables; a workbook's tables alone cannot
/// repeat them.
fn is_prose_check(finding: &Finding) -> bool {
    finding.rule == nianbao::report::Rule::ProseVsTable
}

/// Every report fixture converts, and its workbook validates back to the values, statuses and rule findings of
/// `inspect`; every cell read back comes with the sheet cell it was read from, which shows its raw text. A report
/// without any table of the form gives a workbook `validate` refuses with a clear reason.
#[test]
fn convert_then_validate_gives_the_values_and_rule_findings_of_inspect() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixtures = common::fixtures::reports();
    let mut args: Vec<String> = vec!["convert".into(), "--format".into(), "xlsx".into(), "-o".into(), ".".into()];
    args.extend(fixtures.iter().map(|f| f.path().display().to_string()));
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_in(dir.path(), &arg_refs);
    assert_eq!(exit_code(&out), 0, "every fixture converts: {}", stderr(&out));
    let (mut compared, mut refused) = (0, 0);
    for fixture in &fixtures {
        let xlsx = format!("{}.xlsx", fixture.stem);
        assert!(dir.path().join(&xlsx).is_file(), "{}: no workbook written", fixture.input);
        let bytes = std::fs::read(fixture.path()).expect("input");
        let expected = nianbao::inspect_bytes(&bytes, &fixture.input).expect("inspect");
        let any_table = expected.tables.values().any(|t| t.status != TableStatus::Absent);
        let out = run_in(dir.path(), &["validate", "--json", &xlsx]);
        assert!(!stderr(&out).contains("panicked"), "{xlsx}: {}", stderr(&out));
        if !any_table {
            assert_eq!(exit_code(&out), 2, "{xlsx}: {}", stderr(&out));
            assert!(stderr(&out).contains("no table of the official form found"), "{}", stderr(&out));
            refused += 1;
            continue;
        }
        let (code, report, _) = validate_json(dir.path(), &xlsx);
        let workbook = common::origin::Workbook::open(&dir.path().join(&xlsx));
        for key in table_keys() {
            let (e, a) = (&expected.tables[key], &report.tables[key]);
            if e.status == TableStatus::Absent {
                assert_eq!(a.status, TableStatus::Absent, "{xlsx} {key}");
                continue;
            }
            assert_eq!(e.template, a.template, "{xlsx} {key}");
            for (cell, v) in &e.cells {
                let got = a.cells.get(cell).unwrap_or_else(|| panic!("{xlsx}: {key}.{cell} lost"));
                assert_eq!((got.state, got.value), (v.state, v.value), "{xlsx}: {key}.{cell}");
                let origin = got.origin.as_ref().unwrap_or_else(|| panic!("{xlsx}: {key}.{cell} has no origin"));
                let problem = workbook.check(&got.raw, &origin.to_string());
                assert_eq!(problem, None, "{xlsx}: {key}.{cell}");
            }
            // A cell the source lacks is drawn empty and listed in the workbook's `nianbao_absent_*` name: it
            // reads back absent, not blank, so the status and the rules come out the same.
            let extra: Vec<&nianbao::report::CellKey> = a.cells.keys().filter(|c| !e.cells.contains_key(*c)).collect();
            assert!(extra.is_empty(), "{xlsx} {key}: cells absent from the source came back {extra:?}");
            assert_eq!(e.status, a.status, "{xlsx} {key} status");
            let rules = |r: &Report| -> Vec<RuleOutcome> {
                r.findings
                    .iter()
                    .filter(|f| f.table.as_deref() == Some(key) && f.status.is_some() && !is_prose_check(f))
                    .map(|f| {
                        let cells = f.cells.iter().map(ToString::to_string).collect();
                        let status = f.status.map(|s| s.to_string()).unwrap_or_default();
                        (f.rule.to_string(), status, cells, f.expected, f.found)
                    })
                    .collect()
            };
            assert_eq!(rules(&expected), rules(&report), "{xlsx} {key} rule findings");
        }
        let errors = |r: &Report| {
            r.findings.iter().any(|f| f.severity == Severity::Error && f.status.is_some() && !is_prose_check(f))
        };
        assert_eq!(code, if errors(&report) { 1 } else { 0 }, "{xlsx}");
        assert_eq!(errors(&expected), errors(&report), "{xlsx}: error findings differ");
        compared += 1;
    }
    assert_eq!(compared + refused, fixtures.len());
}

#[test]
fn out_writes_the_values_as_csv_and_json() {
    let (expected, values) = consistent();
    let (bytes, _) = one_sheet_form(&values);
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "form.xlsx", &bytes);
    let out = run_in(dir.path(), &["validate", "form.xlsx", "--out", "checked"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let json = std::fs::read(dir.path().join("checked/form.json")).expect("json written");
    let report: Report = serde_json::from_slice(&json).expect("report JSON");
    assert_same_values(&expected, &report, "--out json");
    let csv = std::fs::read_to_string(dir.path().join("checked/form_t3.csv")).expect("csv written");
    assert!(csv.contains("new_received,一、本年新收政府信息公开申请数量,30,4,1,0,2,1,38"), "{csv}");
    for t in ["t2", "t4"] {
        assert!(dir.path().join(format!("checked/form_{t}.csv")).exists());
    }
    // Existing outputs are kept unless --force.
    let again = run_in(dir.path(), &["validate", "form.xlsx", "--out", "checked"]);
    assert_eq!(exit_code(&again), 3, "an output not written");
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));
    let forced = run_in(dir.path(), &["validate", "form.xlsx", "--out", "checked", "--force"]);
    assert_eq!(exit_code(&forced), 0, "{}", stderr(&forced));
}

/// A converted workbook opened and saved again by LibreOffice (its own shared strings, styles and merges) reads
/// back the same, as `.xlsx`, as OpenDocument `.ods` (LibreOffice's and WPS's default) and as legacy `.xls`.
#[test]
#[ignore = "needs LibreOffice (soffice)"]
fn a_workbook_saved_again_by_libreoffice_reads_the_same() {
    require_tool("soffice", "libreoffice-calc");
    let dir = tempfile::tempdir().expect("tempdir");
    let fixtures = ["fixtures/003_f86e26e747344a50.txt", "fixtures/rules/blanks_2021.md"];
    for fixture in fixtures {
        let path = root().join(fixture);
        let out = run_in(dir.path(), &["convert", path.to_str().expect("path"), "-o", "in"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let profile = format!("-env:UserInstallation=file://{}/profile", dir.path().display());
    let formats = [("xlsx", "xlsx:Calc MS Excel 2007 XML"), ("ods", "ods:calc8"), ("xls", "xls:MS Excel 97")];
    for fixture in fixtures {
        let stem = Path::new(fixture).file_stem().and_then(|s| s.to_str()).expect("stem");
        let (original_code, original, _) = validate_json(dir.path(), &format!("in/{stem}.xlsx"));
        for (extension, filter) in formats {
            let status = Command::new("soffice")
                .args([&profile, "--headless", "--convert-to", filter, "--outdir", "saved"])
                .arg(format!("in/{stem}.xlsx"))
                .current_dir(dir.path())
                .output()
                .expect("soffice runs");
            assert!(status.status.success(), "{}", stderr(&status));
            let saved_path = format!("saved/{stem}.{extension}");
            assert!(dir.path().join(&saved_path).exists(), "LibreOffice wrote {saved_path}");
            let (saved_code, saved, _) = validate_json(dir.path(), &saved_path);
            assert_eq!(original_code, saved_code, "{saved_path}");
            assert_same_values(&original, &saved, &saved_path);
            let outcome = |r: &Report| -> Vec<Seen> { r.findings.iter().map(seen).collect() };
            assert_eq!(outcome(&original), outcome(&saved), "{saved_path}");
        }
    }
}

/// A legacy `.xls` (here: nianbao's workbook for `official_2021.html`, saved as .xls by LibreOffice) is read like an
/// `.xlsx`: every cell of the report comes back with its value.
#[test]
fn a_legacy_xls_workbook_is_read_by_labels() {
    let dir = tempfile::tempdir().expect("tempdir");
    let xls = root().join("fixtures/xls/official_2021.xls");
    let html = std::fs::read(root().join("fixtures/html/official_2021.html")).expect("fixture");
    let expected = nianbao::inspect_bytes(&html, "official_2021.html").expect("inspect");
    let (code, report, _) = validate_json(dir.path(), xls.to_str().expect("utf-8 path"));
    assert_eq!(code, 0);
    assert_same_values(&expected, &report, "xls");
}

/// A workbook whose every value cell holds something that is no number — booleans, a number far beyond any count
/// (`1e308`) — is an input nianbao could not read (exit 2, naming the cells), not a report with empty tables; such
/// a cell among numbers is a warning naming its sheet cell.
#[test]
fn a_workbook_whose_values_are_all_unreadable_is_an_unreadable_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, puts) = consistent();
    let draw = |unreadable: &dyn Fn(usize) -> bool| {
        let mut wb = Workbook::new();
        let mut first_bad = None;
        for key in table_keys() {
            let ws = wb.add_worksheet();
            let (positions, _) = draw_form(ws, spec("gov2021", key), 0, 0, &puts);
            let mut positions: Vec<_> = positions.into_iter().collect();
            positions.sort();
            for (i, (_, (row, col))) in positions.into_iter().enumerate() {
                if !unreadable(i) {
                    continue;
                }
                first_bad.get_or_insert_with(|| format!("{}!{}", ws.name(), a1(row, col)));
                if i % 2 == 0 {
                    ws.write_boolean(row, col, true).expect("boolean");
                } else {
                    ws.write_number(row, col, 1e308).expect("number");
                }
            }
        }
        (wb.save_to_buffer().expect("xlsx"), first_bad.expect("a cell"))
    };
    let (all_bad, _) = draw(&|_| true);
    write(dir.path(), "all_bad.xlsx", &all_bad);
    for command in ["inspect", "convert"] {
        let out =
            run_in(dir.path(), &[command, "all_bad.xlsx", "-o", "out"][..if command == "inspect" { 2 } else { 4 }]);
        assert_eq!(exit_code(&out), 2, "{command}: {}", stderr(&out));
        assert!(stderr(&out).contains("all_bad.xlsx: no number in its tables could be read"), "{}", stderr(&out));
    }
    assert!(!dir.path().join("out/all_bad.xlsx").exists(), "nothing written for an unreadable input");

    let (one_bad, place) = draw(&|i| i == 0);
    write(dir.path(), "one_bad.xlsx", &one_bad);
    let out = run_in(dir.path(), &["inspect", "--json", "one_bad.xlsx"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let report: Report = serde_json::from_slice(&out.stdout).expect("json");
    let warned: Vec<&Finding> = report.findings.iter().filter(|f| f.rule == "unreadable").collect();
    // The first value cell of each of the three sheets.
    assert_eq!(warned.len(), 3, "{warned:?}");
    assert_eq!(warned[0].refs, vec![place]);
}
