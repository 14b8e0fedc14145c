//! Sections: the report's numbered parts (`一、总体情况` … `六、其他需要报告的事项`), found by meaning.
//!
//! A heading is a section number (`三、`, `三.`, or at the start of a line `3、`/`3.`) followed by a short title
//! whose words say which part it is. Headings are recognised at the start of a prose line and also inside a
//! paragraph after a space or a sentence end, because flattened pages print several headings in one line. The
//! title is matched on folded text (simplified, NFKC), so traditional, re-worded and typo'd headings map to the
//! same key; the output keeps the printed heading.
//!
//! The keys (`s1` … `s6`, and `fees` of the old outline), the official headings and the title words of each
//! section are data: `templates/common.toml`.
//!
//! Sub-headings (`（一）基本情况`) stay inside their section's text, as printed. This module does not decide
//! whether a missing section matters; [`super::apply`] does.

use std::sync::LazyLock;

use regex::Regex;

use super::text::{byte_offsets, char_offset, fold, FoldedProse};
use crate::report::Section;
use crate::template::Common;

/// A Chinese section number at the start of a line or after a space or a sentence end.
static HAN_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s。;!?])(?P<n>[一二三四五六七八九十]{1,3})\s*[、.]").expect("valid"));

/// An Arabic section number at the start of a line (`1、 总体情况`).
static ARABIC_NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*(?P<n>\d{1,2})\s*[、.]").expect("valid"));

/// What ends a section number of either kind.
const NUMBER_ENDS: [char; 2] = ['、', '.'];

/// The digits of a Chinese number.
const HAN_DIGITS: [char; 10] = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/// Whether a sub-heading number starts `chars` (`(一)` … `(十二)`), as one right after a title
/// (`一、总体情况（一）基本情况`) ends the title.
fn starts_with_sub_number(chars: &[char]) -> bool {
    let ['(', rest @ ..] = chars else {
        return false;
    };
    let digits = rest.iter().take(3).take_while(|c| HAN_DIGITS.contains(c)).count();
    digits > 0 && rest.get(digits) == Some(&')')
}

/// A line of the web page's footer printed after the report (`网站标识码`, `ICP备`, `主办单位` …): the last
/// section ends before it.
static SITE_FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"网站标识码|ICP\s*备|公网安备|主办单位\s*[:：]|承办单位\s*[:：]|版权所有|技术支持\s*[:：]|网站地图")
        .expect("valid")
});

/// Longest title, in characters, that is still a heading and not a sentence.
const MAX_TITLE: usize = 40;

/// A recognised heading: where it is and which section it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub key: String,
    /// The heading as printed (number and title).
    pub text: String,
    /// Character offsets of the heading in the prose text.
    pub start: usize,
    pub end: usize,
    number: u32,
    arabic: bool,
}

/// The sections of the prose, in order, and the spans of their headings; `folded` is the prose folded, and `form`
/// says which titles open which section.
pub fn find(prose: &str, folded: &FoldedProse, form: &Common) -> (Vec<Section>, Vec<(usize, usize)>) {
    let headings = headings_in(prose, folded, form);
    let bytes = byte_offsets(prose, headings.iter().flat_map(|h| [h.start, h.end]));
    let byte = |chars: usize| bytes.get(chars);
    let mut sections = Vec::with_capacity(headings.len());
    for (i, h) in headings.iter().enumerate() {
        let rest = byte(h.end).and_then(|from| prose.get(from..)).unwrap_or_default();
        let body = match headings.get(i + 1) {
            Some(next) if next.start >= h.end => {
                let length = byte(next.start).zip(byte(h.end)).map_or(0, |(to, from)| to - from);
                rest.get(..length).unwrap_or_default()
            }
            Some(_) => "",
            None => rest.get(..footer_start(rest).unwrap_or(rest.len())).unwrap_or_default(),
        };
        sections.push(Section {
            key: h.key.clone(),
            heading: h.text.clone(),
            text: body.trim().to_string(),
            start: h.start,
        });
    }
    let spans = headings.iter().map(|h| (h.start, h.end)).collect();
    (sections, spans)
}

