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
    for block in &doc.blocks {
        match block {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } => out.push(to_mainland(text)),
            Block::Table(table) => match table.shape {
                TableShape::Grid => {
                    for row in &table.rows {
                        push_row(&mut out, row.iter());
                    }
                }
                // A cell stream knows no rows; cells printed on one source line belong together.
                TableShape::CellStream => {
                    let mut cells = table.rows.iter().flatten().peekable();
                    while let Some(first) = cells.next() {
                        let line = first.pos.line;
                        let mut row = vec![first];
                        while let Some(next) = cells.next_if(|c| c.pos.line == line) {
                            row.push(next);
                        }
                        push_row(&mut out, row.into_iter());
                    }
                }
            },
        }
    }
    out
}

/// One table row as one line, its non-empty cells joined by ` | `.
fn push_row<'a>(out: &mut Vec<String>, cells: impl Iterator<Item = &'a Cell>) {
    let texts: Vec<String> = cells.filter(|c| !c.text.is_empty()).map(|c| to_mainland(&c.text)).collect();
    if !texts.is_empty() {
        out.push(texts.join(" | "));
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

static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<before>[^\s|，。；、“”]{0,40}?)(?P<year>(?:19|20)\d{2})\s*年度?(?P<after>[^\s|，。；]{0,30}?)政府信息公开(?:工作)?(?:年度)?(?:工作)?报告")
        .expect("valid")
});

static PERIOD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"统计期限自\s*((?:19|20)\d{2})\s*年").expect("valid"));

static YEAR_MENTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"((?:19|20)\d{2})\s*年").expect("valid"));

/// The year reported on: from the title, else the statistics period, else the year the text talks about most.
fn report_year(lines: &[String]) -> Option<i32> {
    if let Some(caps) = lines.iter().take(40).find_map(|l| TITLE.captures(l)) {
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

/// The issuing body: from the title, else a 来源 line, else the signature above the closing date.
fn agency(lines: &[String]) -> Option<String> {
    for line in lines.iter().take(40) {
        if let Some(caps) = TITLE.captures(line) {
            let before = caps["before"].trim_matches(|c: char| c.is_ascii_punctuation() || c == '《');
            let after = &caps["after"];
            let name = if plausible_agency(before) { before } else { after };
            if plausible_agency(name) {
                return Some(name.to_string());
            }
        }
    }
    if let Some(caps) = lines.iter().find_map(|l| SOURCE_LINE.captures(l)) {
        let name = &caps["name"];
        if plausible_agency(name) {
            return Some(name.to_string());
        }
    }
    // A signature: a short organisation name right above a date, near the end.
    let tail = lines.len().saturating_sub(12);
    let tail_lines = &lines[tail..];
    tail_lines.windows(2).enumerate().rev().find_map(|(i, pair)| {
        let mut name = pair[0].trim().to_string();
        // A long name wrapped over two lines: the second half starts with a conjunction.
        if name.starts_with(['和', '及', '与']) && i > 0 {
            name = format!("{}{}", tail_lines[i - 1].trim(), name);
        }
        (DATE_LINE.is_match(&pair[1]) && name.chars().count() <= 40 && ORG_SUFFIX.is_match(&name)).then_some(name)
    })
}

/// A place that issues its own report (`常熟市`, `某某县`).
static PLACE_SUFFIX: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:省|市|县|区|州|盟|旗|镇|乡)$").expect("valid"));

/// An organisation or place name: Han characters, no digits, ending like a body or a place (`现就做好` in
/// "现就做好2023年度…年度报告编制工作" is not one).
fn plausible_agency(name: &str) -> bool {
    let n = name.chars().count();
    (2..=40).contains(&n)
        && name.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        && !name.chars().any(|c| c.is_ascii_digit())
        && !name.contains("关于")
        && (ORG_SUFFIX.is_match(name) || PLACE_SUFFIX.is_match(name))
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

/// An annual report names itself in its title, or carries the section headings of the form (`form`'s phrases,
/// of the national forms and the old outline); a notice or bulletin *about* annual reports, or a quarterly
/// report, is not one even when it lists the headings.
fn kind(lines: &[String], form: &Common) -> DocKind {
    let title = title_line(lines);
    if title.as_deref().is_some_and(|t| NOT_AN_ANNUAL_REPORT.is_match(t)) {
        return DocKind::Other;
    }
    let names_itself = |text: &str| {
        (text.contains("政府信息公开") || text.contains("政务公开"))
            && text.contains("年度报告")
            && !text.contains("关于做好")
            && !text.contains("通知")
    };
    let head: String = lines.iter().take(6).map(String::as_str).collect::<Vec<_>>().join("\n");
    if names_itself(&compact(&head)) || title.as_deref().is_some_and(names_itself) {
        return DocKind::AnnualReport;
    }
    let headings = lines
        .iter()
        .filter(|l| l.chars().count() <= 60 || crate::read::is_section_heading(l))
        .filter(|l| {
            let line = compact(l);
            form.phrases().iter().any(|p| line.contains(p.as_str()))
        })
        .count();
    if headings >= 3 {
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
    fn kind_needs_a_title_or_the_sections() {
        let report = ls("一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况");
        assert_eq!(kind(&report, form()), DocKind::AnnualReport);
        let bulletin = ls("市各有关部门：\n一、政务服务体系建设情况\n二、事项梳理情况");
        assert_eq!(kind(&bulletin, form()), DocKind::Other);
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
