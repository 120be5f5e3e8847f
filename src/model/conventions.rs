//! What every generated module has beside the spec's own content, which both backends emit
//! and lowering and validation must know: the Terraform variables and the CloudFormation
//! parameter of every module (spec parameters cannot take their names), and the stack's
//! outputs (the Outputs section, the export-name bound and the quota check read one list).
//! Facts of the model's conventions, so `lower` and `validate` need not reach a backend.

use super::{Module, Switch};

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

/// One kind of output: name suffix (after the resource's logical id), suffix of the resource
/// it reads, the `!GetAtt` attribute (`None`: `!Ref`), and its description (`{}`: the spec key).
pub type OutputKind = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
);

/// A role's outputs; the last two only when it has an instance profile.
const ROLE_OUTPUTS: [OutputKind; 4] = [
    ("Arn", "", Some("Arn"), "ARN of the {} role."),
    ("Name", "", None, "Name of the {} role."),
    (
        "InstanceProfileArn",
        "InstanceProfile",
        Some("Arn"),
        "ARN of the {} instance profile.",
    ),
    (
        "InstanceProfileName",
        "InstanceProfile",
        None,
        "Name of the {} instance profile.",
    ),
];
const POLICY_OUTPUTS: [OutputKind; 1] = [("PolicyArn", "", None, "ARN of the {} managed policy.")];
const KEY_OUTPUTS: [OutputKind; 2] = [
    ("KeyArn", "", Some("Arn"), "ARN of the {} KMS key."),
    ("KeyId", "", None, "Id of the {} KMS key."),
];

/// The stack's outputs, resource by resource in output order: the resource's logical id, its
/// spec key, its kinds of output and its switch. The Outputs section, the export-name bound
/// and the quota check all read this one list.
pub fn output_groups(
    m: &Module,
) -> impl Iterator<Item = (String, &str, &'static [OutputKind], &Option<Switch>)> {
    let roles = m.roles.values().map(|r| {
        let kinds: &'static [OutputKind] = if r.instance_profile.is_some() {
            &ROLE_OUTPUTS
        } else {
            &ROLE_OUTPUTS[..2]
        };
        (r.id.pascal(), r.id.as_str(), kinds, &r.when)
    });
    let policies = m.policies.values().map(|p| {
        let kinds: &'static [OutputKind] = &POLICY_OUTPUTS;
        (p.id.pascal(), p.id.as_str(), kinds, &p.when)
    });
    let keys = m.kms_keys.values().map(|k| {
        let kinds: &'static [OutputKind] = &KEY_OUTPUTS;
        (k.id.pascal(), k.id.as_str(), kinds, &k.when)
    });
    roles.chain(policies).chain(keys)
}

/// The length of the longest output name the stack exports (outputs of unswitched
/// resources), or `None` when it exports nothing.
pub fn longest_export(m: &Module) -> Option<usize> {
    output_groups(m)
        .filter(|(_, _, _, when)| when.is_none())
        .flat_map(|(id, _, kinds, _)| kinds.iter().map(move |k| id.len() + k.0.len()))
        .max()
}
