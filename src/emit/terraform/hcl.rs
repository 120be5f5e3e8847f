//! A small HCL writer for the constructs rolegen emits, laid out exactly as `terraform fmt`
//! leaves it: two-space indents, `=` aligned across runs of single-line attributes.
//!
//! hcl-rs's formatter does not align `=` (so its output fails `terraform fmt -check`); this
//! writer is purpose-built and fast, and the tests parse its output back with hcl-rs.

use crate::emit::push_spaces;
use crate::model::{Part, Pseudo, Template};
use std::borrow::Cow;
use std::fmt::Write;

/// An attribute value.
#[derive(Debug, Clone)]
pub enum Expr {
    /// A single-line expression, already rendered.
    Inline(String),
    /// A list written one element per line (`[`, `  a,`, `]`).
    List(Vec<String>),
    /// An object written one `key = value` per line.
    Map(Vec<(String, String)>),
    /// Pre-rendered lines; lines after the first are indented relative to the attribute.
    Lines(Vec<String>),
}

/// One item of a body.
#[derive(Debug, Clone)]
pub enum Item {
    /// `key = value` (keys are mostly fixed names; a `module` block's are its variables').
    Attr(Cow<'static, str>, Expr),
    /// A nested block.
    Block(Block),
    /// An empty line.
    Blank,
}

/// A block: `type "label" { body }`.
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// Block type (`resource`, `statement`).
    pub ident: &'static str,
    /// Labels, quoted on output.
    pub labels: Vec<String>,
    /// Contents.
    pub body: Vec<Item>,
}

impl Block {
    /// A new block.
    pub fn new(ident: &'static str, labels: &[&str]) -> Self {
        Block {
            ident,
            labels: labels.iter().map(|l| (*l).to_owned()).collect(),
            body: Vec::new(),
        }
    }
    /// Adds a single-line attribute.
    pub fn attr(
        &mut self,
        key: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> &mut Self {
        self.body
            .push(Item::Attr(key.into(), Expr::Inline(value.into())));
        self
    }
    /// Adds an attribute with any value.
    pub(crate) fn attr_expr(
        &mut self,
        key: impl Into<Cow<'static, str>>,
        value: Expr,
    ) -> &mut Self {
        self.body.push(Item::Attr(key.into(), value));
        self
    }
    /// Adds an empty line (ends a run of aligned attributes).
    pub(crate) fn blank(&mut self) -> &mut Self {
        self.body.push(Item::Blank);
        self
    }
    /// Adds a nested block, with a blank line before it unless it comes first.
    pub fn block(&mut self, b: Block) -> &mut Self {
        if matches!(self.body.last(), Some(Item::Attr(..) | Item::Block(_))) {
            self.body.push(Item::Blank);
        }
        self.body.push(Item::Block(b));
        self
    }
}

/// Writes top-level blocks separated by blank lines.
pub(crate) fn write_file(blocks: &[Block]) -> String {
    let mut w = FileWriter::with_capacity(blocks.len() * 256);
    for b in blocks {
        w.write(b);
    }
    w.finish()
}

/// A file written block by block as the blocks are made (so no file-sized tree is built).
pub(crate) struct FileWriter {
    out: String,
    blocks: usize,
}

impl FileWriter {
    /// An empty file with room for `bytes`.
    pub fn with_capacity(bytes: usize) -> Self {
        FileWriter {
            out: String::with_capacity(bytes),
            blocks: 0,
        }
    }

    /// Writes a top-level block (after a blank line unless it is the first).
    pub fn write(&mut self, b: &Block) {
        if self.blocks > 0 {
            self.out.push('\n');
        }
        self.blocks += 1;
        write_block(&mut self.out, b, 0);
    }

    /// Writes a top-level block and drops it.
    pub fn push(&mut self, b: Block) {
        self.write(&b);
    }

