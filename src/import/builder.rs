//! The spec builder every importer shares (CloudFormation, Terraform, IAM JSON and the
//! account import): `when:` switches, policy documents, trust helpers recognised in a trust
//! policy, AWS managed attachments, and the `roles:`/`kms_keys:` entries and the whole spec
//! tree in the order `rolegen fmt` keeps.

use super::oidc::ProviderInfo;
use super::yaml::Y;
use crate::model::{ParamName, Part, Pseudo, Template};
use std::collections::HashSet;

/// A `when:` switch: a bool parameter, possibly negated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sw {
    /// The bool parameter.
    pub param: String,
    /// `not Param`.
    pub neg: bool,
}

impl Sw {
    pub(crate) fn not(&self) -> Sw {
        Sw {
            param: self.param.clone(),
            neg: !self.neg,
        }
    }
    pub(crate) fn text(&self) -> String {
        if self.neg {
            format!("not {}", self.param)
        } else {
            self.param.clone()
        }
    }
    pub(crate) fn parse(s: &str) -> Sw {
        match s.strip_prefix("not ") {
            Some(p) => Sw {
                param: p.trim().to_owned(),
                neg: true,
            },
            None => Sw {
                param: s.trim().to_owned(),
                neg: false,
            },
        }
    }
}

/// The `when:` of a spec entry.
pub(crate) fn when_of(y: &Y) -> Option<Sw> {
    y.get("when").and_then(Y::as_str).map(Sw::parse)
}

/// The statements one source statement became under exclusive switches (an `Fn::If` inside
/// it, or around it with the same `Sid` in both branches): IAM and RG005 want one statement
/// per `Sid`, so each copy after the first whose `Sid` is taken gets its switch appended
/// (`Mfa` under `when: not RequireMfa` becomes `MfaNotRequireMfa`), as the Terraform importer
/// names the copy it splits off a `dynamic "condition"`.
pub(crate) fn distinct_sids(statements: &mut [Y]) {
    let mut seen: Vec<String> = Vec::new();
    for y in statements.iter_mut() {
        let Some(sid) = y.get("Sid").and_then(Y::as_str).map(str::to_owned) else {
            continue;
        };
        if seen.contains(&sid) {
            if let Some(w) = when_of(y) {
                let not = if w.neg { "Not" } else { "" };
                y.set("Sid", Y::s(format!("{sid}{not}{}", w.param)));
            }
        }
        seen.push(sid);
    }
}

/// An instance profile's spec value with its own switch (beyond its role's), if any.
pub(crate) fn profile_when(y: Y, own: &Option<Sw>) -> Y {
    match (y, own) {
        (y, None) => y,
        (Y::Bool(true), Some(w)) => Y::Map(vec![("when".to_owned(), Y::s(w.text()))]),
        (y, w) => with_when(y, w),
    }
}

/// `y` with its `when:` replaced by `w` (or removed).
pub(crate) fn with_when(mut y: Y, w: &Option<Sw>) -> Y {
    y.remove("when");
    if let Some(w) = w {
        y.set("when", Y::s(w.text()));
    }
    y
}

/// The opposite of a spec condition test: `not X` for a name, `{not: test}` otherwise
/// (double negations folded).
pub(crate) fn negate(y: Y) -> Y {
    match y {
        Y::Str(s) => match s.strip_prefix("not ") {
            Some(x) => Y::s(x),
            None => Y::s(format!("not {s}")),
        },
        Y::Map(mut m) if m.len() == 1 && m[0].0 == "not" => m.remove(0).1,
        other => Y::Map(vec![("not".into(), other)]),
    }
}

/// A policy document being imported.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    /// `Version`, as written.
    pub(crate) version: Option<String>,
    /// `Id`.
    pub(crate) id: Option<String>,
    /// `Statement`, each a spec statement.
    pub(crate) statements: Vec<Y>,
}

impl Doc {
    /// The document as a spec tree.
    pub(crate) fn to_y(&self) -> Y {
        let mut m = Vec::new();
        if let Some(v) = &self.version {
            m.push(("Version".to_owned(), Y::s(v)));
        }
        if let Some(i) = &self.id {
            m.push(("Id".to_owned(), Y::s(i)));
        }
        m.push(("Statement".to_owned(), Y::Seq(self.statements.clone())));
        Y::Map(m)
    }
}

