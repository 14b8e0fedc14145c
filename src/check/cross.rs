//! Checks across reports: a report against the same agency's report for the year before, by the `cross_rules`
//! of the later report's template version (`templates/`): what one year carries forward is what the next carries
//! over (`X1`), documents in force follow from the year before (`X2`).
//!
//! A batch keeps of each report only its [`Figures`]: the few cells the cross rules read (a few dozen numbers),
//! so the checks need no report in memory. [`check_pair`] judges two reports a year apart. An equation is judged
//! only when every cell it names printed a number in both reports: a blank, a not-applicable mark, an absent cell
//! or table leave it undecided, and undecided equations are not reported (the single report's own checks already
//! say which cells are missing). A failure names both reports and their cells; `found` is the left side of the
//! rule (what the later report prints), `expected` the right side (what the earlier report implies).

use serde::{Deserialize, Serialize};

use crate::check::Labels;
use crate::report::{CellKey, CellState, Report, Severity};
use crate::rules::{CrossEquation, CrossTerm, Sign};
use crate::template::{Catalog, TableSpec};

/// The cells the cross rules of `catalog` read, each once: where each of a report's [`Figures`] comes from.
#[derive(Debug, Clone)]
pub struct CrossCells {
    cells: Vec<(String, CellKey)>,
}

/// What a report keeps for the cross-report checks: the version of each table (in the catalog's table order) and
/// the number printed in each cell of [`CrossCells`], if any.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    versions: Vec<Option<String>>,
    values: Vec<Option<f64>>,
}

/// A cross-report rule that does not hold between two reports.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossFinding {
    pub rule: String,
    pub severity: Severity,
    pub table: String,
    /// The later report's cells in the equation.
    pub cells: Vec<CellKey>,
    /// The earlier report's cells in the equation.
    pub prior_cells: Vec<CellKey>,
    /// The right side: what the earlier report (with the later one's other cells) implies.
    pub expected: f64,
    /// The left side: what the later report prints.
    pub found: f64,
    /// Chinese, with the cells by their printed labels and both years, then an English gloss.
    pub message: String,
}

impl CrossCells {
    /// The cells every cross rule of every version of `catalog` reads.
    pub fn new(catalog: &Catalog) -> CrossCells {
        let mut cells: Vec<(String, CellKey)> = Vec::new();
        for template in catalog.all() {
            for spec in &template.tables {
                for term in spec.cross_equations().iter().flat_map(CrossEquation::terms) {
                    let entry = (spec.key.clone(), term.cell.clone());
                    if !cells.contains(&entry) {
                        cells.push(entry);
                    }
                }
            }
        }
        CrossCells { cells }
    }

    /// What a report keeps for the checks.
    pub fn figures(&self, catalog: &Catalog, report: &Report) -> Figures {
        let versions =
            catalog.table_keys().iter().map(|t| report.tables.get(t).and_then(|r| r.template.clone())).collect();
        let values = self
            .cells
            .iter()
            .map(|(table, key)| {
                let cell = report.tables.get(table)?.cells.get(key)?;
                (cell.state == CellState::Value).then_some(cell.value?.as_f64())
            })
            .collect();
        Figures { versions, values }
    }

    fn value(&self, figures: &Figures, table: &str, cell: &CellKey) -> Option<f64> {
        let at = self.cells.iter().position(|(t, c)| t == table && c == cell)?;
        figures.values.get(at).copied().flatten()
    }
}

/// One of the two reports a check compares.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub year: i32,
    pub figures: &'a Figures,
}

/// The cross rules of the later report's versions that fail between `prior` and `later` (a year apart, the same
/// agency), in table and rule order.
pub fn check_pair(catalog: &Catalog, cells: &CrossCells, prior: Side, later: Side) -> Vec<CrossFinding> {
    let mut out = Vec::new();
    for (i, table) in catalog.table_keys().iter().enumerate() {
        let version = later.figures.versions.get(i).and_then(Option::as_deref);
        let Some(spec) = version.and_then(|v| catalog.by_version(v)).and_then(|t| t.table(table)) else {
            continue;
        };
        for eq in spec.cross_equations() {
            let value = |term: &CrossTerm| {
                let figures = if term.prior { prior.figures } else { later.figures };
                cells.value(figures, table, &term.cell).map(|v| term.sign.apply(v))
            };
            let sum = |side: &[CrossTerm]| side.iter().map(value).sum::<Option<f64>>();
            let (Some(found), Some(expected)) = (sum(&eq.lhs), sum(&eq.rhs)) else {
                continue;
            };
            if super::equal(found, expected) {
                continue;
            }
            let labels = spec.labels();
            let Some(rule) = spec.cross_rules.iter().find(|r| r.id == eq.rule) else {
                continue;
            };
            let message =
                message(spec, labels, eq, (prior.year, later.year), &value, (found, expected), &rule.name, &rule.gloss);
            let cells_of =
                |prior_side: bool| eq.terms().filter(|t| t.prior == prior_side).map(|t| t.cell.clone()).collect();
            out.push(CrossFinding {
                rule: eq.rule.clone(),
                severity: rule.severity,
                table: table.clone(),
                cells: cells_of(false),
                prior_cells: cells_of(true),
                expected,
                found,
                message,
            });
        }
    }
    out
}

