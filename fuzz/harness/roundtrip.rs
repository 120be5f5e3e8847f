//! The round-trip and injection oracle shared by the `roundtrip` fuzz target and by
//! `tests/it/properties.rs` and `tests/it/injection.rs` (included by `tests/it/main.rs`
//! with `#[path]`).
//!
//! One small spec holds every free-text field rolegen copies into its output. A test puts an
//! arbitrary string into one [`Field`] (written as a YAML double-quoted scalar, so the spec
//! always parses), compiles the spec like `rolegen build` does, and then:
//!
//! * either rolegen rejected it with an error diagnostic whose code is one this field may be
//!   rejected for ([`Field::rejections`]),
//! * or both outputs parse with independent readers (hcl-rs, serde_yaml_ng), the value read
//!   back at the field's place (HCL templates evaluated, `Fn::Sub` resolved) is exactly the
//!   string the spec meant, and the structure of the output (blocks, attributes, keys at every
//!   level, the JSON inside policy-document strings) is the same as with a harmless value.
//!
//! Where hcl-rs 0.20 and Terraform disagree, the harness follows Terraform (hashicorp/hcl):
//! quoted templates holding `$`, `%` or `\` are read by [`template_eval`] (hcl-rs misreads
//! `$$${` next to an interpolation), and bare `null` object keys are the name `null`.
//! [`known_bug`] recognises the bugs already reported, so fuzzing goes on past them.
#![allow(dead_code)]

use hcl::eval::{Context, Evaluate};
use rolegen::diagnostics::Diagnostic;
use rolegen::emit::OutputFile;
use rolegen::lower::template::parse;
use rolegen::model::{LookupKey, Part, Pseudo};
use serde_json::Value as J;
use serde_yaml_ng::Value as Y;
use std::path::Path;

#[path = "hcl_eval.rs"]
mod hcl_eval;
#[allow(unused_imports)]
pub use hcl_eval::*;
#[path = "cfn_eval.rs"]
mod cfn_eval;
#[allow(unused_imports)]
pub use cfn_eval::*;
#[path = "skeleton.rs"]
mod skeleton;
#[allow(unused_imports)]
pub use skeleton::*;

/// Values the harness binds the pseudo parameters and parameters to when reading output back.
pub const PARTITION: &str = "aws";
/// The account id both backends resolve `${AWS::AccountId}` to here.
pub const ACCOUNT: &str = "123456789012";
/// The region.
pub const REGION: &str = "us-east-1";
/// The URL suffix.
pub const URL_SUFFIX: &str = "amazonaws.com";
/// The stack name (`${AWS::StackName}`, Terraform's `var.stack_name`).
pub const STACK_NAME: &str = "fuzz-stack";
/// Default of the `Oidc` parameter (used in the condition key of the JSON-variant document).
pub const OIDC: &str = "oidc.example";
/// Default of the `P` parameter unless the field under test is its default.
pub const P_DEFAULT: &str = "pdefault";

/// A free-text place of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// `roles.r.description` (template).
    RoleDescription,
    /// `roles.r.tags.team` (template).
    TagValue,
    /// The key of the role's only tag.
    TagKey,
    /// A `StringEquals` condition value of inline policy `p` (template).
    ConditionValue,
    /// The condition key of inline policy `p` (template).
    ConditionKey,
    /// A condition value of inline policy `j`, whose condition key holds a parameter, so
    /// CloudFormation gets the document as one `Fn::Sub` JSON string.
    JsonConditionValue,
    /// `Id` of inline policy `p`.
    DocumentId,
    /// `Sid` of the statement of inline policy `p`.
    Sid,
    /// The `Action` of inline policy `p`.
    Action,
    /// The `Resource` of inline policy `p` (template).
    Resource,
    /// The name of inline policy `p` (a mapping key).
    InlinePolicyName,
    /// `Principal.AWS` of the trust statement (template).
    PrincipalAws,
    /// `policies.mp.name` (template).
    PolicyName,
    /// `policies.mp.description`.
    PolicyDescription,
    /// `kms_keys.k.description`.
    KeyDescription,
    /// `kms_keys.k.alias`.
    KeyAlias,
    /// The module `description` (CloudFormation only).
    ModuleDescription,
    /// `parameters.P.description`.
    ParamDescription,
    /// `parameters.P.default`.
    ParamDefault,
    /// `parameters.P.pattern`.
    ParamPattern,
}

