//! Skeletons of the emitted outputs: the text with the fuzzed value replaced by a label, so that
//! two values of the same shape give the same skeleton (the oracle's check that a value changes
//! only itself).

use super::*;

/// The shape of the Terraform output: blocks with their labels, attribute keys, object keys,
/// list lengths; string values reduced to `str`. Keys and labels that are the field's own
/// value are replaced by `<field>`, so a hostile and a harmless value compare equal.
pub fn hcl_skeleton(src: &HclSource, field: Field, s: &str, ctx: &Context) -> String {
    let mut out = String::new();
    let inline_label = format!("r_{}", rolegen::model::names::snake(s));
    let env = (ctx, src);
    skel_body(&mut out, &src.body, field, s, &inline_label, &env, 0);
    out
}

pub(crate) fn skel_body(
    out: &mut String,
    body: &hcl::Body,
    field: Field,
    s: &str,
    inline_label: &str,
    env: &(&Context, &HclSource),
    depth: usize,
) {
    let label = |l: &str| -> String {
        if field == Field::InlinePolicyName && l == inline_label {
            "r_<field>".into()
        } else {
            l.to_owned()
        }
    };
    for st in body.iter() {
        out.push_str(&"  ".repeat(depth));
        match st {
            hcl::Structure::Attribute(a) => {
                out.push_str(a.key.as_str());
                out.push_str(" = ");
                let in_tags = a.key.as_str() == "tags";
                skel_expr(out, &a.expr, field, s, in_tags, env);
                out.push('\n');
            }
            hcl::Structure::Block(b) => {
                out.push_str(b.identifier());
                for l in b.labels() {
                    out.push_str(&format!(" {:?}", label(l.as_str())));
                }
                out.push_str(" {\n");
                skel_body(out, b.body(), field, s, inline_label, env, depth + 1);
                out.push_str(&"  ".repeat(depth));
                out.push_str("}\n");
            }
        }
    }
}

pub(crate) fn skel_expr(
    out: &mut String,
    e: &hcl::Expression,
    field: Field,
    s: &str,
    in_tags: bool,
    env: &(&Context, &HclSource),
) {
    use hcl::Expression as E;
    match e {
        E::String(_) | E::TemplateExpr(_) => out.push_str("str"),
        E::Array(items) => {
            out.push_str(&format!("[{}:", items.len()));
            for i in items {
                skel_expr(out, i, field, s, false, env);
                out.push(',');
            }
            out.push(']');
        }
        E::Object(obj) => {
            out.push('{');
            for (k, v) in obj.iter() {
                let key = match k {
                    hcl::ObjectKey::Identifier(i) => i.as_str().to_owned(),
                    // Terraform converts bool and number keys to strings.
                    hcl::ObjectKey::Expression(hcl::Expression::Null) => "null".to_owned(),
                    hcl::ObjectKey::Expression(x) => match hcl_eval(x, env.0, env.1) {
                        Ok(J::String(k)) => k,
                        Ok(J::Bool(b)) => b.to_string(),
                        Ok(J::Number(n)) => n.to_string(),
                        Ok(other) => format!("<non-string key {other}>"),
                        Err(err) => format!("<key error {err}>"),
                    },
                    _ => "<unknown key kind>".to_owned(),
                };
                let key = if in_tags && field == Field::TagKey && key == s {
                    "<field>".to_owned()
                } else {
                    key
                };
                out.push_str(&format!("{key:?}="));
                skel_expr(out, v, field, s, false, env);
                out.push(',');
            }
            out.push('}');
        }
        E::FuncCall(f) => {
            out.push_str(&format!("{}(", f.name));
            // `tags = merge(var.tags, {...})`: the object is still the resource's tags.
            let in_tags = in_tags && f.name.to_string() == "merge";
            for a in &f.args {
                skel_expr(out, a, field, s, in_tags, env);
                out.push(',');
            }
            out.push(')');
        }
        other => {
            let text = hcl::format::to_string(other).unwrap_or_else(|e| format!("<{e}>"));
            let text = if field == Field::InlinePolicyName {
                replace_ident(&text, &label_of(s), "r_<field>")
            } else {
                text
            };
            out.push_str(&text);
        }
    }
}

/// Replaces whole identifiers (runs of `[A-Za-z0-9_-]`) equal to `ident`.
pub(crate) fn replace_ident(text: &str, ident: &str, with: &str) -> String {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if is_ident(c) {
            word.push(c);
            continue;
        }
        out.push_str(if word == ident { with } else { &word });
        word.clear();
        out.push(c);
    }
    out.pop();
    out
}

