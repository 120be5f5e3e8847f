//! The typed intermediate model: plain data, resolved once by `lower`, read by every later stage
//! as `&Module`. Maps are `IndexMap` (spec order), never `HashMap`.

pub mod condition;
pub mod conventions;
pub mod names;
mod role_name;
pub use role_name::{PolicyName, RoleName};
pub mod resolve;
pub mod template;

pub use condition::{ConditionOp, ConditionTest, SetQualifier};
pub use template::{Created, Lookup, LookupKey, Part, Piece, ProviderArn, Pseudo, Template};

use crate::rules::Rule;
use crate::source::{SourceFile, YamlPath};
use indexmap::IndexMap;
use std::fmt;
use std::sync::Arc;

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub String);
        impl $name {
            /// The name as written in the spec.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// snake_case, for Terraform names.
            pub fn snake(&self) -> String {
                names::snake(&self.0)
            }
            /// PascalCase, for CloudFormation logical ids.
            pub fn pascal(&self) -> String {
                names::pascal(&self.0)
            }
        }
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

name_type!(
    /// A declared parameter's name (`NamePrefix`).
    ParamName
);
name_type!(
    /// A role's key in the spec (`task`, `eks-pod`).
    RoleId
);
name_type!(
    /// A customer managed policy's key in the spec.
    PolicyId
);
name_type!(
    /// A KMS key's key in the spec.
    KeyId
);
name_type!(
    /// An OIDC identity provider's key in the spec (`oidc_providers:`).
    OidcProviderId
);

impl PolicyId {
    /// The stand-in every evaluator (the model, the CloudFormation resolver, the Terraform
    /// evaluation of the tests) gives the name of a policy whose name is generated (a prefix
    /// or none): `<generated:<Pascal id>>`, so the ARNs attachments resolve to compare alike
    /// (CloudFormation generates the whole name, Terraform completes the prefix).
    pub fn generated_name(logical_id: &str) -> String {
        format!("<generated:{logical_id}>")
    }
}

impl OidcProviderId {
    /// The CloudFormation logical id of the provider: `<Pascal>OidcProvider`.
    pub fn logical_id(&self) -> String {
        format!("{}OidcProvider", self.pascal())
    }
}

/// A compiled module.
#[derive(Debug)]
pub struct Module {
    /// `[a-z0-9-]+`.
    pub name: String,
    /// What it is for.
    pub description: Option<String>,
    /// Deliberate departures from the vendor document.
    pub deviations: Vec<Deviation>,
    /// Emit the adoption files (`adopt: true`).
    pub adopt: bool,
    /// Renames Terraform state follows (`moved:`).
    pub moved: Moved,
    /// Inputs.
    pub params: IndexMap<ParamName, Parameter>,
    /// Named conditions (`conditions:`), in written order.
    pub conditions: IndexMap<ParamName, NamedCondition>,
    /// Lookup tables (`mappings:`), by name.
    pub mappings: IndexMap<String, Mapping>,
    /// Roles.
    pub roles: IndexMap<RoleId, Role>,
    /// Customer managed policies.
    pub policies: IndexMap<PolicyId, ManagedPolicy>,
    /// KMS keys.
    pub kms_keys: IndexMap<KeyId, KmsKey>,
    /// OIDC identity providers the module creates.
    pub oidc_providers: IndexMap<OidcProviderId, OidcProvider>,
    /// Rules allowed module-wide.
    pub allow: Allow,
    /// Which outputs it emits (`outputs:`).
    pub outputs: conventions::OutputSelection,
    /// The spec it came from (for diagnostics only).
    pub source: Arc<SourceFile>,
    /// [`Module::pseudos_used`], found on first use (a walk over every template; the model
    /// is not changed after lowering).
    pub(crate) pseudos: std::sync::OnceLock<std::collections::BTreeSet<Pseudo>>,
}

/// A lookup table of the spec (`mappings:`): CloudFormation `Mappings`, a Terraform map in
/// `locals`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// `[A-Za-z0-9]+` (CloudFormation's rule for a mapping's name).
    pub name: String,
    /// Entry (a partition, a region, a parameter value) to its keys and values.
    pub entries: IndexMap<String, IndexMap<String, String>>,
    /// Where it is declared.
    pub origin: YamlPath,
}

/// The Terraform local that holds the mapping `name`: `mapping_<snake name>`.
pub fn mapping_local(name: &str) -> String {
    format!("mapping_{}", names::snake(name))
}

