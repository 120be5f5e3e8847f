//! The project file `rolegen.toml`, at the repository root: settings a team keeps with its
//! specs, typed and checked like a spec.
//!
//! ```toml
//! [catalog]
//! # Actions AWS announced after rolegen's catalogue snapshot (`rolegen --version`).
//! extra_actions = ["bedrock:InvokeNewThing"]
//! ```
//!
//! The file is found by walking up from the current directory to the first folder that holds
//! it, stopping at the repository root (a folder with `.git`). No file means the defaults.
//! Unknown tables and keys are errors (a misspelt `[catalgo]` would otherwise be ignored);
//! sections for other settings (such as `[rules]`) are added to [`Config`] as fields.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Deserialize;

/// The file name looked for.
pub const FILE_NAME: &str = "rolegen.toml";

/// The whole file.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[catalog]`: additions to the embedded IAM action catalogue.
    #[serde(default)]
    pub catalog: CatalogConfig,
}

/// The `[catalog]` table.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogConfig {
    /// Actions to treat as known although the catalogue lacks them (`service:Action`,
    /// literal, no wildcards); their service prefix becomes known too.
    #[serde(default)]
    pub extra_actions: Vec<String>,
}

/// A `rolegen.toml` that cannot be used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line and column, when known.
    pub line_col: Option<(usize, usize)>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line_col {
            Some((l, c)) => write!(f, "{}:{l}:{c}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl Config {
    /// Parses the text of a `rolegen.toml` (`path` only names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let at = |span: Option<std::ops::Range<usize>>| {
            span.map(|s| {
                let before = &text[..s.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                (line, col)
            })
        };
        let config: Config = toml::from_str(text).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line_col: at(e.span()),
            message: e.message().trim().to_string(),
        })?;
        for action in &config.catalog.extra_actions {
            let problem = crate::validate::action_problem(action).or_else(|| {
                action
                    .contains(['*', '?'])
                    .then(|| "has a wildcard; name one action".to_string())
            });
            if let Some(problem) = problem {
                let needle = format!("\"{action}\"");
                let span = text.find(&needle).map(|i| i..i + needle.len());
                return Err(ConfigError {
                    path: path.to_path_buf(),
                    line_col: at(span),
                    message: format!(
                        "[catalog] extra_actions: `{action}` {problem}; write `service:ActionName`, e.g. `bedrock:InvokeModel`"
                    ),
                });
            }
        }
        Ok(config)
    }

    /// Reads the `rolegen.toml` that applies to `dir` (see the module docs); the defaults
    /// when there is none.
    pub fn discover(dir: &Path) -> Result<Config, ConfigError> {
        let Some(path) = find(dir) else {
            return Ok(Config::default());
        };
        let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
            path: path.clone(),
            line_col: None,
            message: format!("cannot read: {e}"),
        })?;
        Config::parse(&text, &path)
    }

    /// Whether `service:Action` (literal, any ASCII case) is one of the extra actions.
    pub fn is_extra_action(&self, action: &str) -> bool {
        self.catalog
            .extra_actions
            .iter()
            .any(|a| a.eq_ignore_ascii_case(action))
    }

    /// Whether an action pattern (`bedrock:New*`) matches one of the extra actions.
    pub fn matches_extra_action(&self, pattern: &str) -> bool {
        self.catalog
            .extra_actions
            .iter()
            .any(|a| crate::wildcard::matches(pattern, a))
    }

    /// Whether `prefix` is the service of one of the extra actions.
    pub fn is_extra_service(&self, prefix: &str) -> bool {
        self.catalog.extra_actions.iter().any(|a| {
            a.split_once(':')
                .is_some_and(|(svc, _)| svc.eq_ignore_ascii_case(prefix))
        })
    }
}

/// The `rolegen.toml` for `dir`: the first found walking up, not above a `.git` folder.
fn find(dir: &Path) -> Option<PathBuf> {
    let dir = std::path::absolute(dir).ok()?;
    for d in dir.ancestors() {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if d.join(".git").exists() {
            return None;
        }
    }
    None
}

static PROJECT: OnceLock<Config> = OnceLock::new();

/// Loads the project's `rolegen.toml` (from the current directory) for this process; the
/// CLI calls it first so that a broken file is reported before anything runs.
pub fn init() -> Result<&'static Config, ConfigError> {
    if let Some(c) = PROJECT.get() {
        return Ok(c);
    }
    let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let config = Config::discover(&dir)?;
    Ok(PROJECT.get_or_init(|| config))
}

/// The project's configuration: what [`init`] loaded, or the defaults when it was not
/// called or failed (library use).
pub fn project() -> &'static Config {
    match init() {
        Ok(c) => c,
        Err(_) => PROJECT.get_or_init(Config::default),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("rolegen.toml"))
    }

    #[test]
    fn extra_actions_parse_and_match() {
        let c = parse("[catalog]\nextra_actions = [\"bedrock:NewThing\"]\n").unwrap();
        assert!(c.is_extra_action("Bedrock:newthing"));
        assert!(c.matches_extra_action("bedrock:New*"));
        assert!(!c.matches_extra_action("bedrock:Old*"));
        assert!(c.is_extra_service("bedrock"));
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn errors_carry_line_and_column() {
        let e = parse("[catalgo]\nextra_actions = []\n").unwrap_err();
        assert_eq!(e.line_col.map(|(l, _)| l), Some(1), "{e}");
        assert!(e.message.contains("catalgo"), "{e}");
        let e = parse("[catalog]\nextra_actions = [\n  \"s3:Get*\",\n]\n").unwrap_err();
        assert_eq!(e.line_col, Some((3, 3)), "{e}");
        assert!(e.to_string().contains("wildcard"), "{e}");
        let e = parse("[catalog]\nextra_actions = [\"s3 GetObject\"]\n").unwrap_err();
        assert!(e.message.contains("service:"), "{e}");
    }
}
