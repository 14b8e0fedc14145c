//! Degradation property test: every well-formed report fixture, degraded the ways copies of real reports are —
//! flattened to one line with nothing between the cells, row labels printed away from their values (OCR output),
//! empty cells dropped, numbers split by PDF spacing, a merged column's label interleaved character by character —
//! alone and combined, must never yield a cell its hand-written spec does not have or a value it does not state.
//! Where the degradation leaves only one reading by the form's order and arithmetic, every cell must come out.
//!
//! The oracle is each fixture's spec (written by hand from the document), never the program's output on the
//! original. The combinations beyond the single degradations are drawn by a seeded generator
//! (`NIANBAO_DEGRADE_SEED`, `NIANBAO_DEGRADE_CASES`) so that a failure can be replayed; the failing text is
//! written to the temporary directory and named in the message.

use std::collections::BTreeMap;
use std::time::Instant;

use nianbao::doc::{Block, Document};
use nianbao::map::records::{self, Item};
use serde_json::Value;

mod common;
use common::fixtures::{self, Fixture};
use common::spec::{self, Cell, Spec, Status};

/// One source row as the degradations see it: its label cells and its value cells (empty text for a blank).
#[derive(Debug, Clone)]
struct Row {
    labels: Vec<String>,
    values: Vec<String>,
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    /// A heading of the document (a section or the title).
    Heading(String),
    Table(Vec<Row>),
}

/// The report as text blocks and table rows, each label printed once (a label spanning rows is kept on the first).
fn model(doc: &Document) -> Vec<Part> {
    let mut out = Vec::new();
    for block in &doc.blocks {
        match block {
            Block::Heading { text, .. } => out.push(Part::Heading(text.clone())),
            Block::Paragraph { text, .. } => out.push(Part::Text(text.clone())),
            Block::Table(table) => {
                let one = Document::new(&doc.source, vec![Block::Table(table.clone())]);
                let mut rows: Vec<Row> = Vec::new();
                for item in records::items(&one) {
                    let Item::Record(r) = item else { continue };
                    let mut labels: Vec<String> = r.labels.iter().map(|l| l.raw.trim().to_string()).collect();
                    // A label covering this row from above was printed once, on its first row.
                    if labels.len() > 1 {
                        let own = labels.pop();
                        labels.retain(|l| !spans(&rows, l));
                        labels.extend(own);
                    }
                    let mut values: Vec<String> = r.values.iter().map(|v| v.raw.trim().to_string()).collect();
                    if r.from_stream {
                        // Blank positions around a cell stream's values are span filler, not cells.
                        while values.last().is_some_and(|v| v.is_empty()) {
                            values.pop();
                        }
                        let leading = values.iter().take_while(|v| v.is_empty()).count();
                        values.drain(..leading);
                    }
                    rows.push(Row { labels, values });
                }
                out.push(Part::Table(rows));
            }
        }
    }
    out
}

