//! One module per subcommand, each with its `Args` and a `run` function; shared input handling lives here.

pub mod bulk;
pub mod convert;
pub mod inspect;
pub mod parallel;
pub mod template;
pub mod validate;

use std::io::Read;
use std::path::Path;

use anyhow::Context;

/// Reads an input named on the command line: a path, or `-` for standard input.
pub fn read_input(name: &str) -> anyhow::Result<Vec<u8>> {
    if name == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).context("-: cannot read standard input")?;
        Ok(buf)
    } else {
        let path = Path::new(name);
        if path.is_dir() {
            anyhow::bail!("{name}: is a directory");
        }
        std::fs::read(path).with_context(|| format!("{name}: cannot read"))
    }
}

/// A closed pipe (`nianbao inspect … | head`) is not an error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().filter_map(|e| e.downcast_ref::<std::io::Error>()).any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
