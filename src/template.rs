//! The official form as data: the files in `templates/`, loaded into a [`Catalog`].
//!
//! * One file per version of the form (`gov2019.toml`, `gov2021.toml`): its tables with rows, columns, keys,
//!   labels and label variants, version cues, the printed layout, the arithmetic rules, and the prose figures each
//!   table holds (`links`).
//! * `common.toml`: what every version shares, the report's six sections.
//! * `glossary.toml`: what the keys of the outputs mean ([`Glossary`]): the meaning of every table, row and
//!   column key, and the label and meaning of the keys the program defines (metrics, checks, statuses).
//!
//! Every file of `templates/` is embedded at build time (`build.rs`), so a new revision of the form is one new file
//! there and nothing else; [`Catalog::with_file`] adds a template file at run time. A file is checked when it is
//! loaded ([`Template::parse`]): every cell key its rules, layout and links name must exist in its tables. Loading
//! also prepares what the pipeline derives from the data once: the compact matching patterns, the rule equations,
//! the linked cells.
//!
//! This module knows no row, label or rule: all of it is in the files.

use crate::hash::HashSet;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::glossary::Glossary;
use crate::normalize::compact;
use crate::patterns::GroupedPatterns;
use crate::report::{CellKey, Severity};
use crate::rules::{self, CrossEquation, Equation};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_templates.rs"));
}

/// The name of the file in `templates/` that holds what every version of the form shares.
pub const COMMON_FILE: &str = "common.toml";

/// The name of the file in `templates/` that says what the keys of the outputs mean.
pub const GLOSSARY_FILE: &str = "glossary.toml";

/// Why a template file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: not a template file: {source}")]
    Syntax {
        file: String,
        #[source]
        source: toml::de::Error,
    },
    #[error("{file}: {}", .problems.join("; "))]
    Invalid { file: String, problems: Vec<String> },
    #[error("{file}: template version `{version}` is already loaded")]
    Duplicate { file: String, version: String },
    #[error("no `{COMMON_FILE}` among the template files")]
    NoCommonFile,
    #[error("{file}: not a glossary: {source}")]
    Glossary {
        file: String,
        #[source]
        source: toml::de::Error,
    },
}

static EMBEDDED: LazyLock<Catalog> = LazyLock::new(|| {
    // The embedded files are part of the build and are checked by the unit tests below, so a failure here is a
    // build defect, not a problem of the user's input.
    Catalog::from_files(embedded::EMBEDDED).unwrap_or_else(|e| panic!("embedded templates are invalid: {e}"))
});

/// All embedded template versions, oldest first.
pub fn all() -> &'static [Template] {
    Catalog::embedded().all()
}

/// The embedded template with this version key (`gov2019`, `gov2021`).
pub fn by_version(version: &str) -> Option<&'static Template> {
    Catalog::embedded().by_version(version)
}

/// The embedded template that applies to reports about `year`, if any (reports before 2019 have none).
pub fn for_year(year: i32) -> Option<&'static Template> {
    Catalog::embedded().for_year(year)
}

/// The versions of the form nianbao knows, and what they share.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// Oldest first.
    templates: Vec<Template>,
    common: Common,
    /// What the keys mean; empty when the files have no [`GLOSSARY_FILE`].
    glossary: Glossary,
    /// Every table key of every version, in form order.
    table_keys: Vec<String>,
    /// Per table key, the compact cues of every version that identify a source row as part of the table.
    table_cues: Vec<(String, Vec<String>)>,
    /// The same cues, table after table, searched for together.
    table_cue_patterns: GroupedPatterns,
}

