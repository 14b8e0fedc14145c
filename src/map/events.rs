//! From one table's records to *events*: what each record says about the template's rows.
//!
//! A record whose own label names a row is **named**. A label printed without values is a **label** event, and
//! values whose own label names no row are **loose**: a loose record right after a label is that label's values
//! (a label printed on one line and its values on the next), which makes it named too. What remains — values
//! printed away from their labels (before them, or all values after all labels), values whose label was lost, or
//! whose label is ambiguous without its group (`3.其他`) — is left for the placement search, grouped in *blocks*:
//! the events between two named rows, whose rows lie between those two rows in the template's order.
//!
//! A cell stream whose labels all came first (`一、本年新收…` `二、上年结转…` … then every value) gives one record
//! with several labels naming rows in order; its labels become label events and its values one loose group.

use super::records::Record;
use super::value::Token;
use super::{group_for, row_for, rows_without_group, TableSpec};
use crate::normalize::compact;

/// What one record says about the rows.
#[derive(Debug, Clone)]
pub enum Event<'r> {
    /// Values whose own label (or the label right before them) names `row`.
    Named { row: usize, record: &'r Record },
    /// A label naming `row`, printed without values.
    Label { row: usize, block: usize },
    /// Values no label of their own places.
    Loose { record: &'r Record, label: LooseLabel, block: usize },
}

/// What a loose record's own label says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LooseLabel {
    /// No label, or only fragments of one (`度办`, a vertical header's characters).
    None,
    /// A label that names no row of the template (`其他主动公开文件`, or the tail of a wrapped label).
    Unmatched,
    /// A label naming these rows when its group is not known (`3.其他`).
    Ambiguous(Vec<usize>),
}

/// The events of a block lie between two named rows: these are those rows, where there is one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bounds {
    pub after: Option<usize>,
    pub before: Option<usize>,
}

impl Bounds {
    /// A template row that fits between the block's named rows.
    pub fn admit(&self, row: usize) -> bool {
        self.after.is_none_or(|a| row > a) && self.before.is_none_or(|b| row < b)
    }
}

/// The events of a table, the bounds of each block, and the version cues its labels carry.
pub struct Events<'r> {
    pub events: Vec<Event<'r>>,
    pub blocks: Vec<Bounds>,
    pub cue_hits: usize,
    /// Rows some label names, anywhere in the table.
    pub labelled_rows: Vec<bool>,
}

/// Shortest label, in characters and without its notes, that is more than a fragment.
const LABEL_CHARS: usize = 4;

/// Reads one table's records with one template version.
pub fn read<'r>(spec: &TableSpec, records: &[&'r Record]) -> Events<'r> {
    let mut raw: Vec<Raw<'r>> = Vec::new();
    let mut group: Option<String> = None;
    for &record in records {
        let has_values =
            record.values.iter().any(|v| v.token != Token::Blank) || (!record.from_stream && !record.values.is_empty());
        // The group each label names, if any: looked for once per label, as every reading below asks.
        let label_groups: Vec<Option<&str>> = record.labels.iter().map(|l| group_for(spec, &l.compact)).collect();
        if has_values {
            if let Some((rows, last_group)) = labels_in_order(spec, record, &label_groups, group.clone()) {
                raw.extend(rows.into_iter().map(Raw::Label));
                raw.push(Raw::Loose(record, LooseLabel::None));
                group = last_group;
                continue;
            }
        }
        // Group labels set the context for the item rows after them, within and across records.
        let mut row = None;
        if let Some(g) = label_groups.iter().rev().find_map(|g| *g) {
            group = Some(g.to_string());
        }
        for (label, label_group) in record.labels.iter().zip(&label_groups).rev() {
            // A group label (`（六）其他处理`) is context, never the item it introduces (`3.其他`); an item printed in
            // the same cell after it (`（六）其他处理 3.其他`) is read in that context.
            let found = match *label_group {
                Some(g) => item_after_group(spec, &label.compact, g).or_else(|| row_for(spec, &label.compact, None)),
                None => row_for(spec, &label.compact, group.as_deref()),
            };
            if let Some(r) = found {
                row = Some(r);
                break;
            }
        }
        if let Some(r) = row {
            group = spec.rows[r].group.clone();
        }
        match (row, has_values) {
            (Some(r), true) => raw.push(Raw::Named(r, record)),
            (Some(r), false) => raw.push(Raw::Label(r)),
            (None, true) => raw.push(Raw::Loose(record, loose_label(spec, record))),
            (None, false) => {}
        }
    }
    let mut labelled_rows = vec![false; spec.rows.len()];
    for event in &raw {
        if let Raw::Named(r, _) | Raw::Label(r) = event {
            if let Some(slot) = labelled_rows.get_mut(*r) {
                *slot = true;
            }
        }
    }
    let (events, blocks) = pair_and_block(raw);
    Events { events, blocks, cue_hits: cue_hits(spec, records), labelled_rows }
}

/// How many of the version cues of `spec` the records' labels carry (each cue counted once).
pub fn cue_hits(spec: &TableSpec, records: &[&Record]) -> usize {
    let cues = &spec.matching().version_cues;
    cues.iter()
        .filter(|cue| records.iter().flat_map(|r| &r.labels).any(|label| label.compact.contains(cue.as_str())))
        .count()
}

