//! What the backends can express: list parameters inside strings in CloudFormation, the number
//! of switch combinations of a JSON-string document, and switched references.

use super::Validator;
use crate::model::*;
use crate::rules;

/// Largest number of distinct switches in a document emitted as `Fn::Sub` JSON variants.
pub(crate) const MAX_JSON_SWITCHES: usize = 4;

/// CloudFormation's quotas per template.
const MAX_RESOURCES: usize = 500;
const MAX_OUTPUTS: usize = 200;
const MAX_PARAMETERS: usize = 200;

/// Counts what the stack will hold and reports the CloudFormation quotas it exceeds.
fn stack_quotas(v: &mut Validator) {
    let m = v.m;
    let mut resources = 0;
    for r in m.roles.values() {
        resources += 1 + r.inline.iter().filter(|p| p.when.is_some()).count();
        resources += usize::from(r.instance_profile.is_some());
    }
    resources += m.policies.len() + m.oidc_providers.len();
    for k in m.kms_keys.values() {
        resources += 1 + usize::from(k.alias.is_some());
    }
    let outputs: usize = crate::model::conventions::output_groups(m)
        .map(|g| g.kinds().count())
        .sum();
    let hatches = crate::model::conventions::hatch_params(m).count();
    let parameters = m.params.len()
        + hatches
        + usize::from(crate::model::conventions::longest_export(m).is_some());
    for (what, n, max) in [
        ("resources", resources, MAX_RESOURCES),
        ("outputs", outputs, MAX_OUTPUTS),
        ("parameters", parameters, MAX_PARAMETERS),
    ] {
        if n > max {
            let (msg, help) = if what == "parameters" && hatches > 0 {
                (
                    format!("the CloudFormation stack would hold {n} {what} ({hatches} of them escape hatches of its roles); CloudFormation allows {max} per template"),
                    "turn the escape hatches off (`hatches: false` at module level, or per role, or list only the ones callers need), split the spec into smaller modules, or allow RG404 at module level (with a reason) if only the Terraform module is used".to_owned(),
                )
            } else if what == "outputs" {
                (
                    format!("the CloudFormation stack would hold {n} {what}; CloudFormation allows {max} per template"),
                    "keep only the outputs callers read (`outputs: {roles: [arn]}` at module level), split the spec into smaller modules, or allow RG404 at module level (with a reason) if only the Terraform module is used".to_owned(),
                )
            } else {
                (
                    format!("the CloudFormation stack would hold {n} {what}; CloudFormation allows {max} per template"),
                    "split the spec into smaller modules, or allow RG404 at module level (with a reason) if only the Terraform module is used".to_owned(),
                )
            };
            v.report(
                &rules::STACK_QUOTA,
                &[],
                &crate::source::YamlPath::root().key("module"),
                msg,
                help,
            );
        }
    }
}

/// A module using `${AWS::StackName}` has the Terraform variable `stack_name`: no parameter
/// may become a variable of that name.
fn stack_name_variable(v: &mut Validator) {
    use crate::model::conventions::STACK_NAME_VARIABLE;
    let m = v.m;
    if !m.pseudos_used().contains(&Pseudo::StackName) {
        return;
    }
    for p in m.params.values() {
        if p.name.snake() == STACK_NAME_VARIABLE {
            v.report_key(
                &rules::WRONG_TYPE,
                &p.origin,
                format!("parameter `{}` becomes the Terraform variable `{STACK_NAME_VARIABLE}`, which stands for `${{AWS::StackName}}` in a module that uses it", p.name),
                format!("rename it, e.g. `{}Value`, or write `${{AWS::StackName}}` where it is used", p.name),
            );
        }
    }
}

