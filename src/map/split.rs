//! Splitting a run of digits whose cells ran together (`290000029` for `29 0 0 0 0 0 29`).
//!
//! A split is accepted only when the template's arithmetic over the row leaves exactly one possibility; a run
//! with several consistent readings, or none, is not split. Numbers never start with a `0` unless they are `0`.

use std::collections::HashMap;

use crate::report::CellKey;
use crate::rules::Equation;

/// The unique way to cut `digits` into `keys.len()` numbers so that every equation whose cells are all among
/// `keys` or `known` holds, or `None` if there is no such way or more than one.
pub fn unique_split(
    digits: &str,
    keys: &[CellKey],
    equations: &[Equation],
    known: &HashMap<CellKey, i64>,
) -> Option<Vec<i64>> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || keys.is_empty() {
        return None;
    }
    if digits.len() < keys.len() || digits.len() > keys.len() * 12 {
        return None;
    }
    // Equations over this row and known cells: the row's key indices on each side, the known cells folded into a
    // constant (lhs − rhs), and the last index the equation waits for.
    let local: Vec<Local> = equations
        .iter()
        .filter_map(|eq| {
            let mut constant = 0i64;
            let mut side = |terms: &[CellKey], sign: i64| -> Option<Vec<usize>> {
                let mut ix = Vec::new();
                for k in terms {
                    match keys.iter().position(|x| x == k) {
                        Some(i) => ix.push(i),
                        None => constant += sign * known.get(k)?,
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
    let mut search = Search { digits: digits.as_bytes(), n: keys.len(), local: &local, found: Vec::new(), count: 0 };
    let mut parts = Vec::with_capacity(keys.len());
    search.walk(0, &mut parts);
    if search.count == 1 {
        Some(search.found)
    } else {
        None
    }
}

/// An equation restricted to one row: `Σ lhs + constant = Σ rhs` over the row's parts.
struct Local {
    lhs: Vec<usize>,
    rhs: Vec<usize>,
    constant: i64,
    last: usize,
}

struct Search<'a> {
    digits: &'a [u8],
    n: usize,
    local: &'a [Local],
    found: Vec<i64>,
    count: usize,
}

impl Search<'_> {
    fn walk(&mut self, at: usize, parts: &mut Vec<i64>) {
        if self.count > 1 {
            return;
        }
        let placed = parts.len();
        if placed == self.n {
            if at == self.digits.len() {
                self.count += 1;
                self.found = parts.clone();
            }
            return;
        }
        let remaining_parts = self.n - placed;
        let remaining_digits = self.digits.len() - at;
        if remaining_digits < remaining_parts {
            return;
        }
        let max_len = if self.digits[at] == b'0' { 1 } else { (remaining_digits - (remaining_parts - 1)).min(12) };
        for len in 1..=max_len {
            let Some(value) = parse(&self.digits[at..at + len]) else {
                break;
            };
            parts.push(value);
            if self.consistent(parts) {
                self.walk(at + len, parts);
            }
            parts.pop();
        }
    }

    /// Checks the equations whose last cell has just been placed.
    fn consistent(&self, parts: &[i64]) -> bool {
        let just = parts.len() - 1;
        self.local.iter().filter(|eq| eq.last == just).all(|eq| {
            let sum = |ix: &Vec<usize>| ix.iter().map(|&i| parts[i]).sum::<i64>();
            sum(&eq.lhs) + eq.constant == sum(&eq.rhs)
        })
    }
}

fn parse(bytes: &[u8]) -> Option<i64> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[&str]) -> Vec<CellKey> {
        names.iter().map(|n| CellKey::new("r", n)).collect()
    }

    fn r3() -> Vec<Equation> {
        vec![Equation {
            rule: "R3".into(),
            binding: "r".into(),
            lhs: keys(&["t"]),
            rhs: keys(&["a", "b", "c", "d", "e", "f"]),
        }]
    }

    #[test]
    fn a_row_whose_total_pins_the_split_is_split() {
        let k = keys(&["a", "b", "c", "d", "e", "f", "t"]);
        assert_eq!(unique_split("290000029", &k, &r3(), &HashMap::new()), Some(vec![29, 0, 0, 0, 0, 0, 29]));
        assert_eq!(unique_split("0000000", &k, &r3(), &HashMap::new()), Some(vec![0; 7]));
    }

    #[test]
    fn ambiguous_or_impossible_runs_are_not_split() {
        let k = keys(&["a", "b", "c", "d", "e", "f", "t"]);
        // Too short for seven numbers, and no reading of 1200012 adds up.
        assert_eq!(unique_split("12", &k, &r3(), &HashMap::new()), None);
        assert_eq!(unique_split("1200012", &k, &r3(), &HashMap::new()), None);
        // 1|110|0|0|0|0|111 and 111|0|0|0|0|0|111 both add up.
        assert_eq!(unique_split("11100000111", &k, &r3(), &HashMap::new()), None);
        assert_eq!(unique_split("1100002", &k, &r3(), &HashMap::new()), Some(vec![1, 1, 0, 0, 0, 0, 2]));
        // No rule over the row: only a run with one digit per cell has a single reading.
        assert_eq!(unique_split("3960181", &keys(&["x", "y", "z"]), &[], &HashMap::new()), None);
        assert_eq!(unique_split("000", &keys(&["x", "y", "z"]), &[], &HashMap::new()), Some(vec![0, 0, 0]));
    }

    #[test]
    fn known_cells_of_other_rows_pin_down_an_ambiguous_run() {
        // total.a = x.a + x.b, with total.a known to be 2: "1110" reads 1|1|10, 1|11|0 or 11|1|0; only the
        // first adds up.
        let key = |row: &str, col: &str| CellKey::new(row, col);
        let keys = vec![key("x", "a"), key("x", "b"), key("x", "c")];
        let eq = Equation {
            rule: "R2".into(),
            binding: "a".into(),
            lhs: vec![key("total", "a")],
            rhs: vec![key("x", "a"), key("x", "b")],
        };
        assert_eq!(unique_split("1110", &keys, std::slice::from_ref(&eq), &HashMap::new()), None);
        let known = HashMap::from([(key("total", "a"), 2)]);
        assert_eq!(unique_split("1110", &keys, &[eq], &known), Some(vec![1, 1, 10]));
    }

    #[test]
    fn a_single_cell_takes_the_whole_run() {
        assert_eq!(unique_split("24380", &keys(&["x"]), &[], &HashMap::new()), Some(vec![24380]));
    }
}
