//! A small CloudFormation resolver for the stacks rolegen emits: what a stack created with given
//! parameter values would contain, as the resolved-module JSON the model gives.
//!
//! It resolves Parameters (defaults, `CommaDelimitedList` split on commas, `AllowedValues`
//! on each item, `MinValue`/`MaxValue` checked), Conditions (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`), resource
//! `Condition:`, and the intrinsics `Ref` (parameters, pseudo parameters, resources), `Fn::If`
//! with `AWS::NoValue`, `Fn::Sub` (both forms, `${!Literal}`), `Fn::GetAtt`, `Fn::Join`,
//! `Fn::Split`, `Fn::Select` and `Fn::FindInMap` (over `Mappings`), in short (`!Ref`) and long (`Ref:`) form. A `Ref`/`GetAtt` to a
//! resource that is not created is an error, as it is for CloudFormation. Unknown intrinsics,
//! resource types and properties are errors rather than silently ignored.

use rolegen::model::template::{sub_parts, SubPart};
use serde_json::{json, Map, Value as J};
use serde_yaml_ng::Value as Y;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};

/// Parameter values (as the CloudFormation API receives them: text) and pseudo parameters.
pub struct Inputs {
    /// Parameter name → value; a list is one comma-separated string, as for the API.
    pub params: BTreeMap<String, String>,
    /// `AWS::Partition`.
    pub partition: String,
    /// `AWS::AccountId`.
    pub account: String,
    /// `AWS::Region`.
    pub region: String,
    /// `AWS::URLSuffix`.
    pub url_suffix: String,
    /// `AWS::StackName`.
    pub stack_name: String,
}

/// A resolved parameter.
#[derive(Clone)]
enum Param {
    Str(String),
    List(Vec<String>),
}

struct Resolver<'t> {
    t: &'t Y,
    inp: &'t Inputs,
    params: HashMap<String, Param>,
    conditions: RefCell<HashMap<String, bool>>,
    depth: Cell<usize>,
}

fn key(k: &Y) -> String {
    match k {
        Y::String(s) => s.clone(),
        Y::Number(n) => n.to_string(),
        Y::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

fn get<'a>(v: &'a Y, k: &str) -> Option<&'a Y> {
    v.as_mapping().and_then(|m| m.get(k))
}

fn text(v: &J) -> Option<String> {
    match v {
        J::String(s) => Some(s.clone()),
        J::Number(n) => Some(n.to_string()),
        J::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `(name, argument)` of an intrinsic function node, short or long form.
fn intrinsic(v: &Y) -> Option<(String, &Y)> {
    match v {
        Y::Tagged(t) => {
            let tag = t.tag.to_string();
            let tag = tag.trim_start_matches('!');
            let name = match tag {
                "Ref" | "Condition" => tag.to_owned(),
                other => format!("Fn::{other}"),
            };
            Some((name, &t.value))
        }
        Y::Mapping(m) if m.len() == 1 => {
            let (k, a) = m.iter().next()?;
            let k = k.as_str()?;
            (k == "Ref" || k.starts_with("Fn::")).then(|| (k.to_owned(), a))
        }
        _ => None,
    }
}

fn seq<'a>(v: &'a Y, what: &str, n: Option<usize>) -> Result<&'a Vec<Y>, String> {
    match v {
        Y::Sequence(s) if n.map_or(true, |n| s.len() == n) => Ok(s),
        other => Err(format!("{what}: bad arguments {other:?}")),
    }
}

fn scalar(v: &Y) -> Option<J> {
    match v {
        Y::Null => Some(J::Null),
        Y::Bool(b) => Some(J::Bool(*b)),
        Y::Number(n) => serde_json::from_str(&n.to_string()).ok(),
        Y::String(s) => Some(J::String(s.clone())),
        _ => None,
    }
}