/// `aws:` for AWS managed policy ARNs (partition-aware or a literal `arn:aws:`).
pub(crate) fn aws_attachment(t: &Template) -> Option<Y> {
    const PREFIX: &str = ":iam::aws:policy/";
    if let [Part::Lit(a), Part::Pseudo(Pseudo::Partition), Part::Lit(rest)] = t.parts.as_slice() {
        if a == "arn:" {
            if let Some(name) = rest.strip_prefix(PREFIX) {
                if !name.is_empty() && !name.contains("${") {
                    return Some(Y::Map(vec![("aws".into(), Y::s(name))]));
                }
            }
        }
    }
    if let Some(l) = t.as_literal() {
        if let Some(name) = l
            .strip_prefix("arn:aws")
            .and_then(|r| r.strip_prefix(PREFIX))
        {
            if !name.is_empty() && !name.contains("${") {
                return Some(Y::Map(vec![("aws".into(), Y::s(name))]));
            }
        }
    }
    None
}

/// A role's trust entries from its imported trust policy, or why the role is refused: no
/// statement came across.
pub(crate) fn role_trust(d: &Doc, providers: &[ProviderInfo]) -> Result<Vec<(String, Y)>, String> {
    if d.statements.is_empty() {
        return Err("no statement of its trust policy could be imported".into());
    }
    Ok(trust_entries(d, providers))
}

/// A trust policy whose every statement has one and the same switch, for a role without one
/// (what is left of `Principal: !If [C, X, Y]` when one branch cannot be expressed): the role
/// takes the switch and the statements lose it, and the switch is returned for the caller to
/// report. With the switch off the trust would be empty, which IAM refuses (and the spec
/// would not build, RG106); the source's role then fails too, so the spec holds less.
pub(crate) fn hoist_trust_switch(d: &mut Doc, role: &mut Option<Sw>) -> Option<Sw> {
    let first = d.statements.first().and_then(when_of);
    let same = d.statements.iter().all(|s| when_of(s) == first);
    match (&role, first, same) {
        (None, Some(w), true) => {
            *role = Some(w.clone());
            for s in &mut d.statements {
                s.remove("when");
            }
            Some(w)
        }
        _ => None,
    }
}

/// Trust entries of a role: helpers for obvious exact matches, else a raw `trust_document`.
/// `providers` are the OIDC providers the import creates (`irsa` and `github` helpers with
/// `oidc_provider: <key>`; a raw statement names one as `${oidc_providers.<key>.arn}`).
pub(crate) fn trust_entries(d: &Doc, providers: &[ProviderInfo]) -> Vec<(String, Y)> {
    let each: Vec<Option<Y>> = d
        .statements
        .iter()
        .map(|s| trust_helper(s).or_else(|| super::oidc::helper(s, providers)))
        .collect();
    // Beside a helper naming a provider of the input, the other statements are raw
    // `statement:` entries (the same statements).
    let names_provider = |y: &Option<Y>| {
        y.as_ref()
            .and_then(|h| h.get("irsa").or_else(|| h.get("github")))
            .is_some_and(|h| h.get("oidc_provider").is_some())
    };
    let helpers: Option<Vec<Y>> = if each.iter().any(names_provider) {
        Some(
            each.into_iter()
                .zip(&d.statements)
                .map(|(h, s)| h.unwrap_or_else(|| Y::Map(vec![("statement".into(), s.clone())])))
                .collect(),
        )
    } else {
        each.into_iter().collect()
    };
    match helpers {
        Some(h) if !h.is_empty() => {
            let mut v = vec![("trust".to_owned(), Y::Seq(h))];
            match d.version.as_deref() {
                Some("2012-10-17") | None => {}
                Some(other) => v.push(("trust_version".into(), Y::s(other))),
            }
            if d.id.is_some() {
                return vec![("trust_document".into(), d.to_y())];
            }
            v
        }
        _ => vec![("trust_document".into(), d.to_y())],
    }
}

