//! `rolegen import --from account`: a whole account, as `aws iam
//! get-account-authorization-details` prints it, into a folder of specs, one per module.
//!
//! Roles are grouped into modules by a rule (`--group-by path|tag:KEY|prefix`). Every
//! customer managed policy lives in exactly one module (the one whose roles attach it most;
//! ties go to the first module by name); other modules attach it by ARN, and the import says
//! so in a note. The account's own id is written `${AWS::AccountId}`. Service-linked roles
//! (`/aws-service-role/`) and roles matched by `--exclude` are left out with a note. Users
//! and groups are out of scope (a note each). Everything else the spec cannot express is an
//! error naming it: nothing is dropped silently, so the specs never grant more than the
//! account (and an import with errors writes nothing, unless `--allow-partial`).

use super::iam_json::{self, EmitOptions, PolicyIn, RoleIn};
use super::yaml::Y;
use super::{Issue, Level};
use indexmap::IndexMap;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How roles are grouped into modules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupBy {
    /// By IAM path: `/team/app/` → module `team-app`; `/` → `root`.
    Path,
    /// By the value of a tag; roles without it go to `untagged`.
    Tag(String),
    /// By the role name up to its first `-`, `_` or `.`.
    Prefix,
}

/// A `--group-by` value that names no grouping.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a grouping: use `path`, `prefix` or `tag:KEY` (e.g. `tag:team`)")]
pub struct NotAGrouping(pub String);

impl std::str::FromStr for GroupBy {
    type Err = NotAGrouping;
    fn from_str(s: &str) -> Result<Self, NotAGrouping> {
        match s {
            "path" => Ok(GroupBy::Path),
            "prefix" => Ok(GroupBy::Prefix),
            _ => match s.strip_prefix("tag:") {
                Some(k) if !k.is_empty() => Ok(GroupBy::Tag(k.to_owned())),
                _ => Err(NotAGrouping(s.to_owned())),
            },
        }
    }
}

/// Options of an account import.
#[derive(Clone, Debug)]
pub struct AccountOptions {
    /// The grouping rule.
    pub group_by: GroupBy,
    /// Role and policy names, paths (starting with `/`) or patterns (`*`, `?`) left out.
    pub exclude: Vec<String>,
    /// Write the specs even when parts of the account cannot be expressed.
    pub allow_partial: bool,
    /// Replace existing spec files in the output folder.
    pub force: bool,
}

/// One module of the account.
#[derive(Debug)]
pub struct ModuleSpec {
    /// Module name (and file stem).
    pub module: String,
    /// The spec text.
    pub spec: String,
    /// Roles in it.
    pub roles: usize,
    /// Customer managed policies in it.
    pub policies: usize,
}

/// The result of an account import.
#[derive(Debug)]
pub struct Account {
    /// One spec per module, by module name.
    pub modules: Vec<ModuleSpec>,
    /// Errors (not expressed) and notes (left out on purpose, shared policies).
    pub issues: Vec<Issue>,
}

/// True if `pattern` names the role or policy: a pattern starting with `/` matches the path
/// (`/legacy/*`) or the path and name (`/legacy/app-*`); any other matches the name.
fn excluded(patterns: &[String], path: &str, name: &str) -> bool {
    patterns.iter().any(|p| {
        if p.starts_with('/') {
            crate::wildcard::matches(p, path)
                || crate::wildcard::matches(p, &format!("{path}{name}"))
        } else {
            crate::wildcard::matches(p, name)
        }
    })
}

/// A module name from a group key: lower-case `[a-z0-9-]`, starting with a letter.
fn module_name(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    let out = match out.chars().next() {
        None => "root".to_owned(),
        Some(c) if !c.is_ascii_alphabetic() => format!("m-{out}"),
        Some(_) => out,
    };
    out.chars()
        .take(64)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

fn group_key(by: &GroupBy, path: &str, name: &str, tags: &[(String, String)]) -> String {
    match by {
        GroupBy::Path => path.to_owned(),
        GroupBy::Prefix => name
            .split(['-', '_', '.'])
            .next()
            .unwrap_or(name)
            .to_owned(),
        GroupBy::Tag(k) => tags
            .iter()
            .find(|(t, _)| t == k)
            .map_or_else(|| "untagged".to_owned(), |(_, v)| v.clone()),
    }
}

/// The account id of an ARN (`arn:aws:iam::123456789012:role/x` → `123456789012`).
fn arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (_, _, svc, _, acct) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    (svc == "iam" && acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit())).then_some(acct)
}

fn aws_managed(arn: &str) -> bool {
    arn.split(':').nth(4) == Some("aws")
}

