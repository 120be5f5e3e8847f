//! Parameter `pattern`s in two regex dialects.
//!
//! A pattern reaches Terraform as `can(regex("^(?:P)$", var.x))`, compiled by Go's `regexp`
//! (RE2 syntax, Perl flags), and CloudFormation as `AllowedPattern: P`, matched against the
//! whole value by Java's `java.util.regex`. [`check`] accepts the subset both compile and
//! read alike and names the first construct outside it: what it is, why the two differ, and
//! how to write it instead. The pattern is parsed by `regex-syntax` (the `regex` crate's
//! parser, whose syntax is RE2's plus a few extensions); the checks of each construct are ours.
//!
//! References: Go `regexp/syntax` package documentation (syntax, "Implementation restriction"
//! on counts over 1000, `repeatIsValid` for nested counts), RE2's `syntax.txt` (the NOT
//! SUPPORTED lines), and the `java.util.regex.Pattern` documentation (line terminators, `\v`,
//! `\s`, `\b`, CASE_INSENSITIVE without UNICODE_CASE, `&&` and nested classes, possessive
//! quantifiers, `\Z`).

use regex_syntax::ast::{
    self, Assertion, AssertionKind, Ast, ClassBracketed, ClassPerlKind, ClassSet, ClassSetItem,
    ErrorKind, Flag, FlagsItemKind, GroupKind, HexLiteralKind, LiteralKind, RepetitionKind,
    RepetitionRange, SpecialLiteralKind,
};
use std::ops::Range;

/// Largest count Go accepts in `x{n}`, `x{n,}`, `x{n,m}`, also as the product of nested counts.
pub(crate) const GO_MAX_REPEAT: u32 = 1000;

/// A construct of a pattern that one dialect rejects or reads differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Byte range of the construct in the pattern.
    pub span: Range<usize>,
    /// What it is and why the dialects differ.
    pub message: String,
    /// How to write it instead.
    pub help: String,
}

fn problem(span: &ast::Span, message: impl Into<String>, help: impl Into<String>) -> Problem {
    Problem {
        span: span.start.offset..span.end.offset,
        message: message.into(),
        help: help.into(),
    }
}

/// Checks that `pattern` compiles in Go's RE2 and Java's regex and means the same in both.
/// On success returns the parsed pattern.
pub fn check(pattern: &str) -> Result<Ast, Problem> {
    let parsed = ast::parse::ParserBuilder::new()
        .octal(false)
        .build()
        .parse(pattern)
        .map_err(|e| parse_problem(pattern, &e))?;
    let mut w = Walker { pattern };
    w.node(&parsed, Scope::top(), true, GO_MAX_REPEAT)?;
    Ok(parsed)
}

/// The first construct of a checked pattern that can match a character other than printable
/// ASCII (`' '`..=`'~'`), or `None` when every value it matches is printable ASCII.
/// (Length bounds count alike in both backends only then: RG013.)
pub(crate) fn non_printable_ascii(ast: &Ast) -> Option<Range<usize>> {
    let span = |s: &ast::Span| Some(s.start.offset..s.end.offset);
    match ast {
        Ast::Empty(_) | Ast::Flags(_) | Ast::Assertion(_) => None,
        Ast::Literal(l) => (!printable(l.c)).then_some(l.span.start.offset..l.span.end.offset),
        Ast::Dot(s) => span(s),
        Ast::ClassUnicode(c) => span(&c.span),
        Ast::ClassPerl(c) => c.negated.then_some(c.span.start.offset..c.span.end.offset),
        Ast::ClassBracketed(c) if c.negated => span(&c.span),
        Ast::ClassBracketed(c) => class_set_non_printable(&c.kind),
        Ast::Repetition(r) => non_printable_ascii(&r.ast),
        Ast::Group(g) => non_printable_ascii(&g.ast),
        Ast::Alternation(a) => a.asts.iter().find_map(non_printable_ascii),
        Ast::Concat(c) => c.asts.iter().find_map(non_printable_ascii),
    }
}

