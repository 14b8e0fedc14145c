//! Tests of the rules engine: every rule holding and failing on small fixtures (`fixtures/rules/`), the real
//! arithmetic of the seeds, and the treatment of blank, n/a, absent and unreadable cells.

use super::*;
use crate::read::text::read_text;
use crate::{rules, template};

fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn analyse(text: &str) -> Report {
    crate::analyse(&read_text(text, "test"))
}

/// `text` with one exact line replaced; the line must occur once.
fn edit(text: &str, old: &str, new: &str) -> String {
    assert_eq!(text.matches(old).count(), 1, "{old}");
    text.replacen(old, new, 1)
}

/// The rule findings (those with a status) as (table, rule, status, cells, expected, found).
type Summary = (String, String, String, Vec<String>, Option<f64>, Option<f64>);

fn rule_findings(r: &Report) -> Vec<Summary> {
    r.findings
        .iter()
        .filter(|f| f.status.is_some())
        .map(|f| {
            (
                f.table.clone().unwrap_or_default(),
                f.rule.to_string(),
                f.status.map(|s| s.to_string()).unwrap_or_default(),
                f.cells.iter().map(ToString::to_string).collect(),
                f.expected,
                f.found,
            )
        })
        .collect()
}

fn s(table: &str, rule: &str, status: &str, cells: &[&str], expected: Option<f64>, found: Option<f64>) -> Summary {
    (
        table.to_string(),
        rule.to_string(),
        status.to_string(),
        cells.iter().map(|c| c.to_string()).collect(),
        expected,
        found,
    )
}

const CONSISTENT_2021: &str = "rules/consistent_2021.md";
const CONSISTENT_2019: &str = "rules/consistent_2019.md";

#[test]
fn seed_003_table_three_has_exactly_the_three_real_r1_errors() {
    let r = analyse(&fixture("003_f86e26e747344a50.txt"));
    let t3: Vec<Summary> = r
        .findings
        .iter()
        .filter(|f| f.table.as_deref() == Some("t3") && f.severity >= Severity::Warning)
        .map(|f| {
            (
                f.table.clone().unwrap_or_default(),
                f.rule.to_string(),
                f.status.map(|s| s.to_string()).unwrap_or_default(),
                f.cells.iter().map(ToString::to_string).collect(),
                f.expected,
                f.found,
            )
        })
        .collect();
    let r1 = |c: &str, expected: f64, found: f64| {
        let cells = [
            format!("new_received.{c}"),
            format!("carried_over.{c}"),
            format!("results_total.{c}"),
            format!("carried_forward.{c}"),
        ];
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        s("t3", "R1", "failed", &cells, Some(expected), Some(found))
    };
    assert_eq!(
        t3,
        vec![r1("natural_person", 23.0, 29.0), r1("commercial_enterprise", 3.0, 0.0), r1("other_org", 3.0, 0.0)]
    );
    let first = r.findings.iter().find(|f| f.rule == "R1").expect("R1 finding");
    assert_eq!(first.severity, Severity::Error);
    assert!(
        first.message.starts_with("表三「勾稽关系」（R1）不成立：「自然人」列左边 29 + 0 = 29，右边 23 + 0 = 23"),
        "{}",
        first.message
    );
    assert!(first.message.contains("found 29 = new_received.natural_person + carried_over.natural_person (left side)"));
    // Nothing else in the whole report is a rule finding: R2, R3 and R4 hold, t2 has only domain rules.
    assert_eq!(rule_findings(&r).len(), 3);
}

#[test]
fn seed_002_passes_every_rule() {
    let r = analyse(&fixture("002_bc2901b205bfb866.txt"));
    assert!(r.findings.iter().all(|f| f.severity != Severity::Error), "{:?}", r.findings);
    assert_eq!(rule_findings(&r), vec![]);
}

#[test]
fn consistent_fixtures_pass_every_rule() {
    for name in [CONSISTENT_2021, CONSISTENT_2019] {
        let r = analyse(&fixture(name));
        assert!(r.tables.values().all(|t| t.status == TableStatus::Found), "{name}");
        assert_eq!(rule_findings(&r), vec![], "{name}");
        assert!(r.findings.is_empty(), "{name}: {:?}", r.findings);
    }
}

