//! The piece table ([MS-DOC] 2.9.38 Clx, 2.9.177 PlcPcd): the document's text as pieces of the `WordDocument`
//! stream, each either compressed (one byte per character in cp1252) or UTF-16. Character positions (CPs)
//! count characters across pieces; file offsets (FCs) locate them in the stream.

use super::fib::Span;
use super::{error, u16_at, u32_at, u8_at};
use crate::read::ReadError;

#[derive(Debug, Clone, Copy)]
pub struct Piece {
    pub cp_start: u32,
    pub cp_end: u32,
    /// Byte offset of the piece's first character in the `WordDocument` stream.
    pub offset: u32,
    pub compressed: bool,
    /// The piece's property modifier (`Prm`).
    pub prm: u16,
}

#[derive(Debug, Clone, Default)]
pub struct PieceTable {
    pub pieces: Vec<Piece>,
    /// The property groups (`Prc`) of the CLX, which complex property modifiers index.
    pub grpprls: Vec<Vec<u8>>,
}

impl PieceTable {
    pub fn parse(table: &[u8], clx: Span) -> Result<PieceTable, ReadError> {
        let start = clx.offset as usize;
        let end = start.checked_add(clx.len as usize).filter(|&e| e <= table.len());
        let Some(end) = end else {
            return Err(error("the piece table lies outside the table stream"));
        };
        let clx = &table[start..end];
        let mut grpprls = Vec::new();
        let mut at = 0usize;
        loop {
            match u8_at(clx, at) {
                Some(0x01) => {
                    let len = usize::from(u16_at(clx, at + 1).ok_or_else(|| error("truncated piece table"))?);
                    let grpprl = clx.get(at + 3..at + 3 + len).ok_or_else(|| error("truncated piece table"))?;
                    grpprls.push(grpprl.to_vec());
                    at += 3 + len;
                }
                Some(0x02) => {
                    let len = u32_at(clx, at + 1).ok_or_else(|| error("truncated piece table"))? as usize;
                    let plc = clx.get(at + 5..at.saturating_add(5).saturating_add(len));
                    let plc = plc.ok_or_else(|| error("the piece table is longer than its stream"))?;
                    return Ok(PieceTable { pieces: parse_pieces(plc)?, grpprls });
                }
                _ => return Err(error("no piece descriptors in the piece table")),
            }
        }
    }

    /// The piece holding character `cp`.
    pub fn piece_at(&self, cp: u32) -> Option<&Piece> {
        let i = self.pieces.partition_point(|p| p.cp_end <= cp);
        self.pieces.get(i).filter(|p| p.cp_start <= cp)
    }

    /// The stream offset of character `cp`.
    pub fn offset_of(&self, cp: u32) -> Option<u32> {
        let piece = self.piece_at(cp)?;
        let delta = cp - piece.cp_start;
        piece.offset.checked_add(if piece.compressed { delta } else { delta.checked_mul(2)? })
    }

    /// The first `count` characters as UTF-16 code units (compressed characters mapped through cp1252).
    pub fn text(&self, word: &[u8], count: u32) -> Result<Vec<u16>, ReadError> {
        // Every character takes at least one byte of the stream.
        if count as usize > word.len() {
            return Err(error("the main text is longer than the document stream"));
        }
        let mut out = Vec::with_capacity(count as usize);
        for piece in &self.pieces {
            if piece.cp_start >= count {
                break;
            }
            let n = (piece.cp_end.min(count) - piece.cp_start) as usize;
            let start = piece.offset as usize;
            let outside = || error("a piece of text lies outside the document stream");
            if piece.compressed {
                let bytes = word.get(start..start.checked_add(n).ok_or_else(outside)?).ok_or_else(outside)?;
                out.extend(bytes.iter().map(|&b| cp1252(b)));
            } else {
                let bytes = word.get(start..start.checked_add(n * 2).ok_or_else(outside)?).ok_or_else(outside)?;
                out.extend(bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])));
            }
        }
        Ok(out)
    }
}

/// `PlcPcd`: n+1 character positions, then n piece descriptors of 8 bytes.
fn parse_pieces(plc: &[u8]) -> Result<Vec<Piece>, ReadError> {
    if plc.len() < 4 || !(plc.len() - 4).is_multiple_of(12) {
        return Err(error("malformed piece descriptors"));
    }
    let n = (plc.len() - 4) / 12;
    let descriptors = 4 * (n + 1);
    let mut pieces = Vec::with_capacity(n);
    for i in 0..n {
        let (Some(cp_start), Some(cp_end)) = (u32_at(plc, 4 * i), u32_at(plc, 4 * (i + 1))) else {
            return Err(error("malformed piece descriptors"));
        };
        let pcd = descriptors + 8 * i;
        let (Some(fc), Some(prm)) = (u32_at(plc, pcd + 2), u16_at(plc, pcd + 6)) else {
            return Err(error("malformed piece descriptors"));
        };
        // Pieces follow each other without gaps from the first character: the text's index is its CP.
        let expected_start = pieces.last().map_or(0, |p: &Piece| p.cp_end);
        if cp_end < cp_start || cp_start != expected_start {
            return Err(error("piece descriptors out of order"));
        }
        let compressed = fc & 0x4000_0000 != 0;
        let fc = fc & 0x3FFF_FFFF;
        let offset = if compressed { fc / 2 } else { fc };
        pieces.push(Piece { cp_start, cp_end, offset, compressed, prm });
    }
    Ok(pieces)
}

/// A compressed character: cp1252, as [MS-DOC] 2.4.1 maps the bytes 0x80–0x9F.
fn cp1252(b: u8) -> u16 {
    if b < 0x80 {
        return u16::from(b);
    }
    let byte = [b];
    let (decoded, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
    decoded.encode_utf16().next().unwrap_or(u16::from(b))
}
