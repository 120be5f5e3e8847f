//! Checks against the IAM action catalogue: unknown services and actions (with did-you-mean),
//! wildcards that match nothing, resources no action of the statement applies to, and
//! `Resource: "*"` on actions that support resource-level permissions.

use super::Validator;
use crate::catalog::{catalog, Action, Service};
use crate::hash::FastMap as HashMap;
use crate::model::*;
use crate::rules;

pub(super) fn check(v: &mut Validator) {
    let cat = catalog();
    let config = crate::config::project();
    let mut known: HashMap<&str, Known> = HashMap::default();
    for (doc, scope) in v.documents() {
        for s in &doc.statements {
            let mut allows = scope.allows.clone();
            allows.push(&s.allow);
            let field = if s.not_action { "NotAction" } else { "Action" };
            let mut granted: Vec<(&Service, &Action)> = Vec::new();
            for (i, a) in s.actions.iter().enumerate() {
                let at = if s.actions.len() > 1 {
                    s.origin.key(field).index(i)
                } else {
                    s.origin.key(field)
                };
                if a == "*" {
                    continue;
                }
                let Some((prefix, name)) = a.split_once(':') else {
                    continue;
                };
                // What the catalogue says of an action depends on its text only: asked once
                // per distinct action (a large module repeats the same few thousand times).
                let known = known.entry(a.as_str()).or_insert_with(|| {
                    if crate::catalog::action_problem(a).is_some() {
                        Known::Malformed
                    } else if !prefix.contains(['*', '?'])
                        && cat.service(prefix).is_none()
                        && !config.is_extra_service(prefix)
                    {
                        Known::UnknownService
                    } else {
                        Known::Actions(cat.expand(a))
                    }
                });
                let matched = match known {
                    Known::Malformed => continue, // RG103 reports it
                    Known::UnknownService => {
                        let help = match cat.suggest_service(prefix) {
                            Some(sug) => format!("did you mean `{sug}:{name}`?"),
                            None => {
                                "check the prefix in the AWS Service Authorization Reference; a service newer than the catalogue goes in `[catalog] extra_actions` of rolegen.toml".into()
                            }
                        };
                        v.report(
                            &rules::UNKNOWN_SERVICE,
                            &allows,
                            &at,
                            format!("`{prefix}` is not an IAM service prefix"),
                            help,
                        );
                        continue;
                    }
                    Known::Actions(matched) => matched,
                };
                if matched.is_empty() && !config.matches_extra_action(a) {
                    let wild = name.contains(['*', '?']);
                    let help = match (wild, cat.suggest_action(prefix, name)) {
                        (false, Some(sug)) => format!("did you mean `{prefix}:{sug}`?"),
                        (true, _) => format!("no `{prefix}` action matches; list the service's actions with the AWS Service Authorization Reference"),
                        (false, None) => format!("`{prefix}` has no such action in the catalogue; check the spelling in the AWS Service Authorization Reference, and list an action newer than the catalogue in `[catalog] extra_actions` of rolegen.toml"),
                    };
                    let what = if wild {
                        "matches no IAM action"
                    } else {
                        "is not an IAM action"
                    };
                    v.report(
                        &rules::UNKNOWN_ACTION,
                        &allows,
                        &at,
                        format!("`{a}` {what}"),
                        help,
                    );
                    continue;
                }
                granted.extend(matched.iter().copied());
            }
            if s.effect != Effect::Allow
                || s.not_action
                || s.not_resource
                || doc.kind != DocKind::Identity
                || granted.is_empty()
            {
                continue;
            }
            let Some(resources) = &s.resources else {
                continue;
            };
            let star = resources
                .iter()
                .any(|t| t.as_literal().as_deref() == Some("*"));
            if star {
                let scoped: Vec<String> = granted
                    .iter()
                    .filter(|(_, a)| a.supports_resource_level())
                    .take(4)
                    .map(|(svc, a)| format!("{}:{}", svc.prefix(), a.name))
                    .collect();
                if !scoped.is_empty() && !s.actions.iter().any(|a| a == "*") {
                    v.report(
                        &rules::RESOURCE_STAR,
                        &allows,
                        &s.origin.key("Resource"),
                        format!(
                            "`Resource: \"*\"` with actions that can be scoped to resources ({}{})",
                            scoped.join(", "),
                            if scoped.len() == 4 { ", ..." } else { "" }
                        ),
                        "name the resources (ARNs) the actions need, or allow RG113 with a reason"
                            .into(),
                    );
                }
            }
            for t in resources {
                if let Some(problem) = resource_mismatch(t, &granted) {
                    v.report(&rules::RESOURCE_TYPE_MISMATCH, &allows, &s.origin.key("Resource"), problem, "check the ARN: a missing `/*` for objects, or a resource of another service".into());
                }
            }
        }
    }
}