/// An event before blocks are formed.
enum Raw<'r> {
    Named(usize, &'r Record),
    Label(usize),
    Loose(&'r Record, LooseLabel),
}

/// The row an item printed after its group's label in one cell names (`（六）其他处理 3.其他`), in that group.
fn item_after_group(spec: &TableSpec, label: &str, group: &str) -> Option<usize> {
    let patterns = spec.matching().groups.iter().find(|(key, _)| key == group)?;
    let end = patterns.1.iter().filter_map(|p| label.find(p.as_str()).map(|i| i + p.len())).max()?;
    let rest = label.get(end..)?;
    (!rest.is_empty()).then(|| row_for(spec, rest, Some(group))).flatten()
}

/// The rows a record's labels name one after the other, when they are several, in the template's order, and the
/// record holds more values than the last row alone takes: labels printed first, values after them all.
fn labels_in_order(
    spec: &TableSpec,
    record: &Record,
    label_groups: &[Option<&str>],
    mut group: Option<String>,
) -> Option<(Vec<usize>, Option<String>)> {
    // Fewer than two labels name fewer than two rows.
    if record.labels.len() < 2 {
        return None;
    }
    let mut rows: Vec<usize> = Vec::new();
    for (label, label_group) in record.labels.iter().zip(label_groups) {
        if let Some(g) = *label_group {
            group = Some(g.to_string());
            continue;
        }
        if let Some(r) = row_for(spec, &label.compact, group.as_deref()) {
            if rows.last().is_some_and(|&last| r <= last) {
                return None;
            }
            rows.push(r);
            group = spec.rows[r].group.clone();
        }
    }
    let last = *rows.last()?;
    let numbers = record.values.iter().filter(|v| v.token != Token::Blank).count();
    (rows.len() >= 2 && numbers > spec.rows[last].columns.len()).then_some((rows, group))
}

fn loose_label(spec: &TableSpec, record: &Record) -> LooseLabel {
    let substantial =
        record.labels.iter().any(|l| super::without_parentheticals(&compact(&l.raw)).chars().count() >= LABEL_CHARS);
    if !substantial {
        return LooseLabel::None;
    }
    // A group label (`（六）其他处理`) printed with values is not one of its items.
    let mut rows: Vec<usize> = record
        .labels
        .iter()
        .filter(|l| group_for(spec, &l.compact).is_none())
        .flat_map(|l| rows_without_group(spec, &l.compact))
        .collect();
    rows.sort_unstable();
    rows.dedup();
    if rows.is_empty() {
        LooseLabel::Unmatched
    } else {
        LooseLabel::Ambiguous(rows)
    }
}

/// Pairs each label with the values printed right after it, where a block reads that way throughout, and cuts the
/// rest into blocks between named rows.
fn pair_and_block(raw: Vec<Raw<'_>>) -> (Vec<Event<'_>>, Vec<Bounds>) {
    // Spans of consecutive non-named events.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut start: Option<usize> = None;
    for (i, event) in raw.iter().enumerate() {
        match (event, start) {
            (Raw::Named(..), Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            (Raw::Named(..), None) => {}
            (_, None) => start = Some(i),
            (_, Some(_)) => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, raw.len()));
    }
    let paired: Vec<bool> = {
        let mut out = vec![false; raw.len()];
        for &(s, e) in &spans {
            if let Some(pairs) = label_value_pairs(&raw[s..e]) {
                for i in pairs {
                    out[s + i] = true;
                }
            }
        }
        out
    };
    let mut events: Vec<Event> = Vec::with_capacity(raw.len());
    // Per block: the index of its first event.
    let mut starts: Vec<usize> = Vec::new();
    let mut open = false;
    let mut pending_label: Option<usize> = None;
    for (i, event) in raw.into_iter().enumerate() {
        let block = starts.len().saturating_sub(1);
        match event {
            Raw::Named(row, record) => {
                open = false;
                events.push(Event::Named { row, record });
            }
            Raw::Label(row) if paired[i] => pending_label = Some(row),
            Raw::Loose(record, _) if paired[i] => {
                if let Some(row) = pending_label.take() {
                    open = false;
                    events.push(Event::Named { row, record });
                }
            }
            Raw::Label(row) => {
                let block = if open { block } else { new_block(&mut starts, events.len(), &mut open) };
                events.push(Event::Label { row, block });
            }
            Raw::Loose(record, label) => {
                let block = if open { block } else { new_block(&mut starts, events.len(), &mut open) };
                events.push(Event::Loose { record, label, block });
            }
        }
    }
    let named_row = |e: &Event| match e {
        Event::Named { row, .. } => Some(*row),
        _ => None,
    };
    let blocks = starts
        .iter()
        .map(|&start| Bounds {
            after: events[..start].iter().rev().find_map(named_row),
            before: events[start..].iter().find_map(named_row),
        })
        .collect();
    (events, blocks)
}

fn new_block(starts: &mut Vec<usize>, at: usize, open: &mut bool) -> usize {
    starts.push(at);
    *open = true;
    starts.len() - 1
}

/// The events of a span that pair up as label-then-values throughout (`L V L V … [L …]`: every values group right
/// after a label, any unpaired labels only at the end), as indices into the span; `None` when the span reads any
/// other way.
fn label_value_pairs(span: &[Raw<'_>]) -> Option<Vec<usize>> {
    let mut pairs = Vec::new();
    let mut i = 0;
    while i < span.len() {
        match (&span[i], span.get(i + 1)) {
            (Raw::Label(_), Some(Raw::Loose(..))) => {
                pairs.extend([i, i + 1]);
                i += 2;
            }
            (Raw::Label(_), _) => {
                // Only labels may follow an unpaired label.
                return span[i..].iter().all(|e| matches!(e, Raw::Label(_))).then_some(pairs);
            }
            _ => return None,
        }
    }
    Some(pairs)
}
