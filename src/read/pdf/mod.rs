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
