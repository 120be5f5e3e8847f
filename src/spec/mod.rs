//! The spec: serde structs that mirror the YAML a user writes, and nothing else.
//!
//! Field names follow the YAML exactly (`deny_unknown_fields` everywhere). Policy documents use
//! the AWS JSON grammar verbatim (`Version`, `Statement`, `Effect`, ...), with three lower-case
//! additions a statement may carry: `when`, `allow`. Nothing outside `spec` and `lower` reads
//! these types.

pub mod load;
pub mod scalar;
pub(crate) mod slips;

pub use scalar::{PrincipalSpec, Scalar, StrList};

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The folder a spec's relative `policy_file:` paths are resolved against.
pub(crate) fn spec_dir(path: &Path) -> PathBuf {
    path.parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The JSON Schema of the spec format, as `rolegen schema` prints it.
pub fn schema() -> String {
    let mut schema = schemars::schema_for!(Spec);
    schema.insert("title".into(), "rolegen spec".into());
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

/// A whole spec file: one module.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Module name: `[a-z0-9-]+`, the folder under modules-out/.
    pub module: String,
    /// What the module is for (README and CloudFormation Description).
    #[serde(default)]
    pub description: Option<String>,
    /// Deliberate departures from the vendor document the module implements, each with its
    /// reason and the document it departs from; the module README lists them under
    /// "Deviations from the vendor document". They change no output but the README.
    #[serde(default)]
    pub deviations: Vec<DeviationSpec>,
    /// The resources already exist (an imported account): `rolegen build` also writes
    /// `adopt/` with a root Terraform configuration whose `import` blocks adopt them, and the
    /// CloudFormation resources-to-import file and import template.
    #[serde(default)]
    pub adopt: bool,
    /// Renames that Terraform state follows: `terraform/moved.tf` gets a `moved` block for
    /// each resource of a renamed role, policy or key (and is not written without them).
    #[serde(default)]
    pub moved: MovedSpec,
    /// Rules silenced for the whole module.
    #[serde(default)]
    pub allow: Vec<AllowSpec>,
    /// The escape hatches every role gets (inputs the module's caller may set: extra managed
    /// policy ARNs, permissions boundary, name, path, maximum session duration): `true` (the
    /// default) for all, `false` for none, or a list of `additional_policy_arns`,
    /// `permissions_boundary`, `name`, `path`, `max_session_duration`. A role's own
    /// `hatches:` replaces this.
    #[serde(default)]
    pub hatches: Option<HatchesSpec>,
    /// Which outputs the module emits: per section (`roles`, `policies`, `kms_keys`,
    /// `oidc_providers`) the list of outputs to keep (all by default; `[]` for none), and
    /// `export: false` for a stack that exports nothing (no `ExportPrefix` parameter).
    #[serde(default)]
    pub outputs: Option<OutputsSpec>,
    /// Inputs of the module, read in strings as `${Name}`. A piece of a `string` parameter's
    /// (or a pseudo parameter's) value cut at a delimiter is
    /// `${split("<delimiter>", <Name>)[<index>]}`, the index from 0
    /// (`${split("//", IssuerUrl)[1]}`: an EKS OIDC issuer URL without `https://`):
    /// CloudFormation `Fn::Select` of `Fn::Split`, Terraform `split(...)[index]`. A value with
    /// too few pieces fails both at deploy time; a default, example or allowed value without
    /// the piece is an error.
    #[serde(default)]
    pub parameters: IndexMap<String, ParameterSpec>,
    /// Named conditions over the parameters (`IsProd: {equals: [Env, prod]}`,
    /// `HasBoundary: {not_empty: Boundary}`, `{and: [...]}`, `{or: [...]}`, `{not: X}`); a
    /// `when:` takes a condition's name as it takes a bool parameter's. CloudFormation
    /// `Conditions:` of the same names, Terraform `locals`.
    #[serde(default)]
    pub conditions: IndexMap<String, NamedConditionSpec>,
    /// Lookup tables, keyed by a name of letters and digits (`PartitionMap`): each entry (a
    /// partition such as `aws`/`aws-cn`/`aws-us-gov`, a region, a parameter's value) maps
    /// keys to text. A string reads one value with
    /// `${mappings.<Map>[AWS::Partition].<key>}` (or `[AWS::Region]`, `[<Parameter>]`):
    /// CloudFormation `Mappings` and `Fn::FindInMap`, a Terraform map in `locals` indexed by
    /// the partition, region or variable. Deploying where the map has no entry fails in both
    /// (the stack at `Fn::FindInMap`, the plan at the index).
    #[serde(default)]
    pub mappings: IndexMap<String, IndexMap<String, IndexMap<String, String>>>,
    /// Roles, keyed by a short id (`task`, `eks-pod`).
    #[serde(default)]
    pub roles: IndexMap<String, RoleSpec>,
    /// Customer managed policies created by the module, keyed by id.
    #[serde(default)]
    pub policies: IndexMap<String, ManagedPolicySpec>,
    /// KMS keys with their key policies, keyed by id.
    #[serde(default)]
    pub kms_keys: IndexMap<String, KmsKeySpec>,
    /// IAM OIDC identity providers created by the module, keyed by id; `irsa` and `github`
    /// trust helpers name one with `oidc_provider: <id>`.
    #[serde(default)]
    pub oidc_providers: IndexMap<String, OidcProviderSpec>,
}

/// An IAM OIDC identity provider (`AWS::IAM::OIDCProvider`, `aws_iam_openid_connect_provider`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OidcProviderSpec {
    /// The issuer URL: `https://` and the host and path, no trailing `/`
    /// (`https://token.actions.githubusercontent.com`, `https://${ClusterOidcIssuer}`).
    pub url: String,
    /// The audiences (client ids) the provider accepts; `[sts.amazonaws.com]` by default,
    /// the audience the `irsa` and `github` helpers require.
    #[serde(default)]
    pub audiences: Option<StrList>,
    /// SHA-1 thumbprints (40 hex digits, at most 5) of the issuer's certificate; without
    /// them IAM trusts the issuer's certificate authority.
    #[serde(default)]
    pub thumbprints: Vec<String>,
    /// Create the provider only where the switch is on (a bool parameter or a condition,
    /// `not X` negated): where it is off the account has the provider already. Either way
    /// `${oidc_providers.<key>.arn}` and the helpers name the ARN IAM gives a provider of
    /// that URL in the account.
    #[serde(default)]
    pub when: Option<String>,
}