fn trust_helper(s: &Y) -> Option<Y> {
    let Y::Map(m) = s else { return None };
    for (k, _) in m {
        if !matches!(
            k.as_str(),
            "Effect" | "Principal" | "Action" | "Condition" | "when"
        ) {
            return None;
        }
    }
    if s.get("Effect")?.as_str()? != "Allow" {
        return None;
    }
    if s.get("Action")?.strings()? != ["sts:AssumeRole"] {
        return None;
    }
    let Y::Map(p) = s.get("Principal")? else {
        return None;
    };
    let [(ptype, values)] = p.as_slice() else {
        return None;
    };
    let vals: Vec<String> = values.strings()?.into_iter().map(str::to_owned).collect();
    let cond = s.get("Condition");
    let cond_one = |op: &str, key: &str| -> Option<String> {
        let Y::Map(c) = cond? else { return None };
        let [(o, Y::Map(keys))] = c.as_slice() else {
            return None;
        };
        let [(k, v)] = keys.as_slice() else {
            return None;
        };
        if o != op || k != key {
            return None;
        }
        let v = v.strings()?;
        let [one] = v.as_slice() else { return None };
        Some((*one).to_owned())
    };
    let mut out: Vec<(String, Y)> = Vec::new();
    match ptype.as_str() {
        "Service" => {
            out.push((
                "service".into(),
                Y::Seq(vals.into_iter().map(Y::Str).collect()),
            ));
            if cond.is_some() {
                if cond_one("StringEquals", "aws:SourceAccount").as_deref()
                    != Some("${AWS::AccountId}")
                {
                    return None;
                }
                out.push(("source_account".into(), Y::Bool(true)));
            }
        }
        "AWS" => {
            let mut accounts = Vec::new();
            for v in vals {
                let id = v
                    .strip_prefix("arn:${AWS::Partition}:iam::")
                    .and_then(|r| r.strip_suffix(":root"))
                    .filter(|id| id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()));
                match id {
                    Some(id) => accounts.push(Y::s(id)),
                    None if v.starts_with("arn:") || v == "*" => accounts.push(Y::Str(v)),
                    None => return None,
                }
            }
            out.push(("account".into(), Y::Seq(accounts)));
            if cond.is_some() {
                out.push((
                    "external_id".into(),
                    Y::Str(cond_one("StringEquals", "sts:ExternalId")?),
                ));
            }
        }
        _ => return None,
    }
    if let Some(w) = s.get("when") {
        out.push(("when".into(), w.clone()));
    }
    Some(Y::Map(out))
}

/// A `kms_keys:` entry: its entries with `alias` after `description` and `when` before `policy`.
pub(crate) fn key_entry(mut e: Vec<(String, Y)>, alias: Option<String>, when: Option<&Sw>) -> Y {
    if let Some(a) = alias {
        let at = usize::from(e.first().is_some_and(|(n, _)| n == "description"));
        e.insert(at, ("alias".into(), Y::s(a)));
    }
    if let Some(w) = when {
        let at = e.iter().position(|(n, _)| n == "policy").unwrap_or(e.len());
        e.insert(at, ("when".into(), Y::s(w.text())));
    }
    Y::Map(e)
}

/// A `roles:` entry: its properties, `when`, `instance_profile`, trust, `managed_policies` and
/// `inline_policies`, in that order (empty lists left out).
pub(crate) fn role_entry(
    mut m: Vec<(String, Y)>,
    when: Option<&Sw>,
    profile: Option<Y>,
    trust: Vec<(String, Y)>,
    managed: Vec<Y>,
    inline: Vec<(String, Y)>,
) -> Y {
    if let Some(w) = when {
        m.retain(|(k, _)| k != "when");
        m.push(("when".into(), Y::s(w.text())));
    }
    if let Some(p) = profile {
        m.push(("instance_profile".into(), p));
    }
    m.extend(trust);
    if !managed.is_empty() {
        m.push(("managed_policies".into(), Y::Seq(managed)));
    }
    if !inline.is_empty() {
        m.push(("inline_policies".into(), Y::Map(inline)));
    }
    Y::Map(m)
}

/// The whole imported spec: `top` (module, description), then parameters, mappings, roles, policies,
/// KMS keys and OIDC providers, each left out when empty. A role whose escape hatches would take the name of
/// a parameter (role `ConsumerRole` beside the template's parameter `ConsumerRoleName`: the
/// name hatch is `ConsumerRoleName` too) keeps only the hatches that do not
/// ([`hatches_clear_of`]), or the spec would not build (RG003).
pub(crate) fn spec_tree(
    mut top: Vec<(String, Y)>,
    params: Vec<(String, Y)>,
    mappings: Vec<(String, Y)>,
    mut roles: Vec<(String, Y)>,
    policies: Vec<(String, Y)>,
    keys: Vec<(String, Y)>,
    providers: Vec<(String, Y)>,
) -> Y {
    let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
    let lists: Vec<String> = params
        .iter()
        .filter(|(_, y)| y.get("type").and_then(Y::as_str) == Some("list"))
        .map(|(n, _)| format!("${{{n}}}"))
        .collect();
    for (key, role) in &mut roles {
        // A role attaching a list parameter whole has it in place of that hatch.
        let list = matches!(role.get("managed_policies"), Some(Y::Seq(v)) if v.iter().any(|m| {
            m.get("arn")
                .and_then(Y::as_str)
                .is_some_and(|a| lists.iter().any(|l| l == a))
        }));
        if let Y::Map(entries) = role {
            if let Some(kept) = hatches_clear_of(key, &names, list) {
                if !entries.iter().any(|(k, _)| k == "hatches") {
                    entries.push(("hatches".into(), kept));
                }
            }
        }
    }
    for (name, entries) in [
        ("parameters", params),
        ("mappings", mappings),
        ("roles", roles),
        ("policies", policies),
        ("kms_keys", keys),
        ("oidc_providers", providers),
    ] {
        if !entries.is_empty() {
            top.push((name.into(), Y::Map(entries)));
        }
    }
    Y::Map(top)
}

