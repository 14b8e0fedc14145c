//! Tests of the legacy Word reader on documents built here structure by structure ([MS-DOC]): a compound file
//! with a `WordDocument` stream (FIB, text pieces, FKP pages) and a `1Table` stream (piece table, bin table,
//! style sheet).

use std::io::{Cursor, Write};

use super::read_doc;
use crate::doc::Document;
use crate::read::testing::{prose, tables};

/// One paragraph of a built document: its text and the mark that ends it, with its properties.
#[derive(Clone)]
pub struct Para {
    pub text: String,
    pub mark: u16,
    pub istd: u16,
    pub grpprl: Vec<u8>,
    /// Stored as a compressed (cp1252) piece rather than UTF-16.
    pub compressed: bool,
}

pub fn para(text: &str) -> Para {
    Para { text: text.into(), mark: 0x0D, istd: 0, grpprl: Vec::new(), compressed: false }
}

/// A cell of the outermost table.
pub fn cell(text: &str) -> Para {
    Para { mark: 0x07, grpprl: in_table(), ..para(text) }
}

/// The row end of the outermost table, with its cell edges and `tcgrf` merge flags.
pub fn row_end(edges: &[i16], flags: &[u16]) -> Para {
    let mut grpprl = in_table();
    grpprl.extend(byte_sprm(0x2417, 1));
    grpprl.extend(def_table(edges, flags));
    Para { mark: 0x07, grpprl, ..para("") }
}

pub fn in_table() -> Vec<u8> {
    byte_sprm(0x2416, 1)
}

pub fn byte_sprm(sprm: u16, value: u8) -> Vec<u8> {
    let mut out = sprm.to_le_bytes().to_vec();
    out.push(value);
    out
}

pub fn u32_sprm(sprm: u16, value: u32) -> Vec<u8> {
    let mut out = sprm.to_le_bytes().to_vec();
    out.extend(value.to_le_bytes());
    out
}

/// `sprmTDefTable`.
pub fn def_table(edges: &[i16], flags: &[u16]) -> Vec<u8> {
    let mut operand = vec![0, 0, (edges.len() - 1) as u8];
    for e in edges {
        operand.extend(e.to_le_bytes());
    }
    for f in flags {
        operand.extend(f.to_le_bytes());
        operand.extend([0; 18]);
    }
    let cb = (operand.len() - 1) as u16;
    operand[..2].copy_from_slice(&cb.to_le_bytes());
    let mut out = 0xD608u16.to_le_bytes().to_vec();
    out.extend(operand);
    out
}

#[derive(Clone, Default)]
pub struct Built {
    pub paras: Vec<Para>,
    /// Text after the main document (a footnote story), not part of `ccpText`.
    pub after: String,
    pub encrypted: bool,
    /// Style identifiers (`sti`) of the style sheet, by `istd`.
    pub styles: Vec<u16>,
    /// Paragraph property groups are stored in the `Data` stream (`sprmPHugePapx`).
    pub huge_papx: bool,
}

const TEXT_AT: usize = 0x400;

impl Built {
    pub fn bytes(&self) -> Vec<u8> {
        let (word, table, data) = self.streams();
        compound_file(&[("WordDocument", &word), ("1Table", &table), ("Data", &data)])
    }

