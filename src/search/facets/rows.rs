//! One segment's facet values per document, packed in a 64-bit row.
//!
//! Counting facets reads the values of every match, in document order. At
//! a million decisions the tables no longer fit in the processor's caches,
//! so the cost of a match is the memory it brings in, and the instructions
//! that take its values apart. A document's outcome, category, authority
//! and year ordinals share one 64-bit row with the start of its citations,
//! each at a fixed place ([`SHIFT`], [`BITS`]) so that taking a value out
//! is a constant shift and mask; citations are 16-bit ordinals. On the
//! generated corpus (3.4 citations a decision) that is about 15 bytes a
//! decision, where plain arrays took 34. (Fields sized to the snapshot's
//! numbers of values, at places known only when it is read, cost about 15%
//! more instructions a match, callgrind: a shift by a register and a mask
//! from memory per value.)

use super::{Facet, YEARS};

/// The arrays of the facets a row holds, in the order of its fields.
const FIELDS: [usize; 4] = [
    Facet::Outcome as usize,
    Facet::Category as usize,
    Facet::Authority as usize,
    YEARS,
];

/// Where each field of [`FIELDS`] starts in a row, and its width in bits:
/// up to 255 outcomes, categories and years, 65,535 authorities.
const SHIFT: [u32; 4] = [0, 8, 16, 32];
const BITS: [u32; 4] = [8, 8, 16, 8];

/// Where a document's citations start in [`Rows::citations`], in the row's
/// top bits: up to 16,777,215 citations a segment (about 4.9 million
/// decisions at 3.4 each).
const CITATIONS_SHIFT: u32 = 40;

/// The value of field `f` of `row`: a constant shift and mask once `f` is.
#[inline(always)]
fn field(row: u64, f: usize) -> u32 {
    (row >> SHIFT[f]) as u32 & ((1 << BITS[f]) - 1)
}

/// What a row's values mean: in each field, values `0..absent` and
/// `absent`, the field's number of values, for none. As an index, `absent`
/// is one past the last of a count array with a slot per value.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Layout {
    absent: [u32; 4],
}

impl Layout {
    /// The layout for a snapshot with this many values of outcome,
    /// category and authority, this many years and citation values; `None`
    /// when they do not fit ([`BITS`], 16-bit citations).
    pub(super) fn new(values: [usize; 4], citations: usize) -> Option<Layout> {
        let mut layout = Layout::default();
        for (f, &n) in values.iter().enumerate() {
            // Values 0..n, and n for none.
            let absent = u32::try_from(n).ok().filter(|&n| n < 1 << BITS[f])?;
            layout.absent[f] = absent;
        }
        (citations <= 1 << 16).then_some(layout)
    }

    /// The four values packed (a value out of range counts as none).
    fn pack(&self, values: [u32; 4]) -> u64 {
        let mut packed = 0u64;
        for (f, v) in values.into_iter().enumerate() {
            packed |= u64::from(v.min(self.absent[f])) << SHIFT[f];
        }
        packed
    }
}

/// Facet values of a segment's documents, in document order.
#[derive(Debug, Default)]
pub(super) struct Rows {
    layout: Layout,
    /// One row per document, then a closing row: the packed values, and
    /// where the document's citations start in `citations` from
    /// [`CITATIONS_SHIFT`] (they end where the next row's start).
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
    /// authority ordinals and its year index ([`NONE`](super::NONE) when
    /// absent), its `citations` ordinals within the layout. `false`, and
    /// nothing appended, when the citations overflow the row's start.
    pub(super) fn push(&mut self, values: [u32; 4], citations: &[u32]) -> bool {
        let end = self.citations.len() + citations.len();
        if end >> (u64::BITS - CITATIONS_SHIFT) != 0 {
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
        self.rows.push((end as u64) << CITATIONS_SHIFT);
        true
    }

    /// Documents held.
    pub(super) fn len(&self) -> usize {
        self.rows.len().saturating_sub(1)
    }

    /// Calls `visit(array, ordinal)` for each value of document `doc`:
    /// `array` is a facet of [`Facet::ALL`] or [`YEARS`]. An absent value
    /// is its field's number of values ([`Layout`]): one past the last slot
    /// of an array with a slot per value, so it counts nowhere and needs no
    /// test of its own.
    #[inline(always)]
    pub(super) fn each_value(&self, doc: usize, mut visit: impl FnMut(usize, u32)) {
        let (Some(&row), Some(&next)) = (self.rows.get(doc), self.rows.get(doc + 1)) else {
            return;
        };
        for (f, array) in FIELDS.into_iter().enumerate() {
            visit(array, field(row, f));
        }
        let (start, end) = citations(row, next);
        for &c in self.citations.get(start..end).unwrap_or(&[]) {
            visit(Facet::Citation as usize, u32::from(c));
        }
    }
}

/// Where the citations of the document of `row` start and end, given the
/// next row.
#[inline(always)]
fn citations(row: u64, next: u64) -> (usize, usize) {
    let start = |row: u64| (row >> CITATIONS_SHIFT) as usize;
    (start(row), start(next))
}

#[cfg(test)]
mod tests {
    use super::super::NONE;
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
        // An absent value comes back as its field's number of values.
        let value = |f: usize, v: u32| v.min(layout.absent[f]);
        let expected: Vec<Vec<(usize, u32)>> = docs
            .iter()
            .map(|([o, c, a, y], cites)| {
                let (o, c, a, y) = (value(0, *o), value(1, *c), value(2, *a), value(3, *y));
                let mut v = vec![(0, o), (1, c), (2, a), (YEARS, y)];
                v.extend(cites.iter().map(|&g| (Facet::Citation as usize, g)));
                v
            })
            .collect();
        assert_eq!(values(&rows), expected);
        let mut past = Vec::new();
        rows.each_value(docs.len(), |a, o| past.push((a, o)));
        assert!(past.is_empty());
    }

    /// Values come back as pushed: absent ones as their field's number of
    /// values, the largest of each field, no citations or many; with fields
    /// of 0, 1 and many values.
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
        // Every field full.
        let layout = Layout::new([255, 255, 65_535, 255], 2).expect("fits");
        round_trip(
            layout,
            &[
                ([254, 0, 65_534, 254], vec![1]),
                ([NONE, 254, NONE, NONE], vec![]),
                ([0, NONE, 0, 0], vec![0, 1]),
            ],
        );
    }

    #[test]
    fn layouts_that_do_not_fit_are_refused() {
        assert!(Layout::new([256, 255, 255, 255], 1).is_none());
        assert!(Layout::new([1, 256, 1, 1], 1).is_none());
        assert!(Layout::new([1, 1, 1 << 16, 1], 1).is_none());
        assert!(Layout::new([1, 1, 1, 256], 1).is_none());
        assert!(Layout::new([1, 1, 1, 1], (1 << 16) + 1).is_none());
        assert!(Layout::new([0, 0, 0, 0], 0).is_some());
        assert!(Layout::new([255, 255, (1 << 16) - 1, 255], 1 << 16).is_some());
    }
}
