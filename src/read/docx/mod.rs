//! DOCX reader: the main document part of a Word 2007+ package into the paragraph-and-table flow
//! ([`crate::read::flow`]).
//!
//! * `mod.rs` — the zip package: which part is the document (`_rels/.rels`), its styles and numbering parts, each
//!   read with a bound on its decompressed size (a zip bomb is an error, not gigabytes).
//! * `styles.rs` — paragraph styles (heading by name or outline level) and list numbering (the `一、` or `（二）`
//!   Word draws in front of a numbered paragraph is not in its text; it is rendered from `numbering.xml`).
//! * `body.rs` — the body: paragraphs, tables with `gridSpan`/`vMerge`, text boxes, tracked changes, fields.
//!
//! Headers, footers, footnotes and comments are separate parts and are never read.

mod body;
mod styles;

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::reader::Reader;
use zip::result::ZipError;
use zip::ZipArchive;

use crate::doc::Document;
use crate::read::{flow, ReadError};

/// Largest decompressed size of one XML part. A long report's `document.xml` is a few megabytes.
const MAX_PART_BYTES: u64 = 64 << 20;

const MAIN_PART: &str = "word/document.xml";

/// Reads a Word 2007+ document.
pub fn read_docx(bytes: &[u8], source: &str) -> Result<Document, ReadError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| error(format!("broken zip container ({e})")))?;
    let main = read_part(&mut zip, "_rels/.rels")?
        .and_then(|rels| relationship_target(&rels, "", "/officeDocument"))
        .unwrap_or_else(|| MAIN_PART.to_string());
    let xml = match read_part(&mut zip, &main)? {
        Some(xml) => xml,
        None if main != MAIN_PART => read_part(&mut zip, MAIN_PART)?.ok_or_else(|| error("no document part"))?,
        None => return Err(error("no document part")),
    };
    let rels = read_part(&mut zip, &rels_name(&main))?.unwrap_or_default();
    let base = main.rsplit_once('/').map_or("", |(dir, _)| dir);
    let part =
        |kind: &str, default: &str| relationship_target(&rels, base, kind).unwrap_or_else(|| default.to_string());
    let styles = read_part(&mut zip, &part("/styles", "word/styles.xml"))?
        .map(|x| styles::Styles::parse(&x))
        .unwrap_or_default();
    let numbering = read_part(&mut zip, &part("/numbering", "word/numbering.xml"))?
        .map(|x| styles::parse_numbering(&x))
        .unwrap_or_default();
    let flow = body::read_body(&xml, &styles, &numbering).map_err(|e| error(format!("{main}: {e}")))?;
    Ok(flow::into_document(&flow, source))
}

fn error(reason: impl Into<String>) -> ReadError {
    ReadError::Word(reason.into())
}

