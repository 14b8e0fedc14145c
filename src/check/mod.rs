//! Validation: the template's arithmetic rules and the domain rules, judged over a mapped [`Report`].
//!
//! The arithmetic rules (R1 … R4) are the `rules` of each table's template version in `templates/`, instantiated
//! by [`crate::rules::equations`]; nothing here names a row or a rule. The domain rules come from each column's
//! `kind`: `D1` counts are non-negative whole numbers, `D2` money is non-negative, `D3` signed counts are whole.
//!
//! A blank, not-applicable (`/`), absent or unreadable cell is never taken as 0. Each equation comes out as:
//!
//! | outcome | severity | status | `cells` |
//! |---|---|---|---|
//! | holds with every cell a number | — (no finding) | | |
//! | fails with every cell a number, or fails whatever non-negative values the unknown cells hold | error | `failed` | every cell of the equation |
//! | holds when the blank/n.a. cells count as 0 | info | `holds_with_blanks` | the blank/n.a. cells |
//! | fails only because of unknown cells, or involves absent/unreadable cells | warning | `unverifiable` | the unknown cells |
//!
//! A table that is absent gets one info finding (`not_applicable`) instead of one per equation. A table whose
//! every cell is blank (a blank form) gets one info finding (`blank_form`) instead of one `holds_with_blanks` per
//! equation, and a form blank throughout one for all its tables.
//!
//! `found` and `expected` of a failure: when one side of `lhs = rhs` is a single cell (a total), `found` is that
//! cell and `expected` the sum of the other side; when both sides are sums (R1), `found` is the left side and
//! `expected` the right side, and the message says so. Domain failures have `found` only.
//!
//! This module never changes a value; it only reads the report. Sheet references for findings are filled by
//! [`attach_refs`] from the cells' origins.

pub mod cross;
pub mod labels;
pub mod reading;

use crate::hash::HashSet;
use std::fmt::Write as _;

pub use labels::Labels;

use crate::report::{
    CellKey, CellState, DocKind, DomainRule, Finding, FindingStatus, Report, Rule, Severity, TableResult, TableStatus,
};
use crate::rules::Equation;
use crate::template::{Catalog, TableSpec, ValueKind};

/// Findings of the template's rules and the domain rules for a mapped report, in a stable order: by table
/// (`t2`, `t3`, `t4`), then rule (template order, then `D1`–`D3`), then binding (template order) or cell.
pub fn check(report: &Report, catalog: &Catalog) -> Vec<Finding> {
    let any_table = report.tables.values().any(|t| t.status != TableStatus::Absent || !t.cells.is_empty());
    if report.kind == DocKind::Other && !any_table {
        return Vec::new();
    }
    let mut out = Vec::new();
    for key in catalog.table_keys() {
        let table = report.tables.get(key);
        let version = table.and_then(|t| t.template.as_deref()).or(report.template.as_deref());
        let spec =
            version.and_then(|v| catalog.by_version(v)).and_then(|t| t.table(key)).or_else(|| catalog.latest_spec(key));
        let Some(spec) = spec else {
            continue;
        };
        let Some(table) = table.filter(|t| t.status != TableStatus::Absent || !t.cells.is_empty()) else {
            out.push(not_applicable(spec));
            continue;
        };
        let labels = spec.labels();
        if table.status == TableStatus::Absent {
            out.push(not_applicable(spec));
        } else {
            let unreadable: HashSet<&CellKey> = report
                .findings
                .iter()
                .filter(|f| f.rule == Rule::Unreadable && f.table.as_ref() == Some(key))
                .flat_map(|f| f.cells.iter())
                .collect();
            for eq in spec.equations() {
                let ctx = Context { spec, labels, table, unreadable: &unreadable };
                out.extend(judge(&ctx, eq));
            }
        }
        out.extend(domain(spec, labels, table));
    }
    collapse_blank_tables(report, catalog, &mut out);
    out
}

