//! PDF reader (text layer): positioned text and drawn table rules rebuilt into headings, paragraphs and tables.
//!
//! `hayro-syntax` reads the file (cross-reference tables and streams, object streams, repair of damaged
//! files, decryption with the empty user password) and tokenises content streams; the rest is ours:
//!
//! * [`content`] interprets each page's operators: text matrices and spacing, the CTM, form XObjects,
//!   `ActualText`, and the rules of table borders (stroked lines and thin filled rectangles);
//! * [`font`] with [`cmap`] and [`encoding`] turns shown bytes into codes, Unicode text and advances;
//! * [`lines`], [`table`] and [`layout`] rebuild lines, ruled and unruled tables, paragraphs and the
//!   document across pages.
//!
//! Nothing is guessed: a glyph whose font maps it to no text becomes U+FFFD (so a number with such a digit is
//! not a number), and a document where most glyphs are unmapped is refused. Work per file is bounded: decoded
//! stream bytes, glyphs and rules per page, pages, and form nesting.

mod cmap;
mod content;
mod encoding;
mod font;
mod geom;
mod layout;
mod lines;
mod table;

use std::io::Read;

use hayro_syntax::object::{Array, Stream};
use hayro_syntax::page::{Page, Rotation};
use hayro_syntax::{DecryptionError, Filter, LoadPdfError, Pdf};

use crate::doc::Document;
use crate::read::ReadError;
use content::{FontCache, Interpreter};
use geom::Matrix;

/// Bytes one stream may decode to.
const MAX_STREAM_BYTES: usize = 32 << 20;
/// Bytes all streams of a document may decode to.
const MAX_DOCUMENT_BYTES: usize = 256 << 20;
/// Glyphs kept per page (a page of dense text has a few thousand).
const MAX_PAGE_GLYPHS: usize = 200_000;
/// Rules kept per page.
const MAX_PAGE_RULES: usize = 100_000;
/// Pages read.
const MAX_PAGES: usize = 5_000;

/// Limits on the work one document may cause.
#[derive(Debug, Default)]
pub struct Budget {
    decoded: usize,
    page_glyphs: usize,
    page_rules: usize,
}

impl Budget {
    /// A stream's decoded bytes, if they fit the budget. A damaged Flate stream yields what inflated before the
    /// damage.
    pub fn decode(&mut self, stream: &Stream<'_>) -> Option<Vec<u8>> {
        let limit = MAX_STREAM_BYTES.min(MAX_DOCUMENT_BYTES.saturating_sub(self.decoded));
        let filters = stream.filters();
        let plain_flate = filters.len() == 1
            && filters.first() == Some(&Filter::FlateDecode)
            && !stream.dict().contains_key(b"DecodeParms");
        let data = if filters.is_empty() {
            stream.raw_data().into_owned()
        } else if plain_flate {
            inflate(&stream.raw_data(), limit)?
        } else {
            // Other filters decode in one go: only streams that cannot blow past the limit are tried.
            let raw = stream.raw_data();
            if raw.len().saturating_mul(16) > limit {
                return None;
            }
            stream.decoded().ok()?.into_owned()
        };
        if data.len() > limit {
            return None;
        }
        self.decoded += data.len();
        Some(data)
    }

    fn new_page(&mut self) {
        self.page_glyphs = 0;
        self.page_rules = 0;
    }

    pub fn take_glyph(&mut self) -> bool {
        self.page_glyphs += 1;
        self.page_glyphs <= MAX_PAGE_GLYPHS
    }

    pub fn glyphs_exhausted(&self) -> bool {
        self.page_glyphs > MAX_PAGE_GLYPHS
    }

    pub fn take_rule(&mut self) -> bool {
        self.page_rules += 1;
        self.page_rules <= MAX_PAGE_RULES
    }
}

/// Inflates zlib (or raw deflate) data up to `limit` bytes; `None` when nothing inflates or it exceeds the limit.
fn inflate(raw: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let zlib = flate2::read::ZlibDecoder::new(raw).take(limit as u64 + 1).read_to_end(&mut out);
    if zlib.is_err() && out.is_empty() {
        let _ = flate2::read::DeflateDecoder::new(raw).take(limit as u64 + 1).read_to_end(&mut out);
    }
    (!out.is_empty() && out.len() <= limit).then_some(out)
}