/// A deliberate departure of the module from the document it implements.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviationSpec {
    /// What the module does differently from the document.
    pub what: String,
    /// Why it departs.
    pub why: String,
    /// The document (and section) it departs from.
    pub source: String,
}

/// The module's `outputs:` selection.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutputsSpec {
    /// A role's outputs to keep: `arn`, `name`, `unique_id`, `path`, and with an instance
    /// profile `instance_profile_arn`, `instance_profile_name`. All when absent.
    #[serde(default)]
    pub roles: Option<Vec<String>>,
    /// A managed policy's outputs to keep: `arn`. All when absent.
    #[serde(default)]
    pub policies: Option<Vec<String>>,
    /// A KMS key's outputs to keep: `arn`, `id`. All when absent.
    #[serde(default)]
    pub kms_keys: Option<Vec<String>>,
    /// An OIDC provider's outputs to keep: `arn`. All when absent.
    #[serde(default)]
    pub oidc_providers: Option<Vec<String>>,
    /// Whether the CloudFormation stack exports its outputs (`<ExportPrefix>-<output>`);
    /// `true` by default.
    #[serde(default)]
    pub export: Option<bool>,
}

/// `hatches: true`, `hatches: false` or `hatches: [name, path, ...]`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum HatchesSpec {
    /// All of them (`true`) or none (`false`).
    All(bool),
    /// These: `additional_policy_arns`, `permissions_boundary`, `name`, `path`,
    /// `max_session_duration`.
    Some(Vec<String>),
}

/// A whole number (of days, of seconds): literal, or `${Param}` of a number parameter.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum NumberSpec {
    /// `30`, `3600`
    Value(u32),
    /// `${Window}`, `${MaxSession}`
    Param(String),
}

/// A condition: the name of a bool parameter or of another condition (`not X` for the
/// opposite), or a test.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum NamedConditionSpec {
    /// `Flag`, `not Flag`, `IsProd`, `not IsProd`.
    Name(String),
    /// `{equals: [Param, value]}`, `{not_empty: Param}`, `{and: [...]}`, `{or: [...]}`,
    /// `{not: X}`.
    Test(Box<NamedConditionTestSpec>),
}

