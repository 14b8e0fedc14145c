//! Mapping: the document's tables onto the template's tables, by labels.
//!
//! 1. [`records`] turns every document table into records (label cells + value cells).
//! 2. Records are assigned to `t2`/`t3`/`t4` by the template's table cues; records without a cue stay with the
//!    table being read until a heading or long paragraph ends it. Fragments of one table anywhere in the
//!    document (page breaks, repeated headers) are merged.
//! 3. Each table's records are mapped with every template version; the version whose cues the labels carry (or,
//!    failing that, which places more cells) wins, per table. A table no version can tell apart (表四) takes the
//!    verdict of the other tables, else the report year.
//! 4. Within a table, rows are matched by distinctive label substrings, values go to the row's columns in order.
//!    Anything that cannot be placed is listed in `unplaced`, with a finding; nothing is guessed, nothing is
//!    zero-filled.

pub mod records;
pub mod split;
pub mod value;

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::doc::Document;
use crate::normalize::compact;
use crate::report::{
    Amount, CellKey, CellSource, CellState, CellValue, Finding, Rule, Severity, TableResult, TableStatus, Unit,
    Unplaced,
};
use crate::template::{Catalog, ColumnSpec, RowSpec, TableSpec, Template, ValueKind};
use records::{Item, Record, SourceCell};
use value::Token;

/// The tables of one document, mapped.
#[derive(Debug, Clone)]
pub struct Mapped {
    pub tables: IndexMap<String, TableResult>,
    pub unplaced: Vec<Unplaced>,
    pub findings: Vec<Finding>,
}

impl Mapped {
    /// The template version the found tables agree on, if any table was found.
    pub fn version(&self) -> Option<String> {
        let mut counts: IndexMap<&str, usize> = IndexMap::new();
        for t in self.tables.values() {
            if let Some(v) = &t.template {
                *counts.entry(v.as_str()).or_default() += 1;
            }
        }
        counts.into_iter().max_by_key(|(_, n)| *n).map(|(v, _)| v.to_string())
    }
}

/// Maps a document's tables onto the templates of `catalog`. `year` decides the version of tables that carry no
/// cue.
pub fn map_document(doc: &Document, year: Option<i32>, catalog: &Catalog) -> Mapped {
    let items = records::items(doc);
    let segments = segment(&items, catalog);
    let mut outcomes: IndexMap<&str, (Outcome, bool)> = IndexMap::new();
    for key in catalog.table_keys() {
        let Some(records) = segments.get(key.as_str()) else {
            continue;
        };
        let mut candidates: Vec<Outcome> =
            catalog.all().iter().filter_map(|t| t.table(key).map(|spec| map_table(t, spec, records))).collect();
        candidates.sort_by_key(|o| std::cmp::Reverse(o.score()));
        let decided = match candidates.as_slice() {
            [first, second, ..] => first.score() != second.score(),
            _ => true,
        };
        if !candidates.is_empty() {
            let best = candidates.swap_remove(0);
            outcomes.insert(key, (best, decided));
        }
    }
    resolve_undecided(&mut outcomes, &segments, year, catalog);

    let mut mapped = Mapped { tables: IndexMap::new(), unplaced: Vec::new(), findings: Vec::new() };
    for key in catalog.table_keys() {
        match outcomes.shift_remove(key.as_str()) {
            Some((outcome, _)) => {
                mapped.unplaced.extend(outcome.unplaced);
                mapped.findings.extend(outcome.findings);
                mapped.tables.insert(key.to_string(), outcome.result);
            }
            None => {
                mapped.tables.insert(key.to_string(), TableResult::absent());
            }
        }
    }
    mapped
}

