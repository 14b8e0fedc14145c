//! [`CellKey`]: the key of one template cell, `<row>.<col>` (`new_received.natural_person`), parsed once.
//!
//! The printed form `row.col` is the public key of the JSON contract and the CSV files; inside the program a key
//! is this type, so nothing splits strings to find a row or a column. A key looks itself up in maps keyed by
//! `CellKey` from a plain `&str` too (`cells.get("new_received.total")`), because it hashes and compares as its
//! printed form.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A template cell: a row key and a column key of one table.
///
/// The mapper copies keys often (a table's cells, the equations that name them): a copy shares the text.
#[derive(Clone, Eq)]
pub struct CellKey {
    /// `row.col`, as printed.
    text: Arc<str>,
    /// Byte index of the `.` between row and column.
    dot: usize,
}

/// A string that is not `<row>.<col>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a cell key (`<row>.<col>`)")]
pub struct BadCellKey(pub String);

impl CellKey {
    /// The key of column `col` in row `row`. Template keys never contain a `.` (the template tests check it).
    pub fn new(row: &str, col: &str) -> CellKey {
        // Assembled on the stack when short (template keys are), so that the text is allocated once.
        let mut short = [0u8; 64];
        let length = row.len() + 1 + col.len();
        let text: Arc<str> = match short.get_mut(..length) {
            Some(buf) => {
                let (head, tail) = buf.split_at_mut(row.len());
                head.copy_from_slice(row.as_bytes());
                tail[0] = b'.';
                tail[1..].copy_from_slice(col.as_bytes());
                Arc::from(std::str::from_utf8(buf).unwrap_or_default())
            }
            None => Arc::from(format!("{row}.{col}")),
        };
        CellKey { text, dot: row.len() }
    }

    /// Parses `row.col`: the row is everything before the first `.`, and neither part is empty.
    pub fn parse(text: &str) -> Result<CellKey, BadCellKey> {
        match text.find('.') {
            Some(dot) if dot > 0 && dot + 1 < text.len() => Ok(CellKey { text: Arc::from(text), dot }),
            _ => Err(BadCellKey(text.to_string())),
        }
    }

    /// The row key (`new_received`).
    pub fn row(&self) -> &str {
        self.text.get(..self.dot).unwrap_or_default()
    }

    /// The column key (`natural_person`).
    pub fn col(&self) -> &str {
        self.text.get(self.dot + 1..).unwrap_or_default()
    }

    /// The printed form, `row.col`.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for CellKey {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

// Hashing and ordering follow the printed form, so that `Borrow<str>` lookups agree with `CellKey` lookups.
impl Hash for CellKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl PartialOrd for CellKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CellKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.text.cmp(&other.text)
    }
}

impl Borrow<str> for CellKey {
    fn borrow(&self) -> &str {
        &self.text
    }
}

impl AsRef<str> for CellKey {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for CellKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for CellKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

impl std::str::FromStr for CellKey {
    type Err = BadCellKey;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CellKey::parse(s)
    }
}

impl PartialEq<str> for CellKey {
    fn eq(&self, other: &str) -> bool {
        *self.text == *other
    }
}

impl PartialEq<&str> for CellKey {
    fn eq(&self, other: &&str) -> bool {
        *self.text == **other
    }
}

impl PartialEq<String> for CellKey {
    fn eq(&self, other: &String) -> bool {
        *self.text == **other
    }
}

impl PartialEq<CellKey> for &str {
    fn eq(&self, other: &CellKey) -> bool {
        **self == *other.text
    }
}

impl PartialEq<CellKey> for String {
    fn eq(&self, other: &CellKey) -> bool {
        **self == *other.text
    }
}

impl Serialize for CellKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for CellKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        CellKey::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexmap::IndexMap;

    #[test]
    fn parses_once_and_prints_as_given() {
        let key = CellKey::parse("new_received.natural_person").expect("valid");
        assert_eq!((key.row(), key.col()), ("new_received", "natural_person"));
        assert_eq!(key.to_string(), "new_received.natural_person");
        assert_eq!(key, CellKey::new("new_received", "natural_person"));
        // A key too long to be assembled on the stack is the same key.
        let (row, col) = ("r".repeat(40), "c".repeat(40));
        let long = CellKey::new(&row, &col);
        assert_eq!((long.row(), long.col(), long.as_str().len()), (row.as_str(), col.as_str(), 81));
        assert_eq!(long, CellKey::parse(&format!("{row}.{col}")).expect("valid"));
        for bad in ["", "row", ".col", "row.", "."] {
            assert!(CellKey::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn maps_keyed_by_cell_keys_are_found_by_their_printed_form() {
        let mut map = IndexMap::new();
        map.insert(CellKey::new("cases", "review_total"), 3);
        assert_eq!(map.get("cases.review_total"), Some(&3));
        assert_eq!(map["cases.review_total"], 3);
        let json = serde_json::to_string(&map).expect("serialises");
        assert_eq!(json, r#"{"cases.review_total":3}"#);
        let back: IndexMap<CellKey, i32> = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back, map);
        assert!(serde_json::from_str::<IndexMap<CellKey, i32>>(r#"{"nodot":1}"#).is_err());
    }
}
