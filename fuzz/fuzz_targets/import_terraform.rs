//! Arbitrary text as a Terraform module's `main.tf` through `rolegen import --from terraform`:
//! parse, import, and compile the imported spec as the command does. Nothing may panic, and
//! the import must end (libFuzzer's `-timeout` turns a loop into a finding).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};

fuzz_target!(|text: &str| {
    let files = vec![(PathBuf::from("fuzz/main.tf"), text.to_owned())];
    if let Ok(imported) = rolegen::import::terraform::import_texts(Path::new("fuzz"), files, "fuzz") {
        let _ = rolegen::import::lint_text(Path::new("fuzz.yaml"), &imported.spec);
    }
});
