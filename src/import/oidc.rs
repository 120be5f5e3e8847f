//! OIDC providers a template or module creates (`AWS::IAM::OIDCProvider`,
//! `aws_iam_openid_connect_provider`), as both importers read them: the provider's spec entry
//! under `oidc_providers:`, and the trust statements that name it, read back as the `irsa`
//! and `github` helpers with `oidc_provider: <key>` when they are exactly what a helper writes;
//! any other string names the provider's ARN as `${oidc_providers.<key>.arn}`.

use super::yaml::Y;
use crate::lower::template;
use crate::model::{Created, OidcProviderId, Part, ProviderArn, Pseudo, Template};

/// The issuer of GitHub Actions' tokens (the `github` helper's provider URL without `https://`).
pub(crate) const GITHUB_ISSUER: &str = "token.actions.githubusercontent.com";
/// The audience both helpers require.
pub(crate) const AUD_STS: &str = "sts.amazonaws.com";
/// Longest provider URL and client id IAM accepts.
const MAX_URL: usize = 255;
/// Most thumbprints IAM keeps for one provider.
const MAX_THUMBPRINTS: usize = 5;

/// How the trust-helper reader sees an OIDC provider the import creates.
#[derive(Debug, Clone)]
pub(crate) struct ProviderInfo {
    /// Its key under `oidc_providers:`.
    pub(crate) key: String,
    /// The issuer (URL without `https://`) in spec spelling (`${ClusterOidcIssuer}`).
    pub(crate) issuer: String,
    /// Its audiences, in spec spelling (`None`: the spec's default, `sts.amazonaws.com`).
    pub(crate) audiences: Option<Vec<String>>,
}

impl ProviderInfo {
    /// Whether a helper may name it: rolegen refuses (RG017) a helper naming a provider whose
    /// literal audiences lack `sts.amazonaws.com`.
    fn serves_helpers(&self) -> bool {
        match &self.audiences {
            None => true,
            Some(a) => a.iter().any(|x| x == AUD_STS || x.contains("${")),
        }
    }
}

/// An OIDC provider of the input, as an importer keeps it.
#[derive(Debug)]
pub(crate) struct ProviderOut {
    /// Its key under `oidc_providers:`.
    pub(crate) key: String,
    /// Its spec entry; `None` when it is not imported (an issue says why).
    pub(crate) entry: Option<Y>,
    /// What the trust-helper reader needs.
    pub(crate) info: ProviderInfo,
    /// Its ARN as IAM gives it (`arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/<issuer>`).
    pub(crate) arn: Template,
    /// Its issuer (the URL without `https://`).
    pub(crate) issuer: Template,
}

impl ProviderOut {
    /// Provider `key` with what was read of it: its entry, helper view and issuer, or `None`
    /// when the spec cannot hold it.
    pub(crate) fn new(key: String, read: Option<(Y, ProviderInfo, Template)>) -> Self {
        let (entry, info, issuer) = match read {
            Some((e, i, t)) => (Some(e), i, t),
            None => (
                None,
                ProviderInfo {
                    key: key.clone(),
                    issuer: String::new(),
                    audiences: None,
                },
                Template::default(),
            ),
        };
        ProviderOut {
            key,
            entry,
            info,
            arn: arn_of(&issuer),
            issuer,
        }
    }

    /// The provider's ARN as a reference to it, if it is imported.
    pub(crate) fn reference(&self) -> Option<Template> {
        self.entry.as_ref()?;
        Some(Template {
            parts: vec![Part::ProviderArn(Box::new(ProviderArn {
                id: Created::Oidc(OidcProviderId(self.key.clone())),
                arn: self.arn.clone(),
                when: None,
            }))],
        })
    }
}

/// The ARN IAM gives the provider of `issuer`.
pub(crate) fn arn_of(issuer: &Template) -> Template {
    let mut arn = Template::lit("arn:");
    arn.push(Part::Pseudo(Pseudo::Partition));
    arn.push(Part::Lit(":iam::".into()));
    arn.push(Part::Pseudo(Pseudo::AccountId));
    arn.push(Part::Lit(":oidc-provider/".into()));
    arn.extend(issuer);
    arn
}

