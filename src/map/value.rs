//! Reading one cell's text as a value: a number (with its unit and sign), a blank, a not-applicable mark, or
//! text. Values are only classified here; converting to the template unit is [`to_unit`].

use std::sync::LazyLock;

use regex::Regex;

use crate::report::Amount;

/// What a cell's text is, as a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// Nothing printed (spaces and `&nbsp;` only).
    Blank,
    /// A not-applicable mark: `/`, `-`, `--`, `—`, `无`, `空`, `N/A` …
    Na,
    /// A number, with the unit printed beside it, if any.
    Number { amount: Amount, unit: Option<String> },
    /// Anything else: a label, or a value nobody can read (`十二`).
    Text,
}

impl Token {
    /// True for tokens that stand in a value position (everything but text).
    pub fn is_value_like(&self) -> bool {
        !matches!(self, Token::Text)
    }
}

const NA_MARKS: &[&str] =
    &["/", "\\", "-", "--", "---", "—", "——", "-/-", "无", "空", "n/a", "na", "×", "不适用", "暂无"];

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<sign>[-+]|减|增|減)?(?P<num>\d+(?:\.\d+)?)(?P<unit>万元|亿元|元|件|个|条|项|起|宗|次|篇)?$")
        .expect("number pattern is valid")
});

/// Classifies a cell's text.
pub fn classify(raw: &str) -> Token {
    if let Some(token) = classify_plain(raw).or_else(|| classify_words(raw)) {
        return token;
    }
    classify_full(raw)
}

/// [`classify`] without its fast paths.
fn classify_full(raw: &str) -> Token {
    let folded: String = crate::normalize::nfkc(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',' && *c != '\u{200b}' && *c != '\u{feff}')
        .collect();
    if folded.is_empty() {
        return Token::Blank;
    }
    // Marks and units printed in traditional characters (無, 不適用, 萬元, 個) read as their simplified forms. Only
    // text as short as a mark, or a number with no more than a unit after it, can be either.
    let tail = folded.trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | '减' | '減'));
    let short = |text: &str| text.chars().count() <= *LONGEST_MARK;
    let folded = if !folded.is_ascii() && (short(&folded) || short(tail)) {
        crate::normalize::to_simplified(&folded)
    } else {
        folded
    };
    let lower = folded.to_lowercase();
    let dashless = lower.replace(['－', '–', '―'], "-");
    if NA_MARKS.contains(&dashless.as_str()) {
        return Token::Na;
    }
    let undone = undo_ocr_letters(&folded);
    let folded = undone.as_deref().unwrap_or(&folded);
    let Some(caps) = NUMBER.captures(folded) else {
        return Token::Text;
    };
    let num = &caps["num"];
    let negative = matches!(caps.name("sign").map(|m| m.as_str()), Some("-" | "减" | "減"));
    let amount = if num.contains('.') {
        match num.parse::<f64>() {
            Ok(v) => Amount::Real(if negative { -v } else { v }),
            Err(_) => return Token::Text,
        }
    } else {
        match num.parse::<i64>() {
            Ok(v) => Amount::Int(if negative { -v } else { v }),
            Err(_) => return Token::Text,
        }
    };
    let unit = caps.name("unit").map(|m| m.as_str().to_string());
    Token::Number { amount, unit }
}

/// The common cells, read without normalising: nothing but ASCII digits, spaces and thousands commas (a whole
/// number, or a blank). `None` for anything else, which [`classify`] reads in full; the result is the same.
fn classify_plain(raw: &str) -> Option<Token> {
    let mut value: Option<i64> = None;
    for b in raw.bytes() {
        match b {
            b'0'..=b'9' => {
                let digit = i64::from(b - b'0');
                // Too long for a whole number: text, as the full reading finds.
                let Some(v) = value.unwrap_or(0).checked_mul(10).and_then(|v| v.checked_add(digit)) else {
                    return Some(Token::Text);
                };
                value = Some(v);
            }
            b',' | b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {}
            _ => return None,
        }
    }
    Some(match value {
        Some(v) => Token::Number { amount: Amount::Int(v), unit: None },
        None => Token::Blank,
    })
}

