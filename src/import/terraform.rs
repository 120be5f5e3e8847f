//! `rolegen import --from terraform DIR`: a Terraform module made of the resources rolegen
//! emits — `aws_iam_role`, `data "aws_iam_policy_document"` (with `dynamic "statement"`
//! switches), `aws_iam_role_policy`, `aws_iam_role_policy_attachment` (`for_each` over
//! `merge(...)` or one ARN), `aws_iam_policy`, `aws_iam_instance_profile`, `aws_kms_key`,
//! `aws_kms_alias`, `jsonencode(...)` or JSON-string policies — with `variable`s as parameters
//! (`var.deployment_prefix` → `${DeploymentPrefix}`) and `count = var.flag ? 1 : 0` as `when:`.
//! The `.tf` files are read with the crate's own HCL parser ([`super::hcl`]).

use super::builder::{aws_attachment, key_entry, role_entry, spec_tree, trust_from, with_when, Sw};
use super::hcl::{self, Attr, Block, Body, Expr, Step, TPart};
use super::narrow::{self, El, Settled};
use super::yaml::Y;
use super::{read_input, spec_literal, spec_string, Imported, InputError, Issue, Keys, Level};
use crate::model::names::pascal;
use crate::model::{ParamKind, ParamName, Part, Pseudo, Template};
use indexmap::IndexMap;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Where: a file and line, and the Terraform address and attribute.
#[derive(Debug, Clone)]
struct At {
    file: usize,
    line: usize,
    what: String,
}

struct Tf {
    files: Vec<PathBuf>,
    vars: IndexMap<String, (String, ParamKind)>,
    /// Module-convention variables read as conventions, not parameters: `create` (a bool
    /// toggle gating every resource) and `tags` (merged into every resource's tags).
    conventions: HashSet<String>,
    docs: HashMap<String, (usize, Block)>,
    roles: IndexMap<String, RoleOut>,
    policies: IndexMap<String, (String, Y, Option<Sw>)>,
    keys_out: IndexMap<String, KeyOut>,
    bound: Vec<(String, Template)>,
    keys: Keys,
    issues: Vec<Issue>,
    synth: Vec<(String, Y)>,
    /// Introduced parameters by the expression they take the place of.
    introduced: IndexMap<String, serde_json::Value>,
    /// Error issues that lost part of the input (see `cfn`'s counter of the same name).
    lossy: usize,
    /// Policies (spec keys) whose document could not be read: roles attaching them are
    /// refused.
    poisoned: HashMap<String, String>,
    budget: super::Budget,
}

/// A KMS key: spec key, entries, switch, alias.
type KeyOut = (String, Vec<(String, Y)>, Option<Sw>, Option<String>);

#[derive(Debug, Default)]
struct RoleOut {
    key: String,
    props: Vec<(String, Y)>,
    when: Option<Sw>,
    name: Option<Template>,
    path: Option<Template>,
    profile: Option<Y>,
    trust: Vec<(String, Y)>,
    managed: Vec<Y>,
    inline: Vec<(String, Y)>,
    /// Why the role is not imported at all (importing it without what it lost would grant
    /// more).
    refused: Option<String>,
}

/// Imports a module folder (every `*.tf` in it).
pub fn import(dir: &Path, module: &str) -> Result<Imported, InputError> {
    let paths: Vec<PathBuf> = if dir.is_file() {
        vec![dir.to_path_buf()]
    } else {
        let rd = std::fs::read_dir(dir)
            .map_err(|e| InputError::new(dir, format!("cannot read the module folder: {e}")))?;
        let mut v: Vec<PathBuf> = rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "tf"))
            .collect();
        v.sort();
        v
    };
    let mut files = Vec::with_capacity(paths.len());
    for p in paths {
        let text = read_input(&p)?;
        files.push((p, text));
    }
    import_texts(dir, files, module)
}

/// Imports the text of a module's `.tf` files (`dir` names the module in errors).
pub fn import_texts(
    dir: &Path,
    files: Vec<(PathBuf, String)>,
    module: &str,
) -> Result<Imported, InputError> {
    if files.is_empty() {
        return Err(InputError::new(dir, "no *.tf files in the folder"));
    }
    let mut blocks: Vec<(usize, Block)> = Vec::new();
    let mut top_attrs = Vec::new();
    let mut paths = Vec::with_capacity(files.len());
    for (fi, (p, text)) in files.into_iter().enumerate() {
        let body = hcl::parse(&text).map_err(|e| InputError {
            file: p.clone(),
            line: Some((e.line, e.column)),
            message: format!("invalid HCL: {}", e.message),
        })?;
        paths.push(p);
        for item in body.items {
            match item {
                hcl::Item::Block(b) => blocks.push((fi, b)),
                hcl::Item::Attr(a) => top_attrs.push((fi, a)),
            }
        }
    }
    let mut tf = Tf {
        files: paths,
        vars: IndexMap::new(),
        conventions: HashSet::new(),
        docs: HashMap::new(),
        roles: IndexMap::new(),
        policies: IndexMap::new(),
        keys_out: IndexMap::new(),
        bound: Vec::new(),
        keys: Keys::default(),
        issues: Vec::new(),
        synth: Vec::new(),
        introduced: IndexMap::new(),
        lossy: 0,
        poisoned: HashMap::new(),
        budget: super::Budget::new(),
    };
    for (fi, a) in &top_attrs {
        tf.issue(
            &tf.at(*fi, a.line, &a.name),
            "a top-level attribute is not Terraform configuration",
        );
    }
    let imported = tf.run(blocks, module);
    tf.budget.check(dir)?;
    Ok(imported)
}

fn resource<'a>(
    blocks: &'a [(usize, Block)],
    ty: &'a str,
) -> impl Iterator<Item = &'a (usize, Block)> + 'a {
    blocks.iter().filter(move |(_, b)| {
        b.kind == "resource" && b.labels.first().map(String::as_str) == Some(ty)
    })
}

