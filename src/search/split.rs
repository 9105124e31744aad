//! Balanced parallel search: every segment cut into ranges of document ids,
//! so that all cores get an even share of a query's work whatever the sizes
//! of the segments.
//!
//! tantivy hands each segment to one thread. An index of 40,960 + 40,960 +
//! 18,080 documents on two cores then gives one core 59,040 documents and
//! the other 40,960: the query takes as long as the larger share. Here the
//! segments are cut into ranges of at most a quarter of a core's share
//! ([`RANGES_PER_CORE`], never under [`MIN_RANGE`] documents); the
//! executor's threads take ranges as they finish the previous one, so the
//! shares end within one range of each other. Measured at 100,000 decisions
//! on two cores (the default query set, 5 interleaved rounds, medians of the
//! full answer): a phrase in 59,723 decisions 14.7 → 11.9 ms, one in 54,798
//! 8.9 → 7.9 ms. Each range opens the query's scorers again, so the engine
//! cuts only large queries (`SPLIT_FROM`).
//!
//! A range is searched by the query's own scorer for the segment, moved to
//! the range's first document and ended at its last ([`RangeScorer`]); the
//! collector gets one segment collector per range and merges their fruits
//! as it merges segments'. Only for collectors that visit every match:
//! pruning top-k collection (block-max WAND) and counting a term from its
//! document frequency work per segment and are not split.

use std::ops::Range;
use std::sync::Arc;
use tantivy::collector::Collector;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Executor, Score, Searcher, SegmentReader, TERMINATED};

/// Ranges per core: enough that the last range to finish is short.
const RANGES_PER_CORE: u32 = 4;

/// No range is cut smaller than this: below it, opening the scorer again
/// (term lookups, first blocks) costs about what the range would save.
const MIN_RANGE: u32 = 4_096;

/// Runs `query` on every segment of `searcher`, cut into ranges shared by
/// `cores` threads of `executor`, and merges the fruits.
pub(super) fn search<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    executor: &Executor,
    scoring: EnableScoring,
    cores: usize,
) -> tantivy::Result<C::Fruit> {
    let max_docs = searcher
        .segment_readers()
        .iter()
        .map(SegmentReader::max_doc);
    let tasks = ranges(max_docs, cores, MIN_RANGE);
    search_ranges(searcher, query, collector, executor, scoring, tasks)
}

/// Runs `query` on the given ranges and merges the fruits.
fn search_ranges<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    executor: &Executor,
    scoring: EnableScoring,
    tasks: Vec<(u32, Range<DocId>)>,
) -> tantivy::Result<C::Fruit> {
    let weight: Arc<dyn Weight> = Arc::from(query.weight(scoring)?);
    collector.check_schema(searcher.schema())?;
    let readers = searcher.segment_readers();
    let fruits = executor.map(
        |(ord, docs)| {
            let range = RangeWeight {
                inner: Arc::clone(&weight),
                docs,
            };
            collector.collect_segment(&range, ord, &readers[ord as usize])
        },
        tasks.into_iter(),
    )?;
    collector.merge_fruits(fruits)
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
        let executor = Executor::multi_thread(2, "test-split-")?;
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
            for min_range in [7, 64, 300] {
                let max_docs = searcher
                    .segment_readers()
                    .iter()
                    .map(SegmentReader::max_doc);
                let tasks = ranges(max_docs, 2, min_range);
                let scoring = EnableScoring::enabled_from_searcher(&searcher);
                let (n, hits) =
                    search_ranges(&searcher, &query, &collector, &executor, scoring, tasks)?;
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
        use crate::generate::{GenerateOptions, write_corpus};
        use crate::indexer::{self, IndexOptions};
        use crate::search::facets::{FacetCollector, FacetTables};
        use crate::search::{Engine, SearchRequest};
        use indicatif::ProgressBar;

        let dir = tempfile::tempdir()?;
        let corpus = dir.path().join("corpus");
        let index = dir.path().join("index");
        write_corpus(
            &GenerateOptions::new(400, 5, &corpus),
            &ProgressBar::hidden(),
        )?;
        let mut opts = IndexOptions::new(&corpus, &index);
        opts.commit_every_docs = 100;
        indexer::build(&opts, &ProgressBar::hidden())?;
        let engine = Engine::open(&index)?;
        let searcher = engine.reader.searcher();
        assert!(searcher.segment_readers().len() >= 3);
        let tables = std::sync::Arc::new(FacetTables::build(&searcher, &engine.facet_fields)?);
        let executor = Executor::multi_thread(2, "test-split-facets-")?;
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
                let max_docs = searcher
                    .segment_readers()
                    .iter()
                    .map(SegmentReader::max_doc);
                let scoring = EnableScoring::enabled_from_searcher(&searcher);
                let tasks = ranges(max_docs, 16, 13);
                assert!(tasks.len() > 12);
                let (n, raw_ranges, hits) =
                    search_ranges(&searcher, &*query, &collector, &executor, scoring, tasks)?;
                assert!(count > 0, "{q} matches nothing");
                assert_eq!(n, count, "{q}");
                assert_eq!(hits, top, "{q}");
                assert_eq!(raw_ranges.into_facets(None), raw.into_facets(None), "{q}");
            }
        }
        Ok(())
    }
}