/// Where the site footer starts in `text` (a byte offset): the start of its first line that has a footer cue.
fn footer_start(text: &str) -> Option<usize> {
    let mut line_start = 0;
    for line in text.split('\n') {
        if SITE_FOOTER.is_match(line) {
            return Some(line_start);
        }
        line_start += line.len() + 1;
    }
    None
}

/// The accepted section headings, in document order.
pub fn headings(prose: &str, form: &Common) -> Vec<Heading> {
    headings_in(prose, &FoldedProse::new(prose), form)
}

/// [`headings`] of the prose folded as `folded`.
fn headings_in(prose: &str, folded: &FoldedProse, form: &Common) -> Vec<Heading> {
    let candidates = candidates(prose, folded, form);
    let han: Vec<Heading> = candidates.iter().filter(|c| !c.arabic).cloned().collect();
    let accepted = accept(han);
    if accepted.len() >= 2 {
        return accepted;
    }
    accept(candidates)
}

/// Keeps headings whose numbers increase and whose sections have not been seen yet.
fn accept(candidates: Vec<Heading>) -> Vec<Heading> {
    let mut out: Vec<Heading> = Vec::new();
    for c in candidates {
        let later = out.last().is_none_or(|last| c.number > last.number);
        if later && !out.iter().any(|h| h.key == c.key) {
            out.push(c);
        }
    }
    out
}

/// Every numbered title that names a section, wherever it is printed.
fn candidates(prose: &str, folded: &FoldedProse, form: &Common) -> Vec<Heading> {
    let mut out = Vec::new();
    let mut line_start = 0usize;
    for (line, folded) in prose.split('\n').zip(folded.lines()) {
        // Both kinds of number end in `、` or `.`: a line without either has none.
        if !folded.contains(NUMBER_ENDS) {
            line_start += line.chars().count() + 1;
            continue;
        }
        let mut numbers: Vec<(usize, usize, u32, bool)> = Vec::new();
        for caps in HAN_NUMBER.captures_iter(folded) {
            if let (Some(n), Some(whole)) = (caps.name("n"), caps.get(0)) {
                if let Some(value) = han_number(n.as_str()) {
                    numbers.push((char_offset(folded, n.start()), char_offset(folded, whole.end()), value, false));
                }
            }
        }
        if let Some(caps) = ARABIC_NUMBER.captures(folded) {
            if let (Some(n), Some(whole)) = (caps.name("n"), caps.get(0)) {
                let next = folded.get(whole.end()..).and_then(|s| s.chars().next());
                if let (Ok(value), false) = (n.as_str().parse::<u32>(), next.is_some_and(|c| c.is_ascii_digit())) {
                    numbers.push((char_offset(folded, n.start()), char_offset(folded, whole.end()), value, true));
                }
            }
        }
        // Most lines hold no number: only those that do are taken apart into characters.
        if numbers.is_empty() {
            line_start += line.chars().count() + 1;
            continue;
        }
        let original: Vec<char> = line.chars().collect();
        let folded_chars: Vec<char> = folded.chars().collect();
        for (start, after_number, number, arabic) in numbers {
            if let Some((key, title_end)) = title(&folded_chars, after_number, form) {
                let text: String = original.get(start..title_end).map(|s| s.iter().collect()).unwrap_or_default();
                out.push(Heading {
                    key: key.to_string(),
                    text: text.trim().to_string(),
                    start: line_start + start,
                    end: line_start + title_end,
                    number,
                    arabic,
                });
            }
        }
        line_start += original.len() + 1;
    }
    out.sort_by_key(|h| h.start);
    out
}