impl Field {
    /// Every field.
    pub const ALL: [Field; 20] = [
        Field::RoleDescription,
        Field::TagValue,
        Field::TagKey,
        Field::ConditionValue,
        Field::ConditionKey,
        Field::JsonConditionValue,
        Field::DocumentId,
        Field::Sid,
        Field::Action,
        Field::Resource,
        Field::InlinePolicyName,
        Field::PrincipalAws,
        Field::PolicyName,
        Field::PolicyDescription,
        Field::KeyDescription,
        Field::KeyAlias,
        Field::ModuleDescription,
        Field::ParamDescription,
        Field::ParamDefault,
        Field::ParamPattern,
    ];

    /// The harmless value the spec holds when this field is not under test.
    pub fn benign(self) -> &'static str {
        match self {
            Field::RoleDescription => "role",
            Field::TagValue => "t",
            Field::TagKey => "team",
            Field::ConditionValue => "v",
            Field::ConditionKey => "aws:PrincipalTag/team",
            Field::JsonConditionValue => "system:serviceaccount:ns:sa",
            Field::DocumentId => "doc1",
            Field::Sid => "S1",
            Field::Action => "s3:GetObject",
            Field::Resource => "arn:aws:s3:::b/*",
            Field::InlinePolicyName => "p",
            Field::PrincipalAws => "arn:aws:iam::123456789012:root",
            Field::PolicyName => "mp",
            Field::PolicyDescription => "managed policy",
            Field::KeyDescription => "key",
            Field::KeyAlias => "k",
            Field::ModuleDescription => "roundtrip",
            Field::ParamDescription => "a parameter",
            Field::ParamDefault => P_DEFAULT,
            Field::ParamPattern => "[a-z.]*",
        }
    }

    /// Whether the field is parsed for `${...}` placeholders.
    pub fn is_template(self) -> bool {
        matches!(
            self,
            Field::RoleDescription
                | Field::TagValue
                | Field::ConditionValue
                | Field::ConditionKey
                | Field::JsonConditionValue
                | Field::Resource
                | Field::PrincipalAws
                | Field::PolicyName
                | Field::InlinePolicyName
                // Literal-only fields: parsed, and a placeholder is an error (`$${` is `${`).
                | Field::PolicyDescription
                | Field::KeyDescription
                | Field::KeyAlias
        )
    }

    /// Rule codes rolegen may reject a value of this field with.
    pub fn rejections(self) -> &'static [&'static str] {
        match self {
            Field::RoleDescription => &["RG004", "RG203"],
            Field::TagValue => &["RG004", "RG209"],
            Field::TagKey => &["RG209"],
            Field::ConditionValue | Field::JsonConditionValue => &["RG004", "RG206"],
            Field::ConditionKey => &["RG004", "RG206"],
            Field::DocumentId => &["RG106", "RG206"],
            Field::Sid => &["RG106", "RG206"],
            Field::Action => &["RG103", "RG110", "RG111", "RG206"],
            Field::Resource => &["RG004", "RG104", "RG206"],
            Field::InlinePolicyName => &["RG003", "RG004", "RG005", "RG201"],
            Field::PrincipalAws => &["RG004", "RG104", "RG207"],
            Field::PolicyName => &["RG004", "RG201"],
            Field::PolicyDescription => &["RG003", "RG004", "RG203"],
            Field::KeyDescription => &["RG003", "RG004"],
            Field::KeyAlias => &["RG003", "RG004"],
            Field::ModuleDescription => &[],
            Field::ParamDescription => &[],
            Field::ParamDefault => &[],
            Field::ParamPattern => &["RG012"],
        }
    }

    /// Whether a rejection by this code counts as a clear, expected rejection.
    pub fn may_reject(self, code: &str) -> bool {
        self.rejections().contains(&code)
    }
}

