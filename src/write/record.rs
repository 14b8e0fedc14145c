//! CSV records encoded straight into a byte buffer: what `bulk` writes its millions of rows with.
//!
//! The encoding is the `csv` crate's default (RFC 4180): fields separated by `,`, records ended by `\n`, a field
//! quoted only when it holds `,`, `"`, `\r` or `\n`, a `"` inside doubled, and a record with no bytes at all
//! written as `""` so that it still reads back as one empty field. A test checks the bytes against the `csv`
//! crate on random records. Encoding a field is one scan for those four bytes and one copy, so a worker can
//! encode a report's rows before the single writer thread only copies them to their files.

/// The bytes that make a field need quotes.
const SPECIAL: [u8; 4] = [b',', b'"', b'\r', b'\n'];

/// A record being appended to a buffer, field by field.
pub struct Record<'b> {
    out: &'b mut Vec<u8>,
    start: usize,
    fields: usize,
}

impl<'b> Record<'b> {
    /// Starts a record at the end of `out`.
    pub fn new(out: &'b mut Vec<u8>) -> Self {
        let start = out.len();
        Record { out, start, fields: 0 }
    }

    /// Appends a field.
    pub fn field(&mut self, field: &str) -> &mut Self {
        if self.fields > 0 {
            self.out.push(b',');
        }
        push_field(self.out, field);
        self.fields += 1;
        self
    }

    /// Appends fields encoded before, as they are.
    pub fn encoded(&mut self, fields: &Fields) -> &mut Self {
        if fields.count > 0 {
            if self.fields > 0 {
                self.out.push(b',');
            }
            self.out.extend_from_slice(&fields.bytes);
            self.fields += fields.count;
        }
        self
    }

    /// Appends every field of `fields`.
    pub fn fields<S: AsRef<str>>(&mut self, fields: impl IntoIterator<Item = S>) -> &mut Self {
        for field in fields {
            self.field(field.as_ref());
        }
        self
    }

    /// Ends the record.
    pub fn end(self) {
        if self.out.len() == self.start {
            self.out.extend_from_slice(b"\"\"");
        }
        self.out.push(b'\n');
    }
}

/// Fields encoded once to start many records with (the columns every row of a report repeats).
#[derive(Debug, Clone, Default)]
pub struct Fields {
    bytes: Vec<u8>,
    count: usize,
}

impl Fields {
    /// Encodes `fields` in place of what was there.
    pub fn set<S: AsRef<str>>(&mut self, fields: impl IntoIterator<Item = S>) {
        self.bytes.clear();
        self.count = 0;
        for field in fields {
            if self.count > 0 {
                self.bytes.push(b',');
            }
            push_field(&mut self.bytes, field.as_ref());
            self.count += 1;
        }
    }
}

/// Whether a field needs quotes. Eight bytes at a time: a word has one of the special bytes when the word xor that
/// byte repeated has a zero byte, which the classic bit trick tells exactly.
fn needs_quotes(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let has_zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS != 0;
    let special =
        |word: u64| SPECIAL.iter().fold(false, |found, &b| found | has_zero_byte(word ^ (ONES * u64::from(b))));
    let (words, rest) = bytes.as_chunks::<8>();
    if words.iter().any(|word| special(u64::from_ne_bytes(*word))) {
        return true;
    }
    // The last bytes, padded with zeros (not special).
    let mut last = [0u8; 8];
    last[..rest.len()].copy_from_slice(rest);
    special(u64::from_ne_bytes(last))
}

