//! `variable` blocks as spec parameters: types, defaults, descriptions, the validations rolegen
//! writes (patterns, lengths, number bounds, allowed values), and the module conventions `create`
//! and `tags`, and `stack_name` (a required string: `${AWS::StackName}`).

use super::*;

impl Tf {
    pub(super) fn variable(&mut self, fi: usize, b: &Block) -> Option<(String, Y)> {
        let tfname = b.labels.first()?.clone();
        let name = pascal(&tfname);
        let at = self.at(fi, b.line, &format!("variable.{tfname}"));
        if let Some(what) = convention(&tfname, b) {
            self.note(
                &at,
                format!("`{tfname}` is read as the module's {what}; it is not a spec parameter"),
            );
            self.conventions.insert(tfname);
            return None;
        }
        let kind = match b.body.attr("type").map(|a| &a.expr) {
            None => {
                self.note(&at, "the variable has no type; read as a string");
                ParamKind::String
            }
            Some(Expr::Var(t, s)) if s.is_empty() => match t.as_str() {
                "string" => ParamKind::String,
                "number" => ParamKind::Number,
                "bool" => ParamKind::Bool,
                other => {
                    self.issue(
                        &at,
                        format!("type `{other}` cannot be expressed; read as a string"),
                    );
                    ParamKind::String
                }
            },
            Some(Expr::Call(f, args, _))
                if (f == "list" || f == "set")
                    && matches!(args.as_slice(), [Expr::Var(t, s)] if t == "string" && s.is_empty()) =>
            {
                ParamKind::List
            }
            Some(_) => {
                self.issue(&at, "this variable type cannot be expressed (string, number, bool, list(string)); read as a string");
                ParamKind::String
            }
        };
        self.vars.insert(tfname.clone(), (name.clone(), kind));
        let mut e = vec![("type".to_owned(), Y::s(kind.as_str()))];
        if let Some(d) = b.body.attr("default") {
            let y = match (&d.expr, kind) {
                (Expr::Bool(v), ParamKind::Bool) => Some(Y::Bool(*v)),
                (Expr::Num(n), ParamKind::Number) => Some(Y::Num(n.clone())),
                (Expr::Tuple(items), ParamKind::List) => items
                    .iter()
                    .map(|i| i.literal().map(Y::Str))
                    .collect::<Option<Vec<_>>>()
                    .map(Y::Seq),
                (Expr::Null, _) => None,
                (x, ParamKind::String) => x.literal().map(Y::Str),
                _ => None,
            };
            if let Some(Y::Str(text)) = &y {
                self.text_defaults.insert(tfname.clone(), text.clone());
            }
            match y {
                Some(Y::Seq(items)) if items.is_empty() => {
                    self.empty_lists.push((name.clone(), at.clone()));
                    e.push(("default".into(), Y::Seq(items)));
                }
                Some(y) => {
                    if kind == ParamKind::String && y.as_str() == Some("") {
                        self.empty_defaults.insert(tfname.clone());
                    }
                    e.push(("default".into(), y));
                }
                None if matches!(d.expr, Expr::Null) => {
                    if kind == ParamKind::String {
                        self.null_defaults.insert(tfname.clone());
                    }
                }
                None => self.issue(&at, "the default cannot be expressed as a spec value"),
            }
        }
        if let Some(d) = b.body.attr("description").and_then(|a| a.expr.literal()) {
            e.push(("description".into(), Y::s(d)));
        }
        // Length bounds go after the pattern, in the spec's key order.
        let mut lengths: Vec<(String, Y)> = Vec::new();
        let mut length_at = None;
        let mut ascii_pattern = false;
        let mut not_empty_at = None;
        for v in b.body.blocks("validation") {
            // rolegen's own check that a required list is not empty: built again from the spec.
            let required_list = v.body.attr("condition").is_some_and(|c| match &c.expr {
                Expr::Binary(op, l, r) => {
                    op == ">"
                        && r.literal().as_deref() == Some("0")
                        && matches!(&**l, Expr::Call(f, a, false) if f == "length"
                            && matches!(a.as_slice(), [Expr::Var(v, s)] if v == "var"
                                && matches!(s.as_slice(), [Step::Attr(n)] if *n == tfname)))
                }
                _ => false,
            });
            if required_list {
                continue;
            }
            if let Some((min, max)) = validation_length(&v.body, &tfname) {
                length_at = Some(v.line);
                for (key, n) in [("min_length", min), ("max_length", max)] {
                    if let Some(n) = n {
                        lengths.push((key.into(), Y::Num(n.to_string())));
                    }
                }
                continue;
            }
            if let Some((min, max)) = validation_range(&v.body, &tfname) {
                for (key, n) in [("min_value", min), ("max_value", max)] {
                    if let Some(n) = n {
                        e.push((key.into(), Y::Num(n)));
                    }
                }
                continue;
            }
            if kind == ParamKind::List && validation_items_not_empty(&v.body, &tfname) {
                not_empty_at = Some(v.line);
                continue;
            }
            if let Some(values) = validation_allowed(&v.body, &tfname, kind) {
                self.allowed.insert(name.clone(), values.clone());
                e.push(("allowed_values".into(), Y::Seq(values)));
                continue;
            }
            match validation_pattern(&v.body) {
                Some(p) => {
                    if let Err(problem) = crate::lower::pattern::check(&p) {
                        self.issue(
                            &self.at(fi, v.line, &format!("variable.{tfname}")),
                            format!("RG012: `{p}`: {}; {}", problem.message, problem.help),
                        );
                    }
                    ascii_pattern = crate::lower::pattern::printable_ascii_only(&p);
                    self.patterns.insert(name.clone(), p.clone());
                    e.push(("pattern".into(), Y::s(p)));
                }
                None => self.issue(
                    &self.at(fi, v.line, &format!("variable.{tfname}")),
                    "a validation other than a whole-value regex cannot be expressed",
                ),
            }
        }
        if let Some(line) = not_empty_at {
            let at = self.at(fi, line, &format!("variable.{tfname}"));
            self.items_not_empty(&name, &mut e, &at);
        }
        match length_at {
            Some(_) if ascii_pattern => e.extend(lengths),
            Some(line) => self.issue(
                &self.at(fi, line, &format!("variable.{tfname}")),
                "a length validation can be carried only with a regex validation of printable ASCII (RG013: CloudFormation would count characters where `length()` counts grapheme clusters)",
            ),
            None => {}
        }
        for item in &b.body.items {
            if let hcl::Item::Attr(a) = item {
                match a.name.as_str() {
                    "type" | "default" | "description" => {}
                    // A secret is carried; a switch cannot be one (RG006).
                    "sensitive"
                        if kind != ParamKind::Bool && matches!(a.expr, Expr::Bool(true)) =>
                    {
                        e.push(("secret".into(), Y::Bool(true)));
                    }
                    "sensitive" | "nullable" => self.note(
                        &self.at(fi, a.line, &format!("variable.{tfname}")),
                        format!("`{}` is not carried", a.name),
                    ),
                    other => self.issue(
                        &self.at(fi, a.line, &format!("variable.{tfname}")),
                        format!("`{other}` cannot be expressed"),
                    ),
                }
            }
        }
        Some((name, Y::Map(e)))
    }
}