/// A pattern that passed [`check`], rewritten for the `regex` crate so that it matches what
/// Go (and Java) match: the crate's `\d`, `\w` and their negations are Unicode, Go's and Java's
/// ASCII, so they become `[0-9]`, `[0-9A-Za-z_]`, `[^0-9]`, `[^0-9A-Za-z_]` (the crate takes a
/// nested class inside a class too). Everything else `check` accepts reads the same in the crate.
pub fn to_rust(pattern: &str, ast: &Ast) -> String {
    let mut perl = Vec::new();
    collect_perl(ast, &mut perl);
    perl.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(pattern.len() + 16 * perl.len());
    let mut at = 0;
    for (r, with) in perl {
        out.push_str(pattern.get(at..r.start).unwrap_or_default());
        out.push_str(with);
        at = r.end;
    }
    out.push_str(pattern.get(at..).unwrap_or_default());
    out
}

fn perl_ascii(c: &ast::ClassPerl) -> (Range<usize>, &'static str) {
    let with = match (&c.kind, c.negated) {
        (ClassPerlKind::Digit, false) => "[0-9]",
        (ClassPerlKind::Digit, true) => "[^0-9]",
        (ClassPerlKind::Word, false) => "[0-9A-Za-z_]",
        (ClassPerlKind::Word, true) => "[^0-9A-Za-z_]",
        (ClassPerlKind::Space, false) => "[\\t\\n\\f\\r ]",
        (ClassPerlKind::Space, true) => "[^\\t\\n\\f\\r ]",
    };
    (c.span.start.offset..c.span.end.offset, with)
}

