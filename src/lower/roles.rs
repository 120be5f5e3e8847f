//! Roles and what they attach: every role of the spec (two threads for a large spec), its
//! managed-policy attachments, escape hatches and the names they take, and the module's
//! customer managed policies.

use super::{Ctx, Lowerer};
use crate::model::*;
use crate::rules;
use crate::source::YamlPath;
use crate::spec::{AttachmentSpec, HatchesSpec, RoleSpec, Spec};
use crate::suggest::closest;
use indexmap::IndexMap;

impl Lowerer<'_> {
    /// Every role, in spec order. A large spec is lowered in two halves on two threads,
    /// each with its own diagnostics, put together in order: the same roles and the same
    /// diagnostics in the same order as one pass.
    pub(super) fn roles(
        &mut self,
        spec: &Spec,
        root: &YamlPath,
        policies: &IndexMap<PolicyId, ManagedPolicy>,
        module_hatches: &[Hatch],
    ) -> IndexMap<RoleId, Role> {
        /// Below this many roles a thread costs more than it saves.
        const PARALLEL_FROM: usize = 512;
        let entries: Vec<(&String, &RoleSpec)> = spec.roles.iter().collect();
        let lower_part = |l: &mut Lowerer, part: &[(&String, &RoleSpec)]| -> Vec<Role> {
            part.iter()
                .map(|(key, r)| {
                    let path = root.key("roles").key(key);
                    l.check_key(key, &path);
                    let mut role = l.role(key, r, &path, policies);
                    let own = l.hatches(&r.hatches, &path.key("hatches"));
                    role.hatches = own.clone().unwrap_or_else(|| module_hatches.to_vec());
                    l.list_replaces_hatch(&mut role, own.as_deref(), &path);
                    role
                })
                .collect()
        };
        let (first, second) = if entries.len() >= PARALLEL_FROM
            && std::thread::available_parallelism().map_or(1, |n| n.get()) > 1
        {
            let half = entries.len() / 2;
            let mut other = Lowerer {
                file: self.file,
                dir: self.dir.clone(),
                params: self.params.clone(),
                oidc: self.oidc.clone(),
                conds: self.conds.clone(),
                conditions: IndexMap::new(),
                mappings: self.mappings.clone(),
                keys: self.keys.clone(),
                diags: Vec::new(),
            };
            let (first, second) = std::thread::scope(|s| {
                let later = s.spawn(|| lower_part(&mut other, &entries[half..]));
                let first = lower_part(self, &entries[..half]);
                (first, later.join())
            });
            match second {
                Ok(second) => {
                    self.diags.append(&mut other.diags);
                    (first, second)
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        } else {
            (lower_part(self, &entries), Vec::new())
        };
        let mut roles = IndexMap::with_capacity(entries.len());
        for role in first.into_iter().chain(second) {
            roles.insert(role.id.clone(), role);
        }
        roles
    }

    fn role(
        &mut self,
        key: &str,
        r: &RoleSpec,
        path: &YamlPath,
        policies: &IndexMap<PolicyId, ManagedPolicy>,
    ) -> Role {
        let name = self.iam_name("role", (&r.name, &r.name_prefix), path);
        let when = self.switch(r.when.as_deref(), &path.key("when"));
        let tags = r
            .tags
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    self.template(v, Ctx::Scalar, &path.key("tags").key(k)),
                )
            })
            .collect();
        let instance_profile = match &r.instance_profile {
            None | Some(crate::spec::InstanceProfileSpec::Enabled(false)) => None,
            Some(crate::spec::InstanceProfileSpec::Enabled(true)) => Some(InstanceProfile {
                name: None,
                path: None,
                when: None,
            }),
            Some(crate::spec::InstanceProfileSpec::Named {
                name,
                path: p,
                when,
            }) => Some(InstanceProfile {
                name: self.opt_template(
                    name,
                    Ctx::Scalar,
                    &path.key("instance_profile").key("name"),
                ),
                path: self.opt_template(p, Ctx::Scalar, &path.key("instance_profile").key("path")),
                when: self.switch(when.as_deref(), &path.key("instance_profile").key("when")),
            }),
        };
        let trust = self.trust(r, path);
        let managed =
            self.attachments(&r.managed_policies, &path.key("managed_policies"), policies);
        let mut inline = Vec::with_capacity(r.inline_policies.len());
        for (pname, doc) in &r.inline_policies {
            let ppath = path.key("inline_policies").key(pname);
            // Placeholders (`${AWS::StackName}-access`) are allowed; the text around them is
            // checked here, the whole name's length by validation (RG201) at its longest.
            let iam_name = if pname.contains('$') {
                self.template(pname, Ctx::Scalar, &ppath)
            } else {
                Template::lit(pname.as_str())
            };
            let literal = iam_name.literal_text();
            let bad_char = !literal
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
            if pname.is_empty() || literal.len() > 128 || bad_char {
                self.error_key(&rules::WRONG_TYPE, &ppath, format!("inline policy name `{pname}` must be 1–128 characters of [A-Za-z0-9+=,.@_-] (and placeholders such as `${{AWS::StackName}}`)"), "rename the policy".into());
            }
            inline.push(InlinePolicy {
                name: pname.clone(),
                iam_name,
                when: self.switch(doc.when.as_deref(), &ppath.key("when")),
                allow: self.allow(&doc.allow, &ppath.key("allow")),
                doc: self.document(doc, DocKind::Identity, &ppath),
                origin: ppath,
            });
        }
        let mut deviations = Vec::new();
        self.deviations(
            &r.deviations,
            &path.key("deviations"),
            None,
            &mut deviations,
        );
        Role {
            id: RoleId(key.to_owned()),
            name,
            path: self.opt_template(&r.path, Ctx::Scalar, &path.key("path")),
            description: self.opt_template(&r.description, Ctx::Scalar, &path.key("description")),
            deviations,
            max_session: r.max_session_duration.as_ref().and_then(|d| {
                self.number_or_param(
                    d,
                    "max_session_duration",
                    "a number of seconds",
                    "write 3600 to 43200 (seconds), or `${Param}` of a number parameter (give it min_value: 3600, max_value: 43200)",
                    &path.key("max_session_duration"),
                )
            }),
            boundary: self.opt_template(
                &r.permissions_boundary,
                Ctx::Scalar,
                &path.key("permissions_boundary"),
            ),
            tags,
            when,
            instance_profile,
            trust,
            managed,
            inline,
            allow: self.allow(&r.allow, &path.key("allow")),
            hatches: Vec::new(),
            origin: path.clone(),
        }
    }

    /// A list parameter attachment (`arn: ${List}`) is the role's list of extra policy ARNs:
    /// the `additional_policy_arns` hatch it would otherwise get is left out, and asking for
    /// both on the role is an error (Terraform and CloudFormation would get two lists to
    /// splice).
    fn list_replaces_hatch(&mut self, role: &mut Role, own: Option<&[Hatch]>, path: &YamlPath) {
        let Some(list) = role
            .managed
            .iter()
            .find(|m| matches!(m.target, PolicyRef::Arns(_)))
        else {
            return;
        };
        if own.is_some_and(|h| h.contains(&Hatch::AdditionalPolicyArns)) {
            let at = list.origin.clone();
            self.error(
                &rules::WRONG_TYPE,
                &path.key("hatches"),
                format!("the role attaches the list parameter at `{at}`, which takes the place of the `additional_policy_arns` hatch"),
                "remove `additional_policy_arns` from `hatches:` (callers set the list parameter instead)".into(),
            );
        }
        role.hatches.retain(|h| *h != Hatch::AdditionalPolicyArns);
    }

    /// A `hatches:` value: `None` when absent (the level above decides).
    pub(super) fn hatches(
        &mut self,
        spec: &Option<HatchesSpec>,
        path: &YamlPath,
    ) -> Option<Vec<Hatch>> {
        match spec.as_ref()? {
            HatchesSpec::All(true) => Some(Hatch::ALL.to_vec()),
            HatchesSpec::All(false) => Some(Vec::new()),
            HatchesSpec::Some(list) => {
                let mut on = Vec::new();
                for (i, name) in list.iter().enumerate() {
                    match Hatch::parse(name) {
                        Some(h) => on.push(h),
                        None => {
                            let keys: Vec<&str> = Hatch::ALL.iter().map(|h| h.key()).collect();
                            self.error(
                                &rules::WRONG_TYPE,
                                &path.index(i),
                                format!("`{name}` is not an escape hatch"),
                                format!("use some of: {}", keys.join(", ")),
                            );
                        }
                    }
                }
                Some(Hatch::ALL.into_iter().filter(|h| on.contains(h)).collect())
            }
        }
    }

    /// The inputs and resources the hatches add must not take a name the module already
    /// uses: a spec parameter (Terraform variable or CloudFormation parameter), a
    /// CloudFormation logical id (parameters and resources share them), or the Terraform
    /// attachment resource of another role.
    pub(super) fn hatch_names(
        &mut self,
        roles: &IndexMap<RoleId, Role>,
        policies: &IndexMap<PolicyId, ManagedPolicy>,
        spec: &Spec,
    ) {
        if roles
            .values()
            .all(|r| r.hatches.is_empty() && r.arn_list().is_none())
        {
            return;
        }
        let mut taken: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        for name in spec.parameters.keys() {
            taken.insert(name.clone(), format!("parameter `{name}`"));
            taken.insert(
                format!("var.{}", crate::model::names::snake(name)),
                format!("parameter `{name}`"),
            );
        }
        for r in roles.values() {
            let p = r.id.pascal();
            let what = format!("role `{}`", r.id);
            taken.insert(p.clone(), what.clone());
            taken.insert(format!("{p}InstanceProfile"), what.clone());
            for ip in &r.inline {
                taken.insert(
                    format!("{p}{}Policy", crate::model::names::pascal(&ip.name)),
                    what.clone(),
                );
            }
            taken.insert(format!("attachment.{}", r.id.snake()), what);
        }
        for id in policies.keys() {
            taken.insert(id.pascal(), format!("policy `{id}`"));
        }
        for key in spec.kms_keys.keys() {
            let p = crate::model::names::pascal(key);
            taken.insert(format!("{p}Alias"), format!("KMS key `{key}`"));
            taken.insert(p, format!("KMS key `{key}`"));
        }
        // Roles whose ids collide already (RG005 reports them) would only repeat it here.
        let mut ids: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for r in roles.values() {
            *ids.entry(r.id.pascal()).or_default() += 1;
            *ids.entry(format!("_{}", r.id.snake())).or_default() += 1;
        }
        for r in roles.values() {
            if ids[&r.id.pascal()] > 1 || ids[&format!("_{}", r.id.snake())] > 1 {
                continue;
            }
            let mut mine = Vec::new();
            for h in &r.hatches {
                mine.push((
                    h.cfn_param(&r.id),
                    format!("the CloudFormation parameter `{}`", h.cfn_param(&r.id)),
                ));
                mine.push((
                    format!("var.{}", h.tf_var(&r.id)),
                    format!("the Terraform variable `{}`", h.tf_var(&r.id)),
                ));
            }
            // The hatch's list, or the list parameter attached in its place.
            if r.arn_list().is_some() {
                mine.push((
                    format!("attachment.{}_additional", r.id.snake()),
                    format!(
                        "the Terraform resource `aws_iam_role_policy_attachment.{}_additional`",
                        r.id.snake()
                    ),
                ));
            }
            for (name, what) in mine {
                if let Some(other) = taken.get(&name) {
                    let other = other.clone();
                    self.error(
                        &rules::WRONG_TYPE,
                        &r.origin,
                        format!("the escape hatches (or the list of policy ARNs) of role `{}` need {what}, which {other} already takes", r.id),
                        "rename one of them (or, for an escape hatch, turn the hatches of this role off: `hatches: false`, or list the ones to keep)".into(),
                    );
                } else {
                    taken.insert(name, format!("an escape hatch of role `{}`", r.id));
                }
            }
        }
    }

    fn attachments(
        &mut self,
        list: &[AttachmentSpec],
        path: &YamlPath,
        policies: &IndexMap<PolicyId, ManagedPolicy>,
    ) -> Vec<ManagedAttachment> {
        let mut out: Vec<ManagedAttachment> = Vec::with_capacity(list.len());
        for (i, a) in list.iter().enumerate() {
            let apath = path.index(i);
            let (target, key) = match (&a.aws, &a.policy, &a.arn) {
                (Some(name), None, None) => {
                    let name = name.trim_start_matches('/').to_owned();
                    if name.is_empty()
                        || !name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b))
                        || name.contains("//")
                        || name.ends_with('/')
                    {
                        self.error(&rules::MALFORMED_ARN, &apath.key("aws"), format!("`{name}` is not an AWS managed policy name"), "write the name as AWS lists it, with its path if any: `service-role/AmazonECSTaskExecutionRolePolicy`".into());
                    }
                    let last = name.rsplit('/').next().unwrap_or(&name).to_owned();
                    (PolicyRef::Aws(name), names::snake(&last))
                }
                (None, Some(id), None) => {
                    let pid = PolicyId(id.clone());
                    if !policies.contains_key(&pid) {
                        let help = match closest(id, policies.keys().map(PolicyId::as_str)) {
                            Some(c) => format!("did you mean `{c}`?"),
                            None => "declare it under `policies:`".into(),
                        };
                        self.error(
                            &rules::UNDECLARED_PARAMETER,
                            &apath.key("policy"),
                            format!("`{id}` is not a policy of this module"),
                            help,
                        );
                    }
                    (PolicyRef::Module(pid), names::snake(id))
                }
                (None, None, Some(arn)) => {
                    let whole_list = arn
                        .strip_prefix("${")
                        .and_then(|r| r.strip_suffix('}'))
                        .and_then(|n| self.params.get_key_value(n))
                        .filter(|(_, x)| x.kind == ParamKind::List)
                        .map(|(n, _)| n.clone());
                    if let Some(list) = whole_list {
                        let key = list.snake();
                        if let Some(other) =
                            out.iter().find(|m| matches!(m.target, PolicyRef::Arns(_)))
                        {
                            self.error(
                                &rules::PARAMETER_MISUSE,
                                &apath.key("arn"),
                                format!("this role already attaches the ARNs of a list parameter (`{}`); a role attaches at most one list", other.key),
                                "put the ARNs in one list parameter".into(),
                            );
                            continue;
                        }
                        (PolicyRef::Arns(list), key)
                    } else {
                        // Anything but a whole list parameter is one ARN: a list inside it is
                        // an error, as anywhere one value is needed.
                        let t = self.template(arn, Ctx::Scalar, &apath.key("arn"));
                        let key = match t.as_literal() {
                            Some(l) => names::snake(l.rsplit('/').next().unwrap_or(&l)),
                            None => match t.as_single_param() {
                                Some(p) => p.snake(),
                                None => format!("arn_{i}"),
                            },
                        };
                        (PolicyRef::Arn(t), key)
                    }
                }
                _ => {
                    self.error(
                        &rules::WRONG_TYPE,
                        &apath,
                        "an attachment needs exactly one of `aws`, `policy`, `arn`".into(),
                        "for example `- aws: ReadOnlyAccess`".into(),
                    );
                    continue;
                }
            };
            if out.iter().any(|m| m.key == key) {
                self.error(
                    &rules::DUPLICATE_NAME,
                    &apath,
                    format!("this role already attaches a policy with the key `{key}`"),
                    "remove the duplicate attachment".into(),
                );
                continue;
            }
            out.push(ManagedAttachment {
                key,
                target,
                when: self.switch(a.when.as_deref(), &apath.key("when")),
                allow: self.allow(&a.allow, &apath.key("allow")),
                origin: apath,
            });
        }
        out
    }

    /// A role's or managed policy's `name` / `name_prefix` (at most one; neither: generated).
    fn iam_name(
        &mut self,
        what: &str,
        (name, prefix): (&Option<String>, &Option<String>),
        path: &YamlPath,
    ) -> RoleName {
        match (name, prefix) {
            // A role's name that may be nothing with a prefix for while it is (validation
            // checks that the name may be nothing).
            (Some(n), Some(p)) if what == "role" => RoleName::FixedOrPrefix(
                self.template(n, Ctx::Scalar, &path.key("name")),
                self.template(p, Ctx::Scalar, &path.key("name_prefix")),
            ),
            (Some(_), Some(_)) => {
                self.error(
                    &rules::WRONG_TYPE,
                    &path.key("name_prefix"),
                    format!("a {what} has either `name` or `name_prefix`, not both"),
                    "remove one".into(),
                );
                RoleName::Generated
            }
            (Some(n), None) => RoleName::Fixed(self.template(n, Ctx::Scalar, &path.key("name"))),
            (None, Some(p)) => {
                RoleName::Prefix(self.template(p, Ctx::Scalar, &path.key("name_prefix")))
            }
            (None, None) => RoleName::Generated,
        }
    }

    pub(super) fn managed_policies(
        &mut self,
        spec: &Spec,
        path: &YamlPath,
    ) -> IndexMap<PolicyId, ManagedPolicy> {
        let mut out = IndexMap::new();
        for (key, p) in &spec.policies {
            let ppath = path.key(key);
            self.check_key(key, &ppath);
            let id = PolicyId(key.clone());
            let mp = ManagedPolicy {
                id: id.clone(),
                name: self.iam_name("managed policy", (&p.name, &p.name_prefix), &ppath),
                path: self.opt_template(&p.path, Ctx::Scalar, &ppath.key("path")),
                description: self.opt_template(
                    &p.description,
                    Ctx::Scalar,
                    &ppath.key("description"),
                ),
                when: self.switch(
                    p.document.when.as_deref(),
                    &ppath.key("document").key("when"),
                ),
                allow: self.allow(&p.document.allow, &ppath.key("document").key("allow")),
                doc: self.document(&p.document, DocKind::Identity, &ppath.key("document")),
                origin: ppath,
            };
            out.insert(id, mp);
        }
        out
    }
}
