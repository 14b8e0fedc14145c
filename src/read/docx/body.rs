//! The body of `document.xml` as a flow of paragraphs and tables.
//!
//! What is text and what is not, as Word shows the document with all changes accepted:
//! * insertions (`w:ins`, `w:moveTo`) are read; deletions (`w:del`, `w:delText`, `w:moveFrom`) are not, nor
//!   deleted table rows; a paragraph whose mark was deleted runs on into the next one;
//! * a field shows its result, not its code (`w:instrText` and everything between a field's `begin` and
//!   `separate` marks is skipped);
//! * `w:tab` is a space, `w:br`/`w:cr` a line break, `w:sym` the symbol it draws, ruby annotations are skipped;
//! * a text box (`w:txbxContent`) is read once where it is anchored, its paragraphs after the anchoring one: of
//!   the two renderings of `mc:AlternateContent`, the `mc:Choice` is read and the `mc:Fallback` skipped;
//! * the number Word draws before a list paragraph is rendered from the numbering definitions.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::styles::{attr, is_outline_heading, NumRef, Styles};
use crate::read::flow::{symbol_char, Flow, FlowCell, FlowTable, Paragraph, VMerge};
use crate::read::numbering::{Counters, Numbering};

const W_TRANSITIONAL: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const W_STRICT: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";
const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/// How deep elements are followed; deeper content (only a hostile file has it) is skipped.
const MAX_DEPTH: usize = 96;
/// Bound on grid positions a row may skip or a cell may span.
const MAX_GRID: i64 = 1000;
/// Bound on open fields (a hostile file can open them without end).
const MAX_FIELDS: usize = 64;

#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("malformed XML ({0})")]
    Xml(#[from] quick_xml::Error),
    #[error("the XML ends before the document does")]
    Truncated,
}

type Result<T> = std::result::Result<T, BodyError>;