impl Catalog {
    /// The templates embedded in the binary.
    pub fn embedded() -> &'static Catalog {
        &EMBEDDED
    }

    /// A catalog of template files given as `(file name, contents)`: [`COMMON_FILE`], optionally
    /// [`GLOSSARY_FILE`], and one file per version.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Catalog, TemplateError> {
        let mut common = None;
        let mut glossary = Glossary::default();
        let mut templates = Vec::new();
        for (name, text) in files {
            if *name == COMMON_FILE {
                common = Some(Common::parse(name, text)?);
            } else if *name == GLOSSARY_FILE {
                glossary = toml::from_str(text)
                    .map_err(|source| TemplateError::Glossary { file: name.to_string(), source })?;
            } else {
                templates.push(Template::parse(name, text)?);
            }
        }
        let common = common.ok_or(TemplateError::NoCommonFile)?;
        let empty = Catalog {
            templates: Vec::new(),
            common,
            glossary,
            table_keys: Vec::new(),
            table_cues: Vec::new(),
            table_cue_patterns: GroupedPatterns::default(),
        };
        templates.into_iter().try_fold(empty, Catalog::adding)
    }

    /// This catalog with one more template version.
    pub fn with_template(&self, template: Template) -> Result<Catalog, TemplateError> {
        self.clone().adding(template)
    }

    /// This catalog with the template in the file at `path` (a new revision of the form, for instance).
    pub fn with_file(&self, path: &Path) -> Result<Catalog, TemplateError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| TemplateError::Io { file: file.clone(), source })?;
        self.with_template(Template::parse(&file, &text)?)
    }

    fn adding(mut self, template: Template) -> Result<Catalog, TemplateError> {
        if self.by_version(&template.version).is_some() {
            return Err(TemplateError::Duplicate { file: template.file.clone(), version: template.version });
        }
        self.templates.push(template);
        self.index();
        Ok(self)
    }

    /// Orders the versions and gathers the tables' keys and cues across them.
    fn index(&mut self) {
        self.templates.sort_by_key(|t| t.first_year);
        self.table_keys.clear();
        for t in &self.templates {
            for spec in &t.tables {
                if !self.table_keys.contains(&spec.key) {
                    self.table_keys.push(spec.key.clone());
                }
            }
        }
        self.table_cues = self
            .table_keys
            .iter()
            .map(|key| {
                let mut cues: Vec<String> = self
                    .templates
                    .iter()
                    .filter_map(|t| t.table(key))
                    .flat_map(|spec| spec.matching().cues.iter().cloned())
                    .collect();
                cues.sort();
                cues.dedup();
                (key.clone(), cues)
            })
            .collect();
        self.table_cue_patterns = GroupedPatterns::new(self.table_cues.iter().map(|(_, cues)| cues));
        self.name_forms();
    }

    /// Gives each table the version of the oldest table with the same key and the same definition: a table a new
    /// revision kept as it was (表四 of 2019 and 2021) maps a document's rows alike in both.
    fn name_forms(&mut self) {
        let versions: Vec<String> = self.templates.iter().map(|t| t.version.clone()).collect();
        let definitions: Vec<Vec<(String, Option<String>)>> = self
            .templates
            .iter()
            .map(|t| t.tables.iter().map(|s| (s.key.clone(), serde_json::to_string(s).ok())).collect())
            .collect();
        for (i, template) in self.templates.iter_mut().enumerate() {
            for (spec, (key, definition)) in template.tables.iter_mut().zip(&definitions[i]) {
                let same = |(k, d): &(String, Option<String>)| k == key && d.is_some() && d == definition;
                let first = (0..i).find(|&j| definitions[j].iter().any(same));
                spec.prepared.form = versions[first.unwrap_or(i)].clone();
            }
        }
    }

    /// All versions, oldest first.
    pub fn all(&self) -> &[Template] {
        &self.templates
    }

    pub fn by_version(&self, version: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.version == version)
    }

    /// The version that applies to reports about `year`, if any.
    pub fn for_year(&self, year: i32) -> Option<&Template> {
        self.templates
            .iter()
            .filter(|t| year >= t.first_year && t.last_year.is_none_or(|last| year <= last))
            .max_by_key(|t| t.first_year)
    }

    /// The first national form: reports about earlier years have no tables.
    pub fn first(&self) -> Option<&Template> {
        self.templates.first()
    }

    /// The newest form: drawn when nothing says which version applies.
    pub fn newest(&self) -> Option<&Template> {
        self.templates.last()
    }

    /// The newest version's spec of a table.
    pub fn latest_spec(&self, table: &str) -> Option<&TableSpec> {
        self.templates.iter().rev().find_map(|t| t.table(table))
    }

    /// Every table key, in form order (`t2`, `t3`, `t4`).
    pub fn table_keys(&self) -> &[String] {
        &self.table_keys
    }

    /// Per table key, the compact cues of every version that identify a source row as part of the table.
    pub fn table_cues(&self) -> &[(String, Vec<String>)] {
        &self.table_cues
    }

    /// The table (its key) with a cue in `label` (compact), the first in form order if several.
    pub fn table_cued_in(&self, label: &str) -> Option<&str> {
        let table = self.table_cue_patterns.first_in(label)?;
        self.table_cues.get(table).map(|(key, _)| key.as_str())
    }

    /// The report's sections, shared by every version.
    pub fn sections(&self) -> &Common {
        &self.common
    }

    /// What the keys of the outputs mean.
    pub fn glossary(&self) -> &Glossary {
        &self.glossary
    }
}

/// One version of the official form: its tables.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Template {
    /// Machine key, e.g. `gov2021`.
    pub version: String,
    /// The instrument that defines it, as printed.
    pub name: String,
    /// First report year this version applies to.
    pub first_year: i32,
    /// Last report year, if superseded.
    #[serde(default)]
    pub last_year: Option<i32>,
    pub tables: Vec<TableSpec>,
    /// The file the template was read from, for messages.
    #[serde(skip)]
    file: String,
}

impl Template {
    /// Reads and checks a template file's contents; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Template, TemplateError> {
        let mut template: Template =
            toml::from_str(text).map_err(|source| TemplateError::Syntax { file: file.to_string(), source })?;
        template.file = file.to_string();
        let mut problems = Vec::new();
        if template.version.is_empty() || template.tables.is_empty() {
            problems.push("a template needs a `version` and `tables`".to_string());
        }
        if template.last_year.is_some_and(|last| last < template.first_year) {
            problems.push(format!("last_year {:?} is before first_year {}", template.last_year, template.first_year));
        }
        let mut keys = HashSet::default();
        for spec in &mut template.tables {
            if !keys.insert(spec.key.clone()) {
                problems.push(format!("table `{}` appears twice", spec.key));
            }
            problems.extend(spec.prepare().into_iter().map(|p| format!("table {}: {p}", spec.key)));
        }
        if problems.is_empty() {
            Ok(template)
        } else {
            Err(TemplateError::Invalid { file: file.to_string(), problems })
        }
    }

    pub fn table(&self, key: &str) -> Option<&TableSpec> {
        self.tables.iter().find(|t| t.key == key)
    }
}