#[test]
fn one_changed_cell_gives_exactly_its_consequences() {
    // 结转下年度 自然人 3 → 4: R1 for 自然人 and R3 for the 结转 row, nothing else.
    let text = edit(
        &fixture(CONSISTENT_2021),
        "| 四、结转下年度继续办理 | 3 | 0 | 0 | 0 | 1 | 0 | 4 |",
        "| 四、结转下年度继续办理 | 4 | 0 | 0 | 0 | 1 | 0 | 4 |",
    );
    let r = analyse(&text);
    assert_eq!(
        rule_findings(&r),
        vec![
            s(
                "t3",
                "R1",
                "failed",
                &[
                    "new_received.natural_person",
                    "carried_over.natural_person",
                    "results_total.natural_person",
                    "carried_forward.natural_person"
                ],
                Some(33.0),
                Some(32.0)
            ),
            s(
                "t3",
                "R3",
                "failed",
                &[
                    "carried_forward.total",
                    "carried_forward.natural_person",
                    "carried_forward.commercial_enterprise",
                    "carried_forward.research_institution",
                    "carried_forward.social_welfare_org",
                    "carried_forward.legal_service_org",
                    "carried_forward.other_org"
                ],
                Some(5.0),
                Some(4.0)
            ),
        ]
    );
    // The source value is reported as printed, not corrected.
    assert_eq!(
        r.cell("t3", "carried_forward.natural_person").and_then(|c| c.value),
        Some(crate::report::Amount::Int(4))
    );
}

#[test]
fn r1_fails_per_column_with_left_side_found() {
    let text = edit(
        &fixture(CONSISTENT_2021),
        "| 四、结转下年度继续办理 | 3 | 0 | 0 | 0 | 1 | 0 | 4 |",
        "| 四、结转下年度继续办理 | 4 | 0 | 0 | 0 | 1 | 0 | 5 |",
    );
    let r = analyse(&text);
    let found = rule_findings(&r);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        found[1],
        s(
            "t3",
            "R1",
            "failed",
            &["new_received.total", "carried_over.total", "results_total.total", "carried_forward.total"],
            Some(42.0),
            Some(41.0)
        )
    );
    assert_eq!((found[0].1.as_str(), found[0].4, found[0].5), ("R1", Some(33.0), Some(32.0)));
}

#[test]
fn r2_fails_with_the_results_total_found_and_the_result_rows_expected() {
    let text = edit(
        &fixture(CONSISTENT_2021),
        "| 三、本年度办理结果 （一）予以公开 | 15 | 2 | 1 | 0 | 1 | 0 | 19 |",
        "| 三、本年度办理结果 （一）予以公开 | 16 | 2 | 1 | 0 | 1 | 0 | 20 |",
    );
    let r = analyse(&text);
    let found = rule_findings(&r);
    let keys = |c: &str| -> Vec<String> {
        let spec = template::by_version("gov2021").and_then(|t| t.table("t3")).expect("t3");
        let eq =
            rules::equations(spec).expect("rules").into_iter().find(|e| e.rule == "R2" && e.binding == c).expect("R2");
        eq.cells().map(ToString::to_string).collect()
    };
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0], ("t3".into(), "R2".into(), "failed".into(), keys("natural_person"), Some(30.0), Some(29.0)));
    assert_eq!(found[1], ("t3".into(), "R2".into(), "failed".into(), keys("total"), Some(38.0), Some(37.0)));
    assert_eq!(found[0].3.first().map(String::as_str), Some("results_total.natural_person"));
    assert_eq!(found[0].3.len(), 22);
    let msg = &r.findings.iter().find(|f| f.rule == "R2").expect("R2").message;
    assert!(
        msg.starts_with(
            "表三「办理结果总计」（R2）不成立：「（七）总计」行「自然人」列为 29，另一边各项之和 16 + 3 + 1"
        ),
        "{msg}"
    );
}

