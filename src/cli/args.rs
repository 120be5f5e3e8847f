//! The command line's shape: clap derive structs of `rolegen` and its subcommands, and the
//! value parsers that map arguments onto library types (which know nothing of clap).

use clap::builder::PossibleValue;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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
    /// Report only these rules (codes or names, comma-separated or repeated); replaces
    /// `select` of rolegen.toml's `[rules]`. Findings of rules that `allow:` cannot accept
    /// (errors that make the output wrong) are always reported: a spec that does not compile
    /// still fails.
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = crate::selection::rule_named)]
    pub select: Vec<&'static crate::rules::Rule>,
    /// Do not report these rules (codes or names that `allow:` accepts); added to
    /// rolegen.toml's `[rules.ignore]`. The suppression is not recorded anywhere: to keep it,
    /// put it in `[rules.ignore]` with its reason.
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = crate::selection::ignorable)]
    pub ignore: Vec<&'static crate::rules::Rule>,
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
  rolegen lint --format sarif > rolegen.sarif   # for GitHub code scanning
  rolegen lint --select RG301,privilege-escalation   # only these rules ([rules] in rolegen.toml keeps it)")]
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
        /// The stack name `${AWS::StackName}` stands for (Terraform's `stack_name`).
        #[arg(long, default_value = "example-stack", value_parser = stack_name)]
        stack_name: String,
    },
}

/// A CloudFormation stack name (`--stack-name`): a letter, then letters, digits and hyphens,
/// at most 128 characters.
fn stack_name(v: &str) -> Result<String, String> {
    let ok = v.len() <= 128
        && v.starts_with(|c: char| c.is_ascii_alphabetic())
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(v.to_owned())
    } else {
        Err(
            "a stack name is a letter, then letters, digits and hyphens, at most 128 characters"
                .into(),
        )
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

impl ValueEnum for crate::import::From {
    fn value_variants<'a>() -> &'a [Self] {
        use crate::import::From;
        &[
            From::Cloudformation,
            From::IamJson,
            From::Terraform,
            From::Account,
        ]
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        use crate::import::From;
        Some(match self {
            From::Cloudformation => PossibleValue::new("cloudformation")
                .help("A CloudFormation template (YAML with short or long intrinsics, or JSON)"),
            From::IamJson => PossibleValue::new("iam-json").help(
                "IAM JSON as the AWS CLI prints it (`get-role`, `get-role-policy`, `get-account-authorization-details`, ...)",
            ),
            From::Terraform => PossibleValue::new("terraform")
                .help("A Terraform module made of the resources rolegen emits"),
            From::Account => PossibleValue::new("account").help(
                "A whole account (`aws iam get-account-authorization-details`): one spec per module into the folder `-o DIR`, grouped by `--group-by`. Roles and customer managed policies only: users and groups are out of scope",
            ),
        })
    }
}

impl ValueEnum for crate::diff::Format {
    fn value_variants<'a>() -> &'a [Self] {
        use crate::diff::Format;
        &[Format::Human, Format::Json, Format::Markdown]
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        use crate::diff::Format;
        Some(match self {
            Format::Human => PossibleValue::new("human").help("Text for a terminal"),
            Format::Json => PossibleValue::new("json").help("JSON (one object)"),
            Format::Markdown => {
                PossibleValue::new("markdown").help("Markdown, to paste in a pull request comment")
            }
        })
    }
}