impl<'t> Resolver<'t> {
    fn new(t: &'t Y, inp: &'t Inputs) -> Result<Self, String> {
        let mut params = HashMap::new();
        if let Some(Y::Mapping(ps)) = get(t, "Parameters") {
            for (k, p) in ps {
                let name = key(k);
                let ty = get(p, "Type").and_then(Y::as_str).unwrap_or("String");
                let value = match inp.params.get(&name) {
                    Some(v) => v.clone(),
                    None => get(p, "Default")
                        .and_then(scalar)
                        .and_then(|v| text(&v))
                        .ok_or_else(|| format!("parameter {name} has no value and no Default"))?,
                };
                // For a CommaDelimitedList, CloudFormation checks each item.
                let items: Vec<&str> = match ty {
                    "CommaDelimitedList" => value.split(',').collect(),
                    _ => vec![value.as_str()],
                };
                if let Some(Y::Sequence(allowed)) = get(p, "AllowedValues") {
                    let allowed: Vec<String> = allowed
                        .iter()
                        .filter_map(scalar)
                        .filter_map(|a| text(&a))
                        .collect();
                    if let Some(bad) = items.iter().find(|i| !allowed.iter().any(|a| a == *i)) {
                        return Err(format!("parameter {name}: {bad:?} is not an AllowedValue"));
                    }
                }
                for (bound, below) in [("MinValue", true), ("MaxValue", false)] {
                    let Some(b) = get(p, bound).and_then(scalar).and_then(|b| text(&b)) else {
                        continue;
                    };
                    let (x, b) = (value.parse::<f64>(), b.parse::<f64>());
                    let (Ok(x), Ok(b)) = (x, b) else {
                        return Err(format!("parameter {name}: {bound} on a value not a number"));
                    };
                    if (below && x < b) || (!below && x > b) {
                        return Err(format!("parameter {name}: {value:?} is outside {bound}"));
                    }
                }
                let v = match ty {
                    "CommaDelimitedList" => {
                        Param::List(value.split(',').map(str::to_owned).collect())
                    }
                    "Number" => {
                        value
                            .parse::<f64>()
                            .map_err(|_| format!("parameter {name}: {value:?} is not a Number"))?;
                        Param::Str(value)
                    }
                    "String" => Param::Str(value),
                    other => return Err(format!("parameter {name}: type {other} not supported")),
                };
                params.insert(name, v);
            }
        }
        for k in inp.params.keys() {
            if !params.contains_key(k) {
                return Err(format!("a value is given for undeclared parameter {k}"));
            }
        }
        Ok(Resolver {
            t,
            inp,
            params,
            conditions: RefCell::new(HashMap::new()),
            depth: Cell::new(0),
        })
    }

