//! Web-identity trust lints: who, of everyone an OIDC issuer signs tokens for, may assume the
//! role. RG310 (subject not pinned), RG311 (no audience), RG312 (GitHub: any ref), RG313 (IRSA:
//! wildcard namespace or service account). They read the lowered trust statements, so the
//! `github` and `irsa` helpers, raw `statement` entries and `trust_document`s are judged alike.

use super::{grants, Validator};
use crate::model::*;
use crate::rules;
use crate::source::{Seg, YamlPath};

/// GitHub Actions' OIDC issuer.
pub(crate) const GITHUB_ISSUER: &str = "token.actions.githubusercontent.com";

/// Identity providers IAM names without an ARN, with their audience key (IAM User Guide,
/// "Available keys for AWS web identity federation"). Their subject is not required: the
/// audience pins the application or identity pool, whose users are meant to sign in.
pub(crate) const NAMED_PROVIDERS: &[(&str, &str)] = &[
    (
        "cognito-identity.amazonaws.com",
        "cognito-identity.amazonaws.com:aud",
    ),
    ("accounts.google.com", "accounts.google.com:aud"),
    ("graph.facebook.com", "graph.facebook.com:app_id"),
    ("www.amazon.com", "www.amazon.com:app_id"),
];

/// How many tokens a statement's subject conditions let in, narrowest last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Breadth {
    /// One repository's refs or environments, one service account, ...
    Pinned,
    /// An EKS subject with a wildcard namespace or service account.
    AnyServiceAccount,
    /// A GitHub repository, any ref, pull request or environment.
    AnyRef,
    /// Every subject of the issuer (no condition, `*`, or a GitHub owner wildcard).
    Any,
}

/// The OIDC issuer a federated principal names: the text after `oidc-provider/` of its ARN
/// (placeholders kept), or the bare name of a provider IAM knows by name.
enum Issuer {
    /// `arn:...:oidc-provider/<issuer>`.
    Oidc(Template),
    /// One of [`NAMED_PROVIDERS`]: its audience key.
    Named(&'static str),
    /// A placeholder or anything else: the keys are unknown.
    Unknown,
}

fn issuer(principal: &Template) -> Option<Issuer> {
    if let Some(lit) = principal.as_literal() {
        if let Some((_, aud)) = NAMED_PROVIDERS
            .iter()
            .find(|(name, _)| lit.eq_ignore_ascii_case(name))
        {
            return Some(Issuer::Named(aud));
        }
        if lit.contains(":saml-provider/") {
            return None;
        }
    }
    const MARK: &str = ":oidc-provider/";
    let mut out = Template::default();
    let mut seen = false;
    for p in &principal.parts {
        match p {
            Part::Lit(l) if !seen => {
                if let Some(i) = l.find(MARK) {
                    seen = true;
                    out.push(Part::Lit(l[i + MARK.len()..].to_owned()));
                }
            }
            other if seen => out.push(other.clone()),
            _ => {}
        }
    }
    Some(if seen {
        Issuer::Oidc(out)
    } else {
        Issuer::Unknown
    })
}

/// The key spelled as written, lower-case (IAM condition keys are case-insensitive).
fn key_text(t: &Template) -> String {
    t.display().to_ascii_lowercase()
}

/// A condition that can only narrow who matches: a positive string test.
fn positive(c: &Condition) -> bool {
    matches!(
        c.op.test,
        ConditionTest::StringEquals
            | ConditionTest::StringEqualsIgnoreCase
            | ConditionTest::StringLike
    )
}

fn wildcards(c: &Condition) -> bool {
    c.op.test == ConditionTest::StringLike
}

/// A value as a pattern: literal text, each placeholder replaced by its parameter's default
/// (which the deployed value usually is) or by a neutral word.
fn pattern(v: &Template, m: &Module) -> String {
    v.render_with(|p| match p {
        Part::Param(n) => match m.params.get(n).and_then(|p| p.default.as_ref()) {
            Some(ParamValue::Str(s)) => s.clone(),
            _ => "x".into(),
        },
        _ => "x".into(),
    })
}

fn all_wild(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c == '*' || c == '?')
}

