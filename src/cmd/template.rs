//! `nianbao template [--version gov2021|gov2019] -o FILE.xlsx`: the blank official form, with the same layout and
//! live checks as a converted report, for filling in by hand. `nianbao validate` reads it back once filled.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use nianbao::write::{atomic, xlsx};

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  nianbao template -o 2024年报表.xlsx\n  nianbao template --version gov2019 -o form2019.xlsx"
)]
pub struct Args {
    /// Template version of the form.
    #[arg(long, value_parser = ["gov2021", "gov2019"], default_value = "gov2021")]
    pub version: String,
    /// The workbook to write.
    #[arg(short = 'o', long = "output", value_name = "FILE.xlsx", required = true)]
    pub output: PathBuf,
    /// Overwrite the file if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let bytes = xlsx::blank_workbook(&args.version)?;
    if let Some(dir) = args.output.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create directory", dir.display()))?;
    }
    atomic::check_target(&args.output, args.force)?;
    atomic::write_file(&args.output, &bytes, args.force)?;
    eprintln!("{}: blank form {}", args.output.display(), args.version);
    Ok(ExitCode::SUCCESS)
}
