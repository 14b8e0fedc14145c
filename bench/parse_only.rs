//! The benchmark's floor: read, decode and parse every file into the document model, and nothing else (no
//! mapping, no checks, no output). `bulk -j 1` is measured against this on the same corpus.
//!
//! ```text
//! parse_only DIR...     one thread; prints the number of files, of documents read and of failures
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use walkdir::WalkDir;

/// The allocator `nianbao` itself uses, so the floor and the tool are measured alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let dirs: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if dirs.is_empty() {
        eprintln!("usage: parse_only DIR...");
        return ExitCode::from(2);
    }
    let (mut files, mut read, mut blocks) = (0usize, 0usize, 0usize);
    for dir in &dirs {
        for entry in WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
            if !entry.file_type().is_file() {
                continue;
            }
            files += 1;
            let Ok(bytes) = std::fs::read(entry.path()) else { continue };
            let source = entry.path().display().to_string();
            if let Ok(doc) = nianbao::read::read(&bytes, &source) {
                read += 1;
                blocks += std::hint::black_box(doc).blocks.len();
            }
        }
    }
    eprintln!("parse_only: {files} files, {read} documents read ({blocks} blocks), {} failed", files - read);
    ExitCode::SUCCESS
}