/// Tables whose version no cue decided take the majority verdict of the decided ones, else the year's template.
fn resolve_undecided(
    outcomes: &mut IndexMap<&str, (Outcome, bool)>,
    segments: &IndexMap<&str, Vec<&Record>>,
    year: Option<i32>,
    catalog: &Catalog,
) {
    let mut votes: IndexMap<String, usize> = IndexMap::new();
    for (outcome, decided) in outcomes.values() {
        if *decided {
            *votes.entry(outcome.version.clone()).or_default() += 1;
        }
    }
    let verdict = votes
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(v, _)| v)
        .or_else(|| year.and_then(|y| catalog.for_year(y)).map(|t| t.version.clone()));
    let Some(verdict) = verdict else {
        return;
    };
    for (key, (outcome, decided)) in outcomes.iter_mut() {
        if *decided || outcome.version == verdict {
            continue;
        }
        let remapped =
            catalog.by_version(&verdict).and_then(|t| t.table(key).map(|spec| (t, spec))).zip(segments.get(key));
        if let Some(((t, spec), records)) = remapped {
            *outcome = map_table(t, spec, records);
        }
    }
}

/// The table whose cues (of any version) a record's labels carry.
fn table_of<'c>(record: &Record, catalog: &'c Catalog) -> Option<&'c str> {
    record.labels.iter().find_map(|label| {
        let cues = catalog.table_cues().iter();
        cues.filter(|(_, cues)| cues.iter().any(|c| label.compact.contains(c.as_str())))
            .map(|(key, _)| key.as_str())
            .next()
    })
}

/// Assigns records to standard tables in reading order.
fn segment<'a, 'c>(items: &'a [Item], catalog: &'c Catalog) -> IndexMap<&'c str, Vec<&'a Record>> {
    let mut segments: IndexMap<&str, Vec<&Record>> = IndexMap::new();
    let mut current: Option<&str> = None;
    for item in items {
        match item {
            Item::Break => current = None,
            Item::Record(record) => {
                if let Some(key) = table_of(record, catalog) {
                    current = Some(key);
                }
                if let Some(key) = current {
                    segments.entry(key).or_default().push(record);
                }
            }
        }
    }
    segments
}

/// The mapping of one table's records with one template version.
#[derive(Debug, Clone)]
struct Outcome {
    version: String,
    cue_hits: usize,
    result: TableResult,
    unplaced: Vec<Unplaced>,
    findings: Vec<Finding>,
}

impl Outcome {
    /// Higher is better: version cues first, then placed cells, then fewer unplaced numbers.
    fn score(&self) -> (usize, usize, std::cmp::Reverse<usize>) {
        (self.cue_hits, self.result.cells.len(), std::cmp::Reverse(self.unplaced.len()))
    }
}

/// Removes parenthesised notes: `(二)部分公开(区分处理的,…)` → `部分公开`.
fn without_parentheticals(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The best-matching row for one label: the longest pattern wins. Patterns without parentheses are looked for
/// outside parenthesised notes, so a note that mentions another row's words does not count.
fn row_for(spec: &TableSpec, label: &str, group: Option<&str>) -> Option<usize> {
    let bare = without_parentheticals(label);
    let mut best: Option<(usize, usize)> = None;
    for (index, (row, patterns)) in spec.rows.iter().zip(&spec.matching().rows).enumerate() {
        if row.needs_group && row.group.as_deref() != group {
            continue;
        }
        for p in patterns {
            let haystack = if p.contains('(') { label } else { bare.as_str() };
            if haystack.contains(p.as_str()) && best.is_none_or(|(_, len)| p.len() > len) {
                best = Some((index, p.len()));
            }
        }
    }
    best.map(|(i, _)| i)
}

/// The group whose label this is.
fn group_for<'s>(spec: &'s TableSpec, label: &str) -> Option<&'s str> {
    let bare = without_parentheticals(label);
    spec.matching()
        .groups
        .iter()
        .find(|(_, patterns)| patterns.iter().any(|p| bare.contains(p.as_str())))
        .map(|(k, _)| k.as_str())
}

