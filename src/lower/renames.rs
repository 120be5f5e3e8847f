//! `moved:`: renamed roles, policies and KMS keys (each earlier key free, each new key
//! declared, no two sharing a Terraform name), and the attachment keys a policy rename
//! would clash with.

use super::Lowerer;
use crate::model::*;
use crate::rules;
use crate::source::YamlPath;
use crate::suggest::closest;
use indexmap::IndexMap;

impl Lowerer<'_> {
    /// A renamed customer managed policy's attachments move to the new key (`moved` from
    /// `<role>["<earlier key>"]`); that is impossible when the role attaches something else
    /// under the earlier key, and Terraform would detach the policy and attach it again, in
    /// either order. Refused, with the way out.
    pub(super) fn attachment_key_clashes(
        &mut self,
        moved: &Moved,
        roles: &IndexMap<RoleId, Role>,
        root: &YamlPath,
    ) {
        for (old, new) in &moved.policies {
            let from = names::snake(old);
            for r in roles.values() {
                let renamed = r
                    .managed
                    .iter()
                    .any(|m| matches!(&m.target, PolicyRef::Module(p) if p == new));
                if renamed && r.managed.iter().any(|m| m.key == from) {
                    self.error_key(
                        &rules::DUPLICATE_NAME,
                        &root.key("moved").key("policies").key(old),
                        format!("role `{}` attaches another policy under `{from}`, the Terraform key the attachment of `{old}` had before the rename, so that attachment cannot be moved to `{}`: Terraform would detach the policy and attach it again", r.id, new.snake()),
                        format!("apply the rename first, then remove it from `moved:` before attaching the other policy; or give the renamed policy a key whose Terraform name no other attachment of `{}` uses", r.id),
                    );
                }
            }
        }
    }

    /// The renames of one kind under `moved:` (`kind`: `roles`, `policies`, `kms_keys`): each
    /// earlier key is a valid key that no resource of that kind has now (Terraform refuses a
    /// `moved` block from an address the configuration declares), each key now exists, and no
    /// two renames share a Terraform name.
    pub(super) fn renames<K, V>(
        &mut self,
        renames: &IndexMap<String, String>,
        current: &IndexMap<K, V>,
        kind: &str,
        root: &YamlPath,
    ) -> Vec<(String, K)>
    where
        K: std::borrow::Borrow<str> + std::hash::Hash + Eq + Clone,
    {
        let path = root.key("moved").key(kind);
        let mut out = Vec::new();
        let mut from_names: std::collections::HashSet<String> = Default::default();
        let now: std::collections::HashSet<String> =
            current.keys().map(|k| names::snake(k.borrow())).collect();
        for (old, new) in renames {
            let at = path.key(old);
            self.check_key(old, &at);
            let snake = names::snake(old);
            if now.contains(&snake) {
                self.error_key(
                    &rules::DUPLICATE_NAME,
                    &at,
                    format!("`{old}` is a key of `{kind}:` now (Terraform name `{snake}`): a `moved` block cannot start from an address the module declares"),
                    format!("remove `{old}` from `moved: {kind}:`, or rename that entry"),
                );
                continue;
            }
            if !from_names.insert(snake.clone()) {
                self.error_key(
                    &rules::DUPLICATE_NAME,
                    &at,
                    format!(
                        "two earlier keys under `moved: {kind}:` have the Terraform name `{snake}`"
                    ),
                    "keep one of them".into(),
                );
                continue;
            }
            match current.get_key_value(new.as_str()) {
                Some((k, _)) => out.push((old.clone(), k.clone())),
                None => {
                    let help = match closest(new, current.keys().map(|k| k.borrow())) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => format!("name a key under `{kind}:`"),
                    };
                    self.error(
                        &rules::UNDECLARED_PARAMETER,
                        &at,
                        format!("`{new}` is not a key under `{kind}:` (the rename of `{old}` must name the key it has now)"),
                        help,
                    );
                }
            }
        }
        out
    }
}