    /// The file's text.
    pub fn finish(self) -> String {
        self.out
    }
}

fn indent(out: &mut String, n: usize) {
    push_spaces(out, 2 * n);
}

/// `key` padded with spaces to `width` characters, then ` = `.
fn key_eq(out: &mut String, k: &str, width: usize) {
    out.push_str(k);
    push_spaces(out, width.saturating_sub(k.chars().count()));
    out.push_str(" = ");
}

fn write_block(out: &mut String, b: &Block, level: usize) {
    indent(out, level);
    out.push_str(b.ident);
    for l in &b.labels {
        out.push(' ');
        out.push('"');
        escape_into(out, l);
        out.push('"');
    }
    if b.body.is_empty() {
        out.push_str(" {}\n");
        return;
    }
    out.push_str(" {\n");
    write_body(out, &b.body, level + 1);
    indent(out, level);
    out.push_str("}\n");
}

fn single_line(e: &Expr) -> bool {
    match e {
        Expr::Inline(_) => true,
        Expr::List(v) => v.is_empty(),
        Expr::Map(v) => v.is_empty(),
        Expr::Lines(v) => v.len() <= 1,
    }
}

fn write_body(out: &mut String, items: &[Item], level: usize) {
    let mut i = 0;
    while i < items.len() {
        // A run of single-line attributes shares one `=` column.
        let mut j = i;
        let mut width = 0;
        while let Some(Item::Attr(k, e)) = items.get(j) {
            if !single_line(e) {
                break;
            }
            width = width.max(k.chars().count());
            j += 1;
        }
        if j > i {
            for item in &items[i..j] {
                if let Item::Attr(k, e) = item {
                    indent(out, level);
                    key_eq(out, k, width);
                    write_expr(out, e, level);
                }
            }
            i = j;
            continue;
        }
        match &items[i] {
            Item::Attr(k, e) => {
                indent(out, level);
                key_eq(out, k, 0);
                write_expr(out, e, level);
            }
            Item::Block(b) => write_block(out, b, level),
            Item::Blank => out.push('\n'),
        }
        i += 1;
    }
}

fn write_expr(out: &mut String, e: &Expr, level: usize) {
    match e {
        Expr::Inline(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Expr::List(v) if v.is_empty() => out.push_str("[]\n"),
        Expr::Map(v) if v.is_empty() => out.push_str("{}\n"),
        Expr::List(v) => {
            out.push_str("[\n");
            for item in v {
                indent(out, level + 1);
                out.push_str(item);
                out.push_str(",\n");
            }
            indent(out, level);
            out.push_str("]\n");
        }
        Expr::Map(v) => {
            out.push_str("{\n");
            let width = v.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
            for (k, val) in v {
                indent(out, level + 1);
                key_eq(out, k, width);
                out.push_str(val);
                out.push('\n');
            }
            indent(out, level);
            out.push_str("}\n");
        }
        Expr::Lines(lines) => {
            for (n, l) in lines.iter().enumerate() {
                if n > 0 && !l.is_empty() {
                    indent(out, level);
                }
                out.push_str(l);
                out.push('\n');
            }
        }
    }
}

/// A map key: bare if it is an identifier, quoted otherwise.
pub fn map_key(k: &str) -> String {
    let ident = k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    // `for` opens a for-expression in an object; quote keywords so they stay keys.
    let keyword = matches!(
        k,
        "for" | "in" | "if" | "else" | "endif" | "endfor" | "true" | "false" | "null"
    );
    if ident && !keyword {
        k.to_owned()
    } else {
        quote_literal(k)
    }
}

/// Bytes written as they are wherever they stand: printable ASCII but `\`, `"`, `$` and `%`.
static SIMPLE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0x20;
    while c < 0x7f {
        t[c] = !matches!(c as u8, b'\\' | b'"' | b'$' | b'%');
        c += 1;
    }
    t
};

/// Escapes literal text for the inside of an HCL quoted template.
pub fn escape_into(out: &mut String, s: &str) {
    // Printable ASCII without `\`, `"` and template openers is written as it is: first one
    // pass over a table (most text has no `$` or `%` at all), then the exact test.
    let b = s.as_bytes();
    let plain = b.iter().all(|&c| SIMPLE[c as usize])
        || b.iter().enumerate().all(|(i, &c)| {
            (0x20..0x7f).contains(&c)
                && c != b'\\'
                && c != b'"'
                && !((c == b'$' || c == b'%') && b.get(i + 1) == Some(&b'{'))
        });
    if plain {
        out.push_str(s);
        return;
    }
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("$$"),
            '%' if chars.peek() == Some(&'{') => out.push_str("%%"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// A quoted HCL string of literal text.
pub fn quote_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    escape_into(&mut out, s);
    out.push('"');
    out
}

/// The Terraform expression of a pseudo parameter.
pub(crate) fn pseudo_ref(p: Pseudo) -> &'static str {
    match p {
        Pseudo::Partition => "data.aws_partition.current.partition",
        Pseudo::AccountId => "data.aws_caller_identity.current.account_id",
        Pseudo::Region => "data.aws_region.current.name",
        Pseudo::UrlSuffix => "data.aws_partition.current.dns_suffix",
        Pseudo::StackName => "var.stack_name",
    }
}

/// Renders a template as an HCL expression: a bare reference when it is exactly one
/// placeholder, a quoted template otherwise. `param` renders a parameter reference.
pub(crate) fn template_expr(
    t: &Template,
    param: &dyn Fn(&crate::model::ParamName) -> String,
) -> String {
    match t.parts.as_slice() {
        [Part::Param(p)] => return param(p),
        [Part::Pseudo(p)] => return pseudo_ref(*p).to_owned(),
        [Part::ProviderArn(p)] => return provider_arn_expr(p, param),
        [Part::Lookup(l)] => return lookup_ref(l, param),
        [Part::Piece(x)] => return piece_ref(x, param),
        _ => {}
    }
    let mut out = String::with_capacity(32);
    out.push('"');
    for part in &t.parts {
        match part {
            Part::Lit(l) => escape_into(&mut out, l),
            Part::Param(p) => {
                out.push_str("${");
                out.push_str(&param(p));
                out.push('}');
            }
            Part::Pseudo(p) => {
                out.push_str("${");
                out.push_str(pseudo_ref(*p));
                out.push('}');
            }
            Part::PolicyVar(v) => {
                out.push_str("$${");
                escape_into(&mut out, v);
                out.push('}');
            }
            Part::ProviderArn(p) => {
                out.push_str("${");
                out.push_str(&provider_arn_expr(p, param));
                out.push('}');
            }
            Part::Lookup(l) => {
                out.push_str("${");
                out.push_str(&lookup_ref(l, param));
                out.push('}');
            }
            Part::Piece(x) => {
                out.push_str("${");
                out.push_str(&piece_ref(x, param));
                out.push('}');
            }
        }
    }
    out.push('"');
    out
}

/// `locals`: each mapping of the module as a map of objects, one entry a line
/// (`aws-cn = { principal = "ec2.amazonaws.com.cn" }`); none without mappings.
pub(crate) fn mapping_locals(m: &crate::model::Module) -> Option<Block> {
    if m.mappings.is_empty() {
        return None;
    }
    let mut b = Block::new("locals", &[]);
    for m in m.mappings.values() {
        let entries = m
            .entries
            .iter()
            .map(|(e, keys)| {
                let fields: Vec<String> = keys
                    .iter()
                    .map(|(k, v)| format!("{} = {}", map_key(k), quote_literal(v)))
                    .collect();
                (map_key(e), format!("{{ {} }}", fields.join(", ")))
            })
            .collect();
        b.attr_expr(crate::model::mapping_local(&m.name), Expr::Map(entries));
    }
    Some(b)
}

/// The Terraform expression of a mapping lookup: the mapping's local indexed by the
/// partition, region or variable, then by the key
/// (`local.mapping_partition_map[data.aws_partition.current.partition]["principal"]`).
pub(crate) fn lookup_ref(
    l: &crate::model::Lookup,
    param: &dyn Fn(&crate::model::ParamName) -> String,
) -> String {
    let by = key_ref(&l.by, param);
    format!(
        "local.{}[{by}][{}]",
        crate::model::mapping_local(&l.map),
        quote_literal(&l.key)
    )
}

/// The expression of a pseudo parameter or a parameter.
fn key_ref(
    k: &crate::model::LookupKey,
    param: &dyn Fn(&crate::model::ParamName) -> String,
) -> String {
    match k {
        crate::model::LookupKey::Pseudo(p) => pseudo_ref(*p).to_owned(),
        crate::model::LookupKey::Param(n) => param(n),
    }
}

/// The Terraform expression of a piece: `split("//", var.issuer_url)[1]`. An index, not
/// `element(…)`: `element` wraps around where the value has too few pieces, an index fails
/// the plan as CloudFormation's `Fn::Select` fails the stack.
pub(crate) fn piece_ref(
    x: &crate::model::Piece,
    param: &dyn Fn(&crate::model::ParamName) -> String,
) -> String {
    let of = key_ref(&x.of, param);
    format!("split({}, {of})[{}]", quote_literal(&x.delim), x.index)
}

/// The ARN of a provider or key of the module ([`provider_arn_ref`]); a switched OIDC
/// provider's is `<switch> ? <ref> : "<arn>"`, the ARN IAM gives an existing provider of its
/// issuer where the module does not create it.
fn provider_arn_expr(
    p: &crate::model::ProviderArn,
    param: &dyn Fn(&crate::model::ParamName) -> String,
) -> String {
    let reference = provider_arn_ref(&p.id);
    let Some(w) = &p.when else {
        return reference;
    };
    format!(
        "{} ? {reference} : {}",
        switch_expr(w, param),
        template_expr(&p.arn, param)
    )
}

/// A `when:` switch: `var.flag`, `!var.flag`, `local.is_prod`, `!local.is_prod`; `param`
/// renders a bool parameter.
pub(crate) fn switch_expr(
    s: &crate::model::Switch,
    param: &dyn Fn(&crate::model::ParamName) -> String,
) -> String {
    let r = match &s.test {
        Some(_) => format!("local.{}", s.param.snake()),
        None => param(&s.param),
    };
    if s.negated {
        format!("!{r}")
    } else {
        r
    }
}

/// The Terraform expression of the ARN of the module's OIDC provider or KMS key `id`. It is
/// counted (`var.create`, a key also by its switch) and the documents that read it are data sources that are not:
/// `[0]` would fail to plan with `create = false`, so the ARN is joined from the splat (empty
/// when nothing is created, and then no role uses the document).
pub(crate) fn provider_arn_ref(id: &crate::model::Created) -> String {
    match id {
        crate::model::Created::Oidc(id) => format!(
            "join(\"\", aws_iam_openid_connect_provider.{}[*].arn)",
            id.snake()
        ),
        crate::model::Created::Key(id) => {
            format!("join(\"\", aws_kms_key.{}[*].arn)", id.snake())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The escaping, char by char as HCL reads a quoted template, for text with and without
    /// the characters the fast path leaves to the exact test.
    #[test]
    fn escape_into_writes_plain_text_unchanged_and_escapes_the_rest() {
        let reference = |s: &str| {
            let mut out = String::new();
            let mut chars = s.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '"' => out.push_str("\\\""),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '$' | '%' if chars.peek() == Some(&'{') => {
                        out.push(c);
                        out.push(c);
                    }
                    c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
                    c => out.push(c),
                }
            }
            out
        };
        for s in [
            "",
            "arn:aws:s3:::bucket-1/*",
            "100% sure",
            "$5",
            "a${b}",
            "a%{b}",
            "$${a}",
            "ends with $",
            "ends with %",
            "q\"uote",
            "back\\slash",
            "tab\there\nnew\r",
            "\u{1}\u{7f}",
            "é ü ${x}",
        ] {
            let mut out = String::new();
            escape_into(&mut out, s);
            assert_eq!(out, reference(s), "{s:?}");
        }
    }

    #[test]
    fn aligns_runs_and_breaks_on_multiline() {
        let mut b = Block::new("resource", &["aws_iam_role", "x"]);
        b.attr("name", "\"a\"")
            .attr("assume_role_policy", "data.x.json")
            .attr_expr(
                "tags",
                Expr::Map(vec![
                    ("a".into(), "\"b\"".into()),
                    ("long_key".into(), "\"c\"".into()),
                ]),
            )
            .attr("description", "\"y\"");
        let s = write_file(&[b]);
        assert_eq!(
            s,
            "resource \"aws_iam_role\" \"x\" {\n  name               = \"a\"\n  assume_role_policy = data.x.json\n  tags = {\n    a        = \"b\"\n    long_key = \"c\"\n  }\n  description = \"y\"\n}\n"
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(
            quote_literal("a\"b\\c\n${x}%{y}$z"),
            "\"a\\\"b\\\\c\\n$${x}%%{y}$z\""
        );
    }
}