/// Present tables in which nothing but blanks (or not-applicable marks) was printed.
fn blank_tables<'r>(report: &'r Report, catalog: &Catalog) -> (Vec<&'r str>, bool) {
    let present: Vec<(&str, &TableResult)> = catalog
        .table_keys()
        .iter()
        .filter_map(|k| report.tables.get_key_value(k.as_str()))
        .filter(|(_, t)| t.status != TableStatus::Absent && !t.cells.is_empty())
        .map(|(k, t)| (k.as_str(), t))
        .collect();
    let blank: Vec<&str> = present
        .iter()
        .filter(|(_, t)| t.cells.values().all(|c| c.state != CellState::Value))
        .map(|(k, _)| *k)
        .collect();
    let all = !blank.is_empty() && blank.len() == present.len();
    (blank, all)
}

/// Replaces the `holds_with_blanks` findings of blank tables by one finding per table, or one for the whole form
/// when every table is blank: forty findings that each say "blank" say less than one.
fn collapse_blank_tables(report: &Report, catalog: &Catalog, out: &mut Vec<Finding>) {
    let (blank, all) = blank_tables(report, catalog);
    let name = |key: &str| {
        let spec = report.tables.get(key).and_then(|t| t.template.as_deref()).and_then(|v| catalog.by_version(v));
        spec.and_then(|t| t.table(key)).map_or(key.to_string(), |s| s.name.clone())
    };
    let groups: Vec<Vec<&str>> = if all { vec![blank.clone()] } else { blank.iter().map(|k| vec![*k]).collect() };
    for group in groups {
        let collapsed = |f: &Finding| {
            f.status == Some(FindingStatus::HoldsWithBlanks) && f.table.as_deref().is_some_and(|t| group.contains(&t))
        };
        let Some(at) = out.iter().position(collapsed) else { continue };
        let mut rules: Vec<String> = Vec::new();
        for f in out.iter().filter(|f| collapsed(f)) {
            if !rules.contains(&f.rule.to_string()) {
                rules.push(f.rule.to_string());
            }
        }
        out.retain(|f| !collapsed(f));
        let cells: usize = group.iter().filter_map(|k| report.tables.get(*k)).map(|t| t.cells.len()).sum();
        let names: Vec<String> = group.iter().map(|k| name(k)).collect();
        let (subject, gloss) = if all {
            (
                format!("表格全部空白（{}共 {cells} 格）", names.join("、")),
                "every cell of the form is blank".to_string(),
            )
        } else {
            (
                format!("{}全部空白（{cells} 格）", names.join("、")),
                format!("every cell of table {} is blank", group.join(", ")),
            )
        };
        let message = format!(
            "{subject}：{} 只在空白按 0 计时成立，填写后再校验 ({gloss}; {} hold only with the blanks as 0)",
            rules.join("、"),
            rules.join(", ")
        );
        let mut finding =
            Finding::new(Severity::Info, Rule::BlankForm, message).with_status(FindingStatus::HoldsWithBlanks);
        if let [only] = group.as_slice() {
            finding.table = Some(only.to_string());
        }
        out.insert(at.min(out.len()), finding);
    }
}

/// Fills each finding's `refs` with the origins of its cells (`依申请公开!J12` for cells read from a
/// spreadsheet), in the order of `cells`; cells without an origin (absent) have no reference. Findings that
/// already carry references are left alone.
pub fn attach_refs(report: &mut Report) {
    let tables = &report.tables;
    for f in &mut report.findings {
        if !f.refs.is_empty() {
            continue;
        }
        let Some(table) = f.table.as_deref().and_then(|t| tables.get(t)) else {
            continue;
        };
        f.refs = f.cells.iter().filter_map(|k| table.cells.get(k)?.origin.as_ref().map(ToString::to_string)).collect();
    }
}