/// The spec conditions (`conditions:`) that `used` (the words of the spec's entries) names,
/// directly or through another condition, in the order given; `used` gains their words (the
/// parameters they test stay).
pub(crate) fn conditions_used(
    named: &indexmap::IndexMap<String, Y>,
    used: &mut HashSet<String>,
) -> Vec<(String, Y)> {
    let mut kept: HashSet<&str> = HashSet::new();
    loop {
        let next: Vec<(&String, &Y)> = named
            .iter()
            .filter(|(n, _)| used.contains(n.as_str()) && !kept.contains(n.as_str()))
            .collect();
        if next.is_empty() {
            break;
        }
        for (n, y) in next {
            kept.insert(n);
            used.extend(words(std::iter::once(&(String::new(), y.clone()))));
        }
    }
    named
        .iter()
        .filter(|(n, _)| kept.contains(n.as_str()))
        .map(|(n, y)| (n.clone(), y.clone()))
        .collect()
}

/// `tree` with `conditions:` after its `parameters:` (or after the module's header when it has
/// none), left out when empty.
pub(crate) fn with_conditions(mut tree: Y, conditions: Vec<(String, Y)>) -> Y {
    if conditions.is_empty() {
        return tree;
    }
    if let Y::Map(top) = &mut tree {
        let at = top
            .iter()
            .position(|(k, _)| k == "parameters")
            .map(|i| i + 1)
            .or_else(|| top.iter().position(|(k, _)| k == "roles"))
            .unwrap_or(top.len());
        top.insert(at, ("conditions".into(), Y::Map(conditions)));
    }
    tree
}

/// The `hatches:` value for role `key` when some of its escape hatches' inputs (the
/// CloudFormation parameter `<Role><Hatch>`, the Terraform variable `<role>_<hatch>`) are
/// named like one of `params`: the others, or `false` when none is left; `None` when no hatch
/// collides (the role keeps the module's hatches). A role that attaches a list parameter
/// (`list`) has it in place of the `additional_policy_arns` hatch, which is not listed then.
fn hatches_clear_of(key: &str, params: &[&str], list: bool) -> Option<Y> {
    use crate::model::names::{pascal, snake};
    use crate::model::Hatch;
    let collides = |h: Hatch| {
        let cfn = format!("{}{}", pascal(key), pascal(h.key()));
        let tf = format!("{}_{}", snake(key), h.key());
        params.iter().any(|p| *p == cfn || snake(p) == tf)
    };
    if !Hatch::ALL.into_iter().any(collides) {
        return None;
    }
    let kept: Vec<Y> = Hatch::ALL
        .into_iter()
        .filter(|h| !(collides(*h) || (list && *h == Hatch::AdditionalPolicyArns)))
        .map(|h| Y::s(h.key()))
        .collect();
    Some(if kept.is_empty() {
        Y::Bool(false)
    } else {
        Y::Seq(kept)
    })
}

/// Adds every word of `text` (a run of ASCII letters, digits and `_`) to `out`.
pub(crate) fn add_words(text: &str, out: &mut HashSet<String>) {
    out.extend(
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_owned),
    );
}

/// Every word (a run of ASCII letters, digits and `_`) in the keys and strings of `entries`:
/// the parameters a spec part may name (`${Env}`, `when: not Flag`). Over-approximates (a
/// literal word that happens to be a parameter's name keeps it), which keeps a parameter too
/// many at worst.
pub(crate) fn words<'y>(entries: impl Iterator<Item = &'y (String, Y)>) -> HashSet<String> {
    fn walk(y: &Y, out: &mut HashSet<String>) {
        match y {
            Y::Str(s) => add_words(s, out),
            Y::Num(_) | Y::Bool(_) => {}
            Y::Seq(items) => items.iter().for_each(|i| walk(i, out)),
            Y::Map(m) => m.iter().for_each(|(k, v)| {
                add_words(k, out);
                walk(v, out);
            }),
        }
    }
    let mut out = HashSet::new();
    for (k, v) in entries {
        add_words(k, &mut out);
        walk(v, &mut out);
    }
    out
}

