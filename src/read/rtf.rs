//! RTF reader: paragraphs and `\trowd … \cell … \row` tables into the paragraph-and-table flow
//! ([`crate::read::flow`]). Many sites publish RTF under a `.doc` name; it is recognised by its content.
//!
//! * Text: `\uN` Unicode escapes (with the `\ucN` count of fallback characters after them skipped, surrogate
//!   pairs joined), `\'hh` bytes and literal bytes in the code page of the current font (`\fcharset134` → GBK) or
//!   of the document (`\ansicpg936`), the common special characters (`\tab` is a space, `\line` a line break).
//! * Skipped: destinations marked ignorable (`{\*\…}`), the font, colour and style tables (read for code pages and
//!   heading styles only), document info, pictures, headers, footers, footnotes, field codes (a field shows its
//!   result), hidden and deleted text, the fallback rendering of a shape (`\shprslt`; its text box is read).
//! * Paragraphs end at `\par`; a paragraph with a heading style or an outline level 0–8 is a heading.
//! * Tables: the cells of a row end at `\cell`, the row at `\row`; the row's `\cellx` edges give grid columns (a
//!   merged cell is one wider cell), `\clmgf`/`\clmrg` horizontal and `\clvmgf`/`\clvmrg` vertical merges become
//!   spans. Nested tables (`\itapN` paragraphs, `\nestcell`, `\nestrow` with the row definition in
//!   `\nesttableprops`) are tables inside the cell that holds them.

use crate::hash::HashMap;

use encoding_rs::Encoding;

use crate::doc::Document;
use crate::read::flow::{self, symbol_char, CellDef, Flow, Paragraph, RowDef, TableStack, VMerge};
use crate::read::ReadError;

/// Reads an RTF document.
pub fn read_rtf(bytes: &[u8], source: &str) -> Result<Document, ReadError> {
    let start = bytes.iter().position(|&b| b == b'{').ok_or_else(|| ReadError::Rtf("no RTF group".into()))?;
    let mut parser = Parser::new(bytes.get(start..).unwrap_or_default());
    parser.run();
    let flow = parser.finish();
    Ok(flow::into_document(&flow, source))
}

/// Edges closer than this (in twips) are one grid line: writers round cell widths differently row by row.
const EDGE_TOLERANCE: i32 = 30;
/// Bound on the nesting depth kept in row definitions (the flow bounds nesting the same way).
const MAX_NESTING: i32 = flow::MAX_NESTING as i32;
/// Bound on a numeric parameter's digits (RTF allows 10; longer runs are garbage).
const MAX_PARAM_DIGITS: usize = 10;

/// What the text of a group is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dest {
    Body,
    Skip,
    FontTable,
    Font,
    StyleSheet,
    Style,
}

/// The state a group inherits from its parent and restores on close.
#[derive(Debug, Clone)]
struct State {
    dest: Dest,
    /// Fallback characters to skip after `\uN`.
    uc: u32,
    font: Option<i32>,
    hidden: bool,
    deleted: bool,
    in_table: bool,
    /// Table nesting depth of the paragraph (`\itapN`; `\intbl` alone is depth 1).
    itap: i32,
    /// Inside `\nesttableprops`: a row definition there is for the nested table.
    nest_props: bool,
    style: i32,
    outline_level: Option<i32>,
}