/// A YAML double-quoted scalar holding exactly `s`: everything outside printable ASCII escaped,
/// so the spec parses whatever `s` holds.
pub fn yaml_dq(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xFF => out.push_str(&format!("\\x{:02X}", c as u32)),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// `key: value` at `pad`, with an explicit `? key` when the key is too long for an implicit key.
fn entry(out: &mut String, pad: &str, key: &str, value: &str) {
    if key.chars().count() > 1000 {
        out.push_str(&format!("{pad}? {key}\n{pad}:"));
    } else {
        out.push_str(&format!("{pad}{key}:"));
    }
    if value.starts_with('\n') {
        out.push_str(value);
    } else {
        out.push(' ');
        out.push_str(value);
        out.push('\n');
    }
}

/// The spec with `s` in `field` and harmless values everywhere else.
pub fn spec_text(field: Field, s: &str) -> String {
    let v = |f: Field| yaml_dq(if f == field { s } else { f.benign() });
    let mut t = String::new();
    t.push_str("module: rt\n");
    t.push_str(&format!("description: {}\n", v(Field::ModuleDescription)));
    t.push_str("parameters:\n  Oidc:\n    type: string\n    default: \"oidc.example\"\n");
    t.push_str("  P:\n    type: string\n");
    // A hostile pattern would refuse the benign default (RG006): test it on a required one.
    if field != Field::ParamPattern {
        t.push_str(&format!("    default: {}\n", v(Field::ParamDefault)));
    }
    t.push_str(&format!(
        "    description: {}\n",
        v(Field::ParamDescription)
    ));
    if field == Field::ParamPattern {
        t.push_str(&format!("    pattern: {}\n", v(Field::ParamPattern)));
    }
    t.push_str("roles:\n  r:\n");
    t.push_str(&format!("    description: {}\n", v(Field::RoleDescription)));
    t.push_str("    tags:\n");
    entry(&mut t, "      ", &v(Field::TagKey), &v(Field::TagValue));
    t.push_str(&format!(
        "    trust:\n      - statement:\n          Effect: Allow\n          Principal:\n            AWS: {}\n          Action: sts:AssumeRole\n",
        v(Field::PrincipalAws)
    ));
    t.push_str("    inline_policies:\n");
    let mut cond = String::new();
    entry(
        &mut cond,
        "                ",
        &v(Field::ConditionKey),
        &v(Field::ConditionValue),
    );
    let body = format!(
        "\n        Id: {}\n        Statement:\n          - Sid: {}\n            Effect: Allow\n            Action: {}\n            Resource: {}\n            Condition:\n              StringEquals:\n{cond}",
        v(Field::DocumentId),
        v(Field::Sid),
        v(Field::Action),
        v(Field::Resource),
    );
    entry(&mut t, "      ", &v(Field::InlinePolicyName), &body);
    t.push_str(&format!(
        "      j:\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: \"arn:aws:s3:::b/*\"\n            Condition:\n              StringEquals:\n                \"${{Oidc}}:sub\": {}\n",
        v(Field::JsonConditionValue)
    ));
    t.push_str(&format!(
        "policies:\n  mp:\n    name: {}\n    description: {}\n    document:\n      Statement:\n        - Effect: Allow\n          Action: s3:GetObject\n          Resource: \"arn:aws:s3:::b/*\"\n",
        v(Field::PolicyName),
        v(Field::PolicyDescription)
    ));
    t.push_str(&format!(
        "kms_keys:\n  k:\n    description: {}\n    alias: {}\n    policy:\n      Statement:\n        - Effect: Allow\n          Principal:\n            AWS: \"arn:aws:iam::123456789012:root\"\n          Action: \"kms:*\"\n          Resource: \"*\"\n",
        v(Field::KeyDescription),
        v(Field::KeyAlias)
    ));
    t
}

/// What compiling a spec gave.
pub enum Compiled {
    /// Errors (load, lowering or validation): nothing would be written.
    Rejected(Vec<Diagnostic>),
    /// The files `rolegen build` would write.
    Emitted(Vec<OutputFile>),
}

/// Load, lower, validate and emit, as `rolegen build` does for one spec.
pub fn compile(text: &str) -> Compiled {
    let loaded = match rolegen::spec::load::load_str(Path::new("rt.yaml"), text.to_owned()) {
        Ok(l) => l,
        Err(d) => return Compiled::Rejected(d),
    };
    let m = match rolegen::lower::lower(&loaded) {
        Ok(m) => m,
        Err(d) => return Compiled::Rejected(d),
    };
    let errors: Vec<Diagnostic> = rolegen::validate::validate(&m)
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    if !errors.is_empty() {
        return Compiled::Rejected(errors);
    }
    Compiled::Emitted(rolegen::emit::emit_module(&m))
}

/// `code: message` of each error.
pub fn describe(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.rule.code, d.message))
        .collect::<Vec<_>>()
        .join("; ")
}

