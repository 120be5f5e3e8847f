//! RG012's model of Java's regex held against the real `java.util.regex`.
//!
//! CloudFormation matches `AllowedPattern` with Java ("the pattern must match the entire
//! parameter value provided"), and rolegen checks defaults, examples (RG006) and `rolegen
//! resolve --param` values with the `regex` crate through [`pattern::matcher`]. For every
//! pattern of a corpus (the cases of `tests/data/regex-dialect-cases.txt`, every `pattern` in
//! `specs/`, `tests/fixtures/` and `tests/rules/`, the stack's JSON-safe pattern, and patterns
//! generated from the subset RG012 accepts) and a set of probe strings (line terminators,
//! non-ASCII, digits of other scripts, empty, values generated to match each pattern and their
//! mutations), this test requires: every pattern RG012 accepts compiles in Java, and Java's
//! `Pattern.compile(p).matcher(v).matches()` equals our matcher on every probe.
//! Java runs `scripts/conformance.d/PatternCheck.java` once, on all cases. Without `java` on
//! PATH the test prints one SKIP line and passes (CI checks `java -version` first).
//! `ROLEGEN_REGEX_SEED` and `ROLEGEN_REGEX_GENERATED` change the generator's seed and count.

use regex_syntax::hir::{Class, Hir, HirKind};
use rolegen::lower::pattern;
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// A small deterministic PRNG (xorshift64*): same seed, same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Probe strings every pattern is matched against.
const PROBES: &[&str] = &[
    "",
    "a",
    "Z",
    "0",
    "9",
    "_",
    "-",
    ".",
    "*",
    " ",
    "ab",
    "abc",
    "a-b",
    "a.b",
    "aaaaaaaaaa",
    "123456789012",
    "arn:aws:iam::123456789012:role/x",
    "\n",
    "a\n",
    "a\nb",
    "\r",
    "a\r",
    "\r\n",
    "a\r\n",
    "\t",
    "\u{b}",
    "\u{c}",
    "\u{0}",
    "\u{7}",
    "\u{85}",
    "a\u{85}",
    "\u{2028}",
    "a\u{2029}",
    "é",
    "É",
    "ß",
    "\u{212a}",
    "\u{17f}",
    "\u{661}\u{662}",
    "\u{967}",
    "\u{ff10}",
    "\u{1d7d8}",
    "\u{1f600}",
    "\u{10ffff}",
    "a\u{301}",
    "\"\\",
];

/// One pattern of the corpus, where it came from, and the values to probe it with beyond
/// [`PROBES`].
struct Case {
    pattern: String,
    origin: String,
    extra: Vec<String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `java` on PATH, or `None`.
fn java() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("java"))
        .find(|p| p.is_file())
}

fn dialect_cases() -> Vec<Case> {
    let text = std::fs::read_to_string(root().join("tests/data/regex-dialect-cases.txt"))
        .expect("tests/data/regex-dialect-cases.txt");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.is_empty())
        .map(|(i, l)| {
            let pattern = l.rsplit('\t').next().unwrap_or_default();
            Case {
                pattern: pattern.to_owned(),
                origin: format!("tests/data/regex-dialect-cases.txt:{}", i + 1),
                extra: Vec::new(),
            }
        })
        .collect()
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

/// Every mapping with a string `pattern` in the YAML value, with its default/example values.
fn collect_patterns(v: &serde_yaml_ng::Value, origin: &str, out: &mut Vec<Case>) {
    use serde_yaml_ng::Value as Y;
    match v {
        Y::Mapping(m) => {
            if let Some(Y::String(p)) = m.get("pattern") {
                let mut extra = Vec::new();
                for key in ["default", "example"] {
                    match m.get(key) {
                        Some(Y::String(s)) => extra.push(s.clone()),
                        Some(Y::Number(n)) => extra.push(n.to_string()),
                        Some(Y::Sequence(items)) => {
                            extra.extend(items.iter().filter_map(|i| i.as_str().map(str::to_owned)))
                        }
                        _ => {}
                    }
                }
                out.push(Case {
                    pattern: p.clone(),
                    origin: origin.to_owned(),
                    extra,
                });
            }
            m.values().for_each(|x| collect_patterns(x, origin, out));
        }
        Y::Sequence(s) => s.iter().for_each(|x| collect_patterns(x, origin, out)),
        _ => {}
    }
}

