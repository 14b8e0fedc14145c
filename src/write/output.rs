//! Putting output on disk: where the files of an input go, and writing a set of files all or nothing.
//!
//! A [`Destination`] names files `DIR/<stem><suffix>` (`report.xlsx`, `report_t2.csv`; for a batch, an empty stem
//! and whole file names). Writing a set of files checks every target first, writes each to a temporary file beside
//! its target, and puts them all in place only once all are written: a reader never sees half a file, an existing
//! file is replaced only with `force`, and the input itself is never a target.
//!
//! A set is committed all or nothing, even across a kill:
//!
//! * every temporary, backup and journal file is named `.nianbao-<pid>-<n>.<kind>`, so a later run can tell the
//!   leftovers of a process that is gone from the files of one still running;
//! * before the first rename, a journal (`.commit`) lists the set's targets and, for each file being replaced, a
//!   hard-linked backup of the old one. A failure part-way (a name too long for the file system, a full disk)
//!   undoes the renames done so far; a run killed part-way leaves its journal, and [`clean_stale`], which the next
//!   run calls on its output directory, undoes them then — restoring exactly the files there were before;
//! * [`abandon_all`] removes every temporary file of this process; the command line calls it when interrupted.
//!   It waits for a commit under way to finish, so an interrupt never splits a set.

use crate::hash::HashSet;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// Why output files were not written. Every variant names the final file, never a temporary one.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{0}: already exists (use --force to overwrite)")]
    Exists(PathBuf),
    #[error("{0}: is the input itself")]
    IsInput(PathBuf),
    /// The reason is part of the message (not a separate cause), so that it is said once.
    #[error("{path}: {error}")]
    Io { path: PathBuf, error: std::io::Error },
}

/// Where the outputs of one input, or of one batch, go.
#[derive(Debug, Clone)]
pub struct Destination {
    dir: PathBuf,
    stem: OsString,
    force: bool,
    /// The input, resolved, when it exists as a file: never overwritten.
    input: Option<PathBuf>,
}

impl Destination {
    /// Files `dir/<stem><suffix>`; existing ones are replaced only with `force`.
    pub fn new(dir: &Path, stem: impl AsRef<OsStr>, force: bool) -> Destination {
        Destination { dir: dir.to_path_buf(), stem: stem.as_ref().to_os_string(), force, input: None }
    }

    /// The outputs of the input named `input` on the command line: named after its file stem (`stdin` for `-`),
    /// and never written over it. A stem that is not UTF-8 is kept as it is, byte for byte.
    pub fn for_input(dir: &Path, input: impl AsRef<OsStr>, force: bool) -> Destination {
        let input = input.as_ref();
        let mut destination = Destination::new(dir, output_stem(input), force);
        destination.input = (input != "-").then(|| Path::new(input).canonicalize().ok()).flatten();
        destination
    }

    /// The stem outputs are named after.
    pub fn stem(&self) -> &OsStr {
        &self.stem
    }

    /// The path of the output with this suffix.
    pub fn path(&self, suffix: &str) -> PathBuf {
        let mut name = self.stem.clone();
        name.push(suffix);
        self.dir.join(name)
    }