/// The section key of the title starting at `from` (after the number), and where the title ends.
fn title<'f>(chars: &[char], from: usize, form: &'f Common) -> Option<(&'f str, usize)> {
    let begin = from + chars.get(from..)?.iter().take_while(|c| c.is_whitespace()).count();
    let mut end = begin;
    while let Some(&c) = chars.get(end) {
        let ends = c.is_whitespace()
            || matches!(c, '。' | ',' | ';' | ':' | '!' | '?' | '|' | '，' | '；' | '：')
            || (c.is_ascii_digit() && end > begin + 1)
            || starts_with_sub_number(chars.get(end..)?);
        if ends {
            break;
        }
        end += 1;
        if end - begin > MAX_TITLE {
            return None;
        }
    }
    if end == begin {
        return None;
    }
    let end = glued_title_end(chars, begin, end);
    let title: String = chars.get(begin..end)?.iter().collect();
    let key = form.section_of_title(&title)?;
    Some((key, end))
}

/// Words that end a section title (`…情况`, `…事项`, `…措施`).
const TITLE_ENDS: [[char; 2]; 3] = [['情', '况'], ['事', '项'], ['措', '施']];

/// Where a title glued to the text after it ends (`五、存在的主要问题及改进情况一是…`): after its first closing
/// word, unless a bracketed note follows (`二、主动公开政府信息情况(数据填报)` keeps its note).
fn glued_title_end(chars: &[char], begin: usize, end: usize) -> usize {
    let Some(title) = chars.get(begin..end) else {
        return end;
    };
    title
        .windows(2)
        .position(|w| TITLE_ENDS.iter().any(|e| w == e))
        .map(|i| begin + i + 2)
        .filter(|&cut| cut < end && chars.get(cut).is_some_and(|c| !matches!(c, '(' | '[' | '【' | '（')))
        .unwrap_or(end)
}

/// The number of characters of a section heading at the start of `text` when nothing separates it from what
/// follows, as in a page flattened to one line (`二、主动公开政府信息情况第二十条第（一）项…`): a Chinese section
/// number, and a title that ends at its first closing word (`情况`, `事项`, `措施`) and names the section that
/// number opens in the 2019 and 2021 forms. `三、本年度办理结果…` or `一、本年新收…` are not headings.
pub fn glued_heading_len(text: &str, form: &Common) -> Option<usize> {
    let head: String = text.chars().take(MAX_TITLE + 6).collect();
    let folded: Vec<char> = fold(&head).chars().collect();
    let digits = folded.iter().take_while(|c| "一二三四五六七八九十".contains(**c)).count();
    let number = han_number(&folded.get(..digits)?.iter().collect::<String>())?;
    if folded.get(digits) != Some(&'、') {
        return None;
    }
    let begin = digits + 1;
    let close = folded.get(begin..)?.windows(2).position(|w| TITLE_ENDS.iter().any(|e| w == e))?;
    let end = begin + close + 2;
    let title: String = folded.get(begin..end)?.iter().collect();
    // A title holds no figures and no other numbered label (`四、结转下年度继续办理0000000四、…情况`).
    let chars: Vec<char> = title.chars().collect();
    let another_number = chars.windows(2).any(|w| "一二三四五六七八九十".contains(w[0]) && w[1] == '、');
    if another_number || chars.iter().any(|c| c.is_ascii_digit() || matches!(c, '(' | ')')) {
        return None;
    }
    let (expected, _) = form.required().nth(usize::try_from(number).ok()?.checked_sub(1)?)?;
    (form.section_of_title(&title)? == expected).then_some(end)
}