/// Appends one field's encoding (no separator).
fn push_field(out: &mut Vec<u8>, field: &str) {
    let bytes = field.as_bytes();
    if !needs_quotes(bytes) {
        out.extend_from_slice(bytes);
        return;
    }
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    for part in bytes.split_inclusive(|&b| b == b'"') {
        out.extend_from_slice(part);
        if part.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// One whole record of `fields`, appended to `out`.
pub fn push_record<S: AsRef<str>>(out: &mut Vec<u8>, fields: impl IntoIterator<Item = S>) {
    let mut record = Record::new(out);
    record.fields(fields);
    record.end();
}

/// A record encoded but for one field that is filled in later (`duplicate_of`, which only the batch as a whole
/// knows): the bytes before the hole end with its `,` (if any field precedes it), the bytes after start with the
/// next `,` and end with the record's `\n`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holed {
    bytes: Vec<u8>,
    hole: usize,
}

impl Holed {
    /// Encodes `fields` with field number `hole` left to fill; `fields` has a placeholder there, which is ignored.
    pub fn new<S: AsRef<str>>(fields: &[S], hole: usize) -> Holed {
        let mut builder = HoledBuilder::new(hole);
        for field in fields {
            builder.field(field.as_ref());
        }
        builder.finish()
    }

    /// Appends the record with `fill` in the hole.
    pub fn fill_into(&self, out: &mut Vec<u8>, fill: &str) {
        let (before, after) = self.bytes.split_at(self.hole.min(self.bytes.len()));
        out.extend_from_slice(before);
        push_field(out, fill);
        if before.is_empty() && fill.is_empty() && after == b"\n" {
            // The record's only field is empty.
            out.extend_from_slice(b"\"\"");
        }
        out.extend_from_slice(after);
    }
}

/// A [`Holed`] record built field by field.
pub struct HoledBuilder {
    bytes: Vec<u8>,
    hole: usize,
    at: usize,
    fields: usize,
}

impl HoledBuilder {
    /// Starts a record whose field number `hole` is left to fill.
    pub fn new(hole: usize) -> Self {
        HoledBuilder { bytes: Vec::new(), hole, at: 0, fields: 0 }
    }

    /// Appends the next field; the field at the hole's place is a placeholder, which is ignored.
    pub fn field(&mut self, field: &str) -> &mut Self {
        if self.fields > 0 {
            self.bytes.push(b',');
        }
        if self.fields == self.hole {
            self.at = self.bytes.len();
        } else {
            push_field(&mut self.bytes, field);
        }
        self.fields += 1;
        self
    }

    /// The record, ended.
    pub fn finish(mut self) -> Holed {
        self.bytes.push(b'\n');
        Holed { bytes: self.bytes, hole: self.at }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the `csv` crate's default writer makes of `records` (records of any length).
    fn by_csv_crate(records: &[Vec<String>]) -> Vec<u8> {
        let mut writer = ::csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        for record in records {
            writer.write_record(record).expect("writes to memory");
        }
        writer.into_inner().expect("flushes to memory")
    }

    /// A small deterministic generator (xorshift), so the test needs no dependency and repeats exactly.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: u64) -> usize {
            (self.next() % n) as usize
        }
    }

    fn random_records(rng: &mut Rng, count: usize) -> Vec<Vec<String>> {
        const PIECES: [&str; 12] = ["a", ",", "\"", "\r", "\n", " ", "", "表", "12.5", "\"\"", "x,y", "；"];
        (0..count)
            .map(|_| {
                (0..rng.below(6))
                    .map(|_| (0..rng.below(5)).map(|_| PIECES[rng.below(PIECES.len() as u64)]).collect())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn records_are_encoded_as_the_csv_crate_encodes_them() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..200 {
            let records = random_records(&mut rng, 20);
            let mut ours = Vec::new();
            for record in &records {
                push_record(&mut ours, record);
            }
            assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&by_csv_crate(&records)), "{records:?}");
        }
    }

    #[test]
    fn a_record_started_with_encoded_fields_is_the_whole_record() {
        let mut rng = Rng(0xC0FF_EE00_1234_5678);
        let mut lead = Fields::default();
        for _ in 0..2000 {
            let record = random_records(&mut rng, 1).remove(0);
            let split = rng.below(record.len() as u64 + 1);
            lead.set(&record[..split]);
            let mut ours = Vec::new();
            let mut encoding = Record::new(&mut ours);
            encoding.encoded(&lead).fields(&record[split..]);
            encoding.end();
            let mut whole = Vec::new();
            push_record(&mut whole, &record);
            assert_eq!(ours, whole, "{record:?} split at {split}");
        }
    }

    #[test]
    fn fields_that_need_quotes_are_found_at_any_place() {
        for byte in 0..=255u8 {
            assert_eq!(needs_quotes(&[byte]), SPECIAL.contains(&byte), "{byte}");
        }
        for filler in [b'a', 0x00, 0x0b, 0x2d, 0x80, 0xe5, 0xff] {
            for len in 0..40 {
                for at in 0..len {
                    for special in SPECIAL {
                        let mut bytes = vec![filler; len];
                        bytes[at] = special;
                        assert!(needs_quotes(&bytes), "{filler} {len} {at}");
                    }
                }
                assert!(!needs_quotes(&vec![filler; len]), "{filler} {len}");
            }
        }
    }

    #[test]
    fn a_holed_record_filled_is_the_whole_record() {
        let mut rng = Rng(12345);
        for _ in 0..2000 {
            let mut record = random_records(&mut rng, 1).remove(0);
            if record.is_empty() {
                record.push(String::new());
            }
            let hole = rng.below(record.len() as u64);
            let fill = record[hole].clone();
            let mut placeholder = record.clone();
            placeholder[hole] = "ignored, \"really\"".to_string();
            let mut ours = Vec::new();
            Holed::new(&placeholder, hole).fill_into(&mut ours, &fill);
            assert_eq!(ours, by_csv_crate(std::slice::from_ref(&record)), "{record:?} hole {hole}");
        }
    }

    #[test]
    fn quotes_only_what_needs_them() {
        let mut out = Vec::new();
        push_record(&mut out, ["plain", "a,b", "say \"hi\"", "", "line\nbreak", "表二"]);
        assert_eq!(String::from_utf8(out).unwrap(), "plain,\"a,b\",\"say \"\"hi\"\"\",,\"line\nbreak\",表二\n");
    }
}
