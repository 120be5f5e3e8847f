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
#[path = "equivalence/terraform_collect.rs"]
mod terraform_collect;
#[path = "equivalence/terraform_documents.rs"]
mod terraform_documents;
#[path = "equivalence/terraform_eval.rs"]
pub(crate) mod terraform_eval;
#[path = "equivalence/terraform_functions.rs"]
mod terraform_functions;

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
pub(crate) struct Case {
    pub(crate) spec: String,
    pub(crate) module: Module,
    pub(crate) files: Vec<OutputFile>,
}

pub(crate) fn compile_spec(spec: &str) -> Case {
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
pub(crate) struct Parsed {
    pub(crate) tf: terraform_eval::TfModule,
    pub(crate) cfn: serde_yaml_ng::Value,
}

pub(crate) fn parse(files: &[OutputFile]) -> Result<Parsed, String> {
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

pub(crate) fn with_param(b: &Bindings, name: &str, v: ParamValue) -> Bindings {
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
pub(crate) fn variants(m: &Module) -> Vec<(String, Bindings)> {
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
pub(crate) fn lookups(m: &Module) -> Vec<Lookup> {
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
/// grants but must still agree (boundary, max session, description, tags, policy path and
/// description).
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
            .filter_map(|(k, t)| Some((k.clone(), json!(b.optional(m, t)?))))
            .collect::<serde_json::Map<_, _>>()
            .into();
    }
    for p in m.policies.values().filter(|p| b.on(&p.when)) {
        let e = &mut v["policies"][p.id.pascal()];
        e["path"] = json!(p.path.as_ref().map(|t| b.scalar(t)).unwrap_or("/".into()));
        e["description"] = json!(p.description.as_ref().map(|t| b.scalar(t)));
    }
    v
}

pub(crate) fn terraform(
    m: &Module,
    tf: &terraform_eval::TfModule,
    b: &Bindings,
) -> Result<Value, String> {
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

pub(crate) fn cloudformation(
    m: &Module,
    cfn: &serde_yaml_ng::Value,
    b: &Bindings,
) -> Result<Value, String> {
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
pub(crate) fn check(case: &Case, parsed: &Parsed, label: &str, b: &Bindings) -> Result<(), String> {
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
pub(crate) fn check_all(case: &Case, parsed: &Parsed) -> Vec<String> {
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
            // A role's tag that may be nothing, while empty, leaves the module's.
            let own = |k: &str| r.tags.get(k).and_then(|t| b.optional(&case.module, t));
            for (k, v) in [("team", "platform"), ("cost-center", "42")] {
                let want = own(k).unwrap_or_else(|| v.to_owned());
                assert_eq!(tags[k], json!(want), "{spec} role {}: {tags:#}", r.id);
            }
            for k in r.tags.keys() {
                if let Some(want) = own(k) {
                    assert_eq!(tags[k], json!(want), "{spec} role {}", r.id);
                }
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
