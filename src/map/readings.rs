//! Readings: the ways the printed values of one source row can stand for the cells of one template row.
//!
//! A row printed with one value per column has one reading, the printed one. Copies that lost the row's shape have
//! a set of possible readings, one kind per loss:
//! * **digits that ran together** (`1512000128` for seven cells): every way to cut the run into as many numbers,
//!   none with a leading zero unless it is `0`;
//! * **a number split by PDF spacing** (`1 2 0 0 0 0 0 1 2` for `12 0 0 0 0 0 12`): every way to join neighbouring
//!   groups of digits back into as many numbers;
//! * **blanks dropped** (5 numbers printed for 7 columns): every choice of the columns the printed numbers stood
//!   in, in printed order, the other cells blank;
//! * **an extra subtotal column** the form does not have (8 numbers for 7 columns, under a header that prints
//!   `小计`): every column that could be the extra one.
//!
//! Candidates are kept only when the template's equations that can be evaluated within the row, with the cells
//! already known, hold; a blank makes an equation unverifiable, never false. Which candidate is *the* reading, if
//! any, is decided by [`super::place`] over the whole table. Enumeration stops at [`MAX_READINGS`]: a row with
//! more possible readings than that stays unplaced.

use crate::hash::HashMap;

use crate::map::records::SourceCell;
use crate::map::value::{marked_run, Token};
use crate::report::{Amount, CellKey};
use crate::rules::{RowEquation, RowTerm};

/// How a row's printed values were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// One printed value per column.
    Printed,
    /// A run of digits cut into numbers.
    SplitDigits,
    /// Groups of digits separated by spaces joined into numbers.
    JoinedDigits,
    /// The printed numbers in some of the columns, the others blank.
    DroppedBlanks,
    /// One printed number left out as a column the form does not have.
    ExtraColumn,
}

impl How {
    /// What was inferred, for messages: Chinese, then an English gloss.
    pub fn describe(self) -> &'static str {
        match self {
            How::Printed => "按列读取 (one value per column)",
            How::SplitDigits => "数字连在一起，按算术关系拆分 (digits that ran together, split)",
            How::JoinedDigits => "数字被空格拆开，按算术关系合并 (digits split by spacing, joined)",
            How::DroppedBlanks => "空白单元格缺失，按算术关系确定列 (blank cells dropped; columns decided)",
            How::ExtraColumn => "多出的小计列按算术关系剔除 (an extra subtotal column left out)",
        }
    }
}

/// One reading: a source cell for every column of the row, in column order.
#[derive(Debug, Clone)]
pub struct Reading {
    pub how: How,
    pub cells: Vec<SourceCell>,
    /// The printed value left out as an extra column.
    pub dropped: Option<SourceCell>,
}

/// More readings than [`MAX_READINGS`]: the row cannot be decided within bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooMany;

/// Most readings of one row that are considered.
pub const MAX_READINGS: usize = 4096;

/// Longest number, in digits, a reading may contain.
const MAX_DIGITS: usize = 15;

/// What the readings of a row need to know about it.
pub struct RowShape<'a> {
    /// The row's cell keys, in column order.
    pub keys: &'a [CellKey],
    /// Every column holds whole-number counts: only then can digits be cut or joined.
    pub counts: bool,
    /// The table's header prints a subtotal (`小计`) the form does not have.
    pub extra_column: bool,
    /// Where an extra subtotal column may stand: beside a run of the row's columns the form prints under one
    /// header (`法人或其他组织` over five columns), as the sum of that run.
    pub groups: &'a [Subtotal],
}

/// A subtotal of the columns `first..=last`, printed at position `at` of the row (before `first`, or after
/// `last`, as the source's header places it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Subtotal {
    pub first: usize,
    pub last: usize,
    pub at: usize,
}

/// The template's equations restricted to one row: the row's cells by index, the known cells of other rows folded
/// into a constant. Equations touching a cell that is neither in the row nor known are left out.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LocalRules {
    equations: Vec<Local>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Local {
    lhs: Vec<usize>,
    rhs: Vec<usize>,
    constant: i64,
    /// The last row index the equation waits for.
    last: usize,
}

impl LocalRules {
    /// The rules of the row whose cells are `keys`, from the table's `equations` (the mapper takes each row's
    /// equations as the template prepared them, with [`LocalRules::of_row`]).
    #[cfg(test)]
    pub fn new(keys: &[CellKey], equations: &[crate::rules::Equation], known: &HashMap<CellKey, i64>) -> LocalRules {
        LocalRules::of_row(&crate::rules::row_equations(keys, equations), known)
    }

    /// The equations of one row (as the template prepares them) with the `known` cells of other rows folded into
    /// constants.
    pub fn of_row(row: &[RowEquation], known: &HashMap<CellKey, i64>) -> LocalRules {
        let equations = row
            .iter()
            .filter_map(|eq| {
                let mut constant = 0i64;
                let mut side = |terms: &[RowTerm], sign: i64| -> Option<Vec<usize>> {
                    let mut ix = Vec::new();
                    for term in terms {
                        match term {
                            RowTerm::Here(i) => ix.push(*i),
                            RowTerm::Elsewhere(k) => {
                                constant = constant.checked_add(sign.checked_mul(*known.get(k)?)?)?;
                            }
                        }
                    }
                    Some(ix)
                };
                let lhs = side(&eq.lhs, 1)?;
                let rhs = side(&eq.rhs, -1)?;
                let last = lhs.iter().chain(rhs.iter()).copied().max()?;
                Some(Local { lhs, rhs, constant, last })
            })
            .collect();
        LocalRules { equations }
    }

    /// No equation at all (for tests and rows without rules).
    pub fn none() -> LocalRules {
        LocalRules { equations: Vec::new() }
    }

    /// Whether an equation has the row's cell `cell`.
    fn touches(&self, cell: usize) -> bool {
        self.equations.iter().any(|eq| eq.lhs.contains(&cell) || eq.rhs.contains(&cell))
    }