/// Maps one table's records with one template version.
fn map_table(template: &Template, spec: &TableSpec, records: &[&Record]) -> Outcome {
    let mut state = TableState::new(template, spec);
    state.units_in_header = units_in_header(spec, records);
    let mut group: Option<String> = None;
    let mut pending: Option<usize> = None;
    let mut seen_cues: Vec<&str> = Vec::new();

    for record in records {
        for label in &record.labels {
            for cue in &spec.matching().version_cues {
                if label.compact.contains(cue.as_str()) && !seen_cues.contains(&cue.as_str()) {
                    seen_cues.push(cue);
                }
            }
        }
        // Group labels set the context for the item rows after them, within and across records.
        let mut row = None;
        for label in &record.labels {
            if let Some(g) = group_for(spec, &label.compact) {
                group = Some(g.to_string());
            }
        }
        for label in record.labels.iter().rev() {
            // A group label (`（六）其他处理`) is context, never the item it introduces (`3.其他`).
            let context = if group_for(spec, &label.compact).is_some() { None } else { group.as_deref() };
            if let Some(r) = row_for(spec, &label.compact, context) {
                row = Some(r);
                break;
            }
        }
        if let Some(r) = row {
            let row_group = spec.rows[r].group.clone();
            if row_group.is_none() {
                group = None;
            } else {
                group = row_group;
            }
        }
        let has_values =
            record.values.iter().any(|v| v.token != Token::Blank) || (!record.from_stream && !record.values.is_empty());
        match (row, has_values) {
            (Some(r), true) => {
                pending = None;
                state.place(r, record);
            }
            (Some(r), false) => pending = Some(r),
            (None, true) => {
                if let Some(r) = pending.take() {
                    state.place(r, record);
                } else if let Some(r) = spec.rows.iter().position(|r| r.unlabelled) {
                    state.place(r, record);
                } else {
                    state.unplace(record, "no row of the template matches this label");
                }
            }
            (None, false) => {}
        }
    }
    state.finish(seen_cues.len())
}

struct TableState<'a> {
    template: &'a Template,
    spec: &'a TableSpec,
    cells: HashMap<CellKey, CellValue>,
    filled_rows: Vec<bool>,
    unplaced: Vec<Unplaced>,
    findings: Vec<Finding>,
    saw_values: bool,
    /// Rows whose digits ran together and need other rows' values to be split.
    deferred: Vec<(usize, Record)>,
    /// Money columns whose header, as printed in this source, states the template unit (`采购总金额（单位：万元）`).
    units_in_header: Vec<String>,
}

impl<'a> TableState<'a> {
    fn new(template: &'a Template, spec: &'a TableSpec) -> Self {
        TableState {
            template,
            spec,
            cells: HashMap::new(),
            filled_rows: vec![false; spec.rows.len()],
            unplaced: Vec::new(),
            findings: Vec::new(),
            saw_values: false,
            deferred: Vec::new(),
            units_in_header: Vec::new(),
        }
    }

    fn table_name(&self) -> &str {
        &self.spec.title
    }

    fn place(&mut self, row_index: usize, record: &Record) {
        self.saw_values = true;
        let row = &self.spec.rows[row_index];
        if self.filled_rows[row_index] {
            let msg = format!(
                "「{}」行重复出现，后出现的数值未采用 (row `{}` appears twice; the later values are not used)",
                row.label, row.key
            );
            self.unplace(record, &msg);
            return;
        }
        let n = row.columns.len();
        let mut values: Vec<&SourceCell> = record.values.iter().collect();
        while values.len() > n && values.last().is_some_and(|v| v.token == Token::Blank) {
            values.pop();
        }
        // In a cell stream, blank positions before the first number are span filler of the header above.
        if record.from_stream {
            let leading = values.iter().take_while(|v| v.token == Token::Blank).count();
            let drop = leading.min(values.len().saturating_sub(n));
            values.drain(..drop);
        }
        if values.len() == n {
            self.filled_rows[row_index] = true;
            for (col_key, cell) in row.columns.iter().zip(values) {
                self.put(row, col_key, cell);
            }
            return;
        }
        let numbers: Vec<&&SourceCell> = values.iter().filter(|v| v.token != Token::Blank).collect();
        if let [only] = numbers.as_slice() {
            if self.is_digit_run(row, only) {
                // Split now if the row's own arithmetic allows one reading; otherwise wait until the other rows
                // are known, since rules across rows (R1, R2) may pin it down.
                if !self.try_split(row_index, only, &HashMap::new()) {
                    self.deferred.push((row_index, record.clone()));
                }
                return;
            }
        }
        self.unplace(record, &width_message(row, values.len()));
    }

