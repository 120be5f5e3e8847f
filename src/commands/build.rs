//! `rolegen build`: compile specs and write their modules atomically under `--out`.

use super::{compile_reported, left_out, module_files, release};
use crate::cli::{Inputs, Report, FAILED, INPUT_ERROR, OK};
use crate::diagnostics::plural;
use crate::{out, rules};
use codespan_reporting::term::termcolor::WriteColor;
use std::path::Path;
use std::time::Instant;

/// Runs `rolegen build`; returns the exit code.
pub fn run(inputs: &Inputs, out_dir: &Path, rep: &Report, err: &mut dyn WriteColor) -> u8 {
    let start = Instant::now();
    let Some((_, outcome)) = compile_reported(inputs, rep, true, err) else {
        return INPUT_ERROR;
    };
    if outcome.diagnostics.has_errors() {
        let (e, w) = outcome.diagnostics.counts();
        let _ = writeln!(
            err,
            "error: {}, {}{}; nothing was written",
            plural(e, "error", "errors"),
            plural(w, "warning", "warnings"),
            left_out(&outcome)
        );
        return if rep.deny.is_some()
            && !outcome
                .diagnostics
                .0
                .iter()
                .any(|d| d.rule.severity == rules::Severity::Error)
        {
            FAILED
        } else {
            INPUT_ERROR
        };
    }
    let modules = module_files(&outcome);
    // Every spec of the folder was compiled: module folders none of them generates are stale.
    let mut warnings = Vec::new();
    let written = out::write_modules(out_dir, &modules, inputs.files.is_empty(), &mut warnings);
    for w in warnings {
        let _ = writeln!(err, "warning: {w}");
    }
    let unchanged = match written {
        Ok(written) => {
            for (dir, kept) in written.removed {
                let _ = match kept {
                    0 => writeln!(err, "removed {} (its spec is gone)", dir.display()),
                    n => writeln!(
                        err,
                        "removed the generated files of {} (its spec is gone); kept {n} file(s) rolegen did not write",
                        dir.display()
                    ),
                };
            }
            written.unchanged
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return INPUT_ERROR;
        }
    };
    let roles: usize = outcome.modules.iter().map(|c| c.module.roles.len()).sum();
    let policies: usize = outcome
        .modules
        .iter()
        .map(|c| {
            c.module
                .roles
                .values()
                .map(|r| r.inline.len())
                .sum::<usize>()
                + c.module.policies.len()
        })
        .sum();
    let _ = writeln!(
        err,
        "built {}{}, {}, {} into {} in {} ms{}",
        plural(outcome.modules.len(), "module", "modules"),
        match unchanged {
            0 => String::new(),
            n if n == outcome.modules.len() => " (all already up to date)".to_owned(),
            n => format!(" ({n} already up to date)"),
        },
        plural(roles, "role", "roles"),
        plural(policies, "policy", "policies"),
        out_dir.display(),
        start.elapsed().as_millis(),
        left_out(&outcome)
    );
    release(outcome);
    OK
}
