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

/// The HCL evaluation context: `var.*` and the `data.*` lookups of pseudo parameters.
pub fn hcl_context(p_default: &str) -> Context<'static> {
    let mut ctx = Context::new();
    let mut var = hcl::Map::new();
    var.insert("oidc".to_owned(), hcl::Value::from(OIDC));
    var.insert("p".to_owned(), hcl::Value::from(p_default));
    // The module-convention variables at their defaults.
    var.insert("create".to_owned(), hcl::Value::Bool(true));
    var.insert("tags".to_owned(), hcl::Value::Object(hcl::Map::new()));
    var.insert("stack_name".to_owned(), hcl::Value::from(STACK_NAME));
    ctx.declare_var("var", hcl::Value::Object(var));
    let obj = |pairs: Vec<(&str, hcl::Value)>| {
        hcl::Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    };
    let data = obj(vec![
        (
            "aws_partition",
            obj(vec![(
                "current",
                obj(vec![
                    ("partition", PARTITION.into()),
                    ("dns_suffix", URL_SUFFIX.into()),
                ]),
            )]),
        ),
        (
            "aws_caller_identity",
            obj(vec![("current", obj(vec![("account_id", ACCOUNT.into())]))]),
        ),
        (
            "aws_region",
            obj(vec![("current", obj(vec![("name", REGION.into())]))]),
        ),
    ]);
    ctx.declare_var("data", data);
    ctx
}

/// Evaluates an HCL expression to JSON: masked literals by [`template_eval`], the rest by
/// hcl-rs.
pub fn hcl_eval(e: &hcl::Expression, ctx: &Context, src: &HclSource) -> Result<J, String> {
    use hcl::Expression as E;
    match e {
        E::String(s) if s.starts_with(MASK) => {
            let n: usize = s[MASK.len_utf8()..].parse().map_err(|_| "bad mask")?;
            let raw = src.strings.get(n).ok_or("bad mask index")?;
            template_eval(raw, ctx, src).map(J::String)
        }
        E::TemplateExpr(t) => Err(format!("unmasked template {t:?}")),
        // `merge(var.tags, {...})`: objects merged left to right, later keys win.
        E::FuncCall(f) if f.name.to_string() == "merge" => {
            let mut out = serde_json::Map::new();
            for a in &f.args {
                match hcl_eval(a, ctx, src)? {
                    J::Object(o) => out.extend(o),
                    other => return Err(format!("merge: not an object: {other}")),
                }
            }
            Ok(J::Object(out))
        }
        E::Array(items) => items
            .iter()
            .map(|i| hcl_eval(i, ctx, src))
            .collect::<Result<Vec<_>, _>>()
            .map(J::Array),
        E::Object(obj) => {
            let mut out = serde_json::Map::new();
            for (k, v) in obj.iter() {
                let key = match k {
                    hcl::ObjectKey::Identifier(i) => i.as_str().to_owned(),
                    hcl::ObjectKey::Expression(x) => match (x, hcl_eval(x, ctx, src)?) {
                        // A bare `null`/`true`/`false` key is the literal name in Terraform
                        // (hclsyntax `LiteralValueExpr.AsTraversal`); hcl-rs reads a value.
                        (hcl::Expression::Null, _) => "null".to_owned(),
                        (_, J::String(s)) => s,
                        (_, J::Bool(b)) => b.to_string(),
                        (_, J::Number(n)) => n.to_string(),
                        (_, other) => return Err(format!("object key evaluates to {other}")),
                    },
                    _ => return Err("unknown object key kind".into()),
                };
                out.insert(key, hcl_eval(v, ctx, src)?);
            }
            Ok(J::Object(out))
        }
        other => {
            let v = other
                .evaluate(ctx)
                .map_err(|err| format!("HCL expression does not evaluate: {err}"))?;
            serde_json::to_value(&v).map_err(|err| err.to_string())
        }
    }
}

/// Marks a masked string literal: `"\u{E000}<n>"` stands for `strings[n]` of [`HclSource`].
const MASK: char = '\u{E000}';

