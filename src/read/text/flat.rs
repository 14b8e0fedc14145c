//! Text with no line structure: a crawler's page text, where the site chrome, the title, every section, every
//! table and the attachment links stand on one line, with nothing between the cells of a table
//! (`…营商环境。二、主动公开政府信息情况第二十条第（一）项信息内容…规章000行政规范性文件128390第二十条…`).
//!
//! Such a line is cut back into the pieces it was made of:
//! * at sentence ends (`。！？；`);
//! * around section headings printed mid-line, recognised by [`crate::prose::sections::glued_heading_len`];
//! * in stretches that hold table rows (several *value runs*), after every value run and before every numbered
//!   label (`一、`, `（二）`, `3.`). A value run is a run of numbers right after a label (`规章` `000`) and followed
//!   by another label, a heading or the end; numbers followed by a unit or a date sign (`215条`, `2021年`,
//!   `2022-01-20`) or preceded by `：` (`浏览次数：123`) are prose, not cells.
//!
//! The numbers of a run are not split here: where the digits of several cells ran together the run stays one
//! token, and the mapper decides whether the template's arithmetic allows a single reading. An item number that
//! ran into the run before it (`…00000002.其他法律…`) is given back to its label, counting on from the previous
//! item's number.

use crate::map::value::{classify, is_run_mark, Token, LONGEST_MARK};
use crate::prose::text::fold;

/// One piece of a flattened line, with the character offset where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub kind: PieceKind,
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PieceKind {
    /// A section heading (`二、主动公开政府信息情况`).
    Heading(String),
    /// Sentences, site chrome, anything that is not table text.
    Prose(String),
    /// Table text without values: a caption, a header, a group label (`（三）不予公开`).
    Label(String),
    /// A table row: its label (possibly empty) and its value tokens as printed (`000` stays one token).
    Row { label: String, values: Vec<String> },
}

/// Fewest table rows a line must hold to be read as a flattened page.
const MIN_ROWS: usize = 2;

/// Labels and trailing table text longer than this are prose, not table text.
const MAX_LABEL_CHARS: usize = 120;

/// The pieces of `line` if it is a flattened page holding table rows, else `None`.
pub fn split(line: &str) -> Option<Vec<Piece>> {
    let original: Vec<char> = line.chars().collect();
    if original.len() < 12 {
        return None;
    }
    // Decisions are taken on the folded text (simplified, half-width: `萬` is `万`, `１２` is `12`, one character for
    // one character); pieces keep the printed text.
    let chars: Vec<char> = fold(line).chars().collect();
    if chars.len() != original.len() {
        return None;
    }
    // Stretches of text between sentence ends and headings, each with the value runs it holds.
    let mut parts: Vec<Part> = Vec::new();
    let mut items = ItemCounter::default();
    for (start, end) in sentence_spans(&chars) {
        let mut from = start;
        for (h_start, h_end) in glued_headings(&chars, start, end) {
            parts.push(Part::Stretch {
                start: from,
                end: h_start,
                runs: value_runs(&chars, from, h_start, &mut items),
            });
            parts.push(Part::Heading { start: h_start, end: h_end });
            from = h_end;
        }
        parts.push(Part::Stretch { start: from, end, runs: value_runs(&chars, from, end, &mut items) });
    }
    let rows: usize = parts
        .iter()
        .map(|p| match p {
            Part::Stretch { start, end, runs } if is_tabular(&chars[*start..*end], runs) => runs.len(),
            _ => 0,
        })
        .sum();
    if rows < MIN_ROWS {
        return None;
    }
    let mut pieces = Vec::new();
    for part in parts {
        match part {
            Part::Heading { start, end } => {
                pieces.push(Piece { kind: PieceKind::Heading(text(&original, start, end)), at: start })
            }
            Part::Stretch { start, end, runs } => stretch(&original, &chars, start, end, runs, &mut pieces),
        }
    }
    Some(pieces)
}

enum Part {
    Heading { start: usize, end: usize },
    Stretch { start: usize, end: usize, runs: Vec<Run> },
}

