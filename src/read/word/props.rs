//! Paragraph properties of a legacy Word document, as far as reading needs them: whether a paragraph is in a
//! table and at which depth, whether its mark ends a cell or a row, the row's cell edges and merges, its outline
//! level, style and list; and what the styles say of headings and lists.
//!
//! A paragraph's properties are found at its mark: the bin table (`PlcBtePapx`) names the FKP page of the stream
//! offset, the page holds the paragraph's `grpprl` ([MS-DOC] 2.9.175 PapxFkp), and the piece's complex modifier
//! may add more.

use super::fib::Span;
use super::pieces::PieceTable;
use super::{i16_at, u16_at, u32_at, u8_at};
use crate::read::flow::{CellDef, RowDef, VMerge};

const PAGE: usize = 512;

const SPRM_P_OUT_LVL: u16 = 0x2640;
const SPRM_P_ILFO: u16 = 0x460B;
const SPRM_P_ILVL: u16 = 0x260A;
const SPRM_P_F_IN_TABLE: u16 = 0x2416;
const SPRM_P_F_TTP: u16 = 0x2417;
const SPRM_P_ITAP: u16 = 0x6649;
const SPRM_P_DTAP: u16 = 0x664A;
const SPRM_P_F_INNER_TABLE_CELL: u16 = 0x244B;
const SPRM_P_F_INNER_TTP: u16 = 0x244C;
const SPRM_T_DEF_TABLE: u16 = 0xD608;
const SPRM_T_VERT_MERGE: u16 = 0xD62B;
const SPRM_P_CHG_TABS: u16 = 0xC615;
/// The paragraph's properties are too large for its FKP page and stand in the `Data` stream.
const SPRM_P_HUGE_PAPX: u16 = 0x6646;

/// The most cells a row definition may have (Word allows 63).
const MAX_CELLS: usize = 64;

#[derive(Debug, Clone, Default)]
pub struct ParagraphProps {
    pub style: u16,
    pub in_table: bool,
    pub itap: i32,
    /// The mark ends a row of the outermost table (a TTP paragraph).
    pub row_end: bool,
    pub inner_cell_end: bool,
    pub inner_row_end: bool,
    pub outline_level: Option<u8>,
    /// The list instance (`ilfo`, 1-based; 0 is no list) and level the paragraph is numbered with.
    pub list: Option<i16>,
    pub list_level: Option<u8>,
    /// The row definition carried by a row-end paragraph.
    pub row: Option<RowDef>,
}

impl ParagraphProps {
    /// Table nesting depth: 0 in the body.
    pub fn depth(&self) -> usize {
        if self.itap > 0 {
            self.itap.min(crate::read::flow::MAX_NESTING as i32) as usize
        } else {
            usize::from(self.in_table)
        }
    }

    pub fn is_outline_heading(&self) -> bool {
        self.outline_level.is_some_and(|l| l < 9)
    }

    /// Applies a property group; `data` is the `Data` stream, where properties too large for a page are kept.
    fn apply(&mut self, grpprl: &[u8], data: &[u8]) {
        let mut vert_merges: Vec<(usize, u8)> = Vec::new();
        for (sprm, operand) in sprms(grpprl) {
            let byte = || operand.first().copied().unwrap_or(0);
            match sprm {
                SPRM_P_HUGE_PAPX => {
                    let at = u32_at(operand, 0).map_or(usize::MAX, |v| v as usize);
                    let len = u16_at(data, at).map_or(0, usize::from);
                    if let Some(huge) = at.checked_add(2).and_then(|from| data.get(from..from.checked_add(len)?)) {
                        // The group in the Data stream cannot point further.
                        self.apply(huge, &[]);
                    }
                }
                SPRM_P_F_IN_TABLE => self.in_table = byte() != 0,
                SPRM_P_F_TTP => self.row_end = byte() != 0,
                SPRM_P_F_INNER_TABLE_CELL => self.inner_cell_end = byte() != 0,
                SPRM_P_F_INNER_TTP => self.inner_row_end = byte() != 0,
                SPRM_P_ITAP => self.itap = u32_at(operand, 0).map_or(0, |v| v as i32).clamp(0, 64),
                SPRM_P_DTAP => {
                    self.itap = (self.itap + u32_at(operand, 0).map_or(0, |v| v as i32).clamp(-64, 64)).clamp(0, 64)
                }
                SPRM_P_OUT_LVL => self.outline_level = Some(byte()),
                SPRM_P_ILFO => self.list = u16_at(operand, 0).map(|v| v as i16),
                SPRM_P_ILVL => self.list_level = Some(byte()),
                SPRM_T_DEF_TABLE => self.row = row_definition(operand),
                SPRM_T_VERT_MERGE => {
                    // cb, itc, vertMerge
                    if let (Some(itc), Some(merge)) = (u8_at(operand, 1), u8_at(operand, 2)) {
                        vert_merges.push((usize::from(itc), merge));
                    }
                }
                _ => {}
            }
        }
        if let Some(row) = &mut self.row {
            for (itc, merge) in vert_merges {
                if let Some(cell) = row.cells.get_mut(itc) {
                    cell.vmerge = vertical_merge(merge);
                }
            }
        }
    }
}

