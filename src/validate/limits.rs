//! Limits AWS enforces, counted as IAM counts (whitespace excluded), with the numbers in the
//! message. Sizes are measured on the resolved document with every switch on and the longest
//! partition and region, so a module that passes here fits in every deployment.

use super::Validator;
use crate::model::resolve::Bindings;
use crate::model::*;
use crate::rules;

/// Role name length.
pub(crate) const ROLE_NAME_MAX: usize = 64;
/// Role name prefix length (Terraform appends 26 characters).
pub(crate) const ROLE_NAME_PREFIX_MAX: usize = 38;
/// Managed policy name length.
pub(crate) const POLICY_NAME_MAX: usize = 128;
/// Managed policy name prefix length (Terraform appends 26 characters; the provider refuses
/// a longer `name_prefix`).
pub(crate) const POLICY_NAME_PREFIX_MAX: usize = 102;
/// Path length.
pub(crate) const PATH_MAX: usize = 512;
/// Description length.
pub(crate) const DESCRIPTION_MAX: usize = 1000;
/// Session duration bounds (seconds).
pub(crate) const SESSION_MIN: u32 = 3600;
/// Upper session bound.
pub(crate) const SESSION_MAX: u32 = 43_200;
/// Managed policy document size.
pub(crate) const MANAGED_POLICY_MAX: usize = 6144;
/// Inline policies per role, in aggregate.
pub(crate) const INLINE_AGGREGATE_MAX: usize = 10_240;
/// Trust policy size (default quota).
pub(crate) const TRUST_MAX: usize = 2048;
/// Managed attachments per role (default quota).
pub(crate) const ATTACHMENTS_MAX: usize = 10;

