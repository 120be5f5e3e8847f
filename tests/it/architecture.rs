//! `docs/ARCHITECTURE.md` is true: every `crate::…` path and every tracked crate a source
//! file of `src/` names (outside its `#[cfg(test)]` module and comments) is one its folder
//! may use, as the document's tables say. The tables are read from the document itself, so
//! the map and the check cannot drift apart:
//!
//! - **Rules**: per area (a top-level module of `src/`), what it may use and what it must
//!   never use. Anything not under "may use" is a violation.
//! - **Crates**: third-party crates only some areas may name.
//! - **Known exceptions**: edges that break a rule today, each with the way out. They are
//!   printed on every run, and an exception that no longer occurs fails the test (so the
//!   list only shrinks).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const DOC: &str = "docs/ARCHITECTURE.md";

/// The tables of the document.
#[derive(Debug, Default)]
struct Map {
    /// Area → areas it may use.
    may: BTreeMap<String, BTreeSet<String>>,
    /// Area → areas it must never use.
    never: BTreeMap<String, BTreeSet<String>>,
    /// Crate → areas that may name it.
    crates: BTreeMap<String, BTreeSet<String>>,
    /// (area, used) allowed for now.
    exceptions: BTreeSet<(String, String)>,
}

/// The `backticked` words of a table cell.
fn ticked(cell: &str) -> BTreeSet<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .filter(|w| !w.is_empty())
        .collect()
}

/// The rows (cells) of the table under the heading `## {title}` of `doc`.
fn table<'a>(doc: &'a str, title: &str) -> Vec<Vec<&'a str>> {
    let heading = format!("## {title}");
    let Some(start) = doc.lines().position(|l| l.trim() == heading) else {
        panic!("{DOC} has no section `{heading}`");
    };
    doc.lines()
        .skip(start + 1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2) // header and separator
        .map(|l| l.trim().trim_matches('|').split('|').collect())
        .collect()
}

fn read_map(doc: &str) -> Map {
    let mut map = Map::default();
    for row in table(doc, "Rules") {
        assert_eq!(row.len(), 4, "{DOC}: a Rules row has 4 cells: {row:?}");
        let area = ticked(row[0])
            .into_iter()
            .next()
            .expect("an area in `backticks`");
        map.may.insert(area.clone(), ticked(row[2]));
        map.never.insert(area, ticked(row[3]));
    }
    for row in table(doc, "Crates") {
        for c in ticked(row[0]) {
            map.crates.insert(c, ticked(row[1]));
        }
    }
    for row in table(doc, "Known exceptions") {
        let area = ticked(row[0]).into_iter().next().expect("an area");
        for used in ticked(row[1]) {
            map.exceptions.insert((area.clone(), used));
        }
    }
    map
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The area of a source file: its top-level module (`src/emit/terraform/mod.rs` → `emit`),
/// `None` for the crate roots.
fn area_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix("src").ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    match first {
        "lib.rs" | "main.rs" => None,
        f => Some(f.trim_end_matches(".rs").to_owned()),
    }
}

/// The code of a file without comments and without its `#[cfg(test)] mod …` (tests may use
/// what they test with).
fn code_of(text: &str) -> String {
    let mut code = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|n| n.trim_start().starts_with("mod "))
        {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        code.push_str(line);
        code.push('\n');
    }
    code
}

/// The areas a piece of code names through `crate::` (`crate::emit::…`, `crate::{out, rules}`).
fn crate_uses(code: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        if i > 0 && code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue; // `rolegen_crate::`, not ours
        }
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for item in group.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != "self" {
                    used.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                used.insert(name);
            }
        }
    }
    used
}

/// The tracked crates a piece of code names (`clap::…`, `use clap`, `#[derive(clap::…)]`).
fn crate_names<'a>(code: &str, tracked: impl Iterator<Item = &'a String>) -> BTreeSet<String> {
    tracked
        .filter(|c| {
            code.match_indices(c.as_str()).any(|(i, _)| {
                let before = code[..i].chars().next_back();
                let after = &code[i + c.len()..];
                !before.is_some_and(|b| b.is_alphanumeric() || b == '_' || b == ':')
                    && (after.starts_with("::") || after.starts_with(';'))
            })
        })
        .cloned()
        .collect()
}

/// Every (area, used, file) edge of `src/`.
fn edges(map: &Map) -> Vec<(String, String, PathBuf)> {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let Some(area) = area_of(&f) else { continue };
        let code = code_of(&fs::read_to_string(&f).unwrap());
        let used = crate_uses(&code)
            .into_iter()
            .chain(crate_names(&code, map.crates.keys()));
        for u in used.filter(|u| *u != area) {
            out.push((area.clone(), u, f.clone()));
        }
    }
    out
}

