//! No quadratic steps: the whole pipeline (load, lower, validate, both backends and the
//! README, rendering the diagnostics, the atomic write) must do about ten times the work for
//! ten times the input, in every dimension a spec can grow in: roles, inline policies per
//! role, statements per policy, managed attachments, customer managed policies, switches,
//! condition keys, and findings.
//!
//! Work is COUNTED, not timed: a counting global allocator records how many allocations the
//! pipeline makes (and how many bytes). An accidental quadratic step that copies (a path
//! cloned per lookup, a document re-rendered per check, a list rebuilt per element) shows as
//! ~100x instead of ~10x. Loops that only compare without allocating are not seen here; the
//! known ones are linear by construction (hash lookups; see docs/performance.md).

use codespan_reporting::term::termcolor::NoColor;
use rolegen::build::{compile, CompileOptions};
use rolegen::diagnostics::render;
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::fmt::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size.saturating_sub(layout.size()) as u64, Relaxed);
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The counters are process-wide: one measurement at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Allocations and bytes of one full build of `spec` (diagnostics rendered, files written).
fn work(spec: &str) -> (u64, u64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, spec).unwrap();
    let out = dir.path().join("out");
    let texts: HashMap<PathBuf, String> = [(path.clone(), spec.to_owned())].into();
    let (a0, b0) = (ALLOCATIONS.load(Relaxed), BYTES.load(Relaxed));
    let outcome = compile(std::slice::from_ref(&path), CompileOptions::EMIT);
    if std::env::var_os("SCALING_DEBUG").is_some() {
        let mut codes: Vec<&str> = outcome.diagnostics.0.iter().map(|d| d.rule.code).collect();
        codes.sort_unstable();
        codes.dedup();
        eprintln!("{} module(s), findings {codes:?}", outcome.modules.len());
    }
    let mut sink = NoColor::new(Vec::new());
    render::human(&outcome.diagnostics.0, &texts, &mut sink);
    for c in &outcome.modules {
        rolegen::out::write_module(&out, &c.module.name, &c.files).unwrap();
    }
    drop(outcome);
    (ALLOCATIONS.load(Relaxed) - a0, BYTES.load(Relaxed) - b0)
}

/// Builds the spec of `shape` at `n` and at `10 n`; the work must grow about tenfold.
fn linear(name: &str, n: usize, shape: impl Fn(usize) -> String) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Once-per-process work (the action catalogue) is not part of either measurement.
    work(&shape(1));
    let (small, large) = (work(&shape(n)), work(&shape(10 * n)));
    let allocations = large.0 as f64 / small.0 as f64;
    let bytes = large.1 as f64 / small.1 as f64;
    eprintln!(
        "{name}: n={n} {} allocations, {} bytes; 10n: x{allocations:.1} allocations, x{bytes:.1} bytes",
        small.0, small.1
    );
    // Linear is ~10 (less, with fixed costs); a quadratic step is ~100.
    assert!(
        allocations < 12.0,
        "{name}: 10x the input made {allocations:.1}x the allocations ({} -> {})",
        small.0,
        large.0
    );
    // Growth by doubling can land either side of a power of two; quadratic is still ~100.
    assert!(
        bytes < 25.0,
        "{name}: 10x the input allocated {bytes:.1}x the bytes ({} -> {})",
        small.1,
        large.1
    );
}

const TRUST: &str =
    "    trust:\n      - service: ecs-tasks.amazonaws.com\n        source_account: true\n";

