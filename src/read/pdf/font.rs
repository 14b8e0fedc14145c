//! Fonts as text extraction needs them: how a shown string splits into codes, each code's Unicode text, its
//! advance width, and the writing mode. Composite (Type0) fonts with `Identity-H`/`Identity-V`, embedded or
//! predefined CMaps; simple fonts (Type1, TrueType, Type3) with base encodings and `/Differences`. A
//! `ToUnicode` map wins over everything else. A code nothing maps stays unmapped: its text is not guessed.

use hayro_syntax::object::{Array, Dict, Name, Object, Stream};

use super::cmap::CMap;
use super::encoding::{glyph_name_to_unicode, BaseEncoding};
use super::Budget;

/// One code of a shown string.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// Its Unicode text; `None` when the font has no usable map for it.
    pub text: Option<String>,
    /// Horizontal advance in text space units per unit of font size.
    pub width: f64,
    /// Vertical advance (negative: downwards) in text space units per unit of font size, for vertical fonts.
    pub vertical_advance: f64,
    /// A single-byte code 32, to which word spacing applies.
    pub is_space: bool,
}

/// Multi-byte character sets named by predefined CMaps (`UniGB-UCS2-H`, `GBK-EUC-H`, `B5pc-H` …): the codes
/// are the characters in that charset, so their text is known without a `ToUnicode` map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Charset {
    Utf16,
    Gbk,
    Big5,
    ShiftJis,
    Korean,
}

impl Charset {
    fn from_cmap_name(name: &str) -> Option<Charset> {
        let stem = name.trim_end_matches("-H").trim_end_matches("-V");
        if stem.contains("UCS2") || stem.contains("UTF16") {
            Some(Charset::Utf16)
        } else if stem.starts_with("GB") {
            Some(Charset::Gbk)
        } else if stem.contains("B5") {
            Some(Charset::Big5)
        } else if stem.contains("RKSJ") {
            Some(Charset::ShiftJis)
        } else if stem.starts_with("KSC") {
            Some(Charset::Korean)
        } else {
            None
        }
    }

    fn code_len(self, bytes: &[u8]) -> usize {
        let first = bytes.first().copied().unwrap_or(0);
        let second = bytes.get(1).copied().unwrap_or(0);
        match self {
            Charset::Utf16 if (0xD8..=0xDB).contains(&first) => 4,
            Charset::Utf16 => 2,
            Charset::Gbk if first >= 0x81 && (0x30..=0x39).contains(&second) => 4,
            Charset::Gbk | Charset::Big5 | Charset::Korean if first >= 0x81 => 2,
            Charset::ShiftJis if (0x81..=0x9F).contains(&first) || (0xE0..=0xFC).contains(&first) => 2,
            _ => 1,
        }
    }

    fn decode(self, code: &[u8]) -> Option<String> {
        let encoding = match self {
            Charset::Utf16 => {
                let units: Vec<u16> =
                    code.chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
                return String::from_utf16(&units).ok();
            }
            Charset::Gbk => encoding_rs::GB18030,
            Charset::Big5 => encoding_rs::BIG5,
            Charset::ShiftJis => encoding_rs::SHIFT_JIS,
            Charset::Korean => encoding_rs::EUC_KR,
        };
        let (text, had_errors) = encoding.decode_without_bom_handling(code);
        (!had_errors).then(|| text.into_owned())
    }
}

/// How shown bytes split into codes, and the CID of each (for widths).
#[derive(Debug, Clone)]
enum Codes {
    /// Simple fonts: one byte per code.
    OneByte,
    /// `Identity-H`/`Identity-V`: two bytes per code, CID = code.
    Identity,
    /// An embedded CMap.
    Embedded(CMap),
    /// A predefined CMap over a known charset.
    Charset(Charset),
}

#[derive(Debug, Clone)]
enum Widths {
    Simple { first: u32, widths: Vec<f64>, missing: f64 },
    Cid { default: f64, ranges: Vec<(u32, u32, f64)>, default_vertical: f64, vertical: Vec<(u32, u32, f64)> },
}

