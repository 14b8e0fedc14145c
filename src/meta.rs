//! Report metadata from the document's text: what kind of document it is, the year reported on, the issuing
//! agency and the publication date. Everything is read from what the document prints; when it prints nothing
//! usable the answer is `None`, never a guess.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::doc::{Block, Cell, Document, TableShape};
use crate::normalize::{compact, to_mainland};
use crate::report::DocKind;
use crate::template::Common;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub kind: DocKind,
    pub year: Option<i32>,
    pub agency: Option<String>,
    pub published: Option<String>,
}

/// The document's lines in reading order, in simplified characters: prose blocks, and table rows with their
/// cells joined by ` | ` (titles and 来源 lines are often printed inside layout tables).
pub fn lines(doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    // A row is joined in this buffer, reused, and copied out at its length.
    let mut row_line = String::new();
    for block in &doc.blocks {
        match block {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } => out.push(to_mainland(text)),
            Block::Table(table) => match table.shape {
                TableShape::Grid => {
                    for row in &table.rows {
                        push_row(&mut out, &mut row_line, row.iter());
                    }
                }
                // A cell stream knows no rows; cells printed on one source line belong together.
                TableShape::CellStream => {
                    let mut cells = table.rows.iter().flatten().peekable();
                    while let Some(first) = cells.next() {
                        let line = first.pos.line;
                        let rest = std::iter::from_fn(|| cells.next_if(|c| c.pos.line == line));
                        push_row(&mut out, &mut row_line, std::iter::once(first).chain(rest));
                    }
                }
            },
        }
    }
    out
}

/// One table row as one line, its non-empty cells joined by ` | ` (in `line`, a buffer).
fn push_row<'a>(out: &mut Vec<String>, line: &mut String, cells: impl Iterator<Item = &'a Cell>) {
    line.clear();
    let mut any = false;
    for cell in cells.filter(|c| !c.text.is_empty()) {
        if any {
            line.push_str(" | ");
        }
        any = true;
        // ASCII text (numbers, mostly) has nothing to convert.
        if cell.text.is_ascii() {
            line.push_str(&cell.text);
        } else {
            line.push_str(&to_mainland(&cell.text));
        }
    }
    if any {
        out.push(line.as_str().to_owned());
    }
}

/// The metadata of a document; `form` gives the section headings an annual report prints.
pub fn extract(doc: &Document, form: &Common) -> Meta {
    let lines = lines(doc);
    let year = report_year(&lines);
    let agency = agency(&lines);
    let published = published(&lines);
    let kind = kind(&lines, form);
    Meta { kind, year, agency, published }
}

/// Compiles the patterns of [`extract`] now rather than on the first document (see [`crate::prepare`]).
pub fn prepare() {
    for pattern in [&TITLE, &PERIOD, &YEAR_MENTION, &SOURCE_LINE, &ORG_SUFFIX, &DATE_LINE] {
        LazyLock::force(pattern);
    }
    for pattern in [&GLUED_SIGNATURE, &BARE_SUFFIX, &PLACE_SUFFIX, &PUBLISHED, &NOT_AN_ANNUAL_REPORT] {
        LazyLock::force(pattern);
    }
    LazyLock::force(&OPENING);
}

static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<before>[^\s|，。；、“”]{0,40}?)(?P<year>(?:19|20)\d{2})\s*年度?(?P<after>[^\s|，。；]{0,30}?)政府信息公开(?:工作)?(?:年度)?(?:工作)?报告")
        .expect("valid")
});

static PERIOD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"统计期限自\s*((?:19|20)\d{2})\s*年").expect("valid"));

static YEAR_MENTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"((?:19|20)\d{2})\s*年").expect("valid"));

/// The captures of [`TITLE`] in `line`. The pattern needs its literal: a line without it is not searched, as
/// captures cost far more than a substring search.
fn title_captures(line: &str) -> Option<regex::Captures<'_>> {
    if !line.contains("政府信息公开") {
        return None;
    }
    TITLE.captures(line)
}

