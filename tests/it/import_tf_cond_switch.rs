//! `dynamic "condition"` over a switch in the Terraform importer (issue 19): the
//! terraform-aws-modules assumable-role MFA idiom. The statement becomes two, with the
//! switched conditions under `when: X` and without them under `when: not X`; the tests check
//! the resolved trust at each switch value, so importing the switch the wrong way round (or
//! dropping the conditions) fails them. Shapes the spec cannot hold are reported and the
//! Allow left out, never kept without its conditions. The corpus case `tf-assumable-role-mfa`
//! round-trips the idiom against the Terraform evaluator.

use crate::import::{compile, errors_of};
use rolegen::import;
use rolegen::model::resolve::Bindings;
use rolegen::model::ParamValue;
use serde_json::{json, Value};
use std::path::Path;

/// A module with one role whose trust document's statement holds `conditions` (and is a
/// `dynamic "statement"` under `var.enabled` when `switched`).
fn module(conditions: &str, switched: bool) -> import::Imported {
    let (open, close) = if switched {
        (
            "dynamic \"statement\" {\n    for_each = var.enabled ? [1] : []\n    content {",
            "}\n  }",
        )
    } else {
        ("statement {", "}")
    };
    let tf = format!(
        r#"
variable "role_requires_mfa" {{
  type    = bool
  default = true
}}
variable "allow_without_mfa" {{
  type    = bool
  default = false
}}
variable "enabled" {{
  type    = bool
  default = true
}}
variable "create" {{
  type    = bool
  default = true
}}
variable "mfa_age" {{
  type    = number
  default = 3600
}}
data "aws_iam_policy_document" "trust" {{
  {open}
    sid     = "Trusted"
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }}
{conditions}
  {close}
}}
resource "aws_iam_role" "r" {{
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}}
"#
    );
    import::terraform::import_texts(
        Path::new("m"),
        vec![(Path::new("m/main.tf").to_path_buf(), tf)],
        "m",
    )
    .unwrap()
}

/// A `dynamic "condition"` block over `for_each`, testing `key` with `value`.
fn dynamic(for_each: &str, test: &str, key: &str, value: &str) -> String {
    format!(
        r#"
    dynamic "condition" {{
      for_each = {for_each}
      content {{
        test     = "{test}"
        variable = "{key}"
        values   = [{value}]
      }}
    }}"#
    )
}

/// The resolved trust statements of role `r` with the bool parameters `flags` set.
fn trust(i: &import::Imported, flags: &[(&str, bool)]) -> Vec<Value> {
    let (_d, m) = compile(&i.spec, "m");
    let mut b = Bindings::defaults(&m);
    for (p, v) in flags {
        b.params.insert((*p).into(), ParamValue::Bool(*v));
    }
    let got = b.module(&m);
    got["roles"]["R"]["trust"]["Statement"]
        .as_array()
        .unwrap_or_else(|| panic!("{got}"))
        .clone()
}

#[test]
fn the_mfa_switch_puts_the_conditions_on_while_on_and_off_while_off() {
    let mfa = format!(
        "{}{}\n    condition {{\n      test     = \"StringEquals\"\n      variable = \"aws:RequestedRegion\"\n      values   = [\"eu-west-1\"]\n    }}",
        dynamic(
            "var.role_requires_mfa ? [1] : []",
            "Bool",
            "aws:MultiFactorAuthPresent",
            "\"true\""
        ),
        dynamic(
            "var.role_requires_mfa ? [1] : []",
            "NumericLessThan",
            "aws:MultiFactorAuthAge",
            "var.mfa_age"
        ),
    );
    let i = module(&mfa, false);
    assert!(errors_of(&i).is_empty(), "{:?}\n{}", errors_of(&i), i.spec);
    assert!(i.spec.contains("when: RoleRequiresMfa"), "{}", i.spec);
    assert!(i.spec.contains("when: not RoleRequiresMfa"), "{}", i.spec);
    // A Sid used twice fails RG; the copy gets the switch's name.
    assert!(
        i.spec.contains("- Sid: TrustedNotRoleRequiresMfa"),
        "{}",
        i.spec
    );
    let region = json!({"aws:RequestedRegion": ["eu-west-1"]});
    let on = trust(&i, &[("RoleRequiresMfa", true)]);
    assert_eq!(on.len(), 1, "{on:?}");
    assert_eq!(
        on[0]["Condition"],
        json!({
            "Bool": {"aws:MultiFactorAuthPresent": ["true"]},
            "NumericLessThan": {"aws:MultiFactorAuthAge": ["3600"]},
            "StringEquals": region,
        })
    );
    let off = trust(&i, &[("RoleRequiresMfa", false)]);
    assert_eq!(off.len(), 1, "{off:?}");
    assert_eq!(off[0]["Condition"], json!({ "StringEquals": region }));
}

#[test]
fn a_switch_written_the_other_way_round_is_negated() {
    let i = module(
        &dynamic(
            "var.allow_without_mfa ? [] : [1]",
            "Bool",
            "aws:MultiFactorAuthPresent",
            "\"true\"",
        ),
        false,
    );
    assert!(errors_of(&i).is_empty(), "{:?}\n{}", errors_of(&i), i.spec);
    let strict = trust(&i, &[("AllowWithoutMfa", false)]);
    assert_eq!(strict.len(), 1, "{strict:?}");
    assert_eq!(
        strict[0]["Condition"]["Bool"]["aws:MultiFactorAuthPresent"],
        json!(["true"]),
        "{strict:?}"
    );
    let loose = trust(&i, &[("AllowWithoutMfa", true)]);
    assert_eq!(loose.len(), 1, "{loose:?}");
    assert!(loose[0].get("Condition").is_none(), "{loose:?}");
}

