//! Resolving a module into concrete IAM JSON: parameters, pseudo parameters and switches bound
//! to values, list parameters expanded. This is what the model *means*; the size limits, the
//! `rolegen resolve` command and the backend equivalence tests all read it.

use super::*;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// Values for everything a template can refer to.
#[derive(Debug, Clone)]
pub struct Bindings {
    /// Parameter values.
    pub params: HashMap<String, ParamValue>,
    /// `aws`, `aws-cn`, `aws-us-gov`.
    pub partition: String,
    /// 12-digit account id.
    pub account: String,
    /// Region name.
    pub region: String,
    /// `amazonaws.com`.
    pub url_suffix: String,
}

impl Bindings {
    /// Defaults, then examples, then `<Name>` text for parameters without either; pseudo
    /// parameters of a test account in us-east-1.
    pub fn defaults(m: &Module) -> Self {
        let params = m
            .params
            .values()
            .map(|p| {
                let v = p
                    .default
                    .clone()
                    .or_else(|| p.example.clone())
                    .unwrap_or_else(|| match p.kind {
                        ParamKind::List => ParamValue::List(vec![format!("<{}>", p.name)]),
                        ParamKind::Bool => ParamValue::Bool(false),
                        ParamKind::Number => ParamValue::Number("0".into()),
                        ParamKind::String => ParamValue::Str(format!("<{}>", p.name)),
                    });
                (p.name.0.clone(), v)
            })
            .collect();
        Bindings {
            params,
            partition: "aws".into(),
            account: "123456789012".into(),
            region: "us-east-1".into(),
            url_suffix: "amazonaws.com".into(),
        }
    }

    /// The longest values the pseudo parameters can take, for size limits.
    pub fn worst_case(m: &Module) -> Self {
        let mut b = Bindings::defaults(m);
        b.partition = "aws-us-gov".into();
        b.region = "ap-southeast-2".into();
        b.url_suffix = "amazonaws.com.cn".into();
        for p in m.params.values().filter(|p| p.kind == ParamKind::Bool) {
            b.params.insert(p.name.0.clone(), ParamValue::Bool(true));
        }
        b
    }

    /// Whether a switch is on.
    pub fn on(&self, s: &Option<Switch>) -> bool {
        match s {
            None => true,
            Some(s) => {
                let v = matches!(
                    self.params.get(s.param.as_str()),
                    Some(ParamValue::Bool(true))
                );
                v != s.negated
            }
        }
    }

    fn pseudo(&self, p: Pseudo) -> &str {
        match p {
            Pseudo::Partition => &self.partition,
            Pseudo::AccountId => &self.account,
            Pseudo::Region => &self.region,
            Pseudo::UrlSuffix => &self.url_suffix,
        }
    }

    /// One template to its values (several if it holds a list parameter).
    pub fn expand(&self, t: &Template) -> Vec<String> {
        let mut outs = vec![String::new()];
        for p in &t.parts {
            match p {
                Part::Lit(l) => outs.iter_mut().for_each(|o| o.push_str(l)),
                Part::PolicyVar(v) => outs.iter_mut().for_each(|o| {
                    o.push_str("${");
                    o.push_str(v);
                    o.push('}');
                }),
                Part::Pseudo(x) => {
                    let v = self.pseudo(*x).to_owned();
                    outs.iter_mut().for_each(|o| o.push_str(&v));
                }
                Part::Param(n) => match self.params.get(n.as_str()) {
                    Some(ParamValue::List(items)) => {
                        outs = outs
                            .iter()
                            .flat_map(|o| items.iter().map(move |i| format!("{o}{i}")))
                            .collect();
                    }
                    Some(ParamValue::Str(s)) | Some(ParamValue::Number(s)) => {
                        outs.iter_mut().for_each(|o| o.push_str(s))
                    }
                    Some(ParamValue::Bool(b)) => outs
                        .iter_mut()
                        .for_each(|o| o.push_str(if *b { "true" } else { "false" })),
                    None => outs.iter_mut().for_each(|o| o.push_str(&format!("<{n}>"))),
                },
            }
        }
        outs
    }

    /// One value (the first, for scalar positions).
    pub fn scalar(&self, t: &Template) -> String {
        self.expand(t).into_iter().next().unwrap_or_default()
    }

    fn values(&self, items: &[Template]) -> Vec<String> {
        items.iter().flat_map(|t| self.expand(t)).collect()
    }

    /// A document as IAM JSON; statements whose switch is off are left out.
    pub fn document(&self, doc: &PolicyDocument) -> Value {
        let statements: Vec<Value> = doc
            .statements
            .iter()
            .filter(|s| self.on(&s.when))
            .map(|s| self.statement(s))
            .collect();
        let mut m = Map::new();
        m.insert("Version".into(), json!(doc.version));
        if let Some(id) = &doc.id {
            m.insert("Id".into(), json!(id));
        }
        m.insert("Statement".into(), Value::Array(statements));
        Value::Object(m)
    }