/// The reference workload `iam-roles-v1` (as `scripts/workload-spec` writes it).
fn roles(n: usize) -> String {
    let mut s = String::from(
        "module: iam-roles-v1\nparameters:\n  KmsKeyArn:\n    type: string\n    example: arn:aws:kms:us-east-1:123456789012:key/0\nroles:\n",
    );
    for i in 1..=n {
        let _ = write!(
            s,
            "  role-{i}:
    name: role-{i}
    trust:
      - service: ecs-tasks.amazonaws.com
        conditions:
          StringEquals:
            aws:SourceAccount: ${{AWS::AccountId}}
    managed_policies:
      - aws: CloudWatchFullAccessV2
      - aws: AmazonSSMReadOnlyAccess
    inline_policies:
      inline-{i}:
        Statement:
          - Effect: Allow
            Action: [s3:GetObject, s3:PutObject]
            Resource: arn:${{AWS::Partition}}:s3:::bucket-{i}/*
          - Effect: Allow
            Action: secretsmanager:GetSecretValue
            Resource: arn:${{AWS::Partition}}:secretsmanager:${{AWS::Region}}:${{AWS::AccountId}}:secret:app-{i}-*
          - Effect: Allow
            Action: kms:Decrypt
            Resource: ${{KmsKeyArn}}
            Condition:
              StringEquals:
                kms:ViaService: secretsmanager.${{AWS::Region}}.amazonaws.com
"
        );
    }
    s
}

#[test]
fn roles_scale_linearly() {
    linear("roles", 150, roles);
}

#[test]
fn inline_policies_per_role_scale_linearly() {
    linear("inline policies", 150, |n| {
        let mut s = format!("module: inline\nroles:\n  app:\n{TRUST}    inline_policies:\n");
        for i in 0..n {
            let _ = writeln!(
                s,
                "      p-{i}:\n        Statement:\n          - {{Effect: Allow, Action: s3:GetObject, Resource: 'arn:aws:s3:::b-{i}/*'}}"
            );
        }
        s
    });
}

#[test]
fn statements_per_policy_scale_linearly() {
    linear("statements", 150, |n| {
        let mut s = format!(
            "module: statements\nroles:\n  app:\n{TRUST}    inline_policies:\n      p:\n        Statement:\n"
        );
        for i in 0..n {
            let _ = writeln!(
                s,
                "          - {{Sid: S{i}, Effect: Allow, Action: [s3:GetObject, 's3:List*'], Resource: 'arn:aws:s3:::b-{i}/*'}}"
            );
        }
        s
    });
}

#[test]
fn attachments_scale_linearly() {
    linear("attachments", 150, |n| {
        let mut s = format!(
            "module: attachments\nallow: [RG208]\nroles:\n  app:\n{TRUST}    managed_policies:\n"
        );
        for i in 0..n {
            let _ = writeln!(
                s,
                "      - arn: arn:aws:iam::123456789012:policy/team/p-{i}"
            );
        }
        s
    });
}

#[test]
fn managed_policies_scale_linearly() {
    linear("managed policies", 150, |n| {
        let mut s = format!(
            "module: policies\nallow: [RG208]\nroles:\n  app:\n{TRUST}    managed_policies:\n"
        );
        for i in 0..n {
            let _ = writeln!(s, "      - policy: p-{i}");
        }
        s.push_str("policies:\n");
        for i in 0..n {
            let _ = writeln!(
                s,
                "  p-{i}:\n    name: p-{i}\n    document:\n      Statement:\n        - {{Effect: Allow, Action: s3:GetObject, Resource: 'arn:aws:s3:::b-{i}/*'}}"
            );
        }
        s
    });
}

#[test]
fn switches_scale_linearly() {
    linear("switches", 100, |n| {
        let mut s = String::from("module: switches\nparameters:\n");
        for i in 0..n {
            let _ = writeln!(s, "  Flag{i}: {{type: bool, default: true}}");
        }
        s.push_str("roles:\n");
        for i in 0..n {
            let _ = writeln!(
                s,
                "  r-{i}:\n    when: Flag{i}\n{TRUST}    inline_policies:\n      p:\n        when: not Flag{i}\n        Statement:\n          - {{Effect: Allow, Action: s3:GetObject, Resource: 'arn:aws:s3:::b-{i}/*', when: Flag{i}}}"
            );
        }
        s
    });
}

#[test]
fn condition_keys_scale_linearly() {
    linear("condition keys", 150, |n| {
        let mut s = format!(
            "module: conditions\nroles:\n  app:\n{TRUST}    inline_policies:\n      p:\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: 'arn:aws:s3:::b/*'\n            Condition:\n              StringEquals:\n"
        );
        for i in 0..n {
            let _ = writeln!(s, "                aws:PrincipalTag/k{i}: v{i}");
        }
        s
    });
}

#[test]
fn findings_scale_linearly() {
    // Every role: an unknown action (did-you-mean), a `Resource: "*"`, a malformed ARN, and
    // two roles whose names meet in the output (a duplicate-name error per pair).
    linear("findings", 100, |n| {
        let mut s = String::from("module: findings\nroles:\n");
        for i in 0..n {
            for key in [format!("app-{i}"), format!("app_{i}")] {
                let _ = writeln!(
                    s,
                    "  {key}:\n{TRUST}    inline_policies:\n      p:\n        Statement:\n          - {{Effect: Allow, Action: [s3:GetObjekt, s3:GetObject], Resource: '*'}}\n          - {{Effect: Allow, Action: s3:PutObject, Resource: 'arn:aws:s3::bucket-{i}'}}"
                );
            }
        }
        s
    });
}

/// A spec of 512 roles or more is lowered in two halves on two threads: the roles and the
/// diagnostics must come out as one pass makes them, in spec order (errors in both halves and
/// on both sides of the split).
#[test]
fn roles_lowered_in_two_halves_keep_spec_order() {
    // Its allocations would count in another test's measurement (the counters are
    // process-wide): it waits its turn like them.
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let bad = [3usize, 349, 350, 351, 699];
    let text = |bad: &[usize]| {
        let mut s = String::from("module: halves\nroles:\n");
        for i in 0..700 {
            let name = if bad.contains(&i) {
                format!("${{Missing{i}}}-r")
            } else {
                format!("r-{i}")
            };
            s.push_str(&format!(
                "  r{i}:\n    name: {name}\n    trust:\n      - service: [ec2.amazonaws.com]\n"
            ));
        }
        s
    };
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("halves.yaml");
    std::fs::write(&spec, text(&bad)).unwrap();
    let out = rolegen::build::compile(std::slice::from_ref(&spec), CompileOptions::VALIDATE);
    let messages: Vec<&str> = out
        .diagnostics
        .0
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    let expected: Vec<String> = bad
        .iter()
        .map(|i| format!("`${{Missing{i}}}` is not a declared parameter"))
        .collect();
    assert_eq!(messages, expected);
    // Without errors, the module's roles keep the spec's order.
    std::fs::write(&spec, text(&[])).unwrap();
    let mut out = rolegen::build::compile(std::slice::from_ref(&spec), CompileOptions::VALIDATE);
    assert!(!out.diagnostics.has_errors());
    let module = out.modules.remove(0).module;
    let ids: Vec<String> = module.roles.keys().map(|k| k.0.clone()).collect();
    let want: Vec<String> = (0..700).map(|i| format!("r{i}")).collect();
    assert_eq!(ids, want);
}
