//! Character-aligned matching text and sentence splitting for the prose extractors.
//!
//! Patterns are matched on a *folded* copy of the prose: every character NFKC-folded (full-width digits and
//! punctuation become ASCII) and converted to simplified characters, **one character for one character**, so a
//! match in the folded copy maps back to the same character positions of the original. Offsets in this module are
//! character offsets (not bytes) into the document's prose text ([`crate::doc::Document::prose_text`]). Output
//! always quotes the original text.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

use crate::normalize::to_simplified;

/// Folds text for matching, keeping exactly one output character per input character.
pub fn fold(text: &str) -> String {
    fold_by_phrases(text).unwrap_or_else(|| same_length_words(per_character(&fold_widths(text))))
}

/// [`fold`], when converting `text` to simplified characters phrase by phrase keeps its length (always, with the
/// conversion tables of today); `None` when it does not, and `fold` converts one character at a time.
fn fold_by_phrases(text: &str) -> Option<String> {
    let nfkc = fold_widths(text);
    // Nothing of what follows changes ASCII text.
    if nfkc.is_ascii() {
        return Some(nfkc.into_owned());
    }
    let simplified = to_simplified(&nfkc);
    (simplified.chars().count() == nfkc.chars().count()).then(|| same_length_words(simplified))
}

/// The prose folded for matching: [`fold`] of the whole text, and of each of its lines.
pub struct FoldedProse {
    /// [`fold`] of the prose.
    pub text: String,
    /// [`fold`] of each line (the text between `\n`s) when that is not the line's part of `text`: then a phrase
    /// conversion changed the length of some line, and [`fold`] converted that line, or all the prose, one
    /// character at a time.
    lines: Option<Vec<String>>,
}

impl FoldedProse {
    /// Folds the prose once, line by line: no conversion rule holds a line break or an ASCII character (a test
    /// checks the tables), so the fold of the whole text is that of its lines, joined, whenever each line keeps its
    /// length.
    pub fn new(prose: &str) -> FoldedProse {
        let mut text = String::with_capacity(prose.len());
        for (i, line) in prose.split('\n').enumerate() {
            if i > 0 {
                text.push('\n');
            }
            let Some(folded) = fold_by_phrases(line) else {
                return FoldedProse { text: fold(prose), lines: Some(prose.split('\n').map(fold).collect()) };
            };
            text.push_str(&folded);
        }
        FoldedProse { text, lines: None }
    }

    /// [`fold`] of each line of the prose, in order.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        let (joined, listed) = match &self.lines {
            None => (Some(self.text.split('\n')), None),
            Some(lines) => (None, Some(lines.iter().map(String::as_str))),
        };
        joined.into_iter().flatten().chain(listed.into_iter().flatten())
    }
}

