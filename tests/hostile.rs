//! Hostile inputs, generated here: each must end within a time and memory bound measured on the child process,
//! with the right exit code and a message that says what is wrong. Named pipes, links to devices, span and
//! nesting bombs, zip bombs, deep nesting, UTF-16 without a byte-order mark, corrupt workbooks, file names that
//! are not UTF-8, symbolic-link loops.
#![cfg(unix)]

use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::Duration;

mod common;
use common::measure::{run_bounded, run_measured, Measured};
use common::*;

/// Every hostile input ends within these, in the debug build the tests run (its dependencies are optimised).
const SECONDS: f64 = 5.0;
const PEAK_MB: f64 = 300.0;

/// A run within the bounds, else a failure saying by how much it missed.
#[track_caller]
fn bounded(what: &str, run: &Measured) {
    assert!(!run.timed_out, "{what}: still running after the deadline");
    assert!(run.seconds < SECONDS, "{what}: {:.1} s (bound {SECONDS} s)", run.seconds);
    assert!(run.peak_mb < PEAK_MB, "{what}: {:.0} MB (bound {PEAK_MB} MB)", run.peak_mb);
}

fn deadline() -> Duration {
    Duration::from_secs_f64(SECONDS * 4.0)
}

fn mkfifo(path: &Path) {
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
}

fn report_text() -> String {
    std::fs::read_to_string(root().join("fixtures/002_bc2901b205bfb866.txt")).expect("fixture")
}

#[test]
fn special_files_are_refused_at_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    mkfifo(&dir.join("pipe.html"));
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.txt")).expect("link");
    for (name, reason) in
        [("pipe.html", "is a named pipe, not a regular file"), ("zero.txt", "is a device, not a regular file")]
    {
        let run = run_bounded(dir, &["inspect", name], deadline());
        bounded(name, &run);
        assert_eq!(run.code, Some(2), "{name}: {}", run.stderr);
        assert_eq!(run.stderr.trim(), format!("nianbao: {name}: {reason}"));
    }
    // A batch goes on past them.
    std::fs::write(dir.join("ok.txt"), report_text()).expect("write");
    let run = run_bounded(dir, &["convert", "pipe.html", "zero.txt", "ok.txt", "-o", "out"], deadline());
    bounded("convert", &run);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("pipe.html: is a named pipe"), "{}", run.stderr);
    assert!(dir.join("out/ok.xlsx").exists());
}

#[test]
fn inputs_past_the_size_limit_are_refused_unread() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(tmp.path().join("big.txt"), "一、总体情况\n".repeat(1000)).expect("write");
    let run = run_bounded(tmp.path(), &["inspect", "big.txt", "--max-input-size", "4K"], deadline());
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr.trim(),
        "nianbao: big.txt: larger than 4 KB (the input size limit; raise it with --max-input-size)"
    );
    let run = run_bounded(tmp.path(), &["inspect", "big.txt", "--max-input-size", "1M"], deadline());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn html_span_bomb_is_a_finding_not_an_allocation() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cells = "<td rowspan=\"65535\" colspan=\"1000\">x</td>".repeat(100);
    std::fs::write(tmp.path().join("span.html"), format!("<html><body><table><tr>{cells}</tr></table></body></html>"))
        .expect("write");
    let run = run_bounded(tmp.path(), &["inspect", "--json", "span.html"], deadline());
    bounded("span bomb", &run);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let findings = json["findings"].as_array().expect("findings");
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "too_large" && f["message"].as_str().is_some_and(|m| m.contains("table 1"))),
        "{findings:?}"
    );
}

#[test]
fn html_formatting_and_nesting_bombs_stay_linear() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // 2,000 unclosed formatting elements, each reopened by the parser at every new paragraph.
    let formatting: String = (0..2000).map(|i| format!("<p><b id={i}>x")).collect();
    std::fs::write(tmp.path().join("bold.html"), format!("<html><body>{formatting}</body></html>")).expect("write");
    // 100,000 nested elements.
    let deep = "<div>".repeat(100_000) + "一、总体情况" + &"</div>".repeat(100_000);
    std::fs::write(tmp.path().join("deep.html"), format!("<html><body>{deep}</body></html>")).expect("write");
    for name in ["bold.html", "deep.html"] {
        let run = run_bounded(tmp.path(), &["inspect", "--doc", name], deadline());
        bounded(name, &run);
        assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
    }
    let run = run_bounded(tmp.path(), &["inspect", "--doc", "deep.html"], deadline());
    assert!(run.stdout.contains("一、总体情况"), "the text deep inside is kept");
}

