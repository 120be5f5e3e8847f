//! Adoption files of a module with `adopt: true`: `adopt/main.tf`, a root Terraform
//! configuration beside the module with the `module` block and one `import` block per
//! existing resource (import blocks are allowed only in a root module; their IDs are expressions, Terraform ≥ 1.6, so they
//! never go into `terraform/`).
//!
//! Import IDs are the ones the AWS provider (5.x) documents for each resource type:
//! `aws_iam_role` the role name, `aws_iam_role_policy` `role:policy`,
//! `aws_iam_role_policy_attachment` `role/policy-arn`, `aws_iam_policy` the policy ARN,
//! `aws_iam_instance_profile` the profile name. Addresses are the module's own (`[0]` for
//! the `create` toggle, the attachment map's keys). What cannot be adopted (a generated role
//! name, a switch, a parameter without a default) is refused by RG405 before anything is
//! emitted.
//!
//! For CloudFormation: `adopt/cloudformation/resources-to-import.json` (the
//! `--resources-to-import` of an IMPORT change set: `AWS::IAM::Role` by `RoleName`,
//! `AWS::IAM::ManagedPolicy` by `PolicyArn`, `AWS::IAM::InstanceProfile` by
//! `InstanceProfileName`) and `<module>.import.yaml`, the stack template with a
//! `DeletionPolicy` on every resource and without `Outputs` (an import cannot add outputs:
//! import first, then update the stack with the full template).

use super::terraform::hcl::{escape_into, pseudo_ref, quote_literal};
use super::{Backend, OutputFile};
use crate::model::names;
use crate::model::*;

/// The adoption backend.
pub(crate) struct Adopt;

/// Renders a template as the inside of an HCL string: literals escaped, pseudo parameters as
/// data source references, parameters as their defaults (RG405 guarantees one).
fn render(m: &Module, t: &Template, pseudos: &mut Vec<Pseudo>) -> String {
    let mut out = String::new();
    for p in &t.parts {
        match p {
            Part::Lit(l) => escape_into(&mut out, l),
            Part::PolicyVar(v) => escape_into(&mut out, &format!("${{{v}}}")),
            Part::Pseudo(x) => {
                if !pseudos.contains(x) {
                    pseudos.push(*x);
                }
                out.push_str("${");
                out.push_str(pseudo_ref(*x));
                out.push('}');
            }
            Part::Param(n) => {
                let v = match m.params.get(n).and_then(|p| p.default.as_ref()) {
                    Some(ParamValue::Str(s) | ParamValue::Number(s)) => s.clone(),
                    Some(ParamValue::Bool(b)) => b.to_string(),
                    Some(ParamValue::List(l)) => l.join(","),
                    None => String::new(),
                };
                escape_into(&mut out, &v);
            }
            // Adoption refuses modules with OIDC providers (RG405); the ARN they would have.
            Part::ProviderArn(p) => out.push_str(&render(m, &p.arn, pseudos)),
            // Keyed by a parameter: its default's entry (RG405 refuses a lookup keyed by a
            // pseudo parameter in an import ID, and a parameter without a default).
            Part::Lookup(l) => escape_into(&mut out, &lookup_default(m, l)),
            // Of a parameter: its default's piece (RG405 refuses a piece of a pseudo
            // parameter in an import ID).
            Part::Piece(x) => escape_into(&mut out, &piece_default(m, x)),
        }
    }
    out
}

fn import_block(out: &mut String, to: &str, id: &str) {
    out.push_str("import {\n  to = ");
    out.push_str(to);
    out.push_str("\n  id = \"");
    out.push_str(id);
    out.push_str("\"\n}\n\n");
}