/// Terraform output parsed by hcl-rs, with every string literal that holds a `$`, `%` or `\`
/// (or the mask character) taken out first and kept raw: hcl-rs 0.20 misreads `$$${` in a template that also interpolates
/// (it yields `${`, where Terraform's scanner reads `$` and then the escape `$${`), so those
/// literals are read by [`template_eval`], which follows hashicorp/hcl `scan_tokens.rl`.
pub struct HclSource {
    /// The structure (blocks, attributes, expressions).
    pub body: hcl::Body,
    /// Raw contents (between the quotes) of the masked literals.
    pub strings: Vec<String>,
}

/// Parses HCL text as [`HclSource`].
pub fn parse_hcl(text: &str) -> Result<HclSource, String> {
    let mut masked = String::with_capacity(text.len());
    let mut strings = Vec::new();
    let mut at = 0;
    for (start, end) in string_literals(text)? {
        masked.push_str(&text[at..start]);
        let raw = &text[start..end];
        if raw.contains(['$', '%', '\\', MASK]) {
            masked.push_str(&format!("{MASK}{}", strings.len()));
            strings.push(raw.to_owned());
        } else {
            masked.push_str(raw);
        }
        at = end;
    }
    masked.push_str(&text[at..]);
    let body = hcl::from_str(&masked).map_err(|e| e.to_string())?;
    Ok(HclSource { body, strings })
}

/// The HCL text with the contents of every string literal removed (`""` left): what remains is
/// the syntax a value could have injected into.
pub fn hcl_outside_strings(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in string_literals(text)? {
        out.push_str(&text[at..start]);
        at = end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// Byte ranges of the contents (between the quotes) of the quoted templates of HCL text, by
/// Terraform's scanner rules: backslash escapes, `$${`/`%%{` escapes, `${ ... }` and `%{ ... }`
/// sequences with balanced braces; `#` comments skipped. A raw newline inside quotes is an error.
pub fn string_literals(text: &str) -> Result<Vec<(usize, usize)>, String> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => i = text[i..].find('\n').map_or(b.len(), |n| i + n),
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut depth = 0usize;
                loop {
                    match b.get(j) {
                        None => return Err("unterminated string literal".into()),
                        Some(b'\\') if depth == 0 => j += 2,
                        Some(b'"') if depth == 0 => break,
                        Some(b'\n') if depth == 0 => {
                            return Err(format!(
                                "newline inside a quoted string: {:?}",
                                &text[start..j]
                            ))
                        }
                        Some(b'"') => return Err("string inside an interpolation".into()),
                        Some(b'$' | b'%') if depth == 0 => {
                            let rest = &b[j..];
                            if rest.starts_with(b"$${") || rest.starts_with(b"%%{") {
                                j += 3;
                            } else if rest.starts_with(b"${") || rest.starts_with(b"%{") {
                                depth = 1;
                                j += 2;
                            } else {
                                j += 1;
                            }
                        }
                        Some(b'{') if depth > 0 => {
                            depth += 1;
                            j += 1;
                        }
                        Some(b'}') if depth > 0 => {
                            depth -= 1;
                            j += 1;
                        }
                        Some(_) => j += 1,
                    }
                }
                out.push((start, j));
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    Ok(out)
}

/// Evaluates the raw contents of a quoted template by Terraform's rules: backslash escapes;
/// `$${` and `%%{` are literal `${` and `%{`; any other `$`/`%` not before `{` is literal;
/// `${expr}` interpolates (rolegen interpolates only references); `%{` directives are errors.
pub fn template_eval(raw: &str, ctx: &Context, src: &HclSource) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        if let Some(esc) = rest.strip_prefix('\\') {
            let e = esc.chars().next().ok_or("dangling backslash")?;
            let (ch, len) = match e {
                'n' => ('\n', 1),
                'r' => ('\r', 1),
                't' => ('\t', 1),
                '"' => ('"', 1),
                '\\' => ('\\', 1),
                'u' | 'U' => {
                    let n = if e == 'u' { 4 } else { 8 };
                    let hex = esc.get(1..=n).ok_or("short \\u escape")?;
                    let v = u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?;
                    (char::from_u32(v).ok_or("invalid \\u escape")?, 1 + n)
                }
                other => return Err(format!("unknown escape \\{other} in {raw:?}")),
            };
            out.push(ch);
            rest = &esc[len..];
        } else if rest.starts_with("$${") || rest.starts_with("%%{") {
            out.push_str(&rest[1..3]);
            rest = &rest[3..];
        } else if rest.starts_with("%{") {
            return Err(format!("template directive in {raw:?}"));
        } else if let Some(tail) = rest.strip_prefix("${") {
            let end = tail
                .find('}')
                .ok_or_else(|| format!("unterminated interpolation in {raw:?}"))?;
            let inner = &tail[..end];
            if inner.starts_with('~') || inner.ends_with('~') {
                return Err(format!("strip marker in {raw:?}"));
            }
            let body: hcl::Body = hcl::from_str(&format!("x = {inner}\n"))
                .map_err(|e| format!("interpolation `{inner}` does not parse: {e}"))?;
            let expr = &body.attributes().next().ok_or("empty interpolation")?.expr;
            match hcl_eval(expr, ctx, src)? {
                J::String(s) => out.push_str(&s),
                other => out.push_str(&other.to_string()),
            }
            rest = &tail[end + 1..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Ok(out)
}

fn find_block<'a>(
    body: &'a hcl::Body,
    ident: &str,
    label0: &str,
) -> Result<&'a hcl::Block, String> {
    body.blocks()
        .find(|b| b.identifier() == ident && b.labels().first().map(|l| l.as_str()) == Some(label0))
        .ok_or_else(|| format!("no block {ident} \"{label0}\""))
}

