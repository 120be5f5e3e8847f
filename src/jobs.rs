//! Running independent pieces of work side by side: the build runs validation beside the
//! backends, and validation runs its checks in parallel. A leaf module of its own, so that
//! neither stage borrows the other's machinery.

/// A unit of work for [`run_jobs`].
pub(crate) type Job<'a> = Box<dyn FnOnce() + Send + 'a>;

/// Runs `jobs` on as many threads as the machine has cores (this one included, at most one
/// per job). Each free thread takes the next job in order, so list the longest first: on two
/// cores the longest runs alone on one while the others follow each other on the second.
pub(crate) fn run_jobs(jobs: Vec<Job<'_>>) {
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