/// One test of a condition: exactly one of its fields.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NamedConditionTestSpec {
    /// `[Param, value]`: a string parameter equals this text.
    #[serde(default)]
    pub equals: Option<StrList>,
    /// A string parameter is not `""`, or a list parameter has an item.
    #[serde(default)]
    pub not_empty: Option<String>,
    /// Every one of these conditions holds (at least two).
    #[serde(default)]
    pub and: Option<Vec<NamedConditionSpec>>,
    /// At least one of these conditions holds (at least two).
    #[serde(default)]
    pub or: Option<Vec<NamedConditionSpec>>,
    /// This condition does not hold.
    #[serde(default)]
    pub not: Option<NamedConditionSpec>,
}

/// One entry of an `allow:` list: a code, or a code with the reason it is allowed.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AllowSpec {
    /// `RG123`
    Code(String),
    /// `{code: RG123, reason: "..."}`
    WithReason {
        /// The rule code.
        code: String,
        /// Why the finding is accepted.
        reason: String,
    },
}

impl AllowSpec {
    /// The code this entry allows.
    pub fn code(&self) -> &str {
        match self {
            AllowSpec::Code(c) | AllowSpec::WithReason { code: c, .. } => c,
        }
    }
    /// The reason, if given.
    pub fn reason(&self) -> Option<&str> {
        match self {
            AllowSpec::Code(_) => None,
            AllowSpec::WithReason { reason, .. } => Some(reason),
        }
    }
}

/// The type of a parameter.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ParamKindSpec {
    /// One string.
    String,
    /// A list of strings (CloudFormation `CommaDelimitedList`).
    List,
    /// A number.
    Number,
    /// `true` or `false`; switches parts on and off with `when:`.
    Bool,
}

/// A module input.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParameterSpec {
    /// Its type.
    #[serde(rename = "type")]
    pub kind: ParamKindSpec,
    /// Default value; without one, the parameter is required.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub default: Option<serde_yaml_ng::Value>,
    /// What it is for.
    #[serde(default)]
    pub description: Option<String>,
    /// A short human label for the CloudFormation console (`AWS::CloudFormation::Interface`).
    #[serde(default)]
    pub label: Option<String>,
    /// The console group this parameter is shown in (`AWS::CloudFormation::Interface`);
    /// parameters without one are shown under "Parameters".
    #[serde(default)]
    pub group: Option<String>,
    /// A regular expression every value must match (whole value; strings and list items),
    /// in the syntax Terraform (Go RE2) and CloudFormation (Java) read alike.
    #[serde(default)]
    pub pattern: Option<String>,
    /// Fewest characters a `string` value may have (Terraform `length()` validation,
    /// CloudFormation `MinLength`).
    #[serde(default)]
    pub min_length: Option<u32>,
    /// Most characters a `string` value may have (Terraform `length()` validation,
    /// CloudFormation `MaxLength`).
    #[serde(default)]
    pub max_length: Option<u32>,
    /// Smallest value of a `number` parameter (Terraform validation, CloudFormation `MinValue`).
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub min_value: Option<serde_yaml_ng::Value>,
    /// Largest value of a `number` parameter (Terraform validation, CloudFormation `MaxValue`).
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub max_value: Option<serde_yaml_ng::Value>,
    /// The only values a `string` or `number` parameter (or each item of a `list`) may take
    /// (Terraform `contains()` validation, CloudFormation `AllowedValues`).
    #[serde(default)]
    #[schemars(with = "Option<Vec<serde_json::Value>>")]
    pub allowed_values: Option<Vec<serde_yaml_ng::Value>>,
    /// An example value: the module's examples (`<module>.params.json`,
    /// `examples/terraform/main.tf`, the README's usage) set it, with or without a default
    /// (give one where the default suits only another mode).
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub example: Option<serde_yaml_ng::Value>,
    /// The value is a secret (an external id, a token): Terraform marks the variable
    /// `sensitive`, CloudFormation the parameter `NoEcho`, so neither prints it.
    #[serde(default)]
    pub secret: bool,
}

/// Renames of a module that Terraform state follows (`moved` blocks). CloudFormation has no
/// such thing: a renamed logical id is a new resource there.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MovedSpec {
    /// Earlier role key → the role's key now (`app-task: task`): the role, its inline
    /// policies, attachments and instance profile keep their state.
    #[serde(default)]
    pub roles: IndexMap<String, String>,
    /// Earlier key → key now of customer managed policies under `policies:`.
    #[serde(default)]
    pub policies: IndexMap<String, String>,
    /// Earlier key → key now of KMS keys (the key and its alias).
    #[serde(default)]
    pub kms_keys: IndexMap<String, String>,
    /// The module was applied with rolegen output from before the `create` toggle, which
    /// left unswitched resources without an index: move their state to the `[0]` instances.
    #[serde(default)]
    pub from_unindexed: bool,
}

