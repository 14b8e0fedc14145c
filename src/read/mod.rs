//! Readers: bytes in, [`Document`] out. The format is chosen by sniffing the content, not the file name.
//!
//! * `xlsx` — spreadsheets (XLSX and OpenDocument in a zip container, legacy XLS and WPS `.et` in a compound
//!   file), through calamine; read by labels and values, merged regions as spans where they still fit the data.
//! * `pdf` — PDF files with a text layer: positioned text and drawn rules rebuilt into blocks and tables.
//! * `docx` — Word documents (zip container with parts under `word/`).
//! * `word` — legacy binary Word (`.doc`, and `.wps` in the same format) from the compound file.
//! * `rtf` — RTF, which many sites publish under a `.doc` name.
//! * `flow` and `numbering` — shared by the three Word readers: their paragraph-and-table flow into the model,
//!   and the labels of numbered paragraphs.
//! * `mhtml` — single-file web pages (MIME), also published as `.doc`: their HTML part goes to the HTML reader.
//! * `html` — web pages: real `<table>` grids, site chrome kept out of the prose.
//! * `text` — everything else: prose, cell-per-line flattened tables, Markdown pipe tables, and rows copied
//!   out of PDF or Word.
//!
//! Every reader decodes and strips romanisation glosses through [`crate::normalize`] and nothing else.

use std::sync::LazyLock;

use regex::Regex;

use crate::doc::{Block, Document};
use crate::normalize;

mod biff_guard;
pub mod docx;
mod flow;
pub mod html;
mod html_guard;
mod mhtml;
mod numbering;
pub mod pdf;
pub mod rtf;
#[cfg(test)]
mod testing;
pub mod text;
pub mod word;
pub mod xlsx;
mod zip_guard;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Decode(#[from] normalize::DecodeError),
    #[error("not a readable spreadsheet: {0}")]
    Spreadsheet(String),
    #[error("not a readable PDF: {0}")]
    Pdf(String),
    /// A PDF whose pages are images: there is no text to read.
    #[error("no text layer (a scanned PDF); run OCR first")]
    NoTextLayer,
    #[error("not a readable Word document: {0}")]
    Word(String),
    #[error("not a readable RTF document: {0}")]
    Rtf(String),
    /// Office encrypts a password-protected DOCX or XLSX into a compound file; what it holds cannot be told.
    #[error("an encrypted (password-protected) Office file; save it without a password to read it")]
    EncryptedOffice,
    /// A compound file (legacy Office) so damaged that not even its stream names can be read.
    #[error("a damaged or truncated Office file ({0})")]
    DamagedCompoundFile(String),
    /// Tables whose every value cell holds something that is no number (`TRUE`, `NaN`, `#REF!`, `1e308`).
    #[error("no number in its tables could be read: the cells where numbers belong hold no value ({0})")]
    NoReadableValue(String),
    /// A file of a kind nianbao does not read (an image, an archive, a presentation).
    #[error("{}, not a document nianbao reads: {}", .0.what, .0.advice)]
    Unsupported(FileKind),
}

/// A kind of file nianbao does not read: what it is, and what to do instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKind {
    /// `a PNG image`, `a ZIP archive`.
    pub what: &'static str,
    pub advice: &'static str,
}

const OCR: &str = "run OCR on it first and give nianbao the text";
const UNPACK: &str = "unpack it and give nianbao the reports inside (`nianbao bulk DIR` reads a whole directory)";

/// Signatures of files that are no report: the bytes they start with, and what they are.
const NOT_DOCUMENTS: &[(&[u8], FileKind)] = &[
    (b"\x89PNG\r\n\x1a\n", FileKind { what: "a PNG image", advice: OCR }),
    (b"\xFF\xD8\xFF", FileKind { what: "a JPEG image", advice: OCR }),
    (b"GIF87a", FileKind { what: "a GIF image", advice: OCR }),
    (b"GIF89a", FileKind { what: "a GIF image", advice: OCR }),
    (b"II*\x00", FileKind { what: "a TIFF image", advice: OCR }),
    (b"MM\x00*", FileKind { what: "a TIFF image", advice: OCR }),
    (b"Rar!\x1a\x07", FileKind { what: "a RAR archive", advice: UNPACK }),
    (b"7z\xBC\xAF\x27\x1C", FileKind { what: "a 7-Zip archive", advice: UNPACK }),
    (b"\x1F\x8B", FileKind { what: "a gzip-compressed file", advice: UNPACK }),
    (b"\xFD7zXZ\x00", FileKind { what: "an xz-compressed file", advice: UNPACK }),
    (b"\x7FELF", FileKind { what: "a program (ELF executable)", advice: "give nianbao a report" }),
];