/// The `adopt/main.tf` of a module, or `None` when the module does not ask for it.
pub fn terraform(m: &Module) -> Option<String> {
    if !m.adopt {
        return None;
    }
    let module = names::snake(&m.name);
    let at = |res: &str| format!("module.{module}.{res}");
    let mut pseudos = Vec::new();
    let mut body = String::new();
    // A policy without a fixed name has no known ARN (validation refuses it with `adopt`).
    let policy_arn = |p: &ManagedPolicy, pseudos: &mut Vec<Pseudo>| {
        let name = p.name.fixed()?;
        let path = p
            .path
            .as_ref()
            .map_or_else(|| "/".to_owned(), |t| render(m, t, pseudos));
        let name = render(m, name, pseudos);
        for x in [Pseudo::Partition, Pseudo::AccountId] {
            if !pseudos.contains(&x) {
                pseudos.push(x);
            }
        }
        Some(format!(
            "arn:${{{}}}:iam::${{{}}}:policy{path}{name}",
            pseudo_ref(Pseudo::Partition),
            pseudo_ref(Pseudo::AccountId)
        ))
    };
    for p in m.policies.values() {
        let Some(arn) = policy_arn(p, &mut pseudos) else {
            continue;
        };
        import_block(
            &mut body,
            &at(&format!("aws_iam_policy.{}[0]", p.id.snake())),
            &arn,
        );
    }
    for r in m.roles.values() {
        // A name that may be nothing is no known import ID (validation says so).
        let Some(name) = r.name.fixed().filter(|n| m.optional_param(n).is_none()) else {
            continue;
        };
        let id = r.id.snake();
        let role = render(m, name, &mut pseudos);
        import_block(&mut body, &at(&format!("aws_iam_role.{id}[0]")), &role);
        for p in &r.inline {
            let mut pid = role.clone();
            pid.push(':');
            pid.push_str(&render(m, &p.iam_name, &mut pseudos));
            import_block(
                &mut body,
                &at(&format!(
                    "aws_iam_role_policy.{id}_{}[0]",
                    names::snake(&p.name)
                )),
                &pid,
            );
        }
        for a in &r.managed {
            let arn = match &a.target {
                PolicyRef::Aws(n) => {
                    if !pseudos.contains(&Pseudo::Partition) {
                        pseudos.push(Pseudo::Partition);
                    }
                    let mut s = format!(
                        "arn:${{{}}}:iam::aws:policy/",
                        pseudo_ref(Pseudo::Partition)
                    );
                    escape_into(&mut s, n);
                    s
                }
                PolicyRef::Module(pid) => {
                    match m
                        .policies
                        .get(pid)
                        .and_then(|p| policy_arn(p, &mut pseudos))
                    {
                        Some(arn) => arn,
                        None => continue,
                    }
                }
                PolicyRef::Arn(t) => render(m, t, &mut pseudos),
                // Attached by count from the list, like the extra-policies hatch: not imported
                // (attaching a policy a role already has changes nothing).
                PolicyRef::Arns(_) => continue,
            };
            let key = quote_literal(&a.key);
            import_block(
                &mut body,
                &at(&format!("aws_iam_role_policy_attachment.{id}[{key}]")),
                &format!("{role}/{arn}"),
            );
        }
        if let Some(ip) = &r.instance_profile {
            let pname = match &ip.name {
                Some(n) => render(m, n, &mut pseudos),
                None => role.clone(),
            };
            import_block(
                &mut body,
                &at(&format!("aws_iam_instance_profile.{id}[0]")),
                &pname,
            );
        }
    }
    let mut out = String::new();
    out.push_str(&format!(
        "# Adopts the existing resources of module `{}` without recreating them: run\n\
         # `terraform init && terraform plan` here; the plan imports every role, inline policy,\n\
         # attachment, customer managed policy and instance profile, and should change nothing\n\
         # else. Generated by rolegen from the spec (`adopt: true`); do not edit.\n\n",
        m.name
    ));
    out.push_str(
        "terraform {\n  required_version = \">= 1.6\"\n\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \">= 5.0\"\n    }\n  }\n}\n\n",
    );
    out.push_str("provider \"aws\" {}\n\n");
    pseudos.sort_by_key(|p| Pseudo::ALL.iter().position(|x| x == p));
    let mut data: Vec<&str> = Vec::new();
    for p in &pseudos {
        let d = match p {
            Pseudo::Partition | Pseudo::UrlSuffix => "data \"aws_partition\" \"current\" {}\n",
            Pseudo::AccountId => "data \"aws_caller_identity\" \"current\" {}\n",
            Pseudo::Region => "data \"aws_region\" \"current\" {}\n",
            // RG405 refuses modules that use it: the stack name is given at deploy time.
            Pseudo::StackName => continue,
        };
        if !data.contains(&d) {
            data.push(d);
        }
    }
    for d in &data {
        out.push_str(d);
    }
    if !data.is_empty() {
        out.push('\n');
    }
    out.push_str(&format!(
        "module \"{module}\" {{\n  source = \"../terraform\"\n}}\n\n"
    ));
    out.push_str(&body);
    while out.ends_with("\n\n") {
        out.pop();
    }
    Some(out)
}

