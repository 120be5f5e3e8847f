//! The path of a node in a YAML document (`roles.task.name`, `Statement[0]`), as a persistent
//! list: extending a path allocates one node and shares its parent, and a path's hash is
//! computed once, incrementally. Also the hashing the position indexes share.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Arc;

/// One step in the YAML tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// A path from the document root to a node.
///
/// A persistent list: extending a path allocates one node and shares its parent, so cloning
/// is a reference-count increment and a path's hash is computed once, incrementally.
#[derive(Clone, Default)]
pub struct YamlPath(Option<Arc<PathNode>>);

struct PathNode {
    parent: YamlPath,
    seg: Seg,
    hash: u64,
    depth: usize,
}

pub(super) const SEED: u64 = 0x243f_6a88_85a3_08d3;

/// One step of the incremental hash: multiply, then fold the high half down. A product carries
/// only upwards, so without the fold two chunks that differ in their top byte (`role-123` and
/// `role-124` are one 8-byte chunk each) differed only in the top bits, which the next step's
/// low-byte difference could cancel: 10,000 role keys had ~130 collisions, each a linear
/// search of the mapping when a diagnostic was located (docs/performance.md, session 10).
pub(super) fn mix(h: u64, x: u64) -> u64 {
    let m = (h.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95);
    m ^ (m >> 32)
}

/// A hash of a key's text (also used for the fast index's large mappings).
pub(super) fn str_hash(mut h: u64, s: &str) -> u64 {
    let b = s.as_bytes();
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = mix(h, u64::from_le_bytes(w));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = mix(h, u64::from_le_bytes(w));
    }
    mix(h, b.len() as u64)
}

impl YamlPath {
    /// The root.
    pub fn root() -> Self {
        YamlPath(None)
    }

    fn push(&self, seg: Seg) -> Self {
        let parent_hash = self.hash_value();
        let hash = match &seg {
            Seg::Key(k) => str_hash(mix(parent_hash, 0x4b), k),
            Seg::Index(i) => mix(mix(parent_hash, 0x49), *i as u64),
        };
        YamlPath(Some(Arc::new(PathNode {
            parent: self.clone(),
            seg,
            hash,
            depth: self.depth() + 1,
        })))
    }

    /// This path plus a key.
    pub fn key(&self, k: &str) -> Self {
        self.push(Seg::Key(k.to_owned()))
    }

    /// This path plus an index.
    pub fn index(&self, i: usize) -> Self {
        self.push(Seg::Index(i))
    }

    /// Number of steps from the root.
    pub fn depth(&self) -> usize {
        self.0.as_ref().map_or(0, |n| n.depth)
    }

    /// The path without its last step (the root's parent is the root).
    pub fn parent(&self) -> YamlPath {
        self.0
            .as_ref()
            .map_or_else(YamlPath::root, |n| n.parent.clone())
    }

    /// The last step, if any.
    pub fn last(&self) -> Option<&Seg> {
        self.0.as_ref().map(|n| &n.seg)
    }

    /// The steps from the root.
    pub(crate) fn segments(&self) -> Vec<&Seg> {
        let mut v = Vec::with_capacity(self.depth());
        let mut p = self;
        while let Some(n) = &p.0 {
            v.push(&n.seg);
            p = &n.parent;
        }
        v.reverse();
        v
    }

    /// This path with `prefix` taken off its start: `a.b.c` without `a` is `b.c`; `None`
    /// when the path does not start with `prefix`.
    pub fn strip_prefix(&self, prefix: &YamlPath) -> Option<YamlPath> {
        let extra = self.depth().checked_sub(prefix.depth())?;
        let mut rest = Vec::with_capacity(extra);
        let mut p = self;
        for _ in 0..extra {
            let n = p.0.as_ref()?;
            rest.push(&n.seg);
            p = &n.parent;
        }
        if p != prefix {
            return None;
        }
        Some(
            rest.into_iter()
                .rev()
                .fold(YamlPath::root(), |acc, seg| acc.push(seg.clone())),
        )
    }

    fn hash_value(&self) -> u64 {
        self.0.as_ref().map_or(SEED, |n| n.hash)
    }
}

impl PartialEq for YamlPath {
    fn eq(&self, other: &Self) -> bool {
        let (mut a, mut b) = (self, other);
        loop {
            match (&a.0, &b.0) {
                (None, None) => return true,
                (Some(x), Some(y)) => {
                    if Arc::ptr_eq(x, y) {
                        return true;
                    }
                    if x.hash != y.hash || x.depth != y.depth || x.seg != y.seg {
                        return false;
                    }
                    a = &x.parent;
                    b = &y.parent;
                }
                _ => return false,
            }
        }
    }
}

impl Eq for YamlPath {}

impl Hash for YamlPath {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash_value());
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (i, s) in self.segments().into_iter().enumerate() {
            match s {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "YamlPath({:?})", self.to_string())
    }
}

/// A hasher for keys that are already good 64-bit hashes (a final mix spreads the low bits).
#[derive(Default)]
pub(super) struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = mix(self.0, u64::from(*b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = mix(self.0, n);
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = mix(self.0, u64::from(n));
    }
}

pub(super) type PreHashedMap<K, V> = HashMap<K, V, BuildHasherDefault<PreHashed>>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys that differ in a digit or two hash apart: with a multiply-only step, 241 of
    /// `role-1` … `role-10000` shared a hash with another key.
    #[test]
    fn numbered_keys_do_not_collide() {
        for prefix in ["role-", "r", "app-team-role-", "x"] {
            let hashes: std::collections::HashSet<u64> = (1..=10_000)
                .map(|i| str_hash(SEED, &format!("{prefix}{i}")))
                .collect();
            assert_eq!(hashes.len(), 10_000, "{prefix}");
        }
    }

    #[test]
    fn paths_share_and_compare() {
        let a = YamlPath::root().key("roles").key("x").index(2);
        let b = YamlPath::root().key("roles").key("x").index(2);
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "roles.x[2]");
        assert_ne!(a, YamlPath::root().key("roles").key("x").index(3));
        assert_ne!(a, YamlPath::root().key("roles").key("x"));
        assert_eq!(a.parent(), YamlPath::root().key("roles").key("x"));
        assert_eq!(a.depth(), 3);
        let mut m = PreHashedMap::default();
        m.insert(a.clone(), 1);
        assert_eq!(m.get(&b), Some(&1));
    }
}