/// The year reported on: from the title, else the statistics period, else the year the text talks about most.
fn report_year(lines: &[String]) -> Option<i32> {
    if let Some(caps) = lines.iter().take(40).find_map(|l| title_captures(l)) {
        return caps["year"].parse().ok();
    }
    if let Some(caps) = lines.iter().find_map(|l| PERIOD.captures(l)) {
        return caps[1].parse().ok();
    }
    let mut counts: BTreeMap<i32, usize> = BTreeMap::new();
    for line in lines {
        for caps in YEAR_MENTION.captures_iter(line) {
            if let Ok(y) = caps[1].parse::<i32>() {
                if (2000..=2100).contains(&y) {
                    *counts.entry(y).or_default() += 1;
                }
            }
        }
    }
    // The most mentioned year; on a tie the earlier one (the report looks back on its year).
    counts.into_iter().max_by_key(|(y, n)| (*n, -y)).map(|(y, _)| y)
}

static SOURCE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:信息来源|来源|发布机构|发文机关|发布单位)\s*[:：]\s*(?:\|\s*)?(?P<name>[^|\s:：]{2,40})")
        .expect("valid")
});

static ORG_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:局|办公室|委员会|政府|厅|院|中心|办事处|管委会|委|办|署|部|所|馆|站|队|街道|镇|乡|公司)$")
        .expect("valid")
});

static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*((?:19|20)\d{2})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?\s*$").expect("valid")
});

/// The issuing body: from the title, else the opening sentence, else a 来源 line, else the signature (落款) above
/// or before the closing date. A name is never returned with the words before it (`现将…`, `根据…`, site chrome
/// such as `打印`), and a name a line break split is joined.
fn agency(lines: &[String]) -> Option<String> {
    title_agency(lines)
        .or_else(|| opening_agency(lines))
        .or_else(|| source_agency(lines))
        .or_else(|| signature_agency(lines))
        .or_else(|| name_above_title(lines))
}

/// Lines near the top that can hold the title or the opening sentence.
const HEAD_LINES: usize = 40;

fn title_agency(lines: &[String]) -> Option<String> {
    for (i, line) in lines.iter().enumerate().take(HEAD_LINES) {
        let Some(caps) = title_captures(line) else {
            continue;
        };
        let before = clean_name(&caps["before"]);
        // The title wrapped inside the name: `某某县人民政府` / `办公室2023年政府信息公开工作年度报告`.
        let previous = i.checked_sub(1).map(|p| lines[p].as_str());
        if let Some(joined) = previous.filter(|_| !before.is_empty()).and_then(|p| join_wrapped(p, &before)) {
            return Some(joined);
        }
        if plausible_agency(&before) {
            return Some(before);
        }
        let after = clean_name(&caps["after"]);
        if plausible_agency(&after) {
            return Some(after);
        }
    }
    None
}

/// A title that starts with its year (`2023年政府信息公开工作年度报告`) under a line holding only a name: the
/// name, when nothing else in the document names the agency (a site's own name is often printed above a title).
fn name_above_title(lines: &[String]) -> Option<String> {
    let i = lines
        .iter()
        .take(HEAD_LINES)
        .position(|l| title_captures(l).is_some_and(|c| clean_name(&c["before"]).is_empty()))?;
    join_wrapped(lines.get(i.checked_sub(1)?)?, "")
}

/// `previous` + `start` when `start` (a name's beginning on the title line, possibly empty) continues a name that
/// `previous` began: `start` is empty or only a suffix (`办公室`), or `previous` ends in a conjunction or a place.
fn join_wrapped(previous: &str, start: &str) -> Option<String> {
    let previous = previous.trim();
    let fragment = (2..=30).contains(&previous.chars().count())
        && previous.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || matches!(c, '（' | '）'))
        && clean_name(previous) == previous;
    if !fragment {
        return None;
    }
    let continues = start.is_empty()
        || BARE_SUFFIX.is_match(start)
        || previous.ends_with(['和', '及', '与'])
        || (PLACE_SUFFIX.is_match(previous) && !start.contains(['省', '市', '县', '区', '州', '旗', '镇', '乡']));
    let joined = format!("{previous}{start}");
    (continues && plausible_agency(&joined)).then_some(joined)
}

static OPENING: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // 本报告由某某局编制 / 由某某局根据《条例》编制
        r"由(?P<name>[^\s，,。；、“”《》()（）]{2,40}?)(?:根据|按照|依据|依照|(?:负责|组织)?(?:编制|编写|制作|起草))",
        // 现将某某局2023年政府信息公开工作情况报告如下
        r"现将(?P<name>[^\s，,。；、“”《》]{2,40}?)(?:19|20)\d{2}\s*年",
    ]
    .iter()
    .map(|p| Regex::new(p).expect("valid"))
    .collect()
});

