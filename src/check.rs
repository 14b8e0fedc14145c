//! Validation: the template's rules evaluated over a report (in progress).

use crate::report::{Finding, Report};

/// Findings of the template's rules and the domain rules for a mapped report.
pub fn check(_report: &Report) -> Vec<Finding> {
    Vec::new()
}
