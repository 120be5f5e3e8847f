//! A concrete CloudFormation resolver: a template plus parameter values and pseudo parameters
//! to the IAM JSON it creates, in the shape of [`Bindings::module`] (roles with trust, inline
//! policies, attached ARNs and instance profile; managed policies; KMS key policies).
//!
//! It evaluates `Ref`, `Fn::Sub`, `Fn::If` with the template's Conditions (`Fn::Equals`,
//! `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`), `Fn::Join`, `Fn::Split`, `Fn::Select`,
//! `Fn::GetAtt` (IAM ARNs), `Fn::FindInMap`, `AWS::NoValue`, and policy documents given as
//! JSON strings. It is how the import round trip checks a spec against the original template.

use super::cloudformation::node::{self, N};
use super::InputError;
use crate::model::resolve::Bindings;
use crate::model::template::{sub_parts, SubPart};
use crate::model::{ParamValue, PolicyId};
use indexmap::IndexMap;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Why a template does not resolve.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// The template file cannot be read.
    #[error("{}: {source}", .path.display())]
    Read {
        /// The template file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The template is not YAML or JSON the importer reads.
    #[error(transparent)]
    Parse(#[from] InputError),
    /// A parameter has no value: the bindings give none and the template no default.
    #[error("no value for parameter `{0}`")]
    NoValue(String),
    /// An intrinsic function the resolver does not evaluate.
    #[error("`{0}` is not supported by the resolver")]
    Unsupported(String),
    /// The template is wrong where it is evaluated: a missing resource, condition or
    /// mapping entry, an argument of the wrong shape, an index out of range, a policy
    /// document that is not one.
    #[error("{0}")]
    Invalid(String),
}

/// Resolves a template file.
pub fn resolve_file(path: &Path, b: &Bindings) -> Result<Value, ResolveError> {
    let text = std::fs::read_to_string(path).map_err(|source| ResolveError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    resolve_text(path, &text, b)
}

/// Resolves template text.
pub fn resolve_text(path: &Path, text: &str, b: &Bindings) -> Result<Value, ResolveError> {
    let root = node::parse(path, text)?;
    Resolver::new(&root, b)?.module()
}

/// The value of one expression of a template (long-form JSON, as
/// [`super::Imported::introduced`] holds it) with `b`: what a parameter the import introduced
/// stands for. `None` is `AWS::NoValue`.
pub fn resolve_value(
    path: &Path,
    text: &str,
    expr: &Value,
    b: &Bindings,
) -> Result<Option<Value>, ResolveError> {
    let root = node::parse(path, text)?;
    let n = node::from_json(expr, None, true);
    Resolver::new(&root, b)?.eval(&n)
}

/// Renames the roles, policies, keys and OIDC providers of a resolved template from logical
/// ids to the spec keys the import gave them, spelled as [`Bindings::module`] spells them
/// (PascalCase; a provider `<Pascal>OidcProvider`).
pub fn rekey(v: &Value, keys: &IndexMap<String, String>) -> Value {
    let mut out = v.clone();
    for section in ["roles", "policies", "kms_keys", "oidc_providers"] {
        if let Some(Value::Object(m)) = v.get(section) {
            let renamed: Map<String, Value> = m
                .iter()
                .map(|(k, x)| {
                    let suffix = if section == "oidc_providers" {
                        "OidcProvider"
                    } else {
                        ""
                    };
                    let k2 = keys
                        .get(k)
                        .map(|s| format!("{}{suffix}", crate::model::names::pascal(s)))
                        .unwrap_or_else(|| k.clone());
                    (k2, x.clone())
                })
                .collect();
            out[section] = Value::Object(renamed);
        }
    }
    out
}

struct Resolver<'a> {
    root: &'a N,
    b: &'a Bindings,
    params: HashMap<String, Value>,
    conditions: HashMap<String, bool>,
    resources: IndexMap<String, (&'a str, &'a N)>,
}

fn err<T>(s: impl Into<String>) -> Result<T, ResolveError> {
    Err(invalid(s))
}

fn invalid(s: impl Into<String>) -> ResolveError {
    ResolveError::Invalid(s.into())
}

fn text(v: &Value) -> Result<String, ResolveError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => err(format!("expected a string, found {other}")),
    }
}

