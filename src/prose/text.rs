//! Character-aligned matching text and sentence splitting for the prose extractors.
//!
//! Patterns are matched on a *folded* copy of the prose: every character NFKC-folded (full-width digits and
//! punctuation become ASCII) and converted to simplified characters, **one character for one character**, so a
//! match in the folded copy maps back to the same character positions of the original. Offsets in this module are
//! character offsets (not bytes) into the document's prose text ([`crate::doc::Document::prose_text`]). Output
//! always quotes the original text.

use unicode_normalization::UnicodeNormalization;

use crate::normalize::to_simplified;

/// Folds text for matching, keeping exactly one output character per input character.
pub fn fold(text: &str) -> String {
    let nfkc: String = text.chars().map(fold_width).collect();
    let simplified = to_simplified(&nfkc);
    let simplified = if simplified.chars().count() == nfkc.chars().count() { simplified } else { per_character(&nfkc) };
    let mut out: String = simplified.chars().map(|c| if c == '谘' { '咨' } else { c }).collect();
    for (from, to) in SAME_LENGTH_PHRASES {
        if out.contains(from) {
            out = out.replace(from, to);
        }
    }
    out
}

/// Wording of converted mirrors and of Taiwan usage, replaced by the mainland word of the same length.
const SAME_LENGTH_PHRASES: &[(&str, &str)] = &[("档案", "文件"), ("资讯", "信息")];

/// Traditional → simplified one character at a time, for text where a phrase conversion changes the length.
fn per_character(nfkc: &str) -> String {
    nfkc.chars()
        .map(|c| {
            let mut buf = [0u8; 4];
            let s = to_simplified(c.encode_utf8(&mut buf));
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(one), None) => one,
                _ => c,
            }
        })
        .collect()
}

/// NFKC of one character when it folds to exactly one character (`１` → `1`, `，` → `,`), else the character.
fn fold_width(c: char) -> char {
    let mut folded = std::iter::once(c).nfkc();
    match (folded.next(), folded.next()) {
        (Some(one), None) => one,
        _ => c,
    }
}

/// Converts a byte offset of `text` to a character offset.
pub fn char_offset(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or_else(|| text.chars().count(), |s| s.chars().count())
}

/// The characters `start..end` of `text`.
pub fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end.saturating_sub(start)).collect()
}

/// A sentence of the prose: its original text, its folded text, and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Original text, trimmed, without the closing punctuation.
    pub text: String,
    /// [`fold`] of `text` (same number of characters).
    pub folded: String,
    /// Character offset of the first character of `text` in the prose text.
    pub offset: usize,
    /// Folded text of the section heading above this sentence and of the same paragraph before it (at most
    /// [`MAX_LEAD`] characters): the subject a sentence continues (`收到申请25件；已办结24件`, or a sentence under
    /// `四、政府信息公开的收费及减免情况`) is often named there.
    pub lead: String,
}

/// How much of the paragraph before a sentence is kept as its lead.
pub const MAX_LEAD: usize = 200;

/// Characters that end a sentence: `。！？；` (and their ASCII forms) and line breaks.
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n' | '\r')
}

/// Splits the prose into sentences. `cuts` are extra character offsets where a sentence must end (the start and
/// end of section headings printed inside a paragraph), and `skip` spans (the headings) yield no sentence.
pub fn sentences(prose: &str, cuts: &[usize], skip: &[(usize, usize)]) -> Vec<Sentence> {
    let chars: Vec<char> = prose.chars().collect();
    let folded: Vec<char> = fold(prose).chars().collect();
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut line_start = 0usize;
    let push = |from: usize, to: usize, line_start: usize, out: &mut Vec<Sentence>| {
        if skip.iter().any(|&(s, e)| from >= s && to <= e) {
            return;
        }
        let Some(span) = chars.get(from..to) else {
            return;
        };
        let lead = span.iter().take_while(|c| c.is_whitespace()).count();
        let trail = span.iter().rev().take_while(|c| c.is_whitespace()).count();
        if lead + trail >= span.len() {
            return;
        }
        let (a, b) = (from + lead, to - trail);
        let (Some(text), Some(fold)) = (chars.get(a..b), folded.get(a..b)) else {
            return;
        };
        let lead_from = line_start.max(a.saturating_sub(MAX_LEAD));
        let heading = skip.iter().filter(|&&(_, e)| e <= from).max_by_key(|&&(_, e)| e);
        let mut lead: String = heading
            .and_then(|&(s, e)| folded.get(s..e))
            .map(|h| h.iter().chain(['\n'].iter()).collect())
            .unwrap_or_default();
        lead.extend(folded.get(lead_from..a).into_iter().flatten());
        out.push(Sentence { text: text.iter().collect(), folded: fold.iter().collect(), offset: a, lead });
    };
    for (i, &c) in chars.iter().enumerate() {
        if cuts.contains(&i) && i > start {
            push(start, i, line_start, &mut out);
            start = i;
            line_start = i;
        }
        if ends_sentence(c) {
            push(start, i, line_start, &mut out);
            start = i + 1;
            if matches!(c, '\n' | '\r') {
                line_start = i + 1;
            }
        }
    }
    if start < chars.len() {
        push(start, chars.len(), line_start, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_keeps_one_character_per_character() {
        let text = "行政複議１８件，被依法糾錯1件；（一）";
        let folded = fold(text);
        assert_eq!(folded, "行政复议18件,被依法纠错1件;(一)");
        assert_eq!(folded.chars().count(), text.chars().count());
        assert_eq!(fold("答覆民眾諮詢，規範性檔案，政府資訊"), "答复民众咨询,规范性文件,政府信息");
    }

    #[test]
    fn sentences_split_on_punctuation_lines_and_cuts() {
        let prose = "甲。乙；丙\n 丁！\n五、其他事项 戊";
        let s = sentences(prose, &[10, 16], &[(10, 16)]);
        let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, vec!["甲", "乙", "丙", "丁", "戊"]);
        let offsets: Vec<usize> = s.iter().map(|s| s.offset).collect();
        assert_eq!(offsets, vec![0, 2, 4, 7, 17]);
        assert_eq!(char_slice(prose, 10, 16), "五、其他事项");
        let leads: Vec<&str> = s.iter().map(|s| s.lead.as_str()).collect();
        assert_eq!(leads, vec!["", "甲。", "甲。乙;", " ", "五、其他事项\n "]);
    }

    #[test]
    fn char_offsets_count_characters() {
        assert_eq!(char_offset("一二三", 6), 2);
        assert_eq!(char_offset("一二三", 99), 3);
    }
}