    /// Checks every target (not the input, not an existing file without `force` — a dangling symbolic link counts
    /// as existing), then opens a temporary file beside each, to be filled and [`Staged::commit`]ted.
    pub fn stage<S: AsRef<str>>(&self, suffixes: &[S]) -> Result<Staged, OutputError> {
        let paths: Vec<PathBuf> = suffixes.iter().map(|s| self.path(s.as_ref())).collect();
        for path in &paths {
            if self.input.is_some() && path.canonicalize().ok() == self.input {
                return Err(OutputError::IsInput(path.clone()));
            }
            if !self.force && path.symlink_metadata().is_ok() {
                return Err(OutputError::Exists(path.clone()));
            }
        }
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            let tmp = Temporary::create(dir_of(&path)).map_err(io_error(&path))?;
            files.push((path, tmp));
        }
        Ok(Staged { files, obsolete: Vec::new(), force: self.force })
    }

    /// Writes whole files, each `(suffix, bytes)`, all or nothing. Returns the paths written, in order.
    pub fn write_all(&self, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, OutputError> {
        self.write_replacing(files, &[])
    }

    /// Writes whole files as [`Destination::write_all`] does and, with `force`, removes in the same commit the
    /// files of the suffixes in `obsolete` (outputs of the same stem that an earlier run wrote and this one does
    /// not, such as the CSV of a table the new report lacks). Without `force`, `obsolete` is left alone.
    pub fn write_replacing(
        &self,
        files: &[(String, Vec<u8>)],
        obsolete: &[String],
    ) -> Result<Vec<PathBuf>, OutputError> {
        let suffixes: Vec<&str> = files.iter().map(|(suffix, _)| suffix.as_str()).collect();
        let mut staged = self.stage(&suffixes)?;
        for ((_, bytes), (path, tmp)) in files.iter().zip(staged.files.iter_mut()) {
            tmp.file.write_all(bytes).map_err(io_error(path))?;
        }
        if self.force {
            staged.obsolete = obsolete
                .iter()
                .map(|suffix| self.path(suffix))
                .filter(|path| path.symlink_metadata().is_ok_and(|m| !m.is_dir()))
                .collect();
        }
        staged.commit()
    }
}

/// Writes one file at `path`, through a temporary file; an existing file is replaced only with `force`.
pub fn write_file(path: &Path, bytes: &[u8], force: bool) -> Result<(), OutputError> {
    let name = path.file_name().map(OsStr::to_os_string).unwrap_or_default();
    let name = name.to_string_lossy().into_owned();
    Destination::new(dir_of(path), "", force).write_all(&[(name, bytes.to_vec())]).map(|_| ())
}

/// The directory a file is in (`.` for a bare name).
fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Files being written: each a temporary file beside its target until [`Staged::commit`] puts them in place.
/// Dropped without committing, the temporary files are removed and nothing is written.
#[derive(Debug)]
pub struct Staged {
    files: Vec<(PathBuf, Temporary)>,
    /// Existing files the commit removes (with `force` only).
    obsolete: Vec<PathBuf>,
    force: bool,
}

impl Staged {
    /// The open temporary files, in the order of their suffixes.
    pub fn files_mut(&mut self) -> impl Iterator<Item = &mut File> {
        self.files.iter_mut().map(|(_, tmp)| &mut tmp.file)
    }

    /// The final paths, in the order of their suffixes.
    pub fn targets(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|(path, _)| path.as_path())
    }

    /// Syncs every file and puts all of them in place, or none: on any failure the files already placed are
    /// taken back and the ones they replaced restored. Without `force`, a target that appeared meanwhile is left
    /// alone and reported.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, OutputError> {
        for (path, tmp) in &self.files {
            tmp.file.sync_all().map_err(io_error(path))?;
        }
        let Some(dir) = self.files.first().map(|(target, _)| dir_of(target).to_path_buf()) else {
            return Ok(Vec::new());
        };
        // An interrupt waits until the set is in place or undone.
        let mut live = registry();
        let mut backups = Backups(Vec::new());
        let steps = self.plan(&mut backups)?;
        let journal = write_journal(&dir, &steps).map_err(|e| self.first_error(e))?;
        let mut placed = 0usize;
        let mut failure = None;
        for step in &steps {
            if let Err(e) = step.apply(self.force) {
                failure = Some(e);
                break;
            }
            placed += 1;
        }
        if let Some(e) = failure {
            for step in steps.iter().take(placed).rev() {
                step.undo();
            }
            remove_quietly(&journal);
            return Err(e);
        }
        // Best effort: some file systems refuse to sync a directory.
        let _ = File::open(&dir).and_then(|d| d.sync_all());
        remove_quietly(&journal);
        for (_, tmp) in &mut self.files {
            tmp.placed(&mut live);
        }
        drop(live);
        drop(backups);
        Ok(self.files.iter().map(|(path, _)| path.clone()).collect())
    }

    /// An error of the commit as a whole, named after its first file.
    fn first_error(&self, source: std::io::Error) -> OutputError {
        let path = self.files.first().map(|(p, _)| p.clone()).unwrap_or_default();
        OutputError::Io { path, error: source }
    }

    /// The steps of the commit, with a backup (a hard link) of every file being replaced or removed.
    fn plan(&self, backups: &mut Backups) -> Result<Vec<Step>, OutputError> {
        let mut steps = Vec::new();
        for (target, tmp) in &self.files {
            let backup = if self.force { backups.of(target)? } else { None };
            steps.push(Step::Place { tmp: tmp.path.clone(), target: target.clone(), backup });
        }
        for target in &self.obsolete {
            if let Some(backup) = backups.of(target)? {
                steps.push(Step::Remove { target: target.clone(), backup });
            }
        }
        Ok(steps)
    }
}