/// A role.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleSpec {
    /// Role name (may hold placeholders).
    #[serde(default)]
    pub name: Option<String>,
    /// Role name prefix; the rest is generated. Exclusive with `name`, but for a name that
    /// may be nothing (`${RoleName}`, empty by default): the name, else this prefix
    /// (Terraform; CloudFormation generates the name), else a generated name.
    #[serde(default)]
    pub name_prefix: Option<String>,
    /// IAM path, `/` by default. `${Param}` of a string parameter whose default (or example)
    /// is `""` is a value or nothing: empty, the path is `/`.
    #[serde(default)]
    pub path: Option<String>,
    /// Role description, at most 1,000 characters of tab, newline and Latin-1 text (may hold
    /// placeholders).
    #[serde(default)]
    pub description: Option<String>,
    /// Deliberate departures of this role from the vendor document (see the module's
    /// `deviations:`); the README lists them with the role.
    #[serde(default)]
    pub deviations: Vec<DeviationSpec>,
    /// Maximum session duration in seconds (3600–43200), or `${Param}` of a number parameter
    /// (CloudFormation `!Ref`, Terraform `var.`; give it `min_value: 3600, max_value: 43200`).
    #[serde(default)]
    pub max_session_duration: Option<NumberSpec>,
    /// Permissions boundary policy ARN. `${Param}` of a string parameter whose default (or
    /// example) is `""` is a value or nothing: empty, the role has no boundary.
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: IndexMap<String, String>,
    /// A bool parameter or named condition that switches the role on (`Flag`) or off
    /// (`not Flag`).
    #[serde(default)]
    pub when: Option<String>,
    /// Rules silenced for this role.
    #[serde(default)]
    pub allow: Vec<AllowSpec>,
    /// This role's escape hatches, replacing the module's `hatches:` (see there).
    #[serde(default)]
    pub hatches: Option<HatchesSpec>,
    /// Create an instance profile for the role.
    #[serde(default)]
    pub instance_profile: Option<InstanceProfileSpec>,
    /// Who may assume the role: a list of trust helpers.
    #[serde(default)]
    pub trust: Vec<TrustSpec>,
    /// The trust policy written out in the AWS grammar (instead of `trust`).
    #[serde(default)]
    pub trust_document: Option<PolicyDocumentSpec>,
    /// `Version` of the trust policy built from `trust` helpers (`2012-10-17` by default).
    #[serde(default)]
    pub trust_version: Option<String>,
    /// Managed policies attached to the role.
    #[serde(default)]
    pub managed_policies: Vec<AttachmentSpec>,
    /// Inline policies, keyed by policy name (placeholders allowed: `${AWS::StackName}-access`).
    #[serde(default)]
    pub inline_policies: IndexMap<String, PolicyDocumentSpec>,
}

/// `instance_profile: true` or `{name: ..., path: ...}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum InstanceProfileSpec {
    /// `true` creates one named like the role; `false` none.
    Enabled(bool),
    /// An instance profile with its own name or path.
    Named {
        /// Instance profile name.
        #[serde(default)]
        name: Option<String>,
        /// Instance profile path.
        #[serde(default)]
        path: Option<String>,
        /// A bool parameter or named condition that switches the instance profile on (`Flag`) or off (`not Flag`)
        /// with the role on (an EC2 mode of a role that other modes share).
        #[serde(default)]
        when: Option<String>,
    },
}