    /// The rules with the row's cell `cell` known to be `value`, folded into the constants; `None` if an equation
    /// left with no cell does not hold. An equation the fold overflows is left out, as evaluating it would be.
    fn with_cell(&self, cell: usize, value: i64) -> Option<LocalRules> {
        let mut equations = Vec::with_capacity(self.equations.len());
        for eq in &self.equations {
            let count = |ix: &[usize]| ix.iter().filter(|&&i| i == cell).count() as i64;
            let (left, right) = (count(&eq.lhs), count(&eq.rhs));
            if left == 0 && right == 0 {
                equations.push(eq.clone());
                continue;
            }
            // sum(lhs) + constant = sum(rhs): the cell moves into the constant.
            let Some(constant) = value.checked_mul(left - right).and_then(|v| v.checked_add(eq.constant)) else {
                continue;
            };
            let lhs: Vec<usize> = eq.lhs.iter().copied().filter(|&i| i != cell).collect();
            let rhs: Vec<usize> = eq.rhs.iter().copied().filter(|&i| i != cell).collect();
            match lhs.iter().chain(rhs.iter()).copied().max() {
                Some(last) => equations.push(Local { lhs, rhs, constant, last }),
                None if constant != 0 => return None,
                None => {}
            }
        }
        Some(LocalRules { equations })
    }

    /// Every equation that can be evaluated holds; `None` values (blank, not a whole number) make theirs
    /// unverifiable.
    pub fn hold(&self, values: &[Option<i64>]) -> bool {
        self.equations.iter().all(|eq| eq.holds(values))
    }

    /// The equations whose last cell is `just` hold (for pruning while cells are placed left to right).
    fn hold_at(&self, values: &[Option<i64>], just: usize) -> bool {
        self.equations.iter().filter(|eq| eq.last == just).all(|eq| eq.holds(values))
    }

    /// Whether every equation still waiting for cells can hold when the `n - values.len()` cells after `values`
    /// are cut from the `digits` digits that remain: each such cell is a whole number of at most as many digits
    /// as are left once every other cell has one.
    ///
    /// Where every cell still to place is a number (`numbers`), together they are also at least as large as their
    /// digits force: the longest of them has at least ⌈digits / cells⌉ digits and, with no leading zero, is at
    /// least 10^(that − 1). An equation with all of them on one side needs that much on it.
    fn feasible(&self, values: &[Option<i64>], n: usize, digits: usize, numbers: bool) -> bool {
        let unplaced = n.saturating_sub(values.len());
        if unplaced == 0 || digits < unplaced {
            return true;
        }
        let longest = (digits - (unplaced - 1)).min(MAX_DIGITS);
        let most = POWERS_OF_TEN[longest] - 1;
        let widest = digits.div_ceil(unplaced).min(MAX_DIGITS);
        let least = if numbers && widest > 1 { POWERS_OF_TEN[widest - 1] } else { 0 };
        let open = Open { from: values.len(), count: unplaced, most, least };
        self.equations.iter().filter(|eq| eq.last >= values.len()).all(|eq| eq.feasible(values, &open))
    }
}

/// 10^0 ..= 10^MAX_DIGITS: the bounds of numbers of so many digits, looked up at every step of a cut.
const POWERS_OF_TEN: [i128; MAX_DIGITS + 1] = {
    let mut powers = [1i128; MAX_DIGITS + 1];
    let mut i = 1;
    while i <= MAX_DIGITS {
        powers[i] = powers[i - 1] * 10;
        i += 1;
    }
    powers
};

/// The cells still to place in a cut: from index `from`, `count` of them, each at most `most`, and all of them
/// together at least `least`.
struct Open {
    from: usize,
    count: usize,
    most: i128,
    least: i128,
}

impl Local {
    /// Whether the equation can hold with the cells past the end of `values` each anywhere in `0..=most` (a
    /// blank among the placed cells leaves it unverifiable, so possible).
    fn feasible(&self, values: &[Option<i64>], open: &Open) -> bool {
        let range = |ix: &[usize]| -> Option<(i128, i128)> {
            let (mut low, mut high) = (0i128, 0i128);
            // The open cells on this side, as bits from `open.from` (where they fit in 64), found in the same pass
            // rather than by looking each open cell up.
            let mut open_here = 0u64;
            for &i in ix {
                match values.get(i) {
                    Some(v) => {
                        let v = i128::from((*v)?);
                        low += v;
                        high += v;
                    }
                    None => {
                        high += open.most;
                        if let Some(bit) = i.checked_sub(open.from).filter(|&b| b < open.count && b < 64) {
                            open_here |= 1 << bit;
                        }
                    }
                }
            }
            // Every cell still to place on this side: their least total counts.
            let all_open_here = if open.count <= 64 {
                open_here.count_ones() as usize == open.count
            } else {
                (open.from..open.from + open.count).all(|cell| ix.contains(&cell))
            };
            if open.least > 0 && all_open_here {
                low += open.least;
            }
            Some((low, high))
        };
        match (range(&self.lhs), range(&self.rhs)) {
            (Some((l_low, l_high)), Some((r_low, r_high))) => {
                let c = i128::from(self.constant);
                l_low + c <= r_high && l_high + c >= r_low
            }
            _ => true,
        }
    }

    fn holds(&self, values: &[Option<i64>]) -> bool {
        let sum = |ix: &[usize]| -> Option<i64> {
            ix.iter().try_fold(0i64, |acc, &i| acc.checked_add(values.get(i).copied().flatten()?))
        };
        match (sum(&self.lhs), sum(&self.rhs)) {
            (Some(l), Some(r)) => l.checked_add(self.constant) == Some(r),
            // A blank (or an overflow) leaves the equation unverifiable.
            _ => true,
        }
    }
}

