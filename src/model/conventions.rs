//! What every generated module has beside the spec's own content, which both backends emit
//! and lowering and validation must know: the Terraform variables and the CloudFormation
//! parameter of every module (spec parameters cannot take their names), and the stack's
//! outputs (the Outputs section, the export-name bound and the quota check read one list).
//! Facts of the model's conventions, so `lower` and `validate` need not reach a backend.

use super::{Hatch, Module, Role, Switch};

/// The variables every module has, beside the spec's parameters: `(name, type, default,
/// description)`. Spec parameters cannot take these names (lowering reports them).
pub(crate) const CONVENTION_VARIABLES: [(&str, &str, &str, &str); 2] = [
    (
        "create",
        "bool",
        "true",
        "Whether to create the module's resources; false creates nothing.",
    ),
    (
        "tags",
        "map(string)",
        "{}",
        "Tags added to every taggable resource (roles, managed policies, instance profiles, KMS keys); a role's own tags win.",
    ),
];

/// The Terraform variable standing for CloudFormation's `${AWS::StackName}`, declared when
/// the module uses it (required: it has no default). Spec parameters cannot take its name in
/// such a module (validation reports it).
pub(crate) const STACK_NAME_VARIABLE: &str = "stack_name";

/// The longest CloudFormation stack name.
pub(crate) const STACK_NAME_MAX: usize = 128;

/// What CloudFormation accepts as a stack name (its documented pattern), as a regex.
pub(crate) const STACK_NAME_PATTERN: &str = "^[A-Za-z][-A-Za-z0-9]*$";

/// A stack name for the values a module is checked and documented with.
pub const SAMPLE_STACK_NAME: &str = "example-stack";

/// The parameter every stack has: the prefix of its output export names (`<prefix>-TaskArn`);
/// empty, the default, uses the stack name. Spec parameters cannot take this name.
pub(crate) const EXPORT_PREFIX: &str = "ExportPrefix";

/// Where an output's value comes from in CloudFormation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputValue {
    /// `!GetAtt <resource>.<attribute>`.
    GetAtt(&'static str),
    /// `!Ref <resource>`.
    Ref,
    /// The role's path as the spec sets it (`/` without one): CloudFormation has no
    /// `GetAtt` for it.
    RolePath,
}

/// The resource an output reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputOwner {
    /// A role.
    Role,
    /// A role's instance profile.
    InstanceProfile,
    /// A customer managed policy.
    Policy,
    /// A KMS key.
    KmsKey,
    /// An OIDC identity provider.
    OidcProvider,
}

impl OutputOwner {
    /// The section of the spec's `outputs:` that selects this resource's outputs (an
    /// instance profile's are its role's).
    pub fn section(self) -> &'static str {
        match self {
            OutputOwner::Role | OutputOwner::InstanceProfile => "roles",
            OutputOwner::Policy => "policies",
            OutputOwner::KmsKey => "kms_keys",
            OutputOwner::OidcProvider => "oidc_providers",
        }
    }

    /// The Terraform resource type.
    pub(crate) fn tf_type(self) -> &'static str {
        match self {
            OutputOwner::Role => "aws_iam_role",
            OutputOwner::InstanceProfile => "aws_iam_instance_profile",
            OutputOwner::Policy => "aws_iam_policy",
            OutputOwner::KmsKey => "aws_kms_key",
            OutputOwner::OidcProvider => "aws_iam_openid_connect_provider",
        }
    }
}

/// One kind of output, in both backends and the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputKind {
    /// The resource it reads.
    pub owner: OutputOwner,
    /// Its name in the spec's `outputs:` list of its section (`arn`, `unique_id`).
    pub key: &'static str,
    /// The Terraform output is `<resource>_<tf_suffix>`...
    pub tf_suffix: &'static str,
    /// ...with the value of this attribute.
    pub tf_attr: &'static str,
    /// The CloudFormation output is `<logical id><cfn_suffix>`...
    pub cfn_suffix: &'static str,
    /// ...reading the resource `<logical id><cfn_resource>`...
    pub cfn_resource: &'static str,
    /// ...this way.
    pub value: OutputValue,
    /// Its description, `{}` standing for the spec key.
    pub what: &'static str,
}

const fn kind(
    owner: OutputOwner,
    key: &'static str,
    (tf_suffix, tf_attr): (&'static str, &'static str),
    (cfn_suffix, cfn_resource, value): (&'static str, &'static str, OutputValue),
    what: &'static str,
) -> OutputKind {
    OutputKind {
        owner,
        key,
        tf_suffix,
        tf_attr,
        cfn_suffix,
        cfn_resource,
        value,
        what,
    }
}

