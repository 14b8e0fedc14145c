//! Normalisation, in one place: bytes → text, and text → the compact form labels are matched on.
//!
//! * [`decode`] turns a file's bytes into text: UTF-8 (with or without BOM), UTF-16 (BOM or NUL pattern), and
//!   legacy Chinese encodings (GB18030/GBK, Big5) by content sniffing. A `<meta charset>` is never trusted.
//! * [`strip_glosses`] removes pinyin/jyutping glosses that spam mirrors put after characters (`業(yè)` → `業`).
//!   Readers apply it to all text once, so the document model never sees a gloss.
//! * [`compact`] is the matching key: NFKC (full-width digits and punctuation fold to ASCII), traditional →
//!   simplified, no whitespace, one quote class, and the character-level artefacts of OpenCC-converted mirrors
//!   undone (`資訊` → `信息`, `於` → `于`). Word-level variants of a label (`規範性檔案` for 规范性文件) are the
//!   templates' business: they list them among the label's patterns. Output always keeps the original text; only
//!   comparisons use the compact form.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::LazyLock;

use crate::hash::HashMap;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("empty file")]
    Empty,
    #[error("binary data, not a text document")]
    Binary,
}

/// Decodes a text document, sniffing its encoding from the bytes.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok(text.into_owned());
    }
    if let Some(encoding) = sniff_utf16(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        return Ok(text.into_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return check_text(text.to_string());
    }
    if let Some(encoding) = sniff_utf16_cjk(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        return Ok(text.into_owned());
    }
    let (text, _, _) = sniff_legacy(bytes).decode(bytes);
    check_text(text.into_owned())
}

/// ASCII bytes kept on each side of a run of non-ASCII bytes when sniffing a legacy encoding.
const SNIFF_CONTEXT: usize = 16;

/// Bytes (non-ASCII runs with their context) after which sniffing stops: about 3,000 Chinese characters.
const SNIFF_ENOUGH: usize = 8 * 1024;

/// The legacy encoding of bytes that are not UTF-8 (GBK, GB18030, Big5 …), guessed by chardetng from the
/// non-ASCII runs with the ASCII around them. Every candidate reads ASCII alike, so long ASCII stretches (markup,
/// scripts, styles: most of a web page) tell nothing and are not fed; chardetng scores every byte it is given
/// under every candidate, and on a page that was most of the time spent reading it.
fn sniff_legacy(bytes: &[u8]) -> &'static encoding_rs::Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let mut fed = 0;
    for segment in non_ascii_segments(bytes, SNIFF_CONTEXT) {
        detector.feed(segment, false);
        // Thousands of characters of a page decide its encoding as well as all of them do.
        fed += segment.len();
        if fed >= SNIFF_ENOUGH {
            break;
        }
    }
    detector.feed(&[], true);
    detector.guess(None, chardetng::Utf8Detection::Allow)
}

/// The stretches of `bytes` holding non-ASCII bytes, each with up to `context` ASCII bytes on either side;
/// stretches that would touch are one.
fn non_ascii_segments(bytes: &[u8], context: usize) -> impl Iterator<Item = &[u8]> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let first = at + bytes.get(at..)?.iter().position(|b| !b.is_ascii())?;
        let start = first.saturating_sub(context).max(at);
        // The segment ends once `2 * context` ASCII bytes follow its last non-ASCII byte (the next run is then
        // at least that far away, so the two contexts do not touch).
        let mut end = first;
        let mut ascii_run = 0;
        for (i, b) in bytes.iter().enumerate().skip(first) {
            if b.is_ascii() {
                ascii_run += 1;
                if ascii_run > 2 * context {
                    break;
                }
            } else {
                ascii_run = 0;
                end = i + 1;
            }
        }
        let end = (end + context).min(bytes.len());
        at = end;
        bytes.get(start..end)
    })
}

