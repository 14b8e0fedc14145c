//! Arithmetic rules of a template table, instantiated from the rule expressions in `templates/`.
//!
//! A rule such as `{r}.total = {r}.natural_person + …` with `each.r = [...]` becomes one [`Equation`] per
//! binding. Templates are instantiated once, when they are loaded ([`crate::template::TableSpec::equations`]).
//! Judging a report against the equations (blanks, findings) is [`crate::check`]'s work, and the mapper uses the
//! same equations to split digit runs.
//!
//! Rules across two reports of the same agency (`cross_rules`) are written the same way, with two additions: a
//! term of the report for the year before is prefixed `prior.` (`prior.carried_forward.{c}`), and a term may be
//! subtracted (`prior.in_force + issued - repealed`). They become [`CrossEquation`]s, judged by
//! [`crate::check::cross`].

use std::collections::BTreeMap;

use crate::report::CellKey;
use crate::template::{CrossRuleSpec, RuleSpec, TableSpec};

/// One instance of a rule: the sum of `lhs` cells equals the sum of `rhs` cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Equation {
    /// Rule id (`R1` …).
    pub rule: String,
    /// The binding that produced this instance, e.g. `total` for R1 over column `total`.
    pub binding: String,
    pub lhs: Vec<CellKey>,
    pub rhs: Vec<CellKey>,
}

/// An equation as one row of its table sees it: each term a cell of the row (its index among the row's cells, in
/// order) or a cell elsewhere in the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowEquation {
    pub lhs: Vec<RowTerm>,
    pub rhs: Vec<RowTerm>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowTerm {
    Here(usize),
    Elsewhere(CellKey),
}

/// The equations with a cell among `keys` (one row's cells, in order), in their order, as that row sees them.
pub fn row_equations(keys: &[CellKey], equations: &[Equation]) -> Vec<RowEquation> {
    let side = |terms: &[CellKey]| -> Vec<RowTerm> {
        terms
            .iter()
            .map(|k| keys.iter().position(|x| x == k).map_or_else(|| RowTerm::Elsewhere(k.clone()), RowTerm::Here))
            .collect()
    };
    equations
        .iter()
        .map(|eq| RowEquation { lhs: side(&eq.lhs), rhs: side(&eq.rhs) })
        .filter(|eq| eq.lhs.iter().chain(&eq.rhs).any(|t| matches!(t, RowTerm::Here(_))))
        .collect()
}

impl Equation {
    /// Every cell the equation mentions, left side first.
    pub fn cells(&self) -> impl Iterator<Item = &CellKey> {
        self.lhs.iter().chain(self.rhs.iter())
    }
}

/// A rule expression that cannot be instantiated.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("rule {rule}: {reason}")]
pub struct RuleError {
    pub rule: String,
    pub reason: String,
}

/// All equations of a table, in rule order.
pub fn equations(spec: &TableSpec) -> Result<Vec<Equation>, RuleError> {
    let mut out = Vec::new();
    for rule in &spec.rules {
        out.extend(instantiate(rule)?);
    }
    Ok(out)
}

fn instantiate(rule: &RuleSpec) -> Result<Vec<Equation>, RuleError> {
    let err = |reason: String| RuleError { rule: rule.id.clone(), reason };
    expand(&rule.id, &rule.expr, &rule.each)?
        .into_iter()
        .map(|(binding, lhs, rhs)| {
            let cells = |side: Vec<(Sign, String)>| -> Result<Vec<CellKey>, RuleError> {
                side.into_iter()
                    .map(|(sign, term)| match (sign, CellKey::parse(&term)) {
                        (Sign::Plus, Ok(cell)) => Ok(cell),
                        _ => Err(err(format!("bad term `{term}`"))),
                    })
                    .collect()
            };
            Ok(Equation { rule: rule.id.clone(), binding, lhs: cells(lhs)?, rhs: cells(rhs)? })
        })
        .collect()
}