/// Reads the paragraphs and tables of `w:body`.
pub fn read_body(xml: &str, styles: &Styles, numbering: &Numbering) -> Result<Vec<Flow>> {
    let mut walker = Walker {
        xml: NsReader::from_str(xml),
        styles,
        numbering,
        counters: Counters::default(),
        fields: Vec::new(),
        ignored_fields: 0,
        depth: 0,
    };
    loop {
        let (ns, event) = walker.next()?;
        match event {
            Event::Start(e) if ns == Ns::W && e.local_name().as_ref() == "body" => return walker.blocks(),
            Event::Eof => return Ok(Vec::new()),
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    W,
    Mc,
    Other,
}

/// Which part of a field the text is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldPart {
    Code,
    Result,
}

/// Paragraph properties that matter for reading.
#[derive(Debug, Default)]
struct ParagraphProps {
    style: Option<String>,
    outline_level: Option<i64>,
    num: NumRef,
    /// The paragraph mark is a tracked deletion: the paragraph runs on into the next.
    mark_deleted: bool,
}

#[derive(Debug, Default)]
struct CellProps {
    colspan: i64,
    vmerge: VMerge,
    /// Legacy horizontal merge (`w:hMerge`): this cell continues the one to its left.
    hmerge_continue: bool,
}

struct Walker<'i, 's> {
    xml: NsReader<&'i [u8]>,
    styles: &'s Styles,
    numbering: &'s Numbering,
    counters: Counters,
    fields: Vec<FieldPart>,
    ignored_fields: usize,
    depth: usize,
}

fn local<'a>(e: &'a BytesStart<'_>) -> &'a str {
    let name = e.name().into_inner();
    name.split_once(':').map_or(name, |(_, local)| local)
}

impl<'i> Walker<'i, '_> {
    fn next(&mut self) -> Result<(Ns, Event<'i>)> {
        let (ns, event) = self.xml.read_resolved_event()?;
        let ns = match ns {
            ResolveResult::Bound(n) if n.as_ref() == W_TRANSITIONAL || n.as_ref() == W_STRICT => Ns::W,
            ResolveResult::Bound(n) if n.as_ref() == MC => Ns::Mc,
            _ => Ns::Other,
        };
        Ok((ns, event))
    }

    /// Skips the rest of the element whose start was just read.
    fn skip(&mut self, e: &BytesStart<'_>) -> Result<()> {
        self.xml.read_to_end(e.name())?;
        Ok(())
    }

    /// Runs `f` one level deeper, or skips the element when too deep.
    fn deeper<T: Default>(&mut self, e: &BytesStart<'_>, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.depth >= MAX_DEPTH {
            self.skip(e)?;
            return Ok(T::default());
        }
        self.depth += 1;
        let out = f(self);
        self.depth -= 1;
        out
    }

    fn in_field_code(&self) -> bool {
        self.fields.contains(&FieldPart::Code)
    }

    /// The block content of the element just opened (the body, a cell, a text box, a content control), up to
    /// its end.
    fn blocks(&mut self) -> Result<Vec<Flow>> {
        let mut out = Vec::new();
        let mut carry: Option<Paragraph> = None;
        loop {
            let (ns, event) = self.next()?;
            match event {
                Event::Start(e) => self.block(ns, &e, &mut out, &mut carry)?,
                Event::End(_) => break,
                Event::Eof => return Err(BodyError::Truncated),
                _ => {}
            }
        }
        out.extend(carry.map(Flow::Paragraph));
        Ok(out)
    }

    fn block(&mut self, ns: Ns, e: &BytesStart<'_>, out: &mut Vec<Flow>, carry: &mut Option<Paragraph>) -> Result<()> {
        match (ns, local(e)) {
            (Ns::W, "p") => {
                let (mut paragraph, extras, mark_deleted) = self.deeper(e, |w| w.paragraph())?;
                if let Some(before) = carry.take() {
                    paragraph.text.insert_str(0, &before.text);
                }
                if mark_deleted {
                    *carry = Some(paragraph);
                } else {
                    out.push(Flow::Paragraph(paragraph));
                }
                out.extend(extras);
            }
            (Ns::W, "tbl") => out.push(Flow::Table(self.deeper(e, |w| w.table())?)),
            (Ns::W, "del" | "moveFrom" | "sectPr" | "sdtPr" | "sdtEndPr" | "customXmlPr" | "altChunk")
            | (Ns::Mc, "Fallback") => self.skip(e)?,
            _ => {
                let inner = self.deeper(e, |w| w.blocks())?;
                out.extend(inner);
            }
        }
        Ok(())
    }

    /// A paragraph: its text, the blocks of text boxes anchored in it, and whether its mark was deleted.
    fn paragraph(&mut self) -> Result<(Paragraph, Vec<Flow>, bool)> {
        let mut props = ParagraphProps::default();
        let mut text = String::new();
        let mut extras = Vec::new();
        self.inline(&mut props, &mut text, &mut extras)?;
        let style = props.style.as_deref().unwrap_or("");
        let heading = props.outline_level.map_or_else(|| self.styles.is_heading(style), is_outline_heading);
        let style_num = self.styles.numbering(style);
        let num_id = props.num.num_id.or(style_num.num_id).filter(|&n| n != 0);
        if let Some(num_id) = num_id {
            let level = props.num.level.or(style_num.level).unwrap_or(0);
            let label = self.counters.label(self.numbering, num_id, level);
            text.insert_str(0, &label);
        }
        Ok((Paragraph { text, heading }, extras, props.mark_deleted))
    }

    /// The inline content of the element just opened, up to its end.
    fn inline(&mut self, props: &mut ParagraphProps, text: &mut String, extras: &mut Vec<Flow>) -> Result<()> {
        loop {
            let (ns, event) = self.next()?;
            match event {
                Event::Start(e) => match (ns, local(&e)) {
                    (Ns::W, "pPr") => *props = self.paragraph_props()?,
                    (Ns::W, "t") => {
                        let content = self.text_content()?;
                        if !self.in_field_code() {
                            text.push_str(&content);
                        }
                    }
                    (Ns::W, "txbxContent") => {
                        let blocks = self.deeper(&e, |w| w.blocks())?;
                        extras.extend(blocks);
                    }
                    (Ns::W, "tbl") => extras.push(Flow::Table(self.deeper(&e, |w| w.table())?)),
                    (
                        Ns::W,
                        "del" | "moveFrom" | "delText" | "instrText" | "delInstrText" | "rPr" | "sdtPr" | "sdtEndPr"
                        | "rt" | "fldData" | "ffData",
                    )
                    | (Ns::Mc, "Fallback") => self.skip(&e)?,
                    (Ns::W, name @ ("tab" | "ptab" | "br" | "cr" | "sym" | "noBreakHyphen" | "fldChar")) => {
                        let name = name.to_string();
                        self.inline_mark(&name, &e, text);
                        self.skip(&e)?;
                    }
                    _ => self.deeper(&e, |w| w.inline(props, text, extras))?,
                },
                Event::Empty(e) if ns == Ns::W => {
                    let name = local(&e).to_string();
                    self.inline_mark(&name, &e, text);
                }
                Event::End(_) => return Ok(()),
                Event::Eof => return Err(BodyError::Truncated),
                _ => {}
            }
        }
    }

    /// An empty inline element that stands for text, or a field mark.
    fn inline_mark(&mut self, name: &str, e: &BytesStart<'_>, text: &mut String) {
        if name == "fldChar" {
            self.field_mark(attr(e, "fldCharType").as_deref());
            return;
        }
        if self.in_field_code() {
            return;
        }
        match name {
            "tab" | "ptab" => text.push(' '),
            "br" | "cr" => text.push('\n'),
            "noBreakHyphen" => text.push('-'),
            "sym" => {
                let code = attr(e, "char").and_then(|c| u32::from_str_radix(c.trim(), 16).ok());
                text.extend(code.and_then(|c| symbol_char(attr(e, "font").as_deref().unwrap_or(""), c)));
            }
            _ => {}
        }
    }

    fn field_mark(&mut self, kind: Option<&str>) {
        match kind {
            Some("begin") if self.fields.len() >= MAX_FIELDS => self.ignored_fields += 1,
            Some("begin") => self.fields.push(FieldPart::Code),
            Some("separate") if self.ignored_fields == 0 => {
                if let Some(top) = self.fields.last_mut() {
                    *top = FieldPart::Result;
                }
            }
            Some("end") => {
                if self.ignored_fields > 0 {
                    self.ignored_fields -= 1;
                } else {
                    self.fields.pop();
                }
            }
            _ => {}
        }
    }

    /// The character content of the element just opened (`w:t`), up to its end.
    fn text_content(&mut self) -> Result<String> {
        let mut out = String::new();
        let mut level = 0usize;
        loop {
            let (_, event) = self.next()?;
            match event {
                Event::Text(t) => out.push_str(&t.xml10_content()),
                Event::CData(t) => out.push_str(&t),
                Event::GeneralRef(r) => {
                    if let Some(s) = quick_xml::escape::resolve_xml_entity(&r) {
                        out.push_str(s);
                    } else if let Ok(Some(c)) = r.resolve_char_ref() {
                        out.push(c);
                    }
                }
                Event::Start(_) => level += 1,
                Event::End(_) if level == 0 => return Ok(out),
                Event::End(_) => level -= 1,
                Event::Eof => return Err(BodyError::Truncated),
                _ => {}
            }
        }
    }

    /// Walks the properties element just opened (`w:pPr`, `w:trPr`, `w:tcPr`) up to its end, calling `visit` on
    /// each element of the Word namespace in it. The subtrees named in `skip` (the earlier properties a tracked
    /// change records, which are not the document's) and elements of other namespaces are passed over.
    fn properties(&mut self, skip: &[&str], mut visit: impl FnMut(&BytesStart<'_>)) -> Result<()> {
        let mut level = 0usize;
        loop {
            let (ns, event) = self.next()?;
            let (e, opened) = match event {
                Event::Start(e) => (e, true),
                Event::Empty(e) => (e, false),
                Event::End(_) if level == 0 => return Ok(()),
                Event::End(_) => {
                    level -= 1;
                    continue;
                }
                Event::Eof => return Err(BodyError::Truncated),
                _ => continue,
            };
            if ns != Ns::W || skip.contains(&local(&e)) {
                if opened {
                    self.skip(&e)?;
                }
                continue;
            }
            visit(&e);
            if opened {
                level += 1;
            }
        }
    }

    /// `w:pPr`: style, outline level, numbering and a deleted paragraph mark.
    fn paragraph_props(&mut self) -> Result<ParagraphProps> {
        let mut props = ParagraphProps::default();
        let number = |e: &BytesStart<'_>| attr(e, "val").and_then(|v| v.trim().parse().ok());
        self.properties(&["pPrChange", "rPrChange", "sectPr"], |e| match local(e) {
            "pStyle" => props.style = attr(e, "val"),
            "outlineLvl" => props.outline_level = number(e),
            "numId" => props.num.num_id = number(e),
            "ilvl" => props.num.level = attr(e, "val").and_then(|v| v.trim().parse().ok()),
            "del" | "moveFrom" => props.mark_deleted = true,
            _ => {}
        })?;
        Ok(props)
    }

    fn table(&mut self) -> Result<FlowTable> {
        let mut table = FlowTable::default();
        self.table_items(&mut table.rows)?;
        Ok(table)
    }

    /// The rows of the table (or of a content control around rows) just opened, up to its end.
    fn table_items(&mut self, rows: &mut Vec<Vec<FlowCell>>) -> Result<()> {
        loop {
            let (ns, event) = self.next()?;
            match event {
                Event::Start(e) => match (ns, local(&e)) {
                    (Ns::W, "tr") => {
                        if let Some(row) = self.deeper(&e, |w| w.row())? {
                            rows.push(row);
                        }
                    }
                    (Ns::W, "tblPr" | "tblGrid" | "tblPrEx" | "del" | "moveFrom" | "sdtPr" | "sdtEndPr")
                    | (Ns::Mc, "Fallback") => self.skip(&e)?,
                    _ => self.deeper(&e, |w| w.table_items(rows))?,
                },
                Event::End(_) => return Ok(()),
                Event::Eof => return Err(BodyError::Truncated),
                _ => {}
            }
        }
    }

    /// A table row, `None` if it is a tracked deletion.
    fn row(&mut self) -> Result<Option<Vec<FlowCell>>> {
        let mut cells = Vec::new();
        let mut col = 0usize;
        let mut deleted = false;
        self.row_items(&mut cells, &mut col, &mut deleted)?;
        Ok((!deleted).then_some(cells))
    }

    fn row_items(&mut self, cells: &mut Vec<FlowCell>, col: &mut usize, deleted: &mut bool) -> Result<()> {
        loop {
            let (ns, event) = self.next()?;
            match event {
                Event::Start(e) => match (ns, local(&e)) {
                    (Ns::W, "trPr") => {
                        let (before, del) = self.row_props()?;
                        *col += before;
                        *deleted |= del;
                    }
                    (Ns::W, "tc") => {
                        let (cell, hmerge_continue) = self.deeper(&e, |w| w.cell(*col))?;
                        let span = cell.colspan as usize;
                        match cells.last_mut() {
                            Some(left) if hmerge_continue => left.colspan += cell.colspan,
                            _ => cells.push(cell),
                        }
                        *col += span;
                    }
                    (Ns::W, "tblPrEx" | "del" | "moveFrom" | "sdtPr" | "sdtEndPr") | (Ns::Mc, "Fallback") => {
                        self.skip(&e)?
                    }
                    _ => self.deeper(&e, |w| w.row_items(cells, col, deleted))?,
                },
                Event::End(_) => return Ok(()),
                Event::Eof => return Err(BodyError::Truncated),
                _ => {}
            }
        }
    }

    /// `w:trPr`: grid columns skipped before the first cell, and whether the row is a tracked deletion.
    fn row_props(&mut self) -> Result<(usize, bool)> {
        let (mut before, mut deleted) = (0usize, false);
        self.properties(&["trPrChange"], |e| match local(e) {
            "gridBefore" => before = grid_count(e),
            "del" => deleted = true,
            _ => {}
        })?;
        Ok((before, deleted))
    }

    /// A table cell at grid column `col`, and whether it continues the cell to its left (`w:hMerge`).
    fn cell(&mut self, col: usize) -> Result<(FlowCell, bool)> {
        let mut props = CellProps { colspan: 1, ..CellProps::default() };
        let mut content = Vec::new();
        let mut carry = None;
        loop {
            let (ns, event) = self.next()?;
            match event {
                Event::Start(e) if ns == Ns::W && local(&e) == "tcPr" => props = self.cell_props()?,
                Event::Start(e) => self.block(ns, &e, &mut content, &mut carry)?,
                Event::End(_) => break,
                Event::Eof => return Err(BodyError::Truncated),
                _ => {}
            }
        }
        content.extend(carry.map(Flow::Paragraph));
        let colspan = props.colspan.clamp(1, MAX_GRID) as u32;
        Ok((FlowCell { content, col, colspan, vmerge: props.vmerge }, props.hmerge_continue))
    }

    fn cell_props(&mut self) -> Result<CellProps> {
        let mut props = CellProps { colspan: 1, ..CellProps::default() };
        self.properties(&["tcPrChange"], |e| match local(e) {
            "gridSpan" => props.colspan = grid_count(e) as i64,
            "vMerge" => {
                props.vmerge = match attr(e, "val").as_deref() {
                    Some("restart") => VMerge::Restart,
                    _ => VMerge::Continue,
                }
            }
            "hMerge" => props.hmerge_continue = attr(e, "val").as_deref() != Some("restart"),
            _ => {}
        })?;
        Ok(props)
    }
}

