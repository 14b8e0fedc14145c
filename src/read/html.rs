//! HTML reader: a decoded web page in, a [`Document`] of prose and table grids out.
//!
//! Owns: walking the DOM in reading order; turning data `<table>`s into [`TableShape::Grid`] tables with their
//! `rowspan`/`colspan`; unwrapping layout tables (a table that holds another table, or a one-column frame) into
//! ordinary flow; splitting the rest into prose lines at block boundaries and `<br>`; keeping site chrome (menus,
//! headers, footers, scripts, ICP and copyright lines) out of the prose.
//!
//! Does not own: decoding bytes or stripping romanisation glosses (the caller has done both through
//! [`crate::normalize`]), deciding heading versus paragraph ([`crate::read::prose_block`] does, for every reader),
//! or knowing what the official tables look like (that is `map`).
//!
//! The parsed tree is first flattened into a list of open/close/text events, so every later pass is a loop over a
//! slice: no recursion, so a page nested a hundred thousand levels deep cannot overflow the stack.

use crate::hash::HashSet;

use scraper::node::Element;
use scraper::{Html, Node};

use crate::doc::{Block, Cell, Document, Omission, Position, Table, TableShape, MAX_DOCUMENT_SLOTS, MAX_TABLE_SLOTS};
use crate::normalize::to_simplified;
use crate::read::html_guard::thin_markup;
use crate::read::prose_block;

/// Reads a web page. `text` is already decoded and free of glosses; `source` names it for provenance.
///
/// Never fails: malformed markup is repaired by the HTML5 parser, and whatever text survives is returned.
pub fn read_html(text: &str, source: &str) -> Document {
    let html = Html::parse_document(&thin_markup(text));
    let events = flatten(&html);
    let facts = PageFacts::collect(&events);
    let mut reader = FlowReader {
        events: &events,
        facts: &facts,
        blocks: Vec::new(),
        line: LineBuilder::default(),
        tables_seen: 0,
        slots_left: MAX_DOCUMENT_SLOTS,
        omitted: Vec::new(),
    };
    reader.read();
    Document { source: source.to_string(), blocks: reader.blocks, omitted: reader.omitted }
}

/// One step of a pre-order walk of the DOM.
enum Event<'a> {
    /// An element starts; `close` is the index of its matching [`Event::Close`].
    Open {
        el: &'a Element,
        close: usize,
    },
    Close {
        el: &'a Element,
    },
    Text(&'a str),
}

/// Flattens the parsed tree into events, iteratively. Comments, doctypes and processing instructions vanish.
fn flatten(html: &Html) -> Vec<Event<'_>> {
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let root = html.tree.root();
    let mut next = root.first_child();
    while let Some(node) = next {
        match node.value() {
            Node::Element(el) => {
                open.push(events.len());
                events.push(Event::Open { el, close: 0 });
            }
            Node::Text(text) => events.push(Event::Text(text)),
            _ => {}
        }
        if let Some(child) = node.first_child() {
            next = Some(child);
            continue;
        }
        // No children: close this node and every ancestor whose last child this was, then move on.
        let mut done = node;
        next = loop {
            if let Node::Element(el) = done.value() {
                let close = events.len();
                if let Some(Event::Open { close: slot, .. }) = open.pop().and_then(|i| events.get_mut(i)) {
                    *slot = close;
                }
                events.push(Event::Close { el });
            }
            if let Some(sibling) = done.next_sibling() {
                break Some(sibling);
            }
            match done.parent() {
                Some(parent) if parent != root => done = parent,
                _ => break None,
            }
        };
    }
    events
}

/// What the reader must know about tables and chrome before it walks: which tables are layout, and which elements
/// hold the report itself (so a chrome-looking wrapper such as an ASP.NET `<form>` is not thrown away whole).
#[derive(Default)]
struct PageFacts {
    /// Event indices of `<table>` openings that are layout, not data.
    layout: HashSet<usize>,
    /// Event indices of element openings whose subtree holds report content.
    content: HashSet<usize>,
}

/// A table being measured during [`PageFacts::collect`].
struct OpenTable {
    at: usize,
    rows: usize,
    cells_in_row: usize,
    widest_row: usize,
}

/// A table with this many `<tr>` is report content, not a menu bar.
const CONTENT_TABLE_ROWS: usize = 4;

