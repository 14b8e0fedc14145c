//! What `bulk` reads: the inputs named on the command line or listed in a file (`-`, `--files-from`), the files
//! under the directories among them, and which of the walked files are reports at all.
//!
//! A file named explicitly (on the command line or in a list) is always tried. A file found by walking a
//! directory is skipped, and counted, when it is no report: by its extension without reading it (`.json`, images,
//! archives, media, fonts, code), or by its first bytes once read (an image or archive under any name, binary data,
//! a JSON document). A report in any format nianbao reads is recognised by its content whatever its name.

use std::io::Read;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// An input to process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// Named on the command line or in a list: tried whatever it holds. A walked file that is no report is
    /// skipped.
    pub explicit: bool,
}

/// The names `bulk` was given: its arguments, with `-` replaced by the list on standard input, then the list in
/// `files_from` (`-` for standard input).
pub fn names(args: &[PathBuf], files_from: Option<&Path>) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for arg in args {
        if arg.as_os_str() == "-" {
            out.extend(read_list(&mut std::io::stdin().lock())?);
        } else {
            out.push(arg.clone());
        }
    }
    match files_from {
        Some(path) if path.as_os_str() == "-" => out.extend(read_list(&mut std::io::stdin().lock())?),
        Some(path) => out.extend(read_list(&mut std::fs::File::open(path)?)?),
        None => {}
    }
    Ok(out)
}

/// A list of paths: one per line (`\r\n` too), or separated by NUL bytes (`find -print0`) when there is one; empty
/// entries are left out. Names need not be UTF-8.
pub fn read_list(reader: &mut impl Read) -> std::io::Result<Vec<PathBuf>> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
    let separator = if bytes.contains(&0) { 0 } else { b'\n' };
    Ok(bytes
        .split(|b| *b == separator)
        .map(|entry| if separator == b'\n' { entry.strip_suffix(b"\r").unwrap_or(entry) } else { entry })
        .filter(|entry| !entry.is_empty())
        .map(path_from_bytes)
        .collect())
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// Files named, and every entry under directories named that is not a directory (recursively, sorted by name,
/// hidden entries skipped, symbolic links followed), with the number of walked files skipped by their extension.
/// A name that does not exist is kept, and so is every walked entry that is no regular file — a dangling link, a
/// named pipe, a device, an entry that cannot be read — each to get its own error row: nothing is left out
/// silently but files that are no reports, and those are counted.
///
/// Every real directory is walked once, however many links lead to it, so a link back to a parent (a loop) or a
/// second link to a directory never counts its files twice. The output directory is never walked, nor bulk's own
/// files (`own_files`) in it, so an earlier run's files are never read as reports.
pub fn collect(names: &[PathBuf], output: &Path, own_files: &[String]) -> (Vec<Input>, u64) {
    let output = output.canonicalize().ok();
    // The name first: resolving the directory of every walked file would cost a system call per part of its path.
    let is_own_output = |path: &Path| {
        let own_name = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| own_files.iter().any(|f| f == n));
        own_name && path.parent().and_then(|p| p.canonicalize().ok()).is_some_and(|p| Some(p) == output)
    };
    let mut out = Vec::new();
    let mut skipped = 0;
    let mut walked = std::collections::HashSet::new();
    for name in names {
        if !name.is_dir() {
            out.push(Input { path: name.clone(), explicit: true });
            continue;
        }
        let walk = WalkDir::new(name).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
            let hidden = e.depth() > 0 && e.file_name().as_encoded_bytes().starts_with(b".");
            if hidden || !e.file_type().is_dir() {
                return !hidden;
            }
            let real = e.path().canonicalize().ok();
            // The output directory below an input directory holds what bulk writes, not reports.
            let is_output = e.depth() > 0 && real.is_some() && real == output;
            // A directory already walked (through another link) is not entered again.
            !is_output && real.is_none_or(|real| walked.insert(real))
        });
        for entry in walk {
            match entry {
                Ok(e) if e.file_type().is_dir() || is_own_output(e.path()) => {}
                Ok(e) if e.file_type().is_file() && never_a_report(e.path()) => skipped += 1,
                Ok(e) => out.push(Input { path: e.into_path(), explicit: false }),
                // A loop back to a directory being walked: its files are listed already.
                Err(e) if e.loop_ancestor().is_some() => {}
                Err(e) => out.extend(e.path().map(|p| Input { path: p.to_path_buf(), explicit: false })),
            }
        }
    }
    (out, skipped)
}