/// A template of one parameter.
pub(crate) fn param_t(name: &str) -> Template {
    Template {
        parts: vec![Part::Param(ParamName(name.to_owned()))],
    }
}

/// A template of one pseudo parameter.
pub(crate) fn pseudo_t(p: Pseudo) -> Template {
    Template {
        parts: vec![Part::Pseudo(p)],
    }
}

/// `arn:${AWS::Partition}:iam::${AWS::AccountId}:<kind><path><name>`.
pub(crate) fn iam_arn(kind: &str, path: &Option<Template>, name: &Template) -> Template {
    let mut t = Template::lit("arn:");
    t.push(Part::Pseudo(Pseudo::Partition));
    t.push(Part::Lit(":iam::".into()));
    t.push(Part::Pseudo(Pseudo::AccountId));
    t.push(Part::Lit(format!(":{kind}")));
    match path {
        Some(p) => t.extend(p),
        None => t.push(Part::Lit("/".into())),
    }
    t.extend(name);
    t
}

/// A lookup table an importer read: its entries, each with its keys and text values, in the
/// written order (a spec mapping's contents).
pub(crate) type Table = Vec<(String, Vec<(String, String)>)>;

/// A spec's `mappings:` entries: each mapping's entries, each a map of its keys.
pub(crate) fn mappings_y(maps: &indexmap::IndexMap<String, Table>) -> Vec<(String, Y)> {
    maps.iter()
        .map(|(name, entries)| {
            let entries = entries
                .iter()
                .map(|(e, keys)| {
                    let keys = keys.iter().map(|(k, v)| (k.clone(), Y::s(v))).collect();
                    (e.clone(), Y::Map(keys))
                })
                .collect();
            (name.clone(), Y::Map(entries))
        })
        .collect()
}

/// Whether `y` writes the placeholder `whole` anywhere (a key such as an inline policy's name
/// included) but as a whole `arn:` attachment.
pub(crate) fn mentions(y: &Y, whole: &str) -> bool {
    match y {
        Y::Str(s) => s.contains(whole),
        Y::Num(_) | Y::Bool(_) => false,
        Y::Seq(v) => v.iter().any(|x| mentions(x, whole)),
        Y::Map(m) => m.iter().any(|(k, v)| {
            k.contains(whole) || (!(k == "arn" && v.as_str() == Some(whole)) && mentions(v, whole))
        }),
    }
}

/// A key's deletion window (`PendingWindowInDays`, `deletion_window_in_days`) as the spec
/// writes it: 7 to 30 days, or `${Param}` of one parameter (the spec checks it is a number
/// parameter); else why not.
pub(crate) fn deletion_window(t: &Template) -> Result<Y, String> {
    bounded_number(
        t,
        7..=30,
        "a deletion window",
        "days",
        "KMS accepts 7 to 30",
    )
}

/// A role's maximum session (`MaxSessionDuration`, `max_session_duration`) as the spec writes
/// it: 3600 to 43200 seconds, or `${Param}` of one parameter (the spec checks it is a number
/// parameter in range); else why not.
pub(crate) fn max_session(t: &Template) -> Result<Y, String> {
    bounded_number(
        t,
        3600..=43_200,
        "a maximum session",
        "seconds",
        "IAM accepts 3600 to 43200",
    )
}

/// A whole number in `range`, or `${Param}` of one parameter.
fn bounded_number(
    t: &Template,
    range: std::ops::RangeInclusive<u32>,
    what: &str,
    unit: &str,
    accepts: &str,
) -> Result<Y, String> {
    if let Some(s) = t.as_literal() {
        return match s.trim().parse::<u32>() {
            Ok(n) if range.contains(&n) => Ok(Y::Num(n.to_string())),
            _ => Err(format!(
                "{what} of `{s}` {unit} cannot be expressed ({accepts})"
            )),
        };
    }
    match t.as_single_param() {
        Some(p) => Ok(Y::Str(format!("${{{p}}}"))),
        None => Err(format!(
            "{what} of `{}` cannot be expressed: a number of {unit} or one number parameter",
            t.display()
        )),
    }
}