/// The issuer of a provider URL: what follows a literal `https://`.
pub(crate) fn issuer_of(url: &Template) -> Option<Template> {
    let (Part::Lit(first), rest) = url.parts.split_first()? else {
        return None;
    };
    let host = first.strip_prefix("https://")?;
    let mut issuer = Template::lit(host);
    for p in rest {
        issuer.push(p.clone());
    }
    Some(issuer)
}

/// The spec spelling of an imported provider's ARN: `${oidc_providers.<key>.arn}`.
pub(crate) fn provider_marker(key: &str) -> String {
    format!("${{oidc_providers.{key}.arn}}")
}

/// What is wrong with a provider's issuer (its URL without `https://`, spec spelling), as
/// `rolegen` would refuse it (RG017); `None` if the spec accepts it.
pub(crate) fn issuer_problem(issuer: &str) -> Option<&'static str> {
    if issuer.is_empty() {
        Some("the URL has no host")
    } else if issuer.contains(char::is_whitespace) {
        Some("the URL contains whitespace")
    } else if issuer.contains(['?', '#']) {
        Some("the URL has a query or fragment")
    } else if issuer.ends_with('/') {
        Some("the URL ends with `/`")
    } else if issuer.chars().count() + "https://".len() > MAX_URL {
        Some("the URL is longer than 255 characters")
    } else {
        None
    }
}

/// What is wrong with a provider's audiences (spec spelling) for a spec, if anything.
pub(crate) fn audiences_problem(audiences: &[String]) -> Option<&'static str> {
    if audiences.is_empty() {
        Some("it accepts no audience (no ClientIdList); a spec's provider accepts at least one")
    } else if audiences
        .iter()
        .any(|a| a.is_empty() || a.chars().count() > MAX_URL)
    {
        Some("an audience is empty or longer than 255 characters")
    } else {
        None
    }
}

/// What is wrong with a provider's thumbprints for a spec, if anything.
fn thumbprints_problem(thumbprints: &[String]) -> Option<&'static str> {
    if thumbprints.len() > MAX_THUMBPRINTS {
        Some("it has more than 5 thumbprints")
    } else if thumbprints
        .iter()
        .any(|t| t.len() != 40 || !t.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        Some("a thumbprint is not 40 hex digits")
    } else {
        None
    }
}

/// The thumbprints of `ts` when a spec holds them (literal, 40 hex digits, at most 5); `Err`
/// says why not.
pub(crate) fn thumbprints(ts: &[Template]) -> Result<Vec<String>, String> {
    let v: Vec<String> = ts
        .iter()
        .map(|t| {
            t.as_literal().ok_or_else(|| {
                format!(
                    "thumbprints are literal in a spec; `{}` holds a parameter",
                    t.display()
                )
            })
        })
        .collect::<Result<_, _>>()?;
    match thumbprints_problem(&v) {
        Some(p) => Err(p.to_owned()),
        None => Ok(v),
    }
}

/// What the trust-helper reader needs of every imported provider.
pub(crate) fn infos<'p>(providers: impl Iterator<Item = &'p ProviderOut>) -> Vec<ProviderInfo> {
    providers
        .filter(|p| p.entry.is_some())
        .map(|p| p.info.clone())
        .collect()
}