    /// The `WordDocument`, `1Table` and `Data` streams.
    pub fn streams(&self) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let mut word = vec![0u8; TEXT_AT];
        let mut pieces: Vec<(u32, u32, u32, bool)> = Vec::new(); // cp start, cp end, fc field, compressed
        let mut marks: Vec<(u32, u32, Vec<u8>)> = Vec::new(); // stream offset, size, GrpPrlAndIstd
        let mut data = vec![0u8; 8];
        let mut cp = 0u32;
        let mut texts: Vec<(String, bool, Option<usize>)> =
            self.paras.iter().enumerate().map(|(i, p)| (text_with_mark(p), p.compressed, Some(i))).collect();
        if !self.after.is_empty() {
            texts.push((self.after.clone(), false, None));
        }
        for (text, compressed, index) in texts {
            let units: Vec<u16> = text.encode_utf16().collect();
            let at = word.len() as u32;
            if compressed {
                let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
                word.extend(bytes.iter());
                pieces.push((cp, cp + units.len() as u32, (at * 2) | 0x4000_0000, true));
            } else {
                word.extend(units.iter().flat_map(|u| u.to_le_bytes()));
                pieces.push((cp, cp + units.len() as u32, at, false));
            }
            if let Some(p) = index.map(|i| &self.paras[i]) {
                let size = if compressed { 1 } else { 2 };
                let mark_at = word.len() as u32 - size;
                let mut papx = p.istd.to_le_bytes().to_vec();
                if self.huge_papx {
                    let offset = data.len() as u32;
                    data.extend((p.grpprl.len() as u16).to_le_bytes());
                    data.extend(&p.grpprl);
                    papx.extend(u32_sprm(0x6646, offset));
                } else {
                    papx.extend(&p.grpprl);
                }
                marks.push((mark_at, size, papx));
            }
            cp += units.len() as u32;
        }
        let ccp_text = cp - self.after.encode_utf16().count() as u32;
        // FKP pages, 16 runs (mark runs and the filler between them) to a page.
        while !word.len().is_multiple_of(512) {
            word.push(0);
        }
        let mut runs: Vec<(u32, u32, Option<Vec<u8>>)> = Vec::new();
        let mut next = TEXT_AT as u32;
        for (at, size, papx) in &marks {
            if *at > next {
                runs.push((next, *at, None));
            }
            runs.push((*at, at + size, Some(papx.clone())));
            next = at + size;
        }
        let mut bins: Vec<(u32, u32, u32)> = Vec::new(); // first fc, last fc, page number
        for chunk in runs.chunks(16) {
            let page_number = (word.len() / 512) as u32;
            let mut page = vec![0u8; 512];
            let n = chunk.len();
            for (j, (start, _, _)) in chunk.iter().enumerate() {
                page[4 * j..4 * j + 4].copy_from_slice(&start.to_le_bytes());
            }
            let end = chunk.last().map_or(0, |r| r.1);
            page[4 * n..4 * n + 4].copy_from_slice(&end.to_le_bytes());
            let mut free = 511usize;
            for (j, (_, _, papx)) in chunk.iter().enumerate() {
                let Some(papx) = papx else { continue };
                let body: Vec<u8> = if papx.len() % 2 == 1 {
                    let mut b = vec![papx.len().div_ceil(2) as u8];
                    b.extend(papx);
                    b
                } else {
                    let mut b = vec![0, (papx.len() / 2) as u8];
                    b.extend(papx);
                    b
                };
                free -= body.len();
                free -= free % 2;
                page[free..free + body.len()].copy_from_slice(&body);
                page[4 * (n + 1) + 13 * j] = (free / 2) as u8;
            }
            page[511] = n as u8;
            word.extend(page);
            bins.push((chunk[0].0, end, page_number));
        }
        // The table stream: piece table, bin table, style sheet.
        let mut table = Vec::new();
        let clx_at = table.len();
        table.push(0x02);
        let plc_len = 4 * (pieces.len() + 1) + 8 * pieces.len();
        table.extend((plc_len as u32).to_le_bytes());
        for (start, _, _, _) in &pieces {
            table.extend(start.to_le_bytes());
        }
        table.extend(pieces.last().map_or(0, |p| p.1).to_le_bytes());
        for (_, _, fc, _) in &pieces {
            table.extend([0, 0]);
            table.extend(fc.to_le_bytes());
            table.extend([0, 0]);
        }
        let clx_len = table.len() - clx_at;
        let bte_at = table.len();
        for (first, _, _) in &bins {
            table.extend(first.to_le_bytes());
        }
        table.extend(bins.last().map_or(0, |b| b.1).to_le_bytes());
        for (_, _, pn) in &bins {
            table.extend(pn.to_le_bytes());
        }
        let bte_len = table.len() - bte_at;
        let stsh_at = table.len();
        table.extend(18u16.to_le_bytes());
        let mut stshi = vec![0u8; 18];
        stshi[..2].copy_from_slice(&(self.styles.len() as u16).to_le_bytes());
        stshi[2..4].copy_from_slice(&10u16.to_le_bytes());
        table.extend(stshi);
        for sti in &self.styles {
            table.extend(10u16.to_le_bytes());
            let mut std = vec![0u8; 10];
            std[..2].copy_from_slice(&sti.to_le_bytes());
            table.extend(std);
        }
        let stsh_len = table.len() - stsh_at;
        // The FIB.
        let put16 = |w: &mut Vec<u8>, at: usize, v: u16| w[at..at + 2].copy_from_slice(&v.to_le_bytes());
        let put32 = |w: &mut Vec<u8>, at: usize, v: u32| w[at..at + 4].copy_from_slice(&v.to_le_bytes());
        put16(&mut word, 0, 0xA5EC);
        put16(&mut word, 2, 0x00C1);
        put16(&mut word, 0x0A, 0x0200 | if self.encrypted { 0x0100 } else { 0 });
        put16(&mut word, 0x0C, 0x00BF);
        put16(&mut word, 0x20, 14);
        let lw = 0x22 + 28;
        put16(&mut word, lw, 22);
        put32(&mut word, lw + 2 + 12, ccp_text);
        let count_at = lw + 2 + 88;
        put16(&mut word, count_at, 93);
        let pair = |index: usize| count_at + 2 + 8 * index;
        for (index, (at, len)) in [(1, (stsh_at, stsh_len)), (13, (bte_at, bte_len)), (33, (clx_at, clx_len))] {
            put32(&mut word, pair(index), at as u32);
            put32(&mut word, pair(index) + 4, len as u32);
        }
        (word, table, data)
    }
}

