//! Paragraph styles and list numbering of a DOCX package: whether a style makes a heading, which list a style
//! numbers, and the label text (`一、`, `（二）`, `3.`) Word draws in front of a numbered paragraph.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// The value of the attribute with local name `name` (`w:val` → `val`).
pub(super) fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

fn val(e: &BytesStart<'_>) -> Option<String> {
    attr(e, "val")
}

fn number(e: &BytesStart<'_>) -> Option<i64> {
    val(e).and_then(|v| v.trim().parse().ok())
}

/// A list reference: which numbering instance, at which level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct NumRef {
    pub num_id: Option<i64>,
    pub level: Option<usize>,
}

#[derive(Debug, Clone, Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline_level: Option<i64>,
    num: NumRef,
}

/// The paragraph styles of a package, by style id.
#[derive(Debug, Clone, Default)]
pub(super) struct Styles {
    styles: HashMap<String, Style>,
}

/// How many `basedOn` links are followed (a cycle stops here).
const MAX_STYLE_CHAIN: usize = 16;

impl Styles {
    pub fn parse(xml: &str) -> Styles {
        let mut styles = HashMap::new();
        let mut current: Option<(String, Style)> = None;
        let mut reader = Reader::from_str(xml);
        loop {
            match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                    "style" => {
                        let is_paragraph = attr(&e, "type").is_none_or(|t| t == "paragraph");
                        current = attr(&e, "styleId").filter(|_| is_paragraph).map(|id| (id, Style::default()));
                    }
                    "name" => set(&mut current, |s| s.name = val(&e).unwrap_or_default()),
                    "basedOn" => set(&mut current, |s| s.based_on = val(&e)),
                    "outlineLvl" => set(&mut current, |s| s.outline_level = number(&e)),
                    "numId" => set(&mut current, |s| s.num.num_id = number(&e)),
                    "ilvl" => set(&mut current, |s| s.num.level = number(&e).and_then(|n| usize::try_from(n).ok())),
                    _ => {}
                },
                Ok(Event::End(e)) if e.local_name().as_ref() == "style" => {
                    if let Some((id, style)) = current.take() {
                        styles.insert(id, style);
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
        Styles { styles }
    }

    /// The style and the styles it is based on, nearest first.
    fn chain<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Style> + 'a {
        let mut next = Some(id);
        std::iter::from_fn(move || {
            let style = self.styles.get(next?)?;
            next = style.based_on.as_deref();
            Some(style)
        })
        .take(MAX_STYLE_CHAIN)
    }

    /// A heading style: a built-in heading (`heading 1`, also named `标题 1` by some writers) or a style with an
    /// outline level, directly or through the styles it is based on.
    pub fn is_heading(&self, id: &str) -> bool {
        self.chain(id).any(|s| is_heading_name(&s.name))
            || self.chain(id).find_map(|s| s.outline_level).is_some_and(is_outline_heading)
    }

    /// The numbering a style applies to its paragraphs.
    pub fn numbering(&self, id: &str) -> NumRef {
        NumRef { num_id: self.chain(id).find_map(|s| s.num.num_id), level: self.chain(id).find_map(|s| s.num.level) }
    }
}

fn set(current: &mut Option<(String, Style)>, f: impl FnOnce(&mut Style)) {
    if let Some((_, style)) = current {
        f(style);
    }
}

fn is_heading_name(name: &str) -> bool {
    let lower = name.trim().to_lowercase();
    let rest = lower.strip_prefix("heading").or_else(|| lower.strip_prefix("标题"));
    rest.is_some_and(|r| {
        let r = r.trim();
        !r.is_empty() && r.chars().all(|c| c.is_ascii_digit())
    })
}

/// Outline levels 0–8 are headings; 9 is body text.
pub(super) fn is_outline_heading(level: i64) -> bool {
    (0..9).contains(&level)
}

/// One level of a list definition.
#[derive(Debug, Clone)]
struct Level {
    start: i64,
    format: String,
    text: String,
    /// `tab` (the default), `space` or `nothing` after the label.
    suffix: String,
    legal: bool,
}

impl Default for Level {
    fn default() -> Self {
        Level { start: 1, format: "decimal".into(), text: String::new(), suffix: "tab".into(), legal: false }
    }
}

/// The list definitions of a package (`numbering.xml`).
#[derive(Debug, Clone, Default)]
pub(super) struct Numbering {
    abstracts: HashMap<i64, Vec<Level>>,
    /// numId → (abstractNumId, start overrides by level).
    nums: HashMap<i64, (i64, HashMap<usize, i64>)>,
}

const LEVELS: usize = 9;

impl Numbering {
    pub fn parse(xml: &str) -> Numbering {
        let mut numbering = Numbering::default();
        let mut reader = Reader::from_str(xml);
        let mut abstract_id: Option<i64> = None;
        let mut num_id: Option<i64> = None;
        let mut level: Option<usize> = None;
        let mut in_override = false;
        loop {
            match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                    "abstractNum" => {
                        abstract_id = attr(&e, "abstractNumId").and_then(|v| v.parse().ok());
                        if let Some(id) = abstract_id {
                            numbering.abstracts.insert(id, vec![Level::default(); LEVELS]);
                        }
                    }
                    "num" => {
                        num_id = attr(&e, "numId").and_then(|v| v.parse().ok());
                        abstract_id = None;
                    }
                    "abstractNumId" => {
                        if let (Some(n), Some(a)) = (num_id, number(&e)) {
                            numbering.nums.insert(n, (a, HashMap::new()));
                        }
                    }
                    "lvl" | "lvlOverride" => {
                        level = attr(&e, "ilvl").and_then(|v| v.parse().ok()).filter(|&l: &usize| l < LEVELS);
                        in_override = e.local_name().as_ref() == "lvlOverride";
                    }
                    "startOverride" => {
                        if let (Some(n), Some(l), Some(v)) = (num_id, level, number(&e)) {
                            if let Some((_, overrides)) = numbering.nums.get_mut(&n) {
                                overrides.insert(l, v);
                            }
                        }
                    }
                    name if !in_override => {
                        let slot = abstract_id
                            .zip(level)
                            .and_then(|(a, l)| numbering.abstracts.get_mut(&a).and_then(|levels| levels.get_mut(l)));
                        if let Some(lvl) = slot {
                            match name {
                                "start" => lvl.start = number(&e).unwrap_or(1),
                                "numFmt" => lvl.format = val(&e).unwrap_or_default(),
                                "lvlText" => lvl.text = val(&e).unwrap_or_default(),
                                "suff" => lvl.suffix = val(&e).unwrap_or_default(),
                                "isLgl" => lvl.legal = val(&e).is_none_or(|v| v != "0" && v != "false"),
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                },
                Ok(Event::End(e)) => match e.local_name().as_ref() {
                    "abstractNum" => abstract_id = None,
                    "num" => num_id = None,
                    "lvl" | "lvlOverride" => {
                        level = None;
                        in_override = false;
                    }
                    _ => {}
                },
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
        numbering
    }
}

/// The running counters of the lists, in document order. Lists that share a definition share their counters,
/// as Word numbers them; a list instance with a start override restarts where it is first used.
#[derive(Debug, Default)]
pub(super) struct Counters {
    counts: HashMap<i64, [i64; LEVELS]>,
    started: std::collections::HashSet<i64>,
}

impl Counters {
    /// The label of the next paragraph of list `num_id` at `level` (empty for bullets and unknown lists).
    pub fn label(&mut self, numbering: &Numbering, num_id: i64, level: usize) -> String {
        let Some((abstract_id, overrides)) = numbering.nums.get(&num_id) else {
            return String::new();
        };
        let Some(levels) = numbering.abstracts.get(abstract_id) else {
            return String::new();
        };
        let level = level.min(LEVELS - 1);
        let counts = self.counts.entry(*abstract_id).or_insert_with(|| {
            let mut c = [0; LEVELS];
            for (i, l) in levels.iter().enumerate() {
                c[i] = l.start - 1;
            }
            c
        });
        if self.started.insert(num_id) {
            for (&l, &start) in overrides {
                if let Some(c) = counts.get_mut(l) {
                    *c = start - 1;
                }
            }
        }
        counts[level] = counts[level].saturating_add(1);
        for (deeper, count) in counts.iter_mut().enumerate().skip(level + 1) {
            *count = levels.get(deeper).map_or(0, |l| l.start - 1);
        }
        let Some(this) = levels.get(level) else {
            return String::new();
        };
        if matches!(this.format.as_str(), "bullet" | "none") {
            return String::new();
        }
        let mut label = String::new();
        let mut chars = this.text.chars().peekable();
        while let Some(c) = chars.next() {
            let referenced = chars.peek().and_then(|d| d.to_digit(10)).map(|d| d as usize);
            match (c, referenced) {
                ('%', Some(d)) if (1..=LEVELS).contains(&d) => {
                    chars.next();
                    let format = if this.legal { "decimal" } else { levels[d - 1].format.as_str() };
                    label.push_str(&format_number(counts[d - 1], format));
                }
                _ => label.push(c),
            }
        }
        match this.suffix.as_str() {
            "nothing" => {}
            _ if label.is_empty() || label.ends_with(|c: char| !c.is_ascii()) => {}
            _ => label.push(' '),
        }
        label
    }
}

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const LEGAL_DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

/// `n` in a Word number format.
pub(super) fn format_number(n: i64, format: &str) -> String {
    let small = usize::try_from(n).ok();
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "japaneseCounting"
        | "ideographDigital" => chinese(n, &DIGITS, ['十', '百', '千']),
        "chineseLegalSimplified" | "japaneseLegal" => chinese(n, &LEGAL_DIGITS, ['拾', '佰', '仟']),
        "ideographTraditional" => cycle(n, "甲乙丙丁戊己庚辛壬癸"),
        "ideographZodiac" => cycle(n, "子丑寅卯辰巳午未申酉戌亥"),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" | "ideographEnclosedCircle" => {
            enclosed(small, '\u{2460}', 20).unwrap_or_else(|| n.to_string())
        }
        "decimalEnclosedParen" => enclosed(small, '\u{2474}', 20).unwrap_or_else(|| format!("({n})")),
        "decimalEnclosedFullstop" => enclosed(small, '\u{2488}', 20).unwrap_or_else(|| format!("{n}.")),
        "decimalFullWidth" | "decimalFullWidth2" => {
            n.to_string().chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)).collect()
        }
        "decimalZero" => format!("{n:02}"),
        "upperLetter" => letters(n).to_uppercase(),
        "lowerLetter" => letters(n),
        "upperRoman" => roman(n),
        "lowerRoman" => roman(n).to_lowercase(),
        _ => n.to_string(),
    }
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (numbers past 9999 are written in digits).
fn chinese(n: i64, digits: &[char; 10], units: [char; 3]) -> String {
    if !(0..10_000).contains(&n) {
        return n.to_string();
    }
    if n == 0 {
        return digits[0].to_string();
    }
    let parts = [(n / 1000) as usize, (n / 100 % 10) as usize, (n / 10 % 10) as usize, (n % 10) as usize];
    let unit = [Some(units[2]), Some(units[1]), Some(units[0]), None];
    let mut out = String::new();
    let mut zero_pending = false;
    for (i, &d) in parts.iter().enumerate() {
        if d == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if zero_pending {
            out.push(digits[0]);
            zero_pending = false;
        }
        // 十二, not 一十二, when the tens lead.
        if !(i == 2 && d == 1 && out.is_empty()) {
            out.push(digits[d]);
        }
        if let Some(u) = unit[i] {
            out.push(u);
        }
    }
    out
}

fn cycle(n: i64, symbols: &str) -> String {
    let symbols: Vec<char> = symbols.chars().collect();
    let i = usize::try_from(n - 1).unwrap_or(0) % symbols.len();
    symbols[i].to_string()
}

fn enclosed(n: Option<usize>, first: char, count: usize) -> Option<String> {
    let n = n.filter(|&n| (1..=count).contains(&n))?;
    char::from_u32(first as u32 + n as u32 - 1).map(String::from)
}

/// 1 → a, 26 → z, 27 → aa (Word repeats the letter).
fn letters(n: i64) -> String {
    if !(1..=780).contains(&n) {
        return n.to_string();
    }
    let letter = (b'a' + ((n - 1) % 26) as u8) as char;
    std::iter::repeat_n(letter, ((n - 1) / 26 + 1) as usize).collect()
}

fn roman(n: i64) -> String {
    if !(1..4000).contains(&n) {
        return n.to_string();
    }
    let table = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut n = n;
    let mut out = String::new();
    for (value, symbol) in table {
        while n >= value {
            out.push_str(symbol);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers_read_as_printed() {
        let f = |n| format_number(n, "chineseCounting");
        assert_eq!(
            [f(1), f(10), f(12), f(20), f(21), f(100), f(105), f(110)],
            ["一", "十", "十二", "二十", "二十一", "一百", "一百零五", "一百一十"]
        );
        assert_eq!(format_number(3, "chineseLegalSimplified"), "叁");
        assert_eq!(format_number(2, "ideographTraditional"), "乙");
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(28, "upperLetter"), "BB");
        assert_eq!(format_number(14, "lowerRoman"), "xiv");
        assert_eq!(format_number(7, "decimalFullWidth"), "７");
    }

    #[test]
    fn heading_styles_by_name_outline_level_and_inheritance() {
        let styles = Styles::parse(
            r#"<w:styles xmlns:w="w">
            <w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style>
            <w:style w:type="paragraph" w:styleId="My"><w:name w:val="我的标题"/><w:basedOn w:val="1"/></w:style>
            <w:style w:type="paragraph" w:styleId="Outline"><w:name w:val="x"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
            <w:style w:type="paragraph" w:styleId="Body"><w:name w:val="Body Text"/><w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>
            <w:style w:type="paragraph" w:styleId="A"><w:name w:val="a"/><w:basedOn w:val="B"/></w:style>
            <w:style w:type="paragraph" w:styleId="B"><w:name w:val="b"/><w:basedOn w:val="A"/></w:style>
            </w:styles>"#,
        );
        assert!(styles.is_heading("1") && styles.is_heading("My") && styles.is_heading("Outline"));
        assert!(!styles.is_heading("Body") && !styles.is_heading("A") && !styles.is_heading("missing"));
    }

    #[test]
    fn list_labels_follow_the_definition_and_restart_deeper_levels() {
        let numbering = Numbering::parse(
            r#"<w:numbering xmlns:w="w">
            <w:abstractNum w:abstractNumId="0">
              <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
              <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
              <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
            </w:abstractNum>
            <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>
            <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
            <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
            <w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="2"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
            </w:numbering>"#,
        );
        let mut c = Counters::default();
        let labels: Vec<String> = [(1, 0), (1, 1), (1, 1), (1, 2), (1, 0), (1, 1), (2, 0), (3, 2), (9, 0)]
            .iter()
            .map(|&(n, l)| c.label(&numbering, n, l))
            .collect();
        assert_eq!(labels, ["一、", "（一）", "（二）", "1. ", "二、", "（一）", "", "5. ", ""]);
    }
}