/// A provider's `oidc_providers:` entry and the helper reader's view of it, from its issuer,
/// audiences and thumbprints (spec spelling, already checked with the `*_problem` functions):
/// `audiences` left out when they are the spec's default, `thumbprints` when there are none.
pub(crate) fn entry(
    key: &str,
    issuer: String,
    audiences: Vec<String>,
    thumbprints: Vec<String>,
) -> (Y, ProviderInfo) {
    let mut e = vec![("url".to_owned(), Y::s(format!("https://{issuer}")))];
    let audiences = (audiences != [AUD_STS]).then_some(audiences);
    if let Some(a) = &audiences {
        let items = a.iter().map(|x| Y::s(x.as_str())).collect();
        e.push(("audiences".into(), Y::Seq(items)));
    }
    if !thumbprints.is_empty() {
        let items = thumbprints.into_iter().map(Y::Str).collect();
        e.push(("thumbprints".into(), Y::Seq(items)));
    }
    let info = ProviderInfo {
        key: key.to_owned(),
        issuer,
        audiences,
    };
    (Y::Map(e), info)
}

/// The `oidc_providers:` entries of the imported providers, in input order.
pub(crate) fn entries<'p>(providers: impl Iterator<Item = &'p ProviderOut>) -> Vec<(String, Y)> {
    providers
        .filter_map(|p| Some((p.key.clone(), p.entry.clone()?)))
        .collect()
}

/// The `irsa` or `github` helper entry a trust statement is, when it is exactly what the
/// helper with `oidc_provider: <key>` writes: `Federated` the provider's ARN,
/// `sts:AssumeRoleWithWebIdentity`, `<issuer>:aud` equal to `sts.amazonaws.com`, and
/// `<issuer>:sub` the helper's subjects under the test it chooses (`StringLike` when a subject
/// holds a wildcard or a parameter). `None` for anything else.
pub(crate) fn helper(s: &Y, providers: &[ProviderInfo]) -> Option<Y> {
    let Y::Map(m) = s else { return None };
    if m.iter().any(|(k, _)| {
        !matches!(
            k.as_str(),
            "Effect" | "Principal" | "Action" | "Condition" | "when"
        )
    }) {
        return None;
    }
    if s.get("Effect")?.as_str()? != "Allow"
        || s.get("Action")?.strings()? != ["sts:AssumeRoleWithWebIdentity"]
    {
        return None;
    }
    let Y::Map(p) = s.get("Principal")? else {
        return None;
    };
    let [(ptype, arn)] = p.as_slice() else {
        return None;
    };
    let arns = arn.strings()?;
    let [arn] = arns.as_slice() else {
        return None;
    };
    let provider = providers
        .iter()
        .find(|x| ptype == "Federated" && *arn == provider_marker(&x.key))?;
    if !provider.serves_helpers() {
        return None;
    }
    // The condition: `<issuer>:aud` = sts.amazonaws.com and `<issuer>:sub`, nothing else.
    let Y::Map(ops) = s.get("Condition")? else {
        return None;
    };
    let (aud_key, sub_key) = (
        format!("{}:aud", provider.issuer),
        format!("{}:sub", provider.issuer),
    );
    let (mut aud, mut sub) = (None, None);
    for (op, keys) in ops {
        let Y::Map(keys) = keys else { return None };
        if keys.is_empty() {
            return None;
        }
        for (k, v) in keys {
            let values: Vec<String> = v.strings()?.into_iter().map(str::to_owned).collect();
            if *k == aud_key && aud.is_none() {
                aud = Some((op.as_str(), values));
            } else if *k == sub_key && sub.is_none() {
                sub = Some((op.as_str(), values));
            } else {
                return None;
            }
        }
    }
    let (aud_op, aud) = aud?;
    let (sub_op, subjects) = sub?;
    if aud_op != "StringEquals" || aud != [AUD_STS] || subjects.is_empty() {
        return None;
    }
    if sub_op != subject_test(&subjects)? {
        return None;
    }
    let mut out = if provider.issuer == GITHUB_ISSUER {
        github(&subjects, &provider.key)?
    } else {
        irsa(&subjects, &provider.key)?
    };
    if let (Some(w), Y::Map(o)) = (s.get("when"), &mut out) {
        o.push(("when".into(), w.clone()));
    }
    Some(out)
}

