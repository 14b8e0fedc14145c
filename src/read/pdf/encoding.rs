//! Simple-font encodings: the standard base encodings (WinAnsi, MacRoman, Standard) and glyph names
//! (`/Differences`) to Unicode. Glyph names follow the Adobe Glyph List conventions (`uni4E00`, `u1F600`, and
//! the names of the Latin characters); other names (`g123`, `cid456`) have no meaning and stay unmapped.

use crate::hash::HashMap;
use std::sync::LazyLock;

/// Names of the printable ASCII characters 0x20..=0x7E.
const ASCII_NAMES: [&str; 95] = [
    "space",
    "exclam",
    "quotedbl",
    "numbersign",
    "dollar",
    "percent",
    "ampersand",
    "quotesingle",
    "parenleft",
    "parenright",
    "asterisk",
    "plus",
    "comma",
    "hyphen",
    "period",
    "slash",
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "colon",
    "semicolon",
    "less",
    "equal",
    "greater",
    "question",
    "at",
    "A",
    "B",
    "C",
    "D",
    "E",
    "F",
    "G",
    "H",
    "I",
    "J",
    "K",
    "L",
    "M",
    "N",
    "O",
    "P",
    "Q",
    "R",
    "S",
    "T",
    "U",
    "V",
    "W",
    "X",
    "Y",
    "Z",
    "bracketleft",
    "backslash",
    "bracketright",
    "asciicircum",
    "underscore",
    "grave",
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "v",
    "w",
    "x",
    "y",
    "z",
    "braceleft",
    "bar",
    "braceright",
    "asciitilde",
];

/// Names of the Latin-1 characters 0xA0..=0xFF.
const LATIN1_NAMES: [&str; 96] = [
    "nbspace",
    "exclamdown",
    "cent",
    "sterling",
    "currency",
    "yen",
    "brokenbar",
    "section",
    "dieresis",
    "copyright",
    "ordfeminine",
    "guillemotleft",
    "logicalnot",
    "sfthyphen",
    "registered",
    "macron",
    "degree",
    "plusminus",
    "twosuperior",
    "threesuperior",
    "acute",
    "mu",
    "paragraph",
    "periodcentered",
    "cedilla",
    "onesuperior",
    "ordmasculine",
    "guillemotright",
    "onequarter",
    "onehalf",
    "threequarters",
    "questiondown",
    "Agrave",
    "Aacute",
    "Acircumflex",
    "Atilde",
    "Adieresis",
    "Aring",
    "AE",
    "Ccedilla",
    "Egrave",
    "Eacute",
    "Ecircumflex",
    "Edieresis",
    "Igrave",
    "Iacute",
    "Icircumflex",
    "Idieresis",
    "Eth",
    "Ntilde",
    "Ograve",
    "Oacute",
    "Ocircumflex",
    "Otilde",
    "Odieresis",
    "multiply",
    "Oslash",
    "Ugrave",
    "Uacute",
    "Ucircumflex",
    "Udieresis",
    "Yacute",
    "Thorn",
    "germandbls",
    "agrave",
    "aacute",
    "acircumflex",
    "atilde",
    "adieresis",
    "aring",
    "ae",
    "ccedilla",
    "egrave",
    "eacute",
    "ecircumflex",
    "edieresis",
    "igrave",
    "iacute",
    "icircumflex",
    "idieresis",
    "eth",
    "ntilde",
    "ograve",
    "oacute",
    "ocircumflex",
    "otilde",
    "odieresis",
    "divide",
    "oslash",
    "ugrave",
    "uacute",
    "ucircumflex",
    "udieresis",
    "yacute",
    "thorn",
    "ydieresis",
];

/// WinAnsiEncoding 0x80..=0x9F (undefined positions are `None`).
const WIN_ANSI_80: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// MacRomanEncoding 0x80..=0xFF.
const MAC_ROMAN_80: &str = "ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø¿¡¬√ƒ≈∆«»… ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\u{F8FF}ÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ";

/// The base encodings a simple font may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseEncoding {
    WinAnsi,
    MacRoman,
    Standard,
}

impl BaseEncoding {
    pub fn from_name(name: &[u8]) -> Option<BaseEncoding> {
        match name {
            b"WinAnsiEncoding" => Some(BaseEncoding::WinAnsi),
            b"MacRomanEncoding" => Some(BaseEncoding::MacRoman),
            b"StandardEncoding" => Some(BaseEncoding::Standard),
            _ => None,
        }
    }