/// A label printed on a row above and repeated here as context (a rowspan), not this row's own label.
fn spans(rows: &[Row], label: &str) -> bool {
    rows.iter().rev().take(30).any(|r| r.labels.iter().any(|l| l == label))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// `| label | 1 | 0 |` rows, blank cells kept.
    Markdown,
    /// `label 1 0` rows as copied out of a PDF: blank cells vanish.
    Spaced,
    /// The whole page on one line, nothing between cells.
    Flat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detach {
    No,
    /// Each few rows' labels, then their values as bare rows of numbers.
    LabelsFirst,
    /// Each few rows' values, then their labels.
    ValuesFirst,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Degradation {
    layout: Layout,
    detach: Detach,
    drop_blanks: bool,
    split_digits: bool,
    vertical: bool,
}

impl Degradation {
    fn valid(self) -> bool {
        self.layout != Layout::Flat || (self.detach == Detach::No && !self.split_digits)
    }

    /// Numbers split by spacing in a table whose blank cells vanished: `12 _ 3 _ 45 6 _` printed as
    /// `1 2 3 4 5 6` reads exactly like a row of six printed cells, so no reader can tell the two apart.
    fn indistinguishable(self, blanks: bool) -> bool {
        self.split_digits && blanks && (self.layout != Layout::Markdown || self.drop_blanks)
    }

    /// Every cell must come out: each value still stands in a cell of its own, in printed order, and either the
    /// label stays beside it or the labels and value rows pair up one to one by order (a row printed entirely
    /// blank cannot be printed as a bare row of values, so detached tables with blanks are not held to this).
    /// Flattened and split digits are held to soundness only: whether their arithmetic leaves one reading depends
    /// on the numbers.
    fn keeps_every_cell(self, blanks: bool) -> bool {
        match self.layout {
            Layout::Flat => false,
            Layout::Markdown => !self.split_digits && (!blanks || (!self.drop_blanks && self.detach == Detach::No)),
            Layout::Spaced => !self.split_digits && !blanks && self.detach == Detach::No,
        }
    }
}

/// Rows of a table per detached chunk.
const CHUNK: usize = 5;

/// A merged label spanning at least this many rows is interleaved character by character.
const VERTICAL_ROWS: usize = 6;

fn degrade(parts: &[Part], d: Degradation) -> String {
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        match part {
            Part::Text(text) | Part::Heading(text) => lines.push(text.clone()),
            Part::Table(rows) => {
                let rows = table_rows(rows, d);
                lines.extend(rows);
                if d.layout == Layout::Markdown {
                    lines.push(String::new());
                }
            }
        }
    }
    match d.layout {
        Layout::Flat => lines.concat(),
        _ => lines.join("\n") + "\n",
    }
}

/// The lines of one table, degraded.
fn table_rows(rows: &[Row], d: Degradation) -> Vec<String> {
    let mut rows: Vec<Row> = rows.to_vec();
    if d.vertical {
        rows = interleave_vertical(rows);
    }
    for row in &mut rows {
        if d.drop_blanks {
            row.values.retain(|v| !v.is_empty());
        }
        if d.split_digits {
            row.values = row.values.iter().flat_map(|v| split_number(v)).collect();
        }
    }
    let render = |row: &Row| render_row(row, d.layout);
    if d.detach == Detach::No {
        return rows.iter().map(render).collect();
    }
    // Captions and headers before the first value row stay where they are.
    let header = rows.iter().take_while(|r| r.values.is_empty()).count();
    let mut out: Vec<String> = rows[..header].iter().map(render).collect();
    for chunk in rows[header..].chunks(CHUNK) {
        let labels: Vec<String> = chunk
            .iter()
            .filter(|r| !r.labels.is_empty())
            .map(|r| render(&Row { labels: r.labels.clone(), values: Vec::new() }))
            .collect();
        let values: Vec<String> = chunk
            .iter()
            .filter(|r| !r.values.is_empty())
            .map(|r| render(&Row { labels: Vec::new(), values: r.values.clone() }))
            .collect();
        let (first, second) = if d.detach == Detach::LabelsFirst { (labels, values) } else { (values, labels) };
        out.extend(first);
        if d.layout == Layout::Markdown {
            out.push(String::new());
        }
        out.extend(second);
        if d.layout == Layout::Markdown {
            out.push(String::new());
        }
    }
    out
}

/// A label spanning many rows (`三、本年度办理结果`) printed down a merged column: its characters, two at a time,
/// on lines of their own between the rows it spans.
fn interleave_vertical(rows: Vec<Row>) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let row = &rows[i];
        let spanned = row.labels.len() >= 2 && !row.values.is_empty() && {
            let following = rows[i + 1..].iter().take_while(|r| !r.values.is_empty() && r.labels.len() <= 2).count();
            following + 1 >= VERTICAL_ROWS
        };
        if !spanned {
            out.push(row.clone());
            i += 1;
            continue;
        }
        let chars: Vec<char> = row.labels[0].chars().collect();
        let mut fragments = chars.chunks(2).map(|c| c.iter().collect::<String>());
        let mut first = row.clone();
        first.labels.remove(0);
        out.push(first);
        i += 1;
        while i < rows.len() && !rows[i].values.is_empty() {
            if let Some(fragment) = fragments.next() {
                out.push(Row { labels: vec![fragment], values: Vec::new() });
            }
            out.push(rows[i].clone());
            i += 1;
        }
    }
    out
}