/// `text` with every whole occurrence of `account` (not inside a longer number) written
/// `${AWS::AccountId}`.
fn with_account_placeholder(text: &str, account: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(account) {
        out.push_str(&rest[..i]);
        let before = out.chars().last();
        let after = rest[i + account.len()..].chars().next();
        if before.is_some_and(|c| c.is_ascii_digit()) || after.is_some_and(|c| c.is_ascii_digit()) {
            out.push_str(account);
        } else {
            out.push_str("${AWS::AccountId}");
        }
        rest = &rest[i + account.len()..];
    }
    out.push_str(rest);
    out
}

/// Writes the account id as `${AWS::AccountId}` in every template string of the tree (not in
/// Sids, effects, actions or versions, which are not templates).
fn placeholder_tree(y: &mut Y, account: &str) {
    match y {
        Y::Str(s) if s.contains(account) => *s = with_account_placeholder(s, account),
        Y::Seq(v) => v.iter_mut().for_each(|x| placeholder_tree(x, account)),
        Y::Map(m) => {
            for (k, v) in m.iter_mut() {
                if !matches!(
                    k.as_str(),
                    "Sid" | "Effect" | "Version" | "Id" | "Action" | "NotAction" | "module"
                ) {
                    placeholder_tree(v, account);
                }
            }
        }
        _ => {}
    }
}

