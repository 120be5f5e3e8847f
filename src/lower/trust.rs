//! Trust helpers: `service`, `account`, `irsa`, `pod_identity`, `github`, `saml` and raw
//! `statement` entries, lowered into the statements of a trust policy.

use super::trust_values::{self, Problem};
use super::{Ctx, Lowerer};
use crate::model::*;
use crate::rules;
use crate::source::YamlPath;
use crate::spec::{RoleSpec, TrustSpec};
use indexmap::IndexMap;

use super::oidc::AUD_STS;
const GITHUB_ISSUER: &str = "token.actions.githubusercontent.com";
/// The global AWS sign-in endpoint of each partition (`aws`, `aws-us-gov`, `aws-cn`): the
/// `SAML:aud` of an assertion posted to it. All three by default, so one module works in
/// every partition: an assertion for one partition's sign-in can never assume another
/// partition's role, so the other two values widen nothing.
const SAML_AUDIENCES: [&str; 3] = [
    "https://signin.aws.amazon.com/saml",
    "https://signin.amazonaws-us-gov.com/saml",
    "https://signin.amazonaws.cn/saml",
];

impl Lowerer<'_> {
    pub(crate) fn trust(&mut self, r: &RoleSpec, path: &YamlPath) -> PolicyDocument {
        if let Some(doc) = &r.trust_document {
            if !r.trust.is_empty() || r.trust_version.is_some() {
                self.error(
                    &rules::WRONG_TYPE,
                    &path.key("trust_document"),
                    "a role has either `trust` helpers or a `trust_document`, not both".into(),
                    "move the helpers' statements into the document, or drop the document".into(),
                );
            }
            return self.document(doc, DocKind::Trust, &path.key("trust_document"));
        }
        let tpath = path.key("trust");
        if r.trust.is_empty() {
            self.error(
                &rules::INVALID_STATEMENT,
                path,
                "the role has no trust: nobody could assume it".into(),
                "add `trust:` with a helper, e.g. `- service: [ecs-tasks.amazonaws.com]`".into(),
            );
        }
        let version = r
            .trust_version
            .clone()
            .unwrap_or_else(|| "2012-10-17".into());
        if !super::policy::VERSIONS.contains(&version.as_str()) {
            self.error(
                &rules::WRONG_TYPE,
                &path.key("trust_version"),
                format!("`{version}` is not an IAM policy language version"),
                "use `2012-10-17` or `2008-10-17` (quoted)".into(),
            );
        }
        let mut statements = Vec::with_capacity(r.trust.len());
        let mut deviations = Vec::new();
        for (i, t) in r.trust.iter().enumerate() {
            let at = tpath.index(i);
            // A raw statement's notes may sit on the entry or in the statement.
            let raw = t.statement.as_deref();
            if !t.deviations.is_empty() || raw.is_some_and(|s| !s.deviations.is_empty()) {
                let which = super::policy::statement_ref(raw.and_then(|s| s.sid.as_deref()), i);
                self.deviations(
                    &t.deviations,
                    &at.key("deviations"),
                    Some(&which),
                    &mut deviations,
                );
                if let Some(s) = raw {
                    let sat = at.key("statement").key("deviations");
                    self.deviations(&s.deviations, &sat, Some(&which), &mut deviations);
                }
            }
            statements.extend(self.trust_entry(t, &at));
        }
        PolicyDocument {
            version,
            id: None,
            statements,
            kind: DocKind::Trust,
            deviations,
            origin: tpath,
        }
    }

    fn trust_entry(&mut self, t: &TrustSpec, path: &YamlPath) -> Option<Statement> {
        let kinds = [
            t.service.is_some(),
            t.account.is_some(),
            t.irsa.is_some(),
            t.pod_identity.is_some(),
            t.github.is_some(),
            t.saml.is_some(),
            t.statement.is_some(),
        ];
        if kinds.iter().filter(|k| **k).count() != 1 {
            self.error(&rules::WRONG_TYPE, path, "a trust entry needs exactly one of `service`, `account`, `irsa`, `pod_identity`, `github`, `saml`, `statement`".into(), "split it into one entry per kind of principal".into());
            return None;
        }
        if t.external_id.is_some() && t.account.is_none() {
            self.error(
                &rules::WRONG_TYPE,
                &path.key("external_id"),
                "`external_id` belongs to an `account` entry".into(),
                "move it next to `account:`".into(),
            );
        }
        if t.source_account.is_some() && t.service.is_none() {
            self.error(
                &rules::WRONG_TYPE,
                &path.key("source_account"),
                "`source_account` belongs to a `service` entry".into(),
                "move it next to `service:`".into(),
            );
        }
        if t.saml_audience.is_some() && t.saml.is_none() {
            self.error(
                &rules::WRONG_TYPE,
                &path.key("saml_audience"),
                "`saml_audience` belongs to a `saml` entry".into(),
                "move it next to `saml:`".into(),
            );
        }
        if let Some(raw) = &t.statement {
            if t.conditions.is_some() || t.when.is_some() || !t.allow.is_empty() {
                self.error(
                    &rules::WRONG_TYPE,
                    path,
                    "a raw `statement` carries its own `Condition`, `when` and `allow`".into(),
                    "move them inside the statement".into(),
                );
            }
            return Some(self.statement(raw, DocKind::Trust, &path.key("statement")));
        }
        let mut conditions = Vec::new();
        let (ptype, principals, actions) = if let Some(services) = &t.service {
            if t.source_account == Some(true) {
                conditions.push(cond(
                    ConditionTest::StringEquals,
                    Template::lit("aws:SourceAccount"),
                    vec![pseudo(Pseudo::AccountId)],
                ));
            }
            (
                PrincipalType::Service,
                self.values(services, &path.key("service")),
                vec!["sts:AssumeRole"],
            )
        } else if let Some(accounts) = &t.account {
            let vals = self.values(accounts, &path.key("account"));
            let principals = vals.into_iter().map(account_principal).collect();
            if let Some(ext) = &t.external_id {
                let v = self.template(ext, Ctx::Item, &path.key("external_id"));
                conditions.push(cond(
                    ConditionTest::StringEquals,
                    Template::lit("sts:ExternalId"),
                    vec![v],
                ));
            }
            (PrincipalType::Aws, principals, vec!["sts:AssumeRole"])
        } else if let Some(irsa) = &t.irsa {
            let ipath = path.key("irsa");
            let (provider, principal) = match (&irsa.provider, &irsa.oidc_provider) {
                (Some(raw), None) => {
                    self.check_value(
                        &rules::OIDC_PROVIDER,
                        raw,
                        "provider",
                        &ipath.key("provider"),
                        trust_values::oidc_provider,
                    );
                    let provider = self.template(raw, Ctx::Scalar, &ipath.key("provider"));
                    let arn = oidc_provider_arn(&provider);
                    (provider, arn)
                }
                (None, Some(key)) => self.provider_ref(key, None, &ipath.key("oidc_provider"))?,
                _ => {
                    self.error(
                        &rules::OIDC_PROVIDER_RESOURCE,
                        &ipath,
                        "an `irsa` helper needs exactly one of `provider` (an existing provider's issuer) and `oidc_provider` (a provider of this module)".into(),
                        "keep one: `provider: oidc.eks.<region>.amazonaws.com/id/<id>` or `oidc_provider: <key under oidc_providers>`".into(),
                    );
                    return None;
                }
            };
            let ns = self.template(&irsa.namespace, Ctx::Scalar, &ipath.key("namespace"));
            let sas = self.values(&irsa.service_account, &ipath.key("service_account"));
            let subjects: Vec<Template> = sas
                .into_iter()
                .map(|sa| {
                    let mut s = Template::lit("system:serviceaccount:");
                    s.extend(&ns);
                    s.push(Part::Lit(":".into()));
                    s.extend(&sa);
                    s
                })
                .collect();
            conditions.push(cond(
                subject_test(&subjects),
                suffixed(&provider, ":sub"),
                subjects,
            ));
            conditions.push(cond(
                ConditionTest::StringEquals,
                suffixed(&provider, ":aud"),
                vec![Template::lit(AUD_STS)],
            ));
            (
                PrincipalType::Federated,
                vec![principal],
                vec!["sts:AssumeRoleWithWebIdentity"],
            )
        } else if t.pod_identity.is_some() {
            if t.pod_identity == Some(false) {
                self.error(
                    &rules::WRONG_TYPE,
                    &path.key("pod_identity"),
                    "`pod_identity: false` trusts no one".into(),
                    "remove the entry, or use `when:` to switch it".into(),
                );
            }
            (
                PrincipalType::Service,
                vec![Template::lit("pods.eks.amazonaws.com")],
                vec!["sts:AssumeRole", "sts:TagSession"],
            )
        } else if let Some(gh) = &t.github {
            let gpath = path.key("github");
            self.check_value(
                &rules::GITHUB_REPO,
                &gh.repo,
                "repo",
                &gpath.key("repo"),
                trust_values::github_repo,
            );
            let repo = self.template(&gh.repo, Ctx::Scalar, &gpath.key("repo"));
            if let Some(list) = &gh.subjects {
                for (i, subject) in list.values.iter().enumerate() {
                    let at = if list.single {
                        gpath.key("subjects")
                    } else {
                        gpath.key("subjects").index(i)
                    };
                    self.check_value(&rules::GITHUB_SUBJECT, subject, "subjects", &at, |v| {
                        trust_values::github_subject(v, &gh.repo)
                    });
                }
            }
            let suffixes = match &gh.subjects {
                Some(s) => self.values(s, &gpath.key("subjects")),
                None => vec![Template::lit("*")],
            };
            let subjects: Vec<Template> = suffixes
                .into_iter()
                .map(|sfx| {
                    let mut s = Template::lit("repo:");
                    s.extend(&repo);
                    s.push(Part::Lit(":".into()));
                    s.extend(&sfx);
                    s
                })
                .collect();
            let issuer = Template::lit(GITHUB_ISSUER);
            let principal = match &gh.oidc_provider {
                Some(key) => {
                    self.provider_ref(key, Some(GITHUB_ISSUER), &gpath.key("oidc_provider"))?
                        .1
                }
                None => oidc_provider_arn(&issuer),
            };
            conditions.push(cond(
                ConditionTest::StringEquals,
                suffixed(&issuer, ":aud"),
                vec![Template::lit(AUD_STS)],
            ));
            conditions.push(cond(
                subject_test(&subjects),
                suffixed(&issuer, ":sub"),
                subjects,
            ));
            (
                PrincipalType::Federated,
                vec![principal],
                vec!["sts:AssumeRoleWithWebIdentity"],
            )
        } else {
            let saml = t.saml.as_deref().unwrap_or_default();
            let arn = self.template(saml, Ctx::Item, &path.key("saml"));
            let audience = match &t.saml_audience {
                Some(list) => self.values(list, &path.key("saml_audience")),
                None => SAML_AUDIENCES.into_iter().map(Template::lit).collect(),
            };
            conditions.push(cond(
                ConditionTest::StringEquals,
                Template::lit("SAML:aud"),
                audience,
            ));
            (
                PrincipalType::Federated,
                vec![arn],
                vec!["sts:AssumeRoleWithSAML"],
            )
        };
        if let Some(extra) = &t.conditions {
            let more = self.conditions(extra, &path.key("conditions"));
            conditions.extend(more);
        }
        let mut map = IndexMap::new();
        map.insert(ptype, principals);
        Some(Statement {
            sid: None,
            effect: Effect::Allow,
            actions: actions.into_iter().map(str::to_owned).collect(),
            not_action: false,
            resources: None,
            not_resource: false,
            principal: Some(Principal::Typed(map)),
            not_principal: false,
            conditions,
            when: self.switch(t.when.as_deref(), &path.key("when")),
            allow: self.allow(&t.allow, &path.key("allow")),
            origin: path.clone(),
        })
    }
}