fn plain(n: &N) -> Option<&str> {
    match n {
        N::Str(s) => Some(s),
        _ => None,
    }
}

impl<'a> Resolver<'a> {
    fn new(root: &'a N, b: &'a Bindings) -> Result<Self, ResolveError> {
        let mut r = Resolver {
            root,
            b,
            params: HashMap::new(),
            conditions: HashMap::new(),
            resources: IndexMap::new(),
        };
        if let Some(N::Map(ps)) = root.get("Parameters") {
            for (name, p) in ps {
                let ty = p.get("Type").and_then(N::literal).unwrap_or_default();
                let is_list = ty == "CommaDelimitedList" || ty.starts_with("List<");
                let v = match b.params.get(name) {
                    Some(ParamValue::Str(s)) | Some(ParamValue::Number(s)) => json!(s),
                    Some(ParamValue::Bool(x)) => json!(x.to_string()),
                    Some(ParamValue::List(items)) => json!(items),
                    None => match p.get("Default") {
                        Some(N::Seq(items)) => Value::Array(
                            items
                                .iter()
                                .map(|i| json!(i.literal().unwrap_or_default()))
                                .collect(),
                        ),
                        Some(d) => {
                            let s = d.literal().unwrap_or_default();
                            if is_list {
                                json!(s.split(',').collect::<Vec<_>>())
                            } else {
                                json!(s)
                            }
                        }
                        None => return Err(ResolveError::NoValue(name.clone())),
                    },
                };
                let v = match (is_list, v) {
                    (true, Value::String(s)) => json!(s.split(',').collect::<Vec<_>>()),
                    // A list for a String parameter (one the import made a list of policy
                    // ARNs): CloudFormation gets the items as comma-separated text.
                    (false, Value::Array(items)) => json!(items
                        .iter()
                        .map(|i| i.as_str().unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join(",")),
                    (_, v) => v,
                };
                r.params.insert(name.clone(), v);
            }
        }
        if let Some(N::Map(rs)) = root.get("Resources") {
            for (id, res) in rs {
                let ty = match res.get("Type") {
                    Some(N::Str(t)) => t.as_str(),
                    _ => "",
                };
                r.resources.insert(id.clone(), (ty, res));
            }
        }
        if let Some(N::Map(cs)) = root.get("Conditions") {
            for (name, _) in cs {
                let v = r.condition(name, 0)?;
                r.conditions.insert(name.clone(), v);
            }
        }
        Ok(r)
    }

    fn condition(&self, name: &str, depth: usize) -> Result<bool, ResolveError> {
        if let Some(v) = self.conditions.get(name) {
            return Ok(*v);
        }
        let c = self
            .root
            .get("Conditions")
            .and_then(|c| c.get(name))
            .ok_or_else(|| invalid(format!("no condition `{name}`")))?;
        self.cond_expr(c, depth + 1)
    }

    fn cond_expr(&self, n: &N, depth: usize) -> Result<bool, ResolveError> {
        if depth > 64 {
            return err("conditions nest too deeply");
        }
        if let N::Map(m) = n {
            if let [(k, N::Str(c))] = m.as_slice() {
                if k == "Condition" {
                    return self.condition(c, depth);
                }
            }
        }
        let Some((f, arg, _)) = n.as_fn() else {
            return err("a condition is an intrinsic function");
        };
        let args = match arg {
            N::Seq(v) => v.as_slice(),
            other => std::slice::from_ref(other),
        };
        match f {
            "Condition" => self.condition(plain(arg).unwrap_or_default(), depth),
            "Fn::Not" => Ok(!self.cond_expr(&args[0], depth + 1)?),
            "Fn::And" => {
                for a in args {
                    if !self.cond_expr(a, depth + 1)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            "Fn::Or" => {
                for a in args {
                    if self.cond_expr(a, depth + 1)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            "Fn::Equals" => {
                let [a, b] = args else {
                    return err("Fn::Equals takes two values");
                };
                let a = self.eval(a)?.unwrap_or(Value::Null);
                let b = self.eval(b)?.unwrap_or(Value::Null);
                Ok(norm(&a) == norm(&b))
            }
            other => err(format!("`{other}` in a condition")),
        }
    }

    fn active(&self, res: &N) -> Result<bool, ResolveError> {
        match res.get("Condition") {
            None => Ok(true),
            Some(c) => self.condition(plain(c).unwrap_or_default(), 0),
        }
    }

    fn prop(&self, id: &str, p: &str) -> Result<Option<Value>, ResolveError> {
        match self
            .resources
            .get(id)
            .and_then(|(_, r)| r.get("Properties"))
            .and_then(|x| x.get(p))
        {
            Some(n) => self.eval(n),
            None => Ok(None),
        }
    }

    fn generated(&self, id: &str) -> String {
        format!("stack-{id}-GENERATED")
    }

    fn name_of(&self, id: &str, p: &str) -> Result<String, ResolveError> {
        match self.prop(id, p)? {
            Some(v) => text(&v),
            None => Ok(self.generated(id)),
        }
    }

    fn path_of(&self, id: &str) -> Result<String, ResolveError> {
        match self.prop(id, "Path")? {
            Some(v) => text(&v),
            None => Ok("/".into()),
        }
    }

    fn arn(&self, kind: &str, id: &str, name_prop: &str) -> Result<String, ResolveError> {
        Ok(format!(
            "arn:{}:iam::{}:{kind}{}{}",
            self.b.partition,
            self.b.account,
            self.path_of(id)?,
            self.name_of(id, name_prop)?
        ))
    }

    /// A managed policy's ARN; one without a `ManagedPolicyName` has the stand-in name every
    /// evaluator gives a generated policy name ([`PolicyId::generated_name`], by the key the
    /// import gives the logical id, as a key's ARN below).
    fn policy_arn(&self, id: &str) -> Result<String, ResolveError> {
        if self.prop(id, "ManagedPolicyName")?.is_some() {
            return self.arn("policy", id, "ManagedPolicyName");
        }
        let name =
            PolicyId::generated_name(&crate::model::names::pascal(&crate::import::spec_key(id)));
        Ok(format!(
            "arn:{}:iam::{}:policy{}{name}",
            self.b.partition,
            self.b.account,
            self.path_of(id)?,
        ))
    }

    fn reference(&self, name: &str) -> Result<Option<Value>, ResolveError> {
        let b = self.b;
        Ok(Some(match name {
            "AWS::NoValue" => return Ok(None),
            "AWS::Partition" => json!(b.partition),
            "AWS::AccountId" => json!(b.account),
            "AWS::Region" => json!(b.region),
            "AWS::URLSuffix" => json!(b.url_suffix),
            "AWS::StackName" => json!(b.stack_name),
            n if self.params.contains_key(n) => self.params[n].clone(),
            n => match self.resources.get(n) {
                Some((ty, _)) => match *ty {
                    "AWS::IAM::Role" => json!(self.name_of(n, "RoleName")?),
                    "AWS::IAM::ManagedPolicy" => json!(self.policy_arn(n)?),
                    "AWS::IAM::InstanceProfile" => json!(self.name_of(n, "InstanceProfileName")?),
                    "AWS::IAM::OIDCProvider" => json!(self.provider_arn(n)?),
                    ty => match self.named(n, ty, None)? {
                        Some(v) => json!(v),
                        None => json!(format!("ref-{n}")),
                    },
                },
                None => return err(format!("`Ref {n}`: no such parameter or resource")),
            },
        }))
    }

    fn get_att(&self, r: &str, a: &str) -> Result<Value, ResolveError> {
        let (ty, _) = self
            .resources
            .get(r)
            .ok_or_else(|| invalid(format!("`Fn::GetAtt {r}.{a}`: no such resource")))?;
        Ok(json!(match (*ty, a) {
            ("AWS::IAM::Role", "Arn") => self.arn("role", r, "RoleName")?,
            ("AWS::IAM::ManagedPolicy", "PolicyArn") => self.policy_arn(r)?,
            ("AWS::IAM::InstanceProfile", "Arn") => {
                self.arn("instance-profile", r, "InstanceProfileName")?
            }
            ("AWS::IAM::OIDCProvider", "Arn") => self.provider_arn(r)?,
            // The stand-in for the key's random id that the spec's `${kms_keys.<key>.arn}`
            // resolves to (the key imported under `spec_key` of its logical id).
            ("AWS::KMS::Key", "Arn") => format!(
                "arn:{}:kms:{}:{}:key/key-{{{}}}",
                self.b.partition,
                self.b.region,
                self.b.account,
                crate::model::names::pascal(&crate::import::spec_key(r))
            ),
            (ty, a) => match self.named(r, ty, Some(a))? {
                Some(v) => v,
                None => format!("getatt-{r}-{a}"),
            },
        }))
    }

    /// `Ref` or `Fn::GetAtt` of a resource with a written name whose value is that name or
    /// an ARN built from it ([`crate::import::named`]).
    fn named(
        &self,
        id: &str,
        ty: &str,
        attribute: Option<&str>,
    ) -> Result<Option<String>, ResolveError> {
        use crate::import::named::{named_type, ArnPiece, Gives};
        let Some(named) = named_type(ty) else {
            return Ok(None);
        };
        let (Some(gives), Some(name)) = (named.gives(attribute), self.prop(id, named.name_prop)?)
        else {
            return Ok(None);
        };
        let name = text(&name)?;
        Ok(Some(match gives {
            Gives::Name => name,
            Gives::Arn => named
                .arn()
                .iter()
                .map(|piece| match piece {
                    ArnPiece::Text(s) => *s,
                    ArnPiece::Partition => &self.b.partition,
                    ArnPiece::Region => &self.b.region,
                    ArnPiece::Account => &self.b.account,
                    ArnPiece::Name => &name,
                })
                .collect(),
        }))
    }

    /// The ARN IAM gives an OIDC provider: `oidc-provider/` and its URL without `https://`.
    fn provider_arn(&self, id: &str) -> Result<String, ResolveError> {
        let url = text(&self.prop(id, "Url")?.unwrap_or(Value::Null))?;
        Ok(format!(
            "arn:{}:iam::{}:oidc-provider/{}",
            self.b.partition,
            self.b.account,
            url.strip_prefix("https://").unwrap_or(&url)
        ))
    }

    fn sub(&self, s: &str, vars: &[(String, N)]) -> Result<String, ResolveError> {
        let mut out = String::new();
        for piece in sub_parts(s) {
            let name = match piece {
                SubPart::Text(l) => {
                    out.push_str(l);
                    continue;
                }
                SubPart::Unclosed => {
                    out.push_str("${");
                    continue;
                }
                SubPart::Var(name) => name,
            };
            let v = if let Some((_, v)) = vars.iter().find(|(k, _)| k == name) {
                self.eval(v)?.unwrap_or(Value::Null)
            } else if name.contains('.') && !name.starts_with("AWS::") {
                let (r, a) = name.split_once('.').unwrap_or((name, ""));
                self.get_att(r, a)?
            } else {
                self.reference(name)?.unwrap_or(Value::Null)
            };
            out.push_str(&text(&v)?);
        }
        Ok(out)
    }

    /// Evaluates a node; `None` is `AWS::NoValue`.
    fn eval(&self, n: &N) -> Result<Option<Value>, ResolveError> {
        Ok(Some(match n {
            N::Null => Value::Null,
            N::Bool(b) => json!(b),
            N::Num(s) => serde_json::from_str(s).unwrap_or_else(|_| json!(s)),
            N::Str(s) => json!(s),
            N::Sub(s, vars) => json!(self.sub(s, vars)?),
            N::Seq(v) => {
                let mut out = Vec::new();
                for x in v {
                    if let Some(x) = self.eval(x)? {
                        out.push(x);
                    }
                }
                Value::Array(out)
            }
            N::Map(m) => {
                let mut out = Map::new();
                for (k, x) in m {
                    if let Some(x) = self.eval(x)? {
                        out.insert(k.clone(), x);
                    }
                }
                Value::Object(out)
            }
            N::Fn(f, arg, _) => return self.function(f, arg),
        }))
    }

    fn list(&self, n: &N) -> Result<Vec<Value>, ResolveError> {
        match self.eval(n)? {
            Some(Value::Array(v)) => Ok(v),
            Some(other) => err(format!("expected a list, found {other}")),
            None => Ok(Vec::new()),
        }
    }

    fn function(&self, f: &str, arg: &N) -> Result<Option<Value>, ResolveError> {
        let args = match arg {
            N::Seq(v) => v.as_slice(),
            other => std::slice::from_ref(other),
        };
        Ok(Some(match f {
            "Ref" => return self.reference(plain(arg).unwrap_or_default()),
            "Fn::Sub" => match args {
                [N::Str(s)] => json!(self.sub(s, &[])?),
                [N::Str(s), N::Map(vars)] => json!(self.sub(s, vars)?),
                _ => return err("Fn::Sub takes a string and a mapping"),
            },
            "Fn::If" => {
                let [c, a, b] = args else {
                    return err("Fn::If takes three arguments");
                };
                let on = self.condition(plain(c).unwrap_or_default(), 0)?;
                return self.eval(if on { a } else { b });
            }
            "Fn::Join" => {
                let [d, l] = args else {
                    return err("Fn::Join takes a delimiter and a list");
                };
                let d = text(&self.eval(d)?.unwrap_or(Value::Null))?;
                let items: Result<Vec<String>, ResolveError> =
                    self.list(l)?.iter().map(text).collect();
                json!(items?.join(&d))
            }
            "Fn::Split" => {
                let [d, s] = args else {
                    return err("Fn::Split takes a delimiter and a string");
                };
                let d = text(&self.eval(d)?.unwrap_or(Value::Null))?;
                let s = text(&self.eval(s)?.unwrap_or(Value::Null))?;
                json!(s.split(d.as_str()).collect::<Vec<_>>())
            }
            "Fn::Select" => {
                let [i, l] = args else {
                    return err("Fn::Select takes an index and a list");
                };
                let i: usize = text(&self.eval(i)?.unwrap_or(Value::Null))?
                    .parse()
                    .map_err(|_| invalid("Fn::Select index is not a number"))?;
                self.list(l)?
                    .get(i)
                    .cloned()
                    .ok_or_else(|| invalid(format!("Fn::Select index {i} out of range")))?
            }
            "Fn::GetAtt" => match args {
                [r, a] => {
                    self.get_att(plain(r).unwrap_or_default(), plain(a).unwrap_or_default())?
                }
                [N::Str(s)] => {
                    let (r, a) = s.split_once('.').unwrap_or((s, ""));
                    self.get_att(r, a)?
                }
                _ => return err("Fn::GetAtt takes a resource and an attribute"),
            },
            "Fn::FindInMap" => {
                let keys: Result<Vec<String>, ResolveError> = args
                    .iter()
                    .map(|a| text(&self.eval(a)?.unwrap_or(Value::Null)))
                    .collect();
                let keys = keys?;
                let [m, k1, k2] = keys.as_slice() else {
                    return err("Fn::FindInMap takes three keys");
                };
                let n = self
                    .root
                    .get("Mappings")
                    .and_then(|x| x.get(m))
                    .and_then(|x| x.get(k1))
                    .and_then(|x| x.get(k2))
                    .ok_or_else(|| invalid(format!("Fn::FindInMap {m}/{k1}/{k2}: not found")))?;
                return self.eval(n);
            }
            // Another stack's export and the region's zones: stand-ins derived from the
            // bindings (a deployment would read them from the account).
            "Fn::ImportValue" => {
                let name = text(&self.eval(arg)?.unwrap_or(Value::Null))?;
                json!(format!("imported:{name}"))
            }
            "Fn::GetAZs" => json!([format!("{}a", self.b.region), format!("{}b", self.b.region)]),
            "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" | "Condition" => {
                json!(self.cond_expr(&N::Fn(f.to_owned(), Box::new(arg.clone()), false), 0)?)
            }
            other => return Err(ResolveError::Unsupported(other.to_owned())),
        }))
    }

    fn document(&self, v: Option<Value>) -> Result<Value, ResolveError> {
        let v = match v {
            Some(Value::String(s)) => serde_json::from_str(&s)
                .map_err(|e| invalid(format!("a JSON document string: {e}")))?,
            Some(v) => v,
            None => return err("a policy document is missing"),
        };
        canonical_doc(&v)
    }

    fn module(&self) -> Result<Value, ResolveError> {
        let mut roles = Map::new();
        let mut policies = Map::new();
        let mut keys = Map::new();
        let mut providers = Map::new();
        // Role name → logical id, for `Roles:` lists.
        let mut role_ids: HashMap<String, String> = HashMap::new();
        for (id, (ty, res)) in &self.resources {
            if *ty == "AWS::IAM::Role" && self.active(res)? {
                role_ids.insert(self.name_of(id, "RoleName")?, id.clone());
            }
        }
        let targets = |id: &str, prop: &str| -> Result<Vec<String>, ResolveError> {
            let Some(v) = self.prop(id, prop)? else {
                return Ok(Vec::new());
            };
            let Value::Array(items) = v else {
                return Ok(vec![text(&v)?]);
            };
            items.iter().map(text).collect()
        };
        for (id, (ty, res)) in &self.resources {
            if !self.active(res)? {
                continue;
            }
            match *ty {
                "AWS::IAM::Role" => {
                    let name = self.prop(id, "RoleName")?.map(|v| text(&v)).transpose()?;
                    let trust = self.document(self.prop(id, "AssumeRolePolicyDocument")?)?;
                    let mut inline = Map::new();
                    if let Some(Value::Array(ps)) = self.prop(id, "Policies")? {
                        for p in ps {
                            let n = text(p.get("PolicyName").unwrap_or(&Value::Null))?;
                            inline.insert(n, self.document(p.get("PolicyDocument").cloned())?);
                        }
                    }
                    let managed: Vec<String> = match self.prop(id, "ManagedPolicyArns")? {
                        Some(Value::Array(v)) => v.iter().map(text).collect::<Result<_, _>>()?,
                        Some(other) => return err(format!("ManagedPolicyArns: {other}")),
                        None => Vec::new(),
                    };
                    roles.insert(
                        id.clone(),
                        json!({
                            "name": name,
                            "path": self.path_of(id)?,
                            "trust": trust,
                            "inline": inline,
                            "managed": managed,
                            "instance_profile": null,
                        }),
                    );
                }
                "AWS::IAM::ManagedPolicy" => {
                    policies.insert(
                        id.clone(),
                        json!({
                            // A generated name is null, as the model's.
                            "name": self.prop(id, "ManagedPolicyName")?.map(|v| text(&v)).transpose()?,
                            "document": self.document(self.prop(id, "PolicyDocument")?)?,
                        }),
                    );
                }
                "AWS::KMS::Key" => {
                    keys.insert(id.clone(), self.document(self.prop(id, "KeyPolicy")?)?);
                }
                "AWS::IAM::OIDCProvider" => {
                    let list = |p: &str| -> Result<Vec<Value>, ResolveError> {
                        Ok(match self.prop(id, p)? {
                            Some(Value::Array(v)) => v,
                            Some(other) => return err(format!("{p}: {other}")),
                            None => Vec::new(),
                        })
                    };
                    providers.insert(
                        id.clone(),
                        json!({
                            "url": text(&self.prop(id, "Url")?.unwrap_or(Value::Null))?,
                            "client_ids": list("ClientIdList")?,
                            "thumbprints": list("ThumbprintList")?,
                        }),
                    );
                }
                _ => {}
            }
        }
        for (id, (ty, res)) in &self.resources {
            if !self.active(res)? {
                continue;
            }
            match *ty {
                "AWS::IAM::Policy" | "AWS::IAM::RolePolicy" => {
                    let name = text(&self.prop(id, "PolicyName")?.unwrap_or(Value::Null))?;
                    let doc = self.document(self.prop(id, "PolicyDocument")?)?;
                    let prop = if *ty == "AWS::IAM::Policy" {
                        "Roles"
                    } else {
                        "RoleName"
                    };
                    for r in targets(id, prop)? {
                        if let Some(Value::Object(role)) =
                            role_ids.get(&r).and_then(|rid| roles.get_mut(rid))
                        {
                            if let Some(Value::Object(inline)) = role.get_mut("inline") {
                                inline.insert(name.clone(), doc.clone());
                            }
                        }
                    }
                }
                "AWS::IAM::ManagedPolicy" => {
                    let arn = self.policy_arn(id)?;
                    for r in targets(id, "Roles")? {
                        if let Some(Value::Object(role)) =
                            role_ids.get(&r).and_then(|rid| roles.get_mut(rid))
                        {
                            if let Some(Value::Array(m)) = role.get_mut("managed") {
                                m.push(json!(arn));
                            }
                        }
                    }
                }
                "AWS::IAM::InstanceProfile" => {
                    let v = match self.prop(id, "InstanceProfileName")? {
                        Some(n) => json!(text(&n)?),
                        None => json!(true),
                    };
                    for r in targets(id, "Roles")? {
                        if let Some(Value::Object(role)) =
                            role_ids.get(&r).and_then(|rid| roles.get_mut(rid))
                        {
                            role.insert("instance_profile".into(), v.clone());
                        }
                    }
                }
                _ => {}
            }
        }
        let mut out = json!({"roles": roles, "policies": policies, "kms_keys": keys});
        // As [`Bindings::module`]: only templates with providers carry the section.
        if !providers.is_empty() {
            out["oidc_providers"] = Value::Object(providers);
        }
        Ok(out)
    }
}

fn norm(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn strings(v: &Value) -> Result<Value, ResolveError> {
    Ok(match v {
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| text(i).map(Value::String))
                .collect::<Result<_, _>>()?,
        ),
        other => Value::Array(vec![Value::String(text(other)?)]),
    })
}

/// A policy document in the resolved shape: `Statement` a list; `Action`, `Resource`,
/// principal and condition values lists of strings.
pub fn canonical_doc(v: &Value) -> Result<Value, ResolveError> {
    let Value::Object(m) = v else {
        return err(format!("a policy document is an object, found {v}"));
    };
    let mut out = Map::new();
    if let Some(x) = m.get("Version") {
        out.insert("Version".into(), json!(text(x)?));
    }
    if let Some(x) = m.get("Id") {
        out.insert("Id".into(), json!(text(x)?));
    }
    let statements = match m.get("Statement") {
        Some(Value::Array(v)) => v.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        Some(other) => return err(format!("Statement: {other}")),
        None => Vec::new(),
    };
    let mut list = Vec::new();
    for s in &statements {
        let Value::Object(s) = s else {
            return err(format!("a statement is an object, found {s}"));
        };
        let mut o = Map::new();
        for (k, x) in s {
            let y = match k.as_str() {
                "Sid" | "Effect" => json!(text(x)?),
                "Action" | "NotAction" | "Resource" | "NotResource" => strings(x)?,
                "Principal" | "NotPrincipal" => match x {
                    Value::String(s) if s == "*" => json!("*"),
                    Value::Object(p) => Value::Object(
                        p.iter()
                            .map(|(t, v)| strings(v).map(|v| (t.clone(), v)))
                            .collect::<Result<_, _>>()?,
                    ),
                    other => return err(format!("Principal: {other}")),
                },
                "Condition" => {
                    let Value::Object(ops) = x else {
                        return err(format!("Condition: {x}"));
                    };
                    let mut co = Map::new();
                    for (op, keys) in ops {
                        let Value::Object(keys) = keys else {
                            return err(format!("Condition {op}: {keys}"));
                        };
                        let mut ko = Map::new();
                        for (key, vals) in keys {
                            ko.insert(key.clone(), strings(vals)?);
                        }
                        co.insert(op.clone(), Value::Object(ko));
                    }
                    Value::Object(co)
                }
                _ => x.clone(),
            };
            o.insert(k.clone(), y);
        }
        list.push(Value::Object(o));
    }
    out.insert("Statement".into(), Value::Array(list));
    Ok(Value::Object(out))
}