/// A whole number of two or more digits split in two by spacing (`1 2` for 12); anything else as printed.
fn split_number(value: &str) -> Vec<String> {
    if value.len() >= 2 && value.bytes().all(|b| b.is_ascii_digit()) {
        let (a, b) = value.split_at(value.len() / 2);
        vec![a.to_string(), b.to_string()]
    } else {
        vec![value.to_string()]
    }
}

fn render_row(row: &Row, layout: Layout) -> String {
    match layout {
        Layout::Markdown => {
            let mut cells: Vec<String> = Vec::new();
            if !row.labels.is_empty() {
                cells.push(row.labels.join(" "));
            }
            cells.extend(row.values.iter().cloned());
            format!("| {} |", cells.join(" | "))
        }
        Layout::Spaced => {
            let values: Vec<&str> = row.values.iter().map(String::as_str).filter(|v| !v.is_empty()).collect();
            let mut parts = row.labels.clone();
            parts.extend(values.iter().map(|v| v.to_string()));
            parts.join(" ")
        }
        Layout::Flat => format!("{}{}", row.labels.concat(), row.values.concat()),
    }
}

/// The cells of a report that came from its tables, by table.
fn table_cells(report: &Value) -> BTreeMap<String, serde_json::Map<String, Value>> {
    let mut out = BTreeMap::new();
    for table in ["t2", "t3", "t4"] {
        let mut cells = report["tables"][table]["cells"].as_object().cloned().unwrap_or_default();
        cells.retain(|_, c| c["source"] != "prose");
        out.insert(table.to_string(), cells);
    }
    out
}

/// Every way the degraded report's cells disagree with the spec: a cell the spec does not have, a different
/// value or state; and, when `complete`, a cell of the spec that did not come out.
fn problems(spec: &Spec, report: &Value, complete: bool) -> Vec<String> {
    let mut out = Vec::new();
    for (table, cells) in table_cells(report) {
        let expected = spec.expected_cells(&table);
        for (key, cell) in &cells {
            let Some(want) = expected.get(key) else {
                out.push(format!("{table}.{key}: not in the original, got {cell}"));
                continue;
            };
            let state = cell["state"].as_str().unwrap_or_default();
            let agrees = match want {
                Cell::Value { value, .. } => {
                    state == "value" && cell["value"].as_f64().is_some_and(|v| (v - value).abs() < 1e-9)
                }
                Cell::Blank => state == "blank",
                Cell::Na { .. } => state == "na",
            };
            if !agrees {
                out.push(format!("{table}.{key}: original {want:?}, got {cell}"));
            }
        }
        if complete {
            for key in expected.keys().filter(|k| !cells.contains_key(*k)) {
                if matches!(expected[key], Cell::Value { source: spec::Source::Prose, .. }) {
                    continue;
                }
                out.push(format!("{table}.{key}: missing ({:?})", expected[key]));
            }
        }
    }
    out
}

/// A well-formed fixture: a report with tables, read by its spec.
struct Source {
    fixture: Fixture,
    spec: Spec,
    parts: Vec<Part>,
    /// Cells the spec states blank.
    blanks: bool,
    /// The original reads every cell the spec states (no known arithmetic error, nothing left unplaced): only
    /// then can a degraded copy be required to give every cell.
    clean: bool,
}

fn sources() -> Vec<Source> {
    let mut out = Vec::new();
    for fixture in fixtures::reports() {
        if fixture.input.starts_with("fixtures/degraded/") {
            continue;
        }
        let spec = spec::load(&fixture.spec_path()).unwrap_or_else(|e| panic!("{e}"));
        let has_tables = spec.tables.values().any(|t| t.status != Status::Absent);
        if !has_tables {
            continue;
        }
        let bytes = std::fs::read(fixture.path()).expect("fixture readable");
        let doc = nianbao::read::read(&bytes, &fixture.input).unwrap_or_else(|e| panic!("{}: {e}", fixture.input));
        let blanks = ["t2", "t3", "t4"].iter().any(|t| spec.expected_cells(t).values().any(|c| *c == Cell::Blank));
        let clean = spec.known_errors.is_empty() && spec.unplaced.is_empty();
        out.push(Source { parts: model(&doc), fixture, spec, blanks, clean });
    }
    assert!(out.len() >= 10, "expected the well-formed fixtures, got {}", out.len());
    out
}

