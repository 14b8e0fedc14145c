//! CMaps: the code → Unicode maps of `ToUnicode` streams, and the code → CID maps of embedded encodings.
//! Only the parts text extraction needs are read: code space ranges, `bfchar`/`bfrange`, `cidchar`/`cidrange`
//! and the writing mode. A malformed CMap yields whatever entries parsed before the damage.

use crate::hash::HashMap;

/// Upper bound on the codes one `bfrange`/`cidrange` may expand to, so a hostile range cannot exhaust memory.
const MAX_RANGE: u32 = 0x1_0000;
/// Upper bound on all entries of one CMap.
const MAX_ENTRIES: usize = 200_000;

/// A parsed CMap.
#[derive(Debug, Default, Clone)]
pub struct CMap {
    /// Code space ranges: for each, the bytes' low and high bounds (same length).
    codespace: Vec<(Vec<u8>, Vec<u8>)>,
    /// Code (keyed with its byte length) → Unicode text.
    unicode: HashMap<(u8, u32), String>,
    /// Code ranges → first CID: `(length, low, high, cid)`.
    cids: Vec<(u8, u32, u32, u32)>,
    /// `/WMode 1`: vertical writing.
    pub vertical: bool,
}

impl CMap {
    /// Parses a CMap program.
    pub fn parse(data: &[u8]) -> CMap {
        let mut cmap = CMap::default();
        let tokens = tokenize(data);
        let mut i = 0;
        let mut entries = 0usize;
        while i < tokens.len() && entries < MAX_ENTRIES {
            match &tokens[i] {
                Token::Keyword(k) if k == "begincodespacerange" => {
                    i += 1;
                    while let (Some(Token::Hex(lo)), Some(Token::Hex(hi))) = (tokens.get(i), tokens.get(i + 1)) {
                        if lo.len() == hi.len() && !lo.is_empty() && lo.len() <= 4 {
                            cmap.codespace.push((lo.clone(), hi.clone()));
                        }
                        i += 2;
                    }
                }
                Token::Keyword(k) if k == "beginbfchar" => {
                    i += 1;
                    while let (Some(Token::Hex(code)), Some(dst)) = (tokens.get(i), tokens.get(i + 1)) {
                        if let (Some(key), Some(text)) = (code_key(code), unicode_of(dst)) {
                            cmap.unicode.insert(key, text);
                            entries += 1;
                        }
                        i += 2;
                    }
                }
                Token::Keyword(k) if k == "beginbfrange" => {
                    i += 1;
                    while let (Some(Token::Hex(lo)), Some(Token::Hex(hi)), Some(dst)) =
                        (tokens.get(i), tokens.get(i + 1), tokens.get(i + 2))
                    {
                        entries += cmap.add_bfrange(lo, hi, dst);
                        i += 3;
                    }
                }
                Token::Keyword(k) if k == "begincidchar" => {
                    i += 1;
                    while let (Some(Token::Hex(code)), Some(Token::Number(cid))) = (tokens.get(i), tokens.get(i + 1)) {
                        if let Some((len, c)) = code_key(code) {
                            cmap.cids.push((len, c, c, *cid as u32));
                            entries += 1;
                        }
                        i += 2;
                    }
                }
                Token::Keyword(k) if k == "begincidrange" => {
                    i += 1;
                    while let (Some(Token::Hex(lo)), Some(Token::Hex(hi)), Some(Token::Number(cid))) =
                        (tokens.get(i), tokens.get(i + 1), tokens.get(i + 2))
                    {
                        if let (Some((len, l)), Some((_, h))) = (code_key(lo), code_key(hi)) {
                            cmap.cids.push((len, l, h, *cid as u32));
                            entries += 1;
                        }
                        i += 3;
                    }
                }
                Token::Name(n) if n == "WMode" => {
                    if let Some(Token::Number(m)) = tokens.get(i + 1) {
                        cmap.vertical = *m == 1;
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
        cmap
    }

    fn add_bfrange(&mut self, lo: &[u8], hi: &[u8], dst: &Token) -> usize {
        let (Some((len, l)), Some((_, h))) = (code_key(lo), code_key(hi)) else {
            return 0;
        };
        if h < l || h - l >= MAX_RANGE {
            return 0;
        }
        match dst {
            Token::Hex(start) => {
                // The last UTF-16 unit of the destination is incremented across the range.
                let mut units: Vec<u16> =
                    start.chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
                if units.is_empty() {
                    return 0;
                }
                let last = units.len() - 1;
                let first_unit = units[last];
                for (n, code) in (l..=h).enumerate() {
                    units[last] = first_unit.wrapping_add(n as u16);
                    self.unicode.insert((len, code), String::from_utf16_lossy(&units));
                }
                (h - l + 1) as usize
            }
            Token::Array(items) => {
                let mut n = 0;
                for (code, item) in (l..=h).zip(items) {
                    if let Some(text) = unicode_of(item) {
                        self.unicode.insert((len, code), text);
                        n += 1;
                    }
                }
                n
            }
            _ => 0,
        }
    }

    /// Whether the CMap declares code space ranges.
    pub fn has_codespace(&self) -> bool {
        !self.codespace.is_empty()
    }

    /// The length of the code at the start of `bytes`, by the code space ranges (1 byte when none matches).
    pub fn code_len(&self, bytes: &[u8]) -> usize {
        for len in 1..=4usize {
            let Some(code) = bytes.get(..len) else { break };
            let fits = self.codespace.iter().any(|(lo, hi)| {
                lo.len() == len && code.iter().zip(lo.iter().zip(hi)).all(|(b, (l, h))| l <= b && b <= h)
            });
            if fits {
                return len;
            }
        }
        1
    }

    /// The Unicode text of a code.
    pub fn unicode(&self, len: u8, code: u32) -> Option<&str> {
        self.unicode.get(&(len, code)).map(String::as_str)
    }

    /// Whether any code has Unicode text.
    pub fn has_unicode(&self) -> bool {
        !self.unicode.is_empty()
    }

    /// The CID of a code, if the CMap maps it.
    pub fn cid(&self, len: u8, code: u32) -> Option<u32> {
        self.cids
            .iter()
            .rev()
            .find(|(l, lo, hi, _)| *l == len && *lo <= code && code <= *hi)
            .map(|(_, lo, _, cid)| cid + (code - lo))
    }
}

/// A code's bytes as a key: its length and big-endian value.
fn code_key(bytes: &[u8]) -> Option<(u8, u32)> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some((bytes.len() as u8, bytes.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b))))
}

/// A destination of `bfchar`: UTF-16BE bytes, or (rarely) a glyph name.
fn unicode_of(token: &Token) -> Option<String> {
    match token {
        Token::Hex(bytes) if !bytes.is_empty() => {
            let units: Vec<u16> =
                bytes.chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
            Some(String::from_utf16_lossy(&units))
        }
        Token::Name(name) => super::encoding::glyph_name_to_unicode(name),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Hex(Vec<u8>),
    Number(i64),
    Name(String),
    Keyword(String),
    Array(Vec<Token>),
    Other,
}

/// A small PostScript tokenizer, enough for CMap programs.
fn tokenize(data: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stack: Vec<Vec<Token>> = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        let token = match b {
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'<' if data.get(i + 1) == Some(&b'<') => {
                i += 2;
                Token::Other
            }
            b'>' if data.get(i + 1) == Some(&b'>') => {
                i += 2;
                Token::Other
            }
            b'<' => {
                let end = data[i..].iter().position(|&c| c == b'>').map_or(data.len(), |p| i + p);
                let hex: Vec<u8> = data[i + 1..end].iter().copied().filter(u8::is_ascii_hexdigit).collect();
                i = end + 1;
                Token::Hex(hex.chunks(2).map(hex_pair).collect())
            }
            b'(' => {
                // Literal strings only appear in CMap headers: skip them, with nesting.
                let mut depth = 0;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
                Token::Other
            }
            b'[' => {
                stack.push(std::mem::take(&mut out));
                i += 1;
                continue;
            }
            b']' => {
                i += 1;
                match stack.pop() {
                    Some(outer) => Token::Array(std::mem::replace(&mut out, outer)),
                    None => continue,
                }
            }
            b'/' => {
                let start = i + 1;
                i = start;
                while i < data.len() && !is_delimiter(data[i]) {
                    i += 1;
                }
                Token::Name(String::from_utf8_lossy(&data[start..i]).into_owned())
            }
            _ if b.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            _ => {
                let start = i;
                while i < data.len() && !is_delimiter(data[i]) {
                    i += 1;
                }
                if i == start {
                    i += 1;
                    continue;
                }
                let word = String::from_utf8_lossy(&data[start..i]);
                match word.parse::<i64>() {
                    Ok(n) => Token::Number(n),
                    Err(_) => Token::Keyword(word.into_owned()),
                }
            }
        };
        out.push(token);
    }
    while let Some(mut outer) = stack.pop() {
        outer.push(Token::Array(std::mem::take(&mut out)));
        out = outer;
    }
    out
}

fn hex_pair(p: &[u8]) -> u8 {
    let v = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
    match p {
        [a, b] => v(*a) << 4 | v(*b),
        [a] => v(*a) << 4,
        _ => 0,
    }
}

fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

#[cfg(test)]
mod tests {
    use super::*;

