//! nianbao reads Chinese government information-disclosure annual reports (政府信息公开工作年度报告), maps their
//! tables onto the official template, checks the template's arithmetic and writes the result as JSON, CSV or
//! XLSX.
//!
//! The pipeline: [`read`] (bytes → [`doc::Document`]) → [`map`] (document tables → template cells) and
//! [`meta`] (kind, year, agency) → [`report::Report`] → writers. See ARCHITECTURE.md.

pub mod check;
pub mod doc;
pub mod glossary;
pub mod hash;
pub mod map;
pub mod meta;
pub mod normalize;
pub mod patterns;
pub mod prose;
pub mod read;
pub mod report;
pub mod rules;
pub mod template;
pub mod write;

use crate::hash::IndexMap;

use doc::Document;
use report::{DocKind, Report};
use template::Catalog;

/// Compiles the text patterns every report needs, which otherwise happens on first use. A batch calls it on a
/// thread of its own while it lists its inputs: its workers then start on ready patterns, instead of one of them
/// compiling while the others wait for it. Calling it is never needed for correctness.
pub fn prepare() {
    std::thread::scope(|scope| {
        scope.spawn(meta::prepare);
        prose::metrics::prepare();
    });
}

/// Reads a document and analyses it with the embedded templates. Fails only when the bytes are not a readable
/// document.
pub fn inspect_bytes(bytes: &[u8], source: &str) -> Result<Report, read::ReadError> {
    inspect_bytes_with(bytes, source, Catalog::embedded())
}

/// Reads a document and analyses it with the templates of `catalog`.
pub fn inspect_bytes_with(bytes: &[u8], source: &str, catalog: &Catalog) -> Result<Report, read::ReadError> {
    let doc = read::read(bytes, source)?;
    analyse_readable(&doc, catalog)
}

/// [`analyse_with`], failing when the document's tables hold values but none nianbao can read: every cell where
/// a number belongs holds `TRUE`, `NaN`, `#REF!`, `1e308` or the like. Such an input is not read, however well
/// its labels were; reporting it as a report with empty tables would pass off a loss as a finding.
pub fn analyse_readable(doc: &Document, catalog: &Catalog) -> Result<Report, read::ReadError> {
    let report = analyse_with(doc, catalog);
    match unreadable_values(&report) {
        Some(cells) => Err(read::ReadError::NoReadableValue(cells)),
        None => Ok(report),
    }
}

/// The places of the cells that hold no usable value, when not one cell of the report holds a number.
fn unreadable_values(report: &Report) -> Option<String> {
    let any_number = report.tables.values().flat_map(|t| t.cells.values()).any(|c| c.state == report::CellState::Value);
    let places: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule == report::Rule::Unreadable)
        .map(|f| {
            f.refs.first().cloned().unwrap_or_else(|| f.cells.first().map(ToString::to_string).unwrap_or_default())
        })
        .collect();
    if any_number || places.is_empty() {
        return None;
    }
    const SHOWN: usize = 3;
    let mut text = places.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if places.len() > SHOWN {
        text.push_str(&format!(" and {} more", places.len() - SHOWN));
    }
    Some(text)
}

/// Everything nianbao knows about a document, with the embedded templates: metadata, mapped tables, unplaced
/// numbers, findings.
pub fn analyse(doc: &Document) -> Report {
    analyse_with(doc, Catalog::embedded())
}

/// Everything nianbao knows about a document, with the templates of `catalog`.
pub fn analyse_with(doc: &Document, catalog: &Catalog) -> Report {
    let mut meta = meta::extract(doc, catalog.sections());
    // Placements the tables' rules leave open may be decided by a figure the text states for the same cells; the
    // prose read for them is read once.
    let mut prose_read = None;
    let mapped = map::map_document_deciding(doc, meta.year, catalog, || {
        let read = prose::read(doc, catalog);
        let evidence = prose::stated_figures(&read, catalog);
        prose_read = Some(read);
        evidence
    });
    // A document that prints the standard tables is a report (or the official form), even with no prose: a
    // workbook brought back for validation has only its tables.
    let has_tables = mapped.tables.values().any(|t| t.status != report::TableStatus::Absent);
    if has_tables && meta.kind == DocKind::Other {
        meta.kind = DocKind::AnnualReport;
    }
    let template = match meta.kind {
        DocKind::Other => None,
        DocKind::AnnualReport => {
            mapped.version().or_else(|| meta.year.and_then(|y| catalog.for_year(y)).map(|t| t.version.clone()))
        }
    };
    let mut tables = IndexMap::default();
    for (key, table) in mapped.tables {
        tables.insert(key, table);
    }
    let mut report = Report {
        source: doc.source.clone(),
        kind: meta.kind,
        year: meta.year,
        agency: meta.agency,
        published: meta.published,
        template,
        tables,
        unplaced: mapped.unplaced,
        findings: mapped.findings,
        sections: Vec::new(),
        metrics: Vec::new(),
    };
    // What the reader left unread is said, never dropped silently.
    report.findings.extend(doc.omitted.iter().map(|o| {
        report::Finding::new(
            report::Severity::Error,
            report::Rule::TooLarge,
            format!("内容过大，未读取 / {} not read: {}", o.what, o.reason),
        )
    }));
    let prose_findings = prose::apply(doc, &mut report, catalog, prose_read);
    let findings = check::check(&report, catalog);
    report.findings.extend(findings);
    report.findings.extend(prose_findings);
    report
}