/// The renames a spec declares (`moved:`): each `(earlier key, key now)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Moved {
    /// Roles.
    pub roles: Vec<(String, RoleId)>,
    /// Customer managed policies.
    pub policies: Vec<(String, PolicyId)>,
    /// KMS keys.
    pub kms_keys: Vec<(String, KeyId)>,
    /// Move unindexed state (rolegen output from before the `create` toggle) to `[0]`.
    pub from_unindexed: bool,
}

impl Moved {
    /// Whether the module asks for any `moved` block.
    pub fn is_empty(&self) -> bool {
        self.roles.is_empty()
            && self.policies.is_empty()
            && self.kms_keys.is_empty()
            && !self.from_unindexed
    }
}

/// A deliberate departure from the document the module implements (README only), written
/// at the module, a role, a policy or a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deviation {
    /// What differs.
    pub what: String,
    /// Why.
    pub why: String,
    /// The document it departs from.
    pub source: String,
    /// The statement it concerns, in a policy's `deviations` (`None`: the whole policy, role
    /// or module).
    pub statement: Option<StatementRef>,
}

/// A statement of a policy document, as a reader finds it: by its Sid, or by its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementRef {
    /// The statement's `Sid`.
    Sid(String),
    /// The statement's position in the document, from 1 (it has no Sid).
    Number(usize),
}

/// Type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// One string.
    String,
    /// A list of strings.
    List,
    /// A number.
    Number,
    /// A boolean switch.
    Bool,
}

impl ParamKind {
    /// Lower-case name as in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamKind::String => "string",
            ParamKind::List => "list",
            ParamKind::Number => "number",
            ParamKind::Bool => "bool",
        }
    }
}

/// A concrete parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// A string.
    Str(String),
    /// A list of strings.
    List(Vec<String>),
    /// A number, as written (integer or decimal text).
    Number(String),
    /// A boolean.
    Bool(bool),
}

/// A module input.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Name.
    pub name: ParamName,
    /// Type.
    pub kind: ParamKind,
    /// Default, if optional.
    pub default: Option<ParamValue>,
    /// What it is for.
    pub description: Option<String>,
    /// Regular expression values must match.
    pub pattern: Option<String>,
    /// Fewest characters of a string value.
    pub min_length: Option<u32>,
    /// Most characters of a string value.
    pub max_length: Option<u32>,
    /// Smallest value of a number, in its shortest form.
    pub min_value: Option<String>,
    /// Largest value of a number, in its shortest form.
    pub max_value: Option<String>,
    /// The only values it (or each item of a list) may take; numbers in their shortest form.
    pub allowed_values: Vec<String>,
    /// Example value for test deployments.
    pub example: Option<ParamValue>,
    /// Console label (CloudFormation `ParameterLabels`).
    pub label: Option<String>,
    /// Console group (CloudFormation `ParameterGroups`).
    pub group: Option<String>,
    /// A secret: Terraform `sensitive = true`, CloudFormation `NoEcho: true`.
    pub secret: bool,
    /// Whether a value (each item of a list) may be `""`: no `pattern`, or one that matches
    /// `""`, and no `allowed_values` that leave `""` out.
    pub takes_empty: bool,
    /// Where it was declared.
    pub origin: YamlPath,
}

impl Parameter {
    /// Whether the module's examples set it (`<module>.params.json`,
    /// `examples/terraform/main.tf`, the README's usage): when it has no default, and when the
    /// spec gives an example value (a default may suit only another mode, as an empty account
    /// id suits only StackState's EC2 mode).
    pub fn in_examples(&self) -> bool {
        self.default.is_none() || self.example.is_some()
    }
}

/// A `when:` switch: a bool parameter or a named condition, possibly negated.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Switch {
    /// The bool parameter, or the named condition.
    pub param: ParamName,
    /// `not Flag`.
    pub negated: bool,
    /// The named condition's test; `None` for a bool parameter.
    pub test: Option<Arc<Test>>,
}

/// Most operands CloudFormation's `Fn::And`/`Fn::Or` take; longer lists are nested.
pub const MAX_CONDITION_OPERANDS: usize = 10;