/// The spec pattern of a list whose items are never `""`: any text but a comma, which a
/// CloudFormation list cannot hold in an item anyway (it splits there).
pub(super) const ITEM_NOT_EMPTY: &str = "[^,]+";

impl Tf {
    /// A list variable whose items may not be `""` (its own validation, or `compact` over it
    /// read as the identity): the spec pattern [`ITEM_NOT_EMPTY`], unless a pattern of its own
    /// already rejects `""`. `false` (reported) where its pattern accepts `""`: a spec has one
    /// pattern per parameter and regular expressions here have no intersection.
    pub(super) fn items_not_empty(
        &mut self,
        name: &str,
        e: &mut Vec<(String, Y)>,
        at: &At,
    ) -> bool {
        if let Some(p) = self.patterns.get(name) {
            if crate::lower::pattern::rejects_empty(p) {
                return true;
            }
            let msg = format!("`{name}`'s items may not be `\"\"`, and its pattern `{p}` accepts `\"\"`: a spec parameter has one pattern, so this cannot be expressed (write the pattern so that it needs a character: `+` for `*`)");
            self.issue(at, msg);
            return false;
        }
        self.patterns
            .insert(name.to_owned(), ITEM_NOT_EMPTY.to_owned());
        e.push(("pattern".into(), Y::s(ITEM_NOT_EMPTY)));
        self.note(at, format!("`{name}`: no item may be `\"\"`, read as the pattern `{ITEM_NOT_EMPTY}` (narrower: an item holding a comma is refused too, which a CloudFormation list cannot hold)"));
        true
    }
}