fn spec_cases() -> Vec<Case> {
    let mut files = Vec::new();
    for dir in ["specs", "tests/fixtures", "tests/rules"] {
        yaml_files(&root().join(dir), &mut files);
    }
    let mut out = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        // Invalid-YAML fixtures exist on purpose; they hold no pattern to check.
        let Ok(v) = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text) else {
            continue;
        };
        let origin = f.strip_prefix(root()).unwrap_or(&f).display().to_string();
        collect_patterns(&v, &origin, &mut out);
    }
    out
}

/// Literal pieces of generated patterns (as pattern text).
const ATOMS: &[&str] = &[
    "a",
    "b",
    "z",
    "A",
    "Q",
    "0",
    "7",
    "-",
    "_",
    ":",
    "/",
    ",",
    "=",
    "@",
    "#",
    " ",
    "%",
    "&",
    "~",
    "\"",
    "'",
    "!",
    "<",
    ">",
    "}",
    "]",
    "é",
    "ß",
    "\u{661}",
    "\u{1f600}",
    "\\.",
    "\\*",
    "\\+",
    "\\?",
    "\\$",
    "\\^",
    "\\{",
    "\\}",
    "\\[",
    "\\]",
    "\\(",
    "\\)",
    "\\|",
    "\\\\",
    "\\-",
    "\\/",
    "\\t",
    "\\n",
    "\\r",
    "\\f",
    "\\a",
    "\\x41",
    "\\x{e9}",
    "\\x{1F600}",
    "\\x{85}",
    "\\x{2028}",
    "\\d",
    "\\w",
    "\\D",
    "\\W",
    "(?s:.)",
];

/// Items of generated classes (as pattern text inside `[...]`).
const CLASS_ITEMS: &[&str] = &[
    "a-z",
    "A-Z",
    "0-9",
    "a",
    "_",
    ".",
    "+",
    "*",
    "$",
    "|",
    "(",
    ")",
    "?",
    "{",
    "}",
    "/",
    ":",
    "=",
    "@",
    ",",
    "&",
    "~",
    "#",
    " ",
    "é",
    "\u{661}",
    "à-ÿ",
    "\\x00-\\x1f",
    "\\x{80}-\\x{10FFFF}",
    "\\]",
    "\\[",
    "\\-",
    "\\\\",
    "\\^",
    "\\n",
    "\\r",
    "\\t",
    "\\d",
    "\\w",
    "\\D",
    "\\W",
    "\\x{2028}",
    "\\x{85}",
];

fn gen_class(rng: &mut Rng) -> String {
    let mut s = String::from("[");
    if rng.chance(25) {
        s.push('^');
    }
    if rng.chance(10) {
        s.push('-');
    }
    for _ in 0..=rng.below(4) {
        s.push_str(rng.pick(CLASS_ITEMS));
    }
    if rng.chance(10) {
        s.push('-');
    }
    s.push(']');
    s
}

fn gen_quantifier(rng: &mut Rng) -> String {
    let q = match rng.below(7) {
        0 => "*".to_owned(),
        1 => "+".to_owned(),
        2 => "?".to_owned(),
        3 => format!("{{{}}}", rng.below(4)),
        4 => format!("{{{},}}", rng.below(3)),
        _ => {
            let lo = rng.below(3);
            format!("{{{lo},{}}}", lo + rng.below(4))
        }
    };
    if rng.chance(20) {
        q + "?"
    } else {
        q
    }
}

fn gen_expr(rng: &mut Rng, depth: usize) -> String {
    let mut branches = vec![gen_concat(rng, depth)];
    while rng.chance(if depth == 0 { 20 } else { 30 }) && branches.len() < 4 {
        branches.push(if rng.chance(10) {
            String::new()
        } else {
            gen_concat(rng, depth)
        });
    }
    branches.join("|")
}

fn gen_concat(rng: &mut Rng, depth: usize) -> String {
    let mut s = String::new();
    for _ in 0..=rng.below(4) {
        let atom = match rng.below(10) {
            0..=4 => rng.pick(ATOMS).to_string(),
            5..=7 => gen_class(rng),
            _ if depth < 3 => {
                let open = rng.pick(&["(", "(?:", "(?s:"]);
                format!("{open}{})", gen_expr(rng, depth + 1))
            }
            _ => rng.pick(ATOMS).to_string(),
        };
        s.push_str(&atom);
        if rng.chance(35) {
            s.push_str(&gen_quantifier(rng));
        }
    }
    s
}

