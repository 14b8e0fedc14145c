//! The one list of report fixtures every integration test uses, with each fixture's spec and expected JSON.
//!
//! A report fixture is any file under `fixtures/` (at any depth) except the directories named in
//! [`NOT_REPORTS`], the specs themselves (`*.expect.md`), `README.md` and hidden files. A new directory of
//! fixtures therefore joins the list by itself, and the tests then require a spec and an expected file for each.

use std::path::{Path, PathBuf};

use super::root;

/// Directories under `fixtures/` that hold no report fixtures: the expected JSON files, the derived formats
/// (compared with their originals by `tests/formats.rs`), and workbooks that are `validate`'s inputs.
pub const NOT_REPORTS: [&str; 3] = ["expected", "formats", "xls"];

/// One report fixture.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fixture {
    /// The input, relative to the repository root with `/` separators (`fixtures/html/gbk_2022.html`).
    pub input: String,
    /// The file name without its extension; unique across all fixtures.
    pub stem: String,
}

impl Fixture {
    /// The input as an absolute path.
    pub fn path(&self) -> PathBuf {
        root().join(&self.input)
    }

    /// The hand-written spec beside the input: `<stem>.expect.md`.
    pub fn spec_path(&self) -> PathBuf {
        let path = self.path();
        path.with_file_name(format!("{}.expect.md", self.stem))
    }

    /// The expected JSON: `fixtures/expected/<stem>.json`.
    pub fn expected_path(&self) -> PathBuf {
        root().join("fixtures/expected").join(format!("{}.json", self.stem))
    }
}

/// Every report fixture, sorted by path.
pub fn reports() -> Vec<Fixture> {
    let mut out = Vec::new();
    collect(&root().join("fixtures"), true, &mut out);
    out.sort();
    assert!(!out.is_empty(), "no report fixtures under fixtures/");
    out
}

fn collect(dir: &Path, top: bool, out: &mut Vec<Fixture>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap_or_else(|e| panic!("{}: {e}", dir.display())).path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_else(|| panic!("{}: not UTF-8", path.display()));
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            if !(top && NOT_REPORTS.contains(&name)) {
                collect(&path, false, out);
            }
            continue;
        }
        if name.ends_with(".expect.md") || name == "README.md" {
            continue;
        }
        let relative = path.strip_prefix(root()).expect("under the root");
        let input = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        let stem = name.split_once('.').map_or(name, |(s, _)| s).to_string();
        out.push(Fixture { input, stem });
    }
}

/// The fixture named `stem`.
pub fn by_stem(stem: &str) -> Fixture {
    reports().into_iter().find(|f| f.stem == stem).unwrap_or_else(|| panic!("no report fixture named {stem}"))
}
