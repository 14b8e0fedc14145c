//! The official form as the tests know it, written out from the reference (`official-template.md` §5 and §7)
//! rather than read from `templates/`: the cells of each table in each version and the arithmetic rules R1–R4.
//! It is the tests' own oracle, so a mistake in a template file or in `src/check` cannot hide behind it.

/// The form versions the fixtures use.
pub const VERSIONS: [&str; 2] = ["gov2019", "gov2021"];

/// The three standard tables.
pub const TABLES: [&str; 3] = ["t2", "t3", "t4"];

/// 表三's applicant columns, 总计 last (reference §3.1, §7.2).
pub const T3_COLUMNS: [&str; 7] = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
];

/// 表三's result rows shared by both versions: （一） to （五） (reference §7.2).
const T3_RESULTS_COMMON: [&str; 18] = [
    "granted",
    "partially_granted",
    "withheld_state_secret",
    "withheld_law_prohibited",
    "withheld_three_security_one_stability",
    "withheld_third_party_rights",
    "withheld_internal_affairs",
    "withheld_process_info",
    "withheld_enforcement_case_file",
    "withheld_admin_query",
    "unable_not_held",
    "unable_needs_creation",
    "unable_unclear_after_correction",
    "not_processed_petition_complaint",
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirm_reissue",
];

/// （六）其他处理: one row in 2019, three in 2021.
fn t3_other_rows(version: &str) -> &'static [&'static str] {
    if version == "gov2019" {
        &["other_processing"]
    } else {
        &["other_no_correction", "other_fee_unpaid", "other_misc"]
    }
}

/// The result rows that （七）总计 sums (R2), in printed order.
pub fn t3_result_rows(version: &str) -> Vec<&'static str> {
    T3_RESULTS_COMMON.iter().copied().chain(t3_other_rows(version).iter().copied()).collect()
}

/// Every value row of 表三, in printed order.
pub fn t3_rows(version: &str) -> Vec<&'static str> {
    let mut rows = vec!["new_received", "carried_over"];
    rows.extend(t3_result_rows(version));
    rows.extend(["results_total", "carried_forward"]);
    rows
}

/// 表四's three groups, each with four result columns and a 总计 (reference §4, §7.3).
pub const T4_GROUPS: [&str; 3] = ["review", "suit_direct", "suit_after_review"];
const T4_PARTS: [&str; 4] = ["maintained", "corrected", "other", "pending"];

/// 表二's rows with their columns (reference §7.1).
fn t2_rows(version: &str) -> Vec<(&'static str, Vec<&'static str>)> {
    if version == "gov2019" {
        let items = vec!["prev_year_items", "change_this_year", "decisions"];
        vec![
            ("regulations", vec!["newly_made", "newly_published", "total_published"]),
            ("normative_documents", vec!["newly_made", "newly_published", "total_published"]),
            ("admin_licensing", items.clone()),
            ("other_external_services", items.clone()),
            ("admin_penalty", items.clone()),
            ("admin_coercion", items),
            ("admin_fees", vec!["prev_year_items", "change_this_year"]),
            ("centralized_procurement", vec!["procurement_items", "procurement_amount"]),
        ]
    } else {
        vec![
            ("regulations", vec!["issued", "repealed", "in_force"]),
            ("normative_documents", vec!["issued", "repealed", "in_force"]),
            ("admin_licensing", vec!["decisions"]),
            ("admin_penalty", vec!["decisions"]),
            ("admin_coercion", vec!["decisions"]),
            ("admin_fees", vec!["fee_amount"]),
        ]
    }
}

/// The rows of `table` in `version`, each with its columns; `None` for an unknown version or table.
pub fn rows(version: &str, table: &str) -> Option<Vec<(&'static str, Vec<&'static str>)>> {
    if !VERSIONS.contains(&version) {
        return None;
    }
    match table {
        "t2" => Some(t2_rows(version)),
        "t3" => Some(t3_rows(version).into_iter().map(|r| (r, T3_COLUMNS.to_vec())).collect()),
        "t4" => Some(vec![("cases", t4_columns())]),
        _ => None,
    }
}

