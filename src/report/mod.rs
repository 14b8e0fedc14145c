//! The mapped report: what the pipeline knows about one document once its tables are placed on the template.
//!
//! This is the type that validation, the prose extractor and every writer consume. Its serde form *is* the public
//! `inspect --json` contract: fields may be added, never renamed. Nothing here reads bytes or matches labels.
//!
//! The values the contract prints as strings are typed here and print exactly as before: cell keys
//! ([`CellKey`], `row.col`), origins ([`Origin`]), rules and their outcomes ([`Rule`], [`FindingStatus`]) and the
//! unit of money cells ([`Unit`]).

mod key;
mod origin;
mod rule;

use std::fmt;

pub use key::{BadCellKey, CellKey};
pub use origin::{parse_a1, write_uint, Inference, Origin, Place};
pub use rule::{DomainRule, FindingStatus, Rule};

use crate::hash::IndexMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub source: String,
    pub kind: DocKind,
    pub year: Option<i32>,
    pub agency: Option<String>,
    /// Publication date as printed (ISO `YYYY-MM-DD`), when the document states one.
    #[serde(default)]
    pub published: Option<String>,
    /// The template version of the report as a whole (`gov2019`, `gov2021`, or null before 2019 / not a report).
    pub template: Option<String>,
    /// Every table of the form (`t2`, `t3`, `t4`), always all of them.
    pub tables: IndexMap<String, TableResult>,
    pub unplaced: Vec<Unplaced>,
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub sections: Vec<Section>,
    #[serde(default)]
    pub metrics: Vec<Metric>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    AnnualReport,
    Other,
}

impl DocKind {
    pub const ALL: [DocKind; 2] = [DocKind::AnnualReport, DocKind::Other];

    /// The kind as it appears in the JSON: `annual_report`, `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::AnnualReport => "annual_report",
            DocKind::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableStatus {
    /// Every template cell of the table was found.
    Found,
    /// The table was found but some of its cells are not in the source (absent, never zero).
    Partial,
    /// The table is not in the document.
    Absent,
}

impl TableStatus {
    pub const ALL: [TableStatus; 3] = [TableStatus::Found, TableStatus::Partial, TableStatus::Absent];