#[test]
fn r3_fails_per_row_with_the_total_found() {
    let text = edit(
        &fixture(CONSISTENT_2021),
        "| 一、本年新收政府信息公开申请数量 | 30 | 4 | 1 | 0 | 2 | 1 | 38 |",
        "| 一、本年新收政府信息公开申请数量 | 30 | 4 | 1 | 0 | 2 | 1 | 39 |",
    );
    let text = edit(
        &text,
        "| 二、上年结转政府信息公开申请数量 | 2 | 1 | 0 | 0 | 0 | 0 | 3 |",
        "| 二、上年结转政府信息公开申请数量 | 2 | 1 | 0 | 0 | 0 | 0 | 2 |",
    );
    let r = analyse(&text);
    let row = |r: &str| -> Vec<String> {
        [
            "total",
            "natural_person",
            "commercial_enterprise",
            "research_institution",
            "social_welfare_org",
            "legal_service_org",
            "other_org",
        ]
        .iter()
        .map(|c| format!("{r}.{c}"))
        .collect()
    };
    assert_eq!(
        rule_findings(&r),
        vec![
            ("t3".into(), "R3".into(), "failed".into(), row("new_received"), Some(38.0), Some(39.0)),
            ("t3".into(), "R3".into(), "failed".into(), row("carried_over"), Some(3.0), Some(2.0)),
        ]
    );
}

#[test]
fn r4_fails_for_one_group_and_holds_for_the_others() {
    let text = edit(
        &fixture(CONSISTENT_2021),
        "| 2 | 1 | 0 | 1 | 4 | 1 | 0 | 0 | 1 | 2 | 0 | 0 | 1 | 0 | 1 |",
        "| 2 | 1 | 0 | 1 | 5 | 1 | 0 | 0 | 1 | 2 | 0 | 0 | 1 | 0 | 1 |",
    );
    let r = analyse(&text);
    assert_eq!(
        rule_findings(&r),
        vec![s(
            "t4",
            "R4",
            "failed",
            &[
                "cases.review_total",
                "cases.review_maintained",
                "cases.review_corrected",
                "cases.review_other",
                "cases.review_pending"
            ],
            Some(4.0),
            Some(5.0)
        )]
    );
    let msg = &r.findings[0].message;
    assert!(
        msg.starts_with(
            "表四「表四总计」（R4）不成立：「行政复议/总计」为 5，另一边各项之和 2 + 1 + 0 + 1 = 4，相差 1"
        ),
        "{msg}"
    );
}

#[test]
fn d1_counts_must_be_non_negative_whole_numbers() {
    // A negative count that keeps R4 balanced, and a fraction in 表二: only the domain rule fails.
    let text = edit(
        &fixture(CONSISTENT_2021),
        "| 2 | 1 | 0 | 1 | 4 | 1 | 0 | 0 | 1 | 2 | 0 | 0 | 1 | 0 | 1 |",
        "| 2 | 1 | 0 | -1 | 2 | 1 | 0 | 0 | 1 | 2 | 0 | 0 | 1 | 0 | 1 |",
    );
    let text = edit(&text, "| 规章 | 0 | 0 | 2 |", "| 规章 | 0 | 0 | 2.5 |");
    let r = analyse(&text);
    assert_eq!(
        rule_findings(&r),
        vec![
            s("t2", "D1", "failed", &["regulations.in_force"], None, Some(2.5)),
            s("t4", "D1", "failed", &["cases.review_pending"], None, Some(-1.0)),
        ]
    );
    assert!(
        r.findings[1].message.starts_with("表四「行政复议/尚未审结」的值 -1 不符合要求：件数应为非负整数"),
        "{}",
        r.findings[1].message
    );
}

#[test]
fn d2_money_must_not_be_negative() {
    let r = analyse(&fixture(CONSISTENT_2021));
    assert_eq!(r.cell("t2", "admin_fees.fee_amount").and_then(|c| c.value).map(|v| v.as_f64()), Some(9.63211));
    let text = edit(&fixture(CONSISTENT_2021), "| 行政事业性收费 | 9.63211 | | |", "| 行政事业性收费 | -9.63211 | | |");
    let r = analyse(&text);
    assert_eq!(rule_findings(&r), vec![s("t2", "D2", "failed", &["admin_fees.fee_amount"], None, Some(-9.63211))]);
}

