//! The import corpus (issue 19 part 4): CloudFormation templates and Terraform modules written
//! in the styles real estates use (`tests/import_corpus/`, its README lists each case). Each is
//! imported, the spec compiled, and the IAM it resolves to compared with the source's, as
//! CloudFormation resolves the template (`import::cfn_resolve`) and as Terraform evaluates the
//! module (`equivalence/terraform_eval.rs`), with the spec's bool switches on and off: every
//! combination when there are at most three, else each flipped alone plus all on and all off.
//! Whatever the import, what the spec grants is checked to be within what the source grants,
//! statement by statement. Cases that cannot import yet are listed in [`EXPECTED_FAILURES`]
//! with the error that says why; the test fails when one of them starts importing (or fails
//! for another reason), so the list stays true.

use crate::equivalence::terraform_eval::{Inputs, TfModule};
use crate::equivalence::{bool_params, condition_outcomes, expected, normalize, optional_values};
use crate::import::{base_bindings, compile, errors_of, first_difference};
use rolegen::import::{self, cfn_resolve, cloudformation, Imported};
use rolegen::model::names::{pascal, snake};
use rolegen::model::resolve::Bindings;
use rolegen::model::{Module, ParamValue};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

/// Cases that cannot import whole yet: (case, an error message of the import says this, why).
const EXPECTED_FAILURES: &[(&str, &str, &str)] = &[
    (
        "cfn-sam-api",
        "AWS::Serverless::Function is not imported",
        "SAM (`Transform: AWS::Serverless-2016-10-31`): the function's role comes from policy templates the transform expands (rolegen does not re-implement it; the message says to import the processed template)",
    ),
    (
        "tf-step-functions-orchestrator",
        "builds each element from the list and other values",
        "`[for s in var.list : \"${local.arn}:${s}\"]`: a list parameter in a string with other placeholders (spec: RG401; CloudFormation's `Fn::Join` delimiter and `Fn::Sub` template are literal, so a deploy-time value cannot be repeated once per item)",
    ),
    (
        "tf-sqs-worker-optional-queues",
        "accepts `\"\"`, and a spec parameter has one pattern",
        "`compact(concat(var.list, …))` over a list whose validation accepts `\"\"` items (a spec parameter has one pattern, which would have to take `\"\"` and refuse it)",
    ),
];

/// Values for parameters that have no default (else `Bindings::defaults` writes `<Name>`).
const VALUES: &[(&str, &[(&str, &str)])] = &[(
    "cfn-eks-addon-issuer-url",
    &[(
        "OidcIssuerUrl",
        "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
    )],
)];

/// List values given to a parameter beside its default: (case, parameter, values). Each
/// value the spec's pattern accepts must resolve as the source does; one it refuses (an
/// item `""`, which the source's `compact(…)` drops) is a deploy the spec fails, never one
/// that grants more.
const LIST_VALUES: &[(&str, &str, &[&[&str]])] = &[(
    "tf-ecs-task-roles",
    "SecretArns",
    &[
        &[
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:a-1",
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:b-2",
        ],
        &[""],
        &[
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:a-1",
            "",
        ],
    ],
)];

/// The bindings `LIST_VALUES` gives a case whose spec's pattern accepts them; those it
/// refuses are checked to be refused (`Err` where one is not).
fn list_variants(name: &str, m: &Module, base: &Bindings) -> Result<Vec<Bindings>, String> {
    let mut out = Vec::new();
    for (_, param, values) in LIST_VALUES.iter().filter(|(n, _, _)| *n == name) {
        let p = m
            .params
            .get(*param)
            .ok_or_else(|| format!("{name}: no parameter {param}"))?;
        let accepts = |item: &str| {
            p.pattern.as_deref().map_or(true, |pat| {
                rolegen::lower::pattern::check(pat)
                    .ok()
                    .and_then(|ast| rolegen::lower::pattern::matches(pat, &ast, item))
                    .unwrap_or(true)
            })
        };
        for v in *values {
            if v.iter().all(|i| accepts(i)) {
                let mut b = base.clone();
                let items = v.iter().map(|s| (*s).to_owned()).collect();
                b.params
                    .insert((*param).to_owned(), ParamValue::List(items));
                out.push(b);
            } else if !v.contains(&"") {
                return Err(format!("{name}: {param}'s pattern refuses {v:?}"));
            }
        }
        if values.iter().any(|v| v.contains(&"")) && accepts("") {
            return Err(format!(
                "{name}: {param} takes an empty item, which the source drops"
            ));
        }
    }
    Ok(out)
}

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/import_corpus")
}