impl PageFacts {
    fn collect(events: &[Event<'_>]) -> PageFacts {
        let mut facts = PageFacts::default();
        let mut tables: Vec<OpenTable> = Vec::new();
        // Open elements, innermost last, each with "holds content" so far.
        let mut stack: Vec<(usize, bool)> = Vec::new();
        for (at, event) in events.iter().enumerate() {
            match event {
                Event::Open { el, close } => {
                    match el.name() {
                        "table" => {
                            if let Some(outer) = tables.last() {
                                facts.layout.insert(outer.at);
                            }
                            tables.push(OpenTable { at, rows: 0, cells_in_row: 0, widest_row: 0 });
                        }
                        "tr" => {
                            if let Some(table) = tables.last_mut() {
                                table.rows += 1;
                                table.cells_in_row = 0;
                            }
                        }
                        "td" | "th" => {
                            if let Some(table) = tables.last_mut() {
                                table.cells_in_row += 1;
                                table.widest_row = table.widest_row.max(table.cells_in_row);
                            }
                        }
                        _ => {}
                    }
                    let report_title = is_title_heading(el.name()) && mentions_report(events, at, *close);
                    stack.push((at, report_title));
                }
                Event::Close { el } => {
                    let Some((opened, mut holds)) = stack.pop() else {
                        continue;
                    };
                    if el.name() == "table" {
                        if let Some(table) = tables.pop() {
                            if table.rows > 0 && table.widest_row <= 1 {
                                facts.layout.insert(table.at);
                            }
                            holds |= table.rows >= CONTENT_TABLE_ROWS;
                        }
                    }
                    if holds {
                        facts.content.insert(opened);
                        if let Some(parent) = stack.last_mut() {
                            parent.1 = true;
                        }
                    }
                }
                Event::Text(_) => {}
            }
        }
        facts
    }
}

fn is_title_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3")
}

/// Whether the text of the element at `open..close` (looking at a bounded number of events) names a report.
fn mentions_report(events: &[Event<'_>], open: usize, close: usize) -> bool {
    let text: String = events
        .get(open + 1..close)
        .unwrap_or_default()
        .iter()
        .take(64)
        .filter_map(|e| match e {
            Event::Text(t) => Some(*t),
            _ => None,
        })
        .collect();
    to_simplified(&text).contains("报告")
}

/// Elements whose content is never prose, whatever they contain.
fn is_never_text(name: &str) -> bool {
    matches!(
        name,
        "head"
            | "script"
            | "style"
            | "noscript"
            | "template"
            | "select"
            | "button"
            | "iframe"
            | "textarea"
            | "object"
            | "svg"
            | "math"
    )
}

/// Elements that are site chrome unless they turn out to wrap the report.
fn is_chrome_tag(name: &str) -> bool {
    matches!(name, "nav" | "header" | "footer" | "aside" | "form")
}

/// Words in an `id` or `class` that mark site chrome.
const CHROME_WORDS: &[&str] =
    &["nav", "menu", "footer", "header", "breadcrumb", "share", "sidebar", "topbar", "copyright"];

fn has_chrome_name(el: &Element) -> bool {
    [el.attr("id"), el.attr("class")].into_iter().flatten().any(|value| {
        // `top-bar`, `side_bar` and `bread-crumb` are the same words as `topbar`, `sidebar`, `breadcrumb`.
        let value: String = value.chars().filter(|c| !matches!(c, '-' | '_')).map(|c| c.to_ascii_lowercase()).collect();
        CHROME_WORDS.iter().any(|word| value.contains(word))
    })
}

/// Prose lines holding one of these (in simplified characters) are site boilerplate.
const BOILERPLATE: &[&str] = &[
    "网站地图",
    "ICP备",
    "公网安备",
    "版权所有",
    "主办单位",
    "网站标识码",
    "技术支持",
    "联系我们",
    "设为首页",
    "加入收藏",
    "无障碍",
    "打印本页",
    "关闭窗口",
];

/// A boilerplate word in a full sentence (`完成网站无障碍改造。`) is report prose; in a short line or a line with no
/// sentence end it is a footer.
fn is_boilerplate(line: &str) -> bool {
    let simplified = to_simplified(line);
    let marked = BOILERPLATE.iter().any(|word| simplified.contains(word));
    marked && (!simplified.contains('。') || simplified.chars().count() < 20)
}

/// Elements that start and end a line of prose (and of cell text).
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "title"
            | "tr"
            | "ul"
    )
}