/// One standard table (`t2`, `t3`, `t4`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TableSpec {
    /// `t2`, `t3` or `t4`.
    pub key: String,
    /// The short name reports use for the table, e.g. `表三`.
    pub name: String,
    /// The section title the table belongs to, e.g. `二、主动公开政府信息情况`.
    pub title: String,
    /// Worksheet name used by the writers, e.g. `主动公开`.
    pub sheet: String,
    /// Substrings (compared on normalised compact text) that identify a source row as part of this table in any
    /// version: header words, block captions, distinctive row labels.
    pub cues: Vec<String>,
    /// Substrings that only this version of the table prints; they decide the version of a found table.
    #[serde(default)]
    pub version_cues: Vec<String>,
    pub columns: Vec<ColumnSpec>,
    /// Groups of rows that share a printed group label, e.g. `（三）不予公开`.
    #[serde(default)]
    pub groups: Vec<GroupSpec>,
    /// Value rows in official order.
    pub rows: Vec<RowSpec>,
    /// The official form, row by row, for writers that draw it.
    pub layout: Vec<LayoutRow>,
    /// Arithmetic rules over this table's cells.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
    /// Figures the prose states that this table holds.
    #[serde(default)]
    pub links: Vec<LinkSpec>,
    /// Rules between a report and the same agency's report for the year before, checked by `bulk` once every
    /// report is read. The rules of the later report's version apply.
    #[serde(default)]
    pub cross_rules: Vec<CrossRuleSpec>,
    /// What `bulk`'s summary workbook shows of this table.
    #[serde(default)]
    pub summary: SummarySpec,
    /// What loading derived from the data above.
    #[serde(skip)]
    prepared: Prepared,
}

/// What [`TableSpec::prepare`] derives once from a table's data.
#[derive(Debug, Clone, Default)]
struct Prepared {
    /// The version of the oldest table with this key and this same definition (this table's own when none).
    form: String,
    cell_keys: Vec<CellKey>,
    /// Per row, where its keys lie in `cell_keys`.
    row_ranges: Vec<std::ops::Range<usize>>,
    matching: Matching,
    equations: Vec<Equation>,
    /// Per row, the equations that involve it, as the row sees them.
    row_equations: Vec<Vec<rules::RowEquation>>,
    cross_equations: Vec<CrossEquation>,
    links: Vec<ProseLink>,
    mix: Vec<MixPart>,
    labels: crate::check::labels::Labels,
}

/// A table's matching data in compact form (see [`compact`]), as the mapper compares it with source labels.
#[derive(Debug, Clone, Default)]
pub struct Matching {
    pub cues: Vec<String>,
    pub version_cues: Vec<String>,
    /// Per group, its key and patterns.
    pub groups: Vec<(String, Vec<String>)>,
    /// The rows' patterns, row after row, searched for together.
    pub row_patterns: GroupedPatterns,
    /// Which row patterns hold a parenthesis (looked for in the whole label, the others outside its notes).
    pub noted: Vec<bool>,
    /// The groups' patterns, group after group.
    pub group_patterns: GroupedPatterns,
}

