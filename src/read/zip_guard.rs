//! A workbook's zip checked before a spreadsheet library reads it: what it holds once decompressed must stay within
//! limits, or the library would build it all in memory.
//!
//! A few kilobytes of zip can hold a gibibyte of XML: one shared string of 1 GiB, twenty million tiny shared
//! strings, a gibibyte of whitespace inside `<sheetData>`. The entries' declared sizes are read first (cheap, and
//! enough for an honest zip); then every XML part is decompressed as a stream and measured as it comes, since
//! declared sizes can lie. Nothing is kept: the check holds at most one buffer.
//!
//! Limits ([`ZipLimits`]): decompressed bytes per part and in all, the longest run of text or of one tag (no cell
//! of Excel holds more than 32,767 characters), the number of shared strings, the number of entries. A zip with
//! no workbook part at all is not a workbook either.

use std::io::{Cursor, Read};

/// What a workbook's zip may hold.
#[derive(Debug, Clone, Copy)]
pub struct ZipLimits {
    /// Entries in the archive.
    pub entries: usize,
    /// Decompressed bytes of one part.
    pub part_bytes: u64,
    /// Decompressed bytes of all the XML parts together.
    pub total_bytes: u64,
    /// The longest stretch of XML between two `<`/`>` (a text node, or one tag with its attributes).
    pub run_bytes: u64,
    /// Strings in the shared-string table.
    pub shared_strings: u64,
}

impl ZipLimits {
    /// Far above any real annual report's workbook (tens of kilobytes) and any cell Excel allows, far below what
    /// would exhaust memory.
    pub const DEFAULT: ZipLimits = ZipLimits {
        entries: 10_000,
        part_bytes: 128 << 20,
        total_bytes: 256 << 20,
        run_bytes: 4 << 20,
        shared_strings: 1_000_000,
    };
}

/// Checks a workbook's zip against `limits`; the error says which part passed which limit.
pub fn check_workbook(bytes: &[u8], limits: &ZipLimits) -> Result<(), String> {
    let mut zip = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(zip) => zip,
        // Not a zip the library could open either: it says so in its own words.
        Err(_) => return Ok(()),
    };
    if zip.len() > limits.entries {
        return Err(format!("the zip holds {} entries (the limit is {})", zip.len(), limits.entries));
    }
    let names: Vec<String> = zip.file_names().filter_map(Result::ok).map(|n| n.to_string()).collect();
    if !names.iter().any(|n| is_workbook_part(n)) {
        return Err("a zip archive without a workbook in it (no xl/workbook.xml)".to_string());
    }
    let mut declared = 0u64;
    let mut total = 0u64;
    for index in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(index) else { continue };
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        if entry.is_dir() || !is_xml_part(&name) {
            continue;
        }
        declared = declared.saturating_add(entry.size());
        if entry.size() > limits.part_bytes || declared > limits.total_bytes {
            return Err(too_large(&name, entry.size(), limits));
        }
        let shared = name.eq_ignore_ascii_case("xl/sharedStrings.xml");
        let mut meter = XmlMeter::default();
        let mut buf = vec![0u8; 64 << 10];
        let mut part = 0u64;
        loop {
            let n = match entry.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                // A damaged stream: the library will report it when it reads the part.
                Err(_) => break,
            };
            part += n as u64;
            total += n as u64;
            if part > limits.part_bytes || total > limits.total_bytes {
                return Err(too_large(&name, part, limits));
            }
            meter.feed(buf.get(..n).unwrap_or_default());
            if meter.longest_run > limits.run_bytes {
                return Err(format!(
                    "{name} holds a text or tag of more than {} MB (the limit for one cell)",
                    limits.run_bytes >> 20
                ));
            }
            if shared && meter.shared_strings > limits.shared_strings {
                return Err(format!("{name} holds more than {} shared strings", limits.shared_strings));
            }
        }
    }
    Ok(())
}

fn too_large(name: &str, size: u64, limits: &ZipLimits) -> String {
    format!(
        "{name} decompresses to more than {} MB (the limits are {} MB per part, {} MB in all)",
        (size >> 20).max(1),
        limits.part_bytes >> 20,
        limits.total_bytes >> 20
    )
}

/// The part that makes a zip a workbook: `xl/workbook.xml` (Excel, WPS), `content.xml` (OpenDocument).
fn is_workbook_part(name: &str) -> bool {
    name.eq_ignore_ascii_case("xl/workbook.xml") || name.eq_ignore_ascii_case("content.xml")
}

/// The parts the library parses as XML (images and embedded binaries are not read).
fn is_xml_part(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".xml") || lower.ends_with(".rels") || lower.ends_with(".vml")
}

/// Measures XML as it streams past: the longest run between markup characters, and the `<si>` elements of a
/// shared-string table.
#[derive(Default)]
struct XmlMeter {
    run: u64,
    longest_run: u64,
    /// How much of `<si` was just seen (0 to 3).
    matched: u8,
    shared_strings: u64,
}

impl XmlMeter {
    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'<' || b == b'>' {
                self.run = 0;
            } else {
                self.run += 1;
                self.longest_run = self.longest_run.max(self.run);
            }
            self.matched = match (self.matched, b) {
                (_, b'<') => 1,
                (1, b's') => 2,
                (2, b'i') => 3,
                (3, b'>' | b' ' | b'/' | b'\t' | b'\n' | b'\r') => {
                    self.shared_strings += 1;
                    0
                }
                _ => 0,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in parts {
            out.start_file(*name, options).expect("start");
            out.write_all(bytes).expect("write");
        }
        out.finish().expect("finish").into_inner()
    }

    const SMALL: ZipLimits =
        ZipLimits { entries: 10, part_bytes: 1 << 20, total_bytes: 2 << 20, run_bytes: 1000, shared_strings: 100 };

    #[test]
    fn shared_strings_are_counted_across_buffers() {
        let mut meter = XmlMeter::default();
        for chunk in "<sst><si><t>a</t></si><si ><t>b</t></si><sheet/><s".as_bytes().chunks(3) {
            meter.feed(chunk);
        }
        meter.feed(b"i>");
        assert_eq!(meter.shared_strings, 3);
    }

    #[test]
    fn bombs_are_refused_and_workbooks_pass() {
        let workbook: &[u8] = b"<workbook><sheets/></workbook>";
        assert_eq!(check_workbook(&zip_of(&[("xl/workbook.xml", workbook)]), &SMALL), Ok(()));
        let many = "<si><t>a</t></si>".repeat(101);
        let err = check_workbook(
            &zip_of(&[("xl/workbook.xml", workbook), ("xl/sharedStrings.xml", many.as_bytes())]),
            &SMALL,
        );
        assert!(err.is_err_and(|e| e.contains("shared strings")));
        let long = format!("<si><t>{}</t></si>", "a".repeat(1001));
        let err = check_workbook(
            &zip_of(&[("xl/workbook.xml", workbook), ("xl/sharedStrings.xml", long.as_bytes())]),
            &SMALL,
        );
        assert!(err.is_err_and(|e| e.contains("text or tag")));
        let blank = format!("<sheetData>{}</sheetData>", " <x/>".repeat(500_000));
        let err = check_workbook(
            &zip_of(&[("xl/workbook.xml", workbook), ("xl/worksheets/sheet1.xml", blank.as_bytes())]),
            &SMALL,
        );
        assert!(err.is_err_and(|e| e.contains("decompresses to more than")));
        let err = check_workbook(&zip_of(&[("foo.txt", b"hello")]), &SMALL);
        assert!(err.is_err_and(|e| e.contains("without a workbook")));
    }
}
