//! One segment's facet values per document, bit-packed.
//!
//! Counting facets reads the values of every match, in document order. At
//! a million decisions the tables no longer fit in the processor's caches,
//! so the cost of a match is the memory it brings in: the fewer bytes per
//! document, the fewer trips. A document's outcome, category, authority
//! and year ordinals share one 64-bit row with the start of its
//! citations, each in as few bits as the snapshot's number of values needs
//! ([`Layout`]); citations are 16-bit ordinals. On the generated corpus
//! (3.4 citations a decision) that is about 15 bytes a decision, where
//! plain arrays took 34.

use super::{Facet, NONE, YEARS};

/// The arrays of the facets a row holds, in the order of its bit fields.
const FIELDS: [usize; 4] = [
    Facet::Outcome as usize,
    Facet::Category as usize,
    Facet::Authority as usize,
    YEARS,
];

/// Where each of a row's four values sits in its low 32 bits: under
/// `mask` from `shift`; the largest value that fits, `absent`, means none.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Layout {
    shift: [u32; 4],
    mask: [u32; 4],
    absent: [u32; 4],
}

impl Layout {
    /// The layout for a snapshot with this many values of outcome,
    /// category and authority, this many years and citation values; `None`
    /// when they do not fit (32 bits for the four, 16-bit citations).
    pub(super) fn new(values: [usize; 4], citations: usize) -> Option<Layout> {
        let mut layout = Layout::default();
        let mut shift = 0u32;
        for (f, &n) in values.iter().enumerate() {
            // Values 0..n, and n for none.
            let absent = u32::try_from(n).ok()?;
            let bits = u32::BITS - absent.leading_zeros();
            layout.shift[f] = shift;
            layout.mask[f] = u32::MAX.checked_shr(u32::BITS - bits).unwrap_or(0);
            layout.absent[f] = absent;
            shift += bits;
        }
        (shift <= 32 && citations <= 1 << 16).then_some(layout)
    }

    /// The four values packed (a value out of range counts as none).
    fn pack(&self, values: [u32; 4]) -> u64 {
        let mut packed = 0u64;
        for (f, v) in values.into_iter().enumerate() {
            let absent = self.absent[f];
            packed |= u64::from(v.min(absent)) << self.shift[f];
        }
        packed
    }
}

/// Facet values of a segment's documents, in document order.
#[derive(Debug, Default)]
pub(super) struct Rows {
    layout: Layout,
    /// One row per document, then a closing row: the packed values in the
    /// low 32 bits, where the document's citations start in `citations` in
    /// the high 32 (they end where the next row's start).
    rows: Vec<u64>,
    citations: Vec<u16>,
}

impl Rows {
    pub(super) fn new(layout: Layout, docs: usize) -> Rows {
        Rows {
            layout,
            rows: Vec::with_capacity(docs + 1),
            citations: Vec::new(),
        }
    }

    /// Appends the next document: `values` are its outcome, category and
    /// authority ordinals and its year index ([`NONE`] when absent), its
    /// `citations` ordinals within the layout. `false`, and nothing
    /// appended, when the citations overflow the row's 32-bit start.
    pub(super) fn push(&mut self, values: [u32; 4], citations: &[u32]) -> bool {
        let end = self.citations.len() + citations.len();
        if u32::try_from(end).is_err() {
            return false;
        }
        if self.rows.is_empty() {
            self.rows.push(0);
        }
        if let Some(row) = self.rows.last_mut() {
            *row |= self.layout.pack(values);
        }
        self.citations
            .extend(citations.iter().map(|&c| c.min(0xFFFF) as u16));
        self.rows.push((end as u64) << 32);
        true
    }

    /// Documents held.
    pub(super) fn len(&self) -> usize {
        self.rows.len().saturating_sub(1)
    }

