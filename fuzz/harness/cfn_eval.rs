//! The CloudFormation side of the round-trip oracle: `Fn::Sub`, `Ref`, `Fn::Join` and the
//! other intrinsics of the emitted stack evaluated at the parameter defaults.

use super::*;

/// Resolves `Fn::Sub` text: `${Name}` from `vars`, `${!Literal}` as `${Literal}`.
pub fn sub(s: &str, vars: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        if let Some(lit) = after.strip_prefix('!') {
            out.push_str("${");
            rest = lit;
            continue;
        }
        let end = after
            .find('}')
            .ok_or_else(|| format!("unterminated `${{` in Fn::Sub text {s:?}"))?;
        let name = &after[..end];
        out.push_str(
            &vars(name).ok_or_else(|| format!("Fn::Sub refers to unknown `{name}` in {s:?}"))?,
        );
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Stack-level names `Fn::Sub` and `Ref` resolve.
pub(crate) fn cfn_var(name: &str, p_default: &str) -> Option<String> {
    Some(
        match name {
            "AWS::Partition" => PARTITION,
            "AWS::AccountId" => ACCOUNT,
            "AWS::Region" => REGION,
            "AWS::URLSuffix" => URL_SUFFIX,
            "AWS::StackName" => STACK_NAME,
            "Oidc" => OIDC,
            "P" => p_default,
            _ => return None,
        }
        .to_owned(),
    )
}

pub(crate) fn tag_name(t: &serde_yaml_ng::value::TaggedValue) -> String {
    t.tag.to_string()
}

/// Evaluates a CloudFormation node: strings, `!Ref`/`!Sub` of parameters and pseudo
/// parameters, `Fn::Sub` with a variable map; mappings and sequences recursively.
pub fn cfn_eval(v: &Y, p_default: &str) -> Result<J, String> {
    Ok(match v {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(*b),
        Y::Number(n) => serde_json::to_value(n).map_err(|e| e.to_string())?,
        Y::String(s) => J::String(s.clone()),
        Y::Sequence(items) => J::Array(
            items
                .iter()
                .map(|i| cfn_eval(i, p_default))
                .collect::<Result<_, _>>()?,
        ),
        Y::Tagged(t) => {
            let name = tag_name(t);
            match (name.as_str(), &t.value) {
                ("!Ref", Y::String(r)) => J::String(
                    cfn_var(r, p_default).ok_or_else(|| format!("!Ref of unknown `{r}`"))?,
                ),
                ("!Sub", Y::String(s)) => J::String(sub(s, &|n| cfn_var(n, p_default))?),
                _ => return Err(format!("cannot evaluate tag {name}")),
            }
        }
        Y::Mapping(m) => {
            if m.len() == 1 {
                if let Some(Y::Sequence(args)) = m.get("Fn::Sub") {
                    let (Some(Y::String(text)), Some(Y::Mapping(vars))) =
                        (args.first(), args.get(1))
                    else {
                        return Err("malformed Fn::Sub".into());
                    };
                    let mut bound = std::collections::HashMap::new();
                    for (k, val) in vars {
                        let Y::String(k) = k else {
                            return Err("Fn::Sub variable name is not a string".into());
                        };
                        bound.insert(k.clone(), cfn_eval(val, p_default)?);
                    }
                    let s = sub(text, &|n| match bound.get(n) {
                        Some(J::String(s)) => Some(s.clone()),
                        Some(_) => None,
                        None => cfn_var(n, p_default),
                    })?;
                    return Ok(J::String(s));
                }
                if m.contains_key("Fn::Join")
                    || m.contains_key("Fn::If")
                    || m.contains_key("Fn::Split")
                {
                    return Err("cannot evaluate Fn::Join/Fn::If/Fn::Split here".into());
                }
            }
            let mut out = serde_json::Map::new();
            for (k, val) in m {
                let Y::String(k) = k else {
                    return Err(format!("a mapping key is not a string: {k:?}"));
                };
                out.insert(k.clone(), cfn_eval(val, p_default)?);
            }
            J::Object(out)
        }
    })
}

/// A policy document node: a YAML mapping, or a JSON string (plain or `Fn::Sub`).
pub fn cfn_document(v: &Y, p_default: &str) -> Result<J, String> {
    match cfn_eval(v, p_default)? {
        J::String(text) => serde_json::from_str(&text)
            .map_err(|e| format!("policy document string is not JSON ({e}): {text}")),
        other => Ok(other),
    }
}

pub(crate) fn get<'a>(v: &'a Y, path: &[&str]) -> Result<&'a Y, String> {
    let mut cur = v;
    for k in path {
        cur = match cur {
            Y::Mapping(m) => m.get(*k),
            Y::Sequence(s) => k.parse::<usize>().ok().and_then(|i| s.get(i)),
            _ => None,
        }
        .ok_or_else(|| format!("no `{}` in the CloudFormation template", path.join(".")))?;
    }
    Ok(cur)
}

pub(crate) fn jget<'a>(v: &'a J, path: &[&str]) -> Result<&'a J, String> {
    let mut cur = v;
    for k in path {
        cur = match cur {
            J::Object(m) => m.get(*k),
            J::Array(a) => k.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        }
        .ok_or_else(|| format!("no `{}` in the policy document {v}", path.join(".")))?;
    }
    Ok(cur)
}

pub(crate) fn single_key(v: &J, what: &str) -> Result<String, String> {
    match v {
        J::Object(m) if m.len() == 1 => Ok(m.keys().next().cloned().unwrap_or_default()),
        other => Err(format!("{what}: expected one key, got {other}")),
    }
}

/// The value the harness deploys with for a pseudo parameter.
pub(crate) fn pseudo_value(x: Pseudo) -> &'static str {
    match x {
        Pseudo::Partition => PARTITION,
        Pseudo::AccountId => ACCOUNT,
        Pseudo::Region => REGION,
        Pseudo::UrlSuffix => URL_SUFFIX,
        Pseudo::StackName => STACK_NAME,
    }
}