fn gen_pattern(rng: &mut Rng) -> String {
    let mut p = String::new();
    if rng.chance(10) {
        p.push_str("(?s)");
    }
    if rng.chance(10) {
        p.push_str(rng.pick(&["^", "\\A"]));
    }
    p.push_str(&gen_expr(rng, 0));
    if rng.chance(10) {
        p.push_str(rng.pick(&["$", "\\z"]));
    }
    p
}

/// A string the (Rust-translated) pattern should match, drawn from its syntax tree.
fn sample(hir: &Hir, rng: &mut Rng, out: &mut String) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => out.push_str(&String::from_utf8_lossy(&l.0)),
        HirKind::Class(Class::Unicode(c)) => {
            let ranges = c.ranges();
            if ranges.is_empty() {
                return;
            }
            let r = rng.pick(ranges);
            let (lo, hi) = (u32::from(r.start()), u32::from(r.end()));
            let mut at = lo + (rng.next() % u64::from(hi - lo + 1)) as u32;
            // Mostly near the range's ends, where engines disagree if they do.
            if rng.chance(50) {
                at = if rng.chance(50) { lo } else { hi };
            }
            out.extend(char::from_u32(at).or(char::from_u32(lo)));
        }
        HirKind::Class(Class::Bytes(_)) => {}
        HirKind::Repetition(r) => {
            let max = r.max.unwrap_or(r.min + 3).min(r.min + 3);
            let n = r.min + rng.below((max - r.min + 1) as usize) as u32;
            for _ in 0..n {
                sample(&r.sub, rng, out);
            }
        }
        HirKind::Capture(c) => sample(&c.sub, rng, out),
        HirKind::Concat(items) => items.iter().for_each(|h| sample(h, rng, out)),
        HirKind::Alternation(items) => sample(&items[rng.below(items.len())], rng, out),
    }
}

/// Values drawn from the pattern and mutated at the edges the engines might read differently.
fn samples(pattern: &str, ast: &regex_syntax::ast::Ast, rng: &mut Rng) -> Vec<String> {
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&pattern::to_rust(pattern, ast))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for _ in 0..4 {
        let mut s = String::new();
        sample(&hir, rng, &mut s);
        out.push(s.clone());
        if s.chars().count() > 60 {
            continue;
        }
        for tail in ["\n", "\r\n", "\r", "\u{85}", "\u{2028}", "x"] {
            if rng.chance(40) {
                out.push(format!("{s}{tail}"));
            }
        }
        let chars: Vec<char> = s.chars().collect();
        if !chars.is_empty() {
            let i = rng.below(chars.len());
            let with = rng.pick(&['\n', '\r', 'é', '\u{661}', '0', 'a', '\u{2029}', '\u{0}']);
            let mut m = chars.clone();
            m[i] = with;
            out.push(m.into_iter().collect());
        }
    }
    out
}

/// Printable form of a string for reports.
fn show(s: &str) -> String {
    s.escape_debug().to_string()
}