fn collect_perl(ast: &Ast, out: &mut Vec<(Range<usize>, &'static str)>) {
    match ast {
        Ast::ClassPerl(c) => out.push(perl_ascii(c)),
        Ast::ClassBracketed(c) => collect_perl_set(&c.kind, out),
        Ast::Repetition(r) => collect_perl(&r.ast, out),
        Ast::Group(g) => collect_perl(&g.ast, out),
        Ast::Alternation(a) => a.asts.iter().for_each(|x| collect_perl(x, out)),
        Ast::Concat(c) => c.asts.iter().for_each(|x| collect_perl(x, out)),
        _ => {}
    }
}

fn collect_perl_set(set: &ClassSet, out: &mut Vec<(Range<usize>, &'static str)>) {
    match set {
        ClassSet::BinaryOp(op) => {
            collect_perl_set(&op.lhs, out);
            collect_perl_set(&op.rhs, out);
        }
        ClassSet::Item(item) => collect_perl_item(item, out),
    }
}

fn collect_perl_item(item: &ClassSetItem, out: &mut Vec<(Range<usize>, &'static str)>) {
    match item {
        ClassSetItem::Perl(c) => out.push(perl_ascii(c)),
        ClassSetItem::Bracketed(b) => collect_perl_set(&b.kind, out),
        ClassSetItem::Union(u) => u.items.iter().for_each(|i| collect_perl_item(i, out)),
        _ => {}
    }
}

/// The checked pattern compiled for the `regex` crate to match a whole value, as Terraform's
/// validation (`^(?:P)$`) and CloudFormation's AllowedPattern (Java `Matcher.matches()`) match
/// it; `None` if the crate cannot build it (its size limits are not Go's). [`matches()`] uses it;
/// `tests/regex_java.rs` holds it against the real Java.
pub fn matcher(pattern: &str, ast: &Ast) -> Option<regex::Regex> {
    regex::Regex::new(&format!("^(?:{})$", to_rust(pattern, ast))).ok()
}

/// Whether `pattern` cannot match `""` (a pattern rolegen cannot read or build is taken to
/// match it).
pub fn rejects_empty(pattern: &str) -> bool {
    check(pattern)
        .ok()
        .and_then(|ast| matches(pattern, &ast, ""))
        == Some(false)
}

/// Whether `value` matches the checked pattern as a whole, as Terraform's validation and
/// CloudFormation's AllowedPattern match it; `None` if the `regex` crate cannot build it
/// (its size limits are not Go's).
pub fn matches(pattern: &str, ast: &Ast, value: &str) -> Option<bool> {
    Some(matcher(pattern, ast)?.is_match(value))
}

/// Whether `pattern` passes [`check`] and matches printable ASCII only: the patterns that
/// `min_length`/`max_length` may come with.
pub(crate) fn printable_ascii_only(pattern: &str) -> bool {
    check(pattern).is_ok_and(|ast| non_printable_ascii(&ast).is_none())
}

fn printable(c: char) -> bool {
    (' '..='~').contains(&c)
}

fn class_set_non_printable(set: &ClassSet) -> Option<Range<usize>> {
    match set {
        ClassSet::BinaryOp(op) => Some(op.span.start.offset..op.span.end.offset),
        ClassSet::Item(item) => item_non_printable(item),
    }
}

fn item_non_printable(item: &ClassSetItem) -> Option<Range<usize>> {
    let span = item.span().start.offset..item.span().end.offset;
    match item {
        ClassSetItem::Empty(_) => None,
        ClassSetItem::Literal(l) => (!printable(l.c)).then_some(span),
        ClassSetItem::Range(r) => (!(printable(r.start.c) && printable(r.end.c))).then_some(span),
        ClassSetItem::Perl(p) => p.negated.then_some(span),
        ClassSetItem::Union(u) => u.items.iter().find_map(item_non_printable),
        ClassSetItem::Ascii(_) | ClassSetItem::Unicode(_) | ClassSetItem::Bracketed(_) => {
            Some(span)
        }
    }
}

/// The text of the pattern at `span`.
fn text<'p>(pattern: &'p str, span: &ast::Span) -> &'p str {
    pattern
        .get(span.start.offset..span.end.offset)
        .unwrap_or_default()
}

/// What a parse error of `regex-syntax` means for the two dialects. The parser knows RE2's
/// syntax; what it rejects, Go rejects too, and the help says what Java would have read.
fn parse_problem(pattern: &str, e: &ast::Error) -> Problem {
    let span = e.span();
    let at = text(pattern, span);
    let rest = pattern.get(span.start.offset..).unwrap_or_default();
    match e.kind() {
        ErrorKind::UnsupportedLookAround => problem(
            span,
            format!("`{at}` is look-around, which Terraform's RE2 engine does not support (Java does)"),
            "express the condition without look-ahead/look-behind, e.g. as alternatives of character classes, or check it elsewhere",
        ),
        ErrorKind::UnsupportedBackreference => problem(
            span,
            format!("`{at}` is a back-reference (or an octal escape), which Terraform's RE2 engine does not support; Java reads `\\1`–`\\9` as back-references"),
            "write the repeated text out, or a character by its code as `\\x{..}`",
        ),
        ErrorKind::FlagUnrecognized if rest.starts_with('>') => problem(
            span,
            "`(?>…)` is an atomic group, which only Java supports (Terraform's RE2 rejects it)",
            "use a plain group `(?:…)`: both engines then find the same matches",
        ),
        ErrorKind::FlagUnrecognized if rest.starts_with('#') => problem(
            span,
            "`(?#…)` is a comment group, which Terraform's RE2 and Java both reject",
            "remove the comment from the pattern (write it in the parameter's description)",
        ),
        ErrorKind::FlagUnrecognized | ErrorKind::FlagUnexpectedEof | ErrorKind::FlagDanglingNegation => problem(
            span,
            format!("`{at}` is not a flag both engines know (Go: i m s U; Java: i d m s u x U, with different meanings)"),
            "use no inline flags except `s`, as `(?s)` at the start or `(?s:…)`",
        ),
        ErrorKind::EscapeUnrecognized => escape_problem(span, at),
        ErrorKind::RepetitionCountDecimalEmpty | ErrorKind::RepetitionCountUnclosed | ErrorKind::RepetitionCountInvalid | ErrorKind::DecimalInvalid | ErrorKind::DecimalEmpty => problem(
            span,
            "a `{` that is not a complete count `{n}`, `{n,}` or `{n,m}`: Go reads it as a literal `{`, Java rejects it",
            "escape a literal brace as `\\{`, or write the count in full (`{0,5}`, not `{,5}`)",
        ),
        ErrorKind::RepetitionMissing => problem(
            span,
            "a repetition operator with nothing to repeat",
            "escape it (`\\*`, `\\+`, `\\?`, `\\{`) if it is meant literally",
        ),
        ErrorKind::NestLimitExceeded(n) => problem(
            span,
            format!("the pattern nests deeper than {n} levels"),
            "flatten the groups",
        ),
        _ => problem(
            span,
            format!("the pattern does not compile: {}", e.kind()),
            "fix the regular expression (RE2 syntax, as Terraform's `regex()` reads it)",
        ),
    }
}

fn escape_problem(span: &ast::Span, at: &str) -> Problem {
    let letter = at.chars().nth(1).unwrap_or(' ');
    let (what, help) = match letter {
        'Z' => (
            "end of input but before a final line terminator, in Java only; Terraform's RE2 rejects it",
            "drop it: both engines already match the whole value (or use `\\z`, the end of input in both)",
        ),
        'h' | 'H' | 'v' | 'V' => (
            "a horizontal or vertical whitespace class of Java, which RE2 lacks",
            "list the characters in a class, e.g. `[ \\t]`",
        ),
        'R' => (
            "any line break, in Java only",
            "list the line breaks you accept, e.g. `(?:\\r\\n|\\n)`",
        ),
        'Q' | 'E' => (
            "quoting, which the engines treat differently inside classes (and rolegen does not check)",
            "escape each special character with `\\` instead",
        ),
        'e' | 'c' | 'N' => (
            "a character escape of Java (`\\e`, `\\cX`, `\\N{name}`) that RE2 does not know",
            "write the character by its code, `\\x{1B}`",
        ),
        'k' | 'g' => (
            "a named back-reference, which Terraform's RE2 does not support",
            "write the repeated text out",
        ),
        'X' | 'G' | 'K' | 'C' => (
            "this escape is known to only one of the engines (or neither)",
            "write the characters you mean as a class",
        ),
        _ => (
            "an escape neither Terraform's RE2 nor Java knows as such",
            "escape only punctuation (`\\.`, `\\-`); letters after `\\` are reserved",
        ),
    };
    problem(span, format!("`{at}`: {what}"), help)
}

/// Flags in effect: only `s` may be set, so the scope is one bit.
#[derive(Clone, Copy)]
struct Scope {
    dot_all: bool,
}

impl Scope {
    fn top() -> Scope {
        Scope { dot_all: false }
    }
}

struct Walker<'p> {
    pattern: &'p str,
}