/// Every reading of `values` (the value cells of one source record) as the row `shape`, consistent with `rules`.
/// The printed reading, when the row prints one value per column, is returned alone and unfiltered: what the
/// source prints is read as printed, and its arithmetic is the checks' business.
pub fn readings(
    values: &[SourceCell],
    from_stream: bool,
    shape: &RowShape,
    rules: &LocalRules,
) -> Result<Vec<Reading>, TooMany> {
    let n = shape.keys.len();
    let printed = printed_cells(values, from_stream, n);
    let windows = if from_stream { vec![printed.clone()] } else { blank_windows(values, n) };
    let mut out = Vec::new();
    match windows.as_slice() {
        [only] if only.len() == n && !shape.extra_column => {
            return Ok(vec![Reading { how: How::Printed, cells: only.clone(), dropped: None }]);
        }
        // Surplus blank cells at both ends of the row (an empty label cell, an empty last column): which ones
        // are not cells is for the rules to say.
        [_, _, ..] => {
            for cells in windows {
                let values: Vec<Option<i64>> = cells.iter().map(int_value).collect();
                if rules.hold(&values) {
                    push(&mut out, Reading { how: How::Printed, cells, dropped: None })?;
                }
            }
            return Ok(out);
        }
        _ => {}
    }
    if shape.extra_column && printed.len() == n {
        // The header prints a column the form does not have and the row prints as many values as the form's
        // columns: either the row is as printed, or one value is the extra column and one blank vanished.
        if rules.hold(&printed.iter().map(int_value).collect::<Vec<_>>()) {
            push(&mut out, Reading { how: How::Printed, cells: printed.clone(), dropped: None })?;
        }
        if printed.iter().all(|c| c.token != Token::Blank) {
            for skip in 0..printed.len() {
                let rest: Vec<&SourceCell> =
                    printed.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, c)| c).collect();
                let before = out.len();
                drop_blanks(&rest, n, rules, &mut out)?;
                let mut kept = before;
                for i in before..out.len() {
                    let fits = subtotal_fits(shape.groups, skip, &out[i].cells, &printed[skip]);
                    if fits {
                        out.swap(kept, i);
                        out[kept].how = How::ExtraColumn;
                        out[kept].dropped = printed.get(skip).cloned();
                        kept += 1;
                    }
                }
                out.truncate(kept);
            }
        }
        return Ok(out);
    }
    let numbers: Vec<&SourceCell> = values.iter().filter(|v| v.token != Token::Blank).collect();
    let digit_groups = numbers.iter().all(|v| whole_digits(v).is_some());
    match numbers.as_slice() {
        [] => {}
        // Digits are cut only where every column counts; a run with a mark in it is cut anywhere it has one item
        // per column, the only cut there is.
        [run]
            if run_items(run).is_some_and(|items| {
                items.len() >= n && (shape.counts || items.len() == n && items.contains(&b'/'))
            }) =>
        {
            split_digits(run, n, rules, &mut out)?;
        }
        // Joining assumes no cell was lost: only where the row prints no blank cell.
        _ if numbers.len() > n && shape.counts && digit_groups && numbers.len() == values.len() => {
            join_digits(&numbers, n, rules, &mut out)?
        }
        _ if numbers.len() < n && numbers.len() == printed.len() && numbers.iter().all(|v| v.token.is_value_like()) => {
            drop_blanks(&numbers, n, rules, &mut out)?;
            // Where blanks could vanish, a number could also have been split by spacing: join and drop together.
            if shape.counts && digit_groups {
                for k in 1..numbers.len() {
                    join_then_drop(&numbers, k, n, rules, &mut out)?;
                }
            }
        }
        _ => {}
    }
    if shape.extra_column && printed.len() == n + 1 && printed.iter().all(|c| c.token != Token::Blank) {
        extra_column(&printed, shape.groups, rules, &mut out)?;
    }
    Ok(out)
}

/// The printed values with the blanks that cannot be cells dropped: trailing blanks beyond the row's width, and
/// in a cell stream the leading blanks that are span filler of the header above.
pub fn printed_cells(values: &[SourceCell], from_stream: bool, n: usize) -> Vec<SourceCell> {
    let mut out: Vec<SourceCell> = values.to_vec();
    while out.len() > n && out.last().is_some_and(|v| v.token == Token::Blank) {
        out.pop();
    }
    if from_stream {
        let leading = out.iter().take_while(|v| v.token == Token::Blank).count();
        let drop = leading.min(out.len().saturating_sub(n));
        out.drain(..drop);
    }
    out
}

/// The ways a grid row printing more cells than the form's `n` can be cut to `n` by leaving out surplus blank
/// cells at its ends (a layout's empty label cell before the values, empty columns after them); the row as
/// printed when it has no surplus, or when the surplus is not all blank. Windows that give the same cells are one.
fn blank_windows(values: &[SourceCell], n: usize) -> Vec<Vec<SourceCell>> {
    let surplus = values.len().saturating_sub(n);
    let leading = values.iter().take_while(|v| v.token == Token::Blank).count();
    let trailing = values.iter().rev().take_while(|v| v.token == Token::Blank).count();
    if surplus == 0 || surplus > leading + trailing {
        return vec![values.to_vec()];
    }
    let mut out: Vec<Vec<SourceCell>> = Vec::new();
    for skip in surplus.saturating_sub(trailing)..=leading.min(surplus) {
        let Some(window) = values.get(skip..skip + n) else {
            continue;
        };
        if !out.iter().any(|w| w.iter().map(|c| &c.token).eq(window.iter().map(|c| &c.token))) {
            out.push(window.to_vec());
        }
    }
    out
}

