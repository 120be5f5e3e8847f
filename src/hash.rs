//! Hash maps keyed by the module's own names, with a fast hasher (foldhash) instead of std's
//! SipHash: the keys are the user's own identifiers, so flooding resistance buys nothing, and
//! the per-role lookups of validation and the README are a measurable share of a build.
//! Iteration order is as unspecified as std's: nothing may depend on it.

/// A `HashMap` with [`foldhash`]'s fast hasher, seeded per process as std's is.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A `HashSet` with [`foldhash`]'s fast hasher.
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// An `IndexMap` (insertion order) with [`foldhash`]'s fast hasher.
pub type FastIndexMap<K, V> = indexmap::IndexMap<K, V, foldhash::fast::RandomState>;
