//! Work fanned out to threads: an ordered parallel map. Items are worked on N threads,
//! results handed back in input order, with a bounded number of items in flight so memory
//! does not grow with the input.
//!
//! The one way `clean` spreads work over threads: the binary's filter (plain pages, JSON
//! Lines, WARC records), `clean eval` and `clean suggest` run through it, and so does
//! [`Counter::add_batch`](crate::suggest::Counter::add_batch). It lives in the library
//! because the library needs it too; the binary decides how many threads (`-j`); its
//! variant [`ordered_map_live`] reads from a pipe on a thread of its own, so a co-process
//! is answered while its input stays open. Two other threads are not fan-outs:
//! `engine::compile` builds the trigger set on a helper thread beside the rest of the
//! compile, and the binary watches for signals on one.
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

/// How much [`ordered_map_live`] holds at once: `jobs` threads clean batches of about
/// `batch` (as the weight counts), and no item is read while those read and not yet handed
/// to the sink weigh `budget` or four batches per thread (one is always let through).
#[derive(Debug, Clone, Copy)]
pub struct Flow {
    /// Threads cleaning, the calling one included.
    pub jobs: usize,
    /// The weight of items read and not yet handed to the sink, past which none is read.
    pub budget: usize,
    /// A batch closes once it weighs this much.
    pub batch: usize,
}