    /// Calls `visit(array, ordinal)` for each value of document `doc`:
    /// `array` is a facet of [`Facet::ALL`] or [`YEARS`]; an absent value
    /// is [`NONE`].
    #[inline(always)]
    pub(super) fn each_value(&self, doc: usize, mut visit: impl FnMut(usize, u32)) {
        let (Some(&row), Some(&next)) = (self.rows.get(doc), self.rows.get(doc + 1)) else {
            return;
        };
        let Layout {
            shift,
            mask,
            absent,
        } = &self.layout;
        for (f, array) in FIELDS.into_iter().enumerate() {
            // A shift of 32 (a field of no bits last) reads the start: masked off.
            let v = (row >> shift[f]) as u32 & mask[f];
            visit(array, if v == absent[f] { NONE } else { v });
        }
        let (start, end) = ((row >> 32) as usize, (next >> 32) as usize);
        for &c in self.citations.get(start..end).unwrap_or(&[]) {
            visit(Facet::Citation as usize, u32::from(c));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each document's values as `each_value` gives them.
    fn values(rows: &Rows) -> Vec<Vec<(usize, u32)>> {
        (0..rows.len())
            .map(|d| {
                let mut v = Vec::new();
                rows.each_value(d, |array, ordinal| v.push((array, ordinal)));
                v
            })
            .collect()
    }

    /// Pushes `docs` into rows of `layout` and checks each comes back.
    fn round_trip(layout: Layout, docs: &[([u32; 4], Vec<u32>)]) {
        let mut rows = Rows::new(layout, docs.len());
        assert_eq!(rows.len(), 0);
        for (v, cites) in docs {
            assert!(rows.push(*v, cites));
        }
        assert_eq!(rows.len(), docs.len());
        let expected: Vec<Vec<(usize, u32)>> = docs
            .iter()
            .map(|([o, c, a, y], cites)| {
                let mut v = vec![(0, *o), (1, *c), (2, *a), (YEARS, *y)];
                v.extend(cites.iter().map(|&g| (Facet::Citation as usize, g)));
                v
            })
            .collect();
        assert_eq!(values(&rows), expected);
        let mut past = Vec::new();
        rows.each_value(docs.len(), |a, o| past.push((a, o)));
        assert!(past.is_empty());
    }

    /// Values come back as pushed: absent ones as NONE, the largest of
    /// each field, no citations or many; with fields of 0, 1 and many bits.
    #[test]
    fn rows_give_back_what_was_pushed() {
        let counts = [3, 44, 362, 13];
        let layout = Layout::new(counts, 40).expect("fits");
        let last = counts.map(|n| n as u32 - 1);
        round_trip(
            layout,
            &[
                ([0, 1, 2, 3], vec![7, 8]),
                ([NONE, NONE, NONE, NONE], vec![]),
                (last, vec![39, 0, 39]),
                ([2, 0, NONE, 0], (0..40).collect()),
                ([1, 43, 361, NONE], vec![5]),
            ],
        );
        // Facets with one value and none at all.
        let layout = Layout::new([1, 0, 1, 0], 1 << 16).expect("fits");
        round_trip(
            layout,
            &[
                ([0, NONE, 0, NONE], vec![0xFFFF]),
                ([NONE, NONE, NONE, NONE], vec![0]),
            ],
        );
        // 32 bits exactly: the last field reaches the top bit.
        let layout = Layout::new([255, 255, 255, 255], 2).expect("fits");
        round_trip(
            layout,
            &[
                ([254, 0, 254, 254], vec![1]),
                ([NONE, 254, NONE, NONE], vec![]),
            ],
        );
    }

    #[test]
    fn layouts_that_do_not_fit_are_refused() {
        assert!(Layout::new([256, 255, 255, 255], 1).is_none());
        assert!(Layout::new([1, 1, 1, 1], (1 << 16) + 1).is_none());
        assert!(Layout::new([0, 0, 1 << 31, 1], 1).is_none());
        assert!(Layout::new([0, 0, 1 << 31, 0], 1).is_some());
        assert!(Layout::new([1 << 20, 1 << 10, 0, 0], 1).is_some());
    }
}
