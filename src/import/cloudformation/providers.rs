//! `AWS::IAM::OIDCProvider`: the template's OIDC providers as `oidc_providers:` entries, and
//! their ARN (`!Ref P`, `!GetAtt P.Arn`, `${P}`, `${P.Arn}`) as a reference the `irsa` and
//! `github` helpers carry with `oidc_provider: <key>`.

use super::*;
use crate::import::oidc::{self, ProviderInfo};

pub(super) use crate::import::oidc::ProviderOut;

impl Cx<'_> {
    /// Reads provider `id` (before the roles, whose trust may name it).
    pub(super) fn oidc_provider(&mut self, id: &str) {
        self.check_attributes(id);
        let loc = res_loc(id);
        let name = id
            .strip_suffix("OidcProvider")
            .or_else(|| id.strip_suffix("OIDCProvider"))
            .filter(|n| !n.is_empty())
            .unwrap_or(id);
        let key = self.keys.assign_named(id, name);
        let got = self.provider_entry(id, &key);
        if got.is_none() {
            self.issue(
                &loc,
                "the OIDC provider is not imported; the roles whose trust names it are not imported either",
            );
        }
        self.providers
            .insert(id.to_owned(), ProviderOut::new(key, got));
    }

    /// The spec entry of provider `id`, when the spec can hold it exactly.
    fn provider_entry(&mut self, id: &str, key: &str) -> Option<(Y, ProviderInfo, Template)> {
        let loc = res_loc(id).key("Properties");
        // Under a Condition: `when:` (where it is off the account has the provider already;
        // whatever names it then is the same ARN, see `provider_choice`).
        let Ok(when) = self.resource_when(id) else {
            self.issue(
                &res_loc(id).key("Condition"),
                "an OIDC provider under a Condition a spec cannot express is not imported",
            );
            return None;
        };
        let props = self.props(id);
        let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v);
        for (k, v) in &props {
            match k.as_str() {
                "Url" | "ClientIdList" | "ThumbprintList" => {}
                "Tags" => {
                    // Tags grant nothing; the spec tags a provider like the module.
                    let _ = self.tags(v, &loc.key(k));
                    self.report(
                        &loc.key(k),
                        "the provider's Tags are not carried: a spec's OIDC provider is tagged like the rest of the module (Terraform `var.tags`, the stack's tags in CloudFormation); tag the stack or the module instead",
                    );
                }
                other => {
                    self.issue(
                        &loc.key(other),
                        format!("the OIDC provider property `{other}` cannot be expressed"),
                    );
                    return None;
                }
            }
        }
        let Some(url) = get("Url") else {
            self.issue(&loc, "the OIDC provider has no Url");
            return None;
        };
        let ul = loc.key("Url");
        if !self.no_if(url, &ul) {
            return None;
        }
        let url = self.scalar(url, &ul)?;
        let Some(issuer) = oidc::issuer_of(&url) else {
            self.issue(
                &ul,
                format!("the provider's Url `{}` does not start with a literal `https://`: a spec's provider URL is `https://` and the issuer (a parameter may hold the host and path: `https://${{Issuer}}`)", url.display()),
            );
            return None;
        };
        let issuer_s = self.spec_str(&issuer, &ul)?;
        let single_param = issuer.as_single_param().map(|p| p.as_str().to_owned());
        let problem = oidc::issuer_problem(&issuer_s)
            .or_else(|| single_param.and_then(|p| self.issuer_default_problem(&p)));
        if let Some(p) = problem {
            self.issue(&ul, format!("{p}: a spec cannot hold this provider URL"));
            return None;
        }
        let audiences = match get("ClientIdList") {
            None => Vec::new(),
            Some(n) => {
                let l = loc.key("ClientIdList");
                if !self.no_if(n, &l) {
                    return None;
                }
                let (ts, _) = self.items(n, &l)?;
                let mut v = Vec::new();
                for t in &ts {
                    v.push(self.spec_str(t, &l)?);
                }
                v
            }
        };
        if let Some(p) = oidc::audiences_problem(&audiences) {
            self.issue(&loc.key("ClientIdList"), p);
            return None;
        }
        let mut thumbprints = Vec::new();
        if let Some(n) = get("ThumbprintList") {
            let l = loc.key("ThumbprintList");
            if !self.no_if(n, &l) {
                return None;
            }
            let (ts, _) = self.items(n, &l)?;
            match oidc::thumbprints(&ts) {
                Ok(v) => thumbprints = v,
                Err(e) => {
                    self.issue(&l, e);
                    return None;
                }
            }
        }
        let (mut entry, info) = oidc::entry(key, issuer_s, audiences, thumbprints);
        if let Some(w) = when {
            entry.set("when", Y::s(w.text()));
        }
        Some((entry, info, issuer))
    }

    /// Why parameter `p`'s default cannot be a provider's issuer (`rolegen` checks a
    /// parameter standing for it: RG016), if it cannot.
    fn issuer_default_problem(&self, p: &str) -> Option<&'static str> {
        let d = self
            .root
            .get("Parameters")?
            .get(p)?
            .get("Default")?
            .literal()?;
        (d.contains("://")
            || d.contains(":oidc-provider/")
            || d.contains(char::is_whitespace)
            || (d.len() > 1 && d.ends_with('/')))
            .then_some("the default of the parameter holding the issuer is not a host and path (a scheme, an ARN or a trailing `/`)")
    }

    /// The ARN of provider `id` (`!Ref`, `!GetAtt .Arn`).
    pub(super) fn provider_arn(&mut self, id: &str, loc: &Loc) -> Option<Template> {
        let t = self.providers.get(id).and_then(ProviderOut::reference);
        if t.is_none() {
            self.issue(
                loc,
                format!("the ARN of OIDC provider `{id}`, which is not imported"),
            );
        }
        t
    }

    /// The provider an `Fn::If` chooses either way, as the branch that names it:
    /// `!If [C, !Ref P, <P's ARN>]` (or `!GetAtt P.Arn`) where `C` is provider `P`'s own
    /// Condition and the other branch is `!Sub` of the ARN IAM gives an existing provider of
    /// P's URL: where `C` is off the account has that provider already, and the spec's
    /// `${oidc_providers.<key>.arn}` is that ARN either way.
    pub(super) fn provider_choice<'n>(&self, n: &'n N) -> Option<&'n N> {
        let Some(("Fn::If", arg, _)) = n.as_fn() else {
            return None;
        };
        let N::Seq(a) = arg else { return None };
        let [c, on, off] = a.as_slice() else {
            return None;
        };
        let p = match on.as_fn()? {
            ("Ref", r, _) => r.literal()?,
            ("Fn::GetAtt", N::Seq(v), _) => match v.as_slice() {
                [r, att] if att.literal().as_deref() == Some("Arn") => r.literal()?,
                _ => return None,
            },
            ("Fn::GetAtt", r, _) => r.literal()?.strip_suffix(".Arn")?.to_owned(),
            _ => return None,
        };
        let out = self.providers.get(&p)?;
        out.entry.as_ref()?;
        let (_, res) = self.resources.get(&p)?;
        if res.get("Condition")?.literal()? != c.literal()? {
            return None;
        }
        let spelt = match off {
            N::Str(s) => s.as_str(),
            N::Sub(s, vars) if vars.is_empty() => s.as_str(),
            N::Fn(f, x, _) if f == "Fn::Sub" => match &**x {
                N::Str(s) => s.as_str(),
                N::Seq(v) => match v.as_slice() {
                    [N::Str(s)] => s.as_str(),
                    _ => return None,
                },
                _ => return None,
            },
            _ => return None,
        };
        (spelt == out.arn.to_sub()).then_some(on)
    }

    /// What the trust-helper reader needs of every imported provider.
    pub(super) fn provider_infos(&self) -> Vec<ProviderInfo> {
        oidc::infos(self.providers.values())
    }
}
