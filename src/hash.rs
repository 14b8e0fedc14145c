//! Hash maps and sets with a fast hasher (foldhash, seeded per process). The keys nianbao hashes are short
//! strings (cell keys, labels, tag names) and small tuples, for which the standard library's SipHash cost more
//! than the work around it.

/// A [`std::collections::HashMap`] with the fast hasher; make one with `HashMap::default()`.
pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A [`std::collections::HashSet`] with the fast hasher; make one with `HashSet::default()`.
pub type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// An [`indexmap::IndexMap`] (insertion order) with the fast hasher; make one with `IndexMap::default()`.
pub type IndexMap<K, V> = indexmap::IndexMap<K, V, foldhash::fast::RandomState>;
