//! IAM grammar: action syntax, ARN shape, policy version, duplicate condition keys.

use super::Validator;
use crate::catalog::action_problem;
use crate::model::*;
use crate::rules;

pub(super) fn check(v: &mut Validator) {
    for (doc, scope) in v.documents() {
        if doc.version == "2008-10-17" {
            v.report(&rules::OLD_POLICY_VERSION, &scope.allows, &doc.origin, "this policy uses `Version: 2008-10-17`, which does not support policy variables".into(), "use `2012-10-17`, or keep the old version with `allow: [{code: RG105, reason: ...}]`".into());
        }
        for s in &doc.statements {
            let mut allows = scope.allows.clone();
            allows.push(&s.allow);
            if statement_texts(s).any(|t| {
                t.parts
                    .iter()
                    .any(|p| matches!(p, Part::Lit(l) if l.contains("&{")))
            }) {
                v.report(&rules::INVALID_STATEMENT, &allows, &s.origin, "the statement holds `&{`, which the Terraform AWS provider turns into `${` (its own spelling of an IAM policy variable): the two outputs would differ".into(), "write an IAM policy variable as `${aws:username}`".into());
            }
            for (i, a) in s.actions.iter().enumerate() {
                if let Some(problem) = action_problem(a) {
                    let at = s
                        .origin
                        .key(if s.not_action { "NotAction" } else { "Action" });
                    let at = if s.actions.len() > 1 { at.index(i) } else { at };
                    v.report(&rules::ACTION_SYNTAX, &allows, &at, format!("`{a}` {problem}"), "write actions as `service:ActionName`, e.g. `s3:GetObject`; wildcards `*` and `?` are allowed".into());
                }
            }
            let arns = s.resources.iter().flatten().map(|t| {
                (
                    t,
                    if s.not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    },
                )
            });
            let principals = match &s.principal {
                Some(Principal::Typed(m)) => m
                    .get(&PrincipalType::Aws)
                    .into_iter()
                    .flatten()
                    .chain(m.get(&PrincipalType::Federated).into_iter().flatten())
                    .map(|t| (t, "Principal"))
                    .collect(),
                _ => Vec::new(),
            };
            for (t, field) in arns.chain(principals) {
                if let Some(problem) = arn_problem(t) {
                    v.report(
                        &rules::MALFORMED_ARN,
                        &allows,
                        &s.origin.key(field),
                        format!("`{}` is not a valid ARN: {problem}", t.display()),
                        arn_help(t, &problem),
                    );
                }
            }
            let mut seen: Vec<(String, String)> = Vec::new();
            for c in &s.conditions {
                let k = (c.op.to_string(), c.key.display());
                if seen.contains(&k) {
                    v.report(
                        &rules::DUPLICATE_NAME,
                        &allows,
                        &s.origin.key("Condition"),
                        format!("condition `{}` on `{}` appears twice", k.0, k.1),
                        "merge the values into one list".into(),
                    );
                }
                seen.push(k);
            }
        }
    }
    empty_documents(v);
    for r in v.m.roles.values() {
        for a in &r.managed {
            if let PolicyRef::Arn(t) = &a.target {
                if let Some(problem) = arn_problem(t) {
                    v.report(&rules::MALFORMED_ARN, &[&r.allow, &a.allow], &a.origin.key("arn"), format!("`{}` is not a valid policy ARN: {problem}", t.display()), "a policy ARN is `arn:${AWS::Partition}:iam::<account>:policy/<path><name>`; for AWS managed policies use `aws: <Name>`".into());
                }
            }
        }
        if let Some(b) = &r.boundary {
            // `${P}` of a parameter that may be empty is a value or nothing
            // (`Module::optional_param`): both outputs leave the boundary out when it is.
            if let Some(problem) = arn_problem(b) {
                v.report(&rules::MALFORMED_ARN, &[&r.allow], &r.origin.key("permissions_boundary"), format!("`{}` is not a valid ARN: {problem}", b.display()), "a boundary is a policy ARN: `arn:${AWS::Partition}:iam::<account>:policy/<name>`".into());
            }
        }
    }
}

/// Every template of a statement: resources, principals, condition keys and values.
fn statement_texts(s: &Statement) -> impl Iterator<Item = &Template> {
    let principals: Vec<&Template> = match &s.principal {
        Some(Principal::Typed(pm)) => pm.values().flatten().collect(),
        _ => Vec::new(),
    };
    s.resources.iter().flatten().chain(principals).chain(
        s.conditions
            .iter()
            .flat_map(|c| std::iter::once(&c.key).chain(&c.values)),
    )
}

