//! Parameters: types, defaults, patterns, lengths, number bounds, allowed values and the console's labels and groups
//! (`Metadata: AWS::CloudFormation::Interface`) as spec parameters.

use super::*;

impl Cx<'_> {
    pub(super) fn parameters(&mut self) {
        let root = self.root;
        let ps = match root.get("Parameters") {
            None => return,
            Some(N::Map(ps)) => ps,
            Some(_) => {
                self.issue(
                    &Loc::root().key("Parameters"),
                    "`Parameters` is not a mapping",
                );
                return;
            }
        };
        let console = interface(root);
        for (name, p) in ps {
            let loc = Loc::root().key("Parameters").key(name);
            if name == crate::model::conventions::EXPORT_PREFIX {
                self.note(&loc, format!("`{name}` is read as the stack's export-name prefix, which every rolegen stack has; it is not a spec parameter"));
                continue;
            }
            let N::Map(entries) = p else {
                self.issue(&loc, "a parameter is a mapping with a `Type`");
                continue;
            };
            let ty = p.get("Type").and_then(N::literal).unwrap_or_default();
            let allowed: Option<Vec<String>> = match p.get("AllowedValues") {
                Some(N::Seq(v)) => v.iter().map(N::literal).collect(),
                _ => None,
            };
            let is_bool = ty == "String"
                && allowed.as_ref().is_some_and(|a| {
                    let mut a = a.clone();
                    a.sort();
                    a == ["false", "true"]
                });
            let kind = match ty.as_str() {
                "String" if is_bool => ParamKind::Bool,
                "String" => ParamKind::String,
                "Number" => ParamKind::Number,
                "CommaDelimitedList" => ParamKind::List,
                t if t.starts_with("List<") => ParamKind::List,
                t if t.starts_with("AWS::SSM::Parameter::Value<") => {
                    // Only what is left out uses it (a launch template's AMI): it is left out
                    // with them (a note), whatever its type.
                    if self.iam_words(&HashSet::new()).contains(name.as_str()) {
                        self.issue(&loc.key("Type"), format!("`{t}` reads its value from SSM Parameter Store at deploy time; the spec takes the value itself"));
                    }
                    if t.contains("List<") || t.ends_with("CommaDelimitedList>") {
                        ParamKind::List
                    } else {
                        ParamKind::String
                    }
                }
                t if t.starts_with("AWS::") => {
                    self.note(&loc.key("Type"), format!("`{t}` is read as a string: the spec does not check that the resource exists"));
                    ParamKind::String
                }
                "" => {
                    self.issue(&loc, "the parameter has no Type; read as a string");
                    ParamKind::String
                }
                t => {
                    self.issue(
                        &loc.key("Type"),
                        format!("unknown parameter type `{t}`; read as a string"),
                    );
                    ParamKind::String
                }
            };
            self.kinds.insert(name.clone(), kind);
            let mut e: Vec<(String, Y)> = vec![("type".into(), Y::s(kind.as_str()))];
            if let Some(d) = p.get("Default") {
                if let Some(y) = self.param_default(kind, d, &loc.key("Default")) {
                    e.push(("default".into(), y));
                }
            }
            if let Some(d) = p.get("Description").and_then(N::literal) {
                e.push(("description".into(), Y::s(d)));
            }
            let pattern = p.get("AllowedPattern").and_then(N::literal);
            if let (Some(vals), false) = (&allowed, is_bool) {
                if kind == ParamKind::Bool {
                    self.issue(
                        &loc.key("AllowedValues"),
                        "AllowedValues on a bool parameter cannot be expressed",
                    );
                } else {
                    let item = |v: &String| match kind {
                        ParamKind::Number => Y::Num(v.trim().to_owned()),
                        _ => Y::s(v.clone()),
                    };
                    e.push((
                        "allowed_values".into(),
                        Y::Seq(vals.iter().map(item).collect()),
                    ));
                }
            } else if p.get("AllowedValues").is_some() && allowed.is_none() {
                self.issue(
                    &loc.key("AllowedValues"),
                    "AllowedValues is not a list of values",
                );
            }
            let lengths_fit = kind == ParamKind::String
                && pattern
                    .as_deref()
                    .is_some_and(crate::lower::pattern::printable_ascii_only);
            if let Some(pat) = pattern {
                if kind == ParamKind::Number || kind == ParamKind::Bool {
                    self.issue(
                        &loc.key("AllowedPattern"),
                        "a pattern on a number parameter cannot be expressed",
                    );
                } else {
                    if let Err(problem) = crate::lower::pattern::check(&pat) {
                        self.issue(
                            &loc.key("AllowedPattern"),
                            format!("RG012: `{pat}`: {}; {}", problem.message, problem.help),
                        );
                    }
                    e.push(("pattern".into(), Y::s(pat)));
                }
            }
            for (cfn, key) in [("MinLength", "min_length"), ("MaxLength", "max_length")] {
                let Some(v) = p.get(cfn) else { continue };
                let n = N::literal(v).and_then(|n| n.parse::<u32>().ok());
                // Every allowed value within the bound: the bound refuses nothing more.
                let redundant = |n: u32| {
                    allowed.as_ref().is_some_and(|vals| {
                        vals.iter().all(|v| {
                            let len = v.chars().count();
                            if cfn == "MinLength" {
                                len >= n as usize
                            } else {
                                len <= n as usize
                            }
                        })
                    })
                };
                match (lengths_fit, n) {
                    (true, Some(n)) => e.push((key.into(), Y::Num(n.to_string()))),
                    (false, Some(n)) if kind == ParamKind::String && redundant(n) => self.note(
                        &loc.key(cfn),
                        format!("`{cfn}` is not carried: every allowed value fits it, so it refuses nothing more"),
                    ),
                    _ => self.issue(
                        &loc.key(cfn),
                        format!("`{cfn}` cannot be expressed here: a spec carries it as a whole number on a String parameter whose AllowedPattern admits printable ASCII only (RG013; Terraform's length() counts grapheme clusters)"),
                    ),
                }
            }
            for (cfn, key) in [("MinValue", "min_value"), ("MaxValue", "max_value")] {
                let Some(v) = p.get(cfn) else { continue };
                let n = N::literal(v).filter(|n| n.trim().parse::<f64>().is_ok());
                match (kind, n) {
                    (ParamKind::Number, Some(n)) => e.push((key.into(), Y::Num(n.trim().into()))),
                    _ => self.issue(
                        &loc.key(cfn),
                        format!("`{cfn}` cannot be expressed here: a spec carries it as a number on a Number parameter"),
                    ),
                }
            }
            if let Some(label) = console.labels.get(name.as_str()) {
                e.push(("label".into(), Y::s(label)));
            }
            if let Some(group) = console.groups.get(name.as_str()) {
                e.push(("group".into(), Y::s(group)));
            }
            for (k, _) in entries {
                match k.as_str() {
                    "Type" | "Default" | "Description" | "AllowedPattern" | "AllowedValues"
                    | "MinLength" | "MaxLength" | "MinValue" | "MaxValue" => {}
                    // A secret (`NoEcho`) is carried; a switch cannot be one (RG006).
                    "NoEcho"
                        if kind != ParamKind::Bool
                            && p.get(k)
                                .and_then(N::literal)
                                .is_some_and(|v| v.eq_ignore_ascii_case("true")) =>
                    {
                        e.push(("secret".into(), Y::Bool(true)));
                    }
                    "ConstraintDescription" | "NoEcho" => self.note(
                        &loc.key(k),
                        format!("`{k}` is not carried (no effect on what the roles grant)"),
                    ),
                    other => self.issue(
                        &loc.key(other),
                        format!("unknown parameter property `{other}`"),
                    ),
                }
            }
            self.params_y.push((name.clone(), Y::Map(e)));
        }
    }

    pub(super) fn param_default(&mut self, kind: ParamKind, d: &N, loc: &Loc) -> Option<Y> {
        match (kind, d) {
            (ParamKind::List, N::Seq(items)) => {
                let v: Option<Vec<String>> = items.iter().map(N::literal).collect();
                match v {
                    Some(v) => Some(Y::Seq(v.into_iter().map(Y::Str).collect())),
                    None => {
                        self.issue(loc, "the default is not a list of strings");
                        None
                    }
                }
            }
            (_, d) => {
                let Some(text) = d.literal() else {
                    self.issue(loc, format!("the default is {}, not a value", d.kind()));
                    return None;
                };
                match kind {
                    ParamKind::Bool => Some(Y::Bool(text == "true")),
                    ParamKind::Number => {
                        if text.trim().parse::<f64>().is_ok() {
                            Some(Y::Num(text.trim().to_owned()))
                        } else {
                            self.issue(loc, format!("`{text}` is not a number"));
                            None
                        }
                    }
                    // An empty text is no items: what the template means by it (`Fn::Join` of
                    // the list is empty either way), and a spec list may be empty where it
                    // attaches policies and nowhere else, so it stays visible.
                    ParamKind::List if text.is_empty() => Some(Y::Seq(Vec::new())),
                    ParamKind::List => Some(Y::Seq(
                        text.split(',').map(|s| Y::s(s.to_owned())).collect(),
                    )),
                    ParamKind::String => Some(Y::Str(text)),
                }
            }
        }
    }
}