fn text_with_mark(p: &Para) -> String {
    let mut t = p.text.clone();
    t.push(char::from_u32(u32::from(p.mark)).unwrap_or('\r'));
    t
}

pub fn compound_file(streams: &[(&str, &[u8])]) -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("create");
    for (name, bytes) in streams {
        let mut stream = file.create_stream(format!("/{name}")).expect("stream");
        stream.write_all(bytes).expect("write");
    }
    file.flush().expect("flush");
    file.into_inner().into_inner()
}

fn read(built: &Built) -> Document {
    read_doc(&built.bytes(), "t").expect("reads")
}

#[test]
fn compressed_and_unicode_pieces_read_as_one_text() {
    let mut western = para("Report 2022 – caf\u{e9}");
    western.compressed = true;
    let built = Built {
        paras: vec![para("一、总体情况"), western, para("本年度收到申请12件。")], ..Built::default()
    };
    assert_eq!(prose(&read(&built)), vec!["# 一、总体情况", "Report 2022 – café", "本年度收到申请12件。"]);
}

#[test]
fn only_the_main_text_is_read() {
    let built = Built { paras: vec![para("正文")], after: "脚注文字\r".into(), ..Built::default() };
    assert_eq!(prose(&read(&built)), vec!["正文"]);
}

#[test]
fn cells_and_rows_from_marks_with_empty_cells_and_merges() {
    let edges = [0, 2000, 3000, 4000];
    // Row 1: a label restarting a vertical merge, a blank cell, a value. Row 2: the continuation, two values.
    // Row 3: a label merged across two cells, a value.
    let built = Built {
        paras: vec![
            para("表三"),
            cell("三、本年度办理结果"),
            cell(""),
            cell("19"),
            row_end(&edges, &[0x0060, 0, 0]),
            cell(""),
            cell("1"),
            cell("2"),
            row_end(&edges, &[0x0020, 0, 0]),
            cell("四、结转"),
            cell(""),
            cell("0"),
            row_end(&edges, &[0x0001, 0x0002, 0]),
            para("表后"),
        ],
        ..Built::default()
    };
    let doc = read(&built);
    assert_eq!(
        tables(&doc),
        vec![vec![
            vec![("三、本年度办理结果".into(), 2, 1, 0), ("".into(), 1, 1, 1), ("19".into(), 1, 1, 2)],
            vec![("1".into(), 1, 1, 1), ("2".into(), 1, 1, 2)],
            vec![("四、结转".into(), 1, 2, 0), ("0".into(), 1, 1, 2)],
        ]]
    );
    assert_eq!(prose(&doc), vec!["表三", "表后"]);
    let t = doc.tables().next().expect("a table");
    assert_eq!((t.rows[1][1].pos.row, t.rows[1][1].pos.col), (1, 2));
}

