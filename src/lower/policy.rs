//! Lowering policy documents in the AWS grammar (inline or from `policy_file:`).

use super::{Ctx, Lowerer};
use crate::diagnostics::Diagnostic;
use crate::model::*;
use crate::rules;
use crate::source::SourceRef;
use crate::source::{SourceFile, YamlPath};
use crate::spec::{ConditionSpec, PolicyDocumentSpec, PrincipalSpec, StatementSpec, StrList};
use crate::suggest::closest;
use indexmap::IndexMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Versions IAM accepts.
pub(crate) const VERSIONS: [&str; 2] = ["2012-10-17", "2008-10-17"];

impl Lowerer<'_> {
    /// Lowers a document; `path` points at the mapping that holds `Statement`/`policy_file`.
    pub(crate) fn document(
        &mut self,
        d: &PolicyDocumentSpec,
        kind: DocKind,
        path: &YamlPath,
    ) -> PolicyDocument {
        if let Some(file) = &d.policy_file {
            if d.statement.is_some() || d.version.is_some() || d.id.is_some() {
                self.error(
                    &rules::WRONG_TYPE,
                    &path.key("policy_file"),
                    "a policy has either `policy_file` or `Statement`/`Version`/`Id`, not both"
                        .into(),
                    "keep the document in one place".into(),
                );
            }
            let at = path.key("policy_file");
            let mut doc = match self.read_policy_file(file, &at) {
                // The document's paths continue below `policy_file`, which locate in the
                // JSON file (`SourceFile::embed`): a finding in it points at its line.
                Some(spec) => self.document_body(&spec, kind, &at),
                None => empty_doc(kind, path),
            };
            // The spec's own notes on the document come first, then the file's.
            let mut deviations = self.document_deviations(d, path);
            deviations.append(&mut doc.deviations);
            doc.deviations = deviations;
            return doc;
        }
        self.document_body(d, kind, path)
    }

    fn document_body(
        &mut self,
        d: &PolicyDocumentSpec,
        kind: DocKind,
        path: &YamlPath,
    ) -> PolicyDocument {
        let version = d.version.clone().unwrap_or_else(|| VERSIONS[0].to_owned());
        if !VERSIONS.contains(&version.as_str()) {
            self.error(&rules::WRONG_TYPE, &path.key("Version"), format!("`Version: {version}` is not an IAM policy language version"), "use `2012-10-17` (or `2008-10-17` where a vendor requires it); quote it so YAML keeps it a string".into());
        }
        let list = d.statement.as_ref().map_or(&[][..], |s| s.0.as_slice());
        let spath = path.key("Statement");
        if list.is_empty() {
            self.error(
                &rules::INVALID_STATEMENT,
                path,
                "the policy has no statement".into(),
                "add a `Statement:` list".into(),
            );
        }
        let mut statements = Vec::with_capacity(list.len());
        let mut deviations = self.document_deviations(d, path);
        for (i, s) in list.iter().enumerate() {
            let at = spath.index(i);
            if !s.deviations.is_empty() {
                let which = statement_ref(s.sid.as_deref(), i);
                self.deviations(
                    &s.deviations,
                    &at.key("deviations"),
                    Some(&which),
                    &mut deviations,
                );
            }
            statements.push(self.statement(s, kind, &at));
        }
        self.check_sids(&statements);
        PolicyDocument {
            version,
            id: d.id.clone(),
            statements,
            kind,
            deviations,
            origin: path.clone(),
        }
    }

    /// A document's own `deviations:` (its statements' come with them).
    fn document_deviations(&mut self, d: &PolicyDocumentSpec, path: &YamlPath) -> Vec<Deviation> {
        let mut out = Vec::new();
        self.deviations(&d.deviations, &path.key("deviations"), None, &mut out);
        out
    }

    fn check_sids(&mut self, statements: &[Statement]) {
        let mut seen: Vec<&str> = Vec::new();
        let mut dup = Vec::new();
        for s in statements {
            if let Some(sid) = &s.sid {
                if seen.contains(&sid.as_str()) {
                    dup.push((sid.clone(), s.origin.clone()));
                }
                seen.push(sid);
            }
        }
        for (sid, origin) in dup {
            self.error(
                &rules::DUPLICATE_NAME,
                &origin.key("Sid"),
                format!("Sid `{sid}` is used twice in this policy"),
                "give each statement its own Sid".into(),
            );
        }
    }

    /// Lowers one statement of a document of `kind`.
    pub(crate) fn statement(
        &mut self,
        s: &StatementSpec,
        kind: DocKind,
        path: &YamlPath,
    ) -> Statement {
        let effect = match s.effect.as_deref() {
            Some("Allow") => Effect::Allow,
            Some("Deny") => Effect::Deny,
            Some(other) => {
                let help = match closest(other, ["Allow", "Deny"]) {
                    Some(c) => format!("did you mean `{c}`? (IAM is case-sensitive)"),
                    None => "use `Allow` or `Deny`".into(),
                };
                self.error(
                    &rules::INVALID_EFFECT,
                    &path.key("Effect"),
                    format!("`Effect: {other}` is not `Allow` or `Deny`"),
                    help,
                );
                Effect::Allow
            }
            None => {
                self.error(
                    &rules::INVALID_EFFECT,
                    path,
                    "the statement has no `Effect`".into(),
                    "add `Effect: Allow` or `Effect: Deny`".into(),
                );
                Effect::Allow
            }
        };
        if let Some(sid) = &s.sid {
            if kind == DocKind::Resource {
                // KMS key policies take any text (AWS's default key policy has
                // "Enable IAM User Permissions"), but not control characters.
                if sid.chars().any(char::is_control) {
                    self.error(
                        &rules::INVALID_STATEMENT,
                        &path.key("Sid"),
                        format!("Sid {sid:?} contains a control character"),
                        "use printable text".into(),
                    );
                }
            } else if !sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
                // IAM policies (identity and trust) accept an empty Sid, otherwise letters
                // and digits only (MalformedPolicyDocument: "Statement IDs (SID) must be
                // alpha-numeric"); every AWS managed policy keeps to that.
                self.error(
                    &rules::INVALID_STATEMENT,
                    &path.key("Sid"),
                    format!("Sid `{sid}` must be one or more letters and digits"),
                    "remove the Sid or rename it (no spaces, dashes or underscores); only KMS key policies allow other characters".into(),
                );
            }
        }
        let (actions, not_action) = match (&s.action, &s.not_action) {
            (Some(a), None) => (a.values.clone(), false),
            (None, Some(a)) => (a.values.clone(), true),
            (Some(_), Some(_)) => {
                self.error(
                    &rules::INVALID_STATEMENT,
                    &path.key("NotAction"),
                    "a statement has `Action` or `NotAction`, not both".into(),
                    "remove one".into(),
                );
                (Vec::new(), false)
            }
            (None, None) => {
                self.error(
                    &rules::INVALID_STATEMENT,
                    path,
                    "the statement has no `Action`".into(),
                    "add `Action:` with the actions it grants or denies".into(),
                );
                (Vec::new(), false)
            }
        };
        let (rpath, res, not_resource) = match (&s.resource, &s.not_resource) {
            (Some(r), None) => (path.key("Resource"), Some(r), false),
            (None, Some(r)) => (path.key("NotResource"), Some(r), true),
            (Some(_), Some(_)) => {
                self.error(
                    &rules::INVALID_STATEMENT,
                    &path.key("NotResource"),
                    "a statement has `Resource` or `NotResource`, not both".into(),
                    "remove one".into(),
                );
                (path.clone(), None, false)
            }
            (None, None) => (path.clone(), None, false),
        };
        match (kind, res.is_some()) {
            (DocKind::Trust, true) => self.error(&rules::INVALID_STATEMENT, &rpath, "a trust policy statement cannot have a `Resource`".into(), "remove it: the role itself is the resource".into()),
            (DocKind::Identity | DocKind::Resource, false) => self.error(&rules::INVALID_STATEMENT, path, "the statement has no `Resource`".into(), "add `Resource:` (the ARNs it applies to; `\"*\"` only where the actions have no resource type)".into()),
            _ => {}
        }
        let resources = res.map(|r| self.values(r, &rpath));
        let (ppath, principal_spec, not_principal) = match (&s.principal, &s.not_principal) {
            (Some(p), None) => (path.key("Principal"), Some(p), false),
            (None, Some(p)) => (path.key("NotPrincipal"), Some(p), true),
            (Some(_), Some(_)) => {
                self.error(
                    &rules::INVALID_STATEMENT,
                    &path.key("NotPrincipal"),
                    "a statement has `Principal` or `NotPrincipal`, not both".into(),
                    "remove one".into(),
                );
                (path.clone(), None, false)
            }
            (None, None) => (path.clone(), None, false),
        };
        match (kind, principal_spec.is_some()) {
            (DocKind::Identity, true) => self.error(
                &rules::INVALID_STATEMENT,
                &ppath,
                "an identity policy statement cannot have a `Principal`".into(),
                "remove it: the principal is whoever holds the policy".into(),
            ),
            (DocKind::Trust | DocKind::Resource, false) => self.error(
                &rules::INVALID_STATEMENT,
                path,
                "the statement has no `Principal`".into(),
                "add `Principal:` (who the statement applies to)".into(),
            ),
            _ => {}
        }
        let principal = principal_spec.map(|p| self.principal(p, &ppath));
        let conditions = s
            .condition
            .as_ref()
            .map(|c| self.conditions(c, &path.key("Condition")))
            .unwrap_or_default();
        Statement {
            sid: s.sid.clone(),
            effect,
            actions,
            not_action,
            resources,
            not_resource,
            principal,
            not_principal,
            conditions,
            when: self.switch(s.when.as_deref(), &path.key("when")),
            allow: self.allow(&s.allow, &path.key("allow")),
            origin: path.clone(),
        }
    }

    /// Values of an `Action`-like list position, each a template where a list parameter expands.
    pub(crate) fn values(&mut self, list: &StrList, path: &YamlPath) -> Vec<Template> {
        list.values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let p = if list.single {
                    path.clone()
                } else {
                    path.index(i)
                };
                self.template(v, Ctx::Item, &p)
            })
            .collect()
    }

    fn principal(&mut self, p: &PrincipalSpec, path: &YamlPath) -> Principal {
        match p {
            PrincipalSpec::Star => Principal::Any,
            PrincipalSpec::Typed(map) => {
                let mut out: IndexMap<PrincipalType, Vec<Template>> = IndexMap::new();
                for (k, v) in map {
                    match PrincipalType::parse(k) {
                        Some(t) => {
                            let vals = self.values(v, &path.key(k));
                            out.entry(t).or_default().extend(vals);
                        }
                        None => {
                            let help = match closest(
                                k,
                                ["AWS", "Service", "Federated", "CanonicalUser"],
                            ) {
                                Some(c) => format!("did you mean `{c}`?"),
                                None => "use AWS, Service, Federated or CanonicalUser".into(),
                            };
                            self.error_key(
                                &rules::WRONG_TYPE,
                                &path.key(k),
                                format!("`{k}` is not a principal type"),
                                help,
                            );
                        }
                    }
                }
                if out.is_empty() {
                    self.error(
                        &rules::INVALID_STATEMENT,
                        path,
                        "the principal names no one".into(),
                        "add `AWS:`, `Service:`, `Federated:` or `CanonicalUser:` with values"
                            .into(),
                    );
                }
                Principal::Typed(out)
            }
        }
    }

    pub(crate) fn conditions(&mut self, c: &ConditionSpec, path: &YamlPath) -> Vec<Condition> {
        let mut out = Vec::new();
        for (op_s, keys) in c {
            let opath = path.key(op_s);
            let Some(op) = ConditionOp::parse(op_s) else {
                let all = ConditionOp::all_spellings();
                let base = op_s.rsplit(':').next().unwrap_or(op_s);
                let help = match closest(base, all.iter().map(String::as_str)) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => "see the IAM condition operators: StringEquals, StringLike, ArnLike, Bool, NumericLessThan, IpAddress, Null, ... with optional `ForAllValues:`/`ForAnyValue:` and `IfExists`".into(),
                };
                self.error_key(
                    &rules::INVALID_CONDITION_OPERATOR,
                    &opath,
                    format!("`{op_s}` is not an IAM condition operator"),
                    help,
                );
                continue;
            };
            for (k, v) in keys {
                let kpath = opath.key(k);
                let key = self.template(k, Ctx::Scalar, &kpath);
                if v.values.is_empty() {
                    self.error(
                        &rules::INVALID_STATEMENT,
                        &kpath,
                        format!("condition `{op_s}` on `{k}` has no value"),
                        "give at least one value".into(),
                    );
                }
                let values = self.values(v, &kpath);
                out.push(Condition { op, key, values });
            }
        }
        out
    }

    /// Reads a JSON policy file beside the spec, confined to the spec's folder, and makes the
    /// paths below `path` locate in it.
    fn read_policy_file(&mut self, file: &str, path: &YamlPath) -> Option<PolicyDocumentSpec> {
        let rel = Path::new(file);
        let escapes = rel.is_absolute()
            || rel.components().any(|c| {
                matches!(
                    c,
                    Component::ParentDir | Component::RootDir | Component::Prefix(_)
                )
            });
        if escapes {
            self.error(&rules::POLICY_FILE, path, format!("`{file}` is outside the spec's folder"), "put the file beside the spec (or below it) and name it relative to the spec, without `..`".into());
            return None;
        }
        let full = self.dir.join(rel);
        let confined = match (full.canonicalize(), self.dir.canonicalize()) {
            (Ok(f), Ok(d)) => f.starts_with(&d),
            (Err(e), _) | (_, Err(e)) => {
                self.error(
                    &rules::POLICY_FILE,
                    path,
                    format!("cannot read `{}`: {e}", full.display()),
                    "check the file name (relative to the spec's folder)".into(),
                );
                return None;
            }
        };
        if !confined {
            self.error(
                &rules::POLICY_FILE,
                path,
                format!("`{file}` resolves (through a symlink) outside the spec's folder"),
                "copy the file into the spec's folder".into(),
            );
            return None;
        }
        // A regular file only: a FIFO would block the build forever (and a device could
        // stream without end); the size is checked before reading and while reading.
        match std::fs::metadata(&full) {
            Ok(m) if m.is_file() => {}
            Ok(m) => {
                let what = if m.is_dir() {
                    "a folder"
                } else {
                    "not a regular file (a FIFO, socket or device)"
                };
                self.error(
                    &rules::POLICY_FILE,
                    path,
                    format!("`{file}` is {what}"),
                    "name a JSON file holding the policy document".into(),
                );
                return None;
            }
            Err(e) => {
                self.error(
                    &rules::POLICY_FILE,
                    path,
                    format!("cannot read `{}`: {e}", full.display()),
                    "check the file".into(),
                );
                return None;
            }
        }
        use crate::spec::load::{read_text, ReadError, MAX_SPEC_BYTES};
        let text = match read_text(&full, MAX_SPEC_BYTES) {
            Ok(t) => t,
            Err(e) => {
                let (rule, msg, help) = match e {
                    ReadError::TooLarge(_) => (
                        &rules::INPUT_LIMIT,
                        format!("`{file}` is larger than {MAX_SPEC_BYTES} bytes"),
                        "a policy is at most a few KB; check the file",
                    ),
                    ReadError::NotUtf8(at) => (
                        &rules::POLICY_FILE,
                        format!("`{file}` is not UTF-8 (invalid byte at offset {at})"),
                        "save the policy file as UTF-8",
                    ),
                    ReadError::Io(e) => (
                        &rules::POLICY_FILE,
                        format!("cannot read `{}`: {e}", full.display()),
                        "check the file",
                    ),
                };
                self.error(rule, path, msg, help.into());
                return None;
            }
        };
        // Named as the spec is (relative to where rolegen runs), so a finding in the file
        // can be opened and annotated: `specs/policies/queue.json`, not `./queue.json`.
        let shown: PathBuf = self.dir.join(
            rel.components()
                .filter(|c| !matches!(c, Component::CurDir))
                .collect::<PathBuf>(),
        );
        let source = SourceFile::new(shown, text);
        match serde_json::from_str::<PolicyDocumentSpec>(&source.text) {
            Ok(d) if d.policy_file.is_some() || d.when.is_some() || !d.allow.is_empty() => {
                self.error(&rules::POLICY_FILE, path, format!("`{file}` uses rolegen keys (`policy_file`, `when`, `allow`) at its top level"), "a policy file holds only the AWS document; put `when:`/`allow:` next to `policy_file:` in the spec".into());
                None
            }
            Ok(d) => {
                self.file.embed(path.clone(), Arc::new(source));
                Some(d)
            }
            Err(e) => {
                // In the JSON file, where serde_json stopped; the spec line names the file.
                let named = self.file.locate_key(path);
                let span = json_error_span(&source, &e);
                let what = e.to_string();
                let what = what
                    .strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
                    .unwrap_or(&what);
                let d = Diagnostic::new(
                    &rules::POLICY_FILE,
                    format!("`{file}` is not a policy document: {what}"),
                )
                .help("fix the JSON: it must be an IAM policy document (`Version`, `Statement`)")
                .note(format!(
                    "named by `policy_file:` at {}:{}:{}",
                    named.path.display(),
                    named.span.line,
                    named.span.column
                ))
                .at(Some(SourceRef {
                    path: source.path.clone(),
                    span,
                }));
                self.diags.push(d);
                None
            }
        }
    }
}

