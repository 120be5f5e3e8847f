//! The pipeline over a set of specs: load, lower, validate, emit; nothing is written here.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::emit::cloudformation::CloudFormation;
use crate::emit::readme::Readme;
use crate::emit::terraform::Terraform;
use crate::emit::{combine, Backend, OutputFile};
use crate::jobs::{run_jobs, Job};
use crate::model::Module;
use crate::rules;
use crate::selection::Selection;
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
    /// How many findings the rule selection left out (`--select`, `--ignore`, `[rules]` of
    /// rolegen.toml; `allow:` in a spec is not counted).
    pub left_out: usize,
}

/// The spec files of a folder: `*.yaml` and `*.yml`, sorted by name. Hidden files
/// (`.name.yaml`, macOS's `._name.yaml` resource forks, editors' backups) are not specs; a
/// hidden file named on the command line still is.
pub fn discover(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .filter(|p| {
            p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
        })
        .collect();
    v.sort();
    Ok(v)
}

/// `paths` without repeats, in first-seen order: a file named twice (`a.yaml a.yaml`,
/// `a.yaml ./a.yaml`, a symlink and its target) is one spec, not two declaring the same
/// module (RG008). Files are compared by canonical path; a path that cannot be resolved
/// (a missing file) is compared as written, so its error is still reported, once. `-`
/// (standard input) is kept once.
pub(crate) fn unique_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut seen = std::collections::HashSet::new();
    paths
        .into_iter()
        .filter(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())))
        .collect()
}

/// Loads, lowers and validates one spec (reporting what the project's `rolegen.toml` selects).
pub fn check_spec(path: &Path) -> (Option<Module>, Vec<Diagnostic>) {
    let (m, d, _, _) = check_and_emit(path, false, &Selection::project());
    (m, d)
}

/// Loads, lowers and validates one spec; with `emit`, also emits its files, in parallel with
/// validation (the files are dropped if validation finds an error). Validation findings that
/// `selection` leaves out are dropped, as `allow:` drops them, and counted (the last value).
fn check_and_emit(
    path: &Path,
    emit: bool,
    selection: &Selection,
) -> (
    Option<Module>,
    Vec<Diagnostic>,
    Option<Vec<OutputFile>>,
    usize,
) {
    let timer = Timings::start();
    let loaded = match load_file(path) {
        Ok(l) => l,
        Err(d) => return (None, d, None, 0),
    };
    timer.mark("load");
    let m = match crate::lower::lower(&loaded) {
        Err(d) => return (None, d, None, 0),
        Ok(m) => m,
    };
    timer.mark("lower");
    // Validation (usually the longest) and the backends run side by side. The spec, no longer
    // needed, is freed first, beside validation: the outputs are then built in the memory it
    // gave back, which keeps the peak down (about a third of it at 10,000 roles).
    let mut d = Vec::new();
    let mut left_out = 0;
    let (mut tf, mut cfn, mut readme) = (Vec::new(), Vec::new(), Vec::new());
    let mut jobs: Vec<Job> = vec![
        Box::new(move || drop(loaded)),
        Box::new(|| {
            d = crate::validate::validate(&m);
            let found = d.len();
            d.retain(|x| selection.keeps(x.rule));
            left_out = found - d.len();
            timer.mark("validate");
        }),
    ];
    if emit {
        jobs.push(Box::new(|| {
            tf = Terraform.emit(&m);
            timer.mark("emit Terraform");
        }));
        jobs.push(Box::new(|| {
            cfn = CloudFormation.emit(&m);
            timer.mark("emit CloudFormation");
        }));
        jobs.push(Box::new(|| {
            readme = Readme.emit(&m);
            timer.mark("emit README");
        }));
    }
    run_jobs(jobs);
    let files = emit.then(|| combine(vec![tf, cfn, readme, crate::emit::adopt::Adopt.emit(&m)]));
    if d.iter().any(Diagnostic::is_error) {
        return (None, d, None, left_out);
    }
    d.shrink_to_fit();
    (Some(m), d, files, left_out)
}

/// With `ROLEGEN_TIMINGS` set, prints when each stage ends (ms since the spec's load began)
/// to stderr: what the critical path is made of. Off, it costs nothing.
struct Timings(Option<std::time::Instant>);

impl Timings {
    fn start() -> Self {
        Timings(std::env::var_os("ROLEGEN_TIMINGS").map(|_| std::time::Instant::now()))
    }

    fn mark(&self, stage: &str) {
        if let Some(t) = self.0 {
            // Resident memory now and at its peak so far, where the OS tells it (Linux).
            let rss = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    let mb = |key: &str| -> Option<u64> {
                        let l = s.lines().find(|l| l.starts_with(key))?;
                        let kb: u64 = l.split_whitespace().nth(1)?.parse().ok()?;
                        Some(kb / 1024)
                    };
                    Some(format!(
                        ", RSS {} MB (peak {} MB)",
                        mb("VmRSS:")?,
                        mb("VmHWM:")?
                    ))
                })
                .unwrap_or_default();
            eprintln!(
                "rolegen timings: {stage} done at {:.1} ms{rss}",
                t.elapsed().as_secs_f64() * 1e3
            );
        }
    }
}

/// What [`compile`] does beyond loading, lowering and validating.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct CompileOptions {
    /// Emit each module's files (`build`, `check`); off, compiling stops after validation
    /// (`lint`, `diff`, `resolve`).
    pub emit: bool,
    /// Warnings are errors (`--deny warnings`).
    pub deny_warnings: bool,
}

impl CompileOptions {
    /// Load, lower and validate only.
    pub const VALIDATE: CompileOptions = CompileOptions {
        emit: false,
        deny_warnings: false,
    };
    /// Validate and emit, warnings allowed.
    pub const EMIT: CompileOptions = CompileOptions {
        emit: true,
        deny_warnings: false,
    };
}

/// Compiles every spec as `options` say, reporting what the project's `rolegen.toml` selects
/// ([`Selection::project`]).
pub fn compile(paths: &[PathBuf], options: CompileOptions) -> Outcome {
    compile_selected(paths, options, &Selection::project())
}

/// [`compile`], reporting the findings `selection` keeps (`--select`/`--ignore`).
pub(crate) fn compile_selected(
    paths: &[PathBuf],
    options: CompileOptions,
    selection: &Selection,
) -> Outcome {
    let CompileOptions {
        emit,
        deny_warnings,
    } = options;
    let mut diagnostics = Diagnostics::default();
    let mut left_out = 0;
    let mut modules: Vec<Module> = Vec::new();
    let mut emitted: Vec<Vec<OutputFile>> = Vec::new();
    for p in paths {
        let (m, d, files, dropped) = check_and_emit(p, emit, selection);
        left_out += dropped;
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
                    .locate(&crate::source::YamlPath::root().key("module"));
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
            left_out,
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
        left_out,
    }
}