/// One source: a CloudFormation template or a Terraform module folder.
enum Source {
    Cfn(PathBuf),
    Tf(PathBuf, TfModule),
}

impl Source {
    fn import(&self, name: &str) -> Imported {
        match self {
            Source::Cfn(p) => cloudformation::import(p, &import::module_name_from(p)),
            Source::Tf(d, _) => import::terraform::import(d, name),
        }
        .unwrap_or_else(|e| panic!("{name}: the input cannot be read: {e}"))
    }

    /// What the source creates with the spec's parameter values (and pseudo parameters).
    fn resolve(&self, imported: &Imported, b: &Bindings) -> Result<Value, String> {
        match self {
            Source::Cfn(p) => Ok(cfn_resolve::rekey(
                &cfn_resolve::resolve_file(p, b).map_err(|e| e.to_string())?,
                &imported.keys,
            )),
            Source::Tf(_, tf) => tf
                .evaluate(&Self::inputs(tf, imported, b))
                .map(|v| normalize::module(&v)),
        }
    }

    /// What the spec creates, in the shape the source side resolves to: CloudFormation's is
    /// [`Bindings::module`]; Terraform's evaluation also gives the roles' boundary, session,
    /// description and tags, and the provider writes one value as a string, so both sides
    /// are compared in normal form.
    fn spec_side(&self, m: &Module, b: &Bindings) -> Value {
        match self {
            Source::Cfn(_) => b.module(m),
            Source::Tf(..) => normalize::module(&expected(m, b)),
        }
    }

    /// `b` with each parameter the import introduced without a default (a value the spec
    /// cannot express) set to the value the source gives it.
    fn supply_introduced(
        &self,
        imported: &Imported,
        m: &Module,
        b: &Bindings,
    ) -> Result<Bindings, String> {
        let mut b = b.clone();
        for (name, expr) in &imported.introduced {
            if m.params
                .get(name.as_str())
                .map_or(true, |p| p.default.is_some())
            {
                continue;
            }
            let v = match self {
                Source::Cfn(p) => {
                    let text = fs::read_to_string(p).map_err(|e| e.to_string())?;
                    cfn_resolve::resolve_value(p, &text, &intrinsic(expr), &b)
                        .map_err(|e| e.to_string())?
                        .unwrap_or(Value::Null)
                }
                Source::Tf(_, tf) => {
                    let text = expr.as_str().unwrap_or_default().trim_matches('`');
                    let inputs = Self::inputs(tf, imported, &b);
                    tf.evaluate_expressions(&inputs, &[text])?.remove(0)
                }
            };
            let v = match v {
                Value::Array(items) => ParamValue::List(
                    items
                        .iter()
                        .map(|i| i.as_str().unwrap_or_default().to_owned())
                        .collect(),
                ),
                Value::String(s) => ParamValue::Str(s),
                other => ParamValue::Str(other.to_string()),
            };
            b.params.insert(name.clone(), v);
        }
        Ok(b)
    }

    fn inputs(tf: &TfModule, imported: &Imported, b: &Bindings) -> Inputs {
        let mut vars = BTreeMap::new();
        for v in tf.variable_names() {
            // Read as `${AWS::StackName}` (not a parameter): the stack's name.
            if v == "stack_name" && !b.params.contains_key("StackName") {
                vars.insert(v, json!(b.stack_name));
                continue;
            }
            let value = match b.params.get(&pascal(&snake(&v))) {
                Some(ParamValue::Str(s) | ParamValue::Number(s)) => json!(s),
                Some(ParamValue::Bool(x)) => json!(x),
                Some(ParamValue::List(l)) => json!(l),
                None => continue,
            };
            vars.insert(v, value);
        }
        let keys: BTreeMap<String, String> = imported
            .keys
            .iter()
            .map(|(s, k)| (s.clone(), pascal(k)))
            .collect();
        Inputs {
            vars,
            partition: b.partition.clone(),
            account: b.account.clone(),
            region: b.region.clone(),
            dns_suffix: b.url_suffix.clone(),
            roles: keys.clone(),
            policies: keys.clone(),
            keys,
            // As the spec resolves them: `<Pascal key>OidcProvider`.
            oidc_providers: tf
                .resource_names("aws_iam_openid_connect_provider")
                .into_iter()
                .map(|n| {
                    let id = match imported.keys.get(&n) {
                        Some(k) => format!("{}OidcProvider", pascal(k)),
                        None => n.clone(),
                    };
                    (n, id)
                })
                .collect(),
        }
    }
}