fn find_labelled<'a>(
    body: &'a hcl::Body,
    ident: &str,
    labels: &[&str],
) -> Result<&'a hcl::Block, String> {
    body.blocks()
        .find(|b| {
            b.identifier() == ident
                && b.labels().iter().map(|l| l.as_str()).collect::<Vec<_>>() == labels
        })
        .ok_or_else(|| format!("no block {ident} {labels:?}"))
}

fn child<'a>(block: &'a hcl::Block, ident: &str) -> Result<&'a hcl::Block, String> {
    block
        .body()
        .blocks()
        .find(|b| b.identifier() == ident)
        .ok_or_else(|| format!("no `{ident}` block inside `{}`", block.identifier()))
}

fn attr<'a>(block: &'a hcl::Block, key: &str) -> Result<&'a hcl::Expression, String> {
    block
        .body()
        .attributes()
        .find(|a| a.key.as_str() == key)
        .map(|a| &a.expr)
        .ok_or_else(|| format!("no attribute `{key}` in `{}`", block.identifier()))
}

fn only(v: J, what: &str) -> Result<J, String> {
    match v {
        J::Array(mut a) if a.len() == 1 => Ok(a.remove(0)),
        J::Array(a) => Err(format!("{what}: expected one element, got {}", a.len())),
        other => Ok(other),
    }
}

fn as_str(v: &J, what: &str) -> Result<String, String> {
    match v {
        J::String(s) => Ok(s.clone()),
        other => Err(format!("{what} is not a string: {other}")),
    }
}