/// Every rule that applies to a table: its template rules, then the domain rules of its columns.
fn table_rules(spec: &TableSpec) -> Vec<Rule> {
    let mut rules: Vec<Rule> = Vec::new();
    for r in &spec.rules {
        let rule = Rule::Template(r.id.clone());
        if !rules.contains(&rule) {
            rules.push(rule);
        }
    }
    let mut domain: Vec<DomainRule> = spec.columns.iter().map(|c| DomainRule::of(c.kind)).collect();
    domain.sort();
    domain.dedup();
    rules.extend(domain.into_iter().map(Rule::Domain));
    rules
}

/// One finding for an absent table. Its `rule` lists the rules that could not be applied (`R1,R2,R3,D1`).
fn not_applicable(spec: &TableSpec) -> Finding {
    let name = &spec.name;
    let rule = Rule::AbsentTable(table_rules(spec));
    let message = format!(
        "{name}（{}）未找到，其校验规则不适用 (table {} is absent; its rules {rule} do not apply)",
        spec.title, spec.key
    );
    Finding::new(Severity::Info, rule, message).in_table(&spec.key).with_status(FindingStatus::NotApplicable)
}

/// What the report says about one cell of an equation.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Term {
    Number(f64),
    Unknown(Unknown),
}

/// Why a cell has no number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unknown {
    Blank,
    Na,
    /// Not in the source (the table is partial).
    Absent,
    /// Printed, but not a number (`十二`, `#REF!`).
    Unreadable,
}

impl Unknown {
    fn zh(self) -> &'static str {
        match self {
            Unknown::Blank => "空白",
            Unknown::Na => "标为不适用",
            Unknown::Absent => "原文缺失",
            Unknown::Unreadable => "无法读取",
        }
    }

    fn en(self) -> &'static str {
        match self {
            Unknown::Blank => "blank",
            Unknown::Na => "n/a",
            Unknown::Absent => "absent",
            Unknown::Unreadable => "unreadable",
        }
    }

    /// Blank and n/a cells were printed; a rule that holds with them as 0 holds as printed.
    fn printed(self) -> bool {
        matches!(self, Unknown::Blank | Unknown::Na)
    }
}

struct Context<'a> {
    spec: &'a TableSpec,
    labels: &'a Labels,
    table: &'a TableResult,
    unreadable: &'a HashSet<&'a CellKey>,
}

impl Context<'_> {
    fn term(&self, key: &CellKey) -> Term {
        match self.table.cells.get(key) {
            Some(cell) => match (cell.state, cell.value) {
                (CellState::Value, Some(v)) => Term::Number(v.as_f64()),
                (CellState::Na, _) => Term::Unknown(Unknown::Na),
                (CellState::Value | CellState::Blank, _) => Term::Unknown(Unknown::Blank),
            },
            None if self.unreadable.contains(key) => Term::Unknown(Unknown::Unreadable),
            None => Term::Unknown(Unknown::Absent),
        }
    }

    fn kind(&self, key: &CellKey) -> Option<ValueKind> {
        self.spec.column(key.col()).map(|c| c.kind)
    }
}

/// One side of an equation, evaluated.
struct Side<'a> {
    keys: &'a [CellKey],
    terms: Vec<Term>,
}

impl Side<'_> {
    /// The sum of the known numbers (unknown cells count as 0 here; callers decide what that means).
    fn known_sum(&self) -> f64 {
        self.terms.iter().map(|t| if let Term::Number(v) = t { *v } else { 0.0 }).sum()
    }

    fn has_unknown(&self) -> bool {
        self.terms.iter().any(|t| matches!(t, Term::Unknown(_)))
    }

    /// `29 + 0`, with unknown cells shown by what they are.
    fn zh_terms(&self) -> String {
        self.terms
            .iter()
            .map(|t| match t {
                Term::Number(v) => number(*v),
                Term::Unknown(u) => format!("（{}）", u.zh()),
            })
            .collect::<Vec<_>>()
            .join(" + ")
    }

    /// `new_received + carried_over` for short sides, `the sum of 21 cells` for long ones.
    fn en_keys(&self) -> String {
        if self.keys.len() <= 4 {
            join(self.keys, " + ")
        } else {
            format!("the sum of {} cells", self.keys.len())
        }
    }
}

