//! The fixture specs (`<stem>.expect.md` beside each report fixture): a strict parser and the cells a spec
//! implies. The format is documented in `fixtures/README.md`; a spec is written by reading the source document,
//! never from the program's output.
//!
//! Strict means: inside a machine section every non-empty line must be one of the documented bullet forms, every
//! section heading must be a known one, a cell may be stated once, and every key must exist in the form version
//! the spec gives its table. A typo is a parse error, never a silently dropped expectation.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::form;

/// A table's status as the spec states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Found,
    Partial,
    Absent,
}

impl Status {
    /// The status as `inspect --json` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Found => "found",
            Status::Partial => "partial",
            Status::Absent => "absent",
        }
    }
}

/// One table of the spec: its status and the form version (`None`: the JSON has `null`).
#[derive(Debug, Clone, PartialEq)]
pub struct TableLine {
    pub status: Status,
    pub template: Option<String>,
}

/// What the cells a spec does not list are, in a found or partial table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Default {
    Zero,
    Blank,
}

/// Where a cell's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Table,
    Prose,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Table => "table",
            Source::Prose => "prose",
        }
    }
}

/// The expectation for one cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A number; `printed` is the source text when the spec fixes it (`减3`, `251000元`).
    Value { value: f64, printed: Option<String>, source: Source },
    /// Printed empty.
    Blank,
    /// A not-applicable mark, kept as printed.
    Na { mark: String },
}

/// A rule instance the source document itself breaks (its numbers do not add up).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct KnownError {
    pub rule: String,
    pub binding: String,
}

/// A parsed spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub path: PathBuf,
    pub kind: String,
    pub year: Option<i64>,
    pub agency: Option<String>,
    pub published: Option<String>,
    pub template: Option<String>,
    /// `t2`, `t3`, `t4`.
    pub tables: BTreeMap<String, TableLine>,
    pub default: Option<Default>,
    /// Cells listed explicitly, by table then `row.col`.
    pub listed: BTreeMap<String, BTreeMap<String, Cell>>,
    /// Cells the source does not print, by table.
    pub absent: BTreeMap<String, Vec<String>>,
    /// Money cells with their unit (`None`: the source printed a bare number), by `(table, cell)`.
    pub units: BTreeMap<(String, String), Option<String>>,
    /// `(table, raw)` of every number the program must list as unplaced.
    pub unplaced: Vec<(String, String)>,
    pub known_errors: Vec<KnownError>,
}

/// A parse error with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

/// The sections a spec may have. Everything before the first `##` heading, and the `Notes` section, is free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Report,
    Tables,
    Values(usize),
    Blank,
    Na,
    Absent,
    Units,
    Prose,
    Unplaced,
    KnownErrors,
    Notes,
}

impl Section {
    fn from_heading(heading: &str) -> Option<Section> {
        Some(match heading {
            "Report" => Section::Report,
            "Tables" => Section::Tables,
            "t2 — non-zero cells" => Section::Values(0),
            "t3 — non-zero cells" => Section::Values(1),
            "t4 — non-zero cells" => Section::Values(2),
            "Blank cells" => Section::Blank,
            "Not-applicable cells" => Section::Na,
            "Absent cells" => Section::Absent,
            "Units" => Section::Units,
            "Cells from the prose" => Section::Prose,
            "Unplaced numbers" => Section::Unplaced,
            "Known errors of the source" => Section::KnownErrors,
            "Notes" => Section::Notes,
            _ => return None,
        })
    }
}

/// Reads and parses the spec at `path`.
pub fn load(path: &Path) -> Result<Spec, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|e| SpecError {
        path: path.to_path_buf(),
        line: 0,
        message: format!("cannot read: {e}"),
    })?;
    parse(&text, path)
}

/// Parses the text of a spec; `path` names it in errors.
pub fn parse(text: &str, path: &Path) -> Result<Spec, SpecError> {
    Parser::new(path).run(text)
}

