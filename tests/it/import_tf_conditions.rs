//! The Terraform importer's conditions never switch anything on where Terraform would not:
//! random `count` conditions over bool, string and list variables — `==`/`!=` with text and
//! `""`, `length(var.s) > 0`, `x == true`, `!`, `&&`, `||`, locals holding parts of them, and
//! tests a spec cannot say (`var.env == lower(var.env)`, a list's `length`) — on a role, as
//! `cond ? 1 : 0` or `cond ? 0 : 1`. The role is either refused (reported) or imported with a
//! `when:` that holds for exactly the values under which Terraform evaluates the condition to
//! true (every combination of values that decides each test both ways).

use crate::import::errors_of;
use crate::import_never_wider::compile;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rolegen::model::resolve::Bindings;
use rolegen::model::ParamValue;
use std::cell::Cell;
use std::path::Path;

/// A condition over `var.a`, `var.b` (bool), `var.env`, `var.topic` (string) and
/// `var.subnets` (list).
#[derive(Debug, Clone)]
enum C {
    A,
    B,
    EnvIs(&'static str),
    EnvIsNot(&'static str),
    TopicLength,
    /// `var.env == lower(var.env)`: no spec condition.
    Lowercase,
    /// `length(var.subnets) > 0`: no spec condition (a list's `length` counts `""` items).
    Subnets,
    Not(Box<C>),
    And(Box<C>, Box<C>),
    Or(Box<C>, Box<C>),
    /// `(x) == true` / `(x) == false`.
    EqBool(Box<C>, bool),
    /// Held by a local.
    Local(Box<C>),
}

/// Values of the variables.
struct V {
    a: bool,
    b: bool,
    env: &'static str,
    topic: &'static str,
    subnets: &'static [&'static str],
}

impl C {
    fn render(&self, locals: &mut Vec<String>) -> String {
        match self {
            C::A => "var.a".into(),
            C::B => "var.b".into(),
            C::EnvIs(v) => format!("var.env == \"{v}\""),
            C::EnvIsNot(v) => format!("var.env != \"{v}\""),
            C::TopicLength => "length(var.topic) > 0".into(),
            C::Lowercase => "var.env == lower(var.env)".into(),
            C::Subnets => "length(var.subnets) > 0".into(),
            C::Not(x) => format!("!({})", x.render(locals)),
            C::And(x, y) => format!("({}) && ({})", x.render(locals), y.render(locals)),
            C::Or(x, y) => format!("({}) || ({})", x.render(locals), y.render(locals)),
            C::EqBool(x, v) => format!("({}) == {v}", x.render(locals)),
            C::Local(x) => {
                let body = x.render(locals);
                let name = format!("cond_{}", locals.len());
                locals.push(format!("  {name} = {body}"));
                format!("local.{name}")
            }
        }
    }

    fn eval(&self, v: &V) -> bool {
        match self {
            C::A => v.a,
            C::B => v.b,
            C::EnvIs(x) => v.env == *x,
            C::EnvIsNot(x) => v.env != *x,
            C::TopicLength => !v.topic.is_empty(),
            C::Lowercase => v.env == v.env.to_lowercase(),
            C::Subnets => !v.subnets.is_empty(),
            C::Not(x) => !x.eval(v),
            C::And(x, y) => x.eval(v) && y.eval(v),
            C::Or(x, y) => x.eval(v) || y.eval(v),
            C::EqBool(x, b) => x.eval(v) == *b,
            C::Local(x) => x.eval(v),
        }
    }
}

fn cond() -> impl Strategy<Value = C> {
    let text = || prop::sample::select(vec!["prod", "dev", ""]);
    let leaf = prop_oneof![
        3 => Just(C::A),
        2 => Just(C::B),
        4 => text().prop_map(C::EnvIs),
        2 => text().prop_map(C::EnvIsNot),
        2 => Just(C::TopicLength),
        1 => Just(C::Lowercase),
        1 => Just(C::Subnets),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|x| C::Not(Box::new(x))),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| C::And(Box::new(x), Box::new(y))),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| C::Or(Box::new(x), Box::new(y))),
            (inner.clone(), any::<bool>()).prop_map(|(x, b)| C::EqBool(Box::new(x), b)),
            inner.prop_map(|x| C::Local(Box::new(x))),
        ]
    })
}