/// Cell keys joined by `sep`.
fn join(keys: &[CellKey], sep: &str) -> String {
    keys.iter().map(CellKey::as_str).collect::<Vec<_>>().join(sep)
}

/// Sums are compared with a tolerance for amounts of money with decimals.
fn equal(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// A number as printed in messages: whole numbers without decimals.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let rounded = (v * 1e9).round() / 1e9;
        format!("{rounded}")
    }
}

/// Judges one equation; `None` when it holds with every cell a number.
fn judge(ctx: &Context, eq: &Equation) -> Option<Finding> {
    let lhs = Side { keys: &eq.lhs, terms: eq.lhs.iter().map(|k| ctx.term(k)).collect() };
    let rhs = Side { keys: &eq.rhs, terms: eq.rhs.iter().map(|k| ctx.term(k)).collect() };
    let (l, r) = (lhs.known_sum(), rhs.known_sum());
    let unknowns: Vec<(&CellKey, Unknown)> = eq
        .cells()
        .zip(lhs.terms.iter().chain(rhs.terms.iter()))
        .filter_map(|(k, t)| if let Term::Unknown(u) = t { Some((k, *u)) } else { None })
        .collect();
    let balanced = equal(l, r);
    if unknowns.is_empty() {
        return (!balanced).then(|| failed(ctx, eq, &lhs, &rhs, &[]));
    }
    if balanced {
        if unknowns.iter().all(|(_, u)| u.printed()) {
            return Some(holds_with_blanks(ctx, eq, &unknowns, l, r));
        }
        return Some(unverifiable(ctx, eq, &unknowns, l, r));
    }
    // With every cell of the equation non-negative, unknown cells can only add to their side: if the side that
    // is already larger is the only one with unknowns (or neither has any), no value of them makes it hold.
    let non_negative = eq.cells().all(|k| matches!(ctx.kind(k), Some(ValueKind::Count) | Some(ValueKind::Money)));
    let can_hold = (l < r && lhs.has_unknown()) || (l > r && rhs.has_unknown());
    if non_negative && !can_hold {
        return Some(failed(ctx, eq, &lhs, &rhs, &unknowns));
    }
    Some(unverifiable(ctx, eq, &unknowns, l, r))
}

fn rule_name<'a>(ctx: &'a Context, eq: &Equation) -> &'a str {
    ctx.spec.rules.iter().find(|r| r.id == eq.rule).map(|r| r.name.as_str()).unwrap_or("")
}

/// The binding of an equation as the form prints it (`「自然人」列`, `「（一）予以公开」行`), and in English
/// (`column natural_person`).
fn binding(ctx: &Context, eq: &Equation) -> (String, String) {
    if ctx.spec.column(&eq.binding).is_some() {
        if let Some(cell) = eq.cells().find(|k| k.col() == eq.binding) {
            return (format!("「{}」列", ctx.labels.column(cell)), format!("column {}", eq.binding));
        }
    }
    if ctx.spec.row(&eq.binding).is_some() {
        return (format!("「{}」行", ctx.labels.row(&eq.binding)), format!("row {}", eq.binding));
    }
    let found = found_side(eq).0;
    let names: Vec<String> = found.iter().map(|k| ctx.labels.cell(k)).collect();
    (names.join("、"), format!("{} {}", eq.binding, join(found, " + ")))
}

/// The side whose value is `found`: a single-cell side (a total), else the left side.
fn found_side(eq: &Equation) -> (&[CellKey], bool) {
    if eq.lhs.len() == 1 || eq.rhs.len() != 1 {
        (&eq.lhs, true)
    } else {
        (&eq.rhs, false)
    }
}