#[test]
fn rg012_accepted_patterns_read_alike_in_java() {
    let start = Instant::now();
    let Some(java) = java() else {
        println!("SKIP tests/regex_java.rs: no `java` on PATH (install a JDK 11+, e.g. `apt-get install openjdk-17-jdk-headless`)");
        return;
    };
    let seed: u64 = std::env::var("ROLEGEN_REGEX_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1234);
    let generated: usize = std::env::var("ROLEGEN_REGEX_GENERATED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(400);
    let mut rng = Rng(seed | 1);

    let mut cases = dialect_cases();
    let from_table = cases.len();
    let specs = spec_cases();
    let from_specs = specs.len();
    cases.extend(specs);
    cases.push(Case {
        pattern: rolegen::emit::cloudformation::JSON_SAFE_PATTERN.to_owned(),
        origin: "emit::cloudformation::JSON_SAFE_PATTERN".into(),
        extra: vec!["{\"a\": 1}".into(), "a\\b".into()],
    });
    let mut gen_accepted = 0;
    let mut gen_tries = 0;
    while gen_accepted < generated && gen_tries < generated * 20 {
        gen_tries += 1;
        let p = gen_pattern(&mut rng);
        if pattern::check(&p).is_ok() {
            gen_accepted += 1;
            cases.push(Case {
                pattern: p,
                origin: format!("generated (seed {seed}, try {gen_tries})"),
                extra: Vec::new(),
            });
        } else if rng.chance(5) {
            // Some rejected ones too, to report what Java makes of them.
            cases.push(Case {
                pattern: p,
                origin: format!("generated (seed {seed}, try {gen_tries})"),
                extra: Vec::new(),
            });
        }
    }

    // Our verdicts, and the input for Java.
    struct Checked {
        accepted: bool,
        values: Vec<String>,
        ours: Vec<bool>,
    }
    let mut checked = Vec::new();
    let mut input = String::new();
    let mut rust_unbuildable = 0;
    for case in &cases {
        let (accepted, values, ours) = match pattern::check(&case.pattern) {
            Ok(ast) => match pattern::matcher(&case.pattern, &ast) {
                Some(re) => {
                    let mut values: Vec<String> = PROBES.iter().map(|s| (*s).to_owned()).collect();
                    values.extend(case.extra.iter().cloned());
                    values.extend(samples(&case.pattern, &ast, &mut rng));
                    let ours = values.iter().map(|v| re.is_match(v)).collect();
                    (true, values, ours)
                }
                None => {
                    rust_unbuildable += 1;
                    (true, Vec::new(), Vec::new())
                }
            },
            Err(_) => (false, Vec::new(), Vec::new()),
        };
        let line = json!({
            "pattern": case.pattern,
            "values": values.iter().zip(&ours).map(|(v, e)| json!({"value": v, "expect": e})).collect::<Vec<_>>(),
        });
        input.push_str(&line.to_string());
        input.push('\n');
        checked.push(Checked {
            accepted,
            values,
            ours,
        });
    }

    let prepared = start.elapsed();
    let mut child = Command::new(&java)
        .arg(root().join("scripts/conformance.d/PatternCheck.java"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start java");
    let mut stdin = child.stdin.take().expect("java stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("run java");
    writer
        .join()
        .expect("writer thread")
        .expect("write to java");
    let java_time = start.elapsed() - prepared;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "PatternCheck.java failed ({}): {stderr}",
        out.status
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("PatternCheck output line is JSON"))
        .collect();
    assert_eq!(
        lines.len(),
        cases.len(),
        "one output line per pattern: {stderr}"
    );

    let mut problems = Vec::new();
    let (mut accepted, mut rejected, mut rejected_java_compiles, mut values) = (0, 0, 0, 0);
    for ((case, ours), java) in cases.iter().zip(&checked).zip(&lines) {
        let compiles = java["compiles"].as_bool() == Some(true);
        if !ours.accepted {
            rejected += 1;
            rejected_java_compiles += usize::from(compiles);
            continue;
        }
        accepted += 1;
        if !compiles {
            problems.push(format!(
                "{}: `{}` passes RG012 but Java rejects it: {}",
                case.origin,
                case.pattern,
                java["error"].as_str().unwrap_or("?")
            ));
            continue;
        }
        let results = java["results"].as_array().cloned().unwrap_or_default();
        assert_eq!(results.len(), ours.values.len(), "{}", case.pattern);
        values += results.len();
        for ((value, mine), r) in ours.values.iter().zip(&ours.ours).zip(&results) {
            if r["agrees"].as_bool() != Some(true) {
                problems.push(format!(
                    "{}: `{}` on \"{}\": rolegen (regex crate) says {mine}, Java says {}",
                    case.origin,
                    case.pattern,
                    show(value),
                    r["matches"]
                ));
            }
        }
    }
    println!(
        "regex_java: {} patterns ({from_table} from tests/data/regex-dialect-cases.txt, {from_specs} from specs/tests, 1 JSON-safe, {gen_accepted} generated and accepted of {gen_tries} tries, seed {seed}); {accepted} accepted by RG012, {rejected} rejected ({rejected_java_compiles} of them Java compiles); {values} (pattern, value) pairs matched in both ({} fixed probes per pattern); {rust_unbuildable} too big for the regex crate; {} disagreements; {:.1} s (ours {:.1} s, Java {:.1} s: {})",
        cases.len(),
        PROBES.len(),
        problems.len(),
        start.elapsed().as_secs_f64(),
        prepared.as_secs_f64(),
        java_time.as_secs_f64(),
        stderr.trim(),
    );
    assert!(
        problems.is_empty(),
        "RG012 accepts patterns that Java reads differently ({}):\n{}",
        problems.len(),
        problems
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        accepted >= gen_accepted + 40,
        "the corpus lost its accepted patterns"
    );
}
