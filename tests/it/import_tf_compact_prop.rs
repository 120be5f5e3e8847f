//! `compact(…)` of a statement's resources never widens and never narrows silently: random
//! item lists — a validated required ARN, two string variables `""` by default, a validated
//! list, an unvalidated list, literal `""` and a literal ARN — under `resources` or
//! `not_resources`, on an Allow or a Deny, in a policy document or a `jsonencode` policy. The
//! import is either refused (reported, the role not imported) or, for every combination of
//! values (each optional one empty and set, each list empty and not), the spec's statements
//! name exactly the (effect, resource) pairs Terraform's `compact` gives (`NotResource` lists
//! whole); combinations where Terraform's list is empty (the source's policy is invalid) are
//! not compared, and those with an empty item in the unvalidated list are checked to be
//! refused by the pattern the import gives it (`compact` over it is read as the list).

use crate::import::errors_of;
use crate::import_never_wider::compile;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use rolegen::model::resolve::Bindings;
use rolegen::model::ParamValue;
use std::cell::Cell;
use std::collections::BTreeSet;
use std::path::Path;

const FIXED: &str = "arn:aws:sqs:eu-west-1:111122223333:fixed";
const LIT: &str = "arn:aws:sqs:eu-west-1:111122223333:lit";

/// An item of the list `compact` is given.
#[derive(Debug, Clone, Copy)]
enum Item {
    Fixed,
    A,
    B,
    /// `var.checked` (a validated list), spread with `concat`.
    Checked,
    /// `var.loose` (a list without validation).
    Loose,
    Empty,
    Lit,
}

/// Values of the variables in one combination.
struct V {
    a: &'static str,
    b: &'static str,
    checked: &'static [&'static str],
    loose: &'static [&'static str],
}

impl Item {
    fn hcl(self) -> &'static str {
        match self {
            Item::Fixed => "[var.fixed]",
            Item::A => "[var.a]",
            Item::B => "[var.b]",
            Item::Checked => "var.checked",
            Item::Loose => "var.loose",
            Item::Empty => "[\"\"]",
            Item::Lit => "[\"arn:aws:sqs:eu-west-1:111122223333:lit\"]",
        }
    }

    fn values(self, v: &V) -> Vec<String> {
        let list = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect();
        match self {
            Item::Fixed => vec![FIXED.into()],
            Item::A => vec![v.a.into()],
            Item::B => vec![v.b.into()],
            Item::Checked => list(v.checked),
            Item::Loose => list(v.loose),
            Item::Empty => vec![String::new()],
            Item::Lit => vec![LIT.into()],
        }
    }
}

fn item() -> impl Strategy<Value = Item> {
    prop_oneof![
        3 => Just(Item::Fixed),
        3 => Just(Item::A),
        2 => Just(Item::B),
        1 => Just(Item::Checked),
        1 => Just(Item::Loose),
        1 => Just(Item::Empty),
        1 => Just(Item::Lit),
    ]
}

/// The module: `items` under `key` (`resources` or `not_resources`) of a statement of
/// `effect`, beside an unswitched Allow, in a policy document or (`json`) a jsonencode policy.
fn module(items: &[Item], effect: &str, not: bool, json: bool) -> String {
    let list = format!(
        "compact(concat({}))",
        items.iter().map(|i| i.hcl()).collect::<Vec<_>>().join(", ")
    );
    let statement = if json {
        let key = if not { "NotResource" } else { "Resource" };
        format!(
            "resource \"aws_iam_role_policy\" \"q\" {{\n  name   = \"q\"\n  role   = aws_iam_role.r.id\n  policy = jsonencode({{ Version = \"2012-10-17\", Statement = [{{ Effect = \"Allow\", Action = \"logs:PutLogEvents\", Resource = \"*\" }}, {{ Effect = \"{effect}\", Action = \"sqs:SendMessage\", {key} = {list} }}] }})\n}}\n"
        )
    } else {
        let key = if not { "not_resources" } else { "resources" };
        format!(
            "data \"aws_iam_policy_document\" \"q\" {{\n  statement {{\n    actions   = [\"logs:PutLogEvents\"]\n    resources = [\"*\"]\n  }}\n  statement {{\n    effect    = \"{effect}\"\n    actions   = [\"sqs:SendMessage\"]\n    {key} = {list}\n  }}\n}}\nresource \"aws_iam_role_policy\" \"q\" {{\n  name   = \"q\"\n  role   = aws_iam_role.r.id\n  policy = data.aws_iam_policy_document.q.json\n}}\n"
        )
    };
    format!(
        r#"
variable "fixed" {{
  type    = string
  default = "{FIXED}"
  validation {{
    condition     = can(regex("^arn:aws:sqs:[a-z0-9-]+:[0-9]{{12}}:[a-z]+$", var.fixed))
    error_message = "an SQS queue ARN"
  }}
}}
variable "a" {{
  type    = string
  default = ""
}}
variable "b" {{
  type    = string
  default = ""
}}
variable "checked" {{
  type    = list(string)
  default = ["arn:aws:sqs:eu-west-1:111122223333:c"]
  validation {{
    condition     = alltrue([for v in var.checked : can(regex("^arn:aws:sqs:[a-z0-9-]+:[0-9]{{12}}:[a-z]+$", v))])
    error_message = "queue ARNs"
  }}
}}
variable "loose" {{
  type    = list(string)
  default = []
}}
resource "aws_iam_role" "r" {{
  name               = "r"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Principal = {{ Service = "ec2.amazonaws.com" }}, Action = "sts:AssumeRole" }}] }})
}}
{statement}"#
    )
}