/// A font, loaded once per document.
#[derive(Debug, Clone)]
pub struct Font {
    codes: Codes,
    to_unicode: Option<CMap>,
    /// Text of each byte code of a simple font by its encoding.
    simple_text: Vec<Option<String>>,
    widths: Widths,
    /// Glyph space → text space (the FontMatrix scale; 1/1000 for all but Type 3 fonts).
    scale: f64,
    pub vertical: bool,
}

impl Font {
    /// A font whose dictionary could not be read: codes are single bytes without text.
    pub fn unknown() -> Font {
        Font {
            codes: Codes::OneByte,
            to_unicode: None,
            simple_text: Vec::new(),
            widths: Widths::Simple { first: 0, widths: Vec::new(), missing: 500.0 },
            scale: 0.001,
            vertical: false,
        }
    }

    /// Loads a font from its dictionary.
    pub fn load(dict: &Dict<'_>, budget: &mut Budget) -> Font {
        let to_unicode =
            dict.get::<Stream<'_>>(b"ToUnicode").and_then(|s| budget.decode(&s)).map(|data| CMap::parse(&data));
        let to_unicode = to_unicode.filter(CMap::has_unicode);
        let subtype = dict.get::<Name<'_>>(b"Subtype");
        if subtype.as_deref() == Some(b"Type0".as_slice()) {
            Font::composite(dict, to_unicode, budget)
        } else {
            Font::simple(dict, to_unicode, subtype.as_deref() == Some(b"Type3".as_slice()))
        }
    }