#[test]
fn d3_signed_counts_may_be_negative_but_must_be_whole() {
    // The 2019 fixture holds -3 and 减2 in 本年增/减: no finding.
    let r = analyse(&fixture(CONSISTENT_2019));
    assert_eq!(
        r.cell("t2", "other_external_services.change_this_year").and_then(|c| c.value).map(|v| v.as_f64()),
        Some(-2.0)
    );
    assert_eq!(rule_findings(&r), vec![]);
    let text = edit(&fixture(CONSISTENT_2019), "| 行政处罚 | 80 | 4 | 35 |", "| 行政处罚 | 80 | 1.5 | 35 |");
    let r = analyse(&text);
    assert_eq!(rule_findings(&r), vec![s("t2", "D3", "failed", &["admin_penalty.change_this_year"], None, Some(1.5))]);
}

#[test]
fn gov2019_rules_are_those_of_its_template() {
    // The 2019 form has a single （六）其他处理 row; R2 sums it, not the three 2021 items.
    let text = edit(
        &fixture(CONSISTENT_2019),
        "| （六）其他处理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
        "| （六）其他处理 | 1 | 0 | 0 | 0 | 0 | 0 | 2 |",
    );
    let r = analyse(&text);
    let found = rule_findings(&r);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!((found[0].1.as_str(), found[0].4, found[0].5), ("R2", Some(38.0), Some(37.0)));
    assert!(found[0].3.contains(&"other_processing.total".to_string()));
    assert_eq!((found[1].1.as_str(), found[1].4, found[1].5), ("R3", Some(1.0), Some(2.0)));
}

#[test]
fn blanks_are_never_zero() {
    let r = analyse(&fixture("rules/blanks_2021.md"));
    let r4 = |g: &str| -> Vec<String> {
        ["total", "maintained", "corrected", "other", "pending"].iter().map(|c| format!("cases.{g}_{c}")).collect()
    };
    assert_eq!(
        rule_findings(&r),
        vec![
            s("t3", "R2", "holds_with_blanks", &["granted.social_welfare_org"], Some(0.0), Some(0.0)),
            s("t3", "R2", "holds_with_blanks", &["granted.other_org"], Some(1.0), Some(1.0)),
            s("t3", "R2", "unverifiable", &["partially_granted.total"], None, None),
            s(
                "t3",
                "R3",
                "holds_with_blanks",
                &["granted.social_welfare_org", "granted.other_org"],
                Some(19.0),
                Some(19.0)
            ),
            s("t3", "R3", "unverifiable", &["partially_granted.total"], None, None),
            s("t4", "R4", "holds_with_blanks", &["cases.review_corrected", "cases.review_other"], Some(3.0), Some(3.0)),
            s("t4", "R4", "unverifiable", &["cases.suit_direct_corrected", "cases.suit_direct_other"], None, None),
            ("t4".into(), "R4".into(), "failed".into(), r4("suit_after_review"), Some(3.0), Some(1.0)),
        ]
    );
    let severities: Vec<Severity> = r.findings.iter().map(|f| f.severity).collect();
    use Severity::*;
    assert_eq!(severities, vec![Info, Info, Warning, Info, Warning, Info, Warning, Error]);
    // Blank cells stay blank in the report.
    let blank = r.cell("t3", "partially_granted.total").expect("cell");
    assert_eq!((blank.state, blank.value), (CellState::Blank, None));
    assert!(r.findings[7].message.contains("但无论其取何非负值都不能成立"), "{}", r.findings[7].message);
}