fn module(c: &C, inverted: bool) -> String {
    let mut locals = Vec::new();
    let e = c.render(&mut locals);
    let count = if inverted {
        format!("({e}) ? 0 : 1")
    } else {
        format!("({e}) ? 1 : 0")
    };
    let locals = if locals.is_empty() {
        String::new()
    } else {
        format!("locals {{\n{}\n}}\n", locals.join("\n"))
    };
    format!(
        r#"
variable "a" {{
  type    = bool
  default = false
}}
variable "b" {{
  type    = bool
  default = true
}}
variable "env" {{
  type    = string
  default = "dev"
}}
variable "topic" {{
  type    = string
  default = ""
}}
variable "subnets" {{
  type    = list(string)
  default = ["s"]
}}
{locals}
resource "aws_iam_role" "r" {{
  count              = {count}
  name               = "r"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Principal = {{ Service = "ec2.amazonaws.com" }}, Action = "sts:AssumeRole" }}] }})
}}
"#
    )
}

#[test]
fn terraform_conditions_switch_exactly_or_refuse() {
    let config = Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[19; 32]));
    let (imported, refused) = (Cell::new(0usize), Cell::new(0usize));
    let result = runner.run(&(cond(), any::<bool>()), |(c, inverted)| {
        let tf = module(&c, inverted);
        let i = rolegen::import::terraform::import_texts(
            Path::new("m"),
            vec![(Path::new("m/main.tf").to_path_buf(), tf.clone())],
            "m",
        )
        .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        if !errors_of(&i).is_empty() {
            refused.set(refused.get() + 1);
            prop_assert!(!i.spec.contains("\nroles:"), "{tf}\n---\n{}", i.spec);
            return Ok(());
        }
        imported.set(imported.get() + 1);
        let m = compile(&i.spec).ok_or_else(|| {
            TestCaseError::fail(format!("does not compile:\n{}\n---\n{tf}", i.spec))
        })?;
        for a in [false, true] {
            for b in [false, true] {
                for env in ["prod", "dev", "", "Prod"] {
                    for topic in ["", "x"] {
                        for subnets in [&[][..], &[""], &["s"]] {
                            let v = V {
                                a,
                                b,
                                env,
                                topic,
                                subnets,
                            };
                            let mut bind = Bindings::defaults(&m);
                            let params = [
                                ("A", ParamValue::Bool(a)),
                                ("B", ParamValue::Bool(b)),
                                ("Env", ParamValue::Str(env.into())),
                                ("Topic", ParamValue::Str(topic.into())),
                                (
                                    "Subnets",
                                    ParamValue::List(
                                        subnets.iter().map(|s| (*s).to_owned()).collect(),
                                    ),
                                ),
                            ];
                            for (k, x) in params {
                                bind.params.insert(k.into(), x);
                            }
                            let got = bind.module(&m);
                            let want = c.eval(&v) != inverted;
                            prop_assert_eq!(
                                got["roles"].get("R").is_some(),
                                want,
                                "a={} b={} env={:?} topic={:?} subnets={:?}\n{}\n---\n{}",
                                a,
                                b,
                                env,
                                topic,
                                subnets,
                                tf,
                                i.spec
                            );
                        }
                    }
                }
            }
        }
        Ok(())
    });
    eprintln!(
        "terraform conditions: {} imported (every value combination compared), {} refused",
        imported.get(),
        refused.get()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(imported.get() * 3 > imported.get() + refused.get());
    assert!(refused.get() > 0);
}
