//! The benchmark corpus: N reports with known truth, in every input shape nianbao reads, and the check of
//! `bulk`'s output against that truth (so speed is never bought with wrong numbers).
//!
//! ```text
//! corpus generate DIR N [SEED]     writes DIR/reports/<shape>/<n>.<ext>, DIR/truth_reports.csv, DIR/truth_cells.csv
//! corpus check DIR BULK_OUT         compares BULK_OUT/reports.csv and cells.csv with the truth, per shape
//! ```
//!
//! Every text and HTML report is generated: an agency, a year (2019–2024, so both versions of the form), the
//! values of every cell of 表二–表四 drawn at random and completed so the template's equations hold (the
//! equations and the printed layout come from `templates/`, through the library), prose that states some of those
//! figures, and site chrome. Each is then printed in one shape:
//!
//! | shape | what |
//! |---|---|
//! | `html` | a site page in UTF-8, Word-pasted tables (`MsoNormal` cells) with the form's spans |
//! | `html-blank` | the same with zero cells printed blank (truth: `blank`) |
//! | `html-gbk` | GBK bytes, `charset=gb2312` |
//! | `html-trad` | traditional characters |
//! | `text-cells` | text copied from a page: one table cell per line |
//! | `markdown` | Markdown from an OCR tool: pipe tables |
//! | `pdf-copy` | text copied out of a PDF: a row's cells separated by spaces, a page number inside a table |
//! | `crawl` | a crawler's text: one row per line with nothing between the cells (`规章000`) |
//! | `one-line` | a crawler's text with the whole page on one line |
//! | `xlsx` | the three tables on one sheet, merged cells as printed |
//! | `pdf`, `docx`, `doc` | the committed `fixtures/formats/` files, cycled; truth from their originals' specs |
//! | `bad` | empty, binary, truncated and scanned files (truth: an error row) |
//!
//! Where a shape loses the table's shape (`crawl`, `one-line`: digits of a row run together), a cell the
//! arithmetic cannot decide stays unplaced: the check counts it as missing, never as wrong. Every other shape
//! keeps every value in a cell of its own, and the check expects every cell.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use nianbao::report::CellKey;
use nianbao::template::{Catalog, TableSpec, Template, ValueKind};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["generate", dir, n] => generate(Path::new(dir), parse_n(n), 1),
        ["generate", dir, n, seed] => generate(Path::new(dir), parse_n(n), seed.parse().unwrap_or(1)),
        ["check", dir, out] => check(Path::new(dir), Path::new(out)),
        _ => Err("usage: corpus generate DIR N [SEED] | corpus check DIR BULK_OUT".into()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("corpus: {e}");
            ExitCode::from(2)
        }
    }
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn parse_n(n: &str) -> usize {
    n.replace(['_', ','], "").parse().unwrap_or(1000)
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes and their share of the corpus
// ---------------------------------------------------------------------------------------------------------------

/// Shapes with their weight in the mix (out of 40): HTML pages are most of what sites publish, then text copies
/// and attached documents.
const MIX: &[(&str, usize)] = &[
    ("html", 8),
    ("html-blank", 3),
    ("html-gbk", 4),
    ("html-trad", 3),
    ("text-cells", 3),
    ("markdown", 3),
    ("pdf-copy", 4),
    ("crawl", 2),
    ("one-line", 2),
    ("xlsx", 1),
    ("pdf", 3),
    ("docx", 2),
    ("doc", 1),
    ("bad", 1),
];

/// Shapes in which a cell may legitimately stay unplaced (the arithmetic leaves several readings).
const LOSSY: &[&str] = &["crawl", "one-line"];

/// The shape of report `i`: the mix laid out evenly (a weighted round robin), so any prefix and any half of the
/// corpus (even or odd indices) has the same mix.
fn shape_of(i: usize) -> &'static str {
    let total: usize = MIX.iter().map(|(_, w)| w).sum();
    let slot = (i * 7919) % total; // a stride coprime with the total spreads each shape over the cycle
    let mut acc = 0;
    for (shape, w) in MIX {
        acc += w;
        if slot < acc {
            return shape;
        }
    }
    "html"
}

// ---------------------------------------------------------------------------------------------------------------
// Random numbers (splitmix64: reproducible from the seed, no dependency)
// ---------------------------------------------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The report model
// ---------------------------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Value {
    /// A whole number (counts; signed counts may be negative).
    Int(i64),
    /// Money in hundredths of the column's unit.
    Money(i64),
    /// A not-applicable mark as printed.
    Na(&'static str),
}

impl Value {
    fn printed(&self) -> String {
        match self {
            Value::Int(n) => n.to_string(),
            Value::Money(c) if c % 100 == 0 => (c / 100).to_string(),
            Value::Money(c) if c % 10 == 0 => format!("{}.{}", c / 100, (c % 100) / 10),
            Value::Money(c) => format!("{}.{:02}", c / 100, c % 100),
            Value::Na(mark) => mark.to_string(),
        }
    }
    fn is_zero(&self) -> bool {
        matches!(self, Value::Int(0) | Value::Money(0))
    }
}

