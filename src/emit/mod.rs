//! Emitters: one [`Backend`] per output format, each a pure function of `&Module`.

pub mod adopt;
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
    let (mut tf, mut cfn, mut readme) = (Vec::new(), Vec::new(), Vec::new());
    run_jobs(vec![
        Box::new(|| tf = terraform::Terraform.emit(m)),
        Box::new(|| cfn = cloudformation::CloudFormation.emit(m)),
        Box::new(|| readme = readme::Readme.emit(m)),
    ]);
    combine(vec![tf, cfn, readme, adopt::Adopt.emit(m)])
}

/// The files of several backends as one list, sorted by path.
pub fn combine(parts: Vec<Vec<OutputFile>>) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = parts.into_iter().flatten().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// A unit of work for [`run_jobs`].
pub type Job<'a> = Box<dyn FnOnce() + Send + 'a>;

/// Runs `jobs` on as many threads as the machine has cores (this one included, at most one
/// per job). Each free thread takes the next job in order, so list the longest first: on two
/// cores the longest runs alone on one while the others follow each other on the second.
pub fn run_jobs(jobs: Vec<Job<'_>>) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = cores.min(jobs.len());
    let queue: Vec<std::sync::Mutex<Option<Job<'_>>>> = jobs
        .into_iter()
        .map(|j| std::sync::Mutex::new(Some(j)))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || loop {
        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let Some(slot) = queue.get(i) else {
            return;
        };
        let job = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(job) = job {
            job();
        }
    };
    if workers <= 1 {
        work();
        return;
    }
    // A panicking job panics the scope, as a panic on this thread would.
    std::thread::scope(|s| {
        for _ in 1..workers {
            s.spawn(work);
        }
        work();
    });
}
