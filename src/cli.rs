//! Command line: clap derive structs and the commands they run.

use crate::build::{compile, discover, Outcome};
use crate::diagnostics::{plural, render};
use crate::emit::OutputFile;
use crate::out::{self, Drift};
use crate::rules;
use clap::{Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream, WriteColor};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Instant;

/// Exit code: success.
pub const OK: u8 = 0;
/// Exit code: drift, or a lint that failed.
pub const FAILED: u8 = 1;
/// Exit code: usage or input error.
pub const INPUT_ERROR: u8 = 2;

/// What became of standard output so far: [`STDOUT_OK`], [`STDOUT_CLOSED`] or [`STDOUT_FAILED`].
static STDOUT_STATE: AtomicU8 = AtomicU8::new(STDOUT_OK);
const STDOUT_OK: u8 = 0;
/// The reader went away (a broken pipe): the rest of the output is dropped quietly.
const STDOUT_CLOSED: u8 = 1;
/// Writing failed otherwise (a full disk): reported once; the run exits [`INPUT_ERROR`].
const STDOUT_FAILED: u8 = 2;

/// Writes `bytes` to standard output and flushes them; every stdout write of rolegen goes
/// through here (`print!` panics when the write fails, which is exit 101).
///
/// A reader that went away (`rolegen schema | head -1`, a broken pipe) is not a failure of
/// rolegen's: the rest of the output is dropped silently and the exit code stays the
/// command's own verdict (0, or 1 for drift or a failed lint), as ripgrep does. The SIGPIPE
/// convention (141) is not used: rolegen's exit codes are 0, 1 and 2 only, and whether a
/// spec lints does not depend on whether its reader read to the end.
///
/// Any other failure (a full disk, a descriptor not open for writing) loses output the user
/// asked for: it is reported once, `error: cannot write to standard output: …`, later writes
/// are skipped, and the run exits 2 — returned here, and enforced by [`main`] for callers
/// that carry on.
pub fn write_stdout<W: Write + ?Sized>(bytes: &[u8], err: &mut W) -> Result<(), u8> {
    match STDOUT_STATE.load(Ordering::Relaxed) {
        STDOUT_CLOSED => return Ok(()),
        STDOUT_FAILED => return Err(INPUT_ERROR),
        _ => {}
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_STATE.store(STDOUT_CLOSED, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => {
            STDOUT_STATE.store(STDOUT_FAILED, Ordering::Relaxed);
            let _ = writeln!(err, "error: cannot write to standard output: {e}");
            Err(INPUT_ERROR)
        }
    }
}

/// Replaces a file the user named (`fmt`, `import -o --force`) through
/// [`out::replace_file`], keeping its owner and group.
///
/// `replace_file` renames a new file into place, a new inode owned by whoever runs rolegen:
/// run as root (a CI container, `sudo`), `fmt` turned a user's spec into a root-owned file
/// the user could no longer write. The original owner and group are put back afterwards.
/// Only root can give a file away: for anyone else a refusal is expected and ignored (the
/// file then belongs to them, as with any editor that saves by renaming).
pub(crate) fn replace_keeping_owner(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let before = std::fs::metadata(path)
        .ok()
        .filter(std::fs::Metadata::is_file);
    out::replace_file(path, bytes)?;
    #[cfg(unix)]
    if let (Some(before), Ok(now)) = (before, std::fs::metadata(path)) {
        use std::os::unix::fs::MetadataExt;
        if (now.uid(), now.gid()) != (before.uid(), before.gid()) {
            let chowned = std::os::unix::fs::chown(path, Some(before.uid()), Some(before.gid()))
                // chown clears set-user/group-id bits: the mode replace_file kept, again.
                .and_then(|()| std::fs::set_permissions(path, before.permissions()));
            if now.uid() == 0 {
                chowned?;
            }
        }
    }
    Ok(())
}

/// rolegen compiles YAML specs of AWS IAM roles into Terraform modules and CloudFormation
/// stacks, validated before anything is written.
#[derive(Parser, Debug)]
#[command(name = "rolegen", version = version(), about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// When to colour diagnostics (NO_COLOR is respected by `auto`).
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// `rolegen --version`: the crate version and the embedded data with its dates.
fn version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| {
        format!(
            "{}\n{}",
            env!("CARGO_PKG_VERSION"),
            crate::catalog::data_summary()
        )
    })
}

const EXAMPLES: &str = "Examples:
  rolegen build                         # every specs/*.yaml into modules-out/
  rolegen build specs/matillion.yaml    # one spec
  rolegen check                         # CI: exit 1 if modules-out/ drifted from the specs
  rolegen lint --deny warnings --format sarif > rolegen.sarif
  rolegen explain RG301";

/// Colour choice.
#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum Color {
    /// Colour on a terminal unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Graph syntax.
#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum GraphSyntax {
    /// Mermaid flowchart (GitHub renders it).
    Mermaid,
    /// Graphviz dot.
    Dot,
}

/// Diagnostic output format.
#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// rustc-like text on stderr.
    Human,
    /// A JSON list on stdout.
    Json,
    /// SARIF 2.1.0 on stdout (GitHub code scanning).
    Sarif,
}

