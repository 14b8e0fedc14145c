//! Placement by the template's arithmetic: one constraint search over the candidate placements of a table's
//! uncertain values.
//!
//! A *unit* is one group of printed values whose place is not certain: a row whose digits ran together, values
//! printed away from their label, a row that lost its blank cells. Each unit has *choices*: the template row (or
//! run of rows) it may stand for and one reading of its values there ([`super::readings`]). The search picks one
//! choice per unit such that
//! * every equation of the template (R1–R4, the row and column totals) holds wherever all its cells are whole
//!   numbers — a blank, a not-applicable mark or a cell the table does not print leaves an equation
//!   unverifiable, never false;
//! * units of one *block* (values between the same two rows their labels place) take rows in printed order,
//!   no row twice.
//!
//! A unit is **decided** when every consistent assignment gives it the same choice; it is then placed. Anything
//! else stays unplaced: several consistent choices (ambiguous), none (inconsistent), or a search that would take
//! too long ([`MAX_NODES`]) — a wrong number is far worse than a missing one. Figures the document states
//! elsewhere (the prose) only break ties: they are used when the rules leave several choices, and ignored when
//! they contradict every one.
//!
//! Units that share no block and no equation are searched separately.

use crate::hash::HashMap;

use crate::report::CellKey;
use crate::rules::Equation;

/// A cell's value as far as the equations are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Val {
    Int(i64),
    /// Blank, not applicable, or not a whole number: equations over it cannot be verified.
    Other,
}

/// One way to place a unit: the template rows it takes (in template order) and the values of their cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub rows: Vec<usize>,
    pub cells: Vec<(CellKey, Val)>,
}

/// A group of printed values whose place is to be decided.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Units of the same block take rows in printed order.
    pub block: Option<usize>,
    pub choices: Vec<Choice>,
}

/// A figure the document states for the sum of some cells (`收到申请23件`): a tie-breaker.
#[derive(Debug, Clone)]
pub struct Stated {
    pub cells: Vec<CellKey>,
    pub value: i64,
}

/// Everything the search knows about one table.
pub struct Problem<'a> {
    /// In printed order.
    pub units: Vec<Unit>,
    /// Cells already placed with certainty.
    pub known: HashMap<CellKey, Val>,
    pub equations: &'a [Equation],
    pub stated: Vec<Stated>,
    /// Cells that are never negative (counts, money), for bounding sums before all their cells are placed.
    pub non_negative: &'a dyn Fn(&CellKey) -> bool,
}

/// What the search concluded for one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// This choice, in every placement consistent with the rules; `by_prose` when only the stated figures made it
    /// the only one.
    Decided { choice: usize, by_prose: bool },
    /// Several choices are consistent with the rules.
    Ambiguous,
    /// No choice is consistent with the rules.
    Inconsistent,
    /// Too many possibilities to search within bounds.
    TooLarge,
}

/// Most search nodes to find one placement.
pub const MAX_NODES: usize = 20_000;

/// Most search nodes for all the searches over one group of connected units.
pub const MAX_NODES_TOTAL: usize = 200_000;

/// Decides every unit of `problem`.
pub fn solve(problem: &Problem) -> Vec<Verdict> {
    let mut verdicts = vec![Verdict::Inconsistent; problem.units.len()];
    let equations: Vec<Eq> = problem
        .equations
        .iter()
        .map(|e| Eq {
            terms: e.lhs.iter().map(|k| (k.clone(), 1)).chain(e.rhs.iter().map(|k| (k.clone(), -1))).collect(),
            constant: 0,
        })
        .collect();
    let stated: Vec<Eq> = problem
        .stated
        .iter()
        .map(|s| Eq { terms: s.cells.iter().map(|k| (k.clone(), 1)).collect(), constant: -s.value })
        .collect();
    for component in components(problem, &equations) {
        let rules_only = Search::new(problem, &component, &equations).run();
        let decided = verdicts_of(&rules_only, false);
        let open = decided.contains(&Verdict::Ambiguous);
        let with_prose = if open && !stated.is_empty() {
            let all: Vec<Eq> = equations.iter().chain(stated.iter()).cloned().collect();
            let outcome = Search::new(problem, &component, &all).run();
            (outcome.solutions > 0).then(|| verdicts_of(&outcome, true))
        } else {
            None
        };
        for (i, &unit) in component.iter().enumerate() {
            verdicts[unit] = match (decided[i], with_prose.as_ref().map(|v| v[i])) {
                (Verdict::Ambiguous, Some(v @ Verdict::Decided { .. })) => v,
                (v, _) => v,
            };
        }
    }
    verdicts
}