fn vertical_merge(value: u8) -> VMerge {
    match value & 3 {
        1 => VMerge::Continue,
        2 | 3 => VMerge::Restart,
        _ => VMerge::None,
    }
}

/// `TDefTableOperand`: the cell edges (`rgdxaCenter`) and each cell's merge flags (`TC80.tcgrf`).
fn row_definition(operand: &[u8]) -> Option<RowDef> {
    let cells = usize::from(u8_at(operand, 2)?).min(MAX_CELLS);
    let edges: Vec<i32> = (0..=cells).map_while(|i| i16_at(operand, 3 + 2 * i).map(i32::from)).collect();
    if edges.len() != cells + 1 {
        return None;
    }
    let tc_at = 3 + 2 * (cells + 1);
    let defs = (0..cells)
        .map(|i| {
            let flags = u16_at(operand, tc_at + 20 * i).unwrap_or(0);
            CellDef {
                right: edges[i + 1],
                hmerge_continue: flags & 0x0003 >= 2,
                vmerge: vertical_merge(((flags >> 5) & 3) as u8),
            }
        })
        .collect();
    Some(RowDef { left: edges[0], cells: defs })
}

/// The `(sprm, operand)` pairs of a property group, up to the first malformed one.
fn sprms(grpprl: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let sprm = u16_at(grpprl, at)?;
        let operand_at = at + 2;
        let len = match sprm >> 13 {
            0 | 1 => 1,
            2 | 4 | 5 => 2,
            3 => 4,
            7 => 3,
            _ => match sprm {
                // The two variable operands whose size is not in their first byte.
                SPRM_T_DEF_TABLE | 0xD606 => usize::from(u16_at(grpprl, operand_at)?) + 1,
                SPRM_P_CHG_TABS if u8_at(grpprl, operand_at)? == 255 => {
                    let deleted = usize::from(u8_at(grpprl, operand_at + 1)?);
                    let added = usize::from(u8_at(grpprl, operand_at + 2 + 4 * deleted)?);
                    2 + 4 * deleted + 1 + 3 * added
                }
                _ => usize::from(u8_at(grpprl, operand_at)?) + 1,
            },
        };
        let operand = grpprl.get(operand_at..operand_at.checked_add(len)?)?;
        at = operand_at + len;
        Some((sprm, operand))
    })
}

/// Looks up paragraph properties by character position.
pub struct PropertyReader<'a> {
    word: &'a [u8],
    /// The `Data` stream (empty if the file has none).
    data: &'a [u8],
    /// `(first offset, FKP page number)` of each bin, in offset order, with the end offset of the last.
    bins: Vec<(u32, u32)>,
    bins_end: u32,
    pieces: &'a PieceTable,
}

impl<'a> PropertyReader<'a> {
    pub fn new(word: &'a [u8], table: &'a [u8], data: &'a [u8], bin_table: Span, pieces: &'a PieceTable) -> Self {
        let start = bin_table.offset as usize;
        let plc = start.checked_add(bin_table.len as usize).and_then(|end| table.get(start..end)).unwrap_or_default();
        let n = plc.len().saturating_sub(4) / 8;
        let bins: Vec<(u32, u32)> = (0..n)
            .filter_map(|i| Some((u32_at(plc, 4 * i)?, u32_at(plc, 4 * (n + 1) + 4 * i)? & 0x003F_FFFF)))
            .collect();
        let bins_end = u32_at(plc, 4 * n).unwrap_or(0);
        PropertyReader { word, data, bins, bins_end, pieces }
    }

