//! `rolegen import --from cloudformation`: the IAM resources of a template (roles, managed and
//! inline policies, instance profiles, KMS key policies) as a spec.
//!
//! Intrinsics are evaluated symbolically: `!Ref`/`!Sub` of parameters and pseudo parameters
//! become `${Name}` placeholders; conditions that test a bool parameter become `when:`;
//! `Fn::If` in a list (statements, attachments, inline policies) switches the item, and inside
//! a statement or a whole document it is lifted to switched statements. Whatever has no spec
//! spelling is reported as an [`Issue`] with its location.

pub mod node;

use super::narrow::{self, El, Settled};
use super::yaml::Y;
use super::{read_input, spec_string, Budget, Imported, InputError, Issue, Keys, Level};
use crate::model::{ParamKind, ParamName, Part, Pseudo, Template};
use crate::spec::source::SourceFile;
use indexmap::IndexMap;
use node::{Loc, Vars, N};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;

/// A `when:` switch: a bool parameter, possibly negated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sw {
    /// The bool parameter.
    pub param: String,
    /// `not Param`.
    pub neg: bool,
}

impl Sw {
    fn not(&self) -> Sw {
        Sw {
            param: self.param.clone(),
            neg: !self.neg,
        }
    }
    pub(crate) fn text(&self) -> String {
        if self.neg {
            format!("not {}", self.param)
        } else {
            self.param.clone()
        }
    }
    fn parse(s: &str) -> Sw {
        match s.strip_prefix("not ") {
            Some(p) => Sw {
                param: p.trim().to_owned(),
                neg: true,
            },
            None => Sw {
                param: s.trim().to_owned(),
                neg: false,
            },
        }
    }
}

/// `when` of an item nested under an outer switch: `Ok(None)` if the item can never be on,
/// `Err` if it needs two different switches at once.
fn combine(outer: &Option<Sw>, inner: &Sw) -> Result<Option<Option<Sw>>, ()> {
    match outer {
        None => Ok(Some(Some(inner.clone()))),
        Some(o) if o == inner => Ok(Some(Some(inner.clone()))),
        Some(o) if o.param == inner.param => Ok(None),
        Some(_) => Err(()),
    }
}

/// A condition as a switch: `Ok(None)` always on, `Err` not expressible (reported).
type Switch = Result<Option<Sw>, ()>;

/// An item behind `Fn::If`s: its switch, whether it is also under a switch the spec cannot
/// express, the node and where it is.
type Variant<'n> = (Option<Sw>, bool, &'n N, Loc);

/// Most conditions one item's `Fn::If`s may name when they cannot be one switch: every
/// combination of them is imported (a Deny in each), 2^this at most.
const MAX_ITEM_CONDITIONS: usize = 10;

fn when_of(y: &Y) -> Option<Sw> {
    y.get("when").and_then(Y::as_str).map(Sw::parse)
}

pub(crate) fn with_when(mut y: Y, w: &Option<Sw>) -> Y {
    y.remove("when");
    if let Some(w) = w {
        y.set("when", Y::s(w.text()));
    }
    y
}

/// A policy document being imported.
#[derive(Debug, Clone)]
struct Doc {
    version: Option<String>,
    id: Option<String>,
    statements: Vec<Y>,
}

impl Doc {
    fn to_y(&self) -> Y {
        let mut m = Vec::new();
        if let Some(v) = &self.version {
            m.push(("Version".to_owned(), Y::s(v)));
        }
        if let Some(i) = &self.id {
            m.push(("Id".to_owned(), Y::s(i)));
        }
        m.push(("Statement".to_owned(), Y::Seq(self.statements.clone())));
        Y::Map(m)
    }
}

#[derive(Debug, Default)]
struct RoleOut {
    key: String,
    props: Vec<(String, Y)>,
    when: Option<Sw>,
    fixed_name: Option<Template>,
    profile: Option<Y>,
    trust: Vec<(String, Y)>,
    managed: Vec<(Y, Loc)>,
    inline: Vec<(String, Y)>,
    /// Why the role is not imported at all: importing it without what it lost would grant
    /// more (a permissions boundary, a Deny, its own switch).
    refused: Option<String>,
}

#[derive(Debug)]
struct KeyOut {
    key: String,
    entries: Vec<(String, Y)>,
    when: Option<Sw>,
    alias: Option<String>,
}

/// Imports a template file.
pub fn import(path: &Path, module: &str) -> Result<Imported, InputError> {
    let text = read_input(path)?;
    let root = node::parse(path, &text)?;
    if !matches!(root, N::Map(_)) {
        return Err(InputError::new(
            path,
            "not a CloudFormation template: the top level is not a mapping",
        ));
    }
    match root.get("Resources") {
        Some(N::Map(_)) => {}
        Some(_) => {
            return Err(InputError::new(
                path,
                "not a CloudFormation template: `Resources` is not a mapping",
            ))
        }
        None => {
            return Err(InputError::new(
                path,
                "not a CloudFormation template: no `Resources`",
            ))
        }
    }
    let file = SourceFile::new(path, text);
    let mut cx = Cx::new(&file, &root);
    let imported = cx.run(module);
    cx.budget.check(path)?;
    Ok(imported)
}

/// Imports template text (for tests and callers that hold the text).
pub fn import_text(path: &Path, text: &str, module: &str) -> Result<Imported, InputError> {
    let root = node::parse(path, text)?;
    if root.get("Resources").is_none() {
        return Err(InputError::new(
            path,
            "not a CloudFormation template: no `Resources`",
        ));
    }
    let file = SourceFile::new(path, text.to_owned());
    let mut cx = Cx::new(&file, &root);
    let imported = cx.run(module);
    cx.budget.check(path)?;
    Ok(imported)
}

struct Cx<'a> {
    file: &'a SourceFile,
    root: &'a N,
    kinds: HashMap<String, ParamKind>,
    params_y: Vec<(String, Y)>,
    synth: Vec<(String, Y)>,
    synth_by_what: HashMap<String, String>,
    introduced: IndexMap<String, serde_json::Value>,
    /// Each condition as the conjunction of switches it is (`Fn::And` of equalities).
    conditions: HashMap<String, Result<Vec<Sw>, String>>,
    resources: IndexMap<String, (String, &'a N)>,
    cache: HashMap<(String, String), Option<Template>>,
    in_progress: HashSet<(String, String)>,
    keys: Keys,
    issues: Vec<Issue>,
    key_vars: Option<Rc<Vars>>,
    roles: IndexMap<String, RoleOut>,
    policies: IndexMap<String, (String, Y, Option<Sw>)>,
    kms: IndexMap<String, KeyOut>,
    /// Error issues that lost part of the input (not those carried as a new parameter):
    /// an element whose count grows while it is read is not carried whole.
    lossy: usize,
    /// Managed policies (spec keys) that lost what may be a Deny: the roles attaching them
    /// are refused.
    poisoned: HashMap<String, String>,
    budget: Budget,
}

fn res_loc(id: &str) -> Loc {
    Loc::root().key("Resources").key(id)
}

fn alnum(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect()
}

fn param_t(name: &str) -> Template {
    Template {
        parts: vec![Part::Param(ParamName(name.to_owned()))],
    }
}

fn pseudo_t(p: Pseudo) -> Template {
    Template {
        parts: vec![Part::Pseudo(p)],
    }
}

/// `arn:${AWS::Partition}:iam::${AWS::AccountId}:<kind><path><name>`.
fn iam_arn(kind: &str, path: &Option<Template>, name: &Template) -> Template {
    let mut t = Template::lit("arn:");
    t.push(Part::Pseudo(Pseudo::Partition));
    t.push(Part::Lit(":iam::".into()));
    t.push(Part::Pseudo(Pseudo::AccountId));
    t.push(Part::Lit(format!(":{kind}")));
    match path {
        Some(p) => t.extend(p),
        None => t.push(Part::Lit("/".into())),
    }
    t.extend(name);
    t
}

/// JSON string escaping as inside a JSON document (for matching `Fn::Join` delimiters).
fn json_escape(s: &str) -> String {
    let q = serde_json::to_string(s).unwrap_or_default();
    q[1..q.len().saturating_sub(1)].to_owned()
}

fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl<'a> Cx<'a> {
    fn new(file: &'a SourceFile, root: &'a N) -> Self {
        Cx {
            file,
            root,
            kinds: HashMap::new(),
            params_y: Vec::new(),
            synth: Vec::new(),
            synth_by_what: HashMap::new(),
            introduced: IndexMap::new(),
            conditions: HashMap::new(),
            resources: IndexMap::new(),
            cache: HashMap::new(),
            in_progress: HashSet::new(),
            keys: Keys::default(),
            issues: Vec::new(),
            key_vars: None,
            roles: IndexMap::new(),
            policies: IndexMap::new(),
            kms: IndexMap::new(),
            lossy: 0,
            poisoned: HashMap::new(),
            budget: Budget::new(),
        }
    }

    fn push(&mut self, level: Level, loc: &Loc, msg: String) {
        let r = self.file.locate_key(&loc.yaml());
        let issue = Issue {
            level,
            file: self.file.path.clone(),
            line: Some((r.span.line, r.span.column)),
            at: loc.display(),
            message: msg,
        };
        if !self.issues.contains(&issue) {
            self.issues.push(issue);
        }
    }

    /// Something of the input the spec does not carry (the import is partial).
    fn issue(&mut self, loc: &Loc, msg: impl Into<String>) {
        self.lossy += 1;
        self.push(Level::Error, loc, msg.into());
    }

    /// An error that does not lose anything more: what was done instead, soundly (a value
    /// taken as a new parameter, a statement left out or kept denying more).
    fn report(&mut self, loc: &Loc, msg: impl Into<String>) {
        self.push(Level::Error, loc, msg.into());
    }

    /// Runs `f`; true if it reported a loss.
    fn lost<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> (Option<T>, bool) {
        let before = self.lossy;
        let v = f(self);
        let lost = v.is_none() || self.lossy > before;
        (v, lost)
    }

    /// Marks role `id` as not imported, with why.
    fn refuse_role(&mut self, id: &str, why: String) {
        if let Some(r) = self.roles.get_mut(id) {
            r.refused.get_or_insert(why);
        }
    }

    fn note(&mut self, loc: &Loc, msg: impl Into<String>) {
        self.push(Level::Note, loc, msg.into());
    }

    fn run(&mut self, module: &str) -> Imported {
        let root = self.root;
        let N::Map(top) = root else {
            return self.finish(module, None);
        };
        for (k, v) in top {
            let loc = Loc::root().key(k);
            match k.as_str() {
                "AWSTemplateFormatVersion" | "Description" | "Parameters" | "Conditions"
                | "Resources" | "Mappings" => {}
                "Outputs" => self.note(
                    &loc,
                    "Outputs are not imported: rolegen writes an ARN and a name output per role",
                ),
                "Metadata" => {
                    if !matches!(v, N::Map(m) if m.iter().all(|(k, _)| k == "AWS::CloudFormation::Interface"))
                    {
                        self.note(&loc, "template Metadata other than the console's parameter groups and labels is not imported");
                    }
                }
                "Transform" => self.issue(
                    &loc,
                    format!(
                        "the template uses a Transform ({}); macros are not expanded, resources they would create are not imported",
                        v.literal().unwrap_or_else(|| "several".into())
                    ),
                ),
                "Rules" => self.issue(
                    &loc,
                    "template Rules (parameter assertions) cannot be expressed in a spec",
                ),
                other => self.issue(&loc, format!("unknown template section `{other}`")),
            }
        }
        self.parameters();
        if let Some(N::Map(rs)) = root.get("Resources") {
            for (id, r) in rs {
                let ty = r.get("Type").and_then(N::literal).unwrap_or_default();
                self.resources.insert(id.clone(), (ty, r));
            }
        }
        self.conditions();
        let description = root.get("Description").and_then(N::literal);
        // Keys in template order of roles, policies and keys.
        let ids: Vec<(String, String)> = self
            .resources
            .iter()
            .map(|(id, (ty, _))| (id.clone(), ty.clone()))
            .collect();
        for (id, ty) in &ids {
            if matches!(
                ty.as_str(),
                "AWS::IAM::Role" | "AWS::IAM::ManagedPolicy" | "AWS::KMS::Key"
            ) {
                self.keys.assign(id);
            }
        }
        for (id, ty) in &ids {
            match ty.as_str() {
                "AWS::IAM::ManagedPolicy" => self.managed_policy(id),
                "AWS::KMS::Key" => self.kms_key(id),
                "AWS::IAM::Role" => self.role(id),
                _ => {}
            }
        }
        for (id, ty) in &ids {
            let loc = res_loc(id);
            match ty.as_str() {
                "AWS::IAM::Role" | "AWS::IAM::ManagedPolicy" | "AWS::KMS::Key" => {}
                "AWS::IAM::Policy" => self.policy(id),
                "AWS::IAM::RolePolicy" => self.role_policy(id),
                "AWS::IAM::InstanceProfile" => self.instance_profile(id),
                "AWS::KMS::Alias" => self.kms_alias(id),
                "" => self.issue(&loc.key("Type"), "the resource has no Type"),
                other => self.issue(
                    &loc.key("Type"),
                    format!("{other} is not imported: a spec holds IAM roles, policies, instance profiles and KMS keys"),
                ),
            }
        }
        let managed_roles: Vec<String> = ids
            .iter()
            .filter(|(_, t)| t == "AWS::IAM::ManagedPolicy")
            .map(|(i, _)| i.clone())
            .collect();
        for id in managed_roles {
            self.managed_policy_roles(&id);
        }
        self.finish(module, description)
    }

    fn finish(&mut self, module: &str, description: Option<String>) -> Imported {
        let mut top: Vec<(String, Y)> = vec![("module".into(), Y::s(module))];
        if let Some(d) = description {
            top.push(("description".into(), Y::s(d)));
        }
        let mut params = self.params_y.clone();
        params.extend(self.synth.iter().cloned());
        let mut kept = IndexMap::new();
        for (id, mut r) in std::mem::take(&mut self.roles) {
            for (y, _) in &r.managed {
                if let Some(why) = y
                    .get("policy")
                    .and_then(Y::as_str)
                    .and_then(|k| self.poisoned.get(k))
                {
                    r.refused.get_or_insert_with(|| why.clone());
                }
            }
            match &r.refused {
                Some(why) => self.report(
                    &res_loc(&id),
                    format!("the role is not imported: {why}; importing it without that would grant more"),
                ),
                None => {
                    kept.insert(id, r);
                }
            }
        }
        let roles = kept
            .into_values()
            .map(|r| {
                let managed = r.managed.into_iter().map(|(y, _)| y).collect();
                let e = role_entry(
                    r.props,
                    r.when.as_ref(),
                    r.profile,
                    r.trust,
                    managed,
                    r.inline,
                );
                (r.key, e)
            })
            .collect();
        let policies = self
            .policies
            .values()
            .map(|(k, y, _)| (k.clone(), y.clone()))
            .collect();
        let keys = std::mem::take(&mut self.kms)
            .into_values()
            .map(|k| (k.key, key_entry(k.entries, k.alias, k.when.as_ref())))
            .collect();
        let tree = spec_tree(top, params, roles, policies, keys);
        let header = vec![format!(
            "Imported by `rolegen import --from cloudformation` from {}.",
            self.file.path.display()
        )];
        let spec = super::yaml::spec_text(&tree, &header);
        let mut issues = std::mem::take(&mut self.issues);
        issues.sort_by_key(|i| i.line);
        Imported {
            spec,
            tree,
            issues,
            keys: std::mem::take(&mut self.keys.map),
            introduced: std::mem::take(&mut self.introduced),
        }
    }

    // ---------------------------------------------------------------- parameters

    fn parameters(&mut self) {
        let root = self.root;
        let ps = match root.get("Parameters") {
            None => return,
            Some(N::Map(ps)) => ps,
            Some(_) => {
                self.issue(
                    &Loc::root().key("Parameters"),
                    "`Parameters` is not a mapping",
                );
                return;
            }
        };
        let console = interface(root);
        for (name, p) in ps {
            let loc = Loc::root().key("Parameters").key(name);
            if name == crate::emit::cloudformation::EXPORT_PREFIX {
                self.note(&loc, format!("`{name}` is read as the stack's export-name prefix, which every rolegen stack has; it is not a spec parameter"));
                continue;
            }
            let N::Map(entries) = p else {
                self.issue(&loc, "a parameter is a mapping with a `Type`");
                continue;
            };
            let ty = p.get("Type").and_then(N::literal).unwrap_or_default();
            let allowed: Option<Vec<String>> = match p.get("AllowedValues") {
                Some(N::Seq(v)) => v.iter().map(N::literal).collect(),
                _ => None,
            };
            let is_bool = ty == "String"
                && allowed.as_ref().is_some_and(|a| {
                    let mut a = a.clone();
                    a.sort();
                    a == ["false", "true"]
                });
            let kind = match ty.as_str() {
                "String" if is_bool => ParamKind::Bool,
                "String" => ParamKind::String,
                "Number" => ParamKind::Number,
                "CommaDelimitedList" => ParamKind::List,
                t if t.starts_with("List<") => ParamKind::List,
                t if t.starts_with("AWS::SSM::Parameter::Value<") => {
                    self.issue(&loc.key("Type"), format!("`{t}` reads its value from SSM Parameter Store at deploy time; the spec takes the value itself"));
                    if t.contains("List<") || t.ends_with("CommaDelimitedList>") {
                        ParamKind::List
                    } else {
                        ParamKind::String
                    }
                }
                t if t.starts_with("AWS::") => {
                    self.note(&loc.key("Type"), format!("`{t}` is read as a string: the spec does not check that the resource exists"));
                    ParamKind::String
                }
                "" => {
                    self.issue(&loc, "the parameter has no Type; read as a string");
                    ParamKind::String
                }
                t => {
                    self.issue(
                        &loc.key("Type"),
                        format!("unknown parameter type `{t}`; read as a string"),
                    );
                    ParamKind::String
                }
            };
            self.kinds.insert(name.clone(), kind);
            let mut e: Vec<(String, Y)> = vec![("type".into(), Y::s(kind.as_str()))];
            if let Some(d) = p.get("Default") {
                if let Some(y) = self.param_default(kind, d, &loc.key("Default")) {
                    e.push(("default".into(), y));
                }
            }
            if let Some(d) = p.get("Description").and_then(N::literal) {
                e.push(("description".into(), Y::s(d)));
            }
            let mut pattern = p.get("AllowedPattern").and_then(N::literal);
            if let (Some(vals), false) = (&allowed, is_bool) {
                if pattern.is_none() && kind != ParamKind::Number && kind != ParamKind::Bool {
                    pattern = Some(
                        vals.iter()
                            .map(|v| regex_escape(v))
                            .collect::<Vec<_>>()
                            .join("|"),
                    );
                } else {
                    self.issue(
                        &loc.key("AllowedValues"),
                        "AllowedValues cannot be carried (the spec has one `pattern` per parameter, strings only)",
                    );
                }
            }
            let lengths_fit = kind == ParamKind::String
                && pattern
                    .as_deref()
                    .is_some_and(crate::lower::pattern::printable_ascii_only);
            if let Some(pat) = pattern {
                if kind == ParamKind::Number || kind == ParamKind::Bool {
                    self.issue(
                        &loc.key("AllowedPattern"),
                        "a pattern on a number parameter cannot be expressed",
                    );
                } else {
                    if let Err(problem) = crate::lower::pattern::check(&pat) {
                        self.issue(
                            &loc.key("AllowedPattern"),
                            format!("RG012: `{pat}`: {}; {}", problem.message, problem.help),
                        );
                    }
                    e.push(("pattern".into(), Y::s(pat)));
                }
            }
            for (cfn, key) in [("MinLength", "min_length"), ("MaxLength", "max_length")] {
                let Some(v) = p.get(cfn) else { continue };
                match (lengths_fit, N::literal(v).and_then(|n| n.parse::<u32>().ok())) {
                    (true, Some(n)) => e.push((key.into(), Y::Num(n.to_string()))),
                    _ => self.issue(
                        &loc.key(cfn),
                        format!("`{cfn}` cannot be expressed here: a spec carries it as a whole number on a String parameter whose AllowedPattern admits printable ASCII only (RG013; Terraform's length() counts grapheme clusters)"),
                    ),
                }
            }
            if let Some(label) = console.labels.get(name.as_str()) {
                e.push(("label".into(), Y::s(label)));
            }
            if let Some(group) = console.groups.get(name.as_str()) {
                e.push(("group".into(), Y::s(group)));
            }
            for (k, _) in entries {
                match k.as_str() {
                    "Type" | "Default" | "Description" | "AllowedPattern" | "AllowedValues"
                    | "MinLength" | "MaxLength" => {}
                    "ConstraintDescription" | "NoEcho" => self.note(
                        &loc.key(k),
                        format!("`{k}` is not carried (no effect on what the roles grant)"),
                    ),
                    "MinValue" | "MaxValue" => self.issue(
                        &loc.key(k),
                        format!(
                            "`{k}` cannot be expressed (a spec parameter has `pattern`, `min_length` and `max_length`)"
                        ),
                    ),
                    other => self.issue(
                        &loc.key(other),
                        format!("unknown parameter property `{other}`"),
                    ),
                }
            }
            self.params_y.push((name.clone(), Y::Map(e)));
        }
    }

    fn param_default(&mut self, kind: ParamKind, d: &N, loc: &Loc) -> Option<Y> {
        match (kind, d) {
            (ParamKind::List, N::Seq(items)) => {
                let v: Option<Vec<String>> = items.iter().map(N::literal).collect();
                match v {
                    Some(v) => Some(Y::Seq(v.into_iter().map(Y::Str).collect())),
                    None => {
                        self.issue(loc, "the default is not a list of strings");
                        None
                    }
                }
            }
            (_, d) => {
                let Some(text) = d.literal() else {
                    self.issue(loc, format!("the default is {}, not a value", d.kind()));
                    return None;
                };
                match kind {
                    ParamKind::Bool => Some(Y::Bool(text == "true")),
                    ParamKind::Number => {
                        if text.trim().parse::<f64>().is_ok() {
                            Some(Y::Num(text.trim().to_owned()))
                        } else {
                            self.issue(loc, format!("`{text}` is not a number"));
                            None
                        }
                    }
                    ParamKind::List => Some(Y::Seq(
                        text.split(',').map(|s| Y::s(s.to_owned())).collect(),
                    )),
                    ParamKind::String => Some(Y::Str(text)),
                }
            }
        }
    }

    // ---------------------------------------------------------------- conditions

    fn conditions(&mut self) {
        let root = self.root;
        let Some(N::Map(cs)) = root.get("Conditions") else {
            return;
        };
        for (name, c) in cs {
            let r = self.condition_of(c, 0);
            self.conditions.insert(name.clone(), r);
        }
    }

    /// A condition as a conjunction of switches: one for an equality (or its `Fn::Not`),
    /// several for an `Fn::And` of them.
    fn condition_of(&self, n: &N, depth: usize) -> Result<Vec<Sw>, String> {
        if depth > 32 {
            return Err("conditions refer to each other in a cycle".into());
        }
        let named = |c: &str| -> Result<Vec<Sw>, String> {
            match self.root.get("Conditions").and_then(|cs| cs.get(c)) {
                Some(x) => self.condition_of(x, depth + 1),
                None => Err(format!("there is no condition `{c}`")),
            }
        };
        if let N::Map(m) = n {
            if let [(k, N::Str(c))] = m.as_slice() {
                if k == "Condition" {
                    return named(c);
                }
            }
        }
        let Some((name, arg, _)) = n.as_fn() else {
            return Err("it is not an intrinsic condition function".into());
        };
        match name {
            "Condition" => match arg.literal() {
                Some(c) => named(&c),
                None => Err("`Condition` names another condition".into()),
            },
            "Fn::Not" => {
                let x = match arg {
                    N::Seq(v) if v.len() == 1 => &v[0],
                    other => other,
                };
                match self.condition_of(x, depth + 1)?.as_slice() {
                    [one] => Ok(vec![one.clone().not()]),
                    _ => Err("`Fn::Not` of several conditions is an `or`; a rolegen `when:` is a conjunction of switches".into()),
                }
            }
            "Fn::Equals" => {
                let N::Seq(v) = arg else {
                    return Err("`Fn::Equals` takes two values".into());
                };
                let [a, b] = v.as_slice() else {
                    return Err("`Fn::Equals` takes two values".into());
                };
                let (r, val) = match (a.as_fn(), b.as_fn()) {
                    (Some(("Ref", p, _)), _) => (p, b),
                    (_, Some(("Ref", p, _))) => (p, a),
                    _ => return Err("it compares values other than a parameter".into()),
                };
                let p = r.literal().unwrap_or_default();
                match self.kinds.get(&p) {
                    Some(ParamKind::Bool) => {}
                    Some(_) => {
                        return Err(format!(
                        "`{p}` is not a bool parameter (a String with AllowedValues [true, false])"
                    ))
                    }
                    None => return Err(format!("it tests `{p}`, which is not a parameter")),
                }
                match val.literal().as_deref() {
                    Some("true") => Ok(vec![Sw {
                        param: p,
                        neg: false,
                    }]),
                    Some("false") => Ok(vec![Sw {
                        param: p,
                        neg: true,
                    }]),
                    _ => Err(format!(
                        "it compares `{p}` with something other than \"true\" or \"false\""
                    )),
                }
            }
            "Fn::And" => {
                let N::Seq(v) = arg else {
                    return Err("`Fn::And` takes a list of conditions".into());
                };
                let mut all: Vec<Sw> = Vec::new();
                for c in v {
                    for sw in self.condition_of(c, depth + 1)? {
                        if !all.contains(&sw) {
                            all.push(sw);
                        }
                    }
                }
                Ok(all)
            }
            "Fn::Or" => {
                Err("`Fn::Or` combines conditions; a rolegen `when:` is one bool parameter".into())
            }
            other => Err(format!("`{other}` is not a condition function")),
        }
    }

    /// The switch of a named condition: `Ok(None)` when always on, `Err` (reported at `loc`)
    /// when the spec cannot express it — never "as if it were true": the caller leaves out
    /// what it switches on, or keeps what it switches off only where that narrows.
    fn switch_named(&mut self, name: &str, loc: &Loc) -> Result<Option<Sw>, ()> {
        self.switch_named_under(name, None, loc)
    }

    /// The switch of a named condition on something of a role switched by `parent`: the
    /// role's own switch is dropped from the conjunction (`Fn::And [RoleOn, PolicyOn]` on a
    /// role's policy is the policy's `when: PolicyOn`).
    fn switch_named_under(
        &mut self,
        name: &str,
        parent: Option<&Sw>,
        loc: &Loc,
    ) -> Result<Option<Sw>, ()> {
        match self.conditions.get(name).cloned() {
            Some(Ok(mut conj)) => {
                conj.retain(|s| Some(s) != parent);
                match conj.as_slice() {
                    [] => Ok(None),
                    [one] => Ok(Some(one.clone())),
                    _ => {
                        self.issue(loc, format!("condition `{name}` combines several switches; a spec item has one `when:` (beside its role's)"));
                        Err(())
                    }
                }
            }
            Some(Err(why)) => {
                self.issue(
                    loc,
                    format!("condition `{name}` cannot be a `when:` ({why})"),
                );
                Err(())
            }
            None => {
                self.issue(loc, format!("there is no condition `{name}`"));
                Err(())
            }
        }
    }

    fn resource_when(&mut self, id: &str) -> Result<Option<Sw>, ()> {
        self.resource_when_under(id, None)
    }

    /// The switch of a resource that belongs to a role switched by `parent` (see
    /// [`Self::switch_named_under`]).
    fn resource_when_under(&mut self, id: &str, parent: Option<&Sw>) -> Result<Option<Sw>, ()> {
        let Some((_, r)) = self.resources.get(id) else {
            return Ok(None);
        };
        let Some(c) = r.get("Condition") else {
            return Ok(None);
        };
        let loc = res_loc(id).key("Condition");
        match c.literal() {
            Some(name) => self.switch_named_under(&name, parent, &loc),
            None => {
                self.issue(&loc, "`Condition` names a condition");
                Err(())
            }
        }
    }

    // ---------------------------------------------------------------- values

    fn synth(&mut self, hint: &str, what: String, loc: &Loc) -> Option<Template> {
        self.synth_param(hint, what, None, ParamKind::String, None, loc)
    }

    /// A value chosen at deploy time (`n`), as a new parameter of `kind`: one per distinct
    /// expression, its default the value at the template's parameter defaults where that
    /// needs nothing known only at deploy time.
    fn synth_value(&mut self, hint: &str, n: &N, kind: ParamKind, loc: &Loc) -> Option<Template> {
        let text = n.to_json().to_string();
        let shown = if text.chars().count() > 120 {
            format!("{}…", text.chars().take(120).collect::<String>())
        } else {
            text
        };
        let default = self.at_defaults(n, 0).and_then(|v| match (kind, v) {
            (ParamKind::List, N::Seq(items)) => items
                .iter()
                .map(|i| i.literal().map(Y::Str))
                .collect::<Option<Vec<_>>>()
                .map(Y::Seq),
            (ParamKind::String, v) => v.literal().map(Y::Str),
            _ => None,
        });
        self.synth_param(hint, format!("`{shown}`"), Some(n), kind, default, loc)
    }

    fn synth_param(
        &mut self,
        hint: &str,
        what: String,
        source: Option<&N>,
        kind: ParamKind,
        default: Option<Y>,
        loc: &Loc,
    ) -> Option<Template> {
        // Distinct expressions are distinct parameters: the key is the whole expression.
        let key = match source {
            Some(n) => n.to_json().to_string(),
            None => what.clone(),
        };
        let name = match self.synth_by_what.get(&key) {
            Some(n) => n.clone(),
            None => {
                let mut base = alnum(&crate::model::names::pascal(hint));
                if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    base.insert(0, 'P');
                }
                let mut name = base.clone();
                let mut n = 2;
                while self.kinds.contains_key(&name) {
                    name = format!("{base}{n}");
                    n += 1;
                }
                self.kinds.insert(name.clone(), kind);
                let mut e = vec![("type".to_owned(), Y::s(kind.as_str()))];
                if let Some(d) = &default {
                    e.push(("default".into(), d.clone()));
                }
                e.push((
                    "description".into(),
                    Y::s(format!(
                        "Takes the place of {what}, which a spec cannot express."
                    )),
                ));
                self.synth.push((name.clone(), Y::Map(e)));
                self.synth_by_what.insert(key, name.clone());
                let src = match source {
                    Some(n) => n.to_json(),
                    None => serde_json::Value::String(what.clone()),
                };
                self.introduced.insert(name.clone(), src);
                name
            }
        };
        let with = if default.is_some() {
            "with the template's value at its parameter defaults as the default"
        } else {
            "without a default: give it the value the template would have had"
        };
        // Not a loss: the value is carried, as a parameter (reported, not lossy).
        self.report(
            loc,
            format!("{what} cannot be expressed; the spec takes it as the new parameter `{name}` ({with})"),
        );
        Some(param_t(&name))
    }

    /// The value of `n` with every parameter at its default, when it needs nothing known
    /// only at deploy time (pseudo parameters, other stacks' exports, resource attributes).
    fn at_defaults(&self, n: &N, depth: usize) -> Option<N> {
        if depth > 32 || !self.budget.tick() {
            return None;
        }
        let args = |a: &N| -> Option<Vec<N>> {
            match a {
                N::Seq(v) => v.iter().map(|x| self.at_defaults(x, depth + 1)).collect(),
                _ => None,
            }
        };
        match n {
            N::Str(_) | N::Num(_) | N::Bool(_) => Some(n.clone()),
            N::Seq(v) => v
                .iter()
                .map(|x| self.at_defaults(x, depth + 1))
                .collect::<Option<Vec<_>>>()
                .map(N::Seq),
            N::Fn(f, arg, _) => match f.as_str() {
                "Ref" => {
                    let p = arg.literal()?;
                    let decl = self.root.get("Parameters")?.get(&p)?;
                    let d = decl.get("Default")?;
                    match (self.kinds.get(&p)?, d) {
                        (ParamKind::List, N::Seq(_)) => Some(d.clone()),
                        (ParamKind::List, d) => Some(N::Seq(
                            d.literal()?
                                .split(',')
                                .map(|x| N::Str(x.to_owned()))
                                .collect(),
                        )),
                        (_, d) => d.literal().map(N::Str),
                    }
                }
                "Fn::FindInMap" => {
                    let a = args(arg)?;
                    let [m, k1, k2] = a.as_slice() else {
                        return None;
                    };
                    let found = self
                        .root
                        .get("Mappings")?
                        .get(&m.literal()?)?
                        .get(&k1.literal()?)?
                        .get(&k2.literal()?)?;
                    self.at_defaults(found, depth + 1)
                }
                "Fn::Select" => {
                    let a = args(arg)?;
                    let [i, N::Seq(items)] = a.as_slice() else {
                        return None;
                    };
                    items.get(i.literal()?.parse::<usize>().ok()?).cloned()
                }
                "Fn::Split" => {
                    let a = args(arg)?;
                    let [d, s] = a.as_slice() else { return None };
                    let d = d.literal()?;
                    if d.is_empty() {
                        return None;
                    }
                    Some(N::Seq(
                        s.literal()?
                            .split(d.as_str())
                            .map(|x| N::Str(x.to_owned()))
                            .collect(),
                    ))
                }
                "Fn::Join" => {
                    let a = args(arg)?;
                    let [d, N::Seq(items)] = a.as_slice() else {
                        return None;
                    };
                    let parts: Option<Vec<String>> = items.iter().map(N::literal).collect();
                    Some(N::Str(parts?.join(&d.literal()?)))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// A property of a resource as a template, evaluated once (later uses read the cache).
    fn prop_template(&mut self, id: &str, prop: &str) -> Option<Template> {
        let key = (id.to_owned(), prop.to_owned());
        if let Some(v) = self.cache.get(&key) {
            return v.clone();
        }
        if !self.in_progress.insert(key.clone()) {
            return None;
        }
        let r = self.resources.get(id).map(|(_, r)| *r);
        let v = r
            .and_then(|r| r.get("Properties"))
            .and_then(|p| p.get(prop))
            .and_then(|n| {
                let loc = res_loc(id).key("Properties").key(prop);
                self.scalar(n, &loc)
            });
        self.in_progress.remove(&key);
        self.cache.insert(key, v.clone());
        v
    }

    fn reference(&mut self, name: &str, loc: &Loc) -> Option<Template> {
        if let Some(p) = Pseudo::parse(name) {
            return Some(pseudo_t(p));
        }
        if name == "AWS::NoValue" {
            self.issue(
                loc,
                "`AWS::NoValue` here: only a list item or a property under `Fn::If` can be removed",
            );
            return None;
        }
        if let Some(rest) = name.strip_prefix("AWS::") {
            return self.synth(rest, format!("`{name}`"), loc);
        }
        if self.kinds.contains_key(name) {
            return Some(param_t(name));
        }
        let Some((ty, _)) = self.resources.get(name).cloned() else {
            self.issue(
                loc,
                format!("`{name}` is neither a parameter nor a resource of the template"),
            );
            return None;
        };
        match ty.as_str() {
            "AWS::IAM::Role" => match self.prop_template(name, "RoleName") {
                Some(t) => Some(t),
                None => self.synth(
                    &format!("{name}Name"),
                    format!("the generated name of role `{name}` (it has no RoleName)"),
                    loc,
                ),
            },
            "AWS::IAM::ManagedPolicy" => self.policy_arn(name, loc),
            "AWS::IAM::InstanceProfile" => match self.prop_template(name, "InstanceProfileName") {
                Some(t) => Some(t),
                None => self.synth(
                    &format!("{name}Name"),
                    format!("the generated name of instance profile `{name}`"),
                    loc,
                ),
            },
            other => self.synth(
                &format!("{name}Ref"),
                format!("`!Ref {name}` ({other}, not imported)"),
                loc,
            ),
        }
    }

    fn policy_arn(&mut self, id: &str, loc: &Loc) -> Option<Template> {
        let name = match self.prop_template(id, "ManagedPolicyName") {
            Some(n) => n,
            None => {
                return self.synth(
                    &format!("{id}Arn"),
                    format!("the ARN of managed policy `{id}` (it has no ManagedPolicyName)"),
                    loc,
                )
            }
        };
        let path = self.prop_template(id, "Path");
        Some(iam_arn("policy", &path, &name))
    }

    fn get_att(&mut self, res: &str, attr: &str, loc: &Loc) -> Option<Template> {
        let Some((ty, _)) = self.resources.get(res).cloned() else {
            self.issue(
                loc,
                format!("`Fn::GetAtt {res}.{attr}`: `{res}` is not a resource of the template"),
            );
            return None;
        };
        match (ty.as_str(), attr) {
            ("AWS::IAM::Role", "Arn") => match self.prop_template(res, "RoleName") {
                Some(n) => {
                    let path = self.prop_template(res, "Path");
                    Some(iam_arn("role", &path, &n))
                }
                None => self.synth(
                    &format!("{res}Arn"),
                    format!("the ARN of role `{res}` (it has no RoleName)"),
                    loc,
                ),
            },
            ("AWS::IAM::ManagedPolicy", "PolicyArn") => self.policy_arn(res, loc),
            ("AWS::IAM::InstanceProfile", "Arn") => {
                match self.prop_template(res, "InstanceProfileName") {
                    Some(n) => {
                        let path = self.prop_template(res, "Path");
                        Some(iam_arn("instance-profile", &path, &n))
                    }
                    None => self.synth(
                        &format!("{res}Arn"),
                        format!("the ARN of instance profile `{res}` (it has no name)"),
                        loc,
                    ),
                }
            }
            (ty, _) => self.synth(
                &format!("{res}{attr}"),
                format!("`Fn::GetAtt {res}.{attr}` ({ty})"),
                loc,
            ),
        }
    }

    /// `Fn::Sub` text with variables.
    fn sub(&mut self, s: &str, vars: &[(String, N)], loc: &Loc) -> Option<Template> {
        let mut t = Template::default();
        let mut rest = s;
        let mut ok = true;
        while let Some(i) = rest.find("${") {
            t.push(Part::Lit(rest[..i].to_owned()));
            let after = &rest[i + 2..];
            if let Some(lit) = after.strip_prefix('!') {
                t.push(Part::Lit("${".into()));
                rest = lit;
                continue;
            }
            let Some(end) = after.find('}') else {
                t.push(Part::Lit("${".into()));
                rest = after;
                continue;
            };
            let name = &after[..end];
            let part = if let Some((_, v)) = vars.iter().find(|(k, _)| k == name) {
                self.scalar(v, loc)
            } else if name.contains('.') && !name.starts_with("AWS::") {
                let (r, a) = name.split_once('.').unwrap_or((name, ""));
                self.get_att(r, a, loc)
            } else {
                self.reference(name, loc)
            };
            match part {
                Some(p) => t.extend(&p),
                None => ok = false,
            }
            rest = &after[end + 1..];
        }
        t.push(Part::Lit(rest.to_owned()));
        ok.then_some(t)
    }

    fn is_list_param(&self, n: &N) -> Option<String> {
        match n.as_fn() {
            Some(("Ref", N::Str(p), _)) if self.kinds.get(p) == Some(&ParamKind::List) => {
                Some(p.clone())
            }
            _ => None,
        }
    }

    /// One value.
    fn scalar(&mut self, n: &N, loc: &Loc) -> Option<Template> {
        match n {
            N::Str(s) | N::Num(s) => Some(Template::lit(s.clone())),
            N::Bool(b) => Some(Template::lit(b.to_string())),
            N::Sub(s, vars) => {
                let vars = vars.clone();
                self.sub(s, &vars, loc)
            }
            N::Null => {
                self.issue(loc, "the value is null");
                None
            }
            N::Seq(_) | N::Map(_) => {
                self.issue(loc, format!("expected one value, found {}", n.kind()));
                None
            }
            N::Fn(name, arg, short) => {
                let al = loc.arg(name, *short);
                match name.as_str() {
                    "Ref" => {
                        let Some(r) = arg.literal() else {
                            self.issue(loc, "`Ref` takes a name");
                            return None;
                        };
                        if self.kinds.get(&r) == Some(&ParamKind::List) {
                            self.issue(
                                loc,
                                format!(
                                    "the list parameter `{r}` is used where one value is needed"
                                ),
                            );
                            return None;
                        }
                        self.reference(&r, loc)
                    }
                    "Fn::Sub" => match &**arg {
                        N::Str(s) => self.sub(s, &[], &al),
                        N::Seq(v) => match v.as_slice() {
                            [N::Str(s), N::Map(vars)] => {
                                let vars = vars.clone();
                                self.sub(s, &vars, &al)
                            }
                            [N::Str(s)] => self.sub(s, &[], &al),
                            _ => {
                                self.issue(&al, "`Fn::Sub` takes a string and a mapping");
                                None
                            }
                        },
                        _ => {
                            self.issue(&al, "`Fn::Sub` takes a string");
                            None
                        }
                    },
                    "Fn::Join" => {
                        let N::Seq(v) = &**arg else {
                            self.issue(&al, "`Fn::Join` takes a delimiter and a list");
                            return None;
                        };
                        let [d, list] = v.as_slice() else {
                            self.issue(&al, "`Fn::Join` takes a delimiter and a list");
                            return None;
                        };
                        let (Some(d), N::Seq(items)) = (d.literal(), list) else {
                            // Over a list parameter or function: one value made at deploy time.
                            return self.synth_value("Joined", n, ParamKind::String, loc);
                        };
                        let mut t = Template::default();
                        let mut ok = true;
                        for (i, it) in items.iter().enumerate() {
                            if i > 0 {
                                t.push(Part::Lit(d.clone()));
                            }
                            match self.scalar(it, &al.index(1).index(i)) {
                                Some(x) => t.extend(&x),
                                None => ok = false,
                            }
                        }
                        ok.then_some(t)
                    }
                    "Fn::Select" => {
                        let N::Seq(v) = &**arg else {
                            self.issue(&al, "`Fn::Select` takes an index and a list");
                            return None;
                        };
                        let [i, list] = v.as_slice() else {
                            self.issue(&al, "`Fn::Select` takes an index and a list");
                            return None;
                        };
                        let Some(i) = i.literal().and_then(|s| s.parse::<usize>().ok()) else {
                            return self.synth_value("Selected", n, ParamKind::String, loc);
                        };
                        match list {
                            N::Seq(items) => match items.get(i) {
                                Some(x) => self.scalar(x, &al.index(1).index(i)),
                                None => {
                                    self.issue(
                                        &al,
                                        format!("`Fn::Select` index {i} is out of range"),
                                    );
                                    None
                                }
                            },
                            _ => match self.literal_split(list) {
                                Some(parts) => match parts.get(i) {
                                    Some(p) => Some(Template::lit(p.clone())),
                                    None => {
                                        self.issue(
                                            &al,
                                            format!("`Fn::Select` index {i} is out of range"),
                                        );
                                        None
                                    }
                                },
                                None => self.synth_value("Selected", n, ParamKind::String, loc),
                            },
                        }
                    }
                    "Fn::GetAtt" => match &**arg {
                        N::Seq(v) if v.len() == 2 => {
                            let (Some(r), Some(a)) = (v[0].literal(), v[1].literal()) else {
                                self.issue(&al, "`Fn::GetAtt` takes a resource and an attribute");
                                return None;
                            };
                            self.get_att(&r, &a, loc)
                        }
                        _ => {
                            self.issue(&al, "`Fn::GetAtt` takes a resource and an attribute");
                            None
                        }
                    },
                    "Fn::FindInMap" if dynamic_keys(arg) => {
                        self.synth_value("FromMap", n, ParamKind::String, loc)
                    }
                    "Fn::FindInMap" => {
                        let v = self.find_in_map(arg, &al)?;
                        self.scalar(&v, &al)
                    }
                    "Fn::ImportValue" => {
                        let hint = match arg.literal() {
                            Some(export) => format!("Import-{export}"),
                            None => "Import".into(),
                        };
                        self.synth_value(&hint, n, ParamKind::String, loc)
                    }
                    "Fn::If" if Self::value_ifs_only(n, &n_cond(arg)) => {
                        // A value chosen at deploy time by a condition the spec cannot
                        // express: a new parameter.
                        self.synth_value(&format!("If-{}", n_cond(arg)), n, ParamKind::String, loc)
                    }
                    "Fn::If" => {
                        self.issue(
                            loc,
                            "`Fn::If` on a single value cannot be expressed: a spec switches whole roles, policies, attachments and statements",
                        );
                        None
                    }
                    "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" | "Condition" | "Fn::Split"
                    | "Fn::GetAZs" => {
                        self.issue(
                            loc,
                            format!("`{name}` where one value is needed cannot be expressed"),
                        );
                        None
                    }
                    // Another intrinsic (`Fn::Base64`, `Fn::Cidr`, ...): its value, as a
                    // parameter.
                    other => {
                        let hint = other.trim_start_matches("Fn::").to_owned();
                        self.synth_value(&hint, n, ParamKind::String, loc)
                    }
                }
            }
        }
    }

    /// `Fn::Split [d, "literal"]` → the parts.
    fn literal_split(&self, n: &N) -> Option<Vec<String>> {
        let (name, arg, _) = n.as_fn()?;
        if name != "Fn::Split" {
            return None;
        }
        let N::Seq(v) = arg else { return None };
        let [d, s] = v.as_slice() else { return None };
        let d = d.literal()?;
        let s = match s {
            N::Str(s) => s.clone(),
            _ => return None,
        };
        if d.is_empty() {
            return None;
        }
        Some(s.split(d.as_str()).map(str::to_owned).collect())
    }

    /// True if the mapping `Fn::FindInMap` names has a list value.
    fn map_has_lists(&self, arg: &N) -> bool {
        let name = match arg {
            N::Seq(v) => v.first().and_then(N::literal),
            _ => None,
        };
        let Some(N::Map(top)) = name.and_then(|m| self.root.get("Mappings")?.get(&m)) else {
            return false;
        };
        top.iter().any(|(_, second)| match second {
            N::Map(m) => m.iter().any(|(_, v)| matches!(v, N::Seq(_))),
            _ => false,
        })
    }

    fn find_in_map(&mut self, arg: &N, loc: &Loc) -> Option<N> {
        let N::Seq(v) = arg else {
            self.issue(loc, "`Fn::FindInMap` takes a map name and two keys");
            return None;
        };
        let keys: Option<Vec<String>> = v.iter().take(3).map(N::literal).collect();
        let Some(keys) = keys.filter(|k| k.len() == 3) else {
            self.issue(
                loc,
                "`Fn::FindInMap` with a key chosen at deploy time (a parameter or pseudo parameter) cannot be expressed",
            );
            return None;
        };
        let found = self
            .root
            .get("Mappings")
            .and_then(|m| m.get(&keys[0]))
            .and_then(|m| m.get(&keys[1]))
            .and_then(|m| m.get(&keys[2]))
            .cloned();
        if found.is_none() {
            self.issue(
                loc,
                format!(
                    "`Fn::FindInMap`: {}/{}/{} is not in Mappings",
                    keys[0], keys[1], keys[2]
                ),
            );
        }
        found
    }

    /// A value list (Action, Resource, principals, condition values): items, and whether it
    /// was written as one value.
    fn items(&mut self, n: &N, loc: &Loc) -> Option<(Vec<Template>, bool)> {
        match n {
            N::Seq(v) => {
                let mut out = Vec::new();
                let mut ok = true;
                for (i, x) in v.iter().enumerate() {
                    let l = loc.index(i);
                    if let Some(p) = self.is_list_param(x) {
                        out.push(param_t(&p));
                        continue;
                    }
                    if matches!(x.as_fn(), Some(("Fn::Split", ..))) {
                        match self.split_items(x, &l) {
                            Some(ts) => out.extend(ts),
                            None => ok = false,
                        }
                        continue;
                    }
                    match self.item(x, &l) {
                        Some(t) => out.push(t),
                        None => ok = false,
                    }
                }
                ok.then_some((out, false))
            }
            N::Fn(name, arg, short) => {
                if let Some(p) = self.is_list_param(n) {
                    return Some((vec![param_t(&p)], true));
                }
                match name.as_str() {
                    "Fn::Split" => self.split_items(n, loc).map(|v| (v, false)),
                    "Fn::GetAZs" => self
                        .synth_value("AZs", n, ParamKind::List, loc)
                        .map(|t| (vec![t], false)),
                    "Fn::FindInMap" if dynamic_keys(arg) => {
                        let kind = if self.map_has_lists(arg) {
                            ParamKind::List
                        } else {
                            ParamKind::String
                        };
                        self.synth_value("FromMap", n, kind, loc)
                            .map(|t| (vec![t], kind == ParamKind::String))
                    }
                    "Fn::FindInMap" => {
                        let al = loc.arg(name, *short);
                        let v = self.find_in_map(arg, &al)?;
                        self.items(&v, &al)
                    }
                    "Fn::If" if Self::value_ifs_only(n, &n_cond(arg)) => {
                        self.item(n, loc).map(|t| (vec![t], true))
                    }
                    "Fn::If" => {
                        self.issue(
                            loc,
                            "`Fn::If` choosing a value list cannot be expressed: a spec switches whole statements",
                        );
                        None
                    }
                    _ => self.item(n, loc).map(|t| (vec![t], true)),
                }
            }
            _ => self.item(n, loc).map(|t| (vec![t], true)),
        }
    }

    /// One item of a value list: a value, or (inside a JSON `Fn::Sub` document) a list
    /// parameter spliced in as `"pre${Var}suf"` with `Var: !Join ['suf","pre', !Ref List]`.
    fn item(&mut self, n: &N, loc: &Loc) -> Option<Template> {
        if let N::Sub(s, vars) = n {
            if let Some(t) = self.spliced_list(s, vars, loc) {
                return Some(t);
            }
        }
        self.scalar(n, loc)
    }

    fn spliced_list(&mut self, s: &str, vars: &Vars, loc: &Loc) -> Option<Template> {
        for (name, v) in vars {
            let marker = format!("${{{name}}}");
            let Some(at) = s.find(&marker) else { continue };
            if s[at + marker.len()..].contains(&marker) {
                continue;
            }
            let Some(("Fn::Join", N::Seq(j), _)) = v.as_fn() else {
                continue;
            };
            let [d, list] = j.as_slice() else { continue };
            let Some(list) = self.is_list_param(list) else {
                continue;
            };
            let (pre, suf) = (&s[..at], &s[at + marker.len()..]);
            let want = format!("{}\",\"{}", json_escape(suf), json_escape(pre));
            if d.literal().as_deref() != Some(want.as_str()) {
                continue;
            }
            let others: Vec<(String, N)> =
                vars.iter().filter(|(k, _)| k != name).cloned().collect();
            let mut t = self.sub(pre, &others, loc)?;
            t.push(Part::Param(ParamName(list)));
            let tail = self.sub(suf, &others, loc)?;
            t.extend(&tail);
            return Some(t);
        }
        None
    }

    /// `Fn::Split [",", Fn::Join [",", [parts…]]]` (how rolegen mixes list parameters with
    /// other values) or `Fn::Split [d, "literal"]`.
    fn split_items(&mut self, n: &N, loc: &Loc) -> Option<Vec<Template>> {
        let (name, arg, short) = n.as_fn()?;
        let al = loc.arg(name, short);
        if let Some(parts) = self.literal_split(n) {
            return Some(parts.into_iter().map(Template::lit).collect());
        }
        // A split made at deploy time: its items, as a new list parameter.
        let unsupported = |cx: &mut Self| {
            cx.synth_value("SplitList", n, ParamKind::List, loc)
                .map(|t| vec![t])
        };
        let N::Seq(v) = arg else {
            return unsupported(self);
        };
        let [d, x] = v.as_slice() else {
            return unsupported(self);
        };
        let Some(d) = d.literal() else {
            return unsupported(self);
        };
        let Some(("Fn::Join", N::Seq(j), jshort)) = x.as_fn() else {
            return unsupported(self);
        };
        let [jd, parts] = j.as_slice() else {
            return unsupported(self);
        };
        if jd.literal().as_deref() != Some(d.as_str()) {
            return unsupported(self);
        }
        let jl = al.index(1).arg("Fn::Join", jshort).index(1);
        if let Some(p) = self.is_list_param(parts) {
            return Some(vec![param_t(&p)]);
        }
        let N::Seq(parts) = parts else {
            return unsupported(self);
        };
        let mut out = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            out.push(self.join_part(p, &d, &jl.index(i))?);
        }
        Some(out)
    }

    fn join_part(&mut self, p: &N, d: &str, loc: &Loc) -> Option<Template> {
        if let Some(("Fn::Join", N::Seq(j), _)) = p.as_fn() {
            if let [jd, list] = j.as_slice() {
                let jd = jd.literal().unwrap_or_default();
                if let Some(l) = self.is_list_param(list) {
                    if jd == d {
                        return Some(param_t(&l));
                    }
                }
                if jd.is_empty() {
                    if let N::Seq(three) = list {
                        if let [pre, N::Fn(f, inner, _), suf] = three.as_slice() {
                            if let (Some(pre), Some(suf), N::Seq(ij)) =
                                (pre.literal(), suf.literal(), &**inner)
                            {
                                if let [idelim, ilist] = ij.as_slice() {
                                    if f == "Fn::Join"
                                        && idelim.literal() == Some(format!("{suf}{d}{pre}"))
                                    {
                                        if let Some(l) = self.is_list_param(ilist) {
                                            let mut t = Template::lit(pre);
                                            t.push(Part::Param(ParamName(l)));
                                            t.push(Part::Lit(suf));
                                            return Some(t);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        self.scalar(p, loc)
    }

    /// Text that must be literal (Sid, Effect, Version, actions, names).
    fn lit_text(&mut self, n: &N, loc: &Loc, what: &str) -> Option<String> {
        let t = self.scalar(n, loc)?;
        match t.as_literal() {
            Some(s) => Some(s),
            None => {
                self.issue(
                    loc,
                    format!(
                        "{what} must be literal text in a spec; `{}` holds a parameter",
                        t.display()
                    ),
                );
                None
            }
        }
    }

    fn spec_str(&mut self, t: &Template, loc: &Loc) -> Option<String> {
        match spec_string(t) {
            Ok(s) => Some(s),
            Err(e) => {
                self.issue(loc, e);
                None
            }
        }
    }

    fn values_y(&mut self, n: &N, loc: &Loc) -> Option<Y> {
        let (ts, single) = self.items(n, loc)?;
        let mut out = Vec::with_capacity(ts.len());
        for t in &ts {
            out.push(Y::Str(self.spec_str(t, loc)?));
        }
        Some(if single && out.len() == 1 {
            out.remove(0)
        } else {
            Y::Seq(out)
        })
    }

    // ---------------------------------------------------------------- Fn::If

    fn if_args<'n>(&mut self, arg: &'n N, loc: &Loc) -> Option<(Switch, &'n N, &'n N)> {
        let N::Seq(a) = arg else {
            self.issue(loc, "`Fn::If` takes a condition name and two values");
            return None;
        };
        let [c, x, y] = a.as_slice() else {
            self.issue(loc, "`Fn::If` takes a condition name and two values");
            return None;
        };
        let Some(c) = c.literal() else {
            self.issue(&loc.index(0), "`Fn::If` names a condition");
            return Some((Err(()), x, y));
        };
        let sw = self.switch_named(&c, &loc.index(0));
        Some((sw, x, y))
    }

    /// The items of a list position behind top-level `Fn::If`s: each with its switch, and
    /// whether it is also under a switch the spec cannot express (`unsure`: the caller keeps
    /// it only where that narrows).
    fn top_variants<'n>(
        &mut self,
        n: &'n N,
        loc: &Loc,
        when: Option<Sw>,
        unsure: bool,
        out: &mut Vec<Variant<'n>>,
    ) {
        if n.is_no_value() || !self.budget.tick() {
            return;
        }
        if let Some(("Fn::If", arg, short)) = n.as_fn() {
            let al = loc.arg("Fn::If", short);
            let Some((sw, a, b)) = self.if_args(arg, &al) else {
                return;
            };
            match sw {
                Ok(None) => self.top_variants(a, &al.index(1), when, unsure, out),
                Err(()) => {
                    for (branch, i) in [(a, 1), (b, 2)] {
                        self.top_variants(branch, &al.index(i), when.clone(), true, out);
                    }
                }
                Ok(Some(sw)) => {
                    for (branch, s, i) in [(a, sw.clone(), 1), (b, sw.not(), 2)] {
                        match combine(&when, &s) {
                            Ok(Some(w)) => self.top_variants(branch, &al.index(i), w, unsure, out),
                            Ok(None) => {}
                            Err(()) => {
                                self.issue(
                                    &al,
                                    format!(
                                        "this needs both `when: {}` and `when: {}`; a spec item has one switch",
                                        when.as_ref().map(Sw::text).unwrap_or_default(),
                                        s.text()
                                    ),
                                );
                                self.top_variants(branch, &al.index(i), when.clone(), true, out);
                            }
                        }
                    }
                }
            }
            return;
        }
        out.push((when, unsure, n, loc.clone()));
    }

    fn collect_ifs(&self, n: &N, loc: &Loc, out: &mut Vec<(String, Loc)>) {
        match n {
            N::Fn(name, arg, short) => {
                let al = loc.arg(name, *short);
                if name == "Fn::If" {
                    if let N::Seq(a) = &**arg {
                        if let Some(c) = a.first().and_then(N::literal) {
                            out.push((c, al.index(0)));
                        }
                        for (i, x) in a.iter().enumerate().skip(1) {
                            self.collect_ifs(x, &al.index(i), out);
                        }
                    }
                } else {
                    self.collect_ifs(arg, &al, out);
                }
            }
            N::Seq(v) => {
                for (i, x) in v.iter().enumerate() {
                    self.collect_ifs(x, &loc.index(i), out);
                }
            }
            N::Map(m) => {
                for (k, x) in m {
                    self.collect_ifs(x, &loc.key(k), out);
                }
            }
            _ => {}
        }
    }

    /// `n` with every `Fn::If` decided by `on` (condition name → value; `None` leaves that
    /// `Fn::If` in place) and `AWS::NoValue` removed; `None` if `n` itself is removed.
    fn subst(&self, n: &N, on: &dyn Fn(&str) -> Option<bool>) -> Option<N> {
        if n.is_no_value() || !self.budget.tick() {
            return None;
        }
        match n {
            N::Fn(name, arg, short) => {
                if name == "Fn::If" {
                    if let N::Seq(a) = &**arg {
                        if a.len() == 3 {
                            let c = a[0].literal().unwrap_or_default();
                            if let Some(v) = on(&c) {
                                return self.subst(if v { &a[1] } else { &a[2] }, on);
                            }
                        }
                    }
                }
                let a = self.subst(arg, on).unwrap_or(N::Null);
                Some(N::Fn(name.clone(), Box::new(a), *short))
            }
            N::Seq(v) => Some(N::Seq(v.iter().filter_map(|x| self.subst(x, on)).collect())),
            N::Map(m) => Some(N::Map(
                m.iter()
                    .filter_map(|(k, x)| self.subst(x, on).map(|x| (k.clone(), x)))
                    .collect(),
            )),
            other => Some(other.clone()),
        }
    }

    /// `n` with its `Fn::If`s decided by the value of bool parameter `p` (`None`: every
    /// condition true, for an item whose conditions are all always on).
    fn subst_param(&self, n: &N, p: Option<(&str, bool)>, keep: &[String]) -> Option<N> {
        let on = |c: &str| {
            if keep.iter().any(|k| k == c) {
                return None;
            }
            Some(match (self.conditions.get(c), p) {
                (Some(Ok(conj)), Some((param, v))) => {
                    conj.iter()
                        .all(|sw| if sw.param == param { v != sw.neg } else { true })
                }
                _ => true,
            })
        };
        self.subst(n, &on)
    }

    /// True if every `Fn::If` on condition `c` in `n` chooses between two single values
    /// (not a list, a mapping, another `Fn::If` or `AWS::NoValue`): such a choice made at
    /// deploy time can be a new parameter.
    fn value_ifs_only(n: &N, c: &str) -> bool {
        let single = |x: &N| match x {
            N::Str(_) | N::Num(_) | N::Bool(_) | N::Sub(..) => true,
            N::Fn(f, _, _) => f != "Fn::If" && !x.is_no_value(),
            _ => false,
        };
        match n {
            N::Fn(f, arg, _) if f == "Fn::If" => match &**arg {
                N::Seq(a) if a.len() == 3 && a[0].literal().as_deref() == Some(c) => {
                    single(&a[1]) && single(&a[2])
                }
                other => Self::value_ifs_only(other, c),
            },
            N::Fn(_, arg, _) => Self::value_ifs_only(arg, c),
            N::Seq(v) => v.iter().all(|x| Self::value_ifs_only(x, c)),
            N::Map(m) => m.iter().all(|(_, x)| Self::value_ifs_only(x, c)),
            _ => true,
        }
    }

    /// A statement (or other item) with the `Fn::If`s inside it lifted: one variant per value
    /// of the one bool parameter they test. When they test more than one, or a condition the
    /// spec cannot express, every combination of the conditions is a variant, marked unsure
    /// (the caller keeps the Denies only): never one branch "as if it were true".
    fn lift(&mut self, n: &N, loc: &Loc) -> Vec<(Option<Sw>, bool, N)> {
        let mut conds = Vec::new();
        self.collect_ifs(n, loc, &mut conds);
        let mut names: Vec<String> = Vec::new();
        let mut params: Vec<String> = Vec::new();
        let mut exact = true;
        // Conditions the spec cannot express that only choose between two values: those
        // `Fn::If`s stay, to become new parameters (see `scalar`).
        let keep: Vec<String> = conds
            .iter()
            .map(|(c, _)| c.clone())
            .filter(|c| {
                matches!(self.conditions.get(c), Some(Err(_)) | None) && Self::value_ifs_only(n, c)
            })
            .collect();
        for (c, l) in &conds {
            if keep.contains(c) {
                continue;
            }
            if !names.contains(c) {
                names.push(c.clone());
            }
            match self.switch_named(c, l) {
                Ok(Some(sw)) => {
                    if !params.contains(&sw.param) {
                        params.push(sw.param);
                    }
                }
                Ok(None) => {}
                Err(()) => exact = false,
            }
        }
        if exact {
            match params.as_slice() {
                [] => {
                    return self
                        .subst_param(n, None, &keep)
                        .map(|x| vec![(None, false, x)])
                        .unwrap_or_default()
                }
                [p] => {
                    let on = self.subst_param(n, Some((p, true)), &keep);
                    let off = self.subst_param(n, Some((p, false)), &keep);
                    if on == off {
                        return on.map(|x| vec![(None, false, x)]).unwrap_or_default();
                    }
                    let mut out = Vec::new();
                    for (x, neg) in [(on, false), (off, true)] {
                        if let Some(x) = x {
                            let sw = Sw {
                                param: p.clone(),
                                neg,
                            };
                            out.push((Some(sw), false, x));
                        }
                    }
                    return out;
                }
                many => self.issue(
                    loc,
                    format!(
                        "`Fn::If` inside this item tests {}; a spec item has one switch",
                        many.join(" and ")
                    ),
                ),
            }
        }
        if names.len() > MAX_ITEM_CONDITIONS {
            self.issue(
                loc,
                format!(
                    "`Fn::If` inside this item names {} conditions; at most {MAX_ITEM_CONDITIONS} are tried",
                    names.len()
                ),
            );
            // Whatever it is, it denies at most everything.
            let mut deny = vec![
                ("Effect".to_owned(), N::Str("Deny".into())),
                ("Action".to_owned(), N::Str("*".into())),
                ("Resource".to_owned(), N::Str("*".into())),
            ];
            if n.get("Principal").is_some() || n.get("NotPrincipal").is_some() {
                deny.push(("Principal".to_owned(), N::Str("*".into())));
            }
            return vec![(None, true, N::Map(deny))];
        }
        let mut out: Vec<(Option<Sw>, bool, N)> = Vec::new();
        for mask in 0..1usize << names.len() {
            let on = |c: &str| {
                if keep.iter().any(|k| k == c) {
                    return None;
                }
                Some(
                    names
                        .iter()
                        .position(|x| x == c)
                        .is_some_and(|i| mask & (1 << i) != 0),
                )
            };
            if let Some(x) = self.subst(n, &on) {
                if !out.iter().any(|(_, _, y)| *y == x) {
                    out.push((None, true, x));
                }
            }
        }
        out
    }

    // ---------------------------------------------------------------- documents

    fn document(&mut self, n: &N, loc: &Loc) -> Option<Doc> {
        match n {
            N::Fn(name, arg, short) if name == "Fn::If" => {
                let al = loc.arg(name, *short);
                let (sw, a, b) = self.if_args(arg, &al)?;
                let sw = match sw {
                    Ok(None) => return self.document(a, &al.index(1)),
                    Ok(Some(sw)) => sw,
                    Err(()) => {
                        // Neither document is known to apply: the Denies of both (a
                        // `AWS::NoValue` branch has none).
                        let mut docs = Vec::new();
                        for (x, i) in [(a, 1), (b, 2)] {
                            if !x.is_no_value() {
                                docs.push(self.document(x, &al.index(i))?);
                            }
                        }
                        let first = docs.first().cloned()?;
                        let mut all = Vec::new();
                        for d in docs {
                            all.extend(d.statements);
                        }
                        let statements = self.unswitched_all(all, Vec::new(), &al);
                        return Some(Doc {
                            version: first.version,
                            id: first.id,
                            statements,
                        });
                    }
                };
                if a.is_no_value() || b.is_no_value() {
                    self.issue(
                        &al,
                        "a policy document switched off with `AWS::NoValue` cannot be expressed",
                    );
                    return None;
                }
                let da = self.document(a, &al.index(1))?;
                let db = self.document(b, &al.index(2))?;
                if da.version != db.version || da.id != db.id {
                    self.issue(
                        &al,
                        "the two documents of this `Fn::If` differ in Version or Id; a spec switches statements only",
                    );
                    return None;
                }
                let statements =
                    match self.merge(da.statements.clone(), db.statements.clone(), &sw, &al) {
                        Some(v) => v,
                        None => self.unswitched_all(da.statements, db.statements, &al),
                    };
                Some(Doc {
                    version: da.version,
                    id: da.id,
                    statements,
                })
            }
            N::Str(_) => self.json_document(n, None, loc),
            N::Fn(name, arg, short) if name == "Fn::Sub" => {
                let al = loc.arg(name, *short);
                let (s, vars): (&str, Vars) = match &**arg {
                    N::Str(s) => (s, Vec::new()),
                    N::Seq(v) => match v.as_slice() {
                        [N::Str(s), N::Map(vars)] => (s, vars.clone()),
                        [N::Str(s)] => (s, Vec::new()),
                        _ => {
                            self.issue(&al, "`Fn::Sub` takes a string and a mapping");
                            return None;
                        }
                    },
                    _ => {
                        self.issue(&al, "`Fn::Sub` takes a string");
                        return None;
                    }
                };
                if !s.trim_start().starts_with('{') {
                    self.issue(loc, "expected a policy document");
                    return None;
                }
                let l = if *short { loc.clone() } else { al.index(0) };
                self.json_document(&N::Str(s.to_owned()), Some(Rc::new(vars)), &l)
            }
            N::Map(entries) => {
                let mut version = None;
                let mut id = None;
                let mut statements = None;
                for (k, v) in entries {
                    let l = loc.key(k);
                    match k.as_str() {
                        "Version" => version = self.lit_text(v, &l, "Version"),
                        "Id" => id = self.lit_text(v, &l, "Id"),
                        "Statement" => statements = self.statements(v, &l),
                        other => self.issue(
                            &l,
                            format!("`{other}` is not an element of a policy document"),
                        ),
                    }
                }
                if version.is_none() {
                    self.note(
                        loc,
                        "the document has no Version (IAM reads it as 2008-10-17); the spec writes 2012-10-17",
                    );
                }
                Some(Doc {
                    version,
                    id,
                    statements: statements.unwrap_or_default(),
                })
            }
            other => {
                self.issue(
                    loc,
                    format!("expected a policy document, found {}", other.kind()),
                );
                None
            }
        }
    }

    /// A document given as JSON text (with `Fn::Sub` variables if `vars`).
    fn json_document(&mut self, n: &N, vars: Option<Rc<Vars>>, loc: &Loc) -> Option<Doc> {
        let N::Str(s) = n else { return None };
        let v: serde_json::Value = match serde_json::from_str(s) {
            Ok(v) => v,
            Err(e) => {
                self.issue(loc, format!("the policy document string is not JSON: {e}"));
                return None;
            }
        };
        let parsed = node::from_json(&v, vars.as_ref(), false);
        let saved = self.key_vars.take();
        self.key_vars = vars;
        let d = self.document(&parsed, &loc.json());
        self.key_vars = saved;
        d
    }

    fn statements(&mut self, n: &N, loc: &Loc) -> Option<Vec<Y>> {
        match n {
            N::Fn(name, arg, short) if name == "Fn::If" => {
                let al = loc.arg(name, *short);
                let (sw, a, b) = self.if_args(arg, &al)?;
                if let Ok(None) = sw {
                    return self.statements(a, &al.index(1));
                }
                let sa = if a.is_no_value() {
                    Vec::new()
                } else {
                    self.statements(a, &al.index(1))?
                };
                let sb = if b.is_no_value() {
                    Vec::new()
                } else {
                    self.statements(b, &al.index(2))?
                };
                match sw {
                    Ok(Some(sw)) => match self.merge(sa.clone(), sb.clone(), &sw, &al) {
                        Some(v) => Some(v),
                        None => Some(self.unswitched_all(sa, sb, &al)),
                    },
                    _ => Some(self.unswitched_all(sa, sb, &al)),
                }
            }
            N::Seq(items) => {
                let mut out = Vec::new();
                for (i, it) in items.iter().enumerate() {
                    out.extend(self.statement_item(it, &loc.index(i)));
                }
                Some(out)
            }
            N::Map(_) | N::Fn(..) => Some(self.statement_item(n, loc)),
            other => {
                self.issue(
                    loc,
                    format!(
                        "`Statement` is a list of statements, found {}",
                        other.kind()
                    ),
                );
                None
            }
        }
    }

    fn statement_item(&mut self, n: &N, loc: &Loc) -> Vec<Y> {
        let mut tops = Vec::new();
        self.top_variants(n, loc, None, false, &mut tops);
        let mut out = Vec::new();
        for (w, unsure, node, l) in tops {
            for (w2, unsure2, body) in self.lift(node, &l) {
                let (when, unsure3) = match &w2 {
                    None => (w.clone(), false),
                    Some(s) => match combine(&w, s) {
                        Ok(Some(x)) => (x, false),
                        Ok(None) => continue,
                        Err(()) => {
                            self.issue(
                                &l,
                                "this statement needs two different switches; a spec statement has one `when:`",
                            );
                            (w.clone(), true)
                        }
                    },
                };
                let Some(y) = self.statement(&body, &l) else {
                    continue;
                };
                let y = with_when(y, &when);
                if unsure || unsure2 || unsure3 {
                    self.unswitched(y, &l, &mut out);
                } else {
                    out.push(y);
                }
            }
        }
        out
    }

    /// A statement under a switch the spec cannot express: an Allow is left out, a Deny kept
    /// without that switch (see [`narrow::unswitched`]).
    fn unswitched(&mut self, y: Y, loc: &Loc, out: &mut Vec<Y>) {
        match narrow::unswitched(y) {
            Some(y) => {
                self.report(loc, "this Deny statement is under a switch the spec cannot express; it is kept without that switch (denying more never grants more)");
                out.push(y);
            }
            None => self.report(loc, "this Allow statement is under a switch the spec cannot express; it is left out (keeping it on would grant more)"),
        }
    }

    /// The statements of both branches of an `Fn::If` whose switch the spec cannot express.
    fn unswitched_all(&mut self, a: Vec<Y>, b: Vec<Y>, loc: &Loc) -> Vec<Y> {
        let mut out = Vec::new();
        for y in a.into_iter().chain(b) {
            self.unswitched(y, loc, &mut out);
        }
        out
    }

    /// Statements of both branches of `Fn::If [sw, a, b]` as one switched list.
    fn merge(&mut self, a: Vec<Y>, b: Vec<Y>, sw: &Sw, loc: &Loc) -> Option<Vec<Y>> {
        // Longest common subsequence: shared statements stay as they are. (Past a size where
        // the table would be large, the branches are simply listed one after the other.)
        let (n, m) = if a.len().saturating_mul(b.len()) > 4_000_000 {
            (0, 0)
        } else {
            (a.len(), b.len())
        };
        if n == 0 || m == 0 {
            let mut out = Vec::new();
            for (y, s) in a
                .iter()
                .map(|y| (y, sw.clone()))
                .chain(b.iter().map(|y| (y, sw.not())))
            {
                match combine(&when_of(y), &s) {
                    Ok(Some(w)) => out.push(with_when(y.clone(), &w)),
                    Ok(None) => {}
                    Err(()) => {
                        self.issue(loc, format!("statements under this `Fn::If` on `{}` are also switched by another parameter; a spec statement has one `when:`", sw.param));
                        return None;
                    }
                }
            }
            return Some(out);
        }
        let mut l = vec![vec![0usize; m + 1]; n + 1];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                l[i][j] = if a[i] == b[j] {
                    l[i + 1][j + 1] + 1
                } else {
                    l[i + 1][j].max(l[i][j + 1])
                };
            }
        }
        let mut out = Vec::new();
        let mut ok = true;
        let mut add = |y: &Y, s: &Sw, out: &mut Vec<Y>| match combine(&when_of(y), s) {
            Ok(Some(w)) => out.push(with_when(y.clone(), &w)),
            Ok(None) => {}
            Err(()) => ok = false,
        };
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && a[i] == b[j] {
                out.push(a[i].clone());
                i += 1;
                j += 1;
            } else if j >= m || (i < n && l[i + 1][j] >= l[i][j + 1]) {
                add(&a[i], sw, &mut out);
                i += 1;
            } else {
                add(&b[j], &sw.not(), &mut out);
                j += 1;
            }
        }
        if !ok {
            self.issue(
                loc,
                format!(
                    "statements under this `Fn::If` on `{}` are also switched by another parameter; a spec statement has one `when:`",
                    sw.param
                ),
            );
            return None;
        }
        Some(out)
    }

    /// A statement, element by element: what the spec cannot express is settled by
    /// [`narrow::settle`] (an Allow left out whole, a Deny kept denying more), never left out
    /// of the statement on its own.
    fn statement(&mut self, n: &N, loc: &Loc) -> Option<Y> {
        if !self.budget.tick() {
            return None;
        }
        let N::Map(entries) = n else {
            self.issue(loc, format!("expected a statement, found {}", n.kind()));
            return None;
        };
        const ORDER: [&str; 9] = crate::spec::STATEMENT_KEYS;
        let mut els: Vec<(String, El)> = Vec::new();
        for key in ORDER {
            let Some(v) = n.get(key) else { continue };
            let l = loc.key(key);
            if key == "Sid" && v.literal().as_deref() == Some("") {
                self.note(
                    &l,
                    "an empty Sid is left out (a spec Sid has letters and digits)",
                );
                continue;
            }
            let el = if key == "Condition" {
                self.condition_block(v, &l)
            } else {
                let (y, lost) = self.lost(|cx| match key {
                    "Sid" | "Effect" => cx.lit_text(v, &l, key).map(Y::Str),
                    "Principal" | "NotPrincipal" => cx.principal(v, &l),
                    "Action" | "NotAction" => cx.actions(v, &l),
                    _ => cx.values_y(v, &l),
                });
                match y {
                    Some(y) if !lost => El::Exact(y),
                    _ => El::Lost,
                }
            };
            els.push((key.to_owned(), el));
        }
        for (k, _) in entries {
            if !ORDER.contains(&k.as_str()) {
                self.issue(
                    &loc.key(k),
                    format!("`{k}` is not an element of a policy statement; left out"),
                );
            }
        }
        match narrow::settle(els) {
            Settled::Exact(y) => Some(y),
            Settled::Narrowed(y, why) => {
                self.report(loc, why);
                Some(y)
            }
            Settled::Dropped(why) => {
                self.report(loc, why);
                None
            }
        }
    }

    fn actions(&mut self, n: &N, loc: &Loc) -> Option<Y> {
        let (ts, single) = self.items(n, loc)?;
        let mut out = Vec::new();
        for t in ts {
            match t.as_literal() {
                Some(a) => out.push(Y::Str(a)),
                None => {
                    self.issue(
                        loc,
                        format!(
                            "actions are literal in a spec; `{}` holds a parameter",
                            t.display()
                        ),
                    );
                    return None;
                }
            }
        }
        Some(if single && out.len() == 1 {
            out.remove(0)
        } else {
            Y::Seq(out)
        })
    }

    fn principal(&mut self, n: &N, loc: &Loc) -> Option<Y> {
        if let Some(s) = n.literal() {
            if s == "*" {
                return Some(Y::s("*"));
            }
        }
        if let N::Sub(s, _) = n {
            if s == "*" {
                return Some(Y::s("*"));
            }
        }
        let N::Map(m) = n else {
            self.issue(
                loc,
                format!(
                    "a principal is \"*\" or a mapping of types, found {}",
                    n.kind()
                ),
            );
            return None;
        };
        let mut out = Vec::new();
        for (k, v) in m {
            out.push((k.clone(), self.values_y(v, &loc.key(k))?));
        }
        Some(Y::Map(out))
    }

    fn cond_key(&mut self, k: &str, loc: &Loc) -> Option<String> {
        match self.key_vars.clone() {
            Some(vars) => {
                let t = self.sub(k, &vars, loc)?;
                self.spec_str(&t, loc)
            }
            None => Some(super::spec_literal(k)),
        }
    }

    /// A Condition block, entry by entry: [`El::Part`] holds the entries carried when some
    /// are not (a Deny may keep those; an Allow may not).
    fn condition_block(&mut self, n: &N, loc: &Loc) -> El {
        let N::Map(ops) = n else {
            self.issue(
                loc,
                format!(
                    "a Condition block is a mapping of operators, found {}",
                    n.kind()
                ),
            );
            return El::Lost;
        };
        let mut out = Vec::new();
        let mut lost = false;
        for (op, keys) in ops {
            let ol = loc.key(op);
            let N::Map(keys) = keys else {
                self.issue(&ol, "a condition operator maps keys to values");
                lost = true;
                continue;
            };
            let mut ko = Vec::new();
            for (k, v) in keys {
                let kl = ol.key(k);
                let (entry, l) = self.lost(|cx| {
                    let key = cx.cond_key(k, &kl)?;
                    Some((key, cx.values_y(v, &kl)?))
                });
                match entry {
                    Some(e) if !l => ko.push(e),
                    _ => lost = true,
                }
            }
            if !ko.is_empty() || keys.is_empty() {
                out.push((op.clone(), Y::Map(ko)));
            }
        }
        if lost {
            El::Part(Y::Map(out))
        } else {
            El::Exact(Y::Map(out))
        }
    }

    // ---------------------------------------------------------------- resources

    fn check_attributes(&mut self, id: &str) {
        let Some((_, r)) = self.resources.get(id).cloned() else {
            return;
        };
        let N::Map(m) = r else {
            self.issue(&res_loc(id), "a resource is a mapping");
            return;
        };
        for (k, v) in m {
            let l = res_loc(id).key(k);
            match k.as_str() {
                "Type" | "Properties" | "Condition" => {}
                "DependsOn" => self.note(
                    &l,
                    "DependsOn is not carried (rolegen orders resources itself)",
                ),
                "Metadata" => self.note(&l, "resource Metadata is not imported"),
                "DeletionPolicy" | "UpdateReplacePolicy"
                    if v.literal().as_deref() == Some("Delete") => {}
                other => self.issue(
                    &l,
                    format!("the resource attribute `{other}` cannot be expressed"),
                ),
            }
        }
    }

    fn props(&self, id: &str) -> Vec<(String, N)> {
        match self
            .resources
            .get(id)
            .and_then(|(_, r)| r.get("Properties"))
        {
            Some(N::Map(m)) => m.clone(),
            _ => Vec::new(),
        }
    }

    fn no_if(&mut self, n: &N, loc: &Loc) -> bool {
        let mut ifs = Vec::new();
        self.collect_ifs(n, loc, &mut ifs);
        if ifs.is_empty() {
            true
        } else {
            self.issue(
                loc,
                "`Fn::If` on this property cannot be expressed: a spec switches whole roles, policies, attachments and statements",
            );
            false
        }
    }

    fn template_prop(&mut self, n: &N, loc: &Loc) -> Option<String> {
        if !self.no_if(n, loc) {
            return None;
        }
        let t = self.scalar(n, loc)?;
        self.spec_str(&t, loc)
    }

    fn plain_prop(&mut self, n: &N, loc: &Loc, what: &str) -> Option<String> {
        if !self.no_if(n, loc) {
            return None;
        }
        self.lit_text(n, loc, what)
    }

    fn role(&mut self, id: &str) {
        self.check_attributes(id);
        let loc = res_loc(id).key("Properties");
        let key = self.keys.assign(id);
        let (when, refused) = match self.resource_when(id) {
            Ok(w) => (w, None),
            Err(()) => (None, Some("its Condition cannot be a `when:`".to_owned())),
        };
        let mut out = RoleOut {
            key,
            when,
            refused,
            ..RoleOut::default()
        };
        let props = self.props(id);
        let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v);
        // Name first (evaluated once, cached for references).
        if let Some(n) = get("RoleName") {
            if self.no_if(n, &loc.key("RoleName")) {
                if let Some(t) = self.prop_template(id, "RoleName") {
                    out.fixed_name = Some(t.clone());
                    if let Some(s) = self.spec_str(&t, &loc.key("RoleName")) {
                        out.props.push(("name".into(), Y::Str(s)));
                    }
                }
            }
        }
        if let Some(n) = get("Path") {
            if self.no_if(n, &loc.key("Path")) {
                if let Some(t) = self.prop_template(id, "Path") {
                    if let Some(s) = self.spec_str(&t, &loc.key("Path")) {
                        out.props.push(("path".into(), Y::Str(s)));
                    }
                }
            }
        }
        if let Some(n) = get("Description") {
            if let Some(s) = self.template_prop(n, &loc.key("Description")) {
                out.props.push(("description".into(), Y::Str(s)));
            }
        }
        if let Some(n) = get("MaxSessionDuration") {
            let l = loc.key("MaxSessionDuration");
            match n.literal().and_then(|s| s.parse::<u32>().ok()) {
                Some(v) => out
                    .props
                    .push(("max_session_duration".into(), Y::Num(v.to_string()))),
                None => self.issue(
                    &l,
                    "MaxSessionDuration is a literal number of seconds in a spec",
                ),
            }
        }
        if let Some(n) = get("PermissionsBoundary") {
            match self.lost(|cx| cx.template_prop(n, &loc.key("PermissionsBoundary"))) {
                (Some(s), false) => out.props.push(("permissions_boundary".into(), Y::Str(s))),
                _ => {
                    out.refused
                        .get_or_insert("its PermissionsBoundary cannot be expressed".into());
                }
            }
        }
        if let Some(n) = get("Tags") {
            if let Some(t) = self.tags(n, &loc.key("Tags")) {
                out.props.push(("tags".into(), t));
            }
        }
        match get("AssumeRolePolicyDocument") {
            Some(n) => match self.document(n, &loc.key("AssumeRolePolicyDocument")) {
                Some(d) => out.trust = trust_entries(&d),
                None => {
                    out.refused
                        .get_or_insert("its AssumeRolePolicyDocument cannot be imported".into());
                }
            },
            None => self.issue(&loc, "the role has no AssumeRolePolicyDocument"),
        }
        // Leaving out an attachment could leave out a Deny: one that cannot be expressed
        // refuses the role.
        let lost_attachment =
            "a ManagedPolicyArns entry cannot be expressed (the policy it attaches may deny)";
        if let Some(n) = get("ManagedPolicyArns") {
            let l = loc.key("ManagedPolicyArns");
            let mut tops = Vec::new();
            self.top_variants(n, &l, None, false, &mut tops);
            let mut items = Vec::new();
            for (w, unsure, node, nl) in tops {
                match node {
                    N::Seq(v) => {
                        for (i, x) in v.iter().enumerate() {
                            self.top_variants(x, &nl.index(i), w.clone(), unsure, &mut items);
                        }
                    }
                    other => {
                        if self.is_list_param(other).is_some() {
                            self.issue(&nl, "a list parameter of policy ARNs cannot be attached: a spec attaches one ARN per entry");
                        } else {
                            self.issue(
                                &nl,
                                format!("ManagedPolicyArns is a list, found {}", other.kind()),
                            );
                        }
                        out.refused.get_or_insert(lost_attachment.into());
                    }
                }
            }
            for (w, unsure, x, xl) in items {
                match self.lost(|cx| cx.attachment(x, &xl)) {
                    (Some(a), false) if !unsure => out.managed.push((with_when(a, &w), xl)),
                    _ => {
                        out.refused.get_or_insert(lost_attachment.into());
                    }
                }
            }
        }
        if let Some(n) = get("Policies") {
            let l = loc.key("Policies");
            let mut tops = Vec::new();
            self.top_variants(n, &l, None, false, &mut tops);
            let mut items = Vec::new();
            for (w, unsure, node, nl) in tops {
                match node {
                    N::Seq(v) => {
                        for (i, x) in v.iter().enumerate() {
                            self.top_variants(x, &nl.index(i), w.clone(), unsure, &mut items);
                        }
                    }
                    other => {
                        self.issue(&nl, format!("Policies is a list, found {}", other.kind()));
                        if may_deny(other) {
                            out.refused.get_or_insert(lost_deny(&nl));
                        }
                    }
                }
            }
            let mut inline = Vec::new();
            for (w, unsure, x, xl) in items {
                if !matches!(x, N::Map(_)) {
                    self.issue(
                        &xl,
                        "an inline policy is a mapping with PolicyName and PolicyDocument",
                    );
                    if may_deny(x) {
                        out.refused.get_or_insert(lost_deny(&xl));
                    }
                    continue;
                }
                let Some(name) = x
                    .get("PolicyName")
                    .and_then(|n| self.plain_prop(n, &xl.key("PolicyName"), "PolicyName"))
                else {
                    if x.get("PolicyName").is_none() {
                        self.issue(&xl, "the inline policy has no PolicyName");
                    }
                    if may_deny(x) {
                        out.refused.get_or_insert(lost_deny(&xl));
                    }
                    continue;
                };
                let Some(dn) = x.get("PolicyDocument") else {
                    self.issue(&xl, "the inline policy has no PolicyDocument");
                    continue;
                };
                if let N::Map(m) = x {
                    for (k, _) in m {
                        if k != "PolicyName" && k != "PolicyDocument" {
                            self.issue(
                                &xl.key(k),
                                format!("`{k}` is not a property of an inline policy"),
                            );
                        }
                    }
                }
                match self.document(dn, &xl.key("PolicyDocument")) {
                    Some(mut d) => {
                        if unsure {
                            d.statements = self.unswitched_all(d.statements, Vec::new(), &xl);
                            if d.statements.is_empty() {
                                continue;
                            }
                        }
                        inline.push((name, with_when(d.to_y(), &w), xl));
                    }
                    None => {
                        if may_deny(dn) {
                            out.refused.get_or_insert(lost_deny(&xl));
                        }
                    }
                }
            }
            for (name, y, l) in inline {
                add_inline(self, &mut out, name, y, &l);
            }
        }
        for (k, _) in &props {
            match k.as_str() {
                "RoleName"
                | "Path"
                | "Description"
                | "MaxSessionDuration"
                | "PermissionsBoundary"
                | "Tags"
                | "AssumeRolePolicyDocument"
                | "ManagedPolicyArns"
                | "Policies" => {}
                other => self.issue(
                    &loc.key(other),
                    format!("the role property `{other}` cannot be expressed"),
                ),
            }
        }
        self.roles.insert(id.to_owned(), out);
    }

    fn tags(&mut self, n: &N, loc: &Loc) -> Option<Y> {
        if !self.no_if(n, loc) {
            return None;
        }
        let N::Seq(items) = n else {
            self.issue(loc, "Tags is a list of Key/Value mappings");
            return None;
        };
        let mut out = Vec::new();
        for (i, t) in items.iter().enumerate() {
            let l = loc.index(i);
            let (Some(k), Some(v)) = (t.get("Key"), t.get("Value")) else {
                self.issue(&l, "a tag has a Key and a Value");
                continue;
            };
            let Some(k) = self.lit_text(k, &l.key("Key"), "a tag key") else {
                continue;
            };
            let Some(t) = self.scalar(v, &l.key("Value")) else {
                continue;
            };
            if let Some(s) = self.spec_str(&t, &l.key("Value")) {
                out.push((k, Y::Str(s)));
            }
        }
        Some(Y::Map(out))
    }

    fn attachment(&mut self, n: &N, loc: &Loc) -> Option<Y> {
        if let Some(("Ref", N::Str(r), _)) = n.as_fn() {
            if let Some((ty, _)) = self.resources.get(r) {
                if ty == "AWS::IAM::ManagedPolicy" {
                    let k = self.keys.assign(r);
                    return Some(Y::Map(vec![("policy".into(), Y::s(k))]));
                }
            }
        }
        if !self.no_if(n, loc) {
            return None;
        }
        let t = self.scalar(n, loc)?;
        Some(attachment_y(&t).unwrap_or_else(|| {
            let s = self.spec_str(&t, loc).unwrap_or_default();
            Y::Map(vec![("arn".into(), Y::Str(s))])
        }))
    }

    fn role_of(&mut self, n: &N, loc: &Loc) -> Option<String> {
        if let Some(("Ref", N::Str(r), _)) = n.as_fn() {
            if self.roles.contains_key(r) {
                return Some(r.clone());
            }
        }
        // A role named literally (or by the same parameter) as one of the template's roles.
        if let Some(t) = self.scalar(n, loc) {
            let found = self
                .roles
                .iter()
                .find(|(_, r)| r.fixed_name.as_ref() == Some(&t))
                .map(|(id, _)| id.clone());
            if found.is_some() {
                return found;
            }
            self.issue(
                loc,
                format!("`{}` is not a role of this template; a spec attaches policies to its own roles only", t.display()),
            );
        }
        None
    }

    /// The switch and document of an `AWS::IAM::Policy` or `AWS::IAM::RolePolicy` on one of
    /// its roles: under a Condition the spec cannot express, its Denies only, always on.
    fn attached_doc(&mut self, id: &str, role: &str, doc: &Doc) -> Option<Y> {
        let role_when = self.roles.get(role).and_then(|o| o.when.clone());
        match self.resource_when_under(id, role_when.as_ref()) {
            Ok(when) => Some(with_when(doc.to_y(), &when)),
            Err(()) => {
                let statements =
                    self.unswitched_all(doc.statements.clone(), Vec::new(), &res_loc(id));
                (!statements.is_empty()).then(|| {
                    Doc {
                        statements,
                        ..doc.clone()
                    }
                    .to_y()
                })
            }
        }
    }

    /// Adds policy `id` (name, document) to its roles; when it cannot be imported and may
    /// deny, refuses them instead.
    fn add_to_roles(
        &mut self,
        id: &str,
        name: Option<String>,
        doc: Option<Doc>,
        targets: &[String],
    ) {
        let (Some(name), Some(doc)) = (name, doc) else {
            let may = self
                .resources
                .get(id)
                .and_then(|(_, r)| r.get("Properties"))
                .is_some_and(may_deny);
            if may {
                for r in targets {
                    self.refuse_role(r, lost_deny(&res_loc(id)));
                }
            }
            return;
        };
        for r in targets {
            let Some(y) = self.attached_doc(id, r, &doc) else {
                continue;
            };
            if let Some(mut out) = self.roles.swap_remove(r) {
                add_inline(self, &mut out, name.clone(), y, &res_loc(id));
                self.roles.insert(r.clone(), out);
            }
        }
        self.sort_roles();
    }

    fn policy(&mut self, id: &str) {
        self.check_attributes(id);
        let loc = res_loc(id).key("Properties");
        let props = self.props(id);
        let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let name = get("PolicyName")
            .and_then(|n| self.plain_prop(&n, &loc.key("PolicyName"), "PolicyName"));
        let doc = get("PolicyDocument").and_then(|n| self.document(&n, &loc.key("PolicyDocument")));
        if name.is_none() || doc.is_none() {
            self.issue(
                &loc,
                "the policy needs a literal PolicyName and a PolicyDocument",
            );
        }
        for k in ["Users", "Groups"] {
            if get(k).is_some() {
                self.issue(
                    &loc.key(k),
                    format!("{k} are not imported: a spec holds roles only"),
                );
            }
        }
        let mut targets = Vec::new();
        match get("Roles") {
            Some(N::Seq(v)) => {
                for (i, r) in v.iter().enumerate() {
                    if let Some(r) = self.role_of(r, &loc.key("Roles").index(i)) {
                        targets.push(r);
                    }
                }
            }
            Some(_) => self.issue(&loc.key("Roles"), "Roles is a list"),
            None => {}
        }
        if targets.is_empty() {
            self.issue(
                &loc,
                "the policy is attached to no role of the template; not imported",
            );
        }
        for (k, _) in &props {
            if !matches!(
                k.as_str(),
                "PolicyName" | "PolicyDocument" | "Roles" | "Users" | "Groups"
            ) {
                self.issue(
                    &loc.key(k),
                    format!("the policy property `{k}` cannot be expressed"),
                );
            }
        }
        self.add_to_roles(id, name, doc, &targets);
    }

    fn role_policy(&mut self, id: &str) {
        self.check_attributes(id);
        let loc = res_loc(id).key("Properties");
        let props = self.props(id);
        let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let name = get("PolicyName")
            .and_then(|n| self.plain_prop(&n, &loc.key("PolicyName"), "PolicyName"));
        let doc = get("PolicyDocument").and_then(|n| self.document(&n, &loc.key("PolicyDocument")));
        let role = get("RoleName").and_then(|n| self.role_of(&n, &loc.key("RoleName")));
        for (k, _) in &props {
            if !matches!(k.as_str(), "PolicyName" | "PolicyDocument" | "RoleName") {
                self.issue(
                    &loc.key(k),
                    format!("the policy property `{k}` cannot be expressed"),
                );
            }
        }
        if name.is_none() || doc.is_none() || role.is_none() {
            self.issue(&loc, "the role policy needs a literal PolicyName, a PolicyDocument and a role of the template; not imported");
        }
        self.add_to_roles(id, name, doc, &role.into_iter().collect::<Vec<_>>());
    }

    /// Keeps roles in template order after a remove/insert.
    fn sort_roles(&mut self) {
        let order: Vec<String> = self.resources.keys().cloned().collect();
        self.roles
            .sort_by_key(|id, _| order.iter().position(|o| o == id).unwrap_or(usize::MAX));
    }

    fn instance_profile(&mut self, id: &str) {
        self.check_attributes(id);
        let loc = res_loc(id).key("Properties");
        let props = self.props(id);
        let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let roles = match get("Roles") {
            Some(N::Seq(v)) => v,
            _ => {
                self.issue(&loc, "the instance profile has no Roles list; not imported");
                return;
            }
        };
        let [r] = roles.as_slice() else {
            self.issue(
                &loc.key("Roles"),
                "an instance profile of a spec holds exactly one role; not imported",
            );
            return;
        };
        let Some(role) = self.role_of(r, &loc.key("Roles").index(0)) else {
            return;
        };
        for (k, _) in &props {
            if !matches!(k.as_str(), "InstanceProfileName" | "Path" | "Roles") {
                self.issue(
                    &loc.key(k),
                    format!("the instance profile property `{k}` cannot be expressed"),
                );
            }
        }
        let name =
            get("InstanceProfileName").and_then(|_| self.prop_template(id, "InstanceProfileName"));
        let path = get("Path").and_then(|_| self.prop_template(id, "Path"));
        let Some(mut out) = self.roles.swap_remove(&role) else {
            return;
        };
        let switched = self
            .resources
            .get(id)
            .is_some_and(|(_, r)| r.get("Condition").is_some());
        let Ok(own) = self.resource_when_under(id, out.when.as_ref()) else {
            // An instance profile lets EC2 take the role: left out, never on "as if true".
            self.report(
                &res_loc(id),
                "the instance profile is not imported: its Condition cannot be a `when:`",
            );
            self.roles.insert(role, out);
            self.sort_roles();
            return;
        };
        if own.is_some() || (out.when.is_some() && !switched) {
            self.issue(
                &res_loc(id).key("Condition"),
                "the instance profile is switched differently from its role; a spec creates it with the role",
            );
        }
        if out.profile.is_some() {
            self.issue(
                &res_loc(id),
                "the role already has an instance profile; not imported",
            );
        } else {
            let y = match (&name, &path) {
                (Some(n), None) if Some(n) == out.fixed_name.as_ref() => Some(Y::Bool(true)),
                (None, None) if out.fixed_name.is_none() => Some(Y::Bool(true)),
                (None, _) if out.fixed_name.is_some() => {
                    self.issue(&loc, "an instance profile without a name on a named role cannot be expressed: a spec names it like the role");
                    Some(Y::Bool(true))
                }
                _ => {
                    let mut m = Vec::new();
                    if let Some(s) = name
                        .as_ref()
                        .and_then(|t| self.spec_str(t, &loc.key("InstanceProfileName")))
                    {
                        m.push(("name".to_owned(), Y::Str(s)));
                    }
                    if let Some(s) = path
                        .as_ref()
                        .and_then(|t| self.spec_str(t, &loc.key("Path")))
                    {
                        m.push(("path".to_owned(), Y::Str(s)));
                    }
                    Some(Y::Map(m))
                }
            };
            out.profile = y;
        }
        self.roles.insert(role, out);
        self.sort_roles();
    }

    fn managed_policy(&mut self, id: &str) {
        self.check_attributes(id);
        let loc = res_loc(id).key("Properties");
        let key = self.keys.assign(id);
        let (when, unsure) = match self.resource_when(id) {
            Ok(w) => (w, false),
            Err(()) => (None, true),
        };
        let props = self.props(id);
        let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let mut m: Vec<(String, Y)> = Vec::new();
        match get("ManagedPolicyName") {
            Some(n) => {
                if self.no_if(&n, &loc.key("ManagedPolicyName")) {
                    if let Some(t) = self.prop_template(id, "ManagedPolicyName") {
                        if let Some(s) = self.spec_str(&t, &loc.key("ManagedPolicyName")) {
                            m.push(("name".into(), Y::Str(s)));
                        }
                    }
                }
            }
            None => {
                self.issue(
                    &loc,
                    format!("the managed policy has no ManagedPolicyName (CloudFormation generates one); a spec names it: `{id}`"),
                );
                m.push(("name".into(), Y::s(id)));
            }
        }
        if let Some(n) = get("Path") {
            if self.no_if(&n, &loc.key("Path")) {
                if let Some(t) = self.prop_template(id, "Path") {
                    if let Some(s) = self.spec_str(&t, &loc.key("Path")) {
                        m.push(("path".into(), Y::Str(s)));
                    }
                }
            }
        }
        if let Some(n) = get("Description") {
            if let Some(s) =
                self.plain_prop(&n, &loc.key("Description"), "a managed policy description")
            {
                m.push(("description".into(), Y::Str(s)));
            }
        }
        let doc = match get("PolicyDocument") {
            Some(n) => {
                let d = self.document(&n, &loc.key("PolicyDocument"));
                if d.is_none() && may_deny(&n) {
                    self.poisoned
                        .insert(key.clone(), lost_deny(&loc.key("PolicyDocument")));
                }
                d
            }
            None => {
                self.issue(&loc, "the managed policy has no PolicyDocument");
                None
            }
        };
        let mut doc = doc.unwrap_or(Doc {
            version: None,
            id: None,
            statements: Vec::new(),
        });
        if unsure {
            // Attached under a Condition the spec cannot express: its Denies, always on.
            doc.statements = self.unswitched_all(doc.statements, Vec::new(), &res_loc(id));
        }
        m.push(("document".into(), with_when(doc.to_y(), &when)));
        for k in ["Users", "Groups"] {
            if get(k).is_some() {
                self.issue(
                    &loc.key(k),
                    format!("{k} are not imported: a spec holds roles only"),
                );
            }
        }
        for (k, _) in &props {
            if !matches!(
                k.as_str(),
                "ManagedPolicyName"
                    | "Path"
                    | "Description"
                    | "PolicyDocument"
                    | "Roles"
                    | "Users"
                    | "Groups"
            ) {
                self.issue(
                    &loc.key(k),
                    format!("the managed policy property `{k}` cannot be expressed"),
                );
            }
        }
        self.policies.insert(id.to_owned(), (key, Y::Map(m), when));
    }

    /// `Roles:` of a managed policy: attachments on those roles.
    fn managed_policy_roles(&mut self, id: &str) {
        let loc = res_loc(id).key("Properties").key("Roles");
        let props = self.props(id);
        let Some((_, roles)) = props.iter().find(|(k, _)| k == "Roles") else {
            return;
        };
        let N::Seq(v) = roles else {
            self.issue(&loc, "Roles is a list");
            return;
        };
        let Some((key, _, when)) = self.policies.get(id).cloned() else {
            return;
        };
        for (i, r) in v.iter().enumerate() {
            let Some(role) = self.role_of(r, &loc.index(i)) else {
                continue;
            };
            let y = with_when(Y::Map(vec![("policy".into(), Y::s(&key))]), &when);
            if let Some(out) = self.roles.get_mut(&role) {
                out.managed.push((y, loc.index(i)));
            }
        }
    }

    fn kms_key(&mut self, id: &str) {
        self.check_attributes(id);
        let loc = res_loc(id).key("Properties");
        let key = self.keys.assign(id);
        let Ok(when) = self.resource_when(id) else {
            self.report(
                &res_loc(id),
                "the key is not imported: its Condition cannot be a `when:` (creating it always would grant more)",
            );
            return;
        };
        let props = self.props(id);
        let mut e: Vec<(String, Y)> = Vec::new();
        let mut rotation = false;
        let mut policy = None;
        for (k, v) in &props {
            let l = loc.key(k);
            match k.as_str() {
                "Description" => {
                    if let Some(s) = self.plain_prop(v, &l, "a key description") {
                        e.push(("description".into(), Y::Str(s)));
                    }
                }
                "EnableKeyRotation" => match v.literal().as_deref() {
                    Some("true") => rotation = true,
                    Some("false") => rotation = false,
                    _ => self.issue(&l, "EnableKeyRotation is a literal true or false in a spec"),
                },
                "KeyPolicy" => policy = self.document(v, &l),
                "Enabled" | "MultiRegion" | "BypassPolicyLockoutSafetyCheck"
                    if v.literal().as_deref() == Some(if k == "Enabled" { "true" } else { "false" }) => {}
                "KeyUsage" if v.literal().as_deref() == Some("ENCRYPT_DECRYPT") => {}
                "KeySpec" if v.literal().as_deref() == Some("SYMMETRIC_DEFAULT") => {}
                other => self.issue(&l, format!("the key property `{other}` cannot be expressed (a spec key is a symmetric key with a policy, description, alias and rotation)")),
            }
        }
        if !rotation {
            e.push(("rotation".into(), Y::Bool(false)));
        }
        match policy {
            Some(d) => e.push(("policy".into(), d.to_y())),
            None => {
                if !props.iter().any(|(k, _)| k == "KeyPolicy") {
                    self.issue(&loc, "the key has no KeyPolicy (AWS would apply its default); a spec writes the policy");
                }
                e.push((
                    "policy".into(),
                    Doc {
                        version: None,
                        id: None,
                        statements: Vec::new(),
                    }
                    .to_y(),
                ));
            }
        }
        self.kms.insert(
            id.to_owned(),
            KeyOut {
                key,
                entries: e,
                when,
                alias: None,
            },
        );
    }

    fn kms_alias(&mut self, id: &str) {
        self.check_attributes(id);
        let loc = res_loc(id).key("Properties");
        let Ok(when) = self.resource_when(id) else {
            self.report(
                &res_loc(id),
                "the alias is not imported: its Condition cannot be a `when:`",
            );
            return;
        };
        let props = self.props(id);
        let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let name =
            get("AliasName").and_then(|n| self.plain_prop(&n, &loc.key("AliasName"), "AliasName"));
        let target = get("TargetKeyId").and_then(|n| match n.as_fn() {
            Some(("Ref", N::Str(k), _)) => Some(k.clone()),
            Some(("Fn::GetAtt", N::Seq(v), _)) => v.first().and_then(N::literal),
            _ => None,
        });
        let (Some(name), Some(target)) = (name, target) else {
            self.issue(&loc, "the alias needs a literal AliasName and a TargetKeyId that refers to a key of the template; not imported");
            return;
        };
        let Some(k) = self.kms.get_mut(&target) else {
            self.issue(
                &loc.key("TargetKeyId"),
                format!("`{target}` is not a KMS key of the template; not imported"),
            );
            return;
        };
        if k.alias.is_some() {
            self.issue(
                &res_loc(id),
                "the key already has an alias; a spec key has one",
            );
            return;
        }
        k.alias = Some(name.strip_prefix("alias/").unwrap_or(&name).to_owned());
        if k.when != when {
            self.issue(
                &res_loc(id).key("Condition"),
                "the alias is switched differently from its key; a spec creates it with the key",
            );
        }
    }
}

/// `aws:` for AWS managed policy ARNs (partition-aware or a literal `arn:aws:`).
fn attachment_y(t: &Template) -> Option<Y> {
    const PREFIX: &str = ":iam::aws:policy/";
    if let [Part::Lit(a), Part::Pseudo(Pseudo::Partition), Part::Lit(rest)] = t.parts.as_slice() {
        if a == "arn:" {
            if let Some(name) = rest.strip_prefix(PREFIX) {
                if !name.is_empty() && !name.contains("${") {
                    return Some(Y::Map(vec![("aws".into(), Y::s(name))]));
                }
            }
        }
    }
    if let Some(l) = t.as_literal() {
        if let Some(name) = l
            .strip_prefix("arn:aws")
            .and_then(|r| r.strip_prefix(PREFIX))
        {
            if !name.is_empty() && !name.contains("${") {
                return Some(Y::Map(vec![("aws".into(), Y::s(name))]));
            }
        }
    }
    None
}

/// The condition an `Fn::If` argument names.
fn n_cond(arg: &N) -> String {
    match arg {
        N::Seq(v) => v.first().and_then(N::literal).unwrap_or_default(),
        _ => String::new(),
    }
}

/// True if an `Fn::FindInMap` argument has a key that is not literal (chosen at deploy time).
fn dynamic_keys(arg: &N) -> bool {
    match arg {
        N::Seq(v) => v.len() == 3 && v.iter().any(|k| k.literal().is_none()),
        _ => false,
    }
}

/// True if `n` (a policy, a document, a statement) may hold a Deny: an `Effect` other than a
/// literal `Allow`, or "deny" anywhere in its text (a document given as a JSON string is read
/// as such). Leaving out what may deny could grant more.
fn may_deny(n: &N) -> bool {
    match n {
        N::Str(s) | N::Sub(s, _) => {
            s.to_ascii_lowercase().contains("deny")
                || serde_json::from_str::<serde_json::Value>(s)
                    .is_ok_and(|v| v.is_object() && may_deny(&node::from_json(&v, None, false)))
        }
        N::Map(m) => m.iter().any(|(k, v)| {
            (k == "Effect" && v.literal().as_deref() != Some("Allow")) || may_deny(v)
        }),
        N::Seq(v) => v.iter().any(may_deny),
        N::Fn(_, arg, _) => may_deny(arg),
        N::Null | N::Bool(_) | N::Num(_) => false,
    }
}

/// Why a role is refused when a policy of it that may deny cannot be imported.
fn lost_deny(loc: &Loc) -> String {
    format!(
        "its policy at {} cannot be imported and may hold a Deny",
        loc.display()
    )
}

/// True if a spec document (or statement list) holds a statement that is not an Allow.
fn y_may_deny(doc: &Y) -> bool {
    match doc.get("Statement") {
        Some(Y::Seq(v)) => v.iter().any(|s| !narrow::is_allow(s)),
        _ => false,
    }
}

fn add_inline(cx: &mut Cx, out: &mut RoleOut, name: String, y: Y, loc: &Loc) {
    let Some(pos) = out.inline.iter().position(|(n, _)| *n == name) else {
        out.inline.push((name, y));
        return;
    };
    let existing = out.inline[pos].1.clone();
    let (we, wn) = (when_of(&existing), when_of(&y));
    match (we, wn) {
        (Some(a), Some(b)) if a == b.not() => {
            let (Some(Y::Seq(sa)), Some(Y::Seq(sb))) =
                (existing.get("Statement"), y.get("Statement"))
            else {
                if y_may_deny(&y) {
                    out.refused.get_or_insert(lost_deny(loc));
                }
                return;
            };
            if existing.get("Version") != y.get("Version") || existing.get("Id") != y.get("Id") {
                cx.issue(loc, format!("inline policy `{name}` has two switched variants with different Versions; not merged"));
                if y_may_deny(&y) {
                    out.refused.get_or_insert(lost_deny(loc));
                }
                return;
            }
            match cx.merge(sa.clone(), sb.clone(), &a, loc) {
                Some(merged) => {
                    let mut doc = existing.clone();
                    doc.remove("when");
                    doc.set("Statement", Y::Seq(merged));
                    out.inline[pos].1 = doc;
                }
                None => {
                    if y_may_deny(&y) {
                        out.refused.get_or_insert(lost_deny(loc));
                    }
                }
            }
        }
        _ => {
            cx.issue(
                loc,
                format!(
                    "the role already has an inline policy named `{name}`; this one is left out"
                ),
            );
            if y_may_deny(&y) {
                out.refused.get_or_insert(lost_deny(loc));
            }
        }
    }
}

/// Trust entries of a role from a document's parts (see [`trust_entries`]).
pub(crate) fn trust_from(
    version: Option<String>,
    id: Option<String>,
    statements: Vec<Y>,
) -> Vec<(String, Y)> {
    trust_entries(&Doc {
        version,
        id,
        statements,
    })
}

/// `aws:` for AWS managed policy ARNs (for other importers).
pub(crate) fn aws_attachment(t: &Template) -> Option<Y> {
    attachment_y(t)
}

/// Trust entries of a role: helpers for obvious exact matches, else a raw `trust_document`.
fn trust_entries(d: &Doc) -> Vec<(String, Y)> {
    let helpers: Option<Vec<Y>> = d.statements.iter().map(trust_helper).collect();
    match helpers {
        Some(h) if !h.is_empty() => {
            let mut v = vec![("trust".to_owned(), Y::Seq(h))];
            match d.version.as_deref() {
                Some("2012-10-17") | None => {}
                Some(other) => v.push(("trust_version".into(), Y::s(other))),
            }
            if d.id.is_some() {
                return vec![("trust_document".into(), d.to_y())];
            }
            v
        }
        _ => vec![("trust_document".into(), d.to_y())],
    }
}

fn trust_helper(s: &Y) -> Option<Y> {
    let Y::Map(m) = s else { return None };
    for (k, _) in m {
        if !matches!(
            k.as_str(),
            "Effect" | "Principal" | "Action" | "Condition" | "when"
        ) {
            return None;
        }
    }
    if s.get("Effect")?.as_str()? != "Allow" {
        return None;
    }
    if s.get("Action")?.strings()? != ["sts:AssumeRole"] {
        return None;
    }
    let Y::Map(p) = s.get("Principal")? else {
        return None;
    };
    let [(ptype, values)] = p.as_slice() else {
        return None;
    };
    let vals: Vec<String> = values.strings()?.into_iter().map(str::to_owned).collect();
    let cond = s.get("Condition");
    let cond_one = |op: &str, key: &str| -> Option<String> {
        let Y::Map(c) = cond? else { return None };
        let [(o, Y::Map(keys))] = c.as_slice() else {
            return None;
        };
        let [(k, v)] = keys.as_slice() else {
            return None;
        };
        if o != op || k != key {
            return None;
        }
        let v = v.strings()?;
        let [one] = v.as_slice() else { return None };
        Some((*one).to_owned())
    };
    let mut out: Vec<(String, Y)> = Vec::new();
    match ptype.as_str() {
        "Service" => {
            out.push((
                "service".into(),
                Y::Seq(vals.into_iter().map(Y::Str).collect()),
            ));
            if cond.is_some() {
                if cond_one("StringEquals", "aws:SourceAccount").as_deref()
                    != Some("${AWS::AccountId}")
                {
                    return None;
                }
                out.push(("source_account".into(), Y::Bool(true)));
            }
        }
        "AWS" => {
            let mut accounts = Vec::new();
            for v in vals {
                let id = v
                    .strip_prefix("arn:${AWS::Partition}:iam::")
                    .and_then(|r| r.strip_suffix(":root"))
                    .filter(|id| id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()));
                match id {
                    Some(id) => accounts.push(Y::s(id)),
                    None if v.starts_with("arn:") || v == "*" => accounts.push(Y::Str(v)),
                    None => return None,
                }
            }
            out.push(("account".into(), Y::Seq(accounts)));
            if cond.is_some() {
                out.push((
                    "external_id".into(),
                    Y::Str(cond_one("StringEquals", "sts:ExternalId")?),
                ));
            }
        }
        _ => return None,
    }
    if let Some(w) = s.get("when") {
        out.push(("when".into(), w.clone()));
    }
    Some(Y::Map(out))
}

/// A `kms_keys:` entry: its entries with `alias` after `description` and `when` before `policy`.
pub(crate) fn key_entry(mut e: Vec<(String, Y)>, alias: Option<String>, when: Option<&Sw>) -> Y {
    if let Some(a) = alias {
        let at = usize::from(e.first().is_some_and(|(n, _)| n == "description"));
        e.insert(at, ("alias".into(), Y::s(a)));
    }
    if let Some(w) = when {
        let at = e.iter().position(|(n, _)| n == "policy").unwrap_or(e.len());
        e.insert(at, ("when".into(), Y::s(w.text())));
    }
    Y::Map(e)
}

/// A `roles:` entry: its properties, `when`, `instance_profile`, trust, `managed_policies` and
/// `inline_policies`, in that order (empty lists left out).
pub(crate) fn role_entry(
    mut m: Vec<(String, Y)>,
    when: Option<&Sw>,
    profile: Option<Y>,
    trust: Vec<(String, Y)>,
    managed: Vec<Y>,
    inline: Vec<(String, Y)>,
) -> Y {
    if let Some(w) = when {
        m.retain(|(k, _)| k != "when");
        m.push(("when".into(), Y::s(w.text())));
    }
    if let Some(p) = profile {
        m.push(("instance_profile".into(), p));
    }
    m.extend(trust);
    if !managed.is_empty() {
        m.push(("managed_policies".into(), Y::Seq(managed)));
    }
    if !inline.is_empty() {
        m.push(("inline_policies".into(), Y::Map(inline)));
    }
    Y::Map(m)
}

/// The whole imported spec: `top` (module, description), then parameters, roles, policies
/// and KMS keys, each left out when empty.
pub(crate) fn spec_tree(
    mut top: Vec<(String, Y)>,
    params: Vec<(String, Y)>,
    roles: Vec<(String, Y)>,
    policies: Vec<(String, Y)>,
    keys: Vec<(String, Y)>,
) -> Y {
    for (name, entries) in [
        ("parameters", params),
        ("roles", roles),
        ("policies", policies),
        ("kms_keys", keys),
    ] {
        if !entries.is_empty() {
            top.push((name.into(), Y::Map(entries)));
        }
    }
    Y::Map(top)
}

/// The console's view of the parameters (`Metadata: AWS::CloudFormation::Interface`).
#[derive(Default)]
struct Console {
    /// Parameter → its `ParameterLabels` label.
    labels: HashMap<String, String>,
    /// Parameter → its group's label, for groups other than rolegen's default "Parameters".
    groups: HashMap<String, String>,
}

fn interface(root: &N) -> Console {
    let mut c = Console::default();
    let Some(i) = root
        .get("Metadata")
        .and_then(|m| m.get("AWS::CloudFormation::Interface"))
    else {
        return c;
    };
    if let Some(N::Map(labels)) = i.get("ParameterLabels") {
        for (name, l) in labels {
            if let Some(text) = l.get("default").and_then(N::literal) {
                c.labels.insert(name.clone(), text);
            }
        }
    }
    if let Some(N::Seq(groups)) = i.get("ParameterGroups") {
        for g in groups {
            let label = g
                .get("Label")
                .and_then(|l| l.get("default"))
                .and_then(N::literal);
            let (Some(label), Some(N::Seq(params))) = (label, g.get("Parameters")) else {
                continue;
            };
            if label == "Parameters" {
                continue;
            }
            for p in params.iter().filter_map(N::literal) {
                c.groups.insert(p, label.clone());
            }
        }
    }
    c
}