fn text(chars: &[char], start: usize, end: usize) -> String {
    chars.get(start..end).map(|s| s.iter().collect::<String>()).unwrap_or_default().trim().to_string()
}

/// Sentences: spans ending just after `。！？；` (or the end of the line).
fn sentence_spans(chars: &[char]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, c) in chars.iter().enumerate() {
        if matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';') {
            spans.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < chars.len() {
        spans.push((start, chars.len()));
    }
    spans
}

const HAN_DIGITS: &str = "一二三四五六七八九十";

/// Section headings inside `start..end`, as character spans.
fn glued_headings(chars: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = start;
    while i < end {
        let c = chars[i];
        let opens = HAN_DIGITS.contains(c) && (i == start || !is_number_prefix(chars[i - 1]));
        if opens {
            let rest: String = chars[i..end].iter().collect();
            let form = crate::template::Catalog::embedded().sections();
            if let Some(len) = crate::prose::sections::glued_heading_len(&rest, form) {
                out.push((i, i + len));
                i += len;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// A character that makes a following Chinese numeral part of a longer number or ordinal (`第三`, `十二`).
fn is_number_prefix(c: char) -> bool {
    HAN_DIGITS.contains(c) || c == '第'
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// A character a label can end with, right before its values.
fn ends_label(c: char) -> bool {
    is_han(c) || matches!(c, '）' | ')' | '”' | '"' | '》' | '】' | ']' | '」')
}

/// Characters that, right after a number, make it a quantity or a date in a sentence (`215条`, `2021年`,
/// `12月`, `3.5%`), never the cell values of a table row followed by the next label.
const UNITS: &str = "年月日号时分秒件条个项次人名位家户份篇期场天元万亿余多类批起宗例张册页套台辆座处米吨岁届倍成周点楼层室栋版大种支级组轮门";

/// Signs a cell may print before a number (`-8`, `减3`).
fn is_sign(c: char) -> bool {
    matches!(c, '-' | '－' | '减' | '減' | '+')
}

/// Money units printed after an amount in a cell (`278.334万元`).
const MONEY_UNITS: [&str; 3] = ["万元", "亿元", "元"];

/// A run of values: the character span and the spans of its tokens.
#[derive(Debug)]
struct Run {
    start: usize,
    end: usize,
    tokens: Vec<(usize, usize)>,
    /// Digits at the end of the run that are the next label's item number (`…00000002.其他`).
    item_tail: usize,
}

/// Counts numbered items (`1.`, `2.`) so that an item number run into the values before it can be told apart.
#[derive(Default)]
struct ItemCounter {
    last: Option<u32>,
}

impl ItemCounter {
    /// How many of the run's trailing `digits` are the next item's number.
    fn tail(&self, digits: &str) -> usize {
        let expected = self.last.map(|n| (n + 1).to_string());
        match expected {
            Some(e) if digits.len() > e.len() && digits.ends_with(&e) => e.len(),
            _ => 1,
        }
    }

    fn saw_label(&mut self, label: &str) {
        let digits: String = label.chars().take_while(char::is_ascii_digit).collect();
        let numbered = !digits.is_empty() && label.chars().nth(digits.len()).is_some_and(|c| matches!(c, '.' | '、'));
        if numbered {
            self.last = digits.parse().ok();
        }
    }
}

/// A stretch is table text when it holds more value runs than commas: a sentence that happens to glue a number
/// to a word (`全年12345平台共受理…，其中…`) has its commas.
fn is_tabular(stretch: &[char], runs: &[Run]) -> bool {
    !runs.is_empty() && stretch.iter().filter(|c| matches!(c, '，' | ',')).count() < runs.len()
}

/// Reads one stretch of text between headings and sentence ends: table text if it holds value runs (several,
/// or one in a stretch that is not a sentence), else prose.
fn stretch(original: &[char], chars: &[char], start: usize, end: usize, runs: Vec<Run>, out: &mut Vec<Piece>) {
    if text(original, start, end).is_empty() {
        return;
    }
    if !is_tabular(&chars[start..end], &runs) {
        out.push(Piece { kind: PieceKind::Prose(text(original, start, end)), at: start });
        return;
    }
    let mut from = start;
    let mut carried = String::new();
    for run in runs {
        let mut labels = numbered_labels(original, chars, from, run.start);
        let row_label = match labels.pop() {
            Some((at, label)) => {
                let label = format!("{carried}{label}");
                for (at, l) in labels {
                    out.push(Piece { kind: PieceKind::Label(l), at });
                }
                Some((at, label))
            }
            None => (!carried.is_empty()).then(|| (from, carried.clone())),
        };
        carried.clear();
        let (at, label) = row_label.unwrap_or((run.start, String::new()));
        let values = run.tokens.iter().map(|&(a, b)| text(original, a, b)).collect();
        out.push(Piece { kind: PieceKind::Row { label, values }, at });
        let tail_start = run.end - run.item_tail;
        carried = chars[tail_start..run.end].iter().collect();
        from = run.end;
    }
    let rest = text(original, from, end);
    if !rest.is_empty() || !carried.is_empty() {
        let rest = format!("{carried}{rest}");
        let prose = rest.chars().count() > MAX_LABEL_CHARS || rest.ends_with(['。', '！', '？', '；']);
        let kind = if prose { PieceKind::Prose(rest) } else { PieceKind::Label(rest) };
        out.push(Piece { kind, at: from });
    }
}

/// The label text `start..end` cut before each numbered label (`一、`, `（二）`, `3.`), with offsets.
fn numbered_labels(original: &[char], chars: &[char], start: usize, end: usize) -> Vec<(usize, String)> {
    let mut cuts = vec![start];
    for i in start + 1..end {
        if opens_numbered_label(chars, i, end) {
            cuts.push(i);
        }
    }
    cuts.push(end);
    cuts.windows(2)
        .filter_map(|w| {
            let t = text(original, w[0], w[1]);
            (!t.is_empty()).then_some((w[0], t))
        })
        .collect()
}

/// A numbered label starts at `i`: `一、`, `（二）` (not in `第（一）项`), or `3.` followed by text.
fn opens_numbered_label(chars: &[char], i: usize, end: usize) -> bool {
    let prev = chars[i - 1];
    let at = |k: usize| if i + k < end { chars.get(i + k).copied() } else { None };
    let c = chars[i];
    if HAN_DIGITS.contains(c) && !is_number_prefix(prev) {
        let mut k = 1;
        while at(k).is_some_and(|c| HAN_DIGITS.contains(c)) && k < 3 {
            k += 1;
        }
        return at(k) == Some('、');
    }
    if matches!(c, '（' | '(') && prev != '第' {
        let mut k = 1;
        while at(k).is_some_and(|c| HAN_DIGITS.contains(c)) && k < 4 {
            k += 1;
        }
        return k > 1 && matches!(at(k), Some('）' | ')'));
    }
    if c.is_ascii_digit() && !prev.is_ascii_digit() {
        let mut k = 1;
        while at(k).is_some_and(|c| c.is_ascii_digit()) && k < 3 {
            k += 1;
        }
        return matches!(at(k), Some('.' | '、')) && at(k + 1).is_some_and(|c| is_han(c) || c == '(');
    }
    false
}

/// The value runs of `start..end`, in order.
fn value_runs(chars: &[char], start: usize, end: usize, items: &mut ItemCounter) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut i = start;
    let mut label_start = start;
    while i < end {
        let opens = chars[i].is_ascii_digit()
            || is_sign(chars[i]) && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            || mark_at(chars, i, end).is_some()
            || is_run_mark(chars[i]) && i + 1 < end && (chars[i + 1].is_ascii_digit() || is_run_mark(chars[i + 1]));
        if !opens {
            i += 1;
            continue;
        }
        let after_label = last_non_space(chars, label_start, i).is_some_and(ends_label);
        match after_label.then(|| read_run(chars, i, end, items)).flatten() {
            Some(run) => {
                let label: String = chars[label_start..run.start].iter().collect();
                items.saw_label(label.trim());
                i = run.end;
                label_start = run.end - run.item_tail;
                runs.push(run);
            }
            None => {
                // Skip the whole number, so that its last digits are not taken for a run of their own.
                i += 1;
                while i < end && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
            }
        }
    }
    runs
}

fn last_non_space(chars: &[char], start: usize, end: usize) -> Option<char> {
    chars.get(start..end)?.iter().rev().find(|c| !c.is_whitespace()).copied()
}

/// Reads a run of values starting at `start` (a digit or a sign), if what follows it ends a row. Works on the
/// folded characters; tokens are spans, read out of the printed text later.
fn read_run(chars: &[char], start: usize, end: usize, items: &ItemCounter) -> Option<Run> {
    let mut tokens: Vec<(usize, usize)> = Vec::new();
    let mut token: Option<usize> = None;
    let mut decimal = false;
    let mut i = start;
    let digit_at = |k: usize| k < end && chars.get(k).is_some_and(char::is_ascii_digit);
    while i < end {
        let c = chars[i];
        let thousands = c == ',' && token.is_some() && !decimal && (1..=3).all(|k| digit_at(i + k)) && !digit_at(i + 4);
        if c.is_ascii_digit() {
            token.get_or_insert(i);
            i += 1;
        } else if thousands {
            // A thousands separator inside a number (`1,268`).
            i += 1;
        } else if c == '.' && token.is_some() && !decimal && digit_at(i + 1) {
            decimal = true;
            i += 1;
        } else if is_sign(c) && digit_at(i + 1) && chars.get(i.wrapping_sub(1)) != Some(&'.') {
            if let Some(t) = token.take() {
                tokens.push((t, i));
            }
            decimal = false;
            token = Some(i);
            i += 1;
        } else if c.is_whitespace() {
            let mut k = i;
            while k < end && chars[k].is_whitespace() {
                k += 1;
            }
            let continues =
                digit_at(k) || (k < end && is_sign(chars[k]) && digit_at(k + 1)) || mark_at(chars, k, end).is_some();
            if !continues {
                break;
            }
            match token.take() {
                Some(t) => tokens.push((t, i)),
                // Right after a mark.
                None if tokens.last().is_some_and(|&(_, e)| e == i) => {}
                None => break,
            }
            decimal = false;
            i = k;
        } else if let Some(unit) = money_unit_at(chars, i, end).filter(|_| token.is_some()) {
            i += unit.chars().count();
            break;
        } else if is_run_mark(c) && (c != '无' || digit_at(i + 1) || i + 1 < end && is_run_mark(chars[i + 1])) {
            // A mark glued among the digits (`/00`, `0-10/`, `/—0`) is part of the run's token, which the mapper
            // cuts; after a signed number it starts a token of its own. `无` only before digits or marks: glued
            // to text it is a word (`无法`).
            match token {
                Some(t) if is_sign(chars[t]) => {
                    tokens.push((t, i));
                    token = Some(i);
                }
                Some(_) => {}
                None => token = Some(i),
            }
            decimal = false;
            i += 1;
        } else if let Some(mark_end) = mark_at(chars, i, end).filter(|_| token.is_none()) {
            tokens.push((i, mark_end));
            i = mark_end;
        } else {
            break;
        }
    }
    if let Some(t) = token {
        tokens.push((t, i));
    }
    // Marks alone are no run: a row must print a number.
    if !tokens.iter().any(|&(a, b)| chars[a..b].iter().any(char::is_ascii_digit)) {
        return None;
    }
    let run_end = tokens.last()?.1;
    let mut k = run_end;
    while k < end && chars[k].is_whitespace() {
        k += 1;
    }
    let follower = if k < end { chars.get(k).copied() } else { None };
    let mut item_tail = 0;
    let ends_row = match follower {
        None => true,
        Some('.' | '、') => {
            // An item number ran into the values: `…0000000` + `2.其他…`.
            let after = if k + 1 < end { chars.get(k + 1).copied() } else { None };
            let (t_start, t_end) = *tokens.last()?;
            let last: String = chars[t_start..t_end].iter().collect();
            let glued = k == run_end && last.bytes().all(|b| b.is_ascii_digit());
            match after {
                Some(a) if glued && (is_han(a) || a == '(') => {
                    item_tail = items.tail(&last);
                    item_tail < last.len()
                }
                _ => false,
            }
        }
        Some(f) => (is_han(f) && !UNITS.contains(f)) || matches!(f, '(' | '【' | '[' | '“' | '「' | '|'),
    };
    if !ends_row {
        return None;
    }
    if let Some(last) = tokens.last_mut() {
        last.1 -= item_tail;
    }
    Some(Run { start, end: run_end, tokens, item_tail })
}

/// A not-applicable mark printed as a cell of its own among spaced values (`0 无 0`, `12 — 3`): a token that
/// whitespace (or the stretch's ends) sets apart on both sides and that reads as a mark (`无`, `/`, `—`,
/// `不适用`). Returns where it ends. Glued to a label or to digits it is text, as the cells cannot be told apart.
fn mark_at(chars: &[char], i: usize, end: usize) -> Option<usize> {
    let longest = *LONGEST_MARK;
    if i >= end || chars[i].is_whitespace() || i > 0 && !chars[i - 1].is_whitespace() {
        return None;
    }
    let len = chars[i..end].iter().take(longest + 1).take_while(|c| !c.is_whitespace()).count();
    if len > longest {
        return None;
    }
    let token: String = chars[i..i + len].iter().collect();
    (classify(&token) == Token::Na).then_some(i + len)
}

fn money_unit_at(chars: &[char], i: usize, end: usize) -> Option<&'static str> {
    MONEY_UNITS.into_iter().find(|unit| {
        let n = unit.chars().count();
        i + n <= end && chars[i..i + n].iter().copied().eq(unit.chars())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<PieceKind> {
        split(line).unwrap_or_default().into_iter().map(|p| p.kind).collect()
    }

    fn row(label: &str, values: &[&str]) -> PieceKind {
        PieceKind::Row { label: label.into(), values: values.iter().map(|v| v.to_string()).collect() }
    }

    #[test]
    fn a_flattened_table_is_cut_after_each_value_run() {
        let got = kinds("…全力优化营商环境。二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件128390第二十条第（五）项信息内容本年处理决定数量行政许可96");
        assert_eq!(
            got,
            vec![
                PieceKind::Prose("…全力优化营商环境。".into()),
                PieceKind::Heading("二、主动公开政府信息情况".into()),
                row("第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章", &["000"]),
                row("行政规范性文件", &["128390"]),
                row("第二十条第（五）项信息内容本年处理决定数量行政许可", &["96"]),
            ]
        );
    }

    #[test]
    fn item_numbers_run_into_the_values_go_back_to_their_labels() {
        let got = kinds("（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开00000003.危及“三安全一稳定”0000000（四）无法提供1.本机关不掌握相关政府信息3100004（五）不予处理");
        assert_eq!(got[0], PieceKind::Label("（三）不予公开".into()));
        assert_eq!(got[1], row("1.属于国家秘密", &["0000000"]));
        assert_eq!(got[2], row("2.其他法律行政法规禁止公开", &["0000000"]));
        assert_eq!(got[3], row("3.危及“三安全一稳定”", &["0000000"]));
        assert_eq!(got[4], PieceKind::Label("（四）无法提供".into()));
        assert_eq!(got[5], row("1.本机关不掌握相关政府信息", &["3100004"]));
    }

    #[test]
    fn numbered_labels_after_a_header_are_cut_off() {
        let got = kinds("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况自然人总计一、本年新收政府信息公开申请数量1512000128二、上年结转政府信息公开申请数量0000000三、本年度办理结果（一）予以公开81000110");
        assert_eq!(
            got,
            vec![
                PieceKind::Label(
                    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况自然人总计".into()
                ),
                row("一、本年新收政府信息公开申请数量", &["1512000128"]),
                row("二、上年结转政府信息公开申请数量", &["0000000"]),
                PieceKind::Label("三、本年度办理结果".into()),
                row("（一）予以公开", &["81000110"]),
            ]
        );
    }

    #[test]
    fn spaced_values_signs_and_money_units_are_tokens() {
        let got = kinds(
            "行政许可 12 -3 356 行政处罚 86 减4 203 政府集中采购 6 251000元 五、存在的主要问题及改进情况一是加强。",
        );
        assert_eq!(got[0], row("行政许可", &["12", "-3", "356"]));
        assert_eq!(got[1], row("行政处罚", &["86", "减4", "203"]));
        assert_eq!(got[2], row("政府集中采购", &["6", "251000元"]));
        assert_eq!(got[3], PieceKind::Heading("五、存在的主要问题及改进情况".into()));
        assert_eq!(got[4], PieceKind::Prose("一是加强。".into()));
    }

    #[test]
    fn marks_set_apart_by_spaces_are_cells_of_the_run() {
        let got = kinds(
            "行政许可 0 2 8 其他对外管理服务事项 0 無 0 行政强制 9 -16 — 政府集中采购 不适用 6 行政事业性收费 / /",
        );
        assert_eq!(got[0], row("行政许可", &["0", "2", "8"]));
        // Folded for the decision (無 is 无), printed as it was.
        assert_eq!(got[1], row("其他对外管理服务事项", &["0", "無", "0"]));
        assert_eq!(got[2], row("行政强制", &["9", "-16", "—"]));
        assert_eq!(got[3], row("政府集中采购", &["不适用", "6"]));
        // Marks alone make no row: the text stays a label.
        assert_eq!(got[4], PieceKind::Label("行政事业性收费 / /".into()));
        // One row with a mark among its values is one row, not two.
        assert_eq!(split("其他对外管理服务事项 0 无 0"), None);
        // Glued to a label or to digits, a mark cannot be told from the text around it.
        assert_eq!(kinds("规章 0 0 0 行政许可无 3 5")[1], row("行政许可无", &["3", "5"]));
        assert_eq!(kinds("规章 0 0 0 行政许可 3无 5")[1], row("行政许可", &["3"]));
    }

    #[test]
    fn marks_glued_among_digits_stay_in_the_run() {
        let got = kinds("行政许可0-10/其他对外管理服务事项/—0第二十条第（六）项行政强制無187（四）无法提供1.本机关不掌握相关政府信息3100004");
        assert_eq!(got[0], row("行政许可", &["0", "-10", "/"]));
        assert_eq!(got[1], row("其他对外管理服务事项", &["/—0"]));
        assert_eq!(got[2], row("第二十条第（六）项行政强制", &["無187"]));
        // Glued to text, 无 is a word.
        assert_eq!(got[3], PieceKind::Label("（四）无法提供".into()));
        assert_eq!(got[4], row("1.本机关不掌握相关政府信息", &["3100004"]));
        // A mark between words is no run (`本年增/减`).
        assert_eq!(
            kinds("信息内容上一年项目数量本年增/减处理决定数量行政许可233101行政处罚0")[0].clone(),
            row("信息内容上一年项目数量本年增/减处理决定数量行政许可", &["233101"])
        );
    }

    #[test]
    fn numbers_in_sentences_dates_and_chrome_are_not_values() {
        assert_eq!(split("2021年，某县司法局全年在门户网站主动公开各类信息215条，受理申请23件。"), None);
        assert_eq!(
            split("发布时间：2022-01-20 来源：某县司法局 浏览次数：123 某某局2021年政府信息公开工作年度报告"),
            None
        );
        assert_eq!(split("四是12345热线工单办理效能有待进一步提升，少数单位重视力度有待加强。"), None);
    }

    #[test]
    fn a_long_run_alone_after_a_header_is_a_row() {
        let got = kinds("行政许可96四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉000000000000000五、存在的主要问题及改进情况无。");
        assert_eq!(got[0], row("行政许可", &["96"]));
        assert_eq!(got[1], PieceKind::Heading("四、政府信息公开行政复议、行政诉讼情况".into()));
        assert_eq!(
            got[2],
            row("行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉", &["000000000000000"])
        );
    }
}