struct Parser {
    path: PathBuf,
    line: usize,
    section: Option<Section>,
    seen_sections: Vec<Section>,
    report: BTreeMap<&'static str, Option<String>>,
    tables: BTreeMap<String, TableLine>,
    default: Option<Default>,
    /// Each listed cell with the line that listed it, to report duplicates.
    listed: BTreeMap<(String, String), (Cell, usize)>,
    absent: BTreeMap<(String, String), usize>,
    units: BTreeMap<(String, String), (Option<String>, usize)>,
    unplaced: Vec<(String, String)>,
    known_errors: Vec<(KnownError, usize)>,
    /// Sections holding an explicit `- none`.
    none: Vec<Section>,
}

const REPORT_FIELDS: [&str; 5] = ["kind", "year", "agency", "published", "template"];

impl Parser {
    fn new(path: &Path) -> Parser {
        Parser {
            path: path.to_path_buf(),
            line: 0,
            section: None,
            seen_sections: Vec::new(),
            report: BTreeMap::new(),
            tables: BTreeMap::new(),
            default: None,
            listed: BTreeMap::new(),
            absent: BTreeMap::new(),
            units: BTreeMap::new(),
            unplaced: Vec::new(),
            known_errors: Vec::new(),
            none: Vec::new(),
        }
    }

    fn err<T>(&self, message: impl Into<String>) -> Result<T, SpecError> {
        Err(SpecError { path: self.path.clone(), line: self.line, message: message.into() })
    }

    fn err_at<T>(&self, line: usize, message: impl Into<String>) -> Result<T, SpecError> {
        Err(SpecError { path: self.path.clone(), line, message: message.into() })
    }

    fn run(mut self, text: &str) -> Result<Spec, SpecError> {
        for (i, raw) in text.lines().enumerate() {
            self.line = i + 1;
            let line = raw.trim_end();
            if let Some(heading) = line.strip_prefix("## ") {
                let Some(section) = Section::from_heading(heading.trim()) else {
                    return self.err(format!("unknown section `## {}`", heading.trim()));
                };
                if self.seen_sections.contains(&section) {
                    return self.err(format!("section `## {}` appears twice", heading.trim()));
                }
                self.seen_sections.push(section);
                self.section = Some(section);
                continue;
            }
            match self.section {
                None | Some(Section::Notes) => continue,
                Some(section) => self.machine_line(section, line)?,
            }
        }
        self.line = 0;
        self.finish()
    }

    /// One line of a machine section: blank, or a bullet of the section's forms.
    fn machine_line(&mut self, section: Section, line: &str) -> Result<(), SpecError> {
        if line.trim().is_empty() {
            return Ok(());
        }
        let Some(item) = line.strip_prefix("- ") else {
            return self.err(format!("expected a `- ` bullet in a machine section, found `{line}`"));
        };
        let item = strip_comment(item.trim());
        if is_none(item) {
            if matches!(section, Section::Report | Section::Tables) {
                return self.err("`none` is not a line of this section");
            }
            if self.none.contains(&section) {
                return self.err("`none` given twice");
            }
            self.none.push(section);
            return Ok(());
        }
        match section {
            Section::Report => self.report_line(item),
            Section::Tables => self.tables_line(item),
            Section::Values(i) => self.value_line(item, form::TABLES[i], Source::Table),
            Section::Prose => self.value_line(item, "", Source::Prose),
            Section::Blank => self.key_list_line(item, false),
            Section::Absent => self.key_list_line(item, true),
            Section::Na => self.na_line(item),
            Section::Units => self.unit_line(item),
            Section::Unplaced => self.unplaced_line(item),
            Section::KnownErrors => self.known_error_line(item),
            Section::Notes => Ok(()),
        }
    }

