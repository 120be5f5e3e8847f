//! `rolegen import --from iam-json`: roles and customer managed policies as the AWS CLI (or
//! the IAM API) prints them.
//!
//! Understood outputs: `get-account-authorization-details` (RoleDetailList with trust,
//! RolePolicyList, AttachedManagedPolicies, InstanceProfileList; Policies with their default
//! version), `get-role`, `list-roles`, `get-role-policy`, `list-role-policies`,
//! `list-attached-role-policies`, `get-policy` with `get-policy-version`, and
//! `list-instance-profiles-for-role`. Several files describing one role are merged; policy
//! documents are objects or URL-encoded JSON strings (as the raw API returns them).

use super::builder::{role_entry, spec_tree};
use super::cloudformation::node::Loc;
use super::narrow::{self, El, Settled};
use super::yaml::Y;
use super::{read_input, spec_literal, Imported, InputError, Issue, Keys, Level};
use crate::source::SourceFile;
use indexmap::IndexMap;
use serde_json::Value;
use std::path::PathBuf;

#[derive(Debug, Default)]
pub(crate) struct RoleIn {
    pub(crate) name: String,
    pub(crate) arn: Option<String>,
    pub(crate) path: Option<String>,
    description: Option<String>,
    max_session: Option<u64>,
    pub(crate) boundary: Option<String>,
    /// A PermissionsBoundary without a PermissionsBoundaryArn string.
    boundary_lost: bool,
    pub(crate) tags: Vec<(String, String)>,
    trust: Option<(Value, Where)>,
    inline: IndexMap<String, (Value, Where)>,
    listed_inline: Vec<(String, Where)>,
    pub(crate) attached: Vec<(String, Where)>,
    profiles: Vec<(String, Option<String>, Where)>,
    pub(crate) at: Where,
}

#[derive(Debug, Default)]
pub(crate) struct PolicyIn {
    pub(crate) name: String,
    pub(crate) arn: String,
    pub(crate) path: Option<String>,
    description: Option<String>,
    document: Option<(Value, Where)>,
    pub(crate) at: Where,
}

/// A file and a location inside it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Where {
    file: usize,
    loc: Loc,
}

/// The input files and what was found wrong in them.
pub(crate) struct Files {
    pub(crate) files: Vec<SourceFile>,
    pub(crate) issues: Vec<Issue>,
}

/// What the inputs hold: roles by name and policies by ARN.
pub(crate) struct Parsed {
    pub(crate) files: Files,
    pub(crate) roles: IndexMap<String, RoleIn>,
    pub(crate) policies: IndexMap<String, PolicyIn>,
    /// Some input was `list-roles` or `get-role` output (which carry descriptions and
    /// maximum session durations; the account dump's RoleDetail has neither).
    pub(crate) role_lists: bool,
}

/// How [`emit`] writes a spec that is one module of an account.
#[derive(Default)]
pub(crate) struct EmitOptions<'a> {
    /// Customer managed policy ARN → the ARN (spec string) a role of this module attaches it
    /// by, for policies that live in another module.
    pub(crate) foreign: Option<&'a IndexMap<String, String>>,
}

impl Files {
    pub(crate) fn push(&mut self, level: Level, w: &Where, msg: impl Into<String>) {
        let f = &self.files[w.file];
        let r = f.locate_key(&w.loc.yaml());
        let issue = Issue {
            level,
            file: f.path.clone(),
            line: Some((r.span.line, r.span.column)),
            at: w.loc.display(),
            message: msg.into(),
        };
        if !self.issues.contains(&issue) {
            self.issues.push(issue);
        }
    }
    fn issue(&mut self, w: &Where, msg: impl Into<String>) {
        self.push(Level::Error, w, msg);
    }
}

fn at(file: usize, loc: Loc) -> Where {
    Where { file, loc }
}

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_owned)
}

