//! `rolegen diff OLD NEW`: what changes in what two specs grant, role by role (and per
//! customer managed policy and KMS key), both resolved with their default parameters.
//!
//! Documents become grants (see [`grants`]): action wildcards are expanded through the action
//! catalogue, so `s3:Get*` → `s3:Get*,s3:GetObject` shows the concrete actions gained or lost;
//! resources are compared by IAM wildcard containment (`bucket/*` widens `bucket/logs/*`);
//! trust principals, conditions (a condition removed or values added relaxes it) and managed
//! attachments are compared too. Each change says whether it widens permissions.

pub mod grants;
mod render;

use crate::model::resolve::Bindings;
use crate::model::Module;
use grants::{CondSet, Effect, Grants, Res};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Output format.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Format {
    /// Text for a terminal.
    Human,
    /// JSON (one object).
    Json,
    /// Markdown, to paste in a pull request comment.
    Markdown,
}

/// Every `Change::kind` (the JSON output's `kind`), in the order changes are listed.
/// Entities: `role_added`/`_removed`, `policy_added`/`_removed`, `kms_key_added`/`_removed`.
/// Role settings: `setting_changed` (name, path, instance profile, a managed policy's name),
/// `permissions_boundary_added`/`_removed`/`_changed`, `max_session_duration_changed`.
/// Allow statements: `actions_gained`/`_lost` (in trust policies `trust_added`/`_removed`),
/// `resource_widened`/`_narrowed`, `condition_relaxed`/`_tightened`. Deny statements:
/// `deny_added`/`_removed`, `deny_resource_widened`/`_narrowed`,
/// `deny_condition_relaxed`/`_tightened`. Managed policies: `attachment_added`/`_removed`.
pub const KINDS: &[&str] = &[
    "role_added",
    "role_removed",
    "policy_added",
    "policy_removed",
    "kms_key_added",
    "kms_key_removed",
    "setting_changed",
    "permissions_boundary_removed",
    "permissions_boundary_added",
    "permissions_boundary_changed",
    "max_session_duration_changed",
    "trust_added",
    "trust_removed",
    "actions_gained",
    "actions_lost",
    "deny_added",
    "deny_removed",
    "resource_widened",
    "deny_resource_widened",
    "resource_narrowed",
    "deny_resource_narrowed",
    "condition_relaxed",
    "condition_tightened",
    "deny_condition_relaxed",
    "deny_condition_tightened",
    "attachment_added",
    "attachment_removed",
];

/// One change.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Change {
    /// What changed: one of [`KINDS`].
    pub kind: String,
    /// True if the new spec grants more because of it.
    pub widens: bool,
    /// Where it applies in a trust or resource policy (`Service ec2.amazonaws.com`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// Concrete actions concerned.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// Resources concerned (the new ones for a widening).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// What the resources were (widening) or became (narrowing).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub was: Vec<String>,
    /// A description (conditions, attachments, settings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Change {
    fn new(kind: &str, widens: bool) -> Change {
        Change {
            kind: kind.to_owned(),
            widens,
            principal: None,
            actions: Vec::new(),
            resources: Vec::new(),
            was: Vec::new(),
            detail: None,
        }
    }
    fn detail(mut self, d: impl Into<String>) -> Change {
        self.detail = Some(d.into());
        self
    }
}

/// Changes of one role, managed policy or KMS key.
#[derive(Debug, Clone, Serialize)]
pub struct Entity {
    /// `role`, `policy` or `kms_key`.
    pub kind: &'static str,
    /// The spec key.
    pub name: String,
    /// `added`, `removed` or `changed`.
    pub status: &'static str,
    /// What changed.
    pub changes: Vec<Change>,
}

/// The whole comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The old spec as given.
    pub old: String,
    /// The new spec as given.
    pub new: String,
    /// True if any change widens permissions.
    pub widens: bool,
    /// Entities with changes, roles first.
    pub entities: Vec<Entity>,
}

/// A loaded spec: its module and the folder that keeps `git:` sources alive.
struct Loaded {
    module: Module,
    _dir: Option<tempfile::TempDir>,
}

