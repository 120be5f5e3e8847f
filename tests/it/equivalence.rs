//! Backend equivalence: for every valid fixture and seed spec, under several parameter
//! bindings, the Terraform module and the CloudFormation stack grant exactly what the model
//! means (`Bindings::module`).
//!
//! The Terraform side is evaluated the way `terraform apply` with the AWS provider would
//! (`equivalence/terraform_eval.rs`), the CloudFormation side the way CloudFormation resolves a
//! stack (`equivalence/cfn_resolve.rs`); all three are normalised (`equivalence/normalize.rs`)
//! and compared. A second group of tests corrupts the emitted files and checks that the
//! comparison catches it.

#[path = "equivalence/cfn_resolve.rs"]
mod cfn_resolve;
#[path = "equivalence/normalize.rs"]
pub(crate) mod normalize;
#[path = "equivalence/terraform_eval.rs"]
pub(crate) mod terraform_eval;

use rolegen::build::{compile, CompileOptions};
use rolegen::emit::OutputFile;
use rolegen::model::resolve::Bindings;
use rolegen::model::{
    Hatch, Lookup, LookupKey, Module, ParamKind, ParamName, ParamValue, Pseudo, Test,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A compiled spec: its model and emitted files.
struct Case {
    spec: String,
    module: Module,
    files: Vec<OutputFile>,
}

fn compile_spec(spec: &str) -> Case {
    let out = compile(&[PathBuf::from(spec)], CompileOptions::EMIT);
    assert!(
        !out.diagnostics.has_errors(),
        "{spec} has errors: {:#?}",
        out.diagnostics.0
    );
    let c = out
        .modules
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{spec}: no module"));
    Case {
        spec: spec.to_owned(),
        module: c.module,
        files: c.files,
    }
}

/// The emitted outputs, parsed.
struct Parsed {
    tf: terraform_eval::TfModule,
    cfn: serde_yaml_ng::Value,
}

fn parse(files: &[OutputFile]) -> Result<Parsed, String> {
    let tf_files: Vec<(String, String)> = files
        .iter()
        .filter(|f| f.path.starts_with("terraform/") && f.path.ends_with(".tf"))
        .map(|f| (f.path.clone(), f.contents.clone()))
        .collect();
    if tf_files.is_empty() {
        return Err("no terraform/*.tf file".into());
    }
    let cfn: Vec<&OutputFile> = files
        .iter()
        .filter(|f| f.path.starts_with("cloudformation/") && f.path.ends_with(".yaml"))
        .collect();
    let [cfn] = cfn.as_slice() else {
        return Err(format!(
            "expected one cloudformation/*.yaml, found {}",
            cfn.len()
        ));
    };
    Ok(Parsed {
        tf: terraform_eval::TfModule::parse(&tf_files)?,
        cfn: cfn_resolve::parse(&cfn.contents).map_err(|e| format!("{}: {e}", cfn.path))?,
    })
}

// ---- Bindings ----

fn with_param(b: &Bindings, name: &str, v: ParamValue) -> Bindings {
    let mut b = b.clone();
    b.params.insert(name.to_owned(), v);
    b
}

fn is_on(b: &Bindings, name: &str) -> bool {
    matches!(b.params.get(name), Some(ParamValue::Bool(true)))
}

/// A stable description of bindings, for messages and de-duplication.
fn describe(b: &Bindings) -> String {
    let params: BTreeMap<&String, String> = b
        .params
        .iter()
        .map(|(k, v)| {
            let v = match v {
                ParamValue::Str(s) | ParamValue::Number(s) => format!("{s:?}"),
                ParamValue::Bool(x) => x.to_string(),
                ParamValue::List(l) => format!("{l:?}"),
            };
            (k, v)
        })
        .collect();
    let params: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "{} | partition={} account={} region={} url_suffix={} stack_name={}",
        params.join(" "),
        b.partition,
        b.account,
        b.region,
        b.url_suffix,
        b.stack_name
    )
}

/// The names of the module's bool parameters (its switches).
pub(crate) fn bool_params(m: &Module) -> Vec<&str> {
    m.params
        .values()
        .filter(|p| p.kind == ParamKind::Bool)
        .map(|p| p.name.as_str())
        .collect()
}

/// Defaults; each bool parameter flipped; all bools on and all off, and every combination when
/// there are at most four; another partition (GovCloud,
/// and China with its own URL suffix), account and region; every list parameter cut to one
/// element. Identical bindings are run once.
fn variants(m: &Module) -> Vec<(String, Bindings)> {
    let base = Bindings::defaults(m);
    let mut out = vec![("defaults".to_owned(), base.clone())];
    let bools = bool_params(m);
    for p in &bools {
        let v = !is_on(&base, p);
        out.push((
            format!("{p}={v}"),
            with_param(&base, p, ParamValue::Bool(v)),
        ));
    }
    for v in [true, false] {
        let b = bools
            .iter()
            .fold(base.clone(), |b, p| with_param(&b, p, ParamValue::Bool(v)));
        out.push((format!("every bool {v}"), b));
    }
    // Few switches: every combination (CloudFormation nests `Fn::If` over them).
    if bools.len() <= 4 {
        for bits in 0u32..(1 << bools.len()) {
            let mut b = base.clone();
            let mut label = Vec::new();
            for (i, p) in bools.iter().enumerate() {
                let v = bits & (1 << i) != 0;
                b = with_param(&b, p, ParamValue::Bool(v));
                label.push(format!("{p}={v}"));
            }
            out.push((label.join(" "), b));
        }
    }
    out.extend(condition_outcomes(m, &base));
    out.extend(optional_values(m, &base));
    let mut gov = base.clone();
    gov.partition = "aws-us-gov".into();
    gov.region = "us-gov-west-1".into();
    gov.account = "210987654321".into();
    gov.stack_name = "payments-prod-2".into();
    out.push(("partition aws-us-gov".into(), gov));
    let mut cn = base.clone();
    cn.partition = "aws-cn".into();
    cn.region = "cn-north-1".into();
    cn.url_suffix = "amazonaws.com.cn".into();
    out.push(("partition aws-cn".into(), cn));
    let mut one = base.clone();
    for (k, v) in base.params.iter() {
        if let ParamValue::List(l) = v {
            if l.len() > 1 {
                one.params
                    .insert(k.clone(), ParamValue::List(l[..1].to_vec()));
            }
        }
    }
    out.push(("lists of one element".into(), one));
    // Every entry of every mapping, picked by what the module's lookups pick it by; then
    // leave out bindings under which a lookup misses (both backends fail the deployment
    // there, which `mapping_lookups_fail_where_the_entry_is_missing` checks).
    out.extend(entry_variants(m, &base));
    let lookups = lookups(m);
    out.retain(|(_, b)| {
        lookups
            .iter()
            .all(|l| l.value(&b.lookup_entry(l)).is_some())
    });
    let mut seen = std::collections::HashSet::new();
    out.retain(|(_, b)| seen.insert(describe(b)));
    out
}

