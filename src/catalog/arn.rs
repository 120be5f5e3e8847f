//! Matching an ARN written in a policy (with IAM wildcards) against a resource type's ARN pattern.
//!
//! Both sides are patterns: the policy's ARN may hold `*` (any text), `?` (one character)
//! and policy variables (`${aws:username}`: any text); AWS's pattern holds placeholders
//! (`${BucketName}`: at least one character) and, rarely, a literal `*`. They match when
//! some concrete ARN fits both. That is decided by a shortest-path search over pairs of
//! positions (one in each pattern), so the work is bounded by the product of their lengths.
//!
//! The search also counts how many `/` and `:` the placeholders must swallow from the
//! policy's ARN: that cost tells `bucket/*` (an object, cost 0) from a bucket whose name
//! would have to contain a `/` (cost 1).

use std::collections::VecDeque;

/// One position of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    /// Exactly this character.
    Lit(char),
    /// Any one character (`?`).
    One,
    /// Any run of characters, possibly empty (`*`, a policy variable).
    Star,
    /// First character of a placeholder (`${Name}` is `VarOne` then `VarStar`).
    VarOne,
    /// Rest of a placeholder.
    VarStar,
}

impl Node {
    /// Whether the node stays in place after consuming a character.
    fn repeats(self) -> bool {
        matches!(self, Node::Star | Node::VarStar)
    }

    fn is_placeholder(self) -> bool {
        matches!(self, Node::VarOne | Node::VarStar)
    }
}

/// An ARN from a policy, prepared for matching against resource type patterns.
pub(super) struct ArnQuery {
    nodes: Vec<Node>,
    colons: Option<[usize; 5]>,
    /// The search's buffers, reused from one pattern to the next.
    scratch: std::cell::RefCell<Scratch>,
}

/// A resource type's ARN pattern, tokenized once (`${Name}` placeholders).
#[derive(Debug)]
pub(super) struct Pattern {
    nodes: Vec<Node>,
    colons: Option<[usize; 5]>,
}

impl Pattern {
    pub(super) fn new(pattern: &str) -> Pattern {
        let nodes = tokenize(pattern, |_| &[Node::VarOne, Node::VarStar]);
        let colons = segment_colons(&nodes);
        Pattern { nodes, colons }
    }
}

/// Distance table and queue of [`intersect`].
#[derive(Default)]
struct Scratch {
    dist: Vec<u32>,
    queue: VecDeque<(usize, usize, u32)>,
}

impl ArnQuery {
    /// Reads a policy ARN: `*` and `?` are wildcards, `${*}`, `${?}` and `${$}` the escaped
    /// characters, any other `${…}` a policy variable.
    pub(super) fn new(arn: &str) -> ArnQuery {
        let nodes = tokenize(arn, |name| match name {
            "*" => &[Node::Lit('*')],
            "?" => &[Node::Lit('?')],
            "$" => &[Node::Lit('$')],
            _ => &[Node::Star],
        });
        let colons = segment_colons(&nodes);
        ArnQuery {
            nodes,
            colons,
            scratch: Default::default(),
        }
    }