    fn composite(dict: &Dict<'_>, to_unicode: Option<CMap>, budget: &mut Budget) -> Font {
        let (codes, vertical) = if let Some(name) = dict.get::<Name<'_>>(b"Encoding") {
            let name = name.as_str();
            let vertical = name.ends_with("-V");
            match name {
                "Identity-H" | "Identity-V" => (Codes::Identity, vertical),
                _ => (Charset::from_cmap_name(name).map_or(Codes::Identity, Codes::Charset), vertical),
            }
        } else if let Some(stream) = dict.get::<Stream<'_>>(b"Encoding") {
            let cmap = budget.decode(&stream).map(|d| CMap::parse(&d)).unwrap_or_default();
            let vertical = cmap.vertical || stream.dict().get::<i32>(b"WMode") == Some(1);
            // An embedded CMap that only says `/UseCMap /UniGB-UCS2-H` inherits that charset.
            match stream.dict().get::<Name<'_>>(b"UseCMap").and_then(|n| Charset::from_cmap_name(n.as_str())) {
                Some(charset) if !cmap.has_codespace() => (Codes::Charset(charset), vertical),
                _ => (Codes::Embedded(cmap), vertical),
            }
        } else {
            (Codes::Identity, false)
        };
        let descendant = dict.get::<Array<'_>>(b"DescendantFonts").and_then(|a| a.iter::<Dict<'_>>().next());
        let widths = match &descendant {
            Some(cid_font) => Widths::Cid {
                default: cid_font.get::<f64>(b"DW").unwrap_or(1000.0),
                ranges: cid_font.get::<Array<'_>>(b"W").map(|w| cid_widths(&w, 1)).unwrap_or_default(),
                default_vertical: cid_font
                    .get::<Array<'_>>(b"DW2")
                    .and_then(|a| a.iter::<f64>().nth(1))
                    .unwrap_or(-1000.0),
                vertical: cid_font.get::<Array<'_>>(b"W2").map(|w| cid_widths(&w, 3)).unwrap_or_default(),
            },
            None => {
                Widths::Cid { default: 1000.0, ranges: Vec::new(), default_vertical: -1000.0, vertical: Vec::new() }
            }
        };
        Font { codes, to_unicode, simple_text: Vec::new(), widths, scale: 0.001, vertical }
    }

    fn simple(dict: &Dict<'_>, to_unicode: Option<CMap>, type3: bool) -> Font {
        let descriptor = dict.get::<Dict<'_>>(b"FontDescriptor");
        let symbolic = descriptor.as_ref().and_then(|d| d.get::<i64>(b"Flags")).is_some_and(|f| f & 4 != 0);
        let (base, differences) = if let Some(name) = dict.get::<Name<'_>>(b"Encoding") {
            (BaseEncoding::from_name(&name), None)
        } else if let Some(enc) = dict.get::<Dict<'_>>(b"Encoding") {
            let base = enc.get::<Name<'_>>(b"BaseEncoding").and_then(|n| BaseEncoding::from_name(&n));
            (base, enc.get::<Array<'_>>(b"Differences"))
        } else {
            (None, None)
        };
        // Without a named base, a non-symbolic Type 1 or TrueType font uses the standard encoding; a symbolic font's
        // built-in encoding and a Type 3 font's glyph names are unknown here.
        let base = base.or((!symbolic && !type3).then_some(BaseEncoding::Standard));
        let mut simple_text: Vec<Option<String>> =
            (0..=255u8).map(|c| base.and_then(|b| b.char(c)).map(String::from)).collect();
        if let Some(differences) = differences {
            let mut code = 0usize;
            for item in differences.iter::<Object<'_>>() {
                match item {
                    Object::Number(n) => code = n.as_i64().clamp(0, 256) as usize,
                    Object::Name(name) => {
                        if let Some(slot) = simple_text.get_mut(code) {
                            *slot = glyph_name_to_unicode(name.as_str());
                        }
                        code += 1;
                    }
                    _ => {}
                }
            }
        }
        let scale = if type3 {
            dict.get::<Array<'_>>(b"FontMatrix").and_then(|m| m.iter::<f64>().next()).map_or(0.001, f64::abs)
        } else {
            0.001
        };
        let default_width = if type3 { 0.0 } else { 500.0 };
        let widths = Widths::Simple {
            first: dict.get::<i64>(b"FirstChar").map_or(0, |f| f.clamp(0, 255) as u32),
            widths: dict.get::<Array<'_>>(b"Widths").map(|w| w.iter::<f64>().collect()).unwrap_or_default(),
            missing: descriptor
                .and_then(|d| d.get::<f64>(b"MissingWidth"))
                .filter(|w| *w > 0.0)
                .unwrap_or(default_width),
        };
        Font { codes: Codes::OneByte, to_unicode, simple_text, widths, scale, vertical: false }
    }

    /// Splits shown bytes into codes.
    pub fn decode(&self, bytes: &[u8], out: &mut Vec<Code>) {
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            let len = match &self.codes {
                Codes::OneByte => 1,
                Codes::Identity => 2,
                Codes::Embedded(cmap) => cmap.code_len(rest),
                Codes::Charset(charset) => charset.code_len(rest),
            }
            .min(rest.len());
            let raw = &rest[..len];
            i += len;
            let code = raw.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
            let cid = match &self.codes {
                Codes::OneByte | Codes::Identity => code,
                Codes::Embedded(cmap) => cmap.cid(len as u8, code).unwrap_or(code),
                // Widths by CID would need the predefined CMap's tables: the default width serves.
                Codes::Charset(_) => u32::MAX,
            };
            let text = self.text(raw, len as u8, code);
            let (width, vertical_advance) = self.advance(cid);
            out.push(Code { text, width, vertical_advance, is_space: len == 1 && code == 32 });
        }
    }

    fn text(&self, raw: &[u8], len: u8, code: u32) -> Option<String> {
        let usable = |t: &str| !t.is_empty() && !t.chars().all(|c| c.is_control() || c == '\u{FFFD}');
        if let Some(text) = self.to_unicode.as_ref().and_then(|m| m.unicode(len, code)).filter(|t| usable(t)) {
            return Some(text.to_string());
        }
        match &self.codes {
            Codes::OneByte => self.simple_text.get(code as usize).cloned().flatten(),
            Codes::Charset(charset) => charset.decode(raw).filter(|t| usable(t)),
            Codes::Identity | Codes::Embedded(_) => None,
        }
    }

    fn advance(&self, cid: u32) -> (f64, f64) {
        match &self.widths {
            Widths::Simple { first, widths, missing } => {
                let w = cid.checked_sub(*first).and_then(|i| widths.get(i as usize)).copied().unwrap_or(*missing);
                (w * self.scale, 0.0)
            }
            Widths::Cid { default, ranges, default_vertical, vertical } => {
                let find = |ranges: &[(u32, u32, f64)]| {
                    ranges.iter().find(|(lo, hi, _)| *lo <= cid && cid <= *hi).map(|r| r.2)
                };
                (
                    find(ranges).unwrap_or(*default) * self.scale,
                    find(vertical).unwrap_or(*default_vertical) * self.scale,
                )
            }
        }
    }
}

