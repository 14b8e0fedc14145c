//! Splitting a run of digits whose cells ran together (`290000029` for `29 0 0 0 0 0 29`).
//!
//! A split is accepted only when the template's arithmetic over the row leaves exactly one possibility; a run
//! with several consistent readings, or none, is not split. Numbers never start with a `0` unless they are `0`.

use crate::rules::Equation;

/// The unique way to cut `digits` into `keys.len()` numbers so that every equation whose cells are all among
/// `keys` holds, or `None` if there is no such way or more than one.
pub fn unique_split(digits: &str, keys: &[String], equations: &[Equation]) -> Option<Vec<i64>> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || keys.is_empty() {
        return None;
    }
    if digits.len() < keys.len() || digits.len() > keys.len() * 12 {
        return None;
    }
    // Equations entirely inside this row, each with the key indices it needs and the last index it waits for.
    let local: Vec<(Vec<usize>, Vec<usize>, usize)> = equations
        .iter()
        .filter_map(|eq| {
            let index = |k: &String| keys.iter().position(|x| x == k);
            let lhs: Option<Vec<usize>> = eq.lhs.iter().map(index).collect();
            let rhs: Option<Vec<usize>> = eq.rhs.iter().map(index).collect();
            let (lhs, rhs) = (lhs?, rhs?);
            let last = lhs.iter().chain(rhs.iter()).copied().max()?;
            Some((lhs, rhs, last))
        })
        .collect();
    let mut search = Search {
        digits: digits.as_bytes(),
        n: keys.len(),
        local: &local,
        found: Vec::new(),
        count: 0,
    };
    let mut parts = Vec::with_capacity(keys.len());
    search.walk(0, &mut parts);
    if search.count == 1 {
        Some(search.found)
    } else {
        None
    }
}

struct Search<'a> {
    digits: &'a [u8],
    n: usize,
    local: &'a [(Vec<usize>, Vec<usize>, usize)],
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
        let max_len = if self.digits[at] == b'0' {
            1
        } else {
            (remaining_digits - (remaining_parts - 1)).min(12)
        };
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
        self.local
            .iter()
            .filter(|(_, _, last)| *last == just)
            .all(|(lhs, rhs, _)| {
                let sum = |ix: &Vec<usize>| ix.iter().map(|&i| parts[i]).sum::<i64>();
                sum(lhs) == sum(rhs)
            })
    }
}

fn parse(bytes: &[u8]) -> Option<i64> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| format!("r.{n}")).collect()
    }

    fn r3() -> Vec<Equation> {
        vec![Equation {
            rule: "R3".into(),
            binding: "r".into(),
            lhs: vec!["r.t".into()],
            rhs: ["a", "b", "c", "d", "e", "f"]
                .iter()
                .map(|n| format!("r.{n}"))
                .collect(),
        }]
    }

    #[test]
    fn a_row_whose_total_pins_the_split_is_split() {
        let k = keys(&["a", "b", "c", "d", "e", "f", "t"]);
        assert_eq!(
            unique_split("290000029", &k, &r3()),
            Some(vec![29, 0, 0, 0, 0, 0, 29])
        );
        assert_eq!(unique_split("0000000", &k, &r3()), Some(vec![0; 7]));
    }

    #[test]
    fn ambiguous_or_impossible_runs_are_not_split() {
        let k = keys(&["a", "b", "c", "d", "e", "f", "t"]);
        // Too short for seven numbers, and no reading of 1200012 adds up.
        assert_eq!(unique_split("12", &k, &r3()), None);
        assert_eq!(unique_split("1200012", &k, &r3()), None);
        // 1|110|0|0|0|0|111 and 111|0|0|0|0|0|111 both add up.
        assert_eq!(unique_split("11100000111", &k, &r3()), None);
        assert_eq!(
            unique_split("1100002", &k, &r3()),
            Some(vec![1, 1, 0, 0, 0, 0, 2])
        );
        // No rule over the row: only a run with one digit per cell has a single reading.
        assert_eq!(unique_split("3960181", &keys(&["x", "y", "z"]), &[]), None);
        assert_eq!(
            unique_split("000", &keys(&["x", "y", "z"]), &[]),
            Some(vec![0, 0, 0])
        );
    }

    #[test]
    fn a_single_cell_takes_the_whole_run() {
        assert_eq!(unique_split("24380", &keys(&["x"]), &[]), Some(vec![24380]));
    }
}