/// The test the helpers give their subjects (as `lower` does): `StringLike` if a subject holds
/// an IAM wildcard in its text or a parameter, else `StringEquals`. `None` if a subject is
/// not a spec string.
fn subject_test(subjects: &[String]) -> Option<&'static str> {
    let mut wild = false;
    for s in subjects {
        let t = template::parse(s, |_| true).ok()?;
        wild |= t.parts.iter().any(|p| match p {
            Part::Lit(l) => l.contains(['*', '?']),
            Part::Param(_) => true,
            _ => false,
        });
    }
    Some(if wild { "StringLike" } else { "StringEquals" })
}

/// The one value all of `items` share, or `None`.
fn same<'a>(mut items: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let first = items.next()?;
    items.all(|x| x == first).then_some(first)
}

/// A string list in the spec: one value written as a string.
fn str_list(mut v: Vec<String>) -> Y {
    if v.len() == 1 {
        Y::Str(v.remove(0))
    } else {
        Y::Seq(v.into_iter().map(Y::Str).collect())
    }
}

/// `text` split at its first `:` outside a `${…}` placeholder.
fn split_colon(text: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '{' if text[..i].ends_with('$') => depth += 1,
            '}' if depth > 0 => depth -= 1,
            ':' if depth == 0 => return Some((&text[..i], &text[i + 1..])),
            _ => {}
        }
    }
    None
}

/// `irsa:` from subjects `system:serviceaccount:<namespace>:<service account>` (one namespace).
fn irsa(subjects: &[String], key: &str) -> Option<Y> {
    let mut pairs = Vec::new();
    for s in subjects {
        let rest = s.strip_prefix("system:serviceaccount:")?;
        let (ns, sa) = split_colon(rest)?;
        if ns.is_empty() || sa.is_empty() || sa.contains(':') {
            return None;
        }
        pairs.push((ns, sa));
    }
    let ns = same(pairs.iter().map(|(n, _)| *n))?;
    let sas = pairs.iter().map(|(_, s)| (*s).to_owned()).collect();
    Some(Y::Map(vec![(
        "irsa".into(),
        Y::Map(vec![
            ("oidc_provider".into(), Y::s(key)),
            ("namespace".into(), Y::s(ns)),
            ("service_account".into(), str_list(sas)),
        ]),
    )]))
}

