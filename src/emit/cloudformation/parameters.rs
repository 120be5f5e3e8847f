//! The stack's Parameters: the spec's parameters, the escape hatches' and `ExportPrefix`; and
//! `<module>.params.json`, the example values a deploy can read.

use super::*;

impl<'a> Cfn<'a> {
    /// The spec's parameters, then `ExportPrefix` when outputs are exported: its length is
    /// capped so that `<prefix>-<longest output>` fits CloudFormation's 255 characters.
    pub(super) fn parameters(&self, longest_export: Option<usize>) -> Vec<(Text<'a>, Node<'a>)> {
        let export_prefix = longest_export.map(|len| {
            (
                EXPORT_PREFIX.into(),
                Node::map(vec![
                    ("Type", Node::str("String")),
                    (
                        "Description",
                        Node::str("Prefix of the export names of the stack's outputs (`<prefix>-<output>`); empty, the default, uses the stack name."),
                    ),
                    ("Default", Node::str("")),
                    (
                        "AllowedPattern",
                        Node::str(format!("[A-Za-z0-9:-]{{0,{}}}", EXPORT_NAME_MAX - 1 - len)),
                    ),
                    (
                        "ConstraintDescription",
                        Node::str(format!(
                            "Letters, digits, colons and hyphens, at most {} characters (an export name has at most {EXPORT_NAME_MAX})",
                            EXPORT_NAME_MAX - 1 - len
                        )),
                    ),
                ]),
            )
        });
        // Parameters CloudFormation inserts into `Fn::Sub` JSON text: a deploy-time value with
        // `"`, `\` or a control character would break (or change) the document, so the stack
        // refuses such values unless the spec's own pattern already decides.
        let mut in_json: HashSet<String> = HashSet::new();
        for doc in self.documents().filter(|d| policy::needs_json(d)) {
            visit_doc(doc, &mut |t: &Template| {
                in_json.extend(t.params().map(|p| p.as_str().to_owned()))
            });
        }
        self.m
            .params
            .values()
            .map(|p| {
                let mut e: Vec<(Text<'a>, Node<'a>)> = Vec::new();
                let ty = match p.kind {
                    ParamKind::String | ParamKind::Bool => "String",
                    ParamKind::List => "CommaDelimitedList",
                    ParamKind::Number => "Number",
                };
                e.push(("Type".into(), Node::str(ty)));
                if let Some(d) = &p.description {
                    e.push(("Description".into(), Node::str(d)));
                }
                if let Some(d) = &p.default {
                    e.push(("Default".into(), Node::str(value_text(d))));
                }
                if p.secret {
                    e.push(("NoEcho".into(), Node::raw("true")));
                }
                if p.kind == ParamKind::Bool {
                    e.push((
                        "AllowedValues".into(),
                        Node::Seq(vec![Node::str("true"), Node::str("false")]),
                    ));
                }
                if let Some(n) = p.min_length {
                    e.push(("MinLength".into(), Node::raw(n.to_string())));
                }
                if let Some(n) = p.max_length {
                    e.push(("MaxLength".into(), Node::raw(n.to_string())));
                }
                if let Some(n) = &p.min_value {
                    e.push(("MinValue".into(), Node::raw(n.clone())));
                }
                if let Some(n) = &p.max_value {
                    e.push(("MaxValue".into(), Node::raw(n.clone())));
                }
                // For a CommaDelimitedList, CloudFormation checks every item. Strings even for
                // a Number, as its Default is written (cfn-lint compares them as written).
                if !p.allowed_values.is_empty() {
                    e.push((
                        "AllowedValues".into(),
                        Node::Seq(p.allowed_values.iter().map(Node::str).collect()),
                    ));
                }
                // For a CommaDelimitedList, CloudFormation matches every item.
                match (&p.pattern, p.kind) {
                    (Some(pat), ParamKind::String | ParamKind::List) => {
                        e.push(("AllowedPattern".into(), Node::str(pat)));
                        let each = if p.kind == ParamKind::List {
                            "Each item must"
                        } else {
                            "Must"
                        };
                        e.push((
                            "ConstraintDescription".into(),
                            Node::str(format!("{each} match the pattern {pat}")),
                        ));
                    }
                    (None, ParamKind::String | ParamKind::List)
                        if in_json.contains(p.name.as_str()) =>
                    {
                        e.push(("AllowedPattern".into(), Node::str(JSON_SAFE_PATTERN)));
                        e.push((
                            "ConstraintDescription".into(),
                            Node::str(JSON_SAFE_CONSTRAINT),
                        ));
                    }
                    _ => {}
                }
                (p.name.as_str().into(), Node::Map(e))
            })
            .chain(hatch_params(self.m).map(|(r, h, name)| (name.into(), hatch_parameter(r, h))))
            .chain(export_prefix)
            .collect()
    }
}

/// The console group of the escape-hatch parameters.
pub(super) const HATCH_GROUP: &str =
    "Escape hatches (the caller's choice; empty: as the spec says)";

/// The parameter of an escape hatch: empty by default (the spec's value).
fn hatch_parameter(r: &Role, h: Hatch) -> Node<'_> {
    let ty = match h {
        Hatch::AdditionalPolicyArns => "CommaDelimitedList",
        _ => "String",
    };
    let mut e = vec![
        ("Type", Node::str(ty)),
        ("Description", Node::str(h.describe(&r.id))),
        ("Default", Node::str("")),
    ];
    if h == Hatch::MaxSessionDuration {
        // Empty, or 3600 to 43200.
        e.push(("AllowedPattern", Node::str(MAX_SESSION_PATTERN)));
    }
    Node::map(e)
}

/// Empty or a whole number from 3600 to 43200, in the regex both Terraform and Java read alike.
const MAX_SESSION_PATTERN: &str =
    "(3[6-9][0-9]{2}|[4-9][0-9]{3}|[1-3][0-9]{4}|4[0-2][0-9]{3}|43[01][0-9]{2}|43200)?";

/// A parameter value as CloudFormation text (lists comma-separated).
pub(crate) fn value_text(v: &ParamValue) -> String {
    match v {
        ParamValue::Str(s) | ParamValue::Number(s) => s.clone(),
        ParamValue::Bool(b) => b.to_string(),
        ParamValue::List(items) => items.join(","),
    }
}

/// The example parameters of the stack: `[{"ParameterKey": ..., "ParameterValue": ...}]` for
/// every parameter with an example (with or without a default), in declaration order. That list is
/// what `aws cloudformation create-stack --parameters file://...` reads, and `aws cloudformation
/// deploy --parameter-overrides file://...` in AWS CLI v2.
pub(super) fn params_json(m: &Module) -> Option<String> {
    let entries: Vec<serde_json::Value> = m
        .params
        .values()
        .filter_map(|p| {
            let value = value_text(p.example.as_ref()?);
            let mut e = serde_json::Map::new();
            e.insert("ParameterKey".into(), p.name.as_str().into());
            e.insert("ParameterValue".into(), value.into());
            Some(serde_json::Value::Object(e))
        })
        .collect();
    if entries.is_empty() {
        return None;
    }
    let mut s = serde_json::to_string_pretty(&entries).ok()?;
    s.push('\n');
    Some(s)
}

/// Whether `<module>.params.json` exists and holds a value for every parameter without a
/// default, so that a deploy can take its parameters from that file alone.
pub(crate) fn params_file_complete(m: &Module) -> bool {
    m.params.values().any(|p| p.example.is_some())
        && m.params
            .values()
            .all(|p| p.default.is_some() || p.example.is_some())
}