/// The opening sentence: `本报告由某某局编制`, `现将某某局2023年…报告如下`.
fn opening_agency(lines: &[String]) -> Option<String> {
    lines.iter().take(HEAD_LINES).find_map(|line| {
        OPENING.iter().find_map(|re| {
            let name = clean_name(&re.captures(line)?["name"]);
            plausible_agency(&name).then_some(name)
        })
    })
}

fn source_agency(lines: &[String]) -> Option<String> {
    let caps = lines.iter().find_map(|l| SOURCE_LINE.captures(l))?;
    let name = clean_name(&caps["name"]);
    plausible_agency(&name).then_some(name)
}

static GLUED_SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[。；！!？?\s])(?P<name>[^\s。；，,、：:|]{2,40}?)\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日",
    )
    .expect("valid")
});

/// The signature: a short organisation name right above a date near the end (joined with the line above when a
/// line break split it), or, in text with no line structure, right before that date.
fn signature_agency(lines: &[String]) -> Option<String> {
    let tail = lines.len().saturating_sub(12);
    let tail_lines = &lines[tail..];
    let above_date = tail_lines.windows(2).enumerate().rev().find_map(|(i, pair)| {
        if !DATE_LINE.is_match(&pair[1]) {
            return None;
        }
        let name = clean_name(pair[0].trim());
        let split = name.starts_with(['和', '及', '与']) || BARE_SUFFIX.is_match(&name);
        if let Some(previous) = i.checked_sub(1).map(|p| tail_lines[p].trim()).filter(|_| split) {
            let joined = format!("{previous}{name}");
            if plausible_agency(&joined) && ORG_SUFFIX.is_match(&joined) {
                return Some(joined);
            }
        }
        (name.chars().count() <= 40 && ORG_SUFFIX.is_match(&name) && plausible_agency(&name)).then_some(name)
    });
    above_date.or_else(|| {
        let from = lines.len().saturating_sub(6);
        lines[from..].iter().rev().find_map(|line| {
            GLUED_SIGNATURE
                .captures_iter(line)
                .filter_map(|c| Some(clean_name(c.name("name")?.as_str())))
                .filter(|name| ORG_SUFFIX.is_match(name) && plausible_agency(name))
                .last()
        })
    })
}

/// Words that are never part of a name but often printed right before one: site chrome (`打印`, `首页`), field
/// labels, and the lead-in of the opening sentence (`现将`, `根据`). A name starts after the last of them.
const NOT_NAME_WORDS: &[&str] = &[
    "当前位置",
    "所在位置",
    "您的位置",
    "首页",
    "主页",
    "微信",
    "微博",
    "打印",
    "分享",
    "收藏",
    "关闭",
    "字号",
    "字体",
    "默认",
    "繁体",
    "简体",
    "无障碍",
    "扫一扫",
    "手机版",
    "浏览次数",
    "访问量",
    "发布时间",
    "发布日期",
    "索引号",
    "现将",
    "根据",
    "按照",
    "依据",
    "依照",
    "兹将",
    "特将",
    "现就",
    "今将",
    "公布",
    "印发",
    "转发",
    "年报",
    // The last item of a breadcrumb (`信息公开>年度报告`) glued to the title.
    "年度报告",
];

/// Characters after which a name starts: breadcrumbs and field separators.
const NAME_SEPARATORS: &[char] = &['>', '＞', '»', '›', ':', '：', '|', '》', '】', ']', '/', '\\', '·'];

/// A candidate name without the words and separators printed before it, and without surrounding punctuation.
fn clean_name(raw: &str) -> String {
    let mut name = raw.trim();
    if let Some(i) = name.rfind(NAME_SEPARATORS) {
        let sep = name[i..].chars().next().map_or(1, char::len_utf8);
        name = &name[i + sep..];
    }
    let compact = to_mainland(name);
    if let Some(end) = NOT_NAME_WORDS.iter().filter_map(|w| compact.rfind(w).map(|i| i + w.len())).max() {
        // `to_mainland` keeps the length of these words, so the byte offset is the same in `name`.
        name = name.get(end..).unwrap_or(name);
    }
    name.trim_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation() || matches!(c, '《' | '“' | '”' | '【'))
        .to_string()
}