/// The event index after the element closing at `close`; always moves forward, so no walk can loop.
fn past(close: usize, at: usize) -> usize {
    close.max(at) + 1
}

/// Collects text into lines: whitespace (including U+00A0 and U+3000) collapses to one space, lines are trimmed,
/// empty lines vanish.
#[derive(Default)]
struct LineBuilder {
    current: String,
}

impl LineBuilder {
    fn push(&mut self, text: &str) {
        self.current.push_str(text);
    }

    /// Ends the current line and returns it, collapsed, if it has any text.
    fn take(&mut self) -> Option<String> {
        let line = collapse_whitespace(&self.current);
        self.current.clear();
        (!line.is_empty()).then_some(line)
    }
}

fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() || matches!(c, '\u{200b}' | '\u{feff}')) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Walks the events in reading order, emitting prose lines and data tables.
struct FlowReader<'e, 'a> {
    events: &'e [Event<'a>],
    facts: &'e PageFacts,
    blocks: Vec<Block>,
    line: LineBuilder,
    /// Data tables met so far, to name an omitted one (`table 3`).
    tables_seen: usize,
    /// Grid positions the document's tables may still take (of [`MAX_DOCUMENT_SLOTS`]).
    slots_left: usize,
    omitted: Vec<Omission>,
}

impl FlowReader<'_, '_> {
    fn read(&mut self) {
        let mut at = 0;
        let mut in_pre = 0usize;
        while let Some(event) = self.events.get(at) {
            match event {
                Event::Open { el, close } => {
                    let name = el.name();
                    if self.is_skipped(el, at) {
                        self.end_line();
                        at = past(*close, at);
                        continue;
                    }
                    if name == "table" && !self.facts.layout.contains(&at) {
                        self.end_line();
                        self.read_table(at, *close);
                        at = past(*close, at);
                        continue;
                    }
                    if name == "br" || is_block(name) {
                        self.end_line();
                    }
                    if name == "pre" {
                        in_pre += 1;
                    }
                }
                Event::Close { el } => {
                    if is_block(el.name()) {
                        self.end_line();
                    }
                    if el.name() == "pre" {
                        in_pre = in_pre.saturating_sub(1);
                    }
                }
                Event::Text(text) if in_pre > 0 => {
                    let mut parts = text.split('\n');
                    if let Some(first) = parts.next() {
                        self.line.push(first);
                    }
                    for part in parts {
                        self.end_line();
                        self.line.push(part);
                    }
                }
                Event::Text(text) => self.line.push(text),
            }
            at += 1;
        }
        self.end_line();
    }

    fn is_skipped(&self, el: &Element, at: usize) -> bool {
        let name = el.name();
        if is_never_text(name) {
            return true;
        }
        (is_chrome_tag(name) || has_chrome_name(el)) && !self.facts.content.contains(&at)
    }

    fn end_line(&mut self) {
        if let Some(line) = self.line.take() {
            if !is_boilerplate(&line) {
                self.blocks.push(prose_block(&line, 0));
            }
        }
    }