/// The cells of labels, read without normalising: nothing but CJK ideographs, CJK and ASCII punctuation and
/// spaces. None of these normalises to a digit, an ASCII letter, a letter OCR reads for a digit or more than one
/// character, so the text holds no number: it is blank, a not-applicable mark (`无`, `不适用`, `/`) or text, and it
/// can only be a mark if it is as short as one. `None` for anything else, which [`classify`] reads in full; the result is the same.
fn classify_words(raw: &str) -> Option<Token> {
    let wordy = |c: char| {
        matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3001}'..='\u{3006}' | '\u{3008}'..='\u{3020}'
            | '\u{ff01}'..='\u{ff0f}' | '\u{ff1a}'..='\u{ff20}')
            || (c.is_ascii() && !c.is_ascii_alphanumeric())
            || c.is_whitespace()
    };
    let mut significant = 0usize;
    for c in raw.chars() {
        if !wordy(c) {
            return None;
        }
        // What the full reading drops: spaces and commas (`，` is a comma once normalised).
        if !(c.is_whitespace() || c == ',' || c == '，') {
            significant += 1;
        }
    }
    Some(if significant == 0 {
        Token::Blank
    } else if significant > *LONGEST_MARK {
        Token::Text
    } else {
        classify_full(raw)
    })
}

/// A not-applicable mark that text which lost its table's shape prints glued among a row's digits (`规章/00`,
/// `事项/—0`, `行政强制无187`): one character, none of which can be part of a number. A run of dashes (`——`)
/// is one mark.
pub fn is_run_mark(c: char) -> bool {
    matches!(c, '/' | '／' | '—' | '无' | '無')
}

/// The items of a run of digits with not-applicable marks glued among them, as a split cuts them: ASCII digits,
/// and `/` for each mark (`/—0` → `//0`). `None` unless the text is nothing but digits, marks and spaces, with
/// at least one digit and one mark.
pub fn marked_run(raw: &str) -> Option<Vec<u8>> {
    let mut items = Vec::new();
    let (mut digits, mut marks, mut prev) = (false, false, ' ');
    for c in raw.chars().filter(|c| !c.is_whitespace()) {
        if c.is_ascii_digit() {
            items.push(c as u8);
            digits = true;
        } else if is_run_mark(c) {
            if !(c == '—' && prev == '—') {
                items.push(b'/');
            }
            marks = true;
        } else {
            return None;
        }
        prev = c;
    }
    (digits && marks).then_some(items)
}

/// The number of characters of the longest not-applicable mark.
pub static LONGEST_MARK: LazyLock<usize> =
    LazyLock::new(|| NA_MARKS.iter().map(|m| m.chars().count()).max().unwrap_or(0));

/// Letters OCR reads for digits: `O`, `o`, `〇` for 0 and `l`, `I` for 1.
fn ocr_digit(c: char) -> Option<char> {
    match c {
        'O' | 'o' | '〇' => Some('0'),
        'l' | 'I' => Some('1'),
        _ => None,
    }
}

/// A whole number whose digits OCR partly read as letters (`1O`, `2l`, `l〇5`), with the letters undone. Only
/// where it cannot be anything else: the text is nothing but digits and such letters, with a digit in it, so a
/// lone `O` or `l` (a letter, a list mark) or a word (`ISO`) stays text.
fn undo_ocr_letters(folded: &str) -> Option<String> {
    let has_digit = folded.bytes().any(|b| b.is_ascii_digit());
    let has_letter = folded.chars().any(|c| ocr_digit(c).is_some());
    if !has_digit || !has_letter || folded.chars().count() < 2 {
        return None;
    }
    folded.chars().map(|c| if c.is_ascii_digit() { Some(c) } else { ocr_digit(c) }).collect()
}