/// What a named condition tests.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Test {
    /// A bool parameter is true.
    Flag(ParamName),
    /// Another named condition holds (its test carried along; conditions form no cycle).
    Named(ParamName, Arc<Test>),
    /// A string parameter equals this text.
    Equals(ParamName, String),
    /// A string parameter is not `""`, or a list parameter has an item (`list` true).
    NotEmpty(ParamName, bool),
    /// All of these hold.
    And(Vec<Test>),
    /// Some of these holds.
    Or(Vec<Test>),
    /// This does not hold.
    Not(Box<Test>),
}

impl Test {
    /// The parameters it reads, directly or through the conditions it names.
    pub fn params(&self, out: &mut Vec<ParamName>) {
        match self {
            Test::Flag(p) | Test::Equals(p, _) | Test::NotEmpty(p, _) => {
                if !out.contains(p) {
                    out.push(p.clone());
                }
            }
            Test::Named(_, t) => t.params(out),
            Test::And(v) | Test::Or(v) => v.iter().for_each(|t| t.params(out)),
            Test::Not(t) => t.params(out),
        }
    }
}

/// A named condition of the spec's `conditions:`.
#[derive(Debug, Clone)]
pub struct NamedCondition {
    /// Its name (a CloudFormation condition name; `when:` names it).
    pub name: ParamName,
    /// What it tests.
    pub test: Arc<Test>,
    /// Where it was written.
    pub origin: YamlPath,
}

impl Switch {
    /// Spec spelling.
    pub fn display(&self) -> String {
        if self.negated {
            format!("not {}", self.param)
        } else {
            self.param.to_string()
        }
    }
}

/// Rules silenced at one level, with reasons.
#[derive(Debug, Clone, Default)]
pub struct Allow(pub Vec<(&'static Rule, Option<String>)>);

impl Allow {
    /// True if `rule` is allowed here.
    pub fn allows(&self, rule: &Rule) -> bool {
        self.0.iter().any(|(r, _)| r.code == rule.code)
    }
}

/// Statement effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Allow.
    Allow,
    /// Deny.
    Deny,
}

impl Effect {
    /// As IAM spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// What kind of document a policy is: it decides which elements are required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// Attached to a role or managed policy: Resource required, no Principal.
    Identity,
    /// A role's trust policy: Principal required, no Resource.
    Trust,
    /// A resource policy (KMS key policy): Principal and Resource.
    Resource,
}

/// A policy document.
#[derive(Debug, Clone)]
pub struct PolicyDocument {
    /// `2012-10-17` or `2008-10-17`, as written.
    pub version: String,
    /// `Id`, if any.
    pub id: Option<String>,
    /// Statements in order.
    pub statements: Vec<Statement>,
    /// Identity, trust or resource policy.
    pub kind: DocKind,
    /// Deliberate departures of the document and its statements from the vendor document.
    pub deviations: Vec<Deviation>,
    /// Where it was written.
    pub origin: YamlPath,
}

/// Principal types IAM knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalType {
    /// `AWS`: accounts, users, roles.
    Aws,
    /// `Service`.
    Service,
    /// `Federated`: OIDC and SAML providers.
    Federated,
    /// `CanonicalUser`.
    CanonicalUser,
}

impl PrincipalType {
    /// As IAM spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::Aws => "AWS",
            PrincipalType::Service => "Service",
            PrincipalType::Federated => "Federated",
            PrincipalType::CanonicalUser => "CanonicalUser",
        }
    }
    /// Parses IAM's spelling.
    pub fn parse(s: &str) -> Option<Self> {
        [
            PrincipalType::Aws,
            PrincipalType::Service,
            PrincipalType::Federated,
            PrincipalType::CanonicalUser,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// A statement's principal.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// `"*"`.
    Any,
    /// Type → values.
    Typed(IndexMap<PrincipalType, Vec<Template>>),
}

/// One condition: operator, key, values.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// Operator.
    pub op: ConditionOp,
    /// Condition key (may contain a parameter: `${OidcProvider}:sub`).
    pub key: Template,
    /// Values.
    pub values: Vec<Template>,
}

/// One statement.
#[derive(Debug, Clone)]
pub struct Statement {
    /// Sid.
    pub sid: Option<String>,
    /// Effect.
    pub effect: Effect,
    /// Actions (`NotAction` if `not_action`).
    pub actions: Vec<String>,
    /// The actions are a `NotAction`.
    pub not_action: bool,
    /// Resources, if any (`NotResource` if `not_resource`).
    pub resources: Option<Vec<Template>>,
    /// The resources are a `NotResource`.
    pub not_resource: bool,
    /// Principal, if any (`NotPrincipal` if `not_principal`).
    pub principal: Option<Principal>,
    /// The principal is a `NotPrincipal`.
    pub not_principal: bool,
    /// Conditions, grouped by operator in written order.
    pub conditions: Vec<Condition>,
    /// Switch.
    pub when: Option<Switch>,
    /// Rules allowed for this statement.
    pub allow: Allow,
    /// Where it was written.
    pub origin: YamlPath,
}