/// The digits of a cell that prints a whole number and nothing else (no sign, unit or decimals), or nothing but
/// more digits than one number holds (read as text: only a split can read it).
fn whole_digits(cell: &SourceCell) -> Option<String> {
    let digits: String = cell.raw.chars().filter(|c| !c.is_whitespace()).collect();
    let plain = matches!(cell.token, Token::Number { amount: Amount::Int(_), unit: None } | Token::Text);
    (plain && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

fn value_cell(raw: &str, value: i64, like: &SourceCell) -> SourceCell {
    SourceCell {
        raw: raw.to_string(),
        token: Token::Number { amount: Amount::Int(value), unit: None },
        origin: like.origin.clone(),
        absent: false,
    }
}

fn push(out: &mut Vec<Reading>, reading: Reading) -> Result<(), TooMany> {
    // A reading kept costs the budget a step per cell besides the steps that found it.
    if out.len() >= MAX_READINGS || !spend(reading.cells.len()) {
        return Err(TooMany);
    }
    out.push(reading);
    Ok(())
}

/// What a split cuts: the digits of a run, with `/` for each not-applicable mark glued among them (see
/// [`marked_run`]).
fn run_items(cell: &SourceCell) -> Option<Vec<u8>> {
    match whole_digits(cell) {
        Some(digits) => Some(digits.into_bytes()),
        None if cell.token == Token::Text => marked_run(&cell.raw),
        None => None,
    }
}

/// Cuts one run of digits into `n` numbers, pruning with the equations as cells are placed left to right; a mark
/// glued among the digits is a not-applicable cell of its own, and no number spans it. Every cell keeps the whole
/// run as its printed text.
fn split_digits(run: &SourceCell, n: usize, rules: &LocalRules, out: &mut Vec<Reading>) -> Result<(), TooMany> {
    let Some(items) = run_items(run) else {
        return Ok(());
    };
    if items.len() < n || items.len() > n * MAX_DIGITS {
        return Ok(());
    }
    let mut found = Vec::new();
    if n >= 2 && !items.contains(&b'/') && rules.touches(n - 1) {
        // The last cell (a row's total) is cut off the end first, so that the rest are cut knowing what they sum
        // to: the same cuts, found with far fewer steps.
        for len in 1..=MAX_DIGITS.min(items.len() - (n - 1)) {
            let (head, last) = items.split_at(items.len() - len);
            let Some(value) = digits_value(last) else {
                continue;
            };
            let Some(rules) = rules.with_cell(n - 1, value) else {
                continue;
            };
            let mut search = Split { items: head, n: n - 1, rules: &rules, last_mark: None, found: Vec::new() };
            search.walk(0, &mut Vec::with_capacity(n))?;
            found.extend(search.found.into_iter().map(|mut parts| {
                parts.push(Some(value));
                parts
            }));
        }
        // Shortest last cell first above; readings keep the order of a left-to-right cut.
        found.sort();
    } else {
        let last_mark = items.iter().rposition(|&b| b == b'/');
        let mut search = Split { items: &items, n, rules, last_mark, found: Vec::new() };
        search.walk(0, &mut Vec::with_capacity(n))?;
        found = search.found;
    }
    for parts in found {
        let cells = parts
            .iter()
            .map(|v| match v {
                Some(v) => value_cell(&run.raw, *v, run),
                None => {
                    SourceCell { raw: run.raw.clone(), token: Token::Na, origin: run.origin.clone(), absent: false }
                }
            })
            .collect();
        push(out, Reading { how: How::SplitDigits, cells, dropped: None })?;
    }
    Ok(())
}

/// The number ASCII `digits` spell, if they are one: no leading zero unless it is `0`, at most [`MAX_DIGITS`].
fn digits_value(digits: &[u8]) -> Option<i64> {
    if digits.is_empty() || digits.len() > MAX_DIGITS || (digits.len() > 1 && digits[0] == b'0') {
        return None;
    }
    digits.iter().try_fold(0i64, |acc, &b| b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0')))
}

/// Most steps of the digit-run searches made while one table is mapped, all rows and all their searches
/// together (each way of joining and dropping is a search of its own, and rows are read again as other rows are
/// decided): a hostile table cannot take longer than this. Rows read once the budget is spent are left unplaced.
///
/// A step checks the row's equations, so it costs up to about half a microsecond on a row of 表三 (a spent budget
/// about 0.1 s); the most a fixture's table needs is under 50,000 steps (lost blanks, 表四's fifteen columns).
const MAX_STEPS: usize = 1 << 18;

thread_local! {
    /// The steps spent on the table being mapped (see [`new_budget`]).
    static STEPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Starts the step budget of a new table; the searches of this thread spend it until the next call.
pub fn new_budget() {
    STEPS.with(|steps| steps.set(0));
}

/// The steps spent so far on the table being mapped.
pub fn steps_spent() -> usize {
    STEPS.with(|steps| steps.get())
}

/// Whether the steps spent so far are within the table's budget: then every search since its start ran to its end,
/// and would run the same with any budget that holds its steps.
pub fn within_budget() -> bool {
    steps_spent() <= MAX_STEPS
}

/// Spends again the `steps` that readings made before spent, if the budget holds them all: then the same search
/// would now find the same readings in as many steps, and those can be reused. `false` (nothing spent) otherwise.
pub fn replay(steps: usize) -> bool {
    let fits = steps_spent().checked_add(steps).is_some_and(|total| total <= MAX_STEPS);
    fits && spend(steps)
}

/// Spends one step of the table's budget; `false` once it is spent.
fn step() -> bool {
    spend(1)
}

/// Spends `n` steps of the table's budget; `false` once it is spent.
fn spend(n: usize) -> bool {
    STEPS.with(|steps| {
        let spent = steps.get().saturating_add(n);
        steps.set(spent);
        spent <= MAX_STEPS
    })
}

struct Split<'a> {
    /// Digits, and `/` for a mark.
    items: &'a [u8],
    n: usize,
    rules: &'a LocalRules,
    /// Where the last mark stands: past it, every cell still to cut is a number.
    last_mark: Option<usize>,
    /// The cuts found: a number per cell, `None` for a mark.
    found: Vec<Vec<Option<i64>>>,
}

impl Split<'_> {
    fn walk(&mut self, at: usize, parts: &mut Vec<Option<i64>>) -> Result<(), TooMany> {
        if !step() || self.found.len() > MAX_READINGS {
            return Err(TooMany);
        }
        let placed = parts.len();
        if placed == self.n {
            if at == self.items.len() {
                self.found.push(parts.clone());
            }
            return Ok(());
        }
        let remaining_parts = self.n - placed;
        let remaining_digits = self.items.len() - at;
        if remaining_digits < remaining_parts || remaining_digits > remaining_parts * MAX_DIGITS {
            return Ok(());
        }
        if self.items[at] == b'/' {
            // A mark is a cell of its own: not a number, so its equations wait (unverifiable).
            parts.push(None);
            if self.rules.hold_at(parts, placed) && self.rules.feasible(parts, self.n, remaining_digits - 1, false) {
                self.walk(at + 1, parts)?;
            }
            parts.pop();
            return Ok(());
        }
        let longest = (remaining_digits - (remaining_parts - 1)).min(MAX_DIGITS);
        let mut value = 0i64;
        for len in 1..=longest {
            let digit = self.items[at + len - 1];
            // No leading zero unless the number is `0`; no number across a mark.
            if !digit.is_ascii_digit() || (len > 1 && self.items[at] == b'0') {
                break;
            }
            value = value * 10 + i64::from(digit - b'0');
            parts.push(Some(value));
            // Cells not placed yet read as unknown (past the end of `parts`), so their equations wait; an
            // equation no value of the cells still to place can satisfy ends the branch.
            let rest = remaining_digits - len;
            let numbers = self.last_mark.is_none_or(|mark| mark < at + len);
            if self.rules.hold_at(parts, placed) && self.rules.feasible(parts, self.n, rest, numbers) {
                self.walk(at + len, parts)?;
            }
            parts.pop();
        }
        Ok(())
    }
}

/// Joins neighbouring digit groups (`1 2` → 12) until there are `n` numbers: every composition of the groups.
fn join_digits(groups: &[&SourceCell], n: usize, rules: &LocalRules, out: &mut Vec<Reading>) -> Result<(), TooMany> {
    let digits: Vec<Group> = groups.iter().filter_map(|g| whole_digits(g)).map(|d| Group::of(&d)).collect();
    if digits.len() != groups.len() || n == 0 {
        return Ok(());
    }
    // The digits from each group to the end: what the numbers still to cut share.
    let mut after = vec![0usize; digits.len() + 1];
    for i in (0..digits.len()).rev() {
        after[i] = after[i + 1].saturating_add(digits[i].len);
    }
    let join = Join { groups, digits: &digits, after: &after, n, rules };
    join.compose(0, &mut Vec::with_capacity(n), &mut Vec::with_capacity(n), out)
}

/// One digit group: how many digits it has, the number they spell (if it fits) and whether it starts with `0`.
struct Group {
    len: usize,
    value: Option<i64>,
    leading_zero: bool,
}

impl Group {
    fn of(digits: &str) -> Group {
        let value =
            (digits.len() <= MAX_DIGITS).then(|| digits.bytes().fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0')));
        Group { len: digits.len(), value, leading_zero: digits.starts_with('0') }
    }
}

struct Join<'a> {
    groups: &'a [&'a SourceCell],
    digits: &'a [Group],
    /// `after[i]`: the digits of groups `i..`.
    after: &'a [usize],
    n: usize,
    rules: &'a LocalRules,
}

impl Join<'_> {
    /// Chooses where each of the `n` numbers starts and ends (`cuts`, their `values`), recursively, placing the
    /// numbers left to right: an equation is checked as soon as its last cell is placed, and a branch ends as soon
    /// as the numbers still to cut from the digits left cannot satisfy one.
    fn compose(
        &self,
        at: usize,
        cuts: &mut Vec<(usize, usize)>,
        values: &mut Vec<Option<i64>>,
        out: &mut Vec<Reading>,
    ) -> Result<(), TooMany> {
        if !step() {
            return Err(TooMany);
        }
        let (groups, n, rules) = (self.groups, self.n, self.rules);
        let left = n - cuts.len();
        if left == 0 {
            // Every equation was checked when its last cell was placed.
            if at != groups.len() {
                return Ok(());
            }
            let cells = cuts
                .iter()
                .zip(values.iter())
                .map(|(&(from, to), value)| {
                    let raw = groups[from..to].iter().map(|g| g.raw.trim()).collect::<Vec<_>>().join(" ");
                    value_cell(&raw, value.unwrap_or_default(), groups[from])
                })
                .collect();
            return push(out, Reading { how: How::JoinedDigits, cells, dropped: None });
        }
        // The last number takes every group left: any shorter cut would leave groups over.
        let most = (groups.len() - at).saturating_sub(left - 1);
        let least = if left == 1 { most } else { 1 };
        let (mut value, mut len) = (0i64, 0usize);
        for end in at + 1..=at + most {
            // A cut that is no number (too long, or a leading zero) fails, and so does every longer one.
            let group = &self.digits[end - 1];
            len += group.len;
            let (Some(part), true) = (group.value, len <= MAX_DIGITS) else {
                break;
            };
            if len > 1 && self.digits[at].leading_zero {
                break;
            }
            value = value * POWERS_OF_TEN[group.len] as i64 + part;
            if end - at < least {
                continue;
            }
            let placed = values.len();
            cuts.push((at, end));
            values.push(Some(value));
            if rules.hold_at(values, placed) && rules.feasible(values, n, self.after[end], true) {
                self.compose(end, cuts, values, out)?;
            }
            cuts.pop();
            values.pop();
        }
        Ok(())
    }
}

