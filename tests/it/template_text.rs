//! Source text for the import tests, so a test writes out only the part it is about: Terraform
//! laid out as `terraform fmt` writes it (variable blocks, roles trusting the document `trust`,
//! `import_tf_idioms::TRUST` or `EC2_TRUST`) and the CloudFormation idiom of a value that may
//! be nothing (`!If [HasX, value, !Ref AWS::NoValue]`).

/// `variable` blocks, a blank line between them: (name, type, default as HCL).
pub(crate) fn variables(vars: &[(&str, &str, &str)]) -> String {
    vars.iter()
        .map(|(name, ty, default)| {
            format!("variable \"{name}\" {{\n  type    = {ty}\n  default = {default}\n}}\n")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `resource "aws_iam_role" "<label>"` named by the HCL expression `name`, trusting
/// `data.aws_iam_policy_document.trust`, with the lines `extra` inside (each ending in a
/// newline).
pub(crate) fn role(label: &str, name: &str, extra: &str) -> String {
    format!(
        "resource \"aws_iam_role\" \"{label}\" {{\n  name               = {name}\n  assume_role_policy = data.aws_iam_policy_document.trust.json\n{extra}}}\n"
    )
}

/// The start of a template whose String parameter `x` is empty by default, with the condition
/// `Has<x>` (`x` is not empty), up to `Resources:`.
pub(crate) fn cfn_optional_param(x: &str) -> String {
    format!(
        "\nParameters:\n  {x}: {{Type: String, Default: \"\"}}\nConditions:\n  Has{x}: !Not [!Equals [!Ref {x}, \"\"]]\nResources:\n"
    )
}

/// A role `id` trusted by `service` whose property `prop` is `!If [Has<x>, value, !Ref
/// AWS::NoValue]`, followed by `rest`: its other properties, each line indented six spaces.
pub(crate) fn cfn_optional_role(
    id: &str,
    service: &str,
    (prop, x, value): (&str, &str, &str),
    rest: &str,
) -> String {
    format!(
        "  {id}:\n    Type: AWS::IAM::Role\n    Properties:\n      {prop}: !If [Has{x}, {value}, !Ref AWS::NoValue]\n      AssumeRolePolicyDocument:\n        Statement: [{{Effect: Allow, Action: sts:AssumeRole, Principal: {{Service: {service}}}}}]\n{rest}"
    )
}

/// A template with the String parameter `x` empty by default and the EC2 role `App` whose
/// property `prop` is `value` while `x` is set (see [`cfn_optional_role`]), then `rest`.
pub(crate) fn cfn_optional_app(prop: &str, x: &str, value: &str, rest: &str) -> String {
    cfn_optional_param(x) + &cfn_optional_role("App", "ec2.amazonaws.com", (prop, x, value), rest)
}
