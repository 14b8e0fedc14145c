//! Markup made safe to parse: the tags of a page are thinned before html5ever sees them, so that the parser's time
//! and memory stay linear in the page's size.
//!
//! html5ever is quadratic on two shapes a hostile or broken page can take:
//!
//! * **deep nesting** — every start tag looks through the stack of open elements, so 100,000 nested `<div>`s cost
//!   billions of steps. Elements deeper than [`MAX_DEPTH`] are flattened: their start and end tags go, their text
//!   stays where it was.
//! * **formatting elements** (`<b>`, `<font>`, `<strong>` …) — the HTML algorithm reopens every unclosed one at
//!   each new block, so 2,000 unclosed `<b id=…>` each followed by a `<p>` build millions of elements. The reader
//!   never looks at inline formatting, so these tags go (their text stays).
//!
//! The depth is tracked with the implied end tags of HTML that real pages rely on (an unclosed `<td>`, `<tr>`,
//! `<li>` or `<p>` ends where the next one starts), so an ordinary page, however sloppy, keeps every tag. Comments,
//! doctypes and the raw text of `<script>`, `<style>`, `<textarea>` and `<title>` are copied untouched.
//!
//! Attributes the reader never looks at go too ([`READ_ATTRIBUTES`] stay): pages pasted from Word carry a
//! `style` and `class` on every cell, often most of the page's bytes, and the parser would read each one
//! character by character into the tree for nothing.

use crate::hash::HashMap;
use std::borrow::Cow;

/// Elements nested deeper than this are flattened. Real pages nest a few dozen levels; html5ever handles a few
/// hundred in linear time.
pub const MAX_DEPTH: usize = 256;

/// The attributes the HTML reader reads (chrome by `id` and `class`, spans); every other attribute is dropped.
pub const READ_ATTRIBUTES: [&str; 4] = ["id", "class", "rowspan", "colspan"];

