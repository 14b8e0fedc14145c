//! Prose: sections, metrics with provenance, prose-derived cells, prose ↔ table checks (in progress).

use crate::doc::Document;
use crate::report::Report;

/// Adds what the prose says to a report whose tables are already mapped.
pub fn apply(_doc: &Document, _report: &mut Report) {}
