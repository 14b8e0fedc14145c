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

mod events;
pub mod place;
pub mod readings;
pub mod records;
pub mod value;

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use crate::hash::HashMap;

use crate::hash::IndexMap;

use crate::doc::Document;
use crate::normalize::compact;
use crate::report::{
    Amount, CellKey, CellSource, CellState, CellValue, Finding, Inference, Rule, Severity, TableResult, TableStatus,
    Unit, Unplaced,
};
use crate::template::{Catalog, ColumnSpec, RowSpec, TableSpec, Template, ValueKind};
use events::{Event, LooseLabel};
use readings::{How, LocalRules, Reading, RowShape, Subtotal};
use records::{Item, Record, SourceCell};
use value::Token;

/// A figure the document states for the sum of some cells of a table (`收到政府信息公开申请23件` for
/// `t3.new_received.total`): evidence that may break a tie between placements the rules leave open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub table: String,
    pub cells: Vec<CellKey>,
    pub value: i64,
}

const AMBIGUOUS: &str = "按模板的行序和算术关系有不止一种放法 (more than one placement is consistent with the template's row order and rules)";
const INCONSISTENT: &str = "没有一种放法符合模板的算术关系 (no placement is consistent with the template's rules)";
const NO_READING: &str =
    "数值与该行的列数及算术关系都不相符 (no reading of the values fits the row's columns and rules)";
/// Most placements the search over one table holds, over all its units.
const MAX_CHOICES_PER_TABLE: usize = 20_000;

const TOO_MANY: &str = "可能的放法过多，无法在限定范围内判定 (too many possible placements to decide within bounds)";

/// The tables of one document, mapped.
#[derive(Debug, Clone)]
pub struct Mapped {
    pub tables: IndexMap<String, TableResult>,
    pub unplaced: Vec<Unplaced>,
    pub findings: Vec<Finding>,
    /// Some values stayed unplaced because several placements were consistent with the rules: figures stated
    /// elsewhere in the document ([`map_document_with`]) might decide them.
    pub undecided: bool,
}