pub(super) fn check(v: &mut Validator) {
    let b = Bindings::worst_case(v.m);
    for r in v.m.roles.values() {
        let allows = [&r.allow];
        match &r.name {
            // A name that may be nothing is empty by default: checked at its example.
            RoleName::Fixed(t) if v.m.optional_param(t).is_some() => {
                optional_name(v, &b, t, &r.origin.key("name"), &allows);
            }
            RoleName::Fixed(t) => name(
                v,
                &b,
                t,
                ROLE_NAME_MAX,
                "role name",
                &r.origin.key("name"),
                &allows,
            ),
            RoleName::Prefix(t) => name(
                v,
                &b,
                t,
                ROLE_NAME_PREFIX_MAX,
                "role name prefix",
                &r.origin.key("name_prefix"),
                &allows,
            ),
            RoleName::FixedOrPrefix(t, p) => {
                if v.m.optional_param(t).is_none() {
                    v.report(&rules::WRONG_TYPE, &allows, &r.origin.key("name_prefix"), format!("a role has both `name` and `name_prefix` only when the name may be nothing (`${{Param}}` of a string parameter whose default or example is `\"\"`); `{}` is always a name, so the prefix is never used", t.display()), "remove `name_prefix`, or make the name such a parameter".into());
                }
                if p.as_literal().is_none() && v.m.optional_param(p).is_none() {
                    v.report(&rules::WRONG_TYPE, &allows, &r.origin.key("name_prefix"), format!("the prefix beside a name that may be nothing is literal text or `${{Param}}` of a string parameter that may be empty; `{}` is neither (CloudFormation, which has no prefix, could not use its parameters)", p.display()), "write the prefix literally, or as one such parameter".into());
                }
                optional_name(v, &b, t, &r.origin.key("name"), &allows);
                // A prefix that may be nothing is checked at its parameter's example.
                let with = at_example(v, &b, p);
                let at = r.origin.key("name_prefix");
                name(
                    v,
                    &with,
                    p,
                    ROLE_NAME_PREFIX_MAX,
                    "role name prefix",
                    &at,
                    &allows,
                );
            }
            RoleName::Generated => {}
        }
        // An optional path left empty is `/`.
        if let Some(p) = r.path.as_ref().filter(|p| b.optional(v.m, p).is_some()) {
            path(v, &b, p, &r.origin.key("path"), &allows);
        }
        // An instance profile's own name: IAM's limits are a policy name's (1 to 128 of
        // letters, digits and +=,.@_-); named like the role, the role's name is checked.
        if let Some(n) = r.instance_profile.as_ref().and_then(|ip| ip.name.as_ref()) {
            let at = r.origin.key("instance_profile").key("name");
            name(
                v,
                &b,
                n,
                POLICY_NAME_MAX,
                "instance profile name",
                &at,
                &allows,
            );
        }
        // Literal names are checked when lowered; one with placeholders at its longest here.
        for p in r.inline.iter().filter(|p| p.iam_name.is_dynamic()) {
            let allows = [&r.allow, &p.allow];
            name(
                v,
                &b,
                &p.iam_name,
                128,
                "inline policy name",
                &p.origin,
                &allows,
            );
        }
        if let Some(d) = &r.description {
            let n = b.scalar(d).chars().count();
            if let Some(c) = b.scalar(d).chars().find(|c| !description_char(*c)) {
                v.report(&rules::DESCRIPTION_LIMIT, &allows, &r.origin.key("description"), format!("the description contains {c:?} (U+{:04X}); IAM role descriptions allow tab, newline, U+0020–U+007E and U+00A1–U+00FF", c as u32), "remove or replace the character".into());
            }
            if n > DESCRIPTION_MAX {
                v.report(
                    &rules::DESCRIPTION_LIMIT,
                    &allows,
                    &r.origin.key("description"),
                    format!("the description is {n} characters; IAM allows {DESCRIPTION_MAX}"),
                    "shorten it".into(),
                );
            }
        }
        if let Some(t) = &r.max_session {
            session(v, t, &r.origin.key("max_session_duration"), &allows);
        }
        let trust = b.document_size(&r.trust);
        if trust > TRUST_MAX {
            v.report(&rules::TRUST_POLICY_SIZE, &allows, &r.trust.origin, format!("the trust policy is {trust} characters (whitespace excluded); the default IAM quota is {TRUST_MAX}"), "trust fewer principals, or raise the quota (up to 8,192) and allow RG207 with a reason".into());
        }
        let inline: usize = r.inline.iter().map(|p| b.document_size(&p.doc)).sum();
        if inline > INLINE_AGGREGATE_MAX {
            v.report(&rules::INLINE_POLICY_SIZE, &allows, &r.origin.key("inline_policies"), format!("the inline policies of this role total {inline} characters (whitespace excluded); IAM allows {INLINE_AGGREGATE_MAX} per role"), "move statements into a customer managed policy (`policies:`) and attach it".into());
        }
        if r.managed.len() > ATTACHMENTS_MAX {
            v.report(&rules::MANAGED_ATTACHMENT_COUNT, &allows, &r.origin.key("managed_policies"), format!("the role attaches {} managed policies; the default IAM quota is {ATTACHMENTS_MAX}", r.managed.len()), "merge policies, or raise the quota (up to 20) and allow RG208 with a reason".into());
        }
        if r.tags.len() > 50 {
            v.report(
                &rules::TAG_LIMIT,
                &allows,
                &r.origin.key("tags"),
                format!("the role has {} tags; IAM allows 50", r.tags.len()),
                "drop some tags".into(),
            );
        }
        for (k, val) in &r.tags {
            let (kl, vl) = (k.chars().count(), b.scalar(val).chars().count());
            if kl > 128 || vl > 256 {
                v.report(&rules::TAG_LIMIT, &allows, &r.origin.key("tags").key(k), format!("tag `{k}` has a {kl}-character key and a {vl}-character value; IAM allows 128 and 256"), "shorten the tag".into());
            }
            // Placeholders are checked by their values' patterns, not here.
            let literal = val.literal_text();
            let at = r.origin.key("tags").key(k);
            if k.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
                v.report_key(
                    &rules::TAG_LIMIT,
                    &at,
                    format!("tag key `{k}` starts with `aws:`, which AWS reserves"),
                    "use a key without the `aws:` prefix".into(),
                );
            }
            if let Some(c) = k.chars().find(|c| !tag_char(*c)) {
                v.report_key(&rules::TAG_LIMIT, &at, format!("tag key `{k}` contains {c:?}; IAM tags allow letters, digits, spaces and _ . : / = + - @"), "remove or replace the character".into());
            }
            if let Some(c) = literal.chars().find(|c| !tag_char(*c)) {
                v.report(&rules::TAG_LIMIT, &allows, &at, format!("the value of tag `{k}` contains {c:?}; IAM tags allow letters, digits, spaces and _ . : / = + - @"), "remove or replace the character".into());
            }
        }
    }
    for p in v.m.policies.values() {
        let size = b.document_size(&p.doc);
        if size > MANAGED_POLICY_MAX {
            v.report(&rules::MANAGED_POLICY_SIZE, &[&p.allow], &p.origin.key("document"), format!("the policy is {size} characters (whitespace excluded); IAM allows {MANAGED_POLICY_MAX} for a managed policy"), "split it into two policies, or use wildcards".into());
        }
        match &p.name {
            RoleName::Fixed(t) | RoleName::FixedOrPrefix(t, _) => name(
                v,
                &b,
                t,
                POLICY_NAME_MAX,
                "policy name",
                &p.origin.key("name"),
                &[&p.allow],
            ),
            RoleName::Prefix(t) => name(
                v,
                &b,
                t,
                POLICY_NAME_PREFIX_MAX,
                "policy name prefix (Terraform appends 26 characters)",
                &p.origin.key("name_prefix"),
                &[&p.allow],
            ),
            RoleName::Generated => {}
        }
        if let Some(path_t) = &p.path {
            path(v, &b, path_t, &p.origin.key("path"), &[&p.allow]);
        }
        // IAM's CreatePolicy bounds a description's length only (no character pattern), with
        // its placeholders at their values (`${AWS::StackName}` at its room, RG201).
        let n = p
            .description
            .as_ref()
            .map_or(0, |d| b.scalar(d).chars().count());
        if n > DESCRIPTION_MAX {
            v.report(
                &rules::DESCRIPTION_LIMIT,
                &[&p.allow],
                &p.origin.key("description"),
                format!("the description is {n} characters; IAM allows {DESCRIPTION_MAX}"),
                "shorten it".into(),
            );
        }
    }
    for k in v.m.kms_keys.values() {
        if k.description
            .as_ref()
            .is_some_and(|d| d.chars().count() > KMS_DESCRIPTION_MAX)
        {
            v.report(
                &rules::DESCRIPTION_LIMIT,
                &[&k.allow],
                &k.origin.key("description"),
                format!("the key description is over {KMS_DESCRIPTION_MAX} characters; KMS allows {KMS_DESCRIPTION_MAX}"),
                "shorten it".into(),
            );
        }
    }
}

