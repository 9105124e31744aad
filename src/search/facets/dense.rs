//! Counting a segment's facets from the snapshot's tables, block by block,
//! by subtraction where most of a block matches.
//!
//! Counting one match from [`FacetTables`](super::FacetTables) is a row load
//! and a few increments, about 10 ns; a word found in nearly every decision
//! pays that for every decision. So [`TableCounter`] gathers the matches of
//! each block of [`BLOCK`] documents (the blocks of the running totals the
//! segment keeps) and, where more of the block's documents match than do
//! not, counts those that do not (the gaps) and takes the block as a whole
//! from the running totals:
//!
//! counts = matches of sparse blocks, one by one
//!        + totals of the dense blocks − their gaps.
//!
//! A run of consecutive dense blocks takes its totals once. A phrase in
//! 60% of the decisions counts the 40% that lack it; a word in 99% counts
//! 1%. (As first written, the choice was made for each block of 64 matches
//! as tantivy hands them over unscored, when they filled two thirds of the
//! documents they spanned, and a span of such blocks was taken from the
//! totals only between whole blocks, its ends counted one by one: a query
//! in 60% of the decisions gained nothing, and paid twice for the few
//! blocks of 64 that happened to be dense. Scored matches, handed over one
//! at a time, were counted one by one.)
//!
//! A block is taken whole even where the segment collector searches only
//! part of it (a range of the segment, `search::split`): the documents
//! outside its range are not its matches, so they are gaps, taken away as
//! they were added; so are deleted documents. Counts are exact: the facet
//! tests compare them with counting every match (`tests/facet_tables.rs`
//! and the property test below).

use super::{OrdinalCounts, SegmentTables};
use std::sync::Arc;
use tantivy::DocId;

/// Documents per block of a segment's running totals: the unit in which
/// matches are counted one by one or by subtraction.
pub(super) const BLOCK: u32 = 1024;

/// Words of a bitmap of one block's documents.
const WORDS: usize = BLOCK.div_ceil(64) as usize;