impl Walker<'_> {
    /// Checks `node`. `tail`: nothing of the pattern can match after it (so `$` means end of
    /// input in both engines). `budget`: how many copies nested counts may still make.
    fn node(&mut self, node: &Ast, scope: Scope, tail: bool, budget: u32) -> Result<(), Problem> {
        match node {
            Ast::Empty(_) => Ok(()),
            Ast::Flags(f) => match flags_problem(&f.flags) {
                Some(p) => Err(p),
                // `(?s)` first in the whole pattern applies to all of it (see `Concat`).
                None if f.span.start.offset == 0 => Ok(()),
                None => Err(problem(
                    &f.span,
                    format!("`{}` changes flags in the middle of the pattern, where the engines scope it differently across `|`", text(self.pattern, &f.span)),
                    "put `(?s)` first in the pattern, or scope it as `(?s:…)`",
                )),
            },
            Ast::Literal(l) => literal(l),
            Ast::Dot(span) if !scope.dot_all => Err(problem(
                span,
                "`.` matches different characters: in Terraform (Go) any character but `\\n`, in CloudFormation (Java) any character but the line terminators `\\n`, `\\r`, `\\u0085`, `\\u2028`, `\\u2029`",
                "write the characters you accept as a class (e.g. `[A-Za-z0-9._-]`), or `(?s:.)` for any character at all",
            )),
            Ast::Dot(_) => Ok(()),
            Ast::Assertion(a) => assertion(a, tail),
            Ast::ClassUnicode(c) => Err(unicode_problem(&c.span, self.pattern)),
            Ast::ClassPerl(c) => perl(c),
            Ast::ClassBracketed(c) => self.bracketed(c),
            Ast::Repetition(r) => {
                if let Ast::Repetition(inner) = &*r.ast {
                    let op = text(self.pattern, &r.op.span);
                    let possessive = op == "+" && inner.greedy;
                    return Err(problem(
                        &r.op.span,
                        if possessive {
                            format!("`{}` is a possessive quantifier (Java only); Terraform's RE2 rejects it", text(self.pattern, &ast::Span::new(inner.op.span.start, r.op.span.end)))
                        } else {
                            format!("`{op}` repeats a repetition; Terraform's RE2 rejects a quantifier directly after another")
                        },
                        "drop the extra operator, or group the inner part: `(?:a{2}){3}`",
                    ));
                }
                let budget = match &r.op.kind {
                    RepetitionKind::Range(range) => {
                        let (min, max) = match *range {
                            RepetitionRange::Exactly(n) => (n, Some(n)),
                            RepetitionRange::AtLeast(n) => (n, None),
                            RepetitionRange::Bounded(n, m) => (n, Some(m)),
                        };
                        let biggest = max.unwrap_or(min).max(min);
                        if biggest > GO_MAX_REPEAT {
                            return Err(problem(
                                &r.op.span,
                                format!("the count `{}` is over {GO_MAX_REPEAT}: Terraform's RE2 rejects repetition counts above {GO_MAX_REPEAT}, so `regex()` fails and the validation refuses every value (Java accepts it)", text(self.pattern, &r.op.span)),
                                "repeat with `+` or `*` and bound the length with `min_length`/`max_length` on the parameter (e.g. `[A-Za-z0-9]+` with `max_length: 1224`)",
                            ));
                        }
                        if biggest > budget {
                            return Err(problem(
                                &r.span,
                                format!("nested counts multiply to more than {GO_MAX_REPEAT} copies; Terraform's RE2 rejects that (Java accepts it)"),
                                "use `+` or `*` for the outer or inner repetition and bound the length with `min_length`/`max_length`",
                            ));
                        }
                        // `x{0}` makes no copies: the budget stays.
                        budget.checked_div(biggest).unwrap_or(budget)
                    }
                    _ => budget,
                };
                self.node(&r.ast, scope, false, budget)
            }
            Ast::Group(g) => {
                let mut inner = scope;
                match &g.kind {
                    GroupKind::CaptureIndex(_) => {}
                    GroupKind::CaptureName { .. } => {
                        return Err(problem(
                            &g.span,
                            "a named group: Java rejects `(?P<name>…)`, Terraform's RE2 before Go 1.22 rejects `(?<name>…)`",
                            "use `(…)` or `(?:…)`; names mean nothing to a validation",
                        ))
                    }
                    GroupKind::NonCapturing(flags) => {
                        if let Some(p) = flags_problem(flags) {
                            return Err(p);
                        }
                        if let Some(on) = flags.flag_state(Flag::DotMatchesNewLine) {
                            inner.dot_all = on;
                        }
                    }
                }
                self.node(&g.ast, inner, tail, budget)
            }
            Ast::Alternation(a) => a
                .asts
                .iter()
                .try_for_each(|x| self.node(x, scope, tail, budget)),
            Ast::Concat(c) => {
                let mut scope = scope;
                let last = c.asts.len().saturating_sub(1);
                for (i, x) in c.asts.iter().enumerate() {
                    if let Ast::Flags(f) = x {
                        // `(?s)` as the very first thing of the whole pattern applies to all of it.
                        if i == 0 && f.span.start.offset == 0 {
                            if let Some(p) = flags_problem(&f.flags) {
                                return Err(p);
                            }
                            if let Some(on) = f.flags.flag_state(Flag::DotMatchesNewLine) {
                                scope.dot_all = on;
                            }
                            continue;
                        }
                    }
                    self.node(x, scope, tail && i == last, budget)?;
                }
                Ok(())
            }
        }
    }

    fn bracketed(&mut self, c: &ClassBracketed) -> Result<(), Problem> {
        self.class_set(&c.kind)
    }

    fn class_set(&mut self, set: &ClassSet) -> Result<(), Problem> {
        match set {
            ClassSet::BinaryOp(op) => Err(problem(
                &op.span,
                format!("`{}` in a class: Java reads `&&` as intersection, Go reads `&&`, `--` and `~~` as literal characters", text(self.pattern, &op.span)),
                "list the characters of the class you mean, escaping `&`, `-` and `~` as `\\&`, `\\-`, `\\~`",
            )),
            ClassSet::Item(ClassSetItem::Union(u)) => {
                for item in &u.items {
                    self.class_item(item)?;
                }
                Ok(())
            }
            ClassSet::Item(item) => self.class_item(item),
        }
    }

    fn class_item(&mut self, item: &ClassSetItem) -> Result<(), Problem> {
        match item {
            ClassSetItem::Empty(_) => Ok(()),
            ClassSetItem::Literal(l) => class_literal(l),
            ClassSetItem::Range(r) => {
                class_literal(&r.start)?;
                class_literal(&r.end)
            }
            ClassSetItem::Ascii(a) => Err(problem(
                &a.span,
                format!("`{}` is a POSIX class: Go knows it, Java reads it as the characters `[`, `:`, … (Java writes `\\p{{Alpha}}`, which Go lacks)", text(self.pattern, &a.span)),
                "list the ranges, e.g. `[:alpha:]` as `A-Za-z`, `[:digit:]` as `0-9`",
            )),
            ClassSetItem::Unicode(u) => Err(unicode_problem(&u.span, self.pattern)),
            ClassSetItem::Perl(p) => perl(p),
            ClassSetItem::Bracketed(b) => Err(problem(
                &b.span,
                "a `[` inside a class: Java reads `[a[b]]` as a union of classes, Go as the literal `[`",
                "escape a literal bracket as `\\[`, and write one flat class",
            )),
            ClassSetItem::Union(u) => u.items.iter().try_for_each(|i| self.class_item(i)),
        }
    }
}