/// The bounds of `S >= A`, `S <= B` or both joined by `&&` for a subject `S` that `subject`
/// accepts.
fn validation_bounds(
    body: &Body,
    subject: impl Fn(&Expr) -> bool,
) -> Option<(Option<String>, Option<String>)> {
    let bound = |e: &Expr| -> Option<(Option<String>, Option<String>)> {
        let Expr::Binary(op, lhs, rhs) = e else {
            return None;
        };
        let Expr::Num(n) = &**rhs else {
            return None;
        };
        if !subject(lhs) {
            return None;
        }
        match op.as_str() {
            ">=" => Some((Some(n.clone()), None)),
            "<=" => Some((None, Some(n.clone()))),
            _ => None,
        }
    };
    match &body.attr("condition")?.expr {
        Expr::Binary(op, a, b) if op == "&&" => {
            let ((lo, _), (_, hi)) = (bound(a)?, bound(b)?);
            Some((Some(lo?), Some(hi?)))
        }
        e => bound(e),
    }
}

/// The bounds of `length(var.x) >= N`, `length(var.x) <= M` or both joined by `&&`, the
/// validation of a string parameter's `min_length`/`max_length`.
pub(super) fn validation_length(body: &Body, var: &str) -> Option<(Option<u32>, Option<u32>)> {
    let (lo, hi) = validation_bounds(body, |e| {
        matches!(e, Expr::Call(f, args, false)
            if f == "length" && matches!(args.as_slice(), [x] if is_var(x, var)))
    })?;
    // A bound that is not a whole number: not a length validation rolegen writes.
    let whole = |n: Option<String>| -> Option<Option<u32>> {
        match n {
            None => Some(None),
            Some(n) => n.parse().ok().map(Some),
        }
    };
    Some((whole(lo)?, whole(hi)?))
}

/// Whether `e` is `var.<var>`.
fn is_var(e: &Expr, var: &str) -> bool {
    e.input_var() == Some(var)
}

/// The bounds of `var.x >= A`, `var.x <= B` or both joined by `&&`, the validation of a number
/// parameter's `min_value`/`max_value`.
pub(super) fn validation_range(body: &Body, var: &str) -> Option<(Option<String>, Option<String>)> {
    validation_bounds(body, |e| is_var(e, var))
}

/// The values of `contains([...], var.x)`, or for a list
/// `alltrue([for v in var.x : contains([...], v)])`: a parameter's `allowed_values`.
pub(super) fn validation_allowed(body: &Body, var: &str, kind: ParamKind) -> Option<Vec<Y>> {
    let cond = &body.attr("condition")?.expr;
    let (call, item) = match (kind, cond) {
        (ParamKind::List, Expr::Call(f, args, false)) if f == "alltrue" => match args.as_slice() {
            [Expr::ForTuple {
                key: None,
                value,
                coll,
                body,
                cond: None,
            }] if is_var(coll, var) => (&**body, Some(value.as_str())),
            _ => return None,
        },
        (ParamKind::String | ParamKind::Number, c) => (c, None),
        _ => return None,
    };
    let Expr::Call(f, args, false) = call else {
        return None;
    };
    let [Expr::Tuple(values), x] = args.as_slice() else {
        return None;
    };
    let subject = match item {
        Some(v) => matches!(x, Expr::Var(root, steps) if root == v && steps.is_empty()),
        None => is_var(x, var),
    };
    if f != "contains" || !subject || values.is_empty() {
        return None;
    }
    values
        .iter()
        .map(|v| match (kind, v) {
            (ParamKind::Number, Expr::Num(n)) => Some(Y::Num(n.clone())),
            (ParamKind::Number, _) => None,
            (_, v) => v.literal().map(Y::Str),
        })
        .collect()
}