/// The part `name` decoded as text, `None` if the package has no such part. Names are matched exactly, then
/// without regard to case (zip tools differ).
fn read_part(zip: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<String>, ReadError> {
    let actual = if zip.index_for_name(name).is_some() {
        name.to_string()
    } else {
        match zip.file_names().flatten().find(|n| n.eq_ignore_ascii_case(name)) {
            Some(n) => n.into_owned(),
            None => return Ok(None),
        }
    };
    let file = match zip.by_name(&actual) {
        Ok(file) => file,
        Err(ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(error(format!("{name}: {e}"))),
    };
    if file.size() > MAX_PART_BYTES {
        return Err(error(format!("{name} is larger than {} MB decompressed", MAX_PART_BYTES >> 20)));
    }
    let mut bytes = Vec::new();
    file.take(MAX_PART_BYTES + 1).read_to_end(&mut bytes).map_err(|e| error(format!("{name}: {e}")))?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(error(format!("{name} is larger than {} MB decompressed", MAX_PART_BYTES >> 20)));
    }
    Ok(Some(decode_xml(bytes)))
}

/// XML parts are UTF-8, or UTF-16 with a byte-order mark.
fn decode_xml(bytes: Vec<u8>) -> String {
    match encoding_rs::Encoding::for_bom(&bytes) {
        Some((encoding, bom)) => {
            encoding.decode_without_bom_handling(bytes.get(bom..).unwrap_or_default()).0.into_owned()
        }
        None => String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

/// `word/document.xml` → `word/_rels/document.xml.rels`.
fn rels_name(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// The target of the first internal relationship whose type ends with `kind`, as a part name resolved against
/// the directory `base` of the part the relationships belong to.
fn relationship_target(rels: &str, base: &str, kind: &str) -> Option<String> {
    let mut reader = Reader::from_str(rels);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                let attr = |name: &str| {
                    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == name).and_then(|a| {
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned())
                    })
                };
                let external = attr("TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External"));
                if !external && attr("Type").is_some_and(|t| t.ends_with(kind)) {
                    return attr("Target").map(|t| resolve_target(base, &t));
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// A relationship target (`styles.xml`, `/word/styles.xml`, `../word/x.xml`) as a part name.
fn resolve_target(base: &str, target: &str) -> String {
    let mut parts: Vec<&str> =
        if target.starts_with('/') { Vec::new() } else { base.split('/').filter(|s| !s.is_empty()).collect() };
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use super::*;
    use crate::doc::Block;

    /// A minimal package with `body` as the content of `w:body`, and optional styles and numbering parts.
    pub fn package(body: &str, styles: Option<&str>, numbering: Option<&str>) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let ns = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml""#;
        let mut add = |name: &str, content: &str| {
            zip.start_file(name, options).expect("zip entry");
            zip.write_all(content.as_bytes()).expect("zip write");
        };
        add(
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        );
        add(
            "word/document.xml",
            &format!(r#"<?xml version="1.0"?><w:document {ns}><w:body>{body}</w:body></w:document>"#),
        );
        if let Some(s) = styles {
            add("word/styles.xml", &format!(r#"<?xml version="1.0"?><w:styles {ns}>{s}</w:styles>"#));
        }
        if let Some(n) = numbering {
            add("word/numbering.xml", &format!(r#"<?xml version="1.0"?><w:numbering {ns}>{n}</w:numbering>"#));
        }
        zip.finish().expect("zip").into_inner()
    }

    #[test]
    fn targets_resolve_against_their_part() {
        assert_eq!(resolve_target("word", "styles.xml"), "word/styles.xml");
        assert_eq!(resolve_target("word", "/word/styles.xml"), "word/styles.xml");
        assert_eq!(resolve_target("word", "../custom/x.xml"), "custom/x.xml");
        assert_eq!(rels_name("word/document2.xml"), "word/_rels/document2.xml.rels");
    }

    #[test]
    fn a_document_part_named_elsewhere_is_found_through_the_package_relationships() {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("_rels/.rels", options).expect("entry");
        zip.write_all(
            br#"<Relationships><Relationship Type="http://x/officeDocument" Target="/word/main.xml"/></Relationships>"#,
        )
        .expect("write");
        zip.start_file("word/main.xml", options).expect("entry");
        zip.write_all(r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>正文</w:t></w:r></w:p></w:body></w:document>"#.as_bytes())
            .expect("write");
        let bytes = zip.finish().expect("zip").into_inner();
        let doc = read_docx(&bytes, "t").expect("reads");
        assert!(matches!(doc.blocks.first(), Some(Block::Paragraph { text, .. }) if text == "正文"));
    }

    #[test]
    fn truncated_and_corrupt_packages_are_errors() {
        let bytes = package("<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>", None, None);
        for cut in [10, bytes.len() / 2, bytes.len() - 10] {
            assert!(read_docx(&bytes[..cut], "t").is_err(), "cut at {cut}");
        }
        let mut corrupt = bytes.clone();
        let middle = corrupt.len() / 3;
        corrupt[middle..middle + 40].iter_mut().for_each(|b| *b = 0x5a);
        let _ = read_docx(&corrupt, "t"); // an error or a partial read, never a panic
        assert!(read_docx(b"PK\x03\x04word/document.xml", "t").is_err());
    }

    #[test]
    fn a_zip_bomb_is_a_clear_error() {
        // 80 MB of one repeated paragraph compresses to well under a megabyte.
        let paragraph = "<w:p><w:r><w:t>0000000000000000000000000000000000000000</w:t></w:r></w:p>";
        let body = paragraph.repeat((80 << 20) / paragraph.len());
        let bytes = package(&body, None, None);
        assert!(bytes.len() < 4 << 20);
        let err = read_docx(&bytes, "t").expect_err("too large");
        assert!(err.to_string().contains("larger than"), "{err}");
    }
}