struct Report {
    year: i32,
    template: &'static Template,
    agency: String,
    published: String,
    /// Per table key, every cell of the form with its value.
    tables: Vec<(String, BTreeMap<String, Value>)>,
    /// Prose paragraphs per section key, in order.
    prose: Vec<(String, Vec<String>)>,
}

impl Report {
    fn title(&self) -> String {
        format!("{}{}年政府信息公开工作年度报告", self.agency, self.year)
    }
    fn value(&self, table: &str, cell: &str) -> Option<&Value> {
        self.tables.iter().find(|(k, _)| k == table).and_then(|(_, cells)| cells.get(cell))
    }
    fn int(&self, table: &str, cell: &str) -> Option<i64> {
        match self.value(table, cell) {
            Some(Value::Int(n)) => Some(*n),
            _ => None,
        }
    }
}

const PLACES: &[&str] = &[
    "青禾市",
    "临川县",
    "云岭区",
    "江夏市",
    "东平县",
    "白沙县",
    "石门市",
    "桐城区",
    "南浦县",
    "平阳市",
    "安溪县",
    "清河区",
    "龙泉市",
    "永宁县",
    "宁远县",
    "金山区",
];
const BODIES: &[&str] = &[
    "人民政府办公室",
    "自然资源和规划局",
    "教育局",
    "财政局",
    "生态环境局",
    "交通运输局",
    "农业农村局",
    "市场监督管理局",
    "卫生健康委员会",
    "住房和城乡建设局",
    "民政局",
    "司法局",
    "应急管理局",
    "文化和旅游局",
    "人力资源和社会保障局",
    "水利局",
];

fn new_report(rng: &mut Rng, catalog: &'static Catalog) -> Report {
    let year = 2019 + rng.below(6) as i32;
    let template = catalog.for_year(year).expect("a template for 2019 on");
    let agency = format!("{}{}", rng.pick(PLACES), rng.pick(BODIES));
    let published = format!("{}-0{}-{:02}", year + 1, 1 + rng.below(3), 1 + rng.below(28));
    let tables = template.tables.iter().map(|spec| (spec.key.clone(), table_values(rng, spec))).collect();
    let mut report = Report { year, template, agency, published, tables, prose: Vec::new() };
    report.prose = prose(rng, &report, catalog);
    report
}

/// Values for every cell of a table such that each of the template's equations holds: cells no equation
/// determines are drawn (mostly small, many zero, as real reports are), then every equation with one unknown cell
/// is solved; a solved cell that comes out negative raises a drawn cell on the other side of its equation and the
/// table is solved again.
fn table_values(rng: &mut Rng, spec: &TableSpec) -> BTreeMap<String, Value> {
    let equations = spec.equations();
    let in_equation: std::collections::HashSet<&CellKey> = equations.iter().flat_map(|e| e.cells()).collect();
    let sums: std::collections::HashSet<&CellKey> =
        equations.iter().filter(|e| e.lhs.len() == 1).map(|e| &e.lhs[0]).collect();
    let kind = |key: &CellKey| spec.column(key.col()).map_or(ValueKind::Count, |c| c.kind);
    let mut drawn: HashMap<CellKey, i64> = HashMap::new();
    let draw = |rng: &mut Rng, key: &CellKey| -> i64 {
        match kind(key) {
            ValueKind::Money => {
                if rng.chance(0.6) {
                    0
                } else {
                    rng.below(200_000) as i64
                }
            }
            ValueKind::SignedCount => rng.below(41) as i64 - 20,
            ValueKind::Count => {
                if rng.chance(0.55) {
                    0
                } else if rng.chance(0.8) {
                    1 + rng.below(12) as i64
                } else {
                    1 + rng.below(400) as i64
                }
            }
        }
    };
    let mut attempts = 0;
    let solved = loop {
        attempts += 1;
        let mut known: HashMap<&CellKey, i64> = HashMap::new();
        let mut from: HashMap<&CellKey, usize> = HashMap::new();
        let mut cells = spec.cell_keys().iter().filter(|k| !sums.contains(k));
        loop {
            let mut progress = true;
            while progress {
                progress = false;
                for (ei, eq) in equations.iter().enumerate() {
                    let unknown: Vec<&CellKey> = eq.cells().filter(|c| !known.contains_key(c)).collect();
                    if let [one] = unknown.as_slice() {
                        let side = |cells: &[CellKey]| cells.iter().filter_map(|c| known.get(c)).sum::<i64>();
                        let v = if eq.lhs.contains(one) {
                            side(&eq.rhs) - side(&eq.lhs)
                        } else {
                            side(&eq.lhs) - side(&eq.rhs)
                        };
                        known.insert(one, v);
                        from.insert(one, ei);
                        progress = true;
                    }
                }
            }
            let Some(next) = cells.find(|k| !known.contains_key(k)) else { break };
            let v = *drawn.entry(next.clone()).or_insert_with(|| draw(rng, next));
            known.insert(next, v);
        }
        // In the template's cell order, so that the same seed gives the same corpus.
        let negative = spec.cell_keys().iter().find_map(|k| {
            let v = *known.get(k)?;
            (v < 0 && kind(k) != ValueKind::SignedCount && from.contains_key(k)).then_some((k, v))
        });
        let Some((key, v)) = negative else { break known };
        if attempts > 1000 {
            break known; // the form's equations leave no way out; never seen with the national forms
        }
        let eq = &equations[from[key]];
        let other = if eq.lhs.contains(key) { &eq.rhs } else { &eq.lhs };
        match other.iter().find(|c| drawn.contains_key(*c)) {
            Some(c) => *drawn.get_mut(c).expect("drawn") -= v,
            // No drawn cell can make up for it: draw the table again.
            None => drawn.clear(),
        }
    };
    let mut out = BTreeMap::new();
    for key in spec.cell_keys() {
        let v = solved.get(key).copied().unwrap_or(0);
        let value = match kind(key) {
            ValueKind::Money => Value::Money(v),
            _ => Value::Int(v),
        };
        // A cell no rule involves is sometimes printed as not applicable.
        let value = if !in_equation.contains(key) && rng.chance(0.06) {
            const MARKS: [&str; 3] = ["/", "—", "无"];
            Value::Na(MARKS[rng.below(MARKS.len())])
        } else {
            value
        };
        out.insert(key.as_str().to_string(), value);
    }
    out
}

