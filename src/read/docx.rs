//! DOCX reader: paragraphs with heading styles, tables with `gridSpan`/`vMerge` as spans.

use crate::doc::Document;
use crate::read::ReadError;

/// Reads a Word 2007+ document.
pub fn read_docx(_bytes: &[u8], _source: &str) -> Result<Document, ReadError> {
    Err(ReadError::Word("DOCX files are not read yet".to_string()))
}
