//! The list tables of a legacy Word document ([MS-DOC] 2.9.150 PlfLst, 2.9.151 PlfLfo, 2.9.149 LVL) as list
//! definitions for [`crate::read::numbering`]: a paragraph names a list instance (LFO, 1-based) and a level; the
//! instance names its list (LSTF, by `lsid`) and may restart levels.

use super::fib::Span;
use super::{u16_at, u32_at, u8_at};
use crate::read::numbering::{Numbering, LEVELS};

/// `LSTF`, `LFO` and the fixed part of `LVL` (`LVLF`).
const LSTF_LEN: usize = 28;
const LFO_LEN: usize = 16;
const LVLF_LEN: usize = 28;
/// Bound on the lists and instances read.
const MAX_LISTS: usize = 4096;

/// The lists (`PlfLst` with the `LVL`s after it) and instances (`PlfLfo`) of the table stream; what cannot be
/// read is left out, so its paragraphs go unnumbered.
pub fn parse(table: &[u8], lists: Span, instances: Span) -> Numbering {
    let mut numbering = Numbering::default();
    if lists.len == 0 || instances.len == 0 {
        return numbering;
    }
    let at = lists.offset as usize;
    let count = u16_at(table, at).map_or(0, |c| usize::from(c).min(MAX_LISTS));
    // The levels follow the list array, list by list: one for a simple list, nine otherwise.
    let mut level_at = at + 2 + LSTF_LEN * count;
    for i in 0..count {
        let lstf = at + 2 + LSTF_LEN * i;
        let (Some(lsid), Some(flags)) = (u32_at(table, lstf), u8_at(table, lstf + 26)) else {
            return numbering;
        };
        let list = i64::from(lsid as i32);
        numbering.add_list(list);
        let levels = if flags & 1 == 1 { 1 } else { LEVELS };
        for level in 0..levels {
            let Some(next) = read_level(table, level_at, &mut numbering, list, level) else {
                return numbering;
            };
            level_at = next;
        }
    }
    read_instances(table, instances.offset as usize, &mut numbering);
    numbering
}

/// Reads the `LVL` at `at` into level `level` of `list`; returns where the next one starts.
fn read_level(table: &[u8], at: usize, numbering: &mut Numbering, list: i64, level: usize) -> Option<usize> {
    let start = u32_at(table, at)? as i32;
    let format = u8_at(table, at + 4)?;
    let flags = u8_at(table, at + 5)?;
    let placeholders: Vec<usize> =
        table.get(at + 6..at + 15)?.iter().take_while(|&&p| p != 0).map(|&p| usize::from(p)).collect();
    let follow = u8_at(table, at + 15)?;
    let (chpx, papx) = (usize::from(u8_at(table, at + 24)?), usize::from(u8_at(table, at + 25)?));
    let text_at = at + LVLF_LEN + papx + chpx;
    let chars = usize::from(u16_at(table, text_at)?);
    let units: Vec<u16> = (0..chars).map(|i| u16_at(table, text_at + 2 + 2 * i)).collect::<Option<_>>()?;
    if let Some(lvl) = numbering.level_mut(list, level) {
        lvl.start = i64::from(start);
        lvl.format = format_name(format).to_string();
        lvl.legal = flags & 0x04 != 0;
        lvl.suffix = match follow {
            1 => "space",
            2 => "nothing",
            _ => "tab",
        }
        .to_string();
        lvl.text = label_text(&units, &placeholders);
    }
    Some(text_at + 2 + 2 * chars)
}

/// The label as `%N` text: the characters at the placeholder positions (1-based) hold level numbers 0–8.
fn label_text(units: &[u16], placeholders: &[usize]) -> String {
    let mut out = String::new();
    for (i, &unit) in units.iter().enumerate() {
        if placeholders.contains(&(i + 1)) && unit < LEVELS as u16 {
            out.push('%');
            out.push(char::from(b'1' + unit as u8));
        } else {
            out.extend(char::decode_utf16([unit]).flatten());
        }
    }
    out
}

/// `PlfLfo`: the instances, then for each its level overrides (`LFOData`: `cp`, then `LFOLVL`s, each followed by
/// an `LVL` when it overrides the formatting).
fn read_instances(table: &[u8], at: usize, numbering: &mut Numbering) {
    let count = u32_at(table, at).map_or(0, |c| (c as usize).min(MAX_LISTS));
    let mut data_at = at + 4 + LFO_LEN * count;
    for i in 0..count {
        let lfo = at + 4 + LFO_LEN * i;
        let (Some(lsid), Some(overrides)) = (u32_at(table, lfo), u8_at(table, lfo + 12)) else {
            return;
        };
        let instance = i as i64 + 1;
        numbering.add_instance(instance, i64::from(lsid as i32));
        data_at += 4;
        for _ in 0..overrides {
            let (Some(start), Some(flags)) = (u32_at(table, data_at), u32_at(table, data_at + 4)) else {
                return;
            };
            data_at += 8;
            let level = (flags & 0x0F) as usize;
            if flags & 0x10 != 0 {
                numbering.override_start(instance, level, i64::from(start as i32));
            }
            if flags & 0x20 != 0 {
                // A formatting override carries a whole LVL; it is skipped.
                let mut scratch = Numbering::default();
                scratch.add_list(0);
                match read_level(table, data_at, &mut scratch, 0, 0) {
                    Some(next) => data_at = next,
                    None => return,
                }
            }
        }
    }
}

/// An `nfc` number format by its OOXML name ([MS-DOC] 2.9.150 / [MS-OI29500] ST_NumberFormat).
fn format_name(nfc: u8) -> &'static str {
    match nfc {
        0x01 => "upperRoman",
        0x02 => "lowerRoman",
        0x03 => "upperLetter",
        0x04 => "lowerLetter",
        0x0A => "ideographDigital",
        0x0B => "japaneseCounting",
        0x0E | 0x13 => "decimalFullWidth",
        0x10 => "japaneseLegal",
        0x12 => "decimalEnclosedCircle",
        0x16 => "decimalZero",
        0x17 => "bullet",
        0x1A => "decimalEnclosedFullstop",
        0x1B => "decimalEnclosedParen",
        0x1C => "decimalEnclosedCircleChinese",
        0x1D => "ideographEnclosedCircle",
        0x1E => "ideographTraditional",
        0x1F => "ideographZodiac",
        0x21 => "taiwaneseCounting",
        0x23 => "taiwaneseCountingThousand",
        0x25 => "chineseCounting",
        0x26 => "chineseLegalSimplified",
        0x27 => "chineseCountingThousand",
        0xFF => "none",
        _ => "decimal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_level_references() {
        // （%2） as Word stores it: the level number 1 at position 2.
        let units: Vec<u16> = "（\u{1}）".encode_utf16().collect();
        assert_eq!(label_text(&units, &[2]), "（%2）");
        let units: Vec<u16> = "\u{0}.\u{1}".encode_utf16().collect();
        assert_eq!(label_text(&units, &[1, 3]), "%1.%2");
        assert_eq!(format_name(0x25), "chineseCounting");
    }
}