#[test]
fn absent_cells_make_rules_unverifiable() {
    let text = edit(&fixture(CONSISTENT_2021), "| 四、结转下年度继续办理 | 3 | 0 | 0 | 0 | 1 | 0 | 4 |\n", "");
    let r = analyse(&text);
    assert_eq!(r.tables["t3"].status, TableStatus::Partial);
    let found = rule_findings(&r);
    let columns = [
        "natural_person",
        "commercial_enterprise",
        "research_institution",
        "social_welfare_org",
        "legal_service_org",
        "other_org",
        "total",
    ];
    let mut expected: Vec<Summary> = columns
        .iter()
        .map(|c| ("t3".into(), "R1".into(), "unverifiable".into(), vec![format!("carried_forward.{c}")], None, None))
        .collect();
    let mut row: Vec<String> = vec!["carried_forward.total".into()];
    row.extend(columns[..6].iter().map(|c| format!("carried_forward.{c}")));
    expected.push(("t3".into(), "R3".into(), "unverifiable".into(), row, None, None));
    assert_eq!(found, expected);
    assert!(r.findings.iter().all(|f| f.severity == Severity::Warning));
    assert!(
        r.findings[0].message.contains("「四、结转下年度继续办理」行「自然人」列原文缺失"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn unreadable_cells_are_named_as_such() {
    let text = edit(
        &fixture(CONSISTENT_2021),
        "| 三、本年度办理结果 （一）予以公开 | 15 | 2 | 1 | 0 | 1 | 0 | 19 |",
        "| 三、本年度办理结果 （一）予以公开 | 15 | 十二 | 1 | 0 | 1 | 0 | 19 |",
    );
    let r = analyse(&text);
    let unreadable: Vec<&Finding> = r.findings.iter().filter(|f| f.rule == "unreadable").collect();
    assert_eq!(unreadable.len(), 1);
    assert_eq!(unreadable[0].cells, vec!["granted.commercial_enterprise"]);
    assert_eq!(
        rule_findings(&r),
        vec![
            s("t3", "R2", "unverifiable", &["granted.commercial_enterprise"], None, None),
            s("t3", "R3", "unverifiable", &["granted.commercial_enterprise"], None, None),
        ]
    );
    let r2 = r.findings.iter().find(|f| f.rule == "R2").expect("R2");
    assert!(r2.message.contains("无法读取") && r2.message.contains("(unreadable)"), "{}", r2.message);
}

#[test]
fn an_absent_table_gets_one_not_applicable_finding() {
    let text = fixture(CONSISTENT_2021);
    let start = text.find("四、政府信息公开行政复议").expect("t4");
    let end = text.find("五、存在的主要问题").expect("section five");
    let text = format!("{}{}", &text[..start], &text[end..]);
    let r = analyse(&text);
    assert_eq!(r.tables["t4"].status, TableStatus::Absent);
    assert_eq!(rule_findings(&r), vec![s("t4", "R4,D1", "not_applicable", &[], None, None)]);
    assert_eq!(r.findings[0].severity, Severity::Info);
}

#[test]
fn documents_that_are_not_reports_get_no_rule_findings() {
    let r = analyse(&fixture("004_6f66df5c291edce3.txt"));
    assert_eq!(rule_findings(&r), vec![]);
}

#[test]
fn refs_come_from_the_cells_origins() {
    let text = edit(
        &fixture(CONSISTENT_2021),
        "| 2 | 1 | 0 | 1 | 4 | 1 | 0 | 0 | 1 | 2 | 0 | 0 | 1 | 0 | 1 |",
        "| 2 | 1 | 0 | 1 | 5 | 1 | 0 | 0 | 1 | 2 | 0 | 0 | 1 | 0 | 1 |",
    );
    let mut r = analyse(&text);
    let line = text.lines().position(|l| l.starts_with("| 2 | 1 | 0 | 1 | 5")).expect("row") + 1;
    attach_refs(&mut r);
    assert_eq!(r.findings[0].refs, vec![format!("line {line}"); 5]);
}

#[test]
fn numbers_in_messages_drop_binary_noise() {
    assert_eq!(number(29.0), "29");
    assert_eq!(number(-3.0), "-3");
    assert_eq!(number(0.1 + 0.2), "0.3");
    assert!(equal(0.1 + 0.2, 0.3));
    assert!(!equal(29.0, 23.0));
}