/// A `w:val` count of grid columns, clamped.
fn grid_count(e: &BytesStart<'_>) -> usize {
    attr(e, "val").and_then(|v| v.trim().parse::<i64>().ok()).unwrap_or(0).clamp(0, MAX_GRID) as usize
}

#[cfg(test)]
mod tests {
    use super::super::read_docx;
    use super::super::tests::package;
    use crate::doc::{Block, Document};
    use crate::read::testing::{prose, shape};

    fn read(body: &str) -> Document {
        read_docx(&package(body, None, None), "t").expect("reads")
    }

    /// The paragraphs of a body as the walker reads them, before they are read like text.
    fn paragraphs(body: &str) -> Vec<String> {
        let xml = format!(
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        );
        let flow = super::read_body(&xml, &Default::default(), &Default::default()).expect("reads");
        flow.into_iter()
            .filter_map(|f| match f {
                crate::read::flow::Flow::Paragraph(p) => Some(p.text),
                crate::read::flow::Flow::Table(_) => None,
            })
            .collect()
    }

    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
    }

    fn tc(props: &str, text: &str) -> String {
        format!("<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>", p(text))
    }

    #[test]
    fn spans_from_grid_span_and_vertical_merge() {
        let body = format!(
            "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>\
             <w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
            tc(r#"<w:vMerge w:val="restart"/>"#, "三、本年度办理结果"),
            tc(r#"<w:gridSpan w:val="2"/>"#, "（一）予以公开"),
            tc("", "19"),
            tc("<w:vMerge/>", ""),
            tc(r#"<w:gridSpan w:val="2"/>"#, "（二）部分公开"),
            tc("", "1"),
            tc(r#"<w:gridSpan w:val="3"/>"#, "四、结转下年度继续办理"),
            tc("", "0"),
        );
        let doc = read(&body);
        let Some(Block::Table(t)) = doc.blocks.first() else { panic!("a table") };
        assert_eq!(
            shape(t),
            vec![
                vec![
                    ("三、本年度办理结果".into(), 2, 1, 0),
                    ("（一）予以公开".into(), 1, 2, 1),
                    ("19".into(), 1, 1, 3)
                ],
                vec![("（二）部分公开".into(), 1, 2, 1), ("1".into(), 1, 1, 3)],
                vec![("四、结转下年度继续办理".into(), 1, 3, 0), ("0".into(), 1, 1, 3)],
            ]
        );
        assert_eq!((t.rows[1][1].pos.row, t.rows[1][1].pos.col), (1, 3));
    }

    #[test]
    fn tracked_changes_read_as_accepted() {
        let body = r#"<w:p><w:r><w:t>收到申请</w:t></w:r><w:del w:id="1"><w:r><w:delText>12</w:delText></w:r></w:del><w:ins w:id="2"><w:r><w:t>15</w:t></w:r></w:ins><w:r><w:t>件</w:t></w:r><w:moveFrom><w:r><w:t>旧位置</w:t></w:r></w:moveFrom></w:p>
            <w:p><w:pPr><w:rPr><w:del w:id="3"/></w:rPr></w:pPr><w:r><w:t>合并</w:t></w:r></w:p><w:p><w:r><w:t>段落</w:t></w:r></w:p>"#;
        assert_eq!(paragraphs(body), vec!["收到申请15件", "合并段落"]);
        let table = format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr><w:trPr><w:del w:id=\"4\"/></w:trPr>{}{}</w:tr></w:tbl>",
            tc("", "规章"),
            tc("", "3"),
            tc("", "删除的行"),
            tc("", "9")
        );
        let doc = read(&table);
        let Some(Block::Table(t)) = doc.blocks.first() else { panic!("a table") };
        assert_eq!(t.rows.len(), 1);
    }

    #[test]
    fn fields_show_their_result_and_breaks_tabs_symbols_are_text() {
        let body = r#"<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>CODE</w:t></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>页</w:t></w:r></w:p>
            <w:p><w:r><w:t>规章</w:t><w:tab/><w:t>3</w:t><w:br/><w:t>件</w:t><w:sym w:font="Wingdings" w:char="F0FC"/></w:r></w:p>
            <w:p><w:fldSimple w:instr="NUMPAGES"><w:r><w:t>9</w:t></w:r></w:fldSimple><w:r><w:t>A&amp;B&#x4E00;</w:t></w:r></w:p>"#;
        assert_eq!(paragraphs(body), vec!["3页", "规章 3\n件✓", "9A&B一"]);
    }

    #[test]
    fn a_text_box_is_read_once_after_its_paragraph() {
        let text_box = format!("<w:txbxContent>{}</w:txbxContent>", p("框中文字"));
        let old_box = format!("<w:txbxContent>{}</w:txbxContent>", p("旧式文本框"));
        let body = format!(
            r#"<w:p><w:r><w:t>锚定段落</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>{text_box}</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox>{text_box}</v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>{}<w:p><w:r><w:pict><v:shape><v:textbox>{}</v:textbox></v:shape></w:pict></w:r></w:p>"#,
            p("后文"),
            old_box,
        );
        assert_eq!(prose(&read(&body)), vec!["锚定段落", "框中文字", "后文", "旧式文本框"]);
    }

    #[test]
    fn headings_by_style_and_outline_level_and_numbering_rendered() {
        let styles = r#"<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>"#;
        let numbering = r#"<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>"#;
        let body = r#"<w:p><w:pPr><w:pStyle w:val="2"/></w:pPr><w:r><w:t>总体情况</w:t></w:r></w:p>
            <w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>大纲标题</w:t></w:r></w:p>
            <w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>予以公开</w:t></w:r></w:p>
            <w:p><w:pPr><w:pStyle w:val="2"/></w:pPr><w:r><w:t>主动公开政府信息情况</w:t></w:r></w:p>"#;
        let doc = read_docx(&package(body, Some(styles), Some(numbering)), "t").expect("reads");
        assert_eq!(prose(&doc), vec!["# 一、总体情况", "# 大纲标题", "# （一）予以公开", "# 二、主动公开政府信息情况"]);
        let lines: Vec<usize> = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Heading { line, .. } | Block::Paragraph { line, .. } => *line,
                Block::Table(_) => 0,
            })
            .collect();
        assert_eq!(lines, vec![1, 2, 3, 4]);
    }

    #[test]
    fn nested_tables_and_frames() {
        let inner = format!("<w:tbl><w:tr>{}{}</w:tr></w:tbl>", tc("", "内表标签"), tc("", "7"));
        let outer = format!(
            "<w:tbl><w:tr><w:tc>{}{inner}</w:tc>{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
            p("外表"),
            tc("", "1"),
            tc("", "外表二"),
            tc("", "2")
        );
        let doc = read(&outer);
        let firsts: Vec<&str> = doc.tables().map(|t| t.rows[0][0].text.as_str()).collect();
        assert_eq!(firsts, vec!["外表", "内表标签"]);
        let frame = format!("<w:tbl><w:tr><w:tc>{}{outer}</w:tc></w:tr></w:tbl>", p("一、总体情况"));
        let doc = read(&frame);
        assert_eq!(prose(&doc), vec!["# 一、总体情况"]);
        assert_eq!(doc.tables().count(), 2);
    }

    #[test]
    fn headers_and_footers_are_not_read() {
        // The body references its header and footer parts; their text lives there and is never read.
        let body = format!(
            r#"{}<w:sectPr><w:headerReference w:type="default" r:id="rId8" xmlns:r="r"/><w:footerReference w:type="default" r:id="rId9" xmlns:r="r"/></w:sectPr>"#,
            p("正文")
        );
        let mut bytes = package(&body, None, None);
        // A header part in the package, as Word writes it.
        bytes = with_part(
            &bytes,
            "word/header1.xml",
            &format!(
                r#"<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{}</w:hdr>"#,
                p("页眉文字")
            ),
        );
        let doc = read_docx(&bytes, "t").expect("reads");
        assert_eq!(prose(&doc), vec!["正文"]);
    }

    fn with_part(bytes: &[u8], name: &str, content: &str) -> Vec<u8> {
        use std::io::{Cursor, Write};
        let mut zip = zip::ZipWriter::new_append(Cursor::new(bytes.to_vec())).expect("append");
        zip.start_file(name, zip::write::SimpleFileOptions::default()).expect("entry");
        zip.write_all(content.as_bytes()).expect("write");
        zip.finish().expect("zip").into_inner()
    }

    #[test]
    fn hostile_xml_is_an_error_or_bounded_never_a_panic() {
        assert!(read_docx(&package("<w:p><w:r><w:t>未闭合", None, None), "t").is_err());
        let deep = "<w:sdt><w:sdtContent>".repeat(5000) + &p("深处") + &"</w:sdtContent></w:sdt>".repeat(5000);
        let _ = read_docx(&package(&deep, None, None), "t").expect("deep nesting is skipped, not a crash");
        let fields = r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r>"#.repeat(1000);
        let _ = read(&format!("<w:p>{fields}</w:p>"));
        let spans = format!(
            r#"<w:tbl><w:tr><w:trPr><w:gridBefore w:val="999999999"/></w:trPr>{}</w:tr></w:tbl>"#,
            tc(r#"<w:gridSpan w:val="-5"/><w:vMerge w:val="restart"/>"#, "x")
        );
        let doc = read(&spans);
        assert!(doc.tables().all(|t| t.rows.iter().all(|r| r.len() <= 1001)));
    }
}
