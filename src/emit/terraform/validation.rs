//! The `validation` blocks of a module's variables: number ranges, string lengths and
//! allowed values, each as Terraform checks it and with the message it prints.

use super::hcl::{quote_literal, Block};
use crate::model::{ParamKind, Parameter};

/// The `validation` block of a number variable's `min_value`/`max_value`.
pub(super) fn range_validation(
    name: &str,
    min: &Option<String>,
    max: &Option<String>,
) -> Option<Block> {
    let subject = format!("var.{name}");
    let both = |lo: &str, hi: &str| format!("between {lo} and {hi}");
    bounds_validation(name, &subject, (min.as_deref(), max.as_deref()), both, "")
}

/// A `validation` block of `subject >= min && subject <= max` (either alone when the other is
/// missing); the error message says `both(min, max)`, or the one bound followed by `unit`.
fn bounds_validation(
    name: &str,
    subject: &str,
    (min, max): (Option<&str>, Option<&str>),
    both: impl Fn(&str, &str) -> String,
    unit: &str,
) -> Option<Block> {
    let (cond, says) = match (min, max) {
        (Some(lo), Some(hi)) => (
            format!("{subject} >= {lo} && {subject} <= {hi}"),
            both(lo, hi),
        ),
        (Some(lo), None) => (format!("{subject} >= {lo}"), format!("at least {lo}{unit}")),
        (None, Some(hi)) => (format!("{subject} <= {hi}"), format!("at most {hi}{unit}")),
        (None, None) => return None,
    };
    let mut v = Block::new("validation", &[]);
    v.attr("condition", cond);
    v.attr(
        "error_message",
        quote_literal(&format!("The value of {name} must be {says}.")),
    );
    Some(v)
}

/// The `validation` block of `allowed_values`: `contains()` of the value, or of each item of a
/// list.
pub(super) fn allowed_validation(name: &str, p: &Parameter) -> Option<Block> {
    if p.allowed_values.is_empty() {
        return None;
    }
    let items: Vec<String> = p
        .allowed_values
        .iter()
        .map(|v| match p.kind {
            ParamKind::Number => v.clone(),
            _ => quote_literal(v),
        })
        .collect();
    let set = format!("[{}]", items.join(", "));
    let cond = match p.kind {
        ParamKind::List => format!("alltrue([for v in var.{name} : contains({set}, v)])"),
        _ => format!("contains({set}, var.{name})"),
    };
    let mut v = Block::new("validation", &[]);
    v.attr("condition", cond);
    v.attr(
        "error_message",
        quote_literal(&format!(
            "The value of {name} must be one of {}.",
            p.allowed_values.join(", ")
        )),
    );
    Some(v)
}

/// The `validation` block of a string variable's `min_length`/`max_length`: `length()` between
/// the bounds (rolegen requires a printable-ASCII pattern with them, RG013, where `length()`
/// counts as CloudFormation's MinLength/MaxLength do).
pub(super) fn length_validation(name: &str, min: Option<u32>, max: Option<u32>) -> Option<Block> {
    let (lo, hi) = (min.map(|n| n.to_string()), max.map(|n| n.to_string()));
    let subject = format!("length(var.{name})");
    let both = |lo: &str, hi: &str| format!("{lo} to {hi} characters long");
    let bounds = (lo.as_deref(), hi.as_deref());
    bounds_validation(name, &subject, bounds, both, " characters long")
}