/// Where specs come from.
#[derive(clap::Args, Debug)]
pub struct Inputs {
    /// Folder of specs (`*.yaml`), used when no SPEC is given.
    #[arg(long, default_value = "specs")]
    pub specs: PathBuf,
    /// Spec files; all of `--specs` if none.
    #[arg(value_name = "SPEC")]
    pub files: Vec<PathBuf>,
}

/// How diagnostics are reported.
#[derive(clap::Args, Debug)]
pub struct Report {
    /// Treat warnings as errors (`--deny warnings`).
    #[arg(long, value_name = "warnings", value_parser = ["warnings"])]
    pub deny: Option<String>,
    /// Diagnostic format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Compile specs and write their modules (atomically) under --out.
    #[command(after_help = "Examples:
  rolegen build                               # every specs/*.yaml into modules-out/
  rolegen build specs/app.yaml                # one spec
  rolegen build --deny warnings --out build/  # warnings fail (exit 1), nothing written")]
    Build {
        /// Specs.
        #[command(flatten)]
        inputs: Inputs,
        /// Output folder.
        #[arg(long, default_value = "modules-out")]
        out: PathBuf,
        /// Reporting.
        #[command(flatten)]
        report: Report,
    },
    /// Regenerate in memory and compare with --out: exit 0 in sync, 1 on drift.
    ///
    /// Exit 2: a spec with an error, or an output folder check cannot compare with (a link or a
    /// folder where a generated file goes, a module folder without .rolegen-manifest).
    ///
    /// Drift (exit 1), each file named with how to fix it: a generated file missing, changed or
    /// stale; one that is a symbolic link, a FIFO or other non-file, or whose mode a build does
    /// not write (executable, writable by all users, setuid/setgid/sticky); and any file
    /// rolegen did not write where it would be deployed with the module: at the top of
    /// terraform/, every *.tf, *.tf.json, *.tofu, *.tofu.json (override files included),
    /// *.tfvars and *.tfvars.json, whatever the case of the name, hidden ones too; anywhere in
    /// cloudformation/, every file.
    ///
    /// The user's, never reported: other files of the module folder (notes), what Terraform
    /// writes (.terraform/, .terraform.lock.hcl, terraform.tfstate*), subfolders of terraform/
    /// (tests/; Terraform loads one folder), test and query files (*.tftest.hcl, *.tfmock.hcl,
    /// *.tfquery.hcl). `rolegen build` rewrites drifted generated files and keeps files it did
    /// not write, with a warning for each one check reports.
    #[command(after_help = "Examples:
  rolegen check                  # exit 1 and a diff when modules-out/ drifted
  rolegen check > drift.patch    # applies with `git apply drift.patch` from the repository root")]
    Check {
        /// Specs.
        #[command(flatten)]
        inputs: Inputs,
        /// Output folder.
        #[arg(long, default_value = "modules-out")]
        out: PathBuf,
    },
    /// Validate specs only.
    #[command(after_help = "Examples:
  rolegen lint
  rolegen lint --deny warnings specs/app.yaml
  rolegen lint --format sarif > rolegen.sarif   # for GitHub code scanning")]
    Lint {
        /// Specs.
        #[command(flatten)]
        inputs: Inputs,
        /// Reporting.
        #[command(flatten)]
        report: Report,
    },
    /// Print a rule's documentation (what, why, example, fix).
    #[command(after_help = "Examples:
  rolegen explain RG304
  rolegen explain service-trust-without-source   # by name
  rolegen explain --list")]
    Explain {
        /// Rule code (RG301) or name, as `--list` shows them.
        code: Option<String>,
        /// List every rule.
        #[arg(long)]
        list: bool,
    },
    /// Print the JSON Schema of the spec format (for editors).
    #[command(after_help = "Examples:
  rolegen schema > spec.schema.json
  # then, as the first line of a spec, for editors with the YAML language server:
  # yaml-language-server: $schema=../spec.schema.json")]
    Schema,
    /// Print who can assume each role and what it reaches, as Mermaid or Graphviz dot.
    #[command(after_help = "Examples:
  rolegen graph specs/app.yaml
  rolegen graph specs/app.yaml --format dot | dot -Tsvg > app.svg")]
    Graph {
        /// The spec.
        spec: PathBuf,
        /// Output syntax.
        #[arg(long, value_enum, default_value_t = GraphSyntax::Mermaid)]
        format: GraphSyntax,
    },
    /// Scaffold a first spec (`specs/<module>.yaml`) and a CI workflow snippet.
    #[command(after_help = "Examples:
  rolegen init                       # specs/my-roles.yaml and .github/workflows/rolegen.yml
  rolegen init --module payments     # specs/payments.yaml (an existing workflow is kept)")]
    Init {
        /// Module name of the first spec.
        #[arg(long, default_value = "my-roles")]
        module: String,
        /// Folder to scaffold in.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Print shell completions.
    #[command(after_help = "Examples:
  rolegen completions bash > ~/.local/share/bash-completion/completions/rolegen
  rolegen completions zsh > ~/.zfunc/_rolegen")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff); with --dir, write it and one page per subcommand there.
    #[command(after_help = "Examples:
  rolegen man > rolegen.1 && man ./rolegen.1
  rolegen man --dir man/")]
    Man {
        /// Folder to write `rolegen.1` and `rolegen-<subcommand>.1` into.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Write a spec from existing IAM definitions (CloudFormation, IAM JSON, Terraform), or
    /// one spec per module from a whole account (`--from account`: roles, customer managed
    /// policies and instance profiles; IAM users and groups are out of scope).
    #[command(after_help = "Examples:
  rolegen import --from cloudformation template.yaml -o specs/app.yaml
  aws iam get-account-authorization-details > auth.json
  rolegen import --from iam-json auth.json --module legacy -o specs/legacy.yaml
  rolegen import --from terraform modules-out/app/terraform
  aws iam list-roles > roles.json
  rolegen import --from account auth.json roles.json -o specs/ --group-by path")]
    Import {
        /// What the inputs are.
        #[arg(long, value_enum)]
        from: crate::import::From,
        /// The template, IAM JSON file(s), or Terraform module folder.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// Module name of the spec (default: from the input's file name).
        #[arg(long)]
        module: Option<String>,
        /// Write the spec here instead of stdout.
        #[arg(short = 'o', long = "output", value_name = "OUT.yaml")]
        out: Option<PathBuf>,
        /// Exit 0 even when parts of the input cannot be expressed (they are still reported),
        /// and write the partial spec to --output (without it, nothing is written there).
        #[arg(long)]
        allow_partial: bool,
        /// Replace an existing --output file.
        #[arg(long)]
        force: bool,
        /// `--from account`: how roles are grouped into modules: `path` (IAM path, the
        /// default), `tag:KEY` (value of a tag) or `prefix` (role name up to its first `-`,
        /// `_`, `.`).
        #[arg(long, value_name = "RULE")]
        group_by: Option<crate::import::account::GroupBy>,
        /// `--from account`: leave out roles and policies by name, path (`/legacy/`) or
        /// pattern (`old-*`, `/ci/*`); repeat or separate with commas.
        #[arg(long, value_name = "PATTERN", value_delimiter = ',')]
        exclude: Vec<String>,
    },
    /// Compare what two specs grant (files or `git:REV:path`), role by role.
    #[command(after_help = "Examples:
  rolegen diff old.yaml specs/app.yaml
  rolegen diff git:origin/main:specs/app.yaml specs/app.yaml --fail-on-widen
  rolegen diff git:HEAD~1:specs/app.yaml specs/app.yaml --format markdown")]
    Diff {
        /// The old spec: a file or `git:REV:path/to/spec.yaml`.
        old: String,
        /// The new spec: a file or `git:REV:path/to/spec.yaml`.
        new: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = crate::diff::Format::Human)]
        format: crate::diff::Format,
        /// Exit 1 when the new spec grants more than the old one.
        #[arg(long)]
        fail_on_widen: bool,
        /// A side that does not exist (a spec the change adds or deletes) is a module
        /// without roles, instead of an error.
        #[arg(long)]
        missing_as_empty: bool,
    },
    /// Rewrite specs in the canonical layout, comments kept (`--check`: only report).
    #[command(after_help = "Examples:
  rolegen fmt                     # every spec in specs/
  rolegen fmt --check             # CI: exit 1 and a diff when a spec is not formatted
  rolegen fmt - < spec.yaml       # standard input to standard output")]
    Fmt {
        /// Specs (`-` reads standard input and writes standard output).
        #[command(flatten)]
        inputs: Inputs,
        /// Write nothing: print a diff of each file that would change; exit 1 if any would.
        #[arg(long)]
        check: bool,
    },
    /// Print what a spec grants as concrete IAM JSON (parameters from defaults or --param).
    #[command(after_help = "Examples:
  rolegen resolve specs/app.yaml
  rolegen resolve specs/app.yaml --param StateBucket=acme-state --account 210987654321
  rolegen resolve specs/app.yaml --partition aws-us-gov --region us-gov-west-1

Roles, policies and KMS keys are keyed as in the spec.")]
    Resolve {
        /// The spec.
        spec: PathBuf,
        /// Parameter values, `Name=value` (lists comma-separated).
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// The account id `${AWS::AccountId}` stands for (12 digits).
        #[arg(long, default_value = "123456789012", value_parser = account_id)]
        account: String,
        /// The partition `${AWS::Partition}` stands for (`${AWS::URLSuffix}` follows it).
        #[arg(long, default_value = "aws", value_parser = ["aws", "aws-cn", "aws-us-gov"])]
        partition: String,
        /// The region `${AWS::Region}` stands for.
        #[arg(long, default_value = "us-east-1")]
        region: String,
    },
}

