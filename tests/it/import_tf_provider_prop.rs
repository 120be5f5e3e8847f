//! A Terraform trust naming a switched OIDC provider never grants more than its source, over
//! every shape: the provider under `count = var.make ? 1 : 0` or `? 0 : 1`, a trust naming
//! `<cond> ? <provider>[0].arn : <fallback>` or the branches the other way round, `<cond>` the
//! provider's switch, its negation, or another switch, and the fallback the existing provider
//! of the URL (a data source), its ARN spelt as rolegen writes it (both exact), a variable's
//! ARN, another account's literal ARN or another URL's provider (refused). For each (`make`,
//! `other`) where the source is valid (never `<provider>[0]` while it is not created), the
//! spec's `Federated` principals are among the source's, and all of them when the import
//! reports no error.

use crate::import::errors_of;
use crate::import_never_wider::compile;
use crate::import_tf_idioms::import_text;
use rolegen::model::resolve::Bindings;
use rolegen::model::ParamValue;
use serde_json::Value;
use std::collections::BTreeSet;

const ACCOUNT: &str = "123456789012";
const GITHUB: &str = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const OTHER_ACCOUNT: &str =
    "arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com";
const GITLAB: &str = "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com";

/// Fallbacks: the expression, and its ARN (`None`: the source is invalid where it is taken).
const FALLBACKS: &[&str] = &[
    "data.aws_iam_openid_connect_provider.existing[0].arn",
    "\"arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com\"",
    "var.provider_arn",
    "\"arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com\"",
    "data.aws_iam_openid_connect_provider.other.arn",
];

/// The ARN fallback `f` names, where the provider is `created` (None: invalid there).
fn fallback_arn(f: usize, created: bool) -> Option<&'static str> {
    match f {
        0 => (!created).then_some(GITHUB),
        1 => Some(GITHUB),
        2 | 3 => Some(OTHER_ACCOUNT),
        _ => Some(GITLAB),
    }
}

const CONDS: &[&str] = &["var.make", "!var.make", "var.other"];

fn module(count_on: bool, cond: usize, provider_first: bool, f: usize) -> String {
    let (created, existing) = if count_on {
        ("var.make ? 1 : 0", "var.make ? 0 : 1")
    } else {
        ("var.make ? 0 : 1", "var.make ? 1 : 0")
    };
    let p = "aws_iam_openid_connect_provider.github[0].arn";
    let (a, b) = if provider_first {
        (p, FALLBACKS[f])
    } else {
        (FALLBACKS[f], p)
    };
    format!(
        r#"
variable "make" {{
  type    = bool
  default = true
}}

variable "other" {{
  type    = bool
  default = true
}}

variable "provider_arn" {{
  type    = string
  default = "{OTHER_ACCOUNT}"
}}

data "aws_partition" "current" {{}}

data "aws_caller_identity" "current" {{}}

data "aws_iam_openid_connect_provider" "existing" {{
  count = {existing}
  url   = "https://token.actions.githubusercontent.com"
}}

data "aws_iam_openid_connect_provider" "other" {{
  url = "https://gitlab.example.com"
}}

resource "aws_iam_openid_connect_provider" "github" {{
  count           = {created}
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}}

data "aws_iam_policy_document" "trust" {{
  statement {{
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {{
      type        = "Federated"
      identifiers = [{cond} ? {a} : {b}]
    }}
    condition {{
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }}
    condition {{
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:acme/app:*"]
    }}
  }}
}}

resource "aws_iam_role" "deploy" {{
  name               = "deploy"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}}
"#,
        cond = CONDS[cond]
    )
}

/// The `Federated` principals the resolved spec's role `Deploy` trusts (Allow statements).
fn federated(resolved: &Value) -> BTreeSet<String> {
    let statements = resolved["roles"]["Deploy"]["trust"]["Statement"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut out = BTreeSet::new();
    for s in statements.iter().filter(|s| s["Effect"] == "Allow") {
        match &s["Principal"]["Federated"] {
            Value::String(p) => {
                out.insert(p.clone());
            }
            Value::Array(ps) => out.extend(ps.iter().filter_map(|p| p.as_str().map(str::to_owned))),
            _ => {}
        }
    }
    out
}

#[test]
fn a_switched_provider_in_terraform_imports_exactly_or_is_refused() {
    let (mut whole, mut refused, mut compared) = (0, 0, 0);
    for count_on in [true, false] {
        for cond in 0..CONDS.len() {
            for provider_first in [true, false] {
                for f in 0..FALLBACKS.len() {
                    let text = module(count_on, cond, provider_first, f);
                    let i = import_text(&text);
                    let errors = errors_of(&i);
                    let exact = errors.is_empty();
                    if exact {
                        whole += 1;
                    } else {
                        refused += 1;
                    }
                    let Some(m) = compile(&i.spec) else {
                        panic!("the spec does not compile\n{text}\n---\n{}", i.spec);
                    };
                    for make in [true, false] {
                        for other in [true, false] {
                            let created = make == count_on;
                            let taken = match cond {
                                0 => make,
                                1 => !make,
                                _ => other,
                            } == provider_first;
                            let want = if taken {
                                created.then_some(GITHUB)
                            } else {
                                fallback_arn(f, created)
                            };
                            // Terraform fails on this combination: nothing to compare.
                            let Some(want) = want else { continue };
                            let mut b = Bindings::defaults(&m);
                            b.partition = "aws".into();
                            b.account = ACCOUNT.into();
                            b.region = "us-east-1".into();
                            for (p, v) in [("Make", make), ("Other", other)] {
                                if m.params.contains_key(p) {
                                    b.params.insert(p.into(), ParamValue::Bool(v));
                                }
                            }
                            let got = federated(&b.module(&m));
                            let want: BTreeSet<String> = [want.to_owned()].into();
                            compared += 1;
                            assert!(
                                got.is_subset(&want) && (!exact || got == want),
                                "make={make} other={other}: the spec trusts {got:?}, the source {want:?} (errors: {errors:?})\n{text}\n---\n{}",
                                i.spec
                            );
                        }
                    }
                }
            }
        }
    }
    eprintln!(
        "import_tf_provider_prop: {whole} whole, {refused} refused, {compared} combinations compared"
    );
    // Both outcomes occur: the exact choices import, the others are refused.
    assert!(whole > 0 && refused > 0);
}
