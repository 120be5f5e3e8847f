//! Reading a spec file: size limit, YAML parse, serde into [`Spec`], and load errors turned
//! into located diagnostics.

use super::source::{parse_fast, SourceFile};
use super::Spec;
use crate::diagnostics::{Diagnostic, SourceRef};
use crate::rules;
use crate::suggest::closest;
use std::path::Path;
use std::sync::Arc;

/// Largest spec file rolegen reads (bytes).
pub const MAX_SPEC_BYTES: u64 = 64 * 1024 * 1024;

/// A parsed spec with the file it came from.
#[derive(Debug)]
pub struct LoadedSpec {
    /// The file (for positions).
    pub file: Arc<SourceFile>,
    /// The parsed spec.
    pub spec: Spec,
}

/// Reads at most `limit` bytes from `r`: `Ok(None)` if it holds more. The size of a pipe
/// (`rolegen lint <(…)`, standard input) is not known in advance, so the limit is applied
/// while reading, never after reading everything.
pub fn read_at_most(r: impl std::io::Read, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    read_at_most_sized(r, limit, 0)
}

/// [`read_at_most`] into a buffer made for `expected` bytes (a regular file's size): no
/// buffer of twice the file's size, no copies as it grows.
fn read_at_most_sized(
    r: impl std::io::Read,
    limit: u64,
    expected: u64,
) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    // One byte more than expected, so a file that did not grow is read to its end without
    // growing the buffer.
    let capacity = usize::try_from(expected.min(limit).saturating_add(1)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    r.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// Why a file's text could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// Opening or reading failed.
    Io(std::io::Error),
    /// Over the limit; the size, where known before reading (a regular file).
    TooLarge(Option<u64>),
    /// Not UTF-8: the offset of the first invalid byte.
    NotUtf8(usize),
}

/// Reads a text file of at most `limit` bytes (a regular file is refused by its size before
/// reading; a pipe while reading), UTF-8, without a leading byte order mark (YAML allows one;
/// it is not content and no column counts it).
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_file() && meta.len() > limit {
        return Err(ReadError::TooLarge(Some(meta.len())));
    }
    let expected = if meta.is_file() { meta.len() } else { 0 };
    let bytes = read_at_most_sized(file, limit, expected)
        .map_err(ReadError::Io)?
        .ok_or(ReadError::TooLarge(None))?;
    text_of(bytes)
}

/// UTF-8 text of `bytes`, a leading byte order mark removed.
pub fn text_of(bytes: Vec<u8>) -> Result<String, ReadError> {
    let mut text =
        String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(e.utf8_error().valid_up_to()))?;
    strip_bom(&mut text);
    Ok(text)
}

/// Removes a leading UTF-8 byte order mark. Lines and columns are unchanged by it: editors
/// do not show the mark, so the first character after it is column 1.
pub fn strip_bom(text: &mut String) {
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
}

/// The text of a spec as it was parsed, for showing diagnostics in context (`None` if it
/// cannot be read again).
pub fn source_text(path: &Path) -> Option<String> {
    read_text(path, MAX_SPEC_BYTES).ok()
}

/// The RG010 diagnostic of a spec over [`MAX_SPEC_BYTES`].
fn too_large(path: &Path, len: Option<u64>) -> Diagnostic {
    let size = match len {
        Some(n) => format!("is {n} bytes"),
        None => format!("holds more than {MAX_SPEC_BYTES} bytes"),
    };
    Diagnostic::new(
        &rules::INPUT_LIMIT,
        format!(
            "{} {size}; specs are limited to {MAX_SPEC_BYTES} bytes",
            path.display()
        ),
    )
    .help("split the spec into several modules")
    .at(Some(SourceRef::whole_file(path)))
}

/// Reads and parses one spec file.
pub fn load_file(path: &Path) -> Result<LoadedSpec, Vec<Diagnostic>> {
    let text = read_text(path, MAX_SPEC_BYTES).map_err(|e| {
        vec![match e {
            ReadError::Io(e) => io_error(path, &e),
            ReadError::TooLarge(len) => too_large(path, len),
            ReadError::NotUtf8(at) => Diagnostic::new(
                &rules::YAML_SYNTAX,
                format!(
                    "{} is not UTF-8 (invalid byte at offset {at})",
                    path.display()
                ),
            )
            .help("save the spec as UTF-8")
            .at(Some(SourceRef::whole_file(path))),
        }]
    })?;
    load_str(path, text)
}