/// Values that may be nothing (issue 19): each parameter empty and set, the others at their
/// defaults, then every one set and every one empty.
pub(crate) fn optional_values(m: &Module, base: &Bindings) -> Vec<(String, Bindings)> {
    let params = m.optional_params();
    let sample = |p: &ParamName| {
        let path = m
            .roles
            .values()
            .any(|r| r.path.as_ref().and_then(|t| m.optional_param(t)) == Some(p));
        ParamValue::Str(match path {
            true => "/optional/".into(),
            false => format!("arn:aws:iam::123456789012:policy/{p}-boundary"),
        })
    };
    let (mut set, mut empty) = (base.clone(), base.clone());
    let mut out = Vec::new();
    for p in &params {
        let name = p.as_str();
        out.push((format!("{name} set"), with_param(base, name, sample(p))));
        out.push((
            format!("{name} empty"),
            with_param(base, name, ParamValue::Str(String::new())),
        ));
        set = with_param(&set, name, sample(p));
        empty = with_param(&empty, name, ParamValue::Str(String::new()));
    }
    if !params.is_empty() {
        out.push(("every optional value set".into(), set));
        out.push(("every optional value empty".into(), empty));
    }
    out
}

/// The values each parameter a named condition tests may take that change an outcome: for
/// `equals`, every value compared with and one other; for `not_empty`, `""` and a value. With
/// the bool parameters, every combination when there are at most 256, else each parameter's
/// values from the defaults.
pub(crate) fn condition_outcomes(m: &Module, base: &Bindings) -> Vec<(String, Bindings)> {
    let mut values: BTreeMap<String, Vec<ParamValue>> = BTreeMap::new();
    fn walk(t: &Test, out: &mut Vec<(String, String)>) {
        match t {
            Test::Flag(p) => out.push((p.to_string(), String::new())),
            Test::Equals(p, v) => out.push((p.to_string(), v.clone())),
            Test::NotEmpty(p, _) => out.push((p.to_string(), String::new())),
            Test::Named(..) => {}
            Test::And(v) | Test::Or(v) => v.iter().for_each(|t| walk(t, out)),
            Test::Not(t) => walk(t, out),
        }
    }
    let mut tested = Vec::new();
    m.conditions
        .values()
        .for_each(|c| walk(&c.test, &mut tested));
    for (p, v) in tested {
        let Some(param) = m.params.get(p.as_str()) else {
            continue;
        };
        let list = values.entry(p.clone()).or_default();
        let mut wanted = Vec::new();
        match param.kind {
            ParamKind::Bool => wanted.extend([true, false].map(ParamValue::Bool)),
            ParamKind::List => {
                wanted.push(ParamValue::List(vec![String::new()]));
                wanted.push(ParamValue::List(vec![format!("<{p}>")]));
            }
            _ => {
                wanted.push(ParamValue::Str(v));
                // Another value: an allowed one, its example, or a stand-in.
                let example = match &param.example {
                    Some(ParamValue::Str(e)) => Some(e.clone()),
                    _ => None,
                };
                let other = param
                    .allowed_values
                    .iter()
                    .cloned()
                    .chain(example)
                    .chain(param.allowed_values.is_empty().then(|| format!("<{p}>")))
                    .map(ParamValue::Str)
                    .find(|x| !list.contains(x) && !wanted.contains(x));
                wanted.extend(other);
            }
        }
        for x in wanted {
            if !list.contains(&x) {
                list.push(x);
            }
        }
    }
    let combos: usize = values.values().map(Vec::len).product();
    let mut out = Vec::new();
    if values.is_empty() {
        return out;
    }
    if combos <= 256 {
        for mut i in 0..combos {
            let mut b = base.clone();
            let mut label = Vec::new();
            for (p, vs) in &values {
                let v = vs[i % vs.len()].clone();
                i /= vs.len();
                label.push(format!("{p}={v:?}"));
                b = with_param(&b, p, v);
            }
            out.push((label.join(" "), b));
        }
    } else {
        for (p, vs) in &values {
            for v in vs {
                out.push((format!("{p}={v:?}"), with_param(base, p, v.clone())));
            }
        }
    }
    out
}

/// For every lookup of the module, a binding per entry of its mapping, picked by what the
/// lookup picks it by (the partition, the region, the account, a parameter); labelled
/// `mappings.<Map>[<by>].<key>[<entry>]`.
pub(crate) fn entry_variants(m: &Module, base: &Bindings) -> Vec<(String, Bindings)> {
    let mut out = Vec::new();
    for l in &lookups(m) {
        for (entry, _) in &l.values {
            let mut b = base.clone();
            match &l.by {
                LookupKey::Pseudo(Pseudo::Partition) => {
                    b.partition = entry.clone();
                    if entry == "aws-cn" {
                        b.url_suffix = "amazonaws.com.cn".into();
                    }
                }
                LookupKey::Pseudo(Pseudo::Region) => b.region = entry.clone(),
                LookupKey::Pseudo(Pseudo::AccountId) => b.account = entry.clone(),
                LookupKey::Pseudo(Pseudo::UrlSuffix) => b.url_suffix = entry.clone(),
                LookupKey::Pseudo(Pseudo::StackName) => b.stack_name = entry.clone(),
                LookupKey::Param(n) => {
                    b.params
                        .insert(n.as_str().to_owned(), ParamValue::Str(entry.clone()));
                }
            }
            out.push((format!("{}[{entry}]", l.spec()), b));
        }
    }
    out
}

/// Every mapping lookup of the module, each once.
fn lookups(m: &Module) -> Vec<Lookup> {
    let mut out: Vec<Lookup> = Vec::new();
    m.visit_templates(|t| {
        for l in t.lookups() {
            if !out.contains(l) {
                out.push(l.clone());
            }
        }
    });
    out
}

// ---- The three sides ----

/// What the model means: `Bindings::module`, plus the role and policy attributes that are not
/// grants but must still agree (boundary, max session, description, tags, policy path).
pub(crate) fn expected(m: &Module, b: &Bindings) -> Value {
    let mut v = b.module(m);
    for r in m.roles.values().filter(|r| b.on(&r.when)) {
        let e = &mut v["roles"][r.id.pascal()];
        e["boundary"] = json!(r.boundary.as_ref().and_then(|t| b.optional(m, t)));
        e["max_session"] = json!(r.max_session.as_ref().map(|t| b.scalar(t)));
        e["description"] = json!(r.description.as_ref().map(|t| b.scalar(t)));
        e["tags"] = r
            .tags
            .iter()
            .map(|(k, t)| (k.clone(), json!(b.scalar(t))))
            .collect::<serde_json::Map<_, _>>()
            .into();
    }
    for p in m.policies.values().filter(|p| b.on(&p.when)) {
        v["policies"][p.id.pascal()]["path"] =
            json!(p.path.as_ref().map(|t| b.scalar(t)).unwrap_or("/".into()));
    }
    v
}

