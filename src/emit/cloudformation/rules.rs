//! The stack's `Rules`: CloudFormation has no role name prefix, so a role whose name may be
//! nothing with a prefix parameter beside it (`name: ${RoleName}`, `name_prefix:
//! ${RoleNamePrefix}`, Terraform's name-or-prefix) refuses a prefix given while the name is
//! empty, instead of ignoring it: the stack would generate a name the caller did not ask for.

use super::yaml::{Node, Text};
use crate::model::{Module, RoleName};

/// `<Role>NamePrefix: {Assertions: [{Assert: !Or [!Not [!Equals [!Ref N, ""]], !Equals [!Ref
/// P, ""]], AssertDescription: ...}]}` for each such role.
pub(super) fn section(m: &Module) -> Vec<(Text<'_>, Node<'_>)> {
    m.roles
        .values()
        .filter_map(|r| {
            let RoleName::FixedOrPrefix(n, p) = &r.name else {
                return None;
            };
            let (name, prefix) = (m.optional_param(n)?, m.optional_param(p)?);
            let empty = |x: &str| {
                Node::func(
                    "Fn::Equals",
                    Node::Seq(vec![Node::reference(x.to_owned()), Node::str("")]),
                )
            };
            let assert = Node::func(
                "Fn::Or",
                Node::Seq(vec![
                    Node::func("Fn::Not", Node::Seq(vec![empty(name.as_str())])),
                    empty(prefix.as_str()),
                ]),
            );
            let why = format!("CloudFormation has no role name prefix: give {name} (the role's name), or leave {prefix} empty and the stack generates the name");
            let rule = Node::map(vec![(
                "Assertions",
                Node::Seq(vec![Node::map(vec![
                    ("Assert", assert),
                    ("AssertDescription", Node::str(why)),
                ])]),
            )]);
            Some((format!("{}NamePrefix", r.id.pascal()).into(), rule))
        })
        .collect()
}