/// Parses arguments and runs; returns the exit code.
pub fn main() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { INPUT_ERROR } else { OK };
        }
    };
    let color = match cli.color {
        Color::Always => ColorChoice::Always,
        Color::Never => ColorChoice::Never,
        Color::Auto
            if std::env::var_os("NO_COLOR").is_some() || !std::io::stderr().is_terminal() =>
        {
            ColorChoice::Never
        }
        Color::Auto => ColorChoice::Auto,
    };
    let mut err = StandardStream::stderr(color);
    if let Err(e) = crate::config::init() {
        eprintln!("error: {e}");
        return INPUT_ERROR;
    }
    let code = run(cli.command, &mut err);
    if STDOUT_STATE.load(Ordering::Relaxed) == STDOUT_FAILED {
        // Output the user asked for is lost, whatever the command concluded.
        INPUT_ERROR
    } else {
        code
    }
}

/// Runs one command; returns its exit code.
fn run(command: Command, err: &mut StandardStream) -> u8 {
    match command {
        Command::Build {
            inputs,
            out,
            report,
        } => build(&inputs, &out, &report, err),
        Command::Check { inputs, out } => check(&inputs, &out, err),
        Command::Lint { inputs, report } => lint(&inputs, &report, err),
        Command::Explain { code, list } => explain(code.as_deref(), list, err),
        Command::Resolve {
            spec,
            params,
            account,
            partition,
            region,
        } => resolve(
            &spec,
            &params,
            Pseudo {
                account,
                partition,
                region,
            },
            err,
        ),
        Command::Import {
            from: crate::import::From::Account,
            inputs,
            module,
            out,
            allow_partial,
            force,
            group_by,
            exclude,
        } if module.is_some() => {
            let _ = (out, allow_partial, force, group_by, exclude, inputs);
            let _ = writeln!(
                err,
                "error: `--from account` names each module after its group (see --group-by); --module applies to the other sources"
            );
            INPUT_ERROR
        }
        Command::Import {
            from: crate::import::From::Account,
            inputs,
            out,
            allow_partial,
            force,
            group_by,
            exclude,
            ..
        } => crate::import::account::run(
            &inputs,
            out.as_deref(),
            &crate::import::account::AccountOptions {
                group_by: group_by.unwrap_or(crate::import::account::GroupBy::Path),
                exclude,
                allow_partial,
                force,
            },
            err,
        ),
        Command::Import {
            group_by, exclude, ..
        } if group_by.is_some() || !exclude.is_empty() => {
            let _ = writeln!(
                err,
                "error: --group-by and --exclude apply to `--from account` only; drop them, or import the account dump with `--from account AUTH.json ROLES.json`"
            );
            INPUT_ERROR
        }
        Command::Import {
            from,
            inputs,
            module,
            out,
            allow_partial,
            force,
            ..
        } => crate::import::run(
            from,
            &inputs,
            module.as_deref(),
            out.as_deref(),
            crate::import::Options {
                allow_partial,
                force,
            },
            err,
        ),
        Command::Diff {
            old,
            new,
            format,
            fail_on_widen,
            missing_as_empty,
        } => crate::diff::run(&old, &new, format, fail_on_widen, missing_as_empty, err),
        Command::Graph { spec, format } => graph(&spec, format, err),
        Command::Fmt { inputs, check } => crate::fmt::run(&inputs, check, err),
        Command::Init { module, dir } => init(&module, &dir, err),
        Command::Completions { shell } => {
            // Into a buffer: clap_complete panics when its writer fails.
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "rolegen", &mut buf);
            write_stdout(&buf, err).map_or_else(|c| c, |()| OK)
        }
        Command::Man { dir } => man(dir.as_deref(), err),
        Command::Schema => {
            write_stdout(crate::spec::schema().as_bytes(), err).map_or_else(|c| c, |()| OK)
        }
    }
}

