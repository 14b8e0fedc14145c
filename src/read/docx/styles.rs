//! Paragraph styles and list definitions of a DOCX package: whether a style makes a heading, which list a style
//! numbers, and the lists of `numbering.xml`.

use crate::hash::HashMap;

use crate::read::numbering::{Numbering, LEVELS};

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// The value of the attribute with local name `name` (`w:val` → `val`).
pub(super) fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

fn val(e: &BytesStart<'_>) -> Option<String> {
    attr(e, "val")
}

fn number(e: &BytesStart<'_>) -> Option<i64> {
    val(e).and_then(|v| v.trim().parse().ok())
}

/// A list reference: which numbering instance, at which level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct NumRef {
    pub num_id: Option<i64>,
    pub level: Option<usize>,
}

#[derive(Debug, Clone, Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline_level: Option<i64>,
    num: NumRef,
}

/// The paragraph styles of a package, by style id.
#[derive(Debug, Clone, Default)]
pub(super) struct Styles {
    styles: HashMap<String, Style>,
}

/// How many `basedOn` links are followed (a cycle stops here).
const MAX_STYLE_CHAIN: usize = 16;

impl Styles {
    pub fn parse(xml: &str) -> Styles {
        let mut styles = HashMap::default();
        let mut current: Option<(String, Style)> = None;
        let mut reader = Reader::from_str(xml);
        loop {
            match reader.read_event() {
                // Most of a styles part is character formatting and the latent style list; only paragraph styles'
                // names, bases, outline levels and numbering matter here.
                Ok(Event::Start(e))
                    if matches!(e.local_name().as_ref(), "latentStyles" | "docDefaults" | "rPr" | "tblPr") =>
                {
                    if reader.read_to_end(e.name()).is_err() {
                        break;
                    }
                }
                Ok(Event::Start(e))
                    if e.local_name().as_ref() == "style" && attr(&e, "type").is_some_and(|t| t != "paragraph") =>
                {
                    if reader.read_to_end(e.name()).is_err() {
                        break;
                    }
                }
                Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                    "style" => current = attr(&e, "styleId").map(|id| (id, Style::default())),
                    "name" => set(&mut current, |s| s.name = val(&e).unwrap_or_default()),
                    "basedOn" => set(&mut current, |s| s.based_on = val(&e)),
                    "outlineLvl" => set(&mut current, |s| s.outline_level = number(&e)),
                    "numId" => set(&mut current, |s| s.num.num_id = number(&e)),
                    "ilvl" => set(&mut current, |s| s.num.level = number(&e).and_then(|n| usize::try_from(n).ok())),
                    _ => {}
                },
                Ok(Event::End(e)) if e.local_name().as_ref() == "style" => {
                    if let Some((id, style)) = current.take() {
                        styles.insert(id, style);
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
        Styles { styles }
    }

    /// The style and the styles it is based on, nearest first.
    fn chain<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Style> + 'a {
        let mut next = Some(id);
        std::iter::from_fn(move || {
            let style = self.styles.get(next?)?;
            next = style.based_on.as_deref();
            Some(style)
        })
        .take(MAX_STYLE_CHAIN)
    }

    /// A heading style: a built-in heading (`heading 1`, also named `标题 1` by some writers) or a style with an
    /// outline level, directly or through the styles it is based on.
    pub fn is_heading(&self, id: &str) -> bool {
        self.chain(id).any(|s| is_heading_name(&s.name))
            || self.chain(id).find_map(|s| s.outline_level).is_some_and(is_outline_heading)
    }

    /// The numbering a style applies to its paragraphs.
    pub fn numbering(&self, id: &str) -> NumRef {
        NumRef { num_id: self.chain(id).find_map(|s| s.num.num_id), level: self.chain(id).find_map(|s| s.num.level) }
    }
}

fn set(current: &mut Option<(String, Style)>, f: impl FnOnce(&mut Style)) {
    if let Some((_, style)) = current {
        f(style);
    }
}

fn is_heading_name(name: &str) -> bool {
    let lower = name.trim().to_lowercase();
    let rest = lower.strip_prefix("heading").or_else(|| lower.strip_prefix("标题"));
    rest.is_some_and(|r| {
        let r = r.trim();
        !r.is_empty() && r.chars().all(|c| c.is_ascii_digit())
    })
}

/// Outline levels 0–8 are headings; 9 is body text.
pub(super) fn is_outline_heading(level: i64) -> bool {
    (0..9).contains(&level)
}

/// The list definitions of `numbering.xml`.
pub(super) fn parse_numbering(xml: &str) -> Numbering {
    let mut numbering = Numbering::default();
    let mut reader = Reader::from_str(xml);
    let mut abstract_id: Option<i64> = None;
    let mut num_id: Option<i64> = None;
    let mut level: Option<usize> = None;
    let mut in_override = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                "abstractNum" => {
                    abstract_id = attr(&e, "abstractNumId").and_then(|v| v.parse().ok());
                    if let Some(id) = abstract_id {
                        numbering.add_list(id);
                    }
                }
                "num" => {
                    num_id = attr(&e, "numId").and_then(|v| v.parse().ok());
                    abstract_id = None;
                }
                "abstractNumId" => {
                    if let (Some(n), Some(a)) = (num_id, number(&e)) {
                        numbering.add_instance(n, a);
                    }
                }
                "lvl" | "lvlOverride" => {
                    level = attr(&e, "ilvl").and_then(|v| v.parse().ok()).filter(|&l: &usize| l < LEVELS);
                    in_override = e.local_name().as_ref() == "lvlOverride";
                }
                "startOverride" => {
                    if let (Some(n), Some(l), Some(v)) = (num_id, level, number(&e)) {
                        numbering.override_start(n, l, v);
                    }
                }
                name if !in_override => {
                    let slot = abstract_id.zip(level).and_then(|(a, l)| numbering.level_mut(a, l));
                    if let Some(lvl) = slot {
                        match name {
                            "start" => lvl.start = number(&e).unwrap_or(1),
                            "numFmt" => lvl.format = val(&e).unwrap_or_default(),
                            "lvlText" => lvl.text = val(&e).unwrap_or_default(),
                            "suff" => lvl.suffix = val(&e).unwrap_or_default(),
                            "isLgl" => lvl.legal = val(&e).is_none_or(|v| v != "0" && v != "false"),
                            _ => {}
                        }
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "abstractNum" => abstract_id = None,
                "num" => num_id = None,
                "lvl" | "lvlOverride" => {
                    level = None;
                    in_override = false;
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    numbering
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_styles_by_name_outline_level_and_inheritance() {
        let styles = Styles::parse(
            r#"<w:styles xmlns:w="w">
            <w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style>
            <w:style w:type="paragraph" w:styleId="My"><w:name w:val="我的标题"/><w:basedOn w:val="1"/></w:style>
            <w:style w:type="paragraph" w:styleId="Outline"><w:name w:val="x"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
            <w:style w:type="paragraph" w:styleId="Body"><w:name w:val="Body Text"/><w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>
            <w:style w:type="paragraph" w:styleId="A"><w:name w:val="a"/><w:basedOn w:val="B"/></w:style>
            <w:style w:type="paragraph" w:styleId="B"><w:name w:val="b"/><w:basedOn w:val="A"/></w:style>
            </w:styles>"#,
        );
        assert!(styles.is_heading("1") && styles.is_heading("My") && styles.is_heading("Outline"));
        assert!(!styles.is_heading("Body") && !styles.is_heading("A") && !styles.is_heading("missing"));
    }

    #[test]
    fn list_labels_follow_the_definition_and_restart_deeper_levels() {
        let numbering = parse_numbering(
            r#"<w:numbering xmlns:w="w">
            <w:abstractNum w:abstractNumId="0">
              <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
              <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
              <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
            </w:abstractNum>
            <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>
            <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
            <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
            <w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="2"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
            </w:numbering>"#,
        );
        let mut c = crate::read::numbering::Counters::default();
        let labels: Vec<String> = [(1, 0), (1, 1), (1, 1), (1, 2), (1, 0), (1, 1), (2, 0), (3, 2), (9, 0)]
            .iter()
            .map(|&(n, l)| c.label(&numbering, n, l))
            .collect();
        assert_eq!(labels, ["一、", "（一）", "（二）", "1. ", "二、", "（一）", "", "5. ", ""]);
    }
}