impl Mapped {
    /// The template version the found tables agree on, if any table was found.
    pub fn version(&self) -> Option<String> {
        let mut counts: IndexMap<&str, usize> = IndexMap::default();
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
    map_document_with(doc, year, catalog, &[])
}

/// [`map_document`], with figures the document states elsewhere (its prose) as tie-breakers for placements the
/// template's rules leave open.
pub fn map_document_with(doc: &Document, year: Option<i32>, catalog: &Catalog, evidence: &[Evidence]) -> Mapped {
    map_items(&records::items(doc), year, catalog, evidence, &mut Memo::default())
}

/// [`map_document`]; when values stay unplaced because several placements fit the rules, the figures `evidence`
/// gives (called only then) decide what they can, as with [`map_document_with`]. Tables those figures do not
/// concern are mapped once.
pub fn map_document_deciding(
    doc: &Document,
    year: Option<i32>,
    catalog: &Catalog,
    evidence: impl FnOnce() -> Vec<Evidence>,
) -> Mapped {
    let items = records::items(doc);
    let mut memo = Memo::default();
    let mapped = map_items(&items, year, catalog, &[], &mut memo);
    if !mapped.undecided {
        return mapped;
    }
    let evidence = evidence();
    if evidence.is_empty() {
        return mapped;
    }
    map_items(&items, year, catalog, &evidence, &mut memo)
}

/// Outcomes of tables mapped with no stated figure, by form and table: mapping them again with figures that
/// concern none of their cells gives the same outcome, and so does mapping them with another version of the same
/// form (see [`TableSpec::form`]).
#[derive(Default)]
struct Memo {
    outcomes: Vec<(String, String, Outcome)>,
    /// Readings of the document's records, shared by every table, version and pass mapped (see [`ReadKey`]).
    readings: RefCell<ReadMemo>,
}

/// What decides the readings of a record as a row: the record (by address: the memo lives no longer than the items
/// the records are in), the row's width, the kind of its columns, the header's subtotal groups and the row's rules
/// with the cells known so far folded in. Rows of other versions, or other rows of a table, with the same of all
/// this read the same (the names of the cells play no part).
#[derive(Clone, PartialEq, Eq, Hash)]
struct ReadKey {
    record: usize,
    columns: usize,
    counts: bool,
    extra_column: bool,
    groups: Vec<Subtotal>,
    rules: LocalRules,
}

/// The readings of each [`ReadKey`], with the steps of the table's budget the search spent: a later table reuses
/// them only if its budget still holds those steps (and spends them), so the budget runs out where it would have.
#[derive(Default)]
struct ReadMemo {
    found: HashMap<ReadKey, (Rc<FoundReadings>, usize)>,
    /// The cells of the readings in `found`, at most [`MAX_REMEMBERED_CELLS`]: a hostile document keeps no more
    /// in memory than one table's search may find.
    cells: usize,
}

/// Most cells of readings remembered while one document is mapped (as many as one table's step budget allows
/// readings to hold); readings beyond are searched again when asked again.
const MAX_REMEMBERED_CELLS: usize = 1 << 20;

/// What a search for readings finds, shared by the memos that keep it (each caller takes its own copy).
type FoundReadings = Result<Vec<Reading>, readings::TooMany>;

/// [`map_table`], or its outcome from `memo` when no figure of `evidence` concerns the table.
fn map_table_memo(
    template: &Template,
    spec: &TableSpec,
    records: &[&Record],
    evidence: &[Evidence],
    memo: &mut Memo,
) -> Outcome {
    let stated = stated_for(spec, evidence);
    if !stated.is_empty() {
        return map_table(template, spec, records, &stated, &memo.readings);
    }
    let known = memo.outcomes.iter().find(|(form, k, _)| form == spec.form() && *k == spec.key);
    if let Some((_, _, outcome)) = known {
        return outcome.clone().with_version(&template.version);
    }
    let outcome = map_table(template, spec, records, &[], &memo.readings);
    memo.outcomes.push((spec.form().to_string(), spec.key.clone(), outcome.clone()));
    outcome
}

/// The figures of `evidence` stated for sums of cells of `spec`.
fn stated_for(spec: &TableSpec, evidence: &[Evidence]) -> Vec<place::Stated> {
    evidence
        .iter()
        .filter(|e| e.table == spec.key && e.cells.iter().all(|k| spec.row(k.row()).is_some()))
        .map(|e| place::Stated { cells: e.cells.clone(), value: e.value })
        .collect()
}

fn map_items(items: &[Item], year: Option<i32>, catalog: &Catalog, evidence: &[Evidence], memo: &mut Memo) -> Mapped {
    let segments = segment(items, catalog);
    let mut outcomes: IndexMap<&str, (Outcome, bool)> = IndexMap::default();
    // Every version's outcome that was mapped, for the verdict below to reuse.
    let mut others: Vec<(&str, Outcome)> = Vec::new();
    for key in catalog.table_keys() {
        let Some(records) = segments.get(key.as_str()) else {
            continue;
        };
        let versions: Vec<(&Template, &TableSpec, usize)> = catalog
            .all()
            .iter()
            .filter_map(|t| t.table(key).map(|spec| (t, spec, events::cue_hits(spec, records))))
            .collect();
        // Version cues come first in an outcome's score: a version with fewer cues than another never wins and
        // is not mapped.
        let most_cues = versions.iter().map(|(_, _, hits)| *hits).max().unwrap_or(0);
        let mut candidates: Vec<Outcome> = versions
            .iter()
            .filter(|(_, _, hits)| *hits == most_cues)
            .map(|(t, spec, _)| map_table_memo(t, spec, records, evidence, memo))
            .collect();
        candidates.sort_by_key(|o| std::cmp::Reverse(o.score()));
        let decided = match candidates.as_slice() {
            [first, second, ..] => first.score() != second.score(),
            _ => true,
        };
        if !candidates.is_empty() {
            let best = candidates.remove(0);
            outcomes.insert(key, (best, decided));
            others.extend(candidates.into_iter().map(|o| (key.as_str(), o)));
        }
    }
    resolve_undecided(&mut outcomes, others, &segments, year, catalog, evidence, memo);

    let mut mapped =
        Mapped { tables: IndexMap::default(), unplaced: Vec::new(), findings: Vec::new(), undecided: false };
    for key in catalog.table_keys() {
        match outcomes.shift_remove(key.as_str()) {
            Some((outcome, _)) => {
                mapped.undecided |= outcome.undecided;
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
fn resolve_undecided<'c>(
    outcomes: &mut IndexMap<&'c str, (Outcome, bool)>,
    mut others: Vec<(&'c str, Outcome)>,
    segments: &IndexMap<&str, Vec<&Record>>,
    year: Option<i32>,
    catalog: &Catalog,
    evidence: &[Evidence],
    memo: &mut Memo,
) {
    let mut votes: IndexMap<String, usize> = IndexMap::default();
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
        // The verdict's outcome, when it was mapped above; else mapped now.
        if let Some(at) = others.iter().position(|(k, o)| k == key && o.version == verdict) {
            *outcome = others.swap_remove(at).1;
            continue;
        }
        let remapped =
            catalog.by_version(&verdict).and_then(|t| t.table(key).map(|spec| (t, spec))).zip(segments.get(key));
        if let Some(((t, spec), records)) = remapped {
            *outcome = map_table_memo(t, spec, records, evidence, memo);
        }
    }
}

/// The table whose cues (of any version) a record's labels carry.
fn table_of<'c>(record: &Record, catalog: &'c Catalog) -> Option<&'c str> {
    record.labels.iter().find_map(|label| catalog.table_cued_in(&label.compact))
}

/// Assigns records to standard tables in reading order.
fn segment<'a, 'c>(items: &'a [Item], catalog: &'c Catalog) -> IndexMap<&'c str, Vec<&'a Record>> {
    let mut segments: IndexMap<&str, Vec<&Record>> = IndexMap::default();
    let mut current: Option<&str> = None;
    // Rows of bare values printed before the first label of a table (an OCR copy that puts a row's numbers before
    // its label): they join the table whose cue follows them.
    let mut orphans: Vec<&Record> = Vec::new();
    for item in items {
        match item {
            Item::Break => {
                current = None;
                orphans.clear();
            }
            Item::Record(record) => {
                if let Some(key) = table_of(record, catalog) {
                    if current.is_none() {
                        segments.entry(key).or_default().append(&mut orphans);
                    }
                    current = Some(key);
                }
                match current {
                    Some(key) => segments.entry(key).or_default().push(record),
                    None if record.labels.is_empty() && record.values.iter().any(|v| v.token != Token::Blank) => {
                        orphans.push(record)
                    }
                    None => orphans.clear(),
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
    /// Values were left unplaced with several placements consistent with the rules.
    undecided: bool,
}

impl Outcome {
    /// The same outcome, as mapped with `version` (of the same form).
    fn with_version(mut self, version: &str) -> Outcome {
        if self.version != version {
            self.version = version.to_string();
            if let Some(template) = &mut self.result.template {
                *template = version.to_string();
            }
        }
        self
    }

    /// Higher is better: version cues first, then placed cells, then fewer unplaced numbers.
    fn score(&self) -> (usize, usize, std::cmp::Reverse<usize>) {
        (self.cue_hits, self.result.cells.len(), std::cmp::Reverse(self.unplaced.len()))
    }
}

/// Removes parenthesised notes: `(二)部分公开(区分处理的,…)` → `部分公开`.
fn without_parentheticals(text: &str) -> Cow<'_, str> {
    // Most labels have no note: they are their own bare form.
    if !text.contains('(') {
        return Cow::Borrowed(text);
    }
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
    Cow::Owned(out)
}

/// The best-matching row for one label: the longest pattern wins. Patterns without parentheses are looked for
/// outside parenthesised notes, so a note that mentions another row's words does not count. A label that names
/// two rows, neither pattern part of the other (`行政许可1,268行政处罚`, text run together), names none.
fn row_for(spec: &TableSpec, label: &str, group: Option<&str>) -> Option<usize> {
    let matching = spec.matching();
    let bare = without_parentheticals(label);
    // Every row pattern found, in row order then pattern order: those with a parenthesis in the whole label, the
    // others outside its notes (the same text when it has none).
    let mut found = Vec::new();
    matching.row_patterns.present_in(&bare, &mut found);
    if bare.len() != label.len() {
        let noted = |i: &usize| matching.noted.get(*i).copied().unwrap_or(false);
        found.retain(|i| !noted(i));
        let mut in_label = Vec::new();
        matching.row_patterns.present_in(label, &mut in_label);
        found.extend(in_label.into_iter().filter(noted));
        found.sort_unstable();
    }
    let matches: Vec<(usize, &str)> = found
        .into_iter()
        .filter_map(|i| matching.row_patterns.get(i))
        .filter(|&(index, _)| spec.rows.get(index).is_some_and(|row| !row.needs_group || row.group.as_deref() == group))
        .collect();
    let &(best, pattern) = matches.iter().max_by_key(|(_, p)| p.len())?;
    let rival = matches.iter().any(|&(r, p)| r != best && !pattern.contains(p));
    (!rival).then_some(best)
}

/// The group whose label this is.
fn group_for<'s>(spec: &'s TableSpec, label: &str) -> Option<&'s str> {
    let matching = spec.matching();
    let group = matching.group_patterns.first_in(&without_parentheticals(label))?;
    matching.groups.get(group).map(|(k, _)| k.as_str())
}

/// The rows that need a group (`3.其他`) whose patterns the label matches, whatever the group: what the label may
/// name when its group is not known.
fn rows_without_group(spec: &TableSpec, label: &str) -> Vec<usize> {
    let row_patterns = &spec.matching().row_patterns;
    let mut found = Vec::new();
    row_patterns.present_in(&without_parentheticals(label), &mut found);
    let mut rows: Vec<usize> = found
        .into_iter()
        .filter_map(|i| row_patterns.get(i).map(|(row, _)| row))
        .filter(|&row| spec.rows.get(row).is_some_and(|r| r.needs_group))
        .collect();
    rows.dedup();
    rows
}

/// Maps one table's records with one template version; `stated` are the figures the document states for sums of
/// this table's cells, used only to break ties between placements.
fn map_table(
    template: &Template,
    spec: &TableSpec,
    records: &[&Record],
    stated: &[place::Stated],
    memo: &RefCell<ReadMemo>,
) -> Outcome {
    readings::new_budget();
    let mut state = TableState::new(template, spec, memo);
    state.units_in_header = units_in_header(spec, records);
    state.extra_column = prints_subtotal(records);
    let read = events::read(spec, records);
    let unlabelled_row = spec.rows.iter().position(|r| r.unlabelled);
    let mut blocks_with_labels = vec![false; read.blocks.len()];
    for event in &read.events {
        if let Event::Label { block, .. } = event {
            blocks_with_labels[*block] = true;
        }
    }
    let mut pending: Vec<Pending> = Vec::new();
    for event in &read.events {
        match event {
            Event::Named { row, record } => state.place_named(*row, record, &mut pending),
            Event::Label { .. } => {}
            Event::Loose { record, label, block } => match unlabelled_row {
                // The template's row printed without a label (表四's data row) takes values no label places.
                Some(row) if !blocks_with_labels[*block] => state.place_named(row, record, &mut pending),
                _ => pending.push(Pending { record, row: None, label: label.clone(), block: Some(*block) }),
            },
        }
    }
    let known = state.resolve_named(&mut pending);
    state.place_by_search(pending, &read, stated, &known);
    state.finish(read.cue_hits)
}

/// The value columns the form prints under one header cell spanning several of them but not all
/// (`法人或其他组织` over 商业企业 … 其他), each in printed order, read from the template's layout.
fn column_groups(spec: &TableSpec) -> Vec<Vec<String>> {
    let grid = crate::doc::layout_grid(spec.layout.iter().map(|r| r.cells.iter().map(|c| (c.rowspan, c.colspan))));
    let origin = |r: usize, slot: &crate::doc::Slot| match *slot {
        crate::doc::Slot::Origin { row, index } if row == r => spec.layout.get(r)?.cells.get(index),
        _ => None,
    };
    let mut position: Vec<(usize, &str)> = Vec::new();
    for (r, line) in grid.iter().enumerate().filter(|(r, _)| spec.layout.get(*r).is_some_and(|l| l.row.is_some())) {
        for (c, slot) in line.iter().enumerate() {
            if let Some(col) = origin(r, slot).and_then(|cell| cell.value.as_deref()) {
                if !position.iter().any(|(_, k)| *k == col) {
                    position.push((c, col));
                }
            }
        }
    }
    let mut groups = Vec::new();
    for (r, line) in grid.iter().enumerate().filter(|(r, _)| spec.layout.get(*r).is_some_and(|l| l.row.is_none())) {
        for (c, slot) in line.iter().enumerate() {
            let Some(cell) = origin(r, slot).filter(|cell| cell.colspan >= 2 && cell.text.is_some()) else {
                continue;
            };
            let span = c..c + cell.colspan as usize;
            let mut cols: Vec<(usize, &str)> = position.iter().copied().filter(|(p, _)| span.contains(p)).collect();
            cols.sort_unstable();
            if cols.len() >= 2 && cols.len() < position.len() {
                groups.push(cols.into_iter().map(|(_, k)| k.to_string()).collect());
            }
        }
    }
    groups
}

/// The table's header prints a subtotal column the form does not have (`法人或其他组织 小计`).
fn prints_subtotal(records: &[&Record]) -> Option<String> {
    records.iter().filter(|r| r.values.iter().all(|v| v.token == Token::Blank)).find_map(|r| {
        let text =
            without_parentheticals(&r.labels.iter().map(|l| l.compact.as_str()).collect::<String>()).into_owned();
        (text.contains("小计") || text.contains("合计")).then_some(text)
    })
}

/// A token as a hashable key: placements with equal keys put the same values in the same cells.
#[derive(Debug, PartialEq, Eq, Hash)]
enum TokenKey {
    Blank,
    Na,
    Text,
    Int(i64, Option<String>),
    /// The bits of a decimal amount.
    Real(u64, Option<String>),
}

fn token_key(cell: &SourceCell) -> TokenKey {
    match &cell.token {
        Token::Blank => TokenKey::Blank,
        Token::Na => TokenKey::Na,
        Token::Text => TokenKey::Text,
        Token::Number { amount: Amount::Int(v), unit } => TokenKey::Int(*v, unit.clone()),
        Token::Number { amount: Amount::Real(v), unit } => TokenKey::Real(v.to_bits(), unit.clone()),
    }
}

/// Values whose place is not decided yet.
struct Pending<'r> {
    record: &'r Record,
    /// The row the record's label (or the label right before it) names, when it names one.
    row: Option<usize>,
    label: LooseLabel,
    block: Option<usize>,
}

/// A placement listed in the table's `inferred` finding.
struct Note {
    rows: Vec<usize>,
    how: How,
    /// The row came from the template's order, not from a label.
    by_order: bool,
    by_prose: bool,
    raw: String,
    cells: Vec<CellKey>,
}

/// One way to place a pending unit: the rows it takes and the cells it puts there.
struct Placement {
    rows: Vec<usize>,
    how: How,
    cells: Vec<SourceCell>,
}

struct TableState<'a> {
    template: &'a Template,
    spec: &'a TableSpec,
    cells: HashMap<CellKey, CellValue>,
    filled_rows: Vec<bool>,
    unplaced: Vec<Unplaced>,
    findings: Vec<Finding>,
    saw_values: bool,
    /// Money columns whose header, as printed in this source, states the template unit (`采购总金额（单位：万元）`).
    units_in_header: Vec<String>,
    /// The header row that prints a subtotal column the form does not have (its text, compact).
    extra_column: Option<String>,
    notes: Vec<Note>,
    /// Some values were left unplaced with several placements consistent with the rules.
    undecided: bool,
    /// Cells the source declares not provided.
    declared_absent: Vec<CellKey>,
    /// The last readings of a record (by address) as a row, with the rules they were read with: a row read again
    /// under the same rules reads the same, and rows are read again each time another row is decided.
    read_before: RefCell<ReadBefore>,
    /// Readings made while the document is mapped, by what decides them.
    memo: &'a RefCell<ReadMemo>,
}

type ReadBefore = HashMap<(usize, usize), (LocalRules, Rc<FoundReadings>)>;

impl<'a> TableState<'a> {
    fn new(template: &'a Template, spec: &'a TableSpec, memo: &'a RefCell<ReadMemo>) -> Self {
        TableState {
            template,
            spec,
            cells: HashMap::default(),
            filled_rows: vec![false; spec.rows.len()],
            unplaced: Vec::new(),
            findings: Vec::new(),
            saw_values: false,
            units_in_header: Vec::new(),
            extra_column: None,
            notes: Vec::new(),
            undecided: false,
            declared_absent: Vec::new(),
            read_before: RefCell::default(),
            memo,
        }
    }