    /// A lone run of digits in a row of counts.
    fn is_digit_run(&self, row: &RowSpec, cell: &SourceCell) -> bool {
        matches!(cell.token, Token::Number { amount: Amount::Int(_), unit: None })
            && row.columns.iter().all(|c| self.spec.column(c).is_some_and(|s| s.kind == ValueKind::Count))
    }

    /// Splits a digit run over the row if the rules, with the `known` cells of other rows, allow one reading.
    fn try_split(&mut self, row_index: usize, cell: &SourceCell, known: &HashMap<CellKey, i64>) -> bool {
        let row = &self.spec.rows[row_index];
        let digits: String = cell.raw.chars().filter(|c| !c.is_whitespace()).collect();
        let keys: Vec<CellKey> = row.columns.iter().map(|c| CellKey::new(&row.key, c)).collect();
        let Some(parts) = split::unique_split(&digits, &keys, self.spec.equations(), known) else {
            return false;
        };
        self.filled_rows[row_index] = true;
        for (key, v) in keys.iter().zip(&parts) {
            let value = CellValue {
                value: Some(Amount::Int(*v)),
                raw: cell.raw.clone(),
                state: CellState::Value,
                unit: Unit::NotMoney,
                source: CellSource::Table,
                origin: Some(cell.origin.clone()),
            };
            self.cells.insert(key.clone(), value);
        }
        let mut f = Finding::new(
            Severity::Info,
            Rule::SplitRun,
            format!(
                "「{}」行的数字连在一起（{}），按模板算术关系唯一拆分为 {} (digits ran together; the template arithmetic allows exactly one split)",
                row.label,
                cell.raw,
                parts.iter().map(i64::to_string).collect::<Vec<_>>().join(" ")
            ),
        )
        .in_table(&self.spec.key);
        f.cells = keys;
        self.findings.push(f);
        true
    }

    /// Retries the deferred digit runs with the values of the other rows, until no more can be split; the rest
    /// are unplaced.
    fn resolve_deferred(&mut self) {
        loop {
            let known: HashMap<CellKey, i64> = self
                .cells
                .iter()
                .filter_map(|(k, c)| match c.value {
                    Some(Amount::Int(v)) => Some((k.clone(), v)),
                    _ => None,
                })
                .collect();
            let before = self.deferred.len();
            let deferred = std::mem::take(&mut self.deferred);
            for (row_index, record) in deferred {
                let split = match record.values.iter().find(|v| v.token != Token::Blank) {
                    Some(cell) => self.try_split(row_index, cell, &known),
                    None => false,
                };
                if !split {
                    self.deferred.push((row_index, record));
                }
            }
            if self.deferred.len() == before {
                break;
            }
        }
        for (row_index, record) in std::mem::take(&mut self.deferred) {
            let row = &self.spec.rows[row_index];
            let msg = format!(
                "「{}」行的数字连在一起（{}），按模板算术关系无法唯一拆分 (digits ran together and the template arithmetic allows more than one split, or none)",
                row.label,
                record.values.iter().map(|v| v.raw.as_str()).collect::<Vec<_>>().join(" ")
            );
            self.unplace(&record, &msg);
        }
    }

    fn put(&mut self, row: &RowSpec, col_key: &str, cell: &SourceCell) {
        let Some(column) = self.spec.column(col_key) else {
            return;
        };
        if cell.absent {
            return;
        }
        let key = CellKey::new(&row.key, col_key);
        let header_unit = self.units_in_header.iter().any(|k| k == col_key);
        match make_cell(column, cell, header_unit) {
            Some(value) => {
                self.cells.insert(key, value);
            }
            None => {
                let mut f = Finding::new(
                    Severity::Warning,
                    Rule::Unreadable,
                    format!(
                        "{}「{}」的内容“{}”不是数值，未采用 (cell text is not a number; not used) at {}",
                        self.table_name(),
                        key,
                        cell.raw,
                        cell.origin
                    ),
                )
                .in_table(&self.spec.key);
                f.cells = vec![key];
                f.refs = vec![cell.origin.to_string()];
                self.findings.push(f);
            }
        }
    }