/// The console's view of the parameters (`Metadata: AWS::CloudFormation::Interface`).
#[derive(Default)]
struct Console {
    /// Parameter → its `ParameterLabels` label.
    labels: HashMap<String, String>,
    /// Parameter → its group's label, for groups other than rolegen's default "Parameters".
    groups: HashMap<String, String>,
}

fn interface(root: &N) -> Console {
    let mut c = Console::default();
    let Some(i) = root
        .get("Metadata")
        .and_then(|m| m.get("AWS::CloudFormation::Interface"))
    else {
        return c;
    };
    if let Some(N::Map(labels)) = i.get("ParameterLabels") {
        for (name, l) in labels {
            if let Some(text) = l.get("default").and_then(N::literal) {
                c.labels.insert(name.clone(), text);
            }
        }
    }
    if let Some(N::Seq(groups)) = i.get("ParameterGroups") {
        for g in groups {
            let label = g
                .get("Label")
                .and_then(|l| l.get("default"))
                .and_then(N::literal);
            let (Some(label), Some(N::Seq(params))) = (label, g.get("Parameters")) else {
                continue;
            };
            if label == "Parameters" {
                continue;
            }
            for p in params.iter().filter_map(N::literal) {
                c.groups.insert(p, label.clone());
            }
        }
    }
    c
}
