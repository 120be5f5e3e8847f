//! The HCL side of the round-trip oracle: the evaluation context, expressions and templates of
//! the emitted Terraform, read with hcl-rs, and the lookups of blocks and attributes.

use super::*;

/// The HCL evaluation context: `var.*` and the `data.*` lookups of pseudo parameters.
pub fn hcl_context(p_default: &str) -> Context<'static> {
    let mut ctx = Context::new();
    let mut var = hcl::Map::new();
    var.insert("oidc".to_owned(), hcl::Value::from(OIDC));
    var.insert("p".to_owned(), hcl::Value::from(p_default));
    // The module-convention variables at their defaults.
    var.insert("create".to_owned(), hcl::Value::Bool(true));
    var.insert("tags".to_owned(), hcl::Value::Object(hcl::Map::new()));
    var.insert("stack_name".to_owned(), hcl::Value::from(STACK_NAME));
    ctx.declare_var("var", hcl::Value::Object(var));
    let obj = |pairs: Vec<(&str, hcl::Value)>| {
        hcl::Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    };
    let data = obj(vec![
        (
            "aws_partition",
            obj(vec![(
                "current",
                obj(vec![
                    ("partition", PARTITION.into()),
                    ("dns_suffix", URL_SUFFIX.into()),
                ]),
            )]),
        ),
        (
            "aws_caller_identity",
            obj(vec![("current", obj(vec![("account_id", ACCOUNT.into())]))]),
        ),
        (
            "aws_region",
            obj(vec![("current", obj(vec![("name", REGION.into())]))]),
        ),
    ]);
    ctx.declare_var("data", data);
    ctx
}

/// Evaluates an HCL expression to JSON: masked literals by [`template_eval`], the rest by
/// hcl-rs.
pub fn hcl_eval(e: &hcl::Expression, ctx: &Context, src: &HclSource) -> Result<J, String> {
    use hcl::Expression as E;
    match e {
        E::String(s) if s.starts_with(MASK) => {
            let n: usize = s[MASK.len_utf8()..].parse().map_err(|_| "bad mask")?;
            let raw = src.strings.get(n).ok_or("bad mask index")?;
            template_eval(raw, ctx, src).map(J::String)
        }
        E::TemplateExpr(t) => Err(format!("unmasked template {t:?}")),
        // `merge(var.tags, {...})`: objects merged left to right, later keys win.
        E::FuncCall(f) if f.name.to_string() == "merge" => {
            let mut out = serde_json::Map::new();
            for a in &f.args {
                match hcl_eval(a, ctx, src)? {
                    J::Object(o) => out.extend(o),
                    other => return Err(format!("merge: not an object: {other}")),
                }
            }
            Ok(J::Object(out))
        }
        E::Array(items) => items
            .iter()
            .map(|i| hcl_eval(i, ctx, src))
            .collect::<Result<Vec<_>, _>>()
            .map(J::Array),
        E::Object(obj) => {
            let mut out = serde_json::Map::new();
            for (k, v) in obj.iter() {
                let key = match k {
                    hcl::ObjectKey::Identifier(i) => i.as_str().to_owned(),
                    hcl::ObjectKey::Expression(x) => match (x, hcl_eval(x, ctx, src)?) {
                        // A bare `null`/`true`/`false` key is the literal name in Terraform
                        // (hclsyntax `LiteralValueExpr.AsTraversal`); hcl-rs reads a value.
                        (hcl::Expression::Null, _) => "null".to_owned(),
                        (_, J::String(s)) => s,
                        (_, J::Bool(b)) => b.to_string(),
                        (_, J::Number(n)) => n.to_string(),
                        (_, other) => return Err(format!("object key evaluates to {other}")),
                    },
                    _ => return Err("unknown object key kind".into()),
                };
                out.insert(key, hcl_eval(v, ctx, src)?);
            }
            Ok(J::Object(out))
        }
        other => {
            let v = other
                .evaluate(ctx)
                .map_err(|err| format!("HCL expression does not evaluate: {err}"))?;
            serde_json::to_value(&v).map_err(|err| err.to_string())
        }
    }
}