/// `跨年度结转不成立：2023年「二、上年结转…」行「总计」列 5 ≠ 2022年「四、结转下年度继续办理」行「总计」列 4 (X1: …)`.
#[allow(clippy::too_many_arguments)]
fn message(
    spec: &TableSpec,
    labels: &Labels,
    eq: &CrossEquation,
    (prior_year, year): (i32, i32),
    value: &dyn Fn(&CrossTerm) -> Option<f64>,
    (found, expected): (f64, f64),
    name: &str,
    gloss: &str,
) -> String {
    let side = |terms: &[CrossTerm]| {
        let mut text = String::new();
        for (i, term) in terms.iter().enumerate() {
            match (i, term.sign) {
                (0, Sign::Plus) => {}
                (0, Sign::Minus) => text.push('−'),
                (_, Sign::Plus) => text.push_str(" + "),
                (_, Sign::Minus) => text.push_str(" − "),
            }
            let shown = value(term).map(|v| term.sign.apply(v)).map_or(String::new(), super::number);
            let year = if term.prior { prior_year } else { year };
            text.push_str(&format!("{year}年{}{}", labels.cell(&term.cell), shown));
        }
        text
    };
    let number = super::number;
    format!(
        "{}{name}不成立：{} = {}，{} = {} ({} {}: {gloss}; found {}, expected {})",
        spec.name,
        side(&eq.lhs),
        number(found),
        side(&eq.rhs),
        number(expected),
        eq.rule,
        eq.binding,
        number(found),
        number(expected),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A gov2021 report from a Markdown 表三 with carried-over and carried-forward rows only, and 表二's 规章 row.
    fn report(year: i32, carried_over: [i64; 7], carried_forward: [i64; 7], regulations: Option<[i64; 3]>) -> Report {
        let row = |label: &str, v: [i64; 7]| {
            format!("| {label} | {} |\n", v.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(" | "))
        };
        let mut text = format!("# 示例局{year}年政府信息公开工作年度报告\n\n");
        if let Some([issued, repealed, in_force]) = regulations {
            text.push_str("二、主动公开政府信息情况\n\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n");
            text.push_str(&format!("| 规章 | {issued} | {repealed} | {in_force} |\n\n"));
        }
        text.push_str("三、收到和处理政府信息公开申请情况\n\n| | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n|---|---|---|---|---|---|---|---|\n");
        text.push_str(&row("二、上年结转政府信息公开申请数量", carried_over));
        text.push_str(&row("（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [0; 7]));
        text.push_str(&row("四、结转下年度继续办理", carried_forward));
        crate::inspect_bytes(text.as_bytes(), "r.md").expect("readable")
    }

    #[test]
    fn carried_forward_must_be_carried_over_column_by_column() {
        let catalog = Catalog::embedded();
        let cells = CrossCells::new(catalog);
        let y2022 = cells.figures(catalog, &report(2022, [0; 7], [3, 0, 0, 0, 1, 0, 4], None));
        let y2023 = cells.figures(catalog, &report(2023, [3, 0, 0, 0, 1, 0, 4], [0; 7], None));
        let side = |year, figures| Side { year, figures };
        assert_eq!(check_pair(catalog, &cells, side(2022, &y2022), side(2023, &y2023)), vec![]);

        let broken = cells.figures(catalog, &report(2023, [3, 0, 0, 0, 0, 0, 3], [0; 7], None));
        let found = check_pair(catalog, &cells, side(2022, &y2022), side(2023, &broken));
        fn keys(k: &[CellKey]) -> Vec<&str> {
            k.iter().map(CellKey::as_str).collect()
        }
        type Summary<'a> = (&'a str, Severity, Vec<&'a str>, Vec<&'a str>, f64, f64);
        let summary: Vec<Summary> = found
            .iter()
            .map(|f| (f.rule.as_str(), f.severity, keys(&f.cells), keys(&f.prior_cells), f.found, f.expected))
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "X1",
                    Severity::Error,
                    vec!["carried_over.legal_service_org"],
                    vec!["carried_forward.legal_service_org"],
                    0.0,
                    1.0
                ),
                ("X1", Severity::Error, vec!["carried_over.total"], vec!["carried_forward.total"], 3.0, 4.0),
            ]
        );
        assert!(
            found[1].message.contains("2023年「二、上年结转政府信息公开申请数量」行「总计」列3 = 3"),
            "{}",
            found[1].message
        );
        assert!(found[1].message.contains("2022年「四、结转下年度继续办理」行「总计」列4"), "{}", found[1].message);
    }

    #[test]
    fn documents_in_force_follow_from_the_year_before_and_blanks_decide_nothing() {
        let catalog = Catalog::embedded();
        let cells = CrossCells::new(catalog);
        let side = |year, figures| Side { year, figures };
        let before = cells.figures(catalog, &report(2022, [0; 7], [0; 7], Some([1, 0, 6])));
        let holds = cells.figures(catalog, &report(2023, [0; 7], [0; 7], Some([2, 1, 7])));
        assert_eq!(check_pair(catalog, &cells, side(2022, &before), side(2023, &holds)), vec![]);
        let off = cells.figures(catalog, &report(2023, [0; 7], [0; 7], Some([2, 1, 9])));
        let found = check_pair(catalog, &cells, side(2022, &before), side(2023, &off));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].rule.as_str(), found[0].severity), ("X2", Severity::Warning));
        assert_eq!((found[0].found, found[0].expected), (9.0, 7.0));
        assert_eq!(found[0].prior_cells.len(), 1);
        assert_eq!(found[0].cells.len(), 3);
        // A report without 表二 leaves the rule undecided.
        let none = cells.figures(catalog, &report(2022, [0; 7], [0; 7], None));
        assert_eq!(check_pair(catalog, &cells, side(2022, &none), side(2023, &off)), vec![]);
    }
}
