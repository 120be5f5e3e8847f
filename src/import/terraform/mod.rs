//! `rolegen import --from terraform DIR`: a Terraform module made of the resources rolegen
//! emits — `aws_iam_role`, `data "aws_iam_policy_document"` (with `dynamic "statement"`
//! switches), `aws_iam_role_policy`, `aws_iam_role_policy_attachment` (`for_each` over
//! `merge(...)` or one ARN), `aws_iam_policy`, `aws_iam_instance_profile`, `aws_kms_key`,
//! `aws_kms_alias`, `jsonencode(...)` or JSON-string policies — with `variable`s as parameters
//! (`var.deployment_prefix` → `${DeploymentPrefix}`) and `count = var.flag ? 1 : 0` as `when:`.
//! What modules write on top is read too: locals (the `locals` module); functions, `for` and
//! `dynamic` blocks over values known when the module is read, and `for_each` over a written
//! map or set on documents, inline policies and attachments (the `eval` module); `count` on
//! policy documents with `data.x[0].json`; `source_policy_documents` and
//! `override_policy_documents` merged as the AWS provider merges them; and
//! `aws_iam_policy_attachment`.
//! The `.tf` files are parsed by `hcl-edit` into the importer's view of HCL ([`super::hcl`]).

mod compact;
mod cond_switch;
mod derived;
mod documents;
mod eval;
mod locals;
mod providers;
mod resources;
mod switches;
mod values;
mod variables;

use values::kind;

use super::builder::{
    aws_attachment, iam_arn, key_entry, param_t, pseudo_t, role_entry, role_trust, spec_tree,
    with_when, Doc, Sw,
};
use super::hcl::{self, Attr, Block, Body, Expr, Step, TPart};
use super::narrow::{self, El, Settled};
use super::yaml::Y;
use super::{read_input, spec_literal, spec_string, Imported, InputError, Issue, Keys, Level};
use crate::model::names::pascal;
use crate::model::{ParamKind, Part, Pseudo, Template};
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
    /// toggle gating every resource), `tags` (merged into every resource's tags) and
    /// `stack_name` (`${AWS::StackName}`).
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
    /// The switches of what is reading a document (a counted document must have them).
    ctx: Vec<Sw>,
    /// Documents being read (one that merges itself in is a cycle).
    doc_stack: Vec<String>,
    /// Resources of the module that are not IAM, by `type.name` (a reference to one's ARN
    /// or name is spelt from its written name: `derived.rs`).
    others: HashMap<String, Block>,
    /// The module's OIDC providers by resource name.
    providers: IndexMap<String, super::oidc::ProviderOut>,
    /// The switches of those created only where one is on (`count = c ? 1 : 0`).
    provider_switches: HashMap<String, Sw>,
    /// `data "aws_iam_openid_connect_provider"` blocks by name: an existing provider looked
    /// up by its URL (`providers.rs`, `Tf::provider_choice`).
    oidc_data: HashMap<String, Block>,
    /// List variables defaulting to `[]`, by spec parameter, where they are declared: the
    /// default stays only where the spec takes an empty list ([`Tf::empty_list_defaults`]).
    empty_lists: Vec<(String, At)>,
    /// The text default of each `string` variable that has one, by Terraform name (a piece
    /// the default lacks is not imported: the spec refuses it).
    text_defaults: HashMap<String, String>,
    /// String variables whose default is `null`.
    null_defaults: HashSet<String>,
    /// String variables whose default is `""`.
    empty_defaults: HashSet<String>,
    /// Spec parameters of such variables read as optional values (`permissions_boundary =
    /// var.x`): they get the default `""` ([`Tf::null_optional_defaults`]).
    null_optional: Vec<(String, At)>,
    /// The locals that are lookup tables, by local name.
    local_tables: HashMap<String, locals::Table>,
    /// Those of them that map each entry straight to text (`locals::FLAT_KEY`).
    flat_tables: HashSet<String>,
    /// The tables lookups read, as the spec's `mappings:` (by mapping name).
    mappings: IndexMap<String, locals::Table>,
    /// String parameters' allowed values (a condition compares with one of them).
    allowed: HashMap<String, Vec<Y>>,
    /// Parameters' validation patterns (`compact` keeps what cannot be empty).
    patterns: HashMap<String, String>,
    /// List parameters `compact(…)` runs over, read as the identity: they get the pattern
    /// [`variables::ITEM_NOT_EMPTY`] ([`Tf::compacted_lists`]), by where `compact` is.
    compacted: IndexMap<String, At>,
    /// The locals that may be conditions, substituted ([`locals::Locals::conditions`]).
    cond_locals: Vec<(String, Expr)>,
    /// The spec conditions the module's conditions became, by name (see `switches.rs`).
    named: IndexMap<String, Y>,
    /// What each condition local reads as (its condition's name; `None`: not expressible).
    local_named: HashMap<String, Option<Y>>,
}

