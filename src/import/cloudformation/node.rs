//! A CloudFormation template as a tree: YAML (short `!Ref`/`!Sub`/... tags or long `Fn::`
//! forms) and JSON read into one shape, intrinsic functions recognised, and locations.

use crate::import::InputError;
use crate::source::YamlPath;
use std::path::Path;
use std::rc::Rc;

/// `Fn::Sub` variables: name → value.
pub(crate) type Vars = Vec<(String, N)>;

/// A template node.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum N {
    /// `null` / `~`.
    #[default]
    Null,
    /// A boolean.
    Bool(bool),
    /// A number, as written.
    Num(String),
    /// A string.
    Str(String),
    /// A list.
    Seq(Vec<N>),
    /// A mapping in written order.
    Map(Vec<(String, N)>),
    /// An intrinsic: long name (`Ref`, `Fn::If`, `Condition`), argument, written in short form.
    Fn(String, Box<N>, bool),
    /// A string inside a JSON document given to `Fn::Sub`: `${…}` is substitution syntax, with
    /// these variables.
    Sub(String, Rc<Vars>),
}

impl N {
    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&N> {
        match self {
            N::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The intrinsic this node is: name, argument, short form.
    pub(crate) fn as_fn(&self) -> Option<(&str, &N, bool)> {
        match self {
            N::Fn(n, a, s) => Some((n, a, *s)),
            _ => None,
        }
    }

    /// Text of a plain scalar (strings, numbers, booleans).
    pub fn literal(&self) -> Option<String> {
        match self {
            N::Str(s) | N::Num(s) => Some(s.clone()),
            N::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// True if this is `!Ref AWS::NoValue`.
    pub(crate) fn is_no_value(&self) -> bool {
        matches!(self, N::Fn(n, a, _) if n == "Ref" && matches!(&**a, N::Str(s) if s == "AWS::NoValue"))
    }

    /// The node as JSON in long form (`{"Fn::FindInMap": [...]}`), e.g. to name what a
    /// parameter the import introduces takes the place of.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as V;
        match self {
            N::Null => V::Null,
            N::Bool(b) => V::Bool(*b),
            N::Num(s) => serde_json::from_str(s).unwrap_or_else(|_| V::String(s.clone())),
            N::Str(s) => V::String(s.clone()),
            N::Seq(v) => V::Array(v.iter().map(N::to_json).collect()),
            N::Map(m) => V::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            N::Fn(name, arg, _) => {
                let mut m = serde_json::Map::new();
                m.insert(name.clone(), arg.to_json());
                V::Object(m)
            }
            N::Sub(s, vars) => {
                let vars: serde_json::Map<String, V> =
                    vars.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
                let mut m = serde_json::Map::new();
                let arg = if vars.is_empty() {
                    V::String(s.clone())
                } else {
                    V::Array(vec![V::String(s.clone()), V::Object(vars)])
                };
                m.insert("Fn::Sub".into(), arg);
                V::Object(m)
            }
        }
    }

    /// What kind of node this is, for messages.
    pub fn kind(&self) -> String {
        match self {
            N::Null => "null".into(),
            N::Bool(_) => "a boolean".into(),
            N::Num(_) => "a number".into(),
            N::Str(_) | N::Sub(..) => "a string".into(),
            N::Seq(_) => "a list".into(),
            N::Map(_) => "a mapping".into(),
            N::Fn(n, _, _) => format!("`{n}`"),
        }
    }
}

/// The long name of a short-form tag: `!Ref` → `Ref`, `!If` → `Fn::If`.
fn long_name(tag: &str) -> String {
    let t = tag.trim_start_matches('!');
    match t {
        "Ref" | "Condition" => t.to_owned(),
        _ => format!("Fn::{t}"),
    }
}

fn is_fn_key(k: &str) -> bool {
    k == "Ref" || k.starts_with("Fn::")
}

/// Reads a template's text: JSON if it parses as JSON, YAML otherwise.
pub fn parse(path: &Path, text: &str) -> Result<N, InputError> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        match serde_json::from_str::<serde_json::Value>(trimmed) {
            Ok(v) => return Ok(from_json(&v, None, true)),
            Err(e) if e.is_syntax() || e.is_eof() => {
                // JSON-looking but not JSON: unless the file says it is JSON, YAML flow syntax
                // (a superset) may still read it; report the JSON error if YAML fails too.
                let json_file = path
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("json"));
                if !json_file {
                    if let Ok(n) = parse_yaml(path, text) {
                        return Ok(n);
                    }
                }
                return Err(InputError {
                    file: path.to_path_buf(),
                    line: Some((e.line(), e.column())),
                    message: format!("invalid JSON: {e}"),
                });
            }
            Err(e) => {
                return Err(InputError::new(path, format!("invalid JSON: {e}")));
            }
        }
    }
    parse_yaml(path, text)
}

fn parse_yaml(path: &Path, text: &str) -> Result<N, InputError> {
    let v: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| InputError {
        file: path.to_path_buf(),
        line: e.location().map(|l| (l.line(), l.column())),
        message: format!(
            "invalid YAML: {}",
            crate::spec::load::strip_location(&e.to_string())
        ),
    })?;
    from_yaml(&v).map_err(|m| InputError::new(path, m))
}

fn key_text(k: &serde_yaml_ng::Value) -> Result<String, String> {
    use serde_yaml_ng::Value as V;
    match k {
        V::String(s) => Ok(s.clone()),
        V::Number(n) => Ok(n.to_string()),
        V::Bool(b) => Ok(b.to_string()),
        V::Null => Ok("null".into()),
        _ => Err("a mapping key is not a scalar".into()),
    }
}

