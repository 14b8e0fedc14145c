//! Work on many inputs at once, results in input order: how `convert` and `bulk` process a batch.
//!
//! The caller's thread hands out input indices to the workers over a channel and consumes the results strictly in
//! input order. It hands out a new input only when it has consumed one, so at most a window of inputs is in flight
//! or waiting to be consumed: however many inputs there are, only that window of results is held in memory. No
//! thread ever polls: workers block on the job channel, the caller on the result channel.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};

use crossbeam_channel::{unbounded, Receiver, Sender};

/// Results a worker may run ahead of the oldest one not yet consumed, per worker.
const WINDOW_PER_WORKER: usize = 8;

/// The number of workers when the user does not say: one per core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `work` on every item (with its index) on `jobs` threads and passes each result to `consume` in item order.
/// Stops early, returning its error, when `consume` fails, or when `work` panics on an item.
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
    let window = workers * WINDOW_PER_WORKER;
    let (job_tx, job_rx) = unbounded::<usize>();
    let (result_tx, result_rx) = unbounded::<(usize, Option<R>)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (job_rx, result_tx, work) = (job_rx.clone(), result_tx.clone(), &work);
            scope.spawn(move || run_worker(items, &job_rx, &result_tx, work));
        }
        drop(result_tx);
        let outcome = consume_in_order(items.len(), window, job_tx, &result_rx, &mut consume);
        // Workers still running after an early stop finish their item and find no one listening.
        drop(result_rx);
        outcome
    })
}

/// Takes jobs until the job channel closes, sending each result (or `None` when `work` panicked).
fn run_worker<I, R>(
    items: &[I],
    jobs: &Receiver<usize>,
    results: &Sender<(usize, Option<R>)>,
    work: &(impl Fn(usize, &I) -> R + Sync),
) {
    for index in jobs {
        let Some(item) = items.get(index) else { break };
        let result = panic::catch_unwind(AssertUnwindSafe(|| work(index, item))).ok();
        if results.send((index, result)).is_err() {
            break;
        }
    }
}

/// The caller's loop: hands out the first `window` inputs, then one more for each result consumed in order.
fn consume_in_order<R>(
    total: usize,
    window: usize,
    jobs: Sender<usize>,
    results: &Receiver<(usize, Option<R>)>,
    consume: &mut impl FnMut(usize, R) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut jobs = Some(jobs);
    let mut next_job = 0usize;
    // Hands out inputs up to index `until`; once every input is out, closing the job channel lets idle workers end.
    let mut hand_out = |until: usize, jobs: &mut Option<Sender<usize>>| {
        while next_job < until.min(total) {
            match jobs.as_ref() {
                Some(tx) if tx.send(next_job).is_ok() => next_job += 1,
                _ => break,
            }
        }
        if next_job >= total {
            jobs.take();
        }
    };
    hand_out(window, &mut jobs);
    let mut ready: BTreeMap<usize, R> = BTreeMap::new();
    let mut next_to_consume = 0usize;
    while next_to_consume < total {
        let Ok((index, result)) = results.recv() else {
            anyhow::bail!("the workers stopped before every input was processed");
        };
        let Some(result) = result else {
            anyhow::bail!("processing input {} failed unexpectedly", index + 1);
        };
        ready.insert(index, result);
        while let Some(result) = ready.remove(&next_to_consume) {
            consume(next_to_consume, result)?;
            next_to_consume += 1;
            hand_out(next_to_consume + window, &mut jobs);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

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
    fn no_more_than_a_window_of_inputs_is_ahead_of_the_consumer() {
        let items: Vec<u32> = (0..2_000).collect();
        let started = AtomicUsize::new(0);
        let jobs = 4;
        let mut most_ahead = 0;
        for_each_ordered(
            &items,
            jobs,
            |_, &i| {
                started.fetch_add(1, Ordering::SeqCst);
                i
            },
            |index, _| {
                // The consumer is slow: the workers would race ahead if nothing held them back.
                std::thread::sleep(Duration::from_micros(50));
                most_ahead = most_ahead.max(started.load(Ordering::SeqCst) - index);
                Ok(())
            },
        )
        .expect("no error");
        assert!(most_ahead <= jobs * WINDOW_PER_WORKER, "{most_ahead} inputs started ahead of the consumer");
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

    #[test]
    fn a_panicking_item_is_an_error_not_a_hang() {
        let items: Vec<u32> = (0..100).collect();
        let err = for_each_ordered(
            &items,
            3,
            |_, &i| {
                assert!(i != 42, "boom");
                i
            },
            |_, _| Ok(()),
        )
        .expect_err("stops");
        assert_eq!(err.to_string(), "processing input 43 failed unexpectedly");
    }
}
