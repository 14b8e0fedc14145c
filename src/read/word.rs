//! Legacy binary Word reader (`.doc`, `.wps`): text through the piece table, tables from cell and row marks.

use crate::doc::Document;
use crate::read::ReadError;

/// Reads a legacy Word document from its compound file.
pub fn read_doc(_bytes: &[u8], _source: &str) -> Result<Document, ReadError> {
    Err(ReadError::Word("legacy .doc files are not read yet".to_string()))
}
