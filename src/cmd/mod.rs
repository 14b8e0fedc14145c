//! One module per subcommand, each with its `Args` and a `run` function; shared input handling and the exit codes
//! live here.
//!
//! Every input goes through [`read_input`] (or [`read_path`]): only regular files are read (after following a
//! symbolic link), so a named pipe cannot hang a run and a link to a device cannot feed it endless bytes, and at
//! most [`max_input_size`] bytes are read from a file or from standard input. File names need not be UTF-8:
//! [`display_name`] gives the one escaped form every message and output uses.

pub mod bulk;
pub mod convert;
pub mod inspect;
pub mod parallel;
pub mod signals;
pub mod template;
pub mod validate;

use std::ffi::OsStr;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use nianbao::read::ReadError;
use nianbao::write::output::OutputError;

/// The exit codes: one per situation, the same for every subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Everything was done. `validate`: every table present was read completely and no rule fails.
    Ok = 0,
    /// `validate`: the workbook has errors, or holds cells that could not be read.
    Problems = 1,
    /// A usage error, or an input could not be read (missing, a directory, empty, damaged, a kind of file nianbao
    /// does not read); in a batch, at least one input could not be read, and the others were done.
    Input = 2,
    /// An output was not written: it exists already (use `--force`) or could not be written.
    Output = 3,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

/// The exit code an error ends a command with: an output that was not written, or else an input that could not
/// be read.
pub fn exit_for(err: &anyhow::Error) -> Exit {
    let input = err.chain().any(|e| e.is::<InputError>() || e.is::<ReadError>());
    let output = err.chain().any(|e| e.is::<OutputError>() || e.is::<std::io::Error>());
    if output && !input {
        Exit::Output
    } else {
        Exit::Input
    }
}

/// The largest input read unless `--max-input-size` says otherwise: far above any real report (the largest
/// published ones, scanned PDFs, are a few tens of megabytes), far below what would exhaust memory.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 200 * 1024 * 1024;

static MAX_INPUT_SIZE: AtomicU64 = AtomicU64::new(DEFAULT_MAX_INPUT_SIZE);

/// Sets the largest input any command reads (from `--max-input-size`).
pub fn set_max_input_size(bytes: u64) {
    MAX_INPUT_SIZE.store(bytes, Ordering::Relaxed);
}

/// The largest input any command reads.
pub fn max_input_size() -> u64 {
    MAX_INPUT_SIZE.load(Ordering::Relaxed)
}

/// Why an input named on the command line could not be read. The messages leave the name out: the caller prints
/// `name: reason` (standard input names itself).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read standard input")]
    Stdin(#[source] std::io::Error),
    #[error("standard input is empty")]
    EmptyStdin,
    #[error("is a directory; use nianbao bulk to read the reports in it")]
    Directory,
    /// A named pipe, a device or a socket: reading one may never end.
    #[error("is {0}, not a regular file")]
    NotAFile(&'static str),
    #[error("larger than {} (the input size limit; raise it with --max-input-size)", human_size(*.0))]
    TooLarge(u64),
    #[error("cannot read")]
    File(#[source] std::io::Error),
}

/// Reads an input named on the command line: a path, or `-` for standard input.
pub fn read_input(name: impl AsRef<OsStr>) -> Result<Vec<u8>, InputError> {
    let name = name.as_ref();
    if name == "-" {
        let buf = read_limited(std::io::stdin().lock(), max_input_size()).map_err(|e| match e {
            Limited::Io(e) => InputError::Stdin(e),
            Limited::TooLarge(limit) => InputError::TooLarge(limit),
        })?;
        if buf.is_empty() {
            return Err(InputError::EmptyStdin);
        }
        Ok(buf)
    } else {
        read_path(Path::new(name))
    }
}

/// Reads a file: a regular file (a symbolic link is followed), at most [`max_input_size`] bytes.
pub fn read_path(path: &Path) -> Result<Vec<u8>, InputError> {
    let limit = max_input_size();
    let file = open_nonblocking(path).map_err(InputError::File)?;
    let meta = file.metadata().map_err(InputError::File)?;
    if meta.is_dir() {
        return Err(InputError::Directory);
    }
    if !meta.is_file() {
        return Err(InputError::NotAFile(special_kind(&meta)));
    }
    if meta.len() > limit {
        return Err(InputError::TooLarge(limit));
    }
    // The file may grow while it is read: the limit holds for what is read, not only for what was stat'ed.
    read_limited_sized(file, limit, meta.len()).map_err(|e| match e {
        Limited::Io(e) => InputError::File(e),
        Limited::TooLarge(limit) => InputError::TooLarge(limit),
    })
}

/// Opens for reading without blocking: opening a named pipe with no writer would wait forever, and the type of
/// what was opened is checked on the open file itself (no window between a check and the open).
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// What a file that is neither a regular file nor a directory is, for the message.
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a named pipe";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    let _ = meta;
    "a special file"
}

enum Limited {
    Io(std::io::Error),
    TooLarge(u64),
}

/// Reads everything, failing as soon as more than `limit` bytes come.
fn read_limited(reader: impl Read, limit: u64) -> Result<Vec<u8>, Limited> {
    read_limited_sized(reader, limit, 0)
}

/// [`read_limited`] into a buffer sized for `expected` bytes (a file's size), so that a large input is not held
/// in a buffer grown to twice its size.
fn read_limited_sized(reader: impl Read, limit: u64, expected: u64) -> Result<Vec<u8>, Limited> {
    let mut buf = Vec::with_capacity(usize::try_from(expected.min(limit)).unwrap_or(0).saturating_add(1));
    reader.take(limit.saturating_add(1)).read_to_end(&mut buf).map_err(Limited::Io)?;
    if buf.len() as u64 > limit {
        return Err(Limited::TooLarge(limit));
    }
    Ok(buf)
}

/// `200 MB`, `1.5 GB`, `512 bytes`: a size for messages.
fn human_size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= 1024 * MB {
        format!("{} GB", trim_size(bytes as f64 / (1024 * MB) as f64))
    } else if bytes >= MB {
        format!("{} MB", trim_size(bytes as f64 / MB as f64))
    } else if bytes >= 1024 {
        format!("{} KB", trim_size(bytes as f64 / 1024.0))
    } else {
        format!("{bytes} bytes")
    }
}