#[test]
fn rows_with_wider_cells_land_on_the_grid_of_the_table() {
    let built = Built {
        paras: vec![
            cell("行政复议"),
            cell("行政诉讼"),
            row_end(&[0, 3000, 6000], &[0, 0]),
            cell("维持"),
            cell("纠正"),
            cell("维持"),
            cell("纠正"),
            row_end(&[0, 1500, 3000, 4500, 6000], &[0, 0, 0, 0]),
        ],
        ..Built::default()
    };
    let doc = read(&built);
    assert_eq!(tables(&doc)[0][0], vec![("行政复议".into(), 1, 2, 0), ("行政诉讼".into(), 1, 2, 2)]);
}

#[test]
fn properties_too_large_for_a_page_are_read_from_the_data_stream() {
    let built = Built {
        paras: vec![
            cell("规章"),
            cell(""),
            row_end(&[0, 1000, 2000], &[0, 0]),
            cell("3"),
            cell("4"),
            row_end(&[0, 1000, 2000], &[0, 0]),
        ],
        huge_papx: true,
        ..Built::default()
    };
    assert_eq!(tables(&read(&built))[0].len(), 2);
}

/// The paragraphs of a built document as the text walk produces them, before they are read like text.
fn paragraph_texts(built: &Built) -> Vec<String> {
    let (word, table, data) = built.streams();
    let fib = super::fib::Fib::parse(&word).expect("fib");
    let pieces = super::pieces::PieceTable::parse(&table, fib.clx).expect("pieces");
    let text = pieces.text(&word, fib.ccp_text).expect("text");
    let properties = super::props::PropertyReader::new(&word, &table, &data, fib.papx_bins, &pieces);
    let (styles, numbering) = (super::props::Styles::default(), Default::default());
    super::build_flow(&text, &properties, &super::Lists { styles: &styles, numbering: &numbering })
        .into_iter()
        .filter_map(|f| match f {
            crate::read::flow::Flow::Paragraph(p) => Some(p.text),
            crate::read::flow::Flow::Table(_) => None,
        })
        .collect()
}

#[test]
fn fields_show_their_result_and_special_characters() {
    let built = Built {
        paras: vec![
            para("第\u{13} PAGE \u{14}3\u{15}页"),
            para("\u{13} TOC \u{13} SEQ \u{14}x\u{15}\u{14}目录\u{15}"),
            para("无结果\u{13} XE \"索引\" \u{15}字段"),
            para("规章\t3\u{b}件\u{1e}号\u{1}\u{f0fc}"),
        ],
        ..Built::default()
    };
    assert_eq!(paragraph_texts(&built), vec!["第3页", "目录", "无结果字段", "规章 3\n件-号"]);
}

#[test]
fn headings_by_built_in_style_and_outline_level() {
    let mut styled = para("总体情况");
    styled.istd = 1;
    let mut outlined = para("大纲标题");
    outlined.grpprl = byte_sprm(0x2640, 0);
    let mut body = para("正文段落，较长的一句话。");
    body.grpprl = byte_sprm(0x2640, 9);
    let built = Built { paras: vec![styled, outlined, body], styles: vec![0, 1], ..Built::default() };
    assert_eq!(prose(&read(&built)), vec!["# 总体情况", "# 大纲标题", "正文段落，较长的一句话。"]);
}

#[test]
fn nested_tables_end_cells_and_rows_at_paragraph_marks() {
    let nested = |text: &str, sprm: Option<u16>| {
        let mut grpprl = in_table();
        grpprl.extend(u32_sprm(0x6649, 2));
        if let Some(s) = sprm {
            grpprl.extend(byte_sprm(s, 1));
        }
        if sprm == Some(0x244C) {
            grpprl.extend(def_table(&[0, 1000, 2000], &[0, 0]));
        }
        Para { grpprl, ..para(text) }
    };
    let built = Built {
        paras: vec![
            cell("外表"),
            nested("内表标签", Some(0x244B)),
            nested("7", Some(0x244B)),
            nested("", Some(0x244C)),
            cell("余下"),
            row_end(&[0, 1000, 2000], &[0, 0]),
        ],
        ..Built::default()
    };
    let doc = read(&built);
    assert_eq!(
        tables(&doc),
        vec![
            vec![vec![("外表".into(), 1, 1, 0), ("余下".into(), 1, 1, 1)]],
            vec![vec![("内表标签".into(), 1, 1, 0), ("7".into(), 1, 1, 1)]],
        ]
    );
}

