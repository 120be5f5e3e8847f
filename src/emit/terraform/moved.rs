//! `moved.tf`: the `moved` blocks that carry state from the addresses of earlier rolegen
//! versions to today's.

use super::*;

impl Tf<'_> {
    /// The `moved` blocks the spec asks for (`moved:`): for each renamed role, policy or key,
    /// from its earlier address to its address now (the whole resource, every instance);
    /// with `from_unindexed`, from the unindexed address of every unswitched resource (as
    /// modules before the `create` toggle wrote them) to its `[0]` instance.
    pub(super) fn moved(&self) -> Vec<Block> {
        let moved = &self.m.moved;
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut rename = |ty: &str, old: &str, new: &str| {
            pairs.push((format!("{ty}.{old}"), format!("{ty}.{new}")));
        };
        for (old, new) in &moved.policies {
            rename("aws_iam_policy", &names::snake(old), &new.snake());
        }
        for (old, new) in &moved.kms_keys {
            let (old, k) = (names::snake(old), &self.m.kms_keys[new]);
            rename("aws_kms_key", &old, &new.snake());
            if k.alias.is_some() {
                rename("aws_kms_alias", &old, &new.snake());
            }
        }
        for (old, new) in &moved.roles {
            let (old, r, new) = (names::snake(old), &self.m.roles[new], new.snake());
            rename("aws_iam_role", &old, &new);
            for p in &r.inline {
                let p = names::snake(&p.name);
                rename(
                    "aws_iam_role_policy",
                    &format!("{old}_{p}"),
                    &format!("{new}_{p}"),
                );
            }
            if r.fixed_managed().next().is_some() {
                rename("aws_iam_role_policy_attachment", &old, &new);
            }
            if r.arn_list().is_some() {
                rename(
                    "aws_iam_role_policy_attachment",
                    &format!("{old}_additional"),
                    &format!("{new}_additional"),
                );
            }
            if r.instance_profile.is_some() {
                rename("aws_iam_instance_profile", &old, &new);
            }
        }
        // An attachment of a renamed policy is keyed by the policy's key: its instance moves
        // to the new key (else Terraform would detach the policy and attach it again, and the
        // two may run in either order). After the role renames above, at the role's name now.
        for r in self.m.roles.values().filter(|r| !r.managed.is_empty()) {
            for (old, new) in &moved.policies {
                let (from, to) = (names::snake(old), new.snake());
                let attached = |key: &str| r.managed.iter().any(|m| m.key == key);
                let renamed = r
                    .managed
                    .iter()
                    .any(|m| m.key == to && matches!(&m.target, PolicyRef::Module(p) if p == new));
                // An earlier key still used by another attachment cannot be a `moved` source.
                if renamed && !attached(&from) {
                    let a = format!("aws_iam_role_policy_attachment.{}", r.id.snake());
                    pairs.push((format!("{a}[\"{from}\"]"), format!("{a}[\"{to}\"]")));
                }
            }
        }
        if moved.from_unindexed {
            let mut unindexed = |a: String| pairs.push((a.clone(), format!("{a}[0]")));
            for p in self.m.policies.values().filter(|p| p.when.is_none()) {
                unindexed(format!("aws_iam_policy.{}", p.id.snake()));
            }
            for k in self.m.kms_keys.values().filter(|k| k.when.is_none()) {
                unindexed(format!("aws_kms_key.{}", k.id.snake()));
                if k.alias.is_some() {
                    unindexed(format!("aws_kms_alias.{}", k.id.snake()));
                }
            }
            for r in self.m.roles.values().filter(|r| r.when.is_none()) {
                let id = r.id.snake();
                unindexed(format!("aws_iam_role.{id}"));
                for p in r.inline.iter().filter(|p| p.when.is_none()) {
                    unindexed(format!(
                        "aws_iam_role_policy.{id}_{}",
                        names::snake(&p.name)
                    ));
                }
                if r.instance_profile.is_some() {
                    unindexed(format!("aws_iam_instance_profile.{id}"));
                }
            }
        }
        pairs
            .into_iter()
            .map(|(from, to)| {
                let mut b = Block::new("moved", &[]);
                b.attr("from", from);
                b.attr("to", to);
                b
            })
            .collect()
    }
}