/// How much one `sub` value lets in, for `issuer` (GitHub and EKS subjects have a known shape).
fn value_breadth(value: &str, wild: bool, github: bool) -> Breadth {
    if !wild || !value.contains(['*', '?']) {
        return Breadth::Pinned;
    }
    if all_wild(value) {
        return Breadth::Any;
    }
    if github {
        let Some(rest) = value.strip_prefix("repo:") else {
            // `*:...` before the repository, or a customised subject template.
            return if value.starts_with(['*', '?']) {
                Breadth::Any
            } else {
                Breadth::Pinned
            };
        };
        // `repo:<owner>/<name>:<context>`: the owner ends at the first `/`, or at a `:` if the
        // value has none (`repo:*:*`).
        let owner_end = rest.find(['/', ':']).unwrap_or(rest.len());
        if rest[..owner_end].contains(['*', '?']) || owner_end == rest.len() {
            return Breadth::Any;
        }
        let after_owner = &rest[owner_end + 1..];
        return match after_owner.split_once(':') {
            Some((_, context)) if all_wild(context) => Breadth::AnyRef,
            Some(_) => Breadth::Pinned,
            // `repo:o/r*`: the wildcard runs into the context.
            None if after_owner.contains(['*', '?']) => Breadth::AnyRef,
            None => Breadth::Pinned,
        };
    }
    if let Some(rest) = value.strip_prefix("system:serviceaccount:") {
        let mut it = rest.splitn(2, ':');
        let ns = it.next().unwrap_or_default();
        let sa = it.next().unwrap_or("*");
        // A pod may run as any service account of its namespace: the namespace is the
        // boundary, so any wildcard there counts, and in the account only a whole `*`.
        if ns.contains(['*', '?']) || all_wild(sa) {
            return Breadth::AnyServiceAccount;
        }
    }
    Breadth::Pinned
}

/// Where to point: the helper's field when the statement came from a helper, else its
/// `Condition` (or the statement).
fn at(s: &Statement, helper: &str, field: &str) -> YamlPath {
    let from_helper = matches!(s.origin.last(), Some(Seg::Index(_)))
        && matches!(s.origin.parent().last(), Some(Seg::Key(k)) if k == "trust");
    if from_helper {
        s.origin.key(helper).key(field)
    } else {
        s.origin.key("Condition")
    }
}

pub(super) fn check(v: &mut Validator) {
    let m = v.m;
    for r in m.roles.values() {
        for s in &r.trust.statements {
            if s.effect != Effect::Allow || !grants(s, "sts:AssumeRoleWithWebIdentity") {
                continue;
            }
            let Some(Principal::Typed(map)) = &s.principal else {
                continue;
            };
            let Some(federated) = map.get(&PrincipalType::Federated) else {
                continue;
            };
            let allows = [&r.allow, &s.allow];
            for p in federated {
                if let Some(issuer) = issuer(p) {
                    statement(v, s, &allows, &issuer, &p.display());
                }
            }
        }
    }
}

