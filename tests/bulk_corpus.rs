//! `nianbao bulk` over a generated corpus: a few hundred reports derived from fixtures whose every cell is known
//! (`fixtures/expected/`), each with its own agency and its table values scaled by its own factor, beside bad files
//! and files that are no reports. The truth of a generated report is its fixture's expected cells, scaled by the
//! same factor: the linear rules of the form (R1–R4) still hold, so the program reads it as it reads the fixture.
//!
//! Also: byte-identical outputs whatever the number of jobs, a three-year series with one broken carry-over, two
//! copies of one report, and (with pandas and DuckDB installed) every CSV loaded with its numeric columns typed.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;
use sha2::{Digest, Sha256};

mod common;
use common::*;

/// A CSV file: its header and rows, columns looked up by name.
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(path: &Path) -> Csv {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
        let mut rows: Vec<Vec<String>> =
            reader.records().map(|r| r.expect("valid csv").iter().map(String::from).collect()).collect();
        let header = rows.remove(0);
        Csv { header, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    /// Each row as a map from column name to value.
    fn records(&self) -> Vec<HashMap<&str, &str>> {
        self.rows
            .iter()
            .map(|r| self.header.iter().map(String::as_str).zip(r.iter().map(String::as_str)).collect())
            .collect()
    }
}

/// A fixture a report is generated from: its HTML and its expected cells.
struct Base {
    html: String,
    agency: String,
    year: i64,
    template: String,
    /// `(table, cell key)` → the expected cell.
    cells: BTreeMap<(String, String), Value>,
}

const BASES: [&str; 5] =
    ["official_2021", "gov2019_2020", "blank_zeros_2021", "layout_wrapped_2022", "split_table_2021"];

fn base(stem: &str) -> Base {
    let html = std::fs::read_to_string(root().join(format!("fixtures/html/{stem}.html"))).expect("html fixture");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join(format!("fixtures/expected/{stem}.json"))).expect("expected"),
    )
    .expect("json");
    let mut cells = BTreeMap::new();
    for table in ["t2", "t3", "t4"] {
        for (key, cell) in expected["tables"][table]["cells"].as_object().into_iter().flatten() {
            cells.insert((table.to_string(), key.clone()), cell.clone());
        }
    }
    Base {
        html,
        agency: expected["agency"].as_str().expect("agency").to_string(),
        year: expected["year"].as_i64().expect("year"),
        template: expected["template"].as_str().expect("template").to_string(),
        cells,
    }
}

/// A whole text node of digits: a table's value in these fixtures (prose numbers are inside longer text).
static DIGIT_NODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r">(\s*)(\d+)(\s*)<").expect("regex"));
static DIGITS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d+$").expect("regex"));

/// A new agency name: the base's with its place name (up to 市, 县 or 区) replaced by one of 400.
fn agency_name(base: &str, i: usize) -> String {
    const A: [&str; 20] = [
        "东", "西", "南", "北", "清", "白", "金", "石", "云", "松", "桂", "兰", "梅", "竹", "杉", "柳", "岩", "泉",
        "湖", "川",
    ];
    const B: [&str; 20] = [
        "阳", "江", "山", "林", "源", "平", "宁", "安", "丰", "河", "城", "溪", "原", "口", "田", "峰", "州", "坪",
        "湾", "岭",
    ];
    let cut = base.char_indices().find(|(_, c)| matches!(c, '市' | '县' | '区')).map_or(0, |(at, c)| at + c.len_utf8());
    let kind = base[..cut].chars().last().map(String::from).unwrap_or_else(|| "市".to_string());
    format!("{}{}{kind}{}", A[i % 20], B[(i / 20) % 20], &base[cut..])
}

/// A generated report: its file name, HTML, agency and the factor its table values were scaled by.
struct Generated {
    name: String,
    html: String,
    agency: String,
    factor: i64,
}

fn generate(base: &Base, i: usize) -> Generated {
    let factor = 1 + (i % 7) as i64;
    let agency = agency_name(&base.agency, i);
    let scaled = DIGIT_NODE.replace_all(&base.html, |c: &regex::Captures| {
        let n: i64 = c[2].parse().expect("digits");
        format!(">{}{}{}<", &c[1], n * factor, &c[3])
    });
    Generated { name: format!("r{i:04}.html"), html: scaled.replace(&base.agency, &agency), agency, factor }
}