/// The EXIT STATUS section of the man pages (roff).
const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success: the specs are valid, the modules were written or are in sync.
.TP
\fB1\fR
A verdict: \fBcheck\fR or \fBfmt \-\-check\fR found drift, \fBlint\fR or \fBbuild \-\-deny warnings\fR found warnings, \fBdiff \-\-fail\-on\-widen\fR found a widening, \fBimport\fR could not express part of its input.
.TP
\fB2\fR
Usage or input error: bad arguments, a spec that does not load or validate, a file that cannot be read or written.
"#;

/// A man page of clap_mangen's with an EXIT STATUS section (before VERSION, or at the end)
/// and the `after_help` text under EXAMPLES (clap_mangen calls it EXTRA).
fn man_page(roff: &str) -> String {
    let roff = roff.replace(".SH EXTRA\n", ".SH EXAMPLES\n");
    match roff.find(".SH VERSION\n") {
        Some(i) => format!("{}{EXIT_STATUS}{}", &roff[..i], &roff[i..]),
        None => format!("{roff}{EXIT_STATUS}"),
    }
}

/// `rolegen man`: the main page on standard output, or with `dir` every page written there.
fn man(dir: Option<&Path>, err: &mut dyn WriteColor) -> u8 {
    let cmd = <Cli as clap::CommandFactory>::command();
    let done = match dir {
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(cmd.clone(), dir))
            .and_then(|()| {
                let pages = std::iter::once("rolegen".to_owned()).chain(
                    cmd.get_subcommands()
                        .map(|c| format!("rolegen-{}", c.get_name())),
                );
                for page in pages {
                    let path = dir.join(format!("{page}.1"));
                    if let Ok(text) = std::fs::read_to_string(&path) {
                        std::fs::write(&path, man_page(&text))?;
                    }
                }
                Ok(())
            })
            .map(|()| {
                let _ = writeln!(err, "wrote the man pages into {}", dir.display());
            }),
        None => {
            let mut buf = Vec::new();
            match clap_mangen::Man::new(cmd).render(&mut buf) {
                Ok(()) => {
                    let page = man_page(&String::from_utf8_lossy(&buf));
                    return write_stdout(page.as_bytes(), err).map_or_else(|c| c, |()| OK);
                }
                Err(e) => Err(e),
            }
        }
    };
    match done {
        Ok(()) => OK,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            INPUT_ERROR
        }
    }
}

