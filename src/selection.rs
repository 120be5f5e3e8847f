//! Rule selection: which findings a run reports. `--select`/`--ignore` on `build` and `lint`,
//! and `[rules]` in `rolegen.toml` (see [`crate::config`]).
//!
//! - Only rules that `allow:` accepts can be ignored or left out: a finding that means the
//!   output would be wrong or rejected by AWS (a rule that cannot be allowed, such as RG001
//!   or RG104) is always reported, whatever is selected. `--select RG301` on a spec that does
//!   not compile still fails with the compile errors.
//! - `select` limits the other findings to the rules it names; `ignore` then takes rules away.
//! - Left-out findings are dropped where `allow:` drops them (validation): they are neither
//!   printed nor counted, do not fail `--deny warnings`, and a left-out allowable error (RG114,
//!   RG310, ...) no longer stops the build. The generated files never depend on it.
//! - The command line adds to the project file: `--ignore` codes join `[rules.ignore]`, and a
//!   `--select` replaces the file's `select` (reporting more is never a risk).

use crate::rules::{self, Rule};

/// Which rules' findings are reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// When set, the only rules (among those that can be allowed) whose findings are reported.
    pub select: Option<Vec<&'static Rule>>,
    /// Rules whose findings are not reported (each one that `allow:` accepts).
    pub ignore: Vec<&'static Rule>,
}

impl Selection {
    /// Every finding is reported.
    pub fn all() -> Selection {
        Selection::default()
    }

    /// What the project's `rolegen.toml` selects (every rule when it has no `[rules]`).
    pub fn project() -> Selection {
        crate::config::project().rules.selection()
    }

    /// Whether a finding of `rule` is reported.
    pub fn keeps(&self, rule: &Rule) -> bool {
        if !rule.suppressible {
            return true;
        }
        if self.ignore.iter().any(|r| r.code == rule.code) {
            return false;
        }
        match &self.select {
            Some(s) => s.iter().any(|r| r.code == rule.code),
            None => true,
        }
    }

    /// This selection with the command line's: its `select` (if any) replaces this one's,
    /// its `ignore` codes are added.
    pub fn with(&self, select: &[&'static Rule], ignore: &[&'static Rule]) -> Selection {
        let mut out = self.clone();
        if !select.is_empty() {
            out.select = Some(select.to_vec());
        }
        for r in ignore {
            if !out.ignore.iter().any(|x| x.code == r.code) {
                out.ignore.push(r);
            }
        }
        out
    }
}

/// Why a rule code or name given to select or ignore was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RuleNameError {
    /// No rule has that code or name (`suggestion`: the closest code or name, if any).
    #[error("`{name}` is not a rule code or name{}; `rolegen explain --list` lists them", did_you_mean(*.suggestion))]
    Unknown {
        /// The code or name as given (trimmed).
        name: String,
        /// The closest code or name.
        suggestion: Option<&'static str>,
    },
    /// The rule exists but `allow:` does not accept it, so it cannot be ignored.
    #[error("{} ({}) cannot be ignored: its findings mean the output would be wrong or rejected by AWS; fix them instead (only rules that `allow:` accepts can be ignored, `rolegen explain {}`)", .0.code, .0.name, .0.code)]
    NotIgnorable(&'static Rule),
}

/// ` (did you mean `x`?)`, or nothing.
fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// The rule a code (`RG113`) or name (`resource-star`) names, as `rolegen explain` takes
/// them; the error says what is wrong with a did-you-mean.
pub(crate) fn rule_named(s: &str) -> Result<&'static Rule, RuleNameError> {
    let s = s.trim();
    rules::by_code(s)
        .or_else(|| rules::by_name(s))
        .ok_or_else(|| RuleNameError::Unknown {
            name: s.to_owned(),
            suggestion: crate::suggest::closest(
                s,
                rules::ALL.iter().flat_map(|r| [r.code, r.name]),
            ),
        })
}

/// Like [`rule_named`], for a rule to ignore: it must be one that `allow:` accepts.
pub(crate) fn ignorable(s: &str) -> Result<&'static Rule, RuleNameError> {
    let rule = rule_named(s)?;
    if rule.suppressible {
        Ok(rule)
    } else {
        Err(RuleNameError::NotIgnorable(rule))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_codes_and_refusals() {
        assert_eq!(rule_named("rg113").unwrap().code, "RG113");
        assert_eq!(rule_named("resource_star").unwrap().code, "RG113");
        let e = rule_named("RG999").unwrap_err().to_string();
        assert!(e.contains("not a rule code or name"), "{e}");
        let e = rule_named("resource-stra").unwrap_err().to_string();
        assert!(e.contains("did you mean `resource-star`"), "{e}");
        assert_eq!(ignorable("RG309").unwrap().code, "RG309");
        let e = ignorable("RG104").unwrap_err().to_string();
        assert!(e.contains("RG104 (malformed-arn) cannot be ignored"), "{e}");
    }

    #[test]
    fn select_and_ignore_leave_unallowable_rules_alone() {
        let star = rule_named("RG113").unwrap();
        let pass_role = rule_named("RG301").unwrap();
        let arn = rule_named("RG104").unwrap();
        let all = Selection::all();
        assert!(all.keeps(star) && all.keeps(arn));
        let only = all.with(&[pass_role], &[]);
        assert!(only.keeps(pass_role) && !only.keeps(star));
        // Never left out: the output would be wrong.
        assert!(only.keeps(arn));
        let ignored = only.with(&[], &[pass_role]);
        assert!(!ignored.keeps(pass_role) && ignored.keeps(arn));
        // A command-line select replaces the file's, ignores add up.
        let file = Selection {
            select: Some(vec![star]),
            ignore: vec![pass_role],
        };
        let cli = file.with(&[pass_role, star], &[star]);
        assert_eq!(cli.select, Some(vec![pass_role, star]));
        assert_eq!(cli.ignore, vec![pass_role, star]);
        assert!(!cli.keeps(star) && !cli.keeps(pass_role));
    }
}