/// Cells the spec states and a degraded copy gave, against cells the spec states, summed over the runs.
static PLACED: std::sync::Mutex<(usize, usize)> = std::sync::Mutex::new((0, 0));

/// Runs one degradation of one source; returns the problems found.
fn run(source: &Source, d: Degradation) -> Vec<String> {
    if d.indistinguishable(source.blanks) {
        return Vec::new();
    }
    let text = degrade(&source.parts, d);
    let name = format!("{} {:?}", source.fixture.stem, d);
    if let Some(dir) = std::env::var_os("NIANBAO_DEGRADE_DUMP") {
        let file = format!(
            "{}-{:?}-{:?}-{}{}{}.txt",
            source.fixture.stem, d.layout, d.detach, d.drop_blanks as u8, d.split_digits as u8, d.vertical as u8
        );
        let _ = std::fs::write(std::path::Path::new(&dir).join(file), &text);
    }
    let started = Instant::now();
    let result = nianbao::inspect_bytes(text.as_bytes(), &name);
    if std::env::var_os("NIANBAO_DEGRADE_TIMES").is_some() {
        eprintln!("{:>8.1?} {name}", started.elapsed());
    }
    let report = match result {
        Ok(r) => serde_json::to_value(&r).expect("report serialises"),
        Err(e) => return vec![format!("unreadable: {e}")],
    };
    let complete = source.clean && d.keeps_every_cell(source.blanks);
    if let Ok(mut placed) = PLACED.lock() {
        for (table, cells) in table_cells(&report) {
            placed.0 += cells.len();
            placed.1 += source.spec.expected_cells(&table).len();
        }
    }
    let found = problems(&source.spec, &report, complete);
    if found.is_empty() {
        return found;
    }
    let path = std::env::temp_dir().join(format!("nianbao-degraded-{}.txt", source.fixture.stem));
    let _ = std::fs::write(&path, &text);
    found.into_iter().map(|p| format!("{} {d:?} ({}): {p}", source.fixture.stem, path.display())).collect()
}

const SINGLE: [Degradation; 6] = {
    let base = Degradation {
        layout: Layout::Markdown,
        detach: Detach::No,
        drop_blanks: false,
        split_digits: false,
        vertical: false,
    };
    [
        Degradation { layout: Layout::Flat, ..base },
        Degradation { detach: Detach::LabelsFirst, ..base },
        Degradation { detach: Detach::ValuesFirst, ..base },
        Degradation { drop_blanks: true, ..base },
        Degradation { layout: Layout::Spaced, split_digits: true, ..base },
        Degradation { vertical: true, ..base },
    ]
};

/// A small deterministic generator (xorshift), so that a failing combination can be replayed from its seed.
struct Draw(u64);

