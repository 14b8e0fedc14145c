//! RTF reader: paragraphs and `\trowd … \cell … \row` tables.

use crate::doc::Document;
use crate::read::ReadError;

/// Reads an RTF document.
pub fn read_rtf(_bytes: &[u8], _source: &str) -> Result<Document, ReadError> {
    Err(ReadError::Rtf("RTF files are not read yet".to_string()))
}