    fn report_line(&mut self, item: &str) -> Result<(), SpecError> {
        let Some((field, value)) = item.split_once(": ") else {
            return self.err(format!("expected `field: value`, found `{item}`"));
        };
        let Some(&field) = REPORT_FIELDS.iter().find(|f| **f == field) else {
            return self.err(format!("unknown report field `{field}` (known: {})", REPORT_FIELDS.join(", ")));
        };
        if self.report.contains_key(field) {
            return self.err(format!("`{field}` given twice"));
        }
        let value = value.trim();
        let value = (value != "none").then(|| value.to_string());
        match (field, value.as_deref()) {
            ("kind", Some("annual_report" | "other")) => {}
            ("kind", _) => return self.err("kind is `annual_report` or `other`"),
            ("year", Some(y)) if !(y.len() == 4 && y.parse::<i64>().is_ok()) => {
                return self.err(format!("year `{y}` is not a four-digit year"))
            }
            ("published", Some(d)) if !is_date(d) => return self.err(format!("published `{d}` is not YYYY-MM-DD")),
            ("template", Some(t)) if !form::VERSIONS.contains(&t) => {
                return self.err(format!("unknown template `{t}`"))
            }
            _ => {}
        }
        self.report.insert(field, value);
        Ok(())
    }

    fn tables_line(&mut self, item: &str) -> Result<(), SpecError> {
        if let Some(rest) = item.strip_prefix("every other cell of a found table is ") {
            if self.default.is_some() {
                return self.err("the default is given twice");
            }
            self.default = Some(match rest {
                "0" => Default::Zero,
                "blank" => Default::Blank,
                _ => return self.err("the default is `0` or `blank`"),
            });
            return Ok(());
        }
        let Some((table, rest)) = item.split_once(": ") else {
            return self.err(format!("expected `tN: status[, template]`, found `{item}`"));
        };
        if !form::TABLES.contains(&table) {
            return self.err(format!("unknown table `{table}`"));
        }
        if self.tables.contains_key(table) {
            return self.err(format!("`{table}` given twice"));
        }
        let (status, template) = match rest.split_once(", ") {
            Some((s, t)) => (s, Some(t.trim().to_string())),
            None => (rest, None),
        };
        let status = match status {
            "found" => Status::Found,
            "partial" => Status::Partial,
            "absent" => Status::Absent,
            _ => return self.err(format!("status `{status}` is not found, partial or absent")),
        };
        match &template {
            Some(t) if !form::VERSIONS.contains(&t.as_str()) => return self.err(format!("unknown template `{t}`")),
            None if status != Status::Absent => {
                return self.err(format!("a {} table needs its template", status.as_str()))
            }
            _ => {}
        }
        self.tables.insert(table.to_string(), TableLine { status, template });
        Ok(())
    }

    /// `` `t2.row.col` = N[, printed `X`] `` or `` `t3.row`: `col` N, `col` N ``.
    fn value_line(&mut self, item: &str, table: &str, source: Source) -> Result<(), SpecError> {
        let (key, rest) = self.leading_key(item)?;
        let parts: Vec<&str> = key.split('.').collect();
        if !table.is_empty() && parts.first() != Some(&table) {
            return self.err(format!("`{key}` is not a cell of {table}"));
        }
        match parts.as_slice() {
            [t, row, col] => {
                let Some(rest) = rest.strip_prefix(" = ") else {
                    return self.err(format!("expected `= value` after `{key}`"));
                };
                let (number, printed) = match rest.split_once(", printed ") {
                    Some((n, p)) => (n, Some(self.backticked(p)?.to_string())),
                    None => (rest, None),
                };
                let value = self.number(number, source)?;
                self.list(t, &format!("{row}.{col}"), Cell::Value { value, printed, source })
            }
            [t, row] if source == Source::Table => {
                let Some(rest) = rest.strip_prefix(": ") else {
                    return self.err(format!("expected `: `col` value, …` after `{key}`"));
                };
                for part in rest.split(", ") {
                    let (col, number) = self.leading_key(part)?;
                    let value = self.number(number.trim_start(), source)?;
                    self.list(t, &format!("{row}.{col}"), Cell::Value { value, printed: None, source })?;
                }
                Ok(())
            }
            _ => self.err(format!(
                "`{key}` is not `table.row.col`{}",
                if source == Source::Table { " or `table.row`" } else { "" }
            )),
        }
    }