    fn resource(&self, id: &str) -> Option<&'t Y> {
        get(self.t, "Resources").and_then(|r| get(r, id))
    }

    fn guard<T>(&self, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
        let d = self.depth.get();
        if d > 64 {
            return Err("reference cycle".into());
        }
        self.depth.set(d + 1);
        let r = f();
        self.depth.set(d);
        r
    }

    /// A named condition's value.
    fn condition(&self, name: &str) -> Result<bool, String> {
        if let Some(v) = self.conditions.borrow().get(name) {
            return Ok(*v);
        }
        let def = get(self.t, "Conditions")
            .and_then(|c| get(c, name))
            .ok_or_else(|| format!("condition {name} is not defined"))?;
        let v = self
            .guard(|| self.cond_expr(def))
            .map_err(|e| format!("condition {name}: {e}"))?;
        self.conditions.borrow_mut().insert(name.to_owned(), v);
        Ok(v)
    }

    fn cond_expr(&self, v: &Y) -> Result<bool, String> {
        let (f, a) = intrinsic(v)
            .or_else(|| {
                // {Condition: Name} in long form.
                let m = v.as_mapping()?;
                (m.len() == 1).then_some(())?;
                let (k, a) = m.iter().next()?;
                (k.as_str()? == "Condition").then(|| ("Condition".to_owned(), a))
            })
            .ok_or_else(|| format!("not a condition function: {v:?}"))?;
        match f.as_str() {
            "Fn::Equals" => {
                let s = seq(a, &f, Some(2))?;
                let x = self.value(&s[0])?.as_ref().and_then(text);
                let y = self.value(&s[1])?.as_ref().and_then(text);
                match (x, y) {
                    (Some(x), Some(y)) => Ok(x == y),
                    _ => Err("Fn::Equals of a non-scalar".into()),
                }
            }
            "Fn::Not" => Ok(!self.cond_expr(&seq(a, &f, Some(1))?[0])?),
            "Fn::And" => {
                let mut r = true;
                for c in seq(a, &f, None)? {
                    r &= self.cond_expr(c)?;
                }
                Ok(r)
            }
            "Fn::Or" => {
                let mut r = false;
                for c in seq(a, &f, None)? {
                    r |= self.cond_expr(c)?;
                }
                Ok(r)
            }
            "Condition" => self.condition(a.as_str().ok_or("Condition: not a name")?),
            other => Err(format!("{other} is not a condition function")),
        }
    }

    /// Whether a resource is created.
    fn exists(&self, id: &str) -> Result<bool, String> {
        let r = self
            .resource(id)
            .ok_or_else(|| format!("no resource {id}"))?;
        match get(r, "Condition") {
            None => Ok(true),
            Some(c) => self.condition(c.as_str().ok_or("Condition is not a name")?),
        }
    }

    fn must_exist(&self, id: &str) -> Result<&'t Y, String> {
        if !self.exists(id)? {
            return Err(format!(
                "reference to {id}, which is not created under these conditions"
            ));
        }
        self.resource(id).ok_or_else(|| format!("no resource {id}"))
    }

    fn prop(&self, id: &str, name: &str) -> Result<Option<J>, String> {
        let r = self.must_exist(id)?;
        match get(r, "Properties").and_then(|p| get(p, name)) {
            None => Ok(None),
            Some(v) => self.guard(|| self.value(v)),
        }
    }

    fn prop_text(&self, id: &str, name: &str) -> Result<Option<String>, String> {
        Ok(self.prop(id, name)?.as_ref().and_then(text))
    }

    /// The physical name of a resource: its name property, or one CloudFormation generates.
    fn physical_name(&self, id: &str, prop: &str) -> Result<String, String> {
        Ok(self
            .prop_text(id, prop)?
            .unwrap_or_else(|| format!("{}-{id}-{{generated}}", self.inp.stack_name)))
    }

    fn iam_arn(&self, kind: &str, id: &str, name_prop: &str) -> Result<String, String> {
        let name = match self.prop_text(id, name_prop)? {
            // The stand-in every evaluator gives a policy's generated name.
            None if kind == "policy" => rolegen::model::PolicyId::generated_name(id),
            _ => self.physical_name(id, name_prop)?,
        };
        let path = self.prop_text(id, "Path")?.unwrap_or_else(|| "/".into());
        Ok(format!(
            "arn:{}:iam::{}:{kind}{path}{name}",
            self.inp.partition, self.inp.account
        ))
    }

    fn ty(&self, id: &str) -> Result<&'t str, String> {
        self.must_exist(id)?;
        self.resource(id)
            .and_then(|r| get(r, "Type"))
            .and_then(Y::as_str)
            .ok_or_else(|| format!("{id}: no Type"))
    }

    /// `Ref` of a name; `None` is `AWS::NoValue`.
    fn reference(&self, name: &str) -> Result<Option<J>, String> {
        if let Some(p) = self.params.get(name) {
            return Ok(Some(match p {
                Param::Str(s) => J::String(s.clone()),
                Param::List(l) => json!(l),
            }));
        }
        let i = self.inp;
        let s = |v: &str| Ok(Some(J::String(v.to_owned())));
        match name {
            "AWS::NoValue" => return Ok(None),
            "AWS::Partition" => return s(&i.partition),
            "AWS::AccountId" => return s(&i.account),
            "AWS::Region" => return s(&i.region),
            "AWS::URLSuffix" => return s(&i.url_suffix),
            "AWS::StackName" => return s(&i.stack_name),
            _ => {}
        }
        if self.resource(name).is_none() {
            return Err(format!("Ref to unknown name {name}"));
        }
        let v = match self.ty(name)? {
            "AWS::IAM::Role" => self.physical_name(name, "RoleName")?,
            "AWS::IAM::InstanceProfile" => self.physical_name(name, "InstanceProfileName")?,
            "AWS::IAM::ManagedPolicy" => self.iam_arn("policy", name, "ManagedPolicyName")?,
            "AWS::KMS::Key" => format!("key-{{{name}}}"),
            "AWS::KMS::Alias" => self.prop_text(name, "AliasName")?.unwrap_or_default(),
            other => return Err(format!("Ref to a {other} is not supported")),
        };
        s(&v)
    }

    fn get_att(&self, id: &str, att: &str) -> Result<J, String> {
        let ty = self.ty(id)?;
        let v = match (ty, att) {
            ("AWS::IAM::Role", "Arn") => self.iam_arn("role", id, "RoleName")?,
            ("AWS::IAM::Role", "RoleId") => format!("AROA{{{id}}}"),
            ("AWS::IAM::InstanceProfile", "Arn") => {
                self.iam_arn("instance-profile", id, "InstanceProfileName")?
            }
            ("AWS::IAM::ManagedPolicy", "PolicyArn") => {
                self.iam_arn("policy", id, "ManagedPolicyName")?
            }
            ("AWS::KMS::Key", "Arn") => format!(
                "arn:{}:kms:{}:{}:key/key-{{{id}}}",
                self.inp.partition, self.inp.region, self.inp.account
            ),
            ("AWS::KMS::Key", "KeyId") => format!("key-{{{id}}}"),
            // IAM names the provider by its URL without the scheme.
            ("AWS::IAM::OIDCProvider", "Arn") => {
                let url = self
                    .prop_text(id, "Url")?
                    .ok_or("OIDC provider without Url")?;
                let issuer = url.strip_prefix("https://").ok_or("Url is not https")?;
                format!(
                    "arn:{}:iam::{}:oidc-provider/{issuer}",
                    self.inp.partition, self.inp.account
                )
            }
            _ => return Err(format!("Fn::GetAtt {id}.{att} ({ty}) is not supported")),
        };
        Ok(J::String(v))
    }

    fn string(&self, v: &Y, what: &str) -> Result<String, String> {
        self.value(v)?
            .as_ref()
            .and_then(text)
            .ok_or_else(|| format!("{what}: not a string: {v:?}"))
    }

    fn sub(&self, arg: &Y) -> Result<String, String> {
        let (tpl, vars) = match arg {
            Y::Sequence(s) if s.len() == 2 => {
                let mut vars = HashMap::new();
                let m = s[1]
                    .as_mapping()
                    .ok_or("Fn::Sub: variables are not a map")?;
                for (k, v) in m {
                    let val = self.value(v)?;
                    let val = val
                        .as_ref()
                        .and_then(text)
                        .ok_or_else(|| format!("Fn::Sub variable {}: not a string", key(k)))?;
                    vars.insert(key(k), val);
                }
                (
                    s[0].as_str().ok_or("Fn::Sub: template is not a string")?,
                    vars,
                )
            }
            Y::String(s) => (s.as_str(), HashMap::new()),
            other => return Err(format!("Fn::Sub: bad argument {other:?}")),
        };
        let mut out = String::new();
        for piece in sub_parts(tpl) {
            let name = match piece {
                // `${!Literal}` writes `${Literal}`: the rest is ordinary text.
                SubPart::Text(l) => {
                    out.push_str(l);
                    continue;
                }
                SubPart::Unclosed => return Err(format!("Fn::Sub: unclosed ${{ in {tpl:?}")),
                SubPart::Var(name) => name,
            };
            let v = if let Some(v) = vars.get(name) {
                v.clone()
            } else if let Some((res, att)) = name.split_once('.') {
                text(&self.get_att(res, att)?).unwrap_or_default()
            } else {
                match self.reference(name)? {
                    Some(J::String(s)) => s,
                    Some(other) => {
                        return Err(format!("Fn::Sub: ${{{name}}} is not a string: {other}"))
                    }
                    None => return Err(format!("Fn::Sub: ${{{name}}} is AWS::NoValue")),
                }
            };
            out.push_str(&v);
        }
        Ok(out)
    }

    /// A list of strings (an intrinsic returning a list, or a sequence of strings).
    fn string_list(&self, v: &Y, what: &str) -> Result<Vec<String>, String> {
        match self.value(v)? {
            Some(J::Array(a)) => a
                .iter()
                .map(|x| text(x).ok_or_else(|| format!("{what}: element is not a string: {x}")))
                .collect(),
            other => Err(format!("{what}: not a list: {other:?}")),
        }
    }

    fn call(&self, f: &str, a: &Y) -> Result<Option<J>, String> {
        match f {
            "Ref" => self.reference(a.as_str().ok_or("Ref: not a name")?),
            "Fn::If" => {
                let s = seq(a, f, Some(3))?;
                let c = s[0].as_str().ok_or("Fn::If: condition is not a name")?;
                if self.condition(c)? {
                    self.value(&s[1])
                } else {
                    self.value(&s[2])
                }
            }
            "Fn::Sub" => Ok(Some(J::String(self.sub(a)?))),
            "Fn::GetAtt" => {
                let (id, att) = match a {
                    Y::String(s) => s
                        .split_once('.')
                        .map(|(x, y)| (x.to_owned(), y.to_owned()))
                        .ok_or("Fn::GetAtt: no attribute")?,
                    Y::Sequence(s) if s.len() == 2 => (
                        s[0].as_str().ok_or("Fn::GetAtt: bad resource")?.to_owned(),
                        self.string(&s[1], f)?,
                    ),
                    other => return Err(format!("Fn::GetAtt: bad argument {other:?}")),
                };
                self.get_att(&id, &att).map(Some)
            }
            "Fn::Join" => {
                let s = seq(a, f, Some(2))?;
                let delim = s[0].as_str().ok_or("Fn::Join: delimiter is not a string")?;
                Ok(Some(J::String(self.string_list(&s[1], f)?.join(delim))))
            }
            "Fn::Split" => {
                let s = seq(a, f, Some(2))?;
                let delim = s[0]
                    .as_str()
                    .ok_or("Fn::Split: delimiter is not a string")?;
                let src = self.string(&s[1], f)?;
                Ok(Some(json!(src.split(delim).collect::<Vec<_>>())))
            }
            "Fn::Select" => {
                let s = seq(a, f, Some(2))?;
                let i: usize = self
                    .string(&s[0], f)?
                    .parse()
                    .map_err(|_| "Fn::Select: index is not a number")?;
                let list = self.string_list(&s[1], f)?;
                list.get(i)
                    .map(|x| Some(J::String(x.clone())))
                    .ok_or_else(|| format!("Fn::Select: index {i} out of range"))
            }
            "Fn::FindInMap" => {
                // CloudFormation fails the stack when the mapping, the entry or the key is
                // missing (no `DefaultValue` without the LanguageExtensions transform).
                let s = seq(a, f, Some(3))?;
                let map = self.string(&s[0], f)?;
                let entry = self.string(&s[1], f)?;
                let k = self.string(&s[2], f)?;
                let v = get(self.t, "Mappings")
                    .and_then(|m| get(m, &map))
                    .ok_or_else(|| format!("Fn::FindInMap: no mapping {map}"))?;
                let v = get(v, &entry)
                    .ok_or_else(|| format!("Fn::FindInMap: mapping {map} has no entry {entry}"))?;
                let v = get(v, &k)
                    .and_then(scalar)
                    .ok_or_else(|| format!("Fn::FindInMap: {map}.{entry} has no key {k}"))?;
                Ok(Some(v))
            }
            other => Err(format!("{other} is not supported here")),
        }
    }

    /// A resolved value; `None` is `AWS::NoValue` (the element or key is dropped).
    fn value(&self, v: &Y) -> Result<Option<J>, String> {
        if let Some((f, a)) = intrinsic(v) {
            return self.call(&f, a);
        }
        match v {
            Y::Sequence(items) => {
                let mut out = Vec::new();
                for x in items {
                    if let Some(x) = self.value(x)? {
                        out.push(x);
                    }
                }
                Ok(Some(J::Array(out)))
            }
            Y::Mapping(m) => {
                let mut out = Map::new();
                for (k, x) in m {
                    if let Some(x) = self.value(x)? {
                        out.insert(key(k), x);
                    }
                }
                Ok(Some(J::Object(out)))
            }
            Y::Tagged(t) => Err(format!("unsupported tag {}", t.tag)),
            other => Ok(scalar(other)),
        }
    }
}

