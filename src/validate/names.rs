//! Every identifier a module produces, per namespace, must be unique: Terraform block names per
//! resource type, data source names, output names, and CloudFormation logical ids and outputs.
//! Two spec keys can otherwise meet in one name (`app` + inline `x-y` and `app-x` + inline `y`
//! are both `app_x_y`; a role `worker-instance-profile` meets `worker`'s instance profile).

use super::Validator;
use crate::model::*;
use crate::rules;
use crate::source::YamlPath;
use std::collections::hash_map::{Entry, HashMap};

/// (namespace, identifier, where it comes from) for everything the backends name.
pub(crate) fn identifiers(m: &Module) -> Vec<(&'static str, String, &YamlPath)> {
    let mut v = Vec::new();
    for p in m.policies.values() {
        let (t, c) = (p.id.snake(), p.id.pascal());
        v.push(("Terraform data source", format!("{t}_policy"), &p.origin));
        v.push(("Terraform aws_iam_policy", t.clone(), &p.origin));
        v.push(("Terraform output", format!("{t}_policy_arn"), &p.origin));
        v.push(("CloudFormation logical id", c.clone(), &p.origin));
        v.push(("CloudFormation output", format!("{c}PolicyArn"), &p.origin));
    }
    for o in m.oidc_providers.values() {
        let (t, c) = (o.id.snake(), o.id.logical_id());
        v.push((
            "Terraform aws_iam_openid_connect_provider",
            t.clone(),
            &o.origin,
        ));
        v.push((
            "Terraform output",
            format!("{t}_oidc_provider_arn"),
            &o.origin,
        ));
        v.push(("CloudFormation logical id", c.clone(), &o.origin));
        v.push(("CloudFormation output", format!("{c}Arn"), &o.origin));
    }
    for k in m.kms_keys.values() {
        let (t, c) = (k.id.snake(), k.id.pascal());
        v.push((
            "Terraform data source",
            format!("{t}_key_policy"),
            &k.origin,
        ));
        v.push(("Terraform aws_kms_key", t.clone(), &k.origin));
        v.push(("Terraform output", format!("{t}_key_arn"), &k.origin));
        v.push(("Terraform output", format!("{t}_key_id"), &k.origin));
        v.push(("CloudFormation logical id", c.clone(), &k.origin));
        if k.alias.is_some() {
            v.push(("CloudFormation logical id", format!("{c}Alias"), &k.origin));
        }
        v.push(("CloudFormation output", format!("{c}KeyArn"), &k.origin));
        v.push(("CloudFormation output", format!("{c}KeyId"), &k.origin));
    }
    for r in m.roles.values() {
        let (t, c) = (r.id.snake(), r.id.pascal());
        v.push(("Terraform data source", format!("{t}_trust"), &r.origin));
        v.push(("Terraform aws_iam_role", t.clone(), &r.origin));
        v.push(("CloudFormation logical id", c.clone(), &r.origin));
        for suffix in ["arn", "name", "unique_id"] {
            v.push(("Terraform output", format!("{t}_{suffix}"), &r.origin));
        }
        for suffix in ["Arn", "Name"] {
            v.push(("CloudFormation output", format!("{c}{suffix}"), &r.origin));
        }
        if r.instance_profile.is_some() {
            v.push((
                "CloudFormation logical id",
                format!("{c}InstanceProfile"),
                &r.origin,
            ));
            v.push((
                "Terraform output",
                format!("{t}_instance_profile_arn"),
                &r.origin,
            ));
            v.push((
                "Terraform output",
                format!("{t}_instance_profile_name"),
                &r.origin,
            ));
            v.push((
                "CloudFormation output",
                format!("{c}InstanceProfileArn"),
                &r.origin,
            ));
            v.push((
                "CloudFormation output",
                format!("{c}InstanceProfileName"),
                &r.origin,
            ));
        }
        for p in &r.inline {
            let pn = format!("{t}_{}", names::snake(&p.name));
            v.push(("Terraform data source", pn.clone(), &p.origin));
            v.push(("Terraform aws_iam_role_policy", pn, &p.origin));
            if p.when.is_some() {
                v.push((
                    "CloudFormation logical id",
                    format!("{c}{}Policy", names::pascal(&p.name)),
                    &p.origin,
                ));
            }
        }
    }
    v
}

pub(super) fn check(v: &mut Validator) {
    let ids = identifiers(v.m);
    let mut seen: HashMap<(&'static str, String), &YamlPath> = HashMap::with_capacity(ids.len());
    let mut clashes = Vec::new();
    // One hash and no clone per identifier (the entry API), the map sized once.
    for (ns, id, origin) in ids {
        match seen.entry((ns, id)) {
            Entry::Occupied(e) if *e.get() != origin => {
                clashes.push((ns, e.key().1.clone(), origin, *e.get()));
            }
            Entry::Occupied(_) => {}
            Entry::Vacant(e) => {
                e.insert(origin);
            }
        }
    }
    let mut reported: Vec<(&YamlPath, &YamlPath)> = Vec::new();
    for (ns, id, origin, first) in clashes {
        if reported.contains(&(origin, first)) {
            continue;
        }
        reported.push((origin, first));
        v.report_key(
            &rules::DUPLICATE_NAME,
            origin,
            format!("`{origin}` and `{first}` both become the {ns} `{id}`"),
            "rename one of them so the generated names differ (rolegen joins role and policy keys with `_` in Terraform and concatenates them in CloudFormation)".into(),
        );
    }
}

/// Parameters that no placeholder and no `when:` uses.
pub(super) fn unused_parameters(v: &mut Validator) {
    let m = v.m;
    let mut used: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut templates: Vec<String> = Vec::new();
    m.visit_templates(|t| templates.extend(t.params().map(|p| p.as_str().to_owned())));
    used.extend(templates.iter().map(String::as_str));
    let switches = m.switches();
    used.extend(switches.iter().map(|s| s.param.as_str()));
    for p in m
        .params
        .values()
        .filter(|p| !used.contains(p.name.as_str()))
    {
        v.report(
            &rules::UNUSED_PARAMETER,
            &[],
            &p.origin,
            format!("parameter `{}` is not used by any placeholder or `when:`", p.name),
            "use it, or remove it (it would be a variable and a stack parameter that changes nothing)".into(),
        );
    }
}