fn head(ctx: &Context, eq: &Equation) -> String {
    format!("{}「{}」（{}）", ctx.spec.name, rule_name(ctx, eq), eq.rule)
}

fn new_finding(ctx: &Context, eq: &Equation, severity: Severity, status: FindingStatus, message: String) -> Finding {
    Finding::new(severity, Rule::Template(eq.rule.clone()), message).in_table(&ctx.spec.key).with_status(status)
}

fn failed(ctx: &Context, eq: &Equation, lhs: &Side, rhs: &Side, unknowns: &[(&CellKey, Unknown)]) -> Finding {
    let (_, found_is_lhs) = found_side(eq);
    let (found, expected) = if found_is_lhs { (lhs, rhs) } else { (rhs, lhs) };
    let (f_sum, e_sum) = (found.known_sum(), expected.known_sum());
    let (bind_zh, bind_en) = binding(ctx, eq);
    let diff = number((f_sum - e_sum).abs());
    let mut message = if found.keys.len() == 1 {
        let cell = found.keys.first().map(|k| ctx.labels.cell(k)).unwrap_or_default();
        format!(
            "{}不成立：{cell}为 {}，另一边各项之和 {} = {}，相差 {diff}",
            head(ctx, eq),
            number(f_sum),
            expected.zh_terms(),
            number(e_sum)
        )
    } else {
        format!(
            "{}不成立：{bind_zh}左边 {} = {}，右边 {} = {}，相差 {diff}",
            head(ctx, eq),
            found.zh_terms(),
            number(f_sum),
            expected.zh_terms(),
            number(e_sum)
        )
    };
    if !unknowns.is_empty() {
        let names: Vec<String> = unknowns.iter().map(|(k, u)| format!("{}{}", ctx.labels.cell(k), u.zh())).collect();
        let _ = write!(message, "；{}，但无论其取何非负值都不能成立", names.join("、"));
    }
    let side_en = |s: &Side, which: &str| {
        if s.keys.len() == 1 {
            join(s.keys, "")
        } else {
            format!("{} ({which} side)", s.en_keys())
        }
    };
    let _ = write!(
        message,
        " ({} {} fails for {bind_en}: found {} = {}, expected {} = {}",
        eq.rule,
        rule_name(ctx, eq),
        number(f_sum),
        side_en(found, if found_is_lhs { "left" } else { "right" }),
        number(e_sum),
        side_en(expected, if found_is_lhs { "right" } else { "left" }),
    );
    if !unknowns.is_empty() {
        let keys: Vec<String> = unknowns.iter().map(|(k, u)| format!("{k} ({})", u.en())).collect();
        let _ = write!(message, "; no non-negative value of {} can make it hold", keys.join(", "));
    }
    message.push(')');
    let mut f = new_finding(ctx, eq, Severity::Error, FindingStatus::Failed, message);
    f.cells = eq.cells().cloned().collect();
    f.found = Some(f_sum);
    f.expected = Some(e_sum);
    f
}

fn holds_with_blanks(ctx: &Context, eq: &Equation, unknowns: &[(&CellKey, Unknown)], l: f64, r: f64) -> Finding {
    let (bind_zh, bind_en) = binding(ctx, eq);
    let names: Vec<String> = unknowns.iter().map(|(k, u)| format!("{}{}", ctx.labels.cell(k), u.zh())).collect();
    let keys: Vec<String> = unknowns.iter().map(|(k, u)| format!("{k} ({})", u.en())).collect();
    let message = format!(
        "{}{bind_zh}在空白/不适用单元格按 0 计时成立（两边均为 {}）：{} ({} holds for {bind_en} when the blank or n/a cells count as 0: {})",
        head(ctx, eq),
        number(l),
        names.join("、"),
        eq.rule,
        keys.join(", ")
    );
    let mut f = new_finding(ctx, eq, Severity::Info, FindingStatus::HoldsWithBlanks, message);
    f.cells = unknowns.iter().map(|(k, _)| (*k).clone()).collect();
    let (_, found_is_lhs) = found_side(eq);
    let (found, expected) = if found_is_lhs { (l, r) } else { (r, l) };
    f.found = Some(found);
    f.expected = Some(expected);
    f
}