impl Draw {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn degradation(&mut self) -> Degradation {
        loop {
            let d = Degradation {
                layout: [Layout::Markdown, Layout::Spaced, Layout::Flat][self.next(3)],
                detach: [Detach::No, Detach::LabelsFirst, Detach::ValuesFirst][self.next(3)],
                drop_blanks: self.next(2) == 1,
                split_digits: self.next(2) == 1,
                vertical: self.next(2) == 1,
            };
            if d.valid() {
                return d;
            }
        }
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn degraded_copies_of_every_well_formed_report_never_invent_or_change_a_cell() {
    let started = Instant::now();
    let sources = sources();
    let mut failures = Vec::new();
    let mut runs = 0;
    for source in &sources {
        for d in SINGLE {
            failures.extend(run(source, d));
            runs += 1;
        }
    }
    let seed = env_number("NIANBAO_DEGRADE_SEED", 0x5eed_2024);
    let mut draw = Draw(seed.max(1));
    for _ in 0..env_number("NIANBAO_DEGRADE_CASES", 40) {
        let source = &sources[draw.next(sources.len())];
        failures.extend(run(source, draw.degradation()));
        runs += 1;
    }
    let (placed, stated) = PLACED.lock().map(|p| *p).unwrap_or_default();
    eprintln!(
        "{runs} degraded copies of {} reports in {:.1?} (seed {seed:#x}); {placed} of {stated} cells placed",
        sources.len(),
        started.elapsed()
    );
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_undegraded_rendering_reads_back_every_cell() {
    // The test's own rendering, with nothing degraded, must read back as the original: otherwise a failure above
    // would be the rendering's, not the program's.
    let plain = Degradation {
        layout: Layout::Markdown,
        detach: Detach::No,
        drop_blanks: false,
        split_digits: false,
        vertical: false,
    };
    let mut failures = Vec::new();
    for source in sources().iter().filter(|s| s.clean) {
        failures.extend(run(source, plain));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// Classes of damage as real crawls, OCR tools and PDF-to-Markdown converters produce them, each applied to every
// well-formed report and scored against its spec: cells found, cells wrong (always zero), numbers unplaced.

/// One class of damage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// The whole page on one line, with a site's chrome before and after it.
    CrawlChrome,
    /// Rows copied with tabs between the cells, empty cells kept as empty fields.
    TabRows,
    /// Every row on its own line, its cells run together with nothing between them.
    JoinedRows,
    /// The section headings left out.
    NoHeadings,
    /// Each table's captions and header rows left out.
    NoTableHeaders,
    /// Digits printed full-width (`１２`).
    FullWidth,
    /// OCR letters for digits inside numbers: `O`, `o`, `〇` for 0 and `l`, `I` for 1.
    OcrLetters,
    /// pymupdf4llm / marker pipe tables: a separator line after the first row, wrapped labels joined with `<br>`.
    PipeBr,
    /// MinerU: each table as an HTML `<table>` inside the Markdown, headings as `##`.
    HtmlInMarkdown,
    /// Tables cut into pieces per page: a page number and the repeated header between them.
    PagePieces,
    /// An empty column `| |` after the label in every row of a pipe table.
    EmptyColumn,
    /// Each value on a line of its own after its label (blank cells leave nothing).
    ValuesPerLine,
    /// 表三 with a 法人或其他组织 小计 column after 其他.
    Subtotal,
    /// 表四's fifteen values as one run of digits.
    T4Run,
}

/// The share of the stated cells each class must still give, in per cent (measured: the reader and the placement
/// search recover at least this much; a change that loses cells fails here).
fn floor(class: Class) -> f64 {
    match class {
        Class::NoHeadings | Class::PagePieces => 100.0,
        Class::PipeBr | Class::HtmlInMarkdown => 99.5,
        Class::EmptyColumn => 98.0,
        Class::NoTableHeaders => 96.0,
        Class::TabRows => 95.0,
        Class::OcrLetters => 94.5,
        Class::ValuesPerLine => 93.0,
        Class::T4Run => 92.0,
        Class::CrawlChrome => 91.5,
        Class::FullWidth => 87.5,
        Class::JoinedRows => 83.5,
        Class::Subtotal => 71.5,
    }
}

const CLASSES: [Class; 14] = [
    Class::CrawlChrome,
    Class::TabRows,
    Class::JoinedRows,
    Class::NoHeadings,
    Class::NoTableHeaders,
    Class::FullWidth,
    Class::OcrLetters,
    Class::PipeBr,
    Class::HtmlInMarkdown,
    Class::PagePieces,
    Class::EmptyColumn,
    Class::ValuesPerLine,
    Class::Subtotal,
    Class::T4Run,
];

/// Site chrome as crawlers keep it, before and after the page's own text.
const CHROME: [(&str, &str); 3] = [
    (
        "当前位置：首页 > 政务公开 > 政府信息公开年报 【字体：大 中 小】 打印 关闭 ",
        " 附件：年度报告.pdf 【打印本页】【关闭窗口】 扫一扫在手机打开当前页 微信 微博",
    ),
    (
        "首页|机构概况|政务公开|政务服务|互动交流 您现在的位置：首页>信息公开>法定主动公开内容>年度报告 ",
        " 相关链接 网站地图 联系我们 网站标识码：3201000001 ICP备案号：苏ICP备12345678号-1 技术支持：某某科技有限公司",
    ),
    ("无障碍 长者模式 登录 注册 ", " 上一篇：关于开展2023年度政务公开工作的通知 下一篇：无 访问量：2345"),
];

/// The rows that begin a table before its first row of values: captions and headers.
fn header_rows(rows: &[Row]) -> usize {
    rows.iter().take_while(|r| r.values.is_empty()).count()
}

/// A table of 表三's shape: its rows print seven values and a header names 自然人.
fn is_t3(rows: &[Row]) -> bool {
    rows.iter().any(|r| r.labels.iter().any(|l| l.contains("自然人")))
        && rows.iter().filter(|r| r.values.len() == 7).count() >= 10
}

/// 表四's data row: fifteen values and no label of its own.
fn is_t4_row(row: &Row) -> bool {
    row.values.len() == 15 && row.labels.iter().all(|l| !l.contains("申请"))
}

fn fullwidth(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c) } else { c })
        .collect()
}

/// OCR's letters for digits inside a number of two or more digits, varied by position.
fn ocr_letters(value: &str) -> String {
    if value.len() < 2 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return value.to_string();
    }
    value
        .chars()
        .enumerate()
        .map(|(i, c)| match (c, i % 3) {
            ('0', 0) => 'O',
            ('0', 1) => 'o',
            ('0', _) => '〇',
            ('1', 0) => 'l',
            ('1', _) => 'I',
            _ => c,
        })
        .collect()
}

