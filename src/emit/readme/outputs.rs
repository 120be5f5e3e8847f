//! The README's outputs table: each output of the Terraform module and the CloudFormation
//! export that carries the same value (one row per kind for a large module).

use super::markdown::cell;
use super::resources::docs_name;
use super::thousands;
use crate::model::conventions::{output_groups, OutputOwner, OUTPUT_KINDS};
use crate::model::*;
use std::fmt::Write;

pub(super) fn outputs(s: &mut String, m: &Module, detailed: bool) {
    s.push_str("## Outputs\n\n");
    if output_groups(m).all(|g| g.kinds().next().is_none()) {
        s.push_str("None: the spec's `outputs:` leaves every output out.\n\n");
        return;
    }
    s.push_str("Terraform outputs are null when `create` (or the resource's switch) is off. ");
    if m.outputs.export {
        s.push_str("Every CloudFormation output of an unswitched resource is exported as `<ExportPrefix>-<output>` (the stack name when `ExportPrefix` is empty).");
    } else {
        s.push_str("The CloudFormation outputs are not exported (`outputs: {export: false}`).");
    }
    s.push_str(
        "\n\n| Name | Description | CloudFormation |\n|------|-------------|----------------|\n",
    );
    if detailed {
        for g in output_groups(m) {
            for k in g.kinds() {
                let _ = writeln!(
                    s,
                    "| {} | {} | `{}{}` |",
                    docs_name("output", &format!("{}_{}", g.tf_name, k.tf_suffix)),
                    k.what.trim_end_matches('.').replace("{}", &cell(g.key)),
                    g.logical_id,
                    k.cfn_suffix,
                );
            }
        }
    } else {
        // One row per kind of output, for every resource of that kind.
        let mut counts = [0usize; OUTPUT_KINDS.len()];
        for g in output_groups(m) {
            for k in g.kinds() {
                if let Some(i) = OUTPUT_KINDS.iter().position(|x| x == k) {
                    counts[i] += 1;
                }
            }
        }
        for (k, n) in OUTPUT_KINDS.iter().zip(counts) {
            if n == 0 {
                continue;
            }
            let (snake, pascal) = match k.owner {
                OutputOwner::Role | OutputOwner::InstanceProfile => ("<role>", "<Role>"),
                OutputOwner::Policy => ("<policy>", "<Policy>"),
                OutputOwner::KmsKey => ("<key>", "<Key>"),
                OutputOwner::OidcProvider => ("<provider>", "<Provider>OidcProvider"),
            };
            // "ARN of the {} role." -> "ARN of each role".
            let what = k.what.trim_end_matches('.').replace("the {}", "each");
            let _ = writeln!(
                s,
                "| `{snake}_{}` | {what} ({}) | `{pascal}{}` |",
                k.tf_suffix,
                thousands(n),
                k.cfn_suffix
            );
        }
    }
    s.push('\n');
}