/// Parses spec text that came from `path`.
///
/// Plain block YAML (what specs are) is read by [`parse_fast`] into a positioned tree and
/// deserialized from it with serde_yaml_ng's rules (`fast`); anything else, and every
/// error, goes through serde_yaml_ng itself, so results and messages are the same either way.
pub fn load_str(path: &Path, mut text: String) -> Result<LoadedSpec, Vec<Diagnostic>> {
    // A byte order mark is not content; serde_yaml_ng would read it as a second document.
    strip_bom(&mut text);
    // ROLEGEN_GENERAL_YAML=1 skips the fast path (to compare the two; output is the same).
    if std::env::var_os("ROLEGEN_GENERAL_YAML").is_none() {
        if let Some(tree) = parse_fast(&text) {
            if let Ok(spec) = fast::spec(&tree, &text) {
                return Ok(LoadedSpec {
                    file: Arc::new(SourceFile::with_tree(path, text, tree)),
                    spec,
                });
            }
        }
    }
    match serde_yaml_ng::from_str::<Spec>(&text) {
        Ok(spec) => Ok(LoadedSpec {
            file: Arc::new(SourceFile::new(path, text)),
            spec,
        }),
        Err(e) => {
            let file = SourceFile::new(path, text);
            Err(vec![yaml_error(&file, &e)])
        }
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        &rules::YAML_SYNTAX,
        format!("cannot read {}: {e}", path.display()),
    )
    .help("check the path and its permissions")
    .at(Some(SourceRef::whole_file(path)))
}