/// `text` with the words of [`SAME_LENGTH_PHRASES`] (and `谘`) replaced.
fn same_length_words(text: String) -> String {
    let mut out = if text.contains('谘') { text.replace('谘', "咨") } else { text };
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

/// [`fold_width`] of every character of `text`; most characters fold to themselves, so runs of them are copied
/// whole (and text without any other is not copied at all).
fn fold_widths(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    for (at, c) in text.char_indices() {
        if c.is_ascii() {
            continue;
        }
        let folded = fold_width(c);
        if folded != c {
            if out.capacity() == 0 {
                out.reserve(text.len());
            }
            out.push_str(text.get(copied..at).unwrap_or_default());
            out.push(folded);
            copied = at + c.len_utf8();
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    Cow::Owned(out)
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

/// The byte offset in `text` of each of the character offsets `chars` that is within the text or at its end, found
/// in one walk over the text.
pub fn byte_offsets(text: &str, chars: impl IntoIterator<Item = usize>) -> ByteOffsets {
    let mut wanted: Vec<usize> = chars.into_iter().collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut wanted = wanted.into_iter().peekable();
    let mut out = Vec::new();
    let ends = text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len()));
    for (i, b) in ends.enumerate() {
        while let Some(c) = wanted.next_if(|&c| c <= i) {
            if c == i {
                out.push((c, b));
            }
        }
        if wanted.peek().is_none() {
            break;
        }
    }
    ByteOffsets(out)
}

/// Byte offsets by character offset, from [`byte_offsets`].
pub struct ByteOffsets(Vec<(usize, usize)>);

impl ByteOffsets {
    /// The byte offset of character offset `chars`, if it was asked for and is within the text or at its end.
    pub fn get(&self, chars: usize) -> Option<usize> {
        let i = self.0.binary_search_by_key(&chars, |&(c, _)| c).ok()?;
        self.0.get(i).map(|&(_, b)| b)
    }
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
    for_each_sentence(prose, &fold(prose), cuts, skip, |sentence| out.push(sentence));
    out
}

/// [`sentences`] of the prose and its [`fold`], handed over one at a time as they are cut, so that none need be held
/// beyond its use.
pub fn for_each_sentence(
    prose: &str,
    folded: &str,
    cuts: &[usize],
    skip: &[(usize, usize)],
    mut take: impl FnMut(Sentence),
) {
    let bytes = byte_offsets(folded, skip.iter().flat_map(|&(s, e)| [s, e]));
    let headings = skip
        .iter()
        .map(|&(s, e)| {
            // As `char_slice`: up to the end of the text at most.
            let from = bytes.get(s).unwrap_or(folded.len());
            let to = if e > s { bytes.get(e).unwrap_or(folded.len()) } else { from };
            (e, folded.get(from..to).unwrap_or_default().to_string())
        })
        .collect();
    let splitter = Splitter { prose, folded, skip, headings };
    let out = &mut take;
    let mut cuts = cuts.to_vec();
    cuts.sort_unstable();
    let mut cuts = cuts.into_iter().peekable();
    let mut start = Mark::default();
    let mut line_start = start;
    let mut folded_chars = folded.char_indices();
    let mut end = Mark::default();
    for (i, (at, c)) in prose.char_indices().enumerate() {
        let (folded_at, folded_len) = folded_chars.next().map_or((folded.len(), 0), |(b, f)| (b, f.len_utf8()));
        let here = Mark { chars: i, prose: at, folded: folded_at };
        end = Mark { chars: i + 1, prose: at + c.len_utf8(), folded: folded_at + folded_len };
        let mut cut = false;
        while let Some(next) = cuts.next_if(|&next| next <= i) {
            cut |= next == i;
        }
        if cut && i > start.chars {
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

    /// The text fixtures, each as one text.
    fn fixture_texts() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut texts = Vec::new();
        for dir in ["", "prose", "text"] {
            for path in std::fs::read_dir(root.join(dir)).expect("fixtures").flatten().map(|e| e.path()) {
                let name = path.to_string_lossy();
                if name.ends_with(".txt") || name.ends_with(".md") {
                    texts.push(std::fs::read_to_string(&path).unwrap_or_default());
                }
            }
        }
        assert!(texts.len() > 10);
        texts
    }

    #[test]
    fn fold_widths_folds_every_character() {
        let mut texts = fixture_texts();
        texts.extend(["", "abc", "１", "ａ全角ｚ，。\u{3000}", "x\u{3000}y", "ﬁ①", "行政複議１８件"].map(String::from));
        for text in &texts {
            assert_eq!(fold_widths(text), text.chars().map(fold_width).collect::<String>());
        }
        assert!(matches!(fold_widths("总体情况, 2021."), Cow::Borrowed(_)));
    }

    #[test]
    fn no_conversion_rule_holds_a_line_break_or_an_ascii_character() {
        // What `FoldedProse::new` relies on to convert the prose line by line: no phrase it converts spans a line
        // break, and the ASCII lines that `to_simplified` leaves alone hold none either.
        let rules: Vec<(String, String)> = zhconv::tables::expand_table(zhconv::tables::ZH_HANS_TABLE).collect();
        assert!(rules.len() > 1000, "{} rules", rules.len());
        for (from, to) in &rules {
            assert!(!from.contains(|c: char| c.is_ascii()), "{from}");
            // The table is the converter's: each phrase alone converts as the table says.
            assert_eq!(&to_simplified(from), to, "{from}");
        }
    }

    #[test]
    fn folded_prose_is_the_fold_of_the_text_and_of_each_line() {
        let mut texts = fixture_texts();
        texts.extend(
            ["", "\n", "行政複議１８件\n\n答覆民眾諮詢，規範性檔案\nabc\r\n政府資訊", "ascii\nonly", "末行\n"]
                .map(String::from),
        );
        for text in &texts {
            let folded = FoldedProse::new(text);
            assert_eq!(folded.text, fold(text));
            assert_eq!(folded.lines().collect::<Vec<_>>(), text.split('\n').map(fold).collect::<Vec<_>>());
        }
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
    fn byte_offsets_of_characters() {
        let text = "a一b\n二";
        let bytes = byte_offsets(text, [4, 0, 2, 9, 2, 1, 5, 6]);
        let got: Vec<Option<usize>> = (0..8).map(|c| bytes.get(c)).collect();
        assert_eq!(got, [Some(0), Some(1), Some(4), None, Some(6), Some(9), None, None]);
        assert_eq!(byte_offsets("", [0]).get(0), Some(0));
    }

    #[test]
    fn char_offsets_count_characters() {
        assert_eq!(char_offset("一二三", 6), 2);
        assert_eq!(char_offset("一二三", 99), 3);
    }
}
