//! A KMS key of the module in Terraform: its key policy document, the `aws_kms_key` (rotation,
//! deletion window, tags) and its `aws_kms_alias`.

use super::hcl::{quote_literal, Block, FileWriter};
use super::Tf;
use crate::model::KmsKey;
use indexmap::IndexMap;

impl Tf<'_> {
    /// Writes the key's blocks.
    pub(super) fn kms_key(&self, out: &mut FileWriter, k: &KmsKey) {
        let name = k.id.snake();
        out.push(self.policy_document(&format!("{name}_key_policy"), &k.policy));
        let gate = self.gate(&[&k.when]);
        let mut b = Block::new("resource", &["aws_kms_key", &name]);
        Self::count(&mut b, &gate);
        if let Some(d) = &k.description {
            b.attr("description", quote_literal(d));
        }
        b.attr("enable_key_rotation", k.rotation.to_string());
        if let Some(t) = &k.deletion_window {
            b.attr(
                "deletion_window_in_days",
                t.as_literal().unwrap_or_else(|| self.template(t)),
            );
        }
        b.attr(
            "policy",
            format!("data.aws_iam_policy_document.{name}_key_policy.json"),
        );
        b.attr_expr("tags", self.tags(&IndexMap::new()));
        out.push(b);
        if let Some(alias) = &k.alias {
            let mut a = Block::new("resource", &["aws_kms_alias", &name]);
            Self::count(&mut a, &gate);
            a.attr(
                "name",
                self.template(&crate::emit::cloudformation::kms_alias_name(alias)),
            );
            a.attr("target_key_id", format!("aws_kms_key.{name}[0].key_id"));
            out.push(a);
        }
    }
}