    /// Emits the data table at `open..close`: its caption as prose, then the grid (if any cell has text).
    fn read_table(&mut self, open: usize, close: usize) {
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        let mut at = open + 1;
        while at < close {
            let Some(event) = self.events.get(at) else {
                break;
            };
            if let Event::Open { el, close: end } = event {
                match el.name() {
                    "tr" => rows.push(Vec::new()),
                    "caption" => {
                        let text = element_text(self.events, at, *end);
                        self.line.push(&text);
                        self.end_line();
                        at = past(*end, at);
                        continue;
                    }
                    "td" | "th" => {
                        if rows.is_empty() {
                            rows.push(Vec::new());
                        }
                        let row = rows.len() - 1;
                        if let Some(cells) = rows.last_mut() {
                            let pos = Position { page: 0, line: 0, row, col: cells.len() };
                            let text = element_text(self.events, at, *end);
                            cells.push(Cell::new(text, pos).spanning(span(el, "rowspan"), span(el, "colspan")));
                        }
                        at = past(*end, at);
                        continue;
                    }
                    name if is_never_text(name) => {
                        at = past(*end, at);
                        continue;
                    }
                    _ => {}
                }
            }
            at += 1;
        }
        // A grid with no text at all is a spacer (images, borders), not a report table; an unfilled form still
        // has its labels.
        if !rows.iter().flatten().any(|cell| !cell.text.is_empty()) {
            return;
        }
        self.tables_seen += 1;
        let table = Table::new(TableShape::Grid, rows);
        // Spans are data from the page: a hundred cells spanning 65535 rows and 1000 columns each would lay out
        // billions of positions. Such a table is left out and reported, never built.
        let budget = MAX_TABLE_SLOTS.min(self.slots_left);
        match table.grid_area(budget) {
            Some(area) => {
                self.slots_left -= area;
                self.blocks.push(Block::Table(table));
            }
            None => {
                let limit = if budget < MAX_TABLE_SLOTS {
                    format!("the page's tables together would pass {MAX_DOCUMENT_SLOTS} grid positions")
                } else {
                    format!("its grid would have more than {MAX_TABLE_SLOTS} positions")
                };
                self.omitted.push(Omission { what: format!("table {}", self.tables_seen), reason: limit });
            }
        }
    }
}