/// A label as a converter wraps it in a narrow cell: `<br>` every eight characters.
fn wrap_br(label: &str) -> String {
    let chars: Vec<char> = label.chars().collect();
    chars.chunks(8).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("<br>")
}

fn pipe(cells: &[String]) -> String {
    format!("|{}|", cells.join("|"))
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The report as text damaged in the way of `class`. `variant` varies the details (which chrome).
fn damage(parts: &[Part], class: Class, variant: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        let rows = match part {
            Part::Heading(text) => {
                match class {
                    Class::NoHeadings => {}
                    Class::HtmlInMarkdown | Class::PipeBr => lines.push(format!("## {text}")),
                    _ => lines.push(text.clone()),
                }
                continue;
            }
            Part::Text(text) => {
                lines.push(text.clone());
                continue;
            }
            Part::Table(rows) => rows,
        };
        let header = header_rows(rows);
        let t3 = is_t3(rows);
        match class {
            Class::CrawlChrome | Class::JoinedRows => {
                for row in rows {
                    lines.push(format!("{}{}", row.labels.concat(), row.values.concat()));
                }
            }
            Class::TabRows => {
                for row in rows {
                    let mut cells = vec![row.labels.join(" ")];
                    cells.extend(row.values.iter().cloned());
                    lines.push(cells.join("\t"));
                }
            }
            Class::NoHeadings | Class::NoTableHeaders => {
                let from = if class == Class::NoTableHeaders { header } else { 0 };
                for row in &rows[from..] {
                    lines.push(render_row(row, Layout::Markdown));
                }
                lines.push(String::new());
            }
            Class::FullWidth => {
                for row in rows {
                    lines.push(fullwidth(&render_row(row, Layout::Spaced)));
                }
            }
            Class::OcrLetters => {
                for row in rows {
                    let values = row.values.iter().map(|v| ocr_letters(v)).collect();
                    lines.push(render_row(&Row { labels: row.labels.clone(), values }, Layout::Markdown));
                }
                lines.push(String::new());
            }
            Class::PipeBr => {
                for (i, row) in rows.iter().enumerate() {
                    let mut cells = vec![wrap_br(&row.labels.join(" "))];
                    cells.extend(row.values.iter().cloned());
                    lines.push(pipe(&cells));
                    if i == 0 {
                        lines.push(pipe(&vec!["---".to_string(); cells.len()]));
                    }
                }
                lines.push(String::new());
            }
            Class::HtmlInMarkdown => {
                let mut html = String::from("<html><body><table>");
                for row in rows {
                    html.push_str("<tr>");
                    let label = html_escape(&row.labels.join(" "));
                    let span = if row.values.is_empty() { r#" colspan="8""# } else { "" };
                    html.push_str(&format!("<td{span}>{label}</td>"));
                    for v in &row.values {
                        html.push_str(&format!("<td>{}</td>", html_escape(v)));
                    }
                    html.push_str("</tr>");
                }
                html.push_str("</table></body></html>");
                lines.push(String::new());
                lines.push(html);
                lines.push(String::new());
            }
            Class::PagePieces => {
                for (i, row) in rows.iter().enumerate() {
                    if i > header && (i - header).is_multiple_of(8) {
                        lines.push(String::new());
                        lines.push(format!("— {} —", 3 + i / 8));
                        lines.push(String::new());
                        for h in &rows[..header] {
                            lines.push(render_row(h, Layout::Markdown));
                        }
                    }
                    lines.push(render_row(row, Layout::Markdown));
                }
                lines.push(String::new());
            }
            Class::EmptyColumn => {
                for row in rows {
                    let mut cells = vec![row.labels.join(" "), String::new()];
                    cells.extend(row.values.iter().cloned());
                    lines.push(format!("| {} |", cells.join(" | ")));
                }
                lines.push(String::new());
            }
            Class::ValuesPerLine => {
                for row in rows {
                    if !row.labels.is_empty() {
                        lines.push(row.labels.join(" "));
                    }
                    lines.extend(row.values.iter().filter(|v| !v.is_empty()).cloned());
                }
            }
            Class::Subtotal => {
                for row in rows {
                    let mut row = row.clone();
                    if t3 && row.values.is_empty() && row.labels.iter().any(|l| l.contains("商业企业")) {
                        row.labels = row.labels.iter().map(|l| l.replacen("其他", "其他 小计", 1)).collect();
                    }
                    if t3 && row.values.len() == 7 {
                        let orgs: Option<Vec<i64>> = row.values[1..6].iter().map(|v| v.parse().ok()).collect();
                        let subtotal = orgs.map(|o| o.iter().sum::<i64>().to_string()).unwrap_or_default();
                        row.values.insert(6, subtotal);
                    }
                    lines.push(render_row(&row, Layout::Spaced));
                }
            }
            Class::T4Run => {
                for row in rows {
                    if is_t4_row(row) {
                        lines.push(format!("{}{}", row.labels.join(" "), row.values.concat()));
                    } else {
                        lines.push(render_row(row, Layout::Spaced));
                    }
                }
            }
        }
    }
    if class == Class::CrawlChrome {
        let (before, after) = CHROME[variant % CHROME.len()];
        return format!("{before}{}{after}\n", lines.concat());
    }
    lines.join("\n") + "\n"
}

/// What one damaged copy gave, against its spec.
#[derive(Debug, Default, Clone, Copy)]
struct Score {
    copies: usize,
    /// Cells the spec states (from tables).
    stated: usize,
    /// Cells that came out equal to the spec.
    right: usize,
    /// Cells that came out and disagree with the spec, or that it does not have.
    wrong: usize,
    unplaced: usize,
    /// Copies whose kind, year or agency differ from the spec.
    meta_wrong: usize,
    /// Copies that lost a table the spec has.
    tables_lost: usize,
}

impl Score {
    fn add(&mut self, other: Score) {
        self.copies += other.copies;
        self.stated += other.stated;
        self.right += other.right;
        self.wrong += other.wrong;
        self.unplaced += other.unplaced;
        self.meta_wrong += other.meta_wrong;
        self.tables_lost += other.tables_lost;
    }
}

/// Scores one damaged copy; returns the score and the wrong cells.
fn score(source: &Source, text: &str, name: &str) -> (Score, Vec<String>) {
    let report = match nianbao::inspect_bytes(text.as_bytes(), name) {
        Ok(r) => serde_json::to_value(&r).expect("report serialises"),
        Err(e) => return (Score { copies: 1, ..Score::default() }, vec![format!("unreadable: {e}")]),
    };
    let wrong = problems(&source.spec, &report, false);
    let mut s = Score { copies: 1, wrong: wrong.len(), ..Score::default() };
    for (table, cells) in table_cells(&report) {
        let expected = source.spec.expected_cells(&table);
        s.stated += expected.values().filter(|c| !matches!(c, Cell::Value { source: spec::Source::Prose, .. })).count();
        s.right += cells.keys().filter(|k| expected.contains_key(*k)).count();
        let status = source.spec.tables.get(&table).map(|t| t.status);
        if status.is_some_and(|st| st != Status::Absent) && report["tables"][&table]["status"] == "absent" {
            s.tables_lost += 1;
        }
    }
    s.right -= s.wrong.min(s.right);
    s.unplaced = report["unplaced"].as_array().map_or(0, Vec::len);
    let agency = report["agency"].as_str().map(str::to_string);
    let kind = report["kind"].as_str() != Some(source.spec.kind.as_str());
    if kind || report["year"].as_i64() != source.spec.year || agency != source.spec.agency {
        s.meta_wrong += 1;
    }
    (s, wrong)
}

#[test]
fn classes_of_real_damage_never_give_a_wrong_cell() {
    let started = Instant::now();
    let sources = sources();
    let mut failures = Vec::new();
    let mut total = Score::default();
    let mut lines = Vec::new();
    for class in CLASSES {
        let mut class_score = Score::default();
        for (i, source) in sources.iter().enumerate() {
            let text = damage(&source.parts, class, i);
            let name = format!("{} {class:?}", source.fixture.stem);
            if let Some(dir) = std::env::var_os("NIANBAO_DEGRADE_DUMP") {
                let _ = std::fs::write(
                    std::path::Path::new(&dir).join(format!("{}-{class:?}.txt", source.fixture.stem)),
                    &text,
                );
            }
            let at = Instant::now();
            let (s, wrong) = score(source, &text, &name);
            if std::env::var_os("NIANBAO_DEGRADE_TIMES").is_some() {
                eprintln!("{:>8.1?} {name}", at.elapsed());
            }
            if std::env::var_os("NIANBAO_DEGRADE_SCORES").is_some() {
                eprintln!("  {name}: {}/{} right, {} wrong, {} unplaced", s.right, s.stated, s.wrong, s.unplaced);
            }
            if !wrong.is_empty() {
                let path = std::env::temp_dir().join(format!("nianbao-class-{}-{class:?}.txt", source.fixture.stem));
                let _ = std::fs::write(&path, &text);
                failures.extend(wrong.into_iter().map(|w| format!("{name} ({}): {w}", path.display())));
            }
            class_score.add(s);
        }
        lines.push(format!(
            "{:<16} {:>5} of {:>5} cells ({:>5.1}%), {} wrong, {:>4} unplaced, {} tables lost, meta wrong in {} of {}",
            format!("{class:?}"),
            class_score.right,
            class_score.stated,
            100.0 * class_score.right as f64 / class_score.stated.max(1) as f64,
            class_score.wrong,
            class_score.unplaced,
            class_score.tables_lost,
            class_score.meta_wrong,
            class_score.copies
        ));
        let share = 100.0 * class_score.right as f64 / class_score.stated.max(1) as f64;
        if share < floor(class) {
            failures.push(format!("{class:?}: {share:.1}% of the stated cells, below its floor of {}%", floor(class)));
        }
        total.add(class_score);
    }
    eprintln!("{}", lines.join("\n"));
    eprintln!(
        "all classes: {} of {} cells ({:.1}%), {} wrong, in {:.1?}",
        total.right,
        total.stated,
        100.0 * total.right as f64 / total.stated.max(1) as f64,
        total.wrong,
        started.elapsed()
    );
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}
