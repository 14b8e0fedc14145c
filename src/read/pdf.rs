//! PDF reader (text layer): positioned text and drawn table rules rebuilt into headings, paragraphs and tables.

use crate::doc::Document;
use crate::read::ReadError;

/// Reads a PDF with a text layer.
pub fn read_pdf(_bytes: &[u8], _source: &str) -> Result<Document, ReadError> {
    Err(ReadError::Pdf("PDF files are not read yet".to_string()))
}