/// `paths` without repeats, in first-seen order: a file named twice (`a.yaml a.yaml`,
/// `a.yaml ./a.yaml`, a symlink and its target) is one spec, not two declaring the same
/// module (RG008). Files are compared by canonical path; a path that cannot be resolved
/// (a missing file) is compared as written, so its error is still reported, once. `-`
/// (standard input) is kept once.
pub fn unique_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut seen = std::collections::HashSet::new();
    paths
        .into_iter()
        .filter(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())))
        .collect()
}

/// The specs a command reads: the files given (without repeats, see [`unique_paths`]), or
/// those of the `--specs` folder.
fn spec_paths(inputs: &Inputs, err: &mut dyn WriteColor) -> Option<Vec<PathBuf>> {
    if !inputs.files.is_empty() {
        return Some(unique_paths(inputs.files.clone()));
    }
    match discover(&inputs.specs).map(unique_paths) {
        Ok(v) if v.is_empty() => {
            let _ = writeln!(
                err,
                "error: no specs (*.yaml) in {}",
                inputs.specs.display()
            );
            None
        }
        Ok(v) => Some(v),
        Err(e) => {
            let _ = writeln!(
                err,
                "error: cannot read the specs folder {}: {e}",
                inputs.specs.display()
            );
            None
        }
    }
}

fn report(outcome: &Outcome, format: Format, err: &mut dyn WriteColor) {
    let diags = &outcome.diagnostics.0;
    let texts = || {
        let mut texts: HashMap<PathBuf, String> = HashMap::new();
        for d in diags {
            if let Some(s) = &d.source {
                if !texts.contains_key(&s.path) {
                    // As the loader read it (no byte order mark), so spans line up.
                    if let Some(t) = crate::spec::load::source_text(&s.path) {
                        texts.insert(s.path.clone(), t);
                    }
                }
            }
        }
        texts
    };
    match format {
        Format::Human => render::human(diags, &texts(), err),
        // A failed write makes the run exit 2 (see `write_stdout`).
        Format::Json => {
            let _ = write_stdout(render::json(diags).as_bytes(), err);
        }
        Format::Sarif => {
            let _ = write_stdout(render::sarif(diags, &texts()).as_bytes(), err);
        }
    }
}

fn build(inputs: &Inputs, out_dir: &Path, rep: &Report, err: &mut dyn WriteColor) -> u8 {
    let start = Instant::now();
    let Some(paths) = spec_paths(inputs, err) else {
        return INPUT_ERROR;
    };
    let outcome = compile(&paths, true, rep.deny.is_some());
    report(&outcome, rep.format, err);
    if outcome.diagnostics.has_errors() {
        let (e, w) = outcome.diagnostics.counts();
        let _ = writeln!(
            err,
            "error: {}, {}; nothing was written",
            plural(e, "error", "errors"),
            plural(w, "warning", "warnings")
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
        "built {}{}, {}, {} into {} in {} ms",
        plural(outcome.modules.len(), "module", "modules"),
        match unchanged {
            0 => String::new(),
            n if n == outcome.modules.len() => " (all already up to date)".to_owned(),
            n => format!(" ({n} already up to date)"),
        },
        plural(roles, "role", "roles"),
        plural(policies, "policy", "policies"),
        out_dir.display(),
        start.elapsed().as_millis()
    );
    // The process ends right after: freeing a large model and its outputs piece by piece only
    // costs time (about a tenth of a 10,000-role build); the OS takes the memory back at once.
    std::mem::forget(outcome);
    OK
}

/// Each compiled module's name and files, as `out` writes and checks them.
fn module_files(outcome: &Outcome) -> Vec<(&str, &[OutputFile])> {
    outcome
        .modules
        .iter()
        .map(|c| (c.module.name.as_str(), c.files.as_slice()))
        .collect()
}

fn check(inputs: &Inputs, out_dir: &Path, err: &mut dyn WriteColor) -> u8 {
    let Some(paths) = spec_paths(inputs, err) else {
        return INPUT_ERROR;
    };
    let outcome = compile(&paths, true, false);
    if outcome.diagnostics.has_errors() {
        report(&outcome, Format::Human, err);
        return INPUT_ERROR;
    }
    let modules = module_files(&outcome);
    let drift = match out::check_modules(out_dir, &modules, inputs.files.is_empty()) {
        Ok(d) => d,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return INPUT_ERROR;
        }
    };
    let foreign = drift
        .iter()
        .filter(|d| matches!(d, Drift::Foreign(_)))
        .count();
    // A file can drift twice (its bytes and its mode): count files.
    let drifted = drift
        .iter()
        .filter(|d| !matches!(d, Drift::Foreign(_)))
        .map(Drift::path)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let mut text = String::new();
    for d in drift {
        use std::fmt::Write as _;
        let _ = match d {
            Drift::Missing(p) => writeln!(text, "missing: {} (would be created)", p.display()),
            Drift::Stale(p) => writeln!(
                text,
                "stale: {} (no longer generated; would be removed)",
                p.display()
            ),
            Drift::StaleModule(p) => {
                writeln!(
                    text,
                    "stale: {} (no spec generates this module)",
                    p.display()
                )
            }
            Drift::Changed(p, diff) => writeln!(text, "changed: {}\n{diff}", p.display()),
            Drift::Shape(p, shape) => writeln!(text, "changed: {}", shape.describe(&p)),
            Drift::Foreign(f) => writeln!(text, "not rolegen's: {f}"),
        };
    }
    if let Err(code) = write_stdout(text.as_bytes(), err) {
        return code;
    }
    if drifted > 0 {
        let _ = writeln!(
            err,
            "error: {} from the specs; run `rolegen build` and commit the result",
            plural(drifted, "file differs", "files differ")
        );
    }
    if foreign > 0 {
        let _ = writeln!(err, "error: {foreign} file(s) rolegen did not write would be deployed with its modules; `rolegen build` keeps them: delete them or move them out, as said above");
    }
    if drifted + foreign > 0 {
        FAILED
    } else {
        let _ = writeln!(
            err,
            "{} in sync with {}",
            plural(outcome.modules.len(), "module", "modules"),
            if outcome.modules.len() == 1 {
                "its spec"
            } else {
                "their specs"
            }
        );
        OK
    }
}