/// A problem with the flags of `(?flags)` or `(?flags:…)`; only `s` means the same in both.
fn flags_problem(flags: &ast::Flags) -> Option<Problem> {
    for item in &flags.items {
        let FlagsItemKind::Flag(flag) = &item.kind else {
            continue;
        };
        let (what, help) = match flag {
            Flag::DotMatchesNewLine => continue,
            Flag::CaseInsensitive => (
                "`i` (case-insensitive) folds differently: Go folds Unicode (`k` matches the Kelvin sign K, `s` matches ſ), Java only ASCII unless UNICODE_CASE is on",
                "write both cases in classes, e.g. `[Aa][Bb]` or `[A-Za-z]`",
            ),
            Flag::MultiLine => (
                "`m` (multi-line) makes `^`/`$` match at line breaks: Go only at `\\n`, Java also at `\\r`, `\\u0085`, `\\u2028`, `\\u2029`",
                "drop it: a parameter value is matched whole; list the characters you accept instead",
            ),
            Flag::SwapGreed => (
                "`U` means ungreedy in Go but UNICODE_CHARACTER_CLASS (Unicode `\\w`, `\\d`) in Java",
                "drop it; greediness does not change which values match",
            ),
            Flag::IgnoreWhitespace => (
                "`x` (extended, whitespace and comments ignored) is Java only; Terraform's RE2 rejects it",
                "remove the whitespace and comments and drop the flag",
            ),
            Flag::Unicode => (
                "`u` means UNICODE_CASE in Java and is unknown to Terraform's RE2",
                "drop it",
            ),
            Flag::CRLF => (
                "`R` is unknown to both Terraform's RE2 and Java",
                "drop it",
            ),
        };
        let at = item.span.start.offset..item.span.end.offset;
        return Some(Problem {
            span: at,
            message: format!("inline flag {what}"),
            help: help.into(),
        });
    }
    None
}

