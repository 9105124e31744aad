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
//! - **Balanced ranges.** tantivy hands each segment to one thread. An
//!   index of 40,960 + 40,960 + 18,080 documents on two cores then gives
//!   one core 59,040 documents and the other 40,960: the query takes as long
//!   as the larger share. [`search`] cuts the segments into ranges of at
//!   most a quarter of a core's share ([`RANGES_PER_CORE`], never under
//!   [`MIN_RANGE`] documents), so the shares end within one range of each
//!   other. Measured at 100,000 decisions on two cores (the default query
//!   set, 5 interleaved rounds, medians of the full answer): a phrase in
//!   59,723 decisions 14.7 → 11.9 ms, one in 54,798 8.9 → 7.9 ms. Each range
//!   opens the query's scorers again, so the engine cuts only large queries
//!   (`SPLIT_FROM`).
//!
//! A range is searched by the query's own scorer for the segment, moved to
//! the range's first document and ended at its last ([`RangeScorer`]); the
//! collector gets one segment collector per range and merges their fruits
//! as it merges segments'. Only for collectors that visit every match:
//! pruning top-k collection (block-max WAND) and counting a term from its
//! document frequency need whole segments (`cut` off).

use rayon::ThreadPool;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tantivy::collector::Collector;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

/// Ranges per core: enough that the last range to finish is short.
const RANGES_PER_CORE: u32 = 4;

/// No range is cut smaller than this: below it, opening the scorer again
/// (term lookups, first blocks) costs about what the range would save.
const MIN_RANGE: u32 = 4_096;

/// Runs `query` on every segment of `searcher`, shared by the calling
/// thread and `pool`'s, and merges the fruits: whole segments, or with
/// `cut`, segments cut into [`ranges`].
pub(super) fn search<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    pool: &ThreadPool,
    cut: bool,
) -> tantivy::Result<C::Fruit> {
    let readers = searcher.segment_readers();
    let tasks = if cut {
        let cores = pool.current_num_threads() + 1;
        ranges(readers.iter().map(SegmentReader::max_doc), cores, MIN_RANGE)
            .into_iter()
            .map(|(ord, docs)| (ord, Some(docs)))
            .collect()
    } else {
        (0..readers.len() as u32).map(|ord| (ord, None)).collect()
    };
    search_tasks(searcher, query, collector, pool, tasks)
}

