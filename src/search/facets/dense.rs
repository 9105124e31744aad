//! Counting the facets of a query that matches most documents, by
//! subtraction.
//!
//! Counting one match from [`FacetTables`](super::FacetTables) is a row load
//! and a few increments, about 10 ns; a word found in nearly every decision
//! pays that for every decision. So when a block of matches (tantivy hands
//! over up to 64 at a time when nothing is scored) covers more than two
//! thirds of the documents it spans, [`Dense`] counts the documents it
//! *skips* (the gaps) instead, and the span as a whole from running totals
//! the segment keeps per [`BLOCK`] documents:
//!
//! counts = matches of sparse blocks, one by one
//!        + totals of the dense spans − their gaps.
//!
//! Deleted documents are in both the totals and the gaps, so they cancel;
//! so does a document counted one by one that also lies inside a span
//! (counted, in the totals, and a gap). Counts are exact: the facet tests
//! compare them with counting every match (`tests/facet_tables.rs` and the
//! property test below).

use super::{OrdinalCounts, SegmentTables};
use tantivy::DocId;

/// Documents per block of a segment's running totals: a dense span is
/// counted from totals at the blocks inside it, and one by one in the
/// partial blocks at its ends (at most `2 × BLOCK` documents).
pub(super) const BLOCK: u32 = 1024;

/// Where each facet's counts sit in one row of running totals: outcome,
/// category, authority, citation, then years.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Slots {
    /// Start of each facet's values, then the start of the years.
    pub(super) offsets: [usize; 5],
    /// Values in a row.
    pub(super) width: usize,
}

impl Slots {
    /// The layout for facets of `lens[f]` values each and `years` years.
    pub(super) fn new(lens: [usize; 4], years: usize) -> Slots {
        let mut offsets = [0; 5];
        let mut at = 0;
        for (o, len) in offsets.iter_mut().zip(lens.iter().chain([&years])) {
            *o = at;
            at += len;
        }
        Slots { offsets, width: at }
    }

    /// The slot of value `ordinal` of count array `array` (as
    /// [`SegmentTables::each_value`] numbers them), if in range.
    fn slot(&self, array: usize, ordinal: u32) -> Option<usize> {
        let start = *self.offsets.get(array)?;
        let end = self.offsets.get(array + 1).copied().unwrap_or(self.width);
        let slot = start.checked_add(ordinal as usize)?;
        (slot < end).then_some(slot)
    }
}

impl SegmentTables {
    /// Fills [`SegmentTables::totals`]: row `b` counts every value over
    /// documents `[0, b × block)`, for each `b` with `b × block ≤ max_doc`.
    pub(super) fn add_running_totals(&mut self, slots: &Slots, block: u32) {
        let max_doc = self.rows.len();
        let block_len = block.max(1) as usize;
        let mut running = vec![0u32; slots.width];
        let mut totals = Vec::with_capacity((max_doc / block_len + 1) * slots.width);
        for doc in 0..max_doc {
            if doc.is_multiple_of(block_len) {
                totals.extend_from_slice(&running);
            }
            self.each_value(doc as DocId, |array, ordinal| {
                if let Some(slot) = slots.slot(array, ordinal) {
                    running[slot] += 1;
                }
            });
        }
        if max_doc.is_multiple_of(block_len) {
            totals.extend_from_slice(&running);
        }
        self.totals = totals;
        self.block = block_len as u32;
    }

    /// Adds to `counts` every document of `[from, to)`: the whole blocks
    /// inside from the running totals, the rest one by one.
    fn count_range(&self, counts: &mut OrdinalCounts, from: DocId, to: DocId) {
        let block = self.block.max(1);
        let (lo, hi) = (from.div_ceil(block), to / block);
        let width = counts.tables.slots.width;
        let row = |b: u32| {
            self.totals
                .get(b as usize * width..(b as usize + 1) * width)
        };
        match (hi > lo).then(|| (row(lo), row(hi))) {
            Some((Some(low), Some(high))) => {
                counts.count_each(self, from..lo * block);
                counts.add_difference(high, low);
                counts.count_each(self, hi * block..to);
            }
            _ => counts.count_each(self, from..to),
        }
    }
}

impl OrdinalCounts {
    /// Adds `high − low`, two rows of running totals, slot by slot.
    fn add_difference(&mut self, high: &[u32], low: &[u32]) {
        let offsets = self.tables.slots.offsets;
        for (counts, start) in self.arrays_mut().into_iter().zip(offsets) {
            let (Some(high), Some(low)) = (high.get(start..), low.get(start..)) else {
                continue;
            };
            for ((n, h), l) in counts.iter_mut().zip(high).zip(low) {
                *n += u64::from(h.wrapping_sub(*l));
            }
        }
    }

    /// Takes `other`'s counts away, slot by slot. Exact whenever the true
    /// result is not negative, in whatever order counts were added.
    fn subtract(&mut self, other: &OrdinalCounts) {
        self.combine(other, u64::wrapping_sub);
    }
}

/// The dense half of a segment's facet counting (see the module header).
#[derive(Debug, Default)]
pub struct Dense {
    /// First and last document of the dense blocks met since the last
    /// sparse one.
    span: Option<(DocId, DocId)>,
    /// Documents inside spans that did not match.
    gaps: Option<Box<OrdinalCounts>>,
}