#[test]
fn a_switch_always_on_just_adds_the_condition() {
    // `var.create` is the module toggle: on whenever the role exists at all.
    let tf_create = dynamic(
        "var.create ? [1] : []",
        "Bool",
        "aws:MultiFactorAuthPresent",
        "\"true\"",
    );
    let i = module(&tf_create, false);
    assert!(errors_of(&i).is_empty(), "{:?}\n{}", errors_of(&i), i.spec);
    assert!(!i.spec.contains("when:"), "{}", i.spec);
    let t = trust(&i, &[]);
    assert_eq!(t.len(), 1, "{t:?}");
    assert_eq!(
        t[0]["Condition"]["Bool"]["aws:MultiFactorAuthPresent"],
        json!(["true"])
    );
}

#[test]
fn shapes_the_spec_cannot_hold_leave_the_allow_out() {
    for (conditions, switched, says) in [
        (
            format!(
                "{}{}",
                dynamic(
                    "var.role_requires_mfa ? [1] : []",
                    "Bool",
                    "aws:MultiFactorAuthPresent",
                    "\"true\""
                ),
                dynamic(
                    "var.enabled ? [1] : []",
                    "NumericLessThan",
                    "aws:MultiFactorAuthAge",
                    "var.mfa_age"
                ),
            ),
            false,
            "under different switches",
        ),
        (
            dynamic(
                "var.role_requires_mfa ? [1] : []",
                "Bool",
                "aws:MultiFactorAuthPresent",
                "\"true\"",
            ),
            true,
            "under a switch of its own",
        ),
    ] {
        let i = module(&conditions, switched);
        let errors = errors_of(&i);
        assert!(
            errors.iter().any(|e| e.contains(says)),
            "{says}: {errors:?}"
        );
        // The Allow is never kept without its conditions: the role has no trust left.
        assert!(!i.spec.contains("sts:AssumeRole"), "{says}:\n{}", i.spec);
    }
}

/// Every switch form the importer reads, on an Allow and a Deny, with and without a fixed
/// condition beside: at every value of the variables the statement has the MFA condition
/// exactly where the source's `for_each` holds one element (named conditions, `!`, `&&`,
/// `||` through a local, the switch written either way round).
#[test]
fn the_conditions_hold_exactly_where_the_switch_is_on() {
    type On = fn(bool, bool, &str) -> bool;
    let forms: [(&str, On); 7] = [
        ("var.a ? [1] : []", |a, _, _| a),
        ("var.a ? [] : [1]", |a, _, _| !a),
        ("!var.a ? [1] : []", |a, _, _| !a),
        ("var.a && var.b ? [1] : []", |a, b, _| a && b),
        ("var.env == \"prod\" ? [1] : []", |_, _, e| e == "prod"),
        ("var.env != \"\" ? [] : [1]", |_, _, e| e.is_empty()),
        ("local.strict ? [1] : []", |a, _, e| a || e == "prod"),
    ];
    let fixed = "\n    condition {\n      test     = \"StringEquals\"\n      variable = \"aws:RequestedRegion\"\n      values   = [\"eu-west-1\"]\n    }";
    for (for_each, on) in forms {
        for effect in ["Allow", "Deny"] {
            for extra in ["", fixed] {
                let mfa = dynamic(for_each, "Bool", "aws:MultiFactorAuthPresent", "\"true\"");
                let tf = format!(
                    r#"
variable "a" {{
  type    = bool
  default = true
}}
variable "b" {{
  type    = bool
  default = false
}}
variable "env" {{
  type    = string
  default = "dev"
}}
locals {{
  strict = var.a || var.env == "prod"
}}
{}
data "aws_iam_policy_document" "main" {{
  statement {{
    sid       = "Read"
    effect    = "{effect}"
    actions   = ["s3:GetObject"]
    resources = ["*"]
{mfa}{extra}
  }}
}}
{}"#,
                    crate::import_tf_idioms::TRUST,
                    crate::import_tf_idioms::APP_MAIN
                );
                let i = crate::import_tf_idioms::import_text(&tf);
                let case = format!("{for_each} {effect} {:?}", !extra.is_empty());
                assert!(
                    errors_of(&i).is_empty(),
                    "{case}: {:?}\n{}",
                    errors_of(&i),
                    i.spec
                );
                let (_d, m) = compile(&i.spec, "m");
                for a in [true, false] {
                    for b in [true, false] {
                        for env in ["prod", "dev", ""] {
                            let mut bind = Bindings::defaults(&m);
                            bind.params.insert("A".into(), ParamValue::Bool(a));
                            bind.params.insert("B".into(), ParamValue::Bool(b));
                            bind.params
                                .insert("Env".into(), ParamValue::Str(env.into()));
                            let got = bind.module(&m);
                            let list = got["roles"]["App"]["inline"]["main"]["Statement"]
                                .as_array()
                                .unwrap_or_else(|| panic!("{case}: {got}"));
                            let at = format!("{case} a={a} b={b} env={env:?}: {list:?}");
                            assert_eq!(list.len(), 1, "{at}");
                            let c = &list[0]["Condition"];
                            assert_eq!(c.get("Bool").is_some(), on(a, b, env), "{at}\n{}", i.spec);
                            assert_eq!(c.get("StringEquals").is_some(), !extra.is_empty(), "{at}");
                            assert_eq!(list[0]["Effect"], effect, "{at}");
                        }
                    }
                }
            }
        }
    }
}
