//! JSON output: the report exactly as `nianbao inspect --json` prints it.

use crate::report::Report;
use crate::write::WriteError;

/// The `inspect --json` object, pretty-printed, with a final newline.
pub fn to_json(report: &Report) -> Result<Vec<u8>, WriteError> {
    let mut out = serde_json::to_vec_pretty(report)?;
    out.push(b'\n');
    Ok(out)
}