impl Default for State {
    fn default() -> Self {
        State {
            dest: Dest::Body,
            uc: 1,
            font: None,
            hidden: false,
            deleted: false,
            in_table: false,
            itap: 0,
            nest_props: false,
            style: 0,
            outline_level: None,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct FontDef {
    encoding: Option<&'static Encoding>,
    name: String,
}

#[derive(Debug, Clone, Default)]
struct StyleDef {
    number: i32,
    name: String,
    outline_level: Option<i32>,
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
    state: State,
    stack: Vec<State>,
    /// Raw bytes of text waiting to be decoded in the current code page.
    pending: Vec<u8>,
    /// The pending bytes were escaped (`\'hh`, always in the code page) rather than written literally.
    pending_escaped: bool,
    skip_fallback: u32,
    high_surrogate: Option<u16>,
    /// The control word just read was `\*`: the group is an ignorable destination.
    ignorable: bool,
    document_encoding: &'static Encoding,
    default_font: Option<i32>,
    fonts: HashMap<i32, FontDef>,
    font_entry: (Option<i32>, FontDef),
    styles: HashMap<i32, StyleDef>,
    style_entry: StyleDef,
    // The flow being built.
    text: String,
    tables: TableStack,
    /// The row definition (`\trowd`, `\cellx`) of the table at each nesting depth, depth 1 first.
    row_defs: Vec<RowDef>,
    /// Merge flags read since the last `\cellx`, for the next one.
    pending_def: CellDef,
}

impl<'a> Parser<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Parser {
            bytes,
            at: 0,
            state: State::default(),
            stack: Vec::new(),
            pending: Vec::new(),
            pending_escaped: false,
            skip_fallback: 0,
            high_surrogate: None,
            ignorable: false,
            document_encoding: encoding_rs::WINDOWS_1252,
            default_font: None,
            fonts: HashMap::default(),
            font_entry: (None, FontDef::default()),
            styles: HashMap::default(),
            style_entry: StyleDef::default(),
            text: String::new(),
            tables: TableStack::new(EDGE_TOLERANCE),
            row_defs: Vec::new(),
            pending_def: CellDef::default(),
        }
    }

    fn run(&mut self) {
        while let Some(&b) = self.bytes.get(self.at) {
            self.at += 1;
            match b {
                b'{' => self.open_group(),
                b'}' => self.close_group(),
                b'\\' => self.control(),
                b'\r' | b'\n' => {}
                _ => self.text_byte(b, false),
            }
        }
        self.flush_pending();
    }

    fn open_group(&mut self) {
        self.flush_pending();
        self.skip_fallback = 0;
        self.stack.push(self.state.clone());
        self.state.dest = match self.state.dest {
            Dest::FontTable => Dest::Font,
            Dest::StyleSheet => Dest::Style,
            Dest::Font | Dest::Style => Dest::Skip,
            other => other,
        };
        if self.state.dest == Dest::Style {
            self.style_entry = StyleDef::default();
        }
    }

    fn close_group(&mut self) {
        self.flush_pending();
        self.skip_fallback = 0;
        self.ignorable = false;
        match self.state.dest {
            Dest::Font => self.register_font(),
            Dest::Style => {
                let style = std::mem::take(&mut self.style_entry);
                self.styles.insert(style.number, style);
            }
            _ => {}
        }
        // An unbalanced `}` keeps the document-level state.
        if let Some(parent) = self.stack.pop() {
            self.state = parent;
        }
    }

    fn register_font(&mut self) {
        let (number, def) = std::mem::take(&mut self.font_entry);
        if let Some(n) = number {
            self.fonts.insert(n, def);
        }
    }