/// Where serde_json stopped reading `source`; for an unknown or duplicate field, the key
/// itself (serde_json stops after it).
fn json_error_span(source: &SourceFile, e: &serde_json::Error) -> crate::source::Span {
    let span = source.span_at(e.line().max(1), e.column().max(1));
    let msg = e.to_string();
    let field = ["unknown field `", "duplicate field `"]
        .iter()
        .find_map(|p| msg.strip_prefix(p))
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| format!("\"{name}\""));
    let Some(quoted) = field else {
        return span;
    };
    // serde_json's column is the key's closing quote.
    let Some(before) = source.text.get(..span.start + 1) else {
        return span;
    };
    match before.rfind(&quoted) {
        Some(start) => {
            let line_start = before[..start].rfind('\n').map_or(0, |i| i + 1);
            crate::source::Span {
                start,
                end: start + quoted.len(),
                line: before[..start].matches('\n').count() + 1,
                column: before[line_start..start].chars().count() + 1,
            }
        }
        None => span,
    }
}

/// How a reader finds the statement at `index` of a document: by its Sid when it has one.
pub(crate) fn statement_ref(sid: Option<&str>, index: usize) -> StatementRef {
    match sid.filter(|s| !s.trim().is_empty()) {
        Some(sid) => StatementRef::Sid(sid.to_owned()),
        None => StatementRef::Number(index + 1),
    }
}

fn empty_doc(kind: DocKind, path: &YamlPath) -> PolicyDocument {
    PolicyDocument {
        version: VERSIONS[0].into(),
        id: None,
        statements: Vec::new(),
        kind,
        deviations: Vec::new(),
        origin: path.clone(),
    }
}