impl Lowerer<'_> {
    /// Reports what `check` finds in a helper's value; when the value is one parameter, checks
    /// the parameter's default and example instead, at their place in the spec.
    pub(crate) fn check_value(
        &mut self,
        rule: &'static rules::Rule,
        raw: &str,
        field: &str,
        at: &YamlPath,
        check: impl Fn(&str) -> Option<Problem>,
    ) {
        if let Some(p) = check(raw) {
            self.error(rule, at, p.what, p.fix);
            return;
        }
        let Some(name) = raw
            .strip_prefix("${")
            .and_then(|r| r.strip_suffix('}'))
            .filter(|n| !n.contains(['$', '{', '}']))
        else {
            return;
        };
        let Some(param) = self.params.get(name) else {
            return;
        };
        let mut found = Vec::new();
        for (key, value) in [("default", &param.default), ("example", &param.example)] {
            let vpath = param.origin.key(key);
            match value {
                Some(ParamValue::Str(v)) => found.extend(check(v).map(|p| (vpath, p))),
                Some(ParamValue::List(vs)) => {
                    for (i, v) in vs.iter().enumerate() {
                        found.extend(check(v).map(|p| (vpath.index(i), p)));
                    }
                }
                _ => {}
            }
        }
        for (vpath, p) in found {
            self.error(
                rule,
                &vpath,
                format!(
                    "parameter `{name}`, used as the helper's `{field}`: {}",
                    p.what
                ),
                p.fix,
            );
        }
    }
}