/// Runs `query` on each task, a segment ordinal with a range of its
/// documents or `None` for the whole segment, and merges the fruits. A
/// whole segment gets the query's own weight, so pruning and counting from
/// document frequencies work as in tantivy's own search; a range gets it
/// wrapped in a [`RangeWeight`].
fn search_tasks<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    pool: &ThreadPool,
    tasks: Vec<(u32, Option<Range<DocId>>)>,
) -> tantivy::Result<C::Fruit> {
    let scoring = if collector.requires_scoring() {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight: Arc<dyn Weight> = Arc::from(query.weight(scoring)?);
    collector.check_schema(searcher.schema())?;
    let readers = searcher.segment_readers();
    let fruits = share(pool, tasks, &|(ord, docs)| {
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
    });
    collector.merge_fruits(fruits.into_iter().collect::<tantivy::Result<_>>()?)
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
            }
        }
    };
    let helpers = pool.current_num_threads().min(n.saturating_sub(1));
    pool.in_place_scope(|scope| {
        for _ in 0..helpers {
            scope.spawn(|_| work());
        }
        work();
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

/// The ranges of document ids to search: `(segment ordinal, ids)`, each
/// segment cut into equal ranges of at most `total / (cores ×
/// RANGES_PER_CORE)` ids and at least `min_range` (a segment's last range
/// may be a few ids shorter; a smaller segment is one range). Together they
/// cover every id of every segment exactly once.
fn ranges(
    max_docs: impl Iterator<Item = DocId>,
    cores: usize,
    min_range: DocId,
) -> Vec<(u32, Range<DocId>)> {
    let max_docs: Vec<DocId> = max_docs.collect();
    let total: u64 = max_docs.iter().map(|&n| u64::from(n)).sum();
    let pieces = (cores.max(1) as u64) * u64::from(RANGES_PER_CORE);
    let target = (total.div_ceil(pieces) as DocId).max(min_range).max(1);
    let mut out = Vec::new();
    for (ord, &max_doc) in max_docs.iter().enumerate() {
        // Ranges no larger than the target, nor (but for rounding) smaller
        // than the minimum.
        let n = max_doc
            .div_ceil(target)
            .min(max_doc / min_range.max(1))
            .max(1);
        let step = max_doc.div_ceil(n).max(1);
        let mut start: DocId = 0;
        loop {
            let end = start.saturating_add(step).min(max_doc);
            out.push((ord as u32, start..end));
            if end >= max_doc {
                break;
            }
            start = end;
        }
    }
    out
}

/// A query's weight restricted to a range of a segment's document ids.
struct RangeWeight {
    inner: Arc<dyn Weight>,
    docs: Range<DocId>,
}

impl Weight for RangeWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut inner = self.inner.scorer(reader, boost)?;
        if inner.doc() < self.docs.start {
            inner.seek(self.docs.start);
        }
        Ok(Box::new(RangeScorer::new(inner, self.docs.end)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
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
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::QueryParser;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{DocAddress, Index, IndexWriter, Term, doc};

    /// The searcher's segments as tasks of ranges, cut for `cores` with at
    /// least `min_range` documents each.
    fn cut_into_ranges(
        searcher: &Searcher,
        cores: usize,
        min_range: DocId,
    ) -> Vec<(u32, Option<Range<DocId>>)> {
        let max_docs = searcher
            .segment_readers()
            .iter()
            .map(SegmentReader::max_doc);
        ranges(max_docs, cores, min_range)
            .into_iter()
            .map(|(ord, docs)| (ord, Some(docs)))
            .collect()
    }

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

    #[test]
    fn ranges_share_the_index_evenly() {
        // The segments of a 100,000-decision index on two cores.
        let r = ranges([40_960, 40_960, 18_080].into_iter(), 2, MIN_RANGE);
        let sizes: Vec<u32> = r.iter().map(|(_, d)| d.end - d.start).collect();
        assert_eq!(
            sizes,
            [
                10_240, 10_240, 10_240, 10_240, 10_240, 10_240, 10_240, 10_240, 9_040, 9_040
            ]
        );
        // Small segments are not cut below the minimum.
        let r = ranges([5_000, 100].into_iter(), 2, MIN_RANGE);
        assert_eq!(r, [(0, 0..5_000), (1, 0..100)]);
        // An empty segment is one empty range.
        assert_eq!(ranges([0].into_iter(), 2, MIN_RANGE), [(0, 0..0)]);
    }

    proptest! {
        #[test]
        fn ranges_cover_every_document_once(
            max_docs in proptest::collection::vec(0u32..200_000, 0..8),
            cores in 1usize..9,
            min_range in 1u32..10_000,
        ) {
            let r = ranges(max_docs.iter().copied(), cores, min_range);
            for (ord, &max_doc) in max_docs.iter().enumerate() {
                let mine: Vec<&Range<DocId>> =
                    r.iter().filter(|(o, _)| *o as usize == ord).map(|(_, d)| d).collect();
                prop_assert!(!mine.is_empty());
                prop_assert_eq!(mine[0].start, 0);
                prop_assert_eq!(mine[mine.len() - 1].end, max_doc);
                prop_assert!(mine.windows(2).all(|w| w[0].end == w[1].start && w[0].start < w[0].end));
            }
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
            let (n, hits) = search(&searcher, &query, &collector, &pool, false)?;
            assert_eq!((n, &hits), (count, &top), "{q} by segments");
            for min_range in [7, 64, 300] {
                let tasks = cut_into_ranges(&searcher, 2, min_range);
                let (n, hits) = search_tasks(&searcher, &query, &collector, &pool, tasks)?;
                assert_eq!(n, count, "{q} in ranges of {min_range}");
                assert_eq!(hits, top, "{q} in ranges of {min_range}");
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
                let tasks = cut_into_ranges(&searcher, 16, 13);
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