/// Decodes `%XX` escapes (IAM's URL-encoded policy documents).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A policy document: an object, or a (URL-encoded) JSON string.
fn document(v: &Value) -> Result<Value, String> {
    match v {
        Value::Object(_) => Ok(v.clone()),
        Value::String(s) => {
            let text = if s.trim_start().starts_with('{') {
                s.clone()
            } else {
                percent_decode(s)
            };
            serde_json::from_str(&text).map_err(|e| format!("the policy document is not JSON: {e}"))
        }
        other => Err(format!(
            "a policy document is an object or a string, found {other}"
        )),
    }
}

/// Imports IAM JSON files.
pub fn import(inputs: &[PathBuf], module: &str) -> Result<Imported, InputError> {
    let mut texts = Vec::with_capacity(inputs.len());
    for path in inputs {
        texts.push((path.clone(), read_input(path)?));
    }
    import_texts(texts, module)
}

/// Imports the text of IAM JSON files (each named by its path in errors).
pub fn import_texts(inputs: Vec<(PathBuf, String)>, module: &str) -> Result<Imported, InputError> {
    let Parsed {
        mut files,
        roles,
        policies,
        ..
    } = parse_texts(inputs, Level::Error)?;
    let (tree, keys) = emit(
        &mut files,
        &roles,
        policies.values(),
        module,
        &EmitOptions::default(),
    );
    let names: Vec<String> = files
        .files
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    let header = vec![format!(
        "Imported by `rolegen import --from iam-json` from {}.",
        names.join(", ")
    )];
    Ok(Imported {
        spec: super::yaml::spec_text(&tree, &header),
        tree,
        issues: files.issues,
        keys,
        introduced: IndexMap::new(),
    })
}

/// Reads IAM JSON files; users and groups are reported at `users_groups`.
pub(crate) fn parse(inputs: &[PathBuf], users_groups: Level) -> Result<Parsed, InputError> {
    let mut texts = Vec::with_capacity(inputs.len());
    for path in inputs {
        texts.push((path.clone(), read_input(path)?));
    }
    parse_texts(texts, users_groups)
}

