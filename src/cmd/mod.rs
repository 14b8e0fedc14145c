//! One module per subcommand, each with its `Args` and a `run` function; shared input handling and the exit codes
//! live here.

pub mod bulk;
pub mod convert;
pub mod inspect;
pub mod parallel;
pub mod template;
pub mod validate;

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use nianbao::read::ReadError;
use nianbao::write::output::OutputError;

/// The exit codes: one per situation, the same for every subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Everything was done. `validate`: every table present was read completely and no rule fails.
    Ok = 0,
    /// `validate`: the workbook has errors, or holds cells that could not be read.
    Problems = 1,
    /// A usage error, or an input could not be read (missing, a directory, empty, damaged, a kind of file nianbao
    /// does not read); in a batch, at least one input could not be read, and the others were done.
    Input = 2,
    /// An output was not written: it exists already (use `--force`) or could not be written.
    Output = 3,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

/// The exit code an error ends a command with: an output that was not written, or else an input that could not
/// be read.
pub fn exit_for(err: &anyhow::Error) -> Exit {
    let input = err.chain().any(|e| e.is::<InputError>() || e.is::<ReadError>());
    let output = err.chain().any(|e| e.is::<OutputError>() || e.is::<std::io::Error>());
    if output && !input {
        Exit::Output
    } else {
        Exit::Input
    }
}

/// Why an input named on the command line could not be read. The messages leave the name out: the caller prints
/// `name: reason` (standard input names itself).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read standard input")]
    Stdin(#[source] std::io::Error),
    #[error("standard input is empty")]
    EmptyStdin,
    #[error("is a directory; use nianbao bulk to read the reports in it")]
    Directory,
    #[error("cannot read")]
    File(#[source] std::io::Error),
}

/// Reads an input named on the command line: a path, or `-` for standard input.
pub fn read_input(name: &str) -> Result<Vec<u8>, InputError> {
    if name == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(InputError::Stdin)?;
        if buf.is_empty() {
            return Err(InputError::EmptyStdin);
        }
        Ok(buf)
    } else {
        let path = Path::new(name);
        if path.is_dir() {
            return Err(InputError::Directory);
        }
        std::fs::read(path).map_err(InputError::File)
    }
}

/// Reads an input, its errors named as the user named it: `FILE: reason`; standard input's say so themselves.
pub fn read_named(name: &str) -> anyhow::Result<Vec<u8>> {
    read_input(name).map_err(|e| match e {
        InputError::Stdin(_) | InputError::EmptyStdin => anyhow::Error::new(e),
        other => anyhow::Error::new(other).context(name.to_string()),
    })
}

/// An input as messages name it: its path, or `standard input` for `-`.
pub fn display_name(name: &str) -> &str {
    if name == "-" {
        "standard input"
    } else {
        name
    }
}

/// A closed pipe (`nianbao inspect … | head`) is not an error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().filter_map(|e| e.downcast_ref::<std::io::Error>()).any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
