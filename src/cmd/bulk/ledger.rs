//! What `bulk` remembers of the reports it has written, so that memory stays flat however many there are.
//!
//! * Duplicates: a 16-byte digest of each input's content, and of each report's agency, year and cells; the first
//!   input with a digest is the one later duplicates name.
//! * The summary and the cross-report checks need the reports sorted by agency and year, once all are read. Each
//!   report's [`SummaryEntry`] (its key cells, its errors and warnings, the few figures the cross checks read) goes
//!   to an anonymous temporary file as it streams; memory holds only a 24-byte slot per report (agency, year, input
//!   order, place in the file), sorted at the end, and the entries are read back one at a time in that order.
//!
//! Per report about 100 bytes stay in memory (two digests in hash maps and a slot): about 20 MB for 200,000
//! reports, besides the list of input paths.

use nianbao::hash::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};

use sha2::{Digest, Sha256};

use nianbao::report::Report;
use nianbao::write::summary::SummaryEntry;

/// A short digest: the first half of a SHA-256, plenty to tell reports apart.
pub type Digest16 = [u8; 16];

/// The SHA-256 of the input bytes, and its short form.
pub fn content_digest(bytes: &[u8]) -> ([u8; 32], Digest16) {
    let full: [u8; 32] = Sha256::digest(bytes).into();
    (full, short(&full))
}

/// The digest of what a report says: its agency, year and every cell (key, state, value). `None` when it names no
/// agency or year, or has no cell: then nothing says two reports are the same one.
pub fn values_digest(report: &Report) -> Option<Digest16> {
    let (agency, year) = (report.agency.as_deref()?, report.year?);
    if report.tables.values().all(|t| t.cells.is_empty()) {
        return None;
    }
    // The bytes are gathered and hashed at once: one update per field costs more than the copy.
    let cells: usize = report.tables.values().map(|t| t.cells.len()).sum();
    let mut bytes = Vec::with_capacity(64 + cells * 48);
    bytes.extend_from_slice(agency.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(&year.to_le_bytes());
    for (table, result) in &report.tables {
        bytes.extend_from_slice(table.as_bytes());
        bytes.push(0);
        for (key, cell) in &result.cells {
            bytes.extend_from_slice(key.as_str().as_bytes());
            bytes.push(0);
            bytes.extend_from_slice(cell.state.as_str().as_bytes());
            bytes.extend_from_slice(&cell.value.map(|v| v.as_f64()).unwrap_or(f64::NAN).to_le_bytes());
            bytes.extend_from_slice(cell.unit.name().unwrap_or_default().as_bytes());
            bytes.push(0);
        }
    }
    Some(short(&Sha256::digest(&bytes).into()))
}

fn short(full: &[u8; 32]) -> Digest16 {
    let mut out = [0u8; 16];
    out.copy_from_slice(&full[..16]);
    out
}

/// Where a kept report's entry is, and what it sorts by.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// Rank of the agency's name among all agencies; `u32::MAX` for a report that names none (sorted last).
    agency: u32,
    year: i32,
    index: u32,
    offset: u64,
}

/// The batch's memory of the reports written so far.
pub struct Ledger {
    by_content: HashMap<Digest16, u32>,
    by_values: HashMap<Digest16, u32>,
    agencies: HashMap<String, u32>,
    slots: Vec<Slot>,
    spill: BufWriter<File>,
    written: u64,
}

impl Ledger {
    /// An empty ledger with its temporary file (removed by the system when closed, even after a crash).
    pub fn new() -> std::io::Result<Ledger> {
        Ok(Ledger {
            by_content: HashMap::default(),
            by_values: HashMap::default(),
            agencies: HashMap::default(),
            slots: Vec::new(),
            spill: BufWriter::new(tempfile::tempfile()?),
            written: 0,
        })
    }

    /// The first input with the same content, or (for a report) the same agency, year and cells; else `None`,
    /// and this input is the one later duplicates name.
    pub fn duplicate_of(&mut self, index: u32, content: Option<Digest16>, values: Option<Digest16>) -> Option<u32> {
        let first_by_content = content.map(|d| *self.by_content.entry(d).or_insert(index)).filter(|i| *i != index);
        let first_by_values = values.map(|d| *self.by_values.entry(d).or_insert(index)).filter(|i| *i != index);
        first_by_content.or(first_by_values)
    }

    /// Keeps a report's entry for the sorted pass.
    pub fn keep(&mut self, index: u32, entry: &SummaryEntry) -> std::io::Result<()> {
        let next = u32::try_from(self.agencies.len()).unwrap_or(u32::MAX - 1);
        let agency = entry.agency.as_ref().map_or(u32::MAX, |a| *self.agencies.entry(a.clone()).or_insert(next));
        let mut line = serde_json::to_vec(entry)?;
        line.push(b'\n');
        self.spill.write_all(&line)?;
        self.slots.push(Slot { agency, year: entry.year.unwrap_or(i32::MAX), index, offset: self.written });
        self.written += line.len() as u64;
        Ok(())
    }

