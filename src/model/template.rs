//! Strings with placeholders, decided once at lowering: literal text, a module parameter, a
//! pseudo parameter of the deployment, or an IAM policy variable kept for IAM to resolve.

use super::{KeyId, OidcProviderId, ParamName};
use std::fmt::Write as _;

/// Where a stack is deployed: the values both backends can look up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pseudo {
    /// `aws`, `aws-cn`, `aws-us-gov`.
    Partition,
    /// The deploying account id.
    AccountId,
    /// The deploying region.
    Region,
    /// `amazonaws.com` or `amazonaws.com.cn`.
    UrlSuffix,
    /// The name of the deployment: the CloudFormation stack's name, the Terraform variable
    /// `stack_name` (which the module then declares).
    StackName,
}

impl Pseudo {
    /// All of them, in a fixed order.
    pub const ALL: [Pseudo; 5] = [
        Pseudo::Partition,
        Pseudo::AccountId,
        Pseudo::Region,
        Pseudo::UrlSuffix,
        Pseudo::StackName,
    ];

    /// The CloudFormation name (`AWS::Partition`), also the spec's spelling.
    pub fn cfn_name(self) -> &'static str {
        match self {
            Pseudo::Partition => "AWS::Partition",
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::Region => "AWS::Region",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
            Pseudo::StackName => "AWS::StackName",
        }
    }

    /// Parses the spec spelling.
    pub fn parse(s: &str) -> Option<Pseudo> {
        Pseudo::ALL.into_iter().find(|p| p.cfn_name() == s)
    }
}

/// The partitions a module is commonly deployed in: a mapping picked by `AWS::Partition`
/// without one of them is a warning (RG021).
pub const PARTITIONS: [&str; 3] = ["aws", "aws-cn", "aws-us-gov"];

/// Every partition an entry of a mapping picked by `AWS::Partition` may name (the isolated
/// and sovereign ones too).
pub const KNOWN_PARTITIONS: [&str; 8] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// One part of a [`Template`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Part {
    /// Literal text (may contain `${` written as `$${` in the spec).
    Lit(String),
    /// A declared module parameter.
    Param(ParamName),
    /// A pseudo parameter.
    Pseudo(Pseudo),
    /// An IAM policy variable such as `aws:username`, kept literal for IAM.
    PolicyVar(String),
    /// The ARN of an OIDC provider or KMS key the module creates.
    ProviderArn(Box<ProviderArn>),
    /// A value of one of the module's `mappings:`, picked by the partition, the region or a
    /// parameter.
    Lookup(Box<Lookup>),
    /// One piece of a parameter's (or pseudo parameter's) value split at a delimiter.
    Piece(Box<Piece>),
}

/// What picks the entry of a mapping: a pseudo parameter or a module parameter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LookupKey {
    /// `AWS::Partition`, `AWS::Region`, ...
    Pseudo(Pseudo),
    /// A `string` or `number` parameter.
    Param(ParamName),
}

impl LookupKey {
    /// The spelling inside `[...]` of a spec placeholder, also the name CloudFormation's
    /// `Ref` takes.
    pub fn as_str(&self) -> &str {
        match self {
            LookupKey::Pseudo(p) => p.cfn_name(),
            LookupKey::Param(n) => n.as_str(),
        }
    }
}

/// `${mappings.<Map>[<by>].<key>}`: the value `key` of the entry of mapping `map` that `by`
/// names (CloudFormation `Fn::FindInMap`, a Terraform map of a `locals` block indexed).
/// `values` holds the value of `key` in every entry that has it, so anything that evaluates a
/// template needs no module; an entry without it fails the deployment in both backends.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Lookup {
    /// The mapping's name (`PartitionMap`).
    pub map: String,
    /// What picks the entry.
    pub by: LookupKey,
    /// The second-level key (`principal`).
    pub key: String,
    /// `(entry, value)` for every entry of the mapping that has `key`, in the spec's order.
    pub values: Vec<(String, String)>,
}

impl Lookup {
    /// The value for entry `entry`, if the mapping has it.
    pub fn value(&self, entry: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(e, _)| e == entry)
            .map(|(_, v)| v.as_str())
    }

    /// The spec spelling without `${` `}`: `mappings.PartitionMap[AWS::Partition].principal`.
    pub fn spec(&self) -> String {
        format!("mappings.{}[{}].{}", self.map, self.by.as_str(), self.key)
    }

    /// The name of the `Fn::Sub` variable that stands for the lookup in a CloudFormation
    /// string (`PartitionMapPrincipal`): letters and digits only.
    pub fn sub_var(&self) -> String {
        let mut v = self.map.clone();
        let mut up = true;
        for c in self.key.chars() {
            if c.is_ascii_alphanumeric() {
                if up {
                    v.push(c.to_ascii_uppercase());
                } else {
                    v.push(c);
                }
                up = false;
            } else {
                up = true;
            }
        }
        let _ = write!(v, "By{}", self.by.as_str().replace("AWS::", ""));
        v
    }
}