    fn table_name(&self) -> &str {
        &self.spec.title
    }

    fn keys(&self, row_index: usize) -> &'a [CellKey] {
        let spec: &'a TableSpec = self.spec;
        spec.row_keys(row_index)
    }

    /// Whole-number values of the cells placed so far.
    fn known_ints(&self) -> HashMap<CellKey, i64> {
        self.cells
            .iter()
            .filter_map(|(k, c)| match c.value {
                Some(Amount::Int(v)) if c.state == CellState::Value => Some((k.clone(), v)),
                _ => None,
            })
            .collect()
    }

    /// The readings of `record` as row `row_index`, with the equations the `known` cells let be evaluated.
    fn readings(
        &self,
        row_index: usize,
        record: &Record,
        known: &HashMap<CellKey, i64>,
    ) -> Result<Vec<Reading>, readings::TooMany> {
        let row = &self.spec.rows[row_index];
        let keys = self.keys(row_index);
        let rules = LocalRules::of_row(self.spec.row_equations(row_index), known);
        let at = (std::ptr::from_ref(record) as usize, row_index);
        if let Some((before, found)) = self.read_before.borrow().get(&at) {
            if *before == rules {
                return FoundReadings::clone(found);
            }
        }
        let counts = row.columns.iter().all(|c| self.spec.column(c).is_some_and(|s| s.kind == ValueKind::Count));
        let extra_column = self.extra_column.is_some();
        let key =
            ReadKey { record: at.0, columns: keys.len(), counts, extra_column, groups: self.groups_of(row), rules };
        let remembered = self
            .memo
            .borrow()
            .found
            .get(&key)
            .and_then(|(found, steps)| readings::replay(*steps).then(|| Rc::clone(found)));
        let found = match remembered {
            Some(found) => found,
            None => {
                let shape = RowShape { keys, counts, extra_column, groups: &key.groups };
                let before = readings::steps_spent();
                let found = Rc::new(readings::readings(&record.values, record.from_stream, &shape, &key.rules));
                let mut memo = self.memo.borrow_mut();
                let cells = found.as_ref().as_ref().map_or(0, |r| r.iter().map(|r| r.cells.len()).sum());
                // A search the budget cut short did not find what the readings are: it is not remembered.
                if readings::within_budget() && memo.cells + cells <= MAX_REMEMBERED_CELLS {
                    let steps = readings::steps_spent() - before;
                    memo.cells += cells;
                    memo.found.insert(key.clone(), (Rc::clone(&found), steps));
                }
                found
            }
        };
        let readings = FoundReadings::clone(&found);
        self.read_before.borrow_mut().insert(at, (key.rules, found));
        readings
    }