/// With `adopt: true`, every import ID must be known when the module is built.
fn adoptable(v: &mut Validator) {
    let m = v.m;
    if !m.adopt {
        return;
    }
    let root = crate::source::YamlPath::root();
    let mut found: Vec<(crate::source::YamlPath, String, String)> = Vec::new();
    for p in m.params.values().filter(|p| p.default.is_none()) {
        found.push((
            p.origin.clone(),
            format!(
                "parameter `{}` has no default, and the adoption configuration passes no values",
                p.name.as_str()
            ),
            "give it the default the existing resources were made with".into(),
        ));
    }
    for r in m.roles.values() {
        if !r
            .name
            .fixed()
            .is_some_and(|n| m.optional_param(n).is_none())
        {
            found.push((
                r.origin.clone(),
                format!(
                    "role `{}` has no fixed name (or one that is generated while its parameter is empty): its import ID (the role name) is not known",
                    r.id.as_str()
                ),
                "give the role the `name` it has in the account".into(),
            ));
        }
        let switched = r.when.is_some()
            || r.inline.iter().any(|p| p.when.is_some())
            || r.managed.iter().any(|a| a.when.is_some())
            || r.instance_profile
                .as_ref()
                .is_some_and(|ip| ip.when.is_some());
        if switched {
            found.push((
                r.origin.clone(),
                format!("role `{}` (or one of its policies or attachments) is switched by `when:`: whether it exists is decided at deploy time", r.id.as_str()),
                "remove the switch, or adopt this role in a module without `adopt: true`".into(),
            ));
        }
    }
    // An import ID that reads a mapping by the partition or region, or cuts a pseudo
    // parameter, is known only where the module is deployed.
    let mut ids: Vec<(&crate::source::YamlPath, &Template)> = Vec::new();
    for p in m.policies.values() {
        ids.extend(p.path.iter().chain(p.name.fixed()).map(|t| (&p.origin, t)));
        if p.name.fixed().is_none() {
            found.push((
                p.origin.clone(),
                format!(
                    "policy `{}` has no fixed name (a `name_prefix` or a generated name): its import ID (the policy ARN) is not known",
                    p.id.as_str()
                ),
                "give the policy the `name` it has in the account".into(),
            ));
        }
    }
    for r in m.roles.values() {
        if let RoleName::Fixed(n) = &r.name {
            ids.push((&r.origin, n));
        }
        for a in &r.managed {
            if let PolicyRef::Arn(t) = &a.target {
                ids.push((&r.origin, t));
            }
        }
        if let Some(n) = r.instance_profile.as_ref().and_then(|ip| ip.name.as_ref()) {
            ids.push((&r.origin, n));
        }
    }
    for (at, t) in ids {
        let by_pseudo = t
            .lookups()
            .find(|l| matches!(l.by, LookupKey::Pseudo(_)))
            .map(|l| l.spec())
            .or_else(|| {
                t.pieces()
                    .find(|x| matches!(x.of, LookupKey::Pseudo(_)))
                    .map(|x| x.spec())
            });
        if let Some(spec) = by_pseudo {
            found.push((
                at.clone(),
                format!("`{}` reads `${{{spec}}}`: the import ID depends on where the module is deployed", t.display()),
                "write the name the existing resource has, or read a parameter with a default instead".into(),
            ));
        }
    }
    for p in m.policies.values().filter(|p| p.when.is_some()) {
        found.push((
            p.origin.clone(),
            format!("policy `{}` is switched by `when:`", p.id.as_str()),
            "remove the switch".into(),
        ));
    }
    if m.pseudos_used().contains(&Pseudo::StackName) {
        found.push((
            root.clone(),
            "the module uses `${AWS::StackName}`: the names it builds from it are known only when a stack name is given at deploy time".into(),
            "write the deployed names literally in a module with `adopt: true`, or remove `adopt: true`".into(),
        ));
    }
    for o in m.oidc_providers.values() {
        found.push((
            o.origin.clone(),
            format!(
                "OIDC provider `{}`: adoption covers roles, policies and instance profiles",
                o.id.as_str()
            ),
            "move the provider into a module without `adopt: true`".into(),
        ));
    }
    for k in m.kms_keys.values() {
        found.push((
            k.origin.clone(),
            format!(
                "KMS key `{}`: adoption covers roles, policies and instance profiles",
                k.id.as_str()
            ),
            "move the key into a module without `adopt: true`".into(),
        ));
    }
    for (at, msg, help) in found {
        let at = if at == crate::source::YamlPath::root() {
            root.key("adopt")
        } else {
            at
        };
        v.report(&rules::ADOPT_UNRESOLVED, &[], &at, msg, help);
    }
}

