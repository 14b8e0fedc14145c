//! [`PatternSet`]: which of a fixed list of patterns occur in a text, found in one pass.
//!
//! The mapper asks of every source label which of a table's row patterns it contains. Asking each pattern in turn
//! (`str::contains`) sets up a substring search per pattern and label; an Aho-Corasick automaton built once with
//! the template finds them all in one scan of the label.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// A list of patterns, searched for together.
#[derive(Debug, Clone, Default)]
pub struct PatternSet {
    /// A contiguous NFA: as fast as a DFA on labels this short, and small enough to stay in cache (a DFA of a
    /// table's patterns is hundreds of kilobytes). `None` when the list is empty (or the automaton could not be
    /// built, which for short literal patterns does not happen; then every search falls back to `str::contains`).
    automaton: Option<AhoCorasick>,
    patterns: Vec<String>,
}

impl PatternSet {
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> PatternSet {
        let patterns: Vec<String> = patterns.iter().map(|p| p.as_ref().to_string()).collect();
        let automaton = (!patterns.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        PatternSet { automaton, patterns }
    }

    /// The patterns, in the order given.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Sets `found` to the index of every pattern that occurs in `text`, each once, in ascending order (a buffer
    /// the caller may reuse).
    pub fn present_in(&self, text: &str, found: &mut Vec<usize>) {
        found.clear();
        match &self.automaton {
            Some(ac) => {
                found.extend(ac.find_overlapping_iter(text).map(|m| m.pattern().as_usize()));
                found.sort_unstable();
                found.dedup();
            }
            None => found
                .extend(self.patterns.iter().enumerate().filter(|(_, p)| text.contains(p.as_str())).map(|(i, _)| i)),
        }
    }

    /// True if any pattern occurs in `text`.
    pub fn any_in(&self, text: &str) -> bool {
        match &self.automaton {
            Some(ac) => ac.is_match(text),
            None => self.patterns.iter().any(|p| text.contains(p.as_str())),
        }
    }
}

/// Patterns in groups, each group a list (a row's patterns, a table's cues), searched for together: which groups
/// have a pattern in a text. Pattern indices run group after group, in the order given.
#[derive(Debug, Clone, Default)]
pub struct GroupedPatterns {
    set: PatternSet,
    /// The group of each pattern.
    owner: Vec<usize>,
}

impl GroupedPatterns {
    pub fn new<'p, G: AsRef<[String]> + 'p>(groups: impl IntoIterator<Item = &'p G>) -> GroupedPatterns {
        let (mut patterns, mut owner) = (Vec::new(), Vec::new());
        for (group, list) in groups.into_iter().enumerate() {
            for pattern in list.as_ref() {
                patterns.push(pattern.as_str());
                owner.push(group);
            }
        }
        GroupedPatterns { set: PatternSet::new(&patterns), owner }
    }

    /// The first group, in the order given, with a pattern in `text`.
    pub fn first_in(&self, text: &str) -> Option<usize> {
        let mut found = Vec::new();
        self.set.present_in(text, &mut found);
        found.first().and_then(|&i| self.owner.get(i).copied())
    }

    /// Sets `found` to the index of every pattern found in `text` (see [`PatternSet::present_in`]).
    pub fn present_in(&self, text: &str, found: &mut Vec<usize>) {
        self.set.present_in(text, found);
    }

    /// Pattern `index` and its group.
    pub fn get(&self, index: usize) -> Option<(usize, &str)> {
        Some((*self.owner.get(index)?, self.set.patterns().get(index)?.as_str()))
    }

    /// The number of patterns.
    pub fn len(&self) -> usize {
        self.owner.len()
    }

    pub fn is_empty(&self) -> bool {
        self.owner.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The patterns that occur in `text`, found one by one.
    fn by_contains(patterns: &[&str], text: &str) -> Vec<usize> {
        patterns.iter().enumerate().filter(|(_, p)| text.contains(**p)).map(|(i, _)| i).collect()
    }

    #[test]
    fn finds_what_contains_finds() {
        // Overlapping and nested patterns, repeated occurrences, the empty pattern, non-ASCII text.
        let patterns =
            ["行政许可", "许可", "行政", "其他", "其他对象", "a", "aa", "", "（一）", "一", "法人或其他组织", "组织"];
        let texts = [
            "",
            "行政许可",
            "行政许可行政许可其他",
            "（一）行政许可",
            "法人或其他组织",
            "aaa",
            "其他对象其他",
            "无关的标签",
            "商业企业组织其他a",
        ];
        let set = PatternSet::new(&patterns);
        for text in texts {
            let mut found = vec![99];
            set.present_in(text, &mut found);
            assert_eq!(found, by_contains(&patterns, text), "{text}");
            assert_eq!(set.any_in(text), !by_contains(&patterns, text).is_empty(), "{text}");
        }
        let grouped = GroupedPatterns::new(&[
            vec!["其他对象".to_string()],
            vec!["许可".to_string(), "组织".to_string()],
            vec!["行政".to_string()],
        ]);
        assert_eq!(grouped.first_in("法人或其他组织，行政许可"), Some(1));
        assert_eq!(grouped.first_in("其他对象"), Some(0));
        assert_eq!(grouped.first_in("无关"), None);
        assert_eq!(grouped.get(2), Some((1, "组织")));
        let empty = PatternSet::new::<&str>(&[]);
        let mut found = Vec::new();
        empty.present_in("行政许可", &mut found);
        assert!(found.is_empty() && !empty.any_in("行政许可"));
    }
}