    /// The status as it appears in the JSON: `found`, `partial`, `absent`.
    pub fn as_str(self) -> &'static str {
        match self {
            TableStatus::Found => "found",
            TableStatus::Partial => "partial",
            TableStatus::Absent => "absent",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableResult {
    pub status: TableStatus,
    /// Template version of this table (detected per table), null when absent.
    pub template: Option<String>,
    /// Cells present in the source, keyed `<row>.<col>`, in template order. Absent cells are omitted.
    pub cells: IndexMap<CellKey, CellValue>,
    /// Absent cells the source itself declares not provided (the names nianbao writes into a workbook for a
    /// partial table): known to be absent, as opposed to cells that could not be read. Not part of the JSON.
    #[serde(skip)]
    pub declared_absent: Vec<CellKey>,
}

impl TableResult {
    pub fn absent() -> Self {
        TableResult {
            status: TableStatus::Absent,
            template: None,
            cells: IndexMap::default(),
            declared_absent: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    /// A number was printed.
    Value,
    /// The cell was printed empty.
    Blank,
    /// The cell holds a not-applicable mark (`/`, `-`, `—`, `无` …), kept in `raw`.
    Na,
}

impl CellState {
    pub const ALL: [CellState; 3] = [CellState::Value, CellState::Blank, CellState::Na];

    /// The state as it appears in the JSON: `value`, `blank`, `na`.
    pub fn as_str(self) -> &'static str {
        match self {
            CellState::Value => "value",
            CellState::Blank => "blank",
            CellState::Na => "na",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellSource {
    /// Read from a table cell.
    Table,
    /// Stated in the prose (pre-2019 reports, or a table the document lacks).
    Prose,
}

impl CellSource {
    pub const ALL: [CellSource; 2] = [CellSource::Table, CellSource::Prose];

    /// The source as it appears in the JSON: `table`, `prose`.
    pub fn as_str(self) -> &'static str {
        match self {
            CellSource::Table => "table",
            CellSource::Prose => "prose",
        }
    }
}

/// A number as reported: whole numbers stay integers, amounts keep their decimals.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Amount {
    Int(i64),
    Real(f64),
}

impl Amount {
    pub fn as_f64(self) -> f64 {
        match self {
            Amount::Int(i) => i as f64,
            Amount::Real(f) => f,
        }
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Amount::Int(i) => s.serialize_i64(i),
            Amount::Real(f) => s.serialize_f64(f),
        }
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Amount::Int(i) => write!(f, "{i}"),
            Amount::Real(x) => write!(f, "{x}"),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CellValue {
    /// The number in the template's unit; null when blank or not applicable.
    pub value: Option<Amount>,
    /// The text as printed in the source.
    pub raw: String,
    pub state: CellState,
    /// Money cells only: the unit of `value` (`万元`), or null when the source printed no unit.
    #[serde(default, skip_serializing_if = "Unit::is_not_money")]
    pub unit: Unit,
    pub source: CellSource,
    /// Where the value came from: `line 57`, `Sheet!B12`, `table 2, row 5, cell 3`, or the sentence for prose
    /// values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// The unit of a cell's value. In the JSON, `unit` is left out for counts, and `null` or the unit for money.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Unit {
    /// Not a money cell: counts have no unit.
    #[default]
    NotMoney,
    /// Money printed as a bare number where neither the cell nor its header states a unit (`null`).
    Unstated,
    /// Money in this unit (`万元`, the template unit).
    Money(String),
}

impl Unit {
    pub fn is_not_money(&self) -> bool {
        matches!(self, Unit::NotMoney)
    }

    /// The unit's name, for money whose unit is known.
    pub fn name(&self) -> Option<&str> {
        match self {
            Unit::Money(unit) => Some(unit),
            Unit::NotMoney | Unit::Unstated => None,
        }
    }
}

impl Serialize for Unit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.name().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Unit {
    /// Called only when the field is present: `null` or a unit (an absent field is [`Unit::NotMoney`]).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<String>::deserialize(d)?.map_or(Unit::Unstated, Unit::Money))
    }
}

/// A number inside a found table that could not be placed on the template.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unplaced {
    pub table: String,
    pub raw: String,
    /// The row label and neighbourhood the number was printed with.
    pub context: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

    /// The severity as it appears in the JSON: `info`, `warning`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something the pipeline wants a reader of the output to know, with the cells it concerns.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    /// The check: `R1` … `R4`, `D1` … `D3`, `P1`, `unplaced`, `unreadable`, `inferred`, `section_missing`,
    /// `too_large`, or
    /// the rules of an absent table.
    pub rule: Rule,
    /// How the rule came out where that is more than pass/fail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<FindingStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// Cell keys involved (`new_received.total`), within `table`.
    #[serde(default)]
    pub cells: Vec<CellKey>,
    /// The same cells as sheet references (`依申请公开!J12`), filled by writers that know the sheet layout.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<f64>,
    /// Chinese message followed by an English gloss.
    pub message: String,
}

impl Finding {
    pub fn new(severity: Severity, rule: Rule, message: impl Into<String>) -> Self {
        Finding {
            severity,
            rule,
            status: None,
            table: None,
            cells: Vec::new(),
            refs: Vec::new(),
            expected: None,
            found: None,
            message: message.into(),
        }
    }

    pub fn in_table(mut self, table: &str) -> Self {
        self.table = Some(table.to_string());
        self
    }

    pub fn with_status(mut self, status: FindingStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// The Chinese message alone: without the English gloss in parentheses that ends it
    /// (`…不成立：… (R1 fails for …)` → `…不成立：…`).
    pub fn message_zh(&self) -> &str {
        without_gloss(&self.message)
    }
}

/// A message without the English gloss that ends it: the last parenthesised group, opened after a space by an
/// ASCII character, or a tail after `/ ` that starts with a letter and holds no Chinese. Parentheses inside the
/// gloss are balanced; full-width ones belong to the Chinese text.
pub fn without_gloss(message: &str) -> &str {
    let trimmed = message.trim_end();
    if let Some((chinese, gloss)) = trimmed.rsplit_once("/ ") {
        let english = gloss.starts_with(|c: char| c.is_ascii_alphabetic()) && gloss.is_ascii();
        if english && !chinese.is_empty() {
            return chinese.trim_end();
        }
    }
    if !trimmed.ends_with(')') {
        return trimmed;
    }
    let mut depth = 0usize;
    for (i, c) in trimmed.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    let gloss = &trimmed[i + 1..];
                    let opened_by_ascii = gloss.chars().next().is_some_and(|c| c.is_ascii() && c != ' ');
                    let before = &trimmed[..i];
                    return if before.ends_with(' ') && opened_by_ascii { before.trim_end() } else { trimmed };
                }
            }
            _ => {}
        }
    }
    trimmed
}

/// One of the report's sections (一 … 六), with its printed heading and text.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Section {
    pub key: String,
    pub heading: String,
    pub text: String,
    /// Character offset of the heading in the document's prose text.
    pub start: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    Exact,
    Approx,
    AtLeast,
    AtMost,
}

impl Qualifier {
    pub const ALL: [Qualifier; 4] = [Qualifier::Exact, Qualifier::Approx, Qualifier::AtLeast, Qualifier::AtMost];

    /// The qualifier as it appears in the JSON: `exact`, `approx`, `at_least`, `at_most`.
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::Approx => "approx",
            Qualifier::AtLeast => "at_least",
            Qualifier::AtMost => "at_most",
        }
    }
}

/// A figure stated in the prose, with the sentence it came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Metric {
    pub key: String,
    pub value: Amount,
    pub unit: Option<String>,
    pub qualifier: Qualifier,
    pub sentence: String,
    /// Character offset of the sentence in the document's prose text.
    pub offset: usize,
}

impl Report {
    /// The cell `<row>.<col>` of table `table`, if present.
    pub fn cell(&self, table: &str, key: &str) -> Option<&CellValue> {
        self.tables.get(table).and_then(|t| t.cells.get(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chinese_message_leaves_the_english_gloss_out() {
        assert_eq!(
            without_gloss("表三「勾稽关系」（R1）不成立：相差 6 (R1 fails for column total (left side))"),
            "表三「勾稽关系」（R1）不成立：相差 6"
        );
        assert_eq!(without_gloss("「(二)部分公开」行有 9 个数值 (row has 9 values)"), "「(二)部分公开」行有 9 个数值");
        // Parentheses that are part of the Chinese text stay.
        assert_eq!(without_gloss("「(二)部分公开」"), "「(二)部分公开」");
        assert_eq!(without_gloss("申请人（自然人）"), "申请人（自然人）");
        assert_eq!(without_gloss("表三未找到 (表三)"), "表三未找到 (表三)");
        assert_eq!(
            without_gloss("正文所述29与表三一致（29）/ the prose figure 29 agrees"),
            "正文所述29与表三一致（29）"
        );
        assert_eq!(without_gloss("内容过大，未读取 / t3 not read: too large"), "内容过大，未读取");
        assert_eq!(without_gloss("本年增/减 / 上年"), "本年增/减 / 上年");
    }
}