/// Documents whose every statement is switched, where some choice of the switches turns the
/// document on and all of its statements off: IAM rejects a policy without statements.
fn empty_documents(v: &mut Validator) {
    let m = v.m;
    let mut docs: Vec<(&PolicyDocument, Vec<&Option<Switch>>)> = Vec::new();
    for r in m.roles.values() {
        docs.push((&r.trust, vec![&r.when]));
        for p in &r.inline {
            docs.push((&p.doc, vec![&r.when, &p.when]));
        }
    }
    docs.extend(m.policies.values().map(|p| (&p.doc, vec![&p.when])));
    docs.extend(m.kms_keys.values().map(|k| (&k.policy, vec![&k.when])));
    for (doc, on) in docs {
        let Some(binding) = empty_binding(m, doc, &on) else {
            continue;
        };
        let values: Vec<String> = binding
            .iter()
            .map(|(p, value)| format!("`{p} = {value}`"))
            .collect();
        v.report(
            &rules::INVALID_STATEMENT,
            &[],
            &doc.origin,
            format!(
                "every statement of this policy is switched, and with {} none is on: IAM rejects a policy without statements",
                values.join(", ")
            ),
            "switch the policy itself with `when:`, or keep one statement unswitched".into(),
        );
    }
}

/// The switch values under which the document is on (`on`) but none of its statements is,
/// if there are any; `None` when some statement is unswitched or the switches exclude it.
/// Bool switches are independent atoms; named conditions are decided by searching parameter
/// values: every value an `equals` compares a parameter with, `""` and one other value (any
/// other value decides every test as that one does), bools both ways, at most
/// [`MAX_BINDINGS`] combinations (past that, each named condition is taken as an atom, which
/// can only report more).
fn empty_binding(
    m: &Module,
    doc: &PolicyDocument,
    on: &[&Option<Switch>],
) -> Option<Vec<(String, String)>> {
    if doc.statements.is_empty() {
        return None;
    }
    let on: Vec<&Switch> = on.iter().filter_map(|s| s.as_ref()).collect();
    let off: Vec<&Switch> = doc
        .statements
        .iter()
        .map(|st| st.when.as_ref())
        .collect::<Option<_>>()?;
    if on.iter().chain(&off).any(|s| s.test.is_some()) {
        if let Some(found) = search_binding(m, &on, &off) {
            return found;
        }
    }
    let mut binding: Vec<(String, String)> = Vec::new();
    let mut require = |s: &Switch, value: bool| -> Option<()> {
        let value = value.to_string();
        match binding.iter().find(|(p, _)| *p == s.param.as_str()) {
            Some((_, v)) if *v != value => None,
            Some(_) => Some(()),
            None => {
                binding.push((s.param.as_str().to_owned(), value));
                Some(())
            }
        }
    };
    for s in &on {
        require(s, !s.negated)?;
    }
    for s in &off {
        require(s, s.negated)?;
    }
    Some(binding)
}

/// Most parameter combinations [`empty_binding`] tries.
const MAX_BINDINGS: usize = 4096;

/// [`empty_binding`] by parameter values: `Some(None)` when no values turn every `on` switch
/// on and every `off` one off, `None` when there are too many combinations to try.
#[allow(clippy::option_option)]
fn search_binding(
    m: &Module,
    on: &[&Switch],
    off: &[&Switch],
) -> Option<Option<Vec<(String, String)>>> {
    let mut params: Vec<ParamName> = Vec::new();
    let mut compared: Vec<(ParamName, String)> = Vec::new();
    for s in on.iter().chain(off) {
        match &s.test {
            Some(t) => {
                t.params(&mut params);
                equalities(t, &mut compared);
            }
            None if !params.contains(&s.param) => params.push(s.param.clone()),
            None => {}
        }
    }
    let mut values: Vec<(String, Vec<(ParamValue, String)>)> = Vec::new();
    for p in &params {
        let kind = m
            .params
            .get(p.as_str())
            .map(|x| (x.kind, &x.allowed_values));
        let vs = match kind {
            Some((ParamKind::Bool, _)) => [true, false]
                .map(|b| (ParamValue::Bool(b), b.to_string()))
                .to_vec(),
            Some((ParamKind::List, _)) => vec![
                (ParamValue::List(Vec::new()), "[]".to_owned()),
                (ParamValue::List(vec!["x".into()]), "[\"x\"]".to_owned()),
            ],
            Some((_, allowed)) => {
                let mut texts: Vec<String> = compared
                    .iter()
                    .filter(|(q, _)| q == p)
                    .map(|(_, v)| v.clone())
                    .collect();
                let other = if allowed.is_empty() {
                    texts.push(String::new());
                    let mut o = "other".to_owned();
                    while texts.contains(&o) {
                        o.push('_');
                    }
                    Some(o)
                } else {
                    texts.retain(|t| allowed.contains(t));
                    allowed.iter().find(|a| !texts.contains(a)).cloned()
                };
                texts.extend(other);
                let mut seen = std::collections::HashSet::new();
                texts.retain(|t| seen.insert(t.clone()));
                texts
                    .into_iter()
                    .map(|t| (ParamValue::Str(t.clone()), format!("{t:?}")))
                    .collect()
            }
            None => return None,
        };
        values.push((p.as_str().to_owned(), vs));
    }
    let mut combos: usize = 1;
    for (_, vs) in &values {
        combos = combos.checked_mul(vs.len())?;
    }
    if combos > MAX_BINDINGS {
        return None;
    }
    let mut b = crate::model::resolve::Bindings::defaults(m);
    for mut i in 0..combos {
        let mut shown = Vec::with_capacity(values.len());
        for (p, vs) in &values {
            let (v, text) = &vs[i % vs.len()];
            i /= vs.len();
            b.params.insert(p.clone(), v.clone());
            shown.push((p.clone(), text.clone()));
        }
        let wrap = |s: &Switch| Some(s.clone());
        if on.iter().all(|s| b.on(&wrap(s))) && off.iter().all(|s| !b.on(&wrap(s))) {
            return Some(Some(shown));
        }
    }
    Some(None)
}