fn name_of(b: &Block) -> String {
    b.labels.get(1).cloned().unwrap_or_default()
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

/// `aws_iam_role.app.name`, `aws_iam_role.app[0].id` → (`aws_iam_role`, `app`, `name`).
fn reference(e: &Expr) -> Option<(String, String, String)> {
    let Expr::Var(root, steps) = e else {
        return None;
    };
    let mut names = steps.iter().filter_map(|s| match s {
        Step::Attr(a) => Some(a.clone()),
        _ => None,
    });
    let (name, attr) = (names.next()?, names.next()?);
    Some((root.clone(), name, attr))
}

impl Tf {
    fn at(&self, file: usize, line: usize, what: &str) -> At {
        At {
            file,
            line,
            what: what.to_owned(),
        }
    }

    fn push(&mut self, level: Level, at: &At, msg: impl Into<String>) {
        let issue = Issue {
            level,
            file: self.files[at.file].clone(),
            line: Some((at.line, 1)),
            at: at.what.clone(),
            message: msg.into(),
        };
        if !self.issues.contains(&issue) {
            self.issues.push(issue);
        }
    }
    /// Something of the input the spec does not carry.
    fn issue(&mut self, at: &At, msg: impl Into<String>) {
        self.lossy += 1;
        self.push(Level::Error, at, msg);
    }
    /// An error that loses nothing more (a value as a new parameter, a statement settled).
    fn report(&mut self, at: &At, msg: impl Into<String>) {
        self.push(Level::Error, at, msg);
    }
    /// Runs `f`; true if it reported a loss.
    fn lost<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> (Option<T>, bool) {
        let before = self.lossy;
        let v = f(self);
        let lost = v.is_none() || self.lossy > before;
        (v, lost)
    }
    /// A settled statement: reported when narrowed or left out.
    fn settled(&mut self, at: &At, s: Settled) -> Option<Y> {
        match s {
            Settled::Exact(y) => Some(y),
            Settled::Narrowed(y, why) => {
                self.report(at, why);
                Some(y)
            }
            Settled::Dropped(why) => {
                self.report(at, why);
                None
            }
        }
    }
    /// A statement under a switch the spec cannot express (see [`narrow::unswitched`]).
    fn unswitched(&mut self, y: Y, at: &At) -> Option<Y> {
        let kept = narrow::unswitched(y);
        self.report(at, if kept.is_some() {
            "this Deny statement is under a switch the spec cannot express; it is kept without that switch (denying more never grants more)"
        } else {
            "this Allow statement is under a switch the spec cannot express; it is left out (keeping it on would grant more)"
        });
        kept
    }
    fn note(&mut self, at: &At, msg: impl Into<String>) {
        self.push(Level::Note, at, msg);
    }

    fn run(&mut self, blocks: Vec<(usize, Block)>, module: &str) -> Imported {
        let mut params = Vec::new();
        for (fi, b) in &blocks {
            if b.kind == "variable" {
                if let Some(p) = self.variable(*fi, b) {
                    params.push(p);
                }
            }
        }
        let mut outputs: Vec<(usize, usize)> = Vec::new();
        for (fi, b) in &blocks {
            let addr = if b.labels.is_empty() {
                b.kind.clone()
            } else {
                format!("{}.{}", b.kind, b.labels.join("."))
            };
            let at = self.at(*fi, b.line, &addr);
            match (b.kind.as_str(), b.labels.first().map(String::as_str)) {
                ("variable", _) => {}
                ("data", Some("aws_iam_policy_document")) => {
                    self.docs.insert(name_of(b), (*fi, b.clone()));
                }
                ("data", Some("aws_partition" | "aws_caller_identity" | "aws_region")) => {}
                ("resource", Some(
                    "aws_iam_role" | "aws_iam_role_policy" | "aws_iam_role_policy_attachment" | "aws_iam_policy"
                    | "aws_iam_instance_profile" | "aws_kms_key" | "aws_kms_alias",
                )) => {}
                ("output", _) => outputs.push((*fi, b.line)),
                ("terraform" | "provider", _) => self.note(&at, "Terraform and provider settings are not imported"),
                // State moves say nothing about what is granted; rolegen writes its own.
                ("moved", _) => {}
                ("locals", _) => self.issue(&at, "local values are not evaluated; uses of `local.…` are reported where they appear"),
                (kind, Some(ty)) if kind == "resource" || kind == "data" || kind == "module" => {
                    self.issue(&at, format!("`{kind} \"{ty}\"` is not imported: a spec holds IAM roles, policies, instance profiles and KMS keys"))
                }
                (kind, _) => self.issue(&at, format!("`{kind}` blocks are not imported")),
            }
        }
        if let Some((fi, line)) = outputs.first() {
            let at = self.at(*fi, *line, "output");
            self.note(
                &at,
                format!(
                    "{} output(s) not imported: rolegen writes an ARN and a name output per role",
                    outputs.len()
                ),
            );
        }
        // Keys in file order.
        for (_, b) in &blocks {
            if b.kind == "resource"
                && matches!(
                    b.labels.first().map(String::as_str),
                    Some("aws_iam_role" | "aws_iam_policy" | "aws_kms_key")
                )
            {
                self.keys.assign(&name_of(b));
            }
        }
        for (fi, b) in resource(&blocks, "aws_iam_policy") {
            self.policy(*fi, b);
        }
        for (fi, b) in resource(&blocks, "aws_kms_key") {
            self.kms_key(*fi, b);
        }
        for (fi, b) in resource(&blocks, "aws_iam_role") {
            self.role(*fi, b);
        }
        for (fi, b) in &blocks {
            if b.kind != "resource" {
                continue;
            }
            match b.labels.first().map(String::as_str) {
                Some("aws_iam_role_policy") => self.role_policy(*fi, b),
                Some("aws_iam_role_policy_attachment") => self.attachment(*fi, b),
                Some("aws_iam_instance_profile") => self.instance_profile(*fi, b),
                Some("aws_kms_alias") => self.kms_alias(*fi, b),
                _ => {}
            }
        }
        self.finish(module, params)
    }

    fn finish(&mut self, module: &str, mut params: Vec<(String, Y)>) -> Imported {
        params.extend(self.synth.iter().cloned());
        let top = vec![("module".to_owned(), Y::s(module))];
        let mut kept = IndexMap::new();
        for (name, mut r) in std::mem::take(&mut self.roles) {
            for y in &r.managed {
                if let Some(why) = y
                    .get("policy")
                    .and_then(Y::as_str)
                    .and_then(|k| self.poisoned.get(k))
                {
                    r.refused.get_or_insert_with(|| why.clone());
                }
            }
            match r.refused.take() {
                Some(why) => {
                    let at = self.at(0, 1, &format!("aws_iam_role.{name}"));
                    self.report(&at, format!("the role is not imported: {why}; importing it without that would grant more"));
                }
                None => {
                    kept.insert(name, r);
                }
            }
        }
        let roles = kept
            .into_values()
            .map(|r| {
                let e = role_entry(
                    r.props,
                    r.when.as_ref(),
                    r.profile,
                    r.trust,
                    r.managed,
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
        let keys = std::mem::take(&mut self.keys_out)
            .into_values()
            .map(|(k, e, when, alias)| (k, key_entry(e, alias, when.as_ref())))
            .collect();
        let tree = spec_tree(top, params, roles, policies, keys);
        let dir = self
            .files
            .first()
            .and_then(|f| f.parent())
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        let header = vec![format!(
            "Imported by `rolegen import --from terraform` from {dir}."
        )];
        let mut issues = std::mem::take(&mut self.issues);
        issues.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Imported {
            spec: super::yaml::spec_text(&tree, &header),
            tree,
            issues,
            keys: std::mem::take(&mut self.keys.map),
            introduced: std::mem::take(&mut self.introduced),
        }
    }

    // ------------------------------------------------------------ variables

    fn variable(&mut self, fi: usize, b: &Block) -> Option<(String, Y)> {
        let tfname = b.labels.first()?.clone();
        let name = pascal(&tfname);
        let at = self.at(fi, b.line, &format!("variable.{tfname}"));
        if let Some(what) = convention(&tfname, b) {
            self.note(&at, format!("`{tfname}` is read as the module's {what}, as every rolegen module has; it is not a spec parameter"));
            self.conventions.insert(tfname);
            return None;
        }
        let kind = match b.body.attr("type").map(|a| &a.expr) {
            None => {
                self.note(&at, "the variable has no type; read as a string");
                ParamKind::String
            }
            Some(Expr::Var(t, s)) if s.is_empty() => match t.as_str() {
                "string" => ParamKind::String,
                "number" => ParamKind::Number,
                "bool" => ParamKind::Bool,
                other => {
                    self.issue(
                        &at,
                        format!("type `{other}` cannot be expressed; read as a string"),
                    );
                    ParamKind::String
                }
            },
            Some(Expr::Call(f, args, _))
                if (f == "list" || f == "set")
                    && matches!(args.as_slice(), [Expr::Var(t, s)] if t == "string" && s.is_empty()) =>
            {
                ParamKind::List
            }
            Some(_) => {
                self.issue(&at, "this variable type cannot be expressed (string, number, bool, list(string)); read as a string");
                ParamKind::String
            }
        };
        self.vars.insert(tfname.clone(), (name.clone(), kind));
        let mut e = vec![("type".to_owned(), Y::s(kind.as_str()))];
        if let Some(d) = b.body.attr("default") {
            let y = match (&d.expr, kind) {
                (Expr::Bool(v), ParamKind::Bool) => Some(Y::Bool(*v)),
                (Expr::Num(n), ParamKind::Number) => Some(Y::Num(n.clone())),
                (Expr::Tuple(items), ParamKind::List) => items
                    .iter()
                    .map(|i| i.literal().map(Y::Str))
                    .collect::<Option<Vec<_>>>()
                    .map(Y::Seq),
                (Expr::Null, _) => None,
                (x, ParamKind::String) => x.literal().map(Y::Str),
                _ => None,
            };
            match y {
                Some(y) => e.push(("default".into(), y)),
                None if matches!(d.expr, Expr::Null) => {}
                None => self.issue(&at, "the default cannot be expressed as a spec value"),
            }
        }
        if let Some(d) = b.body.attr("description").and_then(|a| a.expr.literal()) {
            e.push(("description".into(), Y::s(d)));
        }
        // Length bounds go after the pattern, in the spec's key order.
        let mut lengths: Vec<(String, Y)> = Vec::new();
        let mut length_at = None;
        let mut ascii_pattern = false;
        for v in b.body.blocks("validation") {
            if let Some((min, max)) = validation_length(&v.body, &tfname) {
                length_at = Some(v.line);
                for (key, n) in [("min_length", min), ("max_length", max)] {
                    if let Some(n) = n {
                        lengths.push((key.into(), Y::Num(n.to_string())));
                    }
                }
                continue;
            }
            match validation_pattern(&v.body) {
                Some(p) => {
                    if let Err(problem) = crate::lower::pattern::check(&p) {
                        self.issue(
                            &self.at(fi, v.line, &format!("variable.{tfname}")),
                            format!("RG012: `{p}`: {}; {}", problem.message, problem.help),
                        );
                    }
                    ascii_pattern = crate::lower::pattern::printable_ascii_only(&p);
                    e.push(("pattern".into(), Y::s(p)));
                }
                None => self.issue(
                    &self.at(fi, v.line, &format!("variable.{tfname}")),
                    "a validation other than a whole-value regex cannot be expressed",
                ),
            }
        }
        match length_at {
            Some(_) if ascii_pattern => e.extend(lengths),
            Some(line) => self.issue(
                &self.at(fi, line, &format!("variable.{tfname}")),
                "a length validation can be carried only with a regex validation of printable ASCII (RG013: CloudFormation would count characters where `length()` counts grapheme clusters)",
            ),
            None => {}
        }
        for item in &b.body.items {
            if let hcl::Item::Attr(a) = item {
                match a.name.as_str() {
                    "type" | "default" | "description" => {}
                    "sensitive" | "nullable" => self.note(
                        &self.at(fi, a.line, &format!("variable.{tfname}")),
                        format!("`{}` is not carried", a.name),
                    ),
                    other => self.issue(
                        &self.at(fi, a.line, &format!("variable.{tfname}")),
                        format!("`{other}` cannot be expressed"),
                    ),
                }
            }
        }
        Some((name, Y::Map(e)))
    }

    // ------------------------------------------------------------ values

    fn var_param(&self, tfname: &str) -> Option<(String, ParamKind)> {
        self.vars.get(tfname).cloned()
    }

    fn synth(&mut self, hint: &str, what: String, at: &At) -> Option<Template> {
        let known = self
            .introduced
            .iter()
            .find(|(_, w)| w.as_str() == Some(what.as_str()))
            .map(|(n, _)| n.clone());
        let name = match known {
            Some(n) => n,
            None => {
                // Distinct expressions are distinct parameters (`a.b` and `a-b` both read
                // `AB`): a taken name gets a number.
                let mut base: String = pascal(hint)
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect();
                if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    base.insert(0, 'P');
                }
                let mut name = base.clone();
                let mut n = 2;
                while self.synth.iter().any(|(s, _)| *s == name)
                    || self.vars.values().any(|(p, _)| *p == name)
                {
                    name = format!("{base}{n}");
                    n += 1;
                }
                self.introduced
                    .insert(name.clone(), serde_json::Value::String(what.clone()));
                name
            }
        };
        if !self.synth.iter().any(|(n, _)| *n == name) {
            self.synth.push((
                name.clone(),
                Y::Map(vec![
                    ("type".into(), Y::s("string")),
                    (
                        "description".into(),
                        Y::s(format!(
                            "Takes the place of {what}, which a spec cannot express."
                        )),
                    ),
                ]),
            ));
        }
        self.report(
            at,
            format!("{what} cannot be expressed; the spec takes it as the new parameter `{name}` (without a default: give it the value the module would have had)"),
        );
        Some(param_t(&name))
    }

    fn role_name_t(&self, r: &str) -> Option<Template> {
        self.roles.get(r).and_then(|x| x.name.clone())
    }

    /// One value.
    fn scalar(&mut self, e: &Expr, at: &At) -> Option<Template> {
        if !self.budget.tick() {
            return None;
        }
        match e {
            Expr::Str(parts) => {
                let mut t = Template::default();
                for p in parts {
                    match p {
                        TPart::Lit(l) => t.push(Part::Lit(l.clone())),
                        TPart::Interp(x) => t.extend(&self.scalar(x, at)?),
                    }
                }
                Some(t)
            }
            Expr::Num(n) => Some(Template::lit(n.clone())),
            Expr::Bool(b) => Some(Template::lit(b.to_string())),
            Expr::Var(root, steps) => self.var(root, steps, e, at),
            Expr::Cond(..) => {
                self.issue(at, "a conditional on a single value cannot be expressed: a spec switches whole roles, policies, attachments and statements");
                None
            }
            Expr::Call(f, args, _) if f == "tostring" && args.len() == 1 => {
                self.scalar(&args[0], at)
            }
            Expr::Call(f, _, _) => {
                self.issue(at, format!("`{f}(…)` cannot be expressed in a spec"));
                None
            }
            other => {
                self.issue(
                    at,
                    format!(
                        "this expression cannot be expressed in a spec ({})",
                        kind(other)
                    ),
                );
                None
            }
        }
    }

    fn var(&mut self, root: &str, steps: &[Step], e: &Expr, at: &At) -> Option<Template> {
        let attr = |i: usize| match steps.get(i) {
            Some(Step::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        if steps.is_empty() {
            if let Some((_, t)) = self.bound.iter().rev().find(|(n, _)| n == root) {
                return Some(t.clone());
            }
        }
        match root {
            "var" => {
                let name = attr(0)?;
                match self.var_param(name) {
                    Some((p, ParamKind::List)) => {
                        self.issue(
                            at,
                            format!("the list variable `{name}` is used where one value is needed"),
                        );
                        let _ = p;
                        None
                    }
                    Some((p, _)) => Some(param_t(&p)),
                    None => {
                        self.issue(at, format!("`var.{name}` is not declared"));
                        None
                    }
                }
            }
            "data" => match (attr(0), attr(2)) {
                (Some("aws_partition"), Some("partition")) => Some(pseudo_t(Pseudo::Partition)),
                (Some("aws_partition"), Some("dns_suffix")) => Some(pseudo_t(Pseudo::UrlSuffix)),
                (Some("aws_caller_identity"), Some("account_id")) => {
                    Some(pseudo_t(Pseudo::AccountId))
                }
                (Some("aws_region"), Some("name" | "region" | "id")) => {
                    Some(pseudo_t(Pseudo::Region))
                }
                _ => {
                    let p = e.path().unwrap_or_default();
                    self.synth(&p.replace(['.', '[', ']'], "-"), format!("`{p}`"), at)
                }
            },
            "aws_iam_role" => {
                let (r, a) = (
                    attr(0)?,
                    steps.iter().rev().find_map(|s| match s {
                        Step::Attr(a) => Some(a.as_str()),
                        _ => None,
                    })?,
                );
                let name = self.role_name_t(r);
                match (a, name) {
                    ("name" | "id", Some(n)) => Some(n),
                    ("arn", Some(n)) => {
                        let path = self.roles.get(r).and_then(|x| x.path.clone());
                        Some(iam_arn("role", &path, &n))
                    }
                    _ => self.synth(&format!("{r}-{a}"), format!("`aws_iam_role.{r}.{a}`"), at),
                }
            }
            "aws_iam_policy" => {
                let p = attr(0)?;
                match self.policies.get(p) {
                    Some((_, y, _)) => {
                        let name = y.get("name").and_then(Y::as_str).map(str::to_owned);
                        let path = y.get("path").and_then(Y::as_str).map(str::to_owned);
                        match name {
                            Some(n) => {
                                // Rebuild from the spec strings (they parse back to templates).
                                let t = self.spec_template(&n);
                                let pt = path.map(|p| self.spec_template(&p));
                                Some(iam_arn("policy", &pt, &t))
                            }
                            None => None,
                        }
                    }
                    None => {
                        self.issue(
                            at,
                            format!("`aws_iam_policy.{p}` is not a policy of the module"),
                        );
                        None
                    }
                }
            }
            "local" => {
                self.issue(
                    at,
                    format!("`local.{}` is not evaluated", attr(0).unwrap_or("?")),
                );
                None
            }
            _ => {
                let p = e.path().unwrap_or_else(|| root.to_owned());
                self.synth(&p.replace(['.', '[', ']'], "-"), format!("`{p}`"), at)
            }
        }
    }

    /// A spec string this importer wrote, back to a template (names of declared parameters).
    fn spec_template(&self, s: &str) -> Template {
        let declared: Vec<String> = self
            .vars
            .values()
            .map(|(n, _)| n.clone())
            .chain(self.synth.iter().map(|(n, _)| n.clone()))
            .collect();
        crate::lower::template::parse(s, |n| declared.iter().any(|d| d == n))
            .unwrap_or_else(|_| Template::lit(s))
    }

    /// A value list: items (a list variable, `concat`, a `for` over a list variable).
    fn items(&mut self, e: &Expr, at: &At) -> Option<Vec<Template>> {
        if !self.budget.tick() {
            return None;
        }
        match e {
            Expr::Tuple(items) => {
                let mut out = Vec::new();
                for i in items {
                    out.extend(self.items_one(i, at)?);
                }
                Some(out)
            }
            Expr::Call(f, args, false) if f == "concat" => {
                let mut out = Vec::new();
                for a in args {
                    out.extend(self.items(a, at)?);
                }
                Some(out)
            }
            Expr::ForTuple {
                key: None,
                value,
                coll,
                body,
                cond: None,
            } => {
                let Some(("var", Some(name))) = (match &**coll {
                    Expr::Var(r, s) => Some((
                        r.as_str(),
                        s.first().and_then(|x| match x {
                            Step::Attr(a) => Some(a.as_str()),
                            _ => None,
                        }),
                    )),
                    _ => None,
                }) else {
                    self.issue(at, "a `for` expression over something other than a list variable cannot be expressed");
                    return None;
                };
                let Some((p, ParamKind::List)) = self.var_param(name) else {
                    self.issue(at, format!("`var.{name}` is not a list variable"));
                    return None;
                };
                self.bound.push((value.clone(), param_t(&p)));
                let t = self.scalar(body, at);
                self.bound.pop();
                Some(vec![t?])
            }
            // `items_one` hands these back to `items`: each is settled here, never passed on
            // (an unhandled call or `for` once bounced between the two forever).
            Expr::Call(f, _, _) => {
                self.issue(
                    at,
                    format!(
                        "`{f}(…)` making a list cannot be expressed (only `concat(…)` of lists)"
                    ),
                );
                None
            }
            Expr::ForTuple { .. } => {
                self.issue(at, "a `for` expression with a key or an `if` cannot be expressed (only `[for x in var.list : \"…${x}…\"]`)");
                None
            }
            other => self.items_one(other, at),
        }
    }

    fn items_one(&mut self, e: &Expr, at: &At) -> Option<Vec<Template>> {
        if let Expr::Var(r, s) = e {
            if r == "var" {
                if let Some(Step::Attr(n)) = s.first() {
                    if let Some((p, ParamKind::List)) = self.var_param(n) {
                        return Some(vec![param_t(&p)]);
                    }
                }
            }
        }
        if matches!(e, Expr::Tuple(_) | Expr::Call(..) | Expr::ForTuple { .. }) {
            return self.items(e, at);
        }
        Some(vec![self.scalar(e, at)?])
    }

    fn spec_str(&mut self, t: &Template, at: &At) -> Option<String> {
        match spec_string(t) {
            Ok(s) => Some(s),
            Err(e) => {
                self.issue(at, e);
                None
            }
        }
    }

    fn values_y(&mut self, e: &Expr, at: &At) -> Option<Y> {
        let ts = self.items(e, at)?;
        let mut out = Vec::new();
        for t in &ts {
            out.push(Y::Str(self.spec_str(t, at)?));
        }
        Some(if out.len() == 1 && !matches!(e, Expr::Tuple(_)) {
            out.remove(0)
        } else {
            Y::Seq(out)
        })
    }

    fn literal_items(&mut self, e: &Expr, at: &At, what: &str) -> Option<Y> {
        let ts = self.items(e, at)?;
        let mut out = Vec::new();
        for t in ts {
            match t.as_literal() {
                Some(s) => out.push(Y::Str(s)),
                None => {
                    self.issue(
                        at,
                        format!(
                            "{what} are literal in a spec; `{}` holds a variable",
                            t.display()
                        ),
                    );
                    return None;
                }
            }
        }
        Some(Y::Seq(out))
    }

    fn template_attr(&mut self, body: &Body, name: &str, at: &At) -> Option<(Template, String)> {
        let a = body.attr(name)?;
        let t = self.scalar(&a.expr, at)?;
        let s = self.spec_str(&t, at)?;
        Some((t, s))
    }

    // ------------------------------------------------------------ switches

    /// The switches a `count`/`for_each` condition is a conjunction of.
    fn switches(&self, e: &Expr) -> Option<Vec<Sw>> {
        if !self.budget.tick() {
            return None;
        }
        match e {
            Expr::Var(r, s) if r == "var" => {
                let Some(Step::Attr(n)) = s.first() else {
                    return None;
                };
                if n == "create" && self.conventions.contains(n) {
                    // The module toggle: on whenever the spec's resources exist at all.
                    return Some(Vec::new());
                }
                match self.var_param(n) {
                    Some((p, ParamKind::Bool)) => Some(vec![Sw {
                        param: p,
                        neg: false,
                    }]),
                    _ => None,
                }
            }
            Expr::Unary('!', x) => match self.switches(x)?.as_slice() {
                [one] => Some(vec![Sw {
                    param: one.param.clone(),
                    neg: !one.neg,
                }]),
                _ => None,
            },
            Expr::Binary(op, a, b) if op == "&&" => {
                let mut v = self.switches(a)?;
                v.extend(self.switches(b)?);
                Some(v)
            }
            Expr::Binary(op, a, b) if op == "==" || op == "!=" => {
                let (x, lit) = match (&**a, &**b) {
                    (Expr::Bool(v), x) | (x, Expr::Bool(v)) => (x, *v),
                    _ => return None,
                };
                let [one] = self.switches(x)?.try_into().ok()?;
                let pos = lit == (op == "==");
                Some(vec![Sw {
                    param: one.param,
                    neg: one.neg == pos,
                }])
            }
            _ => None,
        }
    }

    /// One switch from a conjunction, after removing the parent's (`var.a && !var.b` on a
    /// role switched by `a`).
    /// `Ok(None)` always on; `Err` (reported) when the spec cannot express it: never "as if
    /// it were true".
    fn one_switch(&mut self, e: &Expr, parent: &Option<Sw>, at: &At) -> Result<Option<Sw>, ()> {
        let Some(mut v) = self.switches(e) else {
            self.issue(at, "this condition cannot be a `when:` (a bool variable, `!`, or `&&` with the role's own switch)");
            return Err(());
        };
        if let Some(p) = parent {
            v.retain(|s| s != p);
        }
        v.dedup();
        match v.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one.clone())),
            _ => {
                self.issue(
                    at,
                    "this combines several switches; a spec item has one `when:`",
                );
                Err(())
            }
        }
    }

    /// `count = cond ? 1 : 0` → its switch.
    fn count_when(&mut self, body: &Body, parent: &Option<Sw>, at: &At) -> Result<Option<Sw>, ()> {
        let Some(a) = body.attr("count") else {
            return Ok(None);
        };
        match &a.expr {
            Expr::Cond(c, one, zero)
                if one.literal().as_deref() == Some("1")
                    && zero.literal().as_deref() == Some("0") =>
            {
                self.one_switch(c, parent, at)
            }
            Expr::Num(n) if n == "1" => Ok(None),
            _ => {
                self.issue(
                    at,
                    "a `count` other than `cond ? 1 : 0` cannot be expressed",
                );
                Err(())
            }
        }
    }

    // ------------------------------------------------------------ documents

    /// A policy document from `data.aws_iam_policy_document.X.json`, `jsonencode(...)` or a
    /// JSON string: (Version, Id, statements).
    fn document(&mut self, e: &Expr, at: &At) -> Option<(Option<String>, Option<String>, Vec<Y>)> {
        match e {
            Expr::Var(r, steps) if r == "data" => {
                let (Some(Step::Attr(ty)), Some(Step::Attr(n))) = (steps.first(), steps.get(1))
                else {
                    self.issue(at, "expected `data.aws_iam_policy_document.NAME.json`");
                    return None;
                };
                if ty != "aws_iam_policy_document" {
                    self.issue(at, format!("`data.{ty}` is not a policy document"));
                    return None;
                }
                let Some((fi, b)) = self.docs.get(n).cloned() else {
                    self.issue(
                        at,
                        format!("`data.aws_iam_policy_document.{n}` is not declared"),
                    );
                    return None;
                };
                self.policy_document(fi, &b)
            }
            Expr::Call(f, args, _) if f == "jsonencode" && args.len() == 1 => {
                self.json_expr_doc(&args[0], at)
            }
            Expr::Str(parts) => self.json_text_doc(parts, at),
            other => {
                self.issue(
                    at,
                    format!("a policy document here cannot be read ({})", kind(other)),
                );
                None
            }
        }
    }

    fn policy_document(
        &mut self,
        fi: usize,
        b: &Block,
    ) -> Option<(Option<String>, Option<String>, Vec<Y>)> {
        let addr = format!("data.aws_iam_policy_document.{}", name_of(b));
        let at = self.at(fi, b.line, &addr);
        let version = b.body.attr("version").and_then(|a| a.expr.literal());
        let id = b.body.attr("policy_id").and_then(|a| a.expr.literal());
        let mut statements = Vec::new();
        // Attributes and blocks besides statements (`source_policy_documents`,
        // `override_policy_documents`, ...) may add Denies: the document is not imported.
        let mut whole = true;
        for item in &b.body.items {
            match item {
                hcl::Item::Block(s) if s.kind == "statement" => {
                    if let Some(y) = self.statement(fi, &s.body, &addr, s.line) {
                        statements.push(y);
                    }
                }
                hcl::Item::Block(d)
                    if d.kind == "dynamic"
                        && d.labels.first().map(String::as_str) == Some("statement") =>
                {
                    let dat = self.at(fi, d.line, &addr);
                    let when = match d.body.attr("for_each").map(|a| &a.expr) {
                        Some(Expr::Cond(c, a, z))
                            if matches!(&**z, Expr::Tuple(v) if v.is_empty())
                                && matches!(&**a, Expr::Tuple(v) if v.len() == 1) =>
                        {
                            self.one_switch(c, &None, &dat)
                        }
                        _ => {
                            self.issue(&dat, "a dynamic statement other than `for_each = cond ? [1] : []` cannot be expressed");
                            Err(())
                        }
                    };
                    for c in d.body.blocks("content") {
                        if let Some(y) = self.statement(fi, &c.body, &addr, c.line) {
                            match &when {
                                Ok(w) => statements.push(with_when(y, w)),
                                Err(()) => statements.extend(self.unswitched(y, &dat)),
                            }
                        }
                    }
                }
                hcl::Item::Attr(a) if a.name == "version" || a.name == "policy_id" => {}
                hcl::Item::Attr(a) => {
                    let aat = self.at(fi, a.line, &addr);
                    self.issue(
                        &aat,
                        format!(
                            "`{}` cannot be expressed (a spec document is written out); the document is not imported",
                            a.name
                        ),
                    );
                    whole = false;
                }
                hcl::Item::Block(x) => {
                    let xat = self.at(fi, x.line, &addr);
                    self.issue(
                        &xat,
                        format!(
                            "`{}` blocks cannot be expressed; the document is not imported",
                            x.kind
                        ),
                    );
                    whole = false;
                }
            }
        }
        let _ = at;
        whole.then_some((version, id, statements))
    }

    /// A `statement` block, element by element; what the spec cannot express is settled by
    /// [`narrow::settle`].
    fn statement(&mut self, fi: usize, body: &Body, addr: &str, line: usize) -> Option<Y> {
        let at = |tf: &Tf, l: usize, what: &str| tf.at(fi, l, &format!("{addr}: {what}"));
        let mut els: Vec<(String, El)> = Vec::new();
        if let Some(a) = body.attr("sid") {
            let s = a.expr.literal();
            match s {
                Some(s) if s.is_empty() => {
                    let x = at(self, a.line, "sid");
                    self.note(
                        &x,
                        "an empty Sid is left out (a spec Sid has letters and digits)",
                    );
                }
                Some(s) => els.push(("Sid".into(), El::Exact(Y::Str(s)))),
                None => {
                    let x = at(self, a.line, "sid");
                    self.issue(&x, "a Sid is literal in a spec");
                }
            }
        }
        let effect = match body.attr("effect") {
            None => El::Exact(Y::s("Allow")),
            Some(a) => match a.expr.literal() {
                Some(e) => El::Exact(Y::Str(e)),
                None => {
                    let x = at(self, a.line, "effect");
                    self.issue(&x, "an effect is literal in a spec");
                    El::Lost
                }
            },
        };
        els.push(("Effect".into(), effect));
        let principals = |tf: &mut Tf, kind: &str| -> Option<El> {
            let blocks: Vec<&Block> = body.blocks(kind).collect();
            if blocks.is_empty() {
                return None;
            }
            let (y, lost) = tf.lost(|tf| {
                let mut m: Vec<(String, Y)> = Vec::new();
                let mut star = false;
                for p in &blocks {
                    let pat = at(tf, p.line, kind);
                    let Some(ty) = p.body.attr("type").and_then(|a| a.expr.literal()) else {
                        tf.issue(&pat, "a principal type is literal in a spec");
                        return None;
                    };
                    let Some(ids) = p.body.attr("identifiers") else {
                        tf.issue(&pat, "the principals block has no identifiers");
                        return None;
                    };
                    if ty == "*" {
                        star = true;
                        continue;
                    }
                    let v = tf.values_y(&ids.expr, &pat)?;
                    let items = match v {
                        Y::Seq(items) => items,
                        one => vec![one],
                    };
                    match m.iter_mut().find(|(t, _)| *t == ty) {
                        Some((_, Y::Seq(existing))) => existing.extend(items),
                        _ => m.push((ty, Y::Seq(items))),
                    }
                }
                Some(if star { Y::s("*") } else { Y::Map(m) })
            });
            Some(match y {
                Some(y) if !lost => El::Exact(y),
                _ => El::Lost,
            })
        };
        if let Some(p) = principals(self, "principals") {
            els.push(("Principal".into(), p));
        }
        if let Some(p) = principals(self, "not_principals") {
            els.push(("NotPrincipal".into(), p));
        }
        for (tf_name, key, literal) in [
            ("actions", "Action", true),
            ("not_actions", "NotAction", true),
            ("resources", "Resource", false),
            ("not_resources", "NotResource", false),
        ] {
            if let Some(a) = body.attr(tf_name) {
                let x = at(self, a.line, tf_name);
                let (y, lost) = self.lost(|tf| {
                    if literal {
                        tf.literal_items(&a.expr, &x, "actions")
                    } else {
                        tf.values_y(&a.expr, &x)
                    }
                });
                els.push((
                    key.into(),
                    match y {
                        Some(y) if !lost => El::Exact(y),
                        _ => El::Lost,
                    },
                ));
            }
        }
        let mut conds: Vec<(String, Y)> = Vec::new();
        let mut cond_lost = false;
        let mut any_cond = false;
        for c in body.blocks("condition") {
            any_cond = true;
            let x = at(self, c.line, "condition");
            let (entry, lost) = self.lost(|tf| {
                let test = c.body.attr("test").and_then(|a| a.expr.literal());
                let variable = c.body.attr("variable").map(|a| a.expr.clone());
                let values = c.body.attr("values").map(|a| a.expr.clone());
                let (Some(test), Some(variable), Some(values)) = (test, variable, values) else {
                    tf.issue(
                        &x,
                        "a condition needs a literal test, a variable and values",
                    );
                    return None;
                };
                let kt = tf.scalar(&variable, &x)?;
                let key = tf.spec_str(&kt, &x)?;
                let v = tf.values_y(&values, &x)?;
                Some((test, key, v))
            });
            let Some((test, key, v)) = entry.filter(|_| !lost) else {
                cond_lost = true;
                continue;
            };
            let entry = match conds.iter_mut().find(|(t, _)| *t == test) {
                Some((_, e)) => e,
                None => {
                    conds.push((test.clone(), Y::map()));
                    &mut conds.last_mut().expect("just pushed").1
                }
            };
            if entry.get(&key).is_some() {
                self.issue(&x, format!("a second `{test}` condition on `{key}` cannot be expressed (a spec condition block has one entry per key)"));
                cond_lost = true;
                continue;
            }
            entry.set(&key, v);
        }
        if any_cond {
            els.push((
                "Condition".into(),
                if cond_lost {
                    El::Part(Y::Map(conds))
                } else {
                    El::Exact(Y::Map(conds))
                },
            ));
        }
        for item in &body.items {
            let (name, l) = match item {
                hcl::Item::Attr(a) => (a.name.as_str(), a.line),
                hcl::Item::Block(b) => (b.kind.as_str(), b.line),
            };
            if !matches!(
                name,
                "sid"
                    | "effect"
                    | "actions"
                    | "not_actions"
                    | "resources"
                    | "not_resources"
                    | "principals"
                    | "not_principals"
                    | "condition"
            ) {
                let x = at(self, l, name);
                self.issue(&x, format!("`{name}` is not part of a policy statement"));
            }
        }
        // The spec's order of statement elements.
        els.sort_by_key(|(k, _)| {
            crate::spec::STATEMENT_KEYS
                .iter()
                .position(|x| x == k)
                .unwrap_or(usize::MAX)
        });
        let x = at(self, line, "statement");
        let settled = narrow::settle(els);
        self.settled(&x, settled)
    }

    /// `jsonencode({...})`: the object with template values.
    fn json_expr_doc(
        &mut self,
        e: &Expr,
        at: &At,
    ) -> Option<(Option<String>, Option<String>, Vec<Y>)> {
        let j = self.json_value(e, at)?;
        self.json_doc(&j, at)
    }

    fn json_value(&mut self, e: &Expr, at: &At) -> Option<J> {
        if !self.budget.tick() {
            return None;
        }
        Some(match e {
            Expr::Object(items) => {
                let mut m = Vec::new();
                for (k, v) in items {
                    let Some(k) = k.literal() else {
                        self.issue(
                            at,
                            "an object key with an interpolation cannot be expressed",
                        );
                        return None;
                    };
                    m.push((k, self.json_value(v, at)?));
                }
                J::Obj(m)
            }
            Expr::Tuple(items) => J::Arr(
                items
                    .iter()
                    .map(|i| self.json_value(i, at))
                    .collect::<Option<_>>()?,
            ),
            Expr::Call(..) | Expr::ForTuple { .. } => J::List(self.items(e, at)?),
            Expr::Var(r, s)
                if r == "var"
                    && matches!(s.first(), Some(Step::Attr(n)) if self.var_param(n).is_some_and(|(_, k)| k == ParamKind::List)) =>
            {
                J::List(self.items(e, at)?)
            }
            other => J::Str(self.scalar(other, at)?),
        })
    }

    /// A JSON string policy (heredoc), interpolations kept as placeholders.
    fn json_text_doc(
        &mut self,
        parts: &[TPart],
        at: &At,
    ) -> Option<(Option<String>, Option<String>, Vec<Y>)> {
        let mut text = String::new();
        let mut interps = Vec::new();
        for p in parts {
            match p {
                TPart::Lit(l) => text.push_str(l),
                TPart::Interp(e) => {
                    text.push_str(&format!("\u{E000}{}\u{E000}", interps.len()));
                    interps.push(e.clone());
                }
            }
        }
        let v: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                self.issue(at, format!("the policy string is not JSON: {e}"));
                return None;
            }
        };
        let j = self.json_from_text(&v, &interps, at)?;
        self.json_doc(&j, at)
    }

    fn json_from_text(&mut self, v: &serde_json::Value, interps: &[Expr], at: &At) -> Option<J> {
        if !self.budget.tick() {
            return None;
        }
        use serde_json::Value as V;
        Some(match v {
            V::Object(m) => {
                let mut out = Vec::new();
                for (k, x) in m {
                    if k.contains('\u{E000}') {
                        self.issue(at, "a JSON key with an interpolation cannot be expressed");
                        return None;
                    }
                    out.push((k.clone(), self.json_from_text(x, interps, at)?));
                }
                J::Obj(out)
            }
            V::Array(items) => J::Arr(
                items
                    .iter()
                    .map(|i| self.json_from_text(i, interps, at))
                    .collect::<Option<_>>()?,
            ),
            V::String(s) => {
                let mut t = Template::default();
                for (i, piece) in s.split('\u{E000}').enumerate() {
                    if i % 2 == 0 {
                        t.push(Part::Lit(piece.to_owned()));
                    } else {
                        let e = piece.parse::<usize>().ok().and_then(|n| interps.get(n))?;
                        t.extend(&self.scalar(e, at)?);
                    }
                }
                J::Str(t)
            }
            other => J::Str(Template::lit(other.to_string())),
        })
    }

    fn json_doc(&mut self, j: &J, at: &At) -> Option<(Option<String>, Option<String>, Vec<Y>)> {
        let J::Obj(m) = j else {
            self.issue(at, "a policy document is an object");
            return None;
        };
        let get = |k: &str| m.iter().find(|(n, _)| n == k).map(|(_, v)| v);
        let lit = |v: Option<&J>| match v {
            Some(J::Str(t)) => t.as_literal(),
            _ => None,
        };
        let version = lit(get("Version"));
        let id = lit(get("Id"));
        let list = match get("Statement") {
            Some(J::Arr(v)) => v.clone(),
            Some(o @ J::Obj(_)) => vec![o.clone()],
            _ => {
                self.issue(at, "the policy document has no Statement list");
                return None;
            }
        };
        let mut out = Vec::new();
        for s in &list {
            let J::Obj(sm) = s else {
                self.issue(at, "a statement is an object");
                continue;
            };
            let mut els: Vec<(String, El)> = Vec::new();
            for key in crate::spec::STATEMENT_KEYS {
                let Some(v) = sm.iter().find(|(n, _)| n == key).map(|(_, v)| v) else {
                    continue;
                };
                if key == "Sid" && lit(Some(v)).as_deref() == Some("") {
                    self.note(
                        at,
                        "an empty Sid is left out (a spec Sid has letters and digits)",
                    );
                    continue;
                }
                if key == "Condition" {
                    let J::Obj(ops) = v else {
                        self.issue(at, "a Condition is an object");
                        els.push((key.into(), El::Lost));
                        continue;
                    };
                    let mut co = Vec::new();
                    let mut lost = false;
                    for (op, keys) in ops {
                        let J::Obj(keys) = keys else {
                            self.issue(at, format!("condition `{op}` maps keys to values"));
                            lost = true;
                            continue;
                        };
                        let mut ko = Vec::new();
                        for (k, x) in keys {
                            match self.lost(|tf| tf.j_values(x, at, false)) {
                                (Some(y), false) => ko.push((spec_literal(k), y)),
                                _ => lost = true,
                            }
                        }
                        if !ko.is_empty() || keys.is_empty() {
                            co.push((op.clone(), Y::Map(ko)));
                        }
                    }
                    els.push((
                        key.into(),
                        if lost {
                            El::Part(Y::Map(co))
                        } else {
                            El::Exact(Y::Map(co))
                        },
                    ));
                    continue;
                }
                let (y, lost) = self.lost(|tf| match key {
                    "Sid" | "Effect" => lit(Some(v)).map(Y::Str),
                    "Action" | "NotAction" => tf.j_values(v, at, true),
                    "Principal" | "NotPrincipal" => match v {
                        J::Str(t) if t.as_literal().as_deref() == Some("*") => Some(Y::s("*")),
                        J::Obj(pm) => {
                            let mut pm2 = Vec::new();
                            for (t, x) in pm {
                                pm2.push((t.clone(), tf.j_values(x, at, false)?));
                            }
                            Some(Y::Map(pm2))
                        }
                        _ => None,
                    },
                    _ => tf.j_values(v, at, false),
                });
                match y {
                    Some(y) if !lost => els.push((key.into(), El::Exact(y))),
                    _ => {
                        self.issue(at, format!("`{key}` of a statement cannot be read"));
                        els.push((key.into(), El::Lost));
                    }
                }
            }
            let settled = narrow::settle(els);
            if let Some(y) = self.settled(at, settled) {
                out.push(y);
            }
        }
        Some((version, id, out))
    }

    fn j_values(&mut self, v: &J, at: &At, literal: bool) -> Option<Y> {
        let ts: Vec<Template> = match v {
            J::Str(t) => vec![t.clone()],
            J::List(ts) => ts.clone(),
            J::Arr(items) => {
                let mut out = Vec::new();
                for i in items {
                    match i {
                        J::Str(t) => out.push(t.clone()),
                        J::List(ts) => out.extend(ts.iter().cloned()),
                        _ => return None,
                    }
                }
                out
            }
            J::Obj(_) => return None,
        };
        let mut out = Vec::new();
        for t in &ts {
            if literal {
                out.push(Y::Str(t.as_literal()?));
            } else {
                out.push(Y::Str(self.spec_str(t, at)?));
            }
        }
        Some(if out.len() == 1 && matches!(v, J::Str(_)) {
            out.remove(0)
        } else {
            Y::Seq(out)
        })
    }

    fn doc_y(version: Option<String>, id: Option<String>, statements: Vec<Y>) -> Y {
        let mut m = Vec::new();
        if let Some(v) = version {
            m.push(("Version".to_owned(), Y::Str(v)));
        }
        if let Some(i) = id {
            m.push(("Id".to_owned(), Y::Str(i)));
        }
        m.push(("Statement".to_owned(), Y::Seq(statements)));
        Y::Map(m)
    }

    // ------------------------------------------------------------ resources

    /// `var.tags`, when `tags` is the module-convention variable.
    fn is_module_tags(&self, e: &Expr) -> bool {
        matches!(e, Expr::Var(r, s) if r == "var"
            && matches!(s.as_slice(), [Step::Attr(n)] if n == "tags" && self.conventions.contains(n)))
    }

    fn check_attrs(&mut self, fi: usize, b: &Block, known: &[&str]) {
        let addr = format!(
            "{}.{}",
            b.labels.first().cloned().unwrap_or_default(),
            name_of(b)
        );
        for item in &b.body.items {
            let (name, line) = match item {
                hcl::Item::Attr(Attr { name, line, expr }) => {
                    if name == "tags" && self.is_module_tags(expr) {
                        // The module's `tags` alone: nothing of the resource's own.
                        continue;
                    }
                    (name.as_str(), *line)
                }
                hcl::Item::Block(x) => (x.kind.as_str(), x.line),
            };
            if known.contains(&name) || name == "tags_all" {
                continue;
            }
            let at = self.at(fi, line, &format!("{addr}: {name}"));
            match name {
                "depends_on" | "lifecycle" | "provider" => {
                    self.note(&at, format!("`{name}` is not carried"))
                }
                _ => self.issue(&at, format!("`{name}` cannot be expressed")),
            }
        }
    }

    fn role_ref(&mut self, e: &Expr, at: &At) -> Option<String> {
        match reference(e) {
            Some((ty, r, _)) if ty == "aws_iam_role" && self.roles.contains_key(&r) => Some(r),
            _ => {
                // A literal name of one of the module's roles.
                if let Some(t) = e.literal() {
                    if let Some((id, _)) = self.roles.iter().find(|(_, r)| {
                        r.name.as_ref().and_then(Template::as_literal).as_deref()
                            == Some(t.as_str())
                    }) {
                        return Some(id.clone());
                    }
                }
                self.issue(at, "the role is not an `aws_iam_role` of this module; a spec attaches policies to its own roles only");
                None
            }
        }
    }

    fn role(&mut self, fi: usize, b: &Block) {
        let r = name_of(b);
        let addr = format!("aws_iam_role.{r}");
        let at = |tf: &Tf, l: usize, w: &str| tf.at(fi, l, &format!("{addr}: {w}"));
        let line = |n: &str| b.body.attr(n).map_or(b.line, |a| a.line);
        self.check_attrs(
            fi,
            b,
            &[
                "count",
                "name",
                "name_prefix",
                "path",
                "description",
                "max_session_duration",
                "permissions_boundary",
                "assume_role_policy",
                "tags",
                "inline_policy",
                "managed_policy_arns",
                "force_detach_policies",
            ],
        );
        let key = self.keys.assign(&r);
        let cat = at(self, line("count"), "count");
        let (when, refused) = match self.count_when(&b.body, &None, &cat) {
            Ok(w) => (w, None),
            Err(()) => (None, Some("its `count` cannot be a `when:`".to_owned())),
        };
        let mut out = RoleOut {
            key,
            when,
            refused,
            ..RoleOut::default()
        };
        for (tf_name, spec_name) in [
            ("name", "name"),
            ("name_prefix", "name_prefix"),
            ("path", "path"),
            ("description", "description"),
            ("permissions_boundary", "permissions_boundary"),
        ] {
            let x = at(self, line(tf_name), tf_name);
            let (got, lost) = self.lost(|tf| tf.template_attr(&b.body, tf_name, &x));
            if tf_name == "permissions_boundary" && lost && b.body.attr(tf_name).is_some() {
                out.refused
                    .get_or_insert("its permissions_boundary cannot be expressed".into());
                continue;
            }
            if let Some((t, s)) = got {
                match tf_name {
                    "name" => out.name = Some(t),
                    "path" => out.path = Some(t),
                    _ => {}
                }
                out.props.push((spec_name.into(), Y::Str(s)));
            }
        }
        if let Some(a) = b.body.attr("max_session_duration") {
            match a.expr.literal().and_then(|s| s.parse::<u32>().ok()) {
                Some(v) => out
                    .props
                    .push(("max_session_duration".into(), Y::Num(v.to_string()))),
                None => {
                    let x = at(self, a.line, "max_session_duration");
                    self.issue(&x, "max_session_duration is a literal number in a spec");
                }
            }
        }
        if let Some(a) = b.body.attr("tags") {
            let x = at(self, a.line, "tags");
            // `merge(var.tags, {...})`: the module's tags under the role's own.
            let own = match &a.expr {
                Expr::Call(f, args, false) if f == "merge" => match args.as_slice() {
                    [t, own] if self.is_module_tags(t) => Some(own),
                    _ => None,
                },
                e if self.is_module_tags(e) => None,
                e => Some(e),
            };
            match own {
                None => {}
                Some(Expr::Object(items)) => {
                    let mut m = Vec::new();
                    for (k, v) in items {
                        let Some(k) = k.literal() else {
                            self.issue(&x, "a tag key with an interpolation cannot be expressed");
                            continue;
                        };
                        if let Some(t) = self.scalar(v, &x) {
                            if let Some(s) = self.spec_str(&t, &x) {
                                m.push((k, Y::Str(s)));
                            }
                        }
                    }
                    out.props.push(("tags".into(), Y::Map(m)));
                }
                Some(_) => self.issue(&x, "tags other than an object literal (or `merge(var.tags, {...})`) cannot be expressed"),
            }
        }
        match b.body.attr("assume_role_policy") {
            Some(a) => {
                let x = at(self, a.line, "assume_role_policy");
                match self.document(&a.expr.clone(), &x) {
                    Some((v, i, s)) => out.trust = trust_from(v, i, s),
                    None => {
                        out.refused
                            .get_or_insert("its assume_role_policy cannot be imported".into());
                    }
                }
            }
            None => {
                let x = at(self, b.line, "assume_role_policy");
                self.issue(&x, "the role has no assume_role_policy");
            }
        }
        for ip in b.body.blocks("inline_policy") {
            let x = at(self, ip.line, "inline_policy");
            let name = ip.body.attr("name").and_then(|a| a.expr.literal());
            let doc = ip.body.attr("policy").map(|a| a.expr.clone());
            // A policy that cannot be imported may hold a Deny: the role is refused.
            let lost = format!("its inline_policy at line {} cannot be imported", ip.line);
            match (name, doc) {
                (Some(n), Some(d)) => match self.document(&d, &x) {
                    Some((v, i, s)) => out.inline.push((n, Self::doc_y(v, i, s))),
                    None => {
                        out.refused.get_or_insert(lost);
                    }
                },
                _ => {
                    self.issue(&x, "an inline_policy needs a literal name and a policy");
                    out.refused.get_or_insert(lost);
                }
            }
        }
        if let Some(a) = b.body.attr("managed_policy_arns") {
            let x = at(self, a.line, "managed_policy_arns");
            let lost =
                "a managed_policy_arns entry cannot be expressed (the policy it attaches may deny)";
            if let Expr::Tuple(items) = &a.expr {
                for i in items {
                    match self.lost(|tf| tf.attachment_y(i, &x)) {
                        (Some(y), false) => out.managed.push(y),
                        _ => {
                            out.refused.get_or_insert(lost.into());
                        }
                    }
                }
            } else {
                self.issue(
                    &x,
                    "managed_policy_arns other than a list literal cannot be expressed",
                );
                out.refused.get_or_insert(lost.into());
            }
        }
        self.roles.insert(r, out);
    }

    fn attachment_y(&mut self, e: &Expr, at: &At) -> Option<Y> {
        if let Some((ty, p, attr)) = reference(e) {
            if ty == "aws_iam_policy" && attr == "arn" {
                if let Some((k, _, _)) = self.policies.get(&p) {
                    return Some(Y::Map(vec![("policy".into(), Y::s(k))]));
                }
            }
        }
        let t = self.scalar(e, at)?;
        Some(aws_attachment(&t).unwrap_or_else(|| {
            let s = spec_string(&t).unwrap_or_default();
            Y::Map(vec![("arn".into(), Y::Str(s))])
        }))
    }

    fn role_policy(&mut self, fi: usize, b: &Block) {
        let addr = format!("aws_iam_role_policy.{}", name_of(b));
        self.check_attrs(fi, b, &["count", "name", "role", "policy"]);
        let at = self.at(fi, b.line, &addr);
        let Some(role) = b
            .body
            .attr("role")
            .map(|a| a.expr.clone())
            .and_then(|e| self.role_ref(&e, &at))
        else {
            return;
        };
        let parent = self.roles.get(&role).and_then(|r| r.when.clone());
        let when = self.count_when(&b.body, &parent, &at);
        // Whatever of this policy cannot be imported may be a Deny: the role is refused.
        let lost = format!("its policy {addr} cannot be imported");
        let Some(name) = b.body.attr("name").and_then(|a| a.expr.literal()) else {
            self.issue(
                &at,
                "the policy needs a literal name (name_prefix cannot be expressed)",
            );
            self.refuse(&role, lost);
            return;
        };
        let Some(doc) = b.body.attr("policy").map(|a| a.expr.clone()) else {
            self.issue(&at, "the policy has no document");
            return;
        };
        let Some((v, i, mut s)) = self.document(&doc, &at) else {
            self.refuse(&role, lost);
            return;
        };
        let when = match when {
            Ok(w) => w,
            Err(()) => {
                s = s
                    .into_iter()
                    .filter_map(|y| self.unswitched(y, &at))
                    .collect();
                if s.is_empty() {
                    return;
                }
                None
            }
        };
        let y = with_when(Self::doc_y(v, i, s), &when);
        let taken = self
            .roles
            .get(&role)
            .is_some_and(|r| r.inline.iter().any(|(n, _)| *n == name));
        if taken {
            self.issue(
                &at,
                format!("the role already has an inline policy named `{name}`"),
            );
            self.refuse(&role, lost);
            return;
        }
        if let Some(r) = self.roles.get_mut(&role) {
            r.inline.push((name, y));
        }
    }

    /// Marks a role as not imported, with why.
    fn refuse(&mut self, role: &str, why: String) {
        if let Some(r) = self.roles.get_mut(role) {
            r.refused.get_or_insert(why);
        }
    }

    fn attachment(&mut self, fi: usize, b: &Block) {
        let addr = format!("aws_iam_role_policy_attachment.{}", name_of(b));
        self.check_attrs(fi, b, &["count", "for_each", "role", "policy_arn"]);
        let at = self.at(fi, b.line, &addr);
        let Some(role) = b
            .body
            .attr("role")
            .map(|a| a.expr.clone())
            .and_then(|e| self.role_ref(&e, &at))
        else {
            return;
        };
        let parent = self.roles.get(&role).and_then(|r| r.when.clone());
        let arn = b.body.attr("policy_arn").map(|a| a.expr.clone());
        // An attachment that cannot be expressed may attach a Deny: the role is refused.
        let lost =
            format!("its attachment {addr} cannot be expressed (the policy it attaches may deny)");
        let mut items: Vec<(Result<Option<Sw>, ()>, Expr)> = Vec::new();
        match (b.body.attr("for_each").map(|a| a.expr.clone()), arn) {
            (Some(fe), Some(Expr::Var(r, s)))
                if r == "each" && matches!(s.first(), Some(Step::Attr(v)) if v == "value") =>
            {
                self.for_each_items(&fe, &parent, Ok(None), &at, &mut items);
            }
            (None, Some(arn)) => {
                let when = self.count_when(&b.body, &parent, &at);
                items.push((when, arn));
            }
            _ => {
                self.issue(&at, "an attachment other than one `policy_arn` or `for_each` with `policy_arn = each.value` cannot be expressed");
                self.refuse(&role, lost);
                return;
            }
        }
        for (when, e) in items {
            match (when, self.lost(|tf| tf.attachment_y(&e, &at))) {
                (Ok(when), (Some(y), false)) => {
                    let y = with_when(y, &when);
                    if let Some(r) = self.roles.get_mut(&role) {
                        r.managed.push(y);
                    }
                }
                _ => self.refuse(&role, lost.clone()),
            }
        }
    }

    /// `for_each = merge({k = arn}, cond ? {k = arn} : {}, …)`, maybe under the role's switch.
    fn for_each_items(
        &mut self,
        e: &Expr,
        parent: &Option<Sw>,
        when: Result<Option<Sw>, ()>,
        at: &At,
        out: &mut Vec<(Result<Option<Sw>, ()>, Expr)>,
    ) {
        if !self.budget.tick() {
            return;
        }
        match e {
            Expr::Object(items) => {
                for (_, v) in items {
                    out.push((when.clone(), v.clone()));
                }
            }
            Expr::Call(f, args, false) if f == "merge" => {
                for a in args {
                    self.for_each_items(a, parent, when.clone(), at, out);
                }
            }
            Expr::Cond(c, a, z) if matches!(&**z, Expr::Object(v) if v.is_empty()) => {
                let sw = self.one_switch(c, parent, at);
                let w = match (&when, sw) {
                    (Err(()), _) | (_, Err(())) => Err(()),
                    (Ok(None), s) => s,
                    (Ok(Some(w)), Ok(None)) => Ok(Some(w.clone())),
                    (Ok(Some(w)), Ok(Some(s))) if *w == s => Ok(Some(s)),
                    (Ok(Some(_)), Ok(Some(_))) => {
                        self.issue(at, "an attachment under two switches cannot be expressed");
                        Err(())
                    }
                };
                self.for_each_items(a, parent, w, at, out);
            }
            _ => {
                self.issue(at, "this for_each cannot be expressed (an object, `merge(...)` of objects, or `cond ? {...} : {}`)");
                out.push((Err(()), Expr::Null));
            }
        }
    }

    fn policy(&mut self, fi: usize, b: &Block) {
        let p = name_of(b);
        let addr = format!("aws_iam_policy.{p}");
        self.check_attrs(fi, b, &["count", "name", "path", "description", "policy"]);
        let at = self.at(fi, b.line, &addr);
        let key = self.keys.assign(&p);
        let (when, unsure) = match self.count_when(&b.body, &None, &at) {
            Ok(w) => (w, false),
            Err(()) => (None, true),
        };
        let mut m = Vec::new();
        match self.template_attr(&b.body, "name", &at) {
            Some((_, s)) => m.push(("name".to_owned(), Y::Str(s))),
            None => {
                self.issue(&at, format!("the policy has no literal name (name_prefix or generated); a spec names it: `{p}`"));
                m.push(("name".into(), Y::s(&p)));
            }
        }
        if let Some((_, s)) = self.template_attr(&b.body, "path", &at) {
            m.push(("path".into(), Y::Str(s)));
        }
        if let Some(d) = b.body.attr("description").map(|a| a.expr.clone()) {
            match d.literal() {
                Some(s) => m.push(("description".into(), Y::Str(s))),
                None => self.issue(&at, "a managed policy description is literal in a spec"),
            }
        }
        let doc = b
            .body
            .attr("policy")
            .map(|a| a.expr.clone())
            .and_then(|e| self.document(&e, &at));
        if doc.is_none() {
            // It may hold a Deny: the roles attaching it are refused.
            self.poisoned.insert(
                key.clone(),
                format!("the document of {addr} cannot be imported"),
            );
        }
        let (v, i, mut s) = doc.unwrap_or((None, None, Vec::new()));
        if unsure {
            // Under a `count` the spec cannot express: its Denies, always on.
            s = s
                .into_iter()
                .filter_map(|y| self.unswitched(y, &at))
                .collect();
        }
        m.push(("document".into(), with_when(Self::doc_y(v, i, s), &when)));
        self.policies.insert(p, (key, Y::Map(m), when));
    }

    fn instance_profile(&mut self, fi: usize, b: &Block) {
        let addr = format!("aws_iam_instance_profile.{}", name_of(b));
        self.check_attrs(fi, b, &["count", "name", "name_prefix", "path", "role"]);
        let at = self.at(fi, b.line, &addr);
        let Some(role) = b
            .body
            .attr("role")
            .map(|a| a.expr.clone())
            .and_then(|e| self.role_ref(&e, &at))
        else {
            return;
        };
        let parent = self.roles.get(&role).and_then(|r| r.when.clone());
        match self.count_when(&b.body, &parent, &at) {
            Ok(None) => {}
            Ok(Some(_)) => self.issue(&at, "the instance profile is switched differently from its role; a spec creates it with the role"),
            Err(()) => {
                self.report(&at, "the instance profile is not imported: its `count` cannot be a `when:`");
                return;
            }
        }
        let name = self.template_attr(&b.body, "name", &at);
        let path = self.template_attr(&b.body, "path", &at);
        let prefix = self.template_attr(&b.body, "name_prefix", &at);
        // rolegen gives the profile of a `name_prefix` role the same prefix.
        let role_prefix = self.roles.get(&role).and_then(|r| {
            r.props.iter().find_map(|(k, v)| match (k.as_str(), v) {
                ("name_prefix", Y::Str(p)) => Some(p.clone()),
                _ => None,
            })
        });
        if let Some((_, p)) = &prefix {
            if name.is_some() || role_prefix.as_ref() != Some(p) {
                self.issue(&at, "an instance profile `name_prefix` other than its role's cannot be expressed: a spec names the profile like the role, or with a fixed `name`");
            }
        }
        let Some(r) = self.roles.get(&role) else {
            return;
        };
        let y = match (&name, &path) {
            (None, None) if prefix.is_some() && role_prefix.is_some() => Y::Bool(true),
            (Some((n, _)), None) if Some(n) == r.name.as_ref() => Y::Bool(true),
            (None, None) if r.name.is_none() => Y::Bool(true),
            (None, _) if r.name.is_some() => {
                self.issue(&at, "an instance profile without a name on a named role cannot be expressed: a spec names it like the role");
                Y::Bool(true)
            }
            _ => {
                let mut m = Vec::new();
                if let Some((_, s)) = &name {
                    m.push(("name".to_owned(), Y::Str(s.clone())));
                }
                if let Some((_, s)) = &path {
                    m.push(("path".to_owned(), Y::Str(s.clone())));
                }
                Y::Map(m)
            }
        };
        if let Some(r) = self.roles.get_mut(&role) {
            if r.profile.is_some() {
                self.issue(&at, "the role already has an instance profile");
            } else {
                r.profile = Some(y);
            }
        }
    }

    fn kms_key(&mut self, fi: usize, b: &Block) {
        let k = name_of(b);
        let addr = format!("aws_kms_key.{k}");
        self.check_attrs(
            fi,
            b,
            &[
                "count",
                "description",
                "enable_key_rotation",
                "policy",
                "is_enabled",
                "key_usage",
                "customer_master_key_spec",
            ],
        );
        let at = self.at(fi, b.line, &addr);
        let key = self.keys.assign(&k);
        let Ok(when) = self.count_when(&b.body, &None, &at) else {
            self.report(&at, "the key is not imported: its `count` cannot be a `when:` (creating it always would grant more)");
            return;
        };
        let mut e = Vec::new();
        if let Some(d) = b.body.attr("description").map(|a| a.expr.clone()) {
            match d.literal() {
                Some(s) => e.push(("description".to_owned(), Y::Str(s))),
                None => self.issue(&at, "a key description is literal in a spec"),
            }
        }
        let rotation = b.body.attr("enable_key_rotation").map(|a| a.expr.clone());
        match rotation {
            Some(Expr::Bool(true)) => {}
            Some(Expr::Bool(false)) | None => e.push(("rotation".into(), Y::Bool(false))),
            Some(_) => self.issue(
                &at,
                "enable_key_rotation is a literal true or false in a spec",
            ),
        }
        for (attr, ok) in [
            ("is_enabled", "true"),
            ("key_usage", "ENCRYPT_DECRYPT"),
            ("customer_master_key_spec", "SYMMETRIC_DEFAULT"),
        ] {
            if let Some(a) = b.body.attr(attr) {
                if a.expr.literal().as_deref() != Some(ok) {
                    let x = self.at(fi, a.line, &format!("{addr}: {attr}"));
                    self.issue(&x, format!("`{attr}` other than {ok} cannot be expressed"));
                }
            }
        }
        let doc = match b.body.attr("policy").map(|a| a.expr.clone()) {
            Some(p) => self.document(&p, &at),
            None => {
                self.issue(
                    &at,
                    "the key has no policy (AWS would apply its default); a spec writes the policy",
                );
                None
            }
        };
        let (v, i, s) = doc.unwrap_or((None, None, Vec::new()));
        e.push(("policy".into(), Self::doc_y(v, i, s)));
        self.keys_out.insert(k, (key, e, when, None));
    }

    fn kms_alias(&mut self, fi: usize, b: &Block) {
        let addr = format!("aws_kms_alias.{}", name_of(b));
        self.check_attrs(fi, b, &["count", "name", "target_key_id"]);
        let at = self.at(fi, b.line, &addr);
        let name = b.body.attr("name").and_then(|a| a.expr.literal());
        let target = b
            .body
            .attr("target_key_id")
            .and_then(|a| reference(&a.expr));
        let (Some(name), Some((ty, k, _))) = (name, target) else {
            self.issue(&at, "the alias needs a literal name and a target_key_id of an aws_kms_key of this module; not imported");
            return;
        };
        let parent = self.keys_out.get(&k).and_then(|x| x.2.clone());
        let Ok(when) = self.count_when(&b.body, &None, &at) else {
            self.report(
                &at,
                "the alias is not imported: its `count` cannot be a `when:`",
            );
            return;
        };
        if ty != "aws_kms_key" || !self.keys_out.contains_key(&k) {
            self.issue(
                &at,
                "the alias targets no aws_kms_key of this module; not imported",
            );
            return;
        }
        if when != parent {
            self.issue(
                &at,
                "the alias is switched differently from its key; a spec creates it with the key",
            );
        }
        if let Some(x) = self.keys_out.get_mut(&k) {
            x.3 = Some(name.strip_prefix("alias/").unwrap_or(&name).to_owned());
        }
    }
}