/// An instance profile for a role.
#[derive(Debug, Clone)]
pub struct InstanceProfile {
    /// Its name; the role's name if absent.
    pub name: Option<Template>,
    /// Its path.
    pub path: Option<Template>,
    /// Switch (within the role's own).
    pub when: Option<Switch>,
}

/// What a managed attachment points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PolicyRef {
    /// An AWS managed policy: path and name after `policy/` (`service-role/AmazonECSTaskExecutionRolePolicy`).
    Aws(String),
    /// A customer managed policy of this module.
    Module(PolicyId),
    /// Any ARN.
    Arn(Template),
    /// Every ARN a list parameter holds, each attached (`arn: ${List}`); the list may be empty.
    /// A role has at most one, and then no `additional_policy_arns` hatch: see
    /// [`Role::arn_list`].
    Arns(ParamName),
}

/// A role's one list of policy ARNs to attach, beyond its fixed attachments.
#[derive(Debug, Clone, Copy)]
pub enum ArnList<'a> {
    /// The role's `additional_policy_arns` escape hatch (an input of its own, empty by default).
    Hatch,
    /// A list parameter of the spec, attached by `arn: ${List}` (possibly under a switch).
    Param(&'a ManagedAttachment, &'a ParamName),
}

/// A managed policy attached to a role.
#[derive(Debug, Clone)]
pub struct ManagedAttachment {
    /// Static key (snake_case), unique within the role: Terraform `for_each` key.
    pub key: String,
    /// What is attached.
    pub target: PolicyRef,
    /// Switch.
    pub when: Option<Switch>,
    /// Rules allowed for it.
    pub allow: Allow,
    /// Where it was written.
    pub origin: YamlPath,
}

/// An inline policy of a role.
#[derive(Debug, Clone)]
pub struct InlinePolicy {
    /// Its key in the spec (`inline_policies:`), which the identifiers derive from.
    pub name: String,
    /// Its name in IAM: the key with its placeholders (`${AWS::StackName}-access`).
    pub iam_name: Template,
    /// Document.
    pub doc: PolicyDocument,
    /// Switch.
    pub when: Option<Switch>,
    /// Rules allowed for it.
    pub allow: Allow,
    /// Where it was written.
    pub origin: YamlPath,
}

/// An escape hatch of a role: an input that lets the module's caller change what the role is
/// (its name, path, permissions boundary, session length) or attach more managed policies.
/// Every hatch defaults to "as the spec says": at its default the module grants exactly the
/// spec. Setting one is the caller's explicit choice; the module README says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Hatch {
    /// More managed policy ARNs to attach (terraform-aws-modules: `custom_role_policy_arns`).
    AdditionalPolicyArns,
    /// A permissions boundary ARN instead of the spec's (or none).
    PermissionsBoundary,
    /// An exact role name instead of the spec's name, prefix or generated name.
    Name,
    /// An IAM path instead of the spec's (or `/`).
    Path,
    /// A maximum session duration (3600–43200 s) instead of the spec's (or IAM's 3600).
    MaxSessionDuration,
}

impl Hatch {
    /// Every hatch, in the order inputs are emitted.
    pub const ALL: [Hatch; 5] = [
        Hatch::Name,
        Hatch::Path,
        Hatch::PermissionsBoundary,
        Hatch::MaxSessionDuration,
        Hatch::AdditionalPolicyArns,
    ];