/// The text of the element at `open..close`: `<br>` and block elements inside become `\n`, whitespace collapses
/// within each line, empty lines go.
fn element_text(events: &[Event<'_>], open: usize, close: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = LineBuilder::default();
    let mut at = open + 1;
    while at < close {
        let Some(event) = events.get(at) else { break };
        match event {
            Event::Open { el, close: end } if is_never_text(el.name()) => {
                at = past(*end, at);
                continue;
            }
            Event::Open { el, .. } | Event::Close { el } => {
                if el.name() == "br" || is_block(el.name()) {
                    lines.extend(line.take());
                }
            }
            Event::Text(text) => line.push(text),
        }
        at += 1;
    }
    lines.extend(line.take());
    lines.join("\n")
}

/// Largest spans HTML honours; browsers clamp larger values to these.
const MAX_COLSPAN: u32 = 1000;
const MAX_ROWSPAN: u32 = 65534;

/// Parses `rowspan`/`colspan` the way browsers do: leading digits count (`"2px"` is 2), anything else is 1.
fn span(el: &Element, attr: &str) -> u32 {
    let Some(value) = el.attr(attr) else { return 1 };
    let value = value.trim_start();
    let value = value.strip_prefix('+').unwrap_or(value);
    let digits: &str = value.find(|c: char| !c.is_ascii_digit()).map_or(value, |end| value.get(..end).unwrap_or(""));
    if digits.is_empty() {
        return 1;
    }
    let limit = if attr == "colspan" { MAX_COLSPAN } else { MAX_ROWSPAN };
    digits.parse::<u32>().unwrap_or(u32::MAX).clamp(1, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(html: &str) -> Document {
        read_html(html, "test.html")
    }

    fn tables(doc: &Document) -> Vec<&Table> {
        doc.tables().collect()
    }

    fn prose(doc: &Document) -> Vec<&str> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { text, .. } | Block::Paragraph { text, .. } => Some(text.as_str()),
                Block::Table(_) => None,
            })
            .collect()
    }

    fn headings(doc: &Document) -> Vec<&str> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    fn texts(table: &Table) -> Vec<Vec<&str>> {
        table.rows.iter().map(|r| r.iter().map(|c| c.text.as_str()).collect()).collect()
    }

    #[test]
    fn rowspan_and_colspan_are_kept_on_cells() {
        let doc = read(
            "<table><thead><tr><td rowspan=\"3\" colspan=\"3\">（本列数据的勾稽关系为：…）</td>\
             <td colspan=7>申请人情况</td></tr></thead>\
             <tbody><tr><td rowspan='2'>自然人</td><td colspan=5>法人或其他组织</td><td rowspan=2>总计</td></tr></tbody>\
             <tfoot><tr><td>商业企业</td></tr></tfoot></table>",
        );
        let tables = tables(&doc);
        assert_eq!(tables.len(), 1);
        let table = tables[0];
        assert_eq!(table.shape, TableShape::Grid);
        assert_eq!(table.rows.len(), 3);
        let note = &table.rows[0][0];
        assert_eq!((note.rowspan, note.colspan), (3, 3));
        assert_eq!((table.rows[0][1].rowspan, table.rows[0][1].colspan), (1, 7));
        assert_eq!((table.rows[1][1].rowspan, table.rows[1][1].colspan), (1, 5));
        assert_eq!(table.rows[1][2].pos, Position { page: 0, line: 0, row: 1, col: 2 });
        assert_eq!(table.rows[2][0].text, "商业企业");
        assert_eq!(table.grid()[0].len(), 10);
    }

    #[test]
    fn garbage_and_huge_spans_are_lenient() {
        let doc = read(
            "<table><tr><td rowspan=x colspan=''>a</td><td colspan=\" 2px\">b</td><td rowspan=0>c</td>\
             <td colspan=99999999999999>d</td></tr><tr><td>e</td></tr></table>",
        );
        let row = &tables(&doc)[0].rows[0];
        let spans: Vec<(u32, u32)> = row.iter().map(|c| (c.rowspan, c.colspan)).collect();
        assert_eq!(spans, vec![(1, 1), (1, 2), (1, 1), (1, MAX_COLSPAN)]);
    }

    #[test]
    fn br_inside_a_cell_becomes_a_line_break() {
        let doc = read(
            "<table><tr><td>本年新<br />制作数量</td><td><p>商业</p><p>企业</p></td><td>\n  规章\n  </td></tr>\
             <tr><td>1</td><td>2</td><td>3</td></tr></table>",
        );
        let table = tables(&doc)[0];
        assert_eq!(texts(table)[0], vec!["本年新\n制作数量", "商业\n企业", "规章"]);
    }

    #[test]
    fn nbsp_and_ideographic_space_cells_are_blank() {
        let doc = read(
            "<table><tr><td>&nbsp;</td><td>\u{3000}</td><td> &nbsp; 12&nbsp;</td><td></td></tr>\
             <tr><td>a</td><td>b</td><td>c</td><td>d</td></tr></table>",
        );
        assert_eq!(texts(tables(&doc)[0])[0], vec!["", "", "12", ""]);
    }

    #[test]
    fn nested_layout_table_is_unwrapped() {
        let doc = read(
            "<table width=100%><tr><td><div>一、总体情况</div><p>本机关认真落实条例。</p>\
             <table border=1><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>0</td></tr></table>\
             <p>二、主动公开政府信息情况</p></td></tr></table>",
        );
        let tables = tables(&doc);
        assert_eq!(tables.len(), 1);
        assert_eq!(texts(tables[0])[1], vec!["规章", "0"]);
        assert!(matches!(doc.blocks.first(), Some(Block::Heading { text, .. }) if text == "一、总体情况"));
        assert!(matches!(doc.blocks.get(1), Some(Block::Paragraph { text, .. }) if text == "本机关认真落实条例。"));
        assert!(matches!(doc.blocks.get(2), Some(Block::Table(_))));
        assert!(matches!(doc.blocks.get(3), Some(Block::Heading { text, .. }) if text == "二、主动公开政府信息情况"));
    }

    #[test]
    fn one_column_frame_table_is_prose() {
        let doc = read("<table><tr><td><h2>一、总体情况</h2><p>正文。</p></td></tr><tr><td>第二段。</td></tr></table>");
        assert_eq!(tables(&doc).len(), 0);
        assert_eq!(prose(&doc), vec!["一、总体情况", "正文。", "第二段。"]);
    }

    #[test]
    fn site_chrome_and_boilerplate_lines_are_dropped() {
        let doc = read(
            "<html><head><title>页面标题</title><style>p{}</style></head><body>\
             <div class=\"top-Nav\"><a>首页</a><a>政务公开</a></div>\
             <nav><a>走进本市</a></nav><div id=\"breadcrumb\">当前位置：首页 &gt; 年报</div>\
             <h1>某某局2022年政府信息公开工作年度报告</h1>\
             <p>本机关完成网站适老化和无障碍改造，方便群众查阅政府信息。</p>\
             <div>设为首页 | 加入收藏</div><div>主办單位：某某市人民政府辦公室</div>\
             <div>京ICP备12345678号-1 京公网安备 11010502030143号</div>\
             <footer><p>网站地图</p></footer><script>var x = '一、总体情况';</script>\
             <div class=\"footer\"><p>联系电话：12345</p></div></body></html>",
        );
        assert_eq!(
            prose(&doc),
            vec!["某某局2022年政府信息公开工作年度报告", "本机关完成网站适老化和无障碍改造，方便群众查阅政府信息。"]
        );
    }

    #[test]
    fn chrome_named_wrapper_that_holds_the_report_is_kept() {
        let rows = "<tr><td>a</td><td>1</td></tr>".repeat(5);
        let doc = read(&format!(
            "<form id=\"form1\"><div class=\"header\">某某网</div><p>一、总体情况</p><table>{rows}</table></form>"
        ));
        assert_eq!(tables(&doc).len(), 1);
        assert_eq!(prose(&doc), vec!["一、总体情况"]);
        let doc =
            read("<article><header><h1>某某局2023年政府信息公开工作年度报告</h1></header><p>正文。</p></article>");
        assert_eq!(prose(&doc), vec!["某某局2023年政府信息公开工作年度报告", "正文。"]);
    }

    #[test]
    fn headings_are_found_in_prose() {
        let doc = read(
            "<body><h3>一、总体情况</h3><p>（一）主动公开</p><p>我局坚持以公开为常态。</p>\
             <div><strong>二、</strong><span>主动公开政府信息情况</span></div>\
             <p>三、收到和处理政府信息公开申请情况<br>本年度共收到申请39件。</p></body>",
        );
        assert_eq!(
            headings(&doc),
            vec!["一、总体情况", "（一）主动公开", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]
        );
        assert!(prose(&doc).contains(&"本年度共收到申请39件。"));
    }

    #[test]
    fn traditional_boilerplate_is_dropped() {
        let doc = read("<p>網站地圖 | 聯繫我們</p><p>版權所有：某某市人民政府</p><p>一、總體情況</p>");
        assert_eq!(prose(&doc), vec!["一、總體情況"]);
    }

    #[test]
    fn tables_and_prose_keep_reading_order() {
        let doc = read(
            "<p>二、主动公开政府信息情况</p><table><caption>表一</caption><tr><td>x</td><td>1</td></tr></table>\
             <p>三、收到和处理政府信息公开申请情况</p><table><tr><td>y</td><td>2</td></tr></table>",
        );
        let kinds: Vec<&str> = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Heading { .. } => "h",
                Block::Paragraph { .. } => "p",
                Block::Table(_) => "t",
            })
            .collect();
        assert_eq!(kinds, vec!["h", "p", "t", "h", "t"]);
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for input in [
            "",
            "<",
            "<table>",
            "<table><td rowspan=4294967296 colspan=-1>x",
            "</td></tr></table><tr><td>orphan</td>",
            "<table><tr><td><table><tr><td></table></td>",
            "\u{feff}<p>\u{0}\u{fffd}</p>",
        ] {
            let _ = read(input);
        }
        let deep = "<div>".repeat(2_000) + "一、总体情况" + &"</div>".repeat(2_000);
        assert_eq!(prose(&read(&deep)), vec!["一、总体情况"]);
        let spacer = read("<table><tr><td><img src=a.gif></td><td>&nbsp;</td></tr><tr><td></td><td></td></tr></table>");
        assert!(spacer.blocks.is_empty());
        let nested = "<table><tr><td>".repeat(2_000) + "x";
        let _ = read(&nested);
    }

    #[test]
    fn a_table_too_large_to_lay_out_is_left_out_and_said() {
        let bomb = "<td rowspan=\"65535\" colspan=\"1000\">x</td>".repeat(100);
        let doc = read(&format!(
            "<table><tr><td>规章</td><td>1</td></tr></table><table><tr>{bomb}</tr></table><p>一、总体情况</p>"
        ));
        assert_eq!(tables(&doc).len(), 1, "the ordinary table is kept");
        assert_eq!(doc.omitted.len(), 1);
        assert_eq!(doc.omitted[0].what, "table 2");
        assert_eq!(prose(&doc), vec!["一、总体情况"]);
        // Many tables each within the limit, together past the document's.
        let row = "<td colspan=999>x</td><td>y</td>";
        let big = format!("<table>{}</table>", format!("<tr>{row}</tr>").repeat(200));
        let doc = read(&big.repeat(6));
        assert_eq!(tables(&doc).len(), 5);
        assert!(doc.omitted[0].reason.contains("together"), "{:?}", doc.omitted);
    }
}
