//! Arithmetic rules of a template table, instantiated from the rule expressions in `templates/`.
//!
//! A rule such as `{r}.total = {r}.natural_person + …` with `each.r = [...]` becomes one [`Equation`] per
//! binding. Templates are instantiated once, when they are loaded ([`crate::template::TableSpec::equations`]).
//! Judging a report against the equations (blanks, findings) is [`crate::check`]'s work, and the mapper uses the
//! same equations to split digit runs.

use crate::report::CellKey;
use crate::template::{RuleSpec, TableSpec};

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
    let err = |reason: &str| RuleError { rule: rule.id.clone(), reason: reason.to_string() };
    let (lhs, rhs) = rule.expr.split_once('=').ok_or_else(|| err("no `=` in expression"))?;
    if rhs.contains('=') {
        return Err(err("more than one `=`"));
    }
    let mut bindings: Vec<(String, Vec<(String, String)>)> = vec![(String::new(), Vec::new())];
    for (name, values) in &rule.each {
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
            let substitute = |side: &str| -> Result<Vec<CellKey>, RuleError> {
                side.split('+')
                    .map(|term| {
                        let mut key = term.trim().to_string();
                        for (name, value) in &vars {
                            key = key.replace(&format!("{{{name}}}"), value);
                        }
                        match CellKey::parse(&key) {
                            Ok(cell) if !key.contains('{') => Ok(cell),
                            _ => Err(err(&format!("bad term `{}`", term.trim()))),
                        }
                    })
                    .collect()
            };
            Ok(Equation { rule: rule.id.clone(), binding, lhs: substitute(lhs)?, rhs: substitute(rhs)? })
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
    fn malformed_expressions_are_errors() {
        let rule = RuleSpec {
            id: "X".into(),
            name: String::new(),
            gloss: String::new(),
            expr: "a.b + {c}.d".into(),
            each: Default::default(),
        };
        assert!(instantiate(&rule).is_err());
    }
}
