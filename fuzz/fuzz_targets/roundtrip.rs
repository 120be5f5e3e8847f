//! Any string in any free-text field of a spec is either rejected with a diagnostic this field
//! may be rejected for, or comes back exactly from both outputs (hcl-rs, serde_yaml_ng) without
//! changing their structure. The oracle is `fuzz/harness/roundtrip.rs`, shared with the tests.
//!
//! Input: the first byte picks the field, the rest (UTF-8) is the value.
#![no_main]

#[path = "../harness/roundtrip.rs"]
mod harness;

use harness::Field;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(s) = std::str::from_utf8(rest) else {
        return;
    };
    let field = Field::ALL[pick as usize % Field::ALL.len()];
    if let Err(e) = harness::check(field, s) {
        panic!("{e}");
    }
});