/// `${split("<delim>", <Source>)[<index>]}`: piece `index` (counted from 0) of the value of
/// a `string` parameter or a pseudo parameter cut at every `delim` (CloudFormation
/// `!Select [index, !Split [delim, !Ref Source]]`, Terraform `split(delim, var.source)[index]`;
/// both cut the same way: `"a//b"` at `"/"` is `a`, ``, `b`). Where the value has `index` or
/// fewer pieces, both backends fail the deployment (neither wraps around nor defaults).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Piece {
    /// The value cut.
    pub of: LookupKey,
    /// The delimiter: not empty, without `"` or `}`.
    pub delim: String,
    /// Which piece, from 0.
    pub index: usize,
}

impl Piece {
    /// The piece of `value`, if it has that many.
    pub fn of_value<'a>(&self, value: &'a str) -> Option<&'a str> {
        value.split(self.delim.as_str()).nth(self.index)
    }

    /// The spec spelling without `${` `}`: `split("//", IssuerUrl)[1]`.
    pub fn spec(&self) -> String {
        format!(
            "split(\"{}\", {})[{}]",
            self.delim,
            self.of.as_str(),
            self.index
        )
    }

    /// The name of the `Fn::Sub` variable that stands for the piece in a CloudFormation
    /// string: the source, the index and the delimiter's bytes in hex
    /// (`IssuerUrlPiece1Of2F2F`), letters and digits only, distinct for distinct pieces.
    pub fn sub_var(&self) -> String {
        let mut v = match &self.of {
            LookupKey::Pseudo(p) => p.cfn_name().replace("::", ""),
            LookupKey::Param(n) => n.as_str().to_owned(),
        };
        let _ = write!(v, "Piece{}Of", self.index);
        for b in self.delim.bytes() {
            let _ = write!(v, "{b:02X}");
        }
        v
    }
}

/// The ARN of an OIDC provider of the module (`oidc_providers:`): both outputs reference the
/// resource (`!GetAtt <Id>OidcProvider.Arn`, `aws_iam_openid_connect_provider.<id>[0].arn`),
/// so the role is created after the provider; `arn` is the same ARN spelt with placeholders
/// (`arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/<issuer>`), what IAM returns,
/// for everything that evaluates or measures a template.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProviderArn {
    /// The provider or key.
    pub id: Created,
    /// The ARN IAM gives the provider, with placeholders.
    pub arn: Template,
    /// The switch of an OIDC provider created only where it is on (`when:`): where it is
    /// off the provider exists already and the outputs spell `arn` (CloudFormation
    /// `!If [<Cond>, !GetAtt <Id>.Arn, !Sub <arn>]`, Terraform `<switch> ? <ref> : "<arn>"`).
    pub when: Option<crate::model::Switch>,
}

impl ProviderArn {
    /// The `Fn::Sub` variable that stands for a switched provider's ARN (`<LogicalId>Arn`,
    /// defined as the `!If`), which the `Fn::Sub` must define.
    pub fn sub_var(&self) -> String {
        format!("{}Arn", self.id.logical_id())
    }
}

/// A resource of the module whose ARN a string may name (see [`ProviderArn`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Created {
    /// An OIDC provider (`${oidc_providers.<id>.arn}`).
    Oidc(OidcProviderId),
    /// A KMS key (`${kms_keys.<id>.arn}`; CloudFormation `!GetAtt <Key>.Arn`, Terraform
    /// `join("", aws_kms_key.<id>[*].arn)`). Its key id is random: what evaluates a template
    /// stands `key-{<Key>}` for it.
    Key(KeyId),
}

impl Created {
    /// The CloudFormation logical id of the resource.
    pub fn logical_id(&self) -> String {
        match self {
            Created::Oidc(id) => id.logical_id(),
            Created::Key(id) => id.pascal(),
        }
    }

    /// The spec spelling without `${` `}`: `oidc_providers.<id>.arn`, `kms_keys.<id>.arn`.
    pub fn spec(&self) -> String {
        match self {
            Created::Oidc(id) => format!("oidc_providers.{id}.arn"),
            Created::Key(id) => format!("kms_keys.{id}.arn"),
        }
    }
}

/// A string value: literal text and placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Template {
    /// The parts, adjacent literals merged, no empty literal.
    pub parts: Vec<Part>,
}