/// Turns a serde_yaml_ng error into a diagnostic with a code, position and help.
fn yaml_error(file: &SourceFile, e: &serde_yaml_ng::Error) -> Diagnostic {
    let raw = e.to_string();
    let message = strip_location(&raw)
        .replace("expected u32", "expected a whole number")
        .replace("expected u64", "expected a whole number")
        .replace("expected a boolean", "expected `true` or `false`");
    // Errors without a position (an alias bomb's repetition limit) still name the file.
    let source = Some(match e.location() {
        Some(l) => SourceRef {
            path: file.path.clone(),
            span: file.span_at(l.line(), l.column()),
        },
        None => SourceRef {
            path: file.path.clone(),
            span: file.span_at(1, 1),
        },
    });
    let syntax = syntax_error(&file.text);
    let (rule, help) = if message.contains("recursion limit")
        || message.contains("repetition limit")
    {
        (
            &rules::INPUT_LIMIT,
            "the spec nests too deeply or expands too many YAML aliases; write it out plainly"
                .to_owned(),
        )
    } else if syntax {
        let line = e
            .location()
            .and_then(|l| file.text.lines().nth(l.line().saturating_sub(1)));
        let help = if line.is_some_and(long_key) {
            "YAML reads at most 1024 characters as a key: shorten the key on this line".to_owned()
        } else {
            "fix the YAML syntax at this position (indentation, a missing `:` or an unclosed quote)"
                .to_owned()
        };
        (&rules::YAML_SYNTAX, help)
    } else if let Some(field) = unknown_field(&message) {
        let expected = expected_fields(&message);
        let help = match closest(&field, expected.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`?"),
            None if expected.is_empty() => "remove the key".to_owned(),
            None => format!("expected one of: {}", expected.join(", ")),
        };
        (&rules::UNKNOWN_FIELD, help)
    } else if message.contains("missing field") {
        (
            &rules::WRONG_TYPE,
            "add the required key (see `rolegen schema` for the spec format)".to_owned(),
        )
    } else {
        (
            &rules::WRONG_TYPE,
            "see `rolegen schema` for what each key accepts".to_owned(),
        )
    };
    let source = if syntax {
        syntax_location(file).or(source)
    } else {
        source
    };
    if let Some(slip) = source
        .as_ref()
        .and_then(|s| slip_at(file, &message, s.span.line, s.span.column))
    {
        return slip;
    }
    let in_flow = source
        .as_ref()
        .and_then(|s| file.text.get(s.span.start..s.span.end))
        .is_some_and(|l| l.contains("${"));
    let help = if in_flow && message.contains("invalid type: map") {
        "inside `[...]` or `{...}`, a `${...}` placeholder reads as a YAML mapping: quote the value or use a block list".to_owned()
    } else {
        help
    };
    Diagnostic::new(rule, message).help(help).at(source)
}

/// A common slip at the error's position (see [`super::slips`]), as a YAML syntax error:
/// a key indented under a scalar, or an unquoted `${...}` in a flow list or mapping.
fn slip_at(file: &SourceFile, message: &str, line: usize, column: usize) -> Option<Diagnostic> {
    let slip = super::slips::at_error(&file.text, message, line, column)?;
    let mut span = file.span_at(slip.line, slip.column);
    span.end = (span.start + slip.len).min(file.text.len());
    Some(
        Diagnostic::new(&rules::YAML_SYNTAX, slip.message)
            .help(slip.help)
            .at(Some(SourceRef {
                path: file.path.clone(),
                span,
            })),
    )
}

/// Whether `line` is `key: value` (or `key:`) with a key over YAML's 1024-character limit
/// for implicit keys, which parsers then do not read as a key at all.
fn long_key(line: &str) -> bool {
    let body = line.trim_start().trim_start_matches("- ");
    let colon = body
        .find(": ")
        .or_else(|| body.strip_suffix(':').map(str::len));
    colon.is_some_and(|i| body[..i].chars().count() > 1024)
}

fn syntax_error(text: &str) -> bool {
    let mut sink = yaml_rust2::parser::Parser::new_from_str(text);
    let mut recv = Ignore;
    sink.load(&mut recv, true).is_err()
}

fn syntax_location(file: &SourceFile) -> Option<SourceRef> {
    let mut parser = yaml_rust2::parser::Parser::new_from_str(&file.text);
    let mut recv = Ignore;
    match parser.load(&mut recv, true) {
        Err(e) => {
            let m = e.marker();
            Some(SourceRef {
                path: file.path.clone(),
                span: file.span_at(m.line(), m.col() + 1),
            })
        }
        Ok(()) => None,
    }
}

struct Ignore;
impl yaml_rust2::parser::MarkedEventReceiver for Ignore {
    fn on_event(&mut self, _: yaml_rust2::parser::Event, _: yaml_rust2::scanner::Marker) {}
}

/// Removes every " at line N column M" serde_yaml_ng puts in a message (the diagnostic carries
/// the position itself). The import of a CloudFormation template uses it too.
pub(crate) fn strip_location(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + " at line ".len()..];
        let skip = tail
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || *c == ' ' || "column".contains(*c)))
            .map_or(tail.len(), |(n, _)| n);
        rest = &tail[skip..];
    }
    out.push_str(rest);
    out.trim_end().to_owned()
}

fn unknown_field(msg: &str) -> Option<String> {
    let rest = &msg[msg.find("unknown field `")? + "unknown field `".len()..];
    Some(rest[..rest.find('`')?].to_owned())
}

fn expected_fields(msg: &str) -> Vec<String> {
    let Some(i) = msg.find("expected ") else {
        return Vec::new();
    };
    msg[i..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// A serde deserializer over the fast parser's [`Tree`](super::source::Tree) that follows
/// serde_yaml_ng's rules for untagged YAML (how plain scalars resolve to null, booleans and
/// numbers; what an option, a sequence or a map accepts). Its errors carry no message: the
/// caller then parses again with serde_yaml_ng for the real one.
mod fast {
    use super::super::source::{NodeKind, Tree};
    use super::super::{RoleSpec, Spec};
    use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
    use serde::Deserialize;
    use std::fmt;

    /// Roles from this many on are deserialized on two threads.
    const PARALLEL_ROLES_MIN: usize = 512;

    /// The spec of a tree. A large `roles:` mapping is read apart from the rest, half of it on
    /// a second thread, and put in place in order: the same spec `Spec::deserialize` makes.
    pub fn spec(tree: &Tree, text: &str) -> Result<Spec> {
        let root = De::root(tree, text);
        let entries = tree.children(Tree::ROOT);
        let roles_at = (root.kind() == NodeKind::Map)
            .then(|| {
                entries
                    .chunks_exact(2)
                    .position(|e| tree.scalar(text, e[0]) == "roles")
            })
            .flatten();
        let Some(i) = roles_at.filter(|&i| {
            let roles = tree.node(entries[2 * i + 1]);
            roles.kind == NodeKind::Map
                && tree.children(entries[2 * i + 1]).len() / 2 >= PARALLEL_ROLES_MIN
        }) else {
            return Spec::deserialize(root);
        };
        let rest: Vec<u32> = entries
            .chunks_exact(2)
            .enumerate()
            .filter(|(j, _)| *j != i)
            .flat_map(|(_, e)| e.iter().copied())
            .collect();
        let roles = tree.children(entries[2 * i + 1]);
        let read = |part: &[u32]| -> Result<Vec<(String, RoleSpec)>> {
            part.chunks_exact(2)
                .map(|e| {
                    Ok((
                        String::deserialize(root.at(e[0]))?,
                        RoleSpec::deserialize(root.at(e[1]))?,
                    ))
                })
                .collect()
        };
        let half = roles.len() / 4 * 2;
        let (mut spec, first, second) = std::thread::scope(|s| {
            let later = s.spawn(|| read(&roles[half..]));
            let first = read(&roles[..half]);
            let spec = Spec::deserialize(De {
                root_entries: Some(&rest),
                ..root
            });
            let second = later.join().unwrap_or(Err(Error));
            (spec, first, second)
        });
        let spec_roles = &mut spec.as_mut().map_err(|_| Error)?.roles;
        spec_roles.reserve(roles.len() / 2);
        for (k, v) in first?.into_iter().chain(second?) {
            spec_roles.insert(k, v);
        }
        spec
    }

    /// Any failure; the caller falls back to serde_yaml_ng.
    #[derive(Debug)]
    pub struct Error;

    impl fmt::Display for Error {
        fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("not read by the fast path")
        }
    }

    impl std::error::Error for Error {}

    impl de::Error for Error {
        fn custom<T: fmt::Display>(_: T) -> Self {
            Error
        }
    }

    type Result<T> = std::result::Result<T, Error>;

    /// Deserializes one node.
    #[derive(Clone, Copy)]
    pub struct De<'a> {
        tree: &'a Tree,
        text: &'a str,
        node: u32,
        /// The root mapping's entries to show instead of all of them.
        root_entries: Option<&'a [u32]>,
    }

    impl<'a> De<'a> {
        /// The document's root.
        pub fn root(tree: &'a Tree, text: &'a str) -> Self {
            De {
                tree,
                text,
                node: Tree::ROOT,
                root_entries: None,
            }
        }

        fn at(self, node: u32) -> Self {
            De {
                node,
                root_entries: None,
                ..self
            }
        }

        fn kind(self) -> NodeKind {
            self.tree.node(self.node).kind
        }

        fn value(self) -> &'a str {
            self.tree.scalar(self.text, self.node)
        }

        /// The text of a plain scalar, or None.
        fn plain(self) -> Option<&'a str> {
            (self.kind() == NodeKind::Plain).then(|| self.value())
        }

        fn seq<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            let mut access = Seq {
                de: self,
                items: self.tree.children(self.node),
                next: 0,
            };
            let v = visitor.visit_seq(&mut access)?;
            // serde_yaml_ng fails when a visitor leaves elements unread.
            if access.next != access.items.len() {
                return Err(Error);
            }
            Ok(v)
        }

        fn map<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            let entries = match self.root_entries {
                Some(e) if self.node == Tree::ROOT => e,
                _ => self.tree.children(self.node),
            };
            let mut access = Map {
                de: self,
                entries,
                next: 0,
            };
            let v = visitor.visit_map(&mut access)?;
            if access.next != access.entries.len() {
                return Err(Error);
            }
            Ok(v)
        }
    }

    struct Seq<'a> {
        de: De<'a>,
        items: &'a [u32],
        next: usize,
    }

    impl<'de> de::SeqAccess<'de> for Seq<'_> {
        type Error = Error;
        fn next_element_seed<T: DeserializeSeed<'de>>(
            &mut self,
            seed: T,
        ) -> Result<Option<T::Value>> {
            let Some(&item) = self.items.get(self.next) else {
                return Ok(None);
            };
            self.next += 1;
            seed.deserialize(self.de.at(item)).map(Some)
        }
        fn size_hint(&self) -> Option<usize> {
            // serde_yaml_ng gives no hint; keep capacities (and so behaviour) alike.
            None
        }
    }

    /// `entries` are key, value, key, value, ...; `next` indexes them.
    struct Map<'a> {
        de: De<'a>,
        entries: &'a [u32],
        next: usize,
    }

    impl<'de> de::MapAccess<'de> for Map<'_> {
        type Error = Error;
        fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
            let Some(&key) = self.entries.get(self.next) else {
                return Ok(None);
            };
            self.next += 1;
            seed.deserialize(self.de.at(key)).map(Some)
        }
        fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
            let &value = self.entries.get(self.next).ok_or(Error)?;
            self.next += 1;
            seed.deserialize(self.de.at(value))
        }
    }

    /// A unit variant named by a scalar (`type: string`).
    struct UnitVariant<'a>(De<'a>);

    impl<'de> de::EnumAccess<'de> for UnitVariant<'_> {
        type Error = Error;
        type Variant = Self;
        fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
            Ok((seed.deserialize(self.0)?, self))
        }
    }

    impl<'de> de::VariantAccess<'de> for UnitVariant<'_> {
        type Error = Error;
        fn unit_variant(self) -> Result<()> {
            Ok(())
        }
        fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value> {
            Err(Error)
        }
        fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value> {
            Err(Error)
        }
        fn struct_variant<V: Visitor<'de>>(
            self,
            _: &'static [&'static str],
            _: V,
        ) -> Result<V::Value> {
            Err(Error)
        }
    }

    macro_rules! via {
        ($($method:ident => $target:ident),* $(,)?) => {
            $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
                self.$target(visitor)
            })*
        };
    }

    impl<'de> de::Deserializer<'de> for De<'_> {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.kind() {
                NodeKind::Map => self.map(visitor),
                NodeKind::Seq => self.seq(visitor),
                NodeKind::Quoted => visitor.visit_str(self.value()),
                NodeKind::Plain => visit_untagged_scalar(visitor, self.value()),
            }
        }

        fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.plain().and_then(parse_bool) {
                Some(b) => visitor.visit_bool(b),
                None => Err(Error),
            }
        }

        fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self
                .plain()
                .and_then(|v| parse_signed_int(v, i64::from_str_radix))
            {
                Some(n) => visitor.visit_i64(n),
                None => Err(Error),
            }
        }

        fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self
                .plain()
                .and_then(|v| parse_signed_int(v, i128::from_str_radix))
            {
                Some(n) => visitor.visit_i128(n),
                None => Err(Error),
            }
        }

        fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self
                .plain()
                .and_then(|v| parse_unsigned_int(v, u64::from_str_radix))
            {
                Some(n) => visitor.visit_u64(n),
                None => Err(Error),
            }
        }

        fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self
                .plain()
                .and_then(|v| parse_unsigned_int(v, u128::from_str_radix))
            {
                Some(n) => visitor.visit_u128(n),
                None => Err(Error),
            }
        }

        fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.plain().and_then(parse_f64) {
                Some(n) => visitor.visit_f64(n),
                None => Err(Error),
            }
        }

        via! {
            deserialize_i8 => deserialize_i64,
            deserialize_i16 => deserialize_i64,
            deserialize_i32 => deserialize_i64,
            deserialize_u8 => deserialize_u64,
            deserialize_u16 => deserialize_u64,
            deserialize_u32 => deserialize_u64,
            deserialize_f32 => deserialize_f64,
            deserialize_char => deserialize_str,
            deserialize_string => deserialize_str,
            deserialize_identifier => deserialize_str,
        }

        fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.kind() {
                NodeKind::Plain | NodeKind::Quoted => visitor.visit_str(self.value()),
                _ => Err(Error),
            }
        }

        fn deserialize_bytes<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
            Err(Error)
        }

        fn deserialize_byte_buf<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
            Err(Error)
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.plain() {
                Some(v) if is_null(v) => visitor.visit_none(),
                _ => visitor.visit_some(self),
            }
        }

        fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.plain() {
                Some(v) if is_null(v) => visitor.visit_unit(),
                _ => Err(Error),
            }
        }

        fn deserialize_unit_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            visitor: V,
        ) -> Result<V::Value> {
            self.deserialize_unit(visitor)
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            visitor: V,
        ) -> Result<V::Value> {
            visitor.visit_newtype_struct(self)
        }

        fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.kind() {
                NodeKind::Seq => self.seq(visitor),
                // An empty plain scalar would read as an empty sequence; the fast parser
                // never produces one.
                _ => Err(Error),
            }
        }

        fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value> {
            self.deserialize_seq(visitor)
        }

        fn deserialize_tuple_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            _: usize,
            visitor: V,
        ) -> Result<V::Value> {
            self.deserialize_seq(visitor)
        }

        fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.kind() {
                NodeKind::Map => self.map(visitor),
                _ => Err(Error),
            }
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            _: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value> {
            self.deserialize_map(visitor)
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _: &'static str,
            _: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value> {
            match self.kind() {
                NodeKind::Plain | NodeKind::Quoted => visitor.visit_enum(UnitVariant(self)),
                _ => Err(Error),
            }
        }

        fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            visitor.visit_unit()
        }
    }

    impl<'de> IntoDeserializer<'de, Error> for De<'_> {
        type Deserializer = Self;
        fn into_deserializer(self) -> Self {
            self
        }
    }

    // Scalar resolution, as serde_yaml_ng 0.10 `de.rs` does it for untagged plain scalars
    // (copied so both paths agree exactly).

    fn is_null(v: &str) -> bool {
        v.is_empty() || matches!(v, "null" | "Null" | "NULL" | "~")
    }

    fn parse_bool(v: &str) -> Option<bool> {
        match v {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }

    type Radix<T> = fn(&str, u32) -> std::result::Result<T, std::num::ParseIntError>;

    fn parse_unsigned_int<T>(scalar: &str, from_str_radix: Radix<T>) -> Option<T> {
        let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
            if let Some(rest) = unpositive.strip_prefix(prefix) {
                if rest.starts_with(['+', '-']) {
                    return None;
                }
                if let Ok(int) = from_str_radix(rest, radix) {
                    return Some(int);
                }
            }
        }
        if unpositive.starts_with(['+', '-']) {
            return None;
        }
        if digits_but_not_number(scalar) {
            return None;
        }
        from_str_radix(unpositive, 10).ok()
    }

    fn parse_signed_int<T>(scalar: &str, from_str_radix: Radix<T>) -> Option<T> {
        let unpositive = if let Some(unpositive) = scalar.strip_prefix('+') {
            if unpositive.starts_with(['+', '-']) {
                return None;
            }
            unpositive
        } else {
            scalar
        };
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
            if let Some(rest) = unpositive.strip_prefix(prefix) {
                if rest.starts_with(['+', '-']) {
                    return None;
                }
                if let Ok(int) = from_str_radix(rest, radix) {
                    return Some(int);
                }
            }
            if let Some(rest) = scalar
                .strip_prefix('-')
                .and_then(|r| r.strip_prefix(prefix))
            {
                let negative = format!("-{rest}");
                if let Ok(int) = from_str_radix(&negative, radix) {
                    return Some(int);
                }
            }
        }
        if digits_but_not_number(scalar) {
            return None;
        }
        from_str_radix(unpositive, 10).ok()
    }

    fn parse_negative_int<T>(scalar: &str, from_str_radix: Radix<T>) -> Option<T> {
        for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
            if let Some(rest) = scalar.strip_prefix(prefix) {
                let negative = format!("-{rest}");
                if let Ok(int) = from_str_radix(&negative, radix) {
                    return Some(int);
                }
            }
        }
        if digits_but_not_number(scalar) {
            return None;
        }
        from_str_radix(scalar, 10).ok()
    }

    fn parse_f64(scalar: &str) -> Option<f64> {
        let unpositive = if let Some(unpositive) = scalar.strip_prefix('+') {
            if unpositive.starts_with(['+', '-']) {
                return None;
            }
            unpositive
        } else {
            scalar
        };
        if let ".inf" | ".Inf" | ".INF" = unpositive {
            return Some(f64::INFINITY);
        }
        if let "-.inf" | "-.Inf" | "-.INF" = scalar {
            return Some(f64::NEG_INFINITY);
        }
        if let ".nan" | ".NaN" | ".NAN" = scalar {
            return Some(f64::NAN.copysign(1.0));
        }
        if let Ok(float) = unpositive.parse::<f64>() {
            if float.is_finite() {
                return Some(float);
            }
        }
        None
    }

    fn digits_but_not_number(scalar: &str) -> bool {
        let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
        scalar.len() > 1
            && scalar.starts_with('0')
            && scalar[1..].bytes().all(|b| b.is_ascii_digit())
    }

    fn visit_untagged_scalar<'de, V: Visitor<'de>>(visitor: V, v: &str) -> Result<V::Value> {
        if is_null(v) {
            return visitor.visit_unit();
        }
        if let Some(b) = parse_bool(v) {
            return visitor.visit_bool(b);
        }
        if let Some(int) = parse_unsigned_int(v, u64::from_str_radix) {
            return visitor.visit_u64(int);
        }
        if let Some(int) = parse_negative_int(v, i64::from_str_radix) {
            return visitor.visit_i64(int);
        }
        if let Some(int) = parse_unsigned_int(v, u128::from_str_radix) {
            return visitor.visit_u128(int);
        }
        if let Some(int) = parse_negative_int(v, i128::from_str_radix) {
            return visitor.visit_i128(int);
        }
        if !digits_but_not_number(v) {
            if let Some(f) = parse_f64(v) {
                return visitor.visit_f64(f);
            }
        }
        visitor.visit_str(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::source::check;
    use serde::Deserialize;

    /// The fast path must give what serde_yaml_ng gives: values, spec and positions.
    fn same(text: &str) -> Result<bool, String> {
        let fast = check::positions(text)?;
        if !fast {
            return Ok(false);
        }
        let tree = parse_fast(text).expect("read");
        // The YAML must parse; whether it makes a `Value` (no two keys equal as values, such
        // as `null` and `~`) must agree.
        if let Err(e) = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text) {
            if e.location().is_some() && !e.to_string().contains("duplicate entry") {
                return Err(format!(
                    "serde_yaml_ng rejects what the fast parser read: {e}"
                ));
            }
        }
        let slow = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text).map(|v| format!("{v:?}"));
        let quick = serde_yaml_ng::Value::deserialize(fast::De::root(&tree, text))
            .map(|v| format!("{v:?}"));
        match (&slow, &quick) {
            (Ok(a), Ok(b)) if a != b => return Err(format!("values differ:\n{a}\n{b}")),
            (Ok(_), Err(_)) | (Err(_), Ok(_)) => {
                return Err(format!(
                    "one path reads a value, the other not: {slow:?} / {}",
                    quick.is_ok()
                ))
            }
            _ => {}
        }
        let slow = serde_yaml_ng::from_str::<Spec>(text).map(|s| format!("{s:?}"));
        let quick = fast::spec(&tree, text).map(|s| format!("{s:?}"));
        match (slow, quick) {
            (Ok(a), Ok(b)) if a != b => return Err(format!("specs differ:\n{a}\n{b}")),
            (Err(_), Ok(b)) => {
                return Err(format!(
                    "serde_yaml_ng rejects a spec the fast path reads: {b}"
                ))
            }
            _ => {}
        }
        Ok(true)
    }

    fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                yaml_files(&p, out);
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
                out.push(p);
            }
        }
    }

    #[test]
    fn fast_path_matches_serde_yaml_ng_on_the_repository_specs() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        yaml_files(&root.join("specs"), &mut files);
        yaml_files(&root.join("tests/fixtures"), &mut files);
        assert!(files.len() > 10);
        let mut read = 0;
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            match same(&text) {
                Ok(true) => read += 1,
                Ok(false) => {}
                Err(e) => panic!("{}: {e}", f.display()),
            }
        }
        eprintln!("repository: read {read} of {}", files.len());
        // Every seed spec is plain block YAML.
        assert!(
            read * 2 > files.len(),
            "the fast path read only {read} of {} files",
            files.len()
        );
    }

    #[test]
    fn fast_path_matches_on_edge_cases() {
        let cases = [
            "key   : v\nother :  w  \n",
            "key: # comment\n  sub: x\n",
            "# only\n# comments\na: 1\n# trailing\n",
            "a:\n  b:\n    c:\n      d:\n        - e: [f, {g: h}]\n",
            "a: []\nb: {}\nc: [[], {}]\n",
            "\"a\\\"b\": x\n'c''d': \"e\\u00e9\"\n",
            "ключ: значение\nclé: 'été'\nk: [é, ü]\n",
            "-   key: v\n    other: w\n",
            "a:\n-   key: v\n    other: w\n- x\nb: 1\n",
            "r:\n- k:\n  - x\n  - y\n  j: 1\n",
            "a: 1\n   \n\nb: 2\n",
            "a: x#y\nb: x #y\nc: 'x' #y\n",
            "a: 'x'#y\n",
            "true: x\n12: y\nnull: z\n~: w\n",
            "a: ''\nb: \"\"\n",
            "  a: 1\n  b:\n    - 2\n",
            "a: 1\n b: 2\n",
            "a:\n  - b\n   - c\n",
            "a: [x, y]\n  - z\n",
            "a: -1\nb: -x\nc: +1\nd: .5\ne: 1e5\nf: 0o17\ng: 0x_1\n",
            "a: x:y\nb: http://x.y/z?q=1#f\n",
            "a:\n  b: 1\n c: 2\n",
            "a: {b: [1, 2], c: 'd'}  # c\n",
            "a: [b, c] x\n",
            "a:\n  - [b]\n  - {c: d}\n  - 'e'\n",
            "x:\n- [b]\n- {c: d}\n",
            "x:\n- 'q'\n- \"r\"\n",
            "- a\n",
            "a: b\n---\nc: d\n",
            "a: 1\n...\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: !!str 1\n",
            "a: [1,2]\n",
            "a: {b: 1,c: 2}\n",
            "a: [ 1 , 2 ]\n",
            "a: { b : 1 }\n",
            "a:\n\n  - 1\n\n  - 2\n\nb: 3\n",
        ];
        for text in cases {
            match same(text) {
                Err(e) => panic!("{text:?}: {e}"),
                Ok(read) if std::env::var_os("GEN_DEBUG").is_some() => {
                    eprintln!("fast={read} {text:?}")
                }
                Ok(_) => {}
            }
        }
    }

    #[test]
    fn fast_path_reads_many_roles_in_parallel_as_one() {
        let mut text =
            String::from("module: many\nparameters:\n  P: {type: string, default: x}\nroles:\n");
        for i in 0..1200 {
            text.push_str(&format!(
                "  r-{i}:\n    name: r-{i}-${{P}}\n    trust:\n      - service: [ec2.amazonaws.com]\n    tags: {{k: '{i}'}}\n"
            ));
        }
        text.push_str("policies:\n  p:\n    name: p\n    document:\n      Statement: []\n");
        assert_eq!(same(&text), Ok(true));
        // And a spec that fails in the second half is not read by the fast path.
        let bad = text.replace("  r-1100:\n    name:", "  r-1100:\n    nmae:");
        let tree = parse_fast(&bad).expect("plain YAML");
        assert!(fast::spec(&tree, &bad).is_err());
        assert!(serde_yaml_ng::from_str::<Spec>(&bad).is_err());
    }

    /// A small deterministic generator of YAML documents in many styles, some then damaged.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
            v[self.below(v.len())]
        }

        fn scalar(&mut self, flow: bool) -> String {
            const PLAIN: &[&str] = &[
                "x",
                "role-1",
                "s3:GetObject",
                "${AWS::Region}",
                "arn:${AWS::Partition}:s3:::b/*",
                "12",
                "-3",
                "0x1F",
                "0o17",
                "0b11",
                "012",
                "1e3",
                "1.5",
                ".inf",
                "-.Inf",
                "+7",
                "true",
                "False",
                "null",
                "~",
                "Null",
                "yes",
                "a b c",
                "a#b",
                "a:b",
                "é",
                "日本",
                "-x",
                "x-",
                "1_000",
                "2012-10-17",
                "3600",
                "a*",
                "NaNa",
                "x]",
                "a,b",
                "{x",
                "-1.5e-3",
            ];
            const QUOTED: &[&str] = &[
                "'x'",
                "'it''s'",
                "''",
                "'a: b'",
                "'#x'",
                "\"x\"",
                "\"\"",
                "\"a\\\"b\"",
                "\"\\u00e9\\n\"",
                "\"\\t\\/\\\\\"",
                "\"${x}\"",
                "'12'",
                "\"null\"",
                "\"\\x41\"",
                "'é'",
            ];
            let s = if self.below(3) == 0 {
                self.pick(QUOTED)
            } else {
                self.pick(PLAIN)
            };
            if flow
                && (s.contains(": ")
                    || s.contains(" #")
                    || (s.contains('{') && !s.starts_with(['"', '\''])))
            {
                return "y".into();
            }
            s.to_owned()
        }

        fn key(&mut self) -> String {
            let keys = [
                "a",
                "b",
                "key",
                "Statement",
                "aws:SourceAccount",
                "x y",
                "'q'",
                "\"d q\"",
                "12",
                "true",
                "é",
            ];
            self.pick(&keys).to_owned()
        }

        fn comment(&mut self, out: &mut String) {
            if self.below(6) == 0 {
                let indent = self.below(6);
                out.push_str(&" ".repeat(indent));
                out.push_str("# note: - [x]\n");
            }
            if self.below(10) == 0 {
                out.push('\n');
            }
        }

        fn trailing(&mut self) -> &'static str {
            match self.below(8) {
                0 => "  # c",
                1 => " ",
                _ => "",
            }
        }

        fn flow(&mut self, depth: usize) -> String {
            match self.below(if depth > 2 { 1 } else { 4 }) {
                0 | 1 => self.scalar(true),
                2 => {
                    let n = self.below(4);
                    let items: Vec<String> = (0..n).map(|_| self.flow(depth + 1)).collect();
                    format!("[{}]", items.join(", "))
                }
                _ => {
                    let n = self.below(3);
                    let mut keys = Vec::new();
                    let mut items = Vec::new();
                    for _ in 0..n {
                        let k = self.key();
                        if keys.contains(&k) {
                            continue;
                        }
                        keys.push(k.clone());
                        items.push(format!("{k}: {}", self.flow(depth + 1)));
                    }
                    format!("{{{}}}", items.join(", "))
                }
            }
        }

        /// A block mapping at `indent`; `first_inline`: the first key follows a `- ` already.
        fn map(&mut self, out: &mut String, indent: usize, depth: usize, first_inline: bool) {
            let n = 1 + self.below(4);
            let mut used = Vec::new();
            for i in 0..n {
                let k = self.key();
                if used.contains(&k) {
                    continue;
                }
                used.push(k.clone());
                if !(first_inline && i == 0) {
                    self.comment(out);
                    out.push_str(&" ".repeat(indent));
                }
                out.push_str(&k);
                out.push(':');
                self.value(out, indent, depth, true);
            }
        }

        fn seq(&mut self, out: &mut String, indent: usize, depth: usize, first_inline: bool) {
            let n = 1 + self.below(3);
            for i in 0..n {
                if !(first_inline && i == 0) {
                    self.comment(out);
                    out.push_str(&" ".repeat(indent));
                }
                out.push('-');
                self.value(out, indent, depth, false);
            }
        }

        /// After `key:` (in a mapping at `indent`) or `-` (at `indent`).
        fn value(&mut self, out: &mut String, indent: usize, depth: usize, in_map: bool) {
            let choice = if depth > 4 {
                self.below(2)
            } else {
                self.below(7)
            };
            match choice {
                0 => {
                    let t = self.trailing();
                    out.push(' ');
                    out.push_str(&self.scalar(false));
                    out.push_str(t);
                    out.push('\n');
                }
                1 => {
                    let t = self.trailing();
                    out.push(' ');
                    out.push_str(&self.flow(0));
                    out.push_str(t);
                    out.push('\n');
                }
                2 => {
                    out.push_str(self.trailing());
                    out.push('\n');
                    let inner = indent + 1 + self.below(3);
                    self.map(out, inner, depth + 1, false);
                }
                3 => {
                    out.push_str(self.trailing());
                    out.push('\n');
                    let inner = if in_map && self.below(2) == 0 {
                        indent
                    } else {
                        indent + 1 + self.below(3)
                    };
                    self.seq(out, inner, depth + 1, false);
                }
                4 if !in_map => {
                    // `- key: value` on the item's line.
                    let gap = 1 + self.below(2);
                    out.push_str(&" ".repeat(gap));
                    self.map(out, indent + 1 + gap, depth + 1, true);
                }
                5 if !in_map => {
                    out.push(' ');
                    self.seq(out, indent + 2, depth + 1, true);
                }
                _ => {
                    out.push(' ');
                    out.push_str(&self.scalar(false));
                    out.push('\n');
                }
            }
        }

        fn document(&mut self) -> String {
            let mut out = String::new();
            if self.below(4) == 0 {
                out.push_str("# header\n\n");
            }
            self.map(&mut out, 0, 0, false);
            out
        }

        fn damage(&mut self, text: &str) -> String {
            let mut b: Vec<char> = text.chars().collect();
            for _ in 0..1 + self.below(2) {
                if b.is_empty() {
                    break;
                }
                let i = self.below(b.len());
                let c = [
                    ' ', ':', '-', '#', '\n', '"', '\'', '[', ']', '{', '}', ',', 'a', '&', '!',
                    '|',
                ][self.below(16)];
                match self.below(3) {
                    0 => b.insert(i, c),
                    1 => {
                        b.remove(i);
                    }
                    _ => b[i] = c,
                }
            }
            b.into_iter().collect()
        }
    }

    #[test]
    fn fast_path_matches_on_generated_documents() {
        let mut g = Gen(0x9e37_79b9_7f4a_7c15);
        let (mut read, mut total) = (0, 0);
        for i in 0..3000 {
            let doc = g.document();
            let doc = if i % 3 == 2 { g.damage(&doc) } else { doc };
            if std::env::var_os("GEN_DEBUG").is_some() && i % 3 != 2 && parse_fast(&doc).is_none() {
                eprintln!(
                    "=== {i} bail at {}\n{doc}",
                    crate::spec::source::BAIL_AT.with(|b| b.get())
                );
            }
            total += 1;
            match same(&doc) {
                Ok(true) => read += 1,
                Ok(false) => {}
                Err(e) => panic!("{e}\n--- document ---\n{doc}"),
            }
        }
        eprintln!("generated: read {read} of {total}");
        assert!(
            read * 3 > total,
            "the fast path read only {read} of {total} documents"
        );
    }
}