/// Reads the text of IAM JSON files; users and groups are reported at `users_groups`.
pub(crate) fn parse_texts(
    inputs: Vec<(PathBuf, String)>,
    users_groups: Level,
) -> Result<Parsed, InputError> {
    let mut files = Files {
        files: Vec::new(),
        issues: Vec::new(),
    };
    let mut roles: IndexMap<String, RoleIn> = IndexMap::new();
    let mut policies: IndexMap<String, PolicyIn> = IndexMap::new();
    // Outputs that do not name their role or policy: applied when there is exactly one.
    let mut orphans_attached: Vec<(String, Where)> = Vec::new();
    let mut orphans_listed: Vec<(String, Where)> = Vec::new();
    let mut orphan_profiles: Vec<(String, Option<String>, Where)> = Vec::new();
    let mut orphan_versions: Vec<(Value, Where)> = Vec::new();
    let mut role_lists = false;
    for (fi, (path, text)) in inputs.into_iter().enumerate() {
        let path = &path;
        let v: Value = serde_json::from_str(&text).map_err(|e| InputError {
            file: path.clone(),
            line: Some((e.line(), e.column())),
            message: format!("invalid JSON: {e}"),
        })?;
        files.files.push(SourceFile::new(path, text));
        let root = Loc::root();
        let Value::Object(_) = &v else {
            return Err(InputError::new(
                path,
                "expected a JSON object as the AWS CLI prints it",
            ));
        };
        let mut known = false;
        if let Some(Value::Array(list)) = v.get("RoleDetailList") {
            known = true;
            for (i, r) in list.iter().enumerate() {
                let l = root.key("RoleDetailList").index(i);
                read_role(&mut files, &mut roles, r, fi, &l);
            }
        }
        if let Some(Value::Array(list)) = v.get("Roles") {
            known = true;
            role_lists = true;
            for (i, r) in list.iter().enumerate() {
                read_role(&mut files, &mut roles, r, fi, &root.key("Roles").index(i));
            }
        }
        if let Some(r @ Value::Object(_)) = v.get("Role") {
            known = true;
            role_lists = true;
            read_role(&mut files, &mut roles, r, fi, &root.key("Role"));
        }
        if let (Some(rn), Some(pn), Some(doc)) = (
            s(&v, "RoleName"),
            s(&v, "PolicyName"),
            v.get("PolicyDocument"),
        ) {
            known = true;
            let w = at(fi, root.key("PolicyDocument"));
            let role = roles.entry(rn.clone()).or_insert_with(|| RoleIn {
                name: rn.clone(),
                at: at(fi, root.clone()),
                ..RoleIn::default()
            });
            role.inline.insert(pn, (doc.clone(), w));
        }
        if let Some(Value::Array(list)) = v.get("AttachedPolicies") {
            known = true;
            for (i, p) in list.iter().enumerate() {
                if let Some(arn) = s(p, "PolicyArn") {
                    orphans_attached.push((arn, at(fi, root.key("AttachedPolicies").index(i))));
                }
            }
        }
        if let Some(Value::Array(list)) = v.get("PolicyNames") {
            known = true;
            for (i, p) in list.iter().enumerate() {
                if let Some(n) = p.as_str() {
                    orphans_listed.push((n.to_owned(), at(fi, root.key("PolicyNames").index(i))));
                }
            }
        }
        if let Some(Value::Array(list)) = v.get("InstanceProfiles") {
            known = true;
            for (i, p) in list.iter().enumerate() {
                if let Some(n) = s(p, "InstanceProfileName") {
                    orphan_profiles.push((
                        n,
                        s(p, "Path"),
                        at(fi, root.key("InstanceProfiles").index(i)),
                    ));
                }
            }
        }
        if let Some(Value::Array(list)) = v.get("Policies") {
            known = true;
            for (i, p) in list.iter().enumerate() {
                read_policy(&mut policies, p, fi, &root.key("Policies").index(i));
            }
        }
        if let Some(p @ Value::Object(_)) = v.get("Policy") {
            known = true;
            read_policy(&mut policies, p, fi, &root.key("Policy"));
        }
        if let Some(pv @ Value::Object(_)) = v.get("PolicyVersion") {
            known = true;
            if let Some(d) = pv.get("Document") {
                orphan_versions
                    .push((d.clone(), at(fi, root.key("PolicyVersion").key("Document"))));
            }
        }
        for (k, name) in [("UserDetailList", "user"), ("GroupDetailList", "group")] {
            if let Some(Value::Array(list)) = v.get(k) {
                known = true;
                for (i, u) in list.iter().enumerate() {
                    let n = s(
                        u,
                        if name == "user" {
                            "UserName"
                        } else {
                            "GroupName"
                        },
                    )
                    .unwrap_or_default();
                    files.push(
                        users_groups,
                        &at(fi, root.key(k).index(i)),
                        format!("IAM {name} `{n}` is not imported: a spec holds roles, policies and keys"),
                    );
                }
            }
        }
        if !known {
            return Err(InputError::new(
                path,
                "not IAM JSON the importer knows: expected the output of get-account-authorization-details, get-role, list-roles, get-role-policy, list-role-policies, list-attached-role-policies, get-policy/get-policy-version or list-instance-profiles-for-role",
            ));
        }
    }
    // Outputs without a role name belong to the only role, if there is one.
    let only_role = (roles.len() == 1)
        .then(|| roles.keys().next().cloned())
        .flatten();
    for (arn, w) in orphans_attached {
        match &only_role {
            Some(r) => roles[r].attached.push((arn, w)),
            None => files.issue(&w, "list-attached-role-policies output does not name its role, and the inputs hold no single role; not imported"),
        }
    }
    for (n, w) in orphans_listed {
        match &only_role {
            Some(r) => roles[r].listed_inline.push((n, w)),
            None => files.issue(&w, "list-role-policies output does not name its role, and the inputs hold no single role; not imported"),
        }
    }
    for (n, p, w) in orphan_profiles {
        match &only_role {
            Some(r) => roles[r].profiles.push((n, p, w)),
            None => files.issue(&w, "list-instance-profiles-for-role output does not name its role, and the inputs hold no single role; not imported"),
        }
    }
    let only_policy = (policies.len() == 1)
        .then(|| policies.keys().next().cloned())
        .flatten();
    for (d, w) in orphan_versions {
        match &only_policy {
            Some(p) if policies[p].document.is_none() => policies[p].document = Some((d, w)),
            _ => files.issue(&w, "get-policy-version output does not name its policy, and the inputs hold no single policy without a document; not imported"),
        }
    }
    Ok(Parsed {
        files,
        roles,
        policies,
        role_lists,
    })
}