/// Resolves `Fn::Sub` text: `${Name}` from `vars`, `${!Literal}` as `${Literal}`.
pub fn sub(s: &str, vars: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        if let Some(lit) = after.strip_prefix('!') {
            out.push_str("${");
            rest = lit;
            continue;
        }
        let end = after
            .find('}')
            .ok_or_else(|| format!("unterminated `${{` in Fn::Sub text {s:?}"))?;
        let name = &after[..end];
        out.push_str(
            &vars(name).ok_or_else(|| format!("Fn::Sub refers to unknown `{name}` in {s:?}"))?,
        );
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Stack-level names `Fn::Sub` and `Ref` resolve.
fn cfn_var(name: &str, p_default: &str) -> Option<String> {
    Some(
        match name {
            "AWS::Partition" => PARTITION,
            "AWS::AccountId" => ACCOUNT,
            "AWS::Region" => REGION,
            "AWS::URLSuffix" => URL_SUFFIX,
            "AWS::StackName" => STACK_NAME,
            "Oidc" => OIDC,
            "P" => p_default,
            _ => return None,
        }
        .to_owned(),
    )
}

fn tag_name(t: &serde_yaml_ng::value::TaggedValue) -> String {
    t.tag.to_string()
}

/// Evaluates a CloudFormation node: strings, `!Ref`/`!Sub` of parameters and pseudo
/// parameters, `Fn::Sub` with a variable map; mappings and sequences recursively.
pub fn cfn_eval(v: &Y, p_default: &str) -> Result<J, String> {
    Ok(match v {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(*b),
        Y::Number(n) => serde_json::to_value(n).map_err(|e| e.to_string())?,
        Y::String(s) => J::String(s.clone()),
        Y::Sequence(items) => J::Array(
            items
                .iter()
                .map(|i| cfn_eval(i, p_default))
                .collect::<Result<_, _>>()?,
        ),
        Y::Tagged(t) => {
            let name = tag_name(t);
            match (name.as_str(), &t.value) {
                ("!Ref", Y::String(r)) => J::String(
                    cfn_var(r, p_default).ok_or_else(|| format!("!Ref of unknown `{r}`"))?,
                ),
                ("!Sub", Y::String(s)) => J::String(sub(s, &|n| cfn_var(n, p_default))?),
                _ => return Err(format!("cannot evaluate tag {name}")),
            }
        }
        Y::Mapping(m) => {
            if m.len() == 1 {
                if let Some(Y::Sequence(args)) = m.get("Fn::Sub") {
                    let (Some(Y::String(text)), Some(Y::Mapping(vars))) =
                        (args.first(), args.get(1))
                    else {
                        return Err("malformed Fn::Sub".into());
                    };
                    let mut bound = std::collections::HashMap::new();
                    for (k, val) in vars {
                        let Y::String(k) = k else {
                            return Err("Fn::Sub variable name is not a string".into());
                        };
                        bound.insert(k.clone(), cfn_eval(val, p_default)?);
                    }
                    let s = sub(text, &|n| match bound.get(n) {
                        Some(J::String(s)) => Some(s.clone()),
                        Some(_) => None,
                        None => cfn_var(n, p_default),
                    })?;
                    return Ok(J::String(s));
                }
                if m.contains_key("Fn::Join")
                    || m.contains_key("Fn::If")
                    || m.contains_key("Fn::Split")
                {
                    return Err("cannot evaluate Fn::Join/Fn::If/Fn::Split here".into());
                }
            }
            let mut out = serde_json::Map::new();
            for (k, val) in m {
                let Y::String(k) = k else {
                    return Err(format!("a mapping key is not a string: {k:?}"));
                };
                out.insert(k.clone(), cfn_eval(val, p_default)?);
            }
            J::Object(out)
        }
    })
}

/// A policy document node: a YAML mapping, or a JSON string (plain or `Fn::Sub`).
pub fn cfn_document(v: &Y, p_default: &str) -> Result<J, String> {
    match cfn_eval(v, p_default)? {
        J::String(text) => serde_json::from_str(&text)
            .map_err(|e| format!("policy document string is not JSON ({e}): {text}")),
        other => Ok(other),
    }
}

fn get<'a>(v: &'a Y, path: &[&str]) -> Result<&'a Y, String> {
    let mut cur = v;
    for k in path {
        cur = match cur {
            Y::Mapping(m) => m.get(*k),
            Y::Sequence(s) => k.parse::<usize>().ok().and_then(|i| s.get(i)),
            _ => None,
        }
        .ok_or_else(|| format!("no `{}` in the CloudFormation template", path.join(".")))?;
    }
    Ok(cur)
}

fn jget<'a>(v: &'a J, path: &[&str]) -> Result<&'a J, String> {
    let mut cur = v;
    for k in path {
        cur = match cur {
            J::Object(m) => m.get(*k),
            J::Array(a) => k.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        }
        .ok_or_else(|| format!("no `{}` in the policy document {v}", path.join(".")))?;
    }
    Ok(cur)
}

fn single_key(v: &J, what: &str) -> Result<String, String> {
    match v {
        J::Object(m) if m.len() == 1 => Ok(m.keys().next().cloned().unwrap_or_default()),
        other => Err(format!("{what}: expected one key, got {other}")),
    }
}

/// The value the harness deploys with for a pseudo parameter.
fn pseudo_value(x: Pseudo) -> &'static str {
    match x {
        Pseudo::Partition => PARTITION,
        Pseudo::AccountId => ACCOUNT,
        Pseudo::Region => REGION,
        Pseudo::UrlSuffix => URL_SUFFIX,
        Pseudo::StackName => STACK_NAME,
    }
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

