//! Named conditions (`conditions:`): each lowered once, in any order of reference, to a
//! [`Test`]; unknown names, cycles, operands of the wrong type and malformed tests are
//! errors at the offending node.

use super::Lowerer;
use crate::model::*;
use crate::rules;
use crate::source::YamlPath;
use crate::spec::{NamedConditionSpec, NamedConditionTestSpec, Spec};
use crate::suggest::closest;
use std::sync::Arc;

/// Deepest nesting of tests inside one condition.
const MAX_DEPTH: usize = 32;

impl Lowerer<'_> {
    /// Lowers every named condition (after the parameters, before anything says `when:`).
    pub(super) fn named_conditions(&mut self, spec: &Spec, path: &YamlPath) {
        for name in spec.conditions.keys() {
            let cpath = path.key(name);
            self.check_logical_name("condition", name, &cpath);
            let export = format!("Has{}", crate::model::conventions::EXPORT_PREFIX);
            if *name == export {
                self.error_key(
                    &rules::DUPLICATE_NAME,
                    &cpath,
                    format!("every rolegen stack already has the CloudFormation condition `{export}` (its output exports)"),
                    format!("rename the condition, e.g. `{export}Value`"),
                );
            }
            if spec.parameters.contains_key(name) {
                self.error_key(
                    &rules::CONDITION,
                    &cpath,
                    format!("condition `{name}` has the name of a parameter: `when: {name}` would name both"),
                    format!("rename the condition, e.g. `Is{name}` or `Has{name}`"),
                );
            }
        }
        let mut stack = Vec::new();
        for name in spec.conditions.keys() {
            self.named_condition(spec, name, path, &mut stack);
        }
    }

    /// The named condition `name`, lowered on first use; `None` if it has errors (reported
    /// once, where it is written) or is part of a cycle.
    fn named_condition(
        &mut self,
        spec: &Spec,
        name: &str,
        path: &YamlPath,
        stack: &mut Vec<String>,
    ) -> Option<Arc<Test>> {
        if let Some(c) = self.conds.get(name) {
            return c.clone();
        }
        let cspec = spec.conditions.get(name)?;
        let cpath = path.key(name);
        if let Some(at) = stack.iter().position(|s| s == name) {
            let mut cycle: Vec<&str> = stack[at..].iter().map(String::as_str).collect();
            cycle.push(name);
            self.error_key(
                &rules::CONDITION,
                &cpath,
                format!(
                    "conditions refer to each other in a cycle: {}",
                    cycle.join(" → ")
                ),
                "write one of them without naming the others".into(),
            );
            // Reported once: the cycle's members are then lowered as failed.
            for member in &stack[at..] {
                self.conds.insert(member.clone(), None);
            }
            return None;
        }
        stack.push(name.to_owned());
        let test = self.test(spec, cspec, &cpath, path, stack, 0);
        stack.pop();
        if self.conds.get(name).is_some_and(Option::is_none) {
            return None; // part of a cycle found below
        }
        let test = test.map(Arc::new);
        self.conds.insert(name.to_owned(), test.clone());
        if let Some(t) = &test {
            self.conditions.insert(
                ParamName(name.to_owned()),
                NamedCondition {
                    name: ParamName(name.to_owned()),
                    test: t.clone(),
                    origin: cpath,
                },
            );
        }
        test
    }

    fn test(
        &mut self,
        spec: &Spec,
        c: &NamedConditionSpec,
        at: &YamlPath,
        root: &YamlPath,
        stack: &mut Vec<String>,
        depth: usize,
    ) -> Option<Test> {
        if depth > MAX_DEPTH {
            self.error(
                &rules::INPUT_LIMIT,
                at,
                format!("conditions nest deeper than {MAX_DEPTH}"),
                "name the inner tests as conditions of their own".into(),
            );
            return None;
        }
        let t = match c {
            NamedConditionSpec::Name(n) => return self.condition_name(spec, n, at, root, stack),
            NamedConditionSpec::Test(t) => t,
        };
        let NamedConditionTestSpec {
            equals,
            not_empty,
            and,
            or,
            not,
        } = &**t;
        let given = [
            equals.is_some(),
            not_empty.is_some(),
            and.is_some(),
            or.is_some(),
            not.is_some(),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            self.error(
                &rules::CONDITION,
                at,
                "a condition test has exactly one of `equals`, `not_empty`, `and`, `or`, `not`"
                    .into(),
                "write one test per mapping; combine tests with `and:` or `or:`".into(),
            );
            return None;
        }
        if let Some(e) = equals {
            return self.equals(&e.values, &at.key("equals"));
        }
        if let Some(p) = not_empty {
            let ppath = at.key("not_empty");
            let param = self.typed_param(
                p.as_str(),
                &ppath,
                "not_empty",
                &[ParamKind::String, ParamKind::List],
            )?;
            let list = self
                .params
                .get(&param)
                .is_some_and(|x| x.kind == ParamKind::List);
            return Some(Test::NotEmpty(param, list));
        }
        if let Some(x) = not {
            return self
                .test(spec, x, &at.key("not"), root, stack, depth + 1)
                .map(|t| Test::Not(Box::new(t)));
        }
        let (key, items) = match (and, or) {
            (Some(v), _) => ("and", v),
            (_, Some(v)) => ("or", v),
            _ => return None,
        };
        if items.len() < 2 {
            self.error(
                &rules::CONDITION,
                &at.key(key),
                format!("`{key}:` combines at least two conditions"),
                "write the one condition itself instead".into(),
            );
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for (i, x) in items.iter().enumerate() {
            match self.test(spec, x, &at.key(key).index(i), root, stack, depth + 1) {
                Some(t) => out.push(t),
                None => ok = false,
            }
        }
        ok.then(|| {
            if key == "and" {
                Test::And(out)
            } else {
                Test::Or(out)
            }
        })
    }

    /// `Flag`, `not Flag`, `Cond`, `not Cond`.
    fn condition_name(
        &mut self,
        spec: &Spec,
        text: &str,
        at: &YamlPath,
        root: &YamlPath,
        stack: &mut Vec<String>,
    ) -> Option<Test> {
        let w = text.trim();
        let (negated, name) = match w.strip_prefix("not ") {
            Some(n) => (true, n.trim()),
            None => (false, w),
        };
        let t = if spec.conditions.contains_key(name) {
            let t = self.named_condition(spec, name, root, stack)?;
            Test::Named(ParamName(name.to_owned()), t)
        } else {
            match self.params.get(name) {
                Some(p) if p.kind == ParamKind::Bool => Test::Flag(p.name.clone()),
                Some(p) => {
                    let msg = format!("a condition named by itself is a bool parameter or another condition; `{name}` is a {} parameter", p.kind.as_str());
                    let help = match p.kind {
                        ParamKind::List => format!("test it with `{{not_empty: {name}}}`"),
                        _ => format!("test it with `{{equals: [{name}, <value>]}}` or `{{not_empty: {name}}}`"),
                    };
                    self.error(&rules::PARAMETER_MISUSE, at, msg, help);
                    return None;
                }
                None => {
                    let help =
                        self.unknown_switch_help(name, spec.conditions.keys().map(String::as_str));
                    self.error(
                        &rules::UNDECLARED_PARAMETER,
                        at,
                        format!("`{w}` names no bool parameter and no condition"),
                        help,
                    );
                    return None;
                }
            }
        };
        Some(if negated { Test::Not(Box::new(t)) } else { t })
    }

    /// Did-you-mean over the bool parameters and the named conditions.
    pub(super) fn unknown_switch_help<'c>(
        &'c self,
        name: &str,
        conditions: impl Iterator<Item = &'c str>,
    ) -> String {
        let bools = self
            .params
            .values()
            .filter(|p| p.kind == ParamKind::Bool)
            .map(|p| p.name.as_str());
        let names: Vec<&str> = bools.chain(conditions).collect();
        match closest(name, names.iter().copied()) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!("declare `{name}: {{type: bool, default: false}}` under `parameters:` or a condition `{name}:` under `conditions:`; write `not {name}` for the opposite"),
        }
    }

    /// `equals: [Param, value]`.
    fn equals(&mut self, values: &[String], at: &YamlPath) -> Option<Test> {
        let [p, v] = values else {
            self.error(
                &rules::CONDITION,
                at,
                format!(
                    "`equals:` takes a parameter and a value; it has {} item(s)",
                    values.len()
                ),
                "write `equals: [Env, prod]`".into(),
            );
            return None;
        };
        let param = self.typed_param(p, &at.index(0), "equals", &[ParamKind::String])?;
        if v.contains("${") {
            self.error(
                &rules::CONDITION,
                &at.index(1),
                format!("`{v}`: `equals:` compares a parameter with literal text"),
                "write the value itself; to compare two parameters, name each value in its own condition".into(),
            );
            return None;
        }
        let allowed = self
            .params
            .get(&param)
            .map(|x| x.allowed_values.clone())
            .unwrap_or_default();
        if !allowed.is_empty() && !allowed.contains(v) {
            let help = match closest(v, allowed.iter().map(String::as_str)) {
                Some(c) => format!(
                    "did you mean `{c}`? `{p}` takes only {}",
                    allowed.join(", ")
                ),
                None => format!("`{p}` takes only {}", allowed.join(", ")),
            };
            self.error(
                &rules::CONDITION,
                &at.index(1),
                format!("`{p}` never equals `{v}`: it is not among its `allowed_values`"),
                help,
            );
            return None;
        }
        Some(Test::Equals(param, v.clone()))
    }

    /// A declared parameter of one of `kinds`, or an error at `at`.
    fn typed_param(
        &mut self,
        name: &str,
        at: &YamlPath,
        test: &str,
        kinds: &[ParamKind],
    ) -> Option<ParamName> {
        let kinds_text = kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(" or ");
        match self.params.get(name) {
            Some(p) if kinds.contains(&p.kind) => Some(p.name.clone()),
            Some(p) => {
                let help = match p.kind {
                    ParamKind::Bool => {
                        format!("name the bool parameter itself (`{name}` or `not {name}`)")
                    }
                    ParamKind::List => format!("test a list with `{{not_empty: {name}}}`"),
                    _ => format!("`{test}:` takes a {kinds_text} parameter"),
                };
                self.error(
                    &rules::PARAMETER_MISUSE,
                    at,
                    format!(
                        "`{test}:` needs a {kinds_text} parameter; `{name}` is a {}",
                        p.kind.as_str()
                    ),
                    help,
                );
                None
            }
            None => {
                let candidates = self
                    .params
                    .values()
                    .filter(|p| kinds.contains(&p.kind))
                    .map(|p| p.name.as_str());
                let help = match closest(name, candidates) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => format!("declare `{name}: {{type: string}}` under `parameters:`"),
                };
                self.error(
                    &rules::UNDECLARED_PARAMETER,
                    at,
                    format!("`{name}` is not a declared parameter"),
                    help,
                );
                None
            }
        }
    }
}