    /// The number of `/` and `:` that `pattern`'s placeholders must take from this ARN for
    /// the two to match, or `None` if they cannot match.
    ///
    /// When both are full ARNs (six `:`-separated segments), partition, service, region
    /// and account are matched segment by segment, so a wildcard there cannot span a `:`.
    pub(super) fn cost(&self, pattern: &Pattern) -> Option<u32> {
        let scratch = &mut *self.scratch.borrow_mut();
        let p = &pattern.nodes;
        let (Some(q_colons), Some(p_colons)) = (self.colons, pattern.colons) else {
            return intersect(&self.nodes, p, scratch);
        };
        // The resource part first: it is where most patterns of a service differ (`job/…`,
        // `accesspoint/…`), so a mismatch is found before the four segments they share.
        let mut total = intersect(
            &self.nodes[q_colons[4] + 1..],
            &p[p_colons[4] + 1..],
            scratch,
        )?;
        let (mut q_start, mut p_start) = (0, 0);
        for (segment, (q_end, p_end)) in q_colons.into_iter().zip(p_colons).enumerate() {
            // An empty account names a resource AWS owns and shares with every account
            // (`arn:aws:ssm:*::document/AWS-RunShellScript`): it fits the pattern's
            // `${Account}` placeholder. An empty region stays a mismatch.
            let q_segment = &self.nodes[q_start..q_end];
            let p_segment = &p[p_start..p_end];
            if !(q_segment.is_empty()
                && segment == 4
                && p_segment.first().is_some_and(|n| n.is_placeholder()))
            {
                total += intersect(q_segment, p_segment, scratch)?;
            }
            (q_start, p_start) = (q_end + 1, p_end + 1);
        }
        Some(total)
    }
}

/// Splits text into nodes; `${name}` becomes `braced(name)`, `*` and `?` wildcards. ASCII
/// text (all of most ARNs) is read a byte at a time.
fn tokenize(text: &str, braced: impl Fn(&str) -> &'static [Node]) -> Vec<Node> {
    let mut nodes = Vec::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if !b.is_ascii() {
            let c = text[i..].chars().next().unwrap_or_default();
            nodes.push(Node::Lit(c));
            i += c.len_utf8();
            continue;
        }
        if b == b'$' && bytes.get(i + 1) == Some(&b'{') {
            if let Some(end) = text[i + 2..].find('}') {
                nodes.extend_from_slice(braced(&text[i + 2..i + 2 + end]));
                i += end + 3;
                continue;
            }
        }
        nodes.push(match b {
            b'*' => Node::Star,
            b'?' => Node::One,
            _ => Node::Lit(char::from(b)),
        });
        i += 1;
    }
    nodes
}

/// Positions of the first five literal `:`, which end partition… account; `None` if fewer.
fn segment_colons(nodes: &[Node]) -> Option<[usize; 5]> {
    let mut colons = [0; 5];
    let mut found = nodes
        .iter()
        .enumerate()
        .filter(|(_, node)| **node == Node::Lit(':'))
        .map(|(i, _)| i);
    for slot in &mut colons {
        *slot = found.next()?;
    }
    Some(colons)
}

/// Least cost of a string matched by both `query` and `pattern`, or `None` if there is none.
///
/// Literal characters that start (or end) both sides must be the same and are matched with
/// each other at no cost, so they are compared directly and cut off; what is left is often
/// nothing, or a single placeholder (`${Name}`), whose cost is counted without a search (most
/// segments of most ARNs are one or the other). The rest goes to [`search`].
fn intersect(query: &[Node], pattern: &[Node], scratch: &mut Scratch) -> Option<u32> {
    let (mut query, mut pattern) = (query, pattern);
    while let ([Node::Lit(a), q @ ..], [Node::Lit(b), p @ ..]) = (query, pattern) {
        if a != b {
            return None;
        }
        (query, pattern) = (q, p);
    }
    while let ([q @ .., Node::Lit(a)], [p @ .., Node::Lit(b)]) = (query, pattern) {
        if a != b {
            return None;
        }
        (query, pattern) = (q, p);
    }
    match (query, pattern) {
        ([], []) => Some(0),
        // One side spells nothing: the other must be able to spell nothing too (only `*`
        // and the rest of a placeholder can; a placeholder's first character cannot).
        ([], p) if !p.iter().all(|n| matches!(n, Node::Star | Node::VarStar)) => None,
        (q, []) if !q.iter().all(|n| matches!(n, Node::Star | Node::VarStar)) => None,
        // One placeholder takes the whole of a query that can spell at least one character
        // (every query node can: a `*` spells one that is not `/` or `:`), paying for each
        // `/` and `:` the query spells out.
        ([_, ..], [Node::VarOne, Node::VarStar]) => Some(
            query
                .iter()
                .filter(|n| matches!(n, Node::Lit('/' | ':')))
                .count() as u32,
        ),
        _ => search(query, pattern, scratch),
    }
}