/// A zip archive that is no document nianbao reads.
const ZIP_ARCHIVE: FileKind = FileKind { what: "a ZIP archive", advice: UNPACK };
/// An OpenDocument text (`.odt`).
const OPENDOCUMENT_TEXT: FileKind =
    FileKind { what: "an OpenDocument text (.odt)", advice: "save it as .docx or PDF in LibreOffice or WPS" };
/// A presentation.
const PRESENTATION: FileKind = FileKind { what: "a presentation", advice: "save it as PDF" };

/// The input formats nianbao reads, and the files it recognises but does not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A spreadsheet: XLSX or OpenDocument (zip), or legacy XLS (compound file; WPS `.et` files too).
    Xlsx,
    Pdf,
    /// Word 2007+ (zip with `word/document.xml`).
    Docx,
    /// Legacy binary Word (compound file with a `WordDocument` stream).
    Doc,
    Rtf,
    Html,
    Text,
    /// A file nianbao recognises and does not read.
    Unsupported(FileKind),
}

/// How far into a file the `%PDF-` marker may stand (some producers put junk before it).
const PDF_MARKER_WINDOW: usize = 1024;

/// Decides the format from the content, never from a file name.
pub fn sniff(bytes: &[u8]) -> Format {
    let head = &bytes[..bytes.len().min(PDF_MARKER_WINDOW)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Format::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return match zip_kind(bytes) {
            ZipKind::Word => Format::Docx,
            ZipKind::Workbook | ZipKind::OpenDocumentSpreadsheet => Format::Xlsx,
            ZipKind::OpenDocumentText => Format::Unsupported(OPENDOCUMENT_TEXT),
            ZipKind::Presentation => Format::Unsupported(PRESENTATION),
            ZipKind::Archive => Format::Unsupported(ZIP_ARCHIVE),
        };
    }
    if bytes.starts_with(&xlsx::CFB_SIGNATURE) {
        // Directory entries of a compound file hold their names in UTF-16LE.
        if contains(bytes, &utf16le("WordDocument")) {
            return Format::Doc;
        }
        if contains(bytes, &utf16le("PowerPoint Document")) {
            return Format::Unsupported(PRESENTATION);
        }
        return Format::Xlsx;
    }
    if bytes.trim_ascii_start().starts_with(b"{\\rtf") {
        return Format::Rtf;
    }
    if let Some((_, kind)) = NOT_DOCUMENTS.iter().find(|(signature, _)| bytes.starts_with(signature)) {
        return Format::Unsupported(*kind);
    }
    if bytes.len() > 12 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Format::Unsupported(FileKind { what: "a WebP image", advice: OCR });
    }
    Format::Text
}

/// What a zip container holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ZipKind {
    /// Word 2007+ (`word/`).
    Word,
    /// An XLSX workbook, or a zip whose entries cannot be told (a truncated one): read as a workbook.
    Workbook,
    /// An OpenDocument spreadsheet: its `mimetype` entry says so, or it has the `content.xml` of one.
    OpenDocumentSpreadsheet,
    OpenDocumentText,
    /// PowerPoint (`ppt/`) or an OpenDocument presentation.
    Presentation,
    /// Any other zip archive.
    Archive,
}

/// The OpenDocument media types, as the first (stored) entry `mimetype` of the package holds them.
const ODF_SPREADSHEET: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
const ODF_TEXT: &[u8] = b"application/vnd.oasis.opendocument.text";
const ODF_PRESENTATION: &[u8] = b"application/vnd.oasis.opendocument.presentation";

/// What a zip holds, from the names of its entries (stored uncompressed, so a truncated package, whose central
/// directory is lost, still tells) and its OpenDocument `mimetype`.
pub(crate) fn zip_kind(bytes: &[u8]) -> ZipKind {
    // The mimetype entry comes first, uncompressed, by the OpenDocument specification.
    let head = &bytes[..bytes.len().min(256)];
    if contains(head, ODF_SPREADSHEET) {
        return ZipKind::OpenDocumentSpreadsheet;
    }
    if contains(head, ODF_TEXT) {
        return ZipKind::OpenDocumentText;
    }
    if contains(head, ODF_PRESENTATION) {
        return ZipKind::Presentation;
    }
    let (mut any, mut content_xml, mut office) = (false, false, false);
    for name in zip_entry_names(bytes) {
        any = true;
        if name.starts_with(b"word/") {
            return ZipKind::Word;
        }
        if name.starts_with(b"ppt/") {
            return ZipKind::Presentation;
        }
        content_xml |= name == b"content.xml";
        office |= name.starts_with(b"xl/") || name == b"[Content_Types].xml";
    }
    if office || !any {
        ZipKind::Workbook
    } else if content_xml {
        ZipKind::OpenDocumentSpreadsheet
    } else {
        ZipKind::Archive
    }
}