/// Prose per section: the official headings, sentences that state figures of the tables (so that the text and the
/// tables agree), and filler of the usual kind.
fn prose(rng: &mut Rng, r: &Report, catalog: &Catalog) -> Vec<(String, Vec<String>)> {
    let published_items = 50 + rng.below(900);
    let received = r.int("t3", "new_received.total").unwrap_or(0);
    let carried = r.int("t3", "carried_over.total").unwrap_or(0);
    let forward = r.int("t3", "carried_forward.total").unwrap_or(0);
    let mut out = Vec::new();
    for section in &catalog.sections().sections {
        let Some(heading) = &section.heading else { continue };
        let paras: Vec<String> = match section.key.as_str() {
            "s1" => vec![
                format!(
                    "{}年，{}坚持以公开为常态、不公开为例外，围绕中心工作和群众关切，通过门户网站、政务新媒体等渠道主动公开政府信息，\
                     及时发布政策文件、工作动态、通知公告等信息，全年累计主动公开政府信息{published_items}条。",
                    r.year, r.agency
                ),
                format!(
                    "全年共收到政府信息公开申请{received}件，上年结转{carried}件，结转下年度继续办理{forward}件。所有申请均在法定期限内答复，\
                     未收取信息处理费。"
                ),
                "严格落实政府信息公开发布前保密审查制度，坚持“先审查、后公开”和“一事一审”原则，对拟公开信息进行合法性、保密性审查，\
                 全年未发生失泄密事件。"
                    .to_string(),
                format!(
                    "持续优化政府信息公开专栏，规范栏目设置，及时更新法定主动公开内容。将政府信息公开工作纳入年度工作要点，明确分管领导和\
                     责任科室，加强业务培训，全年组织政务公开专题培训{}次。",
                    1 + rng.below(5)
                ),
            ],
            "s5" => vec![format!(
                "{}年，我单位政府信息公开工作取得了一定成效，但也存在一些不足：一是信息公开的及时性有待加强；二是政策解读形式较为单一。\
                 下一步，我们将建立健全信息发布审核机制，丰富解读形式，提升公开质量。",
                r.year
            )],
            "s6" => vec![format!(
                "本年度未收取信息处理费。{}年度政务公开工作要点落实情况已在门户网站专栏公开。",
                r.year
            )],
            _ => Vec::new(),
        };
        out.push((heading.clone(), paras));
    }
    out
}

// ---------------------------------------------------------------------------------------------------------------
// The printed tables
// ---------------------------------------------------------------------------------------------------------------

/// One printed cell of a table: its text and spans, and the template cell it holds if it is a value cell.
struct PCell {
    text: String,
    colspan: usize,
    rowspan: usize,
    value: Option<String>,
}

/// The rows of a table as the form prints it, with the report's values (blank for zero when `blank_zeros`).
fn printed_rows(spec: &TableSpec, values: &BTreeMap<String, Value>, blank_zeros: bool) -> Vec<Vec<PCell>> {
    spec.layout
        .iter()
        .map(|row| {
            row.cells
                .iter()
                .map(|cell| {
                    let key = match (&row.row, &cell.value) {
                        (Some(r), Some(c)) => Some(format!("{r}.{c}")),
                        _ => None,
                    };
                    let text = match &key {
                        Some(k) => match values.get(k) {
                            Some(v) if blank_zeros && v.is_zero() => String::new(),
                            Some(v) => v.printed(),
                            None => String::new(),
                        },
                        None => cell.text.clone().unwrap_or_default(),
                    };
                    PCell { text, colspan: cell.colspan as usize, rowspan: cell.rowspan as usize, value: key }
                })
                .collect()
        })
        .collect()
}

/// A printed row as text copies see it: its labels (a label spanning rows printed once, on its first row) and its
/// values.
fn text_rows(rows: &[Vec<PCell>]) -> Vec<(Vec<&str>, Vec<&str>)> {
    rows.iter()
        .map(|row| {
            let labels = row.iter().filter(|c| c.value.is_none()).map(|c| c.text.as_str()).collect();
            let values = row.iter().filter(|c| c.value.is_some()).map(|c| c.text.as_str()).collect();
            (labels, values)
        })
        .collect()
}

