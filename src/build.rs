//! The pipeline over a set of specs: load, lower, validate, emit; nothing is written here.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::emit::{emit_module, OutputFile};
use crate::model::Module;
use crate::rules;
use crate::spec::load::load_file;
use std::path::{Path, PathBuf};

/// A compiled module and its files (manifest included).
pub struct Compiled {
    /// The model.
    pub module: Module,
    /// Files to write under `<out>/<module>/`.
    pub files: Vec<OutputFile>,
}

/// The result of compiling specs: modules (only if no error) and every diagnostic.
pub struct Outcome {
    /// Compiled modules, in spec order; empty if any spec had an error.
    pub modules: Vec<Compiled>,
    /// Every diagnostic, sorted.
    pub diagnostics: Diagnostics,
}

/// The spec files of a folder: `*.yaml` and `*.yml`, sorted by name.
pub fn discover(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
        })
        .collect();
    v.sort();
    Ok(v)
}

/// Loads, lowers and validates one spec.
pub fn check_spec(path: &Path) -> (Option<Module>, Vec<Diagnostic>) {
    let (m, d, _) = check_and_emit(path, false);
    (m, d)
}

/// Loads, lowers and validates one spec; with `emit`, also emits its files, in parallel with
/// validation (the files are dropped if validation finds an error).
fn check_and_emit(
    path: &Path,
    emit: bool,
) -> (Option<Module>, Vec<Diagnostic>, Option<Vec<OutputFile>>) {
    let loaded = match load_file(path) {
        Ok(l) => l,
        Err(d) => return (None, d, None),
    };
    let m = match crate::lower::lower(&loaded) {
        Err(d) => return (None, d, None),
        Ok(m) => m,
    };
    let (mut d, files) = std::thread::scope(|s| {
        // The spec is no longer needed: free it off the critical path.
        s.spawn(move || drop(loaded));
        if emit {
            let validation = s.spawn(|| crate::validate::validate(&m));
            let files = emit_module(&m);
            let d = match validation.join() {
                Ok(d) => d,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            (d, Some(files))
        } else {
            (crate::validate::validate(&m), None)
        }
    });
    if d.iter().any(Diagnostic::is_error) {
        return (None, d, None);
    }
    d.shrink_to_fit();
    (Some(m), d, files)
}

/// Compiles every spec; `emit` false stops after validation (`rolegen lint`).
pub fn compile(paths: &[PathBuf], emit: bool, deny_warnings: bool) -> Outcome {
    let mut diagnostics = Diagnostics::default();
    let mut modules: Vec<Module> = Vec::new();
    let mut emitted: Vec<Vec<OutputFile>> = Vec::new();
    for p in paths {
        let (m, d, files) = check_and_emit(p, emit);
        d.into_iter().for_each(|x| diagnostics.push(x));
        if let Some(m) = m {
            emitted.extend(files);
            if let Some(first) = modules.iter().find(|x| x.name == m.name) {
                let msg = format!(
                    "module `{}` is declared by {} and {}",
                    m.name,
                    first.source.path.display(),
                    p.display()
                );
                let at = m
                    .source
                    .locate(&crate::spec::source::YamlPath::root().key("module"));
                diagnostics.push(
                    Diagnostic::new(&rules::MODULE_NAME, msg)
                        .help("give each spec its own module name")
                        .at(Some(at)),
                );
            }
            modules.push(m);
        }
    }
    if deny_warnings {
        diagnostics.deny_warnings();
    }
    diagnostics.sort();
    if diagnostics.has_errors() || !emit {
        return Outcome {
            modules: if diagnostics.has_errors() {
                Vec::new()
            } else {
                modules
                    .into_iter()
                    .map(|m| Compiled {
                        module: m,
                        files: Vec::new(),
                    })
                    .collect()
            },
            diagnostics,
        };
    }
    let modules = modules
        .into_iter()
        .zip(emitted)
        .map(|(m, files)| Compiled {
            module: m,
            files: crate::out::with_manifest(files),
        })
        .collect();
    Outcome {
        modules,
        diagnostics,
    }
}