fn t4_columns() -> Vec<&'static str> {
    const COLUMNS: [&str; 15] = [
        "review_maintained",
        "review_corrected",
        "review_other",
        "review_pending",
        "review_total",
        "suit_direct_maintained",
        "suit_direct_corrected",
        "suit_direct_other",
        "suit_direct_pending",
        "suit_direct_total",
        "suit_after_review_maintained",
        "suit_after_review_corrected",
        "suit_after_review_other",
        "suit_after_review_pending",
        "suit_after_review_total",
    ];
    COLUMNS.to_vec()
}

/// Every cell key (`row.col`) of `table` in `version`, in printed order.
pub fn cells(version: &str, table: &str) -> Vec<String> {
    rows(version, table)
        .unwrap_or_default()
        .into_iter()
        .flat_map(|(row, cols)| cols.into_iter().map(move |col| format!("{row}.{col}")))
        .collect()
}

/// The money cells, whose values carry a unit (reference §2, §7.1).
pub fn is_money(table: &str, cell: &str) -> bool {
    table == "t2" && matches!(cell, "admin_fees.fee_amount" | "centralized_procurement.procurement_amount")
}

/// One instance of a rule: `lhs` sums to `rhs`, all cells of `table`.
#[derive(Debug, Clone, PartialEq)]
pub struct Equation {
    pub rule: &'static str,
    /// The column, row or group the rule is instantiated for (`natural_person`, `granted`, `review`).
    pub binding: String,
    pub table: &'static str,
    pub lhs: Vec<String>,
    pub rhs: Vec<String>,
}

/// Every instance of R1–R4 for `version` (reference §5.1, §5.2).
pub fn equations(version: &str) -> Vec<Equation> {
    let mut out = Vec::new();
    for c in T3_COLUMNS {
        out.push(Equation {
            rule: "R1",
            binding: c.to_string(),
            table: "t3",
            lhs: vec![format!("new_received.{c}"), format!("carried_over.{c}")],
            rhs: vec![format!("results_total.{c}"), format!("carried_forward.{c}")],
        });
    }
    for c in T3_COLUMNS {
        out.push(Equation {
            rule: "R2",
            binding: c.to_string(),
            table: "t3",
            lhs: vec![format!("results_total.{c}")],
            rhs: t3_result_rows(version).iter().map(|r| format!("{r}.{c}")).collect(),
        });
    }
    for r in t3_rows(version) {
        out.push(Equation {
            rule: "R3",
            binding: r.to_string(),
            table: "t3",
            lhs: vec![format!("{r}.total")],
            rhs: T3_COLUMNS[..6].iter().map(|c| format!("{r}.{c}")).collect(),
        });
    }
    for g in T4_GROUPS {
        out.push(Equation {
            rule: "R4",
            binding: g.to_string(),
            table: "t4",
            lhs: vec![format!("cases.{g}_total")],
            rhs: T4_PARTS.iter().map(|p| format!("cases.{g}_{p}")).collect(),
        });
    }
    out
}

/// What a cell contributes to a rule: a number, or an unknown non-negative amount (blank, not applicable, absent).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Term {
    Known(f64),
    Unknown,
}

/// The verdict on one equation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    Holds,
    /// Some cells are unknown and some non-negative values for them make the equation hold.
    Possible,
    /// No non-negative values of the unknown cells can make it hold.
    Fails,
}

/// Judges `eq` with the terms `term` gives for each cell. Unknown cells are non-negative (all the rules' cells are
/// counts), so the equation can only hold if the side with the smaller known sum has an unknown to make it up.
pub fn judge(eq: &Equation, term: impl Fn(&str) -> Term) -> Verdict {
    let side = |keys: &[String]| {
        keys.iter().fold((0.0, false), |(sum, unknown), k| match term(k) {
            Term::Known(v) => (sum + v, unknown),
            Term::Unknown => (sum, true),
        })
    };
    let ((l, l_unknown), (r, r_unknown)) = (side(&eq.lhs), side(&eq.rhs));
    let equal = (l - r).abs() < 1e-9;
    match (l_unknown || r_unknown, equal) {
        (false, true) => Verdict::Holds,
        (false, false) => Verdict::Fails,
        (true, true) => Verdict::Possible,
        (true, false) if (l < r && l_unknown) || (r < l && r_unknown) => Verdict::Possible,
        (true, false) => Verdict::Fails,
    }
}
