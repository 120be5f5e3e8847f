//! `rolegen diff` is sound: whenever the new spec allows a request the old one did not, the
//! diff reports a widening. Random pairs of one-role, one-inline-policy specs are drawn from a
//! small universe (a few actions, resources with prefix and wildcard relations, `NotAction`,
//! `NotResource`, Allow and Deny, a few conditions), so a brute-force oracle that evaluates
//! every concrete request (action × resource × request context) under IAM's rules is exact.
//!
//! Also checked, weakly, the other way: a diff with no change at all means both specs allow
//! exactly the same requests. Over-reporting (a widening reported where the oracle finds no
//! newly allowed request) is allowed and only counted.
//!
//! Counterexamples the property finds go at the end as plain regression tests (none so far:
//! the diff held on every pair tried, including 24,000 in a release run with
//! `DIFF_SOUNDNESS_SCALE=30`).

use crate::oracle;

use oracle::glob;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use rolegen::diff::{diff, Report};
use rolegen::model::Module;
use std::cell::Cell;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// Action patterns statements may use.
const ACTION_PATTERNS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:Get*",
    "s3:*",
    "s3:getobject",
];

/// Resource patterns statements may use.
const RESOURCE_PATTERNS: &[&str] = &[
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/x/*",
    "arn:aws:s3:::b/x/y",
    "arn:aws:s3:::c/*",
    "*",
    "arn:aws:s3:::b/?/*",
];

/// Concrete actions of requests: those the patterns name, one more `s3:Get*` covers and one
/// only `s3:*` covers.
const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:GetObjectAcl",
    "s3:DeleteObject",
];

/// Concrete resources of requests.
const RESOURCES: &[&str] = &[
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/z",
    "arn:aws:s3:::b/x/z",
    "arn:aws:s3:::b/x/y",
    "arn:aws:s3:::b/q/z",
    "arn:aws:s3:::c/z",
    "arn:aws:s3:::d/z",
];

const MFA: &str = "aws:MultiFactorAuthPresent";
const TEAM: &str = "aws:PrincipalTag/team";

/// Values of the condition keys in requests (`None`: the key is absent).
const MFA_VALUES: &[Option<&str>] = &[None, Some("true"), Some("false")];
const TEAM_VALUES: &[Option<&str>] = &[None, Some("a"), Some("A"), Some("b"), Some("ab")];

/// Conditions statements may carry: operator, key, values.
const CONDITIONS: &[(&str, &str, &[&str])] = &[
    ("Bool", MFA, &["true"]),
    ("Bool", MFA, &["false"]),
    ("StringEquals", TEAM, &["a"]),
    ("StringEquals", TEAM, &["a", "b"]),
    ("StringNotEquals", TEAM, &["a"]),
    ("StringNotEquals", TEAM, &["a", "b"]),
    ("StringEqualsIfExists", TEAM, &["a"]),
    ("StringLike", TEAM, &["a*"]),
    ("Null", TEAM, &["true"]),
    ("Null", MFA, &["false"]),
    ("StringNotEqualsIfExists", TEAM, &["a"]),
    ("StringEqualsIgnoreCase", TEAM, &["A"]),
    ("StringNotLike", TEAM, &["a*"]),
    ("ForAllValues:StringEquals", TEAM, &["a"]),
    ("ForAnyValue:StringEquals", TEAM, &["a", "b"]),
    ("Bool", MFA, &["True"]),
];

#[derive(Debug, Clone)]
struct Statement {
    deny: bool,
    not_action: bool,
    actions: Vec<usize>,
    not_resource: bool,
    resources: Vec<usize>,
    conditions: Vec<usize>,
}

type Policy = Vec<Statement>;

/// A statement; `not_action`: how often it uses `NotAction` (which expands to most of the
/// action catalogue, so a diff of it takes a debug build a third of a second).
fn statement(not_action: f64) -> impl Strategy<Value = Statement> {
    (
        prop::bool::weighted(0.3),
        prop::bool::weighted(not_action),
        prop::collection::vec(0..ACTION_PATTERNS.len(), 1..=2),
        prop::bool::weighted(0.2),
        prop::collection::vec(0..RESOURCE_PATTERNS.len(), 1..=2),
        prop::collection::vec(0..CONDITIONS.len(), 0..=2),
    )
        .prop_map(
            |(deny, not_action, actions, not_resource, resources, conditions)| {
                // One value list per operator and key (a YAML mapping cannot repeat them).
                let mut kept: Vec<usize> = Vec::new();
                for c in conditions {
                    let (op, key, _) = CONDITIONS[c];
                    if !kept
                        .iter()
                        .any(|&k| CONDITIONS[k].0 == op && CONDITIONS[k].1 == key)
                    {
                        kept.push(c);
                    }
                }
                Statement {
                    deny,
                    not_action,
                    actions,
                    not_resource,
                    resources,
                    conditions: kept,
                }
            },
        )
}

fn policy(not_action: f64) -> impl Strategy<Value = Policy> {
    prop::collection::vec(statement(not_action), 1..=3)
}

fn quoted(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

/// The spec of one role `app` with `policy` as its only inline policy.
fn spec_of(policy: &Policy) -> String {
    let mut s = String::from(
        "module: demo\nroles:\n  app:\n    name: demo-app\n    trust:\n      - service: [lambda.amazonaws.com]\n    inline_policies:\n      p:\n        Statement:\n",
    );
    for st in policy {
        let effect = if st.deny { "Deny" } else { "Allow" };
        let _ = writeln!(s, "          - Effect: {effect}");
        let field = if st.not_action { "NotAction" } else { "Action" };
        let list = quoted(
            st.actions
                .iter()
                .map(|&a| format!("\"{}\"", ACTION_PATTERNS[a])),
        );
        let _ = writeln!(s, "            {field}: {list}");
        let field = if st.not_resource {
            "NotResource"
        } else {
            "Resource"
        };
        let list = quoted(
            st.resources
                .iter()
                .map(|&r| format!("\"{}\"", RESOURCE_PATTERNS[r])),
        );
        let _ = writeln!(s, "            {field}: {list}");
        if !st.conditions.is_empty() {
            let _ = writeln!(s, "            Condition:");
            let mut ops: Vec<&str> = Vec::new();
            for &c in &st.conditions {
                if !ops.contains(&CONDITIONS[c].0) {
                    ops.push(CONDITIONS[c].0);
                }
            }
            for op in ops {
                let _ = writeln!(s, "              {op}:");
                for &c in &st.conditions {
                    let (o, key, values) = CONDITIONS[c];
                    if o == op {
                        let list = quoted(values.iter().map(|v| format!("\"{v}\"")));
                        let _ = writeln!(s, "                {key}: {list}");
                    }
                }
            }
        }
    }
    s
}

fn compile(text: &str) -> Result<Module, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    let mut o = rolegen::build::compile(
        std::slice::from_ref(&path),
        rolegen::build::CompileOptions::VALIDATE,
    );
    if o.diagnostics.has_errors() || o.modules.is_empty() {
        let msgs: Vec<String> = o
            .diagnostics
            .0
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.message.clone())
            .collect();
        return Err(format!("does not compile: {msgs:?}\n{text}"));
    }
    Ok(o.modules.remove(0).module)
}

fn report(old: &Policy, new: &Policy) -> Result<Report, String> {
    let o = compile(&spec_of(old))?;
    let n = compile(&spec_of(new))?;
    Ok(diff(&o, &n, "old", "new"))
}

// ---- The oracle: IAM evaluation of one concrete request. ----

/// A request: indices into [`ACTIONS`] and [`RESOURCES`], and the request context.
#[derive(Clone, Copy)]
struct Request {
    action: usize,
    resource: usize,
    mfa: Option<&'static str>,
    team: Option<&'static str>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} on {} with {MFA}={:?}, {TEAM}={:?}",
            ACTIONS[self.action], RESOURCES[self.resource], self.mfa, self.team
        )
    }
}

fn requests() -> &'static [Request] {
    static R: OnceLock<Vec<Request>> = OnceLock::new();
    R.get_or_init(all_requests)
}

fn all_requests() -> Vec<Request> {
    let mut out = Vec::new();
    for action in 0..ACTIONS.len() {
        for resource in 0..RESOURCES.len() {
            for &mfa in MFA_VALUES {
                for &team in TEAM_VALUES {
                    out.push(Request {
                        action,
                        resource,
                        mfa,
                        team,
                    });
                }
            }
        }
    }
    out
}

/// One condition operator on the request's value of `key` (see [`oracle::condition_holds`]).
fn condition_holds(op: &str, key: &str, values: &[&str], req: &Request) -> bool {
    oracle::condition_holds(op, if key == MFA { req.mfa } else { req.team }, values)
}

/// Which patterns match which concrete actions and resources (computed once).
struct Tables {
    actions: Vec<Vec<bool>>,
    resources: Vec<Vec<bool>>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| Tables {
        actions: ACTION_PATTERNS
            .iter()
            .map(|p| ACTIONS.iter().map(|a| glob(p, a, true)).collect())
            .collect(),
        resources: RESOURCE_PATTERNS
            .iter()
            .map(|p| RESOURCES.iter().map(|r| glob(p, r, false)).collect())
            .collect(),
    })
}

fn statement_matches(st: &Statement, req: &Request) -> bool {
    let t = tables();
    let action = st.actions.iter().any(|&a| t.actions[a][req.action]);
    let resource = st.resources.iter().any(|&r| t.resources[r][req.resource]);
    action != st.not_action
        && resource != st.not_resource
        && st.conditions.iter().all(|&c| {
            let (op, key, values) = CONDITIONS[c];
            condition_holds(op, key, values, req)
        })
}

/// Explicit Deny wins, else any matching Allow, else the implicit deny.
fn allows(p: &Policy, req: &Request) -> bool {
    let matching = |deny: bool| {
        p.iter()
            .any(|st| st.deny == deny && statement_matches(st, req))
    };
    !matching(true) && matching(false)
}

/// The first request `new` allows and `old` does not.
fn newly_allowed(old: &Policy, new: &Policy) -> Option<Request> {
    requests()
        .iter()
        .find(|r| allows(new, r) && !allows(old, r))
        .copied()
}

fn show(p: &Policy) -> String {
    let text = spec_of(p);
    let start = text.find("        Statement:").unwrap_or(0);
    text[start..].to_owned()
}

/// What one case found, beyond a failure.
#[derive(Default)]
struct Tally {
    cases: Cell<u32>,
    widening: Cell<u32>,
    over_reported: Cell<u32>,
    unchanged: Cell<u32>,
}

fn check(old: &Policy, new: &Policy, tally: &Tally) -> Result<(), TestCaseError> {
    let r = report(old, new).map_err(TestCaseError::fail)?;
    tally.cases.set(tally.cases.get() + 1);
    match newly_allowed(old, new) {
        Some(req) => {
            tally.widening.set(tally.widening.get() + 1);
            if !r.widens {
                return Err(TestCaseError::fail(format!(
                    "unsound: the new spec allows {req:?}, the old one does not, and diff reports no widening\nOLD:\n{}NEW:\n{}report: {r:#?}",
                    show(old),
                    show(new)
                )));
            }
        }
        None => {
            if r.widens {
                tally.over_reported.set(tally.over_reported.get() + 1);
            }
        }
    }
    if r.entities.is_empty() {
        tally.unchanged.set(tally.unchanged.get() + 1);
        if let Some(req) = newly_allowed(new, old) {
            return Err(TestCaseError::fail(format!(
                "diff reports no change, yet the old spec allows {req:?} and the new one does not\nOLD:\n{}NEW:\n{}",
                show(old),
                show(new)
            )));
        }
    }
    Ok(())
}

/// Pairs where NEW is often OLD with one statement changed, so near-misses are common.
/// One small edit of one statement: `what` picks the field, `pick` the new value.
fn edit(p: &Policy, at: prop::sample::Index, what: u8, pick: prop::sample::Index) -> Policy {
    let mut p = p.clone();
    let at = at.index(p.len());
    let st = &mut p[at];
    match what % 8 {
        0 => st.deny = !st.deny,
        1 => {
            let i = pick.index(st.actions.len());
            st.actions[i] = pick.index(ACTION_PATTERNS.len());
        }
        2 => {
            let i = pick.index(st.resources.len());
            st.resources[i] = pick.index(RESOURCE_PATTERNS.len());
        }
        3 => st.not_resource = !st.not_resource,
        4 if !st.conditions.is_empty() => {
            st.conditions.remove(pick.index(st.conditions.len()));
        }
        // Another value list for a condition it has (same operator and key, else same key):
        // the near misses where value containment decides.
        5 | 6 if !st.conditions.is_empty() => {
            let i = pick.index(st.conditions.len());
            let (op, key, _) = CONDITIONS[st.conditions[i]];
            let same_op: Vec<usize> = (0..CONDITIONS.len())
                .filter(|&k| CONDITIONS[k].0 == op && CONDITIONS[k].1 == key)
                .collect();
            let same_key: Vec<usize> = (0..CONDITIONS.len())
                .filter(|&k| CONDITIONS[k].1 == key)
                .collect();
            let from = if same_op.len() > 1 && what % 8 == 5 {
                same_op
            } else {
                same_key
            };
            let c = from[pick.index(from.len())];
            st.conditions.remove(i);
            let (op, key, _) = CONDITIONS[c];
            st.conditions
                .retain(|&k| CONDITIONS[k].0 != op || CONDITIONS[k].1 != key);
            st.conditions.push(c);
        }
        // Another condition.
        _ => {
            let c = pick.index(CONDITIONS.len());
            let (op, key, _) = CONDITIONS[c];
            st.conditions
                .retain(|&k| CONDITIONS[k].0 != op || CONDITIONS[k].1 != key);
            st.conditions.push(c);
        }
    }
    p
}

fn pair(na: f64) -> impl Strategy<Value = (Policy, Policy)> {
    prop_oneof![
        3 => (
            policy(na),
            prop::collection::vec(
                (
                    any::<prop::sample::Index>(),
                    any::<u8>(),
                    any::<prop::sample::Index>()
                ),
                1..=2
            )
        )
            .prop_map(|(old, edits)| {
                let mut new = old.clone();
                for (at, what, pick) in edits {
                    new = edit(&new, at, what, pick);
                }
                (old, new)
            }),
        1 => (policy(na), policy(na)),
        1 => (policy(na), statement(na), any::<prop::sample::Index>()).prop_map(|(old, st, i)| {
            let mut new = old.clone();
            let at = i.index(new.len());
            new[at] = st;
            (old, new)
        }),
        1 => (policy(na), statement(na)).prop_map(|(old, st)| {
            let mut new = old.clone();
            new.push(st);
            (old, new)
        }),
        1 => (policy(na), any::<prop::sample::Index>()).prop_map(|(old, i)| {
            let mut new = old.clone();
            if new.len() > 1 {
                new.remove(i.index(new.len()));
            }
            (old, new)
        }),
    ]
}

/// Runs the property over `cases` pairs from a fixed seed; prints what it found.
/// `DIFF_SOUNDNESS_SCALE=N` runs N times as many, from a seed that depends on N (for a deeper
/// search by hand, e.g. in a release build).
fn run(name: &str, cases: u32, not_action: f64, seed: &[u8; 32]) {
    let scale: u32 = std::env::var("DIFF_SOUNDNESS_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut seed = *seed;
    seed[31] = seed[31].wrapping_add(scale.wrapping_sub(1) as u8);
    let config = Config {
        cases: cases.saturating_mul(scale.max(1)),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let tally = Tally::default();
    let result = runner.run(&pair(not_action), |(old, new)| check(&old, &new, &tally));
    let (n, widening, over, unchanged) = (
        tally.cases.get(),
        tally.widening.get(),
        tally.over_reported.get(),
        tally.unchanged.get(),
    );
    eprintln!(
        "{name}: {n} pairs evaluated, {widening} widen, {unchanged} without any change; \
         widening over-reported for {over} of {} pairs that do not widen",
        n - widening
    );
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
}

#[test]
fn diff_reports_every_widening() {
    run("Action", 1500, 0.0, b"rolegen diff soundness: Action  ");
}

#[test]
fn diff_reports_every_widening_with_not_action() {
    run("NotAction", 12, 0.3, b"rolegen diff soundness: NotActio");
}

/// Exhaustively, the single-statement pairs that differ only in their condition, or only in
/// their resource (`Resource` or `NotResource`), for Allow and for Deny (under an Allow of
/// everything): the value-containment and pattern-containment cases random pairs may miss.
#[test]
fn every_single_condition_and_resource_change() {
    let one = |deny: bool, not_resource: bool, resource: usize, condition: Option<usize>| {
        let star = RESOURCE_PATTERNS
            .iter()
            .position(|r| *r == "*")
            .unwrap_or(0);
        let s = Statement {
            deny,
            not_action: false,
            actions: vec![0],
            not_resource,
            resources: vec![resource],
            conditions: condition.into_iter().collect(),
        };
        if deny {
            vec![
                Statement {
                    deny: false,
                    not_action: false,
                    actions: vec![0],
                    not_resource: false,
                    resources: vec![star],
                    conditions: Vec::new(),
                },
                s,
            ]
        } else {
            vec![s]
        }
    };
    let conditions: Vec<Option<usize>> = std::iter::once(None)
        .chain((0..CONDITIONS.len()).map(Some))
        .collect();
    let tally = Tally::default();
    let mut failures = Vec::new();
    for deny in [false, true] {
        for &a in &conditions {
            for &b in &conditions {
                if let Err(e) = check(&one(deny, false, 1, a), &one(deny, false, 1, b), &tally) {
                    failures.push(e.to_string());
                }
            }
        }
        for a in 0..RESOURCE_PATTERNS.len() * 2 {
            for b in 0..RESOURCE_PATTERNS.len() * 2 {
                let side = |i: usize| {
                    one(
                        deny,
                        i >= RESOURCE_PATTERNS.len(),
                        i % RESOURCE_PATTERNS.len(),
                        None,
                    )
                };
                if let Err(e) = check(&side(a), &side(b), &tally) {
                    failures.push(e.to_string());
                }
            }
        }
    }
    eprintln!(
        "single changes: {} pairs, {} widen, widening over-reported for {} of {}",
        tally.cases.get(),
        tally.widening.get(),
        tally.over_reported.get(),
        tally.cases.get() - tally.widening.get()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---- The oracle checked by hand; regression tests for counterexamples go here. ----

fn st(deny: bool, actions: &[&str], resources: &[&str], conditions: &[usize]) -> Statement {
    let index = |all: &[&str], x: &str| all.iter().position(|y| *y == x).unwrap_or(0);
    Statement {
        deny,
        not_action: false,
        actions: actions.iter().map(|a| index(ACTION_PATTERNS, a)).collect(),
        not_resource: false,
        resources: resources
            .iter()
            .map(|r| index(RESOURCE_PATTERNS, r))
            .collect(),
        conditions: conditions.to_vec(),
    }
}

#[test]
fn oracle_sanity() {
    assert!(glob("s3:Get*", "s3:getobjectacl", true));
    assert!(!glob("arn:aws:s3:::B/*", "arn:aws:s3:::b/z", false));
    assert!(glob("arn:aws:s3:::b/?/*", "arn:aws:s3:::b/x/z", false));
    assert!(!glob("arn:aws:s3:::b/?/*", "arn:aws:s3:::b/z", false));
    let p = vec![st(false, &["s3:Get*"], &["arn:aws:s3:::b/*"], &[4])];
    let req = |team| Request {
        action: 0,
        resource: 1,
        mfa: None,
        team,
    };
    // StringNotEquals on an absent key holds.
    assert!(allows(&p, &req(None)));
    assert!(!allows(&p, &req(Some("a"))));
    assert!(allows(&p, &req(Some("b"))));
}