    /// The character of a code in this encoding.
    pub fn char(self, code: u8) -> Option<char> {
        match (self, code) {
            (BaseEncoding::Standard, 0x27) => Some('’'),
            (BaseEncoding::Standard, 0x60) => Some('‘'),
            (_, 0x20..=0x7E) => Some(code as char),
            (BaseEncoding::WinAnsi, 0x80..=0x9F) => WIN_ANSI_80.get(usize::from(code - 0x80)).copied().flatten(),
            (BaseEncoding::WinAnsi, 0xA0..=0xFF) => Some(char::from(code)),
            (BaseEncoding::MacRoman, 0x80..=0xFF) => MAC_ROMAN_80.chars().nth(usize::from(code - 0x80)),
            _ => None,
        }
    }
}

/// The Latin names of [`ASCII_NAMES`] and [`LATIN1_NAMES`], looked up once per glyph of every simple font.
static LATIN_NAMES: LazyLock<HashMap<&'static str, char>> = LazyLock::new(|| {
    let ascii = ASCII_NAMES.iter().enumerate().map(|(i, n)| (*n, char::from(0x20 + i as u8)));
    let latin1 = LATIN1_NAMES.iter().enumerate().map(|(i, n)| (*n, char::from(0xA0 + i as u8)));
    ascii.chain(latin1).collect()
});

/// The Unicode text of a glyph name, if the name has one.
pub fn glyph_name_to_unicode(name: &str) -> Option<String> {
    // `a.sc`, `one.oldstyle`: the part before the dot names the character.
    let base = name.split('.').next().unwrap_or(name);
    if let Some(c) = LATIN_NAMES.get(base) {
        return Some(c.to_string());
    }
    let extra = match base {
        "Euro" => '€',
        "bullet" => '•',
        "endash" => '–',
        "emdash" => '—',
        "quoteleft" => '‘',
        "quoteright" => '’',
        "quotedblleft" => '“',
        "quotedblright" => '”',
        "quotesinglbase" => '‚',
        "quotedblbase" => '„',
        "ellipsis" => '…',
        "dagger" => '†',
        "daggerdbl" => '‡',
        "perthousand" => '‰',
        "trademark" => '™',
        "fi" => '\u{FB01}',
        "fl" => '\u{FB02}',
        "minus" => '−',
        "middot" => '·',
        "florin" => 'ƒ',
        "circumflex" => 'ˆ',
        "tilde" => '˜',
        "dotlessi" => 'ı',
        "OE" => 'Œ',
        "oe" => 'œ',
        "Scaron" => 'Š',
        "scaron" => 'š',
        "Zcaron" => 'Ž',
        "zcaron" => 'ž',
        "Ydieresis" => 'Ÿ',
        "guilsinglleft" => '‹',
        "guilsinglright" => '›',
        "hyphenminus" => '-',
        "uni00A0" | "nonbreakingspace" => ' ',
        _ => return hex_name(base),
    };
    Some(extra.to_string())
}

/// `uniXXXX[XXXX…]` (UTF-16 code units) and `uXXXX[XX]` (one code point).
fn hex_name(name: &str) -> Option<String> {
    if let Some(hex) = name.strip_prefix("uni") {
        if hex.is_empty() || hex.len() % 4 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let units: Vec<u16> = hex
            .as_bytes()
            .chunks(4)
            .filter_map(|c| u16::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
            .collect();
        return String::from_utf16(&units).ok();
    }
    let hex = name.strip_prefix('u')?;
    if !(4..=6).contains(&hex.len()) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    char::from_u32(u32::from_str_radix(hex, 16).ok()?).map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_encodings() {
        assert_eq!(BaseEncoding::WinAnsi.char(b'7'), Some('7'));
        assert_eq!(BaseEncoding::WinAnsi.char(0x97), Some('—'));
        assert_eq!(BaseEncoding::WinAnsi.char(0xE9), Some('é'));
        assert_eq!(BaseEncoding::MacRoman.char(0x80), Some('Ä'));
        assert_eq!(BaseEncoding::MacRoman.char(0xFF), Some('ˇ'));
        assert_eq!(BaseEncoding::Standard.char(0x27), Some('’'));
        assert_eq!(BaseEncoding::WinAnsi.char(0x05), None);
    }

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name_to_unicode("seven").as_deref(), Some("7"));
        assert_eq!(glyph_name_to_unicode("eacute").as_deref(), Some("é"));
        assert_eq!(glyph_name_to_unicode("uni884C").as_deref(), Some("行"));
        assert_eq!(glyph_name_to_unicode("u2F00").as_deref(), Some("⼀"));
        assert_eq!(glyph_name_to_unicode("one.oldstyle").as_deref(), Some("1"));
        assert_eq!(glyph_name_to_unicode("g123"), None);
        assert_eq!(glyph_name_to_unicode("cid00456"), None);
    }
}
