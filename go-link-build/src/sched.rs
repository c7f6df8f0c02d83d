//! Running a dependency graph of actions in parallel.
//!
//! Parallelism comes from cargo's jobserver when the build script runs under
//! cargo (every tool process beyond the first holds a token, so a workspace
//! build never oversubscribes the machine), else from `NUM_JOBS`, else from
//! the number of cores. Ready actions run longest-path first: the runtime
//! package is the long pole of every Go build, and starting it early is what
//! keeps both cores busy.

use std::collections::BinaryHeap;
use std::sync::{Condvar, Mutex};

use crate::error::{Error, Result};

/// Where the permission to run comes from.
pub(crate) struct Jobs {
    /// Worker threads to start.
    pub threads: usize,
    /// Cargo's jobserver, when present: workers other than the first hold a
    /// token while they run a tool.
    pub client: Option<&'static jobserver::Client>,
}

/// The process's one jobserver client, created on first use, as the `cc`
/// crate does: `from_env` takes ownership of the descriptors named in
/// `CARGO_MAKEFLAGS`, so a second client in the same process (a build
/// script that builds twice) would find them already claimed or, worse,
/// closed.
fn jobserver() -> Option<&'static jobserver::Client> {
    static CLIENT: std::sync::OnceLock<Option<jobserver::Client>> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            // SAFETY: `from_env` takes ownership of the file descriptors named in
            // CARGO_MAKEFLAGS/MAKEFLAGS. Cargo passes them to build scripts for
            // exactly this purpose, nothing else in a build script uses them,
            // and the OnceLock makes this the only call in the process.
            unsafe { jobserver::Client::from_env() }
        })
        .as_ref()
}

impl Jobs {
    pub(crate) fn new(num_jobs: Option<usize>) -> Jobs {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let client = jobserver();
        let threads = match (client, num_jobs) {
            (Some(_), _) => cores,
            (None, Some(n)) => n.max(1),
            (None, None) => cores,
        };
        Jobs { threads, client }
    }
}

/// What became of one node of a run.
#[derive(Debug)]
pub(crate) enum Outcome<T> {
    /// It ran and succeeded.
    Done(T),
    /// It ran and failed.
    Failed(Error),
    /// It did not run because a dependency failed.
    Skipped,
    /// It panicked (a bug): the panic's message. The run goes on and ends
    /// like a failure, never waiting for a node that will not finish.
    Panicked(String),
}

struct State<T> {
    ready: BinaryHeap<(u64, usize)>,
    waiting_on: Vec<usize>,
    results: Vec<Option<Outcome<T>>>,
    finished: usize,
}