/// Joins the digit groups into `k` numbers, then puts them in `n` columns with the other cells blank.
fn join_then_drop(
    groups: &[&SourceCell],
    k: usize,
    n: usize,
    rules: &LocalRules,
    out: &mut Vec<Reading>,
) -> Result<(), TooMany> {
    let mut joined: Vec<Reading> = Vec::new();
    join_digits(groups, k, &LocalRules::none(), &mut joined)?;
    for reading in joined {
        let cells: Vec<&SourceCell> = reading.cells.iter().collect();
        let before = out.len();
        drop_blanks(&cells, n, rules, out)?;
        for r in &mut out[before..] {
            r.how = How::JoinedDigits;
        }
    }
    Ok(())
}

/// Puts the `numbers` in `n` columns, in printed order, every other cell blank.
fn drop_blanks(numbers: &[&SourceCell], n: usize, rules: &LocalRules, out: &mut Vec<Reading>) -> Result<(), TooMany> {
    let m = numbers.len();
    // No number to place (digits joined away to nothing), or more than the columns: no reading.
    let Some(first) = numbers.first() else {
        return Ok(());
    };
    if m > n {
        return Ok(());
    }
    let mut columns: Vec<usize> = (0..m).collect();
    loop {
        let mut cells: Vec<SourceCell> = (0..n)
            .map(|_| SourceCell {
                raw: String::new(),
                token: Token::Blank,
                origin: first.origin.clone(),
                absent: false,
            })
            .collect();
        let mut values = vec![None; n];
        for (number, &col) in numbers.iter().zip(&columns) {
            cells[col] = (*number).clone();
            values[col] = int_value(number);
        }
        if rules.hold(&values) {
            push(out, Reading { how: How::DroppedBlanks, cells, dropped: None })?;
        }
        // Next combination of m columns out of n, in lexicographic order.
        let Some(i) = (0..m).rev().find(|&i| columns[i] < n - m + i) else {
            return Ok(());
        };
        columns[i] += 1;
        for j in i + 1..m {
            columns[j] = columns[j - 1] + 1;
        }
    }
}

