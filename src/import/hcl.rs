//! The Terraform importer's view of HCL: bodies of attributes and blocks, and the expression
//! language (literals, string templates with `${…}`, heredocs, tuples, objects, function
//! calls, traversals, operators, conditionals, `for` expressions), each with the line it
//! starts on. Files are parsed by `hcl-edit` (hcl-rs's parser, which keeps spans) and its tree
//! is converted into this smaller one the importer matches on; template directives (`%{…}`)
//! are rejected with their position.

use hcl_edit::Span;
use std::fmt;

/// A parse error at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Line.
    pub line: usize,
    /// Column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// A body: attributes and blocks in written order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Body {
    /// Items.
    pub items: Vec<Item>,
}

/// An attribute or a block.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `name = expr`.
    Attr(Attr),
    /// `type "label" … { body }`.
    Block(Block),
}

/// `name = expr`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    /// Name.
    pub name: String,
    /// Value.
    pub expr: Expr,
    /// Line of the name.
    pub line: usize,
}

/// A block.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Block type (`resource`).
    pub kind: String,
    /// Labels (`aws_iam_role`, `app`).
    pub labels: Vec<String>,
    /// Contents.
    pub body: Body,
    /// Line of the block type.
    pub line: usize,
}

impl Body {
    /// The attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.items.iter().find_map(|i| match i {
            Item::Attr(a) if a.name == name => Some(a),
            _ => None,
        })
    }
    /// Blocks of type `kind`.
    pub fn blocks<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.items.iter().filter_map(move |i| match i {
            Item::Block(b) if b.kind == kind => Some(b),
            _ => None,
        })
    }
}

/// One piece of a string template.
#[derive(Debug, Clone, PartialEq)]
pub enum TPart {
    /// Literal text (escapes decoded, `$${` already `${`).
    Lit(String),
    /// `${ expr }`.
    Interp(Expr),
}

/// A traversal step.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `.name`.
    Attr(String),
    /// `[expr]` or `.0`.
    Index(Expr),
    /// `[*]` or `.*`.
    Splat,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number as written.
    Num(String),
    /// A string template.
    Str(Vec<TPart>),
    /// `[a, b]`.
    Tuple(Vec<Expr>),
    /// `{ k = v }`.
    Object(Vec<(Expr, Expr)>),
    /// `root.step…`.
    Var(String, Vec<Step>),
    /// `f(args)`; the bool is a trailing `...` expansion.
    Call(String, Vec<Expr>, bool),
    /// `c ? a : b`.
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `!x`, `-x`.
    Unary(char, Box<Expr>),
    /// `a op b`.
    Binary(String, Box<Expr>, Box<Expr>),
    /// `[for k, v in coll : body if cond]` (key var optional).
    ForTuple {
        /// Key variable.
        key: Option<String>,
        /// Value variable.
        value: String,
        /// Collection.
        coll: Box<Expr>,
        /// Result.
        body: Box<Expr>,
        /// Filter.
        cond: Option<Box<Expr>>,
    },
    /// `{for k, v in coll : kexpr => vexpr if cond}` (key var optional).
    ForObject {
        /// Key variable.
        key: Option<String>,
        /// Value variable.
        value: String,
        /// Collection.
        coll: Box<Expr>,
        /// The result's key.
        key_expr: Box<Expr>,
        /// The result's value.
        body: Box<Expr>,
        /// Filter.
        cond: Option<Box<Expr>>,
    },
    /// A traversal applied to a non-variable expression: `(expr).attr`, `f(x)[0]`.
    Get(Box<Expr>, Vec<Step>),
}

impl Expr {
    /// The name of an input variable read whole: `x` of `var.x`.
    pub fn input_var(&self) -> Option<&str> {
        match self {
            Expr::Var(root, steps) if root == "var" => match steps.as_slice() {
                [Step::Attr(n)] => Some(n),
                _ => None,
            },
            _ => None,
        }
    }