#[test]
fn encrypted_and_old_documents_are_clear_errors() {
    let built = Built { paras: vec![para("机密")], encrypted: true, ..Built::default() };
    let err = read_doc(&built.bytes(), "t").expect_err("encrypted").to_string();
    assert!(err.contains("encrypted"), "{err}");
    let (mut word, table, data) = Built { paras: vec![para("旧")], ..Built::default() }.streams();
    word[2..4].copy_from_slice(&0x0068u16.to_le_bytes());
    let bytes = compound_file(&[("WordDocument", &word), ("1Table", &table), ("Data", &data)]);
    let err = read_doc(&bytes, "t").expect_err("Word 95").to_string();
    assert!(err.contains("Word 6/95"), "{err}");
}

#[test]
fn without_paragraph_properties_a_second_cell_mark_ends_the_row() {
    let built = Built {
        paras: vec![cell("规章"), cell("3"), cell(""), cell("规范性文件"), cell("5"), cell("")],
        ..Built::default()
    };
    let (mut word, table, data) = built.streams();
    // No bin table: no paragraph has properties.
    let bin_table_len = 0x22 + 28 + 2 + 88 + 2 + 8 * 13 + 4;
    word[bin_table_len..bin_table_len + 4].copy_from_slice(&0u32.to_le_bytes());
    let bytes = compound_file(&[("WordDocument", &word), ("1Table", &table), ("Data", &data)]);
    let doc = read_doc(&bytes, "t").expect("reads");
    let shape = tables(&doc);
    assert_eq!(shape[0].len(), 2);
    assert_eq!(shape[0][1][0].0, "规范性文件");
}

#[test]
fn hostile_files_are_errors_never_panics() {
    let built = Built {
        paras: vec![para("一、总体情况"), cell("规章"), cell("3"), row_end(&[0, 1000, 2000], &[0, 0]), para("完")],
        ..Built::default()
    };
    let bytes = built.bytes();
    assert!(read_doc(&bytes, "t").is_ok());
    // Truncated anywhere.
    for cut in [0, 100, 511, 512, 1024, bytes.len() / 2, bytes.len() - 1] {
        let _ = read_doc(&bytes[..cut], "t");
    }
    assert!(read_doc(&bytes[..600], "t").is_err());
    // Bytes flipped all over the file: an error or a document, never a panic.
    let mut state = 0x2545_F491_u32;
    for _ in 0..300 {
        let mut mutated = bytes.clone();
        for _ in 0..8 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let at = state as usize % mutated.len();
            mutated[at] = (state >> 8) as u8;
        }
        let _ = read_doc(&mutated, "t");
    }
    // The same for the streams themselves, behind a valid compound file.
    let (word, table, data) = built.streams();
    for _ in 0..300 {
        let (mut w, mut t) = (word.clone(), table.clone());
        for _ in 0..6 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let target = if state & 1 == 0 { &mut w } else { &mut t };
            let at = (state as usize >> 1) % target.len();
            target[at] = (state >> 9) as u8;
        }
        let _ = read_doc(&compound_file(&[("WordDocument", &w), ("1Table", &t), ("Data", &data)]), "t");
    }
}

#[test]
fn huge_counts_are_errors() {
    let built = Built { paras: vec![para("正文")], ..Built::default() };
    let (mut word, mut table, data) = built.streams();
    // ccpText far beyond the stream.
    let lw = 0x22 + 28;
    let mut big_text = word.clone();
    big_text[lw + 2 + 12..lw + 2 + 16].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
    let bytes = compound_file(&[("WordDocument", &big_text), ("1Table", &table), ("Data", &data)]);
    assert!(read_doc(&bytes, "t").is_err());
    // A piece table claiming millions of pieces.
    table[1..5].copy_from_slice(&0x0FFF_FFF4u32.to_le_bytes());
    let bytes = compound_file(&[("WordDocument", &word), ("1Table", &table), ("Data", &data)]);
    assert!(read_doc(&bytes, "t").is_err());
    // A piece table outside its stream.
    let clx = lw + 2 + 88 + 2 + 8 * 33;
    word[clx..clx + 4].copy_from_slice(&0xFFFF_FF00u32.to_le_bytes());
    let bytes = compound_file(&[("WordDocument", &word), ("1Table", &table), ("Data", &data)]);
    assert!(read_doc(&bytes, "t").is_err());
}

