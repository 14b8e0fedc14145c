//! Metrics ↔ template cells: prose-derived cells for reports that print no tables, and the prose ↔ table check
//! (`P1`).
//!
//! Which prose figure states which cells is data: the `links` of each table in `templates/` (a metric key, the
//! cells whose sum it states, and whether it may be placed). The decisions behind that data:
//! * `applications_received` (收到/受理 … 申请 N 件) is `t3.new_received.total`: 受理 is how reports say
//!   "received".
//! * `applications_handled` (处理/办理/办结 … 申请 N 件) is **not** `new_received`: handled applications are those
//!   with an outcome this year, which is `t3.results_total.total` (三、本年度办理结果 …（七）总计); reports that
//!   print both satisfy 收到 + 上年结转 = 办结 + 结转下年. Answered (答复书 N 份) has no cell: a reply letter is not
//!   one of the outcome rows.
//! * The outcome groups 予以公开 and 部分公开 are single rows (`granted.total`, `partially_granted.total`); 不予公开,
//!   无法提供 and 不予处理 state the sum of their items (the `total` of every row of the group) and are only
//!   checked.
//! * `admin_reviews` is `t4.cases.review_total`, its corrections `t4.cases.review_corrected`.
//! * `lawsuits` is the sum of direct and after-review lawsuits; prose rarely says which, so it is checked against
//!   the sum and never placed in either column. The same holds for `lawsuits_corrected` and for
//!   `reviews_and_lawsuits`.
//! * Fees for disclosure (信息处理费) are not the 行政事业性收费 of table 二, so they link to nothing.
//! * Normative documents issued and in force (`制发行政规范性文件12件`) are the 2021 form's 本年制发件数 and 现行有效件数;
//!   the 2019 form's columns (新制作, 新公开, 对外公开总数) do not say the same, so they are linked in gov2021 only.
//!
//! Prose-derived cells are written only for annual reports on years before the first national form (no national
//! tables exist), only into tables that are absent, only from exact figures (never `余`/`超`…), and only when the
//! prose states one value for the cell. Their keys are those of the first national form (the cells used mean the
//! same in every later one), and the table's `template` says so; the table's `status` stays `absent` because no
//! table is printed. Each such cell has `source: prose`, the figure as `raw` and the sentence as `origin`.

use std::collections::BTreeMap;

use super::metrics::{self, Extracted};
use crate::report::{
    Amount, CellKey, CellSource, CellState, CellValue, DocKind, Finding, FindingStatus, Metric, Origin, Qualifier,
    Report, Rule, Severity, TableStatus, Unit,
};
use crate::template::{Catalog, ProseLink, TableSpec};

/// Places prose figures into the absent tables of an annual report about a year before the first national form.
pub fn place_prose_cells(report: &mut Report, found: &[Extracted], catalog: &Catalog) {
    let Some(form) = catalog.first() else {
        return;
    };
    let pre_form = report.kind == DocKind::AnnualReport
        && report.template.is_none()
        && report.year.is_some_and(|y| y < form.first_year);
    if !pre_form {
        return;
    }
    for spec in &form.tables {
        for link in spec.prose_links().iter().filter(|l| l.place) {
            let [cell_key] = link.cells.as_slice() else { continue };
            let stated: Vec<&Extracted> = found.iter().filter(|e| e.metric.key == link.metric).collect();
            let Some(first) = stated.first() else {
                continue;
            };
            let one_exact_value =
                stated.iter().all(|e| e.metric.qualifier == Qualifier::Exact && e.metric.value == first.metric.value);
            if !one_exact_value {
                continue;
            }
            let Some(table) = report.tables.get_mut(&spec.key) else {
                continue;
            };
            if table.status != TableStatus::Absent || table.cells.contains_key(cell_key) {
                continue;
            }
            table.template.get_or_insert_with(|| form.version.clone());
            table.cells.insert(
                cell_key.clone(),
                CellValue {
                    value: Some(first.metric.value),
                    raw: first.raw.clone(),
                    state: CellState::Value,
                    unit: Unit::NotMoney,
                    source: CellSource::Prose,
                    origin: Some(Origin::sentence(&first.metric.sentence)),
                },
            );
        }
    }
    // Keep the cells in template order, as for table-derived cells.
    for (key, table) in report.tables.iter_mut() {
        let Some(spec) = form.table(key) else {
            continue;
        };
        let order: BTreeMap<&CellKey, usize> = spec.cell_keys().iter().enumerate().map(|(i, k)| (k, i)).collect();
        table.cells.sort_by(|a, _, b, _| order.get(a).cmp(&order.get(b)));
    }
}