/// A name made of nothing but the words names end with (`办公室`, `人民政府办公室`): the rest of it is elsewhere.
static BARE_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:人民|政府|办公室|局|委员会|厅|院|中心|办事处|管委会|委|办|署|部|所|馆|站|队|街道|公司)+$")
        .expect("valid")
});

/// A place that issues its own report (`常熟市`, `某某县`).
static PLACE_SUFFIX: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:省|市|县|区|州|盟|旗|镇|乡)$").expect("valid"));

/// An organisation or place name: Han characters, no digits, ending like a body or a place (`现就做好` in
/// "现就做好2023年度…年度报告编制工作" is not one), not a bare suffix, not a collective (`各部门`).
fn plausible_agency(name: &str) -> bool {
    let n = name.chars().count();
    (2..=40).contains(&n)
        && name.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        && !name.chars().any(|c| c.is_ascii_digit())
        && !name.contains("关于")
        && !BARE_SUFFIX.is_match(name)
        && !is_self_reference(name)
        && (ORG_SUFFIX.is_match(name) || PLACE_SUFFIX.is_match(name))
}

/// `本局`, `我办`, `各部门`, `全市各单位`: a body speaking of itself or of others collectively, not a name.
fn is_self_reference(name: &str) -> bool {
    let rest = name.trim_start_matches(['本', '我', '该', '全', '各']);
    rest.len() < name.len()
        && (BARE_SUFFIX.is_match(rest)
            || rest.contains("部门")
            || rest.contains("单位")
            || rest.contains("机关")
            || name.starts_with('各'))
}

static PUBLISHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:发布日期|发布时间|成文日期|公开日期|日期)\s*[:：]\s*(?:\|\s*)?((?:19|20)\d{2})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})")
        .expect("valid")
});

/// Publication date as ISO text: a labelled date, else the date line closing the document.
fn published(lines: &[String]) -> Option<String> {
    let iso = |y: &str, m: &str, d: &str| -> Option<String> {
        let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
        ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y}-{m:02}-{d:02}"))
    };
    if let Some(c) = lines.iter().find_map(|l| PUBLISHED.captures(l)) {
        return iso(&c[1], &c[2], &c[3]);
    }
    let tail = lines.len().saturating_sub(8);
    lines[tail..].iter().rev().find_map(|l| DATE_LINE.captures(l)).and_then(|c| iso(&c[1], &c[2], &c[3]))
}

/// Title words of documents *about* annual reports (notices on compiling them, the format itself, bulletins on
/// their publication, interpretations) and of reports that are not annual (quarterly, half-year).
static NOT_AN_ANNUAL_REPORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"关于做好|关于开展|编制|报送|格式|发布情况|通报|评估|检查|解读|图解|培训|考核|季度|半年|月度|月份")
        .expect("valid")
});

/// The document's title: the first short line near the top that names a report, notice or bulletin (a sentence
/// citing a notice, with its commas and full stop, is not a title). Compact form.
fn title_line(lines: &[String]) -> Option<String> {
    lines.iter().take(8).map(|l| compact(l)).find(|l| {
        l.chars().count() <= 80
            && !l.contains(['。', ','])
            && (l.contains("报告") || l.contains("通知") || l.contains("通报"))
    })
}

/// Characters after a title found inside a long line that still belong to it (`…年度报告发布情况的通报`).
const TITLE_TAIL_CHARS: usize = 12;

/// The title of a document with no line structure: the title pattern found inside a long line, without the
/// chrome printed before it, with the few characters after it. Compact form.
fn embedded_title(lines: &[String]) -> Option<String> {
    lines.iter().take(HEAD_LINES).find_map(|line| {
        let caps = title_captures(line)?;
        let whole = caps.get(0)?;
        let year = caps.name("year")?;
        let tail: String = line.get(whole.end()..).unwrap_or("").chars().take(TITLE_TAIL_CHARS).collect();
        let title = format!("{}{}{}", clean_name(&caps["before"]), line.get(year.start()..whole.end())?, tail);
        Some(compact(&title))
    })
}