    fn unplace(&mut self, record: &Record, reason: &str) {
        let context = record.label_text();
        let mut count = 0;
        for v in &record.values {
            if matches!(v.token, Token::Number { .. } | Token::Text) {
                count += 1;
                self.unplaced.push(Unplaced {
                    table: self.spec.key.clone(),
                    raw: v.raw.clone(),
                    context: context.clone(),
                    origin: Some(v.origin.clone()),
                });
            }
        }
        if count > 0 {
            self.findings.push(
                Finding::new(
                    Severity::Warning,
                    Rule::Unplaced,
                    format!("{}：「{}」处的 {} 个数值未能放入模板：{}", self.table_name(), context, count, reason),
                )
                .in_table(&self.spec.key),
            );
        }
    }

    fn finish(mut self, cue_hits: usize) -> Outcome {
        self.resolve_deferred();
        let mut ordered = IndexMap::new();
        let mut cells = self.cells;
        for key in self.spec.cell_keys() {
            if let Some(c) = cells.remove(key) {
                ordered.insert(key.clone(), c);
            }
        }
        let status = if ordered.len() == self.spec.cell_count() {
            TableStatus::Found
        } else if ordered.is_empty() && !self.saw_values {
            TableStatus::Absent
        } else {
            TableStatus::Partial
        };
        let template = (status != TableStatus::Absent).then(|| self.template.version.clone());
        Outcome {
            version: self.template.version.clone(),
            cue_hits,
            result: TableResult { status, template, cells: ordered },
            unplaced: self.unplaced,
            findings: self.findings,
        }
    }
}

fn width_message(row: &RowSpec, found: usize) -> String {
    let n = row.columns.len();
    format!(
        "「{}」行有 {found} 个数值，模板要求 {n} 个，无法确定位置 (row has {found} values, the template expects {n}; not placed)",
        row.label
    )
}

/// Money columns whose printed header names both the column and its template unit.
fn units_in_header(spec: &TableSpec, records: &[&Record]) -> Vec<String> {
    spec.columns
        .iter()
        .filter(|c| c.kind == ValueKind::Money)
        .filter_map(|c| {
            let unit = compact(c.unit.as_deref()?);
            let name = compact(&c.label);
            let name = without_parentheticals(&name);
            let stated =
                records.iter().flat_map(|r| &r.labels).any(|l| l.compact.contains(&name) && l.compact.contains(&unit));
            stated.then(|| c.key.clone())
        })
        .collect()
}