    /// The spelling in a spec's `hatches:` list and the suffix of the Terraform variable.
    pub fn key(self) -> &'static str {
        match self {
            Hatch::AdditionalPolicyArns => "additional_policy_arns",
            Hatch::PermissionsBoundary => "permissions_boundary",
            Hatch::Name => "name",
            Hatch::Path => "path",
            Hatch::MaxSessionDuration => "max_session_duration",
        }
    }

    /// The hatch a spec's `hatches:` entry names.
    pub fn parse(s: &str) -> Option<Hatch> {
        Hatch::ALL.into_iter().find(|h| h.key() == s)
    }

    /// The Terraform variable of this hatch for `role`: `<role>_<key>`.
    pub fn tf_var(self, role: &RoleId) -> String {
        format!("{}_{}", role.snake(), self.key())
    }

    /// The CloudFormation parameter of this hatch for `role`: `<Role><Key>`.
    pub fn cfn_param(self, role: &RoleId) -> String {
        format!("{}{}", role.pascal(), names::pascal(self.key()))
    }

    /// What the input does, for variable descriptions and the README.
    pub fn describe(self, role: &RoleId) -> String {
        let what = match self {
            Hatch::AdditionalPolicyArns => format!("ARNs of more managed policies to attach to the {role} role, beyond what the spec grants; empty: none"),
            Hatch::PermissionsBoundary => format!("Permissions boundary ARN of the {role} role instead of the spec's; empty: the spec's"),
            Hatch::Name => format!("Name of the {role} role instead of the spec's; empty: the spec's"),
            Hatch::Path => format!("IAM path of the {role} role instead of the spec's; empty: the spec's"),
            Hatch::MaxSessionDuration => format!("Maximum session duration of the {role} role in seconds (3600-43200) instead of the spec's; empty: the spec's"),
        };
        format!("Escape hatch (the caller's choice, not the spec's): {what}.")
    }
}

/// A role.
#[derive(Debug, Clone)]
pub struct Role {
    /// Key in the spec.
    pub id: RoleId,
    /// Name.
    pub name: RoleName,
    /// Path.
    pub path: Option<Template>,
    /// Description.
    pub description: Option<Template>,
    /// Deliberate departures of the role from the vendor document (its policies' are theirs).
    pub deviations: Vec<Deviation>,
    /// Max session duration (seconds): a number, or `${Param}` of a number parameter.
    pub max_session: Option<Template>,
    /// Permissions boundary ARN.
    pub boundary: Option<Template>,
    /// Tags.
    pub tags: IndexMap<String, Template>,
    /// Switch.
    pub when: Option<Switch>,
    /// Instance profile.
    pub instance_profile: Option<InstanceProfile>,
    /// Trust policy.
    pub trust: PolicyDocument,
    /// Managed attachments.
    pub managed: Vec<ManagedAttachment>,
    /// Inline policies.
    pub inline: Vec<InlinePolicy>,
    /// Rules allowed for the role.
    pub allow: Allow,
    /// Its escape hatches (inputs the caller may set), in [`Hatch::ALL`] order.
    pub hatches: Vec<Hatch>,
    /// Where it was written.
    pub origin: YamlPath,
}

impl Role {
    /// True if the role has this escape hatch.
    pub fn has(&self, h: Hatch) -> bool {
        self.hatches.contains(&h)
    }

    /// The role's list of policy ARNs beyond its fixed attachments, if any: a list parameter
    /// attachment or else the `additional_policy_arns` hatch (lowering keeps them exclusive).
    pub fn arn_list(&self) -> Option<ArnList<'_>> {
        let param = self.managed.iter().find_map(|m| match &m.target {
            PolicyRef::Arns(p) => Some(ArnList::Param(m, p)),
            _ => None,
        });
        param.or_else(|| {
            self.has(Hatch::AdditionalPolicyArns)
                .then_some(ArnList::Hatch)
        })
    }

    /// The attachments of one policy each: every attachment but a list parameter's.
    pub fn fixed_managed(&self) -> impl Iterator<Item = &ManagedAttachment> {
        self.managed
            .iter()
            .filter(|m| !matches!(m.target, PolicyRef::Arns(_)))
    }
}

/// A customer managed policy.
#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    /// Key in the spec.
    pub id: PolicyId,
    /// Name: fixed, a prefix, or generated.
    pub name: PolicyName,
    /// Path.
    pub path: Option<Template>,
    /// Description (may hold placeholders; IAM keeps it from creation on: a new value
    /// replaces the policy).
    pub description: Option<Template>,
    /// Document.
    pub doc: PolicyDocument,
    /// Switch (from the document's `when`).
    pub when: Option<Switch>,
    /// Rules allowed for it.
    pub allow: Allow,
    /// Where it was written.
    pub origin: YamlPath,
}

