//! The Terraform functions the equivalence evaluator (`terraform_eval`) declares to hcl-rs:
//! the ones a generated module could plausibly use, each as Terraform defines it (an argument of
//! another type is an error, as in `terraform plan`).

use super::terraform_eval::{h2j, h_text, HMap};
use hcl::eval::{Context, FuncArgs, FuncDef, ParamType};
use hcl::{Number, Value as H};

// ---- Terraform functions (the ones a generated module could plausibly use) ----

fn f_merge(args: FuncArgs) -> Result<H, String> {
    let mut m = HMap::new();
    for a in args.iter() {
        match a {
            H::Null => {}
            H::Object(o) => m.extend(o.iter().map(|(k, v)| (k.clone(), v.clone()))),
            other => return Err(format!("merge: argument is not an object: {other:?}")),
        }
    }
    Ok(H::Object(m))
}

fn f_concat(args: FuncArgs) -> Result<H, String> {
    let mut out = Vec::new();
    for a in args.iter() {
        match a {
            H::Array(v) => out.extend(v.iter().cloned()),
            other => return Err(format!("concat: argument is not a list: {other:?}")),
        }
    }
    Ok(H::Array(out))
}

fn f_one(args: FuncArgs) -> Result<H, String> {
    match &args[0] {
        H::Null => Ok(H::Null),
        H::Array(v) if v.is_empty() => Ok(H::Null),
        H::Array(v) if v.len() == 1 => Ok(v[0].clone()),
        other => Err(format!(
            "one: must be a list of at most one element: {other:?}"
        )),
    }
}

fn f_tolist(args: FuncArgs) -> Result<H, String> {
    match &args[0] {
        H::Array(v) => Ok(H::Array(v.clone())),
        other => Err(format!("tolist: not a list: {other:?}")),
    }
}

fn f_toset(args: FuncArgs) -> Result<H, String> {
    let H::Array(v) = &args[0] else {
        return Err(format!("toset: not a list: {:?}", args[0]));
    };
    let mut texts: Vec<String> = v
        .iter()
        .map(|x| h_text(x).ok_or_else(|| format!("toset: not a string: {x:?}")))
        .collect::<Result<_, _>>()?;
    texts.sort();
    texts.dedup();
    Ok(H::Array(texts.into_iter().map(H::String).collect()))
}

fn f_tostring(args: FuncArgs) -> Result<H, String> {
    match &args[0] {
        H::Null => Ok(H::Null),
        v => h_text(v)
            .map(H::String)
            .ok_or_else(|| format!("tostring: not a primitive: {v:?}")),
    }
}

fn f_flatten(args: FuncArgs) -> Result<H, String> {
    fn go(v: &H, out: &mut Vec<H>) {
        match v {
            H::Array(a) => a.iter().for_each(|x| go(x, out)),
            other => out.push(other.clone()),
        }
    }
    let mut out = Vec::new();
    match &args[0] {
        H::Array(a) => a.iter().for_each(|x| go(x, &mut out)),
        other => return Err(format!("flatten: not a list: {other:?}")),
    }
    Ok(H::Array(out))
}

fn f_distinct(args: FuncArgs) -> Result<H, String> {
    let H::Array(v) = &args[0] else {
        return Err(format!("distinct: not a list: {:?}", args[0]));
    };
    let mut out: Vec<H> = Vec::new();
    for x in v {
        if !out.contains(x) {
            out.push(x.clone());
        }
    }
    Ok(H::Array(out))
}

fn f_length(args: FuncArgs) -> Result<H, String> {
    let n = match &args[0] {
        H::Array(v) => v.len(),
        H::Object(o) => o.len(),
        H::String(s) => s.chars().count(),
        other => return Err(format!("length: unsupported value {other:?}")),
    };
    Ok(H::Number(Number::from(n as u64)))
}

fn f_jsonencode(args: FuncArgs) -> Result<H, String> {
    Ok(H::String(h2j(&args[0]).to_string()))
}

fn f_join(args: FuncArgs) -> Result<H, String> {
    let sep = h_text(&args[0]).ok_or("join: separator is not a string")?;
    let mut parts = Vec::new();
    for l in args.iter().skip(1) {
        let H::Array(v) = l else {
            return Err(format!("join: not a list: {l:?}"));
        };
        for x in v {
            parts.push(h_text(x).ok_or_else(|| format!("join: not a string: {x:?}"))?);
        }
    }
    Ok(H::String(parts.join(&sep)))
}

fn f_split(args: FuncArgs) -> Result<H, String> {
    let sep = h_text(&args[0]).ok_or("split: separator is not a string")?;
    let s = h_text(&args[1]).ok_or("split: not a string")?;
    Ok(H::Array(
        s.split(sep.as_str())
            .map(|p| H::String(p.to_owned()))
            .collect(),
    ))
}

fn f_lower(args: FuncArgs) -> Result<H, String> {
    Ok(H::String(
        h_text(&args[0])
            .ok_or("lower: not a string")?
            .to_lowercase(),
    ))
}

