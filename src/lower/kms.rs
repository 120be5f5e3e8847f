//! What a spec string may say of the module's KMS keys: `${kms_keys.<id>.arn}`, and not inside
//! a key policy; a key's alias, literal or with placeholders.

use super::{Ctx, Lowerer};
use crate::model::{visit_doc, Created, KeyId, Part, PolicyDocument, Pseudo, Template};
use crate::rules;
use crate::source::YamlPath;

/// The ARN IAM gives key `id`, with placeholders: its key id is random, and what evaluates or
/// measures a template stands `key-{<Key>}` for it (the test evaluators of both outputs agree).
pub(crate) fn kms_key_arn(id: &KeyId) -> Template {
    let mut t = Template::lit("arn:");
    t.push(Part::Pseudo(Pseudo::Partition));
    t.push(Part::Lit(":kms:".into()));
    t.push(Part::Pseudo(Pseudo::Region));
    t.push(Part::Lit(":".into()));
    t.push(Part::Pseudo(Pseudo::AccountId));
    t.push(Part::Lit(format!(":key/key-{{{}}}", id.pascal())));
    t
}

impl Lowerer<'_> {
    /// A key's alias without `alias/` (written with or without it): literal text or
    /// placeholders (`data-platform-${Environment}`); its literal text must be what KMS takes.
    pub(crate) fn key_alias(&mut self, raw: Option<&str>, path: &YamlPath) -> Option<Template> {
        let raw = raw?;
        let raw = raw.strip_prefix("alias/").unwrap_or(raw);
        let t = self.template(raw, Ctx::Scalar, path);
        // Placeholders count as one letter each (their values are not known here).
        let text = t.render_with(|_| "x".into());
        if let Some(problem) = super::alias_problem(&text) {
            self.error(
                &rules::WRONG_TYPE,
                path,
                format!("`alias/{raw}` is not a valid KMS alias: {problem}"),
                "an alias is `alias/` and up to 250 of [A-Za-z0-9/_-], not starting with `aws/`"
                    .into(),
            );
        }
        Some(t)
    }

    /// A key policy naming a key's ARN would make the key wait for itself (its own) or the two
    /// keys for each other: CloudFormation refuses the circular dependency, Terraform the cycle.
    pub(crate) fn no_key_arns(&mut self, policy: &PolicyDocument, path: &YamlPath) {
        let mut named: Option<String> = None;
        visit_doc(policy, &mut |t: &Template| {
            for p in &t.parts {
                if let Part::ProviderArn(x) = p {
                    if matches!(x.id, Created::Key(_)) && named.is_none() {
                        named = Some(x.id.spec());
                    }
                }
            }
        });
        if let Some(spec) = named {
            self.error(
                &rules::UNDECLARED_PARAMETER,
                path,
                format!("a key policy names `${{{spec}}}`"),
                "a key policy's `Resource` is the key itself: write `\"*\"` (the key it is attached to); naming a key's ARN here makes the keys wait for each other".into(),
            );
        }
    }
}