/// [`ordered_map_batched`] for a source that may wait for its writer (a pipe, a socket, a
/// terminal): a co-process writes an item and waits for its result with its end of the
/// pipe open. Items are read on a thread of their own, so waiting for input never holds
/// back results: each is handed to `sink` as `Some` as soon as it and those before it are
/// done, and `sink(None)` is called when no more are ready for now (the moment to flush a
/// pipe). Items already read are batched up to about `flow.batch`, and a batch is not held
/// back for items not read yet: a co-process gets batches of one, a fast pipe full ones.
///
/// The reading thread is not joined. When `sink` fails the run returns at once, even if
/// the source is waiting for input that may never come; the thread then stops before
/// reading another item (or ends with the process).
pub fn ordered_map_live<T, R, E>(
    flow: Flow,
    weight: fn(&T) -> usize,
    items: impl Iterator<Item = T> + Send + 'static,
    work: impl Fn(T) -> R + Sync,
    mut sink: impl FnMut(Option<R>) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send + 'static,
    R: Send + 'static,
{
    use std::sync::{Arc, Condvar};
    /// Items read and not yet handed to the sink, shared with the reading thread.
    #[derive(Default)]
    struct Gate {
        count: usize,
        weight: usize,
        stop: bool,
    }
    enum Event<T, R> {
        Item(T),
        End,
        Done(usize, std::thread::Result<Vec<R>>),
    }
    // Items in flight are counted too, so that empty ones cannot pile up without bound.
    let max_count = flow.jobs.max(1) * 4 * 1024;
    let gate = Arc::new((Mutex::new(Gate::default()), Condvar::new()));
    let (ev_tx, ev_rx) = mpsc::channel::<Event<T, R>>();
    {
        let (gate, tx) = (Arc::clone(&gate), ev_tx.clone());
        // As in `ordered_map`: about four batches per thread are in flight, at most.
        let budget = flow
            .budget
            .min(flow.batch.saturating_mul(4 * flow.jobs.max(1)));
        std::thread::spawn(move || {
            let mut items = items;
            loop {
                {
                    let (lock, room) = &*gate;
                    let mut g = lock.lock().unwrap_or_else(|e| e.into_inner());
                    while !g.stop && g.count > 0 && (g.count >= max_count || g.weight >= budget) {
                        g = room.wait(g).unwrap_or_else(|e| e.into_inner());
                    }
                    if g.stop {
                        return;
                    }
                }
                let Some(item) = items.next() else {
                    let _ = tx.send(Event::End);
                    return;
                };
                {
                    let mut g = gate.0.lock().unwrap_or_else(|e| e.into_inner());
                    g.count += 1;
                    g.weight = g.weight.saturating_add(weight(&item));
                }
                if tx.send(Event::Item(item)).is_err() {
                    return;
                }
            }
        });
    }
    let release = |count: usize, w: usize| {
        let (lock, room) = &*gate;
        let mut g = lock.lock().unwrap_or_else(|e| e.into_inner());
        g.count -= count;
        g.weight -= w;
        room.notify_one();
    };
    let (job_tx, job_rx) = mpsc::channel::<(usize, Vec<T>)>();
    let job_rx = Mutex::new(job_rx);
    let run = |batch: Vec<T>| -> std::thread::Result<Vec<R>> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            batch.into_iter().map(&work).collect()
        }))
    };
    let result = std::thread::scope(|s| {
        let job_tx = job_tx;
        for _ in 1..flow.jobs {
            let (job_rx, ev_tx, run) = (&job_rx, ev_tx.clone(), &run);
            s.spawn(move || loop {
                let next = job_rx.lock().map(|rx| rx.recv());
                let Ok(Ok((i, batch))) = next else { break };
                if ev_tx.send(Event::Done(i, run(batch))).is_err() {
                    break;
                }
            });
        }
        // `pending[k]`: the results of batch `next_out + k` once they arrive, with the
        // number of items and the weight the batch was read with.
        let mut pending: VecDeque<(Option<Vec<R>>, usize, usize)> = VecDeque::new();
        let (mut next_out, mut sent) = (0usize, 0usize);
        let (mut batch, mut batch_weight) = (Vec::new(), 0usize);
        let mut ended = false;
        let mut unflushed = false;
        loop {
            let ready = ev_rx.try_recv().ok();
            // A batch goes to the workers once full, or when nothing more is ready: it
            // does not wait for items not read yet.
            if !batch.is_empty() && (ready.is_none() || batch_weight >= flow.batch) {
                pending.push_back((None, batch.len(), std::mem::take(&mut batch_weight)));
                job_tx
                    .send((sent, std::mem::take(&mut batch)))
                    .expect("the calling thread holds the receiver too");
                sent += 1;
            }
            let event = match ready {
                Some(ev) => ev,
                None => {
                    // Nothing more is ready: what was written is flushed, and this thread
                    // cleans a batch or waits.
                    if unflushed {
                        sink(None)?;
                        unflushed = false;
                    }
                    if ended && next_out == sent {
                        return Ok(());
                    }
                    let mine = job_rx.try_lock().ok().and_then(|rx| rx.try_recv().ok());
                    match mine {
                        Some((i, b)) => Event::Done(i, run(b)),
                        None => ev_rx.recv().expect("this thread holds a sender"),
                    }
                }
            };
            match event {
                Event::Item(item) => {
                    batch_weight = batch_weight.saturating_add(weight(&item));
                    batch.push(item);
                }
                Event::End => ended = true,
                Event::Done(i, r) => {
                    let r = r.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                    pending[i - next_out].0 = Some(r);
                    while let Some((Some(_), ..)) = pending.front() {
                        let (rs, count, w) = pending.pop_front().expect("checked above");
                        next_out += 1;
                        release(count, w);
                        for r in rs.expect("checked above") {
                            unflushed = true;
                            sink(Some(r))?;
                        }
                    }
                }
            }
        }
    });
    // The reading thread stops before its next item (it may be waiting for input now).
    let (lock, room) = &*gate;
    lock.lock().unwrap_or_else(|e| e.into_inner()).stop = true;
    room.notify_one();
    result
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

    fn live_flow(jobs: usize) -> Flow {
        Flow {
            jobs,
            budget: 1 << 20,
            batch: 4,
        }
    }

    #[test]
    fn live_keeps_input_order_and_says_when_nothing_is_ready() {
        for jobs in [2, 3] {
            let (mut got, mut idle) = (Vec::new(), 0);
            ordered_map_live(
                live_flow(jobs),
                |_| 1,
                0..2000u64,
                |i| {
                    if i % 13 == 0 {
                        std::thread::sleep(std::time::Duration::from_micros(100));
                    }
                    i * 2
                },
                |r| {
                    match r {
                        Some(r) => got.push(r),
                        None => idle += 1,
                    }
                    Ok::<_, ()>(())
                },
            )
            .unwrap();
            assert_eq!(got, (0..2000).map(|i| i * 2).collect::<Vec<_>>());
            assert!(
                idle >= 1,
                "jobs={jobs}: the last results were never flushed"
            );
        }
    }

    #[test]
    fn live_answers_each_item_while_the_source_waits() {
        let (in_tx, in_rx) = mpsc::channel::<u64>();
        let (out_tx, out_rx) = mpsc::channel::<Option<u64>>();
        let run = std::thread::spawn(move || {
            ordered_map_live(
                live_flow(2),
                |_| 1,
                in_rx.into_iter(),
                |i| i + 100,
                |r| out_tx.send(r).map_err(|_| ()),
            )
        });
        let wait = std::time::Duration::from_secs(20);
        for i in 0..5 {
            in_tx.send(i).unwrap();
            // The answer comes, then the word that nothing more is ready, before the next
            // item is written: a co-process does not wait on itself.
            assert_eq!(out_rx.recv_timeout(wait), Ok(Some(i + 100)));
            assert_eq!(out_rx.recv_timeout(wait), Ok(None));
        }
        drop(in_tx);
        assert_eq!(run.join().unwrap(), Ok(()));
    }

    #[test]
    fn live_returns_on_a_sink_error_while_the_source_waits_forever() {
        let (in_tx, in_rx) = mpsc::channel::<u64>();
        let (done_tx, done_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let r = ordered_map_live(
                live_flow(2),
                |_| 1,
                in_rx.into_iter(),
                |i| i,
                |r| {
                    if r == Some(1) {
                        Err(1)
                    } else {
                        Ok(())
                    }
                },
            );
            done_tx.send(r).unwrap();
        });
        in_tx.send(0).unwrap();
        in_tx.send(1).unwrap();
        // `in_tx` stays open: the source never ends, and the run must not wait for it.
        let r = done_rx.recv_timeout(std::time::Duration::from_secs(20));
        assert_eq!(r, Ok(Err(1)));
        drop(in_tx);
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