impl Dense {
    /// Counts a block of matches, in ascending order, each after any
    /// document counted before.
    pub(super) fn collect_block(
        &mut self,
        segment: &SegmentTables,
        counts: &mut OrdinalCounts,
        docs: &[DocId],
    ) {
        let (Some(&first), Some(&last)) = (docs.first(), docs.last()) else {
            return;
        };
        let from = self.span.map_or(first, |(_, end)| end.saturating_add(1));
        let spanned = last.checked_sub(from).filter(|_| first >= from);
        match spanned {
            Some(extra) if docs.len() * 3 > 2 * (extra as usize + 1) => {
                let mut next = from;
                for &d in docs {
                    if next < d {
                        let gaps = self
                            .gaps
                            .get_or_insert_with(|| Box::new(counts.tables.zeroed()));
                        gaps.count_each(segment, next..d);
                    }
                    next = d + 1;
                }
                self.span = Some((self.span.map_or(first, |(start, _)| start), last));
            }
            _ => {
                self.close(segment, counts);
                counts.count_each(segment, docs.iter().copied());
            }
        }
    }

    /// Adds the open span's totals to `counts`.
    fn close(&mut self, segment: &SegmentTables, counts: &mut OrdinalCounts) {
        if let Some((start, end)) = self.span.take() {
            segment.count_range(counts, start, end + 1);
        }
    }

    /// Completes `counts`: the open span's totals in, every gap out.
    pub(super) fn finish(mut self, segment: &SegmentTables, counts: &mut OrdinalCounts) {
        self.close(segment, counts);
        if let Some(gaps) = &self.gaps {
            counts.subtract(gaps);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::rows::{Layout, Rows};
    use super::super::{FacetTables, NONE};
    use super::*;
    use proptest::prelude::*;
    use std::sync::Arc;

    /// Tables of one segment from per-document (row, citations), with
    /// running totals every `block` documents.
    fn tables(docs: &[([u32; 4], Vec<u32>)], block: u32) -> (Arc<FacetTables>, SegmentTables) {
        let lens = [3, 5, 7, 6];
        let years = 4;
        let layout = Layout::new([lens[0], lens[1], lens[2], years], lens[3]).expect("fits");
        let mut t = SegmentTables {
            rows: Rows::new(layout, docs.len()),
            ..SegmentTables::default()
        };
        for (row, cites) in docs {
            assert!(t.rows.push(*row, cites));
        }
        let slots = Slots::new(lens, years);
        t.add_running_totals(&slots, block);
        let name = |f: usize| (0..lens[f]).map(|i| format!("{f}-{i}")).collect();
        let facets = FacetTables {
            values: [name(0), name(1), name(2), name(3)],
            first_year: 2000,
            year_span: years,
            slots,
            segments: Default::default(),
        };
        (Arc::new(facets), t)
    }

    fn a_document() -> impl Strategy<Value = ([u32; 4], Vec<u32>)> {
        let value = |n: u32| prop_oneof![4 => 0..n, 1 => Just(NONE)];
        (
            [value(3), value(5), value(7), value(4)],
            proptest::collection::vec(0u32..6, 0..3),
        )
    }

    proptest! {
        /// Any matches, handed over in blocks of any size and with some
        /// counted one by one, count as counting every match does.
        #[test]
        fn dense_counting_is_exact(
            docs in proptest::collection::vec(a_document(), 1..300),
            density in 1u32..100,
            seed in any::<u64>(),
            block in 1u32..40,
            sizes in proptest::collection::vec(1usize..70, 1..40),
        ) {
            let (facets, segment) = tables(&docs, block);
            let mut rng = seed;
            let mut next = move || {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                rng
            };
            let matches: Vec<DocId> = (0..docs.len() as DocId)
                .filter(|_| (next() % 100) < u64::from(density))
                .collect();
            let mut expected = facets.zeroed();
            matches.iter().for_each(|&d| expected.count(&segment, d));

            let mut counts = facets.zeroed();
            let mut dense = Dense::default();
            let mut rest = &matches[..];
            for size in sizes.iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let (block, after) = rest.split_at((*size).min(rest.len()));
                if *size == 1 {
                    // A lone match counted as `collect` does.
                    counts.count(&segment, block[0]);
                } else {
                    dense.collect_block(&segment, &mut counts, block);
                }
                rest = after;
            }
            dense.finish(&segment, &mut counts);
            prop_assert_eq!(&counts.counts, &expected.counts);
            prop_assert_eq!(&counts.years, &expected.years);
        }
    }

    #[test]
    fn a_block_of_every_document_is_counted_from_the_totals() {
        let docs: Vec<([u32; 4], Vec<u32>)> = (0..100u32)
            .map(|i| ([i % 3, i % 5, i % 7, i % 4], vec![i % 6]))
            .collect();
        let (facets, segment) = tables(&docs, 8);
        let mut counts = facets.zeroed();
        let mut dense = Dense::default();
        let all: Vec<DocId> = (0..100).collect();
        for chunk in all.chunks(64) {
            dense.collect_block(&segment, &mut counts, chunk);
        }
        // One span, no gaps: counted from totals, not one by one.
        assert_eq!(dense.span, Some((0, 99)));
        assert!(dense.gaps.is_none());
        dense.finish(&segment, &mut counts);
        assert_eq!(counts.counts[0], vec![34, 33, 33]);
        assert_eq!(counts.years, vec![25, 25, 25, 25]);
    }
}