fn unicode_problem(span: &ast::Span, pattern: &str) -> Problem {
    problem(
        span,
        format!("`{}` is a Unicode class: the names differ (Go `\\p{{Greek}}`, Java `\\p{{IsGreek}}`; Java's `\\p{{Alpha}}` is ASCII, Go has none) and so do the engines' Unicode versions", text(pattern, span)),
        "list the characters or ranges you accept, e.g. `[A-Za-z]`",
    )
}

fn perl(c: &ast::ClassPerl) -> Result<(), Problem> {
    match c.kind {
        ClassPerlKind::Digit | ClassPerlKind::Word => Ok(()),
        ClassPerlKind::Space => Err(problem(
            &c.span,
            "`\\s` differs: Go's is `[\\t\\n\\f\\r ]`, Java's also has the vertical tab `\\x0B`",
            "write the class out: `[\\t\\n\\f\\r ]` (add `\\x0B` if you want it)",
        )),
    }
}

fn assertion(a: &Assertion, tail: bool) -> Result<(), Problem> {
    match a.kind {
        // Without the `m` flag: start of input in both.
        AssertionKind::StartLine | AssertionKind::StartText | AssertionKind::EndText => Ok(()),
        AssertionKind::EndLine if tail => Ok(()),
        AssertionKind::EndLine => Err(problem(
            &a.span,
            "`$` before more of the pattern: Go reads it as end of input, Java also before a final line terminator",
            "use `$` only at the end of the pattern (or `\\z`, end of input in both)",
        )),
        _ => Err(problem(
            &a.span,
            "a word boundary: Go's `\\b` is ASCII, Java's (before Java 19) counts Unicode letters and digits; `\\<`, `\\>` and `\\b{…}` are not RE2",
            "spell out the characters on each side with classes",
        )),
    }
}

