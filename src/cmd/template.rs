//! `nianbao template [--version VERSION] -o FILE.xlsx`: the blank official form of one of the versions in
//! `templates/` (the newest by default), with the same layout and live checks as a converted report, for filling
//! in by hand. `nianbao validate` reads it back once filled.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use clap::builder::PossibleValuesParser;

use nianbao::template::Catalog;
use nianbao::write::{output, xlsx};

#[derive(clap::Args)]
#[command(after_help = concat!(
    "Examples:\n  nianbao template -o 2024年报表.xlsx\n  nianbao template --version gov2019 -o form2019.xlsx\n\n",
    exit_codes_help!()
))]
pub struct Args {
    /// Template version of the form (default: the newest).
    #[arg(long, value_parser = versions())]
    pub version: Option<String>,
    /// The workbook to write.
    #[arg(short = 'o', long = "output", value_name = "FILE.xlsx", required = true)]
    pub output: PathBuf,
    /// Overwrite the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// The versions of the form in `templates/`, newest first.
fn versions() -> PossibleValuesParser {
    PossibleValuesParser::new(Catalog::embedded().all().iter().rev().map(|t| t.version.as_str()))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let catalog = Catalog::embedded();
    let template = match &args.version {
        Some(version) => catalog.by_version(version),
        None => catalog.newest(),
    };
    let template = template.with_context(|| format!("no template version {}", args.version.unwrap_or_default()))?;
    let bytes = xlsx::blank_workbook(template)?;
    if let Some(dir) = args.output.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create directory", dir.display()))?;
    }
    output::write_file(&args.output, &bytes, args.force)?;
    eprintln!("{}: blank form {}", args.output.display(), template.version);
    Ok(ExitCode::SUCCESS)
}