fn file<'a>(files: &'a [OutputFile], path: &str) -> Result<&'a str, String> {
    files
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.contents.as_str())
        .ok_or_else(|| format!("no file {path}"))
}

/// The outputs of a compiled spec, parsed back.
pub struct Parsed {
    /// `terraform/main.tf`.
    pub main: HclSource,
    /// `terraform/variables.tf`.
    pub variables: HclSource,
    /// `terraform/outputs.tf`.
    pub outputs: HclSource,
    /// The CloudFormation template.
    pub cfn: Y,
}

/// Parses every Terraform file with hcl-rs and the stack with serde_yaml_ng; checks that
/// top-level blocks and the attributes of every body are unique.
pub fn parse_outputs(files: &[OutputFile], module: &str) -> Result<Parsed, String> {
    let hcl_file = |p: &str| -> Result<HclSource, String> {
        let text = file(files, p)?;
        let src = parse_hcl(text).map_err(|e| format!("{p} does not parse as HCL: {e}\n{text}"))?;
        unique_hcl(&src.body).map_err(|e| format!("{p}: {e}"))?;
        Ok(src)
    };
    hcl_file("terraform/versions.tf")?;
    let main = hcl_file("terraform/main.tf")?;
    let variables = hcl_file("terraform/variables.tf")?;
    let outputs = hcl_file("terraform/outputs.tf")?;
    let p = format!("cloudformation/{module}.yaml");
    let text = file(files, &p)?;
    let cfn: Y = serde_yaml_ng::from_str(text)
        .map_err(|e| format!("{p} does not parse as YAML: {e}\n{text}"))?;
    Ok(Parsed {
        main,
        variables,
        outputs,
        cfn,
    })
}

/// Attributes are unique in every body; labelled top-level blocks (`resource "t" "n"`,
/// `data`, `variable`, `output`) are unique in the file. (Nested `dynamic "statement"` blocks
/// repeat by design.)
fn unique_hcl(body: &hcl::Body) -> Result<(), String> {
    let mut labelled = std::collections::HashSet::new();
    for b in body.blocks() {
        let k = (
            b.identifier().to_owned(),
            b.labels()
                .iter()
                .map(|l| l.as_str().to_owned())
                .collect::<Vec<_>>(),
        );
        if !k.1.is_empty() && !labelled.insert(k.clone()) {
            return Err(format!("block {} {:?} appears twice", k.0, k.1));
        }
    }
    unique_attributes(body)
}

fn unique_attributes(body: &hcl::Body) -> Result<(), String> {
    let mut attrs = std::collections::HashSet::new();
    for a in body.attributes() {
        if !attrs.insert(a.key.as_str()) {
            return Err(format!("attribute `{}` appears twice in one body", a.key));
        }
    }
    body.blocks().try_for_each(|b| unique_attributes(b.body()))
}