/// A KMS key with its key policy.
#[derive(Debug, Clone)]
pub struct KmsKey {
    /// Key in the spec.
    pub id: KeyId,
    /// Description.
    pub description: Option<String>,
    /// Alias name without `alias/` (may hold placeholders).
    pub alias: Option<Template>,
    /// Automatic rotation.
    pub rotation: bool,
    /// Days before a scheduled deletion (7–30): literal digits or one number parameter; `None`
    /// leaves AWS's default (30).
    pub deletion_window: Option<Template>,
    /// Switch.
    pub when: Option<Switch>,
    /// Key policy.
    pub policy: PolicyDocument,
    /// Rules allowed for it.
    pub allow: Allow,
    /// Where it was written.
    pub origin: YamlPath,
}

/// An IAM OIDC identity provider created by the module (`AWS::IAM::OIDCProvider`,
/// `aws_iam_openid_connect_provider`).
#[derive(Debug, Clone)]
pub struct OidcProvider {
    /// Key in the spec.
    pub id: OidcProviderId,
    /// The issuer's host and path: the URL without `https://` (IAM names the provider and its
    /// condition keys with it).
    pub issuer: Template,
    /// Audiences (client ids) the provider accepts.
    pub audiences: Vec<Template>,
    /// Thumbprints of the issuer's certificate (40 hex digits each); none lets IAM trust the
    /// issuer's certificate authority.
    pub thumbprints: Vec<String>,
    /// Created only where the switch is on; where it is off the provider exists already
    /// (its ARN is the same: IAM names a provider by its issuer).
    pub when: Option<Switch>,
    /// Where it was written.
    pub origin: YamlPath,
}

impl OidcProvider {
    /// The provider's URL: `https://` and the issuer.
    pub fn url(&self) -> Template {
        let mut t = Template::lit("https://");
        t.extend(&self.issuer);
        t
    }
}

impl Module {
    /// Every distinct switch used anywhere, in first-use order.
    pub fn switches(&self) -> Vec<Switch> {
        let mut out: Vec<Switch> = Vec::new();
        let mut add = |s: &Option<Switch>| {
            if let Some(s) = s {
                if !out.contains(s) {
                    out.push(s.clone());
                }
            }
        };
        for r in self.roles.values() {
            add(&r.when);
            if let Some(ip) = &r.instance_profile {
                add(&ip.when);
            }
            r.trust.statements.iter().for_each(|s| add(&s.when));
            r.managed.iter().for_each(|m| add(&m.when));
            for p in &r.inline {
                add(&p.when);
                p.doc.statements.iter().for_each(|s| add(&s.when));
            }
        }
        for p in self.policies.values() {
            add(&p.when);
            p.doc.statements.iter().for_each(|s| add(&s.when));
        }
        for k in self.kms_keys.values() {
            add(&k.when);
            k.policy.statements.iter().for_each(|s| add(&s.when));
        }
        for o in self.oidc_providers.values() {
            add(&o.when);
        }
        out
    }

    /// The CloudFormation condition of a switch: `FlagIsTrue` / `FlagIsFalse` for a bool
    /// parameter, a named condition's own name / `Not<Name>`.
    pub fn cfn_condition(&self, s: &Switch) -> String {
        let name = s.param.as_str();
        match (self.conditions.contains_key(&s.param), s.negated) {
            (true, false) => name.to_owned(),
            (true, true) => format!("Not{name}"),
            (false, false) => format!("{name}IsTrue"),
            (false, true) => format!("{name}IsFalse"),
        }
    }