/// The names of the zip's local file headers (`PK\x03\x04`, name length at 26, name at 30).
fn zip_entry_names(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut at = 0usize;
    std::iter::from_fn(move || loop {
        let found = bytes.get(at..)?.windows(4).position(|w| w == b"PK\x03\x04")?;
        let header = at + found;
        at = header + 4;
        let len = bytes.get(header + 26..header + 28).map(|l| usize::from(u16::from_le_bytes([l[0], l[1]])))?;
        if let Some(name) = bytes.get(header + 30..header + 30 + len) {
            return Some(name);
        }
    })
}

/// A compound file holding an encrypted Office package (`EncryptionInfo` and `EncryptedPackage` streams).
fn is_encrypted_package(bytes: &[u8]) -> bool {
    bytes.starts_with(&xlsx::CFB_SIGNATURE)
        && contains(bytes, &utf16le("EncryptedPackage"))
        && contains(bytes, &utf16le("EncryptionInfo"))
}

/// Why a compound file does not open, if it does not: its directory is damaged or cut off, so what kind of
/// document it held (Word or a workbook) cannot be told.
fn damaged_compound_file(bytes: &[u8]) -> Option<String> {
    if !bytes.starts_with(&xlsx::CFB_SIGNATURE) {
        return None;
    }
    cfb::CompoundFile::open(std::io::Cursor::new(bytes)).err().map(|e| e.to_string())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// A spreadsheet's reading error, or what is known instead when the bytes are a compound file too damaged to
/// tell what it held.
pub fn refine_error(bytes: &[u8], error: ReadError) -> ReadError {
    damaged_compound_file(bytes).map_or(error, ReadError::DamagedCompoundFile)
}

/// Reads a document of any supported format.
pub fn read(bytes: &[u8], source: &str) -> Result<Document, ReadError> {
    match sniff(bytes) {
        // A compound file without a Word stream name is taken for a workbook; if it cannot be read and its
        // directory is broken, it is no more a workbook than a Word file: say what is known.
        Format::Xlsx if is_encrypted_package(bytes) => Err(ReadError::EncryptedOffice),
        Format::Xlsx => xlsx::read_xlsx(bytes, source).map_err(|e| refine_error(bytes, e)),
        Format::Pdf => pdf::read_pdf(bytes, source),
        Format::Docx => docx::read_docx(bytes, source),
        Format::Doc => word::read_doc(bytes, source),
        Format::Rtf => rtf::read_rtf(bytes, source),
        Format::Unsupported(kind) => Err(ReadError::Unsupported(kind)),
        Format::Html | Format::Text => {
            let text = match mhtml::html_page(bytes) {
                Some(page) => page,
                None => normalize::decode(bytes)?,
            };
            let text = normalize::strip_glosses(&text);
            if looks_like_html(&text) {
                Ok(html::read_html(&text, source))
            } else {
                Ok(text::read_text(&text, source))
            }
        }
    }
}

static HTML_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)<(html|body|table|tr|td|div|p|span|br|head|meta|!doctype)[\s>/]").expect("valid")
});

/// HTML if the text starts like markup or carries several structural tags.
fn looks_like_html(text: &str) -> bool {
    let head: String = text.chars().take(4096).collect();
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('<') && HTML_TAG.is_match(&head) {
        return true;
    }
    // Line breaks alone (`<br>` inside Markdown table cells, as PDF-to-Markdown tools write wrapped labels) do not
    // make a page.
    HTML_TAG.captures_iter(&head).filter(|c| !c[1].eq_ignore_ascii_case("br")).take(3).count() >= 3
}

static HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十]{1,3}[)）]|第[一二三四五六七八九十]{1,3}[部章节]分?|\d{1,2}[、．])",
    )
    .expect("valid")
});

/// Turns one line of prose into a heading or a paragraph. Shared by the text and HTML readers so that both
/// see sections the same way: a short line opening with a section number (`一、`, `（二）`, `3、`) is a heading.
pub fn prose_block(text: &str, line: usize) -> Block {
    let t = text.trim();
    let short = t.chars().count() <= 40;
    let sentence = t.contains('。') || t.contains('；');
    if short && !sentence && HEADING.is_match(t) {
        Block::Heading { text: t.to_string(), line }
    } else {
        Block::Paragraph { text: t.to_string(), line }
    }
}