/// The shape of the Terraform output: blocks with their labels, attribute keys, object keys,
/// list lengths; string values reduced to `str`. Keys and labels that are the field's own
/// value are replaced by `<field>`, so a hostile and a harmless value compare equal.
pub fn hcl_skeleton(src: &HclSource, field: Field, s: &str, ctx: &Context) -> String {
    let mut out = String::new();
    let inline_label = format!("r_{}", rolegen::model::names::snake(s));
    let env = (ctx, src);
    skel_body(&mut out, &src.body, field, s, &inline_label, &env, 0);
    out
}

fn skel_body(
    out: &mut String,
    body: &hcl::Body,
    field: Field,
    s: &str,
    inline_label: &str,
    env: &(&Context, &HclSource),
    depth: usize,
) {
    let label = |l: &str| -> String {
        if field == Field::InlinePolicyName && l == inline_label {
            "r_<field>".into()
        } else {
            l.to_owned()
        }
    };
    for st in body.iter() {
        out.push_str(&"  ".repeat(depth));
        match st {
            hcl::Structure::Attribute(a) => {
                out.push_str(a.key.as_str());
                out.push_str(" = ");
                let in_tags = a.key.as_str() == "tags";
                skel_expr(out, &a.expr, field, s, in_tags, env);
                out.push('\n');
            }
            hcl::Structure::Block(b) => {
                out.push_str(b.identifier());
                for l in b.labels() {
                    out.push_str(&format!(" {:?}", label(l.as_str())));
                }
                out.push_str(" {\n");
                skel_body(out, b.body(), field, s, inline_label, env, depth + 1);
                out.push_str(&"  ".repeat(depth));
                out.push_str("}\n");
            }
        }
    }
}

fn skel_expr(
    out: &mut String,
    e: &hcl::Expression,
    field: Field,
    s: &str,
    in_tags: bool,
    env: &(&Context, &HclSource),
) {
    use hcl::Expression as E;
    match e {
        E::String(_) | E::TemplateExpr(_) => out.push_str("str"),
        E::Array(items) => {
            out.push_str(&format!("[{}:", items.len()));
            for i in items {
                skel_expr(out, i, field, s, false, env);
                out.push(',');
            }
            out.push(']');
        }
        E::Object(obj) => {
            out.push('{');
            for (k, v) in obj.iter() {
                let key = match k {
                    hcl::ObjectKey::Identifier(i) => i.as_str().to_owned(),
                    // Terraform converts bool and number keys to strings.
                    hcl::ObjectKey::Expression(hcl::Expression::Null) => "null".to_owned(),
                    hcl::ObjectKey::Expression(x) => match hcl_eval(x, env.0, env.1) {
                        Ok(J::String(k)) => k,
                        Ok(J::Bool(b)) => b.to_string(),
                        Ok(J::Number(n)) => n.to_string(),
                        Ok(other) => format!("<non-string key {other}>"),
                        Err(err) => format!("<key error {err}>"),
                    },
                    _ => "<unknown key kind>".to_owned(),
                };
                let key = if in_tags && field == Field::TagKey && key == s {
                    "<field>".to_owned()
                } else {
                    key
                };
                out.push_str(&format!("{key:?}="));
                skel_expr(out, v, field, s, false, env);
                out.push(',');
            }
            out.push('}');
        }
        E::FuncCall(f) => {
            out.push_str(&format!("{}(", f.name));
            // `tags = merge(var.tags, {...})`: the object is still the resource's tags.
            let in_tags = in_tags && f.name.to_string() == "merge";
            for a in &f.args {
                skel_expr(out, a, field, s, in_tags, env);
                out.push(',');
            }
            out.push(')');
        }
        other => {
            let text = hcl::format::to_string(other).unwrap_or_else(|e| format!("<{e}>"));
            let text = if field == Field::InlinePolicyName {
                replace_ident(&text, &label_of(s), "r_<field>")
            } else {
                text
            };
            out.push_str(&text);
        }
    }
}

/// Replaces whole identifiers (runs of `[A-Za-z0-9_-]`) equal to `ident`.
fn replace_ident(text: &str, ident: &str, with: &str) -> String {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if is_ident(c) {
            word.push(c);
            continue;
        }
        out.push_str(if word == ident { with } else { &word });
        word.clear();
        out.push(c);
    }
    out.pop();
    out
}

fn label_of(s: &str) -> String {
    format!("r_{}", rolegen::model::names::snake(s))
}

