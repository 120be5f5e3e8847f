//! Lowering: spec → model, once. Resolves parameters, placeholders, switches, names and
//! references; every model node keeps the YAML path it came from.

mod oidc;
pub mod pattern;
mod policy;
pub mod template;
mod trust;
mod trust_values;

use crate::diagnostics::Diagnostic;
use crate::model::conventions::{OutputSelection, OUTPUT_KINDS};
use crate::model::names::{suggest_module_name, valid_module_name};
use crate::model::*;
use crate::rules::{self, Rule};
use crate::source::{SourceFile, YamlPath};
use crate::spec::load::LoadedSpec;
use crate::spec::spec_dir;
use crate::spec::{
    AllowSpec, AttachmentSpec, DeviationSpec, HatchesSpec, OutputsSpec, ParamKindSpec, RoleSpec,
    Spec,
};
use crate::suggest::closest;
use indexmap::IndexMap;
use std::path::PathBuf;
use std::sync::Arc;
use template::PlaceholderError;

/// Where a template is used: decides whether a `list` parameter may appear.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ctx {
    /// Exactly one value is needed (names, paths, condition keys).
    Scalar,
    /// One of several values (resources, principals, condition values): a list expands.
    Item,
}

/// The lowering state: the declared parameters and the diagnostics found so far.
pub(crate) struct Lowerer<'a> {
    pub(crate) file: &'a SourceFile,
    pub(crate) dir: PathBuf,
    pub(crate) params: IndexMap<ParamName, Parameter>,
    /// The module's OIDC providers, lowered before the roles whose trust names them.
    pub(crate) oidc: IndexMap<OidcProviderId, OidcProvider>,
    pub(crate) diags: Vec<Diagnostic>,
}

/// Lowers a loaded spec into a module, or returns the diagnostics that stop it.
pub fn lower(loaded: &LoadedSpec) -> Result<Module, Vec<Diagnostic>> {
    let file = &loaded.file;
    let mut l = Lowerer {
        file,
        dir: spec_dir(&file.path),
        params: IndexMap::new(),
        oidc: IndexMap::new(),
        diags: Vec::new(),
    };
    let module = l.module(&loaded.spec, file.clone());
    if l.diags.iter().any(Diagnostic::is_error) {
        Err(l.diags)
    } else {
        Ok(module)
    }
}

/// Variable names Terraform refuses ("The variable name is reserved").
pub(crate) const TERRAFORM_RESERVED_VARIABLES: &[&str] = &[
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "lifecycle",
    "depends_on",
    "locals",
];

/// Largest number of roles, policies and keys one module may hold.
pub const MAX_RESOURCES: usize = 100_000;