    /// A control word or symbol after its backslash.
    fn control(&mut self) {
        let Some(&first) = self.bytes.get(self.at) else {
            return;
        };
        if !first.is_ascii_alphabetic() {
            self.at += 1;
            self.control_symbol(first);
            return;
        }
        let start = self.at;
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_alphabetic) {
            self.at += 1;
        }
        let word = std::str::from_utf8(&self.bytes[start..self.at]).unwrap_or_default().to_string();
        let mut param: Option<i32> = None;
        let negative = self.bytes.get(self.at) == Some(&b'-');
        let digits_from = self.at + usize::from(negative);
        let mut end = digits_from;
        while self.bytes.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end > digits_from {
            let digits = &self.bytes[digits_from..end.min(digits_from + MAX_PARAM_DIGITS)];
            let value: i64 = std::str::from_utf8(digits).ok().and_then(|d| d.parse().ok()).unwrap_or(0);
            let value = if negative { -value } else { value };
            param = Some(value.clamp(i32::MIN as i64, i32::MAX as i64) as i32);
            self.at = end;
        }
        if self.bytes.get(self.at) == Some(&b' ') {
            self.at += 1;
        }
        self.control_word(&word, param);
    }

    fn control_symbol(&mut self, symbol: u8) {
        match symbol {
            b'\'' => {
                let hex = self.bytes.get(self.at..self.at + 2).and_then(|h| std::str::from_utf8(h).ok());
                if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    self.at += 2;
                    self.text_byte(byte, true);
                }
            }
            b'*' => self.ignorable = true,
            b'\\' | b'{' | b'}' => self.text_byte(symbol, false),
            b'~' => self.text_char('\u{a0}'),
            b'_' => self.text_char('-'),
            b'\r' | b'\n' => self.paragraph_end(),
            _ => {} // `\-` optional hyphen, `\|`, `\:` index marks
        }
    }

    fn control_word(&mut self, word: &str, param: Option<i32>) {
        if word != "bin" {
            self.flush_pending();
        }
        if word != "u" {
            self.skip_fallback = 0;
        }
        if self.ignorable {
            self.ignorable = false;
            // An ignorable destination is skipped, except a shape's instructions, which hold its text box, and a
            // nested table's row definition.
            if word != "shpinst" && word != "nesttableprops" {
                self.state.dest = Dest::Skip;
                return;
            }
        }
        let n = param.unwrap_or(0);
        match word {
            // Destinations.
            "fonttbl" => self.state.dest = Dest::FontTable,
            "stylesheet" => self.state.dest = Dest::StyleSheet,
            "colortbl" | "info" | "pict" | "header" | "headerl" | "headerr" | "headerf" | "footer" | "footerl"
            | "footerr" | "footerf" | "footnote" | "fldinst" | "shprslt" | "sp" | "listtable" | "listoverridetable"
            | "revtbl" | "filetbl" | "pn" | "xe" | "tc" | "template" | "datafield" | "nonshppict" | "objdata"
            | "annotation" | "atnid" | "atnauthor" | "userprops" | "docvar" | "rsidtbl" | "generator" | "private"
            | "nonesttables" => self.state.dest = Dest::Skip,
            // Document settings.
            "ansicpg" => self.document_encoding = code_page(n).unwrap_or(encoding_rs::WINDOWS_1252),
            "deff" => self.default_font = param,
            // Fonts and styles.
            "f" => match self.state.dest {
                Dest::Font | Dest::FontTable => {
                    if self.state.dest == Dest::FontTable && self.font_entry.0.is_some() {
                        self.register_font();
                    }
                    self.font_entry.0 = param;
                }
                Dest::Body => self.state.font = param,
                _ => {}
            },
            "fcharset" => self.font_entry.1.encoding = charset_encoding(n, self.document_encoding),
            "cpg" => {
                if let Some(encoding) = code_page(n) {
                    self.font_entry.1.encoding = Some(encoding);
                }
            }
            "s" => match self.state.dest {
                Dest::Style => self.style_entry.number = n,
                _ => self.state.style = n,
            },
            "outlinelevel" => match self.state.dest {
                Dest::Style => self.style_entry.outline_level = param,
                _ => self.state.outline_level = param,
            },
            "plain" => {
                self.state.font = self.default_font;
                self.state.hidden = false;
                self.state.deleted = false;
            }
            "v" => self.state.hidden = n != 0 || param.is_none(),
            "deleted" => self.state.deleted = n != 0 || param.is_none(),
            "uc" => self.state.uc = n.clamp(0, 16) as u32,
            "u" => self.unicode(n),
            "bin" => self.at = self.at.saturating_add(n.max(0) as usize).min(self.bytes.len()),
            // Paragraphs and tables.
            "pard" => {
                self.state.in_table = false;
                self.state.itap = 0;
                self.state.style = 0;
                self.state.outline_level = None;
            }
            "intbl" => self.state.in_table = true,
            "itap" => {
                self.state.itap = n.clamp(0, MAX_NESTING);
                self.state.in_table |= n > 0;
            }
            "nesttableprops" => self.state.nest_props = true,
            "par" | "sect" => self.paragraph_end(),
            "cell" => self.cell_end(1),
            "nestcell" => self.cell_end(self.state.itap.max(2) as usize),
            "row" => self.row_end(1),
            "nestrow" => self.row_end(self.state.itap.max(2) as usize),
            "trowd" => {
                *self.definition() = RowDef::default();
                self.pending_def = CellDef::default();
            }
            "trleft" => self.definition().left = n,
            "clmgf" => {}
            "clmrg" => self.pending_def.hmerge_continue = true,
            "clvmgf" => self.pending_def.vmerge = VMerge::Restart,
            "clvmrg" => self.pending_def.vmerge = VMerge::Continue,
            "cellx" => {
                let def = CellDef { right: n, ..std::mem::take(&mut self.pending_def) };
                self.definition().cells.push(def);
            }
            // Characters.
            "tab" => self.text_char(' '),
            "line" => self.text_char('\n'),
            "emdash" => self.text_char('—'),
            "endash" => self.text_char('–'),
            "bullet" => self.text_char('•'),
            "lquote" => self.text_char('‘'),
            "rquote" => self.text_char('’'),
            "ldblquote" => self.text_char('“'),
            "rdblquote" => self.text_char('”'),
            "emspace" | "enspace" | "qmspace" => self.text_char(' '),
            _ => {}
        }
    }

    fn unicode(&mut self, n: i32) {
        let unit = if n < 0 { (n + 65536) as u32 } else { n as u32 };
        let Ok(unit) = u16::try_from(unit) else {
            return;
        };
        self.skip_fallback = self.state.uc;
        if (0xD800..0xDC00).contains(&unit) {
            self.high_surrogate = Some(unit);
            return;
        }
        let c = match self.high_surrogate.take() {
            Some(high) if (0xDC00..0xE000).contains(&unit) => {
                char::decode_utf16([high, unit]).next().and_then(Result::ok)
            }
            _ => char::from_u32(unit as u32),
        };
        if let Some(c) = c {
            self.text_char(c);
        }
    }

    /// A byte of text, written literally or escaped as `\'hh`.
    fn text_byte(&mut self, b: u8, escaped: bool) {
        if self.skip_fallback > 0 {
            self.skip_fallback -= 1;
            return;
        }
        if !matches!(self.state.dest, Dest::Body | Dest::Font | Dest::FontTable | Dest::Style) {
            return;
        }
        if escaped != self.pending_escaped {
            self.flush_pending();
            self.pending_escaped = escaped;
        }
        self.pending.push(b);
    }

    fn text_char(&mut self, c: char) {
        self.flush_pending();
        self.emit(c.encode_utf8(&mut [0; 4]));
    }

    /// Decodes the pending bytes in the code page of the current font (or of the document).
    fn flush_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.pending);
        let font = self.state.font.and_then(|f| self.fonts.get(&f));
        let decoded = match font {
            Some(def) if is_symbol_font(&def.name) => {
                bytes.iter().filter_map(|&b| symbol_char(&def.name, u32::from(b))).collect::<String>()
            }
            _ => {
                let encoding = font.and_then(|d| d.encoding).unwrap_or(self.document_encoding);
                match std::str::from_utf8(&bytes) {
                    // Some tools write UTF-8 into RTF against the spec; literal (unescaped) bytes in a Western code
                    // page that form valid UTF-8 are that, not accented Latin text.
                    Ok(utf8) if !self.pending_escaped && encoding == encoding_rs::WINDOWS_1252 => utf8.to_string(),
                    _ => encoding.decode_without_bom_handling(&bytes).0.into_owned(),
                }
            }
        };
        self.emit(&decoded);
    }

    fn emit(&mut self, text: &str) {
        match self.state.dest {
            Dest::Body if !self.state.hidden && !self.state.deleted => self.text.push_str(text),
            Dest::Font | Dest::FontTable => {
                for c in text.chars() {
                    if c == ';' {
                        if self.state.dest == Dest::FontTable {
                            self.register_font();
                        }
                    } else {
                        self.font_entry.1.name.push(c);
                    }
                }
            }
            Dest::Style => self.style_entry.name.extend(text.chars().filter(|&c| c != ';')),
            _ => {}
        }
    }

    fn is_heading(&self) -> bool {
        let level = self.state.outline_level.or_else(|| self.styles.get(&self.state.style)?.outline_level);
        if let Some(level) = level {
            return (0..9).contains(&level);
        }
        self.styles.get(&self.state.style).is_some_and(|s| {
            let name = s.name.trim().to_lowercase();
            name.strip_prefix("heading").is_some_and(|r| r.trim().parse::<u8>().is_ok())
        })
    }

    /// The nesting depth of the current paragraph: 0 in the body.
    fn depth(&self) -> usize {
        if self.state.in_table {
            self.state.itap.max(1) as usize
        } else {
            0
        }
    }

    /// The row definition `\trowd` and `\cellx` write to: the nested table's inside `\nesttableprops`, else the
    /// outermost table's.
    fn definition(&mut self) -> &mut RowDef {
        let depth = if self.state.nest_props { self.state.itap.clamp(2, MAX_NESTING) as usize } else { 1 };
        if self.row_defs.len() < depth {
            self.row_defs.resize_with(depth, RowDef::default);
        }
        &mut self.row_defs[depth - 1]
    }

    fn paragraph_end(&mut self) {
        if self.state.dest != Dest::Body {
            return;
        }
        let text = std::mem::take(&mut self.text);
        let depth = self.depth();
        let heading = depth == 0 && self.is_heading();
        self.tables.paragraph(depth, Paragraph { text, heading });
    }

    /// `\cell` (depth 1) or `\nestcell`: the text since the last paragraph end is the cell's last paragraph.
    fn cell_end(&mut self, depth: usize) {
        if self.state.dest != Dest::Body {
            return;
        }
        let text = std::mem::take(&mut self.text);
        self.tables.cell_end(depth, Paragraph::new(text));
    }

    /// `\row` (depth 1) or `\nestrow`: the row's cells on the edges of its definition.
    fn row_end(&mut self, depth: usize) {
        if self.state.dest != Dest::Body {
            return;
        }
        if !self.text.trim().is_empty() {
            self.cell_end(depth);
        }
        let def = self.row_defs.get(depth.saturating_sub(1)).cloned().unwrap_or_default();
        self.tables.row_end(depth, &def);
    }

    fn finish(mut self) -> Vec<Flow> {
        if !self.text.trim().is_empty() {
            self.paragraph_end();
        }
        self.tables.finish()
    }
}

