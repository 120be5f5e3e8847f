//! The integration tests, one test binary: every file here is a module (its own doc says what
//! it checks), so the library and its dependencies are linked once instead of once per file.
//! `tests/scaling.rs` (a counting global allocator) and `tests/regex_java.rs` (a CI step of
//! its own) stay separate binaries. Run one file's tests with `cargo test --test it cli::`.

#[path = "../support/mod.rs"]
mod support;

/// The round-trip and injection oracle (shared with the fuzz target).
#[path = "../../fuzz/harness/roundtrip.rs"]
mod harness;
mod oracle;

mod adopt;
mod architecture;
mod atomic;
mod cli;
mod diff;
mod diff_soundness;
mod ecosystem;
mod equivalence;
mod equivalence_caught;
mod fixtures;
mod fmt;
mod formats;
mod hatches;
mod import;
mod import_cloudformation;
mod import_corpus;
mod import_never_wider;
mod import_never_wider_cases;
mod import_never_wider_eval;
mod import_never_wider_values;
mod import_optional;
mod import_terminates;
mod import_terraform;
mod import_tf_compact;
mod import_tf_compact_prop;
mod import_tf_cond_switch;
mod import_tf_conditions;
mod import_tf_idioms;
mod import_tf_provider_prop;
mod import_tf_values;
mod injection;
mod limits;
mod owned_folders;
mod policy_names;
mod properties;
mod readme;
mod real_iam;
mod rules;
mod seeds;
mod template_text;