fn lint(inputs: &Inputs, rep: &Report, err: &mut dyn WriteColor) -> u8 {
    let start = Instant::now();
    let Some(paths) = spec_paths(inputs, err) else {
        return INPUT_ERROR;
    };
    let outcome = compile(&paths, false, rep.deny.is_some());
    report(&outcome, rep.format, err);
    let (e, w) = outcome.diagnostics.counts();
    let _ = writeln!(
        err,
        "linted {}: {}, {} in {} ms",
        plural(paths.len(), "spec", "specs"),
        plural(e, "error", "errors"),
        plural(w, "warning", "warnings"),
        start.elapsed().as_millis()
    );
    let input_errors = outcome
        .diagnostics
        .0
        .iter()
        .any(|d| d.is_error() && d.rule.severity == rules::Severity::Error);
    if input_errors {
        INPUT_ERROR
    } else if e > 0 {
        FAILED
    } else {
        OK
    }
}

fn explain(code: Option<&str>, list: bool, err: &mut dyn WriteColor) -> u8 {
    if list || code.is_none() {
        let mut text = String::new();
        for r in rules::ALL {
            text.push_str(&format!(
                "{}  {:<7}  {}\n",
                r.code,
                r.severity.as_str(),
                r.name
            ));
        }
        return write_stdout(text.as_bytes(), err).map_or_else(|c| c, |()| OK);
    }
    let code = code.unwrap_or_default();
    match rules::by_code(code).or_else(|| rules::by_name(code)) {
        Some(r) => write_stdout(rules::explain(r).as_bytes(), err).map_or_else(|c| c, |()| OK),
        None => {
            let hint =
                crate::suggest::closest(code, rules::ALL.iter().flat_map(|r| [r.code, r.name]))
                    .map(|c| format!(" (did you mean {c}?)"))
                    .unwrap_or_default();
            let _ = writeln!(
                err,
                "error: `{code}` is not a rule code or name{hint}; `rolegen explain --list` lists them"
            );
            INPUT_ERROR
        }
    }
}

/// A 12-digit account id (`--account`).
fn account_id(v: &str) -> Result<String, String> {
    if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(v.to_owned())
    } else {
        Err("an account id is 12 digits, e.g. 123456789012".to_owned())
    }
}

/// What `resolve` puts for the pseudo parameters.
struct Pseudo {
    account: String,
    partition: String,
    region: String,
}

/// `value` (the resolved module, keyed by CloudFormation ids) keyed by spec keys instead, as
/// every other command names roles, policies and keys.
fn by_spec_keys(m: &crate::model::Module, mut value: serde_json::Value) -> serde_json::Value {
    let keys: Vec<(&str, HashMap<String, &str>)> = vec![
        (
            "roles",
            m.roles.keys().map(|k| (k.pascal(), k.as_str())).collect(),
        ),
        (
            "policies",
            m.policies
                .keys()
                .map(|k| (k.pascal(), k.as_str()))
                .collect(),
        ),
        (
            "kms_keys",
            m.kms_keys
                .keys()
                .map(|k| (k.pascal(), k.as_str()))
                .collect(),
        ),
    ];
    for (section, names) in keys {
        if let Some(serde_json::Value::Object(map)) = value.get_mut(section) {
            *map = std::mem::take(map)
                .into_iter()
                .map(|(k, v)| (names.get(&k).map_or(k, |n| (*n).to_owned()), v))
                .collect();
        }
    }
    value
}