    /// `` `t3.row.col` ``, `` `t3.row`: `col`, `col` `` or `` `t3.row`: every column ``.
    fn key_list_line(&mut self, item: &str, absent: bool) -> Result<(), SpecError> {
        let (key, rest) = self.leading_key(item)?;
        let parts: Vec<&str> = key.split('.').collect();
        let mut keys = Vec::new();
        match parts.as_slice() {
            [t, row, col] if rest.is_empty() => keys.push((t.to_string(), format!("{row}.{col}"))),
            [t, row] => {
                let Some(rest) = rest.strip_prefix(": ") else {
                    return self.err(format!("expected `: `col`, …` or `: every column` after `{key}`"));
                };
                if rest == "every column" {
                    let Some(version) = self.table_version(t) else {
                        return self.err(format!("`{t}` has no template in `## Tables` (list it there first)"));
                    };
                    let Some(cols) = form::rows(&version, t)
                        .and_then(|rows| rows.into_iter().find(|(r, _)| r == row).map(|(_, cols)| cols))
                    else {
                        return self.err(format!("`{row}` is not a row of {t} in {version}"));
                    };
                    keys.extend(cols.into_iter().map(|c| (t.to_string(), format!("{row}.{c}"))));
                } else {
                    for part in rest.split(", ") {
                        let (col, tail) = self.leading_key(part)?;
                        if !tail.is_empty() {
                            return self.err(format!("unexpected `{tail}` after `{col}`"));
                        }
                        keys.push((t.to_string(), format!("{row}.{col}")));
                    }
                }
            }
            _ => return self.err(format!("expected `table.row.col` or `table.row: …`, found `{item}`")),
        }
        for (t, cell) in keys {
            if absent {
                self.check_key(&t, &cell)?;
                if self.absent.contains_key(&(t.clone(), cell.clone()))
                    || self.listed.contains_key(&(t.clone(), cell.clone()))
                {
                    return self.err(format!("`{t}.{cell}` is stated twice"));
                }
                self.absent.insert((t, cell), self.line);
            } else {
                self.list(&t, &cell, Cell::Blank)?;
            }
        }
        Ok(())
    }

    /// `` `t2.row.col`: `/` ``.
    fn na_line(&mut self, item: &str) -> Result<(), SpecError> {
        let (key, rest) = self.leading_key(item)?;
        let Some((t, cell)) = key.split_once('.').filter(|(_, c)| c.contains('.')) else {
            return self.err(format!("`{key}` is not `table.row.col`"));
        };
        let Some(mark) = rest.strip_prefix(": ") else {
            return self.err(format!("expected `: `mark`` after `{key}`"));
        };
        let mark = self.backticked(mark)?.to_string();
        self.list(t, cell, Cell::Na { mark })
    }

    /// `` `t2.admin_fees.fee_amount`: 万元 `` or `: none`.
    fn unit_line(&mut self, item: &str) -> Result<(), SpecError> {
        let (key, rest) = self.leading_key(item)?;
        let Some((t, cell)) = key.split_once('.').filter(|(_, c)| c.contains('.')) else {
            return self.err(format!("`{key}` is not `table.row.col`"));
        };
        let Some(unit) = rest.strip_prefix(": ") else {
            return self.err(format!("expected `: unit` after `{key}`"));
        };
        if !form::is_money(t, cell) {
            return self.err(format!("`{key}` is not a money cell"));
        }
        let unit = match unit {
            "none" => None,
            "万元" => Some("万元".to_string()),
            _ => return self.err(format!("unit `{unit}` is not `万元` or `none`")),
        };
        let k = (t.to_string(), cell.to_string());
        if self.units.contains_key(&k) {
            return self.err(format!("the unit of `{key}` is given twice"));
        }
        self.units.insert(k, (unit, self.line));
        Ok(())
    }