fn trim_size(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// Parses a size on the command line: bytes, or with a suffix `K`, `M`, `G` (powers of 1024; `KB`, `MiB` too).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits_end);
    let number: u64 = number.parse().map_err(|_| format!("`{text}` is not a size (e.g. 200M, 1G, 5000000)"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("`{text}`: unknown unit (use K, M or G)")),
    };
    number.checked_mul(factor).filter(|&n| n > 0).ok_or_else(|| format!("`{text}` is not a usable size"))
}

/// A file name as every message and output prints it: valid UTF-8 as it is, each byte that is not as `\xNN`,
/// and a backslash as `\\`, so that two different names never print alike.
pub fn display_name(name: impl AsRef<OsStr>) -> String {
    escape_bytes(name.as_ref().as_encoded_bytes())
}

/// An input as messages name it: its [`display_name`], or `standard input` for `-`.
pub fn message_name(name: impl AsRef<OsStr>) -> String {
    let name = name.as_ref();
    if name == "-" {
        "standard input".to_string()
    } else {
        display_name(name)
    }
}

fn escape_bytes(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(valid) => {
                push_escaped(&mut out, valid);
                return out;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                push_escaped(&mut out, std::str::from_utf8(valid).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len());
                for b in rest.iter().take(bad) {
                    out.push_str(&format!("\\x{b:02X}"));
                }
                bytes = rest.get(bad..).unwrap_or_default();
            }
        }
    }
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        if c == '\\' {
            out.push_str("\\\\");
        } else {
            out.push(c);
        }
    }
}

/// Reads an input, its errors named as the user named it: `FILE: reason`; standard input's say so themselves.
pub fn read_named(name: impl AsRef<OsStr>) -> anyhow::Result<Vec<u8>> {
    let name = name.as_ref();
    read_input(name).map_err(|e| match e {
        InputError::Stdin(_) | InputError::EmptyStdin => anyhow::Error::new(e),
        other => anyhow::Error::new(other).context(message_name(name)),
    })
}

/// A closed pipe (`nianbao inspect … | head`) is not an error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().filter_map(|e| e.downcast_ref::<std::io::Error>()).any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_escape_unambiguously() {
        assert_eq!(display_name("报告/2023.html"), "报告/2023.html");
        assert_eq!(display_name(r"a\xFF"), r"a\\xFF");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            assert_eq!(display_name(OsStr::from_bytes(b"a\xff\xfe.txt")), r"a\xFF\xFE.txt");
            // GBK bytes of 报告 in a UTF-8 file system.
            assert_eq!(display_name(OsStr::from_bytes(b"\xb1\xa8\xb8\xe6.txt")), r"\xB1\xA8\xB8\xE6.txt");
        }
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("200M"), Ok(200 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("5000"), Ok(5000));
        assert_eq!(parse_size("64 KiB"), Ok(64 << 10));
        assert!(parse_size("0").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("3T").is_err());
        assert_eq!(human_size(DEFAULT_MAX_INPUT_SIZE), "200 MB");
        assert_eq!(human_size(1536), "1.5 KB");
    }

    #[test]
    fn reading_stops_past_the_limit() {
        assert!(matches!(read_limited(std::io::repeat(0), 1000), Err(Limited::TooLarge(1000))));
        assert!(matches!(read_limited(&b"abc"[..], 3), Ok(b) if b == b"abc"));
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let link = dir.path().join("zero.txt");
        std::os::unix::fs::symlink("/dev/zero", &link).expect("link");
        assert!(matches!(read_path(&link), Err(InputError::NotAFile("a device"))));
        let fifo = dir.path().join("pipe.txt");
        let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).expect("path");
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        assert!(matches!(read_path(&fifo), Err(InputError::NotAFile("a named pipe"))));
        assert!(matches!(read_path(dir.path()), Err(InputError::Directory)));
    }
}