/// The `(parameter, text)` pairs `equals` tests in `t` compare.
fn equalities(t: &Test, out: &mut Vec<(ParamName, String)>) {
    match t {
        Test::Equals(p, v) => out.push((p.clone(), v.clone())),
        Test::Named(_, t) => equalities(t, out),
        Test::Not(t) => equalities(t, out),
        Test::And(v) | Test::Or(v) => v.iter().for_each(|t| equalities(t, out)),
        Test::Flag(_) | Test::NotEmpty(..) => {}
    }
}

fn arn_help(t: &Template, problem: &str) -> String {
    let shape = "an ARN is `arn:partition:service:region:account-id:resource`, with a 12-digit account id (or empty, or `*`)";
    if problem.contains("account") {
        return format!("{shape}; use `${{AWS::AccountId}}` for the deploying account, or a parameter with `pattern: \"[0-9]{{12}}\"`");
    }
    let shown = t.display();
    if shown.starts_with("arn:aws:") {
        format!(
            "{shape}; write the partition as `${{AWS::Partition}}`: `{}`",
            shown.replacen("arn:aws:", "arn:${AWS::Partition}:", 1)
        )
    } else {
        shape.into()
    }
}

/// Why an ARN template is malformed, if it is. Whole-parameter values and `*` are not checked.
pub(crate) fn arn_problem(t: &Template) -> Option<String> {
    if t.as_single_param().is_some() || matches!(t.parts.as_slice(), [Part::Pseudo(_)]) {
        return None;
    }
    // Placeholders and IAM policy variables (`${aws:PrincipalAccount}`, whose own colon is
    // no field separator) stand for unknown text; check the literal skeleton.
    let s: String = t
        .parts
        .iter()
        .map(|p| match p {
            Part::Lit(l) => l.as_str(),
            Part::Pseudo(Pseudo::Partition) => "aws",
            Part::Pseudo(Pseudo::AccountId) => "123456789012",
            Part::Pseudo(Pseudo::Region) => "us-east-1",
            Part::Pseudo(Pseudo::UrlSuffix) => "amazonaws.com",
            Part::Pseudo(Pseudo::StackName) => crate::model::conventions::SAMPLE_STACK_NAME,
            _ => "\u{1}",
        })
        .collect();
    if s == "*" || s == "\u{1}" {
        return None;
    }
    if !s.starts_with("arn:") && !s.starts_with('\u{1}') {
        // Service principals, account ids and canonical users are not ARNs; only `arn:`-shaped values are checked.
        if s.contains(':') && !s.contains('.') {
            return Some("does not start with `arn:`".into());
        }
        return None;
    }
    if s.starts_with('\u{1}') {
        return None;
    }
    let fields: Vec<&str> = s.splitn(6, ':').collect();
    if fields.len() < 6 {
        return Some(format!("has {} of the 6 colon-separated fields (`arn:partition:service:region:account:resource`)", fields.len()));
    }
    let (partition, service, account) = (fields[1], fields[2], fields[4]);
    if !matches!(
        partition,
        "aws" | "aws-cn" | "aws-us-gov" | "aws-iso" | "aws-iso-b" | "*" | "\u{1}"
    ) {
        return Some(format!("`{partition}` is not a partition"));
    }
    if service.is_empty() {
        return Some("the service field is empty".into());
    }
    let acct_ok = account.is_empty()
        || account.contains('\u{1}')
        || account.contains('*')
        || account == "aws"
        || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
    if !acct_ok {
        let digits = account.bytes().filter(u8::is_ascii_digit).count();
        return Some(format!(
            "the account field `{account}` has {digits} digits; AWS account ids have exactly 12"
        ));
    }
    // An empty resource field is accepted by IAM (AWS's own AmazonDevOpsGuruOrganizationsAccess
    // has `arn:aws:organizations::*:`); RG112 warns when such an ARN matches no resource.
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns() {
        let lit = Template::lit;
        assert!(arn_problem(&lit("arn:aws:s3:::bucket/*")).is_none());
        assert!(arn_problem(&lit(
            "arn:aws:secretsmanager:eu-west-1:0000000000:platform-key-name"
        ))
        .unwrap()
        .contains("10 digits"));
        assert!(arn_problem(&lit("arn:aws:s3::bucket")).is_some());
        assert!(arn_problem(&lit("arn:aws:iam:aws:policy/x")).is_some());
        assert!(arn_problem(&lit("*")).is_none());
        assert!(arn_problem(&lit("arn:aws:logs:*:*:*")).is_none());
    }
}