fn resolve(spec: &Path, params: &[String], pseudo: Pseudo, err: &mut dyn WriteColor) -> u8 {
    let outcome = compile(&[spec.to_path_buf()], false, false);
    if outcome.diagnostics.has_errors() {
        report(&outcome, Format::Human, err);
        return INPUT_ERROR;
    }
    let Some(c) = outcome.modules.first() else {
        return INPUT_ERROR;
    };
    let m = &c.module;
    let mut b = crate::model::resolve::Bindings::defaults(m);
    b.url_suffix = match pseudo.partition.as_str() {
        "aws-cn" => "amazonaws.com.cn",
        _ => "amazonaws.com",
    }
    .to_owned();
    b.account = pseudo.account;
    b.partition = pseudo.partition;
    b.region = pseudo.region;
    for kv in params {
        let Some((k, v)) = kv.split_once('=') else {
            let _ = writeln!(err, "error: --param `{kv}` is not NAME=VALUE");
            return INPUT_ERROR;
        };
        let Some(p) = m.params.get(k) else {
            let _ = writeln!(err, "error: `{k}` is not a parameter of {}", m.name);
            return INPUT_ERROR;
        };
        match param_value(p, v) {
            Ok(value) => {
                b.params.insert(k.to_owned(), value);
            }
            Err(m) => {
                let _ = writeln!(err, "error: --param {k}={v}: {m}");
                return INPUT_ERROR;
            }
        }
    }
    let mut text = serde_json::to_string_pretty(&by_spec_keys(m, b.module(m))).unwrap_or_default();
    text.push('\n');
    write_stdout(text.as_bytes(), err).map_or_else(|c| c, |()| OK)
}

/// A `--param` value of parameter `p`, checked as the deployed stack would check it: a bool is
/// `true` or `false` (nothing else silently became `false`), a number parses, and a string
/// or every list item matches the parameter's `pattern` (whole value).
fn param_value(p: &crate::model::Parameter, v: &str) -> Result<crate::model::ParamValue, String> {
    use crate::model::{ParamKind, ParamValue};
    let value = match p.kind {
        ParamKind::List => ParamValue::List(v.split(',').map(str::to_owned).collect()),
        ParamKind::Bool => match v {
            "true" => ParamValue::Bool(true),
            "false" => ParamValue::Bool(false),
            _ => {
                return Err(format!(
                    "`{}` is a bool parameter: write `true` or `false`",
                    p.name.0
                ))
            }
        },
        ParamKind::Number => match v.parse::<f64>() {
            Ok(n) if n.is_finite() => ParamValue::Number(v.to_owned()),
            _ => {
                return Err(format!(
                    "`{}` is a number parameter: write a number",
                    p.name.0
                ))
            }
        },
        ParamKind::String => ParamValue::Str(v.to_owned()),
    };
    if let Some(pattern) = &p.pattern {
        // As the Terraform validation does: the whole value (each list item) must match, with
        // Go's (ASCII) `\d` and `\w`.
        let ast = crate::lower::pattern::check(pattern).map_err(|e| {
            format!(
                "the pattern of `{}` is not portable: {}",
                p.name.0, e.message
            )
        })?;
        let items: Vec<&str> = match &value {
            ParamValue::List(items) => items.iter().map(String::as_str).collect(),
            _ => vec![v],
        };
        if let Some(bad) = items
            .iter()
            .find(|i| crate::lower::pattern::matches(pattern, &ast, i) == Some(false))
        {
            return Err(format!(
                "`{bad}` does not match the pattern of `{}`: {pattern}",
                p.name.0
            ));
        }
    }
    // Length bounds come with a printable-ASCII pattern (RG013), where characters are what
    // both Terraform's `length()` and CloudFormation count.
    let len = v.chars().count();
    let too_short = p.min_length.is_some_and(|n| len < n as usize);
    let too_long = p.max_length.is_some_and(|n| len > n as usize);
    if too_short || too_long {
        return Err(format!(
            "`{v}` has {len} characters; `{}` takes {} to {}",
            p.name.0,
            p.min_length.unwrap_or(0),
            p.max_length
                .map_or("any number".to_owned(), |n| n.to_string())
        ));
    }
    Ok(value)
}

fn graph(spec: &Path, format: GraphSyntax, err: &mut dyn WriteColor) -> u8 {
    let outcome = compile(&[spec.to_path_buf()], false, false);
    if outcome.diagnostics.has_errors() {
        report(&outcome, Format::Human, err);
        return INPUT_ERROR;
    }
    let Some(c) = outcome.modules.first() else {
        return INPUT_ERROR;
    };
    let f = match format {
        GraphSyntax::Mermaid => crate::graph::GraphFormat::Mermaid,
        GraphSyntax::Dot => crate::graph::GraphFormat::Dot,
    };
    if let (GraphSyntax::Mermaid, Err(over)) =
        (format, crate::graph::mermaid_within_limits(&c.module))
    {
        // Printed all the same (a renderer configured with higher limits can show it).
        let _ = writeln!(
            err,
            "warning: the diagram has {over}, more than Mermaid renders with its default limits (maxEdges {}, maxTextSize {}); raise them where it is rendered, or use --format dot",
            crate::graph::MERMAID_MAX_EDGES,
            crate::graph::MERMAID_MAX_TEXT
        );
    }
    write_stdout(crate::graph::render(&c.module, f).as_bytes(), err).map_or_else(|c| c, |()| OK)
}