/// Extensions of files that are never reports, compared in lower case: data and code, images, archives, media,
/// fonts, presentations, databases.
const NOT_REPORT_EXTENSIONS: &[&str] = &[
    "json", "jsonl", "geojson", "xml", "csv", "tsv", "yaml", "yml", "toml", "ini", "cfg", "conf", "log", "sql", "js",
    "mjs", "css", "map", "py", "sh", "bat", "ps1", "svg", "png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp",
    "ico", "heic", "psd", "zip", "rar", "7z", "gz", "tgz", "bz2", "xz", "zst", "tar", "cab", "iso", "exe", "dll", "so",
    "dylib", "msi", "apk", "dmg", "class", "jar", "wasm", "mp3", "mp4", "m4a", "aac", "ogg", "wav", "avi", "mov",
    "wmv", "flv", "mkv", "webm", "swf", "ttf", "otf", "woff", "woff2", "eot", "ppt", "pptx", "pps", "ppsx", "odp",
    "db", "sqlite", "mdb", "accdb",
];

/// A file whose extension says it is no report.
fn never_a_report(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| NOT_REPORT_EXTENSIONS.iter().any(|n| n.eq_ignore_ascii_case(x)))
}

/// Signatures of formats that are never reports, as `(offset, bytes)`.
const NOT_REPORT_SIGNATURES: &[(usize, &[u8])] = &[
    (0, b"\x89PNG\r\n\x1a\n"),
    (0, b"\xff\xd8\xff"),
    (0, b"GIF87a"),
    (0, b"GIF89a"),
    (0, b"II*\x00"),
    (0, b"MM\x00*"),
    (8, b"WEBP"),
    (8, b"AVI "),
    (8, b"WAVE"),
    (4, b"ftyp"),
    (0, b"ID3"),
    (0, b"OggS"),
    (0, b"fLaC"),
    (0, b"Rar!\x1a\x07"),
    (0, b"7z\xbc\xaf\x27\x1c"),
    (0, b"\x1f\x8b"),
    (0, b"BZh"),
    (0, b"\xfd7zXZ\x00"),
    (0, b"\x28\xb5\x2f\xfd"),
    (0, b"\x7fELF"),
    (0, b"\xca\xfe\xba\xbe"),
    (0, b"\x00asm"),
    (0, b"SQLite format 3\x00"),
    (0, b"wOFF"),
    (0, b"wOF2"),
    (0, b"OTTO"),
    (257, b"ustar"),
];

/// Whether a walked file is worth trying as a report: a format nianbao reads (PDF, Word, spreadsheet, RTF,
/// OpenDocument, which gets an error row) or text (any encoding nianbao decodes), and not a JSON document. Images,
/// archives and other formats that are no reports are not, under any name. Binary data of no known format is
/// tried only under a report's name (`.html`, `.pdf` …): a damaged report gets its error row, not a skip.
pub fn looks_like_report(path: &Path, bytes: &[u8]) -> bool {
    if NOT_REPORT_SIGNATURES.iter().any(|(at, sig)| bytes.get(*at..).is_some_and(|b| b.starts_with(sig))) {
        return false;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return zip_holds_a_document(bytes);
    }
    match nianbao::read::sniff(bytes) {
        nianbao::read::Format::Html | nianbao::read::Format::Text => {
            !is_json(bytes) && (is_text(bytes) || named_like_a_report(path))
        }
        _ => true,
    }
}

/// Extensions of the formats nianbao reads, compared in lower case.
const REPORT_EXTENSIONS: &[&str] = &[
    "html", "htm", "shtml", "xhtml", "mht", "mhtml", "txt", "text", "md", "markdown", "pdf", "doc", "docx", "wps",
    "rtf", "xls", "xlsx", "et", "ods", "odt",
];

/// A file whose extension names a format nianbao reads.
fn named_like_a_report(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| REPORT_EXTENSIONS.iter().any(|n| n.eq_ignore_ascii_case(x)))
}

/// A zip package of a document (Word, a workbook, OpenDocument) rather than an archive: its first entries name the
/// document's parts.
fn zip_holds_a_document(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    [&b"word/"[..], b"xl/", b"[Content_Types].xml", b"mimetypeapplication/vnd.oasis.opendocument"]
        .iter()
        .any(|part| head.windows(part.len()).any(|w| w == *part))
}

/// Text in an encoding nianbao decodes: no NUL bytes, unless UTF-16 (a byte-order mark, or every other byte NUL).
fn is_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    if head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff") {
        return true;
    }
    let nuls = head.iter().filter(|b| **b == 0).count();
    if nuls == 0 {
        // Control characters other than whitespace and escape are rare in text of any encoding.
        let control = head.iter().filter(|b| **b < 0x20 && !b"\t\n\r\x0c\x1b".contains(b)).count();
        return control * 20 <= head.len();
    }
    // UTF-16 of ASCII has a NUL in every other byte, always on the same side; binary data has them anywhere.
    let odd_nuls = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    odd_nuls == nuls || odd_nuls == 0
}