fn verdicts_of(outcome: &Outcome, by_prose: bool) -> Vec<Verdict> {
    outcome
        .seen
        .iter()
        .zip(&outcome.too_large)
        .map(|(seen, &too_large)| {
            if too_large {
                Verdict::TooLarge
            } else if outcome.solutions == 0 {
                Verdict::Inconsistent
            } else {
                match seen.as_slice() {
                    [only] => Verdict::Decided { choice: *only, by_prose },
                    _ => Verdict::Ambiguous,
                }
            }
        })
        .collect()
}

/// An equation as signed terms: `Σ sign·cell + constant = 0`.
#[derive(Debug, Clone)]
struct Eq {
    terms: Vec<(CellKey, i64)>,
    constant: i64,
}

/// Groups of units that share a block or an equation, each in printed order.
fn components(problem: &Problem, equations: &[Eq]) -> Vec<Vec<usize>> {
    let n = problem.units.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let union = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (find(parent, a), find(parent, b));
        if ra != rb {
            parent[ra] = rb;
        }
    };
    let mut first_of_block: HashMap<usize, usize> = HashMap::default();
    let mut first_of_cell: HashMap<&CellKey, usize> = HashMap::default();
    for (u, unit) in problem.units.iter().enumerate() {
        if let Some(b) = unit.block {
            let first = *first_of_block.entry(b).or_insert(u);
            union(&mut parent, first, u);
        }
        for choice in &unit.choices {
            for (key, _) in &choice.cells {
                let first = *first_of_cell.entry(key).or_insert(u);
                union(&mut parent, first, u);
            }
        }
    }
    // Units whose cells meet in one equation.
    for eq in equations {
        let mut first: Option<usize> = None;
        for (key, _) in &eq.terms {
            if let Some(&u) = first_of_cell.get(key) {
                match first {
                    None => first = Some(u),
                    Some(f) => union(&mut parent, f, u),
                }
            }
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::default();
    for u in 0..n {
        let root = find(&mut parent, u);
        groups.entry(root).or_default().push(u);
    }
    let mut out: Vec<Vec<usize>> = groups.into_values().collect();
    out.sort();
    out
}

/// The result of the searches over one group of units.
struct Outcome {
    /// Per unit of the group, the distinct choices seen in consistent placements.
    seen: Vec<Vec<usize>>,
    /// Per unit: its search ran out of bounds before deciding it.
    too_large: Vec<bool>,
    solutions: usize,
}

/// A cell's state during the search.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Unknown,
    Known(Val),
}

struct Search<'a> {
    units: Vec<&'a Unit>,
    /// Per unit and choice: the choice's cells as indices into `state`.
    cells: Vec<Vec<Vec<(usize, Val)>>>,
    state: Vec<State>,
    /// Per cell: the last unit (search position) that may still place it.
    last_cover: Vec<Option<usize>>,
    /// Per cell: some choice puts something other than a whole number there.
    maybe_other: Vec<bool>,
    non_negative: Vec<bool>,
    equations: Vec<(Vec<(usize, i64)>, i64)>,
    /// Per cell: the equations it appears in.
    touching: Vec<Vec<usize>>,
    /// Per unit: its block's later units' count and the block rows after each row, for looking ahead.
    block_rows: HashMap<usize, Vec<usize>>,
    remaining_in_block: Vec<usize>,
    last_row: HashMap<usize, usize>,
    used_rows: Vec<usize>,
    choice_of: Vec<usize>,
    /// A unit and the choice the current search may not give it.
    forbid: Option<(usize, usize)>,
    found: Option<Vec<usize>>,
    nodes: usize,
}

