//! Parallel search: a query's segments, or ranges of their documents,
//! shared between the calling thread and a pool of helper threads.
//!
//! - **The calling thread works.** tantivy's own executor hands every
//!   segment to its pool and puts the caller to sleep until they are done:
//!   on two cores, two threads woken and one put to sleep per pass. Here
//!   ([`share`]) the caller and `cores - 1` helpers each take the next task
//!   as they finish one: one thread woken, none put to sleep. Measured at
//!   100,000 decisions on two cores (the default query set, 10 interleaved
//!   rounds): full answer p50 1.51 → 1.22 ms, top-10 p50 0.69 → 0.57 ms,
//!   each query's median 0.84× on (geometric) average; p99 unchanged.
//! - **Balanced shares.** tantivy hands each segment to one thread. An
//!   index of 40,960 + 40,960 + 18,080 documents on two cores then gives
//!   one core 59,040 documents and the other 40,960: the query takes as long
//!   as the larger share. [`search`] cuts the index's documents, segment
//!   after segment, into [`SHARES_PER_CORE`] equal shares per core (never
//!   under [`MIN_SHARE`] documents), a share being one range of a segment
//!   or the end of one and the start of the next ([`shares`]); the threads
//!   take shares as they finish them, so they end within one share of each
//!   other. Measured at 100,000 decisions on two cores (the default query
//!   set, 5 interleaved rounds, medians of the full answer): a phrase in
//!   59,723 decisions 14.7 → 11.9 ms, one in 54,798 8.9 → 7.9 ms. (Ranges
//!   cut within each segment alone, as first written, came out uneven at a
//!   million decisions: segments of about 330,000 made nine ranges of
//!   110,000 and one of 17,000, so one core searched five and the other
//!   four and the small one, 9% more than half.) Each range opens the
//!   query's scorers again, so only the largest queries are cut that
//!   finely ([`Cut::Fine`], from `SPLIT_FROM` matches); one of a few
//!   thousand is cut into one share per core ([`Cut::Coarse`]), and a
//!   share's cut is moved to a segment's edge when it would leave a range
//!   of under a quarter of [`MIN_SHARE`].
//! - **Helpers kept awake.** On the two-core virtual machine a pool thread
//!   asleep takes 23–29 µs (median) to start a job handed to it, 1 µs when
//!   it is still awake; and the calling thread, out of tasks before the
//!   helper, used to sleep in the scope's wait and be woken as slowly. Both
//!   are paid in every parallel pass, a query's matches and then its page:
//!   a fair part of a query that takes 0.1–0.2 ms. So a query that will
//!   use the pool wakes it as soon as that is known, while the calling
//!   thread still readies the scorers, and keeps its threads spinning,
//!   taking the query's work the moment it is given, until the answer is
//!   built ([`Awake`]); and the calling thread, out of tasks, spins a
//!   little while a helper is still at one ([`share_with`], `WAIT_SPIN`).
//!   Measured at 100,000 decisions on two cores, each query's median over
//!   10 interleaved rounds of 40 runs: top 10 of `tribunal` 0.198 → 0.107
//!   ms, `noise OR odour` 0.200 → 0.125, `"symbolic payment"` 0.158 →
//!   0.118; their full answers 0.64–0.76×; the largest queries unchanged.
//!
//! A range is searched by the query's own scorer for the segment, moved to
//! the range's first document and driven up to its end ([`RangeWeight`]);
//! the collector gets one segment collector per range and merges their
//! fruits as it merges segments'. Only for collectors that visit every
//! match: pruning top-k collection (block-max WAND) and counting a term
//! from its document frequency need whole segments ([`Cut::Segments`]).

use rayon::ThreadPool;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tantivy::collector::Collector;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{
    COLLECT_BLOCK_BUFFER_LEN, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED,
};

/// Shares per core: enough that the last share to finish is short.
const SHARES_PER_CORE: usize = 4;

/// No share but the last is cut smaller than this: below it, opening the
/// scorers again (term lookups, first blocks) costs about what the share
/// would save.
const MIN_SHARE: u32 = 4_096;

