//! Prose: what the report's text says, next to its tables.
//!
//! * [`sections`] finds the numbered parts (`s1` … `s6`, and `fees` of the old outline) with their printed
//!   headings and text;
//! * [`metrics`] reads the figures the sentences state, each with its qualifier, sentence and offset;
//! * [`links`] places prose figures into the absent tables of pre-2019 reports (`source: prose`) and compares prose
//!   figures with the printed tables (`P1` findings).
//!
//! All offsets (`Section::start`, `Metric::offset`) are **character** offsets (not bytes) into
//! [`Document::prose_text`]: the document's headings and paragraphs, one block per line, tables left out.
//!
//! Only annual reports are read this way; other documents (notices, bulletins) get no sections or metrics.
//! This module never changes a table-derived cell.

pub mod links;
pub mod metrics;
#[cfg(test)]
mod proofs;
pub mod sections;
pub mod text;

use crate::doc::{Block, Document};
use crate::map::Evidence;
use crate::report::{Amount, DocKind, Finding, Qualifier, Report, Rule, Section, Severity};
use crate::template::Catalog;

/// Adds what the prose says to a report whose tables are already mapped: sections, metrics and prose-derived
/// cells for pre-2019 reports. Returns the prose findings (`section_missing`, `P1`), which the pipeline lists
/// after the rule findings.
/// `prose` is the document's prose when it was already [`read`].
pub fn apply(doc: &Document, report: &mut Report, catalog: &Catalog, prose: Option<Prose>) -> Vec<Finding> {
    if report.kind != DocKind::AnnualReport {
        return Vec::new();
    }
    let Prose { sections, found } = prose.unwrap_or_else(|| read(doc, catalog));
    report.sections = sections;
    report.metrics = found.iter().map(|e| e.metric.clone()).collect();
    links::place_prose_cells(report, &found, catalog);
    // A document of tables alone (a filled form, a workbook brought back for validation) has no narrative to
    // hold to the six sections.
    let has_paragraphs = doc.blocks.iter().any(|b| matches!(b, Block::Paragraph { .. }));
    let mut findings = if has_paragraphs { missing_sections(report, catalog) } else { Vec::new() };
    findings.extend(links::check_against_tables(report, catalog));
    findings
}

/// What the prose of a document holds.
pub struct Prose {
    sections: Vec<Section>,
    found: Vec<metrics::Extracted>,
}

/// The sections of the document's prose and the figures its sentences state.
pub fn read(doc: &Document, catalog: &Catalog) -> Prose {
    let prose = doc.prose_text();
    let folded = text::FoldedProse::new(&prose);
    let (sections, heading_spans) = sections::find(&prose, &folded, catalog.sections());
    let cuts: Vec<usize> = heading_spans.iter().flat_map(|&(start, end)| [start, end]).collect();
    // Sentences are measured as they are cut, none kept: a report's prose can run to many megabytes.
    let mut found = Vec::new();
    text::for_each_sentence(&prose, &folded.text, &cuts, &heading_spans, |sentence| {
        found.extend(metrics::extract_sentence(&sentence));
    });
    Prose { sections, found }
}

/// The whole numbers the prose states exactly for template cells (through the tables' `links` in `templates/`):
/// evidence the mapper may use to choose between placements of a table's values that its rules leave open.
pub fn stated_figures(prose: &Prose, catalog: &Catalog) -> Vec<Evidence> {
    let mut out = Vec::new();
    for e in &prose.found {
        let (Qualifier::Exact, Amount::Int(value)) = (e.metric.qualifier, e.metric.value) else {
            continue;
        };
        for spec in catalog.all().iter().flat_map(|t| &t.tables) {
            for link in spec.prose_links().iter().filter(|l| l.metric == e.metric.key) {
                let evidence = Evidence { table: spec.key.clone(), cells: link.cells.clone(), value };
                if !out.contains(&evidence) {
                    out.push(evidence);
                }
            }
        }
    }
    out
}

/// A warning for each required section a report on a national form (2019 on) does not have. Pre-2019 reports
/// follow local outlines and are not held to the six sections.
fn missing_sections(report: &Report, catalog: &Catalog) -> Vec<Finding> {
    if report.kind != DocKind::AnnualReport || report.template.is_none() {
        return Vec::new();
    }
    catalog
        .sections()
        .required()
        .filter(|(key, _)| !report.sections.iter().any(|s| s.key == *key))
        .map(|(key, heading)| {
            Finding::new(
                Severity::Warning,
                Rule::SectionMissing,
                format!("未找到“{heading}”部分 / required section {key} ({heading}) not found"),
            )
        })
        .collect()
}
