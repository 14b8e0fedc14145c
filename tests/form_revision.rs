//! A new revision of the official form is one new template file and nothing else.
//!
//! `tests/templates/gov2026.toml` is a hypothetical revision: gov2021 with one row of 表三 renamed (（四）1
//! 本机关不掌握相关政府信息 → 本机关未制作或者获取相关政府信息, key `unable_not_made_or_obtained`) and one row added
//! (（五）6 以政府信息公开申请形式进行咨询, key `not_processed_consultation`, counted in R2 and R3). Loaded at run time
//! beside the embedded versions, it maps a report printed on it, checks its rules and draws its workbook and CSV.
//! The expected values below are read off the report text by hand; the report satisfies R1–R4 by construction
//! (the sums are worked out in the comments).

use std::io::Cursor;
use std::path::PathBuf;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

use nianbao::report::{Report, Severity, TableStatus};
use nianbao::template::Catalog;
use nianbao::write::csv::{table_csv, CsvOptions, Header};
use nianbao::write::form::Form;
use nianbao::write::xlsx::report_workbook;
use nianbao::write::SourceInfo;

fn catalog() -> Catalog {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/templates/gov2026.toml");
    Catalog::embedded().with_file(&path).expect("the 2026 template is valid")
}

/// 表三 of a 2026 report. 自然人: 一 32 + 二 2 = 34 = （七）31 + 四 3; （七）31 = 15 + 3 + (1 + 1 + 1) + (4 + 1) +
/// (1 + 1 + 2) + 1. 总计: 40 + 3 = 43 = 39 + 4; 39 = 19 + 4 + 3 + 6 + 6 + 1. Other columns as in gov2021's
/// consistent fixture.
const T3: &str = "\
| （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |
|---|---|---|---|---|---|---|---|
| 一、本年新收政府信息公开申请数量 | 32 | 4 | 1 | 0 | 2 | 1 | 40 |
| 二、上年结转政府信息公开申请数量 | 2 | 1 | 0 | 0 | 0 | 0 | 3 |
| 三、本年度办理结果 （一）予以公开 | 15 | 2 | 1 | 0 | 1 | 0 | 19 |
| （二）部分公开（区分处理的，只计这一情形，不计其他情形） | 3 | 1 | 0 | 0 | 0 | 0 | 4 |
| （三）不予公开 1.属于国家秘密 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
| 2.其他法律行政法规禁止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 3.危及“三安全一稳定” | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 4.保护第三方合法权益 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
| 5.属于三类内部事务信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 6.属于四类过程性信息 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
| 7.属于行政执法案卷 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 8.属于行政查询事项 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| （四）无法提供 1.本机关未制作或者获取相关政府信息 | 4 | 1 | 0 | 0 | 0 | 0 | 5 |
| 2.没有现成信息需要另行制作 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
| 3.补正后申请内容仍不明确 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| （五）不予处理 1.信访举报投诉类申请 | 1 | 0 | 0 | 0 | 0 | 1 | 2 |
| 2.重复申请 | 1 | 1 | 0 | 0 | 0 | 0 | 2 |
| 3.要求提供公开出版物 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 4.无正当理由大量反复申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 5.要求行政机关确认或重新出具已获取信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 6.以政府信息公开申请形式进行咨询 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |
| （六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 3.其他 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
| （七）总计 | 31 | 5 | 1 | 0 | 1 | 1 | 39 |
| 四、结转下年度继续办理 | 3 | 0 | 0 | 0 | 1 | 0 | 4 |
";

fn report_text(t3: &str) -> String {
    format!(
        "# 示例局2026年政府信息公开工作年度报告\n\n一、总体情况\n\n本报告按2026年修订的格式编制。\n\n\
         三、收到和处理政府信息公开申请情况\n\n{t3}\n四、政府信息公开行政复议、行政诉讼情况\n\n\
         | 行政复议 | | | | | 行政诉讼 | | | | | | | | | |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n\
         | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n\
         | 2 | 1 | 0 | 1 | 4 | 1 | 0 | 0 | 1 | 2 | 0 | 0 | 1 | 0 | 1 |\n"
    )
}

fn analyse(text: &str, catalog: &Catalog) -> Report {
    nianbao::inspect_bytes_with(text.as_bytes(), "report_2026.md", catalog).expect("text is readable")
}

fn value(report: &Report, table: &str, key: &str) -> Option<f64> {
    report.cell(table, key).and_then(|c| c.value).map(|v| v.as_f64())
}

#[test]
fn the_revision_is_loaded_beside_the_embedded_versions() {
    let catalog = catalog();
    let versions: Vec<&str> = catalog.all().iter().map(|t| t.version.as_str()).collect();
    assert_eq!(versions, ["gov2019", "gov2021", "gov2026"]);
    assert_eq!(catalog.for_year(2025).map(|t| t.version.as_str()), Some("gov2021"));
    assert_eq!(catalog.for_year(2026).map(|t| t.version.as_str()), Some("gov2026"));
    assert_eq!(catalog.table_keys(), ["t2", "t3", "t4"]);
    let t3 = catalog.by_version("gov2026").and_then(|t| t.table("t3")).expect("t3");
    assert_eq!(t3.cell_count(), 175 + 7);
    assert!(Catalog::embedded().by_version("gov2026").is_none(), "the embedded catalog is unchanged");
}