/// The value of a lookup keyed by a parameter, at the parameter's default (empty when there
/// is none, which RG405 refuses, as it refuses a lookup keyed by a pseudo parameter).
fn lookup_default(m: &Module, l: &Lookup) -> String {
    let LookupKey::Param(n) = &l.by else {
        return String::new();
    };
    match m.params.get(n).and_then(|p| p.default.as_ref()) {
        Some(ParamValue::Str(s) | ParamValue::Number(s)) => {
            l.value(s).unwrap_or_default().to_owned()
        }
        _ => String::new(),
    }
}

/// The piece of a parameter's default (empty without one, or for a pseudo parameter's
/// piece, both refused by RG405).
fn piece_default(m: &Module, x: &Piece) -> String {
    let LookupKey::Param(n) = &x.of else {
        return String::new();
    };
    match m.params.get(n).and_then(|p| p.default.as_ref()) {
        Some(ParamValue::Str(s)) => x.of_value(s).unwrap_or_default().to_owned(),
        _ => String::new(),
    }
}

/// Renders a template for the CloudFormation resources-to-import file: literals as they
/// are, parameters as their defaults, pseudo parameters as `${AWS::AccountId}` and
/// `${AWS::Partition}` tokens that the README's command fills in (the file is read by the
/// AWS CLI, which substitutes nothing).
fn render_cfn(m: &Module, t: &Template) -> String {
    let mut out = String::new();
    for p in &t.parts {
        match p {
            Part::Lit(l) => out.push_str(l),
            Part::PolicyVar(v) => {
                out.push_str("${");
                out.push_str(v);
                out.push('}');
            }
            Part::Pseudo(x) => {
                out.push_str("${");
                out.push_str(x.cfn_name());
                out.push('}');
            }
            Part::Param(n) => {
                if let Some(v) = m.params.get(n).and_then(|p| p.default.as_ref()) {
                    out.push_str(&super::cloudformation::value_text(v));
                }
            }
            Part::ProviderArn(p) => out.push_str(&render_cfn(m, &p.arn)),
            Part::Lookup(l) => out.push_str(&lookup_default(m, l)),
            Part::Piece(x) => out.push_str(&piece_default(m, x)),
        }
    }
    out
}

/// `adopt/cloudformation/resources-to-import.json`: the `--resources-to-import` of
/// `aws cloudformation create-change-set --change-set-type IMPORT`, one entry per resource
/// of the import template (inline policies and attachments are properties of the role).
pub(crate) fn resources_to_import(m: &Module) -> Option<String> {
    if !m.adopt {
        return None;
    }
    let entry = |ty: &str, id: String, key: &str, value: String| {
        serde_json::json!({
            "ResourceType": ty,
            "LogicalResourceId": id,
            "ResourceIdentifier": { key: value },
        })
    };
    let mut list = Vec::new();
    for p in m.policies.values() {
        let Some(name) = p.name.fixed() else {
            continue;
        };
        let path = p
            .path
            .as_ref()
            .map_or_else(|| "/".to_owned(), |t| render_cfn(m, t));
        let arn = format!(
            "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:policy{path}{}",
            render_cfn(m, name)
        );
        list.push(entry(
            "AWS::IAM::ManagedPolicy",
            p.id.pascal(),
            "PolicyArn",
            arn,
        ));
    }
    for r in m.roles.values() {
        // A name that may be nothing is no known import ID (validation says so).
        let Some(name) = r.name.fixed().filter(|n| m.optional_param(n).is_none()) else {
            continue;
        };
        let role = render_cfn(m, name);
        list.push(entry(
            "AWS::IAM::Role",
            r.id.pascal(),
            "RoleName",
            role.clone(),
        ));
        if let Some(ip) = &r.instance_profile {
            let pname = ip.name.as_ref().map_or(role, |n| render_cfn(m, n));
            list.push(entry(
                "AWS::IAM::InstanceProfile",
                format!("{}InstanceProfile", r.id.pascal()),
                "InstanceProfileName",
                pname,
            ));
        }
    }
    let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
    s.push('\n');
    Some(s)
}

impl Backend for Adopt {
    fn emit(&self, m: &Module) -> Vec<OutputFile> {
        let Some(tf) = terraform(m) else {
            return Vec::new();
        };
        let mut files = vec![OutputFile::new("adopt/main.tf", tf)];
        if let Some(r) = resources_to_import(m) {
            files.push(OutputFile::new(
                "adopt/cloudformation/resources-to-import.json",
                r,
            ));
        }
        files.push(OutputFile::new(
            format!("adopt/cloudformation/{}.import.yaml", m.name),
            super::cloudformation::import_template(m),
        ));
        files
    }
}
