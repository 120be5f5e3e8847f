//! `rolegen import --from cloudformation`: the IAM resources of a template (roles, managed and
//! inline policies, instance profiles, KMS key policies) as a spec.
//!
//! Intrinsics are evaluated symbolically: `!Ref`/`!Sub` of parameters and pseudo parameters
//! become `${Name}` placeholders; conditions that test a bool parameter become `when:`;
//! `Fn::If` in a list (statements, attachments, inline policies) switches the item, and inside
//! a statement or a whole document it is lifted to switched statements. Whatever has no spec
//! spelling is reported as an [`Issue`] with its location.

mod arn_lists;
mod conditions;
mod documents;
mod hatches;
mod intrinsics;
pub mod node;
mod optional;
mod parameters;
mod picks;
mod providers;
mod resources;
mod value_lists;

use super::builder::{
    add_words, aws_attachment, hoist_trust_switch, iam_arn, key_entry, param_t, pseudo_t,
    role_entry, role_trust, spec_tree, when_of, with_when, Doc, Sw,
};
use super::narrow::{self, El, Settled};
use super::spec_literal;
use super::yaml::Y;
use super::{read_input, spec_string, Budget, Imported, InputError, Issue, Keys, Level};
use crate::model::{ParamKind, ParamName, Part, Pseudo, Template};
use crate::source::SourceFile;
use documents::{lost_deny, may_deny, y_may_deny};
use indexmap::IndexMap;
use node::{Loc, Vars, N};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;

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

#[derive(Debug, Default)]
struct RoleOut {
    key: String,
    props: Vec<(String, Y)>,
    when: Option<Sw>,
    fixed_name: Option<Template>,
    /// The parameter of a name that may be nothing (`RoleName: !If [HasX, !Ref X, !Ref
    /// AWS::NoValue]`): generated while it is empty.
    optional_name: Option<String>,
    profile: Option<Y>,
    /// The logical id of the instance profile read into `profile`.
    profile_id: Option<String>,
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
    let mut root = node::parse(path, &text)?;
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
    let folded = hatches::fold_template(&mut root);
    let file = SourceFile::new(path, text);
    let mut cx = Cx::new(&file, &root);
    let imported = cx.run(module);
    cx.budget.check(path)?;
    Ok(hatch_notes(imported, path, folded))
}

/// One note per escape-hatch parameter folded at its default, and per foreign optional
/// boundary read as a role's hatch.
fn hatch_notes(mut imported: Imported, path: &Path, folded: hatches::Folded) -> Imported {
    let note = |at: String, message: String| Issue {
        level: Level::Note,
        file: path.to_path_buf(),
        line: None,
        at,
        message,
    };
    for p in folded.hatches {
        let message = format!("`{p}` is a rolegen escape hatch (empty by default): imported as the template deploys with it empty; `rolegen build` gives the role its escape hatches again");
        imported
            .issues
            .push(note(format!("Parameters.{p}"), message));
    }
    for (p, role, h) in folded.foreign {
        let key = imported
            .keys
            .get(&role)
            .map_or(role.as_str(), String::as_str);
        let hatch = format!(
            "{}{}",
            crate::model::names::pascal(key),
            crate::model::names::pascal(h.key())
        );
        let what = match h {
            crate::model::Hatch::PermissionsBoundary => "the permissions boundary",
            _ => "more managed policies (comma-separated ARNs)",
        };
        let message = format!("`{p}` (empty by default) is {what} of role `{role}` when set: the role's escape hatch `{hatch}`, which `rolegen build` gives it, means the same (empty: none); deployments set `{hatch}` instead");
        imported
            .issues
            .push(note(format!("Parameters.{p}"), message));
    }
    imported
}

