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

/// `mi_option_purge_delay` in mimalloc's `mimalloc.h` (the options are a C enum the bindings do not name).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps the memory the program frees for its next allocations instead of returning it to the system after a
/// delay: a batch frees and allocates about the same memory for every report, and each return made the system
/// fault it in again, zeroed, a huge page at a time (on 1,000 reports: 1,400 page faults against 610, and about a
/// tenth of a second of system time). The most the process holds is still its peak use.
fn keep_freed_memory() {
    // SAFETY: sets one of mimalloc's own integer options before any other thread exists (the call is not
    // thread-safe); -1 is the value its documentation gives for "no purging at all".
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

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
    keep_freed_memory();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // The only option of mimalloc's whose default is 1,000 (milliseconds) is the purge delay: the number the
        // binary sets names it, unless the environment set it first.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() && std::env::var_os("MIMALLOC_RESET_DELAY").is_none() {
            // SAFETY: reads an option; no other thread of this test sets one.
            assert_eq!(unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) }, 1000);
        }
    }
}