/// One trust helper: exactly one of `service`, `account`, `irsa`, `pod_identity`, `github`,
/// `saml`, `statement`.
#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustSpec {
    /// AWS service principals (`ecs-tasks.amazonaws.com`).
    #[serde(default)]
    pub service: Option<StrList>,
    /// AWS account ids or principal ARNs allowed to assume the role.
    #[serde(default)]
    pub account: Option<StrList>,
    /// With `account`: the `sts:ExternalId` the caller must pass.
    #[serde(default)]
    pub external_id: Option<String>,
    /// With `service`: add `aws:SourceAccount = ${AWS::AccountId}`.
    #[serde(default)]
    pub source_account: Option<bool>,
    /// IAM Roles for Service Accounts (EKS OIDC).
    #[serde(default)]
    pub irsa: Option<IrsaSpec>,
    /// EKS Pod Identity (`pods.eks.amazonaws.com`).
    #[serde(default)]
    pub pod_identity: Option<bool>,
    /// GitHub Actions OIDC.
    #[serde(default)]
    pub github: Option<GithubSpec>,
    /// SAML federation: the SAML provider ARN.
    #[serde(default)]
    pub saml: Option<String>,
    /// With `saml`: the sign-in endpoints accepted as `SAML:aud` (a regional one such as
    /// `https://us-east-1.signin.aws.amazon.com/saml`); default: the global endpoint of every
    /// partition (`aws`, `aws-us-gov`, `aws-cn`), so the role works wherever it is deployed.
    #[serde(default)]
    pub saml_audience: Option<StrList>,
    /// A raw trust statement in the AWS grammar.
    #[serde(default)]
    pub statement: Option<Box<StatementSpec>>,
    /// Extra conditions added to the helper's statement (AWS grammar).
    #[serde(default, rename = "conditions")]
    pub conditions: Option<ConditionSpec>,
    /// Switch for this trust entry.
    #[serde(default)]
    pub when: Option<String>,
    /// Rules silenced for this statement.
    #[serde(default)]
    pub allow: Vec<AllowSpec>,
    /// Deliberate departures of this trust entry from the vendor document (see the module's
    /// `deviations:`); the README lists them under the role's trust.
    #[serde(default)]
    pub deviations: Vec<DeviationSpec>,
}

/// IRSA: the cluster's OIDC provider and the service accounts that may assume the role.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IrsaSpec {
    /// The OIDC issuer's host and path, without `https://` (`oidc.eks.us-east-1.amazonaws.com/id/ABC`),
    /// usually `${OidcProvider}`; a scheme, a trailing `/` or the provider's ARN is an error (RG016).
    /// The provider must exist in the account. Exclusive with `oidc_provider`.
    #[serde(default)]
    pub provider: Option<String>,
    /// The key of a provider under `oidc_providers:` that the module creates (instead of `provider`).
    #[serde(default)]
    pub oidc_provider: Option<String>,
    /// Kubernetes namespace.
    pub namespace: String,
    /// Service account name(s); `*` and `?` make the match `StringLike`.
    pub service_account: StrList,
}

/// GitHub Actions OIDC trust.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GithubSpec {
    /// `owner/repo` (or `owner/*`); not a URL (RG014). A wildcard in the owner lets every
    /// repository on GitHub in (RG310).
    pub repo: String,
    /// Subject suffixes after `repo:owner/repo:` (`ref:refs/heads/main`, `environment:prod`,
    /// `pull_request`); `*` if absent (any ref: RG312). A bare `main` is an error (RG015).
    #[serde(default)]
    pub subjects: Option<StrList>,
    /// The key of the provider under `oidc_providers:` (its URL
    /// `https://token.actions.githubusercontent.com`) that the module creates; without it the
    /// provider must exist in the account.
    #[serde(default)]
    pub oidc_provider: Option<String>,
}

/// A managed policy attachment: exactly one of `aws`, `policy`, `arn`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentSpec {
    /// AWS managed policy by name, with its path if it has one (`service-role/AmazonECSTaskExecutionRolePolicy`).
    #[serde(default)]
    pub aws: Option<String>,
    /// A customer managed policy of this module, by id.
    #[serde(default)]
    pub policy: Option<String>,
    /// Any policy ARN; `${List}` (a list parameter) attaches every ARN it holds, none when empty.
    #[serde(default)]
    pub arn: Option<String>,
    /// Switch.
    #[serde(default)]
    pub when: Option<String>,
    /// Rules silenced for this attachment.
    #[serde(default)]
    pub allow: Vec<AllowSpec>,
}

/// A policy document in the AWS grammar, or a `policy_file:`; with rolegen's `when`/`allow`.
#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocumentSpec {
    /// Switch for the whole policy.
    #[serde(default)]
    pub when: Option<String>,
    /// Rules silenced for this policy.
    #[serde(default)]
    pub allow: Vec<AllowSpec>,
    /// Deliberate departures of this policy from the vendor document (see the module's
    /// `deviations:`); the README lists them with the policy.
    #[serde(default)]
    pub deviations: Vec<DeviationSpec>,
    /// `2012-10-17` (default) or `2008-10-17`.
    #[serde(rename = "Version", default)]
    pub version: Option<String>,
    /// Policy id.
    #[serde(rename = "Id", default)]
    pub id: Option<String>,
    /// Statements.
    #[serde(rename = "Statement", default)]
    pub statement: Option<OneOrMany<StatementSpec>>,
    /// A JSON policy document beside the spec, instead of `Statement`.
    #[serde(default)]
    pub policy_file: Option<String>,
}