/// The intrinsic an introduced CloudFormation parameter stands for: given as long-form JSON,
/// or described as ``Fn::GetAtt R.A` (type)`` / ``!Ref R` (type)`` for a resource's attribute.
fn intrinsic(expr: &Value) -> Value {
    let described = expr
        .as_str()
        .and_then(|t| t.strip_prefix('`'))
        .and_then(|t| t.split_once('`'))
        .map(|(inner, _)| inner);
    match described {
        Some(t) if t.starts_with("Fn::GetAtt ") => {
            let (r, a) = t["Fn::GetAtt ".len()..].split_once('.').unwrap_or((t, ""));
            json!({"Fn::GetAtt": [r, a]})
        }
        Some(t) if t.starts_with("!Ref ") => json!({"Ref": &t["!Ref ".len()..]}),
        _ => expr.clone(),
    }
}

fn sources() -> Vec<(String, Source)> {
    let mut paths: Vec<PathBuf> = fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_dir()
                || matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "json")
                )
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                let mut files: Vec<(String, String)> = fs::read_dir(&p)
                    .unwrap()
                    .map(|e| e.unwrap().path())
                    .filter(|f| f.extension().is_some_and(|e| e == "tf"))
                    .map(|f| (f.display().to_string(), fs::read_to_string(&f).unwrap()))
                    .collect();
                files.sort();
                let tf = TfModule::parse_estate(&files)
                    .unwrap_or_else(|e| panic!("{name}: the module does not parse: {e}"));
                (name, Source::Tf(p, tf))
            } else {
                (name, Source::Cfn(p))
            }
        })
        .collect()
}

/// The spec's bool switches on and off: every combination when there are at most three,
/// else each flipped alone plus all on and all off; and the outcomes of its named conditions.
fn switch_variants(m: &Module, base: &Bindings) -> Vec<Bindings> {
    let bools = bool_params(m);
    let set = |b: &Bindings, k: &str, v: bool| {
        let mut b = b.clone();
        b.params.insert(k.to_owned(), ParamValue::Bool(v));
        b
    };
    let mut out = Vec::new();
    if bools.len() <= 3 {
        for mask in 0..1u32 << bools.len() {
            let b = bools
                .iter()
                .enumerate()
                .fold(base.clone(), |b, (i, k)| set(&b, k, mask & (1 << i) != 0));
            out.push(b);
        }
    } else {
        out.push(base.clone());
        for k in &bools {
            let on = matches!(base.params.get(*k), Some(ParamValue::Bool(true)));
            out.push(set(base, k, !on));
        }
        for v in [true, false] {
            out.push(bools.iter().fold(base.clone(), |b, k| set(&b, k, v)));
        }
    }
    // Every outcome of the spec's named conditions (`IsProd: {equals: [Env, prod]}`).
    out.extend(condition_outcomes(m, base).into_iter().map(|(_, b)| b));
    // Each value that may be nothing, empty and set (`permissions_boundary: ${Boundary}`).
    out.extend(optional_values(m, base).into_iter().map(|(_, b)| b));
    out
}

// ---- Within: every grant of the spec is a grant of the source ----

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| x.as_str().unwrap_or("?").to_owned())
            .collect(),
        Some(other) => vec![other.to_string()],
        None => Vec::new(),
    }
}

fn subset(a: Option<&Value>, b: Option<&Value>) -> bool {
    let b = strings(b);
    strings(a).iter().all(|x| b.contains(x))
}

fn principal_within(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => x
            .iter()
            .all(|(ty, ids)| y.get(ty).is_some_and(|w| subset(Some(ids), Some(w)))),
        (a, b) => a == b,
    }
}

/// An Allow statement `g` grants nothing that `w` does not: its actions, resources and
/// principals are among `w`'s, its negated elements are `w`'s, and it has every condition of
/// `w` (with the same values).
fn statement_within(g: &Value, w: &Value) -> bool {
    let same =
        |k: &str| g.get(k) == w.get(k) || subset(g.get(k), w.get(k)) && subset(w.get(k), g.get(k));
    let conditions = match w.get("Condition").and_then(Value::as_object) {
        None => true,
        Some(wc) => wc.iter().all(|(op, keys)| {
            keys.as_object().into_iter().flatten().all(|(k, vals)| {
                g.get("Condition")
                    .and_then(|c| c.get(op))
                    .and_then(|c| c.get(k))
                    .is_some_and(|gv| subset(Some(gv), Some(vals)) && subset(Some(vals), Some(gv)))
            })
        }),
    };
    w.get("Effect") == Some(&json!("Allow"))
        && subset(g.get("Action"), w.get("Action"))
        && subset(g.get("Resource"), w.get("Resource"))
        && principal_within(g.get("Principal"), w.get("Principal"))
        && ["NotAction", "NotResource", "NotPrincipal"]
            .iter()
            .all(|k| same(k))
        && conditions
}

