//! Prose: sections, document metadata, metrics with their sentences, prose-derived cells and the prose ↔ table
//! check (`P1`), on the five seeds and the small reports in `fixtures/prose/`, through the library API.
//!
//! Every metric of every document is listed: a new metric, a lost one or a changed sentence fails the test.

use nianbao::report::Amount::{self, Int};
use nianbao::report::Qualifier::{self, Approx, AtLeast, Exact};
use nianbao::report::{CellSource, CellState, DocKind, Finding, Report, Severity, TableStatus};

mod common;
use common::root;

fn inspect(path: &str) -> Report {
    let bytes = std::fs::read(root().join(path)).expect("fixture exists");
    nianbao::inspect_bytes(&bytes, path).expect("fixture is readable")
}

fn prose_text(path: &str) -> String {
    let bytes = std::fs::read(root().join(path)).expect("fixture exists");
    nianbao::read::read(&bytes, path).expect("fixture is readable").prose_text()
}

type ExpectedMetric = (&'static str, Amount, Option<&'static str>, Qualifier, &'static str);

/// What one document's prose must yield.
struct Expect {
    path: &'static str,
    kind: DocKind,
    year: Option<i32>,
    agency: Option<&'static str>,
    published: Option<&'static str>,
    template: Option<&'static str>,
    /// `(key, printed heading)` in order.
    sections: &'static [(&'static str, &'static str)],
    /// `(key, value, unit, qualifier, sentence)` in reading order.
    metrics: &'static [ExpectedMetric],
}

const SEEDS: &[Expect] = &[
    Expect {
        path: "fixtures/000_062ddeea1ee84d73.txt",
        kind: DocKind::AnnualReport,
        year: Some(2023),
        agency: Some("常州市政务服务管理办公室"),
        published: None,
        template: Some("gov2021"),
        sections: &[("s1", "一、總體情況"), ("s2", "二、主動公開政府信息情況"), ("s3", "三、收到和處理政府信息公開申請情況"), ("s4", "四、政府信息公開行政復議、行政訴訟情況"), ("s5", "五、存在的主要問題及改進情況"), ("s6", "六、其他需要報告的事項")],
        metrics: &[
            ("online_service_items", Int(260000), Some("件"), AtLeast, "出臺市《加快推進“一件事一次辦”打造政務服務升級版的實施意見》,制定“一老一小”和創業興業等26項“一件事”改革方案,累計完成“一件事”線上辦件超26萬件"),
            ("service_items", Int(5650000), Some("件"), Approx, "加強市級大廳事項清單化、指南系統化、窗口集成化建設,全年共完成辦件565萬余件"),
            ("proactive_disclosures", Int(51), Some("条"), Exact, "在政府門戶網站上我辦主動公開信息51條,處理依申請公開9件"),
            ("applications_handled", Int(9), Some("件"), Exact, "在政府門戶網站上我辦主動公開信息51條,處理依申請公開9件"),
            ("hotline_items", Int(1726000), Some("件"), Exact, "全年12345平臺共受理群眾訴求172.6萬件,其中,平臺直接答復處理135.0萬件,派發成員單位工單37.6萬件"),
            ("press_conferences", Int(1), Some("场"), Exact, "全年組織召開《 常州“政企通”服務平臺全新上線》新聞發布會1場"),
            ("online_interviews", Int(2), Some("期"), Exact, "《強化規范“政企通”服務平臺運行 切實提升企業服務供給能力和質效》解讀等主題推出2期在線訪談"),
            ("policy_interpretations", Int(4), Some("期"), Exact, "完成4期政策解讀,其中,圖文解讀是《常州“政企通”服務平臺運行管理辦法(試行)》和《2023年常州市深化“放管服”改革工作要點》、文字解讀是《常州市行政許可事項清單(2023年版)》和《常州市關于加快推進“一件事一次辦”打造政務服務升級版的實施意見》,全年政府門戶網站推送信息12條,錄用信息7條,政務辦門戶網站發布信息637條,按要求修改錯敏字、不規范表達等各類網站問題76處"),
            ("website_posts", Int(637), Some("条"), Exact, "完成4期政策解讀,其中,圖文解讀是《常州“政企通”服務平臺運行管理辦法(試行)》和《2023年常州市深化“放管服”改革工作要點》、文字解讀是《常州市行政許可事項清單(2023年版)》和《常州市關于加快推進“一件事一次辦”打造政務服務升級版的實施意見》,全年政府門戶網站推送信息12條,錄用信息7條,政務辦門戶網站發布信息637條,按要求修改錯敏字、不規范表達等各類網站問題76處"),
            ("disclosure_fees", Int(0), None, Exact, "三是本年度政府信息公開事項未收取任何費用"),
        ],
    },
    Expect {
        path: "fixtures/001_d922dcabc256b160.txt",
        kind: DocKind::AnnualReport,
        year: Some(2018),
        agency: Some("常熟市"),
        published: None,
        template: None,
        sections: &[("s1", "一、概述"), ("s2", "二、主動公開政府信息情況"), ("s3", "三、依申請公開政府信息情況"), ("fees", "四、政府信息公開收費及減免情況"), ("s4", "五、因政府信息公開申請行政複議和提起行政訴訟的情況"), ("s5", "六、存在問題和改進措施")],
        metrics: &[
            ("press_conferences", Int(13), Some("场"), Exact, "各部門主要負責同志認真履行重大政策“第一發言人”“第一解讀人”職責,通過積極參加市政府新聞發布會、接受新聞採訪等方式,深入解讀政策背景、重點任務、後續工作考慮等,及時準確傳遞權威信息和政策意圖,2018年共召開網上新聞發布會13場,內容涉及學校招生、公益訴訟、機關停車場錯時開放、垃圾分類、“安居超市”工程、河長制、防範非法集資、燃氣建設管理等領域"),
            ("policy_interpretations", Int(61), Some("条"), Exact, "政策制定部門解讀重點政策,把企業民眾關注的政策信息從政策檔案中提煉出來,拓展新媒體傳播渠道,提升政策的傳播和推廣效應,2018年“常熟市人民政府”網站“政策解讀”專欄發布政策解讀61條"),
            ("inquiries_answered", Int(1167), Some("件"), Exact, "依託“江蘇12345線上”平台,建立政務服務線上互動渠道,解答網上辦事流程、所需材料和相關政策,提供網上辦事服務諮詢和協同辦理,統一接受企業民眾投訴建議,指定專人梳理匯總進駐各部門常見問題,並即時答覆諮詢、預審材料,2018年共答覆民眾諮詢1167件,滿意率為97.85%"),
            ("website_posts", Int(5447), Some("条"), Exact, "加強信息內容建設,豐富網站信息資源,制定《常熟市人民政府網站信息審核發布管理制度》,建立規範的信息採集、審核、發布、更新機制,保證發布信息的安全準確、及時有效,做好與蘇州市政策檔案庫技術對接,2018年“常熟市人民政府”網站共更新政務公開信息5447條,頁面日均訪問量超7萬人次,收到各類線上諮詢超2500條,及時處理回復率98.6%"),
            ("applications_handled", Int(206), Some("件"), Exact, "2018年,市政府及市政府各部門通過政府網站“依申請公開”欄目和其它渠道,共妥善處理依申請公開申請206件,其中市政府本級處理55件"),
            ("disclosure_fees", Int(0), None, Exact, "我市各級行政機關在履行政府信息公開工作職能過程中,均嚴格執行《條例》和國家、省相關規定,政府信息公開相關費用全部在行政經費中列支,未向申請人收費"),
            ("admin_reviews", Int(18), Some("件"), Exact, "2018年,市政府法制部門受理涉及政府信息公開的行政複議18件,被依法糾錯1件"),
            ("admin_reviews_corrected", Int(1), Some("件"), Exact, "2018年,市政府法制部門受理涉及政府信息公開的行政複議18件,被依法糾錯1件"),
            ("lawsuits", Int(6), Some("件"), Exact, "法院受理涉及政府信息公開的行政訴訟6件,無被依法糾錯案件"),
            ("lawsuits_corrected", Int(0), None, Exact, "法院受理涉及政府信息公開的行政訴訟6件,無被依法糾錯案件"),
        ],
    },
    Expect {
        path: "fixtures/002_bc2901b205bfb866.txt",
        kind: DocKind::AnnualReport,
        year: Some(2023),
        agency: None,
        published: None,
        template: Some("gov2021"),
        sections: &[("s1", "一、总体情况"), ("s2", "二、主动公开政府信息情况(数据填报)"), ("s3", "三、收到和处理政府信息公开申请情况(数据填报)"), ("s4", "四、政府信息公开行政复议、行政诉讼情况(数据填报)"), ("s5", "五、存在的主要问题及改进情况"), ("s6", "六、其他需要报告的事项")],
        metrics: &[
            ("applications_received", Int(0), None, Exact, "2023年,我局未收到件政府信息公开申请,未收取信息公开信息处理费"),
            ("disclosure_fees", Int(0), None, Exact, "2023年,我局未收到件政府信息公开申请,未收取信息公开信息处理费"),
        ],
    },
    Expect {
        path: "fixtures/003_f86e26e747344a50.txt",
        kind: DocKind::AnnualReport,
        year: Some(2020),
        agency: Some("鄂州市行政审批局"),
        published: Some("2021-01-24"),
        template: Some("gov2019"),
        sections: &[("s1", "一、总体情况"), ("s2", "二、主动公开政府信息情况"), ("s3", "三、收到和处理政府信息公开申请情况"), ("s4", "四、政府信息公开行政复议、行政诉讼情况"), ("s5", "五、存在的主要问题及改进情况"), ("s6", "六、其他需要报告的事项")],
        metrics: &[
            ("proactive_disclosures", Int(150), Some("条"), Approx, "截至2020年12月31日,市行政审批局政府信息公开全年累计公开政府信息150余条,依申请公开信息29条,鄂州政务微信公众平台全年发布信息40条,订阅数3574"),
            ("disclosed_on_request", Int(29), Some("条"), Exact, "截至2020年12月31日,市行政审批局政府信息公开全年累计公开政府信息150余条,依申请公开信息29条,鄂州政务微信公众平台全年发布信息40条,订阅数3574"),
            ("new_media_posts", Int(40), Some("条"), Exact, "截至2020年12月31日,市行政审批局政府信息公开全年累计公开政府信息150余条,依申请公开信息29条,鄂州政务微信公众平台全年发布信息40条,订阅数3574"),
            ("applications_received", Int(29), Some("起"), Exact, "全面推进政务公开,依法依规受理公民、法人和其他社会组织提出的依申请公开事务,2020年共受理依申请公开申请29起,其中办理答复书29份,交由其他单位转办0起,按时答复率为100%"),
            ("applications_answered", Int(29), Some("份"), Exact, "全面推进政务公开,依法依规受理公民、法人和其他社会组织提出的依申请公开事务,2020年共受理依申请公开申请29起,其中办理答复书29份,交由其他单位转办0起,按时答复率为100%"),
            ("application_reply_rate", Int(100), Some("%"), Exact, "全面推进政务公开,依法依规受理公民、法人和其他社会组织提出的依申请公开事务,2020年共受理依申请公开申请29起,其中办理答复书29份,交由其他单位转办0起,按时答复率为100%"),
            ("reviews_and_lawsuits", Int(0), Some("件"), Exact, "因政府信息公开申请提起行政复议、行政诉讼案件为0件"),
            ("hotline_items", Int(46), Some("件"), Exact, "2020年市行政审批局在12345市民服务热线平台办件46件,回复率100%"),
        ],
    },
    Expect {
        path: "fixtures/004_6f66df5c291edce3.txt",
        kind: DocKind::Other,
        year: Some(2022),
        agency: Some("常州市政府推进政府职能转变和“放管服”改革协调小组办公室"),
        published: Some("2022-10-25"),
        template: None,
        sections: &[],
        metrics: &[],
    },
];

const FIXTURES: &[Expect] = &[
    Expect {
        path: "fixtures/prose/agree_2022.md",
        kind: DocKind::AnnualReport,
        year: Some(2022),
        agency: Some("某区民政局"),
        published: None,
        template: Some("gov2021"),
        sections: &[("s1", "一、总体情况"), ("s2", "二、主动公开政府信息情况"), ("s3", "三、收到和处理政府信息公开申请情况"), ("s4", "四、政府信息公开行政复议、行政诉讼情况"), ("s5", "五、存在的主要问题及改进情况"), ("s6", "六、其他需要报告的事项")],
        metrics: &[
            ("proactive_disclosures", Int(836), Some("条"), Exact, "2022年，某区民政局全年主动公开政府信息836条，其中通过门户网站发布信息612条，通过“某区民政”微信公众号发布信息224条"),
            ("website_posts", Int(612), Some("条"), Exact, "2022年，某区民政局全年主动公开政府信息836条，其中通过门户网站发布信息612条，通过“某区民政”微信公众号发布信息224条"),
            ("new_media_posts", Int(224), Some("条"), Exact, "2022年，某区民政局全年主动公开政府信息836条，其中通过门户网站发布信息612条，通过“某区民政”微信公众号发布信息224条"),
            ("press_conferences", Int(3), Some("场"), Exact, "全年共召开新闻发布会3场，发布政策解读稿件18篇，其中图解6篇"),
            ("policy_interpretations", Int(18), Some("篇"), Exact, "全年共召开新闻发布会3场，发布政策解读稿件18篇，其中图解6篇"),
            ("hotline_items", Int(47), Some("件"), Exact, "全年办理12345热线工单47件"),
            ("applications_received", Int(25), Some("件"), Exact, "本年度共收到政府信息公开申请25件，上年结转2件"),
            ("applications_carried_over", Int(2), Some("件"), Exact, "本年度共收到政府信息公开申请25件，上年结转2件"),
            ("applications_handled", Int(24), Some("件"), Exact, "已办结24件，其中予以公开13件，部分公开3件，不予公开2件，无法提供5件，不予处理1件"),
            ("applications_granted", Int(13), Some("件"), Exact, "已办结24件，其中予以公开13件，部分公开3件，不予公开2件，无法提供5件，不予处理1件"),
            ("applications_partially_granted", Int(3), Some("件"), Exact, "已办结24件，其中予以公开13件，部分公开3件，不予公开2件，无法提供5件，不予处理1件"),
            ("applications_withheld", Int(2), Some("件"), Exact, "已办结24件，其中予以公开13件，部分公开3件，不予公开2件，无法提供5件，不予处理1件"),
            ("applications_unable", Int(5), Some("件"), Exact, "已办结24件，其中予以公开13件，部分公开3件，不予公开2件，无法提供5件，不予处理1件"),
            ("applications_not_processed", Int(1), Some("件"), Exact, "已办结24件，其中予以公开13件，部分公开3件，不予公开2件，无法提供5件，不予处理1件"),
            ("applications_carried_forward", Int(3), Some("件"), Exact, "结转下年度继续办理3件"),
            ("application_reply_rate", Int(100), Some("%"), Exact, "所有申请均在法定期限内答复，按时答复率100%"),
            ("admin_reviews", Int(2), Some("件"), Exact, "本年度因政府信息公开被申请行政复议2件，其中维持1件、纠错1件"),
            ("admin_reviews_corrected", Int(1), Some("件"), Exact, "本年度因政府信息公开被申请行政复议2件，其中维持1件、纠错1件"),
            ("lawsuits", Int(2), Some("件"), Exact, "被提起行政诉讼2件，其中1件尚未审结"),
            ("disclosure_fees", Int(0), None, Exact, "本年度未收取信息处理费"),
        ],
    },
    Expect {
        path: "fixtures/prose/disagree_2021.md",
        kind: DocKind::AnnualReport,
        year: Some(2021),
        agency: Some("某县自然资源局"),
        published: None,
        template: Some("gov2021"),
        sections: &[("s1", "一、总体情况"), ("s2", "二、主动公开政府信息情况"), ("s3", "三、收到和处理政府信息公开申请情况"), ("s4", "四、政府信息公开行政复议、行政诉讼情况"), ("s5", "五、存在的主要问题及改进情况"), ("s6", "六、其他需要报告的事项")],
        metrics: &[
            ("proactive_disclosures", Int(420), Some("条"), Approx, "2021年，某县自然资源局全年主动公开政府信息约420条"),
            ("applications_received", Int(31), Some("件"), Exact, "2021年，我局共收到政府信息公开申请31件，上年结转1件"),
            ("applications_carried_over", Int(1), Some("件"), Exact, "2021年，我局共收到政府信息公开申请31件，上年结转1件"),
            ("admin_reviews", Int(3), Some("件"), Exact, "因政府信息公开申请被申请行政复议3件，均维持原行政行为"),
            ("lawsuits", Int(0), None, Exact, "未发生行政诉讼"),
        ],
    },
    Expect {
        path: "fixtures/prose/pre2019_2016.txt",
        kind: DocKind::AnnualReport,
        year: Some(2016),
        agency: Some("某某县"),
        published: Some("2017-03-28"),
        template: None,
        sections: &[("s1", "一、概述"), ("s2", "二、主动公开政府信息情况"), ("s3", "三、依申请公开政府信息情况"), ("fees", "四、政府信息公开的收费及减免情况"), ("s4", "五、因政府信息公开申请行政复议和提起行政诉讼的情况"), ("s5", "六、政府信息公开工作存在的主要问题和改进措施"), ("s6", "七、其他需要报告的事项")],
        metrics: &[
            ("proactive_disclosures", Int(3200), Some("条"), Approx, "2016年，我县全年主动公开政府信息3200余条，召开新闻发布会6场"),
            ("press_conferences", Int(6), Some("场"), Exact, "2016年，我县全年主动公开政府信息3200余条，召开新闻发布会6场"),
            ("website_posts", Int(2860), Some("条"), Exact, "全年通过县政府门户网站发布信息2860条，通过政务微博发布信息340条"),
            ("new_media_posts", Int(340), Some("条"), Exact, "全年通过县政府门户网站发布信息2860条，通过政务微博发布信息340条"),
            ("policy_interpretations", Int(25), Some("篇"), Exact, "根据《某某县政务公开工作要点》（某政办发〔2016〕12号），发布政策解读25篇"),
            ("applications_received", Int(45), Some("件"), Exact, "2016年，全县共受理政府信息公开申请45件，其中当面申请12件，网络申请33件"),
            ("applications_handled", Int(40), Some("件"), Approx, "已办结申请40余件，结转下年度办理2件"),
            ("applications_carried_forward", Int(2), Some("件"), Exact, "已办结申请40余件，结转下年度办理2件"),
            ("disclosure_fees", Int(0), None, Exact, "本年度未收取任何费用"),
            ("admin_reviews", Int(2), Some("件"), Exact, "全年因政府信息公开被申请行政复议2件，被提起行政诉讼1件"),
            ("lawsuits", Int(1), Some("件"), Exact, "全年因政府信息公开被申请行政复议2件，被提起行政诉讼1件"),
        ],
    },
    Expect {
        path: "fixtures/prose/missing_sections_2022.txt",
        kind: DocKind::AnnualReport,
        year: Some(2022),
        agency: Some("某镇人民政府"),
        published: None,
        template: Some("gov2021"),
        sections: &[("s1", "1、 总体情况"), ("s2", "2、主动公开政府政府情况"), ("s3", "3、收到和处理政府信息公开申请情况"), ("s4", "4、政府信息公开政复议、行政诉讼情况")],
        metrics: &[
            ("proactive_disclosures", Int(128), Some("条"), Exact, "2022年，我镇主动公开政府信息128条"),
            ("applications_received", Int(0), None, Exact, "2022年，我镇未收到政府信息公开申请"),
            ("reviews_and_lawsuits", Int(0), None, Exact, "本年度无行政复议和行政诉讼"),
        ],
    },
    Expect {
        path: "fixtures/prose/notice_2023.txt",
        kind: DocKind::Other,
        year: Some(2023),
        agency: Some("某区人民政府办公室"),
        published: Some("2024-01-05"),
        template: None,
        sections: &[],
        metrics: &[],
    },
];

fn check_expectation(e: &Expect) {
    let r = inspect(e.path);
    assert_eq!(r.kind, e.kind, "{}: kind", e.path);
    assert_eq!(r.year, e.year, "{}: year", e.path);
    assert_eq!(r.agency.as_deref(), e.agency, "{}: agency", e.path);
    assert_eq!(r.published.as_deref(), e.published, "{}: published", e.path);
    assert_eq!(r.template.as_deref(), e.template, "{}: template", e.path);
    let sections: Vec<(&str, &str)> = r.sections.iter().map(|s| (s.key.as_str(), s.heading.as_str())).collect();
    assert_eq!(sections, e.sections, "{}: sections", e.path);
    type Owned = (String, Amount, Option<String>, Qualifier, String);
    let metrics: Vec<Owned> =
        r.metrics.iter().map(|m| (m.key.clone(), m.value, m.unit.clone(), m.qualifier, m.sentence.clone())).collect();
    let expected: Vec<Owned> =
        e.metrics.iter().map(|&(k, v, u, q, s)| (k.to_string(), v, u.map(String::from), q, s.to_string())).collect();
    assert_eq!(metrics, expected, "{}: metrics", e.path);
}

#[test]
fn seeds_sections_metadata_and_metrics() {
    for e in SEEDS {
        check_expectation(e);
    }
}

#[test]
fn prose_fixtures_sections_metadata_and_metrics() {
    for e in FIXTURES {
        check_expectation(e);
    }
}

/// Every seed and every report in `fixtures/prose/` (from the shared list) has its prose listed above.
#[test]
fn every_seed_and_prose_fixture_has_its_expectations() {
    let listed: Vec<&str> = SEEDS.iter().chain(FIXTURES).map(|e| e.path).collect();
    for fixture in common::fixtures::reports() {
        let seed = !fixture.input.trim_start_matches("fixtures/").contains('/');
        if seed || fixture.input.starts_with("fixtures/prose/") {
            assert!(listed.contains(&fixture.input.as_str()), "{}: no prose expectations", fixture.input);
        }
    }
}

#[test]
fn offsets_are_character_offsets_into_the_prose_text() {
    for e in SEEDS.iter().chain(FIXTURES) {
        let r = inspect(e.path);
        let prose: Vec<char> = prose_text(e.path).chars().collect();
        let at = |offset: usize, len: usize| -> String { prose.iter().skip(offset).take(len).collect() };
        for s in &r.sections {
            assert_eq!(at(s.start, s.heading.chars().count()), s.heading, "{}: section {}", e.path, s.key);
        }
        for m in &r.metrics {
            assert_eq!(at(m.offset, m.sentence.chars().count()), m.sentence, "{}: metric {}", e.path, m.key);
        }
    }
}

#[test]
fn seed_000_section_text_splits_a_paragraph_holding_several_headings() {
    let r = inspect("fixtures/000_062ddeea1ee84d73.txt");
    let text = |key: &str| r.sections.iter().find(|s| s.key == key).map(|s| s.text.clone()).unwrap_or_default();
    assert!(text("s1").starts_with("(一)聚焦主責主業,加大主動公開力度 一是行政審批制度改革穩步深入。"));
    assert_eq!(text("s2"), "");
    assert!(text("s5").starts_with("1. 進一步提升網站欄目保障的整體質量。"));
    assert!(text("s5").ends_with("實現簡易政務服務事項“一秒能辦”。"));
    assert!(text("s6").starts_with("一是大力提升公共資源交易效能。"));
    assert!(text("s6").ends_with("三是本年度政府信息公開事項未收取任何費用。"));
}

fn p1(r: &Report) -> Vec<&Finding> {
    r.findings.iter().filter(|f| f.rule == "P1").collect()
}

/// `(severity, table, first cell, prose value, table value)` of each `P1` finding.
fn p1_summary(r: &Report) -> Vec<(Severity, String, String, f64, f64)> {
    p1(r)
        .into_iter()
        .map(|f| {
            (
                f.severity,
                f.table.clone().unwrap_or_default(),
                f.cells.first().map(ToString::to_string).unwrap_or_default(),
                f.expected.unwrap_or(f64::NAN),
                f.found.unwrap_or(f64::NAN),
            )
        })
        .collect()
}

fn row(severity: Severity, table: &str, cell: &str, prose: f64, found: f64) -> (Severity, String, String, f64, f64) {
    (severity, table.to_string(), cell.to_string(), prose, found)
}

#[test]
fn seed_002_no_applications_received_agrees_with_its_zero_table() {
    let r = inspect("fixtures/002_bc2901b205bfb866.txt");
    assert_eq!(p1_summary(&r), vec![row(Severity::Info, "t3", "new_received.total", 0.0, 0.0)]);
}

#[test]
fn seed_003_prose_figures_agree_with_tables_three_and_four() {
    let r = inspect("fixtures/003_f86e26e747344a50.txt");
    assert_eq!(
        p1_summary(&r),
        vec![
            row(Severity::Info, "t3", "new_received.total", 29.0, 29.0),
            row(Severity::Info, "t4", "cases.review_total", 0.0, 0.0),
        ]
    );
    let reviews = p1(&r)[1];
    assert_eq!(reviews.cells, ["cases.review_total", "cases.suit_direct_total", "cases.suit_after_review_total"]);
}

#[test]
fn agree_fixture_every_linked_prose_figure_matches_its_table() {
    let r = inspect("fixtures/prose/agree_2022.md");
    let info = Severity::Info;
    assert_eq!(
        p1_summary(&r),
        vec![
            row(info, "t3", "new_received.total", 25.0, 25.0),
            row(info, "t3", "carried_over.total", 2.0, 2.0),
            row(info, "t3", "results_total.total", 24.0, 24.0),
            row(info, "t3", "granted.total", 13.0, 13.0),
            row(info, "t3", "partially_granted.total", 3.0, 3.0),
            row(info, "t3", "withheld_state_secret.total", 2.0, 2.0),
            row(info, "t3", "unable_not_held.total", 5.0, 5.0),
            row(info, "t3", "not_processed_petition_complaint.total", 1.0, 1.0),
            row(info, "t3", "carried_forward.total", 3.0, 3.0),
            row(info, "t4", "cases.review_total", 2.0, 2.0),
            row(info, "t4", "cases.review_corrected", 1.0, 1.0),
            row(info, "t4", "cases.suit_direct_total", 2.0, 2.0),
        ]
    );
    assert!(r.findings.iter().all(|f| f.severity != Severity::Error), "the fixture's tables are consistent");
}

#[test]
fn disagree_fixture_warns_naming_the_sentence_and_the_cell() {
    let r = inspect("fixtures/prose/disagree_2021.md");
    assert_eq!(
        p1_summary(&r),
        vec![
            row(Severity::Warning, "t3", "new_received.total", 31.0, 29.0),
            row(Severity::Info, "t3", "carried_over.total", 1.0, 1.0),
            row(Severity::Warning, "t4", "cases.review_total", 3.0, 2.0),
            row(Severity::Info, "t4", "cases.suit_direct_total", 0.0, 0.0),
        ]
    );
    let received = p1(&r)[0];
    assert_eq!(received.status.map(|s| s.as_str()), Some("failed"));
    assert_eq!(
        received.message,
        "正文“2021年，我局共收到政府信息公开申请31件，上年结转1件”称31（收到/受理政府信息公开申请 / applications \
         received），但表三 t3.new_received.total 为29 / the prose states 31 for applications_received but \
         t3.new_received.total holds 29"
    );
    let reviews = p1(&r)[2];
    assert!(reviews.message.contains("因政府信息公开申请被申请行政复议3件，均维持原行政行为"));
    assert!(reviews.message.contains("t4.cases.review_total"));
}

#[test]
fn seed_001_pre2019_figures_become_prose_cells_of_the_gov2019_form() {
    let r = inspect("fixtures/001_d922dcabc256b160.txt");
    assert_eq!(r.template, None);
    let t2 = &r.tables["t2"];
    assert_eq!((t2.status, t2.template.as_deref(), t2.cells.len()), (TableStatus::Absent, None, 0));
    let t3 = &r.tables["t3"];
    assert_eq!((t3.status, t3.template.as_deref()), (TableStatus::Absent, Some("gov2019")));
    assert_eq!(t3.cells.keys().collect::<Vec<_>>(), ["results_total.total"]);
    let handled = &t3.cells["results_total.total"];
    assert_eq!(handled.value, Some(Int(206)));
    assert_eq!(handled.raw, "206件");
    assert_eq!(handled.state, CellState::Value);
    assert_eq!(handled.source, CellSource::Prose);
    assert_eq!(
        handled.origin.as_ref().map(ToString::to_string).as_deref(),
        Some("2018年,市政府及市政府各部門通過政府網站“依申請公開”欄目和其它渠道,共妥善處理依申請公開申請206件,其中市政府本級處理55件")
    );
    let t4 = &r.tables["t4"];
    assert_eq!((t4.status, t4.template.as_deref()), (TableStatus::Absent, Some("gov2019")));
    let cells: Vec<(&str, Option<Amount>, &str, CellSource)> =
        t4.cells.iter().map(|(k, c)| (k.as_str(), c.value, c.raw.as_str(), c.source)).collect();
    assert_eq!(
        cells,
        vec![
            ("cases.review_corrected", Some(Int(1)), "1件", CellSource::Prose),
            ("cases.review_total", Some(Int(18)), "18件", CellSource::Prose),
        ]
    );
    assert_eq!(
        t4.cells["cases.review_total"].origin.as_ref().map(ToString::to_string).as_deref(),
        Some("2018年,市政府法制部門受理涉及政府信息公開的行政複議18件,被依法糾錯1件")
    );
    // 6 lawsuits: the prose does not say direct or after review, so no column gets them.
    assert!(r.metrics.iter().any(|m| m.key == "lawsuits" && m.value == Int(6)));
    assert!(!t4.cells.keys().any(|k| k.as_str().starts_with("cases.suit_")));
    assert!(p1(&r).is_empty());
    assert!(r.findings.iter().all(|f| f.rule != "section_missing"));
}

#[test]
fn pre2019_fixture_places_only_exact_and_unambiguous_figures() {
    let r = inspect("fixtures/prose/pre2019_2016.txt");
    let owned: Vec<(&str, &str, Option<Amount>, &str, String)> = r
        .tables
        .iter()
        .flat_map(|(t, table)| {
            table.cells.iter().map(move |(k, c)| {
                let origin = c.origin.as_ref().map(ToString::to_string).unwrap_or_default();
                (t.as_str(), k.as_str(), c.value, c.raw.as_str(), origin)
            })
        })
        .collect();
    let placed: Vec<(&str, &str, Option<Amount>, &str, &str)> =
        owned.iter().map(|(t, k, v, raw, origin)| (*t, *k, *v, *raw, origin.as_str())).collect();
    assert_eq!(
        placed,
        vec![
            (
                "t3",
                "new_received.total",
                Some(Int(45)),
                "45件",
                "2016年，全县共受理政府信息公开申请45件，其中当面申请12件，网络申请33件"
            ),
            ("t3", "carried_forward.total", Some(Int(2)), "2件", "已办结申请40余件，结转下年度办理2件"),
            ("t4", "cases.review_total", Some(Int(2)), "2件", "全年因政府信息公开被申请行政复议2件，被提起行政诉讼1件"),
        ]
    );
    // 已办结申请40余件 is approximate: it stays a metric and never becomes results_total.total.
    assert!(r.metrics.iter().any(|m| m.key == "applications_handled" && m.qualifier == Approx));
    assert!(r.tables.values().all(|t| t.status == TableStatus::Absent));
    assert!(r.tables.values().flat_map(|t| t.cells.values()).all(|c| c.source == CellSource::Prose));
}

#[test]
fn reports_on_a_form_after_2019_never_get_prose_cells() {
    for path in ["fixtures/000_062ddeea1ee84d73.txt", "fixtures/prose/missing_sections_2022.txt"] {
        let r = inspect(path);
        assert!(r.tables.values().all(|t| t.cells.is_empty() && t.template.is_none()), "{path}");
        assert!(!r.metrics.is_empty(), "{path}");
    }
}

#[test]
fn missing_sections_are_warned_only_for_reports_on_a_form() {
    let missing = |path: &str| -> Vec<(Severity, String)> {
        inspect(path)
            .findings
            .into_iter()
            .filter(|f| f.rule == "section_missing")
            .map(|f| (f.severity, f.message))
            .collect()
    };
    assert_eq!(
        missing("fixtures/prose/missing_sections_2022.txt"),
        vec![
            (
                Severity::Warning,
                "未找到“五、存在的主要问题及改进情况”部分 / required section s5 (五、存在的主要问题及改进情况) not found"
                    .to_string()
            ),
            (
                Severity::Warning,
                "未找到“六、其他需要报告的事项”部分 / required section s6 (六、其他需要报告的事项) not found".to_string()
            ),
        ]
    );
    for path in [
        "fixtures/000_062ddeea1ee84d73.txt",
        "fixtures/001_d922dcabc256b160.txt",
        "fixtures/002_bc2901b205bfb866.txt",
        "fixtures/003_f86e26e747344a50.txt",
        "fixtures/004_6f66df5c291edce3.txt",
        "fixtures/prose/pre2019_2016.txt",
        "fixtures/prose/notice_2023.txt",
    ] {
        assert_eq!(missing(path), vec![], "{path}");
    }
}

#[test]
fn the_json_contract_carries_sections_metrics_sources_and_publication_date() {
    let v = serde_json::to_value(inspect("fixtures/001_d922dcabc256b160.txt")).expect("serialises");
    assert_eq!(v["published"], serde_json::Value::Null);
    assert_eq!(v["sections"][3]["key"], "fees");
    assert_eq!(v["sections"][3]["heading"], "四、政府信息公開收費及減免情況");
    assert_eq!(v["metrics"][0]["key"], "press_conferences");
    assert_eq!(v["metrics"][0]["value"], 13);
    assert_eq!(v["metrics"][0]["unit"], "场");
    assert_eq!(v["metrics"][0]["qualifier"], "exact");
    assert_eq!(v["tables"]["t3"]["cells"]["results_total.total"]["source"], "prose");
    let v = serde_json::to_value(inspect("fixtures/000_062ddeea1ee84d73.txt")).expect("serialises");
    assert_eq!(v["metrics"][0]["qualifier"], "at_least");
    assert_eq!(v["metrics"][0]["value"], 260000);
    assert_eq!(v["metrics"][9]["key"], "disclosure_fees");
    assert_eq!(v["metrics"][9]["unit"], serde_json::Value::Null);
    let v = serde_json::to_value(inspect("fixtures/003_f86e26e747344a50.txt")).expect("serialises");
    assert_eq!(v["published"], "2021-01-24");
    assert_eq!(v["tables"]["t3"]["cells"]["new_received.total"]["source"], "table");
}