    /// The properties of the paragraph whose mark is at `cp`, `None` if the file does not say.
    pub fn at(&self, cp: u32) -> Option<ParagraphProps> {
        let offset = self.pieces.offset_of(cp)?;
        let grpprl_and_style = self.papx(offset)?;
        let mut props = ParagraphProps { style: u16_at(grpprl_and_style, 0).unwrap_or(0), ..Default::default() };
        props.apply(grpprl_and_style.get(2..).unwrap_or_default(), self.data);
        if let Some(piece) = self.pieces.piece_at(cp) {
            // A complex modifier names a property group of the piece table.
            if piece.prm & 1 == 1 {
                if let Some(grpprl) = self.pieces.grpprls.get(usize::from(piece.prm >> 1)) {
                    props.apply(grpprl, self.data);
                }
            }
        }
        Some(props)
    }

    /// `GrpPrlAndIstd` of the paragraph run holding stream offset `offset`.
    fn papx(&self, offset: u32) -> Option<&'a [u8]> {
        if offset >= self.bins_end {
            return None;
        }
        let i = self.bins.partition_point(|&(first, _)| first <= offset).checked_sub(1)?;
        let (_, page_number) = self.bins[i];
        let page_at = (page_number as usize).checked_mul(PAGE)?;
        let page = self.word.get(page_at..page_at.checked_add(PAGE)?)?;
        let runs = usize::from(*page.last()?);
        let fcs: Vec<u32> = (0..=runs).map_while(|j| u32_at(page, 4 * j)).collect();
        let j = fcs.windows(2).position(|w| w[0] <= offset && offset < w[1])?;
        let bx_at = 4 * (runs + 1) + 13 * j;
        let papx_at = usize::from(u8_at(page, bx_at)?) * 2;
        if papx_at == 0 {
            return Some(&[]);
        }
        let cb = usize::from(u8_at(page, papx_at)?);
        let (data_at, len) =
            if cb == 0 { (papx_at + 2, 2 * usize::from(u8_at(page, papx_at + 1)?)) } else { (papx_at + 1, 2 * cb - 1) };
        page.get(data_at..data_at + len)
    }
}

/// What reading needs of a paragraph style: whether it is a built-in heading style (style identifiers 1–9,
/// `heading 1`…`heading 9`, whatever their displayed name), the list it numbers, and the style it is based on.
#[derive(Debug, Clone, Default)]
struct StyleDef {
    heading: bool,
    base: Option<u16>,
    list: Option<i16>,
    list_level: Option<u8>,
}

#[derive(Debug, Default)]
pub struct Styles {
    styles: Vec<StyleDef>,
}

/// Bound on the styles read, and on the `istdBase` links followed.
const MAX_STYLES: usize = 4096;
const MAX_STYLE_CHAIN: usize = 16;
/// `stk` of a paragraph style.
const PARAGRAPH_STYLE: u16 = 1;
/// `istdBase` of a style based on none.
const NO_BASE: u16 = 0x0FFF;

impl Styles {
    /// The style sheet (`STSH`) in the table stream; an unreadable one yields no styles.
    pub fn parse(table: &[u8], stsh: Span) -> Styles {
        let start = stsh.offset as usize;
        let Some(stsh) = start.checked_add(stsh.len as usize).and_then(|end| table.get(start..end)) else {
            return Styles::default();
        };
        let Some(header_len) = u16_at(stsh, 0) else {
            return Styles::default();
        };
        let count = usize::from(u16_at(stsh, 2).unwrap_or(0)).min(MAX_STYLES);
        let base_len = usize::from(u16_at(stsh, 4).unwrap_or(10));
        let mut at = 2 + usize::from(header_len);
        let mut styles = Vec::with_capacity(count);
        for _ in 0..count {
            let Some(len) = u16_at(stsh, at) else {
                break;
            };
            let std = stsh.get(at + 2..at + 2 + usize::from(len)).unwrap_or_default();
            styles.push(style_definition(std, base_len));
            at += 2 + usize::from(len);
        }
        Styles { styles }
    }

