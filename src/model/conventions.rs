//! What every generated module has beside the spec's own content, which both backends emit
//! and lowering and validation must know: the Terraform variables and the CloudFormation
//! parameter of every module (spec parameters cannot take their names), and the stack's
//! outputs (the Outputs section, the export-name bound and the quota check read one list).
//! Facts of the model's conventions, so `lower` and `validate` need not reach a backend.

use super::{Hatch, Module, Role, Switch};

/// The variables every module has, beside the spec's parameters: `(name, type, default,
/// description)`. Spec parameters cannot take these names (lowering reports them).
pub const CONVENTION_VARIABLES: [(&str, &str, &str, &str); 2] = [
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

/// The parameter every stack has: the prefix of its output export names (`<prefix>-TaskArn`);
/// empty, the default, uses the stack name. Spec parameters cannot take this name.
pub const EXPORT_PREFIX: &str = "ExportPrefix";

/// Where an output's value comes from.
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

/// One kind of output: name suffix (after the resource's logical id), suffix of the resource
/// it reads, where its value comes from, and its description (`{}`: the spec key).
pub type OutputKind = (&'static str, &'static str, OutputValue, &'static str);

/// Number of a role's outputs without an instance profile (the first of [`ROLE_OUTPUTS`]).
const ROLE_OUTPUTS_PLAIN: usize = 4;

/// A role's outputs; the last two only when it has an instance profile. The order of the
/// first two and their names are those of earlier modules (stacks importing them keep working).
const ROLE_OUTPUTS: [OutputKind; 6] = [
    ("Arn", "", OutputValue::GetAtt("Arn"), "ARN of the {} role."),
    ("Name", "", OutputValue::Ref, "Name of the {} role."),
    (
        "RoleId",
        "",
        OutputValue::GetAtt("RoleId"),
        "Stable unique id of the {} role.",
    ),
    ("Path", "", OutputValue::RolePath, "Path of the {} role."),
    (
        "InstanceProfileArn",
        "InstanceProfile",
        OutputValue::GetAtt("Arn"),
        "ARN of the {} instance profile.",
    ),
    (
        "InstanceProfileName",
        "InstanceProfile",
        OutputValue::Ref,
        "Name of the {} instance profile.",
    ),
];
const POLICY_OUTPUTS: [OutputKind; 1] = [(
    "PolicyArn",
    "",
    OutputValue::Ref,
    "ARN of the {} managed policy.",
)];
const OIDC_PROVIDER_OUTPUTS: [OutputKind; 1] = [(
    "Arn",
    "",
    OutputValue::GetAtt("Arn"),
    "ARN of the {} OIDC provider.",
)];
const KEY_OUTPUTS: [OutputKind; 2] = [
    (
        "KeyArn",
        "",
        OutputValue::GetAtt("Arn"),
        "ARN of the {} KMS key.",
    ),
    ("KeyId", "", OutputValue::Ref, "Id of the {} KMS key."),
];

/// No switch.
const UNSWITCHED: &Option<Switch> = &None;

/// The stack's outputs, resource by resource in output order: the resource's logical id, its
/// spec key, its kinds of output and its switches (a role's, and an instance profile's own).
/// The Outputs section, the export-name bound and the quota check all read this one list.
pub fn output_groups(
    m: &Module,
) -> impl Iterator<Item = (String, &str, &'static [OutputKind], [&Option<Switch>; 2])> {
    let roles = m.roles.values().flat_map(|r| {
        let role: &'static [OutputKind] = &ROLE_OUTPUTS[..ROLE_OUTPUTS_PLAIN];
        let profile = r.instance_profile.as_ref().map(|ip| {
            let kinds: &'static [OutputKind] = &ROLE_OUTPUTS[ROLE_OUTPUTS_PLAIN..];
            (r.id.pascal(), r.id.as_str(), kinds, [&r.when, &ip.when])
        });
        std::iter::once((r.id.pascal(), r.id.as_str(), role, [&r.when, UNSWITCHED])).chain(profile)
    });
    let policies = m.policies.values().map(|p| {
        let kinds: &'static [OutputKind] = &POLICY_OUTPUTS;
        (p.id.pascal(), p.id.as_str(), kinds, [&p.when, UNSWITCHED])
    });
    let keys = m.kms_keys.values().map(|k| {
        let kinds: &'static [OutputKind] = &KEY_OUTPUTS;
        (k.id.pascal(), k.id.as_str(), kinds, [&k.when, UNSWITCHED])
    });
    let providers = m.oidc_providers.values().map(|o| {
        let kinds: &'static [OutputKind] = &OIDC_PROVIDER_OUTPUTS;
        (
            o.id.logical_id(),
            o.id.as_str(),
            kinds,
            [UNSWITCHED, UNSWITCHED],
        )
    });
    roles.chain(policies).chain(keys).chain(providers)
}

/// The length of the longest output name the stack exports (outputs of unswitched
/// resources), or `None` when it exports nothing.
pub fn longest_export(m: &Module) -> Option<usize> {
    output_groups(m)
        .filter(|(_, _, _, [a, b])| a.is_none() && b.is_none())
        .flat_map(|(id, _, kinds, _)| kinds.iter().map(move |k| id.len() + k.0.len()))
        .max()
}

/// Every role's escape-hatch parameters (CloudFormation), role by role: the role, the hatch,
/// the parameter name. The stack's Parameters and the quota check read this one list.
pub fn hatch_params(m: &Module) -> impl Iterator<Item = (&Role, Hatch, String)> {
    m.roles
        .values()
        .flat_map(|r| r.hatches.iter().map(move |&h| (r, h, h.cfn_param(&r.id))))
}