    /// The text of a template without interpolations.
    pub fn literal(&self) -> Option<String> {
        match self {
            Expr::Str(parts) => {
                let mut s = String::new();
                for p in parts {
                    match p {
                        TPart::Lit(l) => s.push_str(l),
                        TPart::Interp(_) => return None,
                    }
                }
                Some(s)
            }
            Expr::Num(n) => Some(n.clone()),
            Expr::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
    /// `a.b.c` of a traversal made of names only.
    pub fn path(&self) -> Option<String> {
        match self {
            Expr::Var(root, steps) => {
                let mut s = root.clone();
                for st in steps {
                    match st {
                        Step::Attr(a) => {
                            s.push('.');
                            s.push_str(a);
                        }
                        Step::Index(Expr::Num(n)) => s.push_str(&format!("[{n}]")),
                        Step::Index(e) => s.push_str(&format!("[{}]", e.literal()?)),
                        Step::Splat => s.push_str("[*]"),
                    }
                }
                Some(s)
            }
            _ => None,
        }
    }
}

/// Parses a whole file with `hcl-edit` (the parser of hcl-rs) into the importer's view.
pub fn parse(text: &str) -> Result<Body, Error> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| Error {
        line: e.location().line(),
        column: e.location().column(),
        message: e.message().to_owned(),
    })?;
    let cv = Convert {
        text,
        lines: text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i)
            .collect(),
    };
    cv.body(&body)
}

/// Converts `hcl-edit`'s syntax tree (spans as byte offsets) into [`Body`] and [`Expr`].
struct Convert<'a> {
    text: &'a str,
    /// Byte offsets of the newlines, for line numbers.
    lines: Vec<usize>,
}