/// Whether a term is added or subtracted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    Plus,
    Minus,
}

impl Sign {
    /// `value` with this sign.
    pub fn apply(self, value: f64) -> f64 {
        match self {
            Sign::Plus => value,
            Sign::Minus => -value,
        }
    }
}

/// One side of an expression instantiated for every binding of `each`: `(binding, lhs terms, rhs terms)`, each
/// term with its sign and its text with the placeholders replaced. A leading term is added.
type Expanded = Vec<(String, Vec<(Sign, String)>, Vec<(Sign, String)>)>;

fn expand(id: &str, expr: &str, each: &BTreeMap<String, Vec<String>>) -> Result<Expanded, RuleError> {
    let err = |reason: &str| RuleError { rule: id.to_string(), reason: reason.to_string() };
    let (lhs, rhs) = expr.split_once('=').ok_or_else(|| err("no `=` in expression"))?;
    if rhs.contains('=') {
        return Err(err("more than one `=`"));
    }
    let mut bindings: Vec<(String, Vec<(String, String)>)> = vec![(String::new(), Vec::new())];
    for (name, values) in each {
        bindings = bindings
            .into_iter()
            .flat_map(|(label, vars)| {
                values.iter().map(move |v| {
                    let mut vars = vars.clone();
                    vars.push((name.clone(), v.clone()));
                    let label = if label.is_empty() { v.clone() } else { format!("{label},{v}") };
                    (label, vars)
                })
            })
            .collect();
    }
    bindings
        .into_iter()
        .map(|(binding, vars)| {
            let substitute = |side: &str| -> Result<Vec<(Sign, String)>, RuleError> {
                signed_terms(side)
                    .into_iter()
                    .map(|(sign, term)| {
                        let mut text = term.to_string();
                        for (name, value) in &vars {
                            text = text.replace(&format!("{{{name}}}"), value);
                        }
                        if text.is_empty() || text.contains('{') {
                            return Err(err(&format!("bad term `{term}`")));
                        }
                        Ok((sign, text))
                    })
                    .collect()
            };
            Ok((binding, substitute(lhs)?, substitute(rhs)?))
        })
        .collect()
}

/// The terms of one side, split at `+` and `-`, each trimmed.
fn signed_terms(side: &str) -> Vec<(Sign, &str)> {
    let mut out = Vec::new();
    let mut sign = Sign::Plus;
    let mut start = 0;
    for (i, c) in side.char_indices() {
        let next = match c {
            '+' => Sign::Plus,
            '-' => Sign::Minus,
            _ => continue,
        };
        out.push((sign, side[start..i].trim()));
        sign = next;
        start = i + c.len_utf8();
    }
    out.push((sign, side[start..].trim()));
    out
}

/// The prefix of a term that names a cell of the report for the year before.
const PRIOR: &str = "prior.";

/// A cell of one of the two reports a cross-report rule compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossTerm {
    pub sign: Sign,
    /// The cell is the earlier report's (the year before).
    pub prior: bool,
    pub cell: CellKey,
}

/// One instance of a cross-report rule: the signed sum of `lhs` equals the signed sum of `rhs`, over the cells
/// of a report (`prior == false`) and of the same agency's report for the year before (`prior == true`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossEquation {
    pub rule: String,
    /// The binding that produced this instance (`total`).
    pub binding: String,
    pub lhs: Vec<CrossTerm>,
    pub rhs: Vec<CrossTerm>,
}

impl CrossEquation {
    /// Every term, left side first.
    pub fn terms(&self) -> impl Iterator<Item = &CrossTerm> {
        self.lhs.iter().chain(self.rhs.iter())
    }
}

/// All equations of a table's cross-report rules, in rule order.
pub fn cross_equations(spec: &TableSpec) -> Result<Vec<CrossEquation>, RuleError> {
    let mut out = Vec::new();
    for rule in &spec.cross_rules {
        out.extend(instantiate_cross(rule)?);
    }
    Ok(out)
}