fn unverifiable(ctx: &Context, eq: &Equation, unknowns: &[(&CellKey, Unknown)], l: f64, r: f64) -> Finding {
    let (bind_zh, bind_en) = binding(ctx, eq);
    let names: Vec<String> = unknowns.iter().map(|(k, u)| format!("{}{}", ctx.labels.cell(k), u.zh())).collect();
    let keys: Vec<String> = unknowns.iter().map(|(k, u)| format!("{k} ({})", u.en())).collect();
    let (zh_sides, en_sides) = if equal(l, r) {
        (String::new(), String::new())
    } else {
        (
            format!("；按 0 计时左边 {}，右边 {}", number(l), number(r)),
            format!("; with them as 0 the left side is {} and the right side {}", number(l), number(r)),
        )
    };
    let message = format!(
        "{}{bind_zh}无法核验：{}{zh_sides} ({} cannot be verified for {bind_en}: {}{en_sides})",
        head(ctx, eq),
        names.join("、"),
        eq.rule,
        keys.join(", ")
    );
    let mut f = new_finding(ctx, eq, Severity::Warning, FindingStatus::Unverifiable, message);
    f.cells = unknowns.iter().map(|(k, _)| (*k).clone()).collect();
    f
}

/// What each domain rule requires, in Chinese and English, and whether a value meets it.
impl DomainRule {
    /// The domain rule of a column kind.
    fn of(kind: ValueKind) -> Self {
        match kind {
            ValueKind::Count => DomainRule::Count,
            ValueKind::Money => DomainRule::Money,
            ValueKind::SignedCount => DomainRule::SignedCount,
        }
    }

    fn holds(self, v: f64) -> bool {
        let whole = v.fract() == 0.0;
        match self {
            DomainRule::Count => whole && v >= 0.0,
            DomainRule::Money => v >= 0.0,
            DomainRule::SignedCount => whole,
        }
    }

    fn zh(self) -> &'static str {
        match self {
            DomainRule::Count => "件数应为非负整数",
            DomainRule::Money => "金额不能为负数",
            DomainRule::SignedCount => "增减数应为整数（可为负）",
        }
    }

    fn en(self) -> &'static str {
        match self {
            DomainRule::Count => "counts are non-negative whole numbers",
            DomainRule::Money => "amounts of money are not negative",
            DomainRule::SignedCount => "signed counts are whole numbers",
        }
    }
}

/// Domain rule failures of a table's numbers, in rule then cell order.
fn domain(spec: &TableSpec, labels: &Labels, table: &TableResult) -> Vec<Finding> {
    let mut out: Vec<(DomainRule, Finding)> = Vec::new();
    for (key, cell) in &table.cells {
        let (CellState::Value, Some(value)) = (cell.state, cell.value) else {
            continue;
        };
        let Some(column) = spec.column(key.col()) else {
            continue;
        };
        let rule = DomainRule::of(column.kind);
        let v = value.as_f64();
        if rule.holds(v) {
            continue;
        }
        let message = format!(
            "{}{}的值 {} 不符合要求：{} ({}: {}; found {} in {key})",
            spec.name,
            labels.cell(key),
            number(v),
            rule.zh(),
            rule.id(),
            rule.en(),
            number(v)
        );
        let mut f = Finding::new(Severity::Error, Rule::Domain(rule), message)
            .in_table(&spec.key)
            .with_status(FindingStatus::Failed);
        f.cells = vec![key.clone()];
        f.found = Some(v);
        out.push((rule, f));
    }
    out.sort_by_key(|(rule, _)| *rule);
    out.into_iter().map(|(_, f)| f).collect()
}

#[cfg(test)]
mod tests;