/// (effect, key, resources) of each statement acting on `sqs:SendMessage`: one entry per
/// resource for `Resource`, the whole sorted list for `NotResource`.
fn pairs(statements: &serde_json::Value) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for s in statements.as_array().into_iter().flatten() {
        if !s["Action"].to_string().contains("sqs:sendmessage")
            && !s["Action"].to_string().contains("sqs:SendMessage")
        {
            continue;
        }
        let effect = s["Effect"].as_str().unwrap_or_default().to_owned();
        let strings = |k: &str| -> Vec<String> {
            match &s[k] {
                serde_json::Value::Array(v) => v
                    .iter()
                    .map(|x| x.as_str().unwrap_or_default().to_owned())
                    .collect(),
                serde_json::Value::String(x) => vec![x.clone()],
                _ => Vec::new(),
            }
        };
        for r in strings("Resource") {
            out.insert((effect.clone(), "Resource".into(), r));
        }
        let mut not = strings("NotResource");
        if !not.is_empty() {
            not.sort();
            not.dedup();
            out.insert((effect.clone(), "NotResource".into(), not.join(",")));
        }
    }
    out
}

#[test]
fn compact_resources_import_exactly_or_refuse() {
    let config = Config {
        cases: 192,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[10; 32]));
    let (imported, refused) = (Cell::new(0usize), Cell::new(0usize));
    let strategy = (
        prop::collection::vec(item(), 1..=4),
        any::<bool>(),
        prop::bool::weighted(0.2),
        any::<bool>(),
    );
    let result = runner.run(&strategy, |(items, deny, not, json)| {
        let effect = if deny { "Deny" } else { "Allow" };
        let tf = module(&items, effect, not, json);
        let i = rolegen::import::terraform::import_texts(
            Path::new("m"),
            vec![(Path::new("m/main.tf").to_path_buf(), tf.clone())],
            "m",
        )
        .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        // A list variable defaulting to `[]` is imported without its default (a spec list in
        // a value needs an item): reported, the statement exact, whoever deploys gives it.
        let errors = errors_of(&i);
        let only_default = errors
            .iter()
            .all(|e| e.contains("an empty list default cannot be expressed here"));
        if !errors.is_empty() && !only_default {
            refused.set(refused.get() + 1);
            // An Allow that could not be read is left out, never kept wider.
            if !deny {
                prop_assert!(!i.spec.contains("sqs:SendMessage"), "{tf}\n---\n{}", i.spec);
            }
            return Ok(());
        }
        imported.set(imported.get() + 1);
        let m = compile(&i.spec).ok_or_else(|| {
            TestCaseError::fail(format!("does not compile:\n{}\n---\n{tf}", i.spec))
        })?;
        let qa = "arn:aws:sqs:eu-west-1:111122223333:qa";
        let qb = "arn:aws:sqs:eu-west-1:111122223333:qb";
        let checked_values: [&'static [&'static str]; 2] =
            [&[], &["arn:aws:sqs:eu-west-1:111122223333:c"]];
        let loose_values: [&'static [&'static str]; 3] = [&[], &["", "arn:x"], &["arn:x", "arn:y"]];
        // `compact` over the unvalidated list is read as the list with a pattern that needs a
        // character: a value with an empty item is one the spec refuses at deploy time.
        let refuses = |l: &[&str]| {
            m.params
                .get("Loose")
                .and_then(|p| p.pattern.as_deref())
                .is_some_and(|pat| {
                    let ast = rolegen::lower::pattern::check(pat).ok();
                    l.iter().any(|x| {
                        ast.as_ref()
                            .and_then(|a| rolegen::lower::pattern::matches(pat, a, x))
                            == Some(false)
                    })
                })
        };
        for a in ["", qa] {
            for b in ["", qb] {
                for checked in checked_values {
                    for loose in loose_values {
                        if refuses(loose) {
                            prop_assert!(loose.contains(&""), "{:?} refused\n{}", loose, i.spec);
                            continue;
                        }
                        let v = V {
                            a,
                            b,
                            checked,
                            loose,
                        };
                        let kept: Vec<String> = items
                            .iter()
                            .flat_map(|x| x.values(&v))
                            .filter(|x| !x.is_empty())
                            .collect();
                        if kept.is_empty() {
                            continue; // the source's statement has no resources: invalid
                        }
                        let want = if not {
                            let mut s = kept.clone();
                            s.sort();
                            s.dedup();
                            BTreeSet::from([(effect.to_owned(), "NotResource".into(), s.join(","))])
                        } else {
                            kept.iter()
                                .map(|r| (effect.to_owned(), "Resource".to_owned(), r.clone()))
                                .collect()
                        };
                        let mut bind = Bindings::defaults(&m);
                        let list = |l: &[&str]| {
                            ParamValue::List(l.iter().map(|s| (*s).to_owned()).collect())
                        };
                        for (k, x) in [
                            ("A", ParamValue::Str(a.into())),
                            ("B", ParamValue::Str(b.into())),
                            ("Checked", list(checked)),
                            ("Loose", list(loose)),
                        ] {
                            if m.params.contains_key(k) {
                                bind.params.insert(k.into(), x);
                            }
                        }
                        let got = bind.module(&m);
                        let got = pairs(&got["roles"]["R"]["inline"]["q"]["Statement"]);
                        prop_assert_eq!(
                            &got,
                            &want,
                            "a={:?} b={:?} checked={:?} loose={:?}\n{}\n---\n{}",
                            a,
                            b,
                            checked,
                            loose,
                            tf,
                            i.spec
                        );
                    }
                }
            }
        }
        Ok(())
    });
    eprintln!(
        "terraform compact: {} imported (every value combination compared), {} refused",
        imported.get(),
        refused.get()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(imported.get() > 20 && refused.get() > 20);
}
