//! Condition keys against the catalogue: a key of a known service (or `aws:`) that the
//! catalogue does not list is RG116 with a did-you-mean; an operator that does not fit the
//! key's type (`Bool` on a string key, `ArnLike` on a key that holds no ARN) is RG117.
//!
//! Keys of unknown prefixes are not checked: trust policies use the OIDC provider's own
//! keys (`oidc.eks.….amazonaws.com/id/…:sub`, `token.actions.githubusercontent.com:sub`),
//! SAML keys and parameters (`${OidcProvider}:sub`).
//!
//! A known service key must also apply to one of the statement's actions (RG116 too):
//! `s3:prefix` on `sqs:ReceiveMessage` is never in the request. Judged only when every action
//! of the statement is in the catalogue with the keys it supports (no `*`, no `NotAction`, no
//! action the catalogue lacks, lists no key for, or rolegen.toml adds) and the key's service
//! attaches it to some of its actions (keys it lists for no action are service-wide or not
//! yet mapped); global keys (`aws:…`, and the few service keys AWS lists as global) always
//! apply.

use super::Validator;
use crate::catalog::{catalog, Action, Catalog, ConditionKey, KeyType, Service};
use crate::hash::FastMap as HashMap;
use crate::model::*;
use crate::rules;

/// What the catalogue says of a condition key as written: `None` when it is not checked (a
/// prefix of no catalogue service), `Some(None)` when the key is unknown.
fn lookup(cat: &Catalog, key: &str) -> Option<Option<ConditionKey>> {
    let (prefix, _) = key.split_once(':')?;
    if prefix.eq_ignore_ascii_case("aws") {
        Some(cat.global_condition(key).or_else(|| {
            // Not global, but listed by a service (`aws:RequestTag/${TagKey}`).
            cat.services().iter().find_map(|svc| svc.condition(key))
        }))
    } else {
        let svc = cat.service(prefix)?;
        Some(
            svc.condition(key)
                .or_else(|| cat.global_condition(key))
                .or_else(|| {
                    // Some services' keys are listed by the services that use them
                    // (`ec2:SourceInstanceARN` under ssm, ...).
                    cat.services().iter().find_map(|other| other.condition(key))
                }),
        )
    }
}

pub(super) fn check(v: &mut Validator) {
    let cat = catalog();
    // The same keys and action lists come back statement after statement (a module of many
    // similar roles): every catalogue answer is looked up once. Per key as written: what the
    // catalogue knows of it.
    let mut known_of: HashMap<String, Option<Option<ConditionKey>>> = HashMap::default();
    // Per key (lower case): up to three actions of its own service it is a key of; empty when
    // it is not judged (see the module docs).
    let mut owners: HashMap<String, Vec<String>> = HashMap::default();
    // Per key as written and the statement's actions as written: whether the key applies to
    // one of them (`None`: the actions cannot judge it).
    let mut applies_of: HashMap<String, HashMap<Vec<String>, Option<bool>>> = HashMap::default();
    for (doc, scope) in v.documents() {
        for s in &doc.statements {
            let allows = || {
                let mut allows = scope.allows.clone();
                allows.push(&s.allow);
                allows
            };
            for c in &s.conditions {
                let Some(key) = c.key.as_literal() else {
                    continue;
                };
                let known = match known_of.get(&key) {
                    Some(k) => *k,
                    None => {
                        let k = lookup(cat, &key);
                        known_of.insert(key.clone(), k);
                        k
                    }
                };
                let Some(known) = known else {
                    continue;
                };
                let op_at = || s.origin.key("Condition").key(&c.op.to_string());
                let prefix = key.split_once(':').map_or("", |(p, _)| p);
                let Some(known) = known else {
                    let candidates: Vec<&str> = if prefix.eq_ignore_ascii_case("aws") {
                        cat.global_conditions().iter().map(|k| k.name).collect()
                    } else {
                        cat.service(prefix)
                            .map(|svc| svc.conditions().map(|k| k.name).collect())
                            .unwrap_or_default()
                    };
                    let help = match crate::suggest::closest(&key, candidates.iter().copied()) {
                        Some(sug) => format!("did you mean `{sug}`?"),
                        None => format!("see the condition keys of `{prefix}` in the AWS Service Authorization Reference"),
                    };
                    v.report_on_key(
                        &rules::UNKNOWN_CONDITION_KEY,
                        &allows(),
                        &op_at().key(&key),
                        format!("`{key}` is not a condition key of the catalogue"),
                        help,
                    );
                    continue;
                };
                let lower = key.to_ascii_lowercase();
                if !owners.contains_key(&lower) {
                    let o = key_owners(cat, &key);
                    owners.insert(lower.clone(), o);
                }
                let owned_by = &owners[&lower];
                let applies = if owned_by.is_empty() || s.not_action {
                    None
                } else {
                    let per = applies_of.entry(key.clone()).or_default();
                    match per.get(s.actions.as_slice()) {
                        Some(a) => *a,
                        None => {
                            let a = statement_actions(cat, s).map(|acts| {
                                acts.iter().any(|(svc, a)| {
                                    svc.action_conditions(a).any(|k| k.matches(&key))
                                })
                            });
                            per.insert(s.actions.clone(), a);
                            a
                        }
                    }
                };
                if applies == Some(false) {
                    let mut written: Vec<&str> =
                        s.actions.iter().map(String::as_str).take(4).collect();
                    if s.actions.len() > 4 {
                        written.push("…");
                    }
                    v.report_on_key(
                        &rules::UNKNOWN_CONDITION_KEY,
                        &allows(),
                        &op_at().key(&key),
                        format!(
                            "`{key}` is a condition key of none of the statement's actions ({}): their requests never carry it, so the condition tests a missing key",
                            written.join(", ")
                        ),
                        format!(
                            "use a key these actions support (the AWS Service Authorization Reference lists them per action), or move the condition to a statement of the actions it belongs to (`{key}` is a key of {})",
                            owned_by.join(", ")
                        ),
                    );
                }
                // A templated key (`kms:EncryptionContext:${Key}`) stands for many keys whose
                // values differ (AWS documents `ArnLike` on `kms:EncryptionContext:aws:logs:arn`):
                // its one type does not judge the operator.
                if known.is_template() {
                    continue;
                }
                if let Some(fit) = operator_misfit(c.op.test, known.ty) {
                    v.report_on_key(
                        &rules::CONDITION_OPERATOR_TYPE,
                        &allows(),
                        &op_at(),
                        format!(
                            "`{}` on `{key}`, a key of type {}: {fit}",
                            c.op.test.as_str(),
                            known.type_name()
                        ),
                        format!(
                            "use an operator for {} values{}",
                            known.ty.as_str(),
                            match known.ty {
                                KeyType::String | KeyType::Arn =>
                                    " (`StringEquals`, `StringLike`, ...)",
                                KeyType::Bool => " (`Bool`)",
                                KeyType::Numeric => " (`NumericEquals`, ...)",
                                KeyType::Date => " (`DateGreaterThan`, ...)",
                                KeyType::IpAddress => " (`IpAddress`, `NotIpAddress`)",
                                KeyType::Binary => " (`BinaryEquals`)",
                            }
                        ),
                    );
                }
            }
        }
    }
}