/// A policy document property: an object, or a JSON string (e.g. from `Fn::Sub`).
fn document(v: Option<J>, what: &str) -> Result<J, String> {
    match v {
        Some(J::String(s)) => {
            serde_json::from_str(&s).map_err(|e| format!("{what}: not JSON: {e}\n{s}"))
        }
        Some(d @ J::Object(_)) => Ok(d),
        other => Err(format!("{what}: not a policy document: {other:?}")),
    }
}

fn text_or_null(v: Option<&J>) -> J {
    v.and_then(text).map(J::String).unwrap_or(J::Null)
}

/// Properties each collected resource type may have (anything else is an error).
fn known_props(ty: &str) -> Option<&'static [&'static str]> {
    Some(match ty {
        "AWS::IAM::Role" => &[
            "RoleName",
            "Path",
            "Description",
            "MaxSessionDuration",
            "PermissionsBoundary",
            "AssumeRolePolicyDocument",
            "ManagedPolicyArns",
            "Policies",
            "Tags",
        ],
        "AWS::IAM::InstanceProfile" => &["InstanceProfileName", "Path", "Roles"],
        "AWS::IAM::ManagedPolicy" => &[
            "ManagedPolicyName",
            "Path",
            "Description",
            "PolicyDocument",
            "Roles",
        ],
        "AWS::IAM::RolePolicy" => &["PolicyName", "PolicyDocument", "RoleName"],
        "AWS::IAM::Policy" => &["PolicyName", "PolicyDocument", "Roles"],
        "AWS::KMS::Key" => &[
            "Description",
            "EnableKeyRotation",
            "KeyPolicy",
            "PendingWindowInDays",
            "KeyUsage",
            "Tags",
        ],
        "AWS::KMS::Alias" => &["AliasName", "TargetKeyId"],
        "AWS::IAM::OIDCProvider" => &["Url", "ClientIdList", "ThumbprintList", "Tags"],
        _ => return None,
    })
}