    fn statement(&self, s: &Statement) -> Value {
        let mut m = Map::new();
        if let Some(sid) = &s.sid {
            m.insert("Sid".into(), json!(sid));
        }
        m.insert("Effect".into(), json!(s.effect.as_str()));
        if let Some(p) = &s.principal {
            let v = match p {
                Principal::Any => json!("*"),
                Principal::Typed(t) => Value::Object(
                    t.iter()
                        .map(|(k, v)| (k.as_str().to_owned(), json!(self.values(v))))
                        .collect(),
                ),
            };
            m.insert(
                if s.not_principal {
                    "NotPrincipal"
                } else {
                    "Principal"
                }
                .into(),
                v,
            );
        }
        m.insert(
            if s.not_action { "NotAction" } else { "Action" }.into(),
            json!(s.actions),
        );
        if let Some(r) = &s.resources {
            m.insert(
                if s.not_resource {
                    "NotResource"
                } else {
                    "Resource"
                }
                .into(),
                json!(self.values(r)),
            );
        }
        if !s.conditions.is_empty() {
            let mut ops: Map<String, Value> = Map::new();
            for c in &s.conditions {
                let entry = ops
                    .entry(c.op.to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(keys) = entry {
                    keys.insert(self.scalar(&c.key), json!(self.values(&c.values)));
                }
            }
            m.insert("Condition".into(), Value::Object(ops));
        }
        Value::Object(m)
    }

    /// Everything the module creates, resolved: roles (trust, inline policies, attached ARNs,
    /// instance profile), managed policies and key policies.
    pub fn module(&self, m: &Module) -> Value {
        let mut roles = Map::new();
        for r in m.roles.values().filter(|r| self.on(&r.when)) {
            let inline: Map<String, Value> = r
                .inline
                .iter()
                .filter(|p| self.on(&p.when))
                .map(|p| (p.name.clone(), self.document(&p.doc)))
                .collect();
            let managed: Vec<String> = r
                .managed
                .iter()
                .filter(|a| self.on(&a.when))
                .map(|a| self.policy_arn(m, &a.target))
                .collect();
            let name = match &r.name {
                RoleName::Fixed(t) => json!(self.scalar(t)),
                _ => Value::Null,
            };
            let profile = r
                .instance_profile
                .as_ref()
                .map(|ip| match (&ip.name, &r.name) {
                    (Some(n), _) | (None, RoleName::Fixed(n)) => json!(self.scalar(n)),
                    _ => json!(true),
                });
            roles.insert(
                r.id.pascal(),
                json!({
                    "name": name,
                    "path": r.path.as_ref().map(|p| self.scalar(p)).unwrap_or_else(|| "/".into()),
                    "trust": self.document(&r.trust),
                    "inline": inline,
                    "managed": managed,
                    "instance_profile": profile,
                }),
            );
        }
        let policies: Map<String, Value> = m
            .policies
            .values()
            .filter(|p| self.on(&p.when))
            .map(|p| {
                (
                    p.id.pascal(),
                    json!({"name": self.scalar(&p.name), "document": self.document(&p.doc)}),
                )
            })
            .collect();
        let keys: Map<String, Value> = m
            .kms_keys
            .values()
            .filter(|k| self.on(&k.when))
            .map(|k| (k.id.pascal(), self.document(&k.policy)))
            .collect();
        json!({"roles": roles, "policies": policies, "kms_keys": keys})
    }

    /// The ARN an attachment resolves to (a module policy as `arn:…:policy/<name>`).
    pub fn policy_arn(&self, m: &Module, p: &PolicyRef) -> String {
        match p {
            PolicyRef::Aws(name) => format!("arn:{}:iam::aws:policy/{name}", self.partition),
            PolicyRef::Module(id) => {
                let mp = m.policies.get(id);
                let path = mp
                    .and_then(|p| p.path.as_ref())
                    .map(|p| self.scalar(p))
                    .unwrap_or_else(|| "/".into());
                let name = mp.map(|p| self.scalar(&p.name)).unwrap_or_default();
                format!(
                    "arn:{}:iam::{}:policy{path}{name}",
                    self.partition, self.account
                )
            }
            PolicyRef::Arn(t) => self.scalar(t),
        }
    }
}

/// Characters IAM counts for a document: its compact JSON without whitespace.
pub fn iam_size(doc: &Value) -> usize {
    let s = doc.to_string();
    s.chars().filter(|c| !c.is_whitespace()).count()
}