/// Imports template text (for tests and callers that hold the text).
pub fn import_text(path: &Path, text: &str, module: &str) -> Result<Imported, InputError> {
    let mut root = node::parse(path, text)?;
    if root.get("Resources").is_none() {
        return Err(InputError::new(
            path,
            "not a CloudFormation template: no `Resources`",
        ));
    }
    let folded = hatches::fold_template(&mut root);
    let file = SourceFile::new(path, text.to_owned());
    let mut cx = Cx::new(&file, &root);
    let imported = cx.run(module);
    cx.budget.check(path)?;
    Ok(hatch_notes(imported, path, folded))
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
    /// Conditions that became spec conditions (`conditions:`), by name in the order read.
    named: IndexMap<String, Y>,
    /// Conditions that are several switches at once, as the spec condition each can be.
    combined: HashMap<String, Y>,
    resources: IndexMap<String, (String, &'a N)>,
    cache: HashMap<(String, String), Option<Template>>,
    in_progress: HashSet<(String, String)>,
    keys: Keys,
    issues: Vec<Issue>,
    /// String parameters attached as policy ARNs by `Fn::Split [",", !Ref X]`, where: they
    /// become list parameters in `finish` when nothing else uses them.
    split_lists: Vec<(String, Loc)>,
    key_vars: Option<Rc<Vars>>,
    roles: IndexMap<String, RoleOut>,
    /// rolegen's own `Rules` of a role's prefix beside its name that may be nothing: role
    /// logical id → (the name's parameter, the prefix's parameter).
    name_prefixes: HashMap<String, (String, String)>,
    policies: IndexMap<String, (String, Y, Option<Sw>)>,
    kms: IndexMap<String, KeyOut>,
    /// Error issues that lost part of the input (not those carried as a new parameter):
    /// an element whose count grows while it is read is not carried whole.
    lossy: usize,
    /// Managed policies (spec keys) that lost what may be a Deny: the roles attaching them
    /// are refused.
    poisoned: HashMap<String, String>,
    /// What of the template is left out because it is not IAM (`resource Bucket
    /// (AWS::S3::Bucket)`, `output BucketArn`, `parameter Retention`), for the spec's header.
    left_out: Vec<String>,
    /// The template's OIDC providers by logical id.
    providers: IndexMap<String, providers::ProviderOut>,
    /// The template's mappings that lookups read, as the spec's `mappings:` holds them
    /// (entry, then key and text value).
    mappings: IndexMap<String, super::builder::Table>,
    budget: Budget,
}

/// What to do with a SAM template: rolegen reads templates after the transform (it does not
/// re-implement SAM's policy templates and generated roles).
const SAM_PROCESSED: &str = "SAM templates are imported after the transform: deploy the stack (or create a change set), then `aws cloudformation get-template --stack-name NAME --template-stage Processed --query TemplateBody` gives the expanded template to import";

/// The issue of a template's `Transform` section: macros are not expanded; for SAM's
/// transform, how to get the expanded template.
fn transform_issue(v: &N) -> String {
    let names: Vec<String> = match v {
        N::Seq(items) => items.iter().filter_map(N::literal).collect(),
        other => other.literal().into_iter().collect(),
    };
    let sam = names.iter().any(|n| n.starts_with("AWS::Serverless"));
    let which = if names.is_empty() {
        "several".to_owned()
    } else {
        names.join(", ")
    };
    let mut s = format!("the template uses a Transform ({which}); macros are not expanded, resources they would create are not imported");
    if sam {
        s.push_str("; ");
        s.push_str(SAM_PROCESSED);
    }
    s
}

/// Why a resource of type `ty` that the importer does not read holds IAM (the import is then
/// partial), or `None` when leaving it out loses no IAM: IAM resources rolegen does not import
/// (users, groups, SAML providers, ...), resource policies (`AWS::S3::BucketPolicy`,
/// `AWS::Lambda::Permission`, ...), nested stacks and SAM resources, and any resource whose
/// properties embed a policy document (`Statement`).
fn iam_in(ty: &str, r: Option<&N>) -> Option<String> {
    if ty.starts_with("AWS::IAM::") || ty.starts_with("AWS::KMS::") {
        return Some("it is IAM the importer does not read".into());
    }
    if ty.ends_with("Policy") || ty == "AWS::Lambda::Permission" {
        return Some("it is a resource policy".into());
    }
    if ty.starts_with("AWS::Serverless::") {
        return Some(format!("it may create IAM of its own; {SAM_PROCESSED}"));
    }
    if ty == "AWS::CloudFormation::Stack" {
        return Some("it may create IAM of its own".into());
    }
    fn statement_at(n: &N, path: &mut Vec<String>) -> bool {
        match n {
            N::Map(m) => {
                if m.iter().any(|(k, _)| k == "Statement") {
                    return true;
                }
                m.iter().any(|(k, v)| {
                    path.push(k.clone());
                    let found = statement_at(v, path);
                    if !found {
                        path.pop();
                    }
                    found
                })
            }
            N::Seq(items) => items.iter().any(|i| statement_at(i, path)),
            N::Str(t) | N::Sub(t, _) => t.contains("\"Statement\""),
            N::Fn(_, arg, _) => statement_at(arg, path),
            N::Null | N::Bool(_) | N::Num(_) => false,
        }
    }
    let mut path = Vec::new();
    statement_at(r?.get("Properties")?, &mut path)
        .then(|| format!("its property `{}` holds a policy document", path.join(".")))
}

fn res_loc(id: &str) -> Loc {
    Loc::root().key("Resources").key(id)
}

fn alnum(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// JSON string escaping as inside a JSON document (for matching `Fn::Join` delimiters).
fn json_escape(s: &str) -> String {
    let q = serde_json::to_string(s).unwrap_or_default();
    q[1..q.len().saturating_sub(1)].to_owned()
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
            named: IndexMap::new(),
            combined: HashMap::new(),
            resources: IndexMap::new(),
            cache: HashMap::new(),
            in_progress: HashSet::new(),
            keys: Keys::default(),
            issues: Vec::new(),
            split_lists: Vec::new(),
            key_vars: None,
            roles: IndexMap::new(),
            name_prefixes: HashMap::new(),
            policies: IndexMap::new(),
            kms: IndexMap::new(),
            lossy: 0,
            poisoned: HashMap::new(),
            left_out: Vec::new(),
            providers: IndexMap::new(),
            mappings: IndexMap::new(),
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
                "Outputs" => match v {
                    N::Map(outputs) => {
                        for (name, _) in outputs {
                            self.left_out.push(format!("output {name}"));
                            self.note(
                                &loc.key(name),
                                format!("output `{name}` is left out: rolegen writes an ARN and a name output per role, policy and key"),
                            );
                        }
                    }
                    _ => self.note(&loc, "Outputs are not imported: rolegen writes an ARN and a name output per role"),
                },
                "Metadata" => {
                    if !matches!(v, N::Map(m) if m.iter().all(|(k, _)| k == "AWS::CloudFormation::Interface"))
                    {
                        self.note(&loc, "template Metadata other than the console's parameter groups and labels is not imported");
                    }
                }
                "Transform" => self.issue(&loc, transform_issue(v)),
                "Globals" => self.issue(
                    &loc,
                    format!("`Globals` is a section of SAM templates, which the transform expands; {SAM_PROCESSED}"),
                ),
                "Rules" => self.rules(v, &loc),
                other => self.issue(&loc, format!("unknown template section `{other}`")),
            }
        }
        if let Some(N::Map(rs)) = root.get("Resources") {
            for (id, r) in rs {
                let ty = r.get("Type").and_then(N::literal).unwrap_or_default();
                self.resources.insert(id.clone(), (ty, r));
            }
        }
        // After the resources: a parameter's type matters only if the IAM uses it.
        self.parameters();
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
            if ty == "AWS::IAM::OIDCProvider" {
                self.oidc_provider(id);
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
                "AWS::IAM::Role"
                | "AWS::IAM::ManagedPolicy"
                | "AWS::KMS::Key"
                | "AWS::IAM::OIDCProvider" => {}
                "AWS::IAM::Policy" => self.policy(id),
                "AWS::IAM::RolePolicy" => self.role_policy(id),
                "AWS::IAM::InstanceProfile" => self.instance_profile(id),
                "AWS::KMS::Alias" => self.kms_alias(id),
                "" => self.issue(&loc.key("Type"), "the resource has no Type"),
                other => match iam_in(other, self.resources.get(id).map(|(_, r)| *r)) {
                    Some(why) => self.issue(
                        &loc.key("Type"),
                        format!("{other} is not imported: {why}; a spec holds IAM roles, policies, instance profiles and KMS keys"),
                    ),
                    None => {
                        self.left_out.push(format!("resource {id} ({other})"));
                        self.note(
                            &loc.key("Type"),
                            format!("{other} is left out: not IAM (a spec holds IAM roles, policies, instance profiles and KMS keys)"),
                        );
                    }
                },
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

    /// Every word in the template's IAM resources (`AWS::IAM::*`, `AWS::KMS::*`) and in the
    /// Conditions they name, transitively: the parameters the template's IAM uses.
    fn iam_words(&self, imported: &HashSet<String>) -> HashSet<String> {
        let mut out = HashSet::new();
        for (id, (ty, r)) in &self.resources {
            if imported.contains(id) {
                continue;
            }
            if ty.starts_with("AWS::IAM::") || ty.starts_with("AWS::KMS::") {
                hatches::each_text(r, &mut |t| add_words(t, &mut out));
            }
        }
        let Some(N::Map(conditions)) = self.root.get("Conditions") else {
            return out;
        };
        let mut seen = HashSet::new();
        loop {
            let next: Vec<&N> = conditions
                .iter()
                .filter(|(name, _)| out.contains(name.as_str()) && seen.insert(name.clone()))
                .map(|(_, c)| c)
                .collect();
            if next.is_empty() {
                return out;
            }
            for c in next {
                hatches::each_text(c, &mut |t| add_words(t, &mut out));
            }
        }
    }

    fn finish(&mut self, module: &str, description: Option<String>) -> Imported {
        let mut top: Vec<(String, Y)> = vec![("module".into(), Y::s(module))];
        if let Some(d) = description {
            top.push(("description".into(), Y::s(d)));
        }
        let params = self.params_y.clone();

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
        // The resources whose IAM the spec holds as its roles (with their instance profiles).
        let imported: HashSet<String> = kept
            .iter()
            .flat_map(|(id, r)| [Some(id.clone()), r.profile_id.clone()])
            .flatten()
            .collect();
        let mut roles: Vec<(String, Y)> = kept
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
        let mut params = params;
        self.split_lists_to_lists(&mut params, &mut roles, [&policies, &keys]);
        // Parameters only what was left out used (a bucket's retention, a function's memory);
        // those the template's IAM uses stay when their role was not imported. What an
        // imported role used and the spec does not (a name the import refused) goes too.
        let providers = super::oidc::entries(self.providers.values());
        let mut used =
            super::builder::words(roles.iter().chain(&policies).chain(&keys).chain(&providers));
        // In the template's order.
        if let Some(N::Map(cs)) = self.root.get("Conditions") {
            self.named
                .sort_by_key(|n, _| cs.iter().position(|(c, _)| c == n));
        }
        let conditions = super::builder::conditions_used(&self.named, &mut used);
        used.extend(self.iam_words(&imported));
        let template_iam = self.iam_words(&HashSet::new());
        let (mut params, unused): (Vec<_>, Vec<_>) = params
            .into_iter()
            .partition(|(name, _)| used.contains(name.as_str()));
        params.extend(self.synth.iter().cloned());
        for (name, _) in unused {
            let loc = Loc::root().key("Parameters").key(&name);
            if template_iam.contains(name.as_str()) {
                self.note(
                    &loc,
                    format!("parameter `{name}` is left out: the spec does not use it (what used it in the imported roles could not be expressed; the errors say where)"),
                );
                continue;
            }
            self.left_out.push(format!("parameter {name}"));
            self.note(
                &loc,
                format!("parameter `{name}` is left out: no IAM the spec holds uses it"),
            );
        }
        // Resources, then outputs, then parameters.
        self.left_out.sort_by_key(|l| {
            ["resource ", "output ", "parameter "]
                .iter()
                .position(|p| l.starts_with(p))
        });
        let mappings = super::builder::mappings_y(&self.mappings);
        let tree = spec_tree(top, params, mappings, roles, policies, keys, providers);
        let tree = super::builder::with_conditions(tree, conditions);
        let mut header = vec![format!(
            "Imported by `rolegen import --from cloudformation` from {}.",
            self.file.path.display()
        )];
        if !self.left_out.is_empty() {
            header.push("Left out, not IAM (the import's notes say where):".into());
            header.extend(self.left_out.iter().map(|l| format!("  {l}")));
        }
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
}