/// The longest a pool's thread kept [`Awake`] spins, waiting for work: a
/// safety net, as a query's guard is dropped when its answer is built.
const MAX_SPIN: Duration = Duration::from_millis(50);

/// The longest the calling thread, out of tasks, spins waiting for a
/// helper to finish one before it sleeps: about what waking it costs (see
/// the module header), so it never waits more than twice as long as it
/// must. Spinning until the helper was done made the largest queries
/// slower (the top 10 of a phrase in 59,723 of 100,000 decisions 3.46 →
/// 3.78 ms, the median of 10 interleaved rounds; 3.48 with this limit).
const WAIT_SPIN: Duration = Duration::from_micros(30);

/// Keeps a pool's threads awake for one query (see the module header):
/// each spins, taking any work given to the pool as soon as it is given,
/// until the guard is dropped or [`MAX_SPIN`] has passed.
#[must_use = "the pool's threads are kept awake only while the guard lives"]
pub(super) struct Awake {
    stop: Arc<AtomicBool>,
}

impl Awake {
    /// Wakes `pool`'s threads (they start spinning a few tens of
    /// microseconds later, while the caller goes on).
    pub(super) fn new(pool: &ThreadPool) -> Awake {
        let stop = Arc::new(AtomicBool::new(false));
        for _ in 0..pool.current_num_threads() {
            let stop = Arc::clone(&stop);
            pool.spawn(move || {
                let began = Instant::now();
                while !stop.load(Ordering::Acquire) && began.elapsed() < MAX_SPIN {
                    if rayon::yield_now() != Some(rayon::Yield::Executed) {
                        // No work yet: let any other thread ready on this
                        // core run.
                        std::thread::yield_now();
                    }
                }
            });
        }
        Awake { stop }
    }
}

impl Drop for Awake {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}

/// How a search's work is cut into tasks for the threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cut {
    /// A task per segment: for collectors that prune (block-max WAND) or
    /// read a count off the postings, which need whole segments.
    Segments,
    /// One even share of the index's documents per core: for a query of a
    /// few thousand matches, where every range more costs an opening of its
    /// scorers that the better balance of finer shares would not repay.
    Coarse,
    /// [`SHARES_PER_CORE`] even shares per core, taken as the threads
    /// finish them: for the largest queries, so that the threads end
    /// within a short share of each other.
    Fine,
}

/// Runs `query` on every segment of `searcher`, shared by the calling
/// thread and `pool`'s, and merges the fruits: a task per whole segment,
/// or the index cut into [`shares`], as `cut` says.
pub(super) fn search<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    pool: &ThreadPool,
    cut: Cut,
) -> tantivy::Result<C::Fruit> {
    let cores = pool.current_num_threads() + 1;
    let tasks = match cut {
        Cut::Segments => {
            let segments = searcher.segment_readers().len() as u32;
            (0..segments).map(|ord| vec![(ord, None)]).collect()
        }
        Cut::Coarse => share_tasks(searcher, cores, MIN_SHARE),
        Cut::Fine => share_tasks(searcher, cores * SHARES_PER_CORE, MIN_SHARE),
    };
    search_tasks(searcher, query, collector, pool, tasks)
}

/// The searcher's segments cut into `pieces` [`shares`], each a task of
/// ranges.
fn share_tasks(searcher: &Searcher, pieces: usize, min_share: DocId) -> Vec<Vec<Part>> {
    let max_docs = searcher
        .segment_readers()
        .iter()
        .map(SegmentReader::max_doc);
    shares(max_docs, pieces, min_share)
        .into_iter()
        .map(|share| share.into_iter().map(|(o, d)| (o, Some(d))).collect())
        .collect()
}

/// A part of a task: a segment ordinal with a range of its documents, or
/// `None` for the whole segment.
type Part = (u32, Option<Range<DocId>>);