impl Convert<'_> {
    /// 1-based line and column (in bytes, as the rest of the importer counts) of a byte offset.
    fn pos(&self, at: usize) -> (usize, usize) {
        let line = self.lines.partition_point(|&n| n < at);
        let start = if line == 0 {
            0
        } else {
            self.lines[line - 1] + 1
        };
        (line + 1, at - start + 1)
    }

    fn line_of(&self, s: &impl Span) -> usize {
        s.span().map_or(1, |r| self.pos(r.start).0)
    }

    fn err<T>(&self, s: &impl Span, message: &str) -> Result<T, Error> {
        let (line, column) = s.span().map_or((1, 1), |r| self.pos(r.start));
        Err(Error {
            line,
            column,
            message: message.to_owned(),
        })
    }

    fn body(&self, b: &hcl_edit::structure::Body) -> Result<Body, Error> {
        let mut items = Vec::with_capacity(b.len());
        for s in b.iter() {
            items.push(match s {
                hcl_edit::structure::Structure::Attribute(a) => Item::Attr(Attr {
                    name: a.key.as_str().to_owned(),
                    expr: self.expr(&a.value)?,
                    line: self.line_of(&a.key),
                }),
                hcl_edit::structure::Structure::Block(k) => Item::Block(Block {
                    kind: k.ident.as_str().to_owned(),
                    labels: k.labels.iter().map(|l| l.as_str().to_owned()).collect(),
                    body: self.body(&k.body)?,
                    line: self.line_of(&k.ident),
                }),
            });
        }
        Ok(Body { items })
    }

    fn template(&self, t: &hcl_edit::template::Template) -> Result<Expr, Error> {
        use hcl_edit::template::Element;
        let mut parts = Vec::new();
        for el in t.iter() {
            match el {
                Element::Literal(l) => parts.push(TPart::Lit(l.as_str().to_owned())),
                Element::Interpolation(i) => parts.push(TPart::Interp(self.expr(&i.expr)?)),
                Element::Directive(d) => {
                    return self.err(d.as_ref(), "template directives (`%{…}`) are not supported")
                }
            }
        }
        let mut parts = merge(parts);
        // A template that is one interpolation and nothing else (`"${var.arns}"`, as
        // Terraform 0.11 wrote every reference) is the value of the expression itself,
        // unconverted: a list stays a list, as Terraform reads it.
        if let [TPart::Interp(_)] = parts.as_slice() {
            if let Some(TPart::Interp(e)) = parts.pop() {
                return Ok(e);
            }
        }
        Ok(Expr::Str(parts))
    }

    fn steps(
        &self,
        ops: &[hcl_edit::Decorated<hcl_edit::expr::TraversalOperator>],
    ) -> Result<Vec<Step>, Error> {
        use hcl_edit::expr::TraversalOperator as T;
        ops.iter()
            .map(|op| {
                Ok(match op.value() {
                    T::AttrSplat(_) | T::FullSplat(_) => Step::Splat,
                    T::GetAttr(a) => Step::Attr(a.as_str().to_owned()),
                    T::Index(e) => Step::Index(self.expr(e)?),
                    T::LegacyIndex(n) => Step::Index(Expr::Num(n.value().to_string())),
                })
            })
            .collect()
    }

    fn expr(&self, e: &hcl_edit::expr::Expression) -> Result<Expr, Error> {
        use hcl_edit::expr::{BinaryOperator as B, Expression as E, ObjectKey, UnaryOperator as U};
        Ok(match e {
            E::Null(_) => Expr::Null,
            E::Bool(b) => Expr::Bool(*b.value()),
            E::Number(n) => Expr::Num(self.number(n)),
            E::String(s) => Expr::Str(merge(vec![TPart::Lit(s.value().clone())])),
            E::StringTemplate(t) => self.template(t)?,
            E::HeredocTemplate(h) => self.template(&h.template)?,
            E::Array(a) => Expr::Tuple(a.iter().map(|x| self.expr(x)).collect::<Result<_, _>>()?),
            E::Object(o) => {
                let mut items = Vec::with_capacity(o.len());
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => Expr::Str(vec![TPart::Lit(i.as_str().to_owned())]),
                        ObjectKey::Expression(x) => self.expr(x)?,
                    };
                    items.push((key, self.expr(v.expr())?));
                }
                Expr::Object(items)
            }
            E::Parenthesis(p) => self.expr(p.inner())?,
            E::Variable(v) => Expr::Var(v.as_str().to_owned(), Vec::new()),
            E::Conditional(c) => Expr::Cond(
                Box::new(self.expr(&c.cond_expr)?),
                Box::new(self.expr(&c.true_expr)?),
                Box::new(self.expr(&c.false_expr)?),
            ),
            E::FuncCall(f) => {
                let mut name = String::new();
                for ns in &f.name.namespace {
                    name.push_str(ns.as_str());
                    name.push_str("::");
                }
                name.push_str(f.name.name.as_str());
                let args = f
                    .args
                    .iter()
                    .map(|x| self.expr(x))
                    .collect::<Result<_, _>>()?;
                Expr::Call(name, args, f.args.expand_final())
            }
            E::Traversal(t) => {
                let steps = self.steps(&t.operators)?;
                match self.expr(&t.expr)? {
                    Expr::Var(root, mut s) => {
                        s.extend(steps);
                        Expr::Var(root, s)
                    }
                    other => Expr::Get(Box::new(other), steps),
                }
            }
            E::UnaryOp(u) => match (u.operator.value(), &u.expr) {
                // `-1` is a number as written, as Terraform reads it.
                (U::Neg, E::Number(n)) => Expr::Num(format!("-{}", self.number(n))),
                (U::Neg, x) => Expr::Unary('-', Box::new(self.expr(x)?)),
                (U::Not, x) => Expr::Unary('!', Box::new(self.expr(x)?)),
            },
            E::BinaryOp(b) => {
                let op = match b.operator.value() {
                    B::Eq => "==",
                    B::NotEq => "!=",
                    B::LessEq => "<=",
                    B::GreaterEq => ">=",
                    B::Less => "<",
                    B::Greater => ">",
                    B::Plus => "+",
                    B::Minus => "-",
                    B::Mul => "*",
                    B::Div => "/",
                    B::Mod => "%",
                    B::And => "&&",
                    B::Or => "||",
                };
                Expr::Binary(
                    op.to_owned(),
                    Box::new(self.expr(&b.lhs_expr)?),
                    Box::new(self.expr(&b.rhs_expr)?),
                )
            }
            E::ForExpr(f) => {
                let coll = Box::new(self.expr(&f.intro.collection_expr)?);
                let cond = match &f.cond {
                    Some(c) => Some(Box::new(self.expr(&c.expr)?)),
                    None => None,
                };
                match &f.key_expr {
                    Some(k) => Expr::ForObject {
                        key: f.intro.key_var.as_ref().map(|k| k.as_str().to_owned()),
                        value: f.intro.value_var.as_str().to_owned(),
                        coll,
                        key_expr: Box::new(self.expr(k)?),
                        body: Box::new(self.expr(&f.value_expr)?),
                        cond,
                    },
                    None => Expr::ForTuple {
                        key: f.intro.key_var.as_ref().map(|k| k.as_str().to_owned()),
                        value: f.intro.value_var.as_str().to_owned(),
                        coll,
                        body: Box::new(self.expr(&f.value_expr)?),
                        cond,
                    },
                }
            }
        })
    }

    /// A number as written in the source.
    fn number(&self, n: &hcl_edit::Formatted<hcl_edit::Number>) -> String {
        n.span()
            .and_then(|r| self.text.get(r))
            .map_or_else(|| n.value().to_string(), str::to_owned)
    }
}