    /// `` t2 `3012` ``.
    fn unplaced_line(&mut self, item: &str) -> Result<(), SpecError> {
        let Some((table, raw)) = item.split_once(' ') else {
            return self.err(format!("expected `tN `raw``, found `{item}`"));
        };
        if !form::TABLES.contains(&table) {
            return self.err(format!("unknown table `{table}`"));
        }
        let raw = self.backticked(raw)?.to_string();
        self.unplaced.push((table.to_string(), raw));
        Ok(())
    }

    /// `` R1 `natural_person` ``.
    fn known_error_line(&mut self, item: &str) -> Result<(), SpecError> {
        let Some((rule, binding)) = item.split_once(' ') else {
            return self.err(format!("expected `Rn `binding``, found `{item}`"));
        };
        if !matches!(rule, "R1" | "R2" | "R3" | "R4") {
            return self.err(format!("unknown rule `{rule}` (R1–R4)"));
        }
        let binding = self.backticked(binding)?.to_string();
        let error = KnownError { rule: rule.to_string(), binding };
        if self.known_errors.iter().any(|(e, _)| *e == error) {
            return self.err("known error given twice");
        }
        self.known_errors.push((error, self.line));
        Ok(())
    }

    /// Splits `` `key` rest `` into the key and the rest.
    fn leading_key<'a>(&self, item: &'a str) -> Result<(&'a str, &'a str), SpecError> {
        let Some(after) = item.strip_prefix('`') else {
            return self.err(format!("expected a `key` in backticks, found `{item}`"));
        };
        let Some(end) = after.find('`') else {
            return self.err(format!("unclosed backtick in `{item}`"));
        };
        let (key, rest) = after.split_at(end);
        let rest = rest.strip_prefix('`').unwrap_or(rest);
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
        {
            return self.err(format!("`{key}` is not a key (lower-case ASCII, digits, `_` and `.`)"));
        }
        Ok((key, rest))
    }

    /// The whole of `text` as one backticked string.
    fn backticked<'a>(&self, text: &'a str) -> Result<&'a str, SpecError> {
        match text.strip_prefix('`').and_then(|t| t.strip_suffix('`')) {
            Some(inner) if !inner.contains('`') => Ok(inner),
            _ => self.err(format!("expected one `text` in backticks, found `{text}`")),
        }
    }

    fn number(&self, text: &str, source: Source) -> Result<f64, SpecError> {
        let ok = {
            let digits = text.strip_prefix('-').unwrap_or(text);
            let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
            !int.is_empty() && !frac.is_empty() && int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
        };
        let value: f64 = match text.parse() {
            Ok(v) if ok => v,
            _ => return self.err(format!("`{text}` is not a number (digits, an optional `-` and `.`, no commas)")),
        };
        if value == 0.0 && source == Source::Table {
            return self.err("a non-zero cells section lists no zeros (unlisted cells take the default)");
        }
        Ok(value)
    }

    fn table_version(&self, table: &str) -> Option<String> {
        self.tables.get(table).and_then(|t| t.template.clone())
    }

    /// Checks that `cell` is a cell of `table` in the version `## Tables` gives it.
    fn check_key(&self, table: &str, cell: &str) -> Result<(), SpecError> {
        let Some(version) = self.table_version(table) else {
            return self.err(format!("`{table}` has no template in `## Tables` (list it there first)"));
        };
        if !form::cells(&version, table).iter().any(|c| c == cell) {
            return self.err(format!("`{table}.{cell}` is not a cell of {table} in {version}"));
        }
        Ok(())
    }

    fn list(&mut self, table: &str, cell: &str, expect: Cell) -> Result<(), SpecError> {
        self.check_key(table, cell)?;
        let key = (table.to_string(), cell.to_string());
        if self.listed.contains_key(&key) || self.absent.contains_key(&key) {
            return self.err(format!("`{table}.{cell}` is stated twice"));
        }
        self.listed.insert(key, (expect, self.line));
        Ok(())
    }

    /// Whole-spec checks, then the spec.
    fn finish(self) -> Result<Spec, SpecError> {
        for required in [Section::Report, Section::Tables, Section::Unplaced, Section::KnownErrors] {
            if !self.seen_sections.contains(&required) {
                let name = match required {
                    Section::Report => "Report",
                    Section::Tables => "Tables",
                    Section::Unplaced => "Unplaced numbers",
                    _ => "Known errors of the source",
                };
                return self.err(format!("missing section `## {name}`"));
            }
        }
        for field in REPORT_FIELDS {
            if !self.report.contains_key(field) {
                return self.err(format!("`## Report` lacks `{field}`"));
            }
        }
        for table in form::TABLES {
            if !self.tables.contains_key(table) {
                return self.err(format!("`## Tables` lacks `{table}`"));
            }
        }
        for (section, what) in
            [(Section::Unplaced, "Unplaced numbers"), (Section::KnownErrors, "Known errors of the source")]
        {
            let has_items = match section {
                Section::Unplaced => !self.unplaced.is_empty(),
                _ => !self.known_errors.is_empty(),
            };
            if has_items == self.none.contains(&section) {
                return self.err(format!("`## {what}` holds items or `- none`, exactly one of them"));
            }
        }
        let any_present = self.tables.values().any(|t| t.status != Status::Absent);
        if any_present != self.default.is_some() {
            return self
                .err("`## Tables` states the default for unlisted cells exactly when a table is found or partial");
        }
        for (i, table) in form::TABLES.iter().enumerate() {
            let line = &self.tables[*table];
            let section = Section::Values(i);
            let seen = self.seen_sections.contains(&section);
            let has_values = self
                .listed
                .iter()
                .any(|((t, _), (c, _))| t == table && matches!(c, Cell::Value { source: Source::Table, .. }));
            match line.status {
                Status::Absent if seen => {
                    return self.err(format!("`## {table} — non-zero cells` for an absent table"))
                }
                Status::Found | Status::Partial if !seen => {
                    return self.err(format!(
                        "missing `## {table} — non-zero cells` (write `- none` if every cell is the default)"
                    ))
                }
                Status::Found | Status::Partial if has_values == self.none.contains(&section) => {
                    return self
                        .err(format!("`## {table} — non-zero cells` holds cells or `- none`, exactly one of them"))
                }
                _ => {}
            }
            let absent_here = self.absent.keys().filter(|(t, _)| t == table).count();
            match line.status {
                Status::Partial if absent_here == 0 => {
                    return self.err(format!("{table} is partial but `## Absent cells` lists none of its cells"))
                }
                Status::Found | Status::Absent if absent_here > 0 => {
                    return self
                        .err(format!("`## Absent cells` lists cells of {table}, which is {}", line.status.as_str()))
                }
                _ => {}
            }
            for ((t, cell), (expect, at)) in &self.listed {
                if t != table {
                    continue;
                }
                let prose = matches!(expect, Cell::Value { source: Source::Prose, .. });
                if prose != (line.status == Status::Absent) {
                    let why = if prose {
                        "only absent tables have cells from the prose"
                    } else {
                        "an absent table has only cells from the prose"
                    };
                    return self.err_at(*at, format!("`{t}.{cell}`: {why}"));
                }
            }
            if line.status != Status::Absent {
                let version = line.template.clone().unwrap_or_default();
                for cell in form::cells(&version, table) {
                    let key = (table.to_string(), cell.clone());
                    if form::is_money(table, &cell) && !self.absent.contains_key(&key) && !self.units.contains_key(&key)
                    {
                        return self.err(format!("`## Units` lacks the money cell `{table}.{cell}`"));
                    }
                }
            }
        }
        for ((t, cell), (_, at)) in &self.units {
            let present = self.tables.get(t).is_some_and(|l| l.status != Status::Absent)
                && !self.absent.contains_key(&(t.clone(), cell.clone()))
                || self.listed.contains_key(&(t.clone(), cell.clone()));
            if !present {
                return self.err_at(*at, format!("`## Units` names `{t}.{cell}`, which the spec does not expect"));
            }
        }
        for (error, at) in &self.known_errors {
            let table = if error.rule == "R4" { "t4" } else { "t3" };
            let version = self.table_version(table).unwrap_or_default();
            if !form::equations(&version).iter().any(|e| e.rule == error.rule && e.binding == error.binding) {
                return self
                    .err_at(*at, format!("{} has no instance `{}` in {table} ({version})", error.rule, error.binding));
            }
        }

        let mut report = self.report;
        let mut take = |f: &str| report.remove(f).flatten();
        let kind = take("kind").unwrap_or_default();
        let year = take("year").and_then(|y| y.parse().ok());
        let (agency, published, template) = (take("agency"), take("published"), take("template"));
        let mut listed: BTreeMap<String, BTreeMap<String, Cell>> = BTreeMap::new();
        for ((t, cell), (expect, _)) in self.listed {
            listed.entry(t).or_default().insert(cell, expect);
        }
        let mut absent: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (t, cell) in self.absent.into_keys() {
            absent.entry(t).or_default().push(cell);
        }
        Ok(Spec {
            path: self.path,
            kind,
            year,
            agency,
            published,
            template,
            tables: self.tables,
            default: self.default,
            listed,
            absent,
            units: self.units.into_iter().map(|(k, (u, _))| (k, u)).collect(),
            unplaced: self.unplaced,
            known_errors: self.known_errors.into_iter().map(|(e, _)| e).collect(),
        })
    }
}