fn literal(l: &ast::Literal) -> Result<(), Problem> {
    match &l.kind {
        LiteralKind::Verbatim => Ok(()),
        LiteralKind::Meta | LiteralKind::Superfluous => {
            if l.c.is_ascii() && !l.c.is_ascii_alphanumeric() {
                Ok(())
            } else {
                Err(problem(
                    &l.span,
                    "an escaped character that is not ASCII punctuation",
                    "escape only ASCII punctuation; write other characters as they are",
                ))
            }
        }
        LiteralKind::HexFixed(HexLiteralKind::X) | LiteralKind::HexBrace(HexLiteralKind::X) => Ok(()),
        LiteralKind::HexFixed(_) | LiteralKind::HexBrace(_) => Err(problem(
            &l.span,
            "`\\u`/`\\U` escapes: Java knows `\\uhhhh`, Terraform's RE2 knows neither",
            format!("write `\\x{{{:X}}}`", u32::from(l.c)),
        )),
        LiteralKind::Special(SpecialLiteralKind::VerticalTab) => Err(problem(
            &l.span,
            "`\\v` is the vertical tab in Go but any vertical whitespace (`[\\n\\x0B\\f\\r\\x85\\u2028\\u2029]`) in Java",
            "write the vertical tab as `\\x0B`",
        )),
        LiteralKind::Special(SpecialLiteralKind::Space) => Err(problem(
            &l.span,
            "an escaped space of the `x` flag",
            "write the space as is",
        )),
        LiteralKind::Special(_) => Ok(()),
        LiteralKind::Octal => Err(problem(
            &l.span,
            "an octal escape: Go reads `\\123`, Java needs `\\0123` and reads `\\1` as a back-reference",
            format!("write `\\x{{{:X}}}`", u32::from(l.c)),
        )),
    }
}