/// What the field should read back as, per backend: `None` if the spec is invalid (an
/// undeclared or malformed placeholder) and must be rejected.
pub fn expected(field: Field, s: &str) -> Option<(String, String)> {
    let p_default = if field == Field::ParamDefault {
        s
    } else {
        P_DEFAULT
    };
    let value = if field.is_template() {
        let t = parse(s, |n| n == "Oidc" || n == "P").ok()?;
        let value_of = |k: &LookupKey| match k {
            LookupKey::Pseudo(x) => pseudo_value(*x),
            LookupKey::Param(n) if n.as_str() == "Oidc" => OIDC,
            LookupKey::Param(_) => p_default,
        };
        // A piece the value lacks: lowering refuses it (a parameter's default) or both
        // backends fail; either way nothing reads back.
        let mut pieces = Vec::new();
        for x in t.pieces() {
            pieces.push(x.of_value(value_of(&x.of))?.to_owned());
        }
        let mut pieces = pieces.into_iter();
        t.render_with(|p| match p {
            Part::Pseudo(x) => pseudo_value(*x).into(),
            Part::Param(n) => value_of(&LookupKey::Param(n.clone())).into(),
            Part::Piece(_) => pieces.next().unwrap_or_default(),
            // Lowering makes provider references and lookups; `parse` never does.
            Part::Lit(_) | Part::PolicyVar(_) | Part::ProviderArn(_) | Part::Lookup(_) => {
                String::new()
            }
        })
    } else {
        s.to_owned()
    };
    Some(match field {
        Field::KeyAlias => {
            let a = format!("alias/{}", value.strip_prefix("alias/").unwrap_or(&value));
            (a.clone(), a)
        }
        Field::ParamPattern => (format!("^(?:{s})$"), s.to_owned()),
        _ => (value.clone(), value),
    })
}

/// Reads the field back from the Terraform output (`None` where Terraform has no such place).
pub fn read_terraform(field: Field, s: &str, out: &Parsed) -> Result<Option<String>, String> {
    let p_default = if field == Field::ParamDefault {
        s
    } else {
        P_DEFAULT
    };
    let ctx = hcl_context(p_default);
    let ev = |e: &hcl::Expression| hcl_eval(e, &ctx, &out.main);
    let ev_var = |e: &hcl::Expression| hcl_eval(e, &ctx, &out.variables);
    let inline_label = format!(
        "r_{}",
        rolegen::model::names::snake(if field == Field::InlinePolicyName {
            s
        } else {
            "p"
        })
    );
    let doc_p = || {
        find_labelled(
            &out.main.body,
            "data",
            &["aws_iam_policy_document", &inline_label],
        )
    };
    let stmt_p = || doc_p().and_then(|d| child(d, "statement"));
    let value = match field {
        Field::RoleDescription => ev(attr(
            find_block(&out.main.body, "resource", "aws_iam_role")?,
            "description",
        )?)?,
        Field::TagValue | Field::TagKey => {
            let tags = ev(attr(
                find_block(&out.main.body, "resource", "aws_iam_role")?,
                "tags",
            )?)?;
            if field == Field::TagKey {
                J::String(single_key(&tags, "tags")?)
            } else {
                let key = Field::TagKey.benign();
                tags.get(key)
                    .cloned()
                    .ok_or_else(|| format!("no tag {key} in {tags}"))?
            }
        }
        Field::ConditionValue => only(
            ev(attr(child(stmt_p()?, "condition")?, "values")?)?,
            "values",
        )?,
        Field::ConditionKey => ev(attr(child(stmt_p()?, "condition")?, "variable")?)?,
        Field::JsonConditionValue => {
            let d = find_labelled(&out.main.body, "data", &["aws_iam_policy_document", "r_j"])?;
            only(
                ev(attr(child(child(d, "statement")?, "condition")?, "values")?)?,
                "values",
            )?
        }
        Field::DocumentId => ev(attr(doc_p()?, "policy_id")?)?,
        Field::Sid => ev(attr(stmt_p()?, "sid")?)?,
        Field::Action => only(ev(attr(stmt_p()?, "actions")?)?, "actions")?,
        Field::Resource => only(ev(attr(stmt_p()?, "resources")?)?, "resources")?,
        Field::InlinePolicyName => {
            let rp = find_labelled(
                &out.main.body,
                "resource",
                &["aws_iam_role_policy", &inline_label],
            )?;
            ev(attr(rp, "name")?)?
        }
        Field::PrincipalAws => {
            let d = find_labelled(
                &out.main.body,
                "data",
                &["aws_iam_policy_document", "r_trust"],
            )?;
            let p = child(child(d, "statement")?, "principals")?;
            only(ev(attr(p, "identifiers")?)?, "identifiers")?
        }
        Field::PolicyName => ev(attr(
            find_block(&out.main.body, "resource", "aws_iam_policy")?,
            "name",
        )?)?,
        Field::PolicyDescription => ev(attr(
            find_block(&out.main.body, "resource", "aws_iam_policy")?,
            "description",
        )?)?,
        Field::KeyDescription => ev(attr(
            find_block(&out.main.body, "resource", "aws_kms_key")?,
            "description",
        )?)?,
        Field::KeyAlias => ev(attr(
            find_block(&out.main.body, "resource", "aws_kms_alias")?,
            "name",
        )?)?,
        Field::ModuleDescription => return Ok(None),
        Field::ParamDescription => ev_var(attr(
            find_labelled(&out.variables.body, "variable", &["p"])?,
            "description",
        )?)?,
        Field::ParamDefault => ev_var(attr(
            find_labelled(&out.variables.body, "variable", &["p"])?,
            "default",
        )?)?,
        Field::ParamPattern => {
            let v = child(
                find_labelled(&out.variables.body, "variable", &["p"])?,
                "validation",
            )?;
            let cond = attr(v, "condition")?;
            let hcl::Expression::FuncCall(can) = cond else {
                return Err(format!("validation condition is not can(...): {cond:?}"));
            };
            let Some(hcl::Expression::FuncCall(re)) = can.args.first() else {
                return Err(format!(
                    "validation condition is not can(regex(...)): {cond:?}"
                ));
            };
            let arg = re.args.first().ok_or("regex() without arguments")?;
            ev_var(arg)?
        }
    };
    as_str(&value, &format!("{field:?} in Terraform")).map(Some)
}

