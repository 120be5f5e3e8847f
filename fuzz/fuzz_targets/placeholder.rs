//! The placeholder parser never panics, keeps its invariants (no empty literal, adjacent
//! literals merged), and `Template::display()` re-parses to the same template.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolegen::lower::template::parse;
use rolegen::model::Part;

fn declared(n: &str) -> bool {
    n.starts_with('P')
}

fuzz_target!(|s: &str| {
    let Ok(t) = parse(s, declared) else {
        return;
    };
    for w in t.parts.windows(2) {
        assert!(
            !matches!(w, [Part::Lit(_), Part::Lit(_)]),
            "adjacent literals in {s:?}: {:?}",
            t.parts
        );
    }
    assert!(
        !t.parts
            .iter()
            .any(|p| matches!(p, Part::Lit(l) if l.is_empty())),
        "empty literal in {s:?}: {:?}",
        t.parts
    );
    if !s.contains('$') {
        assert_eq!(
            t.as_literal().as_deref(),
            Some(s),
            "text without `$` is literal"
        );
    }
    let shown = t.display();
    let again = parse(&shown, declared)
        .unwrap_or_else(|e| panic!("display {shown:?} of {s:?} does not re-parse: {e:?}"));
    assert_eq!(again, t, "display {shown:?} of {s:?} re-parses differently");
});
