//! The project file `rolegen.toml`, at the repository root: settings a team keeps with its
//! specs, typed and checked like a spec.
//!
//! ```toml
//! [catalog]
//! # Actions AWS announced after rolegen's catalogue snapshot (`rolegen --version`).
//! extra_actions = ["bedrock:InvokeNewThing"]
//!
//! [rules]
//! # Report only these rules (codes or names, as `rolegen explain` takes them), with why.
//! select = ["RG301", "privilege-escalation"]
//! select_reason = "this repository runs the security lints; the platform team reviews the rest"
//!
//! [rules.ignore]
//! # Rules never reported for this repository's specs, each with the reason (as `allow:`).
//! RG113 = "sandbox accounts: Resource * is reviewed per module"
//! ```
//!
//! `[rules]` follows [`crate::selection`]: only rules that `allow:` accepts can be ignored or
//! left out, and every entry needs its reason, so the file records each suppression.
//!
//! The file is found by walking up from the current directory to the first folder that holds
//! it, stopping at the repository root (a folder with `.git`). No file means the defaults.
//! Unknown tables and keys are errors (a misspelt `[catalgo]` would otherwise be ignored);
//! sections for other settings (such as `[rules]`) are added to [`Config`] as fields.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::selection::Selection;
use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

/// The file name looked for.
pub(crate) const FILE_NAME: &str = "rolegen.toml";

/// The whole file.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[catalog]`: additions to the embedded IAM action catalogue.
    #[serde(default)]
    pub catalog: CatalogConfig,
    /// `[rules]`: which rules' findings are reported.
    #[serde(default)]
    pub rules: RulesConfig,
}

/// The `[rules]` table (checked by [`Config::parse`]: every code known, every reason given).
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Report only these rules (codes or names); rules that cannot be allowed always are.
    #[serde(default)]
    pub select: Option<Vec<Spanned<String>>>,
    /// Why only `select` is reported (required with it).
    #[serde(default)]
    pub select_reason: Option<Spanned<String>>,
    /// `[rules.ignore]`: rule (code or name) = the reason it is not reported.
    #[serde(default)]
    pub ignore: IndexMap<Spanned<String>, Spanned<String>>,
}

impl RulesConfig {
    /// The selection the table makes (its entries were checked when the file was parsed).
    pub fn selection(&self) -> Selection {
        let named = |s: &Spanned<String>| crate::selection::rule_named(s.get_ref()).ok();
        Selection {
            select: self
                .select
                .as_ref()
                .map(|v| v.iter().filter_map(named).collect()),
            ignore: self.ignore.keys().filter_map(named).collect(),
        }
    }

    /// The first thing wrong with the table: where (a byte range of the file) and what.
    fn problem(&self) -> Option<(std::ops::Range<usize>, String)> {
        let blank = |s: &Spanned<String>| s.get_ref().trim().is_empty();
        for (code, reason) in &self.ignore {
            if let Err(e) = crate::selection::ignorable(code.get_ref()) {
                return Some((code.span(), format!("[rules.ignore]: {e}")));
            }
            if blank(reason) {
                return Some((reason.span(), format!("[rules.ignore]: `{}` has an empty reason; say why its findings are not reported", code.get_ref())));
            }
        }
        if let Some(select) = &self.select {
            for code in select {
                if let Err(e) = crate::selection::rule_named(code.get_ref()) {
                    return Some((code.span(), format!("[rules] select: {e}")));
                }
            }
            match &self.select_reason {
                None => {
                    let span = select.first().map_or(0..0, Spanned::span);
                    return Some((span, "[rules] select leaves every other rule out, so it needs `select_reason = \"...\"` saying why".into()));
                }
                Some(r) if blank(r) => {
                    return Some((r.span(), "[rules] select_reason is empty; say why only the selected rules are reported".into()));
                }
                Some(_) => {}
            }
        } else if let Some(r) = &self.select_reason {
            return Some((
                r.span(),
                "[rules] select_reason without `select`: add `select = [...]` or remove it".into(),
            ));
        }
        None
    }
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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", .path.display(), at(*.line_col))]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line and column, when known.
    pub line_col: Option<(usize, usize)>,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// `:line:col`, or nothing.
fn at(line_col: Option<(usize, usize)>) -> String {
    line_col.map_or_else(String::new, |(l, c)| format!(":{l}:{c}"))
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
        if let Some((span, message)) = config.rules.problem() {
            return Err(ConfigError {
                path: path.to_path_buf(),
                line_col: at(Some(span)),
                message,
            });
        }
        for action in &config.catalog.extra_actions {
            let problem = crate::catalog::action_problem(action).or_else(|| {
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
    pub(crate) fn matches_extra_action(&self, pattern: &str) -> bool {
        self.catalog
            .extra_actions
            .iter()
            .any(|a| crate::wildcard::matches(pattern, a))
    }

    /// Whether `prefix` is the service of one of the extra actions.
    pub(crate) fn is_extra_service(&self, prefix: &str) -> bool {
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
    fn rules_select_and_ignore_with_reasons() {
        let c = parse(
            "[rules]\nselect = [\"RG301\", \"privilege-escalation\"]\nselect_reason = \"security only\"\n\n[rules.ignore]\nRG113 = \"sandbox\"\nwildcard-action = \"reviewed\"\n",
        )
        .unwrap();
        let s = c.rules.selection();
        let codes = |v: &[&crate::rules::Rule]| v.iter().map(|r| r.code).collect::<Vec<_>>();
        assert_eq!(codes(s.select.as_deref().unwrap()), ["RG301", "RG302"]);
        assert_eq!(codes(&s.ignore), ["RG113", "RG309"]);
        assert_eq!(parse("").unwrap().rules.selection(), Selection::all());
    }

    #[test]
    fn rules_refusals_say_where_and_why() {
        for (text, at, want) in [
            (
                "[rules.ignore]\nRG999 = \"x\"\n",
                (2, 1),
                "not a rule code or name",
            ),
            (
                "[rules.ignore]\nresource-stra = \"x\"\n",
                (2, 1),
                "did you mean `resource-star`",
            ),
            (
                "[rules.ignore]\nRG104 = \"x\"\n",
                (2, 1),
                "RG104 (malformed-arn) cannot be ignored",
            ),
            ("[rules.ignore]\nRG113 = \"  \"\n", (2, 9), "empty reason"),
            ("[rules.ignore]\nRG113 = []\n", (2, 9), "invalid type"),
            (
                "[rules]\nselect = [\"RG301\"]\n",
                (2, 11),
                "needs `select_reason",
            ),
            (
                "[rules]\nselect = [\"RG31\"]\nselect_reason = \"x\"\n",
                (2, 11),
                "not a rule code",
            ),
            (
                "[rules]\nselect_reason = \"x\"\n",
                (2, 17),
                "without `select`",
            ),
            ("[rules]\nignore = [\"RG113\"]\n", (2, 10), "invalid type"),
            ("[rules]\nskip = [\"RG113\"]\n", (2, 1), "unknown field"),
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.line_col, Some(at), "{text}: {e}");
            assert!(e.message.contains(want), "{text}: {e}");
        }
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