/// Second names (hard links) of the files a commit replaces or removes, so that it can be undone; removed when
/// the commit is over.
struct Backups(Vec<PathBuf>);

impl Backups {
    /// A backup of `target`, if it exists.
    fn of(&mut self, target: &Path) -> Result<Option<PathBuf>, OutputError> {
        if target.symlink_metadata().is_err() {
            return Ok(None);
        }
        let dir = dir_of(target);
        loop {
            let path = name_in(dir, Kind::Backup, SERIAL.fetch_add(1, Ordering::Relaxed));
            match std::fs::hard_link(target, &path) {
                Ok(()) => {
                    self.0.push(path.clone());
                    return Ok(Some(path));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io_error(target)(e)),
            }
        }
    }
}

impl Drop for Backups {
    fn drop(&mut self) {
        for path in &self.0 {
            remove_quietly(path);
        }
    }
}

/// One change of a commit, and how to undo it.
#[derive(Debug)]
enum Step {
    /// A temporary file goes to its target; `backup` is a second name of the file it replaces.
    Place { tmp: PathBuf, target: PathBuf, backup: Option<PathBuf> },
    /// An obsolete output is removed; `backup` is a second name of it.
    Remove { target: PathBuf, backup: PathBuf },
}

impl Step {
    fn apply(&self, force: bool) -> Result<(), OutputError> {
        match self {
            Step::Place { tmp, target, .. } if force => std::fs::rename(tmp, target).map_err(io_error(target)),
            Step::Place { tmp, target, .. } => place_new(tmp, target),
            Step::Remove { target, .. } => std::fs::remove_file(target).map_err(io_error(target)),
        }
    }

    fn undo(&self) {
        match self {
            Step::Place { target, backup: Some(backup), .. } | Step::Remove { target, backup } => {
                restore(backup, target)
            }
            Step::Place { target, backup: None, .. } => remove_quietly(target),
        }
    }

    /// The target and its backup, as the journal lists them.
    fn names(&self) -> (&Path, Option<&Path>) {
        match self {
            Step::Place { target, backup, .. } => (target, backup.as_deref()),
            Step::Remove { target, backup } => (target, Some(backup)),
        }
    }
}

