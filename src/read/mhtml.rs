//! MHTML ("single file web page", `.mht`), which Word and WPS write and many sites publish under a `.doc` name:
//! a MIME message whose first `text/html` part is the page. Only that part is taken out (its transfer encoding,
//! quoted-printable or base64, undone and its declared charset applied); the HTML reader reads it.

use std::borrow::Cow;

/// How far into the file the MIME headers are looked for.
const HEAD_WINDOW: usize = 4096;

/// The HTML page of an MHTML file, `None` if the bytes are not a multipart MIME message with an HTML part.
pub fn html_page(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(bytes.get(..bytes.len().min(HEAD_WINDOW))?);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let lower = head.get(..head.len().min(256))?.to_ascii_lowercase();
    if !(lower.starts_with("mime-version:") || lower.starts_with("content-type: multipart/")) {
        return None;
    }
    let (headers, body) = split_headers(bytes.get(bytes.len() - bytes.trim_ascii_start().len()..)?)?;
    let boundary = parameter(&header(&headers, "content-type")?, "boundary")?;
    let delimiter = format!("--{boundary}");
    let page = parts(body, delimiter.as_bytes()).find_map(|part| {
        let (headers, content) = split_headers(part)?;
        let content_type = header(&headers, "content-type").unwrap_or_default();
        if !content_type.to_ascii_lowercase().starts_with("text/html") {
            return None;
        }
        let decoded = match header(&headers, "content-transfer-encoding").map(|e| e.to_ascii_lowercase()) {
            Some(e) if e == "quoted-printable" => Cow::Owned(quoted_printable(content)),
            Some(e) if e == "base64" => Cow::Owned(base64(content)),
            _ => Cow::Borrowed(content),
        };
        let charset = parameter(&content_type, "charset").and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes()));
        Some(match charset {
            Some(encoding) => encoding.decode(&decoded).0.into_owned(),
            None => crate::normalize::decode(&decoded).ok()?,
        })
    });
    page
}

/// Header lines (unfolded) and the body after the first empty line.
fn split_headers(bytes: &[u8]) -> Option<(Vec<String>, &[u8])> {
    let mut at = 0usize;
    let mut headers: Vec<String> = Vec::new();
    loop {
        let rest = bytes.get(at..)?;
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let line = String::from_utf8_lossy(&rest[..end]);
        let line = line.trim_end_matches('\r');
        at += end + 1;
        if line.trim().is_empty() {
            return Some((headers, bytes.get(at.min(bytes.len())..)?));
        }
        match headers.last_mut() {
            Some(last) if line.starts_with([' ', '\t']) => {
                last.push(' ');
                last.push_str(line.trim());
            }
            _ => headers.push(line.to_string()),
        }
        if at >= bytes.len() {
            return Some((headers, &[]));
        }
    }
}

fn header(headers: &[String], name: &str) -> Option<String> {
    headers.iter().find_map(|h| {
        let (key, value) = h.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_string())
    })
}

/// A `name=value` parameter of a header value, quotes removed.
fn parameter(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (key, v) = p.split_once('=')?;
        key.trim().eq_ignore_ascii_case(name).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The parts between delimiter lines.
fn parts<'a>(body: &'a [u8], delimiter: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut starts: Vec<usize> = Vec::new();
    let mut at = 0usize;
    while let Some(found) = body.get(at..).and_then(|rest| rest.windows(delimiter.len()).position(|w| w == delimiter)) {
        let position = at + found;
        starts.push(position);
        at = position + delimiter.len();
    }
    let bounds: Vec<(usize, usize)> = starts.windows(2).map(|w| (w[0] + delimiter.len(), w[1])).collect();
    bounds.into_iter().filter_map(move |(from, to)| {
        let part = body.get(from..to)?;
        // The line break before a delimiter belongs to it; the rest of the delimiter line is not content.
        let part = part.strip_suffix(b"\n").unwrap_or(part);
        let part = part.strip_suffix(b"\r").unwrap_or(part);
        let line_end = part.iter().position(|&b| b == b'\n')?;
        part.get(line_end + 1..)
    })
}

fn quoted_printable(content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len());
    let mut i = 0usize;
    while let Some(&b) = content.get(i) {
        if b != b'=' {
            out.push(b);
            i += 1;
            continue;
        }
        match (content.get(i + 1), content.get(i + 2)) {
            (Some(b'\r'), Some(b'\n')) => i += 3,
            (Some(b'\n'), _) => i += 2,
            (Some(&h), Some(&l)) => match (hex(h), hex(l)) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                }
                _ => {
                    out.push(b);
                    i += 1;
                }
            },
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

fn base64(content: &[u8]) -> Vec<u8> {
    let value = |b: u8| match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(content.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in content {
        if b == b'=' {
            break;
        }
        let Some(v) = value(b) else {
            continue;
        };
        buffer = buffer << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mht(encoding: &str, charset: &str, body: &str) -> Vec<u8> {
        format!(
            "MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\tboundary=\"----=_NextPart_01D9\"\r\n\r\n\
             This document is a Single File Web Page.\r\n\r\n------=_NextPart_01D9\r\n\
             Content-Location: file:///C:/report.htm\r\nContent-Transfer-Encoding: {encoding}\r\n\
             Content-Type: text/html; charset=\"{charset}\"\r\n\r\n{body}\r\n------=_NextPart_01D9\r\n\
             Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n------=_NextPart_01D9--\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn quoted_printable_gb2312_page() {
        // 年报 in GB2312 is C4EA B1A8; a soft line break splits the tag.
        let body = "<html><body><p>=C4=EA=B1=A8</p><ta=\r\nble><tr><td>1</td></tr></table></body></html>";
        let html = html_page(&mht("quoted-printable", "gb2312", body)).expect("an HTML part");
        assert_eq!(html, "<html><body><p>年报</p><table><tr><td>1</td></tr></table></body></html>");
    }

    #[test]
    fn base64_utf8_page() {
        // "<p>年报</p>" in UTF-8, base64 over two lines.
        let html = html_page(&mht("base64", "utf-8", "PHA+5bm05oql\r\nPC9wPg==")).expect("an HTML part");
        assert_eq!(html, "<p>年报</p>");
    }

    #[test]
    fn other_files_are_not_mhtml() {
        assert!(html_page(b"<html><body>MIME-Version: 1.0</body></html>").is_none());
        assert!(html_page(b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello").is_none());
        assert!(html_page(b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n\r\n--x\r\n").is_none());
        assert!(html_page(b"").is_none());
        let _ = html_page(b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"\"\r\n\r\n----\r\n----");
    }

    #[test]
    fn a_report_page_as_mhtml_reads_like_the_page() {
        let page = include_str!("../../fixtures/html/official_2021.html");
        let qp: String = page
            .bytes()
            .map(|b| if b.is_ascii() && b != b'=' { (b as char).to_string() } else { format!("={b:02X}") })
            .collect();
        let from_mht = crate::read::read(&mht("quoted-printable", "utf-8", &qp), "t").expect("reads");
        let from_page = crate::read::read(page.as_bytes(), "t").expect("reads");
        let cells = |doc: &crate::doc::Document| -> Vec<Vec<Vec<String>>> {
            doc.tables().map(|t| t.rows.iter().map(|r| r.iter().map(|c| c.text.clone()).collect()).collect()).collect()
        };
        assert!(!cells(&from_page).is_empty());
        assert_eq!(cells(&from_mht), cells(&from_page));
        assert_eq!(from_mht.prose_text(), from_page.prose_text());
    }
}
