//! Condition keys against the catalogue: a key of a known service (or `aws:`) that the
//! catalogue does not list is RG116 with a did-you-mean; an operator that does not fit the
//! key's type (`Bool` on a string key, `ArnLike` on a key that holds no ARN) is RG117.
//!
//! Keys of unknown prefixes are not checked: trust policies use the OIDC provider's own
//! keys (`oidc.eks.….amazonaws.com/id/…:sub`, `token.actions.githubusercontent.com:sub`),
//! SAML keys and parameters (`${OidcProvider}:sub`).

use super::Validator;
use crate::catalog::{catalog, ConditionKey, KeyType};
use crate::model::*;
use crate::rules;

pub(super) fn check(v: &mut Validator) {
    let cat = catalog();
    for (doc, scope) in v.documents() {
        for s in &doc.statements {
            let mut allows = scope.allows.clone();
            allows.push(&s.allow);
            for c in &s.conditions {
                let Some(key) = c.key.as_literal() else {
                    continue;
                };
                let Some((prefix, _)) = key.split_once(':') else {
                    continue;
                };
                let op_at = s.origin.key("Condition").key(&c.op.to_string());
                let at = op_at.key(&key);
                let known: Option<ConditionKey> = if prefix.eq_ignore_ascii_case("aws") {
                    cat.global_condition(&key).or_else(|| {
                        // Not global, but listed by a service (`aws:RequestTag/${TagKey}`).
                        cat.services().iter().find_map(|svc| svc.condition(&key))
                    })
                } else if let Some(svc) = cat.service(prefix) {
                    svc.condition(&key)
                        .or_else(|| cat.global_condition(&key))
                        .or_else(|| {
                            // Some services' keys are listed by the services that use them
                            // (`ec2:SourceInstanceARN` under ssm, ...).
                            cat.services()
                                .iter()
                                .find_map(|other| other.condition(&key))
                        })
                } else {
                    continue;
                };
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
                        &allows,
                        &at,
                        format!("`{key}` is not a condition key of the catalogue"),
                        help,
                    );
                    continue;
                };
                // A templated key (`kms:EncryptionContext:${Key}`) stands for many keys whose
                // values differ (AWS documents `ArnLike` on `kms:EncryptionContext:aws:logs:arn`):
                // its one type does not judge the operator.
                if known.is_template() {
                    continue;
                }
                if let Some(fit) = operator_misfit(c.op.test, known.ty) {
                    v.report_on_key(
                        &rules::CONDITION_OPERATOR_TYPE,
                        &allows,
                        &op_at,
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
