//! A small HCL (Terraform configuration syntax) parser: bodies of attributes and blocks, and
//! the expression language (literals, string templates with `${…}`, heredocs, tuples, objects,
//! function calls, traversals, operators, conditionals, `for` expressions). Enough for the
//! Terraform rolegen writes and hand-written IAM modules; template directives (`%{…}`) are
//! rejected with a position.

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
    /// `{for k, v in coll : kexpr => vexpr}`.
    ForObject {
        /// Collection.
        coll: Box<Expr>,
    },
    /// A traversal applied to a non-variable expression: `(expr).attr`, `f(x)[0]`.
    Get(Box<Expr>, Vec<Step>),
}

impl Expr {
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

/// Parses a whole file.
pub fn parse(text: &str) -> Result<Body, Error> {
    let mut p = P {
        s: text.as_bytes(),
        t: text,
        i: 0,
        depth: 0,
    };
    let body = p.body(true)?;
    Ok(body)
}

struct P<'a> {
    s: &'a [u8],
    t: &'a str,
    i: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 200;

impl P<'_> {
    fn pos(&self, at: usize) -> (usize, usize) {
        let before = &self.t[..at.min(self.t.len())];
        let line = before.matches('\n').count() + 1;
        let col = before
            .rfind('\n')
            .map_or(before.len(), |n| before.len() - n - 1)
            + 1;
        (line, col)
    }
    fn line(&self) -> usize {
        self.pos(self.i).0
    }
    fn err<T>(&self, msg: impl Into<String>) -> Result<T, Error> {
        let (line, column) = self.pos(self.i);
        Err(Error {
            line,
            column,
            message: msg.into(),
        })
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn starts(&self, x: &str) -> bool {
        self.s[self.i..].starts_with(x.as_bytes())
    }

    /// Skips spaces and comments; newlines too if `nl`.
    fn ws(&mut self, nl: bool) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r') => self.i += 1,
                Some(b'\n') if nl => self.i += 1,
                Some(b'#') => self.skip_line(),
                Some(b'/') if self.starts("//") => self.skip_line(),
                Some(b'/') if self.starts("/*") => match self.t[self.i + 2..].find("*/") {
                    Some(e) => self.i += e + 4,
                    None => self.i = self.s.len(),
                },
                _ => return,
            }
        }
    }
    fn skip_line(&mut self) {
        while let Some(c) = self.peek() {
            if c == b'\n' {
                return;
            }
            self.i += 1;
        }
    }

    fn ident(&mut self) -> Option<String> {
        let start = self.i;
        while let Some(c) = self.peek() {
            let ok = c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c >= 0x80;
            if !ok || (self.i == start && (c.is_ascii_digit() || c == b'-')) {
                break;
            }
            self.i += 1;
        }
        (self.i > start).then(|| self.t[start..self.i].to_owned())
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), Error> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            self.err(format!("expected {what}"))
        }
    }

    fn body(&mut self, top: bool) -> Result<Body, Error> {
        let mut items = Vec::new();
        loop {
            self.ws(true);
            match self.peek() {
                None if top => return Ok(Body { items }),
                None => return self.err("unexpected end of file: a `}` is missing"),
                Some(b'}') if !top => return Ok(Body { items }),
                _ => {}
            }
            let line = self.line();
            let Some(name) = self.ident() else {
                return self.err("expected an attribute or a block");
            };
            self.ws(false);
            if self.peek() == Some(b'=') && !self.starts("==") {
                self.i += 1;
                self.ws(false);
                let expr = self.expr()?;
                items.push(Item::Attr(Attr { name, expr, line }));
                self.ws(false);
                match self.peek() {
                    None | Some(b'\n') => {}
                    Some(b'}') if !top => {}
                    _ => return self.err("expected a new line after the attribute"),
                }
                continue;
            }
            let mut labels = Vec::new();
            loop {
                self.ws(false);
                match self.peek() {
                    Some(b'"') => {
                        let e = self.string()?;
                        match e.literal() {
                            Some(l) => labels.push(l),
                            None => return self.err("a block label cannot hold `${`"),
                        }
                    }
                    Some(b'{') => break,
                    _ => match self.ident() {
                        Some(l) => labels.push(l),
                        None => return self.err("expected a block label or `{`"),
                    },
                }
            }
            self.i += 1;
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return self.err("blocks nest too deeply");
            }
            let body = self.body(false)?;
            self.depth -= 1;
            self.expect(b'}', "`}`")?;
            items.push(Item::Block(Block {
                kind: name,
                labels,
                body,
                line,
            }));
        }
    }

    fn expr(&mut self) -> Result<Expr, Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("the expression nests too deeply");
        }
        let cond = self.binary(0)?;
        let save = self.i;
        self.ws(true);
        let out = if self.peek() == Some(b'?') {
            self.i += 1;
            self.ws(true);
            let a = self.expr()?;
            self.ws(true);
            self.expect(b':', "`:` of a conditional")?;
            self.ws(true);
            let b = self.expr()?;
            Expr::Cond(Box::new(cond), Box::new(a), Box::new(b))
        } else {
            self.i = save;
            cond
        };
        self.depth -= 1;
        Ok(out)
    }

    fn binop(&self) -> Option<(&'static str, usize)> {
        const OPS: [(&str, usize); 13] = [
            ("||", 1),
            ("&&", 2),
            ("==", 3),
            ("!=", 3),
            ("<=", 4),
            (">=", 4),
            ("<", 4),
            (">", 4),
            ("+", 5),
            ("-", 5),
            ("*", 6),
            ("/", 6),
            ("%", 6),
        ];
        OPS.iter()
            .find(|(o, _)| self.starts(o) && !(*o == "-" && self.starts("->")))
            .copied()
    }

    fn binary(&mut self, min: usize) -> Result<Expr, Error> {
        let mut left = self.unary()?;
        loop {
            let save = self.i;
            self.ws(false);
            let Some((op, prec)) = self.binop() else {
                self.i = save;
                return Ok(left);
            };
            if prec <= min {
                self.i = save;
                return Ok(left);
            }
            self.i += op.len();
            self.ws(true);
            let right = self.binary(prec)?;
            left = Expr::Binary(op.to_owned(), Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self) -> Result<Expr, Error> {
        self.ws(false);
        match self.peek() {
            Some(b'!') => {
                self.i += 1;
                Ok(Expr::Unary('!', Box::new(self.unary()?)))
            }
            Some(b'-') if !self.s.get(self.i + 1).is_some_and(u8::is_ascii_digit) => {
                self.i += 1;
                Ok(Expr::Unary('-', Box::new(self.unary()?)))
            }
            _ => self.postfix(),
        }
    }

    fn steps(&mut self) -> Result<Vec<Step>, Error> {
        let mut steps = Vec::new();
        loop {
            match self.peek() {
                Some(b'.') => {
                    self.i += 1;
                    if self.peek() == Some(b'*') {
                        self.i += 1;
                        steps.push(Step::Splat);
                    } else if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        let start = self.i;
                        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                            self.i += 1;
                        }
                        steps.push(Step::Index(Expr::Num(self.t[start..self.i].to_owned())));
                    } else {
                        match self.ident() {
                            Some(a) => steps.push(Step::Attr(a)),
                            None => return self.err("expected an attribute name after `.`"),
                        }
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    self.ws(true);
                    if self.peek() == Some(b'*') {
                        self.i += 1;
                        self.ws(true);
                        self.expect(b']', "`]`")?;
                        steps.push(Step::Splat);
                    } else {
                        let e = self.expr()?;
                        self.ws(true);
                        self.expect(b']', "`]`")?;
                        steps.push(Step::Index(e));
                    }
                }
                _ => return Ok(steps),
            }
        }
    }

    fn postfix(&mut self) -> Result<Expr, Error> {
        let e = self.primary()?;
        let steps = self.steps()?;
        if steps.is_empty() {
            return Ok(e);
        }
        Ok(match e {
            Expr::Var(root, mut s) => {
                s.extend(steps);
                Expr::Var(root, s)
            }
            other => Expr::Get(Box::new(other), steps),
        })
    }

    fn primary(&mut self) -> Result<Expr, Error> {
        self.ws(false);
        match self.peek() {
            None => self.err("expected an expression"),
            Some(b'"') => self.string(),
            Some(b'<') if self.starts("<<") => self.heredoc(),
            Some(b'[') => self.tuple(),
            Some(b'{') => self.object(),
            Some(b'(') => {
                self.i += 1;
                self.ws(true);
                let e = self.expr()?;
                self.ws(true);
                self.expect(b')', "`)`")?;
                Ok(e)
            }
            Some(c) if c.is_ascii_digit() || c == b'-' => {
                let start = self.i;
                self.i += 1;
                while self.peek().is_some_and(|c| {
                    c.is_ascii_alphanumeric() || c == b'.' || c == b'+' || c == b'-'
                }) {
                    if (self.peek() == Some(b'+') || self.peek() == Some(b'-'))
                        && !matches!(self.s[self.i - 1], b'e' | b'E')
                    {
                        break;
                    }
                    if self.peek() == Some(b'.')
                        && !self.s.get(self.i + 1).is_some_and(u8::is_ascii_digit)
                    {
                        break;
                    }
                    self.i += 1;
                }
                Ok(Expr::Num(self.t[start..self.i].to_owned()))
            }
            _ => {
                let Some(name) = self.ident() else {
                    return self.err("expected an expression");
                };
                match name.as_str() {
                    "true" => return Ok(Expr::Bool(true)),
                    "false" => return Ok(Expr::Bool(false)),
                    "null" => return Ok(Expr::Null),
                    _ => {}
                }
                if self.peek() == Some(b'(') || (self.starts("::") && name == "provider") {
                    self.i += 1;
                    let mut args = Vec::new();
                    let mut expand = false;
                    loop {
                        self.ws(true);
                        if self.peek() == Some(b')') {
                            self.i += 1;
                            break;
                        }
                        args.push(self.expr()?);
                        self.ws(true);
                        if self.starts("...") {
                            self.i += 3;
                            expand = true;
                            self.ws(true);
                        }
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b')') => {}
                            _ => return self.err("expected `,` or `)` in a function call"),
                        }
                    }
                    return Ok(Expr::Call(name, args, expand));
                }
                Ok(Expr::Var(name, Vec::new()))
            }
        }
    }

    fn for_head(&mut self) -> Result<(Option<String>, String, Expr), Error> {
        self.ws(true);
        let Some(a) = self.ident() else {
            return self.err("expected a variable name after `for`");
        };
        self.ws(true);
        let (key, value) = if self.peek() == Some(b',') {
            self.i += 1;
            self.ws(true);
            let Some(b) = self.ident() else {
                return self.err("expected a variable name");
            };
            (Some(a), b)
        } else {
            (None, a)
        };
        self.ws(true);
        if !self.starts("in") {
            return self.err("expected `in`");
        }
        self.i += 2;
        self.ws(true);
        let coll = self.expr()?;
        self.ws(true);
        self.expect(b':', "`:` of a for expression")?;
        self.ws(true);
        Ok((key, value, coll))
    }

    fn for_cond(&mut self) -> Result<Option<Box<Expr>>, Error> {
        self.ws(true);
        if self.starts("if")
            && !self
                .s
                .get(self.i + 2)
                .is_some_and(u8::is_ascii_alphanumeric)
        {
            self.i += 2;
            self.ws(true);
            return Ok(Some(Box::new(self.expr()?)));
        }
        Ok(None)
    }

    fn tuple(&mut self) -> Result<Expr, Error> {
        self.i += 1;
        self.ws(true);
        if self.starts("for")
            && self
                .s
                .get(self.i + 3)
                .is_some_and(|c| c.is_ascii_whitespace())
        {
            self.i += 3;
            let (key, value, coll) = self.for_head()?;
            let body = self.expr()?;
            let cond = self.for_cond()?;
            self.ws(true);
            self.expect(b']', "`]`")?;
            return Ok(Expr::ForTuple {
                key,
                value,
                coll: Box::new(coll),
                body: Box::new(body),
                cond,
            });
        }
        let mut items = Vec::new();
        loop {
            self.ws(true);
            if self.peek() == Some(b']') {
                self.i += 1;
                return Ok(Expr::Tuple(items));
            }
            items.push(self.expr()?);
            self.ws(true);
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {}
                _ => return self.err("expected `,` or `]`"),
            }
        }
    }

    fn object(&mut self) -> Result<Expr, Error> {
        self.i += 1;
        self.ws(true);
        if self.starts("for")
            && self
                .s
                .get(self.i + 3)
                .is_some_and(|c| c.is_ascii_whitespace())
        {
            self.i += 3;
            let (_, _, coll) = self.for_head()?;
            let _k = self.expr()?;
            self.ws(true);
            if !self.starts("=>") {
                return self.err("expected `=>`");
            }
            self.i += 2;
            let _v = self.expr()?;
            self.ws(true);
            if self.starts("...") {
                self.i += 3;
            }
            let _ = self.for_cond()?;
            self.ws(true);
            self.expect(b'}', "`}`")?;
            return Ok(Expr::ForObject {
                coll: Box::new(coll),
            });
        }
        let mut items = Vec::new();
        loop {
            self.ws(true);
            if self.peek() == Some(b'}') {
                self.i += 1;
                return Ok(Expr::Object(items));
            }
            let key = match self.peek() {
                Some(b'"') => self.string()?,
                Some(b'(') => self.primary()?,
                _ => match self.ident() {
                    Some(k) => Expr::Str(vec![TPart::Lit(k)]),
                    None => return self.err("expected an object key"),
                },
            };
            self.ws(false);
            match self.peek() {
                Some(b'=' | b':') => self.i += 1,
                _ => return self.err("expected `=` after an object key"),
            }
            self.ws(true);
            let v = self.expr()?;
            items.push((key, v));
            self.ws(false);
            match self.peek() {
                Some(b',' | b'\n') => self.i += 1,
                Some(b'}') => {}
                _ => {
                    self.ws(true);
                    if self.peek() != Some(b'}') {
                        return self.err("expected `,`, a new line or `}` in an object");
                    }
                }
            }
        }
    }

    /// A quoted template string.
    fn string(&mut self) -> Result<Expr, Error> {
        self.i += 1;
        let mut parts = Vec::new();
        let mut lit = String::new();
        loop {
            let Some(c) = self.peek() else {
                return self.err("unterminated string");
            };
            match c {
                b'"' => {
                    self.i += 1;
                    break;
                }
                b'\n' => return self.err("a quoted string cannot span lines"),
                b'\\' => {
                    self.i += 1;
                    let Some(e) = self.peek() else {
                        return self.err("unterminated escape");
                    };
                    self.i += 1;
                    match e {
                        b'n' => lit.push('\n'),
                        b't' => lit.push('\t'),
                        b'r' => lit.push('\r'),
                        b'"' => lit.push('"'),
                        b'\\' => lit.push('\\'),
                        b'u' | b'U' => {
                            let n = if e == b'u' { 4 } else { 8 };
                            let hex = self.t.get(self.i..self.i + n).unwrap_or("");
                            match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                                Some(ch) => lit.push(ch),
                                None => return self.err("invalid unicode escape"),
                            }
                            self.i += n;
                        }
                        _ => return self.err(format!("unknown escape `\\{}`", e as char)),
                    }
                }
                _ => self.template_char(&mut parts, &mut lit)?,
            }
        }
        if !lit.is_empty() || parts.is_empty() {
            parts.push(TPart::Lit(lit));
        }
        Ok(Expr::Str(merge(parts)))
    }

    /// One character of a template: `$${`, `%%{`, `${ … }`, `%{` (rejected) or text.
    fn template_char(&mut self, parts: &mut Vec<TPart>, lit: &mut String) -> Result<(), Error> {
        if self.starts("$${") || self.starts("%%{") {
            lit.push_str(&self.t[self.i + 1..self.i + 3]);
            self.i += 3;
        } else if self.starts("${") {
            self.i += 2;
            if self.peek() == Some(b'~') {
                self.i += 1;
            }
            self.ws(true);
            let e = self.expr()?;
            self.ws(true);
            if self.peek() == Some(b'~') {
                self.i += 1;
            }
            self.expect(b'}', "`}` closing `${`")?;
            parts.push(TPart::Lit(std::mem::take(lit)));
            parts.push(TPart::Interp(e));
        } else if self.starts("%{") {
            return self.err("template directives (`%{…}`) are not supported");
        } else {
            let ch = self.t[self.i..].chars().next().unwrap_or(' ');
            lit.push(ch);
            self.i += ch.len_utf8();
        }
        Ok(())
    }

    fn heredoc(&mut self) -> Result<Expr, Error> {
        self.i += 2;
        let indent = self.peek() == Some(b'-');
        if indent {
            self.i += 1;
        }
        let Some(marker) = self.ident() else {
            return self.err("expected a heredoc marker");
        };
        while self.peek().is_some_and(|c| c != b'\n') {
            self.i += 1;
        }
        // Past the newline, if any: at the end of the file there is none (the heredoc is
        // then not closed, reported below).
        if self.peek() == Some(b'\n') {
            self.i += 1;
        }
        // Find the closing line.
        let rest = &self.t[self.i..];
        let mut end = None;
        let mut off = 0;
        for line in rest.split_inclusive('\n') {
            if line.trim() == marker {
                end = Some((off, off + line.trim_end_matches('\n').len()));
                break;
            }
            off += line.len();
        }
        let Some((body_end, after)) = end else {
            return self.err(format!("heredoc `{marker}` is not closed"));
        };
        let raw = &rest[..body_end];
        let text: String = if indent {
            let min = raw
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start().len())
                .min()
                .unwrap_or(0);
            raw.split_inclusive('\n')
                .map(|l| l.get(min..).unwrap_or_else(|| l.trim_start()))
                .collect()
        } else {
            raw.to_owned()
        };
        let start = self.i;
        // Parse the template inside the heredoc text.
        let mut sub = P {
            s: text.as_bytes(),
            t: &text,
            i: 0,
            depth: self.depth,
        };
        let mut parts = Vec::new();
        let mut lit = String::new();
        while sub.peek().is_some() {
            if let Err(mut e) = sub.template_char(&mut parts, &mut lit) {
                let (l, _) = self.pos(start);
                e.line += l - 1;
                return Err(e);
            }
        }
        if !lit.is_empty() || parts.is_empty() {
            parts.push(TPart::Lit(lit));
        }
        self.i += after;
        Ok(Expr::Str(merge(parts)))
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
            assert!(
                e.message.contains("heredoc `EOT` is not closed"),
                "{text:?}: {e:?}"
            );
        }
    }
}
