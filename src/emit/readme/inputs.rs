//! The README's inputs table: every parameter with its type, default, constraints and
//! description (a summary of the conventions' inputs for a large module).

use super::markdown::{cell, cell_code, quoted};
use super::resources::docs_name;
use super::thousands;
use crate::model::*;
use std::fmt::Write;

pub(super) fn inputs(s: &mut String, m: &Module, detailed: bool) {
    let mut hatch_note = false;
    s.push_str("## Inputs\n\n");
    s.push_str("| Name | Description | Type | Default | Required | CloudFormation |\n|------|-------------|------|---------|:--------:|----------------|\n");
    let [create, tags] = crate::model::conventions::CONVENTION_VARIABLES;
    let convention =
        |s: &mut String, (name, ty, default, desc): (&str, &str, &str, &str), cfn: &str| {
            let _ = writeln!(
                s,
                "| {} | {} | `{ty}` | `{default}` | no | {cfn} |",
                docs_name("input", name),
                cell(desc)
            );
        };
    convention(s, create, "(deploy or delete the stack)");
    convention(s, tags, "(stack tags propagate to every resource)");
    for p in m.params.values() {
        let default = match &p.default {
            None => "n/a".to_owned(),
            Some(ParamValue::Str(v)) => cell_code(&quoted(v)),
            Some(ParamValue::Number(v)) => cell_code(v),
            Some(ParamValue::Bool(b)) => format!("`{b}`"),
            Some(ParamValue::List(v)) => {
                let items: Vec<String> = v.iter().map(|x| quoted(x)).collect();
                cell_code(&format!("[{}]", items.join(", ")))
            }
        };
        let ty = match p.kind {
            ParamKind::String => "`string`",
            ParamKind::List => "`list(string)`",
            ParamKind::Number => "`number`",
            ParamKind::Bool => "`bool`",
        };
        let required = if p.default.is_none() { "yes" } else { "no" };
        let mut desc = cell(p.description.as_deref().unwrap_or(""));
        if p.secret {
            if !desc.is_empty() {
                desc.push(' ');
            }
            desc.push_str("Secret: `sensitive` in Terraform, `NoEcho` in CloudFormation.");
        }
        let _ = writeln!(
            s,
            "| {} | {desc} | {ty} | {default} | {required} | `{}` |",
            docs_name("input", &p.name.snake()),
            p.name,
        );
    }
    if m.pseudos_used().contains(&Pseudo::StackName) {
        let name = crate::model::conventions::STACK_NAME_VARIABLE;
        let desc = crate::emit::terraform::stack_name_description(m.stack_name_max());
        let _ = writeln!(
            s,
            "| {} | {} | `string` | n/a | yes | (the stack's name) |",
            docs_name("input", name),
            cell(&desc)
        );
    }
    let hatch_type = |h: Hatch| match h {
        Hatch::AdditionalPolicyArns => ("`list(string)`", "`[]`"),
        Hatch::MaxSessionDuration => ("`number`", "`null`"),
        _ => ("`string`", "`null`"),
    };
    if detailed {
        for (r, h, cfn) in crate::model::conventions::hatch_params(m) {
            let (ty, default) = hatch_type(h);
            let _ = writeln!(
                s,
                "| <a name=\"input_{0}\"></a> [{0}](#input\\_{0}) | {1} | {ty} | {default} | no | `{cfn}` |",
                h.tf_var(&r.id),
                cell(&h.describe(&r.id)),
            );
        }
    } else {
        // One row per kind of hatch, for every role that has it (the size stays constant).
        for h in Hatch::ALL {
            let n = crate::model::conventions::hatch_params(m)
                .filter(|(_, k, _)| *k == h)
                .count();
            if n == 0 {
                continue;
            }
            let (ty, default) = hatch_type(h);
            let what = h
                .describe(&RoleId("<role>".to_owned()))
                .replace("the <role> role", "each role");
            let _ = writeln!(
                s,
                "| `<role>_{}` | {} ({} roles) | {ty} | {default} | no | `<Role>{}` |",
                h.key(),
                cell(&what),
                thousands(n),
                crate::model::names::pascal(h.key()),
            );
        }
    }
    if crate::model::conventions::hatch_params(m).next().is_some() {
        hatch_note = true;
    }
    if crate::model::conventions::longest_export(m).is_some() {
        let _ = writeln!(
            s,
            "| | Prefix of the stack's export names (`<prefix>-<output>`); empty uses the stack name | | `\"\"` | no | `{}` |",
            crate::model::conventions::EXPORT_PREFIX
        );
    }
    s.push('\n');
    if hatch_note {
        s.push_str("The inputs marked \"Escape hatch\" are for the caller, not the spec: left at their defaults (Terraform `null` or `[]`, CloudFormation empty) the module deploys exactly what the spec says and grants nothing more. Setting one (another name, path or session length, a permissions boundary, more managed policies) is the caller's own choice, and what it grants is the caller's to review: the permissions table below does not include it.\n\n");
    }
}