/// The table's width in grid columns and each printed cell's grid column.
fn grid(rows: &[Vec<PCell>]) -> (usize, Vec<Vec<usize>>) {
    let mut taken: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
    let mut width = 0;
    let mut cols = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let mut c = 0;
        let mut row_cols = Vec::new();
        for cell in row {
            while taken.contains(&(r, c)) {
                c += 1;
            }
            row_cols.push(c);
            for dr in 0..cell.rowspan {
                for dc in 0..cell.colspan {
                    taken.insert((r + dr, c + dc));
                }
            }
            c += cell.colspan;
            width = width.max(c);
        }
        cols.push(row_cols);
    }
    (width, cols)
}

/// The section heading each table follows.
fn table_section(key: &str) -> &'static str {
    match key {
        "t2" => "二、",
        "t3" => "三、",
        _ => "四、",
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Renderers
// ---------------------------------------------------------------------------------------------------------------

const NAV: &[&str] = &[
    "首页",
    "政务公开",
    "政务服务",
    "互动交流",
    "走进本机关",
    "政策文件",
    "政策解读",
    "通知公告",
    "人事信息",
    "财政资金",
    "规划计划",
    "统计信息",
    "应急管理",
    "建议提案",
    "政府信息公开指南",
    "政府信息公开制度",
    "法定主动公开内容",
    "政府信息公开年报",
];

fn html_page(rng: &mut Rng, r: &Report, charset: &str, blank_zeros: bool) -> String {
    let title = r.title();
    let mut h = String::with_capacity(48 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset={charset}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"SiteName\" content=\"{a}\">\n\
         <meta name=\"ArticleTitle\" content=\"{title}\">\n<meta name=\"PubDate\" content=\"{p}\">\n<title>{title}_{a}</title>\n\
         <link rel=\"stylesheet\" href=\"/css/style.css\">\n<script src=\"/js/jquery.min.js\"></script>\n</head>\n<body>\n",
        a = r.agency,
        p = r.published
    );
    // Site chrome: header, navigation with its menus, breadcrumb.
    let _ = write!(
        h,
        "<div class=\"header\"><div class=\"logo\"><img src=\"/images/logo.png\" alt=\"{}\"></div>\
         <div class=\"search\"><input type=\"text\" placeholder=\"请输入关键字\"><button>搜索</button></div></div>\n<ul class=\"nav\">\n",
        r.agency
    );
    for (i, item) in NAV.iter().enumerate() {
        let _ = write!(
            h,
            "  <li class=\"nav-item\"><a href=\"/col/col{}/index.html\" target=\"_blank\">{item}</a><ul class=\"sub\">",
            1000 + i
        );
        for j in 0..4 {
            let _ = write!(
                h,
                "<li><a href=\"/col/col{}{j}/index.html\">{item}{}</a></li>",
                1000 + i,
                ["动态", "文件", "解读", "专栏"][j]
            );
        }
        h.push_str("</ul></li>\n");
    }
    h.push_str("</ul>\n<div class=\"breadcrumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/zwgk/\">政务公开</a> &gt; 政府信息公开年度报告</div>\n");
    let _ = write!(
        h,
        "<div class=\"article\">\n<h1 class=\"article-title\">{title}</h1>\n<div class=\"article-info\"><span>发布日期：{}</span>\
         <span>来源：{}</span><span>浏览次数：<em id=\"hits\">{}</em></span></div>\n<div class=\"TRS_Editor\" id=\"zoom\">\n",
        r.published,
        r.agency,
        rng.below(5000)
    );
    let _ = writeln!(
        h,
        "<p style=\"text-indent:2em\">本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》要求编制。\
         本报告所列数据统计期限自{y}年1月1日起至{y}年12月31日止。如对本报告有疑问，请与{a}办公室联系。</p>",
        y = r.year,
        a = r.agency
    );
    for (heading, paras) in &r.prose {
        let _ = writeln!(h, "<p style=\"text-indent:2em\"><strong>{heading}</strong></p>");
        for p in paras {
            let _ = writeln!(h, "<p style=\"text-indent:2em\">{p}</p>");
        }
        for (key, values) in &r.tables {
            if heading.starts_with(table_section(key)) {
                if let Some(spec) = r.template.table(key) {
                    html_table(&mut h, &printed_rows(spec, values, blank_zeros));
                }
            }
        }
    }
    let _ = write!(
        h,
        "<p style=\"text-align:right\">{}</p>\n<p style=\"text-align:right\">{}</p>\n",
        r.agency, r.published
    );
    h.push_str("</div>\n<div class=\"share\">分享到：<a href=\"#\">微信</a> <a href=\"#\">微博</a></div>\n</div>\n");
    // Footer chrome, with the scripts sites carry.
    h.push_str("<div class=\"footer\"><ul class=\"links\">");
    for item in NAV {
        let _ = write!(h, "<li><a href=\"#\">{item}</a></li>");
    }
    let _ = write!(
        h,
        "</ul><p>主办单位：{a}　网站标识码：{code}　备案号：某ICP备{icp}号</p><p>地址：{a}办公楼　联系电话：0000-1234567</p></div>\n\
         <script>var _hmt = _hmt || [];(function() {{ var hm = document.createElement(\"script\"); hm.src = \"https://hm.example.com/hm.js\"; \
         var s = document.getElementsByTagName(\"script\")[0]; s.parentNode.insertBefore(hm, s); }})();\
         function fontSize(size) {{ document.getElementById('zoom').style.fontSize = size + 'px'; }}</script>\n</body>\n</html>\n",
        a = r.agency,
        code = 1000000000 + rng.below(999999999),
        icp = 10000000 + rng.below(9999999)
    );
    h
}

fn html_table(h: &mut String, rows: &[Vec<PCell>]) {
    h.push_str(
        "<table class=\"MsoNormalTable\" border=\"1\" cellspacing=\"0\" cellpadding=\"0\" style=\"border-collapse:collapse;border:none\" width=\"600\">\n<tbody>\n",
    );
    for row in rows {
        h.push_str("<tr style=\"height:20.0pt\">\n");
        for c in row {
            h.push_str("<td");
            if c.colspan > 1 {
                let _ = write!(h, " colspan=\"{}\"", c.colspan);
            }
            if c.rowspan > 1 {
                let _ = write!(h, " rowspan=\"{}\"", c.rowspan);
            }
            let text = if c.text.is_empty() { "&nbsp;" } else { c.text.as_str() };
            let _ = writeln!(
                h,
                " valign=\"center\" style=\"border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt\"><p class=\"MsoNormal\" align=\"center\" \
                 style=\"text-align:center\"><span style=\"font-size:10.5pt;font-family:宋体\">{text}</span></p></td>"
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}

/// The text shapes: one line per paragraph, tables as `table` prints them.
fn text_report(r: &Report, site_chrome: bool, table: impl Fn(&mut Vec<String>, &[Vec<PCell>], &str)) -> Vec<String> {
    let mut lines = Vec::new();
    if site_chrome {
        lines.push(NAV.concat());
        lines.push("当前位置：首页 > 政务公开 > 政府信息公开年度报告".to_string());
    }
    lines.push(r.title());
    lines.push(format!("发布日期：{}　来源：{}", r.published, r.agency));
    lines.push(format!(
        "本报告根据《中华人民共和国政府信息公开条例》要求编制。本报告所列数据统计期限自{y}年1月1日起至{y}年12月31日止。",
        y = r.year
    ));
    for (heading, paras) in &r.prose {
        lines.push(heading.clone());
        lines.extend(paras.iter().cloned());
        for (key, values) in &r.tables {
            if heading.starts_with(table_section(key)) {
                if let Some(spec) = r.template.table(key) {
                    table(&mut lines, &printed_rows(spec, values, false), key);
                }
            }
        }
    }
    lines.push(r.agency.clone());
    lines.push(r.published.clone());
    if site_chrome {
        lines.push(format!("主办单位：{}　网站地图　某ICP备12345678号", r.agency));
    }
    lines
}

/// One table cell per line (text copied from a page); a row's labels on one line.
fn cells_table(lines: &mut Vec<String>, rows: &[Vec<PCell>], _: &str) {
    for (labels, values) in text_rows(rows) {
        if values.is_empty() {
            lines.extend(labels.iter().map(|l| l.to_string()));
        } else {
            if !labels.is_empty() {
                lines.push(labels.join(" "));
            }
            lines.extend(values.iter().map(|v| v.to_string()));
        }
    }
    lines.push(String::new());
}

/// Pipe tables, spans as empty cells.
fn markdown_table(lines: &mut Vec<String>, rows: &[Vec<PCell>], _: &str) {
    let (width, cols) = grid(rows);
    lines.push(String::new());
    for (i, (row, row_cols)) in rows.iter().zip(&cols).enumerate() {
        let mut cells = vec![String::new(); width];
        for (cell, &c) in row.iter().zip(row_cols) {
            if let Some(slot) = cells.get_mut(c) {
                *slot = cell.text.clone();
            }
        }
        lines.push(format!("| {} |", cells.join(" | ")));
        if i == 0 {
            lines.push(format!("|{}", "---|".repeat(width)));
        }
    }
    lines.push(String::new());
}

/// Rows as copied out of a PDF: cells separated by spaces, a page number line in the middle of 表三.
fn pdf_copy_table(lines: &mut Vec<String>, rows: &[Vec<PCell>], key: &str) {
    let rows = text_rows(rows);
    let half = rows.len() / 2;
    for (i, (labels, values)) in rows.iter().enumerate() {
        let mut parts: Vec<&str> = labels.clone();
        parts.extend(values.iter());
        lines.push(parts.join(" "));
        if key == "t3" && i == half {
            lines.push(format!("— {} —", 3 + i % 2));
        }
    }
}

/// Rows as a crawler extracts them: nothing between the cells.
fn crawl_table(lines: &mut Vec<String>, rows: &[Vec<PCell>], _: &str) {
    for (labels, values) in text_rows(rows) {
        lines.push(format!("{}{}", labels.concat(), values.concat()));
    }
}

/// The three tables on one sheet, one under the other, with the form's merged cells.
fn xlsx_report(r: &Report) -> Res<Vec<u8>> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    // A fixed creation time, so that the same seed writes the same bytes.
    let created = ExcelDateTime::from_ymd(2024, 1, 1)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let sheet = book.add_worksheet();
    sheet.set_name("年报")?;
    let plain = Format::new();
    sheet.write_string(0, 0, r.title())?;
    let mut at: u32 = 2;
    for (key, values) in &r.tables {
        let Some(spec) = r.template.table(key) else { continue };
        sheet.write_string(at, 0, &spec.title)?;
        at += 1;
        let rows = printed_rows(spec, values, false);
        let (_, cols) = grid(&rows);
        for (ri, (row, row_cols)) in rows.iter().zip(&cols).enumerate() {
            let r0 = at + ri as u32;
            for (cell, &c) in row.iter().zip(row_cols) {
                let c0 = c as u16;
                let (r1, c1) = (r0 + cell.rowspan as u32 - 1, c0 + cell.colspan as u16 - 1);
                if r1 > r0 || c1 > c0 {
                    sheet.merge_range(r0, c0, r1, c1, "", &plain)?;
                }
                match (&cell.value, cell.text.parse::<f64>()) {
                    (Some(_), Ok(n)) => sheet.write_number(r0, c0, n)?,
                    _ => sheet.write_string(r0, c0, &cell.text)?,
                };
            }
        }
        at += rows.len() as u32 + 1;
    }
    Ok(book.save_to_buffer()?)
}

// ---------------------------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------------------------

/// A committed binary fixture: its bytes and the truth of its original (from the original's expected output, which
/// `tests/formats.rs` holds every format to).
struct Fixture {
    name: String,
    bytes: Vec<u8>,
    truth: Truth,
}

/// What the check expects of one input.
#[derive(Default)]
struct Truth {
    ok: bool,
    year: Option<i32>,
    template: Option<String>,
    agency: Option<String>,
    /// (table, cell key, state, value as printed in the CSV's terms).
    cells: Vec<(String, String, &'static str, String)>,
}

fn truth_of(r: &Report, blank_zeros: bool) -> Truth {
    let mut cells = Vec::new();
    for (key, values) in &r.tables {
        for (cell, v) in values {
            let (state, value) = match v {
                Value::Na(_) => ("na", String::new()),
                v if blank_zeros && v.is_zero() => ("blank", String::new()),
                Value::Int(n) => ("value", n.to_string()),
                Value::Money(c) => ("value", format!("{}", *c as f64 / 100.0)),
            };
            cells.push((key.clone(), cell.clone(), state, value));
        }
    }
    Truth {
        ok: true,
        year: Some(r.year),
        template: Some(r.template.version.clone()),
        agency: Some(r.agency.clone()),
        cells,
    }
}

fn fixtures(root: &Path, ext: &str) -> Res<Vec<Fixture>> {
    let mut out = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(root.join("fixtures/formats"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    names.sort();
    for path in names {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let stem = name.split('.').next().unwrap_or_default();
        let expected = root.join("fixtures/expected").join(format!("{stem}.json"));
        let Ok(json) = std::fs::read_to_string(&expected) else { continue };
        let v: serde_json::Value = serde_json::from_str(&json)?;
        let mut truth = Truth {
            ok: true,
            year: v["year"].as_i64().map(|y| y as i32),
            template: v["template"].as_str().map(String::from),
            agency: v["agency"].as_str().map(String::from),
            cells: Vec::new(),
        };
        if let Some(tables) = v["tables"].as_object() {
            for (table, t) in tables {
                for (cell, c) in t["cells"].as_object().into_iter().flatten() {
                    let state = match c["state"].as_str() {
                        Some("blank") => "blank",
                        Some("na") => "na",
                        _ => "value",
                    };
                    let value = c["value"].as_f64().map(|x| format!("{x}")).unwrap_or_default();
                    truth.cells.push((table.clone(), cell.clone(), state, value));
                }
            }
        }
        out.push(Fixture { name, bytes: std::fs::read(&path)?, truth });
    }
    Ok(out)
}

fn generate(dir: &Path, n: usize, seed: u64) -> Res<ExitCode> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalog = Catalog::embedded();
    let binaries: HashMap<&str, Vec<Fixture>> =
        [("pdf", fixtures(root, "pdf")?), ("docx", fixtures(root, "docx")?), ("doc", fixtures(root, "doc")?)]
            .into_iter()
            .collect();
    let bad: Vec<(String, Vec<u8>)> = {
        let mut files = vec![("empty.txt".to_string(), Vec::new()), ("binary.html".to_string(), binary_noise(seed))];
        // A download cut half way: the first half of an attached document (its cross-reference table or zip
        // directory lost).
        for ext in ["pdf", "docx", "doc"] {
            let whole = std::fs::read(root.join("fixtures/formats").join(format!("official_2021.libreoffice.{ext}")))?;
            files.push((format!("truncated.{ext}"), whole.get(..whole.len() / 2).unwrap_or_default().to_vec()));
        }
        files.push(("empty.pdf".to_string(), Vec::new()));
        files
    };
    let reports = dir.join("reports");
    for (shape, _) in MIX {
        std::fs::create_dir_all(reports.join(shape))?;
    }
    let mut truth_reports = csv::Writer::from_path(dir.join("truth_reports.csv"))?;
    truth_reports.write_record(["path", "shape", "status", "year", "template", "agency"])?;
    let mut truth_cells = csv::Writer::from_path(dir.join("truth_cells.csv"))?;
    truth_cells.write_record(["path", "table", "cell", "state", "value"])?;
    let mut rng = Rng(seed);
    let mut bytes_total = 0usize;
    for i in 0..n {
        let shape = shape_of(i);
        let report = new_report(&mut rng, catalog);
        let (ext, bytes, truth) = match shape {
            "html" => ("html", html_page(&mut rng, &report, "utf-8", false).into_bytes(), truth_of(&report, false)),
            "html-blank" => ("html", html_page(&mut rng, &report, "utf-8", true).into_bytes(), truth_of(&report, true)),
            "html-gbk" => {
                let page = html_page(&mut rng, &report, "gb2312", false);
                ("html", encoding_rs::GBK.encode(&page).0.into_owned(), truth_of(&report, false))
            }
            "html-trad" => {
                let page = html_page(&mut rng, &report, "utf-8", false);
                let mut truth = truth_of(&report, false);
                truth.agency = Some(report.agency.clone());
                ("html", zhconv::zhconv(&page, zhconv::Variant::ZhHant).into_bytes(), truth)
            }
            "text-cells" => ("txt", lines(text_report(&report, true, cells_table)), truth_of(&report, false)),
            "markdown" => ("md", lines(markdown_lines(&report)), truth_of(&report, false)),
            "pdf-copy" => ("txt", lines(text_report(&report, false, pdf_copy_table)), truth_of(&report, false)),
            "crawl" => ("txt", lines(text_report(&report, true, crawl_table)), truth_of(&report, false)),
            "one-line" => {
                let text = text_report(&report, true, crawl_table).concat();
                ("txt", (text + "\n").into_bytes(), truth_of(&report, false))
            }
            "xlsx" => ("xlsx", xlsx_report(&report)?, truth_of(&report, false)),
            "bad" => {
                let (name, bytes) = &bad[(i / 40) % bad.len()];
                let ext = name.rsplit('.').next().unwrap_or("bin");
                (ext, bytes.clone(), Truth::default())
            }
            binary => {
                let set = &binaries[binary];
                let f = &set[(i / 40) % set.len()];
                let t = Truth {
                    ok: true,
                    year: f.truth.year,
                    template: f.truth.template.clone(),
                    agency: f.truth.agency.clone(),
                    cells: f.truth.cells.clone(),
                };
                let ext = f.name.rsplit('.').next().unwrap_or("bin");
                (ext, f.bytes.clone(), t)
            }
        };
        let rel = format!("{shape}/{i:06}.{ext}");
        std::fs::write(reports.join(&rel), &bytes)?;
        bytes_total += bytes.len();
        truth_reports.write_record([
            rel.as_str(),
            shape,
            if truth.ok { "ok" } else { "error" },
            &truth.year.map(|y| y.to_string()).unwrap_or_default(),
            truth.template.as_deref().unwrap_or_default(),
            truth.agency.as_deref().unwrap_or_default(),
        ])?;
        for (table, cell, state, value) in &truth.cells {
            truth_cells.write_record([rel.as_str(), table, cell, state, value])?;
        }
    }
    truth_reports.flush()?;
    truth_cells.flush()?;
    eprintln!("corpus: {n} reports, {} MB, in {}", bytes_total / 1_000_000, reports.display());
    Ok(ExitCode::SUCCESS)
}

fn lines(lines: Vec<String>) -> Vec<u8> {
    (lines.join("\n") + "\n").into_bytes()
}

fn markdown_lines(r: &Report) -> Vec<String> {
    text_report(r, false, markdown_table)
        .into_iter()
        .map(|l| {
            if l == r.title() {
                format!("# {l}")
            } else if r.prose.iter().any(|(h, _)| *h == l) {
                format!("## {l}")
            } else {
                l
            }
        })
        .collect()
}

/// Bytes no text reader can take for text.
fn binary_noise(seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed ^ 0xdead_beef);
    (0..20_000).map(|_| (rng.next() & 0xff) as u8).collect()
}

// ---------------------------------------------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------------------------------------------

#[derive(Default)]
struct Tally {
    reports: usize,
    status_right: usize,
    meta_wrong: usize,
    cells: usize,
    right: usize,
    wrong: usize,
    missing: usize,
    extra: usize,
}

/// Index of the first of `names` in a CSV header (bulk's column names, old or new).
fn column(header: &csv::StringRecord, names: &[&str]) -> Res<usize> {
    header
        .iter()
        .position(|h| names.contains(&h.trim_start_matches('\u{feff}')))
        .ok_or_else(|| format!("no column {names:?} in {header:?}").into())
}

fn same_value(truth: &str, found: &str) -> bool {
    truth == found || matches!((truth.parse::<f64>(), found.parse::<f64>()), (Ok(a), Ok(b)) if (a - b).abs() < 1e-9)
}

fn check(dir: &Path, out: &Path) -> Res<ExitCode> {
    let reports_dir = dir.join("reports");
    // Bulk names each input as it was given (DIR/reports/<shape>/<file>): the key is the part after `reports/`.
    let rel = |source: &str| -> String {
        match source.rfind("reports/") {
            Some(at) => source[at + "reports/".len()..].to_string(),
            None => source.to_string(),
        }
    };
    let _ = reports_dir;

    // Truth.
    let mut shapes: HashMap<String, String> = HashMap::new();
    let mut expect: HashMap<String, csv::StringRecord> = HashMap::new();
    let mut rd = csv::Reader::from_path(dir.join("truth_reports.csv"))?;
    for row in rd.records() {
        let row = row?;
        shapes.insert(row[0].to_string(), row[1].to_string());
        expect.insert(row[0].to_string(), row);
    }
    let mut truth: HashMap<(String, String, String), (String, String)> = HashMap::new();
    let mut rd = csv::Reader::from_path(dir.join("truth_cells.csv"))?;
    for row in rd.records() {
        let row = row?;
        truth.insert(
            (row[0].to_string(), row[1].to_string(), row[2].to_string()),
            (row[3].to_string(), row[4].to_string()),
        );
    }

    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    let mut examples: Vec<String> = Vec::new();

    // reports.csv
    let mut rd = csv::Reader::from_path(out.join("reports.csv"))?;
    let h = rd.headers()?.clone();
    let (c_src, c_status, c_year, c_tpl, c_agency) = (
        column(&h, &["path", "source"])?,
        column(&h, &["status"])?,
        column(&h, &["year"])?,
        column(&h, &["template"])?,
        column(&h, &["agency"])?,
    );
    let mut seen = 0usize;
    for row in rd.records() {
        let row = row?;
        let path = rel(&row[c_src]);
        let Some(want) = expect.get(&path) else { continue };
        seen += 1;
        let t = tally.entry(want[1].to_string()).or_default();
        t.reports += 1;
        if row[c_status] == want[2] {
            t.status_right += 1;
        } else if examples.len() < 20 {
            examples.push(format!("{path}: status {} (expected {})", &row[c_status], &want[2]));
        }
        if &want[2] == "ok" && row[c_status] == *"ok" {
            let wrong =
                [(c_year, 3), (c_tpl, 4), (c_agency, 5)].iter().any(|&(c, w)| !want[w].is_empty() && row[c] != want[w]);
            if wrong {
                t.meta_wrong += 1;
                if examples.len() < 20 {
                    examples.push(format!("{path}: year/template/agency {:?} (expected {:?})", &row, &want));
                }
            }
        }
    }

    // cells.csv
    let mut rd = csv::Reader::from_path(out.join("cells.csv"))?;
    let h = rd.headers()?.clone();
    let (c_src, c_table, c_row, c_col, c_value, c_state) = (
        column(&h, &["path", "source"])?,
        column(&h, &["table_key", "table"])?,
        column(&h, &["row_key"])?,
        column(&h, &["col_key"])?,
        column(&h, &["value"])?,
        column(&h, &["state"])?,
    );
    let mut found: std::collections::HashSet<(String, String, String)> = std::collections::HashSet::new();
    for row in rd.records() {
        let row = row?;
        let path = rel(&row[c_src]);
        let Some(shape) = shapes.get(&path) else { continue };
        let t = tally.entry(shape.clone()).or_default();
        let key = (path, row[c_table].to_string(), format!("{}.{}", &row[c_row], &row[c_col]));
        match truth.get(&key) {
            None => {
                t.extra += 1;
                if examples.len() < 20 {
                    examples.push(format!("{}: {} {} = {:?} is not in the report", key.0, key.1, key.2, &row[c_value]));
                }
            }
            Some((state, value)) if state == &row[c_state] && same_value(value, &row[c_value]) => t.right += 1,
            Some((state, value)) => {
                t.wrong += 1;
                if examples.len() < 20 {
                    examples.push(format!(
                        "{}: {} {} = {:?} ({}), truth {value:?} ({state})",
                        key.0, key.1, key.2, &row[c_value], &row[c_state]
                    ));
                }
            }
        }
        found.insert(key);
    }
    for key in truth.keys() {
        if let Some(shape) = shapes.get(&key.0) {
            let t = tally.entry(shape.clone()).or_default();
            t.cells += 1;
            if !found.contains(key) {
                t.missing += 1;
                if !LOSSY.contains(&shape.as_str()) && examples.len() < 20 {
                    examples.push(format!("{}: {} {} missing", key.0, key.1, key.2));
                }
            }
        }
    }

    println!("shape        reports  status-ok  meta-wrong   cells   right   wrong  missing  extra");
    let mut failed = seen != expect.len();
    for (shape, t) in &tally {
        println!(
            "{shape:<12} {:>7} {:>10} {:>11} {:>7} {:>7} {:>7} {:>8} {:>6}",
            t.reports, t.status_right, t.meta_wrong, t.cells, t.right, t.wrong, t.missing, t.extra
        );
        let lossy = LOSSY.contains(&shape.as_str());
        failed |=
            t.status_right != t.reports || t.meta_wrong > 0 || t.wrong > 0 || t.extra > 0 || (!lossy && t.missing > 0);
    }
    for e in &examples {
        println!("  {e}");
    }
    if seen != expect.len() {
        println!("reports.csv has {seen} of the {} generated reports", expect.len());
    }
    println!("{}", if failed { "check: FAILED" } else { "check: every cell nianbao gave is right" });
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
