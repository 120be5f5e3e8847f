//! `parameters:` and what refers to them: each parameter's type, default, bounds, allowed
//! values, pattern and length, checked against each other; placeholder templates
//! (`${Param}`) and `when:` switches, which name a declared parameter.

use super::template::{self, PlaceholderError};
use super::{pattern, Ctx, Lowerer, TERRAFORM_RESERVED_VARIABLES};
use crate::diagnostics::Diagnostic;
use crate::model::*;
use crate::rules;
use crate::source::YamlPath;
use crate::spec::{ParamKindSpec, Spec};
use crate::suggest::closest;

impl Lowerer<'_> {
    /// A name that becomes a CloudFormation logical name as written (a parameter's, a
    /// condition's): alphanumeric, starting with a letter, at most 255 characters.
    pub(super) fn check_logical_name(&mut self, what: &str, name: &str, path: &YamlPath) {
        let ok = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.bytes().all(|b| b.is_ascii_alphanumeric())
            && name.len() <= 255;
        if !ok {
            self.error_key(
                &rules::WRONG_TYPE,
                path,
                format!("{what} name `{name}` must be alphanumeric and start with a letter (CloudFormation's rule)"),
                format!("rename it to `{}`", crate::model::names::pascal(name)),
            );
        }
    }

    pub(super) fn parameters(&mut self, spec: &Spec, path: &YamlPath) {
        for (name, p) in &spec.parameters {
            let ppath = path.key(name);
            self.check_logical_name("parameter", name, &ppath);
            let tf_name = crate::model::names::snake(name);
            if crate::model::conventions::CONVENTION_VARIABLES
                .iter()
                .any(|(v, ..)| *v == tf_name)
            {
                self.error_key(
                    &rules::WRONG_TYPE,
                    &ppath,
                    format!("parameter `{name}` becomes the Terraform variable `{tf_name}`, which every rolegen module already has (the module's `create` toggle and `tags`)"),
                    format!("rename it, e.g. `{}Value`", crate::model::names::pascal(name)),
                );
            } else if name == crate::model::conventions::EXPORT_PREFIX {
                self.error_key(
                    &rules::WRONG_TYPE,
                    &ppath,
                    format!("parameter `{name}` is the CloudFormation parameter every rolegen stack already has (the prefix of its output export names)"),
                    format!("rename it, e.g. `{name}Value`"),
                );
            } else if TERRAFORM_RESERVED_VARIABLES.contains(&tf_name.as_str()) {
                self.error_key(
                    &rules::WRONG_TYPE,
                    &ppath,
                    format!("parameter `{name}` becomes the Terraform variable `{tf_name}`, a name Terraform reserves"),
                    format!("rename it, e.g. `{}Value`", crate::model::names::pascal(name)),
                );
            }
            let kind = match p.kind {
                ParamKindSpec::String => ParamKind::String,
                ParamKindSpec::List => ParamKind::List,
                ParamKindSpec::Number => ParamKind::Number,
                ParamKindSpec::Bool => ParamKind::Bool,
            };
            if p.secret && kind == ParamKind::Bool {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    &ppath.key("secret"),
                    format!("parameter `{name}` is a `bool` marked `secret`: a bool switches resources, and Terraform cannot count resources by a sensitive value"),
                    "remove `secret: true` (a switch is no secret)".into(),
                );
            }
            let default = p
                .default
                .as_ref()
                .and_then(|v| self.param_value(kind, v, &ppath.key("default")));
            let example = p
                .example
                .as_ref()
                .and_then(|v| self.param_value(kind, v, &ppath.key("example")));
            let values = [("default", default.as_ref()), ("example", example.as_ref())];
            self.pattern_and_length(p, kind, &ppath, &values);
            let (min_value, max_value, allowed_values) =
                self.value_bounds(p, kind, &ppath, &values);
            let pattern_takes_empty = !p
                .pattern
                .as_deref()
                .is_some_and(super::pattern::rejects_empty);
            let takes_empty = pattern_takes_empty
                && (allowed_values.is_empty() || allowed_values.iter().any(String::is_empty));
            self.params.insert(
                ParamName(name.clone()),
                Parameter {
                    name: ParamName(name.clone()),
                    kind,
                    default,
                    description: p.description.clone(),
                    pattern: p.pattern.clone(),
                    min_length: p.min_length,
                    max_length: p.max_length,
                    min_value,
                    max_value,
                    allowed_values,
                    example,
                    label: p.label.clone(),
                    group: p.group.clone(),
                    secret: p.secret,
                    takes_empty,
                    origin: ppath,
                },
            );
        }
    }

    /// A parameter's `min_value`/`max_value` (numbers only) and `allowed_values` (not bools),
    /// and that the default and example `values` fit them (RG006).
    fn value_bounds(
        &mut self,
        p: &crate::spec::ParameterSpec,
        kind: ParamKind,
        at: &YamlPath,
        values: &[(&str, Option<&ParamValue>)],
    ) -> (Option<String>, Option<String>, Vec<String>) {
        let bound = |l: &mut Self, key: &str, v: &Option<serde_yaml_ng::Value>| {
            let v = v.as_ref()?;
            if kind != ParamKind::Number {
                l.error(
                    &rules::PARAMETER_MISUSE,
                    &at.key(key),
                    format!("`{key}` applies to `number` parameters only (CloudFormation has MinValue/MaxValue for Number only)"),
                    "remove it, or make the parameter a `number`".into(),
                );
                return None;
            }
            match l.param_value(ParamKind::Number, v, &at.key(key)) {
                Some(ParamValue::Number(n)) => Some(n),
                _ => None,
            }
        };
        let min = bound(self, "min_value", &p.min_value);
        let max = bound(self, "max_value", &p.max_value);
        let num = |s: &str| s.parse::<f64>().ok();
        if let (Some(lo), Some(hi)) = (min.as_deref().and_then(num), max.as_deref().and_then(num)) {
            if lo > hi {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    &at.key("min_value"),
                    format!("`min_value` {lo} is greater than `max_value` {hi}: no value fits"),
                    "swap them".into(),
                );
            }
        }
        let mut allowed = Vec::new();
        if let Some(list) = &p.allowed_values {
            let apath = at.key("allowed_values");
            if kind == ParamKind::Bool {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    &apath,
                    "a bool parameter's values are `true` and `false` already".into(),
                    "remove `allowed_values`".into(),
                );
            } else if list.is_empty() {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    &apath,
                    "`allowed_values` is empty: no value fits".into(),
                    "list the values, or remove the key".into(),
                );
            } else {
                let item_kind = match kind {
                    ParamKind::Number => ParamKind::Number,
                    _ => ParamKind::String,
                };
                for (i, v) in list.iter().enumerate() {
                    if let Some(ParamValue::Str(s) | ParamValue::Number(s)) =
                        self.param_value(item_kind, v, &apath.index(i))
                    {
                        if item_kind == ParamKind::String && s.contains(',') {
                            self.error(
                                &rules::PARAMETER_MISUSE,
                                &apath.index(i),
                                format!("`{s}` holds a comma: CloudFormation's AllowedValues is a comma-separated list to some readers"),
                                "choose values without commas".into(),
                            );
                        }
                        allowed.push(s);
                    }
                }
            }
        }
        let outside = |b: &Option<String>, x: f64, below: bool| {
            let bound = b.as_deref()?;
            let y = num(bound)?;
            ((below && x < y) || (!below && x > y)).then(|| bound.to_owned())
        };
        self.refuse_values(at, values, |item| {
            if !allowed.is_empty() && !allowed.iter().any(|a| a == item) {
                return Some(format!(
                    "is not one of `allowed_values` ({})",
                    allowed.join(", ")
                ));
            }
            let x = num(item)?;
            if let Some(lo) = outside(&min, x, true) {
                Some(format!("is less than `min_value` {lo}"))
            } else {
                outside(&max, x, false).map(|hi| format!("is greater than `max_value` {hi}"))
            }
        });
        (min, max, allowed)
    }

    /// Checks a parameter's `pattern` (RG012: both regex dialects read it alike) and
    /// `min_length`/`max_length` (strings only; RG013: counted alike by both backends), and
    /// that the default and example `values` fit them (RG006).
    fn pattern_and_length(
        &mut self,
        p: &crate::spec::ParameterSpec,
        kind: ParamKind,
        at: &YamlPath,
        values: &[(&str, Option<&ParamValue>)],
    ) {
        let mut parsed = None;
        if let Some(pat) = &p.pattern {
            if kind == ParamKind::Bool {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    &at.key("pattern"),
                    "a bool parameter cannot have a pattern".into(),
                    "remove `pattern`".into(),
                );
            } else {
                match pattern::check(pat) {
                    Ok(ast) => parsed = Some(ast),
                    Err(problem) => {
                        let d = Diagnostic::new(
                            &rules::REGEX_DIALECT,
                            format!("pattern `{pat}`: {}", problem.message),
                        )
                        .help(problem.help)
                        .at(Some(self.file.locate_within(
                            &at.key("pattern"),
                            pat,
                            problem.span,
                        )));
                        self.diags.push(d);
                    }
                }
            }
        }
        self.values_fit(p, at, parsed.as_ref(), values);
        if p.min_length.is_none() && p.max_length.is_none() {
            return;
        }
        let key = if p.min_length.is_some() {
            "min_length"
        } else {
            "max_length"
        };
        if kind != ParamKind::String {
            self.error(
                &rules::PARAMETER_MISUSE,
                &at.key(key),
                format!("`{key}` applies to `string` parameters only (CloudFormation has MinLength/MaxLength for String only)"),
                "remove it, or bound each item with the `pattern`".into(),
            );
            return;
        }
        if let (Some(min), Some(max)) = (p.min_length, p.max_length) {
            if min > max {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    &at.key("min_length"),
                    format!("`min_length` {min} is greater than `max_length` {max}: no value fits"),
                    "swap them".into(),
                );
            }
        }
        match (&p.pattern, &parsed) {
            (None, _) => self.error(
                &rules::LENGTH_COUNT,
                &at.key(key),
                format!("`{key}` without a `pattern`: Terraform's `length()` counts grapheme clusters and CloudFormation counts characters, so the bounds differ for values outside printable ASCII"),
                "add a `pattern` that admits printable ASCII only, e.g. `[A-Za-z0-9+=,.@_-]+`".into(),
            ),
            (Some(pat), Some(ast)) => {
                if let Some(range) = pattern::non_printable_ascii(ast) {
                    let d = Diagnostic::new(
                        &rules::LENGTH_COUNT,
                        format!("pattern `{pat}` admits characters outside printable ASCII (`{}`), where Terraform's `length()` (grapheme clusters) and CloudFormation (characters) count the `{key}` bound differently", pat.get(range.clone()).unwrap_or_default()),
                    )
                    .help("narrow the pattern to printable ASCII (`' '`–`'~'`), e.g. `[A-Za-z0-9._-]` instead of `[^/]` or `.`")
                    .at(Some(self.file.locate_within(&at.key("pattern"), pat, range)));
                    self.diags.push(d);
                }
            }
            // The pattern itself was rejected (RG012).
            (Some(_), None) => {}
        }
    }

    /// The parameter's own default and example must pass its pattern and length bounds (as
    /// Terraform's validation and CloudFormation would check them at deploy time).
    fn values_fit(
        &mut self,
        p: &crate::spec::ParameterSpec,
        at: &YamlPath,
        parsed: Option<&regex_syntax::ast::Ast>,
        values: &[(&str, Option<&ParamValue>)],
    ) {
        self.refuse_values(at, values, |item| {
            let refused = match (&p.pattern, parsed) {
                (Some(pat), Some(ast)) => pattern::matches(pat, ast, item) == Some(false),
                _ => false,
            };
            let len = item.chars().count();
            let short = p.min_length.filter(|&n| len < n as usize);
            let long = p.max_length.filter(|&n| len > n as usize);
            if refused {
                Some(format!(
                    "does not match the parameter's pattern `{}`",
                    p.pattern.as_deref().unwrap_or_default()
                ))
            } else if let Some(n) = short {
                Some(format!("has {len} characters, fewer than `min_length` {n}"))
            } else {
                long.map(|n| format!("has {len} characters, more than `max_length` {n}"))
            }
        });
    }

    /// RG006 for the first item of each of `values` (a default, an example; each item of a
    /// list, at its index) that `refuses` says why it refuses.
    fn refuse_values(
        &mut self,
        at: &YamlPath,
        values: &[(&str, Option<&ParamValue>)],
        refuses: impl Fn(&str) -> Option<String>,
    ) {
        for (key, value) in values {
            let items: Vec<(&str, YamlPath)> = match value {
                Some(ParamValue::Str(s) | ParamValue::Number(s)) => {
                    vec![(s.as_str(), at.key(key))]
                }
                Some(ParamValue::List(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (s.as_str(), at.key(key).index(i)))
                    .collect(),
                Some(ParamValue::Bool(_)) | None => continue,
            };
            if let Some((item, item_at, what)) = items
                .into_iter()
                .find_map(|(item, item_at)| Some((item, item_at, refuses(item)?)))
            {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    &item_at,
                    format!("the {key} `{item}` {what}: Terraform's validation and CloudFormation would refuse it"),
                    format!("change the {key}, or the parameter's constraints"),
                );
            }
        }
    }

    fn param_value(
        &mut self,
        kind: ParamKind,
        v: &serde_yaml_ng::Value,
        path: &YamlPath,
    ) -> Option<ParamValue> {
        use serde_yaml_ng::Value as V;
        let scalar = |v: &V| match v {
            V::String(s) => Some(s.clone()),
            V::Number(n) => Some(n.to_string()),
            V::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        let out = match (kind, v) {
            (ParamKind::String, V::String(s)) => Some(ParamValue::Str(s.clone())),
            (ParamKind::Number, V::Number(n)) => Some(ParamValue::Number(n.to_string())),
            (ParamKind::Bool, V::Bool(b)) => Some(ParamValue::Bool(*b)),
            (ParamKind::List, V::Sequence(items)) => items
                .iter()
                .map(scalar)
                .collect::<Option<Vec<_>>>()
                .map(ParamValue::List),
            _ => None,
        };
        if out.is_none() {
            self.error(
                &rules::PARAMETER_MISUSE,
                path,
                format!("this value does not fit a `{}` parameter", kind.as_str()),
                match kind {
                    ParamKind::String => {
                        "write a string (quote it if YAML would read it as a number or boolean)"
                    }
                    ParamKind::List => "write a list of strings: `[a, b]`",
                    ParamKind::Number => "write a number",
                    ParamKind::Bool => "write `true` or `false`",
                }
                .into(),
            );
        }
        if let Some(ParamValue::Number(n)) = &out {
            // Terraform interpolates a number in its shortest form (`2.0` → `2`, `1e3` →
            // `1000`) while CloudFormation keeps the text: only the shortest form means the same
            // in a name, ARN or condition in both.
            let shortest = n.parse::<f64>().ok().map(|f| f.to_string());
            if shortest.as_deref() != Some(n.as_str()) {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    path,
                    format!("the number `{n}` reads differently in the two outputs (Terraform writes it as `{}`)", shortest.as_deref().unwrap_or("?")),
                    format!("write it as `{}`", shortest.as_deref().unwrap_or("a plain integer")),
                );
                return None;
            }
        }
        if let Some(ParamValue::List(items)) = &out {
            if items.iter().any(|i| i.contains(',')) {
                self.error(
                    &rules::PARAMETER_MISUSE,
                    path,
                    "a list item contains a comma".into(),
                    "CloudFormation passes lists as comma-separated text; remove the comma".into(),
                );
                return None;
            }
        }
        out
    }

    /// An empty list is a value only where IAM takes none: as the policy ARNs a role attaches
    /// (`arn: ${List}`). Anywhere else (a Resource, a principal, a condition value) IAM has no
    /// empty value list, and CloudFormation cannot drop an empty list spliced next to other
    /// values: a default or example `[]` of a parameter used there is an error.
    pub(super) fn empty_lists(&mut self, m: &Module) {
        let empty =
            |v: &Option<ParamValue>| matches!(v, Some(ParamValue::List(items)) if items.is_empty());
        // The list parameters with an empty default or example, with where it is written; the
        // templates are read only when there is one (the usual spec has none).
        let mut candidates: Vec<(&str, YamlPath)> = Vec::new();
        for p in m.params.values().filter(|p| p.kind == ParamKind::List) {
            for (field, value) in [("default", &p.default), ("example", &p.example)] {
                if empty(value) {
                    candidates.push((p.name.as_str(), p.origin.key(field)));
                }
            }
        }
        if candidates.is_empty() {
            return;
        }
        let mut in_templates: std::collections::HashSet<String> = std::collections::HashSet::new();
        m.visit_templates(|t| {
            for p in t.params() {
                in_templates.insert(p.as_str().to_owned());
            }
        });
        let bad: Vec<YamlPath> = candidates
            .into_iter()
            .filter(|(name, _)| in_templates.contains(*name))
            .map(|(_, path)| path)
            .collect();
        for path in bad {
            self.error(&rules::PARAMETER_MISUSE, &path, "a list parameter's value must have at least one item".into(), "IAM has no empty value lists, and CloudFormation cannot drop an empty list spliced next to other values; give at least one item (an empty list is a value only where the parameter is attached as policy ARNs: `arn: ${List}` under `managed_policies`)".into());
        }
    }

    /// Parses a placeholder string; `ctx` decides whether a list parameter may appear.
    pub(crate) fn template(&mut self, s: &str, ctx: Ctx, path: &YamlPath) -> Template {
        let params = &self.params;
        let oidc = &self.oidc;
        let keys = &self.keys;
        let provider = |name: &str| {
            if let Some(id) = name.strip_prefix("kms_keys.") {
                // A switched key may not exist: nothing outside its switch may name it.
                let id = keys
                    .get_key_value(id)
                    .filter(|(_, switched)| !**switched)?
                    .0;
                return Some(Part::ProviderArn(Box::new(ProviderArn {
                    id: Created::Key(id.clone()),
                    arn: super::kms::kms_key_arn(id),
                    when: None,
                })));
            }
            let id = name.strip_prefix("oidc_providers.")?;
            let p = oidc.get(&OidcProviderId(id.to_owned()))?;
            Some(Part::ProviderArn(Box::new(ProviderArn {
                id: Created::Oidc(p.id.clone()),
                arn: super::trust::oidc_provider_arn(&p.issuer),
                when: p.when.clone(),
            })))
        };
        let mappings = &self.mappings;
        let lookup = |body: &str| super::mappings::lookup(body, mappings, params);
        match template::parse_with_providers(s, |n| params.contains_key(n), provider, lookup) {
            Ok(t) => {
                let lists: Vec<&ParamName> = t
                    .params()
                    .filter(|p| {
                        self.params
                            .get(*p)
                            .is_some_and(|x| x.kind == ParamKind::List)
                    })
                    .collect();
                self.check_pieces(&t, path);
                if !lists.is_empty() && t.lookups().next().is_some() {
                    self.error(
                        &rules::MAPPING,
                        path,
                        format!(
                            "`{s}` holds a mapping lookup and the list parameter `{}`",
                            lists[0]
                        ),
                        "write the lookup and the list in separate values".into(),
                    );
                } else if ctx == Ctx::Scalar && !lists.is_empty() {
                    let msg = format!(
                        "the list parameter `{}` is used where one value is needed",
                        lists[0]
                    );
                    self.error(&rules::PARAMETER_MISUSE, path, msg, "use a `string` parameter here, or move the value to a list position (Resource, principal, condition value)".into());
                } else if lists.len() > 1 {
                    let msg = format!(
                        "`{s}` holds {} list parameters; a string may expand at most one",
                        lists.len()
                    );
                    self.error(
                        &rules::LIST_IN_STRING,
                        path,
                        msg,
                        "split it into separate values, one list parameter each".into(),
                    );
                }
                t
            }
            Err(e) => {
                let (rule, msg, help) = match e {
                    PlaceholderError::Unterminated => (&rules::UNDECLARED_PARAMETER, format!("`{s}` has a `${{` without a closing `}}`"), "close the placeholder, or write `$${` for a literal `${`".to_owned()),
                    PlaceholderError::Empty => (&rules::UNDECLARED_PARAMETER, format!("`{s}` has an empty placeholder `${{}}`"), "name a parameter inside, or write `$${}` for literal text".to_owned()),
                    PlaceholderError::UnknownPseudo(p) => (
                        &rules::UNDECLARED_PARAMETER,
                        format!("`AWS::{p}` is not a pseudo parameter rolegen supports"),
                        "use one of ${AWS::Partition}, ${AWS::AccountId}, ${AWS::Region}, ${AWS::URLSuffix}, ${AWS::StackName}".to_owned(),
                    ),
                    PlaceholderError::UnknownPolicyVariable(v) => (
                        &rules::UNDECLARED_PARAMETER,
                        format!("`${{{v}}}` is neither a parameter nor an IAM policy variable"),
                        format!("IAM policy variables start with one of: {}; write `$${{` for a literal `${{`", template::POLICY_VARIABLE_PREFIXES.join(", ")),
                    ),
                    PlaceholderError::UnknownProvider(id, attr) if attr == "arn" => {
                        let help = match closest(&id, self.oidc.keys().map(OidcProviderId::as_str)) {
                            Some(c) => format!("did you mean `${{oidc_providers.{c}.arn}}`?"),
                            None => "declare it under `oidc_providers:`; a provider's URL cannot name a provider".into(),
                        };
                        (&rules::OIDC_PROVIDER_RESOURCE, format!("`{id}` in `${{oidc_providers.{id}.arn}}` is not an OIDC provider of this module"), help)
                    }
                    PlaceholderError::UnknownProvider(id, attr) => (
                        &rules::OIDC_PROVIDER_RESOURCE,
                        format!("`${{oidc_providers.{id}.{attr}}}`: a spec string takes only a provider's `arn`"),
                        format!("write `${{oidc_providers.{id}.arn}}`; the trust helpers take the provider itself (`oidc_provider: {id}`)"),
                    ),
                    PlaceholderError::UnknownKey(id, attr) if attr == "arn" => {
                        let msg = match self.keys.get(id.as_str()) {
                            Some(_) => format!("`${{kms_keys.{id}.arn}}`: the key is switched by `when:`; it may not exist where this string is"),
                            None => format!("`{id}` in `${{kms_keys.{id}.arn}}` is not a KMS key of this module"),
                        };
                        let help = match (self.keys.get(id.as_str()), closest(&id, self.keys.keys().map(KeyId::as_str))) {
                            (Some(_), _) => "remove the key's `when:`, or write the key's ARN some other way (a parameter)".into(),
                            (None, Some(c)) => format!("did you mean `${{kms_keys.{c}.arn}}`?"),
                            (None, None) => "declare it under `kms_keys:`".into(),
                        };
                        (&rules::UNDECLARED_PARAMETER, msg, help)
                    }
                    PlaceholderError::UnknownKey(id, attr) => (
                        &rules::UNDECLARED_PARAMETER,
                        format!("`${{kms_keys.{id}.{attr}}}`: a spec string takes only a key's `arn`"),
                        format!("write `${{kms_keys.{id}.arn}}`"),
                    ),
                    PlaceholderError::Lookup(msg, help) => (&rules::MAPPING, msg, help),
                    PlaceholderError::Piece(msg, help) => (&rules::PARAMETER_MISUSE, msg, help),
                    PlaceholderError::Undeclared(n) => {
                        let help = match closest(&n, self.params.keys().map(ParamName::as_str)) {
                            Some(c) => format!("did you mean `${{{c}}}`? Otherwise declare `{n}` under `parameters:`"),
                            None => format!("declare it under `parameters:` (`{n}: {{type: string}}`), or write `$${{{n}}}` for literal text"),
                        };
                        (&rules::UNDECLARED_PARAMETER, format!("`${{{n}}}` is not a declared parameter"), help)
                    }
                };
                self.error(rule, path, msg, help);
                Template::lit(s)
            }
        }
    }

    /// A `${split(...)[i]}` cuts a `string` parameter, and its default, example and allowed
    /// values have the piece (a value without it fails both backends at deploy time).
    fn check_pieces(&mut self, t: &Template, path: &YamlPath) {
        for x in t.pieces() {
            let crate::model::LookupKey::Param(n) = &x.of else {
                continue;
            };
            let Some(p) = self.params.get(n) else {
                continue;
            };
            if p.kind != ParamKind::String {
                let msg = format!(
                    "`${{{}}}` splits `{n}`, a {} parameter",
                    x.spec(),
                    p.kind.as_str()
                );
                self.error(&rules::PARAMETER_MISUSE, path, msg, "split a `string` parameter (CloudFormation passes a list as one comma-joined text and Terraform cannot split it)".into());
                continue;
            }
            let values = [&p.default, &p.example]
                .into_iter()
                .filter_map(|v| match v {
                    Some(ParamValue::Str(s)) => Some(s.clone()),
                    _ => None,
                })
                .chain(p.allowed_values.iter().cloned());
            let short: Option<String> = values.into_iter().find(|v| x.of_value(v).is_none());
            if let Some(v) = short {
                let msg = format!(
                    "`${{{}}}`: `{n}`'s value `{v}` has {} piece(s) at `{}`, no piece {}",
                    x.spec(),
                    v.split(x.delim.as_str()).count(),
                    x.delim,
                    x.index
                );
                let help = format!("give `{n}` a default, example and allowed values that hold the delimiter at least {} time(s): where the piece is missing, CloudFormation's `Fn::Select` and Terraform's index both fail the deployment", x.index);
                self.error(&rules::PARAMETER_MISUSE, path, msg, help);
            }
        }
    }

    /// A `when:` value: `Flag` or `not Flag`, where Flag is a declared bool parameter or a
    /// named condition.
    pub(crate) fn switch(&mut self, when: Option<&str>, path: &YamlPath) -> Option<Switch> {
        let w = when?.trim();
        let (negated, name) = match w.strip_prefix("not ") {
            Some(n) => (true, n.trim()),
            None => (false, w),
        };
        if let Some(c) = self.conds.get(name) {
            // A condition with errors was reported where it is written.
            return c.clone().map(|t| Switch {
                param: ParamName(name.to_owned()),
                negated,
                test: Some(t),
            });
        }
        match self.params.get(name) {
            Some(p) if p.kind == ParamKind::Bool => Some(Switch {
                param: ParamName(name.to_owned()),
                negated,
                test: None,
            }),
            Some(p) => {
                let msg = format!(
                    "`when:` needs a bool parameter or a condition; `{name}` is a {}",
                    p.kind.as_str()
                );
                let help = match p.kind {
                    ParamKind::String => format!("name a condition that tests it (`conditions: {{Has{name}: {{not_empty: {name}}}}}` or `{{equals: [{name}, <value>]}}`), or declare a bool parameter"),
                    ParamKind::List => format!("name a condition that tests it (`conditions: {{Has{name}: {{not_empty: {name}}}}}`)"),
                    _ => "declare a bool parameter (`Enable...: {type: bool, default: false}`) and use it here".into(),
                };
                self.error(&rules::PARAMETER_MISUSE, path, msg, help);
                None
            }
            None => {
                let names: Vec<String> = self.conds.keys().cloned().collect();
                let mut names: Vec<&str> = names.iter().map(String::as_str).collect();
                names.sort_unstable();
                let help = self.unknown_switch_help(name, names.into_iter());
                self.error(
                    &rules::UNDECLARED_PARAMETER,
                    path,
                    format!("`when: {w}` names no declared bool parameter and no condition"),
                    help,
                );
                None
            }
        }
    }

    pub(super) fn opt_template(
        &mut self,
        s: &Option<String>,
        ctx: Ctx,
        path: &YamlPath,
    ) -> Option<Template> {
        s.as_ref().map(|s| self.template(s, ctx, path))
    }

    /// A field that takes literal text only (`$${` still writes `${`): a placeholder there is
    /// an error rather than text that reaches AWS unresolved.
    pub(super) fn literal_text(
        &mut self,
        s: &Option<String>,
        what: &str,
        path: &YamlPath,
    ) -> Option<String> {
        let t = self.opt_template(s, Ctx::Scalar, path)?;
        let literal = t.as_literal();
        if literal.is_none() {
            self.error(
                &rules::WRONG_TYPE,
                path,
                format!(
                    "{what} takes literal text; `{}` holds a placeholder",
                    t.display()
                ),
                "write the value out (use `$${` for a literal `${`)".into(),
            );
        }
        literal
    }

    /// A KMS key's `deletion_window`: 7 to 30 days, or `${Param}` of a number parameter.
    pub(super) fn deletion_window(
        &mut self,
        d: Option<&crate::spec::NumberSpec>,
        path: &YamlPath,
    ) -> Option<Template> {
        let help = "write 7 to 30 (days), or `${Param}` of a number parameter (give it min_value: 7, max_value: 30)";
        match d? {
            crate::spec::NumberSpec::Value(n) if !(7..=30).contains(n) => {
                self.error(
                    &rules::WRONG_TYPE,
                    path,
                    format!("deletion_window {n} is outside the 7 to 30 days KMS accepts"),
                    help.into(),
                );
                None
            }
            d => self.number_or_param(d, "deletion_window", "a number of days", help, path),
        }
    }

    /// A whole number written out, or `${Param}` of one number parameter (anything else is
    /// reported: `what` is `a number of days`, `help` how to fix it). The range is the
    /// caller's to check.
    pub(super) fn number_or_param(
        &mut self,
        d: &crate::spec::NumberSpec,
        key: &str,
        what: &str,
        help: &str,
        path: &YamlPath,
    ) -> Option<Template> {
        match d {
            crate::spec::NumberSpec::Value(n) => Some(Template::lit(n.to_string())),
            crate::spec::NumberSpec::Param(s) => {
                let t = self.template(s, Ctx::Scalar, path);
                let number = t
                    .as_single_param()
                    .and_then(|p| self.params.get(p))
                    .is_some_and(|p| p.kind == ParamKind::Number);
                if number {
                    Some(t)
                } else {
                    self.error(
                        &rules::WRONG_TYPE,
                        path,
                        format!("{key} `{s}` is neither {what} nor one number parameter"),
                        help.into(),
                    );
                    None
                }
            }
        }
    }
}