#[test]
fn a_report_on_the_revised_form_maps_the_renamed_and_the_extra_row() {
    let report = analyse(&report_text(T3), &catalog());
    let t3 = &report.tables["t3"];
    assert_eq!((t3.template.as_deref(), t3.status), (Some("gov2026"), TableStatus::Found));
    assert_eq!(t3.cells.len(), 182);
    assert_eq!(report.template.as_deref(), Some("gov2026"));
    assert_eq!(report.tables["t4"].template.as_deref(), Some("gov2026"), "表四 follows the verdict of 表三");
    assert_eq!(value(&report, "t3", "unable_not_made_or_obtained.natural_person"), Some(4.0));
    assert_eq!(value(&report, "t3", "unable_not_made_or_obtained.total"), Some(5.0));
    assert_eq!(value(&report, "t3", "not_processed_consultation.natural_person"), Some(2.0));
    assert_eq!(value(&report, "t3", "not_processed_consultation.total"), Some(2.0));
    assert_eq!(value(&report, "t3", "results_total.total"), Some(39.0));
    assert!(report.unplaced.is_empty(), "{:?}", report.unplaced);
    // R1–R4 hold, the extra row counted: the only rule finding is the note that the absent 表二's rules do not apply.
    let rule_findings: Vec<(String, Option<&str>, String)> = report
        .findings
        .iter()
        .filter(|f| f.status.is_some())
        .map(|f| (f.rule.to_string(), f.table.as_deref(), f.status.map(|s| s.to_string()).unwrap_or_default()))
        .collect();
    assert_eq!(rule_findings, [("D1,D2".to_string(), Some("t2"), "not_applicable".to_string())]);
}

#[test]
fn the_rules_of_the_revised_form_count_the_extra_row() {
    // 3 consultations instead of 2 (the row's own 总计 too, so R3 holds): （七）总计 no longer adds up.
    let edited = T3.replace(
        "| 6.以政府信息公开申请形式进行咨询 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
        "| 6.以政府信息公开申请形式进行咨询 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |",
    );
    let report = analyse(&report_text(&edited), &catalog());
    let failed: Vec<(String, String, f64, f64)> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            let extra = f.cells.iter().find(|c| c.row() == "not_processed_consultation").map(ToString::to_string);
            (f.rule.to_string(), extra.unwrap_or_default(), f.found.unwrap_or(f64::NAN), f.expected.unwrap_or(f64::NAN))
        })
        .collect();
    assert_eq!(
        failed,
        [
            ("R2".to_string(), "not_processed_consultation.natural_person".to_string(), 31.0, 32.0),
            ("R2".to_string(), "not_processed_consultation.total".to_string(), 39.0, 40.0),
        ]
    );
}

#[test]
fn the_embedded_forms_alone_cannot_place_the_new_rows() {
    let report = analyse(&report_text(T3), Catalog::embedded());
    let t3 = &report.tables["t3"];
    assert_eq!((t3.template.as_deref(), t3.status), (Some("gov2021"), TableStatus::Partial));
    let unplaced: Vec<&str> = report.unplaced.iter().map(|u| u.raw.as_str()).collect();
    assert_eq!(unplaced, ["4", "1", "0", "0", "0", "0", "5", "2", "0", "0", "0", "0", "0", "2"]);
}

#[test]
fn the_workbook_and_the_csv_draw_the_revised_form() {
    let catalog = catalog();
    let report = analyse(&report_text(T3), &catalog);
    let bytes = report_workbook(&catalog, &report, &SourceInfo::new("report_2026.md", b"")).expect("workbook");
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).expect("calamine opens it");
    let sheet = workbook.worksheet_range("依申请公开").expect("sheet of 表三");
    let text_at = |row: u32, col: u32| sheet.get_value((row, col)).map(|d| d.to_string()).unwrap_or_default();
    let spec = catalog.by_version("gov2026").and_then(|t| t.table("t3")).expect("t3");
    let form = Form::new(spec);
    for (key, label, value) in [
        ("unable_not_made_or_obtained.total", "1.本机关未制作或者获取相关政府信息", 5.0),
        ("not_processed_consultation.total", "6.以政府信息公开申请形式进行咨询", 2.0),
        ("results_total.total", "（七）总计", 39.0),
    ] {
        let (row, col) = form.position(key).expect("drawn");
        assert_eq!(sheet.get_value((row, u32::from(col))), Some(&Data::Float(value)), "{key}");
        let labels: Vec<String> = (0..form.label_cols).map(|c| text_at(row, u32::from(c))).collect();
        assert!(labels.iter().any(|l| l == label), "{key}: row labels {labels:?}");
    }
    // The workbook reads back through the same catalog with the same cells.
    let back = nianbao::inspect_bytes_with(&bytes, "report_2026.xlsx", &catalog).expect("workbook reads");
    assert_eq!(back.tables["t3"].template.as_deref(), Some("gov2026"));
    let values = |r: &Report| -> Vec<(String, Option<f64>)> {
        r.tables["t3"].cells.iter().map(|(k, c)| (k.to_string(), c.value.map(|v| v.as_f64()))).collect()
    };
    assert_eq!(values(&back), values(&report));
    let csv = table_csv(&catalog, &report, "t3", CsvOptions { header: Header::Keys, bom: false })
        .expect("csv")
        .expect("t3 present");
    let csv = String::from_utf8(csv).expect("utf-8");
    assert!(
        csv.contains("\nnot_processed_consultation,6.以政府信息公开申请形式进行咨询,2,0,0,0,0,0,2,table,\n"),
        "{csv}"
    );
    assert!(csv.contains("\nunable_not_made_or_obtained,1.本机关未制作或者获取相关政府信息,4,1,0,0,0,0,5,table,\n"));
}
