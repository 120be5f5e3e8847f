//! Emitters: one [`Backend`] per output format, each a pure function of `&Module`.

pub mod cloudformation;
pub mod readme;
pub mod terraform;

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
    let (mut tf, cfn, readme) = std::thread::scope(|s| {
        let tf = s.spawn(|| terraform::Terraform.emit(m));
        let cfn = s.spawn(|| cloudformation::CloudFormation.emit(m));
        let readme = readme::Readme.emit(m);
        (join(tf), join(cfn), readme)
    });
    tf.extend(cfn);
    tf.extend(readme);
    tf.sort_by(|a, b| a.path.cmp(&b.path));
    tf
}

fn join(h: std::thread::ScopedJoinHandle<'_, Vec<OutputFile>>) -> Vec<OutputFile> {
    match h.join() {
        Ok(v) => v,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