/// Marks a masked string literal: `"\u{E000}<n>"` stands for `strings[n]` of [`HclSource`].
pub(crate) const MASK: char = '\u{E000}';

/// Terraform output parsed by hcl-rs, with every string literal that holds a `$`, `%` or `\`
/// (or the mask character) taken out first and kept raw: hcl-rs 0.20 misreads `$$${` in a template that also interpolates
/// (it yields `${`, where Terraform's scanner reads `$` and then the escape `$${`), so those
/// literals are read by [`template_eval`], which follows hashicorp/hcl `scan_tokens.rl`.
pub struct HclSource {
    /// The structure (blocks, attributes, expressions).
    pub body: hcl::Body,
    /// Raw contents (between the quotes) of the masked literals.
    pub strings: Vec<String>,
}

/// Parses HCL text as [`HclSource`].
pub fn parse_hcl(text: &str) -> Result<HclSource, String> {
    let mut masked = String::with_capacity(text.len());
    let mut strings = Vec::new();
    let mut at = 0;
    for (start, end) in string_literals(text)? {
        masked.push_str(&text[at..start]);
        let raw = &text[start..end];
        if raw.contains(['$', '%', '\\', MASK]) {
            masked.push_str(&format!("{MASK}{}", strings.len()));
            strings.push(raw.to_owned());
        } else {
            masked.push_str(raw);
        }
        at = end;
    }
    masked.push_str(&text[at..]);
    let body = hcl::from_str(&masked).map_err(|e| e.to_string())?;
    Ok(HclSource { body, strings })
}

