//! `nianbao inspect FILE [--json]`: what nianbao finds in one report.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use nianbao::report::{CellSource, CellState, Report};

#[derive(clap::Args)]
#[command(after_help = concat!(
    "Examples:\n  nianbao inspect report.html\n  nianbao inspect --json report.pdf | jq .tables.t3\n  \
cat report.txt | nianbao inspect -\n\n",
    exit_codes_help!()
))]
pub struct Args {
    /// The report to read (HTML, text, Markdown, PDF, Word, XLSX/XLS/ODS), or `-` for standard input.
    pub file: std::ffi::OsString,
    /// Print the full result as JSON (the documented contract) instead of a summary.
    #[arg(long)]
    pub json: bool,
    /// Print the document model the reader produced (blocks, tables, cells) as JSON, to see how a file was read.
    #[arg(long, conflicts_with = "json")]
    pub doc: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let bytes = super::read_named(&args.file)?;
    let name = super::message_name(&args.file);
    let source = super::display_name(&args.file);
    if args.doc {
        let doc = nianbao::read::read(&bytes, &source).with_context(|| name.clone())?;
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    // The bytes go as soon as the document is read: a large input is not held twice while it is analysed.
    let doc = nianbao::read::read(&bytes, &source).with_context(|| name.clone())?;
    drop(bytes);
    let report =
        nianbao::analyse_readable(&doc, nianbao::template::Catalog::embedded()).with_context(|| name.clone())?;
    drop(doc);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write_summary(&mut out, &report)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn write_summary(out: &mut impl Write, r: &Report) -> std::io::Result<()> {
    let or_dash = |s: Option<String>| s.unwrap_or_else(|| "—".to_string());
    writeln!(out, "{}", r.source)?;
    writeln!(
        out,
        "  kind: {}  year: {}  agency: {}  template: {}",
        r.kind.as_str(),
        or_dash(r.year.map(|y| y.to_string())),
        or_dash(r.agency.clone()),
        or_dash(r.template.clone())
    )?;
    for (key, table) in &r.tables {
        let status = table.status.as_str();
        let blank = table.cells.values().filter(|c| c.state == CellState::Blank).count();
        let na = table.cells.values().filter(|c| c.state == CellState::Na).count();
        let prose = table.cells.values().filter(|c| c.source == CellSource::Prose).count();
        let from_prose = if prose > 0 { format!(", {prose} stated in the prose") } else { String::new() };
        writeln!(
            out,
            "  {key}: {status:<7} {} cells ({} blank, {} n/a{from_prose}){}",
            table.cells.len(),
            blank,
            na,
            table.template.as_ref().map(|v| format!("  [{v}]")).unwrap_or_default()
        )?;
    }
    if !r.sections.is_empty() || !r.metrics.is_empty() {
        let keys: Vec<&str> = r.sections.iter().map(|s| s.key.as_str()).collect();
        writeln!(out, "  sections: {}  metrics from the prose: {}", keys.join(" "), r.metrics.len())?;
    }
    if !r.unplaced.is_empty() {
        writeln!(out, "  unplaced numbers: {}", r.unplaced.len())?;
        for u in &r.unplaced {
            writeln!(out, "    {} {:>10}  {}", u.table, u.raw, u.context)?;
        }
    }
    if !r.findings.is_empty() {
        writeln!(out, "  findings: {}", r.findings.len())?;
        for f in &r.findings {
            writeln!(out, "    [{}] {} {}", f.severity, f.rule, f.message)?;
        }
    }
    Ok(())
}
