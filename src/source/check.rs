//! Test support: compares the fast parser's tree with yaml-rust2's positions.

use super::fast::parse_fast;
use super::general::LegacyIndex;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// If the fast parser reads `text`: yaml-rust2 must read it too, and every node must have
/// the same path and spans in both indexes; `locate` must agree for missing paths too.
/// Returns whether the fast parser read it.
pub(crate) fn positions(text: &str) -> Result<bool, String> {
    let Some(tree) = parse_fast(text) else {
        return Ok(false);
    };
    struct Ignore;
    impl MarkedEventReceiver for Ignore {
        fn on_event(&mut self, _: Event, _: Marker) {}
    }
    if let Err(e) = Parser::new_from_str(text).load(&mut Ignore, false) {
        return Err(format!("yaml-rust2 rejects what the fast parser read: {e}"));
    }
    let legacy = LegacyIndex::build(text);
    let spans = tree.all_spans(text);
    if spans.len() != legacy.values.len() {
        return Err(format!(
            "{} nodes in the tree, {} in yaml-rust2's index",
            spans.len(),
            legacy.values.len()
        ));
    }
    let keys = spans.iter().filter(|s| s.2.is_some()).count();
    if keys != legacy.keys.len() {
        return Err(format!(
            "{keys} keys in the tree, {} in yaml-rust2's index",
            legacy.keys.len()
        ));
    }
    for (p, v, k) in &spans {
        if legacy.values.get(p) != Some(v) {
            return Err(format!(
                "value of `{p}`: tree {v:?}, yaml-rust2 {:?}",
                legacy.values.get(p)
            ));
        }
        if legacy.keys.get(p) != k.as_ref() {
            return Err(format!(
                "key of `{p}`: tree {k:?}, yaml-rust2 {:?}",
                legacy.keys.get(p)
            ));
        }
        for probe in [p.key("zz-missing"), p.index(999_999), p.key("zz").key("y")] {
            for key in [false, true] {
                let (a, b) = (tree.locate(text, &probe, key), legacy.locate(&probe, key));
                if a != b {
                    return Err(format!(
                        "locate(`{probe}`, key {key}): tree {a:?}, yaml-rust2 {b:?}"
                    ));
                }
            }
        }
        for key in [false, true] {
            let (a, b) = (tree.locate(text, p, key), legacy.locate(p, key));
            if a != b {
                return Err(format!(
                    "locate(`{p}`, key {key}): tree {a:?}, yaml-rust2 {b:?}"
                ));
            }
        }
    }
    Ok(true)
}
