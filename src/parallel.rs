//! Work fanned out to threads: an ordered parallel map. Items are worked on N threads,
//! results handed back in input order, with a bounded number of items in flight so memory
//! does not grow with the input.
//!
//! The one way `clean` spreads work over threads: the binary's filter (plain pages, JSON
//! Lines, WARC records), `clean eval` and `clean suggest` run through it, and so does
//! [`Counter::add_batch`](crate::suggest::Counter::add_batch). It lives in the library
//! because the library needs it too; the binary decides how many threads (`-j`). Two
//! other threads are not fan-outs: `engine::compile` builds the trigger set on a helper
//! thread beside the rest of the compile, and the binary watches for signals on one.
//!
//! The calling thread produces items and consumes results itself, so neither the item
//! source (e.g. a locked stdin) nor the sink (a locked stdout) has to be `Send`.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::mpsc;
use std::sync::Mutex;

/// Apply `work` to every item on `jobs` threads and pass each result to `sink` in the
/// order of `items`. The first error from `sink` stops the run (remaining items are not
/// read) and is returned.
///
/// Memory is bounded two ways: at most `4 * jobs` items are in flight (read and not yet
/// handed to `sink`), and no new item is read while those in flight weigh `budget` or
/// more, as `weight` counts (e.g. bytes). One item is always let through, so an item
/// heavier than the budget still runs, alone.
pub fn ordered_map<T, R, E>(
    jobs: usize,
    budget: usize,
    weight: impl Fn(&T) -> usize,
    items: impl Iterator<Item = T>,
    work: impl Fn(T) -> R + Sync,
    mut sink: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
    R: Send,
{
    if jobs <= 1 {
        for item in items {
            sink(work(item))?;
        }
        return Ok(());
    }
    let cap = jobs * 4;
    let (job_tx, job_rx) = mpsc::sync_channel::<(usize, T)>(cap);
    let job_rx = Mutex::new(job_rx);
    let (res_tx, res_rx) = mpsc::channel::<(usize, std::thread::Result<R>)>();
    std::thread::scope(|s| {
        // Owned here, so that a panic on this thread closes the channel and the workers
        // stop instead of waiting for more.
        let job_tx = job_tx;
        // The calling thread is one of the `jobs`: besides reading items and writing
        // results, it cleans a waiting item whenever it would otherwise wait. With a thread
        // per core and no extra one, the cores are not shared between more threads than
        // there are (fewer context switches, no CPU time lost to them).
        for _ in 1..jobs {
            let job_rx = &job_rx;
            let res_tx = res_tx.clone();
            let work = &work;
            s.spawn(move || loop {
                let next = job_rx.lock().map(|rx| rx.recv());
                let Ok(Ok((i, item))) = next else { break };
                // A panic is carried to the calling thread instead of leaving it waiting.
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(item)));
                if res_tx.send((i, r)).is_err() {
                    break;
                }
            });
        }
        drop(res_tx);

        // `pending[k]` holds the result for item `next_out + k` once it arrives, and
        // `weights[k]` its weight.
        let mut pending: VecDeque<Option<R>> = VecDeque::new();
        let mut weights: VecDeque<usize> = VecDeque::new();
        let mut in_flight = 0usize;
        let mut next_out = 0usize;
        let mut sent = 0usize;
        let mut items = items.fuse();
        let mut exhausted = false;
        let result = loop {
            while !exhausted && sent - next_out < cap && (sent == next_out || in_flight < budget) {
                match items.next() {
                    Some(item) => {
                        let w = weight(&item);
                        in_flight = in_flight.saturating_add(w);
                        weights.push_back(w);
                        job_tx
                            .send((sent, item))
                            .expect("the calling thread holds the receiver too");
                        sent += 1;
                    }
                    None => exhausted = true,
                }
            }
            if next_out == sent {
                break Ok(());
            }
            let (i, r) = match res_rx.try_recv() {
                Ok((i, r)) => (
                    i,
                    r.unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                ),
                Err(_) => {
                    // No result yet: clean a waiting item here, or wait for the workers
                    // (every item sent and not taken here is with one of them). A worker
                    // waits for items holding the lock: then there is none to take.
                    let mine = job_rx.try_lock().ok().and_then(|rx| rx.try_recv().ok());
                    match mine {
                        Some((i, item)) => (i, work(item)),
                        None => {
                            let (i, r) = res_rx
                                .recv()
                                .expect("a worker holds a result sender while items are in flight");
                            (
                                i,
                                r.unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                            )
                        }
                    }
                }
            };
            let k = i - next_out;
            if pending.len() <= k {
                pending.resize_with(k + 1, || None);
            }
            pending[k] = Some(r);
            let mut failed = None;
            while let Some(Some(_)) = pending.front() {
                let r = pending.pop_front().flatten().expect("checked above");
                in_flight -= weights.pop_front().expect("one weight per item in flight");
                next_out += 1;
                if let Err(e) = sink(r) {
                    failed = Some(e);
                    break;
                }
            }
            if let Some(e) = failed {
                break Err(e);
            }
        };
        drop(job_tx); // workers see the channel close and stop
        result
    })
}