    /// The parameter of a value that may be nothing (issue 19): a role's `name`,
    /// `permissions_boundary`, `path` or tag value that is exactly `${P}` of a string
    /// parameter whose default or example is `""`. Empty, the property (the tag) is left out in
    /// both outputs (a name: the deployment tool generates one): CloudFormation `!If [Has<P>,
    /// !Ref P, !Ref AWS::NoValue]`, Terraform `var.p == "" ? null : var.p` (a tag: `{ for k, v
    /// in { K = var.p } : k => v if v != "" }`).
    pub fn optional_param<'t>(&self, t: &'t Template) -> Option<&'t ParamName> {
        let p = t.as_single_param()?;
        let x = self.params.get(p)?;
        let empty = [&x.default, &x.example]
            .into_iter()
            .flatten()
            .any(|v| matches!(v, ParamValue::Str(s) if s.is_empty()));
        (x.kind == ParamKind::String && empty).then_some(p)
    }

    /// The optional values' parameters of the roles (see [`Module::optional_param`]), each
    /// once, in first-use order.
    pub fn optional_params(&self) -> Vec<&ParamName> {
        let mut out: Vec<&ParamName> = Vec::new();
        for r in self.roles.values() {
            for t in [r.name.fixed(), r.boundary.as_ref(), r.path.as_ref()]
                .into_iter()
                .flatten()
                .chain(r.tags.values())
            {
                if let Some(p) = self.optional_param(t) {
                    if !out.contains(&p) {
                        out.push(p);
                    }
                }
            }
        }
        out
    }

    /// The CloudFormation condition an optional value's parameter is tested with: the spec's
    /// own condition that is exactly `not_empty: P` (first in written order), else `Has<P>`.
    pub fn has_condition(&self, p: &ParamName) -> String {
        self.conditions
            .values()
            .find(|c| matches!(&*c.test, Test::NotEmpty(q, false) if q == p))
            .map(|c| c.name.as_str().to_owned())
            .unwrap_or_else(|| format!("Has{p}"))
    }

    /// Which pseudo parameters the module uses anywhere.
    pub(crate) fn pseudos_used(&self) -> &std::collections::BTreeSet<Pseudo> {
        self.pseudos.get_or_init(|| self.find_pseudos())
    }

    fn find_pseudos(&self) -> std::collections::BTreeSet<Pseudo> {
        let mut set = std::collections::BTreeSet::new();
        self.visit_templates(|t| {
            // A switched provider's ARN is spelt where the switch is off.
            let spelt = t.parts.iter().filter_map(|p| match p {
                Part::ProviderArn(x) if x.when.is_some() => Some(&x.arn.parts),
                _ => None,
            });
            for p in t.parts.iter().chain(spelt.flatten()) {
                match p {
                    Part::Pseudo(x) => {
                        set.insert(*x);
                    }
                    Part::Lookup(l) => {
                        if let LookupKey::Pseudo(x) = &l.by {
                            set.insert(*x);
                        }
                    }
                    Part::Piece(x) => {
                        if let LookupKey::Pseudo(x) = &x.of {
                            set.insert(*x);
                        }
                    }
                    _ => {}
                }
            }
        });
        for r in self.roles.values() {
            if r.managed
                .iter()
                .any(|m| matches!(m.target, PolicyRef::Aws(_)))
            {
                set.insert(Pseudo::Partition);
            }
        }
        set
    }

    /// Calls `f` on every template in the module.
    pub fn visit_templates(&self, mut f: impl FnMut(&Template)) {
        for r in self.roles.values() {
            match &r.name {
                RoleName::Fixed(t) | RoleName::Prefix(t) => f(t),
                RoleName::FixedOrPrefix(t, p) => {
                    f(t);
                    f(p);
                }
                RoleName::Generated => {}
            }
            [&r.path, &r.description, &r.boundary, &r.max_session]
                .into_iter()
                .flatten()
                .for_each(&mut f);
            r.tags.values().for_each(&mut f);
            if let Some(ip) = &r.instance_profile {
                [&ip.name, &ip.path].into_iter().flatten().for_each(&mut f);
            }
            visit_doc(&r.trust, &mut f);
            for m in &r.managed {
                if let PolicyRef::Arn(t) = &m.target {
                    f(t);
                }
            }
            for p in &r.inline {
                f(&p.iam_name);
                visit_doc(&p.doc, &mut f);
            }
        }
        for p in self.policies.values() {
            if let Some(t) = p.name.template() {
                f(t);
            }
            [&p.path, &p.description]
                .into_iter()
                .flatten()
                .for_each(&mut f);
            visit_doc(&p.doc, &mut f);
        }
        for k in self.kms_keys.values() {
            if let Some(t) = &k.deletion_window {
                f(t);
            }
            if let Some(t) = &k.alias {
                f(t);
            }
            visit_doc(&k.policy, &mut f);
        }
        for o in self.oidc_providers.values() {
            f(&o.issuer);
            o.audiences.iter().for_each(&mut f);
        }
    }
}

/// Calls `f` on every template of a document.
pub(crate) fn visit_doc(doc: &PolicyDocument, f: &mut impl FnMut(&Template)) {
    for s in &doc.statements {
        s.resources.iter().flatten().for_each(&mut *f);
        if let Some(Principal::Typed(m)) = &s.principal {
            m.values().flatten().for_each(&mut *f);
        }
        for c in &s.conditions {
            f(&c.key);
            c.values.iter().for_each(&mut *f);
        }
    }
}