/// The keys of a policy statement in the order AWS writes them (and rolegen's importers and
/// `rolegen fmt` put them).
pub(crate) const STATEMENT_KEYS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// Condition block: operator → key → values.
pub(crate) type ConditionSpec = IndexMap<String, IndexMap<String, StrList>>;

/// One statement, AWS grammar.
#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementSpec {
    /// Statement id.
    #[serde(rename = "Sid", default)]
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    #[serde(rename = "Effect", default)]
    pub effect: Option<String>,
    /// Actions.
    #[serde(rename = "Action", default)]
    pub action: Option<StrList>,
    /// Actions excluded.
    #[serde(rename = "NotAction", default)]
    pub not_action: Option<StrList>,
    /// Resources.
    #[serde(rename = "Resource", default)]
    pub resource: Option<StrList>,
    /// Resources excluded.
    #[serde(rename = "NotResource", default)]
    pub not_resource: Option<StrList>,
    /// Principal (trust and resource policies).
    #[serde(rename = "Principal", default)]
    pub principal: Option<PrincipalSpec>,
    /// Principal excluded.
    #[serde(rename = "NotPrincipal", default)]
    pub not_principal: Option<PrincipalSpec>,
    /// Conditions.
    #[serde(rename = "Condition", default)]
    pub condition: Option<ConditionSpec>,
    /// Switch for this statement.
    #[serde(default)]
    pub when: Option<String>,
    /// Rules silenced for this statement.
    #[serde(default)]
    pub allow: Vec<AllowSpec>,
    /// Deliberate departures of this statement from the vendor document (see the module's
    /// `deviations:`); the README lists them with the policy, naming the statement.
    #[serde(default)]
    pub deviations: Vec<DeviationSpec>,
}

/// A customer managed policy created by the module.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagedPolicySpec {
    /// Policy name (may hold placeholders).
    #[serde(default)]
    pub name: Option<String>,
    /// Policy name prefix; the rest is generated (Terraform `name_prefix`; CloudFormation
    /// generates the whole name). Exclusive with `name`; with neither, the name is generated.
    #[serde(default)]
    pub name_prefix: Option<String>,
    /// IAM path.
    #[serde(default)]
    pub path: Option<String>,
    /// Description, at most 1,000 characters (may hold placeholders). IAM cannot change a
    /// policy's description: a new value (a parameter it uses set otherwise) replaces the
    /// policy.
    #[serde(default)]
    pub description: Option<String>,
    /// The document.
    pub document: PolicyDocumentSpec,
}

/// A KMS key with its key policy.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KmsKeySpec {
    /// Key description.
    #[serde(default)]
    pub description: Option<String>,
    /// Alias, with or without the `alias/` prefix; may hold placeholders
    /// (`data-platform-${Environment}`). Any string of the module names the key's ARN as
    /// `${kms_keys.<id>.arn}` (not a key policy, and not of a key switched by `when:`).
    #[serde(default)]
    pub alias: Option<String>,
    /// Yearly automatic rotation (default on).
    #[serde(default)]
    pub rotation: Option<bool>,
    /// Days KMS waits before deleting the key once its deletion is scheduled, 7 to 30 (AWS's
    /// default 30 when absent), or `${Param}` of a number parameter: CloudFormation
    /// `PendingWindowInDays`, Terraform `deletion_window_in_days`.
    #[serde(default)]
    pub deletion_window: Option<NumberSpec>,
    /// Switch.
    #[serde(default)]
    pub when: Option<String>,
    /// The key policy (a resource policy: statements name principals).
    pub policy: PolicyDocumentSpec,
}

/// One value or a list of them (the AWS grammar allows both almost everywhere).
#[derive(Debug)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("one statement (a mapping) or a list of them")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(OneOrMany(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                a: A,
            ) -> Result<Self::Value, A::Error> {
                let one = T::deserialize(serde::de::value::MapAccessDeserializer::new(a))?;
                Ok(OneOrMany(vec![one]))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl<T: JsonSchema> JsonSchema for OneOrMany<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("OneOrMany_{}", T::schema_name()).into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let one = g.subschema_for::<T>();
        schemars::json_schema!({"anyOf": [one, {"type": "array", "items": one}]})
    }
}