/// `alltrue([for s in var.x : s != ""])` (or `"" != s`, `length(s) > 0`): no item of the list
/// is `""`.
pub(super) fn validation_items_not_empty(body: &Body, var: &str) -> bool {
    let Some(Expr::Call(f, args, false)) = body.attr("condition").map(|c| &c.expr) else {
        return false;
    };
    let [Expr::ForTuple {
        key: None,
        value,
        coll,
        body,
        cond: None,
    }] = args.as_slice()
    else {
        return false;
    };
    let item = |e: &Expr| matches!(e, Expr::Var(root, steps) if root == value && steps.is_empty());
    let empty = |e: &Expr| e.literal().is_some_and(|l| l.is_empty());
    let test = match &**body {
        Expr::Binary(op, l, r) if op == "!=" => (item(l) && empty(r)) || (empty(l) && item(r)),
        Expr::Binary(op, l, r) if op == ">" => {
            r.literal().as_deref() == Some("0")
                && matches!(&**l, Expr::Call(g, a, false) if g == "length"
                    && matches!(a.as_slice(), [x] if item(x)))
        }
        _ => false,
    };
    f == "alltrue" && is_var(coll, var) && test
}

/// `can(regex("^(?:P)$", var.x))` or `alltrue([for v in var.x : can(regex("^(?:P)$", v))])`.
pub(super) fn validation_pattern(body: &Body) -> Option<String> {
    let cond = &body.attr("condition")?.expr;
    let inner = match cond {
        Expr::Call(f, args, _) if f == "alltrue" => match args.as_slice() {
            [Expr::ForTuple { body, .. }] => &**body,
            _ => return None,
        },
        other => other,
    };
    let Expr::Call(f, args, _) = inner else {
        return None;
    };
    if f != "can" {
        return None;
    }
    let [Expr::Call(r, rargs, _)] = args.as_slice() else {
        return None;
    };
    if r != "regex" {
        return None;
    }
    let re = rargs.first()?.literal()?;
    let p = re.strip_prefix("^(?:").and_then(|x| x.strip_suffix(")$"));
    Some(match p {
        Some(p) => p.to_owned(),
        None => re
            .strip_prefix('^')
            .and_then(|x| x.strip_suffix('$'))?
            .to_owned(),
    })
}

/// What a module-convention variable is, if `b` declares one: `create` (a bool defaulting to
/// true) or `tags` (a `map(string)`).
pub(super) fn convention(name: &str, b: &Block) -> Option<&'static str> {
    let ty = b.body.attr("type").map(|a| &a.expr);
    let default = b.body.attr("default").map(|a| &a.expr);
    match (name, ty, default) {
        ("create", Some(Expr::Var(t, s)), None | Some(Expr::Bool(true)))
            if t == "bool" && s.is_empty() =>
        {
            Some("`create` toggle, as every rolegen module has")
        }
        ("tags", Some(Expr::Call(f, args, _)), _)
            if f == "map"
                && matches!(args.as_slice(), [Expr::Var(t, s)] if t == "string" && s.is_empty()) =>
        {
            Some("`tags` for every resource, as every rolegen module has")
        }
        // Required, a string: the deployment's name, `${AWS::StackName}` in the spec (its
        // validation is rolegen's, written again from the spec).
        ("stack_name", Some(Expr::Var(t, s)), None) if t == "string" && s.is_empty() => {
            Some("stack name, `${AWS::StackName}` in the spec (a rolegen module using it has the variable)")
        }
        _ => None,
    }
}
