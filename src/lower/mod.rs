//! Lowering: spec → model, once. Resolves parameters, placeholders, switches, names and
//! references; every model node keeps the YAML path it came from.
//!
//! This file holds the lowering state, the module as a whole (KMS keys, deviations, the
//! `outputs:` selection, `allow:` lists); `parameters` lowers parameters, templates and
//! switches, `roles` roles, attachments, hatches and managed policies, `renames` the
//! `moved:` section, `policy` policy documents, `trust` and `oidc` trust policies and OIDC
//! providers.

mod conditions;
mod kms;
pub(crate) use kms::kms_key_arn;
mod mappings;
pub(crate) use mappings::{
    valid_entry as valid_mapping_entry, valid_name as valid_mapping_key,
    valid_name as valid_mapping_name,
};
mod oidc;
mod parameters;
pub mod pattern;
mod policy;
mod renames;
mod roles;
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
use crate::spec::{AllowSpec, DeviationSpec, OutputsSpec, Spec};
use crate::suggest::closest;
use indexmap::IndexMap;
use std::path::PathBuf;
use std::sync::Arc;

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
    /// Named conditions by name as lowered so far: `None` for one with errors.
    pub(crate) conds: std::collections::HashMap<String, Option<Arc<Test>>>,
    /// The named conditions that lowered, in written order.
    pub(crate) conditions: IndexMap<ParamName, NamedCondition>,
    /// The module's mappings, lowered before any string that reads them.
    pub(crate) mappings: IndexMap<String, Mapping>,
    /// The module's KMS keys (whether each is switched), known before any string names one
    /// (`${kms_keys.<id>.arn}`).
    pub(crate) keys: IndexMap<KeyId, bool>,
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
        conds: std::collections::HashMap::new(),
        conditions: IndexMap::new(),
        mappings: IndexMap::new(),
        keys: IndexMap::new(),
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
                pseudos: Default::default(),
                description: None,
                deviations: Vec::new(),
                adopt: spec.adopt,
                moved: Moved::default(),
                params: IndexMap::new(),
                conditions: IndexMap::new(),
                mappings: IndexMap::new(),
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
        self.named_conditions(spec, &root.key("conditions"));
        self.mappings = self.mappings(spec, &root);
        // Providers first: any string may name one (`${oidc_providers.<id>.arn}`); keys too.
        self.oidc = self.oidc_providers(spec, &root);
        self.keys = spec
            .kms_keys
            .iter()
            .map(|(k, v)| (KeyId(k.clone()), v.when.is_some()))
            .collect();
        let allow = self.allow(&spec.allow, &root.key("allow"));
        let policies = self.managed_policies(spec, &root.key("policies"));
        let module_hatches = self
            .hatches(&spec.hatches, &root.key("hatches"))
            .unwrap_or_else(|| Hatch::ALL.to_vec());
        let roles = self.roles(spec, &root, &policies, &module_hatches);
        self.hatch_names(&roles, &policies, spec);
        let mut kms_keys = IndexMap::new();
        for (key, k) in &spec.kms_keys {
            let path = root.key("kms_keys").key(key);
            self.check_key(key, &path);
            let when = self.switch(k.when.as_deref(), &path.key("when"));
            let policy = self.document(&k.policy, DocKind::Resource, &path.key("policy"));
            self.no_key_arns(&policy, &path.key("policy"));
            let alias = self.key_alias(k.alias.as_deref(), &path.key("alias"));
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
                    deletion_window: self
                        .deletion_window(k.deletion_window.as_ref(), &path.key("deletion_window")),
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
        let module = Module {
            name: spec.module.clone(),
            pseudos: Default::default(),
            description: spec.description.clone(),
            deviations,
            adopt: spec.adopt,
            moved,
            params: std::mem::take(&mut self.params),
            conditions: std::mem::take(&mut self.conditions),
            mappings: std::mem::take(&mut self.mappings),
            roles,
            policies,
            kms_keys,
            oidc_providers: std::mem::take(&mut self.oidc),
            allow,
            outputs,
            source,
        };
        self.empty_lists(&module);
        module
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
}

/// Why `alias` (without `alias/`) cannot be a KMS alias name, if it cannot.
pub(crate) fn alias_problem(alias: &str) -> Option<&'static str> {
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