/// Longest KMS key description.
const KMS_DESCRIPTION_MAX: usize = 8192;

fn name(
    v: &mut Validator,
    b: &Bindings,
    t: &Template,
    max: usize,
    what: &str,
    at: &crate::source::YamlPath,
    allows: &[&Allow],
) {
    let resolved = b.scalar(t);
    let n = resolved.chars().count();
    if n > max {
        let with = if t.parts.contains(&Part::Pseudo(Pseudo::StackName)) {
            "with defaults, the longest region and a 1-character stack name"
        } else {
            "with defaults and the longest region"
        };
        v.report(
            &rules::ROLE_NAME_LIMIT,
            allows,
            at,
            format!("the {what} is {n} characters (`{resolved}` {with}); IAM allows {max}"),
            "shorten it or its parameters' defaults".into(),
        );
    }
    if let Some(lit) = t.as_literal() {
        // IAM and the provider need at least one character (`name_prefix = ""` fails the
        // plan); a name or prefix that may be nothing is a parameter, never empty text.
        if lit.is_empty() {
            v.report(
                &rules::ROLE_NAME_LIMIT,
                allows,
                at,
                format!("the {what} is empty; IAM needs at least 1 character"),
                "write the name, or leave the key out to have one generated".into(),
            );
        }
        if let Some(c) = lit
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)))
        {
            v.report(&rules::ROLE_NAME_LIMIT, allows, at, format!("the {what} `{lit}` contains `{c}`; IAM names allow letters, digits and +=,.@_-"), "remove the character".into());
        }
    }
}

/// `b` with the parameter of `t`, a value that may be nothing, at its example (what the
/// parameter is for); `b` as it is when `t` is no such value or its parameter has no example.
fn at_example(v: &Validator, b: &Bindings, t: &Template) -> Bindings {
    let mut with = b.clone();
    if let Some(x) = v.m.optional_param(t).and_then(|p| v.m.params.get(p)) {
        if let Some(ex) = &x.example {
            with.params.insert(x.name.as_str().to_owned(), ex.clone());
        }
    }
    with
}