/// Leaves out each printed value in turn as the column the form does not have.
fn extra_column(
    printed: &[SourceCell],
    groups: &[Subtotal],
    rules: &LocalRules,
    out: &mut Vec<Reading>,
) -> Result<(), TooMany> {
    for skip in 0..printed.len() {
        let cells: Vec<SourceCell> =
            printed.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, c)| c.clone()).collect();
        let values: Vec<Option<i64>> = cells.iter().map(int_value).collect();
        if rules.hold(&values) && subtotal_fits(groups, skip, &cells, &printed[skip]) {
            push(out, Reading { how: How::ExtraColumn, cells, dropped: printed.get(skip).cloned() })?;
        }
    }
    Ok(())
}

/// A value printed at `skip` can be an extra subtotal column of a row read as `cells`: where the form groups
/// columns under one header, it stands where the header places the subtotal of one such group and is the sum of
/// its cells (a blank among them leaves the sum unverifiable, not false). Where no group is known, any position
/// can be.
fn subtotal_fits(groups: &[Subtotal], skip: usize, cells: &[SourceCell], dropped: &SourceCell) -> bool {
    if groups.is_empty() {
        return true;
    }
    groups.iter().any(|g| {
        let sum =
            cells.get(g.first..=g.last).and_then(|c| c.iter().try_fold(0i64, |acc, c| acc.checked_add(int_value(c)?)));
        skip == g.at && (sum.is_none() || sum == int_value(dropped))
    })
}

