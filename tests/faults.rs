//! Faults on the output side: kills at random moments, a name too long for the file system, a dangling link at an
//! output name, a read-only directory, a full disk. After any of them, and after the next run, no temporary file
//! is left, no input has a partial set of outputs, and bulk's four files are all there and consistent, or none.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

mod common;
use common::*;

/// The files of one convert output: every table of the seed report is found, so a whole set is these four.
const SET: [&str; 4] = [".xlsx", "_t2.csv", "_t3.csv", "_t4.csv"];

fn report_text() -> String {
    std::fs::read_to_string(root().join("fixtures/002_bc2901b205bfb866.txt")).expect("fixture")
}

/// Names of nianbao's temporary, backup and journal files in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".nianbao-"))
        .collect()
}

/// For each stem in `dir`, which of the set's suffixes exist.
fn sets(dir: &Path) -> BTreeMap<String, Vec<&'static str>> {
    let mut out: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some((stem, suffix)) = SET.iter().find_map(|s| name.strip_suffix(s).map(|stem| (stem.to_string(), *s))) {
            out.entry(stem).or_default().push(suffix);
        }
    }
    out
}

/// A small pseudo-random sequence (xorshift), seeded from the clock and printed, so a failure can be replayed with
/// `NIANBAO_KILL_SEED`.
struct Random(u64);