/// Up to three actions of `key`'s own service that list it (`s3:ListBucket`, ...); none when
/// the key is not judged: global, of no catalogue service, or attached to no action of its
/// service (service-wide keys and keys the data does not map to actions).
fn key_owners(cat: &Catalog, key: &str) -> Vec<String> {
    if cat.global_condition(key).is_some() {
        return Vec::new();
    }
    let Some(svc) = key.split_once(':').and_then(|(p, _)| cat.service(p)) else {
        return Vec::new();
    };
    if svc.prefix().eq_ignore_ascii_case("aws") {
        return Vec::new();
    }
    svc.actions()
        .iter()
        .filter(|a| svc.action_conditions(a).any(|k| k.matches(key)))
        .take(3)
        .map(|a| format!("{}:{}", svc.prefix(), a.name))
        .collect()
}

/// The catalogue actions of the statement, or `None` when they cannot judge a key: a
/// `NotAction`, `*`, an action (pattern) the catalogue lacks or rolegen.toml adds, or an
/// action for which the catalogue lists no condition key at all (a third of them: often an
/// undocumented column rather than no key; AWS's own policies use `aws-marketplace:ProductId`
/// on `aws-marketplace:Subscribe`, which lists none).
fn statement_actions<'c>(
    cat: &'c Catalog,
    s: &Statement,
) -> Option<Vec<(&'c Service, &'c Action)>> {
    if s.not_action {
        return None;
    }
    let config = crate::config::project();
    let mut out = Vec::new();
    for a in &s.actions {
        if a == "*" || config.matches_extra_action(a) {
            return None;
        }
        let matched = cat.expand(a);
        let undocumented =
            |(svc, act): &(&Service, &Action)| svc.action_conditions(act).next().is_none();
        if matched.is_empty() || matched.iter().any(undocumented) {
            return None;
        }
        out.extend(matched);
    }
    Some(out)
}

/// Why the operator does not fit a key of type `ty`, if it does not. String operators fit
/// every type but Bool-only checks are loose in IAM, so only the typed families are judged.
fn operator_misfit(test: ConditionTest, ty: KeyType) -> Option<&'static str> {
    use ConditionTest::*;
    let wants = match test {
        Bool => KeyType::Bool,
        ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => KeyType::Arn,
        NumericEquals
        | NumericNotEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => KeyType::Numeric,
        DateEquals
        | DateNotEquals
        | DateLessThan
        | DateLessThanEquals
        | DateGreaterThan
        | DateGreaterThanEquals => KeyType::Date,
        IpAddress | NotIpAddress => KeyType::IpAddress,
        _ => return None,
    };
    // Date keys (`aws:EpochTime`) also take numeric operators on epoch seconds.
    let fits = wants == ty || (wants == KeyType::Numeric && ty == KeyType::Date);
    (!fits).then_some("IAM compares the value as another type, so the condition may never match")
}