/// The cell for a source value in a template column, or `None` when the text is not a value.
fn make_cell(column: &ColumnSpec, cell: &SourceCell, header_unit: bool) -> Option<CellValue> {
    let money = column.kind == ValueKind::Money;
    // The official form prints the unit in some money headers (`本年收费金额（单位：万元）`): a bare number there
    // is in that unit. Where the form states none (`采购总金额`), a bare number has no known unit.
    let stated_unit = if money && (header_unit || column.unit_in_header) { column.unit.clone() } else { None };
    let unit = match (money, stated_unit) {
        (false, _) => Unit::NotMoney,
        (true, None) => Unit::Unstated,
        (true, Some(unit)) => Unit::Money(unit),
    };
    let mut out = CellValue {
        value: None,
        raw: cell.raw.clone(),
        state: CellState::Value,
        unit,
        source: CellSource::Table,
        origin: Some(cell.origin.clone()),
    };
    match &cell.token {
        Token::Blank => out.state = CellState::Blank,
        Token::Na => out.state = CellState::Na,
        Token::Text => return None,
        Token::Number { amount, unit } => {
            if let (true, Some(target)) = (money, column.unit.as_deref()) {
                match unit.as_deref().and_then(|u| value::to_unit(*amount, u, target)) {
                    Some(converted) => {
                        out.value = Some(converted);
                        out.unit = Unit::Money(target.to_string());
                    }
                    None => out.value = Some(*amount),
                }
            } else {
                out.value = Some(*amount);
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::text::read_text;

    fn map_text(text: &str, year: Option<i32>) -> Mapped {
        map_document(&read_text(text, "test"), year, Catalog::embedded())
    }

    fn value(m: &Mapped, table: &str, key: &str) -> Option<f64> {
        m.tables[table].cells.get(key).and_then(|c| c.value).map(Amount::as_f64)
    }

    #[test]
    fn parentheticals_are_removed_for_matching() {
        assert_eq!(without_parentheticals("(二)部分公开(区分处理的,只计这一情形)"), "部分公开");
        assert_eq!(without_parentheticals("规章"), "规章");
    }

    #[test]
    fn a_pdf_style_table_three_maps_by_label() {
        let text = "三、收到和处理政府信息公开申请情况\n\
            一、本年新收政府信息公开申请数量 35 4 0 0 0 0 39\n\
            二、上年结转政府信息公开申请数量 1 0 0 0 0 0 1\n\
            三、本年度办理结果\n\
            （一）予以公开 20 2 0 0 0 0 22\n\
            （二）部分公开（区分处理的，只计这一情形，\n\
            不计其他情形） 1 0 0 0 0 0 1\n\
            （六）其他处理\n\
            1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 1 0 0 0 0 0 1\n\
            3.其他 2 0 0 0 0 0 2\n\
            （七）总计 30 4 0 0 0 0 34\n\
            四、结转下年度继续办理 6 0 0 0 0 0 6";
        let m = map_text(text, Some(2022));
        let t3 = &m.tables["t3"];
        assert_eq!(t3.template.as_deref(), Some("gov2021"));
        assert_eq!(t3.status, TableStatus::Partial);
        assert_eq!(value(&m, "t3", "new_received.total"), Some(39.0));
        assert_eq!(value(&m, "t3", "partially_granted.natural_person"), Some(1.0));
        assert_eq!(value(&m, "t3", "other_misc.total"), Some(2.0));
        assert_eq!(value(&m, "t3", "results_total.total"), Some(34.0));
        assert_eq!(value(&m, "t3", "carried_forward.natural_person"), Some(6.0));
        assert!(m.unplaced.is_empty(), "{:?}", m.unplaced);
        assert_eq!(m.tables["t2"].status, TableStatus::Absent);
    }

    #[test]
    fn run_together_digits_split_only_when_unique() {
        let text = "二、主动公开政府信息情况\n第二十条第（五）项\n信息内容 上一年项目数量 本年增/减 处理决定数量\n行政许可3960181\n\
            三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量290000029";
        let m = map_text(text, Some(2020));
        assert_eq!(value(&m, "t3", "new_received.natural_person"), Some(29.0));
        assert_eq!(value(&m, "t3", "new_received.total"), Some(29.0));
        assert!(m.tables["t2"].cells.is_empty());
        assert_eq!(m.unplaced.len(), 1);
        assert_eq!(m.unplaced[0].raw, "3960181");
        assert!(m.findings.iter().any(|f| f.rule == "split_run"));
    }

    #[test]
    fn a_row_with_too_few_values_is_not_guessed() {
        let m = map_text("三、收到\n一、本年新收政府信息公开申请数量 5 1 2 8\n", Some(2022));
        assert!(m.tables["t3"].cells.is_empty());
        assert_eq!(m.unplaced.len(), 4);
        assert_eq!(m.tables["t3"].status, TableStatus::Partial);
    }

    #[test]
    fn traditional_split_and_variant_labels_map_and_version_is_per_table() {
        // A 2021 表二 printing the 2019 row label 规范性文件, in traditional characters, with a year in the header.
        let text = "二、主動公開政府信息情況\n第二十條第（一）項\n信息內容 本年(2023)制發件數 本年(2023)廢止件數 現行有效件數\n\
            規章 0 0 0\n規範性檔案 4 1 22\n\
            三、收到和處理政府信息公開申請情況\n自然人 商業 企業 科研 機構 社會公益組織 法律服務機構 其他 總計\n\
            一、本年新收政府信息公開申請數量 3 0 0 0 0 0 3\n（六）其他處理 1 0 0 0 0 0 1";
        let m = map_text(text, Some(2023));
        assert_eq!(m.tables["t2"].template.as_deref(), Some("gov2021"));
        assert_eq!(value(&m, "t2", "normative_documents.in_force"), Some(22.0));
        // A single （六）其他处理 value row is the 2019 form, whatever the year says.
        assert_eq!(m.tables["t3"].template.as_deref(), Some("gov2019"));
        assert_eq!(value(&m, "t3", "other_processing.natural_person"), Some(1.0));
        assert_eq!(value(&m, "t3", "new_received.total"), Some(3.0));
    }

    #[test]
    fn blanks_marks_and_money_without_unit_keep_their_state() {
        let text = "二、主动公开政府信息情况\n| 第二十条第（九）项 | | |\n| 信息内容 | 采购项目数量 | 采购总金额 |\n\
            | 政府集中采购 | 3 | 8040 |\n| 行政许可 | 1 | — | |\n| 行政强制 | | | 0 |";
        let m = map_text(text, Some(2020));
        let t2 = &m.tables["t2"];
        assert_eq!(t2.template.as_deref(), Some("gov2019"));
        let amount = &t2.cells["centralized_procurement.procurement_amount"];
        assert_eq!((amount.value, amount.unit.clone()), (Some(Amount::Int(8040)), Unit::Unstated));
        assert_eq!(t2.cells["admin_licensing.change_this_year"].state, CellState::Na);
        assert_eq!(t2.cells["admin_licensing.decisions"].state, CellState::Blank);
        assert_eq!(t2.cells["admin_coercion.prev_year_items"].state, CellState::Blank);
        assert_eq!(t2.cells["admin_coercion.decisions"].value, Some(Amount::Int(0)));
        assert_eq!(t2.status, TableStatus::Partial);
    }

    #[test]
    fn a_unit_printed_in_the_header_applies_to_bare_amounts() {
        let text = "二、主动公开政府信息情况\n| 第二十条第（九）项 | | |\n| 信息内容 | 采购项目数量 | 采购总金额（单位：万元） |\n\
            | 政府集中采购 | 3 | 25.1 |";
        let m = map_text(text, Some(2020));
        let amount = &m.tables["t2"].cells["centralized_procurement.procurement_amount"];
        assert_eq!((amount.value, amount.unit.clone()), (Some(Amount::Real(25.1)), Unit::Money("万元".to_string())));
    }

    #[test]
    fn a_table_split_by_a_page_break_is_merged_and_repeated_headers_skipped() {
        let header = "| （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况 |\n\
            | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n";
        let text = format!(
            "三、收到和处理政府信息公开申请情况\n{header}| 一、本年新收政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n\n\
             — 5 —\n\n{header}| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n"
        );
        let m = map_text(&text, Some(2021));
        assert_eq!(value(&m, "t3", "new_received.total"), Some(2.0));
        assert_eq!(value(&m, "t3", "carried_forward.total"), Some(1.0));
        assert!(m.unplaced.is_empty());
        assert!(m.findings.is_empty(), "{:?}", m.findings);
    }

    #[test]
    fn a_row_printed_twice_keeps_the_first_and_reports_the_second() {
        let text = "二、主动公开政府信息情况\n信息内容 本年处理决定数量\n行政许可 5\n行政许可 7";
        let m = map_text(text, Some(2022));
        assert_eq!(value(&m, "t2", "admin_licensing.decisions"), Some(5.0));
        assert_eq!(m.unplaced.len(), 1);
        assert_eq!(m.unplaced[0].raw, "7");
    }

    #[test]
    fn notes_naming_another_row_do_not_capture_an_extra_row() {
        let text =
            "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 本年新制作数量 本年新公开数量 对外公开总数量\n\
            规范性文件 3 3 40\n\
            其他主动公开文件（除规范性文件以外的主动公开文件） 186 86 255";
        let m = map_text(text, Some(2020));
        assert_eq!(value(&m, "t2", "normative_documents.total_published"), Some(40.0));
        assert_eq!(m.unplaced.len(), 3);
    }
}