/// `P1` findings: each prose figure that a printed table also holds, compared with it.
pub fn check_against_tables(report: &Report, catalog: &Catalog) -> Vec<Finding> {
    let mut out = Vec::new();
    for metric in &report.metrics {
        for (key, table) in &report.tables {
            if table.status == TableStatus::Absent {
                continue;
            }
            let version = table.template.as_deref().or(report.template.as_deref());
            let Some(spec) = version.and_then(|v| catalog.by_version(v)).and_then(|t| t.table(key)) else {
                continue;
            };
            for link in spec.prose_links().iter().filter(|l| l.metric == metric.key) {
                let mut sum = 0.0;
                let mut complete = true;
                for cell in &link.cells {
                    match table.cells.get(cell) {
                        Some(CellValue { value: Some(v), source: CellSource::Table, .. }) => sum += v.as_f64(),
                        _ => complete = false,
                    }
                }
                if !complete {
                    continue;
                }
                let stated = metric.value.as_f64();
                let agrees = match metric.qualifier {
                    Qualifier::Exact => (sum - stated).abs() < 1e-9,
                    Qualifier::AtLeast => sum + 1e-9 >= stated,
                    Qualifier::AtMost => sum <= stated + 1e-9,
                    Qualifier::Approx => continue,
                };
                out.push(finding(metric, spec, link, sum, agrees));
            }
        }
    }
    out
}

