//! The README's Terraform sections: requirements, the resources as terraform-docs lists them
//! (a row per block, or per type with its count), and the renames `terraform/moved.tf`
//! carries out.

use super::markdown::code;
use super::thousands;
use crate::model::*;
use std::fmt::Write;

/// Requirements and Providers, as terraform-docs writes them.
pub(super) fn requirements(s: &mut String, m: &Module) {
    let aws = crate::emit::terraform::aws_provider_constraint(m);
    let _ = write!(
        s,
        "## Requirements\n\n\
         | Name | Version |\n|------|---------|\n\
         | <a name=\"requirement_terraform\"></a> [terraform](#requirement\\_terraform) | `{}` |\n\
         | <a name=\"requirement_aws\"></a> [aws](#requirement\\_aws) | `{aws}` |\n\n\
         ## Providers\n\n\
         | Name | Version |\n|------|---------|\n\
         | <a name=\"provider_aws\"></a> [aws](#provider\\_aws) | `{aws}` |\n\n",
        crate::emit::terraform::TERRAFORM_VERSION
    );
}

/// The registry page of a resource or data source type.
fn registry_link(a: &crate::emit::terraform::Address) -> String {
    let kind = if a.data { "data-sources" } else { "resources" };
    format!(
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/{kind}/{}",
        a.ty.strip_prefix("aws_").unwrap_or(a.ty)
    )
}

/// Resources as terraform-docs lists them: a row per block, or per type with its count.
pub(super) fn resources(s: &mut String, m: &Module, detailed: bool) {
    s.push_str("## Resources\n\n| Name | Type |\n|------|------|\n");
    let addresses = crate::emit::terraform::addresses(m);
    let kind =
        |a: &crate::emit::terraform::Address| if a.data { "data source" } else { "resource" };
    if detailed {
        for a in &addresses {
            let _ = writeln!(
                s,
                "| [{}.{}]({}) | {} |",
                a.ty,
                a.name,
                registry_link(a),
                kind(a)
            );
        }
    } else {
        // Types in the order main.tf first writes them, with their count and first name.
        let mut types: Vec<(&crate::emit::terraform::Address, usize)> = Vec::new();
        let mut index: crate::hash::FastMap<(bool, &str), usize> = Default::default();
        for a in &addresses {
            match index.get(&(a.data, a.ty)) {
                Some(&i) => types[i].1 += 1,
                None => {
                    index.insert((a.data, a.ty), types.len());
                    types.push((a, 1));
                }
            }
        }
        for (a, n) in types {
            let more = if n > 1 {
                format!(" × {} (`{}.{}`, …)", thousands(n), a.ty, a.name)
            } else {
                format!(" (`{}.{}`)", a.ty, a.name)
            };
            let _ = writeln!(
                s,
                "| [{}]({}){more} | {} |",
                a.ty,
                registry_link(a),
                kind(a)
            );
        }
    }
    s.push('\n');
}

/// A terraform-docs name cell: `<a name="input_x_y"></a> [x\_y](#input\_x\_y)`.
pub(super) fn docs_name(kind: &str, name: &str) -> String {
    let escaped = name.replace('_', "\\_");
    format!("<a name=\"{kind}_{name}\"></a> [{escaped}](#{kind}\\_{escaped})")
}

/// The renames the spec declares (`moved:`), which `terraform/moved.tf` carries out.
pub(super) fn moved(s: &mut String, m: &Module) {
    let mv = &m.moved;
    if mv.is_empty() {
        return;
    }
    s.push_str("## Moved resources\n\n`terraform/moved.tf` moves the Terraform state of what the spec renamed (`moved:`), so a plan after the upgrade changes nothing for it (Terraform 1.1 or later; addresses not in the state are ignored):\n\n");
    let kinds: [(&str, Vec<(&str, &str)>); 3] = [
        (
            "role",
            mv.roles
                .iter()
                .map(|(o, n)| (o.as_str(), n.as_str()))
                .collect(),
        ),
        (
            "policy",
            mv.policies
                .iter()
                .map(|(o, n)| (o.as_str(), n.as_str()))
                .collect(),
        ),
        (
            "KMS key",
            mv.kms_keys
                .iter()
                .map(|(o, n)| (o.as_str(), n.as_str()))
                .collect(),
        ),
    ];
    for (kind, renames) in kinds {
        for (old, new) in renames {
            let _ = writeln!(s, "- {kind} {} is now {}", code(old), code(new));
        }
    }
    if mv.from_unindexed {
        s.push_str("- every unswitched resource from its unindexed address (rolegen output from before the `create` toggle) to its `[0]` instance\n");
    }
    s.push_str("\nCloudFormation has no such move: a renamed logical id is a new resource, so the stack replaces it (and a fixed name must be free first).\n\n");
}