/// Parses a `W` (`stride` 1) or `W2` (`stride` 3, of which the first value, the vertical advance, is kept) array:
/// `c [w …]` or `c_first c_last w`.
fn cid_widths(array: &Array<'_>, stride: usize) -> Vec<(u32, u32, f64)> {
    let items: Vec<Object<'_>> = array.iter::<Object<'_>>().collect();
    let number = |o: Option<&Object<'_>>| match o {
        Some(Object::Number(n)) => Some(n.as_f64()),
        _ => None,
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let Some(first) = number(items.get(i)) else { break };
        let first = first.max(0.0) as u32;
        match items.get(i + 1) {
            Some(Object::Array(list)) => {
                let values: Vec<f64> = list.iter::<f64>().collect();
                for (n, chunk) in values.chunks(stride).enumerate() {
                    out.push((first + n as u32, first + n as u32, chunk[0]));
                }
                i += 2;
            }
            _ => {
                let (Some(last), Some(w)) = (number(items.get(i + 1)), number(items.get(i + 2))) else { break };
                out.push((first, last.max(0.0) as u32, w));
                i += 2 + stride;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predefined_cmaps_name_their_charset() {
        assert_eq!(Charset::from_cmap_name("UniGB-UCS2-H"), Some(Charset::Utf16));
        assert_eq!(Charset::from_cmap_name("UniGB-UTF16-V"), Some(Charset::Utf16));
        assert_eq!(Charset::from_cmap_name("GBK-EUC-H"), Some(Charset::Gbk));
        assert_eq!(Charset::from_cmap_name("ETen-B5-H"), Some(Charset::Big5));
        assert_eq!(Charset::from_cmap_name("Adobe-GB1-UCS2"), Some(Charset::Utf16));
        assert_eq!(Charset::Gbk.decode(&[0xD0, 0xD0]).as_deref(), Some("行"));
        assert_eq!(Charset::Gbk.code_len(&[0x31, 0xD0]), 1);
        assert_eq!(Charset::Utf16.decode(&[0x88, 0x4C]).as_deref(), Some("行"));
        assert_eq!(Charset::Big5.decode(&[0xA6, 0xE6]).as_deref(), Some("行"));
    }

    #[test]
    fn simple_fonts_decode_one_byte_per_code_with_widths() {
        let font = Font {
            codes: Codes::OneByte,
            to_unicode: None,
            simple_text: (0..=255u8).map(|c| BaseEncoding::WinAnsi.char(c).map(String::from)).collect(),
            widths: Widths::Simple { first: 48, widths: vec![556.0, 556.0], missing: 500.0 },
            scale: 0.001,
            vertical: false,
        };
        let mut codes = Vec::new();
        font.decode(b"01 ", &mut codes);
        assert_eq!(codes.len(), 3);
        assert_eq!(codes[1].text.as_deref(), Some("1"));
        assert!((codes[0].width - 0.556).abs() < 1e-9);
        assert!(codes[2].is_space && (codes[2].width - 0.5).abs() < 1e-9);
    }

    #[test]
    fn identity_codes_without_a_map_have_no_text() {
        let font = Font {
            codes: Codes::Identity,
            to_unicode: Some(CMap::parse(b"1 beginbfchar <0102> <884C> endbfchar")),
            simple_text: Vec::new(),
            widths: Widths::Cid {
                default: 1000.0,
                ranges: vec![(0x0102, 0x0102, 500.0)],
                default_vertical: -1000.0,
                vertical: Vec::new(),
            },
            scale: 0.001,
            vertical: true,
        };
        let mut codes = Vec::new();
        font.decode(&[0x01, 0x02, 0x03, 0x04, 0x05], &mut codes);
        assert_eq!(codes.len(), 3);
        assert_eq!(codes[0].text.as_deref(), Some("行"));
        assert_eq!(codes[0].width, 0.5);
        assert_eq!(codes[0].vertical_advance, -1.0);
        assert_eq!(codes[1].text, None);
    }
}