fn read_role(
    files: &mut Files,
    roles: &mut IndexMap<String, RoleIn>,
    r: &Value,
    fi: usize,
    l: &Loc,
) {
    let Some(name) = s(r, "RoleName") else {
        files.issue(&at(fi, l.clone()), "a role without RoleName; not imported");
        return;
    };
    let role = roles.entry(name.clone()).or_insert_with(|| RoleIn {
        name: name.clone(),
        at: at(fi, l.clone()),
        ..RoleIn::default()
    });
    if let Some(a) = s(r, "Arn") {
        role.arn = Some(a);
    }
    if let Some(p) = s(r, "Path") {
        role.path = Some(p);
    }
    if let Some(d) = s(r, "Description") {
        role.description = Some(d);
    }
    if let Some(m) = r.get("MaxSessionDuration").and_then(Value::as_u64) {
        role.max_session = Some(m);
    }
    if let Some(pb) = r.get("PermissionsBoundary") {
        match s(pb, "PermissionsBoundaryArn") {
            Some(b) => role.boundary = Some(b),
            None if pb.is_null() => {}
            None => role.boundary_lost = true,
        }
    }
    if let Some(Value::Array(tags)) = r.get("Tags") {
        role.tags = tags
            .iter()
            .filter_map(|t| Some((s(t, "Key")?, s(t, "Value").unwrap_or_default())))
            .collect();
    }
    if let Some(d) = r.get("AssumeRolePolicyDocument") {
        role.trust = Some((d.clone(), at(fi, l.key("AssumeRolePolicyDocument"))));
    }
    if let Some(Value::Array(list)) = r.get("RolePolicyList") {
        for (i, p) in list.iter().enumerate() {
            if let (Some(n), Some(d)) = (s(p, "PolicyName"), p.get("PolicyDocument")) {
                role.inline
                    .insert(n, (d.clone(), at(fi, l.key("RolePolicyList").index(i))));
            }
        }
    }
    if let Some(Value::Array(list)) = r.get("AttachedManagedPolicies") {
        for (i, p) in list.iter().enumerate() {
            if let Some(arn) = s(p, "PolicyArn") {
                role.attached
                    .push((arn, at(fi, l.key("AttachedManagedPolicies").index(i))));
            }
        }
    }
    if let Some(Value::Array(list)) = r.get("InstanceProfileList") {
        for (i, p) in list.iter().enumerate() {
            if let Some(n) = s(p, "InstanceProfileName") {
                role.profiles.push((
                    n,
                    s(p, "Path"),
                    at(fi, l.key("InstanceProfileList").index(i)),
                ));
            }
        }
    }
}

fn read_policy(policies: &mut IndexMap<String, PolicyIn>, p: &Value, fi: usize, l: &Loc) {
    let Some(arn) = s(p, "Arn") else {
        return;
    };
    // The name is the ARN's last segment (moto's account dump leaves PolicyName out).
    let Some(name) = s(p, "PolicyName").or_else(|| arn.rsplit('/').next().map(str::to_owned))
    else {
        return;
    };
    let entry = policies.entry(arn.clone()).or_insert_with(|| PolicyIn {
        name,
        arn,
        at: at(fi, l.clone()),
        ..PolicyIn::default()
    });
    entry.path = s(p, "Path").or(entry.path.take());
    entry.description = s(p, "Description").or(entry.description.take());
    let default = s(p, "DefaultVersionId");
    if let Some(Value::Array(versions)) = p.get("PolicyVersionList") {
        for (i, v) in versions.iter().enumerate() {
            let is_default = v.get("IsDefaultVersion").and_then(Value::as_bool) == Some(true)
                || (default.is_some() && s(v, "VersionId") == default);
            if is_default {
                if let Some(d) = v.get("Document") {
                    entry.document = Some((
                        d.clone(),
                        at(fi, l.key("PolicyVersionList").index(i).key("Document")),
                    ));
                }
            }
        }
    }
}