/// Puts `tmp` at `target` unless something is there already (a file, a directory, a dangling link).
fn place_new(tmp: &Path, target: &Path) -> Result<(), OutputError> {
    match std::fs::hard_link(tmp, target) {
        Ok(()) => {
            remove_quietly(tmp);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(OutputError::Exists(target.to_path_buf())),
        // A file system without hard links: check, then rename (a race with another writer is then possible).
        Err(e) if matches!(e.raw_os_error(), Some(libc::EPERM | libc::EOPNOTSUPP | libc::EXDEV)) => {
            if target.symlink_metadata().is_ok() {
                return Err(OutputError::Exists(target.to_path_buf()));
            }
            std::fs::rename(tmp, target).map_err(io_error(target))
        }
        Err(e) => Err(io_error(target)(e)),
    }
}

/// Puts the backup back at `target` (they may be the same file: then only the backup name goes).
fn restore(backup: &Path, target: &Path) {
    if std::fs::rename(backup, target).is_ok() {
        remove_quietly(backup);
    }
}

fn remove_quietly(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// The commit's journal: one line per step, the target's file name and its backup's (hex, so any byte of a name
/// survives; `-` for none). Written under another name and renamed, so a journal is complete or absent.
fn write_journal(dir: &Path, steps: &[Step]) -> std::io::Result<PathBuf> {
    let mut text = String::from(JOURNAL_HEADER);
    for step in steps {
        let (target, backup) = step.names();
        text.push_str(&format!("{} {}\n", hex_name(target), backup.map(hex_name).unwrap_or_else(|| "-".into())));
    }
    text.push_str(JOURNAL_END);
    let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
    // Not registered as a live temporary: it is written while the registry is held (see `commit`).
    let draft = name_in(dir, Kind::Temporary, serial);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&draft)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()));
    let journal = name_in(dir, Kind::Journal, serial);
    match written.and_then(|()| std::fs::rename(&draft, &journal)) {
        Ok(()) => Ok(journal),
        Err(e) => {
            remove_quietly(&draft);
            Err(e)
        }
    }
}

const JOURNAL_HEADER: &str = "nianbao commit 1\n";
const JOURNAL_END: &str = "end\n";

fn hex_name(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default();
    name.as_encoded_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex_name(text: &str) -> Option<OsString> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> =
        (0..text.len()).step_by(2).map(|i| text.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect();
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        bytes.map(OsString::from_vec)
    }
    #[cfg(not(unix))]
    {
        bytes.and_then(|b| String::from_utf8(b).ok()).map(OsString::from)
    }
}

/// What a `.nianbao-…` file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A file being written.
    Temporary,
    /// A hard link to a file a commit replaces or removes.
    Backup,
    /// The list of a commit's steps, present while it runs.
    Journal,
}

impl Kind {
    fn extension(self) -> &'static str {
        match self {
            Kind::Temporary => "tmp",
            Kind::Backup => "bak",
            Kind::Journal => "commit",
        }
    }
}

const PREFIX: &str = ".nianbao-";

/// `.nianbao-<pid>-<serial>.<kind>` in `dir`.
fn name_in(dir: &Path, kind: Kind, serial: u64) -> PathBuf {
    dir.join(format!("{PREFIX}{}-{serial}.{}", std::process::id(), kind.extension()))
}

/// The temporary files of this process, removed on an interrupt by [`abandon_all`].
static LIVE: LazyLock<Mutex<HashSet<PathBuf>>> = LazyLock::new(|| Mutex::new(HashSet::default()));

fn registry() -> MutexGuard<'static, HashSet<PathBuf>> {
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

static SERIAL: AtomicU64 = AtomicU64::new(0);

/// A file being written by this process, `.nianbao-<pid>-<serial>.tmp`, removed when dropped unless placed.
#[derive(Debug)]
struct Temporary {
    path: PathBuf,
    file: File,
    placed: bool,
}

