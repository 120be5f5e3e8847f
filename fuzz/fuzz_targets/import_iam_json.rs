//! Arbitrary text as AWS CLI IAM JSON through `rolegen import --from iam-json`: parse, import,
//! and compile the imported spec as the command does. Nothing may panic, and the import must
//! end.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};

fuzz_target!(|text: &str| {
    let files = vec![(PathBuf::from("fuzz.json"), text.to_owned())];
    if let Ok(imported) = rolegen::import::iam_json::import_texts(files, "fuzz") {
        let _ = rolegen::import::lint_text(Path::new("fuzz.yaml"), &imported.spec);
    }
});
