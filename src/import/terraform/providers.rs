//! `aws_iam_openid_connect_provider`: the module's OIDC providers as `oidc_providers:`
//! entries, and their ARN (`aws_iam_openid_connect_provider.x.arn`, `x[0].arn`,
//! `join("", x[*].arn)`) as a reference the `irsa` and `github` helpers carry.

use super::*;
use crate::import::oidc::{self, ProviderInfo, ProviderOut};

impl Tf {
    /// Reads provider `b` (before the roles, whose trust may name it).
    pub(super) fn oidc_provider(&mut self, fi: usize, b: &Block) {
        let name = name_of(b);
        let key = self.keys.assign(&name);
        let at = self.at(
            fi,
            b.line,
            &format!("aws_iam_openid_connect_provider.{name}"),
        );
        let got = self.provider_entry(fi, b, &key);
        if got.is_none() {
            self.issue(
                &at,
                "the OIDC provider is not imported; the roles whose trust names it are not imported either",
            );
        }
        self.providers.insert(name, ProviderOut::new(key, got));
    }

    fn provider_entry(
        &mut self,
        fi: usize,
        b: &Block,
        key: &str,
    ) -> Option<(Y, ProviderInfo, Template)> {
        let addr = format!("aws_iam_openid_connect_provider.{}", name_of(b));
        let at = self.at(fi, b.line, &addr);
        let before = self.lossy;
        self.check_attrs(
            fi,
            b,
            &["count", "url", "client_id_list", "thumbprint_list", "tags"],
        );
        if self.lossy > before {
            return None;
        }
        if let Some(t) = b
            .body
            .attr("tags")
            .filter(|t| !self.is_module_tags(&t.expr))
        {
            let ta = self.at(fi, t.line, &format!("{addr}: tags"));
            self.report(&ta, "the provider's own tags are not carried: a spec's OIDC provider is tagged like the rest of the module (`var.tags`); tag the module instead");
        }
        match self.count_when(&b.body, &None, &at) {
            Ok(None) => {}
            _ => {
                self.issue(&at, "an OIDC provider switched by `count` cannot be expressed: a spec's providers are created with the module (they have no `when:`)");
                return None;
            }
        }
        let Some(u) = b.body.attr("url") else {
            self.issue(&at, "the OIDC provider has no url");
            return None;
        };
        let ua = self.at(fi, u.line, &format!("{addr}: url"));
        let url = self.scalar(&u.expr.clone(), &ua)?;
        let Some(issuer) = oidc::issuer_of(&url) else {
            self.issue(
                &ua,
                format!(
                    "the provider's url `{}` does not start with a literal `https://`",
                    url.display()
                ),
            );
            return None;
        };
        let issuer_s = self.spec_str(&issuer, &ua)?;
        if let Some(p) = oidc::issuer_problem(&issuer_s) {
            self.issue(&ua, format!("{p}: a spec cannot hold this provider URL"));
            return None;
        }
        let mut audiences = Vec::new();
        if let Some(c) = b.body.attr("client_id_list") {
            let ca = self.at(fi, c.line, &format!("{addr}: client_id_list"));
            for t in self.items(&c.expr.clone(), &ca)? {
                audiences.push(self.spec_str(&t, &ca)?);
            }
        }
        if let Some(p) = oidc::audiences_problem(&audiences) {
            self.issue(&at, p);
            return None;
        }
        let mut thumbprints = Vec::new();
        if let Some(t) = b.body.attr("thumbprint_list") {
            let ta = self.at(fi, t.line, &format!("{addr}: thumbprint_list"));
            let ts = self.items(&t.expr.clone(), &ta)?;
            match oidc::thumbprints(&ts) {
                Ok(v) => thumbprints = v,
                Err(e) => {
                    self.issue(&ta, e);
                    return None;
                }
            }
        }
        let (entry, info) = oidc::entry(key, issuer_s, audiences, thumbprints);
        Some((entry, info, issuer))
    }

    /// `aws_iam_openid_connect_provider.<name>…arn` (the provider's ARN) or `….url` (its URL,
    /// `https://` and the issuer; condition keys take the issuer with
    /// `replace(….url, "https://", "")`).
    pub(super) fn provider_ref(&mut self, steps: &[Step], at: &At) -> Option<Template> {
        let name = instance(steps)?;
        let p = self.providers.get(&name).filter(|p| p.entry.is_some());
        let t = match (steps.last(), p) {
            (Some(Step::Attr(a)), Some(p)) if a == "arn" => p.reference(),
            (Some(Step::Attr(a)), Some(p)) if a == "url" => {
                let mut t = Template::lit("https://");
                t.extend(&p.issuer);
                Some(t)
            }
            _ => None,
        };
        if t.is_none() {
            self.issue(
                at,
                format!("`aws_iam_openid_connect_provider.{name}` other than the `arn` or `url` of an imported provider cannot be expressed"),
            );
        }
        t
    }

    /// What the trust-helper reader needs of every imported provider.
    pub(super) fn provider_infos(&self) -> Vec<ProviderInfo> {
        oidc::infos(self.providers.values())
    }
}