fn f_upper(args: FuncArgs) -> Result<H, String> {
    Ok(H::String(
        h_text(&args[0])
            .ok_or("upper: not a string")?
            .to_uppercase(),
    ))
}

fn f_coalesce(args: FuncArgs) -> Result<H, String> {
    args.iter()
        .find(|v| !matches!(v, H::Null) && !matches!(v, H::String(s) if s.is_empty()))
        .cloned()
        .ok_or_else(|| "coalesce: no non-null, non-empty argument".to_owned())
}

/// `format` with `%s`, `%v`, `%d` and `%%` (what hand-written modules use).
fn f_format(args: FuncArgs) -> Result<H, String> {
    let spec = h_text(&args[0]).ok_or("format: the format is not a string")?;
    let mut rest = args.iter().skip(1);
    let mut out = String::new();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('s' | 'v' | 'd') => {
                let v = rest.next().ok_or("format: too few arguments")?;
                out.push_str(&h_text(v).ok_or_else(|| format!("format: {v:?} is not a scalar"))?);
            }
            other => return Err(format!("format: verb {other:?} is not supported")),
        }
    }
    Ok(H::String(out))
}

fn f_compact(args: FuncArgs) -> Result<H, String> {
    let H::Array(v) = &args[0] else {
        return Err(format!("compact: not a list: {:?}", args[0]));
    };
    Ok(H::Array(
        v.iter()
            .filter(|x| !matches!(x, H::Null) && h_text(x).as_deref() != Some(""))
            .cloned()
            .collect(),
    ))
}

fn f_lookup(args: FuncArgs) -> Result<H, String> {
    let H::Object(m) = &args[0] else {
        return Err(format!("lookup: not a map: {:?}", args[0]));
    };
    let k = h_text(&args[1]).ok_or("lookup: the key is not a string")?;
    match (m.get(&k), args.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(d)) => Ok(d.clone()),
        (None, None) => Err(format!("lookup: no key {k:?}")),
    }
}

fn f_element(args: FuncArgs) -> Result<H, String> {
    let H::Array(v) = &args[0] else {
        return Err(format!("element: not a list: {:?}", args[0]));
    };
    let i = match &args[1] {
        H::Number(n) => n.as_u64().ok_or("element: bad index")? as usize,
        other => return Err(format!("element: index {other:?}")),
    };
    if v.is_empty() {
        return Err("element: empty list".into());
    }
    Ok(v[i % v.len()].clone())
}

/// `replace` of a literal substring (a `/regex/` pattern is not supported).
fn f_replace(args: FuncArgs) -> Result<H, String> {
    let texts: Vec<String> = args
        .iter()
        .map(|a| h_text(a).ok_or_else(|| format!("replace: {a:?} is not a string")))
        .collect::<Result<_, _>>()?;
    if texts[1].starts_with('/') && texts[1].ends_with('/') {
        return Err("replace: regular expressions are not supported".into());
    }
    Ok(H::String(texts[0].replace(&texts[1], &texts[2])))
}

pub(crate) fn functions(ctx: &mut Context<'static>) {
    let variadic = |f: hcl::eval::Func| FuncDef::builder().variadic_param(ParamType::Any).build(f);
    let one = |f: hcl::eval::Func| FuncDef::builder().param(ParamType::Any).build(f);
    let two = |f: hcl::eval::Func| {
        FuncDef::builder()
            .param(ParamType::Any)
            .param(ParamType::Any)
            .build(f)
    };
    ctx.declare_func("merge", variadic(f_merge));
    ctx.declare_func("concat", variadic(f_concat));
    ctx.declare_func("coalesce", variadic(f_coalesce));
    ctx.declare_func("one", one(f_one));
    ctx.declare_func("tolist", one(f_tolist));
    ctx.declare_func("toset", one(f_toset));
    ctx.declare_func("tostring", one(f_tostring));
    ctx.declare_func("flatten", one(f_flatten));
    ctx.declare_func("distinct", one(f_distinct));
    ctx.declare_func("length", one(f_length));
    ctx.declare_func("jsonencode", one(f_jsonencode));
    ctx.declare_func("lower", one(f_lower));
    ctx.declare_func("upper", one(f_upper));
    ctx.declare_func("split", two(f_split));
    ctx.declare_func(
        "format",
        FuncDef::builder()
            .param(ParamType::Any)
            .variadic_param(ParamType::Any)
            .build(f_format),
    );
    ctx.declare_func("compact", one(f_compact));
    ctx.declare_func(
        "lookup",
        FuncDef::builder()
            .param(ParamType::Any)
            .param(ParamType::Any)
            .variadic_param(ParamType::Any)
            .build(f_lookup),
    );
    ctx.declare_func("element", two(f_element));
    ctx.declare_func(
        "replace",
        FuncDef::builder()
            .param(ParamType::Any)
            .param(ParamType::Any)
            .param(ParamType::Any)
            .build(f_replace),
    );
    ctx.declare_func(
        "join",
        FuncDef::builder()
            .param(ParamType::Any)
            .variadic_param(ParamType::Any)
            .build(f_join),
    );
}