/// A serde_yaml_ng value as a node (tags become intrinsics).
fn from_yaml(v: &serde_yaml_ng::Value) -> Result<N, String> {
    use serde_yaml_ng::Value as V;
    Ok(match v {
        V::Null => N::Null,
        V::Bool(b) => N::Bool(*b),
        V::Number(n) => N::Num(n.to_string()),
        V::String(s) => N::Str(s.clone()),
        V::Sequence(items) => N::Seq(items.iter().map(from_yaml).collect::<Result<_, _>>()?),
        V::Mapping(m) => {
            let mut out = Vec::with_capacity(m.len());
            for (k, v) in m {
                out.push((key_text(k)?, from_yaml(v)?));
            }
            if out.len() == 1 && is_fn_key(&out[0].0) {
                let (k, v) = out.remove(0);
                N::Fn(k, Box::new(v), false)
            } else {
                N::Map(out)
            }
        }
        V::Tagged(t) => {
            let name = long_name(&t.tag.to_string());
            let arg = from_yaml(&t.value)?;
            let arg = if name == "Fn::GetAtt" {
                // `!GetAtt Res.Attr` is a string; the long form a list.
                match arg {
                    N::Str(s) => match s.split_once('.') {
                        Some((r, a)) => N::Seq(vec![N::Str(r.into()), N::Str(a.into())]),
                        None => N::Str(s),
                    },
                    other => other,
                }
            } else {
                arg
            };
            N::Fn(name, Box::new(arg), true)
        }
    })
}

/// A serde_json value as a node; with `sub`, strings are `Fn::Sub` strings; `intrinsics`
/// reads one-key `Ref`/`Fn::` mappings as intrinsics (a template, not a policy document).
pub(crate) fn from_json(v: &serde_json::Value, sub: Option<&Rc<Vars>>, intrinsics: bool) -> N {
    use serde_json::Value as V;
    match v {
        V::Null => N::Null,
        V::Bool(b) => N::Bool(*b),
        V::Number(n) => N::Num(n.to_string()),
        V::String(s) => match sub {
            Some(vars) => N::Sub(s.clone(), vars.clone()),
            None => N::Str(s.clone()),
        },
        V::Array(items) => N::Seq(
            items
                .iter()
                .map(|i| from_json(i, sub, intrinsics))
                .collect(),
        ),
        V::Object(m) => {
            let out: Vec<(String, N)> = m
                .iter()
                .map(|(k, v)| (k.clone(), from_json(v, sub, intrinsics)))
                .collect();
            if out.len() == 1 && is_fn_key(&out[0].0) && intrinsics {
                let (k, v) = out.into_iter().next().unwrap_or_default();
                if k == "Fn::GetAtt" {
                    if let N::Str(s) = &v {
                        if let Some((r, a)) = s.split_once('.') {
                            return N::Fn(
                                k,
                                Box::new(N::Seq(vec![N::Str(r.into()), N::Str(a.into())])),
                                false,
                            );
                        }
                    }
                }
                N::Fn(k, Box::new(v), false)
            } else {
                N::Map(out)
            }
        }
    }
}

/// One step of a [`Loc`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A mapping key.
    Key(String),
    /// A list index.
    Index(usize),
}

fn show(segs: &[Seg]) -> String {
    let mut s = String::new();
    for (i, seg) in segs.iter().enumerate() {
        match seg {
            Seg::Key(k) if i == 0 => s.push_str(k),
            Seg::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Seg::Index(n) => s.push_str(&format!("[{n}]")),
        }
    }
    s
}

/// Where a node is: its path in the file as written, and inside a JSON string document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Loc {
    /// Path in the YAML/JSON file.
    pub segs: Vec<Seg>,
    /// Path inside a policy document given as a JSON string (`Statement[0].Resource`).
    pub json: Option<String>,
}

impl Loc {
    /// The root.
    pub fn root() -> Loc {
        Loc::default()
    }
    /// A child by key.
    pub fn key(&self, k: &str) -> Loc {
        let mut l = self.clone();
        match &mut l.json {
            Some(j) => {
                if !j.is_empty() {
                    j.push('.');
                }
                j.push_str(k);
            }
            None => l.segs.push(Seg::Key(k.to_owned())),
        }
        l
    }
    /// A child by index.
    pub fn index(&self, i: usize) -> Loc {
        let mut l = self.clone();
        match &mut l.json {
            Some(j) => j.push_str(&format!("[{i}]")),
            None => l.segs.push(Seg::Index(i)),
        }
        l
    }
    /// The argument of an intrinsic written at this location.
    pub fn arg(&self, name: &str, short: bool) -> Loc {
        if short {
            self.clone()
        } else {
            self.key(name)
        }
    }
    /// Inside the JSON document held by the string at this location.
    pub fn json(&self) -> Loc {
        let mut l = self.clone();
        if l.json.is_none() {
            l.json = Some(String::new());
        }
        l
    }
    /// The path in the file, for source positions.
    pub fn yaml(&self) -> YamlPath {
        let mut p = YamlPath::root();
        for s in &self.segs {
            p = match s {
                Seg::Key(k) => p.key(k),
                Seg::Index(i) => p.index(*i),
            };
        }
        p
    }
    /// `TaskRole: Properties.Policies[0].PolicyDocument (JSON) Statement[1]`.
    pub fn display(&self) -> String {
        let mut s = match self.segs.as_slice() {
            [Seg::Key(r), Seg::Key(id), rest @ ..] if r == "Resources" => {
                let rest = show(rest);
                if rest.is_empty() {
                    id.clone()
                } else {
                    format!("{id}: {rest}")
                }
            }
            segs => show(segs),
        };
        if let Some(j) = &self.json {
            s.push_str(" (JSON)");
            if !j.is_empty() {
                s.push(' ');
                s.push_str(j);
            }
        }
        s
    }
}
