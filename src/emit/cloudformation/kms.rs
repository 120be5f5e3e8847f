//! A KMS key of the module in the stack: the `AWS::KMS::Key` (description, rotation, deletion
//! window, key policy) and its `AWS::KMS::Alias`.

use super::yaml::Node;
use super::{Cfn, Section};
use crate::model::{KmsKey, Template};

impl<'a> Cfn<'a> {
    /// Writes the key's resources.
    pub(super) fn kms_key(&self, out: &mut Section, k: &'a KmsKey) {
        let mut props = Vec::new();
        if let Some(d) = &k.description {
            props.push(("Description".into(), Node::str(d)));
        }
        props.push((
            "EnableKeyRotation".into(),
            Node::raw(k.rotation.to_string()),
        ));
        if let Some(t) = &k.deletion_window {
            // Days as a number, or `!Ref` of the number parameter.
            props.push(("PendingWindowInDays".into(), self.number(t)));
        }
        props.push(("KeyPolicy".into(), self.document(&k.policy)));
        out.push((
            k.id.pascal(),
            self.resource("AWS::KMS::Key", &k.when, props, &[&self.m.allow, &k.allow]),
        ));
        if let Some(alias) = &k.alias {
            let name = prefixed(alias);
            let props = vec![
                ("AliasName".into(), self.template(&name).into_owned()),
                ("TargetKeyId".into(), Node::reference(k.id.pascal())),
            ];
            out.push((
                format!("{}Alias", k.id.pascal()),
                self.resource("AWS::KMS::Alias", &k.when, props, &[]),
            ));
        }
    }
}

/// `alias/` and the alias (both outputs name the alias with it).
pub(crate) fn prefixed(alias: &Template) -> Template {
    let mut t = Template::lit("alias/");
    t.extend(alias);
    t
}
