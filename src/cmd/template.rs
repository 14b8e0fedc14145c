//! `nianbao template` (in progress).

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Arguments to come.
    pub rest: Vec<String>,
}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`template` is not available yet")
}
