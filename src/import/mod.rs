//! `rolegen import`: existing IAM definitions (a CloudFormation template, IAM JSON as the AWS
//! CLI prints it, or a Terraform module of the resources rolegen emits) into a spec.
//!
//! Every importer builds the spec as a YAML tree ([`yaml::Y`]) and collects [`Issue`]s: what
//! it could not express, each with where it was found. The command writes the spec, prints
//! the issues and exits 1 if any is an error (unless `--allow-partial`).

pub mod account;
pub(crate) mod builder;
pub mod cfn_resolve;
pub mod cloudformation;
pub mod hcl;
pub mod iam_json;
pub(crate) mod named;
pub(crate) mod narrow;
pub(crate) mod oidc;
pub mod terraform;
mod tf_hatches;
pub mod yaml;

use crate::model::{Part, Template};
use indexmap::IndexMap;
use std::fmt;
use std::path::{Path, PathBuf};
use yaml::Y;

/// What `--from` reads.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum From {
    /// A CloudFormation template (YAML with short or long intrinsics, or JSON).
    Cloudformation,
    /// IAM JSON as the AWS CLI prints it (`get-role`, `get-role-policy`,
    /// `get-account-authorization-details`, ...).
    IamJson,
    /// A Terraform module made of the resources rolegen emits.
    Terraform,
    /// A whole account (`aws iam get-account-authorization-details`): one spec per module
    /// into the folder `-o DIR`, grouped by `--group-by`. Roles and customer managed policies
    /// only: users and groups are out of scope.
    Account,
}

/// How serious an issue is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Level {
    /// Something the spec cannot express: the spec is partial.
    Error,
    /// Information that does not change what the spec grants (outputs, metadata).
    Note,
}

/// Something an importer could not carry into the spec, with where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// Error or note.
    pub level: Level,
    /// The input file.
    pub file: PathBuf,
    /// 1-based line and column, where known.
    pub line: Option<(usize, usize)>,
    /// The logical id / property path (`TaskRole: Properties.Policies[0]`).
    pub at: String,
    /// What was not expressed, and what the spec holds instead.
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((l, c)) = self.line {
            write!(f, ":{l}:{c}")?;
        }
        let level = match self.level {
            Level::Error => "error",
            Level::Note => "note",
        };
        if self.at.is_empty() {
            write!(f, ": {level}: {}", self.message)
        } else {
            write!(f, ": {level}: {}: {}", self.at, self.message)
        }
    }
}

/// The result of an import.
#[derive(Debug)]
pub struct Imported {
    /// The spec as YAML text.
    pub spec: String,
    /// The spec tree.
    pub tree: Y,
    /// What could not be expressed (errors) and what was left out on purpose (notes).
    pub issues: Vec<Issue>,
    /// Source name (logical id, role name, Terraform address) → spec key, for every role,
    /// policy and key.
    pub keys: IndexMap<String, String>,
    /// Parameters the import introduced in place of values it cannot express, each with the
    /// expression it takes the place of (CloudFormation: the intrinsic in long-form JSON;
    /// Terraform: the expression's text). Without a `default`, the spec needs the value the
    /// source would have had.
    pub introduced: IndexMap<String, serde_json::Value>,
}

impl Imported {
    /// True if some issue is an error.
    pub fn partial(&self) -> bool {
        self.issues.iter().any(|i| i.level == Level::Error)
    }
}

/// An input that could not be read at all (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line and column, where known.
    pub line: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((l, c)) = self.line {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, ": error: {}", self.message)
    }
}

impl std::error::Error for InputError {}

impl InputError {
    pub(crate) fn new(file: &Path, message: impl Into<String>) -> Self {
        InputError {
            file: file.to_path_buf(),
            line: None,
            message: message.into(),
        }
    }
}

/// The step budget of an importer's recursive descent: every evaluation step (a value, a
/// list, a statement, a document, a switch) takes one, so an input that nests, repeats or
/// refers around in circles ends with a clear error instead of running on. Far above what
/// a real template needs (a few thousand steps for hundreds of roles).
#[derive(Debug)]
pub(crate) struct Budget {
    left: std::cell::Cell<u64>,
}