/// The value a cell must have in bulk's files: amounts always with a decimal point.
fn number_text(v: f64) -> String {
    format!("{v:?}")
}

/// The expected `(value, state)` of a cell of `base` in a report scaled by `factor`.
fn truth(cell: &Value, factor: i64) -> (String, String) {
    let state = cell["state"].as_str().expect("state").to_string();
    let value = match cell["value"].as_f64() {
        Some(v) if DIGITS.is_match(cell["raw"].as_str().unwrap_or_default().trim()) => number_text(v * factor as f64),
        Some(v) => number_text(v),
        None => String::new(),
    };
    (value, state)
}

/// Where generated report `i` goes, relative to the corpus directory: every third one in a subdirectory.
fn place(i: usize, name: &str) -> String {
    if i.is_multiple_of(3) {
        format!("in/sub/{name}")
    } else {
        format!("in/{name}")
    }
}

fn corpus(dir: &Path, reports: usize) -> Vec<(Generated, usize)> {
    let input = dir.join("in");
    std::fs::create_dir_all(input.join("sub")).expect("mkdir");
    let bases: Vec<Base> = BASES.iter().map(|b| base(b)).collect();
    let mut out = Vec::new();
    for i in 0..reports {
        let b = i % bases.len();
        let g = generate(&bases[b], i);
        let at = dir.join(place(i, &g.name));
        std::fs::write(at, &g.html).expect("write");
        out.push((g, b));
    }
    // Bad files, each of which must get an error row.
    std::fs::write(input.join("empty.txt"), b"").expect("write");
    std::fs::copy(root().join("fixtures/formats/bad/truncated.doc"), input.join("truncated.doc")).expect("copy");
    std::fs::copy(root().join("fixtures/formats/bad/scanned.pdf"), input.join("sub/scanned.pdf")).expect("copy");
    // Files that are no reports, skipped and counted: by their extension, or by their content under any name.
    std::fs::write(input.join("meta.json"), br#"{"title": "report"}"#).expect("write");
    std::fs::write(input.join("sub/logo.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("write");
    std::fs::write(input.join("attachments.zip"), b"PK\x03\x04\x14\0\0\0photo.jpg").expect("write");
    std::fs::write(input.join("crawl-state"), br#"[{"url": "http://example.org/1"}]"#).expect("write");
    out
}

fn bulk(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["bulk"];
    all.extend(args);
    run_in(dir, &all)
}

#[test]
fn a_generated_corpus_keeps_every_report_and_every_cell() {
    const REPORTS: usize = 250;
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let generated = corpus(dir, REPORTS);
    let bases: Vec<Base> = BASES.iter().map(|b| base(b)).collect();

    let out = bulk(dir, &["in", "-o", "one", "-j", "1"]);
    assert_eq!(out.status.code(), Some(2), "three bad files: {}", stderr(&out));
    let summary = stderr(&out);
    assert!(
        summary.contains(&format!(
            "{REPORTS} of {} inputs read, 3 failed; 4 other files skipped; 0 duplicates",
            REPORTS + 3
        )),
        "{summary}"
    );

    // One reports.csv row per file tried, in walk order; the generated ones read with their agency, year, template
    // and the hash of their bytes.
    let reports = Csv::read(&dir.join("one/reports.csv"));
    assert_eq!(reports.rows.len(), REPORTS + 3);
    let records = reports.records();
    let by_path: HashMap<&str, &HashMap<&str, &str>> = records.iter().map(|r| (r["path"], r)).collect();
    for bad in ["in/empty.txt", "in/truncated.doc", "in/sub/scanned.pdf"] {
        let row = by_path.get(bad).unwrap_or_else(|| panic!("{bad}: no row"));
        assert_eq!(row["status"], "error", "{bad}");
        assert!(!row["error"].is_empty(), "{bad}");
    }
    for (i, (g, b)) in generated.iter().enumerate() {
        let path = place(i, &g.name);
        let row = by_path.get(path.as_str()).unwrap_or_else(|| panic!("{path}: no row"));
        let base = &bases[*b];
        let sha: String = Sha256::digest(g.html.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            (row["status"], row["agency"], row["year"], row["template"], row["sha256"], row["duplicate_of"]),
            ("ok", g.agency.as_str(), base.year.to_string().as_str(), base.template.as_str(), sha.as_str(), ""),
            "{path}"
        );
    }

    // cells.csv: exactly the truth of each report, each row with its report's agency, year and template.
    let cells = Csv::read(&dir.join("one/cells.csv"));
    let mut got: HashMap<String, Vec<Vec<String>>> = HashMap::new();
    let c = |n: &str| cells.col(n);
    let (path, agency, year, template, table, row, col, value, state) = (
        c("path"),
        c("agency"),
        c("year"),
        c("template"),
        c("table_key"),
        c("row_key"),
        c("col_key"),
        c("value"),
        c("state"),
    );
    for r in &cells.rows {
        let key = format!("{}.{}", r[row], r[col]);
        got.entry(r[path].clone()).or_default().push(vec![
            r[agency].clone(),
            r[year].clone(),
            r[template].clone(),
            r[table].clone(),
            key,
            r[value].clone(),
            r[state].clone(),
        ]);
    }
    let wide: Vec<Csv> = ["t2", "t3", "t4"].iter().map(|t| Csv::read(&dir.join(format!("one/{t}_wide.csv")))).collect();
    for w in &wide {
        assert_eq!(w.rows.len(), REPORTS, "one wide row per report read");
    }
    let mut checked = 0;
    for (i, (g, b)) in generated.iter().enumerate() {
        let p = place(i, &g.name);
        let base = &bases[*b];
        let mut want: Vec<Vec<String>> = Vec::new();
        for ((table, key), cell) in &base.cells {
            let (value, state) = truth(cell, g.factor);
            want.push(vec![
                g.agency.clone(),
                base.year.to_string(),
                base.template.clone(),
                table.clone(),
                key.clone(),
                value,
                state,
            ]);
        }
        want.sort();
        let mut have = got.remove(&p).unwrap_or_default();
        have.sort();
        assert_eq!(have, want, "{p}: cells.csv");

        // The wide tables: the number where the report printed one, empty for blank, not-applicable and absent.
        for (t, w) in ["t2", "t3", "t4"].iter().zip(&wide) {
            let row = w.rows.iter().find(|r| r[w.col("path")] == p).unwrap_or_else(|| panic!("{p}: no {t} row"));
            assert_eq!(row[w.col("agency")], g.agency);
            for (k, name) in w.header.iter().enumerate().skip_while(|(_, h)| !h.contains('.')) {
                let want = base.cells.get(&(t.to_string(), name.clone())).map_or(String::new(), |cell| {
                    let (value, state) = truth(cell, g.factor);
                    if state == "value" {
                        value
                    } else {
                        String::new()
                    }
                });
                assert_eq!(row[k], want, "{p}: {t}_wide.csv {name}");
                checked += 1;
            }
        }
    }
    assert!(got.is_empty(), "cells of no generated report: {:?}", got.keys().collect::<Vec<_>>());
    assert!(checked > REPORTS * 200, "{checked} wide cells checked");

    // The same bytes with two workers, every file.
    let out = bulk(dir, &["in", "-o", "two", "-j", "2", "--quiet"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let names: Vec<String> = std::fs::read_dir(dir.join("one"))
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 10, "{names:?}");
    for name in &names {
        let a = std::fs::read(dir.join("one").join(name)).expect("one");
        let b = std::fs::read(dir.join("two").join(name)).expect("two");
        assert!(a == b, "{name} differs between -j 1 and -j 2");
    }
}

/// A gov2021 report of 示例局 for `year` as Markdown: 表三's carried-over and carried-forward rows only.
fn series_report(year: i32, carried_over: [i64; 7], carried_forward: [i64; 7]) -> String {
    let row = |label: &str, v: [i64; 7]| {
        format!("| {label} | {} |\n", v.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(" | "))
    };
    let mut text = format!("# 示例局{year}年政府信息公开工作年度报告\n\n");
    text.push_str("三、收到和处理政府信息公开申请情况\n\n| | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n|---|---|---|---|---|---|---|---|\n");
    text.push_str(&row("二、上年结转政府信息公开申请数量", carried_over));
    text.push_str(&row("（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [0; 7]));
    text.push_str(&row("四、结转下年度继续办理", carried_forward));
    text
}

#[test]
fn a_broken_carry_over_is_one_cross_finding_and_a_copy_one_duplicate() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let input = dir.join("in");
    std::fs::create_dir(&input).expect("mkdir");
    // 2021 carries 4 forward; 2022 carries them over and 2 forward; 2023 prints 3 in the 总计 of its carried-over
    // row (its columns sum to 2): one column of one year pair breaks.
    std::fs::write(input.join("a2021.md"), series_report(2021, [0; 7], [3, 0, 0, 0, 1, 0, 4])).expect("write");
    std::fs::write(input.join("b2022.md"), series_report(2022, [3, 0, 0, 0, 1, 0, 4], [2, 0, 0, 0, 0, 0, 2]))
        .expect("write");
    std::fs::write(input.join("c2023.md"), series_report(2023, [2, 0, 0, 0, 0, 0, 3], [0; 7])).expect("write");
    // The 2022 report downloaded twice, and once more with other bytes but the same agency, year and cells.
    std::fs::copy(input.join("b2022.md"), input.join("d2022-copy.md")).expect("copy");
    let mut resaved = series_report(2022, [3, 0, 0, 0, 1, 0, 4], [2, 0, 0, 0, 0, 0, 2]);
    resaved.push_str("\n（本页已转载）\n");
    std::fs::write(input.join("e2022-resaved.md"), resaved).expect("write");

    let out = bulk(dir, &["in", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("2 duplicates; 1 cross-report findings"), "{}", stderr(&out));

    let reports = Csv::read(&dir.join("out/reports.csv"));
    let duplicates: Vec<(String, String)> = reports
        .records()
        .iter()
        .filter(|r| !r["duplicate_of"].is_empty())
        .map(|r| (r["path"].to_string(), r["duplicate_of"].to_string()))
        .collect();
    assert_eq!(
        duplicates,
        [
            ("in/d2022-copy.md".to_string(), "in/b2022.md".to_string()),
            ("in/e2022-resaved.md".to_string(), "in/b2022.md".to_string())
        ]
    );

    let cross = Csv::read(&dir.join("out/cross_findings.csv"));
    assert_eq!(cross.rows.len(), 1, "{:?}", cross.rows);
    let f = &cross.records()[0];
    assert_eq!(
        (f["path"], f["prior_path"], f["year"], f["prior_year"], f["agency"], f["rule"], f["severity"]),
        ("in/c2023.md", "in/b2022.md", "2023", "2022", "示例局", "X1", "error")
    );
    assert_eq!((f["table_key"], f["cells"], f["prior_cells"]), ("t3", "carried_over.total", "carried_forward.total"));
    assert_eq!((f["found"], f["expected"]), ("3.0", "2.0"));

    // The summary workbook: 表三's sheet has the three reports (copies left out) by year, then the totals row;
    // the cross-report sheet its one finding naming both files.
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(dir.join("out/summary.xlsx")).expect("summary.xlsx");
    let names = book.sheet_names();
    assert_eq!(names, ["概览", "表二 主动公开", "表三 依申请公开", "表四 复议诉讼", "问题", "跨年核对"]);
    let t3 = book.worksheet_range("表三 依申请公开").expect("表三 sheet");
    let rows: Vec<Vec<String>> = t3.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    let header = &rows[0];
    let path = header.iter().position(|h| h == "文件").expect("文件 column");
    let listed: Vec<(&str, &str, &str)> =
        rows[1..4].iter().map(|r| (r[0].as_str(), r[1].as_str(), r[path].as_str())).collect();
    assert_eq!(
        listed,
        [("示例局", "2021", "in/a2021.md"), ("示例局", "2022", "in/b2022.md"), ("示例局", "2023", "in/c2023.md")]
    );
    assert_eq!(rows.len(), 5, "three reports and the totals row");
    assert!(rows[4][0].starts_with("合计（3 份报告）"), "{:?}", rows[4]);
    let cross_sheet = book.worksheet_range("跨年核对").expect("跨年核对 sheet");
    let cross_rows: Vec<Vec<String>> = cross_sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(cross_rows.len(), 2, "{cross_rows:?}");
    assert_eq!(cross_rows[1][10..12], ["in/b2022.md", "in/c2023.md"]);
}

#[test]
fn lists_of_paths_come_from_standard_input_or_a_file_and_are_always_tried() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    std::fs::create_dir(dir.join("in")).expect("mkdir");
    std::fs::write(dir.join("in/a.md"), series_report(2021, [0; 7], [1, 0, 0, 0, 0, 0, 1])).expect("write");
    std::fs::write(dir.join("in/b.md"), series_report(2022, [1, 0, 0, 0, 0, 0, 1], [0; 7])).expect("write");
    std::fs::write(dir.join("in/notes.json"), br#"{"title": "crawl"}"#).expect("write");
    // A list in a file, one path per line: the JSON file named in it is tried, not skipped.
    std::fs::write(dir.join("list.txt"), "in/b.md\nin/notes.json\r\n\nin/a.md\n").expect("write");
    let out = bulk(dir, &["--files-from", "list.txt", "-o", "from_file"]);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", stderr(&out));
    assert!(stderr(&out).contains("0 other files skipped"), "{}", stderr(&out));
    let paths = |out: &str| -> Vec<String> {
        let reports = Csv::read(&dir.join(out).join("reports.csv"));
        reports.rows.iter().map(|r| r[0].clone()).collect()
    };
    assert_eq!(paths("from_file"), ["in/b.md", "in/notes.json", "in/a.md"]);

    // `-`: the same list on standard input, NUL-separated as `find -print0` writes it.
    let mut child = std::process::Command::new(bin())
        .args(["bulk", "-", "-o", "from_stdin"])
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("bulk");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(b"in/a.md\0in/b.md\0").expect("write");
    }
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(paths("from_stdin"), ["in/a.md", "in/b.md"]);
    let cross = Csv::read(&dir.join("from_stdin/cross_findings.csv"));
    assert_eq!(cross.rows.len(), 0, "the carry-over holds");
}

/// pandas and DuckDB, the two tools an analyst loads the files with, read every CSV and type its numeric columns
/// as numbers (a column of amounts whose first rows are whole numbers included).
#[test]
#[ignore = "needs pandas and duckdb (python3 -m pip install pandas duckdb)"]
fn pandas_and_duckdb_type_every_numeric_column() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    corpus(dir, 40);
    let out = bulk(dir, &["in", "-o", "out"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let script = r#"
import glob, os, sys
import pandas as pd, duckdb
numeric = {
    "reports.csv": ["year", "cells", "unplaced", "errors", "warnings"],
    "cells.csv": ["year", "value"],
    "metrics.csv": ["year", "value", "offset"],
    "findings.csv": ["year", "expected", "found"],
    "cross_findings.csv": ["year", "prior_year", "expected", "found"],
}
problems = []
files = sorted(glob.glob(os.path.join(sys.argv[1], "*.csv")))
assert len(files) == 9, files
for path in files:
    name = os.path.basename(path)
    cols = list(numeric.get(name, []))
    frame = pd.read_csv(path, encoding="utf-8-sig", low_memory=False)
    if name.endswith("_wide.csv"):
        cols = ["year"] + [c for c in frame.columns if "." in c]
    rel = duckdb.sql(f"SELECT * FROM read_csv('{path}', header=true)")
    types = dict(zip(rel.columns, [str(t) for t in rel.types]))
    for c in cols:
        if c not in frame.columns:
            problems.append(f"{name}: no column {c}")
            continue
        if len(frame) and frame[c].notna().any() and not pd.api.types.is_numeric_dtype(frame[c]):
            problems.append(f"{name}: pandas reads {c} as {frame[c].dtype}")
        if len(frame) and frame[c].notna().any() and types.get(c) not in ("BIGINT", "INTEGER", "DOUBLE", "FLOAT", "HUGEINT", "SMALLINT", "TINYINT") and not types.get(c, "").startswith("DECIMAL"):
            problems.append(f"{name}: duckdb reads {c} as {types.get(c)}")
    if len(rel.fetchall()) != len(frame):
        problems.append(f"{name}: duckdb and pandas disagree on the number of rows")
print("\n".join(problems))
sys.exit(1 if problems else 0)
"#;
    let run =
        std::process::Command::new("python3").arg("-c").arg(script).arg(dir.join("out")).output().expect("python3");
    assert!(run.status.success(), "{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
}
