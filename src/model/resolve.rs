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
    /// The stack's name (`${AWS::StackName}`; the Terraform variable `stack_name`).
    pub stack_name: String,
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
            stack_name: conventions::SAMPLE_STACK_NAME.into(),
        }
    }

    /// The longest values the pseudo parameters can take, for size limits: the stack name as
    /// long as the module's names allow ([`Module::stack_name_max`], at least 1 character, so
    /// a name too long even then is reported).
    pub(crate) fn worst_case(m: &Module) -> Self {
        let mut b = Bindings::worst_without_stack_name(m);
        b.stack_name = "s".repeat(stack_name_max(m, &b).max(1));
        b
    }

    /// [`Bindings::worst_case`] with an empty stack name.
    fn worst_without_stack_name(m: &Module) -> Self {
        let mut b = Bindings::defaults(m);
        b.partition = "aws-us-gov".into();
        b.region = "ap-southeast-2".into();
        b.url_suffix = "amazonaws.com.cn".into();
        b.stack_name = String::new();
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
                let v = match &s.test {
                    Some(t) => self.holds(t),
                    None => self.flag(&s.param),
                };
                v != s.negated
            }
        }
    }

    fn flag(&self, p: &ParamName) -> bool {
        matches!(self.params.get(p.as_str()), Some(ParamValue::Bool(true)))
    }

    /// Whether a named condition's test holds.
    pub fn holds(&self, t: &Test) -> bool {
        match t {
            Test::Flag(p) => self.flag(p),
            Test::Named(_, t) => self.holds(t),
            Test::Equals(p, v) => {
                matches!(self.params.get(p.as_str()), Some(ParamValue::Str(s)) if s == v)
            }
            Test::NotEmpty(p, _) => match self.params.get(p.as_str()) {
                Some(ParamValue::Str(s)) => !s.is_empty(),
                // As CloudFormation reads a CommaDelimitedList: its items joined are not empty.
                Some(ParamValue::List(l)) => l.iter().any(|i| !i.is_empty()),
                _ => false,
            },
            Test::And(v) => v.iter().all(|t| self.holds(t)),
            Test::Or(v) => v.iter().any(|t| self.holds(t)),
            Test::Not(t) => !self.holds(t),
        }
    }

    fn pseudo(&self, p: Pseudo) -> &str {
        match p {
            Pseudo::Partition => &self.partition,
            Pseudo::AccountId => &self.account,
            Pseudo::Region => &self.region,
            Pseudo::UrlSuffix => &self.url_suffix,
            Pseudo::StackName => &self.stack_name,
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
                Part::ProviderArn(p) => {
                    let v = self.scalar(&p.arn);
                    outs.iter_mut().for_each(|o| o.push_str(&v));
                }
                Part::Lookup(l) => {
                    let v = self.lookup(l);
                    outs.iter_mut().for_each(|o| o.push_str(&v));
                }
                Part::Piece(x) => {
                    let v = self.piece(x);
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

    /// The entry a lookup picks with these bindings.
    pub fn lookup_entry(&self, l: &Lookup) -> String {
        self.key_value(&l.by)
    }

    /// The value of a pseudo parameter or parameter with these bindings (a list joined by
    /// commas, `<Name>` when unbound).
    fn key_value(&self, k: &LookupKey) -> String {
        match k {
            LookupKey::Pseudo(p) => self.pseudo(*p).to_owned(),
            LookupKey::Param(n) => match self.params.get(n.as_str()) {
                Some(ParamValue::Str(s) | ParamValue::Number(s)) => s.clone(),
                Some(ParamValue::Bool(b)) => b.to_string(),
                Some(ParamValue::List(l)) => l.join(","),
                None => format!("<{n}>"),
            },
        }
    }

    /// The piece a `${split(...)[i]}` gives with these bindings; `<split(...)[i] is out of
    /// range>` where the value has too few pieces (both backends fail the deployment there).
    pub fn piece(&self, x: &crate::model::Piece) -> String {
        let value = self.key_value(&x.of);
        match x.of_value(&value) {
            Some(v) => v.to_owned(),
            None => format!("<{} is out of range>", x.spec()),
        }
    }

    /// The value a lookup gives with these bindings; `<Map[entry] is missing>` where the
    /// mapping has no such entry (both backends fail the deployment there).
    pub fn lookup(&self, l: &Lookup) -> String {
        let entry = self.lookup_entry(l);
        match l.value(&entry) {
            Some(v) => v.to_owned(),
            None => format!("<{}[{entry}] is missing>", l.map),
        }
    }

    /// One value (the first, for scalar positions).
    pub fn scalar(&self, t: &Template) -> String {
        self.expand(t).into_iter().next().unwrap_or_default()
    }

    /// A value that may be nothing (see [`Module::optional_param`]): `None` when its
    /// parameter is empty, else its value (any other template's too).
    pub fn optional(&self, m: &Module, t: &Template) -> Option<String> {
        let v = self.scalar(t);
        (!v.is_empty() || m.optional_param(t).is_none()).then_some(v)
    }

    fn values(&self, items: &[Template]) -> Vec<String> {
        items.iter().flat_map(|t| self.expand(t)).collect()
    }

    /// A document as IAM JSON; statements whose switch is off are left out.
    pub fn document(&self, doc: &PolicyDocument) -> Value {
        self.document_shaped(doc, false)
    }

    /// The document as the backends send it to IAM: a single value (one action, one
    /// resource, one principal or condition value not from a `list` parameter) is a string,
    /// not a one-element list, as Terraform's `aws_iam_policy_document` and the emitted
    /// CloudFormation write it. IAM counts the size of this text.
    pub fn document_as_sent(&self, doc: &PolicyDocument) -> Value {
        self.document_shaped(doc, true)
    }

    fn document_shaped(&self, doc: &PolicyDocument, singletons: bool) -> Value {
        let statements: Vec<Value> = doc
            .statements
            .iter()
            .filter(|s| self.on(&s.when))
            .map(|s| self.statement(s, singletons))
            .collect();
        let mut m = Map::new();
        m.insert("Version".into(), json!(doc.version));
        if let Some(id) = &doc.id {
            m.insert("Id".into(), json!(id));
        }
        m.insert("Statement".into(), Value::Array(statements));
        Value::Object(m)
    }

    /// `items` as JSON: a list, or with `singletons` one string when `items` is one template
    /// without a `list` parameter.
    fn values_json(&self, items: &[Template], singletons: bool) -> Value {
        match items {
            [one] if singletons && !self.has_list(one) => json!(self.scalar(one)),
            _ => json!(self.values(items)),
        }
    }

    /// Whether `t` holds a `list` parameter (which CloudFormation passes as a list).
    fn has_list(&self, t: &Template) -> bool {
        t.parts.iter().any(|p| {
            matches!(p, Part::Param(n) if matches!(self.params.get(n.as_str()), Some(ParamValue::List(_))))
        })
    }

    fn statement(&self, s: &Statement, singletons: bool) -> Value {
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
                        .map(|(k, v)| (k.as_str().to_owned(), self.values_json(v, singletons)))
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
            match s.actions.as_slice() {
                [one] if singletons => json!(one),
                all => json!(all),
            },
        );
        if let Some(r) = &s.resources {
            m.insert(
                if s.not_resource {
                    "NotResource"
                } else {
                    "Resource"
                }
                .into(),
                self.values_json(r, singletons),
            );
        }
        if !s.conditions.is_empty() {
            let mut ops: Map<String, Value> = Map::new();
            for c in &s.conditions {
                let entry = ops
                    .entry(c.op.to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(keys) = entry {
                    keys.insert(self.scalar(&c.key), self.values_json(&c.values, singletons));
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
                .map(|p| (self.scalar(&p.iam_name), self.document(&p.doc)))
                .collect();
            let managed: Vec<String> = r
                .managed
                .iter()
                .filter(|a| self.on(&a.when))
                .flat_map(|a| match &a.target {
                    PolicyRef::Arns(p) => match self.params.get(p.as_str()) {
                        Some(ParamValue::List(items)) => items.clone(),
                        _ => Vec::new(),
                    },
                    target => vec![self.policy_arn(m, target)],
                })
                .collect();
            // A name that may be nothing is generated while empty (null).
            let name = r.name.fixed().and_then(|t| self.optional(m, t));
            let profile = r
                .instance_profile
                .as_ref()
                .filter(|ip| self.on(&ip.when))
                .map(|ip| match (&ip.name, &name) {
                    (Some(n), _) => json!(self.scalar(n)),
                    (None, Some(n)) => json!(n),
                    _ => json!(true),
                });
            roles.insert(
                r.id.pascal(),
                json!({
                    "name": name,
                    "path": r.path.as_ref().and_then(|p| self.optional(m, p)).unwrap_or_else(|| "/".into()),
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
                    // A generated name (a prefix or none) is null, as a role's.
                    json!({"name": p.name.fixed().map(|t| self.scalar(t)), "document": self.document(&p.doc)}),
                )
            })
            .collect();
        let keys: Map<String, Value> = m
            .kms_keys
            .values()
            .filter(|k| self.on(&k.when))
            .map(|k| (k.id.pascal(), self.document(&k.policy)))
            .collect();
        let mut out = json!({"roles": roles, "policies": policies, "kms_keys": keys});
        // Only modules that create providers (with these values) carry the section.
        let providers: Map<String, Value> = m
            .oidc_providers
            .values()
            .filter(|o| self.on(&o.when))
            .map(|o| {
                (
                    o.id.logical_id(),
                    json!({
                        "url": self.scalar(&o.url()),
                        "client_ids": self.values(&o.audiences),
                        "thumbprints": o.thumbprints,
                    }),
                )
            })
            .collect();
        if !providers.is_empty() {
            out["oidc_providers"] = Value::Object(providers);
        }
        out
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
                let name = match mp.map(|p| &p.name) {
                    Some(RoleName::Fixed(t)) => self.scalar(t),
                    _ => PolicyId::generated_name(&id.pascal()),
                };
                format!(
                    "arn:{}:iam::{}:policy{path}{name}",
                    self.partition, self.account
                )
            }
            PolicyRef::Arn(t) => self.scalar(t),
            // Each item is its own ARN (see the role's `managed` above); joined for one text.
            PolicyRef::Arns(p) => match self.params.get(p.as_str()) {
                Some(ParamValue::List(items)) => items.join(","),
                _ => String::new(),
            },
        }
    }
}

/// Characters IAM counts for a document: its compact JSON without whitespace.
pub fn iam_size(doc: &Value) -> usize {
    let s = doc.to_string();
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// [`iam_size`] of one JSON string: quotes plus each character as serde_json escapes it,
/// whitespace not counted.
fn string_size(s: &str) -> usize {
    2 + text_size(s)
}

/// [`string_size`] without the quotes (additive over concatenation).
fn text_size(s: &str) -> usize {
    if s.bytes()
        .all(|b| (0x21..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        return s.len();
    }
    s.chars()
        .map(|c| match c {
            '"' | '\\' | '\u{8}' | '\u{c}' | '\n' | '\r' | '\t' => 2,
            c if (c as u32) < 0x20 => 6,
            c if c.is_whitespace() => 0,
            _ => 1,
        })
        .sum()
}

/// `[` items `,` ... `]` around items of the given total size.
fn array_size(count: usize, items: usize) -> usize {
    2 + items + count.saturating_sub(1)
}

impl Bindings {
    /// `iam_size(&self.document_as_sent(doc))`, computed without building the JSON.
    pub(crate) fn document_size(&self, doc: &PolicyDocument) -> usize {
        // {"Version":"…","Id":"…","Statement":[…]}
        let mut n = 2 + string_size("Version") + 1 + string_size(&doc.version);
        if let Some(id) = &doc.id {
            n += 1 + string_size("Id") + 1 + string_size(id);
        }
        let (mut count, mut items) = (0, 0);
        for s in doc.statements.iter().filter(|s| self.on(&s.when)) {
            count += 1;
            items += self.statement_size(s);
        }
        n + 1 + string_size("Statement") + 1 + array_size(count, items)
    }

    /// [`iam_size`] of [`Bindings::values_json`] with singletons.
    fn values_json_size(&self, items: &[Template]) -> usize {
        match items {
            [one] if !self.has_list(one) => self.expand_size(one).1,
            _ => {
                let (c, size) = self.values_size(items);
                array_size(c, size)
            }
        }
    }

    /// Number of values and their total [`string_size`] for a list of templates.
    fn values_size(&self, items: &[Template]) -> (usize, usize) {
        items.iter().fold((0, 0), |(c, t), item| {
            let (c2, t2) = self.expand_size(item);
            (c + c2, t + t2)
        })
    }

    /// How many values [`Bindings::expand`] gives for `t`, and their total [`string_size`].
    fn expand_size(&self, t: &Template) -> (usize, usize) {
        // `count` strings, `total` characters of text over all of them.
        let (mut count, mut total) = (1usize, 0usize);
        let add = |count: usize, total: &mut usize, text: usize| *total += count * text;
        for p in &t.parts {
            match p {
                Part::Lit(l) => add(count, &mut total, text_size(l)),
                Part::PolicyVar(v) => add(count, &mut total, 3 + text_size(v)),
                Part::Pseudo(x) => add(count, &mut total, text_size(self.pseudo(*x))),
                // A provider's issuer is scalar: one value, its text without the quotes.
                Part::ProviderArn(p) => add(
                    count,
                    &mut total,
                    self.expand_size(&p.arn).1.saturating_sub(2),
                ),
                Part::Lookup(l) => add(count, &mut total, text_size(&self.lookup(l))),
                Part::Piece(x) => add(count, &mut total, text_size(&self.piece(x))),
                Part::Param(n) => match self.params.get(n.as_str()) {
                    Some(ParamValue::List(list)) => {
                        let sum: usize = list.iter().map(|i| text_size(i)).sum();
                        total = total * list.len() + count * sum;
                        count *= list.len();
                    }
                    Some(ParamValue::Str(s)) | Some(ParamValue::Number(s)) => {
                        add(count, &mut total, text_size(s))
                    }
                    Some(ParamValue::Bool(b)) => add(count, &mut total, if *b { 4 } else { 5 }),
                    None => add(count, &mut total, 2 + text_size(n.as_str())),
                },
            }
        }
        (count, total + 2 * count)
    }

    fn statement_size(&self, s: &Statement) -> usize {
        let entry = |key: &str, value: usize| 1 + string_size(key) + value;
        // Entries are separated by commas: one less than their number, added at the end.
        let mut entries = 0usize;
        let mut n = 2usize;
        let mut push = |size: usize| {
            entries += 1;
            n += size;
        };
        if let Some(sid) = &s.sid {
            push(entry("Sid", string_size(sid)));
        }
        push(entry("Effect", string_size(s.effect.as_str())));
        if let Some(p) = &s.principal {
            let v = match p {
                Principal::Any => string_size("*"),
                Principal::Typed(t) => {
                    let mut obj = 2 + t.len().saturating_sub(1);
                    for (k, v) in t {
                        obj += 1 + string_size(k.as_str()) + self.values_json_size(v);
                    }
                    obj
                }
            };
            let key = if s.not_principal {
                "NotPrincipal"
            } else {
                "Principal"
            };
            push(entry(key, v));
        }
        let actions: usize = s.actions.iter().map(|a| string_size(a)).sum();
        let key = if s.not_action { "NotAction" } else { "Action" };
        let actions = match s.actions.len() {
            1 => actions,
            n => array_size(n, actions),
        };
        push(entry(key, actions));
        if let Some(r) = &s.resources {
            let key = if s.not_resource {
                "NotResource"
            } else {
                "Resource"
            };
            push(entry(key, self.values_json_size(r)));
        }
        if !s.conditions.is_empty() {
            // Operators in first-use order; a repeated key within one keeps its first place
            // and its last values, as the JSON map does.
            let mut ops: Vec<(String, Vec<(String, usize)>)> = Vec::new();
            for c in &s.conditions {
                let op = c.op.to_string();
                let i = match ops.iter().position(|(o, _)| *o == op) {
                    Some(i) => i,
                    None => {
                        ops.push((op, Vec::new()));
                        ops.len() - 1
                    }
                };
                let key = self.scalar(&c.key);
                let value = self.values_json_size(&c.values);
                let keys = &mut ops[i].1;
                match keys.iter_mut().find(|(k, _)| *k == key) {
                    Some(slot) => slot.1 = value,
                    None => keys.push((key, value)),
                }
            }
            let mut obj = 2 + ops.len().saturating_sub(1);
            for (op, keys) in &ops {
                let mut inner = 2 + keys.len().saturating_sub(1);
                for (k, v) in keys {
                    inner += 1 + string_size(k) + v;
                }
                obj += 1 + string_size(op) + inner;
            }
            push(entry("Condition", obj));
        }
        n + entries.saturating_sub(1)
    }
}

/// Every length-limited value of the module with the limit AWS puts on it (role names 64,
/// prefixes 38, managed policy prefixes 102, managed policy, inline policy and instance
/// profile names 128, tag values 256, role and managed policy descriptions 1000): the ones a
/// stack name's length can push over.
fn limited(m: &Module) -> Vec<(&Template, usize)> {
    let mut v = Vec::new();
    for r in m.roles.values() {
        match &r.name {
            RoleName::Fixed(t) => v.push((t, 64)),
            RoleName::Prefix(t) => v.push((t, 38)),
            RoleName::FixedOrPrefix(t, p) => v.extend([(t, 64), (p, 38)]),
            RoleName::Generated => {}
        }
        if let Some(t) = r.instance_profile.as_ref().and_then(|ip| ip.name.as_ref()) {
            v.push((t, 128));
        }
        if let Some(d) = &r.description {
            v.push((d, 1000));
        }
        v.extend(r.tags.values().map(|t| (t, 256)));
        v.extend(r.inline.iter().map(|p| (&p.iam_name, 128)));
    }
    for p in m.policies.values() {
        match &p.name {
            // A policy has no name-or-prefix (lowering refuses both).
            RoleName::Fixed(t) | RoleName::FixedOrPrefix(t, _) => v.push((t, 128)),
            RoleName::Prefix(t) => v.push((t, 102)),
            RoleName::Generated => {}
        }
        v.extend(p.description.iter().map(|d| (d, 1000)));
    }
    v
}

/// The longest stack name every length-limited value using `${AWS::StackName}` fits with
/// (the rest at `b`'s values): at most CloudFormation's 128, 0 when some value is too long
/// even without it.
fn stack_name_max(m: &Module, b: &Bindings) -> usize {
    limited(m)
        .into_iter()
        .filter_map(|(t, max)| {
            let uses = t
                .parts
                .iter()
                .filter(|p| matches!(p, Part::Pseudo(Pseudo::StackName)))
                .count();
            (uses > 0).then(|| max.saturating_sub(b.scalar(t).chars().count()) / uses)
        })
        .fold(conventions::STACK_NAME_MAX, usize::min)
}

impl Module {
    /// The longest stack name (`${AWS::StackName}`, Terraform's `stack_name`) the module's
    /// names, descriptions and tags fit with at the longest partition and region and the
    /// parameters' defaults: CloudFormation's 128 when no limited value uses it, 0 when some
    /// value is too long even without it. The Terraform variable checks it; CloudFormation
    /// cannot (no intrinsic measures a string), so there a longer stack name fails at create.
    pub fn stack_name_max(&self) -> usize {
        stack_name_max(self, &Bindings::worst_without_stack_name(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_sizes_follow_serde_json() {
        for s in [
            "",
            "a b",
            "x\"y\\z",
            "tab\there\nnew",
            "\u{1}\u{1f}\u{7f}",
            "é\u{a0}\u{2028}x",
            "${aws:username}",
        ] {
            assert_eq!(string_size(s), iam_size(&json!(s)), "{s:?}");
        }
    }

    /// The computed size equals the size of the built JSON for every document of the
    /// repository's specs and fixtures, with default and worst-case bindings.
    #[test]
    fn document_size_matches_iam_size() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut specs = Vec::new();
        for dir in ["specs", "tests/fixtures"] {
            let mut stack = vec![root.join(dir)];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|e| e == "yaml") {
                        specs.push(p);
                    }
                }
            }
        }
        let mut checked = 0;
        for spec in specs {
            let Ok(loaded) = crate::spec::load::load_file(&spec) else {
                continue;
            };
            let Ok(m) = crate::lower::lower(&loaded) else {
                continue;
            };
            for b in [Bindings::defaults(&m), Bindings::worst_case(&m)] {
                let docs = m
                    .roles
                    .values()
                    .flat_map(|r| std::iter::once(&r.trust).chain(r.inline.iter().map(|p| &p.doc)))
                    .chain(m.policies.values().map(|p| &p.doc))
                    .chain(m.kms_keys.values().map(|k| &k.policy));
                for d in docs {
                    assert_eq!(
                        b.document_size(d),
                        iam_size(&b.document_as_sent(d)),
                        "{}",
                        spec.display()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "{checked}");
    }

    #[test]
    fn document_size_matches_iam_size_on_awkward_documents() {
        let spec = r#"
module: sizes
parameters:
  Arns: {type: list, default: ["arn:aws:s3:::a", "arn:aws:s3:::b\tc", "x y"]}
  Name: {type: string, default: "a \"quoted\" \\ name"}
  Num: {type: number, default: 12}
  On: {type: bool, default: false}
  NoDefault: {type: string}
roles:
  r:
    trust:
      - service: [ecs-tasks.amazonaws.com, "lambda.amazonaws.com"]
        source_account: true
      - account: ["123456789012"]
        external_id: ${Name}
    inline_policies:
      p:
        Id: "my id"
        Statement:
          - Sid: One
            Effect: Allow
            Action: [s3:GetObject, "s3:Put*"]
            Resource: ["${Arns}/*", "arn:${AWS::Partition}:s3:::${Name}-${Num}/${aws:username}", "${NoDefault}"]
            Condition:
              StringEquals: {aws:SourceAccount: "${AWS::AccountId}", "s3:x": [a, b]}
              StringLike: {"s3:prefix": ["home/\u00e9\u2028/*"]}
          - Effect: Deny
            NotAction: iam:*
            NotResource: "*"
            when: On
          - Effect: Allow
            Action: s3:ListBucket
            Resource: ${Arns}
            when: not On
            Condition:
              StringEquals: {"s3:x": a}
              Bool: {aws:SecureTransport: "true"}
"#;
        let loaded = crate::spec::load::load_str(std::path::Path::new("sizes.yaml"), spec.into())
            .expect("loads");
        let m = crate::lower::lower(&loaded).expect("lowers");
        let mut b = Bindings::worst_case(&m);
        for on in [true, false] {
            b.params.insert("On".into(), ParamValue::Bool(on));
            for r in m.roles.values() {
                for d in std::iter::once(&r.trust).chain(r.inline.iter().map(|p| &p.doc)) {
                    assert_eq!(b.document_size(d), iam_size(&b.document_as_sent(d)));
                }
            }
        }
        let mut d = m.roles[0].inline[0].doc.clone();
        // A key written twice under one operator: the JSON keeps the last values.
        let c = d.statements[0].conditions[0].clone();
        d.statements[0].conditions.push(c);
        d.statements[0].conditions.swap(0, 2);
        assert_eq!(b.document_size(&d), iam_size(&b.document_as_sent(&d)));
    }
}