/// Services whose Service Authorization Reference is split over two pages that share one
/// prefix: `elasticloadbalancing` (Classic Load Balancers and ELB v2 list `AddTags`,
/// `DescribeTags`, ... with different resource types). The catalogue keeps one page's
/// entry for such an action, so it cannot say which of the service's resource types an
/// action takes: any of them fits any of its actions. An ARN that is none of them, or a
/// statement without an action of the service, is still reported.
const SPLIT_SERVICES: &[&str] = &["elasticloadbalancing"];

/// Why no granted action applies to resource `t`, if none does.
fn resource_mismatch(t: &Template, granted: &[(&Service, &Action)]) -> Option<String> {
    if t.parts.len() == 1 && !matches!(t.parts[0], Part::Lit(_)) {
        return None;
    }
    let arn = t.render_with(|p| match p {
        Part::Pseudo(Pseudo::Partition) => "aws".into(),
        Part::Pseudo(Pseudo::AccountId) => "123456789012".into(),
        Part::Pseudo(Pseudo::Region) => "us-east-1".into(),
        Part::Pseudo(Pseudo::UrlSuffix) => "amazonaws.com".into(),
        Part::Pseudo(Pseudo::StackName) => crate::model::conventions::SAMPLE_STACK_NAME.into(),
        _ => "*".into(),
    });
    if arn == "*" || !arn.starts_with("arn:") {
        return None;
    }
    let service = arn.split(':').nth(2)?;
    if service.contains('*') {
        return None;
    }
    let cat = catalog();
    let own = cat.service(service)?;
    let types = cat.resource_types_matching(service, &arn);
    let split = SPLIT_SERVICES.contains(&service);
    // Each action names the resource types it takes, other services' included (`ssm:SendCommand`
    // takes an EC2 `instance`, `sts:AssumeRole` an IAM `role`); the ARN fits an action when it
    // matches one of them, as listed by the action's own service.
    // The ARN's own service is matched already (most statements act on their own service).
    let mut by_service: Vec<(&str, Vec<&str>)> = vec![(own.prefix(), types.clone())];
    let applies = granted.iter().any(|(svc, a)| {
        if split && svc.prefix().eq_ignore_ascii_case(service) {
            return !types.is_empty();
        }
        if a.resource_types.is_empty() {
            return false;
        }
        let i = match by_service.iter().position(|(p, _)| *p == svc.prefix()) {
            Some(i) => i,
            None => {
                let types = cat.resource_types_matching(svc.prefix(), &arn);
                by_service.push((svc.prefix(), types));
                by_service.len() - 1
            }
        };
        let types = &by_service[i].1;
        a.resource_types
            .iter()
            .any(|r| types.iter().any(|t| t.eq_ignore_ascii_case(r.name)))
    });
    if applies {
        return None;
    }
    let same_service = granted
        .iter()
        .any(|(svc, _)| svc.prefix().eq_ignore_ascii_case(service));
    Some(if types.is_empty() {
        format!("`{}` matches no `{service}` resource type", t.display())
    } else if same_service {
        format!(
            "no action of the statement applies to `{}` (resource type `{service}` {})",
            t.display(),
            types.join("/")
        )
    } else {
        format!(
            "the statement grants no `{service}` action, so `{}` (a resource of `{service}`) grants nothing",
            t.display()
        )
    })
}

/// What the catalogue says of one action's text.
enum Known<'c> {
    /// Not `service:action` as IAM writes it (RG103 reports it).
    Malformed,
    /// Its service prefix is neither in the catalogue nor configured.
    UnknownService,
    /// The actions it names (none: unknown).
    Actions(Vec<(&'c Service, &'c Action)>),
}
