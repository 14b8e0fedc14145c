//! Helpers shared by the integration tests: the binary under test, the repository root, running a command, and
//! the test oracles — the one list of report fixtures (`fixtures`), their hand-written specs (`spec`), the
//! official form and its rules as the tests know them (`form`), the comparisons built on them (`oracle`), and
//! where a raw text must be found in its source (`origin`).
#![allow(dead_code)] // each test binary uses its own subset

pub mod fixtures;
pub mod form;
pub mod measure;
pub mod oracle;
pub mod origin;
pub mod spec;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `nianbao` binary built for these tests.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_nianbao")
}

/// The repository root, where `fixtures/` lives.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin()).args(args).current_dir(dir).output().expect("binary runs")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Fails the test, with what to install, unless `tool --version` runs. A test that needs an external tool is
/// `#[ignore = "needs …"]` (plain `cargo test` lists it as ignored; `.ci/run` installs the tool and runs it) and
/// must never pass without the tool.
#[track_caller]
pub fn require_tool(tool: &str, package: &str) {
    let runs = Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success());
    assert!(runs, "`{tool}` is not installed, and this test needs it: install {package} (`.ci/run` does)");
}