/// Runs `query` on each task, one or more [`Part`]s searched one after the
/// other, and merges the fruits. A whole segment gets the query's own
/// weight, so pruning and counting from document frequencies work as in
/// tantivy's own search; a range gets it wrapped in a [`RangeWeight`].
fn search_tasks<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    pool: &ThreadPool,
    tasks: Vec<Vec<Part>>,
) -> tantivy::Result<C::Fruit> {
    let scoring = if collector.requires_scoring() {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight: Arc<dyn Weight> = Arc::from(query.weight(scoring)?);
    collector.check_schema(searcher.schema())?;
    let readers = searcher.segment_readers();
    let part = |(ord, docs): Part| {
        let reader = &readers[ord as usize];
        match docs {
            Some(docs) => {
                let range = RangeWeight {
                    inner: Arc::clone(&weight),
                    docs,
                };
                collector.collect_segment(&range, ord, reader)
            }
            None => collector.collect_segment(weight.as_ref(), ord, reader),
        }
    };
    let fruits = share(pool, tasks, &|parts: Vec<Part>| {
        parts.into_iter().map(part).collect::<Vec<_>>()
    });
    let fruits = fruits.into_iter().flatten();
    collector.merge_fruits(fruits.collect::<tantivy::Result<_>>()?)
}

/// Runs `f` on every task, on the calling thread and on as many of `pool`'s
/// threads as there are other tasks, each taking the next task as it
/// finishes one; the results in the order of the tasks.
///
/// The calling thread works instead of waiting (see the module header).
pub(super) fn share<T: Send, R: Send>(
    pool: &ThreadPool,
    tasks: Vec<T>,
    f: &(dyn Fn(T) -> R + Sync),
) -> Vec<R> {
    share_with(pool, tasks, &|| (), &|(), task| f(task))
}

/// [`share`], with a `state` made once by each thread that works (such as
/// its copy of a highlighter) and lent to `f` for every task it takes.
pub(super) fn share_with<T: Send, S, R: Send>(
    pool: &ThreadPool,
    tasks: Vec<T>,
    state: &(dyn Fn() -> S + Sync),
    f: &(dyn Fn(&mut S, T) -> R + Sync),
) -> Vec<R> {
    let n = tasks.len();
    let tasks: Vec<Mutex<Option<T>>> = tasks.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let results: Vec<Mutex<Option<R>>> = (0..n).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    // Tasks done: once the calling thread runs out of tasks, it spins for a
    // while (`WAIT_SPIN`) until the helpers finish theirs, rather than
    // sleep in the scope's wait at once and be woken late (see the module
    // header). A helper yet to start then finds no task left and ends; the
    // scope waits for it as before.
    let done = AtomicUsize::new(0);
    let work = || {
        let mut own = None;
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(slot) = tasks.get(i) else { break };
            let task = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
            if let Some(task) = task {
                let s = own.get_or_insert_with(state);
                let result = f(s, task);
                *results[i].lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
                done.fetch_add(1, Ordering::Release);
            }
        }
    };
    let helpers = pool.current_num_threads().min(n.saturating_sub(1));
    pool.in_place_scope(|scope| {
        for _ in 0..helpers {
            scope.spawn(|_| work());
        }
        work();
        let began = Instant::now();
        while done.load(Ordering::Acquire) < n && began.elapsed() < WAIT_SPIN {
            std::hint::spin_loop();
        }
    });
    // Every task ran: each index below `n` was taken by exactly one thread,
    // and the scope returns only when all of them are done (a panic in
    // `f` is carried on by the scope). A missing result would be a bug
    // here, never silently a missing segment's counts.
    results
        .into_iter()
        .map(|r| {
            r.into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .expect("every shared task ran to completion")
        })
        .collect()
}