    const TO_UNICODE: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Adobe-Identity-UCS def /CMapType 2 def
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0003> <0020> <1e2e> <884C> endbfchar
2 beginbfrange <0010> <0012> <0030> <0020> <0021> [<653F> <5E9C>] endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end";

    #[test]
    fn to_unicode_chars_ranges_and_arrays() {
        let cmap = CMap::parse(TO_UNICODE);
        assert_eq!(cmap.unicode(2, 0x1e2e), Some("行"));
        assert_eq!(cmap.unicode(2, 0x0011), Some("1"));
        assert_eq!(cmap.unicode(2, 0x0021), Some("府"));
        assert_eq!(cmap.unicode(1, 0x21), None);
        assert_eq!(cmap.code_len(&[0x1e, 0x2e]), 2);
    }

    #[test]
    fn cid_ranges_codespace_and_writing_mode() {
        let cmap = CMap::parse(
            b"/WMode 1 def 2 begincodespacerange <00> <80> <8140> <FEFE> endcodespacerange
              1 begincidrange <8140> <817E> 100 endcidrange 1 begincidchar <41> 7 endcidchar",
        );
        assert!(cmap.vertical);
        assert_eq!(cmap.code_len(&[0x41, 0x81]), 1);
        assert_eq!(cmap.code_len(&[0x81, 0x42]), 2);
        assert_eq!(cmap.cid(2, 0x8142), Some(102));
        assert_eq!(cmap.cid(1, 0x41), Some(7));
    }

    #[test]
    fn hostile_ranges_are_bounded_and_garbage_is_harmless() {
        let cmap = CMap::parse(b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange");
        assert!(!cmap.has_unicode());
        let cmap = CMap::parse(b"beginbfchar <01> [ <02 ( ] >> << endbfchar )))");
        assert!(!cmap.has_unicode());
    }
}