/// The page with formatting tags removed, elements deeper than [`MAX_DEPTH`] flattened and attributes other than
/// [`READ_ATTRIBUTES`] dropped; borrowed when nothing had to change.
pub fn thin_markup(text: &str) -> Cow<'_, str> {
    let mut guard = Guard::default();
    let mut out = String::new();
    // Start of the text not yet copied to `out`.
    let mut copied = 0usize;
    let mut at = 0usize;
    let bytes = text.as_bytes();
    while let Some(found) = bytes.get(at..).and_then(|rest| rest.iter().position(|&b| b == b'<')) {
        let open = at + found;
        let tag = match scan_tag(text, open) {
            Scan::Tag(tag) => tag,
            Scan::NotATag => {
                at = open + 1;
                continue;
            }
            // The parser takes the rest of the page into this tag; so does the guard (and does not search again
            // for a `>` that is not there, which would be quadratic).
            Scan::Unterminated => break,
        };
        at = tag.end;
        let keep = match &tag.kind {
            TagKind::Start { name, self_closing, .. } => guard.start(name, *self_closing),
            TagKind::End { name } => guard.end(name),
            TagKind::Other => true,
        };
        if !keep {
            out.push_str(text.get(copied..open).unwrap_or_default());
            copied = tag.end;
        } else if let TagKind::Start { attributes, .. } = &tag.kind {
            let unread = unread_attributes(text, *attributes, tag.end);
            if !unread.is_empty() {
                out.push_str(text.get(copied..*attributes).unwrap_or_default());
                let mut from = *attributes;
                for range in unread {
                    out.push_str(text.get(from..range.start).unwrap_or_default());
                    from = range.end;
                }
                out.push_str(text.get(from..tag.end).unwrap_or_default());
                copied = tag.end;
            }
        }
        if let TagKind::Start { name, .. } = &tag.kind {
            if is_raw_text(name) {
                at = raw_text_end(text, tag.end, name);
            }
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    Cow::Owned(out)
}

/// The open elements as the guard models them, and the end tags it owes a drop.
#[derive(Default)]
struct Guard {
    open: Vec<String>,
    /// How many elements of each name are in `open`, so that looking for one that is not there costs nothing.
    counts: HashMap<String, usize>,
    /// Start tags dropped for depth, by name, whose end tags are dropped too (innermost first).
    flattened: HashMap<String, usize>,
}

impl Guard {
    /// Whether to keep a start tag.
    fn start(&mut self, name: &str, self_closing: bool) -> bool {
        if is_formatting(name) {
            return false;
        }
        if is_void(name) || self_closing {
            return true;
        }
        self.close_implied(name);
        if self.open.len() >= MAX_DEPTH {
            *self.flattened.entry(name.to_string()).or_default() += 1;
            return false;
        }
        self.open.push(name.to_string());
        *self.counts.entry(name.to_string()).or_default() += 1;
        true
    }

    /// Closes the open elements from `index` up.
    fn truncate(&mut self, index: usize) {
        for closed in self.open.drain(index..) {
            if let Some(count) = self.counts.get_mut(&closed) {
                *count = count.saturating_sub(1);
            }
        }
    }

    fn is_open(&self, name: &str) -> bool {
        self.counts.get(name).is_some_and(|&c| c > 0)
    }

    /// Whether to keep an end tag.
    fn end(&mut self, name: &str) -> bool {
        if is_formatting(name) {
            return false;
        }
        if let Some(count) = self.flattened.get_mut(name).filter(|c| **c > 0) {
            *count -= 1;
            return false;
        }
        if self.is_open(name) {
            if let Some(index) = self.open.iter().rposition(|open| open == name) {
                self.truncate(index);
            }
        }
        true
    }

    /// Closes what a start tag of `name` ends implicitly: the previous cell, row, list item or paragraph.
    fn close_implied(&mut self, name: &str) {
        let (closes, boundary): (&[&str], &[&str]) = match name {
            "td" | "th" => (&["td", "th"], &["table", "tr"]),
            "tr" => (&["tr"], &["table"]),
            "tbody" | "thead" | "tfoot" => (&["tbody", "thead", "tfoot"], &["table"]),
            "li" => (&["li"], &["ul", "ol", "table"]),
            "dt" | "dd" => (&["dt", "dd"], &["dl", "table"]),
            "option" => (&["option"], &["select"]),
            _ if closes_paragraph(name) => (&["p"], &["table", "td", "th", "button"]),
            _ => return,
        };
        if !closes.iter().any(|c| self.is_open(c)) {
            return;
        }
        let found = self
            .open
            .iter()
            .rev()
            .take_while(|open| !boundary.contains(&open.as_str()))
            .position(|open| closes.contains(&open.as_str()));
        if let Some(from_top) = found {
            let index = self.open.len() - 1 - from_top;
            self.truncate(index);
        }
    }
}

/// A tag found in the text: where it ends (one past its `>`) and what it is.
struct Tag {
    end: usize,
    kind: TagKind,
}

enum TagKind {
    Start {
        name: String,
        self_closing: bool,
        /// Where the attributes begin (just after the name).
        attributes: usize,
    },
    End {
        name: String,
    },
    /// A comment, doctype or processing instruction.
    Other,
}

enum Scan {
    Tag(Tag),
    /// A `<` that starts no tag (`a < b`).
    NotATag,
    /// A tag whose `>` never comes.
    Unterminated,
}

/// What the `<` at `open` starts.
fn scan_tag(text: &str, open: usize) -> Scan {
    let Some(rest) = text.get(open..) else { return Scan::NotATag };
    if let Some(comment) = rest.strip_prefix("<!--") {
        let end = comment.find("-->").map_or(text.len(), |i| open + 4 + i + 3);
        return Scan::Tag(Tag { end, kind: TagKind::Other });
    }
    if rest.starts_with("<!") || rest.starts_with("<?") {
        let end = rest.find('>').map_or(text.len(), |i| open + i + 1);
        return Scan::Tag(Tag { end, kind: TagKind::Other });
    }
    let (is_end, name_at) = if rest.starts_with("</") { (true, 2) } else { (false, 1) };
    let after = rest.get(name_at..).unwrap_or_default();
    if !after.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Scan::NotATag;
    }
    let name_len = after.find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>').unwrap_or(after.len());
    let name = after.get(..name_len).unwrap_or_default().to_ascii_lowercase();
    let Some(close) = find_tag_close(rest, name_at + name_len) else { return Scan::Unterminated };
    let self_closing = rest.get(..close).is_some_and(|t| t.ends_with('/'));
    let end = open + close + 1;
    let kind = if is_end {
        TagKind::End { name }
    } else {
        TagKind::Start { name, self_closing, attributes: open + name_at + name_len }
    };
    Scan::Tag(Tag { end, kind })
}

/// The byte ranges (name through value) of the attributes of the start tag whose attributes run from `from` to
/// its end `end` (one past its `>`) that the reader does not read. Tokenised as HTML does: a name runs to white
/// space, `/`, `>` or `=`; a value is quoted or runs to white space or `>`. The white space or `/` before an
/// attribute stays, so its neighbours stay apart. Nothing is dropped from a tag this cannot follow.
fn unread_attributes(text: &str, from: usize, end: usize) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let close = end.saturating_sub(1);
    let mut unread = Vec::new();
    let mut at = from;
    let skip_space = |mut i: usize| {
        while i < close && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    while at < close {
        let b = bytes[at];
        if b.is_ascii_whitespace() || b == b'/' {
            at += 1;
            continue;
        }
        let name_start = at;
        at += 1; // A name's first character may be `=` (HTML reads it into the name).
        while at < close && !matches!(bytes[at], b' ' | b'\t' | b'\n' | b'\r' | 0x0c | b'/' | b'>' | b'=') {
            at += 1;
        }
        let name = text.get(name_start..at).unwrap_or_default();
        let mut value_end = at;
        let after_name = skip_space(at);
        if after_name < close && bytes[after_name] == b'=' {
            let value = skip_space(after_name + 1);
            match bytes.get(value) {
                Some(&q @ (b'"' | b'\'')) => {
                    let Some(len) = bytes.get(value + 1..close).and_then(|v| v.iter().position(|&b| b == q)) else {
                        return Vec::new();
                    };
                    value_end = value + 1 + len + 1;
                }
                _ => {
                    value_end = value;
                    while value_end < close && !bytes[value_end].is_ascii_whitespace() {
                        value_end += 1;
                    }
                }
            }
        }
        if !READ_ATTRIBUTES.iter().any(|read| name.eq_ignore_ascii_case(read)) {
            unread.push(name_start..value_end);
        }
        at = value_end.max(name_start + 1);
    }
    unread
}