impl Template {
    /// A template of literal text only.
    pub fn lit(s: impl Into<String>) -> Self {
        let s = s.into();
        if s.is_empty() {
            Template { parts: Vec::new() }
        } else {
            Template {
                parts: vec![Part::Lit(s)],
            }
        }
    }

    /// Appends a part, merging literals.
    pub fn push(&mut self, part: Part) {
        if let Part::Lit(s) = &part {
            if s.is_empty() {
                return;
            }
            if let Some(Part::Lit(prev)) = self.parts.last_mut() {
                prev.push_str(s);
                return;
            }
        }
        self.parts.push(part);
    }

    /// Appends every part of another template.
    pub fn extend(&mut self, other: &Template) {
        for p in &other.parts {
            self.push(p.clone());
        }
    }

    /// The text if the template is all literal (policy variables count as literal text).
    pub fn as_literal(&self) -> Option<String> {
        self.literal().map(std::borrow::Cow::into_owned)
    }

    /// [`Template::as_literal`] without a copy when the template is one piece of literal text
    /// (most are): the emitters' hot path.
    pub fn literal(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self.parts.as_slice() {
            [] => return Some(std::borrow::Cow::Borrowed("")),
            [Part::Lit(l)] => return Some(std::borrow::Cow::Borrowed(l)),
            _ => {}
        }
        let mut s = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(l) => s.push_str(l),
                Part::PolicyVar(v) => {
                    s.push_str("${");
                    s.push_str(v);
                    s.push('}');
                }
                _ => return None,
            }
        }
        Some(std::borrow::Cow::Owned(s))
    }

    /// Its literal text with every placeholder and policy variable left out (what a
    /// character check sees of a value whose placeholders are checked elsewhere).
    pub(crate) fn literal_text(&self) -> String {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Lit(l) => Some(l.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The only parameter, if the template is exactly one parameter.
    pub(crate) fn as_single_param(&self) -> Option<&ParamName> {
        match self.parts.as_slice() {
            [Part::Param(p)] => Some(p),
            _ => None,
        }
    }

    /// Parameters the template uses, in order (with repeats); a mapping lookup keyed by a
    /// parameter uses it.
    pub fn params(&self) -> impl Iterator<Item = &ParamName> {
        self.parts.iter().filter_map(|p| match p {
            Part::Param(n) => Some(n),
            Part::Lookup(l) => match &l.by {
                LookupKey::Param(n) => Some(n),
                LookupKey::Pseudo(_) => None,
            },
            Part::Piece(x) => match &x.of {
                LookupKey::Param(n) => Some(n),
                LookupKey::Pseudo(_) => None,
            },
            _ => None,
        })
    }

    /// The mapping lookups of the template, in order.
    pub fn lookups(&self) -> impl Iterator<Item = &Lookup> {
        self.parts.iter().filter_map(|p| match p {
            Part::Lookup(l) => Some(&**l),
            _ => None,
        })
    }

    /// The pieces (`${split(...)[i]}`) of the template, in order.
    pub fn pieces(&self) -> impl Iterator<Item = &Piece> {
        self.parts.iter().filter_map(|p| match p {
            Part::Piece(x) => Some(&**x),
            _ => None,
        })
    }

    /// True if the template holds any parameter or pseudo parameter.
    pub fn is_dynamic(&self) -> bool {
        self.parts
            .iter()
            .any(|p| !matches!(p, Part::Lit(_) | Part::PolicyVar(_)))
    }

    /// Renders with each placeholder replaced by `f(part)`; literals and policy variables as IAM sees them.
    pub fn render_with(&self, mut f: impl FnMut(&Part) -> String) -> String {
        let mut s = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(l) => s.push_str(l),
                Part::PolicyVar(v) => {
                    s.push_str("${");
                    s.push_str(v);
                    s.push('}');
                }
                other => s.push_str(&f(other)),
            }
        }
        s
    }

    /// The spec spelling (placeholders as `${Name}`, literal `${` as `$${`), for messages.
    pub fn display(&self) -> String {
        self.spell("$${", "${", false)
    }

    /// The text of a CloudFormation `Fn::Sub` string: `${Name}`, `${AWS::Region}`, and
    /// `${!...}` for a literal `${` and for IAM policy variables.
    pub(crate) fn to_sub(&self) -> String {
        self.spell("${!", "${!", true)
    }

    /// Placeholders as `${Name}`; a literal `${` written as `literal_open`, a policy variable
    /// opened with `var_open`; a provider's ARN as `${<LogicalId>.Arn}` for `Fn::Sub`, else as
    /// `${oidc_providers.<id>.arn}`; a mapping lookup as its `Fn::Sub` variable
    /// ([`Lookup::sub_var`], which the `Fn::Sub` must define), else as
    /// `${mappings.<Map>[<by>].<key>}`; a piece likewise ([`Piece::sub_var`], else
    /// `${split("<d>", <Source>)[<i>]}`).
    fn spell(&self, literal_open: &str, var_open: &str, sub: bool) -> String {
        // Room for the literal text and a short placeholder per other part: one allocation
        // for most templates.
        let room = self
            .parts
            .iter()
            .map(|p| match p {
                Part::Lit(l) => l.len(),
                _ => 24,
            })
            .sum();
        let mut s = String::with_capacity(room);
        for p in &self.parts {
            match p {
                Part::Lit(l) => push_replacing(&mut s, l, "${", literal_open),
                Part::Param(n) => {
                    s.push_str("${");
                    s.push_str(n.as_str());
                    s.push('}');
                }
                Part::Pseudo(x) => {
                    s.push_str("${");
                    s.push_str(x.cfn_name());
                    s.push('}');
                }
                Part::PolicyVar(v) => {
                    s.push_str(var_open);
                    s.push_str(v);
                    s.push('}');
                }
                Part::ProviderArn(p) if sub && p.when.is_some() => {
                    s.push_str("${");
                    s.push_str(&p.sub_var());
                    s.push('}');
                }
                Part::ProviderArn(p) if sub => {
                    s.push_str("${");
                    s.push_str(&p.id.logical_id());
                    s.push_str(".Arn}");
                }
                Part::ProviderArn(p) => {
                    s.push_str("${");
                    s.push_str(&p.id.spec());
                    s.push('}');
                }
                Part::Lookup(l) if sub => {
                    s.push_str("${");
                    s.push_str(&l.sub_var());
                    s.push('}');
                }
                Part::Lookup(l) => {
                    s.push_str("${");
                    s.push_str(&l.spec());
                    s.push('}');
                }
                Part::Piece(x) if sub => {
                    s.push_str("${");
                    s.push_str(&x.sub_var());
                    s.push('}');
                }
                Part::Piece(x) => {
                    s.push_str("${");
                    s.push_str(&x.spec());
                    s.push('}');
                }
            }
        }
        s
    }
}