/// A cell's whole-number value, if it has one.
pub fn int_value(cell: &SourceCell) -> Option<i64> {
    match cell.token {
        Token::Number { amount: Amount::Int(v), .. } => Some(v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::value::classify;
    use crate::report::Origin;
    use crate::rules::Equation;

    fn cells(raws: &[&str]) -> Vec<SourceCell> {
        raws.iter()
            .map(|r| SourceCell { raw: r.to_string(), token: classify(r), origin: Origin::line(1), absent: false })
            .collect()
    }

    fn keys(names: &[&str]) -> Vec<CellKey> {
        names.iter().map(|n| CellKey::new("r", n)).collect()
    }

    fn seven() -> Vec<CellKey> {
        keys(&["a", "b", "c", "d", "e", "f", "t"])
    }

    fn r3() -> Vec<Equation> {
        vec![Equation {
            rule: "R3".into(),
            binding: "r".into(),
            lhs: keys(&["t"]),
            rhs: keys(&["a", "b", "c", "d", "e", "f"]),
        }]
    }

    fn values(reading: &Reading) -> Vec<Option<i64>> {
        reading.cells.iter().map(int_value).collect()
    }

    fn all(raws: &[&str], keys: &[CellKey], equations: &[Equation], extra: bool) -> Vec<Vec<Option<i64>>> {
        let rules = LocalRules::new(keys, equations, &HashMap::default());
        let shape = RowShape { keys, counts: true, extra_column: extra, groups: &[] };
        readings(&cells(raws), false, &shape, &rules).expect("within bounds").iter().map(values).collect()
    }

    fn ints(v: &[i64]) -> Vec<Option<i64>> {
        v.iter().map(|x| Some(*x)).collect()
    }

    #[test]
    fn joined_digits_are_every_cut_into_numbers() {
        // Every way to cut the groups, in order, into `n` runs that each read as a number (no leading zero, not
        // too long): what the search, with its pruning, must find, no more and no less, in the same order.
        fn cuts(groups: &[&str], n: usize) -> Vec<Vec<i64>> {
            let number = |part: &[&str]| digits_value(part.concat().as_bytes());
            if n == 1 {
                return number(groups).map(|v| vec![vec![v]]).unwrap_or_default();
            }
            let mut all = Vec::new();
            for len in 1..groups.len() {
                let Some(first) = number(&groups[..len]) else { continue };
                for mut rest in cuts(&groups[len..], n - 1) {
                    rest.insert(0, first);
                    all.push(rest);
                }
            }
            all
        }
        let cases: [&[&str]; 7] = [
            &["1", "2", "3", "4"],
            &["12", "0", "07", "3", "45"],
            &["0", "0", "1", "10", "0", "2"],
            &["123456789", "123456789", "1", "2"],
            &["9", "08", "7", "6", "0", "5", "40"],
            &["1", "2", "3", "0", "1", "5"],
            &["1", "1", "0", "1", "1", "0", "2", "2"],
        ];
        let joined = |refs: &[&SourceCell], n: usize, rules: &LocalRules| -> Vec<Vec<i64>> {
            let mut out = Vec::new();
            new_budget();
            join_digits(refs, n, rules, &mut out).expect("within bounds");
            out.iter().map(|r| values(r).into_iter().map(Option::unwrap_or_default).collect()).collect()
        };
        for groups in cases {
            let sources = cells(groups);
            let refs: Vec<&SourceCell> = sources.iter().collect();
            for n in 1..=groups.len() {
                assert_eq!(joined(&refs, n, &LocalRules::none()), cuts(groups, n), "{groups:?} into {n}");
                // With a rule (the last number is the sum of the others), the pruned search keeps exactly the
                // cuts the rule holds for.
                let names: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let row = keys(&names);
                let total = Equation {
                    rule: "T".into(),
                    binding: "r".into(),
                    lhs: row[n - 1..].to_vec(),
                    rhs: row[..n - 1].to_vec(),
                };
                let rules = LocalRules::new(&row, &[total], &HashMap::default());
                let holding: Vec<Vec<i64>> =
                    cuts(groups, n).into_iter().filter(|c| c[..n - 1].iter().sum::<i64>() == c[n - 1]).collect();
                assert_eq!(joined(&refs, n, &rules), holding, "{groups:?} into {n}, last the sum");
            }
        }
    }

    #[test]
    fn a_one_column_row_under_an_extra_header_column_reads_as_printed() {
        // One value, one column, and a header with a column the form lacks: the value is the row's, or the extra
        // column's with the row's only cell lost; the second leaves nothing to place and is no reading.
        let key = keys(&["a"]);
        assert_eq!(all(&["7"], &key, &[], true), vec![ints(&[7])]);
        let mut out = Vec::new();
        drop_blanks(&[], 3, &LocalRules::none(), &mut out).expect("within bounds");
        let one = cells(&["1", "2"]);
        drop_blanks(&one.iter().collect::<Vec<_>>(), 1, &LocalRules::none(), &mut out).expect("within bounds");
        assert!(out.is_empty());
    }

    #[test]
    fn a_row_whose_total_pins_the_split_has_one_reading() {
        assert_eq!(all(&["290000029"], &seven(), &r3(), false), vec![ints(&[29, 0, 0, 0, 0, 0, 29])]);
        assert_eq!(all(&["0000000"], &seven(), &r3(), false), vec![ints(&[0; 7])]);
        // 1|110|0|0|0|0|111 and 111|0|0|0|0|0|111 both add up; no reading of 1200012 does.
        assert_eq!(all(&["11100000111"], &seven(), &r3(), false).len(), 2);
        assert!(all(&["1200012"], &seven(), &r3(), false).is_empty());
        // No rule over the row: every cut without a leading zero.
        assert_eq!(all(&["3960181"], &keys(&["x", "y", "z"]), &[], false).len(), 11);
    }

    #[test]
    fn pruned_splits_are_every_cut_the_rules_allow() {
        // Every cut of the run into seven numbers without a leading zero, kept when the rules hold: what the
        // search, with its pruning, must find, no more and no less.
        fn cuts(digits: &str, n: usize) -> Vec<Vec<i64>> {
            if n == 1 {
                let plain =
                    !digits.is_empty() && (digits == "0" || !digits.starts_with('0')) && digits.len() <= MAX_DIGITS;
                return if plain { vec![vec![digits.parse().expect("digits")]] } else { Vec::new() };
            }
            let mut out = Vec::new();
            for len in 1..digits.len() {
                let (head, rest) = digits.split_at(len);
                if head.len() > 1 && head.starts_with('0') || head.len() > MAX_DIGITS {
                    break;
                }
                for mut tail in cuts(rest, n - 1) {
                    tail.insert(0, head.parse().expect("digits"));
                    out.push(tail);
                }
            }
            out
        }
        let rules = LocalRules::new(&seven(), &r3(), &HashMap::default());
        let mut state = 7u64;
        let mut found = 0;
        for case in 0..300 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let run: String = if case % 2 == 0 {
                // Random digits: mostly no cut adds up.
                let len = 7 + (state >> 60) as usize % 6;
                (0..len).map(|i| char::from(b'0' + ((state >> (i * 5)) % 10) as u8)).collect()
            } else {
                // Six counts and their total, run together: at least that cut adds up. Some runs have large counts
                // (up to 24 digits in all), whose cuts are many.
                let big = case % 30 == 1;
                let parts: Vec<u64> = (0..6)
                    .map(|i| {
                        (state >> (i * 9))
                            % if big {
                                10_000
                            } else if i % 2 == 0 {
                                4
                            } else {
                                40
                            }
                    })
                    .collect();
                let total: u64 = parts.iter().sum();
                parts.iter().chain([&total]).map(u64::to_string).collect()
            };
            // In the order a left-to-right cut finds them, shortest first.
            let expected: Vec<Vec<Option<i64>>> =
                cuts(&run, 7).into_iter().map(|v| ints(&v)).filter(|v| rules.hold(v)).collect();
            let got = all(&[run.as_str()], &seven(), &r3(), false);
            assert_eq!(got, expected, "{run}");
            found += got.len();
        }
        assert!(found >= 150, "only {found} readings in all");
    }

    #[test]
    fn a_cell_folded_into_the_rules_moves_into_their_constants() {
        // c0 + c1 = c2, and c2 = 7 from another row (folded as 7 on the left).
        let rules = LocalRules {
            equations: vec![
                Local { lhs: vec![0, 1], rhs: vec![2], constant: 0, last: 2 },
                Local { lhs: vec![2], rhs: vec![], constant: -7, last: 2 },
            ],
        };
        assert!(rules.touches(2) && !rules.touches(3));
        let folded = rules.with_cell(2, 7).expect("7 keeps the second equation");
        assert_eq!(folded.equations, vec![Local { lhs: vec![0, 1], rhs: vec![], constant: -7, last: 1 }]);
        assert!(folded.hold(&[Some(3), Some(4)]) && !folded.hold(&[Some(3), Some(5)]));
        // An equation left with no cell that does not hold rules the value out.
        assert_eq!(rules.with_cell(2, 8), None);
        // One the fold overflows is left out, as evaluating it would leave it.
        let twice = LocalRules { equations: vec![Local { lhs: vec![2, 2], rhs: vec![0], constant: 0, last: 2 }] };
        assert_eq!(twice.with_cell(2, i64::MAX), Some(LocalRules::none()));
        assert_eq!(twice.with_cell(2, 1).map(|r| r.equations.len()), Some(1));
    }

    #[test]
    fn known_cells_of_other_rows_pin_down_a_run() {
        // total.a = x.a + x.b with total.a known to be 2: of 1|1|10, 1|11|0 and 11|1|0 only the first adds up.
        let key = |row: &str, col: &str| CellKey::new(row, col);
        let row = vec![key("x", "a"), key("x", "b"), key("x", "c")];
        let eq = Equation {
            rule: "R2".into(),
            binding: "a".into(),
            lhs: vec![key("total", "a")],
            rhs: vec![key("x", "a"), key("x", "b")],
        };
        let shape = RowShape { keys: &row, counts: true, extra_column: false, groups: &[] };
        let open = LocalRules::new(&row, std::slice::from_ref(&eq), &HashMap::default());
        assert_eq!(readings(&cells(&["1110"]), false, &shape, &open).map(|r| r.len()), Ok(3));
        let known: HashMap<_, _> = [(key("total", "a"), 2)].into_iter().collect();
        let pinned = LocalRules::new(&row, &[eq], &known);
        let got: Vec<_> =
            readings(&cells(&["1110"]), false, &shape, &pinned).expect("bounded").iter().map(values).collect();
        assert_eq!(got, vec![ints(&[1, 1, 10])]);
    }

    #[test]
    fn digits_split_by_spacing_are_joined_back() {
        let got = all(&["1", "2", "0", "0", "0", "0", "0", "1", "2"], &seven(), &r3(), false);
        assert_eq!(got, vec![ints(&[12, 0, 0, 0, 0, 0, 12])]);
        // `0 5` is never 05.
        assert!(all(&["0", "5", "0", "0", "0", "0", "0", "5"], &seven(), &r3(), false).iter().all(|r| r[0] != Some(5)));
    }

    #[test]
    fn dropped_blanks_keep_the_printed_order_and_leave_unverifiable_rules_open() {
        // Two numbers for seven columns: 21 choices of columns, and 7 more for `33` (one number split by spacing);
        // R3 involves a blank in every one of them.
        let got = all(&["3", "3"], &seven(), &r3(), false);
        assert_eq!(got.len(), 28);
        assert_eq!(got.iter().filter(|r| r.iter().flatten().count() == 2).count(), 21);
        assert!(got.iter().any(|r| r.contains(&Some(33))));
        assert!(all(&["5", "1", "2", "8"], &seven(), &r3(), false).len() > 35);
    }

    #[test]
    fn an_extra_subtotal_column_is_left_out_where_the_total_adds_up() {
        // 自然人 3, 小计 4, then 商业企业 3, 科研机构 1, …, 总计 7.
        let got = all(&["3", "4", "3", "1", "0", "0", "0", "7"], &seven(), &r3(), true);
        assert_eq!(got, vec![ints(&[3, 3, 1, 0, 0, 0, 7])]);
    }

    #[test]
    fn a_subtotal_column_is_the_sum_of_the_group_beside_it() {
        // 自然人 16, 商业企业 2, 科研机构 … 其他 0, 小计 2, 总计 18: R3 adds up leaving out either `2`; where the
        // header prints 小计 after the group (columns 1–5), only the second is its sum in that place.
        let k = seven();
        let rules = LocalRules::new(&k, &r3(), &HashMap::default());
        let after = [Subtotal { first: 1, last: 5, at: 6 }];
        let before = [Subtotal { first: 1, last: 5, at: 1 }];
        let raws = ["16", "2", "0", "0", "0", "0", "2", "18"];
        let read = |groups: &[Subtotal]| {
            let shape = RowShape { keys: &k, counts: true, extra_column: true, groups };
            readings(&cells(&raws), false, &shape, &rules).expect("bounded").iter().map(values).collect::<Vec<_>>()
        };
        assert_eq!(read(&[]).len(), 2);
        assert_eq!(read(&after), vec![ints(&[16, 2, 0, 0, 0, 0, 18])]);
        // A header printing 小计 before the group reads the same numbers the other way.
        assert_eq!(read(&before), vec![ints(&[16, 0, 0, 0, 0, 2, 18])]);
    }

    #[test]
    fn a_printed_row_is_read_as_printed() {
        let got = all(&["1", "1", "1", "1", "1", "1", "1"], &seven(), &r3(), false);
        assert_eq!(got, vec![ints(&[1; 7])]);
    }

    #[test]
    fn hostile_runs_stay_within_bounds() {
        let run = "1".repeat(18);
        let rules = LocalRules::none();
        let k = seven();
        let shape = RowShape { keys: &k, counts: true, extra_column: false, groups: &[] };
        assert_eq!(readings(&cells(&[&run]), false, &shape, &rules).map(|r| r.len()), Err(TooMany));
        let many: Vec<&str> = std::iter::repeat_n("1", 40).collect();
        assert_eq!(readings(&cells(&many), false, &shape, &rules).map(|r| r.len()), Err(TooMany));
    }
}