/// A KMS key: spec key, entries, switch, alias.
type KeyOut = (String, Vec<(String, Y)>, Option<Sw>, Option<String>);

#[derive(Debug, Default)]
struct RoleOut {
    key: String,
    props: Vec<(String, Y)>,
    when: Option<Sw>,
    name: Option<Template>,
    /// A name that may be nothing (the spec's `${X}`): generated while empty, so references
    /// to the role's name or ARN are never spelt from it (`name` stays `None`).
    optional_name: Option<String>,
    path: Option<Template>,
    /// The path may be nothing (`/` while empty): the role's ARN is not spelt from it.
    optional_path: bool,
    profile: Option<Y>,
    trust: Vec<(String, Y)>,
    managed: Vec<Y>,
    inline: Vec<(String, Y)>,
    /// The arguments by which the role manages its policies exclusively
    /// (`managed_policy_arns`, `inline_policy`).
    exclusive: Vec<&'static str>,
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
    let mut locals = locals::Locals::collect(&blocks);
    let cond_locals = locals
        .conditions()
        .into_iter()
        .map(|(n, e)| (n, eval::fold_expr(&e)))
        .collect();
    let local_tables = locals.tables();
    let flat_tables = locals.flat();
    locals.substitute(&mut blocks);
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
        ctx: Vec::new(),
        doc_stack: Vec::new(),
        providers: IndexMap::new(),
        provider_switches: HashMap::new(),
        oidc_data: HashMap::new(),
        others: HashMap::new(),
        empty_lists: Vec::new(),
        text_defaults: HashMap::new(),
        null_defaults: HashSet::new(),
        empty_defaults: HashSet::new(),
        null_optional: Vec::new(),
        local_tables,
        flat_tables,
        mappings: IndexMap::new(),
        allowed: HashMap::new(),
        patterns: HashMap::new(),
        compacted: IndexMap::new(),
        cond_locals,
        named: IndexMap::new(),
        local_named: HashMap::new(),
    };
    for (fi, a) in &top_attrs {
        tf.issue(
            &tf.at(*fi, a.line, &a.name),
            "a top-level attribute is not Terraform configuration",
        );
    }
    let folded = super::tf_hatches::fold(&mut blocks);
    for (fi, line, addr, why) in eval::fold_blocks(&mut blocks) {
        tf.issue(&tf.at(fi, line, &addr), why);
    }
    let mut imported = tf.run(blocks, module);
    tf.budget.check(dir)?;
    for v in folded {
        imported.issues.push(Issue {
            level: Level::Note,
            file: dir.to_path_buf(),
            line: None,
            at: format!("var.{v}"),
            message: format!("`{v}` is a rolegen escape hatch (null or empty by default): imported as the module deploys with it unset; `rolegen build` gives the role its escape hatches again"),
        });
    }
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

/// `aws_iam_role.app.name`, `aws_iam_role.app[0].id` → (`aws_iam_role`, `app`, `name`);
/// `aws_iam_role.app["ci"].arn` → (`aws_iam_role`, `app["ci"]`, `arn`), the instance a
/// `for_each` over a written map was expanded into.
fn reference(e: &Expr) -> Option<(String, String, String)> {
    let Expr::Var(root, steps) = e else {
        return None;
    };
    let name = instance(steps)?;
    let attr = steps[1..].iter().find_map(|s| match s {
        Step::Attr(a) => Some(a.clone()),
        _ => None,
    })?;
    Some((root.clone(), name, attr))
}

