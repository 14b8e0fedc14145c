//! Putting output on disk safely: write a temporary file beside the target, then rename it into place, so a
//! reader never sees half a file and an interrupted run leaves no partial output. Existing files are only
//! replaced when asked to.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an output file was not written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{0}: already exists (use --force to overwrite)")]
    Exists(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Fails with [`OutputError::Exists`] if `path` exists and `force` is not set. Checking every target of an input
/// before writing any keeps an input's outputs all-or-nothing in the common case.
pub fn check_target(path: &Path, force: bool) -> Result<(), OutputError> {
    if !force && path.exists() {
        return Err(OutputError::Exists(path.to_path_buf()));
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file in the same directory. Without `force`, an existing file
/// (even one that appeared since [`check_target`]) is left alone and reported.
pub fn write_file(path: &Path, bytes: &[u8], force: bool) -> Result<(), OutputError> {
    let mut tmp = temporary_for(path)?;
    tmp.write_all(bytes).map_err(io_error(path))?;
    persist(tmp, path, force)
}

/// A temporary file in `path`'s directory, to be filled and then [`persist`]ed as `path`. Dropped unpersisted, it
/// is removed.
pub fn temporary_for(path: &Path) -> Result<tempfile::NamedTempFile, OutputError> {
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

/// Syncs a filled temporary file and renames it to `path`; without `force` an existing `path` is left alone.
pub fn persist(tmp: tempfile::NamedTempFile, path: &Path, force: bool) -> Result<(), OutputError> {
    let io = io_error(path);
    tmp.as_file().sync_all().map_err(&io)?;
    if force {
        tmp.persist(path).map_err(|e| io(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                OutputError::Exists(path.to_path_buf())
            } else {
                io(e.error)
            }
        })?;
    }
    Ok(())
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io { path: path.to_path_buf(), source }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_then_refuses_to_clobber_unless_forced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.csv");
        write_file(&path, b"one", false).expect("first write");
        assert!(matches!(check_target(&path, false), Err(OutputError::Exists(_))));
        assert!(matches!(write_file(&path, b"two", false), Err(OutputError::Exists(_))));
        assert_eq!(std::fs::read(&path).expect("read"), b"one");
        write_file(&path, b"three", true).expect("forced write");
        assert_eq!(std::fs::read(&path).expect("read"), b"three");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
        assert_eq!(leftovers.len(), 1, "no temporary files left behind");
    }
}