/// A whole JSON document (an object or an array), as crawlers save beside the pages.
fn is_json(bytes: &[u8]) -> bool {
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes).trim_ascii_start();
    matches!(text.first(), Some(b'{' | b'[')) && serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_lines_or_nul_separated() {
        let lines = read_list(&mut &b"a/one.html\r\n\nb two.pdf\n"[..]).expect("read");
        assert_eq!(lines, [PathBuf::from("a/one.html"), PathBuf::from("b two.pdf")]);
        let nul = read_list(&mut &b"a\nb.html\0c.txt\0"[..]).expect("read");
        assert_eq!(nul, [PathBuf::from("a\nb.html"), PathBuf::from("c.txt")]);
    }

    #[test]
    fn reports_are_told_from_other_files_by_their_content() {
        for report in [
            &b"<html><body><table><tr><td>1</td></tr></table></body></html>"[..],
            "一、总体情况\n本机关2023年收到申请5件。".as_bytes(),
            b"%PDF-1.7\n",
            b"{\\rtf1\\ansi }",
            b"",
            b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00",
            b"[1] \xc4\xea\xb6\xc8\xb1\xa8\xb8\xe6",
        ] {
            assert!(looks_like_report(Path::new("report"), report), "{report:?}");
        }
        let mut docx = b"PK\x03\x04".to_vec();
        docx.extend([0; 26]);
        docx.extend(b"word/document.xml");
        assert!(looks_like_report(Path::new("report"), &docx));
        for other in [
            &b"\x89PNG\r\n\x1a\n\x00\x00"[..],
            b"\xff\xd8\xff\xe0\x00\x10JFIF",
            b"GIF89a\x01\x00",
            b"PK\x03\x04\x14\x00\x00\x00photos/1.jpg",
            b"\x1f\x8b\x08\x00",
            b"{\"title\": \"2023\", \"items\": [1, 2]}",
            b"  [1, 2, 3]\n",
            b"\x00\x01\x02\x03\x04\x05\x06\x07\x08garbage\x00\x00",
        ] {
            assert!(!looks_like_report(Path::new("report"), other), "{other:?}");
        }
        // Text that merely starts like JSON is text.
        assert!(looks_like_report(Path::new("report"), "[2023] 年度报告 {草稿".as_bytes()));
        // Binary data of no known format is a damaged report under a report's name, and skipped under any other;
        // a known format that is no report is skipped under any name, and so is JSON.
        let noise = b"\x00\x01\x02\x03\x04\x05\x06\x07\x08garbage\x00\x00";
        for name in ["report.html", "report.PDF", "a/b.docx", "c.txt"] {
            assert!(looks_like_report(Path::new(name), noise), "{name}");
        }
        for name in ["report", "report.dat", "report.html.part"] {
            assert!(!looks_like_report(Path::new(name), noise), "{name}");
        }
        assert!(!looks_like_report(Path::new("logo.html"), b"\x89PNG\r\n\x1a\n\x00\x00"));
        assert!(!looks_like_report(Path::new("meta.html"), b"{\"title\": \"2023\"}"));
    }

    #[test]
    fn walked_files_are_skipped_by_extension_and_named_ones_never() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("in");
        std::fs::create_dir_all(root.join("sub")).expect("mkdir");
        for name in ["a.html", "b.JSON", "c.png", "sub/d.pdf", "sub/e.zip", "f"] {
            std::fs::write(root.join(name), "x").expect("write");
        }
        let named = root.join("c.png");
        let (inputs, skipped) = collect(&[root.clone(), named.clone()], &dir.path().join("out"), &[]);
        let found: Vec<(String, bool)> = inputs
            .iter()
            .map(|i| (i.path.strip_prefix(dir.path()).unwrap_or(&i.path).display().to_string(), i.explicit))
            .collect();
        assert_eq!(
            found,
            [
                ("in/a.html".to_string(), false),
                ("in/f".to_string(), false),
                ("in/sub/d.pdf".to_string(), false),
                ("in/c.png".to_string(), true)
            ]
        );
        assert_eq!(skipped, 3);
        assert_eq!(inputs.last().map(|i| &i.path), Some(&named));
    }

    #[cfg(unix)]
    #[test]
    fn links_to_walked_directories_are_not_followed_twice() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("reports");
        std::fs::create_dir_all(root.join("a/b")).expect("mkdir");
        std::fs::write(root.join("a/one.txt"), "1").expect("write");
        std::fs::write(root.join("a/b/two.txt"), "2").expect("write");
        std::fs::write(root.join("a/.hidden.txt"), "h").expect("write");
        symlink(&root, root.join("a/b/loop")).expect("link to an ancestor");
        symlink(root.join("a/b"), root.join("again")).expect("second link to a directory");
        let found: Vec<String> = collect(std::slice::from_ref(&root), &dir.path().join("out"), &[])
            .0
            .iter()
            .map(|i| i.path.strip_prefix(&root).expect("under root").display().to_string())
            .collect();
        assert_eq!(found, ["a/b/two.txt", "a/one.txt"]);
        let missing = root.join("missing.txt");
        assert_eq!(
            collect(std::slice::from_ref(&missing), dir.path(), &[]).0,
            [Input { path: missing, explicit: true }]
        );
    }
}