impl TableSpec {
    pub fn column(&self, key: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.key == key)
    }

    pub fn row(&self, key: &str) -> Option<&RowSpec> {
        self.rows.iter().find(|r| r.key == key)
    }

    /// The printed names of the table's rows and value cells, for messages.
    pub fn labels(&self) -> &crate::check::labels::Labels {
        &self.prepared.labels
    }

    /// The version of the oldest table with this key and the same definition: two tables of one form map the same
    /// rows to the same cells.
    pub fn form(&self) -> &str {
        &self.prepared.form
    }

    /// Every cell key (`<row>.<col>`) of this table, in official order.
    pub fn cell_keys(&self) -> &[CellKey] {
        &self.prepared.cell_keys
    }

    /// Number of value cells in this table.
    pub fn cell_count(&self) -> usize {
        self.prepared.cell_keys.len()
    }

    /// The table's patterns in compact form.
    pub fn matching(&self) -> &Matching {
        &self.prepared.matching
    }

    /// The rules instantiated as equations, in rule order.
    pub fn equations(&self) -> &[Equation] {
        &self.prepared.equations
    }

    /// The keys of row `index`'s cells, in column order.
    pub fn row_keys(&self, index: usize) -> &[CellKey] {
        let range = self.prepared.row_ranges.get(index).cloned().unwrap_or_default();
        self.prepared.cell_keys.get(range).unwrap_or_default()
    }

    /// The equations that involve row `index` (in row order), as that row sees them.
    pub fn row_equations(&self, index: usize) -> &[rules::RowEquation] {
        self.prepared.row_equations.get(index).map_or(&[], Vec::as_slice)
    }

    /// The prose figures this table holds, with their cells.
    pub fn prose_links(&self) -> &[ProseLink] {
        &self.prepared.links
    }

    /// The cross-report rules instantiated as equations, in rule order.
    pub fn cross_equations(&self) -> &[CrossEquation] {
        &self.prepared.cross_equations
    }

    /// The parts of the summary's mix chart, each with its label and cells (see [`SummarySpec::mix`]).
    pub fn mix(&self) -> &[MixPart] {
        &self.prepared.mix
    }

    /// Columns in the order they first appear across rows: the physical order of value columns.
    pub fn ordered_columns(&self) -> Vec<&ColumnSpec> {
        let mut seen: Vec<&str> = Vec::new();
        for row in &self.rows {
            for col in &row.columns {
                if !seen.contains(&col.as_str()) {
                    seen.push(col);
                }
            }
        }
        seen.iter().filter_map(|k| self.column(k)).collect()
    }

    /// Derives the prepared data and returns every problem of the table's data.
    fn prepare(&mut self) -> Vec<String> {
        let mut problems = self.check_keys();
        self.prepared.cell_keys =
            self.rows.iter().flat_map(|r| r.columns.iter().map(move |c| CellKey::new(&r.key, c))).collect();
        self.prepared.row_ranges = self
            .rows
            .iter()
            .scan(0, |at, row| {
                let range = *at..*at + row.columns.len();
                *at = range.end;
                Some(range)
            })
            .collect();
        self.prepared.labels = crate::check::labels::Labels::new(self);
        let compacted = |patterns: &[String]| patterns.iter().map(|p| compact(p)).collect::<Vec<_>>();
        let rows: Vec<Vec<String>> = self.rows.iter().map(|r| compacted(&r.patterns)).collect();
        let groups: Vec<(String, Vec<String>)> =
            self.groups.iter().map(|g| (g.key.clone(), compacted(&g.patterns))).collect();
        self.prepared.matching = Matching {
            cues: compacted(&self.cues),
            version_cues: compacted(&self.version_cues),
            row_patterns: GroupedPatterns::new(&rows),
            noted: rows.iter().flatten().map(|p| p.contains('(')).collect(),
            group_patterns: GroupedPatterns::new(groups.iter().map(|(_, patterns)| patterns)),
            groups,
        };
        match rules::equations(self) {
            Ok(equations) => self.prepared.equations = equations,
            Err(e) => problems.push(e.to_string()),
        }
        self.prepared.row_equations = (0..self.rows.len())
            .map(|index| rules::row_equations(self.row_keys(index), &self.prepared.equations))
            .collect();
        match rules::cross_equations(self) {
            Ok(equations) => self.prepared.cross_equations = equations,
            Err(e) => problems.push(e.to_string()),
        }
        let keys: HashSet<&CellKey> = self.prepared.cell_keys.iter().collect();
        for eq in &self.prepared.equations {
            for cell in eq.cells().filter(|c| !keys.contains(c)) {
                problems.push(format!("rule {} names `{cell}`, which is not a cell of the table", eq.rule));
            }
        }
        // A term of the year before names a cell of this version too: the rule is written in its keys.
        for eq in &self.prepared.cross_equations {
            for term in eq.terms().filter(|t| !keys.contains(&t.cell)) {
                problems.push(format!("rule {} names `{}`, which is not a cell of the table", eq.rule, term.cell));
            }
        }
        match self.summary.resolve(self) {
            Ok(mix) => self.prepared.mix = mix,
            Err(summary_problems) => problems.extend(summary_problems.into_iter().map(|p| format!("summary: {p}"))),
        }
        let mut links = Vec::new();
        for link in &self.links {
            match link.resolve(self) {
                Ok(resolved) => links.push(resolved),
                Err(problem) => problems.push(format!("link {}: {problem}", link.metric)),
            }
        }
        self.prepared.links = links;
        problems.extend(self.check_layout());
        problems
    }

    /// Keys are unique, free of `.` (cell keys are `<row>.<col>`), and every key a row names is declared.
    fn check_keys(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen = HashSet::default();
        let keys = self.rows.iter().map(|r| ("row", &r.key)).chain(self.columns.iter().map(|c| ("column", &c.key)));
        for (what, key) in keys.chain(self.groups.iter().map(|g| ("group", &g.key))) {
            if key.is_empty() || key.contains('.') {
                problems.push(format!("{what} key `{key}` is empty or contains `.`"));
            }
            if !seen.insert((what, key)) {
                problems.push(format!("{what} `{key}` is declared twice"));
            }
        }
        for row in &self.rows {
            if row.columns.is_empty() {
                problems.push(format!("row `{}` has no columns", row.key));
            }
            for col in row.columns.iter().filter(|c| self.column(c).is_none()) {
                problems.push(format!("row `{}` names column `{col}`, which is not declared", row.key));
            }
            if let Some(g) = row.group.as_deref().filter(|g| !self.groups.iter().any(|x| x.key == *g)) {
                problems.push(format!("row `{}` names group `{g}`, which is not declared", row.key));
            }
        }
        for col in &self.columns {
            if col.kind == ValueKind::Money && col.unit.is_none() {
                problems.push(format!("money column `{}` has no `unit`", col.key));
            }
            if col.unit_in_header && col.kind != ValueKind::Money {
                problems.push(format!("column `{}` is not money but has `unit_in_header`", col.key));
            }
        }
        problems
    }

    /// The layout draws every row once, in order, with exactly its columns.
    fn check_layout(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let laid: Vec<&str> = self.layout.iter().filter_map(|l| l.row.as_deref()).collect();
        let rows: Vec<&str> = self.rows.iter().map(|r| r.key.as_str()).collect();
        if laid != rows {
            problems.push(format!("the layout draws rows {laid:?}, the table has {rows:?}"));
        }
        for line in &self.layout {
            let drawn: Vec<&str> = line.cells.iter().filter_map(|c| c.value.as_deref()).collect();
            match line.row.as_deref().map(|r| (r, self.row(r))) {
                Some((_, Some(row))) if drawn != row.columns.iter().map(String::as_str).collect::<Vec<_>>() => {
                    problems.push(format!("the layout draws row `{}` with columns {drawn:?}", row.key));
                }
                None if !drawn.is_empty() => problems.push(format!("the layout draws values {drawn:?} in no row")),
                _ => {}
            }
        }
        problems
    }
}

