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
        // Switched: `when:` (where it is off the account has the provider already; what
        // names it then is the same ARN, see `provider_choice`).
        let Ok(when) = self.count_when(&b.body, &None, &at) else {
            self.issue(
                &at,
                "an OIDC provider switched by a `count` a spec cannot express is not imported",
            );
            return None;
        };
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
        let (mut entry, info) = oidc::entry(key, issuer_s, audiences, thumbprints);
        if let Some(w) = when {
            entry.set("when", Y::s(w.text()));
            self.provider_switches.insert(name_of(b), w);
        }
        Some((entry, info, issuer))
    }

    /// `c ? <P's ARN> : <fallback>` (or `!c ? <fallback> : <P's ARN>`) where `c` is provider
    /// P's own switch and the fallback is the ARN of an existing provider of P's URL:
    /// `data.aws_iam_openid_connect_provider.x[0].arn` whose `url` is P's, or the ARN spelt
    /// (`arn:${partition}:iam::${account_id}:oidc-provider/<issuer>`, rolegen's own). Either
    /// way it is the ARN IAM gives P's issuer in the account: the spec's
    /// `${oidc_providers.<key>.arn}`. `None` for anything else (a variable's ARN may name any
    /// provider: never read as this one).
    pub(super) fn provider_choice(
        &mut self,
        c: &Expr,
        then: &Expr,
        otherwise: &Expr,
        at: &At,
    ) -> Option<Template> {
        let (c, created, fallback) = match (provider_name(then), provider_name(otherwise)) {
            (Some(p), _) => (c.clone(), p, otherwise),
            (None, Some(p)) => (Expr::Unary('!', Box::new(c.clone())), p, then),
            (None, None) => return None,
        };
        let want = self.provider_switches.get(&created)?.clone();
        let p = self.providers.get(&created).filter(|p| p.entry.is_some())?;
        let (arn, issuer) = (p.arn.clone(), p.issuer.clone());
        let reference = p.reference()?;
        let same = match fallback {
            Expr::Var(root, steps) if root == "data" => {
                let [Step::Attr(ty), Step::Attr(name), rest @ ..] = steps.as_slice() else {
                    return None;
                };
                let last_arn =
                    matches!(rest, [Step::Attr(a)] | [Step::Index(_), Step::Attr(a)] if a == "arn");
                if ty != "aws_iam_openid_connect_provider" || !last_arn {
                    return None;
                }
                let url = self.oidc_data.get(name)?.body.attr("url")?.expr.clone();
                let url = self.scalar(&url, at)?;
                oidc::issuer_of(&url).is_some_and(|i| i == issuer)
            }
            Expr::Str(_) => self.scalar(fallback, at).is_some_and(|t| t == arn),
            _ => false,
        };
        if !same {
            return None;
        }
        match self.switches(&c)?.as_slice() {
            [one] if *one == want => Some(reference),
            _ => None,
        }
    }
}

/// The provider whose ARN `e` is: `aws_iam_openid_connect_provider.<name>[0].arn` (or
/// `.arn`, or `join("", ….<name>[*].arn)`).
fn provider_name(e: &Expr) -> Option<String> {
    let steps = match e {
        Expr::Var(root, steps) if root == "aws_iam_openid_connect_provider" => steps,
        Expr::Call(_, args, _) if super::values::is_provider_join(e) => match &args[1] {
            Expr::Var(root, steps) if root == "aws_iam_openid_connect_provider" => steps,
            _ => return None,
        },
        _ => return None,
    };
    match steps.as_slice() {
        [Step::Attr(n), Step::Attr(a)] | [Step::Attr(n), _, Step::Attr(a)] if a == "arn" => {
            Some(n.clone())
        }
        _ => None,
    }
}

impl Tf {
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