/// The index of the `>` closing a tag in `tag`, searching from `from`, skipping quoted attribute values.
fn find_tag_close(tag: &str, from: usize) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for (i, &b) in tag.as_bytes().iter().enumerate().skip(from) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => {
                // A quote opens a value only right after `=` (with optional spaces).
                let before = tag.get(..i).map(str::trim_end).unwrap_or_default();
                if before.ends_with('=') {
                    quote = Some(b);
                }
            }
            (None, b'>') => return Some(i),
            (None, _) => {}
        }
    }
    None
}

/// Where the raw text of a `<script>` (or other raw-text element) opened before `from` ends: at its end tag.
fn raw_text_end(text: &str, from: usize, name: &str) -> usize {
    let closing = format!("</{name}");
    let rest = text.get(from..).unwrap_or_default();
    // Tags are ASCII: a case-insensitive search on the bytes finds them.
    let found = rest.as_bytes().windows(closing.len()).position(|w| w.eq_ignore_ascii_case(closing.as_bytes()));
    found.map_or(text.len(), |i| from + i)
}

fn is_raw_text(name: &str) -> bool {
    matches!(name, "script" | "style" | "textarea" | "title" | "xmp" | "iframe" | "noembed" | "noframes" | "plaintext")
}

/// The formatting elements of HTML other than `<a>` (which the reader uses for chrome detection, and which the
/// parser never lets pile up).
fn is_formatting(name: &str) -> bool {
    matches!(
        name,
        "b" | "big" | "code" | "em" | "font" | "i" | "nobr" | "s" | "small" | "strike" | "strong" | "tt" | "u"
    )
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Start tags that end an open `<p>`.
fn closes_paragraph(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "ul"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_are_left_alone() {
        let page = "<html><head><title>a<b</title><script>if (a<b) x='<div>';</script></head><body>\
                    <!-- <div> --><table><tr><td>1<td>2<tr><td>3</table><p>x<p>y<ul><li>a<li>b</ul>\
                    <img><br/><a>link</a></body></html>";
        assert!(matches!(thin_markup(page), Cow::Borrowed(_)));
    }

    #[test]
    fn only_the_attributes_the_reader_reads_stay() {
        let cases = [
            ("<td style=\"width:10pt\" colspan=2 class='x>y'>1</td>", "<td  colspan=2 class='x>y'>1</td>"),
            ("<TD ROWSPAN = \"3\" nowrap>", "<TD ROWSPAN = \"3\" >"),
            ("<div id=nav data-x=\"a b\"/>", "<div id=nav />"),
            ("<td style=\"a\"colspan=2>", "<td colspan=2>"),
            ("<a href='x>y'>link</a><img src=a.gif>", "<a >link</a><img >"),
            ("<td/style=x>", "<td/>"),
            ("<p =x>", "<p >"),
        ];
        for (page, thinned) in cases {
            assert_eq!(thin_markup(page), thinned, "{page}");
        }
        // A quoted value that never closes inside the tag: the tag is left as it is.
        assert_eq!(thin_markup("<td style=\"a>1"), "<td style=\"a>1");
    }

    #[test]
    fn formatting_tags_go_and_their_text_stays() {
        assert_eq!(thin_markup("<p><b id=1>规章</b> <FONT size=2>12</font></p>"), "<p>规章 12</p>");
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_flattened() {
        let depth = MAX_DEPTH + 50;
        let page = "<div>".repeat(depth) + "一、总体情况" + &"</div>".repeat(depth);
        let thinned = thin_markup(&page);
        assert_eq!(thinned.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(thinned.matches("</div>").count(), MAX_DEPTH);
        assert!(thinned.contains("一、总体情况"));
    }

    #[test]
    fn unclosed_cells_rows_and_paragraphs_do_not_count_as_nesting() {
        let rows = "<tr><td>1<td>2<td><p>3".repeat(MAX_DEPTH * 2);
        let page = format!("<table>{rows}</table>");
        assert!(matches!(thin_markup(&page), Cow::Borrowed(_)));
        let items = "<li>x".repeat(MAX_DEPTH * 2);
        assert!(matches!(thin_markup(&format!("<ul>{items}</ul>")), Cow::Borrowed(_)));
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for page in [
            "<",
            "</",
            "<a",
            "<div class=\"x",
            "<!--",
            "<script>",
            "</b>",
            "<b>é<",
            "a < b > c",
            "<é>",
            "<a x='é",
            "<a é=>",
        ] {
            let _ = thin_markup(page);
        }
    }
}
