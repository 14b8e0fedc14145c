//! The `nianbao` command: argument parsing and dispatch to one module per subcommand.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The exit codes, as the `--help` of every command ends: one code per situation, the same for every command
/// (see [`cmd::Exit`]).
macro_rules! exit_codes_help {
    () => {
        "Exit codes (the same for every command):\n  \
         0  done; validate: every table present was read completely and no rule fails\n  \
         1  validate: the workbook has errors, or cells that could not be read or placed\n  \
         2  usage error, or an input could not be read (in a batch: at least one; the others are done)\n  \
         3  an output was not written: it exists (use --force) or cannot be written"
    };
}

mod cmd;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "nianbao",
    version,
    about = "Read Chinese government information-disclosure annual reports (政府信息公开工作年度报告) and fill the official tables",
    long_about = "nianbao reads a 政府信息公开工作年度报告 (an HTML page, text, Markdown, a PDF, a Word \
file, or an Excel, WPS or LibreOffice spreadsheet), finds the three standard tables (表二 主动公开, 表三 依申请公开, 表四 复议诉讼), maps them onto the official \
template (gov2019 or gov2021, decided per table) and reports every cell with the text it came from.\n\n\
A table that is not in the document is reported as absent, never as zeros; a number that cannot be placed is \
listed under `unplaced`.",
    after_help = concat!(
        "Examples:\n  nianbao inspect fixtures/002_bc2901b205bfb866.txt\n  nianbao inspect --json report.html | jq .tables.t3\n  cat report.txt | nianbao inspect --json -\n  nianbao convert fixtures/003_f86e26e747344a50.txt -o out\n  nianbao bulk reports/ -o export\n  nianbao validate corrected.xlsx\n\n",
        exit_codes_help!()
    )
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Refuse inputs larger than this (bytes, or with K, M, G): a guard against files that are not reports.
    #[arg(long, global = true, value_name = "SIZE", default_value = "200M", value_parser = cmd::parse_size)]
    max_input_size: u64,
}

#[derive(Subcommand)]
enum Command {
    /// Show what nianbao finds in one report (tables, cells, unplaced numbers, findings).
    Inspect(cmd::inspect::Args),
    /// Convert reports to filled XLSX / CSV / JSON workbooks.
    Convert(cmd::convert::Args),
    /// Export many reports (files, directories, lists of paths) to long and wide CSV files, cross-report checks,
    /// a dictionary of keys and a summary workbook.
    Bulk(cmd::bulk::Args),
    /// Check a filled or corrected workbook (XLSX, XLS, ODS, ET) against the template's rules.
    Validate(cmd::validate::Args),
    /// Write a blank official form (XLSX) to fill by hand.
    Template(cmd::template::Args),
}

fn main() -> ExitCode {
    cmd::signals::install();
    let cli = Cli::parse();
    cmd::set_max_input_size(cli.max_input_size);
    let result = match cli.command {
        Command::Inspect(args) => cmd::inspect::run(args),
        Command::Convert(args) => cmd::convert::run(args),
        Command::Bulk(args) => cmd::bulk::run(args),
        Command::Validate(args) => cmd::validate::run(args),
        Command::Template(args) => cmd::template::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if cmd::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("nianbao: {err:#}");
            cmd::exit_for(&err).into()
        }
    }
}