/// The spec tree of `roles` and the customer managed `policies`, and its keys.
pub(crate) fn emit<'p>(
    files: &mut Files,
    roles: &IndexMap<String, RoleIn>,
    policies: impl Iterator<Item = &'p PolicyIn>,
    module: &str,
    options: &EmitOptions,
) -> (Y, IndexMap<String, String>) {
    let mut keys = Keys::default();
    let aws_managed = |arn: &str| {
        arn.strip_prefix("arn:aws")
            .and_then(|r| r.split_once(":iam::aws:policy/"))
            .filter(|(p, _)| p.is_empty() || *p == "-cn" || *p == "-us-gov")
            .map(|(_, n)| n.to_owned())
    };
    // Customer managed policies (AWS managed ones in a Policies list are AWS's, not the account's).
    let mut policy_keys: IndexMap<String, String> = IndexMap::new();
    // Policies whose document cannot be read (it may deny): roles attaching them are refused.
    let mut unread: Vec<String> = Vec::new();
    let mut pol_y = Vec::new();
    for p in policies {
        if aws_managed(&p.arn).is_some() {
            continue;
        }
        let key = keys.assign(&p.name);
        policy_keys.insert(p.arn.clone(), key.clone());
        let mut m = vec![("name".to_owned(), Y::Str(spec_literal(&p.name)))];
        if let Some(path) = p.path.as_ref().filter(|x| *x != "/") {
            m.push(("path".into(), Y::Str(spec_literal(path))));
        }
        if let Some(d) = &p.description {
            m.push(("description".into(), Y::s(d)));
        }
        let doc = match &p.document {
            Some((d, w)) => {
                let y = doc_y(files, d, w);
                if y.is_none() {
                    unread.push(p.arn.clone());
                }
                y
            }
            None => {
                files.issue(&p.at, format!("no document for policy `{}` (give its get-policy-version output, or get-account-authorization-details)", p.name));
                None
            }
        };
        m.push((
            "document".into(),
            doc.unwrap_or_else(|| Y::Map(vec![("Statement".into(), Y::Seq(Vec::new()))])),
        ));
        pol_y.push((key, Y::Map(m)));
    }
    let mut role_y = Vec::new();
    for r in roles.values() {
        if r.path
            .as_deref()
            .is_some_and(|p| p.starts_with("/aws-service-role/"))
        {
            files.issue(
                &r.at,
                format!(
                    "`{}` is a service-linked role: AWS creates it for the service; not imported",
                    r.name
                ),
            );
            continue;
        }
        let key = keys.assign(&r.name);
        // Why the role is not imported: what it lost could only have narrowed it.
        let mut refused: Option<String> = r
            .boundary_lost
            .then(|| "its PermissionsBoundary has no PermissionsBoundaryArn".to_owned());
        let mut m = vec![("name".to_owned(), Y::Str(spec_literal(&r.name)))];
        if let Some(p) = r.path.as_ref().filter(|p| *p != "/") {
            m.push(("path".into(), Y::Str(spec_literal(p))));
        }
        if let Some(d) = &r.description {
            m.push(("description".into(), Y::Str(spec_literal(d))));
        }
        if let Some(x) = r.max_session.filter(|x| *x != 3600) {
            m.push(("max_session_duration".into(), Y::Num(x.to_string())));
        }
        if let Some(b) = &r.boundary {
            m.push(("permissions_boundary".into(), Y::Str(spec_literal(b))));
        }
        if !r.tags.is_empty() {
            m.push((
                "tags".into(),
                Y::Map(
                    r.tags
                        .iter()
                        .map(|(k, v)| (k.clone(), Y::Str(spec_literal(v))))
                        .collect(),
                ),
            ));
        }
        let mut profile = None;
        match r.profiles.as_slice() {
            [] => {}
            [(n, p, _)] => {
                if *n == r.name && p.as_deref().unwrap_or("/") == "/" {
                    profile = Some(Y::Bool(true));
                } else {
                    let mut ip = vec![("name".to_owned(), Y::Str(spec_literal(n)))];
                    if let Some(p) = p.as_ref().filter(|p| *p != "/") {
                        ip.push(("path".into(), Y::Str(spec_literal(p))));
                    }
                    profile = Some(Y::Map(ip));
                }
            }
            [_, rest @ ..] => {
                for (n, _, w) in rest {
                    files.issue(w, format!("instance profile `{n}`: a spec role has one instance profile; not imported"));
                }
            }
        }
        let mut trust = Vec::new();
        match &r.trust {
            Some((d, w)) => match doc_y(files, d, w) {
                Some(y) => trust.push(("trust_document".to_owned(), y)),
                None => {
                    refused.get_or_insert("its trust policy cannot be read".into());
                }
            },
            None => files.issue(&r.at, format!("no trust policy for role `{}` (give get-role or get-account-authorization-details output)", r.name)),
        }
        let mut managed = Vec::new();
        for (arn, _) in &r.attached {
            if unread.contains(arn) {
                refused.get_or_insert(format!("the document of its policy {arn} cannot be read"));
            }
            let y = if let Some(n) = aws_managed(arn).filter(|_| arn.starts_with("arn:aws:")) {
                Y::Map(vec![("aws".into(), Y::s(n))])
            } else if let Some(k) = policy_keys.get(arn) {
                Y::Map(vec![("policy".into(), Y::s(k))])
            } else if let Some(a) = options.foreign.and_then(|f| f.get(arn)) {
                Y::Map(vec![("arn".into(), Y::s(a))])
            } else {
                Y::Map(vec![("arn".into(), Y::Str(spec_literal(arn)))])
            };
            if !managed.contains(&y) {
                managed.push(y);
            }
        }
        let mut inline = Vec::new();
        for (n, (d, w)) in &r.inline {
            match doc_y(files, d, w) {
                Some(y) => inline.push((n.clone(), y)),
                None => {
                    refused.get_or_insert(format!("its inline policy `{n}` cannot be read"));
                }
            }
        }
        for (n, w) in &r.listed_inline {
            if !r.inline.contains_key(n) {
                files.issue(w, format!("inline policy `{n}` of role `{}` has no document (give its get-role-policy output); not imported", r.name));
            }
        }
        if let Some(why) = refused {
            files.issue(
                &r.at,
                format!(
                    "role `{}` is not imported: {why}; importing it without that would grant more",
                    r.name
                ),
            );
            continue;
        }
        role_y.push((key, role_entry(m, None, profile, trust, managed, inline)));
    }
    let top = vec![("module".to_owned(), Y::s(module))];
    let tree = spec_tree(
        top,
        Vec::new(),
        Vec::new(),
        role_y,
        pol_y,
        Vec::new(),
        Vec::new(),
    );
    (tree, keys.map)
}