/// Trust principals that are on by default must be deployable with the defaults: an empty
/// account id (a parameter defaulting to `""`) makes IAM refuse the role.
fn default_principals(v: &mut Validator) {
    let m = v.m;
    let has_empty_default = m
        .params
        .values()
        .any(|p| matches!(&p.default, Some(ParamValue::Str(s)) if s.is_empty()));
    if !has_empty_default {
        return;
    }
    let b = crate::model::resolve::Bindings::defaults(m);
    for r in m.roles.values().filter(|r| b.on(&r.when)) {
        for s in r.trust.statements.iter().filter(|s| b.on(&s.when)) {
            let Some(Principal::Typed(p)) = &s.principal else {
                continue;
            };
            for t in p.get(&PrincipalType::Aws).into_iter().flatten() {
                if t.params().next().is_none() {
                    continue;
                }
                let arn = b.scalar(t);
                let mut parts = arn.split(':');
                let empty_account = parts.next() == Some("arn") && parts.nth(3) == Some("");
                if empty_account {
                    v.report(
                        &rules::DEFAULT_NOT_DEPLOYABLE,
                        &[&m.allow, &r.allow, &s.allow],
                        &s.origin,
                        format!("with the parameters' defaults the principal of role `{}` is `{arn}`, which has no account id: IAM refuses it", r.id),
                        "remove the empty default of the parameter (it is then required), or allow RG406 on this trust entry with the reason when the value is needed only in this mode".into(),
                    );
                }
            }
        }
    }
}

