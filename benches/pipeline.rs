//! Benchmarks of the pipeline over the reference workload `iam-roles-v1` (see
//! `scripts/workload-spec` and docs/performance.md), for N = 100, 1,000 and 10,000 roles.
//!
//! ```sh
//! cargo bench --bench pipeline                    # every stage and the whole pipeline
//! cargo bench --bench pipeline -- 'full/10000'    # a criterion filter
//! ROLEGEN_BENCH_STAGES=1 cargo bench --bench pipeline   # a quick one-shot table per stage
//! ```
//!
//! Stages: `load` (read + serde), `lower`, `validate` (on a fresh module each time, so the
//! source index that diagnostics need is built inside the measurement), `render` (the human
//! diagnostics, to a sink), `emit_tf`, `emit_cfn`, `emit_readme`, `write` (atomic write of every
//! file into a temp dir), and `full` (`build::compile` of both outputs with validation, plus the
//! write).

use codespan_reporting::term::termcolor::NoColor;
use criterion::{criterion_group, BatchSize, BenchmarkId, Criterion};
use rolegen::emit::Backend;
use rolegen::{build, diagnostics, emit, lower, out, spec, validate};
use std::collections::HashMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const SIZES: [usize; 3] = [100, 1_000, 10_000];

/// Writes `iam-roles-v1.yaml` with `n` roles into `dir` using `scripts/workload-spec`.
fn workload(dir: &Path, n: usize) -> PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/workload-spec");
    let output = std::process::Command::new("python3")
        .arg(&script)
        .arg(n.to_string())
        .output()
        .expect("python3 runs scripts/workload-spec");
    assert!(output.status.success(), "workload-spec {n} failed");
    let path = dir.join(format!("iam-roles-v1-{n}.yaml"));
    std::fs::write(&path, output.stdout).expect("write the workload");
    path
}

fn load(path: &Path) -> spec::load::LoadedSpec {
    spec::load::load_file(path).expect("the workload loads")
}

fn module(path: &Path) -> rolegen::model::Module {
    lower::lower(&load(path)).expect("the workload lowers")
}

fn render(diags: &[diagnostics::Diagnostic], texts: &HashMap<PathBuf, String>) -> usize {
    let mut sink = NoColor::new(Vec::with_capacity(1 << 20));
    diagnostics::render::human(diags, texts, &mut sink);
    sink.into_inner().len()
}

fn full(path: &Path, out_dir: &Path) {
    let outcome = build::compile(&[path.to_path_buf()], build::CompileOptions::EMIT);
    assert!(!outcome.diagnostics.has_errors());
    for c in &outcome.modules {
        out::write_module(out_dir, &c.module.name, &c.files).expect("write");
    }
}

fn benches(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temp dir");
    for n in SIZES {
        let path = workload(tmp.path(), n);
        let out_dir = tmp.path().join(format!("out-{n}"));
        let mut g = c.benchmark_group("iam-roles-v1");
        if n >= 10_000 {
            g.sample_size(10)
                .warm_up_time(Duration::from_millis(500))
                .measurement_time(Duration::from_secs(5));
        } else {
            g.sample_size(20)
                .warm_up_time(Duration::from_millis(500))
                .measurement_time(Duration::from_secs(3));
        }
        g.bench_function(BenchmarkId::new("load", n), |b| {
            b.iter(|| black_box(load(&path)))
        });
        g.bench_function(BenchmarkId::new("lower", n), |b| {
            b.iter_batched(
                || load(&path),
                |l| black_box(lower::lower(&l).is_ok()),
                BatchSize::PerIteration,
            )
        });
        g.bench_function(BenchmarkId::new("validate", n), |b| {
            b.iter_batched(
                || module(&path),
                |m| black_box(validate::validate(&m)),
                BatchSize::PerIteration,
            )
        });
        let m = module(&path);
        let diags = validate::validate(&m);
        let texts: HashMap<PathBuf, String> = [(
            path.clone(),
            std::fs::read_to_string(&path).expect("read the workload"),
        )]
        .into();
        g.bench_function(BenchmarkId::new("render", n), |b| {
            b.iter(|| black_box(render(&diags, &texts)))
        });
        g.bench_function(BenchmarkId::new("emit_tf", n), |b| {
            b.iter(|| black_box(emit::terraform::Terraform.emit(&m)))
        });
        g.bench_function(BenchmarkId::new("emit_cfn", n), |b| {
            b.iter(|| black_box(emit::cloudformation::CloudFormation.emit(&m)))
        });
        g.bench_function(BenchmarkId::new("emit_readme", n), |b| {
            b.iter(|| black_box(emit::readme::Readme.emit(&m)))
        });
        let files = out::with_manifest(emit::emit_module(&m));
        g.bench_function(BenchmarkId::new("write", n), |b| {
            b.iter(|| out::write_module(&out_dir, &m.name, &files).expect("write"))
        });
        g.bench_function(BenchmarkId::new("full", n), |b| {
            b.iter(|| full(&path, &out_dir))
        });
        g.finish();
    }
}

/// `ROLEGEN_BENCH_STAGES=1`: the median of a few one-shot runs per stage, as a table.
fn stages() {
    let runs: usize = std::env::var("ROLEGEN_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let tmp = tempfile::tempdir().expect("temp dir");
    println!("| N | load | lower | validate | render | emit TF | emit CFN | emit README | write | full |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for n in SIZES {
        let path = workload(tmp.path(), n);
        let out_dir = tmp.path().join(format!("out-{n}"));
        let mut cols: Vec<Vec<Duration>> = vec![Vec::new(); 9];
        for _ in 0..runs {
            let t = Instant::now();
            let l = load(&path);
            cols[0].push(t.elapsed());
            let t = Instant::now();
            let m = lower::lower(&l).expect("lowers");
            cols[1].push(t.elapsed());
            let t = Instant::now();
            let diags = validate::validate(&m);
            cols[2].push(t.elapsed());
            let texts: HashMap<PathBuf, String> = [(path.clone(), l.file.text.clone())].into();
            let t = Instant::now();
            black_box(render(&diags, &texts));
            cols[3].push(t.elapsed());
            let t = Instant::now();
            let tf = emit::terraform::Terraform.emit(&m);
            cols[4].push(t.elapsed());
            let t = Instant::now();
            let cfn = emit::cloudformation::CloudFormation.emit(&m);
            cols[5].push(t.elapsed());
            let t = Instant::now();
            let readme = emit::readme::Readme.emit(&m);
            cols[6].push(t.elapsed());
            drop((tf, cfn, readme));
            let files = out::with_manifest(emit::emit_module(&m));
            let t = Instant::now();
            out::write_module(&out_dir, &m.name, &files).expect("write");
            cols[7].push(t.elapsed());
            let t = Instant::now();
            full(&path, &out_dir);
            cols[8].push(t.elapsed());
        }
        let cells: Vec<String> = cols
            .iter_mut()
            .map(|c| {
                c.sort();
                format!("{:.1} ms", c[c.len() / 2].as_secs_f64() * 1e3)
            })
            .collect();
        println!("| {n} | {} |", cells.join(" | "));
    }
}

criterion_group!(pipeline, benches);

fn main() {
    if std::env::var_os("ROLEGEN_BENCH_STAGES").is_some() {
        stages();
        return;
    }
    pipeline();
    Criterion::default().configure_from_args().final_summary();
}