fn doc_y(files: &mut Files, d: &Value, w: &Where) -> Option<Y> {
    match document(d).and_then(|v| literal_doc(&v)) {
        Ok((y, notes)) => {
            for n in notes {
                files.issue(w, n);
            }
            Some(y)
        }
        Err(e) => {
            files.issue(w, e);
            None
        }
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn values(v: &Value, escape: bool) -> Result<Y, String> {
    let one = |x: &Value| -> Result<Y, String> {
        let t = text(x).ok_or_else(|| format!("expected a string, found {x}"))?;
        Ok(Y::Str(if escape { spec_literal(&t) } else { t }))
    };
    match v {
        Value::Array(items) => Ok(Y::Seq(items.iter().map(one).collect::<Result<_, _>>()?)),
        other => one(other),
    }
}

/// A Condition block, entry by entry ([`El::Part`] when some entries cannot be read).
fn condition(x: &Value, left_out: &mut Vec<String>) -> El {
    let Value::Object(ops) = x else {
        left_out.push(format!("a Condition is an object, found {x}"));
        return El::Lost;
    };
    let mut co = Vec::new();
    let mut lost = false;
    for (op, keys) in ops {
        let Value::Object(keys) = keys else {
            left_out.push(format!("condition {op} maps keys to values"));
            lost = true;
            continue;
        };
        let mut ko = Vec::new();
        for (k, v) in keys {
            match values(v, true) {
                Ok(y) => ko.push((spec_literal(k), y)),
                Err(e) => {
                    left_out.push(format!("condition {op} {k}: {e}"));
                    lost = true;
                }
            }
        }
        if !ko.is_empty() || keys.is_empty() {
            co.push((op.clone(), Y::Map(ko)));
        }
    }
    if lost {
        El::Part(Y::Map(co))
    } else {
        El::Exact(Y::Map(co))
    }
}

/// A literal IAM policy document (no placeholders) as spec YAML: `${` escaped where the
/// spec reads placeholders, IAM policy variables kept. Also returns what was left out.
pub(crate) fn literal_doc(v: &Value) -> Result<(Y, Vec<String>), String> {
    let Value::Object(m) = v else {
        return Err(format!("a policy document is an object, found {v}"));
    };
    let mut left_out = Vec::new();
    let mut out = Vec::new();
    for (k, x) in m {
        match k.as_str() {
            "Version" | "Id" => out.push((k.clone(), Y::Str(text(x).unwrap_or_default()))),
            "Statement" => {}
            other => left_out.push(format!(
                "`{other}` is not an element of a policy document; left out"
            )),
        }
    }
    let statements = match m.get("Statement") {
        Some(Value::Array(v)) => v.clone(),
        Some(o @ Value::Object(_)) => vec![o.clone()],
        _ => return Err("the policy document has no Statement".into()),
    };
    let mut list = Vec::new();
    for st in &statements {
        let Value::Object(sm) = st else {
            return Err(format!("a statement is an object, found {st}"));
        };
        let mut els: Vec<(String, El)> = Vec::new();
        for key in crate::spec::STATEMENT_KEYS {
            let Some(x) = sm.get(key) else { continue };
            if key == "Sid" && x.as_str() == Some("") {
                left_out
                    .push("an empty Sid is left out (a spec Sid has letters and digits)".into());
                continue;
            }
            let el = match key {
                "Sid" | "Effect" => match text(x) {
                    Some(t) => El::Exact(Y::Str(t)),
                    None => {
                        left_out.push(format!("`{key}` is not a string: {x}"));
                        El::Lost
                    }
                },
                "Condition" => condition(x, &mut left_out),
                _ => {
                    let y = match key {
                        "Action" | "NotAction" => values(x, false),
                        "Resource" | "NotResource" => values(x, true),
                        _ => match x {
                            Value::String(s) if s == "*" => Ok(Y::s("*")),
                            Value::Object(p) => p
                                .iter()
                                .map(|(t, v)| values(v, true).map(|v| (t.clone(), v)))
                                .collect::<Result<_, _>>()
                                .map(Y::Map),
                            other => {
                                Err(format!("a principal is \"*\" or an object, found {other}"))
                            }
                        },
                    };
                    match y {
                        Ok(y) => El::Exact(y),
                        Err(e) => {
                            left_out.push(format!("`{key}`: {e}"));
                            El::Lost
                        }
                    }
                }
            };
            els.push((key.to_owned(), el));
        }
        for k in sm.keys() {
            if !crate::spec::STATEMENT_KEYS.contains(&k.as_str()) {
                left_out.push(format!(
                    "`{k}` is not an element of a policy statement; left out"
                ));
            }
        }
        match narrow::settle(els) {
            Settled::Exact(y) => list.push(y),
            Settled::Narrowed(y, why) => {
                left_out.push(why);
                list.push(y);
            }
            Settled::Dropped(why) => left_out.push(why),
        }
    }
    out.push(("Statement".into(), Y::Seq(list)));
    Ok((Y::Map(out), left_out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes() {
        assert_eq!(percent_decode("%7B%22a%22%3A1%7D"), "{\"a\":1}");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