pub(crate) fn label_of(s: &str) -> String {
    format!("r_{}", rolegen::model::names::snake(s))
}

/// The shape of the CloudFormation template: mapping keys at every level (condition keys that
/// are the field's value replaced by `<field>`), sequence lengths, tags, scalar kinds; policy
/// documents held as JSON strings are resolved and parsed, and their shape included.
pub fn cfn_skeleton(v: &Y, field: Field, s: &str) -> String {
    let mut out = String::new();
    let p_default = if field == Field::ParamDefault {
        s
    } else {
        P_DEFAULT
    };
    let cond_key = expected(field, s).map(|e| e.1);
    skel_y(&mut out, v, field, cond_key.as_deref(), p_default, &[]);
    out
}

pub(crate) fn skel_y(
    out: &mut String,
    v: &Y,
    field: Field,
    key_value: Option<&str>,
    p: &str,
    path: &[String],
) {
    let doc_key = path.last().is_some_and(|k| {
        matches!(
            k.as_str(),
            "PolicyDocument" | "KeyPolicy" | "AssumeRolePolicyDocument"
        )
    });
    if doc_key && !matches!(v, Y::Mapping(m) if m.contains_key("Version")) {
        match cfn_document(v, p) {
            Ok(j) => {
                out.push_str("json:");
                skel_j(out, &j, field, key_value, path);
            }
            Err(e) => out.push_str(&format!("<document error {e}>")),
        }
        return;
    }
    match v {
        Y::Null => out.push_str("null"),
        Y::Bool(_) => out.push_str("bool"),
        Y::Number(_) => out.push_str("num"),
        Y::String(_) => out.push_str("str"),
        Y::Sequence(items) => {
            out.push_str(&format!("[{}:", items.len()));
            for (i, x) in items.iter().enumerate() {
                let mut p2 = path.to_vec();
                p2.push(i.to_string());
                skel_y(out, x, field, key_value, p, &p2);
                out.push(',');
            }
            out.push(']');
        }
        Y::Tagged(t) => {
            out.push_str(&format!("{}(", tag_name(t)));
            skel_y(out, &t.value, field, key_value, p, path);
            out.push(')');
        }
        Y::Mapping(m) => {
            out.push('{');
            for (k, x) in m {
                let key = match k {
                    Y::String(k) => k.clone(),
                    other => format!("<non-string key {other:?}>"),
                };
                let shown = if is_condition_key(path)
                    && field == Field::ConditionKey
                    && Some(key.as_str()) == key_value
                {
                    "<field>".to_owned()
                } else {
                    key.clone()
                };
                out.push_str(&format!("{shown:?}="));
                let mut p2 = path.to_vec();
                p2.push(key);
                skel_y(out, x, field, key_value, p, &p2);
                out.push(',');
            }
            out.push('}');
        }
    }
}

pub(crate) fn is_condition_key(path: &[String]) -> bool {
    path.len() >= 2 && path[path.len() - 2] == "Condition"
}

pub(crate) fn skel_j(
    out: &mut String,
    v: &J,
    field: Field,
    key_value: Option<&str>,
    path: &[String],
) {
    match v {
        J::Null => out.push_str("null"),
        J::Bool(_) => out.push_str("bool"),
        J::Number(_) => out.push_str("num"),
        J::String(_) => out.push_str("str"),
        J::Array(items) => {
            out.push_str(&format!("[{}:", items.len()));
            for x in items {
                skel_j(out, x, field, key_value, path);
                out.push(',');
            }
            out.push(']');
        }
        J::Object(m) => {
            out.push('{');
            for (k, x) in m {
                let shown = if is_condition_key(path)
                    && field == Field::ConditionKey
                    && Some(k.as_str()) == key_value
                {
                    "<field>".to_owned()
                } else {
                    k.clone()
                };
                out.push_str(&format!("{shown:?}="));
                let mut p2 = path.to_vec();
                p2.push(k.clone());
                skel_j(out, x, field, key_value, &p2);
                out.push(',');
            }
            out.push('}');
        }
    }
}

/// Both skeletons of a compiled spec, for comparing a hostile value with a harmless one.
pub fn skeleton(field: Field, s: &str, out: &Parsed) -> String {
    let p_default = if field == Field::ParamDefault {
        s
    } else {
        P_DEFAULT
    };
    let ctx = hcl_context(p_default);
    let mut k = String::new();
    for body in [&out.main, &out.variables, &out.outputs] {
        k.push_str(&hcl_skeleton(body, field, s, &ctx));
        k.push_str("----\n");
    }
    k.push_str(&cfn_skeleton(&out.cfn, field, s));
    k
}