/// An annual report names itself in its title, or carries the section headings of the form (`form`'s phrases,
/// of the national forms and the old outline); a notice or bulletin *about* annual reports, or a quarterly
/// report, is not one even when it lists the headings.
fn kind(lines: &[String], form: &Common) -> DocKind {
    let title = title_line(lines).or_else(|| embedded_title(lines));
    if title.as_deref().is_some_and(|t| NOT_AN_ANNUAL_REPORT.is_match(t)) {
        return DocKind::Other;
    }
    let names_itself = |text: &str| {
        (text.contains("政府信息公开") || text.contains("政务公开"))
            && text.contains("年度报告")
            && !text.contains("关于做好")
            && !text.contains("通知")
    };
    // The title first: it is short, while the head can be a whole page that is costly to compact.
    let head = || lines.iter().take(6).map(String::as_str).collect::<Vec<_>>().join("\n");
    if title.as_deref().is_some_and(names_itself) || names_itself(&compact(&head())) {
        return DocKind::AnnualReport;
    }
    let heading_lines = lines
        .iter()
        .filter(|l| l.chars().count() <= 60 || crate::read::is_section_heading(l))
        .filter(|l| {
            let line = compact(l);
            form.phrases().iter().any(|p| line.contains(p.as_str()))
        })
        .count();
    // Headings printed inside long lines (a page with no line structure) count too.
    let inline_headings = crate::prose::sections::headings(&lines.join("\n"), form).len();
    if heading_lines.max(inline_headings) >= 3 {
        DocKind::AnnualReport
    } else {
        DocKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> &'static Common {
        crate::template::Catalog::embedded().sections()
    }

    fn ls(text: &str) -> Vec<String> {
        text.lines().map(String::from).collect()
    }

    #[test]
    fn title_gives_year_and_agency() {
        let l = ls("常州市政務服務管理辦公室2023年政府信息公開工作年度報告 |\n正文");
        let l: Vec<String> = l.iter().map(|s| to_mainland(s)).collect();
        assert_eq!(report_year(&l), Some(2023));
        assert_eq!(agency(&l).as_deref(), Some("常州市政务服务管理办公室"));
        let l = ls("2022年度常州市民政局政府信息公开工作年度报告");
        assert_eq!(agency(&l).as_deref(), Some("常州市民政局"));
    }

    #[test]
    fn year_falls_back_to_the_most_mentioned() {
        let l = ls("2020年，我局……\n2020年12月31日\n2021年，我局将……\n2020年全市");
        assert_eq!(report_year(&l), Some(2020));
    }

    #[test]
    fn source_line_and_signature() {
        let l = ls("来源: | 鄂州市行政审批局 | 发布日期: | 2021年01月24日\n正文");
        assert_eq!(agency(&l).as_deref(), Some("鄂州市行政审批局"));
        assert_eq!(published(&l).as_deref(), Some("2021-01-24"));
        let l = ls("正文。\n某某县人民政府办公室\n2024年1月20日");
        assert_eq!(agency(&l).as_deref(), Some("某某县人民政府办公室"));
        assert_eq!(published(&l).as_deref(), Some("2024-01-20"));
        assert_eq!(agency(&ls("正文。\n一、总体情况")), None);
        let notice = ls("关于做好2023年度政府信息公开工作年度报告编制发布工作的通知\n现就做好2023年度政府信息公开工作年度报告编制工作通知如下。\n某区人民政府办公室\n2024年1月5日");
        assert_eq!(agency(&notice).as_deref(), Some("某区人民政府办公室"));
    }

    #[test]
    fn agency_comes_without_the_words_printed_before_it() {
        let l = ls("当前位置：首页>政务公开>政府信息公开年报微信微博打印某县司法局2021年政府信息公开工作年度报告发布时间：2022-01-20来源：某县司法局");
        assert_eq!(agency(&l).as_deref(), Some("某县司法局"));
        let l = ls("根据《条例》规定，现将某某市审计局2022年政府信息公开工作年度报告公布如下。");
        assert_eq!(agency(&l).as_deref(), Some("某某市审计局"));
        let l = ls(
            "2022年政府信息公开工作年度报告\n本报告由某某县人民政府办公室根据《中华人民共和国政府信息公开条例》编制。",
        );
        assert_eq!(agency(&l).as_deref(), Some("某某县人民政府办公室"));
        let l =
            ls("2022年政府信息公开工作年度报告\n根据要求，现将某某区卫生健康局2022年政府信息公开工作情况报告如下。");
        assert_eq!(agency(&l).as_deref(), Some("某某区卫生健康局"));
        let l =
            ls("您现在的位置：首页>信息公开>法定主动公开内容>年度报告沅北县交通运输局2022年政府信息公开工作年度报告");
        assert_eq!(agency(&l).as_deref(), Some("沅北县交通运输局"));
    }

    #[test]
    fn a_name_split_by_a_line_break_is_joined() {
        for (text, name) in [
            ("某某市某某区人民政府\n办公室2023年政府信息公开工作年度报告", "某某市某某区人民政府办公室"),
            ("某某市自然资源和\n规划局2023年政府信息公开工作年度报告", "某某市自然资源和规划局"),
            ("某某县人民政府办公室\n2023年政府信息公开工作年度报告\n正文。", "某某县人民政府办公室"),
            ("政务公开\n某某市民政局2023年政府信息公开工作年度报告", "某某市民政局"),
            ("正文。\n某某县\n人民政府办公室\n2024年1月20日", "某某县人民政府办公室"),
        ] {
            assert_eq!(agency(&ls(text)).as_deref(), Some(name), "{text}");
        }
    }

    #[test]
    fn a_signature_glued_to_the_text_before_it() {
        let l =
            ls("一、总体情况\n正文。\n六、其他需要报告的事项本年度未收取信息处理费。某县司法局2022年1月20日附件：无");
        assert_eq!(agency(&l).as_deref(), Some("某县司法局"));
    }

    #[test]
    fn agency_is_null_when_the_document_does_not_name_it() {
        let l = ls("2023年政府信息公开工作年度报告\n2023年，我局认真贯彻落实条例。\n本局将继续努力。\n2024年1月5日");
        assert_eq!(agency(&l), None);
        assert_eq!(agency(&ls("本报告由各部门编制。\n我局2023年政府信息公开工作年度报告")), None);
    }

    #[test]
    fn kind_needs_a_title_or_the_sections() {
        let report = ls("一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况");
        assert_eq!(kind(&report, form()), DocKind::AnnualReport);
        let bulletin = ls("市各有关部门：\n一、政务服务体系建设情况\n二、事项梳理情况");
        assert_eq!(kind(&bulletin, form()), DocKind::Other);
    }

    #[test]
    fn kind_and_year_of_a_page_with_no_line_structure() {
        let page = "首页 > 通知公告 > 政府信息公开年报 某县民政局2022年政府信息公开工作年度报告 发布时间：2023-01-15 一、总体情况 2022年，本局认真落实条例。二、主动公开政府信息情况 本年度主动公开信息120条。三、收到和处理政府信息公开申请情况 本年度收到申请3件。四、政府信息公开行政复议、行政诉讼情况 无。";
        assert_eq!(kind(&ls(page), form()), DocKind::AnnualReport);
        assert_eq!(report_year(&ls(page)), Some(2022));
        assert_eq!(agency(&ls(page)).as_deref(), Some("某县民政局"));
        let notice = "首页 > 通知公告 关于做好2023年度政府信息公开工作年度报告编制发布工作的通知 各单位：现将有关事项通知如下。一、总体情况 二、主动公开政府信息情况 三、收到和处理政府信息公开申请情况";
        assert_eq!(kind(&ls(notice), form()), DocKind::Other);
    }

    #[test]
    fn notices_about_reports_and_quarterly_reports_are_other() {
        let headings = "\n一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况";
        for title in [
            "关于做好2023年度政府信息公开工作年度报告编制发布工作的通知",
            "中华人民共和国政府信息公开工作年度报告格式",
            "关于2022年度政府信息公开工作年度报告发布情况的通报",
            "图解：某某区2023年政府信息公开工作年度报告",
            "某某区2023年第三季度政府信息公开工作报告",
        ] {
            assert_eq!(kind(&ls(&format!("{title}\n各区政府：{headings}")), form()), DocKind::Other, "{title}");
        }
    }

    #[test]
    fn a_report_citing_the_format_notice_is_still_a_report() {
        let report = ls("某某区2023年政府信息公开工作年度报告\n根据《条例》和《关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求，编制本报告。\n一、总体情况");
        assert_eq!(kind(&report, form()), DocKind::AnnualReport);
        let published = ls("关于公布《某某区2023年政府信息公开工作年度报告》的通知\n一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况");
        assert_eq!(kind(&published, form()), DocKind::AnnualReport);
    }
}