/// The resource name a traversal starts with: `app` of `.app.x` and `.app[0].x` (a counted
/// resource is one instance), `app["ci"]` of `.app["ci"].x`.
fn instance(steps: &[Step]) -> Option<String> {
    let Some(Step::Attr(name)) = steps.first() else {
        return None;
    };
    Some(match steps.get(1) {
        Some(Step::Index(k @ Expr::Str(_))) => format!("{name}[\"{}\"]", k.literal()?),
        _ => name.clone(),
    })
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
        let mut outputs: Vec<(usize, usize, String)> = Vec::new();
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
                ("data", Some("aws_iam_openid_connect_provider")) => {
                    self.oidc_data.insert(name_of(b), b.clone());
                    self.note(&at, "an existing OIDC provider looked up by URL: read where a switched provider's ARN falls back to it (the spec names the ARN IAM gives a provider of that URL)");
                }
                (
                    "resource",
                    Some(
                        "aws_iam_role"
                        | "aws_iam_role_policy"
                        | "aws_iam_role_policy_attachment"
                        | "aws_iam_policy_attachment"
                        | "aws_iam_policy"
                        | "aws_iam_instance_profile"
                        | "aws_kms_key"
                        | "aws_kms_alias"
                        | "aws_iam_openid_connect_provider",
                    ),
                ) => {}
                ("output", name) => {
                    outputs.push((*fi, b.line, name.unwrap_or_default().to_owned()))
                }
                ("terraform" | "provider", _) => {
                    self.note(&at, "Terraform and provider settings are not imported")
                }
                // State moves say nothing about what is granted; rolegen writes its own.
                ("moved", _) => {}
                ("locals", _) => self.note(&at, "local values are read where they are used"),
                (kind, Some(ty)) if kind == "resource" || kind == "data" || kind == "module" => {
                    if kind == "resource" {
                        self.others
                            .insert(format!("{ty}.{}", name_of(b)), b.clone());
                    }
                    match iam_in(kind, ty, &b.body) {
                        Some(why) => self.issue(&at, format!("`{kind} \"{ty}\"` is not imported: {why}; a spec holds IAM roles, policies, instance profiles and KMS keys")),
                        None => self.note(&at, format!("`{kind} \"{ty}\"` is left out: not IAM (a spec holds IAM roles, policies, instance profiles and KMS keys)")),
                    }
                }
                (kind, _) => self.issue(&at, format!("`{kind}` blocks are not imported")),
            }
        }
        for (fi, line, name) in outputs {
            let at = self.at(fi, line, &format!("output.{name}"));
            self.note(
                &at,
                format!("output `{name}` is left out: rolegen writes an ARN and a name output per role, policy and key"),
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
        // The locals that are conditions claim their names first (once the spec keys, which
        // the names of hatch conditions follow, are known).
        self.name_locals();
        for (fi, b) in resource(&blocks, "aws_iam_openid_connect_provider") {
            self.oidc_provider(*fi, b);
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
                Some("aws_iam_policy_attachment") => self.policy_attachment(*fi, b),
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
        let providers = super::oidc::entries(self.providers.values());
        self.compacted_lists(&mut params);
        self.empty_list_defaults(&mut params, [&roles, &policies, &keys, &providers]);
        self.null_optional_defaults(&mut params, [&roles, &policies, &keys, &providers]);
        let mappings = super::builder::mappings_y(&self.mappings);
        let conditions = self.conditions_used([&roles, &policies, &keys, &providers]);
        let tree = spec_tree(top, params, mappings, roles, policies, keys, providers);
        let tree = super::builder::with_conditions(tree, conditions);
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
}

impl Tf {
    /// A string variable defaulting to `null` and read as an optional value (`permissions_boundary
    /// = var.x`: null, no boundary; `name = var.x`: null, a generated name) is the spec's optional value `${X}`, whose nothing is `""`:
    /// its parameter gets the default `""` when nothing else uses it (anywhere else `""` and
    /// `null` differ: Terraform refuses a null in a string template).
    fn null_optional_defaults(
        &mut self,
        params: &mut [(String, Y)],
        parts: [&Vec<(String, Y)>; 4],
    ) {
        for (name, at) in std::mem::take(&mut self.null_optional) {
            let whole = format!("${{{name}}}");
            let elsewhere = parts.iter().any(|p| {
                p.iter().any(|(_, y)| {
                    let mut y = y.clone();
                    if let Y::Map(e) = &mut y {
                        e.retain(|(k, v)| {
                            !(matches!(
                                k.as_str(),
                                "name" | "name_prefix" | "permissions_boundary" | "path"
                            ) && v.as_str() == Some(whole.as_str()))
                        });
                        for (k, v) in e.iter_mut() {
                            if let (true, Y::Map(tags)) = (k == "tags", v) {
                                tags.retain(|(_, v)| v.as_str() != Some(whole.as_str()));
                            }
                        }
                    }
                    super::builder::mentions(&y, &whole)
                })
            });
            if elsewhere {
                self.note(&at, format!("`{name}` defaults to null and is used beside the optional values too: imported without a default, so whoever deploys gives it"));
                continue;
            }
            if let Some((_, Y::Map(e))) = params.iter_mut().find(|(n, _)| *n == name) {
                if !e.iter().any(|(k, _)| k == "default") {
                    e.insert(1.min(e.len()), ("default".into(), Y::s("")));
                }
            }
        }
    }

    /// A list variable defaulting to `[]` keeps that default only where a spec list may be
    /// empty: attached whole as policy ARNs (`arn: ${L}`). Used anywhere else (a Resource, a
    /// principal, a condition value) a spec list needs an item (RG006), so the default is left
    /// out and reported: whoever deploys gives the values.
    fn empty_list_defaults(&mut self, params: &mut [(String, Y)], parts: [&Vec<(String, Y)>; 4]) {
        for (name, at) in std::mem::take(&mut self.empty_lists) {
            let whole = format!("${{{name}}}");
            if !parts
                .iter()
                .any(|p| p.iter().any(|(_, y)| super::builder::mentions(y, &whole)))
            {
                continue;
            }
            if let Some((_, Y::Map(e))) = params.iter_mut().find(|(n, _)| *n == name) {
                e.retain(|(k, _)| k != "default");
            }
            self.issue(
                &at,
                "an empty list default cannot be expressed here (a spec list parameter used in a value has at least one item, RG006; only a list of policy ARNs may be empty); the parameter is imported without a default, so whoever deploys gives its values",
            );
        }
    }
}

/// Why a block the importer does not read holds IAM (the import is then partial), or `None`
/// when leaving it out loses no IAM: other `aws_iam_*` and `aws_kms_*` resources, resource
/// policies (`aws_s3_bucket_policy`, `aws_lambda_permission`, ...), modules (they may create
/// IAM), and resources with a policy argument (`policy`, `access_policies`, `*_policy`). Data
/// sources read and create nothing.
fn iam_in(kind: &str, ty: &str, body: &hcl::Body) -> Option<String> {
    match kind {
        "data" => None,
        "module" => Some("a module may create IAM of its own".into()),
        _ if ty.starts_with("aws_iam_") || ty.starts_with("aws_kms_") => {
            Some("it is IAM the importer does not read".into())
        }
        _ if ty.ends_with("_policy") || ty == "aws_lambda_permission" => {
            Some("it is a resource policy".into())
        }
        _ => body.items.iter().find_map(|i| match i {
            hcl::Item::Attr(a)
                if a.name == "policy"
                    || a.name == "access_policies"
                    || a.name.ends_with("_policy") =>
            {
                Some(format!("its argument `{}` holds a policy document", a.name))
            }
            _ => None,
        }),
    }
}