/// Every kind of output, resource kind by resource kind. The order and names of a role's
/// first two are those of earlier modules (stacks importing them keep working).
pub const OUTPUT_KINDS: [OutputKind; 10] = {
    use OutputOwner::*;
    use OutputValue::*;
    [
        kind(
            Role,
            "arn",
            ("arn", "arn"),
            ("Arn", "", GetAtt("Arn")),
            "ARN of the {} role.",
        ),
        kind(
            Role,
            "name",
            ("name", "name"),
            ("Name", "", Ref),
            "Name of the {} role.",
        ),
        kind(
            Role,
            "unique_id",
            ("unique_id", "unique_id"),
            ("RoleId", "", GetAtt("RoleId")),
            "Stable unique id of the {} role.",
        ),
        kind(
            Role,
            "path",
            ("path", "path"),
            ("Path", "", RolePath),
            "Path of the {} role.",
        ),
        kind(
            InstanceProfile,
            "instance_profile_arn",
            ("instance_profile_arn", "arn"),
            ("InstanceProfileArn", "InstanceProfile", GetAtt("Arn")),
            "ARN of the {} instance profile.",
        ),
        kind(
            InstanceProfile,
            "instance_profile_name",
            ("instance_profile_name", "name"),
            ("InstanceProfileName", "InstanceProfile", Ref),
            "Name of the {} instance profile.",
        ),
        kind(
            Policy,
            "arn",
            ("policy_arn", "arn"),
            ("PolicyArn", "", Ref),
            "ARN of the {} managed policy.",
        ),
        kind(
            KmsKey,
            "arn",
            ("key_arn", "arn"),
            ("KeyArn", "", GetAtt("Arn")),
            "ARN of the {} KMS key.",
        ),
        kind(
            KmsKey,
            "id",
            ("key_id", "key_id"),
            ("KeyId", "", Ref),
            "Id of the {} KMS key.",
        ),
        kind(
            OidcProvider,
            "arn",
            ("oidc_provider_arn", "arn"),
            ("Arn", "", GetAtt("Arn")),
            "ARN of the {} OIDC provider.",
        ),
    ]
};

/// The outputs a module emits (`outputs:` in the spec): every kind unless the spec leaves
/// some out, and CloudFormation export names unless `export: false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputSelection {
    /// Bit `i` set: [`OUTPUT_KINDS`]`[i]` is left out.
    pub off: u16,
    /// Whether the stack exports its outputs (and has the `ExportPrefix` parameter).
    pub export: bool,
}

impl Default for OutputSelection {
    fn default() -> Self {
        OutputSelection {
            off: 0,
            export: true,
        }
    }
}

impl OutputSelection {
    /// Whether the module emits [`OUTPUT_KINDS`]`[i]`.
    pub fn keeps(&self, i: usize) -> bool {
        self.off & (1 << i) == 0
    }
}

/// The outputs of one resource.
pub(crate) struct OutputGroup<'m> {
    /// The resource's CloudFormation logical id.
    pub logical_id: String,
    /// Its Terraform resource name.
    pub tf_name: String,
    /// Its spec key.
    pub key: &'m str,
    /// Which resource it is.
    pub owner: OutputOwner,
    /// Its switches (a role's, and an instance profile's own).
    pub when: [&'m Option<Switch>; 2],
    selection: OutputSelection,
}

impl<'m> OutputGroup<'m> {
    /// Its outputs the module emits, in output order.
    pub fn kinds(&self) -> impl Iterator<Item = &'static OutputKind> + '_ {
        OUTPUT_KINDS
            .iter()
            .enumerate()
            .filter(|(i, k)| k.owner == self.owner && self.selection.keeps(*i))
            .map(|(_, k)| k)
    }

    fn new(
        m: &'m Module,
        owner: OutputOwner,
        (logical_id, tf_name, key): (String, String, &'m str),
        when: [&'m Option<Switch>; 2],
    ) -> Self {
        OutputGroup {
            logical_id,
            tf_name,
            key,
            owner,
            when,
            selection: m.outputs,
        }
    }
}

/// No switch.
const UNSWITCHED: &Option<Switch> = &None;

/// The module's outputs, resource by resource in output order (roles with their instance
/// profiles, managed policies, KMS keys, OIDC providers). Both backends' outputs, the README,
/// the export-name bound and the quota check all read this one list.
pub(crate) fn output_groups(m: &Module) -> impl Iterator<Item = OutputGroup<'_>> {
    use OutputOwner::*;
    let roles = m.roles.values().flat_map(move |r| {
        let ids = || (r.id.pascal(), r.id.snake(), r.id.as_str());
        let profile = r
            .instance_profile
            .as_ref()
            .map(|ip| OutputGroup::new(m, InstanceProfile, ids(), [&r.when, &ip.when]));
        std::iter::once(OutputGroup::new(m, Role, ids(), [&r.when, UNSWITCHED])).chain(profile)
    });
    let policies = m.policies.values().map(move |p| {
        let ids = (p.id.pascal(), p.id.snake(), p.id.as_str());
        OutputGroup::new(m, Policy, ids, [&p.when, UNSWITCHED])
    });
    let keys = m.kms_keys.values().map(move |k| {
        let ids = (k.id.pascal(), k.id.snake(), k.id.as_str());
        OutputGroup::new(m, KmsKey, ids, [&k.when, UNSWITCHED])
    });
    let providers = m.oidc_providers.values().map(move |o| {
        let ids = (o.id.logical_id(), o.id.snake(), o.id.as_str());
        OutputGroup::new(m, OidcProvider, ids, [&o.when, UNSWITCHED])
    });
    roles.chain(policies).chain(keys).chain(providers)
}

/// The length of the longest output name the stack exports (outputs of unswitched
/// resources), or `None` when it exports nothing (or the spec says `export: false`).
pub fn longest_export(m: &Module) -> Option<usize> {
    if !m.outputs.export {
        return None;
    }
    output_groups(m)
        .filter(|g| g.when.iter().all(|w| w.is_none()))
        .filter_map(|g| {
            g.kinds()
                .map(|k| g.logical_id.len() + k.cfn_suffix.len())
                .max()
        })
        .max()
}

/// Every role's escape-hatch parameters (CloudFormation), role by role: the role, the hatch,
/// the parameter name. The stack's Parameters and the quota check read this one list.
pub(crate) fn hatch_params(m: &Module) -> impl Iterator<Item = (&Role, Hatch, String)> {
    m.roles
        .values()
        .flat_map(|r| r.hatches.iter().map(move |&h| (r, h, h.cfn_param(&r.id))))
}