fn cond(test: ConditionTest, key: Template, values: Vec<Template>) -> Condition {
    Condition {
        op: ConditionOp::plain(test),
        key,
        values,
    }
}

fn pseudo(p: Pseudo) -> Template {
    Template {
        parts: vec![Part::Pseudo(p)],
    }
}

fn suffixed(t: &Template, suffix: &str) -> Template {
    let mut k = t.clone();
    k.push(Part::Lit(suffix.into()));
    k
}

/// `StringLike` if any subject holds an IAM wildcard or a parameter (whose value may hold one:
/// `StringEquals` would never match `app-*`), else `StringEquals` (terraform-aws-iam#200).
fn subject_test(subjects: &[Template]) -> ConditionTest {
    let wild = subjects.iter().any(|s| {
        s.parts.iter().any(|p| match p {
            Part::Lit(l) => l.contains('*') || l.contains('?'),
            Part::Param(_) => true,
            _ => false,
        })
    });
    if wild {
        ConditionTest::StringLike
    } else {
        ConditionTest::StringEquals
    }
}

/// `arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/<issuer>`.
pub(super) fn oidc_provider_arn(issuer: &Template) -> Template {
    let mut t = Template::lit("arn:");
    t.push(Part::Pseudo(Pseudo::Partition));
    t.push(Part::Lit(":iam::".into()));
    t.push(Part::Pseudo(Pseudo::AccountId));
    t.push(Part::Lit(":oidc-provider/".into()));
    t.extend(issuer);
    t
}

/// An account id becomes `arn:${AWS::Partition}:iam::<id>:root`; an ARN stays as written.
fn account_principal(v: Template) -> Template {
    let is_arn = matches!(v.parts.first(), Some(Part::Lit(l)) if l.starts_with("arn:"));
    if is_arn || v.as_literal().as_deref() == Some("*") {
        return v;
    }
    let mut t = Template::lit("arn:");
    t.push(Part::Pseudo(Pseudo::Partition));
    t.push(Part::Lit(":iam::".into()));
    t.extend(&v);
    t.push(Part::Lit(":root".into()));
    t
}