/// A part of a zip by name, and what writes its contents.
type Part<'a> = (&'a str, &'a dyn Fn(&mut dyn Write));

/// A minimal workbook with one sheet, plus `parts`.
fn workbook(path: &Path, parts: &[Part<'_>]) {
    let file = std::fs::File::create(path).expect("create");
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    let fixed = [
        ("_rels/.rels", "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
        ("xl/workbook.xml", "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
        ("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"),
    ];
    for (name, text) in fixed {
        zip.start_file(name, options).expect("start");
        zip.write_all(text.as_bytes()).expect("write");
    }
    for (name, fill) in parts {
        zip.start_file(*name, options).expect("start");
        fill(&mut zip);
    }
    zip.finish().expect("finish");
}

const SHEET: &str = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>";

fn repeated(out: &mut dyn Write, piece: &[u8], times: usize) {
    let chunk = piece.repeat((1 << 16) / piece.len().max(1) + 1);
    let per_chunk = chunk.len() / piece.len();
    let mut left = times;
    while left > 0 {
        let n = left.min(per_chunk);
        out.write_all(&chunk[..n * piece.len()]).expect("write");
        left -= n;
    }
}

#[test]
fn xlsx_bombs_are_refused_before_they_are_read() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let sheet = |w: &mut dyn Write| w.write_all(SHEET.as_bytes()).expect("write");
    // One shared string of 1 GiB.
    workbook(
        &dir.join("long_string.xlsx"),
        &[
            ("xl/worksheets/sheet1.xml", &sheet),
            ("xl/sharedStrings.xml", &|w: &mut dyn Write| {
                w.write_all(b"<sst><si><t>").expect("write");
                repeated(w, b"a", 1 << 30);
                w.write_all(b"</t></si></sst>").expect("write");
            }),
        ],
    );
    // Twenty million tiny shared strings.
    workbook(
        &dir.join("many_strings.xlsx"),
        &[
            ("xl/worksheets/sheet1.xml", &sheet),
            ("xl/sharedStrings.xml", &|w: &mut dyn Write| {
                w.write_all(b"<sst>").expect("write");
                repeated(w, b"<si><t>a</t></si>", 20_000_000);
                w.write_all(b"</sst>").expect("write");
            }),
        ],
    );
    // 1 GiB of whitespace inside sheetData.
    workbook(
        &dir.join("whitespace.xlsx"),
        &[("xl/worksheets/sheet1.xml", &|w: &mut dyn Write| {
            w.write_all(b"<worksheet><sheetData>").expect("write");
            repeated(w, b" ", 1 << 30);
            w.write_all(b"</sheetData></worksheet>").expect("write");
        })],
    );
    for (name, reason) in [
        ("long_string.xlsx", "xl/sharedStrings.xml decompresses to more than"),
        ("many_strings.xlsx", "xl/sharedStrings.xml decompresses to more than"),
        ("whitespace.xlsx", "xl/worksheets/sheet1.xml decompresses to more than"),
    ] {
        let run = run_bounded(dir, &["inspect", name], deadline());
        bounded(name, &run);
        assert_eq!(run.code, Some(2), "{name}: {}", run.stderr);
        assert!(
            run.stderr.starts_with(&format!("nianbao: {name}: not a readable spreadsheet: {reason}")),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn corrupt_workbooks_are_unreadable_inputs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let file = std::fs::File::create(dir.join("no_workbook.xlsx")).expect("create");
    let mut zip = zip::ZipWriter::new(file);
    zip.start_file("xl/worksheets/sheet1.xml", zip::write::SimpleFileOptions::default()).expect("start");
    zip.write_all(SHEET.as_bytes()).expect("write");
    zip.finish().expect("finish");
    let run = run_bounded(dir, &["inspect", "no_workbook.xlsx"], deadline());
    bounded("no workbook", &run);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(
        run.stderr.trim(),
        "nianbao: no_workbook.xlsx: not a readable spreadsheet: a zip archive without a workbook in it (no xl/workbook.xml)"
    );
}

#[test]
fn utf16_without_a_byte_order_mark_is_read() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let text = report_text();
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    std::fs::write(tmp.path().join("le.txt"), le).expect("write");
    std::fs::write(tmp.path().join("be.txt"), be).expect("write");
    std::fs::write(tmp.path().join("utf8.txt"), &text).expect("write");
    let utf8 = run_bounded(tmp.path(), &["inspect", "--json", "utf8.txt"], deadline());
    let cells = |run: &Measured| -> serde_json::Value {
        let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        json["tables"].clone()
    };
    for name in ["le.txt", "be.txt"] {
        let run = run_bounded(tmp.path(), &["inspect", "--json", name], deadline());
        bounded(name, &run);
        assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
        assert_eq!(cells(&run), cells(&utf8), "{name} reads as the same report");
    }
}

#[test]
fn file_names_that_are_not_utf8_are_accepted_and_escaped() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    // 报告 in GBK, as an archive unpacked on a UTF-8 system names it.
    let name = OsStr::from_bytes(b"\xb1\xa8\xb8\xe6.txt");
    std::fs::write(dir.join(name), report_text()).expect("write");
    let run = run_measured(dir, &[OsStr::new("inspect"), OsStr::new("--json"), name], deadline());
    bounded("inspect", &run);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(json["source"], r"\xB1\xA8\xB8\xE6.txt");
    let run = run_measured(dir, &[OsStr::new("convert"), name, OsStr::new("-o"), OsStr::new("out")], deadline());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains(r"out/\xB1\xA8\xB8\xE6.xlsx"), "{}", run.stderr);
    // The outputs carry the input's own bytes.
    assert!(dir.join("out").join(OsStr::from_bytes(b"\xb1\xa8\xb8\xe6_t3.csv")).exists());
    std::fs::create_dir(dir.join("in")).expect("mkdir");
    std::fs::rename(dir.join(name), dir.join("in").join(name)).expect("move");
    std::fs::write(dir.join("in").join(OsStr::from_bytes(b"\xb1\xa8.txt")), report_text()).expect("write");
    let run = run_bounded(dir, &["bulk", "in", "-o", "bulk"], deadline());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let reports = std::fs::read_to_string(dir.join("bulk/reports.csv")).expect("reports");
    let sources: Vec<&str> = reports.lines().skip(1).filter_map(|l| l.split(',').next()).collect();
    assert_eq!(sources, [r"in/\xB1\xA8.txt", r"in/\xB1\xA8\xB8\xE6.txt"], "two names, two rows, told apart");
}

#[test]
fn bulk_walks_a_link_loop_once_and_reports_every_special_entry() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let input = dir.join("in");
    std::fs::create_dir_all(input.join("d")).expect("mkdir");
    std::fs::write(input.join("d/report.txt"), report_text()).expect("write");
    std::os::unix::fs::symlink("..", input.join("d/up")).expect("loop");
    std::os::unix::fs::symlink("nowhere.txt", input.join("dangling.txt")).expect("dangling");
    std::os::unix::fs::symlink("/dev/null", input.join("device.txt")).expect("device");
    mkfifo(&input.join("pipe.txt"));
    // An output directory inside the input, with an earlier run's files.
    let run = run_bounded(dir, &["bulk", "in", "-o", "in/export"], deadline());
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let run = run_bounded(dir, &["bulk", "in", "-o", "in/export", "--force"], deadline());
    bounded("bulk", &run);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let reports = std::fs::read_to_string(input.join("export/reports.csv")).expect("reports");
    let rows: Vec<(String, String)> = reports
        .lines()
        .skip(1)
        .map(|l| {
            let mut fields = l.splitn(3, ',');
            (fields.next().unwrap_or("").to_string(), fields.next().unwrap_or("").to_string())
        })
        .collect();
    let expect = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        rows,
        [
            expect("in/d/report.txt", "ok"),
            expect("in/dangling.txt", "error"),
            expect("in/device.txt", "error"),
            expect("in/pipe.txt", "error"),
        ],
        "the report once, every special entry an error row, nothing from the output directory"
    );
}

/// A legacy `.xls` with one cell record moved to row 60000, column 65000 (as a flipped byte does): the workbook
/// library would lay that sheet out as a dense grid of billions of cells while opening the file. It is refused
/// first, in bounded memory, as an unreadable input.
#[test]
fn an_xls_cell_far_out_is_refused_before_the_grid_is_laid_out() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut bytes = std::fs::read(root().join("fixtures/xls/official_2021.xls")).expect("fixture");
    // The first NUMBER record (type 0x0203, 14 bytes of data: row, column, format, value).
    let at = bytes.windows(4).position(|w| w == [0x03, 0x02, 0x0E, 0x00]).expect("a NUMBER record");
    bytes[at + 4..at + 6].copy_from_slice(&60000u16.to_le_bytes());
    bytes[at + 6..at + 8].copy_from_slice(&65000u16.to_le_bytes());
    std::fs::write(tmp.path().join("far.xls"), bytes).expect("write");
    let run = run_bounded(tmp.path(), &["inspect", "far.xls"], deadline());
    bounded("far cell", &run);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("far.xls: not a readable spreadsheet: a sheet spans"), "{}", run.stderr);
}
