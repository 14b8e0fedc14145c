//! The File Information Block at the start of the `WordDocument` stream ([MS-DOC] 2.5): the main text's length
//! and where the piece table, paragraph properties and style sheet are in the table stream.

use super::{error, u16_at, u32_at};
use crate::read::ReadError;

/// `wIdent` of a Word binary document.
const WORD_IDENT: u16 = 0xA5EC;
/// The first `nFib` after Word 6/95 (101–105), whose files store their text differently.
const NFIB_AFTER_WORD95: u16 = 0x006A;

/// Where a structure is in the table stream: offset and length.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    pub offset: u32,
    pub len: u32,
}

#[derive(Debug, Clone)]
pub struct Fib {
    /// The table stream is `1Table` (else `0Table`).
    pub table_stream_1: bool,
    /// Characters of the main document.
    pub ccp_text: u32,
    pub clx: Span,
    pub papx_bins: Span,
    pub stsh: Span,
    /// The lists (`PlfLst`) and list instances (`PlfLfo`).
    pub lists: Span,
    pub list_instances: Span,
}

/// Index of each `fc`/`lcb` pair in `FibRgFcLcb97`.
const STSHF: usize = 1;
const PLCF_BTE_PAPX: usize = 13;
const CLX: usize = 33;
const PLF_LST: usize = 73;
const PLF_LFO: usize = 74;

impl Fib {
    pub fn parse(word: &[u8]) -> Result<Fib, ReadError> {
        let truncated = || error("the file information block is cut short");
        if u16_at(word, 0).ok_or_else(truncated)? != WORD_IDENT {
            return Err(error("not a Word document (no Word signature in the WordDocument stream)"));
        }
        let n_fib = u16_at(word, 2).ok_or_else(truncated)?;
        let flags = u16_at(word, 0x0A).ok_or_else(truncated)?;
        if flags & 0x0100 != 0 || flags & 0x8000 != 0 {
            return Err(error("encrypted (password-protected); save it without a password to read it"));
        }
        if n_fib < NFIB_AFTER_WORD95 {
            return Err(error("a Word 6/95 document; only Word 97 and later are read (save it as .docx)"));
        }
        let csw = usize::from(u16_at(word, 0x20).ok_or_else(truncated)?);
        let lw_at = 0x22 + csw * 2;
        let cslw = usize::from(u16_at(word, lw_at).ok_or_else(truncated)?);
        let ccp_text = u32_at(word, lw_at + 2 + 12).ok_or_else(truncated)?;
        let fc_lcb_at = lw_at + 2 + cslw * 4 + 2;
        let count = usize::from(u16_at(word, lw_at + 2 + cslw * 4).ok_or_else(truncated)?);
        let span = |index: usize| -> Span {
            if index >= count {
                return Span::default();
            }
            let at = fc_lcb_at + index * 8;
            Span { offset: u32_at(word, at).unwrap_or(0), len: u32_at(word, at + 4).unwrap_or(0) }
        };
        let clx = span(CLX);
        if clx.len == 0 {
            return Err(error("no piece table"));
        }
        Ok(Fib {
            table_stream_1: flags & 0x0200 != 0,
            ccp_text,
            clx,
            papx_bins: span(PLCF_BTE_PAPX),
            stsh: span(STSHF),
            lists: span(PLF_LST),
            list_instances: span(PLF_LFO),
        })
    }
}