/// Reads a PDF with a text layer.
pub fn read_pdf(bytes: &[u8], source: &str) -> Result<Document, ReadError> {
    let pdf = Pdf::new(bytes.to_vec()).map_err(|e| match e {
        LoadPdfError::Decryption(DecryptionError::PasswordProtected) => {
            ReadError::Pdf("it is encrypted and needs a password to open".to_string())
        }
        LoadPdfError::Decryption(e) => ReadError::Pdf(format!("encrypted in a way that cannot be opened ({e:?})")),
        LoadPdfError::Invalid => ReadError::Pdf("damaged or truncated (no page could be found)".to_string()),
    })?;
    let pages = pdf.pages();
    if pages.is_empty() {
        return Err(ReadError::Pdf("it has no pages".to_string()));
    }
    let mut fonts = FontCache::default();
    let mut budget = Budget::default();
    let (mut glyphs, mut unmapped) = (0usize, 0usize);
    let mut laid = Vec::new();
    for (i, page) in pages.iter().enumerate().take(MAX_PAGES) {
        budget.new_page();
        let Some(data) = page_content(page, &mut budget) else { continue };
        let crop = page.crop_box();
        let rotate = match page.rotation() {
            Rotation::None => 0,
            Rotation::Horizontal => 90,
            Rotation::Flipped => 180,
            Rotation::FlippedHorizontal => 270,
        };
        let matrix = Matrix::page([crop.x0, crop.y0, crop.x1, crop.y1], rotate);
        let mut interpreter = Interpreter::new(&mut fonts, &mut budget, matrix);
        interpreter.run(&data, page.resources(), 0);
        let content = interpreter.finish();
        glyphs += content.glyphs.len();
        unmapped += content.unmapped;
        laid.push(layout::lay_out_page(content, i as u32 + 1));
    }
    if glyphs == 0 {
        return Err(ReadError::NoTextLayer);
    }
    if unmapped * 2 > glyphs {
        return Err(ReadError::Pdf(format!(
            "its fonts have no Unicode map for {unmapped} of {glyphs} characters, so the text cannot be decoded without guessing"
        )));
    }
    layout::drop_furniture(&mut laid);
    Ok(layout::assemble(laid, source))
}