/// How a cell's value is to be read and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// Non-negative whole number (件).
    Count,
    /// Whole number that may be negative (本年增/减).
    SignedCount,
    /// Non-negative amount of money, reported in the column's `unit`.
    Money,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ColumnSpec {
    /// Machine key (reference §7), e.g. `natural_person`.
    pub key: String,
    /// Printed label in the official form.
    pub label: String,
    /// Other printed forms seen in the wild.
    #[serde(default)]
    pub aliases: Vec<String>,
    pub kind: ValueKind,
    /// Template unit of the value (money columns: `万元`); amounts printed in another money unit are converted.
    #[serde(default)]
    pub unit: Option<String>,
    /// The official form prints the unit in this column's header (`本年收费金额（单位：万元）`), so a bare number
    /// there is in that unit.
    #[serde(default)]
    pub unit_in_header: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct GroupSpec {
    pub key: String,
    /// Printed group label, e.g. `（三）不予公开`.
    pub label: String,
    /// Distinctive substrings of the group label (normalised compact text).
    #[serde(rename = "match")]
    pub patterns: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RowSpec {
    /// Machine key (reference §7), e.g. `new_received`.
    pub key: String,
    /// Printed label in the official form (the most specific label cell).
    pub label: String,
    /// Distinctive substrings of the label (normalised compact text); the longest match wins.
    #[serde(rename = "match", default)]
    pub patterns: Vec<String>,
    /// The group this row belongs to, if any.
    #[serde(default)]
    pub group: Option<String>,
    /// Match this row's patterns only while its group label is the current context (for generic labels such
    /// as `3.其他`).
    #[serde(default)]
    pub needs_group: bool,
    /// The row is printed without a label (表四's single data row): an unlabelled value row in this table is it.
    #[serde(default)]
    pub unlabelled: bool,
    /// Column keys of this row's value cells, in printed order.
    pub columns: Vec<String>,
}

/// One row of the official form as printed: captions, headers and value rows.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct LayoutRow {
    /// The value row drawn here, if this is a value row.
    #[serde(default)]
    pub row: Option<String>,
    /// Cells from left to right, skipping positions covered by a span from a row above (as in HTML).
    pub cells: Vec<LayoutCell>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct LayoutCell {
    /// Literal text (caption, header, row label, note).
    #[serde(default)]
    pub text: Option<String>,
    /// Column key of the value drawn here (value rows only).
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default = "one")]
    pub colspan: u32,
    #[serde(default = "one")]
    pub rowspan: u32,
}

fn one() -> u32 {
    1
}

/// An arithmetic rule: `lhs = rhs`, each side a sum of cell keys, instantiated for every binding of `each`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RuleSpec {
    /// Rule id as in the reference: `R1` … `R4`.
    pub id: String,
    /// Chinese name of the rule.
    pub name: String,
    /// English gloss.
    pub gloss: String,
    /// Expression such as `new_received.{c} + carried_over.{c} = results_total.{c} + carried_forward.{c}`.
    pub expr: String,
    /// Placeholder bindings: `{ c = ["natural_person", …] }`. Empty: the expression is used once.
    #[serde(default)]
    pub each: BTreeMap<String, Vec<String>>,
}

/// A rule between two reports of the same agency, a year apart: like [`RuleSpec`], with the terms of the earlier
/// report prefixed `prior.` and terms that may be subtracted (`in_force = prior.in_force + issued - repealed`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CrossRuleSpec {
    /// Rule id (`X1` …), distinct from every rule of a single report.
    pub id: String,
    /// Chinese name of the rule.
    pub name: String,
    /// English gloss.
    pub gloss: String,
    pub expr: String,
    #[serde(default)]
    pub each: BTreeMap<String, Vec<String>>,
    /// How serious a difference is: `error` when the two figures count the same things, `warning` when the
    /// relation is only expected to hold.
    pub severity: Severity,
}