static SECTION_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[一二三四五六七八九十]{1,3}、").expect("valid"));

/// A top-level section heading (`二、主动公开政府信息情况`): it ends any table being read.
pub fn is_section_heading(text: &str) -> bool {
    SECTION_HEADING.is_match(text.trim()) && text.chars().count() <= 40
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_sniffed_from_content() {
        assert!(looks_like_html("<!DOCTYPE html><html><body></body></html>"));
        assert!(looks_like_html("\u{feff}  <table><tr><td>1</td></tr></table>"));
        assert!(!looks_like_html("一、总体情况\n规章 |\n0 |"));
        assert_eq!(sniff(b"PK\x03\x04rest"), Format::Xlsx);
        let mut docx = b"PK\x03\x04".to_vec();
        docx.extend([0; 22]);
        docx.extend([11, 0, 0, 0]);
        docx.extend(b"word/x.xmlrest");
        assert_eq!(sniff(&docx), Format::Docx);
        assert_eq!(sniff(b"%PDF-1.7\n"), Format::Pdf);
        assert_eq!(sniff(b"\r\n{\\rtf1\\ansi"), Format::Rtf);
        let mut doc = xlsx::CFB_SIGNATURE.to_vec();
        doc.extend(utf16le("WordDocument"));
        assert_eq!(sniff(&doc), Format::Doc);
    }

    #[test]
    fn encrypted_and_damaged_office_files_say_so() {
        use std::io::Write;
        let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).expect("create");
        for name in ["/EncryptionInfo", "/EncryptedPackage"] {
            file.create_stream(name).expect("stream").write_all(&[7; 600]).expect("write");
        }
        file.flush().expect("flush");
        let encrypted = file.into_inner().into_inner();
        assert!(matches!(read(&encrypted, "t"), Err(ReadError::EncryptedOffice)));
        let mut damaged = xlsx::CFB_SIGNATURE.to_vec();
        damaged.resize(2048, 0xAB);
        assert!(matches!(read(&damaged, "t"), Err(ReadError::DamagedCompoundFile(_))));
    }

    #[test]
    fn files_nianbao_does_not_read_say_what_they_are() {
        let zip = |names: &[&str], first: &[u8]| -> Vec<u8> {
            use std::io::Write;
            let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
            for name in names {
                z.start_file(*name, stored).expect("entry");
                z.write_all(if *name == "mimetype" { first } else { b"x" }).expect("write");
            }
            z.finish().expect("zip").into_inner()
        };
        let what = |bytes: &[u8]| match sniff(bytes) {
            Format::Unsupported(kind) => kind.what,
            other => panic!("{other:?}"),
        };
        assert_eq!(what(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "a PNG image");
        assert_eq!(what(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), "a JPEG image");
        assert_eq!(what(b"RIFF\0\0\0\0WEBPVP8 "), "a WebP image");
        assert_eq!(what(&zip(&["photos/a.jpg", "notes.txt"], b"")), "a ZIP archive");
        assert_eq!(what(&zip(&["mimetype", "content.xml"], ODF_TEXT)), "an OpenDocument text (.odt)");
        assert_eq!(what(&zip(&["[Content_Types].xml", "ppt/presentation.xml"], b"")), "a presentation");
        assert_eq!(sniff(&zip(&["mimetype", "content.xml"], ODF_SPREADSHEET)), Format::Xlsx);
        assert_eq!(sniff(&zip(&["content.xml", "styles.xml"], b"")), Format::Xlsx);
        assert_eq!(sniff(&zip(&["[Content_Types].xml", "xl/workbook.xml"], b"")), Format::Xlsx);
        let message = read(b"GIF89a\x01\0\x01\0", "x.gif").expect_err("an image").to_string();
        assert_eq!(message, "a GIF image, not a document nianbao reads: run OCR on it first and give nianbao the text");
        // Text that happens to start like nothing of these stays text.
        assert_eq!(sniff("一、总体情况".as_bytes()), Format::Text);
    }

    #[test]
    fn headings_are_short_numbered_lines() {
        assert!(matches!(prose_block("二、主动公开政府信息情况", 1), Block::Heading { .. }));
        assert!(matches!(prose_block("（一）基本情况", 1), Block::Heading { .. }));
        assert!(matches!(prose_block("一、总体情况。今年以来，我局认真贯彻落实条例。", 1), Block::Paragraph { .. }));
    }
}