impl<'a> Search<'a> {
    fn new(problem: &'a Problem, component: &[usize], equations: &[Eq]) -> Search<'a> {
        let units: Vec<&Unit> = component.iter().map(|&u| &problem.units[u]).collect();
        let mut index: HashMap<CellKey, usize> = HashMap::default();
        let intern = |key: &CellKey, index: &mut HashMap<CellKey, usize>| -> usize {
            let next = index.len();
            *index.entry(key.clone()).or_insert(next)
        };
        let cells: Vec<Vec<Vec<(usize, Val)>>> = units
            .iter()
            .map(|u| {
                u.choices.iter().map(|c| c.cells.iter().map(|(k, v)| (intern(k, &mut index), *v)).collect()).collect()
            })
            .collect();
        let eqs: Vec<(Vec<(usize, i64)>, i64)> = equations
            .iter()
            .map(|e| (e.terms.iter().map(|(k, s)| (intern(k, &mut index), *s)).collect(), e.constant))
            .collect();
        let n = index.len();
        let mut state = vec![State::Unknown; n];
        let mut non_negative = vec![false; n];
        for (key, &i) in &index {
            if let Some(v) = problem.known.get(key) {
                state[i] = State::Known(*v);
            }
            non_negative[i] = (problem.non_negative)(key);
        }
        let mut last_cover = vec![None; n];
        let mut maybe_other = vec![false; n];
        for (u, choices) in cells.iter().enumerate() {
            for choice in choices {
                for &(c, v) in choice {
                    last_cover[c] = Some(u);
                    maybe_other[c] |= v == Val::Other;
                }
            }
        }
        let mut touching = vec![Vec::new(); n];
        for (e, (terms, _)) in eqs.iter().enumerate() {
            for &(c, _) in terms {
                if !touching[c].contains(&e) {
                    touching[c].push(e);
                }
            }
        }
        let mut block_rows: HashMap<usize, Vec<usize>> = HashMap::default();
        let mut remaining_in_block = vec![0; units.len()];
        for (i, unit) in units.iter().enumerate() {
            if let Some(b) = unit.block {
                let rows = block_rows.entry(b).or_default();
                for choice in &unit.choices {
                    rows.extend(choice.rows.iter().copied());
                }
                remaining_in_block[i] = units[i + 1..].iter().filter(|u| u.block == Some(b)).count();
            }
        }
        for rows in block_rows.values_mut() {
            rows.sort_unstable();
            rows.dedup();
        }
        Search {
            units: units.clone(),
            cells,
            state,
            last_cover,
            maybe_other,
            non_negative,
            equations: eqs,
            touching,
            block_rows,
            remaining_in_block,
            last_row: HashMap::default(),
            used_rows: Vec::new(),
            choice_of: vec![0; units.len()],
            forbid: None,
            found: None,
            nodes: 0,
        }
    }

    /// Finds one consistent placement, then, for each unit, one where it takes another choice (the unit is
    /// decided when there is none). Each search stops at its first placement or at [`MAX_NODES`].
    fn run(mut self) -> Outcome {
        let n = self.units.len();
        let mut outcome = Outcome { seen: vec![Vec::new(); n], too_large: vec![false; n], solutions: 0 };
        let mut spent = 0;
        let Some(first) = self.first_solution(None, &mut spent) else {
            if self.nodes > MAX_NODES {
                outcome.too_large = vec![true; n];
            }
            return outcome;
        };
        outcome.solutions = 1;
        for (u, &c) in first.iter().enumerate() {
            outcome.seen[u].push(c);
        }
        for u in 0..n {
            if outcome.seen[u].len() >= 2 {
                continue;
            }
            if spent > MAX_NODES_TOTAL {
                outcome.too_large[u] = true;
                continue;
            }
            match self.first_solution(Some((u, outcome.seen[u][0])), &mut spent) {
                Some(other) => {
                    outcome.solutions += 1;
                    for (v, &c) in other.iter().enumerate() {
                        if !outcome.seen[v].contains(&c) {
                            outcome.seen[v].push(c);
                        }
                    }
                }
                None if self.nodes > MAX_NODES => outcome.too_large[u] = true,
                None => {}
            }
        }
        outcome
    }

    /// The first consistent placement in which unit `forbid.0` does not take choice `forbid.1`.
    fn first_solution(&mut self, forbid: Option<(usize, usize)>, spent: &mut usize) -> Option<Vec<usize>> {
        self.forbid = forbid;
        self.found = None;
        self.nodes = 0;
        self.walk(0);
        *spent += self.nodes;
        self.found.take()
    }

    fn walk(&mut self, depth: usize) {
        if self.found.is_some() {
            return;
        }
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return;
        }
        if depth == self.units.len() {
            self.found = Some(self.choice_of.clone());
            return;
        }
        let unit = self.units[depth];
        for c in 0..unit.choices.len() {
            let choice = &unit.choices[c];
            if self.forbid == Some((depth, c)) || !self.fits_order(depth, choice) {
                continue;
            }
            let block = unit.block;
            let previous_last = block.and_then(|b| self.last_row.get(&b).copied());
            let before: Vec<State> = self.cells[depth][c].iter().map(|&(cell, _)| self.state[cell]).collect();
            for &(cell, v) in &self.cells[depth][c] {
                self.state[cell] = State::Known(v);
            }
            if let (Some(b), Some(&max)) = (block, choice.rows.iter().max()) {
                self.last_row.insert(b, max);
            }
            self.used_rows.extend(choice.rows.iter().copied());
            if self.consistent(depth, c) {
                self.choice_of[depth] = c;
                self.walk(depth + 1);
            }
            for _ in &choice.rows {
                self.used_rows.pop();
            }
            match (block, previous_last) {
                (Some(b), Some(p)) => {
                    self.last_row.insert(b, p);
                }
                (Some(b), None) => {
                    self.last_row.remove(&b);
                }
                _ => {}
            }
            for (&(cell, _), state) in self.cells[depth][c].iter().zip(before) {
                self.state[cell] = state;
            }
            if self.found.is_some() || self.nodes > MAX_NODES {
                return;
            }
        }
    }

