//! Every identifier a module produces, per namespace, must be unique: Terraform block names per
//! resource type, data source names, output names, and CloudFormation logical ids and outputs.
//! Two spec keys can otherwise meet in one name (`app` + inline `x-y` and `app-x` + inline `y`
//! are both `app_x_y`; a role `worker-instance-profile` meets `worker`'s instance profile).

use super::Validator;
use crate::hash::FastMap;
use crate::model::*;
use crate::rules;
use crate::source::YamlPath;
use std::collections::hash_map::Entry;

/// (namespace, identifier, where it comes from) for everything the backends name.
pub(crate) fn identifiers(m: &Module) -> Vec<(&'static str, String, &YamlPath)> {
    let mut v = Vec::new();
    for p in m.policies.values() {
        let (t, c) = (p.id.snake(), p.id.pascal());
        v.push((
            "Terraform data source",
            [&*t, "_policy"].concat(),
            &p.origin,
        ));
        v.push(("Terraform aws_iam_policy", t.clone(), &p.origin));
        v.push(("Terraform output", [&*t, "_policy_arn"].concat(), &p.origin));
        v.push(("CloudFormation logical id", c.clone(), &p.origin));
        v.push((
            "CloudFormation output",
            [&*c, "PolicyArn"].concat(),
            &p.origin,
        ));
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
            [&*t, "_oidc_provider_arn"].concat(),
            &o.origin,
        ));
        v.push(("CloudFormation logical id", c.clone(), &o.origin));
        v.push(("CloudFormation output", [&*c, "Arn"].concat(), &o.origin));
    }
    for k in m.kms_keys.values() {
        let (t, c) = (k.id.snake(), k.id.pascal());
        v.push((
            "Terraform data source",
            [&*t, "_key_policy"].concat(),
            &k.origin,
        ));
        v.push(("Terraform aws_kms_key", t.clone(), &k.origin));
        v.push(("Terraform output", [&*t, "_key_arn"].concat(), &k.origin));
        v.push(("Terraform output", [&*t, "_key_id"].concat(), &k.origin));
        v.push(("CloudFormation logical id", c.clone(), &k.origin));
        if k.alias.is_some() {
            v.push((
                "CloudFormation logical id",
                [&*c, "Alias"].concat(),
                &k.origin,
            ));
        }
        v.push(("CloudFormation output", [&*c, "KeyArn"].concat(), &k.origin));
        v.push(("CloudFormation output", [&*c, "KeyId"].concat(), &k.origin));
    }
    for r in m.roles.values() {
        let (t, c) = (r.id.snake(), r.id.pascal());
        v.push(("Terraform data source", [&*t, "_trust"].concat(), &r.origin));
        v.push(("Terraform aws_iam_role", t.clone(), &r.origin));
        v.push(("CloudFormation logical id", c.clone(), &r.origin));
        for suffix in ["arn", "name", "unique_id"] {
            v.push(("Terraform output", [&*t, "_", suffix].concat(), &r.origin));
        }
        for suffix in ["Arn", "Name"] {
            v.push(("CloudFormation output", [&*c, suffix].concat(), &r.origin));
        }
        if r.instance_profile.is_some() {
            v.push((
                "CloudFormation logical id",
                [&*c, "InstanceProfile"].concat(),
                &r.origin,
            ));
            v.push((
                "Terraform output",
                [&*t, "_instance_profile_arn"].concat(),
                &r.origin,
            ));
            v.push((
                "Terraform output",
                [&*t, "_instance_profile_name"].concat(),
                &r.origin,
            ));
            v.push((
                "CloudFormation output",
                [&*c, "InstanceProfileArn"].concat(),
                &r.origin,
            ));
            v.push((
                "CloudFormation output",
                [&*c, "InstanceProfileName"].concat(),
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
    const COND: &str = "CloudFormation condition";
    for c in m.conditions.values() {
        let n = c.name.as_str();
        v.push((COND, n.to_owned(), &c.origin));
        v.push((COND, ["Not", n].concat(), &c.origin));
        v.push(("Terraform local", c.name.snake(), &c.origin));
    }
    for p in m.params.values().filter(|p| p.kind == ParamKind::Bool) {
        v.push((COND, format!("{}IsTrue", p.name), &p.origin));
        v.push((COND, format!("{}IsFalse", p.name), &p.origin));
    }
    // One `Has<P>` serves every optional value of the parameter (none when the spec has its
    // own `not_empty` condition).
    for p in m.optional_params() {
        let name = m.has_condition(p);
        if !m.conditions.contains_key(name.as_str()) {
            v.push((COND, name, &m.params[p].origin));
        }
    }
    // One `AAndB` serves every resource switched by both: a clash only with another name.
    let mut both_seen = std::collections::HashSet::new();
    // One `Has<List>` serves every role attaching that list parameter.
    let mut lists_seen = std::collections::HashSet::new();
    for r in m.roles.values() {
        for h in &r.hatches {
            v.push((COND, format!("Has{}", h.cfn_param(&r.id)), &r.origin));
        }
        if let Some(crate::model::ArnList::Param(a, p)) = r.arn_list() {
            if lists_seen.insert(p) {
                v.push((COND, ["Has", p.as_str()].concat(), &a.origin));
            }
        }
        let own = r.inline.iter().map(|p| (&p.when, &p.origin));
        let profile = r.instance_profile.iter().map(|ip| (&ip.when, &r.origin));
        for (when, origin) in own.chain(profile) {
            if let (Some(a), Some(b)) = (&r.when, when) {
                let both = format!("{}And{}", m.cfn_condition(a), m.cfn_condition(b));
                if both_seen.insert(both.clone()) {
                    v.push((COND, both, origin));
                }
            }
        }
    }
    v
}

pub(super) fn check(v: &mut Validator) {
    let ids = identifiers(v.m);
    let mut seen: FastMap<(&'static str, String), &YamlPath> =
        FastMap::with_capacity_and_hasher(ids.len(), Default::default());
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
    for r in m.roles.values() {
        if let Some(crate::model::ArnList::Param(_, p)) = r.arn_list() {
            used.insert(p.as_str());
        }
    }
    let mut tested = Vec::new();
    m.conditions
        .values()
        .for_each(|c| c.test.params(&mut tested));
    used.extend(tested.iter().map(ParamName::as_str));
    // A condition no `when:` names (directly or through another condition) changes nothing.
    let mut named = Vec::new();
    for c in m.conditions.values() {
        named_by(&c.test, &mut named);
    }
    for c in m.conditions.values() {
        if !used.contains(c.name.as_str()) && !named.contains(&c.name.as_str()) {
            v.report(
                &rules::UNUSED_PARAMETER,
                &[],
                &c.origin,
                format!("condition `{}` is not used by any `when:` or other condition", c.name),
                "use it in a `when:`, or remove it (it would be a CloudFormation condition and a Terraform local that change nothing)".into(),
            );
        }
    }
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

/// The conditions a test names.
fn named_by<'t>(t: &'t Test, out: &mut Vec<&'t str>) {
    match t {
        Test::Named(n, _) => out.push(n.as_str()),
        Test::And(v) | Test::Or(v) => v.iter().for_each(|t| named_by(t, out)),
        Test::Not(t) => named_by(t, out),
        Test::Flag(_) | Test::Equals(..) | Test::NotEmpty(..) => {}
    }
}

/// Mappings a lookup may miss: picked by `AWS::Partition` without every partition, by a
/// parameter whose allowed values they do not all cover (or that has none); and mappings no
/// string reads.
pub(super) fn mapping_gaps(v: &mut Validator) {
    let m = v.m;
    if m.mappings.is_empty() {
        return;
    }
    let mut by: Vec<(String, LookupKey)> = Vec::new();
    m.visit_templates(|t| {
        for l in t.lookups() {
            if !by.iter().any(|(n, b)| *n == l.map && *b == l.by) {
                by.push((l.map.clone(), l.by.clone()));
            }
        }
    });
    // Terraform's locals: one per mapping (`mapping_<snake>`) and one per named condition.
    let mut locals: std::collections::HashMap<String, String> = m
        .conditions
        .values()
        .map(|c| (c.name.snake(), format!("condition `{}`", c.name)))
        .collect();
    for map in m.mappings.values() {
        let local = mapping_local(&map.name);
        if let Some(first) = locals.insert(local.clone(), format!("mapping `{}`", map.name)) {
            v.report_on_key(
                &rules::DUPLICATE_NAME,
                &[],
                &map.origin,
                format!(
                    "mapping `{}` and {first} both become the Terraform local `{local}`",
                    map.name
                ),
                "rename one of them".into(),
            );
        }
    }
    for map in m.mappings.values() {
        let missing = |wanted: &mut dyn Iterator<Item = &str>| -> Vec<String> {
            wanted
                .filter(|e| !map.entries.contains_key(*e))
                .map(|e| format!("`{e}`"))
                .collect()
        };
        let mut found: Vec<(String, String)> = Vec::new();
        if !by.iter().any(|(n, _)| *n == map.name) {
            found.push((
                format!(
                    "mapping `{}` is not read by any `${{mappings.{}[...]...}}`",
                    map.name, map.name
                ),
                "use it, or remove it (both outputs would carry it for nothing)".into(),
            ));
        }
        for (_, key) in by.iter().filter(|(n, _)| *n == map.name) {
            match key {
                LookupKey::Pseudo(Pseudo::Partition) => {
                    let lacks = missing(&mut crate::model::template::PARTITIONS.into_iter());
                    if !lacks.is_empty() {
                        found.push((
                            format!("mapping `{}` is picked by `AWS::Partition` and has no entry {}: deploying there fails (CloudFormation at `Fn::FindInMap`, Terraform at the plan)", map.name, lacks.join(", ")),
                            "add the entries, or `allow: [RG021]` when the module is deployed only where the mapping has an entry".into(),
                        ));
                    }
                }
                LookupKey::Param(n) => match m.params.get(n) {
                    Some(p) if !p.allowed_values.is_empty() => {
                        let lacks = missing(&mut p.allowed_values.iter().map(String::as_str));
                        if !lacks.is_empty() {
                            found.push((
                                format!("mapping `{}` is picked by `{n}`, whose allowed values {} it has no entry for: deploying with them fails", map.name, lacks.join(", ")),
                                "add the entries, or narrow the parameter's `allowed_values`".into(),
                            ));
                        }
                    }
                    _ => found.push((
                        format!("mapping `{}` is picked by `{n}`, which may take a value the mapping has no entry for: deploying with it fails (CloudFormation at `Fn::FindInMap`, Terraform at the plan)", map.name),
                        format!("give `{n}` `allowed_values` that the mapping covers"),
                    )),
                },
                LookupKey::Pseudo(_) => {}
            }
        }
        for (msg, help) in found {
            v.report_on_key(&rules::MAPPING_GAPS, &[], &map.origin, msg, help);
        }
    }
}