/// UTF-16 without a BOM: Chinese and ASCII text in UTF-16 has NUL bytes in one byte lane.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nuls = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nuls = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if odd_nuls * 4 > pairs && even_nuls * 20 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even_nuls * 4 > pairs && odd_nuls * 20 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// UTF-16 without a BOM and with little ASCII (mostly Chinese), told by the shape of its code units: read in the
/// right byte order, nearly every unit is a CJK ideograph, CJK or full-width punctuation, or printable ASCII, and
/// most are ideographs. GBK, Big5 or UTF-8 bytes read as UTF-16 give Hangul, private-use and surrogate units
/// instead. Called only for bytes that are not UTF-8.
fn sniff_utf16_cjk(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sample = bytes.get(..bytes.len().min(8192) & !1)?;
    if sample.len() < 16 {
        return None;
    }
    let shape = |unit: fn([u8; 2]) -> u16| {
        let (mut plausible, mut ideographs, mut total) = (0usize, 0usize, 0usize);
        for pair in sample.chunks_exact(2) {
            let u = unit([pair[0], pair[1]]);
            total += 1;
            let ideograph = (0x4e00..=0x9fff).contains(&u) || (0x3400..=0x4dbf).contains(&u);
            ideographs += usize::from(ideograph);
            plausible += usize::from(
                ideograph
                    || (0x20..0x7f).contains(&u)
                    || matches!(u, 0x09 | 0x0a | 0x0d)
                    || (0x3000..=0x303f).contains(&u)
                    || (0xff00..=0xffef).contains(&u)
                    || (0x2000..=0x206f).contains(&u)
                    || (0x2460..=0x24ff).contains(&u),
            );
        }
        plausible * 100 >= total * 95 && ideographs * 2 >= total
    };
    if shape(u16::from_le_bytes) {
        Some(encoding_rs::UTF_16LE)
    } else if shape(u16::from_be_bytes) {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Rejects decoded text that is mostly control characters (a zip, an image, an executable).
fn check_text(text: String) -> Result<String, DecodeError> {
    let total = text.chars().take(8192).count();
    let bad = text
        .chars()
        .take(8192)
        .filter(|&c| (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) || c == '\u{fffd}')
        .count();
    if total > 0 && bad * 10 > total {
        Err(DecodeError::Binary)
    } else {
        Ok(text)
    }
}

/// A romanisation gloss right after a Han character: lower-case Latin letters with tone marks or tone digits.
static GLOSS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{Han})[(（]([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê\u{300}-\u{36f}]{1,8}[1-6]?)[)）]")
        .expect("gloss pattern is valid")
});

/// Removes pinyin/jyutping glosses after characters: `業(yè)務(wù)` → `業務`. Parenthesised words that are not glosses
/// (`(试行)`, `(PC)`, `(2023)`) stay.
pub fn strip_glosses(text: &str) -> Cow<'_, str> {
    GLOSS.replace_all(text, "$1")
}

/// The compact matching key of a label: NFKC, simplified characters, no whitespace, one quote class.
///
/// Labels are a small vocabulary that every report repeats (the form's row and column names), so the keys of short
/// texts are remembered, per thread, up to [`COMPACT_MEMO`] of them (then forgotten all at once: memory stays flat).
pub fn compact(text: &str) -> String {
    if text.len() > COMPACT_MEMO_TEXT {
        return compact_uncached(text);
    }
    thread_local! {
        static MEMO: RefCell<HashMap<Box<str>, String>> = RefCell::new(HashMap::default());
    }
    MEMO.with(|memo| {
        if let Some(key) = memo.borrow().get(text) {
            return key.clone();
        }
        let key = compact_uncached(text);
        let mut memo = memo.borrow_mut();
        if memo.len() >= COMPACT_MEMO {
            memo.clear();
        }
        memo.insert(text.into(), key.clone());
        key
    })
}

/// Texts remembered by [`compact`], at most, per thread.
const COMPACT_MEMO: usize = 4096;
/// The longest text (in bytes) [`compact`] remembers: a label, not a paragraph.
const COMPACT_MEMO_TEXT: usize = 96;

fn compact_uncached(text: &str) -> String {
    let folded: String = nfkc(text)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{200b}' | '\u{feff}'))
        .map(|c| match c {
            '“' | '”' | '「' | '」' | '‘' | '’' | '『' | '』' | '\'' => '"',
            '【' | '〔' | '［' => '[',
            '】' | '〕' | '］' => ']',
            '－' | '—' | '–' | '―' => '-',
            _ => c,
        })
        .collect();
    let simplified = to_simplified(&folded);
    fix_phrase_artefacts(&simplified)
}

