//! Emitters: one [`Backend`] per output format, each a pure function of `&Module`.

pub mod adopt;
pub mod cloudformation;
pub mod readme;
pub mod terraform;

use crate::jobs::run_jobs;
use crate::model::Module;

/// A file of a module, path relative to the module's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative path with `/` separators (`terraform/main.tf`).
    pub path: String,
    /// Contents.
    pub contents: String,
}

impl OutputFile {
    /// A new file.
    pub fn new(path: impl Into<String>, contents: impl Into<String>) -> Self {
        OutputFile {
            path: path.into(),
            contents: contents.into(),
        }
    }
}

/// An output format. Backends never re-validate and never fail on a valid model.
pub trait Backend: Sync {
    /// The files this backend writes for the module.
    fn emit(&self, m: &Module) -> Vec<OutputFile>;
}

/// Every file of a module: Terraform, CloudFormation and the README, emitted in parallel.
pub fn emit_module(m: &Module) -> Vec<OutputFile> {
    let (mut tf, mut cfn, mut readme) = (Vec::new(), Vec::new(), Vec::new());
    run_jobs(vec![
        Box::new(|| tf = terraform::Terraform.emit(m)),
        Box::new(|| cfn = cloudformation::CloudFormation.emit(m)),
        Box::new(|| readme = readme::Readme.emit(m)),
    ]);
    combine(vec![tf, cfn, readme, adopt::Adopt.emit(m)])
}

/// The files of several backends as one list, sorted by path.
pub(crate) fn combine(parts: Vec<Vec<OutputFile>>) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = parts.into_iter().flatten().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Appends `n` spaces (slices of a run of spaces: one copy, not `n` pushes); both backends
/// indent with it.
pub(crate) fn push_spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > SPACES.len() {
        out.push_str(SPACES);
        n -= SPACES.len();
    }
    out.push_str(&SPACES[..n]);
}

#[cfg(test)]
mod spaces_tests {
    #[test]
    fn push_spaces_appends_exactly_n() {
        for n in [0, 1, 63, 64, 65, 200] {
            let mut s = String::from("x");
            super::push_spaces(&mut s, n);
            assert_eq!(s, format!("x{}", " ".repeat(n)));
        }
    }
}