/// What the summary workbook of `bulk` shows of a table: its key cells, and the data of its charts.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SummarySpec {
    /// The key cells, one column each, in this order.
    #[serde(default)]
    pub cells: Vec<String>,
    /// A cell summed over the reports of each year and charted per year.
    #[serde(default)]
    pub per_year: Option<String>,
    /// The per-year chart's title.
    #[serde(default)]
    pub per_year_title: Option<String>,
    /// Rows or groups whose `mix_column` cells, summed over every report, make a pie chart of the table's mix
    /// (the outcomes of 表三): a row stands for its cell, a group for the sum of its rows' cells.
    #[serde(default)]
    pub mix: Vec<String>,
    #[serde(default)]
    pub mix_column: Option<String>,
    /// The mix chart's title.
    #[serde(default)]
    pub mix_title: Option<String>,
}

/// One part of the mix chart: a row or a group of the table, and its cells in the mix column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixPart {
    /// The row or group key.
    pub key: String,
    /// The printed label of the row or group.
    pub label: String,
    pub cells: Vec<CellKey>,
}

impl SummarySpec {
    /// The mix parts, and every problem: cells that are not the table's, mix parts that are no row or group.
    fn resolve(&self, spec: &TableSpec) -> Result<Vec<MixPart>, Vec<String>> {
        let mut problems = Vec::new();
        let keys = spec.cell_keys();
        for cell in self.cells.iter().chain(&self.per_year) {
            if !CellKey::parse(cell).is_ok_and(|k| keys.contains(&k)) {
                problems.push(format!("`{cell}` is not a cell of the table"));
            }
        }
        let column = self.mix_column.as_deref().unwrap_or_default();
        if self.mix.is_empty() != self.mix_column.is_none() {
            problems.push("give both `mix` and `mix_column`, or neither".to_string());
        }
        let mut mix = Vec::new();
        for part in &self.mix {
            let (label, rows): (String, Vec<&RowSpec>) =
                match (spec.row(part), spec.groups.iter().find(|g| g.key == *part)) {
                    (Some(row), None) => (row.label.clone(), vec![row]),
                    (None, Some(group)) => {
                        (group.label.clone(), spec.rows.iter().filter(|r| r.group.as_deref() == Some(part)).collect())
                    }
                    _ => {
                        problems.push(format!("mix part `{part}` is not one row or group of the table"));
                        continue;
                    }
                };
            let cells: Vec<CellKey> = rows
                .iter()
                .filter(|r| r.columns.iter().any(|c| c == column))
                .map(|r| CellKey::new(&r.key, column))
                .collect();
            if cells.is_empty() {
                problems.push(format!("mix part `{part}` has no cell in column `{column}`"));
            }
            mix.push(MixPart { key: part.clone(), label, cells });
        }
        if problems.is_empty() {
            Ok(mix)
        } else {
            Err(problems)
        }
    }
}

/// A figure the prose states and the cells of this table whose sum it is: either `cells`, or the `column` of every
/// row of `group`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct LinkSpec {
    /// The metric key of the prose figure (`applications_received`).
    pub metric: String,
    #[serde(default)]
    pub cells: Vec<String>,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub column: Option<String>,
    /// The figure means exactly this one cell and may be placed as a prose-derived value.
    #[serde(default)]
    pub place: bool,
}

/// A [`LinkSpec`] with its cells resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProseLink {
    pub metric: String,
    /// The cells whose sum the figure states.
    pub cells: Vec<CellKey>,
    /// The figure may be placed as the value of its single cell.
    pub place: bool,
}

impl LinkSpec {
    fn resolve(&self, spec: &TableSpec) -> Result<ProseLink, String> {
        let cells: Vec<CellKey> = match (&self.group, &self.column, self.cells.is_empty()) {
            (None, None, false) => {
                self.cells.iter().map(|c| CellKey::parse(c).map_err(|e| e.to_string())).collect::<Result<_, _>>()?
            }
            (Some(group), Some(column), true) => spec
                .rows
                .iter()
                .filter(|r| r.group.as_deref() == Some(group) && r.columns.contains(column))
                .map(|r| CellKey::new(&r.key, column))
                .collect(),
            _ => return Err("give either `cells`, or `group` and `column`".to_string()),
        };
        if cells.is_empty() {
            return Err("names no cell".to_string());
        }
        if let Some(missing) = cells.iter().find(|c| !spec.cell_keys().contains(c)) {
            return Err(format!("`{missing}` is not a cell of the table"));
        }
        if self.place && cells.len() != 1 {
            return Err("only a figure that states one cell can be placed".to_string());
        }
        Ok(ProseLink { metric: self.metric.clone(), cells, place: self.place })
    }
}

