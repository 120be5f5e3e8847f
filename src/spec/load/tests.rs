//! Tests of the fast path: the deserializer over the fast parser's tree must give what
//! serde_yaml_ng gives (values, spec, positions) on the repository's specs, edge cases and
//! generated documents.

use super::*;
use crate::source::check;
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
    let quick =
        serde_yaml_ng::Value::deserialize(de::De::root(&tree, text)).map(|v| format!("{v:?}"));
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
    let quick = de::spec(&tree, text).map(|s| format!("{s:?}"));
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
    assert!(de::spec(&tree, &bad).is_err());
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
                ' ', ':', '-', '#', '\n', '"', '\'', '[', ']', '{', '}', ',', 'a', '&', '!', '|',
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
    let (mut read, mut total, mut split) = (0, 0, 0);
    for i in 0..3000 {
        let doc = g.document();
        let doc = if i % 3 == 2 { g.damage(&doc) } else { doc };
        if std::env::var_os("GEN_DEBUG").is_some() && i % 3 != 2 && parse_fast(&doc).is_none() {
            eprintln!(
                "=== {i} bail at {}\n{doc}",
                crate::source::BAIL_AT.with(|b| b.get())
            );
        }
        total += 1;
        if i % 5 == 0 {
            split += crate::source::same_in_two(&doc).unwrap_or_else(|e| panic!("{e}\n{doc}"));
        }
        match same(&doc) {
            Ok(true) => read += 1,
            Ok(false) => {}
            Err(e) => panic!("{e}\n--- document ---\n{doc}"),
        }
    }
    eprintln!("generated: read {read} of {total}, {split} reads in two parts");
    assert!(split > 100, "only {split} reads in two parts");
    assert!(
        read * 3 > total,
        "the fast path read only {read} of {total} documents"
    );
}