fn statements<'a>(docs: impl Iterator<Item = &'a Value>) -> Vec<&'a Value> {
    docs.flat_map(|d| match d.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect::<Vec<_>>(),
        Some(one) => vec![one],
        None => Vec::new(),
    })
    .collect()
}

/// Documents `got` grant no more than documents `want`: each Allow is within one of `want`'s
/// Allows, and each of `want`'s Denies is in `got`.
fn docs_within<'a>(
    got: impl Iterator<Item = &'a Value>,
    want: impl Iterator<Item = &'a Value>,
    what: &str,
) -> Result<(), String> {
    let (g, w) = (statements(got), statements(want));
    let allow = |s: &Value| s.get("Effect") == Some(&json!("Allow"));
    for s in g.iter().filter(|s| allow(s)) {
        if !w.iter().any(|x| allow(x) && statement_within(s, x)) {
            return Err(format!(
                "{what}: the spec allows {s}, the source nothing as wide"
            ));
        }
    }
    for d in w.iter().filter(|s| !allow(s)) {
        if !g.contains(d) {
            return Err(format!("{what}: the source denies {d}, the spec does not"));
        }
    }
    Ok(())
}

fn objects(v: &Value, k: &str) -> serde_json::Map<String, Value> {
    v.get(k)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// The role's attached ARNs, a policy of the module as `policy:<key>` (its document is
/// compared under `policies`): found by its name at the end of the ARN, or, a name the
/// provider generates, by `{generated:aws_iam_policy.<resource>}` and `generated` (resource
/// name → key).
fn attached(role: &Value, side: &Value, generated: &BTreeMap<String, String>) -> Vec<String> {
    let policies = objects(side, "policies");
    strings(role.get("managed"))
        .into_iter()
        .map(|arn| {
            let named = policies.iter().find(|(_, p)| {
                p.get("name").and_then(Value::as_str).is_some_and(|n| {
                    !arn.contains(":iam::aws:policy/")
                        && arn.contains(":policy/")
                        && arn.ends_with(&format!("/{n}"))
                })
            });
            let gen = arn
                .split_once("{generated:aws_iam_policy.")
                .and_then(|(_, r)| r.split_once('}'))
                .and_then(|(r, _)| generated.get(r));
            match (named, gen) {
                (Some((k, _)), _) => format!("policy:{k}"),
                (None, Some(k)) => format!("policy:{k}"),
                (None, None) => arn,
            }
        })
        .collect()
}

/// What the resolved spec `got` grants is within what the resolved source `want` grants.
fn within(got: &Value, want: &Value, generated: &BTreeMap<String, String>) -> Result<(), String> {
    let wroles = objects(want, "roles");
    for (k, r) in objects(got, "roles") {
        let w = wroles
            .get(&k)
            .ok_or_else(|| format!("the spec creates role {k}, the source does not"))?;
        docs_within(
            r.get("trust").into_iter(),
            w.get("trust").into_iter(),
            &format!("{k} trust"),
        )?;
        let (gi, wi) = (objects(&r, "inline"), objects(w, "inline"));
        docs_within(gi.values(), wi.values(), &format!("{k} permissions"))?;
        let (ga, wa) = (
            attached(&r, got, &BTreeMap::new()),
            attached(w, want, generated),
        );
        if !ga.iter().all(|a| wa.contains(a)) {
            return Err(format!("{k}: the spec attaches {ga:?}, the source {wa:?}"));
        }
    }
    for kind in ["policies", "kms_keys"] {
        let wall = objects(want, kind);
        for (k, p) in objects(got, kind) {
            let w = wall
                .get(&k)
                .ok_or_else(|| format!("the spec creates {kind} {k}, the source does not"))?;
            let doc = |v: &Value| v.get("document").cloned().unwrap_or_else(|| v.clone());
            docs_within(
                std::iter::once(&doc(&p)),
                std::iter::once(&doc(w)),
                &format!("{kind} {k}"),
            )?;
        }
    }
    Ok(())
}

// ---- The run ----

#[derive(Default)]
struct Counts {
    cfn: usize,
    tf: usize,
    whole: usize,
    variants: usize,
    expected: BTreeMap<&'static str, usize>,
    within_checked: usize,
    unresolved: usize,
    not_building: usize,
    /// What was not compared, and why.
    notes: Vec<String>,
}

/// The bindings of a case: defaults, the case's values for parameters without one.
fn base_of(name: &str, m: &Module) -> Bindings {
    let values = VALUES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(&[][..], |(_, v)| v);
    base_bindings(m, values)
}

/// Imports one case and checks it; `Ok(true)` when it round-trips whole.
fn check(name: &str, src: &Source, c: &mut Counts) -> Result<bool, String> {
    let imported = src.import(name);
    let errors = errors_of(&imported);
    let expected = EXPECTED_FAILURES.iter().find(|(n, _, _)| *n == name);
    match (expected, errors.is_empty()) {
        (Some(_), true) => {
            return Err(format!(
                "{name} imports now: remove it from EXPECTED_FAILURES"
            ))
        }
        (Some((_, needle, why)), false) => {
            if !errors.iter().any(|e| e.contains(needle)) {
                return Err(format!(
                    "{name}: no error says {needle:?} ({why}); the errors:\n{}",
                    errors.join("\n")
                ));
            }
            *c.expected.entry(why).or_default() += 1;
        }
        (None, false) => {
            return Err(format!(
                "{name}: the import reported\n{}\n--- spec\n{}",
                errors.join("\n"),
                imported.spec
            ))
        }
        (None, true) => {}
    }
    let m = if expected.is_some() {
        // A partial spec that does not build grants nothing (`rolegen build` refuses it).
        let Some(m) = crate::import_never_wider::compile(&imported.spec) else {
            c.not_building += 1;
            c.notes
                .push(format!("{name}: the partial spec does not build"));
            return Ok(false);
        };
        m
    } else {
        compile(&imported.spec, name).1
    };
    let generated: BTreeMap<String, String> = imported
        .keys
        .iter()
        .map(|(s, k)| (s.clone(), pascal(k)))
        .collect();
    let base = base_of(name, &m);
    let mut variants = switch_variants(&m, &base);
    variants.extend(
        crate::equivalence::entry_variants(&m, &base)
            .into_iter()
            .map(|(_, b)| b),
    );
    variants.extend(list_variants(name, &m, &base)?);
    for b in variants {
        let b = match src.supply_introduced(&imported, &m, &b) {
            Ok(b) => b,
            Err(e) => return Err(format!("{name}: an introduced parameter's value: {e}")),
        };
        let got = src.spec_side(&m, &b);
        let want = match src.resolve(&imported, &b) {
            Ok(w) => w,
            // What a partial import left out may be what the source evaluator cannot
            // evaluate either: counted, not compared.
            Err(e) if expected.is_some() => {
                c.unresolved += 1;
                c.notes.push(format!(
                    "{name}: not compared where the source does not evaluate: {e}"
                ));
                continue;
            }
            Err(e) => return Err(format!("{name}: the source does not resolve: {e}")),
        };
        // Documents as IAM reads them (see `per_resource`): a Deny split by resource denies
        // what the whole one does.
        within(&per_resource(&got), &per_resource(&want), &generated).map_err(|e| {
            format!(
                "{name}: the spec grants more than the source with {:?}: {e}\n--- spec\n{}",
                b.params, imported.spec
            )
        })?;
        c.within_checked += 1;
        if expected.is_none() {
            // Statements compared as IAM reads them: a statement's resources are a union, and a
            // Sid grants nothing (`compact` of optional values splits a statement by item).
            let differs = first_difference(&want, &got, "")
                .filter(|_| per_resource(&want) != per_resource(&got));
            if let Some(d) = differs {
                return Err(format!(
                    "{name}: the spec resolves differently from the source with {:?}:\n{d}\n--- spec\n{}",
                    b.params, imported.spec
                ));
            }
            c.variants += 1;
        }
    }
    Ok(expected.is_none())
}

#[test]
fn the_import_corpus_round_trips() {
    let mut c = Counts::default();
    let mut problems = Vec::new();
    let all = sources();
    for (name, src) in &all {
        match src {
            Source::Cfn(_) => c.cfn += 1,
            Source::Tf(..) => c.tf += 1,
        }
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut local = Counts::default();
            let r = check(name, src, &mut local);
            (r, local)
        }));
        match r {
            Ok((Ok(whole), local)) => {
                c.whole += usize::from(whole);
                c.variants += local.variants;
                c.within_checked += local.within_checked;
                c.unresolved += local.unresolved;
                c.not_building += local.not_building;
                c.notes.extend(local.notes);
                for (k, v) in local.expected {
                    *c.expected.entry(k).or_default() += v;
                }
            }
            Ok((Err(e), _)) => problems.push(e),
            Err(_) => problems.push(format!("{name}: panicked (above)")),
        }
    }
    for (n, _, _) in EXPECTED_FAILURES {
        assert!(
            all.iter().any(|(a, _)| a == n),
            "EXPECTED_FAILURES names {n}, not in the corpus"
        );
    }
    println!(
        "import corpus: {} cases ({} CloudFormation, {} Terraform); {} round-trip whole over {} switch combinations; {} expected failures; {} resolutions checked within the source ({} of partial imports not resolvable); {} partial specs do not build",
        all.len(),
        c.cfn,
        c.tf,
        c.whole,
        c.variants,
        c.expected.values().sum::<usize>(),
        c.within_checked,
        c.unresolved,
        c.not_building
    );
    for (why, n) in &c.expected {
        println!("  expected failure x{n}: {why}");
    }
    for n in &c.notes {
        println!("  {n}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    assert!(all.len() >= 25, "only {} cases", all.len());
    assert!(
        c.whole * 2 > all.len(),
        "most cases import whole: {} of {}",
        c.whole,
        all.len()
    );
}

/// The within check sees a widening: a source with one action less than the spec, a
/// condition dropped, a Deny dropped.
#[test]
fn the_within_check_sees_a_wider_spec() {
    let want = json!({"roles": {"R": {
        "trust": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "inline": {"p": {"Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceAccount": "1"}}},
            {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}
        ]}},
        "managed": []
    }}});
    assert!(within(&want, &want, &BTreeMap::new()).is_ok());
    let mut wider = want.clone();
    wider["roles"]["R"]["inline"]["p"]["Statement"][0]["Action"] =
        json!(["s3:GetObject", "s3:PutObject"]);
    assert!(within(&wider, &want, &BTreeMap::new()).is_err());
    let mut no_condition = want.clone();
    no_condition["roles"]["R"]["inline"]["p"]["Statement"][0]
        .as_object_mut()
        .unwrap()
        .remove("Condition");
    assert!(within(&no_condition, &want, &BTreeMap::new()).is_err());
    let mut no_deny = want.clone();
    no_deny["roles"]["R"]["inline"]["p"]["Statement"]
        .as_array_mut()
        .unwrap()
        .pop();
    assert!(within(&no_deny, &want, &BTreeMap::new()).is_err());
    let mut managed = want.clone();
    managed["roles"]["R"]["managed"] = json!(["arn:aws:iam::aws:policy/AdministratorAccess"]);
    assert!(within(&managed, &want, &BTreeMap::new()).is_err());
    let mut trust = want.clone();
    trust["roles"]["R"]["trust"]["Statement"][0]["Principal"] = json!({"AWS": "*"});
    assert!(within(&trust, &want, &BTreeMap::new()).is_err());
}

/// `v` with every policy document's statements one per resource (a `Resource` list is a
/// union: the statement applies to each item alone as to the list), without `Sid`s, sorted
/// and each once. `NotResource` statements are kept whole (an intersection).
fn per_resource(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = serde_json::Map::new();
            for (k, x) in m {
                let x = match (k.as_str(), x) {
                    ("Statement", Value::Array(statements)) => {
                        let mut split: Vec<Value> = Vec::new();
                        for st in statements {
                            let mut st = st.clone();
                            if let Some(o) = st.as_object_mut() {
                                o.remove("Sid");
                            }
                            match st.get("Resource").and_then(Value::as_array).cloned() {
                                Some(items) if items.len() > 1 => {
                                    for r in items {
                                        let mut one = st.clone();
                                        one["Resource"] = json!([r]);
                                        split.push(one);
                                    }
                                }
                                _ => split.push(st),
                            }
                        }
                        split.sort_by_key(ToString::to_string);
                        split.dedup();
                        Value::Array(split)
                    }
                    _ => per_resource(x),
                };
                out.insert(k.clone(), x);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(per_resource).collect()),
        other => other.clone(),
    }
}