/// One piece of a CloudFormation `Fn::Sub` string (see [`sub_parts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubPart<'a> {
    /// Text taken as written (`${!Literal}` gives the text `${` followed by `Literal}`).
    Text(&'a str),
    /// `${Name}`: a parameter, a pseudo parameter (`AWS::Region`), `Resource.Attribute` or a
    /// variable of the `Fn::Sub` map.
    Var(&'a str),
    /// A `${` without a closing `}` (CloudFormation rejects the template); the scan goes on
    /// after the `${`.
    Unclosed,
}

/// The pieces of an `Fn::Sub` string, in order: the one scanner of `${…}` that the emitter,
/// the importer and the resolvers share, so they read the same string the same way.
pub fn sub_parts(s: &str) -> Vec<SubPart<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        if i > 0 {
            out.push(SubPart::Text(&rest[..i]));
        }
        let after = &rest[i + 2..];
        if let Some(lit) = after.strip_prefix('!') {
            out.push(SubPart::Text("${"));
            rest = lit;
            continue;
        }
        let Some(end) = after.find('}') else {
            out.push(SubPart::Unclosed);
            rest = after;
            continue;
        };
        out.push(SubPart::Var(&after[..end]));
        rest = &after[end + 1..];
    }
    if !rest.is_empty() {
        out.push(SubPart::Text(rest));
    }
    out
}

/// Appends `text` with every `from` replaced by `to` (what `str::replace` gives, without its
/// new `String`).
fn push_replacing(out: &mut String, text: &str, from: &str, to: &str) {
    let mut rest = text;
    while let Some(i) = rest.find(from) {
        out.push_str(&rest[..i]);
        out.push_str(to);
        rest = &rest[i + from.len()..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod sub_tests {
    use super::*;

    #[test]
    fn scans_variables_literals_and_unclosed() {
        use SubPart::{Text, Unclosed, Var};
        assert_eq!(
            sub_parts("arn:${AWS::Partition}:s3:::${Bucket}/${!aws:username}/x"),
            [
                Text("arn:"),
                Var("AWS::Partition"),
                Text(":s3:::"),
                Var("Bucket"),
                Text("/"),
                Text("${"),
                Text("aws:username}/x"),
            ]
        );
        assert_eq!(sub_parts("a${b"), [Text("a"), Unclosed, Text("b")]);
        assert_eq!(sub_parts("${R.Arn}"), [Var("R.Arn")]);
        assert!(sub_parts("").is_empty());
    }
}