pub(super) fn check(v: &mut Validator) {
    stack_quotas(v);
    adoptable(v);
    stack_name_variable(v);
    default_principals(v);
    let m = v.m;
    let is_list = |p: &ParamName| m.params.get(p).is_some_and(|x| x.kind == ParamKind::List);
    for (doc, scope) in v.documents() {
        let json = doc
            .statements
            .iter()
            .any(|s| s.conditions.iter().any(|c| c.key.is_dynamic()));
        if json {
            let mut params: Vec<&ParamName> = doc
                .statements
                .iter()
                .filter_map(|s| s.when.as_ref())
                .map(|w| &w.param)
                .collect();
            params.sort();
            params.dedup();
            if params.len() > MAX_JSON_SWITCHES {
                v.report(&rules::SWITCH_LIMIT, &scope.allows, &doc.origin, format!("this document has condition keys with placeholders and {} switches ({} variants)", params.len(), 1usize << params.len()), format!("use at most {MAX_JSON_SWITCHES} distinct `when:` parameters in it, or split the role"));
            }
        }
        if json {
            json_unsafe_values(v, doc);
        }
        for s in &doc.statements {
            let mut allows = scope.allows.clone();
            allows.push(&s.allow);
            let resource_field = if s.not_resource {
                "NotResource"
            } else {
                "Resource"
            };
            let principal_field = if s.not_principal {
                "NotPrincipal"
            } else {
                "Principal"
            };
            let values = s
                .resources
                .iter()
                .flatten()
                .map(|t| (t, resource_field))
                .chain(
                    s.conditions
                        .iter()
                        .flat_map(|c| c.values.iter().map(|t| (t, "Condition"))),
                )
                .chain(match &s.principal {
                    Some(Principal::Typed(pm)) => pm
                        .values()
                        .flatten()
                        .map(|t| (t, principal_field))
                        .collect::<Vec<_>>(),
                    _ => Vec::new(),
                });
            // Lists that splice a whole list parameter beside other values: CloudFormation
            // joins them with `,` and splits again, so a comma in another value splits it too.
            let mut groups: Vec<(&[Template], &str)> = Vec::new();
            groups.extend(s.resources.as_deref().map(|r| (r, resource_field)));
            groups.extend(
                s.conditions
                    .iter()
                    .map(|c| (c.values.as_slice(), "Condition")),
            );
            if let Some(Principal::Typed(pm)) = &s.principal {
                groups.extend(pm.values().map(|v| (v.as_slice(), principal_field)));
            }
            for (items, field) in groups {
                let whole =
                    |t: &Template| matches!(t.parts.as_slice(), [Part::Param(p)] if is_list(p));
                if items.len() < 2 || !items.iter().any(whole) {
                    continue;
                }
                for t in items.iter().filter(|t| !whole(t)) {
                    let lit = t
                        .parts
                        .iter()
                        .any(|p| matches!(p, Part::Lit(l) if l.contains(',')));
                    let param = t.params().find(|p| {
                        m.params.get(*p).is_some_and(|x| {
                            [&x.default, &x.example].into_iter().flatten().any(|val| {
                                matches!(val, ParamValue::Str(s) | ParamValue::Number(s) if s.contains(','))
                            })
                        })
                    });
                    if lit || param.is_some() {
                        v.report(&rules::LIST_IN_STRING, &allows, &s.origin.key(field), format!("`{}` holds a comma and sits in a list beside a whole list parameter; CloudFormation joins such a list with commas and splits it again, so it would become two values", t.display()), "drop the comma, or give the value its own statement".into());
                    }
                }
            }
            for (t, field) in values {
                let Some(list) = t.params().find(|p| is_list(p)) else {
                    continue;
                };
                let other_dynamic = t.parts.iter().any(|p| {
                    matches!(p, Part::Pseudo(_)) || matches!(p, Part::Param(n) if n != list)
                });
                let lit_comma = t
                    .parts
                    .iter()
                    .any(|p| matches!(p, Part::Lit(l) if l.contains(',')));
                if t.parts.len() > 1 && (other_dynamic || lit_comma) {
                    v.report(&rules::LIST_IN_STRING, &allows, &s.origin.key(field), format!("`{}` puts the list parameter `{list}` inside a string with other placeholders; CloudFormation cannot build it per element", t.display()), "make the list hold whole values (full ARNs), or write the rest of the string literally".into());
                } else if t.parts.len() > 1 && m.params.get(list).is_some_and(|p| p.takes_empty) {
                    let around = t.display().replace(&format!("${{{list}}}"), "");
                    v.report(&rules::EMPTY_ITEM_IN_STRING, &allows, &s.origin.key(field), format!("`{}` is one string per item of `{list}`, whose items may be empty: a CloudFormation stack given an empty list gets `{around}`", t.display()), format!("give `{list}` a `pattern` that needs a character (`[^,]+`, or the items' shape)"));
                }
            }
        }
    }
    for r in m.roles.values() {
        for a in &r.managed {
            if let PolicyRef::Module(id) = &a.target {
                let Some(p) = m.policies.get(id) else {
                    continue;
                };
                if p.when.is_some() && p.when != a.when && p.when != r.when {
                    v.report(&rules::PARAMETER_MISUSE, &[], &a.origin, format!("policy `{id}` exists only `when: {}`, but this attachment does not carry that switch", p.when.as_ref().map(Switch::display).unwrap_or_default()), "give the attachment the same `when:` as the policy".into());
                }
            }
        }
    }
}

/// True if a value cannot be put into JSON text without escaping.
pub(crate) fn json_unsafe(s: &str) -> bool {
    s.chars()
        .any(|c| c == '"' || c == '\\' || (c as u32) < 0x20)
}

/// Parameters substituted into `Fn::Sub` JSON text must have JSON-safe defaults and examples.
fn json_unsafe_values(v: &mut Validator, doc: &PolicyDocument) {
    let mut used: Vec<ParamName> = Vec::new();
    crate::model::visit_doc(doc, &mut |t: &Template| used.extend(t.params().cloned()));
    used.sort();
    used.dedup();
    for name in used {
        let Some(p) = v.m.params.get(&name) else {
            continue;
        };
        let values: Vec<&String> = [&p.default, &p.example]
            .into_iter()
            .flatten()
            .flat_map(|val| match val {
                ParamValue::Str(s) | ParamValue::Number(s) => vec![s],
                ParamValue::List(items) => items.iter().collect(),
                ParamValue::Bool(_) => Vec::new(),
            })
            .collect();
        if let Some(bad) = values.into_iter().find(|s| json_unsafe(s)) {
            v.report(&rules::JSON_UNSAFE_PARAMETER, &[], &p.origin, format!("parameter `{name}` has the value {bad:?}, which CloudFormation would insert unescaped into the JSON text of a policy document"), "use a value without `\"`, `\\` and control characters".into());
        }
    }
}