/// Reads the field back from the CloudFormation template.
pub fn read_cloudformation(field: Field, s: &str, out: &Parsed) -> Result<String, String> {
    let p_default = if field == Field::ParamDefault {
        s
    } else {
        P_DEFAULT
    };
    let ev = |path: &[&str]| -> Result<J, String> { cfn_eval(get(&out.cfn, path)?, p_default) };
    let policy = |i: &str| -> Result<J, String> {
        cfn_document(
            get(
                &out.cfn,
                &[
                    "Resources",
                    "R",
                    "Properties",
                    "Policies",
                    i,
                    "PolicyDocument",
                ],
            )?,
            p_default,
        )
    };
    let cond_p = || -> Result<J, String> {
        Ok(jget(
            &policy("0")?,
            &["Statement", "0", "Condition", "StringEquals"],
        )?
        .clone())
    };
    let value = match field {
        Field::RoleDescription => ev(&["Resources", "R", "Properties", "Description"])?,
        Field::TagValue => ev(&["Resources", "R", "Properties", "Tags", "0", "Value"])?,
        Field::TagKey => ev(&["Resources", "R", "Properties", "Tags", "0", "Key"])?,
        Field::ConditionValue => {
            let c = cond_p()?;
            let key = single_key(&c, "StringEquals")?;
            only(c[&key].clone(), "condition values")?
        }
        Field::ConditionKey => J::String(single_key(&cond_p()?, "StringEquals")?),
        Field::JsonConditionValue => {
            let key = format!("{OIDC}:sub");
            let d = policy("1")?;
            only(
                jget(&d, &["Statement", "0", "Condition", "StringEquals", &key])?.clone(),
                "condition values",
            )?
        }
        Field::DocumentId => jget(&policy("0")?, &["Id"])?.clone(),
        Field::Sid => jget(&policy("0")?, &["Statement", "0", "Sid"])?.clone(),
        Field::Action => only(
            jget(&policy("0")?, &["Statement", "0", "Action"])?.clone(),
            "Action",
        )?,
        Field::Resource => only(
            jget(&policy("0")?, &["Statement", "0", "Resource"])?.clone(),
            "Resource",
        )?,
        Field::InlinePolicyName => ev(&[
            "Resources",
            "R",
            "Properties",
            "Policies",
            "0",
            "PolicyName",
        ])?,
        Field::PrincipalAws => {
            let d = cfn_document(
                get(
                    &out.cfn,
                    &["Resources", "R", "Properties", "AssumeRolePolicyDocument"],
                )?,
                p_default,
            )?;
            only(
                jget(&d, &["Statement", "0", "Principal", "AWS"])?.clone(),
                "Principal.AWS",
            )?
        }
        Field::PolicyName => ev(&["Resources", "Mp", "Properties", "ManagedPolicyName"])?,
        Field::PolicyDescription => ev(&["Resources", "Mp", "Properties", "Description"])?,
        Field::KeyDescription => ev(&["Resources", "K", "Properties", "Description"])?,
        Field::KeyAlias => ev(&["Resources", "KAlias", "Properties", "AliasName"])?,
        Field::ModuleDescription => ev(&["Description"])?,
        Field::ParamDescription => ev(&["Parameters", "P", "Description"])?,
        Field::ParamDefault => ev(&["Parameters", "P", "Default"])?,
        Field::ParamPattern => ev(&["Parameters", "P", "AllowedPattern"])?,
    };
    as_str(&value, &format!("{field:?} in CloudFormation"))
}