/// The spec `rolegen init` writes.
const INIT_SPEC: &str = include_str!("init/spec.yaml");
/// The CI workflow `rolegen init` writes.
const INIT_CI: &str = include_str!("init/rolegen.yml");

/// The spec in `specs` (`*.yaml`, `*.yml`) that declares `module`, if one does. A file that
/// is not YAML does not count (`rolegen lint` reports it).
fn declared_by(specs: &Path, module: &str) -> Option<PathBuf> {
    discover(specs).ok()?.into_iter().find(|p| {
        crate::spec::load::read_text(p, crate::spec::load::MAX_SPEC_BYTES)
            .ok()
            .and_then(|t| serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&t).ok())
            .is_some_and(|v| v.get("module").and_then(|m| m.as_str()) == Some(module))
    })
}

/// Why the folders `file` goes in cannot hold it: an existing ancestor that is not a folder
/// (`.github/workflows` a file) or a symlink to nothing.
fn folder_problem(file: &Path) -> Option<String> {
    let parent = file.parent()?;
    for a in parent.ancestors().filter(|a| !a.as_os_str().is_empty()) {
        match (std::fs::symlink_metadata(a), std::fs::metadata(a)) {
            (_, Ok(m)) if m.is_dir() => return None,
            (_, Ok(_)) => {
                return Some(format!(
                    "{} is a file, where a folder is needed for {}",
                    a.display(),
                    file.display()
                ))
            }
            (Ok(_), Err(_)) => {
                return Some(format!(
                    "{} is a symlink to nothing, where a folder is needed for {}",
                    a.display(),
                    file.display()
                ))
            }
            (Err(_), Err(_)) => {} // missing: created
        }
    }
    None
}

/// Scaffolds a spec and a CI workflow. Every target is checked before anything is written
/// (so a refusal leaves nothing behind, and re-running after fixing the cause works), and a
/// file is created only if nothing — not even a dangling symlink — is at its path; if a write
/// still fails, the files already written are removed.
fn init(module: &str, dir: &Path, err: &mut dyn WriteColor) -> u8 {
    if !crate::lower::valid_module_name(module) {
        let _ = writeln!(
            err,
            "error: module name `{module}` must be 1–64 characters of [a-z0-9-] starting with a letter, e.g. `{}`",
            crate::lower::suggest_module_name(module)
        );
        return INPUT_ERROR;
    }
    let refuse = |err: &mut dyn WriteColor, m: String| {
        let _ = writeln!(err, "error: {m}; nothing was written");
        INPUT_ERROR
    };
    let specs = dir.join("specs");
    if let Some(other) = declared_by(&specs, module) {
        return refuse(
            err,
            format!(
                "module `{module}` is already declared by {}; choose another --module",
                other.display()
            ),
        );
    }
    let spec = specs.join(format!("{module}.yaml"));
    if let Ok(m) = std::fs::symlink_metadata(&spec) {
        let what = if m.file_type().is_symlink() {
            " (as a symlink)"
        } else {
            ""
        };
        return refuse(err, format!("{} already exists{what}", spec.display()));
    }
    let mut files = vec![(spec, INIT_SPEC.replace("MODULE", module))];
    let workflow = dir.join(".github/workflows/rolegen.yml");
    match (
        std::fs::symlink_metadata(&workflow),
        std::fs::metadata(&workflow),
    ) {
        // A second module in a repository that already has the workflow: it covers every spec.
        (_, Ok(m)) if m.is_file() => {
            let _ = writeln!(err, "kept {} (it checks every spec)", workflow.display());
        }
        (Ok(_), _) => {
            return refuse(
                err,
                format!(
                    "{} exists but is not a file; move it away",
                    workflow.display()
                ),
            )
        }
        (Err(_), _) => files.push((workflow, INIT_CI.to_owned())),
    }
    for (p, _) in &files {
        if let Some(m) = folder_problem(p) {
            return refuse(err, format!("{m}; move it away"));
        }
    }
    let mut written: Vec<&Path> = Vec::new();
    for (p, text) in &files {
        let done = p
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                // `create_new`: never through a symlink, never over a file that appeared.
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(p)
            })
            .and_then(|mut f| {
                f.write_all(text.as_bytes()).inspect_err(|_| {
                    let _ = std::fs::remove_file(p);
                })
            });
        if let Err(e) = done {
            let _ = writeln!(err, "error: cannot write {}: {e}", p.display());
            for w in written {
                if std::fs::remove_file(w).is_ok() {
                    let _ = writeln!(err, "removed {} again", w.display());
                }
            }
            let _ = writeln!(err, "nothing was written");
            return INPUT_ERROR;
        }
        written.push(p);
    }
    for p in written {
        let _ = writeln!(err, "wrote {}", p.display());
    }
    let _ = writeln!(
        err,
        "next: edit the spec, then `rolegen build` and commit specs/ and modules-out/"
    );
    OK
}
