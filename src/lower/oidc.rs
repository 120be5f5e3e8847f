//! `oidc_providers:`: IAM OIDC identity providers the module creates, and the lookup the
//! `irsa` and `github` trust helpers use to name one (`oidc_provider: <id>`).

use super::{trust_values, Ctx, Lowerer};
use crate::model::*;
use crate::rules;
use crate::source::YamlPath;
use crate::spec::Spec;
use crate::suggest::closest;
use indexmap::IndexMap;

/// The audience the `irsa` and `github` helpers require in the token (`aud`).
pub(crate) const AUD_STS: &str = "sts.amazonaws.com";
/// Most thumbprints IAM keeps for one provider.
const MAX_THUMBPRINTS: usize = 5;
/// Longest provider URL and client id IAM accepts.
const MAX_URL: usize = 255;

impl Lowerer<'_> {
    /// Lowers every `oidc_providers:` entry.
    pub(crate) fn oidc_providers(
        &mut self,
        spec: &Spec,
        root: &YamlPath,
    ) -> IndexMap<OidcProviderId, OidcProvider> {
        let mut out = IndexMap::new();
        for (key, o) in &spec.oidc_providers {
            let path = root.key("oidc_providers").key(key);
            self.check_key(key, &path);
            let upath = path.key("url");
            let issuer = match o.url.strip_prefix("https://") {
                Some(rest) => {
                    if let Some(p) = url_problem(&o.url, rest) {
                        self.error(&rules::OIDC_PROVIDER_RESOURCE, &upath, p.what, p.fix);
                    }
                    // A parameter standing for the host and path: its default and example.
                    if rest.starts_with("${") && rest.ends_with('}') {
                        self.check_value(
                            &rules::OIDC_PROVIDER,
                            rest,
                            "url",
                            &upath,
                            trust_values::oidc_provider,
                        );
                    }
                    self.template(rest, Ctx::Scalar, &upath)
                }
                None => {
                    self.error(
                        &rules::OIDC_PROVIDER_RESOURCE,
                        &upath,
                        format!("`url: {}` does not start with `https://`: IAM accepts only https issuers, and the trust's condition keys are the URL without it", o.url),
                        "write the issuer URL, e.g. `url: https://token.actions.githubusercontent.com`; a parameter holds the host and path: `url: https://${ClusterOidcIssuer}`".into(),
                    );
                    Template::default()
                }
            };
            let apath = path.key("audiences");
            let audiences = match &o.audiences {
                None => vec![Template::lit(AUD_STS)],
                Some(list) => {
                    if list.values.is_empty() {
                        self.error(
                            &rules::OIDC_PROVIDER_RESOURCE,
                            &apath,
                            "`audiences` is empty: the provider would accept no token".into(),
                            format!("list the client ids, e.g. `audiences: [{AUD_STS}]`, or leave the key out for that default"),
                        );
                    }
                    let mut v = Vec::new();
                    for (i, a) in list.values.iter().enumerate() {
                        let at = if list.single {
                            apath.clone()
                        } else {
                            apath.index(i)
                        };
                        if a.is_empty() || a.chars().count() > MAX_URL {
                            self.error(
                                &rules::OIDC_PROVIDER_RESOURCE,
                                &at,
                                format!(
                                    "audience `{a}` is empty or longer than {MAX_URL} characters"
                                ),
                                "write the client id the issuer puts in the token's `aud`".into(),
                            );
                        }
                        v.push(self.template(a, Ctx::Scalar, &at));
                    }
                    v
                }
            };
            let tpath = path.key("thumbprints");
            if o.thumbprints.len() > MAX_THUMBPRINTS {
                self.error(
                    &rules::OIDC_PROVIDER_RESOURCE,
                    &tpath,
                    format!(
                        "{} thumbprints; IAM keeps at most {MAX_THUMBPRINTS} per provider",
                        o.thumbprints.len()
                    ),
                    "keep the current certificate's and the next one's".into(),
                );
            }
            for (i, t) in o.thumbprints.iter().enumerate() {
                if t.len() != 40 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
                    self.error(
                        &rules::OIDC_PROVIDER_RESOURCE,
                        &tpath.index(i),
                        format!("thumbprint `{t}` is not 40 hex digits (a SHA-1 fingerprint of the issuer's certificate)"),
                        "write it without `:` separators, or leave `thumbprints` out: IAM then trusts the issuer's certificate authority".into(),
                    );
                }
            }
            let when = self.switch(o.when.as_deref(), &path.key("when"));
            let id = OidcProviderId(key.clone());
            out.insert(
                id.clone(),
                OidcProvider {
                    id,
                    issuer,
                    audiences,
                    thumbprints: o.thumbprints.clone(),
                    when,
                    origin: path,
                },
            );
        }
        out
    }

    /// The provider a helper names with `oidc_provider: <id>`: its issuer (host and path) and
    /// a reference to its ARN; `None` (with the error reported) when no such provider exists
    /// or it cannot serve the helper. `issuer`, if given, is the one issuer the helper accepts.
    pub(crate) fn provider_ref(
        &mut self,
        key: &str,
        issuer: Option<&str>,
        at: &YamlPath,
    ) -> Option<(Template, Template)> {
        let id = OidcProviderId(key.to_owned());
        let Some(p) = self.oidc.get(&id) else {
            let help = match closest(key, self.oidc.keys().map(OidcProviderId::as_str)) {
                Some(c) => format!("did you mean `{c}`?"),
                None => "declare it under `oidc_providers:` (`url`, optional `audiences` and `thumbprints`), or name an existing provider with the helper's own fields".into(),
            };
            self.error(
                &rules::OIDC_PROVIDER_RESOURCE,
                at,
                format!("`{key}` is not an OIDC provider of this module"),
                help,
            );
            return None;
        };
        let (provider_issuer, audiences, origin, when) = (
            p.issuer.clone(),
            p.audiences.clone(),
            p.origin.clone(),
            p.when.clone(),
        );
        if let Some(want) = issuer {
            if provider_issuer.as_literal().as_deref() != Some(want) {
                self.error(
                    &rules::OIDC_PROVIDER_RESOURCE,
                    at,
                    format!(
                        "OIDC provider `{key}` has the URL `https://{}`; GitHub Actions' tokens come from `https://{want}`",
                        provider_issuer.display()
                    ),
                    format!("name a provider with `url: https://{want}`"),
                );
                return None;
            }
        }
        let all_literal = audiences.iter().all(|a| a.as_literal().is_some());
        let has_sts = audiences
            .iter()
            .any(|a| a.as_literal().as_deref() == Some(AUD_STS));
        if all_literal && !has_sts {
            self.error(
                &rules::OIDC_PROVIDER_RESOURCE,
                &origin.key("audiences"),
                format!("OIDC provider `{key}` does not accept the audience `{AUD_STS}`, which the trust of the role that names it requires: nothing could assume the role"),
                format!("add `{AUD_STS}` to its `audiences`"),
            );
        }
        let arn = super::trust::oidc_provider_arn(&provider_issuer);
        let reference = Template {
            parts: vec![Part::ProviderArn(Box::new(ProviderArn {
                id: Created::Oidc(id),
                arn,
                when,
            }))],
        };
        Some((provider_issuer, reference))
    }
}

/// What is wrong with an `https://` URL (`rest` is what follows the scheme), if anything.
fn url_problem(url: &str, rest: &str) -> Option<trust_values::Problem> {
    let fixed = rest
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    let what = if rest.is_empty() {
        "has no host"
    } else if rest.contains(char::is_whitespace) {
        "contains whitespace"
    } else if rest.contains(['?', '#']) {
        "has a query or fragment"
    } else if rest.ends_with('/') {
        "ends with `/` (the trust's condition keys would read `<issuer>/:sub`)"
    } else if url.chars().count() > MAX_URL {
        "is longer than 255 characters"
    } else {
        return None;
    };
    Some(trust_values::Problem {
        what: format!("`url: {url}` {what}"),
        fix: format!("write `url: https://{fixed}`"),
    })
}