impl Random {
    fn new() -> Random {
        let seed = std::env::var("NIANBAO_KILL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64) | 1
        });
        eprintln!("kill test seed: {seed} (NIANBAO_KILL_SEED={seed} replays it)");
        Random(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Runs the binary and sends `signal` after `delay`; returns the exit code (`None` when the signal's default
/// action ended it) and how long it ran.
/// Runs the binary in `dir` and sends it `signal` after `delay` (unless it has ended). Returns its exit code, how
/// long it ran and its process id, which names its temporary files.
fn run_and_signal(dir: &Path, args: &[&str], delay: Duration, signal: libc::c_int) -> (Option<i32>, Duration, u32) {
    let start = Instant::now();
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary runs");
    while start.elapsed() < delay {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    // SAFETY: signalling our own child (reaped only below, so the pid is still ours).
    unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    let status = child.wait().expect("wait");
    (status.code(), start.elapsed(), child.id())
}

/// The four bulk files: all present with one `reports.csv` row per input and every `cells.csv` row's source among
/// them, or none.
fn check_bulk_set(out: &Path, inputs: usize) -> bool {
    let names = ["reports.csv", "cells.csv", "metrics.csv", "findings.csv"];
    let present: Vec<bool> = names.iter().map(|n| out.join(n).exists()).collect();
    if present.iter().all(|p| !p) {
        return false;
    }
    assert!(present.iter().all(|p| *p), "a partial set of bulk files: {present:?}");
    let reports = std::fs::read_to_string(out.join("reports.csv")).expect("reports");
    assert_eq!(reports.lines().count(), inputs + 1, "one row per input");
    let sources: std::collections::HashSet<&str> =
        reports.lines().skip(1).filter_map(|l| l.split(',').next()).collect();
    let cells = std::fs::read_to_string(out.join("cells.csv")).expect("cells");
    assert!(cells.lines().skip(1).all(|l| l.split(',').next().is_some_and(|s| sources.contains(s))));
    true
}

#[test]
fn kills_at_random_moments_leave_whole_sets_after_the_next_run() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("cin")).expect("mkdir");
    std::fs::create_dir_all(dir.join("bin")).expect("mkdir");
    let report = report_text();
    let convert_inputs: Vec<String> = (0..16).map(|i| format!("cin/r{i:02}.txt")).collect();
    for name in &convert_inputs {
        std::fs::write(dir.join(name), &report).expect("write");
    }
    let bulk_inputs = 2000;
    for i in 0..bulk_inputs {
        std::fs::write(dir.join(format!("bin/r{i:04}.txt")), "一、总体情况\n本机关认真落实条例。\n").expect("write");
    }
    let mut convert_args: Vec<&str> = vec!["convert"];
    convert_args.extend(convert_inputs.iter().map(String::as_str));
    convert_args.extend(["-o", "cout"]);
    let bulk_args = ["bulk", "bin", "-o", "bout"];

    let mut random = Random::new();
    // How long the whole runs take here, so that kills land throughout them, the final renames included.
    let (_, convert_time, _) = run_and_signal(dir, &convert_args, Duration::from_secs(60), 0);
    let (_, bulk_time, _) = run_and_signal(dir, &["bulk", "bin", "-o", "bulk_timing"], Duration::from_secs(60), 0);
    std::fs::remove_dir_all(dir.join("cout")).expect("clean");
    let signals = [libc::SIGKILL, libc::SIGINT, libc::SIGTERM];
    for round in 0..3 {
        for (args, time, out) in [(&convert_args[..], convert_time, "cout"), (&bulk_args[..], bulk_time, "bout")] {
            let signal = signals[random.below(3) as usize];
            let delay = Duration::from_millis(random.below(time.as_millis() as u64 * 11 / 10));
            let (code, _, pid) = run_and_signal(dir, args, delay, signal);
            let what = format!("round {round}: {} killed by signal {signal} after {delay:?}", args[0]);
            if signal != libc::SIGKILL && code.is_some_and(|c| c == 128 + signal) {
                // An interrupted run removes its own temporaries before it exits. Those of an earlier run that was
                // killed outright stay until a run gets as far as cleaning the directory, which this one may not have.
                let own = format!(".nianbao-{pid}-");
                let left: Vec<String> = leftovers(&dir.join(out)).into_iter().filter(|n| n.starts_with(&own)).collect();
                assert_eq!(left, Vec::<String>::new(), "{what}");
            }
            if out == "bout" {
                // Before any clean-up: the set is whole or absent, or an unfinished commit is there to be undone.
                let journal = leftovers(&dir.join(out)).iter().any(|n| n.ends_with(".commit"));
                if !journal {
                    check_bulk_set(&dir.join(out), bulk_inputs);
                }
            }
        }
    }
    // The next runs, without --force: the leftovers of the killed ones are undone and the work completed.
    let next = run_in(dir, &convert_args);
    assert!(matches!(next.status.code(), Some(0 | 3)), "{}", stderr(&next));
    assert_eq!(leftovers(&dir.join("cout")), Vec::<String>::new());
    let sets = sets(&dir.join("cout"));
    assert_eq!(sets.len(), convert_inputs.len(), "every input has its outputs: {sets:?}");
    for (stem, suffixes) in &sets {
        assert_eq!(suffixes.len(), SET.len(), "{stem}: a partial set {suffixes:?}");
    }
    // A killed round may have finished before its signal (delays run to 1.1 times a whole run): its set is there,
    // and the next run without --force keeps it (3), as convert's does.
    let next = run_in(dir, &bulk_args);
    assert!(matches!(next.status.code(), Some(0 | 2 | 3)), "{}", stderr(&next));
    assert_eq!(leftovers(&dir.join("bout")), Vec::<String>::new());
    assert!(check_bulk_set(&dir.join("bout"), bulk_inputs), "bulk's files are there after the next run");
}

#[test]
fn a_name_too_long_leaves_no_file_of_the_set() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    // `<stem>.xlsx` fits in 255 bytes, `<stem>_t2.csv` does not.
    let stem = "年".repeat(83);
    std::fs::write(dir.join(format!("{stem}.txt")), report_text()).expect("write");
    let out = run_in(dir, &["convert", &format!("{stem}.txt"), "-o", "out"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("out/{stem}_t2.csv: File name too long")), "{}", stderr(&out));
    assert_eq!(stderr(&out).matches("File name too long").count(), 1, "the reason said once: {}", stderr(&out));
    let entries: Vec<_> = std::fs::read_dir(dir.join("out")).expect("out").flatten().map(|e| e.file_name()).collect();
    assert!(entries.is_empty(), "no file of the set, no temporary: {entries:?}");
}

#[test]
fn a_dangling_link_at_an_output_name_blocks_the_set_until_forced() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    std::fs::write(dir.join("r.txt"), report_text()).expect("write");
    std::fs::create_dir(dir.join("out")).expect("mkdir");
    std::os::unix::fs::symlink("../nowhere.csv", dir.join("out/r_t3.csv")).expect("link");
    let out = run_in(dir, &["convert", "r.txt", "-o", "out"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("out/r_t3.csv: already exists"), "{}", stderr(&out));
    assert_eq!(sets(&dir.join("out")).get("r").map(Vec::len), Some(1), "only the link");
    let out = run_in(dir, &["convert", "r.txt", "-o", "out", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(sets(&dir.join("out")).get("r").map(Vec::len), Some(4));
    assert!(!dir.join("nowhere.csv").exists(), "the link was replaced, not followed");
    assert!(!dir.join("out/r_t3.csv").symlink_metadata().expect("meta").file_type().is_symlink());
}

#[test]
fn force_removes_the_outputs_the_new_report_no_longer_has() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    std::fs::write(dir.join("r.txt"), report_text()).expect("write");
    let out = run_in(dir, &["convert", "r.txt", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The same report without its tables: prose only.
    let prose: String = report_text().lines().filter(|l| l.chars().count() > 30).map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.join("r.txt"), format!("某某局2023年政府信息公开工作年度报告\n{prose}")).expect("write");
    let out = run_in(dir, &["convert", "r.txt", "-o", "out", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(sets(&dir.join("out")).get("r"), Some(&vec![".xlsx"]), "the old tables' CSV files are gone");
}

/// A tmpfs mounted for one test, unmounted when dropped; `None` where mounting is not allowed.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, options: &str) -> Option<Mount> {
        std::fs::create_dir_all(at).ok()?;
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| Mount(at.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_names_the_final_file_and_leaves_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let Some(_mount) = Mount::tmpfs(&dir.join("full"), "size=64k") else {
        eprintln!("note: cannot mount a tmpfs here (needs root); the full-disk test did not run");
        return;
    };
    std::fs::write(dir.join("r.txt"), report_text()).expect("write");
    // Fill the disk but for a few kilobytes: less than a workbook.
    let _ = std::fs::write(dir.join("full/filler"), vec![0u8; 56 << 10]);
    let out = run_in(dir, &["convert", "r.txt", "-o", "full"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains("No space left on device"), "{message}");
    assert!(!message.contains(".nianbao-"), "the message names the final file: {message}");
    assert!(message.contains("full/r."), "{message}");
    assert!(sets(&dir.join("full")).is_empty(), "no file of the set");
    assert_eq!(leftovers(&dir.join("full")), Vec::<String>::new());
    std::fs::create_dir(dir.join("in")).expect("mkdir");
    for i in 0..50 {
        std::fs::write(dir.join(format!("in/r{i}.txt")), report_text()).expect("write");
    }
    let out = run_in(dir, &["bulk", "in", "-o", "full"]);
    // Exit 3, as for convert: an output that cannot be written (the inputs were read).
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains("No space left on device") && !message.contains(".nianbao-"), "{message}");
    assert!(!dir.join("full/reports.csv").exists());
    assert_eq!(leftovers(&dir.join("full")), Vec::<String>::new());
}

#[test]
fn a_read_only_directory_is_an_error_naming_the_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    std::fs::write(dir.join("r.txt"), report_text()).expect("write");
    // As root, permissions do not stop a write: a read-only mount does.
    let is_root = unsafe { libc::geteuid() } == 0;
    let _mount = if is_root {
        let Some(mount) = Mount::tmpfs(&dir.join("ro"), "ro,size=64k") else {
            eprintln!("note: running as root without mount: the read-only directory test did not run");
            return;
        };
        Some(mount)
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir(dir.join("ro")).expect("mkdir");
        std::fs::set_permissions(dir.join("ro"), std::fs::Permissions::from_mode(0o555)).expect("chmod");
        None
    };
    let out = run_in(dir, &["convert", "r.txt", "-o", "ro"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains("ro/r.xlsx: ") && !message.contains(".nianbao-"), "{message}");
    assert!(sets(&dir.join("ro")).is_empty());
}