    /// The runs of `row`'s columns the form prints under one header, as inclusive index ranges.
    fn groups_of(&self, row: &RowSpec) -> Vec<Subtotal> {
        let Some(header) = &self.extra_column else {
            return Vec::new();
        };
        let at = |key: &String| {
            self.spec.column(key).and_then(|c| header.find(&*without_parentheticals(&compact(&c.label))))
        };
        let subtotal = header.find("小计").or_else(|| header.find("合计"));
        column_groups(self.spec)
            .iter()
            .filter_map(|group| {
                let first = row.columns.iter().position(|c| Some(c) == group.first())?;
                let last = first + group.len() - 1;
                if row.columns.get(first..=last)? != group.as_slice() {
                    return None;
                }
                // Where the header prints the subtotal: after the group's last column, or before its first.
                let (s, head, tail) = (subtotal?, at(group.first()?), at(group.last()?));
                match (head, tail) {
                    (_, Some(t)) if s > t => Some(Subtotal { first, last, at: last + 1 }),
                    (Some(h), _) if s < h => Some(Subtotal { first, last, at: first }),
                    _ => None,
                }
            })
            .collect()
    }

    /// Values whose label names `row_index`: placed as printed, or by the one reading the row's own arithmetic
    /// allows; otherwise left for the search.
    fn place_named<'r>(&mut self, row_index: usize, record: &'r Record, pending: &mut Vec<Pending<'r>>) {
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
        match self.readings(row_index, record, &HashMap::default()) {
            Ok(mut found) if found.len() == 1 => {
                let reading = found.remove(0);
                let placement = Placement { rows: vec![row_index], how: reading.how, cells: reading.cells };
                self.apply(placement, record, false, false);
            }
            Ok(found) if found.is_empty() && !self.could_read(row_index, record) => {
                let n = record.values.len();
                self.unplace(record, &width_message(row, n));
            }
            Err(_) => self.unplace(record, TOO_MANY),
            Ok(_) => pending.push(Pending { record, row: Some(row_index), label: LooseLabel::None, block: None }),
        }
    }

    /// Some reading of the record's shape exists for the row, whatever the rules say (so that a row the rules
    /// reject is reported as such, not as the wrong width).
    fn could_read(&self, row_index: usize, record: &Record) -> bool {
        let keys = self.keys(row_index);
        let row = &self.spec.rows[row_index];
        let counts = row.columns.iter().all(|c| self.spec.column(c).is_some_and(|s| s.kind == ValueKind::Count));
        let groups = self.groups_of(row);
        let shape = RowShape { keys, counts, extra_column: self.extra_column.is_some(), groups: &groups };
        readings::readings(&record.values, record.from_stream, &shape, &LocalRules::none())
            .map_or(true, |r| !r.is_empty())
    }

    /// Named rows whose reading other rows' values decide, until no more are decided. Returns the whole-number
    /// values of the cells placed by then ([`TableState::known_ints`]).
    fn resolve_named(&mut self, pending: &mut Vec<Pending>) -> HashMap<CellKey, i64> {
        loop {
            let known = self.known_ints();
            let mut progress = false;
            let mut i = 0;
            while i < pending.len() {
                let Some(row) = pending[i].row else {
                    i += 1;
                    continue;
                };
                let record = pending[i].record;
                match self.readings(row, record, &known) {
                    Ok(mut found) if found.len() == 1 && !self.filled_rows[row] => {
                        pending.remove(i);
                        let reading = found.remove(0);
                        self.apply(
                            Placement { rows: vec![row], how: reading.how, cells: reading.cells },
                            record,
                            false,
                            false,
                        );
                        progress = true;
                    }
                    _ => i += 1,
                }
            }
            if !progress {
                return known;
            }
        }
    }

    /// Decides the pending values together: every placement consistent with the template's rules and the printed
    /// order is searched, and a unit is placed only where they all agree.
    /// `known`: the whole-number values of the cells placed so far.
    fn place_by_search(
        &mut self,
        pending: Vec<Pending>,
        read: &events::Events,
        stated: &[place::Stated],
        known: &HashMap<CellKey, i64>,
    ) {
        let known_values: HashMap<CellKey, place::Val> = self
            .cells
            .iter()
            .map(|(k, c)| {
                let v = match (c.state, c.value) {
                    (CellState::Value, Some(Amount::Int(v))) => place::Val::Int(v),
                    _ => place::Val::Other,
                };
                (k.clone(), v)
            })
            .collect();
        let mut units: Vec<place::Unit> = Vec::new();
        let mut placements: Vec<Vec<Placement>> = Vec::new();
        let mut kept: Vec<&Pending> = Vec::new();
        let mut choices_kept = 0usize;
        for p in &pending {
            // However many units a damaged table has, the search holds at most MAX_CHOICES_PER_TABLE choices:
            // memory stays bounded, and the units beyond are left unplaced.
            if choices_kept > MAX_CHOICES_PER_TABLE {
                self.unplace(p.record, TOO_MANY);
                continue;
            }
            match self.placements(p, read, known) {
                Ok(options) if options.is_empty() => {
                    let reason = match p.row {
                        Some(_) => NO_READING,
                        None => "模板中没有与此标签对应的行 (no row of the template matches this label)",
                    };
                    self.unplace(p.record, reason);
                }
                Ok(options) => {
                    choices_kept += options.len();
                    let choices = options
                        .iter()
                        .map(|o| place::Choice { rows: o.rows.clone(), cells: self.choice_cells(o) })
                        .collect();
                    units.push(place::Unit { block: p.block, choices });
                    placements.push(options);
                    kept.push(p);
                }
                Err(_) => self.unplace(p.record, TOO_MANY),
            }
        }
        if units.is_empty() {
            return;
        }
        let spec = self.spec;
        let non_negative =
            |k: &CellKey| spec.column(k.col()).is_some_and(|c| matches!(c.kind, ValueKind::Count | ValueKind::Money));
        let problem = place::Problem {
            units,
            known: known_values,
            equations: self.spec.equations(),
            stated: stated.to_vec(),
            non_negative: &non_negative,
        };
        let verdicts = place::solve(&problem);
        for ((p, mut options), verdict) in kept.into_iter().zip(placements).zip(verdicts) {
            match verdict {
                place::Verdict::Decided { choice, by_prose } if choice < options.len() => {
                    let placement = options.swap_remove(choice);
                    self.apply(placement, p.record, p.row.is_none(), by_prose);
                }
                place::Verdict::Decided { .. } | place::Verdict::Ambiguous => {
                    self.undecided = true;
                    self.unplace(p.record, AMBIGUOUS);
                }
                place::Verdict::Inconsistent => self.unplace(p.record, INCONSISTENT),
                place::Verdict::TooLarge => self.unplace(p.record, TOO_MANY),
            }
        }
    }

    /// The cells of a placement as the search sees them.
    fn choice_cells(&self, placement: &Placement) -> Vec<(CellKey, place::Val)> {
        let keys: Vec<CellKey> = placement.rows.iter().flat_map(|&r| self.keys(r)).cloned().collect();
        keys.into_iter()
            .zip(&placement.cells)
            .map(|(k, c)| {
                let v = match (c.absent, readings::int_value(c)) {
                    (false, Some(v)) => place::Val::Int(v),
                    _ => place::Val::Other,
                };
                (k, v)
            })
            .collect()
    }

    /// Every way a pending unit may be placed: its named row, or the rows its block leaves open, with every
    /// reading of its values there; and, for values of several rows printed as one group, every run of open rows
    /// whose widths add up to the values printed.
    fn placements(
        &self,
        pending: &Pending,
        read: &events::Events,
        known: &HashMap<CellKey, i64>,
    ) -> Result<Vec<Placement>, readings::TooMany> {
        let rows: Vec<usize> = match (pending.row, pending.block) {
            (Some(row), _) => vec![row],
            (None, Some(block)) => self.open_rows(pending, block, read),
            (None, None) => Vec::new(),
        };
        let mut out: Vec<Placement> = Vec::new();
        for &row in rows.iter().filter(|&&r| !self.filled_rows[r]) {
            for reading in self.readings(row, pending.record, known)? {
                out.push(Placement { rows: vec![row], how: reading.how, cells: reading.cells });
            }
            if out.len() > readings::MAX_READINGS {
                return Err(readings::TooMany);
            }
        }
        if pending.row.is_none() {
            let open: Vec<usize> = rows.iter().copied().filter(|&r| !self.filled_rows[r]).collect();
            for start in 0..open.len() {
                let mut width = 0;
                for end in start..open.len() {
                    width += self.spec.rows[open[end]].columns.len();
                    let printed = readings::printed_cells(&pending.record.values, pending.record.from_stream, width);
                    if end > start && printed.len() == width {
                        out.push(Placement { rows: open[start..=end].to_vec(), how: How::Printed, cells: printed });
                    }
                    if width > pending.record.values.len() {
                        break;
                    }
                }
            }
        }
        // Placements that put the same values in the same rows are one.
        let mut seen: std::collections::HashSet<(Vec<usize>, Vec<TokenKey>)> = std::collections::HashSet::default();
        let distinct = out
            .into_iter()
            .filter(|p| seen.insert((p.rows.clone(), p.cells.iter().map(token_key).collect())))
            .collect();
        Ok(distinct)
    }

    /// The rows a loose unit of `block` may take: rows its labels name (when ambiguous), else the rows the block's
    /// labels name, and for values with no label at all also the rows no label names anywhere — all between the
    /// block's named rows.
    fn open_rows(&self, pending: &Pending, block: usize, read: &events::Events) -> Vec<usize> {
        let bounds = read.blocks.get(block).copied().unwrap_or_default();
        let mut rows: Vec<usize> = match &pending.label {
            LooseLabel::Ambiguous(rows) => rows.clone(),
            label => {
                let mut rows: Vec<usize> = read
                    .events
                    .iter()
                    .filter_map(|e| match e {
                        Event::Label { row, block: b } if *b == block => Some(*row),
                        _ => None,
                    })
                    .collect();
                if *label == LooseLabel::None {
                    rows.extend((0..self.spec.rows.len()).filter(|&r| !read.labelled_rows[r]));
                }
                rows
            }
        };
        rows.retain(|&r| bounds.admit(r));
        rows.sort_unstable();
        rows.dedup();
        rows
    }

    /// Puts a placement's cells on the template. `by_order`: the rows came from the template's order, not from a
    /// label; the origins say so.
    fn apply(&mut self, placement: Placement, record: &Record, by_order: bool, by_prose: bool) {
        self.saw_values = true;
        let mut keys = Vec::new();
        let mut cells = placement.cells.into_iter();
        for &row_index in &placement.rows {
            self.filled_rows[row_index] = true;
            let row = &self.spec.rows[row_index];
            for (col, key) in row.columns.iter().zip(self.spec.row_keys(row_index)) {
                let Some(mut cell) = cells.next() else {
                    break;
                };
                // A reading that put the printed values in some of the columns says nothing of the others: they
                // were dropped blanks, or values lost altogether, so they stay absent rather than blank.
                if placement.how != How::Printed && cell.token == Token::Blank {
                    continue;
                }
                if by_order {
                    cell.origin = cell.origin.inferred(Inference::TemplateOrderAndTotals);
                }
                keys.push(key.clone());
                self.put(col, key, &cell);
            }
        }
        if placement.how != How::Printed || by_order {
            let raw = record.values.iter().map(|v| v.raw.as_str()).filter(|r| !r.is_empty()).collect::<Vec<_>>();
            self.notes.push(Note {
                rows: placement.rows,
                how: placement.how,
                by_order,
                by_prose,
                raw: raw.join(" "),
                cells: keys,
            });
        }
    }

    fn put(&mut self, col_key: &str, key: &CellKey, cell: &SourceCell) {
        let Some(column) = self.spec.column(col_key) else {
            return;
        };
        let key = key.clone();
        if cell.absent {
            self.declared_absent.push(key);
            return;
        }
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
                        "{}「{}」的内容“{}”不是数值，未采用（{}） (cell text is not a number; not used)",
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

    /// One finding listing every cell placed by the template's order and arithmetic, and how.
    fn inferred_finding(&self) -> Option<Finding> {
        if self.notes.is_empty() {
            return None;
        }
        let lines: Vec<String> = self
            .notes
            .iter()
            .map(|n| {
                let labels: Vec<&str> = n.rows.iter().map(|&r| self.spec.rows[r].label.as_str()).collect();
                let mut how = n.how.describe().to_string();
                if n.by_order {
                    how = format!("按模板行序放入 (placed by template order); {how}");
                }
                if n.by_prose {
                    how.push_str("; 以正文所述数字为据 (with a figure the text states)");
                }
                format!("「{}」← “{}”: {how}", labels.join("」「"), n.raw)
            })
            .collect();
        let mut f = Finding::new(
            Severity::Info,
            Rule::Inferred,
            format!(
                "{}：以下数值不是由其标签直接放入，而是按模板的行序与算术关系唯一确定 (values placed by the template's row order and arithmetic, the only placement consistent with every rule): {}",
                self.table_name(),
                lines.join("; ")
            ),
        )
        .in_table(&self.spec.key);
        f.cells = self.notes.iter().flat_map(|n| n.cells.iter().cloned()).collect();
        Some(f)
    }

    fn finish(mut self, cue_hits: usize) -> Outcome {
        if let Some(finding) = self.inferred_finding() {
            self.findings.push(finding);
        }
        let mut cells = self.cells;
        let mut ordered = IndexMap::with_capacity_and_hasher(cells.len(), Default::default());
        for key in self.spec.cell_keys() {
            // Once every placed cell is in order, the keys left have none to look up.
            if cells.is_empty() {
                break;
            }
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
            result: TableResult { status, template, cells: ordered, declared_absent: self.declared_absent },
            unplaced: self.unplaced,
            findings: self.findings,
            undecided: self.undecided,
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
                records.iter().flat_map(|r| &r.labels).any(|l| l.compact.contains(&*name) && l.compact.contains(&unit));
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
    fn column_groups_come_from_header_cells_spanning_some_value_columns() {
        let t3 = Catalog::embedded().by_version("gov2021").and_then(|t| t.table("t3")).expect("t3");
        let groups = column_groups(t3);
        // 法人或其他组织 over five columns; 申请人情况 spans every column and is no group.
        assert_eq!(groups.len(), 1, "{groups:?}");
        assert_eq!(groups[0].len(), 5);
        assert_eq!(Some(&groups[0][0]), t3.rows[0].columns.get(1));
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
        let inferred: Vec<&Finding> = m.findings.iter().filter(|f| f.rule == "inferred").collect();
        assert_eq!(inferred.len(), 1);
        assert_eq!(inferred[0].cells.len(), 7);
    }

    #[test]
    fn digits_too_many_for_one_number_are_split_or_reported() {
        // A crawler's 表四: the fifteen cells ran together into 25 digits, more than any one number holds. The
        // values below are cut by hand: each group of five sums to its total (11+10+363+0 = 384, 0+9+180+0 = 189,
        // 5+0+0+0 = 5), and no other cut does.
        let text = "四、政府信息公开行政复议、行政诉讼情况\n行政复议行政诉讼\n\
            结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉\n\
            结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计\n1110363038409180018950005\n\
            五、存在的主要问题及改进情况";
        let m = map_text(text, Some(2022));
        assert_eq!(value(&m, "t4", "cases.review_maintained"), Some(11.0));
        assert_eq!(value(&m, "t4", "cases.review_other"), Some(363.0));
        assert_eq!(value(&m, "t4", "cases.review_total"), Some(384.0));
        assert_eq!(value(&m, "t4", "cases.suit_direct_total"), Some(189.0));
        assert_eq!(value(&m, "t4", "cases.suit_after_review_maintained"), Some(5.0));
        assert_eq!(m.tables["t4"].cells.len(), 15);
        assert!(m.unplaced.is_empty(), "{:?}", m.unplaced);
        // A row whose rules cannot decide the cut keeps its digits, reported as unplaced.
        let m = map_text("二、主动公开政府信息情况\n规章 1234567890123456789012\n规范性文件 0 0 0", Some(2022));
        assert!(m.unplaced.iter().any(|u| u.raw == "1234567890123456789012"), "{:?}", m.unplaced);
    }

    #[test]
    fn marks_glued_among_digits_are_cells_where_the_cut_is_certain() {
        // A crawler's 表二 (2019 form): the marks are cells, and a run with one item per column has one cut, even
        // in a row with a signed column (本年增/减) that digits alone are never cut in.
        let text = "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容本年新制作数量本年新公开数量对外公开总数量\n规章/00\n\
            第二十条第（五）项\n信息内容上一年项目数量本年增/减处理决定数量\n行政许可0—0\n其他对外管理服务事项/—0\n\
            第二十条第（六）项\n信息内容上一年项目数量本年增/减处理决定数量\n行政处罚378/0\n";
        let m = map_text(text, Some(2020));
        let t2 = &m.tables["t2"];
        assert_eq!(t2.cells["regulations.newly_made"].state, CellState::Na);
        assert_eq!(value(&m, "t2", "regulations.newly_published"), Some(0.0));
        assert_eq!(value(&m, "t2", "regulations.total_published"), Some(0.0));
        assert_eq!(value(&m, "t2", "admin_licensing.prev_year_items"), Some(0.0));
        assert_eq!(t2.cells["admin_licensing.change_this_year"].state, CellState::Na);
        assert_eq!(value(&m, "t2", "admin_licensing.decisions"), Some(0.0));
        assert_eq!(t2.cells["other_external_services.prev_year_items"].state, CellState::Na);
        assert_eq!(t2.cells["other_external_services.change_this_year"].state, CellState::Na);
        assert_eq!(value(&m, "t2", "other_external_services.decisions"), Some(0.0));
        // 378/0 has more items than columns, and a row with a signed column is not cut: unplaced, with its text.
        assert!(!t2.cells.contains_key("admin_penalty.prev_year_items"));
        assert!(m.unplaced.iter().any(|u| u.raw == "378/0"), "{:?}", m.unplaced);
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