/// Matches of sparse blocks are counted this many or more at a time, so a
/// query with one match in each block does not start the count loop for
/// each.
const DIRECT: usize = 64;

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
    /// documents `[0, min(b × block, max_doc))`, for each block that starts
    /// before `max_doc` and for its end, so every block has a row at each
    /// end. Blocks are of `block` documents, at most [`BLOCK`].
    pub(super) fn add_running_totals(&mut self, slots: &Slots, block: u32) {
        let max_doc = self.rows.len();
        let block_len = block.clamp(1, BLOCK) as usize;
        let mut running = vec![0u32; slots.width];
        let mut totals = Vec::with_capacity((max_doc / block_len + 2) * slots.width);
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
        totals.extend_from_slice(&running);
        self.totals = totals;
        self.block = block_len as u32;
    }

    /// Row `b` of the running totals, if there is one.
    fn totals_row(&self, b: u32, width: usize) -> Option<&[u32]> {
        let start = (b as usize).checked_mul(width)?;
        self.totals.get(start..start.checked_add(width)?)
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

/// Counts of one segment's matches from the snapshot's tables (see the
/// module header).
pub struct TableCounter {
    segment: Arc<SegmentTables>,
    counts: OrdinalCounts,
    /// The matches of the block `[start, end)` not yet counted, ascending.
    pending: Vec<DocId>,
    start: DocId,
    end: DocId,
    /// Matches of sparse blocks not yet counted.
    direct: Vec<DocId>,
    /// The dense blocks `[first, end)` met since the last dense block that
    /// did not follow on: their totals are not yet added.
    run: Option<(u32, u32)>,
    /// Documents of dense blocks that did not match.
    gaps: Option<Box<OrdinalCounts>>,
    /// The documents of a dense block that did not match, listed to be
    /// counted (kept for its allocation).
    unmatched: Vec<DocId>,
}

impl TableCounter {
    /// A counter of `segment`'s matches into `counts` (zeroed).
    pub(super) fn new(segment: Arc<SegmentTables>, counts: OrdinalCounts) -> TableCounter {
        TableCounter {
            segment,
            counts,
            pending: Vec::new(),
            start: 0,
            end: 0,
            direct: Vec::new(),
            run: None,
            gaps: None,
            unmatched: Vec::new(),
        }
    }

    /// Takes match `doc`, after every match taken before.
    #[inline]
    pub(super) fn collect(&mut self, doc: DocId) {
        self.enter(doc);
        self.pending.push(doc);
    }

    /// Takes a block of matches, in ascending order, each after every match
    /// taken before.
    pub(super) fn collect_block(&mut self, docs: &[DocId]) {
        let mut rest = docs;
        while let Some(&first) = rest.first() {
            self.enter(first);
            let (here, after) = rest.split_at(rest.partition_point(|&d| d < self.end).max(1));
            self.pending.extend_from_slice(here);
            rest = after;
        }
    }

    /// The counts: the pending and sparse matches counted, the dense
    /// blocks' totals in, their gaps out.
    pub(super) fn harvest(mut self) -> OrdinalCounts {
        self.settle();
        self.counts.count_each(&self.segment, self.direct.drain(..));
        let run = self.run.take();
        self.add_run(run);
        if let Some(gaps) = &self.gaps {
            self.counts.subtract(gaps);
        }
        self.counts
    }

    /// Makes the block of `doc` the pending one, settling the one before.
    #[inline]
    fn enter(&mut self, doc: DocId) {
        if doc >= self.end {
            self.settle();
            let block = self.segment.block.max(1);
            self.start = doc / block * block;
            self.end = self.start.saturating_add(block);
        }
    }

    /// Counts the pending matches, all of one block: one by one (later,
    /// with others) when they are fewer than the block's other documents,
    /// else by subtraction.
    fn settle(&mut self) {
        let matches = self.pending.len();
        if matches == 0 {
            return;
        }
        let segment = &*self.segment;
        let (start, end) = (self.start, self.end.min(segment.rows.len() as DocId));
        let len = end.saturating_sub(start) as usize;
        let b = start / segment.block.max(1);
        let width = self.counts.tables.slots.width;
        if 2 * matches <= len || segment.totals_row(b + 1, width).is_none() {
            self.direct.append(&mut self.pending);
            if self.direct.len() >= DIRECT {
                self.counts.count_each(segment, self.direct.drain(..));
            }
            return;
        }
        if matches < len {
            // The block's other documents: the clear bits of a bitmap of
            // its matches (a loop over the gaps between the matches instead
            // mispredicts its exit at nearly every match, 1.04-1.06x slower
            // at a million decisions), listed first so that, counted from a
            // slice, they cost what a match does.
            let mut bits = [0u64; WORDS];
            for &d in &self.pending {
                let i = d.wrapping_sub(start) as usize;
                if let Some(word) = bits.get_mut(i / 64) {
                    *word |= 1 << (i % 64);
                }
            }
            self.unmatched.clear();
            self.unmatched.reserve(len - matches);
            for (i, &word) in bits.iter().enumerate() {
                let first = i * 64;
                if first >= len {
                    break;
                }
                let mut clear = !word;
                if len - first < 64 {
                    clear &= (1 << (len - first)) - 1;
                }
                while clear != 0 {
                    self.unmatched
                        .push(start + (first as u32 + clear.trailing_zeros()));
                    clear &= clear - 1;
                }
            }
            let tables = &self.counts.tables;
            self.gaps
                .get_or_insert_with(|| Box::new(tables.zeroed()))
                .count_each(segment, self.unmatched.iter().copied());
        }
        self.pending.clear();
        self.run = match self.run {
            Some((from, to)) if to == b => Some((from, b + 1)),
            run => {
                self.add_run(run);
                Some((b, b + 1))
            }
        };
    }

    /// Adds the totals of the dense blocks `run` to the counts.
    fn add_run(&mut self, run: Option<(u32, u32)>) {
        let Some((from, to)) = run else { return };
        let width = self.counts.tables.slots.width;
        let rows = (
            self.segment.totals_row(from, width),
            self.segment.totals_row(to, width),
        );
        if let (Some(low), Some(high)) = rows {
            self.counts.add_difference(high, low);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::rows::{Layout, Rows};
    use super::super::{FacetTables, NONE};
    use super::*;
    use proptest::prelude::*;

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
        /// Any matches within any range of the segment (as a search cut
        /// into ranges has them), handed over in blocks of any size or one
        /// at a time, count as counting every match does.
        #[test]
        fn dense_counting_is_exact(
            docs in proptest::collection::vec(a_document(), 1..300),
            density in 1u32..101,
            seed in any::<u64>(),
            block in 1u32..40,
            sizes in proptest::collection::vec(1usize..70, 1..40),
            range in (0usize..300, 0usize..300),
        ) {
            let (facets, segment) = tables(&docs, block);
            let mut rng = seed;
            let mut next = move || {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                rng
            };
            let (from, to) = (range.0.min(range.1), range.0.max(range.1));
            let matches: Vec<DocId> = (0..docs.len() as DocId)
                .filter(|&d| (from..=to).contains(&(d as usize)))
                .filter(|_| (next() % 100) < u64::from(density))
                .collect();
            // Every match's values, one by one.
            let mut expected = facets.zeroed();
            let mut arrays = expected.arrays_mut();
            for &d in &matches {
                segment.each_value(d, |array, ordinal| {
                    if let Some(n) = arrays[array].get_mut(ordinal as usize) {
                        *n += 1;
                    }
                });
            }

            let mut counter = TableCounter::new(Arc::new(segment), facets.zeroed());
            let mut rest = &matches[..];
            for size in sizes.iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let (block, after) = rest.split_at((*size).min(rest.len()));
                if *size == 1 {
                    // One at a time, as a scored search hands them over.
                    counter.collect(block[0]);
                } else {
                    counter.collect_block(block);
                }
                rest = after;
            }
            let counts = counter.harvest();
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
        let mut counter = TableCounter::new(Arc::new(segment), facets.zeroed());
        let all: Vec<DocId> = (0..100).collect();
        for chunk in all.chunks(64) {
            counter.collect_block(chunk);
        }
        // One run of all 13 blocks (the last of 4), no gaps: counted from
        // the totals, not one by one.
        assert_eq!(counter.pending, [96, 97, 98, 99]);
        counter.settle();
        assert_eq!(counter.run, Some((0, 13)));
        assert!(counter.gaps.is_none() && counter.direct.is_empty());
        let counts = counter.harvest();
        assert_eq!(counts.counts[0], vec![34, 33, 33]);
        assert_eq!(counts.years, vec![25, 25, 25, 25]);
    }

    /// A block that fewer than half its documents match is counted one by
    /// one; one that more match, by its totals less the others, even those
    /// before a range's first match.
    #[test]
    fn blocks_are_counted_by_the_fewer_of_their_matches_and_the_rest() {
        let docs: Vec<([u32; 4], Vec<u32>)> = (0..32u32)
            .map(|i| ([i % 3, i % 5, i % 7, i % 4], vec![]))
            .collect();
        let (facets, segment) = tables(&docs, 8);
        let mut counter = TableCounter::new(Arc::new(segment), facets.zeroed());
        // Block 0: 4 of 8 (sparse); block 1: 5 of 8 (dense, from 11); block
        // 3: 7 of 8 (dense).
        let matches = [0, 2, 4, 6, 11, 12, 13, 14, 15, 25, 26, 27, 28, 29, 30, 31];
        counter.collect_block(&matches);
        counter.settle();
        assert_eq!(counter.direct, [0, 2, 4, 6]);
        assert_eq!(counter.run, Some((3, 4)));
        let gaps = counter.gaps.as_ref().expect("gaps of dense blocks");
        assert_eq!(gaps.counts[0].iter().sum::<u64>(), 3 + 1);
        let counts = counter.harvest();
        let mut expected = vec![0u64; 3];
        matches.iter().for_each(|&d| expected[d as usize % 3] += 1);
        assert_eq!(counts.counts[0], expected);
    }
}