/// `一` → 1 … `十二` → 12.
fn han_number(text: &str) -> Option<u32> {
    let digit = |c: char| "一二三四五六七八九".chars().position(|d| d == c).map(|i| i as u32 + 1);
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> &'static Common {
        crate::template::Catalog::embedded().sections()
    }

    fn find(prose: &str) -> (Vec<Section>, Vec<(usize, usize)>) {
        super::find(prose, &FoldedProse::new(prose), form())
    }

    fn keys_and_headings(prose: &str) -> Vec<(String, String)> {
        find(prose).0.into_iter().map(|s| (s.key, s.heading)).collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, h)| (k.to_string(), h.to_string())).collect()
    }

    #[test]
    fn official_headings() {
        let required: Vec<(&str, &str)> = form().required().collect();
        let prose = required.iter().map(|(_, h)| format!("{h}\n正文。\n")).collect::<String>();
        assert_eq!(keys_and_headings(&prose), pairs(&required));
        assert_eq!(required.len(), 6);
    }

    #[test]
    fn headings_inside_a_paragraph_and_traditional() {
        let prose = "一、總體情況 (一)聚焦主責主業,加大主動公開力度 一是改革。\n二、主動公開政府信息情況\n\
                     五、存在的主要問題及改進情況 1. 進一步提升。 2. 進一步推動。 六、其他需要報告的事項 一是提升。";
        let (sections, spans) = find(prose);
        let got: Vec<(String, String)> = sections.iter().map(|s| (s.key.clone(), s.heading.clone())).collect();
        assert_eq!(
            got,
            pairs(&[
                ("s1", "一、總體情況"),
                ("s2", "二、主動公開政府信息情況"),
                ("s5", "五、存在的主要問題及改進情況"),
                ("s6", "六、其他需要報告的事項")
            ])
        );
        assert_eq!(sections[0].text, "(一)聚焦主責主業,加大主動公開力度 一是改革。");
        assert_eq!(sections[2].text, "1. 進一步提升。 2. 進一步推動。");
        assert_eq!(sections[3].text, "一是提升。");
        let s6 = spans[3];
        assert_eq!(super::super::text::char_slice(prose, s6.0, s6.1), "六、其他需要報告的事項");
        assert_eq!(sections[3].start, s6.0);
    }

    #[test]
    fn reworded_typo_and_arabic_headings() {
        let prose = "1、 总体情况\n正文\n2、主动公开政府政府情况\n3、收到和处理政府信息公开申请情况\n\
                     4、政府信息公开政复议、行政诉讼情况\n5、存在的主要问题和改进措施\n6、其他需要汇报事项\n";
        assert_eq!(
            keys_and_headings(prose),
            pairs(&[
                ("s1", "1、 总体情况"),
                ("s2", "2、主动公开政府政府情况"),
                ("s3", "3、收到和处理政府信息公开申请情况"),
                ("s4", "4、政府信息公开政复议、行政诉讼情况"),
                ("s5", "5、存在的主要问题和改进措施"),
                ("s6", "6、其他需要汇报事项")
            ])
        );
    }

    #[test]
    fn old_outline_maps_onto_the_nearest_keys() {
        let prose =
            "一、概述\n二、主动公开政府信息情况\n三、依申请公开政府信息情况\n四、政府信息公开的收费及减免情况\n\
                     五、因政府信息公开申请行政复议和提起行政诉讼的情况\n六、政府信息公开工作存在的主要问题和改进措施\n\
                     七、其他需要报告的事项\n";
        let keys: Vec<String> = find(prose).0.into_iter().map(|s| s.key).collect();
        assert_eq!(keys, vec!["s1", "s2", "s3", "fees", "s4", "s5", "s6"]);
    }

    #[test]
    fn the_site_footer_after_the_report_is_not_part_of_the_last_section() {
        let prose =
            "五、存在的主要问题和改进措施\n加强培训。\n六、其他需要报告的事项\n本年无收费。\n某某局\n2021年1月24日\n\
                     网站地图 网站标识码:4207000024 鄂ICP备05017375号 主办单位:某某数据局\n联系我们";
        let sections = find(prose).0;
        assert_eq!(sections.last().map(|s| s.text.as_str()), Some("本年无收费。\n某某局\n2021年1月24日"));
        assert_eq!(sections.first().map(|s| s.text.as_str()), Some("加强培训。"));
    }

    #[test]
    fn list_items_and_sub_headings_are_not_sections() {
        let prose = "一、总体情况（一）基本情况\n1.狠抓管理,四化建设树形象。\n（二）主动公开情况\n\
                     一、二季度共收到申请3件。\n二、主动公开政府信息情况(数据填报)\n";
        assert_eq!(
            keys_and_headings(prose),
            pairs(&[("s1", "一、总体情况"), ("s2", "二、主动公开政府信息情况(数据填报)")])
        );
    }

    #[test]
    fn a_heading_glued_to_the_text_after_it_ends_at_its_closing_word() {
        let prose = "一、总体情况2021年，本局全面推进政务公开。\n五、存在的主要问题及改进情况一是及时性有待加强。";
        assert_eq!(keys_and_headings(prose), pairs(&[("s1", "一、总体情况"), ("s5", "五、存在的主要问题及改进情况")]));
        assert_eq!(find(prose).0[1].text, "一是及时性有待加强。");
        let glued = |text: &str| glued_heading_len(text, form());
        assert_eq!(glued("二、主动公开政府信息情况第二十条第（一）项"), Some(12));
        assert_eq!(glued("四、政府信息公开行政复议、行政诉讼情况行政复议"), Some(19));
        assert_eq!(glued("六、其他需要报告的事项无。"), Some(11));
        // Table rows and a number that does not open that section are not headings.
        assert_eq!(glued("四、结转下年度继续办理0000000四、政府信息公开行政复议、行政诉讼情况"), None);
        assert_eq!(glued("一、本年新收政府信息公开申请数量1512000128"), None);
        assert_eq!(glued("三、本年度办理结果（一）予以公开"), None);
        assert_eq!(glued("二、总体情况"), None);
    }

    #[test]
    fn every_section_number_ends_in_a_number_end() {
        // `candidates` skips lines without `、` or `.`: neither pattern may match without one.
        use super::super::proofs::{matches_something, without_chars};
        let parse = |p: &str| regex_syntax::parse(p).expect("valid");
        for pattern in [HAN_NUMBER.as_str(), ARABIC_NUMBER.as_str()] {
            assert!(matches_something(&parse(pattern)), "{pattern}");
            assert!(!matches_something(&without_chars(&parse(pattern), &NUMBER_ENDS)), "{pattern}");
        }
        // The check can fail: another end, or an optional one, matches without them.
        assert!(matches_something(&without_chars(&parse(r"[一二]\s*[、.:]"), &NUMBER_ENDS)));
        assert!(matches_something(&without_chars(&parse(r"^\d(?:、)?"), &NUMBER_ENDS)));
        assert_eq!(
            keys_and_headings("三．收到和处理政府信息公开申请情况"),
            pairs(&[("s3", "三．收到和处理政府信息公开申请情况")])
        );
    }

    #[test]
    fn sub_numbers_are_what_their_pattern_was() {
        let pattern = Regex::new(r"^\([一二三四五六七八九十]{1,3}\)").expect("valid");
        let texts = [
            "(一)",
            "(十二)基本情况",
            "(一二三)",
            "(一二三四)",
            "()",
            "(一",
            "一)",
            "(a)",
            "（一）",
            "(三)(四)",
            "",
            "(",
            "((一)",
        ];
        for text in texts {
            let chars: Vec<char> = text.chars().collect();
            let window: String = text.chars().take(6).collect();
            assert_eq!(starts_with_sub_number(&chars), pattern.is_match(&window), "{text}");
        }
    }

    #[test]
    fn numbers_must_increase_and_keys_appear_once() {
        let prose =
            "一、总体情况\n二、主动公开政府信息情况\n正文。一、主动公开目录。\n三、收到和处理政府信息公开申请情况\n";
        let keys: Vec<String> = find(prose).0.into_iter().map(|s| s.key).collect();
        assert_eq!(keys, vec!["s1", "s2", "s3"]);
        assert_eq!(han_number("十二"), Some(12));
        assert_eq!(han_number("二十"), Some(20));
        assert_eq!(han_number("零"), None);
    }
}