/// The index's documents, segment after segment, cut into `pieces` shares
/// of about `total / pieces` and at least `min_share`
/// documents: each share the ranges `(segment ordinal, ids)` it spans, one
/// or, where it crosses from one segment into the next, more. A cut that
/// would leave a segment's first or last few documents (under a quarter of
/// `min_share`) to a share of their own moves to the segment's edge, so no
/// range is opened for a handful of documents; the shares stay within
/// twice that of their size. Together the ranges cover every id of every
/// segment exactly once, in order; an empty segment has none.
fn shares(
    max_docs: impl Iterator<Item = DocId>,
    pieces: usize,
    min_share: DocId,
) -> Vec<Vec<(u32, Range<DocId>)>> {
    // Each segment's first document in the index, and the index's end.
    let mut starts = vec![0u64];
    for max_doc in max_docs {
        let end = starts.last().copied().unwrap_or(0) + u64::from(max_doc);
        starts.push(end);
    }
    let total = starts.last().copied().unwrap_or(0);
    let size = total
        .div_ceil(pieces.max(1) as u64)
        .max(u64::from(min_share))
        .max(1);
    let snap = u64::from(min_share / 4);
    // The cuts between shares, each moved to a segment's edge when near it.
    let mut cuts: Vec<u64> = (1..)
        .map(|k| k * size)
        .take_while(|&at| at < total)
        .map(|at| {
            let segment = starts.partition_point(|&s| s <= at) - 1;
            let (first, end) = (starts[segment], starts[segment + 1]);
            if at - first < snap {
                first
            } else if end - at < snap {
                end
            } else {
                at
            }
        })
        .collect();
    cuts.push(total);
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len());
    let mut from = 0u64;
    for to in cuts {
        if to <= from {
            continue;
        }
        // The segments the share [from, to) overlaps, each clipped to it.
        let share = starts
            .windows(2)
            .enumerate()
            .filter(|(_, s)| s[0] < to && from < s[1])
            .map(|(ord, s)| {
                let docs = from.max(s[0]) - s[0]..to.min(s[1]) - s[0];
                (ord as u32, docs.start as DocId..docs.end as DocId)
            })
            .collect();
        out.push(share);
        from = to;
    }
    out
}

/// A query's weight restricted to a range of a segment's document ids.
struct RangeWeight {
    inner: Arc<dyn Weight>,
    docs: Range<DocId>,
}

impl RangeWeight {
    /// The query's own scorer for `reader`, moved to the range's start.
    fn inner_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Box<dyn Scorer>> {
        let mut inner = self.inner.scorer(reader, boost)?;
        if inner.doc() < self.docs.start {
            inner.seek(self.docs.start);
        }
        Ok(inner)
    }
}

/// The passes that visit every match drive the query's own scorer up to
/// the range's end, rather than through a [`RangeScorer`] (a second
/// dynamic call for every match and every score), and an unscored pass
/// takes its matches a buffer at a time, as tantivy's own does: the full
/// answer of a word in 9,992 of 100,000 decisions cut into two ranges took
/// 1.13× the time of a task per segment through the wrapper.
impl Weight for RangeWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.inner_scorer(reader, boost)?;
        Ok(Box::new(RangeScorer::new(inner, self.docs.end)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        let mut scorer = self.inner_scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc < self.docs.end {
            callback(doc, scorer.score());
            doc = scorer.advance();
        }
        Ok(())
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        let mut scorer = self.inner_scorer(reader, 1.0)?;
        let mut buffer = [0; COLLECT_BLOCK_BUFFER_LEN];
        loop {
            let filled = scorer.fill_buffer(&mut buffer);
            // The matches before the range's end (TERMINATED is past it).
            let kept = buffer[..filled].partition_point(|&d| d < self.docs.end);
            if kept > 0 {
                callback(&buffer[..kept]);
            }
            if kept < buffer.len() {
                return Ok(());
            }
        }
    }
}

/// A scorer that ends where its range does.
struct RangeScorer {
    inner: Box<dyn Scorer>,
    end: DocId,
    /// The current document: the inner scorer's while it is in the range.
    doc: DocId,
}

impl RangeScorer {
    fn new(inner: Box<dyn Scorer>, end: DocId) -> RangeScorer {
        let mut scorer = RangeScorer {
            inner,
            end,
            doc: TERMINATED,
        };
        scorer.doc = scorer.clip(scorer.inner.doc());
        scorer
    }

    fn clip(&self, doc: DocId) -> DocId {
        if doc < self.end { doc } else { TERMINATED }
    }
}