/// What is wrong with `edges` under `map`: (violations, exceptions seen).
fn check(
    map: &Map,
    edges: &[(String, String, PathBuf)],
) -> (Vec<String>, BTreeSet<(String, String)>) {
    let mut wrong = Vec::new();
    let mut seen = BTreeSet::new();
    for (area, used, file) in edges {
        let allowed = match map.crates.get(used) {
            Some(areas) => areas.contains(area),
            None => map.may.get(area).is_some_and(|m| m.contains(used)),
        };
        if allowed {
            continue;
        }
        let key = (area.clone(), used.clone());
        if map.exceptions.contains(&key) {
            seen.insert(key);
            continue;
        }
        let never = map.never.get(area).is_some_and(|n| n.contains(used));
        wrong.push(format!(
            "{}: `{area}` {} use `{used}` ({DOC}: Rules/Crates)",
            file.display(),
            if never { "must never" } else { "may not" },
        ));
    }
    (wrong, seen)
}

#[test]
fn every_import_follows_the_architecture_map() {
    let doc = fs::read_to_string(DOC).unwrap();
    let map = read_map(&doc);
    // The document is consistent: nothing both allowed and forbidden, every area of src/
    // has a rule, every rule names an area of src/.
    for (area, never) in &map.never {
        let both: Vec<_> = never.intersection(&map.may[area]).collect();
        assert!(
            both.is_empty(),
            "{DOC}: `{area}` may and must never use {both:?}"
        );
    }
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    let areas: BTreeSet<String> = files.iter().filter_map(|f| area_of(f)).collect();
    let ruled: BTreeSet<String> = map.may.keys().cloned().collect();
    assert_eq!(
        areas, ruled,
        "{DOC}: the Rules table must have one row per top-level module of src/"
    );
    for (area, uses) in map.may.iter().chain(&map.never) {
        let unknown: Vec<_> = uses.difference(&areas).collect();
        assert!(
            unknown.is_empty(),
            "{DOC}: the rule of `{area}` names {unknown:?}, not modules of src/"
        );
    }

    let edges = edges(&map);
    let (wrong, seen) = check(&map, &edges);
    for (area, used) in &seen {
        println!("known exception (see {DOC}): `{area}` uses `{used}`");
    }
    let stale: Vec<_> = map.exceptions.difference(&seen).collect();
    assert!(
        stale.is_empty(),
        "{DOC}: these known exceptions no longer occur; delete their rows: {stale:?}"
    );
    assert!(
        wrong.is_empty(),
        "imports against the architecture map:\n{}",
        wrong.join("\n")
    );
}

/// The check itself fails on a forbidden import, a forbidden crate and a grouped import.
#[test]
fn the_check_catches_forbidden_imports() {
    let map = read_map(&fs::read_to_string(DOC).unwrap());
    let code = code_of(
        "//! doc naming crate::cli\nuse crate::{emit, model::Module};\n#[derive(clap::ValueEnum)]\nenum E {}\n#[cfg(test)]\nmod tests { use crate::out; }\n",
    );
    let uses: Vec<(String, String, PathBuf)> = crate_uses(&code)
        .into_iter()
        .chain(crate_names(&code, map.crates.keys()))
        .map(|u| ("validate".to_owned(), u, PathBuf::from("src/validate/x.rs")))
        .collect();
    let found: BTreeSet<&str> = uses.iter().map(|(_, u, _)| u.as_str()).collect();
    assert_eq!(found, BTreeSet::from(["clap", "emit", "model"]));
    let (wrong, _) = check(&map, &uses);
    assert_eq!(wrong.len(), 2, "{wrong:?}");
    assert!(
        wrong[0].contains("`validate` must never use `emit`"),
        "{wrong:?}"
    );
    assert!(wrong[1].contains("`clap`"), "{wrong:?}");
}

/// The most lines a Rust file of the repository (`src/`, the tests, the fuzz targets and
/// their harness) may have: beyond it a file holds more than one concern and gets split by
/// concern (issue 17).
const MAX_LINES: usize = 1_000;

/// Files allowed over [`MAX_LINES`] for now, each with the split that will bring it under
/// (none since issue 17's splits). An entry that is no longer over the limit fails the test,
/// so the list only shrinks.
const LARGE_FILES: [(&str, &str); 0] = [];

#[test]
fn no_source_file_grows_past_the_limit() {
    let mut files = Vec::new();
    for dir in ["src", "tests", "fuzz/fuzz_targets", "fuzz/harness"] {
        rust_files(Path::new(dir), &mut files);
    }
    let mut over = Vec::new();
    for f in &files {
        let lines = fs::read_to_string(f).unwrap().lines().count();
        let name = f.to_string_lossy().replace('\\', "/");
        let known = LARGE_FILES.iter().any(|(p, _)| *p == name);
        if lines > MAX_LINES && !known {
            over.push(format!("{name}: {lines} lines (split it by concern)"));
        }
        if known && lines <= MAX_LINES {
            over.push(format!(
                "{name}: {lines} lines, under the limit now: remove it from LARGE_FILES"
            ));
        }
    }
    for (p, _) in LARGE_FILES {
        if !files
            .iter()
            .any(|f| f.to_string_lossy().replace('\\', "/") == p)
        {
            over.push(format!("{p} no longer exists: remove it from LARGE_FILES"));
        }
    }
    assert!(over.is_empty(), "{}", over.join("\n"));
}