/// What every version of the form shares: the report's sections.
#[derive(Debug, Clone, Deserialize)]
pub struct Common {
    /// The sections in official order.
    pub sections: Vec<SectionSpec>,
    /// Section keys in the order their titles are tried: the first whose words match wins.
    pub title_order: Vec<String>,
    /// The title patterns, compiled, in `title_order`.
    #[serde(skip)]
    titles: Vec<(String, Regex)>,
    /// Every section's phrases in compact form.
    #[serde(skip)]
    phrases: Vec<String>,
}

/// One section of the report.
#[derive(Debug, Clone, Deserialize)]
pub struct SectionSpec {
    /// Public key (`s1` … `s6`, `fees` of the old outline).
    pub key: String,
    /// The official heading, for the sections the form requires (`一、总体情况`).
    #[serde(default)]
    pub heading: Option<String>,
    /// Words of a title that opens this section, as a regular expression over folded text.
    pub title: String,
    /// Heading phrases that mark a document as an annual report (compared on compact text).
    #[serde(default)]
    pub phrases: Vec<String>,
}

impl Common {
    fn parse(file: &str, text: &str) -> Result<Common, TemplateError> {
        let mut common: Common =
            toml::from_str(text).map_err(|source| TemplateError::Syntax { file: file.to_string(), source })?;
        let mut problems = Vec::new();
        for key in &common.title_order {
            match common.sections.iter().find(|s| &s.key == key) {
                Some(section) => match Regex::new(&section.title) {
                    Ok(re) => common.titles.push((key.clone(), re)),
                    Err(e) => problems.push(format!("section {key}: {e}")),
                },
                None => problems.push(format!("title_order names `{key}`, which is not a section")),
            }
        }
        if let Some(s) = common.sections.iter().find(|s| !common.title_order.contains(&s.key)) {
            problems.push(format!("section {} is missing from title_order", s.key));
        }
        common.phrases = common.sections.iter().flat_map(|s| s.phrases.iter().map(|p| compact(p))).collect();
        if problems.is_empty() {
            Ok(common)
        } else {
            Err(TemplateError::Invalid { file: file.to_string(), problems })
        }
    }

    /// The sections the form requires, with their official headings, in order.
    pub fn required(&self) -> impl Iterator<Item = (&str, &str)> {
        self.sections.iter().filter_map(|s| s.heading.as_deref().map(|h| (s.key.as_str(), h)))
    }

    /// The key of the section a title (folded text, number removed) opens, if its words name one.
    pub fn section_of_title(&self, title: &str) -> Option<&str> {
        self.titles.iter().find(|(_, re)| re.is_match(title)).map(|(key, _)| key.as_str())
    }