#[test]
fn corrupt_compound_files_are_errors() {
    // Long enough for the WordDocument stream to take several regular sectors.
    let bytes = Built { paras: vec![para(&"正文".repeat(6000))], ..Built::default() }.bytes();
    assert!(read_doc(&bytes, "t").is_ok());
    // FAT chains of the WordDocument stream that loop back to its start, or into its middle.
    let size = 1usize << bytes[0x1E];
    let sector = |i: usize| size * (i + 1);
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes")) as usize;
    let fat = sector(u32_at(&bytes, 0x4C));
    let directory = sector(u32_at(&bytes, 0x30));
    let name: Vec<u8> = "WordDocument".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let entry = (0..16).map(|i| directory + 128 * i).find(|&e| bytes[e..].starts_with(&name)).expect("entry");
    let first = u32_at(&bytes, entry + 116);
    let second = u32_at(&bytes, fat + 4 * first);
    let third = u32_at(&bytes, fat + 4 * second);
    for (from, to) in [(second, first), (third, second)] {
        let mut cyclic = bytes.clone();
        cyclic[fat + 4 * from..fat + 4 * from + 4].copy_from_slice(&(to as u32).to_le_bytes());
        assert!(read_doc(&cyclic, "t").is_err(), "{from} → {to}");
    }
    let mut header = bytes.clone();
    header[0x1E] = 0x30; // a sector shift no file has
    assert!(read_doc(&header, "t").is_err());
    // A compound file without a WordDocument stream.
    let other = compound_file(&[("Workbook", b"x")]);
    assert!(read_doc(&other, "t").expect_err("no stream").to_string().contains("WordDocument"));
}

/// `testdata/numbered.doc` (made by `testdata/numbered.py`): headings and paragraphs numbered by list definitions,
/// none of the labels in the text. The expected labels are those LibreOffice shows for the same file.
const NUMBERED: &[u8] = include_bytes!("testdata/numbered.doc");

#[test]
fn list_labels_are_rendered_from_the_list_tables() {
    let doc = read_doc(NUMBERED, "t").expect("reads");
    assert_eq!(
        prose(&doc),
        vec![
            "测试局2022年政府信息公开工作年度报告",
            "# 一、总体情况",
            "# （一）主动公开",
            "# （二）依申请公开",
            "1.细项甲",
            "2.细项乙",
            "# （三）政府信息管理",
            "# 二、主动公开政府信息情况",
            "③圈号一",
            "④圈号二",
            "# 三、收到和处理政府信息公开申请情况",
            "# （一）重新开始的二级",
            "# （一）接着的二级",
            "# 四、行政复议",
        ]
    );
    let cells: Vec<String> = tables(&doc)[0].iter().map(|row| row[0].0.clone()).collect();
    assert_eq!(cells, vec!["（一）予以公开", "（二）部分公开"]);
}

#[test]
fn damaged_list_tables_never_panic() {
    let mut file = cfb::CompoundFile::open(Cursor::new(NUMBERED)).expect("opens");
    let mut stream = |name: &str| {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut file.open_stream(name).expect("stream"), &mut bytes).expect("read");
        bytes
    };
    let (word, table) = (stream("/WordDocument"), stream("/1Table"));
    let fib = super::fib::Fib::parse(&word).expect("fib");
    let start = fib.lists.offset as usize;
    let end = (fib.list_instances.offset + fib.list_instances.len) as usize;
    assert!(start < end && end <= table.len());
    let mut state = 0x9E37_79B9_u32;
    for _ in 0..400 {
        let mut t = table.clone();
        for _ in 0..4 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let at = start + state as usize % (end - start);
            t[at] = (state >> 11) as u8;
        }
        let _ = read_doc(&compound_file(&[("WordDocument", &word), ("1Table", &t)]), "t");
    }
}