/// Symbolic JSON of a `jsonencode` argument or a JSON string with interpolations.
#[derive(Debug, Clone)]
enum J {
    Str(Template),
    List(Vec<Template>),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

fn kind(e: &Expr) -> &'static str {
    match e {
        Expr::Null => "null",
        Expr::Bool(_) => "a boolean",
        Expr::Num(_) => "a number",
        Expr::Str(_) => "a string",
        Expr::Tuple(_) => "a list",
        Expr::Object(_) => "an object",
        Expr::Var(..) => "a reference",
        Expr::Call(..) => "a function call",
        Expr::Cond(..) => "a conditional",
        Expr::Unary(..) | Expr::Binary(..) => "an operation",
        Expr::ForTuple { .. } | Expr::ForObject { .. } => "a for expression",
        Expr::Get(..) => "an index or attribute of an expression",
    }
}

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

/// The bounds of `length(var.x) >= N`, `length(var.x) <= M` or both joined by `&&`, the
/// validation of a string parameter's `min_length`/`max_length`.
fn validation_length(body: &Body, var: &str) -> Option<(Option<u32>, Option<u32>)> {
    fn bound(e: &Expr, var: &str) -> Option<(Option<u32>, Option<u32>)> {
        let Expr::Binary(op, lhs, rhs) = e else {
            return None;
        };
        let Expr::Call(f, args, false) = &**lhs else {
            return None;
        };
        let is_var = matches!(args.as_slice(), [Expr::Var(root, steps)]
            if root == "var" && matches!(steps.as_slice(), [Step::Attr(a)] if a == var));
        let Expr::Num(n) = &**rhs else {
            return None;
        };
        if f != "length" || !is_var {
            return None;
        }
        let n: u32 = n.parse().ok()?;
        match op.as_str() {
            ">=" => Some((Some(n), None)),
            "<=" => Some((None, Some(n))),
            _ => None,
        }
    }
    match &body.attr("condition")?.expr {
        Expr::Binary(op, a, b) if op == "&&" => {
            let ((lo, _), (_, hi)) = (bound(a, var)?, bound(b, var)?);
            Some((Some(lo?), Some(hi?)))
        }
        e => bound(e, var),
    }
}