fn terraform(m: &Module, tf: &terraform_eval::TfModule, b: &Bindings) -> Result<Value, String> {
    terraform_with(m, tf, b, &[])
}

/// Terraform evaluated with the module-convention variables (`create`, `tags`) set too.
fn terraform_with(
    m: &Module,
    tf: &terraform_eval::TfModule,
    b: &Bindings,
    convention: &[(&str, Value)],
) -> Result<Value, String> {
    let mut vars: BTreeMap<String, Value> = m
        .params
        .values()
        .filter_map(|p| {
            let v = match b.params.get(p.name.as_str())? {
                ParamValue::Str(s) | ParamValue::Number(s) => json!(s),
                ParamValue::Bool(x) => json!(x),
                ParamValue::List(l) => json!(l),
            };
            Some((p.name.snake(), v))
        })
        .collect();
    vars.extend(convention.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
    // The stack's name: the variable a module using `${AWS::StackName}` requires.
    if tf.variable_names().iter().any(|v| v == "stack_name") {
        vars.insert("stack_name".into(), json!(b.stack_name));
    }
    let inputs = terraform_eval::Inputs {
        vars,
        partition: b.partition.clone(),
        account: b.account.clone(),
        region: b.region.clone(),
        dns_suffix: b.url_suffix.clone(),
        roles: m.roles.keys().map(|k| (k.snake(), k.pascal())).collect(),
        policies: m.policies.keys().map(|k| (k.snake(), k.pascal())).collect(),
        keys: m.kms_keys.keys().map(|k| (k.snake(), k.pascal())).collect(),
        oidc_providers: m
            .oidc_providers
            .keys()
            .map(|k| (k.snake(), k.logical_id()))
            .collect(),
    };
    tf.evaluate(&inputs)
}

fn cloudformation(m: &Module, cfn: &serde_yaml_ng::Value, b: &Bindings) -> Result<Value, String> {
    cloudformation_with(m, cfn, b, &[])
}

/// CloudFormation resolved with more parameters set (the roles' escape hatches).
fn cloudformation_with(
    m: &Module,
    cfn: &serde_yaml_ng::Value,
    b: &Bindings,
    extra: &[(String, String)],
) -> Result<Value, String> {
    let mut params: BTreeMap<String, String> = m
        .params
        .values()
        .filter_map(|p| {
            let v = match b.params.get(p.name.as_str())? {
                ParamValue::Str(s) | ParamValue::Number(s) => s.clone(),
                ParamValue::Bool(x) => x.to_string(),
                ParamValue::List(l) => l.join(","),
            };
            Some((p.name.as_str().to_owned(), v))
        })
        .collect();
    params.extend(extra.iter().cloned());
    let inputs = cfn_resolve::Inputs {
        params,
        partition: b.partition.clone(),
        account: b.account.clone(),
        region: b.region.clone(),
        url_suffix: b.url_suffix.clone(),
        stack_name: b.stack_name.clone(),
    };
    cfn_resolve::resolve(cfn, &inputs)
}

/// Compares both outputs against the model under one binding; the error is a readable report.
fn check(case: &Case, parsed: &Parsed, label: &str, b: &Bindings) -> Result<(), String> {
    let want = normalize::module(&expected(&case.module, b));
    let mut problems = Vec::new();
    let sides = [
        ("terraform", terraform(&case.module, &parsed.tf, b)),
        (
            "cloudformation",
            cloudformation(&case.module, &parsed.cfn, b),
        ),
    ];
    for (side, got) in sides {
        match got {
            Err(e) => problems.push(format!("  {side} could not be evaluated: {e}")),
            Ok(got) => {
                let d = normalize::diff(&want, &normalize::module(&got), "model", side);
                if !d.is_empty() {
                    problems.push(format!("  model vs {side}:\n    {}", d.join("\n    ")));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} with bindings `{label}` ({}):\n{}",
            case.spec,
            describe(b),
            problems.join("\n")
        ))
    }
}

/// Every binding of a case; the failures, each a report.
fn check_all(case: &Case, parsed: &Parsed) -> Vec<String> {
    variants(&case.module)
        .iter()
        .filter_map(|(label, b)| check(case, parsed, label, b).err())
        .collect()
}

fn assert_equivalent(spec: &str) {
    let case = compile_spec(spec);
    let parsed = parse(&case.files).unwrap_or_else(|e| panic!("{spec}: {e}"));
    let failures = check_all(&case, &parsed);
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

// ---- One test per spec ----

macro_rules! specs {
    ($($test:ident => $path:literal,)*) => {
        $(
            #[test]
            fn $test() {
                assert_equivalent($path);
            }
        )*
        const LISTED: &[&str] = &[$($path),*];
    };
}

specs! {
    fixture_attachments => "tests/fixtures/attachments/spec.yaml",
    fixture_conditions => "tests/fixtures/conditions/spec.yaml",
    fixture_escaping => "tests/fixtures/escaping/spec.yaml",
    fixture_irsa_switch => "tests/fixtures/irsa-switch/spec.yaml",
    fixture_kms_key => "tests/fixtures/kms-key/spec.yaml",
    fixture_list_params => "tests/fixtures/list-params/spec.yaml",
    fixture_managed_policy_lists => "tests/fixtures/managed-policy-lists/spec.yaml",
    fixture_optional_values => "tests/fixtures/optional-values/spec.yaml",
    fixture_parameter_constraints => "tests/fixtures/parameter-constraints/spec.yaml",
    fixture_policy_file => "tests/fixtures/policy-file/spec.yaml",
    fixture_switches => "tests/fixtures/switches/spec.yaml",
    fixture_trust_helpers => "tests/fixtures/trust-helpers/spec.yaml",
    seed_matillion_agent_cfn => "specs/matillion-agent-cfn.yaml",
    seed_matillion_cha_ecs => "specs/matillion-cha-ecs.yaml",
    seed_matillion_streaming_ecs => "specs/matillion-streaming-ecs.yaml",
    seed_poolside_eks => "specs/poolside-eks.yaml",
    seed_stackstate_aws => "specs/stackstate-aws.yaml",
}

/// Parameter constraints: every allowed value and both ends of a range give the same IAM in both
/// outputs, and CloudFormation refuses a value outside them (Terraform's validations are checked
/// by the real `terraform` in `scripts/conformance`; the evaluator here does not run them).
#[test]
fn parameter_constraints_every_allowed_value_alike_and_outside_refused() {
    let case = compile_spec("tests/fixtures/parameter-constraints/spec.yaml");
    let parsed = parse(&case.files).unwrap_or_else(|e| panic!("{e}"));
    let base = Bindings::defaults(&case.module);
    let mut tried = 0;
    let mut failures = Vec::new();
    for p in case.module.params.values() {
        let mut values: Vec<ParamValue> = p
            .allowed_values
            .iter()
            .map(|v| match p.kind {
                ParamKind::Number => ParamValue::Number(v.clone()),
                ParamKind::List => ParamValue::List(vec![v.clone()]),
                _ => ParamValue::Str(v.clone()),
            })
            .collect();
        if p.kind == ParamKind::List {
            values.push(ParamValue::List(p.allowed_values.clone()));
        }
        values.extend(
            [&p.min_value, &p.max_value]
                .into_iter()
                .flatten()
                .map(|n| ParamValue::Number(n.clone())),
        );
        for v in values {
            let b = with_param(&base, p.name.as_str(), v.clone());
            tried += 1;
            if let Err(e) = check(&case, &parsed, &format!("{}={v:?}", p.name.as_str()), &b) {
                failures.push(e);
            }
        }
        let outside = match p.kind {
            ParamKind::Number if !p.allowed_values.is_empty() => {
                Some(ParamValue::Number("4".into()))
            }
            ParamKind::Number => p
                .max_value
                .as_ref()
                .map(|m| ParamValue::Number(format!("{m}1"))),
            ParamKind::List if !p.allowed_values.is_empty() => Some(ParamValue::List(vec![
                p.allowed_values[0].clone(),
                "elsewhere".into(),
            ])),
            ParamKind::String if !p.allowed_values.is_empty() => {
                Some(ParamValue::Str("elsewhere".into()))
            }
            _ => None,
        };
        if let Some(v) = outside {
            let b = with_param(&base, p.name.as_str(), v.clone());
            let got = cloudformation(&case.module, &parsed.cfn, &b);
            assert!(
                got.is_err(),
                "{}={v:?} was accepted by CloudFormation",
                p.name.as_str()
            );
        }
    }
    assert!(tried >= 10, "{tried} bindings tried");
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// Every valid fixture and seed spec on disk (a new one is covered even before it is listed).
fn all_specs() -> Vec<String> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("tests/fixtures")
        .expect("tests/fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path().join("spec.yaml"))
        .filter(|p| p.is_file())
        .collect();
    v.extend(rolegen::build::discover(Path::new("specs")).expect("specs/"));
    v.sort();
    v.iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

#[test]
fn specs_not_listed_above_are_equivalent_too() {
    let all = all_specs();
    assert!(all.len() >= 13, "found only {all:?}");
    for spec in all.iter().filter(|s| !LISTED.contains(&s.as_str())) {
        assert_equivalent(spec);
    }
}

// ---- The Terraform module conventions: `create` and `tags` ----

#[test]
fn create_false_creates_nothing_in_any_module() {
    for spec in all_specs() {
        let case = compile_spec(&spec);
        let parsed = parse(&case.files).unwrap();
        for (label, b) in variants(&case.module) {
            let got = terraform_with(&case.module, &parsed.tf, &b, &[("create", json!(false))])
                .unwrap_or_else(|e| panic!("{spec} `{label}` with create = false: {e}"));
            for kind in ["roles", "policies", "keys", "oidc_providers"] {
                let n = got
                    .get(kind)
                    .and_then(Value::as_object)
                    .map_or(0, |o| o.len());
                assert_eq!(
                    n, 0,
                    "{spec} `{label}`: create = false still makes {kind}: {got:#}"
                );
            }
            // And `create = true` is the default: the same as not setting it.
            let on = terraform_with(&case.module, &parsed.tf, &b, &[("create", json!(true))]);
            assert_eq!(
                on,
                terraform(&case.module, &parsed.tf, &b),
                "{spec} `{label}`"
            );
        }
    }
}

#[test]
fn module_tags_reach_every_role_and_role_tags_win() {
    for spec in all_specs() {
        let case = compile_spec(&spec);
        let parsed = parse(&case.files).unwrap();
        let (_, b) = variants(&case.module).remove(0);
        let module_tags = json!({"team": "platform", "cost-center": "42"});
        let got = terraform_with(&case.module, &parsed.tf, &b, &[("tags", module_tags)])
            .unwrap_or_else(|e| panic!("{spec}: {e}"));
        for r in case.module.roles.values().filter(|r| b.on(&r.when)) {
            let tags = &got["roles"][r.id.pascal()]["tags"];
            for (k, v) in [("team", "platform"), ("cost-center", "42")] {
                let want = match r.tags.get(k) {
                    Some(own) => b.scalar(own),
                    None => v.to_owned(),
                };
                assert_eq!(tags[k], json!(want), "{spec} role {}: {tags:#}", r.id);
            }
            for (k, t) in &r.tags {
                assert_eq!(tags[k], json!(b.scalar(t)), "{spec} role {}", r.id);
            }
        }
    }
}

#[test]
fn every_taggable_terraform_resource_takes_the_module_tags() {
    const TAGGABLE: &[&str] = &[
        "aws_iam_role",
        "aws_iam_policy",
        "aws_iam_instance_profile",
        "aws_kms_key",
    ];
    let mut seen = 0;
    for spec in all_specs() {
        let case = compile_spec(&spec);
        let main = case
            .files
            .iter()
            .find(|f| f.path == "terraform/main.tf")
            .unwrap();
        let body: hcl::Body = hcl::from_str(&main.contents).unwrap();
        for b in body
            .blocks()
            .filter(|b| b.identifier.as_str() == "resource")
        {
            let ty = b.labels[0].as_str();
            let count = b
                .body
                .attributes()
                .find(|a| matches!(a.key.as_str(), "count" | "for_each"));
            let count = count.map(|a| a.expr.to_string()).unwrap_or_default();
            assert!(
                count.starts_with("var.create"),
                "{spec}: {ty} is not gated by var.create: {count}"
            );
            if TAGGABLE.contains(&ty) {
                seen += 1;
                let tags = b.body.attributes().find(|a| a.key.as_str() == "tags");
                let tags = tags.map(|a| a.expr.to_string()).unwrap_or_default();
                assert!(tags.contains("var.tags"), "{spec}: {ty} has tags `{tags}`");
            }
        }
    }
    assert!(seen > 20, "only {seen} taggable resources");
}

#[test]
fn bindings_cover_every_switch_both_ways() {
    for spec in all_specs() {
        let case = compile_spec(&spec);
        let vs = variants(&case.module);
        for sw in case.module.switches() {
            for want in [true, false] {
                assert!(
                    vs.iter().any(|(_, b)| b.on(&Some(sw.clone())) == want),
                    "{spec}: `when: {}` is never {}",
                    sw.display(),
                    if want { "on" } else { "off" }
                );
            }
        }
    }
}

// ---- Escape hatches ----

/// Every hatch of every role set explicitly to its default (Terraform null or `[]`,
/// CloudFormation empty) deploys exactly the model: a hatch left alone changes nothing.
#[test]
fn escape_hatches_at_their_defaults_change_nothing() {
    let mut seen = 0;
    for spec in all_specs() {
        let case = compile_spec(&spec);
        let parsed = parse(&case.files).unwrap();
        let mut tf: Vec<(String, Value)> = Vec::new();
        let mut cfn: Vec<(String, String)> = Vec::new();
        for r in case.module.roles.values() {
            for &h in &r.hatches {
                seen += 1;
                let default = match h {
                    Hatch::AdditionalPolicyArns => json!([]),
                    _ => Value::Null,
                };
                tf.push((h.tf_var(&r.id), default));
                cfn.push((h.cfn_param(&r.id), String::new()));
            }
        }
        let tf: Vec<(&str, Value)> = tf.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        for (label, b) in variants(&case.module) {
            let want = normalize::module(&expected(&case.module, &b));
            let got = terraform_with(&case.module, &parsed.tf, &b, &tf)
                .unwrap_or_else(|e| panic!("{spec} `{label}`: {e}"));
            let d = normalize::diff(&want, &normalize::module(&got), "model", "terraform");
            assert!(d.is_empty(), "{spec} `{label}`: {}", d.join("\n"));
            let got = cloudformation_with(&case.module, &parsed.cfn, &b, &cfn)
                .unwrap_or_else(|e| panic!("{spec} `{label}`: {e}"));
            let d = normalize::diff(&want, &normalize::module(&got), "model", "cloudformation");
            assert!(d.is_empty(), "{spec} `{label}`: {}", d.join("\n"));
        }
    }
    assert!(seen > 40, "only {seen} hatches");
}

/// Set, every hatch does the same in both outputs: the caller's name, path, boundary and
/// session length replace the spec's, and the caller's policies are attached beside the
/// spec's (switched attachments included), nothing else changing.
#[test]
fn escape_hatches_set_do_the_same_in_both_outputs() {
    for spec in all_specs() {
        let case = compile_spec(&spec);
        let parsed = parse(&case.files).unwrap();
        let mut tf: Vec<(String, Value)> = Vec::new();
        let mut cfn: Vec<(String, String)> = Vec::new();
        let extra = [
            "arn:aws:iam::123456789012:policy/caller-one",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
        ];
        for r in case.module.roles.values() {
            for &h in &r.hatches {
                let (t, c) = match h {
                    Hatch::AdditionalPolicyArns => (json!(extra), extra.join(",")),
                    Hatch::PermissionsBoundary => {
                        let v = "arn:aws:iam::123456789012:policy/caller-boundary";
                        (json!(v), v.to_owned())
                    }
                    Hatch::Name => {
                        let v = format!("caller-{}", r.id);
                        (json!(v), v)
                    }
                    Hatch::Path => (json!("/caller/"), "/caller/".to_owned()),
                    Hatch::MaxSessionDuration => (json!(7200), "7200".to_owned()),
                };
                tf.push((h.tf_var(&r.id), t));
                cfn.push((h.cfn_param(&r.id), c));
            }
        }
        let tf: Vec<(&str, Value)> = tf.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        for (label, b) in variants(&case.module) {
            let t = terraform_with(&case.module, &parsed.tf, &b, &tf)
                .unwrap_or_else(|e| panic!("{spec} `{label}`: {e}"));
            let c = cloudformation_with(&case.module, &parsed.cfn, &b, &cfn)
                .unwrap_or_else(|e| panic!("{spec} `{label}`: {e}"));
            let (t, c) = (normalize::module(&t), normalize::module(&c));
            let d = normalize::diff(&t, &c, "terraform", "cloudformation");
            assert!(d.is_empty(), "{spec} `{label}`: {}", d.join("\n"));
            let model = expected(&case.module, &b);
            for r in case.module.roles.values().filter(|r| b.on(&r.when)) {
                let got = &t["roles"][r.id.pascal()];
                let want = &model["roles"][r.id.pascal()];
                let managed = |v: &Value| -> Vec<String> {
                    let mut l: Vec<String> = v["managed"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default();
                    l.sort();
                    l
                };
                let mut want_managed = managed(want);
                if r.has(Hatch::AdditionalPolicyArns) {
                    want_managed.extend(extra.iter().map(|s| s.to_string()));
                    want_managed.sort();
                }
                assert_eq!(managed(got), want_managed, "{spec} `{label}` {}", r.id);
                assert_eq!(
                    got["inline"],
                    normalize::module(&model)["roles"][r.id.pascal()]["inline"],
                    "{spec} {}",
                    r.id
                );
                assert_eq!(
                    got["trust"],
                    normalize::module(&model)["roles"][r.id.pascal()]["trust"],
                    "{spec} {}",
                    r.id
                );
                if r.has(Hatch::Name) {
                    assert_eq!(
                        got["name"],
                        json!(format!("caller-{}", r.id)),
                        "{spec} {}",
                        r.id
                    );
                }
                if r.has(Hatch::Path) {
                    assert_eq!(got["path"], json!("/caller/"), "{spec} {}", r.id);
                }
                if r.has(Hatch::MaxSessionDuration) {
                    assert_eq!(got["max_session"], json!("7200"), "{spec} {}", r.id);
                }
                if r.has(Hatch::PermissionsBoundary) {
                    assert_eq!(
                        got["boundary"],
                        json!("arn:aws:iam::123456789012:policy/caller-boundary"),
                        "{spec} {}",
                        r.id
                    );
                }
            }
        }
    }
}

/// Policy ARNs from a list parameter: empty, one and several ARNs, each with the switch on and
/// off, alike in the model, Terraform and CloudFormation (the defaults alone would try only the
/// empty list).
#[test]
fn managed_policy_lists_of_every_length_alike() {
    let case = compile_spec("tests/fixtures/managed-policy-lists/spec.yaml");
    let parsed = parse(&case.files).unwrap();
    let base = Bindings::defaults(&case.module);
    let arns = [
        "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
        "arn:aws:iam::123456789012:policy/team/extra",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaRole",
    ];
    let mut tried = 0;
    for n in 0..=arns.len() {
        for tracing in [false, true] {
            let list = ParamValue::List(arns[..n].iter().map(|s| s.to_string()).collect());
            let b = with_param(&base, "ExtraPolicyArns", list);
            let b = with_param(
                &b,
                "TeamPolicyArns",
                ParamValue::List(arns[n.min(1)..n].iter().map(|s| s.to_string()).collect()),
            );
            let b = with_param(&b, "Tracing", ParamValue::Bool(tracing));
            let label = format!("{n} ARNs, Tracing={tracing}");
            if let Err(e) = check(&case, &parsed, &label, &b) {
                panic!("{e}");
            }
            let want = expected(&case.module, &b);
            let processor = want["roles"]["Processor"]["managed"]
                .as_array()
                .map_or(0, Vec::len);
            assert_eq!(processor, 1 + usize::from(tracing) + n, "{label}: {want}");
            tried += 1;
        }
    }
    assert_eq!(tried, 8);
}

// ---- Bad output is caught ----

fn switches() -> (Case, Vec<(String, Bindings)>) {
    let case = compile_spec("tests/fixtures/switches/spec.yaml");
    let vs = variants(&case.module);
    (case, vs)
}

fn edit(files: &[OutputFile], path: &str, f: impl Fn(&str) -> String) -> Vec<OutputFile> {
    let mut hit = false;
    let out = files
        .iter()
        .map(|x| {
            if x.path == path {
                let new = f(&x.contents);
                assert_ne!(new, x.contents, "the corruption changed nothing in {path}");
                hit = true;
                OutputFile::new(x.path.clone(), new)
            } else {
                x.clone()
            }
        })
        .collect();
    assert!(hit, "no file {path}");
    out
}

/// Replaces the first `from` after `anchor`.
fn replace_after(text: &str, anchor: &str, from: &str, to: &str) -> String {
    let a = text.find(anchor).unwrap_or_else(|| panic!("no {anchor:?}"));
    let i = a + text[a..]
        .find(from)
        .unwrap_or_else(|| panic!("no {from:?}"));
    format!("{}{to}{}", &text[..i], &text[i + from.len()..])
}

/// The reports of every binding, asserting at least one failed.
fn must_fail(case: &Case, parsed: &Parsed) -> String {
    let failures = check_all(case, parsed);
    assert!(!failures.is_empty(), "the corruption was not caught");
    let report = failures.join("\n\n");
    eprintln!("{report}"); // shown with --nocapture
    report
}

#[test]
fn the_clean_switches_fixture_passes() {
    let (case, _) = switches();
    let parsed = parse(&case.files).unwrap();
    assert_eq!(check_all(&case, &parsed), Vec::<String>::new());
}

#[test]
fn catches_a_statement_missing_from_cloudformation() {
    let (case, vs) = switches();
    let mut parsed = parse(&case.files).unwrap();
    let stmts = parsed.cfn["Resources"]["Worker"]["Properties"]["Policies"][0]["PolicyDocument"]
        ["Statement"]
        .as_sequence_mut()
        .expect("Worker's first inline policy");
    stmts.remove(0); // Sid: Read
    let report = must_fail(&case, &parsed);
    // Every binding sees it, and the report names the place and the statement.
    assert_eq!(check_all(&case, &parsed).len(), vs.len(), "{report}");
    assert!(
        report.contains("roles.Worker.inline.data.Statement: only in model")
            && report.contains("\"Sid\":\"Read\"")
            && report.contains("model vs cloudformation")
            && !report.contains("model vs terraform"),
        "{report}"
    );
}

#[test]
fn catches_a_changed_action_in_terraform() {
    let (case, _) = switches();
    let files = edit(&case.files, "terraform/main.tf", |t| {
        t.replacen("\"dynamodb:GetItem\"", "\"dynamodb:DeleteItem\"", 1)
    });
    let report = must_fail(&case, &parse(&files).unwrap());
    assert!(
        report.contains("model vs terraform")
            && report.contains("[Sid Read].Action")
            && report.contains("dynamodb:deleteitem")
            && !report.contains("model vs cloudformation"),
        "{report}"
    );
}

#[test]
fn catches_a_flipped_count_in_terraform() {
    let (case, vs) = switches();
    let files = edit(&case.files, "terraform/main.tf", |t| {
        replace_after(
            t,
            "resource \"aws_iam_role\" \"auditor\"",
            "var.enable_audit ? 1 : 0",
            "!var.enable_audit ? 1 : 0",
        )
    });
    let parsed = parse(&files).unwrap();
    let report = must_fail(&case, &parsed);
    // With the audit switch off the role exists only in Terraform; with it on, the role is gone
    // and its inline policy's `aws_iam_role.auditor[0]` cannot be evaluated.
    for (label, b) in &vs {
        let r = check(&case, &parsed, label, b);
        assert!(r.is_err(), "{label} passed");
    }
    assert!(
        report.contains("roles.Auditor: only in terraform")
            && report.contains("aws_iam_role.auditor"),
        "{report}"
    );
}

#[test]
fn catches_a_hard_coded_partition_only_in_another_partition() {
    let (case, vs) = switches();
    let files = edit(&case.files, "terraform/main.tf", |t| {
        replace_after(
            t,
            "resource \"aws_iam_role_policy_attachment\" \"worker\"",
            "${data.aws_partition.current.partition}",
            "aws",
        )
    });
    let parsed = parse(&files).unwrap();
    for (label, b) in &vs {
        let r = check(&case, &parsed, label, b);
        assert_eq!(r.is_err(), b.partition != "aws", "{label}: {r:?}");
    }
}

#[test]
fn catches_a_missing_resource_condition_in_cloudformation() {
    let (case, _) = switches();
    let files = edit(&case.files, "cloudformation/switches.yaml", |t| {
        replace_after(t, "  Audit:\n", "    Condition: EnableAuditIsTrue\n", "")
    });
    let report = must_fail(&case, &parse(&files).unwrap());
    assert!(
        report.contains("policies.Audit: only in cloudformation"),
        "{report}"
    );
}

#[test]
fn catches_a_wrong_fn_if_branch_in_cloudformation() {
    let (case, _) = switches();
    let mut parsed = parse(&case.files).unwrap();
    // The XRay attachment is `when: not ReadOnly`: make it follow EnableAuditIsTrue instead
    // (in the list deployed while the additional-policies hatch is empty, its default).
    let arns = parsed.cfn["Resources"]["Worker"]["Properties"]["ManagedPolicyArns"]["Fn::If"][2]
        .as_sequence_mut()
        .unwrap();
    arns[1]["Fn::If"][0] = serde_yaml_ng::Value::String("EnableAuditIsTrue".into());
    let report = must_fail(&case, &parsed);
    assert!(
        report.contains("roles.Worker.managed") && report.contains("AWSXRayDaemonWriteAccess"),
        "{report}"
    );
}

#[test]
fn catches_a_policy_variable_substituted_by_cloudformation() {
    let case = compile_spec("tests/fixtures/escaping/spec.yaml");
    let files = edit(&case.files, "cloudformation/escaping.yaml", |t| {
        t.replace("${!aws:username}", "${aws:username}")
    });
    let report = must_fail(&case, &parse(&files).unwrap());
    assert!(
        report.contains("cloudformation could not be evaluated") && report.contains("aws:username"),
        "{report}"
    );
}

#[test]
fn catches_a_dropped_list_element_in_cloudformation() {
    let case = compile_spec("tests/fixtures/list-params/spec.yaml");
    let files = edit(&case.files, "cloudformation/list-params.yaml", |t| {
        t.replacen("!Ref SecretArns", "!Select [0, !Ref SecretArns]", 1)
    });
    let parsed = parse(&files).unwrap();
    let report = must_fail(&case, &parsed);
    assert!(report.contains("[Sid WholeList].Resource"), "{report}");
    // With one-element lists the two mean the same: only the other bindings fail.
    let passing: Vec<String> = variants(&case.module)
        .into_iter()
        .filter(|(l, b)| check(&case, &parsed, l, b).is_ok())
        .map(|(l, _)| l)
        .collect();
    assert_eq!(passing, ["lists of one element"]);
}

// ---- Known backend mismatches (bugs in rolegen, not in these tests) ----
//
// Each case is a minimal spec that rolegen accepts but whose outputs do not grant the same
// thing (or that a deployment tool rejects). The property they check is "rejected by
// validation, or equivalent": once rolegen is fixed either way, remove the `#[ignore]`.

/// Compiles spec text from a temporary folder; `Ok` if rolegen rejects it or if both outputs
/// are equivalent to the model under every binding.
fn rejected_or_equivalent(name: &str, yaml: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join(format!("{name}.yaml"));
    std::fs::write(&path, yaml).map_err(|e| e.to_string())?;
    let out = compile(std::slice::from_ref(&path), CompileOptions::EMIT);
    if out.diagnostics.has_errors() {
        return Ok(());
    }
    let c = out.modules.into_iter().next().ok_or("no module")?;
    let case = Case {
        spec: format!("{name} (inline spec)"),
        module: c.module,
        files: c.files,
    };
    let parsed = parse(&case.files).map_err(|e| format!("{name}: {e}"))?;
    let failures = check_all(&case, &parsed);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n"))
    }
}

/// Bug: the Terraform names derived from spec keys are not checked for uniqueness:
/// `data "aws_iam_policy_document" "<role>_trust"` (the trust policy) and
/// `"<role>_<inline>"` (an inline policy named `trust`) are the same block, which Terraform
/// rejects ("Duplicate data configuration"). Same for role `app` + inline `x-y` and role `app-x`
/// + inline `y` (`app_x_y`, both the data source and the `aws_iam_role_policy`).
#[test]
fn bug_terraform_names_derived_from_keys_collide() {
    let trust = r#"
module: tf-name-collision
roles:
  app:
    trust:
      - service: [ec2.amazonaws.com]
    inline_policies:
      trust:
        Statement:
          - {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::b/*"}
"#;
    let nested = r#"
module: tf-name-collision-2
roles:
  app:
    trust:
      - service: [ec2.amazonaws.com]
    inline_policies:
      x-y:
        Statement:
          - {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::one/*"}
  app-x:
    trust:
      - service: [ec2.amazonaws.com]
    inline_policies:
      y:
        Statement:
          - {Effect: Allow, Action: s3:PutObject, Resource: "arn:aws:s3:::two/*"}
"#;
    let r1 = rejected_or_equivalent("tf-name-collision", trust);
    let r2 = rejected_or_equivalent("tf-name-collision-2", nested);
    assert!(r1.is_ok() && r2.is_ok(), "{r1:?}\n{r2:?}");
}

/// Bug: the CloudFormation logical ids derived from spec keys (`<Role>InstanceProfile`,
/// `<Role><Inline>Policy` for a switched inline policy, `<Key>Alias`) are not checked against
/// the other logical ids: the stack has a duplicate key under `Resources`, which
/// CloudFormation rejects (and a YAML 1.1 reader silently keeps only the last one).
#[test]
fn bug_cloudformation_logical_ids_derived_from_keys_collide() {
    let profile = r#"
module: cfn-id-collision
roles:
  worker:
    instance_profile: true
    trust:
      - service: [ec2.amazonaws.com]
  worker-instance-profile:
    trust:
      - service: [ec2.amazonaws.com]
"#;
    let policy = r#"
module: cfn-id-collision-2
parameters:
  On: {type: bool, default: true}
roles:
  worker:
    trust:
      - service: [ec2.amazonaws.com]
    inline_policies:
      audit:
        when: On
        Statement:
          - {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::one/*"}
  worker-audit-policy:
    trust:
      - service: [ec2.amazonaws.com]
"#;
    let r1 = rejected_or_equivalent("cfn-id-collision", profile);
    let r2 = rejected_or_equivalent("cfn-id-collision-2", policy);
    assert!(r1.is_ok() && r2.is_ok(), "{r1:?}\n{r2:?}");
}

/// Bug: a document emitted as `Fn::Sub` JSON (a condition key with a placeholder, e.g. IRSA)
/// substitutes parameter values into the JSON text unescaped: a value with `"` or `\` makes
/// the policy invalid JSON (IAM rejects it) while Terraform and the model grant the value.
#[test]
fn bug_parameter_values_unescaped_in_fn_sub_json() {
    let spec = r#"
module: json-escape
parameters:
  OidcProvider: {type: string, default: oidc.eks.us-east-1.amazonaws.com/id/ABC}
  Team: {type: string, default: 'a"b\c'}
roles:
  app:
    name: json-escape-app
    trust:
      - irsa:
          provider: ${OidcProvider}
          namespace: apps
          service_account: [api]
      - statement:
          Effect: Allow
          Principal: {AWS: "arn:aws:iam::111122223333:root"}
          Action: sts:AssumeRole
          Condition:
            StringEquals:
              aws:PrincipalTag/team: ${Team}
"#;
    let r = rejected_or_equivalent("json-escape", spec);
    assert!(r.is_ok(), "{}", r.unwrap_err());
}

/// Bug: an empty `list` parameter next to other values (`Fn::Split`/`Fn::Join` in
/// CloudFormation) adds an empty-string element: CloudFormation grants `Resource: ["",
/// "arn:…:fixed/*"]` where the model and Terraform grant `["arn:…:fixed/*"]`.
#[test]
fn bug_empty_list_parameter_in_cloudformation() {
    let spec = r#"
module: empty-list
parameters:
  Extra: {type: list, default: []}
roles:
  app:
    name: empty-list-app
    trust:
      - service: [ec2.amazonaws.com]
    inline_policies:
      p:
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: ["arn:aws:s3:::fixed/*", "${Extra}"]
"#;
    let r = rejected_or_equivalent("empty-list", spec);
    assert!(r.is_ok(), "{}", r.unwrap_err());
}

#[test]
fn catches_a_moved_block_that_does_not_land_on_an_instance() {
    let case = compile_spec("tests/fixtures/moved/spec.yaml");
    for (from, to) in [
        ("aws_iam_role.task[0]", "aws_iam_role.task[1]"),
        (
            "to   = aws_iam_role.task[0]",
            "to   = aws_iam_role.tasks[0]",
        ),
        // A rename to an address the module does not declare, from one it still declares,
        // or to another type.
        ("to   = aws_iam_role.task\n", "to   = aws_iam_role.tasks\n"),
        (
            "from = aws_iam_role.app_task\n",
            "from = aws_iam_role.task\n",
        ),
        (
            "to   = aws_iam_policy.logs_read\n",
            "to   = aws_kms_key.data_key\n",
        ),
        // The attachment of the renamed policy: to another resource, or to the same key.
        (
            "to   = aws_iam_role_policy_attachment.task[\"logs_read\"]",
            "to   = aws_iam_role_policy_attachment.other[\"logs_read\"]",
        ),
        (
            "from = aws_iam_role_policy_attachment.task[\"read_logs\"]",
            "from = aws_iam_role_policy_attachment.task[\"logs_read\"]",
        ),
    ] {
        let files = edit(&case.files, "terraform/moved.tf", |t| {
            t.replacen(from, to, 1)
        });
        let parsed = parse(&files).unwrap();
        let report = must_fail(&case, &parsed);
        assert!(report.contains("moved"), "{report}");
    }
}

/// A named condition that tests another value in one output is caught under the bindings
/// where the two outcomes differ, in either output.
#[test]
fn catches_a_changed_named_condition_in_either_output() {
    let case = compile_spec("tests/fixtures/conditions/spec.yaml");
    let tf = edit(&case.files, "terraform/main.tf", |t| {
        t.replacen("var.env == \"prod\"", "var.env != \"dev\"", 1)
    });
    let report = must_fail(&case, &parse(&tf).unwrap());
    assert!(report.contains("Env=Str(\"staging\")"), "{report}");
    let cfn = edit(&case.files, "cloudformation/conditions.yaml", |t| {
        replace_after(
            t,
            "HasAlarmTopic:",
            "!Ref AlarmTopicArn",
            "!Ref ExtraBucketArn",
        )
    });
    let report = must_fail(&case, &parse(&cfn).unwrap());
    assert!(report.contains("AlarmTopicArn=Str(\"\")"), "{report}");
}

/// The `mappings` fixture: its model, files and the variants.
fn mappings_case() -> (Case, Parsed, Vec<(String, Bindings)>) {
    let case = compile_spec("tests/fixtures/mappings/spec.yaml");
    let parsed = parse(&case.files).unwrap();
    let vs = variants(&case.module);
    (case, parsed, vs)
}

#[test]
fn mapping_lookups_agree_for_every_entry() {
    let (case, parsed, vs) = mappings_case();
    // Every entry of every mapping is picked by some variant, and both outputs agree there.
    for l in lookups(&case.module) {
        for (entry, value) in &l.values {
            let label = format!("{}[{entry}]", l.spec());
            let (_, b) = vs
                .iter()
                .find(|(_, b)| b.lookup_entry(&l) == *entry)
                .unwrap_or_else(|| panic!("no variant picks {label}"));
            assert_eq!(b.lookup(&l), *value);
            check(&case, &parsed, &label, b).unwrap();
        }
    }
    // The region-keyed mapping has no GovCloud or China entry: those variants are left out.
    assert!(!vs.iter().any(|(_, b)| b.region == "cn-north-1"));
}

#[test]
fn mapping_lookups_fail_where_the_entry_is_missing() {
    let (case, parsed, _) = mappings_case();
    let mut b = Bindings::defaults(&case.module);
    b.region = "ap-south-1".into();
    let cfn = cloudformation(&case.module, &parsed.cfn, &b).unwrap_err();
    assert!(
        cfn.contains("mapping LogBuckets has no entry ap-south-1"),
        "{cfn}"
    );
    let tf = terraform(&case.module, &parsed.tf, &b).unwrap_err();
    assert!(
        tf.contains("ap-south-1") || tf.to_lowercase().contains("index"),
        "{tf}"
    );
    let l = lookups(&case.module)
        .into_iter()
        .find(|l| l.map == "LogBuckets")
        .unwrap();
    assert_eq!(b.lookup(&l), "<LogBuckets[ap-south-1] is missing>");
    // A parameter value the mapping lacks: CloudFormation refuses it as not allowed.
    let b = with_param(
        &Bindings::defaults(&case.module),
        "Environment",
        ParamValue::Str("staging".into()),
    );
    assert!(cloudformation(&case.module, &parsed.cfn, &b).is_err());
    assert!(terraform(&case.module, &parsed.tf, &b).is_err());
}

/// The `split-issuer` fixture: pieces of a parameter and of the region agree for issuers of
/// several clusters and partitions, and fail both outputs where the value has too few pieces
/// (Terraform indexes, it does not wrap around as `element` would).
#[test]
fn pieces_agree_and_fail_where_the_value_is_short() {
    let case = compile_spec("tests/fixtures/split-issuer/spec.yaml");
    let parsed = parse(&case.files).unwrap();
    let base = Bindings::defaults(&case.module);
    let issuers = [
        "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
        "https://oidc.eks.us-gov-west-1.amazonaws.com/id/FEDCBA9876543210",
        // A third piece: the index picks the second, as both backends do.
        "https://oidc.example//extra",
    ];
    for issuer in issuers {
        let b = with_param(
            &base,
            "ClusterOidcIssuerUrl",
            ParamValue::Str(issuer.into()),
        );
        check(&case, &parsed, issuer, &b).unwrap();
    }
    let mut gov = base.clone();
    gov.partition = "aws-us-gov".into();
    gov.region = "us-gov-west-1".into();
    check(&case, &parsed, "GovCloud", &gov).unwrap();
    // No `//`: one piece, no piece 1.
    let b = with_param(
        &base,
        "ClusterOidcIssuerUrl",
        ParamValue::Str("oidc.eks.eu-west-1.amazonaws.com/id/ABC".into()),
    );
    let cfn = cloudformation(&case.module, &parsed.cfn, &b).unwrap_err();
    assert!(cfn.contains("out of range"), "{cfn}");
    let tf = terraform(&case.module, &parsed.tf, &b).unwrap_err();
    assert!(tf.to_lowercase().contains("index"), "{tf}");
    let x = case
        .module
        .roles
        .values()
        .find_map(|r| {
            let mut found = None;
            r.trust.statements.iter().for_each(|s| {
                s.conditions.iter().for_each(|c| {
                    if found.is_none() {
                        found = c.key.pieces().next().cloned();
                    }
                })
            });
            found
        })
        .expect("a condition key holds the piece");
    assert_eq!(
        b.piece(&x),
        "<split(\"//\", ClusterOidcIssuerUrl)[1] is out of range>"
    );
}
