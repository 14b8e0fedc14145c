//! JSON output: the report exactly as `nianbao inspect --json` prints it.

use crate::report::Report;
use crate::write::{OutputFile, SourceInfo, WriteError, Writer};

/// `<stem>.json`: the `inspect --json` object.
pub struct JsonWriter;

impl Writer for JsonWriter {
    fn files(&self, report: &Report, _source: &SourceInfo) -> Result<Vec<OutputFile>, WriteError> {
        Ok(vec![OutputFile::Made { suffix: ".json".to_string(), bytes: to_json(report)? }])
    }
}

/// The `inspect --json` object, pretty-printed, with a final newline.
pub fn to_json(report: &Report) -> Result<Vec<u8>, WriteError> {
    let mut out = serde_json::to_vec_pretty(report)?;
    out.push(b'\n');
    Ok(out)
}