/// `can(regex("^(?:P)$", var.x))` or `alltrue([for v in var.x : can(regex("^(?:P)$", v))])`.
fn validation_pattern(body: &Body) -> Option<String> {
    let cond = &body.attr("condition")?.expr;
    let inner = match cond {
        Expr::Call(f, args, _) if f == "alltrue" => match args.as_slice() {
            [Expr::ForTuple { body, .. }] => &**body,
            _ => return None,
        },
        other => other,
    };
    let Expr::Call(f, args, _) = inner else {
        return None;
    };
    if f != "can" {
        return None;
    }
    let [Expr::Call(r, rargs, _)] = args.as_slice() else {
        return None;
    };
    if r != "regex" {
        return None;
    }
    let re = rargs.first()?.literal()?;
    let p = re.strip_prefix("^(?:").and_then(|x| x.strip_suffix(")$"));
    Some(match p {
        Some(p) => p.to_owned(),
        None => re
            .strip_prefix('^')
            .and_then(|x| x.strip_suffix('$'))?
            .to_owned(),
    })
}

/// What a module-convention variable is, if `b` declares one: `create` (a bool defaulting to
/// true) or `tags` (a `map(string)`).
fn convention(name: &str, b: &Block) -> Option<&'static str> {
    let ty = b.body.attr("type").map(|a| &a.expr);
    let default = b.body.attr("default").map(|a| &a.expr);
    match (name, ty, default) {
        ("create", Some(Expr::Var(t, s)), None | Some(Expr::Bool(true)))
            if t == "bool" && s.is_empty() =>
        {
            Some("`create` toggle")
        }
        ("tags", Some(Expr::Call(f, args, _)), _)
            if f == "map"
                && matches!(args.as_slice(), [Expr::Var(t, s)] if t == "string" && s.is_empty()) =>
        {
            Some("`tags` for every resource")
        }
        _ => None,
    }
}