impl Budget {
    /// Steps an import may take.
    pub(crate) const STEPS: u64 = 2_000_000;

    pub(crate) fn new() -> Self {
        Budget::with(Budget::STEPS)
    }

    pub(crate) fn with(steps: u64) -> Self {
        Budget {
            left: std::cell::Cell::new(steps),
        }
    }

    /// Takes a step; `false` once the budget is spent (the caller gives up on the value).
    pub(crate) fn tick(&self) -> bool {
        match self.left.get() {
            0 => false,
            n => {
                self.left.set(n - 1);
                true
            }
        }
    }

    /// The error of an import that ran out of steps (exit 2), or `None`.
    pub(crate) fn check(&self, file: &Path) -> Result<(), InputError> {
        if self.left.get() > 0 {
            return Ok(());
        }
        Err(InputError::new(
            file,
            format!(
                "the import stopped after {} evaluation steps: the input nests, repeats or refers in circles more than a role setup does; split it or simplify the expressions",
                Budget::STEPS
            ),
        ))
    }
}

/// Largest input file read (bytes).
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads an input file of at most [`MAX_INPUT_BYTES`] (applied while reading: a pipe has no
/// size), UTF-8, a leading byte order mark removed.
pub(crate) fn read_input(path: &Path) -> Result<String, InputError> {
    use crate::spec::load::{read_text, ReadError};
    read_text(path, MAX_INPUT_BYTES).map_err(|e| match e {
        ReadError::Io(e) => InputError::new(path, format!("cannot read: {e}")),
        ReadError::TooLarge(_) => InputError::new(
            path,
            format!("the file is larger than {MAX_INPUT_BYTES} bytes"),
        ),
        ReadError::NotUtf8(at) => {
            InputError::new(path, format!("not UTF-8 (invalid byte at offset {at})"))
        }
    })
}

/// Imports `inputs` read as `from`.
pub fn import(
    from: From,
    inputs: &[PathBuf],
    module: Option<&str>,
) -> Result<Imported, InputError> {
    let first = inputs
        .first()
        .ok_or_else(|| InputError::new(Path::new("-"), "no input file"))?;
    // A Terraform module in `<name>/terraform/` (as rolegen writes it) is named after `<name>`.
    let named_by = match first.file_name().and_then(|n| n.to_str()) {
        Some("terraform") if from == From::Terraform => first.parent().unwrap_or(first),
        _ => first.as_path(),
    };
    let module = module
        .map(str::to_owned)
        .unwrap_or_else(|| module_name_from(named_by));
    match from {
        From::Cloudformation => {
            if inputs.len() > 1 {
                return Err(InputError::new(
                    &inputs[1],
                    "`--from cloudformation` reads one template",
                ));
            }
            cloudformation::import(first, &module)
        }
        From::IamJson => iam_json::import(inputs, &module),
        From::Account => Err(InputError::new(
            first,
            "`--from account` writes a folder of specs (`rolegen import --from account -o DIR`)",
        )),
        From::Terraform => {
            if inputs.len() > 1 {
                return Err(InputError::new(
                    &inputs[1],
                    "`--from terraform` reads one module folder",
                ));
            }
            terraform::import(first, &module)
        }
    }
}

/// A module name from a file name: `TaskRoles.template.yaml` → `task-roles`.
pub fn module_name_from(path: &Path) -> String {
    let stem = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem.split('.').next().unwrap_or_default();
    let k = spec_key(stem);
    let k: String = k.chars().filter(|c| *c != '_').collect();
    let k = k.trim_matches('-').to_owned();
    if k.is_empty() {
        "imported".into()
    } else {
        let k = if k.starts_with(|c: char| c.is_ascii_digit()) {
            format!("m-{k}")
        } else {
            k
        };
        k.chars()
            .take(64)
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned()
    }
}

/// A spec key from a source name in kebab-case: `TaskExecutionRole` → `task-execution-role`.
pub fn spec_key(name: &str) -> String {
    let snake = crate::model::names::snake(name);
    let mut k: String = snake.trim_start_matches('_').replace('_', "-");
    if !k.starts_with(|c: char| c.is_ascii_alphabetic()) {
        k.insert_str(0, "r-");
    }
    let mut k: String = k.chars().take(60).collect();
    while k.ends_with('-') {
        k.pop();
    }
    k
}

/// Assigns unique spec keys, remembering them per source name.
#[derive(Debug, Default)]
pub(crate) struct Keys {
    pub(crate) map: IndexMap<String, String>,
    used: std::collections::HashSet<String>,
}

impl Keys {
    /// The key for `source`: its kebab-case spelling, made unique (also across the
    /// Terraform/CloudFormation identifiers rolegen derives from it).
    pub(crate) fn assign(&mut self, source: &str) -> String {
        self.assign_named(source, source)
    }

    /// The key for `source`, spelt from `name` (the source's name without a suffix that only
    /// says what it is, as `GithubOidcProvider` gives `github`).
    pub(crate) fn assign_named(&mut self, source: &str, name: &str) -> String {
        if let Some(k) = self.map.get(source) {
            return k.clone();
        }
        let base = spec_key(name);
        let mut k = base.clone();
        let mut n = 2;
        while self.used.contains(&crate::model::names::pascal(&k)) {
            k = format!("{base}-{n}");
            n += 1;
        }
        self.used.insert(crate::model::names::pascal(&k));
        self.map.insert(source.to_owned(), k.clone());
        k
    }
}

/// IAM policy-variable names that a spec may write as `${name}` (kept literal for IAM).
fn is_policy_var(name: &str) -> bool {
    if matches!(name, "*" | "?" | "$") {
        return true;
    }
    if name.starts_with("AWS::") || name.contains('}') || name.contains("${") {
        return false;
    }
    match name.split_once(':') {
        Some((prefix, _)) => crate::lower::template::POLICY_VARIABLE_PREFIXES
            .iter()
            .any(|p| p.eq_ignore_ascii_case(prefix)),
        None => false,
    }
}

/// Escapes literal text for a spec string: `${` becomes `$${`, except IAM policy variables
/// (`${aws:username}`), which the spec keeps literal by itself.
fn escape_literal(out: &mut String, l: &str) {
    let mut rest = l;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let var = after.find('}').map(|e| &after[..e]);
        match var {
            Some(v) if is_policy_var(v) && !out.ends_with('$') => {
                out.push_str("${");
                out.push_str(v);
                out.push('}');
                rest = &after[v.len() + 1..];
            }
            _ => {
                out.push_str("$${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// Why a template cannot be written in a spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SpellError {
    /// A literal `$` right before the ARN of an OIDC provider the module creates.
    #[error("a literal `$` right before `${{{0}}}` cannot be written in a spec")]
    ProviderArn(String),
    /// A literal `$` right before a parameter placeholder.
    #[error("a literal `$` right before `${{{0}}}` cannot be written in a spec (`$${{` reads as an escaped `${{`)")]
    Param(String),
    /// A literal `$` right before a pseudo parameter.
    #[error("a literal `$` right before `${{{0}}}` cannot be written in a spec")]
    Pseudo(&'static str),
}

/// The spec spelling of a template: `${Param}`, `${AWS::Region}`, literal `${` as `$${`.
/// `Err` when the spec grammar cannot write it (a literal `$` right before a placeholder).
/// The ARN of an OIDC provider the import creates is `${oidc_providers.<key>.arn}`.
pub(crate) fn spec_string(t: &Template) -> Result<String, SpellError> {
    let mut out = String::new();
    for p in &t.parts {
        match p {
            Part::Lit(l) => escape_literal(&mut out, l),
            Part::PolicyVar(v) => escape_literal(&mut out, &format!("${{{v}}}")),
            Part::ProviderArn(p) => {
                if out.ends_with('$') {
                    return Err(SpellError::ProviderArn(p.id.spec()));
                }
                out.push_str("${");
                out.push_str(&p.id.spec());
                out.push('}');
            }
            Part::Lookup(_) | Part::Piece(_) => {
                let spec = match p {
                    Part::Lookup(l) => l.spec(),
                    Part::Piece(x) => x.spec(),
                    _ => String::new(),
                };
                if out.ends_with('$') {
                    return Err(SpellError::Param(spec));
                }
                out.push_str("${");
                out.push_str(&spec);
                out.push('}');
            }
            Part::Param(n) => {
                if out.ends_with('$') {
                    return Err(SpellError::Param(n.as_str().to_owned()));
                }
                out.push_str("${");
                out.push_str(n.as_str());
                out.push('}');
            }
            Part::Pseudo(x) => {
                if out.ends_with('$') {
                    return Err(SpellError::Pseudo(x.cfn_name()));
                }
                out.push_str("${");
                out.push_str(x.cfn_name());
                out.push('}');
            }
        }
    }
    Ok(out)
}

/// Escapes literal text only (no placeholders) for a spec string.
pub fn spec_literal(s: &str) -> String {
    let mut out = String::new();
    escape_literal(&mut out, s);
    out
}

/// The imported spec's compile errors (its own diagnostics), as import errors at `path`.
pub(crate) fn compile_errors(path: &Path, spec: &str) -> Vec<Issue> {
    lint_text(path, spec)
        .into_iter()
        .map(|d| Issue {
            level: Level::Error,
            file: path.to_path_buf(),
            line: d.1,
            at: String::new(),
            message: format!("the imported spec does not compile: {}", d.0),
        })
        .collect()
}

/// Compiles spec text as `rolegen lint` would; returns the error messages with positions.
pub fn lint_text(path: &Path, text: &str) -> Vec<(String, Option<(usize, usize)>)> {
    let loaded = match crate::spec::load::load_str(path, text.to_owned()) {
        Ok(l) => l,
        Err(ds) => return ds.iter().map(diag_message).collect(),
    };
    match crate::lower::lower(&loaded) {
        Err(ds) => ds
            .iter()
            .filter(|d| d.is_error())
            .map(diag_message)
            .collect(),
        Ok(m) => crate::validate::validate(&m)
            .iter()
            .filter(|d| d.is_error())
            .map(diag_message)
            .collect(),
    }
}

fn diag_message(d: &crate::diagnostics::Diagnostic) -> (String, Option<(usize, usize)>) {
    (
        format!("{} {}", d.rule.code, d.message),
        d.source.as_ref().map(|s| (s.span.line, s.span.column)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ParamName, Pseudo};

    #[test]
    fn keys_and_strings() {
        assert_eq!(spec_key("TaskExecutionRole"), "task-execution-role");
        assert_eq!(spec_key("IAMRole"), "iam-role");
        assert_eq!(spec_key("S3Reader"), "s3-reader");
        assert_eq!(
            module_name_from(Path::new("x/My_Stack.template.yaml")),
            "my-stack"
        );
        let mut k = Keys::default();
        assert_eq!(k.assign("MyRole"), "my-role");
        assert_eq!(k.assign("My-Role"), "my-role-2");
        let t = Template {
            parts: vec![
                Part::Lit("arn:".into()),
                Part::Pseudo(Pseudo::Partition),
                Part::Lit(":s3:::b/${aws:username}/${Literal}/".into()),
                Part::Param(ParamName("P".into())),
            ],
        };
        assert_eq!(
            spec_string(&t).unwrap(),
            "arn:${AWS::Partition}:s3:::b/${aws:username}/$${Literal}/${P}"
        );
        let bad = Template {
            parts: vec![Part::Lit("$".into()), Part::Param(ParamName("P".into()))],
        };
        assert_eq!(
            spec_string(&bad).map_err(|e| e.to_string()),
            Err("a literal `$` right before `${P}` cannot be written in a spec (`$${` reads as an escaped `${`)".to_owned())
        );
        assert_eq!(spec_literal("a$${b}"), "a$$${b}");
    }
}