/// Loads both sides of `rolegen diff` (files or `git:REV:path`) and compares them. With
/// `missing_as_empty`, a side that does not exist (a spec added or deleted by the change) is
/// a module without roles. `None` when a side cannot be loaded; why is written to `err`.
pub(crate) fn compare_sources(
    old: &str,
    new: &str,
    missing_as_empty: bool,
    err: &mut dyn Write,
) -> Option<Report> {
    let (old_missing, new_missing) = if missing_as_empty {
        match (missing(old), missing(new)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => {
                let _ = writeln!(err, "error: {e}");
                return None;
            }
        }
    } else {
        (false, false)
    };
    if old_missing && new_missing {
        let _ = writeln!(err, "error: neither {old} nor {new} exists");
        return None;
    }
    let o = if old_missing { None } else { load(old, err) };
    let n = if new_missing { None } else { load(new, err) };
    let (o, n) = match (o, n) {
        (Some(o), Some(n)) => (o, n),
        (Some(o), None) if new_missing => (empty_like(&o.module, err).map(|n| (o, n)))?,
        (None, Some(n)) if old_missing => (empty_like(&n.module, err).map(|o| (o, n)))?,
        _ => return None,
    };
    Some(diff(&o.module, &n.module, old, new))
}

/// `report` as text in `format`.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Human => render::human(report),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(report).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Markdown => render::markdown(report),
    }
}

/// Whether a spec source is absent (for `--missing-as-empty`): a file that does not exist, or
/// a path absent at a revision that does. A revision that does not exist, or no repository,
/// is an error, not a missing spec.
fn missing(spec: &str) -> Result<bool, String> {
    match spec.strip_prefix("git:").and_then(|r| r.split_once(':')) {
        Some((rev, file)) => Ok(git_object_type(spec, rev, file)?.is_none()),
        None if spec.starts_with("git:") => Ok(false), // malformed: `load` says why
        None => Ok(!Path::new(spec).exists()),
    }
}

fn git(args: &[&str]) -> Result<std::process::Output, String> {
    std::process::Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))
}

/// Checks `rev` is a revision git can use here and says what `rev:file` is: `Ok(None)` if the
/// revision exists but has no such path, else the object type (`blob`, `tree`, ...). A
/// revision starting with `-` is refused (git would read it as an option: `--output=FILE`).
fn git_object_type(spec: &str, rev: &str, file: &str) -> Result<Option<String>, String> {
    if rev.is_empty() {
        return Err(format!(
            "`{spec}`: no revision; a git source is `git:REV:path/to/spec.yaml`"
        ));
    }
    if rev.starts_with('-') {
        return Err(format!(
            "`{spec}`: revision `{rev}` starts with `-`; git would read it as an option"
        ));
    }
    let commit = format!("{rev}^{{tree}}");
    let out = git(&["rev-parse", "--verify", "--quiet", &commit])?;
    if !out.status.success() {
        let why = git(&["rev-parse", "--git-dir"])
            .ok()
            .filter(|o| !o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stderr).trim().to_owned())
            .unwrap_or_else(|| "no such revision in this repository".to_owned());
        return Err(format!("`{spec}`: cannot resolve revision `{rev}`: {why}"));
    }
    let object = format!("{rev}:{file}");
    let out = git(&["cat-file", "-t", &object])?;
    if !out.status.success() {
        return Ok(None);
    }
    Ok(Some(String::from_utf8_lossy(&out.stdout).trim().to_owned()))
}

/// A module of the same name as `m` with nothing in it (the side of a spec that does not
/// exist yet, or any more).
fn empty_like(m: &Module, err: &mut dyn Write) -> Option<Loaded> {
    let written = tempfile::tempdir().and_then(|dir| {
        let path = dir.path().join("empty.yaml");
        std::fs::write(&path, format!("module: {}\n", m.name))?;
        Ok((dir, path))
    });
    let module = written.ok().and_then(|(dir, path)| {
        let mut outcome = crate::build::compile(
            std::slice::from_ref(&path),
            crate::build::CompileOptions::VALIDATE,
        );
        drop(dir);
        (!outcome.modules.is_empty()).then(|| outcome.modules.remove(0).module)
    });
    if module.is_none() {
        let _ = writeln!(err, "error: cannot make an empty module to compare with");
    }
    module.map(|module| Loaded { module, _dir: None })
}