fn finding(metric: &Metric, spec: &TableSpec, link: &ProseLink, table_value: f64, agrees: bool) -> Finding {
    let cells = link.cells.iter().map(|c| format!("{}.{c}", spec.key)).collect::<Vec<_>>().join(" + ");
    let label = metrics::label(&metric.key).unwrap_or(metric.key.as_str());
    let table_name = &spec.name;
    let shown = Amount::Real(table_value);
    let shown = if table_value.fract() == 0.0 { Amount::Int(table_value as i64) } else { shown };
    let (severity, status, message) = if agrees {
        (
            Severity::Info,
            None,
            format!(
                "正文“{}”所述{}与{} {} 一致（{}）/ the prose figure {} for {} agrees with {}",
                metric.sentence, metric.value, table_name, cells, shown, metric.value, metric.key, cells
            ),
        )
    } else {
        (
            Severity::Warning,
            Some(FindingStatus::Failed),
            format!(
                "正文“{}”称{}（{}），但{} {} 为{} / the prose states {} for {} but {} holds {}",
                metric.sentence, metric.value, label, table_name, cells, shown, metric.value, metric.key, cells, shown
            ),
        )
    };
    let mut f = Finding::new(severity, Rule::ProseVsTable, message).in_table(&spec.key);
    f.status = status;
    f.cells = link.cells.clone();
    f.expected = Some(metric.value.as_f64());
    f.found = Some(table_value);
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::TableStatus;

    fn pre2019(body: &str) -> Report {
        let text = format!("某某县2016年政府信息公开工作年度报告\n一、概述\n{body}\n");
        crate::inspect_bytes(text.as_bytes(), "-").expect("text is readable")
    }

    fn placed(r: &Report) -> Vec<(String, Option<Amount>, Option<String>)> {
        r.tables
            .iter()
            .flat_map(|(t, table)| {
                table
                    .cells
                    .iter()
                    .map(move |(k, c)| (format!("{t}.{k}"), c.value, c.origin.as_ref().map(|o| o.to_string())))
            })
            .collect()
    }

    #[test]
    fn one_value_stated_twice_is_placed_once_with_the_first_sentence() {
        let r = pre2019("全年共受理政府信息公开申请12件。三、依申请公开政府信息情况\n本年度受理政府信息公开申请12件。");
        assert_eq!(
            placed(&r),
            vec![(
                "t3.new_received.total".to_string(),
                Some(Amount::Int(12)),
                Some("全年共受理政府信息公开申请12件".to_string())
            )]
        );
    }

    #[test]
    fn conflicting_or_approximate_figures_are_not_placed() {
        let r = pre2019("全年共受理政府信息公开申请12件。本年度受理政府信息公开申请13件。已办结申请约10件。");
        assert_eq!(r.metrics.len(), 3);
        assert_eq!(placed(&r), vec![]);
        assert!(r.tables.values().all(|t| t.template.is_none() && t.status == TableStatus::Absent));
    }

    #[test]
    fn reports_from_2019_on_get_no_prose_cells() {
        let text = "某某县2019年政府信息公开工作年度报告\n一、总体情况\n全年共受理政府信息公开申请12件。\n";
        let r = crate::inspect_bytes(text.as_bytes(), "-").expect("text is readable");
        assert_eq!(r.metrics.len(), 1);
        assert_eq!(placed(&r), vec![]);
    }

    fn metric(key: &str, value: i64, qualifier: Qualifier) -> Metric {
        Metric {
            key: key.to_string(),
            value: Amount::Int(value),
            unit: Some("件".to_string()),
            qualifier,
            sentence: "句".to_string(),
            offset: 0,
        }
    }

    fn with_table_cell(value: i64, source: CellSource) -> Report {
        let mut r = pre2019("正文。");
        let table = r.tables.get_mut("t3").expect("t3 exists");
        table.status = TableStatus::Partial;
        table.template = Some("gov2021".to_string());
        table.cells.insert(
            CellKey::new("new_received", "total"),
            CellValue {
                value: Some(Amount::Int(value)),
                raw: value.to_string(),
                state: CellState::Value,
                unit: Unit::NotMoney,
                source,
                origin: None,
            },
        );
        r
    }

    #[test]
    fn every_link_names_a_metric_the_prose_reader_extracts() {
        for t in Catalog::embedded().all() {
            for spec in &t.tables {
                for link in spec.prose_links() {
                    assert!(metrics::label(&link.metric).is_some(), "{} {}: {}", t.version, spec.key, link.metric);
                }
            }
        }
        let withheld = Catalog::embedded()
            .by_version("gov2021")
            .and_then(|t| t.table("t3"))
            .map(|s| s.prose_links().iter().find(|l| l.metric == "applications_withheld").map(|l| l.cells.len()));
        assert_eq!(withheld, Some(Some(8)), "a group link names the total of each of its rows");
    }

    #[test]
    fn qualifiers_decide_what_agreement_means() {
        let verdicts = |qualifier: Qualifier, stated: i64| -> Vec<(Severity, Option<FindingStatus>)> {
            let mut r = with_table_cell(29, CellSource::Table);
            r.metrics = vec![metric("applications_received", stated, qualifier)];
            check_against_tables(&r, Catalog::embedded()).into_iter().map(|f| (f.severity, f.status)).collect()
        };
        let agree = vec![(Severity::Info, None)];
        let disagree = vec![(Severity::Warning, Some(FindingStatus::Failed))];
        assert_eq!(verdicts(Qualifier::Exact, 29), agree);
        assert_eq!(verdicts(Qualifier::Exact, 30), disagree);
        assert_eq!(verdicts(Qualifier::AtLeast, 25), agree);
        assert_eq!(verdicts(Qualifier::AtLeast, 30), disagree);
        assert_eq!(verdicts(Qualifier::AtMost, 30), agree);
        assert_eq!(verdicts(Qualifier::AtMost, 20), disagree);
        assert_eq!(verdicts(Qualifier::Approx, 30), vec![]);
    }

    #[test]
    fn prose_cells_and_incomplete_sums_are_not_compared() {
        let mut r = with_table_cell(29, CellSource::Prose);
        r.metrics = vec![metric("applications_received", 30, Qualifier::Exact)];
        assert!(check_against_tables(&r, Catalog::embedded()).is_empty());
        let mut r = with_table_cell(29, CellSource::Table);
        r.metrics = vec![metric("applications_withheld", 3, Qualifier::Exact)];
        assert!(
            check_against_tables(&r, Catalog::embedded()).is_empty(),
            "seven of the eight withheld cells are missing"
        );
    }
}
