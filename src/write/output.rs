//! Putting output on disk: where the files of an input go, and writing a set of files all or nothing.
//!
//! A [`Destination`] names files `DIR/<stem><suffix>` (`report.xlsx`, `report_t2.csv`; for a batch, an empty stem
//! and whole file names). Writing a set of files checks every target first, writes each to a temporary file beside
//! its target, and renames them into place only once all are written: a reader never sees half a file, an
//! interrupted run leaves no partial output, an existing file is replaced only with `force`, and the input itself is
//! never a target.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why output files were not written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{0}: already exists (use --force to overwrite)")]
    Exists(PathBuf),
    #[error("{0}: is the input itself")]
    IsInput(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Where the outputs of one input, or of one batch, go.
#[derive(Debug, Clone)]
pub struct Destination {
    dir: PathBuf,
    stem: String,
    force: bool,
    /// The input, resolved, when it exists as a file: never overwritten.
    input: Option<PathBuf>,
}

impl Destination {
    /// Files `dir/<stem><suffix>`; existing ones are replaced only with `force`.
    pub fn new(dir: &Path, stem: &str, force: bool) -> Destination {
        Destination { dir: dir.to_path_buf(), stem: stem.to_string(), force, input: None }
    }

    /// The outputs of the input named `input` on the command line: named after its file stem (`stdin` for `-`),
    /// and never written over it.
    pub fn for_input(dir: &Path, input: &str, force: bool) -> Destination {
        let mut destination = Destination::new(dir, &output_stem(input), force);
        destination.input = (input != "-").then(|| Path::new(input).canonicalize().ok()).flatten();
        destination
    }

    /// The stem outputs are named after.
    pub fn stem(&self) -> &str {
        &self.stem
    }

    /// The path of the output with this suffix.
    pub fn path(&self, suffix: &str) -> PathBuf {
        self.dir.join(format!("{}{suffix}", self.stem))
    }

    /// Checks every target (not the input, not an existing file without `force`), then opens a temporary file
    /// beside each, to be filled and [`Staged::commit`]ted.
    pub fn stage<S: AsRef<str>>(&self, suffixes: &[S]) -> Result<Staged, OutputError> {
        let paths: Vec<PathBuf> = suffixes.iter().map(|s| self.path(s.as_ref())).collect();
        for path in &paths {
            if self.input.is_some() && path.canonicalize().ok() == self.input {
                return Err(OutputError::IsInput(path.clone()));
            }
            if !self.force && path.exists() {
                return Err(OutputError::Exists(path.clone()));
            }
        }
        let files =
            paths.into_iter().map(|path| temporary_for(&path).map(|tmp| (path, tmp))).collect::<Result<_, _>>()?;
        Ok(Staged { files, force: self.force })
    }

    /// Writes whole files, each `(suffix, bytes)`, all or nothing. Returns the paths written, in order.
    pub fn write_all(&self, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, OutputError> {
        let suffixes: Vec<&str> = files.iter().map(|(suffix, _)| suffix.as_str()).collect();
        let mut staged = self.stage(&suffixes)?;
        for ((_, bytes), (path, tmp)) in files.iter().zip(staged.files.iter_mut()) {
            tmp.write_all(bytes).map_err(io_error(path))?;
        }
        staged.commit()
    }
}

/// Writes one file at `path`, through a temporary file; an existing file is replaced only with `force`.
pub fn write_file(path: &Path, bytes: &[u8], force: bool) -> Result<(), OutputError> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Destination::new(dir, "", force).write_all(&[(name, bytes.to_vec())]).map(|_| ())
}

/// Files being written: each a temporary file beside its target until [`Staged::commit`] renames them into place.
/// Dropped without committing, the temporary files are removed and nothing is written.
#[derive(Debug)]
pub struct Staged {
    files: Vec<(PathBuf, tempfile::NamedTempFile)>,
    force: bool,
}

impl Staged {
    /// The open temporary files, in the order of their suffixes.
    pub fn files_mut(&mut self) -> impl Iterator<Item = &mut File> {
        self.files.iter_mut().map(|(_, tmp)| tmp.as_file_mut())
    }

    /// Syncs every file and renames each into place. Without `force`, a target that appeared meanwhile is left
    /// alone and reported.
    pub fn commit(self) -> Result<Vec<PathBuf>, OutputError> {
        for (path, tmp) in &self.files {
            tmp.as_file().sync_all().map_err(io_error(path))?;
        }
        let mut written = Vec::with_capacity(self.files.len());
        for (path, tmp) in self.files {
            let persisted = if self.force { tmp.persist(&path) } else { tmp.persist_noclobber(&path) };
            persisted.map_err(|e| match e.error.kind() {
                std::io::ErrorKind::AlreadyExists if !self.force => OutputError::Exists(path.clone()),
                _ => io_error(&path)(e.error),
            })?;
            written.push(path);
        }
        Ok(written)
    }
}

/// `002_bc2901b205bfb866` for `fixtures/002_bc2901b205bfb866.txt`, `stdin` for `-`.
fn output_stem(input: &str) -> String {
    if input == "-" {
        return "stdin".to_string();
    }
    Path::new(input)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "output".to_string())
}

/// A temporary file in `path`'s directory.
fn temporary_for(path: &Path) -> Result<tempfile::NamedTempFile, OutputError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".nianbao-").suffix(".tmp");
    // Ordinary file permissions (the umask still applies), not the private mode of temporary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir).map_err(io_error(path))
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io { path: path.to_path_buf(), source }
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
        assert_eq!(std::fs::read_to_string(dir.path().join("r.json")).expect("read"), "five");
    }

    #[test]
    fn the_input_is_never_a_target() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("report.json");
        std::fs::write(&input, "input").expect("write");
        let out = Destination::for_input(dir.path(), &input.display().to_string(), true);
        assert_eq!(out.stem(), "report");
        assert!(matches!(out.write_all(&files(&[(".json", "x")])), Err(OutputError::IsInput(_))));
        assert_eq!(std::fs::read_to_string(&input).expect("read"), "input");
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
}