/// `github:` from subjects `repo:<owner>/<name>:<context>` (one repository), when `rolegen`
/// accepts the repository and each context as written (RG014, RG015): an `owner/name` of the
/// characters GitHub allows (or placeholders), contexts `ref:refs/…`, `environment:…`,
/// `pull_request`, a wildcard or a placeholder.
fn github(subjects: &[String], key: &str) -> Option<Y> {
    let mut pairs = Vec::new();
    for s in subjects {
        let rest = s.strip_prefix("repo:")?;
        pairs.push(split_colon(rest)?);
    }
    let repo = same(pairs.iter().map(|(r, _)| *r))?;
    let lit = repo.split("${").next().unwrap_or_default();
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._/*?".contains(c);
    let dynamic = repo.contains("${");
    if repo.is_empty()
        || repo.contains("$${")
        || !lit.chars().all(allowed)
        || (!dynamic && (repo.split('/').count() != 2 || repo.split('/').any(str::is_empty)))
    {
        return None;
    }
    let contexts: Vec<String> = pairs.iter().map(|(_, c)| (*c).to_owned()).collect();
    for c in &contexts {
        let ok = c.starts_with("ref:refs/")
            || c.starts_with("environment:")
            || c == "pull_request"
            || c.starts_with('*')
            || (c.starts_with("${") && !c.starts_with("$${"));
        if !ok {
            return None;
        }
    }
    let mut g = vec![("repo".into(), Y::s(repo))];
    if contexts != ["*"] {
        g.push((
            "subjects".into(),
            Y::Seq(contexts.into_iter().map(Y::Str).collect()),
        ));
    }
    g.push(("oidc_provider".into(), Y::s(key)));
    Some(Y::Map(vec![("github".into(), Y::Map(g))]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn providers() -> Vec<ProviderInfo> {
        vec![
            ProviderInfo {
                key: "github".into(),
                issuer: GITHUB_ISSUER.into(),
                audiences: None,
            },
            ProviderInfo {
                key: "eks".into(),
                issuer: "${Issuer}".into(),
                audiences: Some(vec!["reports".into()]),
            },
            ProviderInfo {
                key: "eks2".into(),
                issuer: "${Issuer}".into(),
                audiences: None,
            },
        ]
    }

    fn statement(key: &str, op: &str, issuer: &str, subs: &[&str]) -> Y {
        Y::Map(vec![
            ("Effect".into(), Y::s("Allow")),
            (
                "Principal".into(),
                Y::Map(vec![("Federated".into(), Y::s(provider_marker(key)))]),
            ),
            ("Action".into(), Y::s("sts:AssumeRoleWithWebIdentity")),
            ("Condition".into(), condition(op, issuer, subs)),
        ])
    }

    fn condition(op: &str, issuer: &str, subs: &[&str]) -> Y {
        let aud = (format!("{issuer}:aud"), Y::s(AUD_STS));
        let sub = (
            format!("{issuer}:sub"),
            Y::Seq(subs.iter().map(|s| Y::s(*s)).collect()),
        );
        if op == "StringEquals" {
            return Y::Map(vec![(op.into(), Y::Map(vec![sub, aud]))]);
        }
        Y::Map(vec![
            ("StringEquals".into(), Y::Map(vec![aud])),
            (op.into(), Y::Map(vec![sub])),
        ])
    }

    #[test]
    fn helpers_are_read_only_when_exact() {
        let p = providers();
        let gh = statement(
            "github",
            "StringEquals",
            GITHUB_ISSUER,
            &["repo:a/b:ref:refs/heads/main"],
        );
        let y = helper(&gh, &p).unwrap();
        assert_eq!(
            y.get("github").unwrap().get("repo").unwrap().as_str(),
            Some("a/b")
        );
        // The test the helper would not choose.
        let like = statement(
            "github",
            "StringLike",
            GITHUB_ISSUER,
            &["repo:a/b:ref:refs/heads/main"],
        );
        assert!(helper(&like, &p).is_none());
        // A bare branch (RG015) or two repositories.
        let bare = statement("github", "StringEquals", GITHUB_ISSUER, &["repo:a/b:main"]);
        assert!(helper(&bare, &p).is_none());
        let two = statement(
            "github",
            "StringEquals",
            GITHUB_ISSUER,
            &["repo:a/b:pull_request", "repo:a/c:pull_request"],
        );
        assert!(helper(&two, &p).is_none());
        // IRSA with a parameter issuer; a provider lacking sts.amazonaws.com serves none.
        let irsa = statement(
            "eks2",
            "StringEquals",
            "${Issuer}",
            &["system:serviceaccount:ns:sa"],
        );
        let y = helper(&irsa, &p).unwrap();
        assert_eq!(
            y.get("irsa").unwrap().get("namespace").unwrap().as_str(),
            Some("ns")
        );
        let irsa = statement(
            "eks",
            "StringEquals",
            "${Issuer}",
            &["system:serviceaccount:ns:sa"],
        );
        assert!(helper(&irsa, &p).is_none());
        // Two namespaces, or a wildcard under StringEquals.
        let ns2 = statement(
            "eks2",
            "StringEquals",
            "${Issuer}",
            &["system:serviceaccount:a:x", "system:serviceaccount:b:x"],
        );
        assert!(helper(&ns2, &p).is_none());
        let wild = statement(
            "eks2",
            "StringEquals",
            "${Issuer}",
            &["system:serviceaccount:ns:*"],
        );
        assert!(helper(&wild, &p).is_none());
        let wild = statement(
            "eks2",
            "StringLike",
            "${Issuer}",
            &["system:serviceaccount:ns:*"],
        );
        assert!(helper(&wild, &p).is_some());
        assert_eq!(
            split_colon("${AWS::Region}:x"),
            Some(("${AWS::Region}", "x"))
        );
    }
}