fn instantiate_cross(rule: &CrossRuleSpec) -> Result<Vec<CrossEquation>, RuleError> {
    let err = |reason: String| RuleError { rule: rule.id.clone(), reason };
    expand(&rule.id, &rule.expr, &rule.each)?
        .into_iter()
        .map(|(binding, lhs, rhs)| {
            let terms = |side: Vec<(Sign, String)>| -> Result<Vec<CrossTerm>, RuleError> {
                side.into_iter()
                    .map(|(sign, text)| {
                        let (prior, key) = text.strip_prefix(PRIOR).map_or((false, text.as_str()), |k| (true, k));
                        CellKey::parse(key)
                            .map(|cell| CrossTerm { sign, prior, cell })
                            .map_err(|_| err(format!("bad term `{text}`")))
                    })
                    .collect()
            };
            let (lhs, rhs) = (terms(lhs)?, terms(rhs)?);
            if !lhs.iter().chain(&rhs).any(|t| t.prior) || lhs.iter().chain(&rhs).all(|t| t.prior) {
                return Err(err("a cross-report rule compares cells of both reports (`prior.` and not)".into()));
            }
            Ok(CrossEquation { rule: rule.id.clone(), binding, lhs, rhs })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template;

    #[test]
    fn r1_has_one_equation_per_column() {
        let t3 = template::by_version("gov2021").and_then(|t| t.table("t3")).expect("t3");
        let r1: Vec<Equation> = equations(t3).unwrap().into_iter().filter(|e| e.rule == "R1").collect();
        assert_eq!(r1.len(), 7);
        assert_eq!(r1[6].binding, "total");
        assert_eq!(r1[6].lhs, vec!["new_received.total", "carried_over.total"]);
        assert_eq!(r1[6].rhs, vec!["results_total.total", "carried_forward.total"]);
    }

    #[test]
    fn cross_rules_name_cells_of_both_reports_with_signs() {
        let t2 = template::by_version("gov2021").and_then(|t| t.table("t2")).expect("t2");
        let eqs = cross_equations(t2).unwrap();
        assert!(!eqs.is_empty());
        let terms: Vec<(Sign, bool, &str)> = eqs[0].terms().map(|t| (t.sign, t.prior, t.cell.as_str())).collect();
        assert!(terms.iter().any(|t| t.0 == Sign::Minus), "{terms:?}");
        assert!(terms.iter().any(|t| t.1) && terms.iter().any(|t| !t.1), "{terms:?}");
        let t3 = template::by_version("gov2019").and_then(|t| t.table("t3")).expect("t3");
        assert_eq!(cross_equations(t3).unwrap().len(), 7, "one per applicant column");
        assert_eq!(
            signed_terms(" a.b - c.d + e.f"),
            vec![(Sign::Plus, "a.b"), (Sign::Minus, "c.d"), (Sign::Plus, "e.f")]
        );
    }

    #[test]
    fn malformed_expressions_are_errors() {
        let rule = RuleSpec {
            id: "X".into(),
            name: String::new(),
            gloss: String::new(),
            expr: "a.b + {c}.d".into(),
            each: Default::default(),
        };
        assert!(instantiate(&rule).is_err());
        let minus = RuleSpec { expr: "a.b = c.d - e.f".into(), ..rule };
        assert!(instantiate(&minus).is_err(), "template rules only add");
        let one_report = CrossRuleSpec {
            id: "X".into(),
            name: String::new(),
            gloss: String::new(),
            expr: "a.b = c.d".into(),
            each: Default::default(),
            severity: crate::report::Severity::Warning,
        };
        assert!(instantiate_cross(&one_report).is_err());
        let both = CrossRuleSpec { expr: "a.b = prior.a.b - c.d".into(), ..one_report };
        assert_eq!(instantiate_cross(&both).unwrap()[0].rhs[1].sign, Sign::Minus);
    }
}