/// Imports an account dump into one spec per module.
pub fn import(inputs: &[PathBuf], options: &AccountOptions) -> Result<Account, super::InputError> {
    let iam_json::Parsed {
        mut files,
        roles,
        policies,
        role_lists,
    } = iam_json::parse(inputs, Level::Note)?;
    if !role_lists && !roles.is_empty() {
        // RoleDetail has no Description and no MaxSessionDuration: without list-roles the
        // specs would reset them to none and 1 hour when the module is applied.
        return Err(super::InputError::new(
            inputs.first().map_or(Path::new("-"), PathBuf::as_path),
            "the account dump does not carry role descriptions and maximum session durations (RoleDetail has neither); give `aws iam list-roles` output as well: `rolegen import --from account dump.json roles.json -o DIR`",
        ));
    }
    // The account's own id: from the role and customer managed policy ARNs.
    let mut accounts: Vec<&str> = roles
        .values()
        .filter_map(|r| r.arn.as_deref().and_then(arn_account))
        .chain(
            policies
                .values()
                .filter(|p| !aws_managed(&p.arn))
                .filter_map(|p| arn_account(&p.arn)),
        )
        .collect();
    accounts.sort_unstable();
    accounts.dedup();
    if accounts.len() > 1 {
        return Err(super::InputError::new(
            inputs.first().map_or(Path::new("-"), PathBuf::as_path),
            format!(
                "the dump holds roles or policies of more than one account ({}); import each account's dump on its own",
                accounts.join(", ")
            ),
        ));
    }
    let account = accounts.first().map(|a| (*a).to_owned());
    // Roles into groups.
    let mut groups: BTreeMap<String, IndexMap<String, RoleIn>> = BTreeMap::new();
    let mut key_to_module: BTreeMap<String, String> = BTreeMap::new();
    let mut module_of_role: IndexMap<String, String> = IndexMap::new();
    let assign = |key: String, key_to_module: &mut BTreeMap<String, String>| -> String {
        if let Some(m) = key_to_module.get(&key) {
            return m.clone();
        }
        let base = module_name(&key);
        let mut m = base.clone();
        let mut n = 2;
        while key_to_module.values().any(|x| *x == m) {
            m = format!("{base}-{n}");
            n += 1;
        }
        key_to_module.insert(key, m.clone());
        m
    };
    // Group keys in sorted order so that module names (and their `-2` suffixes) do not
    // depend on the dump's order.
    let mut keys: Vec<String> = roles
        .values()
        .map(|r| {
            group_key(
                &options.group_by,
                r.path.as_deref().unwrap_or("/"),
                &r.name,
                &r.tags,
            )
        })
        .collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        assign(k, &mut key_to_module);
    }
    for (name, r) in roles {
        let path = r.path.clone().unwrap_or_else(|| "/".to_owned());
        if path.starts_with("/aws-service-role/") {
            files.push(
                Level::Note,
                &r.at,
                format!("`{name}` is a service-linked role: AWS creates and changes it for the service; left out"),
            );
            continue;
        }
        if excluded(&options.exclude, &path, &name) {
            files.push(
                Level::Note,
                &r.at,
                format!("role `{name}` ({path}) is excluded by --exclude; left out"),
            );
            continue;
        }
        let key = group_key(&options.group_by, &path, &name, &r.tags);
        let module = assign(key, &mut key_to_module);
        module_of_role.insert(name.clone(), module.clone());
        groups.entry(module).or_default().insert(name, r);
    }
    // Customer managed policies: each lives in one module.
    let mut owner: IndexMap<String, String> = IndexMap::new();
    for p in policies.values().filter(|p| !aws_managed(&p.arn)) {
        let path = p.path.clone().unwrap_or_else(|| "/".to_owned());
        if excluded(&options.exclude, &path, &p.name) {
            files.push(
                Level::Note,
                &p.at,
                format!("policy `{}` ({path}) is excluded by --exclude; left out (roles that attach it do so by ARN)", p.name),
            );
            continue;
        }
        let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
        for (m, rs) in &groups {
            let n = rs
                .values()
                .map(|r| {
                    r.attached.iter().filter(|(a, _)| *a == p.arn).count()
                        + usize::from(r.boundary.as_deref() == Some(p.arn.as_str()))
                })
                .sum::<usize>();
            if n > 0 {
                uses.insert(m, n);
            }
        }
        let best = uses.values().copied().max().unwrap_or(0);
        let module = match uses.iter().find(|(_, n)| **n == best && best > 0) {
            Some((m, _)) => (*m).to_owned(),
            None => {
                let key = group_key(&options.group_by, &path, &p.name, &[]);
                assign(key, &mut key_to_module)
            }
        };
        owner.insert(p.arn.clone(), module);
    }
    let by_arn: IndexMap<&str, &PolicyIn> =
        policies.values().map(|p| (p.arn.as_str(), p)).collect();
    let mut module_names: Vec<String> = groups.keys().cloned().collect();
    for m in owner.values() {
        if !module_names.contains(m) {
            module_names.push(m.clone());
        }
    }
    module_names.sort();
    let mut out = Vec::new();
    let empty = IndexMap::new();
    let names: Vec<String> = files
        .files
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    for module in &module_names {
        let rs = groups.get(module).unwrap_or(&empty);
        // Policies attached here that live elsewhere (or nowhere: excluded).
        let mut foreign: IndexMap<String, String> = IndexMap::new();
        for r in rs.values() {
            for (arn, w) in &r.attached {
                if aws_managed(arn) || foreign.contains_key(arn) {
                    continue;
                }
                let lives = owner.get(arn);
                if lives == Some(module) {
                    continue;
                }
                let spelled = super::spec_literal(arn);
                let why = match lives {
                    Some(m) => format!("it lives in module `{m}` (apply that module first)"),
                    None if by_arn.contains_key(arn.as_str()) => {
                        "it is excluded by --exclude".to_owned()
                    }
                    None => "the dump does not hold it".to_owned(),
                };
                files.push(
                    Level::Note,
                    w,
                    format!(
                        "module `{module}`: role `{}` attaches customer managed policy `{arn}` by ARN: {why}",
                        r.name
                    ),
                );
                foreign.insert(arn.clone(), spelled);
            }
        }
        let owned = owner
            .iter()
            .filter(|(_, m)| *m == module)
            .filter_map(|(a, _)| by_arn.get(a.as_str()).copied());
        let n_policies = owner.values().filter(|m| *m == module).count();
        let (mut tree, _) = iam_json::emit(
            &mut files,
            rs,
            owned,
            module,
            &EmitOptions {
                foreign: Some(&foreign),
            },
        );
        if let Some(a) = &account {
            placeholder_tree(&mut tree, a);
        }
        if let Y::Map(m) = &mut tree {
            m.insert(1, ("adopt".to_owned(), Y::Bool(true)));
        }
        let header = vec![format!(
            "Imported by `rolegen import --from account` from {}: module `{module}` of the account (adopt: true emits the Terraform import blocks and CloudFormation import files that adopt the existing resources).",
            names.join(", ")
        )];
        out.push(ModuleSpec {
            module: module.clone(),
            spec: super::yaml::spec_text(&tree, &header),
            roles: rs.len(),
            policies: n_policies,
        });
    }
    Ok(Account {
        modules: out,
        issues: files.issues,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_placeholders() {
        assert_eq!(module_name("/team/app/"), "team-app");
        assert_eq!(module_name("/"), "root");
        assert_eq!(module_name("/1x/"), "m-1x");
        assert_eq!(
            with_account_placeholder("arn:aws:iam::123456789012:root", "123456789012"),
            "arn:aws:iam::${AWS::AccountId}:root"
        );
        assert_eq!(
            with_account_placeholder("1123456789012", "123456789012"),
            "1123456789012"
        );
        assert!(excluded(&["/legacy/*".into()], "/legacy/x/", "r"));
        assert!(excluded(&["old-*".into()], "/", "OLD-app"));
        assert!(!excluded(&["old-*".into()], "/", "app"));
        assert_eq!(
            "tag:team".parse::<GroupBy>(),
            Ok(GroupBy::Tag("team".into()))
        );
        assert!("tag:".parse::<GroupBy>().is_err());
        assert_eq!(
            arn_account("arn:aws:iam::123456789012:policy/p"),
            Some("123456789012")
        );
        assert_eq!(arn_account("arn:aws:iam::aws:policy/p"), None);
    }
}