/// Runs `work(i)` for every node `i` once all of `deps[i]` have succeeded.
/// A node whose dependency failed is not run: it is [`Outcome::Skipped`].
/// Nodes are in topological order (every dependency has a smaller index).
pub(crate) fn run<T: Send>(
    jobs: &Jobs,
    deps: &[Vec<usize>],
    weight: &[u64],
    work: impl Fn(usize) -> Result<T> + Sync,
) -> Vec<Outcome<T>> {
    let n = deps.len();
    let mut dependents = vec![Vec::new(); n];
    for (i, ds) in deps.iter().enumerate() {
        for &d in ds {
            dependents[d].push(i);
        }
    }
    // Longest path from each node to a sink, counting its own weight. Nodes are
    // in topological order (deps first), so walk backwards.
    let mut prio = weight.to_vec();
    for i in (0..n).rev() {
        let best = dependents[i].iter().map(|&d| prio[d]).max().unwrap_or(0);
        prio[i] = weight[i] + best;
    }
    let mut state = State {
        ready: BinaryHeap::new(),
        waiting_on: deps.iter().map(Vec::len).collect(),
        results: (0..n).map(|_| None).collect(),
        finished: 0,
    };
    for (i, &p) in prio.iter().enumerate() {
        if state.waiting_on[i] == 0 {
            state.ready.push((p, i));
        }
    }
    let state = Mutex::new(state);
    let cv = Condvar::new();
    let threads = jobs.threads.clamp(1, n.max(1));
    std::thread::scope(|s| {
        for worker in 0..threads {
            let (state, cv, work, dependents, prio) = (&state, &cv, &work, &dependents, &prio);
            s.spawn(move || loop {
                // Wait for work without holding a token.
                {
                    let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
                    while st.finished < n && st.ready.is_empty() {
                        st = cv.wait(st).unwrap_or_else(|e| e.into_inner());
                    }
                    if st.finished == n {
                        return;
                    }
                }
                // The build script holds one implicit token; other workers
                // need one each. They never block on the jobserver: a worker
                // that holds no node polls for a token, so a nested run (C
                // compiles inside a package action, whose caller holds a
                // token) always finishes through its worker 0, and idle
                // workers notice when the run is over.
                let token = match (jobs.client, worker) {
                    (Some(client), w) if w > 0 => match client.try_acquire() {
                        Ok(Some(t)) => Some(t),
                        Ok(None) => {
                            let st = state.lock().unwrap_or_else(|e| e.into_inner());
                            let _ = cv.wait_timeout(st, std::time::Duration::from_millis(10));
                            continue;
                        }
                        // A broken jobserver: run without it, like cc-rs does.
                        Err(_) => None,
                    },
                    _ => None,
                };
                let popped = state.lock().unwrap_or_else(|e| e.into_inner()).ready.pop();
                let Some((_, i)) = popped else {
                    drop(token);
                    continue;
                };
                // A panic must not end the worker with its node unfinished:
                // the others would wait for it forever.
                let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(i)));
                drop(token);
                let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
                let ok = matches!(res, Ok(Ok(_)));
                st.results[i] = Some(match res {
                    Ok(Ok(t)) => Outcome::Done(t),
                    Ok(Err(e)) => Outcome::Failed(e),
                    Err(payload) => Outcome::Panicked(panic_message(&*payload)),
                });
                st.finished += 1;
                let mut stack = vec![i];
                while let Some(j) = stack.pop() {
                    for &d in &dependents[j] {
                        if ok {
                            st.waiting_on[d] -= 1;
                            if st.waiting_on[d] == 0 {
                                st.ready.push((prio[d], d));
                            }
                        } else if st.results[d].is_none() {
                            st.results[d] = Some(Outcome::Skipped);
                            st.finished += 1;
                            stack.push(d);
                        }
                    }
                }
                cv.notify_all();
            });
        }
    });
    state
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .results
        .into_iter()
        // Every node finishes (runs, or is skipped with its failed dependency)
        // before the workers return; a gap would be a scheduler bug.
        .map(|r| r.unwrap_or(Outcome::Skipped))
        .collect()
}

/// The text of a panic's payload (`panic!` makes a `&str` or a `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
        (Some(s), _) => s.to_string(),
        (_, Some(s)) => s.clone(),
        _ => "(no message)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn respects_dependencies_and_skips_after_failure() {
        // 0 <- 1 <- 3, 0 <- 2; node 2 fails; 4 depends on 2.
        let deps = vec![vec![], vec![0], vec![0], vec![1], vec![2]];
        let order = Mutex::new(Vec::new());
        let jobs = Jobs { threads: 3, client: None };
        let res = run(&jobs, &deps, &[1, 1, 1, 1, 1], |i| {
            order.lock().unwrap().push(i);
            if i == 2 {
                Err(Error::new(ErrorKind::Tool, "boom"))
            } else {
                Ok(i)
            }
        });
        let order = order.into_inner().unwrap();
        assert_eq!(order[0], 0);
        assert!(order.iter().position(|&x| x == 1) < order.iter().position(|&x| x == 3));
        assert!(!order.contains(&4), "a dependent of a failed node never runs");
        assert!(matches!(res[2], Outcome::Failed(_)));
        assert!(matches!(res[4], Outcome::Skipped), "{:?}", res[4]);
        assert!(matches!(res[3], Outcome::Done(3)));
    }

    #[test]
    fn runs_in_parallel() {
        let deps = vec![vec![]; 8];
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let jobs = Jobs { threads: 4, client: None };
        run(&jobs, &deps, &[1; 8], |_| {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(20));
            running.fetch_sub(1, Ordering::SeqCst);
            Ok(())
        });
        assert!(peak.load(Ordering::SeqCst) > 1);
    }

    #[test]
    fn a_panicking_node_fails_the_run_instead_of_hanging() {
        // 0 <- 1 <- 2, 3 alone; node 1 panics. Before, its worker died with
        // the node unfinished and the other workers waited forever.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let deps = vec![vec![], vec![0], vec![1], vec![]];
            let jobs = Jobs { threads: 2, client: None };
            let res = run(&jobs, &deps, &[1; 4], |i| if i == 1 { panic!("node {i} broke") } else { Ok(i) });
            let _ = tx.send(format!("{res:?}"));
        });
        let res = rx.recv_timeout(std::time::Duration::from_secs(60)).expect("the run hung after a panic");
        assert_eq!(res, r#"[Done(0), Panicked("node 1 broke"), Skipped, Done(3)]"#);
    }
}