fn statement(v: &mut Validator, s: &Statement, allows: &[&Allow], issuer: &Issuer, shown: &str) {
    let m = v.m;
    // Keys as written for messages; compared lower-case.
    let (sub_key, aud_keys): (Option<String>, Vec<String>) = match issuer {
        Issuer::Oidc(i) => {
            let i = i.display();
            (Some(format!("{i}:sub")), vec![format!("{i}:aud")])
        }
        Issuer::Named(aud) => (None, vec![(*aud).to_owned()]),
        Issuer::Unknown => (Some(":sub".into()), vec![":aud".into()]),
    };
    let matches_key = |c: &Condition, want: &str| {
        let k = key_text(&c.key);
        let want = want.to_ascii_lowercase();
        if matches!(issuer, Issuer::Unknown) {
            k.ends_with(&want)
        } else {
            k == want
        }
    };
    let github = matches!(issuer, Issuer::Oidc(i) if key_text(i) == GITHUB_ISSUER);
    let has_aud = s.conditions.iter().any(|c| {
        positive(c)
            && aud_keys.iter().any(|k| matches_key(c, k))
            && !c
                .values
                .iter()
                .all(|x| wildcards(c) && all_wild(&pattern(x, m)))
    });
    if !has_aud {
        v.report(
            &rules::WEB_IDENTITY_WITHOUT_AUDIENCE,
            allows,
            &s.origin.key("Condition"),
            format!("the web-identity trust of `{shown}` has no `{}` condition: tokens the issuer minted for any audience are accepted", aud_keys[0].trim_start_matches(':')),
            match issuer {
                Issuer::Named(k) if k.starts_with("cognito") => format!("add `StringEquals: {{{k}: <identity pool id>}}`"),
                Issuer::Named(k) => format!("add `StringEquals: {{{k}: <your application id>}}`"),
                _ => format!("add `StringEquals: {{{}: sts.amazonaws.com}}` (or the audience your tokens carry)", aud_keys[0].trim_start_matches(':')),
            },
        );
    }
    let Some(sub_key) = sub_key else {
        return;
    };
    // Conditions are ANDed: the narrowest `sub` condition decides; within one, any value matches.
    let breadth = s
        .conditions
        .iter()
        .filter(|c| positive(c) && matches_key(c, &sub_key))
        .map(|c| {
            c.values
                .iter()
                .map(|x| value_breadth(&pattern(x, m), wildcards(c), github))
                .max()
                .unwrap_or(Breadth::Any)
        })
        .min()
        .unwrap_or(Breadth::Any);
    let sub = sub_key.trim_start_matches(':');
    // The IRSA field that holds the wildcard: the namespace unless only the account has one.
    let irsa_field = s
        .conditions
        .iter()
        .filter(|c| positive(c) && matches_key(c, &sub_key))
        .flat_map(|c| &c.values)
        .map(|x| pattern(x, m))
        .find_map(|p| {
            let rest = p.strip_prefix("system:serviceaccount:")?;
            let ns = rest.split(':').next().unwrap_or_default();
            Some(if ns.contains(['*', '?']) {
                "namespace"
            } else {
                "service_account"
            })
        })
        .unwrap_or("namespace");
    match breadth {
        Breadth::Any if github => v.report(
            &rules::WEB_IDENTITY_ANY_SUBJECT,
            allows,
            &at(s, "github", "repo"),
            format!("the GitHub trust does not pin the repository owner in `{sub}`: every GitHub Actions workflow of every repository on GitHub can assume the role"),
            "name the repository: `repo: <owner>/<name>` (or `<owner>/*`) with `subjects`, or `repo:<owner>/<name>:ref:refs/heads/main` in the condition".into(),
        ),
        Breadth::Any => v.report(
            &rules::WEB_IDENTITY_ANY_SUBJECT,
            allows,
            &s.origin.key("Condition"),
            format!("the web-identity trust of `{shown}` does not pin `{sub}`: every identity the issuer signs tokens for can assume the role"),
            format!("add `StringEquals: {{{sub}: <subject>}}` (EKS: `system:serviceaccount:<namespace>:<service account>`), or use the `irsa`/`github` helper"),
        ),
        Breadth::AnyRef => v.report(
            &rules::GITHUB_ANY_REF,
            allows,
            &at(s, "github", "subjects"),
            "the GitHub trust pins the repository but not the ref: every branch, tag, pull request and environment of it can assume the role".into(),
            "add `subjects: [\"ref:refs/heads/main\"]` (or `environment:<name>`) to the `github` entry".into(),
        ),
        Breadth::AnyServiceAccount => v.report(
            &rules::IRSA_WILDCARD_SUBJECT,
            allows,
            &at(s, "irsa", irsa_field),
            format!("the EKS trust matches `{sub}` with a wildcard in the namespace or service account: every pod running under a matching service account can assume the role"),
            "name the namespace and service account the workload runs as".into(),
        ),
        Breadth::Pinned => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_breadth() {
        use Breadth::*;
        // (value, StringLike, GitHub issuer, breadth)
        let cases = [
            ("repo:*:*", true, true, Any),
            ("*", true, true, Any),
            ("repo:*", true, true, Any),
            ("repo:*/infra:*", true, true, Any),
            ("repo:org*/infra:ref:refs/heads/main", true, true, Any),
            ("repo:o/r:*", true, true, AnyRef),
            ("repo:o/*:*", true, true, AnyRef),
            ("repo:o/r*", true, true, AnyRef),
            ("repo:o/r:ref:refs/heads/*", true, true, Pinned),
            ("repo:o/*:environment:prod", true, true, Pinned),
            ("repository_owner_id:42:*", true, true, Pinned),
            // StringEquals takes `*` literally: it pins.
            ("repo:*:*", false, true, Pinned),
            (
                "system:serviceaccount:*:app",
                true,
                false,
                AnyServiceAccount,
            ),
            ("system:serviceaccount:ns:*", true, false, AnyServiceAccount),
            ("system:serviceaccount:*", true, false, AnyServiceAccount),
            (
                "system:serviceaccount:team-*:app",
                true,
                false,
                AnyServiceAccount,
            ),
            ("system:serviceaccount:ns", true, false, Pinned),
            ("system:serviceaccount:ns:app", true, false, Pinned),
            ("system:serviceaccount:ns:worker-*", true, false, Pinned),
            ("*", true, false, Any),
        ];
        for (value, wild, github, want) in cases {
            assert_eq!(value_breadth(value, wild, github), want, "{value}");
        }
    }
}