/// The HCL text with the contents of every string literal removed (`""` left): what remains is
/// the syntax a value could have injected into.
pub fn hcl_outside_strings(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in string_literals(text)? {
        out.push_str(&text[at..start]);
        at = end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// Byte ranges of the contents (between the quotes) of the quoted templates of HCL text, by
/// Terraform's scanner rules: backslash escapes, `$${`/`%%{` escapes, `${ ... }` and `%{ ... }`
/// sequences with balanced braces; `#` comments skipped. A raw newline inside quotes is an error.
pub fn string_literals(text: &str) -> Result<Vec<(usize, usize)>, String> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => i = text[i..].find('\n').map_or(b.len(), |n| i + n),
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut depth = 0usize;
                loop {
                    match b.get(j) {
                        None => return Err("unterminated string literal".into()),
                        Some(b'\\') if depth == 0 => j += 2,
                        Some(b'"') if depth == 0 => break,
                        Some(b'\n') if depth == 0 => {
                            return Err(format!(
                                "newline inside a quoted string: {:?}",
                                &text[start..j]
                            ))
                        }
                        Some(b'"') => return Err("string inside an interpolation".into()),
                        Some(b'$' | b'%') if depth == 0 => {
                            let rest = &b[j..];
                            if rest.starts_with(b"$${") || rest.starts_with(b"%%{") {
                                j += 3;
                            } else if rest.starts_with(b"${") || rest.starts_with(b"%{") {
                                depth = 1;
                                j += 2;
                            } else {
                                j += 1;
                            }
                        }
                        Some(b'{') if depth > 0 => {
                            depth += 1;
                            j += 1;
                        }
                        Some(b'}') if depth > 0 => {
                            depth -= 1;
                            j += 1;
                        }
                        Some(_) => j += 1,
                    }
                }
                out.push((start, j));
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    Ok(out)
}

/// Evaluates the raw contents of a quoted template by Terraform's rules: backslash escapes;
/// `$${` and `%%{` are literal `${` and `%{`; any other `$`/`%` not before `{` is literal;
/// `${expr}` interpolates (rolegen interpolates only references); `%{` directives are errors.
pub fn template_eval(raw: &str, ctx: &Context, src: &HclSource) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        if let Some(esc) = rest.strip_prefix('\\') {
            let e = esc.chars().next().ok_or("dangling backslash")?;
            let (ch, len) = match e {
                'n' => ('\n', 1),
                'r' => ('\r', 1),
                't' => ('\t', 1),
                '"' => ('"', 1),
                '\\' => ('\\', 1),
                'u' | 'U' => {
                    let n = if e == 'u' { 4 } else { 8 };
                    let hex = esc.get(1..=n).ok_or("short \\u escape")?;
                    let v = u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?;
                    (char::from_u32(v).ok_or("invalid \\u escape")?, 1 + n)
                }
                other => return Err(format!("unknown escape \\{other} in {raw:?}")),
            };
            out.push(ch);
            rest = &esc[len..];
        } else if rest.starts_with("$${") || rest.starts_with("%%{") {
            out.push_str(&rest[1..3]);
            rest = &rest[3..];
        } else if rest.starts_with("%{") {
            return Err(format!("template directive in {raw:?}"));
        } else if let Some(tail) = rest.strip_prefix("${") {
            let end = tail
                .find('}')
                .ok_or_else(|| format!("unterminated interpolation in {raw:?}"))?;
            let inner = &tail[..end];
            if inner.starts_with('~') || inner.ends_with('~') {
                return Err(format!("strip marker in {raw:?}"));
            }
            let body: hcl::Body = hcl::from_str(&format!("x = {inner}\n"))
                .map_err(|e| format!("interpolation `{inner}` does not parse: {e}"))?;
            let expr = &body.attributes().next().ok_or("empty interpolation")?.expr;
            match hcl_eval(expr, ctx, src)? {
                J::String(s) => out.push_str(&s),
                other => out.push_str(&other.to_string()),
            }
            rest = &tail[end + 1..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Ok(out)
}

pub(crate) fn find_block<'a>(
    body: &'a hcl::Body,
    ident: &str,
    label0: &str,
) -> Result<&'a hcl::Block, String> {
    body.blocks()
        .find(|b| b.identifier() == ident && b.labels().first().map(|l| l.as_str()) == Some(label0))
        .ok_or_else(|| format!("no block {ident} \"{label0}\""))
}

pub(crate) fn find_labelled<'a>(
    body: &'a hcl::Body,
    ident: &str,
    labels: &[&str],
) -> Result<&'a hcl::Block, String> {
    body.blocks()
        .find(|b| {
            b.identifier() == ident
                && b.labels().iter().map(|l| l.as_str()).collect::<Vec<_>>() == labels
        })
        .ok_or_else(|| format!("no block {ident} {labels:?}"))
}

pub(crate) fn child<'a>(block: &'a hcl::Block, ident: &str) -> Result<&'a hcl::Block, String> {
    block
        .body()
        .blocks()
        .find(|b| b.identifier() == ident)
        .ok_or_else(|| format!("no `{ident}` block inside `{}`", block.identifier()))
}

pub(crate) fn attr<'a>(block: &'a hcl::Block, key: &str) -> Result<&'a hcl::Expression, String> {
    block
        .body()
        .attributes()
        .find(|a| a.key.as_str() == key)
        .map(|a| &a.expr)
        .ok_or_else(|| format!("no attribute `{key}` in `{}`", block.identifier()))
}

pub(crate) fn only(v: J, what: &str) -> Result<J, String> {
    match v {
        J::Array(mut a) if a.len() == 1 => Ok(a.remove(0)),
        J::Array(a) => Err(format!("{what}: expected one element, got {}", a.len())),
        other => Ok(other),
    }
}

pub(crate) fn as_str(v: &J, what: &str) -> Result<String, String> {
    match v {
        J::String(s) => Ok(s.clone()),
        other => Err(format!("{what} is not a string: {other}")),
    }
}