    /// Rows not taken yet, after the block's last row, leaving enough rows for the block's later units.
    fn fits_order(&self, depth: usize, choice: &Choice) -> bool {
        if choice.rows.iter().any(|r| self.used_rows.contains(r)) {
            return false;
        }
        let Some(b) = self.units[depth].block else {
            return true;
        };
        let (Some(&min), Some(&max)) = (choice.rows.iter().min(), choice.rows.iter().max()) else {
            return true;
        };
        if self.last_row.get(&b).is_some_and(|&last| min <= last) {
            return false;
        }
        let later_rows = self.block_rows.get(&b).map_or(0, |rows| rows.iter().filter(|&&r| r > max).count());
        later_rows >= self.remaining_in_block[depth]
    }

    /// The equations touching the cells just placed can still hold.
    fn consistent(&self, depth: usize, choice: usize) -> bool {
        let mut checked: Vec<usize> = Vec::new();
        for &(cell, _) in &self.cells[depth][choice] {
            for &e in &self.touching[cell] {
                if checked.contains(&e) {
                    continue;
                }
                checked.push(e);
                if !self.may_hold(e, depth) {
                    return false;
                }
            }
        }
        true
    }

    fn may_hold(&self, e: usize, depth: usize) -> bool {
        let (terms, constant) = &self.equations[e];
        let mut sum = *constant;
        let (mut open_plus, mut open_minus, mut bounded) = (false, false, true);
        for &(cell, sign) in terms {
            match self.state[cell] {
                State::Known(Val::Int(v)) => match v.checked_mul(sign).and_then(|x| sum.checked_add(x)) {
                    Some(s) => sum = s,
                    None => return true,
                },
                // Something that is not a whole number: the equation cannot be verified.
                State::Known(Val::Other) => return true,
                State::Unknown => {
                    let pending = self.last_cover[cell].is_some_and(|u| u > depth);
                    if !pending {
                        // Neither known nor placeable: the table does not print it.
                        return true;
                    }
                    if sign > 0 {
                        open_plus = true;
                    } else {
                        open_minus = true;
                    }
                    bounded &= self.non_negative[cell] && !self.maybe_other[cell];
                }
            }
        }
        match (open_plus, open_minus) {
            (false, false) => sum == 0,
            // The open cells are non-negative: their part of the sum has one sign.
            (true, false) if bounded => sum <= 0,
            (false, true) if bounded => sum >= 0,
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(row: &str, col: &str) -> CellKey {
        CellKey::new(row, col)
    }

    fn choice(rows: &[usize], cells: &[(&str, i64)]) -> Choice {
        Choice {
            rows: rows.to_vec(),
            cells: cells
                .iter()
                .map(|(k, v)| {
                    let (r, c) = k.split_once('.').expect("row.col");
                    (key(r, c), Val::Int(*v))
                })
                .collect(),
        }
    }

    fn total_rule() -> Vec<Equation> {
        // total.a = x.a + y.a
        vec![Equation {
            rule: "R2".into(),
            binding: "a".into(),
            lhs: vec![key("total", "a")],
            rhs: vec![key("x", "a"), key("y", "a")],
        }]
    }

    fn solve_with(
        units: Vec<Unit>,
        known: &[(&str, i64)],
        equations: &[Equation],
        stated: Vec<Stated>,
    ) -> Vec<Verdict> {
        let known = known
            .iter()
            .map(|(k, v)| {
                let (r, c) = k.split_once('.').expect("row.col");
                (key(r, c), Val::Int(*v))
            })
            .collect();
        let non_negative = |_: &CellKey| true;
        solve(&Problem { units, known, equations, stated, non_negative: &non_negative })
    }

    #[test]
    fn detached_values_in_one_block_take_their_rows_in_printed_order() {
        // Two value rows printed after the labels x and y: the only order-keeping placement.
        let units = vec![
            Unit { block: Some(0), choices: vec![choice(&[0], &[("x.a", 1)]), choice(&[1], &[("y.a", 1)])] },
            Unit { block: Some(0), choices: vec![choice(&[0], &[("x.a", 2)]), choice(&[1], &[("y.a", 2)])] },
        ];
        let got = solve_with(units, &[], &[], vec![]);
        assert_eq!(
            got,
            vec![Verdict::Decided { choice: 0, by_prose: false }, Verdict::Decided { choice: 1, by_prose: false }]
        );
    }

    #[test]
    fn two_value_rows_for_two_labels_need_the_totals() {
        // total.a = x.a + y.a and sub.a = x.a; a 3 and a 0 printed away from their labels, in no known order.
        let mut rules = total_rule();
        rules.push(Equation {
            rule: "R2".into(),
            binding: "a".into(),
            lhs: vec![key("sub", "a")],
            rhs: vec![key("x", "a")],
        });
        let unit = |block, v| Unit {
            block: Some(block),
            choices: vec![choice(&[0], &[("x.a", v)]), choice(&[1], &[("y.a", v)])],
        };
        let units = || vec![unit(0, 3), unit(1, 0)];
        let both = vec![Verdict::Ambiguous, Verdict::Ambiguous];
        assert_eq!(solve_with(units(), &[("total.a", 3)], &rules, vec![]), both);
        let x_then_y =
            vec![Verdict::Decided { choice: 0, by_prose: false }, Verdict::Decided { choice: 1, by_prose: false }];
        assert_eq!(solve_with(units(), &[("total.a", 3), ("sub.a", 3)], &rules, vec![]), x_then_y);
        let y_then_x =
            vec![Verdict::Decided { choice: 1, by_prose: false }, Verdict::Decided { choice: 0, by_prose: false }];
        assert_eq!(solve_with(units(), &[("total.a", 3), ("sub.a", 0)], &rules, vec![]), y_then_x);
        let none = vec![Verdict::Inconsistent, Verdict::Inconsistent];
        assert_eq!(solve_with(units(), &[("total.a", 5), ("sub.a", 0)], &rules, vec![]), none);
    }

    #[test]
    fn a_stated_figure_breaks_a_tie_and_is_ignored_when_it_contradicts() {
        let unit = Unit {
            block: None,
            choices: vec![choice(&[0], &[("x.a", 1), ("x.b", 28)]), choice(&[0], &[("x.a", 12), ("x.b", 8)])],
        };
        let says = |v| vec![Stated { cells: vec![key("x", "a")], value: v }];
        assert_eq!(
            solve_with(vec![unit.clone()], &[], &[], says(12)),
            vec![Verdict::Decided { choice: 1, by_prose: true }]
        );
        assert_eq!(solve_with(vec![unit], &[], &[], says(7)), vec![Verdict::Ambiguous]);
    }

    #[test]
    fn blanks_leave_an_equation_unverifiable() {
        let blank_x = Choice { rows: vec![0], cells: vec![(key("x", "a"), Val::Other)] };
        let unit = Unit { block: None, choices: vec![blank_x] };
        let got = solve_with(vec![unit], &[("total.a", 3), ("y.a", 0)], &total_rule(), vec![]);
        assert_eq!(got, vec![Verdict::Decided { choice: 0, by_prose: false }]);
        // The same with a number that breaks the total is inconsistent.
        let unit = Unit { block: None, choices: vec![choice(&[0], &[("x.a", 1)])] };
        let got = solve_with(vec![unit], &[("total.a", 3), ("y.a", 0)], &total_rule(), vec![]);
        assert_eq!(got, vec![Verdict::Inconsistent]);
        let unit =
            Unit { block: None, choices: vec![Choice { rows: vec![0], cells: vec![(key("x", "a"), Val::Other)] }] };
        let got = solve_with(vec![unit], &[("total.a", 3), ("y.a", 0)], &total_rule(), vec![]);
        assert_eq!(got, vec![Verdict::Decided { choice: 0, by_prose: false }]);
    }

    #[test]
    fn the_search_is_bounded() {
        // Forty units of ten interchangeable choices each, no rule: far beyond the node budget.
        let units: Vec<Unit> = (0..40)
            .map(|i| {
                let cell = format!("r{i}.a");
                Unit { block: None, choices: (0..10).map(|v| choice(&[i], &[(cell.as_str(), v)])).collect() }
            })
            .collect();
        // Tie them together with one equation so they form one group.
        let eq = Equation {
            rule: "R".into(),
            binding: "a".into(),
            lhs: vec![key("sum", "a")],
            rhs: (0..40).map(|i| key(&format!("r{i}"), "a")).collect(),
        };
        let started = std::time::Instant::now();
        let got = solve_with(units, &[], &[eq], vec![]);
        assert!(got.iter().all(|v| matches!(v, Verdict::Ambiguous | Verdict::TooLarge)), "{got:?}");
        assert!(started.elapsed().as_secs() < 10);
    }
}