    /// The kept entries sorted by agency name (reports without one last), year (unknown last) and input order.
    pub fn into_sorted(mut self) -> std::io::Result<Sorted> {
        // Agencies are numbered in the order first seen; sorting needs them in the order of their names.
        let mut names: Vec<(&String, u32)> = self.agencies.iter().map(|(n, id)| (n, *id)).collect();
        names.sort();
        let mut rank = vec![0u32; names.len()];
        for (r, (_, id)) in names.iter().enumerate() {
            if let Some(slot) = rank.get_mut(*id as usize) {
                *slot = r as u32;
            }
        }
        for slot in &mut self.slots {
            if let Some(r) = rank.get(slot.agency as usize) {
                slot.agency = *r;
            }
        }
        self.slots.sort_by_key(|s| (s.agency, s.year, s.index));
        let file = self.spill.into_inner().map_err(|e| e.into_error())?;
        Ok(Sorted { slots: self.slots.into_iter(), reader: BufReader::new(file), line: Vec::new() })
    }
}

/// The kept entries, read back one at a time in sorted order.
pub struct Sorted {
    slots: std::vec::IntoIter<Slot>,
    reader: BufReader<File>,
    line: Vec<u8>,
}

impl Iterator for Sorted {
    type Item = std::io::Result<SummaryEntry>;

    fn next(&mut self) -> Option<Self::Item> {
        let slot = self.slots.next()?;
        let mut read = || -> std::io::Result<SummaryEntry> {
            self.reader.seek(SeekFrom::Start(slot.offset))?;
            self.line.clear();
            self.reader.read_until(b'\n', &mut self.line)?;
            Ok(serde_json::from_slice(&self.line)?)
        };
        Some(read())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nianbao::check::cross::CrossCells;
    use nianbao::template::Catalog;
    use nianbao::write::summary::SummaryLayout;

    fn entry(agency: Option<&str>, year: i32) -> SummaryEntry {
        let text = format!("{}{year}年政府信息公开工作年度报告\n一、总体情况\n", agency.unwrap_or(""));
        let report = nianbao::inspect_bytes(text.as_bytes(), "r.txt").expect("readable");
        let catalog = Catalog::embedded();
        let figures = CrossCells::new(catalog).figures(catalog, &report);
        let mut entry = SummaryLayout::new(catalog).entry(&format!("{year}.txt"), &report, figures);
        entry.agency = agency.map(str::to_string);
        entry.year = Some(year);
        entry
    }

    #[test]
    fn entries_come_back_by_agency_then_year_then_input_order() {
        let mut ledger = Ledger::new().expect("temporary file");
        let kept =
            [(Some("乙局"), 2022), (None, 2021), (Some("甲局"), 2023), (Some("乙局"), 2021), (Some("甲局"), 2021)];
        for (i, (agency, year)) in kept.iter().enumerate() {
            ledger.keep(i as u32, &entry(*agency, *year)).expect("kept");
        }
        let back: Vec<(Option<String>, Option<i32>)> =
            ledger.into_sorted().expect("sorted").map(|e| e.map(|e| (e.agency, e.year)).expect("read")).collect();
        let want =
            [(Some("乙局"), 2021), (Some("乙局"), 2022), (Some("甲局"), 2021), (Some("甲局"), 2023), (None, 2021)];
        let want: Vec<(Option<String>, Option<i32>)> =
            want.iter().map(|(a, y)| (a.map(str::to_string), Some(*y))).collect();
        // By the names' bytes (乙 U+4E59 before 甲 U+7532), not by the order first seen.
        assert_eq!(back, want);
    }

    #[test]
    fn the_values_digest_is_of_every_cell_field_by_field() {
        let text = "某县民政局2022年政府信息公开工作年度报告\n二、主动公开政府信息情况\n信息内容 本年处理决定数量\n行政许可 5\n行政强制 /\n";
        let report = nianbao::inspect_bytes(text.as_bytes(), "r.txt").expect("readable");
        let mut hasher = Sha256::new();
        hasher.update(report.agency.as_deref().expect("an agency").as_bytes());
        hasher.update([0]);
        hasher.update(report.year.expect("a year").to_le_bytes());
        for (table, result) in &report.tables {
            hasher.update(table.as_bytes());
            hasher.update([0]);
            for (key, cell) in &result.cells {
                hasher.update(key.as_str().as_bytes());
                hasher.update([0]);
                hasher.update(cell.state.as_str().as_bytes());
                hasher.update(cell.value.map(|v| v.as_f64()).unwrap_or(f64::NAN).to_le_bytes());
                hasher.update(cell.unit.name().unwrap_or_default().as_bytes());
                hasher.update([0]);
            }
        }
        assert_eq!(values_digest(&report), Some(short(&hasher.finalize().into())));
    }

    #[test]
    fn the_first_input_with_a_digest_is_the_one_duplicates_name() {
        let mut ledger = Ledger::new().expect("temporary file");
        let (a, b) = ([1u8; 16], [2u8; 16]);
        assert_eq!(ledger.duplicate_of(0, Some(a), Some(b)), None);
        assert_eq!(ledger.duplicate_of(1, Some(a), None), Some(0), "same content");
        assert_eq!(ledger.duplicate_of(2, Some([3; 16]), Some(b)), Some(0), "same values");
        assert_eq!(ledger.duplicate_of(3, None, None), None);
    }
}