/// [`ordered_map`] over items handed to the workers in batches of about `batch` (as
/// `weight` counts): many small pages or records went one at a time, with a hand-over each
/// (a lock, a channel, often a thread wake-up). One thread takes them one by one.
pub fn ordered_map_batched<T, R, E>(
    jobs: usize,
    budget: usize,
    batch: usize,
    weight: impl Fn(&T) -> usize,
    items: impl Iterator<Item = T>,
    work: impl Fn(T) -> R + Sync,
    mut sink: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
    R: Send,
{
    if jobs <= 1 {
        return ordered_map(1, budget, weight, items, work, sink);
    }
    ordered_map(
        jobs,
        budget,
        |b: &Vec<T>| b.iter().map(&weight).sum(),
        batches(items, &weight, batch),
        |b: Vec<T>| b.into_iter().map(&work).collect::<Vec<R>>(),
        |rs: Vec<R>| rs.into_iter().try_for_each(&mut sink),
    )
}

/// `f` of every item of a slice already in memory, in order, on `jobs` threads: an
/// [`ordered_map`] whose results are collected.
pub fn map_slice<T: Sync, R: Send>(items: &[T], jobs: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let mut out = Vec::with_capacity(items.len());
    ordered_map(
        jobs,
        usize::MAX,
        |_| 0,
        items.iter(),
        f,
        |r| {
            out.push(r);
            Ok::<_, Infallible>(())
        },
    )
    .unwrap_or_else(|never| match never {});
    out
}

/// Group `items` into batches of about `bytes`, as `weight` counts them. A batch closes
/// once it weighs `bytes` or more, so it is never empty and never waits for an item past
/// that weight.
fn batches<T>(
    items: impl Iterator<Item = T>,
    weight: impl Fn(&T) -> usize,
    bytes: usize,
) -> impl Iterator<Item = Vec<T>> {
    let mut items = items.fuse();
    std::iter::from_fn(move || {
        let mut batch = Vec::new();
        let mut total = 0usize;
        for item in items.by_ref() {
            total = total.saturating_add(weight(&item));
            batch.push(item);
            if total >= bytes {
                break;
            }
        }
        (!batch.is_empty()).then_some(batch)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_input_order_with_uneven_work() {
        for jobs in [1, 2, 3, 8] {
            let mut got = Vec::new();
            ordered_map(
                jobs,
                usize::MAX,
                |_| 0,
                0..500u64,
                |i| {
                    // Make early items slow so results arrive out of order.
                    if i % 7 == 0 {
                        std::thread::sleep(std::time::Duration::from_micros(200));
                    }
                    i * 2
                },
                |r| {
                    got.push(r);
                    Ok::<_, ()>(())
                },
            )
            .unwrap();
            assert_eq!(
                got,
                (0..500).map(|i| i * 2).collect::<Vec<_>>(),
                "jobs={jobs}"
            );
        }
    }

    #[test]
    fn the_budget_bounds_the_weight_in_flight() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let live = AtomicUsize::new(0);
        let mut most = 0;
        let items = (0..200usize).inspect(|_| {
            let n = live.fetch_add(10, Ordering::SeqCst) + 10;
            most = most.max(n);
        });
        let mut got = Vec::new();
        ordered_map(
            3,
            25,
            |_| 10,
            items,
            |i| i,
            |i| {
                live.fetch_sub(10, Ordering::SeqCst);
                got.push(i);
                Ok::<_, ()>(())
            },
        )
        .unwrap();
        assert_eq!(got, (0..200).collect::<Vec<_>>());
        // Items are read while less than 25 is in flight: at most three of weight 10.
        assert!(most <= 30, "{most} in flight");
    }

    #[test]
    #[should_panic(expected = "boom")]
    fn a_panicking_worker_does_not_hang_the_caller() {
        let _ = ordered_map(
            2,
            usize::MAX,
            |_| 0,
            0..10,
            |i| if i == 3 { panic!("boom") } else { i },
            |_| Ok::<_, ()>(()),
        );
    }

    #[test]
    fn sink_error_stops_reading_items() {
        let mut read = 0;
        let items = std::iter::from_fn(|| {
            read += 1;
            (read <= 100_000).then_some(read)
        });
        let err = ordered_map(
            2,
            usize::MAX,
            |_| 0,
            items,
            |i| i,
            |i| if i == 10 { Err(i) } else { Ok(()) },
        );
        assert_eq!(err, Err(10));
        assert!(read < 100, "read {read} items after the error");
    }

    #[test]
    fn map_slice_keeps_the_order_of_the_slice() {
        let items: Vec<u64> = (0..300).collect();
        for jobs in [0, 1, 3] {
            let got = map_slice(&items, jobs, |&i| i * 3);
            assert_eq!(
                got,
                (0..300).map(|i| i * 3).collect::<Vec<_>>(),
                "jobs={jobs}"
            );
        }
        assert!(map_slice(&[] as &[u8], 2, |&b| b).is_empty());
    }

    #[test]
    fn batches_close_at_their_weight_and_keep_every_item_in_order() {
        let sizes = [3usize, 4, 1, 10, 2, 2, 2, 0, 7];
        let got: Vec<Vec<usize>> = batches(sizes.iter().copied(), |&w| w, 5).collect();
        assert_eq!(
            got,
            vec![vec![3, 4], vec![1, 10], vec![2, 2, 2], vec![0, 7]]
        );
        assert_eq!(batches(std::iter::empty::<usize>(), |&w| w, 5).count(), 0);
        // Weightless items are gathered until the input ends.
        let got: Vec<Vec<u8>> = batches([0u8; 4].into_iter(), |_| 0, 5).collect();
        assert_eq!(got, vec![vec![0; 4]]);
    }
}