fn merge(parts: Vec<TPart>) -> Vec<TPart> {
    let mut out: Vec<TPart> = Vec::new();
    for p in parts {
        match (&p, out.last_mut()) {
            (TPart::Lit(l), _) if l.is_empty() => {}
            (TPart::Lit(l), Some(TPart::Lit(prev))) => prev.push_str(l),
            _ => out.push(p),
        }
    }
    if out.is_empty() {
        out.push(TPart::Lit(String::new()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_terraform() {
        let b = parse(
            r#"
# comment
data "aws_partition" "current" {}
resource "aws_iam_role" "app" {
  count = var.on && !var.off ? 1 : 0 // trailing
  name  = "x-${var.name}-$${literal}"
  tags = {
    a   = "b"
    "c" = var.d
  }
  assume_role_policy = jsonencode({
    Version = "2012-10-17",
    Statement = [{ Effect = "Allow", Action = ["sts:AssumeRole"] }]
  })
  policy = <<-EOT
    {"a": "${var.x}"}
  EOT
  list = [for v in var.users : "home/${v}/*"]
  arn = aws_iam_policy.p[0].arn
  n = -1.5e3
}
"#,
        )
        .unwrap();
        assert_eq!(b.items.len(), 2);
        let Item::Block(r) = &b.items[1] else {
            panic!()
        };
        assert_eq!(r.labels, ["aws_iam_role", "app"]);
        let name = &r.body.attr("name").unwrap().expr;
        let Expr::Str(parts) = name else { panic!() };
        assert_eq!(parts[2], TPart::Lit("-${literal}".into()));
        assert!(matches!(r.body.attr("count").unwrap().expr, Expr::Cond(..)));
        assert_eq!(
            r.body.attr("arn").unwrap().expr.path().unwrap(),
            "aws_iam_policy.p[0].arn"
        );
        let Expr::Str(h) = &r.body.attr("policy").unwrap().expr else {
            panic!()
        };
        assert_eq!(h[0], TPart::Lit("{\"a\": \"".into()));
        assert!(parse("resource \"x\" {\n a = \n}").is_err());
        let e = parse("a = \"unterminated\n").unwrap_err();
        assert_eq!(e.line, 1);
    }
}

#[cfg(test)]
mod fuzz_regressions {
    use super::*;

    /// Found by the `import_terraform` fuzz target: a heredoc marker on the last line, with
    /// no newline after it, stepped past the end of the text and panicked on the slice.
    #[test]
    fn heredoc_marker_at_the_end_of_the_file() {
        for text in ["x = <<EOT", "x = <<-EOT", "x = <<EOT  ", "x = <<EOT\n"] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.line, 1, "{text:?}: {e:?}");
        }
    }
}