/// A role name that may be nothing (`name: ${P}`, `P` empty by default): empty, the name is
/// generated; its example (what the parameter is for) is checked like a name, length and
/// characters.
fn optional_name(
    v: &mut Validator,
    b: &Bindings,
    t: &Template,
    at: &crate::source::YamlPath,
    allows: &[&Allow],
) {
    let Some(p) = v.m.optional_param(t) else {
        return;
    };
    let Some(ParamValue::Str(ex)) = v.m.params.get(p).and_then(|x| x.example.clone()) else {
        return;
    };
    if ex.is_empty() {
        return;
    }
    let with = at_example(v, b, t);
    name(
        v,
        &with,
        t,
        ROLE_NAME_MAX,
        "role name (at its parameter's example)",
        at,
        allows,
    );
    if let Some(c) = ex
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)))
    {
        v.report(
            &rules::ROLE_NAME_LIMIT,
            allows,
            at,
            format!("the role name's example `{ex}` (parameter `{p}`) contains `{c}`; IAM names allow letters, digits and +=,.@_-"),
            "fix the example (and the parameter's pattern, if it admits the character)".into(),
        );
    }
}

/// A role's maximum session: a number in range, or a number parameter whose declared bounds
/// (or, without them, default) keep it in range.
fn session(v: &mut Validator, t: &Template, at: &crate::source::YamlPath, allows: &[&Allow]) {
    let range = SESSION_MIN..=SESSION_MAX;
    let within = |s: &str| s.parse::<u32>().is_ok_and(|n| range.contains(&n));
    let problem = match t.as_single_param().and_then(|p| v.m.params.get(p)) {
        None => {
            let s = t.as_literal().unwrap_or_default();
            (!within(&s)).then(|| format!("max_session_duration {s} is outside {SESSION_MIN}–{SESSION_MAX} seconds (1 to 12 hours)"))
        }
        Some(p) => {
            let default = match &p.default {
                Some(ParamValue::Number(n)) => Some(n),
                _ => None,
            };
            let declared = [&p.min_value, &p.max_value]
                .into_iter()
                .flatten()
                .chain(default)
                .chain(&p.allowed_values);
            let outside: Vec<&String> = declared.filter(|s| !within(s)).collect();
            (!outside.is_empty()).then(|| format!("parameter `{}` declares {} outside {SESSION_MIN}–{SESSION_MAX} seconds (1 to 12 hours), which IAM refuses", p.name, outside.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")))
        }
    };
    if let Some(message) = problem {
        let help = match t.as_single_param() {
            Some(_) => "give the parameter `min_value: 3600` and `max_value: 43200` (or narrower) and a default in range",
            None => "pick a value in range, e.g. 3600",
        };
        v.report(&rules::SESSION_DURATION, allows, at, message, help.into());
    }
}

fn path(
    v: &mut Validator,
    b: &Bindings,
    t: &Template,
    at: &crate::source::YamlPath,
    allows: &[&Allow],
) {
    let p = b.scalar(t);
    let n = p.chars().count();
    let shape = p.starts_with('/') && p.ends_with('/') && !p.contains("//") || p == "/";
    if n > PATH_MAX || !shape || p.chars().any(|c| !('\u{21}'..='\u{7e}').contains(&c)) {
        v.report(&rules::PATH_LIMIT, allows, at, format!("path `{p}` ({n} characters) must be `/` or `/segment/.../` of printable ASCII, at most {PATH_MAX}"), "for example `/service-role/`".into());
    }
}

/// Characters IAM accepts in a role description.
fn description_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{a1}'..='\u{ff}')
}

/// Characters IAM accepts in tag keys and values.
/// IAM's tag alphabet, `[\p{L}\p{Z}\p{N}_.:/=+\-@]`: letters, digits, the Unicode space
/// separators (not tabs or line breaks, which are control characters) and `_.:/=+-@`.
fn tag_char(c: char) -> bool {
    let separator = matches!(
        c,
        ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    );
    c.is_alphanumeric() || separator || "_.:/=+-@".contains(c)
}