/// A page's content streams, decoded and concatenated.
fn page_content(page: &Page<'_>, budget: &mut Budget) -> Option<Vec<u8>> {
    let dict = page.raw();
    if let Some(stream) = dict.get::<Stream<'_>>(b"Contents") {
        return budget.decode(&stream);
    }
    let array = dict.get::<Array<'_>>(b"Contents")?;
    let mut out = Vec::new();
    for stream in array.iter::<Stream<'_>>() {
        if let Some(data) = budget.decode(&stream) {
            out.extend_from_slice(&data);
            out.push(b'\n');
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Block;

    /// A PDF file from numbered objects (object 1 is the catalog), with a correct cross-reference table.
    fn build_pdf(objects: &[String]) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (i, obj) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n{obj}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
        for o in offsets {
            out.extend(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend(
            format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
        );
        out
    }

    fn stream(dict: &str, data: &str) -> String {
        format!("<< {dict} /Length {} >>\nstream\n{data}\nendstream", data.len())
    }

    /// A WPS-style page: borders as thin filled rectangles, a label in an Identity-V font down a cell, a number
    /// wrapped in a narrow cell, `TJ` spacing, a value drawn by a form XObject, a glyph replaced by
    /// `ActualText`, and a page-number footer.
    fn wps_style_page() -> Vec<u8> {
        let to_unicode = "1 begincodespacerange <0000> <FFFF> endcodespacerange
12 beginbfchar <0001> <4E09> <0002> <3001> <0003> <7ED3> <0004> <679C> <0005> <89C4> <0006> <7AE0>
<0007> <0032> <0008> <0036> <0009> <0037> <000A> <2014> <000B> <0031> <000C> <2EC4> endbfchar";
        let content = "
            100 699.75 200 0.5 re 100 649.75 200 0.5 re 100 599.75 200 0.5 re f
            99.75 600 0.5 100 re 199.75 600 0.5 100 re 299.75 600 0.5 100 re f
            BT /F1 12 Tf 100 750 Td <0001000200030004> Tj ET
            BT /F2 10 Tf 1 0 0 1 150 698 Tm <0001000200030004> Tj ET
            BT /F1 10 Tf 245 685 Td <0007> Tj 0 -15 Td <0008> Tj ET
            BT /F1 10 Tf 110 620 Td [<0005> -200 <0006>] TJ ET
            q 1 0 0 1 240 620 cm /X1 Do Q
            BT /F1 12 Tf 100 500 Td /Span << /ActualText <FEFF9752> >> BDC <000C> Tj EMC <000300FF> Tj ET
            BT /F1 10 Tf 280 40 Td <000A000B000A> Tj ET
            BT /F1 30 Tf 0.819 0.574 -0.574 0.819 120 610 Tm <000700080007> Tj ET";
        let cid_font = "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun \
            /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 /DW2 [880 -1000] >>";
        build_pdf(&[
            "<< /Type /Catalog /Pages 2 0 R >>".into(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".into(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R \
              /Resources << /Font << /F1 5 0 R /F2 6 0 R >> /XObject << /X1 9 0 R >> >> >>"
                .into(),
            stream("", content),
            "<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H \
              /DescendantFonts [8 0 R] /ToUnicode 7 0 R >>"
                .into(),
            "<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-V \
              /DescendantFonts [8 0 R] /ToUnicode 7 0 R >>"
                .into(),
            stream("", to_unicode),
            cid_font.into(),
            stream(
                "/Type /XObject /Subtype /Form /BBox [0 0 50 50] /Resources << /Font << /F1 5 0 R >> >>",
                "BT /F1 10 Tf 0 0 Td <0009> Tj ET",
            ),
        ])
    }

    #[test]
    fn a_wps_style_page_reads_into_heading_table_and_paragraph() {
        let doc = read_pdf(&wps_style_page(), "t.pdf").expect("readable");
        let kinds = layout::tests::describe(&doc);
        // The footer `—1—` is gone; the unmapped code 00FF is U+FFFD, not a guess; the digits `262` drawn at a slant
        // over the table (a watermark) are in no cell.
        assert_eq!(kinds, vec!["H:三、结果", "T:三、结果|26/规章|7", "P:青结\u{FFFD}"]);
        let Some(Block::Table(table)) = doc.blocks.get(1) else { panic!("table") };
        let seven = &table.rows[1][1];
        assert_eq!((seven.pos.page, seven.pos.row, seven.pos.col), (1, 1, 1));
    }

    #[test]
    fn damaged_files_are_errors_not_panics() {
        let pdf = wps_style_page();
        for cut in [0, 9, 100, pdf.len() / 3, pdf.len() / 2, pdf.len() - 40] {
            let _ = read_pdf(&pdf[..cut], "cut.pdf");
        }
        let mut flipped = pdf.clone();
        for i in (0..flipped.len()).step_by(7) {
            flipped[i] ^= 0x55;
        }
        let _ = read_pdf(&flipped, "flipped.pdf");
        assert!(matches!(read_pdf(b"%PDF-1.4\nnothing else", "x.pdf"), Err(ReadError::Pdf(_))));
    }

    #[test]
    fn a_page_without_text_is_a_scan() {
        let pdf = build_pdf(&[
            "<< /Type /Catalog /Pages 2 0 R >>".into(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".into(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R >>".into(),
            stream("", "q 600 0 0 800 0 0 cm /Im0 Do Q"),
        ]);
        assert!(matches!(read_pdf(&pdf, "scan.pdf"), Err(ReadError::NoTextLayer)));
    }

    #[test]
    fn decoding_is_bounded() {
        let zeros = vec![0u8; 1 << 20];
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut z, &zeros).expect("compress");
        let packed = z.finish().expect("compress");
        assert_eq!(inflate(&packed, 2 << 20).map(|d| d.len()), Some(1 << 20));
        assert_eq!(inflate(&packed, 1000), None);
        // A damaged stream yields what inflated before the damage.
        let cut = &packed[..packed.len() / 2];
        assert!(inflate(cut, 2 << 20).is_some_and(|d| !d.is_empty()));
    }
}
