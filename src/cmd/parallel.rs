//! Work on many inputs at once, results in input order: how `convert` and `bulk` process a batch.
//!
//! Workers take the next input, run the work on it and hand the result to the caller's thread, which consumes
//! results strictly in input order. A worker may run at most a small window ahead of the oldest result not yet
//! consumed, so however many inputs there are, only that window of results is held in memory.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};
use std::time::Duration;

/// Results a worker may run ahead of the oldest one not yet consumed, per worker.
const WINDOW_PER_WORKER: usize = 8;

/// The number of workers when the user does not say: one per core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `work` on every item (with its index) on `jobs` threads and passes each result to `consume` in item order. Stops early,
/// returning its error, when `consume` fails.
pub fn for_each_ordered<I, R>(
    items: &[I],
    jobs: usize,
    work: impl Fn(usize, &I) -> R + Sync,
    mut consume: impl FnMut(usize, R) -> anyhow::Result<()>,
) -> anyhow::Result<()>
where
    I: Sync,
    R: Send,
{
    let workers = jobs.clamp(1, 256).min(items.len().max(1));
    let window = Window::new(workers * WINDOW_PER_WORKER);
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::sync_channel::<(usize, R)>(window.size);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let sender = sender.clone();
            let (next, window, work) = (&next, &window, &work);
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(index) else { break };
                if !window.wait_for(index) {
                    break;
                }
                if sender.send((index, work(index, item))).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        let mut in_order = || -> anyhow::Result<()> {
            let mut ready: BTreeMap<usize, R> = BTreeMap::new();
            let mut next_to_consume = 0usize;
            for (index, result) in &receiver {
                ready.insert(index, result);
                while let Some(result) = ready.remove(&next_to_consume) {
                    consume(next_to_consume, result)?;
                    next_to_consume += 1;
                    window.advance(next_to_consume);
                }
            }
            Ok(())
        };
        let outcome = in_order();
        // Workers waiting on the window must not wait for a consumer that has stopped.
        window.stop();
        drop(receiver);
        outcome
    })
}

/// How far workers may run ahead: item `index` starts only once it is within `size` of the oldest result not yet
/// consumed.
struct Window {
    consumed: Mutex<usize>,
    moved: Condvar,
    stopped: AtomicBool,
    size: usize,
}

impl Window {
    fn new(size: usize) -> Self {
        Window { consumed: Mutex::new(0), moved: Condvar::new(), stopped: AtomicBool::new(false), size }
    }

    /// Waits until item `index` may start. False if the consumer has stopped.
    fn wait_for(&self, index: usize) -> bool {
        let mut consumed = self.consumed.lock().unwrap_or_else(|e| e.into_inner());
        while index >= *consumed + self.size {
            if self.stopped.load(Ordering::Relaxed) {
                return false;
            }
            consumed =
                self.moved.wait_timeout(consumed, Duration::from_millis(200)).unwrap_or_else(|e| e.into_inner()).0;
        }
        !self.stopped.load(Ordering::Relaxed)
    }

    fn advance(&self, consumed: usize) {
        *self.consumed.lock().unwrap_or_else(|e| e.into_inner()) = consumed;
        self.moved.notify_all();
    }

    fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
        self.moved.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_input_order_whatever_the_workers() {
        let items: Vec<u64> = (0..500).collect();
        for jobs in [1, 3, 16] {
            let mut seen = Vec::new();
            for_each_ordered(
                &items,
                jobs,
                |_, &i| {
                    // Uneven work, so workers finish out of order.
                    std::thread::sleep(Duration::from_micros((i * 7919) % 300));
                    i * 2
                },
                |index, result| {
                    seen.push((index, result));
                    Ok(())
                },
            )
            .expect("no error");
            assert_eq!(seen, items.iter().map(|&i| (i as usize, i * 2)).collect::<Vec<_>>(), "jobs {jobs}");
        }
    }

    #[test]
    fn a_failing_consumer_stops_the_batch_without_hanging() {
        let items: Vec<u32> = (0..10_000).collect();
        let err = for_each_ordered(
            &items,
            4,
            |_, &i| i,
            |index, _| {
                if index == 10 {
                    anyhow::bail!("disk full")
                }
                Ok(())
            },
        )
        .expect_err("stops");
        assert_eq!(err.to_string(), "disk full");
    }
}