/// Converts an amount printed in `from` (元, 万元, 亿元) to the template unit `to`. Returns `None` when the units
/// are not both money units.
pub fn to_unit(amount: Amount, from: &str, to: &str) -> Option<Amount> {
    fn scale(unit: &str) -> Option<f64> {
        match unit {
            "元" => Some(1.0),
            "万元" => Some(1e4),
            "亿元" => Some(1e8),
            _ => None,
        }
    }
    let (f, t) = (scale(from)?, scale(to)?);
    if f == t {
        return Some(amount);
    }
    let v = amount.as_f64() * f / t;
    // Round away binary noise (251000 元 → 25.1 万元, not 25.099999999999998).
    let rounded = (v * 1e9).round() / 1e9;
    Some(Amount::Real(rounded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    fn num(raw: &str) -> (Amount, Option<String>) {
        match classify(raw) {
            Token::Number { amount, unit } => (amount, unit),
            other => panic!("{raw} gave {other:?}"),
        }
    }

    #[test]
    fn plain_cells_read_as_the_full_reading_reads_them() {
        for raw in [
            "0",
            " 12 ",
            "1,035,000",
            "",
            "   ",
            "\t\n",
            "007",
            "9223372036854775807",
            "9223372036854775808",
            "99999999999999999999",
            ",",
            "1 2",
            "12a",
            "-3",
            "1.5",
        ] {
            let full = {
                let folded: String = raw.nfkc().filter(|c| !c.is_whitespace() && *c != ',').collect();
                if folded.is_empty() {
                    Some(Token::Blank)
                } else if folded.bytes().all(|b| b.is_ascii_digit()) {
                    Some(
                        folded
                            .parse::<i64>()
                            .map_or(Token::Text, |v| Token::Number { amount: Amount::Int(v), unit: None }),
                    )
                } else {
                    None
                }
            };
            assert_eq!(classify_plain(raw), full, "{raw:?}");
            if let Some(token) = full {
                assert_eq!(classify(raw), token, "{raw:?}");
            }
        }
    }

    #[test]
    fn word_cells_read_as_the_full_reading_reads_them() {
        // Every string of up to three characters from an alphabet of ideographs, punctuation of every width,
        // spaces, commas, digits and letters (the fast path must decline the last two), and longer ones made of
        // the same pieces: the fast path, where it answers, gives what the full reading gives.
        let alphabet = [
            "无", "不", "适", "用", "暂", "空", "無", "適", "暫", "行", "政", "/", "／", "-", "－", "—", "\\", "（",
            "）", " ", "\u{3000}", "，", ",", "、", "。", "：", "1", "１", "O", "l", "n", "a", "×",
        ];
        let mut texts: Vec<String> = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> =
                texts.iter().flat_map(|t| alphabet.iter().map(move |a| format!("{t}{a}"))).collect();
            texts.extend(longer);
        }
        texts.sort();
        texts.dedup();
        texts.extend(
            ["不 适 用", "  无  ", "，，，，，", "行政许可（件）", "－／－", "不　适　用　", "、、、、"]
                .map(String::from),
        );
        // What the fast path takes normalises to one character that is no digit, no ASCII letter and no letter
        // OCR reads for a digit (ideographs to themselves).
        let ranges =
            ['\u{4e00}'..='\u{9fff}', '\u{3001}'..='\u{3006}', '\u{3008}'..='\u{3020}', '\u{ff01}'..='\u{ff0f}'];
        for c in ranges.into_iter().flatten().chain('\u{ff1a}'..='\u{ff20}').chain('\0'..='\u{7f}') {
            if c.is_ascii_alphanumeric() {
                continue;
            }
            let folded: Vec<char> = c.to_string().nfkc().collect();
            let one = |f: char| !f.is_numeric() && !f.is_ascii_alphabetic() && ocr_digit(f).is_none();
            let kept = match folded[..] {
                [f] if ('\u{4e00}'..='\u{9fff}').contains(&c) => f == c && one(f),
                [f] => one(f),
                _ => false,
            };
            assert!(kept, "{c:?} → {folded:?}");
        }
        let mut answered = 0;
        for text in &texts {
            if let Some(token) = classify_words(text) {
                answered += 1;
                assert_eq!(token, classify_full(text), "{text:?}");
            }
        }
        assert!(answered > texts.len() / 3, "the fast path answers for most: {answered} of {}", texts.len());
    }

    #[test]
    fn numbers_with_units_signs_and_width() {
        assert_eq!(num("24380"), (Amount::Int(24380), None));
        assert_eq!(num(" 0"), (Amount::Int(0), None));
        assert_eq!(num("２９"), (Amount::Int(29), None));
        assert_eq!(num("1,035,000"), (Amount::Int(1035000), None));
        assert_eq!(num("278.334万元"), (Amount::Real(278.334), Some("万元".into())));
        assert_eq!(num("251000元"), (Amount::Int(251000), Some("元".into())));
        assert_eq!(num("减3"), (Amount::Int(-3), None));
        assert_eq!(num("減3"), (Amount::Int(-3), None));
        assert_eq!(num("-8"), (Amount::Int(-8), None));
        assert_eq!(num("278.334萬元"), (Amount::Real(278.334), Some("万元".into())));
        assert_eq!(num("12個"), (Amount::Int(12), Some("个".into())));
        assert_eq!(num("9.63211"), (Amount::Real(9.63211), None));
    }

    #[test]
    fn blanks_marks_and_text() {
        assert_eq!(classify(""), Token::Blank);
        assert_eq!(classify("\u{a0} \u{3000}"), Token::Blank);
        for mark in ["/", "-", "--", "—", "——", "无", "空", "N/A", "／", "－", "無", "暫無", "不適用"] {
            assert_eq!(classify(mark), Token::Na, "{mark}");
        }
        assert_eq!(classify("十二"), Token::Text);
        assert_eq!(classify("行政许可"), Token::Text);
        assert_eq!(classify("#REF!"), Token::Text);
        assert_eq!(classify("99999999999999999999999"), Token::Text);
    }

    #[test]
    fn marks_glued_among_digits_are_items_of_the_run() {
        assert_eq!(marked_run("/—0").as_deref(), Some(&b"//0"[..]));
        assert_eq!(marked_run("——0").as_deref(), Some(&b"/0"[..]), "a run of dashes is one mark");
        assert_eq!(marked_run("8／0").as_deref(), Some(&b"8/0"[..]));
        assert_eq!(marked_run("無60").as_deref(), Some(&b"/60"[..]));
        assert_eq!(marked_run(" 0 — 0 ").as_deref(), Some(&b"0/0"[..]));
        // No mark, no digit, or anything else: not a marked run.
        for raw in ["12", "/", "——", "规章/0", "0-10/", "1.5/", ""] {
            assert_eq!(marked_run(raw), None, "{raw}");
        }
    }

    #[test]
    fn ocr_letters_inside_numbers_are_digits() {
        assert_eq!(num("1O"), (Amount::Int(10), None));
        assert_eq!(num("l9"), (Amount::Int(19), None));
        assert_eq!(num("2〇I"), (Amount::Int(201), None));
        assert_eq!(num("１o"), (Amount::Int(10), None));
        // Alone, or in a word, a letter stays a letter.
        for text in ["O", "l", "I", "〇", "Ol", "ISO9001", "1.O", "lO元"] {
            assert_eq!(classify(text), Token::Text, "{text}");
        }
    }

    #[test]
    fn money_converts_to_template_unit() {
        assert_eq!(to_unit(Amount::Int(251000), "元", "万元"), Some(Amount::Real(25.1)));
        assert_eq!(to_unit(Amount::Real(278.334), "万元", "万元"), Some(Amount::Real(278.334)));
        assert_eq!(to_unit(Amount::Int(2), "亿元", "万元"), Some(Amount::Real(20000.0)));
        assert_eq!(to_unit(Amount::Int(2), "件", "万元"), None);
    }
}