impl Lowerer<'_> {
    pub(crate) fn error(
        &mut self,
        rule: &'static Rule,
        path: &YamlPath,
        msg: String,
        help: String,
    ) {
        let d = Diagnostic::new(rule, msg)
            .help(help)
            .at(Some(self.file.locate(path)));
        self.diags.push(d);
    }

    pub(crate) fn error_key(
        &mut self,
        rule: &'static Rule,
        path: &YamlPath,
        msg: String,
        help: String,
    ) {
        let d = Diagnostic::new(rule, msg)
            .help(help)
            .at(Some(self.file.locate_key(path)));
        self.diags.push(d);
    }

    fn module(&mut self, spec: &Spec, source: Arc<SourceFile>) -> Module {
        let root = YamlPath::root();
        if !valid_module_name(&spec.module) {
            self.error(
                &rules::MODULE_NAME,
                &root.key("module"),
                format!(
                    "module name `{}` is not 1–64 characters of [a-z0-9-] starting with a letter (it names the stack, and CloudFormation stack names start with a letter)",
                    spec.module
                ),
                format!("use a name like `{}`", suggest_module_name(&spec.module)),
            );
        }
        let total = spec.roles.len()
            + spec.policies.len()
            + spec.kms_keys.len()
            + spec.oidc_providers.len();
        if total > MAX_RESOURCES {
            self.error(
                &rules::INPUT_LIMIT,
                &root.key("roles"),
                format!("the spec declares {total} roles, policies, keys and OIDC providers; the limit is {MAX_RESOURCES}"),
                "split the spec into several modules".into(),
            );
            // Stop here: lowering a runaway spec would only spend time on a build that fails.
            return Module {
                name: spec.module.clone(),
                description: None,
                deviations: Vec::new(),
                adopt: spec.adopt,
                moved: Moved::default(),
                params: IndexMap::new(),
                roles: IndexMap::new(),
                policies: IndexMap::new(),
                kms_keys: IndexMap::new(),
                oidc_providers: IndexMap::new(),
                allow: Allow::default(),
                outputs: OutputSelection::default(),
                source,
            };
        }
        self.parameters(spec, &root.key("parameters"));
        let allow = self.allow(&spec.allow, &root.key("allow"));
        let policies = self.managed_policies(spec, &root.key("policies"));
        let module_hatches = self
            .hatches(&spec.hatches, &root.key("hatches"))
            .unwrap_or_else(|| Hatch::ALL.to_vec());
        self.oidc = self.oidc_providers(spec, &root);
        let roles = self.roles(spec, &root, &policies, &module_hatches);
        self.hatch_names(&roles, &policies, spec);
        let mut kms_keys = IndexMap::new();
        for (key, k) in &spec.kms_keys {
            let path = root.key("kms_keys").key(key);
            self.check_key(key, &path);
            let when = self.switch(k.when.as_deref(), &path.key("when"));
            let policy = self.document(&k.policy, DocKind::Resource, &path.key("policy"));
            let alias = self
                .literal_text(&k.alias, "a KMS alias", &path.key("alias"))
                .map(|a| a.strip_prefix("alias/").unwrap_or(&a).to_owned());
            if let Some(problem) = alias.as_deref().and_then(alias_problem) {
                self.error(
                    &rules::WRONG_TYPE,
                    &path.key("alias"),
                    format!("`alias/{}` is not a valid KMS alias: {problem}", alias.as_deref().unwrap_or_default()),
                    "an alias is `alias/` and up to 250 of [A-Za-z0-9/_-], not starting with `aws/`".into(),
                );
            }
            let description = self.literal_text(
                &k.description,
                "a KMS key description",
                &path.key("description"),
            );
            let id = KeyId(key.clone());
            kms_keys.insert(
                id.clone(),
                KmsKey {
                    id,
                    description,
                    alias,
                    rotation: k.rotation.unwrap_or(true),
                    when,
                    allow: self.allow(&k.policy.allow, &path.key("policy").key("allow")),
                    policy,
                    origin: path,
                },
            );
        }
        let mut deviations = Vec::new();
        self.deviations(
            &spec.deviations,
            &root.key("deviations"),
            None,
            &mut deviations,
        );
        let outputs = self.outputs(&spec.outputs, &root.key("outputs"));
        let moved = Moved {
            roles: self.renames(&spec.moved.roles, &roles, "roles", &root),
            policies: self.renames(&spec.moved.policies, &policies, "policies", &root),
            kms_keys: self.renames(&spec.moved.kms_keys, &kms_keys, "kms_keys", &root),
            from_unindexed: spec.moved.from_unindexed,
        };
        self.attachment_key_clashes(&moved, &roles, &root);
        Module {
            name: spec.module.clone(),
            description: spec.description.clone(),
            deviations,
            adopt: spec.adopt,
            moved,
            params: std::mem::take(&mut self.params),
            roles,
            policies,
            kms_keys,
            oidc_providers: std::mem::take(&mut self.oidc),
            allow,
            outputs,
            source,
        }
    }

    /// A renamed customer managed policy's attachments move to the new key (`moved` from
    /// `<role>["<earlier key>"]`); that is impossible when the role attaches something else
    /// under the earlier key, and Terraform would detach the policy and attach it again, in
    /// either order. Refused, with the way out.
    fn attachment_key_clashes(
        &mut self,
        moved: &Moved,
        roles: &IndexMap<RoleId, Role>,
        root: &YamlPath,
    ) {
        for (old, new) in &moved.policies {
            let from = names::snake(old);
            for r in roles.values() {
                let renamed = r
                    .managed
                    .iter()
                    .any(|m| matches!(&m.target, PolicyRef::Module(p) if p == new));
                if renamed && r.managed.iter().any(|m| m.key == from) {
                    self.error_key(
                        &rules::DUPLICATE_NAME,
                        &root.key("moved").key("policies").key(old),
                        format!("role `{}` attaches another policy under `{from}`, the Terraform key the attachment of `{old}` had before the rename, so that attachment cannot be moved to `{}`: Terraform would detach the policy and attach it again", r.id, new.snake()),
                        format!("apply the rename first, then remove it from `moved:` before attaching the other policy; or give the renamed policy a key whose Terraform name no other attachment of `{}` uses", r.id),
                    );
                }
            }
        }
    }

    /// The renames of one kind under `moved:` (`kind`: `roles`, `policies`, `kms_keys`): each
    /// earlier key is a valid key that no resource of that kind has now (Terraform refuses a
    /// `moved` block from an address the configuration declares), each key now exists, and no
    /// two renames share a Terraform name.
    fn renames<K, V>(
        &mut self,
        renames: &IndexMap<String, String>,
        current: &IndexMap<K, V>,
        kind: &str,
        root: &YamlPath,
    ) -> Vec<(String, K)>
    where
        K: std::borrow::Borrow<str> + std::hash::Hash + Eq + Clone,
    {
        let path = root.key("moved").key(kind);
        let mut out = Vec::new();
        let mut from_names: std::collections::HashSet<String> = Default::default();
        let now: std::collections::HashSet<String> =
            current.keys().map(|k| names::snake(k.borrow())).collect();
        for (old, new) in renames {
            let at = path.key(old);
            self.check_key(old, &at);
            let snake = names::snake(old);
            if now.contains(&snake) {
                self.error_key(
                    &rules::DUPLICATE_NAME,
                    &at,
                    format!("`{old}` is a key of `{kind}:` now (Terraform name `{snake}`): a `moved` block cannot start from an address the module declares"),
                    format!("remove `{old}` from `moved: {kind}:`, or rename that entry"),
                );
                continue;
            }
            if !from_names.insert(snake.clone()) {
                self.error_key(
                    &rules::DUPLICATE_NAME,
                    &at,
                    format!(
                        "two earlier keys under `moved: {kind}:` have the Terraform name `{snake}`"
                    ),
                    "keep one of them".into(),
                );
                continue;
            }
            match current.get_key_value(new.as_str()) {
                Some((k, _)) => out.push((old.clone(), k.clone())),
                None => {
                    let help = match closest(new, current.keys().map(|k| k.borrow())) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => format!("name a key under `{kind}:`"),
                    };
                    self.error(
                        &rules::UNDECLARED_PARAMETER,
                        &at,
                        format!("`{new}` is not a key under `{kind}:` (the rename of `{old}` must name the key it has now)"),
                        help,
                    );
                }
            }
        }
        out
    }

    /// A `deviations:` list (of the module, a role, a policy or a statement: `statement`),
    /// appended to `out`; each needs a non-empty `what`, `why` and `source`.
    pub(crate) fn deviations(
        &mut self,
        list: &[DeviationSpec],
        path: &YamlPath,
        statement: Option<&StatementRef>,
        out: &mut Vec<Deviation>,
    ) {
        for (i, d) in list.iter().enumerate() {
            for (field, text) in [("what", &d.what), ("why", &d.why), ("source", &d.source)] {
                if text.trim().is_empty() {
                    self.error(
                        &rules::WRONG_TYPE,
                        &path.index(i).key(field),
                        format!("a deviation's `{field}` is empty"),
                        "say what departs from the document, why, and which document (and section) it is".into(),
                    );
                }
            }
            out.push(Deviation {
                what: d.what.trim().to_owned(),
                why: d.why.trim().to_owned(),
                source: d.source.trim().to_owned(),
                statement: statement.cloned(),
            });
        }
    }

    /// Every role, in spec order. A large spec is lowered in two halves on two threads,
    /// each with its own diagnostics, put together in order: the same roles and the same
    /// diagnostics in the same order as one pass.
    fn roles(
        &mut self,
        spec: &Spec,
        root: &YamlPath,
        policies: &IndexMap<PolicyId, ManagedPolicy>,
        module_hatches: &[Hatch],
    ) -> IndexMap<RoleId, Role> {
        /// Below this many roles a thread costs more than it saves.
        const PARALLEL_FROM: usize = 512;
        let entries: Vec<(&String, &RoleSpec)> = spec.roles.iter().collect();
        let lower_part = |l: &mut Lowerer, part: &[(&String, &RoleSpec)]| -> Vec<Role> {
            part.iter()
                .map(|(key, r)| {
                    let path = root.key("roles").key(key);
                    l.check_key(key, &path);
                    let mut role = l.role(key, r, &path, policies);
                    role.hatches = l
                        .hatches(&r.hatches, &path.key("hatches"))
                        .unwrap_or_else(|| module_hatches.to_vec());
                    role
                })
                .collect()
        };
        let (first, second) = if entries.len() >= PARALLEL_FROM
            && std::thread::available_parallelism().map_or(1, |n| n.get()) > 1
        {
            let half = entries.len() / 2;
            let mut other = Lowerer {
                file: self.file,
                dir: self.dir.clone(),
                params: self.params.clone(),
                oidc: self.oidc.clone(),
                diags: Vec::new(),
            };
            let (first, second) = std::thread::scope(|s| {
                let later = s.spawn(|| lower_part(&mut other, &entries[half..]));
                let first = lower_part(self, &entries[..half]);
                (first, later.join())
            });
            match second {
                Ok(second) => {
                    self.diags.append(&mut other.diags);
                    (first, second)
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        } else {
            (lower_part(self, &entries), Vec::new())
        };
        let mut roles = IndexMap::with_capacity(entries.len());
        for role in first.into_iter().chain(second) {
            roles.insert(role.id.clone(), role);
        }
        roles
    }

    fn check_key(&mut self, key: &str, path: &YamlPath) {
        let ok = !key.is_empty()
            && key.len() <= 64
            && key.starts_with(|c: char| c.is_ascii_alphabetic())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            self.error_key(
                &rules::WRONG_TYPE,
                path,
                format!("`{key}` is not a valid key: use letters, digits, `-` and `_`, starting with a letter (at most 64)"),
                format!("rename it, for example `{}`", suggest_module_name(key)),
            );
        }
    }

    pub(crate) fn allow(&mut self, list: &[AllowSpec], path: &YamlPath) -> Allow {
        let mut out = Vec::new();
        for (i, a) in list.iter().enumerate() {
            match rules::by_code(a.code()) {
                Some(rule) if rule.suppressible => out.push((rule, a.reason().map(str::to_owned))),
                Some(rule) => self.error(
                    &rules::UNKNOWN_ALLOW,
                    &path.index(i),
                    format!(
                        "{} ({}) cannot be allowed: AWS would reject the output",
                        rule.code, rule.name
                    ),
                    "fix the finding instead".into(),
                ),
                None => {
                    let codes = rules::ALL.iter().map(|r| r.code);
                    let help = match closest(a.code(), codes) {
                        Some(c) => format!("did you mean `{c}`? (`rolegen explain {c}`)"),
                        None => "run `rolegen explain --list` for the codes".into(),
                    };
                    self.error(
                        &rules::UNKNOWN_ALLOW,
                        &path.index(i),
                        format!("`{}` is not a rule code", a.code()),
                        help,
                    );
                }
            }
        }
        Allow(out)
    }

    fn parameters(&mut self, spec: &Spec, path: &YamlPath) {
        for (name, p) in &spec.parameters {
            let ppath = path.key(name);
            let ok = name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name.bytes().all(|b| b.is_ascii_alphanumeric())
                && name.len() <= 255;
            if !ok {
                self.error_key(
                    &rules::WRONG_TYPE,
                    &ppath,
                    format!("parameter name `{name}` must be alphanumeric and start with a letter (CloudFormation's rule)"),
                    format!("rename it to `{}`", crate::model::names::pascal(name)),
                );
            }
            let tf_name = crate::model::names::snake(name);
            if crate::model::conventions::CONVENTION_VARIABLES
                .iter()
                .any(|(v, ..)| *v == tf_name)
            {
                self.error_key(
                    &rules::WRONG_TYPE,
                    &ppath,
                    format!("parameter `{name}` becomes the Terraform variable `{tf_name}`, which every rolegen module already has (the module's `create` toggle and `tags`)"),
                    format!("rename it, e.g. `{}Value`", crate::model::names::pascal(name)),
                );
            } else if name == crate::model::conventions::EXPORT_PREFIX {
                self.error_key(
                    &rules::WRONG_TYPE,
                    &ppath,
                    format!("parameter `{name}` is the CloudFormation parameter every rolegen stack already has (the prefix of its output export names)"),
                    format!("rename it, e.g. `{name}Value`"),
                );
            } else if TERRAFORM_RESERVED_VARIABLES.contains(&tf_name.as_str()) {
                self.error_key(
                    &rules::WRONG_TYPE,
                    &ppath,
                    format!("parameter `{name}` becomes the Terraform variable `{tf_name}`, a name Terraform reserves"),
                    format!("rename it, e.g. `{}Value`", crate::model::names::pascal(name)),
                );
            }
            let kind = match p.kind {
                ParamKindSpec::String => ParamKind::String,
                ParamKindSpec::List => ParamKind::List,
                ParamKindSpec::Number => ParamKind::Number,
                ParamKindSpec::Bool => ParamKind::Bool,
            };
            if p.secret && kind == ParamKind::Bool {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    &ppath.key("secret"),
                    format!("parameter `{name}` is a `bool` marked `secret`: a bool switches resources, and Terraform cannot count resources by a sensitive value"),
                    "remove `secret: true` (a switch is no secret)".into(),
                );
            }
            let default = p
                .default
                .as_ref()
                .and_then(|v| self.param_value(kind, v, &ppath.key("default")));
            let example = p
                .example
                .as_ref()
                .and_then(|v| self.param_value(kind, v, &ppath.key("example")));
            let values = [("default", default.as_ref()), ("example", example.as_ref())];
            self.pattern_and_length(p, kind, &ppath, &values);
            let (min_value, max_value, allowed_values) =
                self.value_bounds(p, kind, &ppath, &values);
            self.params.insert(
                ParamName(name.clone()),
                Parameter {
                    name: ParamName(name.clone()),
                    kind,
                    default,
                    description: p.description.clone(),
                    pattern: p.pattern.clone(),
                    min_length: p.min_length,
                    max_length: p.max_length,
                    min_value,
                    max_value,
                    allowed_values,
                    example,
                    label: p.label.clone(),
                    group: p.group.clone(),
                    secret: p.secret,
                    origin: ppath,
                },
            );
        }
    }

    /// A parameter's `min_value`/`max_value` (numbers only) and `allowed_values` (not bools),
    /// and that the default and example `values` fit them (RG006).
    fn value_bounds(
        &mut self,
        p: &crate::spec::ParameterSpec,
        kind: ParamKind,
        at: &YamlPath,
        values: &[(&str, Option<&ParamValue>)],
    ) -> (Option<String>, Option<String>, Vec<String>) {
        let bound = |l: &mut Self, key: &str, v: &Option<serde_yaml_ng::Value>| {
            let v = v.as_ref()?;
            if kind != ParamKind::Number {
                l.error(
                    &rules::PARAMETER_MISUSE,
                    &at.key(key),
                    format!("`{key}` applies to `number` parameters only (CloudFormation has MinValue/MaxValue for Number only)"),
                    "remove it, or make the parameter a `number`".into(),
                );
                return None;
            }
            match l.param_value(ParamKind::Number, v, &at.key(key)) {
                Some(ParamValue::Number(n)) => Some(n),
                _ => None,
            }
        };
        let min = bound(self, "min_value", &p.min_value);
        let max = bound(self, "max_value", &p.max_value);
        let num = |s: &str| s.parse::<f64>().ok();
        if let (Some(lo), Some(hi)) = (min.as_deref().and_then(num), max.as_deref().and_then(num)) {
            if lo > hi {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    &at.key("min_value"),
                    format!("`min_value` {lo} is greater than `max_value` {hi}: no value fits"),
                    "swap them".into(),
                );
            }
        }
        let mut allowed = Vec::new();
        if let Some(list) = &p.allowed_values {
            let apath = at.key("allowed_values");
            if kind == ParamKind::Bool {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    &apath,
                    "a bool parameter's values are `true` and `false` already".into(),
                    "remove `allowed_values`".into(),
                );
            } else if list.is_empty() {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    &apath,
                    "`allowed_values` is empty: no value fits".into(),
                    "list the values, or remove the key".into(),
                );
            } else {
                let item_kind = match kind {
                    ParamKind::Number => ParamKind::Number,
                    _ => ParamKind::String,
                };
                for (i, v) in list.iter().enumerate() {
                    if let Some(ParamValue::Str(s) | ParamValue::Number(s)) =
                        self.param_value(item_kind, v, &apath.index(i))
                    {
                        if item_kind == ParamKind::String && s.contains(',') {
                            self.error(
                                &rules::PARAMETER_MISUSE,
                                &apath.index(i),
                                format!("`{s}` holds a comma: CloudFormation's AllowedValues is a comma-separated list to some readers"),
                                "choose values without commas".into(),
                            );
                        }
                        allowed.push(s);
                    }
                }
            }
        }
        let outside = |b: &Option<String>, x: f64, below: bool| {
            let bound = b.as_deref()?;
            let y = num(bound)?;
            ((below && x < y) || (!below && x > y)).then(|| bound.to_owned())
        };
        self.refuse_values(at, values, |item| {
            if !allowed.is_empty() && !allowed.iter().any(|a| a == item) {
                return Some(format!(
                    "is not one of `allowed_values` ({})",
                    allowed.join(", ")
                ));
            }
            let x = num(item)?;
            if let Some(lo) = outside(&min, x, true) {
                Some(format!("is less than `min_value` {lo}"))
            } else {
                outside(&max, x, false).map(|hi| format!("is greater than `max_value` {hi}"))
            }
        });
        (min, max, allowed)
    }

    /// Checks a parameter's `pattern` (RG012: both regex dialects read it alike) and
    /// `min_length`/`max_length` (strings only; RG013: counted alike by both backends), and
    /// that the default and example `values` fit them (RG006).
    fn pattern_and_length(
        &mut self,
        p: &crate::spec::ParameterSpec,
        kind: ParamKind,
        at: &YamlPath,
        values: &[(&str, Option<&ParamValue>)],
    ) {
        let mut parsed = None;
        if let Some(pat) = &p.pattern {
            if kind == ParamKind::Bool {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    &at.key("pattern"),
                    "a bool parameter cannot have a pattern".into(),
                    "remove `pattern`".into(),
                );
            } else {
                match pattern::check(pat) {
                    Ok(ast) => parsed = Some(ast),
                    Err(problem) => {
                        let d = Diagnostic::new(
                            &rules::REGEX_DIALECT,
                            format!("pattern `{pat}`: {}", problem.message),
                        )
                        .help(problem.help)
                        .at(Some(self.file.locate_within(
                            &at.key("pattern"),
                            pat,
                            problem.span,
                        )));
                        self.diags.push(d);
                    }
                }
            }
        }
        self.values_fit(p, at, parsed.as_ref(), values);
        if p.min_length.is_none() && p.max_length.is_none() {
            return;
        }
        let key = if p.min_length.is_some() {
            "min_length"
        } else {
            "max_length"
        };
        if kind != ParamKind::String {
            self.error(
                &rules::PARAMETER_MISUSE,
                &at.key(key),
                format!("`{key}` applies to `string` parameters only (CloudFormation has MinLength/MaxLength for String only)"),
                "remove it, or bound each item with the `pattern`".into(),
            );
            return;
        }
        if let (Some(min), Some(max)) = (p.min_length, p.max_length) {
            if min > max {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    &at.key("min_length"),
                    format!("`min_length` {min} is greater than `max_length` {max}: no value fits"),
                    "swap them".into(),
                );
            }
        }
        match (&p.pattern, &parsed) {
            (None, _) => self.error(
                &rules::LENGTH_COUNT,
                &at.key(key),
                format!("`{key}` without a `pattern`: Terraform's `length()` counts grapheme clusters and CloudFormation counts characters, so the bounds differ for values outside printable ASCII"),
                "add a `pattern` that admits printable ASCII only, e.g. `[A-Za-z0-9+=,.@_-]+`".into(),
            ),
            (Some(pat), Some(ast)) => {
                if let Some(range) = pattern::non_printable_ascii(ast) {
                    let d = Diagnostic::new(
                        &rules::LENGTH_COUNT,
                        format!("pattern `{pat}` admits characters outside printable ASCII (`{}`), where Terraform's `length()` (grapheme clusters) and CloudFormation (characters) count the `{key}` bound differently", pat.get(range.clone()).unwrap_or_default()),
                    )
                    .help("narrow the pattern to printable ASCII (`' '`–`'~'`), e.g. `[A-Za-z0-9._-]` instead of `[^/]` or `.`")
                    .at(Some(self.file.locate_within(&at.key("pattern"), pat, range)));
                    self.diags.push(d);
                }
            }
            // The pattern itself was rejected (RG012).
            (Some(_), None) => {}
        }
    }

    /// The parameter's own default and example must pass its pattern and length bounds (as
    /// Terraform's validation and CloudFormation would check them at deploy time).
    fn values_fit(
        &mut self,
        p: &crate::spec::ParameterSpec,
        at: &YamlPath,
        parsed: Option<&regex_syntax::ast::Ast>,
        values: &[(&str, Option<&ParamValue>)],
    ) {
        self.refuse_values(at, values, |item| {
            let refused = match (&p.pattern, parsed) {
                (Some(pat), Some(ast)) => pattern::matches(pat, ast, item) == Some(false),
                _ => false,
            };
            let len = item.chars().count();
            let short = p.min_length.filter(|&n| len < n as usize);
            let long = p.max_length.filter(|&n| len > n as usize);
            if refused {
                Some(format!(
                    "does not match the parameter's pattern `{}`",
                    p.pattern.as_deref().unwrap_or_default()
                ))
            } else if let Some(n) = short {
                Some(format!("has {len} characters, fewer than `min_length` {n}"))
            } else {
                long.map(|n| format!("has {len} characters, more than `max_length` {n}"))
            }
        });
    }

    /// RG006 for the first item of each of `values` (a default, an example; each item of a
    /// list, at its index) that `refuses` says why it refuses.
    fn refuse_values(
        &mut self,
        at: &YamlPath,
        values: &[(&str, Option<&ParamValue>)],
        refuses: impl Fn(&str) -> Option<String>,
    ) {
        for (key, value) in values {
            let items: Vec<(&str, YamlPath)> = match value {
                Some(ParamValue::Str(s) | ParamValue::Number(s)) => {
                    vec![(s.as_str(), at.key(key))]
                }
                Some(ParamValue::List(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (s.as_str(), at.key(key).index(i)))
                    .collect(),
                Some(ParamValue::Bool(_)) | None => continue,
            };
            if let Some((item, item_at, what)) = items
                .into_iter()
                .find_map(|(item, item_at)| Some((item, item_at, refuses(item)?)))
            {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    &item_at,
                    format!("the {key} `{item}` {what}: Terraform's validation and CloudFormation would refuse it"),
                    format!("change the {key}, or the parameter's constraints"),
                );
            }
        }
    }

    fn param_value(
        &mut self,
        kind: ParamKind,
        v: &serde_yaml_ng::Value,
        path: &YamlPath,
    ) -> Option<ParamValue> {
        use serde_yaml_ng::Value as V;
        let scalar = |v: &V| match v {
            V::String(s) => Some(s.clone()),
            V::Number(n) => Some(n.to_string()),
            V::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        let out = match (kind, v) {
            (ParamKind::String, V::String(s)) => Some(ParamValue::Str(s.clone())),
            (ParamKind::Number, V::Number(n)) => Some(ParamValue::Number(n.to_string())),
            (ParamKind::Bool, V::Bool(b)) => Some(ParamValue::Bool(*b)),
            (ParamKind::List, V::Sequence(items)) => items
                .iter()
                .map(scalar)
                .collect::<Option<Vec<_>>>()
                .map(ParamValue::List),
            _ => None,
        };
        if out.is_none() {
            self.error(
                &rules::PARAMETER_MISUSE,
                path,
                format!("this value does not fit a `{}` parameter", kind.as_str()),
                match kind {
                    ParamKind::String => {
                        "write a string (quote it if YAML would read it as a number or boolean)"
                    }
                    ParamKind::List => "write a list of strings: `[a, b]`",
                    ParamKind::Number => "write a number",
                    ParamKind::Bool => "write `true` or `false`",
                }
                .into(),
            );
        }
        if let Some(ParamValue::Number(n)) = &out {
            // Terraform interpolates a number in its shortest form (`2.0` → `2`, `1e3` →
            // `1000`) while CloudFormation keeps the text: only the shortest form means the same
            // in a name, ARN or condition in both.
            let shortest = n.parse::<f64>().ok().map(|f| f.to_string());
            if shortest.as_deref() != Some(n.as_str()) {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    path,
                    format!("the number `{n}` reads differently in the two outputs (Terraform writes it as `{}`)", shortest.as_deref().unwrap_or("?")),
                    format!("write it as `{}`", shortest.as_deref().unwrap_or("a plain integer")),
                );
                return None;
            }
        }
        if let Some(ParamValue::List(items)) = &out {
            if items.is_empty() {
                self.error(&rules::PARAMETER_MISUSE, path, "a list parameter's value must have at least one item".into(), "IAM has no empty value lists, and CloudFormation cannot drop an empty list spliced next to other values; give at least one item".into());
                return None;
            }
            if items.iter().any(|i| i.contains(',')) {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    path,
                    "a list item contains a comma".into(),
                    "CloudFormation passes lists as comma-separated text; remove the comma".into(),
                );
                return None;
            }
        }
        out
    }

    /// Parses a placeholder string; `ctx` decides whether a list parameter may appear.
    pub(crate) fn template(&mut self, s: &str, ctx: Ctx, path: &YamlPath) -> Template {
        let params = &self.params;
        match template::parse(s, |n| params.contains_key(n)) {
            Ok(t) => {
                let lists: Vec<&ParamName> = t
                    .params()
                    .filter(|p| {
                        self.params
                            .get(*p)
                            .is_some_and(|x| x.kind == ParamKind::List)
                    })
                    .collect();
                if ctx == Ctx::Scalar && !lists.is_empty() {
                    let msg = format!(
                        "the list parameter `{}` is used where one value is needed",
                        lists[0]
                    );
                    self.error(&rules::PARAMETER_MISUSE, path, msg, "use a `string` parameter here, or move the value to a list position (Resource, principal, condition value)".into());
                } else if lists.len() > 1 {
                    let msg = format!(
                        "`{s}` holds {} list parameters; a string may expand at most one",
                        lists.len()
                    );
                    self.error(
                        &rules::LIST_IN_STRING,
                        path,
                        msg,
                        "split it into separate values, one list parameter each".into(),
                    );
                }
                t
            }
            Err(e) => {
                let (rule, msg, help) = match e {
                    PlaceholderError::Unterminated => (&rules::UNDECLARED_PARAMETER, format!("`{s}` has a `${{` without a closing `}}`"), "close the placeholder, or write `$${` for a literal `${`".to_owned()),
                    PlaceholderError::Empty => (&rules::UNDECLARED_PARAMETER, format!("`{s}` has an empty placeholder `${{}}`"), "name a parameter inside, or write `$${}` for literal text".to_owned()),
                    PlaceholderError::UnknownPseudo(p) => (
                        &rules::UNDECLARED_PARAMETER,
                        format!("`AWS::{p}` is not a pseudo parameter rolegen supports"),
                        "use one of ${AWS::Partition}, ${AWS::AccountId}, ${AWS::Region}, ${AWS::URLSuffix}".to_owned(),
                    ),
                    PlaceholderError::UnknownPolicyVariable(v) => (
                        &rules::UNDECLARED_PARAMETER,
                        format!("`${{{v}}}` is neither a parameter nor an IAM policy variable"),
                        format!("IAM policy variables start with one of: {}; write `$${{` for a literal `${{`", template::POLICY_VARIABLE_PREFIXES.join(", ")),
                    ),
                    PlaceholderError::Undeclared(n) => {
                        let help = match closest(&n, self.params.keys().map(ParamName::as_str)) {
                            Some(c) => format!("did you mean `${{{c}}}`? Otherwise declare `{n}` under `parameters:`"),
                            None => format!("declare it under `parameters:` (`{n}: {{type: string}}`), or write `$${{{n}}}` for literal text"),
                        };
                        (&rules::UNDECLARED_PARAMETER, format!("`${{{n}}}` is not a declared parameter"), help)
                    }
                };
                self.error(rule, path, msg, help);
                Template::lit(s)
            }
        }
    }

    /// A `when:` value: `Flag` or `not Flag`, where Flag is a declared bool parameter.
    pub(crate) fn switch(&mut self, when: Option<&str>, path: &YamlPath) -> Option<Switch> {
        let w = when?.trim();
        let (negated, name) = match w.strip_prefix("not ") {
            Some(n) => (true, n.trim()),
            None => (false, w),
        };
        match self.params.get(name) {
            Some(p) if p.kind == ParamKind::Bool => Some(Switch {
                param: ParamName(name.to_owned()),
                negated,
            }),
            Some(p) => {
                let msg = format!(
                    "`when:` needs a bool parameter; `{name}` is a {}",
                    p.kind.as_str()
                );
                self.error(&rules::PARAMETER_MISUSE, path, msg, "declare a bool parameter (`Enable...: {type: bool, default: false}`) and use it here".into());
                None
            }
            None => {
                let bools = self
                    .params
                    .values()
                    .filter(|p| p.kind == ParamKind::Bool)
                    .map(|p| p.name.as_str());
                let help = match closest(name, bools) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => format!("declare `{name}: {{type: bool, default: false}}` under `parameters:`; write `not {name}` for the opposite"),
                };
                self.error(
                    &rules::UNDECLARED_PARAMETER,
                    path,
                    format!("`when: {w}` names no declared bool parameter"),
                    help,
                );
                None
            }
        }
    }

    fn opt_template(&mut self, s: &Option<String>, ctx: Ctx, path: &YamlPath) -> Option<Template> {
        s.as_ref().map(|s| self.template(s, ctx, path))
    }

    /// A field that takes literal text only (`$${` still writes `${`): a placeholder there is
    /// an error rather than text that reaches AWS unresolved.
    fn literal_text(&mut self, s: &Option<String>, what: &str, path: &YamlPath) -> Option<String> {
        let t = self.opt_template(s, Ctx::Scalar, path)?;
        let literal = t.as_literal();
        if literal.is_none() {
            self.error(
                &rules::WRONG_TYPE,
                path,
                format!(
                    "{what} takes literal text; `{}` holds a placeholder",
                    t.display()
                ),
                "write the value out (use `$${` for a literal `${`)".into(),
            );
        }
        literal
    }

    fn role(
        &mut self,
        key: &str,
        r: &RoleSpec,
        path: &YamlPath,
        policies: &IndexMap<PolicyId, ManagedPolicy>,
    ) -> Role {
        let name = match (&r.name, &r.name_prefix) {
            (Some(_), Some(_)) => {
                self.error(
                    &rules::WRONG_TYPE,
                    &path.key("name_prefix"),
                    "a role has either `name` or `name_prefix`, not both".into(),
                    "remove one".into(),
                );
                RoleName::Generated
            }
            (Some(n), None) => RoleName::Fixed(self.template(n, Ctx::Scalar, &path.key("name"))),
            (None, Some(p)) => {
                RoleName::Prefix(self.template(p, Ctx::Scalar, &path.key("name_prefix")))
            }
            (None, None) => RoleName::Generated,
        };
        let when = self.switch(r.when.as_deref(), &path.key("when"));
        let tags = r
            .tags
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    self.template(v, Ctx::Scalar, &path.key("tags").key(k)),
                )
            })
            .collect();
        let instance_profile = match &r.instance_profile {
            None | Some(crate::spec::InstanceProfileSpec::Enabled(false)) => None,
            Some(crate::spec::InstanceProfileSpec::Enabled(true)) => Some(InstanceProfile {
                name: None,
                path: None,
                when: None,
            }),
            Some(crate::spec::InstanceProfileSpec::Named {
                name,
                path: p,
                when,
            }) => Some(InstanceProfile {
                name: self.opt_template(
                    name,
                    Ctx::Scalar,
                    &path.key("instance_profile").key("name"),
                ),
                path: self.opt_template(p, Ctx::Scalar, &path.key("instance_profile").key("path")),
                when: self.switch(when.as_deref(), &path.key("instance_profile").key("when")),
            }),
        };
        let trust = self.trust(r, path);
        let managed =
            self.attachments(&r.managed_policies, &path.key("managed_policies"), policies);
        let mut inline = Vec::with_capacity(r.inline_policies.len());
        for (pname, doc) in &r.inline_policies {
            let ppath = path.key("inline_policies").key(pname);
            if pname.is_empty()
                || pname.len() > 128
                || !pname
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
            {
                self.error_key(&rules::WRONG_TYPE, &ppath, format!("inline policy name `{pname}` must be 1–128 characters of [A-Za-z0-9+=,.@_-]"), "rename the policy".into());
            }
            inline.push(InlinePolicy {
                name: pname.clone(),
                when: self.switch(doc.when.as_deref(), &ppath.key("when")),
                allow: self.allow(&doc.allow, &ppath.key("allow")),
                doc: self.document(doc, DocKind::Identity, &ppath),
                origin: ppath,
            });
        }
        let mut deviations = Vec::new();
        self.deviations(
            &r.deviations,
            &path.key("deviations"),
            None,
            &mut deviations,
        );
        Role {
            id: RoleId(key.to_owned()),
            name,
            path: self.opt_template(&r.path, Ctx::Scalar, &path.key("path")),
            description: self.opt_template(&r.description, Ctx::Scalar, &path.key("description")),
            deviations,
            max_session: r.max_session_duration,
            boundary: self.opt_template(
                &r.permissions_boundary,
                Ctx::Scalar,
                &path.key("permissions_boundary"),
            ),
            tags,
            when,
            instance_profile,
            trust,
            managed,
            inline,
            allow: self.allow(&r.allow, &path.key("allow")),
            hatches: Vec::new(),
            origin: path.clone(),
        }
    }

    /// The `outputs:` selection: an unknown output name is an error naming the known ones.
    fn outputs(&mut self, spec: &Option<OutputsSpec>, path: &YamlPath) -> OutputSelection {
        let mut sel = OutputSelection::default();
        let Some(spec) = spec else {
            return sel;
        };
        sel.export = spec.export.unwrap_or(true);
        for (section, list) in [
            ("roles", &spec.roles),
            ("policies", &spec.policies),
            ("kms_keys", &spec.kms_keys),
            ("oidc_providers", &spec.oidc_providers),
        ] {
            let Some(list) = list else { continue };
            let ours = || {
                OUTPUT_KINDS
                    .iter()
                    .enumerate()
                    .filter(move |(_, k)| k.owner.section() == section)
            };
            for (i, name) in list.iter().enumerate() {
                if !ours().any(|(_, k)| k.key == name) {
                    let keys: Vec<&str> = ours().map(|(_, k)| k.key).collect();
                    self.error(
                        &rules::WRONG_TYPE,
                        &path.key(section).index(i),
                        format!("`{name}` is not an output of {section}"),
                        format!("use some of: {}", keys.join(", ")),
                    );
                }
            }
            for (i, k) in ours() {
                if !list.iter().any(|n| n == k.key) {
                    sel.off |= 1 << i;
                }
            }
        }
        sel
    }

    /// A `hatches:` value: `None` when absent (the level above decides).
    fn hatches(&mut self, spec: &Option<HatchesSpec>, path: &YamlPath) -> Option<Vec<Hatch>> {
        match spec.as_ref()? {
            HatchesSpec::All(true) => Some(Hatch::ALL.to_vec()),
            HatchesSpec::All(false) => Some(Vec::new()),
            HatchesSpec::Some(list) => {
                let mut on = Vec::new();
                for (i, name) in list.iter().enumerate() {
                    match Hatch::parse(name) {
                        Some(h) => on.push(h),
                        None => {
                            let keys: Vec<&str> = Hatch::ALL.iter().map(|h| h.key()).collect();
                            self.error(
                                &rules::WRONG_TYPE,
                                &path.index(i),
                                format!("`{name}` is not an escape hatch"),
                                format!("use some of: {}", keys.join(", ")),
                            );
                        }
                    }
                }
                Some(Hatch::ALL.into_iter().filter(|h| on.contains(h)).collect())
            }
        }
    }

    /// The inputs and resources the hatches add must not take a name the module already
    /// uses: a spec parameter (Terraform variable or CloudFormation parameter), a
    /// CloudFormation logical id (parameters and resources share them), or the Terraform
    /// attachment resource of another role.
    fn hatch_names(
        &mut self,
        roles: &IndexMap<RoleId, Role>,
        policies: &IndexMap<PolicyId, ManagedPolicy>,
        spec: &Spec,
    ) {
        if roles.values().all(|r| r.hatches.is_empty()) {
            return;
        }
        let mut taken: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        for name in spec.parameters.keys() {
            taken.insert(name.clone(), format!("parameter `{name}`"));
            taken.insert(
                format!("var.{}", crate::model::names::snake(name)),
                format!("parameter `{name}`"),
            );
        }
        for r in roles.values() {
            let p = r.id.pascal();
            let what = format!("role `{}`", r.id);
            taken.insert(p.clone(), what.clone());
            taken.insert(format!("{p}InstanceProfile"), what.clone());
            for ip in &r.inline {
                taken.insert(
                    format!("{p}{}Policy", crate::model::names::pascal(&ip.name)),
                    what.clone(),
                );
            }
            taken.insert(format!("attachment.{}", r.id.snake()), what);
        }
        for id in policies.keys() {
            taken.insert(id.pascal(), format!("policy `{id}`"));
        }
        for key in spec.kms_keys.keys() {
            let p = crate::model::names::pascal(key);
            taken.insert(format!("{p}Alias"), format!("KMS key `{key}`"));
            taken.insert(p, format!("KMS key `{key}`"));
        }
        // Roles whose ids collide already (RG005 reports them) would only repeat it here.
        let mut ids: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for r in roles.values() {
            *ids.entry(r.id.pascal()).or_default() += 1;
            *ids.entry(format!("_{}", r.id.snake())).or_default() += 1;
        }
        for r in roles.values() {
            if ids[&r.id.pascal()] > 1 || ids[&format!("_{}", r.id.snake())] > 1 {
                continue;
            }
            let mut mine = Vec::new();
            for h in &r.hatches {
                mine.push((
                    h.cfn_param(&r.id),
                    format!("the CloudFormation parameter `{}`", h.cfn_param(&r.id)),
                ));
                mine.push((
                    format!("var.{}", h.tf_var(&r.id)),
                    format!("the Terraform variable `{}`", h.tf_var(&r.id)),
                ));
                if *h == Hatch::AdditionalPolicyArns {
                    mine.push((
                        format!("attachment.{}_additional", r.id.snake()),
                        format!(
                            "the Terraform resource `aws_iam_role_policy_attachment.{}_additional`",
                            r.id.snake()
                        ),
                    ));
                }
            }
            for (name, what) in mine {
                if let Some(other) = taken.get(&name) {
                    let other = other.clone();
                    self.error(
                        &rules::WRONG_TYPE,
                        &r.origin,
                        format!("the escape hatches of role `{}` need {what}, which {other} already takes", r.id),
                        "rename one of them, or turn the hatches of this role off (`hatches: false`, or list the ones to keep)".into(),
                    );
                } else {
                    taken.insert(name, format!("an escape hatch of role `{}`", r.id));
                }
            }
        }
    }

    fn attachments(
        &mut self,
        list: &[AttachmentSpec],
        path: &YamlPath,
        policies: &IndexMap<PolicyId, ManagedPolicy>,
    ) -> Vec<ManagedAttachment> {
        let mut out: Vec<ManagedAttachment> = Vec::with_capacity(list.len());
        for (i, a) in list.iter().enumerate() {
            let apath = path.index(i);
            let (target, key) = match (&a.aws, &a.policy, &a.arn) {
                (Some(name), None, None) => {
                    let name = name.trim_start_matches('/').to_owned();
                    if name.is_empty()
                        || !name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b))
                        || name.contains("//")
                        || name.ends_with('/')
                    {
                        self.error(&rules::MALFORMED_ARN, &apath.key("aws"), format!("`{name}` is not an AWS managed policy name"), "write the name as AWS lists it, with its path if any: `service-role/AmazonECSTaskExecutionRolePolicy`".into());
                    }
                    let last = name.rsplit('/').next().unwrap_or(&name).to_owned();
                    (PolicyRef::Aws(name), names::snake(&last))
                }
                (None, Some(id), None) => {
                    let pid = PolicyId(id.clone());
                    if !policies.contains_key(&pid) {
                        let help = match closest(id, policies.keys().map(PolicyId::as_str)) {
                            Some(c) => format!("did you mean `{c}`?"),
                            None => "declare it under `policies:`".into(),
                        };
                        self.error(
                            &rules::UNDECLARED_PARAMETER,
                            &apath.key("policy"),
                            format!("`{id}` is not a policy of this module"),
                            help,
                        );
                    }
                    (PolicyRef::Module(pid), names::snake(id))
                }
                (None, None, Some(arn)) => {
                    let t = self.template(arn, Ctx::Scalar, &apath.key("arn"));
                    let key = match t.as_literal() {
                        Some(l) => names::snake(l.rsplit('/').next().unwrap_or(&l)),
                        None => match t.as_single_param() {
                            Some(p) => p.snake(),
                            None => format!("arn_{i}"),
                        },
                    };
                    (PolicyRef::Arn(t), key)
                }
                _ => {
                    self.error(
                        &rules::WRONG_TYPE,
                        &apath,
                        "an attachment needs exactly one of `aws`, `policy`, `arn`".into(),
                        "for example `- aws: ReadOnlyAccess`".into(),
                    );
                    continue;
                }
            };
            if out.iter().any(|m| m.key == key) {
                self.error(
                    &rules::DUPLICATE_NAME,
                    &apath,
                    format!("this role already attaches a policy with the key `{key}`"),
                    "remove the duplicate attachment".into(),
                );
                continue;
            }
            out.push(ManagedAttachment {
                key,
                target,
                when: self.switch(a.when.as_deref(), &apath.key("when")),
                allow: self.allow(&a.allow, &apath.key("allow")),
                origin: apath,
            });
        }
        out
    }

    fn managed_policies(
        &mut self,
        spec: &Spec,
        path: &YamlPath,
    ) -> IndexMap<PolicyId, ManagedPolicy> {
        let mut out = IndexMap::new();
        for (key, p) in &spec.policies {
            let ppath = path.key(key);
            self.check_key(key, &ppath);
            let id = PolicyId(key.clone());
            let mp = ManagedPolicy {
                id: id.clone(),
                name: self.template(&p.name, Ctx::Scalar, &ppath.key("name")),
                path: self.opt_template(&p.path, Ctx::Scalar, &ppath.key("path")),
                description: self.literal_text(
                    &p.description,
                    "a managed policy description",
                    &ppath.key("description"),
                ),
                when: self.switch(
                    p.document.when.as_deref(),
                    &ppath.key("document").key("when"),
                ),
                allow: self.allow(&p.document.allow, &ppath.key("document").key("allow")),
                doc: self.document(&p.document, DocKind::Identity, &ppath.key("document")),
                origin: ppath,
            };
            out.insert(id, mp);
        }
        out
    }
}

/// Why `alias` (without `alias/`) cannot be a KMS alias name, if it cannot.
fn alias_problem(alias: &str) -> Option<&'static str> {
    if alias.is_empty() {
        Some("it is empty")
    } else if alias.len() > 250 {
        Some("it is longer than 256 characters with `alias/`")
    } else if alias.starts_with("aws/") {
        Some("`alias/aws/` is reserved for AWS managed keys")
    } else if !alias
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/_-".contains(&b))
    {
        Some("it may hold only letters, digits, `/`, `_` and `-`")
    } else {
        None
    }
}