/// What [`check`] found when the value was accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Rejected with these (allowed) codes.
    Rejected(Vec<&'static str>),
    /// Emitted and read back exactly, with the same output shape as the harmless value.
    RoundTripped,
    /// Mishandled in a way already reported (see [`known_bug`]); the label names the bug.
    KnownBug(&'static str),
}

/// Bugs found and reported but not fixed yet, recognised by input and failure, so that fuzzing
/// and the property tests keep looking for new ones: give each an `#[ignore = "bug: ..."]` test
/// in `tests/it/properties.rs` asserting the correct behaviour, and remove the entry with the fix.
/// (Empty: the bugs found so far, U+FFFE/U+FFFF written raw in YAML, condition keys over 1024
/// characters as implicit YAML keys, a bare `for` HCL object key, `${` inside a policy
/// variable, reserved Terraform variable names, were fixed in ec17507.)
pub fn known_bug(_field: Field, _s: &str, _failure: &str) -> Option<&'static str> {
    None
}

/// The oracle: `Err` with a description if `s` in `field` is mishandled in a new way.
pub fn check(field: Field, s: &str) -> Result<Verdict, String> {
    match check_strict(field, s) {
        Err(e) => match known_bug(field, s, &e) {
            Some(label) => Ok(Verdict::KnownBug(label)),
            None => Err(e),
        },
        ok => ok,
    }
}

/// The oracle without the known-bug filter.
pub fn check_strict(field: Field, s: &str) -> Result<Verdict, String> {
    check_strict_with(field, s, &mut |_, _| Ok(()))
}

/// Extra checks on the outputs of a value that round-tripped.
pub type Extra<'a> = dyn FnMut(&[OutputFile], &Parsed) -> Result<(), String> + 'a;

/// [`check`] with `extra` run on the outputs when the value round-tripped.
pub fn check_with(field: Field, s: &str, extra: &mut Extra) -> Result<Verdict, String> {
    match check_strict_with(field, s, extra) {
        Err(e) => match known_bug(field, s, &e) {
            Some(label) => Ok(Verdict::KnownBug(label)),
            None => Err(e),
        },
        ok => ok,
    }
}