    fn chain(&self, istd: u16) -> impl Iterator<Item = &StyleDef> {
        let mut next = Some(istd);
        std::iter::from_fn(move || {
            let style = self.styles.get(usize::from(next?))?;
            next = style.base;
            Some(style)
        })
        .take(MAX_STYLE_CHAIN)
    }

    pub fn is_heading(&self, istd: u16) -> bool {
        self.styles.get(usize::from(istd)).is_some_and(|s| s.heading)
    }

    /// The list (`ilfo`) and level a style numbers its paragraphs with, directly or through its base styles.
    pub fn list(&self, istd: u16) -> (Option<i16>, Option<u8>) {
        (self.chain(istd).find_map(|s| s.list), self.chain(istd).find_map(|s| s.list_level))
    }
}

/// One `STD`: `STDBase` (identifier, kind, base style), the name, then for a paragraph style its paragraph
/// properties (`UpxPapx`: size, style index, `grpprl`).
fn style_definition(std: &[u8], base_len: usize) -> StyleDef {
    let Some(sti) = u16_at(std, 0).map(|v| v & 0x0FFF) else {
        return StyleDef::default();
    };
    let kind_and_base = u16_at(std, 2).unwrap_or(0);
    let base = kind_and_base >> 4;
    let mut def =
        StyleDef { heading: (1..=9).contains(&sti), base: (base != NO_BASE).then_some(base), ..StyleDef::default() };
    if kind_and_base & 0x000F != PARAGRAPH_STYLE {
        return def;
    }
    let name_len = u16_at(std, base_len).map_or(0, usize::from);
    let mut upx = base_len + 2 + 2 * name_len + 2;
    upx += upx % 2;
    let Some(size) = u16_at(std, upx).map(usize::from) else {
        return def;
    };
    let grpprl = std.get(upx + 4..upx + 2 + size).unwrap_or_default();
    let mut props = ParagraphProps::default();
    props.apply(grpprl, &[]);
    def.list = props.list;
    def.list_level = props.list_level;
    def
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sprm_operand_sizes_follow_spra() {
        // sprmPFInTable (1 byte), sprmPItap (4 bytes), a variable sprm (size byte 2), sprmPFTtp.
        let grpprl = [0x16, 0x24, 1, 0x49, 0x66, 2, 0, 0, 0, 0x2B, 0xD6, 2, 1, 3, 0x17, 0x24, 1];
        let list: Vec<(u16, usize)> = sprms(&grpprl).map(|(s, o)| (s, o.len())).collect();
        assert_eq!(list, vec![(0x2416, 1), (0x6649, 4), (0xD62B, 3), (0x2417, 1)]);
        let mut props = ParagraphProps::default();
        props.apply(&grpprl, &[]);
        assert!(props.in_table && props.row_end);
        assert_eq!(props.itap, 2);
        assert!(sprms(&[0x08, 0xD6, 0xFF]).next().is_none(), "a truncated operand ends the group");
    }

    #[test]
    fn row_definitions_give_edges_and_merges() {
        // Three cells: restart a vertical merge; first of a horizontal merge; merged into it.
        let mut operand = vec![0, 0, 3];
        for edge in [0i16, 1000, 2000, 3000] {
            operand.extend(edge.to_le_bytes());
        }
        for flags in [0x0060u16, 0x0001, 0x0002] {
            operand.extend(flags.to_le_bytes());
            operand.extend([0; 18]);
        }
        let len = (operand.len() - 1) as u16;
        operand[..2].copy_from_slice(&len.to_le_bytes());
        let row = row_definition(&operand).expect("a row");
        assert_eq!(row.left, 0);
        let cells: Vec<(i32, bool, VMerge)> =
            row.cells.iter().map(|c| (c.right, c.hmerge_continue, c.vmerge)).collect();
        assert_eq!(
            cells,
            vec![(1000, false, VMerge::Restart), (2000, false, VMerge::None), (3000, true, VMerge::None)]
        );
    }
}