/// [`intersect`] by a 0-1 breadth-first search over states (i, j): `query[..i]` and
/// `pattern[..j]` have matched the same prefix. A step either skips an empty-able
/// `Star`/`VarStar`, or consumes one character both nodes accept; it costs 1 when a
/// placeholder takes a `/` or `:` that the query spells out literally.
fn search(query: &[Node], pattern: &[Node], scratch: &mut Scratch) -> Option<u32> {
    let (n, m) = (query.len(), pattern.len());
    let width = m + 1;
    let Scratch { dist, queue } = scratch;
    dist.clear();
    dist.resize((n + 1) * width, u32::MAX);
    queue.clear();
    dist[0] = 0;
    queue.push_back((0, 0, 0));
    while let Some((i, j, d)) = queue.pop_front() {
        if d > dist[i * width + j] {
            continue;
        }
        if (i, j) == (n, m) {
            return Some(d);
        }
        let mut relax = |i2: usize, j2: usize, cost: u32, queue: &mut VecDeque<_>| {
            let d2 = d + cost;
            if d2 < dist[i2 * width + j2] {
                dist[i2 * width + j2] = d2;
                if cost == 0 {
                    queue.push_front((i2, j2, d2));
                } else {
                    queue.push_back((i2, j2, d2));
                }
            }
        };
        let (q, p) = (query.get(i).copied(), pattern.get(j).copied());
        if q.is_some_and(Node::repeats) {
            relax(i + 1, j, 0, queue);
        }
        if p.is_some_and(Node::repeats) {
            relax(i, j + 1, 0, queue);
        }
        let (Some(q), Some(p)) = (q, p) else {
            continue;
        };
        if q.repeats() && p.repeats() {
            continue; // consuming with both in place leads back to (i, j)
        }
        let cost = match (q, p) {
            (Node::Lit(a), Node::Lit(b)) if a != b => continue,
            (Node::Lit('/' | ':'), p) if p.is_placeholder() => 1,
            _ => 0,
        };
        let i2 = if q.repeats() { i } else { i + 1 };
        let j2 = if p.repeats() { j } else { j + 1 };
        relax(i2, j2, cost, queue);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Query nodes: a few literal characters (`/` and `:` among them), `?` and `*`.
    fn query_node() -> impl Strategy<Value = Vec<Node>> {
        prop_oneof![
            4 => prop::sample::select(vec!['a', 'b', '/', ':']).prop_map(|c| vec![Node::Lit(c)]),
            1 => Just(vec![Node::One]),
            1 => Just(vec![Node::Star]),
        ]
    }

    /// Pattern nodes: literals, `${Name}` placeholders, and the rare `*` and `?`.
    fn pattern_node() -> impl Strategy<Value = Vec<Node>> {
        prop_oneof![
            4 => prop::sample::select(vec!['a', 'b', '/', ':']).prop_map(|c| vec![Node::Lit(c)]),
            2 => Just(vec![Node::VarOne, Node::VarStar]),
            1 => Just(vec![Node::Star]),
            1 => Just(vec![Node::One]),
        ]
    }

    fn flat(v: Vec<Vec<Node>>) -> Vec<Node> {
        v.into_iter().flatten().collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// The cut-offs and the placeholder count give the search's answer on every pair.
        #[test]
        fn shortcuts_agree_with_the_search(
            q in prop::collection::vec(query_node(), 0..7).prop_map(flat),
            p in prop::collection::vec(pattern_node(), 0..6).prop_map(flat),
        ) {
            let mut scratch = Scratch::default();
            let fast = intersect(&q, &p, &mut scratch);
            let slow = search(&q, &p, &mut scratch);
            prop_assert_eq!(fast, slow, "query {:?} pattern {:?}", q, p);
        }
    }
}
