//! Arbitrary text as a CloudFormation template (YAML with short or long intrinsics, or JSON)
//! through `rolegen import --from cloudformation`: parse, import, and compile the imported spec
//! as the command does. Nothing may panic, and the import must end.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|text: &str| {
    let path = Path::new("fuzz.template.yaml");
    if let Ok(imported) = rolegen::import::cloudformation::import_text(path, text, "fuzz") {
        let _ = rolegen::import::lint_text(Path::new("fuzz.yaml"), &imported.spec);
    }
});