fn is_symbol_font(name: &str) -> bool {
    let name = name.trim().to_ascii_lowercase();
    name == "symbol" || name.starts_with("wingdings")
}

/// A Windows code page as an encoding.
fn code_page(cp: i32) -> Option<&'static Encoding> {
    Some(match cp {
        936 => encoding_rs::GBK,
        54936 => encoding_rs::GB18030,
        950 => encoding_rs::BIG5,
        932 => encoding_rs::SHIFT_JIS,
        949 | 1361 => encoding_rs::EUC_KR,
        874 => encoding_rs::WINDOWS_874,
        1250 => encoding_rs::WINDOWS_1250,
        1251 => encoding_rs::WINDOWS_1251,
        1252 => encoding_rs::WINDOWS_1252,
        1253 => encoding_rs::WINDOWS_1253,
        1254 => encoding_rs::WINDOWS_1254,
        1255 => encoding_rs::WINDOWS_1255,
        1256 => encoding_rs::WINDOWS_1256,
        1257 => encoding_rs::WINDOWS_1257,
        1258 => encoding_rs::WINDOWS_1258,
        10000 => encoding_rs::MACINTOSH,
        65001 => encoding_rs::UTF_8,
        _ => return None,
    })
}

/// A font's `\fcharset` as an encoding: ANSI and default charsets use the document's code page.
fn charset_encoding(charset: i32, document: &'static Encoding) -> Option<&'static Encoding> {
    let cp = match charset {
        0 | 1 => return Some(document),
        128 => 932,
        129 | 130 => 949,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        77 => 10000,
        _ => return None,
    };
    code_page(cp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Block;
    use crate::read::testing::{prose, shape as cells, tables, Shape};

    fn read(rtf: &str) -> Document {
        read_rtf(rtf.as_bytes(), "t").expect("reads")
    }

    #[test]
    fn unicode_escapes_skip_their_fallback_and_join_surrogates() {
        let doc = read(r"{\rtf1\ansi\uc1 \u24180?\u24230\'3f\uc2 \u25253??\uc0 \u-10179\u-8704 \par}");
        assert_eq!(prose(&doc), vec!["年度报😀"]);
    }

    #[test]
    fn code_pages_from_the_document_and_from_fonts() {
        // 政府 in GBK is D5FE B8AE; 報告 in Big5 is B3F8 A769.
        let gbk = r"{\rtf1\ansi\ansicpg936{\fonttbl{\f0\fnil\fcharset0 SimSun;}}\f0 \'d5\'fe\'b8\'ae\par}";
        assert_eq!(prose(&read(gbk)), vec!["政府"]);
        let fonts = r"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0\froman Times;}{\f1\fnil\fcharset134 \'cb\'ce\'cc\'e5;}{\f2\fnil\fcharset136 MingLiU;}}\f1 \'d5\'fe\'b8\'ae\f2 \'b3\'f8\'a7\'69\f0 caf\'e9\par}";
        assert_eq!(prose(&read(fonts)), vec!["政府報告café"]);
    }

    #[test]
    fn raw_utf8_in_a_western_code_page_is_utf8() {
        assert_eq!(prose(&read("{\\rtf1\\ansi 年报 caf\\'e9\\par}")), vec!["年报 café"]);
    }

    #[test]
    fn destinations_fields_hidden_and_deleted_text_are_skipped() {
        let rtf = r"{\rtf1\ansi{\fonttbl{\f0 Arial;}}{\colortbl;\red0\green0\blue0;}{\info{\title 标题}}{\*\generator X;}{\header 页眉\par}{\footer 页脚\par}{\pict 0123abcd}
            正文{\field{\*\fldinst PAGE}{\fldrslt 3}}{\v 隐藏}{\deleted 删除}{\*\bkmkstart a}页\par}";
        assert_eq!(prose(&read(rtf)), vec!["正文3页"]);
    }

    #[test]
    fn special_characters() {
        let rtf = r"{\rtf1 a\tab b\line c\~d\emdash e\{f\}\\\par}";
        assert_eq!(prose(&read(rtf)), vec!["a b", "c\u{a0}d—e{f}\\"]);
    }

    #[test]
    fn tables_with_edges_horizontal_and_vertical_merges() {
        // Row 1: a label merged down two rows, a label two columns wide (one wide cell), a value.
        // Row 2: the continuation, two narrow cells, a value. Row 3: a label merged across with \clmgf/\clmrg.
        let rtf = r"{\rtf1\ansi
            \trowd\clvmgf\cellx1000\cellx3000\cellx4000\pard\intbl 三、结果\cell （一）予以公开\cell 19\cell\row
            \trowd\clvmrg\cellx1000\cellx2000\cellx3000\cellx4000\pard\intbl \cell 甲\cell 乙\cell 1\cell\row
            \trowd\clmgf\cellx1000\clmrg\cellx2000\cellx3000\cellx4000\pard\intbl 四、结转\cell\cell 空\par 两行\cell 0\cell\row
            \pard 表后段落\par}";
        let doc = read(rtf);
        let Some(Block::Table(t)) = doc.blocks.first() else { panic!("a table first") };
        assert_eq!(
            cells(t),
            vec![
                vec![("三、结果".into(), 2, 1, 0), ("（一）予以公开".into(), 1, 2, 1), ("19".into(), 1, 1, 3)],
                vec![("甲".into(), 1, 1, 1), ("乙".into(), 1, 1, 2), ("1".into(), 1, 1, 3)],
                vec![("四、结转".into(), 1, 2, 0), ("空\n两行".into(), 1, 1, 2), ("0".into(), 1, 1, 3)],
            ]
        );
        assert_eq!(prose(&doc), vec!["表后段落"]);
    }

    #[test]
    fn row_properties_repeated_before_the_row_end_are_the_same_row() {
        // Word writes the row definition again right before \row.
        let rtf = r"{\rtf1\trowd\cellx1000\cellx2000\pard\intbl 规章\cell 3\cell{\trowd\cellx1000\cellx2000\row}\pard after\par}";
        let doc = read(rtf);
        let Some(Block::Table(t)) = doc.blocks.first() else { panic!("a table first") };
        assert_eq!(cells(t), vec![vec![("规章".into(), 1, 1, 0), ("3".into(), 1, 1, 1)]]);
    }

    #[test]
    fn nested_tables_as_word_writes_them() {
        let rtf = r"{\rtf1\trowd\cellx1000\cellx3000
            \pard\intbl 外表\cell
            \pard\intbl\itap2 内表标签\nestcell 7\nestcell{\*\nesttableprops\trowd\cellx2000\cellx3000\nestrow}{\nonesttables\par}
            \pard\intbl 余下\cell
            \pard\intbl{\trowd\cellx1000\cellx3000\row}
            \pard 后文\par}";
        let doc = read(rtf);
        let tables: Vec<Shape> = tables(&doc);
        assert_eq!(
            tables,
            vec![
                vec![vec![("外表".into(), 1, 1, 0), ("余下".into(), 1, 1, 1)]],
                vec![vec![("内表标签".into(), 1, 1, 0), ("7".into(), 1, 1, 1)]],
            ]
        );
        assert_eq!(prose(&doc), vec!["后文"]);
        // A one-column layout table around the report is a frame: its content reads as body.
        let frame = r"{\rtf1\trowd\cellx9000\pard\intbl 一、总体情况\par
            \pard\intbl\itap2 规章\nestcell 3\nestcell{\*\nesttableprops\trowd\cellx4000\cellx9000\nestrow}
            \pard\intbl\cell\row}";
        let doc = read(frame);
        assert_eq!(prose(&doc), vec!["# 一、总体情况"]);
        assert_eq!(
            doc.tables().map(cells).collect::<Vec<_>>(),
            vec![vec![vec![("规章".into(), 1, 1, 0), ("3".into(), 1, 1, 1)]]]
        );
    }

    #[test]
    fn heading_styles_and_outline_levels() {
        let rtf = r"{\rtf1{\stylesheet{\s0 Normal;}{\s1\outlinelevel0 heading 1;}{\s2 Heading 2;}{\s3 Body;}}
            \pard\s1 一、总体情况\par\pard\s2 小节\par\pard\s3 正文段落，较长的一句话。\par\pard\outlinelevel1 大纲\par}";
        assert_eq!(prose(&read(rtf)), vec!["# 一、总体情况", "# 小节", "正文段落，较长的一句话。", "# 大纲"]);
    }

    #[test]
    fn shape_text_boxes_are_read_once() {
        let rtf = r"{\rtf1 锚\par{\shp{\*\shpinst{\sp{\sn shapeType}{\sv 202}}{\shptxt 框中\par}}{\shprslt 框中\par}}后文\par}";
        assert_eq!(prose(&read(rtf)), vec!["锚", "框中", "后文"]);
    }

    #[test]
    fn hostile_rtf_is_bounded_never_a_panic() {
        let mut deep = String::from(r"{\rtf1 ");
        deep.push_str(&"{".repeat(100_000));
        deep.push('x');
        let _ = read(&deep);
        let _ = read(r"{\rtf1 \u99999999999999999999 \'zz \'4 \bin999999999 \cellx-2147483648\cell\row}}}}}");
        let _ = read(r"{\rtf1 \trowd\cellx5\cellx3\cellx-9\pard\intbl a\cell b\cell c\cell d\cell\row");
        assert!(read_rtf(b"no group at all", "t").is_err());
        let _ = read_rtf(&[b'{', b'\\', 0xff, 0xfe, b'\\'], "t");
    }
}
