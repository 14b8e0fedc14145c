//! The command line as a whole: one exit code per situation, the same for every subcommand, and messages that say
//! what went wrong and what to do.
//!
//! | situation | code |
//! |---|---|
//! | done (`validate`: read completely, no rule fails) | 0 |
//! | `validate`: errors, or cells not read | 1 |
//! | usage error, an input that cannot be read | 2 |
//! | an output not written (exists without `--force`) | 3 |

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

mod common;
use common::*;

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

const SEED: &str = "fixtures/003_f86e26e747344a50.txt";

fn seed() -> String {
    root().join(SEED).display().to_string()
}

#[test]
fn an_output_that_exists_is_the_same_code_for_every_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let seed = seed();
    for first in [
        vec!["convert", seed.as_str(), "-o", "out"],
        vec!["bulk", seed.as_str(), "-o", "long"],
        vec!["template", "-o", "form.xlsx"],
        vec!["validate", "form.xlsx", "--out", "checked"],
    ] {
        let out = run_in(d, &first);
        assert_eq!(code(&out), 0, "{first:?}: {}", stderr(&out));
        let again = run_in(d, &first);
        assert_eq!(code(&again), 3, "{first:?} again: {}", stderr(&again));
        assert!(stderr(&again).contains("already exists (use --force to overwrite)"), "{}", stderr(&again));
    }
}

#[test]
fn an_input_that_cannot_be_read_is_the_same_code_for_every_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("picture.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01").expect("write");
    for args in [
        vec!["inspect", "missing.txt"],
        vec!["inspect", "picture.png"],
        vec!["convert", "picture.png", "-o", "out"],
        vec!["validate", "picture.png"],
        vec!["bulk", "picture.png", "-o", "long"],
        vec!["inspect", "--no-such-flag", "x"],
    ] {
        let out = run_in(d, &args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    }
}

#[test]
fn a_directory_given_for_one_report_points_to_bulk() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("reports")).expect("mkdir");
    for command in ["inspect", "convert"] {
        let out = run_in(dir.path(), &[command, "reports"]);
        assert_eq!(code(&out), 2, "{command}");
        let err = stderr(&out);
        assert!(err.contains("reports: is a directory; use nianbao bulk"), "{command}: {err}");
        assert_eq!(err.lines().count(), 1, "{command}: {err}");
    }
}

#[test]
fn empty_standard_input_is_said_once() {
    let mut child = Command::new(bin())
        .args(["inspect", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("waits");
    assert_eq!(code(&out), 2);
    assert_eq!(stderr(&out), "nianbao: standard input is empty\n");
}

#[test]
fn files_of_kinds_nianbao_does_not_read_say_what_they_are_and_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("报告/2023年报.pdf", zip::write::SimpleFileOptions::default()).expect("entry");
    zip.write_all(b"%PDF-1.7").expect("write");
    let zip = zip.finish().expect("zip").into_inner();
    let cases: [(&str, &[u8], &str); 3] = [
        ("scan.jpg", b"\xFF\xD8\xFF\xE0\0\x10JFIF\0", "scan.jpg: a JPEG image, not a document nianbao reads: run OCR"),
        ("reports.zip", &zip, "reports.zip: a ZIP archive, not a document nianbao reads: unpack it"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "photo.png: a PNG image, not a document nianbao reads"),
    ];
    for (name, bytes, said) in cases {
        std::fs::write(dir.path().join(name), bytes).expect("write");
        let out = run_in(dir.path(), &["inspect", name]);
        assert_eq!(code(&out), 2, "{name}");
        assert!(stderr(&out).contains(said), "{name}: {}", stderr(&out));
    }
}

#[cfg(unix)]
#[test]
fn a_dangling_link_in_a_bulk_walk_is_an_error_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    std::fs::copy(root().join(SEED), input.join("003.txt")).expect("copy");
    std::os::unix::fs::symlink(dir.path().join("gone.txt"), input.join("link.txt")).expect("link");
    let out = run_in(dir.path(), &["bulk", "in", "-o", "out"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let reports = std::fs::read_to_string(dir.path().join("out/reports.csv")).expect("written");
    let link = reports.lines().find(|l| l.starts_with("in/link.txt,")).unwrap_or_else(|| panic!("{reports}"));
    assert!(link.starts_with("in/link.txt,error,\"a symbolic link to "), "{link}");
    assert!(link.contains("which does not exist"), "{link}");
}

#[test]
fn every_command_documents_the_exit_codes() {
    for command in [vec!["--help"], vec!["inspect", "--help"], vec!["convert", "--help"], vec!["bulk", "--help"]]
        .into_iter()
        .chain([vec!["validate", "--help"], vec!["template", "--help"]])
    {
        let out = run_in(Path::new("."), &command);
        let help = stdout(&out);
        for line in
            ["0  done", "1  validate:", "2  usage error, or an input could not be read", "3  an output was not written"]
        {
            assert!(help.contains(line), "{command:?} --help lacks `{line}`:\n{help}");
        }
    }
    let out = run_in(Path::new("."), &["validate", "--help"]);
    assert!(stdout(&out).contains("passes (exit 0) only when every table present in it was read completely"));
}