impl DocSet for RangeScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            let next = self.inner.advance();
            self.doc = self.clip(next);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc != TERMINATED && self.doc < target {
            self.doc = if target >= self.end {
                TERMINATED
            } else {
                let next = self.inner.seek(target);
                self.clip(next)
            };
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for RangeScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::collector::{Count, DocSetCollector, TopDocs};
    use tantivy::query::QueryParser;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{DocAddress, Index, IndexWriter, Term, doc};

    /// A pool of one thread: with the calling thread, two.
    fn test_pool() -> ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a thread")
    }

    #[test]
    fn shared_tasks_all_run_once_and_answer_in_order() {
        let pool = test_pool();
        for n in [0, 1, 2, 3, 100] {
            let runs = AtomicUsize::new(0);
            let out = share(&pool, (0..n).collect(), &|i: u64| {
                runs.fetch_add(1, Ordering::Relaxed);
                i * i
            });
            assert_eq!(out, (0..n).map(|i| i * i).collect::<Vec<_>>());
            assert_eq!(runs.into_inner(), n as usize);
        }
    }

    /// Each thread that takes a task makes its state once and keeps it for
    /// every task it takes: no more states than threads, all tasks run once.
    #[test]
    fn shared_state_is_made_once_per_working_thread() {
        let pool = test_pool();
        for n in [0, 1, 2, 50] {
            let made = AtomicUsize::new(0);
            let out = share_with(
                &pool,
                (0..n).collect(),
                &|| {
                    made.fetch_add(1, Ordering::Relaxed);
                    0u64
                },
                &|taken: &mut u64, i: u64| {
                    *taken += 1;
                    (i, *taken)
                },
            );
            let order: Vec<u64> = out.iter().map(|(i, _)| *i).collect();
            assert_eq!(order, (0..n).collect::<Vec<_>>());
            let made = made.into_inner();
            assert!(
                made <= 2 && (n == 0 || made >= 1),
                "{made} states for {n} tasks"
            );
            // Each state counts the tasks of its thread: a state was lent
            // for a first task exactly as often as one was made.
            let firsts = out.iter().filter(|(_, taken)| *taken == 1).count();
            assert_eq!(firsts, made);
        }
    }

    /// While a pool is kept awake its thread takes the work given to the
    /// pool (from inside its spinning job) and every task runs once, in
    /// order; once the guard is dropped the spinning job ends.
    #[test]
    fn a_pool_kept_awake_takes_its_work_and_stops_spinning_when_let_go() {
        let pool = test_pool();
        let awake = Awake::new(&pool);
        // The spinning job holds a handle to the flag until it ends.
        let spinning = Arc::downgrade(&awake.stop);
        std::thread::sleep(Duration::from_millis(1));
        let by_helper = AtomicUsize::new(0);
        let out = share(&pool, (0..64u64).collect(), &|i| {
            if rayon::current_thread_index().is_some() {
                by_helper.fetch_add(1, Ordering::Relaxed);
            }
            std::thread::sleep(Duration::from_micros(200));
            i * 3
        });
        assert_eq!(out, (0..64).map(|i| i * 3).collect::<Vec<_>>());
        assert!(
            by_helper.into_inner() > 0,
            "the spinning helper took no task"
        );
        drop(awake);
        let since = Instant::now();
        while spinning.strong_count() > 0 && since.elapsed() < Duration::from_secs(10) {
            std::thread::yield_now();
        }
        assert_eq!(spinning.strong_count(), 0, "the helper still spins");
        assert_eq!(pool.install(|| 7), 7);
    }

    /// Each share's size in documents.
    fn sizes(shares: &[Vec<(u32, Range<DocId>)>]) -> Vec<u32> {
        let size = |s: &Vec<(u32, Range<DocId>)>| s.iter().map(|(_, d)| d.end - d.start).sum();
        shares.iter().map(size).collect()
    }

    #[test]
    fn shares_cut_the_index_evenly() {
        // The segments of a 100,000-decision index on two cores: eight
        // shares of 12,500, three of them crossing into the next segment.
        let s = shares([40_960, 40_960, 18_080].into_iter(), 8, MIN_SHARE);
        assert_eq!(sizes(&s), [12_500; 8]);
        assert_eq!(s[3], [(0, 37_500..40_960), (1, 0..9_040)]);
        assert_eq!(s[7], [(2, 5_580..18_080)]);
        // A million on two cores: segments of 330,000 and a small last one
        // no longer leave one core five ranges and the other four.
        let s = shares(
            [330_000, 330_000, 330_000, 17_000].into_iter(),
            8,
            MIN_SHARE,
        );
        assert_eq!(sizes(&s), [125_875; 8]);
        // A cut a few documents from a segment's edge moves to the edge.
        let s = shares([49_900, 50_100].into_iter(), 8, MIN_SHARE);
        let moved = [
            12_500, 12_500, 12_500, 12_400, 12_600, 12_500, 12_500, 12_500,
        ];
        assert_eq!(sizes(&s), moved);
        assert_eq!(s[3..5], [vec![(0, 37_500..49_900)], vec![(1, 0..12_600)]]);
        // Small segments are not cut below the minimum, nor a few
        // documents from their end.
        let s = shares([5_000, 100].into_iter(), 8, MIN_SHARE);
        assert_eq!(s, [vec![(0, 0..5_000)], vec![(1, 0..100)]]);
        // Empty segments have no range; an empty index no share.
        let s = shares([0, 9_000, 0].into_iter(), 4, MIN_SHARE);
        assert_eq!(s, [vec![(1, 0..4_096)], vec![(1, 4_096..9_000)]]);
        assert!(shares([0, 0].into_iter(), 8, MIN_SHARE).is_empty());
        // One share per core: the 100,000-decision index in halves.
        let s = shares([40_960, 40_960, 18_080].into_iter(), 2, MIN_SHARE);
        assert_eq!(
            s,
            [
                vec![(0, 0..40_960), (1, 0..9_040)],
                vec![(1, 9_040..40_960), (2, 0..18_080)]
            ]
        );
    }

    proptest! {
        #[test]
        fn shares_cover_every_document_once_and_evenly(
            max_docs in proptest::collection::vec(0u32..200_000, 0..8),
            pieces in 1usize..33,
            min_share in 1u32..10_000,
        ) {
            let s = shares(max_docs.iter().copied(), pieces, min_share);
            // Every range in order: each segment's from its first document
            // to its last, none empty, none missing.
            let ranges: Vec<&(u32, Range<DocId>)> = s.iter().flatten().collect();
            let mut at = ranges.iter().peekable();
            for (ord, &max_doc) in max_docs.iter().enumerate() {
                let mut next = 0;
                while let Some((_, docs)) = at.next_if(|(o, _)| *o as usize == ord) {
                    prop_assert_eq!(docs.start, next);
                    prop_assert!(docs.start < docs.end);
                    next = docs.end;
                }
                prop_assert_eq!(next, max_doc);
            }
            prop_assert!(at.next().is_none());
            // Every share but the last within twice the snap of the size.
            let total: u64 = max_docs.iter().map(|&n| u64::from(n)).sum();
            let pieces = pieces as u64;
            let size = total.div_ceil(pieces).max(u64::from(min_share)).max(1);
            let snap = u64::from(min_share / 4);
            let sizes = sizes(&s);
            for &n in sizes.iter().rev().skip(1) {
                prop_assert!(u64::from(n).abs_diff(size) <= 2 * snap, "{n} for {size}");
            }
            prop_assert!(sizes.len() as u64 <= pieces.max(total.div_ceil(size)));
        }
    }

    /// An index of three segments with deletions, searched whole and in
    /// ranges of 7 to 300 documents: same count, same hits, same scores.
    #[test]
    fn a_search_in_ranges_finds_what_the_whole_search_finds() -> tantivy::Result<()> {
        let mut b = Schema::builder();
        let text = b.add_text_field("text", TEXT);
        let index = Index::create_in_ram(b.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
        let words = [
            "the", "council", "delay", "fault", "care", "plan", "time", "trouble",
        ];
        for segment in 0..3u64 {
            for i in 0..250u64 {
                // A linear congruential generator picks the words.
                let mut x = segment * 1_000 + i;
                let body: Vec<&str> = (0..12)
                    .map(|_| {
                        x = x
                            .wrapping_mul(6_364_136_223_846_793_005)
                            .wrapping_add(1_442_695_040_888_963_407);
                        words[((x >> 33) % words.len() as u64) as usize]
                    })
                    .collect();
                writer.add_document(doc!(text => body.join(" ")))?;
            }
            writer.commit()?;
        }
        writer.delete_term(Term::from_field_text(text, "plan"));
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let parser = QueryParser::for_index(&index, vec![text]);
        let pool = test_pool();
        for q in [
            "council",
            "\"time trouble\"",
            "delay AND fault",
            "care -council",
            "\"the council\"",
        ] {
            let query = parser.parse_query(q)?;
            let collector = (Count, TopDocs::with_limit(20).order_by_score());
            let (count, top): (usize, Vec<(Score, DocAddress)>) =
                searcher.search(&query, &collector)?;
            assert!(count > 0, "{q} matches nothing");
            for cut in [Cut::Segments, Cut::Coarse, Cut::Fine] {
                let (n, hits) = search(&searcher, &query, &collector, &pool, cut)?;
                assert_eq!((n, &hits), (count, &top), "{q}, {cut:?}");
            }
            // Unscored, matches are handed over a buffer at a time.
            let all = searcher.search(&query, &DocSetCollector)?;
            for min_share in [7, 64, 300] {
                let tasks = share_tasks(&searcher, 8, min_share);
                let (n, hits) = search_tasks(&searcher, &query, &collector, &pool, tasks)?;
                assert_eq!(n, count, "{q} in ranges of {min_share}");
                assert_eq!(hits, top, "{q} in ranges of {min_share}");
                let tasks = share_tasks(&searcher, 8, min_share);
                let found = search_tasks(&searcher, &query, &DocSetCollector, &pool, tasks)?;
                assert_eq!(found, all, "{q} unscored in ranges of {min_share}");
            }
        }
        Ok(())
    }

    /// The engine's own collectors (count, facets from columns and from
    /// decoded tables, top hits) on a generated corpus committed in four
    /// segments: the same answer whole and in ranges of 13 documents.
    #[test]
    fn the_engines_collectors_answer_the_same_in_ranges() -> anyhow::Result<()> {
        use crate::search::facets::{FacetCollector, FacetTables};
        use crate::search::{Engine, SearchRequest};

        let (_dir, index) = crate::search::testing::generated_index(400, 5, 100)?;
        let engine = Engine::open(&index)?;
        let searcher = engine.reader.searcher();
        assert!(searcher.segment_readers().len() >= 3);
        let tables = std::sync::Arc::new(FacetTables::build(&searcher, &engine.facet_fields)?);
        let pool = test_pool();
        for q in [
            "complaint",
            "\"time and trouble\"",
            "council -planning",
            "care OR school",
        ] {
            // The query as the engine compiles it.
            let request = SearchRequest::new(q);
            let vocabularies = engine.vocabularies.current(&searcher);
            let mut compiler =
                super::super::compile::Compiler::new(&engine.fields, &searcher, &vocabularies);
            let tree = super::super::syntax::parse(&request.query)?;
            let query = compiler.compile(&tree)?.expect("words to search for");
            for tables in [None, Some(tables.clone())] {
                let facets = FacetCollector {
                    fields: &engine.facet_fields,
                    tables,
                };
                let collector = (Count, facets, TopDocs::with_limit(10).order_by_score());
                let (count, raw, top) = searcher.search(&*query, &collector)?;
                let tasks = share_tasks(&searcher, 64, 13);
                assert!(tasks.len() > 12);
                let (n, raw_ranges, hits) =
                    search_tasks(&searcher, &*query, &collector, &pool, tasks)?;
                assert!(count > 0, "{q} matches nothing");
                assert_eq!(n, count, "{q}");
                assert_eq!(hits, top, "{q}");
                assert_eq!(raw_ranges.into_facets(None), raw.into_facets(None), "{q}");
            }
        }
        Ok(())
    }
}
