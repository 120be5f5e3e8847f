//! Value lists (Action, Resource, principals, condition values): their items, list
//! parameters spliced in whole or one string per item (`Fn::Split` of `Fn::Join`/`Fn::Sub`),
//! and a list as spec YAML.

use super::arn_lists::fn_args;
use super::intrinsics::{dynamic_keys, n_cond};
use super::*;

impl Cx<'_> {
    /// A value list (Action, Resource, principals, condition values): items, and whether it
    /// was written as one value.
    pub(super) fn items(&mut self, n: &N, loc: &Loc) -> Option<(Vec<Template>, bool)> {
        match n {
            N::Seq(v) => {
                let mut out = Vec::new();
                let mut ok = true;
                for (i, x) in v.iter().enumerate() {
                    let l = loc.index(i);
                    if let Some(p) = self.is_list_param(x) {
                        out.push(param_t(&p));
                        continue;
                    }
                    if matches!(x.as_fn(), Some(("Fn::Split", ..))) {
                        match self.split_items(x, &l) {
                            Some(ts) => out.extend(ts),
                            None => ok = false,
                        }
                        continue;
                    }
                    match self.item(x, &l) {
                        Some(t) => out.push(t),
                        None => ok = false,
                    }
                }
                ok.then_some((out, false))
            }
            N::Fn(name, arg, short) => {
                if let Some(p) = self.is_list_param(n) {
                    return Some((vec![param_t(&p)], true));
                }
                match name.as_str() {
                    "Fn::Split" => self.split_items(n, loc).map(|v| (v, false)),
                    "Fn::GetAZs" => self
                        .synth_value("AZs", n, ParamKind::List, loc)
                        .map(|t| (vec![t], false)),
                    "Fn::FindInMap" if dynamic_keys(arg) && self.map_lookup(arg).is_some() => {
                        self.map_lookup(arg).map(|t| (vec![t], true))
                    }
                    "Fn::FindInMap" if dynamic_keys(arg) => {
                        let kind = if self.map_has_lists(arg) {
                            ParamKind::List
                        } else {
                            ParamKind::String
                        };
                        self.synth_value("FromMap", n, kind, loc)
                            .map(|t| (vec![t], kind == ParamKind::String))
                    }
                    "Fn::FindInMap" => {
                        let al = loc.arg(name, *short);
                        let v = self.find_in_map(arg, &al)?;
                        self.items(&v, &al)
                    }
                    "Fn::If" if Self::value_ifs_only(n, &n_cond(arg)) => {
                        self.item(n, loc).map(|t| (vec![t], true))
                    }
                    "Fn::If" => {
                        self.issue(
                            loc,
                            "`Fn::If` choosing a value list cannot be expressed: a spec switches whole statements",
                        );
                        None
                    }
                    _ => self.item(n, loc).map(|t| (vec![t], true)),
                }
            }
            _ => self.item(n, loc).map(|t| (vec![t], true)),
        }
    }

    /// One item of a value list: a value, or (inside a JSON `Fn::Sub` document) a list
    /// parameter spliced in as `"pre${Var}suf"` with `Var: !Join ['suf","pre', !Ref List]`.
    pub(super) fn item(&mut self, n: &N, loc: &Loc) -> Option<Template> {
        if let N::Sub(s, vars) = n {
            if let Some(t) = self.spliced_list(s, vars, loc) {
                return Some(t);
            }
        }
        self.scalar(n, loc)
    }

    pub(super) fn spliced_list(&mut self, s: &str, vars: &Vars, loc: &Loc) -> Option<Template> {
        for (name, v) in vars {
            let marker = format!("${{{name}}}");
            let Some(at) = s.find(&marker) else { continue };
            if s[at + marker.len()..].contains(&marker) {
                continue;
            }
            let Some([d, list]) = fn_args(v, "Fn::Join") else {
                continue;
            };
            let Some(list) = self.is_list_param(list) else {
                continue;
            };
            let (pre, suf) = (&s[..at], &s[at + marker.len()..]);
            let want = format!("{}\",\"{}", json_escape(suf), json_escape(pre));
            if d.literal().as_deref() != Some(want.as_str()) {
                continue;
            }
            let others: Vec<(String, N)> =
                vars.iter().filter(|(k, _)| k != name).cloned().collect();
            let mut t = self.sub(pre, &others, loc)?;
            t.push(Part::Param(ParamName(list)));
            let tail = self.sub(suf, &others, loc)?;
            t.extend(&tail);
            return Some(t);
        }
        None
    }

    /// `Fn::Split [",", Fn::Join [",", [parts…]]]` (how rolegen mixes list parameters with
    /// other values) or `Fn::Split [d, "literal"]`.
    pub(super) fn split_items(&mut self, n: &N, loc: &Loc) -> Option<Vec<Template>> {
        let (name, arg, short) = n.as_fn()?;
        let al = loc.arg(name, short);
        if let Some(parts) = self.literal_split(n) {
            return Some(parts.into_iter().map(Template::lit).collect());
        }
        // A split made at deploy time: its items, as a new list parameter.
        let unsupported = |cx: &mut Self| {
            cx.synth_value("SplitList", n, ParamKind::List, loc)
                .map(|t| vec![t])
        };
        let N::Seq(v) = arg else {
            return unsupported(self);
        };
        let [d, x] = v.as_slice() else {
            return unsupported(self);
        };
        let Some(d) = d.literal() else {
            return unsupported(self);
        };
        if let Some(t) = (d == ",").then(|| self.per_item(x)).flatten() {
            return Some(vec![t]);
        }
        let Some(("Fn::Join", N::Seq(j), jshort)) = x.as_fn() else {
            return unsupported(self);
        };
        let [jd, parts] = j.as_slice() else {
            return unsupported(self);
        };
        if jd.literal().as_deref() != Some(d.as_str()) {
            return unsupported(self);
        }
        let jl = al.index(1).arg("Fn::Join", jshort).index(1);
        if let Some(p) = self.is_list_param(parts) {
            return Some(vec![param_t(&p)]);
        }
        let N::Seq(parts) = parts else {
            return unsupported(self);
        };
        let mut out = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            out.push(self.join_part(p, &d, &jl.index(i))?);
        }
        Some(out)
    }

    /// The text `Fn::Split [",", x]` cuts into one string per item of a list parameter, with
    /// literal text around each (a spec's `pre${List}suf`): `!Sub ["pre${Items}suf", {Items:
    /// !Join ["suf,pre", !Ref List]}]` or `!Join ["", [pre, !Join ["suf,pre", !Ref List], suf]]`.
    /// `None` for anything else: text around the list that holds a placeholder or a comma (the
    /// delimiter is literal, so such text would not be the same in every item), or a delimiter
    /// that is not exactly `suf,pre`.
    fn per_item(&self, x: &N) -> Option<Template> {
        let sub = match x.as_fn() {
            Some(("Fn::Sub", N::Seq(a), _)) => match a.as_slice() {
                [N::Str(s), N::Map(vars)] => Some((s, vars)),
                _ => return None,
            },
            _ => None,
        };
        let (pre, list, delim, suf) = match sub {
            Some((s, vars)) => {
                let [(name, v)] = vars.as_slice() else {
                    return None;
                };
                let (pre, suf) = s.split_once(&format!("${{{name}}}"))?;
                let [delim, list] = fn_args(v, "Fn::Join")? else {
                    return None;
                };
                (pre.to_owned(), list, delim.literal()?, suf.to_owned())
            }
            None => {
                let [empty, N::Seq(three)] = fn_args(x, "Fn::Join")? else {
                    return None;
                };
                let [pre, inner, suf] = three.as_slice() else {
                    return None;
                };
                let [delim, list] = fn_args(inner, "Fn::Join")? else {
                    return None;
                };
                if !empty.literal()?.is_empty() {
                    return None;
                }
                (pre.literal()?, list, delim.literal()?, suf.literal()?)
            }
        };
        let plain = |t: &str| !t.contains("${") && !t.contains(',');
        if !plain(&pre) || !plain(&suf) || delim != format!("{suf},{pre}") {
            return None;
        }
        let list = self.is_list_param(list)?;
        let mut t = Template::lit(pre);
        t.push(Part::Param(ParamName(list)));
        t.push(Part::Lit(suf));
        Some(t)
    }

    pub(super) fn join_part(&mut self, p: &N, d: &str, loc: &Loc) -> Option<Template> {
        if let Some(("Fn::Join", N::Seq(j), _)) = p.as_fn() {
            if let [jd, list] = j.as_slice() {
                let jd = jd.literal().unwrap_or_default();
                if let Some(l) = self.is_list_param(list) {
                    if jd == d {
                        return Some(param_t(&l));
                    }
                }
                if jd.is_empty() {
                    if let N::Seq(three) = list {
                        if let [pre, N::Fn(f, inner, _), suf] = three.as_slice() {
                            if let (Some(pre), Some(suf), N::Seq(ij)) =
                                (pre.literal(), suf.literal(), &**inner)
                            {
                                if let [idelim, ilist] = ij.as_slice() {
                                    if f == "Fn::Join"
                                        && idelim.literal() == Some(format!("{suf}{d}{pre}"))
                                    {
                                        if let Some(l) = self.is_list_param(ilist) {
                                            let mut t = Template::lit(pre);
                                            t.push(Part::Param(ParamName(l)));
                                            t.push(Part::Lit(suf));
                                            return Some(t);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        self.scalar(p, loc)
    }

    pub(super) fn values_y(&mut self, n: &N, loc: &Loc) -> Option<Y> {
        let (ts, single) = self.items(n, loc)?;
        let mut out = Vec::with_capacity(ts.len());
        for t in &ts {
            out.push(Y::Str(self.spec_str(t, loc)?));
        }
        Some(if single && out.len() == 1 {
            out.remove(0)
        } else {
            Y::Seq(out)
        })
    }
}