/// The NFKC form of `text`. Reports are ASCII, CJK ideographs, CJK punctuation and full-width forms, which are
/// mapped here one character at a time as NFKC maps them; text with any other character goes through the whole
/// algorithm.
pub fn nfkc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match nfkc_of_common(c) {
            Some(folded) => out.push(folded),
            None => return text.nfkc().collect(),
        }
    }
    out
}

/// NFKC of one character of the kinds reports are made of, when it is one character that combines with nothing:
/// ASCII and CJK ideographs and punctuation stay, full-width forms and the ideographic space become ASCII.
pub fn nfkc_of_common(c: char) -> Option<char> {
    match c {
        '\0'..='\u{7f}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{3001}'..='\u{3007}'
        | '\u{3008}'..='\u{3011}'
        | '\u{3014}'..='\u{301f}'
        | '\u{2014}'
        | '\u{2018}'..='\u{2019}'
        | '\u{201c}'..='\u{201d}' => Some(c),
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0),
        '\u{3000}' => Some(' '),
        _ => None,
    }
}

/// Traditional → simplified. Text already in simplified characters is returned unchanged.
pub fn to_simplified(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    zhconv::zhconv(text, zhconv::Variant::ZhHans)
}

/// Traditional → simplified, plus the Taiwan/Hong Kong word for "information" (資訊 → 信息), so titles and
/// headings of traditional-character pages read like the mainland originals. For text that is shown to users.
pub fn to_mainland(text: &str) -> String {
    let simplified = to_simplified(text);
    if simplified.contains("资讯") {
        simplified.replace("资讯", "信息")
    } else {
        simplified
    }
}