fn load(spec: &str, err: &mut dyn Write) -> Option<Loaded> {
    let (path, dir) = match spec.strip_prefix("git:") {
        Some(rest) => {
            let Some((rev, file)) = rest.split_once(':') else {
                let _ = writeln!(
                    err,
                    "error: `{spec}`: a git source is `git:REV:path/to/spec.yaml`"
                );
                return None;
            };
            match git_object_type(spec, rev, file) {
                Ok(Some(t)) if t == "blob" => {}
                Ok(Some(t)) if t == "tree" => {
                    let _ = writeln!(
                        err,
                        "error: `{spec}`: `{file}` is a folder at `{rev}`, not a spec file"
                    );
                    return None;
                }
                Ok(Some(t)) => {
                    let _ = writeln!(err, "error: `{spec}`: `{file}` is a {t}, not a spec file");
                    return None;
                }
                Ok(None) => {
                    let _ = writeln!(
                        err,
                        "error: `{spec}`: no file `{file}` at revision `{rev}` (paths are from the repository root)"
                    );
                    return None;
                }
                Err(e) => {
                    let _ = writeln!(err, "error: {e}");
                    return None;
                }
            }
            match from_git(rev, file) {
                Ok((p, d)) => (p, Some(d)),
                Err(e) => {
                    let _ = writeln!(err, "error: `{spec}`: {e}");
                    return None;
                }
            }
        }
        None => {
            let p = PathBuf::from(spec);
            if !p.is_file() {
                let _ = writeln!(err, "error: {spec}: no such spec file");
                return None;
            }
            (p, None)
        }
    };
    let mut outcome = crate::build::compile(
        std::slice::from_ref(&path),
        crate::build::CompileOptions::VALIDATE,
    );
    if outcome.diagnostics.has_errors() || outcome.modules.is_empty() {
        let mut texts = HashMap::new();
        if let Some(t) = crate::spec::load::source_text(&path) {
            texts.insert(path.clone(), t);
        }
        let errors: Vec<_> = outcome
            .diagnostics
            .0
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        let mut buf = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
        crate::diagnostics::render::human(&errors, &texts, &mut buf);
        let text = String::from_utf8_lossy(&buf.into_inner()).into_owned();
        let _ = write!(err, "{text}");
        if dir.is_some() {
            let _ = writeln!(
                err,
                "error: {spec} does not compile (positions refer to its copy {})",
                path.display()
            );
        } else {
            let _ = writeln!(err, "error: {spec} does not compile");
        }
        return None;
    }
    Some(Loaded {
        module: outcome.modules.remove(0).module,
        _dir: dir,
    })
}

