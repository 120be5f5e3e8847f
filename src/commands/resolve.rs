//! `rolegen resolve`: what a spec grants as concrete IAM JSON, for given parameters.

use super::report;
use crate::build::{compile, CompileOptions};
use crate::cli::{write_stdout, Format, INPUT_ERROR, OK};
use codespan_reporting::term::termcolor::WriteColor;
use std::collections::HashMap;
use std::path::Path;

/// What `resolve` puts for the pseudo parameters.
pub struct Pseudo {
    /// `${AWS::AccountId}`.
    pub account: String,
    /// `${AWS::Partition}`.
    pub partition: String,
    /// `${AWS::Region}`.
    pub region: String,
    /// `${AWS::StackName}`.
    pub stack_name: String,
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

/// Runs `rolegen resolve`; returns the exit code.
pub fn run(spec: &Path, params: &[String], pseudo: Pseudo, err: &mut dyn WriteColor) -> u8 {
    let outcome = compile(&[spec.to_path_buf()], CompileOptions::VALIDATE);
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
    b.stack_name = pseudo.stack_name;
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