/// Drops a trailing ` (comment)` with balanced ASCII parentheses.
fn strip_comment(item: &str) -> &str {
    if !item.ends_with(')') {
        return item;
    }
    let mut depth = 0;
    for (i, c) in item.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return match item[..i].strip_suffix(' ') {
                        Some(head) => head.trim_end(),
                        None => item,
                    };
                }
            }
            _ => {}
        }
    }
    item
}

/// `none`, optionally followed by `: free text`.
fn is_none(item: &str) -> bool {
    item == "none" || item.starts_with("none: ")
}

fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())))
}

impl Spec {
    /// The cells `table` must have, by `row.col`: the listed ones, and for a found or partial table every other
    /// cell of its form version that is not absent, with the default.
    pub fn expected_cells(&self, table: &str) -> BTreeMap<String, Cell> {
        let mut out = self.listed.get(table).cloned().unwrap_or_default();
        let Some(line) = self.tables.get(table) else { return out };
        if line.status == Status::Absent {
            return out;
        }
        let absent = self.absent.get(table).cloned().unwrap_or_default();
        let version = line.template.clone().unwrap_or_default();
        for cell in form::cells(&version, table) {
            if absent.contains(&cell) || out.contains_key(&cell) {
                continue;
            }
            let expect = match self.default {
                Some(Default::Blank) => Cell::Blank,
                _ => Cell::Value { value: 0.0, printed: None, source: Source::Table },
            };
            out.insert(cell, expect);
        }
        out
    }

    /// The unit a cell must carry: `None` when it carries no `unit` field, `Some(None)` for `null`.
    pub fn unit(&self, table: &str, cell: &str) -> Option<Option<String>> {
        self.units.get(&(table.to_string(), cell.to_string())).cloned()
    }
}