/// [`check_strict`] with `extra` run on the outputs when the value round-tripped.
pub fn check_strict_with(field: Field, s: &str, extra: &mut Extra) -> Result<Verdict, String> {
    let text = spec_text(field, s);
    let files = match compile(&text) {
        Compiled::Rejected(diags) => {
            let codes: Vec<&'static str> = diags
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.rule.code)
                .collect();
            if codes.is_empty() {
                return Err("rejected without an error diagnostic".into());
            }
            // A literal `&{` anywhere in a policy is RG106: the AWS provider rewrites it to `${`.
            let ampersand_brace = |c: &&str| *c == "RG106" && s.contains("&{");
            if let Some(bad) = codes
                .iter()
                .find(|c| !field.may_reject(c) && !ampersand_brace(c))
            {
                return Err(format!(
                    "{field:?} = {s:?} rejected with unexpected {bad}: {}",
                    describe(&diags)
                ));
            }
            return Ok(Verdict::Rejected(codes));
        }
        Compiled::Emitted(files) => files,
    };
    let Some((want_tf, want_cfn)) = expected(field, s) else {
        return Err(format!(
            "{field:?} = {s:?} has an invalid placeholder but was accepted"
        ));
    };
    let out = parse_outputs(&files, "rt")?;
    if let Some(got) = read_terraform(field, s, &out)? {
        if got != want_tf {
            return Err(format!(
                "{field:?} = {s:?}: Terraform reads back {got:?}, expected {want_tf:?}"
            ));
        }
    }
    let got = read_cloudformation(field, s, &out)?;
    if got != want_cfn {
        return Err(format!(
            "{field:?} = {s:?}: CloudFormation reads back {got:?}, expected {want_cfn:?}"
        ));
    }
    let base = baseline(field, &shape_equivalent(field, s))?;
    let shape = skeleton(field, s, &out);
    if shape != base {
        return Err(format!(
            "{field:?} = {s:?} changes the output's structure:\n{}",
            first_difference(&base, &shape)
        ));
    }
    extra(&files, &out)?;
    Ok(Verdict::RoundTripped)
}

/// A harmless value with the same placeholders as `s` (literal text replaced by `x`): the
/// output shape legitimately depends on placeholders (`!Sub`, `data` sources), not on text.
pub fn shape_equivalent(field: Field, s: &str) -> String {
    if !field.is_template() {
        return field.benign().to_owned();
    }
    match parse(s, |n| n == "Oidc" || n == "P") {
        Ok(t) if t.is_dynamic() => t
            .parts
            .iter()
            .map(|p| match p {
                Part::Lit(_) | Part::PolicyVar(_) => "x".to_owned(),
                Part::Param(n) => format!("${{{}}}", n.as_str()),
                Part::Pseudo(x) => format!("${{{}}}", x.cfn_name()),
                Part::ProviderArn(p) => format!("${{{}.Arn}}", p.id.logical_id()),
                Part::Lookup(l) => format!("${{{}}}", l.spec()),
                Part::Piece(x) => format!("${{{}}}", x.spec()),
            })
            .collect(),
        _ => field.benign().to_owned(),
    }
}

/// The skeleton of the spec with the harmless value `s` in `field` (computed once each).
pub fn baseline(field: Field, s: &str) -> Result<String, String> {
    use std::sync::{Mutex, OnceLock};
    type Cache = Vec<((Field, String), String)>;
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(Vec::new()));
    if let Some((_, k)) = cache
        .lock()
        .map_err(|e| e.to_string())?
        .iter()
        .find(|(key, _)| key.0 == field && key.1 == s)
    {
        return Ok(k.clone());
    }
    let files = match compile(&spec_text(field, s)) {
        Compiled::Emitted(f) => f,
        Compiled::Rejected(d) => {
            return Err(format!(
                "the harmless spec ({field:?} = {s:?}) is rejected: {}",
                describe(&d)
            ))
        }
    };
    let out = parse_outputs(&files, "rt")?;
    let k = skeleton(field, s, &out);
    let mut c = cache.lock().map_err(|e| e.to_string())?;
    if c.len() > 1000 {
        c.clear();
    }
    c.push(((field, s.to_owned()), k.clone()));
    Ok(k)
}

/// The first line where two skeletons differ, with both versions.
pub fn first_difference(a: &str, b: &str) -> String {
    for (x, y) in a.lines().zip(b.lines()) {
        if x != y {
            return format!("  harmless: {x}\n  hostile:  {y}");
        }
    }
    format!(
        "  harmless has {} lines, hostile {}",
        a.lines().count(),
        b.lines().count()
    )
}