impl Temporary {
    /// A new empty file in `dir` (ordinary permissions, the umask applies).
    fn create(dir: &Path) -> std::io::Result<Temporary> {
        loop {
            let path = name_in(dir, Kind::Temporary, SERIAL.fetch_add(1, Ordering::Relaxed));
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o666);
            }
            // Registered before it exists, so an interrupt right after the creation still finds it.
            registry().insert(path.clone());
            match options.open(&path) {
                Ok(file) => return Ok(Temporary { path, file, placed: false }),
                Err(e) => {
                    registry().remove(&path);
                    // A leftover of an earlier process with the same id: take the next serial.
                    if e.kind() != std::io::ErrorKind::AlreadyExists {
                        return Err(e);
                    }
                }
            }
        }
    }

    /// The file is in place under its final name: nothing to remove any more.
    fn placed(&mut self, live: &mut HashSet<PathBuf>) {
        live.remove(&self.path);
        self.placed = true;
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if !self.placed {
            remove_quietly(&self.path);
            registry().remove(&self.path);
        }
    }
}

/// Removes every temporary file of this process, after any commit under way has finished. For an interrupted
/// run, just before it exits; files already committed stay.
pub fn abandon_all() {
    let mut live = registry();
    for path in live.drain() {
        remove_quietly(&path);
    }
    // Held until the process exits: no commit starts after this.
    std::mem::forget(live);
}

/// How old a leftover of an unknown process must be before it is taken for stale.
const STALE_UNKNOWN: Duration = Duration::from_secs(3600);

/// Cleans the leftovers of earlier runs that were killed in `dir`: undoes their unfinished commits (restoring
/// the files they had replaced, removing the ones they had placed) and removes their temporary files and backups.
/// Files of processes still running are left alone. Returns how many leftovers were cleaned.
pub fn clean_stale(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let mut journals = Vec::new();
    let mut others = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(leftover) = Leftover::parse(&name) else { continue };
        if !leftover.is_stale(&entry) {
            continue;
        }
        if leftover.kind == Kind::Journal {
            journals.push(entry.path());
        } else {
            others.push(entry.path());
        }
    }
    let mut cleaned = 0;
    for journal in journals {
        undo_journal(dir, &journal);
        remove_quietly(&journal);
        cleaned += 1;
    }
    for path in others {
        if path.exists() || path.symlink_metadata().is_ok() {
            remove_quietly(&path);
            cleaned += 1;
        }
    }
    cleaned
}

/// Undoes the steps a journal lists: each backup back in place, each target without one removed.
fn undo_journal(dir: &Path, journal: &Path) {
    let Ok(text) = std::fs::read_to_string(journal) else { return };
    // A journal is complete or it would not have been renamed into place; check anyway.
    if !text.starts_with(JOURNAL_HEADER) || !text.ends_with(JOURNAL_END) {
        return;
    }
    for line in text.lines().skip(1) {
        let Some((target, backup)) = line.split_once(' ') else { continue };
        let Some(target) = unhex_name(target) else { continue };
        let target = dir.join(target);
        match unhex_name(backup) {
            Some(backup) if backup != "-" => {
                let backup = dir.join(backup);
                if backup.symlink_metadata().is_ok() {
                    restore(&backup, &target);
                }
            }
            _ => remove_quietly(&target),
        }
    }
}

/// A `.nianbao-…` file found in an output directory.
struct Leftover {
    pid: Option<u32>,
    kind: Kind,
}

impl Leftover {
    fn parse(name: &OsStr) -> Option<Leftover> {
        let name = name.to_str()?.strip_prefix(PREFIX)?;
        let (stem, extension) = name.rsplit_once('.')?;
        let kind = [Kind::Temporary, Kind::Backup, Kind::Journal].into_iter().find(|k| k.extension() == extension)?;
        // Names of earlier versions carry no process id.
        let pid = stem
            .split_once('-')
            .and_then(|(pid, serial)| serial.chars().all(|c| c.is_ascii_digit()).then(|| pid.parse().ok()).flatten());
        Some(Leftover { pid, kind })
    }

    fn is_stale(&self, entry: &std::fs::DirEntry) -> bool {
        match self.pid {
            Some(pid) => pid != std::process::id() && !process_alive(pid),
            None => entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| SystemTime::now().duration_since(t).is_ok_and(|age| age > STALE_UNKNOWN)),
        }
    }
}