    /// Every heading phrase of every section, in compact form.
    pub fn phrases(&self) -> &[String] {
        &self.phrases
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_row_has_its_own_keys_and_the_equations_that_name_them() {
        for spec in all().iter().flat_map(|t| &t.tables) {
            for (index, row) in spec.rows.iter().enumerate() {
                let keys: Vec<CellKey> = row.columns.iter().map(|c| CellKey::new(&row.key, c)).collect();
                assert_eq!(spec.row_keys(index), keys.as_slice(), "{}: {}", spec.key, row.key);
                let naming = spec.equations().iter().filter(|eq| eq.cells().any(|k| keys.contains(k))).count();
                assert_eq!(spec.row_equations(index).len(), naming, "{}: {}", spec.key, row.key);
            }
            assert!(spec.row_keys(spec.rows.len()).is_empty());
        }
    }

    #[test]
    fn embedded_templates_parse_and_have_the_official_cell_counts() {
        let counts: Vec<(String, Vec<usize>)> =
            all().iter().map(|t| (t.version.clone(), t.tables.iter().map(|s| s.cell_count()).collect())).collect();
        assert_eq!(
            counts,
            vec![("gov2019".to_string(), vec![22, 161, 15]), ("gov2021".to_string(), vec![10, 175, 15]),]
        );
        assert_eq!(Catalog::embedded().table_keys(), ["t2", "t3", "t4"]);
        let required: Vec<&str> = Catalog::embedded().sections().required().map(|(k, _)| k).collect();
        assert_eq!(required, ["s1", "s2", "s3", "s4", "s5", "s6"]);
    }

    #[test]
    fn year_selects_version() {
        assert_eq!(for_year(2018).map(|t| t.version.as_str()), None);
        assert_eq!(for_year(2020).map(|t| t.version.as_str()), Some("gov2019"));
        assert_eq!(for_year(2023).map(|t| t.version.as_str()), Some("gov2021"));
        let catalog = Catalog::embedded();
        assert_eq!(catalog.first().map(|t| t.version.as_str()), Some("gov2019"));
        assert_eq!(catalog.newest().map(|t| t.version.as_str()), Some("gov2021"));
    }

    #[test]
    fn a_table_a_revision_kept_as_it_was_has_the_older_form() {
        let forms = |catalog: &Catalog| -> Vec<(String, String, String)> {
            let tables = catalog.all().iter().flat_map(|t| t.tables.iter().map(move |s| (t, s)));
            tables.map(|(t, s)| (t.version.clone(), s.key.clone(), s.form().to_string())).collect()
        };
        let own = |v: &str, k: &str| (v.to_string(), k.to_string(), v.to_string());
        let kept = ("gov2021".to_string(), "t4".to_string(), "gov2019".to_string());
        let want = [own("gov2019", "t2"), own("gov2019", "t3"), own("gov2019", "t4")];
        let want2021 = [own("gov2021", "t2"), own("gov2021", "t3"), kept];
        assert_eq!(forms(Catalog::embedded()), [want.clone(), want2021].concat());
        // One word changed in 2021's 表四 makes it a form of its own.
        let files: Vec<(&str, String)> = embedded::EMBEDDED
            .iter()
            .map(|(n, t)| {
                (
                    *n,
                    if *n == "gov2021.toml" {
                        t.replacen("\"其他结果\"", "\"其它结果\"", 1)
                    } else {
                        t.to_string()
                    },
                )
            })
            .collect();
        let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let edited = Catalog::from_files(&files).expect("valid");
        assert_eq!(forms(&edited), [want, [own("gov2021", "t2"), own("gov2021", "t3"), own("gov2021", "t4")]].concat());
    }

    /// The embedded gov2021 file with one edit.
    fn gov2021_with(old: &str, new: &str) -> Result<Template, TemplateError> {
        let text = embedded::EMBEDDED.iter().find(|(n, _)| *n == "gov2021.toml").map(|(_, t)| *t).expect("file");
        assert_eq!(text.matches(old).count(), 1, "{old}");
        Template::parse("edited.toml", &text.replacen(old, new, 1))
    }

    fn problems(result: Result<Template, TemplateError>) -> String {
        match result {
            Err(e @ TemplateError::Invalid { .. }) => e.to_string(),
            other => panic!("expected an invalid template, got {other:?}"),
        }
    }

    #[test]
    fn a_cell_key_the_data_names_must_exist_in_its_table() {
        assert!(gov2021_with("name = \"表三\"", "name = \"表三\"").is_ok());
        let rule = problems(gov2021_with("cases.{g}_pending\"", "cases.{g}_open\""));
        assert!(rule.contains("rule R4 names `cases.review_open`"), "{rule}");
        let link = problems(gov2021_with("cells = [\"new_received.total\"]", "cells = [\"new_received.sum\"]"));
        assert!(link.contains("link applications_received: `new_received.sum` is not a cell"), "{link}");
        let group = problems(gov2021_with(
            "metric = \"applications_withheld\"\ngroup = \"withheld\"",
            "metric = \"applications_withheld\"\ngroup = \"secret\"",
        ));
        assert!(group.contains("link applications_withheld: names no cell"), "{group}");
        let layout = problems(gov2021_with(
            "{ text = \"规章\" }, { value = \"issued\" }, { value = \"repealed\" }",
            "{ text = \"规章\" }, { value = \"issued\" }, { value = \"abolished\" }",
        ));
        assert!(layout.contains("the layout draws row `regulations` with columns"), "{layout}");
        let row = problems(gov2021_with(
            "match = [\"行政许可\"], columns = [\"decisions\"]",
            "match = [\"行政许可\"], columns = [\"decision\"]",
        ));
        assert!(row.contains("row `admin_licensing` names column `decision`"), "{row}");
        let cross = problems(gov2021_with("prior.carried_forward.{c}", "prior.carried_ahead.{c}"));
        assert!(cross.contains("rule X1 names `carried_ahead.total`"), "{cross}");
        let summary = problems(gov2021_with("per_year = \"new_received.total\"", "per_year = \"new_received.sum\""));
        assert!(summary.contains("summary: `new_received.sum` is not a cell"), "{summary}");
        let mix = problems(gov2021_with("\"not_processed\", \"other_processing\"]", "\"not_processed\", \"other\"]"));
        assert!(mix.contains("summary: mix part `other` is not one row or group"), "{mix}");
    }

    #[test]
    fn a_second_file_with_a_known_version_is_refused() {
        let again = gov2021_with("name = \"表三\"", "name = \"表三\"").expect("valid");
        assert!(matches!(Catalog::embedded().with_template(again), Err(TemplateError::Duplicate { .. })));
    }

    /// No Rust code outside tests names a cell of the form: the keys live in `templates/` only.
    #[test]
    fn no_code_outside_tests_names_a_cell_key() {
        let row_keys: HashSet<&str> =
            all().iter().flat_map(|t| &t.tables).flat_map(|s| &s.rows).map(|r| r.key.as_str()).collect();
        let literal = Regex::new(r#""([a-z][a-z0-9_]*)\.[a-z][a-z0-9_]*""#).expect("valid");
        let mut found = Vec::new();
        let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("src is readable").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                if !name.ends_with(".rs") || name == "tests.rs" {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("source is readable");
                // Unit tests sit at the end of a file, after `#[cfg(test)]`; comments are not code.
                let tested = text.split("#[cfg(test)]").next().unwrap_or_default();
                let code: String =
                    tested.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
                for caps in literal.captures_iter(&code) {
                    if caps.get(1).is_some_and(|row| row_keys.contains(row.as_str())) {
                        found.push(format!("{}: {}", path.display(), &caps[0]));
                    }
                }
            }
        }
        assert_eq!(found, Vec::<String>::new());
    }
}
