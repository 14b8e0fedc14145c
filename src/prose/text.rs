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
    let mut out = if simplified.contains('谘') { simplified.replace('谘', "咨") } else { simplified };
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
    if let Some(folded) = crate::normalize::nfkc_of_common(c) {
        return folded;
    }
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
///
/// The prose and its folded copy are walked side by side with their byte offsets, so nothing but the sentences
/// themselves is allocated: a report with a hundred megabytes of prose costs a small multiple of that, not one
/// `char` (four bytes) per character twice over.
pub fn sentences(prose: &str, cuts: &[usize], skip: &[(usize, usize)]) -> Vec<Sentence> {
    let mut out = Vec::new();
    for_each_sentence(prose, cuts, skip, |sentence| out.push(sentence));
    out
}

/// [`sentences`], handed over one at a time as they are cut, so that none need be held beyond its use.
pub fn for_each_sentence(prose: &str, cuts: &[usize], skip: &[(usize, usize)], mut take: impl FnMut(Sentence)) {
    let folded = fold(prose);
    let headings: Vec<(usize, String)> = skip.iter().map(|&(s, e)| (e, char_slice(&folded, s, e))).collect();
    let splitter = Splitter { prose, folded: &folded, skip, headings };
    let out = &mut take;
    let mut start = Mark::default();
    let mut line_start = start;
    let mut folded_chars = folded.char_indices();
    let mut end = Mark::default();
    for (i, (at, c)) in prose.char_indices().enumerate() {
        let (folded_at, folded_len) = folded_chars.next().map_or((folded.len(), 0), |(b, f)| (b, f.len_utf8()));
        let here = Mark { chars: i, prose: at, folded: folded_at };
        end = Mark { chars: i + 1, prose: at + c.len_utf8(), folded: folded_at + folded_len };
        if cuts.contains(&i) && i > start.chars {
            splitter.push(start, here, line_start, out);
            start = here;
            line_start = here;
        }
        if ends_sentence(c) {
            splitter.push(start, here, line_start, out);
            start = end;
            if matches!(c, '\n' | '\r') {
                line_start = end;
            }
        }
    }
    if start.chars < end.chars {
        splitter.push(start, end, line_start, out);
    }
}

/// A position in the prose: its character offset and the byte offsets of that character in the prose and in its
/// folded copy.
#[derive(Debug, Clone, Copy, Default)]
struct Mark {
    chars: usize,
    prose: usize,
    folded: usize,
}

/// What [`sentences`] cuts sentences from.
struct Splitter<'a> {
    prose: &'a str,
    folded: &'a str,
    skip: &'a [(usize, usize)],
    /// The end of each skipped span (a heading) and its folded text.
    headings: Vec<(usize, String)>,
}

impl Splitter<'_> {
    /// The sentence between `from` and `to`, trimmed, with its lead; none if it is blank or inside a skipped span.
    fn push(&self, from: Mark, to: Mark, line_start: Mark, out: &mut impl FnMut(Sentence)) {
        if self.skip.iter().any(|&(s, e)| from.chars >= s && to.chars <= e) {
            return;
        }
        let (Some(span), Some(folded_span)) =
            (self.prose.get(from.prose..to.prose), self.folded.get(from.folded..to.folded))
        else {
            return;
        };
        let lead = span.chars().take_while(|c| c.is_whitespace()).count();
        let trail = span.chars().rev().take_while(|c| c.is_whitespace()).count();
        let length = to.chars - from.chars;
        if lead + trail >= length {
            return;
        }
        let text = span.trim_matches(char::is_whitespace);
        let folded_from = skip_chars(folded_span, lead);
        let folded_to = folded_span.len() - skip_chars_back(folded_span, trail);
        let Some(fold) = folded_span.get(folded_from..folded_to) else { return };
        let a = from.chars + lead;
        let a_folded = from.folded + folded_from;
        let lead_from = line_start.chars.max(a.saturating_sub(MAX_LEAD));
        let lead_from_folded = if lead_from == line_start.chars {
            line_start.folded
        } else {
            let before = self.folded.get(..a_folded).unwrap_or_default();
            a_folded - skip_chars_back(before, a - lead_from)
        };
        let heading = self.headings.iter().filter(|(e, _)| *e <= from.chars).max_by_key(|(e, _)| *e);
        let mut lead_text = heading.map(|(_, h)| format!("{h}\n")).unwrap_or_default();
        lead_text.push_str(self.folded.get(lead_from_folded..a_folded).unwrap_or_default());
        out(Sentence { text: text.to_string(), folded: fold.to_string(), offset: a, lead: lead_text });
    }
}

/// The byte length of the first `n` characters of `text`.
fn skip_chars(text: &str, n: usize) -> usize {
    text.char_indices().nth(n).map_or(text.len(), |(b, _)| b)
}

/// The byte length of the last `n` characters of `text`.
fn skip_chars_back(text: &str, n: usize) -> usize {
    text.chars().rev().take(n).map(char::len_utf8).sum()
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