/// The shape of the CloudFormation template: mapping keys at every level (condition keys that
/// are the field's value replaced by `<field>`), sequence lengths, tags, scalar kinds; policy
/// documents held as JSON strings are resolved and parsed, and their shape included.
pub fn cfn_skeleton(v: &Y, field: Field, s: &str) -> String {
    let mut out = String::new();
    let p_default = if field == Field::ParamDefault {
        s
    } else {
        P_DEFAULT
    };
    let cond_key = expected(field, s).map(|e| e.1);
    skel_y(&mut out, v, field, cond_key.as_deref(), p_default, &[]);
    out
}

fn skel_y(
    out: &mut String,
    v: &Y,
    field: Field,
    key_value: Option<&str>,
    p: &str,
    path: &[String],
) {
    let doc_key = path.last().is_some_and(|k| {
        matches!(
            k.as_str(),
            "PolicyDocument" | "KeyPolicy" | "AssumeRolePolicyDocument"
        )
    });
    if doc_key && !matches!(v, Y::Mapping(m) if m.contains_key("Version")) {
        match cfn_document(v, p) {
            Ok(j) => {
                out.push_str("json:");
                skel_j(out, &j, field, key_value, path);
            }
            Err(e) => out.push_str(&format!("<document error {e}>")),
        }
        return;
    }
    match v {
        Y::Null => out.push_str("null"),
        Y::Bool(_) => out.push_str("bool"),
        Y::Number(_) => out.push_str("num"),
        Y::String(_) => out.push_str("str"),
        Y::Sequence(items) => {
            out.push_str(&format!("[{}:", items.len()));
            for (i, x) in items.iter().enumerate() {
                let mut p2 = path.to_vec();
                p2.push(i.to_string());
                skel_y(out, x, field, key_value, p, &p2);
                out.push(',');
            }
            out.push(']');
        }
        Y::Tagged(t) => {
            out.push_str(&format!("{}(", tag_name(t)));
            skel_y(out, &t.value, field, key_value, p, path);
            out.push(')');
        }
        Y::Mapping(m) => {
            out.push('{');
            for (k, x) in m {
                let key = match k {
                    Y::String(k) => k.clone(),
                    other => format!("<non-string key {other:?}>"),
                };
                let shown = if is_condition_key(path)
                    && field == Field::ConditionKey
                    && Some(key.as_str()) == key_value
                {
                    "<field>".to_owned()
                } else {
                    key.clone()
                };
                out.push_str(&format!("{shown:?}="));
                let mut p2 = path.to_vec();
                p2.push(key);
                skel_y(out, x, field, key_value, p, &p2);
                out.push(',');
            }
            out.push('}');
        }
    }
}

fn is_condition_key(path: &[String]) -> bool {
    path.len() >= 2 && path[path.len() - 2] == "Condition"
}

fn skel_j(out: &mut String, v: &J, field: Field, key_value: Option<&str>, path: &[String]) {
    match v {
        J::Null => out.push_str("null"),
        J::Bool(_) => out.push_str("bool"),
        J::Number(_) => out.push_str("num"),
        J::String(_) => out.push_str("str"),
        J::Array(items) => {
            out.push_str(&format!("[{}:", items.len()));
            for x in items {
                skel_j(out, x, field, key_value, path);
                out.push(',');
            }
            out.push(']');
        }
        J::Object(m) => {
            out.push('{');
            for (k, x) in m {
                let shown = if is_condition_key(path)
                    && field == Field::ConditionKey
                    && Some(k.as_str()) == key_value
                {
                    "<field>".to_owned()
                } else {
                    k.clone()
                };
                out.push_str(&format!("{shown:?}="));
                let mut p2 = path.to_vec();
                p2.push(k.clone());
                skel_j(out, x, field, key_value, &p2);
                out.push(',');
            }
            out.push('}');
        }
    }
}

/// Both skeletons of a compiled spec, for comparing a hostile value with a harmless one.
pub fn skeleton(field: Field, s: &str, out: &Parsed) -> String {
    let p_default = if field == Field::ParamDefault {
        s
    } else {
        P_DEFAULT
    };
    let ctx = hcl_context(p_default);
    let mut k = String::new();
    for body in [&out.main, &out.variables, &out.outputs] {
        k.push_str(&hcl_skeleton(body, field, s, &ctx));
        k.push_str("----\n");
    }
    k.push_str(&cfn_skeleton(&out.cfn, field, s));
    k
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