/// Parses a template's text.
pub fn parse(text: &str) -> Result<Y, String> {
    serde_yaml_ng::from_str(text).map_err(|e| format!("YAML: {e}"))
}

/// Everything the stack creates with these inputs, as `{"roles", "policies", "kms_keys"}`.
pub fn resolve(t: &Y, inp: &Inputs) -> Result<J, String> {
    let r = Resolver::new(t, inp)?;
    let resources = get(t, "Resources")
        .and_then(Y::as_mapping)
        .ok_or("no Resources")?;
    // Every created resource, properties resolved.
    let mut created: Vec<(String, String, Map<String, J>)> = Vec::new();
    for (k, res) in resources {
        let id = key(k);
        if !r.exists(&id).map_err(|e| format!("{id}: {e}"))? {
            continue;
        }
        let ty = get(res, "Type")
            .and_then(Y::as_str)
            .ok_or_else(|| format!("{id}: no Type"))?;
        let known = known_props(ty).ok_or_else(|| format!("{id}: type {ty} is not supported"))?;
        let props = match get(res, "Properties") {
            None => Map::new(),
            Some(p) => match r.value(p).map_err(|e| format!("{id}: {e}"))? {
                Some(J::Object(m)) => m,
                other => return Err(format!("{id}: Properties is {other:?}")),
            },
        };
        if let Some(k) = props.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(format!(
                "{id}: property {k} is not supported by the resolver"
            ));
        }
        created.push((id, ty.to_owned(), props));
    }
    // Outputs must resolve too.
    if let Some(Y::Mapping(outs)) = get(t, "Outputs") {
        for (k, o) in outs {
            let on = match get(o, "Condition") {
                None => true,
                Some(c) => r.condition(c.as_str().unwrap_or(""))?,
            };
            if on {
                let v = get(o, "Value").ok_or_else(|| format!("output {}: no Value", key(k)))?;
                r.value(v).map_err(|e| format!("output {}: {e}", key(k)))?;
            }
        }
    }
    let mut roles = Map::new();
    let mut by_name: BTreeMap<String, String> = BTreeMap::new();
    for (id, ty, p) in &created {
        if ty != "AWS::IAM::Role" {
            continue;
        }
        let mut inline = Map::new();
        for pol in p
            .get("Policies")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
        {
            let name = pol
                .get("PolicyName")
                .and_then(text)
                .ok_or_else(|| format!("{id}: policy without PolicyName"))?;
            let doc = document(pol.get("PolicyDocument").cloned(), &format!("{id}: {name}"))?;
            if inline.insert(name.clone(), doc).is_some() {
                return Err(format!("{id}: two inline policies named {name}"));
            }
        }
        let managed: Vec<J> = match p.get("ManagedPolicyArns") {
            None => Vec::new(),
            Some(J::Array(a)) => a.clone(),
            Some(other) => return Err(format!("{id}: ManagedPolicyArns is {other}")),
        };
        let tags: Map<String, J> = p
            .get("Tags")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
            .map(|t| {
                (
                    t.get("Key").and_then(text).unwrap_or_default(),
                    text_or_null(t.get("Value")),
                )
            })
            .collect();
        roles.insert(
            id.clone(),
            json!({
                "name": text_or_null(p.get("RoleName")),
                "path": p.get("Path").and_then(text).unwrap_or_else(|| "/".into()),
                "trust": document(p.get("AssumeRolePolicyDocument").cloned(), &format!("{id}: AssumeRolePolicyDocument"))?,
                "inline": inline,
                "managed": managed,
                "instance_profile": null,
                "boundary": text_or_null(p.get("PermissionsBoundary")),
                "max_session": text_or_null(p.get("MaxSessionDuration")),
                "description": text_or_null(p.get("Description")),
                "tags": tags,
            }),
        );
        by_name.insert(r.physical_name(id, "RoleName")?, id.clone());
    }
    let role_of = |name: &J, at: &str| -> Result<String, String> {
        let n = text(name).ok_or_else(|| format!("{at}: role is not a name: {name}"))?;
        by_name
            .get(&n)
            .cloned()
            .ok_or_else(|| format!("{at}: role `{n}` is not a role this stack creates"))
    };
    let mut policies = Map::new();
    let mut keys = Map::new();
    let mut providers = Map::new();
    for (id, ty, p) in &created {
        match ty.as_str() {
            "AWS::IAM::InstanceProfile" => {
                let list = p
                    .get("Roles")
                    .and_then(J::as_array)
                    .cloned()
                    .unwrap_or_default();
                for n in &list {
                    let role = role_of(n, id)?;
                    let entry = &mut roles[&role]["instance_profile"];
                    if !entry.is_null() {
                        return Err(format!("{id}: a second instance profile for {role}"));
                    }
                    *entry = match p.get("InstanceProfileName") {
                        Some(n) => n.clone(),
                        None => J::Bool(true),
                    };
                }
            }
            "AWS::IAM::ManagedPolicy" => {
                let arn = r.iam_arn("policy", id, "ManagedPolicyName")?;
                for n in p.get("Roles").and_then(J::as_array).into_iter().flatten() {
                    let role = role_of(n, id)?;
                    if let Some(J::Array(m)) = roles[&role].get_mut("managed") {
                        m.push(J::String(arn.clone()));
                    }
                }
                policies.insert(
                    id.clone(),
                    json!({
                        "name": text_or_null(p.get("ManagedPolicyName")),
                        "path": p.get("Path").and_then(text).unwrap_or_else(|| "/".into()),
                        "description": text_or_null(p.get("Description")),
                        "document": document(p.get("PolicyDocument").cloned(), &format!("{id}: PolicyDocument"))?,
                    }),
                );
            }
            // An inline policy as its own resource: on one role, or on each of `Roles`.
            "AWS::IAM::RolePolicy" | "AWS::IAM::Policy" => {
                let targets: Vec<J> = match p.get("RoleName") {
                    Some(n) => vec![n.clone()],
                    None => p
                        .get("Roles")
                        .and_then(J::as_array)
                        .cloned()
                        .unwrap_or_default(),
                };
                let name = p
                    .get("PolicyName")
                    .and_then(text)
                    .ok_or_else(|| format!("{id}: no PolicyName"))?;
                let doc = document(
                    p.get("PolicyDocument").cloned(),
                    &format!("{id}: PolicyDocument"),
                )?;
                for n in &targets {
                    let role = role_of(n, id)?;
                    let inline = &mut roles[&role]["inline"];
                    if inline.get(&name).is_some() {
                        return Err(format!(
                            "{id}: {role} already has an inline policy named {name}"
                        ));
                    }
                    inline[&name] = doc.clone();
                }
            }
            "AWS::IAM::OIDCProvider" => {
                let list = |k: &str| p.get(k).cloned().unwrap_or_else(|| json!([]));
                providers.insert(
                    id.clone(),
                    json!({
                        "url": text_or_null(p.get("Url")),
                        "client_ids": list("ClientIdList"),
                        "thumbprints": list("ThumbprintList"),
                    }),
                );
            }
            "AWS::KMS::Key" => {
                keys.insert(
                    id.clone(),
                    document(p.get("KeyPolicy").cloned(), &format!("{id}: KeyPolicy"))?,
                );
            }
            _ => {}
        }
    }
    let mut out = json!({"roles": roles, "policies": policies, "kms_keys": keys});
    if !providers.is_empty() {
        out["oidc_providers"] = J::Object(providers);
    }
    Ok(out)
}