/// A literal in a class: the same rules, plus `]` must be escaped.
fn class_literal(l: &ast::Literal) -> Result<(), Problem> {
    if l.kind == LiteralKind::Verbatim && (l.c == ']' || l.c == '[') {
        return Err(problem(
            &l.span,
            format!(
                "an unescaped `{}` inside a class, which Java and Go read differently",
                l.c
            ),
            format!("escape it as `\\{}`", l.c),
        ));
    }
    literal(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(p: &str) {
        if let Err(e) = check(p) {
            panic!("{p:?} rejected: {e:?}");
        }
    }

    fn bad(p: &str, needle: &str) -> Problem {
        match check(p) {
            Ok(_) => panic!("{p:?} accepted"),
            Err(e) => {
                assert!(
                    e.message.contains(needle),
                    "{p:?}: message {:?} lacks {needle:?}",
                    e.message
                );
                assert!(
                    e.span.end <= p.len() && e.span.start <= e.span.end,
                    "{p:?}: {e:?}"
                );
                assert!(!e.help.is_empty());
                e
            }
        }
    }

    /// The cases of `tests/data/regex-dialect-cases.txt`: (pattern, `None` if accepted or
    /// `Some(message part)` if rejected).
    fn cases() -> Vec<(&'static str, Option<&'static str>)> {
        include_str!("../../tests/data/regex-dialect-cases.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| match l.split('\t').collect::<Vec<_>>()[..] {
                ["ok", p] => (p, None),
                ["bad", needle, p] => (p, Some(needle)),
                _ => panic!("malformed case line {l:?}"),
            })
            .collect()
    }

    #[test]
    fn each_case_gets_its_verdict() {
        let cases = cases();
        assert!(cases.iter().filter(|c| c.1.is_none()).count() >= 20);
        assert!(cases.iter().filter(|c| c.1.is_some()).count() >= 40);
        for (p, verdict) in cases {
            match verdict {
                None => ok(p),
                Some(needle) => {
                    bad(p, needle);
                }
            }
        }
    }

    #[test]
    fn a_rejected_count_is_located() {
        let e = bad("[A-Za-z0-9+=,.@:/_-]{2,1224}", "over 1000");
        assert_eq!(e.span, 20..28);
    }

    #[test]
    fn rust_reads_as_go() {
        let m = |p: &str, v: &str| matches(p, &check(p).unwrap(), v).unwrap();
        // The crate's \d is Unicode; Go's and Java's are ASCII.
        assert!(!m("\\d+", "\u{661}"));
        assert!(m("\\d+", "42"));
        assert!(!m("[\\w.]+", "é"));
        assert!(m("[\\w.]+", "a_b.c"));
        assert!(m("[^\\D]", "7"));
        assert!(m("\\W", "é"));
        assert!(!m("[a-z]{2}", "abc"));
        assert_eq!(
            to_rust("a\\d[\\w-]", &check("a\\d[\\w-]").unwrap()),
            "a[0-9][[0-9A-Za-z_]-]"
        );
    }

    #[test]
    fn printable_ascii() {
        let ascii = |p: &str| non_printable_ascii(&check(p).unwrap()).is_none();
        assert!(ascii("[A-Za-z0-9+=,.@:/_-]+"));
        assert!(ascii("\\d\\w+|x"));
        assert!(!ascii("[^a]"));
        assert!(!ascii("é"));
        assert!(!ascii("\\D"));
        assert!(!ascii("(?s:.)"));
        assert!(!ascii("[\\t]"));
        assert!(!ascii("[\\x00-a]"));
    }
}
