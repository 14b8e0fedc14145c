//! What a finding is about ([`Rule`]) and how the rule came out ([`FindingStatus`]).
//!
//! Both print exactly as the JSON contract has them (`R1`, `D1`, `P1`, `unplaced`, `R1,R2,R3,D1` for the rules of
//! an absent table; `failed`, `unverifiable`, `not_applicable`, `holds_with_blanks`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The check a finding reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// An arithmetic rule of the template, by its id in `templates/` (`R1` … `R4`). Any id that is none of the
    /// others below is a template rule's.
    Template(String),
    /// A domain rule of a column's value kind (`D1` … `D3`).
    Domain(DomainRule),
    /// A figure stated in the prose compared with the printed table (`P1`).
    ProseVsTable,
    /// Numbers of a found table that could not be placed on the template (`unplaced`).
    Unplaced,
    /// A printed cell whose text is not a value (`unreadable`).
    Unreadable,
    /// Digits that ran together, split because the rules allow one reading (`split_run`; earlier versions
    /// reported each split run on its own, now listed in [`Rule::Inferred`]).
    SplitRun,
    /// The cells placed by the template's row order and arithmetic rather than by their labels alone — values
    /// away from their labels, digits that ran together, blanks dropped — listed in one finding per table
    /// (`inferred`).
    Inferred,
    /// A section the form requires is not in the report (`section_missing`).
    SectionMissing,
    /// Cells of a table present in a workbook brought for validation that could not be read: their row or column
    /// was not found (`unread`).
    Unread,
    /// Every cell of the form, or of a table, is blank: the rules hold only with the blanks as 0 (`blank_form`).
    BlankForm,
    /// A part of the source left unread because it passed a limit, such as a table too large to lay out
    /// (`too_large`).
    TooLarge,
    /// The rules of a table the report lacks, none of which could be applied (`R1,R2,R3,D1`).
    AbsentTable(Vec<Rule>),
}

/// The domain rule a column's value kind imposes on each of its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DomainRule {
    /// `D1`: a count is a non-negative whole number.
    Count,
    /// `D2`: an amount of money is not negative.
    Money,
    /// `D3`: a signed count (`本年增/减`) is a whole number.
    SignedCount,
}

impl DomainRule {
    pub const ALL: [DomainRule; 3] = [DomainRule::Count, DomainRule::Money, DomainRule::SignedCount];

    pub fn id(self) -> &'static str {
        match self {
            DomainRule::Count => "D1",
            DomainRule::Money => "D2",
            DomainRule::SignedCount => "D3",
        }
    }
}

impl Rule {
    /// Every check that is not a rule of a template, in the order a dictionary lists them.
    pub fn built_in() -> Vec<Rule> {
        let mut out: Vec<Rule> = DomainRule::ALL.into_iter().map(Rule::Domain).collect();
        out.extend([
            Rule::ProseVsTable,
            Rule::Unplaced,
            Rule::Unreadable,
            Rule::SplitRun,
            Rule::Inferred,
            Rule::SectionMissing,
            Rule::Unread,
            Rule::BlankForm,
        ]);
        out
    }

    /// Reads a printed rule id back.
    pub fn parse(text: &str) -> Rule {
        if text.contains(',') {
            return Rule::AbsentTable(text.split(',').map(Rule::parse).collect());
        }
        if let Some(domain) = DomainRule::ALL.into_iter().find(|d| d.id() == text) {
            return Rule::Domain(domain);
        }
        match text {
            "P1" => Rule::ProseVsTable,
            "unplaced" => Rule::Unplaced,
            "unreadable" => Rule::Unreadable,
            "split_run" => Rule::SplitRun,
            "inferred" => Rule::Inferred,
            "section_missing" => Rule::SectionMissing,
            "unread" => Rule::Unread,
            "blank_form" => Rule::BlankForm,
            "too_large" => Rule::TooLarge,
            _ => Rule::Template(text.to_string()),
        }
    }

    /// The id of a rule that is one check (`R1`, `D1`, `unplaced`); `None` for the rules of an absent table.
    pub fn id(&self) -> Option<&str> {
        Some(match self {
            Rule::Template(id) => id,
            Rule::Domain(d) => d.id(),
            Rule::ProseVsTable => "P1",
            Rule::Unplaced => "unplaced",
            Rule::Unreadable => "unreadable",
            Rule::SplitRun => "split_run",
            Rule::Inferred => "inferred",
            Rule::SectionMissing => "section_missing",
            Rule::Unread => "unread",
            Rule::BlankForm => "blank_form",
            Rule::TooLarge => "too_large",
            Rule::AbsentTable(_) => return None,
        })
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::AbsentTable(rules) => {
                for (i, rule) in rules.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{rule}")?;
                }
                Ok(())
            }
            one => f.write_str(one.id().unwrap_or_default()),
        }
    }
}

impl PartialEq<str> for Rule {
    fn eq(&self, other: &str) -> bool {
        match self {
            Rule::AbsentTable(rules) => {
                rules.len() == other.split(',').count() && rules.iter().zip(other.split(',')).all(|(r, o)| r == o)
            }
            one => one.id() == Some(other),
        }
    }
}

impl PartialEq<&str> for Rule {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

impl PartialEq<Rule> for String {
    fn eq(&self, other: &Rule) -> bool {
        other == self.as_str()
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|text| Rule::parse(&text))
    }
}

/// How a rule came out, where that is more than pass/fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// The rule does not hold (whatever the unknown cells hold, for arithmetic rules).
    Failed,
    /// Blank, not-applicable, absent or unreadable cells leave the rule undecided.
    Unverifiable,
    /// The table is absent: its rules do not apply.
    NotApplicable,
    /// The rule holds when the blank and not-applicable cells count as 0.
    HoldsWithBlanks,
}

impl FindingStatus {
    pub const ALL: [FindingStatus; 4] = [
        FindingStatus::Failed,
        FindingStatus::Unverifiable,
        FindingStatus::HoldsWithBlanks,
        FindingStatus::NotApplicable,
    ];

    /// The status as it appears in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::Failed => "failed",
            FindingStatus::Unverifiable => "unverifiable",
            FindingStatus::NotApplicable => "not_applicable",
            FindingStatus::HoldsWithBlanks => "holds_with_blanks",
        }
    }
}

impl fmt::Display for FindingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_print_and_read_back_as_in_the_json() {
        let absent = Rule::AbsentTable(vec![
            Rule::Template("R1".into()),
            Rule::Template("R2".into()),
            Rule::Domain(DomainRule::Count),
        ]);
        for (rule, printed) in [
            (Rule::Template("R4".into()), "R4"),
            (Rule::Domain(DomainRule::SignedCount), "D3"),
            (Rule::ProseVsTable, "P1"),
            (Rule::Unplaced, "unplaced"),
            (Rule::Unreadable, "unreadable"),
            (Rule::SplitRun, "split_run"),
            (Rule::Inferred, "inferred"),
            (Rule::SectionMissing, "section_missing"),
            (Rule::Unread, "unread"),
            (Rule::BlankForm, "blank_form"),
            (Rule::TooLarge, "too_large"),
            (absent, "R1,R2,D1"),
        ] {
            assert_eq!(rule.to_string(), printed);
            assert_eq!(Rule::parse(printed), rule);
            assert!(rule == printed);
        }
    }

    #[test]
    fn statuses_print_in_snake_case() {
        assert_eq!(serde_json::to_string(&FindingStatus::HoldsWithBlanks).expect("json"), "\"holds_with_blanks\"");
        assert_eq!(FindingStatus::NotApplicable.to_string(), "not_applicable");
    }
}
