//! One module per subcommand, each with its `Args` and a `run` function; shared input handling lives here.

pub mod bulk;
pub mod convert;
pub mod inspect;
pub mod parallel;
pub mod template;
pub mod validate;

use std::io::Read;
use std::path::Path;

/// Why an input named on the command line could not be read. The messages leave the name out: the caller prints
/// `name: reason`.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read standard input")]
    Stdin(#[source] std::io::Error),
    #[error("is a directory")]
    Directory,
    #[error("cannot read")]
    File(#[source] std::io::Error),
}

/// Reads an input named on the command line: a path, or `-` for standard input.
pub fn read_input(name: &str) -> Result<Vec<u8>, InputError> {
    if name == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(InputError::Stdin)?;
        Ok(buf)
    } else {
        let path = Path::new(name);
        if path.is_dir() {
            return Err(InputError::Directory);
        }
        std::fs::read(path).map_err(InputError::File)
    }
}

/// A closed pipe (`nianbao inspect … | head`) is not an error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().filter_map(|e| e.downcast_ref::<std::io::Error>()).any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