/// Undoes the substitutions of OpenCC-converted mirrors that every label would suffer: 信息 printed as 資訊, 于 as
/// 於.
fn fix_phrase_artefacts(text: &str) -> String {
    const PAIRS: &[(&str, &str)] = &[("资讯", "信息"), ("属於", "属于"), ("於", "于")];
    let mut out = text.to_string();
    for (from, to) in PAIRS {
        if out.contains(from) {
            out = out.replace(from, to);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_keys_are_the_keys() {
        // More texts than are remembered, each asked twice (once computed, once remembered, or computed again
        // after the memo was forgotten), and long texts that are never remembered.
        for round in 0..2 {
            for i in 0..(COMPACT_MEMO + 100) {
                let text =
                    format!("（{i}）行政許可 「資訊」{}", if i % 7 == 0 { "长".repeat(60) } else { String::new() });
                assert_eq!(compact(&text), compact_uncached(&text), "round {round}: {text}");
            }
        }
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("规章".as_bytes()).unwrap(), "规章");
        let mut bom = vec![0xef, 0xbb, 0xbf];
        bom.extend_from_slice("规章".as_bytes());
        assert_eq!(decode(&bom).unwrap(), "规章");
    }

    #[test]
    fn utf16_with_bom_and_without() {
        let text = "行政许可 24380";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let mut with_bom = vec![0xff, 0xfe];
        with_bom.extend_from_slice(&le);
        assert_eq!(decode(&with_bom).unwrap(), text);
        assert_eq!(decode(&le).unwrap(), text);
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(decode(&be).unwrap(), text);
    }

    #[test]
    fn utf16_without_bom_mostly_chinese_is_read() {
        let text = "本年新收政府信息公开申请数量，予以公开，部分公开，不予公开，无法提供，不予处理。行政复议１８件。";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode(&le).unwrap(), text);
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(decode(&be).unwrap(), text);
        // Odd byte counts and the same text in GBK and Big5 are not taken for UTF-16.
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(decode(&gbk).unwrap(), text);
        let mut odd = le.clone();
        odd.push(b'x');
        assert!(decode(&odd).is_ok());
    }

    #[test]
    fn common_characters_fold_as_nfkc_folds_them() {
        let mut checked = 0;
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            if let Some(folded) = nfkc_of_common(c) {
                let full: String = std::iter::once(c).nfkc().collect();
                assert_eq!(full, folded.to_string(), "U+{:04X}", u32::from(c));
                checked += 1;
            }
        }
        assert!(checked > 21_000);
        for text in ["本年新收申请２９件，（一）予以公开　１２", "ｅ\u{301}", "Ⅻ ①", "e\u{301}", "ABC"]
        {
            assert_eq!(nfkc(text), text.nfkc().collect::<String>(), "{text}");
        }
    }

    #[test]
    fn gbk_and_big5_are_sniffed() {
        let text = "本年新收政府信息公开申请数量，予以公开，部分公开，不予公开，无法提供，不予处理。";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(decode(&gbk).unwrap(), text);
        let trad = "本年新收政府資訊公開申請數量，予以公開，部分公開，不予公開，無法提供，不予處理。";
        let (big5, _, _) = encoding_rs::BIG5.encode(trad);
        assert_eq!(decode(&big5).unwrap(), trad);
    }

    #[test]
    fn legacy_sniffing_on_the_non_ascii_segments_guesses_as_on_the_whole_file() {
        let whole = |bytes: &[u8]| {
            let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            detector.guess(None, chardetng::Utf8Detection::Allow)
        };
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut checked = 0;
        for dir in ["", "html", "text", "prose", "degraded"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
            for entry in entries.flatten() {
                let Ok(bytes) = std::fs::read(entry.path()) else { continue };
                let Ok(text) = std::str::from_utf8(&bytes) else {
                    // A legacy-encoded fixture as it is.
                    assert_eq!(sniff_legacy(&bytes), whole(&bytes), "{}", entry.path().display());
                    checked += 1;
                    continue;
                };
                // Every text fixture in GBK, and in Big5 once converted to traditional characters.
                let trad = zhconv::zhconv(text, zhconv::Variant::ZhHant);
                for (encoding, text) in [(encoding_rs::GBK, text), (encoding_rs::BIG5, trad.as_str())] {
                    let (legacy, _, _) = encoding.encode(text);
                    if !legacy.is_ascii() {
                        assert_eq!(
                            sniff_legacy(&legacy),
                            whole(&legacy),
                            "{} as {}",
                            entry.path().display(),
                            encoding.name()
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 40, "only {checked} files checked");
    }

    #[test]
    fn non_ascii_segments_keep_their_context_and_skip_long_ascii() {
        let bytes = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa规章bbbbcccccccccccccccccccccccccccccccccccccccc文件dd"
            .as_bytes();
        let segments: Vec<&[u8]> = non_ascii_segments(bytes, 4).collect();
        assert_eq!(segments, vec!["aaaa规章bbbb".as_bytes(), "cccc文件dd".as_bytes()]);
        // Runs closer than twice the context are one segment.
        let near = "规ab章".as_bytes();
        assert_eq!(non_ascii_segments(near, 4).collect::<Vec<_>>(), vec![near]);
        assert_eq!(non_ascii_segments(b"plain ascii", 4).count(), 0);
    }

    #[test]
    fn binary_and_empty_are_refused() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08";
        assert_eq!(decode(zip), Err(DecodeError::Binary));
    }

    #[test]
    fn glosses_are_stripped_but_real_parentheses_stay() {
        assert_eq!(strip_glosses("主業(yè)穩(wěn)步"), "主業穩步");
        assert_eq!(strip_glosses("公(gong)開(kai)"), "公開");
        assert_eq!(strip_glosses("日巡查(试行)与(PC)端(2023)"), "日巡查(试行)与(PC)端(2023)");
    }

    #[test]
    fn compact_folds_width_script_space_and_quotes() {
        assert_eq!(compact("（三）不予公开"), "(三)不予公开");
        assert_eq!(compact("商业 企业"), "商业企业");
        assert_eq!(compact("３.危及“三安全一稳定”"), "3.危及\"三安全一稳定\"");
        assert_eq!(compact("規範性檔案"), "规范性档案");
        assert_eq!(compact("屬於國家秘密"), "属于国家秘密");
        assert_eq!(compact("本年新\n制作数量"), "本年新制作数量");
    }
}