fn git_show(rev: &str, file: &str) -> Result<Vec<u8>, String> {
    if rev.starts_with('-') {
        return Err(format!("revision `{rev}` starts with `-`"));
    }
    // `rev` never starts with `-` (checked above), so `rev:file` is never read as an option.
    // `cat-file blob` gives the committed bytes as they are: no textconv driver or other
    // filter from `.gitattributes` runs (`git show` may apply them).
    let out = git(&["cat-file", "blob", &format!("{rev}:{file}")])?;
    if !out.status.success() {
        return Err(format!(
            "git cat-file blob {rev}:{file} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

/// The spec at `rev:file` (and the `policy_file:`s beside it) in a temporary folder.
fn from_git(rev: &str, file: &str) -> Result<(PathBuf, tempfile::TempDir), String> {
    let text = git_show(rev, file)?;
    let dir = tempfile::tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let name = Path::new(file)
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "spec.yaml".into());
    let path = dir.path().join(name);
    std::fs::write(&path, &text).map_err(|e| e.to_string())?;
    // Policy files are read relative to the spec: fetch them from the same revision.
    let parent = Path::new(file).parent().unwrap_or(Path::new(""));
    if let Ok(v) = serde_yaml_ng::from_slice::<serde_yaml_ng::Value>(&text) {
        let mut refs = Vec::new();
        policy_files(&v, &mut refs);
        for r in refs {
            let rel = Path::new(&r);
            if rel.is_absolute()
                || rel
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir))
            {
                continue; // rolegen rejects these itself, with a located error
            }
            let src = parent.join(rel);
            let bytes = git_show(rev, &src.to_string_lossy())?;
            let dst = dir.path().join(rel);
            if let Some(p) = dst.parent() {
                std::fs::create_dir_all(p).map_err(|e| e.to_string())?;
            }
            std::fs::write(&dst, bytes).map_err(|e| e.to_string())?;
        }
    }
    Ok((path, dir))
}

fn policy_files(v: &serde_yaml_ng::Value, out: &mut Vec<String>) {
    use serde_yaml_ng::Value as V;
    match v {
        V::Mapping(m) => {
            for (k, x) in m {
                if k.as_str() == Some("policy_file") {
                    if let Some(s) = x.as_str() {
                        out.push(s.to_owned());
                    }
                } else {
                    policy_files(x, out);
                }
            }
        }
        V::Sequence(items) => items.iter().for_each(|x| policy_files(x, out)),
        V::Tagged(t) => policy_files(&t.value, out),
        _ => {}
    }
}

/// Compares two modules, each resolved with its default parameters.
pub fn diff(old: &Module, new: &Module, old_name: &str, new_name: &str) -> Report {
    let ro = resolved(old);
    let rn = resolved(new);
    let mut names: HashMap<String, String> = HashMap::new();
    for m in [old, new] {
        for r in m.roles.values() {
            names.insert(format!("roles/{}", r.id.pascal()), r.id.to_string());
        }
        for p in m.policies.values() {
            names.insert(format!("policies/{}", p.id.pascal()), p.id.to_string());
        }
        for k in m.kms_keys.values() {
            names.insert(format!("kms_keys/{}", k.id.pascal()), k.id.to_string());
        }
    }
    let mut cache = HashMap::new();
    let mut entities = Vec::new();
    for (section, kind) in [
        ("roles", "role"),
        ("policies", "policy"),
        ("kms_keys", "kms_key"),
    ] {
        let empty = serde_json::Map::new();
        let os = ro.get(section).and_then(Value::as_object).unwrap_or(&empty);
        let ns = rn.get(section).and_then(Value::as_object).unwrap_or(&empty);
        let mut keys: Vec<&String> = os.keys().collect();
        keys.extend(ns.keys().filter(|k| !os.contains_key(*k)));
        for k in keys {
            let name = names
                .get(&format!("{section}/{k}"))
                .cloned()
                .unwrap_or_else(|| k.clone());
            let (o, n) = (os.get(k), ns.get(k));
            let (status, mut changes) = match (o, n) {
                (Some(_), None) => (
                    "removed",
                    vec![Change::new(&format!("{kind}_removed"), false)],
                ),
                (None, Some(_)) => ("added", vec![Change::new(&format!("{kind}_added"), true)]),
                _ => ("changed", Vec::new()),
            };
            let null = Value::Null;
            let (o, n) = (o.unwrap_or(&null), n.unwrap_or(&null));
            if status != "removed" {
                changes.extend(match kind {
                    "role" => role_changes(o, n, &mut cache),
                    "policy" => {
                        let mut c = setting(o, n, "name");
                        c.extend(doc_changes(
                            o.get("document"),
                            n.get("document"),
                            false,
                            &mut cache,
                        ));
                        c
                    }
                    _ => doc_changes(Some(o), Some(n), false, &mut cache),
                });
            }
            if !changes.is_empty() {
                entities.push(Entity {
                    kind,
                    name,
                    status,
                    changes,
                });
            }
        }
    }
    let widens = entities.iter().any(|e| e.changes.iter().any(|c| c.widens));
    Report {
        old: old_name.to_owned(),
        new: new_name.to_owned(),
        widens,
        entities,
    }
}

/// The module resolved with its default parameters, roles with their permissions boundary
/// and maximum session duration (which `Bindings::module` leaves out).
fn resolved(m: &Module) -> Value {
    let b = Bindings::defaults(m);
    let mut v = b.module(m);
    if let Some(Value::Object(roles)) = v.get_mut("roles") {
        for r in m.roles.values() {
            if let Some(Value::Object(role)) = roles.get_mut(&r.id.pascal()) {
                let boundary = r.boundary.as_ref().and_then(|t| b.optional(m, t));
                role.insert("permissions_boundary".into(), serde_json::json!(boundary));
                role.insert(
                    "max_session_duration".into(),
                    serde_json::json!(r
                        .max_session
                        .as_ref()
                        .and_then(|t| b.scalar(t).parse::<u32>().ok())
                        .unwrap_or(DEFAULT_MAX_SESSION)),
                );
            }
        }
    }
    v
}

/// IAM's maximum session duration when a role sets none (seconds).
const DEFAULT_MAX_SESSION: u32 = 3600;

/// A permissions boundary removed or replaced widens (what the boundary capped is no longer
/// capped, and another boundary's content is not compared); one added narrows. A longer
/// maximum session widens (credentials stay valid longer); a shorter one does not.
fn limit_changes(o: &Value, n: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    if o.is_null() {
        return out;
    }
    let pb = |v: &Value| {
        v.get("permissions_boundary")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match (pb(o), pb(n)) {
        (Some(a), None) => out.push(Change::new("permissions_boundary_removed", true).detail(a)),
        (None, Some(b)) => out.push(Change::new("permissions_boundary_added", false).detail(b)),
        (Some(a), Some(b)) if a != b => {
            out.push(Change::new("permissions_boundary_changed", true).detail(format!("{a} → {b}")))
        }
        _ => {}
    }
    let ms = |v: &Value| v.get("max_session_duration").and_then(Value::as_u64);
    if let (Some(a), Some(b)) = (ms(o), ms(n)) {
        if a != b {
            out.push(
                Change::new("max_session_duration_changed", b > a)
                    .detail(format!("max_session_duration: {a}s → {b}s")),
            );
        }
    }
    out
}

fn setting(o: &Value, n: &Value, field: &str) -> Vec<Change> {
    let (a, b) = (o.get(field), n.get(field));
    if o.is_null() || a == b {
        return Vec::new();
    }
    let show = |v: Option<&Value>| match v {
        None | Some(Value::Null) => "(none)".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    vec![Change::new("setting_changed", false).detail(format!(
        "{field}: {} → {}",
        show(a),
        show(b)
    ))]
}

fn role_changes(o: &Value, n: &Value, cache: &mut HashMap<String, Vec<String>>) -> Vec<Change> {
    let mut out = Vec::new();
    for f in ["name", "path", "instance_profile"] {
        out.extend(setting(o, n, f));
    }
    out.extend(limit_changes(o, n));
    out.extend(doc_changes(o.get("trust"), n.get("trust"), true, cache));
    let inline = |r: &Value, cache: &mut HashMap<String, Vec<String>>| {
        let mut g = Grants::default();
        if let Some(Value::Object(m)) = r.get("inline") {
            for d in m.values() {
                g.add_doc(d, cache);
            }
        }
        g
    };
    let (go, gn) = (inline(o, cache), inline(n, cache));
    out.extend(compare(&go, &gn, false));
    let arns = |r: &Value| -> BTreeSet<String> {
        r.get("managed")
            .and_then(Value::as_array)
            .map(|v| {
                v.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let (ao, an) = (arns(o), arns(n));
    for a in an.difference(&ao) {
        out.push(Change::new("attachment_added", true).detail(a.clone()));
    }
    for a in ao.difference(&an) {
        out.push(Change::new("attachment_removed", false).detail(a.clone()));
    }
    out
}

fn doc_changes(
    o: Option<&Value>,
    n: Option<&Value>,
    trust: bool,
    cache: &mut HashMap<String, Vec<String>>,
) -> Vec<Change> {
    let mut go = Grants::default();
    let mut gn = Grants::default();
    if let Some(d) = o {
        go.add_doc(d, cache);
    }
    if let Some(d) = n {
        gn.add_doc(d, cache);
    }
    compare(&go, &gn, trust)
}

fn principal(p: &str) -> Option<String> {
    (!p.is_empty()).then(|| p.to_owned())
}

fn resources(rs: &[String]) -> Vec<String> {
    rs.iter().filter(|r| !r.is_empty()).cloned().collect()
}

/// Negated operators: more values exclude more.
fn negated(op: &str) -> bool {
    let base = op
        .rsplit(':')
        .next()
        .unwrap_or(op)
        .trim_end_matches("IfExists");
    base.contains("Not")
}

fn show_cond(c: &CondSet) -> String {
    if c.is_empty() {
        return "no condition".into();
    }
    c.iter()
        .map(|((op, k), v)| {
            format!(
                "{op} {k} = [{}]",
                v.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// True if condition set `x` is at least as strict as `y` (every request `x` lets through, `y`
/// lets through): each condition of `y` is in `x` with the same operator and key, and values
/// that admit no more (a subset for a positive operator, a superset for a negated one).
/// Conservative: other spellings of an equivalent condition count as not as strict.
fn implies(x: &CondSet, y: &CondSet) -> bool {
    y.iter()
        .all(|((op, k), yv)| match x.get(&(op.clone(), k.clone())) {
            None => false,
            Some(xv) if negated(op) => xv.is_superset(yv),
            Some(xv) => xv.is_subset(yv),
        })
}

fn joined<'a>(v: impl Iterator<Item = &'a String>) -> String {
    v.map(String::as_str).collect::<Vec<_>>().join(", ")
}

/// Where the new condition set `n` lets more through than the old `o` (empty iff
/// `implies(n, o)`).
fn relaxations(o: &CondSet, n: &CondSet) -> Vec<String> {
    let mut out = Vec::new();
    for ((op, k), ov) in o {
        match n.get(&(op.clone(), k.clone())) {
            None => out.push(format!("{op} {k} removed")),
            Some(nv) if negated(op) => {
                if !nv.is_superset(ov) {
                    let list = joined(ov.difference(nv));
                    out.push(format!("{op} {k}: values removed [{list}]"));
                }
            }
            Some(nv) => {
                if !nv.is_subset(ov) {
                    let list = joined(nv.difference(ov));
                    out.push(format!("{op} {k}: values added [{list}]"));
                }
            }
        }
    }
    out
}

/// Where the old condition set `o` let more through than the new `n` (empty iff
/// `implies(o, n)`), described as changes from old to new.
fn tightenings(o: &CondSet, n: &CondSet) -> Vec<String> {
    let mut out = Vec::new();
    for ((op, k), nv) in n {
        match o.get(&(op.clone(), k.clone())) {
            None => out.push(format!("{op} {k} added [{}]", joined(nv.iter()))),
            Some(ov) if negated(op) => {
                if !ov.is_superset(nv) {
                    let list = joined(nv.difference(ov));
                    out.push(format!("{op} {k}: values added [{list}]"));
                }
            }
            Some(ov) => {
                if !ov.is_subset(nv) {
                    let list = joined(ov.difference(nv));
                    out.push(format!("{op} {k}: values removed [{list}]"));
                }
            }
        }
    }
    out
}

type Group = BTreeMap<(Effect, String, Vec<String>, Vec<String>, String, bool), Vec<String>>;

fn shown(rs: &[&Res]) -> Vec<String> {
    rs.iter().map(|r| r.to_string()).collect()
}

/// The grants of one key on side `xs` that the other side `ys` does not cover. A grant (a
/// resource and one of its alternative condition sets) is covered when some resource of `ys`
/// contains its resource under a condition set no stricter than its own. `new_side`: `xs` is
/// the new spec (uncovered grants widen for Allow), else the old one (uncovered grants narrow).
/// Resource changes go to `res`, condition changes to `conds`; both when both changed.
fn uncovered(
    key: &(Effect, String, String),
    xs: &BTreeMap<Res, Vec<CondSet>>,
    ys: &BTreeMap<Res, Vec<CondSet>>,
    new_side: bool,
    res: &mut Group,
    conds: &mut Group,
) {
    let (effect, p, action) = key;
    for (r, xc) in xs {
        let mut containing: Vec<&Res> = ys.keys().filter(|y| y.contains(r)).collect();
        // The same resource first: the most natural thing to compare conditions with.
        containing.sort_by_key(|y| *y != r);
        let related: Vec<&Res> = if containing.is_empty() {
            ys.keys().filter(|y| r.contains(y)).collect()
        } else {
            Vec::new()
        };
        let mut resource_reported = false;
        for x in xc {
            if containing
                .iter()
                .any(|y| ys[*y].iter().any(|yc| implies(x, yc)))
            {
                continue;
            }
            if containing.is_empty() && !resource_reported {
                resource_reported = true;
                res.entry((
                    *effect,
                    p.clone(),
                    vec![r.to_string()],
                    shown(&related),
                    String::new(),
                    new_side,
                ))
                .or_default()
                .push(action.clone());
            }
            // Conditions, against the closest alternative of the resources compared with
            // (those containing it, or, when its resource changed, those it relates to).
            let against = if containing.is_empty() {
                &related
            } else {
                &containing
            };
            let mut best: Option<(usize, &Res, Vec<String>)> = None;
            for y in against {
                for yc in &ys[*y] {
                    let points = if new_side {
                        relaxations(yc, x)
                    } else {
                        tightenings(x, yc)
                    };
                    if best.as_ref().map_or(true, |b| points.len() < b.0) {
                        best = Some((points.len(), y, points));
                    }
                }
            }
            let Some((n, y, points)) = best else { continue };
            if n == 0 {
                continue; // only the resource changed
            }
            let mut detail = points.join("; ");
            if xc.len() > 1 || ys[y].len() > 1 {
                detail = format!("with {}: {detail}", show_cond(x));
            }
            let was = if y == r {
                Vec::new()
            } else {
                vec![y.to_string()]
            };
            conds
                .entry((
                    *effect,
                    p.clone(),
                    vec![r.to_string()],
                    was,
                    detail,
                    new_side,
                ))
                .or_default()
                .push(action.clone());
        }
    }
}

/// The changes from `old` to `new` grants. `trust`: principals are who may assume the role.
fn compare(old: &Grants, new: &Grants, trust: bool) -> Vec<Change> {
    let mut gained: Group = BTreeMap::new();
    let mut lost: Group = BTreeMap::new();
    let mut widened: Group = BTreeMap::new();
    let mut narrowed: Group = BTreeMap::new();
    let mut conds: Group = BTreeMap::new();
    let none = String::new();
    let all = |m: &BTreeMap<Res, Vec<CondSet>>| m.keys().map(|r| r.to_string()).collect();
    for (k, nres) in &new.map {
        let (effect, p, action) = k;
        let Some(ores) = old.map.get(k) else {
            gained
                .entry((
                    *effect,
                    p.clone(),
                    all(nres),
                    Vec::new(),
                    none.clone(),
                    true,
                ))
                .or_default()
                .push(action.clone());
            continue;
        };
        uncovered(k, nres, ores, true, &mut widened, &mut conds);
        uncovered(k, ores, nres, false, &mut narrowed, &mut conds);
    }
    for (k, ores) in &old.map {
        if !new.map.contains_key(k) {
            let (effect, p, action) = k;
            lost.entry((
                *effect,
                p.clone(),
                all(ores),
                Vec::new(),
                none.clone(),
                false,
            ))
            .or_default()
            .push(action.clone());
        }
    }
    let mut out = Vec::new();
    let mut emit = |g: Group, allow_kind: &str, deny_kind: &str, allow_widens: bool| {
        for ((effect, p, rs, was, detail, flag), actions) in g {
            let (kind, widens) = match effect {
                Effect::Allow => (allow_kind, allow_widens),
                Effect::Deny => (deny_kind, !allow_widens),
            };
            let widens = if allow_kind == "condition_relaxed" {
                // flag: relaxed.
                match effect {
                    Effect::Allow => flag,
                    Effect::Deny => !flag,
                }
            } else {
                widens
            };
            let kind = if allow_kind == "condition_relaxed" {
                match (effect, flag) {
                    (Effect::Allow, true) => "condition_relaxed",
                    (Effect::Allow, false) => "condition_tightened",
                    (Effect::Deny, true) => "deny_condition_relaxed",
                    (Effect::Deny, false) => "deny_condition_tightened",
                }
            } else {
                kind
            };
            let mut c = Change::new(kind, widens);
            c.principal = principal(&p);
            c.actions = actions;
            c.actions.dedup();
            c.resources = resources(&rs);
            c.was = resources(&was);
            if !detail.is_empty() {
                c.detail = Some(detail);
            }
            out.push(c);
        }
    };
    let (gk, lk) = if trust {
        ("trust_added", "trust_removed")
    } else {
        ("actions_gained", "actions_lost")
    };
    emit(gained, gk, "deny_added", true);
    emit(lost, lk, "deny_removed", false);
    emit(widened, "resource_widened", "deny_resource_widened", true);
    emit(
        narrowed,
        "resource_narrowed",
        "deny_resource_narrowed",
        false,
    );
    emit(conds, "condition_relaxed", "deny_condition_relaxed", true);
    out
}
