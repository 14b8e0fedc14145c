//! Measures a legacy `.xls` workbook before calamine reads it. calamine lays every sheet out as a dense grid from
//! its first to its last cell while it opens the file, so one damaged cell record at column 65535 or row 65535
//! would make it ask for gigabytes at once, and a sector chain that loops would make it read forever. The BIFF records of the `Workbook` stream are walked here, and a sheet
//! whose cells span more than [`MAX_GRID_CELLS`] grid slots is refused before any grid exists.

use std::io::{Cursor, Read};

/// The largest grid (rows × columns between a sheet's first and last cell) read from an `.xls` sheet: far above
/// any form (表三 is about 30 × 10), far below what would exhaust memory.
pub const MAX_GRID_CELLS: u64 = 4_000_000;

/// Record types that carry one cell: row (u16) and column (u16) at the start of their data.
const CELL_RECORDS: [u16; 8] = [
    0x0203, // NUMBER
    0x00FD, // LABELSST
    0x027E, // RK
    0x0201, // BLANK
    0x0204, // LABEL
    0x0205, // BOOLERR
    0x0006, // FORMULA
    0x00D6, // RSTRING
];
/// MULRK and MULBLANK: row, first column, …, last column in the record's last two bytes.
const MULTI_CELL_RECORDS: [u16; 2] = [0x00BD, 0x00BE];
const BOF: u16 = 0x0809;

/// Refuses a workbook whose compound file is damaged, or one of whose sheets spans too large a grid.
pub fn check_xls(bytes: &[u8]) -> Result<(), String> {
    // A container the `cfb` crate refuses (it checks the sector chains for loops) is not handed to calamine, which
    // follows a looping chain until memory runs out.
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| format!("a damaged workbook ({e})"))?;
    let name = ["/Workbook", "/Book"].into_iter().find(|n| file.is_stream(n));
    let Some(name) = name else { return Ok(()) };
    let mut stream = Vec::new();
    file.open_stream(name)
        .and_then(|s| s.take(bytes.len() as u64).read_to_end(&mut stream))
        .map_err(|e| format!("a damaged workbook ({e})"))?;
    check_records(&stream)
}

/// The bounding box of the cells of one substream (a sheet), grown record by record.
#[derive(Default)]
struct Extent {
    rows: Option<(u16, u16)>,
    cols: Option<(u16, u16)>,
}

impl Extent {
    fn add(&mut self, row: u16, first_col: u16, last_col: u16) {
        let grow = |range: &mut Option<(u16, u16)>, lo: u16, hi: u16| {
            *range = Some(range.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
        };
        grow(&mut self.rows, row, row);
        grow(&mut self.cols, first_col.min(last_col), first_col.max(last_col));
    }

    fn slots(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1),
            _ => 0,
        }
    }
}

fn check_records(stream: &[u8]) -> Result<(), String> {
    let mut extent = Extent::default();
    let mut at = 0usize;
    while let Some(header) = stream.get(at..at + 4) {
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let data = stream.get(at + 4..at + 4 + len).unwrap_or_default();
        at += 4 + len;
        let u16_at = |i: usize| data.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        if kind == BOF {
            check_extent(&extent)?;
            extent = Extent::default();
        } else if CELL_RECORDS.contains(&kind) {
            if let (Some(row), Some(col)) = (u16_at(0), u16_at(2)) {
                extent.add(row, col, col);
            }
        } else if MULTI_CELL_RECORDS.contains(&kind) && data.len() >= 6 {
            if let (Some(row), Some(first), Some(last)) = (u16_at(0), u16_at(2), u16_at(data.len() - 2)) {
                extent.add(row, first, last);
            }
        }
    }
    check_extent(&extent)
}

fn check_extent(extent: &Extent) -> Result<(), String> {
    let slots = extent.slots();
    if slots > MAX_GRID_CELLS {
        return Err(format!(
            "a sheet spans {slots} cells from its first to its last, more than the {MAX_GRID_CELLS} nianbao lays out \
             (a damaged cell record, or not a form)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut out = kind.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut data = row.to_le_bytes().to_vec();
        data.extend(col.to_le_bytes());
        data.extend([0; 10]);
        record(0x0203, &data)
    }

    #[test]
    fn a_form_sized_sheet_passes_and_a_far_cell_is_refused() {
        let bof = record(BOF, &[0; 16]);
        let form: Vec<u8> = [bof.clone(), number(0, 0), number(30, 9), bof.clone(), number(5, 5)].concat();
        assert_eq!(check_records(&form), Ok(()));
        let damaged: Vec<u8> = [bof.clone(), number(0, 0), bof, number(2, 1), number(60000, 65000)].concat();
        let message = check_records(&damaged).expect_err("too large");
        assert!(message.starts_with("a sheet spans 3899935000 cells"), "{message}");
    }

    #[test]
    fn multi_cell_records_count_their_last_column_and_truncated_records_end_the_walk() {
        let mut mulrk = 3u16.to_le_bytes().to_vec();
        mulrk.extend(0u16.to_le_bytes());
        mulrk.extend([0; 6]);
        mulrk.extend(65000u16.to_le_bytes());
        let rows: Vec<u8> = [number(0, 0), number(200, 0), record(0x00BD, &mulrk)].concat();
        assert!(check_records(&rows).is_err());
        let mut cut = number(0, 0);
        cut.extend([0x03, 0x02, 0xFF]);
        assert_eq!(check_records(&cut), Ok(()));
    }
}
