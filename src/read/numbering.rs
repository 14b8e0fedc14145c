//! List numbering shared by the Word readers: the label Word draws in front of a numbered paragraph (`一、`,
//! `（二）`, `3.`) is not in the paragraph's text; it is rendered here from the list definitions (DOCX
//! `numbering.xml`, the legacy format's list tables) and the running counters, in document order.

use crate::hash::HashMap;

/// One level of a list definition.
#[derive(Debug, Clone)]
pub struct Level {
    pub start: i64,
    /// The number format, by its OOXML name (`decimal`, `chineseCounting`, `bullet` …).
    pub format: String,
    /// The label with `%1`…`%9` standing for the numbers of levels 1–9 (`%1、`, `（%2）`, `%1.%2`).
    pub text: String,
    /// `tab` (the default), `space` or `nothing` after the label.
    pub suffix: String,
    /// Every level's number in decimal (`isLgl`).
    pub legal: bool,
}

impl Default for Level {
    fn default() -> Self {
        Level { start: 1, format: "decimal".into(), text: String::new(), suffix: "tab".into(), legal: false }
    }
}

/// The list definitions of a document: lists (Word's abstract numbering) and the instances paragraphs refer to.
#[derive(Debug, Clone, Default)]
pub struct Numbering {
    abstracts: HashMap<i64, Vec<Level>>,
    /// numId → (abstractNumId, start overrides by level).
    nums: HashMap<i64, (i64, HashMap<usize, i64>)>,
}

/// Levels of a list.
pub const LEVELS: usize = 9;

impl Numbering {
    /// Defines list `id` with default levels, to be filled through [`Numbering::level_mut`].
    pub fn add_list(&mut self, id: i64) {
        self.abstracts.insert(id, vec![Level::default(); LEVELS]);
    }

    pub fn level_mut(&mut self, list: i64, level: usize) -> Option<&mut Level> {
        self.abstracts.get_mut(&list).and_then(|levels| levels.get_mut(level))
    }

    /// Instance `num_id` numbers with list `list`.
    pub fn add_instance(&mut self, num_id: i64, list: i64) {
        self.nums.insert(num_id, (list, HashMap::default()));
    }

    /// Instance `num_id` starts `level` at `start` where it is first used.
    pub fn override_start(&mut self, num_id: i64, level: usize, start: i64) {
        if let Some((_, overrides)) = self.nums.get_mut(&num_id) {
            overrides.insert(level, start);
        }
    }
}

/// The running counters of the lists, in document order. Lists that share a definition share their counters,
/// as Word numbers them; a list instance with a start override restarts where it is first used.
#[derive(Debug, Default)]
pub struct Counters {
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
pub fn format_number(n: i64, format: &str) -> String {
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
}