/// Whether a process with this id exists (it may be another program that got the id since: then its files are
/// kept, which is safe).
fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
        // SAFETY: signal 0 only checks that the process exists and may be signalled.
        let result = unsafe { libc::kill(pid, 0) };
        result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// `002_bc2901b205bfb866` for `fixtures/002_bc2901b205bfb866.txt`, `stdin` for `-`.
fn output_stem(input: &OsStr) -> OsString {
    if input == "-" {
        return "stdin".into();
    }
    Path::new(input).file_stem().filter(|s| !s.is_empty()).map(OsStr::to_os_string).unwrap_or_else(|| "output".into())
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |error| OutputError::Io { path: path.to_path_buf(), error }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(names: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
        names.iter().map(|(s, b)| (s.to_string(), b.as_bytes().to_vec())).collect()
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn read(path: PathBuf) -> String {
        std::fs::read_to_string(path).expect("read")
    }

    #[test]
    fn writes_then_refuses_to_clobber_unless_forced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = Destination::new(dir.path(), "r", false);
        let written = out.write_all(&files(&[(".json", "one"), ("_t2.csv", "two")])).expect("first write");
        assert_eq!(written, [dir.path().join("r.json"), dir.path().join("r_t2.csv")]);
        // One target exists: nothing at all is written.
        let again = out.write_all(&files(&[("_t3.csv", "three"), (".json", "four")]));
        assert!(matches!(again, Err(OutputError::Exists(p)) if p == dir.path().join("r.json")));
        assert_eq!(entries(dir.path()), ["r.json", "r_t2.csv"], "no temporary files or partial output left");
        Destination::new(dir.path(), "r", true).write_all(&files(&[(".json", "five")])).expect("forced write");
        assert_eq!(read(dir.path().join("r.json")), "five");
    }

    #[test]
    fn the_input_is_never_a_target() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("report.json");
        std::fs::write(&input, "input").expect("write");
        let out = Destination::for_input(dir.path(), &input, true);
        assert_eq!(out.stem(), "report");
        assert!(matches!(out.write_all(&files(&[(".json", "x")])), Err(OutputError::IsInput(_))));
        assert_eq!(read(input), "input");
        assert_eq!(Destination::for_input(dir.path(), "-", false).stem(), "stdin");
    }

    #[test]
    fn staged_files_appear_only_when_committed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut staged = Destination::new(dir.path(), "", false).stage(&["a.csv", "b.csv"]).expect("stage");
        for (i, file) in staged.files_mut().enumerate() {
            writeln!(file, "{i}").expect("write");
        }
        assert_eq!(entries(dir.path()).iter().filter(|n| n.ends_with(".csv")).count(), 0);
        staged.commit().expect("commit");
        assert_eq!(entries(dir.path()), ["a.csv", "b.csv"]);
        let dropped = Destination::new(dir.path(), "", true).stage(&["c.csv"]).expect("stage");
        drop(dropped);
        assert_eq!(entries(dir.path()), ["a.csv", "b.csv"]);
    }

    #[test]
    fn a_failure_part_way_undoes_the_whole_set() {
        let dir = tempfile::tempdir().expect("tempdir");
        Destination::new(dir.path(), "r", false).write_all(&files(&[(".json", "old")])).expect("first");
        // The second name is too long for any file system: the first, already renamed, is taken back.
        let long = format!("_{}.csv", "x".repeat(300));
        let forced = Destination::new(dir.path(), "r", true).write_all(&files(&[(".json", "new"), (&long, "t")]));
        assert!(matches!(&forced, Err(OutputError::Io { path, .. }) if path.ends_with(format!("r{long}"))));
        assert_eq!(entries(dir.path()), ["r.json"]);
        assert_eq!(read(dir.path().join("r.json")), "old", "the replaced file is restored");
        let fresh = Destination::new(dir.path(), "s", false).write_all(&files(&[(".json", "new"), (&long, "t")]));
        assert!(fresh.is_err());
        assert_eq!(entries(dir.path()), ["r.json"], "no new file is left");
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_link_at_a_target_is_an_existing_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("r_t2.csv")).expect("link");
        let out = Destination::new(dir.path(), "r", false).write_all(&files(&[(".json", "a"), ("_t2.csv", "b")]));
        assert!(matches!(out, Err(OutputError::Exists(p)) if p.ends_with("r_t2.csv")));
        assert_eq!(entries(dir.path()), ["r_t2.csv"]);
        Destination::new(dir.path(), "r", true).write_all(&files(&[(".json", "a"), ("_t2.csv", "b")])).expect("force");
        assert_eq!(read(dir.path().join("r_t2.csv")), "b");
        assert!(!dir.path().join("nowhere").exists(), "the link was replaced, not followed");
    }

    #[test]
    fn forced_writes_remove_obsolete_outputs_of_the_stem() {
        let dir = tempfile::tempdir().expect("tempdir");
        let all = files(&[(".xlsx", "w"), ("_t2.csv", "2"), ("_t3.csv", "3")]);
        Destination::new(dir.path(), "r", false).write_all(&all).expect("first");
        let obsolete = ["_t3.csv".to_string(), "_t4.csv".to_string()];
        let new = files(&[(".xlsx", "w2"), ("_t2.csv", "22")]);
        Destination::new(dir.path(), "r", true).write_replacing(&new, &obsolete).expect("second");
        assert_eq!(entries(dir.path()), ["r.xlsx", "r_t2.csv"]);
    }

    #[test]
    fn an_interrupted_commit_is_undone_by_the_next_run() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.csv"), "old a").expect("write");
        std::fs::write(dir.path().join("b.csv"), "old b").expect("write");
        std::fs::write(dir.path().join(".nianbao-999999999-1.bak"), "old b").expect("write");
        // What a process killed after placing `a.csv` and `c.csv` leaves: the journal, the backup of the old
        // `b.csv` it was replacing, and temporary files.
        std::fs::write(dir.path().join("a.csv"), "new a").expect("write");
        std::fs::write(dir.path().join("c.csv"), "new c").expect("write");
        std::fs::write(dir.path().join(".nianbao-999999999-0.bak"), "old a").expect("write");
        std::fs::write(dir.path().join(".nianbao-999999999-7.tmp"), "new b").expect("write");
        let line = |t: &str, b: Option<&str>| {
            format!("{} {}\n", hex_name(Path::new(t)), b.map(|b| hex_name(Path::new(b))).unwrap_or("-".into()))
        };
        let journal = format!(
            "nianbao commit 1\n{}{}{}end\n",
            line("a.csv", Some(".nianbao-999999999-0.bak")),
            line("b.csv", Some(".nianbao-999999999-1.bak")),
            line("c.csv", None)
        );
        std::fs::write(dir.path().join(".nianbao-999999999-3.commit"), journal).expect("write");
        std::fs::write(dir.path().join(".nianbao-older.tmp"), "unknown").expect("write");
        assert_eq!(clean_stale(dir.path()), 2, "the journal and the temporary file");
        // The old set is back; a leftover of an unknown process that may still be running is left alone.
        assert_eq!(entries(dir.path()), [".nianbao-older.tmp", "a.csv", "b.csv"]);
        assert_eq!(read(dir.path().join("a.csv")), "old a");
        assert_eq!(read(dir.path().join("b.csv")), "old b");
    }

    #[test]
    fn leftovers_of_live_processes_are_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mine = format!(".nianbao-{}-5.tmp", std::process::id());
        std::fs::write(dir.path().join(&mine), "x").expect("write");
        assert_eq!(clean_stale(dir.path()), 0);
        assert_eq!(entries(dir.path()), [mine]);
    }
}
